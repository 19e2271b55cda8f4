//! 通报 the bulletin use case: one scope, one period, one format — the same for `xiezhi report`
//! and the web's download. Figures come from the dataset's report for the period, so a bulletin
//! always equals `xiezhi metrics` for the same data.

use xiezhi_domain::Date;
use xiezhi_metrics::{Catalogue, Period};
use xiezhi_report::{Bulletin, BulletinOptions, ChartFonts, ReportScope, docx};

use crate::dataset::bulletin_actions;
use crate::{Access, AppError, Dataset};

/// A bulletin's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Html,
    Xlsx,
}

impl Format {
    /// From a file extension or a `format=` value.
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "docx" => Some(Format::Docx),
            "html" | "htm" => Some(Format::Html),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Html => "text/html; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// What a bulletin is rendered with besides its data.
#[derive(Debug, Clone)]
pub struct Request {
    pub scope: ReportScope,
    pub period: Period,
    pub format: Format,
    /// 成文日期.
    pub issued_on: Date,
    pub title: Option<String>,
    pub issuer: Option<String>,
    /// The body font named in the DOCX styles.
    pub body_font: Option<String>,
    /// The data are the synthetic demo (marked in the document).
    pub synthetic: bool,
    /// A directory of the court's fonts, searched first for DOCX charts.
    pub fonts_dir: Option<std::path::PathBuf>,
}

/// A rendered bulletin, with any warning for the user (e.g. no CJK font: no charts).
#[derive(Debug)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub warnings: Vec<String>,
}

/// Renders the bulletin of `request.scope` over `request.period` from `data`, as `access` sees
/// it (its action lists list only visible cases). CPU work: call it off the async workers.
pub fn render(data: &Dataset, access: &Access, catalogue: &Catalogue, request: &Request) -> Result<Rendered, AppError> {
    let report = data.report(request.period, catalogue);
    request.scope.group_with_data(&report).map_err(|e| AppError::BadRequest(format!("无法生成通报 / {e}")))?;
    let months = xiezhi_report::monthly_series(&data.snapshot, request.period, catalogue, &request.scope);
    let actions = bulletin_actions(data, access, &request.scope, request.period.to(), catalogue);
    let mut options = BulletinOptions::new(request.issued_on);
    options.title.clone_from(&request.title);
    if let Some(issuer) = &request.issuer {
        options.issuer.clone_from(issuer);
    }
    options.synthetic = request.synthetic;
    let bulletin = Bulletin::build(&report, catalogue, &request.scope, &months, &actions, &options)
        .map_err(|e| AppError::BadRequest(format!("无法生成通报 / {e}")))?;
    let mut warnings = Vec::new();
    let bytes = match request.format {
        Format::Html => xiezhi_report::html::write(&bulletin),
        Format::Xlsx => xiezhi_report::xlsx::write(&bulletin).map_err(|e| AppError::Internal(e.to_string()))?,
        Format::Docx => {
            let charts = match ChartFonts::load(request.fonts_dir.as_deref(), true) {
                Ok(fonts) => {
                    let mut charts = Vec::new();
                    for chart in [&bulletin.trend, &bulletin.comparison] {
                        charts.push(docx::ChartImage {
                            png: fonts
                                .render_png(&chart.untitled(), 2.0)
                                .map_err(|e| AppError::Internal(e.to_string()))?,
                        });
                    }
                    charts
                }
                Err(e) => {
                    warnings.push(format!("{e}; the DOCX carries its tables without charts"));
                    Vec::new()
                }
            };
            let mut fonts = docx::DocxFonts::default();
            if let Some(body) = &request.body_font {
                fonts.body.clone_from(body);
            }
            docx::write(&bulletin, &fonts, &charts).map_err(|e| AppError::Internal(e.to_string()))?
        }
    };
    Ok(Rendered { bytes, warnings })
}

//! Export of case facts to CSV and XLSX, with the import's columns (English keys, or Chinese
//! labels on request), so that export → import is the identity.

use std::io::Write;
use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use xiezhi_domain::CaseFacts;

use crate::{Column, ImportError};

/// Header texts for the export.
pub fn headers(chinese: bool) -> Vec<&'static str> {
    Column::ALL.iter().map(|c| if chinese { c.labels()[0] } else { c.key() }).collect()
}

/// The text of one field as CSV writes it (empty for a blank value).
pub fn field_text(facts: &CaseFacts, column: Column) -> String {
    fn opt<T: ToString>(v: &Option<T>) -> String {
        v.as_ref().map(ToString::to_string).unwrap_or_default()
    }
    match column {
        Column::CaseNumber => facts.case_number.to_string(),
        Column::CourtName => opt(&facts.court_name),
        Column::Cause => opt(&facts.cause),
        Column::Procedure => opt(&facts.procedure),
        Column::FiledOn => facts.filed_on.to_string(),
        Column::ClosedOn => opt(&facts.closed_on),
        Column::Disposition => opt(&facts.disposition),
        Column::Judge => opt(&facts.judge),
        Column::Department => opt(&facts.department),
        Column::ClaimAmount => opt(&facts.claim_amount),
        Column::AppliedAmount => opt(&facts.applied_amount),
        Column::RecoveredAmount => opt(&facts.recovered_amount),
        Column::ExtensionDays => nonzero(facts.extension_days),
        Column::SuspendedDays => nonzero(facts.suspended_days),
        Column::OriginCaseNumber => opt(&facts.origin_case_number),
        Column::HasProperty => facts.has_property.map(|b| if b { "是" } else { "否" }).unwrap_or_default().to_owned(),
    }
}

fn nonzero(n: u32) -> String {
    if n == 0 { String::new() } else { n.to_string() }
}

/// First characters that make a spreadsheet read a CSV cell as a formula (`=HYPERLINK(…)`,
/// `+cmd|…`, `@SUM(…)`, `-2+3`), or that some spreadsheets strip before doing so.
pub const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// A CSV cell that a spreadsheet would run as a formula, made text by a leading apostrophe
/// (Excel's text marker; the importer drops it again). Plain numbers (`-1.07`) stay numbers.
pub fn neutralise_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// Writes CSV (UTF-8 with a BOM, so that Excel opens the Chinese text correctly); text that a
/// spreadsheet would run as a formula is neutralised ([`neutralise_formula`]).
pub fn write_csv<W: Write, F: std::borrow::Borrow<CaseFacts>>(
    out: W,
    facts: impl IntoIterator<Item = F>,
    chinese: bool,
) -> Result<u64, std::io::Error> {
    let mut out = std::io::BufWriter::new(out);
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(headers(chinese))?;
    let mut n = 0;
    for f in facts {
        let f = f.borrow();
        writer.write_record(Column::ALL.iter().map(|c| neutralise_formula(&field_text(f, *c)).into_owned()))?;
        n += 1;
    }
    writer.flush()?;
    Ok(n)
}

/// Writes an XLSX workbook with one sheet 案件 (dates as date cells, amounts as numbers).
/// Amounts (in ten-thousandths of a yuan) below this are exact as Excel numbers.
const EXACT_IN_EXCEL: u64 = 1_000_000_000_000_000;

pub fn write_xlsx<'a>(
    path: &Path,
    facts: impl IntoIterator<Item = &'a CaseFacts>,
    chinese: bool,
) -> Result<u64, ImportError> {
    let err =
        |e: rust_xlsxwriter::XlsxError| ImportError::Write { path: path.display().to_string(), message: e.to_string() };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory().map_err(err)?;
    sheet.set_name("案件").map_err(err)?;
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (i, h) in headers(chinese).iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, *h, &bold).map_err(err)?;
    }
    let mut n: u32 = 0;
    for f in facts {
        n += 1;
        for (i, column) in Column::ALL.iter().enumerate() {
            let col = i as u16;
            match column {
                Column::FiledOn | Column::ClosedOn => {
                    let date = if *column == Column::FiledOn { Some(f.filed_on) } else { f.closed_on };
                    if let Some(date) = date {
                        let (y, m, d) = date.ymd();
                        let dt = ExcelDateTime::from_ymd(y as u16, m as u8, d as u8).map_err(err)?;
                        sheet.write_datetime_with_format(n, col, &dt, &date_format).map_err(err)?;
                    }
                }
                Column::ClaimAmount | Column::AppliedAmount | Column::RecoveredAmount => {
                    let amount = match column {
                        Column::ClaimAmount => f.claim_amount,
                        Column::AppliedAmount => f.applied_amount,
                        _ => f.recovered_amount,
                    };
                    match amount {
                        // An Excel number holds 15 significant digits: larger amounts (to the
                        // 0.0001 yuan) go as text, so that export → import stays exact.
                        Some(a) if a.ten_thousandths().unsigned_abs() >= EXACT_IN_EXCEL => {
                            sheet.write_string(n, col, a.to_string()).map_err(err)?;
                        }
                        Some(a) => {
                            sheet.write_number(n, col, a.to_yuan_f64()).map_err(err)?;
                        }
                        None => {}
                    }
                }
                Column::ExtensionDays | Column::SuspendedDays => {
                    let days = if *column == Column::ExtensionDays { f.extension_days } else { f.suspended_days };
                    if days != 0 {
                        sheet.write_number(n, col, f64::from(days)).map_err(err)?;
                    }
                }
                _ => {
                    let text = field_text(f, *column);
                    if !text.is_empty() {
                        sheet.write_string(n, col, &text).map_err(err)?;
                    }
                }
            }
        }
    }
    workbook.save(path).map_err(err)?;
    Ok(u64::from(n))
}

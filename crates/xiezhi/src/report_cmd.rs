//! `xiezhi report` (the 质效通报 as DOCX, HTML or XLSX) and `xiezhi fill` (a speech draft's XX
//! filled from the data): load the cases once, compute one `MetricsReport`, hand it to
//! `xiezhi-report`, write the result beside the target and rename it into place.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use xiezhi_app::bulletin::{Format, Request};
use xiezhi_app::{Access, App, Clock, SystemClock};
use xiezhi_domain::Date;
use xiezhi_metrics::{Catalogue, Period};
use xiezhi_report::{ReportError, ReportScope, fill};

use crate::metrics::load_catalogue;

/// What a bulletin or a filled draft is about: a scope, a period and the court's catalogue.
#[derive(Debug, Args)]
pub struct Subject {
    /// 范围 a city (中院 code, e.g. 粤07 = 全市法院), a court, a province (e.g. 粤), or court:粤07 for the 中院 itself
    #[arg(long)]
    scope: String,
    /// 起始日期 first day of the period (YYYY-MM-DD)
    #[arg(long, value_parser = crate::parse_date)]
    from: Date,
    /// 截止日期 last day of the period (YYYY-MM-DD)
    #[arg(long, value_parser = crate::parse_date)]
    to: Date,
    /// 指标目录 a court's catalogue TOML (names, scopes, reference intervals, judge roster)
    #[arg(long)]
    catalogue: Option<PathBuf>,
}

impl Subject {
    /// The period, the scope and the catalogue, each checked.
    fn resolve(&self) -> anyhow::Result<(Period, ReportScope, Catalogue)> {
        let period = Period::new(self.from, self.to)?;
        let scope = ReportScope::parse(&self.scope).map_err(scope_error)?;
        Ok((period, scope, load_catalogue(self.catalogue.as_deref())?))
    }
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    subject: Subject,
    /// 输出文件 FILE.docx, FILE.html or FILE.xlsx
    #[arg(long)]
    out: PathBuf,
    /// 标题 the title (default: {scope name}审判执行质效通报)
    #[arg(long)]
    title: Option<String>,
    /// 发文单位 the issuer printed under the text
    #[arg(long, default_value = "审判管理办公室")]
    issuer: String,
    /// 成文日期 the date printed under the text (default: today, China Standard Time)
    #[arg(long, value_parser = crate::parse_date)]
    issued_on: Option<Date>,
    /// 字体目录 a directory of CJK fonts for the DOCX charts (searched before the system's)
    #[arg(long, env = "XIEZHI_FONTS")]
    fonts: Option<PathBuf>,
    /// 正文字体 the body font named in the DOCX styles
    #[arg(long, default_value = "仿宋")]
    body_font: String,
}

#[derive(Debug, Args)]
pub struct FillArgs {
    /// 讲话稿 the draft: .txt, .md or .docx
    #[arg(long)]
    draft: PathBuf,
    #[command(flatten)]
    subject: Subject,
    /// 输出文件 the filled draft (same format as the draft)
    #[arg(long)]
    out: PathBuf,
    /// 日志 also write the log as JSON to this file
    #[arg(long)]
    log: Option<PathBuf>,
    /// 配置 a value for a non-data phrase, e.g. --set XX法院=江门法院 (repeatable)
    #[arg(long = "set", value_name = "PHRASE=TEXT")]
    set: Vec<String>,
    /// 人均小数位 decimal places of per-judge figures (法官人均结案) and their changes
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=4))]
    per_judge_decimals: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DraftFormat {
    Text,
    Docx,
}

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default()
}

/// The application over the database, its dataset loaded, the scope checked against the data
/// (an unknown scope or an empty period is refused before anything is written).
async fn load(
    db: &str,
    data_dir: Option<&Path>,
    scope: &ReportScope,
    period: Period,
    catalogue: &Catalogue,
) -> anyhow::Result<(App, std::sync::Arc<xiezhi_app::Dataset>, bool)> {
    let store = crate::open(db).await?;
    if store.count_cases().await? == 0 {
        bail!("the database holds no cases: import some first (xiezhi import FILE, or xiezhi demo)");
    }
    let synthetic = store.has_demo_data().await.context("reading the import history")?;
    let app = crate::app(store, db, data_dir, catalogue.clone());
    let data = app.dataset().await.context("reading cases")?;
    let report = data.report(period, catalogue);
    scope.group_with_data(&report).map_err(scope_error)?;
    Ok((app, data, synthetic))
}

fn scope_error(e: ReportError) -> anyhow::Error {
    match e {
        ReportError::UnknownScope(code) => {
            anyhow::anyhow!("no court in the data has the scope code {code:?} (xiezhi courts lists them)")
        }
        other => anyhow::Error::new(other),
    }
}

/// Writes `bytes` to a temporary file beside `out`, then renames it: never a half-written file.
fn write_atomically(out: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let name = out.file_name().with_context(|| format!("{} is not a file name", out.display()))?.to_string_lossy();
    let tmp = out.with_file_name(format!(".{name}.partial"));
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("writing {}", out.display()));
    }
    std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))
}

pub async fn report(db: &str, data_dir: Option<&Path>, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let format = match Format::parse(&extension(&args.out)) {
        Some(f) => f,
        None => bail!(
            "cannot write a bulletin as {:?} ({}): use .docx, .html or .xlsx",
            extension(&args.out),
            args.out.display()
        ),
    };
    let (period, scope, catalogue) = args.subject.resolve()?;
    let (app, data, synthetic) = load(db, data_dir, &scope, period, &catalogue).await?;
    let request = Request {
        scope,
        period,
        format,
        issued_on: args.issued_on.unwrap_or_else(|| SystemClock.today()),
        title: args.title,
        issuer: Some(args.issuer),
        body_font: Some(args.body_font),
        synthetic,
        fonts_dir: args.fonts.clone(),
    };
    // The command line sees every case of the scope.
    let everyone = Access::new("cli", "admin", None, None).expect("an admin needs no court");
    let rendered = xiezhi_app::bulletin::render(&data, &everyone, &catalogue, &request).map_err(|e| match e {
        xiezhi_app::AppError::BadRequest(m) => anyhow::anyhow!(m),
        other => anyhow::Error::new(other),
    })?;
    drop(app);
    for w in &rendered.warnings {
        eprintln!("警告 warning: {w}");
    }
    write_atomically(&args.out, &rendered.bytes)?;
    println!("已写入 written: {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn fill_draft(db: &str, data_dir: Option<&Path>, args: FillArgs) -> anyhow::Result<ExitCode> {
    let draft_format = match extension(&args.draft).as_str() {
        "txt" | "md" | "markdown" | "text" => DraftFormat::Text,
        "docx" => DraftFormat::Docx,
        other => return Err(ReportError::UnsupportedDraft(other.to_owned()).into()),
    };
    let same_file = match (std::fs::canonicalize(&args.draft), std::fs::canonicalize(&args.out)) {
        (Ok(draft), Ok(out)) => draft == out,
        _ => false,
    };
    if same_file {
        bail!("the output {} is the draft itself: write the filled draft to another file", args.out.display());
    }
    if extension(&args.out) != extension(&args.draft) {
        bail!("the output {} must have the draft's format (.{})", args.out.display(), extension(&args.draft));
    }
    let mut config =
        fill::FillConfig { per_judge_decimals: usize::from(args.per_judge_decimals), ..Default::default() };
    for item in &args.set {
        let (phrase, text) = item.split_once('=').with_context(|| format!("--set {item:?}: expected PHRASE=TEXT"))?;
        config.phrases.push((phrase.to_owned(), text.to_owned()));
    }
    let draft = std::fs::read(&args.draft).with_context(|| format!("reading {}", args.draft.display()))?;
    let text = match draft_format {
        DraftFormat::Text => {
            Some(fill::decode_text_draft(&draft).with_context(|| format!("reading {}", args.draft.display()))?)
        }
        DraftFormat::Docx => None,
    };
    let (period, scope, catalogue) = args.subject.resolve()?;
    let (_app, data, synthetic) = load(db, data_dir, &scope, period, &catalogue).await?;
    if synthetic {
        config.marker = Some(fill::SYNTHETIC_MARKER.to_owned());
    }
    let report = data.report(period, &catalogue);
    let ctx = fill::FillContext::new(&report, &catalogue, &scope).map_err(scope_error)?;
    let (bytes, log) = match text {
        Some((text, encoding)) => {
            let (filled, log) = fill::fill_text(&text, &ctx, &config);
            (fill::encode_text_draft(&filled, encoding), log)
        }
        None => fill::fill_docx(&draft, &ctx, &config).with_context(|| format!("filling {}", args.draft.display()))?,
    };
    eprint!("{}", log.to_text());
    if let Some(path) = &args.log {
        let mut json = serde_json::to_string_pretty(&log.to_json()).context("serialising the log")?;
        json.push('\n');
        write_atomically(path, json.as_bytes())?;
    }
    write_atomically(&args.out, &bytes)?;
    for warning in log.warnings() {
        eprintln!("注意 warning: {warning}");
    }
    let slots = log.slots().count();
    println!(
        "已写入 written: {} ({slots} slots filled, {} placeholders left)",
        args.out.display(),
        log.entries.iter().filter(|e| matches!(e, fill::LogEntry::Left { .. })).count()
    );
    Ok(ExitCode::SUCCESS)
}

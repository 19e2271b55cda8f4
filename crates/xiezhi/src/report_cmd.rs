//! `xiezhi report` (the 质效通报 as DOCX, HTML or XLSX) and `xiezhi fill` (a speech draft's XX
//! filled from the data): load the cases once, compute one `MetricsReport`, hand it to
//! `xiezhi-report`, write the result beside the target and rename it into place.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Args;
use xiezhi_domain::Date;
use xiezhi_metrics::{Catalogue, MetricsReport, Period, Snapshot, SnapshotBuilder};
use xiezhi_report::{
    ActionListBuilder, ActionLists, Bulletin, BulletinOptions, ChartFonts, ReportError, Scope, docx, fill,
};
use xiezhi_store::Store;

use crate::metrics::load_catalogue;

/// What a bulletin or a filled draft is about: a scope, a period and the court's catalogue.
#[derive(Debug, Args)]
pub struct Subject {
    /// 范围 a city (中院 code, e.g. 粤07 = 全市法院), a court, or a province (e.g. 粤)
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
    fn resolve(&self) -> anyhow::Result<(Period, Scope, Catalogue)> {
        let period = Period::new(self.from, self.to)?;
        let scope = Scope::parse(&self.scope).map_err(scope_error)?;
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutFormat {
    Docx,
    Html,
    Xlsx,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DraftFormat {
    Text,
    Docx,
}

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default()
}

/// Everything a report needs from the database, read in one pass over the cases.
struct Loaded {
    snapshot: Snapshot,
    report: MetricsReport,
    actions: ActionLists,
    /// The database holds the synthetic demo province.
    synthetic: bool,
}

async fn load(db: &str, scope: &Scope, period: Period, catalogue: &Catalogue) -> anyhow::Result<Loaded> {
    let store = Store::open(db).await.context("opening the database")?;
    let cases = usize::try_from(store.count_cases().await?).unwrap_or(0);
    if cases == 0 {
        bail!("the database holds no cases: import some first (xiezhi import FILE, or xiezhi demo)");
    }
    let names =
        xiezhi_metrics::GroupNames::from_court_names(&store.court_names().await.context("reading court names")?);
    let mut builder = SnapshotBuilder::with_capacity(cases);
    let mut actions = ActionListBuilder::new(scope.clone(), period.to(), catalogue);
    store
        // Order does not matter: the action lists sort themselves.
        .for_each_fact_unordered(|f| {
            actions.push(&f);
            builder.push(&f);
        })
        .await
        .context("reading cases")?;
    let snapshot = builder.finish(&names);
    let report = xiezhi_metrics::compute_with(&snapshot, period, catalogue);
    // Refuse unknown scopes and empty periods before anything is written.
    scope.group_with_data(&report).map_err(scope_error)?;
    let synthetic = store.has_demo_data().await.context("reading the import history")?;
    Ok(Loaded { snapshot, report, actions: actions.finish(), synthetic })
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

pub async fn report(db: &str, args: ReportArgs) -> anyhow::Result<ExitCode> {
    let format = match extension(&args.out).as_str() {
        "docx" => OutFormat::Docx,
        "html" | "htm" => OutFormat::Html,
        "xlsx" => OutFormat::Xlsx,
        other => bail!("cannot write a bulletin as {:?} ({}): use .docx, .html or .xlsx", other, args.out.display()),
    };
    let (period, scope, catalogue) = args.subject.resolve()?;
    let loaded = load(db, &scope, period, &catalogue).await?;
    let months = xiezhi_report::monthly_series(&loaded.snapshot, period, &catalogue, &scope);
    let mut options = BulletinOptions::new(args.issued_on.unwrap_or_else(crate::clock::today));
    options.title = args.title;
    options.issuer = args.issuer;
    options.synthetic = loaded.synthetic;
    let bulletin = Bulletin::build(&loaded.report, &catalogue, &scope, &months, &loaded.actions, &options)?;
    let bytes = match format {
        OutFormat::Html => xiezhi_report::html::write(&bulletin),
        OutFormat::Xlsx => xiezhi_report::xlsx::write(&bulletin)?,
        OutFormat::Docx => {
            let charts = match ChartFonts::load(args.fonts.as_deref(), true) {
                Ok(fonts) => vec![
                    docx::ChartImage { png: fonts.render_png(&bulletin.trend, 2.0)? },
                    docx::ChartImage { png: fonts.render_png(&bulletin.comparison, 2.0)? },
                ],
                Err(e) => {
                    eprintln!("警告 warning: {e}; the DOCX carries its tables without charts");
                    Vec::new()
                }
            };
            let fonts = docx::DocxFonts { body: args.body_font, ..docx::DocxFonts::default() };
            docx::write(&bulletin, &fonts, &charts)?
        }
    };
    write_atomically(&args.out, &bytes)?;
    println!("已写入 written: {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn fill_draft(db: &str, args: FillArgs) -> anyhow::Result<ExitCode> {
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
    let mut config = fill::FillConfig::default();
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
    let loaded = load(db, &scope, period, &catalogue).await?;
    let ctx = fill::FillContext::new(&loaded.report, &catalogue, &scope).map_err(scope_error)?;
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
    let slots = log.slots().count();
    println!(
        "已写入 written: {} ({slots} slots filled, {} placeholders left)",
        args.out.display(),
        log.entries.iter().filter(|e| matches!(e, fill::LogEntry::Left { .. })).count()
    );
    Ok(ExitCode::SUCCESS)
}

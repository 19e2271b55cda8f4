//! `xiezhi metrics`: every indicator of the catalogue for a period, as the contract JSON, a
//! Chinese terminal table, CSV or XLSX; and `xiezhi metrics explain` for the cases behind one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use xiezhi_app::App;
use xiezhi_domain::Date;
use xiezhi_metrics::{Band, Catalogue, Change, GroupKey, GroupReport, IndicatorId, MetricsReport, Period};
use xiezhi_report::format;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = false)]
pub struct MetricsArgs {
    #[command(subcommand)]
    explain: Option<MetricsCommand>,
    /// 起始日期 first day of the period (YYYY-MM-DD)
    #[arg(long, global = true, value_parser = crate::parse_date)]
    from: Option<Date>,
    /// 截止日期 last day of the period (YYYY-MM-DD)
    #[arg(long, global = true, value_parser = crate::parse_date)]
    to: Option<Date>,
    /// 范围 only groups within this court, city or province code (e.g. 粤07)
    #[arg(long, global = true)]
    scope: Option<String>,
    /// 输出格式 output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// 输出文件 output file (required for xlsx; default stdout for the others)
    #[arg(long)]
    out: Option<PathBuf>,
    /// 指标目录 a court's catalogue TOML overriding the embedded default (names, scopes, intervals)
    #[arg(long, global = true)]
    catalogue: Option<PathBuf>,
    /// 显示排名 show ranks among the province's cities in table, csv and xlsx (the SPC forbids
    /// publishing league tables: ranks only where asked; the JSON always carries them)
    #[arg(long)]
    ranks: bool,
}

#[derive(Debug, Subcommand)]
enum MetricsCommand {
    /// 指标穿透 list the cases behind an indicator's numerator and denominator
    Explain {
        /// 指标 indicator id, e.g. clearance_rate
        id: String,
        /// 组 the group's code: a court, city or province code, or a judge's name (with --court)
        #[arg(long)]
        group: String,
        /// 组类型 kind of group (default: court for a 4-digit code, city for 2 digits, province for 1 character)
        #[arg(long, value_enum)]
        kind: Option<Kind>,
        /// 法院 the judge's court (for --kind judge)
        #[arg(long)]
        court: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Json,
    Table,
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Kind {
    Court,
    City,
    Province,
    Judge,
}

fn usage(message: &str) -> anyhow::Result<ExitCode> {
    eprintln!("用法错误 usage error: {message}");
    Ok(ExitCode::from(2))
}

/// The embedded catalogue with a court's TOML (indicator overrides, reference intervals,
/// `[[roster]]`) laid over it.
pub(crate) fn load_catalogue(path: Option<&Path>) -> anyhow::Result<Catalogue> {
    let mut catalogue = Catalogue::default();
    if let Some(path) = path {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        catalogue.apply(&text).with_context(|| format!("loading the catalogue {}", path.display()))?;
    }
    Ok(catalogue)
}

/// Whether a group lies within `scope` (a court, city or province code).
fn in_scope(key: &GroupKey, scope: Option<&str>) -> bool {
    let Some(scope) = scope else { return true };
    match key {
        GroupKey::Judge { court, .. } => court.to_string().starts_with(scope),
        other => other.code().starts_with(scope),
    }
}

pub async fn run(db: &str, data_dir: Option<&Path>, args: MetricsArgs) -> anyhow::Result<ExitCode> {
    let (Some(from), Some(to)) = (args.from, args.to) else {
        return usage("--from YYYY-MM-DD and --to YYYY-MM-DD are required");
    };
    let period = match Period::new(from, to) {
        Ok(p) => p,
        Err(e) => return usage(&e.to_string()),
    };
    if args.format == Format::Xlsx && args.out.is_none() {
        return usage("--format xlsx needs --out FILE.xlsx");
    }
    let catalogue = load_catalogue(args.catalogue.as_deref())?;
    let store = crate::open(db).await?;
    if store.count_cases().await? == 0 {
        bail!("the database holds no cases: import some first (xiezhi import FILE, or xiezhi demo)");
    }
    let scope = args.scope.as_deref();
    if let Some(scope) = scope {
        // The courts table, not a scan of the cases (which the snapshot load does once).
        let known = store.court_codes().await?.iter().any(|code| code.starts_with(scope));
        if !known {
            bail!("no court in the data has a code within the scope {scope:?}");
        }
    }
    let synthetic = store.has_demo_data().await?;
    let app = crate::app(store, db, data_dir, catalogue.clone());
    if let Some(MetricsCommand::Explain { id, group, kind, court }) = args.explain {
        if synthetic {
            println!("{}", crate::demo::SYNTHETIC_NOTICE);
        }
        return explain(&app, period, &catalogue, &id, &group, kind, court.as_deref()).await;
    }
    let snapshot = app.snapshot().await.context("reading cases")?;
    let report = xiezhi_metrics::compute_with(&snapshot, period, &catalogue);
    // The snapshot is done with: free it before the output is built (peak memory).
    drop(snapshot);
    // Figures of a period in which nothing happened would look like data: say so (the output
    // itself stays the contract's object).
    let quiet = report.groups.iter().filter(|g| in_scope(&g.key, scope)).all(|g| {
        g.value(IndicatorId::Filed).as_f64() == Some(0.0) && g.value(IndicatorId::Closed).as_f64() == Some(0.0)
    });
    if quiet {
        eprintln!(
            "警告 warning: 期间 {} 至 {} 内没有立案或结案，各项数值均来自此前未结的案件 / no case was filed or closed in the period",
            period.from(),
            period.to()
        );
    }
    // Demo data is marked wherever it shows; the contract JSON and the CSV stay exactly their
    // format, so for them the mark goes to stderr.
    if synthetic && matches!(args.format, Format::Json | Format::Csv) {
        eprintln!("{}", crate::demo::SYNTHETIC_NOTICE);
    }
    let text = match args.format {
        Format::Json => {
            let mut json = report.to_json();
            if let Some(groups) = json.get_mut("groups").and_then(|g| g.as_array_mut()) {
                let keep: Vec<bool> = report.groups.iter().map(|g| in_scope(&g.key, scope)).collect();
                let mut i = 0;
                groups.retain(|_| {
                    i += 1;
                    keep[i - 1]
                });
            }
            let mut s = serde_json::to_string_pretty(&json).context("serialising JSON")?;
            s.push('\n');
            s
        }
        Format::Table => {
            let notice = if synthetic { format!("{}\n", crate::demo::SYNTHETIC_NOTICE) } else { String::new() };
            notice + &table(&report, &catalogue, scope, args.ranks)
        }
        Format::Csv => csv_text(&report, &catalogue, scope, args.ranks)?,
        Format::Xlsx => {
            let out = args.out.as_deref().expect("checked above");
            write_xlsx(&report, &catalogue, scope, out, synthetic, args.ranks)?;
            println!("已写入 written: {}", out.display());
            return Ok(ExitCode::SUCCESS);
        }
    };
    match &args.out {
        Some(path) => std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?,
        None => crate::write_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The band of a value, empty where no interval is configured (a table column, not a label).
fn band_text(band: Option<Band>) -> &'static str {
    band.map_or("", |b| format::band_label(Some(b)))
}

fn group_title(g: &GroupReport) -> String {
    let code = match &g.key {
        GroupKey::Judge { court, judge } => format!("{judge}（{court}）"),
        other => other.code(),
    };
    match &g.name {
        Some(name) => format!("{} {code} {name}", g.key.kind_label()),
        None => format!("{} {code}", g.key.kind_label()),
    }
}

fn table(report: &MetricsReport, catalogue: &Catalogue, scope: Option<&str>, ranks: bool) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "统计期间 {} 至 {}（同期 {} 至 {}）",
        report.period.from(),
        report.period.to(),
        report.previous_period.from(),
        report.previous_period.to()
    );
    for g in report.groups.iter().filter(|g| in_scope(&g.key, scope)) {
        let _ = writeln!(out, "\n■ {}", group_title(g));
        let mut header = vec!["指标", "本期", "同期", "同比", "全省", "区间"];
        if ranks {
            header.insert(5, "排名");
        }
        let mut rows = vec![header.into_iter().map(str::to_owned).collect::<Vec<_>>()];
        for entry in catalogue.entries() {
            let i = entry.id.index();
            let province = g.province.as_ref();
            let ours = if entry.source == xiezhi_metrics::Source::Ours { " *" } else { "" };
            let mut row = vec![
                format!("{}{ours}", entry.name),
                format::table_value(&g.values[i], entry.unit),
                format::table_value(&g.previous[i], entry.unit),
                format::table_change(g.change[i], entry.unit),
                province.map_or(String::new(), |p| format::table_value(&p.values[i], entry.unit)),
                band_text(g.band[i]).to_owned(),
            ];
            if ranks {
                row.insert(5, province.and_then(|p| p.rank[i]).map_or(String::new(), |r| format!("第{r}位")));
            }
            rows.push(row);
        }
        let mut right = vec![false, true, true, true, true, false];
        if ranks {
            right.insert(5, true);
        }
        out.push_str(&crate::text_table::render(&rows, &right, "  "));
    }
    out.push_str("\n* 本平台口径：最高人民法院未公布统一公式，定义见指标目录 (ours: no published SPC formula)\n");
    if !ranks {
        out.push_str("排名未显示（最高法要求杜绝排名排序；需要时加 --ranks）/ ranks hidden: add --ranks\n");
    }
    out
}

const LONG_HEADER: [&str; 14] = [
    "kind 组类型",
    "code 代码",
    "court 法院",
    "name 名称",
    "indicator 指标",
    "指标名称",
    "value 本期",
    "previous 同期",
    "change 同比",
    "change_unit 同比单位",
    "province_value 全省",
    "difference 与全省差",
    "rank 全省排名",
    "band 区间",
];

/// One row per (group, indicator): numbers as plain numbers (ratios as fractions); the rank
/// column stays empty unless `ranks`.
fn long_rows(report: &MetricsReport, catalogue: &Catalogue, scope: Option<&str>, ranks: bool) -> Vec<Vec<LongCell>> {
    let mut rows = Vec::new();
    for g in report.groups.iter().filter(|g| in_scope(&g.key, scope)) {
        let court = match &g.key {
            GroupKey::Judge { court, .. } => court.to_string(),
            _ => String::new(),
        };
        for entry in catalogue.entries() {
            let i = entry.id.index();
            let (change, change_unit) = match g.change[i] {
                Some(Change::Relative(r)) => (Some(r), "relative"),
                Some(Change::Difference(d)) => (Some(d), "difference"),
                None => (None, ""),
            };
            let province = g.province.as_ref();
            rows.push(vec![
                LongCell::Text(g.key.kind().to_owned()),
                LongCell::Text(g.key.code()),
                LongCell::Text(court.clone()),
                LongCell::Text(g.name.clone().unwrap_or_default()),
                LongCell::Text(entry.id.as_str().to_owned()),
                LongCell::Text(entry.name.clone()),
                LongCell::Number(g.values[i].as_f64()),
                LongCell::Number(g.previous[i].as_f64()),
                LongCell::Number(change),
                LongCell::Text(change_unit.to_owned()),
                LongCell::Number(province.and_then(|p| p.values[i].as_f64())),
                LongCell::Number(province.and_then(|p| p.difference[i])),
                LongCell::Number(province.filter(|_| ranks).and_then(|p| p.rank[i]).map(f64::from)),
                LongCell::Text(band_text(g.band[i]).to_owned()),
            ]);
        }
    }
    rows
}

enum LongCell {
    Text(String),
    Number(Option<f64>),
}

fn csv_text(report: &MetricsReport, catalogue: &Catalogue, scope: Option<&str>, ranks: bool) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(LONG_HEADER)?;
    for row in long_rows(report, catalogue, scope, ranks) {
        w.write_record(row.iter().map(|c| match c {
            LongCell::Text(t) => xiezhi_import::export::neutralise_formula(t).into_owned(),
            LongCell::Number(n) => n.map(|v| v.to_string()).unwrap_or_default(),
        }))?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("writing CSV: {e}"))?;
    Ok(format!("\u{feff}{}", String::from_utf8(bytes).context("CSV is UTF-8")?))
}

fn write_xlsx(
    report: &MetricsReport,
    catalogue: &Catalogue,
    scope: Option<&str>,
    out: &Path,
    synthetic: bool,
    ranks: bool,
) -> anyhow::Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("质效指标")?;
    let bold = Format::new().set_bold().set_border(rust_xlsxwriter::FormatBorder::Thin);
    let title = Format::new().set_bold().set_font_size(14);
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "审判执行质效指标 {} 至 {}（同期 {} 至 {}）{}",
            report.period.from(),
            report.period.to(),
            report.previous_period.from(),
            report.previous_period.to(),
            if synthetic { crate::demo::SYNTHETIC_NOTICE } else { "" }
        ),
        &title,
    )?;
    for (c, h) in LONG_HEADER.iter().enumerate() {
        sheet.write_string_with_format(2, c as u16, *h, &bold)?;
    }
    for (r, row) in long_rows(report, catalogue, scope, ranks).iter().enumerate() {
        let r = r as u32 + 3;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                LongCell::Text(t) if !t.is_empty() => {
                    sheet.write_string(r, c as u16, t)?;
                }
                LongCell::Number(Some(v)) => {
                    sheet.write_number(r, c as u16, *v)?;
                }
                _ => {}
            }
        }
    }
    sheet.set_freeze_panes(3, 0)?;
    sheet.autofit();
    let tmp = out.with_extension("partial");
    workbook.save(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

fn group_key(group: &str, kind: Option<Kind>, court: Option<&str>) -> anyhow::Result<GroupKey> {
    let kind = match kind {
        Some(Kind::Court) => Some("court"),
        Some(Kind::City) => Some("city"),
        Some(Kind::Province) => Some("province"),
        Some(Kind::Judge) => Some("judge"),
        None if court.is_some() => Some("judge"),
        None => None,
    };
    GroupKey::parse(kind, group, court).map_err(|e| anyhow::anyhow!("{e}"))
}

async fn explain(
    app: &App,
    period: Period,
    catalogue: &Catalogue,
    id: &str,
    group: &str,
    kind: Option<Kind>,
    court: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let key = group_key(group, kind, court)?;
    let data = app.dataset().await.context("reading cases")?;
    let explanation = xiezhi_metrics::explain_with(&data.snapshot, period, id, &key, catalogue)?;
    let entry = IndicatorId::from_str_id(id).map(|i| catalogue.entry(i));
    let report = data.report(period, catalogue);
    let value = report.group(&key).zip(entry).map(|(g, e)| format::table_value(&g.values[e.id.index()], e.unit));
    // The cases behind the number, printed with their origin numbers (read from the store).
    let wanted: std::collections::HashSet<String> =
        explanation.numerator.iter().chain(&explanation.denominator).map(|&r| data.number(r).to_owned()).collect();
    let mut facts: std::collections::HashMap<String, xiezhi_domain::CaseFacts> = std::collections::HashMap::new();
    app.store
        .for_each_fact(|f| {
            if wanted.contains(f.case_number.as_str()) {
                facts.insert(f.case_number.as_str().to_owned(), f);
            }
        })
        .await
        .context("reading cases")?;
    let mut text = format!(
        "{} {} — {:?} — {} 至 {}: {}\n",
        id,
        entry.map_or("", |e| e.name.as_str()),
        key,
        period.from(),
        period.to(),
        value.unwrap_or_default()
    );
    // Counts and amounts have no denominator: say so rather than "0 件".
    let has_denominator =
        entry.is_some_and(|e| !matches!(e.unit, xiezhi_metrics::Unit::Count | xiezhi_metrics::Unit::Amount));
    for (title, rows) in [("分子 numerator", &explanation.numerator), ("分母 denominator", &explanation.denominator)]
    {
        if title.starts_with("分母") && !has_denominator {
            text.push_str("\n分母 denominator: —（计数或金额指标，无分母）\n");
            continue;
        }
        text.push_str(&format!("\n{title}: {} 件\n", rows.len()));
        if rows.is_empty() {
            continue;
        }
        let mut table =
            vec![["案号", "立案日期", "结案日期", "结案方式", "承办人", "原审案号"].map(str::to_owned).to_vec()];
        // In 案号 order, as the facts were listed before the dataset held them.
        let mut numbers: Vec<&str> = rows.iter().map(|&r| data.number(r)).collect();
        numbers.sort_unstable();
        for number in numbers {
            let Some(f) = facts.get(number) else { continue };
            table.push(vec![
                f.case_number.to_string(),
                f.filed_on.to_string(),
                f.closed_on.map_or("未结".to_owned(), |d| d.to_string()),
                f.disposition.map_or("", |d| d.label()).to_owned(),
                f.judge.clone().unwrap_or_default(),
                f.origin_case_number.as_ref().map_or(String::new(), ToString::to_string),
            ]);
        }
        text.push_str(&crate::text_table::render(&table, &[false; 6], "  "));
    }
    crate::write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

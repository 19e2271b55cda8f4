//! `xiezhi events import FILE` (案件事件) and `xiezhi deadlines [notify]` (审限).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use xiezhi_app::casework::EventsImportError;
use xiezhi_app::deadlines::{DeadlineLine, StatusFilter};
use xiezhi_app::mail::Mailer;
use xiezhi_app::{Actor, App, Clock, SystemClock};
use xiezhi_domain::{CourtCode, Date, StatutoryLimit};

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// 导入事件 import events (JSON lines, CSV or XLSX; all or nothing; idempotent)
    Import {
        /// 事件文件 the file (columns: 案号, 事件, 日期, 月数/天数, 扣除类型, 起始日期, 结束日期, 程序, 金额 …)
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DeadlinesArgs {
    #[command(subcommand)]
    action: Option<DeadlinesAction>,
    /// 截止日期 the day the rule is applied at (default: today)
    #[arg(long, value_parser = crate::parse_date)]
    as_of: Option<Date>,
    /// 范围 a court, city (中院) or province (高院) code
    #[arg(long)]
    scope: Option<String>,
    /// 状态 all | overdue | near | suspended | normal | no_limit
    #[arg(long, default_value = "all")]
    status: String,
    /// 输出格式 output format
    #[arg(long, value_enum, default_value_t = DeadlineFormat::Json)]
    format: DeadlineFormat,
    /// 输出文件 write to a file (required for xlsx)
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum DeadlinesAction {
    /// 审限提醒 raise the notifications of the day (once per case and kind), for cron
    Notify {
        /// 日期 the day (default: today)
        #[arg(long, value_parser = crate::parse_date)]
        as_of: Option<Date>,
        /// 邮件 smtp://[user:password@]host[:port]?from=ADDRESS (optional)
        #[arg(long)]
        smtp: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DeadlineFormat {
    Json,
    Csv,
    Xlsx,
}

fn usage(message: &str) -> ExitCode {
    eprintln!("用法错误 usage error: {message}");
    ExitCode::from(2)
}

pub async fn events(app: &App, command: EventsCommand) -> anyhow::Result<ExitCode> {
    let EventsCommand::Import { file } = command;
    match app.import_events(Actor::Cli, &file).await {
        Ok(done) => {
            println!(
                "事件已导入 events imported: {} read, {} new, {} unchanged",
                done.read, done.inserted, done.unchanged
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(EventsImportError::App(e)) => Err(e).context("importing the events"),
        Err(e) => {
            eprintln!("错误 error: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

const HEADERS: [&str; 14] = [
    "case_number",
    "court",
    "judge",
    "type_code",
    "procedure",
    "start",
    "limit",
    "base_deadline",
    "extension_days",
    "suspended_days",
    "suspended_now",
    "deadline",
    "remaining_days",
    "status",
];

fn cells(l: &DeadlineLine) -> [String; 14] {
    let d = &l.deadline;
    let opt = |x: Option<Date>| x.map(|v| v.to_string()).unwrap_or_default();
    [
        l.case_number.clone(),
        l.court.map(|c| c.to_string()).unwrap_or_default(),
        l.judge.clone().unwrap_or_default(),
        l.type_code.to_owned(),
        d.procedure.map(|p| p.label()).or(l.procedure).unwrap_or("").to_owned(),
        d.start.to_string(),
        match d.limit {
            Some(StatutoryLimit::Months(m)) => format!("{m}个月"),
            Some(StatutoryLimit::Days(n)) => format!("{n}天"),
            None => String::new(),
        },
        opt(d.base_deadline),
        d.extension_days.to_string(),
        d.suspended_days.to_string(),
        if d.suspended_now { "是" } else { "否" }.to_owned(),
        opt(d.deadline),
        d.remaining_days.map(|r| r.to_string()).unwrap_or_default(),
        d.status.key().to_owned(),
    ]
}

pub async fn deadlines(app: &App, args: DeadlinesArgs) -> anyhow::Result<ExitCode> {
    if let Some(DeadlinesAction::Notify { as_of, smtp }) = args.action {
        let mailer = match smtp.as_deref().map(Mailer::from_url).transpose() {
            Ok(m) => m,
            Err(e) => return Ok(usage(&e.to_string())),
        };
        let day = as_of.unwrap_or_else(|| SystemClock.today());
        let run = app.notify(day, mailer.as_ref()).await.context("raising the notifications")?;
        println!(
            "审限提醒 {day}: {} 临近审限 near, {} 超审限 overdue raised; {} digests mailed",
            run.near, run.overdue, run.mailed
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(status) = StatusFilter::parse(&args.status) else {
        return Ok(usage(&format!("--status {:?}: all, overdue, near, suspended, normal or no_limit", args.status)));
    };
    let scope = match args.scope.as_deref().map(str::trim) {
        Some(s) => match CourtCode::parse(s) {
            Some(c) => Some(c),
            None => return Ok(usage(&format!("--scope {s:?} is not a court code (粤0106, 粤01, 粤)"))),
        },
        None => None,
    };
    let as_of = args.as_of.unwrap_or_else(|| SystemClock.today());
    let lines = app.deadlines(Actor::Cli, as_of, scope, status).await.context("applying the deadline rule")?;
    match args.format {
        DeadlineFormat::Json => {
            let json: Vec<serde_json::Value> = lines.iter().map(DeadlineLine::json).collect();
            let text = format!("{}\n", serde_json::to_string_pretty(&json)?);
            match &args.out {
                Some(path) => std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?,
                None => crate::write_stdout(&text)?,
            }
        }
        DeadlineFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(HEADERS)?;
            for l in &lines {
                w.write_record(cells(l).iter().map(|c| xiezhi_import::export::neutralise_formula(c).into_owned()))?;
            }
            let bytes = w.into_inner().context("writing CSV")?;
            match &args.out {
                Some(path) => std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?,
                None => crate::write_stdout(&String::from_utf8_lossy(&bytes))?,
            }
        }
        DeadlineFormat::Xlsx => {
            let Some(path) = &args.out else { return Ok(usage("--format xlsx needs --out FILE.xlsx")) };
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet.set_name("审限")?;
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in HEADERS.iter().enumerate() {
                sheet.write_string_with_format(0, c as u16, *h, &bold)?;
            }
            for (r, l) in lines.iter().enumerate() {
                let row = r as u32 + 1;
                for (c, v) in cells(l).iter().enumerate() {
                    let numeric = matches!(c, 8 | 9 | 12);
                    match (numeric, v.parse::<f64>()) {
                        (true, Ok(n)) => sheet.write_number(row, c as u16, n)?,
                        _ => sheet.write_string(row, c as u16, v)?,
                    };
                }
            }
            sheet.set_freeze_panes(1, 1)?;
            sheet.autofit();
            book.save(path).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    if args.out.is_some() {
        eprintln!("{} 件未结案件 open cases as of {as_of}", lines.len());
    }
    // Keep the dataset beside the database for the next run (a cache).
    if let Err(e) = app.data.persist(&app.store).await {
        tracing::warn!("persisting the dataset: {e}");
    }
    Ok(ExitCode::SUCCESS)
}

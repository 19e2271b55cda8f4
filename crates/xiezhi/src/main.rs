//! `xiezhi`: the single binary of the Xiezhi (獬豸) smart-court platform. Argument parsing and
//! wiring only: every use case lives in `xiezhi-app`.
//!
//! Subcommands: `import`, `export`, `demo`, `courts`, `metrics`, `bench`, `report`, `fill`,
//! `serve`, `user`, `audit`. The database is chosen by `--db URL` or `XIEZHI_DB` (default: the
//! SQLite file `xiezhi.db` in the working directory). Exit codes: 0 ok, 1 error, 2 bad usage.

// The binary is where the environment (XIEZHI_DB, XIEZHI_FONTS, …), the temporary directory and
// the clock are read (clippy.toml forbids it elsewhere).
#![allow(clippy::disallowed_methods)]

mod bench;
mod clock_cmd;
mod demo;
mod dossier_cmd;
mod judges_cmd;
mod laws_cmd;
mod metrics;
mod report_cmd;
mod similar_cmd;
mod text_table;
mod web_cmd;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use xiezhi_app::ingest::{self, ImportFailure};
use xiezhi_app::{Actor, App, AppConfig, Clock, SystemClock};
use xiezhi_metrics::Catalogue;
use xiezhi_store::Store;

/// The arguments with subcommand names in any case (`xiezhi help IMPORT`, `xiezhi Import`)
/// lowered to the names clap knows; everything else as given.
fn subcommands_in_any_case(args: impl Iterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let command = Cli::command();
    let known: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    let mut out: Vec<std::ffi::OsString> = Vec::new();
    let mut takes_value = false;
    let mut lowered = false;
    for (i, arg) in args.enumerate() {
        let text = arg.to_string_lossy().into_owned();
        let after_help = out.last().is_some_and(|a| a == "help");
        let candidate = i > 0 && !takes_value && !text.starts_with('-') && (!lowered || after_help);
        if candidate && let Some(name) = known.iter().find(|k| k.eq_ignore_ascii_case(&text)) {
            out.push(name.into());
            lowered = true;
            continue;
        }
        if i > 0 && !takes_value && !text.starts_with('-') {
            lowered = true;
        }
        takes_value = matches!(text.as_str(), "--db" | "--data-dir");
        out.push(arg);
    }
    out
}

/// `xiezhi cite`: the contract's JSON of the 案号 and statute references of a text.
fn cite(path: &Path, law: Option<&str>) -> anyhow::Result<ExitCode> {
    use std::io::Read;
    let mut text = String::new();
    if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
    } else {
        text = std::fs::read_to_string(path).with_context(|| format!("reading {} (UTF-8 text)", path.display()))?;
    }
    let names = xiezhi_legal::LawNames::default();
    let own = match law {
        Some(l) => {
            Some(names.resolve(l).with_context(|| format!("--law {l}: not a law the platform knows"))?.to_owned())
        }
        None => None,
    };
    let found = xiezhi_legal::cite(&text, &names, own.as_deref());
    let json = serde_json::json!({
        "case_numbers": found.case_numbers.iter().map(|c| serde_json::json!({
            "text": c.text, "canonical": c.canonical, "start": c.start, "end": c.end,
        })).collect::<Vec<_>>(),
        "statutes": found.statutes.iter().map(|s| serde_json::json!({
            "text": s.text, "law": s.law, "article_no": s.article_no, "suffix": s.suffix,
            "paragraph": s.paragraph, "item": s.item, "start": s.start, "end": s.end,
        })).collect::<Vec<_>>(),
    });
    write_stdout(&format!("{}\n", serde_json::to_string_pretty(&json).context("serialising")?))?;
    Ok(ExitCode::SUCCESS)
}

/// `xiezhi courts …`.
#[derive(Debug, Subcommand)]
enum CourtsAction {
    /// 法院更名 set a court's name (imports never change a name once set)
    Rename {
        /// 法院代字 the court's code, e.g. 粤0113
        code: String,
        /// 法院名称 the new name, e.g. 广州市番禺区人民法院
        name: String,
    },
}

/// Problems printed in full on the terminal; the rest are counted (the problem report has all).
const PRINTED_PROBLEMS: usize = 50;

fn print_problems(problems: &[xiezhi_import::Problem]) {
    for p in problems.iter().take(PRINTED_PROBLEMS) {
        eprintln!("{p}");
    }
    if problems.len() > PRINTED_PROBLEMS {
        eprintln!(
            "……另有 {} 个问题未显示 / and {} more (all in the problem report)",
            problems.len() - PRINTED_PROBLEMS,
            problems.len() - PRINTED_PROBLEMS
        );
    }
}

/// mimalloc instead of glibc's allocator: imports and snapshot builds allocate and free many
/// small strings, where glibc's `malloc_consolidate` took a third of a cold `metrics` run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 獬豸 Xiezhi — 审判执行质效数据平台 (smart-court platform).
#[derive(Debug, Parser)]
#[command(name = "xiezhi", version, about, long_about = None)]
struct Cli {
    /// 数据库 database URL: sqlite://PATH (relative), sqlite:///ABSOLUTE/PATH or postgres://…
    #[arg(long, global = true, env = "XIEZHI_DB", default_value = "sqlite://xiezhi.db")]
    db: String,

    /// 数据目录 where files kept beside the database live (the persisted dataset; default: the
    /// SQLite file's directory, or the working directory for PostgreSQL)
    #[arg(long, global = true, env = "XIEZHI_DATA_DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 导入案件数据 import case facts from CSV (UTF-8 or GB18030) or XLSX
    Import {
        /// 文件 the file to import
        file: PathBuf,
        /// 跳过错误行 import the good rows; write the problems beside the input
        #[arg(long)]
        skip_invalid: bool,
        /// 工作表 sheet name (XLSX; default: the first sheet)
        #[arg(long)]
        sheet: Option<String>,
    },
    /// 导出案件数据 export every case to CSV or XLSX
    Export {
        /// 文件 output file
        file: PathBuf,
        /// 格式 format (default: from the file extension)
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
        /// 中文表头 write Chinese column labels instead of English keys
        #[arg(long)]
        chinese_headers: bool,
    },
    /// 演示数据 create a synthetic demo province (once) and print a summary by court
    Demo {
        /// 案件数 number of cases to generate
        #[arg(long, default_value_t = 120_000)]
        cases: u64,
        /// 随机种子 seed (same seed, same data)
        #[arg(long, default_value_t = 2024)]
        seed: u64,
        /// 截止日期 last day of the generated data (YYYY-MM-DD)
        #[arg(long, default_value = "2026-10-31", value_parser = parse_date)]
        as_of: xiezhi_domain::Date,
        /// 不启动服务 create the data and the demo accounts, then exit
        #[arg(long)]
        no_serve: bool,
        /// 监听地址 address to serve on
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
    /// 启动网页服务 serve the web platform (pages and JSON API)
    Serve {
        /// 监听地址 address to serve on
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// 仅HTTPS发送会话Cookie mark the session cookie Secure (when served behind an HTTPS
        /// reverse proxy; browsers then send it over HTTPS only)
        #[arg(long)]
        secure_cookies: bool,
        /// 指标目录 the court's catalogue TOML (names, scopes, reference intervals, judge roster)
        #[arg(long)]
        catalogue: Option<std::path::PathBuf>,
        /// 邮件提醒 mail deadline notices: smtp://[user:password@]host[:port]?from=ADDRESS (optional)
        #[arg(long)]
        smtp: Option<String>,
        /// 可信代理 a reverse proxy whose X-Forwarded-For is believed for login throttling
        /// (repeatable; without it the connecting address is the client)
        #[arg(long = "trusted-proxy", value_name = "IP")]
        trusted_proxies: Vec<std::net::IpAddr>,
    },
    /// 用户管理 user accounts
    #[command(subcommand)]
    User(web_cmd::UserCommand),
    /// 审计日志 the audit log
    #[command(subcommand)]
    Audit(AuditCommand),
    /// 员额法官名册 the judge roster
    #[command(subcommand)]
    Judges(judges_cmd::JudgesCommand),
    /// 分案记录 assignments
    #[command(subcommand)]
    Assignment(judges_cmd::AssignmentCommand),
    /// 案件事件 case events (延长、扣除审限, 程序转换, 执行到位, 终本核查, 执行信访)
    #[command(subcommand)]
    Events(clock_cmd::EventsCommand),
    /// 审限 open cases with their deadlines (json/csv/xlsx), and the daily notifications
    Deadlines(clock_cmd::DeadlinesArgs),
    /// 法院列表 list the courts with their case counts; `courts rename` sets a court's name
    Courts {
        #[command(subcommand)]
        action: Option<CourtsAction>,
    },
    /// 质效指标 compute every indicator for a period
    Metrics(metrics::MetricsArgs),
    /// 性能测试 benchmarks (writes figures to stdout)
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// 质效通报 the bulletin of a city or court as DOCX, HTML or XLSX
    Report(report_cmd::ReportArgs),
    /// 讲话稿填数 fill the data placeholders (XX) of a speech draft (.txt, .md, .docx)
    Fill(report_cmd::FillArgs),
    /// 法律检索 statutes: show an article by its citation, search the articles
    #[command(subcommand)]
    Laws(laws_cmd::LawsCommand),
    /// 类案推送 the cases most like some facts: among candidates, or the judgment corpus
    Similar(similar_cmd::SimilarArgs),
    /// 类案库 the judgments similar-case search compares with
    #[command(subcommand)]
    Judgments(similar_cmd::JudgmentsCommand),
    /// 电子卷宗 the electronic case file: add, list, verify, export
    Dossier {
        /// 卷宗目录 where the files are stored (default: xiezhi-files/ beside the SQLite file)
        #[arg(long = "files", value_name = "DIR", global = true)]
        files_dir: Option<PathBuf>,
        #[command(subcommand)]
        command: dossier_cmd::DossierCommand,
    },
    /// 引注识别 every 案号 and statute reference in a text, with character offsets (JSON)
    Cite {
        /// 文本 the text file (UTF-8), or - for standard input
        #[arg(long)]
        text: PathBuf,
        /// 本法 the law whose text this is (for 本法第X条)
        #[arg(long)]
        law: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// 校验审计链 walk the hash chain; name the first entry that was edited, inserted or removed (exit 1)
    Verify {
        /// 归档文件 check an archive file written by `audit archive` instead of the database
        #[arg(long)]
        archive: Option<PathBuf>,
    },
    /// 审计归档 move the entries older than the retention to an archive file (JSON lines, with
    /// their hashes); the chain in the database then starts where the archive ends
    Archive {
        /// 保留天数 keep this many days of entries in the database (the retention)
        #[arg(long, default_value_t = 365)]
        keep_days: u32,
        /// 截止日期 archive the entries before this day instead (YYYY-MM-DD)
        #[arg(long, value_parser = parse_date)]
        before: Option<xiezhi_domain::Date>,
        /// 归档文件 the archive file (default: audit-archive-<day>.jsonl)
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    Csv,
    Xlsx,
}

/// Parses a `YYYY-MM-DD` command-line date.
pub fn parse_date(text: &str) -> Result<xiezhi_domain::Date, String> {
    xiezhi_domain::Date::parse_iso(text).map_err(|e| format!("{text:?} is not a date YYYY-MM-DD ({e})"))
}

fn main() -> ExitCode {
    let cli = Cli::parse_from(subcommands_in_any_case(std::env::args_os()));
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("XIEZHI_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误 error: starting the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        // The reader of our output went away (`xiezhi metrics | head`): nothing to report.
        Err(e) if e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(is_broken_pipe)) => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}

/// Writes `text` to stdout; unlike `print!`, a closed pipe is an error to return, not a panic.
pub(crate) fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Where the dataset is persisted: `<stem>.snapshot` beside an SQLite file (or in
/// `--data-dir`), `<database>.snapshot` in `--data-dir` (default: the working directory) for
/// PostgreSQL.
fn snapshot_path(db: &str, data_dir: Option<&Path>) -> Option<PathBuf> {
    if let Some(file) = xiezhi_store::sqlite_file(db) {
        let stem = file.file_stem()?.to_string_lossy().into_owned();
        let dir = match data_dir {
            Some(d) => d.to_owned(),
            None => file.parent().map_or_else(PathBuf::new, Path::to_owned),
        };
        return Some(dir.join(format!("{stem}.snapshot")));
    }
    let name = db.rsplit_once('/')?.1.split('?').next()?.to_owned();
    Some(data_dir.map_or_else(PathBuf::new, Path::to_owned).join(format!("{name}.snapshot")))
}

/// Opens the database (creating an SQLite file when missing, and saying so).
async fn open(db: &str) -> anyhow::Result<Store> {
    let new_file = xiezhi_store::sqlite_file(db).filter(|f| !f.exists());
    let store = Store::open(db).await.with_context(|| "opening the database".to_string())?;
    if let Some(file) = new_file {
        eprintln!("注意 note: 新建数据库文件 created a new database file {}", file.display());
    }
    Ok(store)
}

/// The application over `store`, with the system clock.
pub(crate) fn app(store: Store, db: &str, data_dir: Option<&Path>, catalogue: Catalogue) -> App {
    let config = AppConfig {
        catalogue,
        snapshot_path: snapshot_path(db, data_dir),
        fonts_dir: std::env::var_os("XIEZHI_FONTS").map(PathBuf::from),
        ..AppConfig::default()
    };
    App::new(store, Arc::new(SystemClock), config).with_files_dir(dossier_cmd::files_dir(None, db, data_dir))
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let data_dir = cli.data_dir.clone();
    let data_dir = data_dir.as_deref();
    // Statutes a court imported join the shipped ones (read before the corpus is first used).
    laws_cmd::install_imported(&laws_cmd::laws_dir(&cli.db, data_dir)).context("reading imported statutes")?;
    match cli.command {
        Command::Import { file, skip_invalid, sheet } => {
            let store = open(&cli.db).await?;
            import(&store, &file, skip_invalid, sheet).await
        }
        Command::Export { file, format, chinese_headers } => {
            let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            export(&app, &file, format, chinese_headers).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo { cases, seed, as_of, no_serve, addr } => {
            // A busy port is found before anything is written or any password changes.
            let listener = if no_serve {
                None
            } else {
                Some(
                    xiezhi_web::bind(addr)
                        .await
                        .context("端口被占用？use --addr to serve elsewhere (e.g. --addr 127.0.0.1:8081)")?,
                )
            };
            let store = open(&cli.db).await?;
            let app = app(store.clone(), &cli.db, data_dir, Catalogue::default());
            demo::run(&app, cases, seed, as_of).await?;
            print_courts(&store).await?;
            web_cmd::demo_accounts(&app).await?;
            if let Some(listener) = listener {
                web_cmd::serve(app, listener, true, false, None, Vec::new()).await?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { addr, secure_cookies, catalogue, smtp, trusted_proxies } => {
            let catalogue = metrics::load_catalogue(catalogue.as_deref())?;
            let mailer = smtp.as_deref().map(xiezhi_app::mail::Mailer::from_url).transpose().context("--smtp")?;
            let listener = xiezhi_web::bind(addr).await.context("starting the server")?;
            let store = open(&cli.db).await?;
            let app = app(store, &cli.db, data_dir, catalogue);
            web_cmd::serve(app, listener, false, secure_cookies, mailer, trusted_proxies).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::User(command) => {
            let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            web_cmd::user(&app, command).await
        }
        Command::Judges(command) => {
            let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            judges_cmd::judges(&app, command).await
        }
        Command::Assignment(command) => {
            let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            judges_cmd::assignment(&app, command).await
        }
        Command::Events(command) => {
            let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            clock_cmd::events(&app, command).await
        }
        Command::Deadlines(args) => {
            let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            clock_cmd::deadlines(&app, args).await
        }
        Command::Audit(AuditCommand::Verify { archive: None }) => {
            let store = open(&cli.db).await?;
            audit_verify(&store).await
        }
        Command::Audit(AuditCommand::Verify { archive: Some(file) }) => audit_verify_archive(&file),
        Command::Audit(AuditCommand::Archive { keep_days, before, out }) => {
            let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            audit_archive(&app, keep_days, before, out).await
        }
        Command::Courts { action: None } => {
            let store = open(&cli.db).await?;
            print_courts(&store).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Courts { action: Some(CourtsAction::Rename { code, name }) } => {
            let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            match app.rename_court(Actor::Cli, &code, &name).await {
                Ok(()) => {
                    println!("已更名 renamed {code}: {}", name.trim());
                    Ok(ExitCode::SUCCESS)
                }
                Err(xiezhi_app::AppError::NotFound) => bail!("没有法院 {code} / no court {code} in the database"),
                Err(e) => Err(anyhow::Error::new(e).context(format!("renaming {code}"))),
            }
        }
        Command::Metrics(args) => metrics::run(&cli.db, data_dir, args).await,
        Command::Bench(command) => bench::run(command).await,
        Command::Report(args) => report_cmd::report(&cli.db, data_dir, args).await,
        Command::Fill(args) => report_cmd::fill_draft(&cli.db, data_dir, args).await,
        Command::Cite { text, law } => cite(&text, law.as_deref()),
        Command::Laws(laws_cmd::LawsCommand::Import { path }) => {
            laws_cmd::import(&path, &laws_cmd::laws_dir(&cli.db, data_dir)).await
        }
        Command::Laws(command) => laws_cmd::run(command),
        Command::Similar(args) => {
            if similar_cmd::needs_database(&args) {
                let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
                similar_cmd::run_on_corpus(&app, &args).await
            } else {
                similar_cmd::run_on_candidates(&args)
            }
        }
        Command::Judgments(command) => {
            let app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            similar_cmd::run_judgments(&app, command).await
        }
        Command::Dossier { files_dir: files, command } => {
            let mut app = app(open(&cli.db).await?, &cli.db, data_dir, Catalogue::default());
            let dir = dossier_cmd::files_dir(files.as_deref(), &cli.db, data_dir);
            app = app.with_files_dir(dir);
            dossier_cmd::run(&app, command).await
        }
    }
}

async fn audit_verify(store: &Store) -> anyhow::Result<ExitCode> {
    let result = store.verify_audit().await.context("reading the audit log")?;
    match result.broken {
        None => {
            println!("审计链完整 the audit chain holds: {} entries verified", result.entries);
            Ok(ExitCode::SUCCESS)
        }
        Some(b) => {
            let at = match (b.id, b.seq) {
                (Some(id), Some(seq)) => format!("条目 entry id {id} (seq {seq})"),
                (Some(id), None) => format!("条目 entry id {id}"),
                (None, Some(seq)) => format!("序号 seq {seq}"),
                (None, None) => "链头 head".to_owned(),
            };
            println!("审计链断裂 the audit chain is broken at {at}: {}", b.reason);
            Ok(ExitCode::from(1))
        }
    }
}

/// `xiezhi audit archive`: entries older than `keep_days` go to a JSON-lines file (written
/// beside, renamed into place only when complete), then leave the database in one transaction.
async fn audit_archive(
    app: &App,
    keep_days: u32,
    before: Option<xiezhi_domain::Date>,
    out: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let now = app.clock.timestamp();
    let (cut, before) = match before {
        Some(day) => (day, format!("{day} 00:00:00")),
        None => {
            // Keep `keep_days` days back from this moment. 0 archives everything so far,
            // including entries written in this very second (timestamps have whole seconds,
            // so "before now" would miss them): the bound is the end of today, which no
            // entry can have reached yet.
            let day = app.clock.today().add_days(-i32::try_from(keep_days).context("--keep-days")?);
            if keep_days == 0 {
                (day, format!("{day} 24:00:00"))
            } else {
                (day, format!("{day}{}", now.get(10..).unwrap_or(" 00:00:00")))
            }
        }
    };
    let out = out.unwrap_or_else(|| PathBuf::from(format!("audit-archive-{cut}.jsonl")));
    if out.exists() {
        bail!("{} exists: choose another --out (an archive is never overwritten)", out.display());
    }
    let partial = out.with_extension("jsonl.partial");
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(&partial).with_context(|| format!("creating {}", partial.display()))?,
    );
    let at = now.clone();
    let out_name = out.display().to_string();
    let result = app
        .store
        .archive_audit(
            &before,
            |e| {
                use std::io::Write;
                let line = serde_json::json!({
                    "id": e.id, "seq": e.seq, "at": e.at, "username": e.username, "action": e.action,
                    "object": e.object, "detail": e.detail, "prev_hash": e.prev_hash, "hash": e.hash,
                });
                writeln!(file, "{line}")
            },
            |a| {
                let range = a.range.map_or(String::new(), |(f, l)| format!("seq {f}–{l}"));
                xiezhi_app::audit_record_at(&at, Actor::Cli, "audit_archive")
                    .object(out_name.clone())
                    .detail(format!("cli: {} entries before {before}, {range}", a.entries))
            },
        )
        .await;
    let archived = match result {
        Ok(a) => a,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(anyhow::Error::new(e).context("archiving the audit log"));
        }
    };
    if archived.entries == 0 {
        let _ = std::fs::remove_file(&partial);
        println!("没有早于 {before} 的审计条目 nothing before {before} to archive");
        return Ok(ExitCode::SUCCESS);
    }
    use std::io::Write;
    file.flush().with_context(|| format!("writing {}", partial.display()))?;
    file.get_ref().sync_all().with_context(|| format!("writing {}", partial.display()))?;
    drop(file);
    std::fs::rename(&partial, &out).with_context(|| format!("writing {}", out.display()))?;
    let (first, last) = archived.range.unwrap_or((0, 0));
    println!(
        "已归档 archived {} audit entries (seq {first}–{last}, before {cut}) to {}; last hash {}",
        archived.entries,
        out.display(),
        archived.last_hash.unwrap_or_default()
    );
    Ok(ExitCode::SUCCESS)
}

/// `xiezhi audit verify --archive FILE`: the archive's own chain.
fn audit_verify_archive(path: &Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{} line {}: not JSON", path.display(), i + 1))?;
        let text = |k: &str| v[k].as_str().map(str::to_owned);
        entries.push(xiezhi_store::AuditEntry {
            id: v["id"].as_i64().unwrap_or(0),
            seq: v["seq"].as_i64(),
            at: text("at").unwrap_or_default(),
            username: text("username"),
            action: text("action").unwrap_or_default(),
            object: text("object"),
            detail: text("detail"),
            prev_hash: text("prev_hash"),
            hash: text("hash"),
        });
    }
    match xiezhi_store::audit::verify_archived_entries(&entries) {
        None => {
            let range = match (entries.first().and_then(|e| e.seq), entries.last().and_then(|e| e.seq)) {
                (Some(f), Some(l)) => format!("seq {f}–{l}"),
                _ => "empty".to_owned(),
            };
            println!("归档完整 the archive holds: {} entries ({range}) verified", entries.len());
            Ok(ExitCode::SUCCESS)
        }
        Some((seq, reason)) => {
            println!(
                "归档断裂 the archive is broken at seq {}: {reason}",
                seq.map_or("?".to_owned(), |s| s.to_string())
            );
            Ok(ExitCode::from(1))
        }
    }
}

async fn import(store: &Store, file: &Path, skip_invalid: bool, sheet: Option<String>) -> anyhow::Result<ExitCode> {
    let options = ingest::ImportOptions { skip_invalid, sheet, problem_report: true, ..Default::default() };
    let bar = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("导入中 {bar:40} {percent}% {bytes}/{total_bytes} 预计剩余 {eta}")
                .expect("a valid template"),
        );
        Some(bar)
    } else {
        None
    };
    let result = ingest::import_file(store, Actor::Cli, file, &options, &SystemClock.timestamp(), |done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
        }
    })
    .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(summary) => {
            for column in &summary.unknown_columns {
                eprintln!("警告 warning: unknown column {column:?} ignored");
            }
            let c = summary.counts;
            println!(
                "导入完成 imported {}: {} rows read, {} new, {} updated, {} unchanged, {} skipped",
                file.display(),
                summary.rows,
                c.inserted,
                c.updated,
                c.unchanged,
                summary.skipped
            );
            if let Some(report) = &summary.report {
                print_problems(&summary.problems);
                eprintln!("问题报告 problem report: {}", report.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportFailure::BadRows(problems)) => {
            print_problems(&problems);
            let report = ingest::report_path(file);
            match ingest::write_problem_report(&report, &problems) {
                Ok(()) => eprintln!("问题报告 problem report (全部 {} 个问题): {}", problems.len(), report.display()),
                Err(e) => eprintln!("警告 warning: cannot write the problem report {}: {e}", report.display()),
            }
            // An ignored column may be why values are missing (e.g. a unit spelt unusually).
            if let Ok(reader) = xiezhi_import::FactsReader::open(file, options.sheet.as_deref()) {
                for column in &reader.header().unknown {
                    eprintln!("警告 warning: unknown column {column:?} ignored");
                }
            }
            eprintln!(
                "错误 error: {} problem(s) in {}; nothing was imported (fix them, or use --skip-invalid to import the good rows)",
                problems.len(),
                file.display()
            );
            Ok(ExitCode::from(1))
        }
        Err(ImportFailure::File(e)) => bail!("cannot import {}: {e}", file.display()),
        Err(other) => Err(anyhow::Error::new(other).context(format!("importing {}", file.display()))),
    }
}

async fn export(app: &App, file: &Path, format: Option<ExportFormat>, chinese: bool) -> anyhow::Result<()> {
    let format = match format {
        Some(f) => f,
        None => match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("xlsx") => ExportFormat::Xlsx,
            Some("csv") => ExportFormat::Csv,
            _ => bail!("cannot tell the format of {}: use --format csv|xlsx", file.display()),
        },
    };
    let facts = app.export_facts().await.context("reading cases")?;
    // Write to a temporary file beside the target and rename: no half-written output.
    let tmp = file.with_extension("partial");
    let n = match format {
        ExportFormat::Csv => {
            let out = std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
            xiezhi_import::export::write_csv(out, &facts, chinese)
                .with_context(|| format!("writing {}", tmp.display()))?
        }
        ExportFormat::Xlsx => xiezhi_import::export::write_xlsx(&tmp, &facts, chinese)?,
    };
    std::fs::rename(&tmp, file).with_context(|| format!("writing {}", file.display()))?;
    if app.store.has_demo_data().await.context("reading the import history")? {
        println!("{} 导出的案件为合成演示数据 the exported cases are synthetic demo data", demo::SYNTHETIC_NOTICE);
    }
    println!("导出完成 exported {n} cases to {}", file.display());
    Ok(())
}

async fn print_courts(store: &Store) -> anyhow::Result<()> {
    let courts = store.courts().await.context("reading courts")?;
    if store.has_demo_data().await.context("reading the import history")? {
        println!("{}", demo::SYNTHETIC_NOTICE);
    }
    if courts.is_empty() {
        println!("数据库中没有案件 the database holds no cases yet (xiezhi import FILE, or xiezhi demo)");
        return Ok(());
    }
    let mut rows = vec![["法院代字", "法院名称", "案件数", "未结", "最早立案", "最近立案"].map(str::to_owned).to_vec()];
    let (mut total, mut pending) = (0, 0);
    for c in &courts {
        total += c.cases;
        pending += c.pending;
        rows.push(vec![
            c.code.clone(),
            c.name.clone().unwrap_or_else(|| "—".to_owned()),
            c.cases.to_string(),
            c.pending.to_string(),
            c.first_filed.clone().unwrap_or_else(|| "—".to_owned()),
            c.last_filed.clone().unwrap_or_else(|| "—".to_owned()),
        ]);
    }
    rows.push(vec!["合计".to_owned(), String::new(), total.to_string(), pending.to_string()]);
    let mut text = text_table::render(&rows, &[false, false, true, true, false, false], "");
    // Legacy 字第 numbers name no court code: say how many are outside the table.
    let all = store.count_cases().await.context("counting cases")?;
    let outside = u64::try_from(all).unwrap_or(0).saturating_sub(total as u64);
    if outside > 0 {
        text.push_str(&format!(
            "另有 {outside} 件旧式“字第”案号的案件不归属任何法院代字 / {outside} legacy 字第 cases have no court code\n"
        ));
    }
    write_stdout(&text)?;
    Ok(())
}

//! `xiezhi bench …`: benchmarks measured in one run, side by side with a reference tool.
//! Figures go into BENCHMARKS.md by hand; tests never assert timings.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Subcommand;
use xiezhi_demo::{DemoConfig, generate};
use xiezhi_domain::Date;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// 法条检索性能 reading the embedded statute corpus, building the search index, and the
    /// latency of searches (p50/p95/max) over queries cut from the articles themselves
    LawsSearch {
        /// 次数 queries
        #[arg(long, default_value_t = 1000)]
        queries: usize,
    },
    /// 法条推荐质量 Recall@1/5/10 of `laws recommend` on a dev file of facts with their 刑法
    /// articles (JSON lines `{"facts", "article_numbers"}`); a fact counts when all its
    /// articles are in the top k
    LawsRecommend {
        /// 开发集 the dev file
        #[arg(long, default_value = "../shared/data/legal/bench/statute-recommendation.dev.jsonl")]
        dev: PathBuf,
    },
    /// 类案相似度质量 accuracy on "b or c is closer to a" triplets (JSON lines `{"a", "b",
    /// "c", "closer"}`): the shipped weights, character TF-IDF alone, and 5-fold
    /// cross-validation of the learning (three shuffles)
    Similar {
        /// 开发集 the dev file
        #[arg(long, default_value = "../shared/data/legal/bench/similar-cases.dev.jsonl")]
        dev: PathBuf,
        /// 重新学习 learn the weights on the whole file and print them as Rust constants
        #[arg(long)]
        train: bool,
    },
    /// 编目准确率 the catalogue's accuracy on a labelled set (JSON lines `{"category", "text"}`),
    /// with every miss listed
    Classify {
        /// 标注集
        #[arg(long, default_value = "crates/xiezhi-app/tests/fixtures/catalogue-heldout.jsonl")]
        set: PathBuf,
    },
    /// 文字识别 character error rate and time per page of `page-N.jpg` beside `page-N.txt`
    /// (bench/ocr_pages.py renders such pages)
    Ocr {
        /// 页面目录
        #[arg(long)]
        pages: PathBuf,
    },
    /// 导入性能 import N generated rows into SQLite, beside sqlite3's own `.import`
    Import {
        /// 行数 rows to generate
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        /// 工作目录 working directory for the generated files (default: a new temp dir)
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// 指标性能 the full catalogue for all groups over P and P′: warm (in memory) and cold
    /// (`xiezhi metrics` on SQLite), beside DuckDB (bench/duckdb_metrics.py) on the same data
    Metrics {
        /// 案件数 cases to generate
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        /// 工作目录 working directory (default: a new temp dir)
        #[arg(long)]
        dir: Option<PathBuf>,
        /// 跳过冷启动 skip the cold run (no SQLite database is built)
        #[arg(long)]
        warm_only: bool,
        /// DuckDB 对照脚本 the DuckDB script to run beside (skipped when missing)
        #[arg(long, default_value = "bench/duckdb_metrics.py")]
        duckdb_script: PathBuf,
    },
    /// 增量更新 time from a committed write (a new case, an event) to the dashboard's figures and
    /// `/api/v1/metrics` reflecting it, against a full reload; and the dataset's cold start from
    /// the store and from its persisted file
    Update {
        /// 案件数 cases in the database (generated once into DIR/update.db)
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        /// 工作目录 working directory (default: a new temp dir)
        #[arg(long)]
        dir: Option<PathBuf>,
        /// 次数 writes measured
        #[arg(long, default_value_t = 10)]
        writes: u32,
    },
    /// 审限性能 `xiezhi deadlines` over a demo database with events (time, memory, cold and from
    /// the persisted dataset), and the cost of the deadline rule inside the indicator engine
    /// (the snapshot built from facts only, and from facts and events, in one run)
    Deadlines {
        /// 案件数 demo cases (their events are generated with them)
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        /// 工作目录 working directory (default: a new temp dir)
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// 立案性能 registrations per second through `POST /api/v1/cases` (HTTP on loopback, a real
    /// server), with N concurrent registrars, on SQLite and PostgreSQL; latency percentiles
    Register {
        /// 案件数 demo cases in the database before registering
        #[arg(long, default_value_t = 120_000)]
        cases: u64,
        /// 立案数 registrations per scenario
        #[arg(long, default_value_t = 800)]
        registrations: u32,
        /// 并发立案人员 concurrent registrars
        #[arg(long, default_value_t = 8)]
        clients: u32,
        /// 后端 sqlite, postgres or both
        #[arg(long, default_value = "both")]
        backend: String,
        /// PostgreSQL server (a database is created and dropped)
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
        pg_url: String,
        /// 工作目录 working directory (default: a new temp dir)
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

pub async fn run(command: BenchCommand) -> anyhow::Result<std::process::ExitCode> {
    match command {
        BenchCommand::Import { cases, dir } => bench_import(cases, dir)?,
        BenchCommand::LawsSearch { queries } => bench_laws_search(queries)?,
        BenchCommand::LawsRecommend { dev } => bench_laws_recommend(&dev)?,
        BenchCommand::Similar { dev, train } => bench_similar(&dev, train)?,
        BenchCommand::Classify { set } => bench_classify(&set)?,
        BenchCommand::Ocr { pages } => bench_ocr(&pages)?,
        BenchCommand::Metrics { cases, dir, warm_only, duckdb_script } => {
            bench_metrics(cases, dir, warm_only, &duckdb_script).await?;
        }
        BenchCommand::Update { cases, dir, writes } => bench_update(cases, dir, writes).await?,
        BenchCommand::Deadlines { cases, dir } => bench_deadlines(cases, dir).await?,
        BenchCommand::Register { cases, registrations, clients, backend, pg_url, dir } => {
            bench_register(cases, registrations, clients, &backend, &pg_url, dir).await?;
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// Wall time and peak resident memory of a child process.
struct Measured {
    elapsed: Duration,
    peak_rss_kib: u64,
}

/// Runs a command to completion, polling its high-water RSS (VmHWM) from /proc.
fn measure(mut command: Command) -> anyhow::Result<Measured> {
    let started = Instant::now();
    let mut child = command.spawn().with_context(|| format!("starting {command:?}"))?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_path)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    if !status.success() {
        bail!("{command:?} failed with {status}");
    }
    Ok(Measured { elapsed, peak_rss_kib: peak })
}

fn work_dir(dir: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    let dir = match dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("xiezhi-bench-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The benchmark data set: the demo province, seed 7, up to 2026-10-31.
fn bench_config(cases: u64) -> DemoConfig {
    DemoConfig { cases, seed: 7, as_of: Date::from_ymd(2026, 10, 31).expect("a real day"), years: 4 }
}

/// Writes the benchmark data set as CSV (English keys), streaming.
fn write_bench_csv(cases: u64, csv: &Path) -> anyhow::Result<u64> {
    let started = Instant::now();
    let file = std::fs::File::create(csv).with_context(|| format!("creating {}", csv.display()))?;
    let n = xiezhi_import::export::write_csv(file, generate(&bench_config(cases)), false)?;
    let size = std::fs::metadata(csv)?.len();
    println!(
        "generated {n} rows ({:.1} MB) in {:.2} s: {}",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        csv.display()
    );
    Ok(n)
}

/// Peak resident memory of this process so far (VmHWM), in KiB.
fn own_peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

async fn bench_metrics(cases: u64, dir: Option<PathBuf>, warm_only: bool, duckdb_script: &Path) -> anyhow::Result<()> {
    use xiezhi_metrics::{Catalogue, Period, SnapshotBuilder};
    let dir = work_dir(dir)?;
    let period = Period::new(Date::from_ymd(2026, 1, 1).expect("a day"), Date::from_ymd(2026, 10, 31).expect("a day"))?;
    let catalogue = Catalogue::default();

    // Warm: facts streamed from the generator into the columnar snapshot, then computed.
    let rss_before = own_peak_rss_kib();
    let started = Instant::now();
    let mut builder = SnapshotBuilder::with_capacity(usize::try_from(cases).unwrap_or(0));
    for facts in generate(&bench_config(cases)) {
        builder.push(&facts);
    }
    let snapshot = builder.finish(&xiezhi_metrics::GroupNames::default());
    let build = started.elapsed();
    let mut best = Duration::MAX;
    let mut groups = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let report = xiezhi_metrics::compute_with(&snapshot, period, &catalogue);
        best = best.min(started.elapsed());
        groups = report.groups.len();
    }
    println!("| engine | cases | groups | step | time (s) | memory |");
    println!("|---|---:|---:|---|---:|---:|");
    println!(
        "| xiezhi warm | {cases} | {groups} | snapshot from generator | {:.3} | {:.1} B/case resident ({:.0} MiB) |",
        build.as_secs_f64(),
        snapshot.resident_bytes() as f64 / cases.max(1) as f64,
        snapshot.resident_bytes() as f64 / 1_048_576.0
    );
    println!(
        "| xiezhi warm | {cases} | {groups} | compute P + P′, all ids, all groups (best of 3) | {:.3} | peak RSS {:.0} MiB (before: {:.0}) |",
        best.as_secs_f64(),
        own_peak_rss_kib() as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
    drop(snapshot);

    let csv = dir.join("metrics-cases.csv");
    write_bench_csv(cases, &csv)?;
    if !warm_only {
        let db = dir.join("metrics.db");
        remove_database(&db);
        let url = format!("sqlite://{}", db.display());
        let mut import = Command::new(std::env::current_exe()?);
        import.arg("--db").arg(&url).arg("import").arg(&csv).stdout(std::process::Stdio::null());
        let imported = measure(import)?;
        println!("(database built by xiezhi import in {:.1} s)", imported.elapsed.as_secs_f64());
        let _ = std::fs::remove_file(dir.join("metrics.snapshot"));
        for (run, what) in [
            ("no persisted dataset: reads every case, writes metrics.snapshot", "first"),
            ("persisted dataset current: reads metrics.snapshot", "second"),
        ] {
            let mut cold = Command::new(std::env::current_exe()?);
            cold.arg("--db")
                .arg(&url)
                .args(["metrics", "--from", &period.from().to_string(), "--to", &period.to().to_string()])
                .args(["--format", "json", "--out"])
                .arg(dir.join(format!("metrics-{what}.json")));
            let measured = measure(cold)?;
            println!(
                "| xiezhi cold, {run} | {cases} | {groups} | `xiezhi metrics --format json` (load + compute + JSON) | {:.3} | peak RSS {:.0} MiB |",
                measured.elapsed.as_secs_f64(),
                measured.peak_rss_kib as f64 / 1024.0
            );
        }
        let same = std::fs::read(dir.join("metrics-first.json"))? == std::fs::read(dir.join("metrics-second.json"))?;
        println!("(the two JSON outputs are {})", if same { "byte-identical" } else { "DIFFERENT" });
    }
    if duckdb_script.exists() {
        let mut duck = Command::new("python3");
        duck.arg(duckdb_script).arg(&csv).args([
            "--from",
            &period.from().to_string(),
            "--to",
            &period.to().to_string(),
            "--repeat",
            "3",
        ]);
        let measured = measure(duck)?;
        println!(
            "| DuckDB (python, in-memory) | {cases} | — | whole script: load CSV + 3 × query | {:.3} | peak RSS {:.0} MiB |",
            measured.elapsed.as_secs_f64(),
            measured.peak_rss_kib as f64 / 1024.0
        );
    } else {
        println!("(DuckDB script {} not found: skipped)", duckdb_script.display());
    }
    Ok(())
}

fn bench_import(cases: u64, dir: Option<PathBuf>) -> anyhow::Result<()> {
    let dir = work_dir(dir)?;
    let csv = dir.join("cases.csv");
    let n = write_bench_csv(cases, &csv)?;

    let reference_db = dir.join("sqlite3.db");
    let ours_db = dir.join("xiezhi.db");
    for p in [&reference_db, &ours_db] {
        remove_database(p);
    }
    let mut sqlite = Command::new("sqlite3");
    sqlite.arg(&reference_db).args(xiezhi_store::admin::reference_import_commands(
        &xiezhi_import::export::headers(false),
        &csv.display().to_string(),
    ));
    let reference = measure(sqlite).context("running sqlite3 (apt-get install sqlite3)")?;

    let mut ours = Command::new(std::env::current_exe()?);
    ours.arg("--db").arg(format!("sqlite://{}", ours_db.display())).arg("import").arg(&csv);
    ours.stdout(std::process::Stdio::null());
    let measured = measure(ours)?;

    let rate = |m: &Measured| n as f64 / m.elapsed.as_secs_f64();
    println!("| tool | rows | time (s) | rows/s | peak RSS (MiB) |");
    println!("|---|---:|---:|---:|---:|");
    for (name, m) in [
        ("sqlite3 .import (plain TEXT table, no checks)", &reference),
        ("xiezhi import (validated, upsert)", &measured),
    ] {
        println!(
            "| {name} | {n} | {:.2} | {:.0} | {:.1} |",
            m.elapsed.as_secs_f64(),
            rate(m),
            m.peak_rss_kib as f64 / 1024.0
        );
    }
    println!("ratio xiezhi / sqlite3 rate: {:.2} (goal ≥ 0.5)", rate(&measured) / rate(&reference));
    Ok(())
}

fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Milliseconds of a duration.
fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Current resident memory of this process (VmRSS), in KiB.
fn own_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

async fn bench_update(cases: u64, dir: Option<PathBuf>, writes: u32) -> anyhow::Result<()> {
    use std::sync::Arc;
    use xiezhi_app::{Access, App, AppConfig, SystemClock};
    use xiezhi_metrics::{Catalogue, GroupKey, Period};
    let dir = work_dir(dir)?;
    let db = dir.join("update.db");
    let url = format!("sqlite://{}", db.display());
    let store = xiezhi_store::Store::open(&url).await?;
    if store.count_cases().await? == 0 {
        let started = Instant::now();
        crate::demo::write_demo(&store, &bench_config(cases)).await?;
        println!("(database of {cases} demo cases built in {:.1} s)", started.elapsed().as_secs_f64());
    }
    let snapshot = dir.join("update.snapshot");
    let _ = std::fs::remove_file(&snapshot);
    let config = AppConfig { snapshot_path: Some(snapshot.clone()), ..AppConfig::default() };
    let app = App::new(store.clone(), Arc::new(SystemClock), config);
    let period = Period::new(Date::from_ymd(2026, 1, 1).expect("a day"), Date::from_ymd(2026, 10, 31).expect("a day"))?;
    let catalogue = Catalogue::default();
    let admin = Access::new("bench", "admin", None, None).expect("an admin");
    let province = GroupKey::Province(xiezhi_domain::CourtCode::parse("粤").expect("a code"));
    // What a dashboard and /api/v1/metrics need after a change: the report, the trend and the
    // action lists of the province, and the metrics body.
    let figures = |data: &xiezhi_app::Dataset| {
        let t = Instant::now();
        let report = data.report(period, &catalogue);
        let t_report = t.elapsed();
        let t = Instant::now();
        let _ = data.monthly(period, &province);
        let t_month = t.elapsed();
        let t = Instant::now();
        let _ = data.actions(&admin, &province, period.to(), &catalogue);
        let t_actions = t.elapsed();
        let t = Instant::now();
        let body = data.metrics_body(period, &admin, &catalogue);
        let t_json = t.elapsed();
        if std::env::var_os("XIEZHI_BENCH_DETAIL").is_some() {
            eprintln!(
                "  report {:.1} ms, trend {:.1} ms, action lists {:.1} ms, metrics JSON {:.1} ms",
                ms(t_report),
                ms(t_month),
                ms(t_actions),
                ms(t_json)
            );
        }
        (report.groups.len(), body.len())
    };
    println!("| step | cases | time (ms) | resident memory |");
    println!("|---|---:|---:|---:|");
    // Cold start from the store (no persisted file), which writes the file.
    let rss0 = own_rss_kib();
    let started = Instant::now();
    let data = app.dataset().await?;
    let load = started.elapsed();
    let started = Instant::now();
    figures(&data);
    let first = started.elapsed();
    drop(data);
    let rss_loaded = own_rss_kib();
    println!(
        "| cold start: read every case from SQLite into the dataset | {cases} | {:.0} | {:.0} MiB (+{:.0}) |",
        ms(load),
        rss_loaded as f64 / 1024.0,
        (rss_loaded.saturating_sub(rss0)) as f64 / 1024.0
    );
    println!("| dashboard figures + metrics JSON, first time | {cases} | {:.0} | |", ms(first));
    // Cold start from the persisted file.
    let app2 = App::new(
        store.clone(),
        Arc::new(SystemClock),
        AppConfig { snapshot_path: Some(snapshot.clone()), ..AppConfig::default() },
    );
    let started = Instant::now();
    let data2 = app2.dataset().await?;
    println!(
        "| cold start: read the persisted dataset ({:.0} MB) | {cases} | {:.0} | |",
        std::fs::metadata(&snapshot)?.len() as f64 / 1e6,
        ms(started.elapsed())
    );
    drop(data2);
    drop(app2);
    // Writes through the store, each followed by the refresh a write through the platform does.
    let mut new_case = Vec::new();
    let mut event = Vec::new();
    let rss_before_writes = own_rss_kib();
    let base = 900_000 + 100 * store.revision().await?;
    for i in 0..writes {
        // A new case (what a registration adds).
        let number = format!("（2026）粤0103民初{}号", base + i64::from(i));
        let mut facts = xiezhi_domain::CaseFacts::new(
            xiezhi_domain::CaseNumber::parse(&number)?,
            Date::from_ymd(2026, 10, 30).expect("a day"),
        );
        facts.judge = Some("基准法官".to_owned());
        let mut tx = store.begin_import(1).await?;
        tx.upsert(&[facts]).await?;
        let record = xiezhi_store::AuditRecord::new("2026-10-31 12:00:00", None, "bench_write");
        tx.commit("bench", "2026-10-31 12:00:00", 1, 0, Box::new(move |_| record)).await?;
        let started = Instant::now();
        let refreshed = app.refresh().await?;
        let data = app.dataset().await?;
        figures(&data);
        new_case.push(started.elapsed());
        anyhow::ensure!(matches!(refreshed, xiezhi_app::Refresh::Applied(1)), "expected an update in place");
        drop(data);
        // An event on that case (what an extension or a payment adds).
        let mut w = store.begin_write().await?;
        let extension = xiezhi_domain::CaseEvent::Extension {
            on: Date::from_ymd(2026, 10, 31).expect("a day"),
            span: xiezhi_domain::Span::Months(1),
            approver: None,
            reason: None,
        };
        w.record_event(&number, &extension, Some("bench"), "2026-10-31 12:00:00").await?;
        w.commit(&xiezhi_store::AuditRecord::new("2026-10-31 12:00:00", Some("bench"), "event_add")).await?;
        let started = Instant::now();
        app.refresh().await?;
        let data = app.dataset().await?;
        figures(&data);
        event.push(started.elapsed());
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let rss_after = own_rss_kib();
    println!(
        "| a new case committed → dataset updated in place → dashboard figures + metrics JSON (median of {writes}) | {} | {:.1} | {:.0} → {:.0} MiB |",
        cases + u64::from(writes),
        ms(median(&mut new_case)),
        rss_before_writes as f64 / 1024.0,
        rss_after as f64 / 1024.0
    );
    println!(
        "| an event committed → dataset updated in place → dashboard figures + metrics JSON (median of {writes}) | {} | {:.1} | |",
        cases + u64::from(writes),
        ms(median(&mut event))
    );
    // The same change by a full reload, as before: read every case again.
    app.data.invalidate().await;
    let started = Instant::now();
    let data = app.dataset().await?;
    figures(&data);
    println!(
        "| the same by a full reload (read every case again) + figures | {} | {:.0} | {:.0} MiB |",
        data.len(),
        ms(started.elapsed()),
        own_rss_kib() as f64 / 1024.0
    );
    Ok(())
}

/// A minimal HTTP/1.1 client over one kept-alive connection (the benchmark measures the
/// server, not a client library).
struct Http {
    stream: tokio::io::BufStream<tokio::net::TcpStream>,
    host: String,
}

impl Http {
    async fn connect(addr: std::net::SocketAddr) -> anyhow::Result<Http> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Http { stream: tokio::io::BufStream::new(stream), host: addr.to_string() })
    }

    /// POSTs JSON; returns the status, the `Set-Cookie` value and the body.
    async fn post(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> anyhow::Result<(u16, Option<String>, String)> {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        self.stream.write_all(request.as_bytes()).await?;
        self.stream.flush().await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).context("a status line")?;
        let (mut length, mut cookie) = (0usize, None);
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((header, ""));
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse()?,
                "set-cookie" => cookie = value.trim().split(';').next().map(str::to_owned),
                "transfer-encoding" => bail!("chunked responses are not expected here"),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await?;
        Ok((status, cookie, String::from_utf8_lossy(&body).into_owned()))
    }
}

/// One scenario: `clients` registrars, each at `courts[i % len]`, registering `total` cases
/// between them through the API. Returns (wall time, each request's latency).
async fn register_run(
    addr: std::net::SocketAddr,
    clients: u32,
    total: u32,
    courts: &[String],
    password: &str,
) -> anyhow::Result<(Duration, Vec<Duration>)> {
    let mut sessions = Vec::new();
    for i in 0..clients {
        let court = &courts[i as usize % courts.len()];
        let mut http = Http::connect(addr).await?;
        let username = format!("bench-registrar-{court}-{i}");
        let login = serde_json::json!({"username": username, "password": password}).to_string();
        let (status, cookie, body) = http.post("/api/v1/login", &[], &login).await?;
        anyhow::ensure!(status == 200, "login {username}: {status} {body}");
        let csrf =
            serde_json::from_str::<serde_json::Value>(&body)?["csrf_token"].as_str().context("a token")?.to_owned();
        sessions.push((http, cookie.context("a session cookie")?, csrf, court.clone()));
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (k, (mut http, cookie, csrf, court)) in sessions.into_iter().enumerate() {
        let share = total / clients + u32::from((k as u32) < total % clients);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(share as usize);
            for n in 0..share {
                let body = serde_json::json!({
                    "court": court, "type_code": "民初", "filed_on": "2026-10-31", "cause": "民间借贷纠纷",
                    "claim_amount": format!("{}", 20_000 + (n * 7919 + k as u32 * 104_729) % 300_000),
                    "parties": [{"role": "原告", "name": format!("合成原告{k}-{n}"), "kind": "person"},
                                {"role": "被告", "name": format!("合成被告{k}-{n}有限公司"), "kind": "organization"}],
                    "assignment": {"mode": "random"}
                })
                .to_string();
                let t = Instant::now();
                let (status, _, reply) = http
                    .post("/api/v1/cases", &[("Cookie", cookie.as_str()), ("X-CSRF-Token", csrf.as_str())], &body)
                    .await?;
                latencies.push(t.elapsed());
                anyhow::ensure!(status == 201, "registration: {status} {reply}");
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.context("a registrar task")??);
    }
    Ok((started.elapsed(), all))
}

async fn bench_register(
    cases: u64,
    registrations: u32,
    clients: u32,
    backend: &str,
    pg_url: &str,
    dir: Option<PathBuf>,
) -> anyhow::Result<()> {
    use std::sync::Arc;
    use xiezhi_app::accounts::NewAccount;
    use xiezhi_app::{Actor, App, AppConfig, SystemClock};
    let dir = work_dir(dir)?;
    let backends: Vec<&str> = match backend {
        "both" => vec!["sqlite", "postgres"],
        "sqlite" | "postgres" => vec![backend],
        other => bail!("--backend {other:?}: sqlite, postgres or both"),
    };
    let password = "bench-password-0123";
    println!(
        "| backend | scenario | registrars | registrations | per second | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for backend in backends {
        let (url, cleanup) = match backend {
            "sqlite" => {
                let db = dir.join("register.db");
                remove_database(&db);
                (format!("sqlite://{}", db.display()), None)
            }
            _ => {
                let name = format!("xiezhi_bench_{}", std::process::id());
                let _ = xiezhi_store::admin::drop_database(pg_url, &name).await;
                (xiezhi_store::admin::create_database(pg_url, &name).await?, Some(name))
            }
        };
        let store = xiezhi_store::Store::open(&url).await?;
        let config = AppConfig { argon2_memory_kib: 19 * 1024, ..AppConfig::default() };
        let app = App::new(store.clone(), Arc::new(SystemClock), config);
        let demo = bench_config(cases);
        app.install_demo_roster(Actor::Cli, &demo).await?;
        crate::demo::write_demo(&store, &demo).await?;
        // Eight basic courts of the demo city 粤01 and 粤03, and one court for the contended run.
        let courts: Vec<String> = ["粤0103", "粤0104", "粤0105", "粤0106", "粤0111", "粤0113", "粤0303", "粤0306"]
            .map(str::to_owned)
            .to_vec();
        for court in &courts {
            for i in 0..clients {
                let new = NewAccount {
                    username: format!("bench-registrar-{court}-{i}"),
                    password: password.to_owned(),
                    role: "registrar".to_owned(),
                    court: Some(court.clone()),
                    judge: None,
                };
                app.add_user(Actor::Cli, &new).await?;
            }
        }
        let state = xiezhi_web::AppState::new(app.clone(), xiezhi_web::WebConfig::new(dir.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        app.dataset().await?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(xiezhi_web::serve(state, listener, async move {
            let _ = stopped.await;
        }));
        for (scenario, set) in [("one court each", courts.clone()), ("all at one court", vec![courts[0].clone()])] {
            let (wall, mut latencies) = register_run(addr, clients, registrations, &set, password).await?;
            latencies.sort();
            let pct =
                |p: f64| ms(latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1]);
            println!(
                "| {backend} | {scenario} | {clients} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} |",
                latencies.len(),
                latencies.len() as f64 / wall.as_secs_f64(),
                pct(0.50),
                pct(0.95),
                pct(0.99),
                ms(*latencies.last().expect("some registrations"))
            );
        }
        let verified = app.verify_assignments(&[]).await?;
        anyhow::ensure!(verified.mismatches.is_empty(), "replay mismatches: {:?}", verified.mismatches);
        let _ = stop.send(());
        server.await.context("the server task")??;
        store.close().await;
        if let Some(name) = cleanup {
            xiezhi_store::admin::drop_database(pg_url, &name).await?;
        }
    }
    Ok(())
}

async fn bench_deadlines(cases: u64, dir: Option<PathBuf>) -> anyhow::Result<()> {
    use std::sync::Arc;
    use xiezhi_app::{App, AppConfig, SystemClock};
    let dir = work_dir(dir)?;
    let db = dir.join("deadlines.db");
    let url = format!("sqlite://{}", db.display());
    let store = xiezhi_store::Store::open(&url).await?;
    let config = bench_config(cases);
    if store.count_cases().await? == 0 {
        let started = Instant::now();
        crate::demo::write_demo(&store, &config).await?;
        let events = crate::demo::write_demo_events(&store, &config).await?;
        println!(
            "(database of {cases} demo cases and {events} events built in {:.1} s)",
            started.elapsed().as_secs_f64()
        );
    }
    let events = store.count_events().await?;
    let snapshot = dir.join("deadlines.snapshot");
    let _ = std::fs::remove_file(&snapshot);
    println!("| step | cases | events | time (s) | peak memory (MiB) |");
    println!("|---|---:|---:|---:|---:|");
    for label in [
        "`xiezhi deadlines --format json`, cold (reads every case and event)",
        "the same again (the persisted dataset)",
    ] {
        let out = dir.join("deadlines.json");
        let mut cmd = Command::new(std::env::current_exe()?);
        cmd.args(["--db", &url, "deadlines", "--as-of", "2026-10-31", "--format", "json", "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let m = measure(cmd)?;
        println!(
            "| {label} | {cases} | {events} | {:.2} | {:.0} |",
            m.elapsed.as_secs_f64(),
            m.peak_rss_kib as f64 / 1024.0
        );
    }
    // The rule inside the engine: the snapshot from facts only (each case's deadline from its
    // row's day counts) against facts and events (cases with events through the rule).
    let court_names = store.court_names().await?;
    let names = xiezhi_metrics::GroupNames::from_court_names(&court_names);
    let started = Instant::now();
    let mut builder = xiezhi_metrics::SnapshotBuilder::with_capacity(cases as usize);
    store.for_each_fact_unordered(|f| builder.push(&f)).await?;
    let plain = builder.finish(&names);
    let t_plain = started.elapsed();
    let app = App::new(store.clone(), Arc::new(SystemClock), AppConfig::default());
    let started = Instant::now();
    let with_events = app.snapshot().await?;
    let t_events = started.elapsed();
    let period = xiezhi_metrics::Period::new(
        Date::from_ymd(2026, 1, 1).expect("a day"),
        Date::from_ymd(2026, 10, 31).expect("a day"),
    )?;
    let started = Instant::now();
    let _ = xiezhi_metrics::compute(&plain, period);
    let c_plain = started.elapsed();
    let started = Instant::now();
    let _ = xiezhi_metrics::compute(&with_events, period);
    let c_events = started.elapsed();
    println!("| snapshot from facts only (imported day counts) | {cases} | — | {:.2} | |", t_plain.as_secs_f64());
    println!(
        "| snapshot from facts and events (the rule for cases with events) | {cases} | {events} | {:.2} | |",
        t_events.as_secs_f64()
    );
    println!(
        "| every indicator, every group, 2026-01-01..2026-10-31, facts only | {cases} | — | {:.2} | |",
        c_plain.as_secs_f64()
    );
    println!("| the same with the enforcement record | {cases} | {events} | {:.2} | |", c_events.as_secs_f64());
    // The difference between the two snapshots, split: reading the events, and the rule itself.
    let started = Instant::now();
    let stored = store.all_events().await?;
    let t_read = started.elapsed();
    let facts = store.load_facts().await?;
    let by_number: std::collections::HashMap<&str, &xiezhi_domain::CaseFacts> =
        facts.iter().map(|f| (f.case_number.as_str(), f)).collect();
    let mut grouped: Vec<(&xiezhi_domain::CaseFacts, Vec<xiezhi_domain::CaseEvent>)> = Vec::new();
    for e in &stored {
        match grouped.last_mut() {
            Some((f, list)) if f.case_number.as_str() == e.case_number => list.push(e.event.clone()),
            _ => grouped.push((by_number[e.case_number.as_str()], vec![e.event.clone()])),
        }
    }
    let as_of = Date::from_ymd(2026, 10, 31).expect("a day");
    let started = Instant::now();
    let mut overdue = 0u64;
    for (f, list) in &grouped {
        let case = xiezhi_domain::deadline::ClockCase {
            type_code: f.case_number.type_code(),
            procedure: f.procedure,
            filed_on: f.filed_on,
            closed_on: f.closed_on,
            record: xiezhi_domain::deadline::ClockRecord::Events(list),
        };
        let d = xiezhi_domain::deadline::Deadline::compute(&case, f.closed_on.unwrap_or(as_of), 15);
        overdue += u64::from(d.status == xiezhi_domain::deadline::DeadlineStatus::Overdue);
    }
    let t_rule = started.elapsed();
    println!("| of which: reading every event (packed chunks) | — | {events} | {:.2} | |", t_read.as_secs_f64());
    println!(
        "| of which: the deadline rule for the {} cases with events ({overdue} overdue) | {} | {events} | {:.3} | |",
        grouped.len(),
        grouped.len(),
        t_rule.as_secs_f64()
    );
    Ok(())
}

/// `xiezhi bench laws-search`: corpus load, index build, and search latency.
fn bench_laws_search(queries: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let corpus = xiezhi_legal::Corpus::embedded().context("reading the statute corpus")?;
    let load = started.elapsed();
    let started = Instant::now();
    let index = xiezhi_legal::SearchIndex::build(corpus);
    let build = started.elapsed();
    // The kept index: its size, and reading it back (what a start costs once it is kept).
    let bytes = index.to_bytes();
    let file = std::env::temp_dir().join(format!("xiezhi-bench-search-{}.idx", std::process::id()));
    std::fs::write(&file, &bytes).context("writing the index")?;
    let started = Instant::now();
    let kept = std::fs::read(&file);
    let _ = std::fs::remove_file(&file);
    let kept = kept.context("reading the index")?;
    let read_back = xiezhi_legal::SearchIndex::from_bytes(&kept, corpus).context("the kept index did not read back")?;
    let load_kept = started.elapsed();
    drop(read_back);
    println!(
        "kept index: {:.1} MB, read back in {:.3} s (build {:.3} s)",
        bytes.len() as f64 / 1e6,
        load_kept.as_secs_f64(),
        build.as_secs_f64()
    );
    let in_force = corpus.in_force(None);
    // Queries: 4 to 12 characters cut from articles spread over the corpus (a fixed stride, so
    // runs compare), as a judge would type a phrase they remember.
    let mut times = Vec::with_capacity(queries);
    let mut found_own = 0usize;
    let step = (corpus.articles.len() / queries.max(1)).max(1);
    for q in 0..queries {
        let article = (q * step + 7) % corpus.articles.len();
        let chars: Vec<char> = corpus.articles[article].text.chars().filter(|c| c.is_alphanumeric()).collect();
        if chars.len() < 12 {
            continue;
        }
        let len = 4 + q % 9;
        let from = (q * 31) % (chars.len() - len + 1);
        let query: String = chars[from..from + len].iter().collect();
        let started = Instant::now();
        let hits = index.search(corpus, &query, 10, |a| in_force[corpus.articles[a].law]);
        times.push(started.elapsed());
        found_own += usize::from(hits.iter().any(|h| h.article == article));
    }
    times.sort();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p).round() as usize];
    println!("laws search: {} articles of {} law versions", corpus.articles.len(), corpus.laws.len());
    println!("corpus read (inflate + parse): {:.3} s; index build: {:.3} s", load.as_secs_f64(), build.as_secs_f64());
    println!(
        "{} queries: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms; the query's own article in the top 10: {:.1} %",
        times.len(),
        at(0.5).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        times.last().map_or(0.0, |t| t.as_secs_f64() * 1000.0),
        found_own as f64 * 100.0 / times.len().max(1) as f64
    );
    println!("peak RSS: {} MiB", peak_rss_kib() / 1024);
    Ok(())
}

/// `xiezhi bench laws-recommend`: R@1/5/10 over a dev file, and the time per fact.
fn bench_laws_recommend(dev: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(dev).with_context(|| format!("reading {}", dev.display()))?;
    let started = Instant::now();
    let corpus = xiezhi_legal::Corpus::embedded().context("reading the statute corpus")?;
    let recommender = xiezhi_legal::Recommender::embedded().context("building the recommender")?;
    let build = started.elapsed();
    let mut hits = [0usize; 3];
    let (mut total, mut with_articles, mut hits_with) = (0usize, 0usize, [0usize; 3]);
    let started = Instant::now();
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let item: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{} line {}", dev.display(), n + 1))?;
        let facts = item["facts"].as_str().unwrap_or_default();
        let wanted: Vec<u32> = item["article_numbers"]
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_u64()).map(|v| v as u32).collect())
            .unwrap_or_default();
        let found = recommender.recommend(corpus, facts, 10, None);
        let numbers: Vec<u32> = found.iter().map(|r| corpus.articles[r.article].number).collect();
        total += 1;
        with_articles += usize::from(!wanted.is_empty());
        for (i, k) in [1usize, 5, 10].into_iter().enumerate() {
            let top = &numbers[..k.min(numbers.len())];
            if wanted.iter().all(|w| top.contains(w)) {
                hits[i] += 1;
                hits_with[i] += usize::from(!wanted.is_empty());
            }
        }
    }
    let took = started.elapsed();
    let rate = |h: usize, n: usize| h as f64 / n.max(1) as f64;
    println!(
        "laws recommend on {} ({total} facts, {with_articles} with articles): {} crime articles ranked",
        dev.display(),
        recommender.articles()
    );
    println!(
        "all facts (a fact without articles counts as found): R@1 {:.3}, R@5 {:.3}, R@10 {:.3}",
        rate(hits[0], total),
        rate(hits[1], total),
        rate(hits[2], total)
    );
    println!(
        "facts with articles only: R@1 {:.3}, R@5 {:.3}, R@10 {:.3}",
        rate(hits_with[0], with_articles),
        rate(hits_with[1], with_articles),
        rate(hits_with[2], with_articles)
    );
    println!(
        "build (corpus, 罪名 table, index): {:.2} s; per fact: {:.2} ms; peak RSS: {} MiB",
        build.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / total.max(1) as f64,
        peak_rss_kib() / 1024
    );
    Ok(())
}

/// `xiezhi bench similar`: accuracy on dev triplets, shipped and cross-validated.
fn bench_similar(dev: &Path, print_weights: bool) -> anyhow::Result<()> {
    use xiezhi_legal::similar::{FEATURES, SCALES, Triplet, WEIGHTS, accuracy, differences, train};
    let text = std::fs::read_to_string(dev).with_context(|| format!("reading {}", dev.display()))?;
    let mut items = Vec::new();
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{} line {}", dev.display(), n + 1))?;
        let field = |k: &str| v[k].as_str().map(str::to_owned).with_context(|| format!("line {}: no {k}", n + 1));
        items.push((field("a")?, field("b")?, field("c")?, field("closer")? == "b"));
    }
    let triplets: Vec<Triplet<'_>> =
        items.iter().map(|(a, b, c, closer)| Triplet { a, b, c, b_closer: *closer }).collect();
    let started = Instant::now();
    let diffs = differences(&triplets);
    let took = started.elapsed();
    let labels: Vec<bool> = triplets.iter().map(|t| t.b_closer).collect();
    let mut only_text = [0.0; FEATURES];
    only_text[0] = 1.0;
    println!("similar on {} ({} triplets)", dev.display(), triplets.len());
    println!("character-bigram TF-IDF alone: accuracy {:.3}", accuracy(&diffs, &labels, &only_text, &[1.0; FEATURES]));
    println!("shipped weights (learned on this file): accuracy {:.3}", accuracy(&diffs, &labels, &WEIGHTS, &SCALES));
    // 5-fold cross-validation: learn on four fifths, count on the fifth; three shuffles.
    let l2 = 0.1;
    let mut all = Vec::new();
    for seed in [1u64, 2, 3] {
        let mut order: Vec<usize> = (0..diffs.len()).collect();
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        for i in (1..order.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (state >> 33) as usize % (i + 1));
        }
        let mut right = 0.0;
        for fold in 0..5 {
            let test: Vec<usize> = order.iter().copied().skip(fold).step_by(5).collect();
            let train_idx: Vec<usize> = order.iter().copied().filter(|i| !test.contains(i)).collect();
            let (w, s) = train(
                &train_idx.iter().map(|&i| diffs[i]).collect::<Vec<_>>(),
                &train_idx.iter().map(|&i| labels[i]).collect::<Vec<_>>(),
                l2,
            );
            let acc = accuracy(
                &test.iter().map(|&i| diffs[i]).collect::<Vec<_>>(),
                &test.iter().map(|&i| labels[i]).collect::<Vec<_>>(),
                &w,
                &s,
            );
            right += acc * test.len() as f64;
        }
        all.push(right / diffs.len() as f64);
    }
    println!(
        "5-fold cross-validation (L2 {l2}), three shuffles: {} (mean {:.3})",
        all.iter().map(|a| format!("{a:.3}")).collect::<Vec<_>>().join(", "),
        all.iter().sum::<f64>() / all.len() as f64
    );
    println!(
        "features of {} triplets: {:.1} ms per triplet",
        diffs.len(),
        took.as_secs_f64() * 1000.0 / diffs.len().max(1) as f64
    );
    if print_weights {
        let (w, s) = train(&diffs, &labels, l2);
        let list = |v: &[f64]| v.iter().map(|x| format!("{x:.6}")).collect::<Vec<_>>().join(", ");
        println!("pub const WEIGHTS: [f64; FEATURES] = [{}];", list(&w));
        println!("pub const SCALES: [f64; FEATURES] = [{}];", list(&s));
    }
    Ok(())
}

/// `xiezhi bench classify`: accuracy of 智能编目 on a labelled set.
fn bench_classify(set: &Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(set).with_context(|| format!("reading {}", set.display()))?;
    let (mut right, mut total) = (0usize, 0usize);
    let mut misses = Vec::new();
    for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("{} line {}", set.display(), n + 1))?;
        let want = v["category"].as_str().unwrap_or_default();
        let doc = v["text"].as_str().unwrap_or_default();
        let (got, why) = xiezhi_app::dossier::classify(doc);
        total += 1;
        if got == want {
            right += 1;
        } else {
            misses.push(format!(
                "  line {}: {want} → {got} ({why}): {}",
                n + 1,
                doc.lines().next().unwrap_or("").chars().take(30).collect::<String>()
            ));
        }
    }
    println!(
        "catalogue on {}: {right}/{total} right, accuracy {:.3}",
        set.display(),
        right as f64 / total.max(1) as f64
    );
    for m in misses {
        println!("{m}");
    }
    Ok(())
}

/// `xiezhi bench ocr`: CER and seconds per page.
fn bench_ocr(dir: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let ocr = xiezhi_ocr::Ocr::embedded().map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("models loaded in {:.2} s", started.elapsed().as_secs_f64());
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg" || e == "png"))
        .collect();
    pages.sort();
    let (mut errors, mut chars, mut seconds) = (0usize, 0usize, 0.0f64);
    for page in &pages {
        let truth_path = page.with_extension("txt");
        let truth =
            std::fs::read_to_string(&truth_path).with_context(|| format!("reading {}", truth_path.display()))?;
        let bytes = std::fs::read(page).with_context(|| format!("reading {}", page.display()))?;
        let started = Instant::now();
        let read = ocr.read_bytes(&bytes).map_err(|e| anyhow::anyhow!("{}: {e}", page.display()))?;
        let took = started.elapsed().as_secs_f64();
        let strip = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<Vec<char>>();
        let (got, want) = (strip(&read.text()), strip(&truth));
        let e = xiezhi_ocr::edit_distance(&got, &want);
        println!(
            "{}: {} lines, {} of {} characters wrong (CER {:.2} %), {:.2} s",
            page.display(),
            read.lines.len(),
            e,
            want.len(),
            e as f64 * 100.0 / want.len().max(1) as f64,
            took
        );
        errors += e;
        chars += want.len();
        seconds += took;
    }
    println!(
        "{} pages: CER {:.3} %, {:.2} s a page; peak RSS {} MiB",
        pages.len(),
        errors as f64 * 100.0 / chars.max(1) as f64,
        seconds / pages.len().max(1) as f64,
        peak_rss_kib() / 1024
    );
    Ok(())
}

/// This process's peak resident memory (VmHWM), KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

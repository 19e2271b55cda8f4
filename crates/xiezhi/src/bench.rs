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
    /// 导入性能 import N generated rows into SQLite, beside sqlite3's own `.import`
    Import {
        /// 行数 rows to generate
        #[arg(long, default_value_t = 1_000_000)]
        cases: u64,
        /// 工作目录 working directory for the generated files (default: a new temp dir)
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

pub async fn run(command: BenchCommand) -> anyhow::Result<std::process::ExitCode> {
    match command {
        BenchCommand::Import { cases, dir } => bench_import(cases, dir)?,
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
    let mut child = command
        .spawn()
        .with_context(|| format!("starting {command:?}"))?;
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
    Ok(Measured {
        elapsed,
        peak_rss_kib: peak,
    })
}

fn bench_import(cases: u64, dir: Option<PathBuf>) -> anyhow::Result<()> {
    let dir = match dir {
        Some(d) => d,
        None => std::env::temp_dir().join(format!("xiezhi-bench-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let csv = dir.join("cases.csv");
    let started = Instant::now();
    let config = DemoConfig {
        cases,
        seed: 7,
        as_of: Date::from_ymd(2026, 10, 31).expect("a real day"),
        years: 4,
    };
    let file =
        std::fs::File::create(&csv).with_context(|| format!("creating {}", csv.display()))?;
    let facts: Vec<_> = generate(&config).collect();
    let n = xiezhi_import::export::write_csv(file, &facts, false)?;
    drop(facts);
    let size = std::fs::metadata(&csv)?.len();
    println!(
        "generated {n} rows ({:.1} MB) in {:.2} s: {}",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        csv.display()
    );

    let reference_db = dir.join("sqlite3.db");
    let ours_db = dir.join("xiezhi.db");
    for p in [&reference_db, &ours_db] {
        remove_database(p);
    }
    let columns = xiezhi_import::export::headers(false)
        .iter()
        .map(|c| format!("{c} TEXT"))
        .collect::<Vec<_>>();
    let mut sqlite = Command::new("sqlite3");
    sqlite
        .arg(&reference_db)
        .arg(format!("CREATE TABLE plain ({});", columns.join(", ")))
        .arg(format!(".import --csv --skip 1 {} plain", csv.display()));
    let reference = measure(sqlite).context("running sqlite3 (apt-get install sqlite3)")?;

    let mut ours = Command::new(std::env::current_exe()?);
    ours.arg("--db")
        .arg(format!("sqlite://{}", ours_db.display()))
        .arg("import")
        .arg(&csv);
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
    println!(
        "ratio xiezhi / sqlite3 rate: {:.2} (goal ≥ 0.5)",
        rate(&measured) / rate(&reference)
    );
    Ok(())
}

fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

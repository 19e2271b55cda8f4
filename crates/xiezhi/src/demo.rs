//! `xiezhi demo`: fills an empty database with the synthetic demo province, once.

use anyhow::Context;
use xiezhi_app::{Actor, Clock, SystemClock};
use xiezhi_demo::{DemoConfig, generate};
use xiezhi_domain::Date;
use xiezhi_store::{BATCH_ROWS, Store};

/// The banner shown wherever demo data shows (CLI listings; the web and bulletins have their own).
pub const SYNTHETIC_NOTICE: &str = "【合成演示数据 SYNTHETIC DEMO DATA — 非真实案件 not real cases】";

/// Writes the demo roster when the roster is empty (so the demo cases link to 工号), then
/// generates the demo province unless the database already holds cases.
pub async fn run(app: &xiezhi_app::App, cases: u64, seed: u64, as_of: Date) -> anyhow::Result<()> {
    let store = &app.store;
    let config = DemoConfig { cases, seed, as_of, years: 4 };
    if store.judges(None).await.context("reading the roster")?.is_empty() {
        let done = app.install_demo_roster(Actor::Cli, &config).await.context("writing the demo roster")?;
        println!("已写入演示名册 demo roster: {} judges", done.inserted);
    }
    let existing = store.count_cases().await.context("counting cases")?;
    if existing > 0 {
        println!(
            "数据库已有 {existing} 件案件，未重新生成 the database already holds {existing} cases; nothing generated"
        );
        return Ok(());
    }
    #[allow(clippy::disallowed_methods)] // A duration shown to the user, not domain time.
    let started = std::time::Instant::now();
    let n = write_demo(store, &config).await?;
    let e = write_demo_events(store, &config).await?;
    println!(
        "已生成 {n} 件合成案件及 {e} 个事件 generated {n} synthetic cases and {e} events (seed {seed}, up to {as_of}) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Writes the demo run's case events (extensions, excluded periods, payments, 终本 checks,
/// petitions; derived from its cases) in one transaction; returns how many.
pub async fn write_demo_events(store: &Store, config: &DemoConfig) -> anyhow::Result<u64> {
    let events: Vec<(String, xiezhi_domain::CaseEvent)> =
        xiezhi_demo::events(config).into_iter().map(|(n, e)| (n.as_str().to_owned(), e)).collect();
    let at = SystemClock.timestamp();
    let mut tx = store.begin_write().await.context("starting the demo events transaction")?;
    let n = tx.insert_events(&events, None, &at).await.context("writing demo events")?;
    let record =
        xiezhi_app::audit_record_at(&at, Actor::Cli, "demo_events").detail(format!("cli: {n} synthetic events"));
    tx.commit(&record).await.context("committing demo events")?;
    Ok(n)
}

/// Streams the generator into one import transaction (committed with its audit entry);
/// returns the number of cases.
pub async fn write_demo(store: &Store, config: &DemoConfig) -> anyhow::Result<u64> {
    let mut tx = store.begin_import(config.cases).await.context("starting the demo transaction")?;
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut n = 0;
    for facts in generate(config) {
        batch.push(facts);
        n += 1;
        if batch.len() == BATCH_ROWS {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            tx.upsert_owned(full).await.context("writing demo cases")?;
        }
    }
    tx.upsert_owned(batch).await.context("writing demo cases")?;
    let at = SystemClock.timestamp();
    let record = xiezhi_app::audit_record_at(&at, Actor::Cli, "demo_generate");
    let seed = config.seed;
    tx.commit(
        xiezhi_store::DEMO_IMPORT_NAME,
        &at,
        n,
        0,
        Box::new(move |c| record.detail(format!("cli: {} synthetic cases, seed {seed}", c.inserted))),
    )
    .await
    .context("committing demo data")?;
    Ok(n)
}

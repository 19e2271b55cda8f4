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
        return research_material(app, &config).await;
    }
    #[allow(clippy::disallowed_methods)] // A duration shown to the user, not domain time.
    let started = std::time::Instant::now();
    let n = write_demo(store, &config).await?;
    let e = write_demo_events(store, &config).await?;
    println!(
        "已生成 {n} 件合成案件及 {e} 个事件 generated {n} synthetic cases and {e} events (seed {seed}, up to {as_of}) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    research_material(app, &config).await
}

/// The demo's judgment corpus (类案库) and the electronic files of a few open cases of 天河区
/// 法院 (三件民间借贷, 一件危险驾驶), each written once: so 类案推送, 推荐法条 and the case file
/// have something to show.
pub async fn research_material(app: &xiezhi_app::App, config: &DemoConfig) -> anyhow::Result<()> {
    let store = &app.store;
    if store.judgments().await.context("reading the judgment corpus")?.is_empty() {
        let at = SystemClock.timestamp();
        let list = xiezhi_demo::documents::judgments(config);
        let mut tx = store.begin_write().await.context("starting the demo judgments transaction")?;
        for j in &list {
            let judgment = xiezhi_store::judgments::Judgment {
                id: j.id.clone(),
                title: Some(j.title.clone()),
                case_number: Some(j.case_number.clone()),
                court: Some(j.court.clone()),
                decided: Some(j.date.clone()),
                tier: "其他".to_owned(),
                sha256: xiezhi_app::dossier::sha256_hex(j.text.as_bytes()),
                text: j.text.clone(),
            };
            tx.upsert_judgment(&judgment, &at).await.context("writing demo judgments")?;
        }
        let record = xiezhi_app::audit_record_at(&at, Actor::Cli, "demo_judgments")
            .detail(format!("cli: {} synthetic judgments", list.len()));
        tx.commit(&record).await.context("committing demo judgments")?;
        println!("已写入合成类案库 {} 篇 wrote {} synthetic judgments", list.len(), list.len());
    }
    if !store.dossier_cases().await.context("reading the case files")?.is_empty() {
        return Ok(());
    }
    let (mut loans, mut drunk) = (Vec::new(), Vec::new());
    store
        .for_each_fact_unordered(|f| {
            if f.closed_on.is_some() || f.case_number.court().map(|c| c.to_string()).as_deref() != Some("粤0106") {
                return;
            }
            let first_instance = |kind: &str| f.case_number.type_code().as_str() == kind;
            match f.cause.as_deref() {
                Some("民间借贷纠纷") if first_instance("民初") => loans.push(f.case_number.as_str().to_owned()),
                Some("危险驾驶罪") if first_instance("刑初") => drunk.push(f.case_number.as_str().to_owned()),
                _ => {}
            }
        })
        .await
        .context("finding demo cases for case files")?;
    loans.sort();
    drunk.sort();
    let dir = std::env::temp_dir().join(format!("xiezhi-demo-papers-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let court = "广州市天河区人民法院";
    let mut papers: Vec<(String, Vec<(String, String)>)> = loans
        .iter()
        .take(3)
        .enumerate()
        .map(|(i, n)| (n.clone(), xiezhi_demo::documents::loan_case_papers(config.seed + i as u64, n, court)))
        .collect();
    if let Some(n) = drunk.first() {
        papers.push((n.clone(), xiezhi_demo::documents::drunk_driving_papers(config.seed, court)));
    }
    // The 借条 also as a scan (a PNG drawn with the machine's Chinese font), so 文字识别 has
    // work to show; without such a font the papers stay text only.
    let fonts = xiezhi_report::ChartFonts::load(
        std::env::var_os("XIEZHI_FONTS").map(std::path::PathBuf::from).as_deref(),
        true,
    )
    .ok();
    let mut added = 0;
    for (i, (number, files)) in papers.iter().enumerate() {
        for (name, text) in files {
            // The first case's 起诉状 came on paper: a two-page scan (TIFF), read page by page.
            if i == 0
                && name == "民事起诉状.txt"
                && let Some(fonts) = &fonts
            {
                // Lines wrapped at 28 characters (a 33 px font across a 1,240 px page with margins).
                let lines: Vec<String> = text
                    .lines()
                    .flat_map(|l| {
                        let chars: Vec<char> = l.chars().collect();
                        chars.chunks(28).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>()
                    })
                    .collect();
                let half = lines.len().div_ceil(2);
                let mut pages = Vec::new();
                for part in lines.chunks(half.max(1)) {
                    pages.push(fonts.render_text_page(part, 1240).context("drawing a scanned paper")?);
                }
                let tiff = xiezhi_ocr::document::tiff_of_pages(&pages).context("putting the scanned pages together")?;
                let scan = dir.join("民事起诉状（扫描件）.tif");
                std::fs::write(&scan, tiff).with_context(|| format!("writing {}", scan.display()))?;
                app.dossier_add(Actor::Cli, number, &scan, None)
                    .await
                    .with_context(|| format!("{number}: 民事起诉状（扫描件）.tif"))?;
                added += 1;
                continue;
            }
            let path = dir.join(name);
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            app.dossier_add(Actor::Cli, number, &path, None).await.with_context(|| format!("{number}: {name}"))?;
            added += 1;
            if name == "借条.txt"
                && let Some(fonts) = &fonts
            {
                let lines: Vec<String> = text.lines().map(str::to_owned).collect();
                let png = fonts.render_text_page(&lines, 1240).context("drawing a scanned paper")?;
                let scan = dir.join("借条（扫描件）.png");
                std::fs::write(&scan, png).with_context(|| format!("writing {}", scan.display()))?;
                app.dossier_add(Actor::Cli, number, &scan, None)
                    .await
                    .with_context(|| format!("{number}: 借条（扫描件）.png"))?;
                added += 1;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    if added > 0 {
        println!(
            "已为 {} 件演示案件建立电子卷宗（{added} 份合成材料），如 {} wrote {added} synthetic papers into {} demo case files",
            papers.len(),
            papers[0].0,
            papers.len()
        );
    }
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

//! The same storage stories against SQLite and PostgreSQL, so the backends cannot drift.
//!
//! PostgreSQL: `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) names
//! a server on which each test creates and drops its own database. When the server is
//! unreachable the PostgreSQL half is skipped with a notice, except under `CI=true` (or
//! `XIEZHI_REQUIRE_PG=1`), where it fails.

use xiezhi_domain::{Amount, CaseFacts, CaseNumber, Disposition, Procedure};
use xiezhi_store::{AuditFor, AuditRecord, Store, UpsertCounts};
use xiezhi_test_support::{TestDb, case, d};

fn fixtures() -> Vec<CaseFacts> {
    let mut full = case("(2024)粤0703民初1号", "2024-01-31");
    full.court_name = Some("江门市蓬江区人民法院".into());
    full.cause = Some("民间借贷纠纷 \"引号\" \\ 反斜杠\n换行\t制表\u{1} 😀".into());
    full.procedure = Some(Procedure::Summary);
    full.closed_on = Some(d("2024-02-29"));
    full.disposition = Some(Disposition::Mediation);
    full.judge = Some("审判员甲".into());
    full.department = Some("民一庭".into());
    full.claim_amount = Some(Amount::parse("12345.6789", false).unwrap());
    full.extension_days = 3;
    full.suspended_days = 7;
    let mut enforcement = case("(2024)粤0703执5号", "2024-03-01");
    enforcement.origin_case_number = Some(CaseNumber::parse("(2024)粤0703民初1号").unwrap());
    enforcement.applied_amount = Some(Amount::from_yuan(100_000));
    enforcement.recovered_amount = Some(Amount::ZERO);
    enforcement.has_property = Some(false);
    let appeal = case("〔2024〕粤07民终9号", "2024-05-01");
    let legacy = case("(2014)海民初字第0005号", "2014-06-30");
    vec![full, enforcement, appeal, legacy]
}

/// Runs `story` against a fresh SQLite database, then a fresh PostgreSQL one.
macro_rules! both_backends {
    ($name:ident, $story:ident) => {
        #[tokio::test]
        async fn $name() {
            xiezhi_test_support::each_backend(async |db| $story(db).await).await;
        }
    };
}

/// The audit entry of a test import.
fn audit() -> AuditFor {
    Box::new(|c| AuditRecord::new("2026-11-27 10:00:00", None, "import").detail(format!("new {}", c.inserted)))
}

async fn round_trip(db: &TestDb) {
    let facts = fixtures();
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&facts).await.unwrap();
    let counts = tx.commit("fixtures.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    assert_eq!(counts, UpsertCounts { inserted: 4, updated: 0, unchanged: 0 });
    let mut expected = facts.clone();
    expected.sort_by(|a, b| a.case_number.as_str().cmp(b.case_number.as_str()));
    assert_eq!(db.store.load_facts().await.unwrap(), expected);
    let one = db.store.case("（2024）粤07民终9号").await.unwrap().unwrap();
    assert_eq!(one.filed_on, d("2024-05-01"));
    assert_eq!(db.store.case("（2024）粤07民终10号").await.unwrap(), None);
}
both_backends!(facts_round_trip_exactly, round_trip);

async fn reimport_changes_nothing(db: &TestDb) {
    let facts = fixtures();
    for expected in
        [UpsertCounts { inserted: 4, updated: 0, unchanged: 0 }, UpsertCounts { inserted: 0, updated: 0, unchanged: 4 }]
    {
        let mut tx = db.store.begin_import(4).await.unwrap();
        tx.upsert(&facts).await.unwrap();
        let counts = tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
        assert_eq!(counts, expected);
    }
    let mut changed = fixtures();
    changed[2].closed_on = Some(d("2024-06-01"));
    changed[2].disposition = Some(Disposition::Affirmed);
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&changed).await.unwrap();
    assert_eq!(tx.counts().await.unwrap(), UpsertCounts { inserted: 0, updated: 1, unchanged: 3 });
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    assert_eq!(db.store.count_cases().await.unwrap(), 4);
    let stored = db.store.case("（2024）粤07民终9号").await.unwrap().unwrap();
    assert_eq!(stored.disposition, Some(Disposition::Affirmed));
}
both_backends!(upsert_by_case_number, reimport_changes_nothing);

async fn a_file_without_some_columns_keeps_their_stored_values(db: &TestDb) {
    let facts = fixtures();
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&facts).await.unwrap();
    tx.commit("full.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    // A file of 案号, 立案日期 and 承办人 only: the judge changes, closed_on and disposition
    // (absent from the file) stay as stored; a case identical in the carried columns is unchanged.
    let original = db.store.case("（2024）粤0703民初1号").await.unwrap().unwrap();
    assert!(original.closed_on.is_some());
    let mut partial: Vec<CaseFacts> = facts
        .iter()
        .map(|f| CaseFacts { judge: f.judge.clone(), ..CaseFacts::new(f.case_number.clone(), f.filed_on) })
        .collect();
    let index = partial.iter().position(|f| f.case_number.as_str() == "（2024）粤0703民初1号").unwrap();
    partial[index].judge = Some("新承办人".to_owned());
    let kept = [
        "court_name",
        "cause",
        "procedure",
        "closed_on",
        "disposition",
        "department",
        "claim_amount",
        "applied_amount",
        "recovered_amount",
        "extension_days",
        "suspended_days",
        "origin_case_number",
        "has_property",
    ];
    let mut tx = db.store.begin_import_keeping(4, &kept).await.unwrap();
    tx.upsert(&partial).await.unwrap();
    assert_eq!(tx.counts().await.unwrap(), UpsertCounts { inserted: 0, updated: 1, unchanged: 3 });
    tx.commit("judges.csv", "2026-11-27 10:05:00", 4, 0, audit()).await.unwrap();
    let stored = db.store.case("（2024）粤0703民初1号").await.unwrap().unwrap();
    assert_eq!(stored, CaseFacts { judge: Some("新承办人".to_owned()), ..original });
    // A column name that is not one of the table's is refused.
    assert!(db.store.begin_import_keeping(4, &["nonsense"]).await.is_err());
}
both_backends!(partial_files_keep_absent_columns, a_file_without_some_columns_keeps_their_stored_values);

async fn rollback_leaves_nothing(db: &TestDb) {
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&fixtures()).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(db.store.count_cases().await.unwrap(), 0);
    assert!(db.store.courts().await.unwrap().is_empty());
    // Dropping an uncommitted import is a rollback too.
    {
        let mut tx = db.store.begin_import(4).await.unwrap();
        tx.upsert(&fixtures()).await.unwrap();
    }
    assert_eq!(db.store.count_cases().await.unwrap(), 0);
}
both_backends!(uncommitted_import_leaves_database_unchanged, rollback_leaves_nothing);

async fn courts_with_hierarchy(db: &TestDb) {
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&fixtures()).await.unwrap();
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    let courts = db.store.courts().await.unwrap();
    let codes: Vec<&str> = courts.iter().map(|c| c.code.as_str()).collect();
    // 粤0703 from two cases, 粤07 from the appeal (and implied), 粤 implied; the legacy case has no court.
    assert_eq!(codes, ["粤", "粤07", "粤0703"]);
    let basic = &courts[2];
    assert_eq!(basic.name.as_deref(), Some("江门市蓬江区人民法院"));
    assert_eq!((basic.cases, basic.pending), (2, 1));
    assert_eq!((courts[0].cases, courts[1].cases), (0, 1));
    // Migrations are applied once: reopening the same database works and keeps the data.
    let again = Store::open(&db.url).await.unwrap();
    assert_eq!(again.count_cases().await.unwrap(), 4);
    again.close().await;
}
both_backends!(courts_follow_the_code_hierarchy, courts_with_hierarchy);

fn many(n: usize) -> Vec<CaseFacts> {
    (0..n)
        .map(|i| {
            let mut f = case(&format!("(2024)粤0703民初{i}号"), "2024-03-01");
            f.judge = Some(format!("审判员{}", i % 7));
            f
        })
        .collect()
}

async fn bulk_strategies(db: &TestDb) {
    // Empty table, large import: indexes off, plain inserts, indexes rebuilt at commit.
    let mut tx = db.store.begin_import(12_000).await.unwrap();
    tx.upsert(&many(12_000)).await.unwrap();
    let counts = tx.commit("a.csv", "2026-11-27 10:00:00", 12_000, 0, audit()).await.unwrap();
    assert_eq!(counts, UpsertCounts { inserted: 12_000, updated: 0, unchanged: 0 });
    // Larger than the table: secondary indexes off, upsert on the unique index.
    let mut tx = db.store.begin_import(20_000).await.unwrap();
    let mut superset = many(20_000);
    superset[3].closed_on = Some(d("2024-04-01"));
    superset[3].disposition = Some(Disposition::Judgment);
    tx.upsert(&superset).await.unwrap();
    let counts = tx.commit("b.csv", "2026-11-27 10:00:00", 20_000, 0, audit()).await.unwrap();
    assert_eq!(counts, UpsertCounts { inserted: 8_000, updated: 1, unchanged: 11_999 });
    // A bulk import rolled back restores the dropped indexes with everything else.
    let mut tx = db.store.begin_import(1_000_000).await.unwrap();
    tx.upsert(&many(100)).await.unwrap();
    tx.rollback().await.unwrap();
    // The unique index is back: a small upsert of an existing 案号 finds its conflict target.
    let mut tx = db.store.begin_import(1).await.unwrap();
    tx.upsert(&many(1)).await.unwrap();
    let counts = tx.commit("c.csv", "2026-11-27 10:00:00", 1, 0, audit()).await.unwrap();
    assert_eq!(counts, UpsertCounts { inserted: 0, updated: 0, unchanged: 1 });
    assert_eq!(db.store.count_cases().await.unwrap(), 20_000);
    // Full scans cross packed-chunk boundaries (20,000 rows = exactly one full chunk).
    let all = db.store.load_facts().await.unwrap();
    let distinct: std::collections::BTreeSet<&str> = all.iter().map(|f| f.case_number.as_str()).collect();
    assert_eq!((all.len(), distinct.len()), (20_000, 20_000));
    assert_eq!(
        all.iter().find(|f| f.case_number.as_str() == "（2024）粤0703民初3号").unwrap().disposition,
        Some(Disposition::Judgment)
    );
    let mut unordered = 0;
    db.store.for_each_fact_unordered(|_| unordered += 1).await.unwrap();
    assert_eq!(unordered, 20_000);
}
both_backends!(bulk_imports_drop_and_rebuild_indexes, bulk_strategies);

async fn bulk_duplicates_fail_whole(db: &TestDb) {
    let mut tx = db.store.begin_import(50_000).await.unwrap();
    let mut rows = many(10_000);
    rows.push(rows[0].clone());
    tx.upsert(&rows).await.unwrap();
    assert!(tx.commit("dup.csv", "2026-11-27 10:00:00", 10_001, 0, audit()).await.is_err());
    assert_eq!(db.store.count_cases().await.unwrap(), 0);
    // And the schema is intact afterwards.
    let mut tx = db.store.begin_import(2).await.unwrap();
    tx.upsert(&many(2)).await.unwrap();
    tx.upsert(&many(2)).await.unwrap();
    let counts = tx.commit("ok.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    assert_eq!(counts, UpsertCounts { inserted: 2, updated: 0, unchanged: 2 });
}
both_backends!(duplicates_in_a_bulk_load_fail_the_import_whole, bulk_duplicates_fail_whole);

/// Runs SQL behind the store's back (a person editing the database by hand).
async fn tamper(db: &TestDb, sql: &str) {
    db.tamper(sql).await;
}

async fn audit_chain(db: &TestDb) {
    // An import and three read entries: four chained entries.
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&fixtures()).await.unwrap();
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    for (i, object) in ["（2024）粤07民终9号", "（2024）粤0703执5号", "（2024）粤0703民初1号"].iter().enumerate()
    {
        let record =
            AuditRecord::new(&format!("2026-11-27 10:0{}:00", i + 1), Some("manager"), "case_view").object(*object);
        db.store.audit(&record).await.unwrap();
    }
    let entries = db.store.audit_entries(10).await.unwrap();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[3].action, "import");
    assert_eq!(entries[3].detail.as_deref(), Some("new 4"));
    assert_eq!(entries.iter().map(|e| e.seq.unwrap()).collect::<Vec<_>>(), [4, 3, 2, 1]);
    // Each entry carries the previous entry's hash; the first the genesis hash.
    assert_eq!(entries[3].prev_hash.as_deref(), Some(xiezhi_store::audit::GENESIS_HASH));
    for pair in entries.windows(2) {
        assert_eq!(pair[0].prev_hash, pair[1].hash);
    }
    let ok = db.store.verify_audit().await.unwrap();
    assert_eq!((ok.entries, ok.broken), (4, None));
    // Editing an entry's text with SQL is found at that entry.
    tamper(db, "UPDATE audit_log SET object = '（2024）粤0703民初2号' WHERE seq = 3").await;
    let broken = db.store.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, Some(3));
    assert!(broken.reason.contains("edited"), "{}", broken.reason);
    tamper(db, "UPDATE audit_log SET object = '（2024）粤0703执5号' WHERE seq = 3").await;
    assert_eq!(db.store.verify_audit().await.unwrap().broken, None);
    // A deleted entry is found where the chain skips it.
    tamper(db, "DELETE FROM audit_log WHERE seq = 2").await;
    let broken = db.store.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!(broken.seq, Some(3), "{broken:?}");
    assert!(broken.reason.contains("removed"), "{}", broken.reason);
}
both_backends!(the_audit_log_is_a_hash_chain, audit_chain);

async fn truncated_audit_log(db: &TestDb) {
    for i in 0..3 {
        db.store.audit(&AuditRecord::new(&format!("2026-11-27 11:0{i}:00"), Some("a"), "login")).await.unwrap();
    }
    // Removing the last entry leaves a valid chain, but not up to the head.
    tamper(db, "DELETE FROM audit_log WHERE seq = 3").await;
    let broken = db.store.verify_audit().await.unwrap().broken.unwrap();
    assert_eq!((broken.id, broken.seq), (None, Some(3)));
    // An entry inserted with SQL carries no chain fields.
    tamper(db, "INSERT INTO audit_log (at, username, action) VALUES ('2026-11-27 12:00:00', 'x', 'login')").await;
    tamper(db, "UPDATE audit_head SET seq = 2").await;
    let broken = db.store.verify_audit().await.unwrap().broken.unwrap();
    assert!(broken.reason.contains("chain fields"), "{}", broken.reason);
}
both_backends!(a_truncated_or_forged_audit_log_is_found, truncated_audit_log);

async fn changes_feed(db: &TestDb) {
    use xiezhi_store::Changes;
    assert_eq!(db.store.revision().await.unwrap(), 0);
    assert_eq!(db.store.changes_since(0).await.unwrap(), Changes::Unchanged);
    // A small import lists its cases.
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&fixtures()).await.unwrap();
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    let Changes::Cases { revision: r1, case_numbers } = db.store.changes_since(0).await.unwrap() else {
        panic!("a small import lists its cases")
    };
    assert_eq!(r1, 1);
    assert_eq!(case_numbers.len(), 4);
    assert!(case_numbers.contains(&"（2024）粤0703执5号".to_owned()));
    // Re-importing the same rows changes nothing and lists nothing.
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&fixtures()).await.unwrap();
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    assert_eq!(db.store.changes_since(r1).await.unwrap(), Changes::Unchanged);
    // An event lists its case.
    let mut w = db.store.begin_write().await.unwrap();
    let payment = xiezhi_domain::CaseEvent::Payment { on: d("2024-04-01"), amount: Amount::from_yuan(300) };
    assert_eq!(
        w.record_event("（2024）粤0703执5号", &payment, Some("clerk"), "2026-11-27 10:10:00").await.unwrap(),
        xiezhi_store::events::Recorded::Inserted
    );
    w.commit(&AuditRecord::new("2026-11-27 10:10:00", Some("clerk"), "event_add")).await.unwrap();
    assert_eq!(
        db.store.changes_since(r1).await.unwrap(),
        Changes::Cases { revision: 2, case_numbers: vec!["（2024）粤0703执5号".to_owned()] }
    );
    // A bulk import says "everything".
    let mut tx = db.store.begin_import(20_000).await.unwrap();
    tx.upsert(&many(12_000)).await.unwrap();
    tx.commit("big.csv", "2026-11-27 10:20:00", 12_000, 0, audit()).await.unwrap();
    assert_eq!(db.store.changes_since(2).await.unwrap(), Changes::Everything { revision: 3 });
    // A reader ahead of the store (another database restored) reloads.
    assert_eq!(db.store.changes_since(99).await.unwrap(), Changes::Everything { revision: 3 });
}
both_backends!(every_change_of_case_data_raises_the_counter, changes_feed);

async fn events_are_stored_once(db: &TestDb) {
    use xiezhi_domain::{CaseEvent, SuspensionKind};
    use xiezhi_store::events::Recorded;
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&fixtures()).await.unwrap();
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    let number = "（2024）粤0703民初1号";
    let running = CaseEvent::Suspension { kind: SuspensionKind::Appraisal, from: d("2024-02-01"), to: None };
    let ended =
        CaseEvent::Suspension { kind: SuspensionKind::Appraisal, from: d("2024-02-01"), to: Some(d("2024-02-10")) };
    async fn record(w: &mut xiezhi_store::WriteTx, number: &str, e: &CaseEvent) -> Recorded {
        w.record_event(number, e, Some("judge"), "2026-11-27 10:00:00").await.unwrap()
    }
    let mut w = db.store.begin_write().await.unwrap();
    assert_eq!(record(&mut w, number, &running).await, Recorded::Inserted);
    assert_eq!(record(&mut w, number, &running).await, Recorded::Unchanged);
    // The same identity (kind and start) with an end: the running period ends.
    assert_eq!(record(&mut w, number, &ended).await, Recorded::Updated);
    w.commit(&AuditRecord::new("2026-11-27 10:00:00", Some("judge"), "event_add")).await.unwrap();
    let stored = db.store.events_of(number).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].event.clone(), stored[0].recorded_by.as_deref()), (ended, Some("judge")));
    assert_eq!(db.store.all_events().await.unwrap().len(), 1);
    // An event of an unknown case is refused; a rolled-back write leaves nothing.
    let mut w = db.store.begin_write().await.unwrap();
    assert!(w.record_event("（2024）粤0703民初404号", &running, None, "2026-11-27 10:00:00").await.is_err());
    w.rollback().await.unwrap();
    assert_eq!(db.store.count_events().await.unwrap(), 1);
}
both_backends!(events_are_the_record_and_recorded_once, events_are_stored_once);

async fn roster_links(db: &TestDb) {
    use xiezhi_store::judges::{RosterJudge, Upserted};
    let judge = |id: &str, name: &str| RosterJudge {
        judge_id: id.to_owned(),
        name: name.to_owned(),
        court_code: "粤0703".to_owned(),
        department: Some("民一庭".to_owned()),
        case_types: vec!["民初".to_owned(), "民特".to_owned()],
        track: "繁简".to_owned(),
        weight: 10_000,
        active: true,
    };
    let mut w = db.store.begin_write().await.unwrap();
    assert_eq!(w.upsert_judge(&judge("J1", "审判员甲")).await.unwrap(), Upserted::Inserted);
    assert_eq!(w.upsert_judge(&judge("J1", "审判员甲")).await.unwrap(), Upserted::Unchanged);
    // Two judges named 审判员乙 in one court: the name links to neither.
    w.upsert_judge(&judge("J2", "审判员乙")).await.unwrap();
    w.upsert_judge(&judge("J3", "审判员乙")).await.unwrap();
    w.commit(&AuditRecord::new("2026-11-27 10:00:00", None, "judges_import")).await.unwrap();
    assert_eq!(db.store.judges(Some("粤0703")).await.unwrap().len(), 3);
    assert_eq!(db.store.judge("J1").await.unwrap().unwrap().case_types, ["民初", "民特"]);
    // An import links a unique name of the case's court, and leaves a shared name as text.
    let mut rows = fixtures();
    rows[1].judge = Some("审判员乙".into());
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&rows).await.unwrap();
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    let linked = db.store.case_record("（2024）粤0703民初1号").await.unwrap().unwrap();
    assert_eq!(linked.judge_id.as_deref(), Some("J1"));
    let shared = db.store.case_record("（2024）粤0703执5号").await.unwrap().unwrap();
    assert_eq!((shared.judge_id, shared.facts.judge.as_deref()), (None, Some("审判员乙")));
    // Renaming J3 makes 审判员乙 unique again: relinking gives J2, and says the data changed.
    let before = db.store.revision().await.unwrap();
    let mut w = db.store.begin_write().await.unwrap();
    w.upsert_judge(&judge("J3", "审判员丙")).await.unwrap();
    assert_eq!(w.link_imported_judges().await.unwrap(), 1);
    w.commit(&AuditRecord::new("2026-11-27 10:30:00", None, "judges_import")).await.unwrap();
    assert_eq!(db.store.case_record("（2024）粤0703执5号").await.unwrap().unwrap().judge_id.as_deref(), Some("J2"));
    assert!(db.store.revision().await.unwrap() > before);
}
both_backends!(imported_names_link_to_roster_ids_where_unique, roster_links);

async fn typed_refusals(db: &TestDb) {
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&fixtures()).await.unwrap();
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0, audit()).await.unwrap();
    // A file without the closing columns moves a closed case's filing past its closing: the
    // database's CHECK refuses it, and the error says so by its kind, not its text.
    let mut moved = case("(2024)粤0703民初1号", "2024-03-31");
    moved.judge = None;
    let kept = [
        "court_name",
        "cause",
        "procedure",
        "closed_on",
        "disposition",
        "judge",
        "department",
        "claim_amount",
        "applied_amount",
        "recovered_amount",
        "extension_days",
        "suspended_days",
        "origin_case_number",
        "has_property",
    ];
    let mut tx = db.store.begin_import_keeping(1, &kept).await.unwrap();
    let written = async {
        tx.upsert(&[moved]).await?;
        tx.commit("m.csv", "2026-11-27 10:00:00", 1, 0, audit()).await
    }
    .await;
    assert_eq!(written.unwrap_err().constraint(), Some(xiezhi_store::ConstraintKind::Check));
    assert_eq!(db.store.case("（2024）粤0703民初1号").await.unwrap().unwrap().filed_on, d("2024-01-31"));
}
both_backends!(constraint_violations_are_typed, typed_refusals);

/// The 案号 counters: imports raise them to the largest number they bring (numbers whose type
/// code follows the court code — a stray 字 after it is read past —; no 专门审判代字, no
/// legacy 字第), a counter
/// never goes down, and migration 0004's statement gives the same counters from existing cases.
async fn case_number_counters(db: &TestDb) {
    let numbers = [
        ("(2024)粤0703民初9号", "2024-01-02"),
        ("(2024)粤0703民初12号", "2024-02-02"),
        ("(2024)粤0703民初3号", "2024-03-02"),
        ("(2025)粤0703民初1号", "2025-01-02"),
        ("(2024)粤0703执7号", "2024-01-02"),
        // 知 (专门审判代字): counted nowhere; a stray 字: 刑初 70.
        ("(2024)粤73知民初99号", "2024-01-02"),
        ("(2016)辽0106刑初字70号", "2016-01-02"),
        ("(2014)海民初字第0005号", "2014-06-30"),
    ];
    let facts: Vec<CaseFacts> = numbers.iter().map(|(n, f)| case(n, f)).collect();
    let mut tx = db.store.begin_import(facts.len() as u64).await.unwrap();
    tx.upsert(&facts).await.unwrap();
    tx.commit("numbers.csv", "2026-11-27 10:00:00", facts.len() as u64, 0, audit()).await.unwrap();
    let expected = [
        (2024, "粤0703", "民初", Some(12)),
        (2025, "粤0703", "民初", Some(1)),
        (2024, "粤0703", "执", Some(7)),
        (2024, "粤73", "民初", None),
        (2016, "辽0106", "刑初", Some(70)),
    ];
    let check = async |label: &str| {
        for (year, court, code, last) in expected {
            assert_eq!(
                db.store.last_case_sequence(year, court, code).await.unwrap(),
                last,
                "{label}: {year} {court}{code}"
            );
        }
    };
    check("after the import").await;
    // A later import of a lower number leaves the counter as it is.
    let mut tx = db.store.begin_import(1).await.unwrap();
    tx.upsert(&[case("(2024)粤0703民初5号", "2024-04-01")]).await.unwrap();
    tx.commit("low.csv", "2026-11-27 10:00:00", 1, 0, audit()).await.unwrap();
    check("after a lower number").await;
    // The migration's statement over the same cases gives the same counters.
    let migration = match db.store.backend() {
        xiezhi_store::Backend::Sqlite => include_str!("../migrations/sqlite/0004_registration.sql"),
        xiezhi_store::Backend::Postgres => include_str!("../migrations/postgres/0004_registration.sql"),
    };
    let start = migration.find("INSERT INTO case_number_counters").unwrap();
    let statement = &migration[start..start + migration[start..].find(';').unwrap() + 1];
    db.tamper(&format!("DELETE FROM case_number_counters; {statement}")).await;
    check("after the migration's statement").await;
}

both_backends!(case_number_counters_follow_imports_and_the_migration, case_number_counters);

/// 审计日志归档: the oldest entries move to a file with their hashes; the chain in the database
/// verifies from the anchor (and keeps growing), the archive verifies on its own, and an
/// archive whose file cannot be written changes nothing.
async fn audit_archive(db: &TestDb) {
    for (i, at) in
        ["2025-03-01 09:00:00", "2025-06-01 09:00:00", "2025-12-31 23:59:59", "2026-02-01 09:00:00"].iter().enumerate()
    {
        let record = AuditRecord::new(at, Some("manager"), "case_list").detail(format!("view {i}"));
        db.store.audit(&record).await.unwrap();
    }
    // A writer that fails: nothing archived, nothing removed.
    let failed = db
        .store
        .archive_audit(
            "2026-01-01 00:00:00",
            |_| Err(std::io::Error::other("disk full")),
            |_| AuditRecord::new("2026-12-05 10:00:00", None, "audit_archive"),
        )
        .await;
    assert!(failed.is_err());
    assert_eq!(db.store.audit_entries(10).await.unwrap().len(), 4);
    assert_eq!(db.store.audit_anchor().await.unwrap(), None);

    let mut file = Vec::new();
    let archived = db
        .store
        .archive_audit(
            "2026-01-01 00:00:00",
            |e| {
                file.push(e.clone());
                Ok(())
            },
            |a| AuditRecord::new("2026-12-05 10:00:00", None, "audit_archive").detail(format!("{} entries", a.entries)),
        )
        .await
        .unwrap();
    // The three entries of 2025 (seq 1–3) left; the 2026 one and the archive's own entry stay.
    assert_eq!((archived.entries, archived.range), (3, Some((1, 3))));
    assert_eq!(file.iter().map(|e| e.seq.unwrap()).collect::<Vec<_>>(), [1, 2, 3]);
    let anchor = db.store.audit_anchor().await.unwrap().unwrap();
    assert_eq!((anchor.seq, anchor.entries), (3, 3));
    assert_eq!(Some(anchor.hash.clone()), file[2].hash);
    let left = db.store.audit_entries(10).await.unwrap();
    assert_eq!(left.iter().map(|e| e.seq.unwrap()).collect::<Vec<_>>(), [5, 4]);
    assert_eq!(left[0].action, "audit_archive");
    let ok = db.store.verify_audit().await.unwrap();
    assert_eq!((ok.entries, ok.broken), (2, None));
    db.store.audit(&AuditRecord::new("2026-12-05 11:00:00", Some("judge"), "case_view")).await.unwrap();
    assert_eq!(db.store.verify_audit().await.unwrap().broken, None);
    // The archive verifies alone; an edited archived entry is named.
    assert_eq!(xiezhi_store::audit::verify_archived_entries(&file), None);
    file[1].detail = Some("view 9".into());
    let (seq, reason) = xiezhi_store::audit::verify_archived_entries(&file).unwrap();
    assert_eq!(seq, Some(2));
    assert!(reason.contains("edited"), "{reason}");
    // Removing the entry after the anchor breaks the chain in the database.
    tamper(db, "DELETE FROM audit_log WHERE seq = 4").await;
    assert_eq!(db.store.verify_audit().await.unwrap().broken.unwrap().seq, Some(5));
}
both_backends!(the_audit_log_is_archived_without_breaking_its_chain, audit_archive);

/// 电子卷宗 entries: numbered per case, each chained to the one before, read back whole.
async fn dossier_chain(db: &TestDb) {
    use xiezhi_store::dossier::{GENESIS, NewEntry, entry_hash};
    let add = |name: &str| NewEntry {
        kind: "add".into(),
        file_name: Some(name.into()),
        sha256: Some("ab".repeat(32)),
        size: Some(12),
        category: Some("起诉状".into()),
        category_source: Some("auto".into()),
        body: Some("民事起诉状".into()),
        at: "2026-12-05 10:00:00".into(),
        ..NewEntry::default()
    };
    let mut tx = db.store.begin_write().await.unwrap();
    let first = tx.append_dossier_entry("（2024）粤0703民初1号", &add("a.txt")).await.unwrap();
    let withdraw = NewEntry {
        kind: "withdraw".into(),
        document: 1,
        reason: Some("重复上传".into()),
        at: "2026-12-05 10:01:00".into(),
        ..NewEntry::default()
    };
    let second = tx.append_dossier_entry("（2024）粤0703民初1号", &withdraw).await.unwrap();
    let other = tx.append_dossier_entry("（2024）粤0703民初2号", &add("b.txt")).await.unwrap();
    tx.commit(&AuditRecord::new("2026-12-05 10:01:00", None, "dossier_add")).await.unwrap();
    assert_eq!((first.seq, first.entry.document, second.seq, other.seq), (1, 1, 2, 1));
    assert_eq!(first.prev_hash, GENESIS);
    assert_eq!(second.prev_hash, first.hash);
    let read = db.store.dossier_entries("（2024）粤0703民初1号").await.unwrap();
    assert_eq!(read, [first.clone(), second.clone()]);
    for e in &read {
        assert_eq!(entry_hash(&e.prev_hash, &e.case_number, e.seq, &e.entry), e.hash);
    }
    assert_eq!(db.store.dossier_cases().await.unwrap(), ["（2024）粤0703民初1号", "（2024）粤0703民初2号"]);
}
both_backends!(the_case_file_is_a_hash_chain_per_case, dossier_chain);

//! The same storage stories against SQLite and PostgreSQL, so the backends cannot drift.
//!
//! PostgreSQL: `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) names
//! a server on which each test creates and drops its own database. When the server is
//! unreachable the PostgreSQL half is skipped with a notice, except under `CI=true` (or
//! `XIEZHI_REQUIRE_PG=1`), where it fails.

use xiezhi_domain::{Amount, CaseFacts, CaseNumber, Date, Disposition, Procedure};
use xiezhi_store::{Backend, Store, UpsertCounts};

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn case(number: &str, filed: &str) -> CaseFacts {
    CaseFacts::new(CaseNumber::parse(number).unwrap(), d(filed))
}

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

/// A fresh database of each backend; the PostgreSQL one is dropped afterwards.
struct TestDb {
    store: Store,
    url: String,
    cleanup: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/test.db", dir.path().display());
        TestDb { store: Store::open(&url).await.unwrap(), url, cleanup: None, _dir: Some(dir) }
    }

    async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let required = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
            || std::env::var("XIEZHI_REQUIRE_PG").is_ok_and(|v| v == "1");
        sqlx::any::install_default_drivers();
        let admin = match sqlx::AnyPool::connect(&admin_url).await {
            Ok(pool) => pool,
            Err(e) if required => {
                panic!("PostgreSQL required under CI but unreachable at {admin_url}: {e}")
            }
            Err(e) => {
                eprintln!("NOTICE: skipping PostgreSQL half: {admin_url} unreachable ({e})");
                return None;
            }
        };
        let name = format!(
            "xiezhi_test_{}_{}",
            std::process::id(),
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() % 1_000_000_000
        );
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
        admin.close().await;
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        let store = Store::open(&url).await.unwrap();
        Some(TestDb { store, url, cleanup: Some((admin_url, name)), _dir: None })
    }

    async fn finish(self) {
        self.store.close().await;
        if let Some((admin_url, name)) = self.cleanup {
            let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&admin).await.unwrap();
            admin.close().await;
        }
    }
}

/// Runs `story` against SQLite, then PostgreSQL.
macro_rules! both_backends {
    ($name:ident, $story:ident) => {
        #[tokio::test]
        async fn $name() {
            let db = TestDb::sqlite().await;
            assert_eq!(db.store.backend(), Backend::Sqlite);
            $story(&db).await;
            db.finish().await;
            if let Some(db) = TestDb::postgres().await {
                assert_eq!(db.store.backend(), Backend::Postgres);
                $story(&db).await;
                db.finish().await;
            }
        }
    };
}

async fn round_trip(db: &TestDb) {
    let facts = fixtures();
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&facts).await.unwrap();
    let counts = tx.commit("fixtures.csv", "2026-11-27 10:00:00", 4, 0).await.unwrap();
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
        let counts = tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0).await.unwrap();
        assert_eq!(counts, expected);
    }
    let mut changed = fixtures();
    changed[2].closed_on = Some(d("2024-06-01"));
    changed[2].disposition = Some(Disposition::Affirmed);
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&changed).await.unwrap();
    assert_eq!(tx.counts().await.unwrap(), UpsertCounts { inserted: 0, updated: 1, unchanged: 3 });
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0).await.unwrap();
    assert_eq!(db.store.count_cases().await.unwrap(), 4);
    let stored = db.store.case("（2024）粤07民终9号").await.unwrap().unwrap();
    assert_eq!(stored.disposition, Some(Disposition::Affirmed));
}
both_backends!(upsert_by_case_number, reimport_changes_nothing);

async fn a_file_without_some_columns_keeps_their_stored_values(db: &TestDb) {
    let facts = fixtures();
    let mut tx = db.store.begin_import(4).await.unwrap();
    tx.upsert(&facts).await.unwrap();
    tx.commit("full.csv", "2026-11-27 10:00:00", 4, 0).await.unwrap();
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
    tx.commit("judges.csv", "2026-11-27 10:05:00", 4, 0).await.unwrap();
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
    tx.commit("f.csv", "2026-11-27 10:00:00", 4, 0).await.unwrap();
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
    let counts = tx.commit("a.csv", "2026-11-27 10:00:00", 12_000, 0).await.unwrap();
    assert_eq!(counts, UpsertCounts { inserted: 12_000, updated: 0, unchanged: 0 });
    // Larger than the table: secondary indexes off, upsert on the unique index.
    let mut tx = db.store.begin_import(20_000).await.unwrap();
    let mut superset = many(20_000);
    superset[3].closed_on = Some(d("2024-04-01"));
    superset[3].disposition = Some(Disposition::Judgment);
    tx.upsert(&superset).await.unwrap();
    let counts = tx.commit("b.csv", "2026-11-27 10:00:00", 20_000, 0).await.unwrap();
    assert_eq!(counts, UpsertCounts { inserted: 8_000, updated: 1, unchanged: 11_999 });
    // A bulk import rolled back restores the dropped indexes with everything else.
    let mut tx = db.store.begin_import(1_000_000).await.unwrap();
    tx.upsert(&many(100)).await.unwrap();
    tx.rollback().await.unwrap();
    // The unique index is back: a small upsert of an existing 案号 finds its conflict target.
    let mut tx = db.store.begin_import(1).await.unwrap();
    tx.upsert(&many(1)).await.unwrap();
    let counts = tx.commit("c.csv", "2026-11-27 10:00:00", 1, 0).await.unwrap();
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
    assert!(tx.commit("dup.csv", "2026-11-27 10:00:00", 10_001, 0).await.is_err());
    assert_eq!(db.store.count_cases().await.unwrap(), 0);
    // And the schema is intact afterwards.
    let mut tx = db.store.begin_import(2).await.unwrap();
    tx.upsert(&many(2)).await.unwrap();
    tx.upsert(&many(2)).await.unwrap();
    let counts = tx.commit("ok.csv", "2026-11-27 10:00:00", 4, 0).await.unwrap();
    assert_eq!(counts, UpsertCounts { inserted: 2, updated: 0, unchanged: 2 });
}
both_backends!(duplicates_in_a_bulk_load_fail_the_import_whole, bulk_duplicates_fail_whole);

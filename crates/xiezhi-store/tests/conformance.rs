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
    CaseFacts {
        case_number: CaseNumber::parse(number).unwrap(),
        court_name: None,
        cause: None,
        procedure: None,
        filed_on: d(filed),
        closed_on: None,
        disposition: None,
        judge: None,
        department: None,
        claim_amount: None,
        applied_amount: None,
        recovered_amount: None,
        extension_days: 0,
        suspended_days: 0,
        origin_case_number: None,
        has_property: None,
    }
}

fn fixtures() -> Vec<CaseFacts> {
    let mut full = case("(2024)粤0703民初1号", "2024-01-31");
    full.court_name = Some("江门市蓬江区人民法院".into());
    full.cause = Some("民间借贷纠纷".into());
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
        TestDb {
            store: Store::open(&url).await.unwrap(),
            url,
            cleanup: None,
            _dir: Some(dir),
        }
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
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
                % 1_000_000_000
        );
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        let base = admin_url
            .rsplit_once('/')
            .map_or(admin_url.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        let store = Store::open(&url).await.unwrap();
        Some(TestDb {
            store,
            url,
            cleanup: Some((admin_url, name)),
            _dir: None,
        })
    }

    async fn finish(self) {
        self.store.close().await;
        if let Some((admin_url, name)) = self.cleanup {
            let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name}"
            )))
            .execute(&admin)
            .await
            .unwrap();
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
    let mut tx = db.store.begin_import().await.unwrap();
    let counts = tx.upsert(&facts).await.unwrap();
    assert_eq!(
        counts,
        UpsertCounts {
            inserted: 4,
            updated: 0,
            unchanged: 0
        }
    );
    tx.commit("fixtures.csv", "2026-11-27 10:00:00", 4, counts, 0)
        .await
        .unwrap();
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
    for expected in [
        UpsertCounts {
            inserted: 4,
            updated: 0,
            unchanged: 0,
        },
        UpsertCounts {
            inserted: 0,
            updated: 0,
            unchanged: 4,
        },
    ] {
        let mut tx = db.store.begin_import().await.unwrap();
        let counts = tx.upsert(&facts).await.unwrap();
        assert_eq!(counts, expected);
        tx.commit("f.csv", "2026-11-27 10:00:00", 4, counts, 0)
            .await
            .unwrap();
    }
    let mut changed = fixtures();
    changed[2].closed_on = Some(d("2024-06-01"));
    changed[2].disposition = Some(Disposition::Affirmed);
    let mut tx = db.store.begin_import().await.unwrap();
    assert_eq!(
        tx.upsert(&changed).await.unwrap(),
        UpsertCounts {
            inserted: 0,
            updated: 1,
            unchanged: 3
        }
    );
    tx.commit(
        "f.csv",
        "2026-11-27 10:00:00",
        4,
        UpsertCounts::default(),
        0,
    )
    .await
    .unwrap();
    assert_eq!(db.store.count_cases().await.unwrap(), 4);
    let stored = db.store.case("（2024）粤07民终9号").await.unwrap().unwrap();
    assert_eq!(stored.disposition, Some(Disposition::Affirmed));
}
both_backends!(upsert_by_case_number, reimport_changes_nothing);

async fn rollback_leaves_nothing(db: &TestDb) {
    let mut tx = db.store.begin_import().await.unwrap();
    tx.upsert(&fixtures()).await.unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(db.store.count_cases().await.unwrap(), 0);
    assert!(db.store.courts().await.unwrap().is_empty());
    // Dropping an uncommitted import is a rollback too.
    {
        let mut tx = db.store.begin_import().await.unwrap();
        tx.upsert(&fixtures()).await.unwrap();
    }
    assert_eq!(db.store.count_cases().await.unwrap(), 0);
}
both_backends!(
    uncommitted_import_leaves_database_unchanged,
    rollback_leaves_nothing
);

async fn courts_with_hierarchy(db: &TestDb) {
    let mut tx = db.store.begin_import().await.unwrap();
    tx.upsert(&fixtures()).await.unwrap();
    tx.commit(
        "f.csv",
        "2026-11-27 10:00:00",
        4,
        UpsertCounts::default(),
        0,
    )
    .await
    .unwrap();
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

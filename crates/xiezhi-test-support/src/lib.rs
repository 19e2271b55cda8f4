//! 测试支撑 what every crate's tests share, so there is one copy of each:
//! - [`TestDb`]: a fresh database — an SQLite file in a temporary directory, or a PostgreSQL
//!   database created on the server of `TEST_DATABASE_URL` (default
//!   `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards. When the server is
//!   unreachable the PostgreSQL half is skipped with a notice printed where `cargo test` shows
//!   it — except under `CI=true` (or `XIEZHI_REQUIRE_PG=1`), where it fails. Reachability is
//!   checked once per test binary with a 3-second timeout (no test waits out a pool timeout).
//! - [`TestClock`]: a clock at a fixed instant that tests move.
//! - Fact builders: [`d`], [`case`], [`demo_facts`].
//!
//! Test data is synthetic (the demo generator's invented names); never real personal data.

// The test harness reads its environment (TEST_DATABASE_URL, CI) and the temporary directory.
#![allow(clippy::disallowed_methods)]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, Ordering};

use xiezhi_domain::{CaseFacts, CaseNumber, Date};
use xiezhi_store::{Backend, Store};

/// A date from `YYYY-MM-DD`.
pub fn d(text: &str) -> Date {
    Date::parse_iso(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A case with only its 案号 and 立案日期.
pub fn case(number: &str, filed: &str) -> CaseFacts {
    CaseFacts::new(CaseNumber::parse(number).unwrap_or_else(|e| panic!("{number}: {e}")), d(filed))
}

/// `cases` synthetic demo cases (seed `seed`, up to 2026-10-31, four years).
pub fn demo_facts(cases: u64, seed: u64) -> Vec<CaseFacts> {
    let config = xiezhi_demo::DemoConfig { cases, seed, as_of: d("2026-10-31"), years: 4 };
    xiezhi_demo::generate(&config).collect()
}

/// A clock at a moment tests choose and move.
#[derive(Debug)]
pub struct TestClock {
    pub seconds: AtomicI64,
}

impl TestClock {
    /// Noon (China Standard Time) of `day`.
    pub fn at_noon(day: &str) -> TestClock {
        TestClock { seconds: AtomicI64::new(i64::from(d(day).day_number()) * 86_400 + 4 * 3600) }
    }

    pub fn advance(&self, seconds: i64) {
        self.seconds.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl xiezhi_app::Clock for TestClock {
    fn unix_seconds(&self) -> i64 {
        self.seconds.load(Ordering::SeqCst)
    }
}

/// The PostgreSQL server tests use.
pub fn pg_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Whether PostgreSQL tests must run (CI).
pub fn pg_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("XIEZHI_REQUIRE_PG").is_ok_and(|v| v == "1")
}

/// Whether the PostgreSQL server answers (checked once per test binary). Under CI an
/// unreachable server fails the test; otherwise the notice is printed once and the
/// PostgreSQL halves are skipped.
pub async fn pg_available() -> bool {
    static REACHABLE: OnceLock<Result<(), String>> = OnceLock::new();
    let result = match REACHABLE.get() {
        Some(r) => r.clone(),
        None => {
            let r = xiezhi_store::admin::reachable(&pg_admin_url(), std::time::Duration::from_secs(3)).await;
            if let Err(e) = &r
                && !pg_required()
            {
                // print!/eprint! are captured per test; a direct write to stderr shows in
                // `cargo test`'s output.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "NOTICE: PostgreSQL at {} unreachable ({e}): the PostgreSQL halves of the tests are SKIPPED",
                    pg_admin_url()
                );
            }
            let _ = REACHABLE.set(r.clone());
            r
        }
    };
    match result {
        Ok(()) => true,
        Err(e) => {
            assert!(!pg_required(), "PostgreSQL at {} is unreachable under CI: {e}", pg_admin_url());
            false
        }
    }
}

/// A fresh database of one backend.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    /// The PostgreSQL database to drop afterwards.
    cleanup: Option<String>,
    pub dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// A fresh SQLite database in a temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        TestDb { store: Store::open(&url).await.expect("opening SQLite"), url, cleanup: None, dir: Some(dir) }
    }

    /// A fresh PostgreSQL database, or None when the server is unreachable outside CI.
    pub async fn postgres() -> Option<TestDb> {
        if !pg_available().await {
            return None;
        }
        let name = format!("xiezhi_test_{:016x}", random_u64());
        let url = xiezhi_store::admin::create_database(&pg_admin_url(), &name).await.expect("creating a test database");
        let store = Store::open(&url).await.expect("opening PostgreSQL");
        Some(TestDb { store, url, cleanup: Some(name), dir: None })
    }

    /// A fresh database of `backend` (None: PostgreSQL unreachable outside CI).
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite().await),
            Backend::Postgres => TestDb::postgres().await,
        }
    }

    /// A directory beside the database for files the test writes (snapshots, uploads).
    pub fn files_dir(&self) -> std::path::PathBuf {
        match &self.dir {
            Some(dir) => dir.path().to_owned(),
            None => std::env::temp_dir(),
        }
    }

    /// Runs SQL behind the application's back (tests that edit stored rows to see them found):
    /// on SQLite through a connection of its own, on PostgreSQL through a pool of its own.
    pub async fn tamper(&self, sql: &str) {
        match self.store.backend() {
            Backend::Sqlite => {
                let path = xiezhi_store::sqlite_file(&self.url).expect("an SQLite URL");
                let conn = rusqlite::Connection::open(path).expect("opening the SQLite file");
                conn.execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
            }
            Backend::Postgres => {
                sqlx::any::install_default_drivers();
                let pool = sqlx::AnyPool::connect(&self.url).await.expect("connecting to PostgreSQL");
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
                    .execute(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                pool.close().await;
            }
        }
    }

    /// Closes the store and drops a PostgreSQL database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some(name) = self.cleanup {
            let _ = xiezhi_store::admin::drop_database(&pg_admin_url(), &name).await;
        }
    }
}

/// Runs `story` against a fresh SQLite database, then a fresh PostgreSQL one.
pub async fn each_backend(story: impl AsyncFn(&TestDb)) {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        if let Some(db) = TestDb::new(backend).await {
            assert_eq!(db.store.backend(), backend);
            story(&db).await;
            db.finish().await;
        }
    }
}

/// A fixed seed source for draws: SHA-256-free and predictable — seed n is the 32 bytes of
/// n's big-endian bytes repeated (n = 0, 1, 2, … per draw). Tests that must replay a known
/// sequence use it; the product uses the OS CSPRNG.
#[derive(Debug, Default)]
pub struct CountingSeeds {
    next: std::sync::atomic::AtomicU64,
}

impl CountingSeeds {
    pub fn starting_at(n: u64) -> CountingSeeds {
        CountingSeeds { next: std::sync::atomic::AtomicU64::new(n) }
    }
}

impl xiezhi_app::assignment::SeedSource for CountingSeeds {
    fn seed(&self) -> [u8; 32] {
        let n = self.next.fetch_add(1, Ordering::SeqCst).to_be_bytes();
        std::array::from_fn(|i| n[i % 8])
    }
}

/// 64 random bits (test database names).
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.finish()
}

//! Xiezhi storage: one sqlx `Any` code path for SQLite (the embedded default) and PostgreSQL.
//!
//! Main types: [`Store`] (open by URL, migrations applied automatically), [`ImportTx`] (one
//! import = one transaction: committed whole or not at all), [`StoreError`], [`CourtSummary`].
//!
//! Architecture invariants: only this crate contains SQL; dates are stored as ISO text and money
//! as integer ten-thousandths of a yuan on both backends; a failed or interrupted import leaves
//! the database exactly as it was.

pub mod accounts;
mod native;
mod rows;

use std::borrow::Cow;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, AssertSqlSafe, Row, SqlSafeStr};
use xiezhi_domain::{CaseFacts, CourtCode};

use rows::{STORED_COLUMNS, facts_from_row};

/// The file name under which `xiezhi demo` records its import.
pub const DEMO_IMPORT_NAME: &str = "(demo)";

/// The order of a full scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanOrder {
    Id,
    CaseNumber,
}

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL {0:?} (use sqlite://PATH or postgres://...)")]
    UnsupportedUrl(String),
    /// Connecting failed.
    #[error("connecting to {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    /// Applying the schema migrations failed.
    #[error("applying migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A row in the database does not decode as case facts (the database was edited by hand).
    #[error("row {case_number:?} in the database is invalid: {reason}")]
    Corrupt { case_number: String, reason: String },
    /// Any other database error.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// An error of the SQLite import writer.
    #[error("sqlite: {0}")]
    Native(String),
}

/// The database, opened and migrated.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The database file, for SQLite: imports write through their own connection (`native`).
    sqlite_path: Option<std::path::PathBuf>,
}

/// A court and how many cases the database holds for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtSummary {
    pub code: String,
    pub name: Option<String>,
    pub cases: i64,
    pub pending: i64,
    pub first_filed: Option<String>,
    pub last_filed: Option<String>,
}

/// Counts of what an upsert did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl std::ops::AddAssign for UpsertCounts {
    fn add_assign(&mut self, o: UpsertCounts) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

fn migrator(backend: Backend) -> Migrator {
    let files: [(i64, &'static str, &'static str); 2] = match backend {
        Backend::Sqlite => [
            (1, "init", include_str!("../migrations/sqlite/0001_init.sql")),
            (2, "sessions", include_str!("../migrations/sqlite/0002_sessions.sql")),
        ],
        Backend::Postgres => [
            (1, "init", include_str!("../migrations/postgres/0001_init.sql")),
            (2, "sessions", include_str!("../migrations/postgres/0002_sessions.sql")),
        ],
    };
    Migrator::with_migrations(
        files
            .into_iter()
            .map(|(version, name, sql)| {
                Migration::new(version, Cow::Borrowed(name), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    )
}

/// Turns a user-facing URL into the one sqlx wants: SQLite files are created when missing.
fn connect_url(url: &str) -> Result<(String, Backend), StoreError> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let with_mode = if rest.contains('?') { url.to_owned() } else { format!("{url}?mode=rwc") };
        Ok((with_mode, Backend::Sqlite))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok((url.to_owned(), Backend::Postgres))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_owned()))
    }
}

impl Store {
    /// Opens (creating an SQLite file if needed) and migrates the database at `url`:
    /// `sqlite://relative/path.db`, `sqlite:///absolute/path.db` or `postgres://...`.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (connect, backend) = connect_url(url)?;
        let options =
            AnyConnectOptions::from_str(&connect).map_err(|source| StoreError::Connect { url: redact(url), source })?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers go on during an import; NORMAL is durable at each
                        // commit in WAL mode; the busy timeout covers a concurrent writer. The
                        // pool reads whole tables once (snapshots) or single rows: a 2 MB page
                        // cache per connection is enough (imports write through their own
                        // connection with a larger one).
                        sqlx::raw_sql("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON; PRAGMA cache_size=-2048; PRAGMA threads=2;")
                            .execute(conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Connect { url: redact(url), source })?;
        migrator(backend).run(&pool).await?;
        let sqlite_path = match backend {
            Backend::Sqlite => Some(sqlite_file(url).ok_or_else(|| StoreError::UnsupportedUrl(url.to_owned()))?),
            Backend::Postgres => None,
        };
        Ok(Store { pool, backend, sqlite_path })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for crates that add their own tables' queries later.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Starts an import: everything written through the returned transaction is committed
    /// together or not at all.
    ///
    /// `expected_rows` (a rough estimate) chooses the write strategy: an import into an empty
    /// table, or one larger than the table, drops the case indexes inside the transaction and
    /// rebuilds them before committing; on an empty table rows are then plainly inserted (the
    /// caller guarantees distinct 案号 — the rebuilt unique index would refuse duplicates and
    /// the import would fail whole). Small imports into a large table upsert row by row.
    pub async fn begin_import(&self, expected_rows: u64) -> Result<ImportTx, StoreError> {
        self.begin_import_keeping(expected_rows, &[]).await
    }

    /// As [`Store::begin_import`], for a file that lacks the columns `kept` (keys of the
    /// interchange format, e.g. `judge`): updated cases keep their stored values there, so
    /// that a file of, say, amounts only never blanks a case's dates or judge.
    pub async fn begin_import_keeping(
        &self,
        expected_rows: u64,
        kept: &[&'static str],
    ) -> Result<ImportTx, StoreError> {
        if let Some(unknown) = kept.iter().find(|k| !rows::is_write_column(k) || **k == "case_number") {
            return Err(StoreError::Corrupt {
                case_number: String::new(),
                reason: format!("no column {unknown} to keep"),
            });
        }
        let kept = kept.to_vec();
        let inner = match &self.sqlite_path {
            Some(path) => Inner::Native(native::NativeImport::begin(path.clone(), expected_rows, kept).await?),
            None => Inner::Sqlx(SqlxImport::begin(&self.pool, self.backend, expected_rows, kept).await?),
        };
        Ok(ImportTx { inner, courts: Default::default() })
    }

    pub async fn count_cases(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM cases").fetch_one(&self.pool).await?)
    }

    /// Every case, ordered by 案号, passed one at a time to `each` (memory stays flat).
    pub async fn for_each_fact(&self, each: impl FnMut(CaseFacts)) -> Result<u64, StoreError> {
        self.scan_facts(ScanOrder::CaseNumber, each).await
    }

    /// Every case in storage order (the fastest scan), one at a time. For consumers to which
    /// order does not matter, such as the indicator snapshot.
    pub async fn for_each_fact_unordered(&self, each: impl FnMut(CaseFacts)) -> Result<u64, StoreError> {
        self.scan_facts(ScanOrder::Id, each).await
    }

    /// Reads the table in packed chunks (see `rows::packed_sql`), keyset-paginated.
    async fn scan_facts(&self, order: ScanOrder, mut each: impl FnMut(CaseFacts)) -> Result<u64, StoreError> {
        const CHUNK: usize = 5_000;
        let key = match order {
            ScanOrder::Id => "id",
            ScanOrder::CaseNumber => "case_number",
        };
        let sql = rows::packed_sql(self.backend, key, CHUNK);
        let (mut last_id, mut last_number) = (i64::MIN, String::new());
        let mut n = 0;
        loop {
            let query = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql.clone()));
            let query = match order {
                ScanOrder::Id => query.bind(last_id),
                ScanOrder::CaseNumber => query.bind(last_number.clone()),
            };
            let packed = query.fetch_one(&self.pool).await?;
            let chunk: Vec<rows::StoredCase> = serde_json::from_str(&packed)
                .map_err(|e| StoreError::Corrupt { case_number: String::new(), reason: format!("packed rows: {e}") })?;
            let len = chunk.len();
            for stored in chunk {
                last_id = stored.id;
                if order == ScanOrder::CaseNumber {
                    last_number.clone_from(&stored.case_number);
                }
                each(stored.into_facts()?);
            }
            n += len as u64;
            if len < CHUNK {
                return Ok(n);
            }
        }
    }

    /// Every case, ordered by 案号.
    pub async fn load_facts(&self) -> Result<Vec<CaseFacts>, StoreError> {
        let mut all = Vec::new();
        self.for_each_fact(|f| all.push(f)).await?;
        Ok(all)
    }

    /// One case by its canonical 案号.
    pub async fn case(&self, case_number: &str) -> Result<Option<CaseFacts>, StoreError> {
        let sql = format!("SELECT {} FROM cases WHERE case_number = $1", STORED_COLUMNS.join(", "));
        let row = sqlx::query(AssertSqlSafe(sql)).bind(case_number.to_owned()).fetch_optional(&self.pool).await?;
        row.map(|r| facts_from_row(&r)).transpose()
    }

    /// The cases whose 原审/执行依据案号 is `case_number` (appeals, retrials, enforcement …), by 案号.
    pub async fn cases_following(&self, case_number: &str) -> Result<Vec<CaseFacts>, StoreError> {
        let sql = format!(
            "SELECT {} FROM cases WHERE origin_case_number = $1 ORDER BY case_number",
            STORED_COLUMNS.join(", ")
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(case_number.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(facts_from_row).collect()
    }

    /// Courts with their case counts, ordered by code.
    pub async fn courts(&self) -> Result<Vec<CourtSummary>, StoreError> {
        let rows = sqlx::query(
            // One pass over the cases (no index on court_code is kept: see CASE_INDEXES).
            "SELECT c.code, c.name, COALESCE(k.cases, 0) AS cases, COALESCE(k.pending, 0) AS pending, \
             k.first_filed, k.last_filed FROM courts c LEFT JOIN \
             (SELECT court_code, COUNT(*) AS cases, SUM(CASE WHEN closed_on IS NULL THEN 1 ELSE 0 END) AS pending, \
              MIN(filed_on) AS first_filed, MAX(filed_on) AS last_filed FROM cases GROUP BY court_code) k \
             ON k.court_code = c.code ORDER BY c.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CourtSummary {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    cases: r.try_get("cases")?,
                    pending: r.try_get::<Option<i64>, _>("pending")?.unwrap_or(0),
                    first_filed: r.try_get("first_filed")?,
                    last_filed: r.try_get("last_filed")?,
                })
            })
            .collect()
    }

    /// The id of the latest committed import (0 when none): a cheap version of the case data,
    /// so that a server notices imports made by another process (e.g. the CLI).
    pub async fn data_version(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM imports").fetch_one(&self.pool).await?)
    }

    /// Whether the synthetic demo province was loaded into this database (an import recorded
    /// under [`DEMO_IMPORT_NAME`]): pages then carry the 合成演示数据 banner however the server
    /// was started.
    pub async fn has_demo_data(&self) -> Result<bool, StoreError> {
        let n = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM imports WHERE file_name = $1")
            .bind(DEMO_IMPORT_NAME)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// The codes of the courts the data names (and the cities and provinces they imply), sorted;
    /// no scan of the cases.
    pub async fn court_codes(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar::<_, String>("SELECT code FROM courts ORDER BY code").fetch_all(&self.pool).await?)
    }

    /// Court names recorded for court codes (code → name).
    pub async fn court_names(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT code, name FROM courts WHERE name IS NOT NULL ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("code")?, r.try_get("name")?))).collect()
    }
}

/// The file of an SQLite URL: `sqlite://rel.db`, `sqlite:///abs.db`, `sqlite:rel.db`, with or
/// without a query. In-memory databases have no file (and are not supported).
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(':')).then(|| std::path::PathBuf::from(path))
}

/// Hides a password in a database URL before it goes into a message.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// An import in progress: one database transaction, committed whole or not at all. On
/// SQLite it runs on its own writer thread (`native`), on PostgreSQL through sqlx.
pub struct ImportTx {
    inner: Inner,
    /// Courts seen in the imported cases (with their names), and the cities and provinces they
    /// imply: written to `courts` at commit.
    courts: std::collections::BTreeMap<CourtCode, Option<String>>,
}

enum Inner {
    Sqlx(SqlxImport),
    Native(native::NativeImport),
}

/// What `commit` writes besides the cases.
pub(crate) struct Finish {
    pub courts: Vec<(CourtCode, Option<String>)>,
    pub file_name: String,
    pub imported_at: String,
    pub rows: u64,
    pub skipped: u64,
}

/// The sqlx import (PostgreSQL).
struct SqlxImport {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    batch_sql: Option<(usize, String)>,
    backend: Backend,
    /// Cases in the table when the import began.
    before: u64,
    /// Rows given to `upsert` so far.
    rows: u64,
    /// Rows inserted or changed so far (unchanged rows are not touched).
    affected: u64,
    /// Empty table in bulk mode: plain INSERT (no conflict target exists while indexes are off).
    plain_insert: bool,
    /// Columns the file lacks: updates keep their stored values.
    kept: Vec<&'static str>,
    /// Indexes dropped for this import, rebuilt before commit.
    dropped: Vec<&'static (&'static str, &'static str)>,
}

/// How an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WriteMode {
    Upsert,
    BulkEmpty,
    BulkUpsert,
}

/// Imports of at least this many rows may use the bulk strategies.
const BULK_MIN_ROWS: u64 = 10_000;

/// The indexes of `cases` (also created by the migrations; keep both lists equal).
/// Only what SQL lookups need: a case by 案号 (and the upsert's conflict target), and the cases
/// that follow a case. Lists, filters and indicators run on the in-memory snapshot, so no
/// (court, date) or (court, judge) index is kept: each index costs every import (the court
/// index alone was 1.1 s of a million-row load).
const CASE_INDEXES: [(&str, &str); 2] = [
    ("cases_case_number", "CREATE UNIQUE INDEX cases_case_number ON cases (case_number)"),
    ("cases_origin", "CREATE INDEX cases_origin ON cases (origin_case_number)"),
];

/// Rows per INSERT statement: 512 × 20 parameters stay below both backends' limits.
pub const BATCH_ROWS: usize = 512;

impl ImportTx {
    /// Inserts or updates (by 案号) a batch of cases. Rows equal to what is stored are left
    /// untouched.
    pub async fn upsert(&mut self, batch: &[CaseFacts]) -> Result<(), StoreError> {
        self.upsert_owned(batch.to_vec()).await
    }

    /// As [`ImportTx::upsert`], taking the batch (no copy on SQLite).
    pub async fn upsert_owned(&mut self, batch: Vec<CaseFacts>) -> Result<(), StoreError> {
        for f in &batch {
            if let Some(code) = f.case_number.court() {
                let entry = self.courts.entry(code).or_default();
                if entry.is_none() {
                    entry.clone_from(&f.court_name);
                }
                for implied in [code.city(), code.province_code()].into_iter().flatten() {
                    self.courts.entry(implied).or_default();
                }
            }
        }
        match &mut self.inner {
            Inner::Sqlx(import) => import.upsert(&batch).await,
            Inner::Native(import) => import.write(batch).await,
        }
    }

    /// What the import has done so far: new rows are the growth of the table (one count per
    /// import instead of a lookup per row), updated rows the rest of the rows affected.
    pub async fn counts(&mut self) -> Result<UpsertCounts, StoreError> {
        match &mut self.inner {
            Inner::Sqlx(import) => import.counts().await,
            Inner::Native(import) => import.counts().await,
        }
    }

    /// Rebuilds dropped indexes, records the courts and the import, and commits everything.
    pub async fn commit(
        self,
        file_name: &str,
        imported_at: &str,
        rows: u64,
        skipped: u64,
    ) -> Result<UpsertCounts, StoreError> {
        let finish = Finish {
            courts: self.courts.into_iter().collect(),
            file_name: file_name.to_owned(),
            imported_at: imported_at.to_owned(),
            rows,
            skipped,
        };
        match self.inner {
            Inner::Sqlx(import) => import.commit(finish).await,
            Inner::Native(import) => import.commit(finish).await,
        }
    }

    /// Abandons the import: the database is as it was before [`Store::begin_import`].
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.inner {
            Inner::Sqlx(import) => import.tx.rollback().await.map_err(StoreError::from),
            Inner::Native(import) => import.rollback().await,
        }
    }
}

/// The write strategy for an import of about `expected_rows` into a table of `before` cases.
pub(crate) fn write_mode(expected_rows: u64, before: u64) -> WriteMode {
    if expected_rows < BULK_MIN_ROWS {
        WriteMode::Upsert
    } else if before == 0 {
        WriteMode::BulkEmpty
    } else if expected_rows > before {
        WriteMode::BulkUpsert
    } else {
        WriteMode::Upsert
    }
}

/// The indexes a strategy drops (and rebuilds before commit).
pub(crate) fn indexes_to_drop(mode: WriteMode) -> Vec<&'static (&'static str, &'static str)> {
    match mode {
        WriteMode::Upsert => Vec::new(),
        WriteMode::BulkEmpty => CASE_INDEXES.iter().collect(),
        WriteMode::BulkUpsert => CASE_INDEXES.iter().filter(|(name, _)| *name != "cases_case_number").collect(),
    }
}

/// Counts from the table's growth: new rows = growth; updated = the other affected rows.
pub(crate) fn counts_from(before: u64, now: u64, rows: u64, affected: u64) -> UpsertCounts {
    let inserted = now.saturating_sub(before);
    let updated = affected.saturating_sub(inserted);
    UpsertCounts { inserted, updated, unchanged: rows.saturating_sub(inserted + updated) }
}

pub(crate) const UPSERT_COURT_SQL: &str = "INSERT INTO courts (code, name, level, city_code, province) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO UPDATE SET name = COALESCE(excluded.name, courts.name)";

pub(crate) const INSERT_IMPORT_SQL: &str =
    "INSERT INTO imports (file_name, imported_at, rows, inserted, updated, skipped) VALUES ($1, $2, $3, $4, $5, $6)";

pub(crate) fn level_key(code: CourtCode) -> &'static str {
    match code.level() {
        xiezhi_domain::CourtLevel::Supreme => "supreme",
        xiezhi_domain::CourtLevel::High => "high",
        xiezhi_domain::CourtLevel::Intermediate => "intermediate",
        xiezhi_domain::CourtLevel::Basic => "basic",
    }
}

impl SqlxImport {
    async fn begin(
        pool: &AnyPool,
        backend: Backend,
        expected_rows: u64,
        kept: Vec<&'static str>,
    ) -> Result<SqlxImport, StoreError> {
        let mut tx = pool.begin().await?;
        let before = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM cases").fetch_one(&mut *tx).await? as u64;
        let mode = write_mode(expected_rows, before);
        let dropped = indexes_to_drop(mode);
        for (name, _) in &dropped {
            sqlx::query(AssertSqlSafe(format!("DROP INDEX {name}"))).execute(&mut *tx).await?;
        }
        Ok(SqlxImport {
            tx,
            batch_sql: None,
            backend,
            before,
            rows: 0,
            affected: 0,
            plain_insert: mode == WriteMode::BulkEmpty,
            dropped,
            kept,
        })
    }

    async fn upsert(&mut self, batch: &[CaseFacts]) -> Result<(), StoreError> {
        for chunk in batch.chunks(BATCH_ROWS) {
            if chunk.is_empty() {
                continue;
            }
            let sql = match &self.batch_sql {
                Some((n, sql)) if *n == chunk.len() => sql.clone(),
                _ => {
                    let sql = rows::upsert_sql(self.backend, chunk.len(), self.plain_insert, &self.kept);
                    self.batch_sql = Some((chunk.len(), sql.clone()));
                    sql
                }
            };
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for f in chunk {
                query = rows::bind_facts(query, f);
            }
            self.affected += query.execute(&mut *self.tx).await?.rows_affected();
            self.rows += chunk.len() as u64;
        }
        Ok(())
    }

    async fn counts(&mut self) -> Result<UpsertCounts, StoreError> {
        let now = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM cases").fetch_one(&mut *self.tx).await? as u64;
        Ok(counts_from(self.before, now, self.rows, self.affected))
    }

    async fn commit(mut self, finish: Finish) -> Result<UpsertCounts, StoreError> {
        for (_, create) in std::mem::take(&mut self.dropped) {
            sqlx::query(AssertSqlSafe(*create)).execute(&mut *self.tx).await?;
        }
        let counts = self.counts().await?;
        for (code, name) in finish.courts {
            sqlx::query(UPSERT_COURT_SQL)
                .bind(code.to_string())
                .bind(name)
                .bind(level_key(code))
                .bind(code.city().map(|c| c.to_string()))
                .bind(code.province().map(|c| c.to_string()))
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query(INSERT_IMPORT_SQL)
            .bind(finish.file_name)
            .bind(finish.imported_at)
            .bind(finish.rows as i64)
            .bind(counts.inserted as i64)
            .bind(counts.updated as i64)
            .bind(finish.skipped as i64)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_index_list_matches_the_migrations() {
        for sql in
            [include_str!("../migrations/sqlite/0001_init.sql"), include_str!("../migrations/postgres/0001_init.sql")]
        {
            let created: Vec<&str> =
                sql.lines().filter(|l| l.starts_with("CREATE") && l.contains(" ON cases ")).collect();
            assert_eq!(created.len(), CASE_INDEXES.len(), "{created:?}");
            for (_, create) in CASE_INDEXES {
                assert!(created.contains(&format!("{create};").as_str()), "{create}");
            }
        }
    }

    #[test]
    fn sqlite_files() {
        use std::path::PathBuf;
        assert_eq!(sqlite_file("sqlite://xiezhi.db"), Some(PathBuf::from("xiezhi.db")));
        assert_eq!(sqlite_file("sqlite:///var/lib/x.db?mode=rwc"), Some(PathBuf::from("/var/lib/x.db")));
        assert_eq!(sqlite_file("sqlite:rel/x.db"), Some(PathBuf::from("rel/x.db")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
    }

    #[test]
    fn urls() {
        assert_eq!(connect_url("sqlite://x.db").unwrap(), ("sqlite://x.db?mode=rwc".to_owned(), Backend::Sqlite));
        assert_eq!(connect_url("postgres://u@h/db").unwrap().1, Backend::Postgres);
        assert!(connect_url("mysql://h/db").is_err());
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
    }
}

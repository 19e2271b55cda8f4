//! Xiezhi storage: one sqlx `Any` code path for SQLite (the embedded default) and PostgreSQL.
//!
//! Main types: [`Store`] (open by URL, migrations applied automatically), [`WriteTx`] (one use
//! case = one transaction, committed with its audit entry), [`ImportTx`] (one import = one
//! transaction: committed whole or not at all), [`Changes`] (what changed since a revision of
//! the change counter), [`StoreError`] (with typed constraint violations).
//!
//! Architecture invariants: only this crate contains SQL; dates are stored as ISO text and money
//! as integer ten-thousandths of a yuan on both backends; a failed or interrupted write leaves
//! the database exactly as it was; every committed write carries its audit entry in the same
//! transaction, chained to the previous entry's hash; every change of case data raises the
//! change counter in the same transaction.

pub mod accounts;
pub mod admin;
pub mod audit;
mod cases;
pub mod clock;
pub mod dossier;
mod error;
pub mod events;
mod import;
pub mod judges;
pub mod judgments;
pub mod laws_db;
mod native;
pub mod registration;
mod rows;
mod write;

use std::borrow::Cow;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, SqlSafeStr};

pub use audit::{AuditAnchor, AuditArchived, AuditBreak, AuditEntry, AuditRecord, AuditVerification};
pub use cases::{CaseRecord, CourtSummary, RecordSource};
pub use error::{ConstraintKind, StoreError};
pub use import::{AuditFor, BATCH_ROWS, ImportTx, UpsertCounts};
pub use write::{Changes, WriteTx};

/// The file name under which `xiezhi demo` records its import.
pub const DEMO_IMPORT_NAME: &str = "(demo)";

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database, opened and migrated.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The database file, for SQLite: imports write through their own connection (`native`).
    sqlite_path: Option<std::path::PathBuf>,
    /// This database's identity (random, made at creation): a snapshot persisted beside it is
    /// only used for the database it was made from.
    database_id: String,
}

/// The migrations of a backend, in order.
fn migrator(backend: Backend) -> Migrator {
    let files: [(i64, &'static str, &'static str); 9] = match backend {
        Backend::Sqlite => [
            (1, "init", include_str!("../migrations/sqlite/0001_init.sql")),
            (2, "sessions", include_str!("../migrations/sqlite/0002_sessions.sql")),
            (3, "record", include_str!("../migrations/sqlite/0003_record.sql")),
            (4, "registration", include_str!("../migrations/sqlite/0004_registration.sql")),
            (5, "clock", include_str!("../migrations/sqlite/0005_clock.sql")),
            (6, "audit_archive", include_str!("../migrations/sqlite/0006_audit_archive.sql")),
            (7, "dossier", include_str!("../migrations/sqlite/0007_dossier.sql")),
            (8, "judgments", include_str!("../migrations/sqlite/0008_judgments.sql")),
            (9, "dossier_pages", include_str!("../migrations/sqlite/0009_dossier_pages.sql")),
        ],
        Backend::Postgres => [
            (1, "init", include_str!("../migrations/postgres/0001_init.sql")),
            (2, "sessions", include_str!("../migrations/postgres/0002_sessions.sql")),
            (3, "record", include_str!("../migrations/postgres/0003_record.sql")),
            (4, "registration", include_str!("../migrations/postgres/0004_registration.sql")),
            (5, "clock", include_str!("../migrations/postgres/0005_clock.sql")),
            (6, "audit_archive", include_str!("../migrations/postgres/0006_audit_archive.sql")),
            (7, "dossier", include_str!("../migrations/postgres/0007_dossier.sql")),
            (8, "judgments", include_str!("../migrations/postgres/0008_judgments.sql")),
            (9, "dossier_pages", include_str!("../migrations/postgres/0009_dossier_pages.sql")),
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

/// How long an SQLite connection waits for another writer before failing with "busy".
pub const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

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
            .acquire_timeout(std::time::Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers go on during an import; NORMAL is durable at each
                        // commit in WAL mode; the busy timeout covers a concurrent writer. The
                        // pool reads whole tables once (snapshots) or single rows: a 2 MB page
                        // cache per connection is enough (imports write through their own
                        // connection with a larger one).
                        let pragmas = format!(
                            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}; \
                             PRAGMA foreign_keys=ON; PRAGMA cache_size=-2048; PRAGMA threads=2;"
                        );
                        sqlx::raw_sql(sqlx::AssertSqlSafe(pragmas)).execute(conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await;
        let pool = match pool {
            Ok(pool) => pool,
            Err(source) => {
                // A fresh PostgreSQL server without the named database: create it when the user
                // may, else say in one line how to.
                if backend == Backend::Postgres && admin::is_missing_database(&source) {
                    admin::create_missing_database(url).await?;
                    return Box::pin(Store::open(url)).await;
                }
                return Err(StoreError::Connect { url: redact(url), source });
            }
        };
        migrator(backend).run(&pool).await?;
        let sqlite_path = match backend {
            Backend::Sqlite => Some(sqlite_file(url).ok_or_else(|| StoreError::UnsupportedUrl(url.to_owned()))?),
            Backend::Postgres => None,
        };
        let mut store = Store { pool, backend, sqlite_path, database_id: String::new() };
        store.database_id = store.ensure_database_id().await?;
        store.seal_audit_log().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// This database's identity (random hex, made once at creation).
    pub fn database_id(&self) -> &str {
        &self.database_id
    }

    /// The SQLite file, when the store is one.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        self.sqlite_path.as_deref()
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Reads `database_id` from `meta`, making it on first open.
    async fn ensure_database_id(&self) -> Result<String, StoreError> {
        let read = || sqlx::query_scalar::<_, String>("SELECT value FROM meta WHERE key = 'database_id'");
        if let Some(id) = read().fetch_optional(&self.pool).await? {
            return Ok(id);
        }
        let mut id = [0u8; 16];
        getrandom::fill(&mut id)
            .map_err(|e| StoreError::Invalid(format!("the operating system's random source: {e}")))?;
        let id: String = id.iter().map(|b| format!("{b:02x}")).collect();
        // Two processes opening a new database at once: the first insert wins, both read it back.
        let mut tx = self.begin_locked().await?;
        sqlx::query("INSERT INTO meta (key, value) VALUES ('database_id', $1) ON CONFLICT (key) DO NOTHING")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(read().fetch_one(&self.pool).await?)
    }
}

/// The file of an SQLite URL: `sqlite://rel.db`, `sqlite:///abs.db`, `sqlite:rel.db`, with or
/// without a query. In-memory databases have no file (and are not supported).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(':')).then(|| std::path::PathBuf::from(path))
}

/// Hides a password in a database URL before it goes into a message.
pub fn redact(url: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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

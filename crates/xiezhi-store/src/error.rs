//! The store's one error type, with database refusals classified (never matched on text by callers).

/// What kind of constraint the database enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    Unique,
    ForeignKey,
    NotNull,
    Check,
    Other,
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
    /// The PostgreSQL database named in the URL does not exist and could not be created.
    #[error(
        "数据库 {name} 不存在 / the database {name} does not exist on the server and could not be created ({reason}); create it with `createdb {name}` or ask the administrator"
    )]
    MissingDatabase { name: String, reason: String },
    /// Applying the schema migrations failed.
    #[error("applying migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A row in the database does not decode (the database was edited by hand).
    #[error("row {case_number:?} in the database is invalid: {reason}")]
    Corrupt { case_number: String, reason: String },
    /// The database refused a write that breaks one of its constraints.
    #[error("constraint violated ({kind:?}{}): {message}", .constraint.as_deref().map(|c| format!(" {c}")).unwrap_or_default())]
    Constraint { kind: ConstraintKind, constraint: Option<String>, message: String },
    /// Another writer held the database longer than the busy timeout (SQLite), or a lock wait
    /// timed out (PostgreSQL).
    #[error("the database is busy: {0}")]
    Busy(String),
    /// A caller's request the store cannot carry out (an unknown column to keep, a missing row).
    #[error("{0}")]
    Invalid(String),
    /// Any other database error.
    #[error("{0}")]
    Database(sqlx::Error),
    /// An error of the SQLite import writer.
    #[error("sqlite: {0}")]
    Native(String),
}

impl StoreError {
    /// Whether the failure is a busy database (worth waiting and retrying; never a user's fault).
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Busy(_))
    }

    /// The constraint kind, when the database refused a write for one.
    pub fn constraint(&self) -> Option<ConstraintKind> {
        match self {
            StoreError::Constraint { kind, .. } => Some(*kind),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        if let Some(db) = e.as_database_error() {
            let kind = match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => Some(ConstraintKind::Unique),
                sqlx::error::ErrorKind::ForeignKeyViolation => Some(ConstraintKind::ForeignKey),
                sqlx::error::ErrorKind::NotNullViolation => Some(ConstraintKind::NotNull),
                sqlx::error::ErrorKind::CheckViolation => Some(ConstraintKind::Check),
                sqlx::error::ErrorKind::ExclusionViolation => Some(ConstraintKind::Other),
                _ => None,
            };
            if let Some(kind) = kind {
                return StoreError::Constraint {
                    kind,
                    constraint: db.constraint().map(str::to_owned),
                    message: db.message().to_owned(),
                };
            }
            // SQLite: SQLITE_BUSY (5) and its extended codes; PostgreSQL: lock_not_available (55P03).
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            let sqlite_busy = code.parse::<i32>().is_ok_and(|c| c & 0xff == 5 || c & 0xff == 6);
            if sqlite_busy || code == "55P03" {
                return StoreError::Busy(db.message().to_owned());
            }
        }
        if let sqlx::Error::PoolTimedOut = e {
            return StoreError::Busy("no database connection became free in time".to_owned());
        }
        StoreError::Database(e)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        if let rusqlite::Error::SqliteFailure(code, message) = &e {
            let text = message.clone().unwrap_or_else(|| code.to_string());
            match code.code {
                rusqlite::ErrorCode::ConstraintViolation => {
                    // SQLite's extended result codes (sqlite3.h).
                    let kind = match code.extended_code {
                        275 => ConstraintKind::Check,
                        787 => ConstraintKind::ForeignKey,
                        1299 => ConstraintKind::NotNull,
                        1555 | 2067 => ConstraintKind::Unique,
                        _ => ConstraintKind::Other,
                    };
                    return StoreError::Constraint { kind, constraint: None, message: text };
                }
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                    return StoreError::Busy(text);
                }
                _ => {}
            }
        }
        StoreError::Native(e.to_string())
    }
}

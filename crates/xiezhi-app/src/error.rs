//! The application's error: what a use case refuses or fails with. The web maps it to HTTP
//! statuses and Chinese pages; the CLI prints it.

use xiezhi_store::StoreError;

/// Why a use case did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No session.
    #[error("not signed in")]
    Unauthenticated,
    /// A session that has ended (idle timeout, logout elsewhere, disabled account).
    #[error("session expired")]
    SessionExpired,
    /// Outside the user's role or scope.
    #[error("forbidden")]
    Forbidden,
    /// Nothing there (or nothing there for this user: a case outside the scope looks the same).
    #[error("not found")]
    NotFound,
    /// Bad input; the message (Chinese first) is for the user.
    #[error("{0}")]
    BadRequest(String),
    /// Too many failed logins.
    #[error("too many failed logins")]
    Throttled,
    /// Wrong username or password.
    #[error("wrong username or password")]
    BadCredentials,
    /// Another writer (an import from the command line, say) holds the database; the request
    /// may be tried again shortly.
    #[error("系统正在导入，请稍候 / the database is busy with another write; try again shortly")]
    Busy,
    /// The database failed.
    #[error("database: {0}")]
    Store(StoreError),
    /// Anything else (logged, never shown).
    #[error("internal: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        if e.is_busy() { AppError::Busy } else { AppError::Store(e) }
    }
}

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
    /// A field refused: its value cannot be read (400) or is read and not acceptable (422).
    #[error("{}", .0.message)]
    Refused(Refusal),
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

/// Whether a refused value could not be read, or was read and is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// 400: not a date, not an amount, not a code, a required field missing.
    Unreadable,
    /// 422: read, but refused by a rule (an unknown court, a date after today, an empty pool).
    Unacceptable,
}

/// One refused field: which, its value as given, and why (Chinese, then English).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    pub field: String,
    pub value: String,
    /// Why, without the field and value (for pages that name the field in Chinese).
    pub reason: String,
    pub message: String,
}

impl Refusal {
    /// A value that cannot be read (400). The message names the field and the value.
    pub fn unreadable(field: &str, value: &str, why: &str) -> Refusal {
        Refusal::new(RefusalKind::Unreadable, field, value, why)
    }

    /// A value refused by a rule (422). The message names the field and the value.
    pub fn unacceptable(field: &str, value: &str, why: &str) -> Refusal {
        Refusal::new(RefusalKind::Unacceptable, field, value, why)
    }

    fn new(kind: RefusalKind, field: &str, value: &str, why: &str) -> Refusal {
        let shown: String = value.chars().take(80).collect();
        let message =
            if value.is_empty() { format!("{field}：{why}") } else { format!("{field}“{shown}”：{why}") };
        Refusal { kind, field: field.to_owned(), value: shown, reason: why.to_owned(), message }
    }
}

impl Refusal {
    /// The message with the field named by `label` instead of its key (`标的额“-5”：…`).
    pub fn message_with(&self, label: &str) -> String {
        if self.value.is_empty() {
            format!("{label}：{}", self.reason)
        } else {
            format!("{label}“{}”：{}", self.value, self.reason)
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> AppError {
        AppError::Refused(r)
    }
}

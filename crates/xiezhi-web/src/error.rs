//! 错误页 the one error type of the handlers: a plain Chinese page for pages, a JSON object for
//! the API. Neither says more than the status: a case outside the scope and a missing case
//! look the same, and internal errors are logged, never shown.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

/// Why a request was not answered.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No session cookie.
    #[error("not signed in")]
    Unauthenticated,
    /// A session cookie whose session has ended (idle timeout, logout elsewhere, disabled).
    #[error("session expired")]
    SessionExpired,
    /// A page asked for without a live session: to the login page, which returns to `next`
    /// (the page's path and query) afterwards.
    #[error("sign in needed")]
    SignIn { expired: bool, next: Option<String> },
    /// Outside the user's role or scope.
    #[error("forbidden")]
    Forbidden,
    /// Missing CSRF token, or a wrong one.
    #[error("CSRF token missing or wrong")]
    Csrf,
    /// Nothing there (or nothing there for this user).
    #[error("not found")]
    NotFound,
    /// Bad input; the message is Chinese and shown to the user.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A field refused (400 unreadable, 422 not acceptable), with its field and value.
    #[error("refused: {}", .0.message)]
    Refused(xiezhi_app::Refusal),
    /// An upload over the limit.
    #[error("upload too large")]
    TooLarge { limit: usize },
    /// Too many failed logins.
    #[error("too many failed logins")]
    Throttled,
    /// Wrong username or password.
    #[error("wrong username or password")]
    BadCredentials,
    /// Another writer holds the database (a long import from the command line): try again.
    #[error("database busy")]
    Busy,
    /// Anything else; logged, shown as a generic message.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<xiezhi_store::StoreError> for WebError {
    fn from(e: xiezhi_store::StoreError) -> WebError {
        if e.is_busy() { WebError::Busy } else { WebError::Internal(e.to_string()) }
    }
}

impl From<xiezhi_app::AppError> for WebError {
    fn from(e: xiezhi_app::AppError) -> WebError {
        use xiezhi_app::AppError as A;
        match e {
            A::Unauthenticated => WebError::Unauthenticated,
            A::SessionExpired => WebError::SessionExpired,
            A::Forbidden => WebError::Forbidden,
            A::NotFound => WebError::NotFound,
            A::BadRequest(m) => WebError::BadRequest(m),
            A::Refused(r) => WebError::Refused(r),
            A::Throttled => WebError::Throttled,
            A::BadCredentials => WebError::BadCredentials,
            A::Busy => WebError::Busy,
            A::Store(e) => WebError::Internal(e.to_string()),
            A::Internal(m) => WebError::Internal(m),
        }
    }
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated
            | WebError::SessionExpired
            | WebError::SignIn { .. }
            | WebError::BadCredentials => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Refused(r) => match r.kind {
                xiezhi_app::RefusalKind::Unreadable => StatusCode::BAD_REQUEST,
                xiezhi_app::RefusalKind::Unacceptable => StatusCode::UNPROCESSABLE_ENTITY,
            },
            WebError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Throttled => StatusCode::TOO_MANY_REQUESTS,
            WebError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The Chinese message shown to the user.
    pub fn message(&self) -> String {
        match self {
            WebError::Unauthenticated => "未登录，请先登录。".to_owned(),
            WebError::SessionExpired => "会话已过期，请重新登录。".to_owned(),
            WebError::SignIn { expired: true, .. } => "会话已过期，请重新登录。".to_owned(),
            WebError::SignIn { expired: false, .. } => "未登录，请先登录。".to_owned(),
            WebError::Forbidden => "无权访问。".to_owned(),
            WebError::Csrf => "页面已过期或请求来源无效，请刷新页面后重试。".to_owned(),
            WebError::NotFound => "未找到。".to_owned(),
            WebError::BadRequest(m) => m.clone(),
            WebError::Refused(r) => r.message.clone(),
            WebError::TooLarge { limit } => format!("上传文件过大：上限为 {}。", size_text(*limit)),
            WebError::Throttled => "登录失败次数过多，请稍后再试。".to_owned(),
            WebError::BadCredentials => "用户名或密码错误。".to_owned(),
            WebError::Busy => "系统正在导入，请稍候再试。".to_owned(),
            WebError::Internal(_) => "服务器内部错误，请稍后再试或联系系统管理员。".to_owned(),
        }
    }

    fn log(&self) {
        if let WebError::Internal(detail) = self {
            tracing::error!("internal error: {detail}");
        }
    }
}

/// A size limit for people: `64 MB`, `256 KB`.
pub(crate) fn size_text(bytes: usize) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MB", bytes / (1024 * 1024))
    } else if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Escapes text for HTML.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The plain error page: status, message, a link home. Nothing else.
pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{code} 獬豸</title>\
         <link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body class=\"plain\"><main class=\"error-box\">\
         <h1>{code}</h1><p>{message}</p><p><a href=\"/\">返回首页</a></p></main></body></html>",
        code = status.as_u16(),
        message = escape_html(message)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], html)
        .into_response()
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.log();
        match self {
            WebError::Unauthenticated => Redirect::to("/login").into_response(),
            WebError::SignIn { expired, next } => {
                let mut query = Vec::new();
                if expired {
                    query.push("expired=1".to_owned());
                }
                if let Some(next) = next.filter(|n| crate::auth::safe_next(n) && n != "/") {
                    query.push(format!("next={}", crate::shared::enc(&next)));
                }
                let target = if query.is_empty() { "/login".to_owned() } else { format!("/login?{}", query.join("&")) };
                Redirect::to(&target).into_response()
            }
            // The login page then says why (a form posted meanwhile is not kept).
            WebError::SessionExpired => Redirect::to("/login?expired=1").into_response(),
            other => error_page(other.status(), &other.message()),
        }
    }
}

/// The API's error: `{"error": code, "message": 中文}` with the status.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> ApiError {
        ApiError(e)
    }
}

impl From<xiezhi_store::StoreError> for ApiError {
    fn from(e: xiezhi_store::StoreError) -> ApiError {
        ApiError(e.into())
    }
}

impl From<xiezhi_app::AppError> for ApiError {
    fn from(e: xiezhi_app::AppError) -> ApiError {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log();
        let code = match &self.0 {
            WebError::Unauthenticated | WebError::SessionExpired | WebError::SignIn { .. } => "unauthenticated",
            WebError::Forbidden => "forbidden",
            WebError::Csrf => "csrf",
            WebError::NotFound => "not_found",
            WebError::BadRequest(_) => "bad_request",
            WebError::Refused(r) => match r.kind {
                xiezhi_app::RefusalKind::Unreadable => "invalid_field",
                xiezhi_app::RefusalKind::Unacceptable => "unprocessable",
            },
            WebError::TooLarge { .. } => "too_large",
            WebError::Throttled => "throttled",
            WebError::BadCredentials => "bad_credentials",
            WebError::Busy => "busy",
            WebError::Internal(_) => "internal",
        };
        let body = match &self.0 {
            WebError::Refused(r) => {
                serde_json::json!({"error": code, "message": r.message, "field": r.field, "value": r.value, "reason": r.reason})
            }
            other => serde_json::json!({"error": code, "message": other.message()}),
        };
        (self.0.status(), Json(body)).into_response()
    }
}

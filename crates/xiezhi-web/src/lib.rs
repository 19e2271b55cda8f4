//! 獬豸 Xiezhi web platform: login, court-scoped dashboards, the indicator catalogue with
//! drill-down to the cases behind every number, case list and detail, imports, reports, user
//! administration, and the JSON API under `/api/v1` — server-rendered pages from compiled-in
//! templates, our own CSS and JavaScript, charts as server-side SVG; no external request of any
//! kind.
//!
//! # Main types
//! - [`router`] / [`serve`]: the axum application over an [`AppState`] (a [`Store`], a
//!   [`Clock`] and the [`WebConfig`]).
//! - [`access::Access`]: who may see what (roles 系统管理员 / 院领导·审管办 / 法官 / 书记员 and
//!   their court scope), checked on the server for every page and API call.
//! - [`auth`]: argon2 passwords, sessions in the database, CSRF tokens, login throttling.
//! - [`data::Dataset`]: the cases held in memory (the engine's [`xiezhi_metrics::Snapshot`]
//!   plus a compact row per case), reloaded after every import.
//! - [`ingest`]: the import rules shared with `xiezhi import`.
//!
//! # Invariants
//! - The only crate that knows HTTP; it reads no environment and no clock (the [`Clock`] is a
//!   parameter) and issues no SQL (accounts, sessions and audit entries go through the store).
//! - Every handler decides visibility through [`access::Access`]; a case outside the scope and
//!   a missing case give the same 404.
//! - Served pages and assets reference no `http://` or `https://` host (tested).

pub mod access;
pub mod api;
pub mod auth;
pub mod data;
mod error;
pub mod ingest;
mod pages;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use xiezhi_domain::Date;
use xiezhi_metrics::Catalogue;
use xiezhi_store::Store;

pub use error::WebError;
pub use pages::check_password;

/// 时钟 the wall clock as the binary reads it (China Standard Time); tests pass a fixed one.
pub trait Clock: Send + Sync + 'static {
    /// Seconds since the Unix epoch.
    fn unix_seconds(&self) -> i64;
    /// Today's date (China Standard Time).
    fn today(&self) -> Date;
    /// `YYYY-MM-DD HH:MM:SS` (China Standard Time), for audit entries and import records.
    fn timestamp(&self) -> String;
}

/// Settings of the web platform.
#[derive(Clone)]
pub struct WebConfig {
    /// The indicator catalogue (names, scopes, reference intervals).
    pub catalogue: Catalogue,
    /// 会话空闲超时 idle timeout of a session, seconds.
    pub idle_timeout: i64,
    /// Absolute lifetime of a session, seconds.
    pub max_session_age: i64,
    /// Failed logins of one username within [`WebConfig::throttle_window`] before 429.
    pub max_failed_logins: u32,
    /// Seconds a failure counts, and how long a throttled username waits.
    pub throttle_window: i64,
    /// 上传大小上限 the largest accepted upload, bytes.
    pub max_upload_bytes: usize,
    /// Argon2 cost (memory KiB, iterations); tests lower it.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Whether cookies carry `Secure` (set when the court serves HTTPS).
    pub secure_cookies: bool,
    /// Where uploads are kept between validation and confirmation (deleted afterwards).
    pub upload_dir: std::path::PathBuf,
    /// 合成演示数据 banner shown on every page when the data are the synthetic demo.
    pub demo_banner: bool,
    /// A directory of the court's licensed fonts, searched before the system's for DOCX charts.
    pub fonts_dir: Option<std::path::PathBuf>,
    /// How often requests ask the store whether another process imported data.
    pub data_check_interval: std::time::Duration,
}

impl Default for WebConfig {
    fn default() -> WebConfig {
        WebConfig {
            catalogue: Catalogue::default(),
            idle_timeout: 30 * 60,
            max_session_age: 12 * 3600,
            max_failed_logins: 5,
            throttle_window: 15 * 60,
            max_upload_bytes: 64 * 1024 * 1024,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            secure_cookies: false,
            demo_banner: false,
            fonts_dir: None,
            data_check_interval: data::VERSION_CHECK,
            upload_dir: std::env::temp_dir(),
        }
    }
}

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<WebConfig>,
    pub(crate) data: Arc<data::DataCache>,
    pub(crate) throttle: Arc<auth::Throttle>,
    pub(crate) uploads: Arc<pages::Uploads>,
    pub(crate) templates: Arc<views::Templates>,
}

impl AppState {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: WebConfig) -> AppState {
        AppState {
            store,
            clock,
            data: Arc::new(data::DataCache::new(config.data_check_interval)),
            config: Arc::new(config),
            throttle: Arc::new(auth::Throttle::default()),
            uploads: Arc::new(pages::Uploads::default()),
            templates: Arc::new(views::Templates::new()),
        }
    }
}

/// The whole application: pages, assets, the JSON API and its OpenAPI document.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_upload_bytes + 64 * 1024;
    Router::new()
        .route("/", get(pages::dashboard))
        .route(
            "/login",
            get(pages::login_form).post(pages::login_submit).layer(DefaultBodyLimit::max(auth::FORM_BODY_LIMIT)),
        )
        .route("/logout", post(pages::logout))
        .route("/metrics", get(pages::metrics_page))
        .route("/metrics/explain", get(pages::explain_page))
        .route("/cases", get(pages::cases_page))
        .route("/cases/{number}", get(pages::case_page))
        .route("/import", get(pages::import_page).post(pages::import_upload))
        .route("/import/confirm", post(pages::import_confirm))
        .route("/reports", get(pages::reports_page))
        .route("/reports/bulletin", get(pages::bulletin_download))
        .route("/reports/fill", post(pages::fill_upload))
        .route("/reports/fill/{token}", get(pages::filled_download))
        .route(
            "/users",
            get(pages::users_page).post(pages::user_add).layer(DefaultBodyLimit::max(auth::FORM_BODY_LIMIT)),
        )
        .route("/users/{username}/disable", post(pages::user_disable))
        .route("/users/{username}/enable", post(pages::user_enable))
        .route(
            "/users/{username}/password",
            post(pages::user_password).layer(DefaultBodyLimit::max(auth::FORM_BODY_LIMIT)),
        )
        .route("/assets/app.css", get(views::css))
        .route("/assets/app.js", get(views::js))
        .route("/favicon.ico", get(views::favicon))
        .route("/api/v1/login", post(api::login).layer(DefaultBodyLimit::max(auth::FORM_BODY_LIMIT)))
        .route("/api/v1/logout", post(api::logout))
        .route("/api/v1/session", get(api::session))
        .route("/api/v1/metrics", get(api::metrics))
        .route("/api/v1/cases", get(api::cases))
        .route("/api/v1/cases/{number}", get(api::case))
        .route("/api/v1/imports", post(api::import))
        .route("/api/openapi.json", get(api::openapi))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), chinese_rejections))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// The framework's own refusals (a body over the limit, a form that is not a form, a URL that
/// is not UTF-8) come as English plain text; users get them as our Chinese page or JSON error,
/// with the same status.
async fn chinese_rejections(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{StatusCode, header};
    use axum::response::IntoResponse;
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("text/plain"));
    if !status.is_client_error() || !plain {
        return response;
    }
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => {
            let form = path == "/login" || path == "/api/v1/login" || path.starts_with("/users");
            WebError::TooLarge { limit: if form { auth::FORM_BODY_LIMIT } else { state.config.max_upload_bytes } }
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            WebError::BadRequest("请求格式错误：该处应以网页表单提交（application/x-www-form-urlencoded）。".to_owned())
        }
        _ => WebError::BadRequest("请求格式错误（表单、上传或网址无法解析），请返回重试。".to_owned()),
    };
    let mut out =
        if path.starts_with("/api/") { error::ApiError(error).into_response() } else { error.into_response() };
    *out.status_mut() = status;
    out
}

/// Headers on every response: case data is never cached (a shared office PC shows nothing
/// after logout, not even through Back) unless the handler chose a cache policy (the embedded
/// assets do); no MIME sniffing; no framing by other pages; no referrer to other sites.
async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let headers = response.headers_mut();
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    ));
    response
}

/// A failure to start serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("listening on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("serving: {0}")]
    Serve(std::io::Error),
}

/// Serves the application on `addr` until the process is stopped (Ctrl-C ends it gracefully).
pub async fn serve(state: AppState, addr: SocketAddr) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })?;
    pages::remove_stale_uploads(&state.config.upload_dir);
    // Load the cases before the first request, so the first page is as fast as the others.
    if let Err(e) = state.data.get(&state.store, &state.config.catalogue).await {
        tracing::warn!("loading cases at start: {e}");
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(ServeError::Serve)
}

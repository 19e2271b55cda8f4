//! 獬豸 Xiezhi web platform: routing, extraction, templates and HTTP errors over the application
//! layer ([`xiezhi_app::App`]). Pages are server-rendered from compiled-in templates with our own
//! CSS and JavaScript, charts are server-side SVG; no external request of any kind.
//!
//! # Layout
//! - [`router`] / [`serve`]: the axum application over an [`AppState`] (the [`App`] and the
//!   HTTP settings [`WebConfig`]).
//! - `routes::*`: one module per page family — login, dashboard, metrics, cases, import,
//!   reports, users, registration (立案), roster (名册), assignments (分案记录), my_cases
//!   (我的案件) — each with its pages and its `/api/v1` calls; `shared` holds the queries both
//!   use (periods, groups, case filters, visibility).
//! - `models`: the typed view models the templates render.
//! - `auth`: session cookies, the `PageUser`/`ApiUser` extractors, CSRF.
//!
//! # Invariants
//! - The only crate that knows HTTP; it reads no clock and no environment (time comes from the
//!   app's [`xiezhi_app::Clock`], paths from [`WebConfig`]) and issues no SQL.
//! - Every handler decides visibility through [`xiezhi_app::Access`]; a case outside the scope
//!   and a missing case give the same 404.
//! - Served pages and assets reference no `http://` or `https://` host (tested).

mod auth;
pub use auth::client_address;
pub use shared::enc as enc_query;
mod error;
mod models;
mod routes;
mod shared;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use xiezhi_app::App;

pub use auth::{CSRF_HEADER, FORM_BODY_LIMIT, SESSION_COOKIE};

/// The request body limit of registrations (up to 200 parties).
pub const REGISTRATION_BODY_LIMIT: usize = 256 * 1024;
pub use error::WebError;

/// HTTP settings of the web platform.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// 上传大小上限 the largest accepted upload, bytes.
    pub max_upload_bytes: usize,
    /// Whether cookies carry `Secure` (set when the court serves HTTPS).
    pub secure_cookies: bool,
    /// Where uploads are kept between validation and confirmation (deleted afterwards).
    pub upload_dir: std::path::PathBuf,
    /// 合成演示数据 banner shown on every page when the data are the synthetic demo.
    pub demo_banner: bool,
    /// Reverse proxies whose `X-Forwarded-For` is believed (login throttling per client).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl WebConfig {
    /// The defaults, with uploads kept in `upload_dir`.
    pub fn new(upload_dir: std::path::PathBuf) -> WebConfig {
        WebConfig {
            max_upload_bytes: 64 * 1024 * 1024,
            secure_cookies: false,
            upload_dir,
            demo_banner: false,
            trusted_proxies: Vec::new(),
        }
    }
}

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    pub(crate) uploads: Arc<routes::import::Uploads>,
    pub(crate) templates: Arc<views::Templates>,
}

impl AppState {
    pub fn new(app: App, config: WebConfig) -> AppState {
        AppState {
            app,
            config: Arc::new(config),
            uploads: Arc::new(routes::import::Uploads::default()),
            templates: Arc::new(views::Templates::new()),
        }
    }
}

/// The whole application: pages, assets, the JSON API and its OpenAPI document.
pub fn router(state: AppState) -> Router {
    use routes::{
        assignments, cases, casework, dashboard, dossier, import, laws, login, metrics, my_cases, openapi,
        registration, reports, research, roster, tables, users,
    };
    let registration_body = || DefaultBodyLimit::max(REGISTRATION_BODY_LIMIT);
    let limit = state.config.max_upload_bytes + 64 * 1024;
    let form = || DefaultBodyLimit::max(FORM_BODY_LIMIT);
    Router::new()
        .route("/", get(dashboard::page))
        .route("/login", get(login::form).post(login::submit).layer(form()))
        .route("/logout", post(login::logout))
        .route("/metrics", get(metrics::page))
        .route("/metrics/explain", get(metrics::explain_page))
        .route("/cases", get(cases::list_page))
        .route("/cases/{number}", get(cases::case_page))
        .route("/cases/{number}/reassign", post(assignments::reassign_form).layer(form()))
        .route("/cases/{number}/events", post(casework::event_form).layer(form()))
        .route("/cases/{number}/close", post(casework::close_form).layer(form()))
        .route("/cases/{number}/extension", post(casework::request_form).layer(form()))
        .route("/extensions", get(casework::extensions_page))
        .route("/extensions/{id}", post(casework::decide_form).layer(form()))
        .route("/deadlines", get(casework::deadlines_page))
        .route("/notifications", get(casework::notifications_page))
        .route("/notifications/read", post(casework::read_form).layer(form()))
        .route("/rechecks", get(casework::rechecks_page))
        .route("/register", get(registration::page).post(registration::submit).layer(registration_body()))
        .route("/register/preview", post(registration::preview_form).layer(registration_body()))
        .route("/register/{number}", get(registration::result_page))
        .route("/register/{number}/notice", get(registration::notice))
        .route("/judges", get(roster::page).post(roster::save).layer(form()))
        .route("/judges/{judge_id}/active", post(roster::set_active).layer(form()))
        .route("/judges/conflicts", post(roster::add_conflict).layer(form()))
        .route("/assignments", get(assignments::page))
        .route("/my", get(my_cases::page))
        .route("/import", get(import::page).post(import::upload))
        .route("/import/confirm", post(import::confirm))
        .route("/import/problems/{token}", get(import::problems_download))
        .route("/reports", get(reports::page))
        .route("/reports/bulletin", get(reports::bulletin_download))
        .route("/reports/fill", post(reports::fill_upload))
        .route("/reports/fill/{token}", get(reports::filled_download))
        .route("/laws", get(laws::page))
        .route("/laws/analyse", post(research::analyse).layer(DefaultBodyLimit::max(research::FORM_LIMIT)))
        .route("/laws/report", post(research::facts_report).layer(DefaultBodyLimit::max(research::FORM_LIMIT)))
        .route("/cases/{number}/research-report", get(research::case_report))
        .route(
            "/cases/{number}/dossier",
            post(dossier::upload).layer(DefaultBodyLimit::max(dossier::UPLOAD_LIMIT + (1 << 20))),
        )
        .route("/cases/{number}/dossier/export", get(dossier::export))
        .route("/cases/{number}/dossier/{seq}", get(dossier::document))
        .route("/cases/{number}/dossier/{seq}/file", get(dossier::file))
        .route("/cases/{number}/dossier/{seq}/page/{page}", get(dossier::page_image))
        .route("/cases/{number}/dossier/{seq}/{action}", post(dossier::change).layer(form()))
        .route("/judgments", get(research::document_page))
        .route("/export/table", post(tables::export).layer(DefaultBodyLimit::max(tables::TABLE_BODY_LIMIT)))
        .route("/users", get(users::page).post(users::add).layer(form()))
        .route("/users/{username}/disable", post(users::disable))
        .route("/users/{username}/enable", post(users::enable))
        .route("/users/{username}/password", post(users::password).layer(form()))
        .route("/users/{username}/email", post(users::email).layer(form()))
        .route("/assets/app.css", get(views::css))
        .route("/assets/app.js", get(views::js))
        .route("/favicon.ico", get(views::favicon))
        .route("/api/v1/login", post(login::api_login).layer(form()))
        .route("/api/v1/logout", post(login::api_logout))
        .route("/api/v1/session", get(login::api_session))
        .route("/api/v1/metrics", get(metrics::api_metrics))
        .route("/api/v1/cases", get(cases::api_list).post(registration::api_register).layer(registration_body()))
        .route("/api/v1/cases/preview", post(registration::api_preview).layer(registration_body()))
        .route("/api/v1/cases/{number}", get(cases::api_case))
        .route("/api/v1/cases/{number}/reassign", post(assignments::api_reassign).layer(form()))
        .route("/api/v1/cases/{number}/events", post(casework::api_event).layer(form()))
        .route("/api/v1/cases/{number}/close", post(casework::api_close).layer(form()))
        .route("/api/v1/cases/{number}/extension-requests", post(casework::api_request).layer(form()))
        .route("/api/v1/extension-requests/{id}/decision", post(casework::api_decide).layer(form()))
        .route("/api/v1/deadlines", get(casework::api_deadlines))
        .route("/api/v1/notifications", get(casework::api_notifications))
        .route("/api/v1/judges", get(roster::api_list))
        .route("/api/v1/assignments/stats", get(assignments::api_stats))
        .route("/api/v1/assignments/stats/monthly", get(assignments::api_stats_monthly))
        .route("/api/v1/imports", post(import::api_import))
        .route(
            "/api/v1/cases/{number}/documents",
            get(dossier::api_list)
                .post(dossier::api_upload)
                .layer(DefaultBodyLimit::max(dossier::UPLOAD_LIMIT + (1 << 20))),
        )
        .route("/api/v1/cases/{number}/documents/{seq}", get(dossier::api_file))
        .route("/api/v1/cases/{number}/documents/{seq}/text", get(dossier::api_text))
        .route("/api/v1/laws/show", get(research::api_show))
        .route("/api/v1/laws/search", get(research::api_search))
        .route(
            "/api/v1/laws/recommend",
            post(research::api_recommend).layer(DefaultBodyLimit::max(research::FORM_LIMIT)),
        )
        .route("/api/v1/similar", post(research::api_similar).layer(DefaultBodyLimit::max(research::SIMILAR_LIMIT)))
        .route("/api/v1/cite", post(research::api_cite).layer(DefaultBodyLimit::max(research::FORM_LIMIT)))
        .route("/api/openapi.json", get(openapi::document))
        .fallback(routes::not_found)
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
            let form = path == "/login"
                || path == "/api/v1/login"
                || path.starts_with("/users")
                || path.starts_with("/judges")
                || path.starts_with("/extensions")
                || path.starts_with("/notifications")
                || path.ends_with("/reassign")
                || path.ends_with("/events")
                || path.ends_with("/close")
                || path.ends_with("/extension")
                || path.ends_with("/extension-requests")
                || path.ends_with("/decision");
            let registration =
                (path.starts_with("/register") || path.starts_with("/api/v1/cases")) && !path.ends_with("/documents");
            let limit = if form {
                FORM_BODY_LIMIT
            } else if path.contains("/dossier") || path.ends_with("/documents") {
                routes::dossier::UPLOAD_LIMIT
            } else if registration {
                REGISTRATION_BODY_LIMIT
            } else {
                state.config.max_upload_bytes
            };
            WebError::TooLarge { limit }
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

/// Binds `addr` (before anything else happens: a busy port is reported at once).
pub async fn bind(addr: SocketAddr) -> Result<tokio::net::TcpListener, ServeError> {
    tokio::net::TcpListener::bind(addr).await.map_err(|source| ServeError::Bind { addr, source })
}

/// Serves the application on `listener` until `shutdown` completes (Ctrl-C in the binary);
/// then the dataset is persisted.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    routes::import::remove_stale_uploads(&state.config.upload_dir, state.app.clock.as_ref());
    // Load the cases before the first request, so the first page is as fast as the others.
    if let Err(e) = state.app.dataset().await {
        tracing::warn!("loading cases at start: {e}");
    }
    let app = state.app.clone();
    let service = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await.map_err(ServeError::Serve)?;
    if let Err(e) = app.data.persist(&app.store).await {
        tracing::warn!("persisting the dataset at shutdown: {e}");
    }
    Ok(())
}

//! 会话 Cookie the HTTP side of sessions: the session cookie (HttpOnly, SameSite=Strict, Secure
//! behind HTTPS), the `PageUser` / `ApiUser` extractors (no session → the login page, or 401),
//! and the CSRF checks of forms and state-changing API calls. Passwords, sessions and throttling
//! are the application's ([`xiezhi_app::accounts`]).

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header;
use axum::http::request::Parts;
use xiezhi_app::CurrentUser;

use crate::error::{ApiError, WebError};
use crate::{AppState, WebConfig};

/// The client a request comes from, for login throttling: the peer's address, or — only when
/// the peer is one of [`WebConfig::trusted_proxies`] — the last address in `X-Forwarded-For`
/// that is not a trusted proxy (a client cannot choose its own address by sending the header).
#[derive(Debug, Clone)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddress(client_address(peer, &parts.headers, &state.config.trusted_proxies)))
    }
}

/// See [`ClientAddress`]; `peer` is `None` when the server was not given connection info.
pub fn client_address(peer: Option<std::net::IpAddr>, headers: &HeaderMap, trusted: &[std::net::IpAddr]) -> String {
    let Some(peer) = peer else {
        return xiezhi_app::LOCAL_CLIENT.to_owned();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded.into_iter().rev().find(|a| !trusted.contains(a)).unwrap_or(peer).to_string()
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "xiezhi_session";
/// The header that carries the CSRF token of state-changing API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The request body limit of the login and account forms.
pub const FORM_BODY_LIMIT: usize = 16 * 1024;

/// The session id from the request's cookies.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `Set-Cookie` value of a new session.
pub fn session_set_cookie(id: &str, config: &WebConfig) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn session_clear_cookie(config: &WebConfig) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

/// The user of the request's session; [`WebError::Unauthenticated`] without a session cookie,
/// [`WebError::SessionExpired`] when the cookie's session has ended.
pub async fn current_user(headers: &HeaderMap, state: &AppState) -> Result<CurrentUser, WebError> {
    let id = session_cookie(headers).ok_or(WebError::Unauthenticated)?;
    Ok(state.app.session(&id).await?)
}

/// Checks a form's CSRF token.
pub fn check_csrf(user: &CurrentUser, token: Option<&str>) -> Result<(), WebError> {
    if user.csrf_matches(token) { Ok(()) } else { Err(WebError::Csrf) }
}

/// Checks the `X-CSRF-Token` header of a state-changing API call.
pub fn check_csrf_header(user: &CurrentUser, headers: &HeaderMap) -> Result<(), WebError> {
    check_csrf(user, headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))
}

/// A form posted from another site is refused (login CSRF): the Origin, when sent, must be this host.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

/// The signed-in user of a page request; without one, the browser is sent to the login page.
pub struct PageUser(pub CurrentUser);

/// The signed-in user of an API call; without one, 401.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        current_user(&parts.headers, state).await.map(PageUser).map_err(|e| {
            // A page opened without a session comes back after login (only what a GET shows:
            // a form posted meanwhile is not replayed).
            let next = (parts.method == axum::http::Method::GET)
                .then(|| parts.uri.path_and_query().map(|p| p.as_str().to_owned()))
                .flatten();
            match e {
                WebError::Unauthenticated => WebError::SignIn { expired: false, next },
                WebError::SessionExpired => WebError::SignIn { expired: true, next },
                other => other,
            }
        })
    }
}

/// Whether `next` is a path of this site to return to after login (`/cases?x=1`), not another
/// site (`//evil.example`, `/\\evil`, `https://…`) or a login loop.
pub fn safe_next(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.starts_with("/login")
        && !next.chars().any(char::is_control)
        && next.len() <= 2048
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        current_user(&parts.headers, state).await.map(ApiUser).map_err(ApiError)
    }
}

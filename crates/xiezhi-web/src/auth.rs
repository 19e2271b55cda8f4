//! 登录与会话 passwords (argon2id), sessions in the database (random ids in an HttpOnly,
//! SameSite=Strict cookie; a new id at every login; idle and absolute timeouts), CSRF tokens
//! per session, and login throttling per username.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header;
use axum::http::request::Parts;
use xiezhi_store::accounts::Session;

use crate::access::Access;
use crate::error::{ApiError, WebError};
use crate::{AppState, WebConfig};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "xiezhi_session";
/// The header that carries the CSRF token of state-changing API calls.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Sessions are marked as used at most this often (seconds), to spare the database a write per request.
const TOUCH_EVERY: i64 = 60;

/// A password that could not be hashed (only with impossible parameters).
#[derive(Debug, thiserror::Error)]
#[error("hashing the password: {0}")]
pub struct HashError(String);

fn hasher(memory_kib: u32, iterations: u32) -> Result<Argon2<'static>, HashError> {
    let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| HashError(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// An argon2id PHC string of `password` (random salt) with the configured cost.
pub fn hash_password_with(config: &WebConfig, password: &str) -> Result<String, HashError> {
    hasher(config.argon2_memory_kib, config.argon2_iterations)?
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// An argon2id PHC string of `password` with the default cost (19 MiB, 2 passes).
pub fn hash_password(password: &str) -> Result<String, HashError> {
    hash_password_with(&WebConfig::default(), password)
}

/// Whether `password` matches the PHC string (its own parameters are used).
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// 64 hex digits from the operating system's random source.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A readable random password: 16 characters without look-alikes (about 90 bits).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

/// Equal-time comparison of two tokens.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Failed logins per username within the window.
#[derive(Debug)]
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<i64>>>,
    /// Password hashes computed at once (argon2 takes 19 MiB and a core's time each): logins
    /// beyond this wait their turn instead of filling the blocking pool.
    hashing: tokio::sync::Semaphore,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { failures: Mutex::new(HashMap::new()), hashing: tokio::sync::Semaphore::new(2) }
    }
}

/// Usernames longer than this are refused before anything is stored about them.
pub const MAX_USERNAME_CHARS: usize = 64;
/// Passwords longer than this are refused before they are hashed.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The request body limit of the login and account forms.
pub const FORM_BODY_LIMIT: usize = 16 * 1024;
/// Usernames tracked before expired entries are swept.
const TRACKED_USERNAMES: usize = 10_000;

impl Throttle {
    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    /// Whether `username` must wait.
    pub fn throttled(&self, username: &str, now: i64, config: &WebConfig) -> bool {
        let mut map = self.failures.lock().expect("throttle lock");
        let Some(list) = map.get_mut(&Throttle::key(username)) else {
            return false;
        };
        list.retain(|t| now - t < config.throttle_window);
        list.len() >= config.max_failed_logins as usize
    }

    /// Records a login attempt for `username` before its password is checked (it counts as a
    /// failure until [`Throttle::clear`]), so that parallel guesses are all counted; `false`
    /// when the username must wait.
    fn begin(&self, username: &str, now: i64, config: &WebConfig) -> bool {
        let mut map = self.failures.lock().expect("throttle lock");
        // Invented usernames cost memory only until their failures expire (never a reset of
        // every account's lockout).
        if map.len() > TRACKED_USERNAMES {
            map.retain(|_, list| {
                list.retain(|t| now - t < config.throttle_window);
                !list.is_empty()
            });
        }
        let list = map.entry(Throttle::key(username)).or_default();
        list.retain(|t| now - t < config.throttle_window);
        if list.len() >= config.max_failed_logins as usize {
            return false;
        }
        list.push(now);
        true
    }

    fn clear(&self, username: &str) {
        self.failures.lock().expect("throttle lock").remove(&Throttle::key(username));
    }
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub access: Access,
    pub session_id: String,
    pub csrf: String,
}

impl CurrentUser {
    /// Checks a form's CSRF token.
    pub fn check_csrf(&self, token: Option<&str>) -> Result<(), WebError> {
        match token {
            Some(t) if same_token(t, &self.csrf) => Ok(()),
            _ => Err(WebError::Csrf),
        }
    }

    /// Checks the `X-CSRF-Token` header of a state-changing API call.
    pub fn check_csrf_header(&self, headers: &HeaderMap) -> Result<(), WebError> {
        self.check_csrf(headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))
    }
}

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
/// [`WebError::SessionExpired`] when the cookie's session has ended (unknown or expired
/// session, disabled account).
pub async fn current_user(headers: &HeaderMap, state: &AppState) -> Result<CurrentUser, WebError> {
    let id = session_cookie(headers).ok_or(WebError::Unauthenticated)?;
    let (session, user) = state.store.session_with_user(&id).await?.ok_or(WebError::SessionExpired)?;
    let now = state.clock.unix_seconds();
    let expired =
        now - session.last_seen > state.config.idle_timeout || now - session.created_at > state.config.max_session_age;
    if expired || user.disabled {
        state.store.delete_session(&id).await?;
        return Err(WebError::SessionExpired);
    }
    let access = Access::new(&user.username, &user.role, user.court_code.as_deref(), user.judge_name.as_deref())
        .map_err(|_| WebError::Forbidden)?;
    if now - session.last_seen >= TOUCH_EVERY {
        state.store.touch_session(&id, now).await?;
    }
    Ok(CurrentUser { access, session_id: id, csrf: session.csrf_token })
}

/// Checks a username and password and opens a new session (a new id, whatever cookie came
/// in: the old session, if any, is ended). Throttled usernames get [`WebError::Throttled`]
/// without their password being looked at.
pub async fn login(
    state: &AppState,
    headers: &HeaderMap,
    username: &str,
    password: &str,
) -> Result<(CurrentUser, String), WebError> {
    let now = state.clock.unix_seconds();
    let username = username.trim();
    if username.chars().count() > MAX_USERNAME_CHARS || password.len() > MAX_PASSWORD_BYTES {
        let shown: String = username.chars().take(MAX_USERNAME_CHARS).collect();
        state.store.audit(&state.clock.timestamp(), Some(&shown), "login_failed", None, None).await?;
        return Err(WebError::BadCredentials);
    }
    if !state.throttle.begin(username, now, &state.config) {
        state.store.audit(&state.clock.timestamp(), Some(username), "login_throttled", None, None).await?;
        return Err(WebError::Throttled);
    }
    let _hashing = state.throttle.hashing.acquire().await.map_err(|e| WebError::Internal(format!("login: {e}")))?;
    let user = state.store.user_by_name(username).await?;
    let phc = user.as_ref().map(|u| u.password_hash.clone());
    let password = password.to_owned();
    let config = state.config.clone();
    // Argon2 is CPU work: off the async workers. An unknown user costs the same time as a known one.
    let ok = tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify_password(&password, &phc),
        None => {
            let _ = hash_password_with(&config, &password);
            false
        }
    })
    .await
    .map_err(|e| WebError::Internal(format!("password check: {e}")))?;
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        _ => {
            state.store.audit(&state.clock.timestamp(), Some(username), "login_failed", None, None).await?;
            return Err(WebError::BadCredentials);
        }
    };
    let access = Access::new(&user.username, &user.role, user.court_code.as_deref(), user.judge_name.as_deref())
        .map_err(|_| WebError::Forbidden)?;
    state.throttle.clear(username);
    if let Some(old) = session_cookie(headers) {
        state.store.delete_session(&old).await?;
    }
    let _ = state
        .store
        .delete_expired_sessions(now - state.config.idle_timeout, now - state.config.max_session_age)
        .await?;
    let session =
        Session { id: random_token(), user_id: user.id, csrf_token: random_token(), created_at: now, last_seen: now };
    state.store.create_session(&session).await?;
    state.store.audit(&state.clock.timestamp(), Some(&user.username), "login", None, None).await?;
    let cookie = session_set_cookie(&session.id, &state.config);
    Ok((CurrentUser { access, session_id: session.id, csrf: session.csrf_token }, cookie))
}

/// Ends the session.
pub async fn logout(state: &AppState, user: &CurrentUser) -> Result<(), WebError> {
    state.store.delete_session(&user.session_id).await?;
    state.store.audit(&state.clock.timestamp(), Some(&user.access.username), "logout", None, None).await?;
    Ok(())
}

/// Writes an audit entry for `user`.
pub async fn audit(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    object: Option<&str>,
    detail: Option<&str>,
) -> Result<(), WebError> {
    state.store.audit(&state.clock.timestamp(), Some(&user.access.username), action, object, detail).await?;
    Ok(())
}

/// The signed-in user of a page request; without one, the browser is sent to the login page.
pub struct PageUser(pub CurrentUser);

/// The signed-in user of an API call; without one, 401.
pub struct ApiUser(pub CurrentUser);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        current_user(&parts.headers, state).await.map(PageUser)
    }
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        current_user(&parts.headers, state).await.map(ApiUser).map_err(ApiError)
    }
}

//! 登录 the login page, logout, and the API's login, logout and session.

use axum::Json;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use xiezhi_app::CurrentUser;

use crate::AppState;
use crate::auth::{self, ApiUser, ClientAddress, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::LoginPage;

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    /// The page to return to (see [`auth::safe_next`]).
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    pub expired: Option<String>,
    pub next: Option<String>,
}

fn login_html(
    state: &AppState,
    error: Option<String>,
    status: StatusCode,
    next: Option<String>,
) -> Result<Response, WebError> {
    let next = next.filter(|n| auth::safe_next(n));
    let page = LoginPage { title: "登录", error, demo: state.config.demo_banner, next };
    let html = state.templates.render("login.html", &page)?;
    Ok((status, [(header::CACHE_CONTROL, "no-store")], html).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, WebError> {
    if auth::current_user(&headers, &state).await.is_ok() {
        return Ok(Redirect::to("/").into_response());
    }
    let note = q.expired.map(|_| "会话已过期，请重新登录。".to_owned());
    login_html(&state, note, StatusCode::OK, q.next)
}

pub async fn submit(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    let Ok(Form(form)) = form else {
        return login_html(&state, Some("请填写用户名和密码。".to_owned()), StatusCode::BAD_REQUEST, None);
    };
    if !auth::same_origin(&headers) {
        return Err(WebError::Csrf);
    }
    let previous = auth::session_cookie(&headers);
    match state
        .app
        .login_from(&client, &form.username, &form.password, previous.as_deref())
        .await
        .map_err(WebError::from)
    {
        Ok(user) => {
            let cookie = auth::session_set_cookie(&user.session_id, &state.config);
            let target = form.next.filter(|n| auth::safe_next(n)).unwrap_or_else(|| "/".to_owned());
            Ok((StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie), (header::LOCATION, target)]).into_response())
        }
        Err(e @ (WebError::BadCredentials | WebError::Throttled)) => {
            login_html(&state, Some(e.message()), e.status(), form.next)
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf: Option<String>,
}

pub async fn logout(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    auth::check_csrf(&user, form.csrf.as_deref())?;
    state.app.logout(&user).await?;
    Ok((
        StatusCode::SEE_OTHER,
        [(header::SET_COOKIE, auth::session_clear_cookie(&state.config)), (header::LOCATION, "/login".to_owned())],
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

fn user_json(user: &CurrentUser) -> Json_ {
    let a = &user.access;
    json!({
        "username": a.username,
        "role": a.role.key(),
        "role_label": a.role.label(),
        "court": a.court.map(|c| c.to_string()),
        "judge": a.judge,
        "judge_id": a.judge_id,
        "scope": a.scope_label(),
        "csrf_token": user.csrf,
    })
}

/// `POST /api/v1/login`.
pub async fn api_login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    body: Result<Json<LoginBody>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge { limit: auth::FORM_BODY_LIMIT }
        } else {
            WebError::BadRequest("请求体应为 JSON {\"username\", \"password\"}。".to_owned())
        }
    })?;
    let previous = auth::session_cookie(&headers);
    let user = state.app.login_from(&client, &body.username, &body.password, previous.as_deref()).await?;
    let cookie = auth::session_set_cookie(&user.session_id, &state.config);
    Ok(([(header::SET_COOKIE, cookie)], Json(user_json(&user))).into_response())
}

/// `POST /api/v1/logout` (X-CSRF-Token).
pub async fn api_logout(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    state.app.logout(&user).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, auth::session_clear_cookie(&state.config))]).into_response())
}

/// `GET /api/v1/session`.
pub async fn api_session(ApiUser(user): ApiUser) -> Json<Json_> {
    Json(user_json(&user))
}

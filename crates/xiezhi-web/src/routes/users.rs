//! 用户 user administration (admins): accounts, their roles and scopes, the audit log.

use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xiezhi_app::accounts::NewAccount;
use xiezhi_app::{Actor, CurrentUser, Role};

use crate::AppState;
use crate::auth::{self, PageUser};
use crate::error::WebError;
use crate::models::{AuditLine, Base, KeyedOption, UserLine, UsersPage};
use crate::shared::enc;

async fn users_html(
    state: &AppState,
    user: &CurrentUser,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let users: Vec<UserLine> = state
        .app
        .users(Actor::User(&user.access))
        .await?
        .into_iter()
        .map(|u| UserLine {
            role: Role::parse(&u.role).map_or(u.role.clone(), |r| r.label().to_owned()),
            court: u.court_code,
            judge: u.judge_name,
            disabled: u.disabled,
            email: u.email,
            created_at: u.created_at,
            enc: enc(&u.username),
            username: u.username,
        })
        .collect();
    let audit: Vec<AuditLine> = state
        .app
        .store
        .audit_entries(50)
        .await?
        .into_iter()
        .map(|a| AuditLine {
            at: a.at,
            username: a.username,
            label: action_label(&a.action).to_owned(),
            action: a.action,
            object: a.object,
            detail: a.detail.map(|d| match d.strip_prefix("cli") {
                Some(rest) => format!("命令行{rest}"),
                None => d,
            }),
        })
        .collect();
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let model = UsersPage {
        base: Base::new(state, user, "users", "用户管理"),
        users,
        audit,
        roles: Role::ALL.iter().map(|r| KeyedOption { key: r.key(), label: r.label(), selected: false }).collect(),
        message,
        error,
    };
    Ok((status, state.templates.render("users.html", &model)?).into_response())
}

fn require_admin(user: &CurrentUser) -> Result<(), WebError> {
    if user.access.is_admin() { Ok(()) } else { Err(WebError::Forbidden) }
}

pub async fn page(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, WebError> {
    require_admin(&user)?;
    users_html(&state, &user, None, None).await
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    pub csrf: Option<String>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub court: Option<String>,
    pub judge: Option<String>,
    pub password: Option<String>,
    pub email: Option<String>,
}

fn user_form(form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>) -> Result<UserForm, WebError> {
    form.map(|Form(f)| f).map_err(|_| WebError::BadRequest("表单格式错误。".to_owned()))
}

pub async fn add(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    let form = user_form(form)?;
    auth::check_csrf(&user, form.csrf.as_deref())?;
    let new = NewAccount {
        username: form.username.clone().unwrap_or_default(),
        password: form.password.clone().unwrap_or_default(),
        role: form.role.clone().unwrap_or_default(),
        court: form.court.clone(),
        judge: form.judge.clone(),
    };
    let email = form.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    if let Some(Err(message)) = email.map(xiezhi_app::accounts::check_email) {
        return users_html(&state, &user, None, Some(message)).await;
    }
    match state.app.add_user(Actor::User(&user.access), &new).await {
        Ok(access) => {
            if email.is_some() {
                state.app.set_email(Actor::User(&user.access), &access.username, email).await?;
            }
            users_html(&state, &user, Some(format!("已添加用户 {}。", access.username)), None).await
        }
        Err(xiezhi_app::AppError::BadRequest(message)) => users_html(&state, &user, None, Some(message)).await,
        Err(e) => Err(e.into()),
    }
}

async fn change(
    state: AppState,
    user: CurrentUser,
    username: String,
    form: UserForm,
    action: &'static str,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    auth::check_csrf(&user, form.csrf.as_deref())?;
    let actor = Actor::User(&user.access);
    let done = match action {
        "user_disable" => state.app.set_disabled(actor, &username, true).await,
        "user_enable" => state.app.set_disabled(actor, &username, false).await,
        "user_email" => state.app.set_email(actor, &username, form.email.as_deref()).await,
        _ => state.app.set_password(actor, &username, form.password.as_deref().unwrap_or("")).await,
    };
    match done {
        Ok(()) => {}
        Err(xiezhi_app::AppError::BadRequest(message)) => return users_html(&state, &user, None, Some(message)).await,
        Err(e) => return Err(e.into()),
    }
    let message = match action {
        "user_disable" => format!("已停用 {username}。"),
        "user_enable" => format!("已启用 {username}。"),
        "user_email" if form.email.as_deref().is_none_or(|e| e.trim().is_empty()) => {
            format!("已删除 {username} 的电子邮件。")
        }
        "user_email" => format!("已设置 {username} 的电子邮件。"),
        _ => format!("已重设 {username} 的密码。"),
    };
    users_html(&state, &user, Some(message), None).await
}

pub async fn disable(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(username): Path<String>,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    change(state, user, username, user_form(form)?, "user_disable").await
}

pub async fn enable(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(username): Path<String>,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    change(state, user, username, user_form(form)?, "user_enable").await
}

pub async fn password(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(username): Path<String>,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    change(state, user, username, user_form(form)?, "user_password").await
}

pub async fn email(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(username): Path<String>,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    change(state, user, username, user_form(form)?, "user_email").await
}

/// The Chinese name of an audit action (the stored action stays English: it is the log's key).
pub(crate) fn action_label(action: &str) -> &str {
    match action {
        "login" => "登录",
        "logout" => "退出",
        "login_failed" => "登录失败",
        "login_throttled" => "登录受限",
        "case_view" => "查看案件",
        "case_view_refused" => "查看案件被拒",
        "case_list" => "查看案件列表",
        "case_register" => "立案",
        "case_notice" => "受理通知书",
        "case_reassign" => "重新分案",
        "case_close" => "结案",
        "assignment_list" => "查看分案记录",
        "event_add" => "记录事件",
        "events_import" => "导入事件",
        "extension_request" => "申请延长审限",
        "extension_approve" => "批准延长审限",
        "extension_refuse" => "不予批准延长审限",
        "deadline_notify" => "审限提醒",
        "notifications_read" => "提醒已读",
        "notifications_mailed" => "提醒邮件",
        "import" => "导入案件",
        "judges_import" => "导入名册",
        "roster_import" => "导入名册",
        "roster_save" => "修改名册",
        "roster_activate" => "法官在岗",
        "roster_deactivate" => "法官停用",
        "conflict_add" => "登记回避关系",
        "court_rename" => "法院更名",
        "report_download" => "下载通报",
        "table_export" => "导出表格",
        "draft_fill" => "讲话稿填数",
        "user_add" => "添加用户",
        "user_password" => "重设密码",
        "user_disable" => "停用用户",
        "user_enable" => "启用用户",
        "user_email" | "user_email_set" => "设置提醒邮箱",
        "user_email_clear" => "清除提醒邮箱",
        "demo_generate" => "生成演示数据",
        "demo_events" => "生成演示事件",
        "bench" | "bench_write" => "性能测试",
        "audit_archive" => "归档审计日志",
        other => other,
    }
}

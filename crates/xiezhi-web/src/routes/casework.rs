//! 审限与执行 the case clock on the web: events (API and the case page's forms), the close with
//! the 终本 gate, 延长审限 requests and their approval, the 审限 page, notifications, and the
//! 终本 re-checks due.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xiezhi_app::deadlines::StatusFilter;
use xiezhi_app::{Actor, AppError, CurrentUser, Role};
use xiezhi_domain::{CaseEvent, CourtCode, DeadlineStatus, StatutoryLimit};

use crate::AppState;
use crate::auth::{self, ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::{
    Base, CountLine, DeadlineRow, DeadlinesPage, ExtensionLine, ExtensionsPage, NotificationLine, NotificationsPage,
    OwnedOption, RecheckLine, RechecksPage,
};
use crate::shared::{enc, parse_day};

fn json_body(body: &Bytes) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError(WebError::Refused(xiezhi_app::Refusal::unreadable("body", "", &format!("请求体不是有效的JSON: {e}"))))
    })
}

/// `POST /api/v1/cases/{案号}/events`: one event object; 201 with what was recorded and the
/// case's deadline now.
pub async fn api_event(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let value = json_body(&body)?;
    let done = state.app.record_event(Actor::User(&user.access), &number, &value).await?;
    let today = state.app.clock.today();
    let view = state.app.view_case(&user.access, &done.case_number, today).await?;
    let f = &view.facts;
    let deadline = xiezhi_app::deadlines::deadline_json(
        f.case_number.as_str(),
        f.case_number.court(),
        f.judge.as_deref(),
        f.case_number.type_code().as_str(),
        f.procedure.map(|p| p.label()),
        &view.deadline,
    );
    let status = if done.recorded == "inserted" { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(serde_json::json!({"case_number": done.case_number, "recorded": done.recorded, "event": done.event, "deadline": deadline})))
        .into_response())
}

/// `POST /api/v1/cases/{案号}/close` `{"closed_on", "disposition"}`: 422 listing what the 终本
/// gate misses.
pub async fn api_close(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let value = json_body(&body)?;
    let text = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    state
        .app
        .close_case(Actor::User(&user.access), &number, text("closed_on").as_deref(), text("disposition").as_deref())
        .await?;
    let view = state.app.view_case(&user.access, &number, state.app.clock.today()).await?;
    Ok(Json(crate::shared::facts_json(&view.facts, view.deadline.deadline)))
}

/// The case page again, with a message or an error.
async fn back_to_case(
    state: &AppState,
    user: &CurrentUser,
    number: &str,
    done: Result<String, AppError>,
) -> Result<Response, WebError> {
    match done {
        Ok(message) => crate::routes::cases::render_case(state, user, number, Some(message), None).await,
        Err(AppError::Refused(r)) => {
            crate::routes::cases::render_case(state, user, number, None, Some(r.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

type Pairs = Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>;

fn pairs(form: Pairs) -> Result<Vec<(String, String)>, WebError> {
    form.map(|Form(p)| p).map_err(|_| WebError::BadRequest("表单格式错误。".to_owned()))
}

fn field<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// `POST /cases/{案号}/events` (the case page's form): the fields of the chosen kind as the
/// API's JSON object.
pub async fn event_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
    form: Pairs,
) -> Result<Response, WebError> {
    let p = pairs(form)?;
    auth::check_csrf(&user, field(&p, "csrf"))?;
    let kind = field(&p, "event").unwrap_or("");
    let keys: &[&str] = match kind {
        "extension" => &["on", "months", "days", "approver", "reason"],
        "suspension" => &["kind", "from", "to"],
        "conversion" => &["on", "procedure"],
        "restart" => &["on", "reason"],
        "payment" => &["on", "amount"],
        "terminal_check" => &["on", "approval"],
        "petition" => &["on", "resolved_on"],
        _ => &[],
    };
    let mut object = serde_json::Map::new();
    object.insert("event".into(), serde_json::Value::String(kind.to_owned()));
    for k in keys {
        if let Some(v) = field(&p, k) {
            object.insert((*k).to_owned(), serde_json::Value::String(v.to_owned()));
        }
    }
    if kind == "terminal_check" {
        let mut items = serde_json::Map::new();
        for (key, _, _) in xiezhi_domain::TerminalItems::default().items() {
            items.insert(key.to_owned(), serde_json::Value::Bool(p.iter().any(|(k, v)| k == "item" && v == key)));
        }
        object.insert("items".into(), serde_json::Value::Object(items));
    }
    let done =
        state.app.record_event(Actor::User(&user.access), &number, &serde_json::Value::Object(object)).await.map(|r| {
            match r.recorded {
                "inserted" => "已记录。".to_owned(),
                "updated" => "已更新该事件。".to_owned(),
                _ => "该事件已记录过，未改变。".to_owned(),
            }
        });
    back_to_case(&state, &user, &number, done).await
}

/// `POST /cases/{案号}/close`.
pub async fn close_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
    form: Pairs,
) -> Result<Response, WebError> {
    let p = pairs(form)?;
    auth::check_csrf(&user, field(&p, "csrf"))?;
    let done = state
        .app
        .close_case(Actor::User(&user.access), &number, field(&p, "closed_on"), field(&p, "disposition"))
        .await
        .map(|()| "已结案。".to_owned());
    back_to_case(&state, &user, &number, done).await
}

/// `POST /cases/{案号}/extension`: a judge's request.
pub async fn request_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
    form: Pairs,
) -> Result<Response, WebError> {
    let p = pairs(form)?;
    auth::check_csrf(&user, field(&p, "csrf"))?;
    let done = state
        .app
        .request_extension(
            &user.access,
            &number,
            field(&p, "months"),
            field(&p, "days"),
            field(&p, "reason").unwrap_or(""),
        )
        .await
        .map(|r| {
            if r.late {
                format!(
                    "已提交延长审限申请（距届满仅 {} 天，已标注为逾期申请），待院庭长审批。",
                    r.days_left.unwrap_or(0)
                )
            } else {
                "已提交延长审限申请，待院庭长审批。".to_owned()
            }
        });
    back_to_case(&state, &user, &number, done).await
}

/// `POST /api/v1/cases/{案号}/extension-requests` `{"months"|"days", "reason"}`.
pub async fn api_request(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let v = json_body(&body)?;
    let text = |k: &str| v.get(k).map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned));
    let r = state
        .app
        .request_extension(
            &user.access,
            &number,
            text("months").as_deref(),
            text("days").as_deref(),
            &text("reason").unwrap_or_default(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

/// `POST /api/v1/extension-requests/{id}/decision` `{"approve": true|false, "note"}`.
pub async fn api_decide(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<xiezhi_app::casework::ExtensionRequestView>, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let v = json_body(&body)?;
    let Some(approve) = v.get("approve").and_then(serde_json::Value::as_bool) else {
        return Err(ApiError(WebError::Refused(xiezhi_app::Refusal::unreadable("approve", "", "应为 true 或 false"))));
    };
    let note = v.get("note").and_then(|n| n.as_str());
    Ok(Json(state.app.decide_extension(&user.access, id, approve, note).await?))
}

fn extension_line(r: xiezhi_app::casework::ExtensionRequestView, access: &xiezhi_app::Access) -> ExtensionLine {
    let court = r.court.as_deref().and_then(CourtCode::parse);
    ExtensionLine {
        id: r.id,
        may_decide: r.status == "pending" && court.is_some_and(|c| access.may_designate(c)),
        link: format!("/cases/{}", enc(&r.case_number)),
        number: r.case_number,
        court: r.court.unwrap_or_default(),
        judge: r.judge.unwrap_or_default(),
        span: r.span,
        reason: r.reason,
        requested_by: r.requested_by,
        requested_at: r.requested_at,
        deadline_then: r.deadline_then.unwrap_or_default(),
        days_left: r.days_left.map(|d| d.to_string()).unwrap_or_default(),
        late: r.late,
        status: match r.status.as_str() {
            "approved" => "已批准",
            "refused" => "不予批准",
            _ => "待审批",
        },
        status_key: r.status,
        decided: match (r.decided_by, r.decided_at) {
            (Some(b), Some(a)) => {
                format!("{b} · {a}{}", r.decision_note.map(|n| format!(" · {n}")).unwrap_or_default())
            }
            _ => String::new(),
        },
    }
}

/// The case page's request lines.
pub(crate) async fn case_requests(state: &AppState, access: &xiezhi_app::Access, number: &str) -> Vec<ExtensionLine> {
    state
        .app
        .extension_requests_of(access, number)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| extension_line(r, access))
        .collect()
}

async fn extensions_html(
    state: &AppState,
    user: &CurrentUser,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    if matches!(user.access.role, Role::Registrar) {
        return Err(WebError::Forbidden);
    }
    let all = state.app.extension_requests(&user.access, None).await?;
    let (pending, decided): (Vec<_>, Vec<_>) = all.into_iter().partition(|r| r.status == "pending");
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let model = ExtensionsPage {
        base: Base::new(state, user, "extensions", "延长审限"),
        pending: pending.into_iter().map(|r| extension_line(r, &user.access)).collect(),
        decided: decided.into_iter().take(200).map(|r| extension_line(r, &user.access)).collect(),
        message,
        error,
    };
    Ok((status, state.templates.render("extensions.html", &model)?).into_response())
}

/// `GET /extensions`: pending requests (managers decide), then the decided ones.
pub async fn extensions_page(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, WebError> {
    extensions_html(&state, &user, None, None).await
}

/// `POST /extensions/{id}` (`decision` = approve | refuse, `note`).
pub async fn decide_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    form: Pairs,
) -> Result<Response, WebError> {
    let p = pairs(form)?;
    auth::check_csrf(&user, field(&p, "csrf"))?;
    let approve = field(&p, "decision") == Some("approve");
    match state.app.decide_extension(&user.access, id, approve, field(&p, "note")).await {
        Ok(r) => {
            let what = if approve { "已批准，延长审限事件已记录" } else { "已不予批准" };
            extensions_html(&state, &user, Some(format!("{} 的申请{what}。", r.case_number)), None).await
        }
        Err(AppError::Refused(r)) => extensions_html(&state, &user, None, Some(r.message)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct DeadlinesQuery {
    pub as_of: Option<String>,
    pub scope: Option<String>,
    pub status: Option<String>,
}

fn limit_text(l: Option<StatutoryLimit>) -> String {
    match l {
        Some(StatutoryLimit::Months(m)) => format!("{m}个月"),
        Some(StatutoryLimit::Days(d)) => format!("{d}天"),
        None => "无".to_owned(),
    }
}

/// `GET /api/v1/deadlines?as_of&scope&status`: the contract's objects, for the cases the user sees.
pub async fn api_deadlines(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<DeadlinesQuery>,
) -> Result<Json<Vec<serde_json::Value>>, ApiError> {
    let as_of = parse_day(q.as_of.as_deref(), "as_of")?.unwrap_or_else(|| state.app.clock.today());
    let status = StatusFilter::parse(q.status.as_deref().unwrap_or("all")).ok_or_else(|| {
        WebError::BadRequest("status 应为 all、overdue、near、suspended、normal 或 no_limit。".into())
    })?;
    let scope = match q.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(CourtCode::parse(s).ok_or_else(|| WebError::BadRequest(format!("“{s}”不是法院代字。")))?),
        None => None,
    };
    let lines = state.app.deadlines(Actor::User(&user.access), as_of, scope, status).await?;
    Ok(Json(lines.iter().map(xiezhi_app::deadlines::DeadlineLine::json).collect()))
}

/// `GET /deadlines`: counts by court and judge, and the list of one status.
pub async fn deadlines_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<DeadlinesQuery>,
) -> Result<Response, WebError> {
    if matches!(user.access.role, Role::Registrar) {
        return Err(WebError::Forbidden);
    }
    let as_of = parse_day(q.as_of.as_deref(), "as_of")?.unwrap_or_else(|| state.app.clock.today());
    let status_key = q.status.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| "overdue".to_owned());
    let status = StatusFilter::parse(&status_key).ok_or_else(|| WebError::BadRequest("未知的审限状态。".into()))?;
    let scope = match q.scope.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(CourtCode::parse(s).ok_or_else(|| WebError::BadRequest(format!("“{s}”不是法院代字。")))?),
        None => None,
    };
    let (courts, judges) = state.app.deadline_summary(&user.access, as_of).await?;
    let lines = state.app.deadlines(Actor::User(&user.access), as_of, scope, status).await?;
    let data = crate::shared::dataset(&state).await?;
    let name = |code: &str| CourtCode::parse(code).map(|c| data.court_label(c)).unwrap_or_default();
    let link = |court: &str, judge: &str| {
        let mut l = format!("/deadlines?as_of={as_of}&status={status_key}&scope={}", enc(court));
        if !judge.is_empty() {
            l = format!("/cases?court={}&judge={}&pending=1&as_of={as_of}", enc(court), enc(judge));
        }
        l
    };
    let total = lines.len();
    let shown: Vec<DeadlineRow> = lines
        .iter()
        .take(500)
        .map(|l| DeadlineRow {
            number: l.case_number.clone(),
            link: format!("/cases/{}", enc(&l.case_number)),
            court: l.court.map(|c| c.to_string()).unwrap_or_default(),
            judge: l.judge.clone().unwrap_or_default(),
            procedure: l.deadline.procedure.map(|p| p.label()).or(l.procedure).unwrap_or("—").to_owned(),
            start: l.deadline.start.to_string(),
            limit: limit_text(l.deadline.limit),
            extension_days: l.deadline.extension_days,
            suspended_days: l.deadline.suspended_days,
            deadline: l.deadline.deadline.map_or("—".to_owned(), |d| d.to_string()),
            days_left: l.deadline.remaining_days.map(|d| d.to_string()).unwrap_or_default(),
            status: l.deadline.status.label(),
            status_key: l.deadline.status.key(),
        })
        .collect();
    let statuses = [
        ("overdue", "超审限未结"),
        ("near", "临近审限"),
        ("suspended", "扣除审限中"),
        ("normal", "审限内"),
        ("no_limit", "无审限"),
        ("all", "全部未结"),
    ]
    .iter()
    .map(|(k, l)| OwnedOption { key: (*k).to_owned(), label: (*l).to_owned(), selected: *k == status_key })
    .collect();
    let model = DeadlinesPage {
        base: Base::new(&state, &user, "deadlines", "审限"),
        as_of: as_of.to_string(),
        status: status_key.clone(),
        statuses,
        courts: courts
            .iter()
            .map(|(c, n)| CountLine {
                court: c.clone(),
                name: name(c),
                judge: String::new(),
                open: n.open,
                overdue: n.overdue,
                near: n.near,
                suspended: n.suspended,
                link: link(c, ""),
            })
            .collect(),
        judges: judges
            .iter()
            .filter(|(_, n)| n.overdue + n.near + n.suspended > 0)
            .map(|((c, j), n)| CountLine {
                court: c.clone(),
                name: name(c),
                judge: j.clone(),
                open: n.open,
                overdue: n.overdue,
                near: n.near,
                suspended: n.suspended,
                link: link(c, j),
            })
            .collect(),
        lines: shown,
        total,
        shown: total.min(500),
    };
    state
        .app
        .audit(
            &state
                .app
                .audit_record(Actor::User(&user.access), "case_list")
                .detail(format!("deadlines {status_key}: {total}")),
        )
        .await?;
    Ok(state.templates.render("deadlines.html", &model)?.into_response())
}

fn notification_line(n: xiezhi_app::deadlines::NotificationView) -> NotificationLine {
    NotificationLine {
        link: format!("/cases/{}", enc(&n.case_number)),
        number: n.case_number,
        court: n.court.unwrap_or_default(),
        judge: n.judge.unwrap_or_default(),
        kind: if n.kind == "overdue" { DeadlineStatus::Overdue.label() } else { DeadlineStatus::Near.label() },
        kind_key: n.kind,
        raised_on: n.raised_on,
        deadline: n.deadline.unwrap_or_default(),
        read: n.read,
        id: n.id,
    }
}

async fn notifications_html(state: &AppState, user: &CurrentUser) -> Result<Response, WebError> {
    if matches!(user.access.role, Role::Registrar) {
        return Err(WebError::Forbidden);
    }
    let list = state.app.notifications(&user.access).await?;
    let unread = list.iter().filter(|n| !n.read).count();
    let model = NotificationsPage {
        base: Base::new(state, user, "notifications", "审限提醒"),
        lines: list.into_iter().take(500).map(notification_line).collect(),
        unread,
    };
    Ok(state.templates.render("notifications.html", &model)?.into_response())
}

/// `GET /notifications`.
pub async fn notifications_page(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, WebError> {
    notifications_html(&state, &user).await
}

/// `POST /notifications/read` (`id` repeated, or `all=1`).
pub async fn read_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: Pairs,
) -> Result<Response, WebError> {
    let p = pairs(form)?;
    auth::check_csrf(&user, field(&p, "csrf"))?;
    let ids: Vec<i64> = p.iter().filter(|(k, _)| k == "id").filter_map(|(_, v)| v.parse().ok()).collect();
    let all = field(&p, "all").is_some();
    state.app.mark_notifications_read(&user.access, &ids, all).await?;
    notifications_html(&state, &user).await
}

/// `GET /api/v1/notifications`.
pub async fn api_notifications(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<xiezhi_app::deadlines::NotificationView>>, ApiError> {
    Ok(Json(state.app.notifications(&user.access).await?))
}

/// `GET /rechecks`: 终本 re-checks due within 30 days or overdue.
pub async fn rechecks_page(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, WebError> {
    if matches!(user.access.role, Role::Registrar) {
        return Err(WebError::Forbidden);
    }
    let today = state.app.clock.today();
    let due = state.app.rechecks_due(&user.access, today).await?;
    let overdue = due.iter().filter(|d| d.days_left < 0).count();
    let model = RechecksPage {
        base: Base::new(&state, &user, "rechecks", "终本复查"),
        overdue,
        lines: due
            .into_iter()
            .take(1000)
            .map(|d| RecheckLine {
                link: format!("/cases/{}", enc(&d.case_number)),
                number: d.case_number,
                court: d.court.unwrap_or_default(),
                judge: d.judge.unwrap_or_default(),
                closed_on: d.closed_on,
                checks_done: d.checks_done,
                due_on: d.due_on,
                days_left: d.days_left,
            })
            .collect(),
    };
    Ok(state.templates.render("rechecks.html", &model)?.into_response())
}

/// An event's details in words, for the timeline.
pub(crate) fn event_detail(e: &CaseEvent) -> String {
    match e {
        CaseEvent::Extension { span, approver, reason, .. } => {
            let s = match span {
                xiezhi_domain::Span::Months(m) => format!("延长 {m} 个月"),
                xiezhi_domain::Span::Days(d) => format!("延长 {d} 天"),
            };
            let who = approver.as_deref().map(|a| format!("，批准人 {a}")).unwrap_or_default();
            let why = reason.as_deref().map(|r| format!("，理由：{r}")).unwrap_or_default();
            format!("{s}{who}{why}")
        }
        CaseEvent::Suspension { kind, from, to } => match to {
            Some(t) => format!("{kind}：{from} 至 {t}（{} 天）", t.days_since(*from) + 1),
            None => format!("{kind}：自 {from} 起（进行中）"),
        },
        CaseEvent::Conversion { procedure, .. } => format!("转为{procedure}"),
        CaseEvent::Restart { reason, .. } => {
            format!("审限重新计算{}", reason.as_deref().map(|r| format!("：{r}")).unwrap_or_default())
        }
        CaseEvent::Payment { amount, .. } => format!("到位 {} 元", amount.yuan()),
        CaseEvent::TerminalCheck { items, approval, .. } => {
            let missing: Vec<&str> = items.items().iter().filter(|(_, _, v)| !v).map(|(_, l, _)| *l).collect();
            let state = if missing.is_empty() {
                "六项齐全".to_owned()
            } else {
                format!("未完成：{}", missing.join("、"))
            };
            format!("{state}；{}", approval.map_or("未审批", |a| a.label()))
        }
        CaseEvent::Petition { resolved_on, .. } => match resolved_on {
            Some(r) => format!("已办结（{r}）"),
            None => "未办结".to_owned(),
        },
    }
}

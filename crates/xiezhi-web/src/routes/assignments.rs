//! 分案记录 assignments: the list with each record's replay status, 指定分案占比 by court and
//! month, reassignment (form and API), and `GET /api/v1/assignments/stats`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xiezhi_app::assignment::{AssignmentLine, AssignmentRequest, AssignmentStats, Mode};
use xiezhi_app::{Access, Actor, AppError};
use xiezhi_domain::{CourtCode, Date};

use crate::AppState;
use crate::auth::{self, ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::{AssignmentView, AssignmentsPage, Base, ExcludedLine, OwnedOption, Pager, PoolLine, StatsLine};
use crate::shared::{enc, parse_day};

/// An assignment as the pages show it: the record's pool (with the band and the judge chosen),
/// exclusions, seed and replay status.
pub(crate) fn assignment_view(line: &AssignmentLine, _access: &Access) -> AssignmentView {
    let a = &line.stored;
    let record = line.record.as_ref();
    let mode = Mode::parse(&a.mode);
    let reason = match (&a.reason_code, &a.note) {
        (Some(code), Some(note)) => format!("{code}：{note}"),
        (Some(code), None) => code.clone(),
        _ => String::new(),
    };
    AssignmentView {
        id: a.id,
        number: a.case_number.clone(),
        link: format!("/cases/{}", enc(&a.case_number)),
        court: a.court_code.clone().unwrap_or_default(),
        judge: format!("{}（{}）", a.judge_name.clone().unwrap_or_default(), a.judge_id),
        mode: mode.map_or("未知", Mode::label),
        mode_key: a.mode.clone(),
        reason,
        actor: a.actor.clone().unwrap_or_else(|| "命令行".to_owned()),
        at: a.at.clone(),
        current: a.current,
        replays: line.problems.is_empty(),
        problems: line.problems.clone(),
        pool: record
            .map(|r| {
                r.pool
                    .iter()
                    .map(|e| PoolLine {
                        judge_id: e.judge_id.clone(),
                        name: e.name.clone(),
                        weight: e.weight.clone(),
                        open_cases: e.open_cases,
                        chance: String::new(),
                        in_band: r.band.contains(&e.judge_id),
                        chosen: e.judge_id == r.result,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        excluded: record
            .map(|r| {
                r.excluded
                    .iter()
                    .map(|e| ExcludedLine {
                        judge_id: e.judge_id.clone(),
                        name: e.name.clone(),
                        reason: e.reason.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        seed: record.and_then(|r| r.seed.clone()).unwrap_or_default(),
        algorithm: record.map(|r| r.algorithm.clone()).unwrap_or_default(),
        series_fallback: record.and_then(|r| r.series_fallback.clone()),
        previous: record.and_then(|r| r.previous_judge_id.clone()),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct AssignmentsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub mode: Option<String>,
    pub page: Option<String>,
}

/// The period asked for, defaulting to this year so far.
fn period(state: &AppState, from: Option<&str>, to: Option<&str>) -> Result<(Date, Date), WebError> {
    let today = state.app.clock.today();
    let to = parse_day(to, "to")?.unwrap_or(today);
    let from = parse_day(from, "from")?.unwrap_or_else(|| Date::from_ymd(to.year(), 1, 1).unwrap_or(to));
    if from > to {
        return Err(WebError::BadRequest(format!("起始日期 {from} 晚于截止日期 {to}。")));
    }
    Ok((from, to))
}

fn stats_line(s: &AssignmentStats, name: String) -> StatsLine {
    let total = s.random + s.designated + s.series;
    StatsLine {
        court: s.court.clone(),
        court_name: name,
        month: s.month.clone().unwrap_or_default(),
        random: s.random,
        designated: s.designated,
        series: s.series,
        total,
        share: s.designated_share.map_or("—".to_owned(), |v| format!("{:.1}%", v * 100.0)),
        bar: s.designated_share.map_or(0.0, |v| (v * 100.0).clamp(0.0, 100.0)),
    }
}

/// `GET /assignments`.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<AssignmentsQuery>,
) -> Result<Response, WebError> {
    let access = &user.access;
    if !matches!(access.role, xiezhi_app::Role::Admin | xiezhi_app::Role::Manager) {
        return Err(WebError::Forbidden);
    }
    let (from, to) = period(&state, q.from.as_deref(), q.to.as_deref())?;
    let mode = match q.mode.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => Some(Mode::parse(m).ok_or_else(|| WebError::BadRequest(format!("未知的分案方式“{m}”。")))?),
        None => None,
    };
    let page: i64 = match q.page.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => {
            p.parse().ok().filter(|n| *n >= 1).ok_or_else(|| WebError::BadRequest(format!("页码“{p}”无效。")))?
        }
        None => 1,
    };
    let per_page = 50;
    let (from_text, to_text) = (from.to_string(), to.to_string());
    let (lines, total) = state
        .app
        .assignment_lines(access, Some(&from_text), Some(&to_text), mode, ((page - 1) * per_page, per_page))
        .await?;
    let (whole, monthly) = state.app.assignment_stats(access, &from_text, &to_text).await?;
    let data = crate::shared::dataset(&state).await?;
    let name = |code: &str| CourtCode::parse(code).map(|c| data.court_label(c)).unwrap_or_else(|| code.to_owned());
    let views: Vec<AssignmentView> = lines.iter().map(|l| assignment_view(l, access)).collect();
    let mismatches = views.iter().filter(|v| !v.replays).count();
    let mode_key = q.mode.clone().unwrap_or_default();
    let mut modes =
        vec![OwnedOption { key: String::new(), label: "全部方式".to_owned(), selected: mode_key.is_empty() }];
    modes.extend([Mode::Random, Mode::Designated, Mode::Series].into_iter().map(|m| OwnedOption {
        key: m.key().to_owned(),
        label: m.label().to_owned(),
        selected: m.key() == mode_key,
    }));
    let base_link = format!("/assignments?from={from_text}&to={to_text}&mode={}", enc(&mode_key));
    state
        .app
        .audit(&state.app.audit_record(Actor::User(access), "assignment_list").detail(format!("{total} assignments")))
        .await?;
    let model = AssignmentsPage {
        base: Base::new(&state, &user, "assignments", "分案记录"),
        from: from_text,
        to: to_text,
        modes,
        stats: whole.iter().map(|s| stats_line(s, name(&s.court))).collect(),
        monthly: monthly.iter().map(|s| stats_line(s, name(&s.court))).collect(),
        lines: views,
        total,
        mismatches,
        paging: Pager::new(&base_link, page as usize, per_page as usize, total.max(0) as usize),
    };
    Ok(state.templates.render("assignments.html", &model)?.into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct StatsQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `GET /api/v1/assignments/stats?from&to`: per court `{court, random, designated, series,
/// designated_share}` (指定分案占比; `from` defaults to 1 January, `to` to today).
pub async fn api_stats(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Vec<AssignmentStats>>, ApiError> {
    let (from, to) = period(&state, q.from.as_deref(), q.to.as_deref())?;
    let (whole, _) = state.app.assignment_stats(&user.access, &from.to_string(), &to.to_string()).await?;
    Ok(Json(whole))
}

/// `GET /api/v1/assignments/stats/monthly?from&to`: the same per court and month.
pub async fn api_stats_monthly(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Vec<AssignmentStats>>, ApiError> {
    let (from, to) = period(&state, q.from.as_deref(), q.to.as_deref())?;
    let (_, monthly) = state.app.assignment_stats(&user.access, &from.to_string(), &to.to_string()).await?;
    Ok(Json(monthly))
}

/// `POST /api/v1/cases/{案号}/reassign` with an `assignment` object (or `{"assignment": …}`).
pub async fn api_reassign(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(number): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let value: serde_json::Value = serde_json::from_slice(&body).map_err(|e| {
        ApiError(WebError::Refused(xiezhi_app::Refusal::unreadable("body", "", &format!("请求体不是有效的JSON: {e}"))))
    })?;
    let object = value.get("assignment").unwrap_or(&value);
    let request = AssignmentRequest::from_json(object, "assignment").map_err(|r| ApiError(WebError::Refused(r)))?;
    let done = state.app.reassign(Actor::User(&user.access), &number, &request).await?;
    let r = &done.record;
    Ok(Json(serde_json::json!({
        "case_number": r.case_number,
        "judge": {"judge_id": done.judge_id, "name": done.judge_name},
        "assignment": {
            "mode": r.mode.key(),
            "seed": r.seed,
            "pool": r.pool.iter().map(|e| e.judge_id.clone()).collect::<Vec<_>>(),
            "excluded": r.excluded.iter().map(|e| serde_json::json!({"judge_id": e.judge_id, "name": e.name, "reason": e.reason})).collect::<Vec<_>>(),
            "reason_code": r.reason_code,
            "note": r.note,
            "previous_judge_id": r.previous_judge_id,
        },
    })))
}

#[derive(Debug, Deserialize)]
pub struct ReassignForm {
    pub csrf: Option<String>,
    pub mode: Option<String>,
    pub judge_id: Option<String>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// `POST /cases/{案号}/reassign` (the case page's form): back to the case page, saying what
/// happened.
pub async fn reassign_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
    form: Result<Form<ReassignForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form.map_err(|_| WebError::BadRequest("表单格式错误。".to_owned()))?;
    auth::check_csrf(&user, form.csrf.as_deref())?;
    let request = AssignmentRequest {
        mode: form.mode.clone(),
        judge_id: form.judge_id.clone().filter(|j| !j.trim().is_empty()),
        reason_code: form.reason_code.clone().filter(|c| !c.trim().is_empty()),
        note: form.note.clone(),
    };
    match state.app.reassign(Actor::User(&user.access), &number, &request).await {
        Ok(done) => {
            let message = format!(
                "已调整分案：现由{}（{}）承办（{}）。",
                done.judge_name,
                done.judge_id,
                done.record.mode.label()
            );
            crate::routes::cases::render_case(&state, &user, &number, Some(message), None).await
        }
        Err(AppError::Refused(r)) => {
            crate::routes::cases::render_case(&state, &user, &number, None, Some(r.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

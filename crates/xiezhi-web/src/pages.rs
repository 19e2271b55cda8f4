//! 页面 the server-rendered pages: 登录, 首页, 指标 (with drill-down), 案件, 案件详情, 导入, 报表,
//! 用户. Every handler takes a [`PageUser`] (no session → the login page) and asks its
//! [`Access`](crate::access::Access) before showing anything.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value as Json, json};
use xiezhi_domain::{CaseClass, CaseFacts, Date, Procedure};
use xiezhi_metrics::{GroupKey, GroupReport, IndicatorId, MetricsReport, Period, Unit};
use xiezhi_report::{ActionCase, ActionLists, Bulletin, BulletinOptions, ChartData, ChartKind, Scope};

use crate::AppState;
use crate::access::{Access, Role};
use crate::api::{self, CaseQuery, dataset, deadline_status, period_of, report};
use crate::auth::{self, CurrentUser, PageUser};
use crate::data::Dataset;
use crate::error::WebError;
use crate::ingest::ImportOptions;
use crate::views::{band_svg, change_class, change_text, chart_svg, raw, value_text};

/// The headline indicators of the dashboard, in order.
pub const HEADLINE: [IndicatorId; 12] = [
    IndicatorId::Accepted,
    IndicatorId::Closed,
    IndicatorId::Pending,
    IndicatorId::ClosureRate,
    IndicatorId::ClearanceRate,
    IndicatorId::ClosedPerJudge,
    IndicatorId::OnTimeRate,
    IndicatorId::AvgDays,
    IndicatorId::MediationWithdrawalRate,
    IndicatorId::FirstInstanceAcceptanceRate,
    IndicatorId::EnfClosureRate,
    IndicatorId::RecoveryRate,
];

/// The columns of the side-by-side tables.
const SIDE_BY_SIDE: [IndicatorId; 8] = [
    IndicatorId::Accepted,
    IndicatorId::Closed,
    IndicatorId::Pending,
    IndicatorId::ClosureRate,
    IndicatorId::ClearanceRate,
    IndicatorId::OnTimeRate,
    IndicatorId::AvgDays,
    IndicatorId::PendingOver12m,
];

/// Uploads kept between the validation and the confirmation of an import, and filled drafts
/// waiting to be downloaded.
#[derive(Default)]
pub struct Uploads {
    imports: Mutex<HashMap<String, PendingUpload>>,
    filled: Mutex<HashMap<String, FilledDraft>>,
}

struct PendingUpload {
    path: PathBuf,
    file_name: String,
    username: String,
    skip_invalid: bool,
    /// For expiry (a timer, not domain time).
    created: std::time::Instant,
}

struct FilledDraft {
    bytes: Vec<u8>,
    file_name: String,
    content_type: &'static str,
    username: String,
    created: std::time::Instant,
}

/// Validated uploads waiting for confirmation and filled drafts waiting for download are kept
/// this long, then dropped (an unconfirmed upload's file is deleted).
const UPLOAD_TTL: std::time::Duration = std::time::Duration::from_secs(3600);

impl Uploads {
    /// Drops what has waited longer than [`UPLOAD_TTL`]; called whenever something is added.
    fn sweep(&self) {
        self.imports.lock().expect("uploads lock").retain(|_, p| {
            let keep = p.created.elapsed() < UPLOAD_TTL;
            if !keep {
                let _ = std::fs::remove_file(&p.path);
            }
            keep
        });
        self.filled.lock().expect("uploads lock").retain(|_, f| f.created.elapsed() < UPLOAD_TTL);
    }
}

/// Writes uploaded bytes to a fresh file in the upload directory.
pub(crate) fn save_upload(state: &AppState, bytes: &[u8], file_name: &str) -> Result<PathBuf, WebError> {
    let ext = match file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()) {
        Some(e) if ["csv", "xlsx", "xls", "txt"].contains(&e.as_str()) => e,
        _ => "bin".to_owned(),
    };
    let path = state.config.upload_dir.join(format!("{UPLOAD_PREFIX}{}.{ext}", auth::random_token()));
    let saving = |e: std::io::Error| WebError::Internal(format!("saving an upload: {e}"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // Case data: readable by the server's account only, even in a shared temp directory.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).map_err(saving)?;
    std::io::Write::write_all(&mut file, bytes).map_err(saving)?;
    Ok(path)
}

/// The name every upload file starts with (stale ones are removed at start).
pub(crate) const UPLOAD_PREFIX: &str = "xiezhi-upload-";

/// Removes upload files left by an earlier run (older than [`UPLOAD_TTL`]: their confirmations
/// died with that process).
pub(crate) fn remove_stale_uploads(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let stale = entry.file_name().to_string_lossy().starts_with(UPLOAD_PREFIX)
            && entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age > UPLOAD_TTL));
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

// ---------------------------------------------------------------- common context

fn base_ctx(state: &AppState, user: &CurrentUser, active: &str, title: &str) -> Map<String, Json> {
    let a = &user.access;
    let mut m = Map::new();
    m.insert("title".into(), title.into());
    m.insert("active".into(), active.into());
    m.insert("csrf".into(), user.csrf.clone().into());
    m.insert(
        "user".into(),
        json!({
            "username": a.username, "role": a.role.key(), "role_label": a.role.label(), "scope": a.scope_label(),
            "is_admin": a.is_admin(), "may_import": a.may_import(),
            "may_report": matches!(a.role, Role::Admin | Role::Manager),
        }),
    );
    m.insert("demo".into(), state.config.demo_banner.into());
    m.insert("today".into(), state.clock.today().to_string().into());
    m
}

fn render(state: &AppState, name: &str, ctx: Map<String, Json>) -> Result<Html<String>, WebError> {
    state.templates.render(name, &Json::Object(ctx))
}

fn enc(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The query string naming a group.
fn group_query(key: &GroupKey) -> String {
    match key {
        GroupKey::Judge { court, judge } => format!("kind=judge&code={}&court={}", enc(judge), enc(&court.to_string())),
        other => format!("kind={}&code={}", other.kind(), enc(&other.code())),
    }
}

fn kind_label(key: &GroupKey) -> &'static str {
    match key {
        GroupKey::Province(_) => "全省",
        GroupKey::City(_) => "全市",
        GroupKey::Court(_) => "法院",
        GroupKey::Judge { .. } => "法官",
    }
}

fn group_title(data: &Dataset, g: Option<&GroupReport>, key: &GroupKey) -> String {
    match key {
        GroupKey::Judge { court, judge } => format!("{judge}（{}）", data.court_label(*court)),
        other => g.and_then(|g| g.name.clone()).unwrap_or_else(|| format!("{} {}", kind_label(other), other.code())),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct GroupQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
    pub code: Option<String>,
    pub court: Option<String>,
    /// The group picker's value: `kind|code|court`.
    pub group: Option<String>,
    /// `ranks=1`: show ranks among the province's cities (hidden by default: the SPC forbids
    /// league tables, the product shows them only where asked).
    pub ranks: Option<String>,
}

/// The group picker's value of a group.
fn group_value(key: &GroupKey) -> String {
    match key {
        GroupKey::Judge { court, judge } => format!("judge|{judge}|{court}"),
        other => format!("{}|{}|", other.kind(), other.code()),
    }
}

/// The group a page asks for (or the user's home group), refused when outside the scope.
fn chosen_group(q: &GroupQuery, access: &Access, data: &Dataset) -> Result<GroupKey, WebError> {
    let picked: Option<Vec<&str>> = q.group.as_deref().filter(|g| !g.is_empty()).map(|g| g.splitn(3, '|').collect());
    let (kind, code, court) = match &picked {
        Some(parts) if parts.len() == 3 => (Some(parts[0]), Some(parts[1]), Some(parts[2]).filter(|c| !c.is_empty())),
        Some(_) => return Err(WebError::BadRequest("范围参数有误。".to_owned())),
        None => (q.kind.as_deref(), q.code.as_deref(), q.court.as_deref()),
    };
    let key = match (kind.filter(|k| !k.is_empty()), code.filter(|c| !c.is_empty())) {
        (Some(kind), Some(code)) => api::group_key(kind, code, court)?,
        _ => access.home_group(data.first_province()).ok_or(WebError::NotFound)?,
    };
    if !access.sees_group(&key) {
        return Err(WebError::Forbidden);
    }
    Ok(key)
}

/// The groups shown one by one under a group: cities of a province, courts of a city, judges of a court.
fn members<'r>(report: &'r MetricsReport, key: &GroupKey, access: &Access) -> Vec<&'r GroupReport> {
    report
        .groups
        .iter()
        .filter(|g| access.sees_group(&g.key))
        .filter(|g| match (key, &g.key) {
            (GroupKey::Province(p), GroupKey::City(c)) => c.province_code() == Some(*p),
            (GroupKey::City(city), GroupKey::Court(c)) => c.city() == Some(*city),
            // Judges with no case in the period are left out (they would be rows of zeros).
            (GroupKey::Court(court), GroupKey::Judge { court: c, .. }) => {
                c == court && g.values[IndicatorId::Accepted.index()].as_f64().is_some_and(|v| v > 0.0)
            }
            _ => false,
        })
        .collect()
}

/// A member's name in a side-by-side table: a judge's name alone (the court is the page's own).
fn member_title(data: &Dataset, g: &GroupReport) -> String {
    match &g.key {
        GroupKey::Judge { judge, .. } => judge.clone(),
        other => group_title(data, Some(g), other),
    }
}

/// The groups a user may pick.
fn group_options(report: &MetricsReport, access: &Access, data: &Dataset, selected: &GroupKey) -> Vec<Json> {
    report
        .groups
        .iter()
        .filter(|g| !matches!(g.key, GroupKey::Judge { .. }) && access.sees_group(&g.key))
        .map(|g| json!({"query": group_value(&g.key), "label": format!("{} {}", kind_label(&g.key), group_title(data, Some(g), &g.key)), "selected": &g.key == selected}))
        .chain(
            // A judge's own group.
            access
                .home_group(None)
                .filter(|k| matches!(k, GroupKey::Judge { .. }))
                .map(|k| json!({"query": group_value(&k), "label": format!("法官 {}", group_title(data, None, &k)), "selected": &k == selected})),
        )
        .collect()
}

fn explain_link(id: IndicatorId, key: &GroupKey, period: Period) -> String {
    format!("/metrics/explain?id={}&{}&from={}&to={}", id.as_str(), group_query(key), period.from(), period.to())
}

fn period_ctx(m: &mut Map<String, Json>, period: Period, report: &MetricsReport) {
    m.insert(
        "period".into(),
        json!({"from": period.from().to_string(), "to": period.to().to_string(),
               "prev_from": report.previous_period.from().to_string(), "prev_to": report.previous_period.to().to_string()}),
    );
}

/// A comparison value for a group: its province (visible to the user), or for a judge their court.
fn comparison<'r>(
    report: &'r MetricsReport,
    key: &GroupKey,
    access: &Access,
) -> Option<(&'static str, &'r GroupReport)> {
    let (label, other) = match key {
        // "全省" only when the data holds another city of it (else it is this city again).
        GroupKey::City(c) | GroupKey::Court(c)
            if xiezhi_report::prose::province_comparison_refused(report, report.group(key)?).is_none() =>
        {
            ("全省", GroupKey::Province(c.province_code()?))
        }
        GroupKey::City(_) | GroupKey::Court(_) => return None,
        GroupKey::Judge { court, .. } => ("本院", GroupKey::Court(*court)),
        GroupKey::Province(_) => return None,
    };
    if !access.sees_group(&other) {
        return None;
    }
    report.group(&other).map(|g| (label, g))
}

// ---------------------------------------------------------------- login

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    pub expired: Option<String>,
}

fn login_html(state: &AppState, error: Option<String>, status: StatusCode) -> Result<Response, WebError> {
    let ctx = json!({"title": "登录", "error": error, "demo": state.config.demo_banner});
    let html = state.templates.render("login.html", &ctx)?;
    Ok((status, [(header::CACHE_CONTROL, "no-store")], html).into_response())
}

pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, WebError> {
    if auth::current_user(&headers, &state).await.is_ok() {
        return Ok(Redirect::to("/").into_response());
    }
    let note = q.expired.map(|_| "会话已过期，请重新登录。".to_owned());
    login_html(&state, note, StatusCode::OK)
}

/// A login form posted from another site is refused (login CSRF): the Origin, when sent, must be this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

pub async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    let Ok(Form(form)) = form else {
        return login_html(&state, Some("请填写用户名和密码。".to_owned()), StatusCode::BAD_REQUEST);
    };
    if !same_origin(&headers) {
        return Err(WebError::Csrf);
    }
    match auth::login(&state, &headers, &form.username, &form.password).await {
        Ok((_, cookie)) => {
            Ok((StatusCode::SEE_OTHER, [(header::SET_COOKIE, cookie), (header::LOCATION, "/".to_owned())])
                .into_response())
        }
        Err(e @ (WebError::BadCredentials | WebError::Throttled)) => login_html(&state, Some(e.message()), e.status()),
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
    user.check_csrf(form.csrf.as_deref())?;
    auth::logout(&state, &user).await?;
    Ok((
        StatusCode::SEE_OTHER,
        [(header::SET_COOKIE, auth::session_clear_cookie(&state.config)), (header::LOCATION, "/login".to_owned())],
    )
        .into_response())
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}

// ---------------------------------------------------------------- dashboard

fn action_case_json(data: &Dataset, row: usize, as_of: Date) -> Json {
    let r = &data.rows[row];
    json!({
        "number": &*r.number,
        "link": format!("/cases/{}", enc(&r.number)),
        "court": r.court.map(|c| data.court_label(c)),
        "judge": r.judge.as_deref(),
        "filed": r.filed.to_string(),
        "deadline": r.deadline.map(|d| d.to_string()),
        "age": as_of.days_since(r.filed),
        "left": r.deadline.map(|d| d.days_since(as_of)),
    })
}

pub async fn dashboard(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<GroupQuery>,
) -> Result<Response, WebError> {
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    let data = dataset(&state).await?;
    if data.rows.is_empty() {
        let mut m = base_ctx(&state, &user, "home", "首页");
        m.insert("empty".into(), true.into());
        return Ok(render(&state, "dashboard.html", m)?.into_response());
    }
    let key = chosen_group(&q, &user.access, &data)?;
    let report = report(&state, &data, period).await?;
    let catalogue = &state.config.catalogue;
    let group = report.group(&key);
    let compare = comparison(&report, &key, &user.access);
    let cards: Vec<Json> = HEADLINE
        .iter()
        .map(|id| {
            let entry = catalogue.entry(*id);
            let i = id.index();
            let value = group.map(|g| &g.values[i]);
            let change = group.and_then(|g| g.change[i]);
            let reference = entry.reference.as_ref().filter(|r| r.valid_from <= period.to());
            json!({
                "id": id.as_str(),
                "name": entry.name,
                "unit": xiezhi_report::format::unit_label(entry.unit),
                "value": value.map_or("—".to_owned(), |v| value_text(v, entry.unit)),
                "raw": value.map_or("null".to_owned(), raw),
                "previous": group.map_or("—".to_owned(), |g| value_text(&g.previous[i], entry.unit)),
                "change": change_text(change, entry.unit),
                "change_class": change_class(change, entry),
                "compare_label": compare.map(|(l, _)| l),
                "compare": compare.map(|(_, c)| value_text(&c.values[i], entry.unit)),
                "band": reference.map(|r| band_svg(value.and_then(|v| v.as_f64()), r.low, r.high, entry.unit)),
                "band_text": reference.map(|r| format!("{}–{}", interval_text(r.low, entry.unit), interval_text(r.high, entry.unit))),
                "band_label": group.and_then(|g| g.band[i]).map(|b| xiezhi_report::format::band_label(Some(b))),
                "link": explain_link(*id, &key, period),
            })
        })
        .collect();
    // Trend.
    let months = {
        let data = data.clone();
        let key = key.clone();
        tokio::task::spawn_blocking(move || data.monthly(period, &key))
            .await
            .map_err(|e| WebError::Internal(format!("trend: {e}")))?
    };
    let trend = ChartData {
        title: "月度收结存趋势（件）".to_owned(),
        unit: "件".to_owned(),
        categories: months.iter().map(|m| m.label[5..].trim_start_matches('0').to_owned() + "月").collect(),
        series: vec![
            ("新收".to_owned(), months.iter().map(|m| Some(m.filed as f64)).collect()),
            ("结案".to_owned(), months.iter().map(|m| Some(m.closed as f64)).collect()),
            ("月末未结".to_owned(), months.iter().map(|m| Some(m.pending as f64)).collect()),
        ],
        kind: ChartKind::Line,
    };
    // Side by side.
    let member_groups = members(&report, &key, &user.access);
    let columns: Vec<Json> = SIDE_BY_SIDE
        .iter()
        .map(|id| json!({"name": catalogue.entry(*id).name, "unit": xiezhi_report::format::unit_label(catalogue.entry(*id).unit)}))
        .collect();
    let side: Vec<Json> = member_groups
        .iter()
        .map(|g| {
            json!({
                "name": member_title(&data, g),
                "link": format!("/?{}&from={}&to={}", group_query(&g.key), period.from(), period.to()),
                "cells": SIDE_BY_SIDE.iter().map(|id| {
                    let e = catalogue.entry(*id);
                    json!({"text": value_text(&g.values[id.index()], e.unit), "link": explain_link(*id, &g.key, period), "band": g.band[id.index()].map(|b| xiezhi_report::format::band_label(Some(b)))})
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let ratio = |g: &GroupReport, id: IndicatorId| g.values[id.index()].as_f64().map(|v| (v * 10000.0).round() / 100.0);
    let comparison_chart = (!member_groups.is_empty() && member_groups.len() <= 40).then(|| ChartData {
        title: "结收比与结案率（%）".to_owned(),
        unit: "%".to_owned(),
        categories: member_groups
            .iter()
            .map(|g| match &g.key {
                GroupKey::Judge { judge, .. } => judge.clone(),
                other => short_name(&group_title(&data, Some(g), other)),
            })
            .collect(),
        series: vec![
            ("结收比".to_owned(), member_groups.iter().map(|g| ratio(g, IndicatorId::ClearanceRate)).collect()),
            ("结案率".to_owned(), member_groups.iter().map(|g| ratio(g, IndicatorId::ClosureRate)).collect()),
        ],
        kind: ChartKind::Columns,
    });
    // Action lists.
    let as_of = period.to();
    let actions = {
        let data = data.clone();
        let key = key.clone();
        let access = user.access.clone();
        let catalogue = state.config.catalogue.clone();
        tokio::task::spawn_blocking(move || {
            let lists = data.actions(&access, &key, as_of, 15, &catalogue);
            let take = |rows: &[usize]| rows.iter().take(10).map(|&r| action_case_json(&data, r, as_of)).collect::<Vec<_>>();
            json!([
                {"title": "超审限未结", "total": lists.over_limit.len(), "rows": take(&lists.over_limit), "more": "/cases?over_limit=1", "kind": "over"},
                {"title": "临近审限（15日内届满）", "total": lists.near_limit.len(), "rows": take(&lists.near_limit), "more": "/cases?pending=1", "kind": "near"},
                {"title": "超12个月未结", "total": lists.over_12m.len(), "rows": take(&lists.over_12m), "more": format!("/cases?pending=1&filed_to={}", as_of.add_months(-12).add_days(-1)), "kind": "old"},
            ])
        })
        .await
        .map_err(|e| WebError::Internal(format!("action lists: {e}")))?
    };
    let mut m = base_ctx(&state, &user, "home", "首页");
    period_ctx(&mut m, period, &report);
    m.insert("group_title".into(), group_title(&data, group, &key).into());
    m.insert("group_kind".into(), kind_label(&key).into());
    m.insert("group_query".into(), group_query(&key).into());
    m.insert("groups".into(), group_options(&report, &user.access, &data, &key).into());
    m.insert("cards".into(), cards.into());
    m.insert("trend_svg".into(), chart_svg(&trend).into());
    m.insert("comparison_svg".into(), comparison_chart.map(|c| chart_svg(&c)).into());
    m.insert("columns".into(), columns.into());
    m.insert("side".into(), side.into());
    m.insert("member_kind".into(), member_label(&key).into());
    m.insert("actions".into(), actions);
    Ok(render(&state, "dashboard.html", m)?.into_response())
}

fn short_name(name: &str) -> String {
    let s = name.trim_end_matches("人民法院").trim_end_matches("全市法院");
    let s = s.rsplit_once('市').map_or(s, |(_, rest)| if rest.is_empty() { s } else { rest });
    s.to_owned()
}

fn member_label(key: &GroupKey) -> &'static str {
    match key {
        GroupKey::Province(_) => "各市法院",
        GroupKey::City(_) => "各法院",
        GroupKey::Court(_) => "各法官",
        GroupKey::Judge { .. } => "",
    }
}

// ---------------------------------------------------------------- 指标

pub async fn metrics_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<GroupQuery>,
) -> Result<Response, WebError> {
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    let data = dataset(&state).await?;
    let key = chosen_group(&q, &user.access, &data)?;
    let report = report(&state, &data, period).await?;
    let catalogue = &state.config.catalogue;
    let group = report.group(&key).ok_or(WebError::NotFound)?;
    let compare = comparison(&report, &key, &user.access);
    // Ranks among the province's cities mean something only with two cities or more in the
    // data, and are shown only when asked for.
    let rankable = group.province.is_some() && xiezhi_report::prose::has_province_peers(&report, group);
    let ranked = rankable && q.ranks.as_deref() == Some("1");
    let mut sections: Vec<(String, Vec<Json>)> = Vec::new();
    for entry in catalogue.entries() {
        let i = entry.id.index();
        let unavailable = matches!(group.values[i], xiezhi_metrics::Value::Unavailable(_));
        let row = json!({
            "id": entry.id.as_str(),
            "name": entry.name,
            "ours": matches!(entry.source, xiezhi_metrics::Source::Ours),
            "unit": xiezhi_report::format::unit_label(entry.unit),
            "value": value_text(&group.values[i], entry.unit),
            "raw": raw(&group.values[i]),
            "previous": value_text(&group.previous[i], entry.unit),
            "change": change_text(group.change[i], entry.unit),
            "change_class": change_class(group.change[i], entry),
            "compare": compare.map(|(_, c)| value_text(&c.values[i], entry.unit)),
            "rank": group.province.as_ref().filter(|_| ranked).and_then(|p| p.rank[i]).map(|r| format!("第{r}位")),
            "band": group.band[i].map(|b| xiezhi_report::format::band_label(Some(b))),
            "band_class": match group.band[i] { Some(xiezhi_metrics::Band::Inside) => "in", Some(_) => "out", None => "" },
            "interval": entry.reference.as_ref().map(|r| format!("{}–{}", interval_text(r.low, entry.unit), interval_text(r.high, entry.unit))),
            "link": (!unavailable).then(|| explain_link(entry.id, &key, period)),
            "note": entry.note,
        });
        match sections.iter_mut().find(|(g, _)| g == &entry.group) {
            Some((_, rows)) => rows.push(row),
            None => sections.push((entry.group.clone(), vec![row])),
        }
    }
    let member_groups = members(&report, &key, &user.access);
    let sub: Vec<Json> = member_groups
        .iter()
        .map(|g| {
            json!({
                "name": member_title(&data, g),
                "link": format!("/metrics?{}&from={}&to={}", group_query(&g.key), period.from(), period.to()),
                "cells": SIDE_BY_SIDE.iter().map(|id| {
                    let e = catalogue.entry(*id);
                    json!({"text": value_text(&g.values[id.index()], e.unit), "link": explain_link(*id, &g.key, period)})
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut m = base_ctx(&state, &user, "metrics", "质效指标");
    period_ctx(&mut m, period, &report);
    m.insert("group_title".into(), group_title(&data, Some(group), &key).into());
    m.insert("group_kind".into(), kind_label(&key).into());
    m.insert("groups".into(), group_options(&report, &user.access, &data, &key).into());
    m.insert("compare_label".into(), compare.map(|(l, _)| l).into());
    m.insert("has_rank".into(), ranked.into());
    if rankable {
        let base = format!("/metrics?{}&from={}&to={}", group_query(&key), period.from(), period.to());
        m.insert("rank_toggle".into(), if ranked { base } else { format!("{base}&ranks=1") }.into());
    }
    m.insert(
        "sections".into(),
        sections.into_iter().map(|(name, rows)| json!({"name": name, "rows": rows})).collect::<Vec<_>>().into(),
    );
    m.insert(
        "columns".into(),
        SIDE_BY_SIDE.iter().map(|id| catalogue.entry(*id).name.clone()).collect::<Vec<_>>().into(),
    );
    m.insert("sub".into(), sub.into());
    m.insert("member_kind".into(), member_label(&key).into());
    Ok(render(&state, "metrics.html", m)?.into_response())
}

fn interval_text(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Ratio => format!("{:.0}%", v * 100.0),
        _ => format!("{v}"),
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ExplainQuery {
    pub id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub kind: Option<String>,
    pub code: Option<String>,
    pub court: Option<String>,
    pub side: Option<String>,
    pub page: Option<String>,
}

pub async fn explain_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ExplainQuery>,
) -> Result<Response, WebError> {
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    let id_text = q.id.clone().unwrap_or_default();
    let id =
        IndicatorId::from_str_id(&id_text).ok_or_else(|| WebError::BadRequest(format!("“{id_text}”不是指标。")))?;
    let data = dataset(&state).await?;
    let gq = GroupQuery {
        from: None,
        to: None,
        kind: q.kind.clone(),
        code: q.code.clone(),
        court: q.court.clone(),
        group: None,
        ranks: None,
    };
    if gq.kind.is_none() || gq.code.is_none() {
        return Err(WebError::BadRequest("请指定分组（kind 与 code）。".to_owned()));
    }
    let key = chosen_group(&gq, &user.access, &data)?;
    let report = report(&state, &data, period).await?;
    let catalogue = state.config.catalogue.clone();
    let entry = catalogue.entry(id).clone();
    let explanation = {
        let data = data.clone();
        let key = key.clone();
        tokio::task::spawn_blocking(move || {
            xiezhi_metrics::explain_with(&data.snapshot, period, id.as_str(), &key, &catalogue)
        })
        .await
        .map_err(|e| WebError::Internal(format!("explain: {e}")))?
    }
    .map_err(|e| match e {
        xiezhi_metrics::MetricsError::Unavailable { .. } => {
            WebError::BadRequest("该指标暂不可得，无法穿透。".to_owned())
        }
        xiezhi_metrics::MetricsError::UnknownGroup(_) => WebError::NotFound,
        other => WebError::Internal(other.to_string()),
    })?;
    let side = if q.side.as_deref() == Some("denominator") { "denominator" } else { "numerator" };
    let mut list: Vec<usize> =
        if side == "denominator" { explanation.denominator.clone() } else { explanation.numerator.clone() };
    list.dedup();
    let total = list.len();
    let visible: Vec<usize> = list.into_iter().filter(|&r| data.visible(&user.access, r)).collect();
    let page: usize = q.page.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
    let per_page = 50;
    let today = state.clock.today();
    let rows: Vec<Json> = visible
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|&r| case_row_json(&data, r, today))
        .collect();
    let value = report.group(&key).map(|g| value_text(&g.values[id.index()], entry.unit));
    let base =
        format!("/metrics/explain?id={}&{}&from={}&to={}", id.as_str(), group_query(&key), period.from(), period.to());
    // A drill-down lists cases (案号, judge, dates): a view of case data, audited like a case page.
    auth::audit(
        &state,
        &user,
        "case_list",
        Some(&format!("{} {}", id.as_str(), key.code())),
        Some(&format!("{side}, page {page} of {} visible cases, {}..{}", visible.len(), period.from(), period.to())),
    )
    .await?;
    let mut m = base_ctx(&state, &user, "metrics", "指标穿透");
    period_ctx(&mut m, period, &report);
    m.insert("indicator".into(), json!({"id": id.as_str(), "name": entry.name, "value": value}));
    m.insert("group_title".into(), group_title(&data, report.group(&key), &key).into());
    m.insert(
        "metrics_link".into(),
        format!("/metrics?{}&from={}&to={}", group_query(&key), period.from(), period.to()).into(),
    );
    m.insert("side".into(), side.into());
    m.insert("numerator_count".into(), explanation.numerator.len().into());
    m.insert("denominator_count".into(), explanation.denominator.len().into());
    m.insert("has_denominator".into(), (!explanation.denominator.is_empty() || is_ratio(entry.unit)).into());
    m.insert("numerator_link".into(), format!("{base}&side=numerator").into());
    m.insert("denominator_link".into(), format!("{base}&side=denominator").into());
    m.insert("total".into(), total.into());
    m.insert("visible".into(), visible.len().into());
    m.insert("hidden".into(), (total - visible.len()).into());
    m.insert("rows".into(), rows.into());
    m.insert("paging".into(), pager(&format!("{base}&side={side}"), page, per_page, visible.len()));
    Ok(render(&state, "explain.html", m)?.into_response())
}

fn is_ratio(unit: Unit) -> bool {
    matches!(unit, Unit::Ratio | Unit::Days | Unit::PerJudge | Unit::PerDispute)
}

fn pager(base: &str, page: usize, per_page: usize, total: usize) -> Json {
    let pages = total.div_ceil(per_page).max(1);
    json!({
        "page": page, "pages": pages, "total": total,
        "prev": (page > 1).then(|| format!("{base}&page={}", page - 1)),
        "next": (page < pages).then(|| format!("{base}&page={}", page + 1)),
    })
}

fn case_row_json(data: &Dataset, row: usize, today: Date) -> Json {
    let r = &data.rows[row];
    json!({
        "number": &*r.number,
        "link": format!("/cases/{}", enc(&r.number)),
        "court": r.court.map(|c| data.court_label(c)).unwrap_or_default(),
        "class": r.class().label(),
        "procedure": r.procedure.map(|p| p.label()).unwrap_or(""),
        "filed": r.filed.to_string(),
        "closed": r.closed.map(|d| d.to_string()).unwrap_or_default(),
        "disposition": r.disposition.map(|d| d.label()).unwrap_or(""),
        "judge": r.judge.as_deref().unwrap_or(""),
        "deadline": r.deadline.map(|d| d.to_string()).unwrap_or_default(),
        "status": deadline_status(r, today),
    })
}

// ---------------------------------------------------------------- 案件

pub async fn cases_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<CaseQuery>,
) -> Result<Response, WebError> {
    let today = state.clock.today();
    let filter = q.filter(&user.access, today)?;
    let (page, _) = q.paging()?;
    let per_page = 50;
    let data = dataset(&state).await?;
    let (total, rows) = {
        let data = data.clone();
        let access = user.access.clone();
        tokio::task::spawn_blocking(move || {
            api::filtered_page(&data, &access, &filter, (page - 1).saturating_mul(per_page), per_page)
        })
        .await
        .map_err(|e| WebError::Internal(format!("case list: {e}")))?
    };
    auth::audit(&state, &user, "case_list", None, Some(&format!("{total} cases"))).await?;
    let shown: Vec<Json> = rows.iter().map(|&r| case_row_json(&data, r, today)).collect();
    let mut params: Vec<String> = Vec::new();
    for (name, value) in [
        ("court", &q.court),
        ("type", &q.type_code),
        ("class", &q.class),
        ("procedure", &q.procedure),
        ("judge", &q.judge),
        ("filed_from", &q.filed_from),
        ("filed_to", &q.filed_to),
        ("closed_from", &q.closed_from),
        ("closed_to", &q.closed_to),
        ("pending", &q.pending),
        ("over_limit", &q.over_limit),
        ("q", &q.q),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            params.push(format!("{name}={}", enc(v)));
        }
    }
    let base = format!("/cases?{}", params.join("&"));
    let courts: Vec<Json> = data
        .courts()
        .into_iter()
        .filter(|c| user.access.sees_court(*c))
        .map(|c| json!({"code": c.to_string(), "name": data.court_label(c), "selected": q.court.as_deref() == Some(&c.to_string())}))
        .collect();
    let judges: Vec<Json> = if matches!(user.access.role, Role::Admin | Role::Manager) {
        let court = q.court.as_deref().filter(|c| !c.is_empty());
        data.judges
            .iter()
            .filter(|(c, _)| court.is_none_or(|x| x == c))
            .filter(|(c, _)| xiezhi_domain::CourtCode::parse(c).is_some_and(|c| user.access.sees_court(c)))
            .map(|(_, j)| j.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .take(2000)
            .map(|j| json!({"name": j, "selected": q.judge.as_deref() == Some(j.as_str())}))
            .collect()
    } else {
        Vec::new()
    };
    let mut m = base_ctx(&state, &user, "cases", "案件");
    m.insert(
        "q".into(),
        json!({
            "court": q.court, "type": q.type_code, "class": q.class, "procedure": q.procedure, "judge": q.judge,
            "filed_from": q.filed_from, "filed_to": q.filed_to, "closed_from": q.closed_from, "closed_to": q.closed_to,
            "pending": q.pending, "over_limit": q.over_limit, "q": q.q,
        }),
    );
    m.insert("courts".into(), courts.into());
    m.insert("judges".into(), judges.into());
    m.insert(
        "classes".into(),
        CaseClass::ALL
            .iter()
            .map(|c| json!({"key": c.key(), "label": c.label(), "selected": q.class.as_deref() == Some(c.key())}))
            .collect::<Vec<_>>()
            .into(),
    );
    m.insert(
        "procedures".into(),
        Procedure::ALL
            .iter()
            .map(|p| json!({"label": p.label(), "selected": q.procedure.as_deref() == Some(p.label())}))
            .collect::<Vec<_>>()
            .into(),
    );
    m.insert("rows".into(), shown.into());
    m.insert("paging".into(), pager(&base, page, per_page, total));
    m.insert("export_query".into(), params.join("&").into());
    Ok(render(&state, "cases.html", m)?.into_response())
}

fn facts_fields(f: &CaseFacts) -> Vec<Json> {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    let deadline = xiezhi_domain::StatutoryLimit::for_case(f.case_number.type_code(), f.procedure)
        .map(|l| l.deadline(f.filed_on, f.extension_days, f.suspended_days).to_string());
    [
        ("案号", f.case_number.as_str().to_owned()),
        ("法院", opt(f.court_name.clone().or_else(|| f.case_number.court().map(|c| c.to_string())))),
        ("收案年度", f.case_number.year().to_string()),
        ("类型代字", f.case_number.type_code().as_str().to_owned()),
        ("案件类别", f.case_number.type_code().class().label().to_owned()),
        ("案由", opt(f.cause.clone())),
        ("适用程序", opt(f.procedure.map(|p| p.label().to_owned()))),
        ("立案日期", f.filed_on.to_string()),
        ("结案日期", opt(f.closed_on.map(|d| d.to_string()))),
        ("结案方式", opt(f.disposition.map(|d| d.label().to_owned()))),
        ("承办人", opt(f.judge.clone())),
        ("承办部门", opt(f.department.clone())),
        ("标的额（元）", opt(f.claim_amount.map(|a| a.to_string()))),
        ("申请执行标的额（元）", opt(f.applied_amount.map(|a| a.to_string()))),
        ("执行到位金额（元）", opt(f.recovered_amount.map(|a| a.to_string()))),
        ("延长审限天数", f.extension_days.to_string()),
        ("扣除审限天数", f.suspended_days.to_string()),
        ("审限届满日", opt(deadline)),
        ("原审/执行依据案号", opt(f.origin_case_number.as_ref().map(|n| n.as_str().to_owned()))),
        ("有无财产可供执行", opt(f.has_property.map(|b| if b { "有" } else { "无" }.to_owned()))),
    ]
    .into_iter()
    .map(|(k, v)| json!({"label": k, "value": v}))
    .collect()
}

fn chain_json(f: &CaseFacts) -> Json {
    json!({
        "number": f.case_number.as_str(),
        "link": format!("/cases/{}", enc(f.case_number.as_str())),
        "class": f.case_number.type_code().class().label(),
        "filed": f.filed_on.to_string(),
        "closed": f.closed_on.map(|d| d.to_string()),
        "disposition": f.disposition.map(|d| d.label()),
    })
}

pub async fn case_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let (facts, origin, followers) = api::visible_case(&state, &user, &number).await?;
    let today = state.clock.today();
    let data = dataset(&state).await?;
    let status =
        data.row_of(facts.case_number.as_str()).map(|r| (deadline_status(&data.rows[r], today), data.rows[r].deadline));
    let mut m = base_ctx(&state, &user, "cases", facts.case_number.as_str());
    m.insert("number".into(), facts.case_number.as_str().into());
    m.insert("fields".into(), facts_fields(&facts).into());
    m.insert("status".into(), status.map(|(s, _)| s).into());
    m.insert(
        "days_left".into(),
        status.and_then(|(_, d)| d).filter(|_| facts.closed_on.is_none()).map(|d| d.days_since(today)).into(),
    );
    m.insert("age".into(), facts.closed_on.unwrap_or(today).days_since(facts.filed_on).into());
    m.insert("origin".into(), origin.as_ref().map(chain_json).into());
    m.insert("origin_hidden".into(), (facts.origin_case_number.is_some() && origin.is_none()).into());
    m.insert("origin_number".into(), facts.origin_case_number.as_ref().map(|n| n.as_str().to_owned()).into());
    m.insert("followers".into(), followers.iter().map(chain_json).collect::<Vec<_>>().into());
    Ok(render(&state, "case.html", m)?.into_response())
}

// ---------------------------------------------------------------- 导入

fn require_import(user: &CurrentUser) -> Result<(), WebError> {
    if user.access.may_import() { Ok(()) } else { Err(WebError::Forbidden) }
}

async fn import_ctx(state: &AppState, user: &CurrentUser) -> Result<Map<String, Json>, WebError> {
    let mut m = base_ctx(state, user, "import", "数据导入");
    // The imports table names every court's files: admins see it; a manager sees their own
    // imports, from the audit log.
    let history: Vec<Json> = if user.access.is_admin() {
        state
            .store
            .imports(10)
            .await?
            .into_iter()
            .map(|i| json!({"file": i.file_name, "at": i.imported_at, "rows": i.rows, "inserted": i.inserted, "updated": i.updated, "skipped": i.skipped}))
            .collect()
    } else {
        state
            .store
            .audit_entries(2000)
            .await?
            .into_iter()
            .filter(|e| e.action == "import" && e.username.as_deref() == Some(user.access.username.as_str()))
            .take(10)
            .map(|e| {
                // "rows N new N updated N skipped N"
                let detail = e.detail.unwrap_or_default();
                let words: Vec<&str> = detail.split_whitespace().collect();
                let figure = |name: &str| words.iter().position(|w| *w == name).and_then(|i| words.get(i + 1)).copied();
                json!({"file": e.object, "at": e.at, "rows": figure("rows"), "inserted": figure("new"), "updated": figure("updated"), "skipped": figure("skipped")})
            })
            .collect()
    };
    m.insert("history".into(), history.into());
    m.insert("limit".into(), crate::error::size_text(state.config.max_upload_bytes).into());
    Ok(m)
}

pub async fn import_page(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, WebError> {
    require_import(&user)?;
    let m = import_ctx(&state, &user).await?;
    Ok(render(&state, "import.html", m)?.into_response())
}

/// The fields of a multipart form: text fields and at most one file.
struct Upload {
    fields: HashMap<String, String>,
    file: Option<(String, Vec<u8>)>,
}

async fn read_multipart(state: &AppState, mut multipart: Multipart) -> Result<Upload, WebError> {
    let limit = state.config.max_upload_bytes;
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge { limit }
        } else {
            WebError::BadRequest("表单格式错误。".to_owned())
        }
    };
    let mut upload = Upload { fields: HashMap::new(), file: None };
    while let Some(field) = multipart.next_field().await.map_err(too_large)? {
        let name = field.name().unwrap_or("").to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(too_large)?;
                if bytes.len() > limit {
                    return Err(WebError::TooLarge { limit });
                }
                if !bytes.is_empty() {
                    upload.file = Some((file_name, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(too_large)?;
                upload.fields.insert(name, text);
            }
        }
    }
    Ok(upload)
}

pub(crate) fn file_base_name(name: &str) -> String {
    name.rsplit(['/', '\\']).next().unwrap_or(name).chars().filter(|c| !c.is_control()).take(200).collect()
}

pub async fn import_upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    require_import(&user)?;
    let upload = read_multipart(&state, multipart).await?;
    user.check_csrf(upload.fields.get("csrf").map(String::as_str))?;
    let Some((file_name, bytes)) = upload.file else {
        return Err(WebError::BadRequest("请选择要导入的 CSV 或 XLSX 文件。".to_owned()));
    };
    let file_name = file_base_name(&file_name);
    let skip_invalid = upload.fields.get("skip_invalid").is_some_and(|v| v == "1" || v == "on");
    let path = save_upload(&state, &bytes, &file_name)?;
    let options = ImportOptions { skip_invalid, dry_run: true, ..ImportOptions::default() };
    let result = api::run_import(&state, &user, &path, &file_name, options).await;
    let mut m = import_ctx(&state, &user).await?;
    match result {
        Ok((status, report)) => {
            let ok = status == StatusCode::OK;
            if ok {
                let token = auth::random_token();
                state.uploads.sweep();
                let mut pending = state.uploads.imports.lock().expect("uploads lock");
                // One validated upload waits per user: a new upload replaces the last one.
                pending.retain(|_, p| {
                    let mine = p.username == user.access.username;
                    if mine {
                        let _ = std::fs::remove_file(&p.path);
                    }
                    !mine
                });
                pending.insert(
                    token.clone(),
                    PendingUpload {
                        path,
                        file_name: file_name.clone(),
                        username: user.access.username.clone(),
                        skip_invalid,
                        created: std::time::Instant::now(),
                    },
                );
                drop(pending);
                m.insert("token".into(), token.into());
            } else {
                let _ = std::fs::remove_file(&path);
            }
            m.insert("report".into(), trim_problems(report));
            m.insert("validated".into(), ok.into());
            // A rejected file answers 422, as the API does.
            Ok((status, render(&state, "import.html", m)?).into_response())
        }
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            m.insert("error".into(), e.message().into());
            Ok((e.status(), render(&state, "import.html", m)?).into_response())
        }
    }
}

/// At most 500 problems on a page (the count says how many there are).
fn trim_problems(mut report: Json) -> Json {
    if let Some(list) = report.get_mut("problems").and_then(|p| p.as_array_mut()) {
        let n = list.len();
        list.truncate(500);
        report["problem_count"] = n.into();
    }
    report
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    pub csrf: Option<String>,
    pub token: Option<String>,
}

pub async fn import_confirm(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, WebError> {
    require_import(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let pending = {
        let mut map = state.uploads.imports.lock().expect("uploads lock");
        let token = form.token.as_deref().unwrap_or("");
        // Only the uploader's own confirmation takes the upload (another account's attempt
        // leaves it waiting for its owner).
        match map.get(token) {
            Some(p) if p.username == user.access.username => map.remove(token).expect("present"),
            Some(_) => return Err(WebError::NotFound),
            None => return Err(WebError::BadRequest("该上传已处理或已过期，请重新上传。".to_owned())),
        }
    };
    let options = ImportOptions { skip_invalid: pending.skip_invalid, ..ImportOptions::default() };
    let result = api::run_import(&state, &user, &pending.path, &pending.file_name, options).await;
    let _ = std::fs::remove_file(&pending.path);
    let mut m = import_ctx(&state, &user).await?;
    match result {
        Ok((status, report)) => {
            m.insert("report".into(), trim_problems(report));
            m.insert("done".into(), (status == StatusCode::OK).into());
            Ok(render(&state, "import.html", m)?.into_response())
        }
        Err(e) => {
            m.insert("error".into(), e.message().into());
            Ok((e.status(), render(&state, "import.html", m)?).into_response())
        }
    }
}

// ---------------------------------------------------------------- 报表

fn require_reports(user: &CurrentUser) -> Result<(), WebError> {
    if matches!(user.access.role, Role::Admin | Role::Manager) { Ok(()) } else { Err(WebError::Forbidden) }
}

/// Whether a bulletin or a filled draft may cover `key`: a province, city or court whose
/// courts all lie in the user's scope. A bulletin lists its scope's courts one by one, so a
/// basic-court manager (who sees the city's aggregate) may not report on the city.
fn may_report_on(access: &Access, key: &GroupKey) -> bool {
    match key {
        GroupKey::Province(c) | GroupKey::City(c) | GroupKey::Court(c) => access.sees_court(*c),
        GroupKey::Judge { .. } => false,
    }
}

/// The scopes a user may report on (see [`may_report_on`]).
fn report_scopes(report: &MetricsReport, access: &Access, data: &Dataset) -> Vec<Json> {
    report
        .groups
        .iter()
        .filter(|g| may_report_on(access, &g.key))
        .map(|g| json!({"code": g.key.code(), "label": format!("{} {}", kind_label(&g.key), group_title(data, Some(g), &g.key))}))
        .collect()
}

pub async fn reports_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<GroupQuery>,
) -> Result<Response, WebError> {
    require_reports(&user)?;
    // Bulletins and speeches report whole months: by default 1 January to the end of the last
    // complete month (in January, the whole of last year), so that 前X个月 can be filled.
    let period = if q.from.is_none() && q.to.is_none() {
        last_complete_months(state.clock.today())
    } else {
        period_of(&state, q.from.as_deref(), q.to.as_deref())?
    };
    let data = dataset(&state).await?;
    let report = report(&state, &data, period).await?;
    let mut m = base_ctx(&state, &user, "reports", "报表");
    period_ctx(&mut m, period, &report);
    m.insert("scopes".into(), report_scopes(&report, &user.access, &data).into());
    Ok(render(&state, "reports.html", m)?.into_response())
}

/// 1 January to the last day of the month before `today`'s (both in that month's year).
fn last_complete_months(today: Date) -> Period {
    let (year, month, _) = today.ymd();
    let end = Date::from_ymd(year, month, 1).expect("the 1st exists").add_days(-1);
    let start = Date::from_ymd(end.year(), 1, 1).expect("1 January exists");
    Period::new(start, end).expect("start ≤ end")
}

/// The scope of a report request, refused when outside the user's scope.
fn report_scope(code: Option<&str>, access: &Access) -> Result<Scope, WebError> {
    let code =
        code.map(str::trim).filter(|c| !c.is_empty()).ok_or_else(|| WebError::BadRequest("请选择范围。".to_owned()))?;
    let scope = Scope::parse(code).map_err(|_| WebError::BadRequest(format!("“{code}”不是法院代字。")))?;
    if !may_report_on(access, &scope.key) {
        return Err(WebError::Forbidden);
    }
    Ok(scope)
}

/// The action lists of a scope for a bulletin, from the rows in memory.
fn bulletin_actions(
    data: &Dataset,
    access: &Access,
    scope: &Scope,
    as_of: Date,
    catalogue: &xiezhi_metrics::Catalogue,
) -> ActionLists {
    let rows = data.actions(access, &scope.key, as_of, 15, catalogue);
    let case = |row: &usize| {
        let r = &data.rows[*row];
        ActionCase {
            case_number: r.number.to_string(),
            court: r.court.map(|c| c.to_string()).unwrap_or_default(),
            judge: r.judge.as_deref().map(str::to_owned),
            filed_on: r.filed,
            deadline: r.deadline,
            age_days: as_of.days_since(r.filed),
        }
    };
    let mut lists = ActionLists {
        over_limit: rows.over_limit.iter().map(case).collect(),
        over_12m: rows.over_12m.iter().map(case).collect(),
    };
    for list in [&mut lists.over_limit, &mut lists.over_12m] {
        list.sort_by(|a, b| b.age_days.cmp(&a.age_days).then_with(|| a.case_number.cmp(&b.case_number)));
    }
    lists
}

#[derive(Debug, Deserialize, Default)]
pub struct BulletinQuery {
    pub scope: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
}

pub async fn bulletin_download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<BulletinQuery>,
) -> Result<Response, WebError> {
    require_reports(&user)?;
    let scope = report_scope(q.scope.as_deref(), &user.access)?;
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    let format = q.format.clone().unwrap_or_else(|| "docx".to_owned());
    let data = dataset(&state).await?;
    let report = report(&state, &data, period).await?;
    scope.group_with_data(&report).map_err(|_| WebError::BadRequest("该范围在所选期间没有案件。".to_owned()))?;
    let catalogue = state.config.catalogue.clone();
    let today = state.clock.today();
    let access = user.access.clone();
    let scope2 = scope.clone();
    let format2 = format.clone();
    let demo = state.config.demo_banner;
    let fonts_dir = state.config.fonts_dir.clone();
    let bytes = tokio::task::spawn_blocking(move || -> Result<(Vec<u8>, &'static str, &'static str), WebError> {
        let months = xiezhi_report::monthly_series(&data.snapshot, period, &catalogue, &scope2);
        let actions = bulletin_actions(&data, &access, &scope2, period.to(), &catalogue);
        let mut options = BulletinOptions::new(today);
        options.synthetic = demo;
        let bulletin = Bulletin::build(&report, &catalogue, &scope2, &months, &actions, &options)
            .map_err(|e| WebError::BadRequest(format!("无法生成通报：{e}")))?;
        Ok(match format2.as_str() {
            "html" => (xiezhi_report::html::write(&bulletin), "text/html; charset=utf-8", "html"),
            "xlsx" => (
                xiezhi_report::xlsx::write(&bulletin).map_err(|e| WebError::Internal(e.to_string()))?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            "docx" => {
                let charts = match xiezhi_report::ChartFonts::load(fonts_dir.as_deref(), true) {
                    Ok(fonts) => {
                        let mut charts = Vec::new();
                        for chart in [&bulletin.trend, &bulletin.comparison] {
                            charts.push(xiezhi_report::docx::ChartImage {
                                png: fonts.render_png(chart, 2.0).map_err(|e| WebError::Internal(e.to_string()))?,
                            });
                        }
                        charts
                    }
                    Err(_) => Vec::new(),
                };
                (
                    xiezhi_report::docx::write(&bulletin, &xiezhi_report::docx::DocxFonts::default(), &charts)
                        .map_err(|e| WebError::Internal(e.to_string()))?,
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "docx",
                )
            }
            _ => return Err(WebError::BadRequest("格式应为 docx、html 或 xlsx。".to_owned())),
        })
    })
    .await
    .map_err(|e| WebError::Internal(format!("bulletin: {e}")))??;
    auth::audit(
        &state,
        &user,
        "report_download",
        Some(&scope.key.code()),
        Some(&format!("{} {}–{}", format, period.from(), period.to())),
    )
    .await?;
    let (bytes, content_type, ext) = bytes;
    let name = format!("bulletin-{}-{}-{}.{ext}", enc(&scope.key.code()), period.from(), period.to());
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

pub async fn fill_upload(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    multipart: Multipart,
) -> Result<Response, WebError> {
    require_reports(&user)?;
    let upload = read_multipart(&state, multipart).await?;
    user.check_csrf(upload.fields.get("csrf").map(String::as_str))?;
    let scope = report_scope(upload.fields.get("scope").map(String::as_str), &user.access)?;
    let period =
        period_of(&state, upload.fields.get("from").map(String::as_str), upload.fields.get("to").map(String::as_str))?;
    let Some((file_name, bytes)) = upload.file else {
        return Err(WebError::BadRequest("请选择讲话稿文件（.txt、.md 或 .docx）。".to_owned()));
    };
    let file_name = file_base_name(&file_name);
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let data = dataset(&state).await?;
    let report = report(&state, &data, period).await?;
    let catalogue = state.config.catalogue.clone();
    let ctx = xiezhi_report::fill::FillContext::new(&report, &catalogue, &scope)
        .map_err(|_| WebError::BadRequest("该范围在所选期间没有案件。".to_owned()))?;
    let config = xiezhi_report::fill::FillConfig::default();
    let (filled, log, content_type) = match ext.as_str() {
        "txt" | "md" | "markdown" | "text" => {
            let (text, encoding) = xiezhi_report::fill::decode_text_draft(&bytes)
                .map_err(|_| WebError::BadRequest("讲话稿应为 UTF-8 或 GB18030（GBK）文本。".to_owned()))?;
            let (filled, log) = xiezhi_report::fill::fill_text(&text, &ctx, &config);
            let content_type = match encoding {
                xiezhi_report::fill::TextEncoding::Gb18030 => "text/plain; charset=gb18030",
                _ => "text/plain; charset=utf-8",
            };
            (xiezhi_report::fill::encode_text_draft(&filled, encoding), log, content_type)
        }
        "docx" => {
            let (filled, log) = xiezhi_report::fill::fill_docx(&bytes, &ctx, &config)
                .map_err(|e| WebError::BadRequest(format!("无法读取该 DOCX：{e}")))?;
            (filled, log, "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        _ => return Err(WebError::BadRequest("讲话稿应为 .txt、.md 或 .docx 文件。".to_owned())),
    };
    let token = auth::random_token();
    let out_name = match file_name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-已填数.{ext}"),
        None => format!("{file_name}-已填数"),
    };
    let log_text = log.to_text();
    let slots = log.slots().count();
    let left = log.entries.iter().filter(|e| matches!(e, xiezhi_report::fill::LogEntry::Left { .. })).count();
    state.uploads.sweep();
    {
        let mut map = state.uploads.filled.lock().expect("uploads lock");
        // One filled draft waits per user: a new one replaces the last (memory stays bounded by
        // the number of accounts, not of requests).
        map.retain(|_, f| f.username != user.access.username);
        map.insert(
            token.clone(),
            FilledDraft {
                bytes: filled,
                file_name: out_name.clone(),
                content_type,
                username: user.access.username.clone(),
                created: std::time::Instant::now(),
            },
        );
    }
    auth::audit(&state, &user, "draft_fill", Some(&scope.key.code()), Some(&format!("{slots} slots, {left} left")))
        .await?;
    let mut m = base_ctx(&state, &user, "reports", "报表");
    period_ctx(&mut m, period, &report);
    m.insert("scopes".into(), report_scopes(&report, &user.access, &data).into());
    m.insert("fill".into(), json!({"token": token, "name": out_name, "log": log_text, "slots": slots, "left": left}));
    Ok(render(&state, "reports.html", m)?.into_response())
}

pub async fn filled_download(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    require_reports(&user)?;
    let map = state.uploads.filled.lock().expect("uploads lock");
    let draft = map.get(&token).filter(|d| d.username == user.access.username).ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, draft.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", enc(&draft.file_name))),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        draft.bytes.clone(),
    )
        .into_response())
}

// ---------------------------------------------------------------- 用户

fn require_admin(user: &CurrentUser) -> Result<(), WebError> {
    if user.access.is_admin() { Ok(()) } else { Err(WebError::Forbidden) }
}

async fn users_html(
    state: &AppState,
    user: &CurrentUser,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let users: Vec<Json> = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| {
            json!({
                "username": u.username, "role": Role::parse(&u.role).map_or(u.role.clone(), |r| r.label().to_owned()),
                "court": u.court_code, "judge": u.judge_name, "disabled": u.disabled, "created_at": u.created_at,
                "enc": enc(&u.username),
            })
        })
        .collect();
    let audit: Vec<Json> = state
        .store
        .audit_entries(50)
        .await?
        .into_iter()
        .map(
            |a| json!({"at": a.at, "username": a.username, "action": a.action, "object": a.object, "detail": a.detail}),
        )
        .collect();
    let mut m = base_ctx(state, user, "users", "用户管理");
    m.insert("users".into(), users.into());
    m.insert("audit".into(), audit.into());
    m.insert(
        "roles".into(),
        Role::ALL.iter().map(|r| json!({"key": r.key(), "label": r.label()})).collect::<Vec<_>>().into(),
    );
    m.insert("message".into(), message.into());
    m.insert("error".into(), error.clone().into());
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    Ok((status, render(state, "users.html", m)?).into_response())
}

pub async fn users_page(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, WebError> {
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
}

/// Checks a new password: at least 10 characters.
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 10 { Err("密码至少 10 个字符。".to_owned()) } else { Ok(()) }
}

pub async fn user_add(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    let Form(form) = form.map_err(|_| WebError::BadRequest("表单格式错误。".to_owned()))?;
    user.check_csrf(form.csrf.as_deref())?;
    let username = form.username.as_deref().unwrap_or("").trim().to_owned();
    let password = form.password.clone().unwrap_or_default();
    let valid_name = !username.is_empty()
        && username.chars().count() <= 64
        && !username.chars().any(|c| c.is_whitespace() || c.is_control());
    if !valid_name {
        return users_html(&state, &user, None, Some("用户名不能为空，不能含空白字符，最长 64 个字符。".to_owned()))
            .await;
    }
    let access = match Access::new(
        &username,
        form.role.as_deref().unwrap_or(""),
        form.court.as_deref(),
        form.judge.as_deref(),
    ) {
        Ok(a) => a,
        Err(e) => return users_html(&state, &user, None, Some(format!("账户信息有误：{e}"))).await,
    };
    if let Err(e) = check_password(&password) {
        return users_html(&state, &user, None, Some(e)).await;
    }
    let config = state.config.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password_with(&config, &password))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let court = access.court.map(|c| c.to_string());
    let created = state
        .store
        .create_user(&xiezhi_store::accounts::NewUser {
            username: &username,
            password_hash: &hash,
            role: access.role.key(),
            court_code: court.as_deref(),
            judge_name: access.judge.as_deref(),
            created_at: &state.clock.timestamp(),
        })
        .await?;
    if created.is_none() {
        return users_html(&state, &user, None, Some(format!("用户名“{username}”已存在。"))).await;
    }
    auth::audit(&state, &user, "user_add", Some(&username), Some(access.role.key())).await?;
    users_html(&state, &user, Some(format!("已添加用户 {username}。")), None).await
}

async fn user_change(
    state: AppState,
    user: CurrentUser,
    username: String,
    form: UserForm,
    action: &'static str,
) -> Result<Response, WebError> {
    require_admin(&user)?;
    user.check_csrf(form.csrf.as_deref())?;
    let found = match action {
        "user_disable" => {
            if username == user.access.username {
                return users_html(&state, &user, None, Some("不能停用自己的账户。".to_owned())).await;
            }
            state.store.set_user_disabled(&username, true).await?
        }
        "user_enable" => state.store.set_user_disabled(&username, false).await?,
        _ => {
            let password = form.password.clone().unwrap_or_default();
            if let Err(e) = check_password(&password) {
                return users_html(&state, &user, None, Some(e)).await;
            }
            let config = state.config.clone();
            let hash = tokio::task::spawn_blocking(move || auth::hash_password_with(&config, &password))
                .await
                .map_err(|e| WebError::Internal(e.to_string()))?
                .map_err(|e| WebError::Internal(e.to_string()))?;
            state.store.set_password_hash(&username, &hash).await?
        }
    };
    if !found {
        return Err(WebError::NotFound);
    }
    auth::audit(&state, &user, action, Some(&username), None).await?;
    let message = match action {
        "user_disable" => format!("已停用 {username}。"),
        "user_enable" => format!("已启用 {username}。"),
        _ => format!("已重设 {username} 的密码。"),
    };
    users_html(&state, &user, Some(message), None).await
}

fn user_form(form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>) -> Result<UserForm, WebError> {
    form.map(|Form(f)| f).map_err(|_| WebError::BadRequest("表单格式错误。".to_owned()))
}

pub async fn user_disable(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(username): Path<String>,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    user_change(state, user, username, user_form(form)?, "user_disable").await
}

pub async fn user_enable(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(username): Path<String>,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    user_change(state, user, username, user_form(form)?, "user_enable").await
}

pub async fn user_password(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(username): Path<String>,
    form: Result<Form<UserForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, WebError> {
    user_change(state, user, username, user_form(form)?, "user_password").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_default_to_whole_months_of_the_year() {
        let d = |t: &str| Date::parse_iso(t).unwrap();
        let p = last_complete_months(d("2026-11-27"));
        assert_eq!((p.from(), p.to()), (d("2026-01-01"), d("2026-10-31")));
        let p = last_complete_months(d("2027-01-10"));
        assert_eq!((p.from(), p.to()), (d("2026-01-01"), d("2026-12-31")));
        let p = last_complete_months(d("2024-03-01"));
        assert_eq!((p.from(), p.to()), (d("2024-01-01"), d("2024-02-29")));
    }
}

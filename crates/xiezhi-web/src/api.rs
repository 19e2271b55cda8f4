//! JSON API under `/api/v1`, authenticated and scoped like the pages, and its OpenAPI document
//! (`/api/openapi.json`, written by hand and embedded).

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use xiezhi_domain::{CaseClass, CaseFacts, CourtCode, Date, Procedure, StatutoryLimit, TypeCode};
use xiezhi_metrics::{GroupKey, MetricsReport, Period};

use crate::AppState;
use crate::access::Access;
use crate::auth::{self, ApiUser, CurrentUser};
use crate::data::{CaseFilter, CaseRow, Dataset};
use crate::error::{ApiError, WebError};
use crate::ingest::{ImportFailure, ImportOptions};

/// Parses an optional `YYYY-MM-DD` query value.
pub(crate) fn parse_day(text: Option<&str>, what: &str) -> Result<Option<Date>, WebError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Date::parse_iso(t)
            .map(Some)
            .map_err(|_| WebError::BadRequest(format!("{what}“{t}”不是有效日期（格式 YYYY-MM-DD）。"))),
    }
}

/// The period of `from`/`to`, by default this year to date (1 January of today's year to today).
pub(crate) fn period_of(state: &AppState, from: Option<&str>, to: Option<&str>) -> Result<Period, WebError> {
    let today = state.clock.today();
    let from =
        parse_day(from, "起始日期")?.unwrap_or_else(|| Date::from_ymd(today.year(), 1, 1).expect("1 January exists"));
    let to = parse_day(to, "截止日期")?.unwrap_or(today);
    // Monthly trends and caches are sized by the period: a bound keeps one request from
    // occupying the shared computation (a century would be 1,200 monthly runs).
    if to.days_since(from) > MAX_PERIOD_YEARS * 366 {
        return Err(WebError::BadRequest(format!("统计期间最长{MAX_PERIOD_YEARS}年，请缩短期间。")));
    }
    Period::new(from, to).map_err(|_| WebError::BadRequest("起始日期晚于截止日期。".to_owned()))
}

/// The longest period a page or API call may ask for.
pub(crate) const MAX_PERIOD_YEARS: i32 = 10;

pub(crate) async fn dataset(state: &AppState) -> Result<std::sync::Arc<Dataset>, WebError> {
    Ok(state.data.get(&state.store, &state.config.catalogue).await?)
}

/// The report for a period, computed off the async workers.
pub(crate) async fn report(
    state: &AppState,
    data: &std::sync::Arc<Dataset>,
    period: Period,
) -> Result<std::sync::Arc<MetricsReport>, WebError> {
    let data = data.clone();
    let config = state.config.clone();
    tokio::task::spawn_blocking(move || data.report(period, &config.catalogue))
        .await
        .map_err(|e| WebError::Internal(format!("computing indicators: {e}")))
}

/// The contract JSON restricted to the groups `access` may see.
pub(crate) fn scoped_json(report: &MetricsReport, access: &Access) -> Json_ {
    let mut json = report.to_json();
    if let Some(groups) = json.get_mut("groups").and_then(|g| g.as_array_mut()) {
        let keep: Vec<bool> = report.groups.iter().map(|g| access.sees_group(&g.key)).collect();
        let mut i = 0;
        groups.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
    json
}

/// Query parameters of the case list (pages and API).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct CaseQuery {
    pub court: Option<String>,
    #[serde(rename = "type")]
    pub type_code: Option<String>,
    pub class: Option<String>,
    pub procedure: Option<String>,
    pub judge: Option<String>,
    pub filed_from: Option<String>,
    pub filed_to: Option<String>,
    pub closed_from: Option<String>,
    pub closed_to: Option<String>,
    /// `1`/`true` 未结, `0`/`false` 已结.
    pub pending: Option<String>,
    pub over_limit: Option<String>,
    /// 案号 search.
    pub q: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

fn flag(text: Option<&str>) -> Result<Option<bool>, WebError> {
    match text.map(str::trim).unwrap_or("") {
        "" => Ok(None),
        "1" | "true" | "on" | "yes" => Ok(Some(true)),
        "0" | "false" | "no" => Ok(Some(false)),
        other => Err(WebError::BadRequest(format!("“{other}”不是有效的是/否取值。"))),
    }
}

fn blank(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

impl CaseQuery {
    /// The filter, refusing a court outside the scope (403) and malformed values (400).
    pub(crate) fn filter(&self, access: &Access, today: Date) -> Result<CaseFilter, WebError> {
        let court = match blank(&self.court) {
            None => None,
            Some(c) => {
                let code = CourtCode::parse(c).ok_or_else(|| WebError::BadRequest(format!("“{c}”不是法院代字。")))?;
                if !access.sees_court(code) {
                    return Err(WebError::Forbidden);
                }
                Some(code)
            }
        };
        let type_code = match blank(&self.type_code) {
            None => None,
            Some(t) => {
                Some(TypeCode::from_text(t).ok_or_else(|| WebError::BadRequest(format!("“{t}”不是类型代字。")))?)
            }
        };
        let class = match blank(&self.class) {
            None => None,
            Some(k) => Some(
                CaseClass::ALL
                    .into_iter()
                    .find(|c| c.key() == k)
                    .ok_or_else(|| WebError::BadRequest(format!("“{k}”不是案件类别。")))?,
            ),
        };
        let procedure = match blank(&self.procedure) {
            None => None,
            Some(p) => Some(Procedure::parse(p).map_err(|_| WebError::BadRequest(format!("“{p}”不是适用程序。")))?),
        };
        Ok(CaseFilter {
            court,
            type_code,
            class,
            procedure,
            judge: blank(&self.judge).map(str::to_owned),
            filed_from: parse_day(self.filed_from.as_deref(), "立案起始日期")?,
            filed_to: parse_day(self.filed_to.as_deref(), "立案截止日期")?,
            closed_from: parse_day(self.closed_from.as_deref(), "结案起始日期")?,
            closed_to: parse_day(self.closed_to.as_deref(), "结案截止日期")?,
            pending: flag(self.pending.as_deref())?,
            over_limit: flag(self.over_limit.as_deref())?.unwrap_or(false),
            number: blank(&self.q).map(|q| q.replace('(', "（").replace(')', "）")),
            as_of: Some(today),
        })
    }

    pub(crate) fn paging(&self) -> Result<(usize, usize), WebError> {
        let parse = |t: Option<&str>, default: usize| -> Result<usize, WebError> {
            match t.map(str::trim).filter(|t| !t.is_empty()) {
                None => Ok(default),
                Some(t) => t.parse::<usize>().map_err(|_| WebError::BadRequest(format!("“{t}”不是页码。"))),
            }
        };
        let page = parse(self.page.as_deref(), 1)?.max(1);
        let per_page = parse(self.per_page.as_deref(), 50)?.clamp(1, 500);
        Ok((page, per_page))
    }
}

/// The rows matching a filter within the scope.
/// The cases a filter selects, newest filing first: how many there are, and the rows of one page
/// (`skip`, `take`). Only the courts the viewer may see (and the filter names) are read, from
/// per-court row lists kept in list order. When nothing but the court is filtered and the viewer
/// sees whole courts, the count is the lists' lengths and the page is a merge of their heads;
/// otherwise the candidate rows are tested and the page is selected by each row's precomputed
/// list position, without sorting every match.
pub(crate) fn filtered_page(
    data: &Dataset,
    access: &Access,
    filter: &CaseFilter,
    skip: usize,
    take: usize,
) -> (usize, Vec<usize>) {
    // On a day no case was closed after, only open cases can be pending: 未结/超审限 read their
    // lists. When no case was filed after it either, the open lists are exactly 未结 and the
    // closed lists exactly 已结.
    let no_closing_after = filter.as_of.is_some_and(|day| data.latest_closed.is_none_or(|last| last <= day));
    let no_filing_after = filter.as_of.is_some_and(|day| data.latest_filed.is_none_or(|last| last <= day));
    let source = match filter.pending {
        Some(false) if no_closing_after && no_filing_after => &data.closed_by_court,
        Some(true) if no_closing_after => &data.open_by_court,
        _ if filter.over_limit && no_closing_after => &data.open_by_court,
        _ => &data.by_court,
    };
    let exact = filter.pending.is_some() && no_closing_after && no_filing_after && filter.only_court_and_pending();
    let lists: Vec<&[u32]> = source
        .iter()
        .filter(|(court, _)| match court {
            Some(c) => filter.court.is_none_or(|f| f == *c) && access.sees_court(*c),
            None => filter.court.is_none() && access.sees_case(None, None),
        })
        .map(|(_, rows)| rows.as_slice())
        .collect();
    let whole_courts = matches!(access.role, crate::access::Role::Admin | crate::access::Role::Manager);
    if take == 0 {
        let total = lists
            .iter()
            .flat_map(|l| l.iter())
            .filter(|&&r| filter.matches(&data.rows[r as usize]) && data.visible(access, r as usize));
        return (total.count(), Vec::new());
    }
    if (filter.only_court() || exact) && whole_courts {
        let total = lists.iter().map(|l| l.len()).sum();
        // Merge the lists' heads by list position until the page is complete.
        let mut heads: std::collections::BinaryHeap<std::cmp::Reverse<(u32, usize, usize)>> = lists
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
            .map(|(i, l)| std::cmp::Reverse((data.list_rank[l[0] as usize], i, 0)))
            .collect();
        let mut page = Vec::with_capacity(take);
        let mut seen = 0;
        while let Some(std::cmp::Reverse((_, list, at))) = heads.pop() {
            if seen >= skip {
                page.push(lists[list][at] as usize);
                if page.len() == take {
                    break;
                }
            }
            seen += 1;
            if let Some(&next) = lists[list].get(at + 1) {
                heads.push(std::cmp::Reverse((data.list_rank[next as usize], list, at + 1)));
            }
        }
        return (total, page);
    }
    let mut matched: Vec<(u32, u32)> = lists
        .iter()
        .flat_map(|l| l.iter())
        .filter(|&&r| filter.matches(&data.rows[r as usize]) && data.visible(access, r as usize))
        .map(|&r| (data.list_rank[r as usize], r))
        .collect();
    let total = matched.len();
    if skip >= total || take == 0 {
        return (total, Vec::new());
    }
    if skip > 0 {
        matched.select_nth_unstable(skip);
    }
    let tail = &mut matched[skip..];
    if tail.len() > take {
        tail.select_nth_unstable(take - 1);
    }
    let shown = take.min(tail.len());
    let page = &mut tail[..shown];
    page.sort_unstable();
    (total, page.iter().map(|&(_, r)| r as usize).collect())
}

/// 审限状态 of a case at `today`.
pub(crate) fn deadline_status(r: &CaseRow, today: Date) -> &'static str {
    match (r.deadline, r.closed) {
        (None, _) => "无审限",
        (Some(d), Some(c)) if c <= d => "审限内结案",
        (Some(_), Some(_)) => "超审限结案",
        (Some(d), None) if d < today => "超审限未结",
        (Some(d), None) if d.days_since(today) <= 15 => "临近审限",
        (Some(_), None) => "审限内",
    }
}

pub(crate) fn row_json(data: &Dataset, r: &CaseRow, today: Date) -> Json_ {
    json!({
        "case_number": &*r.number,
        "court": r.court.map(|c| c.to_string()),
        "court_name": r.court.map(|c| data.court_label(c)),
        "type_code": r.type_code.as_str(),
        "class": r.class().key(),
        "procedure": r.procedure.map(|p| p.label()),
        "filed_on": r.filed.to_string(),
        "closed_on": r.closed.map(|d| d.to_string()),
        "disposition": r.disposition.map(|d| d.label()),
        "judge": r.judge.as_deref(),
        "deadline": r.deadline.map(|d| d.to_string()),
        "deadline_status": deadline_status(r, today),
    })
}

pub(crate) fn facts_json(f: &CaseFacts) -> Json_ {
    json!({
        "case_number": f.case_number.as_str(),
        "court": f.case_number.court().map(|c| c.to_string()),
        "court_name": f.court_name,
        "year": f.case_number.year(),
        "type_code": f.case_number.type_code().as_str(),
        "class": f.case_number.type_code().class().key(),
        "cause": f.cause,
        "procedure": f.procedure.map(|p| p.label()),
        "filed_on": f.filed_on.to_string(),
        "closed_on": f.closed_on.map(|d| d.to_string()),
        "disposition": f.disposition.map(|d| d.label()),
        "judge": f.judge,
        "department": f.department,
        "claim_amount": f.claim_amount.map(|a| a.to_string()),
        "applied_amount": f.applied_amount.map(|a| a.to_string()),
        "recovered_amount": f.recovered_amount.map(|a| a.to_string()),
        "extension_days": f.extension_days,
        "suspended_days": f.suspended_days,
        "origin_case_number": f.origin_case_number.as_ref().map(|n| n.as_str().to_owned()),
        "has_property": f.has_property,
        "deadline": StatutoryLimit::for_case(f.case_number.type_code(), f.procedure)
            .map(|l| l.deadline(f.filed_on, f.extension_days, f.suspended_days).to_string()),
    })
}

/// A case the user may see, with its chain (origin and followers, each only if visible), or
/// 404 for a missing case and for a case outside the scope alike. The view is audited.
pub(crate) async fn visible_case(
    state: &AppState,
    user: &CurrentUser,
    number: &str,
) -> Result<(CaseFacts, Option<CaseFacts>, Vec<CaseFacts>), WebError> {
    let sees = |f: &CaseFacts| user.access.sees_case(f.case_number.court(), f.judge.as_deref());
    let found = match xiezhi_domain::CaseNumber::parse(number.trim()) {
        Ok(canonical) => state.store.case(canonical.as_str()).await?.filter(|f| sees(f)),
        Err(_) => None,
    };
    let Some(facts) = found else {
        // Missing, malformed or outside the scope: one answer, one audit entry (a probe for
        // case numbers leaves a trace, and the three cost the same).
        let asked: String = number.trim().chars().take(64).collect();
        auth::audit(state, user, "case_view_refused", Some(&asked), None).await?;
        return Err(WebError::NotFound);
    };
    let origin = match &facts.origin_case_number {
        Some(o) => state.store.case(o.as_str()).await?.filter(|f| sees(f)),
        None => None,
    };
    let followers =
        state.store.cases_following(facts.case_number.as_str()).await?.into_iter().filter(|f| sees(f)).collect();
    auth::audit(state, user, "case_view", Some(facts.case_number.as_str()), None).await?;
    Ok((facts, origin, followers))
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
        "scope": a.scope_label(),
        "csrf_token": user.csrf,
    })
}

/// `POST /api/v1/login`.
pub async fn login(
    State(state): State<AppState>,
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
    let (user, cookie) = auth::login(&state, &headers, &body.username, &body.password).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(user_json(&user))).into_response())
}

/// `POST /api/v1/logout` (X-CSRF-Token).
pub async fn logout(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    user.check_csrf_header(&headers)?;
    auth::logout(&state, &user).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, auth::session_clear_cookie(&state.config))]).into_response())
}

/// `GET /api/v1/session`.
pub async fn session(ApiUser(user): ApiUser) -> Json<Json_> {
    Json(user_json(&user))
}

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `GET /api/v1/metrics?from&to`: the contract JSON, scoped.
pub async fn metrics(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    let data = dataset(&state).await?;
    let report = report(&state, &data, period).await?;
    // The same scope and period always give the same body: serialise it once.
    let body = data.api_metrics(period, &user.access, || {
        axum::body::Bytes::from(serde_json::to_vec(&scoped_json(&report, &user.access)).unwrap_or_default())
    });
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], axum::body::Bytes::clone(&body)).into_response())
}

/// `GET /api/v1/cases?…`.
pub async fn cases(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<CaseQuery>,
) -> Result<Json<Json_>, ApiError> {
    let today = state.clock.today();
    let filter = q.filter(&user.access, today)?;
    let (page, per_page) = q.paging()?;
    let data = dataset(&state).await?;
    let (total, rows) = filtered_page(&data, &user.access, &filter, (page - 1).saturating_mul(per_page), per_page);
    let shown: Vec<Json_> = rows.iter().map(|&r| row_json(&data, &data.rows[r], today)).collect();
    auth::audit(&state, &user, "case_list", None, Some(&format!("{total} cases"))).await?;
    Ok(Json(json!({"total": total, "page": page, "per_page": per_page, "cases": shown})))
}

/// `GET /api/v1/cases/{案号}`: 404 when missing or outside the scope.
pub async fn case(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(number): Path<String>,
) -> Result<Json<Json_>, ApiError> {
    let (facts, origin, followers) = visible_case(&state, &user, &number).await?;
    let today = state.clock.today();
    let data = dataset(&state).await?;
    let status = data.row_of(facts.case_number.as_str()).map(|r| deadline_status(&data.rows[r], today));
    let mut body = facts_json(&facts);
    body["deadline_status"] = json!(status);
    body["origin"] = origin.as_ref().map_or(Json_::Null, facts_json);
    body["followers"] = Json_::Array(followers.iter().map(facts_json).collect());
    Ok(Json(body))
}

#[derive(Debug, Deserialize)]
pub struct ImportQuery {
    pub file_name: Option<String>,
    pub skip_invalid: Option<String>,
    pub dry_run: Option<String>,
    pub sheet: Option<String>,
}

/// Runs an import of uploaded bytes with the CLI's rules; the JSON report.
pub(crate) async fn import_bytes(
    state: &AppState,
    user: &CurrentUser,
    bytes: &[u8],
    file_name: &str,
    options: ImportOptions,
) -> Result<(StatusCode, Json_), WebError> {
    if bytes.is_empty() {
        return Err(WebError::BadRequest("上传的文件为空。".to_owned()));
    }
    if bytes.len() > state.config.max_upload_bytes {
        return Err(WebError::TooLarge { limit: state.config.max_upload_bytes });
    }
    let path = crate::pages::save_upload(state, bytes, file_name)?;
    let result = run_import(state, user, &path, file_name, options).await;
    let _ = std::fs::remove_file(&path);
    result
}

pub(crate) async fn run_import(
    state: &AppState,
    user: &CurrentUser,
    path: &std::path::Path,
    file_name: &str,
    mut options: ImportOptions,
) -> Result<(StatusCode, Json_), WebError> {
    options.problem_report = false;
    options.file_name = Some(file_name.to_owned());
    if !user.access.is_admin() {
        options.scope = Some(user.access.clone());
    }
    let dry_run = options.dry_run;
    let problems_json = |problems: &[xiezhi_import::Problem]| -> Vec<Json_> {
        problems
            .iter()
            .map(|p| json!({"row": p.row, "column": p.column, "reason": p.reason, "value": p.value, "text": p.to_string()}))
            .collect()
    };
    match crate::ingest::import_file(&state.store, path, &options, &state.clock.timestamp(), |_, _| {}).await {
        Ok(summary) => {
            if !dry_run {
                state.data.invalidate().await;
                auth::audit(
                    state,
                    user,
                    "import",
                    Some(file_name),
                    Some(&format!(
                        "rows {} new {} updated {} skipped {}",
                        summary.rows, summary.counts.inserted, summary.counts.updated, summary.skipped
                    )),
                )
                .await?;
            }
            Ok((
                StatusCode::OK,
                json!({
                    "status": if dry_run { "validated" } else { "imported" },
                    "file_name": file_name,
                    "rows": summary.rows,
                    "inserted": summary.counts.inserted,
                    "updated": summary.counts.updated,
                    "unchanged": summary.counts.unchanged,
                    "skipped": summary.skipped,
                    "unknown_columns": summary.unknown_columns,
                    "problems": problems_json(&summary.problems),
                }),
            ))
        }
        Err(ImportFailure::BadRows(problems)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({
                "status": "rejected",
                "file_name": file_name,
                "message": format!("发现 {} 个问题，未导入任何数据。", problems.len()),
                "problems": problems_json(&problems),
            }),
        )),
        Err(ImportFailure::File(e)) => Err(WebError::BadRequest(format!("无法读取该文件：{e}"))),
        Err(other) => Err(WebError::Internal(other.to_string())),
    }
}

/// `POST /api/v1/imports` (body: the CSV or XLSX file; X-CSRF-Token): managers and admins.
pub async fn import(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    Query(q): Query<ImportQuery>,
    body: Bytes,
) -> Result<Response, ApiError> {
    user.check_csrf_header(&headers)?;
    if !user.access.may_import() {
        return Err(WebError::Forbidden.into());
    }
    let options = ImportOptions {
        skip_invalid: flag(q.skip_invalid.as_deref())?.unwrap_or(false),
        dry_run: flag(q.dry_run.as_deref())?.unwrap_or(false),
        sheet: q.sheet.clone(),
        ..ImportOptions::default()
    };
    let name = q.file_name.as_deref().map(crate::pages::file_base_name).filter(|n| !n.is_empty());
    let name = name.unwrap_or_else(|| "upload".to_owned());
    let (status, body) = import_bytes(&state, &user, &body, &name, options).await?;
    Ok((status, Json(body)).into_response())
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_document().to_string()).into_response()
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi_document() -> Json_ {
    let err = json!({"description": "错误 {error, message}", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let period = json!([
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "起始日期（默认今年1月1日）"},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "截止日期（默认今天）"}
    ]);
    let mut case_params: Vec<Json_> = [
        ("court", "法院代字"),
        ("type", "类型代字，如 民初"),
        ("class", "案件类别 key，如 civil_first"),
        ("procedure", "适用程序"),
        ("judge", "承办人"),
        ("filed_from", "立案日期起"),
        ("filed_to", "立案日期止"),
        ("closed_from", "结案日期起"),
        ("closed_to", "结案日期止"),
        ("pending", "1 未结 / 0 已结（以今天计）"),
        ("over_limit", "1 = 超审限未结"),
        ("q", "案号包含"),
        ("page", "页码，从 1 开始"),
        ("per_page", "每页条数（1–500，默认 50）"),
    ]
    .iter()
    .map(|(n, d)| json!({"name": n, "in": "query", "schema": {"type": "string"}, "description": d}))
    .collect();
    case_params.shrink_to_fit();
    let csrf = json!({"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}, "description": "会话的 CSRF 令牌（GET /api/v1/session）"});
    let mut paths = HashMap::new();
    paths.insert("/api/v1/login", json!({"post": {
        "summary": "登录", "security": [],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["username", "password"], "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
        "responses": {"200": {"description": "已登录；Set-Cookie 会话", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}, "401": err, "429": err}}}));
    paths.insert("/api/v1/logout", json!({"post": {"summary": "退出登录", "parameters": [csrf], "responses": {"204": {"description": "已退出"}, "401": err, "403": err}}}));
    paths.insert("/api/v1/session", json!({"get": {"summary": "当前用户、角色、法院与 CSRF 令牌", "responses": {"200": {"description": "会话", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Session"}}}}, "401": err}}}));
    paths.insert("/api/v1/metrics", json!({"get": {"summary": "质效指标（indicators.md 的 JSON，限于本人范围）", "parameters": period,
        "responses": {"200": {"description": "{period, previous_period, groups[]}，范围外的法院与法官组不出现", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": err, "401": err}}}));
    paths.insert("/api/v1/cases", json!({"get": {"summary": "案件列表（筛选、分页）", "parameters": case_params,
        "responses": {"200": {"description": "{total, page, per_page, cases[]}", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": err, "401": err, "403": err}}}));
    paths.insert("/api/v1/cases/{number}", json!({"get": {"summary": "案件详情（含原审/后续案件链）", "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}, "description": "案号"}],
        "responses": {"200": {"description": "案件", "content": {"application/json": {"schema": {"type": "object"}}}}, "401": err, "404": {"description": "不存在或不在本人范围内（不区分）"}}}}));
    paths.insert("/api/v1/imports", json!({"post": {"summary": "导入 CSV/XLSX（与命令行相同规则；院领导/审管办与管理员）",
        "parameters": [csrf, {"name": "file_name", "in": "query", "schema": {"type": "string"}}, {"name": "skip_invalid", "in": "query", "schema": {"type": "string"}}, {"name": "dry_run", "in": "query", "schema": {"type": "string"}}, {"name": "sheet", "in": "query", "schema": {"type": "string"}}],
        "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        "responses": {"200": {"description": "已导入（或 dry_run 已校验）", "content": {"application/json": {"schema": {"type": "object"}}}}, "422": {"description": "有问题行，未导入；problems[]"}, "400": err, "401": err, "403": err, "413": err}}}));
    json!({
        "openapi": "3.1.0",
        "info": {"title": "獬豸 Xiezhi API", "version": "1", "description": "审判执行质效数据平台 JSON API。会话 Cookie 认证；改变状态的调用需 X-CSRF-Token。"},
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": auth::SESSION_COOKIE}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}}},
                "Session": {"type": "object", "properties": {"username": {"type": "string"}, "role": {"type": "string", "enum": ["admin", "manager", "judge", "clerk"]}, "role_label": {"type": "string"}, "court": {"type": ["string", "null"]}, "judge": {"type": ["string", "null"]}, "scope": {"type": "string"}, "csrf_token": {"type": "string"}}}
            }
        },
        "security": [{"session": []}]
    })
}

/// The group a request names: `kind` (province, city, court, judge), `code`, and for a judge
/// `court`.
pub(crate) fn group_key(kind: &str, code: &str, court: Option<&str>) -> Result<GroupKey, WebError> {
    let parse =
        |c: &str| CourtCode::parse(c.trim()).ok_or_else(|| WebError::BadRequest(format!("“{c}”不是法院代字。")));
    Ok(match kind {
        "province" => GroupKey::Province(parse(code)?),
        "city" => GroupKey::City(parse(code)?),
        "court" => GroupKey::Court(parse(code)?),
        "judge" => GroupKey::Judge {
            court: parse(court.ok_or_else(|| WebError::BadRequest("法官组需要法院代字。".to_owned()))?)?,
            judge: code.to_owned(),
        },
        other => return Err(WebError::BadRequest(format!("“{other}”不是分组类型。"))),
    })
}

//! 案件 the case list (filters, pages), the case page with its chain, and their API calls.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value as Json_, json};
use xiezhi_app::Role;
use xiezhi_domain::{CaseClass, CaseFacts, Procedure};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::{
    Base, CaseLine, CasePage, CaseQueryView, CasesPage, ChainLink, CourtOption, Field, KeyedOption, LabelOption,
    NamedOption, Pager,
};
use crate::shared::{CaseQuery, blocking, case_line, dataset, enc, facts_json, filtered_page, parse_day, row_json};

fn audit_list(state: &AppState, user: &xiezhi_app::CurrentUser, total: usize) -> xiezhi_store::AuditRecord {
    state.app.audit_record(xiezhi_app::Actor::User(&user.access), "case_list").detail(format!("{total} cases"))
}

pub async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<CaseQuery>,
) -> Result<Response, WebError> {
    let today = state.app.clock.today();
    let filter = q.filter(&user.access, today)?;
    let (page, _) = q.paging()?;
    let per_page = 50;
    let data = dataset(&state).await?;
    let (total, rows) = {
        let (data, access) = (data.clone(), user.access.clone());
        let catalogue = state.app.config.catalogue.clone();
        blocking("case list", move || {
            filtered_page(&data, &access, &filter, &catalogue, (page - 1).saturating_mul(per_page), per_page)
        })
        .await?
    };
    state.app.audit(&audit_list(&state, &user, total)).await?;
    let shown: Vec<CaseLine> = rows.iter().map(|&r| case_line(&data, r, today)).collect();
    let mut params: Vec<String> = Vec::new();
    for (name, value) in [
        ("scope", &q.scope),
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
        ("near_limit", &q.near_limit),
        ("as_of", &q.as_of),
        ("q", &q.q),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            params.push(format!("{name}={}", enc(v)));
        }
    }
    let base = format!("/cases?{}", params.join("&"));
    let courts: Vec<CourtOption> = data
        .courts()
        .into_iter()
        .filter(|c| user.access.sees_court(*c))
        .map(|c| CourtOption {
            code: c.to_string(),
            name: data.court_label(c),
            selected: q.court.as_deref() == Some(&c.to_string()),
        })
        .collect();
    let judges: Vec<NamedOption> = if matches!(user.access.role, Role::Admin | Role::Manager) {
        let court = q.court.as_deref().filter(|c| !c.is_empty());
        data.judges()
            .into_iter()
            .filter(|(c, _)| court.is_none_or(|x| x == c))
            .filter(|(c, _)| xiezhi_domain::CourtCode::parse(c).is_some_and(|c| user.access.sees_court(c)))
            .map(|(_, j)| j)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .take(2000)
            .map(|j| NamedOption { selected: q.judge.as_deref() == Some(j.as_str()), name: j })
            .collect()
    } else {
        Vec::new()
    };
    let model = CasesPage {
        base: Base::new(&state, &user, "cases", "案件"),
        q: CaseQueryView {
            court: q.court.clone(),
            type_code: q.type_code.clone(),
            class: q.class.clone(),
            procedure: q.procedure.clone(),
            judge: q.judge.clone(),
            filed_from: q.filed_from.clone(),
            filed_to: q.filed_to.clone(),
            closed_from: q.closed_from.clone(),
            closed_to: q.closed_to.clone(),
            pending: q.pending.clone(),
            over_limit: q.over_limit.clone(),
            near_limit: q.near_limit.clone(),
            q: q.q.clone(),
            scope: q.scope.clone().filter(|s| !s.trim().is_empty()),
            as_of: q.as_of.clone().filter(|s| !s.trim().is_empty()),
        },
        courts,
        judges,
        classes: CaseClass::ALL
            .iter()
            .map(|c| KeyedOption { key: c.key(), label: c.label(), selected: q.class.as_deref() == Some(c.key()) })
            .collect(),
        procedures: Procedure::ALL
            .iter()
            .map(|p| LabelOption { label: p.label(), selected: q.procedure.as_deref() == Some(p.label()) })
            .collect(),
        rows: shown,
        paging: Pager::new(&base, page, per_page, total),
        export_query: params.join("&"),
    };
    Ok(state.templates.render("cases.html", &model)?.into_response())
}

fn fields(f: &CaseFacts, deadline: Option<xiezhi_domain::Date>) -> Vec<Field> {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
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
        ("标的额（元）", opt(f.claim_amount.map(|a| a.yuan()))),
        ("申请执行标的额（元）", opt(f.applied_amount.map(|a| a.yuan()))),
        ("执行到位金额（元）", opt(f.recovered_amount.map(|a| a.yuan()))),
        ("延长审限天数", f.extension_days.to_string()),
        ("扣除审限天数", f.suspended_days.to_string()),
        ("审限届满日", opt(deadline.map(|d| d.to_string()))),
        ("原审/执行依据案号", opt(f.origin_case_number.as_ref().map(|n| n.as_str().to_owned()))),
        ("有无财产可供执行", opt(f.has_property.map(|b| if b { "有" } else { "无" }.to_owned()))),
    ]
    .into_iter()
    .map(|(label, value)| Field { label, value })
    .collect()
}

fn chain_link(f: &CaseFacts) -> ChainLink {
    ChainLink {
        number: f.case_number.as_str().to_owned(),
        link: format!("/cases/{}", enc(f.case_number.as_str())),
        court: None,
        class: f.case_number.type_code().class().label(),
        filed: f.filed_on.to_string(),
        closed: f.closed_on.map(|d| d.to_string()),
        disposition: f.disposition.map(|d| d.label()),
    }
}

pub async fn case_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
    Query(q): Query<CasePageQuery>,
) -> Result<Response, WebError> {
    let dq: String = q.dq.unwrap_or_default().trim().chars().take(50).collect();
    render_case_with(&state, &user, &number, None, None, &dq).await
}

/// The case page's own query: `dq` searches inside the case's file.
#[derive(Debug, Deserialize, Default)]
pub struct CasePageQuery {
    pub dq: Option<String>,
}

/// The case page, with a message or an error after a reassignment.
pub(crate) async fn render_case(
    state: &AppState,
    user: &xiezhi_app::CurrentUser,
    number: &str,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    render_case_with(state, user, number, message, error, "").await
}

async fn render_case_with(
    state: &AppState,
    user: &xiezhi_app::CurrentUser,
    number: &str,
    message: Option<String>,
    error: Option<String>,
    dq: &str,
) -> Result<Response, WebError> {
    let today = state.app.clock.today();
    let view = state.app.view_case(&user.access, number, today).await?;
    let f = &view.facts;
    let d = &view.deadline;
    let court = f.case_number.court();
    let oversees = matches!(user.access.role, Role::Admin | Role::Manager);
    let history = if oversees {
        state.app.assignment_history(&user.access, f.case_number.as_str()).await.unwrap_or_default()
    } else {
        Vec::new()
    };
    // An open case of the manager's own court can be reassigned (调整分案).
    let reassign = match court {
        Some(c) if user.access.may_designate(c) && f.closed_on.is_none() => {
            let judges = state
                .app
                .roster(Some(&user.access), Some(c))
                .await?
                .into_iter()
                .filter(|j| j.active)
                .map(|j| crate::models::OwnedOption {
                    label: format!("{}（{} · {}）", j.name, j.judge_id, j.department.unwrap_or_default()),
                    key: j.judge_id,
                    selected: false,
                })
                .collect();
            let reason_codes = state
                .app
                .config
                .catalogue
                .reason_codes()
                .iter()
                .map(|c| crate::models::OwnedOption {
                    key: c.code.clone(),
                    label: if c.needs_note { format!("{}（须说明）", c.code) } else { c.code.clone() },
                    selected: false,
                })
                .collect();
            Some(crate::models::ReassignForm {
                action: format!("/cases/{}/reassign", enc(f.case_number.as_str())),
                judges,
                reason_codes,
            })
        }
        _ => None,
    };
    let registered = view.record.source == xiezhi_store::RecordSource::Registered;
    let enforcement = f.case_number.type_code().class() == CaseClass::Enforcement;
    // Events in date order; each payment shows the running total (执行到位累计).
    let mut paid: i64 = 0;
    let events: Vec<crate::models::EventLine> = view
        .events
        .iter()
        .map(|e| {
            let mut detail = crate::routes::casework::event_detail(&e.event);
            if let xiezhi_domain::CaseEvent::Payment { amount, .. } = &e.event {
                paid += amount.ten_thousandths();
                detail.push_str(&format!("，累计 {} 元", xiezhi_domain::Amount::from_ten_thousandths(paid).yuan()));
            }
            crate::models::EventLine {
                date: e.event.date().to_string(),
                kind: e.event.kind().label(),
                detail,
                recorded_by: e.recorded_by.clone().unwrap_or_else(|| "命令行/导入".to_owned()),
                recorded_at: e.recorded_at.clone(),
            }
        })
        .collect();
    let paid_total = enforcement.then(|| {
        let total = xiezhi_domain::Amount::from_ten_thousandths(paid).yuan();
        match f.applied_amount.map(|a| a.ten_thousandths()).filter(|a| *a > 0) {
            // The share to one decimal, rounded half up on exact integers.
            Some(applied) => {
                let permille = (paid as i128 * 1000 * 2 + applied as i128) / (applied as i128 * 2);
                format!(
                    "{total} 元，占申请执行标的额 {} 元的 {}.{}%",
                    xiezhi_domain::Amount::from_ten_thousandths(applied).yuan(),
                    permille / 10,
                    permille % 10
                )
            }
            None => format!("{total} 元"),
        }
    });
    let may_record = matches!(user.access.role, Role::Admin | Role::Manager | Role::Judge | Role::Clerk);
    let record = may_record.then(|| {
        let number = enc(f.case_number.as_str());
        let mut kinds = Vec::new();
        for k in xiezhi_domain::EventKind::ALL {
            let allowed = if k.is_enforcement() {
                enforcement
            } else {
                !enforcement || k != xiezhi_domain::EventKind::Conversion
            };
            let direct =
                k != xiezhi_domain::EventKind::Extension || matches!(user.access.role, Role::Admin | Role::Manager);
            if allowed && direct && (d.limit.is_some() || !k.is_clock() || k == xiezhi_domain::EventKind::Conversion) {
                kinds.push(crate::models::OwnedOption {
                    key: k.key().to_owned(),
                    label: k.label().to_owned(),
                    selected: false,
                });
            }
        }
        crate::models::RecordForms {
            action: format!("/cases/{number}/events"),
            kinds,
            suspension_kinds: xiezhi_domain::SuspensionKind::ALL.iter().map(|k| k.label()).collect(),
            procedures: xiezhi_domain::Procedure::ALL.iter().map(|p| p.label()).collect(),
            items: xiezhi_domain::TerminalItems::default()
                .items()
                .iter()
                .map(|(k, l, _)| crate::models::OwnedOption {
                    key: (*k).to_owned(),
                    label: (*l).to_owned(),
                    selected: false,
                })
                .collect(),
            today: today.to_string(),
            open: f.closed_on.is_none(),
            enforcement,
            direct_extension: matches!(user.access.role, Role::Admin | Role::Manager),
            request_action: format!("/cases/{number}/extension"),
            close_action: format!("/cases/{number}/close"),
            dispositions: xiezhi_domain::Disposition::ALL.iter().map(|x| x.label()).collect(),
        }
    });
    let clock = {
        let mut c = vec![
            Field { label: "起算日", value: d.start.to_string() },
            Field {
                label: "法定审限",
                value: match d.limit {
                    Some(xiezhi_domain::StatutoryLimit::Months(m)) => format!("{m}个月"),
                    Some(xiezhi_domain::StatutoryLimit::Days(n)) => format!("{n}天"),
                    None => "无法定审限".to_owned(),
                },
            },
        ];
        if let Some(b) = d.base_deadline {
            c.push(Field { label: "基础届满日", value: b.to_string() });
            c.push(Field { label: "延长", value: format!("{} 天", d.extension_days) });
            c.push(Field {
                label: "扣除",
                value: format!("{} 天{}", d.suspended_days, if d.suspended_now { "（扣除进行中）" } else { "" }),
            });
            c.push(Field { label: "审限届满日", value: d.deadline.map_or("—".to_owned(), |x| x.to_string()) });
        }
        c
    };
    let extension_requests = crate::routes::casework::case_requests(state, &user.access, f.case_number.as_str()).await;
    // 法律检索 is help, not the record: when it fails the page still shows (and the log says why).
    let analysis = match state.app.case_research(&user.access, f.case_number.as_str(), today).await {
        Ok(r) => Some(crate::routes::research::analysis_view(&r)),
        Err(e) => {
            tracing::warn!(error = %e, "case research failed");
            None
        }
    };
    let dossier = match crate::routes::dossier::dossier_view(state, user, f.case_number.as_str(), dq).await {
        Ok(v) => Some(v),
        Err(e) => {
            tracing::warn!(error = %e, "case file listing failed");
            None
        }
    };
    let model = CasePage {
        dossier,
        analysis,
        research_report: format!("/cases/{}/research-report", enc(f.case_number.as_str())),
        base: Base::new(state, user, "cases", f.case_number.as_str()),
        number: f.case_number.as_str().to_owned(),
        fields: fields(f, d.deadline),
        status: Some(d.status.label()),
        days_left: d.remaining_days.filter(|_| f.closed_on.is_none()),
        age: f.closed_on.unwrap_or(today).days_since(f.filed_on),
        origin: view.origin.as_ref().map(chain_link),
        origin_hidden: f.origin_case_number.is_some() && view.origin.is_none(),
        origin_number: f.origin_case_number.as_ref().map(|n| n.as_str().to_owned()),
        followers: view
            .followers
            .iter()
            .map(|f| {
                let mut link = chain_link(&f.facts);
                if !f.openable {
                    // Shown with its result, but outside the user's scope: no link.
                    link.link = String::new();
                    link.court = f.facts.case_number.court().map(|c| c.to_string());
                }
                link
            })
            .collect(),
        assignments: history.iter().map(|a| crate::routes::assignments::assignment_view(a, &user.access)).collect(),
        reassign,
        notice: registered.then(|| format!("/register/{}/notice", enc(f.case_number.as_str()))),
        message,
        error,
        events,
        record,
        extension_requests,
        paid_total,
        clock,
    };
    let status =
        if model.error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    Ok((status, state.templates.render("case.html", &model)?).into_response())
}

/// `GET /api/v1/cases?…`.
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<CaseQuery>,
) -> Result<Json<Json_>, ApiError> {
    let today = state.app.clock.today();
    let filter = q.filter(&user.access, today)?;
    let (page, per_page) = q.paging()?;
    let data = dataset(&state).await?;
    let (total, rows) = {
        let (data, access) = (data.clone(), user.access.clone());
        let catalogue = state.app.config.catalogue.clone();
        blocking("case list", move || {
            filtered_page(&data, &access, &filter, &catalogue, (page - 1).saturating_mul(per_page), per_page)
        })
        .await?
    };
    let shown: Vec<Json_> = rows.iter().map(|&r| row_json(&data, &data.case(r), today)).collect();
    state.app.audit(&audit_list(&state, &user, total)).await?;
    Ok(Json(json!({"total": total, "page": page, "per_page": per_page, "cases": shown})))
}

#[derive(Debug, Deserialize, Default)]
pub struct CaseAsOf {
    pub as_of: Option<String>,
}

/// `GET /api/v1/cases/{案号}?as_of=`: 404 when missing or outside the scope.
pub async fn api_case(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(number): Path<String>,
    Query(q): Query<CaseAsOf>,
) -> Result<Json<Json_>, ApiError> {
    let as_of = parse_day(q.as_of.as_deref(), "as_of")?.unwrap_or_else(|| state.app.clock.today());
    let view = state.app.view_case(&user.access, &number, as_of).await?;
    let f = &view.facts;
    let mut body = facts_json(f, view.deadline.deadline);
    // The contract's deadline object (case-events.md) as of `as_of`.
    body["deadline"] = xiezhi_app::deadlines::deadline_json(
        f.case_number.as_str(),
        f.case_number.court(),
        f.judge.as_deref(),
        f.case_number.type_code().as_str(),
        f.procedure.map(|p| p.label()),
        &view.deadline,
    );
    body["deadline_status"] = json!(view.deadline.status.label());
    body["events"] = Json_::Array(
        view.events
            .iter()
            .map(|e| {
                let mut v = xiezhi_app::casework::event_json(&e.event);
                v["recorded_by"] = json!(e.recorded_by);
                v["recorded_at"] = json!(e.recorded_at);
                v
            })
            .collect(),
    );
    body["origin"] = view.origin.as_ref().map_or(Json_::Null, |o| facts_json(o, xiezhi_metrics::imported_deadline(o)));
    body["followers"] = Json_::Array(
        view.followers
            .iter()
            .map(|f| {
                let mut json = facts_json(&f.facts, xiezhi_metrics::imported_deadline(&f.facts));
                json["openable"] = Json_::Bool(f.openable);
                json
            })
            .collect(),
    );
    Ok(Json(body))
}

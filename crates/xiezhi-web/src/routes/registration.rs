//! 立案 the registration page (form, live triage and pool preview, result with the assignment
//! record and the printable 受理通知书) and its API: `POST /api/v1/cases`,
//! `POST /api/v1/cases/preview`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use xiezhi_app::assignment::AssignmentRequest;
use xiezhi_app::registration::{PARTY_ROLES, PartyRequest, Preview, RegistrationRequest};
use xiezhi_app::{Actor, AppError, CurrentUser, Role};
use xiezhi_domain::{CourtCode, Flags, Procedure, TypeCode};

use crate::AppState;
use crate::auth::{self, ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::{
    Base, ExcludedLine, Field, FlagBox, OwnedOption, PartyRow, PoolLine, PreviewView, RegisterPage, RegisteredPage,
};
use crate::routes::assignments::assignment_view;
use crate::shared::enc;

/// Party rows of the form (the first four shown without JavaScript).
const PARTY_SLOTS: usize = 12;

/// 类型代字 offered on the form (each court sees those its level files).
const OFFERED_TYPES: &[&str] = &[
    "民初",
    "民特",
    "民督",
    "民催",
    "民保令",
    "刑初",
    "行初",
    "执",
    "执恢",
    "执保",
    "执异",
    "执复",
    "财保",
    "民终",
    "刑终",
    "行终",
    "民申",
    "民再",
    "民监",
    "刑再",
    "行再",
];

/// 案由 suggested while typing (the catalogue's simple causes come first).
const COMMON_CAUSES: &[&str] = &[
    "买卖合同纠纷",
    "房屋租赁合同纠纷",
    "服务合同纠纷",
    "建设工程施工合同纠纷",
    "劳动争议",
    "追索劳动报酬纠纷",
    "离婚纠纷",
    "继承纠纷",
    "生命权、身体权、健康权纠纷",
    "财产损害赔偿纠纷",
    "房屋买卖合同纠纷",
    "承揽合同纠纷",
    "运输合同纠纷",
    "保证合同纠纷",
    "融资租赁合同纠纷",
];

/// The Chinese name of a request field, for messages on the page.
fn field_label(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("parties[") {
        let (index, sub) = rest.split_once("].").unwrap_or((rest.trim_end_matches(']'), ""));
        let n = index.parse::<usize>().map_or(0, |i| i + 1);
        let what = match sub {
            "role" => "诉讼地位",
            "kind" => "类别",
            _ => "名称",
        };
        return format!("第{n}位当事人的{what}");
    }
    match field {
        "court" => "法院",
        "type_code" => "类型代字",
        "filed_on" => "立案日期",
        "cause" => "案由",
        "claim_amount" => "标的额",
        "procedure" => "适用程序",
        "procedure_reason" => "改变分流建议的理由",
        "parties" => "当事人",
        "origin_case_number" => "原审/执行依据案号",
        "flags" => "分流标记",
        "assignment" => "分案",
        "assignment.mode" => "分案方式",
        "assignment.judge_id" => "指定法官",
        "assignment.reason_code" => "指定分案理由",
        "assignment.note" => "说明",
        other => other,
    }
    .to_owned()
}

/// The form's values, as posted.
#[derive(Debug, Default)]
struct Posted {
    request: RegistrationRequest,
    series_of: String,
    designated: bool,
}

fn posted(pairs: &[(String, String)]) -> Posted {
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let some = |k: &str| Some(get(k)).filter(|v| !v.is_empty());
    let mut parties = Vec::new();
    for i in 0..PARTY_SLOTS {
        let name = get(&format!("party_name_{i}"));
        if name.is_empty() {
            continue;
        }
        parties.push(PartyRequest {
            role: get(&format!("party_role_{i}")),
            name,
            kind: some(&format!("party_kind_{i}")),
        });
    }
    let mut flags: Vec<String> =
        pairs.iter().filter(|(n, v)| n == "flag" && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned()).collect();
    let series_of = get("series_of");
    if !series_of.is_empty() {
        flags.push(format!("series_of:{series_of}"));
    }
    let designated = get("assignment_mode") == "designated";
    Posted {
        request: RegistrationRequest {
            court: some("court"),
            type_code: some("type_code"),
            filed_on: some("filed_on"),
            cause: some("cause"),
            claim_amount: some("claim_amount").map(serde_json::Value::String),
            procedure: some("procedure"),
            procedure_reason: some("procedure_reason"),
            parties,
            origin_case_number: some("origin_case_number"),
            flags,
            assignment: Some(AssignmentRequest {
                mode: Some(if designated { "designated" } else { "random" }.to_owned()),
                judge_id: some("judge_id"),
                reason_code: some("reason_code"),
                note: some("note"),
            }),
        },
        series_of,
        designated,
    }
}

fn require_registrar(user: &CurrentUser) -> Result<(), WebError> {
    if matches!(user.access.role, Role::Admin | Role::Manager | Role::Registrar) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// The court a user registers at (admins: the one typed, else their own).
fn own_court(user: &CurrentUser) -> Option<CourtCode> {
    user.access.court
}

/// `35.0%`.
fn percent(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

fn preview_view(p: &Preview) -> PreviewView {
    PreviewView {
        next_case_number: p.next_case_number.clone(),
        procedure: p.procedure.clone().unwrap_or_else(|| "（未定）".to_owned()),
        proposed_procedure: p.proposed_procedure.clone().unwrap_or_else(|| "（不分流）".to_owned()),
        track: p.track.clone(),
        reasons: p.triage_reasons.clone(),
        deadline: p.deadline.clone().unwrap_or_else(|| "无法定审限".to_owned()),
        mode: match p.mode.as_str() {
            "designated" => "指定分案",
            "series" => "系列案件随案",
            _ => "随机分案",
        }
        .to_owned(),
        judge: p.judge.as_ref().map(|j| format!("{}（{}）", j.name, j.judge_id)),
        pool: p
            .pool
            .iter()
            .map(|j| PoolLine {
                judge_id: j.judge_id.clone(),
                name: j.name.clone(),
                weight: j.weight.clone(),
                open_cases: j.open_cases,
                chance: if j.chance > 0.0 { percent(j.chance) } else { "—".to_owned() },
                in_band: j.chance > 0.0,
                chosen: p.judge.as_ref().is_some_and(|c| c.judge_id == j.judge_id),
            })
            .collect(),
        excluded: p
            .excluded
            .iter()
            .map(|e| ExcludedLine { judge_id: e.judge_id.clone(), name: e.name.clone(), reason: e.reason.clone() })
            .collect(),
        series_fallback: p.series_fallback.clone(),
    }
}

/// Renders the form with `posted` values (after a refusal or a preview).
async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    posted: Option<&Posted>,
    error: Option<&xiezhi_app::Refusal>,
    other_error: Option<String>,
    preview: Option<PreviewView>,
) -> Result<Response, WebError> {
    let today = state.app.clock.today();
    let catalogue = &state.app.config.catalogue;
    let req = posted.map(|p| &p.request);
    let court_text =
        req.and_then(|r| r.court.clone()).or_else(|| own_court(user).map(|c| c.to_string())).unwrap_or_default();
    let court = CourtCode::parse(&court_text);
    let court_name = match court {
        Some(c) => {
            let data = crate::shared::dataset(state).await?;
            data.court_label(c)
        }
        None => String::new(),
    };
    let chosen_type = req.and_then(|r| r.type_code.clone()).unwrap_or_else(|| "民初".to_owned());
    let type_codes = OFFERED_TYPES
        .iter()
        .filter_map(|t| TypeCode::from_text(t))
        .filter(|t| court.is_none_or(|c| t.filable_at(c.level())))
        .map(|t| OwnedOption {
            key: t.as_str().to_owned(),
            label: t.as_str().to_owned(),
            selected: t.as_str() == chosen_type,
        })
        .collect();
    let mut causes: Vec<String> = catalogue.triage().simple_causes.clone();
    causes.extend(
        COMMON_CAUSES.iter().map(|c| (*c).to_owned()).filter(|c| !catalogue.triage().simple_causes.contains(c)),
    );
    let posted_parties: Vec<PartyRequest> = req.map(|r| r.parties.clone()).unwrap_or_default();
    let parties = (0..PARTY_SLOTS)
        .map(|i| {
            let p = posted_parties.get(i);
            let default_role = match i {
                0 => "原告",
                1 => "被告",
                _ => "第三人",
            };
            let role = p.map_or(default_role, |p| p.role.as_str());
            PartyRow {
                index: i,
                roles: PARTY_ROLES
                    .iter()
                    .map(|r| OwnedOption { key: (*r).to_owned(), label: (*r).to_owned(), selected: *r == role })
                    .collect(),
                name: p.map(|p| p.name.clone()).unwrap_or_default(),
                organization: p.and_then(|p| p.kind.as_deref()).is_some_and(|k| k == "organization"),
                shown: i < 3 || i < posted_parties.len() + 1,
            }
        })
        .collect();
    let flags_given = req.map(|r| Flags::parse(&r.flags).unwrap_or_default()).unwrap_or_default();
    let flag_keys = flags_given.keys();
    let flags = Flags::catalogue()
        .iter()
        .map(|(k, l)| FlagBox { key: k, label: l, checked: flag_keys.iter().any(|f| f == k) })
        .collect();
    let chosen_procedure = req.and_then(|r| r.procedure.clone()).unwrap_or_default();
    let mut procedures =
        vec![OwnedOption {
            key: String::new(), label: "按分流建议".to_owned(), selected: chosen_procedure.is_empty()
        }];
    procedures.extend(Procedure::ALL.iter().map(|p| OwnedOption {
        key: p.label().to_owned(),
        label: p.label().to_owned(),
        selected: p.label() == chosen_procedure,
    }));
    let may_designate = court.is_some_and(|c| user.access.may_designate(c));
    let chosen_judge = req.and_then(|r| r.assignment.as_ref()).and_then(|a| a.judge_id.clone()).unwrap_or_default();
    let chosen_reason = req.and_then(|r| r.assignment.as_ref()).and_then(|a| a.reason_code.clone()).unwrap_or_default();
    let judges = if may_designate {
        state
            .app
            .roster(Some(&user.access), court)
            .await?
            .into_iter()
            .filter(|j| j.active)
            .map(|j| OwnedOption {
                selected: j.judge_id == chosen_judge,
                label: format!(
                    "{}（{} · {} · 在办{}）",
                    j.name,
                    j.judge_id,
                    j.department.unwrap_or_default(),
                    j.open_cases
                ),
                key: j.judge_id,
            })
            .collect()
    } else {
        Vec::new()
    };
    let reason_codes = catalogue
        .reason_codes()
        .iter()
        .map(|c| OwnedOption {
            key: c.code.clone(),
            label: if c.needs_note { format!("{}（须说明）", c.code) } else { c.code.clone() },
            selected: c.code == chosen_reason,
        })
        .collect();
    let status = match error.map(|e| e.kind) {
        Some(xiezhi_app::RefusalKind::Unreadable) => StatusCode::BAD_REQUEST,
        Some(xiezhi_app::RefusalKind::Unacceptable) => StatusCode::UNPROCESSABLE_ENTITY,
        None if other_error.is_some() => StatusCode::BAD_REQUEST,
        None => StatusCode::OK,
    };
    let model = RegisterPage {
        base: Base::new(state, user, "register", "立案登记"),
        court_fixed: !user.access.is_admin() && own_court(user).is_some(),
        court: court_text,
        court_name,
        type_codes,
        filed_on: req.and_then(|r| r.filed_on.clone()).unwrap_or_else(|| today.to_string()),
        max_date: today.to_string(),
        cause: req.and_then(|r| r.cause.clone()).unwrap_or_default(),
        causes,
        claim_amount: req
            .and_then(|r| r.claim_amount.as_ref())
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .unwrap_or_default(),
        origin_case_number: req.and_then(|r| r.origin_case_number.clone()).unwrap_or_default(),
        parties,
        flags,
        series_of: posted.map(|p| p.series_of.clone()).unwrap_or_default(),
        procedures,
        procedure_reason: req.and_then(|r| r.procedure_reason.clone()).unwrap_or_default(),
        may_designate,
        designated: posted.is_some_and(|p| p.designated),
        judges,
        reason_codes,
        note: req.and_then(|r| r.assignment.as_ref()).and_then(|a| a.note.clone()).unwrap_or_default(),
        error: error.map(|e| e.message_with(&field_label(&e.field))).or(other_error),
        error_field: error.map(|e| e.field.clone()),
        preview,
    };
    Ok((status, state.templates.render("register.html", &model)?).into_response())
}

/// `GET /register`.
pub async fn page(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, WebError> {
    require_registrar(&user)?;
    form_page(&state, &user, None, None, None, None).await
}

type PairsForm = Result<Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>;

fn pairs_of(form: PairsForm) -> Result<Vec<(String, String)>, WebError> {
    form.map(|Form(p)| p).map_err(|_| WebError::BadRequest("表单格式错误。".to_owned()))
}

fn csrf_of(pairs: &[(String, String)]) -> Option<&str> {
    pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str())
}

/// `POST /register`: registers, then shows the result; a refusal re-shows the form with the
/// values entered and the field named.
pub async fn submit(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: PairsForm,
) -> Result<Response, WebError> {
    require_registrar(&user)?;
    let pairs = pairs_of(form)?;
    auth::check_csrf(&user, csrf_of(&pairs))?;
    let posted = posted(&pairs);
    match state.app.register_case(Actor::User(&user.access), &posted.request).await {
        Ok(r) => Ok(Redirect::to(&format!("/register/{}", enc(&r.case_number))).into_response()),
        Err(AppError::Refused(r)) => form_page(&state, &user, Some(&posted), Some(&r), None, None).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /register/preview`: the form again with the preview filled (without JavaScript).
pub async fn preview_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: PairsForm,
) -> Result<Response, WebError> {
    require_registrar(&user)?;
    let pairs = pairs_of(form)?;
    auth::check_csrf(&user, csrf_of(&pairs))?;
    let posted = posted(&pairs);
    match state.app.preview_registration(Actor::User(&user.access), &posted.request).await {
        Ok(p) => form_page(&state, &user, Some(&posted), None, None, Some(preview_view(&p))).await,
        Err(AppError::Refused(r)) => form_page(&state, &user, Some(&posted), Some(&r), None, None).await,
        Err(e) => Err(e.into()),
    }
}

/// `GET /register/{案号}`: the result of a registration.
pub async fn result_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let view = state.app.registration_view(&user.access, &number).await?;
    let f = &view.facts;
    let triage: serde_json::Value = serde_json::from_str(&view.registration.triage).unwrap_or_default();
    let reasons: Vec<String> = triage["reasons"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let flags: Vec<String> = serde_json::from_str(&view.registration.flags).unwrap_or_default();
    let flag_labels = Flags::parse(&flags).map(|f| f.labels().join("、")).unwrap_or_default();
    let mut fields = vec![
        Field { label: "案号", value: f.case_number.as_str().to_owned() },
        Field { label: "法院", value: view.court_name.clone().unwrap_or_default() },
        Field { label: "立案日期", value: f.filed_on.to_string() },
        Field { label: "案由", value: f.cause.clone().unwrap_or_else(|| "—".to_owned()) },
        Field {
            label: "标的额",
            value: f.claim_amount.or(f.applied_amount).map_or("—".to_owned(), |a| format!("{}元", a.grouped())),
        },
        Field { label: "适用程序", value: f.procedure.map_or("—".to_owned(), |p| p.label().to_owned()) },
        Field { label: "繁简", value: format!("{}案", view.registration.track) },
        Field { label: "审限届满", value: view.deadline.map_or("无法定审限".to_owned(), |d| d.to_string()) },
        Field { label: "承办法官", value: f.judge.clone().unwrap_or_default() },
        Field { label: "承办部门", value: f.department.clone().unwrap_or_else(|| "—".to_owned()) },
    ];
    if let Some(o) = &f.origin_case_number {
        fields.push(Field { label: "原审/依据案号", value: o.as_str().to_owned() });
    }
    if !flag_labels.is_empty() {
        fields.push(Field { label: "立案标记", value: flag_labels });
    }
    let parties: Vec<String> = view.registration.parties.iter().map(|p| format!("{}：{}", p.role, p.name)).collect();
    fields.push(Field { label: "当事人", value: parties.join("；") });
    fields.push(Field {
        label: "立案人",
        value: format!(
            "{} · {}",
            view.registration.registered_by.clone().unwrap_or_else(|| "命令行".to_owned()),
            view.registration.registered_at
        ),
    });
    let history = state.app.assignment_history(&user.access, f.case_number.as_str()).await.unwrap_or_default();
    let model = RegisteredPage {
        base: Base::new(&state, &user, "register", &format!("立案结果 {}", f.case_number)),
        number: f.case_number.as_str().to_owned(),
        fields,
        reasons,
        override_reason: view.registration.override_reason.clone(),
        assignment: history.iter().find(|a| a.stored.current).map(|a| assignment_view(a, &user.access)),
        notice: format!("/register/{}/notice", enc(f.case_number.as_str())),
        case_link: format!("/cases/{}", enc(f.case_number.as_str())),
    };
    Ok(state.templates.render("registered.html", &model)?.into_response())
}

/// `GET /register/{案号}/notice`: the 受理通知书 (DOCX).
pub async fn notice(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let (name, bytes) = state.app.acceptance_notice(&user.access, &number).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_owned(),
            ),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", enc(&name))),
        ],
        bytes,
    )
        .into_response())
}

/// Reads a JSON body (any content type: the body decides).
fn json_body(body: &Bytes) -> Result<serde_json::Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError(WebError::Refused(xiezhi_app::Refusal::unreadable(
            "body",
            "",
            &format!("请求体不是有效的JSON / not valid JSON: {e}"),
        )))
    })
}

/// `POST /api/v1/cases`: 201 with the case number, triage and assignment.
pub async fn api_register(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let value = json_body(&body)?;
    let request = RegistrationRequest::from_json(&value).map_err(|r| ApiError(WebError::Refused(r)))?;
    let registered = state.app.register_case(Actor::User(&user.access), &request).await?;
    let location = format!("/api/v1/cases/{}", enc(&registered.case_number));
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(registered)).into_response())
}

/// `POST /api/v1/cases/preview`: what registering would do now (writes nothing).
pub async fn api_preview(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Preview>, ApiError> {
    auth::check_csrf_header(&user, &headers)?;
    let value = json_body(&body)?;
    let request = RegistrationRequest::from_json(&value).map_err(|r| ApiError(WebError::Refused(r)))?;
    Ok(Json(state.app.preview_registration(Actor::User(&user.access), &request).await?))
}

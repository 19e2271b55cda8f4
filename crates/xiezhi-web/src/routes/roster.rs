//! 名册 the judge roster: the page (a court's judges with weights, tracks and open cases; add,
//! change, 在岗/停用, declared conflicts) and `GET /api/v1/judges?court=`.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xiezhi_app::roster::{JudgeInput, RosterLine};
use xiezhi_app::{Actor, AppError, CurrentUser, Role};
use xiezhi_domain::{CourtCode, CourtLevel};

use crate::AppState;
use crate::auth::{self, ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::{Base, ConflictLine, JudgeForm, OwnedOption, RosterJudgeLine, RosterPage};
use crate::shared::enc;

#[derive(Debug, Deserialize, Default)]
pub struct RosterQuery {
    pub court: Option<String>,
    pub edit: Option<String>,
}

fn parse_court(text: Option<&str>) -> Result<Option<CourtCode>, WebError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Ok(Some(CourtCode::parse(t).ok_or_else(|| WebError::BadRequest(format!("“{t}”不是法院代字。")))?)),
        None => Ok(None),
    }
}

/// `GET /api/v1/judges?court=`: the roster with open cases (courts the user sees).
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<RosterQuery>,
) -> Result<Json<Vec<RosterLine>>, ApiError> {
    let court = parse_court(q.court.as_deref())?;
    Ok(Json(state.app.roster(Some(&user.access), court).await?))
}

fn require_roster_reader(user: &CurrentUser) -> Result<(), WebError> {
    if matches!(user.access.role, Role::Admin | Role::Manager | Role::Registrar) {
        Ok(())
    } else {
        Err(WebError::Forbidden)
    }
}

/// The courts a user picks from: those in the data they see.
async fn court_options(
    state: &AppState,
    user: &CurrentUser,
    chosen: Option<CourtCode>,
) -> Result<Vec<OwnedOption>, WebError> {
    let data = crate::shared::dataset(state).await?;
    Ok(data
        .courts()
        .into_iter()
        .filter(|c| user.access.sees_court(*c) && c.level() != CourtLevel::Supreme)
        .map(|c| OwnedOption { key: c.to_string(), label: data.court_label(c), selected: Some(c) == chosen })
        .collect())
}

async fn roster_html(
    state: &AppState,
    user: &CurrentUser,
    court: Option<CourtCode>,
    edit: Option<JudgeForm>,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    require_roster_reader(user)?;
    let court = court.or(user.access.court).filter(|c| user.access.sees_court(*c));
    let lines = match court {
        Some(c) => state.app.roster(Some(&user.access), Some(c)).await?,
        None => Vec::new(),
    };
    // Declared conflicts name parties: shown to those who keep the roster only.
    let mut conflicts = Vec::new();
    if court.is_some_and(|c| user.access.may_manage_roster(c)) {
        let names: std::collections::HashMap<&str, &str> =
            lines.iter().map(|j| (j.judge_id.as_str(), j.name.as_str())).collect();
        for conflict in state.app.store.conflicts(None).await? {
            if let Some(name) = names.get(conflict.judge_id.as_str()) {
                conflicts.push(ConflictLine {
                    judge: (*name).to_owned(),
                    judge_id: conflict.judge_id,
                    party: conflict.party,
                    created_at: conflict.created_at,
                });
            }
        }
    }
    let may_edit = court.is_some_and(|c| user.access.may_manage_roster(c));
    let judges: Vec<RosterJudgeLine> = lines
        .iter()
        .map(|j| RosterJudgeLine {
            enc: enc(&j.judge_id),
            judge_id: j.judge_id.clone(),
            name: j.name.clone(),
            department: j.department.clone().unwrap_or_default(),
            case_types: j.case_types.join("、"),
            track: j.track.clone(),
            weight: xiezhi_domain::Amount::from_ten_thousandths((j.weight * 10_000.0).round() as i64).to_string(),
            active: j.active,
            open_cases: j.open_cases,
            load: if j.weight > 0.0 { format!("{:.1}", j.open_cases as f64 / j.weight) } else { "—".to_owned() },
        })
        .collect();
    let active_count = judges.iter().filter(|j| j.active).count();
    let edit = edit.unwrap_or_else(|| JudgeForm {
        court: court.map(|c| c.to_string()).unwrap_or_default(),
        track: "繁简".to_owned(),
        weight: "1".to_owned(),
        active: true,
        ..JudgeForm::default()
    });
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let model = RosterPage {
        base: Base::new(state, user, "judges", "员额法官名册"),
        courts: court_options(state, user, court).await?,
        court: court.map(|c| c.to_string()).unwrap_or_default(),
        judges,
        active_count,
        may_edit,
        edit,
        conflicts,
        message,
        error,
    };
    Ok((status, state.templates.render("judges.html", &model)?).into_response())
}

/// `GET /judges?court=&edit=`.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<RosterQuery>,
) -> Result<Response, WebError> {
    let court = parse_court(q.court.as_deref())?;
    let edit = match q.edit.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(id) => {
            let j = state.app.store.judge(id).await?.ok_or(WebError::NotFound)?;
            let jc = CourtCode::parse(&j.court_code).ok_or(WebError::NotFound)?;
            if !user.access.sees_court(jc) {
                return Err(WebError::NotFound);
            }
            Some(JudgeForm {
                judge_id: j.judge_id,
                name: j.name,
                court: j.court_code,
                department: j.department.unwrap_or_default(),
                case_types: j.case_types.join("、"),
                track: j.track,
                weight: xiezhi_domain::Amount::from_ten_thousandths(j.weight).to_string(),
                active: j.active,
                editing: true,
            })
        }
        None => None,
    };
    let court = court.or_else(|| edit.as_ref().and_then(|e| CourtCode::parse(&e.court)));
    roster_html(&state, &user, court, edit, None, None).await
}

#[derive(Debug, Deserialize, Default)]
pub struct JudgeFormPost {
    pub csrf: Option<String>,
    pub judge_id: Option<String>,
    pub name: Option<String>,
    pub court: Option<String>,
    pub department: Option<String>,
    pub case_types: Option<String>,
    pub track: Option<String>,
    pub weight: Option<String>,
    pub active: Option<String>,
    pub party: Option<String>,
}

type JudgeFormResult = Result<Form<JudgeFormPost>, axum::extract::rejection::FormRejection>;

fn form_of(form: JudgeFormResult) -> Result<JudgeFormPost, WebError> {
    form.map(|Form(f)| f).map_err(|_| WebError::BadRequest("表单格式错误。".to_owned()))
}

/// `POST /judges`: adds or changes a judge.
pub async fn save(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: JudgeFormResult,
) -> Result<Response, WebError> {
    let f = form_of(form)?;
    auth::check_csrf(&user, f.csrf.as_deref())?;
    let input = JudgeInput {
        judge_id: f.judge_id.clone().unwrap_or_default(),
        name: f.name.clone().unwrap_or_default(),
        court: f.court.clone().unwrap_or_default(),
        department: f.department.clone().unwrap_or_default(),
        case_types: f.case_types.clone().unwrap_or_default(),
        track: f.track.clone().unwrap_or_default(),
        weight: f.weight.clone().unwrap_or_default(),
        active: f.active.as_deref().is_some_and(|a| !a.is_empty()),
    };
    let court = CourtCode::parse(input.court.trim());
    match state.app.save_judge(Actor::User(&user.access), &input).await {
        Ok(done) => {
            let what = if done.inserted > 0 {
                "已添加"
            } else if done.updated > 0 {
                "已更新"
            } else {
                "未改变"
            };
            roster_html(
                &state,
                &user,
                court,
                None,
                Some(format!("{what}法官 {}（{}）。", input.name.trim(), input.judge_id.trim())),
                None,
            )
            .await
        }
        Err(AppError::Refused(r)) => {
            let back = JudgeForm {
                judge_id: input.judge_id,
                name: input.name,
                court: input.court,
                department: input.department,
                case_types: input.case_types,
                track: input.track,
                weight: input.weight,
                active: input.active,
                editing: true,
            };
            roster_html(&state, &user, court, Some(back), None, Some(r.message)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /judges/{工号}/active` (`active` = 1 or 0).
pub async fn set_active(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(judge_id): Path<String>,
    form: JudgeFormResult,
) -> Result<Response, WebError> {
    let f = form_of(form)?;
    auth::check_csrf(&user, f.csrf.as_deref())?;
    let active = f.active.as_deref() == Some("1");
    state.app.set_judge_active(Actor::User(&user.access), &judge_id, active).await?;
    let judge = state.app.store.judge(&judge_id).await?.ok_or(WebError::NotFound)?;
    let message =
        format!("{}（{}）已{}。", judge.name, judge.judge_id, if active { "恢复在岗" } else { "停用，不再参与分案" });
    roster_html(&state, &user, CourtCode::parse(&judge.court_code), None, Some(message), None).await
}

/// `POST /judges/conflicts` (`judge_id`, `party`): declares a conflict with a party.
pub async fn add_conflict(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    form: JudgeFormResult,
) -> Result<Response, WebError> {
    let f = form_of(form)?;
    auth::check_csrf(&user, f.csrf.as_deref())?;
    let judge_id = f.judge_id.clone().unwrap_or_default();
    let judge = state.app.store.judge(&judge_id).await?.ok_or(WebError::NotFound)?;
    let court = CourtCode::parse(&judge.court_code);
    match state.app.add_conflict(Actor::User(&user.access), &judge_id, f.party.as_deref().unwrap_or("")).await {
        Ok(added) => {
            let message = if added {
                format!("已登记 {} 的回避事由。", judge.name)
            } else {
                "该回避事由已登记。".to_owned()
            };
            roster_html(&state, &user, court, None, Some(message), None).await
        }
        Err(AppError::Refused(r)) => roster_html(&state, &user, court, None, None, Some(r.message)).await,
        Err(e) => Err(e.into()),
    }
}

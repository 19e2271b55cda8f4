//! 我的案件 a judge's (clerk's) open cases, most urgent first, with the status the deadline
//! rule gives today.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use xiezhi_app::{Actor, Role};
use xiezhi_domain::DeadlineStatus;

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::models::{Base, MyCaseLine, MyCasesPage};
use crate::shared::{blocking, dataset, enc};

/// `GET /my`.
pub async fn page(State(state): State<AppState>, PageUser(user): PageUser) -> Result<Response, WebError> {
    if !matches!(user.access.role, Role::Judge | Role::Clerk) {
        return Err(WebError::Forbidden);
    }
    let today = state.app.clock.today();
    let data = dataset(&state).await?;
    let rows = {
        let (data, access) = (data.clone(), user.access.clone());
        blocking("my cases", move || data.my_open_cases(&access, today)).await?
    };
    let lines: Vec<MyCaseLine> = rows
        .iter()
        .map(|(row, d)| {
            let c = data.case(*row);
            MyCaseLine {
                number: c.number.to_owned(),
                link: format!("/cases/{}", enc(c.number)),
                class: c.class().label(),
                procedure: c.procedure.map_or("—".to_owned(), |p| p.label().to_owned()),
                filed: c.filed.to_string(),
                deadline: d.deadline.map_or("无法定审限".to_owned(), |x| x.to_string()),
                days_left: d.remaining_days,
                status: d.status.label(),
                status_key: d.status.key(),
            }
        })
        .collect();
    let count = |s: DeadlineStatus| rows.iter().filter(|(_, d)| d.status == s).count();
    state
        .app
        .audit(
            &state
                .app
                .audit_record(Actor::User(&user.access), "case_list")
                .detail(format!("my cases: {}", lines.len())),
        )
        .await?;
    let model = MyCasesPage {
        base: Base::new(&state, &user, "my", "我的案件"),
        judge: user.access.judge.clone().unwrap_or_default(),
        overdue: count(DeadlineStatus::Overdue),
        near: count(DeadlineStatus::Near),
        suspended: count(DeadlineStatus::Suspended),
        lines,
    };
    Ok(state.templates.render("my.html", &model)?.into_response())
}

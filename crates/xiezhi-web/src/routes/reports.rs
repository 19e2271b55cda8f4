//! 报表 the reports page: the 质效通报 in a format (the application's bulletin use case), and
//! speech-draft filling.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xiezhi_app::{Access, CurrentUser, Dataset, Role};

use xiezhi_metrics::{GroupKey, MetricsReport};
use xiezhi_report::ReportScope;

use crate::AppState;
use crate::auth::{self, PageUser};
use crate::error::WebError;
use crate::models::{Base, FillResult, ReportsPage, ScopeOption};
use crate::routes::import::{FilledDraft, file_base_name, read_multipart};
use crate::shared::{self, GroupQuery, blocking, dataset, enc, group_title, period_of, report};

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
fn report_scopes(report: &MetricsReport, access: &Access, data: &Dataset) -> Vec<ScopeOption> {
    report
        .groups
        .iter()
        .filter(|g| may_report_on(access, &g.key))
        .map(|g| {
            let scope = ReportScope { key: g.key.clone() };
            // 中院本院 and 全市法院 share a code: the court itself is named so.
            let title = group_title(data, Some(g), &g.key);
            let label = match &g.key {
                GroupKey::Court(c) if c.city() == Some(*c) => format!("中院本院：{title}"),
                _ => title,
            };
            ScopeOption { code: scope.code(), label }
        })
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<GroupQuery>,
) -> Result<Response, WebError> {
    require_reports(&user)?;
    // Bulletins and speeches report whole months: by default 1 January to the end of the last
    // whole month with data (shared::default_period), so that 前X个月 can be filled.
    let data = dataset(&state).await?;
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    let report = report(&state, &data, period).await?;
    let model = ReportsPage {
        base: Base::new(&state, &user, "reports", "报表"),
        period: shared::period_view(period, &report),
        scopes: report_scopes(&report, &user.access, &data),
        fill: None,
    };
    Ok(state.templates.render("reports.html", &model)?.into_response())
}

/// The scope of a report request, refused when outside the user's scope.
fn report_scope(code: Option<&str>, access: &Access) -> Result<ReportScope, WebError> {
    let code =
        code.map(str::trim).filter(|c| !c.is_empty()).ok_or_else(|| WebError::BadRequest("请选择范围。".to_owned()))?;
    let scope = ReportScope::parse(code).map_err(|_| WebError::BadRequest(format!("“{code}”不是法院代字。")))?;
    if !may_report_on(access, &scope.key) {
        return Err(WebError::Forbidden);
    }
    Ok(scope)
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
    let format_text = q.format.clone().unwrap_or_else(|| "docx".to_owned());
    let format = xiezhi_app::bulletin::Format::parse(&format_text)
        .ok_or_else(|| WebError::BadRequest("格式应为 docx、html 或 xlsx。".to_owned()))?;
    let data = dataset(&state).await?;
    let report = report(&state, &data, period).await?;
    scope.group_with_data(&report).map_err(|_| WebError::BadRequest("该范围在所选期间没有案件。".to_owned()))?;
    let request = xiezhi_app::bulletin::Request {
        scope: scope.clone(),
        period,
        format,
        issued_on: state.app.clock.today(),
        title: None,
        issuer: None,
        body_font: None,
        synthetic: state.config.demo_banner,
        fonts_dir: state.app.config.fonts_dir.clone(),
    };
    let (access, catalogue) = (user.access.clone(), state.app.config.catalogue.clone());
    let data_for_name = data.clone();
    let rendered =
        blocking("bulletin", move || xiezhi_app::bulletin::render(&data, &access, &catalogue, &request)).await??;
    let record = state
        .app
        .audit_record(xiezhi_app::Actor::User(&user.access), "report_download")
        .object(scope.key.code())
        .detail(format!("{} {}–{}", format.extension(), period.from(), period.to()));
    state.app.audit(&record).await?;
    let title = group_title(&data_for_name, report.group(&scope.key), &scope.key);
    let name = format!("{}-{}.{}", bulletin_title(&title, &scope.key), period_label(period), format.extension());
    let ascii = format!("bulletin-{}-{}.{}", period.from(), period.to(), format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", enc(&name))),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        rendered.bytes,
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
    auth::check_csrf(&user, upload.fields.get("csrf").map(String::as_str))?;
    let scope = report_scope(upload.fields.get("scope").map(String::as_str), &user.access)?;
    dataset(&state).await?;
    let period =
        period_of(&state, upload.fields.get("from").map(String::as_str), upload.fields.get("to").map(String::as_str))?;
    let Some((file_name, bytes)) = upload.file else {
        return Err(WebError::BadRequest("请选择讲话稿文件（.txt、.md 或 .docx）。".to_owned()));
    };
    let file_name = file_base_name(&file_name);
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let data = dataset(&state).await?;
    let report = report(&state, &data, period).await?;
    let catalogue = state.app.config.catalogue.clone();
    let ctx = xiezhi_report::fill::FillContext::new(&report, &catalogue, &scope)
        .map_err(|_| WebError::BadRequest("该范围在所选期间没有案件。".to_owned()))?;
    let config = xiezhi_report::fill::FillConfig {
        marker: state.config.demo_banner.then(|| xiezhi_report::fill::SYNTHETIC_MARKER.to_owned()),
        ..Default::default()
    };
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
    let token = xiezhi_app::accounts::random_token();
    let out_name = match file_name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-已填数.{ext}"),
        None => format!("{file_name}-已填数"),
    };
    let log_text = log.to_text();
    let slots = log.slots().count();
    let left = log.entries.iter().filter(|e| matches!(e, xiezhi_report::fill::LogEntry::Left { .. })).count();
    let now = state.app.clock.unix_millis();
    state.uploads.sweep(now);
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
                created: now,
            },
        );
    }
    let record = state
        .app
        .audit_record(xiezhi_app::Actor::User(&user.access), "draft_fill")
        .object(scope.key.code())
        .detail(format!("{slots} slots, {left} left"));
    state.app.audit(&record).await?;
    let model = ReportsPage {
        base: Base::new(&state, &user, "reports", "报表"),
        period: shared::period_view(period, &report),
        scopes: report_scopes(&report, &user.access, &data),
        fill: Some(FillResult {
            token,
            name: out_name,
            log: log_text,
            slots,
            left,
            warnings: log.warnings().map(str::to_owned).collect(),
        }),
    };
    Ok(state.templates.render("reports.html", &model)?.into_response())
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

/// 广州市全市法院审判执行质效通报, 番禺区人民法院审判执行质效通报, 中院本院 as the court.
fn bulletin_title(title: &str, key: &GroupKey) -> String {
    let subject = match key {
        GroupKey::City(_) => format!(
            "{}全市法院",
            title.trim_end_matches("全市法院").trim_end_matches("法院").trim_end_matches("中级人民")
        ),
        _ => title.to_owned(),
    };
    format!("{subject}审判执行质效通报")
}

/// The period as a file name says it: 2026年1-10月, 2026年10月, or the two days.
fn period_label(period: xiezhi_metrics::Period) -> String {
    let (from, to) = (period.from(), period.to());
    let (fy, fm, fd) = from.ymd();
    let (ty, tm, td) = to.ymd();
    let whole_months = fd == 1 && td == xiezhi_domain::days_in_month(ty, tm);
    match (whole_months, fy == ty, fm == tm) {
        (true, true, true) => format!("{ty}年{tm}月"),
        (true, true, false) => format!("{ty}年{fm}-{tm}月"),
        _ => format!("{from}至{to}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulletins_are_named_in_chinese() {
        let d = |t: &str| xiezhi_domain::Date::parse_iso(t).unwrap();
        let p = |a: &str, b: &str| xiezhi_metrics::Period::new(d(a), d(b)).unwrap();
        assert_eq!(period_label(p("2026-01-01", "2026-10-31")), "2026年1-10月");
        assert_eq!(period_label(p("2026-10-01", "2026-10-31")), "2026年10月");
        assert_eq!(period_label(p("2026-01-05", "2026-10-31")), "2026-01-05至2026-10-31");
        let city = GroupKey::City(xiezhi_domain::CourtCode::parse("粤01").unwrap());
        assert_eq!(bulletin_title("广州市中级人民法院", &city), "广州市全市法院审判执行质效通报");
        let court = GroupKey::Court(xiezhi_domain::CourtCode::parse("粤0113").unwrap());
        assert_eq!(bulletin_title("广州市番禺区人民法院", &court), "广州市番禺区人民法院审判执行质效通报");
    }
}

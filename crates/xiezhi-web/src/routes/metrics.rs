//! 指标 the catalogue of a group with year-on-year changes, the drill-down to the cases behind a
//! number (指标穿透), and `GET /api/v1/metrics`.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xiezhi_metrics::{GroupKey, IndicatorId};

use crate::AppState;
use crate::auth::{ApiUser, PageUser};
use crate::error::{ApiError, WebError};
use crate::models::{
    Base, Cell, ExplainPage, IndicatorHead, JudgeLine, MetricRow, MetricsPage, Pager, Section, SideRow,
};
use crate::routes::dashboard::{
    SIDE_BY_SIDE, comparable, comparisons, explain_link, interval_text, member_label, member_title, members,
};
use crate::shared::{
    self, GroupQuery, blocking, case_line, chosen_group, dataset, group_options, group_query, group_title, period_of,
    report,
};
use crate::views::{change_class, change_text, raw, value_text};

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<GroupQuery>,
) -> Result<Response, WebError> {
    let data = dataset(&state).await?;
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    let key = chosen_group(&q, &user.access, &data)?;
    let report = report(&state, &data, period).await?;
    let catalogue = &state.app.config.catalogue;
    let group = report.group(&key).ok_or(WebError::NotFound)?;
    let compare = comparisons(&report, &key, &user.access);
    // Ranks among the province's cities mean something only with two cities or more in the
    // data, and are shown only when asked for.
    let rankable = group.province.is_some() && xiezhi_report::prose::has_province_peers(&report, group);
    let ranked = rankable && q.ranks.as_deref() == Some("1");
    let mut sections: Vec<Section> = Vec::new();
    for entry in catalogue.entries() {
        let i = entry.id.index();
        let unavailable = matches!(group.values[i], xiezhi_metrics::Value::Unavailable(_));
        let row = MetricRow {
            id: entry.id.as_str(),
            name: entry.name.clone(),
            ours: matches!(entry.source, xiezhi_metrics::Source::Ours),
            unit: xiezhi_report::format::unit_label(entry.unit),
            value: value_text(&group.values[i], entry.unit),
            raw: raw(&group.values[i]),
            previous: value_text(&group.previous[i], entry.unit),
            change: change_text(group.change[i], entry.unit),
            change_class: change_class(group.change[i], entry),
            compares: compare
                .iter()
                .map(
                    |(_, c)| {
                        if comparable(entry.unit) { value_text(&c.values[i], entry.unit) } else { "—".to_owned() }
                    },
                )
                .collect(),
            // Only indicators with a direction are ranked; the rank says among how many.
            rank: group
                .province
                .as_ref()
                .filter(|_| ranked && entry.direction != xiezhi_metrics::Direction::None)
                .and_then(|p| p.rank[i])
                .map(|r| format!("第{r}位/共{}个", ranked_cities(&report, group, entry.id))),
            band: group.band[i].map(|b| xiezhi_report::format::band_label(Some(b))),
            band_class: match group.band[i] {
                Some(xiezhi_metrics::Band::Inside) => "in",
                Some(_) => "out",
                None => "",
            },
            interval: entry
                .reference
                .as_ref()
                .map(|r| format!("{}–{}", interval_text(r.low, entry.unit), interval_text(r.high, entry.unit))),
            link: (!unavailable).then(|| explain_link(entry.id, &key, period)),
            note: entry.note.clone(),
            definition: entry.definition.clone(),
        };
        match sections.iter_mut().find(|s| s.name == entry.group) {
            Some(s) => s.rows.push(row),
            None => sections.push(Section { name: entry.group.clone(), rows: vec![row] }),
        }
    }
    let sub: Vec<SideRow> = members(&report, &key, &user.access)
        .iter()
        .map(|g| SideRow {
            name: member_title(&data, g),
            link: format!("/metrics?{}&from={}&to={}", group_query(&g.key), period.from(), period.to()),
            cells: SIDE_BY_SIDE
                .iter()
                .map(|id| Cell {
                    text: value_text(&g.values[id.index()], catalogue.entry(*id).unit),
                    link: explain_link(*id, &g.key, period),
                    band: None,
                })
                .collect(),
        })
        .collect();
    let rank_toggle = rankable.then(|| {
        let base = format!("/metrics?{}&from={}&to={}", group_query(&key), period.from(), period.to());
        if ranked { base } else { format!("{base}&ranks=1") }
    });
    let page = MetricsPage {
        base: Base::new(&state, &user, "metrics", "质效指标"),
        period: shared::period_view(period, &report),
        group_title: group_title(&data, Some(group), &key),
        group_kind: key.kind_label(),
        groups: group_options(&report, &user.access, &data, &key),
        compare_labels: compare.iter().map(|(l, _)| *l).collect(),
        has_rank: ranked,
        rank_toggle,
        sections,
        columns: SIDE_BY_SIDE.iter().map(|id| catalogue.entry(*id).name.clone()).collect(),
        sub,
        member_kind: member_label(&key),
    };
    Ok(state.templates.render("metrics.html", &page)?.into_response())
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

fn is_ratio(unit: xiezhi_metrics::Unit) -> bool {
    use xiezhi_metrics::Unit;
    matches!(unit, Unit::Ratio | Unit::Days | Unit::PerJudge | Unit::PerDispute)
}

pub async fn explain_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ExplainQuery>,
) -> Result<Response, WebError> {
    dataset(&state).await?;
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    let id_text = q.id.clone().unwrap_or_default();
    let id =
        IndicatorId::from_str_id(&id_text).ok_or_else(|| WebError::BadRequest(format!("“{id_text}”不是指标。")))?;
    let data = dataset(&state).await?;
    if q.kind.is_none() || q.code.is_none() {
        return Err(WebError::BadRequest("请指定分组（kind 与 code）。".to_owned()));
    }
    let gq = GroupQuery { kind: q.kind.clone(), code: q.code.clone(), court: q.court.clone(), ..GroupQuery::default() };
    let key = chosen_group(&gq, &user.access, &data)?;
    let report = report(&state, &data, period).await?;
    let catalogue = state.app.config.catalogue.clone();
    let entry = catalogue.entry(id).clone();
    let explanation = {
        let (data, key) = (data.clone(), key.clone());
        blocking("explain", move || xiezhi_metrics::explain_with(&data.snapshot, period, id.as_str(), &key, &catalogue))
            .await?
    }
    .map_err(|e| match e {
        xiezhi_metrics::MetricsError::Unavailable { .. } => {
            WebError::BadRequest("该指标暂不可得，无法穿透。".to_owned())
        }
        xiezhi_metrics::MetricsError::UnknownGroup(_) => WebError::NotFound,
        other => WebError::Internal(other.to_string()),
    })?;
    // 未达标: for rates where higher is better, the denominator's cases outside the numerator.
    let has_missed = entry.unit == xiezhi_metrics::Unit::Ratio
        && entry.direction == xiezhi_metrics::Direction::Higher
        && !explanation.denominator.is_empty();
    let missed: Vec<usize> = if has_missed {
        let counted: std::collections::HashSet<usize> = explanation.numerator.iter().copied().collect();
        let mut rows: Vec<usize> = explanation.denominator.iter().copied().filter(|r| !counted.contains(r)).collect();
        rows.dedup();
        rows
    } else {
        Vec::new()
    };
    let side = match q.side.as_deref() {
        Some("denominator") => "denominator",
        Some("missed") if has_missed => "missed",
        _ => "numerator",
    };
    let mut list: Vec<usize> = match side {
        "denominator" => explanation.denominator.clone(),
        "missed" => missed.clone(),
        _ => explanation.numerator.clone(),
    };
    list.dedup();
    // 法官人均结案's denominator is judges: each (court, judge) of the closed cases, with its count.
    let judges: Vec<JudgeLine> = if id == IndicatorId::ClosedPerJudge && side == "denominator" {
        let mut counts: std::collections::BTreeMap<(String, String), usize> = std::collections::BTreeMap::new();
        for &row in list.iter().filter(|&&r| data.visible(&user.access, r)) {
            let r = data.case(row);
            if let Some(judge) = r.judge.map(str::trim).filter(|j| !j.is_empty()) {
                let court = r.court.map(|c| data.court_label(c)).unwrap_or_default();
                *counts.entry((court, judge.to_owned())).or_default() += 1;
            }
        }
        counts.into_iter().map(|((court, judge), closed)| JudgeLine { court, judge, closed }).collect()
    } else {
        Vec::new()
    };
    let amounts = matches!(id, IndicatorId::RecoveryRate | IndicatorId::RecoveredAmount);
    let total = list.len();
    let visible: Vec<usize> = list.into_iter().filter(|&r| data.visible(&user.access, r)).collect();
    let page: usize = q.page.as_deref().and_then(|p| p.parse().ok()).unwrap_or(1).max(1);
    let per_page = 50;
    let today = state.app.clock.today();
    let rows = visible
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|&r| {
            let mut line = case_line(&data, r, today);
            if amounts {
                let (applied, recovered) = data.snapshot.amounts(r);
                let yuan = |t: i64| crate::views::grouped(&format!("{:.2}", t as f64 / 10_000.0));
                line.applied = Some(yuan(applied));
                line.recovered = Some(yuan(recovered));
            }
            line
        })
        .collect();
    let value = report.group(&key).map(|g| value_text(&g.values[id.index()], entry.unit));
    let base_link =
        format!("/metrics/explain?id={}&{}&from={}&to={}", id.as_str(), group_query(&key), period.from(), period.to());
    // A drill-down lists cases (案号, judge, dates): a view of case data, audited like a case page.
    let record = state
        .app
        .audit_record(xiezhi_app::Actor::User(&user.access), "case_list")
        .object(format!("{} {}", id.as_str(), key.code()))
        .detail(format!("{side}, page {page} of {} visible cases, {}..{}", visible.len(), period.from(), period.to()));
    state.app.audit(&record).await?;
    let page_model = ExplainPage {
        base: Base::new(&state, &user, "metrics", "指标穿透"),
        period: shared::period_view(period, &report),
        indicator: IndicatorHead {
            id: id.as_str(),
            name: entry.name.clone(),
            value,
            definition: entry.definition.clone(),
        },
        group_title: group_title(&data, report.group(&key), &key),
        metrics_link: format!("/metrics?{}&from={}&to={}", group_query(&key), period.from(), period.to()),
        side,
        numerator_count: explanation.numerator.len(),
        denominator_count: explanation.denominator.len(),
        has_denominator: !explanation.denominator.is_empty() || is_ratio(entry.unit),
        numerator_link: format!("{base_link}&side=numerator"),
        denominator_link: format!("{base_link}&side=denominator"),
        missed_count: has_missed.then_some(missed.len()),
        missed_link: format!("{base_link}&side=missed"),
        amounts,
        judges,
        total,
        visible: visible.len(),
        hidden: total - visible.len(),
        rows,
        paging: Pager::new(&format!("{base_link}&side={side}"), page, per_page, visible.len()),
    };
    Ok(state.templates.render("explain.html", &page_model)?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// `GET /api/v1/metrics?from&to`: the contract JSON, scoped.
pub async fn api_metrics(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, ApiError> {
    let data = dataset(&state).await?;
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    // Each group's object is serialised once and kept current with the data; bodies per viewer.
    let body = {
        let (access, catalogue) = (user.access.clone(), state.app.config.catalogue.clone());
        blocking("metrics", move || data.metrics_body(period, &access, &catalogue)).await?
    };
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], axum::body::Bytes::from_owner(ArcBody(body)))
        .into_response())
}

/// A cached body shared with the cache.
struct ArcBody(std::sync::Arc<Vec<u8>>);

impl AsRef<[u8]> for ArcBody {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The cities of the group's province that have a value of `id` (those a rank is among).
fn ranked_cities(
    report: &xiezhi_metrics::MetricsReport,
    group: &xiezhi_metrics::GroupReport,
    id: IndicatorId,
) -> usize {
    let province = match &group.key {
        GroupKey::City(c) | GroupKey::Court(c) => c.province_code(),
        _ => None,
    };
    report
        .groups
        .iter()
        .filter(|g| matches!(&g.key, GroupKey::City(c) if c.province_code() == province))
        .filter(|g| g.values[id.index()].as_f64().is_some())
        .count()
}

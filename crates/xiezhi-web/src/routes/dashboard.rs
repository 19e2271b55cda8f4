//! 首页 the dashboard: headline cards, the monthly trend, members side by side and the action
//! lists (超审限, 临近审限, 超12个月未结) of the chosen group.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use xiezhi_metrics::{GroupKey, GroupReport, IndicatorId, MetricsReport, Period};
use xiezhi_report::{ChartData, ChartKind};

use crate::AppState;
use crate::auth::PageUser;
use crate::error::WebError;
use crate::models::{ActionLine, ActionPanel, Base, Card, Cell, Column, Compared, Dashboard, SideRow};
use crate::shared::{
    self, GroupQuery, blocking, chosen_group, dataset, enc, group_options, group_query, group_title, period_of, report,
};
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
pub const SIDE_BY_SIDE: [IndicatorId; 8] = [
    IndicatorId::Accepted,
    IndicatorId::Closed,
    IndicatorId::Pending,
    IndicatorId::ClosureRate,
    IndicatorId::ClearanceRate,
    IndicatorId::OnTimeRate,
    IndicatorId::AvgDays,
    IndicatorId::PendingOver12m,
];

pub fn explain_link(id: IndicatorId, key: &GroupKey, period: Period) -> String {
    format!("/metrics/explain?id={}&{}&from={}&to={}", id.as_str(), group_query(key), period.from(), period.to())
}

/// The reference interval of a value as text.
pub fn interval_text(v: f64, unit: xiezhi_metrics::Unit) -> String {
    match unit {
        xiezhi_metrics::Unit::Ratio => format!("{:.0}%", v * 100.0),
        _ => format!("{v}"),
    }
}

/// The groups shown one by one under a group: cities of a province, courts of a city, judges of a court.
pub fn members<'r>(report: &'r MetricsReport, key: &GroupKey, access: &xiezhi_app::Access) -> Vec<&'r GroupReport> {
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
pub fn member_title(data: &xiezhi_app::Dataset, g: &GroupReport) -> String {
    match &g.key {
        GroupKey::Judge { judge, .. } => judge.clone(),
        other => group_title(data, Some(g), other),
    }
}

pub fn member_label(key: &GroupKey) -> &'static str {
    match key {
        GroupKey::Province(_) => "各市法院",
        GroupKey::City(_) => "各法院",
        GroupKey::Court(_) => "各法官",
        GroupKey::Judge { .. } => "",
    }
}

/// A comparison value for a group: its province (visible to the user), or for a judge their court.
/// What a group's figures are set against: a basic court against its city (全市) and its
/// province (全省), a city against its province, a judge against their court (本院). "全省"
/// only when the data holds another city of it (else it is this city again).
pub fn comparisons<'r>(
    report: &'r MetricsReport,
    key: &GroupKey,
    access: &xiezhi_app::Access,
) -> Vec<(&'static str, &'r GroupReport)> {
    let mut out: Vec<(&'static str, GroupKey)> = Vec::new();
    match key {
        GroupKey::Court(c) | GroupKey::City(c) => {
            if let (GroupKey::Court(_), Some(city)) = (key, c.city())
                && city != *c
            {
                out.push(("全市", GroupKey::City(city)));
            }
            let refused = report
                .group(key)
                .is_none_or(|g| xiezhi_report::prose::province_comparison_refused(report, g).is_some());
            if let (false, Some(p)) = (refused, c.province_code()) {
                out.push(("全省", GroupKey::Province(p)));
            }
        }
        GroupKey::Judge { court, .. } => out.push(("本院", GroupKey::Court(*court))),
        GroupKey::Province(_) => {}
    }
    out.into_iter()
        .filter(|(_, other)| access.sees_group(other))
        .filter_map(|(label, other)| report.group(&other).map(|g| (label, g)))
        .collect()
}

/// Whether an indicator of `unit` is set against a larger group: counts and amounts are that
/// group's totals, not an average, so they are not.
pub fn comparable(unit: xiezhi_metrics::Unit) -> bool {
    !matches!(unit, xiezhi_metrics::Unit::Count | xiezhi_metrics::Unit::Amount)
}

fn short_name(name: &str) -> String {
    let s = name.trim_end_matches("人民法院").trim_end_matches("全市法院");
    let s = s.rsplit_once('市').map_or(s, |(_, rest)| if rest.is_empty() { s } else { rest });
    s.to_owned()
}

/// The case list that shows exactly the cases an action list counts: its group's scope, its
/// filter and its as-of day.
fn list_link(key: &GroupKey, filter: &str, as_of: xiezhi_domain::Date) -> String {
    let scope = match key {
        GroupKey::Judge { court, judge } => format!("court={}&judge={}", enc(&court.to_string()), enc(judge)),
        other => format!("scope={}", enc(&other.code())),
    };
    format!("/cases?{scope}&{filter}&as_of={as_of}")
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<GroupQuery>,
) -> Result<Response, WebError> {
    let data = dataset(&state).await?;
    let period = period_of(&state, q.from.as_deref(), q.to.as_deref())?;
    let base = Base::new(&state, &user, "home", "首页");
    if data.is_empty() {
        let page = Dashboard {
            base,
            empty: true,
            period: None,
            group_title: String::new(),
            group_kind: "",
            group_query: String::new(),
            groups: Vec::new(),
            cards: Vec::new(),
            trend_svg: String::new(),
            comparison_svg: None,
            columns: Vec::new(),
            side: Vec::new(),
            member_kind: "",
            actions: Vec::new(),
        };
        return Ok(state.templates.render("dashboard.html", &page)?.into_response());
    }
    let key = chosen_group(&q, &user.access, &data)?;
    let report = report(&state, &data, period).await?;
    let catalogue = &state.app.config.catalogue;
    let group = report.group(&key);
    let compare = comparisons(&report, &key, &user.access);
    let cards: Vec<Card> = HEADLINE
        .iter()
        // Cards that say nothing here: 法官人均结案 of one judge (the judge's own count), and a
        // figure with nothing to count in either period (执行 cards of a judge who hears no
        // enforcement case).
        .filter(|id| {
            let empty = |v: &xiezhi_metrics::Value| v.as_f64().is_none();
            let judge = matches!(key, GroupKey::Judge { .. });
            let own_count = judge && **id == IndicatorId::ClosedPerJudge;
            let nothing = group.is_some_and(|g| empty(&g.values[id.index()]) && empty(&g.previous[id.index()]));
            !own_count && !nothing
        })
        .map(|id| {
            let entry = catalogue.entry(*id);
            let i = id.index();
            let value = group.map(|g| &g.values[i]);
            let change = group.and_then(|g| g.change[i]);
            let reference = entry.reference.as_ref().filter(|r| r.valid_from <= period.to());
            Card {
                id: id.as_str(),
                name: entry.name.clone(),
                unit: xiezhi_report::format::unit_label(entry.unit),
                value: value.map_or("—".to_owned(), |v| value_text(v, entry.unit)),
                raw: value.map_or("null".to_owned(), raw),
                previous: group.map_or("—".to_owned(), |g| value_text(&g.previous[i], entry.unit)),
                change: change_text(change, entry.unit),
                change_class: change_class(change, entry),
                compares: if comparable(entry.unit) {
                    compare
                        .iter()
                        .map(|(label, c)| Compared { label, text: value_text(&c.values[i], entry.unit) })
                        .collect()
                } else {
                    Vec::new()
                },
                band: reference.map(|r| band_svg(value.and_then(|v| v.as_f64()), r.low, r.high, entry.unit)),
                band_text: reference
                    .map(|r| format!("{}–{}", interval_text(r.low, entry.unit), interval_text(r.high, entry.unit))),
                band_label: group.and_then(|g| g.band[i]).map(|b| xiezhi_report::format::band_label(Some(b))),
                link: explain_link(*id, &key, period),
            }
        })
        .collect();
    let months = {
        let (data, key) = (data.clone(), key.clone());
        blocking("trend", move || data.monthly(period, &key)).await?
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
        reference: Vec::new(),
        reference_label: String::new(),
    };
    let member_groups = members(&report, &key, &user.access);
    let columns: Vec<Column> = SIDE_BY_SIDE
        .iter()
        .map(|id| Column {
            name: catalogue.entry(*id).name.clone(),
            unit: xiezhi_report::format::unit_label(catalogue.entry(*id).unit),
        })
        .collect();
    let side: Vec<SideRow> = member_groups
        .iter()
        .map(|g| SideRow {
            name: member_title(&data, g),
            link: format!("/?{}&from={}&to={}", group_query(&g.key), period.from(), period.to()),
            cells: SIDE_BY_SIDE
                .iter()
                .map(|id| {
                    let e = catalogue.entry(*id);
                    Cell {
                        text: value_text(&g.values[id.index()], e.unit),
                        link: explain_link(*id, &g.key, period),
                        band: g.band[id.index()].map(|b| xiezhi_report::format::band_label(Some(b))),
                    }
                })
                .collect(),
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
        reference: Vec::new(),
        reference_label: String::new(),
    });
    // Action lists, as of the period's last day; each links to the list of exactly its cases.
    let as_of = period.to();
    let actions = {
        let (data, key, access) = (data.clone(), key.clone(), user.access.clone());
        let catalogue = state.app.config.catalogue.clone();
        blocking("action lists", move || {
            let lists = data.actions(&access, &key, as_of, &catalogue);
            let take = |rows: &[usize]| -> Vec<ActionLine> {
                rows.iter()
                    .take(10)
                    .map(|&row| {
                        let r = data.case(row);
                        let d = data.deadline(row, as_of);
                        ActionLine {
                            number: r.number.to_owned(),
                            link: format!("/cases/{}", enc(r.number)),
                            court: r.court.map(|c| data.court_label(c)),
                            judge: r.judge.map(str::to_owned),
                            filed: r.filed.to_string(),
                            deadline: d.deadline.map(|x| x.to_string()),
                            age: as_of.days_since(r.filed),
                            left: d.remaining_days,
                        }
                    })
                    .collect()
            };
            vec![
                ActionPanel {
                    title: "超审限未结",
                    total: lists.over_limit.len(),
                    rows: take(&lists.over_limit),
                    more: list_link(&key, "over_limit=1", as_of),
                    kind: "over",
                },
                ActionPanel {
                    title: "临近审限（15日内届满）",
                    total: lists.near_limit.len(),
                    rows: take(&lists.near_limit),
                    more: list_link(&key, "near_limit=1", as_of),
                    kind: "near",
                },
                ActionPanel {
                    title: "超12个月未结",
                    total: lists.over_12m.len(),
                    rows: take(&lists.over_12m),
                    more: list_link(&key, &format!("pending=1&filed_to={}", as_of.add_months(-12).add_days(-1)), as_of),
                    kind: "old",
                },
            ]
        })
        .await?
    };
    let page = Dashboard {
        base,
        empty: false,
        period: Some(shared::period_view(period, &report)),
        group_title: group_title(&data, group, &key),
        group_kind: key.kind_label(),
        group_query: group_query(&key),
        groups: group_options(&report, &user.access, &data, &key),
        cards,
        trend_svg: chart_svg(&trend),
        comparison_svg: comparison_chart.map(|c| chart_svg(&c)),
        columns,
        side,
        member_kind: member_label(&key),
        actions,
    };
    Ok(state.templates.render("dashboard.html", &page)?.into_response())
}

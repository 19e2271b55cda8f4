//! 共用查询 what pages and API calls share: periods, the chosen group, case filters and pages of
//! cases, a visible case with its chain, and the JSON of cases and figures. Route modules use
//! these; none uses another route module.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value as Json, json};
use xiezhi_app::{Access, CaseFilter, CaseRow, Dataset};
use xiezhi_domain::{CaseClass, CaseFacts, CourtCode, Date, Procedure, TypeCode};
use xiezhi_metrics::{GroupKey, GroupReport, MetricsReport, Period};

use crate::AppState;
use crate::error::WebError;
use crate::models::{CaseLine, GroupOption, PeriodView};

/// Percent-encodes a query value or path segment.
pub fn enc(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Parses an optional `YYYY-MM-DD` query value.
pub fn parse_day(text: Option<&str>, what: &str) -> Result<Option<Date>, WebError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Date::parse_iso(t)
            .map(Some)
            .map_err(|_| WebError::BadRequest(format!("{what}“{t}”不是有效日期（格式 YYYY-MM-DD）。"))),
    }
}

/// The longest period a page or API call may ask for.
pub const MAX_PERIOD_YEARS: i32 = 10;

/// The default period of pages and bulletins: from 1 January to the end of the last whole
/// month that has data. The month of 数据截至 (`data_end`, never after today) counts when it is
/// over by today's date — an export taken on 2026-10-30 with nothing filed on the 31st still
/// covers October —, otherwise the month before it: data ending 2026-10-31 (or 10-30) seen on
/// 2026-12-05 gives 2026-01-01..2026-10-31; a live system whose data run to today gives the
/// last month before this one. The year-ago period follows from it.
pub fn default_period(today: Date, data_end: Option<Date>) -> (Date, Date) {
    let last = data_end.map_or(today, |d| d.min(today));
    let (year, month, _) = last.ymd();
    let month_end = Date::from_ymd(year, month, xiezhi_domain::days_in_month(year, month)).expect("a month's last day");
    let end = if today > month_end {
        month_end
    } else {
        Date::from_day_number(Date::from_ymd(year, month, 1).expect("the first exists").day_number() - 1)
    };
    (Date::from_ymd(end.year(), 1, 1).expect("1 January exists"), end)
}

/// The period of `from`/`to`; a missing bound is the default period's ([`default_period`]).
pub fn period_of(state: &AppState, from: Option<&str>, to: Option<&str>) -> Result<Period, WebError> {
    let today = state.app.clock.today();
    let (default_from, default_to) = default_period(today, state.app.data.last_day());
    let to = parse_day(to, "截止日期")?.unwrap_or(default_to);
    let from = parse_day(from, "起始日期")?.unwrap_or(if to >= default_from {
        default_from
    } else {
        Date::from_ymd(to.year(), 1, 1).expect("1 January exists")
    });
    // Monthly trends and caches are sized by the period: a bound keeps one request from
    // occupying the shared computation (a century would be 1,200 monthly runs).
    if to.days_since(from) > MAX_PERIOD_YEARS * 366 {
        return Err(WebError::BadRequest(format!("统计期间最长{MAX_PERIOD_YEARS}年，请缩短期间。")));
    }
    Period::new(from, to).map_err(|_| WebError::BadRequest("起始日期晚于截止日期。".to_owned()))
}

pub fn period_view(period: Period, report: &MetricsReport) -> PeriodView {
    PeriodView {
        from: period.from().to_string(),
        to: period.to().to_string(),
        prev_from: report.previous_period.from().to_string(),
        prev_to: report.previous_period.to().to_string(),
        presets: presets(period),
    }
}

/// 本月, 本季, 本年 (each up to the period's end) and 上年同期 (the period a year earlier).
pub fn presets(period: Period) -> Vec<crate::models::Preset> {
    let end = period.to();
    let (year, month, _) = end.ymd();
    let first = |m: u32| Date::from_ymd(year, m, 1).expect("the first of a month exists");
    let quarter = (month - 1) / 3 * 3 + 1;
    let a_year_back = |d: Date| d.add_months(-12);
    [
        ("本月", first(month), end),
        ("本季", first(quarter), end),
        ("本年", first(1), end),
        ("上年同期", a_year_back(period.from()), a_year_back(end)),
    ]
    .into_iter()
    .map(|(label, from, to)| crate::models::Preset {
        label,
        from: from.to_string(),
        to: to.to_string(),
        on: from == period.from() && to == period.to(),
    })
    .collect()
}

pub async fn dataset(state: &AppState) -> Result<Arc<Dataset>, WebError> {
    Ok(state.app.dataset().await?)
}

/// The report for a period, computed off the async workers.
pub async fn report(state: &AppState, data: &Arc<Dataset>, period: Period) -> Result<Arc<MetricsReport>, WebError> {
    let data = data.clone();
    let config = state.app.config.clone();
    tokio::task::spawn_blocking(move || data.report(period, &config.catalogue))
        .await
        .map_err(|e| WebError::Internal(format!("computing indicators: {e}")))
}

/// Runs CPU work off the async workers.
pub async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| WebError::Internal(format!("{what}: {e}")))
}

// ---------------------------------------------------------------- groups

/// A group named by a query: `kind`, `code`, `court`, or the picker's `group=kind|code|court`.
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

/// The query string naming a group.
pub fn group_query(key: &GroupKey) -> String {
    match key {
        GroupKey::Judge { court, judge } => format!("kind=judge&code={}&court={}", enc(judge), enc(&court.to_string())),
        other => format!("kind={}&code={}", other.kind(), enc(&other.code())),
    }
}

/// The group picker's value of a group.
pub fn group_value(key: &GroupKey) -> String {
    match key {
        GroupKey::Judge { court, judge } => format!("judge|{judge}|{court}"),
        other => format!("{}|{}|", other.kind(), other.code()),
    }
}

/// A group's title: its name, or its kind and code; a judge with their court.
pub fn group_title(data: &Dataset, g: Option<&GroupReport>, key: &GroupKey) -> String {
    match key {
        GroupKey::Judge { court, judge } => format!("{judge}（{}）", data.court_label(*court)),
        other => g.and_then(|g| g.name.clone()).unwrap_or_else(|| format!("{} {}", other.kind_label(), other.code())),
    }
}

/// The group a page asks for (or the user's home group), refused when outside the scope.
pub fn chosen_group(q: &GroupQuery, access: &Access, data: &Dataset) -> Result<GroupKey, WebError> {
    let picked: Option<Vec<&str>> = q.group.as_deref().filter(|g| !g.is_empty()).map(|g| g.splitn(3, '|').collect());
    let (kind, code, court) = match &picked {
        Some(parts) if parts.len() == 3 => (Some(parts[0]), Some(parts[1]), Some(parts[2]).filter(|c| !c.is_empty())),
        Some(_) => return Err(WebError::BadRequest("范围参数有误。".to_owned())),
        None => (q.kind.as_deref(), q.code.as_deref(), q.court.as_deref()),
    };
    let key = match (kind.filter(|k| !k.is_empty()), code.filter(|c| !c.is_empty())) {
        (Some(kind), Some(code)) => {
            GroupKey::parse(Some(kind), code, court).map_err(|e| WebError::BadRequest(e.to_string()))?
        }
        _ => access.home_group(data.first_province()).ok_or(WebError::NotFound)?,
    };
    if !access.sees_group(&key) {
        return Err(WebError::Forbidden);
    }
    Ok(key)
}

/// The groups a user may pick: courts, cities and the province they see, their own judge
/// group, and — so that changing the dates keeps it — the judge being looked at.
pub fn group_options(report: &MetricsReport, access: &Access, data: &Dataset, selected: &GroupKey) -> Vec<GroupOption> {
    let home = access.home_group(None).filter(|k| matches!(k, GroupKey::Judge { .. }));
    let judge_shown = matches!(selected, GroupKey::Judge { .. }) && home.as_ref() != Some(selected);
    let shown = judge_shown.then(|| selected.clone());
    report
        .groups
        .iter()
        .filter(|g| !matches!(g.key, GroupKey::Judge { .. }) && access.sees_group(&g.key))
        .map(|g| GroupOption {
            query_enc: enc(&group_value(&g.key)),
            query: group_value(&g.key),
            label: format!("{} {}", g.key.kind_label(), group_title(data, Some(g), &g.key)),
            selected: &g.key == selected,
        })
        .chain(home.into_iter().chain(shown).map(|k| GroupOption {
            query_enc: enc(&group_value(&k)),
            query: group_value(&k),
            label: format!("法官 {}", group_title(data, None, &k)),
            selected: &k == selected,
        }))
        .collect()
}

// ---------------------------------------------------------------- cases

/// Query parameters of the case list (pages and API).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct CaseQuery {
    /// A province, city or court code: the cases of that group (a dashboard's scope).
    pub scope: Option<String>,
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
    pub near_limit: Option<String>,
    /// The day 未结, 超审限 and 临近审限 refer to (default today): a dashboard's link passes its
    /// period's last day, so the list counts what the card counted.
    pub as_of: Option<String>,
    /// 案号 search.
    pub q: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

pub fn flag(text: Option<&str>) -> Result<Option<bool>, WebError> {
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
    pub fn filter(&self, access: &Access, today: Date) -> Result<CaseFilter, WebError> {
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
        let scope = match blank(&self.scope) {
            None => None,
            Some(c) => {
                let code = CourtCode::parse(c).ok_or_else(|| WebError::BadRequest(format!("“{c}”不是法院代字。")))?;
                let key = GroupKey::for_code(code);
                if !access.sees_group(&key) && !access.sees_court(code) {
                    return Err(WebError::Forbidden);
                }
                Some(key)
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
            scope,
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
            near_limit: flag(self.near_limit.as_deref())?.unwrap_or(false),
            number: blank(&self.q).map(|q| q.replace('(', "（").replace(')', "）")),
            as_of: Some(parse_day(self.as_of.as_deref(), "统计日期")?.unwrap_or(today)),
        })
    }

    pub fn paging(&self) -> Result<(usize, usize), WebError> {
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

/// The cases a filter selects, newest filing first: how many there are, and the rows of one page
/// (`skip`, `take`). Only the courts the viewer may see (and the filter names) are read, from
/// per-court row lists kept in list order. When nothing but the court is filtered and the viewer
/// sees whole courts, the count is the lists' lengths and the page is a merge of their heads;
/// otherwise the candidate rows are tested and the page is selected by each row's precomputed
/// list position, without sorting every match.
pub fn filtered_page(
    data: &Dataset,
    access: &Access,
    filter: &CaseFilter,
    catalogue: &xiezhi_metrics::Catalogue,
    skip: usize,
    take: usize,
) -> (usize, Vec<usize>) {
    let rules = xiezhi_report::ActionRules::new(catalogue);
    let lists = data.court_lists(filter, access);
    let exact = lists.exact;
    let lists = lists.lists;
    let whole_courts = access.sees_whole_courts();
    let matches = |r: u32| filter.matches(data, &data.case(r as usize), &rules) && data.visible(access, r as usize);
    if take == 0 {
        let total = lists.iter().flat_map(|l| l.iter()).filter(|&&r| matches(r));
        return (total.count(), Vec::new());
    }
    if (filter.only_court() || exact) && whole_courts {
        let total = lists.iter().map(|l| l.len()).sum();
        // Merge the lists' heads by list position until the page is complete.
        let mut heads: std::collections::BinaryHeap<std::cmp::Reverse<(u32, usize, usize)>> = lists
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
            .map(|(i, l)| std::cmp::Reverse((data.list_position(l[0] as usize), i, 0)))
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
                heads.push(std::cmp::Reverse((data.list_position(next as usize), list, at + 1)));
            }
        }
        return (total, page);
    }
    let mut matched: Vec<(u32, u32)> = lists
        .iter()
        .flat_map(|l| l.iter())
        .filter(|&&r| matches(r))
        .map(|&r| (data.list_position(r as usize), r))
        .collect();
    let total = matched.len();
    if skip >= total {
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

/// A case line of a list.
pub fn case_line(data: &Dataset, row: usize, today: Date) -> CaseLine {
    let r = data.case(row);
    let deadline = data.deadline(row, today);
    CaseLine {
        number: r.number.to_owned(),
        link: format!("/cases/{}", enc(r.number)),
        court: r.court.map(|c| data.court_label(c)).unwrap_or_default(),
        class: r.class().label(),
        procedure: r.procedure.map(|p| p.label()).unwrap_or(""),
        filed: r.filed.to_string(),
        closed: r.closed.map(|d| d.to_string()).unwrap_or_default(),
        disposition: r.disposition.map(|d| d.label()).unwrap_or(""),
        judge: r.judge.unwrap_or("").to_owned(),
        deadline: deadline.deadline.map(|d| d.to_string()).unwrap_or_default(),
        status: deadline.status.label(),
        applied: None,
        recovered: None,
    }
}

/// A case of the API's list.
pub fn row_json(data: &Dataset, r: &CaseRow<'_>, today: Date) -> Json {
    let deadline = data.deadline(r.row, today);
    json!({
        "case_number": r.number,
        "court": r.court.map(|c| c.to_string()),
        "court_name": r.court.map(|c| data.court_label(c)),
        "type_code": r.type_code.as_str(),
        "class": r.class().key(),
        "procedure": r.procedure.map(|p| p.label()),
        "filed_on": r.filed.to_string(),
        "closed_on": r.closed.map(|d| d.to_string()),
        "disposition": r.disposition.map(|d| d.label()),
        "judge": r.judge,
        "deadline": deadline.deadline.map(|d| d.to_string()),
        "deadline_status": deadline.status.label(),
    })
}

/// A case's facts as the API gives them.
pub fn facts_json(f: &CaseFacts, deadline: Option<Date>) -> Json {
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
        "deadline": deadline.map(|d| d.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_period_ends_with_the_last_whole_month_of_data() {
        let d = |t: &str| Date::parse_iso(t).unwrap();
        // Data to 2026-10-31, asked on 2026-12-05: January to October, not to today.
        assert_eq!(default_period(d("2026-12-05"), Some(d("2026-10-31"))), (d("2026-01-01"), d("2026-10-31")));
        // An export taken on 10-30 (nothing on the 31st) still covers October.
        assert_eq!(default_period(d("2026-12-05"), Some(d("2026-10-30"))), (d("2026-01-01"), d("2026-10-31")));
        // Data running to today (cases registered in Xiezhi): this month is not whole yet.
        assert_eq!(default_period(d("2026-12-05"), Some(d("2026-12-05"))), (d("2026-01-01"), d("2026-11-30")));
        // Data into January: the whole of last year.
        assert_eq!(default_period(d("2027-01-10"), Some(d("2027-01-09"))), (d("2026-01-01"), d("2026-12-31")));
        // A leap February; no data at all; data dated after today (never past today).
        assert_eq!(default_period(d("2024-03-01"), None), (d("2024-01-01"), d("2024-02-29")));
        assert_eq!(default_period(d("2026-06-30"), Some(d("2026-08-01"))), (d("2026-01-01"), d("2026-05-31")));
    }
}

/// A piece of text, a link when it is a citation.
#[derive(Debug, Clone, serde::Serialize, PartialEq, Eq)]
pub struct LinkPiece {
    pub text: String,
    /// `/laws?cite=…` for a statute reference, `/cases/…` for a 案号.
    pub link: Option<String>,
}

/// `text` cut into pieces where every statute reference and 案号 (the one citation grammar,
/// [`xiezhi_legal::cite`]) is a link; `own_law` is the law "本法" means in the text.
pub fn linkify(text: &str, own_law: Option<&str>) -> Vec<LinkPiece> {
    let Ok(corpus) = xiezhi_legal::Corpus::embedded() else {
        return vec![LinkPiece { text: text.to_owned(), link: None }];
    };
    let found = xiezhi_legal::cite(text, &corpus.names, own_law);
    let mut spans: Vec<(usize, usize, String)> = found
        .statutes
        .iter()
        .map(|s| {
            let article = xiezhi_legal::format_citation(&s.law, s.article_no, s.suffix.as_deref(), None, None);
            (s.start, s.end, format!("/laws?cite={}", enc(&article)))
        })
        .chain(found.case_numbers.iter().map(|c| (c.start, c.end, format!("/cases/{}", enc(&c.canonical)))))
        .collect();
    spans.sort_by_key(|s| s.0);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e, link) in spans {
        if s < at || e > chars.len() {
            continue;
        }
        if s > at {
            out.push(LinkPiece { text: chars[at..s].iter().collect(), link: None });
        }
        out.push(LinkPiece { text: chars[s..e].iter().collect(), link: Some(link) });
        at = e;
    }
    if at < chars.len() {
        out.push(LinkPiece { text: chars[at..].iter().collect(), link: None });
    }
    out
}

#[cfg(test)]
mod linkify_tests {
    use super::*;

    #[test]
    fn statutes_and_case_numbers_become_links() {
        let pieces = linkify("依照刑法第264条，参见(2023)粤0106民初12号。", None);
        let links: Vec<(&str, &str)> =
            pieces.iter().filter_map(|p| p.link.as_deref().map(|l| (p.text.as_str(), l))).collect();
        assert_eq!(links.len(), 2, "{pieces:?}");
        assert_eq!(links[0].0, "刑法第264条");
        assert_eq!(links[0].1, format!("/laws?cite={}", enc("《中华人民共和国刑法》第二百六十四条")));
        assert_eq!(links[1].1, format!("/cases/{}", enc("（2023）粤0106民初12号")));
        assert_eq!(
            pieces.iter().map(|p| p.text.as_str()).collect::<String>(),
            "依照刑法第264条，参见(2023)粤0106民初12号。"
        );
    }
}

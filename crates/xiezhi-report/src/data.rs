//! The inputs a bulletin needs beyond one [`MetricsReport`]: the scope ([`ReportScope`]), the monthly
//! series ([`monthly_series`], computed by the same engine month by month) and the action lists
//! ([`ActionListBuilder`]: 超审限 and 超12个月未结 cases, streamed from case facts).

use xiezhi_domain::{CaseFacts, ClockCase, ClockRecord, CourtCode, Date, Deadline, DeadlineStatus, TypeCode};
use xiezhi_metrics::{Catalogue, GroupKey, IndicatorId, MetricsReport, Period, Snapshot, Value};

use crate::error::ReportError;

/// What a report is about: 全省 (a 高院 code such as `粤`), 全市法院 (a 中院 code such as `粤07`)
/// or one court (a basic court's code, or `最高法`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportScope {
    pub key: GroupKey,
}

impl ReportScope {
    /// Parses a scope code: a province, a city (中院 code) or a basic court.
    /// A scope from a court code (`粤07` is 全市法院, `粤` 全省, `粤0703` one court), or with
    /// its kind spelt out: `court:粤07` is the 中院 itself (中院本院), `city:粤07` 全市法院,
    /// `province:粤` 全省.
    pub fn parse(code: &str) -> Result<ReportScope, ReportError> {
        let unknown = || ReportError::UnknownScope(code.into());
        let text = code.trim();
        let (kind, text) = match text.split_once(':') {
            Some((kind, rest)) => (Some(kind), rest.trim()),
            None => (None, text),
        };
        let court = CourtCode::parse(text).ok_or_else(unknown)?;
        let key = match kind {
            None => GroupKey::for_code(court),
            Some("court") => GroupKey::Court(court),
            Some("city") if court.city() == Some(court) => GroupKey::City(court),
            Some("province") if court.province_code() == Some(court) => GroupKey::Province(court),
            Some(_) => return Err(unknown()),
        };
        Ok(ReportScope { key })
    }

    /// The scope's text for [`ReportScope::parse`] (`court:粤07` for a 中院 itself).
    pub fn code(&self) -> String {
        match &self.key {
            GroupKey::Court(c) if c.city() == Some(*c) || c.province_code() == Some(*c) => format!("court:{c}"),
            other => other.code(),
        }
    }

    /// Whether a case of court `court` belongs to the scope.
    pub fn contains(&self, court: CourtCode) -> bool {
        match self.key {
            GroupKey::Province(p) => court.province_code() == Some(p),
            GroupKey::City(c) => court.city() == Some(c),
            GroupKey::Court(c) => court == c,
            GroupKey::Judge { court: c, .. } => court == c,
        }
    }

    /// The groups a bulletin tabulates one by one: the courts of a city, the cities of a
    /// province, or the court itself — in report order.
    pub fn members<'r>(&self, report: &'r MetricsReport) -> Vec<&'r xiezhi_metrics::GroupReport> {
        report
            .groups
            .iter()
            .filter(|g| match (&self.key, &g.key) {
                (GroupKey::City(_), GroupKey::Court(c)) => self.contains(*c),
                (GroupKey::Province(p), GroupKey::City(c)) => c.province_code() == Some(*p),
                (GroupKey::Court(a), GroupKey::Court(b)) => a == b,
                _ => false,
            })
            .collect()
    }

    /// The scope's own group in `report`, or [`ReportError::UnknownScope`].
    pub fn group<'r>(&self, report: &'r MetricsReport) -> Result<&'r xiezhi_metrics::GroupReport, ReportError> {
        report.group(&self.key).ok_or_else(|| ReportError::UnknownScope(self.key.code()))
    }

    /// The scope's group, refusing a period in which nothing happened in it (no case filed and
    /// none closed): a report of such a period — before the data starts, or after it ends,
    /// when only carried-over cases remain — would be zeros, dashes and tied ranks.
    pub fn group_with_data<'r>(
        &self,
        report: &'r MetricsReport,
    ) -> Result<&'r xiezhi_metrics::GroupReport, ReportError> {
        let group = self.group(report)?;
        let filed = group.value(IndicatorId::Filed);
        let closed = group.value(IndicatorId::Closed);
        if filed == &Value::Count(0) && closed == &Value::Count(0) {
            return Err(ReportError::EmptyPeriod {
                scope: self.key.code(),
                from: report.period.from().to_string(),
                to: report.period.to().to_string(),
            });
        }
        Ok(group)
    }

    /// 全市法院 / 全省法院 / the court's name, for prose.
    pub fn subject(&self, report: &MetricsReport) -> String {
        let name = report.group(&self.key).and_then(|g| g.name.clone());
        match (&self.key, name) {
            (_, Some(name)) => name,
            (GroupKey::Province(_), None) => "全省法院".to_owned(),
            (GroupKey::City(_), None) => "全市法院".to_owned(),
            (key, None) => key.code(),
        }
    }
}

/// One month of the trend chart: filed and closed within the month (clipped to the period),
/// pending at its last day — each the engine's value for that sub-period.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthPoint {
    /// e.g. `2024-03`.
    pub label: String,
    pub period: Period,
    pub filed: u64,
    pub closed: u64,
    pub pending: u64,
}

/// The months of `period` (the first and last clipped to it) with the scope group's filed,
/// closed and pending counts, computed by [`xiezhi_metrics::compute_with`] over each month.
pub fn monthly_series(
    snapshot: &Snapshot,
    period: Period,
    catalogue: &Catalogue,
    scope: &ReportScope,
) -> Vec<MonthPoint> {
    let mut points = Vec::new();
    let mut start = period.from();
    while start <= period.to() {
        let (y, m, _) = start.ymd();
        let month_end = Date::from_ymd(y, m, 1).expect("the first of a month exists").add_months(1).add_days(-1);
        let end = month_end.min(period.to());
        let month = Period::new(start, end).expect("start <= end");
        let report = xiezhi_metrics::compute_with(snapshot, month, catalogue);
        let count = |id: IndicatorId| match report.group(&scope.key).map(|g| g.value(id)) {
            Some(Value::Count(c)) => *c,
            _ => 0,
        };
        points.push(MonthPoint {
            label: format!("{y}-{m:02}"),
            period: month,
            filed: count(IndicatorId::Filed),
            closed: count(IndicatorId::Closed),
            pending: count(IndicatorId::Pending),
        });
        start = month_end.add_days(1);
    }
    points
}

/// One case of an action list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionCase {
    /// 案号 (canonical text).
    pub case_number: String,
    /// The court's code.
    pub court: String,
    /// 承办人; `None` when blank.
    pub judge: Option<String>,
    pub filed_on: Date,
    /// 审限届满日 (with extensions and suspensions), when the type has a limit.
    pub deadline: Option<Date>,
    /// 案龄: days from filing to the report's last day.
    pub age_days: i32,
}

/// The cases that need action at the period's last day.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActionLists {
    /// 超审限未结: pending, with a statutory limit, past its deadline (in the on-time scope).
    pub over_limit: Vec<ActionCase>,
    /// 超12个月未结: the cases behind `pending_over_12m` (its catalogue scope).
    pub over_12m: Vec<ActionCase>,
}

/// Which pending cases need action: the one definition behind the bulletins' lists and the web
/// dashboard's. The caller has checked that the case is pending at `as_of`.
#[derive(Debug, Clone, Copy)]
pub struct ActionRules {
    on_time: xiezhi_metrics::TypeMask,
    over_12m: xiezhi_metrics::TypeMask,
}

impl ActionRules {
    /// With the catalogue's scopes of `on_time_rate` and `pending_over_12m`.
    pub fn new(catalogue: &Catalogue) -> ActionRules {
        ActionRules {
            on_time: catalogue.entry(IndicatorId::OnTimeRate).mask(),
            over_12m: catalogue.entry(IndicatorId::PendingOver12m).mask(),
        }
    }

    /// 超审限未结: a type in the on-time scope whose deadline (the one rule) has passed.
    pub fn over_limit(&self, type_code: TypeCode, deadline: &Deadline) -> bool {
        self.on_time.contains(type_code.index()) && deadline.status == DeadlineStatus::Overdue
    }

    /// 临近审限: within the on-time scope, `near` by the rule (at most the catalogue's near
    /// days left, no excluded period running).
    pub fn near_limit(&self, type_code: TypeCode, deadline: &Deadline) -> bool {
        self.on_time.contains(type_code.index()) && deadline.status == DeadlineStatus::Near
    }

    /// 超12个月未结: in the scope of `pending_over_12m`, add_months(filed_on, 12) < `as_of`.
    pub fn over_12m(&self, type_code: TypeCode, filed_on: Date, as_of: Date) -> bool {
        self.over_12m.contains(type_code.index()) && filed_on.add_months(12) < as_of
    }
}

/// Streams case facts into [`ActionLists`] without keeping the facts.
#[derive(Debug, Clone)]
pub struct ActionListBuilder {
    scope: ReportScope,
    as_of: Date,
    near_days: i32,
    rules: ActionRules,
    lists: ActionLists,
}

impl ActionListBuilder {
    /// Lists for `scope` at `as_of` (the period's last day), with the catalogue's scopes of
    /// `on_time_rate` and `pending_over_12m`.
    pub fn new(scope: ReportScope, as_of: Date, catalogue: &Catalogue) -> ActionListBuilder {
        ActionListBuilder {
            scope,
            as_of,
            near_days: xiezhi_domain::deadline::DEFAULT_NEAR_DAYS,
            rules: ActionRules::new(catalogue),
            lists: ActionLists::default(),
        }
    }

    /// Looks at one case whose record is its row (no events).
    pub fn push(&mut self, facts: &CaseFacts) {
        let case = ClockCase {
            type_code: facts.case_number.type_code(),
            procedure: facts.procedure,
            filed_on: facts.filed_on,
            closed_on: facts.closed_on,
            record: ClockRecord::Imported {
                extension_days: facts.extension_days,
                suspended_days: facts.suspended_days,
            },
        };
        let deadline = Deadline::compute(&case, self.as_of, self.near_days);
        self.push_with(facts, &deadline);
    }

    /// Looks at one case with its deadline as of the lists' day (the rule applied to its record).
    pub fn push_with(&mut self, facts: &CaseFacts, deadline: &Deadline) {
        let Some(court) = facts.case_number.court() else {
            return;
        };
        if !self.scope.contains(court) {
            return;
        }
        let pending = facts.filed_on <= self.as_of && facts.closed_on.is_none_or(|c| c > self.as_of);
        if !pending {
            return;
        }
        let type_code = facts.case_number.type_code();
        let row = || ActionCase {
            case_number: facts.case_number.as_str().to_owned(),
            court: court.to_string(),
            judge: facts.judge.clone().filter(|j| !j.trim().is_empty()),
            filed_on: facts.filed_on,
            deadline: deadline.deadline,
            age_days: self.as_of.days_since(facts.filed_on),
        };
        if self.rules.over_limit(type_code, deadline) {
            self.lists.over_limit.push(row());
        }
        if self.rules.over_12m(type_code, facts.filed_on, self.as_of) {
            self.lists.over_12m.push(row());
        }
    }

    /// The lists, oldest case first (ties by 案号).
    pub fn finish(mut self) -> ActionLists {
        for list in [&mut self.lists.over_limit, &mut self.lists.over_12m] {
            list.sort_by(|a, b| b.age_days.cmp(&a.age_days).then_with(|| a.case_number.cmp(&b.case_number)));
        }
        self.lists
    }
}

#[cfg(test)]
mod action_rule_tests {
    use xiezhi_domain::StatutoryLimit;

    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    /// An open case of `type_code` whose deadline is `deadline`, as of `as_of`.
    fn open(type_code: TypeCode, deadline: Option<Date>, as_of: Date) -> Deadline {
        // A case whose limit is 0 days would be odd; build one with a base of `deadline`
        // through the row's extension days: filed far enough back for a 6-month limit.
        match deadline {
            None => Deadline::compute(
                &ClockCase {
                    type_code,
                    procedure: None,
                    filed_on: d("2024-01-01"),
                    closed_on: None,
                    record: ClockRecord::Imported { extension_days: 0, suspended_days: 0 },
                },
                as_of,
                15,
            ),
            Some(dl) => {
                // 民初 (6 months): filed 6 months and k days before the deadline, k extension days.
                let filed = dl.add_months(-6).add_days(-1);
                let base = filed.add_months(6);
                let extension = u32::try_from(dl.days_since(base)).unwrap();
                let r = Deadline::compute(
                    &ClockCase {
                        type_code,
                        procedure: None,
                        filed_on: filed,
                        closed_on: None,
                        record: ClockRecord::Imported { extension_days: extension, suspended_days: 0 },
                    },
                    as_of,
                    15,
                );
                assert_eq!(r.deadline, Some(dl));
                r
            }
        }
    }

    #[test]
    fn boundaries_of_the_action_lists() {
        let rules = ActionRules::new(&Catalogue::default());
        let civil = TypeCode::from_text("民初").unwrap();
        let preservation = TypeCode::from_text("执保").unwrap();
        let as_of = d("2024-10-31");
        // A deadline on as_of is not yet over; the day before is.
        assert!(!rules.over_limit(civil, &open(civil, Some(as_of), as_of)));
        assert!(rules.over_limit(civil, &open(civil, Some(d("2024-10-30")), as_of)));
        // 执保 has no 审限, so it has no deadline and is never over the limit.
        assert_eq!(StatutoryLimit::for_case(preservation, None), None);
        assert!(!rules.over_limit(preservation, &open(preservation, None, as_of)));
        // Near: from as_of to 15 days later.
        assert!(rules.near_limit(civil, &open(civil, Some(as_of), as_of)));
        assert!(rules.near_limit(civil, &open(civil, Some(d("2024-11-15")), as_of)));
        assert!(!rules.near_limit(civil, &open(civil, Some(d("2024-11-16")), as_of)));
        assert!(!rules.near_limit(civil, &open(civil, Some(d("2024-10-30")), as_of)));
        // Over 12 months: filed 2023-10-30 → +12 = 2024-10-30 < as_of; filed 2023-10-31 is not.
        assert!(rules.over_12m(civil, d("2023-10-30"), as_of));
        assert!(!rules.over_12m(civil, d("2023-10-31"), as_of));
        // Clamping: filed 2023-02-28 + 12 months = 2024-02-28 < 2024-02-29.
        assert!(rules.over_12m(civil, d("2023-02-28"), d("2024-02-29")));
    }
}

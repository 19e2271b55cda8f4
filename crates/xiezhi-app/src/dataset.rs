//! 数据集 the cases held in memory for every figure, list and page: the engine's columnar
//! [`Snapshot`] plus what lists need besides it (each case's 案号, its judge's roster id, its
//! events, and the orders lists are read in). Built once from the store (or read back from the
//! persisted file), then changed in place as cases change ([`Dataset::apply`]): a registration
//! or an event costs milliseconds, not a reload.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use xiezhi_domain::{
    Amount, CaseClass, CaseEvent, CaseFacts, ClockCase, ClockRecord, CourtCode, Date, Deadline, Disposition, Procedure,
    TypeCode,
};
use xiezhi_metrics::{Catalogue, GroupKey, GroupNames, LiveReport, MetricsReport, Period, Snapshot, SnapshotBuilder};

use crate::access::Access;

/// "No roster id" in a per-row index column.
const NONE: u32 = u32::MAX;

/// What the dataset keeps of one stored case: its facts, roster link and events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedCase {
    pub facts: CaseFacts,
    pub judge_id: Option<String>,
    pub events: Vec<CaseEvent>,
}

/// The facts the indicators see for a case, and its deadline, from its record: a case with
/// events gets its 延长/扣除审限天数 from the deadline rule (as of its closing, or for an open
/// case as of its latest event) and its 执行到位金额 from its payments; a case without events
/// keeps its imported row (GLOSSARY.md, "Record source").
pub fn derive_record(facts: &CaseFacts, events: &[CaseEvent], near_days: i32) -> (CaseFacts, Option<Date>) {
    let has_clock = events.iter().any(|e| e.kind().is_clock());
    let paid: Option<i64> = events
        .iter()
        .filter_map(|e| match e {
            CaseEvent::Payment { amount, .. } => Some(amount.ten_thousandths()),
            _ => None,
        })
        .reduce(|a, b| a.saturating_add(b));
    let mut derived = facts.clone();
    let deadline = if has_clock {
        let latest = events.iter().map(CaseEvent::date).max().unwrap_or(facts.filed_on).max(facts.filed_on);
        let case = clock_case(facts, ClockRecord::Events(events));
        let d = Deadline::compute(&case, facts.closed_on.unwrap_or(latest), near_days);
        derived.extension_days = d.extension_days;
        derived.suspended_days = d.suspended_days;
        d.deadline
    } else {
        xiezhi_metrics::imported_deadline(facts)
    };
    if let Some(total) = paid {
        derived.recovered_amount = Some(Amount::from_ten_thousandths(total));
    }
    (derived, deadline)
}

/// Sets what row `row`'s events say for the two indicators fed by events: a 终本核查 recorded,
/// a 终本 closing of an 执/执恢 case that passes the gate, its petitions.
pub(crate) fn set_record(snapshot: &mut xiezhi_metrics::Snapshot, row: usize, events: &[CaseEvent]) {
    let v = snapshot.row(row);
    let checked = events.iter().any(|e| matches!(e, CaseEvent::TerminalCheck { .. }));
    let terminal_ok = match (v.closed, v.disposition) {
        (Some(closed), Some(xiezhi_domain::Disposition::TerminalEnforcementSuspension))
            if v.type_code.class() == xiezhi_domain::CaseClass::Enforcement =>
        {
            xiezhi_domain::terminal_gate(v.filed, closed, events).is_empty()
        }
        _ => false,
    };
    let petitions: Vec<(Date, Option<Date>)> = events
        .iter()
        .filter_map(|e| match e {
            CaseEvent::Petition { on, resolved_on } => Some((*on, *resolved_on)),
            _ => None,
        })
        .collect();
    snapshot.set_enforcement(row, checked, terminal_ok, &petitions);
}

/// A case's facts as of `as_of` (exports): with events, the day counts by the deadline rule as
/// of its closing (closed) or `as_of` (open), and the 执行到位金额 from its payments.
pub fn facts_as_of(facts: &CaseFacts, events: &[CaseEvent], as_of: Date, near_days: i32) -> CaseFacts {
    let (mut derived, _) = derive_record(facts, events, near_days);
    if events.iter().any(|e| e.kind().is_clock()) {
        let d = Deadline::compute(&clock_case(facts, ClockRecord::Events(events)), as_of, near_days);
        derived.extension_days = d.extension_days;
        derived.suspended_days = d.suspended_days;
    }
    derived
}

fn clock_case<'a>(facts: &CaseFacts, record: ClockRecord<'a>) -> ClockCase<'a> {
    ClockCase {
        type_code: facts.case_number.type_code(),
        procedure: facts.procedure,
        filed_on: facts.filed_on,
        closed_on: facts.closed_on,
        record,
    }
}

/// Every 案号 in one text, row by row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Numbers {
    pub(crate) text: String,
    /// End of row `i`'s number in `text`.
    pub(crate) ends: Vec<u32>,
}

impl Numbers {
    pub(crate) fn push(&mut self, number: &str) {
        self.text.push_str(number);
        let end = u32::try_from(self.text.len()).expect("less than 4 GB of 案号 per dataset");
        self.ends.push(end);
    }

    pub(crate) fn get(&self, row: usize) -> &str {
        let start = if row == 0 { 0 } else { self.ends[row - 1] as usize };
        &self.text[start..self.ends[row] as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }
}

/// One case as lists show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseRow<'a> {
    pub row: usize,
    pub number: &'a str,
    pub court: Option<CourtCode>,
    pub type_code: TypeCode,
    pub procedure: Option<Procedure>,
    pub filed: Date,
    pub closed: Option<Date>,
    pub disposition: Option<Disposition>,
    pub judge: Option<&'a str>,
    pub judge_id: Option<&'a str>,
}

impl CaseRow<'_> {
    /// 未结 at `day`.
    pub fn pending_at(&self, day: Date) -> bool {
        self.filed <= day && self.closed.is_none_or(|c| c > day)
    }

    pub fn class(&self) -> CaseClass {
        self.type_code.class()
    }
}

/// A small shared cache of computed values.
type Cache<K, V> = Mutex<HashMap<K, Arc<V>>>;

/// Inserts into a bounded cache (cleared when full: entries are cheap to recompute).
fn cache_insert<K: std::hash::Hash + Eq, V>(cache: &Cache<K, V>, key: K, value: Arc<V>) {
    let mut cache = cache.lock().expect("cache lock");
    if cache.len() >= 64 {
        cache.clear();
    }
    cache.insert(key, value);
}

/// Values computed from a dataset. They follow the dataset's changes (`Dataset::apply` updates
/// each from the changed rows, or drops it when that cannot be done exactly).
#[derive(Default)]
pub(crate) struct Caches {
    /// Reports with their partials (`LiveReport`), per period.
    reports: Mutex<HashMap<(Date, Date), LiveReport>>,
    /// Monthly series and action lists are full scans of the rows: computed once per
    /// (period, group[, viewer]) and then kept current. Without them a 3M-case dashboard took
    /// ~30 ms of CPU per request.
    months: Cache<(Date, Date, GroupKey), Vec<MonthCounts>>,
    actions: Mutex<HashMap<ActionKey, (Access, Arc<ActionRows>)>>,
    /// The metrics JSON of every group of a period's report, serialised once per group and
    /// reused until that group's figures change.
    fragments: Mutex<HashMap<(Date, Date), Fragments>>,
    /// Serialised `/api/v1/metrics` bodies per (period, viewer's scope).
    api_metrics: Cache<(Date, Date, String), Vec<u8>>,
    /// Held while a cached value is computed, so that concurrent first requests for the same
    /// value wait for one computation instead of each doing it. Taken only on blocking threads.
    compute: Mutex<()>,
}

/// Action lists are kept per (group, as-of day, viewer).
type ActionKey = (GroupKey, Date, String);

/// Each group's JSON object of one report.
struct Fragments {
    report: Arc<MetricsReport>,
    parts: Vec<Arc<str>>,
}

impl Caches {
    fn clear(&self) {
        self.reports.lock().expect("cache lock").clear();
        self.months.lock().expect("cache lock").clear();
        self.actions.lock().expect("cache lock").clear();
        self.fragments.lock().expect("cache lock").clear();
        self.api_metrics.lock().expect("cache lock").clear();
    }
}

/// The cases in memory.
pub struct Dataset {
    pub snapshot: Snapshot,
    pub(crate) names: GroupNames,
    /// Court names, by code.
    pub(crate) court_names: HashMap<CourtCode, String>,
    pub(crate) numbers: Numbers,
    /// Each row's roster id, as an index into `roster_ids` (NONE: not linked).
    pub(crate) judge_ids: Vec<u32>,
    pub(crate) roster_ids: Vec<Box<str>>,
    pub(crate) roster_index: HashMap<Box<str>, u32>,
    /// The events of the rows that have any.
    pub(crate) events: HashMap<u32, Arc<[CaseEvent]>>,
    /// Row indices sorted by 案号 (byte order), for lookups.
    pub(crate) order: Vec<u32>,
    /// Rows in the case list's order (newest filing first, 案号 within a day).
    pub(crate) newest_first: Vec<u32>,
    /// Each row's position in `newest_first`.
    pub(crate) list_rank: Vec<u32>,
    /// Rows of each court (None: legacy numbers without a court) in list order.
    pub(crate) by_court: Vec<(Option<CourtCode>, Vec<u32>)>,
    /// `by_court` restricted to the rows with no 结案日期.
    pub(crate) open_by_court: Vec<(Option<CourtCode>, Vec<u32>)>,
    /// `by_court` restricted to the rows with a 结案日期.
    pub(crate) closed_by_court: Vec<(Option<CourtCode>, Vec<u32>)>,
    /// The latest 结案日期 in the data: a case pending at a day on or after it has none.
    pub(crate) latest_closed: Option<Date>,
    /// The latest 立案日期: on a day on or after both, 未结 = no 结案日期, 已结 = one.
    pub(crate) latest_filed: Option<Date>,
    pub(crate) near_days: i32,
    pub(crate) caches: Caches,
}

impl std::fmt::Debug for Dataset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dataset({} cases)", self.len())
    }
}

impl Dataset {
    /// Builds the dataset from stored cases (tests and the loader). `court_names`: the courts
    /// table (code → name).
    pub fn build(
        cases: impl IntoIterator<Item = LoadedCase>,
        court_names: &[(String, String)],
        near_days: i32,
    ) -> Dataset {
        let mut builder = DatasetBuilder::new(0, near_days);
        for case in cases {
            builder.push(case);
        }
        builder.finish(court_names)
    }

    /// The dataset of plain facts (no roster links, no events).
    pub fn from_facts(facts: impl IntoIterator<Item = CaseFacts>, court_names: &[(String, String)]) -> Dataset {
        Dataset::build(
            facts.into_iter().map(|facts| LoadedCase { facts, judge_id: None, events: Vec::new() }),
            court_names,
            xiezhi_domain::deadline::DEFAULT_NEAR_DAYS,
        )
    }

    /// A copy to change while readers go on with this one (the cached values are not copied).
    pub(crate) fn copy_for_update(&self) -> Dataset {
        Dataset {
            snapshot: self.snapshot.clone(),
            names: self.names.clone(),
            court_names: self.court_names.clone(),
            numbers: self.numbers.clone(),
            judge_ids: self.judge_ids.clone(),
            roster_ids: self.roster_ids.clone(),
            roster_index: self.roster_index.clone(),
            events: self.events.clone(),
            order: self.order.clone(),
            newest_first: self.newest_first.clone(),
            list_rank: self.list_rank.clone(),
            by_court: self.by_court.clone(),
            open_by_court: self.open_by_court.clone(),
            closed_by_court: self.closed_by_court.clone(),
            latest_closed: self.latest_closed,
            latest_filed: self.latest_filed,
            near_days: self.near_days,
            caches: Caches::default(),
        }
    }

    /// Number of cases.
    pub fn len(&self) -> usize {
        self.numbers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.numbers.len() == 0
    }

    /// The 案号 of a row.
    pub fn number(&self, row: usize) -> &str {
        self.numbers.get(row)
    }

    /// The row of a canonical 案号.
    pub fn row_of(&self, number: &str) -> Option<usize> {
        self.order.binary_search_by(|r| self.numbers.get(*r as usize).cmp(number)).ok().map(|i| self.order[i] as usize)
    }

    /// Row `row` as lists show it.
    pub fn case(&self, row: usize) -> CaseRow<'_> {
        let v = self.snapshot.row(row);
        let judge_id = self.judge_ids[row];
        CaseRow {
            row,
            number: self.numbers.get(row),
            court: v.court,
            type_code: v.type_code,
            procedure: v.procedure,
            filed: v.filed,
            closed: v.closed,
            disposition: v.disposition,
            judge: v.judge,
            judge_id: (judge_id != NONE).then(|| &*self.roster_ids[judge_id as usize]),
        }
    }

    /// The events of a row (empty when it has none).
    pub fn events(&self, row: usize) -> &[CaseEvent] {
        self.events.get(&(row as u32)).map_or(&[], |e| e)
    }

    /// The one deadline rule for row `row` as of `as_of` (its closing day when closed).
    pub fn deadline(&self, row: usize, as_of: Date) -> Deadline {
        let v = self.snapshot.row(row);
        let events = self.events(row);
        let record = if events.iter().any(|e| e.kind().is_clock()) {
            ClockRecord::Events(events)
        } else {
            ClockRecord::Imported { extension_days: v.extension_days, suspended_days: v.suspended_days }
        };
        let case = ClockCase {
            type_code: v.type_code,
            procedure: v.procedure,
            filed_on: v.filed,
            closed_on: v.closed,
            record,
        };
        Deadline::compute(&case, as_of, self.near_days)
    }

    /// 我的案件: the open cases on `as_of` of the judge a judge or clerk account is (assists),
    /// most urgent first: by 审限届满 (cases without a statutory limit last), then 案号.
    pub fn my_open_cases(&self, access: &Access, as_of: Date) -> Vec<(usize, Deadline)> {
        if !matches!(access.role, crate::Role::Judge | crate::Role::Clerk) {
            return Vec::new();
        }
        let Some(court) = access.court else { return Vec::new() };
        let mut out: Vec<(usize, Deadline)> = self
            .by_court
            .iter()
            .filter(|(c, _)| *c == Some(court))
            .flat_map(|(_, rows)| rows.iter().map(|&r| r as usize))
            .filter(|&r| self.case(r).pending_at(as_of) && self.visible(access, r))
            .map(|r| (r, self.deadline(r, as_of)))
            .collect();
        out.sort_by(|(ra, a), (rb, b)| {
            (a.deadline.is_none(), a.deadline, self.number(*ra)).cmp(&(
                b.deadline.is_none(),
                b.deadline,
                self.number(*rb),
            ))
        });
        out
    }

    /// 临近审限 window of this dataset (days).
    pub fn near_days(&self) -> i32 {
        self.near_days
    }

    /// Whether `access` may see the case in `row`.
    pub fn visible(&self, access: &Access, row: usize) -> bool {
        let r = self.case(row);
        access.sees_case(r.court, r.judge, r.judge_id)
    }

    /// The report for a period, computed once and kept (up to 32 periods) as cases change.
    pub fn report(&self, period: Period, catalogue: &Catalogue) -> Arc<MetricsReport> {
        let key = (period.from(), period.to());
        if let Some(r) = self.caches.reports.lock().expect("cache lock").get(&key) {
            return r.report.clone();
        }
        let _computing = self.caches.compute.lock().expect("compute lock");
        if let Some(r) = self.caches.reports.lock().expect("cache lock").get(&key) {
            return r.report.clone();
        }
        let live = LiveReport::compute(&self.snapshot, period, catalogue);
        let report = live.report.clone();
        let mut cache = self.caches.reports.lock().expect("cache lock");
        if cache.len() >= 32 {
            cache.clear();
        }
        cache.insert(key, live);
        report
    }

    /// [`monthly_counts`], cached per (period, group).
    pub fn monthly(&self, period: Period, group: &GroupKey) -> Arc<Vec<MonthCounts>> {
        let key = (period.from(), period.to(), group.clone());
        if let Some(m) = self.caches.months.lock().expect("cache lock").get(&key) {
            return m.clone();
        }
        let _computing = self.caches.compute.lock().expect("compute lock");
        if let Some(m) = self.caches.months.lock().expect("cache lock").get(&key) {
            return m.clone();
        }
        let months = Arc::new(monthly_counts(self, period, group));
        cache_insert(&self.caches.months, key, months.clone());
        months
    }

    /// [`action_rows`], cached per (group, date, viewer's scope).
    pub fn actions(&self, access: &Access, group: &GroupKey, as_of: Date, catalogue: &Catalogue) -> Arc<ActionRows> {
        let key = (group.clone(), as_of, viewer_key(access));
        if let Some((_, a)) = self.caches.actions.lock().expect("cache lock").get(&key) {
            return a.clone();
        }
        let _computing = self.caches.compute.lock().expect("compute lock");
        if let Some((_, a)) = self.caches.actions.lock().expect("cache lock").get(&key) {
            return a.clone();
        }
        let lists = Arc::new(action_rows(self, access, group, as_of, catalogue));
        let mut cache = self.caches.actions.lock().expect("cache lock");
        if cache.len() >= 64 {
            cache.clear();
        }
        cache.insert(key, (access.clone(), lists.clone()));
        lists
    }

    /// The `/api/v1/metrics` body of `period` for `access`: the contract's JSON with the groups
    /// it may see. Each group's object is serialised once and reused until its figures change;
    /// bodies are kept per viewer.
    pub fn metrics_body(&self, period: Period, access: &Access, catalogue: &Catalogue) -> Arc<Vec<u8>> {
        let key = (period.from(), period.to(), viewer_key(access));
        if let Some(b) = self.caches.api_metrics.lock().expect("cache lock").get(&key) {
            return b.clone();
        }
        let report = self.report(period, catalogue);
        let parts = {
            let mut fragments = self.caches.fragments.lock().expect("cache lock");
            let entry = fragments.entry((period.from(), period.to()));
            let current = match entry {
                std::collections::hash_map::Entry::Occupied(mut o) => {
                    if !Arc::ptr_eq(&o.get().report, &report) {
                        let old = o.get();
                        let same_layout = old.report.groups.len() == report.groups.len();
                        let parts = report
                            .groups
                            .iter()
                            .enumerate()
                            .map(|(i, g)| {
                                if same_layout && old.report.groups[i] == *g {
                                    old.parts[i].clone()
                                } else {
                                    Arc::from(report.group_json(g).to_string())
                                }
                            })
                            .collect();
                        o.insert(Fragments { report: report.clone(), parts });
                    }
                    o.into_mut()
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    let parts = report.groups.iter().map(|g| Arc::from(report.group_json(g).to_string())).collect();
                    v.insert(Fragments { report: report.clone(), parts })
                }
            };
            current.parts.clone()
        };
        let mut body = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum::<usize>() + 128);
        body.extend_from_slice(b"{\"period\":");
        body.extend_from_slice(xiezhi_metrics::period_json(report.period).to_string().as_bytes());
        body.extend_from_slice(b",\"previous_period\":");
        body.extend_from_slice(xiezhi_metrics::period_json(report.previous_period).to_string().as_bytes());
        body.extend_from_slice(b",\"groups\":[");
        let mut first = true;
        for (g, part) in report.groups.iter().zip(&parts) {
            if !access.sees_group(&g.key) {
                continue;
            }
            if !first {
                body.push(b',');
            }
            first = false;
            body.extend_from_slice(part.as_bytes());
        }
        body.extend_from_slice(b"]}");
        let body = Arc::new(body);
        cache_insert(&self.caches.api_metrics, key, body.clone());
        body
    }

    /// The name of a court, or its code.
    pub fn court_label(&self, code: CourtCode) -> String {
        self.court_names.get(&code).cloned().unwrap_or_else(|| code.to_string())
    }

    /// Every court with a case, sorted by code text.
    pub fn courts(&self) -> Vec<CourtCode> {
        self.snapshot.courts().to_vec()
    }

    /// Every (court, judge) pair with a case, sorted.
    pub fn judges(&self) -> BTreeSet<(String, String)> {
        self.snapshot.judges().map(|(c, j)| (c.to_string(), j.to_owned())).collect()
    }

    /// The first province group, if any (an admin's home).
    pub fn first_province(&self) -> Option<GroupKey> {
        (0..self.snapshot.group_count())
            .map(|g| self.snapshot.group_key(g))
            .find(|k| matches!(k, GroupKey::Province(_)))
    }

    /// Whether the case in `row` belongs to `group`.
    pub fn in_group(&self, row: usize, group: &GroupKey) -> bool {
        let r = self.case(row);
        r.court.is_some_and(|court| group.contains(court, r.judge))
    }

    /// A row's position in the case list's order (newest filing first, 案号 within a day).
    pub fn list_position(&self, row: usize) -> u32 {
        self.list_rank[row]
    }

    /// The per-court row lists (in list order) a filter needs to read for `access`: only the
    /// courts the viewer may see and the filter names. On a day no case was closed after, only
    /// open cases can be pending: 未结/超审限/临近审限 read the open lists. When no case was
    /// filed after it either, the open lists are exactly 未结 and the closed lists exactly 已结
    /// (`exact`: no row needs testing beyond the court).
    pub fn court_lists(&self, filter: &CaseFilter, access: &Access) -> CourtLists<'_> {
        let no_closing_after = filter.as_of.is_some_and(|day| self.latest_closed.is_none_or(|last| last <= day));
        let no_filing_after = filter.as_of.is_some_and(|day| self.latest_filed.is_none_or(|last| last <= day));
        let source = match filter.pending {
            Some(false) if no_closing_after && no_filing_after => &self.closed_by_court,
            Some(true) if no_closing_after => &self.open_by_court,
            _ if (filter.over_limit || filter.near_limit) && no_closing_after => &self.open_by_court,
            _ => &self.by_court,
        };
        let exact = filter.pending.is_some() && no_closing_after && no_filing_after && filter.only_court_and_pending();
        let lists = source
            .iter()
            .filter(|(court, _)| match court {
                Some(c) => {
                    filter.court.is_none_or(|f| f == *c)
                        && filter
                            .scope
                            .as_ref()
                            .is_none_or(|g| matches!(g, GroupKey::Judge { .. }) || g.contains(*c, None))
                        && access.sees_court(*c)
                }
                None => filter.court.is_none() && filter.scope.is_none() && access.sees_case(None, None, None),
            })
            .map(|(_, rows)| rows.as_slice())
            .collect();
        CourtLists { lists, exact }
    }

    /// The latest 立案日期 or 结案日期 in the data (数据截至).
    pub fn last_day(&self) -> Option<Date> {
        self.latest_filed.max(self.latest_closed)
    }
}

/// The row lists a case list reads (see [`Dataset::court_lists`]).
pub struct CourtLists<'a> {
    pub lists: Vec<&'a [u32]>,
    /// The lists hold exactly the matching rows (for whole-court viewers).
    pub exact: bool,
}

/// The part of an [`Access`] that decides what it sees (a cache key).
fn viewer_key(access: &Access) -> String {
    format!("{:?}|{:?}|{:?}|{:?}", access.role, access.court, access.judge, access.judge_id)
}

/// Builds a [`Dataset`] one case at a time (streamed from the store).
pub(crate) struct DatasetBuilder {
    snapshot: SnapshotBuilder,
    numbers: Numbers,
    judge_ids: Vec<u32>,
    roster_ids: Vec<Box<str>>,
    roster_index: HashMap<Box<str>, u32>,
    events: HashMap<u32, Arc<[CaseEvent]>>,
    near_days: i32,
}

impl DatasetBuilder {
    pub(crate) fn new(capacity: usize, near_days: i32) -> DatasetBuilder {
        DatasetBuilder {
            snapshot: SnapshotBuilder::with_capacity(capacity),
            numbers: Numbers { text: String::with_capacity(capacity * 30), ends: Vec::with_capacity(capacity) },
            judge_ids: Vec::with_capacity(capacity),
            roster_ids: Vec::new(),
            roster_index: HashMap::new(),
            events: HashMap::new(),
            near_days,
        }
    }

    pub(crate) fn push(&mut self, case: LoadedCase) {
        let row = self.numbers.len() as u32;
        let (facts, deadline) = derive_record(&case.facts, &case.events, self.near_days);
        self.snapshot.push_with_deadline(&facts, deadline);
        self.numbers.push(facts.case_number.as_str());
        self.judge_ids.push(intern(&mut self.roster_ids, &mut self.roster_index, case.judge_id.as_deref()));
        if !case.events.is_empty() {
            self.events.insert(row, case.events.into());
        }
    }

    pub(crate) fn finish(self, court_names: &[(String, String)]) -> Dataset {
        let names = GroupNames::from_court_names(court_names);
        let snapshot = self.snapshot.finish(&names);
        let court_names =
            court_names.iter().filter_map(|(code, name)| Some((CourtCode::parse(code)?, name.clone()))).collect();
        let mut data = Dataset {
            snapshot,
            names,
            court_names,
            numbers: self.numbers,
            judge_ids: self.judge_ids,
            roster_ids: self.roster_ids,
            roster_index: self.roster_index,
            events: self.events,
            order: Vec::new(),
            newest_first: Vec::new(),
            list_rank: Vec::new(),
            by_court: Vec::new(),
            open_by_court: Vec::new(),
            closed_by_court: Vec::new(),
            latest_closed: None,
            latest_filed: None,
            near_days: self.near_days,
            caches: Caches::default(),
        };
        for (&row, events) in &data.events {
            set_record(&mut data.snapshot, row as usize, events);
        }
        data.build_orders();
        data.build_court_lists();
        data
    }
}

/// The index of a roster id in `ids` (added when new), or NONE.
fn intern(ids: &mut Vec<Box<str>>, index: &mut HashMap<Box<str>, u32>, id: Option<&str>) -> u32 {
    let Some(id) = id else { return NONE };
    if let Some(&i) = index.get(id) {
        return i;
    }
    let i = ids.len() as u32;
    ids.push(id.into());
    index.insert(id.into(), i);
    i
}

impl Dataset {
    /// The list order's key of a row: newest filing first, then 案号.
    fn list_key(&self, row: u32) -> (std::cmp::Reverse<Date>, &str) {
        (std::cmp::Reverse(self.snapshot.row(row as usize).filed), self.numbers.get(row as usize))
    }

    /// `order`, `newest_first` and `list_rank`, sorted once.
    pub(crate) fn build_orders(&mut self) {
        let n = self.len() as u32;
        let mut order: Vec<u32> = (0..n).collect();
        order.sort_unstable_by(|a, b| self.numbers.get(*a as usize).cmp(self.numbers.get(*b as usize)));
        let filed: Vec<i32> = (0..n as usize).map(|r| self.snapshot.row(r).filed.day_number()).collect();
        let mut newest: Vec<u32> = (0..n).collect();
        newest.sort_by(|a, b| {
            filed[*b as usize]
                .cmp(&filed[*a as usize])
                .then_with(|| self.numbers.get(*a as usize).cmp(self.numbers.get(*b as usize)))
        });
        let mut list_rank = vec![0u32; n as usize];
        for (position, &row) in newest.iter().enumerate() {
            list_rank[row as usize] = position as u32;
        }
        self.order = order;
        self.newest_first = newest;
        self.list_rank = list_rank;
    }

    /// The per-court lists (all, open, closed) from `newest_first`, and the latest dates.
    pub(crate) fn build_court_lists(&mut self) {
        let mut by_court: HashMap<Option<CourtCode>, Vec<u32>> = HashMap::new();
        for &row in &self.newest_first {
            by_court.entry(self.snapshot.court_of(row as usize)).or_default().push(row);
        }
        let mut by_court: Vec<(Option<CourtCode>, Vec<u32>)> = by_court.into_iter().collect();
        by_court.sort_by_key(|(c, _)| *c);
        // The same lists restricted to cases with no 结案日期: a 未结 or 超审限 list reads these
        // (a sixth of the rows or so) instead of every row of its courts.
        let split = |open: bool| -> Vec<(Option<CourtCode>, Vec<u32>)> {
            by_court
                .iter()
                .map(|(court, list)| {
                    (
                        *court,
                        list.iter()
                            .copied()
                            .filter(|&r| self.snapshot.row(r as usize).closed.is_none() == open)
                            .collect(),
                    )
                })
                .collect()
        };
        let (open, closed) = (split(true), split(false));
        self.by_court = by_court;
        self.open_by_court = open;
        self.closed_by_court = closed;
        self.latest_closed = (0..self.len()).filter_map(|r| self.snapshot.row(r).closed).max();
        self.latest_filed = (0..self.len()).map(|r| self.snapshot.row(r).filed).max();
    }

    /// The rows row `row` descends from through origin links (its origin, the origin's origin …).
    fn ancestors(&self, row: usize, out: &mut std::collections::BTreeSet<usize>) {
        let mut at = row;
        while let Some(origin) = self.snapshot.origin_of(at) {
            if !out.insert(origin) {
                break;
            }
            at = origin;
        }
    }

    /// Applies changed cases: each replaces its row (by 案号) or becomes a new row. `following`
    /// lists, for each new case, the stored cases that name it as their origin (their links
    /// are set too). `court_names` is the courts table now; `catalogue` the one the cached
    /// figures were computed with.
    ///
    /// Cached figures follow: each report takes out the contributions of the affected rows (the
    /// changed rows and every ancestor, before and after) and puts them back; monthly series and
    /// action lists are corrected for the changed rows. A rename of a court, or a court or judge
    /// the data did not have (new group tables), drops the reports instead.
    ///
    /// One difference from a rebuild remains: a judge (or court) group whose last case moves
    /// away stays in the group tables with no case (all its counts zero) until the next full
    /// load.
    pub fn apply(
        &mut self,
        changed: Vec<LoadedCase>,
        following: &HashMap<String, Vec<String>>,
        court_names: &[(String, String)],
        catalogue: &Catalogue,
    ) {
        let names = GroupNames::from_court_names(court_names);
        let renamed = names.courts != self.names.courts;
        self.names = names;
        self.court_names =
            court_names.iter().filter_map(|(code, name)| Some((CourtCode::parse(code)?, name.clone()))).collect();
        if renamed {
            self.snapshot.refresh_names(&self.names);
        }
        // The rows whose contributions may change, as the snapshot is now: the changed rows,
        // their ancestors, and the ancestors through the origins they will name.
        let batch: HashMap<String, usize> =
            changed.iter().enumerate().map(|(i, c)| (c.facts.case_number.as_str().to_owned(), i)).collect();
        let existing: Vec<usize> = changed.iter().filter_map(|c| self.row_of(c.facts.case_number.as_str())).collect();
        let mut affected = std::collections::BTreeSet::new();
        for &row in &existing {
            affected.insert(row);
            self.ancestors(row, &mut affected);
        }
        for case in &changed {
            let mut origin = case.facts.origin_case_number.as_ref().map(|o| o.as_str().to_owned());
            let mut hops = 0;
            // Through origins inside the batch to the first stored one.
            while let Some(o) = origin.take() {
                if let Some(row) = self.row_of(&o) {
                    affected.insert(row);
                    self.ancestors(row, &mut affected);
                } else if let Some(&i) = batch.get(&o)
                    && hops < changed.len()
                {
                    hops += 1;
                    origin = changed[i].facts.origin_case_number.as_ref().map(|x| x.as_str().to_owned());
                }
            }
        }
        let affected_before: Vec<usize> = affected.iter().copied().collect();
        let groups_before = self.snapshot.group_count();
        if renamed {
            self.caches.clear();
        } else {
            for live in self.caches.reports.lock().expect("cache lock").values_mut() {
                live.take_out(&self.snapshot, &affected_before);
            }
            self.months_delta(&existing, false);
            self.actions_remove(&existing);
        }
        self.caches.api_metrics.lock().expect("cache lock").clear();

        let mut links: Vec<(usize, Option<usize>)> = Vec::new();
        let mut rows = Vec::with_capacity(changed.len());
        let mut new_rows = Vec::new();
        for case in changed {
            let (facts, deadline) = derive_record(&case.facts, &case.events, self.near_days);
            let judge_id = intern(&mut self.roster_ids, &mut self.roster_index, case.judge_id.as_deref());
            let number = facts.case_number.as_str().to_owned();
            let row = match self.row_of(&number) {
                Some(row) => {
                    let before = self.snapshot.row(row);
                    let (old_filed, old_open) = (before.filed, before.closed.is_none());
                    let old_court = before.court;
                    self.snapshot.set_case(row, &facts, deadline, &self.names);
                    let after = self.snapshot.row(row);
                    let (new_filed, new_court, new_open) = (after.filed, after.court, after.closed.is_none());
                    if new_filed != old_filed || new_court != old_court || new_open != old_open {
                        self.unlist(row as u32, old_court, old_open);
                        if new_filed != old_filed {
                            self.move_in_order(row as u32);
                        }
                        self.list(row as u32);
                    }
                    self.judge_ids[row] = judge_id;
                    row
                }
                None => {
                    let row = self.snapshot.push_case(&facts, deadline, &self.names);
                    self.numbers.push(&number);
                    self.judge_ids.push(judge_id);
                    let at = self.order.partition_point(|r| self.numbers.get(*r as usize) < number.as_str());
                    self.order.insert(at, row as u32);
                    self.insert_in_order(row as u32);
                    self.list(row as u32);
                    for follower in following.get(&number).into_iter().flatten() {
                        if let Some(f) = self.row_of(follower) {
                            links.push((f, Some(row)));
                        }
                    }
                    new_rows.push(row);
                    row
                }
            };
            set_record(&mut self.snapshot, row, &case.events);
            if case.events.is_empty() {
                self.events.remove(&(row as u32));
            } else {
                self.events.insert(row as u32, case.events.into());
            }
            links.push((row, facts.origin_case_number.as_ref().and_then(|o| self.row_of(o.as_str()))));
            if let Some(closed) = facts.closed_on {
                self.latest_closed = Some(self.latest_closed.map_or(closed, |l| l.max(closed)));
            }
            self.latest_filed = Some(self.latest_filed.map_or(facts.filed_on, |l| l.max(facts.filed_on)));
            rows.push(row);
        }
        self.snapshot.set_origins(&links);

        // Put the affected rows' contributions back, on the snapshot as it is now. Exact only
        // when every row affected now was taken out before (or is new) and the group tables did
        // not change; otherwise the reports are computed afresh when next asked for.
        let mut after: std::collections::BTreeSet<usize> = affected;
        after.extend(new_rows.iter().copied());
        let mut check = std::collections::BTreeSet::new();
        for &row in &rows {
            check.insert(row);
            self.ancestors(row, &mut check);
        }
        let exact = !renamed && self.snapshot.group_count() == groups_before && check.is_subset(&after);
        if exact {
            let after: Vec<usize> = after.into_iter().collect();
            for live in self.caches.reports.lock().expect("cache lock").values_mut() {
                live.put_back(&self.snapshot, &after, catalogue);
            }
        } else {
            self.caches.reports.lock().expect("cache lock").clear();
            self.caches.fragments.lock().expect("cache lock").clear();
        }
        if !renamed {
            self.months_delta(&rows, true);
            self.actions_add(&rows, catalogue);
        }
    }

    /// Adds (`add`) or takes out the rows' counts in every cached monthly series.
    fn months_delta(&self, rows: &[usize], add: bool) {
        if rows.is_empty() {
            return;
        }
        let mut cache = self.caches.months.lock().expect("cache lock");
        for ((from, to, group), months) in cache.iter_mut() {
            let period = Period::new(*from, *to).expect("a cached period is valid");
            let delta = monthly_counts_of(self, period, group, rows);
            let months = Arc::make_mut(months);
            for (m, d) in months.iter_mut().zip(delta) {
                let apply = |v: &mut u64, by: u64| {
                    *v = if add { *v + by } else { v.saturating_sub(by) };
                };
                apply(&mut m.filed, d.filed);
                apply(&mut m.closed, d.closed);
                apply(&mut m.pending, d.pending);
            }
        }
    }

    /// Takes the rows out of every cached action list.
    fn actions_remove(&self, rows: &[usize]) {
        if rows.is_empty() {
            return;
        }
        let gone: std::collections::HashSet<usize> = rows.iter().copied().collect();
        for (_, lists) in self.caches.actions.lock().expect("cache lock").values_mut() {
            let lists = Arc::make_mut(lists);
            for list in [&mut lists.over_limit, &mut lists.near_limit, &mut lists.over_12m] {
                list.retain(|r| !gone.contains(r));
            }
        }
    }

    /// Puts the rows into the cached action lists they now belong to, in order.
    fn actions_add(&self, rows: &[usize], catalogue: &Catalogue) {
        let rules = xiezhi_report::ActionRules::new(catalogue);
        for ((group, as_of, _), (access, lists)) in self.caches.actions.lock().expect("cache lock").iter_mut() {
            let lists = Arc::make_mut(lists);
            for &row in rows {
                place_in_action_lists(self, &rules, access, group, *as_of, row, lists);
            }
            sort_action_lists(self, *as_of, lists);
        }
    }

    /// Inserts a new row into `newest_first` and shifts the ranks after it.
    fn insert_in_order(&mut self, row: u32) {
        let key = self.list_key(row);
        let at = self.newest_first.partition_point(|&r| self.list_key(r) < key);
        self.newest_first.insert(at, row);
        self.list_rank.push(0);
        for (position, &r) in self.newest_first.iter().enumerate().skip(at) {
            self.list_rank[r as usize] = position as u32;
        }
    }

    /// Moves a row whose filing date changed to its new place in `newest_first`.
    fn move_in_order(&mut self, row: u32) {
        let old = self.list_rank[row as usize] as usize;
        self.newest_first.remove(old);
        let key = self.list_key(row);
        let at = self.newest_first.partition_point(|&r| self.list_key(r) < key);
        self.newest_first.insert(at, row);
        for (position, &r) in self.newest_first.iter().enumerate().skip(old.min(at)) {
            self.list_rank[r as usize] = position as u32;
        }
    }

    /// Removes a row from its court's lists (by its old court and open state).
    fn unlist(&mut self, row: u32, court: Option<CourtCode>, open: bool) {
        let remove = |lists: &mut Vec<(Option<CourtCode>, Vec<u32>)>| {
            if let Some((_, list)) = lists.iter_mut().find(|(c, _)| *c == court)
                && let Some(i) = list.iter().position(|&r| r == row)
            {
                list.remove(i);
            }
        };
        remove(&mut self.by_court);
        if open {
            remove(&mut self.open_by_court);
        } else {
            remove(&mut self.closed_by_court);
        }
    }

    /// Adds a row to its court's lists at its list position.
    fn list(&mut self, row: u32) {
        let court = self.snapshot.court_of(row as usize);
        let open = self.snapshot.row(row as usize).closed.is_none();
        let rank = self.list_rank[row as usize];
        let ranks = &self.list_rank;
        let insert = |lists: &mut Vec<(Option<CourtCode>, Vec<u32>)>| {
            let i = match lists.binary_search_by_key(&court, |(c, _)| *c) {
                Ok(i) => i,
                Err(i) => {
                    lists.insert(i, (court, Vec::new()));
                    i
                }
            };
            let list = &mut lists[i].1;
            let at = list.partition_point(|&r| ranks[r as usize] < rank);
            list.insert(at, row);
        };
        insert(&mut self.by_court);
        insert(if open { &mut self.open_by_court } else { &mut self.closed_by_court });
        // Lists of every court exist in all three tables (possibly empty), as a build gives.
        for lists in [&mut self.open_by_court, &mut self.closed_by_court] {
            if let Err(i) = lists.binary_search_by_key(&court, |(c, _)| *c) {
                lists.insert(i, (court, Vec::new()));
            }
        }
    }
}

/// 案件筛选 the case list's filters.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// A province, city or court the cases belong to (a dashboard's group).
    pub scope: Option<GroupKey>,
    pub court: Option<CourtCode>,
    pub type_code: Option<TypeCode>,
    pub class: Option<CaseClass>,
    pub procedure: Option<Procedure>,
    pub judge: Option<String>,
    pub filed_from: Option<Date>,
    pub filed_to: Option<Date>,
    pub closed_from: Option<Date>,
    pub closed_to: Option<Date>,
    /// 未结 (true) or 已结 (false) at `as_of`.
    pub pending: Option<bool>,
    /// 超审限未结 at `as_of` (the deadline rule, in the on-time scope of the catalogue: the
    /// cases the dashboard's 超审限 card counts).
    pub over_limit: bool,
    /// 临近审限 at `as_of` (idem).
    pub near_limit: bool,
    /// 案号 contains this text.
    pub number: Option<String>,
    /// The day `pending`, `over_limit` and `near_limit` refer to.
    pub as_of: Option<Date>,
}

impl CaseFilter {
    /// Whether the filter selects nothing beyond a court and 未结/已结.
    pub fn only_court_and_pending(&self) -> bool {
        CaseFilter { pending: None, ..self.clone() }.only_court()
    }

    /// Whether the filter selects nothing beyond a court: then a list is its courts' rows.
    pub fn only_court(&self) -> bool {
        self.scope.is_none()
            && self.type_code.is_none()
            && self.class.is_none()
            && self.procedure.is_none()
            && self.judge.is_none()
            && self.filed_from.is_none()
            && self.filed_to.is_none()
            && self.closed_from.is_none()
            && self.closed_to.is_none()
            && self.pending.is_none()
            && !self.over_limit
            && !self.near_limit
            && self.number.is_none()
    }

    /// Whether row `r` of `data` passes (the on-time scope comes from `rules`).
    pub fn matches(&self, data: &Dataset, r: &CaseRow<'_>, rules: &xiezhi_report::ActionRules) -> bool {
        let as_of = self.as_of.unwrap_or(Date::from_day_number(i32::MAX / 2));
        let plain = self.scope.as_ref().is_none_or(|g| r.court.is_some_and(|c| g.contains(c, r.judge)))
            && self.court.is_none_or(|c| r.court == Some(c))
            && self.type_code.is_none_or(|t| r.type_code == t)
            && self.class.is_none_or(|c| r.class() == c)
            && self.procedure.is_none_or(|p| r.procedure == Some(p))
            && self.judge.as_deref().is_none_or(|j| r.judge == Some(j))
            && self.filed_from.is_none_or(|d| r.filed >= d)
            && self.filed_to.is_none_or(|d| r.filed <= d)
            && self.closed_from.is_none_or(|d| r.closed.is_some_and(|c| c >= d))
            && self.closed_to.is_none_or(|d| r.closed.is_some_and(|c| c <= d))
            && self.pending.is_none_or(|p| r.pending_at(as_of) == p)
            && self.number.as_deref().is_none_or(|n| r.number.contains(n));
        if !plain {
            return false;
        }
        if self.over_limit || self.near_limit {
            if !r.pending_at(as_of) {
                return false;
            }
            let deadline = data.deadline(r.row, as_of);
            if self.over_limit && !rules.over_limit(r.type_code, &deadline) {
                return false;
            }
            if self.near_limit && !rules.near_limit(r.type_code, &deadline) {
                return false;
            }
        }
        true
    }
}

/// One month of a trend: filed and closed within the month (clipped to the period), pending
/// at its last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCounts {
    pub label: String,
    pub filed: u64,
    pub closed: u64,
    pub pending: u64,
}

/// The months of `period` with the counts of the cases of `group` (the contract's definitions
/// of filed, closed and pending, in one pass).
pub fn monthly_counts(data: &Dataset, period: Period, group: &GroupKey) -> Vec<MonthCounts> {
    monthly_counts_over(data, period, group, 0..data.len())
}

/// [`monthly_counts`] of the listed rows only.
fn monthly_counts_of(data: &Dataset, period: Period, group: &GroupKey, rows: &[usize]) -> Vec<MonthCounts> {
    monthly_counts_over(data, period, group, rows.iter().copied())
}

fn monthly_counts_over(
    data: &Dataset,
    period: Period,
    group: &GroupKey,
    rows: impl Iterator<Item = usize>,
) -> Vec<MonthCounts> {
    let mut months: Vec<(Date, Date, MonthCounts)> = Vec::new();
    let mut start = period.from();
    while start <= period.to() {
        let (y, m, _) = start.ymd();
        let month_end = Date::from_ymd(y, m, 1).expect("the first of a month exists").add_months(1).add_days(-1);
        let end = month_end.min(period.to());
        months.push((start, end, MonthCounts { label: format!("{y}-{m:02}"), filed: 0, closed: 0, pending: 0 }));
        start = month_end.add_days(1);
    }
    for row in rows {
        if !data.in_group(row, group) {
            continue;
        }
        let r = data.case(row);
        for (from, to, counts) in &mut months {
            if r.filed >= *from && r.filed <= *to {
                counts.filed += 1;
            }
            if r.closed.is_some_and(|c| c >= *from && c <= *to) {
                counts.closed += 1;
            }
            if r.pending_at(*to) {
                counts.pending += 1;
            }
        }
    }
    months.into_iter().map(|(_, _, c)| c).collect()
}

/// The action lists of a scope at `as_of`: 超审限, 临近审限 and 超12个月未结, by the deadline
/// rule in the catalogue's scopes of on_time_rate and pending_over_12m. Rows sorted oldest
/// first (临近审限 by deadline).
#[derive(Debug, Clone, Default)]
pub struct ActionRows {
    pub over_limit: Vec<usize>,
    pub near_limit: Vec<usize>,
    pub over_12m: Vec<usize>,
}

pub fn action_rows(
    data: &Dataset,
    access: &Access,
    group: &GroupKey,
    as_of: Date,
    catalogue: &Catalogue,
) -> ActionRows {
    let rules = xiezhi_report::ActionRules::new(catalogue);
    let mut out = ActionRows::default();
    for row in 0..data.len() {
        place_in_action_lists(data, &rules, access, group, as_of, row, &mut out);
    }
    sort_action_lists(data, as_of, &mut out);
    out
}

/// Adds row `row` to the lists it belongs to (none when it is not pending at `as_of`, outside
/// the group, or not visible).
fn place_in_action_lists(
    data: &Dataset,
    rules: &xiezhi_report::ActionRules,
    access: &Access,
    group: &GroupKey,
    as_of: Date,
    row: usize,
    out: &mut ActionRows,
) {
    let r = data.case(row);
    if !r.pending_at(as_of) || !data.in_group(row, group) || !data.visible(access, row) {
        return;
    }
    let deadline = data.deadline(row, as_of);
    if rules.over_limit(r.type_code, &deadline) {
        out.over_limit.push(row);
    } else if rules.near_limit(r.type_code, &deadline) {
        out.near_limit.push(row);
    }
    if rules.over_12m(r.type_code, r.filed, as_of) {
        out.over_12m.push(row);
    }
}

/// Oldest filing first (ties by row); 临近审限 by deadline.
fn sort_action_lists(data: &Dataset, as_of: Date, out: &mut ActionRows) {
    for list in [&mut out.over_limit, &mut out.over_12m] {
        list.sort_by_key(|r| (data.case(*r).filed, *r));
    }
    out.near_limit.sort_by_key(|r| (data.deadline(*r, as_of).deadline, *r));
}

/// The bulletin's action lists of a scope (超审限未结, 超12个月未结), from the rows in memory.
pub fn bulletin_actions(
    data: &Dataset,
    access: &Access,
    scope: &xiezhi_report::ReportScope,
    as_of: Date,
    catalogue: &Catalogue,
) -> xiezhi_report::ActionLists {
    let rows = data.actions(access, &scope.key, as_of, catalogue);
    let case = |row: &usize| {
        let r = data.case(*row);
        xiezhi_report::ActionCase {
            case_number: r.number.to_owned(),
            court: r.court.map(|c| c.to_string()).unwrap_or_default(),
            judge: r.judge.map(str::to_owned),
            filed_on: r.filed,
            deadline: data.deadline(*row, as_of).deadline,
            age_days: as_of.days_since(r.filed),
        }
    };
    let mut lists = xiezhi_report::ActionLists {
        over_limit: rows.over_limit.iter().map(case).collect(),
        over_12m: rows.over_12m.iter().map(case).collect(),
    };
    for list in [&mut lists.over_limit, &mut lists.over_12m] {
        list.sort_by(|a, b| b.age_days.cmp(&a.age_days).then_with(|| a.case_number.cmp(&b.case_number)));
    }
    lists
}

#[cfg(test)]
mod tests;

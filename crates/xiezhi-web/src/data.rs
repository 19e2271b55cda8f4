//! 数据缓存 the cases held in memory for the pages: the engine's snapshot (for every figure and
//! drill-down) and one compact row per case (for lists and filters), loaded from the store in
//! one streaming pass and replaced after every import.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use xiezhi_domain::{CaseClass, CaseFacts, CourtCode, Date, Disposition, Procedure, StatutoryLimit, TypeCode};
use xiezhi_metrics::{Catalogue, GroupKey, GroupNames, MetricsReport, Period, Snapshot, SnapshotBuilder};
use xiezhi_store::{Store, StoreError};

use crate::access::Access;

/// One case as lists need it (≈ 80 bytes plus its 案号).
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub number: Box<str>,
    pub court: Option<CourtCode>,
    pub type_code: TypeCode,
    pub procedure: Option<Procedure>,
    pub filed: Date,
    pub closed: Option<Date>,
    pub disposition: Option<Disposition>,
    pub judge: Option<Arc<str>>,
    /// 审限届满日, when the type has a limit.
    pub deadline: Option<Date>,
}

impl CaseRow {
    fn new(f: &CaseFacts, judges: &mut HashMap<String, Arc<str>>) -> CaseRow {
        let type_code = f.case_number.type_code();
        let judge = f.judge.as_deref().map(str::trim).filter(|j| !j.is_empty()).map(|j| {
            if let Some(shared) = judges.get(j) {
                shared.clone()
            } else {
                let shared: Arc<str> = Arc::from(j);
                judges.insert(j.to_owned(), shared.clone());
                shared
            }
        });
        CaseRow {
            number: f.case_number.as_str().into(),
            court: f.case_number.court(),
            type_code,
            procedure: f.procedure,
            filed: f.filed_on,
            closed: f.closed_on,
            disposition: f.disposition,
            judge,
            deadline: StatutoryLimit::for_case(type_code, f.procedure)
                .map(|l| l.deadline(f.filed_on, f.extension_days, f.suspended_days)),
        }
    }

    /// 未结 at `day`.
    pub fn pending_at(&self, day: Date) -> bool {
        self.filed <= day && self.closed.is_none_or(|c| c > day)
    }

    /// 超审限未结 at `day`: pending with a limit that has passed.
    pub fn over_limit_at(&self, day: Date) -> bool {
        self.pending_at(day) && self.deadline.is_some_and(|d| d < day)
    }

    pub fn class(&self) -> CaseClass {
        self.type_code.class()
    }
}

/// The cases in memory.
pub struct Dataset {
    pub snapshot: Snapshot,
    /// In the snapshot's row order (explanations index into it).
    pub rows: Vec<CaseRow>,
    /// Row indices sorted by 案号 (byte order), for lookups.
    order: Vec<u32>,
    /// Each row's position in the case list's order (newest filing first, 案号 within a day).
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
    /// Court names, by code.
    pub court_names: HashMap<CourtCode, String>,
    /// Every (court, judge) pair with a case, sorted.
    pub judges: BTreeSet<(String, Arc<str>)>,
    reports: Mutex<HashMap<(Date, Date), Arc<MetricsReport>>>,
    /// Monthly series and action lists are full scans of the rows: computed once per
    /// (period, group[, viewer]) and kept until the dataset is replaced (after an import), like
    /// the reports. Without them a 3M-case dashboard took ~30 ms of CPU per request.
    months: Cache<(Date, Date, GroupKey), Vec<MonthCounts>>,
    actions: Cache<(GroupKey, Date, i32, String), ActionRows>,
    /// Serialised `/api/v1/metrics` bodies per (period, viewer's scope).
    api_metrics: Cache<(Date, Date, String), axum::body::Bytes>,
    /// Held while a cached value is computed, so that concurrent first requests for the same
    /// value wait for one computation instead of each doing it (a cold 3M-case dashboard hit
    /// by 32 clients at once otherwise timed out). Taken only on blocking threads.
    compute: Mutex<()>,
}

/// A small shared cache of computed values.
type Cache<K, V> = Mutex<HashMap<K, Arc<V>>>;

/// Inserts into a bounded cache (cleared when full: entries are cheap to recompute).
fn cache_insert<K: std::hash::Hash + Eq, V>(cache: &Mutex<HashMap<K, Arc<V>>>, key: K, value: Arc<V>) {
    let mut cache = cache.lock().expect("cache lock");
    if cache.len() >= 64 {
        cache.clear();
    }
    cache.insert(key, value);
}

impl Dataset {
    /// Builds the dataset from facts (tests and the loader).
    pub fn build(facts: impl IntoIterator<Item = CaseFacts>, court_names: &[(String, String)]) -> Dataset {
        let names = GroupNames::from_court_names(court_names);
        let mut builder = SnapshotBuilder::new();
        let mut rows = Vec::new();
        let mut judge_texts = HashMap::new();
        for f in facts {
            builder.push(&f);
            rows.push(CaseRow::new(&f, &mut judge_texts));
        }
        Dataset::finish(builder, rows, &names, court_names)
    }

    fn finish(
        builder: SnapshotBuilder,
        rows: Vec<CaseRow>,
        names: &GroupNames,
        court_names: &[(String, String)],
    ) -> Dataset {
        let snapshot = builder.finish(names);
        let mut order: Vec<u32> = (0..rows.len() as u32).collect();
        order.sort_unstable_by(|a, b| rows[*a as usize].number.cmp(&rows[*b as usize].number));
        // The case list's order, newest filing first (案号 order within a day), sorted once.
        let mut newest_first: Vec<u32> = (0..rows.len() as u32).collect();
        newest_first.sort_by(|a, b| {
            let (a, b) = (&rows[*a as usize], &rows[*b as usize]);
            b.filed.cmp(&a.filed).then_with(|| a.number.cmp(&b.number))
        });
        let mut list_rank = vec![0u32; rows.len()];
        for (position, &row) in newest_first.iter().enumerate() {
            list_rank[row as usize] = position as u32;
        }
        // Each court's rows in list order, so a list reads only the courts its viewer sees.
        let mut by_court: HashMap<Option<CourtCode>, Vec<u32>> = HashMap::new();
        for &row in &newest_first {
            by_court.entry(rows[row as usize].court).or_default().push(row);
        }
        let mut by_court: Vec<(Option<CourtCode>, Vec<u32>)> = by_court.into_iter().collect();
        by_court.sort_by_key(|(c, _)| *c);
        // The same lists restricted to cases with no 结案日期: a 未结 or 超审限 list reads these
        // (a sixth of the rows or so) instead of every row of its courts.
        let split = |open: bool| -> Vec<(Option<CourtCode>, Vec<u32>)> {
            by_court
                .iter()
                .map(|(court, list)| {
                    (*court, list.iter().copied().filter(|&r| rows[r as usize].closed.is_none() == open).collect())
                })
                .collect()
        };
        let (open_by_court, closed_by_court) = (split(true), split(false));
        let latest_closed = rows.iter().filter_map(|r| r.closed).max();
        let latest_filed = rows.iter().map(|r| r.filed).max();
        let judges =
            rows.iter().filter_map(|r| Some((r.court?.to_string(), r.judge.clone()?))).collect::<BTreeSet<_>>();
        let court_names =
            court_names.iter().filter_map(|(code, name)| Some((CourtCode::parse(code)?, name.clone()))).collect();
        Dataset {
            snapshot,
            rows,
            order,
            list_rank,
            by_court,
            open_by_court,
            closed_by_court,
            latest_closed,
            latest_filed,
            court_names,
            judges,
            reports: Mutex::new(HashMap::new()),
            months: Mutex::new(HashMap::new()),
            actions: Mutex::new(HashMap::new()),
            api_metrics: Mutex::new(HashMap::new()),
            compute: Mutex::new(()),
        }
    }

    /// Streams every case of the store.
    pub async fn load(store: &Store) -> Result<Dataset, StoreError> {
        let court_names = store.court_names().await?;
        let names = GroupNames::from_court_names(&court_names);
        // Storage order is the fastest scan; the dataset sorts its own lookup and list orders.
        let cases = usize::try_from(store.count_cases().await?).unwrap_or(0);
        let mut builder = SnapshotBuilder::with_capacity(cases);
        let mut rows = Vec::with_capacity(cases);
        let mut judge_texts = HashMap::new();
        store
            .for_each_fact_unordered(|f| {
                builder.push(&f);
                rows.push(CaseRow::new(&f, &mut judge_texts));
            })
            .await?;
        Ok(Dataset::finish(builder, rows, &names, &court_names))
    }

    /// The row of a canonical 案号.
    pub fn row_of(&self, number: &str) -> Option<usize> {
        self.order
            .binary_search_by(|r| (*self.rows[*r as usize].number).cmp(number))
            .ok()
            .map(|i| self.order[i] as usize)
    }

    /// Whether `access` may see the case in `row`.
    pub fn visible(&self, access: &Access, row: usize) -> bool {
        let r = &self.rows[row];
        access.sees_case(r.court, r.judge.as_deref())
    }

    /// The report for a period, computed once and kept (up to 32 periods).
    pub fn report(&self, period: Period, catalogue: &Catalogue) -> Arc<MetricsReport> {
        let key = (period.from(), period.to());
        if let Some(r) = self.reports.lock().expect("report cache lock").get(&key) {
            return r.clone();
        }
        let _computing = self.compute.lock().expect("compute lock");
        if let Some(r) = self.reports.lock().expect("report cache lock").get(&key) {
            return r.clone();
        }
        let report = Arc::new(xiezhi_metrics::compute_with(&self.snapshot, period, catalogue));
        let mut cache = self.reports.lock().expect("report cache lock");
        if cache.len() >= 32 {
            cache.clear();
        }
        cache.insert(key, report.clone());
        report
    }

    /// [`monthly_counts`], cached per (period, group).
    pub fn monthly(&self, period: Period, group: &GroupKey) -> Arc<Vec<MonthCounts>> {
        let key = (period.from(), period.to(), group.clone());
        if let Some(m) = self.months.lock().expect("cache lock").get(&key) {
            return m.clone();
        }
        let _computing = self.compute.lock().expect("compute lock");
        if let Some(m) = self.months.lock().expect("cache lock").get(&key) {
            return m.clone();
        }
        let months = Arc::new(monthly_counts(self, period, group));
        cache_insert(&self.months, key, months.clone());
        months
    }

    /// [`action_rows`], cached per (group, date, window, viewer's scope).
    pub fn actions(
        &self,
        access: &Access,
        group: &GroupKey,
        as_of: Date,
        soon_days: i32,
        catalogue: &Catalogue,
    ) -> Arc<ActionRows> {
        let viewer = format!("{:?}|{:?}|{:?}", access.role, access.court, access.judge);
        let key = (group.clone(), as_of, soon_days, viewer);
        if let Some(a) = self.actions.lock().expect("cache lock").get(&key) {
            return a.clone();
        }
        let _computing = self.compute.lock().expect("compute lock");
        if let Some(a) = self.actions.lock().expect("cache lock").get(&key) {
            return a.clone();
        }
        let lists = Arc::new(action_rows(self, access, group, as_of, soon_days, catalogue));
        cache_insert(&self.actions, key, lists.clone());
        lists
    }

    /// A serialised metrics body for (period, viewer), made by `make` once.
    pub fn api_metrics(
        &self,
        period: Period,
        access: &Access,
        make: impl FnOnce() -> axum::body::Bytes,
    ) -> Arc<axum::body::Bytes> {
        let viewer = format!("{:?}|{:?}|{:?}", access.role, access.court, access.judge);
        let key = (period.from(), period.to(), viewer);
        if let Some(b) = self.api_metrics.lock().expect("cache lock").get(&key) {
            return b.clone();
        }
        let body = Arc::new(make());
        cache_insert(&self.api_metrics, key, body.clone());
        body
    }

    /// The name of a court, or its code.
    pub fn court_label(&self, code: CourtCode) -> String {
        self.court_names.get(&code).cloned().unwrap_or_else(|| code.to_string())
    }

    /// Every court with a case, sorted by code text.
    pub fn courts(&self) -> Vec<CourtCode> {
        let mut courts: Vec<CourtCode> = (0..self.snapshot.group_count())
            .filter_map(|g| match self.snapshot.group_key(g) {
                GroupKey::Court(c) => Some(c),
                _ => None,
            })
            .collect();
        courts.sort_by_key(|c| c.to_string());
        courts
    }

    /// The first province group, if any (an admin's home).
    pub fn first_province(&self) -> Option<GroupKey> {
        (0..self.snapshot.group_count())
            .map(|g| self.snapshot.group_key(g))
            .find(|k| matches!(k, GroupKey::Province(_)))
    }

    /// Whether the case in `row` belongs to `group`.
    pub fn in_group(&self, row: usize, group: &GroupKey) -> bool {
        let r = &self.rows[row];
        let Some(court) = r.court else { return false };
        match group {
            GroupKey::Province(p) => court.province_code() == Some(*p),
            GroupKey::City(c) => court.city() == Some(*c),
            GroupKey::Court(c) => court == *c,
            GroupKey::Judge { court: c, judge } => court == *c && r.judge.as_deref() == Some(judge.as_str()),
        }
    }
}

/// The current dataset, loaded on first use, after every import through the web, and when the
/// store's data version (latest import id) changed — e.g. after `xiezhi import` from the CLI
/// while the server runs. The version is checked at most every `check_every`
/// ([`VERSION_CHECK`] by default).
pub struct DataCache {
    current: tokio::sync::RwLock<Option<(Arc<Dataset>, i64)>>,
    loading: tokio::sync::Mutex<()>,
    /// When the store's version was last compared (a cache timer, not domain time).
    checked: std::sync::Mutex<Option<std::time::Instant>>,
    check_every: std::time::Duration,
}

/// How often a request may ask the store whether the data changed.
pub const VERSION_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

impl DataCache {
    pub fn new(check_every: std::time::Duration) -> DataCache {
        DataCache {
            current: tokio::sync::RwLock::new(None),
            loading: tokio::sync::Mutex::new(()),
            checked: std::sync::Mutex::new(None),
            check_every,
        }
    }

    /// The dataset, loading it if needed (one loader at a time).
    pub async fn get(&self, store: &Store, _catalogue: &Catalogue) -> Result<Arc<Dataset>, StoreError> {
        let due = {
            let mut checked = self.checked.lock().expect("version timer lock");
            let due = checked.is_none_or(|at| at.elapsed() >= self.check_every);
            if due {
                *checked = Some(std::time::Instant::now());
            }
            due
        };
        if due {
            let version = store.data_version().await?;
            let stale = self.current.read().await.as_ref().is_some_and(|(_, loaded)| *loaded != version);
            if stale {
                self.invalidate().await;
            }
        }
        if let Some((d, _)) = self.current.read().await.as_ref() {
            return Ok(d.clone());
        }
        let _guard = self.loading.lock().await;
        if let Some((d, _)) = self.current.read().await.as_ref() {
            return Ok(d.clone());
        }
        // The version is read before the data: an import committed meanwhile is seen next time.
        let version = store.data_version().await?;
        let dataset = Arc::new(Dataset::load(store).await?);
        *self.current.write().await = Some((dataset.clone(), version));
        Ok(dataset)
    }

    /// Drops the dataset (after an import); the next request reloads it.
    pub async fn invalidate(&self) {
        *self.current.write().await = None;
    }
}

/// 案件筛选 the case list's filters.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
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
    /// 超审限未结 at `as_of`.
    pub over_limit: bool,
    /// 案号 contains this text.
    pub number: Option<String>,
    /// The day `pending` and `over_limit` refer to (today).
    pub as_of: Option<Date>,
}

impl CaseFilter {
    /// Whether the filter selects nothing beyond a court and 未结/已结.
    pub fn only_court_and_pending(&self) -> bool {
        CaseFilter { pending: None, ..self.clone() }.only_court()
    }

    /// Whether the filter selects nothing beyond a court: then a list is its courts' rows.
    pub fn only_court(&self) -> bool {
        self.type_code.is_none()
            && self.class.is_none()
            && self.procedure.is_none()
            && self.judge.is_none()
            && self.filed_from.is_none()
            && self.filed_to.is_none()
            && self.closed_from.is_none()
            && self.closed_to.is_none()
            && self.pending.is_none()
            && !self.over_limit
            && self.number.is_none()
    }

    pub fn matches(&self, r: &CaseRow) -> bool {
        let as_of = self.as_of.unwrap_or(Date::from_day_number(i32::MAX / 2));
        self.court.is_none_or(|c| r.court == Some(c))
            && self.type_code.is_none_or(|t| r.type_code == t)
            && self.class.is_none_or(|c| r.class() == c)
            && self.procedure.is_none_or(|p| r.procedure == Some(p))
            && self.judge.as_deref().is_none_or(|j| r.judge.as_deref() == Some(j))
            && self.filed_from.is_none_or(|d| r.filed >= d)
            && self.filed_to.is_none_or(|d| r.filed <= d)
            && self.closed_from.is_none_or(|d| r.closed.is_some_and(|c| c >= d))
            && self.closed_to.is_none_or(|d| r.closed.is_some_and(|c| c <= d))
            && self.pending.is_none_or(|p| r.pending_at(as_of) == p)
            && (!self.over_limit || r.over_limit_at(as_of))
            && self.number.as_deref().is_none_or(|n| r.number.contains(n))
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
    let mut months: Vec<(Date, Date, MonthCounts)> = Vec::new();
    let mut start = period.from();
    while start <= period.to() {
        let (y, m, _) = start.ymd();
        let month_end = Date::from_ymd(y, m, 1).expect("the first of a month exists").add_months(1).add_days(-1);
        let end = month_end.min(period.to());
        months.push((start, end, MonthCounts { label: format!("{y}-{m:02}"), filed: 0, closed: 0, pending: 0 }));
        start = month_end.add_days(1);
    }
    for row in 0..data.rows.len() {
        if !data.in_group(row, group) {
            continue;
        }
        let r = &data.rows[row];
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

/// The action lists of a scope at `as_of`: 超审限, 临近审限 (deadline within `soon_days`) and
/// 超12个月未结, with the catalogue's scopes of on_time_rate and pending_over_12m. Rows sorted
/// oldest first.
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
    soon_days: i32,
    catalogue: &Catalogue,
) -> ActionRows {
    let rules = xiezhi_report::ActionRules::new(catalogue);
    let mut out = ActionRows { over_limit: Vec::new(), near_limit: Vec::new(), over_12m: Vec::new() };
    for row in 0..data.rows.len() {
        let r = &data.rows[row];
        if !r.pending_at(as_of) || !data.in_group(row, group) || !data.visible(access, row) {
            continue;
        }
        if rules.over_limit(r.type_code, r.deadline, as_of) {
            out.over_limit.push(row);
        } else if rules.near_limit(r.type_code, r.deadline, as_of, soon_days) {
            out.near_limit.push(row);
        }
        if rules.over_12m(r.type_code, r.filed, as_of) {
            out.over_12m.push(row);
        }
    }
    for list in [&mut out.over_limit, &mut out.over_12m] {
        list.sort_by(|a, b| data.rows[*a].filed.cmp(&data.rows[*b].filed));
    }
    out.near_limit.sort_by_key(|r| data.rows[*r].deadline);
    out
}

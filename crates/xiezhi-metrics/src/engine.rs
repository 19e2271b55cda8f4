//! The aggregation: per (group, type code) mergeable partial counters, built per partition of
//! the rows (one thread each) and merged; indicator values are then derived from the merged
//! partials, summing over the type codes of each indicator's scope.

use std::collections::HashSet;
use std::ops::Range;

use xiezhi_domain::{CaseClass, Date, Disposition};

use crate::catalogue::{Catalogue, TypeMask};
use crate::indicator::{Formula, IndicatorId};
use crate::period::Period;
use crate::snapshot::{NO_LIMIT, NONE, PENDING, Snapshot};
use crate::value::Value;

/// The N of pending_over_Nm, in [`Formula::PendingOver`] index order.
pub(crate) const OVER_MONTHS: [i32; 4] = [12, 18, 24, 36];
/// Number of 结案方式 values.
const DISPOSITIONS: usize = Disposition::ALL.len();

const JUDGMENT: u8 = Disposition::Judgment as u8;
const MEDIATION: u8 = Disposition::Mediation as u8;
const WITHDRAWAL: u8 = Disposition::Withdrawal as u8;
const DISMISSAL: u8 = Disposition::DismissalOfClaim as u8;
const NON_ACCEPTANCE: u8 = Disposition::NonAcceptance as u8;
const AMENDED: u8 = Disposition::Amended as u8;
const REMANDED: u8 = Disposition::Remanded as u8;
const COMPLETED: u8 = Disposition::EnforcementCompleted as u8;
const TERMINAL: u8 = Disposition::TerminalEnforcementSuspension as u8;

/// The days of one period the per-case tests need, as day numbers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeriodDays {
    from: i32,
    to: i32,
    /// core_three_year_rate window (window_start, to]: window_start = add_months(to, −36).
    window_start: i32,
    /// `add_months(filed_on, N) < to` ⟺ `filed_on <= over_last[k]` (add_months is monotone).
    over_last: [i32; 4],
}

impl PeriodDays {
    pub(crate) fn new(period: Period) -> PeriodDays {
        let to = period.to();
        let mut over_last = [0; 4];
        for (k, months) in OVER_MONTHS.into_iter().enumerate() {
            over_last[k] = last_day_with_months_before(months, to).day_number();
        }
        PeriodDays {
            from: period.from().day_number(),
            to: to.day_number(),
            window_start: to.add_months(-36).day_number(),
            over_last,
        }
    }
}

/// The last day `f` with `add_months(f, months) < to`. add_months is non-decreasing in `f`,
/// so the days that qualify are exactly those up to this one.
pub(crate) fn last_day_with_months_before(months: i32, to: Date) -> Date {
    let mut f = to.add_months(-months);
    while f.add_months(months) >= to {
        f = f.add_days(-1);
    }
    while f.add_days(1).add_months(months) < to {
        f = f.add_days(1);
    }
    f
}

/// Everything one case contributes over one period.
#[derive(Debug, Clone, Default)]
pub(crate) struct Event {
    pub filed_in: bool,
    pub carried: bool,
    pub closed_in: bool,
    pub pending: bool,
    pub disposition: u8,
    pub days: i64,
    pub net_days: i64,
    pub has_limit: bool,
    pub on_time: bool,
    pub over: [bool; 4],
    /// Origin of an appeal-class case filed on or before `to`.
    pub appealed: bool,
    /// Origin of an appeal, retrial or retrial_review case filed on or before `to`.
    pub challenged: bool,
    /// Origin of an appeal case closed on or before `to` by 改判 or 发回重审.
    pub reversed: bool,
    /// Members of the chain rooted here filed on or before `to` (only when `filed_in`).
    pub chain: u64,
    pub recovered: i64,
    pub applied: i64,
    pub has_property: bool,
    pub in_window: bool,
    pub window_closed: bool,
    /// A 终本 closing that passes the checklist.
    pub terminal_ok: bool,
    /// Petitions received in the period, and of those resolved on or before `to`.
    pub petitions_received: u32,
    pub petitions_resolved: u32,
}

impl Event {
    pub(crate) fn is_judgment_like(&self) -> bool {
        matches!(self.disposition, JUDGMENT | DISMISSAL | NON_ACCEPTANCE)
    }

    pub(crate) fn is_reversal(&self) -> bool {
        matches!(self.disposition, AMENDED | REMANDED)
    }

    pub(crate) fn is_mediation(&self) -> bool {
        self.disposition == MEDIATION
    }

    pub(crate) fn is_mediation_or_withdrawal(&self) -> bool {
        matches!(self.disposition, MEDIATION | WITHDRAWAL)
    }

    pub(crate) fn is_completed(&self) -> bool {
        self.disposition == COMPLETED
    }

    pub(crate) fn is_terminal(&self) -> bool {
        self.disposition == TERMINAL
    }
}

/// Reusable buffers for the chain walk.
#[derive(Default)]
pub(crate) struct Scratch {
    seen: HashSet<u32>,
    queue: Vec<u32>,
}

/// What row `row` contributes over the period; `None` when it contributes nothing.
pub(crate) fn event(snap: &Snapshot, row: usize, days: &PeriodDays, scratch: &mut Scratch) -> Option<Event> {
    let filed = snap.filed[row];
    let closed = snap.closed[row];
    let (from, to) = (days.from, days.to);
    let filed_in = from <= filed && filed <= to;
    let carried = filed < from && closed >= from;
    let closed_in = closed != PENDING && from <= closed && closed <= to;
    let pending = filed <= to && closed > to;
    let in_window = days.window_start < filed && filed <= to;
    let (mut petitions_received, mut petitions_resolved) = (0, 0);
    if let Some(list) = snap.record.petitions.get(&(row as u32)) {
        for &(received, resolved) in list {
            if from <= received && received <= to {
                petitions_received += 1;
                petitions_resolved += u32::from(resolved != PENDING && resolved <= to);
            }
        }
    }
    if !(filed_in || carried || closed_in || pending || in_window || petitions_received > 0) {
        return None;
    }
    let deadline = snap.deadline[row];
    let mut e = Event {
        filed_in,
        carried,
        closed_in,
        pending,
        disposition: snap.disposition[row],
        days: i64::from(closed) - i64::from(filed),
        net_days: i64::from(closed) - i64::from(filed) - i64::from(snap.suspended_days[row]),
        has_limit: deadline != NO_LIMIT,
        on_time: deadline != NO_LIMIT && closed <= deadline,
        over: [false; 4],
        recovered: snap.recovered[row],
        applied: snap.applied[row],
        has_property: snap.has_property[row],
        in_window,
        window_closed: in_window && closed <= to,
        terminal_ok: snap.record.terminal_ok.contains(&(row as u32)),
        petitions_received,
        petitions_resolved,
        ..Event::default()
    };
    if pending {
        for k in 0..OVER_MONTHS.len() {
            e.over[k] = filed <= days.over_last[k];
        }
    }
    let children = snap.children_of(row);
    if closed_in {
        for &child in children {
            let child = child as usize;
            let class = snap.class_of[usize::from(snap.type_code[child])];
            let child_filed = snap.filed[child] <= to;
            match class {
                CaseClass::Appeal => {
                    e.appealed |= child_filed;
                    e.challenged |= child_filed;
                    let child_closed = snap.closed[child];
                    e.reversed |= child_closed != PENDING
                        && child_closed <= to
                        && matches!(snap.disposition[child], AMENDED | REMANDED);
                }
                CaseClass::Retrial | CaseClass::RetrialReview => e.challenged |= child_filed,
                _ => {}
            }
        }
    }
    if filed_in {
        e.chain = if children.is_empty() { 1 } else { walk_chain(snap, row, to, scratch, |_| {}) };
    }
    Some(e)
}

/// Walks the chain rooted at `root` (root plus every case reachable through origin links, each
/// once), calling `visit` for each member filed on or before `to`; returns how many there are.
pub(crate) fn walk_chain(
    snap: &Snapshot,
    root: usize,
    to: i32,
    scratch: &mut Scratch,
    mut visit: impl FnMut(usize),
) -> u64 {
    scratch.seen.clear();
    scratch.queue.clear();
    scratch.seen.insert(root as u32);
    scratch.queue.push(root as u32);
    let mut count = 0;
    let mut next = 0;
    while next < scratch.queue.len() {
        let member = scratch.queue[next] as usize;
        next += 1;
        if snap.filed[member] <= to {
            count += 1;
            visit(member);
        }
        for &child in snap.children_of(member) {
            if scratch.seen.insert(child) {
                scratch.queue.push(child);
            }
        }
    }
    count
}

/// Mergeable counters of one (group, type code) over one period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    filed: u64,
    carried_over: u64,
    closed: u64,
    pending: u64,
    closed_by: [u64; DISPOSITIONS],
    days: i64,
    net_days: i64,
    limit_closed: u64,
    limit_on_time: u64,
    pending_over: [u64; 4],
    /// Closed by 判决/驳回起诉/不予受理 and appealed.
    appealed: u64,
    challenged: u64,
    reversed: u64,
    chain_members: u64,
    recovered: i128,
    applied_recovered: i128,
    applied: i128,
    applied_closed: u64,
    property_closed: u64,
    property_completed_on_time: u64,
    window_filed: u64,
    window_closed: u64,
    terminal_compliant: u64,
    petitions_received: u64,
    petitions_resolved: u64,
}

impl Counters {
    fn add(&mut self, e: &Event) {
        if e.filed_in {
            self.filed += 1;
            self.chain_members += e.chain;
        }
        self.carried_over += u64::from(e.carried);
        if e.pending {
            self.pending += 1;
            for k in 0..4 {
                self.pending_over[k] += u64::from(e.over[k]);
            }
        }
        if e.closed_in {
            self.closed += 1;
            if let Some(slot) = self.closed_by.get_mut(usize::from(e.disposition)) {
                *slot += 1;
            }
            self.days += e.days;
            self.net_days += e.net_days;
            if e.has_limit {
                self.limit_closed += 1;
                self.limit_on_time += u64::from(e.on_time);
            }
            self.appealed += u64::from(e.appealed && e.is_judgment_like());
            self.challenged += u64::from(e.challenged);
            self.reversed += u64::from(e.reversed);
            self.recovered += i128::from(e.recovered);
            if e.applied > 0 {
                self.applied_closed += 1;
                self.applied += i128::from(e.applied);
                self.applied_recovered += i128::from(e.recovered);
            }
            if e.has_property {
                self.property_closed += 1;
                self.property_completed_on_time += u64::from(e.is_completed() && e.on_time);
            }
        }
        if e.in_window {
            self.window_filed += 1;
            self.window_closed += u64::from(e.window_closed);
        }
        self.terminal_compliant += u64::from(e.closed_in && e.is_terminal() && e.terminal_ok);
        self.petitions_received += u64::from(e.petitions_received);
        self.petitions_resolved += u64::from(e.petitions_resolved);
    }

    /// Takes `o` (a part of `self`) out again.
    fn subtract(&mut self, o: &Counters) {
        self.filed -= o.filed;
        self.carried_over -= o.carried_over;
        self.closed -= o.closed;
        self.pending -= o.pending;
        for (a, b) in self.closed_by.iter_mut().zip(o.closed_by) {
            *a -= b;
        }
        self.days -= o.days;
        self.net_days -= o.net_days;
        self.limit_closed -= o.limit_closed;
        self.limit_on_time -= o.limit_on_time;
        for (a, b) in self.pending_over.iter_mut().zip(o.pending_over) {
            *a -= b;
        }
        self.appealed -= o.appealed;
        self.challenged -= o.challenged;
        self.reversed -= o.reversed;
        self.chain_members -= o.chain_members;
        self.recovered -= o.recovered;
        self.applied_recovered -= o.applied_recovered;
        self.applied -= o.applied;
        self.applied_closed -= o.applied_closed;
        self.property_closed -= o.property_closed;
        self.property_completed_on_time -= o.property_completed_on_time;
        self.window_filed -= o.window_filed;
        self.window_closed -= o.window_closed;
        self.terminal_compliant -= o.terminal_compliant;
        self.petitions_received -= o.petitions_received;
        self.petitions_resolved -= o.petitions_resolved;
    }

    fn merge(&mut self, o: &Counters) {
        self.filed += o.filed;
        self.carried_over += o.carried_over;
        self.closed += o.closed;
        self.pending += o.pending;
        for (a, b) in self.closed_by.iter_mut().zip(o.closed_by) {
            *a += b;
        }
        self.days += o.days;
        self.net_days += o.net_days;
        self.limit_closed += o.limit_closed;
        self.limit_on_time += o.limit_on_time;
        for (a, b) in self.pending_over.iter_mut().zip(o.pending_over) {
            *a += b;
        }
        self.appealed += o.appealed;
        self.challenged += o.challenged;
        self.reversed += o.reversed;
        self.chain_members += o.chain_members;
        self.recovered += o.recovered;
        self.applied_recovered += o.applied_recovered;
        self.applied += o.applied;
        self.applied_closed += o.applied_closed;
        self.property_closed += o.property_closed;
        self.property_completed_on_time += o.property_completed_on_time;
        self.window_filed += o.window_filed;
        self.window_closed += o.window_closed;
        self.terminal_compliant += o.terminal_compliant;
        self.petitions_received += o.petitions_received;
        self.petitions_resolved += o.petitions_resolved;
    }
}

/// The partial aggregate of one group: counters per type code occurring in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupPartial {
    by_type: Vec<(u8, Counters)>,
}

impl GroupPartial {
    fn slot(&mut self, type_code: u8) -> &mut Counters {
        let pos = match self.by_type.iter().position(|(t, _)| *t == type_code) {
            Some(pos) => pos,
            None => {
                self.by_type.push((type_code, Counters::default()));
                self.by_type.len() - 1
            }
        };
        &mut self.by_type[pos].1
    }

    /// Adds `other` into `self`.
    pub fn merge(&mut self, other: &GroupPartial) {
        for (t, c) in &other.by_type {
            self.slot(*t).merge(c);
        }
    }

    /// Takes `other` (the partial of rows counted in `self`) out of `self`.
    pub fn subtract(&mut self, other: &GroupPartial) {
        for (t, c) in &other.by_type {
            self.slot(*t).subtract(c);
        }
    }

    /// Σ f over the counters of the type codes in `mask`.
    fn sum(&self, mask: TypeMask, f: impl Fn(&Counters) -> i128) -> i128 {
        self.by_type.iter().filter(|(t, _)| mask.contains(*t)).map(|(_, c)| f(c)).sum()
    }

    /// Whether the group has any case of `mask` closed in the period.
    fn closed_any(&self, mask: TypeMask) -> bool {
        self.sum(mask, |c| i128::from(c.closed)) > 0
    }

    /// Sorts the type slots so that equal partials compare equal whatever the merge order.
    fn normalise(&mut self) {
        self.by_type.sort_by_key(|(t, _)| *t);
    }
}

/// The partial aggregate of a set of rows over one period: one [`GroupPartial`] per group
/// id of the snapshot. Partials of disjoint row sets merge into the partial of their union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partial {
    groups: Vec<GroupPartial>,
}

impl Partial {
    /// Adds `other` (over the same snapshot and period) into `self`.
    pub fn merge(&mut self, other: &Partial) {
        for (a, b) in self.groups.iter_mut().zip(&other.groups) {
            a.merge(b);
        }
    }

    /// Takes `other` (the partial of rows counted in `self`) out of `self`.
    pub fn subtract(&mut self, other: &Partial) {
        for (a, b) in self.groups.iter_mut().zip(&other.groups) {
            a.subtract(b);
        }
    }

    /// Number of groups the partial is laid out for.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    fn normalise(&mut self) {
        for g in &mut self.groups {
            g.normalise();
        }
    }
}

/// The partial aggregate of the listed rows over `period` (each row once).
pub fn aggregate_listed(snap: &Snapshot, period: Period, rows: &[usize]) -> Partial {
    let days = PeriodDays::new(period);
    let mut partial = Partial { groups: vec![GroupPartial::default(); snap.group_count()] };
    let mut scratch = Scratch::default();
    for &row in rows {
        let groups = snap.groups_of(row);
        if groups[0] == NONE {
            continue;
        }
        let Some(e) = event(snap, row, &days, &mut scratch) else {
            continue;
        };
        let t = snap.type_code[row];
        for g in groups {
            if g != NONE {
                partial.groups[g as usize].slot(t).add(&e);
            }
        }
    }
    partial
}

/// The partial aggregate of `rows` over `period`.
pub fn aggregate_rows(snap: &Snapshot, period: Period, rows: Range<usize>) -> Partial {
    let days = PeriodDays::new(period);
    let mut partial = Partial { groups: vec![GroupPartial::default(); snap.group_count()] };
    let mut scratch = Scratch::default();
    for row in rows {
        let groups = snap.groups_of(row);
        if groups[0] == NONE {
            continue;
        }
        let Some(e) = event(snap, row, &days, &mut scratch) else {
            continue;
        };
        let t = snap.type_code[row];
        for g in groups {
            if g != NONE {
                partial.groups[g as usize].slot(t).add(&e);
            }
        }
    }
    partial
}

/// The partial over all rows, split into `partitions` contiguous row ranges aggregated on
/// their own threads and merged.
pub fn aggregate(snap: &Snapshot, period: Period, partitions: usize) -> Partial {
    let n = snap.len();
    let parts = partitions.clamp(1, n.max(1));
    let size = n.div_ceil(parts);
    let mut merged = if parts == 1 {
        aggregate_rows(snap, period, 0..n)
    } else {
        let partials: Vec<Partial> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..parts)
                .map(|p| {
                    let rows = (p * size).min(n)..((p + 1) * size).min(n);
                    scope.spawn(move || aggregate_rows(snap, period, rows))
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("aggregation thread panicked")).collect()
        });
        let mut iter = partials.into_iter();
        let mut first = iter.next().expect("at least one partition");
        for p in iter {
            first.merge(&p);
        }
        first
    };
    merged.normalise();
    merged
}

/// Why core_terminal_compliance is unavailable: no 终本核查 in the data.
pub(crate) const NO_CHECKS: &str =
    "no 终本核查 (terminal_check) is recorded: record the checklist (case-events.md) to compute it";
/// Why core_petition_rate is unavailable: no 执行信访 in the data.
pub(crate) const NO_PETITIONS: &str =
    "no 执行信访 (petition) is recorded: record petitions (case-events.md) to compute it";

/// The formula of `id` on this snapshot: the two indicators fed by events are unavailable until
/// the data hold any event of their kind.
pub(crate) fn formula_on(id: IndicatorId, snap: &Snapshot) -> Formula {
    match id.formula() {
        Formula::TerminalCompliance if !snap.has_terminal_checks() => Formula::Unavailable(NO_CHECKS),
        Formula::PetitionRate if !snap.has_petitions() => Formula::Unavailable(NO_PETITIONS),
        f => f,
    }
}

/// Number of partitions to use by default: the machine's parallelism.
pub(crate) fn default_partitions() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The values of every indicator for every group, from a merged partial. `roster[gid]`, when
/// given, is the configured number of judges of the group and replaces J of closed_per_judge.
pub(crate) fn derive_values(
    snap: &Snapshot,
    catalogue: &Catalogue,
    partial: &Partial,
    roster: &[Option<u32>],
) -> Vec<Vec<Value>> {
    let masks: Vec<TypeMask> = catalogue.entries().iter().map(|e| e.mask()).collect();
    let mut judges_closing = judges_closing(snap, &partial.groups, masks[IndicatorId::ClosedPerJudge.index()]);
    for (j, configured) in judges_closing.iter_mut().zip(roster) {
        if let Some(count) = configured {
            *j = u64::from(*count);
        }
    }
    partial
        .groups
        .iter()
        .enumerate()
        .map(|(gid, gp)| {
            IndicatorId::ALL
                .iter()
                .map(|id| value_of(formula_on(*id, snap), gp, masks[id.index()], judges_closing[gid]))
                .collect()
        })
        .collect()
}

/// J of closed_per_judge for every group: the number of distinct (court, non-blank judge)
/// pairs with a case of `mask` closed in the period. A judge belongs to exactly one court, so
/// J of a court/city/province is the number of its judge groups that closed something.
fn judges_closing(snap: &Snapshot, groups: &[GroupPartial], mask: TypeMask) -> Vec<u64> {
    let mut j = vec![0u64; groups.len()];
    let (p, c, k) = (snap.provinces.len(), snap.cities.len(), snap.courts.len());
    for (i, (court, _)) in snap.judges.iter().enumerate() {
        let gid = p + c + k + i;
        if !groups[gid].closed_any(mask) {
            continue;
        }
        j[gid] = 1;
        let court = *court as usize;
        j[p + c + court] += 1;
        if snap.court_city[court] != NONE {
            j[p + snap.court_city[court] as usize] += 1;
        }
        if snap.court_province[court] != NONE {
            j[snap.court_province[court] as usize] += 1;
        }
    }
    j
}

fn value_of(formula: Formula, gp: &GroupPartial, mask: TypeMask, judges: u64) -> Value {
    let s = |f: fn(&Counters) -> u64| gp.sum(mask, |c| i128::from(f(c)));
    let count = |f: fn(&Counters) -> u64| Value::Count(u64::try_from(s(f)).expect("counts are non-negative"));
    let closed_by = |d: u8| gp.sum(mask, move |c| i128::from(c.closed_by[usize::from(d)]));
    match formula {
        Formula::Filed => count(|c| c.filed),
        Formula::CarriedOver => count(|c| c.carried_over),
        Formula::Accepted => count(|c| c.filed + c.carried_over),
        Formula::Closed => count(|c| c.closed),
        Formula::Pending => count(|c| c.pending),
        Formula::ClosureRate => Value::quotient(s(|c| c.closed), s(|c| c.filed + c.carried_over)),
        Formula::ClearanceRate => Value::quotient(s(|c| c.closed), s(|c| c.filed)),
        Formula::ClosedPerJudge => Value::quotient(s(|c| c.closed), i128::from(judges)),
        Formula::AvgDays => Value::quotient(gp.sum(mask, |c| i128::from(c.days)), s(|c| c.closed)),
        Formula::AvgNetDays => Value::quotient(gp.sum(mask, |c| i128::from(c.net_days)), s(|c| c.closed)),
        Formula::OnTimeRate => Value::quotient(s(|c| c.limit_on_time), s(|c| c.limit_closed)),
        Formula::PendingOver(k) => {
            Value::Count(u64::try_from(gp.sum(mask, |c| i128::from(c.pending_over[k]))).expect("non-negative"))
        }
        Formula::Over12mRatio => Value::quotient(s(|c| c.pending_over[0]), s(|c| c.pending)),
        Formula::MediationRate => Value::quotient(closed_by(MEDIATION), s(|c| c.closed)),
        Formula::MediationWithdrawalRate => {
            Value::quotient(closed_by(MEDIATION) + closed_by(WITHDRAWAL), s(|c| c.closed))
        }
        Formula::AppealRate => {
            Value::quotient(s(|c| c.appealed), closed_by(JUDGMENT) + closed_by(DISMISSAL) + closed_by(NON_ACCEPTANCE))
        }
        Formula::AcceptanceRate => {
            let d = s(|c| c.closed);
            Value::quotient(d - s(|c| c.challenged), d)
        }
        Formula::AppealReversalRate => Value::quotient(closed_by(AMENDED) + closed_by(REMANDED), s(|c| c.closed)),
        Formula::ReversedRate => Value::quotient(s(|c| c.reversed), s(|c| c.closed)),
        Formula::CaseChainRatio => Value::quotient(s(|c| c.chain_members), s(|c| c.filed)),
        Formula::ActualExecutionRate => Value::quotient(closed_by(COMPLETED), s(|c| c.closed)),
        Formula::RecoveredAmount => Value::Amount(gp.sum(mask, |c| c.recovered)),
        // Choice: "over enforcement cases closed in P with applied_amount > 0" restricts both
        // sums, so recovered money of cases without an applied amount is left out here (it is
        // in recovered_amount).
        Formula::RecoveryRate => Value::quotient(gp.sum(mask, |c| c.applied_recovered), gp.sum(mask, |c| c.applied)),
        Formula::TerminalRate => Value::quotient(closed_by(TERMINAL), s(|c| c.closed)),
        Formula::PropertyOnTimeRate => Value::quotient(s(|c| c.property_completed_on_time), s(|c| c.property_closed)),
        Formula::ThreeYearRate => Value::quotient(s(|c| c.window_closed), s(|c| c.window_filed)),
        Formula::TerminalCompliance => Value::quotient(s(|c| c.terminal_compliant), closed_by(TERMINAL)),
        Formula::PetitionRate => Value::quotient(s(|c| c.petitions_resolved), s(|c| c.petitions_received)),
        Formula::Unavailable(reason) => Value::Unavailable(reason),
    }
}

//! 审限 the one deadline rule (contract case-events.md, "The deadline"): a case's statutory
//! deadline and status as of a day, from its type code, procedure, filing date and record.
//!
//! Every list, warning, API answer and indicator that needs a case's deadline calls
//! [`Deadline::compute`]; nothing else spells the rule out.
//!
//! The record is either the case's events ([`ClockRecord::Events`]) or, for an imported case
//! without events, the two day counts of its row ([`ClockRecord::Imported`]): then
//! deadline = base(F) + extension_days + suspended_days and no suspension is running.

use crate::case_type::TypeCode;
use crate::date::Date;
use crate::events::{CaseEvent, Span};
use crate::procedure::Procedure;
use crate::time_limit::StatutoryLimit;

/// 临近审限 by default: a case is `near` when at most this many days remain (extension
/// requests are due 15 days before expiry).
pub const DEFAULT_NEAR_DAYS: i32 = 15;

/// Where a case's clock comes from.
#[derive(Debug, Clone, Copy)]
pub enum ClockRecord<'a> {
    /// An imported case without events: the row's 延长审限天数 and 扣除审限天数.
    Imported { extension_days: u32, suspended_days: u32 },
    /// The case's events (any kinds; only extension, suspension, conversion and restart count).
    Events(&'a [CaseEvent]),
}

/// What the rule needs of a case.
#[derive(Debug, Clone, Copy)]
pub struct ClockCase<'a> {
    pub type_code: TypeCode,
    /// The procedure the case was filed under (适用程序), before any conversion.
    pub procedure: Option<Procedure>,
    pub filed_on: Date,
    pub closed_on: Option<Date>,
    pub record: ClockRecord<'a>,
}

/// 审限状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeadlineStatus {
    /// The type and procedure have no statutory limit (无审限).
    NoLimit,
    /// Open, an excluded period running (扣除审限中).
    Suspended,
    /// Open, past the deadline (超审限).
    Overdue,
    /// Open, at most `near_days` left (临近审限).
    Near,
    /// Open, more time left (审限内).
    Normal,
    /// Closed on or before the deadline (审限内结案).
    ClosedOnTime,
    /// Closed after the deadline (超审限结案).
    ClosedLate,
}

impl DeadlineStatus {
    /// The contract's key.
    pub fn key(self) -> &'static str {
        match self {
            DeadlineStatus::NoLimit => "no_limit",
            DeadlineStatus::Suspended => "suspended",
            DeadlineStatus::Overdue => "overdue",
            DeadlineStatus::Near => "near",
            DeadlineStatus::Normal => "normal",
            DeadlineStatus::ClosedOnTime => "closed_on_time",
            DeadlineStatus::ClosedLate => "closed_late",
        }
    }

    /// The label users see.
    pub fn label(self) -> &'static str {
        match self {
            DeadlineStatus::NoLimit => "无审限",
            DeadlineStatus::Suspended => "扣除审限中",
            DeadlineStatus::Overdue => "超审限未结",
            DeadlineStatus::Near => "临近审限",
            DeadlineStatus::Normal => "审限内",
            DeadlineStatus::ClosedOnTime => "审限内结案",
            DeadlineStatus::ClosedLate => "超审限结案",
        }
    }

    pub fn parse_key(key: &str) -> Option<DeadlineStatus> {
        [
            DeadlineStatus::NoLimit,
            DeadlineStatus::Suspended,
            DeadlineStatus::Overdue,
            DeadlineStatus::Near,
            DeadlineStatus::Normal,
            DeadlineStatus::ClosedOnTime,
            DeadlineStatus::ClosedLate,
        ]
        .into_iter()
        .find(|s| s.key() == key)
    }

    pub fn is_open(self) -> bool {
        !matches!(self, DeadlineStatus::ClosedOnTime | DeadlineStatus::ClosedLate)
    }
}

/// A case's deadline as of a day (the contract's object).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    /// The day the rule was applied at: `closed_on` for a closed case, else the as-of day.
    pub as_of: Date,
    /// S: the day the clock (re)started.
    pub start: Date,
    /// P: the procedure in force at `as_of` (after conversions).
    pub procedure: Option<Procedure>,
    /// L, or None when the case has no statutory limit.
    pub limit: Option<StatutoryLimit>,
    /// add(S, L).
    pub base_deadline: Option<Date>,
    pub extension_days: u32,
    pub suspended_days: u32,
    /// An excluded period covers `as_of`.
    pub suspended_now: bool,
    /// D + suspended_days.
    pub deadline: Option<Date>,
    /// deadline − as_of.
    pub remaining_days: Option<i32>,
    pub status: DeadlineStatus,
}

impl Deadline {
    /// The rule (contract steps 1–7) for `case` as of `as_of`, `near_days` being the 临近审限
    /// window. A case closed on or before `as_of` is taken as of its closing day; a case closed
    /// after `as_of` was still open on that day and is taken as open.
    pub fn compute(case: &ClockCase<'_>, as_of: Date, near_days: i32) -> Deadline {
        let closed_on = case.closed_on.filter(|c| *c <= as_of);
        let a = closed_on.unwrap_or(as_of);
        let events: &[CaseEvent] = match case.record {
            ClockRecord::Events(events) => events,
            ClockRecord::Imported { .. } => &[],
        };
        // 1. Start: the latest restart on or before A; for 刑初, the latest conversion; else F.
        let latest =
            |pick: &dyn Fn(&CaseEvent) -> Option<Date>| events.iter().filter_map(pick).filter(|d| *d <= a).max();
        let restart = latest(&|e| match e {
            CaseEvent::Restart { on, .. } => Some(*on),
            _ => None,
        });
        let latest_conversion = events
            .iter()
            .filter_map(|e| match e {
                CaseEvent::Conversion { on, procedure } if *on <= a => Some((*on, *procedure)),
                _ => None,
            })
            // The latest date; among conversions on one day, the one recorded last.
            .fold(None::<(Date, Procedure)>, |best, (on, p)| match best {
                Some((b, _)) if b > on => best,
                _ => Some((on, p)),
            });
        let criminal_first = case.type_code.as_str() == "刑初";
        let start = match (restart, latest_conversion) {
            (Some(r), _) => r,
            (None, Some((on, _))) if criminal_first => on,
            _ => case.filed_on,
        };
        // 2. Procedure and limit.
        let procedure = latest_conversion.map(|(_, p)| Some(p)).unwrap_or(case.procedure);
        let Some(limit) = StatutoryLimit::for_case(case.type_code, procedure) else {
            return Deadline {
                as_of: a,
                start,
                procedure,
                limit: None,
                base_deadline: None,
                extension_days: 0,
                suspended_days: 0,
                suspended_now: false,
                deadline: None,
                remaining_days: None,
                // Choice (GLOSSARY.md): a closed case without a limit stays `no_limit`; it is
                // neither on time nor late.
                status: DeadlineStatus::NoLimit,
            };
        };
        // 3. Base deadline.
        let base = match limit {
            StatutoryLimit::Months(m) => Span::Months(u16::from(m)),
            StatutoryLimit::Days(d) => Span::Days(u32::from(d)),
        }
        .after(start);
        // 4. Extensions approved from S to A, in date order.
        let (extended, suspended_days, suspended_now) = match case.record {
            ClockRecord::Imported { extension_days, suspended_days } => {
                (Span::Days(extension_days).after(base), suspended_days, false)
            }
            ClockRecord::Events(events) => {
                let mut extensions: Vec<(Date, Span)> = events
                    .iter()
                    .filter_map(|e| match e {
                        CaseEvent::Extension { on, span, .. } if *on >= start && *on <= a => Some((*on, *span)),
                        _ => None,
                    })
                    .collect();
                extensions.sort();
                let d = extensions.iter().fold(base, |d, (_, span)| span.after(d));
                // 5. Suspensions: the union of [from, min(to, A)], clipped to days after S.
                let mut ranges: Vec<(i32, i32)> = Vec::new();
                let mut running = false;
                for e in events {
                    if let CaseEvent::Suspension { from, to, .. } = e {
                        if *from <= a && to.is_none_or(|t| t >= a) {
                            running = true;
                        }
                        let first = from.day_number().max(start.day_number() + 1);
                        let last = to.map_or(a, |t| t.min(a)).day_number();
                        if first <= last {
                            ranges.push((first, last));
                        }
                    }
                }
                (d, union_days(&mut ranges), running)
            }
        };
        let extension_days = u32::try_from(extended.days_since(base)).unwrap_or(0);
        // 6. Deadline.
        let deadline = Span::Days(suspended_days).after(extended);
        let remaining = deadline.days_since(a);
        // 7. Status.
        let status = match closed_on {
            Some(closed) if closed <= deadline => DeadlineStatus::ClosedOnTime,
            Some(_) => DeadlineStatus::ClosedLate,
            None if suspended_now => DeadlineStatus::Suspended,
            None if a > deadline => DeadlineStatus::Overdue,
            None if remaining <= near_days => DeadlineStatus::Near,
            None => DeadlineStatus::Normal,
        };
        Deadline {
            as_of: a,
            start,
            procedure,
            limit: Some(limit),
            base_deadline: Some(base),
            extension_days,
            suspended_days,
            suspended_now,
            deadline: Some(deadline),
            remaining_days: Some(remaining),
            status,
        }
    }

    /// Open and past its deadline.
    pub fn is_overdue(&self) -> bool {
        self.status == DeadlineStatus::Overdue
    }
}

/// The number of days in the union of inclusive day ranges.
fn union_days(ranges: &mut [(i32, i32)]) -> u32 {
    ranges.sort_unstable();
    let mut total: i64 = 0;
    let mut current: Option<(i32, i32)> = None;
    for &(from, to) in ranges.iter() {
        current = match current {
            Some((f, t)) if from <= t + 1 => Some((f, t.max(to))),
            Some((f, t)) => {
                total += i64::from(t - f + 1);
                Some((from, to))
            }
            None => Some((from, to)),
        };
    }
    if let Some((f, t)) = current {
        total += i64::from(t - f + 1);
    }
    u32::try_from(total).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;

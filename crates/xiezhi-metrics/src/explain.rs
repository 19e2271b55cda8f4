//! Drill-down: the case rows behind any value.

use crate::catalogue::Catalogue;
use crate::engine::{PeriodDays, Scratch, event, walk_chain};
use crate::error::MetricsError;
use crate::indicator::{Formula, IndicatorId};
use crate::period::Period;
use crate::snapshot::{GroupKey, Snapshot};

/// The case rows (indices into the facts the snapshot was built from, ascending) behind one
/// value.
///
/// - Counts and `recovered_amount`: `numerator` = the counted (summed) cases, `denominator` empty.
/// - Ratios: the cases of the numerator and of the denominator. For
///   `first_instance_acceptance_rate` (1 − C / D) the numerator is D minus C, the cases that
///   were *not* challenged. For `recovery_rate` both are the cases whose amounts are summed.
/// - Mean days: both are the cases averaged.
/// - `closed_per_judge`: the numerator is the closed cases; the denominator is the closed
///   cases with a non-blank judge, whose distinct judges make J.
/// - `case_chain_ratio`: the denominator is the roots; the numerator lists every chain's
///   counted members, root by root, so a case in two chains appears twice (its length is
///   Σ size(chain)); it is not sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Explanation {
    pub numerator: Vec<usize>,
    pub denominator: Vec<usize>,
}

/// The cases behind `indicator_id` for `group` over `period`, with the default catalogue.
pub fn explain(
    snapshot: &Snapshot,
    period: Period,
    indicator_id: &str,
    group: &GroupKey,
) -> Result<Explanation, MetricsError> {
    explain_with(snapshot, period, indicator_id, group, Catalogue::builtin())
}

/// As [`explain`], with a court's catalogue (its scopes).
pub fn explain_with(
    snapshot: &Snapshot,
    period: Period,
    indicator_id: &str,
    group: &GroupKey,
    catalogue: &Catalogue,
) -> Result<Explanation, MetricsError> {
    let id = IndicatorId::from_str_id(indicator_id)
        .ok_or_else(|| MetricsError::UnknownIndicator(indicator_id.to_owned()))?;
    let gid = snapshot.group_id(group).ok_or_else(|| MetricsError::UnknownGroup(format!("{group:?}")))? as u32;
    let formula = crate::engine::formula_on(id, snapshot);
    if let Formula::Unavailable(reason) = formula {
        return Err(MetricsError::Unavailable { id: id.to_string(), reason: reason.to_owned() });
    }
    let mask = catalogue.entry(id).mask();
    let days = PeriodDays::new(period);
    let to = period.to().day_number();
    let mut scratch = Scratch::default();
    let mut out = Explanation::default();
    for row in 0..snapshot.len() {
        if !snapshot.groups_of(row).contains(&gid) || !mask.contains(snapshot.type_code[row]) {
            continue;
        }
        let Some(e) = event(snapshot, row, &days, &mut scratch) else {
            continue;
        };
        let (num, den) = match formula {
            Formula::Filed => (e.filed_in, false),
            Formula::CarriedOver => (e.carried, false),
            Formula::Accepted => (e.filed_in || e.carried, false),
            Formula::Closed | Formula::RecoveredAmount => (e.closed_in, false),
            Formula::Pending => (e.pending, false),
            Formula::ClosureRate => (e.closed_in, e.filed_in || e.carried),
            Formula::ClearanceRate => (e.closed_in, e.filed_in),
            Formula::ClosedPerJudge => (e.closed_in, e.closed_in && snapshot.judge[row] != crate::snapshot::NONE),
            Formula::AvgDays | Formula::AvgNetDays => (e.closed_in, e.closed_in),
            Formula::OnTimeRate => (e.closed_in && e.has_limit && e.on_time, e.closed_in && e.has_limit),
            Formula::PendingOver(k) => (e.pending && e.over[k], false),
            Formula::Over12mRatio => (e.pending && e.over[0], e.pending),
            Formula::MediationRate => (e.closed_in && e.is_mediation(), e.closed_in),
            Formula::MediationWithdrawalRate => (e.closed_in && e.is_mediation_or_withdrawal(), e.closed_in),
            Formula::AppealRate => {
                let b = e.closed_in && e.is_judgment_like();
                (b && e.appealed, b)
            }
            Formula::AcceptanceRate => (e.closed_in && !e.challenged, e.closed_in),
            Formula::AppealReversalRate => (e.closed_in && e.is_reversal(), e.closed_in),
            Formula::ReversedRate => (e.closed_in && e.reversed, e.closed_in),
            Formula::CaseChainRatio => {
                if e.filed_in {
                    walk_chain(snapshot, row, to, &mut scratch, |member| out.numerator.push(member));
                }
                (false, e.filed_in)
            }
            Formula::ActualExecutionRate => (e.closed_in && e.is_completed(), e.closed_in),
            Formula::RecoveryRate => {
                let counted = e.closed_in && e.applied > 0;
                (counted, counted)
            }
            Formula::TerminalRate => (e.closed_in && e.is_terminal(), e.closed_in),
            Formula::PropertyOnTimeRate => {
                let f = e.closed_in && e.has_property;
                (f && e.is_completed() && e.on_time, f)
            }
            Formula::ThreeYearRate => (e.window_closed, e.in_window),
            Formula::TerminalCompliance => {
                (e.closed_in && e.is_terminal() && e.terminal_ok, e.closed_in && e.is_terminal())
            }
            Formula::PetitionRate => (e.petitions_resolved > 0, e.petitions_received > 0),
            Formula::Unavailable(_) => (false, false),
        };
        if num {
            out.numerator.push(row);
        }
        if den {
            out.denominator.push(row);
        }
    }
    Ok(out)
}

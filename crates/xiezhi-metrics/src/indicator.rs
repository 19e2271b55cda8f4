//! Indicator ids and their formulas. Ids and formulas live in code; names, directions, scopes
//! and reference intervals are metadata in the catalogue (catalogue.rs, default.toml).

use std::fmt;

/// The 40 indicator ids of indicators.md, in the contract's table order (the order of the
/// JSON `values` objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IndicatorId {
    /// 新收.
    Filed,
    /// 旧存.
    CarriedOver,
    /// 受理.
    Accepted,
    /// 结案 (审执结).
    Closed,
    /// 未结.
    Pending,
    /// 结案率.
    ClosureRate,
    /// 结收比.
    ClearanceRate,
    /// 法官人均结案.
    ClosedPerJudge,
    /// 审判案件新收.
    TrialFiled,
    /// 审判案件结案.
    TrialClosed,
    /// 审判案件未结.
    TrialPending,
    /// 平均审理天数.
    AvgDays,
    /// 平均审理天数 (扣除审限).
    AvgNetDays,
    /// 审限内结案率.
    OnTimeRate,
    /// 超12个月未结.
    PendingOver12m,
    /// 超18个月未结.
    PendingOver18m,
    /// 超24个月未结.
    PendingOver24m,
    /// 超36个月未结.
    PendingOver36m,
    /// 超12个月未结案件比.
    Over12mRatio,
    /// 调解率.
    MediationRate,
    /// 调撤率.
    MediationWithdrawalRate,
    /// 上诉率.
    AppealRate,
    /// 一审服判息诉率.
    FirstInstanceAcceptanceRate,
    /// 二审改判发回率.
    AppealReversalRate,
    /// 一审被改判发回率.
    FirstInstanceReversedRate,
    /// 案-件比.
    CaseChainRatio,
    /// 执行新收.
    EnfFiled,
    /// 执行旧存.
    EnfCarriedOver,
    /// 执行受理.
    EnfAccepted,
    /// 执行结案.
    EnfClosed,
    /// 执行未结.
    EnfPending,
    /// 执结率.
    EnfClosureRate,
    /// 实际执结率.
    ActualExecutionRate,
    /// 执行到位金额.
    RecoveredAmount,
    /// 执行到位率.
    RecoveryRate,
    /// 首执案件终本率.
    FirstEnfTerminalRate,
    /// 有财产可供执行案件法定期限内实际执结率.
    CorePropertyOnTimeRate,
    /// 近三年执行案件整体执结率.
    CoreThreeYearRate,
    /// 无财产可供执行案件终本合格率 (unavailable in v1).
    CoreTerminalCompliance,
    /// 执行信访案件办结率 (unavailable in v1).
    CorePetitionRate,
}

/// The unit of an indicator's value; fixes its JSON type and how it changes year on year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A number of cases (JSON integer; year on year as a percentage).
    Count,
    /// Yuan (JSON number; year on year as a percentage).
    Amount,
    /// A fraction (JSON number; year on year in percentage points, i.e. a difference).
    Ratio,
    /// Mean days (year on year as a difference in days).
    Days,
    /// Cases per judge (year on year as a difference in cases per judge).
    PerJudge,
    /// 件/案 cases per dispute, e.g. 1.35 (year on year as a difference; not a percentage).
    PerDispute,
}

impl Unit {
    pub fn key(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Amount => "amount",
            Unit::Ratio => "ratio",
            Unit::Days => "days",
            Unit::PerJudge => "per_judge",
            Unit::PerDispute => "per_dispute",
        }
    }

    pub fn from_key(key: &str) -> Option<Unit> {
        [Unit::Count, Unit::Amount, Unit::Ratio, Unit::Days, Unit::PerJudge, Unit::PerDispute]
            .into_iter()
            .find(|u| u.key() == key)
    }

    /// Counts and amounts change as a percentage; everything else as a difference.
    pub fn changes_as_percentage(self) -> bool {
        matches!(self, Unit::Count | Unit::Amount)
    }
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Higher,
    Lower,
    /// No direction: not ranked.
    None,
}

impl Direction {
    pub fn key(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
            Direction::None => "none",
        }
    }

    pub fn from_key(key: &str) -> Option<Direction> {
        [Direction::Higher, Direction::Lower, Direction::None].into_iter().find(|d| d.key() == key)
    }
}

/// The formula behind an id. Several ids share a formula under different scopes
/// (`filed` / `trial_filed` / `enf_filed`); the scope comes from the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Formula {
    Filed,
    CarriedOver,
    Accepted,
    Closed,
    Pending,
    ClosureRate,
    ClearanceRate,
    ClosedPerJudge,
    AvgDays,
    AvgNetDays,
    /// Choice: the contract's scope "cases with a limit" is the catalogue scope (`all` by
    /// default) intersected, in the formula, with the cases whose type has a 审限.
    OnTimeRate,
    /// Index into [`crate::engine::OVER_MONTHS`].
    PendingOver(usize),
    Over12mRatio,
    MediationRate,
    MediationWithdrawalRate,
    AppealRate,
    AcceptanceRate,
    AppealReversalRate,
    ReversedRate,
    CaseChainRatio,
    ActualExecutionRate,
    RecoveredAmount,
    RecoveryRate,
    TerminalRate,
    PropertyOnTimeRate,
    ThreeYearRate,
    /// 终本合格率: available once any 终本核查 is recorded.
    TerminalCompliance,
    /// 执行信访办结率: available once any 执行信访 is recorded.
    PetitionRate,
    Unavailable(&'static str),
}

impl IndicatorId {
    /// Every id, in the contract's table order.
    pub const ALL: [IndicatorId; 40] = {
        use IndicatorId::*;
        [
            Filed,
            CarriedOver,
            Accepted,
            Closed,
            Pending,
            ClosureRate,
            ClearanceRate,
            ClosedPerJudge,
            TrialFiled,
            TrialClosed,
            TrialPending,
            AvgDays,
            AvgNetDays,
            OnTimeRate,
            PendingOver12m,
            PendingOver18m,
            PendingOver24m,
            PendingOver36m,
            Over12mRatio,
            MediationRate,
            MediationWithdrawalRate,
            AppealRate,
            FirstInstanceAcceptanceRate,
            AppealReversalRate,
            FirstInstanceReversedRate,
            CaseChainRatio,
            EnfFiled,
            EnfCarriedOver,
            EnfAccepted,
            EnfClosed,
            EnfPending,
            EnfClosureRate,
            ActualExecutionRate,
            RecoveredAmount,
            RecoveryRate,
            FirstEnfTerminalRate,
            CorePropertyOnTimeRate,
            CoreThreeYearRate,
            CoreTerminalCompliance,
            CorePetitionRate,
        ]
    };

    /// Position in [`IndicatorId::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The contract's id, e.g. `clearance_rate`.
    pub fn as_str(self) -> &'static str {
        use IndicatorId::*;
        match self {
            Filed => "filed",
            CarriedOver => "carried_over",
            Accepted => "accepted",
            Closed => "closed",
            Pending => "pending",
            ClosureRate => "closure_rate",
            ClearanceRate => "clearance_rate",
            ClosedPerJudge => "closed_per_judge",
            TrialFiled => "trial_filed",
            TrialClosed => "trial_closed",
            TrialPending => "trial_pending",
            AvgDays => "avg_days",
            AvgNetDays => "avg_net_days",
            OnTimeRate => "on_time_rate",
            PendingOver12m => "pending_over_12m",
            PendingOver18m => "pending_over_18m",
            PendingOver24m => "pending_over_24m",
            PendingOver36m => "pending_over_36m",
            Over12mRatio => "over_12m_ratio",
            MediationRate => "mediation_rate",
            MediationWithdrawalRate => "mediation_withdrawal_rate",
            AppealRate => "appeal_rate",
            FirstInstanceAcceptanceRate => "first_instance_acceptance_rate",
            AppealReversalRate => "appeal_reversal_rate",
            FirstInstanceReversedRate => "first_instance_reversed_rate",
            CaseChainRatio => "case_chain_ratio",
            EnfFiled => "enf_filed",
            EnfCarriedOver => "enf_carried_over",
            EnfAccepted => "enf_accepted",
            EnfClosed => "enf_closed",
            EnfPending => "enf_pending",
            EnfClosureRate => "enf_closure_rate",
            ActualExecutionRate => "actual_execution_rate",
            RecoveredAmount => "recovered_amount",
            RecoveryRate => "recovery_rate",
            FirstEnfTerminalRate => "first_enf_terminal_rate",
            CorePropertyOnTimeRate => "core_property_on_time_rate",
            CoreThreeYearRate => "core_three_year_rate",
            CoreTerminalCompliance => "core_terminal_compliance",
            CorePetitionRate => "core_petition_rate",
        }
    }

    /// Looks an id up by its contract text.
    pub fn from_str_id(text: &str) -> Option<IndicatorId> {
        IndicatorId::ALL.into_iter().find(|id| id.as_str() == text)
    }

    /// The unit the formula produces (the catalogue's `unit` must agree).
    pub fn unit(self) -> Unit {
        match self.formula() {
            Formula::Filed
            | Formula::CarriedOver
            | Formula::Accepted
            | Formula::Closed
            | Formula::Pending
            | Formula::PendingOver(_) => Unit::Count,
            Formula::RecoveredAmount => Unit::Amount,
            Formula::AvgDays | Formula::AvgNetDays => Unit::Days,
            Formula::ClosedPerJudge => Unit::PerJudge,
            Formula::CaseChainRatio => Unit::PerDispute,
            _ => Unit::Ratio,
        }
    }

    pub(crate) fn formula(self) -> Formula {
        use IndicatorId::*;
        match self {
            Filed | TrialFiled | EnfFiled => Formula::Filed,
            CarriedOver | EnfCarriedOver => Formula::CarriedOver,
            Accepted | EnfAccepted => Formula::Accepted,
            Closed | TrialClosed | EnfClosed => Formula::Closed,
            Pending | TrialPending | EnfPending => Formula::Pending,
            ClosureRate | EnfClosureRate => Formula::ClosureRate,
            ClearanceRate => Formula::ClearanceRate,
            ClosedPerJudge => Formula::ClosedPerJudge,
            AvgDays => Formula::AvgDays,
            AvgNetDays => Formula::AvgNetDays,
            OnTimeRate => Formula::OnTimeRate,
            PendingOver12m => Formula::PendingOver(0),
            PendingOver18m => Formula::PendingOver(1),
            PendingOver24m => Formula::PendingOver(2),
            PendingOver36m => Formula::PendingOver(3),
            Over12mRatio => Formula::Over12mRatio,
            MediationRate => Formula::MediationRate,
            MediationWithdrawalRate => Formula::MediationWithdrawalRate,
            AppealRate => Formula::AppealRate,
            FirstInstanceAcceptanceRate => Formula::AcceptanceRate,
            AppealReversalRate => Formula::AppealReversalRate,
            FirstInstanceReversedRate => Formula::ReversedRate,
            CaseChainRatio => Formula::CaseChainRatio,
            ActualExecutionRate => Formula::ActualExecutionRate,
            RecoveredAmount => Formula::RecoveredAmount,
            RecoveryRate => Formula::RecoveryRate,
            FirstEnfTerminalRate => Formula::TerminalRate,
            CorePropertyOnTimeRate => Formula::PropertyOnTimeRate,
            CoreThreeYearRate => Formula::ThreeYearRate,
            CoreTerminalCompliance => Formula::TerminalCompliance,
            CorePetitionRate => Formula::PetitionRate,
        }
    }
}

impl fmt::Display for IndicatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

//! 案件事件 the events of a case's record: what moves, pauses, converts or restarts its clock
//! (延长审限, 扣除审限, 程序转换, 重新计算), and what an enforcement case realises or must satisfy
//! (执行到位, 终本核查, 执行信访). The events are the record; the day counts of an imported row
//! are derived from them once a case has any (GLOSSARY.md, "Record source").

use std::fmt;

use crate::amount::Amount;
use crate::date::Date;
use crate::procedure::Procedure;

/// A length of time in calendar months (clamped at month end) or in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Span {
    Months(u16),
    Days(u32),
}

impl Span {
    /// `day` moved by this span: `add_months` (clamping to month end) or plain days.
    pub fn after(self, day: Date) -> Date {
        match self {
            Span::Months(m) => day.add_months(i32::from(m)),
            Span::Days(d) => day.add_days(i32::try_from(d).unwrap_or(i32::MAX / 4).min(i32::MAX / 4)),
        }
    }
}

/// 扣除审限的事由 the kinds of excluded period (contract case-events.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SuspensionKind {
    /// 公告.
    Publication,
    /// 鉴定.
    Appraisal,
    /// 和解.
    Settlement,
    /// 调解.
    Mediation,
    /// 管辖异议.
    JurisdictionObjection,
    /// 中止.
    Stay,
    /// 审计评估.
    AuditValuation,
    /// 暂缓执行.
    DeferredEnforcement,
    /// 拍卖变卖.
    Auction,
    /// 补充侦查.
    SupplementaryInvestigation,
    /// 其他.
    Other,
}

impl SuspensionKind {
    pub const ALL: [SuspensionKind; 11] = [
        SuspensionKind::Publication,
        SuspensionKind::Appraisal,
        SuspensionKind::Settlement,
        SuspensionKind::Mediation,
        SuspensionKind::JurisdictionObjection,
        SuspensionKind::Stay,
        SuspensionKind::AuditValuation,
        SuspensionKind::DeferredEnforcement,
        SuspensionKind::Auction,
        SuspensionKind::SupplementaryInvestigation,
        SuspensionKind::Other,
    ];

    /// The Chinese label, which is also the stored and exchanged value.
    pub fn label(self) -> &'static str {
        match self {
            SuspensionKind::Publication => "公告",
            SuspensionKind::Appraisal => "鉴定",
            SuspensionKind::Settlement => "和解",
            SuspensionKind::Mediation => "调解",
            SuspensionKind::JurisdictionObjection => "管辖异议",
            SuspensionKind::Stay => "中止",
            SuspensionKind::AuditValuation => "审计评估",
            SuspensionKind::DeferredEnforcement => "暂缓执行",
            SuspensionKind::Auction => "拍卖变卖",
            SuspensionKind::SupplementaryInvestigation => "补充侦查",
            SuspensionKind::Other => "其他",
        }
    }

    pub fn parse(text: &str) -> Option<SuspensionKind> {
        SuspensionKind::ALL.into_iter().find(|k| k.label() == text.trim())
    }
}

impl fmt::Display for SuspensionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// 终本核查 the six items of 法〔2016〕373号 art. 1 checked before a 终结本次执行程序 closing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct TerminalItems {
    /// 执行通知与报告财产令.
    pub notice_and_report_order: bool,
    /// 限制消费令/失信.
    pub consumption_restriction: bool,
    /// 穷尽财产调查.
    pub property_search_exhausted: bool,
    /// 下落不明已查找 (true when not applicable).
    pub missing_person_searched: bool,
    /// 妨害执行已处理 (true when not applicable).
    pub obstruction_sanctioned: bool,
    /// 约谈申请执行人.
    pub applicant_consulted: bool,
}

impl TerminalItems {
    /// (key, Chinese label, value) of every item, in the contract's order.
    pub fn items(&self) -> [(&'static str, &'static str, bool); 6] {
        [
            ("notice_and_report_order", "执行通知与报告财产令", self.notice_and_report_order),
            ("consumption_restriction", "限制消费令/失信", self.consumption_restriction),
            ("property_search_exhausted", "穷尽财产调查", self.property_search_exhausted),
            ("missing_person_searched", "下落不明已查找", self.missing_person_searched),
            ("obstruction_sanctioned", "妨害执行已处理", self.obstruction_sanctioned),
            ("applicant_consulted", "约谈申请执行人", self.applicant_consulted),
        ]
    }

    /// Sets the item named `key`; `false` when there is no such item.
    pub fn set(&mut self, key: &str, value: bool) -> bool {
        let slot = match key {
            "notice_and_report_order" => &mut self.notice_and_report_order,
            "consumption_restriction" => &mut self.consumption_restriction,
            "property_search_exhausted" => &mut self.property_search_exhausted,
            "missing_person_searched" => &mut self.missing_person_searched,
            "obstruction_sanctioned" => &mut self.obstruction_sanctioned,
            "applicant_consulted" => &mut self.applicant_consulted,
            _ => return false,
        };
        *slot = value;
        true
    }

    pub fn all_true(&self) -> bool {
        self.items().iter().all(|(_, _, v)| *v)
    }
}

/// Who approved a 终本 closing: the applicant's written consent or the court president.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TerminalApproval {
    /// 申请执行人书面同意.
    ApplicantConfirmed,
    /// 院长批准.
    PresidentApproved,
}

impl TerminalApproval {
    pub fn key(self) -> &'static str {
        match self {
            TerminalApproval::ApplicantConfirmed => "applicant_confirmed",
            TerminalApproval::PresidentApproved => "president_approved",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TerminalApproval::ApplicantConfirmed => "申请执行人书面同意",
            TerminalApproval::PresidentApproved => "院长批准",
        }
    }

    pub fn parse(text: &str) -> Option<TerminalApproval> {
        match text.trim() {
            "applicant_confirmed" | "申请执行人书面同意" | "申请执行人同意" => {
                Some(TerminalApproval::ApplicantConfirmed)
            }
            "president_approved" | "院长批准" => Some(TerminalApproval::PresidentApproved),
            _ => None,
        }
    }
}

/// One event of a case's record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CaseEvent {
    /// 延长审限: approved on `on`, by `span`.
    Extension { on: Date, span: Span, approver: Option<String>, reason: Option<String> },
    /// 扣除审限: the days `from..=to` (inclusive; `to` None = still running) are excluded.
    Suspension { kind: SuspensionKind, from: Date, to: Option<Date> },
    /// 程序转换: from `on` the case continues under `procedure`.
    Conversion { on: Date, procedure: Procedure },
    /// 重新计算: the clock starts again on `on`.
    Restart { on: Date, reason: Option<String> },
    /// 执行到位: `amount` realised for the applicant on `on`.
    Payment { on: Date, amount: Amount },
    /// 终本核查: the checklist as it stood on `on`.
    TerminalCheck { on: Date, items: TerminalItems, approval: Option<TerminalApproval> },
    /// 执行信访: received on `on`, resolved on `resolved_on` (None = open).
    Petition { on: Date, resolved_on: Option<Date> },
}

/// The kind of an event: its key in the API and in files, and its Chinese label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    Extension,
    Suspension,
    Conversion,
    Restart,
    Payment,
    TerminalCheck,
    Petition,
}

impl EventKind {
    pub const ALL: [EventKind; 7] = [
        EventKind::Extension,
        EventKind::Suspension,
        EventKind::Conversion,
        EventKind::Restart,
        EventKind::Payment,
        EventKind::TerminalCheck,
        EventKind::Petition,
    ];

    pub fn key(self) -> &'static str {
        match self {
            EventKind::Extension => "extension",
            EventKind::Suspension => "suspension",
            EventKind::Conversion => "conversion",
            EventKind::Restart => "restart",
            EventKind::Payment => "payment",
            EventKind::TerminalCheck => "terminal_check",
            EventKind::Petition => "petition",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            EventKind::Extension => "延长审限",
            EventKind::Suspension => "扣除审限",
            EventKind::Conversion => "程序转换",
            EventKind::Restart => "重新计算",
            EventKind::Payment => "执行到位",
            EventKind::TerminalCheck => "终本核查",
            EventKind::Petition => "执行信访",
        }
    }

    /// Accepts the key or the Chinese label.
    pub fn parse(text: &str) -> Option<EventKind> {
        let t = text.trim();
        EventKind::ALL.into_iter().find(|k| k.key() == t || k.label() == t)
    }

    /// Whether events of this kind belong to enforcement cases only (执行到位, 终本核查, 执行信访).
    pub fn is_enforcement(self) -> bool {
        matches!(self, EventKind::Payment | EventKind::TerminalCheck | EventKind::Petition)
    }

    /// Whether events of this kind move the 审限 clock.
    pub fn is_clock(self) -> bool {
        matches!(self, EventKind::Extension | EventKind::Suspension | EventKind::Conversion | EventKind::Restart)
    }
}

impl CaseEvent {
    pub fn kind(&self) -> EventKind {
        match self {
            CaseEvent::Extension { .. } => EventKind::Extension,
            CaseEvent::Suspension { .. } => EventKind::Suspension,
            CaseEvent::Conversion { .. } => EventKind::Conversion,
            CaseEvent::Restart { .. } => EventKind::Restart,
            CaseEvent::Payment { .. } => EventKind::Payment,
            CaseEvent::TerminalCheck { .. } => EventKind::TerminalCheck,
            CaseEvent::Petition { .. } => EventKind::Petition,
        }
    }

    /// The event's date: approval, start of the excluded period, conversion, restart, payment,
    /// check or receipt.
    pub fn date(&self) -> Date {
        match self {
            CaseEvent::Extension { on, .. }
            | CaseEvent::Conversion { on, .. }
            | CaseEvent::Restart { on, .. }
            | CaseEvent::Payment { on, .. }
            | CaseEvent::TerminalCheck { on, .. }
            | CaseEvent::Petition { on, .. } => *on,
            CaseEvent::Suspension { from, .. } => *from,
        }
    }

    /// The event's identity (contract: "its case, type, dates and amounts"): re-recording an
    /// event with the same identity changes nothing. Free-text fields (approver, reason) and
    /// checklist values are not part of it: a second check on the same day is the same check.
    pub fn identity(&self) -> String {
        match self {
            CaseEvent::Extension { on, span, .. } => format!("extension|{on}|{}", span_text(*span)),
            CaseEvent::Suspension { kind, from, .. } => format!("suspension|{}|{from}", kind.label()),
            CaseEvent::Conversion { on, procedure } => format!("conversion|{on}|{}", procedure.label()),
            CaseEvent::Restart { on, .. } => format!("restart|{on}"),
            CaseEvent::Payment { on, amount } => format!("payment|{on}|{}", amount.ten_thousandths()),
            CaseEvent::TerminalCheck { on, .. } => format!("terminal_check|{on}"),
            CaseEvent::Petition { on, .. } => format!("petition|{on}"),
        }
    }
}

fn span_text(span: Span) -> String {
    match span {
        Span::Months(m) => format!("{m}m"),
        Span::Days(d) => format!("{d}d"),
    }
}

/// The 终本 gate (contract case-events.md, "Enforcement"): what keeps a 终本 closing on
/// `closed_on` of a case filed on `filed_on` from being compliant — the latest 终本核查 on or
/// before `closed_on` must have every item true and an approval, and `closed_on` ≥
/// add_months(filed_on, 3). Empty: compliant.
pub fn terminal_gate(filed_on: Date, closed_on: Date, events: &[CaseEvent]) -> Vec<String> {
    let mut missing = Vec::new();
    let check = events
        .iter()
        .filter_map(|e| match e {
            CaseEvent::TerminalCheck { on, items, approval } if *on <= closed_on => Some((*on, items, approval)),
            _ => None,
        })
        .max_by_key(|(on, _, _)| *on);
    match check {
        None => missing.push(format!("没有{closed_on}当日或之前的终本核查记录")),
        Some((on, items, approval)) => {
            for (_, label, value) in items.items() {
                if !value {
                    missing.push(format!("终本核查（{on}）未完成：{label}"));
                }
            }
            if approval.is_none() {
                missing.push(format!("终本核查（{on}）缺少申请执行人书面同意或院长批准"));
            }
        }
    }
    let earliest = filed_on.add_months(3);
    if closed_on < earliest {
        missing.push(format!("立案未满三个月：终本结案不得早于{earliest}"));
    }
    missing
}

/// Why an event cannot be recorded on a case (contract case-events.md, "Events").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventRefusal {
    #[error("{field} {date} 早于立案日期 {filed} / before the case was filed")]
    BeforeFiling { field: &'static str, date: Date, filed: Date },
    #[error("{field} {date} 晚于今天 {today} / after today")]
    AfterToday { field: &'static str, date: Date, today: Date },
    #[error("{0}：该案件无法定审限，不能延长或扣除审限 / the case has no statutory limit")]
    NoLimit(&'static str),
    #[error("{0}：只能记在执行实施案件（执、执恢）上 / enforcement cases only")]
    NotEnforcement(&'static str),
}

impl EventRefusal {
    /// The field the refusal is about.
    pub fn field(&self) -> &'static str {
        match self {
            EventRefusal::BeforeFiling { field, .. } | EventRefusal::AfterToday { field, .. } => field,
            EventRefusal::NoLimit(_) | EventRefusal::NotEnforcement(_) => "event",
        }
    }
}

/// Checks an event against its case: no date before filing or after `today`; extensions and
/// suspensions only where the case (its type and the procedure in force at the event's date)
/// has a statutory limit; payments, 终本 checks and petitions only on 执行实施 cases (执, 执恢).
pub fn check_event(
    type_code: crate::case_type::TypeCode,
    procedure: Option<crate::procedure::Procedure>,
    filed_on: Date,
    recorded: &[CaseEvent],
    event: &CaseEvent,
    today: Date,
) -> Result<(), EventRefusal> {
    let dates: Vec<(&'static str, Date)> = match event {
        CaseEvent::Extension { on, .. }
        | CaseEvent::Conversion { on, .. }
        | CaseEvent::Restart { on, .. }
        | CaseEvent::Payment { on, .. }
        | CaseEvent::TerminalCheck { on, .. } => vec![("on", *on)],
        CaseEvent::Suspension { from, to, .. } => {
            std::iter::once(("from", *from)).chain(to.map(|t| ("to", t))).collect()
        }
        CaseEvent::Petition { on, resolved_on } => {
            std::iter::once(("on", *on)).chain(resolved_on.map(|r| ("resolved_on", r))).collect()
        }
    };
    for (field, date) in dates {
        if date < filed_on {
            return Err(EventRefusal::BeforeFiling { field, date, filed: filed_on });
        }
        if date > today && !(field == "to" && matches!(event, CaseEvent::Suspension { .. })) {
            return Err(EventRefusal::AfterToday { field, date, today });
        }
    }
    let kind = event.kind();
    if kind.is_enforcement() && type_code.class() != crate::case_type::CaseClass::Enforcement {
        return Err(EventRefusal::NotEnforcement(kind.label()));
    }
    if matches!(kind, EventKind::Extension | EventKind::Suspension) {
        let case = crate::deadline::ClockCase {
            type_code,
            procedure,
            filed_on,
            closed_on: None,
            record: crate::deadline::ClockRecord::Events(recorded),
        };
        if crate::deadline::Deadline::compute(&case, event.date(), 0).limit.is_none() {
            return Err(EventRefusal::NoLimit(kind.label()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod check_tests {
    use super::*;
    use crate::case_type::TypeCode;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn events_are_checked_against_their_case() {
        let civil = TypeCode::from_text("民初").unwrap();
        let enforcement = TypeCode::from_text("执").unwrap();
        let special = TypeCode::from_text("民他").unwrap();
        let filed = d("2026-03-02");
        let today = d("2026-12-05");
        let ext = |on: &str| CaseEvent::Extension { on: d(on), span: Span::Months(6), approver: None, reason: None };
        let pay = CaseEvent::Payment { on: d("2026-04-01"), amount: Amount::from_yuan(10) };
        assert_eq!(check_event(civil, None, filed, &[], &ext("2026-08-01"), today), Ok(()));
        assert_eq!(
            check_event(civil, None, filed, &[], &ext("2026-03-01"), today),
            Err(EventRefusal::BeforeFiling { field: "on", date: d("2026-03-01"), filed })
        );
        assert_eq!(
            check_event(civil, None, filed, &[], &ext("2026-12-06"), today),
            Err(EventRefusal::AfterToday { field: "on", date: d("2026-12-06"), today })
        );
        // 民他 has no statutory limit: no extension, no suspension.
        assert_eq!(
            check_event(special, None, filed, &[], &ext("2026-08-01"), today),
            Err(EventRefusal::NoLimit("延长审限"))
        );
        let susp = CaseEvent::Suspension {
            kind: SuspensionKind::Publication,
            from: d("2026-05-01"),
            to: Some(d("2027-01-31")),
        };
        assert_eq!(check_event(special, None, filed, &[], &susp, today), Err(EventRefusal::NoLimit("扣除审限")));
        // A suspension may end in the future (a publication period announced).
        assert_eq!(check_event(civil, None, filed, &[], &susp, today), Ok(()));
        assert_eq!(check_event(civil, None, filed, &[], &pay, today), Err(EventRefusal::NotEnforcement("执行到位")));
        assert_eq!(check_event(enforcement, None, filed, &[], &pay, today), Ok(()));
        let petition = CaseEvent::Petition { on: d("2026-05-01"), resolved_on: Some(d("2026-02-01")) };
        // The 终本 gate: a complete, approved check on or before the closing, three months on.
        let mut items = TerminalItems::default();
        for (k, _, _) in TerminalItems::default().items() {
            items.set(k, true);
        }
        let check = |on: &str, items: TerminalItems, approval| CaseEvent::TerminalCheck { on: d(on), items, approval };
        let approved = Some(TerminalApproval::PresidentApproved);
        assert!(terminal_gate(filed, d("2026-06-02"), &[check("2026-06-01", items, approved)]).is_empty());
        // One day short of three months (add_months(2026-03-02, 3) = 2026-06-02).
        assert_eq!(terminal_gate(filed, d("2026-06-01"), &[check("2026-06-01", items, approved)]).len(), 1);
        // The latest check before the closing counts, even when an earlier one was complete.
        let mut partial = items;
        partial.applicant_consulted = false;
        let two = [check("2026-06-01", items, approved), check("2026-06-10", partial, approved)];
        assert_eq!(terminal_gate(filed, d("2026-06-15"), &two), ["终本核查（2026-06-10）未完成：约谈申请执行人"]);
        // A check after the closing does not count; no approval is missing.
        assert_eq!(terminal_gate(filed, d("2026-06-05"), &two), Vec::<String>::new());
        assert_eq!(terminal_gate(filed, d("2026-06-05"), &[check("2026-06-01", items, None)]).len(), 1);
        assert_eq!(terminal_gate(filed, d("2026-06-05"), &[]), ["没有2026-06-05当日或之前的终本核查记录"]);
        assert_eq!(check_event(enforcement, None, filed, &[], &petition, today).unwrap_err().field(), "resolved_on");
    }
}

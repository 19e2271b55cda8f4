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

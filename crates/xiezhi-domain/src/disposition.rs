//! 结案方式 (how a case was closed), with the synonyms source systems use.

use std::fmt;

/// The canonical 结案方式 vocabulary of case-facts.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Disposition {
    /// 判决.
    Judgment,
    /// 调解.
    Mediation,
    /// 撤诉.
    Withdrawal,
    /// 驳回起诉.
    DismissalOfClaim,
    /// 不予受理.
    NonAcceptance,
    /// 移送.
    Transfer,
    /// 维持 (二审维持原判).
    Affirmed,
    /// 改判.
    Amended,
    /// 发回重审.
    Remanded,
    /// 撤回上诉.
    AppealWithdrawn,
    /// 执行完毕.
    EnforcementCompleted,
    /// 终结本次执行程序 (终本).
    TerminalEnforcementSuspension,
    /// 终结执行.
    EnforcementTerminated,
    /// 销案.
    Cancelled,
    /// 不予执行.
    EnforcementRefused,
    /// 驳回申请.
    ApplicationRejected,
    /// 其他.
    Other,
}

/// The text is not in the 结案方式 vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a 结案方式 of the vocabulary")]
pub struct DispositionError;

impl Disposition {
    pub const ALL: [Disposition; 17] = [
        Disposition::Judgment,
        Disposition::Mediation,
        Disposition::Withdrawal,
        Disposition::DismissalOfClaim,
        Disposition::NonAcceptance,
        Disposition::Transfer,
        Disposition::Affirmed,
        Disposition::Amended,
        Disposition::Remanded,
        Disposition::AppealWithdrawn,
        Disposition::EnforcementCompleted,
        Disposition::TerminalEnforcementSuspension,
        Disposition::EnforcementTerminated,
        Disposition::Cancelled,
        Disposition::EnforcementRefused,
        Disposition::ApplicationRejected,
        Disposition::Other,
    ];

    /// The canonical Chinese value.
    pub fn label(self) -> &'static str {
        use Disposition::*;
        match self {
            Judgment => "判决",
            Mediation => "调解",
            Withdrawal => "撤诉",
            DismissalOfClaim => "驳回起诉",
            NonAcceptance => "不予受理",
            Transfer => "移送",
            Affirmed => "维持",
            Amended => "改判",
            Remanded => "发回重审",
            AppealWithdrawn => "撤回上诉",
            EnforcementCompleted => "执行完毕",
            TerminalEnforcementSuspension => "终结本次执行程序",
            EnforcementTerminated => "终结执行",
            Cancelled => "销案",
            EnforcementRefused => "不予执行",
            ApplicationRejected => "驳回申请",
            Other => "其他",
        }
    }

    fn synonyms(self) -> &'static [&'static str] {
        use Disposition::*;
        match self {
            Judgment => &["判决结案"],
            Mediation => &["调解结案", "调解书"],
            Withdrawal => &["准予撤诉", "按撤诉处理", "裁定准许撤诉"],
            DismissalOfClaim => &["裁定驳回起诉"],
            NonAcceptance => &["裁定不予受理"],
            Transfer => &["移送管辖", "移送其他法院"],
            Affirmed => &["维持原判", "驳回上诉维持原判", "驳回上诉，维持原判", "驳回上诉,维持原判"],
            Amended => &["部分改判"],
            Remanded => &["撤销原判发回重审"],
            AppealWithdrawn => &["准予撤回上诉", "按撤回上诉处理"],
            TerminalEnforcementSuspension => &["终本", "终结本次执行"],
            ApplicationRejected => &["驳回执行申请"],
            _ => &[],
        }
    }

    /// Maps a canonical value or a synonym to the canonical value.
    pub fn parse(text: &str) -> Result<Disposition, DispositionError> {
        Disposition::ALL.into_iter().find(|d| d.label() == text || d.synonyms().contains(&text)).ok_or(DispositionError)
    }
}

impl fmt::Display for Disposition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_map_to_canonical() {
        assert_eq!(Disposition::parse("驳回上诉，维持原判"), Ok(Disposition::Affirmed));
        assert_eq!(Disposition::parse("终本"), Ok(Disposition::TerminalEnforcementSuspension));
        assert_eq!(Disposition::parse("按撤诉处理"), Ok(Disposition::Withdrawal));
        assert_eq!(Disposition::parse("撤销原判发回重审"), Ok(Disposition::Remanded));
        assert_eq!(Disposition::parse("其它"), Err(DispositionError));
        for d in Disposition::ALL {
            assert_eq!(Disposition::parse(d.label()), Ok(d));
        }
    }
}

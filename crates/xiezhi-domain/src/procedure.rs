//! 适用程序 (the procedure a case is tried under).

use std::fmt;

/// 适用程序. Blank in the source means "not stated" and is `None` where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Procedure {
    /// 普通程序.
    Ordinary,
    /// 简易程序.
    Summary,
    /// 小额诉讼程序.
    SmallClaims,
    /// 速裁程序.
    Expedited,
    /// 特别程序.
    Special,
}

/// The text is not one of the procedures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a 适用程序 (普通程序, 简易程序, 小额诉讼程序, 速裁程序, 特别程序)")]
pub struct ProcedureError;

impl Procedure {
    pub const ALL: [Procedure; 5] =
        [Procedure::Ordinary, Procedure::Summary, Procedure::SmallClaims, Procedure::Expedited, Procedure::Special];

    pub fn label(self) -> &'static str {
        match self {
            Procedure::Ordinary => "普通程序",
            Procedure::Summary => "简易程序",
            Procedure::SmallClaims => "小额诉讼程序",
            Procedure::Expedited => "速裁程序",
            Procedure::Special => "特别程序",
        }
    }

    /// Accepts the full label, or its short form without 程序/诉讼程序 (普通, 简易, 小额, 小额诉讼,
    /// 速裁, 特别).
    pub fn parse(text: &str) -> Result<Procedure, ProcedureError> {
        let short = match text {
            "普通" => Some(Procedure::Ordinary),
            "简易" => Some(Procedure::Summary),
            "小额" | "小额诉讼" => Some(Procedure::SmallClaims),
            "速裁" => Some(Procedure::Expedited),
            "特别" => Some(Procedure::Special),
            _ => None,
        };
        short.or_else(|| Procedure::ALL.into_iter().find(|p| p.label() == text)).ok_or(ProcedureError)
    }
}

impl fmt::Display for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

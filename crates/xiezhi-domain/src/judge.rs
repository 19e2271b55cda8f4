//! 法官 judges as entities: the 员额法官名册 gives each judge a stable id (工号), so that cases,
//! assignments, accounts and access refer to the judge, not to a name two judges may share.

use std::fmt;

/// 工号 a judge's id in the roster: 1–64 characters, no whitespace or control characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JudgeId(Box<str>);

/// Why a text is not a judge id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("工号应为 1–64 个字符，不含空白 / a judge id is 1–64 characters without whitespace")]
pub struct JudgeIdError;

impl JudgeId {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(text: &str) -> Result<JudgeId, JudgeIdError> {
        let t = text.trim();
        let ok = !t.is_empty()
            && t.chars().count() <= JudgeId::MAX_CHARS
            && !t.chars().any(|c| c.is_whitespace() || c.is_control());
        if ok { Ok(JudgeId(t.into())) } else { Err(JudgeIdError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JudgeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for JudgeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JudgeId({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(JudgeId::parse(" J0103-07 ").unwrap().as_str(), "J0103-07");
        assert!(JudgeId::parse("").is_err());
        assert!(JudgeId::parse("a b").is_err());
        assert!(JudgeId::parse(&"x".repeat(65)).is_err());
        assert!(JudgeId::parse("工号001").is_ok());
    }
}

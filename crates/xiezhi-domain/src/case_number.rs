//! 案号: `(收案年度)法院代字[专门审判代字]类型代字案件编号号`, and the pre-2016 `字第` form.

use std::fmt;

use crate::case_type::{MAX_TYPE_CODE_CHARS, TypeCode};
use crate::court::CourtCode;

/// A parsed 案号. Its identity is the canonical text: brackets normalised to `（）`,
/// everything else as written (`0001号` and `1号` are different cases).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    // Invariant: `canonical` is what `Display` prints and what every field below was parsed from.
    canonical: Box<str>,
    year: u16,
    court: CourtRef,
    specialized: Option<char>,
    type_code: TypeCode,
}

/// Who filed the case: a court code, or for a legacy `字第` number only a court label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CourtRef {
    /// A post-2016 number's 法院代字.
    Code(CourtCode),
    /// A pre-2016 `字第` number's court label (e.g. `海`, `深罗法`): no court code.
    Legacy(Box<str>),
}

/// Why a text is not a 案号. The variants name the part that is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseNumberError {
    #[error("empty case number")]
    Empty,
    #[error("must start with (年度), （年度） or 〔年度〕")]
    MissingYear,
    #[error("the year must be four digits")]
    BadYear,
    #[error("must end with 号")]
    MissingSuffix,
    #[error("unknown court code (法院代字)")]
    UnknownCourt,
    #[error("unknown case type code (类型代字) {0:?}")]
    UnknownTypeCode(String),
    #[error("the case sequence number (案件编号) must be digits")]
    BadSequence,
}

const SPECIALIZED_CODES: &[char] = &['知'];
const DIVISION_MARKS: &[char] = &['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '公', '自'];

impl CaseNumber {
    /// Parses a 案号 in any accepted form (ASCII, full-width or 〔〕 brackets; legacy 字第).
    pub fn parse(text: &str) -> Result<CaseNumber, CaseNumberError> {
        if text.is_empty() {
            return Err(CaseNumberError::Empty);
        }
        let rest = strip_one_of(text, &['(', '（', '〔']).ok_or(CaseNumberError::MissingYear)?;
        let year_text = rest.get(..4).ok_or(CaseNumberError::BadYear)?;
        if !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CaseNumberError::BadYear);
        }
        let year: u16 = year_text.parse().map_err(|_| CaseNumberError::BadYear)?;
        let rest = strip_one_of(&rest[4..], &[')', '）', '〕']).ok_or(CaseNumberError::BadYear)?;
        let body = rest.strip_suffix('号').ok_or(CaseNumberError::MissingSuffix)?;
        if let Some((head, sequence)) = body.split_once("字第") {
            return parse_legacy(year, head, sequence);
        }
        let (court, rest) = CourtCode::parse_prefix(body).ok_or(CaseNumberError::UnknownCourt)?;
        let (specialized, rest) = match rest.chars().next() {
            Some(c) if SPECIALIZED_CODES.contains(&c) => (Some(c), &rest[c.len_utf8()..]),
            _ => (None, rest),
        };
        let n_type = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let (type_text, sequence) = rest.split_at(n_type);
        // Some real numbers keep a stray 字 of the old form, e.g. （2016）辽0106刑初字70号.
        let type_code = TypeCode::from_text(type_text)
            .or_else(|| type_text.strip_suffix('字').and_then(TypeCode::from_text))
            .ok_or_else(|| CaseNumberError::UnknownTypeCode(type_text.to_owned()))?;
        check_sequence(sequence)?;
        let mut canonical = String::with_capacity(text.len() + 4);
        canonical.push('（');
        canonical.push_str(year_text);
        canonical.push('）');
        canonical.push_str(body);
        canonical.push('号');
        Ok(CaseNumber {
            canonical: canonical.into_boxed_str(),
            year,
            court: CourtRef::Code(court),
            specialized,
            type_code,
        })
    }

    /// The canonical text, e.g. `（2024）粤0703民初1234号`.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// 收案年度.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The court code, `None` for a legacy `字第` number.
    pub fn court(&self) -> Option<CourtCode> {
        match self.court {
            CourtRef::Code(code) => Some(code),
            CourtRef::Legacy(_) => None,
        }
    }

    pub fn court_ref(&self) -> &CourtRef {
        &self.court
    }

    /// 专门审判代字 (e.g. 知), if any.
    pub fn specialized(&self) -> Option<char> {
        self.specialized
    }

    pub fn type_code(&self) -> TypeCode {
        self.type_code
    }

    /// A 128-bit fingerprint of the canonical text, as two 64-bit halves (8-byte aligned, so a
    /// map entry keyed by it stays small). Equal 案号 have equal fingerprints; two different
    /// ones share one with probability ≈ n² / 2¹²⁹ among n numbers (≈ 10⁻²⁵ for 10M). Used where
    /// millions of 案号 must be recognised without keeping their texts (link resolution in the
    /// indicator engine, duplicates within an imported file). Stable within one build (it uses
    /// `DefaultHasher::new()`, whose fixed keys may change between Rust releases): never store it.
    pub fn fingerprint(&self) -> [u64; 2] {
        use std::hash::{Hash, Hasher};
        let half = |salt: u64| {
            let mut h = std::hash::DefaultHasher::new();
            salt.hash(&mut h);
            self.canonical.hash(&mut h);
            h.finish()
        };
        [half(0x9e37_79b9_7f4a_7c15), half(0x2545_f491_4f6c_dd1d)]
    }

    /// 案件编号 the sequence number (the digits before 号), e.g. 1234 of `（2024）粤0703民初1234号`.
    pub fn sequence(&self) -> u64 {
        let body = self.canonical.strip_suffix('号').unwrap_or(&self.canonical);
        let start = body.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        // Parsing checked 1–12 digits: always fits.
        body[start..].parse().unwrap_or(0)
    }

    /// The number a court gives its `sequence`-th case of a type in a year:
    /// `（2026）粤0106民初1号` (no 专门审判代字; registration does not give them).
    pub fn assigned(year: u16, court: CourtCode, type_code: TypeCode, sequence: u64) -> CaseNumber {
        CaseNumber {
            canonical: format!("（{year:04}）{court}{type_code}{sequence}号").into_boxed_str(),
            year,
            court: CourtRef::Code(court),
            specialized: None,
            type_code,
        }
    }

    /// Whether this is a pre-2016 `字第` number.
    pub fn is_legacy(&self) -> bool {
        matches!(self.court, CourtRef::Legacy(_))
    }
}

fn strip_one_of<'a>(text: &'a str, options: &[char]) -> Option<&'a str> {
    let c = text.chars().next()?;
    options.contains(&c).then(|| &text[c.len_utf8()..])
}

fn check_sequence(sequence: &str) -> Result<(), CaseNumberError> {
    if sequence.is_empty() || sequence.len() > 12 || !sequence.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CaseNumberError::BadSequence);
    }
    Ok(())
}

/// `head` is the text before 字第: court label + type code, where a division numeral or 公/自
/// may stand after the type's first character. The longest code that ends `head` and leaves a
/// non-empty label wins.
fn parse_legacy(year: u16, head: &str, sequence: &str) -> Result<CaseNumber, CaseNumberError> {
    check_sequence(sequence)?;
    let chars: Vec<(usize, char)> = head.char_indices().collect();
    let n = chars.len();
    // Splitting at character i leaves label = head[..i], code text = head[i..].
    // A code of k characters may be written with one extra division mark: k + 1 characters.
    for i in 1..n {
        let tail = &chars[i..];
        if tail.len() > MAX_TYPE_CODE_CHARS + 1 {
            continue;
        }
        let plain: String = tail.iter().map(|&(_, c)| c).collect();
        let mut found = TypeCode::from_text(&plain);
        if found.is_none() && tail.len() >= 2 && DIVISION_MARKS.contains(&tail[1].1) {
            let without: String = tail.iter().enumerate().filter(|&(j, _)| j != 1).map(|(_, &(_, c))| c).collect();
            found = TypeCode::from_text(&without);
        }
        if let Some(type_code) = found {
            let label = &head[..chars[i].0];
            let canonical = format!("（{year:04}）{head}字第{sequence}号");
            return Ok(CaseNumber {
                canonical: canonical.into_boxed_str(),
                year,
                court: CourtRef::Legacy(label.into()),
                specialized: None,
                type_code,
            });
        }
    }
    Err(CaseNumberError::UnknownTypeCode(head.to_owned()))
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl fmt::Debug for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CaseNumber({})", self.canonical)
    }
}

impl std::str::FromStr for CaseNumber {
    type Err = CaseNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseNumber::parse(s)
    }
}

#[cfg(test)]
mod tests;

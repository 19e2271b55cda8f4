//! 法院代字 (court codes) and the court hierarchy read from them.

use std::fmt;

/// Province abbreviations accepted as the first character of a court code (高院代字).
/// 内 and 蒙 both stand for 内蒙古; 贵 and 黔 both for 贵州 (real judgments write 黔, e.g.
/// （2016）黔2323刑初98号, which the contract's list lacks); 兵 is the 新疆兵团 branch, 军 the
/// military courts.
pub const PROVINCE_ABBREVIATIONS: &[char] = &[
    '京', '津', '沪', '渝', '冀', '豫', '云', '辽', '黑', '湘', '皖', '鲁', '新', '苏', '浙', '赣', '鄂', '桂', '甘',
    '晋', '蒙', '内', '陕', '吉', '闽', '贵', '黔', '粤', '青', '藏', '川', '宁', '琼', '兵', '军',
];

/// A court's code (法院代字): `最高法`, a province abbreviation (高院), +2 digits (中院) or
/// +4 digits (基层法院).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CourtCode {
    /// 最高人民法院, `最高法`.
    Supreme,
    /// 高级人民法院: the abbreviation alone, e.g. `粤`.
    High { province: char },
    /// 中级人民法院: abbreviation + 2 digits, e.g. `粤07`.
    Intermediate { province: char, city: u8 },
    /// 基层人民法院: abbreviation + 4 digits, e.g. `粤0703`.
    Basic { province: char, city: u8, county: u8 },
}

/// The level of a court in the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CourtLevel {
    Supreme,
    High,
    Intermediate,
    Basic,
}

impl CourtCode {
    /// Parses a whole court code such as `粤0703`, `粤07`, `粤` or `最高法`.
    pub fn parse(text: &str) -> Option<CourtCode> {
        let (code, rest) = CourtCode::parse_prefix(text)?;
        rest.is_empty().then_some(code)
    }

    /// Parses the court code at the start of `text`, returning it and the rest of the text.
    pub(crate) fn parse_prefix(text: &str) -> Option<(CourtCode, &str)> {
        if let Some(rest) = text.strip_prefix("最高法") {
            return Some((CourtCode::Supreme, rest));
        }
        let mut chars = text.chars();
        let province = chars.next()?;
        if !PROVINCE_ABBREVIATIONS.contains(&province) {
            return None;
        }
        let rest = chars.as_str();
        let n_digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let digits = &rest.as_bytes()[..n_digits];
        let two = |i: usize| (digits[i] - b'0') * 10 + (digits[i + 1] - b'0');
        let code = match n_digits {
            0 => CourtCode::High { province },
            2 => CourtCode::Intermediate { province, city: two(0) },
            4 => CourtCode::Basic { province, city: two(0), county: two(2) },
            _ => return None,
        };
        Some((code, &rest[n_digits..]))
    }

    pub fn level(self) -> CourtLevel {
        match self {
            CourtCode::Supreme => CourtLevel::Supreme,
            CourtCode::High { .. } => CourtLevel::High,
            CourtCode::Intermediate { .. } => CourtLevel::Intermediate,
            CourtCode::Basic { .. } => CourtLevel::Basic,
        }
    }

    /// The province abbreviation; `None` for the SPC, which is in no province.
    pub fn province(self) -> Option<char> {
        match self {
            CourtCode::Supreme => None,
            CourtCode::High { province }
            | CourtCode::Intermediate { province, .. }
            | CourtCode::Basic { province, .. } => Some(province),
        }
    }

    /// The city (中院 code) this court belongs to: itself for a 中院, its 中院 for a basic
    /// court; `None` for a 高院 and the SPC, which are in no city.
    pub fn city(self) -> Option<CourtCode> {
        match self {
            CourtCode::Intermediate { .. } => Some(self),
            CourtCode::Basic { province, city, .. } => Some(CourtCode::Intermediate { province, city }),
            CourtCode::Supreme | CourtCode::High { .. } => None,
        }
    }

    /// The province's code (its 高院 code), `None` for the SPC.
    pub fn province_code(self) -> Option<CourtCode> {
        self.province().map(|province| CourtCode::High { province })
    }
}

impl fmt::Display for CourtCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CourtCode::Supreme => f.write_str("最高法"),
            CourtCode::High { province } => write!(f, "{province}"),
            CourtCode::Intermediate { province, city } => write!(f, "{province}{city:02}"),
            CourtCode::Basic { province, city, county } => write!(f, "{province}{city:02}{county:02}"),
        }
    }
}

impl fmt::Debug for CourtCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy_from_code() {
        let basic = CourtCode::parse("粤0703").unwrap();
        assert_eq!(basic.level(), CourtLevel::Basic);
        assert_eq!(basic.city().unwrap().to_string(), "粤07");
        assert_eq!(basic.province_code().unwrap().to_string(), "粤");
        let city = CourtCode::parse("粤07").unwrap();
        assert_eq!(city.city(), Some(city));
        let high = CourtCode::parse("粤").unwrap();
        assert_eq!(high.city(), None);
        assert_eq!(high.province(), Some('粤'));
        assert_eq!(CourtCode::parse("最高法").unwrap().province(), None);
        assert!(CourtCode::parse("粤070").is_none());
        assert!(CourtCode::parse("港07").is_none());
        assert_eq!(CourtCode::parse("京0491").unwrap().to_string(), "京0491");
    }
}

//! 审限: the statutory time limits of indicators.md used by on-time indicators.

use crate::case_type::TypeCode;
use crate::date::Date;
use crate::procedure::Procedure;

/// A base statutory limit, in calendar months or in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatutoryLimit {
    Months(u8),
    Days(u16),
}

impl StatutoryLimit {
    /// The base limit for a type code and procedure; `None` when the code has no limit (the case
    /// is then left out of on-time indicators). A blank procedure, or one the table does not list
    /// for the code, uses the code's first row.
    pub fn for_case(type_code: TypeCode, procedure: Option<Procedure>) -> Option<StatutoryLimit> {
        use Procedure::*;
        use StatutoryLimit::*;
        Some(match (type_code.as_str(), procedure) {
            ("民初", Some(Summary)) => Months(3),
            ("民初", Some(SmallClaims)) => Months(2),
            ("民初", Some(Special)) => Days(30),
            ("民初", _) => Months(6),
            ("民特", _) => Days(30),
            ("民终" | "行终" | "行赔终", _) => Months(3),
            ("民申" | "民监" | "民抗" | "行申" | "行监" | "行抗", _) => Months(3),
            ("民再" | "行再", _) => Months(6),
            ("刑初", Some(Summary)) => Days(20),
            ("刑初", Some(Expedited)) => Days(10),
            ("刑初", _) => Months(3),
            ("刑终", _) => Months(2),
            ("刑再", _) => Months(3),
            ("行初", Some(Summary)) => Days(45),
            ("行初" | "行赔初", _) => Months(6),
            ("执" | "执恢", _) => Months(6),
            ("执异", _) => Days(15),
            _ => return None,
        })
    }

    /// deadline = (add_months(filed_on, m) or filed_on + d days) + extension_days + suspended_days.
    pub fn deadline(self, filed_on: Date, extension_days: u32, suspended_days: u32) -> Date {
        let base = match self {
            StatutoryLimit::Months(m) => filed_on.add_months(i32::from(m)),
            StatutoryLimit::Days(d) => filed_on.add_days(i32::from(d)),
        };
        let extra = i64::from(extension_days) + i64::from(suspended_days);
        base.add_days(i32::try_from(extra).unwrap_or(i32::MAX / 4).min(i32::MAX / 4))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(t: &str) -> TypeCode {
        TypeCode::from_text(t).unwrap()
    }

    #[test]
    fn table() {
        use Procedure::*;
        use StatutoryLimit::*;
        let limit = StatutoryLimit::for_case;
        assert_eq!(limit(code("民初"), None), Some(Months(6)));
        assert_eq!(limit(code("民初"), Some(Expedited)), Some(Months(6)));
        assert_eq!(limit(code("民初"), Some(SmallClaims)), Some(Months(2)));
        assert_eq!(limit(code("民初"), Some(Special)), Some(Days(30)));
        assert_eq!(limit(code("刑初"), Some(Expedited)), Some(Days(10)));
        assert_eq!(limit(code("刑初"), Some(SmallClaims)), Some(Months(3)));
        assert_eq!(limit(code("行赔初"), Some(Summary)), Some(Months(6)));
        assert_eq!(limit(code("行初"), Some(Summary)), Some(Days(45)));
        assert_eq!(limit(code("执恢"), None), Some(Months(6)));
        assert_eq!(limit(code("执保"), None), None);
        assert_eq!(limit(code("刑申"), None), None);
    }

    #[test]
    fn deadline_counts_from_the_day_after_filing() {
        let filed = Date::from_ymd(2024, 3, 5).unwrap();
        assert_eq!(StatutoryLimit::Months(6).deadline(filed, 0, 0), Date::from_ymd(2024, 9, 5).unwrap());
        let jan31 = Date::from_ymd(2024, 1, 31).unwrap();
        assert_eq!(StatutoryLimit::Months(1).deadline(jan31, 0, 0), Date::from_ymd(2024, 2, 29).unwrap());
        assert_eq!(StatutoryLimit::Months(1).deadline(jan31, 2, 3), Date::from_ymd(2024, 3, 5).unwrap());
        assert_eq!(StatutoryLimit::Days(20).deadline(jan31, 0, 0), Date::from_ymd(2024, 2, 20).unwrap());
    }
}

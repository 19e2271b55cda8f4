//! Calendar dates as day numbers, with the month arithmetic the 审限 rules need.

use std::fmt;

/// A proleptic Gregorian calendar date, stored as days since 1970-01-01.
///
/// Compact (4 bytes) and `Ord`, so the indicator engine can keep millions of them in columns.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

/// Why a date could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The day does not exist in that month (e.g. 2023-02-29).
    #[error("no such day: {year:04}-{month:02}-{day:02}")]
    NoSuchDay { year: i32, month: u32, day: u32 },
    /// The year is outside 1000..=9999.
    #[error("year {0} out of range")]
    YearOutOfRange(i32),
    /// The text is not in `YYYY-MM-DD` form.
    #[error("not an ISO date")]
    NotIso,
}

impl Date {
    /// Builds a date, rejecting days that do not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        if !(1000..=9999).contains(&year) {
            return Err(DateError::YearOutOfRange(year));
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(DateError::NoSuchDay { year, month, day });
        }
        Ok(Date(days_from_civil(year, month, day)))
    }

    /// The date `n` days since 1970-01-01.
    pub const fn from_day_number(n: i32) -> Date {
        Date(n)
    }

    /// Days since 1970-01-01.
    pub const fn day_number(self) -> i32 {
        self.0
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    pub fn month(self) -> u32 {
        self.ymd().1
    }

    /// The same day of the month `n` months later (or earlier for negative `n`); a day that
    /// does not exist is clamped to the month's last day (31 Jan + 1 month = 28/29 Feb).
    pub fn add_months(self, n: i32) -> Date {
        let (y, m, d) = self.ymd();
        let total = y * 12 + (m as i32 - 1) + n;
        let year = total.div_euclid(12);
        let month = (total.rem_euclid(12) + 1) as u32;
        let day = d.min(days_in_month(year, month));
        Date(days_from_civil(year, month, day))
    }

    /// The date `n` days later (earlier for negative `n`).
    pub const fn add_days(self, n: i32) -> Date {
        Date(self.0 + n)
    }

    /// Whole days from `earlier` to `self` (negative when `earlier` is later).
    pub const fn days_since(self, earlier: Date) -> i32 {
        self.0 - earlier.0
    }

    /// The same date one year earlier; 29 Feb becomes 28 Feb.
    pub fn previous_year(self) -> Date {
        self.add_months(-12)
    }

    /// Parses `YYYY-MM-DD` exactly (the canonical form this crate prints).
    pub fn parse_iso(text: &str) -> Result<Date, DateError> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::NotIso);
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, DateError> {
            let mut v = 0u32;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return Err(DateError::NotIso);
                }
                v = v * 10 + u32::from(c - b'0');
            }
            Ok(v)
        };
        Date::from_ymd(num(0..4)? as i32, num(5..7)?, num(8..10)?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Whether `year` is a Gregorian leap year.
pub const fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in a month (1..=12).
pub const fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

const fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn epoch_and_known_days() {
        assert_eq!(d("1970-01-01").day_number(), 0);
        assert_eq!(d("2000-03-01").day_number(), 11_017);
        assert_eq!(d("2024-03-05").to_string(), "2024-03-05");
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(d("2023-01-31").add_months(1), d("2023-02-28"));
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2024-02-29").add_months(12), d("2025-02-28"));
        assert_eq!(d("2024-02-29").add_months(-12), d("2023-02-28"));
        assert_eq!(d("2024-08-31").add_months(1), d("2024-09-30"));
        assert_eq!(d("2024-03-05").add_months(6), d("2024-09-05"));
        assert_eq!(d("2024-12-15").add_months(-36), d("2021-12-15"));
        assert_eq!(d("2024-11-30").add_months(3), d("2025-02-28"));
    }

    #[test]
    fn previous_year_moves_only_leap_day() {
        assert_eq!(d("2025-02-28").previous_year(), d("2024-02-28"));
        assert_eq!(d("2024-02-29").previous_year(), d("2023-02-28"));
        assert_eq!(d("2024-03-01").previous_year(), d("2023-03-01"));
    }

    #[test]
    fn impossible_days_are_rejected() {
        assert!(Date::from_ymd(2023, 2, 29).is_err());
        assert!(Date::from_ymd(2024, 2, 29).is_ok());
        assert!(Date::from_ymd(2024, 4, 31).is_err());
        assert!(Date::from_ymd(2024, 13, 1).is_err());
        assert!(Date::parse_iso("2024-1-05").is_err());
    }

    proptest! {
        #[test]
        fn civil_round_trip(n in -200_000i32..2_000_000) {
            let date = Date::from_day_number(n);
            let (y, m, dd) = date.ymd();
            prop_assume!((1000..=9999).contains(&y));
            prop_assert_eq!(Date::from_ymd(y, m, dd).unwrap(), date);
            prop_assert_eq!(Date::parse_iso(&date.to_string()).unwrap(), date);
        }

        #[test]
        fn add_months_never_overflows_month(n in 0i32..40_000, k in -48i32..48) {
            let date = Date::from_day_number(n);
            let later = date.add_months(k);
            let (_, _, d0) = date.ymd();
            let (y1, m1, d1) = later.ymd();
            prop_assert!(d1 <= d0);
            prop_assert!(d1 == d0 || d1 == days_in_month(y1, m1));
        }
    }
}

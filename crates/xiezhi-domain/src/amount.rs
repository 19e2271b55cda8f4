//! Money amounts in yuan, exact to 0.0001 yuan.

use std::fmt;

/// A non-negative amount of money, exact decimal: stored as ten-thousandths of a yuan so that
/// `万元` columns multiply exactly and sums never round.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(i64);

/// Why a text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not a number")]
    NotANumber,
    #[error("must not be negative")]
    Negative,
    #[error("more than 4 decimal places of a yuan")]
    TooPrecise,
    #[error("too large")]
    TooLarge,
}

/// Ten-thousandths per yuan.
const SCALE: i64 = 10_000;

impl Amount {
    pub const ZERO: Amount = Amount(0);

    /// From ten-thousandths of a yuan.
    pub const fn from_ten_thousandths(units: i64) -> Amount {
        Amount(units)
    }

    /// Whole yuan.
    pub const fn from_yuan(yuan: i64) -> Amount {
        Amount(yuan * SCALE)
    }

    /// Ten-thousandths of a yuan.
    pub const fn ten_thousandths(self) -> i64 {
        self.0
    }

    /// The value in yuan as a float, for JSON output and charts.
    pub fn to_yuan_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }

    /// Parses a decimal number of yuan (or of 万元 when `in_wan`): digits with an optional
    /// fraction, thousands separators `,` allowed, a trailing `元` allowed.
    pub fn parse(text: &str, in_wan: bool) -> Result<Amount, AmountError> {
        let text = text.strip_suffix('元').unwrap_or(text).trim();
        let text = if in_wan { text.strip_suffix('万').unwrap_or(text) } else { text };
        if text.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let text = text.strip_prefix('+').unwrap_or(text);
        let (int_part, frac_part) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(AmountError::NotANumber);
        }
        let mut digits: Vec<u8> = Vec::with_capacity(text.len());
        for (i, group) in int_part.split(',').enumerate() {
            // Thousands separators must separate groups of three digits.
            if i > 0 && group.len() != 3 {
                return Err(AmountError::NotANumber);
            }
            digits.extend(group.bytes());
        }
        // With separators the first group has one to three digits, not led by 0 (`1234,567`,
        // `0,500` and the European `1234,500` are not amounts).
        if let Some((first, _)) = int_part.split_once(',')
            && !(1..=3).contains(&first.len()) | first.starts_with('0')
        {
            return Err(AmountError::NotANumber);
        }
        if !digits.iter().all(u8::is_ascii_digit) || !frac_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AmountError::NotANumber);
        }
        // The value = int.frac × 10^shift ten-thousandths, shift 4 (yuan) or 8 (万元).
        let shift = if in_wan { 8 } else { 4 };
        let frac = frac_part.trim_end_matches('0');
        if frac.len() > shift {
            return Err(AmountError::TooPrecise);
        }
        let mut value: i64 = 0;
        let push = |value: i64, d: u8| -> Result<i64, AmountError> {
            value.checked_mul(10).and_then(|v| v.checked_add(i64::from(d - b'0'))).ok_or(AmountError::TooLarge)
        };
        for &d in &digits {
            value = push(value, d)?;
        }
        for d in frac.bytes() {
            value = push(value, d)?;
        }
        for _ in frac.len()..shift {
            value = value.checked_mul(10).ok_or(AmountError::TooLarge)?;
        }
        Ok(Amount(value))
    }
}

impl Amount {
    /// Yuan with thousands separators and as few decimals as needed: `35,000`, `1,234.5`.
    pub fn grouped(self) -> String {
        let plain = self.to_string();
        let (whole, frac) = plain.split_once('.').map_or((plain.as_str(), None), |(w, f)| (w, Some(f)));
        let mut out = String::with_capacity(plain.len() + whole.len() / 3);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        out
    }
}

impl Amount {
    /// Yuan as money is written (元, with 分): thousands separators and at least two decimals,
    /// more only when the amount has them: `35,000.00`, `1,234.50`, `0.1234`.
    pub fn yuan(self) -> String {
        let g = self.grouped();
        match g.split_once('.') {
            None => format!("{g}.00"),
            Some((_, f)) if f.len() == 1 => format!("{g}0"),
            Some(_) => g,
        }
    }
}

impl fmt::Display for Amount {
    /// Plain yuan with as few decimals as needed: `1234.5`, `0`, `12345678`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / SCALE;
        let frac = self.0 % SCALE;
        if frac == 0 {
            write!(f, "{whole}")
        } else {
            let s = format!("{frac:04}");
            write!(f, "{whole}.{}", s.trim_end_matches('0'))
        }
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}元")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn yuan() {
        let y = |s: &str| Amount::parse(s, false).unwrap().yuan();
        assert_eq!(y("35000"), "35,000.00");
        assert_eq!(y("1234.5"), "1,234.50");
        assert_eq!(y("0"), "0.00");
        assert_eq!(y("0.1234"), "0.1234");
        assert_eq!(y("1000000.05"), "1,000,000.05");
    }

    #[test]
    fn grouped() {
        let g = |s: &str| Amount::parse(s, false).unwrap().grouped();
        assert_eq!(g("35000"), "35,000");
        assert_eq!(g("120000"), "120,000");
        assert_eq!(g("999"), "999");
        assert_eq!(g("1234.5"), "1,234.5");
        assert_eq!(g("1234567.0001"), "1,234,567.0001");
        assert_eq!(g("0"), "0");
    }

    #[test]
    fn forms() {
        let y = |s: &str| Amount::parse(s, false).unwrap().to_string();
        assert_eq!(y("1,234.50"), "1234.5");
        assert_eq!(y("1234.50元"), "1234.5");
        assert_eq!(y("0"), "0");
        assert_eq!(y("12,345,678"), "12345678");
        assert_eq!(y(".5"), "0.5");
        let w = |s: &str| Amount::parse(s, true).unwrap().to_string();
        assert_eq!(w("1.23456"), "12345.6");
        assert_eq!(w("3"), "30000");
        assert_eq!(w("0.00000001"), "0.0001");
        assert_eq!(Amount::parse("-1", false), Err(AmountError::Negative));
        assert_eq!(Amount::parse("1,23", false), Err(AmountError::NotANumber));
        for misplaced in ["1234,567", "0,500", ",500", "1234,500.5"] {
            assert_eq!(Amount::parse(misplaced, false), Err(AmountError::NotANumber), "{misplaced}");
        }
        assert_eq!(Amount::parse("abc", false), Err(AmountError::NotANumber));
        assert_eq!(Amount::parse("1.00001", false), Err(AmountError::TooPrecise));
        assert_eq!(Amount::parse("99999999999999999999", false), Err(AmountError::TooLarge));
    }

    proptest! {
        #[test]
        fn display_parses_back(units in 0i64..1_000_000_000_000) {
            let a = Amount::from_ten_thousandths(units);
            prop_assert_eq!(Amount::parse(&a.to_string(), false).unwrap(), a);
        }
        #[test]
        fn never_panics(s in "\\PC{0,20}", wan in any::<bool>()) {
            let _ = Amount::parse(&s, wan);
        }
    }
}

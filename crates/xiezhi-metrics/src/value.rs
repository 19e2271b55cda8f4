//! Indicator values: exact counts, amounts and quotients; undefined and unavailable states.

use std::cmp::Ordering;

/// The value of one indicator for one group and period. Exact: quotients keep their numerator
/// and denominator, so equal values compare equal (ranks) and floats are made only for output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A number of cases.
    Count(u64),
    /// Money, in ten-thousandths of a yuan (exact).
    Amount(i128),
    /// numerator / denominator with denominator > 0: ratios, mean days, cases per judge.
    Quotient { numerator: i128, denominator: i128 },
    /// A quotient whose denominator is 0 (JSON null; never 0, never NaN).
    Undefined,
    /// Cannot be computed from case facts v1; the reason (JSON null plus an `unavailable` entry).
    Unavailable(&'static str),
}

/// A year-on-year change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Change {
    /// (now − before) / before, as a fraction (0.1 = +10 %): counts and amounts.
    Relative(f64),
    /// now − before: ratios (a fraction, i.e. 0.01 = 1 个百分点), mean days, cases per judge.
    Difference(f64),
}

impl Value {
    /// `numerator / denominator`, undefined when the denominator is 0.
    pub fn quotient(numerator: i128, denominator: i128) -> Value {
        if denominator == 0 { Value::Undefined } else { Value::Quotient { numerator, denominator } }
    }

    /// The value as a float (amounts in yuan), `None` when undefined or unavailable.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Count(c) => Some(c as f64),
            Value::Amount(a) => Some(a as f64 / 10_000.0),
            Value::Quotient { numerator, denominator } => Some(numerator as f64 / denominator as f64),
            Value::Undefined | Value::Unavailable(_) => None,
        }
    }

    /// The exact value as a fraction (amounts in ten-thousandths), `None` when it has none.
    fn exact(&self) -> Option<(i128, i128)> {
        match *self {
            Value::Count(c) => Some((i128::from(c), 1)),
            Value::Amount(a) => Some((a, 1)),
            Value::Quotient { numerator, denominator } => Some((numerator, denominator)),
            Value::Undefined | Value::Unavailable(_) => None,
        }
    }

    /// Exact comparison of two defined values of the same indicator.
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        let (a, b) = self.exact()?;
        let (c, d) = other.exact()?;
        // a/b vs c/d with b, d > 0; the products fit i128 for any realistic data, and fall
        // back to floats if not.
        Some(match (a.checked_mul(d), c.checked_mul(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => (a as f64 / b as f64).total_cmp(&(c as f64 / d as f64)),
        })
    }

    /// The change from `before` to `self`: relative for counts and amounts (undefined when
    /// before is 0), a difference otherwise; `None` when either side has no value.
    pub fn change_since(&self, before: &Value, relative: bool) -> Option<Change> {
        let now = self.as_f64()?;
        let then = before.as_f64()?;
        if relative {
            let (n, _) = self.exact()?;
            let (b, _) = before.exact()?;
            if b == 0 {
                return None;
            }
            Some(Change::Relative((n - b) as f64 / b as f64))
        } else {
            Some(Change::Difference(now - then))
        }
    }

    /// The JSON form: integers for counts, yuan for amounts, fractions for quotients, null
    /// otherwise.
    pub fn to_json(&self) -> serde_json::Value {
        match *self {
            Value::Count(c) => serde_json::Value::from(c),
            Value::Undefined | Value::Unavailable(_) => serde_json::Value::Null,
            // Through the exact decimal text, so the float is the one nearest the true yuan
            // value even beyond 2^53 ten-thousandths.
            Value::Amount(a) => {
                let sign = if a < 0 { "-" } else { "" };
                let (whole, frac) = (a.unsigned_abs() / 10_000, a.unsigned_abs() % 10_000);
                let yuan = format!("{sign}{whole}.{frac:04}");
                serde_json::Value::from(yuan.parse::<f64>().expect("a decimal number"))
            }
            Value::Quotient { .. } => self.as_f64().map_or(serde_json::Value::Null, serde_json::Value::from),
        }
    }
}

//! Reporting periods: P = [from, to], both days inclusive, and the previous-year period P'.

use std::fmt;

use xiezhi_domain::Date;

use crate::error::MetricsError;

/// A period P = [from, to], both dates inclusive; `as_of` = `to` (indicators.md, "Periods").
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    from: Date,
    to: Date,
}

impl Period {
    /// Builds a period; `from` after `to` is [`MetricsError::PeriodReversed`].
    /// A one-day period (`from == to`) is allowed.
    pub fn new(from: Date, to: Date) -> Result<Period, MetricsError> {
        if from > to {
            return Err(MetricsError::PeriodReversed { from: from.to_string(), to: to.to_string() });
        }
        Ok(Period { from, to })
    }

    /// First day, inclusive.
    pub fn from(self) -> Date {
        self.from
    }

    /// Last day, inclusive (= `as_of`).
    pub fn to(self) -> Date {
        self.to
    }

    /// The previous-year period P' = [from − 1 year, to − 1 year]; only 29 Feb moves (to 28 Feb).
    pub fn previous_year(self) -> Period {
        // add_months is monotone, so from' <= to' still holds.
        Period { from: self.from.previous_year(), to: self.to.previous_year() }
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {}]", self.from, self.to)
    }
}

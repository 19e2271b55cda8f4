//! 时钟 the one place the wall clock is read ([`SystemClock`]); everything else takes a
//! [`Clock`], so tests fix time and pure crates never see it.

use xiezhi_domain::Date;

/// China Standard Time (UTC+8, no DST since 1991), the courts' civil time.
pub const CST_OFFSET_SECONDS: i64 = 8 * 3600;

/// The wall clock as the application sees it.
pub trait Clock: Send + Sync + 'static {
    /// Seconds since the Unix epoch (UTC).
    fn unix_seconds(&self) -> i64;

    /// Milliseconds since the Unix epoch, for cache timers and expiry.
    fn unix_millis(&self) -> i64 {
        self.unix_seconds() * 1000
    }

    /// Today's date in China Standard Time.
    fn today(&self) -> Date {
        date_of(self.unix_seconds())
    }

    /// `YYYY-MM-DD HH:MM:SS` in China Standard Time, for audit entries and records.
    fn timestamp(&self) -> String {
        timestamp_of(self.unix_seconds())
    }
}

/// The CST date of a Unix time.
pub fn date_of(unix_seconds: i64) -> Date {
    Date::from_day_number(i32::try_from((unix_seconds + CST_OFFSET_SECONDS).div_euclid(86_400)).unwrap_or(0))
}

/// `YYYY-MM-DD HH:MM:SS` (CST) of a Unix time.
pub fn timestamp_of(unix_seconds: i64) -> String {
    let secs = (unix_seconds + CST_OFFSET_SECONDS).rem_euclid(86_400);
    format!("{} {:02}:{:02}:{:02}", date_of(unix_seconds), secs / 3600, secs / 60 % 60, secs % 60)
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)] // The one place the wall clock is read.
    fn unix_seconds(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    }

    #[allow(clippy::disallowed_methods)] // The one place the wall clock is read.
    fn unix_millis(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_standard_time() {
        // 2026-10-30 16:00:00 UTC = 2026-10-31 00:00:00 CST.
        let t = i64::from(Date::parse_iso("2026-10-30").unwrap().day_number()) * 86_400 + 16 * 3600;
        assert_eq!(date_of(t).to_string(), "2026-10-31");
        assert_eq!(timestamp_of(t), "2026-10-31 00:00:00");
        assert_eq!(date_of(t - 1).to_string(), "2026-10-30");
        assert_eq!(timestamp_of(t - 1), "2026-10-30 23:59:59");
    }
}

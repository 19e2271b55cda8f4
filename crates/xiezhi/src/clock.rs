//! The one place the binary reads the wall clock (pure crates never do).

use std::time::{SystemTime, UNIX_EPOCH};

use xiezhi_domain::Date;

/// China Standard Time (UTC+8, no DST since 1991), the courts' civil time.
const OFFSET_SECONDS: i64 = 8 * 3600;

fn local_seconds() -> i64 {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    since_epoch + OFFSET_SECONDS
}

/// Today's date in China Standard Time.
pub fn today() -> Date {
    Date::from_day_number(i32::try_from(local_seconds().div_euclid(86_400)).unwrap_or(0))
}

/// `YYYY-MM-DD HH:MM:SS` in China Standard Time, for import records and audit entries.
pub fn timestamp() -> String {
    let s = local_seconds();
    let secs = s.rem_euclid(86_400);
    format!("{} {:02}:{:02}:{:02}", today(), secs / 3600, secs / 60 % 60, secs % 60)
}

/// Seconds since the Unix epoch (UTC), for session times.
pub fn unix_seconds() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The wall clock handed to the web platform (which never reads it itself).
pub struct SystemClock;

impl xiezhi_web::Clock for SystemClock {
    fn unix_seconds(&self) -> i64 {
        unix_seconds()
    }

    fn today(&self) -> Date {
        today()
    }

    fn timestamp(&self) -> String {
        timestamp()
    }
}

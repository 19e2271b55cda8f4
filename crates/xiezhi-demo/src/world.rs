//! 生成环境: the courts, the filing window and the filing-intensity tables (seasonality,
//! weekdays, per-court growth) that place root cases in time.

use xiezhi_domain::{CourtLevel, Date, TypeCode};

use crate::DemoConfig;
use crate::causes::{self, cumulative};
use crate::province::{CourtInfo, build_courts};
use crate::rng::{exp, ln};

/// The 类型代字 the generator writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    CivilFirst,
    CivilAppeal,
    CivilReview,
    CivilRetrial,
    CriminalFirst,
    CriminalAppeal,
    AdminFirst,
    AdminAppeal,
    Enforcement,
    EnforcementResumed,
    PreservationEnforcement,
    EnforcementObjection,
}

pub(crate) const TY_COUNT: usize = 12;

impl Ty {
    pub(crate) const ALL: [Ty; TY_COUNT] = [
        Ty::CivilFirst,
        Ty::CivilAppeal,
        Ty::CivilReview,
        Ty::CivilRetrial,
        Ty::CriminalFirst,
        Ty::CriminalAppeal,
        Ty::AdminFirst,
        Ty::AdminAppeal,
        Ty::Enforcement,
        Ty::EnforcementResumed,
        Ty::PreservationEnforcement,
        Ty::EnforcementObjection,
    ];

    pub(crate) fn code(self) -> &'static str {
        match self {
            Ty::CivilFirst => "民初",
            Ty::CivilAppeal => "民终",
            Ty::CivilReview => "民申",
            Ty::CivilRetrial => "民再",
            Ty::CriminalFirst => "刑初",
            Ty::CriminalAppeal => "刑终",
            Ty::AdminFirst => "行初",
            Ty::AdminAppeal => "行终",
            Ty::Enforcement => "执",
            Ty::EnforcementResumed => "执恢",
            Ty::PreservationEnforcement => "执保",
            Ty::EnforcementObjection => "执异",
        }
    }
}

/// Everything fixed for one configuration.
pub(crate) struct World {
    pub courts: Vec<CourtInfo>,
    pub high: usize,
    pub as_of: Date,
    pub start: Date,
    pub start_year: i32,
    pub year_count: usize,
    pub type_codes: [TypeCode; TY_COUNT],
    /// Cumulative filing weight per day of the window (index 0 = `start`).
    pub day_cum: Vec<f64>,
    /// Per month of the window: cumulative weights over courts.
    pub month_court_cum: Vec<f64>,
    pub civil_basic: Vec<f64>,
    pub civil_upper: Vec<f64>,
    pub criminal_basic: Vec<f64>,
    pub criminal_upper: Vec<f64>,
    pub admin_basic: Vec<f64>,
    pub admin_upper: Vec<f64>,
    pub objection: Vec<f64>,
    /// The share of each roster that hears cases, so that judges carry realistic loads
    /// (about [`CASES_PER_JUDGE_YEAR`]) whatever `--cases` is: a small run uses the first
    /// judges of each department, a large one every judge.
    pub judge_share: f64,
}

/// Cases a judge takes on in a year in the demo (a busy city court's 法官人均结案 is a few
/// hundred).
pub(crate) const CASES_PER_JUDGE_YEAR: f64 = 220.0;

/// The share of each roster that hears cases in a run of `config` (see [`World::judge_share`]).
pub(crate) fn judge_share(config: &DemoConfig, courts: &[CourtInfo]) -> f64 {
    let roster_judges: usize = courts.iter().flat_map(|c| c.rosters.iter().flatten()).map(|r| r.judges.len()).sum();
    let years = (f64::from(config.as_of.days_since(config.first_filing_date())) / 365.25).max(1.0);
    (config.cases as f64 / years / (roster_judges.max(1) as f64 * CASES_PER_JUDGE_YEAR)).clamp(0.0, 1.0)
}

/// Judges of a department of `roster_len` who hear cases at `share`: at least three (a
/// department's random-assignment pool), at most the department.
pub(crate) fn hearing(roster_len: usize, share: f64) -> usize {
    let floor = MIN_HEARING.min(roster_len).max(1);
    ((roster_len as f64 * share).ceil() as usize).clamp(floor, roster_len.max(1))
}

/// The fewest judges of a department who hear cases.
const MIN_HEARING: usize = 3;

/// Seasonal filing factor: Spring Festival dip in Feb, Golden Week in Oct, and the year-end
/// filing slowdown in late December (年底控制立案) with its January catch-up.
fn season(month: u32, day: u32) -> f64 {
    match month {
        1 => 1.15,
        2 => 0.70,
        3 => 1.10,
        5 => 0.95,
        7 => 1.05,
        10 => 0.80,
        11 => 1.05,
        12 if day > 15 => 0.55,
        _ => 1.0,
    }
}

/// 0 = Monday … 6 = Sunday.
pub(crate) fn weekday(date: Date) -> i32 {
    (date.day_number() + 3).rem_euclid(7)
}

impl World {
    pub(crate) fn new(config: &DemoConfig) -> World {
        let courts = build_courts();
        let high = courts.iter().position(|c| c.level == CourtLevel::High).unwrap_or(0);
        let as_of = config.as_of;
        let start = config.first_filing_date();
        let start_year = start.year();
        let year_count = (as_of.year() - start_year + 1).max(1) as usize;
        let type_codes =
            Ty::ALL.map(|t| TypeCode::from_text(t.code()).expect("generator type codes are in the SPC table"));

        let months = year_count * 12;
        let mut month_court_cum = Vec::with_capacity(months * courts.len());
        let mut month_total = Vec::with_capacity(months);
        let growth_logs: Vec<f64> = courts.iter().map(|c| ln(1.0 + c.profile.growth)).collect();
        for m in 0..months {
            let t = (m as f64 + 0.5) / 12.0;
            let mut sum = 0.0;
            for (court, g) in courts.iter().zip(&growth_logs) {
                sum += court.profile.weight * exp(t * g);
                month_court_cum.push(sum);
            }
            month_total.push(sum);
        }
        let days = (as_of.days_since(start) + 1).max(1) as usize;
        let mut day_cum = Vec::with_capacity(days);
        let mut sum = 0.0;
        for d in 0..days {
            let date = start.add_days(d as i32);
            let (y, m, dd) = date.ymd();
            let mi = ((y - start_year) * 12 + m as i32 - 1) as usize;
            let wd = if weekday(date) >= 5 { 0.06 } else { 1.0 };
            sum += month_total[mi.min(months - 1)] * season(m, dd) * wd;
            day_cum.push(sum);
        }
        let judge_share = judge_share(config, &courts);
        World {
            judge_share,
            courts,
            high,
            as_of,
            start,
            start_year,
            year_count,
            type_codes,
            day_cum,
            month_court_cum,
            civil_basic: cumulative(causes::CIVIL_BASIC.iter().map(|c| c.weight)),
            civil_upper: cumulative(causes::CIVIL_UPPER.iter().map(|c| c.weight)),
            criminal_basic: cumulative(causes::CRIMINAL_BASIC.iter().map(|c| c.weight)),
            criminal_upper: cumulative(causes::CRIMINAL_UPPER.iter().map(|c| c.weight)),
            admin_basic: cumulative(causes::ADMIN_BASIC.iter().map(|c| c.1)),
            admin_upper: cumulative(causes::ADMIN_UPPER.iter().map(|c| c.1)),
            objection: cumulative(causes::OBJECTION.iter().map(|c| c.1)),
        }
    }

    pub(crate) fn day_total(&self) -> f64 {
        self.day_cum.last().copied().unwrap_or(0.0)
    }

    /// The court of a root filed on `date`, for a uniform draw `u`.
    pub(crate) fn court_on(&self, date: Date, u: f64) -> usize {
        let (y, m, _) = date.ymd();
        let n = self.courts.len();
        let mi = (((y - self.start_year) * 12 + m as i32 - 1).max(0) as usize).min(self.year_count * 12 - 1);
        causes::pick(&self.month_court_cum[mi * n..(mi + 1) * n], u)
    }

    /// Index into the sequence counters.
    pub(crate) fn counter_index(&self, court: usize, ty: Ty, year: i32) -> usize {
        let y = ((year - self.start_year).max(0) as usize).min(self.year_count - 1);
        (court * TY_COUNT + ty as usize) * self.year_count + y
    }

    pub(crate) fn counter_len(&self) -> usize {
        self.courts.len() * TY_COUNT * self.year_count
    }
}

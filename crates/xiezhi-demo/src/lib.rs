//! 演示数据生成器: a deterministic, streamed, SYNTHETIC province of court cases (广东: 高院, 5 个中院,
//! 28 个基层法院 with their real public codes and names; every person's name is synthetic), used by
//! `xiezhi demo` and as the benchmark data generator (thousands to tens of millions of cases).
//!
//! Pure: no IO, no clock, no environment, no external dependency; the end date is
//! [`DemoConfig::as_of`]. The same configuration always yields the same sequence of
//! [`CaseFacts`] (own xoshiro256** stream and own `ln`/`exp`, so neither a crate version nor the
//! platform's libm can change the output); another seed yields other cases in the same province.
//!
//! # What is generated
//! Roots are first-instance cases (民初 ≈ 87 %, 刑初 ≈ 11 %, 行初 ≈ 2 % of roots), filed over
//! the window [`DemoConfig::first_filing_date`]..=`as_of` (more than `years` years plus a warm-up
//! year), in chronological order, with seasonality (Spring Festival, Golden Week,
//! the late-December filing slowdown), weekdays, and per-court growth (some courts grow, some
//! shrink). Each root brings its family, written right after it (origins always come first):
//!
//! | class | court | `origin_case_number` |
//! |---|---|---|
//! | 执保 | the 民初's court, days after filing | the 民初 |
//! | 民终 / 刑终 / 行终 | the 中院 of the basic court (the 高院 for a 中院's own 一审) | the 一审 case |
//! | 民初 / 刑初 (重审) after 发回重审 | the original 一审 court | the 民终 / 刑终 |
//! | 民申 | 高院 (70 %) or the appellate 中院 | the effective 民终 |
//! | 民再 after 民申 closed 其他 (= 裁定再审) | 高院 (提审) or the 中院 (指令再审) | the effective 民终 (not the 民申) |
//! | 执 | the 一审 court | the effective judgment: the 民初 (no appeal, or appeal withdrawn), the 民终 (维持/改判/二审调解), or the 刑初 (财产刑) |
//! | 执恢 after 终本 | the 执's court | the 执 |
//! | 执异 | the 执's court, while it runs | the 执 |
//!
//! Resulting mix (seed 42, 200 000 cases): 民初 61 %, 执 19 %, 刑初 7.4 %, 民终 4.4 %, 执保 2.9 %,
//! 行初 1.6 %, 执恢 1.1 %, 执异 0.8 %, 刑终 0.6 %, 行终 0.3 %, 民申 0.2 %, 民再 ≈ 0.03 %; about
//! 0.6 % at the 高院 and 3–4 % per city at the 中院. 民初 closes 判决 ≈ 48 %, 撤诉 ≈ 27 %,
//! 调解 ≈ 21 %, 驳回起诉/不予受理/移送 ≈ 4 %; 民终 维持 ≈ 62 %, 改判 ≈ 10 %, 发回重审 ≈ 5 %,
//! 撤回上诉 ≈ 15 %; 执 终本 ≈ 47 %, 执行完毕 ≈ 36 %, 终结执行 ≈ 12 %. About 5 % of closed cases
//! with a 审限 close late; ≈ 6 % carry extension days and ≈ 6 % suspended days. Every rate above
//! varies by court (a fixed per-court profile: mediation, speed, backlog, appeal and reversal
//! propensity, enforcement property and completion rates, growth between −12 % and +20 % a year).
//!
//! Every row satisfies the import rules (case-facts.md): `filed_on ≤ closed_on ≤ as_of`,
//! disposition set exactly when closed, unique 案号 (per court × type × year counters), origins
//! that parse and name an earlier row of the same data set, filed after the origin closed (执保
//! and 执异 excepted: they happen while the origin runs). Cases that would close after `as_of`
//! are pending; pending cases of every age exist (a few over 36 months), as do late closures,
//! extensions (延长审限) and suspended days (扣除审限), and a year-end closing bulge (年底结案).
//!
//! Memory does not grow with [`DemoConfig::cases`]: one family (a handful of rows) is buffered
//! at a time, plus per court × type × year counters.
//!
//! Exact count: the number of roots laid out in date order is estimated from a calibration
//! sample of families, less a safety margin (≈ 4–5 % at large sizes, more for small ones); the
//! remaining rows come from roots on random dates (their 案号 then fall at the end of that year's
//! sequence), and the last family is cut to hit `cases` exactly.

mod causes;
pub mod documents;
mod engine;
mod events;
mod province;
mod rng;
mod world;

use xiezhi_domain::{CaseFacts, Date};

pub use events::events;
pub use province::{Court, DemoJudge, Department, Province};

use engine::Engine;
use world::World;

/// Fewest years of filings generated.
pub const MIN_YEARS: u32 = 3;
/// Most years of filings generated.
pub const MAX_YEARS: u32 = 30;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    /// Exactly how many cases [`generate`] yields.
    pub cases: u64,
    /// The random seed: same seed, same data.
    pub seed: u64,
    /// "Today": nothing is filed or closed after this date.
    pub as_of: Date,
    /// Years of filings before `as_of`; clamped to [`MIN_YEARS`]..=[`MAX_YEARS`].
    pub years: u32,
}

impl DemoConfig {
    /// `cases` cases over 3 years up to `as_of`.
    pub fn new(cases: u64, seed: u64, as_of: Date) -> DemoConfig {
        DemoConfig { cases, seed, as_of, years: MIN_YEARS }
    }

    /// The first possible filing date: 1 January of the year before the one holding the day
    /// before `as_of − years`. So more than `years` full years are covered, and the first
    /// (warm-up) year absorbs the ramp-up of appeals and enforcement, which have no earlier
    /// roots to follow: the last `years` years are in a steady state.
    pub fn first_filing_date(&self) -> Date {
        let years = self.years.clamp(MIN_YEARS, MAX_YEARS) as i32;
        let year = self.as_of.add_months(-12 * years).add_days(-1).year() - 1;
        Date::from_ymd(year, 1, 1).unwrap_or(self.as_of)
    }
}

/// The fixed synthetic province: its courts (real public codes and names), departments and
/// synthetic judges. Independent of any configuration.
pub fn province() -> Province {
    Province::from_courts(&province::build_courts())
}

/// 员额法官名册 of a run: the judges who hear the run's cases (at least three per department),
/// with 工号 such as `粤0106-007`, each department's first judge (its 庭长) at weight 0.5.
pub fn roster(config: &DemoConfig) -> Vec<DemoJudge> {
    let courts = province::build_courts();
    let share = world::judge_share(config, &courts);
    Province::from_courts(&courts).roster_of(|len| world::hearing(len, share))
}

/// Streams exactly `config.cases` cases; see the crate documentation for what they contain.
pub fn generate(config: &DemoConfig) -> Cases {
    let world = World::new(config);
    let target = config.cases;
    let (mean, cv) = calibrate(&world, config.seed);
    // Roots are laid out chronologically for the expected number of roots, less a safety margin
    // (sampling error of the calibration and of the run itself); the rows that remain are filled
    // with roots on random dates. If a run still overshoots, the last roots' families are cut.
    let expected_roots = (target as f64 / mean).max(1.0);
    let margin = 0.02 + 2.5 * cv / (CALIBRATION_ROOTS as f64).sqrt() + 2.5 * cv / expected_roots.sqrt();
    let chrono_roots = (target as f64 / (mean * (1.0 + margin))).floor() as u64;
    let engine = Engine::new(&world, rng::mix(config.seed, 0x6E4E_7261_7465));
    Cases { world, engine, target, emitted: 0, chrono_roots, root_index: 0, cursor: 0 }
}

/// Families sampled to estimate the mean family size.
const CALIBRATION_ROOTS: u64 = 8192;

/// Mean and coefficient of variation of the number of rows per root, from a sample of families
/// spread over the window (own random stream and counters: the real run is not disturbed).
fn calibrate(world: &World, seed: u64) -> (f64, f64) {
    let mut engine = Engine::new(world, rng::mix(seed, 0xCA11_B4A7_E000));
    let total = world.day_total();
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    let mut cursor = 0usize;
    for i in 0..CALIBRATION_ROOTS {
        let q = (i as f64 + 0.5) / CALIBRATION_ROOTS as f64 * total;
        while cursor + 1 < world.day_cum.len() && world.day_cum[cursor] <= q {
            cursor += 1;
        }
        let filed = world.start.add_days(cursor as i32);
        let court = world.court_on(filed, engine.rng.f64());
        engine.root(world, court, filed);
        let n = engine.buf.len() as f64;
        engine.buf.clear();
        sum += n;
        sum_sq += n * n;
    }
    let k = CALIBRATION_ROOTS as f64;
    let mean = (sum / k).max(1.0);
    let var = (sum_sq / k - mean * mean).max(0.0);
    (mean, var.sqrt() / mean)
}

/// The stream of generated cases (exactly `config.cases` of them).
pub struct Cases {
    world: World,
    engine: Engine,
    target: u64,
    emitted: u64,
    chrono_roots: u64,
    root_index: u64,
    cursor: usize,
}

impl Cases {
    /// Generates the next root and its family into the buffer.
    fn refill(&mut self) {
        let w = &self.world;
        let day = if self.root_index < self.chrono_roots {
            let q = (self.root_index as f64 + 0.5) / self.chrono_roots as f64 * w.day_total();
            while self.cursor + 1 < w.day_cum.len() && w.day_cum[self.cursor] <= q {
                self.cursor += 1;
            }
            self.cursor
        } else {
            causes::pick(&w.day_cum, self.engine.rng.f64())
        };
        self.root_index += 1;
        let filed = w.start.add_days(day as i32);
        let court = w.court_on(filed, self.engine.rng.f64());
        self.engine.root(w, court, filed);
    }
}

impl Iterator for Cases {
    type Item = CaseFacts;

    fn next(&mut self) -> Option<CaseFacts> {
        if self.emitted >= self.target {
            return None;
        }
        loop {
            if let Some(case) = self.engine.buf.pop_front() {
                self.emitted += 1;
                return Some(case);
            }
            self.refill();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.target - self.emitted).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Cases {}

impl std::iter::FusedIterator for Cases {}

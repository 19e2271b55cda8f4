//! 案件族生成: one root (民初/刑初/行初) and every later case that follows from it — 执保, 上诉,
//! 发回重审后的重审一审, 民申, 民再, 执, 执恢, 执异 — written in filing-dependency order (an origin
//! is always written before the cases that name it).

use std::collections::VecDeque;
use std::fmt::Write as _;

use xiezhi_domain::{Amount, CaseFacts, CaseNumber, CourtLevel, Date, Disposition, Procedure, StatutoryLimit};

use crate::causes::{self, Category, CivilCause, CriminalCause, pick};
use crate::province::Dept;
use crate::rng::Rng;
use crate::world::{Ty, World, weekday};

use Disposition as D;

/// When a case closes, and its extension/suspension days.
#[derive(Clone, Copy, Debug)]
struct Timing {
    closed: Option<Date>,
    extension: u32,
    suspended: u32,
}

/// How a case of some kind and outcome usually runs.
struct Pace {
    /// Mean duration as a fraction of the base limit, for a case that closes normally.
    typical: f64,
    /// Fewest days a normal case takes.
    min_days: i32,
    /// Multipliers of the court's late and stuck probabilities.
    late: f64,
    stuck: f64,
    /// Extension lengths that may be granted (none = no extensions for this kind).
    extensions: &'static [u32],
    /// Nominal duration in days for kinds without a statutory limit.
    nominal: i32,
}

impl Pace {
    const fn new(typical: f64, min_days: i32, extensions: &'static [u32]) -> Pace {
        Pace { typical, min_days, late: 1.0, stuck: 1.0, extensions, nominal: 30 }
    }
}

/// One case before it gets its number.
struct Row {
    ty: Ty,
    court: usize,
    filed: Date,
    timing: Timing,
    disposition: Disposition,
    procedure: Option<Procedure>,
    cause: &'static str,
    dept: Dept,
    judge: Option<usize>,
    claim: Option<Amount>,
    applied: Option<Amount>,
    recovered: Option<Amount>,
    origin: Option<CaseNumber>,
    has_property: Option<bool>,
}

impl Row {
    fn new(ty: Ty, court: usize, filed: Date, timing: Timing, disposition: Disposition, cause: &'static str) -> Row {
        Row {
            ty,
            court,
            filed,
            timing,
            disposition,
            procedure: None,
            cause,
            dept: Dept::Civil1,
            judge: None,
            claim: None,
            applied: None,
            recovered: None,
            origin: None,
            has_property: None,
        }
    }
}

/// What an enforcement application is based on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Basis {
    Judgment,
    Amended,
    Mediation,
}

/// An amount in yuan, rounded to whole yuan or (30 %) to fen.
fn money(yuan: f64, cents: bool) -> Amount {
    let yuan = yuan.clamp(0.0, 1e11);
    if cents {
        Amount::from_ten_thousandths((yuan * 100.0).round() as i64 * 100)
    } else {
        Amount::from_yuan(yuan.round() as i64)
    }
}

/// The generator's mutable state: random stream, 案号 counters and the family being written.
pub(crate) struct Engine {
    pub rng: Rng,
    counters: Vec<u32>,
    pub buf: VecDeque<CaseFacts>,
    text: String,
}

impl Engine {
    pub(crate) fn new(world: &World, seed: u64) -> Engine {
        Engine {
            rng: Rng::new(seed),
            counters: vec![0; world.counter_len()],
            buf: VecDeque::with_capacity(16),
            text: String::with_capacity(48),
        }
    }

    /// Writes one root case (chosen by the court's mix) and its whole family into `buf`.
    pub(crate) fn root(&mut self, w: &World, court: usize, filed: Date) {
        let p = &w.courts[court].profile;
        let u = self.rng.f64();
        if u < p.criminal {
            self.criminal_first(w, court, filed, None);
        } else if u < p.criminal + p.admin {
            self.admin_first(w, court, filed);
        } else {
            self.civil_first(w, court, filed, None);
        }
    }

    // ---- building blocks -------------------------------------------------------------------

    fn judge(&mut self, w: &World, court: usize, dept: Dept) -> (Option<usize>, f64) {
        let Some(roster) = w.courts[court].roster(dept) else {
            return (None, 1.0);
        };
        // A few source systems leave 承办人 blank.
        if self.rng.chance(0.003) {
            return (None, 1.0);
        }
        // The department's judges who hear cases in this run (at least one, see `judge_share`).
        let n = crate::world::hearing(roster.judges.len(), w.judge_share);
        let u = self.rng.f64();
        // Skewed load: the first judges of a roster carry more cases.
        let k = ((u * (0.55 + 0.45 * u)) * n as f64) as usize;
        let k = k.min(n - 1);
        (Some(k), roster.speed[k])
    }

    /// A claim (标的额) around `median` yuan, at most `ceiling`: the court's jurisdiction by
    /// amount (级别管辖: a basic court hears first-instance civil claims under 5亿元, a 中院 under
    /// 50亿元), so no basic court's single case outweighs the rest of the province.
    fn claim(&mut self, median: f64, sigma: f64, ceiling: f64) -> Option<Amount> {
        if median <= 0.0 {
            return None;
        }
        let mut x = self.rng.log_normal(median, sigma);
        if self.rng.chance(0.01) {
            // Heavy tail: a few claims half an order to one and a half orders of magnitude larger.
            x *= crate::rng::exp(std::f64::consts::LN_10 * self.rng.uniform(0.5, 1.5));
        }
        // A large claim is refiled where it belongs: here it stays below the court's ceiling.
        if x > ceiling {
            x = ceiling * self.rng.uniform(0.05, 0.6);
        }
        let cents = x < 100_000.0 && self.rng.chance(0.3);
        Some(money(x.max(200.0), cents))
    }

    /// Closing date (or pending), extension and suspension of a case.
    #[allow(clippy::too_many_arguments)]
    fn timing(
        &mut self,
        w: &World,
        court: usize,
        ty: Ty,
        procedure: Option<Procedure>,
        filed: Date,
        pace: &Pace,
        judge_speed: f64,
    ) -> Timing {
        let p = &w.courts[court].profile;
        let base_deadline = match StatutoryLimit::for_case(w.type_codes[ty as usize], procedure) {
            Some(limit) => limit.deadline(filed, 0, 0),
            None => filed.add_days(pace.nominal),
        };
        let limit = base_deadline.days_since(filed).max(2);
        let mut suspended = 0u32;
        if limit >= 60 && self.rng.chance(p.suspension) {
            // 公告送达 30/60 天、鉴定、中止审理.
            suspended = [30, 60, 60, 45, 90, 120, 180][self.rng.below(7) as usize];
        }
        let mut extension = 0u32;
        let stuck = p.stuck * pace.stuck;
        let late = p.late * pace.late;
        let extend = if pace.extensions.is_empty() { 0.0 } else { p.extension };
        let susp = suspended as i32;
        let u = self.rng.f64();
        let duration = if u < stuck {
            if !pace.extensions.is_empty() && self.rng.chance(0.5) {
                extension = pace.extensions[self.rng.below(pace.extensions.len() as u64) as usize];
            }
            (limit as f64 + 240.0 + self.rng.exponential(550.0)).min(3650.0) as i32
        } else if u < stuck + late {
            limit + susp + 1 + self.rng.exponential((limit as f64 * 0.3).max(8.0)) as i32
        } else if u < stuck + late + extend {
            extension = pace.extensions[self.rng.below(pace.extensions.len() as u64) as usize];
            let over = if self.rng.chance(0.1) {
                extension as i32 + self.rng.int(1, 30)
            } else {
                self.rng.int(1, extension as i32)
            };
            limit + susp + over
        } else {
            let mean = pace.typical * p.speed * judge_speed;
            let mut f = self.rng.exponential(mean);
            if f > 0.97 {
                f = self.rng.uniform(0.5, 0.97);
            }
            susp + ((limit as f64 * f) as i32).max(pace.min_days).min(limit - 1)
        };
        let mut closed = filed.add_days(duration.max(0));
        // 年底结案冲刺: closures due in early next year are pulled into late Nov/Dec.
        let (y, m, d) = closed.ymd();
        if (m <= 2 || (m == 3 && d <= 15)) && filed.year() < y && self.rng.chance(p.year_end) {
            let dec31 = Date::from_ymd(y - 1, 12, 31).unwrap_or(closed);
            let from = Date::from_ymd(y - 1, 11, 25).unwrap_or(dec31).max(filed);
            if from <= dec31 {
                closed = from.add_days(self.rng.int(0, dec31.days_since(from)));
            }
        }
        // Courts close on working days.
        match weekday(closed) {
            5 if closed.add_days(-1) >= filed => closed = closed.add_days(-1),
            5 => closed = closed.add_days(2),
            6 if closed.add_days(-2) >= filed => closed = closed.add_days(-2),
            6 => closed = closed.add_days(1),
            _ => {}
        }
        if closed <= w.as_of {
            return Timing { closed: Some(closed), extension, suspended };
        }
        // Pending: only what could have happened by as_of is recorded.
        let extension = if base_deadline <= w.as_of { extension } else { 0 };
        let suspended = if filed.add_days(30) <= w.as_of { suspended } else { 0 };
        Timing { closed: None, extension, suspended }
    }

    /// Numbers the case, writes it to `buf` and returns its position there.
    fn emit(&mut self, w: &World, row: Row) -> usize {
        let court = &w.courts[row.court];
        let year = row.filed.year();
        let index = w.counter_index(row.court, row.ty, year);
        self.counters[index] += 1;
        let seq = self.counters[index];
        self.text.clear();
        let _ = write!(self.text, "（{year}）{}{}{seq}号", court.code_text, row.ty.code());
        let case_number = CaseNumber::parse(&self.text).expect("the generator writes well-formed 案号");
        let roster = court.roster(row.dept);
        let judge = match (roster, row.judge) {
            (Some(r), Some(k)) => Some(r.judges[k].clone()),
            _ => None,
        };
        self.buf.push_back(CaseFacts {
            case_number,
            court_name: Some(court.name.to_owned()),
            cause: Some(row.cause.to_owned()),
            procedure: row.procedure,
            filed_on: row.filed,
            closed_on: row.timing.closed,
            disposition: row.timing.closed.map(|_| row.disposition),
            judge,
            department: roster.map(|r| r.name.to_owned()),
            claim_amount: row.claim,
            applied_amount: row.applied,
            recovered_amount: row.recovered,
            extension_days: row.timing.extension,
            suspended_days: row.timing.suspended,
            origin_case_number: row.origin,
            has_property: row.has_property,
        });
        self.buf.len() - 1
    }

    fn number(&self, i: usize) -> CaseNumber {
        self.buf[i].case_number.clone()
    }

    /// A later filing date `days` after `from`, if it is not after as_of.
    fn later(w: &World, from: Date, days: i32) -> Option<Date> {
        let date = from.add_days(days.max(0));
        let date = match weekday(date) {
            5 => date.add_days(2),
            6 => date.add_days(1),
            _ => date,
        };
        (date <= w.as_of).then_some(date)
    }

    // ---- civil -----------------------------------------------------------------------------

    fn civil_dept(category: Category) -> Dept {
        match category {
            Category::Family | Category::Tort | Category::Labor => Dept::Civil1,
            Category::Debt | Category::Contract => Dept::Civil2,
        }
    }

    /// 民初; `remand` = (the 民终 that remanded it, its cause, its claim) for a 重审 case.
    fn civil_first(
        &mut self,
        w: &World,
        court: usize,
        filed: Date,
        remand: Option<(CaseNumber, &'static CivilCause, Option<Amount>)>,
    ) {
        let info = &w.courts[court];
        let p = &info.profile;
        let basic = info.level == CourtLevel::Basic;
        let remanded = remand.is_some();
        let (cause, claim, origin) = match remand {
            Some((origin, cause, claim)) => (cause, claim, Some(origin)),
            None => {
                let (table, cum) =
                    if basic { (causes::CIVIL_BASIC, &w.civil_basic) } else { (causes::CIVIL_UPPER, &w.civil_upper) };
                let cause = &table[pick(cum, self.rng.f64())];
                let scale = if info.level == CourtLevel::High { 4.0 } else { 1.0 };
                let ceiling = match info.level {
                    CourtLevel::Basic => 5e8,
                    CourtLevel::Intermediate => 2e9,
                    _ => 1e10,
                };
                let claim = self.claim(cause.median * scale, cause.sigma, ceiling);
                (cause, claim, None)
            }
        };
        let small = matches!(cause.category, Category::Debt | Category::Contract | Category::Labor)
            && claim.is_some_and(|a| a <= Amount::from_yuan(50_000));
        let procedure = if !basic || remanded {
            Procedure::Ordinary
        } else if small && self.rng.chance(p.small_claims) {
            Procedure::SmallClaims
        } else if self.rng.chance(p.summary) {
            Procedure::Summary
        } else {
            Procedure::Ordinary
        };
        let fast = basic
            && (procedure == Procedure::SmallClaims
                || (procedure == Procedure::Summary && cause.category == Category::Debt && self.rng.chance(0.3)));
        let dept = if fast { Dept::FastTrack } else { Self::civil_dept(cause.category) };

        const OUTCOMES: [Disposition; 6] =
            [D::Judgment, D::Mediation, D::Withdrawal, D::DismissalOfClaim, D::NonAcceptance, D::Transfer];
        let mut weights: [f64; 6] = match cause.category {
            Category::Debt => [60.0, 12.0, 24.0, 2.0, 1.0, 1.0],
            Category::Contract => [46.0, 18.0, 31.0, 3.0, 1.0, 1.0],
            Category::Family => [34.0, 36.0, 27.0, 1.0, 1.0, 1.0],
            Category::Tort => [40.0, 34.0, 23.0, 1.5, 0.5, 1.0],
            Category::Labor => [44.0, 24.0, 27.0, 3.0, 1.0, 1.0],
        };
        weights[1] *= p.mediation;
        weights[2] *= p.withdrawal;
        if remanded {
            weights[0] *= 2.0;
            weights[4] = 0.0;
            weights[5] = 0.0;
        }
        let disposition = OUTCOMES[self.rng.choose(&weights)];
        let (judge, speed) = self.judge(w, court, dept);
        let (typical, min_days) = match disposition {
            D::Judgment => (0.55, 20),
            D::Mediation => (0.38, 7),
            D::Withdrawal => (0.25, 3),
            D::DismissalOfClaim => (0.4, 10),
            D::NonAcceptance => (0.03, 2),
            _ => (0.12, 5),
        };
        let extensions: &'static [u32] = match procedure {
            Procedure::Ordinary => &[180, 90, 90],
            _ => &[30],
        };
        let mut pace = Pace::new(typical, min_days, extensions);
        if !basic {
            pace.typical *= 1.3;
            pace.late = 1.5;
        }
        let stated = if self.rng.chance(0.01) { None } else { Some(procedure) };
        let timing = self.timing(w, court, Ty::CivilFirst, stated, filed, &pace, speed);
        let mut row = Row::new(Ty::CivilFirst, court, filed, timing, disposition, cause.name);
        row.procedure = stated;
        row.dept = dept;
        row.judge = judge;
        row.claim = claim;
        row.origin = origin;
        let i = self.emit(w, row);
        let this = self.number(i);

        // 诉讼保全 → 执保 at the same court, days after filing (whether or not the case has closed).
        let preserve = match cause.category {
            Category::Debt | Category::Contract => 0.06,
            _ => 0.02,
        };
        if let Some(amount) = claim
            && self.rng.chance(preserve)
        {
            let days = self.rng.int(1, 15);
            if let Some(f) = Self::later(w, filed, days) {
                self.preservation(w, court, f, this.clone(), cause.name, amount);
            }
        }

        let Some(closed) = timing.closed else { return };
        match disposition {
            D::Judgment | D::DismissalOfClaim | D::NonAcceptance => {
                let factor = match cause.category {
                    Category::Debt => 0.6,
                    Category::Family => 0.8,
                    Category::Tort => 1.0,
                    Category::Contract => 1.3,
                    Category::Labor => 1.4,
                };
                let base = match disposition {
                    D::Judgment => 0.17 * factor,
                    D::DismissalOfClaim => 0.35,
                    _ => 0.3,
                };
                let appeal = info.parent.filter(|_| self.rng.chance((base * p.appeal).min(0.9)));
                if let Some(parent) = appeal {
                    let days = 30 + (self.rng.exponential(25.0) as i32).min(120);
                    if let Some(f) = Self::later(w, closed, days) {
                        let judged = disposition == D::Judgment;
                        self.civil_appeal(w, parent, court, f, this, cause, claim, remanded, judged);
                    }
                } else if disposition == D::Judgment {
                    self.maybe_enforce(w, court, closed.add_days(25), this, cause, claim, Basis::Judgment);
                }
            }
            D::Mediation => self.maybe_enforce(w, court, closed, this, cause, claim, Basis::Mediation),
            _ => {}
        }
    }

    /// 民终 at `court` (the appellate court) of a first-instance case of `first`; `judged` = the
    /// first instance ended in a 判决 (not a 驳回起诉/不予受理 ruling).
    #[allow(clippy::too_many_arguments)]
    fn civil_appeal(
        &mut self,
        w: &World,
        court: usize,
        first: usize,
        filed: Date,
        origin: CaseNumber,
        cause: &'static CivilCause,
        claim: Option<Amount>,
        after_remand: bool,
        judged: bool,
    ) {
        let rev = w.courts[first].profile.reversal;
        const OUTCOMES: [Disposition; 6] =
            [D::Affirmed, D::Amended, D::Remanded, D::AppealWithdrawn, D::Mediation, D::Other];
        // 发回重审后再上诉的案件不得再次发回 (民诉法第一百七十七条).
        let weights = [62.0, 9.0 * rev, if after_remand { 0.0 } else { 4.0 * rev }, 15.0, 6.0, 1.5];
        let disposition = OUTCOMES[self.rng.choose(&weights)];
        let dept = Self::civil_dept(cause.category);
        let (judge, speed) = self.judge(w, court, dept);
        let typical = match disposition {
            D::Affirmed => 0.55,
            D::Amended => 0.65,
            D::Remanded => 0.6,
            D::AppealWithdrawn => 0.3,
            _ => 0.45,
        };
        let timing = self.timing(w, court, Ty::CivilAppeal, None, filed, &Pace::new(typical, 10, &[90]), speed);
        let mut row = Row::new(Ty::CivilAppeal, court, filed, timing, disposition, cause.name);
        row.dept = dept;
        row.judge = judge;
        row.claim = claim;
        row.origin = Some(origin);
        let i = self.emit(w, row);
        let Some(closed) = timing.closed else { return };
        let this = self.number(i);
        match disposition {
            D::Remanded => {
                let days = self.rng.int(15, 60);
                if let Some(f) = Self::later(w, closed, days) {
                    self.civil_first(w, first, f, Some((this, cause, claim)));
                }
            }
            D::Affirmed | D::Amended => {
                if w.courts[court].level == CourtLevel::Intermediate && self.rng.chance(0.06) {
                    let days = 20 + (self.rng.exponential(70.0) as i32).min(160);
                    if let Some(f) = Self::later(w, closed, days) {
                        let review = if self.rng.chance(0.7) { w.high } else { court };
                        self.civil_review(w, review, court, f, this.clone(), cause, claim);
                    }
                }
                // Upholding a 驳回起诉/不予受理 ruling leaves nothing to enforce.
                if judged {
                    let basis = if disposition == D::Affirmed { Basis::Judgment } else { Basis::Amended };
                    self.maybe_enforce(w, first, closed.add_days(10), this, cause, claim, basis);
                }
            }
            D::AppealWithdrawn if judged => {
                // The first-instance judgment becomes effective: it is the 执行依据.
                if let Some(effective) = self.buf[i].origin_case_number.clone() {
                    self.maybe_enforce(w, first, closed.add_days(5), effective, cause, claim, Basis::Judgment);
                }
            }
            D::Mediation => self.maybe_enforce(w, first, closed, this, cause, claim, Basis::Mediation),
            _ => {}
        }
    }

    /// 民申 at `court` (高院 or the appellate 中院) of the effective 民终 `origin` of `appellate`.
    #[allow(clippy::too_many_arguments)]
    fn civil_review(
        &mut self,
        w: &World,
        court: usize,
        appellate: usize,
        filed: Date,
        origin: CaseNumber,
        cause: &'static CivilCause,
        claim: Option<Amount>,
    ) {
        // 其他 = 裁定再审 (提审/指令再审), which the 结案方式 vocabulary has no word for.
        const OUTCOMES: [Disposition; 4] = [D::ApplicationRejected, D::Withdrawal, D::Other, D::Mediation];
        let disposition = OUTCOMES[self.rng.choose(&[72.0, 10.0, 15.0, 3.0])];
        let (judge, speed) = self.judge(w, court, Dept::Supervision);
        let typical = if disposition == D::Withdrawal { 0.3 } else { 0.6 };
        let timing = self.timing(w, court, Ty::CivilReview, None, filed, &Pace::new(typical, 10, &[90]), speed);
        let mut row = Row::new(Ty::CivilReview, court, filed, timing, disposition, cause.name);
        row.dept = Dept::Supervision;
        row.judge = judge;
        row.claim = claim;
        row.origin = Some(origin.clone());
        self.emit(w, row);
        if let (Some(closed), D::Other) = (timing.closed, disposition) {
            let retrial_court = if court == w.high && self.rng.chance(0.5) { w.high } else { appellate };
            let days = self.rng.int(10, 40);
            if let Some(f) = Self::later(w, closed, days) {
                // 民再 names the effective judgment it retries (the 民终), not the 民申.
                self.civil_retrial(w, retrial_court, f, origin, cause, claim);
            }
        }
    }

    fn civil_retrial(
        &mut self,
        w: &World,
        court: usize,
        filed: Date,
        origin: CaseNumber,
        cause: &'static CivilCause,
        claim: Option<Amount>,
    ) {
        const OUTCOMES: [Disposition; 6] =
            [D::Affirmed, D::Amended, D::Remanded, D::Mediation, D::Withdrawal, D::Other];
        let disposition = OUTCOMES[self.rng.choose(&[40.0, 36.0, 8.0, 7.0, 4.0, 5.0])];
        let (judge, speed) = self.judge(w, court, Dept::Supervision);
        let timing = self.timing(w, court, Ty::CivilRetrial, None, filed, &Pace::new(0.5, 20, &[180]), speed);
        let mut row = Row::new(Ty::CivilRetrial, court, filed, timing, disposition, cause.name);
        row.dept = Dept::Supervision;
        row.judge = judge;
        row.claim = claim;
        row.origin = Some(origin);
        self.emit(w, row);
    }

    /// Perhaps an enforcement application (执) at `court` based on the effective case `origin`.
    #[allow(clippy::too_many_arguments)]
    fn maybe_enforce(
        &mut self,
        w: &World,
        court: usize,
        effective: Date,
        origin: CaseNumber,
        cause: &'static CivilCause,
        claim: Option<Amount>,
        basis: Basis,
    ) {
        if w.courts[court].level == CourtLevel::High {
            return;
        }
        let base = match cause.category {
            Category::Debt => 0.8,
            Category::Contract => 0.55,
            Category::Tort => 0.45,
            Category::Labor => 0.42,
            Category::Family => 0.12,
        };
        let mult = match basis {
            Basis::Judgment => 1.0,
            Basis::Amended => 0.8,
            Basis::Mediation => 0.7,
        };
        if !self.rng.chance(base * mult * w.courts[court].profile.enforcement) {
            return;
        }
        let days = 15 + (self.rng.exponential(110.0) as i32).min(700);
        let Some(filed) = Self::later(w, effective, days) else {
            return;
        };
        let fraction = match basis {
            Basis::Judgment => self.rng.uniform(0.55, 1.0),
            Basis::Amended => self.rng.uniform(0.3, 0.9),
            Basis::Mediation => self.rng.uniform(0.4, 0.9),
        };
        let applied = match claim {
            Some(a) => a.to_yuan_f64() * fraction,
            // 离婚、抚养: 抚养费、财产分割款.
            None => self.rng.log_normal(20_000.0, 0.9),
        };
        self.enforcement(w, court, filed, origin, cause.name, applied, false);
    }

    // ---- enforcement -----------------------------------------------------------------------

    /// 执 (or 执恢 when `resumed`, then `origin` is the earlier 执).
    #[allow(clippy::too_many_arguments)]
    fn enforcement(
        &mut self,
        w: &World,
        court: usize,
        filed: Date,
        origin: CaseNumber,
        cause: &'static str,
        applied: f64,
        resumed: bool,
    ) {
        let p = &w.courts[court].profile;
        let has_property = if resumed {
            Some(self.rng.chance(0.75))
        } else if self.rng.chance(0.03) {
            None
        } else {
            Some(self.rng.chance(p.property))
        };
        const OUTCOMES: [Disposition; 7] = [
            D::EnforcementCompleted,
            D::TerminalEnforcementSuspension,
            D::EnforcementTerminated,
            D::ApplicationRejected,
            D::EnforcementRefused,
            D::Cancelled,
            D::Other,
        ];
        let weights = if has_property == Some(true) {
            let c = if resumed { 0.55 } else { p.completion };
            let r = 1.0 - c;
            [c, r * 0.4, r * 0.45, r * 0.02, r * 0.02, r * 0.05, r * 0.06]
        } else {
            [0.12, 0.70 * p.terminal, 0.12, 0.01, 0.01, 0.01, 0.01]
        };
        let disposition = OUTCOMES[self.rng.choose(&weights)];
        let (judge, speed) = self.judge(w, court, Dept::Enforcement);
        let (typical, min_days) = match disposition {
            D::EnforcementCompleted => (0.35, 10),
            // 终本 only after three months of enforcement (法〔2016〕373号): 92 days cover any three months.
            D::TerminalEnforcementSuspension => (0.7, 92),
            D::EnforcementTerminated => (0.4, 10),
            D::EnforcementRefused => (0.25, 10),
            D::ApplicationRejected | D::Cancelled => (0.1, 3),
            _ => (0.4, 10),
        };
        let mut pace = Pace::new(typical, min_days, &[90, 180]);
        pace.late = 2.5;
        pace.stuck = 1.5;
        let ty = if resumed { Ty::EnforcementResumed } else { Ty::Enforcement };
        let timing = self.timing(w, court, ty, None, filed, &pace, speed);
        let cents = applied < 100_000.0 && self.rng.chance(0.3);
        let applied_amount = money(applied.max(500.0), cents);
        let a = applied_amount.to_yuan_f64();
        let recovered = match (timing.closed, disposition) {
            (None, _) if self.rng.chance(0.4) => a * self.rng.uniform(0.05, 0.5),
            (None, _) => 0.0,
            (_, D::EnforcementCompleted) if self.rng.chance(0.85) => a,
            (_, D::EnforcementCompleted) => a * self.rng.uniform(0.6, 1.0),
            // Large judgments are seldom wholly empty: property found and auctioned in part.
            (_, D::TerminalEnforcementSuspension) if a > 1e7 && self.rng.chance(0.7) => a * self.rng.uniform(0.2, 0.7),
            (_, D::TerminalEnforcementSuspension) if self.rng.chance(0.35) => a * self.rng.uniform(0.0, 0.4),
            (_, D::EnforcementTerminated) if self.rng.chance(0.5) => a * self.rng.f64(),
            _ => 0.0,
        };
        let recovered_amount = money(recovered, cents).min(applied_amount);
        let mut row = Row::new(ty, court, filed, timing, disposition, cause);
        row.dept = Dept::Enforcement;
        row.judge = judge;
        row.applied = Some(applied_amount);
        row.recovered = Some(recovered_amount);
        row.origin = Some(origin);
        row.has_property = has_property;
        let i = self.emit(w, row);

        // 执行异议 while the case runs.
        if self.rng.chance(0.04) {
            let end = timing.closed.unwrap_or(w.as_of);
            let span = end.days_since(filed) - 10;
            if span > 0 {
                let days = 10 + self.rng.int(0, span);
                if let Some(f) = Self::later(w, filed, days).filter(|&f| f <= end) {
                    let this = self.number(i);
                    self.objection(w, court, f, this);
                }
            }
        }
        // 终本 → 恢复执行 once property turns up.
        if !resumed
            && disposition == D::TerminalEnforcementSuspension
            && let Some(closed) = timing.closed
            && self.rng.chance(0.22 * (0.5 + p.property))
        {
            let days = 60 + (self.rng.exponential(300.0) as i32).min(1400);
            if let Some(f) = Self::later(w, closed, days) {
                let this = self.number(i);
                let remaining = (a - recovered_amount.to_yuan_f64()).max(1_000.0);
                self.enforcement(w, court, f, this, cause, remaining, true);
            }
        }
    }

    /// 执保: 诉讼财产保全的执行 of the 民初 `origin`.
    fn preservation(
        &mut self,
        w: &World,
        court: usize,
        filed: Date,
        origin: CaseNumber,
        cause: &'static str,
        claim: Amount,
    ) {
        let r = self.rng.f64();
        let has_property = if r < 0.75 {
            Some(true)
        } else if r < 0.85 {
            Some(false)
        } else {
            None
        };
        const OUTCOMES: [Disposition; 4] =
            [D::EnforcementCompleted, D::EnforcementTerminated, D::Other, D::ApplicationRejected];
        let disposition = OUTCOMES[self.rng.choose(&[88.0, 6.0, 4.0, 2.0])];
        let (judge, speed) = self.judge(w, court, Dept::Enforcement);
        let mut pace = Pace::new(0.4, 1, &[]);
        pace.nominal = 20;
        pace.late = 0.3;
        pace.stuck = 0.3;
        let timing = self.timing(w, court, Ty::PreservationEnforcement, None, filed, &pace, speed);
        let applied = claim.to_yuan_f64() * self.rng.uniform(0.5, 1.0);
        let mut row = Row::new(Ty::PreservationEnforcement, court, filed, timing, disposition, cause);
        row.dept = Dept::Enforcement;
        row.judge = judge;
        row.applied = Some(money(applied.max(500.0), false));
        row.origin = Some(origin);
        row.has_property = has_property;
        self.emit(w, row);
    }

    /// 执异 of the 执 `origin`.
    fn objection(&mut self, w: &World, court: usize, filed: Date, origin: CaseNumber) {
        let cause = causes::OBJECTION[pick(&w.objection, self.rng.f64())].0;
        const OUTCOMES: [Disposition; 3] = [D::ApplicationRejected, D::Other, D::Withdrawal];
        let disposition = OUTCOMES[self.rng.choose(&[62.0, 26.0, 12.0])];
        let (judge, speed) = self.judge(w, court, Dept::EnforcementReview);
        let mut pace = Pace::new(0.7, 5, &[]);
        pace.late = 4.0;
        pace.stuck = 0.2;
        let timing = self.timing(w, court, Ty::EnforcementObjection, None, filed, &pace, speed);
        let mut row = Row::new(Ty::EnforcementObjection, court, filed, timing, disposition, cause);
        row.dept = Dept::EnforcementReview;
        row.judge = judge;
        row.origin = Some(origin);
        self.emit(w, row);
    }

    // ---- criminal --------------------------------------------------------------------------

    /// 刑初; `remand` = (the 刑终 that remanded it, its charge) for a 重审 case.
    fn criminal_first(
        &mut self,
        w: &World,
        court: usize,
        filed: Date,
        remand: Option<(CaseNumber, &'static CriminalCause)>,
    ) {
        let info = &w.courts[court];
        let p = &info.profile;
        let basic = info.level == CourtLevel::Basic;
        let remanded = remand.is_some();
        let (cause, origin) = match remand {
            Some((origin, cause)) => (cause, Some(origin)),
            None if basic => (&causes::CRIMINAL_BASIC[pick(&w.criminal_basic, self.rng.f64())], None),
            None => (&causes::CRIMINAL_UPPER[pick(&w.criminal_upper, self.rng.f64())], None),
        };
        let procedure = if !basic || remanded {
            Procedure::Ordinary
        } else {
            let expedited = (cause.expedited * p.expedited).min(0.9);
            let u = self.rng.f64();
            if u < expedited {
                Procedure::Expedited
            } else if u < expedited + 0.5 * (1.0 - expedited) {
                Procedure::Summary
            } else {
                Procedure::Ordinary
            }
        };
        const OUTCOMES: [Disposition; 4] = [D::Judgment, D::Withdrawal, D::Other, D::Transfer];
        let disposition = OUTCOMES[self.rng.choose(&[96.0, 2.0, 1.5, 0.5])];
        let (judge, speed) = self.judge(w, court, Dept::Criminal);
        let (typical, min_days, extensions): (f64, i32, &'static [u32]) = match procedure {
            Procedure::Expedited => (0.6, 2, &[]),
            Procedure::Summary => (0.55, 5, &[]),
            _ => (0.5, 15, &[90]),
        };
        let typical = if disposition == D::Judgment { typical } else { typical * 0.7 };
        let mut pace = Pace::new(typical, min_days, extensions);
        pace.stuck = 0.4;
        let stated = if self.rng.chance(0.01) { None } else { Some(procedure) };
        let timing = self.timing(w, court, Ty::CriminalFirst, stated, filed, &pace, speed);
        let mut row = Row::new(Ty::CriminalFirst, court, filed, timing, disposition, cause.name);
        row.procedure = stated;
        row.dept = Dept::Criminal;
        row.judge = judge;
        row.origin = origin;
        let i = self.emit(w, row);
        let (Some(closed), D::Judgment) = (timing.closed, disposition) else {
            return;
        };
        let this = self.number(i);
        let rate = match procedure {
            Procedure::Expedited => 0.03,
            Procedure::Summary => 0.07,
            _ => 0.17,
        } * p.appeal
            * if remanded { 1.3 } else { 1.0 };
        if let Some(parent) = info.parent.filter(|_| self.rng.chance(rate)) {
            let days = 12 + (self.rng.exponential(15.0) as i32).min(50);
            if let Some(f) = Self::later(w, closed, days) {
                self.criminal_appeal(w, parent, court, f, this, cause, remanded);
            }
        } else if cause.property && self.rng.chance(0.08) {
            // 刑事裁判涉财产部分执行 (罚金、没收、追缴).
            let days = 20 + (self.rng.exponential(60.0) as i32).min(380);
            if let Some(f) = Self::later(w, closed, days) {
                let applied = self.rng.log_normal(8_000.0, 1.0);
                self.enforcement(w, court, f, this, cause.name, applied, false);
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn criminal_appeal(
        &mut self,
        w: &World,
        court: usize,
        first: usize,
        filed: Date,
        origin: CaseNumber,
        cause: &'static CriminalCause,
        after_remand: bool,
    ) {
        let rev = w.courts[first].profile.reversal;
        const OUTCOMES: [Disposition; 5] = [D::Affirmed, D::Amended, D::Remanded, D::AppealWithdrawn, D::Other];
        let weights = [68.0, 12.0 * rev, if after_remand { 0.0 } else { 5.0 * rev }, 13.0, 2.0];
        let disposition = OUTCOMES[self.rng.choose(&weights)];
        let (judge, speed) = self.judge(w, court, Dept::Criminal);
        let timing = self.timing(w, court, Ty::CriminalAppeal, None, filed, &Pace::new(0.55, 10, &[60]), speed);
        let mut row = Row::new(Ty::CriminalAppeal, court, filed, timing, disposition, cause.name);
        row.dept = Dept::Criminal;
        row.judge = judge;
        row.origin = Some(origin);
        let i = self.emit(w, row);
        if let (Some(closed), D::Remanded) = (timing.closed, disposition) {
            let days = self.rng.int(15, 60);
            if let Some(f) = Self::later(w, closed, days) {
                let this = self.number(i);
                self.criminal_first(w, first, f, Some((this, cause)));
            }
        }
    }

    // ---- administrative --------------------------------------------------------------------

    fn admin_first(&mut self, w: &World, court: usize, filed: Date) {
        let info = &w.courts[court];
        let p = &info.profile;
        let basic = info.level == CourtLevel::Basic;
        let cause = if basic {
            causes::ADMIN_BASIC[pick(&w.admin_basic, self.rng.f64())].0
        } else {
            causes::ADMIN_UPPER[pick(&w.admin_upper, self.rng.f64())].0
        };
        let procedure = if basic && self.rng.chance(0.22) { Procedure::Summary } else { Procedure::Ordinary };
        const OUTCOMES: [Disposition; 6] =
            [D::Judgment, D::DismissalOfClaim, D::Withdrawal, D::Mediation, D::Transfer, D::NonAcceptance];
        let disposition = OUTCOMES[self.rng.choose(&[40.0, 28.0, 25.0 * p.withdrawal, 3.0, 2.0, 2.0])];
        let (judge, speed) = self.judge(w, court, Dept::Admin);
        let typical = match disposition {
            D::Judgment => 0.6,
            D::DismissalOfClaim => 0.35,
            D::Withdrawal => 0.3,
            D::Mediation => 0.5,
            D::Transfer => 0.1,
            _ => 0.05,
        };
        let extensions: &'static [u32] = if procedure == Procedure::Ordinary { &[90, 180] } else { &[] };
        let mut pace = Pace::new(typical, 3, extensions);
        pace.late = 1.2;
        let stated = if self.rng.chance(0.01) { None } else { Some(procedure) };
        let timing = self.timing(w, court, Ty::AdminFirst, stated, filed, &pace, speed);
        let mut row = Row::new(Ty::AdminFirst, court, filed, timing, disposition, cause);
        row.procedure = stated;
        row.dept = Dept::Admin;
        row.judge = judge;
        let i = self.emit(w, row);
        let Some(closed) = timing.closed else { return };
        let rate = match disposition {
            D::Judgment => 0.45,
            D::DismissalOfClaim => 0.4,
            D::NonAcceptance => 0.3,
            _ => return,
        };
        if let Some(parent) = info.parent.filter(|_| self.rng.chance((rate * p.appeal).min(0.9))) {
            let days = 25 + (self.rng.exponential(20.0) as i32).min(95);
            if let Some(f) = Self::later(w, closed, days) {
                let this = self.number(i);
                self.admin_appeal(w, parent, court, f, this, cause);
            }
        }
    }

    fn admin_appeal(
        &mut self,
        w: &World,
        court: usize,
        first: usize,
        filed: Date,
        origin: CaseNumber,
        cause: &'static str,
    ) {
        let rev = w.courts[first].profile.reversal;
        const OUTCOMES: [Disposition; 5] = [D::Affirmed, D::Amended, D::Remanded, D::AppealWithdrawn, D::Other];
        let disposition = OUTCOMES[self.rng.choose(&[74.0, 6.0 * rev, 4.0 * rev, 13.0, 3.0])];
        let (judge, speed) = self.judge(w, court, Dept::Admin);
        let timing = self.timing(w, court, Ty::AdminAppeal, None, filed, &Pace::new(0.55, 10, &[90]), speed);
        let mut row = Row::new(Ty::AdminAppeal, court, filed, timing, disposition, cause);
        row.dept = Dept::Admin;
        row.judge = judge;
        row.origin = Some(origin);
        self.emit(w, row);
    }
}

//! 立案与繁简分流 registration rules (contract registration.md): the flags a registrar sets,
//! the 繁/简 track, the configured triage rules (上年度就业人员年平均工资 by province and year, the
//! 案由 that default to 简易) and [`triage`], which routes a 民初 case filed at a 基层法院 to
//! 小额诉讼程序, 简易程序 or 普通程序 and says why in Chinese with its numbers.

use std::fmt;

use crate::amount::Amount;
use crate::case_number::CaseNumber;
use crate::case_type::TypeCode;
use crate::court::{CourtCode, CourtLevel};
use crate::date::Date;
use crate::procedure::Procedure;

/// 繁简 the track a case is routed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Track {
    /// 繁案.
    Complex,
    /// 简案.
    Simple,
}

impl Track {
    pub fn label(self) -> &'static str {
        match self {
            Track::Complex => "繁",
            Track::Simple => "简",
        }
    }

    pub fn parse(text: &str) -> Option<Track> {
        match text.trim() {
            "繁" => Some(Track::Complex),
            "简" => Some(Track::Simple),
            _ => None,
        }
    }
}

impl fmt::Display for Track {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The tracks a judge takes (名册 `track`): 繁, 简 or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackSet {
    Complex,
    Simple,
    Both,
}

/// The text is not 繁, 简 or 繁简.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("繁简应为“繁”“简”或“繁简”（空白为繁简）/ track must be 繁, 简 or 繁简 (blank = both)")]
pub struct TrackSetError;

impl TrackSet {
    /// `繁`, `简`, `繁简` (or `简繁`, `繁/简`); blank = both.
    pub fn parse(text: &str) -> Result<TrackSet, TrackSetError> {
        let t: String = text.chars().filter(|c| !c.is_whitespace() && !matches!(c, '/' | '、' | ',' | '，')).collect();
        match t.as_str() {
            "繁" => Ok(TrackSet::Complex),
            "简" => Ok(TrackSet::Simple),
            "" | "繁简" | "简繁" => Ok(TrackSet::Both),
            _ => Err(TrackSetError),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TrackSet::Complex => "繁",
            TrackSet::Simple => "简",
            TrackSet::Both => "繁简",
        }
    }

    /// Whether a judge with this set takes cases of `track`.
    pub fn admits(self, track: Track) -> bool {
        matches!(
            (self, track),
            (TrackSet::Both, _) | (TrackSet::Complex, Track::Complex) | (TrackSet::Simple, Track::Simple)
        )
    }
}

/// 办案系数 a judge's weight in the draw, exact to 0.0001 (stored as ten-thousandths): > 0,
/// at most 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Weight(u32);

/// Why a text is not a weight.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "办案系数应为大于0、不超过100的小数（最多4位小数），空白为1 / weight must be a decimal > 0 and ≤ 100 (blank = 1)"
)]
pub struct WeightError;

impl Weight {
    pub const ONE: Weight = Weight(10_000);
    const MAX: u32 = 100 * 10_000;

    pub fn from_ten_thousandths(units: u32) -> Result<Weight, WeightError> {
        if units == 0 || units > Weight::MAX { Err(WeightError) } else { Ok(Weight(units)) }
    }

    /// A decimal such as `1`, `0.5`, `1.25`; blank = 1.
    pub fn parse(text: &str) -> Result<Weight, WeightError> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(Weight::ONE);
        }
        let amount = Amount::parse(t, false).map_err(|_| WeightError)?;
        let units = u32::try_from(amount.ten_thousandths()).map_err(|_| WeightError)?;
        Weight::from_ten_thousandths(units)
    }

    pub fn ten_thousandths(self) -> u32 {
        self.0
    }
}

impl fmt::Display for Weight {
    /// `1`, `0.5`, `1.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Amount::from_ten_thousandths(i64::from(self.0)))
    }
}

/// 立案标记 what the registrar marks on a case (contract keys; `series_of:<案号>` names the
/// related case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    /// `foreign` 涉外/涉港澳台.
    pub foreign: bool,
    /// `service_by_publication` 需公告送达.
    pub service_by_publication: bool,
    /// `needs_appraisal` 需鉴定评估.
    pub needs_appraisal: bool,
    /// `counterclaim` 反诉.
    pub counterclaim: bool,
    /// `party_missing` 一方下落不明.
    pub party_missing: bool,
    /// `non_monetary` 非金钱给付.
    pub non_monetary: bool,
    /// `consent_small_claims` 双方同意适用小额.
    pub consent_small_claims: bool,
    /// `complex` 重大疑难复杂/四类案件.
    pub complex: bool,
    /// `series_of:<案号>` 系列/关联案件.
    pub series_of: Option<CaseNumber>,
}

/// A flag that is not one of the contract's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlagError {
    #[error("未知的立案标记 {0:?} / unknown flag")]
    Unknown(String),
    #[error("系列案件标记中的案号无法识别 {0:?} / series_of names no valid case number")]
    BadSeries(String),
    #[error("只能标记一个系列/关联案件 / only one series_of flag")]
    TwoSeries,
}

/// The plain flags: (key, label, setter).
const PLAIN_FLAGS: [(&str, &str); 8] = [
    ("foreign", "涉外/涉港澳台"),
    ("service_by_publication", "需公告送达"),
    ("needs_appraisal", "需鉴定评估"),
    ("counterclaim", "反诉"),
    ("party_missing", "一方下落不明"),
    ("non_monetary", "非金钱给付"),
    ("consent_small_claims", "双方同意适用小额诉讼程序"),
    ("complex", "重大疑难复杂/四类案件"),
];

impl Flags {
    /// Every plain flag as (key, label), in the contract's order (then `series_of:<案号>`).
    pub fn catalogue() -> &'static [(&'static str, &'static str)] {
        &PLAIN_FLAGS
    }

    fn slot(&mut self, key: &str) -> Option<&mut bool> {
        Some(match key {
            "foreign" => &mut self.foreign,
            "service_by_publication" => &mut self.service_by_publication,
            "needs_appraisal" => &mut self.needs_appraisal,
            "counterclaim" => &mut self.counterclaim,
            "party_missing" => &mut self.party_missing,
            "non_monetary" => &mut self.non_monetary,
            "consent_small_claims" => &mut self.consent_small_claims,
            "complex" => &mut self.complex,
            _ => return None,
        })
    }

    fn get(&self, key: &str) -> bool {
        match key {
            "foreign" => self.foreign,
            "service_by_publication" => self.service_by_publication,
            "needs_appraisal" => self.needs_appraisal,
            "counterclaim" => self.counterclaim,
            "party_missing" => self.party_missing,
            "non_monetary" => self.non_monetary,
            "consent_small_claims" => self.consent_small_claims,
            "complex" => self.complex,
            _ => false,
        }
    }

    /// Reads the contract's flag texts (repeats are harmless).
    pub fn parse<S: AsRef<str>>(texts: &[S]) -> Result<Flags, FlagError> {
        let mut flags = Flags::default();
        for text in texts {
            let t = text.as_ref().trim();
            if let Some(number) = t.strip_prefix("series_of:") {
                let n = CaseNumber::parse(number.trim()).map_err(|_| FlagError::BadSeries(t.to_owned()))?;
                match &flags.series_of {
                    Some(existing) if *existing != n => return Err(FlagError::TwoSeries),
                    _ => flags.series_of = Some(n),
                }
            } else {
                *flags.slot(t).ok_or_else(|| FlagError::Unknown(t.to_owned()))? = true;
            }
        }
        Ok(flags)
    }

    /// The flags as the contract writes them, in its order.
    pub fn keys(&self) -> Vec<String> {
        let mut out: Vec<String> =
            PLAIN_FLAGS.iter().filter(|(k, _)| self.get(k)).map(|(k, _)| (*k).to_owned()).collect();
        if let Some(n) = &self.series_of {
            out.push(format!("series_of:{n}"));
        }
        out
    }

    /// The flags in Chinese, e.g. `涉外/涉港澳台、反诉`.
    pub fn labels(&self) -> Vec<String> {
        let mut out: Vec<String> =
            PLAIN_FLAGS.iter().filter(|(k, _)| self.get(k)).map(|(_, l)| (*l).to_owned()).collect();
        if let Some(n) = &self.series_of {
            out.push(format!("系列/关联案件（{n}）"));
        }
        out
    }

    /// The set flags that exclude 小额诉讼程序 (民诉法 §166), as labels.
    fn small_claims_exclusions(&self) -> Vec<&'static str> {
        PLAIN_FLAGS[..6].iter().filter(|(k, _)| self.get(k)).map(|(_, l)| *l).collect()
    }

    /// The set flags that exclude 简易程序 (涉外; 公告送达 per the 2019 rule), as labels.
    fn summary_exclusions(&self) -> Vec<&'static str> {
        PLAIN_FLAGS[..2].iter().filter(|(k, _)| self.get(k)).map(|(_, l)| *l).collect()
    }
}

/// 上年度就业人员年平均工资 of a province for a year (configured; the latest published figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AverageWage {
    /// The province's abbreviation (粤).
    pub province: char,
    pub year: i32,
    pub amount: Amount,
}

/// The configured triage rules (catalogue TOML `[triage]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TriageRules {
    /// 案由 that default to 简易程序 (`simple_causes`).
    pub simple_causes: Vec<String>,
    /// Average wages by province and year (`[[triage.average_wage]]`).
    pub average_wages: Vec<AverageWage>,
}

impl TriageRules {
    /// W for a case filed in `filed_year` in `province`: the figure of the latest configured
    /// year before `filed_year`.
    pub fn wage_for(&self, province: char, filed_year: i32) -> Option<AverageWage> {
        self.average_wages
            .iter()
            .filter(|w| w.province == province && w.year < filed_year)
            .max_by_key(|w| w.year)
            .copied()
    }

    /// Sets (or replaces) the figure of one province and year.
    pub fn set_wage(&mut self, wage: AverageWage) {
        self.average_wages.retain(|w| !(w.province == wage.province && w.year == wage.year));
        self.average_wages.push(wage);
        self.average_wages.sort_by_key(|w| (w.province, w.year));
    }

    fn is_simple_cause(&self, cause: Option<&str>) -> bool {
        cause.map(str::trim).is_some_and(|c| !c.is_empty() && self.simple_causes.iter().any(|s| s.trim() == c))
    }
}

/// What triage looks at.
#[derive(Debug, Clone, Copy)]
pub struct TriageInput<'a> {
    pub court: CourtCode,
    pub type_code: TypeCode,
    pub filed_on: Date,
    pub cause: Option<&'a str>,
    pub claim_amount: Option<Amount>,
    pub flags: &'a Flags,
}

/// Which of the contract's rules decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TriageRule {
    /// Rule 1: 小额诉讼程序.
    SmallClaims,
    /// Rule 2: 简易程序.
    Summary,
    /// Rule 3: 普通程序.
    Ordinary,
    /// Not a 民初 case at a 基层法院: the procedure is as given.
    NotTriaged,
}

impl TriageRule {
    pub fn key(self) -> &'static str {
        match self {
            TriageRule::SmallClaims => "small_claims",
            TriageRule::Summary => "summary",
            TriageRule::Ordinary => "ordinary",
            TriageRule::NotTriaged => "not_triaged",
        }
    }
}

/// The triage result: the proposed procedure and track and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triage {
    pub rule: TriageRule,
    /// The proposed 适用程序 (`None` for an untriaged case given none).
    pub procedure: Option<Procedure>,
    pub track: Track,
    /// In Chinese, with the numbers: which rule fired, why the simpler ones did not, and what
    /// made the track 繁.
    pub reasons: Vec<String>,
    /// The W used, when one was configured.
    pub wage: Option<AverageWage>,
}

/// Whether triage applies: 民初 filed at a 基层法院.
pub fn is_triaged(court: CourtCode, type_code: TypeCode) -> bool {
    court.level() == CourtLevel::Basic && type_code.as_str() == "民初"
}

/// The track of a triaged case under `procedure`: 简 for 小额/简易 (and 速裁), 繁 otherwise;
/// `complex` or `series_of` makes it 繁. Untriaged cases are 繁.
pub fn track_for(court: CourtCode, type_code: TypeCode, procedure: Option<Procedure>, flags: &Flags) -> Track {
    if !is_triaged(court, type_code) || flags.complex || flags.series_of.is_some() {
        return Track::Complex;
    }
    match procedure {
        Some(Procedure::SmallClaims | Procedure::Summary | Procedure::Expedited) => Track::Simple,
        _ => Track::Complex,
    }
}

/// 繁简分流 per the contract's three rules. An untriaged case (not 民初 at a 基层法院) gets
/// `given` as its procedure and track 繁.
pub fn triage(input: &TriageInput<'_>, rules: &TriageRules, given: Option<Procedure>) -> Triage {
    let flags = input.flags;
    if !is_triaged(input.court, input.type_code) {
        let mut reasons = vec![format!(
            "{}案件不在繁简分流规则范围（仅基层法院民初案件）：适用程序按立案填写，列为繁案",
            input.type_code
        )];
        track_reasons(flags, &mut reasons);
        return Triage { rule: TriageRule::NotTriaged, procedure: given, track: Track::Complex, reasons, wage: None };
    }
    let province = input.court.province().unwrap_or('?');
    let filed_year = input.filed_on.year();
    let wage = rules.wage_for(province, filed_year);
    let claim = input.claim_amount;
    let mut reasons = Vec::new();
    let wage_words = |w: &AverageWage| format!("上年度（{}年）就业人员年平均工资{}元", w.year, w.amount.grouped());
    // Exact comparisons in ten-thousandths: 2·claim ≤ W is claim ≤ 50 % of W.
    let units = |a: Amount| i128::from(a.ten_thousandths());
    let within_half = |c: Amount, w: Amount| 2 * units(c) <= units(w);
    let within_double = |c: Amount, w: Amount| units(c) <= 2 * units(w);
    let half = |w: Amount| Amount::from_ten_thousandths(w.ten_thousandths() / 2);
    let double = |w: Amount| Amount::from_ten_thousandths(w.ten_thousandths().saturating_mul(2));
    let half_words = |w: Amount| {
        // 50 % of W may end in half a ten-thousandth: say so rather than round.
        if w.ten_thousandths() % 2 == 0 {
            format!("{}元", half(w).grouped())
        } else {
            format!("{}元", w.grouped()) + "的一半"
        }
    };
    let small_exclusions = flags.small_claims_exclusions();
    let summary_exclusions = flags.summary_exclusions();

    let rule = match (wage, claim) {
        (Some(w), Some(c)) if small_exclusions.is_empty() && within_half(c, w.amount) => {
            reasons.push(format!(
                "标的额{}元 ≤ {}的50%（{}），且无不适用小额诉讼程序的情形：适用小额诉讼程序",
                c.grouped(),
                wage_words(&w),
                half_words(w.amount)
            ));
            TriageRule::SmallClaims
        }
        (Some(w), Some(c))
            if small_exclusions.is_empty() && flags.consent_small_claims && within_double(c, w.amount) =>
        {
            reasons.push(format!(
                "标的额{}元 ≤ {}的2倍（{}元），双方同意适用小额诉讼程序：适用小额诉讼程序",
                c.grouped(),
                wage_words(&w),
                double(w.amount).grouped()
            ));
            TriageRule::SmallClaims
        }
        _ => {
            // Why not 小额.
            match (wage, claim) {
                (None, _) => reasons.push(format!(
                    "未配置{province}{}年度就业人员年平均工资，不能按标的额适用小额诉讼程序",
                    filed_year - 1
                )),
                (Some(_), None) => reasons.push("标的额未填写，不能按标的额适用小额诉讼程序".to_owned()),
                (Some(_), Some(_)) if !small_exclusions.is_empty() => {
                    reasons.push(format!("存在不适用小额诉讼程序的情形：{}", small_exclusions.join("、")));
                }
                (Some(w), Some(c)) if flags.consent_small_claims => reasons.push(format!(
                    "标的额{}元 > {}的2倍（{}元），双方同意亦不适用小额诉讼程序",
                    c.grouped(),
                    wage_words(&w),
                    double(w.amount).grouped()
                )),
                (Some(w), Some(c)) => reasons.push(format!(
                    "标的额{}元 > {}的50%（{}），且双方未同意适用小额诉讼程序",
                    c.grouped(),
                    wage_words(&w),
                    half_words(w.amount)
                )),
            }
            let by_amount = match (wage, claim) {
                (Some(w), Some(c)) if within_double(c, w.amount) => Some((w, c)),
                _ => None,
            };
            let by_cause = rules.is_simple_cause(input.cause);
            if !summary_exclusions.is_empty() {
                reasons.insert(0, format!("{}的案件不适用简易程序：适用普通程序", summary_exclusions.join("、")));
                TriageRule::Ordinary
            } else if let Some((w, c)) = by_amount {
                reasons.insert(
                    0,
                    format!(
                        "标的额{}元 ≤ {}的2倍（{}元）：适用简易程序",
                        c.grouped(),
                        wage_words(&w),
                        double(w.amount).grouped()
                    ),
                );
                TriageRule::Summary
            } else if by_cause {
                reasons
                    .insert(0, format!("案由“{}”属于简易程序案由清单：适用简易程序", input.cause.unwrap_or("").trim()));
                TriageRule::Summary
            } else {
                let amount_words = match (wage, claim) {
                    (Some(w), Some(c)) => {
                        format!("标的额{}元 > {}的2倍（{}元）", c.grouped(), wage_words(&w), double(w.amount).grouped())
                    }
                    (_, None) => "标的额未填写".to_owned(),
                    (None, Some(_)) => format!("未配置{province}{}年度就业人员年平均工资", filed_year - 1),
                };
                let cause_words = match input.cause.map(str::trim).filter(|c| !c.is_empty()) {
                    Some(c) => format!("案由“{c}”不在简易程序案由清单"),
                    None => "案由未填写".to_owned(),
                };
                reasons.insert(0, format!("{amount_words}，且{cause_words}：适用普通程序"));
                TriageRule::Ordinary
            }
        }
    };
    let procedure = match rule {
        TriageRule::SmallClaims => Procedure::SmallClaims,
        TriageRule::Summary => Procedure::Summary,
        _ => Procedure::Ordinary,
    };
    let track = track_for(input.court, input.type_code, Some(procedure), flags);
    track_reasons(flags, &mut reasons);
    Triage { rule, procedure: Some(procedure), track, reasons, wage }
}

fn track_reasons(flags: &Flags, reasons: &mut Vec<String>) {
    if flags.complex {
        reasons.push("重大疑难复杂/四类案件：列为繁案".to_owned());
    }
    if let Some(n) = &flags.series_of {
        reasons.push(format!("系列/关联案件（{n}）：列为繁案，原则上由同一审判组织审理"));
    }
}

#[cfg(test)]
mod tests;

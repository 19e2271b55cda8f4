//! 演示省份: 广东省高院, 5 个中院 (广州、深圳、佛山、江门、惠州) 及其基层法院 — real public court codes
//! and names — with synthetic judge rosters and each court's fixed "personality" (volume, growth,
//! mediation propensity, speed, backlog …), independent of the seed so the demo story is stable.

use std::collections::HashSet;

use xiezhi_domain::{CourtCode, CourtLevel};

use crate::rng::unit;

/// One basic court of the static table: code, name, relative annual volume, whether it hears
/// administrative cases (行政案件集中管辖: only some basic courts do).
struct BasicSpec {
    code: &'static str,
    name: &'static str,
    weight: f64,
    admin: bool,
}

struct CitySpec {
    code: &'static str,
    city: &'static str,
    name: &'static str,
    basics: &'static [BasicSpec],
}

const fn b(code: &'static str, name: &'static str, weight: f64, admin: bool) -> BasicSpec {
    BasicSpec { code, name, weight, admin }
}

const PROVINCE_NAME: &str = "广东省";
const HIGH_CODE: &str = "粤";
const HIGH_NAME: &str = "广东省高级人民法院";

const CITIES: &[CitySpec] = &[
    CitySpec {
        code: "粤01",
        city: "广州市",
        name: "广东省广州市中级人民法院",
        basics: &[
            b("粤0103", "广州市荔湾区人民法院", 5.0, false),
            b("粤0104", "广州市越秀区人民法院", 6.0, true),
            b("粤0105", "广州市海珠区人民法院", 7.0, false),
            b("粤0106", "广州市天河区人民法院", 10.0, false),
            b("粤0111", "广州市白云区人民法院", 11.0, true),
            b("粤0112", "广州市黄埔区人民法院", 5.0, false),
            b("粤0113", "广州市番禺区人民法院", 8.0, false),
            b("粤0114", "广州市花都区人民法院", 5.0, false),
        ],
    },
    CitySpec {
        code: "粤03",
        city: "深圳市",
        name: "广东省深圳市中级人民法院",
        basics: &[
            b("粤0303", "深圳市罗湖区人民法院", 6.0, false),
            b("粤0304", "深圳市福田区人民法院", 9.0, true),
            b("粤0305", "深圳市南山区人民法院", 8.0, false),
            b("粤0306", "深圳市宝安区人民法院", 12.0, false),
            b("粤0307", "深圳市龙岗区人民法院", 11.0, true),
            b("粤0309", "深圳市龙华区人民法院", 7.0, false),
        ],
    },
    CitySpec {
        code: "粤06",
        city: "佛山市",
        name: "广东省佛山市中级人民法院",
        basics: &[
            b("粤0604", "佛山市禅城区人民法院", 5.0, true),
            b("粤0605", "佛山市南海区人民法院", 8.0, false),
            b("粤0606", "佛山市顺德区人民法院", 8.0, false),
            b("粤0607", "佛山市三水区人民法院", 2.5, false),
            b("粤0608", "佛山市高明区人民法院", 1.5, false),
        ],
    },
    CitySpec {
        code: "粤07",
        city: "江门市",
        name: "广东省江门市中级人民法院",
        basics: &[
            b("粤0703", "江门市蓬江区人民法院", 3.0, true),
            b("粤0704", "江门市江海区人民法院", 1.5, false),
            b("粤0705", "江门市新会区人民法院", 2.5, false),
            b("粤0781", "台山市人民法院", 2.0, false),
            b("粤0783", "开平市人民法院", 1.8, false),
        ],
    },
    CitySpec {
        code: "粤13",
        city: "惠州市",
        name: "广东省惠州市中级人民法院",
        basics: &[
            b("粤1302", "惠州市惠城区人民法院", 4.0, true),
            b("粤1303", "惠州市惠阳区人民法院", 2.5, false),
            b("粤1322", "博罗县人民法院", 3.0, false),
            b("粤1323", "惠东县人民法院", 2.5, false),
        ],
    },
];

/// Share of a city's first-instance volume filed at the 中院 itself (its own 一审).
const INTERMEDIATE_SHARE: f64 = 0.04;
/// Share of the province's root volume filed at the 高院 itself.
const HIGH_SHARE: f64 = 0.0015;

/// 审判庭/部门.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Dept {
    /// 民一庭: 婚姻家庭、劳动、侵权.
    Civil1,
    /// 民二庭: 合同、金融.
    Civil2,
    /// 速裁庭: 小额诉讼与简易债务案件.
    FastTrack,
    /// 刑庭 (基层) / 刑一庭 (中院以上).
    Criminal,
    /// 行政庭.
    Admin,
    /// 审判监督庭: 民申、民再.
    Supervision,
    /// 执行局: 执、执恢、执保.
    Enforcement,
    /// 执行裁判庭: 执异.
    EnforcementReview,
}

pub(crate) const DEPT_COUNT: usize = 8;

impl Dept {
    const ALL: [Dept; DEPT_COUNT] = [
        Dept::Civil1,
        Dept::Civil2,
        Dept::FastTrack,
        Dept::Criminal,
        Dept::Admin,
        Dept::Supervision,
        Dept::Enforcement,
        Dept::EnforcementReview,
    ];

    fn name(self, level: CourtLevel) -> &'static str {
        let upper = level != CourtLevel::Basic;
        match self {
            Dept::Civil1 => "民一庭",
            Dept::Civil2 => "民二庭",
            Dept::FastTrack => "速裁庭",
            Dept::Criminal if upper => "刑一庭",
            Dept::Criminal => "刑庭",
            Dept::Admin => "行政庭",
            Dept::Supervision => "审判监督庭",
            Dept::Enforcement => "执行局",
            Dept::EnforcementReview => "执行裁判庭",
        }
    }

    /// Judges of a department at a court of relative size `scale` (1.0 = an average basic
    /// court), `None` when the court has no such department.
    /// 类型代字 the department's judges take (the demo roster's `case_types`).
    fn case_types(self, level: CourtLevel) -> &'static [&'static str] {
        let basic = level == CourtLevel::Basic;
        match self {
            Dept::Civil1 | Dept::Civil2 if basic => &["民初", "民特", "民督"],
            Dept::Civil1 | Dept::Civil2 => &["民初", "民终"],
            Dept::FastTrack => &["民初"],
            Dept::Criminal if basic => &["刑初"],
            Dept::Criminal => &["刑初", "刑终"],
            Dept::Admin if basic => &["行初"],
            Dept::Admin => &["行初", "行终"],
            Dept::Supervision => &["民申", "民再", "民监"],
            Dept::Enforcement => &["执", "执恢", "执保"],
            Dept::EnforcementReview if basic => &["执异"],
            Dept::EnforcementReview => &["执异", "执复"],
        }
    }

    /// 繁简: the 速裁庭 takes simple cases only.
    fn track(self) -> &'static str {
        if self == Dept::FastTrack { "简" } else { "繁简" }
    }

    fn roster_size(self, level: CourtLevel, scale: f64, admin: bool) -> Option<usize> {
        let base: f64 = match (level, self) {
            (CourtLevel::Basic, Dept::Civil1) => 9.0,
            (CourtLevel::Basic, Dept::Civil2) => 10.0,
            (CourtLevel::Basic, Dept::FastTrack) => 5.0,
            (CourtLevel::Basic, Dept::Criminal) => 5.0,
            (CourtLevel::Basic, Dept::Admin) if admin => 4.0,
            (CourtLevel::Basic, Dept::Enforcement) => 10.0,
            (CourtLevel::Basic, Dept::EnforcementReview) => 3.0,
            (CourtLevel::Basic, _) => return None,
            (CourtLevel::Intermediate, Dept::FastTrack) => return None,
            (CourtLevel::Intermediate, Dept::Civil1 | Dept::Civil2) => 12.0,
            (CourtLevel::Intermediate, Dept::Criminal) => 7.0,
            (CourtLevel::Intermediate, Dept::Admin) => 6.0,
            (CourtLevel::Intermediate, Dept::Supervision) => 5.0,
            (CourtLevel::Intermediate, Dept::Enforcement) => 7.0,
            (CourtLevel::Intermediate, Dept::EnforcementReview) => 3.0,
            (_, Dept::Civil1 | Dept::Civil2 | Dept::Supervision) => 6.0,
            (_, Dept::Criminal | Dept::Admin) => 4.0,
            _ => return None,
        };
        Some((base * scale.sqrt()).round().clamp(2.0, 40.0) as usize)
    }
}

/// A court's fixed behaviour: every rate the generator uses, drawn once from a hash of the court's
/// position (not of the seed), so that every indicator differs between courts.
#[derive(Clone, Debug)]
pub(crate) struct Profile {
    /// Relative root volume at the start of the window.
    pub weight: f64,
    /// Year-on-year change of filings (−0.12 … +0.20).
    pub growth: f64,
    /// Shares of criminal and administrative roots (the rest is civil).
    pub criminal: f64,
    pub admin: f64,
    /// Multipliers of the 调解 and 撤诉 shares.
    pub mediation: f64,
    pub withdrawal: f64,
    /// Multiplier of typical durations (< 1 = fast).
    pub speed: f64,
    /// Probability that a trial case closes after its deadline.
    pub late: f64,
    /// Probability that a case gets stuck for a year or more.
    pub stuck: f64,
    /// Probability of an extension (延长审限).
    pub extension: f64,
    /// Probability of suspended time (扣除审限: 公告、鉴定、中止).
    pub suspension: f64,
    /// Share of 简易程序 among eligible civil cases, and of 小额诉讼 among small claims.
    pub summary: f64,
    pub small_claims: f64,
    /// Multiplier of the 速裁 share of criminal cases.
    pub expedited: f64,
    /// Multiplier of appeal rates of this court's first-instance cases.
    pub appeal: f64,
    /// Multiplier of 改判/发回 rates of appeals from this court.
    pub reversal: f64,
    /// Multiplier of the enforcement-application rate after civil judgments.
    pub enforcement: f64,
    /// Probability that an enforcement debtor has property.
    pub property: f64,
    /// Probability of 执行完毕 when there is property.
    pub completion: f64,
    /// Multiplier of 终本 when there is no property.
    pub terminal: f64,
    /// Probability that a closure due in early next year is pulled into Nov/Dec (年底结案冲刺).
    pub year_end: f64,
}

impl Profile {
    fn derive(index: usize, weight: f64, level: CourtLevel, admin_court: bool) -> Profile {
        let key = index as u64 + 1;
        let p = |k: u64, lo: f64, hi: f64| lo + (hi - lo) * unit(key, k);
        let (criminal, admin) = match level {
            CourtLevel::Basic => (p(1, 0.06, 0.15), if admin_court { p(2, 0.04, 0.09) } else { 0.0 }),
            CourtLevel::Intermediate => (p(1, 0.08, 0.14), p(2, 0.10, 0.18)),
            _ => (0.0, 0.2),
        };
        Profile {
            weight,
            growth: p(3, -0.12, 0.20),
            criminal,
            admin,
            mediation: p(4, 0.55, 1.6),
            withdrawal: p(5, 0.75, 1.3),
            speed: p(6, 0.7, 1.3),
            late: p(7, 0.005, 0.06),
            stuck: p(8, 0.003, 0.03),
            extension: p(9, 0.02, 0.10),
            suspension: p(10, 0.03, 0.10),
            summary: p(11, 0.45, 0.85),
            small_claims: p(12, 0.10, 0.45),
            expedited: p(13, 0.6, 1.4),
            appeal: p(14, 0.6, 1.5),
            reversal: p(15, 0.5, 2.0),
            enforcement: p(16, 0.8, 1.2),
            property: p(17, 0.25, 0.55),
            completion: p(18, 0.62, 0.88),
            terminal: p(19, 0.7, 1.25),
            year_end: p(20, 0.2, 0.55),
        }
    }
}

/// A department's judges (synthetic names) and their individual pace.
#[derive(Clone, Debug)]
pub(crate) struct Roster {
    pub name: &'static str,
    pub judges: Vec<String>,
    /// Per-judge multiplier of durations.
    pub speed: Vec<f64>,
}

/// Internal view of a court: everything the generator needs.
#[derive(Clone, Debug)]
pub(crate) struct CourtInfo {
    pub code: CourtCode,
    pub code_text: String,
    pub name: &'static str,
    pub city: &'static str,
    pub level: CourtLevel,
    /// The court that hears appeals from this court (中院 for a basic court, 高院 for a 中院).
    pub parent: Option<usize>,
    pub profile: Profile,
    pub rosters: [Option<Roster>; DEPT_COUNT],
}

impl CourtInfo {
    pub(crate) fn roster(&self, dept: Dept) -> Option<&Roster> {
        self.rosters[dept as usize].as_ref()
    }
}

// 合成姓名: 常见姓氏 × 固定字表; never the name of a real person on purpose.
const SURNAMES: &[&str] = &[
    "陈", "李", "黄", "张", "梁", "刘", "林", "何", "王", "吴", "罗", "郑", "杨", "谢", "邓", "冯", "曾", "周", "徐",
    "许", "蔡", "朱", "钟", "赖", "叶", "胡", "苏", "彭", "潘", "廖",
];
const GIVEN: &[&str] = &[
    "晓", "文", "志", "思", "嘉", "俊", "婷", "丽", "敏", "家", "明", "伟", "华", "建", "海", "永", "国", "玉", "慧",
    "雅", "颖", "杰", "锦", "泽", "子", "欣", "宇", "佳", "荣", "少", "振", "秀", "春", "凤", "洁", "琳", "彬", "瑞",
    "静", "宏",
];

/// (code, name, city, weight, hears admin cases, parent index).
type Spec = (CourtCode, &'static str, &'static str, f64, bool, Option<usize>);

/// Builds all courts: [高院, then per city: 中院, its basic courts].
pub(crate) fn build_courts() -> Vec<CourtInfo> {
    let province = HIGH_CODE.chars().next().unwrap_or('粤');
    let mut specs: Vec<Spec> = Vec::new();
    let total_basic: f64 = CITIES.iter().flat_map(|c| c.basics.iter()).map(|b| b.weight).sum();
    let basic_count = CITIES.iter().map(|c| c.basics.len()).sum::<usize>() as f64;
    let high = CourtCode::High { province };
    specs.push((high, HIGH_NAME, PROVINCE_NAME, total_basic * (1.0 + INTERMEDIATE_SHARE) * HIGH_SHARE, false, None));
    for city in CITIES {
        let code = CourtCode::parse(city.code).expect("static 中院 code is valid");
        let basic_sum: f64 = city.basics.iter().map(|b| b.weight).sum();
        let intermediate = specs.len();
        specs.push((code, city.name, city.city, basic_sum * INTERMEDIATE_SHARE, true, Some(0)));
        for basic in city.basics {
            let code = CourtCode::parse(basic.code).expect("static basic court code is valid");
            specs.push((code, basic.name, city.city, basic.weight, basic.admin, Some(intermediate)));
        }
    }
    let average = total_basic / basic_count;
    let mut used: HashSet<String> = HashSet::new();
    let mut name_counter: u64 = 0;
    specs
        .into_iter()
        .enumerate()
        .map(|(index, (code, name, city, weight, admin, parent))| {
            let level = code.level();
            let scale = match level {
                CourtLevel::Basic => weight / average,
                CourtLevel::Intermediate => weight / (average * 5.0 * INTERMEDIATE_SHARE),
                _ => 1.0,
            };
            let rosters = Dept::ALL.map(|dept| {
                dept.roster_size(level, scale, admin).map(|n| {
                    let judges: Vec<String> = (0..n)
                        .map(|_| {
                            loop {
                                name_counter += 1;
                                let h = crate::rng::mix(0x5EED_0F4A_4D00_u64, name_counter);
                                let s = SURNAMES[(h % SURNAMES.len() as u64) as usize];
                                let g1 = GIVEN[((h >> 16) % GIVEN.len() as u64) as usize];
                                let g2 = GIVEN[((h >> 32) % GIVEN.len() as u64) as usize];
                                let candidate = format!("{s}{g1}{g2}");
                                if g1 != g2 && used.insert(candidate.clone()) {
                                    break candidate;
                                }
                            }
                        })
                        .collect();
                    let speed = (0..n).map(|k| 0.75 + 0.6 * unit(index as u64 * 131 + dept as u64, k as u64)).collect();
                    Roster { name: dept.name(level), judges, speed }
                })
            });
            CourtInfo {
                code,
                code_text: code.to_string(),
                name,
                city,
                level,
                parent,
                profile: Profile::derive(index, weight, level, admin),
                rosters,
            }
        })
        .collect()
}

/// 演示省份的法院布局 (fixed: independent of the seed and of the configuration).
#[derive(Clone, Debug)]
pub struct Province {
    courts: Vec<Court>,
}

/// One court of the demo province.
#[derive(Clone, Debug)]
pub struct Court {
    code: CourtCode,
    name: &'static str,
    city: &'static str,
    departments: Vec<Department>,
    annual_growth: f64,
}

/// A department (审判庭/执行局) and its synthetic judges.
#[derive(Clone, Debug)]
pub struct Department {
    name: &'static str,
    judges: Vec<String>,
    case_types: &'static [&'static str],
    track: &'static str,
}

impl Province {
    pub(crate) fn from_courts(courts: &[CourtInfo]) -> Province {
        let courts = courts
            .iter()
            .map(|c| Court {
                code: c.code,
                name: c.name,
                city: c.city,
                departments: c
                    .rosters
                    .iter()
                    .zip(Dept::ALL)
                    .filter_map(|(r, dept)| r.as_ref().map(|r| (r, dept)))
                    .map(|(r, dept)| Department {
                        name: r.name,
                        judges: r.judges.clone(),
                        case_types: dept.case_types(c.level),
                        track: dept.track(),
                    })
                    .collect(),
                annual_growth: c.profile.growth,
            })
            .collect();
        Province { courts }
    }

    /// 省名, `广东省`.
    pub fn name(&self) -> &'static str {
        PROVINCE_NAME
    }

    /// 省份简称 (the 高院 court code), `粤`.
    pub fn abbreviation(&self) -> char {
        HIGH_CODE.chars().next().unwrap_or('粤')
    }

    /// Every court as (法院代字, 法院名称): the 高院 first, then each 中院 followed by its basic courts.
    pub fn courts(&self) -> impl Iterator<Item = (CourtCode, &'static str)> + '_ {
        self.courts.iter().map(|c| (c.code, c.name))
    }

    /// The courts with their departments and judges, in the order of [`Province::courts`].
    pub fn court_details(&self) -> &[Court] {
        &self.courts
    }

    /// The court with this code.
    pub fn court(&self, code: CourtCode) -> Option<&Court> {
        self.courts.iter().find(|c| c.code == code)
    }

    /// The cities as (中院代字, 城市名).
    pub fn cities(&self) -> impl Iterator<Item = (CourtCode, &'static str)> + '_ {
        self.courts.iter().filter(|c| c.code.level() == CourtLevel::Intermediate).map(|c| (c.code, c.city))
    }
}

impl Court {
    /// 法院代字.
    pub fn code(&self) -> CourtCode {
        self.code
    }

    /// 法院名称 (the real public name).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// 城市名 (`广东省` for the 高院).
    pub fn city(&self) -> &'static str {
        self.city
    }

    pub fn level(&self) -> CourtLevel {
        self.code.level()
    }

    /// 审判庭/执行局 with their judges.
    pub fn departments(&self) -> &[Department] {
        &self.departments
    }

    /// Every judge of the court.
    pub fn judges(&self) -> impl Iterator<Item = &str> + '_ {
        self.departments.iter().flat_map(|d| d.judges.iter().map(String::as_str))
    }

    /// The built-in year-on-year change of this court's filings (e.g. 0.08 = +8 % a year).
    pub fn annual_growth(&self) -> f64 {
        self.annual_growth
    }
}

impl Department {
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Synthetic judge names (surname + two characters of a fixed pool), unique in the province.
    pub fn judges(&self) -> &[String] {
        &self.judges
    }

    /// 类型代字 the department's judges take.
    pub fn case_types(&self) -> &'static [&'static str] {
        self.case_types
    }

    /// 繁简 the department's judges take: `繁简`, or `简` for the 速裁庭.
    pub fn track(&self) -> &'static str {
        self.track
    }
}

/// One judge of the demo roster (员额法官名册).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoJudge {
    /// 工号: the court code and a number, e.g. `粤0106-007`.
    pub judge_id: String,
    pub name: String,
    pub court: CourtCode,
    pub department: &'static str,
    pub case_types: &'static [&'static str],
    pub track: &'static str,
    /// 办案系数: 0.5 for the first judge of each department (its 庭长), 1 otherwise.
    pub weight: &'static str,
}

impl Province {
    /// The demo roster: the judges of every court who hear cases (the first `hearing(len)` of
    /// each department), numbered within the court.
    pub(crate) fn roster_of(&self, hearing: impl Fn(usize) -> usize) -> Vec<DemoJudge> {
        let mut out = Vec::new();
        for court in &self.courts {
            let mut n = 0;
            for dept in &court.departments {
                for (k, name) in dept.judges.iter().take(hearing(dept.judges.len())).enumerate() {
                    n += 1;
                    out.push(DemoJudge {
                        judge_id: format!("{}-{n:03}", court.code),
                        name: name.clone(),
                        court: court.code,
                        department: dept.name,
                        case_types: dept.case_types,
                        track: dept.track,
                        weight: if k == 0 { "0.5" } else { "1" },
                    });
                }
            }
        }
        out
    }
}

//! Official phrasing shared by the bulletin's overview and draft filling: direction words that
//! follow the sign, year-on-year changes and comparisons with the province.

use std::cmp::Ordering;

use xiezhi_metrics::{GroupReport, IndicatorId, MetricsReport, Unit, Value};

/// The sign of a change or difference, as it is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    Up,
    Down,
    /// Exactly zero, or zero at the two decimals shown: written 持平.
    Flat,
}

/// A change ready to be written: its sign and its magnitude as shown (two decimals; percent
/// for relative changes, 个百分点 for ratio differences).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub sign: Sign,
    /// The unsigned figure, e.g. `1.50`.
    pub figure: String,
    /// The signed value in the shown unit (for the log).
    pub value: f64,
}

impl Shown {
    fn from(ordering: Ordering, value: f64) -> Shown {
        Shown::with_decimals(ordering, value, 2)
    }

    /// The figure with `decimals` places (0 for counts: a number of cases has no decimals).
    fn with_decimals(ordering: Ordering, value: f64, decimals: usize) -> Shown {
        let figure = format!("{:.*}", decimals, value.abs());
        let zero = figure.chars().all(|c| c == '0' || c == '.');
        let sign = if ordering == Ordering::Equal || zero {
            Sign::Flat
        } else if ordering == Ordering::Greater {
            Sign::Up
        } else {
            Sign::Down
        };
        Shown { sign, figure, value }
    }
}

/// Year on year in percent: (now − before) / before × 100. `Err` with the reason when it cannot
/// be computed (no value, or nothing in the same period last year).
pub fn relative_change(group: &GroupReport, id: IndicatorId) -> Result<Shown, &'static str> {
    let now = group.value(id);
    let before = group.previous_value(id);
    let (Some(n), Some(b)) = (now.as_f64(), before.as_f64()) else {
        return Err("本期或去年同期数值无定义");
    };
    if before.compare(&Value::Count(0)) == Some(Ordering::Equal) || b == 0.0 {
        return Err("去年同期为0，无法计算增幅");
    }
    let ordering = now.compare(before).unwrap_or(Ordering::Equal);
    Ok(Shown::from(ordering, (n - b) / b * 100.0))
}

/// Year on year as a difference: 个百分点 for ratios (× 100), days or cases otherwise.
pub fn difference_change(group: &GroupReport, id: IndicatorId) -> Result<Shown, &'static str> {
    let now = group.value(id);
    let before = group.previous_value(id);
    let (Some(n), Some(b)) = (now.as_f64(), before.as_f64()) else {
        return Err("本期或去年同期数值无定义");
    };
    let scale = if id.unit() == Unit::Ratio { 100.0 } else { 1.0 };
    let ordering = now.compare(before).unwrap_or(Ordering::Equal);
    Ok(Shown::with_decimals(ordering, (n - b) * scale, decimals_of(id.unit())))
}

/// The province's value of `id` for the scope group's province (pooled), if the data has one.
pub fn province_value<'r>(report: &'r MetricsReport, group: &'r GroupReport, id: IndicatorId) -> Option<&'r Value> {
    if let Some(p) = &group.province {
        return Some(&p.values[id.index()]);
    }
    let court = match &group.key {
        xiezhi_metrics::GroupKey::Court(c) | xiezhi_metrics::GroupKey::City(c) => *c,
        _ => return None,
    };
    let province = report.group(&xiezhi_metrics::GroupKey::Province(court.province_code()?))?;
    Some(province.value(id))
}

/// Whether the data holds at least two cities (地级市 groups) of the group's province: the
/// one rule for every comparison with "全省" and every rank among its cities (with a single
/// city, "全省" would be that city again).
pub fn has_province_peers(report: &MetricsReport, group: &GroupReport) -> bool {
    cities_in_province(report, group) >= 2
}

/// The number of cities (地级市 groups) of the scope group's province in the data.
fn cities_in_province(report: &MetricsReport, group: &GroupReport) -> usize {
    let code = match &group.key {
        xiezhi_metrics::GroupKey::Court(c) | xiezhi_metrics::GroupKey::City(c) => *c,
        xiezhi_metrics::GroupKey::Judge { court, .. } => *court,
        xiezhi_metrics::GroupKey::Province(c) => *c,
    };
    let Some(province) = code.province_code() else { return 0 };
    report
        .groups
        .iter()
        .filter(|g| matches!(&g.key, xiezhi_metrics::GroupKey::City(c) if c.province_code() == Some(province)))
        .count()
}

/// Why the scope cannot be set against its province, if it cannot: it is the province, or the
/// data holds no other city of it (a 中院 with only its own city's cases: "全省" would be itself).
pub fn province_comparison_refused(report: &MetricsReport, group: &GroupReport) -> Option<&'static str> {
    if matches!(group.key, xiezhi_metrics::GroupKey::Province(_)) {
        return Some("范围本身是全省，无全省平均水平可比");
    }
    if !has_province_peers(report, group) {
        return Some("数据中本省只有本市一个地级市，无法与全省比较或排名");
    }
    None
}

/// The group against its province: 个百分点 for ratios. `Err` with the reason when not possible.
/// Counts and amounts are not compared: the province's figure is a total, not an average.
pub fn province_difference(
    report: &MetricsReport,
    group: &GroupReport,
    id: IndicatorId,
) -> Result<Shown, &'static str> {
    if let Some(reason) = province_comparison_refused(report, group) {
        return Err(reason);
    }
    if matches!(id.unit(), Unit::Count | Unit::Amount) {
        return Err("件数、金额的全省数为合计，不是平均水平，不作比较");
    }
    let province = province_value(report, group, id).ok_or("数据中没有所属省份的汇总")?;
    let now = group.value(id);
    let (Some(n), Some(p)) = (now.as_f64(), province.as_f64()) else {
        return Err("本地或全省数值无定义");
    };
    let scale = if id.unit() == Unit::Ratio { 100.0 } else { 1.0 };
    let ordering = now.compare(province).unwrap_or(Ordering::Equal);
    Ok(Shown::with_decimals(ordering, (n - p) * scale, decimals_of(id.unit())))
}

/// Decimal places of a difference in `unit`: none for counts of cases, one for per-judge
/// figures ([`PER_JUDGE_DECIMALS`]), two otherwise (days, percentage points).
pub fn decimals_of(unit: Unit) -> usize {
    match unit {
        Unit::Count => 0,
        Unit::PerJudge => PER_JUDGE_DECIMALS,
        _ => 2,
    }
}

/// Decimal places of per-judge figures (法官人均结案) in prose.
pub const PER_JUDGE_DECIMALS: usize = 1;

/// The word for a change of a figure in `unit` (件, 天, 个百分点, %): days lengthen or shorten
/// (延长/缩短), rates rise or fall by points (提高/降低), whatever change word the writer
/// used, and a number of cases increases or decreases (增加/减少, not 增长); comparisons (高于/低于, 多于/少于) and other change words keep their register.
pub fn change_word(original: &str, sign: Sign, unit: &str) -> Option<&'static str> {
    let comparison = matches!(original, "高于" | "低于" | "多于" | "少于");
    let pair = match unit {
        "天" if !comparison => Some(("延长", "缩短")),
        // A number of cases increases or decreases (增加/减少), it does not grow (增长).
        "件" if matches!(original, "增长" | "下降" | "上升") => Some(("增加", "减少")),
        "个百分点" if !comparison => Some(("提高", "降低")),
        _ => None,
    };
    match (pair, sign) {
        (Some((up, _)), Sign::Up) => Some(up),
        (Some((_, down)), Sign::Down) => Some(down),
        (Some(_), Sign::Flat) => None,
        (None, _) => direction_word(original, sign),
    }
}

/// The word for a change, keeping the register of the word the writer chose: 增长/下降,
/// 提高/降低, 上升/下降, 增加/减少, 高于/低于. `None` for 持平 (the caller rewrites the phrase).
pub fn direction_word(original: &str, sign: Sign) -> Option<&'static str> {
    let (up, down) = match original {
        "增长" | "下降" => ("增长", "下降"),
        "提高" | "降低" => ("提高", "降低"),
        "上升" => ("上升", "下降"),
        "增加" | "减少" => ("增加", "减少"),
        "高于" | "低于" => ("高于", "低于"),
        "多于" | "少于" => ("多于", "少于"),
        "延长" | "缩短" => ("延长", "缩短"),
        _ => ("增长", "下降"),
    };
    match sign {
        Sign::Up => Some(up),
        Sign::Down => Some(down),
        Sign::Flat => None,
    }
}

/// 同比增长3.20% / 同比提高1.50个百分点 / 同比持平, or "" when there is no comparison.
pub fn yoy_phrase(group: &GroupReport, id: IndicatorId) -> String {
    let (shown, unit, word) = if id.unit().changes_as_percentage() {
        (relative_change(group, id), "%", "增长")
    } else if id.unit() == Unit::Ratio {
        (difference_change(group, id), "个百分点", "提高")
    } else {
        (difference_change(group, id), if id.unit() == Unit::Days { "天" } else { "件" }, "增加")
    };
    match shown {
        Ok(s) => match direction_word(word, s.sign) {
            Some(w) => format!("同比{w}{}{unit}", s.figure),
            None => "同比持平".to_owned(),
        },
        Err(_) => String::new(),
    }
}

/// 高于全省平均水平0.50个百分点 / 与全省平均水平持平, or "" when there is no comparison.
pub fn province_phrase(report: &MetricsReport, group: &GroupReport, id: IndicatorId) -> String {
    match province_difference(report, group, id) {
        Ok(s) => match direction_word("高于", s.sign) {
            Some(w) if id.unit() == Unit::Ratio => format!("{w}全省平均水平{}个百分点", s.figure),
            Some(w) => format!("{w}全省平均水平"),
            None => "与全省平均水平持平".to_owned(),
        },
        Err(_) => String::new(),
    }
}

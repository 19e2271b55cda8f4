//! Number formats: the table figures exactly as `xiezhi metrics` prints them, and the official
//! prose formats of filled drafts (counts as integers, percentages, 个百分点, 亿元 and 万元 with two
//! decimals).

use xiezhi_metrics::{Band, Change, Unit, Value};

/// The value as the metrics table prints it: 95.12%, 1234, 12.50 (days), 1234.56 (元);
/// `—` when undefined, `不可得` when unavailable.
pub fn table_value(value: &Value, unit: Unit) -> String {
    match (value, value.as_f64()) {
        (Value::Unavailable(_), _) => "不可得".to_owned(),
        (_, None) => "—".to_owned(),
        (_, Some(v)) => match unit {
            Unit::Count => format!("{v:.0}"),
            Unit::Ratio => format!("{:.2}%", v * 100.0),
            Unit::Amount | Unit::Days | Unit::PerJudge | Unit::PerDispute => format!("{v:.2}"),
        },
    }
}

/// 同比 as the metrics table prints it: +3.20% for counts and amounts, +1.50个百分点 for ratios,
/// +2.00 for days, cases per judge and cases per dispute; `—` when there is none.
pub fn table_change(change: Option<Change>, unit: Unit) -> String {
    let text = match change {
        None => return "—".to_owned(),
        Some(Change::Relative(r)) => format!("{:+.2}%", r * 100.0),
        Some(Change::Difference(d)) if unit == Unit::Ratio => format!("{:+.2}个百分点", d * 100.0),
        Some(Change::Difference(d)) => format!("{d:+.2}"),
    };
    // A change that rounds to nothing is 持平 (never +0.00 or −0.00).
    if text[1..].starts_with("0.00") { "持平".to_owned() } else { text }
}

/// The band against the reference interval: 达标 / 低于区间 / 高于区间, or `未设区间`.
pub fn band_label(band: Option<Band>) -> &'static str {
    match band {
        Some(Band::Inside) => "达标",
        Some(Band::Below) => "低于区间",
        Some(Band::Above) => "高于区间",
        None => "未设区间",
    }
}

/// A magnitude with two decimals (the sign is carried by a direction word).
pub fn two_decimals(v: f64) -> String {
    format!("{:.2}", v.abs())
}

/// Whether a magnitude prints as 0.00: such a change is written 持平.
pub fn rounds_to_zero(v: f64) -> bool {
    two_decimals(v) == "0.00"
}

/// The unit label of an indicator for table headers.
pub fn unit_label(unit: Unit) -> &'static str {
    match unit {
        Unit::Count => "件",
        Unit::Amount => "元",
        Unit::Ratio => "%",
        Unit::Days => "天",
        Unit::PerJudge => "件/人",
        Unit::PerDispute => "件/案",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_formats_match_the_metrics_command() {
        // 3 of 4 = 75.00%; a count prints as an integer; 12345.6 元 in ten-thousandths.
        let ratio = Value::quotient(3, 4);
        assert_eq!(table_value(&ratio, Unit::Ratio), "75.00%");
        assert_eq!(table_value(&Value::Count(12), Unit::Count), "12");
        assert_eq!(table_value(&Value::Amount(123_456_000), Unit::Amount), "12345.60");
        assert_eq!(table_value(&Value::Undefined, Unit::Ratio), "—");
        assert_eq!(table_change(Some(Change::Difference(-0.015)), Unit::Ratio), "-1.50个百分点");
        assert_eq!(table_change(Some(Change::Relative(0.032)), Unit::Count), "+3.20%");
        // 案-件比: 27 cases over 20 disputes = 1.35 件/案, not 135%; its change is a difference.
        assert_eq!(table_value(&Value::quotient(27, 20), Unit::PerDispute), "1.35");
        assert_eq!(table_change(Some(Change::Difference(-0.02)), Unit::PerDispute), "-0.02");
        assert_eq!(unit_label(Unit::PerDispute), "件/案");
    }
}

//! The 质效通报 (bulletin) as content: title, overview paragraph, one table per court, chart
//! data and action lists. [`Bulletin::build`] derives every figure from one [`MetricsReport`]
//! (plus the monthly series and action lists); the HTML, DOCX and XLSX writers only lay it out.

use xiezhi_domain::Date;
use xiezhi_metrics::{Catalogue, GroupKey, GroupReport, IndicatorId, MetricsReport, Unit, Value};

use crate::data::{ActionCase, ActionLists, MonthPoint, ReportScope};
use crate::error::ReportError;
use crate::format::{band_label, table_change, table_value};
use crate::prose::{province_comparison_refused, province_phrase, province_value, yoy_phrase};

/// The indicators a bulletin table shows by default, in this order.
pub const DEFAULT_INDICATORS: [IndicatorId; 18] = {
    use IndicatorId::*;
    [
        Accepted,
        Filed,
        CarriedOver,
        Closed,
        Pending,
        ClearanceRate,
        ClosureRate,
        OnTimeRate,
        ClosedPerJudge,
        AvgDays,
        PendingOver12m,
        Over12mRatio,
        MediationWithdrawalRate,
        FirstInstanceReversedRate,
        EnfClosed,
        EnfClosureRate,
        ActualExecutionRate,
        RecoveredAmount,
    ]
};

/// The ratios the courts are compared on side by side.
pub const COMPARED_RATIOS: [IndicatorId; 4] =
    [IndicatorId::ClearanceRate, IndicatorId::ClosureRate, IndicatorId::OnTimeRate, IndicatorId::EnfClosureRate];

/// Layout choices of a bulletin; nothing here changes a figure.
#[derive(Debug, Clone)]
pub struct BulletinOptions {
    /// The title; default `{scope name}审判执行质效通报`.
    pub title: Option<String>,
    /// 发文单位, printed under the text.
    pub issuer: String,
    /// 成文日期 (a parameter: the library never reads the clock).
    pub issued_on: Date,
    /// The table rows.
    pub indicators: Vec<IndicatorId>,
    /// At most this many cases per action list in DOCX and HTML (XLSX lists them all).
    pub action_limit: usize,
    /// The data are the synthetic demo province: the title and the first note say so.
    pub synthetic: bool,
}

impl BulletinOptions {
    /// Defaults for a bulletin issued on `issued_on`.
    pub fn new(issued_on: Date) -> BulletinOptions {
        BulletinOptions {
            title: None,
            issuer: "审判管理办公室".to_owned(),
            issued_on,
            indicators: DEFAULT_INDICATORS.to_vec(),
            action_limit: 100,
            synthetic: false,
        }
    }
}

/// One table: a title and rows of text cells (the first row is the header).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub title: String,
    pub rows: Vec<Vec<String>>,
}

/// A chart's data: categories along x, named series of values (`None` = no value).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub title: String,
    /// The unit of the y axis: `件` or `%`.
    pub unit: String,
    pub categories: Vec<String>,
    pub series: Vec<(String, Vec<Option<f64>>)>,
    pub kind: ChartKind,
}

/// Line (trend) or grouped columns (side by side).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Line,
    Columns,
}

/// An action list as laid out: title, total, the shown rows (header first).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionTable {
    pub title: String,
    pub total: usize,
    /// Header and at most `action_limit` rows.
    pub table: Table,
    /// Every row (for XLSX).
    pub all_rows: Vec<Vec<String>>,
}

/// The bulletin's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Bulletin {
    pub title: String,
    /// e.g. `2024年1月1日至2024年10月31日`.
    pub period_text: String,
    pub overview: Vec<String>,
    /// The scope's own table first, then one per court (or per city for a province).
    pub tables: Vec<Table>,
    pub trend: ChartData,
    pub comparison: ChartData,
    pub action_lists: Vec<ActionTable>,
    pub notes: Vec<String>,
    pub issuer: String,
    pub issued_on: String,
}

/// 2024年10月31日.
pub fn chinese_date(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{y}年{m}月{day}日")
}

/// A chart label: 荔湾区 for 广州市荔湾区人民法院, 市中院 for a 中级人民法院, the code without a name.
fn short_name(g: &GroupReport) -> String {
    let Some(name) = &g.name else {
        return g.key.code();
    };
    let bare = name.strip_suffix("人民法院").unwrap_or(name);
    let local = bare.rsplit('市').next().filter(|s| !s.is_empty()).unwrap_or(bare);
    match local {
        "中级" => "市中院".to_owned(),
        "" => name.clone(),
        other => other.to_owned(),
    }
}

fn full_name(g: &GroupReport) -> String {
    match &g.name {
        Some(n) => format!("{n}（{}）", g.key.code()),
        None => g.key.code(),
    }
}

impl Bulletin {
    /// Builds the bulletin of `scope` from one report. Fails when the scope is not in the data
    /// or has no case in the period.
    pub fn build(
        report: &MetricsReport,
        catalogue: &Catalogue,
        scope: &ReportScope,
        months: &[MonthPoint],
        actions: &ActionLists,
        options: &BulletinOptions,
    ) -> Result<Bulletin, ReportError> {
        let group = scope.group_with_data(report)?;
        let subject = scope.subject(report);
        let title = options.title.clone().unwrap_or_else(|| format!("{subject}审判执行质效通报"));
        let period_text = format!("{}至{}", chinese_date(report.period.from()), chinese_date(report.period.to()));
        let members = scope.members(report);
        let mut tables = vec![indicator_table(
            report,
            catalogue,
            group,
            &options.indicators,
            &format!("{subject}（{}）", group.key.code()),
        )];
        if !matches!(scope.key, GroupKey::Court(_)) {
            for m in &members {
                tables.push(indicator_table(report, catalogue, m, &options.indicators, &full_name(m)));
            }
        }
        let trend = ChartData {
            title: format!("{subject}收结存月度趋势"),
            unit: "件".to_owned(),
            categories: months.iter().map(|m| m.label.clone()).collect(),
            series: vec![
                ("新收".to_owned(), months.iter().map(|m| Some(m.filed as f64)).collect()),
                ("结案".to_owned(), months.iter().map(|m| Some(m.closed as f64)).collect()),
                ("未结（月末）".to_owned(), months.iter().map(|m| Some(m.pending as f64)).collect()),
            ],
            kind: ChartKind::Line,
        };
        let compared: Vec<&GroupReport> = if members.is_empty() { vec![group] } else { members.clone() };
        let comparison = ChartData {
            title: if matches!(scope.key, GroupKey::Province(_)) {
                "各市主要质效指标对比".to_owned()
            } else {
                "各院主要质效指标对比".to_owned()
            },
            unit: "%".to_owned(),
            categories: compared.iter().map(|g| short_name(g)).collect(),
            series: COMPARED_RATIOS
                .iter()
                .map(|id| {
                    (
                        catalogue.entry(*id).name.clone(),
                        compared.iter().map(|g| g.value(*id).as_f64().map(|v| v * 100.0)).collect(),
                    )
                })
                .collect(),
            kind: ChartKind::Columns,
        };
        let action_lists = vec![
            action_table("超审限未结案件", &actions.over_limit, true, options.action_limit, report),
            action_table("超12个月未结案件", &actions.over_12m, false, options.action_limit, report),
        ];
        let mut notes = vec![
            "同比：件数、金额为增减幅度（%），比率为增减个百分点，天数、人均结案数、案-件比为增减值。全省：全省法院汇总值（数据中本省只有本市时不列）。区间：对照配置的区间参考值，未配置时标“未设区间”。".to_owned(),
            "“—”表示分母为0、指标无定义；“不可得”表示案件数据不含计算所需信息。".to_owned(),
        ];
        let ours: Vec<String> = options
            .indicators
            .iter()
            .map(|id| catalogue.entry(*id))
            .filter(|e| e.source == xiezhi_metrics::Source::Ours)
            .map(|e| e.name.clone())
            .collect();
        if !ours.is_empty() {
            notes.push(format!("{}为本平台定义的口径（最高人民法院未公布统一公式）。", ours.join("、")));
        }
        let title = if options.synthetic {
            notes.insert(
                0,
                "【合成演示数据】本通报所用案件数据为系统生成的合成演示数据，非真实案件，人名均为虚构。".to_owned(),
            );
            format!("{title}（合成演示数据）")
        } else {
            title
        };
        Ok(Bulletin {
            title,
            overview: overview(report, catalogue, group, &subject, &period_text),
            period_text,
            tables,
            trend,
            comparison,
            action_lists,
            notes,
            issuer: options.issuer.clone(),
            issued_on: chinese_date(options.issued_on),
        })
    }
}

fn indicator_table(
    report: &MetricsReport,
    catalogue: &Catalogue,
    g: &GroupReport,
    ids: &[IndicatorId],
    title: &str,
) -> Table {
    let mut rows = vec![["指标", "本期", "去年同期", "同比", "全省", "区间"].map(str::to_owned).to_vec()];
    // No province column for the province itself, nor when the data holds no other city of
    // it ("全省" would be this city again).
    let compared = province_comparison_refused(report, g).is_none();
    for &id in ids {
        let entry = catalogue.entry(id);
        let i = id.index();
        let name = match entry.unit {
            Unit::Amount if !entry.name.contains('元') => format!("{}（元）", entry.name),
            Unit::Days if !entry.name.contains('天') => format!("{}（天）", entry.name),
            _ => entry.name.clone(),
        };
        rows.push(vec![
            name,
            table_value(&g.values[i], entry.unit),
            table_value(&g.previous[i], entry.unit),
            table_change(g.change[i], entry.unit),
            province_value(report, g, id).filter(|_| compared).map_or("—".to_owned(), |v| table_value(v, entry.unit)),
            band_label(g.band[i]).to_owned(),
        ]);
    }
    Table { title: title.to_owned(), rows }
}

fn action_table(
    title: &str,
    cases: &[ActionCase],
    with_deadline: bool,
    limit: usize,
    report: &MetricsReport,
) -> ActionTable {
    let court_name = |code: &str| {
        xiezhi_domain::CourtCode::parse(code)
            .and_then(|c| report.group(&GroupKey::Court(c)))
            .and_then(|g| g.name.clone())
            .unwrap_or_else(|| code.to_owned())
    };
    let mut header = vec!["序号", "案号", "承办法院", "承办人", "立案日期"];
    if with_deadline {
        header.push("审限届满日");
    }
    header.push("案龄（天）");
    let rows: Vec<Vec<String>> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut row = vec![
                (i + 1).to_string(),
                c.case_number.clone(),
                court_name(&c.court),
                c.judge.clone().unwrap_or_else(|| "—".to_owned()),
                c.filed_on.to_string(),
            ];
            if with_deadline {
                row.push(c.deadline.map_or("—".to_owned(), |d| d.to_string()));
            }
            row.push(c.age_days.to_string());
            row
        })
        .collect();
    let mut shown = vec![header.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()];
    shown.extend(rows.iter().take(limit).cloned());
    let title = if cases.len() > limit {
        format!("{title}（共{}件，列出案龄最长的{limit}件，完整清单见XLSX）", cases.len())
    } else {
        format!("{title}（共{}件）", cases.len())
    };
    ActionTable {
        title,
        total: cases.len(),
        table: Table { title: String::new(), rows: shown },
        all_rows: std::iter::once(header.iter().map(|s| (*s).to_owned()).collect()).chain(rows).collect(),
    }
}

fn count(g: &GroupReport, id: IndicatorId) -> String {
    table_value(g.value(id), Unit::Count)
}

fn ratio(g: &GroupReport, id: IndicatorId) -> Option<String> {
    match g.value(id) {
        v @ Value::Quotient { .. } => Some(table_value(v, Unit::Ratio)),
        _ => None,
    }
}

/// 亿元 from 1亿 up, else 万元; two decimals, exact half-up from ten-thousandths of a yuan.
pub fn amount_text(v: &Value) -> Option<String> {
    let Value::Amount(a) = *v else { return None };
    let (divisor, unit): (i128, &str) =
        if a.abs() >= 1_000_000_000_000 { (1_000_000_000_000, "亿元") } else { (100_000_000, "万元") };
    Some(format!("{}{unit}", scaled_two_decimals(a, divisor)))
}

/// `a / divisor` with two decimals, rounded half away from zero, exactly.
pub fn scaled_two_decimals(a: i128, divisor: i128) -> String {
    let hundredths = (a.abs() * 100 * 2 + divisor) / (2 * divisor);
    let sign = if a < 0 && hundredths != 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", hundredths / 100, hundredths % 100)
}

fn clause(parts: &[String]) -> String {
    parts.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join("，")
}

fn overview(
    report: &MetricsReport,
    catalogue: &Catalogue,
    g: &GroupReport,
    subject: &str,
    period_text: &str,
) -> Vec<String> {
    use IndicatorId::*;
    let mut first = format!(
        "{period_text}，{subject}共受理案件{}件，其中新收{}件、旧存{}件；审执结{}件，未结{}件。",
        count(g, Accepted),
        count(g, Filed),
        count(g, CarriedOver),
        count(g, Closed),
        count(g, Pending),
    );
    // "与去年同期相比" already says 同比.
    let accepted_yoy = yoy_phrase(g, Accepted).replacen("同比", "", 1);
    let closed_yoy = yoy_phrase(g, Closed).replacen("同比", "", 1);
    if !accepted_yoy.is_empty() || !closed_yoy.is_empty() {
        first.push_str(&format!(
            "与去年同期相比，受理案件{}，审执结案件{}。",
            if accepted_yoy.is_empty() { "无可比数据".to_owned() } else { accepted_yoy },
            if closed_yoy.is_empty() { "无可比数据".to_owned() } else { closed_yoy }
        ));
    }
    let mut second = Vec::new();
    for id in [ClearanceRate, ClosureRate, OnTimeRate] {
        if let Some(text) = ratio(g, id) {
            second.push(clause(&[
                format!("{}{text}", catalogue.entry(id).name),
                yoy_phrase(g, id),
                province_phrase(report, g, id),
            ]));
        }
    }
    let mut paragraphs = vec![first];
    if !second.is_empty() {
        paragraphs.push(format!("主要质效指标方面，{}。", second.join("；")));
    }
    let mut third = vec![format!("执行案件结案{}件", count(g, EnfClosed))];
    for id in [EnfClosureRate, ActualExecutionRate] {
        if let Some(text) = ratio(g, id) {
            third.push(clause(&[
                format!("{}{text}", catalogue.entry(id).name),
                yoy_phrase(g, id),
                province_phrase(report, g, id),
            ]));
        }
    }
    if let Some(amount) = amount_text(g.value(RecoveredAmount)) {
        third.push(clause(&[format!("执行到位金额{amount}"), yoy_phrase(g, RecoveredAmount)]));
    }
    let mut pending =
        format!("截至{}，超12个月未结案件{}件", chinese_date(report.period.to()), count(g, PendingOver12m));
    if let Some(text) = ratio(g, Over12mRatio) {
        pending.push_str(&format!("，占审判未结案件的{text}"));
    }
    paragraphs.push(format!("执行工作方面，{}。{pending}。", third.join("；")));
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_half_up_exactly() {
        // 1.235亿元 = 123 500 000 元 = 1 235 000 000 000 ten-thousandths → 1.24 (half up).
        assert_eq!(scaled_two_decimals(1_235_000_000_000, 1_000_000_000_000), "1.24");
        assert_eq!(scaled_two_decimals(1_234_999_999_999, 1_000_000_000_000), "1.23");
        // 5 678.9 万元 = 56 789 000 元.
        assert_eq!(amount_text(&Value::Amount(567_890_000_000)).unwrap(), "5678.90万元");
        assert_eq!(amount_text(&Value::Amount(0)).unwrap(), "0.00万元");
    }
}

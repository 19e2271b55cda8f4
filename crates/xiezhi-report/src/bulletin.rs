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

/// The indicators of the one table comparing all courts (表1), in this order.
pub const COMPARISON_COLUMNS: [IndicatorId; 9] = {
    use IndicatorId::*;
    [Accepted, Closed, ClosureRate, ClearanceRate, OnTimeRate, AvgDays, Over12mRatio, EnfClosureRate, RecoveryRate]
};

/// Layout choices of a bulletin; nothing here changes a figure.
#[derive(Debug, Clone)]
pub struct BulletinOptions {
    /// The title; default `{scope name}审判执行质效通报`.
    pub title: Option<String>,
    /// 发文单位 (the office), e.g. 审判管理办公室; the issuing court's name goes before it.
    pub issuer: String,
    /// 期号 (第X期); default the period's last month.
    pub issue: Option<u32>,
    /// 版记: 报 (to whom it is reported) and 送 (to whom it is sent; default by scope: a
    /// city's or province's bulletin goes to the business divisions and the lower courts, a
    /// court's to its own divisions).
    pub report_to: String,
    pub copy_to: Option<String>,
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
            issue: None,
            report_to: "院党组成员".to_owned(),
            copy_to: None,
            issued_on,
            indicators: DEFAULT_INDICATORS.to_vec(),
            action_limit: 100,
            synthetic: false,
        }
    }
}

/// One table: a title and rows of text cells (the first row is the header).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub title: String,
    pub rows: Vec<Vec<String>>,
    /// 单位：件、%、天、万元 — the units of its figures (empty: no unit line).
    pub units: String,
    /// Cells (row, column) worse than the scope's own value (marked ▼).
    pub flagged: Vec<(usize, usize)>,
}

impl Table {
    fn new(title: impl Into<String>, rows: Vec<Vec<String>>) -> Table {
        Table { title: title.into(), rows, ..Table::default() }
    }
}

/// 报头: the name of the bulletin series, its issue and who issues it when.
#[derive(Debug, Clone, PartialEq)]
pub struct Masthead {
    /// 审判执行质效通报.
    pub name: String,
    /// 第10期.
    pub issue: String,
    /// 广州市中级人民法院审判管理办公室.
    pub office: String,
    pub date: String,
}

/// 版记: 报, 送 and the printing line.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub report_to: String,
    pub copy_to: String,
    /// The printing line: who prints it, and 2026年11月5日印发.
    pub office: String,
    pub printed_on: String,
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
    /// A reference value per series drawn as a dashed line (the scope's own value: 全市 or
    /// 全省), with its label; empty for none.
    pub reference: Vec<Option<f64>>,
    pub reference_label: String,
}

impl ChartData {
    /// The same chart without its title (when a caption under it names it).
    pub fn untitled(&self) -> ChartData {
        ChartData { title: String::new(), ..self.clone() }
    }
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
    pub masthead: Masthead,
    pub title: String,
    /// e.g. `2024年1月1日至2024年10月31日`.
    pub period_text: String,
    /// A line under the title when the data are the synthetic demo (never in the title).
    pub synthetic_line: Option<String>,
    pub overview: Vec<String>,
    /// 表1: courts (cities for a province) down, key indicators across, the scope's row last;
    /// cells worse than the scope's value flagged. For one court: the court against its city
    /// and its province. Always numbered 表1.
    pub comparison_table: Table,
    /// 点名: which courts are below the scope's level on each key indicator.
    pub named: Vec<String>,
    /// 存在问题 and 下一步工作要求: prompts for the office to complete (editable).
    pub problems: Vec<String>,
    pub requirements: Vec<String>,
    /// The scope's own table, then one per member: 附件 (annex).
    pub tables: Vec<Table>,
    pub trend: ChartData,
    pub comparison: ChartData,
    pub action_lists: Vec<ActionTable>,
    /// One numbered 注.
    pub notes: Vec<String>,
    /// 落款: the issuing court and office.
    pub issuer: String,
    pub issued_on: String,
    pub distribution: Distribution,
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
        let intervals = options.indicators.iter().any(|id| catalogue.entry(*id).reference.is_some());
        // The issuing court: the scope's own court (the 中院 of a city, the 高院 of a province).
        let code = match &scope.key {
            GroupKey::Province(c) | GroupKey::City(c) | GroupKey::Court(c) | GroupKey::Judge { court: c, .. } => *c,
        };
        let court_name =
            report.group(&GroupKey::Court(code)).and_then(|g| g.name.clone()).unwrap_or_else(|| subject.clone());
        let office = format!("{court_name}{}", options.issuer);
        let issued_on = chinese_date(options.issued_on);
        let issue = options.issue.unwrap_or_else(|| report.period.to().ymd().1);

        let city = match &scope.key {
            GroupKey::Court(c) => {
                c.city().filter(|city| city != c).and_then(|city| report.group(&GroupKey::City(city)))
            }
            _ => None,
        };
        let (comparison_table, named) = if members.len() > 1 && !matches!(scope.key, GroupKey::Court(_)) {
            comparison_table(catalogue, group, &members, &subject)
        } else {
            (court_table(report, catalogue, group, city), Vec::new())
        };
        let mut tables = vec![indicator_table(
            report,
            catalogue,
            group,
            &options.indicators,
            &format!("{subject}（{}）", group.key.code()),
            intervals,
        )];
        if !matches!(scope.key, GroupKey::Court(_)) {
            for m in &members {
                tables.push(indicator_table(report, catalogue, m, &options.indicators, &full_name(m), intervals));
            }
        }
        let trend = ChartData {
            title: "收结存月度趋势".to_owned(),
            unit: "件".to_owned(),
            categories: months.iter().map(|m| m.label.clone()).collect(),
            series: vec![
                ("新收".to_owned(), months.iter().map(|m| Some(m.filed as f64)).collect()),
                ("结案".to_owned(), months.iter().map(|m| Some(m.closed as f64)).collect()),
                ("未结（月末）".to_owned(), months.iter().map(|m| Some(m.pending as f64)).collect()),
            ],
            kind: ChartKind::Line,
            reference: Vec::new(),
            reference_label: String::new(),
        };
        let compared: Vec<&GroupReport> = if members.is_empty() { vec![group] } else { members.clone() };
        let comparison = ChartData {
            title: if matches!(scope.key, GroupKey::Province(_)) {
                "各市主要质效指标".to_owned()
            } else {
                "各院主要质效指标".to_owned()
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
            // The scope's own value as a line over its members' columns.
            reference: if members.is_empty() {
                Vec::new()
            } else {
                COMPARED_RATIOS.iter().map(|id| group.value(*id).as_f64().map(|v| v * 100.0)).collect()
            },
            reference_label: match scope.key {
                GroupKey::Province(_) => "全省".to_owned(),
                _ => "全市".to_owned(),
            },
        };
        let action_lists = vec![
            action_table("超审限未结案件", &actions.over_limit, true, options.action_limit, report),
            action_table("超12个月未结案件", &actions.over_12m, false, options.action_limit, report),
        ];
        let mut notes = vec![
            "同比：件数、金额为增减幅度（%），比率为增减个百分点，天数、人均结案数、案-件比为增减值。".to_owned(),
            "全市、全省：全市（全省）法院汇总计算的值；件数、金额为合计，不作比较，表中不列。数据中本省只有本市时不列全省。".to_owned(),
            "▼：劣于所在范围（全市或全省）的值。“—”表示分母为0、指标无定义；“不可得”表示案件数据不含计算所需信息。".to_owned(),
        ];
        if intervals {
            notes.push("区间：对照配置的区间参考值。".to_owned());
        }
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
        let synthetic_line = options.synthetic.then(|| {
            "【合成演示数据】本通报所用案件数据为系统生成的合成演示数据，非真实案件，人名均为虚构。".to_owned()
        });
        let worst = named.first().cloned();
        Ok(Bulletin {
            masthead: Masthead {
                name: "审判执行质效通报".to_owned(),
                issue: format!("第{issue}期"),
                office: office.clone(),
                date: issued_on.clone(),
            },
            title,
            overview: overview(report, catalogue, group, city, &subject, &period_text),
            period_text,
            synthetic_line,
            comparison_table,
            named,
            problems: vec![format!(
                "【请填写：结合表1和督办清单，指出{}存在的主要问题，如{}】",
                subject,
                worst.map_or("审限内结案率偏低、长期未结案件较多等".to_owned(), |w| format!("{w}……"))
            )],
            requirements: vec![
                "【请填写：针对上述问题提出下一步工作要求，如对超审限、超12个月未结案件逐案督办、限期清结等】"
                    .to_owned(),
            ],
            tables,
            trend,
            comparison,
            action_lists,
            notes,
            issuer: office.clone(),
            issued_on: issued_on.clone(),
            distribution: Distribution {
                report_to: options.report_to.clone(),
                copy_to: options.copy_to.clone().unwrap_or_else(|| match scope.key {
                    GroupKey::Province(_) => "各审判业务部门，各中级人民法院".to_owned(),
                    GroupKey::City(_) => "各审判业务部门，各基层人民法院".to_owned(),
                    _ => "本院各审判业务部门".to_owned(),
                }),
                office: office.clone(),
                printed_on: format!("{issued_on}印发"),
            },
        })
    }
}

/// A figure for a bulletin table: amounts in 万元 (the unit line says so), the rest as the
/// metrics tables print them.
fn bulletin_value(v: &Value, unit: Unit) -> String {
    match (unit, v) {
        (Unit::Amount, Value::Amount(a)) => scaled_two_decimals(*a, 100_000_000),
        _ => table_value(v, unit),
    }
}

/// The indicator's name with its unit where the unit line does not say it.
fn column_name(catalogue: &Catalogue, id: IndicatorId) -> String {
    let entry = catalogue.entry(id);
    let bare = entry.name.split(['（', '(']).next().unwrap_or(&entry.name).trim().to_owned();
    match entry.unit {
        Unit::Amount => format!("{bare}（万元）"),
        _ => bare,
    }
}

/// Whether `value` is worse than `reference` for an indicator of `direction`.
fn worse(direction: xiezhi_metrics::Direction, value: &Value, reference: &Value) -> bool {
    match (value.as_f64(), reference.as_f64(), direction) {
        (Some(v), Some(r), xiezhi_metrics::Direction::Higher) => v < r - 1e-12,
        (Some(v), Some(r), xiezhi_metrics::Direction::Lower) => v > r + 1e-12,
        _ => false,
    }
}

/// 表1 of a city or province: one row per member, the scope's row last, cells worse than the
/// scope's value flagged; and the 点名 sentences naming the members below it.
fn comparison_table(
    catalogue: &Catalogue,
    scope: &GroupReport,
    members: &[&GroupReport],
    subject: &str,
) -> (Table, Vec<String>) {
    let level = if matches!(scope.key, GroupKey::Province(_)) { "全省" } else { "全市" };
    let mut header = vec!["序号".to_owned(), if level == "全省" { "地区" } else { "法院" }.to_owned()];
    header.extend(COMPARISON_COLUMNS.iter().map(|id| column_name(catalogue, *id)));
    let mut rows = vec![header];
    let mut flagged = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let mut row = vec![(i + 1).to_string(), short_name(m)];
        for (c, id) in COMPARISON_COLUMNS.iter().enumerate() {
            let entry = catalogue.entry(*id);
            row.push(bulletin_value(m.value(*id), entry.unit));
            if worse(entry.direction, m.value(*id), scope.value(*id)) {
                flagged.push((i + 1, c + 2));
            }
        }
        rows.push(row);
    }
    let mut total = vec![String::new(), level.to_owned()];
    total.extend(COMPARISON_COLUMNS.iter().map(|id| bulletin_value(scope.value(*id), catalogue.entry(*id).unit)));
    rows.push(total);
    let named = COMPARISON_COLUMNS
        .iter()
        .filter(|id| catalogue.entry(**id).direction != xiezhi_metrics::Direction::None)
        .filter_map(|id| {
            let entry = catalogue.entry(*id);
            let below: Vec<String> = members
                .iter()
                .filter(|m| worse(entry.direction, m.value(*id), scope.value(*id)))
                .map(|m| short_name(m))
                .collect();
            if below.is_empty() {
                return None;
            }
            let word = if entry.direction == xiezhi_metrics::Direction::Higher { "低于" } else { "高于" };
            let name = entry.name.split(['（', '(']).next().unwrap_or(&entry.name);
            Some(format!(
                "{name}{word}{level}平均水平（{}）的有：{}。",
                bulletin_value(scope.value(*id), entry.unit),
                below.join("、")
            ))
        })
        .collect();
    let mut table = Table::new(format!("{subject}各{}主要质效指标", if level == "全省" { "市" } else { "院" }), rows);
    table.units = "单位：件、%、天".to_owned();
    table.flagged = flagged;
    (table, named)
}

/// 表1 of one court: the court against its city (全市) and its province (全省).
fn court_table(
    report: &MetricsReport,
    catalogue: &Catalogue,
    court: &GroupReport,
    city: Option<&GroupReport>,
) -> Table {
    let province = province_comparison_refused(report, court).is_none();
    let mut header = vec!["指标".to_owned(), "本院".to_owned(), "去年同期".to_owned(), "同比".to_owned()];
    if city.is_some() {
        header.push("全市".to_owned());
    }
    if province {
        header.push("全省".to_owned());
    }
    let mut rows = vec![header];
    let mut flagged = Vec::new();
    for (r, id) in COMPARISON_COLUMNS.iter().enumerate() {
        let entry = catalogue.entry(*id);
        let comparable = !matches!(entry.unit, Unit::Count | Unit::Amount);
        let mut row = vec![
            column_name(catalogue, *id),
            bulletin_value(court.value(*id), entry.unit),
            bulletin_value(&court.previous[id.index()], entry.unit),
            table_change(court.change[id.index()], entry.unit),
        ];
        if let Some(c) = city {
            row.push(if comparable { bulletin_value(c.value(*id), entry.unit) } else { String::new() });
            if comparable && worse(entry.direction, court.value(*id), c.value(*id)) {
                flagged.push((r + 1, 1));
            }
        }
        if province {
            let p = province_value(report, court, *id).filter(|_| comparable);
            row.push(p.map_or(String::new(), |v| bulletin_value(v, entry.unit)));
        }
        rows.push(row);
    }
    let mut table = Table::new(format!("{}主要质效指标", court.name.clone().unwrap_or_else(|| court.key.code())), rows);
    table.units = "单位：件、%、天、万元".to_owned();
    table.flagged = flagged;
    table
}

fn indicator_table(
    report: &MetricsReport,
    catalogue: &Catalogue,
    g: &GroupReport,
    ids: &[IndicatorId],
    title: &str,
    intervals: bool,
) -> Table {
    // No province column for the province itself, nor when the data holds no other city of
    // it ("全省" would be this city again); counts and amounts are totals, not compared.
    let compared = province_comparison_refused(report, g).is_none();
    let mut header: Vec<String> = ["指标", "本期", "去年同期", "同比"].map(str::to_owned).to_vec();
    if compared {
        header.push("全省".to_owned());
    }
    if intervals {
        header.push("区间".to_owned());
    }
    let mut rows = vec![header];
    for &id in ids {
        let entry = catalogue.entry(id);
        let i = id.index();
        let comparable = !matches!(entry.unit, Unit::Count | Unit::Amount);
        let mut row = vec![
            column_name(catalogue, id),
            bulletin_value(&g.values[i], entry.unit),
            bulletin_value(&g.previous[i], entry.unit),
            table_change(g.change[i], entry.unit),
        ];
        if compared {
            row.push(
                province_value(report, g, id)
                    .filter(|_| comparable)
                    .map_or(String::new(), |v| bulletin_value(v, entry.unit)),
            );
        }
        if intervals {
            row.push(band_label(g.band[i]).to_owned());
        }
        rows.push(row);
    }
    let mut table = Table::new(title, rows);
    table.units = "单位：件、%、天、万元".to_owned();
    table
}

fn action_table(
    title: &str,
    cases: &[ActionCase],
    with_deadline: bool,
    limit: usize,
    report: &MetricsReport,
) -> ActionTable {
    // Short court names (荔湾区, 市中院) keep the 案号 on one line.
    let court_name = |code: &str| {
        xiezhi_domain::CourtCode::parse(code)
            .and_then(|c| report.group(&GroupKey::Court(c)))
            .map_or_else(|| code.to_owned(), short_name)
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
        table: Table::new(String::new(), shown),
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

/// 高于全市平均水平1.20个百分点 / 低于… / 与全市平均水平持平 for a court's rate.
fn city_phrase(g: &GroupReport, city: &GroupReport, id: IndicatorId) -> String {
    let (Some(v), Some(c)) = (g.value(id).as_f64(), city.value(id).as_f64()) else { return String::new() };
    let points = (v - c) * 100.0;
    let figure = format!("{:.2}", points.abs());
    if figure == "0.00" {
        "与全市平均水平持平".to_owned()
    } else {
        format!("{}全市平均水平{figure}个百分点", if points > 0.0 { "高于" } else { "低于" })
    }
}

fn overview(
    report: &MetricsReport,
    catalogue: &Catalogue,
    g: &GroupReport,
    city: Option<&GroupReport>,
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
                city.map_or(String::new(), |c| city_phrase(g, c, id)),
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

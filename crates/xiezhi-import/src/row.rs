//! Turning one row of cells into [`CaseFacts`], collecting every problem of the row.

use std::fmt;

use xiezhi_domain::{Amount, CaseFacts, CaseNumber, Date, Disposition, Procedure};

use crate::columns::{Column, HeaderMap, trim_cell};

/// One cell as read from CSV (always text) or XLSX (typed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    /// An XLSX date cell, as an Excel serial day number.
    DateSerial(f64),
}

/// A problem with one value of one row: `row N, column C: reason (value)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row as a spreadsheet shows it: the header is row 1, the first case row 2.
    pub row: u64,
    /// The column's header as written in the file (or the key when the column is absent).
    pub column: String,
    pub reason: String,
    /// The value seen, as text.
    pub value: String,
}

/// Why a text is not a 案号, in Chinese.
pub(crate) fn case_number_reason(e: &xiezhi_domain::CaseNumberError) -> String {
    use xiezhi_domain::CaseNumberError as E;
    match e {
        E::Empty => "为空".to_owned(),
        E::MissingYear => "应以（年度）开头".to_owned(),
        E::BadYear => "年度应为四位数字".to_owned(),
        E::MissingSuffix => "应以“号”结尾".to_owned(),
        E::UnknownCourt => "法院代字无法识别".to_owned(),
        E::UnknownTypeCode(t) => format!("类型代字“{t}”无法识别"),
        E::BadSequence => "案件编号应为数字".to_owned(),
    }
}

/// Why a text is not an amount, in Chinese.
pub(crate) fn amount_reason(e: &xiezhi_domain::AmountError) -> &'static str {
    use xiezhi_domain::AmountError as E;
    match e {
        E::NotANumber => "不是数字",
        E::Negative => "不能为负",
        E::TooPrecise => "小数超过4位",
        E::TooLarge => "数额过大",
    }
}

/// Characters of a value echoed in a problem report; longer values are cut with their length
/// noted, so a 10 MB cell never becomes a 10 MB error.
pub const ECHOED_CHARS: usize = 80;

/// `value` as a problem report echoes it: at most [`ECHOED_CHARS`] characters, line breaks shown.
pub fn clip_value(value: &str) -> String {
    let mut chars = value.chars();
    let head: String = chars.by_ref().take(ECHOED_CHARS).collect::<String>().replace('\n', "↵");
    if chars.next().is_none() {
        return head;
    }
    format!("{head}…（共{}字）", value.chars().count())
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}, column {}: {} ({})", self.row, self.column, self.reason, self.value)
    }
}

impl Cell<'_> {
    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => trim_cell(t).is_empty(),
            Cell::Number(_) | Cell::DateSerial(_) => false,
        }
    }

    /// The value as the user would read it, for problem reports.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => trim_cell(t).to_owned(),
            Cell::Number(n) | Cell::DateSerial(n) => format!("{n}"),
        }
    }
}

/// Full-width ASCII forms (`２０２４`, `１，２３４．５`, `－`) as their ASCII characters, for the
/// columns whose values are numbers, dates or 案号 (Chinese input methods type them so).
fn half_width(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(|c| !('\u{ff01}'..='\u{ff5e}').contains(&c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// Strips a time of day after a date (`2024/3/5 0:00`, `2024-03-05 08:30:00`,
/// `2024-03-05T00:00:00`), as spreadsheets write date-time cells into CSV.
fn without_time(text: &str) -> &str {
    let Some((date, time)) = text.split_once([' ', 'T']) else { return text };
    let time = time.trim();
    let mut parts = time.split(':');
    let is_number = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit());
    let hour = parts.next().is_some_and(|h| is_number(h, 2));
    let minute = parts.next().is_some_and(|m| is_number(m, 2));
    let second = parts.next().is_none_or(|s| {
        let whole = s.split_once('.').map_or(s, |(w, _)| w);
        is_number(whole, 2)
    });
    if hour && minute && second && parts.next().is_none() { date.trim_end() } else { text }
}

/// Parses a date in any accepted form: `2024-03-05`, `2024/3/5`, `2024.3.5`, `2024年3月5日`,
/// `20240305`, each also with a time of day after it (ignored) and in full-width digits. A bare
/// number in a CSV is not an Excel serial.
pub fn parse_date_text(text: &str) -> Result<Date, String> {
    let normal = half_width(text);
    let text = without_time(&normal);
    let bad = || "日期无法识别，可用格式：2024-03-05、2024/3/5、2024.3.5、2024年3月5日、20240305".to_owned();
    let (y, m, d) = if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        (&text[0..4], &text[4..6], &text[6..8])
    } else if let Some(rest) = text.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(bad)?;
        let (m, d) = rest.split_once('月').ok_or_else(bad)?;
        (y, m, d)
    } else {
        let sep = text.chars().find(|c| matches!(c, '-' | '/' | '.')).ok_or_else(bad)?;
        let mut parts = text.split(sep);
        let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        (y, m, d)
    };
    let digits =
        |s: &str, min: usize, max: usize| (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4, 4) || !digits(m, 1, 2) || !digits(d, 1, 2) {
        return Err(bad());
    }
    let (y, m, d) =
        (y.parse::<i32>().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    Date::from_ymd(y, m, d).map_err(|_| "日期不存在".to_owned())
}

/// An Excel serial day number (1900 date system) as a date; the time of day is ignored.
pub fn date_from_serial(serial: f64) -> Result<Date, String> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return Err("不是Excel日期".to_owned());
    }
    // Serial 1 = 1900-01-01, and Excel counts a non-existent 1900-02-29 (serial 60); from
    // serial 61 on, day n is 1899-12-30 + n.
    let whole = serial.floor() as i32;
    let epoch = Date::from_ymd(1899, 12, 30).expect("a real day").day_number();
    let n = if whole < 61 { whole + 1 } else { whole };
    Ok(Date::from_day_number(epoch + n))
}

fn text_of(cell: Cell<'_>) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(t) => Some(trim_cell(t).to_owned()).filter(|s| !s.is_empty()),
        Cell::Number(n) | Cell::DateSerial(n) => Some(format!("{n}")),
    }
}

/// Collects a row's problems while its fields are parsed.
struct RowParser<'h, 'c, F: Fn(usize) -> Cell<'c>> {
    row: u64,
    header: &'h HeaderMap,
    get: F,
    problems: Vec<Problem>,
}

impl<'c, F: Fn(usize) -> Cell<'c>> RowParser<'_, 'c, F> {
    fn cell(&self, column: Column) -> Cell<'c> {
        self.header.position(column).map_or(Cell::Empty, |i| (self.get)(i))
    }

    fn problem(&mut self, column: Column, reason: impl Into<String>, value: String) {
        self.problems.push(Problem {
            row: self.row,
            column: self.header.header(column).to_owned(),
            reason: reason.into(),
            value: clip_value(&value),
        });
    }

    fn text(&self, column: Column) -> Option<String> {
        text_of(self.cell(column))
    }

    fn required<T>(&mut self, column: Column, parse: impl FnOnce(&mut Self, Cell<'c>) -> Option<T>) -> Option<T> {
        let cell = self.cell(column);
        if cell.is_empty() {
            self.problem(column, "必填项为空", String::new());
            return None;
        }
        parse(self, cell)
    }

    fn optional<T>(&mut self, column: Column, parse: impl FnOnce(&mut Self, Cell<'c>) -> Option<T>) -> Option<T> {
        let cell = self.cell(column);
        if cell.is_empty() { None } else { parse(self, cell) }
    }

    fn case_number(&mut self, column: Column, cell: Cell<'c>) -> Option<CaseNumber> {
        let text = cell.display();
        match CaseNumber::parse(&half_width(&text)) {
            Ok(n) => Some(n),
            Err(e) => {
                self.problem(column, format!("案号无法识别：{}", case_number_reason(&e)), text);
                None
            }
        }
    }

    fn date(&mut self, column: Column, cell: Cell<'c>) -> Option<Date> {
        let parsed = match cell {
            // Only XLSX produces numbers: there a number in a date column is a serial.
            Cell::DateSerial(n) | Cell::Number(n) => date_from_serial(n),
            other => parse_date_text(&other.display()),
        };
        parsed.map_err(|reason| self.problem(column, reason, cell.display())).ok()
    }

    fn amount(&mut self, column: Column, cell: Cell<'c>) -> Option<Amount> {
        let in_wan = self.header.in_wan(column);
        let text = cell.display();
        Amount::parse(&half_width(&text), in_wan)
            .map_err(|e| self.problem(column, format!("金额无效：{}", amount_reason(&e)), text))
            .ok()
    }

    fn days(&mut self, column: Column, cell: Cell<'c>) -> Option<u32> {
        let text = cell.display();
        let normal = half_width(&text);
        let parsed = normal.strip_suffix('天').unwrap_or(&normal).parse::<u32>();
        match parsed {
            Ok(n) if n <= 36_500 => Some(n),
            Ok(_) => {
                self.problem(column, "天数过大（上限36500天）", text);
                None
            }
            _ if text.starts_with('-') => {
                self.problem(column, "天数不能为负", text);
                None
            }
            _ => {
                self.problem(column, "天数应为整数", text);
                None
            }
        }
    }

    fn boolean(&mut self, column: Column, cell: Cell<'c>) -> Option<bool> {
        let text = cell.display();
        match text.to_lowercase().as_str() {
            "是" | "有" | "true" | "1" | "y" | "yes" => Some(true),
            "否" | "无" | "false" | "0" | "n" | "no" => Some(false),
            _ => {
                self.problem(column, "应为是/否、有/无、true/false、1/0、Y/N", text);
                None
            }
        }
    }
}

/// Parses one row. `get(i)` returns the cell at file position `i`.
pub fn parse_row<'c>(row: u64, header: &HeaderMap, get: impl Fn(usize) -> Cell<'c>) -> Result<CaseFacts, Vec<Problem>> {
    parse_row_keeping_number(row, header, get).map_err(|(problems, _)| problems)
}

/// As [`parse_row`]; a row with problems also gives back its 案号 when that parsed (the
/// within-file duplicate check covers rows with other problems too).
pub(crate) fn parse_row_keeping_number<'c>(
    row: u64,
    header: &HeaderMap,
    get: impl Fn(usize) -> Cell<'c>,
) -> Result<CaseFacts, (Vec<Problem>, Option<CaseNumber>)> {
    let mut p = RowParser { row, header, get, problems: Vec::new() };
    let case_number = p.required(Column::CaseNumber, |p, c| p.case_number(Column::CaseNumber, c));
    let filed_on = p.required(Column::FiledOn, |p, c| p.date(Column::FiledOn, c));
    let closed_on = p.optional(Column::ClosedOn, |p, c| p.date(Column::ClosedOn, c));
    let procedure = p.optional(Column::Procedure, |p, c| {
        let text = c.display();
        Procedure::parse(&text)
            .map_err(|_| {
                p.problem(
                    Column::Procedure,
                    format!(
                        "适用程序无法识别，应为：{}",
                        Procedure::ALL.iter().map(|p| p.label()).collect::<Vec<_>>().join("、")
                    ),
                    text,
                )
            })
            .ok()
    });
    let disposition_cell = p.cell(Column::Disposition);
    let disposition = p.optional(Column::Disposition, |p, c| {
        let text = c.display();
        Disposition::parse(&text)
            .map_err(|_| {
                let allowed: Vec<&str> = Disposition::ALL.iter().map(|d| d.label()).collect();
                p.problem(Column::Disposition, format!("结案方式不在词表中，应为：{}", allowed.join("、")), text)
            })
            .ok()
    });
    let claim_amount = p.optional(Column::ClaimAmount, |p, c| p.amount(Column::ClaimAmount, c));
    let applied_amount = p.optional(Column::AppliedAmount, |p, c| p.amount(Column::AppliedAmount, c));
    let recovered_amount = p.optional(Column::RecoveredAmount, |p, c| p.amount(Column::RecoveredAmount, c));
    let extension_days = p.optional(Column::ExtensionDays, |p, c| p.days(Column::ExtensionDays, c)).unwrap_or(0);
    let suspended_days = p.optional(Column::SuspendedDays, |p, c| p.days(Column::SuspendedDays, c)).unwrap_or(0);
    let origin_case_number = p.optional(Column::OriginCaseNumber, |p, c| p.case_number(Column::OriginCaseNumber, c));
    let has_property = p.optional(Column::HasProperty, |p, c| p.boolean(Column::HasProperty, c));

    if let (Some(filed), Some(closed)) = (filed_on, closed_on)
        && closed < filed
    {
        p.problem(Column::ClosedOn, format!("结案日期早于立案日期（{filed}）"), closed.to_string());
    }
    let closed_cell = p.cell(Column::ClosedOn);
    match (closed_cell.is_empty(), disposition_cell.is_empty()) {
        (false, true) => p.problem(Column::Disposition, "已结案但无结案方式", String::new()),
        (true, false) => {
            p.problem(Column::Disposition, "未结案件（无结案日期）不应有结案方式", disposition_cell.display())
        }
        _ => {}
    }

    if !p.problems.is_empty() {
        return Err((p.problems, case_number));
    }
    Ok(CaseFacts {
        case_number: case_number.expect("no problems, so present"),
        court_name: p.text(Column::CourtName),
        cause: p.text(Column::Cause),
        procedure,
        filed_on: filed_on.expect("no problems, so present"),
        closed_on,
        disposition,
        judge: p.text(Column::Judge),
        department: p.text(Column::Department),
        claim_amount,
        applied_amount,
        recovered_amount,
        extension_days,
        suspended_days,
        origin_case_number,
        has_property,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> Date {
        Date::from_ymd(y, m, dd).unwrap()
    }

    #[test]
    fn date_forms() {
        for text in ["2024-03-05", "2024/3/5", "2024.3.5", "2024年3月5日", "20240305", "2024-3-05"] {
            assert_eq!(parse_date_text(text), Ok(d(2024, 3, 5)), "{text}");
        }
        // With a time of day (Excel's date-time cells saved as CSV) and in full-width digits.
        for text in [
            "2024/3/5 0:00",
            "2024-03-05 08:30:00",
            "2024-03-05T00:00:00",
            "２０２４－０３－０５",
            "２０２４年３月５日",
        ] {
            assert_eq!(parse_date_text(text), Ok(d(2024, 3, 5)), "{text}");
        }
        for text in [
            "2023-02-29",
            "2024-13-01",
            "24-3-5",
            "2024-03",
            "45000",
            "2024/3-5",
            "2024年3月5",
            "2024-03-05 morning",
            "2024-03-05 8",
        ] {
            assert!(parse_date_text(text).is_err(), "{text}");
        }
    }

    #[test]
    fn full_width_numbers_and_case_numbers() {
        let facts = row(&[
            ("案号", "（２０２４）粤０７０３民初１２号"),
            ("立案日期", "２０２４／１／３１"),
            ("标的额", "１，２３４．５"),
            ("延长天数", "３０"),
        ])
        .unwrap();
        assert_eq!(facts.case_number.as_str(), "（2024）粤0703民初12号");
        assert_eq!(facts.filed_on, d(2024, 1, 31));
        assert_eq!(facts.claim_amount, Some(Amount::from_ten_thousandths(12_345_000)));
        assert_eq!(facts.extension_days, 30);
        let p =
            row(&[("案号", "(2024)粤0703民初12号"), ("立案日期", "2024-01-31"), ("延长天数", "40000")]).unwrap_err();
        assert_eq!(p[0].to_string(), "row 2, column 延长天数: 天数过大（上限36500天） (40000)");
    }

    #[test]
    fn excel_serials() {
        assert_eq!(date_from_serial(45356.0), Ok(d(2024, 3, 5)));
        assert_eq!(date_from_serial(1.0), Ok(d(1900, 1, 1)));
        assert_eq!(date_from_serial(61.0), Ok(d(1900, 3, 1)));
        assert_eq!(date_from_serial(45356.75), Ok(d(2024, 3, 5)));
    }

    fn row(cells: &[(&str, &str)]) -> Result<CaseFacts, Vec<Problem>> {
        let headers: Vec<&str> = cells.iter().map(|c| c.0).collect();
        let map = HeaderMap::new(&headers).unwrap();
        parse_row(2, &map, |i| Cell::Text(cells[i].1))
    }

    #[test]
    fn good_row() {
        let facts = row(&[
            ("案号", "(2024)粤0703民初12号"),
            ("立案日期", "2024年1月31日"),
            ("结案日期", "2024/2/29"),
            ("结案方式", "调解结案"),
            ("标的额（万元）", "1.5"),
            ("有无财产", "Y"),
            ("延长天数", ""),
        ])
        .unwrap();
        assert_eq!(facts.case_number.as_str(), "（2024）粤0703民初12号");
        assert_eq!(facts.closed_on, Some(d(2024, 2, 29)));
        assert_eq!(facts.disposition, Some(Disposition::Mediation));
        assert_eq!(facts.claim_amount, Some(Amount::from_yuan(15_000)));
        assert_eq!(facts.has_property, Some(true));
        assert_eq!(facts.extension_days, 0);
    }

    #[test]
    fn every_problem_of_a_row_is_listed() {
        let problems = row(&[
            ("案号", "粤0703民初12号"),
            ("立案日期", "2024-03-05"),
            ("结案日期", "2024-03-01"),
            ("结案方式", "其它"),
            ("标的额", "-5"),
            ("原审案号", "(2023)粤07"),
        ])
        .unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 5, "{text:#?}");
        assert!(text[0].starts_with("row 2, column 案号: 案号无法识别："), "{}", text[0]);
        assert!(text.iter().any(|t| t.starts_with("row 2, column 结案方式: 结案方式不在词表中，应为：判决、调解、")
            && t.ends_with("其他 (其它)")));
        assert!(text.iter().any(|t| t == "row 2, column 标的额: 金额无效：不能为负 (-5)"));
        assert!(text.iter().any(|t| t == "row 2, column 结案日期: 结案日期早于立案日期（2024-03-05） (2024-03-01)"));
        assert!(text.iter().any(|t| t.starts_with("row 2, column 原审案号: 案号无法识别：")));
    }

    #[test]
    fn disposition_must_match_closing() {
        let p = row(&[("案号", "(2024)粤0703民初12号"), ("立案日期", "2024-03-05"), ("结案方式", "判决")]).unwrap_err();
        assert_eq!(p[0].to_string(), "row 2, column 结案方式: 未结案件（无结案日期）不应有结案方式 (判决)");
        let p = row(&[("案号", "(2024)粤0703民初12号"), ("立案日期", "2024-03-05"), ("结案日期", "2024-04-05")])
            .unwrap_err();
        assert_eq!(p[0].to_string(), "row 2, column disposition: 已结案但无结案方式 ()");
    }
}

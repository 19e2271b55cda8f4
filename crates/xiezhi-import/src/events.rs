//! 案件事件 files (contract case-events.md, "Events"): JSON lines, or CSV/XLSX whose columns
//! are the keys or their Chinese labels. Each record becomes a ([`CaseNumber`], [`CaseEvent`])
//! or every [`Problem`] of the record (row, field, value). What needs the case itself (a date
//! before filing, a case with no limit, a payment on a non-enforcement case) is the caller's
//! check.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use xiezhi_domain::{
    Amount, CaseEvent, CaseNumber, Date, EventKind, Procedure, Span, SuspensionKind, TerminalApproval, TerminalItems,
};

use crate::ImportError;
use crate::row::{Problem, parse_date_text};
use crate::table::read_table;

/// An event field: its key and Chinese labels.
const FIELDS: &[(&str, &[&str])] = &[
    ("case_number", &["案号"]),
    ("event", &["事件", "事件类型", "type"]),
    ("on", &["日期", "批准日期", "发生日期", "收到日期"]),
    ("months", &["月数", "延长月数"]),
    ("days", &["天数", "延长天数"]),
    ("approver", &["批准人"]),
    ("reason", &["理由", "原因"]),
    ("kind", &["扣除类型", "种类"]),
    ("from", &["起始日期", "开始日期"]),
    ("to", &["结束日期", "截止日期"]),
    ("procedure", &["程序", "适用程序"]),
    ("amount", &["金额", "到位金额"]),
    ("approval", &["审批", "批准方式"]),
    ("resolved_on", &["办结日期"]),
    ("notice_and_report_order", &["执行通知与报告财产令"]),
    ("consumption_restriction", &["限制消费令/失信", "限制消费令"]),
    ("property_search_exhausted", &["穷尽财产调查"]),
    ("missing_person_searched", &["下落不明已查找"]),
    ("obstruction_sanctioned", &["妨害执行已处理"]),
    ("applicant_consulted", &["约谈申请执行人"]),
];

/// The key of a header or JSON key (English key, case-insensitive, or a Chinese label).
fn key_of(name: &str) -> Option<&'static str> {
    let n = name.trim();
    FIELDS.iter().find(|(k, labels)| k.eq_ignore_ascii_case(n) || labels.contains(&n)).map(|(k, _)| *k)
}

/// One record as text by key, and the header it was written under (for problems).
#[derive(Debug, Clone, Default)]
pub struct EventRecord {
    pub row: u64,
    values: HashMap<&'static str, (String, String)>,
}

impl EventRecord {
    fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
    }

    fn header(&self, key: &'static str) -> String {
        self.values.get(key).map_or_else(|| key.to_owned(), |(h, _)| h.clone())
    }

    /// A record from (field name as written, value) pairs; unknown names are ignored.
    pub fn from_pairs<'a>(row: u64, pairs: impl IntoIterator<Item = (&'a str, String)>) -> EventRecord {
        let mut values = HashMap::new();
        for (name, value) in pairs {
            if let Some(key) = key_of(name) {
                values.insert(key, (name.trim().to_owned(), crate::trim_cell(&value).to_owned()));
            }
        }
        EventRecord { row, values }
    }

    /// A record from a JSON object: strings, numbers and booleans as text, `items` flattened to
    /// its item keys, null as blank. A value of another type is a problem.
    pub fn from_json(
        row: u64,
        object: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<EventRecord, Vec<Problem>> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut problems = Vec::new();
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::Null => Some(String::new()),
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        for (k, v) in object {
            if k == "items" {
                match v {
                    serde_json::Value::Object(items) => {
                        for (ik, iv) in items {
                            match text(iv) {
                                Some(t) => pairs.push((ik.clone(), t)),
                                None => problems.push(Problem {
                                    row,
                                    column: format!("items.{ik}"),
                                    reason: "应为 true/false".into(),
                                    value: crate::row::clip_value(&iv.to_string()),
                                }),
                            }
                        }
                    }
                    serde_json::Value::Null => {}
                    other => problems.push(Problem {
                        row,
                        column: "items".into(),
                        reason: "应为对象 {\"notice_and_report_order\": true, …}".into(),
                        value: crate::row::clip_value(&other.to_string()),
                    }),
                }
                continue;
            }
            match text(v) {
                Some(t) => pairs.push((k.clone(), t)),
                None => problems.push(Problem {
                    row,
                    column: k.clone(),
                    reason: "应为文本、数字或 true/false".into(),
                    value: crate::row::clip_value(&v.to_string()),
                }),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(EventRecord::from_pairs(row, pairs.iter().map(|(k, v)| (k.as_str(), v.clone()))))
    }
}

/// One event read, with its row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub row: u64,
    pub case_number: CaseNumber,
    pub event: CaseEvent,
}

fn yes_no(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "是" | "有" | "true" | "1" | "y" | "yes" | "√" => Some(true),
        "否" | "无" | "false" | "0" | "n" | "no" | "" | "×" => Some(false),
        _ => None,
    }
}

/// Reads one record into an event. `case_number` overrides the record's (the API's path).
pub fn parse_event(r: &EventRecord, case_number: Option<&CaseNumber>) -> Result<EventRow, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut problem = |key: &'static str, reason: &str, value: &str| {
        problems.push(Problem {
            row: r.row,
            column: r.header(key),
            reason: reason.to_owned(),
            value: crate::row::clip_value(value),
        })
    };
    let number = match case_number {
        Some(n) => {
            if let Some(given) = r.get("case_number")
                && CaseNumber::parse(given).ok().as_ref() != Some(n)
            {
                problem("case_number", "与地址中的案号不一致", given);
            }
            Some(n.clone())
        }
        None => match r.get("case_number") {
            None => {
                problem("case_number", "必填", "");
                None
            }
            Some(t) => CaseNumber::parse(t)
                .map_err(|e| {
                    problem("case_number", &format!("不是有效案号：{}", crate::row::case_number_reason(&e)), t)
                })
                .ok(),
        },
    };
    let kind = match r.get("event") {
        None => {
            problem("event", "必填：延长审限、扣除审限、程序转换、重新计算、执行到位、终本核查或执行信访", "");
            None
        }
        Some(t) => {
            let k = EventKind::parse(t);
            if k.is_none() {
                problem(
                    "event",
                    "未知的事件，应为：延长审限、扣除审限、程序转换、重新计算、执行到位、终本核查、执行信访（或 extension、suspension、conversion、restart、payment、terminal_check、petition）",
                    t,
                );
            }
            k
        }
    };
    let date = |key: &'static str, required: bool, problem: &mut dyn FnMut(&'static str, &str, &str)| -> Option<Date> {
        match r.get(key) {
            None => {
                if required {
                    problem(key, "必填", "");
                }
                None
            }
            Some(t) => parse_date_text(t).map_err(|e| problem(key, &e, t)).ok(),
        }
    };
    let event = match kind {
        None => None,
        Some(EventKind::Extension) => {
            let on = date("on", true, &mut problem);
            let span = match (r.get("months"), r.get("days")) {
                (Some(m), None) => match m.parse::<u16>() {
                    Ok(v) if (1..=120).contains(&v) => Some(Span::Months(v)),
                    _ => {
                        problem("months", "应为 1–120 的整数月", m);
                        None
                    }
                },
                (None, Some(d)) => match d.parse::<u32>() {
                    Ok(v) if (1..=3650).contains(&v) => Some(Span::Days(v)),
                    _ => {
                        problem("days", "应为 1–3650 的整数天", d);
                        None
                    }
                },
                (Some(_), Some(d)) => {
                    problem("days", "月数与天数只能填一项", d);
                    None
                }
                (None, None) => {
                    problem("months", "延长审限须填月数或天数", "");
                    None
                }
            };
            match (on, span) {
                (Some(on), Some(span)) => Some(CaseEvent::Extension {
                    on,
                    span,
                    approver: r.get("approver").map(str::to_owned),
                    reason: r.get("reason").map(str::to_owned),
                }),
                _ => None,
            }
        }
        Some(EventKind::Suspension) => {
            let kind = match r.get("kind") {
                None => {
                    problem(
                        "kind",
                        "必填：公告、鉴定、和解、调解、管辖异议、中止、审计评估、暂缓执行、拍卖变卖、补充侦查、其他",
                        "",
                    );
                    None
                }
                Some(t) => {
                    let k = SuspensionKind::parse(t);
                    if k.is_none() {
                        problem(
                            "kind",
                            "应为公告、鉴定、和解、调解、管辖异议、中止、审计评估、暂缓执行、拍卖变卖、补充侦查、其他",
                            t,
                        );
                    }
                    k
                }
            };
            let from = date("from", true, &mut problem);
            let to = date("to", false, &mut problem);
            if let (Some(f), Some(t)) = (from, to)
                && t < f
            {
                problem("to", &format!("结束日期早于起始日期 {f}"), &t.to_string());
            }
            match (kind, from) {
                (Some(kind), Some(from)) if to.is_none_or(|t| t >= from) => {
                    Some(CaseEvent::Suspension { kind, from, to })
                }
                _ => None,
            }
        }
        Some(EventKind::Conversion) => {
            let on = date("on", true, &mut problem);
            let procedure = match r.get("procedure") {
                None => {
                    problem("procedure", "必填", "");
                    None
                }
                Some(t) => Procedure::parse(t)
                    .map_err(|_| {
                        problem(
                            "procedure",
                            "适用程序无法识别，应为：普通程序、简易程序、小额诉讼程序、速裁程序、特别程序",
                            t,
                        )
                    })
                    .ok(),
            };
            match (on, procedure) {
                (Some(on), Some(procedure)) => Some(CaseEvent::Conversion { on, procedure }),
                _ => None,
            }
        }
        Some(EventKind::Restart) => date("on", true, &mut problem)
            .map(|on| CaseEvent::Restart { on, reason: r.get("reason").map(str::to_owned) }),
        Some(EventKind::Payment) => {
            let on = date("on", true, &mut problem);
            let amount = match r.get("amount") {
                None => {
                    problem("amount", "必填：金额（元）", "");
                    None
                }
                Some(t) => match Amount::parse(t, false) {
                    Ok(a) if a.ten_thousandths() > 0 && a.ten_thousandths() % 100 == 0 => Some(a),
                    Ok(a) if a.ten_thousandths() == 0 => {
                        problem("amount", "金额应大于0", t);
                        None
                    }
                    Ok(_) => {
                        problem("amount", "金额最多两位小数（元）", t);
                        None
                    }
                    Err(e) => {
                        problem("amount", &format!("不是金额：{}", crate::row::amount_reason(&e)), t);
                        None
                    }
                },
            };
            match (on, amount) {
                (Some(on), Some(amount)) => Some(CaseEvent::Payment { on, amount }),
                _ => None,
            }
        }
        Some(EventKind::TerminalCheck) => {
            let on = date("on", true, &mut problem);
            let mut items = TerminalItems::default();
            let mut items_ok = true;
            for (key, _, _) in TerminalItems::default().items() {
                let value = r.get(key).unwrap_or("");
                match yes_no(value) {
                    Some(v) => {
                        items.set(key, v);
                    }
                    None => {
                        problem(key, "应为 true/false（是/否）", value);
                        items_ok = false;
                    }
                }
            }
            let approval = match r.get("approval") {
                None => None,
                Some(t) => {
                    let a = TerminalApproval::parse(t);
                    if a.is_none() {
                        problem(
                            "approval",
                            "应为 applicant_confirmed（申请执行人书面同意）或 president_approved（院长批准）",
                            t,
                        );
                    }
                    a
                }
            };
            match on {
                Some(on) if items_ok => Some(CaseEvent::TerminalCheck { on, items, approval }),
                _ => None,
            }
        }
        Some(EventKind::Petition) => {
            let on = date("on", true, &mut problem);
            let resolved_on = date("resolved_on", false, &mut problem);
            if let (Some(o), Some(res)) = (on, resolved_on)
                && res < o
            {
                problem("resolved_on", &format!("办结日期早于收到日期 {o}"), &res.to_string());
            }
            match on {
                Some(on) if resolved_on.is_none_or(|r| r >= on) => Some(CaseEvent::Petition { on, resolved_on }),
                _ => None,
            }
        }
    };
    match (number, event) {
        (Some(case_number), Some(event)) if problems.is_empty() => Ok(EventRow { row: r.row, case_number, event }),
        _ => Err(problems),
    }
}

/// Every event of a file, or every problem of every record: JSON lines (one object per line,
/// rows counted from 1) when the file's first non-blank character is `{`, else a table.
pub fn read_events(path: &Path) -> Result<Result<Vec<EventRow>, Vec<Problem>>, ImportError> {
    let io = |source| ImportError::Io { path: path.display().to_string(), source };
    let mut head = [0u8; 64];
    let n = {
        use std::io::Read;
        std::fs::File::open(path).map_err(io)?.read(&mut head).map_err(io)?
    };
    let first = head[..n].iter().find(|b| !(b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF));
    let records: Vec<Result<EventRecord, Vec<Problem>>> = if first == Some(&b'{') {
        let file = std::io::BufReader::new(std::fs::File::open(path).map_err(io)?);
        let mut out = Vec::new();
        for (i, line) in file.lines().enumerate() {
            let line = line.map_err(io)?;
            let row = i as u64 + 1;
            let text = line.trim().trim_start_matches('\u{feff}');
            if text.is_empty() {
                continue;
            }
            out.push(match serde_json::from_str::<serde_json::Value>(text) {
                Ok(serde_json::Value::Object(o)) => EventRecord::from_json(row, &o),
                Ok(_) => Err(vec![Problem {
                    row,
                    column: "—".into(),
                    reason: "每行应为一个JSON对象".into(),
                    value: text.chars().take(60).collect(),
                }]),
                Err(e) => Err(vec![Problem {
                    row,
                    column: "—".into(),
                    reason: format!("JSON无法解析（{}）", clip_json_error(&e.to_string())),
                    value: text.chars().take(60).collect(),
                }]),
            });
        }
        if out.is_empty() {
            return Err(ImportError::NoRows);
        }
        out
    } else {
        let table = read_table(path, None)?;
        let known: Vec<Option<&'static str>> = table.headers.iter().map(|h| key_of(h)).collect();
        for required in ["case_number", "event"] {
            if !known.contains(&Some(required)) {
                return Err(ImportError::MissingColumns(vec![if required == "event" {
                    "event"
                } else {
                    "case_number"
                }]));
            }
        }
        table
            .rows
            .iter()
            .map(|row| {
                Ok(EventRecord::from_pairs(
                    row.row,
                    table.headers.iter().enumerate().map(|(i, h)| (h.as_str(), row.cell(i).to_owned())),
                ))
            })
            .collect()
    };
    let mut events = Vec::with_capacity(records.len());
    let mut problems = Vec::new();
    for record in records {
        match record.and_then(|r| parse_event(&r, None)) {
            Ok(e) => events.push(e),
            Err(p) => problems.extend(p),
        }
    }
    Ok(if problems.is_empty() { Ok(events) } else { Err(problems) })
}

/// A JSON parser's message without its English parts beyond the position.
fn clip_json_error(message: &str) -> String {
    match message.rsplit_once(" at line ") {
        Some((_, position)) => format!("第{}", position.replacen(" column ", "行第", 1) + "列"),
        None => String::new(),
    }
}

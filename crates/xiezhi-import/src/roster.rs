//! 员额法官名册 the roster file (contract registration.md, "Roster"): one judge per row, columns
//! by English key or Chinese label in any order, read with the case-facts reader's rules.
//! Every problem of every row is reported (row, column, value); a file with any problem gives
//! no judges at all.

use std::collections::HashMap;
use std::path::Path;

use xiezhi_domain::{CourtCode, JudgeId, TrackSet, TypeCode, Weight};

use crate::ImportError;
use crate::row::Problem;
use crate::table::{Table, read_table};

/// A roster column: its key and Chinese labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterColumn {
    JudgeId,
    Name,
    Court,
    Department,
    CaseTypes,
    Track,
    Weight,
    Active,
}

impl RosterColumn {
    pub const ALL: [RosterColumn; 8] = [
        RosterColumn::JudgeId,
        RosterColumn::Name,
        RosterColumn::Court,
        RosterColumn::Department,
        RosterColumn::CaseTypes,
        RosterColumn::Track,
        RosterColumn::Weight,
        RosterColumn::Active,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RosterColumn::JudgeId => "judge_id",
            RosterColumn::Name => "name",
            RosterColumn::Court => "court",
            RosterColumn::Department => "department",
            RosterColumn::CaseTypes => "case_types",
            RosterColumn::Track => "track",
            RosterColumn::Weight => "weight",
            RosterColumn::Active => "active",
        }
    }

    pub fn labels(self) -> &'static [&'static str] {
        match self {
            RosterColumn::JudgeId => &["工号", "法官编号"],
            RosterColumn::Name => &["姓名"],
            RosterColumn::Court => &["法院代码", "法院"],
            RosterColumn::Department => &["部门", "庭室"],
            RosterColumn::CaseTypes => &["办案类型", "类型代字"],
            RosterColumn::Track => &["繁简", "分流"],
            RosterColumn::Weight => &["办案系数", "权重"],
            RosterColumn::Active => &["在岗", "状态"],
        }
    }

    fn is_required(self) -> bool {
        matches!(self, RosterColumn::JudgeId | RosterColumn::Name | RosterColumn::Court | RosterColumn::CaseTypes)
    }

    fn from_header(text: &str) -> Option<RosterColumn> {
        RosterColumn::ALL.into_iter().find(|c| c.key().eq_ignore_ascii_case(text) || c.labels().contains(&text))
    }
}

/// One judge as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    pub row: u64,
    pub judge_id: JudgeId,
    pub name: String,
    pub court: CourtCode,
    pub department: Option<String>,
    /// 类型代字 the judge takes, in the file's order, without repeats.
    pub case_types: Vec<TypeCode>,
    pub track: TrackSet,
    pub weight: Weight,
    pub active: bool,
}

/// Why a roster file gives no judges.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error(transparent)]
    File(#[from] ImportError),
    #[error("缺少必填列 / missing required column(s): {} (e.g. 工号, 姓名, 法院代码, 办案类型)", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    #[error("两列指向同一字段 / columns {first:?} and {second:?} both map to {key}")]
    DuplicateColumn { key: &'static str, first: String, second: String },
    #[error("名册有{}处错误，未导入任何法官 / {} problem(s), nothing imported:\n{}", .0.len(), .0.len(), .0.iter().map(Problem::to_string).collect::<Vec<_>>().join("\n"))]
    Rows(Vec<Problem>),
}

/// Reads and checks a roster file.
pub fn read_roster(path: &Path, sheet: Option<&str>) -> Result<Vec<RosterRow>, RosterError> {
    parse_roster(&read_table(path, sheet)?)
}

/// Checks a roster table: all rows or, with any problem, none.
pub fn parse_roster(table: &Table) -> Result<Vec<RosterRow>, RosterError> {
    let mut positions: HashMap<&'static str, usize> = HashMap::new();
    for (i, header) in table.headers.iter().enumerate() {
        let Some(column) = RosterColumn::from_header(header) else { continue };
        if let Some(&first) = positions.get(column.key()) {
            return Err(RosterError::DuplicateColumn {
                key: column.key(),
                first: table.headers[first].clone(),
                second: header.clone(),
            });
        }
        positions.insert(column.key(), i);
    }
    let missing: Vec<&'static str> = RosterColumn::ALL
        .into_iter()
        .filter(|c| c.is_required() && !positions.contains_key(c.key()))
        .map(RosterColumn::key)
        .collect();
    if !missing.is_empty() {
        return Err(RosterError::MissingColumns(missing));
    }
    let mut problems = Vec::new();
    let mut judges = Vec::with_capacity(table.rows.len());
    let mut first_row_of: HashMap<String, u64> = HashMap::new();
    for row in &table.rows {
        let header =
            |c: RosterColumn| positions.get(c.key()).map_or(c.key(), |&i| table.headers[i].as_str()).to_owned();
        let cell = |c: RosterColumn| positions.get(c.key()).map_or("", |&i| row.cell(i));
        let mut problem = |c: RosterColumn, reason: &str, value: &str| {
            problems.push(Problem {
                row: row.row,
                column: header(c),
                reason: reason.to_owned(),
                value: crate::row::clip_value(value),
            })
        };
        let required = |c: RosterColumn, problem: &mut dyn FnMut(RosterColumn, &str, &str)| {
            let v = cell(c);
            if v.is_empty() {
                problem(c, "必填 / required", "");
            }
            v
        };
        let id_text = required(RosterColumn::JudgeId, &mut problem);
        let judge_id = match JudgeId::parse(id_text) {
            Ok(id) => Some(id),
            Err(e) if !id_text.is_empty() => {
                problem(RosterColumn::JudgeId, &e.to_string(), id_text);
                None
            }
            Err(_) => None,
        };
        if let Some(id) = &judge_id
            && let Some(first) = first_row_of.insert(id.as_str().to_owned(), row.row)
        {
            problem(RosterColumn::JudgeId, &format!("工号与第{first}行重复 / repeats row {first}"), id_text);
        }
        let name = required(RosterColumn::Name, &mut problem).to_owned();
        if name.chars().count() > 64 {
            problem(RosterColumn::Name, "姓名过长（最多64字）/ name too long", &name);
        }
        let court_text = required(RosterColumn::Court, &mut problem);
        let court = CourtCode::parse(court_text);
        if court.is_none() && !court_text.is_empty() {
            problem(RosterColumn::Court, "不是法院代字（如 粤0106）/ not a court code", court_text);
        }
        let department = Some(cell(RosterColumn::Department).to_owned()).filter(|d| !d.is_empty());
        let types_text = required(RosterColumn::CaseTypes, &mut problem);
        let mut case_types = Vec::new();
        for part in types_text.split(|c: char| c == '、' || c == ',' || c == '，' || c.is_whitespace()) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            match TypeCode::from_text(part) {
                Some(t) if !case_types.contains(&t) => case_types.push(t),
                Some(_) => {}
                None => problem(
                    RosterColumn::CaseTypes,
                    &format!("未知的类型代字 {part:?} / unknown type code"),
                    types_text,
                ),
            }
        }
        let track = TrackSet::parse(cell(RosterColumn::Track)).unwrap_or_else(|e| {
            problem(RosterColumn::Track, &e.to_string(), cell(RosterColumn::Track));
            TrackSet::Both
        });
        let weight = Weight::parse(cell(RosterColumn::Weight)).unwrap_or_else(|e| {
            problem(RosterColumn::Weight, &e.to_string(), cell(RosterColumn::Weight));
            Weight::ONE
        });
        let active_text = cell(RosterColumn::Active);
        let active = match active_text.to_lowercase().as_str() {
            "" | "是" | "有" | "true" | "1" | "y" | "yes" | "在岗" => true,
            "否" | "无" | "false" | "0" | "n" | "no" | "不在岗" | "离岗" | "停用" => false,
            _ => {
                problem(RosterColumn::Active, "应为是/否（空白为是）/ not a yes/no value (blank = yes)", active_text);
                true
            }
        };
        if let (Some(judge_id), Some(court)) = (judge_id, court)
            && !case_types.is_empty()
        {
            judges.push(RosterRow {
                row: row.row,
                judge_id,
                name,
                court,
                department,
                case_types,
                track,
                weight,
                active,
            });
        }
    }
    if problems.is_empty() { Ok(judges) } else { Err(RosterError::Rows(problems)) }
}

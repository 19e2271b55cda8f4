//! Reading and writing the case-facts interchange format (case-facts.md), and the judge
//! roster file ([`roster`], read as a small [`table`]).
//!
//! Main types: [`FactsReader`] streams [`RowOutcome`]s (a [`CaseFacts`] or the row's
//! [`Problem`]s) out of a CSV (UTF-8 with or without BOM, or GB18030, detected) or an XLSX file;
//! [`HeaderMap`] maps English keys or Chinese labels in any order; [`export`] writes CSV and
//! XLSX with the same columns so that export → import is the identity; [`DuplicateFinder`]
//! finds 案号 repeated within a file in bounded memory (sorted runs spilled to a scratch file).
//!
//! Architecture invariant: this crate knows files and formats, never the database; deciding
//! whether a file with problems is imported is the caller's job.

mod columns;
pub mod duplicates;
pub mod events;
pub mod export;
pub mod roster;
mod row;
pub mod sheet;
mod source;
pub mod table;

pub use columns::{Column, HeaderMap, trim_cell};
pub use duplicates::{Duplicate, DuplicateFinder};
pub use row::{Cell, ECHOED_CHARS, Problem, clip_value, date_from_serial, parse_date_text, parse_row};
pub use source::{FactsReader, FileFormat, RowOutcome};
pub use xiezhi_domain::CaseFacts;

/// A file-level failure: nothing of the file can be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("无法读取文件 / reading {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("文件为空 / the file is empty: no header row and no cases")]
    Empty,
    #[error("文件只有表头，没有案件行 / the file has a header but no case rows")]
    NoRows,
    #[error("不是CSV或XLSX文件 / not a CSV or XLSX file ({0})")]
    NotTabular(String),
    #[error("无法读取表格 / reading the spreadsheet: {0}")]
    Spreadsheet(String),
    #[error("工作簿中没有名为{0:?}的工作表 / the workbook has no sheet named {0:?}")]
    NoSuchSheet(String),
    #[error("无法读取CSV / reading CSV: {0}")]
    Csv(String),
    #[error("缺少必填列 / missing required column(s): {} (header must name them by key or Chinese label, e.g. 案号, 立案日期)", .0.join(", "))]
    MissingColumns(Vec<&'static str>),
    #[error("两列指向同一字段 / columns {first:?} and {second:?} both map to {key}")]
    DuplicateColumn { key: &'static str, first: String, second: String },
    #[error("非金额列标注了万元 / column {header:?} says 万元 but is not an amount column")]
    WanOnNonAmount { header: String },
    #[error(
        "引号不成对：第{from}行“{column}”列的引号没有闭合，第{from}行至第{to}行被读成了一格，其中的行无法读取；请在表格软件中修正后重新导出 / an unbalanced quote in row {from}, column {column} joins lines {from}–{to} into one cell ({value})"
    )]
    UnbalancedQuote { from: u64, to: u64, column: String, value: String },
    #[error("文件超出读取上限：{what}（上限{limit}）。请拆分文件，或另存为CSV后导入")]
    TooLarge { what: String, limit: String },
    #[error("无法写入 / writing {path}: {message}")]
    Write { path: String, message: String },
}

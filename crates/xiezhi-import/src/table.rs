//! Small tables read whole (the judge roster): a header row and data rows of text cells, from
//! the same files as case facts — CSV in UTF-8 (with or without BOM) or GB18030, XLSX or XLS —
//! with the same rules: blank rows skipped, cells trimmed, rows numbered as a spreadsheet shows
//! them (header = row 1).

use std::io::Read;
use std::path::Path;

use crate::ImportError;
use crate::columns::trim_cell;
use crate::sheet::{LIMITS, SheetRows};
use crate::source::{FileFormat, data_text, dense, sniff_text};

/// Files above this size are not small tables.
pub const MAX_TABLE_BYTES: u64 = 32 * 1024 * 1024;

/// Columns of a small table that are read; cells beyond are ignored (a roster or events file
/// has a few dozen columns, and a stray cell at XFD must not make every row 16,384 wide).
pub const MAX_TABLE_COLUMNS: usize = 256;

/// A table: its header cells and its non-blank data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub format: FileFormat,
    /// Header cells as written (trimmed), by position.
    pub headers: Vec<String>,
    pub rows: Vec<TableRow>,
}

/// One data row: its spreadsheet row number and its trimmed cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub row: u64,
    pub cells: Vec<String>,
}

impl TableRow {
    /// The cell at `position` ("" when the row is shorter).
    pub fn cell(&self, position: usize) -> &str {
        self.cells.get(position).map_or("", String::as_str)
    }
}

/// Reads a whole table file, detecting its format from its content. Spreadsheets are read
/// within the limits of [`crate::sheet`].
pub fn read_table(path: &Path, sheet: Option<&str>) -> Result<Table, ImportError> {
    let io = |source| ImportError::Io { path: path.display().to_string(), source };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_TABLE_BYTES {
        return Err(ImportError::NotTabular(format!("{size} bytes: larger than a roster file can be")));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    std::fs::File::open(path).map_err(io)?.read_to_end(&mut bytes).map_err(io)?;
    let rows = if bytes.starts_with(b"PK\x03\x04") {
        Some((FileFormat::Xlsx, SheetRows::xlsx(path, sheet, LIMITS)?))
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some((FileFormat::Xls, SheetRows::xls(path, sheet, LIMITS)?))
    } else {
        None
    };
    match rows {
        Some((format, mut rows)) => {
            let mut grid = Vec::new();
            while let Some((row, cells)) = rows.next_row()? {
                let cells =
                    dense(&cells, MAX_TABLE_COLUMNS).iter().map(|d| trim_cell(&data_text(d)).to_owned()).collect();
                grid.push((row, cells));
            }
            table_of(format, grid)
        }
        None => read_table_bytes(&bytes, sheet),
    }
}

/// [`read_table`] on the bytes of a CSV file in memory.
pub fn read_table_bytes(bytes: &[u8], _sheet: Option<&str>) -> Result<Table, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ImportError::NotTabular("a workbook: read it from a file".to_owned()));
    }
    let (format, grid) = {
        let head = &bytes[..bytes.len().min(crate::source::SNIFF_BYTES)];
        let format = sniff_text(head)?;
        let text = match format {
            FileFormat::CsvUtf8 => {
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                std::str::from_utf8(body)
                    .map_err(|e| {
                        ImportError::Csv(format!("不是有效的UTF-8文本 / not valid UTF-8 at byte {}", e.valid_up_to()))
                    })?
                    .to_owned()
            }
            _ => {
                let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
                if bad {
                    return Err(ImportError::NotTabular("text in neither UTF-8 nor GB18030".to_owned()));
                }
                text.into_owned()
            }
        };
        (format, csv_rows(&text)?)
    };
    table_of(format, grid)
}

fn table_of(format: FileFormat, grid: Vec<(u64, Vec<String>)>) -> Result<Table, ImportError> {
    let mut rows = grid.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let (_, headers) = rows.next().ok_or(ImportError::Empty)?;
    let rows: Vec<TableRow> = rows.map(|(row, cells)| TableRow { row, cells }).collect();
    if rows.is_empty() {
        return Err(ImportError::NoRows);
    }
    Ok(Table { format, headers, rows })
}

/// CSV records with the spreadsheet line each starts on.
fn csv_rows(text: &str) -> Result<Vec<(u64, Vec<String>)>, ImportError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        if !reader.read_record(&mut record).map_err(|e| ImportError::Csv(e.to_string()))? {
            break;
        }
        // The line of the record's last byte, less the line breaks inside its cells.
        let end = usize::try_from(reader.position().byte()).unwrap_or(text.len()).min(text.len());
        let last_line = text.as_bytes()[..end.saturating_sub(1)].iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let embedded: u64 = record.iter().map(|f| f.matches('\n').count() as u64).sum();
        let cells = record.iter().map(|c| trim_cell(c).to_owned()).collect();
        out.push((last_line.saturating_sub(embedded), cells));
    }
    Ok(out)
}

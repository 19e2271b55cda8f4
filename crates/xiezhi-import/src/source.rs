//! Row sources: streaming CSV (encoding detected) and XLSX/XLS via calamine.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::Data;
use encoding_rs_io::DecodeReaderBytesBuilder;
use xiezhi_domain::{CaseFacts, CaseNumber};

use crate::ImportError;
use crate::columns::HeaderMap;
use crate::row::{Cell, Problem, parse_row_keeping_number};

/// The detected format of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    CsvUtf8,
    CsvGb18030,
    Xlsx,
    Xls,
}

/// One data row: its spreadsheet row number and its facts or problems.
#[derive(Debug)]
pub struct RowOutcome {
    pub row: u64,
    pub result: Result<CaseFacts, Vec<Problem>>,
    /// For a row with problems: its 案号 when that cell parsed (for the duplicate check).
    pub case_number: Option<CaseNumber>,
}

impl RowOutcome {
    fn new(row: u64, parsed: Result<CaseFacts, (Vec<Problem>, Option<CaseNumber>)>) -> RowOutcome {
        match parsed {
            Ok(facts) => RowOutcome { row, result: Ok(facts), case_number: None },
            Err((problems, case_number)) => RowOutcome { row, result: Err(problems), case_number },
        }
    }
}

enum Rows {
    Csv {
        reader: csv::Reader<Box<dyn Read + Send>>,
        record: csv::ByteRecord,
        lines: std::sync::Arc<std::sync::Mutex<LineIndex>>,
    },
    Sheet(crate::sheet::SheetRows),
}

/// Streams the rows of a case-facts file. CSV is read record by record (memory does not grow
/// with the file); XLSX sheets are streamed cell by cell within the limits of [`crate::sheet`].
pub struct FactsReader {
    header: HeaderMap,
    rows: Rows,
    format: FileFormat,
    /// Spreadsheet row number of the last row read (header = 1).
    row: u64,
    seen_data: bool,
    /// Bytes of the input file, for progress reporting.
    pub total_bytes: u64,
    position: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// Counts bytes read, for the progress bar.
struct Counting<R> {
    inner: R,
    position: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.position.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Remembers where the newlines are in the bytes the CSV parser reads, so that a record's byte
/// offset maps to the line a spreadsheet shows (the csv crate does not count blank lines).
/// Only newlines ahead of the current record are kept: memory stays bounded by the read-ahead.
#[derive(Default)]
struct LineIndex {
    newlines: std::collections::VecDeque<u64>,
    passed: u64,
    offset: u64,
}

impl LineIndex {
    /// The 1-based line of the byte at `offset` (offsets must not decrease between calls).
    fn line_of(&mut self, offset: u64) -> u64 {
        while self.newlines.front().is_some_and(|&n| n < offset) {
            self.newlines.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
}

struct LineCounting<R> {
    inner: R,
    index: std::sync::Arc<std::sync::Mutex<LineIndex>>,
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut index = self.index.lock().expect("never poisoned: no panics while held");
        let start = index.offset;
        for (i, _) in buf[..n].iter().enumerate().filter(|(_, b)| **b == b'\n') {
            index.newlines.push_back(start + i as u64);
        }
        index.offset += n as u64;
        Ok(n)
    }
}

pub(crate) const SNIFF_BYTES: usize = 1 << 20;

impl FactsReader {
    /// Opens a file, detecting its format from its content (not its name).
    pub fn open(path: &Path, sheet: Option<&str>) -> Result<FactsReader, ImportError> {
        let io = |source| ImportError::Io { path: path.display().to_string(), source };
        let mut file = File::open(path).map_err(io)?;
        let total_bytes = file.metadata().map_err(io)?.len();
        let mut head = Vec::with_capacity(SNIFF_BYTES.min(total_bytes as usize));
        (&mut file).take(SNIFF_BYTES as u64).read_to_end(&mut head).map_err(io)?;
        file.rewind().map_err(io)?;
        if head.is_empty() {
            return Err(ImportError::Empty);
        }
        if head.starts_with(b"PK\x03\x04") {
            let rows = crate::sheet::SheetRows::xlsx(path, sheet, crate::sheet::LIMITS)?;
            return FactsReader::from_sheet(rows, FileFormat::Xlsx, total_bytes);
        }
        if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            let rows = crate::sheet::SheetRows::xls(path, sheet, crate::sheet::LIMITS)?;
            return FactsReader::from_sheet(rows, FileFormat::Xls, total_bytes);
        }
        let format = sniff_text(&head)?;
        let position = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counting = Counting { inner: BufReader::with_capacity(1 << 16, file), position: position.clone() };
        let input: Box<dyn Read + Send> = match format {
            FileFormat::CsvUtf8 => {
                let mut buffered = BufReader::new(counting);
                strip_utf8_bom(&mut buffered).map_err(io)?;
                Box::new(buffered)
            }
            _ => Box::new(
                DecodeReaderBytesBuilder::new().encoding(Some(encoding_rs::GB18030)).bom_override(true).build(counting),
            ),
        };
        let lines = std::sync::Arc::new(std::sync::Mutex::new(LineIndex::default()));
        let input: Box<dyn Read + Send> = Box::new(LineCounting { inner: input, index: lines.clone() });
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
        let mut record = csv::ByteRecord::new();
        let header_cells = loop {
            if !reader.read_byte_record(&mut record).map_err(|e| ImportError::Csv(e.to_string()))? {
                return Err(ImportError::Empty);
            }
            let cells: Vec<String> = record.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
            if cells.iter().any(|c| !crate::trim_cell(c).is_empty()) {
                break cells;
            }
        };
        let header = HeaderMap::new(&header_cells)?;
        Ok(FactsReader {
            header,
            row: 1,
            rows: Rows::Csv { reader, record, lines },
            format,
            seen_data: false,
            total_bytes,
            position,
        })
    }

    fn from_sheet(
        mut rows: crate::sheet::SheetRows,
        format: FileFormat,
        total_bytes: u64,
    ) -> Result<FactsReader, ImportError> {
        let (row, header_cells) = loop {
            let Some((row, cells)) = rows.next_row()? else {
                return Err(ImportError::Empty);
            };
            let texts: Vec<String> = dense(&cells, usize::MAX).iter().map(data_text).collect();
            if texts.iter().any(|c| !crate::trim_cell(c).is_empty()) {
                break (row, texts);
            }
        };
        let header = HeaderMap::new(&header_cells)?;
        Ok(FactsReader {
            header,
            row,
            rows: Rows::Sheet(rows),
            format,
            seen_data: false,
            total_bytes,
            position: std::sync::Arc::new(std::sync::atomic::AtomicU64::new(total_bytes)),
        })
    }

    pub fn header(&self) -> &HeaderMap {
        &self.header
    }

    pub fn format(&self) -> FileFormat {
        self.format
    }

    /// Bytes consumed so far (CSV); the whole file for spreadsheets.
    pub fn bytes_read(&self) -> u64 {
        self.position.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The next data row, skipping blank rows; `Ok(None)` at the end.
    pub fn next_row(&mut self) -> Result<Option<RowOutcome>, ImportError> {
        loop {
            let outcome = match &mut self.rows {
                Rows::Csv { reader, record, lines } => {
                    if !reader.read_byte_record(record).map_err(|e| ImportError::Csv(e.to_string()))? {
                        break;
                    }
                    // The csv crate places a record's start before any blank lines that precede
                    // it, so find the line of its terminator and step back over the line breaks
                    // inside its quoted cells: that is the line where the record starts.
                    let end = reader.position().byte();
                    let mut embedded: u64 =
                        record.iter().map(|f| f.iter().filter(|b| **b == b'\n').count() as u64).sum();
                    // A quote left open runs to the end of the file and takes the last line
                    // break into its cell: that one ends the line, it is not inside it. (A cell
                    // that really ends with a line break is counted one row late.)
                    if record.iter().next_back().is_some_and(|f| f.ends_with(b"\n")) {
                        embedded = embedded.saturating_sub(1);
                    }
                    let last =
                        lines.lock().expect("never poisoned: no panics while held").line_of(end.saturating_sub(1));
                    self.row = last.saturating_sub(embedded);
                    let mut utf8_problem = None;
                    let fields: Vec<&str> = record
                        .iter()
                        .enumerate()
                        .map(|(i, b)| {
                            std::str::from_utf8(b).unwrap_or_else(|_| {
                                utf8_problem.get_or_insert(i);
                                ""
                            })
                        })
                        .collect();
                    if fields.iter().all(|f| crate::trim_cell(f).is_empty()) && utf8_problem.is_none() {
                        continue;
                    }
                    if let Some(i) = utf8_problem {
                        let column = header_at(&self.header, i);
                        RowOutcome {
                            row: self.row,
                            result: Err(vec![Problem {
                                row: self.row,
                                column,
                                reason: "不是有效的UTF-8文本（文件开头是UTF-8编码）".to_owned(),
                                value: crate::row::clip_value(&String::from_utf8_lossy(&record[i])),
                            }]),
                            case_number: None,
                        }
                    } else if let Some(problem) = shape_problem(&self.header, &fields, self.row, embedded) {
                        RowOutcome { row: self.row, result: Err(vec![problem?]), case_number: None }
                    } else {
                        let parsed = parse_row_keeping_number(self.row, &self.header, |i| {
                            fields.get(i).map_or(Cell::Empty, |f| Cell::Text(f))
                        });
                        RowOutcome::new(self.row, parsed)
                    }
                }
                Rows::Sheet(rows) => {
                    let Some((row, cells)) = rows.next_row()? else {
                        break;
                    };
                    self.row = row;
                    if cells.iter().all(|(_, d)| data_text(d).trim().is_empty()) {
                        continue;
                    }
                    let parsed = parse_row_keeping_number(self.row, &self.header, |i| {
                        crate::sheet::cell_at(&cells, i).map_or(Cell::Empty, data_cell)
                    });
                    RowOutcome::new(self.row, parsed)
                }
            };
            self.seen_data = true;
            return Ok(Some(outcome));
        }
        if !self.seen_data {
            return Err(ImportError::NoRows);
        }
        Ok(None)
    }
}

/// A CSV record whose shape shows it was not read as written. A quote left open joins the
/// following lines into one cell (the record then spans lines and has the wrong number of
/// cells, or a line inside the cell starts with a 案号): the rows it swallowed cannot be read,
/// so the whole file is refused (`Err`), even under `--skip-invalid`. Unquoted commas
/// (`1,234.50`) split a value into cells beyond the header: that row is refused (`Ok`), its
/// values would land in the wrong columns.
fn shape_problem(header: &HeaderMap, fields: &[&str], row: u64, embedded: u64) -> Option<Result<Problem, ImportError>> {
    let width = header.width();
    // A line inside a cell that starts like a row of its own (a 案号 and a comma) is a row the
    // open quote swallowed, even when the cell count happens to match.
    let swallows_rows = |f: &&str| {
        f.lines().skip(1).any(|line| {
            line.split_once(',').is_some_and(|(first, _)| CaseNumber::parse(crate::trim_cell(first)).is_ok())
        })
    };
    if embedded > 0 && (fields.len() != width || fields.iter().any(swallows_rows)) {
        let at = fields.iter().position(|f| f.contains('\n')).unwrap_or(0);
        return Some(Err(ImportError::UnbalancedQuote {
            from: row,
            to: row + embedded,
            column: header_at(header, at),
            value: fields[at].chars().take(40).collect::<String>().replace('\n', "↵"),
        }));
    }
    let extra = fields.get(width..).unwrap_or_default();
    if extra.iter().any(|f| !crate::trim_cell(f).is_empty()) {
        return Some(Ok(Problem {
            row,
            column: header_at(header, width),
            reason: format!(
                "本行有{}格，多于表头的{width}列（含逗号的值须加引号，如 \"1,234.50\"）/ the row has more cells than the header",
                fields.len()
            ),
            value: crate::row::clip_value(&fields.join(",")),
        }));
    }
    None
}

fn header_at(header: &HeaderMap, i: usize) -> String {
    crate::Column::ALL
        .into_iter()
        .find(|c| header.position(*c) == Some(i))
        .map_or_else(|| format!("#{}", i + 1), |c| header.header(c).to_owned())
}

pub(crate) fn strip_utf8_bom<R: std::io::BufRead>(reader: &mut R) -> std::io::Result<()> {
    if reader.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// Decides between UTF-8 and GB18030 from the first megabyte; refuses binary content.
pub(crate) fn sniff_text(head: &[u8]) -> Result<FileFormat, ImportError> {
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Ok(FileFormat::CsvUtf8);
    }
    if head.contains(&0) {
        return Err(ImportError::NotTabular("binary content".to_owned()));
    }
    match std::str::from_utf8(head) {
        Ok(_) => Ok(FileFormat::CsvUtf8),
        // A multi-byte character cut by the sniff window is still UTF-8.
        Err(e) if e.error_len().is_none() => Ok(FileFormat::CsvUtf8),
        Err(_) => {
            // Decoded as the start of a longer stream (`last = false`): a two- or four-byte
            // character cut by the sniff window is not an error.
            let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
            let mut text = String::with_capacity(head.len() * 3 / 2 + 16);
            let (result, _) = decoder.decode_to_string_without_replacement(head, &mut text, false);
            if !matches!(result, encoding_rs::DecoderResult::InputEmpty) {
                Err(ImportError::NotTabular("text in neither UTF-8 nor GB18030".to_owned()))
            } else {
                Ok(FileFormat::CsvGb18030)
            }
        }
    }
}

/// The cell's serial in the 1900 date system: a workbook saved in the 1904 system (Mac Excel's
/// old default) counts days from 1904-01-01, 1,462 days later.
fn serial_1900(dt: &calamine::ExcelDateTime) -> f64 {
    let value = dt.as_f64();
    let in_1904 = [calamine::ExcelDateTimeType::DateTime, calamine::ExcelDateTimeType::TimeDelta]
        .into_iter()
        .any(|kind| *dt == calamine::ExcelDateTime::new(value, kind, true));
    if in_1904 { value + 1462.0 } else { value }
}

/// A sparse row as cells from column A up to its last cell (at most `width` cells).
pub(crate) fn dense(cells: &[(u32, Data)], width: usize) -> Vec<Data> {
    let len = cells.last().map_or(0, |(c, _)| *c as usize + 1).min(width);
    let mut out = vec![Data::Empty; len];
    for (c, d) in cells.iter().filter(|(c, _)| (*c as usize) < len) {
        out[*c as usize] = d.clone();
    }
    out
}

pub(crate) fn data_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => format!("{}", serial_1900(dt)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e}"),
    }
}

fn data_cell(d: &Data) -> Cell<'_> {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DurationIso(s) => Cell::Text(s),
        // An ISO date cell (`t="d"`, e.g. `2024-03-05T00:00:00`): its date part.
        Data::DateTimeIso(s) => Cell::Text(s.split_once('T').map_or(s.as_str(), |(date, _)| date)),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(true) => Cell::Text("true"),
        Data::Bool(false) => Cell::Text("false"),
        Data::DateTime(dt) => Cell::DateSerial(serial_1900(dt)),
        Data::Error(_) => Cell::Text("#ERROR"),
    }
}

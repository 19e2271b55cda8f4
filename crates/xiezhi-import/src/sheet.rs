//! Worksheets read row by row with bounded memory.
//!
//! A spreadsheet is a ZIP of XML parts, and a small file can describe a huge thing: one cell at
//! XFD1048576 made a whole-range reader allocate 549 GB, and a 1 MB part can inflate to 1 GB of
//! cell text or whitespace. So, before calamine sees an XLSX, every part is inflated once
//! through a counter ([`check_xlsx`]): each part, the shared strings and the whole workbook have
//! an inflated-size limit, no run of bytes without a `<` (one text or one tag, which the XML
//! reader would hold whole) may exceed [`Limits::text_run`], and the shared-string table may not
//! declare more strings than it holds (calamine reserves what it declares). The sheet is then
//! streamed cell by cell on a thread of its own, rows kept sparse (only the cells present), each
//! row's text bounded, through a small channel. Legacy XLS (at most 65,536 × 256 cells by
//! format) is capped by file size. At most [`OPEN_WORKBOOKS`] workbooks are read at once in the
//! process; others wait their turn.

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Condvar, Mutex};

use calamine::{Data, Reader};

use crate::ImportError;

/// What one spreadsheet file may make the reader allocate or inflate.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Inflated bytes of any one part other than worksheets and the shared strings.
    pub part: u64,
    /// Inflated bytes of one worksheet (streamed; bounds the time spent).
    pub sheet: u64,
    /// Inflated bytes of the shared-string table (held in memory while reading).
    pub shared_strings: u64,
    /// Inflated bytes of all parts together.
    pub total: u64,
    /// Bytes between two `<` (one cell text or one tag).
    pub text_run: u64,
    /// Text bytes of one row.
    pub row: usize,
    /// Parts in the ZIP.
    pub parts: usize,
    /// Bytes of a legacy XLS file (read whole by format).
    pub xls_file: u64,
}

/// The limits the CLI and the web apply. A real export of a million rows inflates to about a
/// gigabyte of sheet XML; larger files are better imported as CSV, which streams without limit.
pub const LIMITS: Limits = Limits {
    part: 64 << 20,
    sheet: 4 << 30,
    shared_strings: 192 << 20,
    total: 5 << 30,
    text_run: 256 << 10,
    row: 1 << 20,
    parts: 10_000,
    xls_file: 64 << 20,
};

/// Workbooks read at once in this process.
pub const OPEN_WORKBOOKS: usize = 2;

fn mib(bytes: u64) -> String {
    if bytes >= 1 << 30 { format!("{} GB", bytes >> 30) } else { format!("{} MB", bytes >> 20) }
}

fn too_large(what: impl Into<String>, limit: impl Into<String>) -> ImportError {
    ImportError::TooLarge { what: what.into(), limit: limit.into() }
}

/// Inflates every part of an XLSX once, refusing it as soon as a limit is passed.
pub fn check_xlsx<R: Read + Seek>(reader: R, limits: &Limits) -> Result<(), ImportError> {
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| ImportError::NotTabular(format!("a ZIP file that is not an XLSX workbook: {e}")))?;
    if zip.len() > limits.parts {
        return Err(too_large(format!("工作簿包含{}个部件", zip.len()), format!("{}个", limits.parts)));
    }
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 << 10];
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| ImportError::Spreadsheet(format!("无法读取工作簿部件 / a part of the workbook: {e}")))?;
        let name = part.name().map(|n| n.into_owned()).unwrap_or_else(|_| format!("#{i}"));
        let is_sheet = name.contains("worksheets/");
        let is_strings = name.ends_with("sharedStrings.xml");
        let (cap, label) = if is_sheet {
            (limits.sheet, "工作表")
        } else if is_strings {
            (limits.shared_strings, "共享字符串表")
        } else {
            (limits.part, "工作簿部件")
        };
        let mut size = 0u64;
        let mut run = 0u64;
        let mut declared: Option<u64> = None;
        let mut items = 0u64;
        let mut tail = [0u8; 3];
        loop {
            let n = part
                .read(&mut buf)
                .map_err(|e| ImportError::Spreadsheet(format!("无法解压工作簿 / inflating {name}: {e}")))?;
            if n == 0 {
                break;
            }
            let chunk = &buf[..n];
            if is_strings && declared.is_none() && size == 0 {
                declared = unique_count(chunk);
            }
            if is_strings {
                items += count_items(&tail, chunk);
                let keep = chunk.len().min(3);
                tail = [0; 3];
                tail[3 - keep..].copy_from_slice(&chunk[chunk.len() - keep..]);
            }
            size += n as u64;
            total += n as u64;
            if size > cap {
                return Err(too_large(format!("{label}{name}解压后超过{}", mib(cap)), mib(cap)));
            }
            if total > limits.total {
                return Err(too_large(format!("工作簿解压后超过{}", mib(limits.total)), mib(limits.total)));
            }
            match chunk.iter().rposition(|b| *b == b'<') {
                Some(last) => {
                    let first = chunk.iter().position(|b| *b == b'<').unwrap_or(last);
                    let longest_inside =
                        chunk[first..=last].split(|b| *b == b'<').map(|s| s.len() as u64).max().unwrap_or(0);
                    if (run + first as u64).max(longest_inside) > limits.text_run {
                        return Err(text_run(&name, limits));
                    }
                    run = (chunk.len() - last - 1) as u64;
                }
                None => run += n as u64,
            }
            if run > limits.text_run {
                return Err(text_run(&name, limits));
            }
        }
        if let Some(declared) = declared
            && declared > items
        {
            return Err(too_large(
                format!("共享字符串表声明了{declared}个字符串，实际只有{items}个"),
                format!("{items}个"),
            ));
        }
    }
    Ok(())
}

fn text_run(name: &str, limits: &Limits) -> ImportError {
    too_large(
        format!("{name}中有一段连续{}以上的文字或空白（Excel单元格最多32,767个字）", mib_or_kib(limits.text_run)),
        mib_or_kib(limits.text_run),
    )
}

fn mib_or_kib(bytes: u64) -> String {
    if bytes >= 1 << 20 { mib(bytes) } else { format!("{} KB", bytes >> 10) }
}

/// `uniqueCount="N"` of the `<sst>` element, when it is in the first chunk.
fn unique_count(head: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(&head[..head.len().min(4096)]).ok().or_else(|| {
        let cut = (0..=head.len().min(4096)).rev().find(|&i| std::str::from_utf8(&head[..i]).is_ok())?;
        std::str::from_utf8(&head[..cut]).ok()
    })?;
    let at = text.find("uniqueCount=")? + "uniqueCount=".len();
    let digits: String = text[at..].chars().skip(1).take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `<si>` / `<si ` / `<si/` openings in `chunk`, counting one that straddles the previous chunk.
fn count_items(tail: &[u8; 3], chunk: &[u8]) -> u64 {
    let is_open = |w: &[u8]| w[0] == b'<' && w[1] == b's' && w[2] == b'i' && matches!(w[3], b'>' | b' ' | b'/');
    let mut joined = Vec::with_capacity(6);
    joined.extend_from_slice(tail);
    joined.extend_from_slice(&chunk[..chunk.len().min(3)]);
    // Every window of `joined` starts in the tail and ends in the chunk.
    let straddling = joined.windows(4).take(3).filter(|w| is_open(w)).count();
    (straddling + chunk.windows(4).filter(|w| is_open(w)).count()) as u64
}

/// A counting semaphore for [`OPEN_WORKBOOKS`].
struct Gate {
    open: Mutex<usize>,
    freed: Condvar,
}

static GATE: Gate = Gate { open: Mutex::new(0), freed: Condvar::new() };

/// A turn to read one workbook; given back when dropped.
pub(crate) struct Turn(());

impl Turn {
    pub(crate) fn take() -> Turn {
        let mut open = GATE.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while *open >= OPEN_WORKBOOKS {
            open = GATE.freed.wait(open).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *open += 1;
        Turn(())
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut open = GATE.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *open -= 1;
        GATE.freed.notify_one();
    }
}

/// One row of a sheet: its 1-based row number and its cells as (0-based column, value), in
/// column order, empty cells left out.
pub(crate) type SheetRow = (u64, SparseCells);

/// A row's cells as (0-based column, value), in column order.
pub(crate) type SparseCells = Vec<(u32, Data)>;

/// The value at column `column` of a sparse row.
pub(crate) fn cell_at(cells: &[(u32, Data)], column: usize) -> Option<&Data> {
    let column = u32::try_from(column).ok()?;
    cells.binary_search_by_key(&column, |(c, _)| *c).ok().map(|i| &cells[i].1)
}

/// The rows of one worksheet, streamed (XLSX) or from a whole range (XLS).
pub(crate) struct SheetRows {
    inner: Inner,
    _turn: Option<Turn>,
}

enum Inner {
    Streamed(Receiver<Result<SheetRow, ImportError>>),
    Whole { rows: std::vec::IntoIter<SheetRow> },
}

impl SheetRows {
    /// Opens an XLSX after [`check_xlsx`]; the sheet is read on a thread of its own.
    pub(crate) fn xlsx(path: &Path, sheet: Option<&str>, limits: Limits) -> Result<SheetRows, ImportError> {
        let io = |source| ImportError::Io { path: path.display().to_string(), source };
        let turn = Turn::take();
        check_xlsx(BufReader::new(File::open(path).map_err(io)?), &limits)?;
        let file = BufReader::new(File::open(path).map_err(io)?);
        let (tx, rx) = sync_channel(64);
        let sheet = sheet.map(str::to_owned);
        std::thread::Builder::new()
            .name("xlsx-rows".into())
            .spawn(move || {
                let _turn = turn;
                if let Err(e) = stream_xlsx(file, sheet.as_deref(), &limits, &tx) {
                    let _ = tx.send(Err(e));
                }
            })
            .map_err(io)?;
        Ok(SheetRows { inner: Inner::Streamed(rx), _turn: None })
    }

    /// Opens a legacy XLS, read whole (bounded by its file size).
    pub(crate) fn xls(path: &Path, sheet: Option<&str>, limits: Limits) -> Result<SheetRows, ImportError> {
        let io = |source| ImportError::Io { path: path.display().to_string(), source };
        let turn = Turn::take();
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > limits.xls_file {
            return Err(too_large(
                format!("XLS文件有{}（请另存为XLSX或CSV）", mib(size.max(1 << 20))),
                mib(limits.xls_file),
            ));
        }
        let mut workbook = calamine::Xls::new(BufReader::new(File::open(path).map_err(io)?))
            .map_err(|e| ImportError::NotTabular(format!("an OLE file that is not an XLS workbook: {e}")))?;
        let name = sheet_name(workbook.sheet_names(), sheet)?;
        let range = workbook.worksheet_range(&name).map_err(|e| ImportError::Spreadsheet(e.to_string()))?;
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        let rows: Vec<SheetRow> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let sparse = cells
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| !matches!(d, Data::Empty))
                    .map(|(j, d)| (start_col + j as u32, d.clone()))
                    .collect();
                (u64::from(start_row) + i as u64 + 1, sparse)
            })
            .filter(|(_, cells): &SheetRow| !cells.is_empty())
            .collect();
        drop(range);
        Ok(SheetRows { inner: Inner::Whole { rows: rows.into_iter() }, _turn: Some(turn) })
    }

    /// The next row that has a cell, or `None` at the end.
    pub(crate) fn next_row(&mut self) -> Result<Option<SheetRow>, ImportError> {
        match &mut self.inner {
            Inner::Streamed(rx) => rx.recv().map_or(Ok(None), |row| row.map(Some)),
            Inner::Whole { rows } => Ok(rows.next()),
        }
    }
}

fn sheet_name(names: Vec<String>, sheet: Option<&str>) -> Result<String, ImportError> {
    match sheet {
        Some(s) => names.iter().find(|n| *n == s).cloned().ok_or_else(|| ImportError::NoSuchSheet(s.to_owned())),
        None => names.first().cloned().ok_or(ImportError::Empty),
    }
}

fn stream_xlsx(
    file: BufReader<File>,
    sheet: Option<&str>,
    limits: &Limits,
    tx: &SyncSender<Result<SheetRow, ImportError>>,
) -> Result<(), ImportError> {
    let spreadsheet = |e: calamine::XlsxError| ImportError::Spreadsheet(e.to_string());
    let mut workbook = calamine::Xlsx::new(file)
        .map_err(|e| ImportError::NotTabular(format!("a ZIP file that is not an XLSX workbook: {e}")))?;
    let name = sheet_name(workbook.sheet_names(), sheet)?;
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(spreadsheet)?;
    // The row being gathered: its 0-based number, its cells and their text bytes.
    let mut row: Option<(u32, SparseCells, usize)> = None;
    while let Some(cell) = cells.next_cell().map_err(spreadsheet)? {
        let (r, c) = cell.get_position();
        let value = Data::from(cell.get_value().clone());
        if matches!(value, Data::Empty) {
            continue;
        }
        if row.as_ref().is_some_and(|(at, _, _)| *at != r) {
            let (at, done, _) = row.take().expect("checked above");
            if tx.send(Ok((u64::from(at) + 1, done))).is_err() {
                return Ok(());
            }
        }
        let (at, current, bytes) = row.get_or_insert_with(|| (r, Vec::new(), 0));
        *bytes += match &value {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.len(),
            _ => 8,
        } + 16;
        if *bytes > limits.row {
            return Err(too_large(
                format!("第{}行的内容超过{}", *at + 1, mib(limits.row as u64)),
                mib(limits.row as u64),
            ));
        }
        match current.last() {
            Some((last, _)) if *last >= c => {
                // Cells out of order within a row (not written by Excel): keep them sorted.
                let at = current.partition_point(|(col, _)| *col < c);
                if current.get(at).is_some_and(|(col, _)| *col == c) {
                    current[at].1 = value;
                } else {
                    current.insert(at, (c, value));
                }
            }
            _ => current.push((c, value)),
        }
    }
    if let Some((at, done, _)) = row {
        let _ = tx.send(Ok((u64::from(at) + 1, done)));
    }
    Ok(())
}

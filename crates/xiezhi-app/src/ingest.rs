//! 导入 the import use case: the rules of the import format's "Bad input" on top of the reader
//! and the store, one implementation for `xiezhi import` and the web upload (page and API).
//!
//! An import is one transaction, committed with its audit entry — or nothing. The rows are
//! parsed on a reader thread; the import commits only after that thread said it reached the end
//! of the file and was joined: a reader that fails or panics part-way aborts the transaction
//! (tested by injecting a failing [`RowSource`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use xiezhi_domain::{CaseFacts, CourtCode};
use xiezhi_import::{Duplicate, DuplicateFinder, FactsReader, HeaderMap, ImportError, Problem, RowOutcome};
use xiezhi_store::{BATCH_ROWS, ConstraintKind, Store, StoreError, UpsertCounts};

use crate::{Access, Actor};

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    /// Data rows read (blank rows not counted).
    pub rows: u64,
    pub counts: UpsertCounts,
    /// Rows left out under `--skip-invalid`.
    pub skipped: u64,
    pub problems: Vec<Problem>,
    pub unknown_columns: Vec<String>,
    /// Where the problem report was written (`--skip-invalid` with problems).
    pub report: Option<PathBuf>,
}

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// The file as a whole cannot be read (empty, not CSV/XLSX, missing columns ...).
    #[error(transparent)]
    File(#[from] ImportError),
    /// Some rows are bad: nothing was imported.
    #[error("{} problem(s) found; nothing was imported", .0.len())]
    BadRows(Vec<Problem>),
    /// The database failed while `doing` something.
    #[error("{doing}: {source}")]
    Store { doing: &'static str, source: StoreError },
    /// The scratch file of the duplicate check could not be written or read.
    #[error("the duplicate check's scratch file (in the temporary directory): {0}")]
    Scratch(std::io::Error),
    /// A file without 结案日期 gave a closed case a 立案日期 after its stored 结案日期.
    #[error(
        "文件没有结案日期列，但有案件的新立案日期晚于库中已存的结案日期；请在文件中一并提供结案日期和结案方式。未导入任何数据 / a 立案日期 in the file falls after a 结案日期 already stored (the file has no 结案日期 column); nothing was imported"
    )]
    FiledAfterStoredClosing,
    /// The file's rows changed between the two reads of an import with duplicates.
    #[error("the file changed while it was being imported; nothing was imported")]
    Changed,
    /// The reader stopped before the end of the file (an error it could not report, or a panic).
    #[error("读取文件中断，未导入任何数据 / reading the file stopped part-way ({0}); nothing was imported")]
    ReaderFailed(String),
    /// The problem report could not be written.
    #[error("writing the problem report {}: {source}", path.display())]
    Report { path: PathBuf, source: std::io::Error },
}

impl ImportFailure {
    /// Whether the database was busy with another writer (the import may be tried again).
    pub fn is_busy(&self) -> bool {
        matches!(self, ImportFailure::Store { source, .. } if source.is_busy())
    }
}

/// Attaches what was being done to a store error. The database's refusal of a CHECK on the
/// cases (the only one an import can break: a file without the 结案日期 column moved a closed
/// case's filing date past its closing) is named as such.
fn store_failure(doing: &'static str) -> impl FnOnce(StoreError) -> ImportFailure {
    move |source| match source.constraint() {
        Some(ConstraintKind::Check) => ImportFailure::FiledAfterStoredClosing,
        _ => ImportFailure::Store { doing, source },
    }
}

/// The problems of a row that carries day counts or an 执行到位 amount other than its events
/// give: the rule's values as of the row's 结案日期 (or the import's day for an open case). A
/// zero day count is taken as blank.
fn contradictions(
    facts: &CaseFacts,
    events: &[xiezhi_domain::CaseEvent],
    today: xiezhi_domain::Date,
    columns: &(Option<String>, Option<String>, Option<String>),
    row: u64,
    problems: &mut Vec<Problem>,
) {
    let derived = crate::facts_as_of(facts, events, facts.closed_on.unwrap_or(today), 0);
    let mut check = |column: &Option<String>, given: Option<String>, expected: String| {
        if let (Some(column), Some(given)) = (column, given)
            && given != expected
        {
            problems.push(Problem {
                row,
                column: column.clone(),
                reason: format!("与该案已记录的事件不符（按事件应为 {expected}）"),
                value: given,
            });
        }
    };
    if events.iter().any(|e| e.kind().is_clock()) {
        check(
            &columns.0,
            (facts.extension_days != 0).then(|| facts.extension_days.to_string()),
            derived.extension_days.to_string(),
        );
        check(
            &columns.1,
            (facts.suspended_days != 0).then(|| facts.suspended_days.to_string()),
            derived.suspended_days.to_string(),
        );
    }
    if events.iter().any(|e| e.kind() == xiezhi_domain::EventKind::Payment) {
        check(
            &columns.2,
            facts.recovered_amount.map(|a| a.to_string()),
            derived.recovered_amount.map_or_else(|| "0".to_owned(), |a| a.to_string()),
        );
    }
}

/// Options of one import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub skip_invalid: bool,
    pub sheet: Option<String>,
    /// 仅校验: validate everything, then roll back (the web's validation step).
    pub dry_run: bool,
    /// Write the `--skip-invalid` problem report beside the input (the CLI does; the web shows it).
    pub problem_report: bool,
    /// The name recorded in `imports` (default: the file's own name; uploads pass the original).
    pub file_name: Option<String>,
    /// 导入范围 the uploader's access: a row of a court outside it is a problem (web imports by
    /// court managers); `None` accepts every court (CLI, admins).
    pub scope: Option<Access>,
}

/// Rows of a file, one at a time: the reader of the import format, or a test's source.
pub trait RowSource: Send + 'static {
    /// The file's header.
    fn header(&self) -> &HeaderMap;
    /// The next row; `None` at the end of the file.
    fn next_row(&mut self) -> Result<Option<RowOutcome>, ImportError>;
    /// Bytes read so far (progress).
    fn bytes_read(&self) -> u64;
    /// The file's size (progress and the write strategy's row estimate).
    fn total_bytes(&self) -> u64;
}

impl RowSource for FactsReader {
    fn header(&self) -> &HeaderMap {
        FactsReader::header(self)
    }
    fn next_row(&mut self) -> Result<Option<RowOutcome>, ImportError> {
        FactsReader::next_row(self)
    }
    fn bytes_read(&self) -> u64 {
        FactsReader::bytes_read(self)
    }
    fn total_bytes(&self) -> u64 {
        self.total_bytes
    }
}

/// Imports one file in one transaction. With problems and without `skip_invalid`, the
/// transaction is rolled back and every problem is returned.
///
/// 案号 repeated within the file are found only once the whole file is read (see
/// [`DuplicateFinder`]: memory does not grow with the file). When there are any, the pass is
/// rolled back and the file read again with the duplicate rows known from the start, so that
/// each is reported with its value and, under `skip_invalid`, left out while its first
/// occurrence goes in.
pub async fn import_file(
    store: &Store,
    actor: Actor<'_>,
    path: &Path,
    options: &ImportOptions,
    imported_at: &str,
    progress: impl FnMut(u64, u64),
) -> Result<ImportSummary, ImportFailure> {
    let sheet = options.sheet.clone();
    let owned = path.to_owned();
    let open = move || -> Result<Box<dyn RowSource>, ImportError> {
        Ok(Box::new(FactsReader::open(&owned, sheet.as_deref())?))
    };
    let file_name = options
        .file_name
        .clone()
        .unwrap_or_else(|| path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()));
    let report_to = options.problem_report.then(|| report_path(path));
    import_rows(store, actor, &open, options, &file_name, imported_at, report_to.as_deref(), progress).await
}

/// [`import_file`] over any row source (`open` is called once per read of the file). Under
/// `skip_invalid`, the problems are written to `report_to` (when given) before the commit.
#[allow(clippy::too_many_arguments)]
pub async fn import_rows(
    store: &Store,
    actor: Actor<'_>,
    open: &(dyn Fn() -> Result<Box<dyn RowSource>, ImportError> + Sync),
    options: &ImportOptions,
    file_name: &str,
    imported_at: &str,
    report_to: Option<&Path>,
    mut progress: impl FnMut(u64, u64),
) -> Result<ImportSummary, ImportFailure> {
    let pass = Pass { store, actor, options, file_name, imported_at, report_to };
    match pass.run(open()?, &mut progress, None).await? {
        Ok(summary) => Ok(summary),
        Err(duplicates) => {
            let known: HashMap<u64, u64> = duplicates.iter().map(|d| (d.row, d.first_row)).collect();
            match pass.run(open()?, &mut progress, Some(&known)).await? {
                Ok(summary) => Ok(summary),
                // The file changed between the two reads.
                Err(_) => Err(ImportFailure::Changed),
            }
        }
    }
}

/// One read of the file.
struct Pass<'a> {
    store: &'a Store,
    actor: Actor<'a>,
    options: &'a ImportOptions,
    file_name: &'a str,
    imported_at: &'a str,
    report_to: Option<&'a Path>,
}

impl Pass<'_> {
    /// `known` holds the duplicate rows (row → first row) when a first pass found them; without
    /// it, duplicates found at the end roll the pass back and are returned.
    async fn run(
        &self,
        source: Box<dyn RowSource>,
        progress: &mut impl FnMut(u64, u64),
        known: Option<&HashMap<u64, u64>>,
    ) -> Result<Result<ImportSummary, Vec<Duplicate>>, ImportFailure> {
        let options = self.options;
        let header = source.header();
        let mut summary = ImportSummary { unknown_columns: header.unknown.clone(), ..Default::default() };
        let court_header = header.header(xiezhi_import::Column::CourtName).to_owned();
        let number_header = header.header(xiezhi_import::Column::CaseNumber).to_owned();
        let total_bytes = source.total_bytes();
        // Columns the file does not have keep their stored values on cases it updates.
        // 结案日期 and 结案方式 go together (a reopened case clears both): carrying either writes both.
        let closing = [xiezhi_import::Column::ClosedOn, xiezhi_import::Column::Disposition];
        let carries_closing = closing.iter().any(|c| header.position(*c).is_some());
        let kept: Vec<&'static str> = xiezhi_import::Column::ALL
            .into_iter()
            .filter(|c| header.position(*c).is_none() && !(carries_closing && closing.contains(c)))
            .map(xiezhi_import::Column::key)
            .collect();
        // Cases whose record is their events: the file may not carry other day counts or 执行到位
        // amounts for them (contract case-events.md).
        let carries = |c: xiezhi_import::Column| header.position(c).is_some().then(|| header.header(c).to_owned());
        let event_columns = (
            carries(xiezhi_import::Column::ExtensionDays),
            carries(xiezhi_import::Column::SuspendedDays),
            carries(xiezhi_import::Column::RecoveredAmount),
        );
        let mut recorded: HashMap<String, Vec<xiezhi_domain::CaseEvent>> = HashMap::new();
        if event_columns != (None, None, None) {
            for e in self.store.all_events().await.map_err(store_failure("reading the events"))? {
                recorded.entry(e.case_number).or_default().push(e.event);
            }
        }
        // 法院名称 are managed (set once, renamed by admins): a row naming a known court
        // differently is refused, never applied.
        let managed_names: HashMap<String, String> =
            self.store.court_names().await.map_err(store_failure("reading the court names"))?.into_iter().collect();
        let today = xiezhi_domain::Date::parse_iso(self.imported_at.get(..10).unwrap_or(""))
            .unwrap_or_else(|_| xiezhi_domain::Date::from_day_number(0));
        let (mut rows, reader) = spawn_reader(source);
        let mut tx = self
            .store
            // A rough row estimate (≈100 bytes a row) picks the bulk strategy for large files.
            .begin_import_keeping(total_bytes / 100, &kept)
            .await
            .map_err(store_failure("starting the import transaction"))?;
        let mut finder = known.is_none().then(DuplicateFinder::default);
        let mut court_names: HashMap<CourtCode, (String, u64)> = HashMap::new();
        let mut batch: Vec<CaseFacts> = Vec::with_capacity(BATCH_ROWS);
        let mut finished = false;
        while let Some(message) = rows.recv().await {
            let chunk = match message {
                Ok(ReaderMessage::Rows(chunk)) => chunk,
                Ok(ReaderMessage::End) => {
                    finished = true;
                    break;
                }
                Err(e) => {
                    let _ = tx.rollback().await;
                    return Err(e.into());
                }
            };
            progress(chunk.bytes_read, total_bytes);
            for outcome in chunk.rows {
                summary.rows += 1;
                // Every row whose 案号 parsed takes part in the duplicate check, with other
                // problems or without.
                let number = match &outcome.result {
                    Ok(facts) => Some(&facts.case_number),
                    Err(_) => outcome.case_number.as_ref(),
                };
                let mut row_problems = Vec::new();
                if let Some(number) = number {
                    if let Some(finder) = &mut finder {
                        finder.push(number.fingerprint(), outcome.row).map_err(ImportFailure::Scratch)?;
                    } else if let Some(first_row) = known.and_then(|k| k.get(&outcome.row)) {
                        row_problems.push(Problem {
                            row: outcome.row,
                            column: number_header.clone(),
                            reason: format!("案号在文件中重复（首次出现在第{first_row}行）"),
                            value: number.to_string(),
                        });
                    }
                }
                let facts = match outcome.result {
                    Ok(facts) => facts,
                    Err(problems) => {
                        summary.problems.extend(problems);
                        summary.problems.append(&mut row_problems);
                        summary.skipped += 1;
                        continue;
                    }
                };
                if let Some(access) = &options.scope
                    && !facts.case_number.court().is_some_and(|c| access.sees_court(c))
                {
                    row_problems.push(Problem {
                        row: outcome.row,
                        column: number_header.clone(),
                        reason: "本账户无权导入该法院的案件".to_owned(),
                        value: facts.case_number.to_string(),
                    });
                }
                if let Some(events) = recorded.get(facts.case_number.as_str()) {
                    contradictions(&facts, events, today, &event_columns, outcome.row, &mut row_problems);
                }
                if let (Some(code), Some(name)) = (facts.case_number.court(), &facts.court_name)
                    && let Some(managed) = managed_names.get(&code.to_string())
                    && managed != name
                {
                    row_problems.push(Problem {
                        row: outcome.row,
                        column: court_header.clone(),
                        reason: format!(
                            "法院名称与系统登记的不一致（{code} 登记为“{managed}”）；法院名称由系统管理员维护（xiezhi courts rename），导入不能修改"
                        ),
                        value: xiezhi_import::clip_value(name),
                    });
                } else if let (Some(code), Some(name)) = (facts.case_number.court(), &facts.court_name) {
                    match court_names.get(&code) {
                        Some((first, row)) if first != name => row_problems.push(Problem {
                            row: outcome.row,
                            column: court_header.clone(),
                            reason: format!("同一法院名称不一致（{code} 在第{row}行为“{first}”）"),
                            value: name.clone(),
                        }),
                        Some(_) => {}
                        None => {
                            court_names.insert(code, (name.clone(), outcome.row));
                        }
                    }
                }
                if !row_problems.is_empty() {
                    summary.problems.extend(row_problems);
                    summary.skipped += 1;
                    continue;
                }
                // Once a problem is known and rows will not be kept, writing more is wasted work:
                // go on validating only.
                if summary.problems.is_empty() || options.skip_invalid {
                    batch.push(facts);
                    if batch.len() == BATCH_ROWS {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                        tx.upsert_owned(full).await.map_err(store_failure("writing cases"))?;
                    }
                }
            }
        }
        // The reader thread is joined whatever happened: a panic or a channel closed without
        // the end of the file aborts the import (the transaction is dropped: rolled back).
        let joined = tokio::task::spawn_blocking(move || reader.join()).await;
        let panicked = !matches!(joined, Ok(Ok(())));
        if !finished || panicked {
            let _ = tx.rollback().await;
            let why =
                if panicked { "the reader thread panicked" } else { "the reader stopped without reaching the end" };
            return Err(ImportFailure::ReaderFailed(why.to_owned()));
        }
        if let Some(finder) = finder {
            let duplicates = finder.finish().map_err(ImportFailure::Scratch)?;
            if !duplicates.is_empty() {
                tx.rollback().await.map_err(store_failure("rolling back the import"))?;
                return Ok(Err(duplicates));
            }
        }
        progress(total_bytes, total_bytes);
        if !summary.problems.is_empty() && !options.skip_invalid {
            tx.rollback().await.map_err(store_failure("rolling back the import"))?;
            return Err(ImportFailure::BadRows(summary.problems));
        }
        tx.upsert_owned(batch).await.map_err(store_failure("writing cases"))?;
        if options.dry_run {
            summary.counts = tx.counts().await.map_err(store_failure("counting the validated rows"))?;
            tx.rollback().await.map_err(store_failure("rolling back the validation"))?;
            return Ok(Ok(summary));
        }
        if let (Some(report), false) = (self.report_to, summary.problems.is_empty()) {
            write_problem_report(report, &summary.problems)
                .map_err(|source| ImportFailure::Report { path: report.to_owned(), source })?;
            summary.report = Some(report.to_owned());
        }
        let (rows_read, skipped) = (summary.rows, summary.skipped);
        let record = crate::audit_record_at(self.imported_at, self.actor, "import").object(self.file_name);
        let audit: xiezhi_store::AuditFor = Box::new(move |c: &UpsertCounts| {
            record.detail(format!("rows {rows_read} new {} updated {} skipped {skipped}", c.inserted, c.updated))
        });
        summary.counts = tx
            .commit(self.file_name, self.imported_at, summary.rows, summary.skipped, audit)
            .await
            .map_err(store_failure("committing the import"))?;
        Ok(Ok(summary))
    }
}

/// What the reader thread sends.
enum ReaderMessage {
    Rows(RowChunk),
    /// The end of the file was reached: nothing more will come.
    End,
}

/// Rows parsed by the reader thread, with how far into the file it has read.
struct RowChunk {
    rows: Vec<RowOutcome>,
    bytes_read: u64,
}

/// Parses the file on its own thread, so that parsing and validation overlap with the
/// database writes: the two cores both work. The thread ends by sending [`ReaderMessage::End`];
/// a channel that closes without it means the reader failed.
fn spawn_reader(
    mut source: Box<dyn RowSource>,
) -> (tokio::sync::mpsc::Receiver<Result<ReaderMessage, ImportError>>, std::thread::JoinHandle<()>) {
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let handle = std::thread::spawn(move || {
        loop {
            let mut rows = Vec::with_capacity(BATCH_ROWS);
            let mut done = false;
            while rows.len() < BATCH_ROWS {
                match source.next_row() {
                    Ok(Some(row)) => rows.push(row),
                    Ok(None) => {
                        done = true;
                        break;
                    }
                    Err(e) => {
                        let _ = sender.blocking_send(Err(e));
                        return;
                    }
                }
            }
            let chunk = RowChunk { rows, bytes_read: source.bytes_read() };
            // A closed channel means the import was abandoned: stop reading.
            if sender.blocking_send(Ok(ReaderMessage::Rows(chunk))).is_err() {
                return;
            }
            if done {
                let _ = sender.blocking_send(Ok(ReaderMessage::End));
                return;
            }
        }
    });
    (receiver, handle)
}

/// `cases.csv` → `cases.problems.csv`, beside the input.
pub fn report_path(input: &Path) -> PathBuf {
    let stem = input.file_stem().map_or_else(|| "import".into(), |s| s.to_string_lossy().into_owned());
    input.with_file_name(format!("{stem}.problems.csv"))
}

/// Writes the problems as CSV (UTF-8 with BOM for Excel): 行号, 列, 问题, 值.
pub fn write_problem_report(path: &Path, problems: &[Problem]) -> std::io::Result<()> {
    std::fs::write(path, problem_report_bytes(problems)?)
}

/// The problem report as CSV bytes (UTF-8 with BOM for Excel): 行号, 列, 问题, 值.
pub fn problem_report_bytes(problems: &[Problem]) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(["行号 row", "列 column", "问题 problem", "值 value"])?;
    for p in problems {
        let cells = [p.row.to_string(), p.column.clone(), p.reason.clone(), p.value.clone()];
        w.write_record(cells.iter().map(|c| xiezhi_import::export::neutralise_formula(c).into_owned()))?;
    }
    w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
}

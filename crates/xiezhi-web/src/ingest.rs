//! 导入规则 import orchestration: the rules of case-facts.md "Bad input" on top of the reader and
//! the store. One implementation for `xiezhi import` and the web upload (page and API).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use xiezhi_domain::{CaseFacts, CourtCode};
use xiezhi_import::{Duplicate, DuplicateFinder, FactsReader, ImportError, Problem, RowOutcome};
use xiezhi_store::{BATCH_ROWS, Store, UpsertCounts};

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
    Store { doing: &'static str, source: xiezhi_store::StoreError },
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
    /// The problem report could not be written.
    #[error("writing the problem report {}: {source}", path.display())]
    Report { path: PathBuf, source: std::io::Error },
}

/// Attaches what was being done to a store error; the database's refusal of a 立案日期 after a
/// stored 结案日期 (a file without the 结案日期 column moved a closed case's filing date past
/// its closing) is named as such.
fn store_failure(doing: &'static str) -> impl FnOnce(xiezhi_store::StoreError) -> ImportFailure {
    move |source| {
        let text = source.to_string();
        // SQLite names the expression; PostgreSQL the first CHECK of `cases`.
        if text.contains("closed_on >= filed_on") || text.contains("\"cases_check\"") {
            ImportFailure::FiledAfterStoredClosing
        } else {
            ImportFailure::Store { doing, source }
        }
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
    pub scope: Option<crate::access::Access>,
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
    path: &Path,
    options: &ImportOptions,
    imported_at: &str,
    mut progress: impl FnMut(u64, u64),
) -> Result<ImportSummary, ImportFailure> {
    match import_pass(store, path, options, imported_at, &mut progress, None).await? {
        Ok(summary) => Ok(summary),
        Err(duplicates) => {
            let known: HashMap<u64, u64> = duplicates.iter().map(|d| (d.row, d.first_row)).collect();
            match import_pass(store, path, options, imported_at, &mut progress, Some(&known)).await? {
                Ok(summary) => Ok(summary),
                // The file changed between the two reads.
                Err(_) => Err(ImportFailure::Changed),
            }
        }
    }
}

/// One read of the file. `known` holds the duplicate rows (row → first row) when a first pass
/// found them; without it, duplicates found at the end roll the pass back and are returned.
async fn import_pass(
    store: &Store,
    path: &Path,
    options: &ImportOptions,
    imported_at: &str,
    progress: &mut impl FnMut(u64, u64),
    known: Option<&HashMap<u64, u64>>,
) -> Result<Result<ImportSummary, Vec<Duplicate>>, ImportFailure> {
    let reader = FactsReader::open(path, options.sheet.as_deref())?;
    let mut summary = ImportSummary { unknown_columns: reader.header().unknown.clone(), ..Default::default() };
    let court_header = reader.header().header(xiezhi_import::Column::CourtName).to_owned();
    let number_header = reader.header().header(xiezhi_import::Column::CaseNumber).to_owned();
    let total_bytes = reader.total_bytes;
    // Columns the file does not have keep their stored values on cases it updates.
    // 结案日期 and 结案方式 go together (a reopened case clears both): carrying either writes both.
    let header = reader.header();
    let closing = [xiezhi_import::Column::ClosedOn, xiezhi_import::Column::Disposition];
    let carries_closing = closing.iter().any(|c| header.position(*c).is_some());
    let kept: Vec<&'static str> = xiezhi_import::Column::ALL
        .into_iter()
        .filter(|c| header.position(*c).is_none() && !(carries_closing && closing.contains(c)))
        .map(xiezhi_import::Column::key)
        .collect();
    let mut rows = spawn_reader(reader);
    let mut tx = store
        // A rough row estimate (≈100 bytes a row) picks the bulk strategy for large files.
        .begin_import_keeping(total_bytes / 100, &kept)
        .await
        .map_err(store_failure("starting the import transaction"))?;
    let mut finder = known.is_none().then(DuplicateFinder::default);
    let mut court_names: HashMap<CourtCode, (String, u64)> = HashMap::new();
    let mut batch: Vec<CaseFacts> = Vec::with_capacity(BATCH_ROWS);
    while let Some(chunk) = rows.recv().await {
        let chunk = chunk?;
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
                        reason: format!("案号在文件中重复 / duplicate 案号 in the file (first at row {first_row})"),
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
                    reason: "本账户无权导入该法院案件 / the court of this 案号 is outside your scope".to_owned(),
                    value: facts.case_number.to_string(),
                });
            }
            if let (Some(code), Some(name)) = (facts.case_number.court(), &facts.court_name) {
                match court_names.get(&code) {
                    Some((first, row)) if first != name => row_problems.push(Problem {
                        row: outcome.row,
                        column: court_header.clone(),
                        reason: format!("同一法院名称不一致 / court {code} is named {first:?} at row {row}"),
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
    if !summary.problems.is_empty() && options.problem_report {
        let report = report_path(path);
        write_problem_report(&report, &summary.problems)
            .map_err(|source| ImportFailure::Report { path: report.clone(), source })?;
        summary.report = Some(report);
    }
    let file_name = options
        .file_name
        .clone()
        .unwrap_or_else(|| path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned()));
    summary.counts = tx
        .commit(&file_name, imported_at, summary.rows, summary.skipped)
        .await
        .map_err(store_failure("committing the import"))?;
    Ok(Ok(summary))
}

/// Rows parsed by the reader thread, with how far into the file it has read.
struct RowChunk {
    rows: Vec<RowOutcome>,
    bytes_read: u64,
}

/// Parses the file on its own thread, so that parsing and validation overlap with the
/// database writes (SQLite writes on sqlx's worker thread): the two cores both work.
fn spawn_reader(mut reader: FactsReader) -> tokio::sync::mpsc::Receiver<Result<RowChunk, ImportError>> {
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    std::thread::spawn(move || {
        loop {
            let mut rows = Vec::with_capacity(BATCH_ROWS);
            let mut done = false;
            while rows.len() < BATCH_ROWS {
                match reader.next_row() {
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
            let chunk = RowChunk { rows, bytes_read: reader.bytes_read() };
            // A closed channel means the import was abandoned: stop reading.
            if sender.blocking_send(Ok(chunk)).is_err() || done {
                return;
            }
        }
    });
    receiver
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
        w.write_record([p.row.to_string(), p.column.clone(), p.reason.clone(), p.value.clone()])?;
    }
    w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
}

//! The SQLite import writer: one transaction on its own thread, through rusqlite.
//!
//! sqlx hands every bound value through its `Any` layer and a worker thread (three copies per
//! value); for a million-row import that was 3 of its 7.5 seconds (see BENCHMARKS.md). This
//! writer binds borrowed values straight into one prepared statement. It writes the same rows
//! with the same SQL (`rows::upsert_sql`) as the sqlx path used for PostgreSQL, and the
//! conformance suite runs the same stories against both. Everything else (reads, accounts,
//! sessions) stays on sqlx.

use std::path::PathBuf;
use std::sync::Arc;

use rusqlite::{Connection, params};
use tokio::sync::{mpsc, oneshot};
use xiezhi_domain::{Amount, CaseFacts, CourtCode, Disposition, Procedure};

use crate::import::{Finish, RosterLinks, UpsertCounts, WriteMode, linked_judge};
use crate::write::ChangeSet;
use crate::{Backend, StoreError, rows};

enum Command {
    Write(Vec<CaseFacts>, Arc<RosterLinks>),
    Counts(oneshot::Sender<Result<UpsertCounts, StoreError>>),
    Commit { finish: Finish, reply: oneshot::Sender<Result<UpsertCounts, StoreError>> },
    Rollback(oneshot::Sender<Result<(), StoreError>>),
}

/// An import running on the writer thread. Dropping it without committing rolls it back.
pub(crate) struct NativeImport {
    commands: mpsc::Sender<Command>,
}

fn gone() -> StoreError {
    StoreError::Native("the SQLite writer thread stopped".to_owned())
}

impl NativeImport {
    /// Opens its own connection to the database file, begins an immediate transaction and
    /// chooses the write strategy.
    pub(crate) async fn begin(
        path: PathBuf,
        expected_rows: u64,
        kept: Vec<&'static str>,
    ) -> Result<NativeImport, StoreError> {
        let (commands, receiver) = mpsc::channel(4);
        let (ready, started) = oneshot::channel();
        std::thread::Builder::new()
            .name("xiezhi-sqlite-writer".to_owned())
            .spawn(move || writer(path, expected_rows, kept, receiver, ready))
            .map_err(|e| StoreError::Native(format!("starting the writer thread: {e}")))?;
        started.await.map_err(|_| gone())??;
        Ok(NativeImport { commands })
    }

    /// Queues a batch; a failure is reported by the next `counts`, `commit` or `rollback`.
    pub(crate) async fn write(&mut self, batch: Vec<CaseFacts>, links: Arc<RosterLinks>) -> Result<(), StoreError> {
        self.commands.send(Command::Write(batch, links)).await.map_err(|_| gone())
    }

    pub(crate) async fn counts(&mut self) -> Result<UpsertCounts, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::Counts(reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    pub(crate) async fn commit(self, finish: Finish) -> Result<UpsertCounts, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::Commit { finish, reply }).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }

    pub(crate) async fn rollback(self) -> Result<(), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::Rollback(reply)).await.map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?
    }
}

struct State {
    before: u64,
    rows: u64,
    affected: u64,
    dropped: Vec<&'static (&'static str, &'static str)>,
    /// The first write error: later commands report it (typed, as the database gave it).
    error: Option<StoreError>,
    changes: ChangeSet,
}

/// Reports the writer's first error again (the error itself went to whoever asked first).
fn replay(e: &StoreError) -> StoreError {
    match e {
        StoreError::Constraint { kind, constraint, message } => {
            StoreError::Constraint { kind: *kind, constraint: constraint.clone(), message: message.clone() }
        }
        StoreError::Busy(m) => StoreError::Busy(m.clone()),
        other => StoreError::Native(other.to_string()),
    }
}

fn counts(conn: &Connection, state: &State) -> Result<UpsertCounts, StoreError> {
    if let Some(e) = &state.error {
        return Err(replay(e));
    }
    let now: i64 = conn.query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0))?;
    Ok(crate::import::counts_from(state.before, now as u64, state.rows, state.affected))
}

fn amount(a: Option<Amount>) -> Option<i64> {
    a.map(Amount::ten_thousandths)
}

fn execute(statement: &mut rusqlite::Statement<'_>, f: &CaseFacts, judge_id: Option<&str>) -> rusqlite::Result<usize> {
    let n = &f.case_number;
    statement.execute(params![
        n.as_str(),
        n.court().map(|c| c.to_string()),
        i64::from(n.year()),
        n.type_code().as_str(),
        n.type_code().class().key(),
        f.court_name.as_deref(),
        f.cause.as_deref(),
        f.procedure.map(Procedure::label),
        f.filed_on.to_string(),
        f.closed_on.map(|d| d.to_string()),
        f.disposition.map(Disposition::label),
        f.judge.as_deref(),
        f.department.as_deref(),
        amount(f.claim_amount),
        amount(f.applied_amount),
        amount(f.recovered_amount),
        i64::from(f.extension_days),
        i64::from(f.suspended_days),
        f.origin_case_number.as_ref().map(|c| c.as_str()),
        f.has_property.map(i64::from),
        judge_id,
    ])
}

fn start(path: &PathBuf, expected_rows: u64) -> Result<(Connection, State, bool), StoreError> {
    let conn = Connection::open(path)?;
    // WAL is a property of the file (set by the sqlx pool when it opened it).
    conn.execute_batch(&format!(
        "PRAGMA busy_timeout={}; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536; \
         PRAGMA threads=2; BEGIN IMMEDIATE;",
        crate::SQLITE_BUSY_TIMEOUT_MS
    ))?;
    let before: i64 = conn.query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0))?;
    let mode = crate::import::write_mode(expected_rows, before as u64);
    let dropped = crate::import::indexes_to_drop(mode);
    for (name, _) in &dropped {
        conn.execute_batch(&format!("DROP INDEX {name}"))?;
    }
    let changes = if mode == WriteMode::Upsert { ChangeSet::Nothing } else { ChangeSet::Everything };
    let state = State { before: before as u64, rows: 0, affected: 0, dropped, error: None, changes };
    Ok((conn, state, mode == WriteMode::BulkEmpty))
}

fn finish(conn: &Connection, state: &mut State, finish: Finish) -> Result<UpsertCounts, StoreError> {
    if let Some(e) = &state.error {
        return Err(replay(e));
    }
    for (_, create) in std::mem::take(&mut state.dropped) {
        conn.execute_batch(create)?;
    }
    let counts = counts(conn, state)?;
    for (code, name) in &finish.courts {
        let code: &CourtCode = code;
        conn.execute(
            crate::import::UPSERT_COURT_SQL,
            params![
                code.to_string(),
                name.as_deref(),
                crate::import::level_key(*code),
                code.city().map(|c| c.to_string()),
                code.province().map(|c| c.to_string())
            ],
        )?;
    }
    conn.execute(
        crate::import::INSERT_IMPORT_SQL,
        params![
            finish.file_name,
            finish.imported_at,
            finish.rows as i64,
            counts.inserted as i64,
            counts.updated as i64,
            finish.skipped as i64
        ],
    )?;
    {
        let mut raise = conn.prepare(crate::import::RAISE_COUNTER_SQL)?;
        for ((year, court, type_code), last) in &finish.counters {
            raise.execute(params![year, court, type_code, last])?;
        }
    }
    crate::write::record_changes_native(conn, &state.changes)?;
    crate::audit::append_native(conn, &(finish.audit)(&counts))?;
    conn.execute_batch("COMMIT")?;
    Ok(counts)
}

fn writer(
    path: PathBuf,
    expected_rows: u64,
    kept: Vec<&'static str>,
    mut commands: mpsc::Receiver<Command>,
    ready: oneshot::Sender<Result<(), StoreError>>,
) {
    let (conn, mut state, plain) = match start(&path, expected_rows) {
        Ok(started) => started,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let _ = ready.send(Ok(()));
    let sql = rows::upsert_sql(Backend::Sqlite, 1, plain, &kept);
    let mut statement = match conn.prepare(&sql) {
        Ok(s) => Some(s),
        Err(e) => {
            state.error = Some(StoreError::from(e));
            None
        }
    };
    // A closed channel (the import was dropped, or the process is ending) leaves the loop
    // without COMMIT: dropping the connection rolls the transaction back.
    while let Some(command) = commands.blocking_recv() {
        match command {
            Command::Write(batch, links) => {
                let Some(statement) = statement.as_mut() else { continue };
                if state.error.is_some() {
                    continue;
                }
                for f in &batch {
                    match execute(statement, f, linked_judge(&links, f)) {
                        Ok(n) => {
                            state.affected += n as u64;
                            if n > 0 {
                                state.changes.touch(f.case_number.as_str());
                            }
                        }
                        Err(e) => {
                            state.error = Some(StoreError::from(e));
                            break;
                        }
                    }
                    state.rows += 1;
                }
            }
            Command::Counts(reply) => {
                let _ = reply.send(counts(&conn, &state));
            }
            Command::Commit { finish: done, reply } => {
                drop(statement.take());
                let result = finish(&conn, &mut state, done);
                if result.is_err() {
                    let _ = conn.execute_batch("ROLLBACK");
                }
                let _ = reply.send(result);
                return;
            }
            Command::Rollback(reply) => {
                drop(statement.take());
                let _ = reply.send(conn.execute_batch("ROLLBACK").map_err(StoreError::from));
                return;
            }
        }
    }
}

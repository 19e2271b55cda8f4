//! 导入事务 an import = one transaction: committed whole (with its `imports` row, the courts it
//! implies, its change record and its audit entry) or not at all. On SQLite it runs on its own
//! writer thread (`native`), on PostgreSQL through sqlx.

use std::collections::{BTreeMap, HashMap};

use sqlx::{AnyPool, AssertSqlSafe, Row};
use xiezhi_domain::{CaseFacts, CourtCode};

use crate::audit::{self, AuditRecord};
use crate::write::{self, ChangeSet};
use crate::{Backend, Store, StoreError, native, rows};

/// Counts of what an upsert did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl std::ops::AddAssign for UpsertCounts {
    fn add_assign(&mut self, o: UpsertCounts) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

/// Builds the import's audit entry once its counts are known (on the writer's side).
pub type AuditFor = Box<dyn FnOnce(&UpsertCounts) -> AuditRecord + Send>;

/// Roster links: (court code, judge name) → the judge's id when exactly one roster judge of
/// that court has the name (None when several do).
pub(crate) type RosterLinks = HashMap<(String, String), Option<String>>;

/// The roster links of the whole roster.
pub(crate) async fn roster_links(pool: &AnyPool) -> Result<RosterLinks, StoreError> {
    let rows = sqlx::query("SELECT court_code, name, judge_id FROM judges").fetch_all(pool).await?;
    let mut links = RosterLinks::new();
    for r in &rows {
        let key: (String, String) = (r.try_get("court_code")?, r.try_get("name")?);
        let id: String = r.try_get("judge_id")?;
        links.entry(key).and_modify(|slot| *slot = None).or_insert(Some(id));
    }
    Ok(links)
}

/// The roster id an imported judge name links to.
pub(crate) fn linked_judge<'a>(links: &'a RosterLinks, facts: &CaseFacts) -> Option<&'a str> {
    let court = facts.case_number.court()?.to_string();
    let name = facts.judge.as_deref().map(str::trim).filter(|j| !j.is_empty())?;
    links.get(&(court, name.to_owned()))?.as_deref()
}

/// An import in progress: one database transaction, committed whole or not at all.
pub struct ImportTx {
    inner: Inner,
    /// Courts seen in the imported cases (with their names), and the cities and provinces they
    /// imply: written to `courts` at commit.
    courts: BTreeMap<CourtCode, Option<String>>,
    links: std::sync::Arc<RosterLinks>,
    /// The largest 案件编号 per (year, court, type code) among the imported cases: the 案号
    /// counters are raised to them at commit.
    sequences: CounterMaxima,
}

/// (收案年度, 法院代字, 类型代字) → the largest 案件编号 seen.
pub(crate) type CounterMaxima = BTreeMap<(i64, String, &'static str), i64>;

/// Raises a 案号 counter to at least `last` (creating it).
pub(crate) const RAISE_COUNTER_SQL: &str = "INSERT INTO case_number_counters (year, court_code, type_code, last_sequence) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (year, court_code, type_code) DO UPDATE SET last_sequence = \
     CASE WHEN excluded.last_sequence > case_number_counters.last_sequence THEN excluded.last_sequence \
     ELSE case_number_counters.last_sequence END";

/// Notes a case's 案件编号 for its counter (numbers with a court code and no 专门审判代字).
pub(crate) fn note_sequence(maxima: &mut CounterMaxima, facts: &CaseFacts) {
    let number = &facts.case_number;
    let Some(court) = number.court() else { return };
    if number.specialized().is_some() {
        return;
    }
    let sequence = i64::try_from(number.sequence()).unwrap_or(i64::MAX);
    let slot = maxima.entry((i64::from(number.year()), court.to_string(), number.type_code().as_str())).or_insert(0);
    *slot = (*slot).max(sequence);
}

enum Inner {
    Sqlx(SqlxImport),
    Native(native::NativeImport),
}

/// What `commit` writes besides the cases.
pub(crate) struct Finish {
    pub courts: Vec<(CourtCode, Option<String>)>,
    pub file_name: String,
    pub imported_at: String,
    pub rows: u64,
    pub skipped: u64,
    pub audit: AuditFor,
    pub counters: CounterMaxima,
}

/// The sqlx import (PostgreSQL).
struct SqlxImport {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    batch_sql: Option<(usize, String)>,
    backend: Backend,
    /// Cases in the table when the import began.
    before: u64,
    /// Rows given to `upsert` so far.
    rows: u64,
    /// Rows inserted or changed so far (unchanged rows are not touched).
    affected: u64,
    /// Empty table in bulk mode: plain INSERT (no conflict target exists while indexes are off).
    plain_insert: bool,
    /// Columns the file lacks: updates keep their stored values.
    kept: Vec<&'static str>,
    /// Indexes dropped for this import, rebuilt before commit.
    dropped: Vec<&'static (&'static str, &'static str)>,
    changes: ChangeSet,
}

/// How an import writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteMode {
    Upsert,
    BulkEmpty,
    BulkUpsert,
}

/// Imports of at least this many rows may use the bulk strategies.
const BULK_MIN_ROWS: u64 = 10_000;

/// The indexes of `cases` (also created by the migrations; keep both lists equal).
/// Only what SQL lookups need: a case by 案号 (and the upsert's conflict target), and the cases
/// that follow a case. Lists, filters and indicators run on the in-memory snapshot, so no
/// (court, date) or (court, judge) index is kept: each index costs every import (the court
/// index alone was 1.1 s of a million-row load).
/// The draw counts each judge's open cases (`cases_judge_open`, partial: open cases only).
pub(crate) const CASE_INDEXES: [(&str, &str); 3] = [
    ("cases_case_number", "CREATE UNIQUE INDEX cases_case_number ON cases (case_number)"),
    ("cases_origin", "CREATE INDEX cases_origin ON cases (origin_case_number)"),
    ("cases_judge_open", "CREATE INDEX cases_judge_open ON cases (judge_id) WHERE closed_on IS NULL"),
];

/// Rows per INSERT statement: 512 × 21 parameters stay below both backends' limits.
pub const BATCH_ROWS: usize = 512;

impl Store {
    /// Starts an import: everything written through the returned transaction is committed
    /// together or not at all.
    ///
    /// `expected_rows` (a rough estimate) chooses the write strategy: an import into an empty
    /// table, or one larger than the table, drops the case indexes inside the transaction and
    /// rebuilds them before committing; on an empty table rows are then plainly inserted (the
    /// caller guarantees distinct 案号 — the rebuilt unique index would refuse duplicates and
    /// the import would fail whole). Small imports into a large table upsert row by row.
    pub async fn begin_import(&self, expected_rows: u64) -> Result<ImportTx, StoreError> {
        self.begin_import_keeping(expected_rows, &[]).await
    }

    /// As [`Store::begin_import`], for a file that lacks the columns `kept` (keys of the
    /// interchange format, e.g. `judge`): updated cases keep their stored values there, so
    /// that a file of, say, amounts only never blanks a case's dates or judge. A kept judge
    /// keeps its roster link too.
    pub async fn begin_import_keeping(
        &self,
        expected_rows: u64,
        kept: &[&'static str],
    ) -> Result<ImportTx, StoreError> {
        if let Some(unknown) = kept.iter().find(|k| !rows::is_write_column(k) || **k == "case_number") {
            return Err(StoreError::Invalid(format!("no column {unknown} to keep")));
        }
        let mut kept = kept.to_vec();
        if kept.contains(&"judge") {
            kept.push("judge_id");
        }
        let links = std::sync::Arc::new(roster_links(&self.pool).await?);
        let inner = match &self.sqlite_path {
            Some(path) => Inner::Native(native::NativeImport::begin(path.clone(), expected_rows, kept).await?),
            None => Inner::Sqlx(SqlxImport::begin(&self.pool, self.backend, expected_rows, kept).await?),
        };
        Ok(ImportTx { inner, courts: BTreeMap::new(), links, sequences: CounterMaxima::new() })
    }
}

impl ImportTx {
    /// Inserts or updates (by 案号) a batch of cases. Rows equal to what is stored are left
    /// untouched.
    pub async fn upsert(&mut self, batch: &[CaseFacts]) -> Result<(), StoreError> {
        self.upsert_owned(batch.to_vec()).await
    }

    /// As [`ImportTx::upsert`], taking the batch (no copy on SQLite).
    pub async fn upsert_owned(&mut self, batch: Vec<CaseFacts>) -> Result<(), StoreError> {
        for f in &batch {
            note_sequence(&mut self.sequences, f);
            if let Some(code) = f.case_number.court() {
                let entry = self.courts.entry(code).or_default();
                if entry.is_none() {
                    entry.clone_from(&f.court_name);
                }
                for implied in [code.city(), code.province_code()].into_iter().flatten() {
                    self.courts.entry(implied).or_default();
                }
            }
        }
        let links = self.links.clone();
        match &mut self.inner {
            Inner::Sqlx(import) => import.upsert(&batch, &links).await,
            Inner::Native(import) => import.write(batch, links).await,
        }
    }

    /// What the import has done so far: new rows are the growth of the table (one count per
    /// import instead of a lookup per row), updated rows the rest of the rows affected.
    pub async fn counts(&mut self) -> Result<UpsertCounts, StoreError> {
        match &mut self.inner {
            Inner::Sqlx(import) => import.counts().await,
            Inner::Native(import) => import.counts().await,
        }
    }

    /// Rebuilds dropped indexes, records the courts, the import, the changed cases and the audit
    /// entry `audit` makes from the counts, and commits everything.
    pub async fn commit(
        self,
        file_name: &str,
        imported_at: &str,
        rows: u64,
        skipped: u64,
        audit: AuditFor,
    ) -> Result<UpsertCounts, StoreError> {
        let finish = Finish {
            courts: self.courts.into_iter().collect(),
            file_name: file_name.to_owned(),
            imported_at: imported_at.to_owned(),
            rows,
            skipped,
            audit,
            counters: self.sequences,
        };
        match self.inner {
            Inner::Sqlx(import) => import.commit(finish).await,
            Inner::Native(import) => import.commit(finish).await,
        }
    }

    /// Abandons the import: the database is as it was before [`Store::begin_import`].
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.inner {
            Inner::Sqlx(import) => import.tx.rollback().await.map_err(StoreError::from),
            Inner::Native(import) => import.rollback().await,
        }
    }
}

/// The write strategy for an import of about `expected_rows` into a table of `before` cases.
pub(crate) fn write_mode(expected_rows: u64, before: u64) -> WriteMode {
    if expected_rows < BULK_MIN_ROWS {
        WriteMode::Upsert
    } else if before == 0 {
        WriteMode::BulkEmpty
    } else if expected_rows > before {
        WriteMode::BulkUpsert
    } else {
        WriteMode::Upsert
    }
}

/// The indexes a strategy drops (and rebuilds before commit).
pub(crate) fn indexes_to_drop(mode: WriteMode) -> Vec<&'static (&'static str, &'static str)> {
    match mode {
        WriteMode::Upsert => Vec::new(),
        WriteMode::BulkEmpty => CASE_INDEXES.iter().collect(),
        WriteMode::BulkUpsert => CASE_INDEXES.iter().filter(|(name, _)| *name != "cases_case_number").collect(),
    }
}

/// Counts from the table's growth: new rows = growth; updated = the other affected rows.
pub(crate) fn counts_from(before: u64, now: u64, rows: u64, affected: u64) -> UpsertCounts {
    let inserted = now.saturating_sub(before);
    let updated = affected.saturating_sub(inserted);
    UpsertCounts { inserted, updated, unchanged: rows.saturating_sub(inserted + updated) }
}

/// A court's name is set by the first import that gives one; later imports never change it
/// (the app refuses rows that disagree; admins rename with [`WriteTx::rename_court`]).
pub(crate) const UPSERT_COURT_SQL: &str = "INSERT INTO courts (code, name, level, city_code, province) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO UPDATE SET name = COALESCE(courts.name, excluded.name)";

pub(crate) const INSERT_IMPORT_SQL: &str =
    "INSERT INTO imports (file_name, imported_at, rows, inserted, updated, skipped) VALUES ($1, $2, $3, $4, $5, $6)";

pub(crate) fn level_key(code: CourtCode) -> &'static str {
    match code.level() {
        xiezhi_domain::CourtLevel::Supreme => "supreme",
        xiezhi_domain::CourtLevel::High => "high",
        xiezhi_domain::CourtLevel::Intermediate => "intermediate",
        xiezhi_domain::CourtLevel::Basic => "basic",
    }
}

impl SqlxImport {
    async fn begin(
        pool: &AnyPool,
        backend: Backend,
        expected_rows: u64,
        kept: Vec<&'static str>,
    ) -> Result<SqlxImport, StoreError> {
        let mut tx = pool.begin().await?;
        let before = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM cases").fetch_one(&mut *tx).await? as u64;
        let mode = write_mode(expected_rows, before);
        let dropped = indexes_to_drop(mode);
        for (name, _) in &dropped {
            sqlx::query(AssertSqlSafe(format!("DROP INDEX {name}"))).execute(&mut *tx).await?;
        }
        Ok(SqlxImport {
            tx,
            batch_sql: None,
            backend,
            before,
            rows: 0,
            affected: 0,
            plain_insert: mode == WriteMode::BulkEmpty,
            dropped,
            kept,
            changes: if mode == WriteMode::Upsert { ChangeSet::Nothing } else { ChangeSet::Everything },
        })
    }

    async fn upsert(&mut self, batch: &[CaseFacts], links: &RosterLinks) -> Result<(), StoreError> {
        for chunk in batch.chunks(BATCH_ROWS) {
            if chunk.is_empty() {
                continue;
            }
            let sql = match &self.batch_sql {
                Some((n, sql)) if *n == chunk.len() => sql.clone(),
                _ => {
                    let sql = rows::upsert_sql(self.backend, chunk.len(), self.plain_insert, &self.kept);
                    self.batch_sql = Some((chunk.len(), sql.clone()));
                    sql
                }
            };
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for f in chunk {
                query = rows::bind_facts(query, f, linked_judge(links, f));
            }
            let affected = query.execute(&mut *self.tx).await?.rows_affected();
            if affected > 0 {
                for f in chunk {
                    self.changes.touch(f.case_number.as_str());
                }
            }
            self.affected += affected;
            self.rows += chunk.len() as u64;
        }
        Ok(())
    }

    async fn counts(&mut self) -> Result<UpsertCounts, StoreError> {
        let now = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM cases").fetch_one(&mut *self.tx).await? as u64;
        Ok(counts_from(self.before, now, self.rows, self.affected))
    }

    async fn commit(mut self, finish: Finish) -> Result<UpsertCounts, StoreError> {
        for (_, create) in std::mem::take(&mut self.dropped) {
            sqlx::query(AssertSqlSafe(*create)).execute(&mut *self.tx).await?;
        }
        let counts = self.counts().await?;
        for (code, name) in finish.courts {
            sqlx::query(UPSERT_COURT_SQL)
                .bind(code.to_string())
                .bind(name)
                .bind(level_key(code))
                .bind(code.city().map(|c| c.to_string()))
                .bind(code.province().map(|c| c.to_string()))
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query(INSERT_IMPORT_SQL)
            .bind(finish.file_name)
            .bind(finish.imported_at)
            .bind(finish.rows as i64)
            .bind(counts.inserted as i64)
            .bind(counts.updated as i64)
            .bind(finish.skipped as i64)
            .execute(&mut *self.tx)
            .await?;
        for ((year, court, type_code), last) in &finish.counters {
            sqlx::query(RAISE_COUNTER_SQL)
                .bind(*year)
                .bind(court.clone())
                .bind(*type_code)
                .bind(*last)
                .execute(&mut *self.tx)
                .await?;
        }
        write::record_changes(&mut self.tx, &self.changes).await?;
        let record = (finish.audit)(&counts);
        audit::append(&mut self.tx, self.backend, &record).await?;
        self.tx.commit().await?;
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_index_list_matches_the_migrations() {
        // Every index the migrations create on cases is in the list (a bulk import rebuilds
        // only those), and every listed index is created.
        let sqlite = [
            include_str!("../migrations/sqlite/0001_init.sql"),
            include_str!("../migrations/sqlite/0002_sessions.sql"),
            include_str!("../migrations/sqlite/0003_record.sql"),
            include_str!("../migrations/sqlite/0004_registration.sql"),
            include_str!("../migrations/sqlite/0005_clock.sql"),
        ];
        let postgres = [
            include_str!("../migrations/postgres/0001_init.sql"),
            include_str!("../migrations/postgres/0002_sessions.sql"),
            include_str!("../migrations/postgres/0003_record.sql"),
            include_str!("../migrations/postgres/0004_registration.sql"),
            include_str!("../migrations/postgres/0005_clock.sql"),
        ];
        for files in [sqlite, postgres] {
            let created: Vec<&str> = files
                .iter()
                .flat_map(|sql| sql.lines())
                .filter(|l| l.starts_with("CREATE") && l.contains(" ON cases "))
                .collect();
            assert_eq!(created.len(), CASE_INDEXES.len(), "{created:?}");
            for (_, create) in CASE_INDEXES {
                assert!(created.contains(&format!("{create};").as_str()), "{create}");
            }
        }
    }
}

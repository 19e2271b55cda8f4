//! 写事务 one use case = one transaction + its audit entry. [`WriteTx`] holds the writer's lock
//! (SQLite `BEGIN IMMEDIATE`; on PostgreSQL the change counter's and the audit head's rows are
//! locked when they are written), collects which cases it changed, and on
//! [`WriteTx::commit`] bumps the change counter, records the changed 案号 and appends the audit
//! entry — all in the same transaction as the change.

use std::collections::BTreeSet;

use sqlx::Row;

use crate::audit::{self, AuditRecord};
use crate::{Backend, Store, StoreError};

/// Which cases a transaction changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) enum ChangeSet {
    #[default]
    Nothing,
    Cases(BTreeSet<String>),
    /// Too many to list (a bulk import): readers reload.
    Everything,
}

/// Change sets larger than this are recorded as "everything".
pub(crate) const MAX_LISTED_CHANGES: usize = 10_000;

impl ChangeSet {
    pub(crate) fn touch(&mut self, case_number: &str) {
        match self {
            ChangeSet::Nothing => *self = ChangeSet::Cases(BTreeSet::from([case_number.to_owned()])),
            ChangeSet::Cases(set) => {
                set.insert(case_number.to_owned());
                if set.len() > MAX_LISTED_CHANGES {
                    *self = ChangeSet::Everything;
                }
            }
            ChangeSet::Everything => {}
        }
    }
}

/// A write in progress: committed with its audit entry, or rolled back (also when dropped).
pub struct WriteTx {
    pub(crate) tx: sqlx::Transaction<'static, sqlx::Any>,
    pub(crate) backend: Backend,
    pub(crate) changes: ChangeSet,
}

impl Store {
    /// A transaction that holds SQLite's write lock from its first statement (`BEGIN
    /// IMMEDIATE`: a deferred transaction that reads first could not take the lock later
    /// without failing).
    pub(crate) async fn begin_locked(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Starts a write.
    pub async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        Ok(WriteTx { tx: self.begin_locked().await?, backend: self.backend, changes: ChangeSet::Nothing })
    }
}

impl WriteTx {
    /// Marks a case as changed by this transaction.
    pub(crate) fn touch(&mut self, case_number: &str) {
        self.changes.touch(case_number);
    }

    /// Marks every case as possibly changed.
    pub(crate) fn touch_all(&mut self) {
        self.changes = ChangeSet::Everything;
    }

    /// Commits the change with its audit entry.
    pub async fn commit(mut self, record: &AuditRecord) -> Result<(), StoreError> {
        let changes = std::mem::take(&mut self.changes);
        record_changes(&mut self.tx, &changes).await?;
        audit::append(&mut self.tx, self.backend, record).await?;
        self.tx.commit().await?;
        Ok(())
    }

    /// 法院名称 sets the name of court `code` (admins: the managed table of names). `false`
    /// when no such court is known. Every case's court name may show differently: the
    /// dataset is rebuilt.
    pub async fn rename_court(&mut self, code: &str, name: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE courts SET name = $1 WHERE code = $2")
            .bind(name.to_owned())
            .bind(code.to_owned())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if done > 0 {
            self.touch_all();
        }
        Ok(done > 0)
    }

    /// Abandons the transaction: nothing it did is kept.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

/// Bumps the change counter and lists the changed cases (nothing when nothing changed).
pub(crate) async fn record_changes(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    changes: &ChangeSet,
) -> Result<Option<i64>, StoreError> {
    if *changes == ChangeSet::Nothing {
        return Ok(None);
    }
    // The row lock taken here is held until commit: writers of case data commit in revision order.
    let revision: i64 = sqlx::query("UPDATE data_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision")
        .fetch_one(&mut **tx)
        .await?
        .try_get("revision")?;
    match changes {
        ChangeSet::Nothing => {}
        ChangeSet::Everything => {
            sqlx::query("INSERT INTO changes (revision, case_number) VALUES ($1, NULL)")
                .bind(revision)
                .execute(&mut **tx)
                .await?;
        }
        ChangeSet::Cases(numbers) => {
            for number in numbers {
                sqlx::query("INSERT INTO changes (revision, case_number) VALUES ($1, $2)")
                    .bind(revision)
                    .bind(number.clone())
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    Ok(Some(revision))
}

/// [`record_changes`] on the SQLite import writer's connection.
pub(crate) fn record_changes_native(conn: &rusqlite::Connection, changes: &ChangeSet) -> Result<(), StoreError> {
    if *changes == ChangeSet::Nothing {
        return Ok(());
    }
    let revision: i64 =
        conn.query_row("UPDATE data_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision", [], |r| {
            r.get(0)
        })?;
    match changes {
        ChangeSet::Nothing => {}
        ChangeSet::Everything => {
            conn.execute("INSERT INTO changes (revision, case_number) VALUES (?1, NULL)", [revision])?;
        }
        ChangeSet::Cases(numbers) => {
            let mut insert = conn.prepare("INSERT INTO changes (revision, case_number) VALUES (?1, ?2)")?;
            for number in numbers {
                insert.execute(rusqlite::params![revision, number])?;
            }
        }
    }
    Ok(())
}

/// What changed since a revision the reader has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changes {
    /// Nothing: the reader is current.
    Unchanged,
    /// These cases (canonical 案号) changed; `revision` is the store's now.
    Cases { revision: i64, case_numbers: Vec<String> },
    /// Anything may have changed (a bulk import, or the reader's revision is not this
    /// database's): reload everything.
    Everything { revision: i64 },
}

impl Store {
    /// The change counter: raised by every committed change of case data.
    pub async fn revision(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT revision FROM data_revision WHERE id = 1")
            .fetch_one(&self.pool)
            .await?)
    }

    /// What changed after revision `since` (read the revision before the data: a change
    /// committed meanwhile is seen again next time, never missed).
    pub async fn changes_since(&self, since: i64) -> Result<Changes, StoreError> {
        let revision = self.revision().await?;
        if revision == since {
            return Ok(Changes::Unchanged);
        }
        if since > revision {
            return Ok(Changes::Everything { revision });
        }
        let rows = sqlx::query("SELECT case_number FROM changes WHERE revision > $1 AND revision <= $2")
            .bind(since)
            .bind(revision)
            .fetch_all(&self.pool)
            .await?;
        let mut numbers = BTreeSet::new();
        for row in &rows {
            match row.try_get::<Option<String>, _>("case_number")? {
                Some(n) => {
                    numbers.insert(n);
                }
                None => return Ok(Changes::Everything { revision }),
            }
            if numbers.len() > MAX_LISTED_CHANGES {
                return Ok(Changes::Everything { revision });
            }
        }
        Ok(Changes::Cases { revision, case_numbers: numbers.into_iter().collect() })
    }
}

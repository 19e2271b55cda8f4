//! 审计日志 the audit log: written in the same transaction as the change it records, and
//! hash-chained — every entry carries the hash of the previous one, and `audit_head` holds the
//! last entry's sequence number and hash. [`Store::verify_audit`] walks the chain and names the
//! first entry that was edited, inserted or removed.
//!
//! Entries carry identifiers (account, 案号, file name), never personal data; times are given
//! by the caller (this crate reads no clock).

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Backend, Store, StoreError};

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an audit entry records: who (`username`; None = the command line or the system), when
/// (`at`, `YYYY-MM-DD HH:MM:SS` China Standard Time), what (`action` on `object`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub at: String,
    pub username: Option<String>,
    pub action: String,
    pub object: Option<String>,
    pub detail: Option<String>,
}

impl AuditRecord {
    pub fn new(at: &str, username: Option<&str>, action: &str) -> AuditRecord {
        AuditRecord {
            at: at.to_owned(),
            username: username.map(str::to_owned),
            action: action.to_owned(),
            object: None,
            detail: None,
        }
    }

    pub fn object(mut self, object: impl Into<String>) -> AuditRecord {
        self.object = Some(object.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> AuditRecord {
        self.detail = Some(detail.into());
        self
    }
}

/// One stored audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub seq: Option<i64>,
    pub at: String,
    pub username: Option<String>,
    pub action: String,
    pub object: Option<String>,
    pub detail: Option<String>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// What `xiezhi audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: u64,
    /// The first break of the chain, if any.
    pub broken: Option<AuditBreak>,
}

/// The first entry at which the chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBreak {
    /// The entry's row id (None when entries are missing at the end of the log).
    pub id: Option<i64>,
    /// Its sequence number as stored, or the one expected.
    pub seq: Option<i64>,
    pub reason: String,
}

/// SHA-256 (hex) of an entry chained to `prev_hash`. Every field is length-prefixed and a
/// missing field differs from an empty one, so no two entries share an encoding.
pub fn entry_hash(prev_hash: &str, seq: i64, record: &AuditRecord) -> String {
    let mut h = Sha256::new();
    h.update(b"xiezhi-audit-v1\n");
    h.update(prev_hash.as_bytes());
    h.update(seq.to_le_bytes());
    for field in [
        Some(record.at.as_str()),
        record.username.as_deref(),
        Some(record.action.as_str()),
        record.object.as_deref(),
        record.detail.as_deref(),
    ] {
        match field {
            None => h.update([0u8]),
            Some(text) => {
                h.update([1u8]);
                h.update((text.len() as u64).to_le_bytes());
                h.update(text.as_bytes());
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

const INSERT_ENTRY: &str = "INSERT INTO audit_log (at, username, action, object, detail, seq, prev_hash, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

/// Appends `record` inside a sqlx transaction that holds the writer's lock (SQLite: `BEGIN
/// IMMEDIATE`; PostgreSQL: the head row is locked here with `FOR UPDATE`).
pub(crate) async fn append(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    record: &AuditRecord,
) -> Result<(), StoreError> {
    let sql = match backend {
        Backend::Sqlite => "SELECT seq, hash FROM audit_head WHERE id = 1",
        Backend::Postgres => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
    };
    let row = sqlx::query(sql).fetch_one(&mut **tx).await?;
    let (seq, prev): (i64, String) = (row.try_get("seq")?, row.try_get("hash")?);
    let seq = seq + 1;
    let hash = entry_hash(&prev, seq, record);
    sqlx::query(INSERT_ENTRY)
        .bind(record.at.clone())
        .bind(record.username.clone())
        .bind(record.action.clone())
        .bind(record.object.clone())
        .bind(record.detail.clone())
        .bind(seq)
        .bind(prev)
        .bind(hash.clone())
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq)
        .bind(hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// [`append`] on the SQLite import writer's connection (inside its `BEGIN IMMEDIATE`).
pub(crate) fn append_native(conn: &rusqlite::Connection, record: &AuditRecord) -> Result<(), StoreError> {
    let (seq, prev): (i64, String) =
        conn.query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let seq = seq + 1;
    let hash = entry_hash(&prev, seq, record);
    conn.execute(
        "INSERT INTO audit_log (at, username, action, object, detail, seq, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![record.at, record.username, record.action, record.object, record.detail, seq, prev, hash],
    )?;
    conn.execute("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1", rusqlite::params![seq, hash])?;
    Ok(())
}

fn entry_from_row(r: &sqlx::any::AnyRow) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: r.try_get("id")?,
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        username: r.try_get("username")?,
        action: r.try_get("action")?,
        object: r.try_get("object")?,
        detail: r.try_get("detail")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

const ENTRY_COLUMNS: &str = "id, seq, at, username, action, object, detail, prev_hash, hash";

impl Store {
    /// Chains the entries written before the log was chained (schema v3), once: when the head
    /// row does not exist yet, every entry gets its sequence number and hash in id order and
    /// the head is created. Runs at open, under the writer's lock.
    pub(crate) async fn seal_audit_log(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_locked().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("LOCK TABLE audit_head IN EXCLUSIVE MODE").execute(&mut *tx).await?;
        }
        let exists = sqlx::query("SELECT seq FROM audit_head WHERE id = 1").fetch_optional(&mut *tx).await?.is_some();
        if exists {
            tx.rollback().await?;
            return Ok(());
        }
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *tx).await?;
        let mut prev = GENESIS_HASH.to_owned();
        let mut seq = 0i64;
        for row in &rows {
            let e = entry_from_row(row)?;
            seq += 1;
            let record =
                AuditRecord { at: e.at, username: e.username, action: e.action, object: e.object, detail: e.detail };
            let hash = entry_hash(&prev, seq, &record);
            sqlx::query("UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4")
                .bind(seq)
                .bind(prev.clone())
                .bind(hash.clone())
                .bind(e.id)
                .execute(&mut *tx)
                .await?;
            prev = hash;
        }
        sqlx::query("INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)")
            .bind(seq)
            .bind(prev)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Appends one audit entry in a transaction of its own: for use cases that only read
    /// (a case viewed, a list shown, a refused lookup). Writes record theirs through their
    /// [`WriteTx`](crate::WriteTx).
    pub async fn audit(&self, record: &AuditRecord) -> Result<(), StoreError> {
        let tx = self.begin_write().await?;
        tx.commit(record).await
    }

    /// The latest `limit` audit entries, newest first.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log ORDER BY id DESC LIMIT $1");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Every entry of the given actions, oldest first (e.g. each assignment's registration or
    /// reassignment entry, for `xiezhi assignment verify`).
    pub async fn audit_entries_with_actions(&self, actions: &[&str]) -> Result<Vec<AuditEntry>, StoreError> {
        let placeholders: Vec<String> = (1..=actions.len()).map(|i| format!("${i}")).collect();
        if actions.is_empty() {
            return Ok(Vec::new());
        }
        let sql =
            format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE action IN ({}) ORDER BY id", placeholders.join(", "));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in actions {
            query = query.bind((*a).to_owned());
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// The latest `limit` entries of one action by one user, newest first.
    pub async fn audit_entries_of(
        &self,
        username: &str,
        action: &str,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM audit_log WHERE username = $1 AND action = $2 ORDER BY id DESC LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(username.to_owned())
            .bind(action.to_owned())
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Walks the whole chain in order: each entry's sequence number follows the previous one,
    /// its `prev_hash` is the previous entry's hash, its hash is that of its own fields, and the
    /// last entry is the head. The first entry where this fails is named.
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        const CHUNK: i64 = 5_000;
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_optional(&self.pool).await?;
        let (head_seq, head_hash): (i64, String) = match head {
            Some(r) => (r.try_get("seq")?, r.try_get("hash")?),
            None => {
                return Ok(AuditVerification {
                    entries: 0,
                    broken: Some(AuditBreak {
                        id: None,
                        seq: None,
                        reason: "审计链头缺失 / the chain's head row is missing".into(),
                    }),
                });
            }
        };
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT {CHUNK}");
        let mut last_id = i64::MIN;
        // After an archive the chain continues from the last archived entry.
        let (mut prev, mut expected_seq) = match self.audit_anchor().await? {
            Some(anchor) => (anchor.hash, anchor.seq + 1),
            None => (GENESIS_HASH.to_owned(), 1i64),
        };
        let mut entries = 0u64;
        loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(last_id).fetch_all(&self.pool).await?;
            for row in &rows {
                let e = entry_from_row(row)?;
                last_id = e.id;
                entries += 1;
                let fail = |reason: String| {
                    Ok(AuditVerification {
                        entries,
                        broken: Some(AuditBreak { id: Some(e.id), seq: e.seq.or(Some(expected_seq)), reason }),
                    })
                };
                let (Some(seq), Some(stored_prev), Some(stored_hash)) = (e.seq, e.prev_hash.clone(), e.hash.clone())
                else {
                    return fail(
                        "条目未入链 / the entry carries no chain fields (inserted outside the platform)".into(),
                    );
                };
                if seq != expected_seq {
                    return fail(format!(
                        "序号不连续：应为 {expected_seq}，实为 {seq} / sequence {seq} where {expected_seq} was expected (an entry was removed or inserted)"
                    ));
                }
                if stored_prev != prev {
                    return fail("前一条目的哈希不符 / prev_hash does not match the previous entry (an entry before it was removed or changed)".into());
                }
                let record = AuditRecord {
                    at: e.at.clone(),
                    username: e.username.clone(),
                    action: e.action.clone(),
                    object: e.object.clone(),
                    detail: e.detail.clone(),
                };
                if entry_hash(&prev, seq, &record) != stored_hash {
                    return fail("内容与哈希不符 / the entry's fields do not match its hash (it was edited)".into());
                }
                prev = stored_hash;
                expected_seq += 1;
            }
            if (rows.len() as i64) < CHUNK {
                break;
            }
        }
        if expected_seq - 1 != head_seq || prev != head_hash {
            return Ok(AuditVerification {
                entries,
                broken: Some(AuditBreak {
                    id: None,
                    seq: Some(expected_seq),
                    reason: format!(
                        "链尾与链头不符：最后条目序号 {}，链头记录 {head_seq} / the log ends at sequence {} but its head records {head_seq} (entries at the end were removed)",
                        expected_seq - 1,
                        expected_seq - 1
                    ),
                }),
            });
        }
        Ok(AuditVerification { entries, broken: None })
    }
}

/// Where the chain in the database starts after an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditAnchor {
    /// The last archived entry's sequence number and hash.
    pub seq: i64,
    pub hash: String,
    pub archived_at: String,
    /// Entries archived in all.
    pub entries: i64,
}

/// What an archive moved out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditArchived {
    pub entries: u64,
    /// Sequence numbers archived (first, last), when any.
    pub range: Option<(i64, i64)>,
    pub last_hash: Option<String>,
}

impl Store {
    /// The anchor left by the last archive, if any.
    pub async fn audit_anchor(&self) -> Result<Option<AuditAnchor>, StoreError> {
        let row = sqlx::query("SELECT seq, hash, archived_at, entries FROM audit_anchor WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(AuditAnchor {
                seq: r.try_get("seq")?,
                hash: r.try_get("hash")?,
                archived_at: r.try_get("archived_at")?,
                entries: r.try_get("entries")?,
            })
        })
        .transpose()
    }

    /// 审计日志归档: moves the oldest entries — the longest run from the start of the chain
    /// whose time is before `before` (`YYYY-MM-DD HH:MM:SS`) — out of the database. Each is
    /// handed to `write` in order, inside the writer's transaction; only when every `write`
    /// succeeded are they deleted and the anchor moved, together with the `record` of the
    /// archive itself (so a failed archive file changes nothing). The chain then verifies from
    /// the anchor, and the archive file verifies on its own (`verify_archived_entries`).
    pub async fn archive_audit(
        &self,
        before: &str,
        mut write: impl FnMut(&AuditEntry) -> std::io::Result<()>,
        record: impl FnOnce(&AuditArchived) -> AuditRecord,
    ) -> Result<AuditArchived, StoreError> {
        const CHUNK: i64 = 5_000;
        let mut tx = self.begin_write().await?;
        let mut archived = AuditArchived { entries: 0, range: None, last_hash: None };
        let mut last_seq = i64::MIN;
        let mut last_id = i64::MIN;
        let sql = format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT {CHUNK}");
        'chunks: loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(last_id).fetch_all(&mut *tx.tx).await?;
            for row in &rows {
                let e = entry_from_row(row)?;
                if e.at.as_str() >= before {
                    break 'chunks;
                }
                let seq = e.seq.ok_or_else(|| StoreError::Invalid("an audit entry outside the chain".into()))?;
                write(&e).map_err(|err| StoreError::Invalid(format!("writing the audit archive: {err}")))?;
                archived.entries += 1;
                archived.range = Some((archived.range.map_or(seq, |(first, _)| first), seq));
                archived.last_hash = e.hash.clone();
                last_seq = seq;
                last_id = e.id;
            }
            if (rows.len() as i64) < CHUNK {
                break;
            }
        }
        if archived.entries == 0 {
            tx.rollback().await?;
            return Ok(archived);
        }
        sqlx::query("DELETE FROM audit_log WHERE id <= $1").bind(last_id).execute(&mut *tx.tx).await?;
        let previous: i64 = sqlx::query_scalar::<_, i64>("SELECT entries FROM audit_anchor WHERE id = 1")
            .fetch_optional(&mut *tx.tx)
            .await?
            .unwrap_or(0);
        sqlx::query("DELETE FROM audit_anchor WHERE id = 1").execute(&mut *tx.tx).await?;
        sqlx::query("INSERT INTO audit_anchor (id, seq, hash, archived_at, entries) VALUES (1, $1, $2, $3, $4)")
            .bind(last_seq)
            .bind(archived.last_hash.clone().unwrap_or_default())
            .bind(before.to_owned())
            .bind(previous + archived.entries as i64)
            .execute(&mut *tx.tx)
            .await?;
        tx.commit(&record(&archived)).await?;
        Ok(archived)
    }
}

/// Checks archived entries on their own: consecutive sequence numbers, each `prev_hash` the
/// previous entry's hash, each hash that of its fields. `None` when they hold, else the first
/// entry that does not (its sequence number and why).
pub fn verify_archived_entries(entries: &[AuditEntry]) -> Option<(Option<i64>, String)> {
    let mut previous: Option<(i64, String)> = None;
    for e in entries {
        let (Some(seq), Some(prev), Some(hash)) = (e.seq, e.prev_hash.as_deref(), e.hash.as_deref()) else {
            return Some((e.seq, "条目缺少链字段 / the entry carries no chain fields".into()));
        };
        if let Some((last_seq, last_hash)) = &previous {
            if seq != last_seq + 1 {
                return Some((
                    Some(seq),
                    format!("序号不连续：应为 {} / sequence {seq} after {last_seq}", last_seq + 1),
                ));
            }
            if prev != last_hash {
                return Some((Some(seq), "前一条目的哈希不符 / prev_hash does not match the previous entry".into()));
            }
        } else if seq == 1 && prev != GENESIS_HASH {
            return Some((Some(seq), "首条目的前哈希不是创世值 / the first entry does not start the chain".into()));
        }
        let record = AuditRecord {
            at: e.at.clone(),
            username: e.username.clone(),
            action: e.action.clone(),
            object: e.object.clone(),
            detail: e.detail.clone(),
        };
        if entry_hash(prev, seq, &record) != hash {
            return Some((
                Some(seq),
                "内容与哈希不符 / the entry's fields do not match its hash (it was edited)".into(),
            ));
        }
        previous = Some((seq, hash.to_owned()));
    }
    None
}

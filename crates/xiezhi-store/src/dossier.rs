//! 电子卷宗 entries: each case's file is an append-only chain (add, re-categorise, withdraw),
//! every entry carrying the hash of the one before. The blobs are the caller's (files on disk).

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::{Store, StoreError, WriteTx};

/// The hash before a case's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry to append.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewEntry {
    /// `add`, `recategorise` or `withdraw`.
    pub kind: String,
    /// The document's seq (its add entry); ignored for `add` (the entry's own seq).
    pub document: i64,
    pub file_name: Option<String>,
    pub sha256: Option<String>,
    pub size: Option<i64>,
    pub pages: Option<i64>,
    pub category: Option<String>,
    /// `auto` or `manual`.
    pub category_source: Option<String>,
    pub reason: Option<String>,
    /// The document's text (not chained: it may be read again, by OCR).
    pub body: Option<String>,
    pub at: String,
    pub by_user: Option<String>,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub case_number: String,
    pub seq: i64,
    pub entry: NewEntry,
    pub prev_hash: String,
    pub hash: String,
}

/// The entry's hash: its fields (not its text) and the previous entry's hash.
pub fn entry_hash(prev: &str, case_number: &str, seq: i64, e: &NewEntry) -> String {
    let mut h = Sha256::new();
    h.update(b"xiezhi-dossier-v1\n");
    h.update(prev.as_bytes());
    h.update(case_number.as_bytes());
    h.update(seq.to_le_bytes());
    h.update(e.document.to_le_bytes());
    for field in [
        Some(e.kind.as_str()),
        e.file_name.as_deref(),
        e.sha256.as_deref(),
        e.category.as_deref(),
        e.category_source.as_deref(),
        e.reason.as_deref(),
        Some(e.at.as_str()),
        e.by_user.as_deref(),
    ] {
        match field {
            None => h.update([0u8]),
            Some(t) => {
                h.update([1u8]);
                h.update((t.len() as u64).to_le_bytes());
                h.update(t.as_bytes());
            }
        }
    }
    for n in [e.size, e.pages] {
        match n {
            None => h.update([0u8]),
            Some(v) => {
                h.update([1u8]);
                h.update(v.to_le_bytes());
            }
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

const COLUMNS: &str = "case_number, seq, kind, document, file_name, sha256, size, pages, category, category_source, reason, body, at, by_user, prev_hash, hash";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Entry, StoreError> {
    Ok(Entry {
        case_number: r.try_get("case_number")?,
        seq: r.try_get("seq")?,
        entry: NewEntry {
            kind: r.try_get("kind")?,
            document: r.try_get("document")?,
            file_name: r.try_get("file_name")?,
            sha256: r.try_get("sha256")?,
            size: r.try_get("size")?,
            pages: r.try_get("pages")?,
            category: r.try_get("category")?,
            category_source: r.try_get("category_source")?,
            reason: r.try_get("reason")?,
            body: r.try_get("body")?,
            at: r.try_get("at")?,
            by_user: r.try_get("by_user")?,
        },
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

impl WriteTx {
    /// Appends an entry to the chain of `case_number` (inside the writer's transaction).
    pub async fn append_dossier_entry(&mut self, case_number: &str, new: &NewEntry) -> Result<Entry, StoreError> {
        let last =
            sqlx::query("SELECT seq, hash FROM dossier_entries WHERE case_number = $1 ORDER BY seq DESC LIMIT 1")
                .bind(case_number.to_owned())
                .fetch_optional(&mut *self.tx)
                .await?;
        let (seq, prev) = match last {
            Some(r) => (r.try_get::<i64, _>("seq")? + 1, r.try_get::<String, _>("hash")?),
            None => (1, GENESIS.to_owned()),
        };
        let mut entry = new.clone();
        if entry.kind == "add" {
            entry.document = seq;
        }
        let hash = entry_hash(&prev, case_number, seq, &entry);
        let sql = format!(
            "INSERT INTO dossier_entries ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(case_number.to_owned())
            .bind(seq)
            .bind(entry.kind.clone())
            .bind(entry.document)
            .bind(entry.file_name.clone())
            .bind(entry.sha256.clone())
            .bind(entry.size)
            .bind(entry.pages)
            .bind(entry.category.clone())
            .bind(entry.category_source.clone())
            .bind(entry.reason.clone())
            .bind(entry.body.clone())
            .bind(entry.at.clone())
            .bind(entry.by_user.clone())
            .bind(prev.clone())
            .bind(hash.clone())
            .execute(&mut *self.tx)
            .await?;
        Ok(Entry { case_number: case_number.to_owned(), seq, entry, prev_hash: prev, hash })
    }
}

impl Store {
    /// A case's entries in order.
    pub async fn dossier_entries(&self, case_number: &str) -> Result<Vec<Entry>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM dossier_entries WHERE case_number = $1 ORDER BY seq");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_number.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// The cases that have a file.
    pub async fn dossier_cases(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT DISTINCT case_number FROM dossier_entries ORDER BY case_number")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("case_number")?)).collect()
    }
}

impl WriteTx {
    /// Sets the text of a document read later (OCR). The text is not part of the chain.
    pub async fn set_dossier_body(&mut self, case_number: &str, seq: i64, body: &str) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE dossier_entries SET body = $1 WHERE case_number = $2 AND seq = $3 AND kind = 'add'")
                .bind(body.to_owned())
                .bind(case_number.to_owned())
                .bind(seq)
                .execute(&mut *self.tx)
                .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// One page of a document's text.
#[derive(Debug, Clone, PartialEq)]
pub struct PageRecord {
    /// From 1.
    pub page: i64,
    pub text: String,
    /// 0–1 (1 for text the file itself holds).
    pub confidence: f64,
    /// `text` (TXT, DOCX, a PDF's text layer), `ocr` or `unreadable`.
    pub source: String,
}

/// Where the reading of a document stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub case_number: String,
    pub seq: i64,
    /// `pending` (queued), `reading`, `done` or `failed`.
    pub status: String,
    pub pages_done: i64,
    pub pages_total: Option<i64>,
    pub error: Option<String>,
    pub updated_at: String,
}

impl WriteTx {
    /// Stores a document's text page by page (replacing what an earlier reading wrote) and the
    /// whole text, pages joined by a blank line, as its body (what search reads).
    pub async fn set_dossier_pages(
        &mut self,
        case_number: &str,
        seq: i64,
        pages: &[PageRecord],
    ) -> Result<bool, StoreError> {
        sqlx::query("DELETE FROM dossier_pages WHERE case_number = $1 AND seq = $2")
            .bind(case_number.to_owned())
            .bind(seq)
            .execute(&mut *self.tx)
            .await?;
        for p in pages {
            sqlx::query(
                "INSERT INTO dossier_pages (case_number, seq, page, text, confidence, source) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(case_number.to_owned())
            .bind(seq)
            .bind(p.page)
            .bind(p.text.clone())
            .bind(p.confidence)
            .bind(p.source.clone())
            .execute(&mut *self.tx)
            .await?;
        }
        let body = pages.iter().filter(|p| p.source != "unreadable").map(|p| p.text.as_str()).collect::<Vec<_>>();
        self.set_dossier_body(case_number, seq, &body.join("\n\n")).await
    }
}

impl Store {
    /// A document's pages in order (all documents of the case when `seq` is `None`), as
    /// `(seq, page)`.
    pub async fn dossier_pages(
        &self,
        case_number: &str,
        seq: Option<i64>,
    ) -> Result<Vec<(i64, PageRecord)>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, page, text, confidence, source FROM dossier_pages
             WHERE case_number = $1 AND ($2 < 0 OR seq = $2) ORDER BY seq, page",
        )
        .bind(case_number.to_owned())
        .bind(seq.unwrap_or(-1))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("seq")?,
                    PageRecord {
                        page: r.try_get("page")?,
                        text: r.try_get("text")?,
                        confidence: r.try_get("confidence")?,
                        source: r.try_get("source")?,
                    },
                ))
            })
            .collect()
    }

    /// Records where a document's reading stands (operational state, not audited: the text
    /// it produces is committed with its audit entry).
    pub async fn set_dossier_reading(&self, r: &Reading) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO dossier_reading (case_number, seq, status, pages_done, pages_total, error, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (case_number, seq) DO UPDATE SET status = excluded.status, pages_done = excluded.pages_done,
               pages_total = excluded.pages_total, error = excluded.error, updated_at = excluded.updated_at",
        )
        .bind(r.case_number.clone())
        .bind(r.seq)
        .bind(r.status.clone())
        .bind(r.pages_done)
        .bind(r.pages_total)
        .bind(r.error.clone())
        .bind(r.updated_at.clone())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The readings of a case's documents (all cases when `case_number` is `None`).
    pub async fn dossier_readings(&self, case_number: Option<&str>) -> Result<Vec<Reading>, StoreError> {
        let rows = sqlx::query(
            "SELECT case_number, seq, status, pages_done, pages_total, error, updated_at FROM dossier_reading
             WHERE $1 = '' OR case_number = $1 ORDER BY case_number, seq",
        )
        .bind(case_number.unwrap_or("").to_owned())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Reading {
                    case_number: r.try_get("case_number")?,
                    seq: r.try_get("seq")?,
                    status: r.try_get("status")?,
                    pages_done: r.try_get("pages_done")?,
                    pages_total: r.try_get("pages_total")?,
                    error: r.try_get("error")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect()
    }
}

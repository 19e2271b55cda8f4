//! 案件 reads: full scans in packed keyset chunks, single cases, chains, courts.

use sqlx::{AssertSqlSafe, Row};
use xiezhi_domain::CaseFacts;

use crate::rows::{self, STORED_COLUMNS, record_from_row};
use crate::{DEMO_IMPORT_NAME, Store, StoreError};

/// Where a case's record comes from (GLOSSARY.md, "Record source").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordSource {
    /// Imported from a file: the row is the record until the case has events.
    Imported,
    /// Registered (立案) in Xiezhi: the platform's events are the record.
    Registered,
}

impl RecordSource {
    pub fn key(self) -> &'static str {
        match self {
            RecordSource::Imported => "imported",
            RecordSource::Registered => "registered",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordSource::Imported => "导入",
            RecordSource::Registered => "本平台立案",
        }
    }
}

/// A stored case: its facts, its row id, its 承办法官's roster id (when linked) and where its
/// record comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: i64,
    pub facts: CaseFacts,
    pub judge_id: Option<String>,
    pub source: RecordSource,
}

/// A court and how many cases the database holds for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourtSummary {
    pub code: String,
    pub name: Option<String>,
    pub cases: i64,
    pub pending: i64,
    pub first_filed: Option<String>,
    pub last_filed: Option<String>,
}

/// The order of a full scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScanOrder {
    Id,
    CaseNumber,
}

impl Store {
    pub async fn count_cases(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM cases").fetch_one(&self.pool).await?)
    }

    /// Every case, ordered by 案号, passed one at a time to `each` (memory stays flat).
    pub async fn for_each_fact(&self, mut each: impl FnMut(CaseFacts)) -> Result<u64, StoreError> {
        self.scan(ScanOrder::CaseNumber, |r| each(r.facts)).await
    }

    /// Every case in storage order (the fastest scan), one at a time. For consumers to which
    /// order does not matter, such as the indicator snapshot.
    pub async fn for_each_fact_unordered(&self, mut each: impl FnMut(CaseFacts)) -> Result<u64, StoreError> {
        self.scan(ScanOrder::Id, |r| each(r.facts)).await
    }

    /// Every case record in storage order, one at a time.
    pub async fn for_each_record_unordered(&self, each: impl FnMut(CaseRecord)) -> Result<u64, StoreError> {
        self.scan(ScanOrder::Id, each).await
    }

    /// Reads the table in packed chunks (see `rows::packed_sql`), keyset-paginated.
    async fn scan(&self, order: ScanOrder, mut each: impl FnMut(CaseRecord)) -> Result<u64, StoreError> {
        const CHUNK: usize = 5_000;
        let key = match order {
            ScanOrder::Id => "id",
            ScanOrder::CaseNumber => "case_number",
        };
        let sql = rows::packed_sql(self.backend, key, CHUNK);
        let (mut last_id, mut last_number) = (i64::MIN, String::new());
        let mut n = 0;
        loop {
            let query = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql.clone()));
            let query = match order {
                ScanOrder::Id => query.bind(last_id),
                ScanOrder::CaseNumber => query.bind(last_number.clone()),
            };
            let packed = query.fetch_one(&self.pool).await?;
            let chunk: Vec<rows::StoredCase> = serde_json::from_str(&packed)
                .map_err(|e| StoreError::Corrupt { case_number: String::new(), reason: format!("packed rows: {e}") })?;
            let len = chunk.len();
            for stored in chunk {
                last_id = stored.id;
                if order == ScanOrder::CaseNumber {
                    last_number.clone_from(&stored.case_number);
                }
                each(stored.into_record()?);
            }
            n += len as u64;
            if len < CHUNK {
                return Ok(n);
            }
        }
    }

    /// Every case, ordered by 案号.
    pub async fn load_facts(&self) -> Result<Vec<CaseFacts>, StoreError> {
        let mut all = Vec::new();
        self.for_each_fact(|f| all.push(f)).await?;
        Ok(all)
    }

    /// One case by its canonical 案号.
    pub async fn case(&self, case_number: &str) -> Result<Option<CaseFacts>, StoreError> {
        Ok(self.case_record(case_number).await?.map(|r| r.facts))
    }

    /// One case record by its canonical 案号.
    pub async fn case_record(&self, case_number: &str) -> Result<Option<CaseRecord>, StoreError> {
        let sql = format!("SELECT {} FROM cases WHERE case_number = $1", STORED_COLUMNS.join(", "));
        let row = sqlx::query(AssertSqlSafe(sql)).bind(case_number.to_owned()).fetch_optional(&self.pool).await?;
        row.map(|r| record_from_row(&r)).transpose()
    }

    /// The records of the given 案号 (those that exist), in 案号 order.
    pub async fn case_records(&self, case_numbers: &[String]) -> Result<Vec<CaseRecord>, StoreError> {
        let mut out = Vec::with_capacity(case_numbers.len());
        let sql = format!("SELECT {} FROM cases WHERE case_number = $1", STORED_COLUMNS.join(", "));
        for number in case_numbers {
            if let Some(row) =
                sqlx::query(AssertSqlSafe(sql.clone())).bind(number.clone()).fetch_optional(&self.pool).await?
            {
                out.push(record_from_row(&row)?);
            }
        }
        out.sort_by(|a, b| a.facts.case_number.as_str().cmp(b.facts.case_number.as_str()));
        Ok(out)
    }

    /// The cases whose 原审/执行依据案号 is `case_number` (appeals, retrials, enforcement …), by 案号.
    pub async fn cases_following(&self, case_number: &str) -> Result<Vec<CaseFacts>, StoreError> {
        Ok(self.records_following(case_number).await?.into_iter().map(|r| r.facts).collect())
    }

    /// [`Store::cases_following`] with roster links and record sources.
    pub async fn records_following(&self, case_number: &str) -> Result<Vec<CaseRecord>, StoreError> {
        let sql = format!(
            "SELECT {} FROM cases WHERE origin_case_number = $1 ORDER BY case_number",
            STORED_COLUMNS.join(", ")
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).bind(case_number.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(record_from_row).collect()
    }

    /// Courts with their case counts, ordered by code.
    pub async fn courts(&self) -> Result<Vec<CourtSummary>, StoreError> {
        let rows = sqlx::query(
            // One pass over the cases (no index on court_code is kept: see CASE_INDEXES).
            "SELECT c.code, c.name, COALESCE(k.cases, 0) AS cases, COALESCE(k.pending, 0) AS pending, \
             k.first_filed, k.last_filed FROM courts c LEFT JOIN \
             (SELECT court_code, COUNT(*) AS cases, SUM(CASE WHEN closed_on IS NULL THEN 1 ELSE 0 END) AS pending, \
              MIN(filed_on) AS first_filed, MAX(filed_on) AS last_filed FROM cases GROUP BY court_code) k \
             ON k.court_code = c.code ORDER BY c.code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CourtSummary {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    cases: r.try_get("cases")?,
                    pending: r.try_get::<Option<i64>, _>("pending")?.unwrap_or(0),
                    first_filed: r.try_get("first_filed")?,
                    last_filed: r.try_get("last_filed")?,
                })
            })
            .collect()
    }

    /// Whether the synthetic demo province was loaded into this database (an import recorded
    /// under [`DEMO_IMPORT_NAME`]): pages then carry the 合成演示数据 banner however the server
    /// was started.
    pub async fn has_demo_data(&self) -> Result<bool, StoreError> {
        let n = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM imports WHERE file_name = $1")
            .bind(DEMO_IMPORT_NAME)
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }

    /// The codes of the courts the data names (and the cities and provinces they imply), sorted;
    /// no scan of the cases.
    pub async fn court_codes(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar::<_, String>("SELECT code FROM courts ORDER BY code").fetch_all(&self.pool).await?)
    }

    /// Court names recorded for court codes (code → name).
    pub async fn court_names(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT code, name FROM courts WHERE name IS NOT NULL ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("code")?, r.try_get("name")?))).collect()
    }
}

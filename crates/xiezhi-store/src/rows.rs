//! Row ↔ [`CaseFacts`] conversion shared by both backends.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};
use xiezhi_domain::{Amount, CaseFacts, CaseNumber, Date, Disposition, Procedure};

use crate::{Backend, StoreError};

/// The columns an import writes, in bind order: the case facts plus the values derived from the
/// 案号 (court code, year, type code, class) that SQL queries filter on.
const WRITE_COLUMNS: [&str; 21] = [
    "case_number",
    "court_code",
    "year",
    "type_code",
    "case_class",
    "court_name",
    "cause",
    "procedure",
    "filed_on",
    "closed_on",
    "disposition",
    "judge",
    "department",
    "claim_amount",
    "applied_amount",
    "recovered_amount",
    "extension_days",
    "suspended_days",
    "origin_case_number",
    "has_property",
    "judge_id",
];

/// The `i`-th (1-based) bind placeholder. Generated statements use `?` on SQLite: sqlx-sqlite
/// asks SQLite for every parameter's name, which for numbered `$n` parameters is a linear
/// search, so a statement with thousands of `$n` costs O(n²) (measured: 90 % of an import's
/// time). Anonymous `?` parameters have no names and bind in O(1). PostgreSQL needs `$n`.
pub(crate) fn placeholder(backend: Backend, i: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_owned(),
        Backend::Postgres => format!("${i}"),
    }
}

/// `INSERT ... VALUES (...), ... ON CONFLICT (case_number) DO UPDATE ...` for `n` rows.
/// With `plain`, a bare INSERT (bulk load into an empty table, indexes off); otherwise an
/// upsert by 案号 that leaves equal rows untouched, so re-importing a file changes nothing.
/// Whether `name` is a column the import writes.
pub(crate) fn is_write_column(name: &str) -> bool {
    WRITE_COLUMNS.contains(&name)
}

/// The upsert of `n` rows. `kept` names columns the imported file does not carry: an update
/// leaves their stored values as they are (a new row gets NULL or the default).
pub(crate) fn upsert_sql(backend: Backend, n: usize, plain: bool, kept: &[&str]) -> String {
    let columns = WRITE_COLUMNS;
    let width = columns.len();
    let mut sql = format!("INSERT INTO cases ({}) VALUES ", columns.join(", "));
    for row in 0..n {
        if row > 0 {
            sql.push(',');
        }
        sql.push('(');
        for col in 0..width {
            if col > 0 {
                sql.push(',');
            }
            sql.push_str(&placeholder(backend, row * width + col + 1));
        }
        sql.push(')');
    }
    if plain {
        return sql;
    }
    let updatable: Vec<&str> = columns.iter().copied().filter(|c| *c != "case_number" && !kept.contains(c)).collect();
    sql.push_str(" ON CONFLICT (case_number) DO UPDATE SET ");
    sql.push_str(&updatable.iter().map(|c| format!("{c} = excluded.{c}")).collect::<Vec<_>>().join(", "));
    sql.push_str(" WHERE ");
    sql.push_str(
        &updatable.iter().map(|c| format!("cases.{c} IS DISTINCT FROM excluded.{c}")).collect::<Vec<_>>().join(" OR "),
    );
    sql
}

fn amount(a: Option<Amount>) -> Option<i64> {
    a.map(Amount::ten_thousandths)
}

pub(crate) fn bind_facts<'q>(
    query: Query<'q, Any, AnyArguments>,
    f: &CaseFacts,
    judge_id: Option<&str>,
) -> Query<'q, Any, AnyArguments> {
    let n = &f.case_number;
    query
        .bind(n.as_str().to_owned())
        .bind(n.court().map(|c| c.to_string()))
        .bind(i64::from(n.year()))
        .bind(n.type_code().as_str())
        .bind(n.type_code().class().key())
        .bind(f.court_name.clone())
        .bind(f.cause.clone())
        .bind(f.procedure.map(Procedure::label))
        .bind(f.filed_on.to_string())
        .bind(f.closed_on.map(|d| d.to_string()))
        .bind(f.disposition.map(Disposition::label))
        .bind(f.judge.clone())
        .bind(f.department.clone())
        .bind(amount(f.claim_amount))
        .bind(amount(f.applied_amount))
        .bind(amount(f.recovered_amount))
        .bind(i64::from(f.extension_days))
        .bind(i64::from(f.suspended_days))
        .bind(f.origin_case_number.as_ref().map(|c| c.as_str().to_owned()))
        .bind(f.has_property.map(i64::from))
        .bind(judge_id.map(str::to_owned))
}

/// One stored case as primitive columns: what the database returns, before domain parsing.
/// Also the element of a packed chunk (a JSON array in this field order, see [`packed_sql`]).
#[derive(Debug, serde::Deserialize)]
pub(crate) struct StoredCase {
    pub id: i64,
    pub case_number: String,
    pub court_name: Option<String>,
    pub cause: Option<String>,
    pub procedure: Option<String>,
    pub filed_on: String,
    pub closed_on: Option<String>,
    pub disposition: Option<String>,
    pub judge: Option<String>,
    pub department: Option<String>,
    pub claim_amount: Option<i64>,
    pub applied_amount: Option<i64>,
    pub recovered_amount: Option<i64>,
    pub extension_days: i64,
    pub suspended_days: i64,
    pub origin_case_number: Option<String>,
    pub has_property: Option<i64>,
    pub judge_id: Option<String>,
    pub record_source: String,
}

/// The columns of [`StoredCase`], in order: what every read selects.
pub(crate) const STORED_COLUMNS: [&str; 19] = [
    "id",
    "case_number",
    "court_name",
    "cause",
    "procedure",
    "filed_on",
    "closed_on",
    "disposition",
    "judge",
    "department",
    "claim_amount",
    "applied_amount",
    "recovered_amount",
    "extension_days",
    "suspended_days",
    "origin_case_number",
    "has_property",
    "judge_id",
    "record_source",
];

/// A query returning up to `limit` cases after a key, packed into ONE JSON text: an array of
/// [`StoredCase`] arrays. Streaming rows one by one through sqlx costs a thread hand-off and
/// ~20 value conversions per row (measured: 70 % of a cold `metrics` run); one packed text per
/// chunk lets the database build the JSON in C and serde parse it in one pass.
/// `key` is `id` (storage order) or `case_number` (案号 order); `$1` is the last key seen.
pub(crate) fn packed_sql(backend: Backend, key: &str, limit: usize) -> String {
    let columns = STORED_COLUMNS.join(", ");
    match backend {
        Backend::Sqlite => format!(
            "SELECT json_group_array(json_array({columns})) FROM \
             (SELECT {columns} FROM cases WHERE {key} > $1 ORDER BY {key} LIMIT {limit})"
        ),
        Backend::Postgres => format!(
            "SELECT COALESCE(json_agg(json_build_array({columns}) ORDER BY {key}), '[]')::text FROM \
             (SELECT {columns} FROM cases WHERE {key} > $1 ORDER BY {key} LIMIT {limit}) AS chunk"
        ),
    }
}

impl StoredCase {
    pub(crate) fn from_row(row: &AnyRow) -> Result<StoredCase, StoreError> {
        Ok(StoredCase {
            id: row.try_get("id")?,
            case_number: row.try_get("case_number")?,
            court_name: row.try_get("court_name")?,
            cause: row.try_get("cause")?,
            procedure: row.try_get("procedure")?,
            filed_on: row.try_get("filed_on")?,
            closed_on: row.try_get("closed_on")?,
            disposition: row.try_get("disposition")?,
            judge: row.try_get("judge")?,
            department: row.try_get("department")?,
            claim_amount: row.try_get("claim_amount")?,
            applied_amount: row.try_get("applied_amount")?,
            recovered_amount: row.try_get("recovered_amount")?,
            extension_days: row.try_get("extension_days")?,
            suspended_days: row.try_get("suspended_days")?,
            origin_case_number: row.try_get("origin_case_number")?,
            has_property: row.try_get("has_property")?,
            judge_id: row.try_get("judge_id")?,
            record_source: row.try_get("record_source")?,
        })
    }

    /// The case with its roster link and record source.
    pub(crate) fn into_record(mut self) -> Result<crate::CaseRecord, StoreError> {
        let id = self.id;
        let judge_id = self.judge_id.take();
        let source = match self.record_source.as_str() {
            "registered" => crate::RecordSource::Registered,
            _ => crate::RecordSource::Imported,
        };
        Ok(crate::CaseRecord { id, facts: self.into_facts()?, judge_id, source })
    }

    /// The domain value; a row that does not decode was edited by hand and is reported.
    pub(crate) fn into_facts(self) -> Result<CaseFacts, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt { case_number: self.case_number.clone(), reason };
        let number = CaseNumber::parse(&self.case_number).map_err(|e| corrupt(e.to_string()))?;
        let date = |s: &str| Date::parse_iso(s).map_err(|e| corrupt(format!("date {s:?}: {e}")));
        let filed_on = date(&self.filed_on)?;
        let closed_on = self.closed_on.as_deref().map(date).transpose()?;
        let procedure =
            self.procedure.as_deref().map(|p| Procedure::parse(p).map_err(|e| corrupt(e.to_string()))).transpose()?;
        let disposition = self
            .disposition
            .as_deref()
            .map(|p| Disposition::parse(p).map_err(|e| corrupt(e.to_string())))
            .transpose()?;
        let origin_case_number = self
            .origin_case_number
            .as_deref()
            .map(|p| CaseNumber::parse(p).map_err(|e| corrupt(e.to_string())))
            .transpose()?;
        let days = |v: i64, c: &str| u32::try_from(v).map_err(|_| corrupt(format!("{c} = {v}")));
        Ok(CaseFacts {
            extension_days: days(self.extension_days, "extension_days")?,
            suspended_days: days(self.suspended_days, "suspended_days")?,
            court_name: self.court_name,
            cause: self.cause,
            procedure,
            filed_on,
            closed_on,
            disposition,
            judge: self.judge,
            department: self.department,
            claim_amount: self.claim_amount.map(Amount::from_ten_thousandths),
            applied_amount: self.applied_amount.map(Amount::from_ten_thousandths),
            recovered_amount: self.recovered_amount.map(Amount::from_ten_thousandths),
            origin_case_number,
            has_property: self.has_property.map(|v| v != 0),
            case_number: number,
        })
    }
}

/// Decodes one `cases` row selected with [`STORED_COLUMNS`].
pub(crate) fn record_from_row(row: &AnyRow) -> Result<crate::CaseRecord, StoreError> {
    StoredCase::from_row(row)?.into_record()
}

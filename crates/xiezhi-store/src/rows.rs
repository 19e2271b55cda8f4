//! Row ↔ [`CaseFacts`] conversion shared by both backends.

use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, Row};
use xiezhi_domain::{Amount, CaseFacts, CaseNumber, Date, Disposition, Procedure};

use crate::{Backend, StoreError};

/// The case-fact columns of the `cases` table, in bind order.
pub const FACT_COLUMNS: [&str; 19] = [
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
];

/// All columns including `has_property` (kept last).
fn all_columns() -> impl Iterator<Item = &'static str> {
    FACT_COLUMNS.iter().copied().chain(["has_property"])
}

/// `INSERT ... VALUES (...), ... ON CONFLICT (case_number) DO UPDATE ...` for `n` rows; a row
/// whose values are all equal is left untouched, so re-importing a file changes nothing.
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

/// With `plain`, a bare INSERT (bulk load into an empty table, indexes off); otherwise an
/// upsert by 案号 that leaves equal rows untouched, so re-importing a file changes nothing.
pub(crate) fn upsert_sql(backend: Backend, n: usize, plain: bool) -> String {
    let columns: Vec<&str> = all_columns().collect();
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
    let updatable: Vec<&str> = columns.iter().copied().filter(|c| *c != "case_number").collect();
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

pub(crate) fn bind_facts<'q>(query: Query<'q, Any, AnyArguments>, f: &CaseFacts) -> Query<'q, Any, AnyArguments> {
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
}

/// Decodes one `cases` row selected with [`FACT_COLUMNS`] (+ `has_property`).
pub fn facts_from_row(row: &AnyRow) -> Result<CaseFacts, StoreError> {
    let case_number: String = row.try_get("case_number")?;
    let corrupt = |reason: String| StoreError::Corrupt { case_number: case_number.clone(), reason };
    let number = CaseNumber::parse(&case_number).map_err(|e| corrupt(e.to_string()))?;
    let date = |s: Option<String>| -> Result<Option<Date>, StoreError> {
        s.map(|s| Date::parse_iso(&s).map_err(|e| corrupt(format!("date {s:?}: {e}")))).transpose()
    };
    let filed_on = date(Some(row.try_get("filed_on")?))?.expect("Some in, Some out");
    let closed_on = date(row.try_get("closed_on")?)?;
    let procedure = row
        .try_get::<Option<String>, _>("procedure")?
        .map(|p| Procedure::parse(&p).map_err(|e| corrupt(e.to_string())))
        .transpose()?;
    let disposition = row
        .try_get::<Option<String>, _>("disposition")?
        .map(|p| Disposition::parse(&p).map_err(|e| corrupt(e.to_string())))
        .transpose()?;
    let origin_case_number = row
        .try_get::<Option<String>, _>("origin_case_number")?
        .map(|p| CaseNumber::parse(&p).map_err(|e| corrupt(e.to_string())))
        .transpose()?;
    let amount = |c: &str| -> Result<Option<Amount>, StoreError> {
        Ok(row.try_get::<Option<i64>, _>(c)?.map(Amount::from_ten_thousandths))
    };
    let days = |c: &str| -> Result<u32, StoreError> {
        let v: i64 = row.try_get(c)?;
        u32::try_from(v).map_err(|_| corrupt(format!("{c} = {v}")))
    };
    Ok(CaseFacts {
        court_name: row.try_get("court_name")?,
        cause: row.try_get("cause")?,
        procedure,
        filed_on,
        closed_on,
        disposition,
        judge: row.try_get("judge")?,
        department: row.try_get("department")?,
        claim_amount: amount("claim_amount")?,
        applied_amount: amount("applied_amount")?,
        recovered_amount: amount("recovered_amount")?,
        extension_days: days("extension_days")?,
        suspended_days: days("suspended_days")?,
        origin_case_number,
        has_property: row.try_get::<Option<i64>, _>("has_property")?.map(|v| v != 0),
        case_number: number,
    })
}

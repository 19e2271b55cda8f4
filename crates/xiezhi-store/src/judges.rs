//! 员额法官名册 the judge roster: judges with stable ids (工号), their declared conflicts, and the
//! links from imported judge names to roster ids (a name links when exactly one roster judge of
//! the case's court has it).

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, WriteTx};

/// One judge of the roster, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterJudge {
    pub judge_id: String,
    pub name: String,
    pub court_code: String,
    pub department: Option<String>,
    /// 类型代字 the judge takes (民初, 民特 …).
    pub case_types: Vec<String>,
    /// `繁`, `简` or `繁简`.
    pub track: String,
    /// 办案系数 in ten-thousandths (1 = 10000).
    pub weight: i64,
    pub active: bool,
}

/// What writing one roster row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Inserted,
    Updated,
    Unchanged,
}

/// A declared conflict (回避) between a judge and a party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub judge_id: String,
    pub party: String,
    pub created_at: String,
}

const COLUMNS: &str = "judge_id, name, court_code, department, case_types, track, weight, active";

pub(crate) fn judge_from_row(r: &AnyRow) -> Result<RosterJudge, StoreError> {
    let types: String = r.try_get("case_types")?;
    Ok(RosterJudge {
        judge_id: r.try_get("judge_id")?,
        name: r.try_get("name")?,
        court_code: r.try_get("court_code")?,
        department: r.try_get("department")?,
        case_types: types.split('、').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        track: r.try_get("track")?,
        weight: r.try_get("weight")?,
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

impl Store {
    /// The roster (of one court, or every court), by court and 工号.
    pub async fn judges(&self, court: Option<&str>) -> Result<Vec<RosterJudge>, StoreError> {
        let rows = match court {
            Some(c) => {
                let sql = format!("SELECT {COLUMNS} FROM judges WHERE court_code = $1 ORDER BY court_code, judge_id");
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(c.to_owned()).fetch_all(&self.pool).await?
            }
            None => {
                let sql = format!("SELECT {COLUMNS} FROM judges ORDER BY court_code, judge_id");
                sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(judge_from_row).collect()
    }

    /// One judge by 工号.
    pub async fn judge(&self, judge_id: &str) -> Result<Option<RosterJudge>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM judges WHERE judge_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(judge_id.to_owned()).fetch_optional(&self.pool).await?;
        row.as_ref().map(judge_from_row).transpose()
    }

    /// Declared conflicts (of one judge, or all).
    pub async fn conflicts(&self, judge_id: Option<&str>) -> Result<Vec<Conflict>, StoreError> {
        let rows = match judge_id {
            Some(j) => {
                sqlx::query("SELECT judge_id, party, created_at FROM judge_conflicts WHERE judge_id = $1 ORDER BY id")
                    .bind(j.to_owned())
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT judge_id, party, created_at FROM judge_conflicts ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(Conflict {
                    judge_id: r.try_get("judge_id")?,
                    party: r.try_get("party")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    /// Inserts or updates one roster judge by 工号.
    pub async fn upsert_judge(&mut self, j: &RosterJudge) -> Result<Upserted, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM judges WHERE judge_id = $1");
        let existing = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(j.judge_id.clone())
            .fetch_optional(&mut *self.tx)
            .await?
            .as_ref()
            .map(judge_from_row)
            .transpose()?;
        let types = j.case_types.join("、");
        let result = match existing {
            Some(e) if &e == j => return Ok(Upserted::Unchanged),
            Some(_) => {
                sqlx::query(
                    "UPDATE judges SET name = $2, court_code = $3, department = $4, case_types = $5, track = $6, \
                     weight = $7, active = $8 WHERE judge_id = $1",
                )
                .bind(j.judge_id.clone())
                .bind(j.name.clone())
                .bind(j.court_code.clone())
                .bind(j.department.clone())
                .bind(types)
                .bind(j.track.clone())
                .bind(j.weight)
                .bind(i64::from(j.active))
                .execute(&mut *self.tx)
                .await?;
                Upserted::Updated
            }
            None => {
                sqlx::query(
                    "INSERT INTO judges (judge_id, name, court_code, department, case_types, track, weight, active) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(j.judge_id.clone())
                .bind(j.name.clone())
                .bind(j.court_code.clone())
                .bind(j.department.clone())
                .bind(types)
                .bind(j.track.clone())
                .bind(j.weight)
                .bind(i64::from(j.active))
                .execute(&mut *self.tx)
                .await?;
                Upserted::Inserted
            }
        };
        Ok(result)
    }

    /// Records a declared conflict; `false` when it was recorded already.
    pub async fn add_conflict(&mut self, judge_id: &str, party: &str, at: &str) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "INSERT INTO judge_conflicts (judge_id, party, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (judge_id, party) DO NOTHING",
        )
        .bind(judge_id.to_owned())
        .bind(party.to_owned())
        .bind(at.to_owned())
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    /// Links every imported case's judge name to a roster id where exactly one judge of its
    /// court has that name (and unlinks names that no longer do). Returns how many cases
    /// changed; they are recorded as changed.
    pub async fn link_imported_judges(&mut self) -> Result<u64, StoreError> {
        let linked = "(SELECT MIN(j.judge_id) FROM judges j WHERE j.court_code = cases.court_code \
                      AND j.name = cases.judge HAVING COUNT(*) = 1)";
        let sql = format!(
            "UPDATE cases SET judge_id = {linked} WHERE record_source = 'imported' AND judge_id IS DISTINCT FROM {linked}"
        );
        let n = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *self.tx).await?.rows_affected();
        if n > 0 {
            self.touch_all();
        }
        Ok(n)
    }
}

//! 类案库 the judgments a court adds for similar-case search.

use sqlx::Row;

use crate::write::WriteTx;
use crate::{Store, StoreError};

/// One judgment (or other case document) of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgment {
    pub id: String,
    pub title: Option<String>,
    pub case_number: Option<String>,
    pub court: Option<String>,
    /// YYYY-MM-DD.
    pub decided: Option<String>,
    /// 指导性案例 / 参考案例 / 典型案例 / 本院或上级法院生效裁判 / 其他.
    pub tier: String,
    pub text: String,
    pub sha256: String,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Added,
    Replaced,
    Unchanged,
}

const COLUMNS: &str = "id, title, case_number, court, decided, tier, text, sha256";

fn from_row(r: &sqlx::any::AnyRow) -> Result<Judgment, StoreError> {
    Ok(Judgment {
        id: r.try_get("id")?,
        title: r.try_get("title")?,
        case_number: r.try_get("case_number")?,
        court: r.try_get("court")?,
        decided: r.try_get("decided")?,
        tier: r.try_get("tier")?,
        text: r.try_get("text")?,
        sha256: r.try_get("sha256")?,
    })
}

impl WriteTx {
    /// Adds a judgment, or replaces the one with its id when the text differs.
    pub async fn upsert_judgment(&mut self, j: &Judgment, at: &str) -> Result<Upserted, StoreError> {
        let existing =
            sqlx::query("SELECT sha256, tier, title, case_number, court, decided FROM judgments WHERE id = $1")
                .bind(j.id.clone())
                .fetch_optional(&mut *self.tx)
                .await?;
        if let Some(r) = &existing {
            let same = r.try_get::<String, _>("sha256")? == j.sha256
                && r.try_get::<String, _>("tier")? == j.tier
                && r.try_get::<Option<String>, _>("title")? == j.title
                && r.try_get::<Option<String>, _>("case_number")? == j.case_number
                && r.try_get::<Option<String>, _>("court")? == j.court
                && r.try_get::<Option<String>, _>("decided")? == j.decided;
            if same {
                return Ok(Upserted::Unchanged);
            }
            sqlx::query("DELETE FROM judgments WHERE id = $1").bind(j.id.clone()).execute(&mut *self.tx).await?;
        }
        sqlx::query(
            "INSERT INTO judgments (id, title, case_number, court, decided, tier, text, sha256, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(j.id.clone())
        .bind(j.title.clone())
        .bind(j.case_number.clone())
        .bind(j.court.clone())
        .bind(j.decided.clone())
        .bind(j.tier.clone())
        .bind(j.text.clone())
        .bind(j.sha256.clone())
        .bind(at.to_owned())
        .execute(&mut *self.tx)
        .await?;
        Ok(if existing.is_some() { Upserted::Replaced } else { Upserted::Added })
    }
}

impl Store {
    /// Every judgment, by id.
    pub async fn judgments(&self) -> Result<Vec<Judgment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM judgments ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(from_row).collect()
    }

    /// One judgment.
    pub async fn judgment(&self, id: &str) -> Result<Option<Judgment>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM judgments WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.to_owned()).fetch_optional(&self.pool).await?;
        row.as_ref().map(from_row).transpose()
    }
}

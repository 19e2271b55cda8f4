//! 账户、会话、审计 accounts, web sessions and the audit log: the SQL behind `xiezhi user` and
//! the web platform's login.
//!
//! Passwords arrive here only as argon2 PHC strings (hashing is the caller's job); session ids
//! and CSRF tokens are random tokens made by the caller; times are Unix seconds given by the
//! caller (this crate reads no clock). Audit entries never carry personal data.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError};

/// 用户 an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    /// argon2 PHC string.
    pub password_hash: String,
    /// `admin` | `manager` | `judge` | `clerk`.
    pub role: String,
    pub court_code: Option<String>,
    /// 法官姓名: the judge's own name (judge) or the judge a clerk assists (clerk).
    pub judge_name: Option<String>,
    pub disabled: bool,
    pub created_at: String,
}

/// What a new account is made of.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub court_code: Option<&'a str>,
    pub judge_name: Option<&'a str>,
    pub created_at: &'a str,
}

/// A session row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: i64,
    pub last_seen: i64,
}

/// One audit-log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub username: Option<String>,
    pub action: String,
    pub object: Option<String>,
    pub detail: Option<String>,
}

/// One row of the `imports` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub file_name: String,
    pub imported_at: String,
    pub rows: i64,
    pub inserted: i64,
    pub updated: i64,
    pub skipped: i64,
}

const USER_COLUMNS: &str = "id, username, password_hash, role, court_code, judge_name, disabled, created_at";

fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        court_code: row.try_get("court_code")?,
        judge_name: row.try_get("judge_name")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Creates an account; `Ok(None)` when the username is taken.
    pub async fn create_user(&self, user: &NewUser<'_>) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let taken = sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(user.username.to_owned())
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if taken {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, court_code, judge_name, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
        )
        .bind(user.username.to_owned())
        .bind(user.password_hash.to_owned())
        .bind(user.role.to_owned())
        .bind(user.court_code.map(str::to_owned))
        .bind(user.judge_name.map(str::to_owned))
        .bind(user.created_at.to_owned())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The account called `username`.
    pub async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(username.to_owned()).fetch_optional(&self.pool).await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every account, by username.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(user_from_row).collect()
    }

    /// Replaces a password hash and ends the account's sessions; `false` when there is no such user.
    pub async fn set_password_hash(&self, username: &str, password_hash: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
            .bind(password_hash.to_owned())
            .bind(username.to_owned())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        end_sessions(&mut tx, username).await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// Disables (or enables) an account; disabling ends its sessions. `false` when there is no such user.
    pub async fn set_user_disabled(&self, username: &str, disabled: bool) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE users SET disabled = $1 WHERE username = $2")
            .bind(i64::from(disabled))
            .bind(username.to_owned())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if disabled {
            end_sessions(&mut tx, username).await?;
        }
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// Records a new session. Only the SHA-256 of its id is stored: a copy of the database
    /// does not hold live session ids.
    pub async fn create_session(&self, session: &Session) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session_key(&session.id))
        .bind(session.user_id)
        .bind(session.csrf_token.clone())
        .bind(session.created_at)
        .bind(session.last_seen)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A session and its (enabled or disabled) account.
    pub async fn session_with_user(&self, id: &str) -> Result<Option<(Session, User)>, StoreError> {
        let sql = format!(
            "SELECT s.csrf_token, s.created_at AS session_created, s.last_seen, {} \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1",
            USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        );
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(session_key(id)).fetch_optional(&self.pool).await?
        else {
            return Ok(None);
        };
        let user = user_from_row(&row)?;
        let session = Session {
            // The caller's id (the stored column holds its hash).
            id: id.to_owned(),
            user_id: user.id,
            csrf_token: row.try_get("csrf_token")?,
            created_at: row.try_get("session_created")?,
            last_seen: row.try_get("last_seen")?,
        };
        Ok(Some((session, user)))
    }

    /// Marks a session as used at `now`.
    pub async fn touch_session(&self, id: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id = $2")
            .bind(now)
            .bind(session_key(id))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(session_key(id)).execute(&self.pool).await?;
        Ok(())
    }

    /// Ends every session idle since before `idle_before` or created before `created_before`.
    pub async fn delete_expired_sessions(&self, idle_before: i64, created_before: i64) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2")
            .bind(idle_before)
            .bind(created_before)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Appends an audit entry: who (`username`), when (`at`), what (`action` on `object`).
    /// Callers pass identifiers (案号, usernames, file names), never personal data.
    pub async fn audit(
        &self,
        at: &str,
        username: Option<&str>,
        action: &str,
        object: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO audit_log (at, username, action, object, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(at.to_owned())
            .bind(username.map(str::to_owned))
            .bind(action.to_owned())
            .bind(object.map(str::to_owned))
            .bind(detail.map(str::to_owned))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The latest `limit` audit entries, newest first.
    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows =
            sqlx::query("SELECT id, at, username, action, object, detail FROM audit_log ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    username: r.try_get("username")?,
                    action: r.try_get("action")?,
                    object: r.try_get("object")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    /// The latest `limit` imports, newest first.
    pub async fn imports(&self, limit: i64) -> Result<Vec<ImportRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT file_name, imported_at, rows, inserted, updated, skipped FROM imports ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ImportRecord {
                    file_name: r.try_get("file_name")?,
                    imported_at: r.try_get("imported_at")?,
                    rows: r.try_get("rows")?,
                    inserted: r.try_get("inserted")?,
                    updated: r.try_get("updated")?,
                    skipped: r.try_get("skipped")?,
                })
            })
            .collect()
    }
}

/// What the `sessions.id` column holds for a session id: its SHA-256, hex.
fn session_key(id: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(id.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Ends every session of an account (inside the transaction that changed the account).
async fn end_sessions(tx: &mut sqlx::Transaction<'static, sqlx::Any>, username: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = $1)")
        .bind(username.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

//! 账户、会话、审计 accounts, web sessions and the audit log: the SQL behind `xiezhi user` and
//! the web platform's login.
//!
//! Passwords arrive here only as argon2 PHC strings (hashing is the caller's job); session ids
//! and CSRF tokens are random tokens made by the caller; times are Unix seconds given by the
//! caller (this crate reads no clock). Changes to accounts are made through a [`WriteTx`], so
//! each is committed with its audit entry; only session housekeeping (marking a session used,
//! removing expired ones) writes outside one.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Store, StoreError, WriteTx};

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
    /// The same judge's roster id (工号), when the account is linked to the roster.
    pub judge_id: Option<String>,
    pub disabled: bool,
    pub created_at: String,
    /// 电子邮箱 for deadline notices (optional SMTP).
    pub email: Option<String>,
}

/// What a new account is made of.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub court_code: Option<&'a str>,
    pub judge_name: Option<&'a str>,
    pub judge_id: Option<&'a str>,
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

const USER_COLUMNS: &str =
    "id, username, password_hash, role, court_code, judge_name, judge_id, disabled, created_at, email";

fn user_from_row(row: &AnyRow) -> Result<User, StoreError> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        role: row.try_get("role")?,
        court_code: row.try_get("court_code")?,
        judge_name: row.try_get("judge_name")?,
        judge_id: row.try_get("judge_id")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        created_at: row.try_get("created_at")?,
        email: row.try_get("email")?,
    })
}

impl WriteTx {
    /// Creates an account; `Ok(None)` when the username is taken.
    pub async fn create_user(&mut self, user: &NewUser<'_>) -> Result<Option<i64>, StoreError> {
        let taken = sqlx::query("SELECT id FROM users WHERE username = $1")
            .bind(user.username.to_owned())
            .fetch_optional(&mut *self.tx)
            .await?
            .is_some();
        if taken {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, role, court_code, judge_name, judge_id, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7) RETURNING id",
        )
        .bind(user.username.to_owned())
        .bind(user.password_hash.to_owned())
        .bind(user.role.to_owned())
        .bind(user.court_code.map(str::to_owned))
        .bind(user.judge_name.map(str::to_owned))
        .bind(user.judge_id.map(str::to_owned))
        .bind(user.created_at.to_owned())
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(Some(id))
    }

    /// Sets (or clears) an account's e-mail address; `false` when there is no such user.
    pub async fn set_email(&mut self, username: &str, email: Option<&str>) -> Result<bool, StoreError> {
        let changed = sqlx::query("UPDATE users SET email = $1 WHERE username = $2")
            .bind(email.map(str::to_owned))
            .bind(username.to_owned())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        Ok(changed > 0)
    }

    /// Replaces a password hash and ends the account's sessions; `false` when there is no such user.
    pub async fn set_password_hash(&mut self, username: &str, password_hash: &str) -> Result<bool, StoreError> {
        let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
            .bind(password_hash.to_owned())
            .bind(username.to_owned())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        end_sessions(&mut self.tx, username).await?;
        Ok(changed > 0)
    }

    /// Disables (or enables) an account; disabling ends its sessions. `false` when there is no such user.
    pub async fn set_user_disabled(&mut self, username: &str, disabled: bool) -> Result<bool, StoreError> {
        let changed = sqlx::query("UPDATE users SET disabled = $1 WHERE username = $2")
            .bind(i64::from(disabled))
            .bind(username.to_owned())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if disabled {
            end_sessions(&mut self.tx, username).await?;
        }
        Ok(changed > 0)
    }

    /// Links (or unlinks) accounts to roster ids: every judge or clerk account whose court and
    /// judge name match exactly one roster judge gets its id. Returns how many changed.
    pub async fn link_user_judges(&mut self) -> Result<u64, StoreError> {
        let linked = "(SELECT MIN(j.judge_id) FROM judges j WHERE j.court_code = users.court_code \
                      AND j.name = users.judge_name HAVING COUNT(*) = 1)";
        let sql = format!(
            "UPDATE users SET judge_id = {linked} WHERE judge_name IS NOT NULL AND judge_id IS DISTINCT FROM {linked}"
        );
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *self.tx).await?.rows_affected())
    }

    /// Records a new session; only the SHA-256 of its id is stored.
    pub async fn create_session(&mut self, session: &Session) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session_key(&session.id))
        .bind(session.user_id)
        .bind(session.csrf_token.clone())
        .bind(session.created_at)
        .bind(session.last_seen)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Ends a session (logout, or the previous session at a new login).
    pub async fn delete_session(&mut self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE id = $1").bind(session_key(id)).execute(&mut *self.tx).await?;
        Ok(())
    }
}

impl Store {
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

    /// What the sessions table holds as session keys (hashes of the ids, never the ids).
    pub async fn stored_session_keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar::<_, String>("SELECT id FROM sessions").fetch_all(&self.pool).await?)
    }

    /// How many sessions are open.
    pub async fn count_sessions(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sessions").fetch_one(&self.pool).await?)
    }

    /// A session and its (enabled or disabled) account. Only the SHA-256 of a session id is
    /// stored: a copy of the database does not hold live session ids.
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

    /// Ends a session that has expired (housekeeping, not a use case).
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

//! 审限与执行的流程记录: closing a case, events written in bulk (imports, the demo), extension
//! requests and their decisions, deadline notifications with each user's read and mail state.

use sqlx::Row;
use sqlx::any::AnyRow;
use xiezhi_domain::{CaseEvent, Date, Disposition};

use crate::events::encode;
use crate::{Store, StoreError, WriteTx};

/// A 延长审限 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRequest {
    pub id: i64,
    pub case_number: String,
    pub court_code: Option<String>,
    pub judge: Option<String>,
    pub judge_id: Option<String>,
    pub months: Option<i64>,
    pub days: Option<i64>,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub deadline_then: Option<String>,
    pub days_left: Option<i64>,
    pub late: bool,
    /// `pending`, `approved` or `refused`.
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

/// A new request.
#[derive(Debug, Clone)]
pub struct NewExtensionRequest<'a> {
    pub case_number: &'a str,
    pub months: Option<i64>,
    pub days: Option<i64>,
    pub reason: &'a str,
    pub requested_by: &'a str,
    pub requested_at: &'a str,
    pub deadline_then: Option<&'a str>,
    pub days_left: Option<i64>,
    pub late: bool,
}

/// A deadline notification with its case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub case_number: String,
    pub court_code: Option<String>,
    pub judge: Option<String>,
    pub judge_id: Option<String>,
    /// `near` or `overdue`.
    pub kind: String,
    pub raised_on: String,
    pub deadline: Option<String>,
    pub created_at: String,
}

const REQUEST_COLUMNS: &str = "r.id, c.case_number, c.court_code, c.judge, c.judge_id, r.months, r.days, r.reason, \
     r.requested_by, r.requested_at, r.deadline_then, r.days_left, r.late, r.status, r.decided_by, r.decided_at, r.decision_note";

fn request_from_row(r: &AnyRow) -> Result<ExtensionRequest, StoreError> {
    Ok(ExtensionRequest {
        id: r.try_get("id")?,
        case_number: r.try_get("case_number")?,
        court_code: r.try_get("court_code")?,
        judge: r.try_get("judge")?,
        judge_id: r.try_get("judge_id")?,
        months: r.try_get("months")?,
        days: r.try_get("days")?,
        reason: r.try_get("reason")?,
        requested_by: r.try_get("requested_by")?,
        requested_at: r.try_get("requested_at")?,
        deadline_then: r.try_get("deadline_then")?,
        days_left: r.try_get("days_left")?,
        late: r.try_get::<i64, _>("late")? != 0,
        status: r.try_get("status")?,
        decided_by: r.try_get("decided_by")?,
        decided_at: r.try_get("decided_at")?,
        decision_note: r.try_get("decision_note")?,
    })
}

const NOTIFICATION_COLUMNS: &str =
    "n.id, c.case_number, c.court_code, c.judge, c.judge_id, n.kind, n.raised_on, n.deadline, n.created_at";

fn notification_from_row(r: &AnyRow) -> Result<Notification, StoreError> {
    Ok(Notification {
        id: r.try_get("id")?,
        case_number: r.try_get("case_number")?,
        court_code: r.try_get("court_code")?,
        judge: r.try_get("judge")?,
        judge_id: r.try_get("judge_id")?,
        kind: r.try_get("kind")?,
        raised_on: r.try_get("raised_on")?,
        deadline: r.try_get("deadline")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Events written per INSERT statement in bulk.
const EVENT_BATCH: usize = 200;

impl WriteTx {
    /// 结案: sets the closing day and disposition of an open case; `false` when the case is
    /// missing or closed already.
    pub async fn close_case(
        &mut self,
        case_number: &str,
        closed_on: Date,
        disposition: Disposition,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "UPDATE cases SET closed_on = $2, disposition = $3 WHERE case_number = $1 AND closed_on IS NULL",
        )
        .bind(case_number.to_owned())
        .bind(closed_on.to_string())
        .bind(disposition.label())
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        if n > 0 {
            self.touch(case_number);
        }
        Ok(n > 0)
    }

    /// Writes many events at once (an import, the demo): each (案号, event) whose identity is
    /// new for its case is inserted; one already recorded is left as it is. Returns how many
    /// were inserted. Cases must exist (the caller checked them).
    pub async fn insert_events(
        &mut self,
        events: &[(String, CaseEvent)],
        recorded_by: Option<&str>,
        recorded_at: &str,
    ) -> Result<u64, StoreError> {
        let mut inserted = 0;
        for chunk in events.chunks(EVENT_BATCH) {
            let mut values = Vec::with_capacity(chunk.len());
            for (i, _) in chunk.iter().enumerate() {
                let b = i * 5;
                values.push(format!("(${}, ${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4, b + 5));
            }
            let n = chunk.len() * 5;
            let sql = format!(
                "WITH v (case_number, kind, identity, event_date, data) AS (VALUES {}) \
                 INSERT INTO case_events (case_id, kind, identity, event_date, data, recorded_by, recorded_at) \
                 SELECT c.id, v.kind, v.identity, v.event_date, v.data, ${}, ${} FROM v JOIN cases c ON c.case_number = v.case_number WHERE true \
                 ON CONFLICT (case_id, identity) DO NOTHING",
                values.join(", "),
                n + 1,
                n + 2
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (number, event) in chunk {
                query = query
                    .bind(number.clone())
                    .bind(event.kind().key())
                    .bind(event.identity())
                    .bind(event.date().to_string())
                    .bind(encode(event));
            }
            query = query.bind(recorded_by.map(str::to_owned)).bind(recorded_at.to_owned());
            inserted += query.execute(&mut *self.tx).await?.rows_affected();
        }
        if inserted > 0 {
            let mut seen = std::collections::BTreeSet::new();
            for (number, _) in events {
                if seen.insert(number.as_str()) {
                    self.touch(number);
                }
            }
        }
        Ok(inserted)
    }

    /// Records a 延长审限 request; returns its id.
    pub async fn add_extension_request(&mut self, r: &NewExtensionRequest<'_>) -> Result<i64, StoreError> {
        let case_id: i64 = sqlx::query_scalar("SELECT id FROM cases WHERE case_number = $1")
            .bind(r.case_number.to_owned())
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("no case {}", r.case_number)))?;
        Ok(sqlx::query_scalar(
            "INSERT INTO extension_requests (case_id, months, days, reason, requested_by, requested_at, deadline_then, \
             days_left, late, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending') RETURNING id",
        )
        .bind(case_id)
        .bind(r.months)
        .bind(r.days)
        .bind(r.reason.to_owned())
        .bind(r.requested_by.to_owned())
        .bind(r.requested_at.to_owned())
        .bind(r.deadline_then.map(str::to_owned))
        .bind(r.days_left)
        .bind(i64::from(r.late))
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// A request, read inside the transaction.
    pub async fn extension_request(&mut self, id: i64) -> Result<Option<ExtensionRequest>, StoreError> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM extension_requests r JOIN cases c ON c.id = r.case_id WHERE r.id = $1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(request_from_row).transpose()
    }

    /// Decides a pending request (`approved` or `refused`); `false` when it was not pending.
    pub async fn decide_extension(
        &mut self,
        id: i64,
        status: &str,
        decided_by: &str,
        decided_at: &str,
        note: Option<&str>,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "UPDATE extension_requests SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(status.to_owned())
        .bind(decided_by.to_owned())
        .bind(decided_at.to_owned())
        .bind(note.map(str::to_owned))
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    /// Raises a notification once per case and kind; `false` when it was raised before.
    pub async fn raise_notification(
        &mut self,
        case_number: &str,
        kind: &str,
        raised_on: Date,
        deadline: Option<Date>,
        created_at: &str,
    ) -> Result<bool, StoreError> {
        let n = sqlx::query(
            "INSERT INTO notifications (case_id, kind, raised_on, deadline, created_at) \
             SELECT id, $2, $3, $4, $5 FROM cases WHERE case_number = $1 ON CONFLICT (case_id, kind) DO NOTHING",
        )
        .bind(case_number.to_owned())
        .bind(kind.to_owned())
        .bind(raised_on.to_string())
        .bind(deadline.map(|d| d.to_string()))
        .bind(created_at.to_owned())
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(n > 0)
    }

    /// Marks notifications read by a user.
    pub async fn mark_read(&mut self, ids: &[i64], username: &str, at: &str) -> Result<u64, StoreError> {
        let mut n = 0;
        for id in ids {
            n += sqlx::query(
                "INSERT INTO notification_reads (notification_id, username, read_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (notification_id, username) DO NOTHING",
            )
            .bind(*id)
            .bind(username.to_owned())
            .bind(at.to_owned())
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        }
        Ok(n)
    }

    /// Records that notifications were mailed to a user.
    pub async fn mark_mailed(&mut self, ids: &[i64], username: &str, at: &str) -> Result<(), StoreError> {
        for id in ids {
            sqlx::query(
                "INSERT INTO notification_mails (notification_id, username, sent_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (notification_id, username) DO NOTHING",
            )
            .bind(*id)
            .bind(username.to_owned())
            .bind(at.to_owned())
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }
}

impl Store {
    /// Extension requests (of one status, or all), newest first.
    pub async fn extension_requests(&self, status: Option<&str>) -> Result<Vec<ExtensionRequest>, StoreError> {
        let rows = match status {
            Some(s) => {
                let sql = format!(
                    "SELECT {REQUEST_COLUMNS} FROM extension_requests r JOIN cases c ON c.id = r.case_id \
                     WHERE r.status = $1 ORDER BY r.id DESC"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(s.to_owned()).fetch_all(&self.pool).await?
            }
            None => {
                let sql = format!(
                    "SELECT {REQUEST_COLUMNS} FROM extension_requests r JOIN cases c ON c.id = r.case_id ORDER BY r.id DESC"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?
            }
        };
        rows.iter().map(request_from_row).collect()
    }

    /// The requests of one case, oldest first.
    pub async fn extension_requests_of(&self, case_number: &str) -> Result<Vec<ExtensionRequest>, StoreError> {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS} FROM extension_requests r JOIN cases c ON c.id = r.case_id \
             WHERE c.case_number = $1 ORDER BY r.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_number.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(request_from_row).collect()
    }

    /// Notifications raised on or after `since`, newest first (at most `limit`).
    pub async fn notifications(&self, since: &str, limit: i64) -> Result<Vec<Notification>, StoreError> {
        let sql = format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications n JOIN cases c ON c.id = n.case_id \
             WHERE n.raised_on >= $1 ORDER BY n.raised_on DESC, n.id DESC LIMIT $2"
        );
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(since.to_owned()).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(notification_from_row).collect()
    }

    /// The ids among `ids` a user has read.
    pub async fn read_by(&self, username: &str) -> Result<std::collections::HashSet<i64>, StoreError> {
        let rows = sqlx::query("SELECT notification_id FROM notification_reads WHERE username = $1")
            .bind(username.to_owned())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| r.try_get::<i64, _>("notification_id").map_err(StoreError::from)).collect()
    }

    /// The ids mailed to a user.
    pub async fn mailed_to(&self, username: &str) -> Result<std::collections::HashSet<i64>, StoreError> {
        let rows = sqlx::query("SELECT notification_id FROM notification_mails WHERE username = $1")
            .bind(username.to_owned())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| r.try_get::<i64, _>("notification_id").map_err(StoreError::from)).collect()
    }

    /// How many notifications exist.
    pub async fn count_notifications(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM notifications").fetch_one(&self.pool).await?)
    }
}

//! 审限 lists and warnings: open cases with the deadline rule's result (`xiezhi deadlines`, the
//! 审限 page, the contract's JSON object), the daily notifications (raised once when a case
//! becomes `near` and once when `overdue`), each user's read state, and optional SMTP digests.

use std::collections::BTreeMap;

use serde::Serialize;
use xiezhi_domain::{CourtCode, Date, Deadline, DeadlineStatus, StatutoryLimit};
use xiezhi_metrics::GroupKey;

use crate::{Access, Actor, App, AppError, Role};

/// One open case and its deadline.
#[derive(Debug, Clone)]
pub struct DeadlineLine {
    pub case_number: String,
    pub court: Option<CourtCode>,
    pub judge: Option<String>,
    pub judge_id: Option<String>,
    pub type_code: &'static str,
    pub procedure: Option<&'static str>,
    pub deadline: Deadline,
}

/// The contract's deadline object (`xiezhi deadlines`, `GET /api/v1/cases/{案号}`'s
/// `deadline`).
pub fn deadline_json(
    case_number: &str,
    court: Option<CourtCode>,
    judge: Option<&str>,
    type_code: &str,
    procedure: Option<&str>,
    d: &Deadline,
) -> serde_json::Value {
    serde_json::json!({
        "case_number": case_number,
        "court": court.map(|c| c.to_string()),
        "judge": judge,
        "type_code": type_code,
        "procedure": d.procedure.map(|p| p.label()).or(procedure),
        "start": d.start.to_string(),
        "limit": match d.limit {
            Some(StatutoryLimit::Months(m)) => serde_json::json!({"months": m}),
            Some(StatutoryLimit::Days(n)) => serde_json::json!({"days": n}),
            None => serde_json::Value::Null,
        },
        "base_deadline": d.base_deadline.map(|x| x.to_string()),
        "extension_days": d.extension_days,
        "suspended_days": d.suspended_days,
        "suspended_now": d.suspended_now,
        "deadline": d.deadline.map(|x| x.to_string()),
        "remaining_days": d.remaining_days,
        "status": d.status.key(),
    })
}

impl DeadlineLine {
    pub fn json(&self) -> serde_json::Value {
        deadline_json(
            &self.case_number,
            self.court,
            self.judge.as_deref(),
            self.type_code,
            self.procedure,
            &self.deadline,
        )
    }
}

/// Which statuses a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    One(DeadlineStatus),
}

impl StatusFilter {
    /// `all`, `overdue`, `near`, `suspended`, `normal` (also `no_limit`).
    pub fn parse(text: &str) -> Option<StatusFilter> {
        match text.trim() {
            "all" | "" => Some(StatusFilter::All),
            other => DeadlineStatus::parse_key(other).map(StatusFilter::One),
        }
    }

    fn admits(self, s: DeadlineStatus) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::One(x) => x == s,
        }
    }
}

/// Counts by status of one court or judge (the 审限 page).
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatusCounts {
    pub open: u32,
    pub overdue: u32,
    pub near: u32,
    pub suspended: u32,
}

impl StatusCounts {
    fn add(&mut self, s: DeadlineStatus) {
        self.open += 1;
        match s {
            DeadlineStatus::Overdue => self.overdue += 1,
            DeadlineStatus::Near => self.near += 1,
            DeadlineStatus::Suspended => self.suspended += 1,
            _ => {}
        }
    }
}

/// A notification as a user sees it.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationView {
    pub id: i64,
    pub case_number: String,
    pub court: Option<String>,
    pub judge: Option<String>,
    /// `near` or `overdue`.
    pub kind: String,
    pub raised_on: String,
    pub deadline: Option<String>,
    pub read: bool,
}

/// What a notification run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotifyRun {
    pub near: u64,
    pub overdue: u64,
    pub mailed: u64,
}

impl App {
    /// Open cases on `as_of` (those the actor sees; within `scope` when given: a court, city or
    /// province code) whose status passes `status`, by deadline (none last), then 案号.
    pub async fn deadlines(
        &self,
        actor: Actor<'_>,
        as_of: Date,
        scope: Option<CourtCode>,
        status: StatusFilter,
    ) -> Result<Vec<DeadlineLine>, AppError> {
        let data = self.dataset().await?;
        let scope_key = scope.map(|c| match c.level() {
            xiezhi_domain::CourtLevel::High => GroupKey::Province(c),
            xiezhi_domain::CourtLevel::Intermediate => GroupKey::City(c),
            _ => GroupKey::Court(c),
        });
        let viewer = match actor {
            Actor::User(a) => Some(a.clone()),
            Actor::Cli => None,
        };
        let lines = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            for (court, rows) in &data.by_court {
                let Some(court) = *court else { continue };
                if let Some(scope) = &scope_key
                    && !scope.contains(court, None)
                {
                    continue;
                }
                if viewer.as_ref().is_some_and(|a| !a.sees_court(court)) {
                    continue;
                }
                for &r in rows {
                    let c = data.case(r as usize);
                    if !c.pending_at(as_of) {
                        continue;
                    }
                    if viewer.as_ref().is_some_and(|a| !a.sees_case(c.court, c.judge, c.judge_id)) {
                        continue;
                    }
                    let d = data.deadline(r as usize, as_of);
                    if !status.admits(d.status) {
                        continue;
                    }
                    out.push(DeadlineLine {
                        case_number: c.number.to_owned(),
                        court: c.court,
                        judge: c.judge.map(str::to_owned),
                        judge_id: c.judge_id.map(str::to_owned),
                        type_code: c.type_code.as_str(),
                        procedure: c.procedure.map(|p| p.label()),
                        deadline: d,
                    });
                }
            }
            out.sort_by(|a, b| {
                (a.deadline.deadline.is_none(), a.deadline.deadline, &a.case_number).cmp(&(
                    b.deadline.deadline.is_none(),
                    b.deadline.deadline,
                    &b.case_number,
                ))
            });
            out
        })
        .await
        .map_err(|e| AppError::Internal(format!("listing deadlines: {e}")))?;
        Ok(lines)
    }

    /// Counts by court and by judge (the 审限 page): open, overdue, near, suspended on `as_of`.
    pub async fn deadline_summary(
        &self,
        access: &Access,
        as_of: Date,
    ) -> Result<(BTreeMap<String, StatusCounts>, BTreeMap<(String, String), StatusCounts>), AppError> {
        let lines = self.deadlines(Actor::User(access), as_of, None, StatusFilter::All).await?;
        let mut courts: BTreeMap<String, StatusCounts> = BTreeMap::new();
        let mut judges: BTreeMap<(String, String), StatusCounts> = BTreeMap::new();
        for l in &lines {
            let court = l.court.map(|c| c.to_string()).unwrap_or_default();
            courts.entry(court.clone()).or_default().add(l.deadline.status);
            judges.entry((court, l.judge.clone().unwrap_or_default())).or_default().add(l.deadline.status);
        }
        Ok((courts, judges))
    }

    /// The daily job (and `xiezhi deadlines notify`): raises a notification once for each open
    /// case that is `near` or `overdue` on `as_of` and has none of that kind yet; then, when
    /// `mailer` is given, mails each account with an address the new notifications of its
    /// cases. One transaction for the notifications, with its audit entry.
    pub async fn notify(&self, as_of: Date, mailer: Option<&crate::mail::Mailer>) -> Result<NotifyRun, AppError> {
        let lines = self.deadlines(Actor::Cli, as_of, None, StatusFilter::All).await?;
        let at = self.clock.timestamp();
        let mut run = NotifyRun::default();
        let mut tx = self.store.begin_write().await?;
        for l in &lines {
            let kind = match l.deadline.status {
                DeadlineStatus::Near => "near",
                DeadlineStatus::Overdue => "overdue",
                _ => continue,
            };
            if tx.raise_notification(&l.case_number, kind, as_of, l.deadline.deadline, &at).await? {
                match kind {
                    "near" => run.near += 1,
                    _ => run.overdue += 1,
                }
            }
        }
        let audit = self
            .audit_record(Actor::Cli, "deadline_notify")
            .detail(format!("as of {as_of}: {} near, {} overdue raised", run.near, run.overdue));
        tx.commit(&audit).await?;
        if let Some(mailer) = mailer {
            run.mailed = self.mail_digests(mailer).await?;
        }
        Ok(run)
    }

    /// The notifications of the cases a user sees (the last 180 days), newest first.
    pub async fn notifications(&self, access: &Access) -> Result<Vec<NotificationView>, AppError> {
        let since = self.clock.today().add_days(-180).to_string();
        let read = self.store.read_by(&access.username).await?;
        Ok(self
            .store
            .notifications(&since, 5_000)
            .await?
            .into_iter()
            .filter(|n| {
                let court = n.court_code.as_deref().and_then(CourtCode::parse);
                access.sees_case(court, n.judge.as_deref(), n.judge_id.as_deref())
                    && matches!(access.role, Role::Admin | Role::Manager | Role::Judge | Role::Clerk)
            })
            .map(|n| NotificationView {
                read: read.contains(&n.id),
                id: n.id,
                case_number: n.case_number,
                court: n.court_code,
                judge: n.judge,
                kind: n.kind,
                raised_on: n.raised_on,
                deadline: n.deadline,
            })
            .collect())
    }

    /// Marks notifications read (only those the user sees; `all` = every unread one).
    pub async fn mark_notifications_read(&self, access: &Access, ids: &[i64], all: bool) -> Result<u64, AppError> {
        let visible: Vec<i64> = self
            .notifications(access)
            .await?
            .into_iter()
            .filter(|n| !n.read && (all || ids.contains(&n.id)))
            .map(|n| n.id)
            .collect();
        if visible.is_empty() {
            return Ok(0);
        }
        let mut tx = self.store.begin_write().await?;
        let n = tx.mark_read(&visible, &access.username, &self.clock.timestamp()).await?;
        tx.commit(&self.audit_record(Actor::User(access), "notifications_read").detail(format!("{n}"))).await?;
        Ok(n)
    }

    /// Mails each account with an e-mail address the notifications of its cases not mailed
    /// before (one message per account). Returns the messages sent; a failure to send is
    /// logged (without addresses) and retried next time.
    async fn mail_digests(&self, mailer: &crate::mail::Mailer) -> Result<u64, AppError> {
        let mut sent = 0;
        for user in self.store.users().await? {
            let Some(email) = user.email.clone().filter(|e| !e.trim().is_empty()) else { continue };
            if user.disabled {
                continue;
            }
            let Ok(access) =
                Access::new(&user.username, &user.role, user.court_code.as_deref(), user.judge_name.as_deref())
            else {
                continue;
            };
            let access = access.with_judge_id(user.judge_id.as_deref());
            let mailed = self.store.mailed_to(&user.username).await?;
            let fresh: Vec<NotificationView> =
                self.notifications(&access).await?.into_iter().filter(|n| !mailed.contains(&n.id) && !n.read).collect();
            if fresh.is_empty() {
                continue;
            }
            let body = crate::mail::digest_text(&fresh);
            let subject = format!("审限提醒：{} 件案件临近或超过审限", fresh.len());
            match mailer.send(&email, &subject, &body).await {
                Ok(()) => {
                    let ids: Vec<i64> = fresh.iter().map(|n| n.id).collect();
                    let mut tx = self.store.begin_write().await?;
                    tx.mark_mailed(&ids, &user.username, &self.clock.timestamp()).await?;
                    tx.commit(&self.audit_record(Actor::Cli, "notifications_mailed").object(user.username.as_str()))
                        .await?;
                    sent += 1;
                }
                Err(e) => tracing::warn!("mailing deadline notices to account {}: {e}", user.username),
            }
        }
        Ok(sent)
    }
}

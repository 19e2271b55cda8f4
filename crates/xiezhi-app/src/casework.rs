//! 案件流程 the record of a case's clock and enforcement (contract case-events.md): events
//! recorded one by one (the API, the case page) or imported from a file (all or nothing), the
//! close with the 终本 gate, 延长审限 requests decided by a manager, and the 终本 re-check
//! schedule.

use std::path::Path;

use serde::Serialize;
use xiezhi_domain::{
    CaseClass, CaseEvent, CaseNumber, ClockCase, ClockRecord, CourtCode, Date, Deadline, Disposition, EventKind, Span,
    check_event,
};
use xiezhi_import::events::{EventRecord, parse_event, read_events};
use xiezhi_import::{ImportError, Problem};
use xiezhi_store::events::Recorded;

use crate::error::Refusal;
use crate::{Access, Actor, App, AppError, Role};

/// Days before expiry by which an extension must be requested (2019 民商事 规定 §1).
pub const EXTENSION_NOTICE_DAYS: i32 = 15;

/// What recording an event did.
#[derive(Debug, Clone, Serialize)]
pub struct RecordedEvent {
    pub case_number: String,
    /// `inserted`, `updated` or `unchanged`.
    pub recorded: &'static str,
    pub event: serde_json::Value,
}

/// Why an events file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum EventsImportError {
    #[error(transparent)]
    File(#[from] ImportError),
    #[error("事件文件有{}处错误，未导入任何事件 / {} problem(s), nothing imported:\n{}", .0.len(), .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Problems(Vec<Problem>),
    #[error(transparent)]
    App(#[from] AppError),
}

/// What an events import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventsImport {
    pub read: u64,
    pub inserted: u64,
    pub unchanged: u64,
}

/// Whether a case (by its class) may record enforcement events and be closed by 终本.
fn is_enforcement(number: &CaseNumber) -> bool {
    number.type_code().class() == CaseClass::Enforcement
}

/// The event as the API shows it: the contract's keys.
pub fn event_json(e: &CaseEvent) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&xiezhi_store::events::encode(e)).unwrap_or_default();
    v["event"] = serde_json::Value::String(e.kind().key().to_owned());
    if let CaseEvent::Payment { amount, .. } = e {
        v["amount"] = serde_json::Value::String(amount.to_string());
    }
    v
}

/// One 终本 re-check due (every six months for five years after a 终本 closing).
#[derive(Debug, Clone, Serialize)]
pub struct RecheckDue {
    pub case_number: String,
    pub court: Option<String>,
    pub judge: Option<String>,
    pub closed_on: String,
    /// Checks recorded after the closing (终本核查 events).
    pub checks_done: u32,
    pub due_on: String,
    /// Negative: overdue by that many days.
    pub days_left: i32,
}

impl App {
    /// Whether `access` may record events on a case: its judge (clerk), the managers who see
    /// it, admins. Extensions need a manager (院长/庭长 approve them) or an admin.
    fn may_record(access: &Access, record: &xiezhi_store::CaseRecord, kind: EventKind) -> Result<(), AppError> {
        let f = &record.facts;
        if !access.sees_case(f.case_number.court(), f.judge.as_deref(), record.judge_id.as_deref()) {
            return Err(AppError::NotFound);
        }
        match access.role {
            Role::Admin | Role::Manager => Ok(()),
            Role::Judge | Role::Clerk if kind != EventKind::Extension => Ok(()),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Records one event from its JSON object (`POST /api/v1/cases/{案号}/events`): read field by
    /// field, checked against the case, written with its audit entry; the dataset follows.
    pub async fn record_event(
        &self,
        actor: Actor<'_>,
        number: &str,
        body: &serde_json::Value,
    ) -> Result<RecordedEvent, AppError> {
        let canonical = CaseNumber::parse(number.trim()).map_err(|_| AppError::NotFound)?;
        let Some(record) = self.store.case_record(canonical.as_str()).await? else {
            return Err(AppError::NotFound);
        };
        let serde_json::Value::Object(object) = body else {
            return Err(Refusal::unreadable("body", "", "应为一个事件对象 {\"event\": …} / one event object").into());
        };
        let parsed =
            EventRecord::from_json(1, object).and_then(|r| parse_event(&r, Some(&canonical))).map_err(|problems| {
                let p = &problems[0];
                AppError::from(Refusal::unreadable(&p.column, &p.value, &p.reason))
            })?;
        if let Actor::User(access) = actor {
            Self::may_record(access, &record, parsed.event.kind())?;
        }
        let recorded: Vec<CaseEvent> =
            self.store.events_of(canonical.as_str()).await?.into_iter().map(|e| e.event).collect();
        let f = &record.facts;
        check_event(f.case_number.type_code(), f.procedure, f.filed_on, &recorded, &parsed.event, self.clock.today())
            .map_err(|e| Refusal::unacceptable(e.field(), &event_date_text(&parsed.event, e.field()), &e.to_string()))?;
        let at = self.clock.timestamp();
        let mut tx = self.store.begin_write().await?;
        let done = tx.record_event(canonical.as_str(), &parsed.event, actor.username(), &at).await?;
        let audit = self.audit_record(actor, "event_add").object(canonical.as_str()).detail(format!(
            "{} {}",
            parsed.event.kind().key(),
            parsed.event.date()
        ));
        tx.commit(&audit).await?;
        if let Err(e) = self.refresh().await {
            tracing::warn!("bringing the dataset up to date after an event: {e}");
        }
        Ok(RecordedEvent {
            case_number: canonical.as_str().to_owned(),
            recorded: match done {
                Recorded::Inserted => "inserted",
                Recorded::Updated => "updated",
                Recorded::Unchanged => "unchanged",
            },
            event: event_json(&parsed.event),
        })
    }

    /// `xiezhi events import FILE`: every record read and checked against its case first (any
    /// problem: nothing written), then one transaction; events already recorded change nothing.
    pub async fn import_events(&self, actor: Actor<'_>, path: &Path) -> Result<EventsImport, EventsImportError> {
        let owned = path.to_owned();
        let rows = tokio::task::spawn_blocking(move || read_events(&owned))
            .await
            .map_err(|e| AppError::Internal(format!("reading the events: {e}")))??
            .map_err(EventsImportError::Problems)?;
        let data = self.dataset().await?;
        let today = self.clock.today();
        let mut problems = Vec::new();
        // Events of the file count with those recorded for the no-limit check (a conversion
        // earlier in the file).
        let mut batch: std::collections::HashMap<String, Vec<CaseEvent>> = std::collections::HashMap::new();
        for row in &rows {
            let number = row.case_number.as_str();
            let Some(r) = data.row_of(number) else {
                problems.push(Problem {
                    row: row.row,
                    column: "case_number".into(),
                    reason: "本平台没有该案件 / no such case".into(),
                    value: number.to_owned(),
                });
                continue;
            };
            if let Actor::User(access) = actor {
                let c = data.case(r);
                let allowed = access.sees_case(c.court, c.judge, c.judge_id)
                    && (matches!(access.role, Role::Admin | Role::Manager)
                        || (matches!(access.role, Role::Judge | Role::Clerk)
                            && row.event.kind() != EventKind::Extension));
                if !allowed {
                    return Err(AppError::Forbidden.into());
                }
            }
            let c = data.case(r);
            let mut known: Vec<CaseEvent> = data.events(r).to_vec();
            known.extend(batch.get(number).cloned().unwrap_or_default());
            if let Err(e) = check_event(c.type_code, c.procedure, c.filed, &known, &row.event, today) {
                problems.push(Problem {
                    row: row.row,
                    column: e.field().to_owned(),
                    reason: e.to_string(),
                    value: event_date_text(&row.event, e.field()),
                });
                continue;
            }
            batch.entry(number.to_owned()).or_default().push(row.event.clone());
        }
        if !problems.is_empty() {
            return Err(EventsImportError::Problems(problems));
        }
        drop(data);
        let at = self.clock.timestamp();
        let events: Vec<(String, CaseEvent)> =
            rows.iter().map(|r| (r.case_number.as_str().to_owned(), r.event.clone())).collect();
        let mut tx = self.store.begin_write().await.map_err(AppError::from)?;
        let inserted = tx.insert_events(&events, actor.username(), &at).await.map_err(AppError::from)?;
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let detail = format!("{} events read, {inserted} new", events.len());
        let audit = self.audit_record(actor, "events_import").object(file).detail(match actor {
            Actor::Cli => format!("cli: {detail}"),
            Actor::User(_) => detail,
        });
        tx.commit(&audit).await.map_err(AppError::from)?;
        if let Err(e) = self.refresh().await {
            tracing::warn!("bringing the dataset up to date after an events import: {e}");
        }
        Ok(EventsImport { read: events.len() as u64, inserted, unchanged: events.len() as u64 - inserted })
    }

    /// 结案 (`POST /api/v1/cases/{案号}/close`): an open case the user may act on is closed on a
    /// day from filing to today with a disposition; an 执/执恢 case closed by 终结本次执行程序
    /// must pass the 终本 gate (422 listing what is missing).
    pub async fn close_case(
        &self,
        actor: Actor<'_>,
        number: &str,
        closed_on: Option<&str>,
        disposition: Option<&str>,
    ) -> Result<(), AppError> {
        let canonical = CaseNumber::parse(number.trim()).map_err(|_| AppError::NotFound)?;
        let Some(record) = self.store.case_record(canonical.as_str()).await? else {
            return Err(AppError::NotFound);
        };
        if let Actor::User(access) = actor {
            let f = &record.facts;
            if !access.sees_case(f.case_number.court(), f.judge.as_deref(), record.judge_id.as_deref()) {
                return Err(AppError::NotFound);
            }
            if !matches!(access.role, Role::Admin | Role::Manager | Role::Judge | Role::Clerk) {
                return Err(AppError::Forbidden);
            }
        }
        let closed_text = closed_on.map(str::trim).unwrap_or("");
        if closed_text.is_empty() {
            return Err(Refusal::unreadable("closed_on", "", "必填：结案日期 YYYY-MM-DD").into());
        }
        let day = Date::parse_iso(closed_text)
            .map_err(|_| Refusal::unreadable("closed_on", closed_text, "不是有效日期（YYYY-MM-DD）"))?;
        let disposition_text = disposition.map(str::trim).unwrap_or("");
        let disposition = Disposition::parse(disposition_text)
            .map_err(|e| Refusal::unreadable("disposition", disposition_text, &e.to_string()))?;
        let f = &record.facts;
        if f.closed_on.is_some() {
            return Err(Refusal::unacceptable("closed_on", closed_text, "案件已结 / the case is closed already").into());
        }
        if day < f.filed_on {
            return Err(Refusal::unacceptable("closed_on", closed_text, &format!("早于立案日期 {}", f.filed_on)).into());
        }
        if day > self.clock.today() {
            return Err(Refusal::unacceptable("closed_on", closed_text, "晚于今天 / after today").into());
        }
        if disposition == Disposition::TerminalEnforcementSuspension && is_enforcement(&canonical) {
            let events: Vec<CaseEvent> =
                self.store.events_of(canonical.as_str()).await?.into_iter().map(|e| e.event).collect();
            let missing = xiezhi_domain::terminal_gate(f.filed_on, day, &events);
            if !missing.is_empty() {
                return Err(Refusal::unacceptable(
                    "disposition",
                    disposition.label(),
                    &format!("不符合终本条件：{}", missing.join("；")),
                )
                .into());
            }
        }
        let mut tx = self.store.begin_write().await?;
        if !tx.close_case(canonical.as_str(), day, disposition).await? {
            tx.rollback().await?;
            return Err(Refusal::unacceptable("closed_on", closed_text, "案件已结 / the case is closed already").into());
        }
        let audit = self.audit_record(actor, "case_close").object(canonical.as_str()).detail(format!(
            "{} {}",
            day,
            disposition.label()
        ));
        tx.commit(&audit).await?;
        if let Err(e) = self.refresh().await {
            tracing::warn!("bringing the dataset up to date after a closing: {e}");
        }
        Ok(())
    }

    /// 终本 re-checks due by `as_of` + 30 days among the cases the user sees: after a 终本
    /// closing, a property re-check every six months for five years; the next one is due six
    /// months after the closing times (checks recorded after the closing + 1).
    pub async fn rechecks_due(&self, access: &Access, as_of: Date) -> Result<Vec<RecheckDue>, AppError> {
        let data = self.dataset().await?;
        let mut out = Vec::new();
        for (court, rows) in data.by_court.iter() {
            if !court.is_some_and(|c| access.sees_court(c)) {
                continue;
            }
            for &r in rows {
                let c = data.case(r as usize);
                let (Some(closed), Some(Disposition::TerminalEnforcementSuspension)) = (c.closed, c.disposition) else {
                    continue;
                };
                if c.class() != CaseClass::Enforcement || !access.sees_case(c.court, c.judge, c.judge_id) {
                    continue;
                }
                let done = data
                    .events(r as usize)
                    .iter()
                    .filter(|e| matches!(e, CaseEvent::TerminalCheck { on, .. } if *on > closed))
                    .count() as u32;
                if done >= 10 {
                    continue;
                }
                let due = closed.add_months(6 * (done as i32 + 1));
                let days_left = due.days_since(as_of);
                if days_left <= 30 {
                    out.push(RecheckDue {
                        case_number: c.number.to_owned(),
                        court: c.court.map(|x| x.to_string()),
                        judge: c.judge.map(str::to_owned),
                        closed_on: closed.to_string(),
                        checks_done: done,
                        due_on: due.to_string(),
                        days_left,
                    });
                }
            }
        }
        out.sort_by(|a, b| (a.days_left, &a.case_number).cmp(&(b.days_left, &b.case_number)));
        Ok(out)
    }
}

/// The text of the event's date the refusal names.
fn event_date_text(e: &CaseEvent, field: &str) -> String {
    match (e, field) {
        (CaseEvent::Suspension { to: Some(t), .. }, "to") => t.to_string(),
        (CaseEvent::Petition { resolved_on: Some(r), .. }, "resolved_on") => r.to_string(),
        (_, "event") => e.kind().key().to_owned(),
        _ => e.date().to_string(),
    }
}

/// A 延长审限 request as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ExtensionRequestView {
    pub id: i64,
    pub case_number: String,
    pub court: Option<String>,
    pub judge: Option<String>,
    /// `6个月` or `30天`.
    pub span: String,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: String,
    pub deadline_then: Option<String>,
    pub days_left: Option<i64>,
    /// Asked fewer than 15 days before expiry (逾期申请).
    pub late: bool,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

fn request_view(r: xiezhi_store::clock::ExtensionRequest) -> ExtensionRequestView {
    ExtensionRequestView {
        id: r.id,
        span: match (r.months, r.days) {
            (Some(m), _) => format!("{m}个月"),
            (_, Some(d)) => format!("{d}天"),
            _ => String::new(),
        },
        case_number: r.case_number,
        court: r.court_code,
        judge: r.judge,
        reason: r.reason,
        requested_by: r.requested_by,
        requested_at: r.requested_at,
        deadline_then: r.deadline_then,
        days_left: r.days_left,
        late: r.late,
        status: r.status,
        decided_by: r.decided_by,
        decided_at: r.decided_at,
        decision_note: r.decision_note,
    }
}

impl App {
    /// The case's deadline today from its stored record (for requests).
    async fn deadline_today(&self, record: &xiezhi_store::CaseRecord) -> Result<Deadline, AppError> {
        let events: Vec<CaseEvent> =
            self.store.events_of(record.facts.case_number.as_str()).await?.into_iter().map(|e| e.event).collect();
        let f = &record.facts;
        let clock_record = if events.iter().any(|e| e.kind().is_clock()) {
            ClockRecord::Events(&events)
        } else {
            ClockRecord::Imported { extension_days: f.extension_days, suspended_days: f.suspended_days }
        };
        let case = ClockCase {
            type_code: f.case_number.type_code(),
            procedure: f.procedure,
            filed_on: f.filed_on,
            closed_on: f.closed_on,
            record: clock_record,
        };
        Ok(Deadline::compute(&case, self.clock.today(), self.config.near_days))
    }

    /// 申请延长审限: the judge (clerk) of an open case with a limit asks; a request fewer than
    /// 15 days before expiry is accepted and flagged late (逾期申请).
    pub async fn request_extension(
        &self,
        access: &Access,
        number: &str,
        months: Option<&str>,
        days: Option<&str>,
        reason: &str,
    ) -> Result<ExtensionRequestView, AppError> {
        let canonical = CaseNumber::parse(number.trim()).map_err(|_| AppError::NotFound)?;
        let record = self.store.case_record(canonical.as_str()).await?.ok_or(AppError::NotFound)?;
        let f = &record.facts;
        if !access.sees_case(f.case_number.court(), f.judge.as_deref(), record.judge_id.as_deref()) {
            return Err(AppError::NotFound);
        }
        if !matches!(access.role, Role::Judge | Role::Clerk | Role::Manager | Role::Admin) {
            return Err(AppError::Forbidden);
        }
        let span =
            match (months.map(str::trim).filter(|m| !m.is_empty()), days.map(str::trim).filter(|d| !d.is_empty())) {
                (Some(m), None) => Span::Months(
                    m.parse()
                        .ok()
                        .filter(|v| (1..=12).contains(v))
                        .ok_or_else(|| Refusal::unreadable("months", m, "应为 1–12 个月"))?,
                ),
                (None, Some(d)) => Span::Days(
                    d.parse()
                        .ok()
                        .filter(|v| (1..=366).contains(v))
                        .ok_or_else(|| Refusal::unreadable("days", d, "应为 1–366 天"))?,
                ),
                _ => return Err(Refusal::unreadable("months", "", "填写延长的月数或天数（二选一）").into()),
            };
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(Refusal::unreadable("reason", "", "必填：延长理由（不超过500字）").into());
        }
        if f.closed_on.is_some() {
            return Err(Refusal::unacceptable("case_number", canonical.as_str(), "案件已结，无需延长审限").into());
        }
        let deadline = self.deadline_today(&record).await?;
        let Some(expiry) = deadline.deadline else {
            return Err(Refusal::unacceptable("case_number", canonical.as_str(), "该案件无法定审限，不能延长").into());
        };
        let days_left = deadline.remaining_days.unwrap_or(0);
        let late = days_left < EXTENSION_NOTICE_DAYS;
        let at = self.clock.timestamp();
        let (m, d) = match span {
            Span::Months(m) => (Some(i64::from(m)), None),
            Span::Days(d) => (None, Some(i64::from(d))),
        };
        let expiry_text = expiry.to_string();
        let mut tx = self.store.begin_write().await?;
        let id = tx
            .add_extension_request(&xiezhi_store::clock::NewExtensionRequest {
                case_number: canonical.as_str(),
                months: m,
                days: d,
                reason,
                requested_by: &access.username,
                requested_at: &at,
                deadline_then: Some(&expiry_text),
                days_left: Some(i64::from(days_left)),
                late,
            })
            .await?;
        let audit = self
            .audit_record(Actor::User(access), "extension_request")
            .object(canonical.as_str())
            .detail(format!("request #{id}{}", if late { " late" } else { "" }));
        tx.commit(&audit).await?;
        let stored = self.store.extension_requests_of(canonical.as_str()).await?.into_iter().find(|r| r.id == id);
        stored.map(request_view).ok_or(AppError::NotFound)
    }

    /// 审批: a manager of the case's court (or an admin) approves — recording the extension
    /// event dated today with the approver — or refuses a pending request; one transaction.
    pub async fn decide_extension(
        &self,
        access: &Access,
        id: i64,
        approve: bool,
        note: Option<&str>,
    ) -> Result<ExtensionRequestView, AppError> {
        let mut tx = self.store.begin_write().await?;
        let Some(request) = tx.extension_request(id).await? else {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        };
        let court = request.court_code.as_deref().and_then(CourtCode::parse);
        if !court.is_some_and(|c| access.sees_court(c)) {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        }
        if !court.is_some_and(|c| access.may_designate(c)) {
            tx.rollback().await?;
            return Err(AppError::Forbidden);
        }
        let today = self.clock.today();
        let at = self.clock.timestamp();
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if !tx.decide_extension(id, if approve { "approved" } else { "refused" }, &access.username, &at, note).await? {
            tx.rollback().await?;
            return Err(Refusal::unacceptable("id", &id.to_string(), "该申请已处理 / decided already").into());
        }
        if approve {
            let span = match (request.months, request.days) {
                (Some(m), _) => Span::Months(u16::try_from(m).unwrap_or(1)),
                (_, d) => Span::Days(u32::try_from(d.unwrap_or(1)).unwrap_or(1)),
            };
            let event = CaseEvent::Extension {
                on: today,
                span,
                approver: Some(access.username.clone()),
                reason: Some(request.reason.clone()),
            };
            tx.record_event(&request.case_number, &event, Some(&access.username), &at).await?;
        }
        let audit = self
            .audit_record(Actor::User(access), if approve { "extension_approve" } else { "extension_refuse" })
            .object(request.case_number.as_str())
            .detail(format!("request #{id}"));
        tx.commit(&audit).await?;
        if approve && let Err(e) = self.refresh().await {
            tracing::warn!("bringing the dataset up to date after an extension: {e}");
        }
        let stored = self.store.extension_requests_of(&request.case_number).await?.into_iter().find(|r| r.id == id);
        stored.map(request_view).ok_or(AppError::NotFound)
    }

    /// Requests the user may see (managers: their courts'; judges: their cases'), newest first.
    pub async fn extension_requests(
        &self,
        access: &Access,
        status: Option<&str>,
    ) -> Result<Vec<ExtensionRequestView>, AppError> {
        Ok(self
            .store
            .extension_requests(status)
            .await?
            .into_iter()
            .filter(|r| {
                let court = r.court_code.as_deref().and_then(CourtCode::parse);
                access.sees_case(court, r.judge.as_deref(), r.judge_id.as_deref())
            })
            .map(request_view)
            .collect())
    }

    /// The requests of one case the user may see.
    pub async fn extension_requests_of(
        &self,
        access: &Access,
        number: &str,
    ) -> Result<Vec<ExtensionRequestView>, AppError> {
        Ok(self
            .store
            .extension_requests_of(number)
            .await?
            .into_iter()
            .filter(|r| {
                let court = r.court_code.as_deref().and_then(CourtCode::parse);
                access.sees_case(court, r.judge.as_deref(), r.judge_id.as_deref())
            })
            .map(request_view)
            .collect())
    }
}

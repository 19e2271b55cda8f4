//! 案件事件 storage of the record: each event as one row (kind, identity, date, fields as JSON),
//! unique per case by its identity, so recording the same event twice changes nothing.

use serde_json::{Value, json};
use sqlx::Row;
use xiezhi_domain::{
    Amount, CaseEvent, Date, EventKind, Procedure, Span, SuspensionKind, TerminalApproval, TerminalItems,
};

use crate::{Store, StoreError, WriteTx};

/// A stored event with who recorded it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub id: i64,
    pub case_number: String,
    pub event: CaseEvent,
    pub recorded_by: Option<String>,
    pub recorded_at: String,
}

/// What recording an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Inserted,
    /// An event with the same identity existed with other fields (e.g. a running suspension
    /// now ended): its fields were replaced.
    Updated,
    Unchanged,
}

fn date_text(d: Option<Date>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.to_string()))
}

/// The event's fields as stored (JSON): the contract's keys; amounts in ten-thousandths.
pub fn encode(event: &CaseEvent) -> String {
    let v = match event {
        CaseEvent::Extension { on, span, approver, reason } => {
            let (months, days) = match span {
                Span::Months(m) => (Some(*m), None),
                Span::Days(d) => (None, Some(*d)),
            };
            json!({"on": on.to_string(), "months": months, "days": days, "approver": approver, "reason": reason})
        }
        CaseEvent::Suspension { kind, from, to } => {
            json!({"kind": kind.label(), "from": from.to_string(), "to": date_text(*to)})
        }
        CaseEvent::Conversion { on, procedure } => json!({"on": on.to_string(), "procedure": procedure.label()}),
        CaseEvent::Restart { on, reason } => json!({"on": on.to_string(), "reason": reason}),
        CaseEvent::Payment { on, amount } => json!({"on": on.to_string(), "amount": amount.ten_thousandths()}),
        CaseEvent::TerminalCheck { on, items, approval } => {
            let items: serde_json::Map<String, Value> =
                items.items().iter().map(|(k, _, v)| ((*k).to_owned(), Value::Bool(*v))).collect();
            json!({"on": on.to_string(), "items": items, "approval": approval.map(TerminalApproval::key)})
        }
        CaseEvent::Petition { on, resolved_on } => {
            json!({"on": on.to_string(), "resolved_on": date_text(*resolved_on)})
        }
    };
    v.to_string()
}

/// Decodes a stored event; `None` when the row was edited into something that is not an event.
pub fn decode(kind: &str, data: &str) -> Option<CaseEvent> {
    let v: Value = serde_json::from_str(data).ok()?;
    let date = |k: &str| v.get(k).and_then(Value::as_str).and_then(|t| Date::parse_iso(t).ok());
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(match EventKind::parse(kind)? {
        EventKind::Extension => {
            let span = match (v.get("months").and_then(Value::as_u64), v.get("days").and_then(Value::as_u64)) {
                (Some(m), None) => Span::Months(u16::try_from(m).ok()?),
                (None, Some(d)) => Span::Days(u32::try_from(d).ok()?),
                _ => return None,
            };
            CaseEvent::Extension { on: date("on")?, span, approver: text("approver"), reason: text("reason") }
        }
        EventKind::Suspension => CaseEvent::Suspension {
            kind: SuspensionKind::parse(v.get("kind")?.as_str()?)?,
            from: date("from")?,
            to: date("to"),
        },
        EventKind::Conversion => {
            CaseEvent::Conversion { on: date("on")?, procedure: Procedure::parse(v.get("procedure")?.as_str()?).ok()? }
        }
        EventKind::Restart => CaseEvent::Restart { on: date("on")?, reason: text("reason") },
        EventKind::Payment => {
            CaseEvent::Payment { on: date("on")?, amount: Amount::from_ten_thousandths(v.get("amount")?.as_i64()?) }
        }
        EventKind::TerminalCheck => {
            let mut items = TerminalItems::default();
            for (k, value) in v.get("items")?.as_object()? {
                if !items.set(k, value.as_bool()?) {
                    return None;
                }
            }
            let approval = match v.get("approval") {
                None | Some(Value::Null) => None,
                Some(a) => Some(TerminalApproval::parse(a.as_str()?)?),
            };
            CaseEvent::TerminalCheck { on: date("on")?, items, approval }
        }
        EventKind::Petition => CaseEvent::Petition { on: date("on")?, resolved_on: date("resolved_on") },
    })
}

fn stored_from_row(r: &sqlx::any::AnyRow) -> Result<StoredEvent, StoreError> {
    let case_number: String = r.try_get("case_number")?;
    let kind: String = r.try_get("kind")?;
    let data: String = r.try_get("data")?;
    let event = decode(&kind, &data).ok_or_else(|| StoreError::Corrupt {
        case_number: case_number.clone(),
        reason: format!("event {kind} does not decode: {data}"),
    })?;
    Ok(StoredEvent {
        id: r.try_get("id")?,
        case_number,
        event,
        recorded_by: r.try_get("recorded_by")?,
        recorded_at: r.try_get("recorded_at")?,
    })
}

const SELECT: &str = "SELECT e.id, c.case_number, e.kind, e.data, e.recorded_by, e.recorded_at \
     FROM case_events e JOIN cases c ON c.id = e.case_id";

impl Store {
    /// A case's events, in the order of their dates (then of recording).
    pub async fn events_of(&self, case_number: &str) -> Result<Vec<StoredEvent>, StoreError> {
        let sql = format!("{SELECT} WHERE c.case_number = $1 ORDER BY e.event_date, e.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_number.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(stored_from_row).collect()
    }

    /// Every event of every case, by case then date (for loading the dataset). Read in packed
    /// chunks (one JSON text of 20,000 events built by the database, keyset-paginated by id): a
    /// row at a time through sqlx cost 4 s for 665k events.
    pub async fn all_events(&self) -> Result<Vec<StoredEvent>, StoreError> {
        const CHUNK: usize = 20_000;
        let columns = "e.id, c.case_number, e.kind, e.data, e.recorded_by, e.recorded_at, e.event_date";
        let inner = format!(
            "SELECT {columns} FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.id > $1 ORDER BY e.id LIMIT {CHUNK}"
        );
        let sql = match self.backend {
            crate::Backend::Sqlite => format!(
                "SELECT json_group_array(json_array(id, case_number, kind, data, recorded_by, recorded_at, event_date)) FROM ({inner})"
            ),
            crate::Backend::Postgres => format!(
                "SELECT COALESCE(json_agg(json_build_array(id, case_number, kind, data, recorded_by, recorded_at, event_date) ORDER BY id), '[]')::text FROM ({inner}) AS chunk"
            ),
        };
        type Packed = (i64, String, String, String, Option<String>, String, String);
        let mut out: Vec<(String, StoredEvent)> = Vec::new();
        let mut last = i64::MIN;
        loop {
            let packed: String =
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).bind(last).fetch_one(&self.pool).await?;
            let chunk: Vec<Packed> = serde_json::from_str(&packed).map_err(|e| StoreError::Corrupt {
                case_number: String::new(),
                reason: format!("packed events: {e}"),
            })?;
            let len = chunk.len();
            for (id, case_number, kind, data, recorded_by, recorded_at, date) in chunk {
                last = id;
                let event = decode(&kind, &data).ok_or_else(|| StoreError::Corrupt {
                    case_number: case_number.clone(),
                    reason: format!("event {kind} does not decode: {data}"),
                })?;
                out.push((date, StoredEvent { id, case_number, event, recorded_by, recorded_at }));
            }
            if len < CHUNK {
                break;
            }
        }
        out.sort_by(|(da, a), (db, b)| (&a.case_number, da, a.id).cmp(&(&b.case_number, db, b.id)));
        Ok(out.into_iter().map(|(_, e)| e).collect())
    }

    /// How many events are stored.
    pub async fn count_events(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM case_events").fetch_one(&self.pool).await?)
    }
}

impl WriteTx {
    /// Records an event of the case `case_number` (which must exist). The same identity
    /// recorded again changes nothing, or replaces the fields when they differ.
    pub async fn record_event(
        &mut self,
        case_number: &str,
        event: &CaseEvent,
        recorded_by: Option<&str>,
        recorded_at: &str,
    ) -> Result<Recorded, StoreError> {
        let case_id: i64 = sqlx::query_scalar("SELECT id FROM cases WHERE case_number = $1")
            .bind(case_number.to_owned())
            .fetch_optional(&mut *self.tx)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("no case {case_number}")))?;
        let identity = event.identity();
        let data = encode(event);
        let existing: Option<String> =
            sqlx::query_scalar("SELECT data FROM case_events WHERE case_id = $1 AND identity = $2")
                .bind(case_id)
                .bind(identity.clone())
                .fetch_optional(&mut *self.tx)
                .await?;
        let result = match existing {
            Some(stored) if stored == data => return Ok(Recorded::Unchanged),
            Some(_) => {
                sqlx::query("UPDATE case_events SET data = $1 WHERE case_id = $2 AND identity = $3")
                    .bind(data)
                    .bind(case_id)
                    .bind(identity)
                    .execute(&mut *self.tx)
                    .await?;
                Recorded::Updated
            }
            None => {
                sqlx::query(
                    "INSERT INTO case_events (case_id, kind, identity, event_date, data, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(case_id)
                .bind(event.kind().key())
                .bind(identity)
                .bind(event.date().to_string())
                .bind(data)
                .bind(recorded_by.map(str::to_owned))
                .bind(recorded_at.to_owned())
                .execute(&mut *self.tx)
                .await?;
                Recorded::Inserted
            }
        };
        self.touch(case_number);
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips() {
        let d = |s: &str| Date::parse_iso(s).unwrap();
        let mut items = TerminalItems::default();
        items.set("notice_and_report_order", true);
        let events = [
            CaseEvent::Extension {
                on: d("2024-02-01"),
                span: Span::Months(3),
                approver: Some("院长".into()),
                reason: None,
            },
            CaseEvent::Extension {
                on: d("2024-02-01"),
                span: Span::Days(15),
                approver: None,
                reason: Some("鉴定".into()),
            },
            CaseEvent::Suspension { kind: SuspensionKind::Publication, from: d("2024-01-01"), to: None },
            CaseEvent::Suspension { kind: SuspensionKind::Other, from: d("2024-01-01"), to: Some(d("2024-01-02")) },
            CaseEvent::Conversion { on: d("2024-03-01"), procedure: Procedure::Ordinary },
            CaseEvent::Restart { on: d("2024-03-02"), reason: Some("改变管辖".into()) },
            CaseEvent::Payment { on: d("2024-03-03"), amount: Amount::parse("1234.56", false).unwrap() },
            CaseEvent::TerminalCheck {
                on: d("2024-03-04"),
                items,
                approval: Some(TerminalApproval::PresidentApproved),
            },
            CaseEvent::Petition { on: d("2024-03-05"), resolved_on: None },
        ];
        for e in events {
            assert_eq!(decode(e.kind().key(), &encode(&e)), Some(e.clone()), "{e:?}");
        }
        assert_eq!(decode("payment", "{\"on\": \"2024-13-01\", \"amount\": 1}"), None);
        assert_eq!(decode("unknown", "{}"), None);
    }
}

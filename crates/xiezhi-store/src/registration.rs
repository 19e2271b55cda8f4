//! 立案与分案 storage: 案号 counters, registered cases with their parties and registration
//! record, assignments (current and history) with their draw records, and the reads the draw
//! needs inside the registering transaction (the court's roster, open cases per judge, the
//! origin chain, declared conflicts).
//!
//! The draw itself, triage and every rule live in the domain and app crates; this module stores
//! what they decided, as given.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;
use xiezhi_domain::CaseFacts;

use crate::judges::RosterJudge;
use crate::{Store, StoreError, WriteTx, rows};

/// A party as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// 原告, 被告, 第三人 …
    pub role: String,
    /// `person` or `organization`.
    pub kind: String,
    pub name: String,
}

/// What registration writes besides the case row.
#[derive(Debug, Clone)]
pub struct NewRegistration<'a> {
    /// The case as it starts: 案号, filing date, cause, procedure, amount, origin, judge.
    pub facts: &'a CaseFacts,
    pub judge_id: &'a str,
    pub sequence: i64,
    /// 繁 or 简.
    pub track: &'a str,
    /// The flags as the contract writes them, JSON array.
    pub flags: String,
    /// The triage result, JSON.
    pub triage: String,
    pub override_reason: Option<&'a str>,
    pub parties: &'a [Party],
    pub registered_by: Option<&'a str>,
    pub registered_at: &'a str,
}

/// An assignment to write.
#[derive(Debug, Clone)]
pub struct NewAssignment<'a> {
    pub judge_id: &'a str,
    /// `random`, `designated` or `series`.
    pub mode: &'a str,
    pub reason_code: Option<&'a str>,
    pub note: Option<&'a str>,
    /// The full record (pool, exclusions, seed, algorithm, result), JSON.
    pub record: &'a str,
    pub actor: Option<&'a str>,
    pub at: &'a str,
}

/// A stored assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAssignment {
    pub id: i64,
    pub case_number: String,
    pub court_code: Option<String>,
    pub judge_id: String,
    /// The judge's name from the roster (None when the roster lost the id).
    pub judge_name: Option<String>,
    pub mode: String,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub record: String,
    pub actor: Option<String>,
    pub at: String,
    pub current: bool,
}

/// The registration record of a case registered here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRegistration {
    pub case_number: String,
    pub sequence: i64,
    pub track: String,
    pub flags: String,
    pub triage: String,
    pub override_reason: Option<String>,
    pub registered_by: Option<String>,
    pub registered_at: String,
    pub parties: Vec<Party>,
}

/// A case of an origin chain or a series: who handled it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedCase {
    pub case_number: String,
    pub court_code: Option<String>,
    pub judge: Option<String>,
    pub judge_id: Option<String>,
    pub origin_case_number: Option<String>,
}

/// Counts of assignments by mode for one court and month (`YYYY-MM`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentCount {
    pub court_code: String,
    pub month: String,
    pub mode: String,
    pub count: i64,
}

/// Which assignments a listing shows.
#[derive(Debug, Clone, Default)]
pub struct AssignmentFilter<'a> {
    /// Courts whose code starts with one of these (a 中院 code covers its city); empty = all.
    pub court_prefixes: &'a [String],
    /// `at` on or after this day (YYYY-MM-DD).
    pub from: Option<&'a str>,
    /// `at` on or before this day.
    pub to: Option<&'a str>,
    pub mode: Option<&'a str>,
    pub limit: i64,
    pub offset: i64,
}

const ASSIGNMENT_COLUMNS: &str = "a.id, c.case_number, c.court_code, a.judge_id, j.name AS judge_name, a.mode, \
     a.reason_code, a.note, a.record, a.actor, a.at, a.current";

fn assignment_from_row(r: &AnyRow) -> Result<StoredAssignment, StoreError> {
    Ok(StoredAssignment {
        id: r.try_get("id")?,
        case_number: r.try_get("case_number")?,
        court_code: r.try_get("court_code")?,
        judge_id: r.try_get("judge_id")?,
        judge_name: r.try_get("judge_name")?,
        mode: r.try_get("mode")?,
        reason_code: r.try_get("reason_code")?,
        note: r.try_get("note")?,
        record: r.try_get("record")?,
        actor: r.try_get("actor")?,
        at: r.try_get("at")?,
        current: r.try_get::<i64, _>("current")? != 0,
    })
}

fn linked_from_row(r: &AnyRow) -> Result<LinkedCase, StoreError> {
    Ok(LinkedCase {
        case_number: r.try_get("case_number")?,
        court_code: r.try_get("court_code")?,
        judge: r.try_get("judge")?,
        judge_id: r.try_get("judge_id")?,
        origin_case_number: r.try_get("origin_case_number")?,
    })
}

/// The day after `day` (YYYY-MM-DD) as text, for `at < next day` bounds.
fn day_after(day: &str) -> Result<String, StoreError> {
    let d = xiezhi_domain::Date::parse_iso(day).map_err(|e| StoreError::Invalid(format!("date {day:?}: {e}")))?;
    Ok(d.add_days(1).to_string())
}

impl WriteTx {
    /// Takes the next 案件编号 of (year, court, type code): 1 + the last one given or imported.
    /// The counter's row stays locked until the transaction ends, so concurrent registrations
    /// of the same key wait and never share or skip a number; a rollback gives the number back.
    pub async fn next_case_sequence(&mut self, year: i64, court: &str, type_code: &str) -> Result<i64, StoreError> {
        sqlx::query(
            "INSERT INTO case_number_counters (year, court_code, type_code, last_sequence) VALUES ($1, $2, $3, 0) \
             ON CONFLICT (year, court_code, type_code) DO NOTHING",
        )
        .bind(year)
        .bind(court.to_owned())
        .bind(type_code.to_owned())
        .execute(&mut *self.tx)
        .await?;
        Ok(sqlx::query_scalar::<_, i64>(
            "UPDATE case_number_counters SET last_sequence = last_sequence + 1 \
             WHERE year = $1 AND court_code = $2 AND type_code = $3 RETURNING last_sequence",
        )
        .bind(year)
        .bind(court.to_owned())
        .bind(type_code.to_owned())
        .fetch_one(&mut *self.tx)
        .await?)
    }

    /// The court's name when the court is known to the platform (`None`: unknown court;
    /// `Some(None)`: known, without a name).
    pub async fn known_court(&mut self, code: &str) -> Result<Option<Option<String>>, StoreError> {
        let row = sqlx::query("SELECT name FROM courts WHERE code = $1")
            .bind(code.to_owned())
            .fetch_optional(&mut *self.tx)
            .await?;
        row.map(|r| r.try_get::<Option<String>, _>("name").map_err(StoreError::from)).transpose()
    }

    /// The active roster judges of a court, by 工号.
    pub async fn active_judges(&mut self, court: &str) -> Result<Vec<RosterJudge>, StoreError> {
        let rows = sqlx::query(
            "SELECT judge_id, name, court_code, department, case_types, track, weight, active FROM judges \
             WHERE court_code = $1 AND active = 1 ORDER BY judge_id",
        )
        .bind(court.to_owned())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter().map(crate::judges::judge_from_row).collect()
    }

    /// One roster judge by 工号 (active or not).
    pub async fn roster_judge(&mut self, judge_id: &str) -> Result<Option<RosterJudge>, StoreError> {
        let row = sqlx::query(
            "SELECT judge_id, name, court_code, department, case_types, track, weight, active FROM judges \
             WHERE judge_id = $1",
        )
        .bind(judge_id.to_owned())
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(crate::judges::judge_from_row).transpose()
    }

    /// 在办案件 open cases per judge among `judge_ids` (judges with none are absent).
    pub async fn open_cases(&mut self, judge_ids: &[String]) -> Result<HashMap<String, i64>, StoreError> {
        let mut out = HashMap::new();
        // One indexed count per judge (the partial index holds open cases only).
        for id in judge_ids {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE judge_id = $1 AND closed_on IS NULL")
                .bind(id.clone())
                .fetch_one(&mut *self.tx)
                .await?;
            if n > 0 {
                out.insert(id.clone(), n);
            }
        }
        Ok(out)
    }

    /// A case's judge and origin, by 案号.
    pub async fn linked_case(&mut self, case_number: &str) -> Result<Option<LinkedCase>, StoreError> {
        let row = sqlx::query(
            "SELECT case_number, court_code, judge, judge_id, origin_case_number FROM cases WHERE case_number = $1",
        )
        .bind(case_number.to_owned())
        .fetch_optional(&mut *self.tx)
        .await?;
        row.as_ref().map(linked_from_row).transpose()
    }

    /// Declared conflicts (judge id, party) whose party is one of `names`.
    pub async fn conflicts_with(&mut self, names: &[String]) -> Result<Vec<(String, String)>, StoreError> {
        let mut out = Vec::new();
        for name in names {
            let rows = sqlx::query("SELECT judge_id, party FROM judge_conflicts WHERE party = $1 ORDER BY judge_id")
                .bind(name.clone())
                .fetch_all(&mut *self.tx)
                .await?;
            for r in &rows {
                out.push((r.try_get("judge_id")?, r.try_get("party")?));
            }
        }
        Ok(out)
    }

    /// Inserts a registered case, its parties and its registration record; returns the case's
    /// row id. A 案号 that exists already fails with a constraint error (never overwritten).
    pub async fn insert_registered_case(&mut self, r: &NewRegistration<'_>) -> Result<i64, StoreError> {
        let sql = rows::upsert_sql(self.backend, 1, true, &[]);
        let query = rows::bind_facts(sqlx::query(sqlx::AssertSqlSafe(sql)), r.facts, Some(r.judge_id));
        query.execute(&mut *self.tx).await?;
        let number = r.facts.case_number.as_str().to_owned();
        let case_id: i64 =
            sqlx::query_scalar("UPDATE cases SET record_source = 'registered' WHERE case_number = $1 RETURNING id")
                .bind(number.clone())
                .fetch_one(&mut *self.tx)
                .await?;
        for p in r.parties {
            sqlx::query("INSERT INTO parties (case_id, role, kind, name) VALUES ($1, $2, $3, $4)")
                .bind(case_id)
                .bind(p.role.clone())
                .bind(p.kind.clone())
                .bind(p.name.clone())
                .execute(&mut *self.tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO registrations (case_id, sequence, track, flags, triage, procedure_override_reason, \
             registered_by, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(case_id)
        .bind(r.sequence)
        .bind(r.track.to_owned())
        .bind(r.flags.clone())
        .bind(r.triage.clone())
        .bind(r.override_reason.map(str::to_owned))
        .bind(r.registered_by.map(str::to_owned))
        .bind(r.registered_at.to_owned())
        .execute(&mut *self.tx)
        .await?;
        self.touch(&number);
        Ok(case_id)
    }

    /// Records an assignment of a case (by 案号) to a judge: earlier assignments stay as
    /// history (no longer current); the case's 承办人, roster id and 承办部门 follow the judge.
    /// Returns the assignment's id.
    pub async fn assign(&mut self, case_number: &str, a: &NewAssignment<'_>) -> Result<i64, StoreError> {
        let judge = self
            .roster_judge(a.judge_id)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("no roster judge {:?}", a.judge_id)))?;
        let case_id: i64 = sqlx::query_scalar(
            "UPDATE cases SET judge = $2, judge_id = $3, department = $4 WHERE case_number = $1 RETURNING id",
        )
        .bind(case_number.to_owned())
        .bind(judge.name.clone())
        .bind(judge.judge_id.clone())
        .bind(judge.department.clone())
        .fetch_optional(&mut *self.tx)
        .await?
        .ok_or_else(|| StoreError::Invalid(format!("no case {case_number}")))?;
        sqlx::query("UPDATE assignments SET current = 0 WHERE case_id = $1 AND current = 1")
            .bind(case_id)
            .execute(&mut *self.tx)
            .await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO assignments (case_id, judge_id, mode, reason_code, note, record, actor, at, current) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) RETURNING id",
        )
        .bind(case_id)
        .bind(a.judge_id.to_owned())
        .bind(a.mode.to_owned())
        .bind(a.reason_code.map(str::to_owned))
        .bind(a.note.map(str::to_owned))
        .bind(a.record.to_owned())
        .bind(a.actor.map(str::to_owned))
        .bind(a.at.to_owned())
        .fetch_one(&mut *self.tx)
        .await?;
        self.touch(case_number);
        Ok(id)
    }

    /// The current assignment of a case, read inside the transaction.
    pub async fn current_assignment(&mut self, case_number: &str) -> Result<Option<StoredAssignment>, StoreError> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments a JOIN cases c ON c.id = a.case_id \
             LEFT JOIN judges j ON j.judge_id = a.judge_id WHERE c.case_number = $1 AND a.current = 1"
        );
        let row =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_number.to_owned()).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(assignment_from_row).transpose()
    }

    /// The parties of a case (by 案号), read inside the transaction.
    pub async fn parties_of(&mut self, case_number: &str) -> Result<Vec<Party>, StoreError> {
        parties_query(&mut *self.tx, case_number).await
    }
}

async fn parties_query<'e, E>(executor: E, case_number: &str) -> Result<Vec<Party>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT p.role, p.kind, p.name FROM parties p JOIN cases c ON c.id = p.case_id WHERE c.case_number = $1 \
         ORDER BY p.id",
    )
    .bind(case_number.to_owned())
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| Ok(Party { role: r.try_get("role")?, kind: r.try_get("kind")?, name: r.try_get("name")? }))
        .collect()
}

impl Store {
    /// 在办案件 open cases per roster judge of a court (or of every court).
    pub async fn open_cases_by_judge(&self, court: Option<&str>) -> Result<HashMap<String, i64>, StoreError> {
        let rows = match court {
            Some(c) => {
                sqlx::query(
                    "SELECT c.judge_id, COUNT(*) AS n FROM cases c JOIN judges j ON j.judge_id = c.judge_id \
                     WHERE c.closed_on IS NULL AND j.court_code = $1 GROUP BY c.judge_id",
                )
                .bind(c.to_owned())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(
                    "SELECT judge_id, COUNT(*) AS n FROM cases WHERE closed_on IS NULL AND judge_id IS NOT NULL \
                     GROUP BY judge_id",
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(|r| Ok((r.try_get("judge_id")?, r.try_get("n")?))).collect()
    }

    /// Every assignment of a case, oldest first.
    pub async fn assignments_of(&self, case_number: &str) -> Result<Vec<StoredAssignment>, StoreError> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments a JOIN cases c ON c.id = a.case_id \
             LEFT JOIN judges j ON j.judge_id = a.judge_id WHERE c.case_number = $1 ORDER BY a.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_number.to_owned()).fetch_all(&self.pool).await?;
        rows.iter().map(assignment_from_row).collect()
    }

    /// Every assignment, in the order made (for replaying them all).
    pub async fn all_assignments(&self) -> Result<Vec<StoredAssignment>, StoreError> {
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments a JOIN cases c ON c.id = a.case_id \
             LEFT JOIN judges j ON j.judge_id = a.judge_id ORDER BY a.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(assignment_from_row).collect()
    }

    /// Assignments by filter, newest first, and how many match in all.
    pub async fn assignments(&self, f: &AssignmentFilter<'_>) -> Result<(Vec<StoredAssignment>, i64), StoreError> {
        let mut conditions = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        let next = |value: String, binds: &mut Vec<String>| {
            binds.push(value);
            format!("${}", binds.len())
        };
        if !f.court_prefixes.is_empty() {
            let parts: Vec<String> = f
                .court_prefixes
                .iter()
                .map(|p| format!("c.court_code LIKE {}", next(format!("{p}%"), &mut binds)))
                .collect();
            conditions.push(format!("({})", parts.join(" OR ")));
        }
        if let Some(from) = f.from {
            conditions.push(format!("a.at >= {}", next(from.to_owned(), &mut binds)));
        }
        if let Some(to) = f.to {
            conditions.push(format!("a.at < {}", next(day_after(to)?, &mut binds)));
        }
        if let Some(mode) = f.mode {
            conditions.push(format!("a.mode = {}", next(mode.to_owned(), &mut binds)));
        }
        let filter = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        let from_clause = format!(
            "FROM assignments a JOIN cases c ON c.id = a.case_id LEFT JOIN judges j ON j.judge_id = a.judge_id{filter}"
        );
        let count_sql = format!("SELECT COUNT(*) {from_clause}");
        let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
        for b in &binds {
            count = count.bind(b.clone());
        }
        let total = count.fetch_one(&self.pool).await?;
        let list_sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} {from_clause} ORDER BY a.id DESC LIMIT {} OFFSET {}",
            f.limit.max(0),
            f.offset.max(0)
        );
        let mut list = sqlx::query(sqlx::AssertSqlSafe(list_sql));
        for b in &binds {
            list = list.bind(b.clone());
        }
        let rows = list.fetch_all(&self.pool).await?;
        Ok((rows.iter().map(assignment_from_row).collect::<Result<_, _>>()?, total))
    }

    /// Assignments made between two days (inclusive), counted by court, month and mode.
    pub async fn assignment_counts(&self, from: &str, to: &str) -> Result<Vec<AssignmentCount>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.court_code, substr(a.at, 1, 7) AS month, a.mode, COUNT(*) AS n FROM assignments a \
             JOIN cases c ON c.id = a.case_id WHERE a.at >= $1 AND a.at < $2 AND c.court_code IS NOT NULL \
             GROUP BY c.court_code, substr(a.at, 1, 7), a.mode ORDER BY c.court_code, month, a.mode",
        )
        .bind(from.to_owned())
        .bind(day_after(to)?)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AssignmentCount {
                    court_code: r.try_get("court_code")?,
                    month: r.try_get("month")?,
                    mode: r.try_get("mode")?,
                    count: r.try_get("n")?,
                })
            })
            .collect()
    }

    /// The registration record of a case registered here, with its parties.
    pub async fn registration_of(&self, case_number: &str) -> Result<Option<StoredRegistration>, StoreError> {
        let row = sqlx::query(
            "SELECT c.case_number, r.sequence, r.track, r.flags, r.triage, r.procedure_override_reason, \
             r.registered_by, r.registered_at FROM registrations r JOIN cases c ON c.id = r.case_id \
             WHERE c.case_number = $1",
        )
        .bind(case_number.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(StoredRegistration {
            case_number: r.try_get("case_number")?,
            sequence: r.try_get("sequence")?,
            track: r.try_get("track")?,
            flags: r.try_get("flags")?,
            triage: r.try_get("triage")?,
            override_reason: r.try_get("procedure_override_reason")?,
            registered_by: r.try_get("registered_by")?,
            registered_at: r.try_get("registered_at")?,
            parties: parties_query(&self.pool, case_number).await?,
        }))
    }

    /// The last 案件编号 given for (year, court, type code), if any.
    pub async fn last_case_sequence(&self, year: i64, court: &str, type_code: &str) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT last_sequence FROM case_number_counters WHERE year = $1 AND court_code = $2 AND type_code = $3",
        )
        .bind(year)
        .bind(court.to_owned())
        .bind(type_code.to_owned())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// How many cases were registered here.
    pub async fn count_registrations(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM registrations").fetch_one(&self.pool).await?)
    }
}

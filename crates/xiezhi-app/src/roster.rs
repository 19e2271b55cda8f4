//! 员额法官名册 the roster use cases: import a roster file (idempotent upsert by 工号, all rows
//! or none), list a court's judges with their open cases, add or change one judge (weight,
//! track, types, active), declare a conflict (回避) with a party. Every change links imported
//! case judges and judge accounts to roster ids again, in the same transaction.

use std::path::Path;

use serde::Serialize;
use xiezhi_domain::{CourtCode, JudgeId, TrackSet, TypeCode, Weight};
use xiezhi_import::roster::{RosterError, RosterRow, read_roster};
use xiezhi_store::judges::{RosterJudge, Upserted};

use crate::error::Refusal;
use crate::{Access, Actor, App, AppError};

/// One judge as listed (contract: `xiezhi judges list`, `GET /api/v1/judges`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterLine {
    pub judge_id: String,
    pub name: String,
    pub court: String,
    pub department: Option<String>,
    pub case_types: Vec<String>,
    pub track: String,
    /// 办案系数 as a number (1, 0.5).
    pub weight: f64,
    pub active: bool,
    /// 在办案件.
    pub open_cases: i64,
}

/// What a roster import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RosterImport {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Imported cases whose judge link changed.
    pub linked_cases: u64,
    /// Judge and clerk accounts whose link changed.
    pub linked_accounts: u64,
}

/// Why a roster import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum RosterImportError {
    #[error(transparent)]
    File(#[from] RosterError),
    #[error(transparent)]
    App(#[from] AppError),
}

/// A judge as entered on the 名册 page.
#[derive(Debug, Clone, Default)]
pub struct JudgeInput {
    pub judge_id: String,
    pub name: String,
    pub court: String,
    pub department: String,
    pub case_types: String,
    pub track: String,
    pub weight: String,
    pub active: bool,
}

fn stored(row: &RosterRow) -> RosterJudge {
    RosterJudge {
        judge_id: row.judge_id.as_str().to_owned(),
        name: row.name.clone(),
        court_code: row.court.to_string(),
        department: row.department.clone(),
        case_types: row.case_types.iter().map(|t| t.as_str().to_owned()).collect(),
        track: row.track.label().to_owned(),
        weight: i64::from(row.weight.ten_thousandths()),
        active: row.active,
    }
}

impl JudgeInput {
    /// Checks the fields as the roster file's rows are checked; the first problem names its
    /// field and value.
    pub fn read(&self) -> Result<RosterRow, Refusal> {
        let judge_id = JudgeId::parse(&self.judge_id)
            .map_err(|e| Refusal::unreadable("judge_id", self.judge_id.trim(), &e.to_string()))?;
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(Refusal::unreadable("name", name, "必填，不超过64字 / required, at most 64 characters"));
        }
        let court = CourtCode::parse(self.court.trim())
            .ok_or_else(|| Refusal::unreadable("court", self.court.trim(), "不是法院代字（如 粤0106）"))?;
        let mut case_types = Vec::new();
        for part in self.case_types.split(|c: char| c == '、' || c == ',' || c == '，' || c.is_whitespace()) {
            if part.is_empty() {
                continue;
            }
            let t = TypeCode::from_text(part)
                .ok_or_else(|| Refusal::unreadable("case_types", part, "未知的类型代字 / unknown type code"))?;
            if !case_types.contains(&t) {
                case_types.push(t);
            }
        }
        if case_types.is_empty() {
            return Err(Refusal::unreadable("case_types", "", "必填：办案类型（如 民初、民特）/ required"));
        }
        let track = TrackSet::parse(&self.track)
            .map_err(|e| Refusal::unreadable("track", self.track.trim(), &e.to_string()))?;
        let weight = Weight::parse(&self.weight)
            .map_err(|e| Refusal::unreadable("weight", self.weight.trim(), &e.to_string()))?;
        let department = Some(self.department.trim().to_owned()).filter(|d| !d.is_empty());
        Ok(RosterRow {
            row: 0,
            judge_id,
            name: name.to_owned(),
            court,
            department,
            case_types,
            track,
            weight,
            active: self.active,
        })
    }
}

impl App {
    /// Imports a roster file: every row checked first (any problem: nothing written), then one
    /// transaction upserting by 工号, re-linking imported judges and accounts, with its audit
    /// entry. A user must keep the roster of every court the file names.
    pub async fn import_roster(&self, actor: Actor<'_>, path: &Path) -> Result<RosterImport, RosterImportError> {
        let owned = path.to_owned();
        let rows = tokio::task::spawn_blocking(move || read_roster(&owned, None))
            .await
            .map_err(|e| AppError::Internal(format!("reading the roster: {e}")))??;
        if let Actor::User(access) = actor
            && rows.iter().any(|r| !access.may_manage_roster(r.court))
        {
            return Err(AppError::Forbidden.into());
        }
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(self.write_roster(actor, &rows, "roster_import", &file_name).await?)
    }

    async fn write_roster(
        &self,
        actor: Actor<'_>,
        rows: &[RosterRow],
        action: &str,
        object: &str,
    ) -> Result<RosterImport, AppError> {
        let mut tx = self.store.begin_write().await?;
        let mut out = RosterImport::default();
        for row in rows {
            match tx.upsert_judge(&stored(row)).await? {
                Upserted::Inserted => out.inserted += 1,
                Upserted::Updated => out.updated += 1,
                Upserted::Unchanged => out.unchanged += 1,
            }
        }
        out.linked_cases = tx.link_imported_judges().await?;
        out.linked_accounts = tx.link_user_judges().await?;
        let detail = format!(
            "{} new, {} updated, {} unchanged; {} case links, {} account links",
            out.inserted, out.updated, out.unchanged, out.linked_cases, out.linked_accounts
        );
        let record = self.audit_record(actor, action).object(object).detail(match actor {
            Actor::Cli => format!("cli: {detail}"),
            Actor::User(_) => detail,
        });
        tx.commit(&record).await?;
        if out.linked_cases > 0
            && let Err(e) = self.refresh().await
        {
            tracing::warn!("bringing the dataset up to date after a roster change: {e}");
        }
        Ok(out)
    }

    /// Writes the roster of a demo run (`xiezhi demo`): the synthetic judges who hear its
    /// cases, with 工号, so the imported demo cases link to roster ids.
    pub async fn install_demo_roster(
        &self,
        actor: Actor<'_>,
        config: &xiezhi_demo::DemoConfig,
    ) -> Result<RosterImport, AppError> {
        let rows: Vec<RosterRow> = xiezhi_demo::roster(config)
            .into_iter()
            .map(|j| RosterRow {
                row: 0,
                judge_id: JudgeId::parse(&j.judge_id).expect("demo ids are valid"),
                name: j.name,
                court: j.court,
                department: Some(j.department.to_owned()),
                case_types: j.case_types.iter().filter_map(|t| TypeCode::from_text(t)).collect(),
                track: TrackSet::parse(j.track).expect("demo tracks are valid"),
                weight: Weight::parse(j.weight).expect("demo weights are valid"),
                active: true,
            })
            .collect();
        self.write_roster(actor, &rows, "roster_import", "(demo)").await
    }

    /// Adds or changes one judge (名册 page). Managers of the judge's court (and admins).
    pub async fn save_judge(&self, actor: Actor<'_>, input: &JudgeInput) -> Result<RosterImport, AppError> {
        let row = input.read()?;
        if let Actor::User(access) = actor {
            if !access.may_manage_roster(row.court) {
                return Err(AppError::Forbidden);
            }
            // Moving a judge between courts needs the old court too.
            if let Some(existing) = self.store.judge(row.judge_id.as_str()).await?
                && CourtCode::parse(&existing.court_code).is_some_and(|c| !access.may_manage_roster(c))
            {
                return Err(AppError::Forbidden);
            }
        }
        let object = row.judge_id.as_str().to_owned();
        self.write_roster(actor, std::slice::from_ref(&row), "roster_save", &object).await
    }

    /// 在岗/停用 a judge (停用 leaves the pool; history stays).
    pub async fn set_judge_active(&self, actor: Actor<'_>, judge_id: &str, active: bool) -> Result<(), AppError> {
        let judge = self.store.judge(judge_id.trim()).await?.ok_or(AppError::NotFound)?;
        if let Actor::User(access) = actor {
            let court = CourtCode::parse(&judge.court_code).ok_or(AppError::NotFound)?;
            if !access.sees_court(court) {
                return Err(AppError::NotFound);
            }
            if !access.may_manage_roster(court) {
                return Err(AppError::Forbidden);
            }
        }
        if judge.active == active {
            return Ok(());
        }
        let mut tx = self.store.begin_write().await?;
        tx.upsert_judge(&RosterJudge { active, ..judge.clone() }).await?;
        let record = self
            .audit_record(actor, if active { "roster_activate" } else { "roster_deactivate" })
            .object(judge.judge_id.as_str());
        tx.commit(&record).await?;
        Ok(())
    }

    /// 回避 declares a conflict between a judge and a party (by name); `false` when it was
    /// declared already.
    pub async fn add_conflict(&self, actor: Actor<'_>, judge_id: &str, party: &str) -> Result<bool, AppError> {
        let party = party.trim();
        if party.is_empty() || party.chars().count() > 100 {
            return Err(
                Refusal::unreadable("party", party, "必填，不超过100字 / required, at most 100 characters").into()
            );
        }
        let judge = self.store.judge(judge_id.trim()).await?.ok_or(AppError::NotFound)?;
        if let Actor::User(access) = actor {
            let court = CourtCode::parse(&judge.court_code).ok_or(AppError::NotFound)?;
            if !access.sees_court(court) {
                return Err(AppError::NotFound);
            }
            if !access.may_manage_roster(court) {
                return Err(AppError::Forbidden);
            }
        }
        let mut tx = self.store.begin_write().await?;
        let added = tx.add_conflict(&judge.judge_id, party, &self.clock.timestamp()).await?;
        // The party's name is personal data: the audit entry names the judge only.
        let record = self.audit_record(actor, "conflict_add").object(judge.judge_id.as_str());
        tx.commit(&record).await?;
        Ok(added)
    }

    /// The roster of one court (or of every court the user sees), with open cases.
    pub async fn roster(&self, access: Option<&Access>, court: Option<CourtCode>) -> Result<Vec<RosterLine>, AppError> {
        if let (Some(a), Some(c)) = (access, court)
            && !a.sees_court(c)
        {
            return Err(AppError::Forbidden);
        }
        let court_text = court.map(|c| c.to_string());
        let judges = self.store.judges(court_text.as_deref()).await?;
        let open = self.store.open_cases_by_judge(court_text.as_deref()).await?;
        Ok(judges
            .into_iter()
            .filter(|j| access.is_none_or(|a| CourtCode::parse(&j.court_code).is_some_and(|c| a.sees_court(c))))
            .map(|j| RosterLine {
                open_cases: open.get(&j.judge_id).copied().unwrap_or(0),
                weight: j.weight as f64 / 10_000.0,
                judge_id: j.judge_id,
                name: j.name,
                court: j.court_code,
                department: j.department,
                case_types: j.case_types,
                track: j.track,
                active: j.active,
            })
            .collect())
    }
}

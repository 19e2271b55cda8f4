//! 立案 registration (contract registration.md): a request read field by field (400 when a
//! value cannot be read, 422 when a rule refuses it, 403 outside the user's role or court —
//! nothing written in any case), triaged (繁简分流), numbered (案号: 1 + the last number of the
//! same year, court and type code, under the counter's lock) and assigned (random, series or
//! designated) in ONE transaction with its parties, registration record, assignment record and
//! audit entry; the dataset then counts the case at once.

use serde::{Deserialize, Serialize};
use xiezhi_domain::registration::{TriageInput, is_triaged, track_for, triage};
use xiezhi_domain::{
    Amount, AmountError, CaseFacts, CaseNumber, ClockCase, ClockRecord, CourtCode, Date, Deadline, Flags, Procedure,
    Track, TypeCode, Weight,
};
use xiezhi_store::registration::{NewAssignment, NewRegistration, Party};

use crate::assignment::{AssignmentRequest, Decision, Exclusion, PoolEntry, PoolQuery, Requested, audit_detail};
use crate::error::Refusal;
use crate::{Access, Actor, App, AppError};

/// 当事人诉讼地位 the roles a party may take.
pub const PARTY_ROLES: &[&str] = &[
    "原告",
    "被告",
    "第三人",
    "上诉人",
    "被上诉人",
    "申请人",
    "被申请人",
    "再审申请人",
    "申请执行人",
    "被执行人",
    "案外人",
    "自诉人",
    "被告人",
    "公诉机关",
    "原审原告",
    "原审被告",
    "原审第三人",
];

/// A party as requested.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartyRequest {
    pub role: String,
    pub name: String,
    /// `person` or `organization` (blank = person).
    #[serde(default)]
    pub kind: Option<String>,
}

/// `POST /api/v1/cases`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegistrationRequest {
    pub court: Option<String>,
    pub type_code: Option<String>,
    pub filed_on: Option<String>,
    pub cause: Option<String>,
    /// 标的额: a decimal string (`"35000.00"`) or a number.
    pub claim_amount: Option<serde_json::Value>,
    /// null = the triage result.
    pub procedure: Option<String>,
    /// Why the registrar chose another procedure than triage proposed.
    #[serde(alias = "override_reason", alias = "procedure_override_reason")]
    pub procedure_reason: Option<String>,
    #[serde(default)]
    pub parties: Vec<PartyRequest>,
    pub origin_case_number: Option<String>,
    #[serde(default)]
    pub flags: Vec<String>,
    pub assignment: Option<AssignmentRequest>,
}

/// A request read and checked without the database.
#[derive(Debug, Clone)]
struct Checked {
    court: CourtCode,
    type_code: TypeCode,
    filed_on: Date,
    cause: Option<String>,
    claim: Option<Amount>,
    procedure: Option<Procedure>,
    override_reason: Option<String>,
    parties: Vec<Party>,
    origin: Option<CaseNumber>,
    flags: Flags,
    requested: Requested,
    triage: xiezhi_domain::registration::Triage,
    track: Track,
}

/// The judge assigned, as the response names them.
#[derive(Debug, Clone, Serialize)]
pub struct JudgeRef {
    pub judge_id: String,
    pub name: String,
}

/// An exclusion as the response gives it.
#[derive(Debug, Clone, Serialize)]
pub struct ExcludedRef {
    pub judge_id: String,
    pub name: String,
    pub reason: String,
}

/// The assignment part of the response.
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentSummary {
    pub mode: String,
    pub seed: Option<String>,
    /// The eligible judges after exclusions (工号).
    pub pool: Vec<String>,
    pub excluded: Vec<ExcludedRef>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    pub series_of: Option<String>,
    pub series_fallback: Option<String>,
}

/// A procedure the registrar chose over the proposal, with the reason.
#[derive(Debug, Clone, Serialize)]
pub struct ProcedureOverride {
    pub proposed: Option<String>,
    pub chosen: String,
    pub reason: String,
}

/// The 201 response of a registration.
#[derive(Debug, Clone, Serialize)]
pub struct Registered {
    pub case_number: String,
    pub sequence: i64,
    pub procedure: Option<String>,
    pub track: String,
    pub triage_reasons: Vec<String>,
    pub judge: JudgeRef,
    pub assignment: AssignmentSummary,
    /// 审限届满日 under the deadline rule (None: the type has no statutory limit).
    pub deadline: Option<String>,
    pub court: String,
    pub court_name: Option<String>,
    pub filed_on: String,
    pub procedure_override: Option<ProcedureOverride>,
}

/// One pool member in a preview, with its chance in the next draw.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewJudge {
    pub judge_id: String,
    pub name: String,
    pub weight: String,
    pub open_cases: u32,
    /// Probability in a draw now (0 outside the 填平 band).
    pub chance: f64,
}

/// What registering would do now (nothing written; the number is indicative).
#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub next_case_number: String,
    pub procedure: Option<String>,
    pub proposed_procedure: Option<String>,
    pub track: String,
    pub triage_reasons: Vec<String>,
    pub deadline: Option<String>,
    pub mode: String,
    /// Designated or series: the judge who would be assigned.
    pub judge: Option<JudgeRef>,
    pub pool: Vec<PreviewJudge>,
    pub excluded: Vec<ExcludedRef>,
    pub series_fallback: Option<String>,
}

/// A registered case as shown after saving and printed on the 受理通知书.
#[derive(Debug, Clone)]
pub struct RegistrationView {
    pub facts: CaseFacts,
    pub registration: xiezhi_store::registration::StoredRegistration,
    pub assignment: Option<xiezhi_store::registration::StoredAssignment>,
    pub deadline: Option<Date>,
    pub court_name: Option<String>,
}

fn text(v: &Option<String>) -> &str {
    v.as_deref().map(str::trim).unwrap_or("")
}

/// The 审限届满日 of a new case (no events yet).
pub fn deadline_of(type_code: TypeCode, procedure: Option<Procedure>, filed_on: Date) -> Option<Date> {
    let case = ClockCase {
        type_code,
        procedure,
        filed_on,
        closed_on: None,
        record: ClockRecord::Imported { extension_days: 0, suspended_days: 0 },
    };
    Deadline::compute(&case, filed_on, 0).deadline
}

fn excluded_refs(list: &[Exclusion]) -> Vec<ExcludedRef> {
    list.iter()
        .map(|e| ExcludedRef { judge_id: e.judge_id.clone(), name: e.name.clone(), reason: e.reason.clone() })
        .collect()
}

impl App {
    /// Reads and checks a request: role and court (403), each field (400/422), triage.
    fn check_registration(&self, actor: Actor<'_>, req: &RegistrationRequest) -> Result<Checked, AppError> {
        if let Actor::User(access) = actor
            && !matches!(access.role, crate::Role::Admin | crate::Role::Manager | crate::Role::Registrar)
        {
            return Err(AppError::Forbidden);
        }
        let court_text = text(&req.court);
        if court_text.is_empty() {
            return Err(Refusal::unreadable("court", "", "必填：法院代字（如 粤0106）/ required").into());
        }
        let court = CourtCode::parse(court_text)
            .ok_or_else(|| Refusal::unreadable("court", court_text, "不是法院代字（如 粤0106）/ not a court code"))?;
        if let Actor::User(access) = actor
            && !access.may_register(court)
        {
            return Err(AppError::Forbidden);
        }
        let type_text = text(&req.type_code);
        let type_code = TypeCode::from_text(type_text).ok_or_else(|| {
            Refusal::unreadable(
                "type_code",
                type_text,
                "不是《人民法院案件类型及其代字标准》中的类型代字 / unknown type code",
            )
        })?;
        if !type_code.filable_at(court.level()) {
            return Err(Refusal::unacceptable(
                "type_code",
                type_text,
                &format!(
                    "{court}（{}）不受理{type_code}案件 / this court level does not file this type",
                    level_label(court)
                ),
            )
            .into());
        }
        if type_code.as_str() == "刑核" {
            return Err(Refusal::unacceptable(
                "type_code",
                type_text,
                "刑事复核案件编号为随机八位数，不由本平台顺序编号 / 刑核 numbers are random, not sequential",
            )
            .into());
        }
        let filed_text = text(&req.filed_on);
        if filed_text.is_empty() {
            return Err(Refusal::unreadable("filed_on", "", "必填：立案日期 YYYY-MM-DD / required").into());
        }
        let filed_on = Date::parse_iso(filed_text)
            .map_err(|_| Refusal::unreadable("filed_on", filed_text, "不是有效日期（YYYY-MM-DD）/ not a date"))?;
        let today = self.clock.today();
        if filed_on > today {
            return Err(
                Refusal::unacceptable("filed_on", filed_text, &format!("晚于今天（{today}）/ after today")).into()
            );
        }
        if filed_on.year() < 2016 {
            return Err(Refusal::unacceptable(
                "filed_on",
                filed_text,
                "2016年以前的案号为旧式字第编号，不能登记 / before 2016",
            )
            .into());
        }
        let cause = req.cause.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_owned);
        if cause.as_ref().is_some_and(|c| c.chars().count() > 100) {
            return Err(Refusal::unacceptable("cause", text(&req.cause), "案由不超过100字 / too long").into());
        }
        let claim = match &req.claim_amount {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => {
                let t = match v {
                    serde_json::Value::String(s) => s.trim().to_owned(),
                    serde_json::Value::Number(n) => n.to_string(),
                    other => other.to_string(),
                };
                if t.is_empty() {
                    None
                } else {
                    Some(Amount::parse(&t, false).map_err(|e| match e {
                        AmountError::Negative => AppError::from(Refusal::unacceptable(
                            "claim_amount",
                            &t,
                            "标的额不能为负数 / negative amount",
                        )),
                        _ => {
                            Refusal::unreadable("claim_amount", &t, "不是金额（元，最多4位小数）/ not an amount").into()
                        }
                    })?)
                }
            }
        };
        let given = match text(&req.procedure) {
            "" => None,
            p => Some(Procedure::parse(p).map_err(|_| {
                Refusal::unreadable("procedure", p, "应为普通程序、简易程序、小额诉讼程序、速裁程序或特别程序")
            })?),
        };
        let flags = Flags::parse(&req.flags).map_err(|e| {
            let value = match &e {
                xiezhi_domain::registration::FlagError::Unknown(v)
                | xiezhi_domain::registration::FlagError::BadSeries(v) => v.clone(),
                xiezhi_domain::registration::FlagError::TwoSeries => req.flags.join(","),
            };
            Refusal::unreadable("flags", &value, &e.to_string())
        })?;
        let origin = match text(&req.origin_case_number) {
            "" => None,
            o => Some(CaseNumber::parse(o).map_err(|e| {
                Refusal::unreadable("origin_case_number", o, &format!("不是有效案号 / not a case number: {e}"))
            })?),
        };
        if req.parties.len() > 200 {
            return Err(Refusal::unacceptable("parties", "", "当事人不超过200个 / at most 200 parties").into());
        }
        let mut parties = Vec::with_capacity(req.parties.len());
        for (i, p) in req.parties.iter().enumerate() {
            let field = |f: &str| format!("parties[{i}].{f}");
            let role = p.role.trim();
            if !PARTY_ROLES.contains(&role) {
                return Err(Refusal::unreadable(
                    &field("role"),
                    role,
                    &format!("诉讼地位应为{} / unknown role", PARTY_ROLES.join("、")),
                )
                .into());
            }
            let name = p.name.trim();
            if name.is_empty() {
                return Err(Refusal::unreadable(&field("name"), "", "必填：当事人名称 / required").into());
            }
            if name.chars().count() > 100 || name.chars().any(char::is_control) {
                return Err(Refusal::unacceptable(&field("name"), name, "名称不超过100字、不含控制字符").into());
            }
            let kind = match p.kind.as_deref().map(str::trim).unwrap_or("") {
                "" | "person" | "natural_person" | "自然人" | "个人" => "person",
                "organization" | "organisation" | "legal_person" | "法人" | "非法人组织" | "单位" | "其他组织" => {
                    "organization"
                }
                other => {
                    return Err(Refusal::unreadable(
                        &field("kind"),
                        other,
                        "应为 person（自然人）或 organization（法人/非法人组织）",
                    )
                    .into());
                }
            };
            parties.push(Party { role: role.to_owned(), kind: kind.to_owned(), name: name.to_owned() });
        }
        if type_code.as_str() == "民初" {
            for needed in ["原告", "被告"] {
                if !parties.iter().any(|p| p.role == needed) {
                    return Err(Refusal::unacceptable(
                        "parties",
                        &parties.iter().map(|p| p.role.as_str()).collect::<Vec<_>>().join("、"),
                        &format!("民初案件须有{needed} / a 民初 case needs a {needed}"),
                    )
                    .into());
                }
            }
        }
        let requested = req.assignment.clone().unwrap_or_default().read(&self.config.catalogue)?;
        if let (Requested::Designated { .. }, Actor::User(access)) = (&requested, actor)
            && !access.may_designate(court)
        {
            return Err(AppError::Forbidden);
        }
        let proposal = triage(
            &TriageInput { court, type_code, filed_on, cause: cause.as_deref(), claim_amount: claim, flags: &flags },
            self.config.catalogue.triage(),
            given,
        );
        let triaged = is_triaged(court, type_code);
        let reason = req.procedure_reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        let (procedure, override_reason) = match given {
            Some(p) if triaged && Some(p) != proposal.procedure => {
                let Some(reason) = reason else {
                    return Err(Refusal::unacceptable(
                        "procedure_reason",
                        "",
                        &format!(
                            "分流建议为{}，改为{}须说明理由 / overriding the proposal needs a reason",
                            proposal.procedure.map_or("（无）", Procedure::label),
                            p.label()
                        ),
                    )
                    .into());
                };
                if reason.chars().count() > 500 {
                    return Err(Refusal::unacceptable("procedure_reason", "", "理由不超过500字 / too long").into());
                }
                (Some(p), Some(reason))
            }
            _ => (proposal.procedure, None),
        };
        let track = track_for(court, type_code, procedure, &flags);
        Ok(Checked {
            court,
            type_code,
            filed_on,
            cause,
            claim,
            procedure,
            override_reason,
            parties,
            origin,
            flags,
            requested,
            triage: proposal,
            track,
        })
    }

    /// What registering would do now: triage, the pool with each judge's chance, exclusions,
    /// the indicative next 案号. Writes nothing.
    pub async fn preview_registration(&self, actor: Actor<'_>, req: &RegistrationRequest) -> Result<Preview, AppError> {
        let c = self.check_registration(actor, req)?;
        let mut tx = self.store.begin_write().await?;
        let result = self.preview_in(&mut tx, &c).await;
        tx.rollback().await?;
        result
    }

    async fn preview_in(&self, tx: &mut xiezhi_store::WriteTx, c: &Checked) -> Result<Preview, AppError> {
        if tx.known_court(&c.court.to_string()).await?.is_none() {
            return Err(unknown_court(c.court));
        }
        let year = i64::from(c.filed_on.year());
        let last = self.store.last_case_sequence(year, &c.court.to_string(), c.type_code.as_str()).await?.unwrap_or(0);
        let next = CaseNumber::assigned(year as u16, c.court, c.type_code, u64::try_from(last + 1).unwrap_or(1));
        let names: Vec<String> = c.parties.iter().map(|p| p.name.clone()).collect();
        let q = PoolQuery {
            court: c.court,
            type_code: c.type_code,
            track: c.track,
            origin: c.origin.as_ref(),
            party_names: &names,
            series_of: c.flags.series_of.as_ref(),
            previous: None,
        };
        let pool = crate::assignment::pool(tx, &q).await?;
        let candidates: Vec<xiezhi_domain::assignment::Candidate<'_>> = pool
            .entries
            .iter()
            .map(|e| xiezhi_domain::assignment::Candidate {
                judge_id: &e.judge_id,
                weight: Weight::parse(&e.weight).unwrap_or(Weight::ONE),
                open_cases: e.open_cases,
            })
            .collect();
        let chances = xiezhi_domain::assignment::chances(&candidates).unwrap_or_else(|_| vec![0.0; candidates.len()]);
        // What the decision would be (a designation checked, a series judge found), without a
        // draw: the seed is not taken.
        let decided = crate::assignment::decide(&pool, &c.requested, &q, next.as_str(), [0u8; 32]);
        let (mode, judge, fallback) = match &decided {
            Ok(Decision { judge, record }) if record.mode != crate::assignment::Mode::Random => {
                (record.mode, Some(JudgeRef { judge_id: judge.judge_id.clone(), name: judge.name.clone() }), None)
            }
            Ok(Decision { record, .. }) => (record.mode, None, record.series_fallback.clone()),
            Err(r) => return Err(r.clone().into()),
        };
        Ok(Preview {
            next_case_number: next.as_str().to_owned(),
            procedure: c.procedure.map(|p| p.label().to_owned()),
            proposed_procedure: c.triage.procedure.map(|p| p.label().to_owned()),
            track: c.track.label().to_owned(),
            triage_reasons: c.triage.reasons.clone(),
            deadline: deadline_of(c.type_code, c.procedure, c.filed_on).map(|d| d.to_string()),
            mode: mode.key().to_owned(),
            judge,
            pool: pool
                .entries
                .iter()
                .zip(chances)
                .map(|(e, chance): (&PoolEntry, f64)| PreviewJudge {
                    judge_id: e.judge_id.clone(),
                    name: e.name.clone(),
                    weight: e.weight.clone(),
                    open_cases: e.open_cases,
                    chance,
                })
                .collect(),
            excluded: excluded_refs(&pool.excluded),
            series_fallback: fallback,
        })
    }

    /// 立案: registers a case (see the module). The dataset counts it when this returns.
    pub async fn register_case(&self, actor: Actor<'_>, req: &RegistrationRequest) -> Result<Registered, AppError> {
        let c = self.check_registration(actor, req)?;
        let court_text = c.court.to_string();
        let mut tx = self.store.begin_write().await?;
        let Some(court_name) = tx.known_court(&court_text).await? else {
            tx.rollback().await?;
            return Err(unknown_court(c.court));
        };
        let year = c.filed_on.year();
        let sequence = tx.next_case_sequence(i64::from(year), &court_text, c.type_code.as_str()).await?;
        let number = CaseNumber::assigned(year as u16, c.court, c.type_code, u64::try_from(sequence).unwrap_or(0));
        let names: Vec<String> = c.parties.iter().map(|p| p.name.clone()).collect();
        let q = PoolQuery {
            court: c.court,
            type_code: c.type_code,
            track: c.track,
            origin: c.origin.as_ref(),
            party_names: &names,
            series_of: c.flags.series_of.as_ref(),
            previous: None,
        };
        let pool = match crate::assignment::pool(&mut tx, &q).await {
            Ok(p) => p,
            Err(e) => {
                tx.rollback().await?;
                return Err(e);
            }
        };
        let seed = self.seeds.seed();
        let Decision { judge, mut record } =
            match crate::assignment::decide(&pool, &c.requested, &q, number.as_str(), seed) {
                Ok(d) => d,
                Err(r) => {
                    tx.rollback().await?;
                    return Err(r.into());
                }
            };
        let at = self.clock.timestamp();
        record.time.clone_from(&at);
        record.actor = actor.username().map(str::to_owned);
        let (record_text, hash) = record.to_stored();

        let mut facts = CaseFacts::new(number.clone(), c.filed_on);
        facts.court_name.clone_from(&court_name);
        facts.cause.clone_from(&c.cause);
        facts.procedure = c.procedure;
        if c.type_code.class() == xiezhi_domain::CaseClass::Enforcement {
            facts.applied_amount = c.claim;
        } else {
            facts.claim_amount = c.claim;
        }
        facts.origin_case_number.clone_from(&c.origin);
        facts.judge = Some(judge.name.clone());
        facts.department.clone_from(&judge.department);
        let triage_json = serde_json::json!({
            "rule": c.triage.rule.key(),
            "proposed_procedure": c.triage.procedure.map(Procedure::label),
            "reasons": c.triage.reasons,
            "average_wage": c.triage.wage.map(|w| serde_json::json!({
                "province": w.province.to_string(), "year": w.year, "yuan": w.amount.to_string()
            })),
        });
        let registration = NewRegistration {
            facts: &facts,
            judge_id: &judge.judge_id,
            sequence,
            track: c.track.label(),
            flags: serde_json::to_string(&c.flags.keys()).expect("strings serialise"),
            triage: triage_json.to_string(),
            override_reason: c.override_reason.as_deref(),
            parties: &c.parties,
            registered_by: actor.username(),
            registered_at: &at,
        };
        tx.insert_registered_case(&registration).await?;
        let assignment = NewAssignment {
            judge_id: &judge.judge_id,
            mode: record.mode.key(),
            reason_code: record.reason_code.as_deref(),
            note: record.note.as_deref(),
            record: &record_text,
            actor: actor.username(),
            at: &at,
        };
        let assignment_id = tx.assign(number.as_str(), &assignment).await?;
        let audit = crate::audit_record_at(&at, actor, "case_register").object(number.as_str()).detail(audit_detail(
            assignment_id,
            &record,
            &hash,
        ));
        tx.commit(&audit).await?;
        if let Err(e) = self.refresh().await {
            tracing::warn!("bringing the dataset up to date after a registration: {e}");
        }
        Ok(Registered {
            case_number: number.as_str().to_owned(),
            sequence,
            procedure: c.procedure.map(|p| p.label().to_owned()),
            track: c.track.label().to_owned(),
            triage_reasons: c.triage.reasons.clone(),
            judge: JudgeRef { judge_id: judge.judge_id.clone(), name: judge.name.clone() },
            assignment: AssignmentSummary {
                mode: record.mode.key().to_owned(),
                seed: record.seed.clone(),
                pool: record.pool.iter().map(|e| e.judge_id.clone()).collect(),
                excluded: excluded_refs(&record.excluded),
                reason_code: record.reason_code.clone(),
                note: record.note.clone(),
                series_of: record.series_of.clone(),
                series_fallback: record.series_fallback.clone(),
            },
            deadline: deadline_of(c.type_code, c.procedure, c.filed_on).map(|d| d.to_string()),
            court: court_text,
            court_name,
            filed_on: c.filed_on.to_string(),
            procedure_override: c.override_reason.as_ref().map(|reason| ProcedureOverride {
                proposed: c.triage.procedure.map(|p| p.label().to_owned()),
                chosen: c.procedure.map_or_else(String::new, |p| p.label().to_owned()),
                reason: reason.clone(),
            }),
        })
    }

    /// A registered case the user may see, with its registration and current assignment.
    pub async fn registration_view(&self, access: &Access, number: &str) -> Result<RegistrationView, AppError> {
        let canonical = CaseNumber::parse(number.trim()).map_err(|_| AppError::NotFound)?;
        let record = self.store.case_record(canonical.as_str()).await?.ok_or(AppError::NotFound)?;
        if !access.sees_case(canonical.court(), record.facts.judge.as_deref(), record.judge_id.as_deref()) {
            return Err(AppError::NotFound);
        }
        let registration = self.store.registration_of(canonical.as_str()).await?.ok_or(AppError::NotFound)?;
        let assignment = self.store.assignments_of(canonical.as_str()).await?.into_iter().find(|a| a.current);
        let deadline = deadline_of(canonical.type_code(), record.facts.procedure, record.facts.filed_on);
        let court_name = record.facts.court_name.clone();
        Ok(RegistrationView { facts: record.facts, registration, assignment, deadline, court_name })
    }
}

fn unknown_court(court: CourtCode) -> AppError {
    Refusal::unacceptable(
        "court",
        &court.to_string(),
        "本平台没有该法院（先导入其案件或在法院表中登记）/ unknown court",
    )
    .into()
}

fn level_label(court: CourtCode) -> &'static str {
    match court.level() {
        xiezhi_domain::CourtLevel::Supreme => "最高人民法院",
        xiezhi_domain::CourtLevel::High => "高级人民法院",
        xiezhi_domain::CourtLevel::Intermediate => "中级人民法院",
        xiezhi_domain::CourtLevel::Basic => "基层人民法院",
    }
}

impl App {
    /// 受理通知书 of a registered case the user may see, as DOCX (audited `case_notice`).
    pub async fn acceptance_notice(&self, access: &Access, number: &str) -> Result<(String, Vec<u8>), AppError> {
        let view = self.registration_view(access, number).await?;
        let notice = xiezhi_report::notice::Notice {
            court_name: view
                .court_name
                .clone()
                .unwrap_or_else(|| view.facts.case_number.court().map(|c| c.to_string()).unwrap_or_default()),
            case_number: view.facts.case_number.as_str().to_owned(),
            filed_on: view.facts.filed_on,
            cause: view.facts.cause.clone(),
            procedure: view.facts.procedure.map(|p| p.label().to_owned()),
            judge_name: view.facts.judge.clone().unwrap_or_default(),
            department: view.facts.department.clone(),
            parties: view.registration.parties.iter().map(|p| (p.role.clone(), p.name.clone())).collect(),
            issued_on: view.facts.filed_on,
        };
        let bytes = xiezhi_report::notice::write_notice(&notice, &xiezhi_report::docx::DocxFonts::default())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.audit(&self.audit_record(Actor::User(access), "case_notice").object(view.facts.case_number.as_str()))
            .await?;
        Ok((format!("受理案件通知书{}.docx", view.facts.case_number), bytes))
    }
}

/// A JSON field read as text: a string (trimmed), or None for null/absent; anything else is
/// refused naming the field.
fn json_text(v: &serde_json::Value, field: &str) -> Result<Option<String>, Refusal> {
    match v.get(field) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Refusal::unreadable(field, &other.to_string(), "应为文本 / must be a string")),
    }
}

impl AssignmentRequest {
    /// Reads the `assignment` object of a JSON request, naming a field of the wrong type.
    pub fn from_json(v: &serde_json::Value, prefix: &str) -> Result<AssignmentRequest, Refusal> {
        if !v.is_object() {
            return Err(Refusal::unreadable(prefix, &v.to_string(), "应为对象 {\"mode\": …} / must be an object"));
        }
        let field =
            |f: &str| json_text(v, f).map_err(|r| Refusal::unreadable(&format!("{prefix}.{f}"), &r.value, &r.reason));
        Ok(AssignmentRequest {
            mode: field("mode")?,
            judge_id: field("judge_id")?,
            reason_code: field("reason_code")?,
            note: field("note")?,
        })
    }
}

impl RegistrationRequest {
    /// Reads a JSON request body field by field, so that a value of the wrong type is refused
    /// naming its field (400).
    pub fn from_json(v: &serde_json::Value) -> Result<RegistrationRequest, Refusal> {
        if !v.is_object() {
            return Err(Refusal::unreadable("body", "", "请求体应为JSON对象 / the body must be a JSON object"));
        }
        let claim_amount = match v.get("claim_amount") {
            None | Some(serde_json::Value::Null) => None,
            Some(x @ (serde_json::Value::String(_) | serde_json::Value::Number(_))) => Some(x.clone()),
            Some(other) => {
                return Err(Refusal::unreadable(
                    "claim_amount",
                    &other.to_string(),
                    "应为金额文本或数字 / must be a decimal",
                ));
            }
        };
        let parties = match v.get("parties") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let field = |f: &str| {
                        json_text(p, f)
                            .map_err(|r| Refusal::unreadable(&format!("parties[{i}].{f}"), &r.value, &r.reason))
                    };
                    if !p.is_object() {
                        return Err(Refusal::unreadable(
                            &format!("parties[{i}]"),
                            &p.to_string(),
                            "应为对象 / must be an object",
                        ));
                    }
                    Ok(PartyRequest {
                        role: field("role")?.unwrap_or_default(),
                        name: field("name")?.unwrap_or_default(),
                        kind: field("kind")?,
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(Refusal::unreadable("parties", &other.to_string(), "应为数组 / must be an array"));
            }
        };
        let flags = match v.get("flags") {
            None | Some(serde_json::Value::Null) => Vec::new(),
            Some(serde_json::Value::Array(list)) => list
                .iter()
                .map(|f| match f {
                    serde_json::Value::String(s) => Ok(s.clone()),
                    other => Err(Refusal::unreadable("flags", &other.to_string(), "标记应为文本 / flags are strings")),
                })
                .collect::<Result<_, _>>()?,
            Some(other) => return Err(Refusal::unreadable("flags", &other.to_string(), "应为数组 / must be an array")),
        };
        let assignment = match v.get("assignment") {
            None | Some(serde_json::Value::Null) => None,
            Some(a) => Some(AssignmentRequest::from_json(a, "assignment")?),
        };
        let reason = match json_text(v, "procedure_reason")? {
            Some(r) => Some(r),
            None => match json_text(v, "override_reason")? {
                Some(r) => Some(r),
                None => json_text(v, "procedure_override_reason")?,
            },
        };
        Ok(RegistrationRequest {
            court: json_text(v, "court")?,
            type_code: json_text(v, "type_code")?,
            filed_on: json_text(v, "filed_on")?,
            cause: json_text(v, "cause")?,
            claim_amount,
            procedure: json_text(v, "procedure")?,
            procedure_reason: reason,
            parties,
            origin_case_number: json_text(v, "origin_case_number")?,
            flags,
            assignment,
        })
    }
}

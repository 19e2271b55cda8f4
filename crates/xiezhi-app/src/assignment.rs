//! 分案 assignment use cases: the pool of a case (roster judges of its court who take its type
//! code and track), recusal (回避: the judges of the origin chain, declared conflicts with a
//! party, the judge a reassignment moves away from), series cases, designation, the random draw
//! ([`xiezhi_domain::assignment::draw`]) from a seed of the operating system's CSPRNG, the full
//! record written beside each assignment, reassignment with history, replay
//! (`xiezhi assignment verify`), and the 指定分案占比 statistics.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use xiezhi_domain::assignment::{Candidate, DRAW_ALGORITHM, draw, parse_seed, seed_hex};
use xiezhi_domain::{CaseNumber, CourtCode, Track, TrackSet, TypeCode, Weight};
use xiezhi_store::WriteTx;
use xiezhi_store::judges::RosterJudge;

use crate::error::Refusal;
use crate::{Access, Actor, App, AppError};

/// Where draws get their seeds.
pub trait SeedSource: Send + Sync + 'static {
    fn seed(&self) -> [u8; 32];
}

/// The operating system's CSPRNG (getrandom): the seed source of the product.
#[derive(Debug, Clone, Copy, Default)]
pub struct OsSeeds;

impl SeedSource for OsSeeds {
    fn seed(&self) -> [u8; 32] {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("the operating system provides random bytes");
        seed
    }
}

/// How a judge came to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// 随机分案.
    Random,
    /// 指定分案 (by a manager, with a reason code).
    Designated,
    /// 系列/关联案件: the related case's judge.
    Series,
}

impl Mode {
    pub fn key(self) -> &'static str {
        match self {
            Mode::Random => "random",
            Mode::Designated => "designated",
            Mode::Series => "series",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Mode::Random => "随机分案",
            Mode::Designated => "指定分案",
            Mode::Series => "系列案件随案",
        }
    }

    pub fn parse(key: &str) -> Option<Mode> {
        [Mode::Random, Mode::Designated, Mode::Series].into_iter().find(|m| m.key() == key)
    }
}

/// The `assignment` object of a registration or reassignment request.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssignmentRequest {
    /// `random` or `designated`.
    pub mode: Option<String>,
    pub judge_id: Option<String>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
}

/// A request read: random, or a designation with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Requested {
    Random,
    Designated { judge_id: String, reason_code: String, note: Option<String> },
}

impl AssignmentRequest {
    /// Reads the request (the catalogue's reason codes decide which codes exist).
    pub(crate) fn read(&self, catalogue: &xiezhi_metrics::Catalogue) -> Result<Requested, Refusal> {
        let mode = self.mode.as_deref().map(str::trim).unwrap_or("random");
        match mode {
            "random" | "" => Ok(Requested::Random),
            "designated" => {
                let judge_id = self.judge_id.as_deref().map(str::trim).unwrap_or("");
                if judge_id.is_empty() {
                    return Err(Refusal::unreadable(
                        "assignment.judge_id",
                        "",
                        "指定分案须填写法官工号 / judge_id required",
                    ));
                }
                let code = self.reason_code.as_deref().map(str::trim).unwrap_or("");
                if code.is_empty() {
                    return Err(Refusal::unreadable(
                        "assignment.reason_code",
                        "",
                        "指定分案须选择理由 / a designation needs a reason code",
                    ));
                }
                let Some(reason) = catalogue.reason_code(code) else {
                    let list: Vec<&str> = catalogue.reason_codes().iter().map(|c| c.code.as_str()).collect();
                    return Err(Refusal::unacceptable(
                        "assignment.reason_code",
                        code,
                        &format!("不是指定分案理由之一（{}）/ not a configured reason code", list.join("、")),
                    ));
                };
                let note = self.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
                if reason.needs_note && note.is_none() {
                    return Err(Refusal::unacceptable(
                        "assignment.note",
                        "",
                        &format!("理由为“{}”时须填写说明 / this reason code needs a note", reason.code),
                    ));
                }
                if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
                    return Err(Refusal::unacceptable("assignment.note", "", "说明不超过500字 / note too long"));
                }
                Ok(Requested::Designated { judge_id: judge_id.to_owned(), reason_code: reason.code.clone(), note })
            }
            "series" => Err(Refusal::unacceptable(
                "assignment.mode",
                mode,
                "系列案件随案分配由立案标记 series_of 决定，不能直接请求 / set the series_of flag instead",
            )),
            other => Err(Refusal::unreadable("assignment.mode", other, "应为 random 或 designated")),
        }
    }
}

/// One pool member as recorded: weight and open cases at draw time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolEntry {
    pub judge_id: String,
    pub name: String,
    /// 办案系数, e.g. `1`, `0.5`.
    pub weight: String,
    pub open_cases: u32,
}

/// A judge left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusion {
    pub judge_id: String,
    pub name: String,
    pub reason: String,
}

/// 分案记录 everything needed to replay an assignment, stored as JSON beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRecord {
    pub algorithm: String,
    pub mode: Mode,
    /// `YYYY-MM-DD HH:MM:SS` (CST).
    pub time: String,
    /// The account that made it (None: the command line).
    pub actor: Option<String>,
    pub case_number: String,
    pub court: String,
    pub type_code: String,
    pub track: String,
    /// The eligible judges after exclusions, by 工号.
    pub pool: Vec<PoolEntry>,
    pub excluded: Vec<Exclusion>,
    /// Random draws: the band the draw chose from (填平), by 工号.
    #[serde(default)]
    pub band: Vec<String>,
    /// Random draws: the 32-byte seed, hex.
    pub seed: Option<String>,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    /// Series: the related case.
    pub series_of: Option<String>,
    /// Why a series case was drawn at random instead (its judge recused or gone).
    pub series_fallback: Option<String>,
    /// Reassignments: the judge the case moved from.
    pub previous_judge_id: Option<String>,
    /// The judge assigned (工号).
    pub result: String,
}

impl AssignmentRecord {
    /// The record as stored (compact JSON) and its SHA-256 (hex), which the audit entry keeps.
    pub fn to_stored(&self) -> (String, String) {
        let text = serde_json::to_string(self).expect("records serialise");
        let hash = sha256_hex(&text);
        (text, hash)
    }
}

pub(crate) fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a case needs for its pool.
pub(crate) struct PoolQuery<'a> {
    pub court: CourtCode,
    pub type_code: TypeCode,
    pub track: Track,
    pub origin: Option<&'a CaseNumber>,
    pub party_names: &'a [String],
    pub series_of: Option<&'a CaseNumber>,
    /// Reassignment: the judge to move away from.
    pub previous: Option<&'a str>,
}

/// The pool of a case with its exclusions (read inside the writing transaction).
pub(crate) struct Pool {
    /// Active judges of the court, by 工号.
    pub roster: Vec<RosterJudge>,
    /// Eligible after exclusions.
    pub entries: Vec<PoolEntry>,
    pub excluded: Vec<Exclusion>,
    /// 工号 → why excluded (also judges outside the type/track pool: a designation is checked
    /// against it).
    pub recused: HashMap<String, String>,
    /// The series case's judge, if any (its 工号, and its name for messages).
    pub series_judge: Option<(Option<String>, Option<String>)>,
}

fn weight_of(j: &RosterJudge) -> Weight {
    Weight::from_ten_thousandths(u32::try_from(j.weight).unwrap_or(0)).unwrap_or(Weight::ONE)
}

/// Builds the pool of a case: the roster's active judges of its court who take its type code
/// and track, less the recused (the judges of every case in the origin chain — by 工号, or by
/// name in that case's court where the case has no 工号 —, judges with a declared conflict
/// with a party, the previous judge of a reassignment).
pub(crate) async fn pool(tx: &mut WriteTx, q: &PoolQuery<'_>) -> Result<Pool, AppError> {
    let court = q.court.to_string();
    let roster = tx.active_judges(&court).await?;
    let mut recused: HashMap<String, String> = HashMap::new();
    let mut note = |id: &str, reason: String| {
        recused.entry(id.to_owned()).or_insert(reason);
    };
    // The origin chain: the origin, its origin, … (a loop in the data ends the walk).
    let mut next = q.origin.map(|n| n.as_str().to_owned());
    let mut seen = HashSet::new();
    while let Some(number) = next.take() {
        if !seen.insert(number.clone()) || seen.len() > 32 {
            break;
        }
        let Some(case) = tx.linked_case(&number).await? else { break };
        let reason = format!("曾承办本案前序案件{}（回避）", case.case_number);
        match (&case.judge_id, &case.judge) {
            (Some(id), _) => note(id, reason),
            (None, Some(name)) => {
                for j in roster.iter().filter(|j| Some(&j.court_code) == case.court_code.as_ref() && &j.name == name) {
                    note(&j.judge_id, reason.clone());
                }
            }
            (None, None) => {}
        }
        next = case.origin_case_number;
    }
    for (judge_id, party) in tx.conflicts_with(q.party_names).await? {
        note(&judge_id, format!("与当事人“{party}”有申报的回避事由"));
    }
    if let Some(previous) = q.previous {
        note(previous, "原承办法官，调整分案时不再分配".to_owned());
    }
    let series_judge = match q.series_of {
        Some(number) => {
            let case = tx.linked_case(number.as_str()).await?.ok_or_else(|| {
                Refusal::unacceptable(
                    "flags",
                    &format!("series_of:{number}"),
                    "系列/关联案件不存在于本平台 / the related case is not in the platform",
                )
            })?;
            Some((case.judge_id, case.judge))
        }
        None => None,
    };
    let eligible: Vec<&RosterJudge> = roster
        .iter()
        .filter(|j| {
            j.case_types.iter().any(|t| t == q.type_code.as_str())
                && TrackSet::parse(&j.track).unwrap_or(TrackSet::Both).admits(q.track)
        })
        .collect();
    let excluded: Vec<Exclusion> = eligible
        .iter()
        .filter_map(|j| {
            recused.get(&j.judge_id).map(|r| Exclusion {
                judge_id: j.judge_id.clone(),
                name: j.name.clone(),
                reason: r.clone(),
            })
        })
        .collect();
    let members: Vec<&RosterJudge> = eligible.into_iter().filter(|j| !recused.contains_key(&j.judge_id)).collect();
    let ids: Vec<String> = members.iter().map(|j| j.judge_id.clone()).collect();
    let open = tx.open_cases(&ids).await?;
    let entries = members
        .iter()
        .map(|j| PoolEntry {
            judge_id: j.judge_id.clone(),
            name: j.name.clone(),
            weight: weight_of(j).to_string(),
            open_cases: u32::try_from(open.get(&j.judge_id).copied().unwrap_or(0)).unwrap_or(u32::MAX),
        })
        .collect();
    Ok(Pool { roster, entries, excluded, recused, series_judge })
}

/// What deciding an assignment gives.
pub(crate) struct Decision {
    pub judge: RosterJudge,
    pub record: AssignmentRecord,
}

/// Decides the judge: a designation (checked: active judge of the court, not recused), the
/// series case's judge (unless recused or gone: then a draw, with the reason recorded), or a
/// draw from the pool with a fresh seed. The record is complete but for `time` and `actor`,
/// which the caller sets.
pub(crate) fn decide(
    pool: &Pool,
    requested: &Requested,
    q: &PoolQuery<'_>,
    case_number: &str,
    seed: [u8; 32],
) -> Result<Decision, Refusal> {
    let mut record = AssignmentRecord {
        algorithm: DRAW_ALGORITHM.to_owned(),
        mode: Mode::Random,
        time: String::new(),
        actor: None,
        case_number: case_number.to_owned(),
        court: q.court.to_string(),
        type_code: q.type_code.as_str().to_owned(),
        track: q.track.label().to_owned(),
        pool: pool.entries.clone(),
        excluded: pool.excluded.clone(),
        band: Vec::new(),
        seed: None,
        reason_code: None,
        note: None,
        series_of: q.series_of.map(|n| n.as_str().to_owned()),
        series_fallback: None,
        previous_judge_id: q.previous.map(str::to_owned),
        result: String::new(),
    };
    let find = |id: &str| pool.roster.iter().find(|j| j.judge_id == id).cloned();
    if let Requested::Designated { judge_id, reason_code, note } = requested {
        let judge = find(judge_id).ok_or_else(|| {
            Refusal::unacceptable(
                "assignment.judge_id",
                judge_id,
                &format!("不是{}在岗的员额法官 / not an active roster judge of this court", q.court),
            )
        })?;
        if let Some(reason) = pool.recused.get(judge_id) {
            return Err(Refusal::unacceptable("assignment.judge_id", judge_id, &format!("该法官须回避：{reason}")));
        }
        record.mode = Mode::Designated;
        record.reason_code = Some(reason_code.clone());
        record.note.clone_from(note);
        record.result.clone_from(&judge.judge_id);
        return Ok(Decision { judge, record });
    }
    if let Some((series_id, series_name)) = &pool.series_judge {
        let fallback = match series_id {
            Some(id) => match (find(id), pool.recused.get(id)) {
                (Some(judge), None) => {
                    record.mode = Mode::Series;
                    record.result.clone_from(&judge.judge_id);
                    return Ok(Decision { judge, record });
                }
                (Some(_), Some(reason)) => format!("关联案件承办法官（{id}）须回避：{reason}，改为随机分案"),
                (None, _) => format!("关联案件承办法官（{id}）不是本院在岗员额法官，改为随机分案"),
            },
            None => format!(
                "关联案件承办人{}未关联名册工号，改为随机分案",
                series_name.as_deref().map(|n| format!("“{n}”")).unwrap_or_default()
            ),
        };
        record.series_fallback = Some(fallback);
    }
    let candidates: Vec<Candidate<'_>> = pool
        .entries
        .iter()
        .map(|e| Candidate {
            judge_id: &e.judge_id,
            weight: Weight::parse(&e.weight).unwrap_or(Weight::ONE),
            open_cases: e.open_cases,
        })
        .collect();
    let drawn = draw(&candidates, &seed).map_err(|_| {
        let excluded: Vec<String> = pool.excluded.iter().map(|e| format!("{}（{}）", e.judge_id, e.reason)).collect();
        Refusal::unacceptable(
            "assignment",
            "random",
            &if excluded.is_empty() {
                format!("{}没有办理{}（{}案）的在岗员额法官，无法随机分案；请先维护名册", q.court, q.type_code, q.track)
            } else {
                format!(
                    "{}办理{}（{}案）的法官均须回避，无法随机分案：{}",
                    q.court,
                    q.type_code,
                    q.track,
                    excluded.join("；")
                )
            },
        )
    })?;
    let chosen = &pool.entries[drawn.chosen];
    record.band = drawn.band.iter().map(|&i| pool.entries[i].judge_id.clone()).collect();
    record.seed = Some(seed_hex(&seed));
    record.result.clone_from(&chosen.judge_id);
    let judge = find(&chosen.judge_id).expect("pool members are on the roster");
    Ok(Decision { judge, record })
}

/// Why a stored assignment does not replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub case_number: String,
    pub assignment_id: i64,
    pub problem: String,
}

/// What `xiezhi assignment verify` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    pub checked: u64,
    pub mismatches: Vec<Mismatch>,
}

/// Replays one stored assignment: the record parses, names the case and judge stored, its
/// hash is the one its audit entry kept, and a random draw gives its result again.
pub(crate) fn replay(a: &xiezhi_store::registration::StoredAssignment, audited: Option<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    let record: AssignmentRecord = match serde_json::from_str(&a.record) {
        Ok(r) => r,
        Err(e) => return vec![format!("分案记录无法解析 / the record does not parse: {e}")],
    };
    match audited {
        Some(hash) if hash == sha256_hex(&a.record) => {}
        Some(_) => problems
            .push("分案记录与审计日志中的摘要不符（记录被改动）/ the record differs from its audited hash".into()),
        None => problems.push("审计日志中没有该分案的记录 / no audit entry for this assignment".into()),
    }
    if record.case_number != a.case_number {
        problems.push(format!("记录的案号为{}，与案件不符 / the record names another case", record.case_number));
    }
    if record.result != a.judge_id {
        problems.push(format!(
            "记录的分案结果为{}，案件分配给{} / the record's result is not the judge stored",
            record.result, a.judge_id
        ));
    }
    if record.mode.key() != a.mode {
        problems.push(format!("记录的方式为{}，存储为{} / mode differs", record.mode.key(), a.mode));
    }
    if record.excluded.iter().any(|e| e.judge_id == record.result) {
        problems.push(format!("分案结果{}在回避名单中 / the result is a recused judge", record.result));
    }
    if record.mode == Mode::Random {
        if record.algorithm != DRAW_ALGORITHM {
            problems.push(format!("未知的分案算法 {} / unknown algorithm", record.algorithm));
            return problems;
        }
        let Some(seed) = record.seed.as_deref().and_then(parse_seed) else {
            problems.push("随机分案记录缺少有效种子 / no valid seed".into());
            return problems;
        };
        let weights: Result<Vec<Weight>, _> = record.pool.iter().map(|e| Weight::parse(&e.weight)).collect();
        let Ok(weights) = weights else {
            problems.push("法官池中有无效的办案系数 / a pool weight does not parse".into());
            return problems;
        };
        let candidates: Vec<Candidate<'_>> = record
            .pool
            .iter()
            .zip(&weights)
            .map(|(e, w)| Candidate { judge_id: &e.judge_id, weight: *w, open_cases: e.open_cases })
            .collect();
        match draw(&candidates, &seed) {
            Ok(d) => {
                let replayed = &record.pool[d.chosen].judge_id;
                if *replayed != record.result {
                    problems.push(format!(
                        "重放抽签结果为{replayed}，记录为{} / the draw replays to another judge",
                        record.result
                    ));
                }
                let band: Vec<&str> = d.band.iter().map(|&i| record.pool[i].judge_id.as_str()).collect();
                if band != record.band.iter().map(String::as_str).collect::<Vec<_>>() {
                    problems.push("重放的填平范围与记录不符 / the band differs".into());
                }
            }
            Err(e) => problems.push(format!("无法重放抽签：{e}")),
        }
    }
    problems
}

/// The audit entry's detail for an assignment: its id, mode, judge and the record's hash.
pub(crate) fn audit_detail(assignment_id: i64, record: &AssignmentRecord, hash: &str) -> String {
    format!("assignment #{assignment_id} {} {} sha256 {hash}", record.mode.key(), record.result)
}

/// The assignment id and record hash an audit detail names.
fn audited_hash(detail: &str) -> Option<(i64, String)> {
    let rest = detail.split("assignment #").nth(1)?;
    let id: i64 = rest.split_whitespace().next()?.parse().ok()?;
    let hash = rest.split("sha256 ").nth(1)?.split_whitespace().next()?.to_owned();
    Some((id, hash))
}

/// 指定分案占比 of one court (and month, when by month).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignmentStats {
    pub court: String,
    /// `YYYY-MM`, or None for the whole period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<String>,
    pub random: i64,
    pub designated: i64,
    pub series: i64,
    /// designated / (random + designated + series); None when there were none.
    pub designated_share: Option<f64>,
}

impl AssignmentStats {
    fn new(court: String, month: Option<String>) -> AssignmentStats {
        AssignmentStats { court, month, random: 0, designated: 0, series: 0, designated_share: None }
    }

    fn add(&mut self, mode: &str, n: i64) {
        match mode {
            "random" => self.random += n,
            "designated" => self.designated += n,
            "series" => self.series += n,
            _ => {}
        }
        let total = self.random + self.designated + self.series;
        self.designated_share = (total > 0).then(|| self.designated as f64 / total as f64);
    }
}

/// One assignment as listed.
#[derive(Debug, Clone)]
pub struct AssignmentLine {
    pub stored: xiezhi_store::registration::StoredAssignment,
    pub record: Option<AssignmentRecord>,
    /// Problems replay found (empty: it replays).
    pub problems: Vec<String>,
}

impl App {
    /// Replays assignments — every one (`numbers` empty) or those of the given cases — and
    /// lists each mismatch. Read-only.
    pub async fn verify_assignments(&self, numbers: &[String]) -> Result<Verification, AppError> {
        let assignments = if numbers.is_empty() {
            self.store.all_assignments().await?
        } else {
            let mut all = Vec::new();
            for n in numbers {
                let canonical = CaseNumber::parse(n.trim())
                    .map_err(|e| AppError::BadRequest(format!("案号“{n}”无法识别 / not a case number: {e}")))?;
                let found = self.store.assignments_of(canonical.as_str()).await?;
                if found.is_empty() {
                    return Err(AppError::BadRequest(format!("{canonical} 没有分案记录 / no assignment recorded")));
                }
                all.extend(found);
            }
            all
        };
        let hashes = self.audited_hashes().await?;
        let mut out = Verification::default();
        for a in &assignments {
            out.checked += 1;
            for problem in replay(a, hashes.get(&a.id).map(String::as_str)) {
                out.mismatches.push(Mismatch { case_number: a.case_number.clone(), assignment_id: a.id, problem });
            }
        }
        Ok(out)
    }

    async fn audited_hashes(&self) -> Result<HashMap<i64, String>, AppError> {
        let entries = self.store.audit_entries_with_actions(&["case_register", "case_reassign"]).await?;
        Ok(entries.iter().filter_map(|e| e.detail.as_deref().and_then(audited_hash)).collect())
    }

    /// 分案记录 assignments the user may see (managers: their courts; admins: all), newest first,
    /// each with its replay status; and the total.
    pub async fn assignment_lines(
        &self,
        access: &Access,
        from: Option<&str>,
        to: Option<&str>,
        mode: Option<Mode>,
        page: (i64, i64),
    ) -> Result<(Vec<AssignmentLine>, i64), AppError> {
        let prefixes = court_prefixes(access)?;
        let filter = xiezhi_store::registration::AssignmentFilter {
            court_prefixes: &prefixes,
            from,
            to,
            mode: mode.map(Mode::key),
            limit: page.1,
            offset: page.0,
        };
        let (stored, total) = self.store.assignments(&filter).await?;
        let hashes = self.audited_hashes().await?;
        let lines = stored
            .into_iter()
            .filter(|a| a.court_code.as_deref().and_then(CourtCode::parse).is_some_and(|c| access.sees_court(c)))
            .map(|a| {
                let problems = replay(&a, hashes.get(&a.id).map(String::as_str));
                let record = serde_json::from_str(&a.record).ok();
                AssignmentLine { stored: a, record, problems }
            })
            .collect();
        Ok((lines, total))
    }

    /// Every assignment of one case the user may see, oldest first, with replay status.
    pub async fn assignment_history(&self, access: &Access, number: &str) -> Result<Vec<AssignmentLine>, AppError> {
        let canonical = CaseNumber::parse(number.trim()).map_err(|_| AppError::NotFound)?;
        if !canonical.court().is_some_and(|c| access.sees_court(c)) {
            return Err(AppError::NotFound);
        }
        let stored = self.store.assignments_of(canonical.as_str()).await?;
        let hashes = self.audited_hashes().await?;
        Ok(stored
            .into_iter()
            .map(|a| {
                let problems = replay(&a, hashes.get(&a.id).map(String::as_str));
                let record = serde_json::from_str(&a.record).ok();
                AssignmentLine { stored: a, record, problems }
            })
            .collect())
    }

    /// 指定分案占比: assignments made from `from` to `to` (inclusive) per court the user may see,
    /// for the whole period and per month.
    pub async fn assignment_stats(
        &self,
        access: &Access,
        from: &str,
        to: &str,
    ) -> Result<(Vec<AssignmentStats>, Vec<AssignmentStats>), AppError> {
        if !access.is_admin() && access.role != crate::Role::Manager {
            return Err(AppError::Forbidden);
        }
        let counts = self.store.assignment_counts(from, to).await?;
        let mut whole: BTreeMap<String, AssignmentStats> = BTreeMap::new();
        let mut monthly: BTreeMap<(String, String), AssignmentStats> = BTreeMap::new();
        for c in counts {
            if !CourtCode::parse(&c.court_code).is_some_and(|code| access.sees_court(code)) {
                continue;
            }
            whole
                .entry(c.court_code.clone())
                .or_insert_with(|| AssignmentStats::new(c.court_code.clone(), None))
                .add(&c.mode, c.count);
            monthly
                .entry((c.court_code.clone(), c.month.clone()))
                .or_insert_with(|| AssignmentStats::new(c.court_code.clone(), Some(c.month.clone())))
                .add(&c.mode, c.count);
        }
        Ok((whole.into_values().collect(), monthly.into_values().collect()))
    }

    /// 调整分案 reassigns a case (a manager of its court, or an admin): at random (the current
    /// judge recused from the draw) or by designation with a reason code. The earlier
    /// assignment stays as history; one transaction with its audit entry.
    pub async fn reassign(
        &self,
        actor: Actor<'_>,
        number: &str,
        request: &AssignmentRequest,
    ) -> Result<Assigned, AppError> {
        let canonical = CaseNumber::parse(number.trim()).map_err(|_| AppError::NotFound)?;
        let court = canonical.court().ok_or(AppError::NotFound)?;
        if let Actor::User(access) = actor {
            if !access.sees_court(court) {
                return Err(AppError::NotFound);
            }
            if !access.may_designate(court) {
                return Err(AppError::Forbidden);
            }
        }
        let requested = request.read(&self.config.catalogue)?;
        let mut tx = self.store.begin_write().await?;
        let Some(case) = tx.linked_case(canonical.as_str()).await? else {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        };
        let current = tx.current_assignment(canonical.as_str()).await?;
        let parties = tx.parties_of(canonical.as_str()).await?;
        let names: Vec<String> = parties.iter().map(|p| p.name.clone()).collect();
        let record_of_case = self.store.registration_of(canonical.as_str()).await?;
        let track = record_of_case.as_ref().and_then(|r| Track::parse(&r.track)).unwrap_or(Track::Complex);
        let origin = case.origin_case_number.as_deref().and_then(|o| CaseNumber::parse(o).ok());
        let previous = current.as_ref().map(|c| c.judge_id.clone()).or(case.judge_id.clone());
        let q = PoolQuery {
            court,
            type_code: canonical.type_code(),
            track,
            origin: origin.as_ref(),
            party_names: &names,
            series_of: None,
            previous: previous.as_deref(),
        };
        let pool = pool(&mut tx, &q).await?;
        let seed = self.seeds.seed();
        let mut decision = match decide(&pool, &requested, &q, canonical.as_str(), seed) {
            Ok(d) => d,
            Err(r) => {
                tx.rollback().await?;
                return Err(r.into());
            }
        };
        let at = self.clock.timestamp();
        decision.record.time.clone_from(&at);
        decision.record.actor = actor.username().map(str::to_owned);
        let (text, hash) = decision.record.to_stored();
        let new = xiezhi_store::registration::NewAssignment {
            judge_id: &decision.judge.judge_id,
            mode: decision.record.mode.key(),
            reason_code: decision.record.reason_code.as_deref(),
            note: decision.record.note.as_deref(),
            record: &text,
            actor: actor.username(),
            at: &at,
        };
        let id = tx.assign(canonical.as_str(), &new).await?;
        let audit = crate::audit_record_at(&at, actor, "case_reassign")
            .object(canonical.as_str())
            .detail(audit_detail(id, &decision.record, &hash));
        tx.commit(&audit).await?;
        if let Err(e) = self.refresh().await {
            tracing::warn!("bringing the dataset up to date after a reassignment: {e}");
        }
        Ok(Assigned {
            assignment_id: id,
            judge_id: decision.judge.judge_id,
            judge_name: decision.judge.name,
            record: decision.record,
        })
    }
}

/// An assignment made.
#[derive(Debug, Clone)]
pub struct Assigned {
    pub assignment_id: i64,
    pub judge_id: String,
    pub judge_name: String,
    pub record: AssignmentRecord,
}

/// The court-code prefixes a user's listings cover (admins: all).
fn court_prefixes(access: &Access) -> Result<Vec<String>, AppError> {
    use xiezhi_domain::CourtLevel;
    if access.is_admin() {
        return Ok(Vec::new());
    }
    if access.role != crate::Role::Manager {
        return Err(AppError::Forbidden);
    }
    let court = access.court.ok_or(AppError::Forbidden)?;
    Ok(vec![match court.level() {
        CourtLevel::High => court.province().map(String::from).unwrap_or_default(),
        _ => court.to_string(),
    }])
}

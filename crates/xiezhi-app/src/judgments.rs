//! 类案库 and 类案推送: the judgments a court imports (`xiezhi judgments import`), and the
//! cases most like a text among them and the guiding cases shipped with the statutes.

use std::path::{Path, PathBuf};

use xiezhi_legal::similar::{Frequencies, Profile, score, why};
use xiezhi_store::judgments::{Judgment, Upserted};

use crate::dossier::extract_text;
use crate::{Actor, App, AppError};

/// The authority tiers, highest first (contract: 指导性案例 > 参考案例/典型案例 >
/// 本院/上级法院生效裁判 > 其他).
pub const TIERS: [&str; 5] = ["指导性案例", "参考案例", "典型案例", "本院或上级法院生效裁判", "其他"];

/// The rank of a tier (0 highest); 参考案例 and 典型案例 share one.
pub fn tier_rank(tier: &str) -> usize {
    match tier {
        "指导性案例" => 0,
        "参考案例" | "典型案例" => 1,
        "本院或上级法院生效裁判" | "本院生效裁判" | "上级法院生效裁判" => 2,
        _ => 3,
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JudgmentImport {
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
}

/// One similar case.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarCase {
    pub id: String,
    pub title: Option<String>,
    pub case_number: Option<String>,
    pub court: Option<String>,
    pub tier: String,
    pub score: f64,
    pub why: Vec<String>,
}

fn sha(text: &str) -> String {
    crate::dossier::sha256_hex(text.as_bytes())
}

/// The tier a document's title suggests (a 指导案例 says so in its title).
fn tier_of(title: &str, given: Option<&str>) -> String {
    if let Some(t) = given.filter(|t| !t.trim().is_empty()) {
        return t.trim().to_owned();
    }
    if title.contains("指导案例") || title.contains("指导性案例") {
        "指导性案例".to_owned()
    } else if title.contains("参考案例") {
        "参考案例".to_owned()
    } else if title.contains("典型案例") {
        "典型案例".to_owned()
    } else {
        "其他".to_owned()
    }
}

/// The 案号 in a text (the first one), canonical.
fn case_number_in(text: &str) -> Option<String> {
    xiezhi_legal::cite(text, &xiezhi_legal::LawNames::new([]), None)
        .case_numbers
        .into_iter()
        .next()
        .map(|c| c.canonical)
}

/// Reads the judgments of one file: `.txt`, `.docx` (one each; the id is the file name) or
/// `.jsonl` (`{"id", "title"?, "case_number"?, "court"?, "date"?, "tier"?, "text"}` a line).
pub fn read_judgments(path: &Path) -> Result<Vec<Judgment>, AppError> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let lower = name.to_lowercase();
    let bad = |m: String| AppError::BadRequest(m);
    let bytes = std::fs::read(path).map_err(|e| bad(format!("{}：无法读取（{e}）", path.display())))?;
    let one = |text: String| -> Result<Vec<Judgment>, AppError> {
        let text = text.trim().to_owned();
        if text.is_empty() {
            return Err(bad(format!("{name}：没有文字")));
        }
        let title =
            text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").chars().take(80).collect::<String>();
        let id = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s).to_owned();
        Ok(vec![Judgment {
            id,
            tier: tier_of(&title, None),
            case_number: case_number_in(&text),
            title: Some(title),
            court: None,
            decided: None,
            sha256: sha(&text),
            text,
        }])
    };
    if lower.ends_with(".txt") || lower.ends_with(".docx") {
        let text =
            extract_text(&bytes).ok_or_else(|| bad(format!("{name}：读不出文字（应为 UTF-8/GB18030 文本或 DOCX）")))?;
        return one(text);
    }
    if !lower.ends_with(".jsonl") {
        return Err(bad(format!("{name}：只接受 .txt、.docx、.jsonl 文件")));
    }
    let text = String::from_utf8(bytes).map_err(|_| bad(format!("{name}：不是 UTF-8 文本")))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let at = |field: &str, m: &str| bad(format!("{name} 第{}行 {field}：{m}", n + 1));
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| at("整行", &format!("不是 JSON（{e}）")))?;
        let field =
            |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let id = match v.get("id") {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            Some(serde_json::Value::Number(x)) => x.to_string(),
            _ => return Err(at("id", "缺少或为空")),
        };
        let text = field("text").ok_or_else(|| at("text", "缺少或为空"))?;
        let date = field("date");
        if let Some(d) = &date
            && xiezhi_domain::Date::parse_iso(d).is_err()
        {
            return Err(at(
                "date",
                &format!("“{}”不是日期（应为 YYYY-MM-DD）", d.chars().take(40).collect::<String>()),
            ));
        }
        let title = field("title");
        let tier = field("tier");
        if let Some(t) = &tier
            && !TIERS.contains(&t.as_str())
        {
            return Err(at(
                "tier",
                &format!("“{}”不是效力层级，应为：{}", t.chars().take(40).collect::<String>(), TIERS.join("、")),
            ));
        }
        let case_number =
            match field("case_number") {
                Some(c) => Some(xiezhi_domain::CaseNumber::parse(&c).map(|n| n.as_str().to_owned()).map_err(|_| {
                    at("case_number", &format!("“{}”不是案号", c.chars().take(40).collect::<String>()))
                })?),
                None => case_number_in(&text),
            };
        if out.iter().any(|j: &Judgment| j.id == id) {
            return Err(at("id", &format!("“{id}”在本文件中重复")));
        }
        out.push(Judgment {
            tier: tier_of(title.as_deref().unwrap_or(""), tier.as_deref()),
            title,
            case_number,
            court: field("court"),
            decided: date,
            sha256: sha(&text),
            id,
            text,
        });
    }
    if out.is_empty() {
        return Err(bad(format!("{name}：没有裁判文书")));
    }
    Ok(out)
}

/// The files of a path: itself, or the .txt/.docx/.jsonl files of a directory (sorted).
pub fn judgment_files(path: &Path) -> Result<Vec<PathBuf>, AppError> {
    if !path.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| AppError::BadRequest(format!("{}：无法读取目录（{e}）", path.display())))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let n = p.to_string_lossy().to_lowercase();
            n.ends_with(".txt") || n.ends_with(".docx") || n.ends_with(".jsonl")
        })
        .collect();
    files.sort();
    Ok(files)
}

impl App {
    /// 导入类案库: every file read first (any error refuses the whole import), then all written
    /// in one transaction. Importing the same documents again changes nothing.
    pub async fn judgments_import(&self, actor: Actor<'_>, path: &Path) -> Result<JudgmentImport, AppError> {
        if let Actor::User(a) = actor
            && !(a.is_admin() || a.role == crate::access::Role::Manager)
        {
            return Err(AppError::Forbidden);
        }
        let mut all: Vec<Judgment> = Vec::new();
        for file in judgment_files(path)? {
            for j in read_judgments(&file)? {
                if all.iter().any(|k| k.id == j.id) {
                    return Err(AppError::BadRequest(format!("{}：编号“{}”与前面的文件重复", file.display(), j.id)));
                }
                all.push(j);
            }
        }
        let mut report = JudgmentImport::default();
        let at = self.clock.timestamp();
        let mut tx = self.store.begin_write().await?;
        for j in &all {
            match tx.upsert_judgment(j, &at).await? {
                Upserted::Added => report.added += 1,
                Upserted::Replaced => report.replaced += 1,
                Upserted::Unchanged => report.unchanged += 1,
            }
        }
        tx.commit(
            &self
                .audit_record(actor, "judgments_import")
                .object(path.display().to_string())
                .detail(format!("新增 {} 更新 {} 未变 {}", report.added, report.replaced, report.unchanged)),
        )
        .await?;
        Ok(report)
    }

    /// 类案推送: the `top` cases most like `text` among the imported judgments and the
    /// guiding cases shipped with the statutes. Cases within 5 % of each other's score are
    /// ordered by authority (指导性案例 first among equals).
    pub async fn similar_cases(&self, text: &str, top: usize) -> Result<Vec<SimilarCase>, AppError> {
        let judgments = self.store.judgments().await?;
        let corpus = xiezhi_legal::Corpus::embedded().map_err(|e| AppError::Internal(e.to_string()))?;
        let text = text.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut candidates: Vec<SimilarCase> = Vec::new();
            let mut texts: Vec<String> = Vec::new();
            for j in judgments {
                texts.push(j.text);
                candidates.push(SimilarCase {
                    id: j.id,
                    title: j.title,
                    case_number: j.case_number,
                    court: j.court,
                    tier: j.tier,
                    score: 0.0,
                    why: Vec::new(),
                });
            }
            for c in &corpus.cases {
                texts.push(c.text.clone());
                candidates.push(SimilarCase {
                    id: c.id.clone(),
                    title: Some(c.title.clone()),
                    case_number: None,
                    court: Some("最高人民法院".to_owned()),
                    tier: c.tier.clone(),
                    score: 0.0,
                    why: vec![format!("裁判要旨：{}", c.holding)],
                });
            }
            rank(&text, &texts, &mut candidates, top);
            candidates.truncate(top);
            candidates
        })
        .await
        .map_err(|e| AppError::Internal(format!("similar cases: {e}")))
    }
}

/// Scores `candidates` (texts beside them) against `query` and sorts them, best first.
///
/// Two stages: the learned score compares cases of one kind (its elements are those of a
/// 民间借贷 dispute), so among many candidates of all kinds the 3 × `top` closest in
/// words (TF-IDF over the compared texts alone; at least half as close as the closest) are
/// kept first and only they are ranked by the learned score; the rest follow by
/// their words. Within a band of 5 % of the best score the higher tier comes first
/// (指导性案例 first among equals).
pub fn rank(query: &str, texts: &[String], candidates: &mut Vec<SimilarCase>, top: usize) {
    let mut freq = Frequencies::background();
    freq.add(query);
    for t in texts {
        freq.add(t);
    }
    let q = Profile::new(query, &freq);
    let profiles: Vec<Profile> = texts.iter().map(|t| Profile::new(t, &freq)).collect();
    // Closeness in words among the compared texts alone (借款 tells a loan from a sale here,
    // though every loan judgment has it).
    let mut own = Frequencies::empty();
    own.add(query);
    for t in texts {
        own.add(t);
    }
    let q_own = Profile::new(query, &own);
    let words: Vec<f64> = texts.iter().map(|t| q_own.cosine(&Profile::new(t, &own))).collect();
    let pool = (3 * top).max(3);
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| words[b].total_cmp(&words[a]).then(a.cmp(&b)));
    let nearest = order.first().map_or(0.0, |&i| words[i]);
    let in_pool: Vec<bool> = {
        let mut v = vec![false; candidates.len()];
        // The closest in words, and only those at least half as close as the closest.
        for &i in order.iter().take(pool).filter(|&&i| words[i] >= 0.5 * nearest) {
            v[i] = true;
        }
        v
    };
    for (i, c) in candidates.iter_mut().enumerate() {
        c.score = score(&q, &profiles[i]);
        let mut reasons = why(&q, &profiles[i]);
        if let Some(last) = reasons.last_mut() {
            *last = format!("文字相似度 {:.2}", words[i]);
        }
        reasons.append(&mut c.why);
        c.why = reasons;
    }
    let mut indexed: Vec<(usize, SimilarCase)> = candidates.drain(..).enumerate().collect();
    let best = indexed.iter().filter(|(i, _)| in_pool[*i]).map(|(_, c)| c.score.abs()).fold(0.0, f64::max);
    let best = best.max(f64::MIN_POSITIVE);
    let band = |s: f64| (s / (0.05 * best)).floor() as i64;
    indexed.sort_by(|(ia, a), (ib, b)| {
        in_pool[*ib]
            .cmp(&in_pool[*ia])
            .then(if in_pool[*ia] {
                band(b.score)
                    .cmp(&band(a.score))
                    .then(tier_rank(&a.tier).cmp(&tier_rank(&b.tier)))
                    .then(b.score.total_cmp(&a.score))
            } else {
                words[*ib].total_cmp(&words[*ia])
            })
            .then(a.id.cmp(&b.id))
    });
    candidates.extend(indexed.into_iter().map(|(_, c)| c));
}

/// One case document to read: an imported judgment or a shipped guiding case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDocument {
    pub id: String,
    pub title: String,
    pub tier: String,
    pub case_number: Option<String>,
    pub court: Option<String>,
    pub decided: Option<String>,
    pub text: String,
}

impl App {
    /// A case document by id (every signed-in user may read the corpus: published cases and
    /// the court's own judgments).
    pub async fn case_document(&self, id: &str) -> Result<CaseDocument, AppError> {
        if let Some(j) = self.store.judgment(id).await? {
            return Ok(CaseDocument {
                title: j.title.clone().or_else(|| j.case_number.clone()).unwrap_or_else(|| j.id.clone()),
                id: j.id,
                tier: j.tier,
                case_number: j.case_number,
                court: j.court,
                decided: j.decided,
                text: j.text,
            });
        }
        let corpus = xiezhi_legal::Corpus::embedded().map_err(|e| AppError::Internal(e.to_string()))?;
        let c = corpus.cases.iter().find(|c| c.id == id).ok_or(AppError::NotFound)?;
        Ok(CaseDocument {
            id: c.id.clone(),
            title: c.title.clone(),
            tier: c.tier.clone(),
            case_number: None,
            court: Some("最高人民法院".to_owned()),
            decided: None,
            text: c.text.clone(),
        })
    }
}

//! 电子卷宗 the electronic case file: documents stored content-addressed (SHA-256) while they
//! stream in, an append-only hash chain of entries per case, the text of each document page by
//! page with its confidence — read directly from TXT, DOCX and PDFs with a text layer, by OCR
//! (in a background queue, its progress recorded) from scans: JPEG, PNG, every page of a TIFF,
//! the page images of a PDF without text — a catalogue category with its reason, `verify`
//! naming every altered or missing blob and broken chain, and the archive export.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use xiezhi_ocr::document::PageText;
use xiezhi_store::dossier::{Entry, GENESIS, NewEntry, PageRecord, Reading, entry_hash};

use crate::{Actor, App, AppError};

/// The largest document accepted.
pub const MAX_DOCUMENT_BYTES: u64 = 512 << 20;

/// 卷宗编目 the nine categories, in catalogue order.
pub const CATEGORIES: [&str; 9] =
    ["起诉状", "答辩状", "证据材料", "庭审笔录", "裁判文书", "送达回证", "授权委托书", "身份证明", "其他"];

/// What a title says, in order: the first rule whose word the title has decides.
const TITLE_RULES: [(&str, &[&str]); 8] = [
    ("送达回证", &["送达", "妥投", "签收"]),
    ("授权委托书", &["委托", "授权书", "代理推荐", "律师事务所函", "律师所函", "律所函", "出庭函", "代理词"]),
    (
        "身份证明",
        &[
            "身份证",
            "营业执照",
            "身份证明",
            "户籍",
            "户口",
            "登记证书",
            "法人证书",
            "法定代表人证明",
            "护照",
            "通行证",
            "居住证",
            "统一社会信用代码",
        ],
    ),
    ("裁判文书", &["判决书", "裁定书", "调解书", "决定书"]),
    ("庭审笔录", &["笔录"]),
    ("答辩状", &["答辩"]),
    ("起诉状", &["起诉状", "起诉书", "自诉状", "上诉状", "诉状"]),
    (
        "证据材料",
        &[
            "借条",
            "收条",
            "欠条",
            "借据",
            "证据",
            "凭证",
            "鉴定意见",
            "鉴定书",
            "聊天记录",
            "合同",
            "协议书",
            "发票",
            "回单",
            "流水",
            "截图",
            "照片",
            "送货单",
            "对账单",
            "结算单",
            "收据",
            "账单",
            "保险单",
            "病历",
            "诊断证明",
        ],
    ),
];

/// Labelled documents we wrote (varied wording, all synthetic) that the catalogue learns
/// its word statistics from: `tests/fixtures/catalogue-dev*.jsonl`.
const TRAINING: [&str; 4] = [
    include_str!("../tests/fixtures/catalogue-dev.jsonl"),
    include_str!("../tests/fixtures/catalogue-dev2.jsonl"),
    include_str!("../tests/fixtures/catalogue-dev3.jsonl"),
    include_str!("../tests/fixtures/catalogue-dev4.jsonl"),
];

/// Multinomial naive Bayes over the character pairs of a document's title (counted three
/// times) and its first 300 characters, learned once from [`TRAINING`].
struct WordModel {
    /// Per category: pair → count, and the total.
    counts: Vec<(std::collections::HashMap<String, f64>, f64)>,
    vocabulary: f64,
}

fn pairs_of(title: &str, body: &str) -> Vec<String> {
    let kept = |c: &char| c.is_alphabetic() && !c.is_ascii();
    let pairs = |t: &str| -> Vec<String> {
        let chars: Vec<char> = t.chars().filter(kept).collect();
        chars.windows(2).map(|w| w.iter().collect()).collect()
    };
    let mut out = Vec::new();
    for _ in 0..3 {
        out.extend(pairs(title));
    }
    out.extend(pairs(&body.chars().take(300).collect::<String>()));
    out
}

fn title_of(text: &str) -> String {
    text.lines()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .chars()
        .take(60)
        .collect()
}

impl WordModel {
    fn get() -> &'static WordModel {
        static MODEL: std::sync::OnceLock<WordModel> = std::sync::OnceLock::new();
        MODEL.get_or_init(|| {
            let mut counts = vec![(std::collections::HashMap::new(), 0.0); CATEGORIES.len()];
            let mut vocabulary = std::collections::HashSet::new();
            for set in TRAINING {
                for line in set.lines().filter(|l| !l.trim().is_empty()) {
                    let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
                    let (Some(category), Some(text)) = (v["category"].as_str(), v["text"].as_str()) else { continue };
                    let Some(i) = CATEGORIES.iter().position(|c| *c == category) else { continue };
                    for p in pairs_of(&title_of(text), text) {
                        *counts[i].0.entry(p.clone()).or_insert(0.0) += 1.0;
                        counts[i].1 += 1.0;
                        vocabulary.insert(p);
                    }
                }
            }
            WordModel { counts, vocabulary: vocabulary.len() as f64 }
        })
    }

    /// The most likely category and the pairs that weighed most for it; `None` when fewer
    /// than half of the text's pairs (or fewer than 3) were ever seen in a labelled document.
    fn classify(&self, text: &str) -> Option<(usize, Vec<String>)> {
        let pairs = pairs_of(&title_of(text), text);
        let known = pairs.iter().filter(|p| self.counts.iter().any(|(c, _)| c.contains_key(*p))).count();
        if known < 3 || known * 2 < pairs.len() {
            return None;
        }
        let log_p = |i: usize, p: &str| {
            let (c, total) = &self.counts[i];
            ((c.get(p).copied().unwrap_or(0.0) + 1.0) / (total + self.vocabulary)).ln()
        };
        let scores: Vec<f64> = (0..CATEGORIES.len()).map(|i| pairs.iter().map(|p| log_p(i, p)).sum()).collect();
        let best =
            (0..CATEGORIES.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b])).unwrap_or(CATEGORIES.len() - 1);
        // The pairs most telling for the winner against the average of the others.
        let mut telling: Vec<(f64, String)> = pairs
            .iter()
            .filter(|p| self.counts[best].0.contains_key(*p))
            .map(|p| {
                let others = (0..CATEGORIES.len()).filter(|&i| i != best).map(|i| log_p(i, p)).sum::<f64>()
                    / (CATEGORIES.len() - 1) as f64;
                (log_p(best, p) - others, p.clone())
            })
            .collect();
        telling.sort_by(|a, b| b.0.total_cmp(&a.0));
        telling.dedup_by(|a, b| a.1 == b.1);
        Some((best, telling.into_iter().take(3).map(|(_, p)| p).collect()))
    }
}

/// The category of a document from its text, with the reason (the words that decided it).
///
/// The title (the first line with text, spaces removed: 起 诉 状 is 起诉状) decides when it has
/// a word of [`TITLE_RULES`]; a party's written opinion on the other side's claims (被告…意见) is
/// an answer. Otherwise the word statistics learned from our labelled documents decide, and
/// the reason names the character pairs that weighed most.
pub fn classify(text: &str) -> (&'static str, String) {
    let title = title_of(text);
    // The court's name may head a judgment or a procuratorate's indictment: read the first
    // three lines as the title when the first names an institution.
    let heading: String = if title.ends_with("法院") || title.ends_with("检察院") {
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect()
    } else {
        title.clone()
    };
    if ["被告", "被上诉人", "被申请人", "第三人"].iter().any(|w| heading.contains(w)) && heading.contains("意见")
    {
        return ("答辩状", format!("标题“{heading}”为对方当事人的意见"));
    }
    for (category, words) in TITLE_RULES {
        if let Some(word) = words.iter().find(|w| heading.contains(**w)) {
            return (category, format!("标题含“{word}”"));
        }
    }
    if text.trim().is_empty() {
        return ("其他", "没有文字".to_owned());
    }
    let Some((best, telling)) = WordModel::get().classify(text) else {
        return ("其他", "未见可判断类别的词语".to_owned());
    };
    let category = CATEGORIES[best];
    if telling.is_empty() {
        return (category, format!("用语最接近“{category}”类材料"));
    }
    (category, format!("用语最接近“{category}”类材料（{}）", telling.join("、")))
}

/// The SHA-256 of some bytes, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The documents of a chain as they stand: (seq, its add entry, current category, withdrawal
/// reason), in catalogue order (category, then the order they came in).
pub fn current_documents(entries: &[Entry]) -> Vec<(i64, &Entry, String, Option<String>)> {
    let mut documents: Vec<(i64, &Entry, String, Option<String>)> = Vec::new();
    for e in entries {
        match e.entry.kind.as_str() {
            "add" => documents.push((e.seq, e, e.entry.category.clone().unwrap_or_default(), None)),
            "recategorise" => {
                if let Some(d) = documents.iter_mut().find(|d| d.0 == e.entry.document) {
                    d.2 = e.entry.category.clone().unwrap_or_default();
                }
            }
            "withdraw" => {
                if let Some(d) = documents.iter_mut().find(|d| d.0 == e.entry.document) {
                    d.3 = Some(e.entry.reason.clone().unwrap_or_default());
                }
            }
            _ => {}
        }
    }
    let order = |c: &str| CATEGORIES.iter().position(|k| *k == c).unwrap_or(CATEGORIES.len());
    documents.sort_by_key(|d| (order(&d.2), d.0));
    documents
}

/// The text of a document read directly: TXT (UTF-8 or GB18030) and DOCX. `None` for what
/// needs OCR (images, PDFs) or is not a document.
pub fn extract_text(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"PK\x03\x04") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
        let mut xml = String::new();
        zip.by_name("word/document.xml").ok()?.take(64 << 20).read_to_string(&mut xml).ok()?;
        // The text of the w:t runs, a line per paragraph.
        let mut out = String::new();
        let mut rest = xml.as_str();
        while let Some(at) = rest.find('<') {
            let after = &rest[at..];
            let end = after.find('>')?;
            let tag = &after[..=end];
            if tag.starts_with("<w:t>") || tag.starts_with("<w:t ") {
                let body = &after[end + 1..];
                let close = body.find("</w:t>")?;
                out.push_str(&body[..close].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
                rest = &body[close..];
                continue;
            }
            if tag == "</w:p>" {
                out.push('\n');
            }
            rest = &after[end + 1..];
        }
        return Some(out);
    }
    if bytes.starts_with(b"%PDF") || bytes.contains(&0) {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Some(t.trim_start_matches('\u{feff}').to_owned()),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            (!bad).then(|| text.into_owned())
        }
    }
}

/// What a file is, from its first bytes (never from its name): the kinds a case file takes.
/// `None` for anything else (HTML, scripts, programs, archives other than DOCX).
pub fn sniff_kind(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"%PDF") {
        Some("pdf")
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpeg")
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        Some("tiff")
    } else if head.starts_with(b"PK\x03\x04") {
        Some("docx")
    } else if !head.contains(&0) && !looks_like_markup(head) {
        Some("text")
    } else {
        None
    }
}

/// HTML or XML (never stored as a text document: a browser could run it).
fn looks_like_markup(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
    let t = text.trim_start_matches('\u{feff}').trim_start();
    ["<!doctype", "<html", "<script", "<svg", "<?xml", "<body", "<iframe"].iter().any(|m| t.starts_with(m))
}

/// Where the blob of `sha256` lives.
pub fn blob_path(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(&sha256[..2]).join(sha256)
}

/// Copies `path` into the blob directory while hashing it (64 KiB at a time: memory does not
/// grow with the file); the SHA-256 and the size.
fn store_blob(dir: &Path, path: &Path) -> Result<(String, u64), AppError> {
    let io = |e: std::io::Error| AppError::BadRequest(format!("无法读取或保存 {}：{e}", path.display()));
    std::fs::create_dir_all(dir.join("tmp")).map_err(io)?;
    let mut input = std::fs::File::open(path).map_err(io)?;
    let mut head = [0u8; 512];
    let n = input.read(&mut head).map_err(io)?;
    if sniff_kind(&head[..n]).is_none() {
        return Err(AppError::BadRequest(format!(
            "{} 不是卷宗可收的文件（PDF、JPEG、PNG、TIFF、DOCX 或文本；按内容判断，不看扩展名）",
            path.display()
        )));
    }
    input.rewind().map_err(io)?;
    let tmp = dir.join("tmp").join(format!("{}.part", crate::accounts::random_token()));
    let mut output = std::fs::File::create(&tmp).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 << 10];
    let mut size = 0u64;
    loop {
        let n = input.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        if size > MAX_DOCUMENT_BYTES {
            let _ = std::fs::remove_file(&tmp);
            return Err(AppError::BadRequest(format!("文件超过 {} MB", MAX_DOCUMENT_BYTES >> 20)));
        }
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n]).map_err(io)?;
    }
    output.sync_all().map_err(io)?;
    let sha: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let target = blob_path(dir, &sha);
    std::fs::create_dir_all(target.parent().expect("a blob has a directory")).map_err(io)?;
    if target.exists() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        std::fs::rename(&tmp, &target).map_err(io)?;
    }
    Ok((sha, size))
}

/// The largest file read for its text (a PDF is parsed whole in memory): larger ones are kept,
/// their reading marked failed with the reason.
pub const MAX_READ_BYTES: u64 = 256 << 20;

/// A page whose reading confidence is below this is flagged for a person to check.
pub const LOW_CONFIDENCE: f64 = 0.8;

fn too_big(size: u64) -> String {
    format!("文件 {} MB，超过可识别的 {} MB 上限；文件已保存，请分册上传以识别文字", size >> 20, MAX_READ_BYTES >> 20)
}

/// What is known of a document as it is stored: its pages, and its text when the file holds
/// it (TXT, DOCX, a PDF with a text layer on every page) — else it is read later, by OCR.
struct FirstReading {
    pages: Option<i64>,
    /// The text page by page, when the file holds it.
    text: Option<Vec<String>>,
    /// Why it cannot be read at all.
    error: Option<String>,
}

fn first_reading(path: &Path, size: u64) -> FirstReading {
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    let kind = sniff_kind(&head[..n]);
    let unreadable = |error: String| FirstReading { pages: None, text: None, error: Some(error) };
    if size > MAX_READ_BYTES {
        return unreadable(too_big(size));
    }
    // A JPEG or PNG is one page, read later: nothing to open now.
    if matches!(kind, Some("jpeg" | "png")) {
        return FirstReading { pages: Some(1), text: None, error: None };
    }
    // A text document's text goes into the database whole: 64 MB of it at most.
    if matches!(kind, Some("text" | "docx")) && size > 64 << 20 {
        return unreadable(format!("文本文件 {} MB，超过 64 MB，未提取文字；文件已保存", size >> 20));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return unreadable(format!("文件无法读取：{e}")),
    };
    match kind {
        Some("text" | "docx") => match extract_text(&bytes) {
            Some(text) => FirstReading { pages: Some(1), text: Some(vec![text]), error: None },
            None => unreadable("文件中没有可读的文字（DOCX 缺少正文或文本编码无法识别）".to_owned()),
        },
        _ => match xiezhi_ocr::document::open(&bytes) {
            Ok(pages) => FirstReading { pages: Some(pages.len() as i64), text: pages.text_layer(), error: None },
            Err(e) => unreadable(e.to_string()),
        },
    }
}

/// A problem `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierProblem {
    pub case_number: String,
    pub seq: Option<i64>,
    pub problem: String,
}

impl App {
    /// The same application with its case files in `dir`.
    pub fn with_files_dir(self, dir: PathBuf) -> App {
        let mut config = (*self.config).clone();
        config.files_dir = Some(dir);
        App { config: std::sync::Arc::new(config), ..self }
    }

    fn files_dir(&self) -> Result<&Path, AppError> {
        self.config.files_dir.as_deref().ok_or_else(|| AppError::BadRequest("未配置电子卷宗目录（--files）".to_owned()))
    }

    /// The canonical 案号 of a case the actor may see.
    async fn dossier_case(&self, actor: Actor<'_>, number: &str) -> Result<String, AppError> {
        let canonical = xiezhi_domain::CaseNumber::parse(number.trim())
            .map_err(|_| AppError::BadRequest(format!("“{number}”不是案号")))?;
        let record = self.store.case_record(canonical.as_str()).await?.ok_or(AppError::NotFound)?;
        if let Actor::User(a) = actor
            && !a.sees_case(record.facts.case_number.court(), record.facts.judge.as_deref(), record.judge_id.as_deref())
        {
            return Err(AppError::NotFound);
        }
        Ok(canonical.as_str().to_owned())
    }

    /// 添加卷宗材料: stores the file, reads its text when it has a text layer, catalogues it
    /// (or takes `category`), and appends the entry to the case's chain (audited).
    pub async fn dossier_add(
        &self,
        actor: Actor<'_>,
        number: &str,
        path: &Path,
        category: Option<&str>,
    ) -> Result<Entry, AppError> {
        let case = self.dossier_case(actor, number).await?;
        if let Some(c) = category
            && !CATEGORIES.contains(&c)
        {
            return Err(AppError::BadRequest(format!("类别应为：{}", CATEGORIES.join("、"))));
        }
        let dir = self.files_dir()?.to_owned();
        let owned = path.to_owned();
        // A large PDF is parsed whole in memory to count its pages and find its text layer:
        // one such file at a time across the process, so parallel uploads cannot add up.
        static LARGE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
        let large = std::fs::metadata(path).map(|m| m.len() > 16 << 20).unwrap_or(false);
        let turn =
            if large { Some(LARGE.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?) } else { None };
        let (sha, size, first) = tokio::task::spawn_blocking(move || -> Result<_, AppError> {
            let (sha, size) = store_blob(&dir, &owned)?;
            let first = first_reading(&blob_path(&dir, &sha), size);
            Ok((sha, size, first))
        })
        .await
        .map_err(|e| AppError::Internal(format!("storing a document: {e}")))??;
        drop(turn);
        let body = first.text.as_ref().map(|pages| pages.join("\n\n"));
        let (auto, mut reason) = classify(body.as_deref().unwrap_or(""));
        if body.is_none() {
            reason = if first.error.is_some() { "文字无法读取" } else { "待文字识别后自动编目" }.to_owned();
        }
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let entry = NewEntry {
            kind: "add".to_owned(),
            document: 0,
            file_name: Some(file_name.clone()),
            sha256: Some(sha.clone()),
            size: Some(i64::try_from(size).unwrap_or(i64::MAX)),
            pages: first.pages,
            category: Some(category.unwrap_or(auto).to_owned()),
            category_source: Some(if category.is_some() { "manual" } else { "auto" }.to_owned()),
            reason: if category.is_some() { None } else { Some(reason) },
            body,
            at: self.clock.timestamp(),
            by_user: actor.username().map(str::to_owned),
        };
        let mut tx = self.store.begin_write().await?;
        let stored = tx.append_dossier_entry(&case, &entry).await?;
        if let Some(pages) = &first.text {
            let records: Vec<PageRecord> = pages
                .iter()
                .enumerate()
                .map(|(i, text)| PageRecord {
                    page: i as i64 + 1,
                    text: text.clone(),
                    confidence: 1.0,
                    source: "text".to_owned(),
                })
                .collect();
            tx.set_dossier_pages(&case, stored.seq, &records).await?;
        }
        tx.commit(&self.audit_record(actor, "dossier_add").object(case.clone()).detail(format!("{file_name} {sha}")))
            .await?;
        let reading = |status: &str, error: Option<String>| Reading {
            case_number: case.clone(),
            seq: stored.seq,
            status: status.to_owned(),
            pages_done: 0,
            pages_total: first.pages,
            error,
            updated_at: self.clock.timestamp(),
        };
        if let Some(error) = first.error {
            self.store.set_dossier_reading(&reading("failed", Some(error))).await?;
        } else if first.text.is_some() {
            self.store
                .set_dossier_reading(&Reading { pages_done: first.pages.unwrap_or(1), ..reading("done", None) })
                .await?;
        } else {
            // A scan (JPEG, PNG, TIFF, a PDF without text) is read by OCR: from the command line
            // at once; on the web in the background, queued, the page showing its progress.
            self.store.set_dossier_reading(&reading("pending", None)).await?;
            match actor {
                Actor::Cli => {
                    self.dossier_ocr(&case, stored.seq).await?;
                }
                Actor::User(_) => self.dossier_ocr_in_background(case.clone(), stored.seq),
            }
        }
        Ok(stored)
    }

    /// Queues the reading of a document in the background (errors are logged, and recorded as
    /// the document's reading status).
    pub fn dossier_ocr_in_background(&self, case: String, seq: i64) {
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(e) = app.dossier_ocr(&case, seq).await {
                tracing::warn!(error = %e, "reading a case-file document failed");
            }
        });
    }

    /// Documents whose reading was queued or under way when the process stopped: queued
    /// again (one query for the readings; migration 0009 queued what was stored before
    /// readings were recorded). Called when the server starts.
    pub async fn resume_dossier_reading(&self) -> Result<usize, AppError> {
        if self.config.files_dir.is_none() {
            return Ok(0);
        }
        let unfinished: Vec<Reading> = self
            .store
            .dossier_readings(None)
            .await?
            .into_iter()
            .filter(|r| r.status == "pending" || r.status == "reading")
            .collect();
        for r in &unfinished {
            self.dossier_ocr_in_background(r.case_number.clone(), r.seq);
        }
        Ok(unfinished.len())
    }

    /// Whether a stored file is read by OCR (an image or a PDF), from its first bytes.
    fn needs_ocr(&self, sha: &str) -> bool {
        let Ok(dir) = self.files_dir() else { return false };
        let mut head = [0u8; 16];
        let n = std::fs::File::open(blob_path(dir, sha)).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
        matches!(sniff_kind(&head[..n]), Some("jpeg" | "png" | "tiff" | "pdf"))
    }

    /// 文字识别: reads a document of a case's file page by page (a PDF's text layer where a page
    /// has one, OCR of the page image otherwise), recording its progress, and stores the text
    /// with each page's confidence. One document at a time across the process, so the server
    /// keeps answering while it runs. Returns the number of characters read; a file that
    /// cannot be read is recorded as failed, with the reason.
    pub async fn dossier_ocr(&self, case: &str, seq: i64) -> Result<usize, AppError> {
        static QUEUE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
        let _turn = QUEUE.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
        // Read meanwhile by another task (a waiting request and the background queue): done.
        let readings = self.store.dossier_readings(Some(case)).await?;
        if readings.iter().any(|r| r.seq == seq && r.status == "done") {
            return Ok(0);
        }
        let entries = self.store.dossier_entries(case).await?;
        let e = entries.iter().find(|e| e.seq == seq && e.entry.kind == "add").ok_or(AppError::NotFound)?;
        let path = blob_path(self.files_dir()?, e.entry.sha256.as_deref().unwrap_or_default());
        let reading = |status: &str, done: i64, total: Option<i64>, error: Option<String>| Reading {
            case_number: case.to_owned(),
            seq,
            status: status.to_owned(),
            pages_done: done,
            pages_total: total,
            error,
            updated_at: self.clock.timestamp(),
        };
        self.store.set_dossier_reading(&reading("reading", 0, e.entry.pages, None)).await?;
        let (progress, mut updates) = tokio::sync::mpsc::unbounded_channel::<(usize, usize)>();
        let work = tokio::task::spawn_blocking(move || -> Result<Vec<PageText>, String> {
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if size > MAX_READ_BYTES {
                return Err(too_big(size));
            }
            let bytes = std::fs::read(&path).map_err(|e| format!("文件无法读取：{e}"))?;
            if !matches!(sniff_kind(&bytes[..bytes.len().min(16)]), Some("jpeg" | "png" | "tiff" | "pdf")) {
                return Err("文件中没有可读的文字（不是扫描件，也无法直接提取文字）".to_owned());
            }
            let pages = xiezhi_ocr::document::open(&bytes).map_err(|e| e.to_string())?;
            let total = pages.len();
            let _ = progress.send((0, total));
            let mut out = Vec::with_capacity(total);
            for i in 0..total {
                out.push(pages.read(i).map_err(|e| format!("第 {} 页：{e}", i + 1))?);
                let _ = progress.send((i + 1, total));
            }
            Ok(out)
        });
        while let Some((done, total)) = updates.recv().await {
            // Progress is for the page to show: a busy database skips an update, never the reading.
            let r = reading("reading", done as i64, Some(total as i64), None);
            if let Err(e) = self.store.set_dossier_reading(&r).await {
                tracing::debug!(error = %e, "recording reading progress");
            }
        }
        let outcome = work.await.unwrap_or_else(|e| Err(format!("识别过程出错：{e}")));
        let pages = match outcome {
            Ok(pages) => pages,
            Err(why) => {
                tracing::warn!(document = seq, "a case-file document could not be read");
                self.store.set_dossier_reading(&reading("failed", 0, e.entry.pages, Some(why))).await?;
                return Ok(0);
            }
        };
        let records: Vec<PageRecord> = pages
            .iter()
            .enumerate()
            .map(|(i, p)| PageRecord {
                page: i as i64 + 1,
                text: p.text.clone(),
                confidence: f64::from(p.confidence),
                source: p.source.as_str().to_owned(),
            })
            .collect();
        let text = records
            .iter()
            .filter(|p| p.source != "unreadable")
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        let mut tx = self.store.begin_write().await?;
        tx.set_dossier_pages(case, seq, &records).await?;
        let n = text.chars().count();
        // Catalogued automatically before it had text: catalogued again from the text read
        // (an entry in the chain, as a person's re-cataloguing is).
        let current = current_documents(&entries).into_iter().find(|d| d.0 == seq).map(|d| d.2);
        if e.entry.category_source.as_deref() == Some("auto") && !text.trim().is_empty() {
            let (category, reason) = classify(&text);
            if current.as_deref() != Some(category) {
                let entry = NewEntry {
                    kind: "recategorise".to_owned(),
                    document: seq,
                    category: Some(category.to_owned()),
                    category_source: Some("auto".to_owned()),
                    reason: Some(format!("文字识别后：{reason}")),
                    at: self.clock.timestamp(),
                    ..NewEntry::default()
                };
                tx.append_dossier_entry(case, &entry).await?;
            }
        }
        tx.commit(
            &crate::audit_record_at(&self.clock.timestamp(), Actor::Cli, "dossier_ocr")
                .object(case.to_owned())
                .detail(format!("document {seq}: {} pages, {n} characters", records.len())),
        )
        .await?;
        let total = records.len() as i64;
        self.store.set_dossier_reading(&reading("done", total, Some(total), None)).await?;
        Ok(n)
    }

    /// 撤回 (with a reason) or 重新编目 a document: an entry in the chain; nothing is deleted.
    pub async fn dossier_change(
        &self,
        actor: Actor<'_>,
        number: &str,
        document: i64,
        withdraw_reason: Option<&str>,
        category: Option<&str>,
    ) -> Result<Entry, AppError> {
        let case = self.dossier_case(actor, number).await?;
        let entries = self.store.dossier_entries(&case).await?;
        if !entries.iter().any(|e| e.seq == document && e.entry.kind == "add") {
            return Err(AppError::BadRequest(format!("该卷宗没有第 {document} 号材料")));
        }
        let (kind, reason, category) = match (withdraw_reason.map(str::trim), category) {
            (Some(r), None) if !r.is_empty() => ("withdraw", Some(r.to_owned()), None),
            (None, Some(c)) if CATEGORIES.contains(&c) => ("recategorise", None, Some(c.to_owned())),
            (None, Some(_)) => return Err(AppError::BadRequest(format!("类别应为：{}", CATEGORIES.join("、")))),
            _ => return Err(AppError::BadRequest("撤回须写明理由；重新编目须给出类别".to_owned())),
        };
        let entry = NewEntry {
            kind: kind.to_owned(),
            document,
            category_source: category.as_ref().map(|_| "manual".to_owned()),
            category,
            reason,
            at: self.clock.timestamp(),
            by_user: actor.username().map(str::to_owned),
            ..NewEntry::default()
        };
        let mut tx = self.store.begin_write().await?;
        let stored = tx.append_dossier_entry(&case, &entry).await?;
        tx.commit(
            &self.audit_record(actor, &format!("dossier_{kind}")).object(case).detail(format!("document {document}")),
        )
        .await?;
        Ok(stored)
    }

    /// A case's entries (audited as a view).
    pub async fn dossier_list(&self, actor: Actor<'_>, number: &str) -> Result<Vec<Entry>, AppError> {
        let case = self.dossier_case(actor, number).await?;
        let entries = self.store.dossier_entries(&case).await?;
        self.audit(&self.audit_record(actor, "dossier_view").object(case)).await?;
        Ok(entries)
    }

    /// 校验: every chain walked, every blob re-hashed; each problem named.
    pub async fn dossier_verify(&self, numbers: &[String]) -> Result<Vec<DossierProblem>, AppError> {
        let dir = self.files_dir()?.to_owned();
        let cases = if numbers.is_empty() { self.store.dossier_cases().await? } else { numbers.to_vec() };
        let mut problems = Vec::new();
        for case in cases {
            let case = xiezhi_domain::CaseNumber::parse(&case).map(|c| c.as_str().to_owned()).unwrap_or(case);
            let entries = self.store.dossier_entries(&case).await?;
            let mut prev = GENESIS.to_owned();
            for (i, e) in entries.iter().enumerate() {
                let mut problem = |seq: Option<i64>, text: String| {
                    problems.push(DossierProblem { case_number: case.clone(), seq, problem: text });
                };
                if e.seq != i as i64 + 1 {
                    problem(Some(e.seq), format!("序号不连续：应为 {}（条目被删除或插入）", i + 1));
                }
                if e.prev_hash != prev {
                    problem(Some(e.seq), "前一条目的哈希不符（之前的条目被改动或删除）".to_owned());
                }
                if entry_hash(&e.prev_hash, &case, e.seq, &e.entry) != e.hash {
                    problem(Some(e.seq), "条目内容与哈希不符（被改动）".to_owned());
                }
                if let (Some(sha), "add") = (&e.entry.sha256, e.entry.kind.as_str()) {
                    let path = blob_path(&dir, sha);
                    match std::fs::File::open(&path) {
                        Err(_) => problem(Some(e.seq), format!("文件缺失：{}", path.display())),
                        Ok(mut f) => {
                            let mut hasher = Sha256::new();
                            let mut buf = vec![0u8; 64 << 10];
                            loop {
                                match f.read(&mut buf) {
                                    Ok(0) => break,
                                    Ok(n) => hasher.update(&buf[..n]),
                                    Err(err) => {
                                        problem(Some(e.seq), format!("文件无法读取：{err}"));
                                        break;
                                    }
                                }
                            }
                            let got: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
                            if &got != sha {
                                problem(Some(e.seq), format!("文件内容被改动（SHA-256 应为 {sha}，实为 {got}）"));
                            }
                        }
                    }
                }
                prev = e.hash.clone();
            }
        }
        Ok(problems)
    }

    /// 归档导出: the documents in catalogue order (withdrawn ones marked), their text and a
    /// manifest with the hashes and the chain, as a zip at `out`.
    pub async fn dossier_export(&self, actor: Actor<'_>, number: &str, out: &Path) -> Result<usize, AppError> {
        let case = self.dossier_case(actor, number).await?;
        let entries = self.store.dossier_entries(&case).await?;
        let dir = self.files_dir()?.to_owned();
        let documents = current_documents(&entries);
        let io = |e: std::io::Error| AppError::BadRequest(format!("无法写入 {}：{e}", out.display()));
        let file = std::fs::File::create(out).map_err(io)?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let zerr = |e: zip::result::ZipError| AppError::BadRequest(format!("无法写入归档：{e}"));
        let mut manifest = Vec::new();
        let pages = self.store.dossier_pages(&case, None).await?;
        for (n, (seq, e, category, withdrawn)) in documents.iter().enumerate() {
            let sha = e.entry.sha256.clone().unwrap_or_default();
            let name = format!(
                "{:03}-{category}-{}{}",
                n + 1,
                e.entry.file_name.clone().unwrap_or_default(),
                if withdrawn.is_some() { "（已撤回）" } else { "" }
            );
            zip.start_file(format!("files/{name}"), options).map_err(zerr)?;
            let mut blob = std::fs::File::open(blob_path(&dir, &sha)).map_err(io)?;
            std::io::copy(&mut blob, &mut zip).map_err(io)?;
            if let Some(text) = &e.entry.body {
                zip.start_file(format!("text/{name}.txt"), options).map_err(zerr)?;
                zip.write_all(text.as_bytes()).map_err(io)?;
            }
            // Each page's confidence and source, so the archive says which text was read by OCR.
            let own: Vec<serde_json::Value> = pages
                .iter()
                .filter(|(s, _)| s == seq)
                .map(|(_, p)| {
                    serde_json::json!({"page": p.page, "confidence": (p.confidence * 100.0).round() / 100.0, "source": p.source})
                })
                .collect();
            manifest.push(serde_json::json!({
                "order": n + 1, "seq": seq, "file": format!("files/{name}"), "sha256": sha,
                "category": category, "withdrawn": withdrawn, "pages": own,
            }));
        }
        let chain: Vec<serde_json::Value> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "seq": e.seq, "kind": e.entry.kind, "document": e.entry.document, "file_name": e.entry.file_name,
                    "sha256": e.entry.sha256, "category": e.entry.category, "reason": e.entry.reason,
                    "at": e.entry.at, "by": e.entry.by_user, "prev_hash": e.prev_hash, "hash": e.hash,
                })
            })
            .collect();
        zip.start_file("manifest.json", options).map_err(zerr)?;
        let text = serde_json::to_string_pretty(
            &serde_json::json!({"case_number": case, "documents": manifest, "chain": chain}),
        )
        .map_err(|e| AppError::Internal(e.to_string()))?;
        zip.write_all(text.as_bytes()).map_err(io)?;
        zip.finish().map_err(zerr)?;
        self.audit(&self.audit_record(actor, "dossier_export").object(case)).await?;
        Ok(documents.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_catalogued_with_a_reason() {
        assert_eq!(classify("民事起诉状\n原告：张某……诉讼请求：").0, "起诉状");
        assert_eq!(classify("民事答辩状\n答辩人：李某").0, "答辩状");
        assert_eq!(classify("广州市番禺区人民法院\n民事判决书\n……判决如下：").0, "裁判文书");
        assert_eq!(classify("送达回证\n受送达人").0, "送达回证");
        assert_eq!(classify("借条\n今借到……").0, "证据材料");
        let (c, reason) = classify("无关的文字");
        assert_eq!((c, reason.as_str()), ("其他", "未见可判断类别的词语"));
        assert_eq!(classify("授权委托书\n委托人……").1, "标题含“委托”");
        // Words never seen in a labelled document: 其他, not a guess.
        assert_eq!(classify("甲乙丙丁戊己庚辛").0, "其他");
    }

    #[test]
    fn text_is_read_from_txt_in_either_encoding() {
        assert_eq!(extract_text("起诉状".as_bytes()).as_deref(), Some("起诉状"));
        let (gb, _, _) = encoding_rs::GB18030.encode("答辩状");
        assert_eq!(extract_text(&gb).as_deref(), Some("答辩状"));
        assert_eq!(extract_text(b"%PDF-1.7 ..."), None);
        assert_eq!(extract_text(&[0xFF, 0xD8, 0xFF, 0x00]), None);
    }

    #[test]
    fn files_are_taken_by_their_content() {
        assert_eq!(sniff_kind(b"%PDF-1.7"), Some("pdf"));
        assert_eq!(sniff_kind(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpeg"));
        assert_eq!(sniff_kind(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(sniff_kind("起诉状".as_bytes()), Some("text"));
        assert_eq!(sniff_kind(b"<!DOCTYPE html><script>alert(1)</script>"), None);
        assert_eq!(sniff_kind(b"  <svg onload=alert(1)>"), None);
        assert_eq!(sniff_kind(b"MZ\x90\0\x03"), None);
    }
}

/// One document of a case file as it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct DossierDocument {
    pub seq: i64,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub pages_count: Option<i64>,
    pub category: String,
    /// `auto` or `manual` (of the entry that set the current category).
    pub category_source: String,
    /// Why the catalogue put it there (自动编目), or None when a person chose.
    pub reason: Option<String>,
    pub withdrawn: Option<String>,
    pub added_at: String,
    pub added_by: Option<String>,
    pub text: Option<String>,
    /// 文字识别: `pending`, `reading`, `done` or `failed`.
    pub ocr: &'static str,
    /// Pages read so far, of how many (while reading).
    pub pages_done: i64,
    pub pages_total: Option<i64>,
    /// Why reading failed.
    pub ocr_error: Option<String>,
    /// The text page by page with its confidence.
    pub pages: Vec<PageRecord>,
}

impl DossierDocument {
    /// Queued or being read.
    pub fn ocr_pending(&self) -> bool {
        matches!(self.ocr, "pending" | "reading")
    }

    /// The pages a person should check (confidence below [`LOW_CONFIDENCE`]).
    pub fn pages_to_check(&self) -> Vec<i64> {
        self.pages.iter().filter(|p| p.confidence < LOW_CONFIDENCE).map(|p| p.page).collect()
    }
}

/// The contract's reading status of an `add` entry.
fn ocr_status(e: &Entry, reading: Option<&Reading>) -> &'static str {
    match reading.map(|r| r.status.as_str()) {
        Some("done") => "done",
        Some("failed") => "failed",
        Some("reading") => "reading",
        Some(_) => "pending",
        // Stored before readings were recorded: a document with text is read.
        None if e.entry.body.is_some() => "done",
        None => "pending",
    }
}

impl App {
    /// The documents of a case's file in catalogue order (the view is audited).
    pub async fn dossier_documents(&self, actor: Actor<'_>, number: &str) -> Result<Vec<DossierDocument>, AppError> {
        let entries = self.dossier_list(actor, number).await?;
        let case = entries.first().map(|e| e.case_number.clone()).unwrap_or_default();
        let readings = self.store.dossier_readings(Some(&case)).await?;
        let mut pages = self.store.dossier_pages(&case, None).await?;
        Ok(current_documents(&entries)
            .into_iter()
            .map(|(seq, e, category, withdrawn)| {
                let setter = entries
                    .iter()
                    .rev()
                    .find(|x| {
                        (x.seq == seq && x.entry.kind == "add")
                            || (x.entry.kind == "recategorise" && x.entry.document == seq)
                    })
                    .unwrap_or(e);
                let reading = readings.iter().find(|r| r.seq == seq);
                let mut own: Vec<PageRecord> = Vec::new();
                pages.retain(|(s, p)| {
                    if *s == seq {
                        own.push(p.clone());
                        false
                    } else {
                        true
                    }
                });
                // Stored before pages were recorded: the whole text as one page.
                if own.is_empty()
                    && let Some(body) = &e.entry.body
                {
                    own.push(PageRecord { page: 1, text: body.clone(), confidence: 1.0, source: "text".to_owned() });
                }
                DossierDocument {
                    seq,
                    file_name: e.entry.file_name.clone().unwrap_or_default(),
                    sha256: e.entry.sha256.clone().unwrap_or_default(),
                    size: e.entry.size.unwrap_or(0),
                    pages_count: e.entry.pages.or(reading.and_then(|r| r.pages_total)),
                    // The reason of the entry that set the current category, when it was automatic.
                    reason: Some(setter)
                        .filter(|x| x.entry.category_source.as_deref() == Some("auto"))
                        .and_then(|x| x.entry.reason.clone()),
                    category_source: setter.entry.category_source.clone().unwrap_or_else(|| "auto".to_owned()),
                    category,
                    withdrawn,
                    added_at: e.entry.at.clone(),
                    added_by: e.entry.by_user.clone(),
                    ocr: ocr_status(e, reading),
                    pages_done: reading.map_or(0, |r| r.pages_done),
                    pages_total: reading.and_then(|r| r.pages_total).or(e.entry.pages),
                    ocr_error: reading.and_then(|r| r.error.clone()),
                    text: e.entry.body.clone(),
                    pages: own,
                }
            })
            .collect())
    }

    /// 下载 a document's stored file: (file name, kind from its content, path). Audited
    /// `dossier_download`.
    pub async fn dossier_file(
        &self,
        actor: Actor<'_>,
        number: &str,
        seq: i64,
    ) -> Result<(String, &'static str, PathBuf), AppError> {
        let case = self.dossier_case(actor, number).await?;
        let entries = self.store.dossier_entries(&case).await?;
        let e = entries.iter().find(|e| e.seq == seq && e.entry.kind == "add").ok_or(AppError::NotFound)?;
        let sha = e.entry.sha256.clone().unwrap_or_default();
        let path = blob_path(self.files_dir()?, &sha);
        let mut head = [0u8; 512];
        let n = std::fs::File::open(&path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|_| AppError::BadRequest("卷宗文件缺失或无法读取，请运行 xiezhi dossier verify。".to_owned()))?;
        let kind = sniff_kind(&head[..n]).ok_or_else(|| AppError::BadRequest("卷宗文件内容异常。".to_owned()))?;
        self.audit(&self.audit_record(actor, "dossier_download").object(case).detail(format!("document {seq}")))
            .await?;
        Ok((e.entry.file_name.clone().unwrap_or_else(|| format!("{seq}")), kind, path))
    }
}

impl DossierDocument {
    /// The contract's `dossier list` object (and the API's), with the reading's progress.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "seq": self.seq, "file_name": self.file_name, "sha256": self.sha256, "size": self.size,
            "pages": self.pages_count, "category": self.category, "category_source": self.category_source,
            "reason": self.reason,
            "ocr": if self.ocr == "reading" { "pending" } else { self.ocr },
            "ocr_progress": {"pages_done": self.pages_done, "pages_total": self.pages_total},
            "ocr_error": self.ocr_error,
            "pages_to_check": self.pages_to_check(),
            "added_at": self.added_at, "added_by": self.added_by,
            "withdrawn": self.withdrawn.is_some(), "withdrawn_reason": self.withdrawn,
        })
    }
}

/// The contract's `dossier text` object: one page.
pub fn page_json(seq: i64, page: &PageRecord) -> serde_json::Value {
    serde_json::json!({
        "seq": seq, "page": page.page, "text": page.text,
        // Two decimals: the score is an estimate, not a measurement to the last digit.
        "confidence": (page.confidence * 100.0).round() / 100.0,
        "source": page.source, "needs_check": page.confidence < LOW_CONFIDENCE,
    })
}

impl App {
    /// The text of a case's documents (of one when `seq` is given), page by page with its
    /// confidence, in seq and page order; with `wait`, once every reading has finished (a
    /// document nobody is reading is read here). Audited `dossier_text`.
    pub async fn dossier_text(
        &self,
        actor: Actor<'_>,
        number: &str,
        seq: Option<i64>,
        wait: bool,
    ) -> Result<Vec<(i64, PageRecord)>, AppError> {
        let case = self.dossier_case(actor, number).await?;
        let entries = self.store.dossier_entries(&case).await?;
        let adds: Vec<&Entry> =
            entries.iter().filter(|e| e.entry.kind == "add" && seq.is_none_or(|s| s == e.seq)).collect();
        if seq.is_some() && adds.is_empty() {
            return Err(AppError::NotFound);
        }
        if wait {
            self.dossier_wait(&case, seq).await?;
        }
        let entries = self.store.dossier_entries(&case).await?;
        let mut pages = self.store.dossier_pages(&case, seq).await?;
        for e in entries.iter().filter(|e| e.entry.kind == "add" && seq.is_none_or(|s| s == e.seq)) {
            if let Some(body) = &e.entry.body
                && !pages.iter().any(|(s, _)| *s == e.seq)
            {
                pages.push((
                    e.seq,
                    PageRecord { page: 1, text: body.clone(), confidence: 1.0, source: "text".to_owned() },
                ));
            }
        }
        pages.sort_by_key(|(s, p)| (*s, p.page));
        let detail = seq.map_or_else(|| "all documents".to_owned(), |s| format!("document {s}"));
        self.audit(&self.audit_record(actor, "dossier_text").object(case).detail(detail)).await?;
        Ok(pages)
    }

    /// Waits until no document (of `seq`, or of the case) is queued or being read. A document
    /// queued with nobody reading it, or whose reader has shown no progress for two minutes (a
    /// stopped server), is read here: reading twice gives the same text. (Time is counted in
    /// polls, not read from a clock.)
    async fn dossier_wait(&self, case: &str, seq: Option<i64>) -> Result<(), AppError> {
        // Per document: its last progress mark, and how many polls (half a second each) ago it
        // changed.
        const STALE_POLLS: u32 = 240;
        let mut seen: std::collections::HashMap<i64, (String, u32)> = std::collections::HashMap::new();
        loop {
            let readings = self.store.dossier_readings(Some(case)).await?;
            let entries = self.store.dossier_entries(case).await?;
            let mut waiting = false;
            for e in entries.iter().filter(|e| e.entry.kind == "add" && seq.is_none_or(|s| s == e.seq)) {
                let reading = readings.iter().find(|r| r.seq == e.seq);
                match ocr_status(e, reading) {
                    "pending" if reading.is_some() || self.needs_ocr(e.entry.sha256.as_deref().unwrap_or_default()) => {
                        self.dossier_ocr(case, e.seq).await?;
                    }
                    "reading" => {
                        let mark = reading.map(|r| format!("{} {}", r.updated_at, r.pages_done)).unwrap_or_default();
                        let since = seen.entry(e.seq).or_insert_with(|| (mark.clone(), 0));
                        if since.0 == mark {
                            since.1 += 1;
                        } else {
                            *since = (mark, 0);
                        }
                        if since.1 > STALE_POLLS {
                            self.dossier_ocr(case, e.seq).await?;
                        } else {
                            waiting = true;
                        }
                    }
                    _ => {}
                }
            }
            if !waiting {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
    }
}

impl App {
    /// Page `page` (from 1) of a scanned document as a PNG at most 1,200 pixels wide, for the
    /// viewer; `None` for a page that is text only. Audited `dossier_page_view`.
    pub async fn dossier_page_image(
        &self,
        actor: Actor<'_>,
        number: &str,
        seq: i64,
        page: usize,
    ) -> Result<Option<Vec<u8>>, AppError> {
        let case = self.dossier_case(actor, number).await?;
        let entries = self.store.dossier_entries(&case).await?;
        let e = entries.iter().find(|e| e.seq == seq && e.entry.kind == "add").ok_or(AppError::NotFound)?;
        if page == 0 || e.entry.pages.is_some_and(|n| page as i64 > n) {
            return Err(AppError::NotFound);
        }
        let path = blob_path(self.files_dir()?, e.entry.sha256.as_deref().unwrap_or_default());
        // Each page drawn parses its whole file (a PDF up to 256 MB): two at a time across the
        // process, however many a viewer's lazy images ask for at once.
        static RENDERING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);
        let _turn = RENDERING.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
        let png = tokio::task::spawn_blocking(move || -> Result<Option<Vec<u8>>, AppError> {
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if size > MAX_READ_BYTES {
                return Err(AppError::BadRequest(too_big(size)));
            }
            let bytes = std::fs::read(&path).map_err(|e| AppError::Internal(format!("reading a document: {e}")))?;
            let pages = xiezhi_ocr::document::open(&bytes).map_err(|e| AppError::BadRequest(e.to_string()))?;
            if page > pages.len() {
                return Err(AppError::NotFound);
            }
            pages.page_png(page - 1, 1200).map_err(AppError::BadRequest)
        })
        .await
        .map_err(|e| AppError::Internal(format!("rendering a page: {e}")))??;
        self.audit(
            &self.audit_record(actor, "dossier_page_view").object(case).detail(format!("document {seq} page {page}")),
        )
        .await?;
        Ok(png)
    }
}

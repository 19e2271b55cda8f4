//! 法律文本 the statute corpus: law versions and their articles, read from the embedded
//! `data/corpus.zip` (nothing downloaded, nothing read from disk), and an article found by its
//! citation as of a day.

use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

use xiezhi_domain::Date;

use crate::citation::{LawNames, cite};

/// The corpus as shipped (see data/README.md).
const CORPUS_ZIP: &[u8] = include_bytes!("../data/corpus.zip");

/// Texts a court imported, read by the caller (this crate does no IO): laws.db-shaped tables
/// as (laws.tsv, articles.tsv) text, and lawrefbook markdown files as (relative path, text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedTexts {
    pub tables: Vec<(String, String)>,
    pub markdown: Vec<(String, String)>,
}

static IMPORTED: OnceLock<ImportedTexts> = OnceLock::new();

/// Makes [`Corpus::embedded`] include `texts`; only before its first use (false after).
pub fn install_imported(texts: ImportedTexts) -> bool {
    IMPORTED.set(texts).is_ok()
}

/// A fingerprint of what the corpus is made of — the shipped zip and the imported texts
/// (64-bit FNV-1a) — under which a built search index is kept: another binary or another
/// import gives another fingerprint, so a kept index is never used for a corpus it was not
/// built from.
pub fn corpus_fingerprint(imported: Option<&ImportedTexts>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        h ^= 0xff;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    feed(CORPUS_ZIP);
    if let Some(t) = imported {
        for (laws, articles) in &t.tables {
            feed(laws.as_bytes());
            feed(articles.as_bytes());
        }
        for (path, text) in &t.markdown {
            feed(path.as_bytes());
            feed(text.as_bytes());
        }
    }
    h
}

/// The imported texts installed with [`install_imported`], if any.
pub fn installed_imported() -> Option<&'static ImportedTexts> {
    IMPORTED.get()
}

/// Why a citation did not give an article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LegalError {
    #[error("“{0}”不是可识别的法条引注（应为法律名称加第X条，如 刑法第二百六十四条）")]
    NotACitation(String),
    #[error("法律库中没有《{0}》")]
    UnknownLaw(String),
    #[error("《{law}》在 {as_of} 尚未施行（最早的版本自 {first} 起施行）")]
    NotYetInForce { law: String, as_of: String, first: String },
    #[error("《{law}》（{version}版）没有{article}")]
    NoSuchArticle { law: String, version: String, article: String },
    #[error("法律库无法读取：{0}")]
    Corpus(String),
}

/// One version of a law.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LawVersion {
    pub id: String,
    pub name: String,
    pub doc_type: String,
    pub level: String,
    pub issuer: String,
    pub published: Option<Date>,
    /// The day this version took effect: the later of the law's effective date and the
    /// version's date (the corpus gives the original law's effective date).
    pub effective: Option<Date>,
    pub version: Option<Date>,
    /// 现行有效 / 已被修改 / 已废止 / 历史版本.
    pub status: String,
}

/// One article of one law version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Index of its law version in [`Corpus::laws`].
    pub law: usize,
    pub chapter: String,
    pub section: String,
    /// As written: 第十七条之一.
    pub label: String,
    pub number: u32,
    /// 之一 …
    pub suffix: Option<String>,
    pub text: String,
}

/// The statute corpus in memory.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub laws: Vec<LawVersion>,
    pub articles: Vec<Article>,
    /// Law name → its versions (indices into `laws`), oldest effective first.
    by_name: HashMap<String, Vec<usize>>,
    /// (law version, number, suffix) → article index.
    by_article: HashMap<(usize, u32, Option<String>), usize>,
    pub names: LawNames,
    /// 指导性案例 and 典型案例 shipped with the statutes (lawrefbook 案例), for 类案推送.
    pub cases: Vec<ReferenceCase>,
}

/// A case published by the Supreme People's Court as guidance, shipped with the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceCase {
    /// `lawrefbook/案例/…` path.
    pub id: String,
    pub title: String,
    /// The heading that states the rule (the file's `#` line).
    pub holding: String,
    /// 指导性案例 when it carries 裁判要点, else 典型案例.
    pub tier: String,
    pub text: String,
}

/// A lawrefbook layout marker (`<!-- TABLE -->`, `<!-- FORCE BREAK -->`).
fn is_marker(line: &str) -> bool {
    line.starts_with("<!--") && line.ends_with("-->")
}

/// A lawrefbook 案例 file as a reference case.
fn reference_case(path: &str, text: &str) -> Option<ReferenceCase> {
    let holding = text.lines().find(|l| !l.trim().is_empty())?.trim().strip_prefix("# ")?.trim().to_owned();
    let body = text.split_once("<!-- INFO END -->").map_or(text, |(_, b)| b);
    let title = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix("## "))
        .map(str::trim)
        .find(|h| h.ends_with('案') || h.contains("诉"))
        .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path).trim_end_matches(".md"))
        .to_owned();
    let tier = if body.contains("## 裁判要点") { "指导性案例" } else { "典型案例" }.to_owned();
    let text = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_marker(l))
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join("\n");
    Some(ReferenceCase { id: path.to_owned(), title, holding, tier, text })
}

fn date(text: &str) -> Option<Date> {
    Date::parse_iso(text.trim()).ok()
}

impl Corpus {
    /// The corpus shipped in the binary, parsed once.
    ///
    /// With the texts a court imported (`xiezhi laws import`) when [`install_imported`] was
    /// called before the first use: an imported version replaces a shipped one of the same
    /// name and version day.
    pub fn embedded() -> Result<&'static Corpus, LegalError> {
        static CORPUS: OnceLock<Result<Corpus, LegalError>> = OnceLock::new();
        CORPUS
            .get_or_init(|| {
                let mut corpus = Corpus::from_zip(CORPUS_ZIP)?;
                if let Some(extra) = IMPORTED.get() {
                    corpus.merge(Corpus::from_imported(extra)?);
                }
                Ok(corpus)
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The shipped corpus with `imported` merged in (as [`Corpus::embedded`] builds it), for a
    /// caller that needs the corpus an import has just made.
    pub fn with_imported(imported: &ImportedTexts) -> Result<Corpus, LegalError> {
        let mut corpus = Corpus::from_zip(CORPUS_ZIP)?;
        corpus.merge(Corpus::from_imported(imported)?);
        Ok(corpus)
    }

    /// A corpus of imported texts alone.
    pub fn from_imported(texts: &ImportedTexts) -> Result<Corpus, LegalError> {
        let mut corpus = Corpus::from_tables("", "")?;
        for (laws, articles) in &texts.tables {
            corpus.merge(Corpus::from_tables(laws, articles)?);
        }
        let mut laws = Vec::new();
        for (path, text) in &texts.markdown {
            let file = path.rsplit('/').next().unwrap_or(path);
            if let Some(law) = crate::markdown::parse(file, text) {
                let doc_type = path.split('/').rev().nth(1).unwrap_or("导入").to_owned();
                laws.push((format!("imported/{path}"), doc_type, law));
            }
        }
        corpus.add_markdown(laws);
        Ok(corpus)
    }

    /// Adds `other`'s law versions; a version of the same name and version day as one already
    /// here replaces it (with its articles).
    pub fn merge(&mut self, other: Corpus) {
        let replaced: Vec<bool> =
            self.laws.iter().map(|l| other.laws.iter().any(|o| o.name == l.name && o.version == l.version)).collect();
        let mut new_index = vec![usize::MAX; self.laws.len()];
        let mut laws = Vec::with_capacity(self.laws.len() + other.laws.len());
        for (i, l) in std::mem::take(&mut self.laws).into_iter().enumerate() {
            if !replaced[i] {
                new_index[i] = laws.len();
                laws.push(l);
            }
        }
        let mut articles: Vec<Article> = std::mem::take(&mut self.articles)
            .into_iter()
            .filter(|a| !replaced[a.law])
            .map(|mut a| {
                a.law = new_index[a.law];
                a
            })
            .collect();
        let offset = laws.len();
        laws.extend(other.laws);
        articles.extend(other.articles.into_iter().map(|mut a| {
            a.law += offset;
            a
        }));
        self.laws = laws;
        self.articles = articles;
        self.cases.extend(other.cases);
        self.reindex();
    }

    /// A corpus from a zip holding `laws.tsv` and `articles.tsv` (the shipped layout).
    pub fn from_zip(bytes: &[u8]) -> Result<Corpus, LegalError> {
        let bad = |e: String| LegalError::Corpus(e);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        let names: Vec<String> = zip
            .file_names()
            .filter_map(Result::ok)
            .map(|n| n.into_owned())
            .filter(|n| n.starts_with("lawrefbook/") && n.ends_with(".md"))
            .collect();
        let mut read = |name: &str| -> Result<String, LegalError> {
            let mut text = String::new();
            zip.by_name(name)
                .map_err(|e| bad(format!("{name}: {e}")))?
                .read_to_string(&mut text)
                .map_err(|e| bad(format!("{name}: {e}")))?;
            Ok(text)
        };
        let laws_text = read("laws.tsv")?;
        let articles_text = read("articles.tsv")?;
        let mut corpus = Corpus::from_tables(&laws_text, &articles_text)?;
        // lawrefbook's metadata: which texts are 已废止 (expired).
        let expired: std::collections::HashSet<String> = read("lawrefbook/status.tsv")
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.len() >= 2 && f[1].trim() == "1").then(|| f[0].to_owned())
            })
            .collect();
        // laws.db is the source for the national laws it has; lawrefbook adds the others.
        let national: std::collections::HashSet<String> = corpus.laws.iter().map(|l| l.name.clone()).collect();
        let mut laws = Vec::new();
        for name in names {
            let text = read(&name)?;
            let file = name.rsplit('/').next().unwrap_or(&name);
            if name.starts_with("lawrefbook/案例/") {
                if let Some(case) = reference_case(&name, &text) {
                    corpus.cases.push(case);
                }
            } else if let Some(law) = crate::markdown::parse(file, &text) {
                if national.contains(&law.name) {
                    continue;
                }
                let folder = name.split('/').nth(1).unwrap_or("").to_owned();
                laws.push((name.clone(), folder, law));
            }
        }
        corpus.add_markdown_with_status(laws, &expired);
        Ok(corpus)
    }

    /// Adds law versions read from markdown (id, doc type, law) and re-indexes. Of several
    /// versions of one name the latest is 现行有效 and the others 已被修改.
    pub fn add_markdown(&mut self, laws: Vec<(String, String, crate::markdown::MarkdownLaw)>) {
        self.add_markdown_with_status(laws, &std::collections::HashSet::new());
    }

    /// As [`Corpus::add_markdown`]; the versions whose id is in `expired` are 已废止.
    pub fn add_markdown_with_status(
        &mut self,
        laws: Vec<(String, String, crate::markdown::MarkdownLaw)>,
        expired: &std::collections::HashSet<String>,
    ) {
        let mut latest: HashMap<String, Option<Date>> = HashMap::new();
        for (_, _, law) in &laws {
            let entry = latest.entry(law.name.clone()).or_insert(law.version);
            *entry = (*entry).max(law.version);
        }
        for (id, doc_type, law) in laws {
            let index = self.laws.len();
            let current = latest.get(&law.name).copied().flatten() == law.version;
            let issuer = ["最高人民法院、最高人民检察院", "最高人民法院", "最高人民检察院", "国务院"]
                .into_iter()
                .find(|p| law.name.starts_with(p))
                .unwrap_or("")
                .to_owned();
            let status = if expired.contains(&id) {
                "已废止"
            } else if current {
                "现行有效"
            } else {
                "已被修改"
            }
            .to_owned();
            self.laws.push(LawVersion {
                id,
                name: law.name,
                doc_type: doc_type.clone(),
                level: doc_type,
                issuer,
                published: law.version,
                effective: law.effective,
                version: law.version,
                status,
            });
            for a in law.articles {
                self.articles.push(Article {
                    law: index,
                    chapter: a.chapter,
                    section: a.section,
                    label: a.label,
                    number: a.number,
                    suffix: a.suffix,
                    text: a.text,
                });
            }
        }
        self.reindex();
    }

    /// A corpus from the two tables' text.
    pub fn from_tables(laws_text: &str, articles_text: &str) -> Result<Corpus, LegalError> {
        let mut laws = Vec::new();
        let mut ids = HashMap::new();
        for (n, line) in laws_text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 9 {
                return Err(LegalError::Corpus(format!("laws.tsv line {}: {} fields", n + 1, f.len())));
            }
            let (effective, version) = (date(f[6]), date(f[7]));
            ids.insert(f[0].to_owned(), laws.len());
            laws.push(LawVersion {
                id: f[0].to_owned(),
                name: f[1].to_owned(),
                doc_type: f[2].to_owned(),
                level: f[3].to_owned(),
                issuer: f[4].to_owned(),
                published: date(f[5]),
                effective: effective.max(version),
                version,
                status: f[8].to_owned(),
            });
        }
        let mut articles = Vec::new();
        for (n, line) in articles_text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let f: Vec<&str> = line.splitn(6, '\t').collect();
            if f.len() < 6 {
                return Err(LegalError::Corpus(format!("articles.tsv line {}: {} fields", n + 1, f.len())));
            }
            let Some(&law) = ids.get(f[0]) else {
                return Err(LegalError::Corpus(format!("articles.tsv line {}: unknown law {}", n + 1, f[0])));
            };
            let label = f[3].to_owned();
            let suffix = label.split_once('条').map(|(_, s)| s).filter(|s| s.starts_with('之')).map(str::to_owned);
            let Ok(number) = f[4].trim().parse::<u32>() else { continue };
            articles.push(Article {
                law,
                chapter: f[1].to_owned(),
                section: f[2].to_owned(),
                label,
                number,
                suffix,
                text: f[5].replace("\\n", "\n"),
            });
        }
        let mut corpus = Corpus {
            laws,
            articles,
            by_name: HashMap::new(),
            by_article: HashMap::new(),
            names: LawNames::new([]),
            cases: Vec::new(),
        };
        corpus.reindex();
        Ok(corpus)
    }

    fn reindex(&mut self) {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, l) in self.laws.iter().enumerate() {
            by_name.entry(l.name.clone()).or_default().push(i);
        }
        for versions in by_name.values_mut() {
            versions.sort_by_key(|&i| (self.laws[i].effective, self.laws[i].version));
        }
        self.by_article =
            self.articles.iter().enumerate().map(|(i, a)| ((a.law, a.number, a.suffix.clone()), i)).collect();
        self.names = LawNames::new(self.laws.iter().map(|l| l.name.as_str()));
        self.by_name = by_name;
    }

    /// The articles of the version of `name` in force on `as_of`.
    pub fn articles_of(&self, name: &str, as_of: Option<Date>) -> Vec<usize> {
        match self.version(name, as_of) {
            Ok(law) => (0..self.articles.len()).filter(|&i| self.articles[i].law == law).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The version of `name` in force on `as_of` (the latest effective on or before it), or
    /// without a day the current one (现行有效, else the latest).
    pub fn version(&self, name: &str, as_of: Option<Date>) -> Result<usize, LegalError> {
        let versions = self.by_name.get(name).ok_or_else(|| LegalError::UnknownLaw(name.to_owned()))?;
        match as_of {
            Some(day) => {
                versions.iter().rev().copied().find(|&i| self.laws[i].effective.is_none_or(|e| e <= day)).ok_or_else(
                    || LegalError::NotYetInForce {
                        law: name.to_owned(),
                        as_of: day.to_string(),
                        first: self.laws[versions[0]].effective.map(|d| d.to_string()).unwrap_or_default(),
                    },
                )
            }
            None => Ok(versions
                .iter()
                .rev()
                .copied()
                .find(|&i| self.laws[i].status == "现行有效")
                .unwrap_or(*versions.last().expect("a name has a version"))),
        }
    }

    /// The article a citation names, in the version in force on `as_of`.
    pub fn show(&self, citation: &str, as_of: Option<Date>) -> Result<&Article, LegalError> {
        let found = cite(citation, &self.names, None);
        let c = found.statutes.first().ok_or_else(|| LegalError::NotACitation(citation.to_owned()))?;
        let law = self.version(&c.law, as_of)?;
        self.by_article.get(&(law, c.article_no, c.suffix.clone())).map(|&i| &self.articles[i]).ok_or_else(|| {
            LegalError::NoSuchArticle {
                law: c.law.clone(),
                version: self.laws[law].version.map(|d| d.to_string()).unwrap_or_default(),
                article: format!(
                    "第{}条{}",
                    crate::numerals::to_chinese(c.article_no),
                    c.suffix.as_deref().unwrap_or("")
                ),
            }
        })
    }

    /// For each law version, whether it is the one [`Corpus::version`] picks for its law — and
    /// never a version that is 已废止: the corpus does not say the day a law was repealed, so
    /// search and recommendation leave repealed texts out (a citation still finds them, marked).
    pub fn in_force(&self, as_of: Option<Date>) -> Vec<bool> {
        let mut chosen = vec![false; self.laws.len()];
        for name in self.by_name.keys() {
            if let Ok(i) = self.version(name, as_of)
                && self.laws[i].status != "已废止"
            {
                chosen[i] = true;
            }
        }
        chosen
    }

    /// Every version of a law with the article `number`/`suffix` in it (oldest first): to
    /// compare an article across versions.
    pub fn versions_of(&self, name: &str, number: u32, suffix: Option<&str>) -> Vec<&Article> {
        self.by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&law| {
                self.by_article.get(&(law, number, suffix.map(str::to_owned))).map(|&i| &self.articles[i])
            })
            .collect()
    }
}

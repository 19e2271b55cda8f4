//! `xiezhi laws show|search|recommend`: the statutes shipped in the binary, by citation, by
//! words, or from a case's facts.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use serde_json::{Value, json};
use xiezhi_app::research::article_json;
use xiezhi_app::{Clock, SystemClock};
use xiezhi_domain::Date;
use xiezhi_legal::{Corpus, Recommender, SearchIndex};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LawsFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum LawsCommand {
    /// 查看法条 the article a citation names (刑法第二百六十四条, 《民法典》第1165条第一款 …)
    Show {
        /// 引注 the citation
        citation: String,
        /// 时点 the version in force on this day (default: today)
        #[arg(long, value_parser = crate::parse_date)]
        as_of: Option<Date>,
        #[arg(long, value_enum, default_value = "text")]
        format: LawsFormat,
    },
    /// 检索法条 the articles that best match some words, with the matching parts
    Search {
        /// 检索词 words, as typed (no need to separate them)
        query: String,
        /// 法律 only this law (full or short name)
        #[arg(long)]
        law: Option<String>,
        /// 时点 the versions in force on this day (default: today)
        #[arg(long, value_parser = crate::parse_date)]
        as_of: Option<Date>,
        /// 条数 how many
        #[arg(long, default_value_t = 10)]
        top: usize,
        #[arg(long, value_enum, default_value = "text")]
        format: LawsFormat,
    },
    /// 导入法律文本 add or update statutes: a laws.db-shaped SQLite file, or a folder of
    /// markdown files in the lawrefbook layout (kept in xiezhi-laws/ beside the database;
    /// importing the same texts again changes nothing; a running server sees them after a restart)
    Import {
        /// 文件或目录
        path: PathBuf,
    },
    /// 法条推荐 the articles a case's facts most likely engage, each with why
    Recommend {
        /// 案情 a text file of the facts ("-" for standard input)
        #[arg(long, value_name = "FILE")]
        facts: PathBuf,
        /// 条数 how many
        #[arg(long, default_value_t = 5)]
        top: usize,
        /// 时点 for facts that are not criminal, the versions in force on this day
        #[arg(long, value_parser = crate::parse_date)]
        as_of: Option<Date>,
        #[arg(long, value_enum, default_value = "text")]
        format: LawsFormat,
    },
}

/// A text file, or standard input for "-".
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
        Ok(text)
    } else {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{}: 不是 UTF-8 文本 not UTF-8 text", path.display()))
    }
}

/// Where imported texts are kept: `xiezhi-laws/` beside the SQLite file (or in the data
/// directory).
pub fn laws_dir(db: &str, data_dir: Option<&Path>) -> PathBuf {
    match xiezhi_store::sqlite_file(db) {
        Some(file) => file.parent().map_or_else(PathBuf::new, Path::to_owned).join("xiezhi-laws"),
        None => data_dir.map_or_else(PathBuf::new, Path::to_owned).join("xiezhi-laws"),
    }
}

/// Every file under `dir` whose name ends with `suffix`, sorted, as (relative path, path).
fn files_under(dir: &Path, suffix: &str) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("reading {}", d.display())),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) && path.file_name().is_some_and(|n| n != "_index.md") {
                let rel = path.strip_prefix(dir).unwrap_or(&path).to_string_lossy().replace('\\', "/");
                out.push((rel, path));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Where the search index is kept: `xiezhi-index/` beside `xiezhi-laws/`.
pub fn index_dir(laws_dir: &Path) -> PathBuf {
    laws_dir.parent().map_or_else(PathBuf::new, Path::to_owned).join("xiezhi-index")
}

/// The kept search index in a directory: read whole, written to a temporary file that is
/// synced and renamed into place (a killed build leaves the old file or none, never half of
/// one), indexes of other corpora removed once the new one is in place. Failing to keep it
/// only costs the next start a rebuild, so errors are logged, not raised.
pub struct IndexDir(pub PathBuf);

impl xiezhi_legal::IndexFiles for IndexDir {
    fn load(&self, name: &str) -> Option<Vec<u8>> {
        std::fs::read(self.0.join(name)).ok()
    }

    fn save(&self, name: &str, bytes: &[u8]) {
        use std::io::Write;
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(&self.0)?;
            let tmp = self.0.join(format!("{name}.tmp-{}", std::process::id()));
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(bytes)?;
            file.sync_all()?;
            drop(file);
            std::fs::rename(&tmp, self.0.join(name))?;
            for entry in std::fs::read_dir(&self.0)?.flatten() {
                let other = entry.file_name().to_string_lossy().into_owned();
                if other != name && other.starts_with("search-") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
            Ok(())
        };
        if let Err(e) = write() {
            tracing::warn!("keeping the search index in {}: {e}", self.0.display());
        }
    }
}

/// Reads the imported texts of `dir` and makes the corpus include them, and the search index
/// kept beside it (both before their first use).
pub fn install_imported(dir: &Path) -> anyhow::Result<()> {
    xiezhi_legal::install_index_files(Box::new(IndexDir(index_dir(dir))));
    if !dir.exists() {
        return Ok(());
    }
    xiezhi_legal::install_imported(read_imported(dir)?);
    Ok(())
}

/// The imported texts kept in `dir`.
fn read_imported(dir: &Path) -> anyhow::Result<xiezhi_legal::ImportedTexts> {
    let mut texts = xiezhi_legal::ImportedTexts::default();
    if !dir.exists() {
        return Ok(texts);
    }
    for (_, path) in files_under(&dir.join("tables"), ".laws.tsv")? {
        let laws = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
        let articles_path = PathBuf::from(path.to_string_lossy().replace(".laws.tsv", ".articles.tsv"));
        let articles =
            std::fs::read_to_string(&articles_path).with_context(|| format!("reading {}", articles_path.display()))?;
        texts.tables.push((laws, articles));
    }
    for (rel, path) in files_under(&dir.join("md"), ".md")? {
        texts
            .markdown
            .push((rel, std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?));
    }
    Ok(texts)
}

/// Writes `text` at `path` unless it already holds it (atomically: a temporary file renamed).
/// Returns whether it was new, changed, or the same.
fn put(path: &Path, text: &str) -> anyhow::Result<&'static str> {
    match std::fs::read_to_string(path) {
        Ok(old) if old == text => return Ok("unchanged"),
        _ => {}
    }
    let existed = path.exists();
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(if existed { "replaced" } else { "added" })
}

/// `xiezhi laws import PATH`: every text checked first (any problem: nothing written).
pub async fn import(path: &Path, dir: &Path) -> anyhow::Result<ExitCode> {
    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    if path.is_dir() {
        let files = files_under(path, ".md")?;
        if files.is_empty() {
            eprintln!("错误 error: {} 中没有 .md 文件（应为 lawrefbook 格式的法律文本）", path.display());
            return Ok(ExitCode::from(1));
        }
        for (rel, file) in files {
            let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            match xiezhi_legal::markdown::parse(&name, &text) {
                Some(law) if !law.articles.is_empty() => writes.push((dir.join("md").join(&rel), text)),
                _ => {
                    eprintln!(
                        "错误 error: {}：不是 lawrefbook 格式（第一行应为“# 名称”）；未导入任何文本",
                        file.display()
                    );
                    return Ok(ExitCode::from(1));
                }
            }
        }
    } else {
        let (laws, articles) = match xiezhi_store::laws_db::read_laws_db(path).await {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "错误 error: {}：不是 laws.db 格式的 SQLite 文件（需要 laws 和 articles 表）：{e}",
                    path.display()
                );
                return Ok(ExitCode::from(1));
            }
        };
        if let Err(e) = Corpus::from_tables(&laws, &articles) {
            eprintln!("错误 error: {}：{e}；未导入任何文本", path.display());
            return Ok(ExitCode::from(1));
        }
        let stem = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "laws".to_owned());
        writes.push((dir.join("tables").join(format!("{stem}.laws.tsv")), laws));
        writes.push((dir.join("tables").join(format!("{stem}.articles.tsv")), articles));
    }
    let (mut added, mut replaced, mut unchanged) = (0, 0, 0);
    for (target, text) in &writes {
        match put(target, text)? {
            "added" => added += 1,
            "replaced" => replaced += 1,
            _ => unchanged += 1,
        }
    }
    println!(
        "法律库导入 {}：新增 {added} 个文件，更新 {replaced} 个，未变 {unchanged} 个（保存在 {}；运行中的服务重启后生效）",
        path.display(),
        dir.display()
    );
    // The search index of the corpus as it now is, kept for the next start (when the texts
    // changed: an unchanged corpus keeps its index).
    let texts = read_imported(dir)?;
    let name = xiezhi_legal::index_file_name(xiezhi_legal::corpus_fingerprint(Some(&texts)));
    let index_dir = index_dir(dir);
    if !index_dir.join(&name).exists() {
        let started = std::time::Instant::now();
        let corpus = xiezhi_legal::Corpus::with_imported(&texts).context("reading the corpus with the import")?;
        let index = xiezhi_legal::SearchIndex::build(&corpus);
        xiezhi_legal::IndexFiles::save(&IndexDir(index_dir.clone()), &name, &index.to_bytes());
        println!(
            "检索索引已重建 search index rebuilt: {} 条 articles, {:.1} s, {}",
            corpus.articles.len(),
            started.elapsed().as_secs_f64(),
            index_dir.join(&name).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(command: LawsCommand) -> anyhow::Result<ExitCode> {
    let corpus = Corpus::embedded().context("reading the statute corpus")?;
    // Without a day: the versions in force today (a revision published but not yet in force
    // does not apply).
    let today = SystemClock.today();
    match command {
        LawsCommand::Show { citation, as_of, format } => {
            let article = match corpus.show(&citation, Some(as_of.unwrap_or(today))) {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("错误 error: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let index =
                corpus.articles.iter().position(|a| std::ptr::eq(a, article)).expect("an article of the corpus");
            let value = article_json(corpus, index);
            match format {
                LawsFormat::Json => crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&value)?))?,
                LawsFormat::Text => {
                    let law = &corpus.laws[article.law];
                    crate::write_stdout(&format!(
                        "《{}》{}（{}版，{}起施行，{}）\n{}\n",
                        law.name,
                        article.label,
                        law.version.map(|d| d.to_string()).unwrap_or_default(),
                        law.effective.map(|d| d.to_string()).unwrap_or_default(),
                        law.status,
                        article.text
                    ))?
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        LawsCommand::Search { query, law, as_of, top, format } => {
            let only = match &law {
                Some(name) => {
                    Some(corpus.names.resolve(name).with_context(|| format!("--law {name}: 法律库中没有该法律"))?)
                }
                None => None,
            };
            let in_force = corpus.in_force(Some(as_of.unwrap_or(today)));
            let index = SearchIndex::embedded().context("the search index")?;
            let hits = index.search(corpus, &query, top, |a| {
                let law = &corpus.laws[corpus.articles[a].law];
                in_force[corpus.articles[a].law] && only.is_none_or(|o| law.name == o)
            });
            match format {
                LawsFormat::Json => {
                    let list: Vec<Value> = hits
                        .iter()
                        .map(|h| {
                            let mut v = article_json(corpus, h.article);
                            v["score"] = json!((h.score * 1000.0).round() / 1000.0);
                            v["highlights"] = json!(h.highlights.iter().map(|(s, e)| [s, e]).collect::<Vec<_>>());
                            v
                        })
                        .collect();
                    crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
                }
                LawsFormat::Text => {
                    let mut out = String::new();
                    for (i, h) in hits.iter().enumerate() {
                        let a = &corpus.articles[h.article];
                        let chars: Vec<char> = a.text.chars().collect();
                        // The text with the matching parts in 【】.
                        let mut marked = String::new();
                        let mut at = 0;
                        for (s, e) in &h.highlights {
                            marked.extend(&chars[at..*s]);
                            marked.push('【');
                            marked.extend(&chars[*s..*e]);
                            marked.push('】');
                            at = *e;
                        }
                        marked.extend(&chars[at..]);
                        out.push_str(&format!("{}. 《{}》{}\n{}\n\n", i + 1, corpus.laws[a.law].name, a.label, marked));
                    }
                    if hits.is_empty() {
                        out.push_str("没有匹配的法条 no article matches\n");
                    }
                    crate::write_stdout(&out)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        LawsCommand::Import { .. } => anyhow::bail!("laws import needs the database's directory (run through main)"),
        LawsCommand::Recommend { facts, top, as_of, format } => {
            let text = read_text(&facts)?;
            let recommender = Recommender::embedded().context("building the recommender")?;
            let found = recommender.recommend(corpus, &text, top, Some(as_of.unwrap_or(today)));
            match format {
                LawsFormat::Json => {
                    let list: Vec<Value> = found
                        .iter()
                        .map(|r| {
                            let a = &corpus.articles[r.article];
                            json!({
                                "law": corpus.laws[a.law].name,
                                "article": a.label,
                                "article_no": a.number,
                                "suffix": a.suffix,
                                "score": (r.score * 1000.0).round() / 1000.0,
                                "why": r.why,
                            })
                        })
                        .collect();
                    crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
                }
                LawsFormat::Text => {
                    let mut out = String::new();
                    for (i, r) in found.iter().enumerate() {
                        let a = &corpus.articles[r.article];
                        out.push_str(&format!("{}. 《{}》{}\n", i + 1, corpus.laws[a.law].name, a.label));
                        for w in &r.why {
                            out.push_str(&format!("   · {w}\n"));
                        }
                    }
                    if found.is_empty() {
                        out.push_str("没有可推荐的法条 nothing to recommend\n");
                    }
                    crate::write_stdout(&out)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

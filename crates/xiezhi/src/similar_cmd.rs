//! `xiezhi similar` (类案推送) and `xiezhi judgments import` (类案库).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use xiezhi_app::judgments::{SimilarCase, rank};
use xiezhi_app::{Actor, App};

use crate::laws_cmd::{LawsFormat, read_text};

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// 待比案情 a text file of the case's facts ("-" for standard input)
    #[arg(long, value_name = "FILE")]
    pub query: PathBuf,
    /// 候选 rank these instead of the judgment corpus: JSON lines `{"id", "text"}`
    #[arg(long, value_name = "FILE.jsonl")]
    pub candidates: Option<PathBuf>,
    /// 条数 how many (default: every candidate with --candidates, else 10)
    #[arg(long)]
    pub top: Option<usize>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: LawsFormat,
}

#[derive(Debug, Subcommand)]
pub enum JudgmentsCommand {
    /// 导入 add judgments for similar-case search: .txt, .docx (one each) or .jsonl
    /// ({"id", "title"?, "case_number"?, "court"?, "date"?, "tier"?, "text"} a line), or a folder of them
    Import {
        /// 文件或目录
        path: PathBuf,
    },
}

/// Whether similar needs the database (not with --candidates).
pub fn needs_database(args: &SimilarArgs) -> bool {
    args.candidates.is_none()
}

fn candidates_file(path: &Path) -> anyhow::Result<(Vec<String>, Vec<SimilarCase>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let (mut texts, mut list) = (Vec::new(), Vec::new());
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: Value =
            serde_json::from_str(line).with_context(|| format!("{} 第{}行：不是 JSON", path.display(), n + 1))?;
        let id = match &v["id"] {
            Value::String(s) => s.clone(),
            Value::Number(x) => x.to_string(),
            _ => anyhow::bail!("{} 第{}行 id：缺少", path.display(), n + 1),
        };
        let t = v["text"].as_str().with_context(|| format!("{} 第{}行 text：缺少", path.display(), n + 1))?;
        texts.push(t.to_owned());
        list.push(SimilarCase {
            id,
            title: v["title"].as_str().map(str::to_owned),
            case_number: v["case_number"].as_str().map(str::to_owned),
            court: v["court"].as_str().map(str::to_owned),
            tier: v["tier"].as_str().unwrap_or("其他").to_owned(),
            score: 0.0,
            why: Vec::new(),
        });
    }
    Ok((texts, list))
}

fn print(found: &[SimilarCase], with_corpus_fields: bool, format: LawsFormat) -> anyhow::Result<()> {
    match format {
        LawsFormat::Json => {
            let list: Vec<Value> = found
                .iter()
                .map(|c| {
                    let mut v = json!({"id": c.id, "score": (c.score * 1000.0).round() / 1000.0, "why": c.why});
                    if with_corpus_fields {
                        v["case_number"] = json!(c.case_number);
                        v["court"] = json!(c.court);
                        v["tier"] = json!(c.tier);
                        v["title"] = json!(c.title);
                    }
                    v
                })
                .collect();
            crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
        }
        LawsFormat::Text => {
            let mut out = String::new();
            for (i, c) in found.iter().enumerate() {
                let title = c.title.as_deref().or(c.case_number.as_deref()).unwrap_or(&c.id);
                out.push_str(&format!("{}. {}（{}，{:.2}）\n", i + 1, title, c.tier, c.score));
                for w in &c.why {
                    out.push_str(&format!("   · {w}\n"));
                }
            }
            if found.is_empty() {
                out.push_str("没有可比的案例 no cases to compare\n");
            }
            crate::write_stdout(&out)?;
        }
    }
    Ok(())
}

/// `similar --candidates`: no database.
pub fn run_on_candidates(args: &SimilarArgs) -> anyhow::Result<ExitCode> {
    let query = read_text(&args.query)?;
    let file = args.candidates.as_ref().expect("checked by needs_database");
    let (texts, mut list) = candidates_file(file)?;
    let top = args.top.unwrap_or(list.len());
    rank(&query, &texts, &mut list, top);
    list.truncate(top);
    print(&list, false, args.format)?;
    Ok(ExitCode::SUCCESS)
}

/// `similar` over the judgment corpus.
pub async fn run_on_corpus(app: &App, args: &SimilarArgs) -> anyhow::Result<ExitCode> {
    let query = read_text(&args.query)?;
    let found = app.similar_cases(&query, args.top.unwrap_or(10)).await.context("ranking similar cases")?;
    print(&found, true, args.format)?;
    Ok(ExitCode::SUCCESS)
}

pub async fn run_judgments(app: &App, command: JudgmentsCommand) -> anyhow::Result<ExitCode> {
    match command {
        JudgmentsCommand::Import { path } => match app.judgments_import(Actor::Cli, &path).await {
            Ok(r) => {
                println!("类案库：新增 {} 篇，更新 {} 篇，未变 {} 篇", r.added, r.replaced, r.unchanged);
                Ok(ExitCode::SUCCESS)
            }
            Err(xiezhi_app::AppError::BadRequest(m)) => {
                eprintln!("错误 error: {m}（未导入任何文书 nothing was imported）");
                Ok(ExitCode::from(1))
            }
            Err(e) => Err(e).context("importing judgments"),
        },
    }
}

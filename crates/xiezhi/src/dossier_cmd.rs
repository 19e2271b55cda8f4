//! `xiezhi dossier add|list|verify|export`: the electronic case file (电子卷宗).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;
use serde_json::json;
use xiezhi_app::{Actor, App};

#[derive(Debug, Subcommand)]
pub enum DossierCommand {
    /// 添加材料 store files in a case's file: text read from TXT, DOCX and text PDFs, scans (JPEG, PNG, TIFF, image PDFs) by OCR; catalogued
    Add {
        /// 案号
        case_number: String,
        /// 文件
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 类别 the category instead of the automatic one (起诉状, 答辩状, 证据材料, 庭审笔录, 裁判文书, 送达回证, 授权委托书, 身份证明, 其他)
        #[arg(long)]
        category: Option<String>,
    },
    /// 撤回 withdraw a document (it stays, marked), with the reason
    Withdraw {
        /// 案号
        case_number: String,
        /// 材料序号 the document's seq
        seq: i64,
        /// 理由
        #[arg(long)]
        reason: String,
    },
    /// 重新编目 give a document another category (recorded in the chain)
    Recategorise {
        /// 案号
        case_number: String,
        /// 材料序号 the document's seq
        seq: i64,
        /// 类别
        #[arg(long)]
        category: String,
    },
    /// 卷宗目录 the documents of a case's file (JSON): category, reading status, withdrawn
    List {
        /// 案号
        case_number: String,
        /// 链条 every entry of the file's chain instead (add, re-categorise, withdraw) with its hashes
        #[arg(long)]
        chain: bool,
    },
    /// 文字 the text of a case's documents page by page, with each page's confidence (JSON)
    Text {
        /// 案号
        case_number: String,
        /// 材料序号 one document only
        #[arg(long)]
        seq: Option<i64>,
        /// 等待 until every reading has finished (a document nobody is reading is read here)
        #[arg(long)]
        wait: bool,
    },
    /// 校验 re-hash every file and walk every chain; each altered or missing file and broken entry is named (exit 1)
    Verify {
        /// 案号 (none with --all)
        case_numbers: Vec<String>,
        /// 全部 every case with a file
        #[arg(long)]
        all: bool,
    },
    /// 归档导出 the case's file as a zip: documents in catalogue order, their text, a manifest with hashes and the chain
    Export {
        /// 案号
        case_number: String,
        /// 输出 the zip file
        #[arg(long)]
        out: PathBuf,
    },
}

/// Where the blobs live: `--files`, else `xiezhi-files/` beside an SQLite file, else in the data
/// directory.
pub fn files_dir(files: Option<&Path>, db: &str, data_dir: Option<&Path>) -> PathBuf {
    if let Some(f) = files {
        return f.to_owned();
    }
    match xiezhi_store::sqlite_file(db) {
        Some(file) => file.parent().map_or_else(PathBuf::new, Path::to_owned).join("xiezhi-files"),
        None => data_dir.map_or_else(PathBuf::new, Path::to_owned).join("xiezhi-files"),
    }
}

fn entry_json(e: &xiezhi_store::dossier::Entry) -> serde_json::Value {
    json!({
        "seq": e.seq, "kind": e.entry.kind, "document": e.entry.document, "file_name": e.entry.file_name,
        "sha256": e.entry.sha256, "size": e.entry.size, "pages": e.entry.pages, "category": e.entry.category,
        "category_source": e.entry.category_source, "reason": e.entry.reason,
        "ocr": if e.entry.kind != "add" { "" } else if e.entry.body.is_some() { "done" } else { "pending" },
        "added_at": e.entry.at, "added_by": e.entry.by_user,
    })
}

pub async fn run(app: &App, command: DossierCommand) -> anyhow::Result<ExitCode> {
    match command {
        DossierCommand::Add { case_number, files, category } => {
            let mut added = Vec::new();
            for file in &files {
                let e = app
                    .dossier_add(Actor::Cli, &case_number, file, category.as_deref())
                    .await
                    .with_context(|| format!("adding {}", file.display()))?;
                added.push(e.seq);
            }
            // As they stand now: read (by OCR too) and catalogued from their text.
            let documents = app.dossier_documents(Actor::Cli, &case_number).await.context("reading the case file")?;
            let out: Vec<_> =
                added.iter().filter_map(|seq| documents.iter().find(|d| d.seq == *seq)).map(|d| d.to_json()).collect();
            crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Withdraw { case_number, seq, reason } => {
            let e =
                app.dossier_change(Actor::Cli, &case_number, seq, Some(&reason), None).await.context("withdrawing")?;
            crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&entry_json(&e))?))?;
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Recategorise { case_number, seq, category } => {
            let e = app
                .dossier_change(Actor::Cli, &case_number, seq, None, Some(&category))
                .await
                .context("recategorising")?;
            crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&entry_json(&e))?))?;
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::List { case_number, chain: true } => {
            let entries = app.dossier_list(Actor::Cli, &case_number).await.context("reading the case file")?;
            let list: Vec<_> = entries
                .iter()
                .map(|e| {
                    let mut j = entry_json(e);
                    j["prev_hash"] = json!(e.prev_hash);
                    j["hash"] = json!(e.hash);
                    j
                })
                .collect();
            crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::List { case_number, chain: false } => {
            let mut documents =
                app.dossier_documents(Actor::Cli, &case_number).await.context("reading the case file")?;
            documents.sort_by_key(|d| d.seq);
            let list: Vec<_> = documents.iter().map(|d| d.to_json()).collect();
            crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Text { case_number, seq, wait } => {
            let pages = app.dossier_text(Actor::Cli, &case_number, seq, wait).await.context("reading the text")?;
            let list: Vec<_> = pages.iter().map(|(s, p)| xiezhi_app::dossier::page_json(*s, p)).collect();
            crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
            Ok(ExitCode::SUCCESS)
        }
        DossierCommand::Verify { case_numbers, all } => {
            if case_numbers.is_empty() && !all {
                eprintln!("用法错误 usage error: name the cases, or --all");
                return Ok(ExitCode::from(2));
            }
            let problems = app.dossier_verify(&case_numbers).await.context("verifying the case files")?;
            let list: Vec<_> = problems
                .iter()
                .map(|p| json!({"case_number": p.case_number, "seq": p.seq, "problem": p.problem}))
                .collect();
            crate::write_stdout(&format!(
                "{}\n",
                serde_json::to_string_pretty(&json!({"ok": problems.is_empty(), "problems": list}))?
            ))?;
            Ok(if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        DossierCommand::Export { case_number, out } => {
            let n = app.dossier_export(Actor::Cli, &case_number, &out).await.context("exporting the case file")?;
            println!("已导出 exported {n} documents to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

//! `xiezhi judges import|list|conflict add` (员额法官名册) and `xiezhi assignment verify`
//! (分案记录重放).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use xiezhi_app::roster::RosterImportError;
use xiezhi_app::{Actor, App, AppError};
use xiezhi_domain::CourtCode;

#[derive(Debug, Subcommand)]
pub enum JudgesCommand {
    /// 导入名册 import a roster file (CSV/XLSX; upsert by 工号; any problem: nothing imported)
    Import {
        /// 名册文件 the roster (columns 工号, 姓名, 法院代码, 办案类型; optional 庭室, 繁简, 办案系数, 在岗)
        file: PathBuf,
    },
    /// 名册列表 list the roster with open cases
    List {
        /// 法院代字 one court (e.g. 粤0106)
        #[arg(long)]
        court: Option<String>,
        /// 输出格式 output format
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// 回避事由 declared conflicts
    #[command(subcommand)]
    Conflict(ConflictCommand),
}

#[derive(Debug, Subcommand)]
pub enum ConflictCommand {
    /// 登记回避事由 declare a conflict between a judge and a party
    Add {
        /// 工号 the judge
        judge_id: String,
        /// 当事人 the party's name
        #[arg(long)]
        party: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum AssignmentCommand {
    /// 重放分案 replay assignments from their records; one line per mismatch (exit 1 if any)
    Verify {
        /// 案号 the cases to check
        case_numbers: Vec<String>,
        /// 全部 every assignment
        #[arg(long)]
        all: bool,
    },
}

fn usage(message: &str) -> ExitCode {
    eprintln!("用法错误 usage error: {message}");
    ExitCode::from(2)
}

pub async fn judges(app: &App, command: JudgesCommand) -> anyhow::Result<ExitCode> {
    match command {
        JudgesCommand::Import { file } => match app.import_roster(Actor::Cli, &file).await {
            Ok(done) => {
                println!(
                    "名册已导入 roster imported: {} new, {} updated, {} unchanged; {} case links and {} account links changed",
                    done.inserted, done.updated, done.unchanged, done.linked_cases, done.linked_accounts
                );
                Ok(ExitCode::SUCCESS)
            }
            Err(RosterImportError::File(e)) => {
                eprintln!("错误 error: {e}");
                Ok(ExitCode::from(1))
            }
            Err(RosterImportError::App(e)) => Err(e).context("importing the roster"),
        },
        JudgesCommand::List { court, format } => {
            let court = match court.as_deref().map(str::trim) {
                Some(c) => match CourtCode::parse(c) {
                    Some(code) => Some(code),
                    None => return Ok(usage(&format!("{c:?} is not a court code (e.g. 粤0106)"))),
                },
                None => None,
            };
            let lines = app.roster(None, court).await.context("reading the roster")?;
            match format {
                ListFormat::Json => {
                    crate::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&lines)?))?;
                }
                ListFormat::Table => {
                    let mut out = String::from("工号\t姓名\t法院\t庭室\t办案类型\t繁简\t系数\t在岗\t在办\n");
                    for j in &lines {
                        out.push_str(&format!(
                            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
                            j.judge_id,
                            j.name,
                            j.court,
                            j.department.as_deref().unwrap_or(""),
                            j.case_types.join("、"),
                            j.track,
                            j.weight,
                            if j.active { "是" } else { "否" },
                            j.open_cases
                        ));
                    }
                    out.push_str(&format!("共 {} 人 judges\n", lines.len()));
                    crate::write_stdout(&out)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        JudgesCommand::Conflict(ConflictCommand::Add { judge_id, party }) => {
            match app.add_conflict(Actor::Cli, &judge_id, &party).await {
                Ok(true) => println!("已登记回避事由 conflict recorded for {judge_id}"),
                Ok(false) => println!("该回避事由已登记 already recorded for {judge_id}"),
                Err(AppError::NotFound) => {
                    eprintln!("错误 error: 名册中没有工号 {judge_id:?} / no judge {judge_id:?} in the roster");
                    return Ok(ExitCode::from(1));
                }
                Err(AppError::Refused(r)) => return Ok(usage(&r.message)),
                Err(e) => return Err(e).context("recording the conflict"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn assignment(app: &App, command: AssignmentCommand) -> anyhow::Result<ExitCode> {
    let AssignmentCommand::Verify { case_numbers, all } = command;
    if all != case_numbers.is_empty() {
        return Ok(usage("name the cases (案号 …) or pass --all, not both"));
    }
    let result = match app.verify_assignments(&case_numbers).await {
        Ok(r) => r,
        Err(AppError::BadRequest(m)) => {
            eprintln!("错误 error: {m}");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e).context("replaying the assignments"),
    };
    for m in &result.mismatches {
        println!("不一致 mismatch {} (assignment #{}): {}", m.case_number, m.assignment_id, m.problem);
    }
    if result.mismatches.is_empty() {
        println!("分案记录一致 {} assignments replayed, no mismatch", result.checked);
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} 处不一致 mismatches in {} assignments", result.mismatches.len(), result.checked);
        Ok(ExitCode::from(1))
    }
}

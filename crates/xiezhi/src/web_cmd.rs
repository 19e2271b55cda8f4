//! `xiezhi serve`, the demo accounts of `xiezhi demo`, and `xiezhi user add|passwd|disable`.

use std::io::Read;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Subcommand;
use xiezhi_domain::{CourtCode, CourtLevel};
use xiezhi_store::Store;
use xiezhi_store::accounts::NewUser;
use xiezhi_web::access::Access;
use xiezhi_web::{AppState, WebConfig, auth};

use crate::clock;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 添加用户 add an account (the password is read from standard input)
    Add {
        /// 用户名 username
        username: String,
        /// 角色 admin | manager | judge | clerk
        #[arg(long)]
        role: String,
        /// 法院代字 the court (e.g. 粤01; optional for admin)
        #[arg(long)]
        court: Option<String>,
        /// 法官姓名 the judge's name (judge), or the judge a clerk assists (clerk)
        #[arg(long)]
        judge: Option<String>,
        /// 从标准输入读取密码 read the password from standard input (required)
        #[arg(long)]
        password_stdin: bool,
    },
    /// 修改密码 set a new password (read from standard input); ends the user's sessions
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// 停用用户 disable an account; ends its sessions
    Disable { username: String },
}

fn read_password() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).context("reading the password from standard input")?;
    let password = text.lines().next().unwrap_or("").to_owned();
    if let Err(message) = xiezhi_web::check_password(&password) {
        bail!("{message} (password too short: at least 10 characters)");
    }
    Ok(password)
}

fn usage(message: &str) -> anyhow::Result<ExitCode> {
    eprintln!("用法错误 usage error: {message}");
    Ok(ExitCode::from(2))
}

pub async fn user(store: &Store, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add { username, role, court, judge, password_stdin } => {
            if !password_stdin {
                return usage("pass the password on standard input with --password-stdin");
            }
            let access = match Access::new(&username, &role, court.as_deref(), judge.as_deref()) {
                Ok(a) => a,
                Err(e) => return usage(&e.to_string()),
            };
            let password = read_password()?;
            let hash = auth::hash_password(&password)?;
            let court = access.court.map(|c| c.to_string());
            let created = store
                .create_user(&NewUser {
                    username: &username,
                    password_hash: &hash,
                    role: access.role.key(),
                    court_code: court.as_deref(),
                    judge_name: access.judge.as_deref(),
                    created_at: &clock::timestamp(),
                })
                .await?;
            if created.is_none() {
                bail!("the user {username:?} exists already (xiezhi user passwd to change the password)");
            }
            store.audit(&clock::timestamp(), None, "user_add", Some(&username), Some("cli")).await?;
            println!("已添加用户 added {username} ({})", access.role.label());
            // A court with no case yet is allowed (its data may come later), but worth a word:
            // a mistyped code would give an account that sees nothing.
            if let Some(code) = &court
                && !store.court_codes().await?.iter().any(|known| known == code)
            {
                eprintln!("注意 note: 数据中尚无法院 {code} 的案件 / no case of court {code} in the data yet");
            }
        }
        UserCommand::Passwd { username, password_stdin } => {
            if !password_stdin {
                return usage("pass the password on standard input with --password-stdin");
            }
            let password = read_password()?;
            let hash = auth::hash_password(&password)?;
            if !store.set_password_hash(&username, &hash).await? {
                bail!("no user {username:?}");
            }
            store.audit(&clock::timestamp(), None, "user_password", Some(&username), Some("cli")).await?;
            println!("已修改密码 password changed for {username}");
        }
        UserCommand::Disable { username } => {
            if !store.set_user_disabled(&username, true).await? {
                bail!("no user {username:?}");
            }
            store.audit(&clock::timestamp(), None, "user_disable", Some(&username), Some("cli")).await?;
            println!("已停用 disabled {username}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates (or gives new random passwords to) one demo account per role and prints them.
pub async fn demo_accounts(store: &Store) -> anyhow::Result<()> {
    let courts = store.courts().await.context("reading courts")?;
    let codes: Vec<CourtCode> = courts.iter().filter_map(|c| CourtCode::parse(&c.code)).collect();
    let Some(city) = codes.iter().copied().find(|c| c.level() == CourtLevel::Intermediate) else {
        println!("没有中院数据，未创建演示账户 no 中院 in the data: no demo accounts");
        return Ok(());
    };
    // The basic court of that city with the most cases, and its busiest judge.
    let basic = courts
        .iter()
        .filter(|c| CourtCode::parse(&c.code).is_some_and(|k| k.level() == CourtLevel::Basic && k.city() == Some(city)))
        .max_by_key(|c| c.cases)
        .and_then(|c| CourtCode::parse(&c.code))
        .unwrap_or(city);
    let mut counts: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    store
        .for_each_fact(|f| {
            if f.case_number.court() == Some(basic)
                && let Some(j) = f.judge.as_deref().map(str::trim).filter(|j| !j.is_empty())
            {
                *counts.entry(j.to_owned()).or_default() += 1;
            }
        })
        .await?;
    let judge = counts.into_iter().max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0))).map(|(j, _)| j);
    let city_text = city.to_string();
    let basic_text = basic.to_string();
    let mut accounts: Vec<(&str, &str, Option<&str>, Option<&str>)> =
        vec![("demo-admin", "admin", None, None), ("demo-manager", "manager", Some(&city_text), None)];
    if let Some(judge) = judge.as_deref() {
        accounts.push(("demo-judge", "judge", Some(&basic_text), Some(judge)));
        accounts.push(("demo-clerk", "clerk", Some(&basic_text), Some(judge)));
    }
    println!("演示账户 demo accounts (新随机密码 fresh random passwords, every start):");
    for (username, role, court, judge) in accounts {
        let password = auth::random_password();
        let hash = auth::hash_password(&password)?;
        let created = store
            .create_user(&NewUser {
                username,
                password_hash: &hash,
                role,
                court_code: court,
                judge_name: judge,
                created_at: &clock::timestamp(),
            })
            .await?;
        if created.is_none() {
            store.set_password_hash(username, &hash).await?;
            store.set_user_disabled(username, false).await?;
        }
        let access = Access::new(username, role, court, judge)?;
        println!("  {username:<13} {password}  {}：{}", access.role.label(), access.scope_label());
    }
    Ok(())
}

/// Serves until Ctrl-C.
pub async fn serve(
    store: Store,
    addr: SocketAddr,
    demo: bool,
    secure_cookies: bool,
    catalogue: xiezhi_metrics::Catalogue,
) -> anyhow::Result<()> {
    // The banner follows the data: `xiezhi serve` on a demo database shows it too.
    let demo = demo || store.has_demo_data().await.context("reading the import history")?;
    // The court's licensed fonts for DOCX charts, as for `xiezhi report --fonts`.
    let fonts_dir = std::env::var_os("XIEZHI_FONTS").map(std::path::PathBuf::from);
    let config = WebConfig { demo_banner: demo, fonts_dir, secure_cookies, catalogue, ..WebConfig::default() };
    let state = AppState::new(store, Arc::new(clock::SystemClock), config);
    println!("网页服务 serving on http://{addr}/ (Ctrl-C 停止 to stop)");
    xiezhi_web::serve(state, addr).await.context("serving the web platform")?;
    Ok(())
}

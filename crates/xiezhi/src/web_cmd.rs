//! `xiezhi serve`, the demo accounts of `xiezhi demo`, and `xiezhi user add|passwd|disable`.

use std::io::Read;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::Subcommand;
use xiezhi_app::accounts::{NewAccount, random_password};
use xiezhi_app::{Access, Actor, App, AppError};
use xiezhi_domain::{CourtCode, CourtLevel};
use xiezhi_web::{AppState, WebConfig};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// 添加用户 add an account (the password is read from standard input)
    Add {
        /// 用户名 username
        username: String,
        /// 角色 admin | manager | registrar | judge | clerk
        #[arg(long)]
        role: String,
        /// 法院代字 the court (e.g. 粤01; optional for admin)
        #[arg(long)]
        court: Option<String>,
        /// 法官姓名 the judge's name (judge), or the judge a clerk assists (clerk)
        #[arg(long)]
        judge: Option<String>,
        /// 电子邮件 where the daily 审限 digest goes (with `serve --smtp` / `deadlines notify --smtp`)
        #[arg(long)]
        email: Option<String>,
        /// 从标准输入读取密码 read the password from standard input (required)
        #[arg(long)]
        password_stdin: bool,
    },
    /// 设置电子邮件 set (or with --clear remove) the address the daily 审限 digest goes to
    Email {
        username: String,
        /// the address, e.g. zhang@court.example
        address: Option<String>,
        /// remove the address
        #[arg(long, conflicts_with = "address")]
        clear: bool,
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
    if let Err(message) = xiezhi_app::accounts::check_password(&password) {
        bail!("{message} (password too short: at least 10 characters)");
    }
    Ok(password)
}

fn usage(message: &str) -> anyhow::Result<ExitCode> {
    eprintln!("用法错误 usage error: {message}");
    Ok(ExitCode::from(2))
}

pub async fn user(app: &App, command: UserCommand) -> anyhow::Result<ExitCode> {
    match command {
        UserCommand::Add { username, role, court, judge, email, password_stdin } => {
            if !password_stdin {
                return usage("pass the password on standard input with --password-stdin");
            }
            if let Err(message) = xiezhi_app::accounts::check_username(&username) {
                return usage(&message);
            }
            if let Err(e) = Access::new(&username, &role, court.as_deref(), judge.as_deref()) {
                return usage(&e.to_string());
            }
            if let Some(Err(message)) = email.as_deref().map(xiezhi_app::accounts::check_email) {
                return usage(&message);
            }
            let password = read_password()?;
            let new = NewAccount { username: username.clone(), password, role, court: court.clone(), judge };
            let access = match app.add_user(Actor::Cli, &new).await {
                Ok(a) => a,
                Err(AppError::BadRequest(m)) if m.contains("已存在") => {
                    bail!("the user {username:?} exists already (xiezhi user passwd to change the password)")
                }
                Err(e) => return Err(e.into()),
            };
            if let Some(address) = email.as_deref() {
                app.set_email(Actor::Cli, &username, Some(address)).await?;
            }
            println!("已添加用户 added {username} ({})", access.role.label());
            // A court with no case yet is allowed (its data may come later), but worth a word:
            // a mistyped code would give an account that sees nothing.
            if let Some(code) = access.court.map(|c| c.to_string())
                && !app.store.court_codes().await?.contains(&code)
            {
                eprintln!("注意 note: 数据中尚无法院 {code} 的案件 / no case of court {code} in the data yet");
            }
        }
        UserCommand::Passwd { username, password_stdin } => {
            if !password_stdin {
                return usage("pass the password on standard input with --password-stdin");
            }
            let password = read_password()?;
            match app.set_password(Actor::Cli, &username, &password).await {
                Ok(()) => println!("已修改密码 password changed for {username}"),
                Err(AppError::NotFound) => bail!("no user {username:?}"),
                Err(e) => return Err(e.into()),
            }
        }
        UserCommand::Email { username, address, clear } => {
            if address.is_none() && !clear {
                return usage("give the address, or --clear to remove it");
            }
            match app.set_email(Actor::Cli, &username, address.as_deref()).await {
                Ok(()) if clear => println!("已删除电子邮件 e-mail removed for {username}"),
                Ok(()) => println!("已设置电子邮件 e-mail set for {username}"),
                Err(AppError::NotFound) => bail!("no user {username:?}"),
                Err(AppError::BadRequest(m)) => return usage(&m),
                Err(e) => return Err(e.into()),
            }
        }
        UserCommand::Disable { username } => match app.set_disabled(Actor::Cli, &username, true).await {
            Ok(()) => println!("已停用 disabled {username}"),
            Err(AppError::NotFound) => bail!("no user {username:?}"),
            Err(e) => return Err(e.into()),
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates (or gives new random passwords to) one demo account per role and prints them.
pub async fn demo_accounts(app: &App) -> anyhow::Result<()> {
    let courts = app.store.courts().await.context("reading courts")?;
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
    app.store
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
    let mut accounts: Vec<(&str, &str, Option<&str>, Option<&str>)> = vec![
        ("demo-admin", "admin", None, None),
        ("demo-manager", "manager", Some(&city_text), None),
        ("demo-court", "manager", Some(&basic_text), None),
        ("demo-registrar", "registrar", Some(&basic_text), None),
    ];
    if let Some(judge) = judge.as_deref() {
        accounts.push(("demo-judge", "judge", Some(&basic_text), Some(judge)));
        accounts.push(("demo-clerk", "clerk", Some(&basic_text), Some(judge)));
    }
    println!("演示账户 demo accounts (新随机密码 fresh random passwords, every start):");
    for (username, role, court, judge) in accounts {
        let password = random_password();
        let new = NewAccount {
            username: username.to_owned(),
            password: password.clone(),
            role: role.to_owned(),
            court: court.map(str::to_owned),
            judge: judge.map(str::to_owned),
        };
        match app.add_user(Actor::Cli, &new).await {
            Ok(_) => {}
            Err(AppError::BadRequest(m)) if m.contains("已存在") => {
                app.set_password(Actor::Cli, username, &password).await?;
                app.set_disabled(Actor::Cli, username, false).await?;
            }
            Err(e) => return Err(e.into()),
        }
        let access = Access::new(username, role, court, judge)?;
        println!("  {username:<15} {password}  {}：{}", access.role.label(), access.scope_label());
    }
    Ok(())
}

/// Serves until Ctrl-C, then persists the dataset. A daily job raises the deadline
/// notifications (at start, then whenever the day changes), mailing digests when `mailer` is
/// given.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    demo: bool,
    secure_cookies: bool,
    mailer: Option<xiezhi_app::mail::Mailer>,
    trusted_proxies: Vec<std::net::IpAddr>,
) -> anyhow::Result<()> {
    let job = app.clone();
    tokio::spawn(async move {
        let mut last = None;
        loop {
            let today = job.clock.today();
            if last != Some(today) {
                match job.notify(today, mailer.as_ref()).await {
                    Ok(run) => tracing::info!(
                        "deadline notifications for {today}: {} near, {} overdue, {} digests mailed",
                        run.near,
                        run.overdue,
                        run.mailed
                    ),
                    Err(e) => tracing::warn!("deadline notifications for {today}: {e}"),
                }
                last = Some(today);
            }
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
        }
    });
    // 文字识别 left unfinished when the server last stopped is queued again.
    match app.resume_dossier_reading().await {
        Ok(0) => {}
        Ok(n) => tracing::info!("{n} case-file documents queued again for reading"),
        Err(e) => tracing::warn!("resuming case-file reading: {e}"),
    }
    // The banner follows the data: `xiezhi serve` on a demo database shows it too.
    let demo = demo || app.store.has_demo_data().await.context("reading the import history")?;
    let config =
        WebConfig { demo_banner: demo, secure_cookies, trusted_proxies, ..WebConfig::new(std::env::temp_dir()) };
    let addr = listener.local_addr().context("the listening address")?;
    let store = app.store.clone();
    let state = AppState::new(app, config);
    println!("网页服务 serving on http://{addr}/ (Ctrl-C 停止 to stop)");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    xiezhi_web::serve(state, listener, shutdown).await.context("serving the web platform")?;
    // Every connection closed: SQLite checkpoints its write-ahead log and removes it, so a
    // Ctrl-C leaves the database as one file.
    store.close().await;
    println!("已停止 stopped");
    Ok(())
}

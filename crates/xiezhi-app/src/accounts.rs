//! 账户与会话 accounts (argon2id passwords), sessions (random ids, idle and absolute timeouts,
//! a CSRF token each), login throttling, and the account use cases of `xiezhi user` and the
//! 用户管理 page — one rule for both.

use std::collections::HashMap;
use std::sync::Mutex;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use xiezhi_store::accounts::{NewUser, Session, User};

use crate::{Access, Actor, App, AppConfig, AppError, Role};

/// Sessions are marked as used at most this often (seconds), to spare the database a write per request.
const TOUCH_EVERY: i64 = 60;
/// Usernames longer than this are refused before anything is stored about them.
pub const MAX_USERNAME_CHARS: usize = 64;
/// Passwords longer than this are refused before they are hashed.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Usernames tracked before expired entries are swept.
const TRACKED_USERNAMES: usize = 10_000;

fn hasher(memory_kib: u32, iterations: u32) -> Result<Argon2<'static>, AppError> {
    let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// An argon2id PHC string of `password` (random salt) with the configured cost.
pub fn hash_password(config: &AppConfig, password: &str) -> Result<String, AppError> {
    hasher(config.argon2_memory_kib, config.argon2_iterations)?
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

/// Whether `password` matches the PHC string (its own parameters are used).
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// 64 hex digits from the operating system's random source.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A readable random password: 16 characters without look-alikes (about 90 bits).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system provides random bytes");
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

/// Equal-time comparison of two tokens.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The password rule: at least 10 characters (at most 1 KB).
pub fn check_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 10 {
        Err("密码至少 10 个字符 / a password has at least 10 characters".to_owned())
    } else if password.len() > MAX_PASSWORD_BYTES {
        Err("密码过长（最多 1024 字节）/ password too long".to_owned())
    } else {
        Ok(())
    }
}

/// The username rule, the same for `xiezhi user add` and the web: 1–64 characters, no
/// whitespace (spaces, tabs) or control characters.
pub fn check_username(username: &str) -> Result<(), String> {
    let ok = !username.is_empty()
        && username.chars().count() <= MAX_USERNAME_CHARS
        && !username.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err("用户名不能为空，不能含空白字符，最长 64 个字符 / a username is 1–64 characters without whitespace"
            .to_owned())
    }
}

/// Login throttling, and the number of password hashes at once.
///
/// Failures are counted per (username, client), per client and per username within
/// [`AppConfig::throttle_window`]:
/// - one client guessing one account: after [`AppConfig::max_failed_logins`] failures each
///   further attempt must wait twice as long as the last (2 s, 4 s, 8 s … up to the window) —
///   a delay, not a lock, so a mistyped password costs seconds;
/// - one client trying many usernames: refused after [`AppConfig::max_failed_per_client`]
///   failures until they expire;
/// - many clients guessing one account: after [`AppConfig::max_failed_per_username`] failures
///   the account is closed to every client **except its usual one** (the last client that
///   signed in to it successfully), so nobody can lock a colleague out from elsewhere.
#[derive(Debug)]
pub struct Throttle {
    state: Mutex<ThrottleState>,
    /// Password hashes computed at once (argon2 takes 19 MiB and a core's time each): logins
    /// beyond this wait their turn instead of filling the blocking pool.
    hashing: tokio::sync::Semaphore,
}

#[derive(Debug, Default)]
struct ThrottleState {
    by_pair: HashMap<(String, String), Vec<i64>>,
    by_client: HashMap<String, Vec<i64>>,
    by_username: HashMap<String, Vec<i64>>,
    /// The last client that signed in to each username.
    usual: HashMap<String, String>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle { state: Mutex::new(ThrottleState::default()), hashing: tokio::sync::Semaphore::new(2) }
    }
}

/// Drops failures older than the window; `true` when some remain.
fn expire(list: &mut Vec<i64>, now: i64, window: i64) -> bool {
    list.retain(|t| now - t < window);
    !list.is_empty()
}

/// Seconds the next attempt must wait after `failures` failures (the last at `last`), given
/// that `free` failures cost nothing: 2, 4, 8 … seconds, at most `window`.
fn delay(failures: usize, free: usize, window: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free + 1).min(30) as u32;
    (1i64 << doublings).min(window)
}

impl Throttle {
    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    /// Records a login attempt of `username` from `client` before its password is checked (it
    /// counts as a failure until [`Throttle::clear`]), so that parallel guesses are all
    /// counted; `false` when the attempt must wait.
    fn begin(&self, username: &str, client: &str, now: i64, config: &AppConfig) -> bool {
        let mut state = self.state.lock().expect("throttle lock");
        let window = config.throttle_window;
        // Invented usernames and clients cost memory only until their failures expire.
        if state.by_pair.len() + state.by_client.len() + state.by_username.len() > TRACKED_USERNAMES {
            state.by_pair.retain(|_, l| expire(l, now, window));
            state.by_client.retain(|_, l| expire(l, now, window));
            state.by_username.retain(|_, l| expire(l, now, window));
        }
        let user = Throttle::key(username);
        let pair = (user.clone(), client.to_owned());
        let st = &mut *state;
        let client_failures = st.by_client.entry(client.to_owned()).or_default();
        expire(client_failures, now, window);
        if client_failures.len() >= config.max_failed_per_client as usize {
            return false;
        }
        let pair_failures = st.by_pair.entry(pair.clone()).or_default();
        expire(pair_failures, now, window);
        let wait = delay(pair_failures.len(), config.max_failed_logins as usize, window);
        if pair_failures.last().is_some_and(|last| now - last < wait) {
            return false;
        }
        let user_failures = st.by_username.entry(user.clone()).or_default();
        expire(user_failures, now, window);
        let usual = st.usual.get(&user).is_some_and(|c| c == client);
        if !usual && user_failures.len() >= config.max_failed_per_username as usize {
            return false;
        }
        user_failures.push(now);
        st.by_pair.get_mut(&pair).expect("inserted above").push(now);
        st.by_client.get_mut(client).expect("inserted above").push(now);
        true
    }

    /// A successful login: the attempt was not a failure, and `client` becomes the usual one.
    fn clear(&self, username: &str, client: &str) {
        let mut state = self.state.lock().expect("throttle lock");
        let user = Throttle::key(username);
        state.by_pair.remove(&(user.clone(), client.to_owned()));
        if let Some(list) = state.by_client.get_mut(client) {
            list.pop();
        }
        if let Some(list) = state.by_username.get_mut(&user) {
            list.pop();
        }
        if state.usual.len() > TRACKED_USERNAMES {
            state.usual.clear();
        }
        state.usual.insert(user, client.to_owned());
    }
}

/// The client of logins that do not come over the network (the command line, tests).
pub const LOCAL_CLIENT: &str = "local";

/// The signed-in user of a session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub access: Access,
    pub session_id: String,
    pub csrf: String,
}

impl CurrentUser {
    /// Whether `token` is this session's CSRF token.
    pub fn csrf_matches(&self, token: Option<&str>) -> bool {
        token.is_some_and(|t| same_token(t, &self.csrf))
    }
}

/// The access of a stored account.
fn access_of(user: &User) -> Result<Access, AppError> {
    Access::new(&user.username, &user.role, user.court_code.as_deref(), user.judge_name.as_deref())
        .map(|a| a.with_judge_id(user.judge_id.as_deref()))
        .map_err(|_| AppError::Forbidden)
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub role: String,
    pub court: Option<String>,
    pub judge: Option<String>,
}

impl App {
    /// The user of session `id`: [`AppError::SessionExpired`] when it has ended (unknown or
    /// expired session, disabled account; an expired one is deleted).
    pub async fn session(&self, id: &str) -> Result<CurrentUser, AppError> {
        let (session, user) = self.store.session_with_user(id).await?.ok_or(AppError::SessionExpired)?;
        let now = self.clock.unix_seconds();
        let expired = now - session.last_seen > self.config.idle_timeout
            || now - session.created_at > self.config.max_session_age;
        if expired || user.disabled {
            self.store.delete_session(id).await?;
            return Err(AppError::SessionExpired);
        }
        let access = access_of(&user)?;
        if now - session.last_seen >= TOUCH_EVERY {
            self.store.touch_session(id, now).await?;
        }
        Ok(CurrentUser { access, session_id: id.to_owned(), csrf: session.csrf_token })
    }

    /// Checks a username and password and opens a new session (a new id whatever session the
    /// client had: `previous`, if any, is ended). Throttled usernames are refused without their
    /// password being looked at.
    pub async fn login(&self, username: &str, password: &str, previous: Option<&str>) -> Result<CurrentUser, AppError> {
        self.login_from(LOCAL_CLIENT, username, password, previous).await
    }

    /// [`App::login`] from `client` (the address the web layer believes: the peer, or the
    /// forwarded address when the peer is a trusted proxy), for per-client throttling.
    pub async fn login_from(
        &self,
        client: &str,
        username: &str,
        password: &str,
        previous: Option<&str>,
    ) -> Result<CurrentUser, AppError> {
        let now = self.clock.unix_seconds();
        let username = username.trim();
        let failed = |name: &str, action: &str| self.audit_record(Actor::Cli, action).username_of(name);
        if username.chars().count() > MAX_USERNAME_CHARS || password.len() > MAX_PASSWORD_BYTES {
            let shown: String = username.chars().take(MAX_USERNAME_CHARS).collect();
            self.audit(&failed(&shown, "login_failed")).await?;
            return Err(AppError::BadCredentials);
        }
        if !self.throttle.begin(username, client, now, &self.config) {
            self.audit(&failed(username, "login_throttled")).await?;
            return Err(AppError::Throttled);
        }
        let _hashing = self.throttle.hashing.acquire().await.map_err(|e| AppError::Internal(format!("login: {e}")))?;
        let user = self.store.user_by_name(username).await?;
        let phc = user.as_ref().map(|u| u.password_hash.clone());
        let password = password.to_owned();
        let config = self.config.clone();
        // Argon2 is CPU work: off the async workers. An unknown user costs the same time as a known one.
        let ok = tokio::task::spawn_blocking(move || match phc {
            Some(phc) => verify_password(&password, &phc),
            None => {
                let _ = hash_password(&config, &password);
                false
            }
        })
        .await
        .map_err(|e| AppError::Internal(format!("password check: {e}")))?;
        let user = match user {
            Some(u) if ok && !u.disabled => u,
            _ => {
                self.audit(&failed(username, "login_failed")).await?;
                return Err(AppError::BadCredentials);
            }
        };
        let access = access_of(&user)?;
        self.throttle.clear(username, client);
        self.store.delete_expired_sessions(now - self.config.idle_timeout, now - self.config.max_session_age).await?;
        let session = Session {
            id: random_token(),
            user_id: user.id,
            csrf_token: random_token(),
            created_at: now,
            last_seen: now,
        };
        let mut tx = self.store.begin_write().await?;
        if let Some(old) = previous {
            tx.delete_session(old).await?;
        }
        tx.create_session(&session).await?;
        tx.commit(&self.audit_record(Actor::User(&access), "login")).await?;
        Ok(CurrentUser { access, session_id: session.id, csrf: session.csrf_token })
    }

    /// Ends the session.
    pub async fn logout(&self, user: &CurrentUser) -> Result<(), AppError> {
        let mut tx = self.store.begin_write().await?;
        tx.delete_session(&user.session_id).await?;
        tx.commit(&self.audit_record(Actor::User(&user.access), "logout")).await?;
        Ok(())
    }

    /// Creates an account (admins, or the command line). The judge of a judge or clerk account
    /// is linked to the roster when exactly one roster judge of the court has the name.
    pub async fn add_user(&self, actor: Actor<'_>, new: &NewAccount) -> Result<Access, AppError> {
        if let Actor::User(a) = actor
            && !a.is_admin()
        {
            return Err(AppError::Forbidden);
        }
        let username = new.username.trim();
        check_username(username).map_err(AppError::BadRequest)?;
        let access = Access::new(username, &new.role, new.court.as_deref(), new.judge.as_deref())
            .map_err(|e| AppError::BadRequest(format!("账户信息有误 / {e}")))?;
        check_password(&new.password).map_err(AppError::BadRequest)?;
        let config = self.config.clone();
        let password = new.password.clone();
        let hash = tokio::task::spawn_blocking(move || hash_password(&config, &password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let court = access.court.map(|c| c.to_string());
        let judge_id = match (&court, &access.judge) {
            (Some(c), Some(name)) => {
                let same_name: Vec<_> =
                    self.store.judges(Some(c)).await?.into_iter().filter(|j| &j.name == name).collect();
                (same_name.len() == 1).then(|| same_name[0].judge_id.clone())
            }
            _ => None,
        };
        let mut tx = self.store.begin_write().await?;
        let created = tx
            .create_user(&NewUser {
                username,
                password_hash: &hash,
                role: access.role.key(),
                court_code: court.as_deref(),
                judge_name: access.judge.as_deref(),
                judge_id: judge_id.as_deref(),
                created_at: &self.clock.timestamp(),
            })
            .await?;
        if created.is_none() {
            tx.rollback().await?;
            return Err(AppError::BadRequest(format!(
                "用户名“{username}”已存在 / the user {username:?} exists already"
            )));
        }
        let record = self.audit_record(actor, "user_add").object(username);
        let record = match actor {
            Actor::User(_) => record.detail(access.role.key()),
            Actor::Cli => record,
        };
        tx.commit(&record).await?;
        Ok(access.with_judge_id(judge_id.as_deref()))
    }

    /// Sets a new password (ends the user's sessions).
    pub async fn set_password(&self, actor: Actor<'_>, username: &str, password: &str) -> Result<(), AppError> {
        self.require_admin(actor)?;
        check_password(password).map_err(AppError::BadRequest)?;
        let config = self.config.clone();
        let password = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || hash_password(&config, &password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let mut tx = self.store.begin_write().await?;
        if !tx.set_password_hash(username, &hash).await? {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        }
        tx.commit(&self.audit_record(actor, "user_password").object(username)).await?;
        Ok(())
    }

    /// Disables (ending its sessions) or enables an account.
    pub async fn set_disabled(&self, actor: Actor<'_>, username: &str, disabled: bool) -> Result<(), AppError> {
        self.require_admin(actor)?;
        if disabled && actor.username() == Some(username) {
            return Err(AppError::BadRequest("不能停用自己的账户 / you cannot disable your own account".to_owned()));
        }
        let mut tx = self.store.begin_write().await?;
        if !tx.set_user_disabled(username, disabled).await? {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        }
        let action = if disabled { "user_disable" } else { "user_enable" };
        tx.commit(&self.audit_record(actor, action).object(username)).await?;
        Ok(())
    }

    /// Sets (or clears) the e-mail address the daily 审限 digest goes to (admins). The address
    /// is checked for one `@` with text on both sides and no spaces; it is never logged.
    pub async fn set_email(&self, actor: Actor<'_>, username: &str, email: Option<&str>) -> Result<(), AppError> {
        self.require_admin(actor)?;
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(e) = email {
            check_email(e).map_err(AppError::BadRequest)?;
        }
        let mut tx = self.store.begin_write().await?;
        if !tx.set_email(username, email).await? {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        }
        let action = if email.is_some() { "user_email_set" } else { "user_email_clear" };
        tx.commit(&self.audit_record(actor, action).object(username)).await?;
        Ok(())
    }

    /// 法院名称 renames court `code` (admins; imports never change a name once set).
    pub async fn rename_court(&self, actor: Actor<'_>, code: &str, name: &str) -> Result<(), AppError> {
        self.require_admin(actor)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(AppError::BadRequest("法院名称应为1–64个字符，不含控制字符".to_owned()));
        }
        let mut tx = self.store.begin_write().await?;
        if !tx.rename_court(code, name).await? {
            tx.rollback().await?;
            return Err(AppError::NotFound);
        }
        tx.commit(&self.audit_record(actor, "court_rename").object(code).detail(name.to_owned())).await?;
        Ok(())
    }

    fn require_admin(&self, actor: Actor<'_>) -> Result<(), AppError> {
        match actor {
            Actor::User(a) if !a.is_admin() => Err(AppError::Forbidden),
            _ => Ok(()),
        }
    }

    /// Every account (admins).
    pub async fn users(&self, actor: Actor<'_>) -> Result<Vec<User>, AppError> {
        self.require_admin(actor)?;
        Ok(self.store.users().await?)
    }

    /// Whether `role` may be given by the web form (all roles).
    pub fn roles() -> &'static [Role] {
        &Role::ALL
    }
}

/// Audit records about a user who is not (yet) signed in.
trait UsernameOf {
    fn username_of(self, name: &str) -> Self;
}

impl UsernameOf for xiezhi_store::AuditRecord {
    fn username_of(mut self, name: &str) -> Self {
        self.username = Some(name.to_owned());
        self.detail = None;
        self
    }
}

/// An e-mail address as the SMTP digest needs it: `local@domain`, no spaces or angle brackets.
pub fn check_email(email: &str) -> Result<(), String> {
    let bad = || format!("不是有效的电子邮件地址 / not an e-mail address: {email:?}");
    let (local, domain) = email.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.is_empty()
        || domain.contains('@')
        || email.len() > 254
        || email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
    {
        return Err(bad());
    }
    Ok(())
}

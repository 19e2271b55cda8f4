//! 獬豸 Xiezhi application layer: the use cases both the command line and the web call.
//!
//! # Main types
//! - [`App`]: the store, the [`Clock`] and the [`AppConfig`], with the use cases as methods:
//!   accounts and sessions ([`accounts`]), imports ([`ingest`]), the in-memory [`Dataset`]
//!   behind every figure and list (kept current by [`DataCache`], persisted beside the database
//!   by [`persist`]), bulletins in a format ([`bulletin`]), the audit chain.
//! - [`Access`]: who may see what, decided here for the CLI and the web alike.
//! - [`Clock`]: the wall clock as a parameter ([`SystemClock`] is the one place it is read).
//!
//! # Invariants
//! - No HTTP. The web crate does routing, extraction, templates and HTTP errors only.
//! - Each use case that changes anything is one store transaction committed with its audit
//!   entry ([`xiezhi_store::WriteTx::commit`] takes the entry); read use cases that must leave a
//!   trace (a case viewed, a list shown) write their entry in a transaction of their own.
//! - Reads no environment; reads the clock only through [`Clock`].

pub mod access;
pub mod accounts;
pub mod assignment;
pub mod bulletin;
mod cache;
pub mod cases;
pub mod casework;
pub mod clock;
mod dataset;
pub mod deadlines;
pub mod dossier;
mod error;
pub mod ingest;
pub mod judgments;
pub mod mail;
pub mod persist;
pub mod registration;
pub mod research;
pub mod roster;

use std::sync::Arc;

use xiezhi_metrics::Catalogue;
use xiezhi_store::Store;

pub use access::{Access, AccessError, Role};
pub use accounts::{CurrentUser, LOCAL_CLIENT, Throttle};
pub use cache::{DataCache, Refresh};
pub use cases::{CaseView, Follower};
pub use clock::{Clock, SystemClock};
pub use dataset::{
    ActionRows, CaseFilter, CaseRow, CourtLists, Dataset, LoadedCase, MonthCounts, action_rows, bulletin_actions,
    derive_record, facts_as_of, monthly_counts,
};
pub use error::{AppError, Refusal, RefusalKind};

/// Settings of the application.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The indicator catalogue (names, scopes, reference intervals, near-deadline days).
    pub catalogue: Catalogue,
    /// 临近审限 the days before a deadline from which a case is `near`.
    pub near_days: i32,
    /// 会话空闲超时 idle timeout of a session, seconds.
    pub idle_timeout: i64,
    /// Absolute lifetime of a session, seconds.
    pub max_session_age: i64,
    /// Failed logins of one username from one client within [`AppConfig::throttle_window`]
    /// before each further attempt waits (2 s, 4 s, 8 s …).
    pub max_failed_logins: u32,
    /// Failed logins from one client (any usernames) before it is refused.
    pub max_failed_per_client: u32,
    /// Failed logins of one username (any clients) before it is closed to all clients but
    /// the one that last signed in to it.
    pub max_failed_per_username: u32,
    /// Seconds a failure counts.
    pub throttle_window: i64,
    /// Argon2 cost (memory KiB, iterations); tests lower it.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
    /// Where the dataset is persisted between runs (None: not persisted).
    pub snapshot_path: Option<std::path::PathBuf>,
    /// How often (milliseconds) a request may ask the store whether another process changed
    /// the data.
    pub data_check_millis: i64,
    /// A directory of the court's licensed fonts, searched before the system's for DOCX charts.
    pub fonts_dir: Option<std::path::PathBuf>,
    /// 电子卷宗 where the case files' blobs live (content-addressed); None: no case files.
    pub files_dir: Option<std::path::PathBuf>,
}

impl Default for AppConfig {
    fn default() -> AppConfig {
        AppConfig {
            catalogue: Catalogue::default(),
            near_days: xiezhi_domain::deadline::DEFAULT_NEAR_DAYS,
            idle_timeout: 30 * 60,
            max_session_age: 12 * 3600,
            max_failed_logins: 5,
            max_failed_per_client: 30,
            max_failed_per_username: 50,
            throttle_window: 15 * 60,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
            snapshot_path: None,
            data_check_millis: 2_000,
            fonts_dir: None,
            files_dir: None,
        }
    }
}

/// Audit entries of reads that may wait for a busy database.
pub const MAX_DEFERRED_AUDIT: usize = 100_000;

/// The application: everything a use case needs; cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: Arc<AppConfig>,
    pub data: Arc<DataCache>,
    pub(crate) throttle: Arc<Throttle>,
    /// Audit entries of reads (views, lists, refused logins) that met a busy database: written
    /// in order, as soon as it is free, so a long import never turns a page view into an error.
    pub(crate) deferred_audit: Arc<std::sync::Mutex<std::collections::VecDeque<xiezhi_store::AuditRecord>>>,
    /// Held while the queue is written, so that no entry is written twice.
    pub(crate) audit_flush: Arc<tokio::sync::Mutex<()>>,
    /// Where random assignments get their seeds (the OS CSPRNG; tests fix it).
    pub(crate) seeds: Arc<dyn assignment::SeedSource>,
}

/// Who performs a use case: a signed-in user, or the command line (recorded as such in the
/// audit log: no username, detail `cli`).
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    User(&'a Access),
    Cli,
}

impl Actor<'_> {
    /// The audit log's username.
    pub fn username(&self) -> Option<&str> {
        match self {
            Actor::User(a) => Some(a.username.as_str()),
            Actor::Cli => None,
        }
    }
}

/// An audit record by `actor` at `at`: the user's name, or for the command line no name and
/// the detail `cli`.
pub fn audit_record_at(at: &str, actor: Actor<'_>, action: &str) -> xiezhi_store::AuditRecord {
    let record = xiezhi_store::AuditRecord::new(at, actor.username(), action);
    match actor {
        Actor::Cli => record.detail("cli"),
        Actor::User(_) => record,
    }
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> App {
        App {
            data: Arc::new(DataCache::new(
                config.data_check_millis,
                config.snapshot_path.clone(),
                config.near_days,
                config.catalogue.clone(),
            )),
            store,
            clock,
            config: Arc::new(config),
            throttle: Arc::new(Throttle::default()),
            deferred_audit: Arc::default(),
            audit_flush: Arc::default(),
            seeds: Arc::new(assignment::OsSeeds),
        }
    }

    /// The same application drawing its seeds from `seeds` (tests and benchmarks that must
    /// replay a known sequence; the product uses the OS CSPRNG).
    pub fn with_seeds(mut self, seeds: Arc<dyn assignment::SeedSource>) -> App {
        self.seeds = seeds;
        self
    }

    /// An audit record by `actor` at the clock's time.
    pub fn audit_record(&self, actor: Actor<'_>, action: &str) -> xiezhi_store::AuditRecord {
        audit_record_at(&self.clock.timestamp(), actor, action)
    }

    /// Records a read use case's trace (a case viewed, a list shown, a refused lookup): one
    /// audit entry in its own transaction.
    ///
    /// When the database is busy (another process holds the write lock, e.g. a long CLI import)
    /// the entry is queued and written, in order, by a background task as soon as it can; at
    /// most [`MAX_DEFERRED_AUDIT`] entries wait, beyond that the request is refused as busy.
    pub async fn audit(&self, record: &xiezhi_store::AuditRecord) -> Result<(), AppError> {
        // Entries already waiting: this one goes behind them (the background task writes them).
        if self.deferred_audit_entries() > 0 {
            return self.defer_audit(record);
        }
        match self.store.audit(record).await {
            Err(e) if e.is_busy() => self.defer_audit(record),
            other => Ok(other?),
        }
    }

    /// Entries waiting for a busy database.
    pub fn deferred_audit_entries(&self) -> usize {
        self.deferred_audit.lock().expect("audit queue lock").len()
    }

    fn defer_audit(&self, record: &xiezhi_store::AuditRecord) -> Result<(), AppError> {
        let first = {
            let mut queue = self.deferred_audit.lock().expect("audit queue lock");
            if queue.len() >= MAX_DEFERRED_AUDIT {
                return Err(AppError::Busy);
            }
            queue.push_back(record.clone());
            queue.len() == 1
        };
        if first && let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let app = self.clone();
            runtime.spawn(async move {
                while !app.flush_deferred_audit().await {
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                }
            });
        }
        Ok(())
    }

    /// Writes the queued entries in order; `true` when none is left.
    pub async fn flush_deferred_audit(&self) -> bool {
        if self.deferred_audit.lock().expect("audit queue lock").is_empty() {
            return true;
        }
        let _flushing = self.audit_flush.lock().await;
        loop {
            let Some(next) = self.deferred_audit.lock().expect("audit queue lock").front().cloned() else {
                return true;
            };
            match self.store.audit(&next).await {
                Ok(()) => {
                    self.deferred_audit.lock().expect("audit queue lock").pop_front();
                }
                Err(e) => {
                    if !e.is_busy() {
                        tracing::warn!("writing a deferred audit entry ({}): {e}", next.action);
                    }
                    return false;
                }
            }
        }
    }

    /// The current dataset (loaded, or brought up to date with the store's changes).
    pub async fn dataset(&self) -> Result<Arc<Dataset>, AppError> {
        self.data.get(&self.store, self.clock.as_ref()).await
    }

    /// Every case as exports give it (by 案号): a case with events carries the day counts the
    /// deadline rule gives today (as of its closing when closed) and the sum of its payments.
    pub async fn export_facts(&self) -> Result<Vec<xiezhi_domain::CaseFacts>, AppError> {
        let mut events: std::collections::HashMap<String, Vec<xiezhi_domain::CaseEvent>> =
            std::collections::HashMap::new();
        for e in self.store.all_events().await? {
            events.entry(e.case_number).or_default().push(e.event);
        }
        let today = self.clock.today();
        let near = self.config.near_days;
        let mut out = Vec::new();
        self.store
            .for_each_fact(|f| {
                let derived = match events.get(f.case_number.as_str()) {
                    Some(list) => facts_as_of(&f, list, today, near),
                    None => f,
                };
                out.push(derived);
            })
            .await?;
        Ok(out)
    }

    /// The engine's snapshot of every case, for a one-off computation (`xiezhi metrics`): read
    /// from the persisted file when it is current; caught up through the whole dataset when
    /// the file is a server's and few cases changed since; otherwise read from the store into
    /// the snapshot alone (lean: no 案号, no list orders), which is then persisted as a
    /// snapshot-only file for the next run.
    pub async fn snapshot(&self) -> Result<xiezhi_metrics::Snapshot, AppError> {
        let Some(path) = self.config.snapshot_path.clone() else {
            return cache::snapshot_from_store(&self.store, self.config.near_days).await;
        };
        let revision = self.store.revision().await?;
        let id = self.store.database_id().to_owned();
        let read = {
            let (path, id) = (path.clone(), id.clone());
            tokio::task::spawn_blocking(move || persist::load_snapshot(&path, &id))
                .await
                .map_err(|e| AppError::Internal(format!("reading the dataset file: {e}")))?
        };
        if let Ok((snapshot, stamp)) = &read {
            if stamp.revision == revision {
                return Ok(read.expect("checked").0);
            }
            let catchable =
                matches!(self.store.changes_since(stamp.revision).await?, xiezhi_store::Changes::Cases { .. });
            let full = {
                let (path, id) = (path.clone(), id.clone());
                tokio::task::spawn_blocking(move || persist::load(&path, &id).is_ok())
                    .await
                    .map_err(|e| AppError::Internal(format!("reading the dataset file: {e}")))?
            };
            let _ = snapshot;
            if catchable && full {
                self.dataset().await?;
                self.data.persist(&self.store).await?;
                if let Some(data) = self.data.take().await {
                    return Ok(data.snapshot);
                }
            }
        }
        let snapshot = cache::snapshot_from_store(&self.store, self.config.near_days).await?;
        let stamp = persist::Stamp { database_id: id, revision };
        let (snapshot, written) = tokio::task::spawn_blocking(move || {
            let written = persist::save_snapshot_only(&path, &snapshot, &stamp);
            (snapshot, written)
        })
        .await
        .map_err(|e| AppError::Internal(format!("writing the dataset file: {e}")))?;
        if let Err(e) = written {
            tracing::warn!("persisting the snapshot: {e}");
        }
        Ok(snapshot)
    }

    /// Brings the dataset up to date at once (after a write through the platform).
    pub async fn refresh(&self) -> Result<Refresh, AppError> {
        self.data.refresh(&self.store).await
    }
}

//! 数据缓存 the current dataset and how it stays current: loaded once (from the persisted file
//! when it belongs to this database, else from the store), then brought up to date with the
//! store's change counter — case by case when few cases changed, by a reload when a bulk
//! import changed "everything". A write through the platform refreshes at once; a write by
//! another process (the command line) is seen at the next check (at most every
//! `data_check_millis`).
//!
//! Readers hold an `Arc<Dataset>`: an update applies in place when no reader holds the current
//! one, else to a copy that replaces it (readers finish with the version they started with).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use xiezhi_store::{Changes, Store};

use crate::dataset::{Dataset, DatasetBuilder, LoadedCase};
use crate::persist::{self, Stamp};
use crate::{AppError, Clock};

/// What a refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// The dataset was current.
    Unchanged,
    /// This many cases were applied in place.
    Applied(usize),
    /// Everything was reloaded.
    Reloaded,
}

struct Current {
    dataset: Arc<Dataset>,
    /// The store's change counter the dataset reflects.
    revision: i64,
    /// The revision last written to the persisted file.
    saved: Option<i64>,
}

/// The current dataset.
pub struct DataCache {
    current: tokio::sync::RwLock<Option<Current>>,
    /// One loader or updater at a time.
    updating: tokio::sync::Mutex<()>,
    /// When the store's counter was last compared (milliseconds, from the clock).
    checked: std::sync::Mutex<Option<i64>>,
    check_every: i64,
    snapshot_path: Option<PathBuf>,
    near_days: i32,
    /// The catalogue cached figures are computed with (they follow changes).
    catalogue: xiezhi_metrics::Catalogue,
    /// 数据截至 of the dataset last handed out (a day number; `i64::MIN` before any).
    last_day: std::sync::atomic::AtomicI64,
}

impl DataCache {
    pub fn new(
        check_every_millis: i64,
        snapshot_path: Option<PathBuf>,
        near_days: i32,
        catalogue: xiezhi_metrics::Catalogue,
    ) -> DataCache {
        DataCache {
            current: tokio::sync::RwLock::new(None),
            updating: tokio::sync::Mutex::new(()),
            checked: std::sync::Mutex::new(None),
            check_every: check_every_millis,
            snapshot_path,
            near_days,
            catalogue,
            last_day: std::sync::atomic::AtomicI64::new(i64::MIN),
        }
    }

    /// 数据截至: the latest 立案 or 结案 day of the dataset last handed out (None before the
    /// first load, or with no case).
    pub fn last_day(&self) -> Option<xiezhi_domain::Date> {
        let day = self.last_day.load(std::sync::atomic::Ordering::Relaxed);
        i32::try_from(day).ok().map(xiezhi_domain::Date::from_day_number)
    }

    fn note_last_day(&self, dataset: &Dataset) {
        let day = dataset.last_day().map_or(i64::MIN, |d| i64::from(d.day_number()));
        self.last_day.store(day, std::sync::atomic::Ordering::Relaxed);
    }

    /// The dataset: loaded if needed; brought up to date when the last check of the store's
    /// change counter is older than the check interval.
    pub async fn get(&self, store: &Store, clock: &dyn Clock) -> Result<Arc<Dataset>, AppError> {
        let now = clock.unix_millis();
        let due = {
            let mut checked = self.checked.lock().expect("check timer lock");
            let due = checked.is_none_or(|at| now - at >= self.check_every || now < at);
            if due {
                *checked = Some(now);
            }
            due
        };
        let loaded = self.current.read().await.as_ref().map(|c| c.dataset.clone());
        let dataset = match loaded {
            Some(d) if !due => d,
            _ => {
                self.refresh(store).await?;
                self.current.read().await.as_ref().map(|c| c.dataset.clone()).expect("loaded by refresh")
            }
        };
        self.note_last_day(&dataset);
        Ok(dataset)
    }

    /// Brings the dataset up to date with the store now (loading it if needed).
    pub async fn refresh(&self, store: &Store) -> Result<Refresh, AppError> {
        let _updating = self.updating.lock().await;
        let revision = self.current.read().await.as_ref().map(|c| c.revision);
        let Some(revision) = revision else {
            self.load(store).await?;
            return Ok(Refresh::Reloaded);
        };
        match store.changes_since(revision).await? {
            Changes::Unchanged => Ok(Refresh::Unchanged),
            Changes::Everything { .. } => {
                self.reload(store).await?;
                Ok(Refresh::Reloaded)
            }
            Changes::Cases { revision: now, case_numbers } => {
                let n = self.apply(store, now, &case_numbers).await?;
                Ok(Refresh::Applied(n))
            }
        }
    }

    /// Takes the dataset out of the cache (a one-off command that is done with the cache):
    /// without a copy when no reader holds it.
    pub async fn take(&self) -> Option<Dataset> {
        let current = self.current.write().await.take()?;
        Some(Arc::try_unwrap(current.dataset).unwrap_or_else(|shared| shared.copy_for_update()))
    }

    /// Drops the dataset; the next request loads it again.
    pub async fn invalidate(&self) {
        *self.current.write().await = None;
    }

    /// Writes the dataset to the persisted file if it changed since it was last written.
    pub async fn persist(&self, store: &Store) -> Result<bool, AppError> {
        let Some(path) = self.snapshot_path.clone() else { return Ok(false) };
        let (dataset, revision) = {
            let current = self.current.read().await;
            match current.as_ref() {
                Some(c) if c.saved != Some(c.revision) => (c.dataset.clone(), c.revision),
                _ => return Ok(false),
            }
        };
        let stamp = Stamp { database_id: store.database_id().to_owned(), revision };
        let written =
            tokio::task::spawn_blocking(move || persist::write_atomically(&path, &persist::encode(&dataset, &stamp)))
                .await
                .map_err(|e| AppError::Internal(format!("persisting the dataset: {e}")))?;
        match written {
            Ok(()) => {
                if let Some(c) = self.current.write().await.as_mut()
                    && c.revision == revision
                {
                    c.saved = Some(revision);
                }
                Ok(true)
            }
            Err(e) => {
                tracing::warn!("persisting the dataset: {e}");
                Ok(false)
            }
        }
    }

    /// First load: the persisted file when it is this database's, caught up with the changes
    /// since; else everything from the store (then persisted).
    async fn load(&self, store: &Store) -> Result<(), AppError> {
        if let Some(path) = self.snapshot_path.clone() {
            let id = store.database_id().to_owned();
            let read = tokio::task::spawn_blocking(move || persist::load(&path, &id))
                .await
                .map_err(|e| AppError::Internal(format!("reading the dataset file: {e}")))?;
            match read {
                Ok((dataset, stamp)) => {
                    *self.current.write().await = Some(Current {
                        dataset: Arc::new(dataset),
                        revision: stamp.revision,
                        saved: Some(stamp.revision),
                    });
                    match store.changes_since(stamp.revision).await? {
                        Changes::Unchanged => return Ok(()),
                        Changes::Cases { revision, case_numbers } => {
                            self.apply(store, revision, &case_numbers).await?;
                            drop(self.persist(store).await);
                            return Ok(());
                        }
                        Changes::Everything { .. } => {}
                    }
                }
                Err(persist::PersistError::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {}
                Err(persist::PersistError::SnapshotOnly(_)) => {}
                Err(e) => tracing::warn!("not using the persisted dataset: {e}"),
            }
        }
        self.reload(store).await
    }

    /// Reads every case from the store (then writes the persisted file).
    async fn reload(&self, store: &Store) -> Result<(), AppError> {
        // The counter is read before the data: a change committed meanwhile is applied again
        // at the next refresh, never missed.
        let revision = store.revision().await?;
        let dataset = load_from_store(store, self.near_days).await?;
        *self.current.write().await = Some(Current { dataset: Arc::new(dataset), revision, saved: None });
        drop(self.persist(store).await);
        Ok(())
    }

    /// Applies the cases changed up to `revision`.
    async fn apply(&self, store: &Store, revision: i64, case_numbers: &[String]) -> Result<usize, AppError> {
        let records = store.case_records(case_numbers).await?;
        let current = self.current.read().await.as_ref().map(|c| c.dataset.clone()).expect("loaded");
        let mut changed = Vec::with_capacity(records.len());
        let mut following: HashMap<String, Vec<String>> = HashMap::new();
        for record in records {
            let number = record.facts.case_number.as_str().to_owned();
            let events = store.events_of(&number).await?.into_iter().map(|e| e.event).collect();
            if current.row_of(&number).is_none() {
                let followers = store.records_following(&number).await?;
                following
                    .insert(number, followers.into_iter().map(|r| r.facts.case_number.as_str().to_owned()).collect());
            }
            changed.push(LoadedCase { facts: record.facts, judge_id: record.judge_id, events });
        }
        drop(current);
        let court_names = store.court_names().await?;
        let n = changed.len();
        let mut guard = self.current.write().await;
        let cur = guard.as_mut().expect("loaded");
        match Arc::get_mut(&mut cur.dataset) {
            Some(dataset) => dataset.apply(changed, &following, &court_names, &self.catalogue),
            None => {
                // Readers hold the current version: change a copy.
                let mut copy = cur.dataset.copy_for_update();
                copy.apply(changed, &following, &court_names, &self.catalogue);
                cur.dataset = Arc::new(copy);
            }
        }
        cur.revision = revision;
        Ok(n)
    }
}

/// Streams every case and event of the store into a dataset.
pub async fn load_from_store(store: &Store, near_days: i32) -> Result<Dataset, AppError> {
    let court_names = store.court_names().await?;
    let mut events: HashMap<String, Vec<xiezhi_domain::CaseEvent>> = HashMap::new();
    for e in store.all_events().await? {
        events.entry(e.case_number).or_default().push(e.event);
    }
    let cases = usize::try_from(store.count_cases().await?).unwrap_or(0);
    let mut builder = DatasetBuilder::new(cases, near_days);
    store
        .for_each_record_unordered(|r| {
            let events = events.remove(r.facts.case_number.as_str()).unwrap_or_default();
            builder.push(LoadedCase { facts: r.facts, judge_id: r.judge_id, events });
        })
        .await?;
    Ok(builder.finish(&court_names))
}

/// Streams every case and event of the store into the engine's snapshot only (what a one-off
/// `metrics` needs: no 案号, no list orders).
pub async fn snapshot_from_store(store: &Store, near_days: i32) -> Result<xiezhi_metrics::Snapshot, AppError> {
    let court_names = store.court_names().await?;
    let mut events: HashMap<String, Vec<xiezhi_domain::CaseEvent>> = HashMap::new();
    for e in store.all_events().await? {
        events.entry(e.case_number).or_default().push(e.event);
    }
    let cases = usize::try_from(store.count_cases().await?).unwrap_or(0);
    let mut builder = xiezhi_metrics::SnapshotBuilder::with_capacity(cases);
    let mut with_events: Vec<(usize, Vec<xiezhi_domain::CaseEvent>)> = Vec::new();
    let mut row = 0;
    store
        .for_each_fact_unordered(|f| {
            match events.remove(f.case_number.as_str()) {
                Some(list) => {
                    let (derived, deadline) = crate::dataset::derive_record(&f, &list, near_days);
                    builder.push_with_deadline(&derived, deadline);
                    with_events.push((row, list));
                }
                None => builder.push(&f),
            }
            row += 1;
        })
        .await?;
    let mut snapshot = builder.finish(&xiezhi_metrics::GroupNames::from_court_names(&court_names));
    for (row, list) in &with_events {
        crate::dataset::set_record(&mut snapshot, *row, list);
    }
    Ok(snapshot)
}

//! The application layer against real databases (SQLite and PostgreSQL): an import never
//! commits half a file, the dataset follows the store's changes in place, and the persisted
//! dataset is used only when it is this database's and current.

use std::path::Path;
use std::sync::Arc;

use xiezhi_app::ingest::{ImportFailure, ImportOptions, RowSource};
use xiezhi_app::{Actor, App, AppConfig, Refresh};
use xiezhi_import::{FactsReader, HeaderMap, ImportError, RowOutcome};
use xiezhi_store::Changes;
use xiezhi_test_support::{TestClock, TestDb, each_backend};

fn app(db: &TestDb, snapshot: Option<&Path>) -> App {
    let config = AppConfig {
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        data_check_millis: 0,
        snapshot_path: snapshot.map(Path::to_owned),
        ..AppConfig::default()
    };
    App::new(db.store.clone(), Arc::new(TestClock::at_noon("2026-10-31")), config)
}

/// A CSV of `n` new cases of 粤0103 (案号 …民初{start+i}号).
fn csv(dir: &Path, name: &str, start: u32, n: u32) -> std::path::PathBuf {
    let mut text = String::from("case_number,filed_on,judge\n");
    for i in 0..n {
        text.push_str(&format!("（2026）粤0103民初{}号,2026-03-{:02},审判员{}\n", start + i, 1 + i % 28, i % 3));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A reader that yields `good` rows of the file, then fails: with an error it reports, or with
/// a panic (a bug in the reader), or by stopping early without saying so.
struct Failing {
    inner: FactsReader,
    good: u64,
    read: u64,
    how: Failure,
}

#[derive(Clone, Copy)]
enum Failure {
    Panic,
    Error,
}

impl RowSource for Failing {
    fn header(&self) -> &HeaderMap {
        self.inner.header()
    }
    fn next_row(&mut self) -> Result<Option<RowOutcome>, ImportError> {
        if self.read == self.good {
            match self.how {
                Failure::Panic => panic!("injected reader failure after {} rows", self.good),
                Failure::Error => {
                    return Err(ImportError::Io {
                        path: "big.csv".into(),
                        source: std::io::Error::other("injected: the disk went away"),
                    });
                }
            }
        }
        self.read += 1;
        self.inner.next_row()
    }
    fn bytes_read(&self) -> u64 {
        self.inner.bytes_read()
    }
    fn total_bytes(&self) -> u64 {
        self.inner.total_bytes
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_fails_part_way_commits_nothing() {
    each_backend(async |db| {
        let dir = tempfile::tempdir().unwrap();
        // Some data already there: it must stay exactly as it was.
        let first = csv(dir.path(), "first.csv", 1, 10);
        let summary = xiezhi_app::ingest::import_file(
            &db.store,
            Actor::Cli,
            &first,
            &ImportOptions::default(),
            "2026-10-31 09:00:00",
            |_, _| {},
        )
        .await
        .unwrap();
        assert_eq!(summary.counts.inserted, 10);
        let revision = db.store.revision().await.unwrap();
        let audit = db.store.audit_entries(100).await.unwrap().len();
        let big = csv(dir.path(), "big.csv", 100, 3000);
        for (good, how) in [(1200, Failure::Panic), (700, Failure::Error), (0, Failure::Panic)] {
            let path = big.clone();
            let open = move || -> Result<Box<dyn RowSource>, ImportError> {
                Ok(Box::new(Failing { inner: FactsReader::open(&path, None)?, good, read: 0, how }))
            };
            let result = xiezhi_app::ingest::import_rows(
                &db.store,
                Actor::Cli,
                &open,
                &ImportOptions::default(),
                "big.csv",
                "2026-10-31 10:00:00",
                None,
                |_, _| {},
            )
            .await;
            match how {
                Failure::Panic => assert!(matches!(result, Err(ImportFailure::ReaderFailed(_))), "{result:?}"),
                Failure::Error => assert!(matches!(result, Err(ImportFailure::File(_))), "{result:?}"),
            }
            // Nothing of the failed import: the cases, the change counter and the audit log
            // are as they were.
            assert_eq!(db.store.count_cases().await.unwrap(), 10, "after a failure after {good} rows");
            assert_eq!(db.store.revision().await.unwrap(), revision);
            assert_eq!(db.store.audit_entries(100).await.unwrap().len(), audit);
        }
        // The same file read whole imports.
        let summary = xiezhi_app::ingest::import_file(
            &db.store,
            Actor::Cli,
            &big,
            &ImportOptions::default(),
            "2026-10-31 11:00:00",
            |_, _| {},
        )
        .await
        .unwrap();
        assert_eq!(summary.counts.inserted, 3000);
        let entry = &db.store.audit_entries(1).await.unwrap()[0];
        assert_eq!(
            (entry.action.as_str(), entry.object.as_deref(), entry.username.as_deref()),
            ("import", Some("big.csv"), None)
        );
        assert_eq!(entry.detail.as_deref(), Some("rows 3000 new 3000 updated 0 skipped 0"));
        assert!(db.store.verify_audit().await.unwrap().broken.is_none());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dataset_follows_writes_in_place() {
    each_backend(async |db| {
        let dir = tempfile::tempdir().unwrap();
        let facts = xiezhi_test_support::demo_facts(2000, 9);
        let mut tx = db.store.begin_import(2000).await.unwrap();
        tx.upsert(&facts).await.unwrap();
        let record = xiezhi_store::AuditRecord::new("2026-10-31 08:00:00", None, "demo_generate");
        tx.commit("(demo)", "2026-10-31 08:00:00", 2000, 0, Box::new(move |_| record)).await.unwrap();
        let app = app(db, None);
        let before = app.dataset().await.unwrap();
        assert_eq!(before.len(), 2000);
        // A small import through the platform: applied case by case, not reloaded.
        let small = csv(dir.path(), "small.csv", 90_001, 3);
        xiezhi_app::ingest::import_file(&db.store, Actor::Cli, &small, &ImportOptions::default(), "t", |_, _| {})
            .await
            .unwrap();
        assert_eq!(app.refresh().await.unwrap(), Refresh::Applied(3));
        let after = app.dataset().await.unwrap();
        assert_eq!(after.len(), 2003);
        assert!(after.row_of("（2026）粤0103民初90002号").is_some());
        // The in-place dataset equals one loaded from scratch, figure for figure.
        let fresh = app_reloaded(db).await;
        let period =
            xiezhi_metrics::Period::new(xiezhi_test_support::d("2026-01-01"), xiezhi_test_support::d("2026-10-31"))
                .unwrap();
        let catalogue = xiezhi_metrics::Catalogue::default();
        assert_eq!(after.report(period, &catalogue).to_json(), fresh.report(period, &catalogue).to_json());
        // An event of a case: applied in place, its deadline now follows the events.
        let number = "（2026）粤0103民初90001号";
        let mut w = db.store.begin_write().await.unwrap();
        let extension = xiezhi_domain::CaseEvent::Extension {
            on: xiezhi_test_support::d("2026-04-01"),
            span: xiezhi_domain::Span::Months(3),
            approver: Some("院长".into()),
            reason: None,
        };
        w.record_event(number, &extension, Some("manager"), "2026-10-31 12:00:00").await.unwrap();
        w.commit(&xiezhi_store::AuditRecord::new("2026-10-31 12:00:00", Some("manager"), "event_add").object(number))
            .await
            .unwrap();
        assert_eq!(app.refresh().await.unwrap(), Refresh::Applied(1));
        let data = app.dataset().await.unwrap();
        let row = data.row_of(number).unwrap();
        // 民初, no procedure: 6 months from 2026-03-01 = 09-01, + 3 months = 12-01.
        assert_eq!(
            data.deadline(row, xiezhi_test_support::d("2026-10-31")).deadline,
            Some(xiezhi_test_support::d("2026-12-01"))
        );
        // A bulk import reloads.
        let bulk = csv(dir.path(), "bulk.csv", 200_000, 12_000);
        xiezhi_app::ingest::import_file(&db.store, Actor::Cli, &bulk, &ImportOptions::default(), "t", |_, _| {})
            .await
            .unwrap();
        assert_eq!(app.refresh().await.unwrap(), Refresh::Reloaded);
        assert_eq!(app.dataset().await.unwrap().len(), 2003 + 12_000);
    })
    .await;
}

/// A dataset loaded from scratch from the store.
async fn app_reloaded(db: &TestDb) -> Arc<xiezhi_app::Dataset> {
    app(db, None).dataset().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_persisted_dataset_is_used_only_when_it_is_this_databases() {
    each_backend(async |db| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.snapshot");
        let facts = xiezhi_test_support::demo_facts(1500, 3);
        let mut tx = db.store.begin_import(1500).await.unwrap();
        tx.upsert(&facts).await.unwrap();
        let record = xiezhi_store::AuditRecord::new("2026-10-31 08:00:00", None, "demo_generate");
        tx.commit("(demo)", "2026-10-31 08:00:00", 1500, 0, Box::new(move |_| record)).await.unwrap();
        let period =
            xiezhi_metrics::Period::new(xiezhi_test_support::d("2025-11-01"), xiezhi_test_support::d("2026-10-31"))
                .unwrap();
        let catalogue = xiezhi_metrics::Catalogue::default();
        let expected = app_reloaded(db).await.report(period, &catalogue).to_json();
        // A first `metrics`: nothing persisted; the snapshot alone is read from the store and
        // written (a snapshot-only file).
        let first = app(db, Some(&path));
        assert_eq!(first.snapshot().await.unwrap().len(), 1500);
        let (_, stamp) = xiezhi_app::persist::load_snapshot(&path, db.store.database_id()).unwrap();
        assert_eq!(stamp.revision, db.store.revision().await.unwrap());
        assert!(matches!(
            xiezhi_app::persist::load(&path, db.store.database_id()),
            Err(xiezhi_app::persist::PersistError::SnapshotOnly(_))
        ));
        // A second `metrics`: the file is current and gives the same figures.
        let second = app(db, Some(&path));
        let snapshot = second.snapshot().await.unwrap();
        assert_eq!(xiezhi_metrics::compute_with(&snapshot, period, &catalogue).to_json(), expected);
        // A server finds the snapshot-only file incomplete: it reads every case and writes the
        // whole dataset.
        let server = app(db, Some(&path));
        assert_eq!(server.dataset().await.unwrap().len(), 1500);
        let (_, stamp) = xiezhi_app::persist::load(&path, db.store.database_id()).unwrap();
        // A change since: the next reader catches the file up case by case (and rewrites it).
        let small = csv(dir.path(), "small.csv", 80_001, 2);
        xiezhi_app::ingest::import_file(&db.store, Actor::Cli, &small, &ImportOptions::default(), "t", |_, _| {})
            .await
            .unwrap();
        assert!(matches!(db.store.changes_since(stamp.revision).await.unwrap(), Changes::Cases { .. }));
        let third = app(db, Some(&path));
        let data = third.dataset().await.unwrap();
        assert_eq!(data.len(), 1502);
        let fresh = app_reloaded(db).await;
        assert_eq!(data.report(period, &catalogue).to_json(), fresh.report(period, &catalogue).to_json());
        assert_eq!(
            xiezhi_app::persist::load(&path, db.store.database_id()).unwrap().1.revision,
            db.store.revision().await.unwrap()
        );
        // `metrics` after another small change catches up through the whole dataset too.
        let more = csv(dir.path(), "more.csv", 81_001, 1);
        xiezhi_app::ingest::import_file(&db.store, Actor::Cli, &more, &ImportOptions::default(), "t", |_, _| {})
            .await
            .unwrap();
        let fourth = app(db, Some(&path));
        let snapshot = fourth.snapshot().await.unwrap();
        assert_eq!(snapshot.len(), 1503);
        assert_eq!(
            xiezhi_metrics::compute_with(&snapshot, period, &catalogue).to_json(),
            app_reloaded(db).await.report(period, &catalogue).to_json()
        );
        // Another database's file is not used.
        assert!(matches!(
            xiezhi_app::persist::load(&path, "0123456789abcdef0123456789abcdef"),
            Err(xiezhi_app::persist::PersistError::OtherDatabase(_))
        ));
        // A damaged file is ignored (and rebuilt): never trusted.
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x5a;
        std::fs::write(&path, &bytes).unwrap();
        assert!(matches!(
            xiezhi_app::persist::load(&path, db.store.database_id()),
            Err(xiezhi_app::persist::PersistError::Damaged { .. })
        ));
        let fifth = app(db, Some(&path));
        assert_eq!(fifth.dataset().await.unwrap().len(), 1503);
        assert!(xiezhi_app::persist::load(&path, db.store.database_id()).is_ok());
    })
    .await;
}

/// While another process holds SQLite's write lock (a long CLI import), a page view's audit
/// entry waits in a queue instead of failing the view; it is written, in order and chained,
/// once the lock is released.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views_audited_while_the_database_is_busy_are_written_when_it_is_free() {
    let db = TestDb::sqlite().await;
    let app = app(&db, None);
    app.audit(&app.audit_record(Actor::Cli, "case_view").object("（2026）粤0103民初1号")).await.unwrap();
    // Another connection (another process, as far as SQLite knows) takes the write lock.
    let other = xiezhi_store::Store::open(&db.url).await.unwrap();
    let held = other.begin_write().await.unwrap();
    for n in 2..=3 {
        let record = app.audit_record(Actor::Cli, "case_view").object(format!("（2026）粤0103民初{n}号"));
        app.audit(&record).await.expect("a busy database never fails a view");
    }
    assert_eq!(app.deferred_audit_entries(), 2);
    held.rollback().await.unwrap();
    for _ in 0..100 {
        if app.deferred_audit_entries() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(app.deferred_audit_entries(), 0, "the queue is written once the lock is free");
    let objects: Vec<String> = db
        .store
        .audit_entries_with_actions(&["case_view"])
        .await
        .unwrap()
        .into_iter()
        .filter_map(|e| e.object)
        .collect();
    let mut sorted = objects.clone();
    sorted.sort();
    assert_eq!(sorted, ["（2026）粤0103民初1号", "（2026）粤0103民初2号", "（2026）粤0103民初3号"]);
    assert!(db.store.verify_audit().await.unwrap().broken.is_none());
}

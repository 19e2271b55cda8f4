//! The case clock and enforcement against real databases (SQLite and PostgreSQL): events
//! recorded and imported with every refusal of the contract writing nothing; the deadline as
//! the contract's object; the 终本 gate; payments; 延长审限 requests and approval; the daily
//! notifications (once per case and kind) and their mail; the 终本 re-checks due.
//!
//! Fixture (today 2026-03-02, 粤0106): 民初1号 filed 2026-01-10 简易程序 (甲, open); 民初2号 filed
//! 2025-12-01 普通程序 (乙, open); 执3号 filed 2025-10-01 (丙, open, applied 100,000 元); 民他4号
//! filed 2026-01-05 (no statutory limit); 执5号 filed 2025-01-02 closed 2025-06-30 by 终本.

use std::sync::Arc;

use serde_json::json;
use xiezhi_app::casework::EventsImportError;
use xiezhi_app::deadlines::StatusFilter;
use xiezhi_app::{Access, Actor, App, AppConfig, AppError, RefusalKind};
use xiezhi_domain::{Amount, Disposition};
use xiezhi_test_support::{TestClock, TestDb, case, d, each_backend};

async fn fixture(db: &TestDb) -> (App, Arc<TestClock>) {
    let mut facts = Vec::new();
    let mut c1 = case("（2026）粤0106民初1号", "2026-01-10");
    c1.procedure = Some(xiezhi_domain::Procedure::Summary);
    c1.judge = Some("甲".into());
    facts.push(c1);
    let mut c2 = case("（2025）粤0106民初2号", "2025-12-01");
    c2.procedure = Some(xiezhi_domain::Procedure::Ordinary);
    c2.judge = Some("乙".into());
    facts.push(c2);
    let mut c3 = case("（2025）粤0106执3号", "2025-10-01");
    c3.judge = Some("丙".into());
    c3.applied_amount = Some(Amount::from_yuan(100_000));
    facts.push(c3);
    facts.push(case("（2026）粤0106民他4号", "2026-01-05"));
    let mut c5 = case("（2025）粤0106执5号", "2025-01-02");
    c5.closed_on = Some(d("2025-06-30"));
    c5.disposition = Some(Disposition::TerminalEnforcementSuspension);
    c5.judge = Some("丙".into());
    facts.push(c5);
    let mut tx = db.store.begin_import(5).await.unwrap();
    tx.upsert(&facts).await.unwrap();
    let record = xiezhi_store::AuditRecord::new("2026-03-01 09:00:00", None, "import");
    tx.commit("fixture.csv", "2026-03-01 09:00:00", 5, 0, Box::new(move |_| record)).await.unwrap();
    let clock = Arc::new(TestClock::at_noon("2026-03-02"));
    let config =
        AppConfig { argon2_memory_kib: 1024, argon2_iterations: 1, data_check_millis: 0, ..AppConfig::default() };
    (App::new(db.store.clone(), clock.clone(), config), clock)
}

fn manager() -> Access {
    Access::new("m", "manager", Some("粤0106"), None).unwrap()
}

fn judge(name: &str) -> Access {
    Access::new(&format!("judge-{name}"), "judge", Some("粤0106"), Some(name)).unwrap()
}

async fn nothing_written(app: &App, before: (i64, i64)) {
    assert_eq!((app.store.count_events().await.unwrap(), app.store.revision().await.unwrap()), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_move_the_deadline_and_every_refusal_writes_nothing() {
    each_backend(async |db| {
        let (app, _) = fixture(db).await;
        let m = manager();
        let before = (app.store.count_events().await.unwrap(), app.store.revision().await.unwrap());
        let refusals: [(&str, serde_json::Value, RefusalKind, &str); 6] = [
            // An event dated before filing.
            ("（2026）粤0106民初1号", json!({"event": "suspension", "kind": "公告", "from": "2026-01-09", "to": "2026-01-20"}), RefusalKind::Unacceptable, "from"),
            // `to` before `from`.
            ("（2026）粤0106民初1号", json!({"event": "suspension", "kind": "公告", "from": "2026-02-10", "to": "2026-02-01"}), RefusalKind::Unreadable, "to"),
            // An extension on a case with no statutory limit.
            ("（2026）粤0106民他4号", json!({"event": "extension", "on": "2026-02-01", "months": 1}), RefusalKind::Unacceptable, "event"),
            // A payment on a non-enforcement case.
            ("（2026）粤0106民初1号", json!({"event": "payment", "on": "2026-02-01", "amount": "100.00"}), RefusalKind::Unacceptable, "event"),
            // A date after today.
            ("（2026）粤0106民初1号", json!({"event": "restart", "on": "2026-03-03"}), RefusalKind::Unacceptable, "on"),
            // An unknown event.
            ("（2026）粤0106民初1号", json!({"event": "holiday", "on": "2026-02-01"}), RefusalKind::Unreadable, "event"),
        ];
        for (number, body, kind, field) in refusals {
            match app.record_event(Actor::User(&m), number, &body).await {
                Err(AppError::Refused(r)) => assert_eq!((r.kind, r.field.as_str()), (kind, field), "{}", r.message),
                other => panic!("{field}: {other:?}"),
            }
            nothing_written(&app, before).await;
        }
        // An unknown case: 404 (the same as a case outside the scope).
        assert!(matches!(
            app.record_event(Actor::User(&m), "（2026）粤0106民初99号", &json!({"event": "restart", "on": "2026-02-01"})).await,
            Err(AppError::NotFound)
        ));
        // A judge records an excluded period but may not approve an extension directly.
        let j = judge("甲");
        assert!(matches!(
            app.record_event(Actor::User(&j), "（2026）粤0106民初1号", &json!({"event": "extension", "on": "2026-02-01", "months": 1})).await,
            Err(AppError::Forbidden)
        ));
        nothing_written(&app, before).await;

        // 民初1号 (简易, filed 2026-01-10): base 3 months → 2026-04-10. Converted to 普通 on
        // 2026-02-01 (民事: still counted from filing): 6 months → 2026-07-10. A 公告 period
        // 2026-02-10..2026-02-19 (10 days) and a 1-month extension approved 2026-02-20:
        // D = add_months(2026-07-10, 1) = 2026-08-10; deadline = 2026-08-10 + 10 = 2026-08-20.
        for body in [
            json!({"event": "conversion", "on": "2026-02-01", "procedure": "普通程序"}),
            json!({"event": "suspension", "kind": "公告", "from": "2026-02-10", "to": "2026-02-19"}),
        ] {
            let r = app.record_event(Actor::User(&j), "（2026）粤0106民初1号", &body).await.unwrap();
            assert_eq!(r.recorded, "inserted");
        }
        let r = app
            .record_event(Actor::User(&m), "(2026)粤0106民初1号", &json!({"event": "extension", "on": "2026-02-20", "months": 1, "approver": "院长"}))
            .await
            .unwrap();
        assert_eq!(r.case_number, "（2026）粤0106民初1号");
        // The same event again changes nothing.
        let again = app
            .record_event(Actor::User(&m), "（2026）粤0106民初1号", &json!({"event": "extension", "on": "2026-02-20", "months": 1, "approver": "院长"}))
            .await
            .unwrap();
        assert_eq!(again.recorded, "unchanged");
        let lines = app.deadlines(Actor::Cli, d("2026-03-02"), None, StatusFilter::All).await.unwrap();
        let one = lines.iter().find(|l| l.case_number == "（2026）粤0106民初1号").unwrap().json();
        assert_eq!(
            one,
            json!({"case_number": "（2026）粤0106民初1号", "court": "粤0106", "judge": "甲", "type_code": "民初",
                   "procedure": "普通程序", "start": "2026-01-10", "limit": {"months": 6}, "base_deadline": "2026-07-10",
                   "extension_days": 31, "suspended_days": 10, "suspended_now": false, "deadline": "2026-08-20",
                   "remaining_days": 171, "status": "normal"})
        );
        // A running suspension: status suspended.
        app.record_event(Actor::User(&j), "（2026）粤0106民初1号", &json!({"event": "suspension", "kind": "鉴定", "from": "2026-03-01"}))
            .await
            .unwrap();
        let lines = app.deadlines(Actor::User(&j), d("2026-03-02"), None, StatusFilter::One(xiezhi_domain::DeadlineStatus::Suspended)).await.unwrap();
        assert_eq!(lines.len(), 1);
        // The judge sees only their cases; 民他4号 is listed with no limit.
        let mine = app.deadlines(Actor::User(&j), d("2026-03-02"), None, StatusFilter::All).await.unwrap();
        assert!(mine.iter().all(|l| l.judge.as_deref() == Some("甲")));
        let all = app.deadlines(Actor::Cli, d("2026-03-02"), None, StatusFilter::All).await.unwrap();
        assert_eq!(all.iter().find(|l| l.case_number == "（2026）粤0106民他4号").unwrap().json()["status"], "no_limit");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_events_file_is_all_or_nothing_and_idempotent() {
    each_backend(async |db| {
        let (app, _) = fixture(db).await;
        let dir = db.files_dir();
        let bad = dir.join(format!("bad-{}.jsonl", xiezhi_test_support::random_u64()));
        std::fs::write(
            &bad,
            concat!(
                "{\"case_number\": \"（2025）粤0106执3号\", \"event\": \"payment\", \"on\": \"2026-01-15\", \"amount\": \"30000.00\"}\n",
                "{\"case_number\": \"（2026）粤0106民初1号\", \"event\": \"payment\", \"on\": \"2026-02-01\", \"amount\": \"5.00\"}\n",
                "{\"case_number\": \"（2026）粤0106民初77号\", \"event\": \"restart\", \"on\": \"2026-02-01\"}\n",
                "{\"case_number\": \"（2026）粤0106民初1号\", \"event\": \"extension\", \"on\": \"2025-12-01\", \"days\": 10}\n",
            ),
        )
        .unwrap();
        let before = (app.store.count_events().await.unwrap(), app.store.revision().await.unwrap());
        let Err(EventsImportError::Problems(problems)) = app.import_events(Actor::Cli, &bad).await else { panic!("problems expected") };
        let got: Vec<(u64, &str, &str)> = problems.iter().map(|p| (p.row, p.column.as_str(), p.value.as_str())).collect();
        assert_eq!(got, [(2, "event", "payment"), (3, "case_number", "（2026）粤0106民初77号"), (4, "on", "2025-12-01")]);
        nothing_written(&app, before).await;
        let good = dir.join(format!("good-{}.csv", xiezhi_test_support::random_u64()));
        std::fs::write(&good, "案号,事件,日期,金额\n（2025）粤0106执3号,执行到位,2026-01-15,\"30,000.00\"\n（2025）粤0106执3号,执行到位,2026-02-15,12500.50\n").unwrap();
        let done = app.import_events(Actor::Cli, &good).await.unwrap();
        assert_eq!((done.read, done.inserted, done.unchanged), (2, 2, 0));
        let again = app.import_events(Actor::Cli, &good).await.unwrap();
        assert_eq!((again.inserted, again.unchanged), (0, 2));
        // 执行到位金额 follows the payments: 30,000 + 12,500.50.
        let data = app.dataset().await.unwrap();
        let facts = app.export_facts().await.unwrap();
        let c3 = facts.iter().find(|f| f.case_number.as_str() == "（2025）粤0106执3号").unwrap();
        assert_eq!(c3.recovered_amount, Some(Amount::parse("42500.5", false).unwrap()));
        drop(data);
        // A case-facts file carrying another 执行到位金额 for that case is refused, whole.
        let facts_file = dir.join(format!("facts-{}.csv", xiezhi_test_support::random_u64()));
        std::fs::write(&facts_file, "案号,立案日期,执行到位金额\n（2025）粤0106执3号,2025-10-01,40000\n").unwrap();
        let options = xiezhi_app::ingest::ImportOptions::default();
        match xiezhi_app::ingest::import_file(&app.store, Actor::Cli, &facts_file, &options, "2026-03-02 12:00:00", |_, _| {}).await {
            Err(xiezhi_app::ingest::ImportFailure::BadRows(p)) => {
                assert_eq!((p[0].row, p[0].value.as_str()), (2, "40000"));
                assert!(p[0].reason.contains("42500.5"), "{}", p[0].reason);
            }
            other => panic!("{other:?}"),
        }
        // The same amount is accepted.
        std::fs::write(&facts_file, "案号,立案日期,执行到位金额\n（2025）粤0106执3号,2025-10-01,42500.50\n").unwrap();
        xiezhi_app::ingest::import_file(&app.store, Actor::Cli, &facts_file, &options, "2026-03-02 12:00:00", |_, _| {}).await.unwrap();
        for p in [bad, good, facts_file] {
            std::fs::remove_file(p).ok();
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_gate_and_compliance() {
    each_backend(async |db| {
        let (app, clock) = fixture(db).await;
        let m = manager();
        let c = "（2025）粤0106执3号";
        // No check: refused, listing what is missing.
        match app.close_case(Actor::User(&m), c, Some("2026-03-01"), Some("终结本次执行程序")).await {
            Err(AppError::Refused(r)) => {
                assert_eq!(r.kind, RefusalKind::Unacceptable);
                assert!(r.message.contains("没有2026-03-01当日或之前的终本核查记录"), "{}", r.message);
            }
            other => panic!("{other:?}"),
        }
        let items = |consulted: bool| {
            json!({"notice_and_report_order": true, "consumption_restriction": true, "property_search_exhausted": true,
                   "missing_person_searched": true, "obstruction_sanctioned": true, "applicant_consulted": consulted})
        };
        app.record_event(Actor::User(&m), c, &json!({"event": "terminal_check", "on": "2026-02-20", "items": items(false), "approval": "president_approved"}))
            .await
            .unwrap();
        match app.close_case(Actor::User(&m), c, Some("2026-03-01"), Some("终结本次执行程序")).await {
            Err(AppError::Refused(r)) => assert!(r.message.contains("未完成：约谈申请执行人"), "{}", r.message),
            other => panic!("{other:?}"),
        }
        // Before the indicator's check: no compliance data for P yet; 执5号 (closed 2025 by 终本,
        // no check) is outside 2026.
        let complete = json!({"event": "terminal_check", "on": "2026-02-28", "items": items(true), "approval": "applicant_confirmed"});
        app.record_event(Actor::User(&m), c, &complete).await.unwrap();
        app.close_case(Actor::User(&m), c, Some("2026-03-01"), Some("终结本次执行程序")).await.unwrap();
        // Closed already: refused.
        assert!(matches!(app.close_case(Actor::User(&m), c, Some("2026-03-02"), Some("执行完毕")).await, Err(AppError::Refused(_))));
        let period = xiezhi_metrics::Period::new(d("2026-01-01"), d("2026-12-31")).unwrap();
        let data = app.dataset().await.unwrap();
        let report = data.report(period, xiezhi_metrics::Catalogue::builtin());
        let court = xiezhi_metrics::GroupKey::Court(xiezhi_domain::CourtCode::parse("粤0106").unwrap());
        let g = report.group(&court).unwrap();
        // One 终本 closing in 2026, compliant: 1/1. 执5号's 2025 closing has no check: over 2025, 0/1.
        assert_eq!(*g.value(xiezhi_metrics::IndicatorId::CoreTerminalCompliance), xiezhi_metrics::Value::Quotient { numerator: 1, denominator: 1 });
        let p2025 = xiezhi_metrics::Period::new(d("2025-01-01"), d("2025-12-31")).unwrap();
        let r2025 = data.report(p2025, xiezhi_metrics::Catalogue::builtin());
        assert_eq!(
            *r2025.group(&court).unwrap().value(xiezhi_metrics::IndicatorId::CoreTerminalCompliance),
            xiezhi_metrics::Value::Quotient { numerator: 0, denominator: 1 }
        );
        // A petition on 执5号: received 2026-02-01, resolved 2026-02-25 → petition rate 1/1 in 2026.
        app.record_event(Actor::User(&m), "（2025）粤0106执5号", &json!({"event": "petition", "on": "2026-02-01", "resolved_on": "2026-02-25"}))
            .await
            .unwrap();
        let data = app.dataset().await.unwrap();
        let report = data.report(period, xiezhi_metrics::Catalogue::builtin());
        assert_eq!(
            *report.group(&court).unwrap().value(xiezhi_metrics::IndicatorId::CorePetitionRate),
            xiezhi_metrics::Value::Quotient { numerator: 1, denominator: 1 }
        );
        // Re-checks: 执5号 closed 2025-06-30 → first re-check due 2025-12-30 (overdue by 62 days
        // on 2026-03-02); 执3号 closed 2026-03-01 → due 2026-09-01, not within 30 days.
        let due = app.rechecks_due(&m, clock_today(&clock)).await.unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!((due[0].case_number.as_str(), due[0].due_on.as_str(), due[0].days_left), ("（2025）粤0106执5号", "2025-12-30", -62));
        // A re-check recorded moves the next due date six months on.
        app.record_event(Actor::User(&m), "（2025）粤0106执5号", &json!({"event": "terminal_check", "on": "2026-01-05", "items": items(true), "approval": "president_approved"}))
            .await
            .unwrap();
        assert!(app.rechecks_due(&m, clock_today(&clock)).await.unwrap().is_empty());
    })
    .await;
}

fn clock_today(clock: &TestClock) -> xiezhi_domain::Date {
    xiezhi_app::Clock::today(clock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extension_requests_notifications_and_mail() {
    each_backend(async |db| {
        let (app, clock) = fixture(db).await;
        let j = judge("乙");
        let m = manager();
        // 民初2号 (普通, filed 2025-12-01): deadline 2026-06-01, 91 days left on 2026-03-02.
        let r = app.request_extension(&j, "（2025）粤0106民初2号", Some("6"), None, "需要鉴定").await.unwrap();
        assert_eq!((r.late, r.days_left, r.deadline_then.as_deref()), (false, Some(91), Some("2026-06-01")));
        // A judge cannot decide; another court's manager cannot see it.
        assert!(matches!(app.decide_extension(&j, r.id, true, None).await, Err(AppError::Forbidden)));
        let other = Access::new("o", "manager", Some("粤0104"), None).unwrap();
        assert!(matches!(app.decide_extension(&other, r.id, true, None).await, Err(AppError::NotFound)));
        let decided = app.decide_extension(&m, r.id, true, Some("同意")).await.unwrap();
        assert_eq!(decided.status, "approved");
        assert!(matches!(app.decide_extension(&m, r.id, false, None).await, Err(AppError::Refused(_))));
        // The extension event is recorded today: 2026-06-01 + 6 months = 2026-12-01.
        let lines = app.deadlines(Actor::Cli, d("2026-03-02"), None, StatusFilter::All).await.unwrap();
        let l = lines.iter().find(|l| l.case_number == "（2025）粤0106民初2号").unwrap();
        assert_eq!(l.deadline.deadline, Some(d("2026-12-01")));

        // A mail relay that records what it is sent.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(tokio::sync::Mutex::new(Vec::<String>::new()));
        let sink = received.clone();
        tokio::spawn(async move {
            use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
            loop {
                let Ok((stream, _)) = listener.accept().await else { return };
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 fake\r\n").await.unwrap();
                let mut data = false;
                let mut message = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    if data {
                        if line == "." {
                            data = false;
                            sink.lock().await.push(std::mem::take(&mut message));
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            message.push_str(&line);
                            message.push('\n');
                        }
                        continue;
                    }
                    let reply: &[u8] = if line.starts_with("DATA") {
                        data = true;
                        b"354 go\r\n"
                    } else if line.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    write.write_all(reply).await.unwrap();
                }
            }
        });
        let mailer =
            xiezhi_app::mail::Mailer::from_url(&format!("smtp://127.0.0.1:{port}?from=xiezhi@court.local")).unwrap();
        // 甲's judge account with an address.
        let new = xiezhi_app::accounts::NewAccount {
            username: "judge-jia".into(),
            password: "correct horse battery".into(),
            role: "judge".into(),
            court: Some("粤0106".into()),
            judge: Some("甲".into()),
        };
        app.add_user(Actor::Cli, &new).await.unwrap();
        let mut tx = app.store.begin_write().await.unwrap();
        tx.set_email("judge-jia", Some("jia@court.local")).await.unwrap();
        tx.commit(&xiezhi_store::AuditRecord::new("2026-03-02 12:00:00", None, "user_email")).await.unwrap();

        // 民初1号 (简易, filed 2026-01-10) is due 2026-04-10 and 执3号 (执, filed 2025-10-01, six
        // months) 2026-04-01: on 2026-03-27 they have 14 and 5 days left (near); on 2026-04-11
        // both are overdue. Each is raised once; 甲's digest holds 甲's case only.
        clock.advance(25 * 86_400);
        let day = clock_today(&clock);
        assert_eq!(day, d("2026-03-27"));
        let run = app.notify(day, Some(&mailer)).await.unwrap();
        assert_eq!((run.near, run.overdue, run.mailed), (2, 0, 1));
        let run = app.notify(day, Some(&mailer)).await.unwrap();
        assert_eq!((run.near, run.overdue, run.mailed), (0, 0, 0));
        let mails = received.lock().await.clone();
        assert_eq!(mails.len(), 1);
        assert!(mails[0].contains("To: <jia@court.local>") && mails[0].contains("Subject: =?UTF-8?B?"), "{}", mails[0]);
        let jia = Access::new("judge-jia", "judge", Some("粤0106"), Some("甲")).unwrap();
        let notices = app.notifications(&jia).await.unwrap();
        assert_eq!(notices.len(), 1);
        assert_eq!((notices[0].kind.as_str(), notices[0].read), ("near", false));
        // 乙 sees none of 甲's; the court's manager sees it.
        assert!(app.notifications(&judge("乙")).await.unwrap().is_empty());
        assert_eq!(app.notifications(&m).await.unwrap().len(), 2);
        assert_eq!(app.mark_notifications_read(&jia, &[], true).await.unwrap(), 1);
        assert!(app.notifications(&jia).await.unwrap()[0].read);
        clock.advance(15 * 86_400);
        let run = app.notify(clock_today(&clock), None).await.unwrap();
        assert_eq!((run.near, run.overdue), (0, 2));
        // A request now (overdue) is flagged late.
        let late =
            app.request_extension(&judge("甲"), "（2026）粤0106民初1号", None, Some("30"), "补充鉴定").await.unwrap();
        assert!(late.late);
        assert_eq!(app.store.count_notifications().await.unwrap(), 4);
    })
    .await;
}

//! 立案、分流、分案 against real databases (SQLite and PostgreSQL): numbers continue after the
//! highest imported one and never collide or skip under concurrent registration; triage per
//! the contract; the pool, recusal through a two-level origin chain, conflicts, series and
//! designation; every refusal writes nothing; replay finds an edited record; registered cases
//! count at once.
//!
//! Fixture (粤0106, today 2026-03-02): imported cases 2026 民初 7号 (乙, open) and 41号 (甲,
//! open), 2024 民初 5号 (丙, closed), 2025 粤01民终9号 (丁, closed; origin 2024 民初 5号).
//! Roster: J1 甲, J2 乙, J3 丙 (民初 繁简 1), J4 戊 (民初 简 0.5), J5 庚 (民初, inactive),
//! J6 辛 (执 only), J9 丁 (粤01 民终).

use std::collections::BTreeSet;
use std::sync::Arc;

use xiezhi_app::assignment::{AssignmentRequest, Mode};
use xiezhi_app::registration::{PartyRequest, RegistrationRequest};
use xiezhi_app::{Access, Actor, App, AppConfig, AppError, RefusalKind};
use xiezhi_metrics::{GroupKey, IndicatorId, Period, Value};
use xiezhi_test_support::{CountingSeeds, TestClock, TestDb, case, d, each_backend};

const ROSTER: &str = "工号,姓名,法院代码,庭室,办案类型,繁简,办案系数,在岗\n\
J1,甲,粤0106,民一庭,民初,繁简,1,是\n\
J2,乙,粤0106,民一庭,民初,繁简,1,是\n\
J3,丙,粤0106,民二庭,民初、民特,繁简,1,是\n\
J4,戊,粤0106,速裁庭,民初,简,0.5,是\n\
J5,庚,粤0106,民二庭,民初,繁,1,否\n\
J6,辛,粤0106,执行局,执,繁简,1,是\n\
J9,丁,粤01,民一庭,民终,繁简,1,是\n";

async fn fixture(db: &TestDb) -> App {
    let mut facts = Vec::new();
    let open = |n: &str, filed: &str, judge: &str| {
        let mut f = case(n, filed);
        f.judge = Some(judge.into());
        f.court_name = Some("广州市天河区人民法院".into());
        f
    };
    facts.push(open("（2026）粤0106民初7号", "2026-01-05", "乙"));
    facts.push(open("（2026）粤0106民初41号", "2026-02-20", "甲"));
    let mut a = open("（2024）粤0106民初5号", "2024-03-01", "丙");
    a.closed_on = Some(d("2024-06-01"));
    a.disposition = Some(xiezhi_domain::Disposition::parse("判决").unwrap());
    facts.push(a);
    let mut b = case("（2025）粤01民终9号", "2025-01-10");
    b.judge = Some("丁".into());
    b.origin_case_number = Some(xiezhi_domain::CaseNumber::parse("（2024）粤0106民初5号").unwrap());
    b.closed_on = Some(d("2025-03-01"));
    b.disposition = Some(xiezhi_domain::Disposition::parse("发回重审").unwrap());
    facts.push(b);
    let mut tx = db.store.begin_import(facts.len() as u64).await.unwrap();
    tx.upsert(&facts).await.unwrap();
    let record = xiezhi_store::AuditRecord::new("2026-03-01 09:00:00", None, "import");
    tx.commit("fixture.csv", "2026-03-01 09:00:00", facts.len() as u64, 0, Box::new(move |_| record)).await.unwrap();
    let config =
        AppConfig { argon2_memory_kib: 1024, argon2_iterations: 1, data_check_millis: 0, ..AppConfig::default() };
    let app = App::new(db.store.clone(), Arc::new(TestClock::at_noon("2026-03-02")), config)
        .with_seeds(Arc::new(CountingSeeds::default()));
    let path = db.files_dir().join(format!("roster-{}.csv", xiezhi_test_support::random_u64()));
    std::fs::write(&path, ROSTER).unwrap();
    let imported = app.import_roster(Actor::Cli, &path).await.unwrap();
    assert_eq!((imported.inserted, imported.unchanged), (7, 0));
    // 甲, 乙, 丙 link their imported cases in 粤0106; 丁 his in 粤01.
    assert_eq!(imported.linked_cases, 4);
    // Importing the same file again changes nothing.
    let again = app.import_roster(Actor::Cli, &path).await.unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged, again.linked_cases), (0, 0, 7, 0));
    std::fs::remove_file(&path).ok();
    app
}

fn registrar() -> Access {
    Access::new("registrar", "registrar", Some("粤0106"), None).unwrap()
}

fn manager() -> Access {
    Access::new("manager", "manager", Some("粤0106"), None).unwrap()
}

fn party(role: &str, name: &str, kind: &str) -> PartyRequest {
    PartyRequest { role: role.into(), name: name.into(), kind: Some(kind.into()) }
}

/// The contract's example request: 民间借贷纠纷, 35,000 元, filed today.
fn request() -> RegistrationRequest {
    RegistrationRequest {
        court: Some("粤0106".into()),
        type_code: Some("民初".into()),
        filed_on: Some("2026-03-02".into()),
        cause: Some("民间借贷纠纷".into()),
        claim_amount: Some(serde_json::json!("35000.00")),
        parties: vec![party("原告", "原告甲", "person"), party("被告", "某贸易有限公司", "organization")],
        ..RegistrationRequest::default()
    }
}

/// Everything a refusal must leave as it was.
async fn footprint(app: &App) -> (i64, i64, i64, i64, usize) {
    let store = &app.store;
    (
        store.count_cases().await.unwrap(),
        store.count_registrations().await.unwrap(),
        store.revision().await.unwrap(),
        store.last_case_sequence(2026, "粤0106", "民初").await.unwrap().unwrap_or(0),
        store.audit_entries(1_000).await.unwrap().len(),
    )
}

fn filed_in_march(app_data: &xiezhi_app::Dataset) -> u64 {
    let period = Period::new(d("2026-03-01"), d("2026-03-31")).unwrap();
    let report = app_data.report(period, xiezhi_metrics::Catalogue::builtin());
    let court = GroupKey::Court(xiezhi_domain::CourtCode::parse("粤0106").unwrap());
    match report.group(&court).map(|g| g.value(IndicatorId::Filed)) {
        Some(Value::Count(n)) => *n,
        _ => 0,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_numbers_triages_assigns_and_counts_at_once() {
    each_backend(async |db| {
        let app = fixture(db).await;
        let before = filed_in_march(&app.dataset().await.unwrap());
        let r = app.register_case(Actor::User(&registrar()), &request()).await.unwrap();
        // 41号 is the highest 2026 粤0106 民初 number imported: the next is 42.
        assert_eq!((r.case_number.as_str(), r.sequence), ("（2026）粤0106民初42号", 42));
        // 35,000 ≤ 50 % of the configured 120,000 (粤 2025): 小额, 简, two months.
        assert_eq!((r.procedure.as_deref(), r.track.as_str()), (Some("小额诉讼程序"), "简"));
        assert_eq!(
            r.triage_reasons[0],
            "标的额35,000元 ≤ 上年度（2025年）就业人员年平均工资120,000元的50%（60,000元），且无不适用小额诉讼程序的情形：适用小额诉讼程序"
        );
        assert_eq!(r.deadline.as_deref(), Some("2026-05-02"));
        // Pool for 民初/简: J1–J4 (J5 inactive, J6 no 民初, J9 another court). Open cases: J1 1
        // (41号), J2 1 (7号), J3 0, J4 0 → r = 1, 1, 0, 0 → the band is {J3, J4}.
        assert_eq!(r.assignment.mode, "random");
        assert_eq!(r.assignment.pool, ["J1", "J2", "J3", "J4"]);
        assert!(r.assignment.excluded.is_empty());
        assert!(["J3", "J4"].contains(&r.judge.judge_id.as_str()), "{}", r.judge.judge_id);
        assert_eq!(r.assignment.seed.as_deref().map(str::len), Some(64));
        let history = app.assignment_history(&manager(), &r.case_number).await.unwrap();
        let record = history[0].record.as_ref().unwrap();
        assert_eq!(record.band, ["J3", "J4"]);
        let opens: Vec<u32> = record.pool.iter().map(|e| e.open_cases).collect();
        assert_eq!(opens, [1, 1, 0, 0]);
        assert!(history[0].problems.is_empty(), "{:?}", history[0].problems);
        // Counted at once: the case is in the dataset, in March's 新收, with its judge.
        let data = app.dataset().await.unwrap();
        let row = data.row_of(&r.case_number).expect("the registered case is listed");
        assert_eq!(data.case(row).judge_id, Some(r.judge.judge_id.as_str()));
        assert_eq!(filed_in_march(&data), before + 1);
        // The registration record, the parties and the audit entry.
        let view = app.registration_view(&registrar(), &r.case_number).await.unwrap();
        assert_eq!(view.registration.parties.len(), 2);
        assert_eq!(view.registration.parties[1].kind, "organization");
        assert_eq!(view.facts.claim_amount, Some(xiezhi_domain::Amount::from_yuan(35_000)));
        let entries = app.store.audit_entries(5).await.unwrap();
        assert_eq!(entries[0].action, "case_register");
        assert_eq!(entries[0].object.as_deref(), Some("（2026）粤0106民初42号"));
        assert!(!entries[0].detail.as_deref().unwrap_or("").contains("原告甲"), "no party names in the audit log");
        // The 受理通知书 is a DOCX addressed to the plaintiff.
        let (name, bytes) = app.acceptance_notice(&registrar(), &r.case_number).await.unwrap();
        assert!(name.ends_with(".docx") && bytes.starts_with(b"PK"));
        // Another type code and year start their own sequence at 1.
        let mut special = request();
        special.type_code = Some("民特".into());
        special.claim_amount = None;
        special.parties = vec![party("申请人", "申请人乙", "person")];
        let s = app.register_case(Actor::User(&registrar()), &special).await.unwrap();
        assert_eq!(s.case_number, "（2026）粤0106民特1号");
        assert_eq!((s.procedure, s.track.as_str()), (None, "繁"));
        assert_eq!(s.assignment.pool, ["J3"]);
        let mut last_year = request();
        last_year.filed_on = Some("2025-12-30".into());
        let y = app.register_case(Actor::User(&registrar()), &last_year).await.unwrap();
        // 2025's W is not configured (only 2025's figure, used from 2026): 35,000 has no amount
        // rule; 民间借贷纠纷 is on the simple list → 简易.
        assert_eq!((y.case_number.as_str(), y.procedure.as_deref()), ("（2025）粤0106民初1号", Some("简易程序")));
        assert!(app.verify_assignments(&[]).await.unwrap().mismatches.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_registrations_never_share_or_skip_a_number() {
    each_backend(async |db| {
        let app = fixture(db).await;
        const N: usize = 24;
        let mut tasks = Vec::new();
        for i in 0..N {
            let app = app.clone();
            tasks.push(tokio::spawn(async move {
                let mut req = request();
                req.parties[0].name = format!("原告{i}");
                loop {
                    match app.register_case(Actor::User(&registrar()), &req).await {
                        Ok(r) => return r,
                        // A writer waiting longer than the busy timeout may retry.
                        Err(AppError::Busy) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                        Err(e) => panic!("{e}"),
                    }
                }
            }));
        }
        let mut sequences = BTreeSet::new();
        let mut judges = std::collections::BTreeMap::<String, usize>::new();
        for t in tasks {
            let r = t.await.unwrap();
            assert!(sequences.insert(r.sequence), "number {} given twice", r.sequence);
            *judges.entry(r.judge.judge_id).or_default() += 1;
        }
        // Exactly 42 … 42 + N − 1: no gap, no repeat.
        assert_eq!(sequences, (42..42 + N as i64).collect());
        assert_eq!(app.store.last_case_sequence(2026, "粤0106", "民初").await.unwrap(), Some(41 + N as i64));
        // Every draw replays; loads stay balanced per unit of weight (填平): J1–J3 weight 1,
        // J4 weight 0.5 start at 1, 1, 0, 0 open cases. A judge is drawn only while less than
        // one case per unit of weight ahead of the least loaded, and a draw adds 1/weight (2 for
        // J4): no judge ends 3 or more ahead.
        let v = app.verify_assignments(&[]).await.unwrap();
        assert_eq!((v.checked, v.mismatches.len()), (N as u64, 0), "{:?}", v.mismatches);
        let load = |id: &str, start: f64, weight: f64| (start + judges.get(id).copied().unwrap_or(0) as f64) / weight;
        let loads = [load("J1", 1.0, 1.0), load("J2", 1.0, 1.0), load("J3", 0.0, 1.0), load("J4", 0.0, 0.5)];
        let (lo, hi) = loads.iter().fold((f64::MAX, f64::MIN), |(lo, hi), l| (lo.min(*l), hi.max(*l)));
        assert!(hi - lo < 3.0, "{loads:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recusal_through_a_two_level_chain_conflicts_and_series() {
    each_backend(async |db| {
        let app = fixture(db).await;
        // 发回重审: the new 民初 names 粤01民终9号 as its origin; that case's origin is 2024 民初
        // 5号, decided by 丙 (J3). Both levels are walked: J3 is recused (丁 of the 民终 sits in
        // another court and is in no pool here).
        let mut retrial = request();
        retrial.origin_case_number = Some("（2025）粤01民终9号".into());
        let r = app.register_case(Actor::User(&registrar()), &retrial).await.unwrap();
        assert_eq!(r.assignment.excluded.len(), 1);
        assert_eq!(r.assignment.excluded[0].judge_id, "J3");
        assert!(
            r.assignment.excluded[0].reason.contains("（2024）粤0106民初5号"),
            "{}",
            r.assignment.excluded[0].reason
        );
        assert_eq!(r.assignment.pool, ["J1", "J2", "J4"]);
        // J1 1, J2 1, J4 0 open → band {J4} alone: the draw must give J4.
        assert_eq!(r.judge.judge_id, "J4");
        // A declared conflict with a party: J4 now has one, J1 and J2 have one each.
        app.add_conflict(Actor::Cli, "J1", "某贸易有限公司").await.unwrap();
        let r = app.register_case(Actor::User(&registrar()), &request()).await.unwrap();
        let excluded: Vec<&str> = r.assignment.excluded.iter().map(|e| e.judge_id.as_str()).collect();
        assert_eq!(excluded, ["J1"]);
        assert!(r.assignment.excluded[0].reason.contains("某贸易有限公司"));
        // Series: the related 7号 is 乙's (J2): assigned to J2 without a draw, track 繁.
        let mut series = request();
        series.flags = vec!["series_of:（2026）粤0106民初7号".into()];
        let s = app.register_case(Actor::User(&registrar()), &series).await.unwrap();
        assert_eq!((s.assignment.mode.as_str(), s.judge.judge_id.as_str(), s.track.as_str()), ("series", "J2", "繁"));
        assert_eq!(s.assignment.seed, None);
        // … unless J2 must withdraw: then a draw, with the reason recorded.
        app.add_conflict(Actor::Cli, "J2", "原告甲").await.unwrap();
        let s = app.register_case(Actor::User(&registrar()), &series).await.unwrap();
        assert_eq!(s.assignment.mode, "random");
        assert!(
            s.assignment.series_fallback.as_deref().unwrap_or("").contains("J2"),
            "{:?}",
            s.assignment.series_fallback
        );
        assert_ne!(s.judge.judge_id, "J2");
        // A manager designates, with a reason code; history and the stats follow.
        let mut designated = request();
        designated.assignment = Some(AssignmentRequest {
            mode: Some("designated".into()),
            judge_id: Some("J6".into()),
            reason_code: Some("专业化审判需要".into()),
            note: None,
        });
        let g = app.register_case(Actor::User(&manager()), &designated).await.unwrap();
        assert_eq!((g.assignment.mode.as_str(), g.judge.judge_id.as_str()), ("designated", "J6"));
        // Reassignment by the manager: at random, the current judge recused; history kept.
        let moved = app.reassign(Actor::User(&manager()), &g.case_number, &AssignmentRequest::default()).await.unwrap();
        assert_ne!(moved.judge_id, "J6");
        assert_eq!(moved.record.previous_judge_id.as_deref(), Some("J6"));
        let history = app.assignment_history(&manager(), &g.case_number).await.unwrap();
        assert_eq!(history.len(), 2);
        assert!(!history[0].stored.current && history[1].stored.current);
        assert_eq!(
            app.reassign(Actor::User(&registrar()), &g.case_number, &AssignmentRequest::default())
                .await
                .err()
                .map(|e| e.to_string()),
            Some("forbidden".into())
        );
        // 指定分案占比 in March: random 3 (two draws + the series fallback) + 1 (reassignment),
        // designated 1, series 1 → 1 / 6.
        let (whole, monthly) = app.assignment_stats(&manager(), "2026-03-01", "2026-03-31").await.unwrap();
        assert_eq!(whole.len(), 1);
        let s = &whole[0];
        assert_eq!((s.court.as_str(), s.random, s.designated, s.series), ("粤0106", 4, 1, 1));
        assert_eq!(s.designated_share, Some(1.0 / 6.0));
        assert_eq!(monthly[0].month.as_deref(), Some("2026-03"));
        let v = app.verify_assignments(&[]).await.unwrap();
        assert!(v.mismatches.is_empty(), "{:?}", v.mismatches);
        assert_eq!(Mode::parse("series"), Some(Mode::Series));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_refusal_writes_nothing() {
    each_backend(async |db| {
        let app = fixture(db).await;
        let before = footprint(&app).await;
        let reg = registrar();
        let with = |f: &dyn Fn(&mut RegistrationRequest)| {
            let mut r = request();
            f(&mut r);
            r
        };
        let designate = |judge: &str, code: &str, note: Option<&str>| {
            with(&|r: &mut RegistrationRequest| {
                r.assignment = Some(AssignmentRequest {
                    mode: Some("designated".into()),
                    judge_id: Some(judge.into()),
                    reason_code: Some(code.into()),
                    note: note.map(str::to_owned),
                })
            })
        };
        use RefusalKind::{Unacceptable as U422, Unreadable as U400};
        let cases: Vec<(Access, RegistrationRequest, RefusalKind, &str)> = vec![
            (reg.clone(), with(&|r| r.court = Some("广州".into())), U400, "court"),
            (reg.clone(), with(&|r| r.type_code = Some("民X".into())), U400, "type_code"),
            (reg.clone(), with(&|r| r.filed_on = Some("2026-02-30".into())), U400, "filed_on"),
            (reg.clone(), with(&|r| r.filed_on = Some("2026-03-03".into())), U422, "filed_on"),
            (reg.clone(), with(&|r| r.claim_amount = Some(serde_json::json!("-5"))), U422, "claim_amount"),
            (reg.clone(), with(&|r| r.claim_amount = Some(serde_json::json!("三万"))), U400, "claim_amount"),
            (reg.clone(), with(&|r| r.parties.truncate(1)), U422, "parties"),
            (reg.clone(), with(&|r| r.parties[0].role = "债主".into()), U400, "parties[0].role"),
            (reg.clone(), with(&|r| r.origin_case_number = Some("粤01民终9号".into())), U400, "origin_case_number"),
            (reg.clone(), with(&|r| r.flags = vec!["urgent".into()]), U400, "flags"),
            (reg.clone(), with(&|r| r.flags = vec!["series_of:（2026）粤0106民初999号".into()]), U422, "flags"),
            (reg.clone(), with(&|r| r.procedure = Some("普通程序".into())), U422, "procedure_reason"),
            (reg.clone(), with(&|r| r.type_code = Some("行初".into())), U422, "assignment"),
            (manager(), designate("J1", "随便", None), U422, "assignment.reason_code"),
            (manager(), designate("J1", "其他", None), U422, "assignment.note"),
            (manager(), designate("J5", "本院提审", None), U422, "assignment.judge_id"),
            (manager(), designate("J9", "本院提审", None), U422, "assignment.judge_id"),
            (
                manager(),
                {
                    let mut r = designate("J3", "本院提审", None);
                    r.origin_case_number = Some("（2025）粤01民终9号".into());
                    r
                },
                U422,
                "assignment.judge_id",
            ),
        ];
        for (who, req, kind, field) in &cases {
            match app.register_case(Actor::User(who), req).await {
                Err(AppError::Refused(r)) => {
                    assert_eq!((r.kind, r.field.as_str()), (*kind, *field), "{}", r.message);
                    assert!(r.message.contains(*field), "the message names the field: {}", r.message);
                }
                other => panic!("{field}: expected a refusal, got {other:?}"),
            }
            assert_eq!(footprint(&app).await, before, "{field}: something was written");
        }
        // A court the platform does not know: 422, and 民终 at a 基层法院: 422.
        for (court, code) in [("粤0199", "民初"), ("粤0106", "民终")] {
            let r = with(&|r| {
                r.court = Some(court.into());
                r.type_code = Some(code.into());
            });
            let who = Access::new("r", "registrar", Some(court), None).unwrap();
            let Err(AppError::Refused(e)) = app.register_case(Actor::User(&who), &r).await else {
                panic!("{court}{code}")
            };
            assert_eq!(e.kind, U422, "{}", e.message);
        }
        // 403: a judge; a registrar of another court; a registrar designating.
        let judge = Access::new("j", "judge", Some("粤0106"), Some("甲")).unwrap();
        let other = Access::new("o", "registrar", Some("粤0104"), None).unwrap();
        for (who, req) in [(judge, request()), (other, request()), (reg.clone(), designate("J1", "本院提审", None))]
        {
            assert!(matches!(app.register_case(Actor::User(&who), &req).await, Err(AppError::Forbidden)));
        }
        assert_eq!(footprint(&app).await, before);
        // Overriding with a reason is recorded.
        let mut over = request();
        over.procedure = Some("普通程序".into());
        over.procedure_reason = Some("案情复杂，需要审计".into());
        let r = app.register_case(Actor::User(&reg), &over).await.unwrap();
        assert_eq!((r.procedure.as_deref(), r.track.as_str()), (Some("普通程序"), "繁"));
        let o = r.procedure_override.unwrap();
        assert_eq!((o.proposed.as_deref(), o.reason.as_str()), (Some("小额诉讼程序"), "案情复杂，需要审计"));
        assert_eq!(r.deadline.as_deref(), Some("2026-09-02"));
        let view = app.registration_view(&reg, &r.case_number).await.unwrap();
        assert_eq!(view.registration.override_reason.as_deref(), Some("案情复杂，需要审计"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_finds_an_edited_record() {
    each_backend(async |db| {
        let app = fixture(db).await;
        let a = app.register_case(Actor::User(&registrar()), &request()).await.unwrap();
        let b = app.register_case(Actor::User(&registrar()), &request()).await.unwrap();
        assert!(app.verify_assignments(&[]).await.unwrap().mismatches.is_empty());
        // Someone lowers a judge's recorded load to steer the replay: the audited hash no longer
        // matches and the band replays differently.
        db.tamper(&format!(
            "UPDATE assignments SET record = replace(record, '\"open_cases\":1', '\"open_cases\":0') \
             WHERE case_id = (SELECT id FROM cases WHERE case_number = '{}')",
            a.case_number
        ))
        .await;
        let v = app.verify_assignments(&[]).await.unwrap();
        assert!(!v.mismatches.is_empty());
        assert!(v.mismatches.iter().all(|m| m.case_number == a.case_number), "{:?}", v.mismatches);
        assert!(v.mismatches.iter().any(|m| m.problem.contains("审计日志中的摘要不符")), "{:?}", v.mismatches);
        // Someone moves the other case to another judge: the record's result no longer matches.
        let other = if b.judge.judge_id == "J1" { "J2" } else { "J1" };
        db.tamper(&format!(
            "UPDATE assignments SET judge_id = '{other}' WHERE case_id = (SELECT id FROM cases WHERE case_number = '{}')",
            b.case_number
        ))
        .await;
        let v = app.verify_assignments(std::slice::from_ref(&b.case_number)).await.unwrap();
        assert_eq!(v.checked, 1);
        assert!(v.mismatches.iter().any(|m| m.problem.contains(other)), "{:?}", v.mismatches);
    })
    .await;
}

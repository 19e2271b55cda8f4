//! The dataset changed in place equals the dataset built from scratch from the same cases.

use std::collections::HashMap;

use xiezhi_domain::{CaseNumber, Disposition, Span};

use super::*;

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn demo(n: u64) -> Vec<CaseFacts> {
    let config = xiezhi_demo::DemoConfig { cases: n, seed: 4, as_of: d("2026-10-31"), years: 3 };
    xiezhi_demo::generate(&config).collect()
}

fn loaded(facts: &CaseFacts) -> LoadedCase {
    LoadedCase { facts: facts.clone(), judge_id: None, events: Vec::new() }
}

const NAMES: [(&str, &str); 1] = [("粤01", "广东省广州市中级人民法院")];

fn court_names() -> Vec<(String, String)> {
    NAMES.iter().map(|(c, n)| ((*c).to_owned(), (*n).to_owned())).collect()
}

fn assert_same(a: &Dataset, b: &Dataset) {
    assert_eq!(a.snapshot, b.snapshot, "snapshot");
    assert_eq!(a.numbers, b.numbers, "numbers");
    assert_eq!(a.order, b.order, "order");
    assert_eq!(a.newest_first, b.newest_first, "newest_first");
    assert_eq!(a.list_rank, b.list_rank, "list_rank");
    assert_eq!(a.by_court, b.by_court, "by_court");
    assert_eq!(a.open_by_court, b.open_by_court, "open_by_court");
    assert_eq!(a.closed_by_court, b.closed_by_court, "closed_by_court");
    assert_eq!((a.latest_filed, a.latest_closed), (b.latest_filed, b.latest_closed));
    assert_eq!(a.events.len(), b.events.len());
}

#[test]
fn applying_changes_equals_a_rebuild() {
    let mut facts = demo(2500);
    // An existing case names, as its origin, a case that is not in the data yet.
    let waiting = facts.iter().position(|f| f.origin_case_number.is_none() && f.case_number.court().is_some()).unwrap();
    facts[waiting].origin_case_number = Some(CaseNumber::parse("（2026）粤0101民初99999号").unwrap());
    let mut data = Dataset::build(facts.iter().map(loaded), &court_names(), 15);
    let warm = warm_caches(&data);
    let mut changed = Vec::new();
    // 1. A pending case closes (it moves from the open to the closed lists).
    let i = facts.iter().position(|f| f.closed_on.is_none() && f.case_number.court().is_some()).unwrap();
    facts[i].closed_on = Some(facts[i].filed_on.add_days(40));
    facts[i].disposition = Some(Disposition::Mediation);
    changed.push(loaded(&facts[i]));
    // 2. A case's filing date is corrected (it moves in the list order) and its judge changes.
    let j = facts.iter().rposition(|f| f.case_number.court().is_some() && f.closed_on.is_some()).unwrap();
    facts[j].filed_on = facts[j].filed_on.add_days(-3);
    facts[j].judge = Some("调任法官丙".into());
    changed.push(loaded(&facts[j]));
    // 3. A registered case of a new court; then the case the waiting case names.
    let mut new_court = CaseFacts::new(CaseNumber::parse("（2026）粤0199民初1号").unwrap(), d("2026-10-30"));
    new_court.judge = Some("新法官".into());
    new_court.origin_case_number = Some(facts[j].case_number.clone());
    facts.push(new_court.clone());
    changed.push(loaded(&new_court));
    let awaited = CaseFacts::new(CaseNumber::parse("（2026）粤0101民初99999号").unwrap(), d("2026-01-05"));
    facts.push(awaited.clone());
    changed.push(loaded(&awaited));
    let following = HashMap::from([(
        awaited.case_number.as_str().to_owned(),
        vec![facts[waiting].case_number.as_str().to_owned()],
    )]);
    data.apply(changed, &following, &court_names(), &xiezhi_metrics::Catalogue::default());
    let rebuilt = Dataset::build(facts.iter().map(loaded), &court_names(), 15);
    assert_same(&data, &rebuilt);
    assert_eq!(data.snapshot.origin_of(waiting), data.row_of("（2026）粤0101民初99999号"));
    assert_same_figures(&data, &rebuilt, &warm);
    // A copy changed while readers hold the original equals it too.
    let copy = data.copy_for_update();
    assert_same(&copy, &rebuilt);
}

#[test]
fn events_become_the_record() {
    let mut facts = demo(300);
    let i = facts.iter().position(|f| f.case_number.type_code().as_str() == "民初" && f.closed_on.is_none()).unwrap();
    facts[i].procedure = Some(Procedure::Ordinary);
    facts[i].extension_days = 99; // imported, superseded by events below
    let mut data = Dataset::build(facts.iter().map(loaded), &court_names(), 15);
    let filed = facts[i].filed_on;
    let events = vec![
        CaseEvent::Extension { on: filed.add_days(10), span: Span::Months(6), approver: None, reason: None },
        CaseEvent::Payment { on: filed.add_days(20), amount: Amount::from_yuan(500) },
    ];
    data.apply(
        vec![LoadedCase { facts: facts[i].clone(), judge_id: Some("J-1".into()), events: events.clone() }],
        &HashMap::new(),
        &court_names(),
        &xiezhi_metrics::Catalogue::default(),
    );
    // The deadline is base + 6 months by the rule, not the imported 99 days.
    let expected = filed.add_months(6).add_months(6);
    assert_eq!(data.deadline(i, filed.add_days(30)).deadline, Some(expected));
    assert_eq!(
        data.deadline(i, filed.add_days(30)).extension_days,
        u32::try_from(expected.days_since(filed.add_months(6))).unwrap()
    );
    assert_eq!(data.case(i).judge_id, Some("J-1"));
    assert_eq!(data.events(i), &events[..]);
    let (derived, _) = derive_record(&facts[i], &events, 15);
    assert_eq!(derived.recovered_amount, Some(Amount::from_yuan(500)));
}

fn admin() -> Access {
    Access::new("a", "admin", None, None).unwrap()
}

fn city_manager() -> Access {
    Access::new("m", "manager", Some("粤01"), None).unwrap()
}

/// The periods and groups whose figures a test warms and compares.
struct Warm {
    periods: Vec<Period>,
    groups: Vec<GroupKey>,
}

fn warm_caches(data: &Dataset) -> Warm {
    let catalogue = Catalogue::default();
    let periods = vec![
        Period::new(d("2026-01-01"), d("2026-10-31")).unwrap(),
        Period::new(d("2025-11-01"), d("2026-10-31")).unwrap(),
    ];
    let groups = vec![
        GroupKey::Province(CourtCode::parse("粤").unwrap()),
        GroupKey::City(CourtCode::parse("粤01").unwrap()),
        GroupKey::Court(CourtCode::parse("粤0101").unwrap()),
    ];
    for p in &periods {
        data.report(*p, &catalogue);
        data.metrics_body(*p, &admin(), &catalogue);
        data.metrics_body(*p, &city_manager(), &catalogue);
        for g in &groups {
            data.monthly(*p, g);
            data.actions(&admin(), g, p.to(), &catalogue);
            data.actions(&city_manager(), g, p.to(), &catalogue);
        }
    }
    Warm { periods, groups }
}

/// Every cached figure of `data` (kept current by `apply`) equals the figure computed afresh.
fn assert_same_figures(data: &Dataset, fresh: &Dataset, warm: &Warm) {
    let catalogue = Catalogue::default();
    for p in &warm.periods {
        assert_eq!(data.report(*p, &catalogue).to_json(), fresh.report(*p, &catalogue).to_json(), "report {p:?}");
        for access in [admin(), city_manager()] {
            let body = data.metrics_body(*p, &access, &catalogue);
            let mut expected = fresh.report(*p, &catalogue).to_json();
            let keep: Vec<bool> =
                fresh.report(*p, &catalogue).groups.iter().map(|g| access.sees_group(&g.key)).collect();
            let mut i = 0;
            expected["groups"].as_array_mut().unwrap().retain(|_| {
                i += 1;
                keep[i - 1]
            });
            assert_eq!(String::from_utf8_lossy(&body), serde_json::to_string(&expected).unwrap(), "body {p:?}");
        }
        for g in &warm.groups {
            assert_eq!(data.monthly(*p, g), fresh.monthly(*p, g), "trend {p:?} {g:?}");
            for access in [admin(), city_manager()] {
                let (a, b) =
                    (data.actions(&access, g, p.to(), &catalogue), fresh.actions(&access, g, p.to(), &catalogue));
                assert_eq!((&a.over_limit, &a.near_limit, &a.over_12m), (&b.over_limit, &b.near_limit, &b.over_12m));
            }
        }
    }
}

#[test]
fn cached_figures_follow_each_kind_of_change() {
    let base = demo(2500);
    // Each scenario changes the data one way; the warm caches must equal a fresh computation.
    type Scenario = fn(&mut Vec<CaseFacts>) -> (Vec<CaseFacts>, HashMap<String, Vec<String>>);
    let scenarios: Vec<(&str, Scenario)> = vec![
        ("a pending case closes by judgment", |f| {
            let i =
                f.iter().position(|c| c.closed_on.is_none() && c.case_number.type_code().as_str() == "民初").unwrap();
            f[i].closed_on = Some(d("2026-10-20"));
            f[i].disposition = Some(Disposition::Judgment);
            (vec![f[i].clone()], HashMap::new())
        }),
        ("an appeal of a closed first-instance case is registered", |f| {
            let i = f
                .iter()
                .position(|c| {
                    c.closed_on.is_some_and(|x| x >= d("2026-01-01"))
                        && c.case_number.type_code().as_str() == "民初"
                        && c.case_number.court().and_then(|x| x.city()).is_some()
                })
                .unwrap();
            let city = f[i].case_number.court().and_then(|x| x.city()).unwrap();
            let mut appeal =
                CaseFacts::new(CaseNumber::parse(&format!("（2026）{city}民终88888号")).unwrap(), d("2026-10-25"));
            appeal.origin_case_number = Some(f[i].case_number.clone());
            appeal.judge = f.iter().find(|c| c.case_number.court() == Some(city)).and_then(|c| c.judge.clone());
            f.push(appeal.clone());
            (vec![appeal], HashMap::new())
        }),
        ("an appeal is decided: reversed", |f| {
            let i = f
                .iter()
                .position(|c| {
                    c.closed_on.is_none()
                        && c.case_number.type_code().as_str() == "民终"
                        && c.origin_case_number.is_some()
                })
                .unwrap();
            f[i].closed_on = Some(d("2026-10-28"));
            f[i].disposition = Some(Disposition::Amended);
            (vec![f[i].clone()], HashMap::new())
        }),
        ("a filing date is corrected", |f| {
            let i = f.iter().rposition(|c| c.closed_on.is_none() && c.case_number.court().is_some()).unwrap();
            f[i].filed_on = f[i].filed_on.add_days(-400);
            (vec![f[i].clone()], HashMap::new())
        }),
        ("a case of a judge the data did not have (new group)", |f| {
            // A case whose judge keeps other cases (a judge left with none keeps an empty group
            // until the next reload: see `Dataset::apply`).
            let cases_of = |f: &Vec<CaseFacts>, j: &Option<String>| f.iter().filter(|c| c.judge == *j).count();
            let i = f
                .iter()
                .position(|c| c.closed_on.is_none() && c.case_number.court().is_some() && cases_of(f, &c.judge) > 1)
                .unwrap();
            f[i].judge = Some("新进法官".into());
            (vec![f[i].clone()], HashMap::new())
        }),
    ];
    for (name, scenario) in scenarios {
        let mut facts = base.clone();
        let mut data = Dataset::build(facts.iter().map(loaded), &court_names(), 15);
        let warm = warm_caches(&data);
        let (changed, following) = scenario(&mut facts);
        data.apply(changed.iter().map(loaded).collect(), &following, &court_names(), &Catalogue::default());
        let rebuilt = Dataset::build(facts.iter().map(loaded), &court_names(), 15);
        assert_same(&data, &rebuilt);
        eprintln!("scenario: {name}");
        assert_same_figures(&data, &rebuilt, &warm);
    }
}

#[test]
fn the_overdue_list_and_its_filter_share_the_catalogue_scope() {
    let facts = demo(3000);
    let data = Dataset::build(facts.iter().map(loaded), &court_names(), 15);
    let as_of = d("2026-06-30");
    let group = GroupKey::Province(CourtCode::parse("粤").unwrap());
    let count = |catalogue: &Catalogue| {
        let lists = action_rows(&data, &admin(), &group, as_of, catalogue);
        let filter =
            CaseFilter { scope: Some(group.clone()), over_limit: true, as_of: Some(as_of), ..CaseFilter::default() };
        let rules = xiezhi_report::ActionRules::new(catalogue);
        let listed = (0..data.len()).filter(|&r| filter.matches(&data, &data.case(r), &rules)).count();
        (lists.over_limit.len(), listed)
    };
    let (card, list) = count(&Catalogue::default());
    assert_eq!(card, list);
    assert!(card > 0);
    // A court that takes enforcement out of on_time_rate takes it out of both.
    let mut narrow = Catalogue::default();
    narrow.apply("[[indicator]]\nid = \"on_time_rate\"\nexclude_types = [\"执\", \"执恢\"]\n").unwrap();
    let (card_narrow, list_narrow) = count(&narrow);
    assert_eq!(card_narrow, list_narrow);
    let enforcement_overdue = (0..data.len())
        .filter(|&r| {
            let c = data.case(r);
            matches!(c.type_code.as_str(), "执" | "执恢") && c.pending_at(as_of) && data.deadline(r, as_of).is_overdue()
        })
        .count();
    assert!(enforcement_overdue > 0);
    assert_eq!(card_narrow, card - enforcement_overdue);
}

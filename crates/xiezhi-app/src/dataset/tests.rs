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
    data.apply(changed, &following, &court_names());
    let rebuilt = Dataset::build(facts.iter().map(loaded), &court_names(), 15);
    assert_same(&data, &rebuilt);
    assert_eq!(data.snapshot.origin_of(waiting), data.row_of("（2026）粤0101民初99999号"));
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

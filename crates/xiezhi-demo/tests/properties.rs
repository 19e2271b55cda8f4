//! Properties of the generated province, worked out from the import rules (case-facts.md), the
//! indicator catalogue (indicators.md) and the link conventions of the crate documentation.

use std::collections::{HashMap, HashSet};

use xiezhi_demo::{DemoConfig, generate, province};
use xiezhi_domain::{CaseClass, CaseFacts, CourtCode, CourtLevel, Date, Disposition, Procedure, StatutoryLimit};

fn as_of() -> Date {
    Date::from_ymd(2025, 6, 30).expect("valid date")
}

fn config(cases: u64, seed: u64) -> DemoConfig {
    DemoConfig::new(cases, seed, as_of())
}

fn cases(cases: u64, seed: u64) -> Vec<CaseFacts> {
    generate(&config(cases, seed)).collect()
}

fn code(c: &CaseFacts) -> &'static str {
    c.case_number.type_code().as_str()
}

fn court(c: &CaseFacts) -> CourtCode {
    c.case_number.court().expect("generated numbers carry a court code")
}

fn is_late(c: &CaseFacts) -> bool {
    match (c.closed_on, StatutoryLimit::for_case(c.case_number.type_code(), c.procedure)) {
        (Some(closed), Some(limit)) => closed > limit.deadline(c.filed_on, c.extension_days, c.suspended_days),
        _ => false,
    }
}

#[test]
fn same_config_same_sequence_other_seed_other_data() {
    let a = cases(5_000, 7);
    let b = cases(5_000, 7);
    assert_eq!(a, b);
    let c = cases(5_000, 8);
    assert_ne!(a, c);
    // Not just shifted: most rows differ.
    let same = a.iter().zip(&c).filter(|(x, y)| x == y).count();
    assert!(same < 500, "{same} identical rows");
}

#[test]
fn exact_row_count() {
    for n in [0u64, 1, 2, 7, 100, 1_000, 12_345] {
        let it = generate(&config(n, 3));
        assert_eq!(it.len() as u64, n);
        assert_eq!(it.count() as u64, n, "cases = {n}");
    }
    // A huge configuration streams: nothing is generated ahead.
    let huge = DemoConfig::new(1_000_000_000_000, 1, as_of());
    assert_eq!(generate(&huge).take(1_000).count(), 1_000);
}

#[test]
fn rows_satisfy_the_import_rules_and_links_are_plausible() {
    let cfg = config(50_000, 11);
    let start = cfg.first_filing_date();
    let all: Vec<CaseFacts> = generate(&cfg).collect();
    let mut seen: HashMap<String, &CaseFacts> = HashMap::new();
    let high = CourtCode::High { province: '粤' };
    let province = province();
    for c in &all {
        let number = c.case_number.as_str().to_owned();
        // Numbers parse back to themselves and are unique.
        assert_eq!(xiezhi_domain::CaseNumber::parse(&number).as_ref(), Ok(&c.case_number));
        assert!(!seen.contains_key(&number), "duplicate {number}");
        assert!(c.filed_on >= start && c.filed_on <= as_of(), "{number} filed {}", c.filed_on);
        assert_eq!(c.closed_on.is_some(), c.disposition.is_some(), "{number}");
        if let Some(closed) = c.closed_on {
            assert!(closed >= c.filed_on && closed <= as_of(), "{number}");
        }
        let here = court(c);
        let info = province.court(here).expect("court of the province");
        assert_eq!(c.court_name.as_deref(), Some(info.name()));
        if let Some(judge) = &c.judge {
            assert!(info.judges().any(|j| j == judge), "{judge} is not a judge of {here}");
        }
        if let (Some(applied), Some(recovered)) = (c.applied_amount, c.recovered_amount) {
            assert!(recovered <= applied, "{number}");
        }
        assert_eq!(c.case_number.year() as i32, c.filed_on.year(), "{number}");

        // Every origin is an earlier row of the data set, and the link is the documented one.
        if let Some(origin_number) = &c.origin_case_number {
            let origin = *seen
                .get(origin_number.as_str())
                .unwrap_or_else(|| panic!("{number}: origin {origin_number} not generated before"));
            let there = court(origin);
            let closed_before = origin.closed_on.is_some_and(|d| d <= c.filed_on);
            let o = code(origin);
            let od = origin.disposition;
            match code(c) {
                "民终" | "刑终" | "行终" => {
                    assert!(origin.case_number.type_code().class().is_first_instance(), "{number} ← {o}");
                    assert_eq!(&o[..3], &code(c)[..3], "{number}: same branch");
                    assert!(closed_before, "{number}");
                    assert!(matches!(
                        od,
                        Some(Disposition::Judgment | Disposition::DismissalOfClaim | Disposition::NonAcceptance)
                    ));
                    match there.level() {
                        CourtLevel::Basic => {
                            assert_eq!(Some(here), there.city(), "{number}: appeal at the origin's 中院")
                        }
                        CourtLevel::Intermediate => {
                            assert_eq!(here, high, "{number}: 中院 一审 appeals go to the 高院")
                        }
                        other => panic!("{number}: appeal from {other:?}"),
                    }
                }
                "民初" | "刑初" => {
                    assert!(matches!(o, "民终" | "刑终") && od == Some(Disposition::Remanded), "{number} ← {o}");
                    assert!(closed_before);
                    // Back to the court the appeal came from.
                    let first = seen[origin.origin_case_number.as_ref().expect("appeals have origins").as_str()];
                    assert_eq!(court(first), here, "{number}: retried where it was first tried");
                }
                "民申" => {
                    assert_eq!(o, "民终");
                    assert!(closed_before && matches!(od, Some(Disposition::Affirmed | Disposition::Amended)));
                    assert!(here == high || here == there, "{number}");
                }
                "民再" => {
                    assert_eq!(o, "民终", "{number}: 民再 names the effective 民终");
                    assert!(here == high || here == there, "{number}");
                    let review = all.iter().find(|r| {
                        code(r) == "民申"
                            && r.origin_case_number.as_ref() == Some(origin_number)
                            && r.disposition == Some(Disposition::Other)
                            && r.closed_on.is_some_and(|d| d <= c.filed_on)
                    });
                    assert!(review.is_some(), "{number}: no 民申 granted retrial");
                }
                "执" => {
                    assert!(closed_before, "{number}");
                    match o {
                        "民初" => assert!(matches!(od, Some(Disposition::Judgment | Disposition::Mediation))),
                        "刑初" => assert_eq!(od, Some(Disposition::Judgment)),
                        "民终" => assert!(matches!(
                            od,
                            Some(Disposition::Affirmed | Disposition::Amended | Disposition::Mediation)
                        )),
                        other => panic!("{number}: 执 based on {other}"),
                    }
                    if o == "民终" {
                        // Enforced by the first-instance court.
                        assert!(here.city() == Some(there) || there == high, "{number}");
                    } else {
                        assert_eq!(here, there, "{number}");
                    }
                }
                "执恢" => {
                    assert_eq!(o, "执");
                    assert!(closed_before && od == Some(Disposition::TerminalEnforcementSuspension));
                    assert_eq!(here, there);
                }
                "执保" => {
                    assert_eq!(o, "民初");
                    assert!(c.filed_on >= origin.filed_on);
                    assert_eq!(here, there);
                }
                "执异" => {
                    assert!(matches!(o, "执" | "执恢"), "{number} ← {o}");
                    assert!(c.filed_on >= origin.filed_on);
                    assert!(
                        origin.closed_on.is_none_or(|d| c.filed_on <= d),
                        "{number}: objection after the 执 closed"
                    );
                    assert_eq!(here, there);
                }
                other => panic!("{number}: unexpected origin on a {other}"),
            }
        } else {
            assert!(matches!(code(c), "民初" | "刑初" | "行初"), "{number}: only first-instance roots lack an origin");
        }
        seen.insert(number, c);
    }
}

#[test]
fn every_class_procedure_and_hard_case_is_present() {
    let all = cases(50_000, 5);
    let codes: HashSet<&str> = all.iter().map(code).collect();
    for wanted in ["民初", "民终", "民申", "民再", "执", "执恢", "执保", "执异", "刑初", "刑终", "行初", "行终"]
    {
        assert!(codes.contains(wanted), "no {wanted}");
    }
    for (type_code, procedure) in [
        ("民初", Procedure::Ordinary),
        ("民初", Procedure::Summary),
        ("民初", Procedure::SmallClaims),
        ("刑初", Procedure::Expedited),
        ("刑初", Procedure::Summary),
        ("行初", Procedure::Ordinary),
    ] {
        assert!(all.iter().any(|c| code(c) == type_code && c.procedure == Some(procedure)), "{type_code} {procedure}");
    }
    let dispositions: HashSet<Disposition> = all.iter().filter_map(|c| c.disposition).collect();
    for d in [
        Disposition::Judgment,
        Disposition::Mediation,
        Disposition::Withdrawal,
        Disposition::DismissalOfClaim,
        Disposition::NonAcceptance,
        Disposition::Transfer,
        Disposition::Affirmed,
        Disposition::Amended,
        Disposition::Remanded,
        Disposition::AppealWithdrawn,
        Disposition::EnforcementCompleted,
        Disposition::TerminalEnforcementSuspension,
        Disposition::EnforcementTerminated,
        Disposition::ApplicationRejected,
    ] {
        assert!(dispositions.contains(&d), "no {d}");
    }
    // 重审 after 发回, 执 based on a 民终, 执 of a criminal judgment.
    assert!(all.iter().any(|c| code(c) == "民初" && c.origin_case_number.is_some()));
    assert!(all.iter().any(|c| {
        code(c) == "执" && c.origin_case_number.as_ref().is_some_and(|o| o.type_code().as_str() == "民终")
    }));
    assert!(all.iter().any(|c| {
        code(c) == "执" && c.origin_case_number.as_ref().is_some_and(|o| o.type_code().as_str() == "刑初")
    }));

    let trial_pending_over = |months: i32| {
        all.iter()
            .filter(|c| c.case_number.type_code().class().is_trial() && c.closed_on.is_none())
            .filter(|c| c.filed_on.add_months(months) < as_of())
            .count()
    };
    let (p12, p18, p24, p36) =
        (trial_pending_over(12), trial_pending_over(18), trial_pending_over(24), trial_pending_over(36));
    assert!(p36 > 0 && p24 > p36 && p18 > p24 && p12 > p18, "{p12} {p18} {p24} {p36}");
    // A minority, not the rule.
    let pending = all.iter().filter(|c| c.closed_on.is_none()).count();
    assert!(p12 * 4 < pending, "{p12} of {pending}");

    let closed_with_limit = all
        .iter()
        .filter(|c| c.closed_on.is_some() && StatutoryLimit::for_case(c.case_number.type_code(), c.procedure).is_some())
        .count();
    let late = all.iter().filter(|c| is_late(c)).count();
    assert!(late * 100 > closed_with_limit && late * 10 < closed_with_limit, "{late} late of {closed_with_limit}");
    let extended = all.iter().filter(|c| c.extension_days > 0).count();
    let suspended = all.iter().filter(|c| c.suspended_days > 0).count();
    assert!(extended > 100 && extended * 5 < all.len(), "{extended}");
    assert!(suspended > 100 && suspended * 5 < all.len(), "{suspended}");
    // Extended cases mostly close within the extended limit (that is what extensions are for).
    let extended_closed: Vec<&CaseFacts> =
        all.iter().filter(|c| c.extension_days > 0 && c.closed_on.is_some()).collect();
    let extended_on_time = extended_closed.iter().filter(|c| !is_late(c)).count();
    assert!(extended_on_time * 2 > extended_closed.len());

    // Enforcement amounts: partial recoveries, property known both ways.
    let enforcement: Vec<&CaseFacts> = all.iter().filter(|c| code(c) == "执").collect();
    assert!(enforcement.iter().all(|c| c.applied_amount.is_some()));
    assert!(enforcement.iter().any(|c| {
        matches!((c.applied_amount, c.recovered_amount), (Some(a), Some(r)) if r > xiezhi_domain::Amount::ZERO && r < a)
    }));
    assert!(enforcement.iter().any(|c| c.has_property == Some(true)));
    assert!(enforcement.iter().any(|c| c.has_property == Some(false)));
}

#[test]
fn time_shape_covers_the_years_with_a_year_end_bulge() {
    let cfg = config(60_000, 9);
    let all: Vec<CaseFacts> = generate(&cfg).collect();
    let first = all.iter().map(|c| c.filed_on).min().expect("cases");
    assert!(first <= as_of().add_months(-36), "first filing {first}");
    assert!(cfg.first_filing_date() <= as_of().add_months(-48));
    // Filings reach as_of: the last month is not empty.
    let last_month = all.iter().filter(|c| c.filed_on > as_of().add_months(-1)).count();
    assert!(last_month * 100 > all.len(), "{last_month}");
    // Closures per calendar month over the full years 2022–2024: December well above the mean,
    // January below it.
    let mut by_month = [0usize; 12];
    for d in all.iter().filter_map(|c| c.closed_on).filter(|d| (2022..=2024).contains(&d.year())) {
        by_month[d.month() as usize - 1] += 1;
    }
    let mean = by_month.iter().sum::<usize>() / 12;
    assert!(by_month[11] * 10 > mean * 13, "{by_month:?}");
    assert!(by_month[0] < mean, "{by_month:?}");
    // Years below the minimum are raised to 3.
    let short = DemoConfig { years: 1, ..cfg };
    assert_eq!(short.first_filing_date(), cfg.first_filing_date());
}

#[test]
fn courts_differ_and_the_upper_courts_have_their_own_cases() {
    let all = cases(150_000, 21);
    let province = province();
    // The 中院 has its own 一审 and 执; the 高院 has a few cases.
    for (city, _) in province.cities() {
        let own = |type_code: &str| all.iter().filter(|c| court(c) == city && code(c) == type_code).count();
        assert!(own("民初") > 0 && own("民终") > 0 && own("执") > 0, "{city}");
    }
    let high = all.iter().filter(|c| court(c).level() == CourtLevel::High).count();
    assert!(high > 0 && high * 50 < all.len(), "{high}");

    // Per basic court: 调解率 over closed 民初, 终本 share over closed 执, y/y change of filings.
    let as_of = as_of();
    let year_ago = as_of.add_months(-12);
    let two_years_ago = as_of.add_months(-24);
    let spread = |v: &[f64]| v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min);
    let mut mediation = Vec::new();
    let mut terminal = Vec::new();
    let mut growth = Vec::new();
    let mut on_time = Vec::new();
    let mut appealed = Vec::new();
    let appeal_origins: HashSet<&str> = all
        .iter()
        .filter(|c| c.case_number.type_code().class() == CaseClass::Appeal)
        .filter_map(|c| c.origin_case_number.as_ref().map(|o| o.as_str()))
        .collect();
    for (code_, _) in province.courts().filter(|(c, _)| c.level() == CourtLevel::Basic) {
        let mine: Vec<&CaseFacts> = all.iter().filter(|c| court(c) == code_).collect();
        let civil: Vec<_> = mine.iter().filter(|c| code(c) == "民初" && c.closed_on.is_some()).collect();
        let med = civil.iter().filter(|c| c.disposition == Some(Disposition::Mediation)).count();
        mediation.push(med as f64 / civil.len() as f64);
        let enf: Vec<_> = mine.iter().filter(|c| code(c) == "执" && c.closed_on.is_some()).collect();
        let term = enf.iter().filter(|c| c.disposition == Some(Disposition::TerminalEnforcementSuspension)).count();
        terminal.push(term as f64 / enf.len() as f64);
        let now = mine.iter().filter(|c| c.filed_on > year_ago).count() as f64;
        let before = mine.iter().filter(|c| c.filed_on > two_years_ago && c.filed_on <= year_ago).count() as f64;
        growth.push(now / before - 1.0);
        let closed: Vec<_> = mine.iter().filter(|c| c.closed_on.is_some()).collect();
        on_time.push(closed.iter().filter(|c| !is_late(c)).count() as f64 / closed.len() as f64);
        let judged: Vec<_> = civil.iter().filter(|c| c.disposition == Some(Disposition::Judgment)).collect();
        let up = judged.iter().filter(|c| appeal_origins.contains(c.case_number.as_str())).count();
        appealed.push(up as f64 / judged.len() as f64);
    }
    assert!(spread(&on_time) > 0.02, "{on_time:?}");
    assert!(spread(&appealed) > 0.05, "{appealed:?}");
    assert!(appealed.iter().all(|&r| r > 0.02 && r < 0.5), "{appealed:?}");
    let spread = |v: &[f64]| v.iter().cloned().fold(f64::MIN, f64::max) - v.iter().cloned().fold(f64::MAX, f64::min);
    assert!(spread(&mediation) > 0.1, "{mediation:?}");
    assert!(spread(&terminal) > 0.1, "{terminal:?}");
    assert!(growth.iter().any(|&g| g > 0.05) && growth.iter().any(|&g| g < -0.03), "{growth:?}");
    assert!(province.court_details().iter().any(|c| c.annual_growth() < -0.05));
    assert!(province.court_details().iter().any(|c| c.annual_growth() > 0.05));

    // Mix: civil dominates, enforcement is a large minority, appeals a small one.
    let share = |class: CaseClass| {
        all.iter().filter(|c| c.case_number.type_code().class() == class).count() as f64 / all.len() as f64
    };
    assert!((0.5..0.75).contains(&share(CaseClass::CivilFirst)));
    assert!((0.12..0.35).contains(&share(CaseClass::Enforcement)));
    assert!((0.03..0.10).contains(&share(CaseClass::Appeal)));
    assert!((0.04..0.12).contains(&share(CaseClass::CriminalFirst)));
}

#[test]
fn province_layout_is_fixed_and_synthetic() {
    let p = province();
    assert_eq!(p.abbreviation(), '粤');
    let courts: Vec<(CourtCode, &str)> = p.courts().collect();
    assert_eq!(courts[0].0, CourtCode::High { province: '粤' });
    let cities: Vec<CourtCode> = p.cities().map(|(c, _)| c).collect();
    assert!((4..=6).contains(&cities.len()));
    for city in &cities {
        let basics = courts.iter().filter(|(c, _)| c.level() == CourtLevel::Basic && c.city() == Some(*city)).count();
        assert!((3..=8).contains(&basics), "{city}: {basics}");
    }
    let names: HashSet<&str> = courts.iter().map(|(_, n)| *n).collect();
    assert_eq!(names.len(), courts.len());
    // Judges: three characters, unique across the province, the same every time.
    let judges: Vec<String> = p.court_details().iter().flat_map(|c| c.judges().map(str::to_owned)).collect();
    assert!(judges.iter().all(|j| j.chars().count() == 3));
    assert_eq!(judges.iter().collect::<HashSet<_>>().len(), judges.len());
    let again: Vec<String> = province().court_details().iter().flat_map(|c| c.judges().map(str::to_owned)).collect();
    assert_eq!(judges, again);
    // Every court hears something: a department with judges.
    assert!(p.court_details().iter().all(|c| c.departments().iter().any(|d| !d.judges().is_empty())));
}

#[test]
fn numbers_follow_filing_order_within_a_year() {
    // Roots are laid out chronologically, so a court's 民初 numbers of one year mostly increase
    // with the filing date (re-tried cases and the random top-up are the exceptions).
    let all = cases(30_000, 4);
    let mut by_key: HashMap<(CourtCode, u16), Vec<(u64, Date)>> = HashMap::new();
    for c in all.iter().filter(|c| code(c) == "民初") {
        let text = c.case_number.as_str();
        let seq: u64 =
            text.trim_end_matches('号').rsplit("民初").next().and_then(|s| s.parse().ok()).expect("sequence");
        by_key.entry((court(c), c.case_number.year())).or_default().push((seq, c.filed_on));
    }
    let (mut ordered, mut pairs) = (0usize, 0usize);
    for list in by_key.values_mut() {
        list.sort();
        assert!(list.iter().enumerate().all(|(i, (seq, _))| *seq as usize == i + 1), "sequence without gaps");
        for w in list.windows(2) {
            pairs += 1;
            ordered += usize::from(w[0].1 <= w[1].1);
        }
    }
    assert!(ordered * 10 > pairs * 8, "{ordered} of {pairs}");
}

#[test]
fn odd_dates_and_long_windows_keep_the_rules() {
    for (y, m, d, years) in [(2024, 2, 29, 3), (2025, 1, 1, 3), (2024, 12, 31, 10), (1001, 3, 1, 3)] {
        let as_of = Date::from_ymd(y, m, d).expect("valid date");
        let cfg = DemoConfig { cases: 3_000, seed: 99, as_of, years };
        let all: Vec<CaseFacts> = generate(&cfg).collect();
        assert_eq!(all.len(), 3_000);
        let numbers: HashSet<&str> = all.iter().map(|c| c.case_number.as_str()).collect();
        assert_eq!(numbers.len(), all.len());
        for c in &all {
            assert!(c.filed_on <= as_of && c.filed_on >= cfg.first_filing_date());
            assert!(c.closed_on.is_none_or(|d| d >= c.filed_on && d <= as_of));
            assert_eq!(c.closed_on.is_some(), c.disposition.is_some());
            if let Some(origin) = &c.origin_case_number {
                assert!(numbers.contains(origin.as_str()));
            }
        }
    }
}

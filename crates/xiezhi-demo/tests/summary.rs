//! Prints the mix of a mid-size run and the generation speed (`cargo test -p xiezhi-demo --test
//! summary -- --nocapture`); asserts only what any run must show.

use std::collections::BTreeMap;
use std::time::Instant;

use xiezhi_demo::{DemoConfig, generate};
use xiezhi_domain::{Date, StatutoryLimit};

#[test]
fn mix_and_speed() {
    let as_of = Date::from_ymd(2025, 6, 30).expect("valid date");
    let config = DemoConfig::new(200_000, 42, as_of);
    #[allow(clippy::disallowed_methods)] // The generator's speed, printed for the record.
    let started = Instant::now();
    let mut rows = 0u64;
    let mut by_code: BTreeMap<&'static str, (u64, u64)> = BTreeMap::new();
    let mut dispositions: BTreeMap<(&'static str, &'static str), u64> = BTreeMap::new();
    let (mut limited, mut late, mut extended, mut suspended) = (0u64, 0u64, 0u64, 0u64);
    for case in generate(&config) {
        rows += 1;
        let code = case.case_number.type_code();
        let entry = by_code.entry(code.as_str()).or_default();
        entry.0 += 1;
        entry.1 += u64::from(case.closed_on.is_none());
        if let Some(d) = case.disposition {
            *dispositions.entry((code.as_str(), d.label())).or_default() += 1;
        }
        if let (Some(closed), Some(limit)) = (case.closed_on, StatutoryLimit::for_case(code, case.procedure)) {
            limited += 1;
            late += u64::from(closed > limit.deadline(case.filed_on, case.extension_days, case.suspended_days));
        }
        extended += u64::from(case.extension_days > 0);
        suspended += u64::from(case.suspended_days > 0);
    }
    let elapsed = started.elapsed();
    eprintln!("{rows} cases in {elapsed:?} ({:.0} cases/s, debug build)", rows as f64 / elapsed.as_secs_f64());
    for (code, (n, pending)) in &by_code {
        eprintln!("{code}: {n} ({:.1} %), pending {pending}", 100.0 * *n as f64 / rows as f64);
    }
    for ((code, d), n) in &dispositions {
        let total = by_code[code].0 - by_code[code].1;
        eprintln!("  {code} {d}: {:.1} %", 100.0 * *n as f64 / total as f64);
    }
    eprintln!(
        "late {:.1} % of closed with a limit; extended {extended}; suspended {suspended}",
        100.0 * late as f64 / limited as f64
    );
    assert_eq!(rows, 200_000);
    assert!(late > 0 && late * 10 < limited);
}

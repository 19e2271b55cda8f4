//! Hand-worked cases for every step of the rule (the arithmetic is in the comments).

use super::*;
use crate::events::SuspensionKind;

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn code(t: &str) -> TypeCode {
    TypeCode::from_text(t).unwrap()
}

fn case<'a>(t: &str, p: Option<Procedure>, filed: &str, events: &'a [CaseEvent]) -> ClockCase<'a> {
    ClockCase {
        type_code: code(t),
        procedure: p,
        filed_on: d(filed),
        closed_on: None,
        record: ClockRecord::Events(events),
    }
}

fn at(c: &ClockCase<'_>, as_of: &str) -> Deadline {
    Deadline::compute(c, d(as_of), DEFAULT_NEAR_DAYS)
}

#[test]
fn imported_rows_keep_the_old_formula() {
    // 民初, no procedure → 6 months: 2024-03-05 + 6 months = 2024-09-05; + 10 + 5 days = 09-20.
    let mut c = ClockCase {
        type_code: code("民初"),
        procedure: None,
        filed_on: d("2024-03-05"),
        closed_on: None,
        record: ClockRecord::Imported { extension_days: 10, suspended_days: 5 },
    };
    let r = at(&c, "2024-09-01");
    assert_eq!(r.base_deadline, Some(d("2024-09-05")));
    assert_eq!((r.extension_days, r.suspended_days, r.suspended_now), (10, 5, false));
    assert_eq!(r.deadline, Some(d("2024-09-20")));
    assert_eq!(r.remaining_days, Some(19));
    assert_eq!(r.status, DeadlineStatus::Normal);
    assert_eq!(r.deadline, Some(StatutoryLimit::Months(6).deadline(d("2024-03-05"), 10, 5)));
    c.closed_on = Some(d("2024-09-20"));
    assert_eq!(at(&c, "2030-01-01").status, DeadlineStatus::ClosedOnTime);
    assert_eq!(at(&c, "2030-01-01").as_of, d("2024-09-20"));
    c.closed_on = Some(d("2024-09-21"));
    assert_eq!(at(&c, "2030-01-01").status, DeadlineStatus::ClosedLate);
    // As of a day before its closing the case was still open: on 09-21 itself it is closed
    // late, on 09-20 it was open on its last day (near), on 09-01 open as before.
    assert_eq!(at(&c, "2024-09-21").status, DeadlineStatus::ClosedLate);
    assert_eq!(at(&c, "2024-09-20").status, DeadlineStatus::Near);
    assert_eq!(at(&c, "2024-09-01").status, DeadlineStatus::Normal);
}

#[test]
fn near_and_overdue_boundaries() {
    let c = case("民初", Some(Procedure::Ordinary), "2024-03-05", &[]);
    // Deadline 2024-09-05.
    assert_eq!(at(&c, "2024-08-20").status, DeadlineStatus::Normal); // 16 days left
    assert_eq!(at(&c, "2024-08-21").status, DeadlineStatus::Near); // 15 days left
    assert_eq!(at(&c, "2024-09-05").status, DeadlineStatus::Near); // 0 days left: the last day
    assert_eq!(at(&c, "2024-09-06").status, DeadlineStatus::Overdue);
    assert_eq!(at(&c, "2024-09-06").remaining_days, Some(-1));
    // A wider near window from the catalogue.
    assert_eq!(Deadline::compute(&c, d("2024-08-20"), 30).status, DeadlineStatus::Near);
}

#[test]
fn no_limit() {
    let c = case("执保", None, "2024-03-05", &[]);
    let r = at(&c, "2025-01-01");
    assert_eq!((r.status, r.limit, r.deadline, r.remaining_days), (DeadlineStatus::NoLimit, None, None, None));
}

#[test]
fn extensions_clamp_at_month_end() {
    // 民初 普通 filed 2023-08-31: base = add_months(08-31, 6) = 2024-02-29 (clamped).
    // Extension of 6 months approved 2024-02-01: D = add_months(2024-02-29, 6) = 2024-08-29,
    // not 08-31: months are added to the moved deadline. 02-29 → 08-29 is
    // 29 + 31 + 30 + 31 + 30 + 31 = 182 days.
    let events = [CaseEvent::Extension { on: d("2024-02-01"), span: Span::Months(6), approver: None, reason: None }];
    let c = case("民初", Some(Procedure::Ordinary), "2023-08-31", &events);
    let r = at(&c, "2024-08-20");
    assert_eq!(r.base_deadline, Some(d("2024-02-29")));
    assert_eq!(r.deadline, Some(d("2024-08-29")));
    assert_eq!(r.extension_days, 182);
    assert_eq!((r.remaining_days, r.status), (Some(9), DeadlineStatus::Near));
    // Two extensions apply in date order: 1 month then 10 days from 2024-02-29 → 03-29 → 04-08.
    let events = [
        CaseEvent::Extension { on: d("2024-02-10"), span: Span::Days(10), approver: None, reason: None },
        CaseEvent::Extension { on: d("2024-02-05"), span: Span::Months(1), approver: None, reason: None },
    ];
    let c = case("民初", Some(Procedure::Ordinary), "2023-08-31", &events);
    assert_eq!(at(&c, "2024-03-01").deadline, Some(d("2024-04-08")));
    // Ten days then one month would give 03-10 → 04-10: order matters.
    // An extension approved after the as-of day does not count yet.
    assert_eq!(at(&c, "2024-02-07").deadline, Some(d("2024-03-29")));
}

#[test]
fn overlapping_and_running_suspensions() {
    // 民初 普通 filed 2024-01-10, base 2024-07-10.
    // 公告 02-01..03-01 and 鉴定 02-20..03-10 overlap: union 02-01..03-10 = 29 + 10 = 39 days.
    // 调解 from 06-01, still running: as of 06-15, 06-01..06-15 = 15 days. Total 54:
    // 07-10 + 54 days = 09-02 (21 to 07-31, 31 to 08-31, 2 more).
    let events = [
        CaseEvent::Suspension { kind: SuspensionKind::Publication, from: d("2024-02-01"), to: Some(d("2024-03-01")) },
        CaseEvent::Suspension { kind: SuspensionKind::Appraisal, from: d("2024-02-20"), to: Some(d("2024-03-10")) },
        CaseEvent::Suspension { kind: SuspensionKind::Mediation, from: d("2024-06-01"), to: None },
    ];
    let c = case("民初", Some(Procedure::Ordinary), "2024-01-10", &events);
    let r = at(&c, "2024-06-15");
    assert_eq!((r.suspended_days, r.suspended_now), (54, true));
    assert_eq!(r.deadline, Some(d("2024-09-02")));
    assert_eq!(r.remaining_days, Some(79)); // 15 + 31 + 31 + 2
    assert_eq!(r.status, DeadlineStatus::Suspended);
    // The running period ended on 06-20: 20 days, total 59, deadline 09-07; as of 06-30 normal.
    let mut ended = events.clone();
    ended[2] =
        CaseEvent::Suspension { kind: SuspensionKind::Mediation, from: d("2024-06-01"), to: Some(d("2024-06-20")) };
    let c = case("民初", Some(Procedure::Ordinary), "2024-01-10", &ended);
    let r = at(&c, "2024-06-30");
    assert_eq!((r.suspended_days, r.suspended_now), (59, false));
    assert_eq!(r.deadline, Some(d("2024-09-07")));
    assert_eq!((r.remaining_days, r.status), (Some(69), DeadlineStatus::Normal));
    // On its last day a period is still running.
    assert!(at(&c, "2024-06-20").suspended_now);
    // As of 02-10 only 02-01..02-10 counts (10 days), and 公告 is running.
    let r = at(&c, "2024-02-10");
    assert_eq!((r.suspended_days, r.suspended_now), (10, true));
}

#[test]
fn a_suspension_that_began_before_a_restart() {
    // 刑初 普通 (3 months) filed 2024-03-01. 鉴定 05-01..05-20; restart on 05-10 (补充侦查完毕).
    // S = 05-10, base = 08-10; only the days after S count: 05-11..05-20 = 10; deadline 08-20.
    let events = [
        CaseEvent::Suspension { kind: SuspensionKind::Appraisal, from: d("2024-05-01"), to: Some(d("2024-05-20")) },
        CaseEvent::Restart { on: d("2024-05-10"), reason: Some("补充侦查完毕".into()) },
    ];
    let c = case("刑初", Some(Procedure::Ordinary), "2024-03-01", &events);
    let r = at(&c, "2024-06-01");
    assert_eq!(r.start, d("2024-05-10"));
    assert_eq!(r.base_deadline, Some(d("2024-08-10")));
    assert_eq!(r.suspended_days, 10);
    assert_eq!(r.deadline, Some(d("2024-08-20")));
    // Before the restart the clock runs from filing: base 06-01, 05-01..05-05 = 5 days.
    let r = at(&c, "2024-05-05");
    assert_eq!((r.start, r.suspended_days), (d("2024-03-01"), 5));
    assert_eq!(r.deadline, Some(d("2024-06-06")));
}

#[test]
fn civil_summary_to_ordinary_counts_from_filing() {
    // 民初 简易 (3 months) filed 2024-01-15: base 04-15. Converted to 普通 on 03-20: the
    // 6 months count from filing (not from the conversion): base 07-15.
    let events = [CaseEvent::Conversion { on: d("2024-03-20"), procedure: Procedure::Ordinary }];
    let c = case("民初", Some(Procedure::Summary), "2024-01-15", &events);
    let before = at(&c, "2024-03-01");
    assert_eq!((before.procedure, before.deadline), (Some(Procedure::Summary), Some(d("2024-04-15"))));
    let after = at(&c, "2024-04-20");
    assert_eq!(after.start, d("2024-01-15"));
    assert_eq!((after.procedure, after.limit), (Some(Procedure::Ordinary), Some(StatutoryLimit::Months(6))));
    assert_eq!(after.deadline, Some(d("2024-07-15")));
    assert_eq!(after.status, DeadlineStatus::Normal);
}

#[test]
fn criminal_conversion_counts_from_the_conversion() {
    // 刑初 速裁 (10 days) filed 2024-05-06: base 05-16; as of 05-10, 6 days left → near.
    // Converted to 普通 on 05-14: S = 05-14, 3 months → 08-14.
    let events = [CaseEvent::Conversion { on: d("2024-05-14"), procedure: Procedure::Ordinary }];
    let c = case("刑初", Some(Procedure::Expedited), "2024-05-06", &events);
    let before = at(&c, "2024-05-10");
    assert_eq!(
        (before.deadline, before.remaining_days, before.status),
        (Some(d("2024-05-16")), Some(6), DeadlineStatus::Near)
    );
    let after = at(&c, "2024-05-20");
    assert_eq!((after.start, after.deadline), (d("2024-05-14"), Some(d("2024-08-14"))));
}

#[test]
fn a_restart_drops_earlier_extensions() {
    // 刑初 普通 filed 2024-01-02: base 04-02; an extension of 1 month approved 03-20 → 05-02
    // (30 days). A restart on 04-01 starts again: base 07-01, the earlier extension gone.
    let events = [
        CaseEvent::Extension { on: d("2024-03-20"), span: Span::Months(1), approver: None, reason: None },
        CaseEvent::Restart { on: d("2024-04-01"), reason: Some("改变管辖".into()) },
    ];
    let c = case("刑初", Some(Procedure::Ordinary), "2024-01-02", &events);
    let before = at(&c, "2024-03-25");
    assert_eq!((before.deadline, before.extension_days), (Some(d("2024-05-02")), 30));
    let after = at(&c, "2024-05-01");
    assert_eq!((after.start, after.extension_days, after.deadline), (d("2024-04-01"), 0, Some(d("2024-07-01"))));
}

#[test]
fn closed_cases_use_their_closing_day() {
    // 民初 普通 filed 2024-01-10 with a suspension still open in the record: as of closing on
    // 2024-07-20 it counts 07-01..07-20 = 20 days, deadline 07-30: on time.
    let events = [CaseEvent::Suspension { kind: SuspensionKind::Stay, from: d("2024-07-01"), to: None }];
    let mut c = case("民初", Some(Procedure::Ordinary), "2024-01-10", &events);
    c.closed_on = Some(d("2024-07-20"));
    let r = at(&c, "2026-01-01");
    assert_eq!((r.as_of, r.suspended_days, r.deadline), (d("2024-07-20"), 20, Some(d("2024-07-30"))));
    assert_eq!(r.status, DeadlineStatus::ClosedOnTime);
}

#[test]
fn union_of_ranges() {
    assert_eq!(union_days(&mut []), 0);
    assert_eq!(union_days(&mut [(1, 1)]), 1);
    assert_eq!(union_days(&mut [(5, 9), (1, 3), (4, 4)]), 9); // adjacent ranges join
    assert_eq!(union_days(&mut [(1, 10), (2, 3)]), 10);
    assert_eq!(union_days(&mut [(1, 2), (5, 6)]), 4);
}

//! Tests of the indicator engine against values worked out by hand from the contract
//! (indicators.md). Every expected value carries its derivation in a comment.

use proptest::prelude::*;
use xiezhi_domain::{Amount, CaseFacts, CaseNumber, CourtCode, Date, Disposition, Procedure};

use crate::engine::{aggregate, last_day_with_months_before};
use crate::*;

// ---------------------------------------------------------------------------------------
// Fixture helpers.

fn d(text: &str) -> Date {
    Date::parse_iso(text).unwrap()
}

fn period(from: &str, to: &str) -> Period {
    Period::new(d(from), d(to)).unwrap()
}

fn court(code: &str) -> CourtCode {
    CourtCode::parse(code).unwrap()
}

/// A case with only a number and a filing date; the methods below add the rest.
fn case(number: &str, filed: &str) -> CaseFacts {
    CaseFacts::new(CaseNumber::parse(number).unwrap(), d(filed))
}

trait With {
    fn closed(self, on: &str, how: &str) -> Self;
    fn judge(self, name: &str) -> Self;
    fn origin(self, number: &str) -> Self;
    fn procedure(self, p: Procedure) -> Self;
    fn ext_susp(self, extension: u32, suspended: u32) -> Self;
    fn applied(self, yuan: &str) -> Self;
    fn recovered(self, yuan: &str) -> Self;
    fn property(self, has: bool) -> Self;
    fn named(self, name: &str) -> Self;
}

impl With for CaseFacts {
    fn closed(mut self, on: &str, how: &str) -> Self {
        self.closed_on = Some(d(on));
        self.disposition = Some(Disposition::parse(how).unwrap());
        self
    }
    fn judge(mut self, name: &str) -> Self {
        self.judge = Some(name.to_owned());
        self
    }
    fn origin(mut self, number: &str) -> Self {
        self.origin_case_number = Some(CaseNumber::parse(number).unwrap());
        self
    }
    fn procedure(mut self, p: Procedure) -> Self {
        self.procedure = Some(p);
        self
    }
    fn ext_susp(mut self, extension: u32, suspended: u32) -> Self {
        self.extension_days = extension;
        self.suspended_days = suspended;
        self
    }
    fn applied(mut self, yuan: &str) -> Self {
        self.applied_amount = Some(Amount::parse(yuan, false).unwrap());
        self
    }
    fn recovered(mut self, yuan: &str) -> Self {
        self.recovered_amount = Some(Amount::parse(yuan, false).unwrap());
        self
    }
    fn property(mut self, has: bool) -> Self {
        self.has_property = Some(has);
        self
    }
    fn named(mut self, name: &str) -> Self {
        self.court_name = Some(name.to_owned());
        self
    }
}

fn run(facts: &[CaseFacts], p: Period) -> (Snapshot, MetricsReport) {
    let snap = Snapshot::new(facts, &GroupNames::default());
    let report = compute(&snap, p);
    (snap, report)
}

fn q(numerator: i128, denominator: i128) -> Value {
    Value::Quotient { numerator, denominator }
}

fn n(count: u64) -> Value {
    Value::Count(count)
}

fn court_key(code: &str) -> GroupKey {
    GroupKey::Court(court(code))
}

fn city_key(code: &str) -> GroupKey {
    GroupKey::City(court(code))
}

fn province_key(code: &str) -> GroupKey {
    GroupKey::Province(court(code))
}

fn judge_key(code: &str, name: &str) -> GroupKey {
    GroupKey::Judge { court: court(code), judge: name.to_owned() }
}

fn value(report: &MetricsReport, key: &GroupKey, id: IndicatorId) -> Value {
    report.group(key).unwrap_or_else(|| panic!("no group {key:?}")).value(id).clone()
}

fn previous(report: &MetricsReport, key: &GroupKey, id: IndicatorId) -> Value {
    report.group(key).unwrap().previous_value(id).clone()
}

// ---------------------------------------------------------------------------------------
// Periods.

#[test]
fn period_rejects_reversed_dates_and_moves_only_leap_day() {
    assert_eq!(
        Period::new(d("2024-02-02"), d("2024-02-01")),
        Err(MetricsError::PeriodReversed { from: "2024-02-02".into(), to: "2024-02-01".into() })
    );
    assert!(Period::new(d("2024-02-01"), d("2024-02-01")).is_ok());
    // indicators.md: P = [2024-03-01, 2025-02-28] has P' = [2023-03-01, 2024-02-28].
    let p = period("2024-03-01", "2025-02-28").previous_year();
    assert_eq!((p.from(), p.to()), (d("2023-03-01"), d("2024-02-28")));
    let p = period("2024-01-01", "2024-02-29").previous_year();
    assert_eq!((p.from(), p.to()), (d("2023-01-01"), d("2023-02-28")));
}

// ---------------------------------------------------------------------------------------
// Counts at the boundaries of both periods.

#[test]
fn counts_at_period_boundaries() {
    // P = [2024-01-01, 2024-06-30], P' = [2023-01-01, 2023-06-30]; all at 粤0703.
    let facts = vec![
        // a: filed 2023-11-10 < from, closed on `from` → carried over and closed in P.
        case("(2023)粤0703民初1号", "2023-11-10").closed("2024-01-01", "判决"),
        // b: filed on `from`, closed on `to` → filed and closed in P.
        case("(2024)粤0703民初2号", "2024-01-01").closed("2024-06-30", "调解"),
        // c: closed on from − 1 → neither carried over nor closed nor pending in P.
        case("(2023)粤0703民初3号", "2023-05-01").closed("2023-12-31", "判决"),
        // d: filed the day after `to` → nothing in P.
        case("(2024)粤0703民初4号", "2024-07-01"),
        // e: filed in P, pending at `to`.
        case("(2024)粤0703民初5号", "2024-03-01"),
        // f: enforcement filed 2023-06-30 (= to'), closed 2024-07-01 (after `to`).
        case("(2023)粤0703执1号", "2023-06-30").closed("2024-07-01", "执行完毕"),
        // g: 执保 (not enforcement scope, not trial), filed in P, closed in P.
        case("(2024)粤0703执保1号", "2024-02-01").closed("2024-02-02", "其他"),
    ];
    let (_, r) = run(&facts, period("2024-01-01", "2024-06-30"));
    let k = court_key("粤0703");
    use IndicatorId::*;
    // filed in P: b, e, g = 3. carried: a, f (c closed before from) = 2. accepted 5.
    assert_eq!(value(&r, &k, Filed), n(3));
    assert_eq!(value(&r, &k, CarriedOver), n(2));
    assert_eq!(value(&r, &k, Accepted), n(5));
    // closed in P: a (on from), b (on to), g = 3; pending at to: e, f = 2 = 5 − 3.
    assert_eq!(value(&r, &k, Closed), n(3));
    assert_eq!(value(&r, &k, Pending), n(2));
    assert_eq!(value(&r, &k, ClosureRate), q(3, 5));
    assert_eq!(value(&r, &k, ClearanceRate), q(3, 3));
    // trial: a, b, c, d, e (民初). filed b, e; closed a, b; pending e.
    assert_eq!(value(&r, &k, TrialFiled), n(2));
    assert_eq!(value(&r, &k, TrialClosed), n(2));
    assert_eq!(value(&r, &k, TrialPending), n(1));
    // enforcement (执 only; 执保 excluded): f carried over and pending.
    assert_eq!(value(&r, &k, EnfFiled), n(0));
    assert_eq!(value(&r, &k, EnfCarriedOver), n(1));
    assert_eq!(value(&r, &k, EnfAccepted), n(1));
    assert_eq!(value(&r, &k, EnfClosed), n(0));
    assert_eq!(value(&r, &k, EnfPending), n(1));
    assert_eq!(value(&r, &k, EnfClosureRate), q(0, 1));
    // Zero denominators are undefined, never 0: no enforcement closed in P.
    assert_eq!(value(&r, &k, ActualExecutionRate), Value::Undefined);
    assert_eq!(value(&r, &k, RecoveryRate), Value::Undefined);
    assert_eq!(value(&r, &k, FirstEnfTerminalRate), Value::Undefined);
    assert_eq!(value(&r, &k, CorePropertyOnTimeRate), Value::Undefined);
    assert_eq!(value(&r, &k, AppealReversalRate), Value::Undefined);
    // ... but recovered_amount is 0, not null.
    assert_eq!(value(&r, &k, RecoveredAmount), Value::Amount(0));
    // avg_days over trial closed a (2023-11-10 → 2024-01-01: 20 + 31 + 1 = 52 days) and
    // b (2024-01-01 → 2024-06-30: 181 days): (52 + 181) / 2.
    assert_eq!(value(&r, &k, AvgDays), q(233, 2));
    assert_eq!(value(&r, &k, AvgNetDays), q(233, 2));
    // mediation over civil_first closed in P (a 判决, b 调解): 1/2.
    assert_eq!(value(&r, &k, MediationRate), q(1, 2));
    assert_eq!(value(&r, &k, MediationWithdrawalRate), q(1, 2));

    // P' = [2023-01-01, 2023-06-30]: filed c (2023-05-01), f (2023-06-30 = to'); a filed
    // 2023-11-10 is after to'. Nothing carried, nothing closed; pending at to': c, f.
    assert_eq!(previous(&r, &k, Filed), n(2));
    assert_eq!(previous(&r, &k, CarriedOver), n(0));
    assert_eq!(previous(&r, &k, Closed), n(0));
    assert_eq!(previous(&r, &k, Pending), n(2));
    assert_eq!(previous(&r, &k, ClearanceRate), q(0, 2));
    assert_eq!(previous(&r, &k, ClosureRate), q(0, 2));
    assert_eq!(previous(&r, &k, EnfFiled), n(1));

    // Year on year: filed 3 against 2 → +50 %; closed 3 against 0 → undefined (before = 0);
    // clearance 3/3 against 0/2 → +1.0 (100 个百分点), a difference.
    let g = r.group(&k).unwrap();
    assert_eq!(g.change[Filed.index()], Some(Change::Relative(0.5)));
    assert_eq!(g.change[Closed.index()], None);
    assert_eq!(g.change[ClearanceRate.index()], Some(Change::Difference(1.0)));
    // pending 2 against 2 → 0 %.
    assert_eq!(g.change[Pending.index()], Some(Change::Relative(0.0)));
}

// ---------------------------------------------------------------------------------------
// 审限: month-end clamping, extension and suspension, closed on the deadline and the day after.

#[test]
fn on_time_rate_with_clamped_deadlines() {
    let facts = vec![
        // 民终 3 months: 2023-11-30 + 3 months = 2024-02-30 → clamped to 2024-02-29.
        case("(2023)粤07民终1号", "2023-11-30").closed("2024-02-29", "维持"), // on the deadline: on time
        case("(2023)粤07民终2号", "2023-11-30").closed("2024-03-01", "维持"), // the day after: late
        // 民初 ordinary 6 months: 2023-08-31 + 6 months = 2024-02-29 (clamped), + 10 + 5 days
        // = 2024-03-15.
        case("(2023)粤07民初1号", "2023-08-31").ext_susp(10, 5).closed("2024-03-15", "判决"), // on time
        case("(2023)粤07民初2号", "2023-08-31").ext_susp(10, 5).closed("2024-03-16", "判决"), // late
        // 民初 small claims 2 months: 2023-12-31 → 2024-02-29 (clamped from 31).
        case("(2023)粤07民初3号", "2023-12-31").procedure(Procedure::SmallClaims).closed("2024-02-29", "判决"),
        // 刑终 2 months: 2023-12-31 → 2024-02-31 → clamped 2024-02-29; closed then: on time.
        case("(2023)粤07刑终1号", "2023-12-31").closed("2024-02-29", "维持"),
        // 民初 small claims again, closed the day after its 2024-02-29 deadline: late.
        case("(2023)粤07民初5号", "2023-12-31").procedure(Procedure::SmallClaims).closed("2024-03-01", "判决"),
        // 刑初 速裁 10 days: 2024-01-31 → 2024-02-10; closed 2024-02-11: late.
        case("(2024)粤07刑初1号", "2024-01-31").procedure(Procedure::Expedited).closed("2024-02-11", "判决"),
        // 民初 with a procedure the table does not list for it (速裁) uses the first row,
        // 6 months: 2024-01-31 → 2024-07-31; closed 2024-06-30: on time.
        case("(2024)粤07民初4号", "2024-01-31").procedure(Procedure::Expedited).closed("2024-06-30", "撤诉"),
        // 刑申 has no limit: left out of on_time_rate (closed 4 years late, still ignored).
        case("(2020)粤07刑申1号", "2020-01-01").closed("2024-03-01", "其他"),
        // 执保 has no limit either.
        case("(2024)粤07执保1号", "2024-01-02").closed("2024-12-01", "其他"),
    ];
    let (_, r) = run(&facts, period("2024-01-01", "2024-12-31"));
    // With a limit and closed in P: 民终1 ✓, 民终2 ✗, 民初1 ✓, 民初2 ✗, 民初3 ✓, 刑终1 ✓,
    // 民初5 ✗, 刑初1 ✗, 民初4 ✓ → 5 / 9.
    assert_eq!(value(&r, &court_key("粤07"), IndicatorId::OnTimeRate), q(5, 9));
    // Every case is at the 中院, so city and province agree.
    assert_eq!(value(&r, &city_key("粤07"), IndicatorId::OnTimeRate), q(5, 9));
    assert_eq!(value(&r, &province_key("粤"), IndicatorId::OnTimeRate), q(5, 9));
    // avg_net_days deducts suspended_days: trial closed in P are all but 执保 (10 cases).
    // days: 民终1 91 (2023-11-30→2024-02-29: 31 + 31 + 29),
    // 民终2 92, 民初1 197 (2023-08-31→2024-03-15: 30+31+30+31+31+29+15 = 197), 民初2 198,
    // 民初3 60 (2023-12-31→2024-02-29: 31 + 29), 刑初1 11, 民初4 151 (2024-01-31→2024-06-30:
    // 29+31+30+31+30 = 151), 刑申1 1521 (2020-01-01→2024-03-01: 366+365+365+365 = 1461 to
    // 2024-01-01, + 31 + 29 = 1521), 刑终1 60, 民初5 61.
    // Σ = 91+92+197+198+60+11+151+1521+60+61 = 2442 over 10 cases.
    assert_eq!(value(&r, &court_key("粤07"), IndicatorId::AvgDays), q(2442, 10));
    // net: minus suspended 5 for 民初1 and 民初2 → 2432.
    assert_eq!(value(&r, &court_key("粤07"), IndicatorId::AvgNetDays), q(2432, 10));
}

// ---------------------------------------------------------------------------------------
// pending_over_Nm: add_months(filed_on, N) < to, with month-end clamping.

#[test]
fn pending_over_with_clamping() {
    // P = [2024-01-01, 2024-02-29]; to = 2024-02-29 (a leap day).
    let facts = vec![
        // 12: 2023-02-28 + 12 = 2024-02-28 < to → over 12.
        case("(2023)粤0101民初1号", "2023-02-28"),
        // 12: 2023-03-01 + 12 = 2024-03-01, not < to → not over 12.
        case("(2023)粤0101民初2号", "2023-03-01"),
        // 18: 2022-08-31 + 18 = 2024-02-31 → clamped 2024-02-29 = to → not over 18 (over 12).
        case("(2022)粤0101民初3号", "2022-08-31"),
        // 18: 2022-08-28 + 18 = 2024-02-28 < to → over 18 (and 12).
        case("(2022)粤0101民初4号", "2022-08-28"),
        // 24: 2022-02-28 + 24 = 2024-02-28 < to → over 24, 18, 12.
        case("(2022)粤0101民初5号", "2022-02-28"),
        // 36: 2021-02-28 + 36 = 2024-02-28 < to → over 36, 24, 18, 12.
        case("(2021)粤0101民初6号", "2021-02-28"),
        // closed after `to`: still pending at to; 2020 + 36 < to → over all.
        case("(2020)粤0101民初7号", "2020-05-05").closed("2024-03-01", "判决"),
        // closed on `to`: not pending.
        case("(2020)粤0101民初8号", "2020-05-05").closed("2024-02-29", "判决"),
        // enforcement is not trial: not counted even though old.
        case("(2020)粤0101执1号", "2020-05-05"),
    ];
    let (_, r) = run(&facts, period("2024-01-01", "2024-02-29"));
    let k = court_key("粤0101");
    use IndicatorId::*;
    // trial pending at to: 1, 2, 3, 4, 5, 6, 7 = 7.
    assert_eq!(value(&r, &k, TrialPending), n(7));
    // over 12: 1, 3, 4, 5, 6, 7 = 6; over 18: 4, 5, 6, 7 = 4; over 24: 5, 6, 7 = 3;
    // over 36: 6, 7 = 2.
    assert_eq!(value(&r, &k, PendingOver12m), n(6));
    assert_eq!(value(&r, &k, PendingOver18m), n(4));
    assert_eq!(value(&r, &k, PendingOver24m), n(3));
    assert_eq!(value(&r, &k, PendingOver36m), n(2));
    assert_eq!(value(&r, &k, Over12mRatio), q(6, 7));
    // P' = [2023-01-01, 2023-02-28]: pending trial at 2023-02-28: 1 (filed on to'), 3, 4, 5,
    // 6, 7, 8 = 7. 12 months before: 1: 2024-02-28 no; 3: 2023-08-31 no; 4: no; 5:
    // 2023-02-28 = to' no; 6: 2022-02-28 yes; 7, 8: 2021-05-05 yes → 3.
    assert_eq!(previous(&r, &k, TrialPending), n(7));
    assert_eq!(previous(&r, &k, PendingOver12m), n(3));
    assert_eq!(previous(&r, &k, Over12mRatio), q(3, 7));
    // Year on year of a ratio is a difference: 6/7 − 3/7 = 3/7 (≈ 42.86 个百分点).
    let change = r.group(&k).unwrap().change[Over12mRatio.index()];
    assert_eq!(change, Some(Change::Difference(6.0 / 7.0 - 3.0 / 7.0)));
}

#[test]
fn over_threshold_matches_add_months_everywhere() {
    // The precomputed "last filing day" equals a direct search with add_months.
    let mut to = d("2023-12-25");
    while to <= d("2025-03-05") {
        for months in [12, 18, 24, 36] {
            let last = last_day_with_months_before(months, to);
            assert!(last.add_months(months) < to);
            assert!(last.add_days(1).add_months(months) >= to);
        }
        to = to.add_days(1);
    }
}

// ---------------------------------------------------------------------------------------
// Links: 民初 → 民终 → 民申 → 民再 and 民初 → 执 → 执恢, across courts.

fn chain_fixture() -> Vec<CaseFacts> {
    vec![
        // 0 A1: first instance at the basic court, appealed.
        case("(2024)粤0703民初1号", "2024-01-10")
            .closed("2024-03-01", "判决")
            .judge("张伟")
            .named("湛江市霞山区人民法院"),
        // 1 A2: the appeal, at the 中院; remanded (发回重审) on 2024-05-20.
        case("(2024)粤07民终1号", "2024-04-01")
            .origin("(2024)粤0703民初1号")
            .closed("2024-05-20", "发回重审")
            .judge("李四"),
        // 2 A3: the remanded retrial, a new 民初 filed in P (a root and a member of A1's chain).
        case("(2024)粤0703民初2号", "2024-06-10")
            .origin("(2024)粤07民终1号")
            .closed("2024-09-01", "判决")
            .judge("张伟"),
        // 3 A4: appeal of A3, affirmed.
        case("(2024)粤07民终2号", "2024-10-01")
            .origin("(2024)粤0703民初2号")
            .closed("2024-12-20", "维持")
            .judge("李四"),
        // 4 A5: 再审审查 at the 高院, pending.
        case("(2024)粤民申1号", "2024-12-25").origin("(2024)粤07民终2号"),
        // 5 A6: 再审 filed after `to`: traversed, not counted.
        case("(2025)粤民再1号", "2025-03-01").origin("(2024)粤民申1号"),
        // 6 A7: enforcement of A3's judgment, pending; judge 王五 closes nothing.
        case("(2024)粤0703执1号", "2024-12-28").origin("(2024)粤0703民初2号").judge("王五"),
        // 7 B1: first instance filed before P, closed in P; its enforcement follows.
        case("(2023)粤0704民初5号", "2023-12-01").closed("2024-02-01", "判决"),
        // 8 B2: 执, 终本; applied 50,000, nothing recovered; has property.
        case("(2024)粤0704执3号", "2024-03-01")
            .origin("(2023)粤0704民初5号")
            .closed("2024-06-01", "终本")
            .applied("50000")
            .property(true),
        // 9 B3: 执恢 of B2, 执行完毕 within 6 months; applied 100,000, recovered 80,000.5.
        case("(2024)粤0704执恢1号", "2024-08-01")
            .origin("(2024)粤0704执3号")
            .closed("2024-11-01", "执行完毕")
            .applied("100,000")
            .recovered("80000.5")
            .property(true),
        // 10 C1: first instance filed in P, mediated.
        case("(2024)粤0704民初9号", "2024-02-01").closed("2024-03-01", "调解"),
        // 11 C2: 执 of C1, 终本; applied blank, recovered 1,000 (counted in the amount only).
        case("(2024)粤0704执7号", "2024-04-01")
            .origin("(2024)粤0704民初9号")
            .closed("2024-05-01", "终本")
            .recovered("1000"),
        // 12 C3: 执恢 of C2, pending.
        case("(2024)粤0704执恢2号", "2024-07-01").origin("(2024)粤0704执7号"),
    ]
}

#[test]
fn link_indicators_across_courts() {
    let (_, r) = run(&chain_fixture(), period("2024-01-01", "2024-12-31"));
    use IndicatorId::*;
    let (c0703, c0704, c07, city, prov) =
        (court_key("粤0703"), court_key("粤0704"), court_key("粤07"), city_key("粤07"), province_key("粤"));

    // case_chain_ratio. Roots = first-instance filed in P: A1, A3 (粤0703), C1 (粤0704).
    // chain(A1) = A1, A2, A3, A4, A5, A7 (A6 filed after to) = 6; chain(A3) = A3, A4, A7,
    // A5 = 4; chain(C1) = C1, C2, C3 = 3. B1 (filed 2023) is no root.
    assert_eq!(value(&r, &c0703, CaseChainRatio), q(10, 2));
    assert_eq!(value(&r, &c0704, CaseChainRatio), q(3, 1));
    assert_eq!(value(&r, &c07, CaseChainRatio), Value::Undefined); // no first instance at the 中院
    assert_eq!(value(&r, &city, CaseChainRatio), q(13, 3));
    assert_eq!(value(&r, &prov, CaseChainRatio), q(13, 3));

    // appeal_rate: B = first instance closed in P by 判决/驳回起诉/不予受理.
    // 粤0703: A1 (appealed by A2), A3 (appealed by A4, filed 2024-10-01 ≤ to) → 2/2.
    // 粤0704: B1 (判决; children: 执 only) → 0/1; C1 was mediated, not in B.
    assert_eq!(value(&r, &c0703, AppealRate), q(2, 2));
    assert_eq!(value(&r, &c0704, AppealRate), q(0, 1));
    assert_eq!(value(&r, &city, AppealRate), q(2, 3));

    // first_instance_acceptance_rate = 1 − C/D. 粤0703: D = {A1, A3}, both appealed → 0/2.
    // 粤0704: D = {B1, C1}, neither → 2/2. City: (4 − 2)/4.
    assert_eq!(value(&r, &c0703, FirstInstanceAcceptanceRate), q(0, 2));
    assert_eq!(value(&r, &c0704, FirstInstanceAcceptanceRate), q(2, 2));
    assert_eq!(value(&r, &city, FirstInstanceAcceptanceRate), q(2, 4));

    // appeal_reversal_rate over appeal cases closed in P: A2 (发回重审), A4 (维持) at 粤07.
    assert_eq!(value(&r, &c07, AppealReversalRate), q(1, 2));
    assert_eq!(value(&r, &c0703, AppealReversalRate), Value::Undefined);
    assert_eq!(value(&r, &city, AppealReversalRate), q(1, 2));

    // first_instance_reversed_rate: A1's appeal A2 was remanded on 2024-05-20 ≤ to → 1/2 at
    // 粤0703; none at 粤0704 → 0/2; city 1/4.
    assert_eq!(value(&r, &c0703, FirstInstanceReversedRate), q(1, 2));
    assert_eq!(value(&r, &c0704, FirstInstanceReversedRate), q(0, 2));
    assert_eq!(value(&r, &city, FirstInstanceReversedRate), q(1, 4));

    // Enforcement at 粤0704: B2 执 (终本), B3 执恢 (执行完毕), C2 执 (终本) closed; C3 pending.
    assert_eq!(value(&r, &c0704, EnfFiled), n(4));
    assert_eq!(value(&r, &c0704, EnfClosed), n(3));
    assert_eq!(value(&r, &c0704, EnfPending), n(1));
    assert_eq!(value(&r, &c0704, EnfClosureRate), q(3, 4));
    assert_eq!(value(&r, &c0704, ActualExecutionRate), q(1, 3));
    // first_enf_terminal_rate over 执 only: B2, C2 both 终本 → 2/2 (B3 is 执恢).
    assert_eq!(value(&r, &c0704, FirstEnfTerminalRate), q(2, 2));
    // recovered_amount = 80,000.5 + 1,000 = 81,000.5 yuan = 810,005,000 ten-thousandths.
    assert_eq!(value(&r, &c0704, RecoveredAmount), Value::Amount(810_005_000));
    // recovery_rate over cases with applied > 0 (B2, B3): (0 + 80,000.5) / (50,000 + 100,000).
    assert_eq!(value(&r, &c0704, RecoveryRate), q(800_005_000, 1_500_000_000));
    // core_property_on_time_rate: F = {B2, B3} (has property); E = {B3}: 执行完毕 on
    // 2024-11-01 ≤ 2024-08-01 + 6 months = 2025-02-01 → 1/2.
    assert_eq!(value(&r, &c0704, CorePropertyOnTimeRate), q(1, 2));
    // core_three_year_rate: window (2021-12-31, 2024-12-31]: B2, B3, C2, C3; closed ≤ to: 3.
    assert_eq!(value(&r, &c0704, CoreThreeYearRate), q(3, 4));
    // 粤0703: A7 pending.
    assert_eq!(value(&r, &c0703, CoreThreeYearRate), q(0, 1));
    assert_eq!(value(&r, &city, CoreThreeYearRate), q(3, 5));

    // closed_per_judge: 粤0703 closed A1, A3 by 张伟 → 2 / 1; 粤07 closed A2, A4 by 李四 → 2/1;
    // 粤0704 closed B1, B2, B3, C1, C2 with blank judges → J = 0 → undefined.
    assert_eq!(value(&r, &c0703, ClosedPerJudge), q(2, 1));
    assert_eq!(value(&r, &c07, ClosedPerJudge), q(2, 1));
    assert_eq!(value(&r, &c0704, ClosedPerJudge), Value::Undefined);
    // city: 9 closed (2 + 2 + 5), J = {张伟@粤0703, 李四@粤07} = 2 (王五 closed nothing).
    assert_eq!(value(&r, &city, ClosedPerJudge), q(9, 2));
    // province: the 高院's A5 is pending → same 9/2.
    assert_eq!(value(&r, &prov, ClosedPerJudge), q(9, 2));
    // Judge groups: 张伟 2/1; 王五 closed nothing → undefined, but the group exists.
    assert_eq!(value(&r, &judge_key("粤0703", "张伟"), ClosedPerJudge), q(2, 1));
    assert_eq!(value(&r, &judge_key("粤0703", "王五"), ClosedPerJudge), Value::Undefined);
    assert_eq!(value(&r, &judge_key("粤0703", "王五"), Closed), n(0));
    assert_eq!(value(&r, &judge_key("粤0703", "王五"), EnfFiled), n(1));
    // The 高院 counts in the province, in no city: province filed = all 13 but A6 (2025) and
    // B1 (2023) = 11; city = 11 − A5 (the 高院's) = 10.
    assert_eq!(value(&r, &prov, Filed), n(11));
    assert_eq!(value(&r, &city, Filed), n(10));
    assert_eq!(value(&r, &court_key("粤"), Filed), n(1));

    // Groups: provinces, cities, courts (by code text), then judges.
    let keys: Vec<GroupKey> = r.groups.iter().map(|g| g.key.clone()).collect();
    assert_eq!(
        keys,
        vec![
            province_key("粤"),
            city_key("粤07"),
            court_key("粤"),
            court_key("粤07"),
            court_key("粤0703"),
            court_key("粤0704"),
            judge_key("粤07", "李四"),
            judge_key("粤0703", "张伟"),
            judge_key("粤0703", "王五"),
        ]
    );
    assert_eq!(r.group(&c0703).unwrap().name.as_deref(), Some("湛江市霞山区人民法院"));
}

#[test]
fn explain_lists_the_cases_behind_values() {
    let facts = chain_fixture();
    let snap = Snapshot::new(&facts, &GroupNames::default());
    let p = period("2024-01-01", "2024-12-31");
    let ex = explain(&snap, p, "case_chain_ratio", &court_key("粤0703")).unwrap();
    // Roots A1 (row 0) and A3 (row 2); members in walk order: A1's chain 0, 1, 2, 3, 6, 4
    // (breadth first: A3's children A4 (3) and A7 (6) before A4's child A5 (4)), then A3's:
    // 2, 3, 6, 4.
    assert_eq!(ex.denominator, vec![0, 2]);
    assert_eq!(ex.numerator, vec![0, 1, 2, 3, 6, 4, 2, 3, 6, 4]);
    let ex = explain(&snap, p, "appeal_reversal_rate", &city_key("粤07")).unwrap();
    assert_eq!(ex, Explanation { numerator: vec![1], denominator: vec![1, 3] });
    let ex = explain(&snap, p, "enf_closed", &court_key("粤0704")).unwrap();
    assert_eq!(ex, Explanation { numerator: vec![8, 9, 11], denominator: vec![] });
    assert_eq!(
        explain(&snap, p, "no_such_id", &court_key("粤0704")),
        Err(MetricsError::UnknownIndicator("no_such_id".into()))
    );
    assert!(matches!(explain(&snap, p, "filed", &court_key("粤0799")), Err(MetricsError::UnknownGroup(_))));
    assert!(matches!(
        explain(&snap, p, "core_petition_rate", &court_key("粤0704")),
        Err(MetricsError::Unavailable { .. })
    ));
}

// ---------------------------------------------------------------------------------------
// Legacy 字第 numbers: in no group, but links to and from them are followed.

#[test]
fn legacy_numbers_are_in_no_group_but_linked() {
    let facts = vec![
        // R: modern first instance filed in P, judged.
        case("(2024)粤0705民初1号", "2024-03-01").closed("2024-05-01", "判决"),
        // L: a legacy-numbered appeal of R (a data quirk), closed by 改判 in P.
        case("(2015)海民终字第3号", "2024-06-01").origin("(2024)粤0705民初1号").closed("2024-08-01", "改判"),
        // M: a modern 执 whose origin is the legacy case.
        case("(2024)粤0705执1号", "2024-09-01").origin("(2015)海民终字第3号"),
        // O: a legacy first instance, closed in P, appealed by a modern case.
        case("(2014)海民初字第5号", "2014-03-01").closed("2024-01-05", "判决"),
        case("(2024)粤07民终9号", "2024-02-01").origin("(2014)海民初字第5号").closed("2024-04-01", "改判"),
        // An origin naming no case of the data set links nothing and is no error.
        case("(2024)粤0705执2号", "2024-02-01").origin("(2019)粤0705民初999号"),
    ];
    let (_, r) = run(&facts, period("2024-01-01", "2024-12-31"));
    use IndicatorId::*;
    let k = court_key("粤0705");
    // chain(R) = R → L → M = 3 (through the legacy case).
    assert_eq!(value(&r, &k, CaseChainRatio), q(3, 1));
    // R was appealed (L is appeal-class, filed ≤ to) and reversed (L closed by 改判 ≤ to).
    assert_eq!(value(&r, &k, AppealRate), q(1, 1));
    assert_eq!(value(&r, &k, FirstInstanceReversedRate), q(1, 1));
    // L itself is in no group: province 粤 counts R, M, 执2 and 民终9 filed in P = 4 (L and O
    // are not counted anywhere).
    assert_eq!(value(&r, &province_key("粤"), Filed), n(4));
    // The appeal of the legacy O counts at 粤07 (its own court): 1/1 reversed.
    assert_eq!(value(&r, &court_key("粤07"), AppealReversalRate), q(1, 1));
    // No group was made from the legacy court labels.
    assert!(r.groups.iter().all(|g| g.key.code() != "海"));
}

// ---------------------------------------------------------------------------------------
// Cities, provinces, ranks.

#[test]
fn city_without_intermediate_court_cases_and_ranks_with_ties() {
    // P = 2024. Four cities of 粤 with clearance rates 1/2, 1/1, 2/4, undefined; 粤08's
    // 中院 has no case; the 最高法 is in no province.
    let facts = vec![
        // 粤07 (via 粤0701): filed 2, closed 1 → 1/2.
        case("(2024)粤0701民初1号", "2024-01-05").closed("2024-02-05", "判决"),
        case("(2024)粤0701民初2号", "2024-01-06"),
        // 粤08 (only 粤0802; no 粤08 case): filed 1, closed 1 → 1/1.
        case("(2024)粤0802民初1号", "2024-01-05").closed("2024-01-25", "判决"),
        // 粤09 (粤09 and 粤0901): filed 4, closed 2 → 2/4 = 1/2, tied with 粤07 exactly.
        case("(2024)粤09民初1号", "2024-01-05").closed("2024-03-05", "判决"),
        case("(2024)粤09民初2号", "2024-01-05"),
        case("(2024)粤0901民初1号", "2024-01-05").closed("2024-03-05", "判决"),
        case("(2024)粤0901民初2号", "2024-01-05"),
        // 粤10: nothing filed in P; one case closed in 2023 → clearance undefined.
        case("(2023)粤1001民初1号", "2023-01-05").closed("2023-03-05", "判决"),
        // The 高院 counts in the province only.
        case("(2024)粤民终1号", "2024-01-05"),
        // Another province with one city.
        case("(2024)京0105民初1号", "2024-01-05"),
        // The SPC: a court in no province.
        case("(2024)最高法民申1号", "2024-01-05"),
    ];
    let (_, r) = run(&facts, period("2024-01-01", "2024-12-31"));
    use IndicatorId::*;
    let kinds: Vec<String> = r.groups.iter().map(|g| format!("{}:{}", g.key.kind(), g.key.code())).collect();
    assert_eq!(
        kinds,
        [
            "province:京",
            "province:粤",
            "city:京01",
            "city:粤07",
            "city:粤08",
            "city:粤09",
            "city:粤10",
            "court:京0105",
            "court:最高法",
            "court:粤",
            "court:粤0701",
            "court:粤0802",
            "court:粤09",
            "court:粤0901",
            "court:粤1001",
        ]
    );
    let rank =
        |city: &str, id: IndicatorId| r.group(&city_key(city)).unwrap().province.as_ref().unwrap().rank[id.index()];
    // clearance (higher is better): 粤08 1/1 → 1; 粤07 1/2 and 粤09 2/4 tie → 2, 2;
    // 粤10 undefined → null.
    assert_eq!(rank("粤08", ClearanceRate), Some(1));
    assert_eq!(rank("粤07", ClearanceRate), Some(2));
    assert_eq!(rank("粤09", ClearanceRate), Some(2));
    assert_eq!(rank("粤10", ClearanceRate), None);
    // avg_days (lower is better): 粤07 31, 粤08 20, 粤09 (60 + 60)/2 = 60, 粤10 none in P.
    assert_eq!(rank("粤08", AvgDays), Some(1));
    assert_eq!(rank("粤07", AvgDays), Some(2));
    assert_eq!(rank("粤09", AvgDays), Some(3));
    assert_eq!(rank("粤10", AvgDays), None);
    // recovered_amount is ranked too: all 0 → all tie at 1.
    assert_eq!(rank("粤10", RecoveredAmount), Some(1));
    // Counts without a direction are not ranked.
    assert_eq!(rank("粤07", Filed), None);
    // 京01 is ranked alone among 京's cities.
    assert_eq!(rank("京01", ClearanceRate), Some(1));
    // The province value is pooled: 粤 filed 2 + 1 + 4 + 0 + 1 (高院) = 8, closed 1+1+2 = 4.
    let cmp = r.group(&city_key("粤07")).unwrap().province.clone().unwrap();
    assert_eq!(cmp.values[ClearanceRate.index()], q(4, 8));
    assert_eq!(cmp.values[Filed.index()], n(8));
    // city − province: 1/2 − 4/8 = 0.
    assert_eq!(cmp.difference[ClearanceRate.index()], Some(0.0));
    assert_eq!(cmp.difference[Filed.index()], Some(-6.0));
    // Only cities carry a province comparison.
    assert!(r.groups.iter().all(|g| g.province.is_some() == matches!(g.key, GroupKey::City(_))));
}

// ---------------------------------------------------------------------------------------
// CEPEJ worked examples (kpi-standards.md §2.2): incoming = new + returned, all filed in P.

fn cepej(begin_pending: usize, incoming: usize, decided: usize) -> (Snapshot, MetricsReport) {
    // begin_pending cases filed 2023-06-01 still pending at 2024-01-01; `incoming` filed
    // 2024-03-01; the first `decided` of all of them closed 2024-11-30.
    let mut facts = Vec::new();
    for i in 0..begin_pending + incoming {
        let (year, filed) = if i < begin_pending { (2023, "2023-06-01") } else { (2024, "2024-03-01") };
        let mut f = case(&format!("({year})苏0102民初{}号", i + 1), filed);
        if i < decided {
            f = f.closed("2024-11-30", "判决");
        }
        facts.push(f);
    }
    run(&facts, period("2024-01-01", "2024-12-31"))
}

#[test]
fn cepej_clearance_rate_and_disposition_time() {
    use IndicatorId::*;
    let k = court_key("苏0102");
    // begin 240, filed 265 + returned 7 = 272, decided 329, end pending 183.
    let (_, r) = cepej(240, 272, 329);
    assert_eq!(value(&r, &k, Pending), n(183));
    assert_eq!(value(&r, &k, CarriedOver), n(240));
    let cr = value(&r, &k, ClearanceRate).as_f64().unwrap();
    assert_eq!(value(&r, &k, ClearanceRate), q(329, 272));
    assert_eq!((cr * 100.0).round(), 121.0); // CR = 121 %
    // DT = 365 × end pending / decided = 203.02 days.
    let dt = 365.0 * 183.0 / value(&r, &k, Closed).as_f64().unwrap();
    assert_eq!((dt * 100.0).round() / 100.0, 203.02);
    // backlog = 183 / 272 = 67 %; backlog change (183 − 240)/240 = −24 %.
    assert_eq!((183.0f64 / 272.0 * 100.0).round(), 67.0);
    // Our 结案率 differs from CR: 329 / (240 + 272).
    assert_eq!(value(&r, &k, ClosureRate), q(329, 512));

    // begin 862, filed 589 + returned 18 = 607, decided 519, end pending 950.
    let (_, r) = cepej(862, 607, 519);
    assert_eq!(value(&r, &k, Pending), n(950));
    assert_eq!(value(&r, &k, ClearanceRate), q(519, 607));
    assert_eq!((value(&r, &k, ClearanceRate).as_f64().unwrap() * 100.0).round(), 86.0);
    let dt: f64 = 365.0 * 950.0 / 519.0;
    assert_eq!((dt * 100.0).round() / 100.0, 668.11);
}

// ---------------------------------------------------------------------------------------
// P' across a leap day; enforcement window edges.

#[test]
fn previous_period_across_leap_day_and_three_year_window() {
    // P = [2024-03-01, 2025-02-28], P' = [2023-03-01, 2024-02-28].
    let facts = vec![
        // filed 2024-02-29: in neither P nor P' as filed; carried over into P; not pending at
        // to' = 2024-02-28 (filed after it).
        case("(2024)浙0102执1号", "2024-02-29"),
        // three-year window of P: (2022-02-28, 2025-02-28]. Filed on the start: outside.
        case("(2022)浙0102执2号", "2022-02-28"),
        // The day after: inside, closed on to → closed ≤ to.
        case("(2022)浙0102执3号", "2022-03-01").closed("2025-02-28", "执行完毕"),
        // Filed in P, closed after to: inside, not closed.
        case("(2024)浙0102执4号", "2024-05-01").closed("2025-03-01", "执行完毕"),
        // pending_over_12m at to = 2025-02-28: 2024-02-29 + 12 months = 2025-02-28, not < to;
        // 2024-02-27 + 12 months = 2025-02-27 < to.
        case("(2024)浙0102民初1号", "2024-02-29"),
        case("(2024)浙0102民初2号", "2024-02-27"),
    ];
    let (_, r) = run(&facts, period("2024-03-01", "2025-02-28"));
    use IndicatorId::*;
    let k = court_key("浙0102");
    assert_eq!(value(&r, &k, EnfFiled), n(1)); // 执4
    assert_eq!(value(&r, &k, EnfCarriedOver), n(3)); // 执1, 执2, 执3
    assert_eq!(previous(&r, &k, EnfFiled), n(0));
    // pending at 2024-02-28: 执2, 执3 (执1 filed 2024-02-29).
    assert_eq!(previous(&r, &k, EnfPending), n(2));
    // window of P: 执1, 执3, 执4 (执2 on the open end); closed ≤ 2025-02-28: 执3 → 1/3.
    assert_eq!(value(&r, &k, CoreThreeYearRate), q(1, 3));
    // window of P': (2021-02-28, 2024-02-28]: 执2, 执3; neither closed by 2024-02-28 → 0/2.
    assert_eq!(previous(&r, &k, CoreThreeYearRate), q(0, 2));
    // core_property_on_time_rate: no has_property = true case → undefined.
    assert_eq!(value(&r, &k, CorePropertyOnTimeRate), Value::Undefined);
    assert_eq!(value(&r, &k, TrialPending), n(2));
    assert_eq!(value(&r, &k, PendingOver12m), n(1));
    // P': only 民初2 is pending at 2024-02-28 (民初1 is filed after it), not over 12 months.
    assert_eq!(previous(&r, &k, TrialPending), n(1));
    assert_eq!(previous(&r, &k, PendingOver12m), n(0));
    assert_eq!(previous(&r, &k, Over12mRatio), q(0, 1));
    // Unavailable indicators: their own state, with a reason, in P and P'.
    assert!(matches!(value(&r, &k, CoreTerminalCompliance), Value::Unavailable(_)));
    assert!(matches!(previous(&r, &k, CorePetitionRate), Value::Unavailable(_)));
}

// ---------------------------------------------------------------------------------------
// JSON.

#[test]
fn json_follows_the_contract() {
    let mut names = GroupNames::default();
    names.cities.insert(court("粤07"), "湛江市".into());
    let snap = Snapshot::new(&chain_fixture(), &names);
    let r = compute(&snap, period("2024-01-01", "2024-12-31"));
    let json = r.to_json();
    assert_eq!(json["period"], serde_json::json!({"from": "2024-01-01", "to": "2024-12-31"}));
    assert_eq!(json["previous_period"], serde_json::json!({"from": "2023-01-01", "to": "2023-12-31"}));
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), r.groups.len());
    let ids: Vec<&str> = IndicatorId::ALL.iter().map(|id| id.as_str()).collect();
    for g in groups {
        for key in ["values", "previous"] {
            let keys: Vec<&str> = g[key].as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ids, "every id, in table order");
        }
        assert_eq!(g["values"]["core_terminal_compliance"], serde_json::Value::Null);
        assert!(g["unavailable"]["core_petition_rate"].is_string());
        assert_eq!(g["unavailable"].as_object().unwrap().len(), 2);
        let is_city = g["kind"] == "city";
        assert_eq!(g.get("rank").is_some(), is_city);
        assert_eq!(g.get("province_values").is_some(), is_city);
        assert_eq!(g.get("court").is_some(), g["kind"] == "judge");
    }
    let court_0704 = groups.iter().find(|g| g["kind"] == "court" && g["code"] == "粤0704").unwrap();
    // Counts are integers, amounts yuan, ratios fractions, undefined null.
    assert_eq!(court_0704["values"]["enf_closed"], serde_json::json!(3));
    assert_eq!(court_0704["values"]["recovered_amount"], serde_json::json!(81000.5));
    assert_eq!(court_0704["values"]["enf_closure_rate"], serde_json::json!(0.75));
    assert_eq!(court_0704["values"]["closed_per_judge"], serde_json::Value::Null);
    assert_eq!(court_0704["previous"]["recovered_amount"], serde_json::json!(0.0));
    assert!(court_0704.get("name").is_none());
    let judge = groups.iter().find(|g| g["kind"] == "judge" && g["code"] == "王五").unwrap();
    assert_eq!(judge["court"], "粤0703");
    let city = groups.iter().find(|g| g["kind"] == "city").unwrap();
    assert_eq!(city["name"], "湛江市");
    // Ranks exist exactly for the ids with a direction (13 higher + 12 lower = 25).
    let ranked: Vec<&str> = city["rank"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(ranked.len(), 25);
    assert!(ranked.contains(&"pending_over_36m") && ranked.contains(&"recovered_amount"));
    assert!(!ranked.contains(&"filed"));
    // Alone in its province, 粤07 ranks 1 wherever defined.
    assert_eq!(city["rank"]["clearance_rate"], 1);
    assert_eq!(city["province_values"]["filed"], 11); // see link_indicators_across_courts
    // Key order of a group object.
    let keys: Vec<&str> = city.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["kind", "code", "name", "values", "previous", "unavailable", "province_values", "rank"]);
}

// ---------------------------------------------------------------------------------------
// Catalogue.

#[test]
fn default_catalogue_matches_the_contract() {
    let cat = Catalogue::default();
    assert_eq!(cat.entries().len(), 40);
    let higher = [
        "closure_rate",
        "clearance_rate",
        "closed_per_judge",
        "on_time_rate",
        "mediation_rate",
        "mediation_withdrawal_rate",
        "first_instance_acceptance_rate",
        "enf_closure_rate",
        "actual_execution_rate",
        "recovered_amount",
        "recovery_rate",
        "core_property_on_time_rate",
        "core_three_year_rate",
    ];
    let lower = [
        "avg_days",
        "avg_net_days",
        "over_12m_ratio",
        "pending_over_12m",
        "pending_over_18m",
        "pending_over_24m",
        "pending_over_36m",
        "appeal_rate",
        "appeal_reversal_rate",
        "first_instance_reversed_rate",
        "case_chain_ratio",
        "first_enf_terminal_rate",
    ];
    for e in cat.entries() {
        let id = e.id.as_str();
        let expected = if higher.contains(&id) {
            Direction::Higher
        } else if lower.contains(&id) {
            Direction::Lower
        } else {
            Direction::None
        };
        assert_eq!(e.direction, expected, "{id}");
        assert_eq!(e.unit, e.id.unit());
        assert!(e.reference.is_none(), "v1 ships no reference interval");
    }
    let ours: Vec<&str> = cat.entries().iter().filter(|e| e.source == Source::Ours).map(|e| e.id.as_str()).collect();
    assert_eq!(ours, ["over_12m_ratio", "appeal_reversal_rate", "case_chain_ratio", "core_three_year_rate"]);
}

#[test]
fn triage_and_assignment_settings() {
    let cat = Catalogue::default();
    // The contract's example figure ships; W for a 2026 filing in 粤 is the 2025 figure.
    let w = cat.triage().wage_for('粤', 2026).unwrap();
    assert_eq!((w.year, w.amount), (2025, xiezhi_domain::Amount::from_yuan(120_000)));
    assert_eq!(cat.triage().wage_for('粤', 2025), None);
    assert!(cat.triage().simple_causes.iter().any(|c| c == "物业服务合同纠纷"));
    let codes: Vec<&str> = cat.reason_codes().iter().map(|c| c.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "关联案件/系列案件",
            "本院提审",
            "发回重审或指令再审",
            "院庭长办理四类案件",
            "专业化审判需要",
            "回避后重新分配",
            "其他"
        ]
    );
    assert!(cat.reason_code("其他").unwrap().needs_note && !cat.reason_code("本院提审").unwrap().needs_note);
    // A court's TOML: its own wages (a line per year; the example year replaced), causes
    // replaced, its own reason codes.
    let toml = r#"
        [triage]
        simple_causes = ["离婚纠纷"]
        [[triage.average_wage]]
        province = "粤"
        year = 2025
        yuan = "118,000.50"
        [[triage.average_wage]]
        province = "湘"
        year = 2024
        yuan = 85000
        [assignment]
        reason_codes = ["本院提审", "其他原因"]
        needs_note = ["其他原因"]
    "#;
    let cat = Catalogue::from_toml_str(toml).unwrap();
    assert_eq!(
        cat.triage().wage_for('粤', 2026).unwrap().amount,
        xiezhi_domain::Amount::parse("118000.5", false).unwrap()
    );
    assert_eq!(cat.triage().wage_for('湘', 2026).unwrap().year, 2024);
    assert_eq!(cat.triage().simple_causes, ["离婚纠纷"]);
    assert!(cat.reason_code("其他原因").unwrap().needs_note && cat.reason_code("其他").is_none());
    for bad in [
        "[[triage.average_wage]]\nprovince = \"广东\"\nyear = 2025\nyuan = 1",
        "[[triage.average_wage]]\nprovince = \"粤\"\nyear = 2025\nyuan = -5",
        "[assignment]\nneeds_note = [\"无此理由\"]",
        "[assignment]\nreason_codes = []",
    ] {
        assert!(Catalogue::from_toml_str(bad).is_err(), "{bad}");
    }
}

#[test]
fn court_overrides_reference_intervals_and_scopes() {
    let toml = r#"
        [[indicator]]
        id = "clearance_rate"
        reference = { low = 0.95, high = 1.10, source = "本院考核办法", valid_from = "2024-01-01" }

        [[indicator]]
        id = "closed_per_judge"
        exclude_types = ["执保", "执恢"]

        [[indicator]]
        id = "enf_closure_rate"
        reference = { low = 0.5, high = 0.7, source = "x", valid_from = "2030-01-01" }
    "#;
    let cat = Catalogue::from_toml_str(toml).unwrap();
    let snap = Snapshot::new(&chain_fixture(), &GroupNames::default());
    let r = compute_with(&snap, period("2024-01-01", "2024-12-31"), &cat);
    use IndicatorId::*;
    let g = r.group(&court_key("粤0704")).unwrap();
    // clearance 粤0704: filed in P: B2, B3, C1, C2, C3 = 5; closed B1, B2, B3, C1, C2 = 5 →
    // 1.0, inside [0.95, 1.10].
    assert_eq!(g.value(ClearanceRate), &q(5, 5));
    assert_eq!(g.band[ClearanceRate.index()], Some(Band::Inside));
    // enf_closure_rate 3/4 = 0.75 would be above, but the interval is not valid yet.
    assert_eq!(g.band[EnfClosureRate.index()], None);
    assert_eq!(g.band[Filed.index()], None);
    // 粤0703 clearance: filed A1, A3, A7 = 3; closed A1, A3 = 2 → 0.667 < 0.95.
    let g3 = r.group(&court_key("粤0703")).unwrap();
    assert_eq!(g3.band[ClearanceRate.index()], Some(Band::Below));
    // The judge's closures are all 民初 → unchanged 2/1; 粤0704's 执恢 B3 leaves the numerator
    // of the city: 9 − 1 = 8 closed, J = 2 → 8/2.
    assert_eq!(value(&r, &city_key("粤07"), ClosedPerJudge), q(8, 2));

    // A roster replaces J where configured: city 粤07 with 3 judges → 8 / 3; 粤0704 with 0
    // judges → undefined; groups without an entry keep J from the data.
    let mut roster = Roster::new();
    roster.insert(city_key("粤07"), 3);
    roster.insert(court_key("粤0704"), 0);
    let r = compute_with_roster(&snap, period("2024-01-01", "2024-12-31"), &cat, &roster);
    assert_eq!(value(&r, &city_key("粤07"), ClosedPerJudge), q(8, 3));
    assert_eq!(value(&r, &court_key("粤0704"), ClosedPerJudge), Value::Undefined);
    assert_eq!(value(&r, &court_key("粤0703"), ClosedPerJudge), q(2, 1));
    // The same roster from the court's catalogue file, used by every compute (CLI, web,
    // reports); a roster line must name a group of the right level.
    // (Laid over `cat`, whose scope keeps B3 out: numerator 8 as above.)
    let mut with_roster = cat.clone();
    with_roster
        .apply(
            "[[roster]]\nkind = \"city\"\ncode = \"粤07\"\njudges = 3\n\n[[roster]]\nkind = \"法院\"\ncode = \"粤0704\"\njudges = 0\n",
        )
        .unwrap();
    assert_eq!(with_roster.roster(), &roster);
    let r = compute_with(&snap, period("2024-01-01", "2024-12-31"), &with_roster);
    assert_eq!(value(&r, &city_key("粤07"), ClosedPerJudge), q(8, 3));
    assert_eq!(value(&r, &court_key("粤0704"), ClosedPerJudge), Value::Undefined);
    assert_eq!(value(&r, &court_key("粤0703"), ClosedPerJudge), q(2, 1));
    // The counts that add up must keep one scope: `filed` alone without 执保 would break
    // accepted = carried_over + filed.
    match Catalogue::from_toml_str("[[indicator]]\nid = \"filed\"\nexclude_types = [\"执保\"]\n") {
        Err(MetricsError::CatalogueEntry { problem, .. }) => {
            assert!(problem.contains("change them together"), "{problem}")
        }
        other => panic!("{other:?}"),
    }
    let together: String = ["filed", "carried_over", "accepted", "closed", "pending"]
        .iter()
        .map(|id| format!("[[indicator]]\nid = \"{id}\"\nexclude_types = [\"执保\"]\n"))
        .collect();
    assert!(Catalogue::from_toml_str(&together).is_ok());
    for bad in [
        "[[roster]]\nkind = \"city\"\ncode = \"粤0703\"\njudges = 3\n",
        "[[roster]]\nkind = \"team\"\ncode = \"粤07\"\njudges = 3\n",
        "[[roster]]\nkind = \"court\"\ncode = \"粤07x\"\njudges = 3\n",
        "[[roster]]\nkind = \"court\"\ncode = \"粤07\"\njudges = -1\n",
    ] {
        assert!(Catalogue::from_toml_str(bad).is_err(), "{bad}");
    }

    assert_eq!(
        Catalogue::from_toml_str("[[indicator]]\nid = \"nope\"\n"),
        Err(MetricsError::UnknownIndicator("nope".into()))
    );
    assert!(matches!(
        Catalogue::from_toml_str("[[indicator]]\nid = \"filed\"\nunit = \"ratio\"\n"),
        Err(MetricsError::CatalogueEntry { .. })
    ));
    assert!(matches!(
        Catalogue::from_toml_str("[[indicator]]\nid = \"filed\"\nscope = \"everything\"\n"),
        Err(MetricsError::CatalogueEntry { .. })
    ));
    assert!(matches!(Catalogue::from_toml_str("[[indicator"), Err(MetricsError::CatalogueSyntax(_))));
}

// ---------------------------------------------------------------------------------------
// Memory and partitions.

#[test]
fn snapshot_stays_within_the_memory_budget() {
    let mut facts = Vec::new();
    for i in 0..20_000u32 {
        let county = 1 + i % 7;
        let mut f = case(&format!("(2024)粤07{county:02}民初{i}号"), "2024-01-05")
            .judge(&format!("法官{}", i % 50))
            .named("某某人民法院");
        if i % 3 == 0 {
            f = f.origin(&format!("(2024)粤07{county:02}民初{}号", i / 2));
        }
        facts.push(f);
    }
    let snap = Snapshot::new(&facts, &GroupNames::default());
    let per_case = snap.resident_bytes() / snap.len();
    assert!(per_case <= 150, "{per_case} bytes per case");
}

const TYPES: [&str; 9] = ["民初", "民终", "民申", "民再", "刑初", "执", "执恢", "执保", "行初"];
const COURTS: [&str; 6] = ["粤0703", "粤07", "粤0802", "粤", "京0105", "最高法"];
const HOWS: [&str; 8] = ["判决", "调解", "撤诉", "改判", "发回重审", "执行完毕", "终本", "维持"];

/// A random data set: case i may name an earlier case as its origin.
fn arb_facts() -> impl Strategy<Value = Vec<CaseFacts>> {
    prop::collection::vec(
        (
            0..COURTS.len(),
            0..TYPES.len(),
            0i32..1500,
            prop::option::of((0i32..400, 0..HOWS.len())),
            prop::option::of(0usize..100),
            prop::option::of(0u8..3),
            (0u32..30, 0u32..30, prop::option::of(0i64..1000), prop::option::of(0i64..1000), any::<bool>()),
        ),
        1..60,
    )
    .prop_map(|rows| {
        let numbers: Vec<String> = rows
            .iter()
            .enumerate()
            .map(|(i, (c, t, ..))| format!("(2022){}{}{}号", COURTS[*c], TYPES[*t], i + 1))
            .collect();
        rows.iter()
            .enumerate()
            .map(|(i, (_, _, filed, closed, origin, judge, (ext, susp, applied, recovered, prop)))| {
                let filed_on = d("2021-06-01").add_days(*filed);
                let mut f = case(&numbers[i], &filed_on.to_string()).ext_susp(*ext, *susp);
                if let Some((after, how)) = closed {
                    f = f.closed(&filed_on.add_days(*after).to_string(), HOWS[*how]);
                }
                if let Some(o) = origin.filter(|o| *o < i) {
                    f = f.origin(&numbers[o]);
                }
                if let Some(j) = judge {
                    f = f.judge(["甲", "乙", "丙"][usize::from(*j)]);
                }
                f.applied_amount = applied.map(Amount::from_yuan);
                f.recovered_amount = recovered.map(Amount::from_yuan);
                f.has_property = Some(*prop);
                f
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_partition_split_gives_the_same_report(facts in arb_facts(), parts in 2usize..7) {
        let snap = Snapshot::new(&facts, &GroupNames::default());
        let p = period("2022-07-01", "2023-12-31");
        let cat = Catalogue::default();
        let one = compute_with_partitions(&snap, p, &cat, 1);
        let many = compute_with_partitions(&snap, p, &cat, parts);
        prop_assert_eq!(&one, &many);
        prop_assert_eq!(aggregate(&snap, p, 1), aggregate(&snap, p, parts));
        // Merging the partials of two arbitrary halves by hand gives the same values too.
        let mid = facts.len() / 2;
        let mut left = aggregate_rows(&snap, p, 0..mid);
        left.merge(&aggregate_rows(&snap, p, mid..facts.len()));
        let whole = aggregate_rows(&snap, p, 0..facts.len());
        let no_roster = vec![None; snap.group_count()];
        prop_assert_eq!(
            crate::engine::derive_values(&snap, &cat, &left, &no_roster),
            crate::engine::derive_values(&snap, &cat, &whole, &no_roster)
        );
    }

    #[test]
    fn explain_agrees_with_the_values(facts in arb_facts()) {
        let snap = Snapshot::new(&facts, &GroupNames::default());
        let p = period("2022-07-01", "2023-12-31");
        let report = compute(&snap, p);
        for g in &report.groups {
            for id in IndicatorId::ALL {
                let Ok(ex) = explain(&snap, p, id.as_str(), &g.key) else {
                    prop_assert!(matches!(g.value(id), Value::Unavailable(_)));
                    continue;
                };
                match (g.value(id), id) {
                    (Value::Count(c), _) => {
                        prop_assert_eq!(ex.numerator.len() as u64, *c);
                        prop_assert!(ex.denominator.is_empty());
                    }
                    (_, IndicatorId::RecoveryRate | IndicatorId::RecoveredAmount | IndicatorId::AvgDays
                        | IndicatorId::AvgNetDays) => {}
                    (Value::Quotient { numerator, denominator }, IndicatorId::ClosedPerJudge) => {
                        prop_assert_eq!(ex.numerator.len() as i128, *numerator);
                        prop_assert!(*denominator >= 1 && ex.denominator.len() as i128 >= *denominator);
                    }
                    (Value::Quotient { numerator, denominator }, _) => {
                        prop_assert_eq!(ex.numerator.len() as i128, *numerator, "{} of {:?}", id, g.key);
                        prop_assert_eq!(ex.denominator.len() as i128, *denominator);
                    }
                    (Value::Undefined, IndicatorId::ClosedPerJudge) => {
                        prop_assert!(ex.denominator.is_empty());
                    }
                    (Value::Undefined, _) => prop_assert!(ex.denominator.is_empty()),
                    (other, _) => prop_assert!(false, "unexpected {:?} for {}", other, id),
                }
            }
        }
    }
}

#[test]
fn city_and_province_names_follow_their_courts_names() {
    let names = GroupNames::from_court_names(&[
        ("粤01".to_owned(), "广东省广州市中级人民法院".to_owned()),
        ("粤07".to_owned(), "江门市中级人民法院".to_owned()),
        ("桂01".to_owned(), "广西壮族自治区南宁市中级人民法院".to_owned()),
        ("粤".to_owned(), "广东省高级人民法院".to_owned()),
    ]);
    let city = |code: &str| names.cities.get(&CourtCode::parse(code).unwrap()).map(String::as_str);
    assert_eq!(city("粤01"), Some("广州市全市法院"));
    assert_eq!(city("粤07"), Some("江门市全市法院"));
    assert_eq!(city("桂01"), Some("南宁市全市法院"));
    assert_eq!(names.provinces.get(&CourtCode::parse("粤").unwrap()).map(String::as_str), Some("广东省全省法院"));
}

// ---------------------------------------------------------------------------------------
// The two indicators fed by events (case-events.md, "Enforcement").

#[test]
fn terminal_compliance_and_petitions_from_the_record() {
    use IndicatorId::{CorePetitionRate, CoreTerminalCompliance};
    // 粤0704, P = 2026. Four 执 cases closed by 终本 in P (T1–T4), one closed by 终本 in 2025 (T5),
    // one 执 still open (E6).
    let facts = vec![
        case("(2026)粤0704执1号", "2026-01-05").closed("2026-05-01", "终结本次执行程序"),
        case("(2026)粤0704执2号", "2026-01-05").closed("2026-06-01", "终结本次执行程序"),
        case("(2026)粤0704执3号", "2026-02-01").closed("2026-07-01", "终结本次执行程序"),
        case("(2026)粤0704执4号", "2026-02-01").closed("2026-08-01", "终结本次执行程序"),
        case("(2025)粤0704执5号", "2025-01-05").closed("2025-06-01", "终结本次执行程序"),
        case("(2026)粤0704执6号", "2026-03-01"),
    ];
    let mut snap = Snapshot::new(&facts, &GroupNames::default());
    let p = period("2026-01-01", "2026-12-31");
    // No check and no petition recorded anywhere: both unavailable, as in indicators.md v1.
    let r = compute(&snap, p);
    assert!(matches!(value(&r, &court_key("粤0704"), CoreTerminalCompliance), Value::Unavailable(_)));
    assert!(matches!(value(&r, &court_key("粤0704"), CorePetitionRate), Value::Unavailable(_)));
    // T1 and T2 checked and compliant, T3 checked and not (an item missing), T4 never checked
    // (counts as not compliant), T5 compliant but closed before P.
    snap.set_enforcement(0, true, true, &[]);
    snap.set_enforcement(1, true, true, &[]);
    snap.set_enforcement(2, true, false, &[]);
    snap.set_enforcement(4, true, true, &[]);
    // Petitions: on T1 received 2026-03-01 resolved 2026-03-20 (in P, resolved ≤ to); on E6
    // received 2026-11-01 unresolved, received 2026-12-30 resolved 2027-01-05 (after to); on T5
    // received 2025-12-01 (before P) resolved 2026-01-10 — not received in P.
    snap.set_enforcement(0, true, true, &[(d("2026-03-01"), Some(d("2026-03-20")))]);
    snap.set_enforcement(5, false, false, &[(d("2026-11-01"), None), (d("2026-12-30"), Some(d("2027-01-05")))]);
    snap.set_enforcement(4, true, true, &[(d("2025-12-01"), Some(d("2026-01-10")))]);
    let r = compute(&snap, p);
    // Compliance: 2 of the 4 终本 closings in P.
    assert_eq!(value(&r, &court_key("粤0704"), CoreTerminalCompliance), q(2, 4));
    // Petitions received in P: 3 (T1's, E6's two); resolved by 2026-12-31: 1.
    assert_eq!(value(&r, &court_key("粤0704"), CorePetitionRate), q(1, 3));
    // Over 2025: T5 is the one 终本 closing, compliant; its petition received in 2025 was
    // resolved after that period's end.
    let r = compute(&snap, period("2025-01-01", "2025-12-31"));
    assert_eq!(value(&r, &court_key("粤0704"), CoreTerminalCompliance), q(1, 1));
    assert_eq!(value(&r, &court_key("粤0704"), CorePetitionRate), q(0, 1));
    // The explanation lists the same cases.
    let e = explain(&snap, p, "core_terminal_compliance", &court_key("粤0704")).unwrap();
    assert_eq!((e.numerator.len(), e.denominator.len()), (2, 4));
    // The record survives the snapshot's encoding.
    let mut w = crate::codec::Writer::default();
    snap.encode(&mut w);
    let bytes = w.into_bytes();
    let back = Snapshot::decode(&mut crate::codec::Reader::new(&bytes[..])).unwrap();
    assert_eq!(back.record, snap.record);
}

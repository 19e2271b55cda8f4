//! Triage tables worked out by hand from the contract's three rules, around every threshold.
//! W = 120,000 元 (粤, 2025) for cases filed in 2026: 0.5 W = 60,000; 2 W = 240,000.

use super::*;

fn rules() -> TriageRules {
    TriageRules {
        simple_causes: vec!["物业服务合同纠纷".to_owned(), "信用卡纠纷".to_owned()],
        average_wages: vec![
            AverageWage { province: '粤', year: 2023, amount: Amount::from_yuan(100_000) },
            AverageWage { province: '粤', year: 2025, amount: Amount::from_yuan(120_000) },
            AverageWage { province: '湘', year: 2025, amount: Amount::from_yuan(90_000) },
        ],
    }
}

fn yuan(text: &str) -> Amount {
    Amount::parse(text, false).unwrap()
}

/// Triage of a 民初 case at 粤0106 filed 2026-03-02.
fn run(claim: Option<&str>, cause: Option<&str>, flags: &[&str]) -> Triage {
    run_at("粤0106", "民初", "2026-03-02", claim, cause, flags)
}

fn run_at(
    court: &str,
    type_code: &str,
    filed: &str,
    claim: Option<&str>,
    cause: Option<&str>,
    flags: &[&str],
) -> Triage {
    let flags = Flags::parse(flags).unwrap();
    let input = TriageInput {
        court: CourtCode::parse(court).unwrap(),
        type_code: TypeCode::from_text(type_code).unwrap(),
        filed_on: Date::parse_iso(filed).unwrap(),
        cause,
        claim_amount: claim.map(yuan),
        flags: &flags,
    };
    triage(&input, &rules(), None)
}

#[track_caller]
fn expect(t: &Triage, procedure: Procedure, track: Track) {
    assert_eq!((t.procedure, t.track), (Some(procedure), track), "{:?}", t.reasons);
}

#[test]
fn the_amount_thresholds() {
    use Procedure::*;
    // (claim, consent, expected procedure): at, just above and just below 0.5 W and 2 W.
    let table: [(&str, bool, Procedure); 12] = [
        ("0", false, SmallClaims),
        ("35000", false, SmallClaims),
        ("60000", false, SmallClaims), // = 0.5 W
        ("60000.01", false, Summary),  // just above 0.5 W
        ("59999.99", false, SmallClaims),
        ("240000", false, Summary),      // = 2 W
        ("240000.01", false, Ordinary),  // just above 2 W, cause not listed
        ("60000.01", true, SmallClaims), // consent: up to 2 W
        ("240000", true, SmallClaims),   // = 2 W with consent
        ("240000.01", true, Ordinary),
        ("1000000", true, Ordinary),
        ("239999.99", true, SmallClaims),
    ];
    for (claim, consent, procedure) in table {
        let flags: &[&str] = if consent { &["consent_small_claims"] } else { &[] };
        let t = run(Some(claim), Some("民间借贷纠纷"), flags);
        let track = if procedure == Ordinary { Track::Complex } else { Track::Simple };
        assert_eq!(
            (t.procedure, t.track),
            (Some(procedure), track),
            "claim {claim}, consent {consent}: {:?}",
            t.reasons
        );
        assert_eq!(t.wage.map(|w| (w.year, w.amount)), Some((2025, Amount::from_yuan(120_000))));
    }
}

#[test]
fn reasons_name_the_rule_and_its_numbers() {
    let t = run(Some("35000"), Some("民间借贷纠纷"), &[]);
    assert_eq!(t.rule, TriageRule::SmallClaims);
    assert_eq!(
        t.reasons,
        [
            "标的额35,000元 ≤ 上年度（2025年）就业人员年平均工资120,000元的50%（60,000元），且无不适用小额诉讼程序的情形：适用小额诉讼程序"
        ]
    );
    let t = run(Some("100000"), Some("民间借贷纠纷"), &[]);
    assert_eq!(t.rule, TriageRule::Summary);
    assert_eq!(
        t.reasons,
        [
            "标的额100,000元 ≤ 上年度（2025年）就业人员年平均工资120,000元的2倍（240,000元）：适用简易程序",
            "标的额100,000元 > 上年度（2025年）就业人员年平均工资120,000元的50%（60,000元），且双方未同意适用小额诉讼程序",
        ]
    );
    let t = run(Some("150000"), None, &["consent_small_claims"]);
    assert_eq!(
        t.reasons[0],
        "标的额150,000元 ≤ 上年度（2025年）就业人员年平均工资120,000元的2倍（240,000元），双方同意适用小额诉讼程序：适用小额诉讼程序"
    );
    let t = run(Some("300000"), Some("买卖合同纠纷"), &[]);
    assert_eq!(
        t.reasons[0],
        "标的额300,000元 > 上年度（2025年）就业人员年平均工资120,000元的2倍（240,000元），且案由“买卖合同纠纷”不在简易程序案由清单：适用普通程序"
    );
}

#[test]
fn each_exclusion() {
    use Procedure::*;
    // A claim far below 0.5 W: only the flag decides. Rule 1's six exclusions; foreign and
    // 公告送达 also exclude 简易 (rule 2), the other four fall to 简易 by amount.
    let table = [
        ("foreign", Ordinary),
        ("service_by_publication", Ordinary),
        ("needs_appraisal", Summary),
        ("counterclaim", Summary),
        ("party_missing", Summary),
        ("non_monetary", Summary),
    ];
    for (flag, procedure) in table {
        let t = run(Some("1000"), Some("民间借贷纠纷"), &[flag]);
        let track = if procedure == Ordinary { Track::Complex } else { Track::Simple };
        expect(&t, procedure, track);
        // Consent does not lift an exclusion.
        let t = run(Some("1000"), Some("民间借贷纠纷"), &[flag, "consent_small_claims"]);
        assert_eq!(t.procedure, Some(procedure), "{flag} with consent");
    }
    let t = run(Some("1000"), None, &["needs_appraisal", "counterclaim"]);
    assert!(t.reasons.contains(&"存在不适用小额诉讼程序的情形：需鉴定评估、反诉".to_owned()), "{:?}", t.reasons);
    let t = run(Some("1000"), Some("物业服务合同纠纷"), &["foreign"]);
    // A listed cause does not lift the 简易 exclusion either.
    assert_eq!(t.procedure, Some(Ordinary));
    assert_eq!(t.reasons[0], "涉外/涉港澳台的案件不适用简易程序：适用普通程序");
}

#[test]
fn simple_causes_and_unknown_amounts() {
    use Procedure::*;
    // Above 2 W, but a listed cause: 简易 by rule 2.
    expect(&run(Some("500000"), Some("物业服务合同纠纷"), &[]), Summary, Track::Simple);
    // No amount: rule 1 cannot fire; the cause decides.
    expect(&run(None, Some("信用卡纠纷"), &[]), Summary, Track::Simple);
    expect(&run(None, Some("建设工程施工合同纠纷"), &[]), Ordinary, Track::Complex);
    expect(&run(None, None, &[]), Ordinary, Track::Complex);
    // No W for the year before: 2025 filings use the latest figure before 2025 (2023 here).
    let t = run_at("粤0106", "民初", "2025-06-01", Some("50000"), None, &[]);
    assert_eq!(t.wage.map(|w| w.year), Some(2023));
    expect(&t, SmallClaims, Track::Simple);
    let t = run_at("粤0106", "民初", "2025-06-01", Some("50000.01"), None, &[]);
    expect(&t, Summary, Track::Simple);
    // No figure at all before 2023 for 粤: amount rules cannot fire.
    let t = run_at("粤0106", "民初", "2023-06-01", Some("1000"), None, &[]);
    assert_eq!(t.wage, None);
    expect(&t, Ordinary, Track::Complex);
    assert!(t.reasons[1].starts_with("未配置粤2022年度就业人员年平均工资"), "{:?}", t.reasons);
    let t = run_at("粤0106", "民初", "2023-06-01", Some("1000"), Some("信用卡纠纷"), &[]);
    expect(&t, Summary, Track::Simple);
    // Another province's figure.
    expect(&run_at("湘0102", "民初", "2026-01-05", Some("45000"), None, &[]), SmallClaims, Track::Simple);
    expect(&run_at("湘0102", "民初", "2026-01-05", Some("45000.01"), None, &[]), Summary, Track::Simple);
}

#[test]
fn complex_and_series_make_the_track_complex() {
    let t = run(Some("1000"), None, &["complex"]);
    expect(&t, Procedure::SmallClaims, Track::Complex);
    assert!(t.reasons.contains(&"重大疑难复杂/四类案件：列为繁案".to_owned()));
    let t = run(Some("100000"), None, &["series_of:（2026）粤0106民初7号"]);
    expect(&t, Procedure::Summary, Track::Complex);
    assert_eq!(t.reasons.last().unwrap(), "系列/关联案件（（2026）粤0106民初7号）：列为繁案，原则上由同一审判组织审理");
}

#[test]
fn untriaged_cases_keep_the_given_procedure() {
    let flags = Flags::default();
    for (court, code) in [("粤0106", "民特"), ("粤01", "民初"), ("粤01", "民终"), ("粤0106", "执")] {
        let input = TriageInput {
            court: CourtCode::parse(court).unwrap(),
            type_code: TypeCode::from_text(code).unwrap(),
            filed_on: Date::parse_iso("2026-03-02").unwrap(),
            cause: None,
            claim_amount: Some(yuan("1000")),
            flags: &flags,
        };
        let t = triage(&input, &rules(), None);
        assert_eq!((t.rule, t.procedure, t.track), (TriageRule::NotTriaged, None, Track::Complex), "{court}{code}");
        let t = triage(&input, &rules(), Some(Procedure::Special));
        assert_eq!(t.procedure, Some(Procedure::Special));
    }
}

#[test]
fn flags_parse_and_print() {
    let f = Flags::parse(&["counterclaim", "foreign", "series_of:(2026)粤0106民初7号", "foreign"]).unwrap();
    assert_eq!(f.keys(), ["foreign", "counterclaim", "series_of:（2026）粤0106民初7号"]);
    assert_eq!(f.labels(), ["涉外/涉港澳台", "反诉", "系列/关联案件（（2026）粤0106民初7号）"]);
    assert_eq!(Flags::parse(&["urgent"]), Err(FlagError::Unknown("urgent".into())));
    assert!(matches!(Flags::parse(&["series_of:粤0106民初7号"]), Err(FlagError::BadSeries(_))));
    assert_eq!(
        Flags::parse(&["series_of:（2026）粤0106民初7号", "series_of:（2026）粤0106民初8号"]),
        Err(FlagError::TwoSeries)
    );
}

#[test]
fn tracks_and_weights() {
    assert_eq!(TrackSet::parse(""), Ok(TrackSet::Both));
    assert_eq!(TrackSet::parse("繁简"), Ok(TrackSet::Both));
    assert_eq!(TrackSet::parse(" 简 "), Ok(TrackSet::Simple));
    assert!(TrackSet::parse("快").is_err());
    assert!(TrackSet::Simple.admits(Track::Simple) && !TrackSet::Simple.admits(Track::Complex));
    assert!(TrackSet::Both.admits(Track::Complex));
    assert_eq!(Weight::parse("").unwrap(), Weight::ONE);
    assert_eq!(Weight::parse("0.5").unwrap().ten_thousandths(), 5_000);
    assert_eq!(Weight::parse("1.25").unwrap().to_string(), "1.25");
    for bad in ["0", "-1", "abc", "101", "0.00001"] {
        assert!(Weight::parse(bad).is_err(), "{bad}");
    }
}

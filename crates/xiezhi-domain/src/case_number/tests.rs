use super::*;
use crate::court::CourtLevel;
use proptest::prelude::*;

#[track_caller]
fn check(input: &str, canonical: &str, court: Option<&str>, type_code: &str) {
    let number = CaseNumber::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(number.as_str(), canonical);
    assert_eq!(number.court().map(|c| c.to_string()).as_deref(), court);
    assert_eq!(number.type_code().as_str(), type_code);
    assert_eq!(CaseNumber::parse(number.as_str()).unwrap(), number);
}

#[test]
fn bracket_forms_and_court_levels() {
    check("(2024)粤0703民初1234号", "（2024）粤0703民初1234号", Some("粤0703"), "民初");
    check("（2023）粤07民终56号", "（2023）粤07民终56号", Some("粤07"), "民终");
    check("〔2022〕粤民申7号", "（2022）粤民申7号", Some("粤"), "民申");
    check("(2019)最高法知民终1号", "（2019）最高法知民终1号", Some("最高法"), "民终");
    check("（2016）辽0106刑初字70号", "（2016）辽0106刑初字70号", Some("辽0106"), "刑初");
    check("(2024)京0105执恢12号", "（2024）京0105执恢12号", Some("京0105"), "执恢");
    let n = CaseNumber::parse("(2019)最高法知民终1号").unwrap();
    assert_eq!(n.specialized(), Some('知'));
    assert_eq!(n.court().unwrap().level(), CourtLevel::Supreme);
    assert_eq!(CaseNumber::parse("(2024)粤0703民初1号").unwrap().year(), 2024);
}

#[test]
fn longest_type_code_wins() {
    check("(2024)粤0703民特监3号", "（2024）粤0703民特监3号", Some("粤0703"), "民特监");
    check("(2024)粤0703民特3号", "（2024）粤0703民特3号", Some("粤0703"), "民特");
    check("(2024)粤0703执保3号", "（2024）粤0703执保3号", Some("粤0703"), "执保");
    check("(2024)粤0703执3号", "（2024）粤0703执3号", Some("粤0703"), "执");
    check("(2024)粤07行赔终3号", "（2024）粤07行赔终3号", Some("粤07"), "行赔终");
    check("(2024)粤07委赔监3号", "（2024）粤07委赔监3号", Some("粤07"), "委赔监");
}

#[test]
fn every_table_code_parses() {
    for code in TypeCode::all() {
        let text = format!("(2024)粤0703{code}15号");
        let parsed = CaseNumber::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed.type_code(), code);
    }
}

#[test]
fn sequence_kept_as_written() {
    let a = CaseNumber::parse("(2024)粤0703民初0001号").unwrap();
    let b = CaseNumber::parse("(2024)粤0703民初1号").unwrap();
    assert_ne!(a, b);
    assert_eq!(a.as_str(), "（2024）粤0703民初0001号");
}

#[test]
fn legacy_forms() {
    check("(2014)海民初字第5号", "（2014）海民初字第5号", None, "民初");
    check("(2014)临刑二终字第181号", "（2014）临刑二终字第181号", None, "刑终");
    check("(2013)四西刑公初字第5号", "（2013）四西刑公初字第5号", None, "刑初");
    check("（2013）深罗法刑二初字第135号", "（2013）深罗法刑二初字第135号", None, "刑初");
    check("（2015）内刑初字第041号", "（2015）内刑初字第041号", None, "刑初");
    check("（2014）新民刑初字第00480号", "（2014）新民刑初字第00480号", None, "刑初");
    check("(2014)粤高法刑三终字第9号", "（2014）粤高法刑三终字第9号", None, "刑终");
    // A one-character type code with its division numeral (执二, 破一).
    check("(2013)深中法执二字第5号", "（2013）深中法执二字第5号", None, "执");
    check("(2012)海破一字第3号", "（2012）海破一字第3号", None, "破");
    let n = CaseNumber::parse("(2014)临刑二终字第181号").unwrap();
    assert_eq!(n.court_ref(), &CourtRef::Legacy("临".into()));
    assert!(n.is_legacy());
    for form in ["深中法刑二终", "浙甬刑二终", "娄中刑一终"] {
        let n = CaseNumber::parse(&format!("(2014){form}字第1号")).unwrap();
        assert_eq!(n.type_code().as_str(), "刑终", "{form}");
    }
}

#[test]
fn real_sample_parses() {
    let sample = include_str!("../../tests/data/real-sample.txt");
    let mut n = 0;
    for line in sample.lines().filter(|l| !l.trim().is_empty()) {
        let parsed = CaseNumber::parse(line.trim()).unwrap_or_else(|e| panic!("{line}: {e}"));
        let expected = line.trim().replace(['(', '〔'], "（").replace([')', '〕'], "）");
        assert_eq!(parsed.as_str(), expected);
        n += 1;
    }
    assert_eq!(n, 100);
}

#[test]
fn errors_name_the_part() {
    use CaseNumberError::*;
    let err = |s: &str| CaseNumber::parse(s).unwrap_err();
    assert_eq!(err(""), Empty);
    assert_eq!(err("2024粤0703民初1号"), MissingYear);
    assert_eq!(err("(24)粤0703民初1号"), BadYear);
    assert_eq!(err("(2024)粤0703民初1"), MissingSuffix);
    assert_eq!(err("(2024)港0703民初1号"), UnknownCourt);
    assert_eq!(err("(2024)粤070民初1号"), UnknownCourt);
    assert_eq!(err("(2024)粤0703民x1号"), UnknownTypeCode("民x".into()));
    assert_eq!(err("(2024)粤0703民初号"), BadSequence);
    assert_eq!(err("(2024)粤0703民初1a号"), BadSequence);
    assert_eq!(err("(2014)海字第5号"), UnknownTypeCode("海".into()));
    assert_eq!(err("(2014)民初字第5号"), UnknownTypeCode("民初".into()));
}

fn court_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("最高法".to_owned()),
        (0..crate::PROVINCE_ABBREVIATIONS.len(), 0u8..3, 0u8..100, 0u8..100).prop_map(|(p, level, c, k)| {
            let p = crate::PROVINCE_ABBREVIATIONS[p];
            match level {
                0 => p.to_string(),
                1 => format!("{p}{c:02}"),
                _ => format!("{p}{c:02}{k:02}"),
            }
        }),
    ]
}

proptest! {
    #[test]
    fn parse_then_print_is_identity(
        year in 1990u16..2100,
        court in court_strategy(),
        ip in any::<bool>(),
        code in 0u8..150,
        seq in "[0-9]{1,8}",
        bracket in 0usize..3,
    ) {
        let code = TypeCode::from_index(code % TypeCode::all().count() as u8).unwrap();
        let (open, close) = [("(", ")"), ("（", "）"), ("〔", "〕")][bracket];
        let ip = if ip { "知" } else { "" };
        let text = format!("{open}{year}{close}{court}{ip}{code}{seq}号");
        let parsed = CaseNumber::parse(&text).unwrap();
        let printed = parsed.to_string();
        prop_assert_eq!(&printed, &format!("（{year}）{court}{ip}{code}{seq}号"));
        prop_assert_eq!(CaseNumber::parse(&printed).unwrap(), parsed);
    }

    #[test]
    fn never_panics(text in "\\PC{0,30}") {
        let _ = CaseNumber::parse(&text);
    }

    #[test]
    fn never_panics_near_valid(prefix in "[(（〔]?[0-9]{0,5}[)）〕]?", mid in "[粤最高法京0-9民初执恢字第一二]{0,10}", end in "号?") {
        if let Ok(n) = CaseNumber::parse(&format!("{prefix}{mid}{end}")) {
            prop_assert_eq!(CaseNumber::parse(n.as_str()).unwrap(), n);
        }
    }
}

#[test]
fn fingerprints_follow_identity() {
    let a = CaseNumber::parse("(2024)粤0703民初1号").unwrap();
    let b = CaseNumber::parse("〔2024〕粤0703民初1号").unwrap();
    let c = CaseNumber::parse("(2024)粤0703民初0001号").unwrap();
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_ne!(a.fingerprint(), c.fingerprint());
    assert_ne!(a.fingerprint()[0], a.fingerprint()[1], "the halves are salted apart");
}

#[test]
fn sequences_and_assigned_numbers() {
    let n = CaseNumber::parse("(2024)粤0703民初1234号").unwrap();
    assert_eq!(n.sequence(), 1234);
    assert_eq!(CaseNumber::parse("（2014）海民初字第0077号").unwrap().sequence(), 77);
    let court = CourtCode::parse("粤0106").unwrap();
    let made = CaseNumber::assigned(2026, court, TypeCode::from_text("民初").unwrap(), 1);
    assert_eq!(made.as_str(), "（2026）粤0106民初1号");
    // What registration gives, parsing gives back: the same number, the same parts.
    assert_eq!(CaseNumber::parse(made.as_str()).unwrap(), made);
    assert_eq!(made.sequence(), 1);
}

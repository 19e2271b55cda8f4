//! Event files: JSON lines and tables with Chinese labels read into events; every problem named
//! by row, field and value.

use xiezhi_domain::{Amount, CaseEvent, Date, Procedure, Span, SuspensionKind, TerminalApproval};
use xiezhi_import::events::read_events;

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn json_lines_of_every_kind() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"case_number": "(2026)粤0106民初1号", "event": "extension", "on": "2026-05-01", "months": 6, "approver": "院长", "reason": "案情复杂"}
{"case_number": "（2026）粤0106民初1号", "event": "suspension", "kind": "鉴定", "from": "2026-03-01", "to": "2026-03-31"}
{"case_number": "（2026）粤0106民初1号", "event": "扣除审限", "kind": "公告", "from": "2026-04-01", "to": null}

{"case_number": "（2026）粤0106民初1号", "event": "conversion", "on": "2026-02-01", "procedure": "普通程序"}
{"case_number": "（2026）粤0106刑初2号", "event": "restart", "on": "2026-02-01", "reason": "补充侦查完毕"}
{"case_number": "（2026）粤0106执3号", "event": "payment", "on": "2026-06-01", "amount": "1234.50"}
{"case_number": "（2026）粤0106执3号", "event": "terminal_check", "on": "2026-07-01", "items": {"notice_and_report_order": true, "consumption_restriction": true, "property_search_exhausted": true, "missing_person_searched": true, "obstruction_sanctioned": true, "applicant_consulted": false}, "approval": "president_approved"}
{"case_number": "（2026）粤0106执3号", "event": "petition", "on": "2026-08-01", "resolved_on": "2026-08-20"}
"#;
    let events = read_events(&write(&dir, "e.jsonl", text)).unwrap().unwrap();
    assert_eq!(events.len(), 8);
    assert_eq!(events[0].row, 1);
    assert_eq!(events[3].row, 5, "the blank line is counted");
    assert!(matches!(
        &events[0].event,
        CaseEvent::Extension { on, span: Span::Months(6), approver: Some(a), .. } if *on == d("2026-05-01") && a == "院长"
    ));
    assert_eq!(
        events[1].event,
        CaseEvent::Suspension { kind: SuspensionKind::Appraisal, from: d("2026-03-01"), to: Some(d("2026-03-31")) }
    );
    assert_eq!(
        events[2].event,
        CaseEvent::Suspension { kind: SuspensionKind::Publication, from: d("2026-04-01"), to: None }
    );
    assert_eq!(events[3].event, CaseEvent::Conversion { on: d("2026-02-01"), procedure: Procedure::Ordinary });
    assert_eq!(
        events[5].event,
        CaseEvent::Payment { on: d("2026-06-01"), amount: Amount::parse("1234.5", false).unwrap() }
    );
    match &events[6].event {
        CaseEvent::TerminalCheck { items, approval, .. } => {
            assert!(!items.all_true() && items.property_search_exhausted);
            assert_eq!(*approval, Some(TerminalApproval::PresidentApproved));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(events[7].event, CaseEvent::Petition { on: d("2026-08-01"), resolved_on: Some(d("2026-08-20")) });
}

#[test]
fn tables_with_chinese_labels() {
    let dir = tempfile::tempdir().unwrap();
    let text = "案号,事件,日期,天数,扣除类型,起始日期,结束日期,金额\n\
(2026)粤0106民初1号,延长审限,2026-05-01,30,,,,\n\
(2026)粤0106民初1号,扣除审限,,,调解,2026/3/1,2026/3/10,\n\
(2026)粤0106执3号,执行到位,2026年6月1日,,,,,\"5,000\"\n";
    let events = read_events(&write(&dir, "e.csv", text)).unwrap().unwrap();
    assert_eq!(events.len(), 3);
    assert!(matches!(events[0].event, CaseEvent::Extension { span: Span::Days(30), .. }));
    assert_eq!(events[2].event, CaseEvent::Payment { on: d("2026-06-01"), amount: Amount::from_yuan(5000) });
}

#[test]
fn problems_name_row_field_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"case_number": "（2026）粤0106民初1号", "event": "suspension", "kind": "鉴定", "from": "2026-03-10", "to": "2026-03-01"}
{"case_number": "（2026）粤0106民初1号", "event": "extension", "on": "2026-02-30", "months": 1, "days": 3}
{"case_number": "粤0106民初1号", "event": "holiday", "on": "2026-01-01"}
{"case_number": "（2026）粤0106执3号", "event": "payment", "on": "2026-06-01", "amount": "1.005"}
not json
"#;
    let problems = read_events(&write(&dir, "bad.jsonl", text)).unwrap().unwrap_err();
    let got: Vec<(u64, &str, &str)> = problems.iter().map(|p| (p.row, p.column.as_str(), p.value.as_str())).collect();
    assert_eq!(
        got,
        [
            (1, "to", "2026-03-01"),
            (2, "on", "2026-02-30"),
            (2, "days", "3"),
            (3, "case_number", "粤0106民初1号"),
            (3, "event", "holiday"),
            (4, "amount", "1.005"),
            (5, "—", "not json"),
        ]
    );
}

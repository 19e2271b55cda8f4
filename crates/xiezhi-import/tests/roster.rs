//! The roster file: labels in any order, defaults for blank cells, CSV in both encodings and
//! XLSX, and every problem named by row, column and value with nothing returned.

use rust_xlsxwriter::Workbook;
use xiezhi_domain::{CourtCode, TrackSet, TypeCode, Weight};
use xiezhi_import::roster::{RosterError, read_roster};

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

const CHINESE: &str = "姓名,工号,法院代码,庭室,办案类型,繁简,办案系数,在岗\n\
甲法官,J-001,粤0106,民一庭,民初、民特,繁简,1,是\n\
\n\
乙法官,J-002,粤0106,速裁庭,民初,简,0.5,\n\
丙法官,J-003,粤0106,,\"民初, 民终 执\",,,否\n";

#[test]
fn chinese_labels_defaults_and_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let utf8 = write(&dir, "roster.csv", format!("\u{feff}{CHINESE}").as_bytes());
    let (gbk, _, _) = encoding_rs::GB18030.encode(CHINESE);
    let gb = write(&dir, "roster-gb.csv", &gbk);
    for path in [utf8, gb] {
        let judges = read_roster(&path, None).unwrap();
        assert_eq!(judges.len(), 3);
        let a = &judges[0];
        assert_eq!((a.row, a.judge_id.as_str(), a.name.as_str()), (2, "J-001", "甲法官"));
        assert_eq!(a.court, CourtCode::parse("粤0106").unwrap());
        assert_eq!(a.department.as_deref(), Some("民一庭"));
        assert_eq!(a.case_types, [TypeCode::from_text("民初").unwrap(), TypeCode::from_text("民特").unwrap()]);
        assert_eq!((a.track, a.weight, a.active), (TrackSet::Both, Weight::ONE, true));
        // The blank line is skipped but counted: 乙 is row 4.
        let b = &judges[1];
        assert_eq!((b.row, b.track, b.weight.ten_thousandths(), b.active), (4, TrackSet::Simple, 5_000, true));
        // Blank track = both, blank weight = 1, 否 = inactive; types split by comma and space.
        let c = &judges[2];
        assert_eq!((c.track, c.weight, c.active, c.department.as_deref()), (TrackSet::Both, Weight::ONE, false, None));
        let types: Vec<&str> = c.case_types.iter().map(|t| t.as_str()).collect();
        assert_eq!(types, ["民初", "民终", "执"]);
    }
}

#[test]
fn xlsx_with_english_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["judge_id", "name", "court", "case_types", "weight", "active"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    // A numeric 工号 and a numeric weight, as Excel stores them.
    sheet.write_number(1, 0, 1001.0).unwrap();
    sheet.write_string(1, 1, "丁法官").unwrap();
    sheet.write_string(1, 2, "粤01").unwrap();
    sheet.write_string(1, 3, "民终").unwrap();
    sheet.write_number(1, 4, 1.25).unwrap();
    sheet.write_string(1, 5, "否").unwrap();
    book.save(&path).unwrap();
    let judges = read_roster(&path, None).unwrap();
    assert_eq!(judges.len(), 1);
    assert_eq!(judges[0].judge_id.as_str(), "1001");
    assert_eq!(judges[0].weight.ten_thousandths(), 12_500);
    assert!(!judges[0].active);
}

#[test]
fn every_problem_is_named_and_nothing_is_returned() {
    let dir = tempfile::tempdir().unwrap();
    let text = "工号,姓名,法院,类型代字,繁简,权重,状态\n\
J1,甲,粤0106,民初,繁,1,是\n\
J1,乙,粤0106,民初,简,1,是\n\
J3,,广州,民初、民x,快,0,也许\n\
,丁,粤0106,,,,\n";
    let path = write(&dir, "bad.csv", text.as_bytes());
    let Err(RosterError::Rows(problems)) = read_roster(&path, None) else { panic!("problems expected") };
    let got: Vec<(u64, &str, &str)> = problems.iter().map(|p| (p.row, p.column.as_str(), p.value.as_str())).collect();
    assert_eq!(
        got,
        [
            (3, "工号", "J1"),
            (4, "姓名", ""),
            (4, "法院", "广州"),
            (4, "类型代字", "民初、民x"),
            (4, "繁简", "快"),
            (4, "权重", "0"),
            (4, "状态", "也许"),
            (5, "工号", ""),
            (5, "类型代字", ""),
        ]
    );
    assert!(problems[0].reason.contains("第2行"), "{}", problems[0].reason);
    // Missing required columns are named.
    let path = write(&dir, "cols.csv", "姓名,法院\n甲,粤0106\n".as_bytes());
    match read_roster(&path, None) {
        Err(RosterError::MissingColumns(m)) => assert_eq!(m, ["judge_id", "case_types"]),
        other => panic!("{other:?}"),
    }
    let path = write(&dir, "dup.csv", "工号,法官编号,姓名,法院,办案类型\nJ,J,甲,粤0106,民初\n".as_bytes());
    assert!(matches!(read_roster(&path, None), Err(RosterError::DuplicateColumn { key: "judge_id", .. })));
}

#[test]
fn the_documented_sample_reads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/samples/roster.csv");
    let judges = read_roster(&path, None).unwrap();
    assert_eq!(judges.len(), 5);
    assert_eq!(judges[0].weight.ten_thousandths(), 5_000);
    assert!(!judges[4].active);
}

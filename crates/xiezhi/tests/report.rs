//! `xiezhi report` and `xiezhi fill` end to end: bad input gives one clear message, exit 1 and
//! no output file; good input writes the file.

use std::path::Path;
use std::process::Output;

mod common;

use common::{text, xiezhi};

const CASES: &str = "案号,立案日期,结案日期,结案方式,承办人,法院名称\n\
(2024)粤0703民初1号,2024-01-05,2024-03-01,判决,审判员甲,江门市蓬江区人民法院\n\
(2024)粤0703民初2号,2024-01-06,,,审判员乙,江门市蓬江区人民法院\n\
(2023)粤0703民初1号,2023-01-05,2023-02-01,判决,审判员甲,江门市蓬江区人民法院\n";

/// A directory with an imported database and a one-line draft.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cases.csv"), CASES).unwrap();
    let out = xiezhi(dir.path(), &["import", "cases.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::write(
        dir.path().join("draft.txt"),
        "今年前X个月，全市法院共受理案件XX件，同比增长XX%。推动XX法院高质量发展。\n",
    )
    .unwrap();
    dir
}

fn assert_refused(dir: &Path, out: &Output, needle: &str, file: &str) {
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains(needle), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one message: {stderr}");
    assert!(!dir.join(file).exists(), "{file} was written");
    // No temporary file is left either.
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn fill_writes_the_draft_and_the_json_log() {
    let dir = setup();
    let out = xiezhi(
        dir.path(),
        &[
            "fill",
            "--draft",
            "draft.txt",
            "--scope",
            "粤07",
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            "--out",
            "filled.txt",
            "--log",
            "log.json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // 受理 2 (both 2024 cases), P' 1 → +100 %.
    let filled = std::fs::read_to_string(dir.path().join("filled.txt")).unwrap();
    assert_eq!(filled, "今年前3个月，全市法院共受理案件2件，同比增长100.00%。推动XX法院高质量发展。\n");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("log.json")).unwrap()).unwrap();
    assert_eq!(log["slots"], 3);
    assert_eq!(log["left"], 1);
    assert!(text(&out.stderr).contains("保留 left"));
}

#[test]
fn report_writes_html() {
    let dir = setup();
    let out = xiezhi(
        dir.path(),
        &[
            "report",
            "--scope",
            "粤07",
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            "--out",
            "b.html",
            "--issued-on",
            "2024-04-02",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(dir.path().join("b.html")).unwrap();
    assert!(page.contains("共受理案件2件"));
}

#[test]
fn an_unsupported_draft_format_is_refused() {
    let dir = setup();
    std::fs::write(dir.path().join("draft.pdf"), "%PDF-1.4").unwrap();
    let out = xiezhi(
        dir.path(),
        &[
            "fill",
            "--draft",
            "draft.pdf",
            "--scope",
            "粤07",
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            "--out",
            "filled.pdf",
        ],
    );
    assert_refused(dir.path(), &out, "unsupported draft format", "filled.pdf");
}

#[test]
fn a_scope_not_in_the_data_is_refused() {
    let dir = setup();
    for args in [
        vec!["report", "--scope", "粤09", "--out", "b.docx"],
        vec!["fill", "--draft", "draft.txt", "--scope", "粤09", "--out", "b.txt"],
    ] {
        let mut args = args;
        args.extend(["--from", "2024-01-01", "--to", "2024-03-31"]);
        let out = xiezhi(dir.path(), &args);
        assert_refused(dir.path(), &out, "粤09", args[args.len() - 5]);
    }
}

#[test]
fn a_period_without_data_is_refused() {
    let dir = setup();
    let out = xiezhi(
        dir.path(),
        &["report", "--scope", "粤07", "--from", "2020-01-01", "--to", "2020-12-31", "--out", "b.xlsx"],
    );
    assert_refused(dir.path(), &out, "has no case in the scope", "b.xlsx");
    // After the data ends: (2024)粤0703民初2号 is still pending (carried over), but nothing was
    // filed or closed in 2025 — a bulletin or a draft of zeros and tied ranks is refused.
    let out = xiezhi(
        dir.path(),
        &["report", "--scope", "粤07", "--from", "2025-01-01", "--to", "2025-06-30", "--out", "c.html"],
    );
    assert_refused(dir.path(), &out, "no case filed or closed", "c.html");
    let out = xiezhi(
        dir.path(),
        &[
            "fill",
            "--draft",
            "draft.txt",
            "--scope",
            "粤07",
            "--from",
            "2025-01-01",
            "--to",
            "2025-06-30",
            "--out",
            "c.txt",
        ],
    );
    assert_refused(dir.path(), &out, "no case filed or closed", "c.txt");
}

#[test]
fn the_draft_is_never_overwritten_by_its_filled_copy() {
    let dir = setup();
    let before = std::fs::read(dir.path().join("draft.txt")).unwrap();
    let out = xiezhi(
        dir.path(),
        &[
            "fill",
            "--draft",
            "draft.txt",
            "--scope",
            "粤07",
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            "--out",
            "./draft.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("is the draft itself"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(dir.path().join("draft.txt")).unwrap(), before);
}

//! `xiezhi metrics` end to end on a small fixture whose figures are worked out by hand.

use std::process::Command;

use serde_json::Value;

mod common;

use common::{text, xiezhi};

/// Period P = 2024-01-01..2024-06-30. Cases:
/// 1 粤0703民初1 filed 2023-11-01 closed 2024-02-01 判决 (carried over, closed in P, appealed by 7)
/// 2 粤0703民初2 filed 2024-01-31 closed 2024-03-01 调解 (简易: deadline 2024-04-30, on time)
/// 3 粤0703民初3 filed 2024-02-10 pending
/// 4 粤0703执4   filed 2024-03-01 closed 2024-06-30 执行完毕, applied 10000, recovered 8000
/// 5 粤0704民初1 filed 2024-05-01 closed 2024-07-01 (after P: pending at `to`)
/// 6 粤0704民初9 filed 2022-06-01 pending (over 12, 18 and 24 months at 2024-06-30)
/// 7 粤07民终1   filed 2024-03-01 closed 2024-05-15 改判, origin = case 1
/// 8 粤0103民初1 filed 2024-01-10 closed 2024-01-20 撤诉 (another city)
const FIXTURE: &str = "案号,法院名称,立案日期,结案日期,结案方式,承办人,适用程序,申请执行标的额,执行到位金额,有无财产,原审案号\n\
(2023)粤0703民初1号,江门市蓬江区人民法院,2023-11-01,2024-02-01,判决,甲,普通程序,,,,\n\
(2024)粤0703民初2号,江门市蓬江区人民法院,2024-01-31,2024-03-01,调解,甲,简易程序,,,,\n\
(2024)粤0703民初3号,江门市蓬江区人民法院,2024-02-10,,,乙,,,,,\n\
(2024)粤0703执4号,江门市蓬江区人民法院,2024-03-01,2024-06-30,执行完毕,丙,,10000,8000,是,(2023)粤0703民初1号\n\
(2024)粤0704民初1号,江门市江海区人民法院,2024-05-01,2024-07-01,判决,戊,,,,,\n\
(2022)粤0704民初9号,江门市江海区人民法院,2022-06-01,,,戊,,,,,\n\
(2024)粤07民终1号,江门市中级人民法院,2024-03-01,2024-05-15,改判,己,,,,,(2023)粤0703民初1号\n\
(2024)粤0103民初1号,广州市荔湾区人民法院,2024-01-10,2024-01-20,撤诉,丁,,,,,\n";

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fixture.csv"), FIXTURE).unwrap();
    let out = xiezhi(dir.path(), &["import", "fixture.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}

fn group<'a>(json: &'a Value, kind: &str, code: &str) -> &'a Value {
    json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == kind && g["code"] == code)
        .unwrap_or_else(|| panic!("no {kind} {code}"))
}

#[test]
fn contract_json_with_hand_worked_values() {
    let dir = setup();
    let out = xiezhi(dir.path(), &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(json["period"], serde_json::json!({"from": "2024-01-01", "to": "2024-06-30"}));
    assert_eq!(json["previous_period"], serde_json::json!({"from": "2023-01-01", "to": "2023-06-30"}));

    let court = group(&json, "court", "粤0703");
    assert_eq!(court["name"], "江门市蓬江区人民法院");
    let v = &court["values"];
    // filed 2, 3, 4; carried over 1; closed 1, 2, 4; pending 3.
    assert_eq!((v["filed"].as_u64(), v["carried_over"].as_u64(), v["accepted"].as_u64()), (Some(3), Some(1), Some(4)));
    assert_eq!((v["closed"].as_u64(), v["pending"].as_u64()), (Some(3), Some(1)));
    assert_eq!(v["closure_rate"].as_f64(), Some(0.75));
    assert_eq!(v["clearance_rate"].as_f64(), Some(1.0));
    // Judges who closed: 甲 (cases 1, 2) and 丙 (case 4): 3 / 2.
    assert_eq!(v["closed_per_judge"].as_f64(), Some(1.5));
    assert_eq!(v["mediation_rate"].as_f64(), Some(0.5));
    // B = {1} (判决), appealed by 7 → 1/1; case 1 reversed (改判) of {1, 2} → 1/2.
    assert_eq!(v["appeal_rate"].as_f64(), Some(1.0));
    assert_eq!(v["first_instance_reversed_rate"].as_f64(), Some(0.5));
    assert_eq!((v["enf_filed"].as_u64(), v["enf_closed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(v["recovered_amount"].as_f64(), Some(8000.0));
    assert_eq!(v["recovery_rate"].as_f64(), Some(0.8));
    assert_eq!(v["actual_execution_rate"].as_f64(), Some(1.0));
    assert_eq!(v["core_terminal_compliance"], Value::Null);
    assert!(court["unavailable"]["core_terminal_compliance"].is_string());
    // Nothing was filed in P' = 2023-01-01..2023-06-30: the ratio is undefined, not 0.
    assert_eq!(court["previous"]["filed"].as_u64(), Some(0));
    assert_eq!(court["previous"]["clearance_rate"], Value::Null);

    let long = &group(&json, "court", "粤0704")["values"];
    // Case 6 filed 2022-06-01: +12 → 2023-06-01, +18 → 2023-12-01, +24 → 2024-06-01 < 2024-06-30; +36 no.
    assert_eq!(
        ["pending_over_12m", "pending_over_18m", "pending_over_24m", "pending_over_36m"].map(|k| long[k].as_u64()),
        [Some(1), Some(1), Some(1), Some(0)]
    );

    let city = group(&json, "city", "粤07");
    let c = &city["values"];
    // 粤07 pools 粤07, 粤0703, 粤0704: filed 2, 3, 4, 5, 7; carried over 1, 6; closed 1, 2, 4, 7.
    assert_eq!((c["filed"].as_u64(), c["accepted"].as_u64(), c["closed"].as_u64()), (Some(5), Some(7), Some(4)));
    assert_eq!(c["clearance_rate"].as_f64(), Some(0.8));
    // Province: filed 6, closed 5. City 粤01 clears 1/1 and ranks first; 粤07 second.
    assert_eq!(city["province_values"]["clearance_rate"].as_f64(), Some(5.0 / 6.0));
    assert_eq!(city["rank"]["clearance_rate"].as_u64(), Some(2));
    assert_eq!(group(&json, "city", "粤01")["rank"]["clearance_rate"].as_u64(), Some(1));
    assert_eq!(group(&json, "province", "粤")["values"]["filed"].as_u64(), Some(6));
    let judge = json["groups"].as_array().unwrap().iter().find(|g| g["kind"] == "judge" && g["code"] == "乙").unwrap();
    assert_eq!(judge["court"], "粤0703");
    assert_eq!(judge["values"]["closed"].as_u64(), Some(0));
    assert_eq!(judge["values"]["closed_per_judge"], Value::Null);

    // --scope keeps only the groups within the code.
    let out = xiezhi(
        dir.path(),
        &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "json", "--scope", "粤0703"],
    );
    let scoped: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    let kinds: Vec<(String, String)> = scoped["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["kind"].as_str().unwrap().to_owned(), g["code"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        kinds,
        [("court", "粤0703"), ("judge", "丙"), ("judge", "乙"), ("judge", "甲")]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
}

#[test]
fn table_csv_xlsx_and_explain() {
    let dir = setup();
    let out = xiezhi(dir.path(), &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--scope", "粤07"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("■ 全市 粤07") && table.contains("结收比"), "{table}");
    let line = table
        .lines()
        .skip_while(|l| !l.contains("■ 全市 粤07"))
        .find(|l| l.trim_start().starts_with("结收比"))
        .unwrap();
    // Ranks only where asked (the SPC forbids league tables): none by default, 第2位 with --ranks.
    assert!(line.contains("80.00%") && line.contains("83.33%") && !line.contains("第2位"), "{line}");
    assert!(table.contains("排名未显示"), "{table}");
    // [ours] indicators are marked.
    assert!(table.lines().any(|l| l.trim_start().starts_with("案-件比（件/案） *")), "{table}");
    let out =
        xiezhi(dir.path(), &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--scope", "粤07", "--ranks"]);
    let table = text(&out.stdout);
    let line = table
        .lines()
        .skip_while(|l| !l.contains("■ 全市 粤07"))
        .find(|l| l.trim_start().starts_with("结收比"))
        .unwrap();
    assert!(line.contains("第2位"), "{line}");

    let out = xiezhi(
        dir.path(),
        &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "csv", "--out", "m.csv"],
    );
    assert!(out.status.success());
    let csv = std::fs::read_to_string(dir.path().join("m.csv")).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("court,粤0703,,江门市蓬江区人民法院,clearance_rate,结收比,1,")), "{csv}");
    let out = xiezhi(
        dir.path(),
        &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "xlsx", "--out", "m.xlsx"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read(dir.path().join("m.xlsx")).unwrap().starts_with(b"PK"));

    let out = xiezhi(
        dir.path(),
        &["metrics", "explain", "clearance_rate", "--group", "粤0703", "--from", "2024-01-01", "--to", "2024-06-30"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("分子 numerator: 3 件") && shown.contains("分母 denominator: 3 件"), "{shown}");
    assert!(shown.contains("（2023）粤0703民初1号") && shown.contains("（2024）粤0703执4号"), "{shown}");
    let out = xiezhi(
        dir.path(),
        &[
            "metrics",
            "explain",
            "closed",
            "--group",
            "甲",
            "--court",
            "粤0703",
            "--from",
            "2024-01-01",
            "--to",
            "2024-06-30",
        ],
    );
    assert!(text(&out.stdout).contains("分子 numerator: 2 件"), "{}", text(&out.stdout));
    // A count has no denominator: said so, not "0 件".
    assert!(text(&out.stdout).contains("分母 denominator: —（计数或金额指标，无分母）"), "{}", text(&out.stdout));
}

#[test]
fn catalogue_override_sets_a_reference_interval() {
    let dir = setup();
    std::fs::write(
        dir.path().join("court.toml"),
        "[[indicator]]\nid = \"clearance_rate\"\nreference = { low = 0.9, high = 1.2, source = \"本院规定\", valid_from = \"2024-01-01\" }\n",
    )
    .unwrap();
    let out = xiezhi(
        dir.path(),
        &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--scope", "粤07", "--catalogue", "court.toml"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    // 粤07 clears 0.8 < 0.9; 粤0703 clears 1.0, inside [0.9, 1.2].
    let rows: Vec<&str> = table.lines().filter(|l| l.trim_start().starts_with("结收比")).collect();
    assert!(rows[0].ends_with("低于区间"), "{table}");
    assert!(rows.iter().any(|r| r.ends_with("达标")), "{table}");
}

#[test]
fn a_judge_roster_in_the_catalogue_replaces_the_judges_who_closed() {
    let dir = setup();
    std::fs::write(
        dir.path().join("court.toml"),
        "[[roster]]\nkind = \"court\"\ncode = \"粤0703\"\njudges = 4\n\n[[roster]]\nkind = \"city\"\ncode = \"粤07\"\njudges = 8\n",
    )
    .unwrap();
    let out = xiezhi(
        dir.path(),
        &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "json", "--catalogue", "court.toml"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    // 粤0703 closed 3 (cases 1, 2, 4) over a roster of 4 judges (not the 2 who closed): 0.75.
    assert_eq!(group(&json, "court", "粤0703")["values"]["closed_per_judge"].as_f64(), Some(0.75));
    // 粤07 closed 4 (1, 2, 4, 7) over 8: 0.5. 粤0704 has no roster line: 0 closed / 0 judges.
    assert_eq!(group(&json, "city", "粤07")["values"]["closed_per_judge"].as_f64(), Some(0.5));
    assert_eq!(group(&json, "court", "粤0704")["values"]["closed_per_judge"], Value::Null);
    // A roster line naming a city by a basic court's code is refused with the line named.
    std::fs::write(dir.path().join("bad.toml"), "[[roster]]\nkind = \"city\"\ncode = \"粤0703\"\njudges = 4\n")
        .unwrap();
    let out = xiezhi(dir.path(), &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--catalogue", "bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("roster city 粤0703"), "{}", text(&out.stderr));
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    // `xiezhi metrics | head`: the reader is gone before the output is written.
    let dir = setup();
    for args in [
        vec!["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "json"],
        vec!["metrics", "--from", "2024-01-01", "--to", "2024-06-30"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_xiezhi"))
            .current_dir(dir.path())
            .env_remove("XIEZHI_DB")
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = text(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(out.status.code(), Some(0), "{stderr}");
    }
}

#[test]
fn bad_requests_get_a_clear_message() {
    let dir = setup();
    // A period before the data: the contract's object, with a warning that nothing happened.
    let out = xiezhi(dir.path(), &["metrics", "--from", "1990-01-01", "--to", "1990-12-31", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no case was filed or closed in the period"), "{}", text(&out.stderr));
    let json: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(json["period"]["from"], "1990-01-01");
    let out = xiezhi(dir.path(), &["metrics", "--from", "2024-07-01", "--to", "2024-06-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("after its end"), "{}", text(&out.stderr));
    let out = xiezhi(dir.path(), &["metrics", "--to", "2024-06-30"]);
    assert_eq!(out.status.code(), Some(2));
    let out = xiezhi(dir.path(), &["metrics", "--from", "2024-01-01", "--to", "2024-06-31"]);
    assert_eq!(out.status.code(), Some(2));
    let out = xiezhi(dir.path(), &["metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--scope", "京01"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("scope \"京01\""), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    let out = xiezhi(
        dir.path(),
        &["--db", "sqlite://empty.db", "metrics", "--from", "2024-01-01", "--to", "2024-06-30", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("holds no cases"), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
}

//! The `xiezhi` binary end to end: import rules, exit codes, export, demo, and a kill -9 in the
//! middle of an import.

// Tests wait with timeouts and read the test environment (CI, TEST_DATABASE_URL, a browser).
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{text, xiezhi};

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// Number of cases in an SQLite database, read with the sqlite3 shell, independently of our code.
fn sqlite_count(db: &Path) -> i64 {
    let out = Command::new("sqlite3").arg(db).arg("SELECT COUNT(*) FROM cases;").output().expect("sqlite3 installed");
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().parse().unwrap()
}

const GOOD: &str = "案号,立案日期,结案日期,结案方式,承办人,法院名称\n\
(2024)粤0703民初1号,2024-01-05,2024-03-01,判决,审判员甲,江门市蓬江区人民法院\n\
(2024)粤0703民初2号,2024/1/6,,,审判员乙,江门市蓬江区人民法院\n\
(2024)粤07民终3号,2024年4月1日,,,审判员丙,江门市中级人民法院\n";

#[test]
fn import_is_idempotent_and_lists_courts() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    let out = xiezhi(dir.path(), &["import", "good.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("3 rows read, 3 new, 0 updated, 0 unchanged, 0 skipped"),
        "{}",
        text(&out.stdout)
    );
    let out = xiezhi(dir.path(), &["import", "good.csv"]);
    assert!(
        text(&out.stdout).contains("3 rows read, 0 new, 0 updated, 3 unchanged, 0 skipped"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(sqlite_count(&dir.path().join("xiezhi.db")), 3);
    // A file with only 案号 and 立案日期 updates nothing it does not carry: the closed case
    // stays closed, with its judge and court name.
    write(dir.path(), "dates.csv", "案号,立案日期\n(2024)粤0703民初1号,2024-01-05\n");
    let out = xiezhi(dir.path(), &["import", "dates.csv"]);
    assert!(text(&out.stdout).contains("1 rows read, 0 new, 0 updated, 1 unchanged"), "{}", text(&out.stdout));
    let out = Command::new("sqlite3")
        .arg(dir.path().join("xiezhi.db"))
        .arg("SELECT closed_on, disposition, judge, court_name FROM cases WHERE case_number = '（2024）粤0703民初1号';")
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout).trim(), "2024-03-01|判决|审判员甲|江门市蓬江区人民法院");
    // A file moving that case's 立案日期 past its stored 结案日期, without the 结案日期 column:
    // refused with the reason, nothing imported.
    write(dir.path(), "later.csv", "案号,立案日期\n(2024)粤0703民初1号,2024-06-01\n");
    let out = xiezhi(dir.path(), &["import", "later.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("晚于库中已存的结案日期"), "{}", text(&out.stderr));
    // A file with 结案日期 but no 结案方式 column that reopens the case (empty 结案日期) clears
    // both: the two go together.
    write(dir.path(), "reopen.csv", "案号,立案日期,结案日期\n(2024)粤0703民初1号,2024-01-05,\n");
    let out = xiezhi(dir.path(), &["import", "reopen.csv"]);
    assert!(text(&out.stdout).contains("1 updated"), "{}{}", text(&out.stdout), text(&out.stderr));
    let out = Command::new("sqlite3")
        .arg(dir.path().join("xiezhi.db"))
        .arg("SELECT closed_on IS NULL, disposition IS NULL, judge FROM cases WHERE case_number = '（2024）粤0703民初1号';")
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout).trim(), "1|1|审判员甲");
    // Restore the case as the rest of this test expects it.
    let out = xiezhi(dir.path(), &["import", "good.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = xiezhi(dir.path(), &["courts"]);
    let listing = text(&out.stdout);
    assert!(listing.contains("粤0703") && listing.contains("江门市蓬江区人民法院"), "{listing}");
    assert!(!listing.contains("合成演示数据"), "imported data is not marked as demo data: {listing}");
    let line = listing.lines().find(|l| l.starts_with("粤0703")).unwrap();
    let numbers: Vec<&str> = line.split_whitespace().collect();
    // 粤0703: 2 cases, 1 pending.
    assert_eq!(&numbers[2..4], ["2", "1"], "{line}");
}

/// A court's name is set once and managed by admins: an import naming it differently is
/// refused with the registered name (a basic court cannot rename its court for everyone).
#[test]
fn court_names_are_managed_not_renamed_by_imports() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    write(
        dir.path(),
        "rename.csv",
        "案号,立案日期,法院名称
(2024)粤0703民初9号,2024-02-01,别的名字法院
",
    );
    let out = xiezhi(dir.path(), &["import", "rename.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("登记为“江门市蓬江区人民法院”") && err.contains("别的名字法院"), "{err}");
    assert_eq!(sqlite_count(&dir.path().join("xiezhi.db")), 3, "nothing imported");
    // A court not yet named takes the first name an import gives.
    write(
        dir.path(),
        "new.csv",
        "案号,立案日期,法院名称
(2024)粤0704民初1号,2024-02-01,江门市江海区人民法院
",
    );
    assert!(xiezhi(dir.path(), &["import", "new.csv"]).status.success());
    // The admin renames; the listing shows it, and imports must now agree with it.
    let out = xiezhi(dir.path(), &["courts", "rename", "粤0703", "江门市蓬江区人民法院（新）"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&xiezhi(dir.path(), &["courts"]).stdout);
    assert!(listing.contains("江门市蓬江区人民法院（新）"), "{listing}");
    assert_eq!(xiezhi(dir.path(), &["import", "good.csv"]).status.code(), Some(1));
    let out = xiezhi(dir.path(), &["courts", "rename", "粤9999", "无"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("没有法院 粤9999"), "{}", text(&out.stderr));
}

#[test]
fn courts_says_how_many_legacy_cases_have_no_court_code() {
    let dir = tempfile::tempdir().unwrap();
    let file = format!("{GOOD}(2014)海民初字第5号,2014-06-30,,,审判员丁,\n");
    write(dir.path(), "mixed.csv", &file);
    assert!(xiezhi(dir.path(), &["import", "mixed.csv"]).status.success());
    let listing = text(&xiezhi(dir.path(), &["courts"]).stdout);
    // 3 cases of two court codes in the table, and the legacy one beside it.
    let total = listing.lines().find(|l| l.starts_with("合计")).unwrap();
    assert_eq!(total.split_whitespace().nth(1), Some("3"), "{listing}");
    assert!(listing.contains("另有 1 件旧式“字第”案号的案件"), "{listing}");
}

#[test]
fn a_file_with_bad_rows_imports_nothing_and_lists_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    let bad = "案号,立案日期,结案日期,结案方式,标的额,原审案号\n\
(2024)粤0703民初10号,2024-02-01,,,,\n\
(2024)粤0703民初11号,2024-02-30,,,,\n\
(2024)粤0703民初12号,2024-02-01,2024-01-01,判决,,\n\
(2024)粤0703民初10号,2024-02-03,,,,\n\
(2024)粤0703民初13号,2024-02-01,,,-3,(2023)\n\
(2024)粤0703民初14号,2024-02-01,2024-02-05,胜诉,,\n";
    write(dir.path(), "bad.csv", bad);
    let out = xiezhi(dir.path(), &["import", "bad.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    for expected in [
        "row 3, column 立案日期: 日期不存在 (2024-02-30)",
        "row 4, column 结案日期: 结案日期早于立案日期（2024-02-01） (2024-01-01)",
        "row 5, column 案号: 案号在文件中重复（首次出现在第2行） (（2024）粤0703民初10号)",
        "row 6, column 标的额: 金额无效：不能为负 (-3)",
        "row 6, column 原审案号: 案号无法识别：应以“号”结尾 ((2023))",
        // The allowed values, in the order of the import format's table.
        "row 7, column 结案方式: 结案方式不在词表中，应为：判决、调解、撤诉、驳回起诉、不予受理、移送、维持、改判、发回重审、撤回上诉、执行完毕、终结本次执行程序、终结执行、销案、不予执行、驳回申请、其他 (胜诉)",
        "nothing was imported",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in\n{err}");
    }
    assert_eq!(sqlite_count(&dir.path().join("xiezhi.db")), 3, "the database is as it was");

    let out = xiezhi(dir.path(), &["import", "bad.csv", "--skip-invalid"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("6 rows read, 1 new, 0 updated, 0 unchanged, 5 skipped"),
        "{}",
        text(&out.stdout)
    );
    let report = std::fs::read_to_string(dir.path().join("bad.problems.csv")).unwrap();
    assert_eq!(report.lines().count(), 1 + 6, "{report}");
    assert!(report.contains("3,立案日期,日期不存在,2024-02-30"), "{report}");
    assert_eq!(sqlite_count(&dir.path().join("xiezhi.db")), 4);
    // The first occurrence of a repeated 案号 went in, not the later row (filed 2024-02-03).
    let out = Command::new("sqlite3")
        .arg(dir.path().join("xiezhi.db"))
        .arg("SELECT filed_on FROM cases WHERE case_number = '（2024）粤0703民初10号';")
        .output()
        .unwrap();
    assert_eq!(text(&out.stdout).trim(), "2024-02-01");
}

#[test]
fn whole_file_errors_and_usage() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.csv", "");
    let out = xiezhi(dir.path(), &["import", "empty.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the file is empty"), "{}", text(&out.stderr));
    write(dir.path(), "cols.csv", "案号,法院\n(2024)粤0703民初1号,x\n");
    let out = xiezhi(dir.path(), &["import", "cols.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("missing required column(s): filed_on"), "{}", text(&out.stderr));
    let out = xiezhi(dir.path(), &["import", "missing.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("missing.csv"), "{}", text(&out.stderr));
    assert_eq!(xiezhi(dir.path(), &["import"]).status.code(), Some(2));
    assert_eq!(xiezhi(dir.path(), &["frobnicate"]).status.code(), Some(2));
    let out = xiezhi(dir.path(), &["--db", "mysql://x/y", "courts"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("unsupported database URL"), "{}", text(&out.stderr));
}

#[test]
fn database_option_before_or_after_and_from_environment() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    let absolute = dir.path().join("abs.db");
    let url = format!("sqlite://{}", absolute.display());
    assert!(url.starts_with("sqlite:///"));
    assert!(xiezhi(dir.path(), &["import", "good.csv", "--db", &url]).status.success());
    assert_eq!(sqlite_count(&absolute), 3);
    assert!(xiezhi(dir.path(), &["--db", "sqlite://rel.db", "import", "good.csv"]).status.success());
    assert_eq!(sqlite_count(&dir.path().join("rel.db")), 3);
    let out = Command::new(env!("CARGO_BIN_EXE_xiezhi"))
        .current_dir(dir.path())
        .env("XIEZHI_DB", "sqlite://env.db")
        .args(["import", "good.csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(sqlite_count(&dir.path().join("env.db")), 3);
    assert!(!dir.path().join("xiezhi.db").exists());
}

#[test]
fn export_import_export_is_identical() {
    let dir = tempfile::tempdir().unwrap();
    let out = xiezhi(dir.path(), &["--db", "sqlite://a.db", "demo", "--no-serve", "--cases", "2000", "--seed", "5"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (file, flag) in [("a.csv", None), ("a.xlsx", Some("--chinese-headers"))] {
        let mut args = vec!["--db", "sqlite://a.db", "export", file];
        args.extend(flag);
        assert!(xiezhi(dir.path(), &args).status.success());
        let db = format!("sqlite://from-{file}.db");
        let out = xiezhi(dir.path(), &["--db", &db, "import", file]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let again = format!("again-{file}.csv");
        assert!(xiezhi(dir.path(), &["--db", &db, "export", &again]).status.success());
        let first = std::fs::read(dir.path().join("a.csv")).unwrap();
        let second = std::fs::read(dir.path().join(&again)).unwrap();
        assert!(first == second, "export → import → export differs for {file}");
    }
}

#[test]
fn demo_is_created_once_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let out = xiezhi(dir.path(), &["demo", "--no-serve", "--cases", "3000", "--seed", "9"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("合成演示数据"), "{shown}");
    assert!(shown.contains("已生成 3000 件合成案件"), "{shown}");
    assert_eq!(sqlite_count(&dir.path().join("xiezhi.db")), 3000);
    let again = xiezhi(dir.path(), &["demo", "--no-serve", "--cases", "3000", "--seed", "9"]);
    assert!(text(&again.stdout).contains("nothing generated"), "{}", text(&again.stdout));
    assert_eq!(sqlite_count(&dir.path().join("xiezhi.db")), 3000);
    assert!(
        xiezhi(dir.path(), &["--db", "sqlite://b.db", "demo", "--no-serve", "--cases", "3000", "--seed", "9"])
            .status
            .success()
    );
    assert!(
        xiezhi(dir.path(), &["--db", "sqlite://c.db", "demo", "--no-serve", "--cases", "3000", "--seed", "10"])
            .status
            .success()
    );
    for name in ["xiezhi", "b", "c"] {
        assert!(
            xiezhi(dir.path(), &["--db", &format!("sqlite://{name}.db"), "export", &format!("{name}.csv")])
                .status
                .success()
        );
    }
    let read = |n: &str| std::fs::read(dir.path().join(n)).unwrap();
    assert!(read("xiezhi.csv") == read("b.csv"), "same seed, same data");
    assert!(read("xiezhi.csv") != read("c.csv"), "another seed, other data");
    // Wherever the demo data shows, it is marked as synthetic: listings and bulletins.
    let courts = xiezhi(dir.path(), &["courts"]);
    assert!(text(&courts.stdout).contains("合成演示数据"), "{}", text(&courts.stdout));
    let out = xiezhi(
        dir.path(),
        &["report", "--scope", "粤01", "--from", "2026-01-01", "--to", "2026-10-31", "--out", "b.html"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(dir.path().join("b.html")).unwrap();
    // Marked under the title (not in it: the title is the document's).
    assert!(
        html.contains("<p class=\"synthetic\">【合成演示数据】") && html.contains("非真实案件"),
        "the bulletin is not marked"
    );
    assert!(!html.contains("<h1>广州市全市法院审判执行质效通报（合成演示数据）"));
}

#[test]
fn kill_9_in_the_middle_of_an_import_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    let mut big = String::from("案号,立案日期,结案日期,结案方式,承办人\n");
    for i in 0..400_000 {
        big.push_str(&format!("(2023)粤0781民初{i}号,2023-03-0{},2023-09-01,调解,审判员{}\n", 1 + i % 9, i % 40));
    }
    write(dir.path(), "big.csv", &big);
    let wal = dir.path().join("xiezhi.db-wal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xiezhi"))
        .current_dir(dir.path())
        .env_remove("XIEZHI_DB")
        .args(["import", "big.csv"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import has written a good part of its transaction, then kill it hard.
    let started = std::time::Instant::now();
    loop {
        let written = std::fs::metadata(&wal).map_or(0, |m| m.len());
        if written > 4 << 20 {
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "the import ended before it could be killed");
        assert!(started.elapsed().as_secs() < 120, "the import wrote nothing");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(sqlite_count(&dir.path().join("xiezhi.db")), 3);
    // And the database still works.
    let out = xiezhi(dir.path(), &["import", "good.csv"]);
    assert!(text(&out.stdout).contains("3 unchanged"), "{}", text(&out.stdout));
}

/// A fresh PostgreSQL database for one test, dropped afterwards; `None` (with a notice) when
/// the server is unreachable outside CI. Under `CI=true` an unreachable server fails the test.
fn postgres_database(name: &str) -> Option<(String, impl FnOnce())> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    if !runtime.block_on(xiezhi_test_support::pg_available()) {
        return None;
    }
    let admin = xiezhi_test_support::pg_admin_url();
    let db = format!("xiezhi_cli_{name}_{}", std::process::id());
    let url = runtime.block_on(xiezhi_store::admin::create_database(&admin, &db)).expect("creating a test database");
    Some((url, move || {
        let _ = runtime.block_on(xiezhi_store::admin::drop_database(&admin, &db));
    }))
}

#[test]
fn the_same_data_gives_the_same_figures_on_postgresql_and_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let Some((pg, drop_database)) = postgres_database("same") else { return };
    let sqlite = "sqlite://same.db".to_owned();
    for db in [&pg, &sqlite] {
        let out = xiezhi(dir.path(), &["--db", db, "demo", "--cases", "4000", "--seed", "11", "--no-serve"]);
        assert!(out.status.success(), "{db}: {}", text(&out.stderr));
    }
    let metrics = |db: &str, out: &str| {
        let r = xiezhi(
            dir.path(),
            &["--db", db, "metrics", "--from", "2025-03-01", "--to", "2026-02-28", "--format", "json", "--out", out],
        );
        assert!(r.status.success(), "{db}: {}", text(&r.stderr));
        std::fs::read(dir.path().join(out)).unwrap()
    };
    let same = metrics(&pg, "pg.json") == metrics(&sqlite, "sqlite.json");
    // Both databases also hold the same rows (the export order may differ by collation).
    let lines = |db: &str, out: &str| {
        assert!(xiezhi(dir.path(), &["--db", db, "export", out]).status.success());
        let mut l: Vec<String> =
            std::fs::read_to_string(dir.path().join(out)).unwrap().lines().map(str::to_owned).collect();
        l.sort();
        l
    };
    let same_rows = lines(&pg, "pg.csv") == lines(&sqlite, "sqlite.csv");
    drop_database();
    assert!(same, "the metrics JSON differs between PostgreSQL and SQLite");
    assert!(same_rows, "the stored cases differ between PostgreSQL and SQLite");
}

#[test]
fn the_audit_chain_is_verified_and_an_edit_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    let password = write(dir.path(), "pw.txt", "a-long-password-1\n");
    let add = Command::new(env!("CARGO_BIN_EXE_xiezhi"))
        .current_dir(dir.path())
        .env_remove("XIEZHI_DB")
        .args(["user", "add", "m1", "--role", "manager", "--court", "粤0703", "--password-stdin"])
        .stdin(std::fs::File::open(&password).unwrap())
        .output()
        .unwrap();
    assert!(add.status.success(), "{}", text(&add.stderr));
    // Two entries: the import and the account, both from the command line.
    let out = xiezhi(dir.path(), &["audit", "verify"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("2 entries verified"), "{}", text(&out.stdout));
    // Someone changes the first entry's detail with SQL: verify names it and fails.
    let db = dir.path().join("xiezhi.db");
    let edit = Command::new("sqlite3").arg(&db).arg("UPDATE audit_log SET detail = 'rows 1' WHERE seq = 1;").output();
    assert!(edit.unwrap().status.success());
    let out = xiezhi(dir.path(), &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("seq 1"), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("edited"), "{}", text(&out.stdout));
}

#[test]
fn an_accounts_digest_address_is_checked_set_and_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let password = write(dir.path(), "pw.txt", "a-long-password-1\n");
    let add = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xiezhi"))
            .current_dir(dir.path())
            .env_remove("XIEZHI_DB")
            .args(args)
            .stdin(std::fs::File::open(&password).unwrap())
            .output()
            .unwrap()
    };
    let email_of = |user: &str| {
        let out = Command::new("sqlite3")
            .arg(dir.path().join("xiezhi.db"))
            .arg(format!("SELECT coalesce(email, '-') FROM users WHERE username = '{user}';"))
            .output()
            .unwrap();
        text(&out.stdout).trim().to_owned()
    };
    // A bad address on add is a usage error before anything is written.
    let out = add(&[
        "user",
        "add",
        "j1",
        "--role",
        "judge",
        "--court",
        "粤0703",
        "--judge",
        "审判员甲",
        "--email",
        "j1 at court",
        "--password-stdin",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("j1 at court"), "{}", text(&out.stderr));
    let out = add(&[
        "user",
        "add",
        "j1",
        "--role",
        "judge",
        "--court",
        "粤0703",
        "--judge",
        "审判员甲",
        "--email",
        "j1@court.example",
        "--password-stdin",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(email_of("j1"), "j1@court.example");
    let out = xiezhi(dir.path(), &["user", "email", "j1", "a@b@c"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(email_of("j1"), "j1@court.example");
    assert!(xiezhi(dir.path(), &["user", "email", "j1", "jia@court.example"]).status.success());
    assert_eq!(email_of("j1"), "jia@court.example");
    assert!(xiezhi(dir.path(), &["user", "email", "j1", "--clear"]).status.success());
    assert_eq!(email_of("j1"), "-");
    assert_eq!(xiezhi(dir.path(), &["user", "email", "nobody", "x@y.z"]).status.code(), Some(1));
}

#[test]
fn the_roster_is_imported_listed_and_conflicts_declared() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    // A file with problems: every one named, nothing imported.
    write(
        dir.path(),
        "bad.csv",
        "工号,姓名,法院代码,办案类型,办案系数\nJ-A,审判员甲,粤0703,民初,0\nJ-B,,粤0703,民x,1\n",
    );
    let out = xiezhi(dir.path(), &["judges", "import", "bad.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("row 2, column 办案系数") && err.contains("row 3, column 姓名") && err.contains("民x"),
        "{err}"
    );
    let out = xiezhi(dir.path(), &["judges", "list", "--format", "json"]);
    assert_eq!(text(&out.stdout).trim(), "[]");
    // The good roster: the imported cases' judges link by name within their court.
    write(
        dir.path(),
        "roster.csv",
        "工号,姓名,法院代码,庭室,办案类型,繁简,办案系数\nJ-A,审判员甲,粤0703,民一庭,民初,,\nJ-B,审判员乙,粤0703,民一庭,民初,简,0.5\nJ-C,审判员丙,粤07,民一庭,民终,繁,1\n",
    );
    let out = xiezhi(dir.path(), &["judges", "import", "roster.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3 new, 0 updated, 0 unchanged; 3 case links"), "{}", text(&out.stdout));
    let out = xiezhi(dir.path(), &["judges", "list", "--court", "粤0703", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    // 甲's case is closed, 乙's open: open cases 0 and 1.
    assert_eq!(
        list,
        serde_json::json!([
            {"judge_id": "J-A", "name": "审判员甲", "court": "粤0703", "department": "民一庭", "case_types": ["民初"],
             "track": "繁简", "weight": 1.0, "active": true, "open_cases": 0},
            {"judge_id": "J-B", "name": "审判员乙", "court": "粤0703", "department": "民一庭", "case_types": ["民初"],
             "track": "简", "weight": 0.5, "active": true, "open_cases": 1}
        ])
    );
    let out = Command::new("sqlite3")
        .arg(dir.path().join("xiezhi.db"))
        .arg("SELECT case_number, judge_id FROM cases ORDER BY case_number;")
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout).trim(),
        "（2024）粤0703民初1号|J-A\n（2024）粤0703民初2号|J-B\n（2024）粤07民终3号|J-C"
    );
    let out = xiezhi(dir.path(), &["judges", "conflict", "add", "J-A", "--party", "某公司"]);
    assert!(out.status.success() && text(&out.stdout).contains("conflict recorded"), "{}", text(&out.stderr));
    let out = xiezhi(dir.path(), &["judges", "conflict", "add", "J-A", "--party", "某公司"]);
    assert!(text(&out.stdout).contains("already recorded"));
    let out = xiezhi(dir.path(), &["judges", "conflict", "add", "J-Z", "--party", "某公司"]);
    assert_eq!(out.status.code(), Some(1));
    // Nothing assigned yet: verify has nothing to replay; usage errors exit 2.
    let out = xiezhi(dir.path(), &["assignment", "verify", "--all"]);
    assert!(out.status.success() && text(&out.stdout).contains("0 assignments replayed"), "{}", text(&out.stdout));
    assert_eq!(xiezhi(dir.path(), &["assignment", "verify"]).status.code(), Some(2));
    let out = xiezhi(dir.path(), &["assignment", "verify", "（2024）粤0703民初1号"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no assignment recorded"), "{}", text(&out.stderr));
}

#[test]
fn events_and_deadlines_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    // Filed 2024-01-05 简易 → 3 months: 2024-04-05. An open 普通 case filed 2024-04-06 → 2024-10-06.
    write(
        dir.path(),
        "cases.csv",
        "案号,立案日期,适用程序,承办人\n(2024)粤0703民初1号,2024-01-05,简易程序,审判员甲\n(2024)粤0703民初2号,2024-04-06,普通程序,审判员乙\n",
    );
    assert!(xiezhi(dir.path(), &["import", "cases.csv"]).status.success());
    // A bad events file: nothing imported, every problem named.
    write(
        dir.path(),
        "bad.jsonl",
        "{\"case_number\": \"(2024)粤0703民初1号\", \"event\": \"payment\", \"on\": \"2024-02-01\", \"amount\": \"5\"}\n",
    );
    let out = xiezhi(dir.path(), &["events", "import", "bad.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("row 1, column event"), "{}", text(&out.stderr));
    // 民初1号: a 公告 period 2024-02-01..2024-02-20 (20 days) and a 1-month extension approved
    // 2024-03-20: D = add_months(2024-04-05, 1) = 2024-05-05, deadline = 2024-05-25.
    write(
        dir.path(),
        "events.csv",
        "案号,事件,日期,月数,扣除类型,起始日期,结束日期\n(2024)粤0703民初1号,扣除审限,,,公告,2024-02-01,2024-02-20\n(2024)粤0703民初1号,延长审限,2024-03-20,1,,,\n",
    );
    let out = xiezhi(dir.path(), &["events", "import", "events.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("2 read, 2 new, 0 unchanged"), "{}", text(&out.stdout));
    let out = xiezhi(dir.path(), &["events", "import", "events.csv"]);
    assert!(text(&out.stdout).contains("2 read, 0 new, 2 unchanged"), "{}", text(&out.stdout));
    let out = xiezhi(dir.path(), &["deadlines", "--as-of", "2024-05-20", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(
        list[0],
        serde_json::json!({"case_number": "（2024）粤0703民初1号", "court": "粤0703", "judge": "审判员甲", "type_code": "民初",
            "procedure": "简易程序", "start": "2024-01-05", "limit": {"months": 3}, "base_deadline": "2024-04-05",
            "extension_days": 30, "suspended_days": 20, "suspended_now": false, "deadline": "2024-05-25",
            "remaining_days": 5, "status": "near"})
    );
    assert_eq!(list[1]["deadline"], "2024-10-06");
    let out = xiezhi(dir.path(), &["deadlines", "--as-of", "2024-05-20", "--status", "near", "--format", "csv"]);
    let csv = text(&out.stdout);
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(
        csv.lines().nth(1).unwrap().starts_with(
            "（2024）粤0703民初1号,粤0703,审判员甲,民初,简易程序,2024-01-05,3个月,2024-04-05,30,20,否,2024-05-25,5,near"
        ),
        "{csv}"
    );
    let out =
        xiezhi(dir.path(), &["deadlines", "--format", "xlsx", "--out", "deadlines.xlsx", "--as-of", "2024-05-20"]);
    assert!(out.status.success() && dir.path().join("deadlines.xlsx").exists(), "{}", text(&out.stderr));
    assert_eq!(xiezhi(dir.path(), &["deadlines", "--status", "late"]).status.code(), Some(2));
    // The day's notifications: raised once.
    let out = xiezhi(dir.path(), &["deadlines", "notify", "--as-of", "2024-05-20"]);
    assert!(text(&out.stdout).contains("1 临近审限 near, 0 超审限 overdue raised"), "{}", text(&out.stdout));
    let out = xiezhi(dir.path(), &["deadlines", "notify", "--as-of", "2024-05-20"]);
    assert!(text(&out.stdout).contains("0 临近审限 near, 0 超审限 overdue raised"), "{}", text(&out.stdout));
}

/// The sample files of docs/samples import as documented, and their deadlines are those worked
/// by hand in docs/case-events.md.
#[test]
fn the_documented_samples_give_the_documented_deadlines() {
    let dir = tempfile::tempdir().unwrap();
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/samples");
    for (file, expect) in [("cases.csv", "5 rows read, 5 new"), ("events.csv", "11 read, 11 new")] {
        std::fs::copy(samples.join(file), dir.path().join(file)).unwrap();
        let args: &[&str] = if file == "cases.csv" { &["import", file] } else { &["events", "import", file] };
        let out = xiezhi(dir.path(), args);
        assert!(out.status.success(), "{file}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains(expect), "{file}: {}", text(&out.stdout));
    }
    let out = xiezhi(dir.path(), &["deadlines", "--as-of", "2026-10-20", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: Vec<serde_json::Value> = serde_json::from_str(&text(&out.stdout)).unwrap();
    let of = |n: &str| list.iter().find(|l| l["case_number"] == n).unwrap_or_else(|| panic!("{n} listed"));
    let pick = |v: &serde_json::Value| {
        serde_json::json!([
            v["start"],
            v["limit"],
            v["base_deadline"],
            v["extension_days"],
            v["suspended_days"],
            v["suspended_now"],
            v["deadline"],
            v["remaining_days"],
            v["status"]
        ])
    };
    // 民初101: 简易 → 普通 counted from filing: 6 months from 03-02 = 09-02; 公告 06-01..07-30 =
    // 60 days → 11-01; 12 days left → near.
    assert_eq!(
        pick(of("（2026）粤0703民初101号")),
        serde_json::json!(["2026-03-02", {"months": 6}, "2026-09-02", 0, 60, false, "2026-11-01", 12, "near"])
    );
    // 民初102: 07-15 + 6 months = 2027-01-15 (184 days); 鉴定 running since 08-01: 81 days →
    // 2027-04-06, 168 days left, suspended.
    assert_eq!(
        pick(of("（2026）粤0703民初102号")),
        serde_json::json!(["2026-01-15", {"months": 6}, "2026-07-15", 184, 81, true, "2027-04-06", 168, "suspended"])
    );
    // 执88: 6 months from 02-10 = 08-10; 71 days past.
    assert_eq!(
        pick(of("（2026）粤0703执88号")),
        serde_json::json!(["2026-02-10", {"months": 6}, "2026-08-10", 0, 0, false, "2026-08-10", -71, "overdue"])
    );
    // 刑初12: 简易 → 普通 counted from the conversion 08-20: 3 months → 11-20, 31 days left.
    assert_eq!(
        pick(of("（2026）粤0703刑初12号")),
        serde_json::json!(["2026-08-20", {"months": 3}, "2026-11-20", 0, 0, false, "2026-11-20", 31, "normal"])
    );
    // 刑初13: the restart on 07-15 drops the earlier extension: 3 months → 10-15, 5 days past.
    assert_eq!(
        pick(of("（2026）粤0703刑初13号")),
        serde_json::json!(["2026-07-15", {"months": 3}, "2026-10-15", 0, 0, false, "2026-10-15", -5, "overdue"])
    );
    // The payments become 执行到位金额 (50,000 + 20,000.50) in the export.
    let out = xiezhi(dir.path(), &["export", "cases.out.csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let exported = std::fs::read_to_string(dir.path().join("cases.out.csv")).unwrap();
    let header: Vec<&str> = exported.lines().next().unwrap().split(',').collect();
    let column = header.iter().position(|h| *h == "recovered_amount").expect("recovered_amount column");
    let row = exported.lines().find(|l| l.contains("执88号")).unwrap();
    assert_eq!(row.split(',').nth(column), Some("70000.5"), "{row}");
}

/// Ctrl-C stops `serve` cleanly: the dataset is persisted and SQLite's write-ahead log is
/// checkpointed and removed, so the database is one file again.
#[test]
fn ctrl_c_leaves_no_write_ahead_log() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let mut server = Command::new(env!("CARGO_BIN_EXE_xiezhi"))
        .current_dir(dir.path())
        .env_remove("XIEZHI_DB")
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until it answers.
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the server did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(dir.path().join("xiezhi.db-wal").exists(), "while serving, SQLite keeps its log");
    let status = Command::new("kill").args(["-INT", &server.id().to_string()]).status().unwrap();
    assert!(status.success());
    let exit = server.wait().unwrap();
    assert!(exit.success(), "Ctrl-C is a clean stop: {exit:?}");
    let mut out = String::new();
    std::io::Read::read_to_string(server.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(out.contains("已停止"), "{out}");
    assert!(!dir.path().join("xiezhi.db-wal").exists(), "no write-ahead log left behind");
    assert_eq!(sqlite_count(&dir.path().join("xiezhi.db")), 3);
}

/// Figures from the synthetic demo are marked wherever they go: the filled draft's first line
/// and its log, a drill-down, the export's message.
#[test]
fn synthetic_data_is_marked_in_fill_explain_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let out = xiezhi(dir.path(), &["demo", "--no-serve", "--cases", "2000"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    write(dir.path(), "draft.txt", "全市法院共受理案件XX件。\n");
    let out = xiezhi(
        dir.path(),
        &[
            "fill",
            "--draft",
            "draft.txt",
            "--scope",
            "粤01",
            "--from",
            "2026-01-01",
            "--to",
            "2026-09-30",
            "--out",
            "filled.txt",
            "--log",
            "log.json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let filled = std::fs::read_to_string(dir.path().join("filled.txt")).unwrap();
    assert!(filled.starts_with("【合成演示数据 — 非真实案件，数字不得引用】\n全市法院共受理案件"), "{filled}");
    assert!(!filled.contains("XX件"), "{filled}");
    let log = std::fs::read_to_string(dir.path().join("log.json")).unwrap();
    assert!(log.contains("\"kind\": \"warning\"") && log.contains("合成演示数据"), "{log}");
    assert!(text(&out.stderr).contains("合成演示数据"));
    let out = xiezhi(
        dir.path(),
        &["metrics", "explain", "closed", "--group", "粤01", "--from", "2026-01-01", "--to", "2026-09-30"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("【合成演示数据"), "{}", text(&out.stdout));
    let out = xiezhi(dir.path(), &["export", "all.csv"]);
    assert!(text(&out.stdout).contains("合成演示数据"));
}

/// `audit archive` moves old entries to a JSON-lines file with their hashes; the database's
/// chain still verifies, the file verifies on its own, and an edit of the file is named.
#[test]
fn the_audit_log_is_archived_and_both_parts_verify() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    assert!(xiezhi(dir.path(), &["courts", "rename", "粤0703", "江门市蓬江区人民法院"]).status.success());
    let out = xiezhi(dir.path(), &["audit", "archive", "--before", "2099-01-01", "--out", "old.jsonl"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The import and the rename: two entries, seq 1–2.
    assert!(text(&out.stdout).contains("archived 2 audit entries (seq 1–2"), "{}", text(&out.stdout));
    let lines = std::fs::read_to_string(dir.path().join("old.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 2);
    let out = xiezhi(dir.path(), &["audit", "verify"]);
    assert!(out.status.success() && text(&out.stdout).contains("1 entries verified"), "{}", text(&out.stdout));
    let out = xiezhi(dir.path(), &["audit", "verify", "--archive", "old.jsonl"]);
    assert!(
        out.status.success() && text(&out.stdout).contains("2 entries (seq 1–2) verified"),
        "{}",
        text(&out.stdout)
    );
    // An archive is never overwritten.
    let out = xiezhi(dir.path(), &["audit", "archive", "--before", "2099-01-01", "--out", "old.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    // Editing the archive is found at that entry.
    write(dir.path(), "old.jsonl", &lines.replacen("\"action\":\"court_rename\"", "\"action\":\"case_view\"", 1));
    let out = xiezhi(dir.path(), &["audit", "verify", "--archive", "old.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("broken at seq 2"), "{}", text(&out.stdout));
}

/// `xiezhi cite`: every 案号 and statute reference with character offsets (worked by hand:
/// 依照 is two characters, the citation eighteen).
#[test]
fn cite_finds_case_numbers_and_statutes_with_offsets() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "judgment.txt",
        "依照《中华人民共和国刑法》第二百六十四条、第六十七条第三款，见(2024)粤0703民初1234号。",
    );
    let out = xiezhi(dir.path(), &["cite", "--text", "judgment.txt"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &json["statutes"][0];
    assert_eq!(first["law"], "中华人民共和国刑法");
    assert_eq!(
        (first["article_no"].as_u64(), first["start"].as_u64(), first["end"].as_u64()),
        (Some(264), Some(2), Some(20))
    );
    let second = &json["statutes"][1];
    assert_eq!((second["article_no"].as_u64(), second["paragraph"].as_u64()), (Some(67), Some(3)));
    // 依照(2) + citation(18) + 、(1) + 第六十七条第三款(8) + ，见(2) = 31.
    let number = &json["case_numbers"][0];
    assert_eq!(number["canonical"], "（2024）粤0703民初1234号");
    assert_eq!((number["start"].as_u64(), number["end"].as_u64()), (Some(31), Some(49)));
    // 本法 needs the law the text belongs to.
    write(dir.path(), "article.txt", "违反本法第十条规定的");
    let out = xiezhi(dir.path(), &["cite", "--text", "article.txt", "--law", "刑法"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["statutes"][0]["law"], "中华人民共和国刑法");
    assert_eq!(json["statutes"][0]["text"], "本法第十条");
}

/// `xiezhi laws show|search` over the statutes shipped in the binary.
#[test]
fn laws_show_and_search_the_shipped_statutes() {
    let dir = tempfile::tempdir().unwrap();
    let out = xiezhi(dir.path(), &["laws", "show", "刑法第二百六十四条", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["law"].as_str(), json["article_no"].as_u64()), (Some("中华人民共和国刑法"), Some(264)));
    assert!(json["text"].as_str().unwrap().starts_with("盗窃公私财物"));
    // 仲裁法 on 2026-01-01: the 2017 version (the 2025 revision took effect on 2026-03-01).
    let out = xiezhi(dir.path(), &["laws", "show", "仲裁法第一条", "--as-of", "2026-01-01", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], "2017-09-01");
    let out = xiezhi(dir.path(), &["laws", "show", "刑法第九千条"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("没有第九千条"), "{}", text(&out.stderr));
    let out = xiezhi(
        dir.path(),
        &["laws", "search", "盗窃公私财物数额较大", "--law", "刑法", "--top", "1", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["article"], "第二百六十四条");
    let (start, end) = (json[0]["highlights"][0][0].as_u64().unwrap(), json[0]["highlights"][0][1].as_u64().unwrap());
    let marked: String =
        json[0]["text"].as_str().unwrap().chars().skip(start as usize).take((end - start) as usize).collect();
    assert_eq!(marked, "盗窃公私财物", "the first highlight is the query's own words");
}

/// 电子卷宗: documents stored by their SHA-256 with a hash chain per case; verify names an
/// altered file, a missing file and an edited entry; the archive holds the files in catalogue
/// order with a manifest.
#[test]
fn the_case_file_is_stored_verified_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    let case = "(2024)粤0703民初1号";
    write(dir.path(), "complaint.txt", "民事起诉状\n原告：甲\n诉讼请求：判令被告归还借款。");
    write(dir.path(), "iou.txt", "借条\n今借到乙人民币伍万元整。");
    let out = xiezhi(dir.path(), &["dossier", "add", case, "iou.txt", "complaint.txt"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(added[0]["category"], "证据材料");
    assert_eq!(added[1]["category"], "起诉状");
    assert_eq!(added[1]["reason"], "标题含“起诉状”");
    // The blob is stored under its SHA-256 (sha256 of the file's bytes, checked independently).
    let sha = added[1]["sha256"].as_str().unwrap().to_owned();
    let sum = Command::new("sha256sum").arg(dir.path().join("complaint.txt")).output().unwrap();
    assert!(text(&sum.stdout).starts_with(&sha));
    let blob = dir.path().join("xiezhi-files").join(&sha[..2]).join(&sha);
    assert!(blob.exists());
    let out = xiezhi(dir.path(), &["dossier", "verify", "--all"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    // The archive: the 起诉状 first (catalogue order), then the evidence; a manifest.
    let out = xiezhi(dir.path(), &["dossier", "export", case, "--out", "archive.zip"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = Command::new("python3")
        .arg("-c")
        .arg("import zipfile,sys; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))")
        .arg(dir.path().join("archive.zip"))
        .output()
        .unwrap();
    let names = text(&listing.stdout);
    assert!(
        names.contains("files/001-起诉状-complaint.txt") && names.contains("files/002-证据材料-iou.txt"),
        "{names}"
    );
    assert!(names.contains("manifest.json"), "{names}");
    // An altered file, a missing file and an edited entry are each named.
    std::fs::write(&blob, "民事起诉状（改）").unwrap();
    let iou = added[0]["sha256"].as_str().unwrap();
    std::fs::remove_file(dir.path().join("xiezhi-files").join(&iou[..2]).join(iou)).unwrap();
    let sql = Command::new("sqlite3")
        .arg(dir.path().join("xiezhi.db"))
        .arg("UPDATE dossier_entries SET category = '其他' WHERE seq = 2;")
        .output()
        .unwrap();
    assert!(sql.status.success());
    let out = xiezhi(dir.path(), &["dossier", "verify", "--all"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems: Vec<String> =
        report["problems"].as_array().unwrap().iter().map(|p| format!("{} {}", p["seq"], p["problem"])).collect();
    assert!(problems.iter().any(|p| p.starts_with("1 ") && p.contains("文件缺失")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("2 ") && p.contains("文件内容被改动")), "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("2 ") && p.contains("条目内容与哈希不符")), "{problems:?}");
}

/// A document is withdrawn with a reason or re-catalogued — entries in the chain, nothing
/// deleted — and a file is judged by its content: HTML is refused whatever its name.
#[test]
fn case_file_documents_are_withdrawn_recategorised_and_checked_by_content() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    let case = "(2024)粤0703民初1号";
    write(dir.path(), "note.txt", "情况说明");
    write(dir.path(), "page.txt", "<!DOCTYPE html><script>alert(1)</script>");
    let out = xiezhi(dir.path(), &["dossier", "add", case, "page.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("不是卷宗可收的文件"), "{}", text(&out.stderr));
    assert!(xiezhi(dir.path(), &["dossier", "add", case, "note.txt", "note.txt"]).status.success());
    let out = xiezhi(dir.path(), &["dossier", "withdraw", case, "2", "--reason", "重复上传"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = xiezhi(dir.path(), &["dossier", "recategorise", case, "1", "--category", "证据材料"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = xiezhi(dir.path(), &["dossier", "list", case, "--chain"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = list.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["add", "add", "withdraw", "recategorise"]);
    assert_eq!(list[2]["reason"], "重复上传");
    // The documents as they stand (the contract's list): the re-catalogued one manual, the
    // duplicate withdrawn.
    let out = xiezhi(dir.path(), &["dossier", "list", case]);
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(docs.as_array().unwrap().len(), 2);
    assert_eq!((docs[0]["seq"].as_i64(), docs[0]["category"].as_str()), (Some(1), Some("证据材料")));
    assert_eq!(docs[0]["category_source"], "manual");
    assert_eq!((docs[0]["withdrawn"].as_bool(), docs[1]["withdrawn"].as_bool()), (Some(false), Some(true)));
    assert_eq!(docs[1]["withdrawn_reason"], "重复上传");
    assert_eq!((docs[0]["ocr"].as_str(), docs[0]["pages"].as_i64()), (Some("done"), Some(1)));
    assert!(xiezhi(dir.path(), &["dossier", "verify", case]).status.success());
    assert!(xiezhi(dir.path(), &["dossier", "export", case, "--out", "a.zip"]).status.success());
    let listing = Command::new("python3")
        .arg("-c")
        .arg("import zipfile,sys; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))")
        .arg(dir.path().join("a.zip"))
        .output()
        .unwrap();
    let names = text(&listing.stdout);
    assert!(names.contains("files/001-证据材料-note.txt\n"), "{names}");
    assert!(names.contains("files/002-其他-note.txt（已撤回）"), "{names}");
}

/// 法条推荐 and 类案推送 from the command line, on facts written for this test.
#[test]
fn recommend_similar_and_the_judgment_corpus() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "facts.txt",
        "公诉机关指控：被告人甲某醉酒后驾驶机动车在道路上行驶，经鉴定其血液酒精含量为156毫克/100毫升。",
    );
    let out = xiezhi(dir.path(), &["laws", "recommend", "--facts", "facts.txt", "--top", "3", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["law"], "中华人民共和国刑法");
    assert_eq!((list[0]["article_no"].as_u64(), list[0]["suffix"].as_str()), (Some(133), Some("之一")));
    assert!(list[0]["why"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("危险驾驶罪")));

    // Candidates: the one sharing the guarantee, the amount and the interest is closer.
    write(dir.path(), "a.txt", "原告诉称，被告向其借款5万元，约定月利率2%，由丙提供连带责任保证，出具借条一张。");
    let near = "原告诉称，被告借款6万元，出具借条，约定月息2分，丁为连带责任保证人。";
    let far = "原告诉称，被告系其配偶，婚姻关系存续期间以现金方式借款300元，未约定利息。";
    write(
        dir.path(),
        "cands.jsonl",
        &format!(
            "{}\n{}\n",
            serde_json::json!({"id": "far", "text": far}),
            serde_json::json!({"id": "near", "text": near})
        ),
    );
    let out = xiezhi(dir.path(), &["similar", "--query", "a.txt", "--candidates", "cands.jsonl", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ranked: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ranked.as_array().unwrap().len(), 2);
    assert_eq!(ranked[0]["id"], "near");
    let why = ranked[0]["why"].to_string();
    assert!(why.contains("保证担保") && why.contains("借条"), "{why}");

    // The corpus: imported once, then again without change; a bad line refuses the file.
    write(
        dir.path(),
        "j.jsonl",
        &format!(
            "{}\n",
            serde_json::json!({"id": "J1", "title": "乙诉丙民间借贷纠纷案", "case_number": "(2023)粤0703民初5号",
                "court": "某区人民法院", "date": "2023-05-01", "text": near})
        ),
    );
    let out = xiezhi(dir.path(), &["judgments", "import", "j.jsonl"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("新增 1 篇"), "{}", text(&out.stdout));
    let out = xiezhi(dir.path(), &["judgments", "import", "j.jsonl"]);
    assert!(text(&out.stdout).contains("新增 0 篇，更新 0 篇，未变 1 篇"), "{}", text(&out.stdout));
    write(dir.path(), "bad.jsonl", "{\"id\": \"J2\", \"text\": \"x\", \"date\": \"2023-13-01\"}\n");
    let out = xiezhi(dir.path(), &["judgments", "import", "bad.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("第1行 date"), "{}", text(&out.stderr));
    let out = xiezhi(dir.path(), &["similar", "--query", "a.txt", "--top", "3", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let ranked: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ranked[0]["id"], "J1");
    assert_eq!(ranked[0]["case_number"], "（2023）粤0703民初5号");
    assert_eq!(ranked[0]["tier"], "其他");
    // The shipped guiding cases are candidates too, with their tier.
    assert!(ranked.as_array().unwrap().iter().skip(1).all(|c| c["tier"] == "指导性案例" || c["tier"] == "典型案例"));
}

/// `laws import`: a folder of lawrefbook markdown joins the statutes (beside the database),
/// again changes nothing, and a file that is not in that layout refuses the whole folder.
#[test]
fn statutes_a_court_imports_join_the_shipped_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("texts/地方")).unwrap();
    write(
        dir.path(),
        "texts/地方/甲市诉讼服务规定(2025-01-01).md",
        "# 甲市诉讼服务规定\n\n<!-- INFO END -->\n\n第一条 为方便当事人，制定本规定。\n\n第二条 当事人可以网上提交起诉材料。\n",
    );
    let out = xiezhi(dir.path(), &["laws", "import", "texts"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("新增 1 个文件"), "{}", text(&out.stdout));
    let out = xiezhi(dir.path(), &["laws", "show", "甲市诉讼服务规定第二条", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["text"], "当事人可以网上提交起诉材料。");
    assert_eq!(shown["version"], "2025-01-01");
    // The import kept the search index of the new corpus beside the database; searching
    // finds the imported text through it.
    let kept = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join("xiezhi-index"))
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    };
    let first = kept(dir.path());
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0].starts_with("search-v1-") && first[0].ends_with(".idx"), "{first:?}");
    let out = xiezhi(dir.path(), &["laws", "search", "网上提交起诉材料", "--top", "1", "--format", "json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["law"], "甲市诉讼服务规定", "{hits}");
    let out = xiezhi(dir.path(), &["laws", "import", "texts"]);
    assert!(text(&out.stdout).contains("新增 0 个文件，更新 0 个，未变 1 个"), "{}", text(&out.stdout));
    assert!(!text(&out.stdout).contains("检索索引已重建"), "an unchanged corpus keeps its index");
    // A broken kept index (a disk fault) is not used: the search rebuilds and keeps it again.
    std::fs::write(dir.path().join("xiezhi-index").join(&first[0]), b"XZIDX broken").unwrap();
    let out = xiezhi(dir.path(), &["laws", "search", "网上提交起诉材料", "--top", "1", "--format", "json"]);
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["law"], "甲市诉讼服务规定");
    assert!(std::fs::metadata(dir.path().join("xiezhi-index").join(&first[0])).unwrap().len() > 1_000_000);
    // Another text changes the corpus: a new index replaces the old one.
    write(
        dir.path(),
        "texts/地方/丙市调解规定(2025-06-01).md",
        "# 丙市调解规定\n\n<!-- INFO END -->\n\n第一条 鼓励诉前调解。\n",
    );
    let out = xiezhi(dir.path(), &["laws", "import", "texts"]);
    assert!(text(&out.stdout).contains("检索索引已重建"), "{}", text(&out.stdout));
    let second = kept(dir.path());
    assert_eq!(second.len(), 1, "{second:?}");
    assert_ne!(second, first);
    // A file without the layout's title line: refused, nothing written.
    std::fs::create_dir_all(dir.path().join("bad")).unwrap();
    write(dir.path(), "bad/好.md", "# 乙市规定\n\n第一条 甲。\n");
    write(dir.path(), "bad/坏.md", "没有标题\n第一条 乙。\n");
    let out = xiezhi(dir.path(), &["laws", "import", "bad"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("坏.md"), "{}", text(&out.stderr));
    let out = xiezhi(dir.path(), &["laws", "show", "乙市规定第一条"]);
    assert_eq!(out.status.code(), Some(1), "the good file of a refused folder was not imported");
}

/// A scan added to a case's file is read by OCR before `dossier add` returns, and catalogued
/// again from its text (an entry in the chain).
#[test]
fn a_scan_is_read_and_catalogued_from_its_text() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    let case = "(2024)粤0703民初1号";
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../xiezhi-ocr/tests/fixtures/iou.png"),
        dir.path().join("scan.png"),
    )
    .unwrap();
    let out = xiezhi(dir.path(), &["dossier", "add", case, "scan.png"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = xiezhi(dir.path(), &["dossier", "list", case, "--chain"]);
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(entries[1]["kind"], "recategorise");
    assert_eq!(entries[1]["category"], "证据材料");
    assert_eq!(entries[1]["reason"], "文字识别后：标题含“借条”");
    let out = xiezhi(dir.path(), &["dossier", "list", case]);
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((docs[0]["ocr"].as_str(), docs[0]["category"].as_str()), (Some("done"), Some("证据材料")));
    assert_eq!(docs[0]["category_source"], "auto");
    let out = xiezhi(dir.path(), &["dossier", "verify", "--all"]);
    assert!(out.status.success(), "{}", text(&out.stdout));
}

/// PDFs and multi-page TIFFs: a text PDF gives its own text at once (no OCR, confidence 1); a
/// scanned PDF and a two-page TIFF are read page by page by OCR. `dossier text` gives each
/// page with its confidence; `--seq` picks one document.
#[test]
fn pdfs_and_multi_page_tiffs_are_read_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.csv", GOOD);
    assert!(xiezhi(dir.path(), &["import", "good.csv"]).status.success());
    let case = "(2024)粤0703民初1号";
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xiezhi-ocr/tests/fixtures");
    for (from, to) in [
        ("complaint-text.pdf", "起诉状.pdf"),
        ("iou-receipt-scan.pdf", "借条收条.pdf"),
        ("iou-receipt-g4.tiff", "借条收条.tif"),
    ] {
        std::fs::copy(fixtures.join(from), dir.path().join(to)).unwrap();
    }
    let out = xiezhi(dir.path(), &["dossier", "add", case, "起诉状.pdf", "借条收条.pdf", "借条收条.tif"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let added: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let summary: Vec<(i64, i64, &str, &str)> = added
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["seq"].as_i64().unwrap(),
                d["pages"].as_i64().unwrap(),
                d["ocr"].as_str().unwrap(),
                d["category"].as_str().unwrap(),
            )
        })
        .collect();
    // (Seq 3 is the chain entry that re-catalogued the scanned PDF once its text was read.)
    assert_eq!(summary, [(1, 2, "done", "起诉状"), (2, 2, "done", "证据材料"), (4, 2, "done", "证据材料")]);
    let out = xiezhi(dir.path(), &["dossier", "text", case, "--seq", "4", "--wait"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pages: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(pages.as_array().unwrap().len(), 2);
    let strip = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    assert_eq!(
        strip(pages[0]["text"].as_str().unwrap()),
        "借条今借到甲某人民币伍万元整，于2026年12月31日前归还。借款人：乙某"
    );
    assert_eq!(strip(pages[1]["text"].as_str().unwrap()), "收条今收到乙某归还借款人民币壹万元整。收款人：甲某");
    for p in pages.as_array().unwrap() {
        assert_eq!((p["seq"].as_i64(), p["source"].as_str()), (Some(4), Some("ocr")));
        assert!(p["confidence"].as_f64().unwrap() > 0.9, "{p}");
        assert_eq!(p["needs_check"], false);
    }
    let out = xiezhi(dir.path(), &["dossier", "text", case]);
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let order: Vec<(i64, i64, f64)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["seq"].as_i64().unwrap(), p["page"].as_i64().unwrap(), p["confidence"].as_f64().unwrap()))
        .map(|(s, p, c)| (s, p, if s == 1 { c } else { 0.0 }))
        .collect();
    assert_eq!(order, [(1, 1, 1.0), (1, 2, 1.0), (2, 1, 0.0), (2, 2, 0.0), (4, 1, 0.0), (4, 2, 0.0)]);
    assert!(strip(all[1]["text"].as_str().unwrap()).ends_with("具状人：甲某2026年1月5日"));
    let out = xiezhi(dir.path(), &["dossier", "text", case, "--seq", "9"]);
    assert_eq!(out.status.code(), Some(1));
}

//! The README's commands run as written: every `xiezhi …` line of its `sh` blocks, in order,
//! from a directory holding the repository's sample files, on a fresh database. A newcomer who
//! follows it literally gets no error.

// Tests read the test environment (PATH) and run the binary.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::process::Command;

mod common;

use common::{text, xiezhi};

/// Lines that cannot run to completion in a test, each with why.
const NOT_RUN: &[(&str, &str)] = &[
    ("xiezhi demo  ", "serves until Ctrl-C"),
    ("xiezhi demo --addr", "serves until Ctrl-C"),
    ("xiezhi serve", "serves until Ctrl-C"),
    ("--smtp", "needs the court's mail server"),
];

/// The command lines of the README's `sh` blocks, comments removed.
fn readme_commands(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh || !(line.starts_with("xiezhi ") || line.starts_with("echo ")) {
            continue;
        }
        // A comment starts at "  #" (the commands themselves never contain it).
        let command = line.find("  #").map_or(line, |at| &line[..at]).trim_end();
        out.push(command.to_owned());
    }
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn the_readme_runs_as_written() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let commands = readme_commands(&readme);
    assert!(commands.len() >= 25, "the README's commands were found: {commands:?}");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("docs"), &dir.path().join("docs"));
    let binary = Path::new(env!("CARGO_BIN_EXE_xiezhi"));
    let path = format!("{}:{}", binary.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let mut skipped = Vec::new();
    for command in &commands {
        let padded = format!("{command}  ");
        if let Some((_, why)) = NOT_RUN.iter().find(|(pattern, _)| padded.contains(pattern)) {
            skipped.push(format!("{command} ({why})"));
            continue;
        }
        let out = Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(dir.path())
            .env("PATH", &path)
            .env_remove("XIEZHI_DB")
            .env_remove("XIEZHI_FONTS")
            .env_remove("XIEZHI_DATA_DIR")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README command failed ({:?}): {command}\nstdout: {}\nstderr: {}",
            out.status.code(),
            text(&out.stdout),
            text(&out.stderr)
        );
    }
    // Only the lines that serve or need a mail server are left out, and they are still there.
    assert_eq!(skipped.len(), 5, "{skipped:#?}");
    // What the commands made is there.
    for made in
        ["案件导出.xlsx", "通报.docx", "讲话稿-已填.txt", "填数.json", "docs/samples/cases-with-problems.problems.csv"]
    {
        assert!(dir.path().join(made).exists(), "{made} was written");
    }
    let filled = std::fs::read_to_string(dir.path().join("讲话稿-已填.txt")).unwrap();
    // At the time of `fill` the database holds the samples only: in 2026 粤07 received the five
    // cases of cases.csv and the two good rows of cases-with-problems.csv (民初201号, closed
    // 2026-04-10, and the 中院's 民终31号), so 受理 7, 结案率 1/7 = 14.29 %, 未结 6, nothing
    // recovered; last year is empty, so 同比 stays XX with its reason, and 审结 is not an
    // indicator's name.
    assert_eq!(
        filled,
        "同志们：\n年初以来，全市法院共受理案件7件，同比增长XX%；审结XX件，结案率14.29%。\n\
         截至10月底，全市法院未结案件6件。执行到位金额0.00万元。\n\
         下一阶段，各级法院要坚持问题导向，持续提升审判执行质效。\n"
    );
    // The demo the README made later is in the same database, marked as such.
    let listing = text(&xiezhi(dir.path(), &["courts"]).stdout);
    assert!(listing.contains("粤0703"), "{listing}");
}

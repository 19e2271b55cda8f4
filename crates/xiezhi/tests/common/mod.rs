//! What the binary's end-to-end tests share: running `xiezhi` in a directory, its output as
//! text.

use std::path::Path;
use std::process::{Command, Output};

/// Runs the binary in `dir` with `args`, with no database or font directory from the
/// environment (the default `xiezhi.db` in `dir`, the system's fonts).
pub fn xiezhi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xiezhi"))
        .current_dir(dir)
        .env_remove("XIEZHI_DB")
        .env_remove("XIEZHI_FONTS")
        .args(args)
        .output()
        .expect("the binary runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

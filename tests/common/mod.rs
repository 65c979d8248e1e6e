//! Shared helpers of the integration tests.
#![allow(clippy::unwrap_used)] // tests fail loudly by design
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

// The unit tests' reading of the variable, shared rather than written twice.
#[path = "../../src/test_corpus.rs"]
mod test_corpus;

/// The shared trace corpus, or `None` (with a note) when `LTTNG_TUI_TRACES` is unset; a
/// path that is not a directory fails the test (see `src/test_corpus.rs`).
pub fn traces_dir() -> Option<PathBuf> {
    test_corpus::root()
}

/// Runs the lttng-tui binary with `args` (UTC time zone).
pub fn lttng_tui(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
        .args(args)
        .env("TZ", "UTC")
        .output()
        .expect("run lttng-tui")
}

/// Whether `babeltrace2` is on PATH.
pub fn has_babeltrace2() -> bool {
    Command::new("babeltrace2")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The generated traces every reader comparison also runs on: a 2 s `web` trace and a
/// `uniform` one that lost 30 % of its packets' events. Returns (the `gen` options, the
/// kernel trace directory) per trace, written under `dir`.
pub fn generated_traces(dir: &std::path::Path) -> Vec<(String, PathBuf)> {
    let cases: &[&[&str]] = &[
        &["--scenario", "web", "--duration", "2s", "--seed", "7"],
        &[
            "--scenario",
            "uniform",
            "--events",
            "200000",
            "--seed",
            "3",
            "--discard-rate",
            "0.3",
        ],
    ];
    let mut out = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let out_dir = dir.join(format!("g{i}"));
        let mut args = vec!["gen", "--out", out_dir.to_str().unwrap()];
        args.extend_from_slice(case);
        let generated = lttng_tui(&args);
        assert!(
            generated.status.success(),
            "{}",
            String::from_utf8_lossy(&generated.stderr)
        );
        out.push((case.join(" "), out_dir.join("kernel")));
    }
    out
}

/// A 1 s generated `web` trace with `seed`, written under `dir`: its kernel trace directory
/// and the model built from it.
pub fn short_web_trace(dir: &std::path::Path, seed: u64) -> (PathBuf, lttng_tui::model::Model) {
    use lttng_tui::r#gen::{GenConfig, ScenarioKind, generate};
    let mut cfg = GenConfig::new(ScenarioKind::Web, dir);
    cfg.seed = seed;
    cfg.duration_ns = Some(1_000_000_000);
    generate(&cfg, &mut |_| {}).unwrap();
    let path = dir.join("kernel");
    let session = lttng_tui::ctf::session::Session::open(&path).unwrap();
    let model = lttng_tui::model::Builder::build_session(&session);
    (path, model)
}

/// The (lower, upper, count) rows of a frequency table (`freq_duration` and the like).
pub fn freq_rows(t: &lttng_tui::analysis::table::Table) -> Vec<(u64, u64, u64)> {
    use lttng_tui::analysis::table::Cell;
    t.rows
        .iter()
        .map(|r| match (&r[0], &r[1], &r[2]) {
            (Cell::Duration(a), Cell::Duration(b), Cell::Count(c)) => (*a, *b, *c),
            _ => panic!("not a frequency row: {r:?}"),
        })
        .collect()
}

/// Runs `cmd` (stdout and stderr piped), reads the first line it prints, then closes the
/// pipe as `| head -1` does and waits: that line, and the rest of what the process left.
pub fn first_line_then_close(mut cmd: Command) -> (String, Output) {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The read end is dropped here: the next write the process makes meets a closed pipe.
    (first, child.wait_with_output().unwrap())
}

/// The first line where two outputs differ, both shown, for a readable failure.
pub fn first_difference(ours: &[u8], theirs: &[u8]) -> String {
    let (ours, theirs) = (
        String::from_utf8_lossy(ours),
        String::from_utf8_lossy(theirs),
    );
    for (i, (a, b)) in ours.lines().zip(theirs.lines()).enumerate() {
        if a != b {
            return format!("line {}:\n  ours:   {a}\n  theirs: {b}", i + 1);
        }
    }
    format!(
        "one output is a prefix of the other ({} vs {} lines)",
        ours.lines().count(),
        theirs.lines().count()
    )
}

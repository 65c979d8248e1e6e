//! Every trace of the babeltrace CTF `fail` corpus is refused (or partly read) with a non-zero
//! exit and a one-line error naming the file, never a panic.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::{lttng_tui, traces_dir};

#[test]
fn fail_traces_exit_nonzero_with_a_named_error() {
    let Some(root) = traces_dir() else { return };
    let dir = root.join("conformance/fail");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut problems = Vec::new();
    for path in &entries {
        let out = lttng_tui(&["dump", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = path.file_name().unwrap().to_str().unwrap();
        let error_lines: Vec<_> = stderr
            .lines()
            .filter(|l| l.starts_with("lttng-tui: error:"))
            .collect();
        if out.status.success() {
            problems.push(format!("{name}: exit 0"));
        } else if out.status.code() != Some(1) {
            problems.push(format!(
                "{name}: exit {:?} (a crash?): {stderr}",
                out.status.code()
            ));
        } else if error_lines.is_empty() || !error_lines.iter().all(|l| l.contains(name)) {
            problems.push(format!(
                "{name}: error does not name the trace's file: {stderr}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn valid_events_come_before_the_error() {
    let Some(root) = traces_dir() else { return };
    let path = root.join("conformance/fail/valid-events-then-invalid-events");
    let out = lttng_tui(&["dump", "--clock-gmt", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().count(),
        2,
        "the two valid events are printed:\n{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no event class with id 255"), "{stderr}");
}

#[test]
fn meta_ctx_sequence_does_not_crash() {
    let Some(root) = traces_dir() else { return };
    let path = root.join("conformance/succeed/meta-ctx-sequence");
    let out = lttng_tui(&["dump", path.to_str().unwrap()]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{:?}", out.status);
}

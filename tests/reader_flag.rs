//! `--reader`: without the `bt2` feature, `--reader bt2` exits 1 with a message that names the
//! feature and the packages it needs, and prints nothing on stdout; with it, the flag reads
//! the trace (the outputs themselves are compared in `tests/bt2_dump.rs`).
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

use common::lttng_tui;

/// A small generated trace (no corpus needed).
fn small_trace(dir: &std::path::Path) -> std::path::PathBuf {
    let out = dir.join("t");
    let generated = lttng_tui(&[
        "gen",
        "--scenario",
        "uniform",
        "--events",
        "2000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(generated.status.success());
    out.join("kernel")
}

#[cfg(not(feature = "bt2"))]
#[test]
fn reader_bt2_without_the_feature_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let trace = small_trace(tmp.path());
    for command in ["dump", "info"] {
        let out = lttng_tui(&[command, "--reader", "bt2", trace.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
        assert!(out.stdout.is_empty(), "{command} printed something");
        assert!(
            stderr.contains("`bt2` Cargo feature") && stderr.contains("libglib2.0-dev"),
            "{command}: {stderr}"
        );
    }
    // The default reader still works.
    let native = lttng_tui(&["dump", "--reader", "native", trace.to_str().unwrap()]);
    assert!(native.status.success());
    assert_eq!(
        native.stdout,
        lttng_tui(&["dump", trace.to_str().unwrap()]).stdout
    );
}

#[cfg(feature = "bt2")]
#[test]
fn reader_bt2_with_the_feature_reads_the_trace() {
    let tmp = tempfile::tempdir().unwrap();
    let trace = small_trace(tmp.path());
    let out = lttng_tui(&["info", "--json", "--reader", "bt2", trace.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bt2: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let native: serde_json::Value =
        serde_json::from_slice(&lttng_tui(&["info", "--json", trace.to_str().unwrap()]).stdout)
            .unwrap();
    for key in [
        "events",
        "discarded_events",
        "begin_ns",
        "end_ns",
        "streams",
    ] {
        assert_eq!(bt2[key], native[key], "{key}");
    }
    assert!(bt2["events"].as_u64().unwrap() >= 2000, "{bt2}");
}

//! `lttng-tui bench`: the report's figures on a generated trace, and a reader that stops
//! reading (`| head`) ends it quietly instead of crashing it.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

fn small_trace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = common::lttng_tui(&[
        "gen",
        "--scenario",
        "uniform",
        "--events",
        "20000",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    dir
}

#[test]
fn bench_reports_event_count_rates_and_the_ratio() {
    let dir = small_trace();
    let trace = dir.path().join("kernel");
    let out = common::lttng_tui(&["bench", "--runs", "1", trace.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    // The count is the trace's, as `info` gives it.
    let info = common::lttng_tui(&["info", "--json", trace.to_str().unwrap()]);
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let events = info["events"].as_u64().unwrap();
    assert!(text.contains(&format!("  {events} events, ")), "{text}");
    assert!(text.contains(" cores"), "{text}");
    let ours = text
        .lines()
        .find(|l| l.trim_start().starts_with("lttng-tui "))
        .unwrap();
    assert!(ours.ends_with("M events/s"), "{ours}");
    if common::has_babeltrace2() {
        let ratio = text.lines().find(|l| l.trim_start().starts_with("ratio"));
        let ratio: f64 = ratio
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|r| r.trim_end_matches('x').parse().ok())
            .unwrap_or_else(|| panic!("no ratio in:\n{text}"));
        assert!(ratio > 0.0, "{text}");
    }
}

#[test]
fn bench_stops_quietly_when_its_reader_goes_away() {
    let dir = small_trace();
    let trace = dir.path().join("kernel");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lttng-tui"));
    cmd.args(["bench", "--runs", "1"]).arg(&trace);
    let (first, out) = common::first_line_then_close(cmd);
    assert!(first.starts_with("trace: "), "{first}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?} {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bench_index_reports_the_three_figures_and_leaves_no_cache_behind() {
    let dir = small_trace();
    let trace = dir.path().join("kernel");
    let cache = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
        .args(["bench", "--index", "--runs", "1"])
        .arg(&trace)
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    // Each figure's line: its value, then its target and whether it is met.
    let figure = |heading: &str, unit: &str| -> f64 {
        let mut lines = text.lines().skip_while(|l| !l.starts_with(heading));
        let line = lines
            .nth(1)
            .unwrap_or_else(|| panic!("no {heading} in:\n{text}"));
        assert!(
            line.ends_with(": met") || line.ends_with(": not met"),
            "{line}"
        );
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = words.iter().position(|w| *w == unit).unwrap();
        words[at - 1].parse().unwrap()
    };
    let rate = figure("kernel model, first build", "M");
    let share = figure("model in memory", "%");
    let reopen = figure("cached reopen", "%");
    assert!(rate > 0.0 && share > 0.0 && reopen > 0.0, "{text}");
    // The model's size is the one `index` reports, as a share of the stream data.
    let json = Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
        .args(["index", "--no-cache", "--json"])
        .arg(&trace)
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let model = summary["model_bytes"].as_f64().unwrap();
    let mb: f64 = text
        .lines()
        .skip_while(|l| !l.starts_with("model in memory"))
        .nth(1)
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(
        (mb - model / 1e6).abs() < 0.051,
        "{mb} MB against {model} bytes"
    );
    // The scratch cache is gone, and the user's cache was not written.
    let left: Vec<_> = std::fs::read_dir(cache.path().join("lttng-tui"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}

//! The Latency and Periods tabs on a 1 GB trace (issue 8, acceptance 4): their work runs on
//! background threads, so keys keep being handled while a histogram or the period matching
//! is still being computed, and an answer to a request the user has since replaced never
//! reaches the screen.
//!
//! Generating and indexing 1 GB takes tens of seconds and about a gigabyte of memory, so the
//! test runs when `LTTNG_TUI_HEAVY_TESTS` is set (`.ci/run` sets it) and says it skipped
//! otherwise.
#![allow(clippy::unwrap_used)]

mod tui_support;

use std::time::{Duration, Instant};

use lttng_tui::analysis::common::{Options, Range};
use lttng_tui::analysis::latency::{Scale, histogram, syscall_durations};
use lttng_tui::analysis::latency_samples::LatencyKind;
use lttng_tui::tui::app::Tab;
use lttng_tui::tui::harness::Harness;

#[test]
fn keys_respond_while_a_one_gigabyte_trace_is_analysed() {
    if std::env::var_os("LTTNG_TUI_HEAVY_TESTS").is_none() {
        eprintln!("LTTNG_TUI_HEAVY_TESTS unset: skipping the 1 GB background-compute test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
        .args(["gen", "--scenario", "uniform", "--events", "35M", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let trace = dir.path().join("kernel");
    let size: u64 = std::fs::read_dir(trace.join(""))
        .unwrap()
        .fold(0, |s, e| s + e.unwrap().metadata().map_or(0, |m| m.len()));
    assert!(size > 900_000_000, "{size} bytes");

    let mut a = tui_support::args();
    // Matching reads all 35 M events, whatever the definition; this one has ~80 k instances.
    a.period = vec![
        r#"munmap : $evt.$name == "syscall_entry_munmap" : $evt.$name == "syscall_exit_munmap" && $evt.tid == $begin.$evt.tid"#
            .into(),
    ];
    let mut h = Harness::open(&trace, &a, 120, 40).unwrap();
    // Only until the index is complete: that is when period matching starts.
    let start = Instant::now();
    while !h.app.index.done {
        h.pump();
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "indexing never ended"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let m = h.app.index.model.clone().unwrap();

    // Periods: matching the whole trace is under way on its thread; this tab and the others
    // answer meanwhile.
    h.press("7");
    assert_eq!(h.app.tab, Tab::Periods);
    assert!(h.app.periods.computing, "period matching answered at once");
    h.press("2");
    assert_eq!(h.app.tab, Tab::ControlFlow);
    h.press("7");
    assert!(h.screen().unwrap().contains("Periods"));

    // Latency: four requests in a row, each sent before the previous was answered.
    h.press("6");
    assert_eq!(h.app.tab, Tab::Latency);
    let first = h.app.latency.generation;
    assert!(
        h.app.latency.computing,
        "the histogram was computed on the UI thread"
    );
    h.press("b w i c");
    assert_eq!(h.app.latency.generation, first + 4);
    assert!(
        h.app.latency.computing,
        "keys waited for the first histogram"
    );
    // The screen still draws while the answers are out.
    assert!(h.screen().unwrap().contains("Latency"));
    // Until the last request is answered, nothing of another kind may be shown.
    let start = Instant::now();
    while h.app.latency.computing || h.app.periods.computing {
        h.pump();
        if h.app.latency.hist.is_some() {
            assert_eq!(h.app.latency.shown_kind, LatencyKind::Syscall);
        }
        assert!(start.elapsed() < Duration::from_secs(600), "never answered");
        std::thread::sleep(Duration::from_millis(20));
    }
    h.settle(Duration::from_secs(600)).unwrap();
    let values = syscall_durations(&m, &Options::new(Range::of(&m, None, None)));
    assert_eq!(h.app.latency.hist, Some(histogram(values, Scale::Log, 20)));
    assert_eq!(h.app.latency.kind, LatencyKind::Syscall);
    assert!(!h.app.periods.rows.is_empty());
}

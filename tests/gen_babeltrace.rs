//! Acceptance 1: babeltrace2 reads every generated trace (both scenarios, several seeds, with
//! and without lost events) with no error or warning, and counts as many events as we wrote.

// Test code: a panic is how a failure is reported.
#![allow(clippy::unwrap_used)]

mod gen_support;

use gen_support::{bt2, gen_small, have_bt2, truth};
use lttng_tui::r#gen::ScenarioKind;

fn counted(stdout: &str, what: &str) -> u64 {
    // The counter sink prints running totals now and then; the last block is the final one.
    stdout
        .lines()
        .rev()
        .find(|l| l.trim_end().ends_with(what))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `{what}` line in {stdout}"))
}

fn check(scenario: ScenarioKind, seed: u64, discard: f64) {
    let dir = tempfile::tempdir().unwrap();
    let summary = gen_small(dir.path(), scenario, seed, discard);
    let (ok, out, err) = bt2(dir.path(), &["--output-format=dummy"]);
    assert!(
        ok && err.is_empty() && out.is_empty(),
        "{scenario:?} seed {seed}: {err}"
    );
    let (ok, out, err) = bt2(dir.path(), &["-c", "sink.utils.counter"]);
    assert!(ok && err.is_empty(), "{err}");
    assert_eq!(
        counted(&out, "Event messages"),
        summary.events,
        "{scenario:?} seed {seed}"
    );
    let t = truth(dir.path());
    assert_eq!(t.events, summary.events);
    assert_eq!(
        counted(&out, "Discarded event messages"),
        t.discarded.len() as u64
    );
    if discard > 0.0 {
        assert!(!t.discarded.is_empty(), "no loss planted");
        // The text sink reports each loss; the totals must match the ground truth.
        let (_, _, err) = bt2(dir.path(), &["--clock-cycles"]);
        let reported: u64 = err
            .lines()
            .filter_map(|l| l.strip_prefix("WARNING: Tracer discarded "))
            .map(|l| l.split_whitespace().next().unwrap().parse::<u64>().unwrap())
            .sum();
        assert_eq!(reported, t.events_discarded);
    }
}

#[test]
fn babeltrace2_reads_generated_traces() {
    if !have_bt2() {
        return;
    }
    for seed in [1, 2, 3] {
        for discard in [0.0, 0.25] {
            check(ScenarioKind::Web, seed, discard);
            check(ScenarioKind::Uniform, seed, discard);
        }
    }
}

#[test]
fn metadata_looks_like_lttng_modules_2_13() {
    if !have_bt2() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    gen_small(dir.path(), ScenarioKind::Uniform, 9, 0.0);
    let (ok, meta, err) = bt2(dir.path(), &["-o", "ctf-metadata"]);
    assert!(ok, "{err}");
    for needle in [
        "domain = \"kernel\";",
        "tracer_name = \"lttng-modules\";",
        "tracer_major = 2;",
        "tracer_minor = 13;",
        "name = \"monotonic\";",
        "uint64_t stream_instance_id;",
        "uint64_t packet_seq_num;",
        "unsigned long events_discarded;",
        "struct event_header_compact",
        "name = \"syscall_entry_connect\";",
        "_dport;",
        "_v4addr[ __v4addr_length ];",
        "name = \"lttng_statedump_process_state\";",
    ] {
        assert!(meta.contains(needle), "metadata lacks {needle}");
    }
}

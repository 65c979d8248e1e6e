//! Acceptance 3 of issue 5: every kernel trace of the corpus indexes, including the old
//! field layouts of lttng-modules 2.1 (`scp-src`, `scp-dest`) and `flipping-endianness`;
//! the perf-converted trace is refused as "not an LTTng kernel trace". Needs
//! `LTTNG_TUI_TRACES` (skipped with a note when unset).

mod common;

use lttng_tui::index::{Indexer, Options};
use lttng_tui::model::Model;
use lttng_tui::model::store::sysflag;

use common::traces_dir as corpus;

fn index(path: &std::path::Path) -> anyhow::Result<std::sync::Arc<Model>> {
    let opts = Options {
        use_cache: false,
        ..Options::default()
    };
    Indexer::spawn(path, opts)?.wait()
}

/// Syscalls of `name` with both ends, and those with only the exit.
fn calls(m: &Model, name: &str) -> (u64, u64) {
    let Some(id) = m.strings.find(name) else {
        return (0, 0);
    };
    let (mut full, mut exit_only) = (0, 0);
    for t in &m.threads {
        let s = &t.syscalls;
        for i in 0..s.span.len() {
            if s.name(i) == id {
                if s.complete(i) {
                    full += 1;
                } else if s.flags[i] & sysflag::NO_ENTRY != 0 {
                    exit_only += 1;
                }
            }
        }
    }
    (full, exit_only)
}

#[test]
fn every_kernel_trace_indexes() {
    let Some(root) = corpus() else { return };
    // (trace, events, irq_handler_entry, softirq entries, block_rq_complete): every
    // interrupt entry of these traces has its exit, and every completion is either paired
    // with its issue or counted as unmatched (counts from `lttng-tui info`, equal to
    // babeltrace2's).
    let cases: [(&str, u64, usize, usize, usize); 6] = [
        ("kernel/many-threads", 240_644, 153, 6042, 0),
        ("kernel/scp-src", 110_771, 151, 7216, 66),
        ("kernel/scp-dest", 85_729, 164, 5678, 56),
        ("kernel/flipping-endianness", 14_310, 5841, 0, 0),
        (
            "conformance/succeed/lttng-tracefile-rotation/kernel",
            12_305,
            0,
            0,
            0,
        ),
        ("conformance/succeed/multi-domains/kernel", 272, 0, 0, 0),
    ];
    for (name, events, irqs, softirqs, completes) in cases {
        let m = index(&root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let s = m.summary();
        eprintln!("{name}: {s:?} {:?}", m.counters);
        assert_eq!(m.events, events, "{name}");
        assert_eq!((s.irqs, s.softirqs), (irqs, softirqs), "{name}");
        let blocks = s.block_requests + m.counters.block_unmatched as usize;
        assert_eq!(blocks, completes, "{name}");
        assert_eq!(m.counters.irq_mismatch, 0, "{name}");
    }
}

#[test]
fn perf_trace_is_refused_clearly() {
    let Some(root) = corpus() else { return };
    let err = index(&root.join("other/perf-taskset2")).expect_err("perf trace");
    assert!(
        err.to_string().contains("not an LTTng kernel trace"),
        "{err}"
    );
}

#[test]
fn many_threads_clone_children_return_without_entry() {
    let Some(root) = corpus() else { return };
    let m = index(&root.join("kernel/many-threads")).expect("index");
    // kernel-model.md §2.2: 8003 clone entries and 16006 exits, the children's half
    // without an entry.
    assert_eq!(calls(&m, "clone"), (8003, 8003));
    // Thousands of short-lived threads: every sched_switch names two threads, so the
    // model must hold each generation separately.
    assert!(m.threads.iter().filter(|t| t.idle_cpu.is_none()).count() > 8000);
}

#[test]
fn old_layouts_have_threads_and_names() {
    let Some(root) = corpus() else { return };
    for name in ["kernel/scp-src", "kernel/scp-dest"] {
        let m = index(&root.join(name)).expect("index");
        let scp = m
            .threads
            .iter()
            .filter(|t| t.name().is_some_and(|n| m.strings.get(n) == "scp"))
            .count();
        assert!(scp >= 1, "{name}: no scp thread");
        // 2.1 block events carry no tid: requests are charged to the CPU's current thread.
        let charged: u64 = m.threads.iter().map(|t| t.block[0] + t.block[1]).sum();
        assert!(charged > 0, "{name}");
    }
}

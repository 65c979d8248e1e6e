//! Analyses on the recorded corpus (`LTTNG_TUI_TRACES`; skipped with a note when unset):
//! figures of kernel/many-threads pinned, and results on scp-src/scp-dest, where
//! lttng-analyses fails outright (`block_rq_issue` without `tid`, analyses.md §10.7).
//!
//! Deliberate differences from lttng-analyses on many-threads (analyses.md §10):
//! * cputop: CPU time comes from the current-thread timelines, so a CPU's time before its
//!   first switch is credited to the thread that switch shows leaving it (lttng-analyses
//!   counts the CPU busy "since the interval start" whatever ran) and no swapper rows;
//!   "migrations" are CPU changes between runs (it counts `sched_migrate_task` events);
//! * syscallstats: return values are counted once each (it adds one per distinct value);
//!   stdev needs 2 samples (it needs 3);
//! * iousagetop: `accept`/`accept4` fds are tracked, statedump fds classified by path;
//! * schedstats: a preempted thread's wait for the CPU is a latency sample too.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use lttng_tui::analysis::common::{Options, Range};
use lttng_tui::analysis::{cpu, io, iolat, irq, sched, syscalls};
use lttng_tui::ctf::message::Message;
use lttng_tui::ctf::session::Session;
use lttng_tui::model::{Builder, IrqKind, Model};

fn build(path: &Path) -> Model {
    let session = Session::open(path).unwrap();
    let mut b = Builder::new();
    let mut it = session.messages();
    while let Some(msg) = it.next_message() {
        match msg {
            Message::Event(e) => b.event(&e),
            Message::Lost(l) => b.lost(&l),
        }
    }
    b.finish()
}

fn whole(m: &Model) -> Options {
    let mut o = Options::new(Range::of(m, None, None));
    o.limit = None;
    o
}

#[test]
fn many_threads_figures() {
    let Some(dir) = common::traces_dir() else {
        return;
    };
    let m = build(&dir.join("kernel/many-threads"));
    let o = whole(&m);
    let top = cpu::compute(&m, &o);
    assert_eq!(top.range_ns, 432_662_358);
    let first = &top.tids[0];
    assert_eq!(
        (first.tid, first.name.as_str(), first.ns),
        (2673, "multithread", 128_483_092)
    );
    let busy: Vec<u64> = top.cpus.iter().map(|c| c.1).collect();
    assert_eq!(
        busy,
        [
            226_220_045,
            228_322_595,
            238_895_988,
            247_329_854,
            230_959_519,
            239_270_294,
            224_750_381,
            238_661_404
        ]
    );
    let calls = syscalls::compute(&m, &o);
    assert_eq!(calls.iter().map(|t| t.total).sum::<u64>(), 70_056);
    assert_eq!((calls[0].tid, calls[0].total), (2673, 49_486));
    // Hard IRQs: (line, count, total ns, min, max).
    let irqs = irq::compute(&m, &o);
    let hard: Vec<(u32, u64, u64, u64, u64)> = irqs
        .iter()
        .filter(|(k, _)| k.0 == IrqKind::Hard)
        .map(|(k, (d, _))| (k.1, d.count, d.total, d.min, d.max))
        .collect();
    assert_eq!(
        hard,
        [
            (26, 141, 309_187, 1826, 4169),
            (28, 8, 12_866, 1354, 1900),
            (30, 4, 35_409, 7569, 10_722)
        ]
    );
    let soft: Vec<(u32, u64, u64)> = irqs
        .iter()
        .filter(|(k, _)| k.0 == IrqKind::Soft)
        .map(|(k, (d, r))| (k.1, d.count, r.count))
        .collect();
    assert_eq!(
        soft,
        [
            (1, 1019, 1019),
            (3, 8, 8),
            (4, 141, 141),
            (7, 778, 777),
            (9, 4096, 4096)
        ]
    );
    let (_, tot) = sched::compute(&m, &o);
    assert_eq!(
        (tot.count, tot.total, tot.max),
        (15_335, 193_827_939, 1_040_658)
    );
    let st = iolat::category_stats(&iolat::requests(&m, &o));
    let counts: Vec<(u64, u64)> = st.iter().map(|s| (s.count, s.total)).collect();
    assert_eq!(
        counts,
        [
            (8223, 32_149_589),
            (1092, 3_404_410),
            (8489, 7_552_488),
            (232, 10_593_796)
        ]
    );
    let u = io::compute(&m, &o);
    let sudo = &u.procs[&10704];
    assert_eq!((sudo.read, sudo.write), ([146_477, 2716, 0], [40, 258, 0]));
}

#[test]
fn scp_traces_produce_results() {
    let Some(dir) = common::traces_dir() else {
        return;
    };
    for name in ["scp-src", "scp-dest"] {
        let m = build(&dir.join("kernel").join(name));
        let o = whole(&m);
        let u = io::compute(&m, &o);
        assert!(
            u.disks.values().any(|d| d.requests > 0),
            "{name}: block requests"
        );
        assert!(!cpu::compute(&m, &o).tids.is_empty(), "{name}: cputop");
        assert!(!irq::compute(&m, &o).is_empty(), "{name}: irqstats");
        assert!(sched::compute(&m, &o).1.count > 0, "{name}: schedstats");
    }
}

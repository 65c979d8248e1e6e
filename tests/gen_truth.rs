//! Acceptance 3: the ground truth agrees with the trace. Everything is recomputed from
//! babeltrace2's decoding of the events, with a straightforward implementation that shares
//! nothing with the generator, and compared exactly.

// Test code: a panic is how a failure is reported.
#![allow(clippy::unwrap_used)]

mod gen_support;

use std::collections::{BTreeMap, HashMap};

use gen_support::{Ev, bt2, gen_small, have_bt2, parse, truth};
use lttng_tui::r#gen::ScenarioKind;
use lttng_tui::r#gen::truth::{DurStats, GroundTruth};

fn add(s: &mut DurStats, d: u64) {
    s.min_ns = if s.count == 0 { d } else { s.min_ns.min(d) };
    s.max_ns = s.max_ns.max(d);
    s.count += 1;
    s.total_ns += d;
}

#[derive(Default)]
struct Recomputed {
    cpu_ns: BTreeMap<u32, u64>,
    busy_ns: BTreeMap<u32, u64>,
    syscalls: BTreeMap<String, DurStats>,
    irqs: BTreeMap<i64, DurStats>,
    softirqs: BTreeMap<i64, DurStats>,
    /// (tid, fd, begin, end), times in raw cycles.
    requests: Vec<(u32, i64, u64, u64)>,
    /// (tid, begin, end) of selects lasting at least 5 s.
    long_selects: Vec<(u32, u64, u64)>,
}

/// Replays the events in time order: current thread per CPU from `sched_switch`, pending
/// syscalls per thread, interrupt entries per CPU.
fn recompute(events: &[Ev], ncpus: u32, begin: u64) -> Recomputed {
    let mut r = Recomputed::default();
    let mut cur: Vec<(u32, u64)> = vec![(0, begin); ncpus as usize];
    let mut pending: HashMap<u32, (String, u64, i64)> = HashMap::new();
    let mut irq_open: HashMap<u32, (i64, u64)> = HashMap::new();
    let mut soft_open: HashMap<(u32, i64), u64> = HashMap::new();
    let mut accepted: HashMap<u32, (i64, u64)> = HashMap::new();
    let mut closing: HashMap<u32, bool> = HashMap::new();
    let end = events.last().map_or(begin, |e| e.ts);
    for e in events {
        let c = e.cpu as usize;
        let tid = cur[c].0;
        if e.name == "sched_switch" {
            let prev = e.int("prev_tid") as u32;
            assert_eq!(
                prev, tid,
                "switch out of a thread that is not current: {e:?}"
            );
            if prev != 0 {
                *r.cpu_ns.entry(prev).or_default() += e.ts - cur[c].1;
                *r.busy_ns.entry(e.cpu).or_default() += e.ts - cur[c].1;
            }
            cur[c] = (e.int("next_tid") as u32, e.ts);
        } else if let Some(sc) = e.name.strip_prefix("syscall_entry_") {
            let fd = e.get("fd").and_then(|v| v.parse().ok()).unwrap_or(-1);
            pending.insert(tid, (sc.to_string(), e.ts, fd));
            if sc == "close" && accepted.get(&tid).is_some_and(|a| a.0 == fd) {
                closing.insert(tid, true);
            }
        } else if let Some(sc) = e.name.strip_prefix("syscall_exit_") {
            if let Some((name, t0, _)) = pending.remove(&tid).filter(|p| p.0 == sc) {
                add(r.syscalls.entry(name).or_default(), e.ts - t0);
                if sc == "select" && e.ts - t0 >= 5_000_000_000 {
                    r.long_selects.push((tid, t0, e.ts));
                }
            }
            if sc == "accept4" && e.int("ret") >= 0 {
                accepted.insert(tid, (e.int("ret"), e.ts));
            }
            if sc == "close"
                && closing.remove(&tid).is_some()
                && let Some((fd, b)) = accepted.remove(&tid)
            {
                r.requests.push((tid, fd, b, e.ts));
            }
        } else if e.name == "irq_handler_entry" {
            irq_open.insert(e.cpu, (e.int("irq"), e.ts));
        } else if e.name == "irq_handler_exit"
            && let Some((irq, t0)) = irq_open.remove(&e.cpu).filter(|x| x.0 == e.int("irq"))
        {
            add(r.irqs.entry(irq).or_default(), e.ts - t0);
        } else if e.name == "irq_softirq_entry" {
            soft_open.insert((e.cpu, e.int("vec")), e.ts);
        } else if e.name == "irq_softirq_exit"
            && let Some(t0) = soft_open.remove(&(e.cpu, e.int("vec")))
        {
            add(r.softirqs.entry(e.int("vec")).or_default(), e.ts - t0);
        }
    }
    for (c, (tid, since)) in cur.iter().enumerate() {
        if *tid != 0 {
            *r.cpu_ns.entry(*tid).or_default() += end - since;
            *r.busy_ns.entry(c as u32).or_default() += end - since;
        }
    }
    r.requests.sort_by_key(|x| (x.2, x.0));
    r
}

fn check_consistency(t: &GroundTruth, events: &[Ev]) {
    let off = t.clock_offset_ns;
    let begin = t.trace_begin_ns - off;
    assert_eq!(events.len() as u64, t.events);
    assert_eq!(events.last().unwrap().ts + off, t.trace_end_ns);
    let r = recompute(events, t.cpus, begin);
    let truth_cpu: BTreeMap<u32, u64> = t
        .threads
        .iter()
        .filter(|x| x.cpu_ns > 0)
        .map(|x| (x.tid, x.cpu_ns))
        .collect();
    assert_eq!(r.cpu_ns, truth_cpu, "per-TID CPU time");
    let truth_busy: BTreeMap<u32, u64> = t
        .cpu
        .iter()
        .filter(|x| x.busy_ns > 0)
        .map(|x| (x.cpu, x.busy_ns))
        .collect();
    assert_eq!(r.busy_ns, truth_busy, "per-CPU busy time");
    assert_eq!(r.syscalls, t.syscalls, "per-syscall statistics");
    let irqs: BTreeMap<i64, DurStats> =
        t.irqs.iter().map(|i| (i64::from(i.irq), i.stats)).collect();
    assert_eq!(r.irqs, irqs, "hard IRQs");
    let soft: BTreeMap<i64, DurStats> = t
        .softirqs
        .iter()
        .filter(|s| s.stats.count > 0)
        .map(|s| (i64::from(s.vec), s.stats))
        .collect();
    assert_eq!(r.softirqs, soft, "softirqs");
    let mut ev_per_cpu = vec![0u64; t.cpus as usize];
    for e in events {
        ev_per_cpu[e.cpu as usize] += 1;
    }
    assert_eq!(
        ev_per_cpu,
        t.cpu.iter().map(|c| c.events).collect::<Vec<_>>()
    );
    if t.scenario == "web" {
        let expect: Vec<(u32, i64, u64, u64)> = t
            .requests
            .iter()
            .map(|q| (q.tid, q.fd, q.begin_ns - off, q.end_ns - off))
            .collect();
        assert_eq!(r.requests, expect, "request list");
        for q in &t.requests {
            assert_eq!(q.duration_ns, q.end_ns - q.begin_ns);
            let timed_out = r
                .long_selects
                .iter()
                .any(|s| s.0 == q.tid && s.1 + off >= q.begin_ns && s.2 + off <= q.end_ns);
            assert_eq!(timed_out, q.cause == "dns_timeout", "cause of {q:?}");
            assert!(
                q.phases
                    .windows(2)
                    .all(|p| p[0].end_ns <= p[1].begin_ns || p[1].name == "render")
            );
        }
    }
}

fn run(scenario: ScenarioKind, seed: u64) -> GroundTruth {
    let dir = tempfile::tempdir().unwrap();
    gen_small(dir.path(), scenario, seed, 0.0);
    let (ok, out, err) = bt2(dir.path(), &["--clock-cycles", "--no-delta"]);
    assert!(ok && err.is_empty(), "{err}");
    let events = parse(&out);
    let t = truth(dir.path());
    check_consistency(&t, &events);
    t
}

#[test]
fn web_truth_matches_events() {
    if !have_bt2() {
        return;
    }
    for seed in [1, 7] {
        let t = run(ScenarioKind::Web, seed);
        assert!(
            t.requests.len() > 100,
            "too few requests: {}",
            t.requests.len()
        );
        assert!(
            t.requests.iter().any(|q| q.cause == "dns_timeout"),
            "no DNS timeout planted"
        );
        assert_eq!(t.problems.len(), 3);
    }
}

#[test]
fn uniform_truth_matches_events() {
    if !have_bt2() {
        return;
    }
    let t = run(ScenarioKind::Uniform, 3);
    assert!(t.syscalls.len() > 15);
}

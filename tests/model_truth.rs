//! Acceptance 1 of issue 5: on generated traces, the model's per-TID CPU time, per-CPU busy
//! time, per-syscall counts and durations, IRQ/softirq counts and durations, per-process
//! disk, network and other syscall I/O bytes, block I/O bytes and per-interface traffic equal
//! `ground-truth.json` exactly.

use std::collections::BTreeMap;
use std::path::Path;

use lttng_tui::ctf::session::Session;
use lttng_tui::r#gen::truth::GroundTruth;
use lttng_tui::r#gen::{GenConfig, ScenarioKind, generate};
use lttng_tui::model::stats::Durs;
use lttng_tui::model::{Builder, IrqKind, Model};

fn build(path: &Path) -> Model {
    Builder::build_session(&Session::open(path).expect("open"))
}

fn gen_trace(
    dir: &Path,
    scenario: ScenarioKind,
    seed: u64,
    secs: u64,
    discard: f64,
) -> GroundTruth {
    let mut cfg = GenConfig::new(scenario, dir);
    cfg.seed = seed;
    cfg.duration_ns = Some(secs * 1_000_000_000);
    cfg.discard_rate = discard;
    generate(&cfg, &mut |_| {}).expect("generate");
    let text = std::fs::read_to_string(dir.join("ground-truth.json")).expect("truth");
    serde_json::from_str(&text).expect("parse truth")
}

fn durs(d: &lttng_tui::r#gen::truth::DurStats) -> Durs {
    Durs {
        count: d.count,
        total_ns: d.total_ns,
        min_ns: d.min_ns,
        max_ns: d.max_ns,
    }
}

/// Every figure of the truth, compared; returns the number of mismatches (printed).
fn compare(m: &Model, t: &GroundTruth) -> usize {
    let mut bad = 0;
    let mut check = |what: String, ok: bool| {
        if !ok {
            eprintln!("MISMATCH {what}");
            bad += 1;
        }
    };
    let cpu = m.cpu_by_tid();
    for th in &t.threads {
        let got = cpu.get(&th.tid).copied().unwrap_or(0);
        check(
            format!("cpu_ns tid {}: {} vs truth {}", th.tid, got, th.cpu_ns),
            got == th.cpu_ns,
        );
    }
    let listed: BTreeMap<u32, u64> = t.threads.iter().map(|t| (t.tid, t.cpu_ns)).collect();
    for (tid, ns) in cpu.iter().filter(|(_, ns)| **ns > 0) {
        check(
            format!("tid {tid} ran {ns} ns but is not in truth"),
            listed.contains_key(tid),
        );
    }
    for c in &t.cpu {
        let got = m.cpus.get(c.cpu as usize).map_or(0, |x| x.busy_ns);
        check(
            format!("busy cpu {}: {} vs {}", c.cpu, got, c.busy_ns),
            got == c.busy_ns,
        );
    }
    let sys = m.syscall_stats();
    for (name, d) in &t.syscalls {
        let got = sys.get(name).copied().unwrap_or_default();
        check(format!("syscall {name}: {got:?} vs {d:?}"), got == durs(d));
    }
    for name in sys.keys() {
        check(
            format!("syscall {name} not in truth"),
            t.syscalls.contains_key(name),
        );
    }
    let irqs = m.irq_stats();
    for i in &t.irqs {
        let got = irqs
            .get(&(IrqKind::Hard, i.irq))
            .copied()
            .unwrap_or_default();
        check(
            format!("irq {}: {got:?} vs {:?}", i.irq, i.stats),
            got == durs(&i.stats),
        );
    }
    for s in &t.softirqs {
        let got = irqs
            .get(&(IrqKind::Soft, s.vec))
            .copied()
            .unwrap_or_default();
        check(
            format!("softirq {}: {got:?} vs {:?}", s.vec, s.stats),
            got == durs(&s.stats),
        );
        let raises = m.softirq_raises.get(s.vec as usize).copied().unwrap_or(0);
        check(
            format!("raises {}: {raises} vs {}", s.vec, s.raises),
            raises == s.raises,
        );
    }
    let io = m.io_by_pid();
    for p in &t.processes {
        let got = io.get(&p.pid).copied().unwrap_or_default();
        // Every byte must be classified exactly as the simulation did: files, sockets, and
        // the rest (anonymous inodes, pipes, devices), `splice` counting as read from its
        // input fd and written to its output fd.
        let want = [
            p.disk_read_bytes,
            p.disk_written_bytes,
            p.net_read_bytes,
            p.net_written_bytes,
            p.other_read_bytes,
            p.other_written_bytes,
        ];
        check(
            format!("io pid {} ({}): {:?} vs {want:?}", p.pid, p.name, got.io),
            got.io == want,
        );
        let wb = [p.block_read_bytes, p.block_written_bytes];
        check(
            format!("block pid {}: {:?} vs {wb:?}", p.pid, got.block),
            got.block == wb,
        );
    }
    for n in &t.net_ifs {
        let nif = m.net_ifs.iter().find(|x| m.strings.get(x.name) == n.name);
        let (mut sent, mut recv, mut sp, mut rp) = (0u64, 0u64, 0u64, 0u64);
        if let Some(nif) = nif {
            for (len, s) in nif.packets.len.iter().zip(&nif.packets.sent) {
                if *s {
                    sent += u64::from(*len);
                    sp += 1;
                } else {
                    recv += u64::from(*len);
                    rp += 1;
                }
            }
        }
        let ok = (sent, recv, sp, rp)
            == (
                n.sent_bytes,
                n.received_bytes,
                n.sent_packets,
                n.received_packets,
            );
        check(
            format!("netif {}: {sent} {recv} {sp} {rp} vs {n:?}", n.name),
            ok,
        );
    }
    check(
        format!("end {} vs {}", m.end, t.trace_end_ns),
        m.end == t.trace_end_ns,
    );
    bad
}

#[test]
fn model_equals_ground_truth_web() {
    let dir = tempfile::tempdir().expect("tempdir");
    for seed in [1, 3, 7] {
        let t = gen_trace(dir.path(), ScenarioKind::Web, seed, 4, 0.0);
        let m = build(&dir.path().join("kernel"));
        assert_eq!(compare(&m, &t), 0, "web seed {seed}");
        assert!(m.gaps.is_empty());
    }
}

#[test]
fn model_equals_ground_truth_uniform() {
    let dir = tempfile::tempdir().expect("tempdir");
    for seed in [1, 2, 3] {
        let t = gen_trace(dir.path(), ScenarioKind::Uniform, seed, 1, 0.0);
        let m = build(&dir.path().join("kernel"));
        assert_eq!(compare(&m, &t), 0, "uniform seed {seed}");
    }
}

/// With `--discard-rate` the truth describes the simulation, including the events the
/// simulated tracer dropped, so the trace alone cannot reproduce it exactly. What must hold:
/// every loss is recorded as a gap covering the dropped events, and the model never invents
/// activity (CPU time and completed syscalls never exceed the truth).
#[test]
fn lossy_traces_record_every_gap_and_never_overcount() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (scenario, seed, secs) in [(ScenarioKind::Uniform, 5, 1), (ScenarioKind::Web, 2, 8)] {
        let t = gen_trace(dir.path(), scenario, seed, secs, 0.3);
        assert!(t.events_discarded > 0);
        let m = build(&dir.path().join("kernel"));
        eprintln!(
            "lossy: {} figures differ from the lossless simulation",
            compare(&m, &t)
        );
        for d in &t.discarded {
            let covered = m.gaps.iter().any(|g| {
                g.cpu == d.cpu
                    && g.count == Some(d.count)
                    && g.begin <= d.first_ns
                    && g.end >= d.last_ns
            });
            assert!(covered, "no gap covers {d:?}");
        }
        assert_eq!(m.gaps.len(), t.discarded.len());
        let cpu = m.cpu_by_tid();
        for th in &t.threads {
            let got = cpu.get(&th.tid).copied().unwrap_or(0);
            assert!(
                got <= th.cpu_ns,
                "tid {} overcounted: {got} > {}",
                th.tid,
                th.cpu_ns
            );
        }
        for (name, d) in m.syscall_stats() {
            let want = t.syscalls.get(&name).map_or(0, |x| x.count);
            assert!(d.count <= want, "{name}: {} > {want}", d.count);
        }
        assert!(m.counters.invalidated > 0);
    }
}

//! End of the simulation: close the trace and turn the accumulators into ground truth.

use std::io;

use super::{Engine, TState};
use crate::r#gen::catalog::{SC_COUNT, Sc};
use crate::r#gen::truth::{
    CpuTruth, Discard, GroundTruth, IrqTruth, NetIfTruth, ProcessTruth, SOFTIRQ_NAMES,
    SoftirqTruth, ThreadTruth,
};

/// What a finished simulation hands back to the scenario.
pub struct Finished {
    /// Ground truth in raw clock values (the caller converts with [`GroundTruth::shift`]).
    pub truth: GroundTruth,
    /// Bytes written to the stream files.
    pub bytes: u64,
}

fn all_syscalls() -> impl Iterator<Item = Sc> {
    Sc::ALL.into_iter()
}

pub(super) fn finish(mut e: Engine, end: u64) -> io::Result<Finished> {
    debug_assert_eq!(all_syscalls().count() as u32, SC_COUNT);
    let end = end.max(e.last_ts());
    // Threads still running are credited up to the end of the trace.
    for c in &mut e.cpus {
        if let Some(p) = c.cur {
            let ran = end - c.run_since;
            c.busy_ns += ran;
            e.threads[p].cpu_ns += ran;
        }
    }
    let per_cpu_events: Vec<u64> = e.w.streams().iter().map(|s| s.events()).collect();
    let mut t = GroundTruth {
        trace_begin_ns: e.begin,
        trace_end_ns: end,
        events: e.w.events(),
        cpus: e.cpus.len() as u32,
        ..GroundTruth::default()
    };
    t.cpu = e
        .cpus
        .iter()
        .enumerate()
        .map(|(i, c)| CpuTruth {
            cpu: i as u32 + e.cpu_base,
            busy_ns: c.busy_ns,
            events: per_cpu_events[i],
        })
        .collect();
    t.threads = threads(&e);
    t.processes = processes(&e);
    t.syscalls = all_syscalls()
        .map(|sc| (sc.name().to_string(), e.stats.sys[sc as usize]))
        .filter(|(_, s)| s.count > 0)
        .collect();
    interrupts(&e, &mut t);
    let Engine { w, .. } = e;
    let (losses, bytes) = w.finish(end)?;
    t.events_discarded = losses.iter().map(|l| l.count).sum();
    t.discarded = losses
        .iter()
        .map(|l| Discard {
            cpu: l.cpu,
            packet_seq_num: l.packet_seq_num,
            count: l.count,
            first_ns: l.first_ts,
            last_ns: l.last_ts,
        })
        .collect();
    Ok(Finished { truth: t, bytes })
}

fn comm_of(c: &[u8; 16]) -> String {
    String::from_utf8_lossy(c)
        .trim_end_matches('\0')
        .to_string()
}

/// Threads that ran (or are runnable), by TID.
fn threads(e: &Engine) -> Vec<ThreadTruth> {
    let mut threads: Vec<ThreadTruth> = e
        .threads
        .iter()
        .filter(|th| th.cpu_ns > 0 || th.state != TState::Blocked)
        .map(|th| ThreadTruth {
            tid: th.tid,
            pid: th.pid,
            comm: comm_of(&th.comm),
            cpu_ns: th.cpu_ns,
            wait_cpu_ns: th.wait_cpu_ns,
        })
        .collect();
    threads.sort_by_key(|x| x.tid);
    threads
}

/// Processes with their I/O totals, by PID.
fn processes(e: &Engine) -> Vec<ProcessTruth> {
    let mut procs: Vec<ProcessTruth> = e
        .procs
        .iter()
        .map(|p| ProcessTruth {
            pid: p.pid,
            // The leader's comm, or another thread's when the leader is not simulated.
            name: e
                .tid_index
                .get(&p.pid)
                .map(|&i| &e.threads[i])
                .or_else(|| e.threads.iter().find(|t| t.pid == p.pid))
                .map(|t| comm_of(&t.comm))
                .unwrap_or_default(),
            disk_read_bytes: p.io[0],
            disk_written_bytes: p.io[1],
            net_read_bytes: p.io[2],
            net_written_bytes: p.io[3],
            block_read_bytes: p.io[4],
            block_written_bytes: p.io[5],
            other_read_bytes: p.io[6],
            other_written_bytes: p.io[7],
        })
        .collect();
    procs.sort_by_key(|p| p.pid);
    procs
}

/// Hard IRQs, softirqs and network interfaces.
fn interrupts(e: &Engine, t: &mut GroundTruth) {
    let mut irqs: Vec<IrqTruth> = e
        .stats
        .irqs
        .iter()
        .map(|(irq, name, s)| IrqTruth {
            irq: *irq,
            name: name.clone(),
            stats: *s,
        })
        .collect();
    irqs.sort_by_key(|i| i.irq);
    t.irqs = irqs;
    t.softirqs = e
        .stats
        .softirq
        .iter()
        .enumerate()
        .filter(|(_, (raises, s))| *raises > 0 || s.count > 0)
        .map(|(v, (raises, s))| SoftirqTruth {
            vec: v as u32,
            name: SOFTIRQ_NAMES[v].to_string(),
            raises: *raises,
            stats: *s,
        })
        .collect();
    t.net_ifs = e
        .netifs
        .iter()
        .map(|n| NetIfTruth {
            name: n.name.clone(),
            sent_bytes: n.sent_bytes,
            received_bytes: n.received_bytes,
            sent_packets: n.sent_packets,
            received_packets: n.received_packets,
        })
        .collect();
}

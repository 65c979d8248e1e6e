//! End of the simulation: close the trace and turn the accumulators into ground truth.

use std::io;

use super::{Engine, Mark, TState};
use crate::r#gen::catalog::{SC_COUNT, Sc};
use crate::r#gen::truth::{
    CpuTruth, Discard, GroundTruth, IrqTruth, NetIfTruth, ProcessTruth, SOFTIRQ_NAMES,
    SoftirqTruth, ThreadTruth,
};

/// What a finished simulation hands back to the scenario.
pub struct Finished {
    /// Ground truth in raw clock values (the caller converts with [`GroundTruth::shift`]).
    pub truth: GroundTruth,
    /// Marked syscalls, in exit order per thread.
    pub marks: Vec<Mark>,
    /// Bytes written to the stream files.
    pub bytes: u64,
}

fn all_syscalls() -> impl Iterator<Item = Sc> {
    use Sc::*;
    [
        Read,
        Write,
        Writev,
        Openat,
        Newstat,
        Newfstat,
        Close,
        Socket,
        Connect,
        Accept4,
        Sendto,
        Recvfrom,
        Select,
        EpollWait,
        Futex,
        Mmap,
        Munmap,
        Pread64,
        Pwrite64,
        Ioctl,
        Lseek,
        Fsync,
        ClockNanosleep,
        Clone,
        Execve,
        Wait4,
        ExitGroup,
        RtSigprocmask,
        Brk,
        Getpid,
        Splice,
    ]
    .into_iter()
}

pub(super) fn finish(mut e: Engine, end: u64) -> io::Result<Finished> {
    debug_assert_eq!(all_syscalls().count() as u32, SC_COUNT);
    let end = end.max(e.last_ts());
    for c in &mut e.cpus {
        if let Some(p) = c.cur {
            let ran = end - c.run_since;
            c.busy_ns += ran;
            e.threads[p].cpu_ns += ran;
        }
    }
    let per_cpu_events: Vec<u64> = e.w.streams().iter().map(|s| s.events()).collect();
    let events = e.w.events();
    let mut t = GroundTruth {
        trace_begin_ns: e.begin,
        trace_end_ns: end,
        events,
        cpus: e.cpus.len() as u32,
        ..GroundTruth::default()
    };
    let (losses, bytes) = e.w.finish(end)?;
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
    let comm_of = |c: &[u8; 16]| {
        String::from_utf8_lossy(c)
            .trim_end_matches('\0')
            .to_string()
    };
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
    t.threads = threads;
    for sc in all_syscalls() {
        let s = e.stats.sys[sc as usize];
        if s.count > 0 {
            t.syscalls.insert(sc.name().to_string(), s);
        }
    }
    t.processes = e
        .procs
        .iter()
        .map(|p| {
            let name = e
                .tid_index
                .get(&p.pid)
                .map(|&i| comm_of(&e.threads[i].comm))
                .unwrap_or_default();
            ProcessTruth {
                pid: p.pid,
                name,
                disk_read_bytes: p.io[0],
                disk_written_bytes: p.io[1],
                net_read_bytes: p.io[2],
                net_written_bytes: p.io[3],
                block_read_bytes: p.io[4],
                block_written_bytes: p.io[5],
            }
        })
        .collect();
    t.processes.sort_by_key(|p| p.pid);
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
    Ok(Finished {
        truth: t,
        marks: e.stats.marks,
        bytes,
    })
}

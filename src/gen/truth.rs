//! `ground-truth.json`: what the simulation did, computed from the simulation itself.
//!
//! Definitions (the same as the analyses', so tests can compare exactly):
//! * times are ns since the Unix epoch (clock value + `clock_offset_ns`; the clock is 1 GHz);
//! * a thread's CPU time runs from the `sched_switch` that switches it in to the one that
//!   switches it out; a thread still running at the end is credited up to `trace_end_ns`,
//!   the timestamp of the last event of the trace. Every CPU starts idle (swapper), so no
//!   time is inferred before a CPU's first switch;
//! * a CPU's busy time is the time a thread other than its swapper was current;
//! * a syscall's duration is exit timestamp − entry timestamp of the same thread; calls
//!   without both events in the trace (still pending at the end, `exit_group`, the child's
//!   return from `clone`) are not counted;
//! * I/O bytes are the `ret` of successful read/write-family calls, split by fd kind
//!   (disk file, network socket, or other: anonymous inode, pipe, device node); `splice` and
//!   `sendfile64` count as lttng-analyses counts them, their `ret` both as read from the
//!   input fd and as written to the output fd; block bytes are `nr_sector × 512` per `block_rq_issue`,
//!   charged to the issuing thread's process;
//! * an IRQ lasts from `irq_handler_entry` to `irq_handler_exit` on the same CPU, a softirq
//!   from `irq_softirq_entry` to `irq_softirq_exit`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Count and total/min/max of durations in ns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurStats {
    /// Number of samples.
    pub count: u64,
    /// Sum of durations.
    pub total_ns: u64,
    /// Shortest (0 when there is none).
    pub min_ns: u64,
    /// Longest.
    pub max_ns: u64,
}

impl DurStats {
    /// Adds one duration.
    pub fn add(&mut self, d: u64) {
        self.min_ns = if self.count == 0 {
            d
        } else {
            self.min_ns.min(d)
        };
        self.max_ns = self.max_ns.max(d);
        self.count += 1;
        self.total_ns += d;
    }
}

/// Per-thread truth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadTruth {
    /// Thread id.
    pub tid: u32,
    /// Process id.
    pub pid: u32,
    /// Last comm.
    pub comm: String,
    /// CPU time.
    pub cpu_ns: u64,
    /// Time spent runnable but waiting for a CPU (wakeup or preemption to switch-in).
    pub wait_cpu_ns: u64,
}

/// Per-CPU truth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuTruth {
    /// CPU number.
    pub cpu: u32,
    /// Time with a non-idle thread current.
    pub busy_ns: u64,
    /// Events written in this CPU's stream.
    pub events: u64,
}

/// Per-process I/O truth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessTruth {
    /// Process id.
    pub pid: u32,
    /// Name (comm of the main thread at the end).
    pub name: String,
    /// Bytes read from files by syscalls.
    pub disk_read_bytes: u64,
    /// Bytes written to files by syscalls.
    pub disk_written_bytes: u64,
    /// Bytes received from sockets by syscalls.
    pub net_read_bytes: u64,
    /// Bytes sent to sockets by syscalls.
    pub net_written_bytes: u64,
    /// Bytes of block read requests issued by the process's threads.
    pub block_read_bytes: u64,
    /// Bytes of block write requests issued by the process's threads.
    pub block_written_bytes: u64,
    /// Bytes read by syscalls from fds that are neither files nor sockets (anonymous
    /// inodes, pipes, device nodes).
    #[serde(default)]
    pub other_read_bytes: u64,
    /// Bytes written by syscalls to such fds.
    #[serde(default)]
    pub other_written_bytes: u64,
}

/// Hard IRQ truth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IrqTruth {
    /// IRQ line.
    pub irq: u32,
    /// Handler name.
    pub name: String,
    /// Durations.
    pub stats: DurStats,
}

/// Softirq truth.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftirqTruth {
    /// Vector.
    pub vec: u32,
    /// Vector name.
    pub name: String,
    /// Number of `irq_softirq_raise` events.
    pub raises: u64,
    /// Entry-to-exit durations.
    pub stats: DurStats,
}

/// Bytes per network interface.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetIfTruth {
    /// Interface name.
    pub name: String,
    /// Sum of `net_dev_xmit.len`.
    pub sent_bytes: u64,
    /// Sum of `net_if_receive_skb.len`.
    pub received_bytes: u64,
    /// Packets sent.
    pub sent_packets: u64,
    /// Packets received.
    pub received_packets: u64,
}

/// One phase of a web request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    /// `parse`, `dns`, `db`, `render`, `send`.
    pub name: String,
    /// Begin (ns since epoch).
    pub begin_ns: u64,
    /// End.
    pub end_ns: u64,
}

/// One HTTP request served by an apache2 worker (`web` scenario).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Worker thread.
    pub tid: u32,
    /// The client fd returned by `accept4`.
    pub fd: i64,
    /// Timestamp of `syscall_exit_accept4`.
    pub begin_ns: u64,
    /// Timestamp of the `syscall_exit_close` of the client fd.
    pub end_ns: u64,
    /// `end_ns - begin_ns`.
    pub duration_ns: u64,
    /// Phases in order.
    pub phases: Vec<Phase>,
    /// Time the worker waited for a CPU during the request.
    pub wait_cpu_ns: u64,
    /// Whether the request is slow (over the scenario's threshold).
    pub slow: bool,
    /// Why it is slow: `dns_timeout`, `cpu_contention`, `disk_contention`, or empty.
    pub cause: String,
}

/// A planted problem and its time window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Short kind (`dns_timeout`, `cpu_hog`, `core_dump`).
    pub kind: String,
    /// Window begin.
    pub begin_ns: u64,
    /// Window end.
    pub end_ns: u64,
    /// What happened, for humans.
    pub description: String,
}

/// Events the simulated tracer dropped (with `--discard-rate`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discard {
    /// CPU / stream.
    pub cpu: u32,
    /// Packet whose `events_discarded` first includes them.
    pub packet_seq_num: u64,
    /// Number of events.
    pub count: u64,
    /// First dropped event's timestamp.
    pub first_ns: u64,
    /// Last dropped event's timestamp.
    pub last_ns: u64,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroundTruth {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Number of CPUs (streams).
    pub cpus: u32,
    /// Clock offset: add to a raw clock value to get ns since the epoch.
    pub clock_offset_ns: u64,
    /// Every stream's first packet begins here.
    pub trace_begin_ns: u64,
    /// Timestamp of the last event.
    pub trace_end_ns: u64,
    /// Events written (dropped ones excluded).
    pub events: u64,
    /// Events dropped by the simulated tracer.
    pub events_discarded: u64,
    /// Threads that ran or existed, by TID.
    pub threads: Vec<ThreadTruth>,
    /// CPUs.
    pub cpu: Vec<CpuTruth>,
    /// Per syscall name, completed calls.
    pub syscalls: BTreeMap<String, DurStats>,
    /// Per process I/O.
    pub processes: Vec<ProcessTruth>,
    /// Hard IRQs by line.
    pub irqs: Vec<IrqTruth>,
    /// Softirqs by vector.
    pub softirqs: Vec<SoftirqTruth>,
    /// Network interfaces.
    pub net_ifs: Vec<NetIfTruth>,
    /// Web requests (empty for other scenarios).
    pub requests: Vec<Request>,
    /// Planted problems.
    pub problems: Vec<Problem>,
    /// Dropped events.
    pub discarded: Vec<Discard>,
}

/// Softirq vector names (kernel-model.md §2.3).
pub const SOFTIRQ_NAMES: [&str; 10] = [
    "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU",
];

impl GroundTruth {
    /// Converts every timestamp from raw clock values to ns since the epoch.
    pub fn shift(&mut self, offset: u64) {
        self.clock_offset_ns = offset;
        self.trace_begin_ns += offset;
        self.trace_end_ns += offset;
        for r in &mut self.requests {
            r.begin_ns += offset;
            r.end_ns += offset;
            for p in &mut r.phases {
                p.begin_ns += offset;
                p.end_ns += offset;
            }
        }
        for p in &mut self.problems {
            p.begin_ns += offset;
            p.end_ns += offset;
        }
        for d in &mut self.discarded {
            d.first_ns += offset;
            d.last_ns += offset;
        }
    }
}

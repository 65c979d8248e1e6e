//! Whole-trace figures computed from a model: the ones the generator's ground truth and
//! lttng-analyses report, and the `index` summary.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{IrqKind, Model};

/// Count and total/min/max of durations in ns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Durs {
    /// Number of samples.
    pub count: u64,
    /// Sum.
    pub total_ns: u64,
    /// Shortest (0 when none).
    pub min_ns: u64,
    /// Longest.
    pub max_ns: u64,
}

impl Durs {
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

/// I/O bytes of one process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ProcessIo {
    /// Syscall bytes: file read/written, socket read/written, other read/written.
    pub io: [u64; 6],
    /// Block bytes read/written.
    pub block: [u64; 2],
}

impl Model {
    /// CPU time per TID (all generations), idle threads excluded.
    pub fn cpu_by_tid(&self) -> BTreeMap<u32, u64> {
        let mut out = BTreeMap::new();
        for t in self.threads.iter().filter(|t| t.idle_cpu.is_none()) {
            *out.entry(t.tid).or_insert(0) += t.cpu_ns;
        }
        out
    }

    /// Completed syscalls (entry and exit seen) per canonical name.
    pub fn syscall_stats(&self) -> BTreeMap<String, Durs> {
        let mut by_id: BTreeMap<u32, Durs> = BTreeMap::new();
        for t in &self.threads {
            let s = &t.syscalls;
            for i in 0..s.span.len() {
                if s.complete(i) {
                    by_id.entry(s.name(i)).or_default().add(s.span.dur(i));
                }
            }
        }
        by_id
            .into_iter()
            .map(|(k, v)| (self.strings.get(k).to_string(), v))
            .collect()
    }

    /// Completed syscalls per TID.
    pub fn syscall_counts_by_tid(&self) -> BTreeMap<u32, u64> {
        let mut out = BTreeMap::new();
        for t in &self.threads {
            let s = &t.syscalls;
            let n = (0..s.span.len()).filter(|&i| s.complete(i)).count() as u64;
            if n > 0 {
                *out.entry(t.tid).or_insert(0) += n;
            }
        }
        out
    }

    /// Interrupt durations per (kind, line or vector).
    pub fn irq_stats(&self) -> BTreeMap<(IrqKind, u32), Durs> {
        let mut out: BTreeMap<(IrqKind, u32), Durs> = BTreeMap::new();
        for c in &self.cpus {
            let l = &c.irqs;
            for i in 0..l.span.len() {
                out.entry((l.kind[i], l.number[i]))
                    .or_default()
                    .add(l.span.dur(i));
            }
        }
        out
    }

    /// Syscall and block I/O per pid (threads with an unknown pid count under their TID).
    pub fn io_by_pid(&self) -> BTreeMap<u32, ProcessIo> {
        let mut out: BTreeMap<u32, ProcessIo> = BTreeMap::new();
        for t in self.threads.iter().filter(|t| t.idle_cpu.is_none()) {
            let e = out.entry(t.pid.unwrap_or(t.tid)).or_default();
            for (a, b) in e.io.iter_mut().zip(t.io) {
                *a += b;
            }
            for (a, b) in e.block.iter_mut().zip(t.block) {
                *a += b;
            }
        }
        out
    }

    /// Busy time per CPU.
    pub fn busy_by_cpu(&self) -> Vec<(u32, u64)> {
        self.cpus.iter().map(|c| (c.id, c.busy_ns)).collect()
    }
}

/// Counts for the `index` summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Events.
    pub events: u64,
    /// Thread generations (idle threads excluded).
    pub threads: usize,
    /// Processes.
    pub processes: usize,
    /// CPUs.
    pub cpus: usize,
    /// Syscalls recorded.
    pub syscalls: usize,
    /// Hard IRQs.
    pub irqs: usize,
    /// Softirqs.
    pub softirqs: usize,
    /// Block requests.
    pub block_requests: usize,
    /// Wake-up latencies.
    pub wakeups: usize,
    /// Thread state changes.
    pub state_changes: usize,
    /// Network packets.
    pub packets: usize,
    /// Fd lifetimes.
    pub fds: usize,
    /// Page allocations and frees.
    pub pages: [usize; 2],
    /// Lost-event windows.
    pub gaps: usize,
    /// Events lost in them (when counted).
    pub events_lost: u64,
    /// Heap bytes of the model.
    pub model_bytes: usize,
}

impl Model {
    /// The summary counts.
    pub fn summary(&self) -> Summary {
        let user = || self.threads.iter().filter(|t| t.idle_cpu.is_none());
        let irq_kinds = |k: IrqKind| -> usize {
            self.cpus
                .iter()
                .map(|c| c.irqs.kind.iter().filter(|&&x| x == k).count())
                .sum()
        };
        Summary {
            events: self.events,
            threads: user().count(),
            processes: self.processes.len(),
            cpus: self.cpus.len(),
            syscalls: self.threads.iter().map(|t| t.syscalls.span.len()).sum(),
            irqs: irq_kinds(IrqKind::Hard),
            softirqs: irq_kinds(IrqKind::Soft),
            block_requests: self.block.span.len(),
            wakeups: self.threads.iter().map(|t| t.wakeups.span.len()).sum(),
            state_changes: self.threads.iter().map(|t| t.states.len()).sum(),
            packets: self.net_ifs.iter().map(|n| n.packets.at.len()).sum(),
            fds: self.processes.iter().map(|p| p.fds.history.len()).sum(),
            pages: [
                self.cpus.iter().map(|c| c.pages.alloc.len()).sum(),
                self.cpus.iter().map(|c| c.pages.free.len()).sum(),
            ],
            gaps: self.gaps.len(),
            events_lost: self.gaps.iter().filter_map(|g| g.count).sum(),
            model_bytes: self.heap_bytes(),
        }
    }
}

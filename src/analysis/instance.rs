//! Where one thread's time went inside a range (a period instance), from the model's
//! scheduling timelines: running, waiting for a CPU (and which CPU), blocked (in which
//! syscall, and whether on file or device I/O); plus the I/O it did and the interrupts that
//! hit the CPUs it used. The drill-down of the Periods tab shows these; [`super::cputheft`]
//! says who held the CPU it waited for.

use std::collections::BTreeMap;

use super::inside::fd_at;
use super::irq::irq_name;
use crate::model::store::sysflag;
use crate::model::{FdKind, IrqKind, Model, SchedState};

/// A time range, ns since the epoch, inclusive of both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Begin.
    pub begin: u64,
    /// End.
    pub end: u64,
}

impl Span {
    fn overlap(self, a: u64, b: u64) -> u64 {
        b.min(self.end).saturating_sub(a.max(self.begin))
    }
}

/// Why a thread was blocked: the syscall it slept in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// The syscall (`(no syscall)` for sleeps outside one, such as page faults).
    pub syscall: String,
    /// Time blocked in it, ns.
    pub ns: u64,
    /// Its fd was a file or a device: blocked on I/O.
    pub io: bool,
}

/// Where the thread's time went inside the range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct States {
    /// Running on a CPU, ns.
    pub cpu_ns: u64,
    /// Runnable but not running, ns.
    pub wait_cpu_ns: u64,
    /// Sleeping, ns.
    pub blocked_ns: u64,
    /// Of `blocked_ns`, inside syscalls on files or devices.
    pub blocked_io_ns: u64,
    /// State unknown (before the thread was seen, lost events), ns.
    pub unknown_ns: u64,
    /// Blocked time by syscall, longest first.
    pub blocked: Vec<Blocked>,
    /// Running time per CPU, (cpu, ns), by CPU.
    pub ran_on: Vec<(u32, u64)>,
    /// Waits for a CPU as (begin, end, cpu): the CPU is the one the thread next ran on.
    pub waits: Vec<(u64, u64, u32)>,
}

impl States {
    /// Waiting time per CPU waited for, (cpu, ns), by CPU.
    pub fn waited_on(&self) -> Vec<(u32, u64)> {
        let mut per: BTreeMap<u32, u64> = BTreeMap::new();
        for &(a, b, cpu) in &self.waits {
            *per.entry(cpu).or_default() += b - a;
        }
        per.into_iter().collect()
    }

    /// The CPUs the thread ran on or waited for.
    pub fn cpus(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .ran_on
            .iter()
            .map(|c| c.0)
            .chain(self.waits.iter().map(|w| w.2))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// The model's thread indices of `tid` (every generation, idle threads excluded).
pub fn generations(m: &Model, tid: u32) -> Vec<u32> {
    m.threads_of(tid).collect()
}

/// Where thread `tid`'s time went inside `r`.
pub fn states(m: &Model, tid: u32, r: Span) -> States {
    let mut s = States::default();
    let mut blocked: BTreeMap<(String, bool), u64> = BTreeMap::new();
    let mut ran: BTreeMap<u32, u64> = BTreeMap::new();
    for th in generations(m, tid) {
        let Some(t) = m.threads.get(th as usize) else {
            continue;
        };
        let steps: Vec<(u64, u64, u32)> = t.states.steps(r.begin, r.end, m.end).collect();
        for (k, &(a, b, code)) in steps.iter().enumerate() {
            let ns = r.overlap(a, b);
            if ns == 0 {
                continue;
            }
            match SchedState::from_code(code) {
                SchedState::Running => {
                    s.cpu_ns += ns;
                    *ran.entry(code >> 8).or_default() += ns;
                }
                SchedState::WaitCpu => {
                    s.wait_cpu_ns += ns;
                    // The CPU it waited for is the one it ran on next.
                    let next = steps.get(k + 1).map(|x| x.2).or_else(|| t.states.at(b));
                    if let Some(n) =
                        next.filter(|&c| SchedState::from_code(c) == SchedState::Running)
                    {
                        s.waits.push((a.max(r.begin), b.min(r.end), n >> 8));
                    }
                }
                SchedState::WaitBlocked => {
                    s.blocked_ns += ns;
                    let at = a.max(r.begin);
                    let (name, io) = match m.syscall_at(th, at) {
                        Some(i) => {
                            let fd = t.syscalls.fd(i);
                            let kind = fd_at(m, t, fd, t.syscalls.span.begin(i)).map(|e| e.kind);
                            let io = matches!(kind, Some(FdKind::File | FdKind::Device));
                            (m.strings.get(t.syscalls.name(i)).to_owned(), io)
                        }
                        None => ("(no syscall)".to_owned(), false),
                    };
                    if io {
                        s.blocked_io_ns += ns;
                    }
                    *blocked.entry((name, io)).or_default() += ns;
                }
                _ => s.unknown_ns += ns,
            }
        }
    }
    s.blocked = blocked
        .into_iter()
        .map(|((syscall, io), ns)| Blocked { syscall, ns, io })
        .collect();
    s.blocked
        .sort_by(|a, b| b.ns.cmp(&a.ns).then(a.syscall.cmp(&b.syscall)));
    s.ran_on = ran.into_iter().collect();
    s
}

/// Bytes one file or socket saw from the thread.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileIo {
    /// Path, peer address, or `fd N` when unknown.
    pub target: String,
    /// Bytes read.
    pub read: u64,
    /// Bytes written.
    pub written: u64,
}

/// The I/O the thread did inside the range.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Io {
    /// Syscall bytes per target, most bytes first (calls that end inside the range).
    pub files: Vec<FileIo>,
    /// Block requests the thread issued inside the range.
    pub block_requests: u64,
    /// Their bytes: read, written.
    pub block_bytes: [u64; 2],
    /// Block requests of the whole machine issued inside the range (the disk's load).
    pub machine_block_requests: u64,
    /// Their bytes: read, written.
    pub machine_block_bytes: [u64; 2],
}

/// The I/O of thread `tid` inside `r`.
pub fn io(m: &Model, tid: u32, r: Span) -> Io {
    let ths = generations(m, tid);
    let mut files: BTreeMap<String, FileIo> = BTreeMap::new();
    for &th in &ths {
        let Some(t) = m.threads.get(th as usize) else {
            continue;
        };
        let s = &t.syscalls;
        for i in s.span.candidates(r.begin, r.end) {
            let (f, end) = (s.flags[i], s.span.end(i));
            let dir = f & (sysflag::READ | sysflag::WRITE);
            if dir == 0 || end < r.begin || end > r.end {
                continue;
            }
            let fd = s.fd(i);
            let target = fd_at(m, t, fd, s.span.begin(i))
                .map_or_else(|| format!("fd {fd}"), |e| m.strings.get(e.name).to_owned());
            let bytes = u64::try_from(s.ret(i)).unwrap_or(0);
            let e = files.entry(target.clone()).or_insert_with(|| FileIo {
                target,
                ..FileIo::default()
            });
            if dir & sysflag::READ != 0 {
                e.read += bytes;
            }
            if dir & sysflag::WRITE != 0 {
                e.written += bytes;
            }
        }
    }
    let mut out = Io {
        files: files.into_values().collect(),
        ..Io::default()
    };
    out.files.sort_by(|a, b| {
        (b.read + b.written)
            .cmp(&(a.read + a.written))
            .then(a.target.cmp(&b.target))
    });
    let b = &m.block;
    for i in 0..b.span.len() {
        let issue = b.span.begin(i);
        if issue < r.begin || issue > r.end {
            continue;
        }
        let bytes = u64::from(b.nr_sector.get(i).copied().unwrap_or(0)) * 512;
        let w = usize::from(b.write.get(i).copied().unwrap_or(false));
        out.machine_block_requests += 1;
        out.machine_block_bytes[w] += bytes;
        if b.thread.get(i).is_some_and(|t| ths.contains(t)) {
            out.block_requests += 1;
            out.block_bytes[w] += bytes;
        }
    }
    out
}

/// The interrupts of one kind and number on the given CPUs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IrqHits {
    /// Hard or soft.
    pub kind: IrqKind,
    /// Line or vector.
    pub number: u32,
    /// Handler names or the softirq's name.
    pub name: String,
    /// How many overlapped the range.
    pub count: u64,
    /// Their time inside the range, ns.
    pub ns: u64,
    /// Of `count`, those that began while the thread was current on that CPU.
    pub on_thread: u64,
}

/// The interrupts on `cpus` overlapping `r`, most time first; `on_thread` counts the ones
/// that interrupted thread `tid` itself.
pub fn irqs(m: &Model, tid: u32, cpus: &[u32], r: Span) -> Vec<IrqHits> {
    let ths = generations(m, tid);
    let mut per: BTreeMap<(IrqKind, u32), IrqHits> = BTreeMap::new();
    for &cpu in cpus {
        let Some(c) = m.cpus.get(cpu as usize) else {
            continue;
        };
        for i in m.irqs_overlapping(cpu, r.begin, r.end) {
            let (a, b) = (c.irqs.span.begin(i), c.irqs.span.end(i));
            let (Some(&kind), Some(&number)) = (c.irqs.kind.get(i), c.irqs.number.get(i)) else {
                continue;
            };
            let e = per.entry((kind, number)).or_insert_with(|| IrqHits {
                kind,
                number,
                name: irq_name(m, kind, number),
                count: 0,
                ns: 0,
                on_thread: 0,
            });
            e.count += 1;
            e.ns += r.overlap(a, b);
            if c.current.at(a).is_some_and(|th| ths.contains(&th)) {
                e.on_thread += 1;
            }
        }
    }
    let mut v: Vec<IrqHits> = per.into_values().collect();
    v.sort_by(|a, b| b.ns.cmp(&a.ns).then(b.count.cmp(&a.count)));
    v
}

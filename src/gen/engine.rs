//! Discrete-event simulation of a small Linux machine, emitting LTTng kernel events.
//!
//! Why a simulation rather than random events: every event the generator writes must be
//! consistent with all others (a thread runs on one CPU at a time, `sched_switch` pairs up,
//! syscall entries and exits nest, per-CPU timestamps never go back), and the ground truth
//! must be exact. Both follow if the events are the side effects of a model that really
//! schedules threads.
//!
//! Model: each CPU has a clock `now` (the time of its last emitted event), a current thread
//! (or its swapper) and a FIFO run queue. Threads follow a [`Behavior`] that yields
//! [`Action`]s: compute in user space, make a syscall (which may block on a timer, another
//! thread, the network or the disk), exit... A binary heap orders the pending jobs (CPU
//! steps, timer expiries, device interrupts) by time; a job runs at `max(job time, cpu.now)`
//! on its CPU, so per-CPU time is monotonic by construction. Cross-CPU effects (wakeups) use
//! `max` of the two sides' times, so causality holds across streams too. A CPU step runs its
//! thread's actions until it blocks or reaches the next pending job's time, which keeps the
//! heap small and the generator fast.
//!
//! Scheduling policy, kept simple on purpose: a woken thread goes to its previous CPU if idle,
//! else (half of the time) to an idle CPU; an idle CPU steals from other run queues
//! (`sched_migrate_task`); a running thread is preempted only at a tick (HZ = 250) once its
//! slice is used (longer for negative nice), never by a wakeup. That last simplification is
//! what makes a CPU hog visible as wait-for-CPU time, as in the scenarios' planted problems.

mod action;
mod api;
mod devices;
mod emit;
mod report;
mod sched;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::io;

use super::catalog;
use super::rng::Rng;
use super::truth::DurStats;
use crate::ctf::writer::stream::TraceWriter;

pub use api::{Action, Behavior, Block, Cx, DiskReq, FdKind, Io, Mark, Script, Spawn, Sys};
pub use devices::{Disk, NetIf, Noise};

/// Thread id.
pub type Tid = u32;

/// Receives [`Mark`]s (scenario bookkeeping such as request phases).
pub type MarkSink = Box<dyn FnMut(Mark) + Send>;

/// Hasher for TID/PID keys: std's SipHash is needlessly slow on this hot path, and the keys
/// come from the scenario, not from an adversary.
#[derive(Default)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type IdMap<V> = HashMap<u32, V, std::hash::BuildHasherDefault<IdHasher>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TState {
    Running(u32),
    Runnable(u32),
    Blocked,
    Dead,
}

#[derive(Debug, Clone)]
enum Cont {
    Fresh,
    Compute(u64),
    SysExit(Sys),
    KernelDone,
    CloneChild,
}

/// Static identity of a thread when the scenario creates it.
#[derive(Debug, Clone)]
pub struct ThreadSpec {
    /// TID (and PID when `pid == tid`).
    pub tid: Tid,
    /// Process id.
    pub pid: u32,
    /// Parent process id.
    pub ppid: u32,
    /// Comm.
    pub comm: String,
    /// Priority as the tracer shows it (nice 0 → 20).
    pub prio: i32,
    /// Kernel thread.
    pub kernel: bool,
    /// Pinned to this CPU.
    pub affinity: Option<u32>,
    /// Delay after the trace begin of its first wakeup.
    pub first_wake_ns: u64,
}

struct Thread {
    tid: Tid,
    pid: u32,
    /// Index of the process in `Engine::procs` (`usize::MAX`: unknown).
    proc_ix: usize,
    comm: [u8; 16],
    prio: i32,
    kernel: bool,
    affinity: Option<u32>,
    state: TState,
    last_cpu: u32,
    cont: Cont,
    behavior: Option<Box<dyn Behavior>>,
    tokens: u32,
    waiting: bool,
    last_ts: u64,
    sys_entry_ts: u64,
    cpu_ns: u64,
    wait_cpu_ns: u64,
    runnable_since: u64,
}

/// A process: identity, open files (for the statedump) and I/O totals.
pub struct Process {
    /// Process id.
    pub pid: u32,
    /// Parent process id.
    pub ppid: u32,
    /// Open fds at trace start: fd, path, open flags.
    pub fds: Vec<(i32, String, u32)>,
    file_table: u64,
    /// Bytes: disk read/written, net read/written, block read/written, other read/written.
    io: [u64; 8],
}

struct Cpu {
    swapper: [u8; 16],
    now: u64,
    cur: Option<usize>,
    rq: VecDeque<usize>,
    step_at: Option<u64>,
    next_tick: u64,
    run_since: u64,
    busy_ns: u64,
}

/// A pending job. Kept small (16 bytes) because the heap moves these around constantly;
/// disk completions keep their details in `Engine::disk_jobs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Job {
    Step(u32),
    Timer(u32),
    DiskDone(u32),
    NetRx { cpu: u32, tix: u32, len: u32 },
    Noise(u32),
}

/// A block request in flight.
#[derive(Debug, Clone, Copy)]
struct DiskJob {
    cpu: u32,
    tix: usize,
    req: DiskReq,
    sector: u64,
    last: bool,
}

#[derive(Default)]
struct Stats {
    sys: Vec<DurStats>,
    irqs: Vec<(u32, String, DurStats)>,
    softirq: [(u64, DurStats); 10],
    mark_sink: Option<MarkSink>,
}

/// The simulation.
pub struct Engine {
    w: TraceWriter,
    cpus: Vec<Cpu>,
    threads: Vec<Thread>,
    tid_index: IdMap<usize>,
    procs: Vec<Process>,
    pid_index: IdMap<usize>,
    heap: BinaryHeap<Reverse<(u64, u64, Job)>>,
    seq: u64,
    rng: Rng,
    scratch: Vec<u8>,
    begin: u64,
    cpu_base: u32,
    total_cpus: u32,
    listing: Vec<Listed>,
    next_tid: u32,
    stats: Stats,
    disks: Vec<Disk>,
    disk_jobs: Vec<DiskJob>,
    disk_free: Vec<u32>,
    netifs: Vec<NetIf>,
    noise: Vec<Noise>,
}

/// Where an [`Engine`] sits: the CPUs it simulates out of the machine's, its first clock
/// value, and the first TID it gives to new threads.
#[derive(Debug, Clone, Copy)]
pub struct Machine {
    /// First CPU simulated (CPU numbers in events are global).
    pub first_cpu: u32,
    /// CPUs simulated.
    pub cpus: u32,
    /// CPUs of the whole machine.
    pub total_cpus: u32,
    /// Clock value at the trace begin.
    pub begin: u64,
    /// First TID for forked threads.
    pub first_tid: u32,
}

/// A thread simulated by another engine, listed by this one's statedump.
#[derive(Debug, Clone)]
pub struct Listed {
    tid: Tid,
    pid: u32,
    ppid: u32,
    comm: [u8; 16],
    kernel: bool,
    cpu: u32,
    file_table: u64,
    fds: Vec<(i32, String, u32)>,
}

/// Scheduler tick period (HZ = 250).
const TICK_NS: u64 = 4_000_000;
/// A thread is preempted at a tick once it has run this long while others wait.
const SLICE_NS: u64 = 3_000_000;

impl Engine {
    /// A machine (or a part of one) writing to `w`, starting at clock value `begin`.
    pub fn new(w: TraceWriter, m: &Machine, rng: Rng) -> Self {
        let begin = m.begin;
        let cpus = (0..m.cpus)
            .map(|c| Cpu {
                swapper: crate::ctf::writer::payload::comm(&format!("swapper/{}", c + m.first_cpu)),
                now: begin,
                cur: None,
                rq: VecDeque::new(),
                step_at: None,
                next_tick: begin + TICK_NS,
                run_since: begin,
                busy_ns: 0,
            })
            .collect();
        Self {
            w,
            cpus,
            threads: Vec::new(),
            tid_index: IdMap::default(),
            procs: Vec::new(),
            pid_index: IdMap::default(),
            heap: BinaryHeap::new(),
            seq: 0,
            rng,
            scratch: Vec::with_capacity(256),
            begin,
            cpu_base: m.first_cpu,
            total_cpus: m.total_cpus,
            listing: Vec::new(),
            next_tid: m.first_tid,
            stats: Stats {
                sys: vec![DurStats::default(); catalog::SC_COUNT as usize],
                ..Stats::default()
            },
            disks: Vec::new(),
            disk_jobs: Vec::new(),
            disk_free: Vec::new(),
            netifs: Vec::new(),
            noise: Vec::new(),
        }
    }

    /// Sends every [`Mark`] of a marked syscall to `sink` as it happens.
    pub fn set_mark_sink(&mut self, sink: MarkSink) {
        self.stats.mark_sink = Some(sink);
    }

    /// Adds a process (its threads are added with [`Engine::add_thread`]).
    pub fn add_process(&mut self, pid: u32, ppid: u32, fds: Vec<(i32, String, u32)>) {
        let file_table = 0xffff_8f00_4a00_0000 + u64::from(pid) * 0x400;
        self.pid_index.insert(pid, self.procs.len());
        self.procs.push(Process {
            pid,
            ppid,
            fds,
            file_table,
            io: [0; 8],
        });
    }

    /// Adds a thread, blocked at the trace start and woken `first_wake_ns` after it.
    pub fn add_thread(&mut self, spec: &ThreadSpec, behavior: Box<dyn Behavior>) {
        let ncpus = self.cpus.len() as u32;
        let ix = self.new_thread(spec.tid, spec.pid, spec.comm.as_str(), spec.prio, behavior);
        let t = &mut self.threads[ix];
        t.kernel = spec.kernel;
        // A scenario written for more CPUs still runs on fewer: pin to an existing one.
        t.affinity = spec.affinity.map(|a| a % ncpus);
        t.last_cpu = spec.affinity.unwrap_or(spec.tid % self.cpus.len() as u32);
        self.next_tid = self.next_tid.max(spec.tid + 1);
        self.push(self.begin + spec.first_wake_ns, Job::Timer(ix as u32));
    }

    fn new_thread(
        &mut self,
        tid: Tid,
        pid: u32,
        comm: &str,
        prio: i32,
        behavior: Box<dyn Behavior>,
    ) -> usize {
        let ix = self.threads.len();
        self.tid_index.insert(tid, ix);
        let proc_ix = self.pid_index.get(&pid).copied().unwrap_or(usize::MAX);
        self.threads.push(Thread {
            tid,
            pid,
            proc_ix,
            comm: crate::ctf::writer::payload::comm(comm),
            prio,
            kernel: false,
            affinity: None,
            state: TState::Blocked,
            last_cpu: 0,
            cont: Cont::Fresh,
            behavior: Some(behavior),
            tokens: 0,
            waiting: false,
            last_ts: self.begin,
            sys_entry_ts: 0,
            cpu_ns: 0,
            wait_cpu_ns: 0,
            runnable_since: 0,
        });
        ix
    }

    /// Adds a disk; returns its index for [`DiskReq::disk`].
    pub fn add_disk(&mut self, d: Disk) -> usize {
        self.disks.push(d);
        self.disks.len() - 1
    }

    /// Adds a network interface (the first one receives [`Block::Net`] packets).
    pub fn add_netif(&mut self, n: NetIf) {
        self.netifs.push(n);
    }

    /// Adds a background interrupt source.
    pub fn add_noise(&mut self, n: Noise) {
        let first = self.begin + self.rng.exp(n.mean_interval_ns);
        self.noise.push(n);
        self.push(first, Job::Noise(self.noise.len() as u32 - 1));
    }

    fn push(&mut self, t: u64, job: Job) {
        self.seq += 1;
        self.heap.push(Reverse((t, self.seq, job)));
    }

    /// Events written so far.
    pub fn events(&self) -> u64 {
        self.w.events()
    }

    /// Runs the jobs due before clock value `end` (the others stay pending, so the run can
    /// be continued with a later `end`).
    pub fn run_until(&mut self, end: u64) -> io::Result<()> {
        while let Some(&Reverse((t, _, job))) = self.heap.peek() {
            if t >= end {
                break;
            }
            self.heap.pop();
            self.dispatch(t, job)?;
        }
        Ok(())
    }

    fn dispatch(&mut self, t: u64, job: Job) -> io::Result<()> {
        match job {
            Job::Step(c) => {
                if self.cpus[c as usize].step_at == Some(t) {
                    self.cpus[c as usize].step_at = None;
                    self.step(c, t)?;
                }
                Ok(())
            }
            Job::Timer(ix) => self.timer_fire(t, ix as usize),
            Job::DiskDone(slot) => {
                let j = self.disk_jobs[slot as usize];
                self.disk_free.push(slot);
                self.disk_done(t, j.cpu, j.tix, j.req, j.sector, j.last)
            }
            Job::NetRx { cpu, tix, len } => self.net_rx(t, cpu, Some(tix as usize), len),
            Job::Noise(i) => self.noise_fire(t, i as usize),
        }
    }

    /// Clock value of the last event written (or the begin).
    pub fn last_ts(&self) -> u64 {
        self.w
            .streams()
            .iter()
            .map(|s| s.last_ts())
            .max()
            .unwrap_or(self.begin)
    }

    /// This engine's threads and processes as another engine's statedump lists them.
    pub fn listing(&self) -> Vec<Listed> {
        self.listing_with_status()
            .into_iter()
            .map(|(l, _)| l)
            .collect()
    }

    /// The live threads as the statedump lists them, with their `status` (5 = waiting,
    /// 2 = running or runnable).
    fn listing_with_status(&self) -> Vec<(Listed, u64)> {
        // Threads of one process share its table, which the statedump walks once: the fds go
        // with the first live thread listed for the process, whichever it is (a process whose
        // leader is not simulated still has its files).
        let mut fds_listed = std::collections::HashSet::new();
        self.threads
            .iter()
            .filter(|th| th.state != TState::Dead)
            .map(|th| {
                let p = self.pid_index.get(&th.pid).map(|&p| &self.procs[p]);
                let fds = match p {
                    Some(p) if fds_listed.insert(p.pid) => p.fds.clone(),
                    _ => Vec::new(),
                };
                let status = if matches!(th.state, TState::Blocked) {
                    5
                } else {
                    2
                };
                let l = Listed {
                    tid: th.tid,
                    pid: th.pid,
                    ppid: p.map_or(0, |p| p.ppid),
                    comm: th.comm,
                    kernel: th.kernel,
                    cpu: th.last_cpu + self.cpu_base,
                    file_table: p.map_or(0, |p| p.file_table),
                    fds,
                };
                (l, status)
            })
            .collect()
    }

    /// Adds threads of other engines to this one's statedump.
    pub fn add_listing(&mut self, l: Vec<Listed>) {
        self.listing.extend(l);
    }

    /// Finishes the trace: closes every stream's last packet at clock value `end` (at least
    /// the last event) and returns the ground truth of this engine.
    pub fn finish(self, end: u64) -> io::Result<report::Finished> {
        report::finish(self, end)
    }
}

pub use report::Finished;

//! The Linux kernel state model built from LTTng kernel events (kernel-model.md): what every
//! thread and CPU was doing at every instant, and the intervals that matter (syscalls, IRQs,
//! softirqs, block requests, wake-up latencies, packets), plus fd tables and lost-event gaps.
//!
//! [`Builder`] consumes messages in time order; [`Model`] is the result, a set of columnar
//! stores that views and analyses query with binary searches (see [`query`]).

pub mod build;
pub mod columns;
pub mod fd;
pub mod fields;
pub mod intern;
pub mod plan;
pub mod query;
pub mod record;
pub mod reduced;
pub mod stats;
pub mod store;

mod handlers;
mod kernel;
mod recorder;
mod sched;
mod syscall;
mod tids;

use serde::{Deserialize, Serialize};

pub use build::{BuildError, Builder};
pub use fd::{FdEntry, FdKind, FdTable};
pub use intern::{Interner, StrId};
pub use store::{
    BlockList, IrqKind, IrqList, LatencyList, PacketList, PageList, SyscallList, Timeline,
};

/// Scheduling-level state of a thread, as stored in its timeline (the low 8 bits of a step
/// code; the CPU is in the upper bits for `Running`). Syscall and interrupt refinements come
/// from the syscall and IRQ lists (see [`query::ThreadView`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[repr(u8)]
pub enum SchedState {
    /// Not seen yet, or invalidated by lost events.
    Unknown = 0,
    /// Current on a CPU.
    Running = 1,
    /// Runnable, waiting for a CPU.
    WaitCpu = 2,
    /// Sleeping (S, D, idle, stopped, traced, parked).
    WaitBlocked = 3,
    /// Not running, reason unknown.
    WaitUnknown = 4,
    /// After `sched_process_exit` (zombie until freed).
    Exited = 5,
    /// After `sched_process_free`.
    Dead = 6,
}

impl SchedState {
    /// Decodes the low byte of a timeline code.
    pub fn from_code(code: u32) -> SchedState {
        match code & 0xff {
            1 => SchedState::Running,
            2 => SchedState::WaitCpu,
            3 => SchedState::WaitBlocked,
            4 => SchedState::WaitUnknown,
            5 => SchedState::Exited,
            6 => SchedState::Dead,
            _ => SchedState::Unknown,
        }
    }

    /// The timeline code (with the CPU for `Running`).
    pub fn code(self, cpu: u32) -> u32 {
        match self {
            SchedState::Running => 1 | (cpu << 8),
            s => s as u32,
        }
    }
}

/// No thread / unknown, in thread-index columns.
pub const NO_THREAD: u32 = u32::MAX;

/// One thread generation (a TID between fork and free).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Thread {
    /// Thread id (0 for a CPU's idle thread).
    pub tid: u32,
    /// Process id, when known.
    pub pid: Option<u32>,
    /// Parent process id, when known.
    pub ppid: Option<u32>,
    /// For idle threads: the CPU.
    pub idle_cpu: Option<u32>,
    /// Kernel thread.
    pub kernel: bool,
    /// Names over time: (since, name).
    pub names: Vec<(u64, StrId)>,
    /// Fork time, when seen.
    pub born: Option<u64>,
    /// `sched_process_exit` time.
    pub exited: Option<u64>,
    /// Index of its process in [`Model::processes`].
    pub process: Option<u32>,
    /// Scheduling states over time ([`SchedState::code`]).
    pub states: Timeline,
    /// Syscalls.
    pub syscalls: SyscallList,
    /// Wake-up latencies.
    pub wakeups: LatencyList,
    /// Time current on a CPU (switch-in to switch-out; inferred time excluded).
    pub cpu_ns: u64,
    /// Time current before a CPU's first switch, inferred from that switch's `prev_tid`.
    pub inferred_cpu_ns: u64,
    /// Syscall I/O bytes: file read, file written, socket read, socket written, other read,
    /// other written.
    pub io: [u64; 6],
    /// Block bytes issued: read, written.
    pub block: [u64; 2],
}

impl Thread {
    /// The name at `t` (the earliest known name before the first change).
    pub fn name_at(&self, t: u64) -> Option<StrId> {
        let i = self.names.partition_point(|&(at, _)| at <= t);
        self.names.get(i.saturating_sub(1)).map(|&(_, n)| n)
    }

    /// The last name.
    pub fn name(&self) -> Option<StrId> {
        self.names.last().map(|&(_, n)| n)
    }
}

/// One process (a PID with its fd table).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Process {
    /// Process id.
    pub pid: u32,
    /// File descriptors over time.
    pub fds: FdTable,
}

/// One CPU.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cpu {
    /// CPU number.
    pub id: u32,
    /// Current thread over time (index into [`Model::threads`], [`NO_THREAD`] = unknown).
    pub current: Timeline,
    /// Hard IRQs and softirqs.
    pub irqs: IrqList,
    /// Page allocations and frees.
    pub pages: PageList,
    /// Time a thread other than the idle thread was current.
    pub busy_ns: u64,
    /// First event time.
    pub first: Option<u64>,
    /// Last event time.
    pub last: u64,
    /// Time of the first `sched_switch` (start of the valid range).
    pub first_switch: Option<u64>,
    /// Events seen.
    pub events: u64,
}

/// A window in which a stream lost events: its CPU's state is unknown inside it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Gap {
    /// CPU of the stream.
    pub cpu: u32,
    /// Start of the window.
    pub begin: u64,
    /// End of the window.
    pub end: u64,
    /// Events lost, when known.
    pub count: Option<u64>,
    /// Whole packets lost (else events).
    pub packets: bool,
}

/// A disk from the statedump.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Disk {
    /// Kernel `dev_t`.
    pub dev: u32,
    /// Name.
    pub name: StrId,
}

/// A network interface with its packets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NetIf {
    /// Name.
    pub name: StrId,
    /// Packets.
    pub packets: PacketList,
}

/// Consistency counters: what the model had to guess or drop.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Counters {
    /// Syscall exits without a pending entry.
    pub exits_without_entry: u64,
    /// Syscall entries replaced by another entry before their exit.
    pub entries_lost: u64,
    /// Pending syscalls, wake-ups and interrupts dropped because of lost events.
    pub invalidated: u64,
    /// Interrupt exits that did not match the top of the CPU's stack.
    pub irq_mismatch: u64,
    /// Events on a CPU whose current thread was unknown (attributed to nobody).
    pub unattributed: u64,
    /// Block completions without an issue.
    pub block_unmatched: u64,
}

/// Everything known about a kernel trace.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Model {
    /// Interned strings.
    pub strings: Interner,
    /// Thread generations.
    pub threads: Vec<Thread>,
    /// Processes.
    pub processes: Vec<Process>,
    /// CPUs by number (`cpus[n].id == n`).
    pub cpus: Vec<Cpu>,
    /// Block requests.
    pub block: BlockList,
    /// Disks.
    pub disks: Vec<Disk>,
    /// IRQ handler names by line (from the statedump and `irq_handler_entry`).
    pub irq_names: Vec<(u32, StrId)>,
    /// Network interfaces.
    pub net_ifs: Vec<NetIf>,
    /// `*_softirq_raise` events per vector.
    pub softirq_raises: Vec<u64>,
    /// Lost-event windows.
    pub gaps: Vec<Gap>,
    /// First event time (ns since the epoch).
    pub begin: u64,
    /// Last event time.
    pub end: u64,
    /// Events consumed.
    pub events: u64,
    /// Guesses and drops.
    pub counters: Counters,
    /// Why streams stopped early (damaged data), as the reader said when the model was
    /// built: kept so that a model loaded from the cache still warns about them.
    pub read_errors: Vec<String>,
}

impl Model {
    /// Heap bytes held by the model (an estimate from capacities).
    pub fn heap_bytes(&self) -> usize {
        let threads: usize = self
            .threads
            .iter()
            .map(|t| {
                std::mem::size_of::<Thread>()
                    + t.names.capacity() * 16
                    + t.states.bytes()
                    + t.syscalls.bytes()
                    + t.wakeups.span.bytes()
                    + t.wakeups.cpu.capacity() * 2
            })
            .sum();
        let cpus: usize = self
            .cpus
            .iter()
            .map(|c| c.current.bytes() + c.irqs.bytes() + c.pages.bytes())
            .sum();
        let fds: usize = self
            .processes
            .iter()
            .map(|p| p.fds.history.capacity() * std::mem::size_of::<FdEntry>())
            .sum();
        let net: usize = self
            .net_ifs
            .iter()
            .map(|n| {
                n.packets.at.bytes() + n.packets.len.capacity() * 4 + n.packets.sent.capacity()
            })
            .sum();
        threads + cpus + fds + net + self.block.bytes() + self.strings.heap_bytes()
    }

    /// Releases the spare capacity of every column (vectors grow by doubling while
    /// building; a finished model keeps exactly what it holds).
    pub fn shrink(&mut self) {
        for t in &mut self.threads {
            t.names.shrink_to_fit();
            t.states.shrink();
            t.syscalls.shrink();
            t.wakeups.span.shrink();
            t.wakeups.cpu.shrink_to_fit();
        }
        for c in &mut self.cpus {
            c.current.shrink();
            c.irqs.shrink();
            c.pages.shrink();
        }
        for p in &mut self.processes {
            p.fds.history.shrink_to_fit();
        }
        for n in &mut self.net_ifs {
            n.packets.at.shrink();
            n.packets.len.shrink_to_fit();
            n.packets.sent.shrink_to_fit();
        }
        self.block.span.shrink();
    }

    /// Rebuilds lookup maps that are not serialised.
    pub fn rebuild(&mut self) {
        self.strings.rebuild();
        for p in &mut self.processes {
            p.fds.rebuild();
        }
    }
}

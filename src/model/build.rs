//! The state machine's frame: per-event dispatch, thread and CPU bookkeeping, lost events,
//! and turning live state into a consistent [`Model`] (at the end or for a snapshot).

use foldhash::HashMap;

use super::intern::StrId;
pub(super) use super::kernel::KernelRules;
use super::plan::{Kind, Plan, PlanCache};
use super::record::Fields;
use super::recorder::{Recorder, Row};
use super::reduced;
use super::store::sysflag;
use super::tids::TidTable;
use super::{Cpu, Gap, IrqKind, Model, NO_THREAD, Process, SchedState, Thread};
use crate::ctf::ir::EventClass;
use crate::ctf::ir::{EnvValue, TraceClass};
use crate::ctf::message::{EventRecord, LostKind, LostRecord, StreamRef, Timestamp};

/// Moves the recorder's syscall lists (by thread index) into the model's threads.
fn install_syscalls(m: &mut Model, lists: Vec<super::store::SyscallList>) {
    for (thread, list) in m.threads.iter_mut().zip(lists) {
        thread.syscalls = list;
    }
}

/// Why a trace cannot be modelled.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Not a kernel trace written by lttng-modules.
    #[error("not an LTTng kernel trace (domain {domain:?}, tracer {tracer:?})")]
    NotKernel {
        /// `env.domain`.
        domain: String,
        /// `env.tracer_name`.
        tracer: String,
    },
}

/// Whether `class` describes an LTTng kernel trace.
pub fn check_kernel(class: &TraceClass) -> Result<(), BuildError> {
    let s = |k| match class.env(k) {
        Some(EnvValue::Str(s)) => s.clone(),
        _ => String::new(),
    };
    let (domain, tracer) = (s("domain"), s("tracer_name"));
    if domain == "kernel" && tracer.starts_with("lttng-modules") {
        return Ok(());
    }
    Err(BuildError::NotKernel { domain, tracer })
}

/// A syscall waiting for its exit. Kept small: every entry stores one and every exit
/// takes it back, and the arguments only a few calls need are in [`EntryArgs`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    pub name: StrId,
    pub effect: super::syscall::Effect,
    pub begin: u64,
    pub fd: i64,
}

/// The entry arguments of a pending call whose exit changes an fd table or moves bytes
/// between two fds ([`super::syscall::Effect::needs_args`]); left as they were by other
/// calls, which never read them.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct EntryArgs {
    /// The output fd of `splice`/`sendfile64`.
    pub fd_out: i64,
    pub path: Option<StrId>,
    pub cmd: i64,
    pub family: i64,
    pub port: i64,
    pub v4: Option<[i64; 4]>,
    pub flags: i64,
}

/// Per-thread state that only matters while building.
#[derive(Debug, Clone, Copy)]
pub(super) struct Live {
    /// CPU it is current on, or `NO_CPU`.
    pub on: u32,
    /// Last CPU it ran on.
    pub last_cpu: u32,
    /// Switch-in time (when `on` is set).
    pub since: u64,
    /// The current run was inferred (not switched in within the trace).
    pub inferred: bool,
    pub pending: Option<Pending>,
    /// The arguments of `pending`, when its effect needs them.
    pub args: EntryArgs,
    /// First wake-up since it last ran.
    pub wake: Option<u64>,
    pub state: SchedState,
}

pub(super) const NO_CPU: u32 = u32::MAX;

impl Default for Live {
    fn default() -> Self {
        Live {
            on: NO_CPU,
            last_cpu: NO_CPU,
            since: 0,
            inferred: false,
            pending: None,
            args: EntryArgs::default(),
            wake: None,
            state: SchedState::Unknown,
        }
    }
}

/// An interrupt being serviced.
#[derive(Debug, Clone, Copy)]
pub(super) struct Frame {
    pub kind: IrqKind,
    pub number: u32,
    pub begin: u64,
    pub raise: Option<u64>,
}

/// Per-CPU state that only matters while building.
#[derive(Debug, Clone, Default)]
pub(super) struct CpuLive {
    /// Current thread, `NO_THREAD` when unknown.
    pub current: u32,
    /// Since when the current thread is current (or since when it is unknown).
    pub since: u64,
    pub stack: Vec<Frame>,
    /// Pending raise time per softirq vector.
    pub raised: [Option<u64>; 16],
    /// The idle thread's index, once created.
    pub idle: u32,
}

/// Builds a [`Model`] from messages in time order.
pub struct Builder {
    pub(super) m: Model,
    /// Boxed so that taking it out for an event moves a pointer, not the whole cache
    /// (measured: 36 instructions per event); `None` only while an event is handled.
    plans: Option<Box<PlanCache>>,
    pub(super) live: Vec<Live>,
    /// TID → thread index of its current generation (`NO_THREAD` when none).
    by_tid: TidTable,
    pub(super) pids: HashMap<u32, u32>,
    pub(super) tables: HashMap<i64, u32>,
    pub(super) cpus: Vec<CpuLive>,
    /// CPU of each stream by trace and stream index (`NO_CPU` until known).
    stream_cpu: Vec<Vec<u32>>,
    rules: Vec<Option<KernelRules>>,
    pub(super) pending_block: HashMap<(u32, u64), (u64, u32, bool, u32)>,
    /// Scratch for socket peer names.
    pub(super) addr_buf: String,
    /// Scratch for the reduction of an event fed whole ([`Builder::event`]).
    record: Vec<u8>,
    /// Where completed syscalls go: the threads' syscall lists are filled on the
    /// recorder's thread and stay empty in `m` until a snapshot or the finish.
    pub(super) recorder: Recorder,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

/// Linux runs on at most 8192 CPUs (`CONFIG_NR_CPUS`): a larger id is damage, and would
/// size the per-CPU tables after it.
const MAX_CPUS: u32 = 8192;

/// A CPU id, when it is one Linux can have.
fn cpu_id(raw: impl TryInto<u32>) -> Option<u32> {
    raw.try_into().ok().filter(|&c| c < MAX_CPUS)
}

/// Event time in ns since the epoch (raw cycles when the clock does not convert).
#[inline]
fn ts(timestamp: Option<Timestamp>) -> u64 {
    timestamp.map_or(0, |t| {
        t.ns_from_origin
            .map_or(t.cycles, |ns| u64::try_from(ns).unwrap_or(0))
    })
}

impl Builder {
    /// An empty builder.
    pub fn new() -> Builder {
        Builder {
            m: Model {
                begin: u64::MAX,
                ..Model::default()
            },
            plans: Some(Box::default()),
            live: Vec::new(),
            by_tid: TidTable::default(),
            pids: HashMap::default(),
            tables: HashMap::default(),
            cpus: Vec::new(),
            stream_cpu: Vec::new(),
            rules: Vec::new(),
            pending_block: HashMap::default(),
            addr_buf: String::new(),
            record: Vec::new(),
            recorder: Recorder::spawn(),
        }
    }

    /// Feeds one event.
    pub fn event(&mut self, ev: &EventRecord<'_>) {
        // The cache is moved out for the duration of the event so that the handlers can
        // borrow the plan while mutating the rest of the builder (moving it is one word).
        let mut plans = self.plans.take().unwrap_or_default();
        let plan = plans.get(ev.class, ev.stream.stream_class, &mut self.m.strings);
        let mut record = std::mem::take(&mut self.record);
        record.clear();
        reduced::encode(ev, plan, &mut record);
        self.dispatch(ts(ev.timestamp), &ev.stream, &Fields::parse(&record), plan);
        self.record = record;
        self.plans = Some(plans);
    }

    /// Feeds one event reduced by a [`reduced::Reducer`] (on the thread that decoded it).
    /// Inlined into the indexing loop: it runs once per event.
    #[inline(always)]
    pub fn event_reduced(
        &mut self,
        timestamp: Option<Timestamp>,
        class: &EventClass,
        stream: &StreamRef<'_>,
        record: &[u8],
    ) {
        let mut plans = self.plans.take().unwrap_or_default();
        let plan = plans.get(class, stream.stream_class, &mut self.m.strings);
        self.dispatch(ts(timestamp), stream, &Fields::parse(record), plan);
        self.plans = Some(plans);
    }

    // Inlined into both feeding paths: the reduced one runs it once per event, and a call
    // with the record's fields in memory cost 11 of the 650 instructions per event of the
    // indexing thread.
    #[inline(always)]
    fn dispatch(&mut self, t: u64, stream: &StreamRef<'_>, p: &Fields<'_>, plan: &Plan) {
        let (trace, stream_index) = (stream.trace_index, stream.stream_index);
        let cpu = match p.cpu().and_then(cpu_id) {
            Some(c) => c,
            None => self.stream_cpu_guess(trace, stream_index, None),
        };
        self.note_stream_cpu(trace, stream_index, cpu);
        self.touch_cpu(cpu, t);
        if p.tid().is_some() {
            self.apply_context(p, cpu, t);
        }
        match plan.kind {
            Kind::Ignore => {}
            Kind::SchedSwitch => {
                let rules = self.rules_for(stream);
                self.sched_switch(p, cpu, t, rules);
            }
            Kind::Waking | Kind::Wakeup => self.wakeup(p, cpu, t),
            Kind::Migrate => self.migrate(p, cpu, t),
            Kind::Fork => self.fork(p, cpu, t),
            Kind::Exec => self.exec(p, cpu, t),
            Kind::ProcessExit => self.process_exit(p, cpu, t),
            Kind::ProcessFree => self.process_free(p, t),
            Kind::SysEntry(name) => self.sys_entry(p, plan, name, cpu, t),
            Kind::SysExit(name) => self.sys_exit(p, name, cpu, t),
            Kind::IrqEntry => self.irq_entry(p, cpu, t),
            Kind::IrqExit => self.irq_exit(p, cpu, t),
            Kind::SoftirqEntry => self.softirq_entry(p, cpu, t),
            Kind::SoftirqExit => self.softirq_exit(p, cpu, t),
            Kind::SoftirqRaise => self.softirq_raise(p, cpu, t),
            Kind::PageAlloc => self.m.cpus[cpu as usize].pages.alloc.push(t),
            Kind::PageFree => self.m.cpus[cpu as usize].pages.free.push(t),
            Kind::BlockIssue => self.block_issue(p, cpu, t),
            Kind::BlockComplete => self.block_complete(p, t),
            Kind::NetXmit | Kind::NetRecv => self.packet(p, plan, t),
            Kind::DumpProcess => self.dump_process(p, t),
            Kind::DumpFd => self.dump_fd(p, plan, t),
            Kind::DumpBlockDevice => self.dump_block_device(p),
            Kind::DumpInterrupt => self.dump_interrupt(p),
        }
    }

    fn rules_for(&mut self, stream: &StreamRef<'_>) -> KernelRules {
        let i = stream.trace_index;
        if self.rules.len() <= i {
            self.rules.resize(i + 1, None);
        }
        *self.rules[i].get_or_insert_with(|| KernelRules::of(stream.trace))
    }

    /// Remembers the CPU of a stream's first event (looked up per event, so a vector, not
    /// a hashed map).
    #[inline]
    fn note_stream_cpu(&mut self, trace: usize, stream: usize, cpu: u32) {
        if let Some(&c) = self.stream_cpu.get(trace).and_then(|s| s.get(stream))
            && c != NO_CPU
        {
            return;
        }
        if self.stream_cpu.len() <= trace {
            self.stream_cpu.resize(trace + 1, Vec::new());
        }
        let s = &mut self.stream_cpu[trace];
        if s.len() <= stream {
            s.resize(stream + 1, NO_CPU);
        }
        s[stream] = cpu;
    }

    /// The CPU of a stream: learned from its events, else the `_N` suffix of its file name.
    fn stream_cpu_guess(&self, trace: usize, stream: usize, path: Option<&std::path::Path>) -> u32 {
        if let Some(&c) = self.stream_cpu.get(trace).and_then(|s| s.get(stream))
            && c != NO_CPU
        {
            return c;
        }
        path.and_then(|p| p.file_name())
            .and_then(|n| n.to_str())
            .and_then(|n| n.rsplit('_').next())
            .and_then(|n| n.parse::<u32>().ok())
            .and_then(cpu_id)
            .unwrap_or(stream as u32 % MAX_CPUS)
    }

    /// Counts an event on `cpu` at `t`. Inlined (once per event); the first sight of a CPU
    /// is out of line.
    #[inline(always)]
    fn touch_cpu(&mut self, cpu: u32, t: u64) {
        let c = cpu as usize;
        if self.cpus.len() <= c {
            self.add_cpus(c);
        }
        let mc = &mut self.m.cpus[c];
        if mc.first.is_none() {
            mc.first = Some(t);
            self.cpus[c].since = t;
        }
        mc.last = mc.last.max(t);
        mc.events += 1;
        self.m.events += 1;
        self.m.begin = self.m.begin.min(t);
        self.m.end = self.m.end.max(t);
    }

    /// Adds CPUs up to `c`.
    #[cold]
    fn add_cpus(&mut self, c: usize) {
        while self.cpus.len() <= c {
            let id = self.cpus.len() as u32;
            self.cpus.push(CpuLive {
                current: NO_THREAD,
                idle: NO_THREAD,
                ..CpuLive::default()
            });
            self.m.cpus.push(Cpu {
                id,
                ..Cpu::default()
            });
        }
    }

    /// `tid`/`pid` contexts: they name the current thread even when the CPU's state is
    /// unknown (before its first switch or after lost events).
    fn apply_context(&mut self, p: &Fields<'_>, cpu: u32, t: u64) {
        let Some(tid) = p.tid().and_then(|v| u32::try_from(v).ok()) else {
            return;
        };
        let th = self.thread(tid, cpu);
        if let Some(pid) = p.pid().and_then(|v| u32::try_from(v).ok())
            && tid != 0
            && self.m.threads[th as usize].pid.is_none()
        {
            self.set_pid(th, pid);
        }
        if self.cpus[cpu as usize].current == NO_THREAD && self.live[th as usize].on == NO_CPU {
            self.switch_in(th, cpu, t, true);
        }
    }

    /// The thread of `tid` now (the idle thread of `cpu` for 0), created on first sight.
    pub(super) fn thread(&mut self, tid: u32, cpu: u32) -> u32 {
        if tid == 0 {
            let idle = self.cpus[cpu as usize].idle;
            if idle != NO_THREAD {
                return idle;
            }
            let ix = self.new_thread(Thread {
                tid: 0,
                idle_cpu: Some(cpu),
                kernel: true,
                ..Thread::default()
            });
            self.cpus[cpu as usize].idle = ix;
            return ix;
        }
        if let Some(ix) = self.by_tid.get(tid) {
            return ix;
        }
        self.new_generation(tid)
    }

    /// The thread of `tid` if one is known (never the idle thread).
    pub(super) fn known(&self, tid: u32) -> Option<u32> {
        self.by_tid.get(tid).filter(|_| tid != 0)
    }

    /// Starts a new generation of `tid`.
    pub(super) fn new_generation(&mut self, tid: u32) -> u32 {
        let ix = self.new_thread(Thread {
            tid,
            ..Thread::default()
        });
        self.by_tid.set(tid, ix);
        ix
    }

    /// Forgets the current generation of `tid` (after `sched_process_free`).
    pub(super) fn detach(&mut self, tid: u32) {
        self.by_tid.remove(tid);
    }

    fn new_thread(&mut self, th: Thread) -> u32 {
        let ix = self.m.threads.len() as u32;
        self.m.threads.push(th);
        self.live.push(Live::default());
        ix
    }

    /// The process of `pid`, created on first sight.
    pub(super) fn process(&mut self, pid: u32) -> u32 {
        if let Some(&p) = self.pids.get(&pid) {
            return p;
        }
        let p = self.m.processes.len() as u32;
        self.m.processes.push(Process {
            pid,
            ..Process::default()
        });
        self.pids.insert(pid, p);
        p
    }

    /// Sets a thread's pid and attaches it to that process.
    pub(super) fn set_pid(&mut self, th: u32, pid: u32) {
        let p = self.process(pid);
        let t = &mut self.m.threads[th as usize];
        t.pid = Some(pid);
        t.process = Some(p);
    }

    /// The process a thread's fds live in (its own pid when it is not known yet).
    pub(super) fn process_of(&mut self, th: u32) -> u32 {
        if let Some(p) = self.m.threads[th as usize].process {
            return p;
        }
        let tid = self.m.threads[th as usize].tid;
        let p = self.process(tid);
        self.m.threads[th as usize].process = Some(p);
        p
    }

    /// Records the thread's name when it changed.
    pub(super) fn set_name(&mut self, th: u32, t: u64, name: &[u8]) {
        let thread = &self.m.threads[th as usize];
        if let Some(last) = thread.name()
            && self.m.strings.get(last).as_bytes() == name
        {
            return;
        }
        let id = self.m.strings.intern_bytes(name);
        self.m.threads[th as usize].names.push((t, id));
    }

    /// Changes a thread's scheduling state from `t` on.
    pub(super) fn set_state(&mut self, th: u32, t: u64, s: SchedState, cpu: u32) {
        self.live[th as usize].state = s;
        self.m.threads[th as usize].states.set(t, s.code(cpu));
    }

    /// Feeds a lost-events notice: the stream's CPU becomes unknown from the window start.
    pub fn lost(&mut self, l: &LostRecord<'_>) {
        let to_ns = |t: Option<crate::ctf::message::Timestamp>| {
            t.and_then(|t| t.ns_from_origin)
                .and_then(|n| u64::try_from(n).ok())
        };
        let (begin, end) = (to_ns(l.begin), to_ns(l.end));
        let begin = begin.or(end).unwrap_or(self.m.end);
        let end = end.unwrap_or(begin);
        let cpu = self.stream_cpu_guess(
            l.stream.trace_index,
            l.stream.stream_index,
            Some(l.stream.stream_path),
        );
        self.touch_cpu(cpu, begin);
        self.m.cpus[cpu as usize].events -= 1;
        self.m.events -= 1;
        self.m.gaps.push(Gap {
            cpu,
            begin,
            end,
            count: l.count,
            packets: l.kind == LostKind::Packets,
        });
        self.invalidate_cpu(cpu, begin);
    }

    fn invalidate_cpu(&mut self, cpu: u32, t: u64) {
        let c = cpu as usize;
        let cur = self.cpus[c].current;
        if cur != NO_THREAD {
            self.switch_out(cur, cpu, t);
            self.set_state(cur, t, SchedState::Unknown, cpu);
        }
        let cl = &mut self.cpus[c];
        let dropped = cl.stack.len() + cl.raised.iter().flatten().count();
        cl.stack.clear();
        cl.raised = [None; 16];
        cl.current = NO_THREAD;
        cl.since = t;
        self.m.cpus[c].current.set(t, NO_THREAD);
        let mut invalid = dropped as u64;
        for (ix, l) in self.live.iter_mut().enumerate() {
            if l.last_cpu == cpu && (l.pending.is_some() || l.wake.is_some()) {
                if let Some(p) = l.pending.take() {
                    self.recorder.push(Row::abandoned(ix as u32, &p, t));
                }
                l.wake = None;
                invalid += 1;
            }
        }
        self.m.counters.invalidated += invalid;
    }

    /// A consistent copy of what is known so far, with open intervals closed at the last
    /// event time.
    pub fn snapshot(&self) -> Model {
        let mut m = self.m.clone();
        install_syscalls(&mut m, self.recorder.copy());
        self.close_into(&mut m);
        m
    }

    /// Builds the whole model of a session on the calling thread, without the indexer's
    /// threads, progress or cache: for tests and small one-shot tools.
    pub fn build_session(session: &crate::ctf::session::Session) -> Model {
        let mut b = Builder::new();
        let mut messages = session.messages();
        while let Some(msg) = messages.next_message() {
            match msg {
                crate::ctf::message::Message::Event(e) => b.event(&e),
                crate::ctf::message::Message::Lost(l) => b.lost(&l),
            }
        }
        let errors = messages.errors().iter().map(ToString::to_string).collect();
        let mut m = b.finish();
        m.read_errors = errors;
        m
    }

    /// The finished model.
    pub fn finish(mut self) -> Model {
        let mut m = std::mem::take(&mut self.m);
        install_syscalls(&mut m, self.recorder.finish());
        self.close_into(&mut m);
        m.shrink();
        m
    }

    fn close_into(&self, m: &mut Model) {
        let end = m.end;
        if m.begin == u64::MAX {
            m.begin = 0;
        }
        for (c, cl) in self.cpus.iter().enumerate() {
            if cl.current != NO_THREAD {
                let l = &self.live[cl.current as usize];
                let ran = end.saturating_sub(l.since);
                let th = &mut m.threads[cl.current as usize];
                if l.inferred {
                    th.inferred_cpu_ns += ran;
                } else {
                    th.cpu_ns += ran;
                    if th.idle_cpu.is_none() {
                        m.cpus[c].busy_ns += ran;
                    }
                }
            }
            m.cpus[c].irqs.seal();
        }
        for (ix, l) in self.live.iter().enumerate() {
            if let Some(p) = l.pending {
                m.threads[ix]
                    .syscalls
                    .push(p.begin, end, p.name, 0, p.fd as i32, sysflag::NO_EXIT);
            }
        }
    }
}

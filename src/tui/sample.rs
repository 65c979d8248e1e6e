//! Turning the model into what a timeline row shows: one state per half column, and the
//! sentence under the cursor.
//!
//! A slot (half a terminal column) may cover thousands of scheduler steps at full zoom-out.
//! Rather than walk them all, a slot looks at most [`PROBES`] steps from its start (two binary
//! searches find them), keeps the one covering the most of the slot, and asks the model for
//! the refined state (syscall, interrupt) in the middle of that step. The cost of a row is
//! therefore O(slots × (log n + PROBES)) whatever the zoom, and nothing outside the visible
//! window is read.
//!
//! Those searches land far apart in memory when the window is wide, so zoomed out a slot
//! reads the row's [`Summary`] instead (a constant number of sums per slot; the rule for
//! what such a cell shows is in [`super::summary`]).

use crate::model::query::{CpuState, ThreadState};
use crate::model::{IrqKind, Model, NO_THREAD, Timeline};

use super::summary::Summary;
use super::timefmt;

/// Steps examined per slot.
const PROBES: usize = 8;

/// The colour class of a cell: the theme scope suffix after `timeline.state.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shade {
    /// Running in user space.
    User,
    /// Running in the kernel (a syscall, or a kernel thread).
    Syscall,
    /// An interrupt.
    Irq,
    /// Runnable, waiting for a CPU.
    WaitCpu,
    /// Sleeping.
    Blocked,
    /// Not known.
    Unknown,
}

impl Shade {
    /// The theme scope.
    pub fn scope(self) -> &'static str {
        match self {
            Shade::User => "timeline.state.user",
            Shade::Syscall => "timeline.state.syscall",
            Shade::Irq => "timeline.state.irq",
            Shade::WaitCpu => "timeline.state.wait_cpu",
            Shade::Blocked => "timeline.state.blocked",
            Shade::Unknown => "timeline.state.unknown",
        }
    }

    /// The shade of a thread state; `None` draws nothing (exited, freed).
    pub fn of_thread(s: ThreadState) -> Option<Shade> {
        Some(match s {
            ThreadState::RunUser => Shade::User,
            ThreadState::RunSyscall(_) => Shade::Syscall,
            ThreadState::Interrupted => Shade::Irq,
            ThreadState::WaitCpu => Shade::WaitCpu,
            ThreadState::WaitBlocked => Shade::Blocked,
            ThreadState::Unknown | ThreadState::WaitUnknown => Shade::Unknown,
            ThreadState::Exited | ThreadState::Dead => return None,
        })
    }

    /// The shade of a CPU state; `None` for idle.
    pub fn of_cpu(s: CpuState) -> Option<Shade> {
        Some(match s {
            CpuState::Idle => return None,
            CpuState::RunUser(_) => Shade::User,
            CpuState::RunKernel(_) => Shade::Syscall,
            CpuState::Irq(_) | CpuState::Softirq(_) => Shade::Irq,
            CpuState::Unknown => Shade::Unknown,
        })
    }
}

/// The instant inside `[a, b)` where the step covering most of it sits, from `steps`
/// (begin, end) in time order; `None` when no step overlaps.
fn dominant(steps: impl Iterator<Item = (u64, u64, u32)>, a: u64, b: u64) -> Option<u64> {
    let mut best: Option<(u64, u64)> = None;
    for (s, e, _) in steps.take(PROBES) {
        let (lo, hi) = (s.max(a), e.min(b));
        if hi <= lo {
            continue;
        }
        if best.is_none_or(|(len, _)| hi - lo > len) {
            best = Some((hi - lo, lo + (hi - lo) / 2));
        }
    }
    best.map(|(_, mid)| mid)
}

/// The steps of a row inside the visible window, read once when they are few (zoomed in),
/// so consecutive slots walk them instead of searching the whole timeline again.
struct Window {
    /// The window's steps, when at most [`PROBES`] per slot.
    steps: Option<Vec<(u64, u64, u32)>>,
    /// The first step that may overlap the next slot.
    next: usize,
}

impl Window {
    fn new(line: &Timeline, start: u64, end: u64, until: u64, slots: usize) -> Window {
        let most = slots.saturating_mul(PROBES);
        let steps: Vec<_> = line.steps(start, end, until).take(most + 1).collect();
        Window {
            steps: (steps.len() <= most).then_some(steps),
            next: 0,
        }
    }

    /// [`dominant`] for slot `[a, b)`; slots must come in time order.
    fn dominant(&mut self, line: &Timeline, a: u64, b: u64, until: u64) -> Option<u64> {
        let Some(steps) = &self.steps else {
            return dominant(line.steps(a, b, until), a, b);
        };
        while self.next + 1 < steps.len() && steps[self.next + 1].0 <= a {
            self.next += 1;
        }
        let here = steps.get(self.next..).unwrap_or_default();
        dominant(here.iter().copied().take_while(|s| s.0 <= b), a, b)
    }
}

/// `slots` equal slots over `[start, end)`, as `(begin, end)`.
pub fn slot_bounds(start: u64, end: u64, slots: usize) -> impl Iterator<Item = (u64, u64)> {
    let span = u128::from(end.saturating_sub(start).max(1));
    let at = move |i: usize| start + (span * i as u128 / slots.max(1) as u128) as u64;
    (0..slots).map(move |i| (at(i), at(i + 1).max(at(i) + 1)))
}

/// The states of thread `th` in `slots` slots over `[start, end)`, from `summary` when it
/// is of this model and the slots are wide enough.
pub fn thread_slots(
    m: &Model,
    summary: Option<&Summary>,
    th: u32,
    start: u64,
    end: u64,
    slots: usize,
) -> Vec<Option<Shade>> {
    let Some(t) = m.threads.get(th as usize) else {
        return vec![None; slots];
    };
    if let Some(cells) = summary
        .filter(|s| s.serves(start, end, slots))
        .and_then(|s| s.thread_cells(th, slot_bounds(start, end, slots)))
    {
        return cells;
    }
    let mut window = Window::new(&t.states, start, end, m.end, slots);
    slot_bounds(start, end, slots)
        .map(|(a, b)| {
            let mid = window.dominant(&t.states, a, b, m.end)?;
            Shade::of_thread(m.state_at(th, mid))
        })
        .collect()
}

/// The states of `cpu` in `slots` slots over `[start, end)`; with `follow`, whether the
/// followed thread is the one current in each slot (in the middle of the slot when the
/// state comes from `summary`).
pub fn cpu_slots(
    m: &Model,
    summary: Option<&Summary>,
    cpu: u32,
    start: u64,
    end: u64,
    slots: usize,
    follow: Option<u32>,
) -> Vec<(Option<Shade>, bool)> {
    let Some(c) = m.cpus.get(cpu as usize) else {
        return vec![(None, false); slots];
    };
    if let Some(cells) = summary
        .filter(|s| s.serves(start, end, slots))
        .and_then(|s| s.cpu_cells(cpu, slot_bounds(start, end, slots)))
    {
        return cells
            .into_iter()
            .zip(slot_bounds(start, end, slots))
            .map(|(shade, (a, b))| {
                let mid = a + (b - a) / 2;
                let followed = follow.is_some_and(|th| c.current.at(mid) == Some(th));
                (shade, followed && shade.is_some())
            })
            .collect();
    }
    let mut window = Window::new(&c.current, start, end, m.end, slots);
    slot_bounds(start, end, slots)
        .map(|(a, b)| {
            let Some(mid) = window.dominant(&c.current, a, b, m.end) else {
                return (None, false);
            };
            let followed = follow.is_some_and(|th| c.current.at(mid) == Some(th));
            (Shade::of_cpu(m.cpu_state_at(cpu, mid)), followed)
        })
        .collect()
}

/// The next (or previous) instant after (before) `t` where thread `th` changes state.
pub fn next_change(m: &Model, th: u32, t: u64, forward: bool) -> Option<u64> {
    let states = &m.threads.get(th as usize)?.states;
    if forward {
        states
            .steps(t, m.end, m.end)
            .map(|(s, _, _)| s)
            .find(|&s| s > t)
    } else {
        // The step holding t began at or before it; the change before t is its begin, or
        // the begin of the step before when t is exactly on a change.
        let (s, _, _) = states.steps(t, t, m.end).next()?;
        if s < t {
            return Some(s);
        }
        states
            .steps(t.saturating_sub(1), t.saturating_sub(1), m.end)
            .next()
            .map(|(s, _, _)| s)
            .filter(|&s| s < t)
    }
}

/// `read(fd 5 /var/log/x) = 120`: a syscall with what the model kept of its arguments.
fn syscall_text(m: &Model, th: u32, i: usize) -> String {
    let t = &m.threads[th as usize];
    let s = &t.syscalls;
    let name = m.strings.get(s.name(i));
    let fd = s.fd(i);
    let begin = s.span.begin(i);
    let mut args = String::new();
    if fd >= 0 {
        args = format!("fd {fd}");
        let file = t
            .process
            .and_then(|p| m.processes.get(p as usize))
            .and_then(|p| p.fds.at(begin).find(|e| e.fd == fd))
            .map(|e| m.strings.get(e.name).to_string());
        if let Some(f) = file {
            args.push(' ');
            args.push_str(&f);
        }
    }
    let ret = if m.syscall_complete(th, i) {
        format!(" = {}", s.ret(i))
    } else {
        " (incomplete)".to_string()
    };
    format!(
        "syscall {name}({args}){ret}, {} from {}",
        timefmt::duration(s.span.dur(i) as i64),
        timefmt::duration(begin.saturating_sub(m.begin) as i64)
    )
}

/// The sentence for thread `th` at `t`: state, since when, for how long, and the syscall.
pub fn thread_detail(m: &Model, th: u32, t: u64) -> String {
    let state = m.state_at(th, t);
    let thread = &m.threads[th as usize];
    let step = thread.states.steps(t, t, m.end).next();
    let span = step.map_or(String::new(), |(s, e, _)| {
        format!(
            " for {} (from +{})",
            timefmt::duration(e.saturating_sub(s) as i64),
            timefmt::duration(s.saturating_sub(m.begin) as i64)
        )
    });
    let what = match state {
        ThreadState::RunUser => format!("running in user space{span}"),
        ThreadState::RunSyscall(_) => match m.syscall_at(th, t) {
            Some(i) => format!("running, {}", syscall_text(m, th, i)),
            None => format!("running in a syscall{span}"),
        },
        ThreadState::Interrupted => {
            let cpu = step.map(|(_, _, code)| code >> 8).unwrap_or(0);
            format!("interrupted on CPU {cpu}: {}", irq_text(m, cpu, t))
        }
        ThreadState::WaitCpu => format!("waiting for a CPU{span}"),
        ThreadState::WaitBlocked => format!("blocked{span}"),
        ThreadState::WaitUnknown => format!("not running, reason unknown{span}"),
        ThreadState::Unknown => "state unknown (not seen yet or lost events)".to_string(),
        ThreadState::Exited => format!("exited{span}"),
        ThreadState::Dead => "freed".to_string(),
    };
    let name = thread.name_at(t).map_or("?", |n| m.strings.get(n));
    format!("{name} [{}] {what}", thread.tid)
}

fn irq_text(m: &Model, cpu: u32, t: u64) -> String {
    match m.irq_at(cpu, t) {
        Some((IrqKind::Hard, n)) => {
            let name = m
                .irq_names
                .iter()
                .find(|(line, _)| *line == n)
                .map_or(String::new(), |(_, s)| format!(" {}", m.strings.get(*s)));
            format!("hard IRQ {n}{name}")
        }
        Some((IrqKind::Soft, n)) => format!("softirq {}", softirq_name(n)),
        None => "no interrupt".to_string(),
    }
}

/// The kernel's softirq vector names.
pub fn softirq_name(n: u32) -> &'static str {
    const NAMES: [&str; 10] = [
        "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER",
        "RCU",
    ];
    NAMES.get(n as usize).copied().unwrap_or("?")
}

/// The sentence for `cpu` at `t`.
pub fn cpu_detail(m: &Model, cpu: u32, t: u64) -> String {
    let name = |th: u32| {
        let thread = &m.threads[th as usize];
        let n = thread.name_at(t).map_or("?", |n| m.strings.get(n));
        format!("{n} [{}]", thread.tid)
    };
    let current = m.cpus.get(cpu as usize).and_then(|c| c.current.at(t));
    let state = match m.cpu_state_at(cpu, t) {
        CpuState::Unknown => "state unknown".to_string(),
        CpuState::Idle => "idle".to_string(),
        CpuState::RunUser(th) => format!("{} in user space", name(th)),
        CpuState::RunKernel(th) => format!("{} in the kernel", name(th)),
        CpuState::Irq(_) | CpuState::Softirq(_) => {
            let under = current
                .filter(|&th| th != NO_THREAD)
                .map(|th| format!(", interrupting {}", name(th)))
                .unwrap_or_default();
            format!("{}{under}", irq_text(m, cpu, t))
        }
    };
    format!("CPU {cpu}: {state}")
}

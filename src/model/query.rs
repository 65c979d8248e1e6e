//! Questions views ask: what was a thread or CPU doing at t, what overlaps [a, b].

use super::store::sysflag;
use super::{IrqKind, Model, NO_THREAD, SchedState, StrId};

/// The full state of a thread at an instant (kernel-model.md §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadState {
    /// Not known (not seen yet, or lost events).
    Unknown,
    /// Running in user space.
    RunUser,
    /// Running in the kernel, inside this syscall.
    RunSyscall(StrId),
    /// Current on a CPU that is servicing an interrupt.
    Interrupted,
    /// Runnable, waiting for a CPU.
    WaitCpu,
    /// Sleeping.
    WaitBlocked,
    /// Not running, reason unknown.
    WaitUnknown,
    /// Exited, not yet freed.
    Exited,
    /// Freed.
    Dead,
}

/// The state of a CPU at an instant (kernel-model.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuState {
    /// Before its first switch or inside a lost-events window.
    Unknown,
    /// The idle thread is current.
    Idle,
    /// A thread runs in user space.
    RunUser(u32),
    /// A thread runs in the kernel (syscall or kernel thread).
    RunKernel(u32),
    /// Servicing a hard IRQ.
    Irq(u32),
    /// Servicing a softirq.
    Softirq(u32),
}

impl Model {
    /// Thread generations of `tid`, oldest first.
    pub fn threads_of(&self, tid: u32) -> impl Iterator<Item = u32> + '_ {
        self.threads
            .iter()
            .enumerate()
            .filter(move |(_, t)| t.tid == tid && t.idle_cpu.is_none())
            .map(|(i, _)| i as u32)
    }

    /// The syscall thread `th` was inside at `t`, if any.
    pub fn syscall_at(&self, th: u32, t: u64) -> Option<usize> {
        let s = &self.threads.get(th as usize)?.syscalls;
        s.span
            .candidates(t, t)
            .rev()
            .find(|&i| s.span.begin(i) <= t && t < s.span.end(i))
    }

    /// The innermost interrupt on `cpu` at `t`: (kind, number).
    pub fn irq_at(&self, cpu: u32, t: u64) -> Option<(IrqKind, u32)> {
        let l = &self.cpus.get(cpu as usize)?.irqs;
        // Nested interrupts begin later: the last overlapping one is the innermost.
        l.span
            .candidates(t, t)
            .rev()
            .find(|&i| l.span.begin(i) <= t && t < l.span.end(i))
            .map(|i| (l.kind[i], l.number[i]))
    }

    /// What thread `th` was doing at `t`.
    pub fn state_at(&self, th: u32, t: u64) -> ThreadState {
        let Some(thread) = self.threads.get(th as usize) else {
            return ThreadState::Unknown;
        };
        let Some(code) = thread.states.at(t) else {
            return ThreadState::Unknown;
        };
        match SchedState::from_code(code) {
            SchedState::Running => {
                let cpu = code >> 8;
                if self.irq_at(cpu, t).is_some() {
                    return ThreadState::Interrupted;
                }
                match self.syscall_at(th, t) {
                    Some(i) => ThreadState::RunSyscall(thread.syscalls.name(i)),
                    None => ThreadState::RunUser,
                }
            }
            SchedState::Unknown => ThreadState::Unknown,
            SchedState::WaitCpu => ThreadState::WaitCpu,
            SchedState::WaitBlocked => ThreadState::WaitBlocked,
            SchedState::WaitUnknown => ThreadState::WaitUnknown,
            SchedState::Exited => ThreadState::Exited,
            SchedState::Dead => ThreadState::Dead,
        }
    }

    /// What `cpu` was doing at `t`.
    pub fn cpu_state_at(&self, cpu: u32, t: u64) -> CpuState {
        if let Some((kind, n)) = self.irq_at(cpu, t) {
            return match kind {
                IrqKind::Hard => CpuState::Irq(n),
                IrqKind::Soft => CpuState::Softirq(n),
            };
        }
        let Some(c) = self.cpus.get(cpu as usize) else {
            return CpuState::Unknown;
        };
        match c.current.at(t) {
            None | Some(NO_THREAD) => CpuState::Unknown,
            Some(th) => {
                let thread = &self.threads[th as usize];
                if thread.idle_cpu.is_some() {
                    CpuState::Idle
                } else if thread.kernel || self.syscall_at(th, t).is_some() {
                    CpuState::RunKernel(th)
                } else {
                    CpuState::RunUser(th)
                }
            }
        }
    }

    /// Indices of `th`'s syscalls overlapping `[a, b]`.
    pub fn syscalls_overlapping(
        &self,
        th: u32,
        a: u64,
        b: u64,
    ) -> impl Iterator<Item = usize> + '_ {
        self.threads
            .get(th as usize)
            .map(|t| t.syscalls.span.overlapping(a, b))
            .into_iter()
            .flatten()
    }

    /// Indices of `cpu`'s interrupts overlapping `[a, b]`.
    pub fn irqs_overlapping(&self, cpu: u32, a: u64, b: u64) -> impl Iterator<Item = usize> + '_ {
        self.cpus
            .get(cpu as usize)
            .map(|c| c.irqs.span.overlapping(a, b))
            .into_iter()
            .flatten()
    }

    /// Lost-event windows of `cpu` overlapping `[a, b]`.
    pub fn gaps_overlapping(&self, cpu: u32, a: u64, b: u64) -> impl Iterator<Item = &super::Gap> {
        self.gaps
            .iter()
            .filter(move |g| g.cpu == cpu && g.begin <= b && g.end >= a)
    }

    /// Whether syscall `i` of `th` has a known start and end.
    pub fn syscall_complete(&self, th: u32, i: usize) -> bool {
        self.threads[th as usize].syscalls.flags[i] & (sysflag::NO_ENTRY | sysflag::NO_EXIT) == 0
    }
}

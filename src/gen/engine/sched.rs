//! Scheduling: CPU steps, context switches, wakeups, load balancing and the tick.

use std::io;

use super::{Cpu, Engine, Job, SLICE_NS, TICK_NS, TState};
use crate::ctf::writer::Val;
use crate::r#gen::catalog::{
    HRTIMER_EXPIRE_ENTRY, HRTIMER_EXPIRE_EXIT, SCHED_MIGRATE_TASK, SCHED_SWITCH, SCHED_WAKEUP,
    SCHED_WAKING, SOFTIRQ_ENTRY, SOFTIRQ_EXIT, SOFTIRQ_RAISE, TIMER_EXPIRE_ENTRY,
    TIMER_EXPIRE_EXIT, TIMER_START,
};

/// `prev_state` values of kernels ≥ 4.14 as lttng-modules reports them (kernel-model.md §2.1).
pub(super) const STATE_SLEEP: i64 = 1;
pub(super) const STATE_DISK: i64 = 2;
pub(super) const STATE_PREEMPTED: i64 = 256;

/// Kernel symbol addresses shown in timer events (any stable values do).
pub(super) const FN_TICK_SCHED_TIMER: u64 = 0xffff_ffff_9a1f_3c40;
pub(super) const FN_HRTIMER_WAKEUP: u64 = 0xffff_ffff_9a1e_8a50;
const FN_PROCESS_TIMEOUT: u64 = 0xffff_ffff_9a1e_4b30;
/// `jiffies` at the trace begin (the kernel starts it 5 minutes before wrapping).
const JIFFIES_BASE: u64 = 4_294_892_296;

impl Engine {
    /// Makes sure `cpu` takes a step at `t` (or earlier if one is already planned).
    pub(super) fn schedule_step(&mut self, cpu: u32, t: u64) {
        let c = &mut self.cpus[cpu as usize];
        if c.step_at.is_some_and(|x| x <= t) {
            return;
        }
        c.step_at = Some(t);
        self.push(t, Job::Step(cpu));
    }

    /// One CPU step: pick a thread if idle, take the tick, maybe preempt, run the thread.
    pub(super) fn step(&mut self, cpu: u32, t: u64) -> io::Result<()> {
        let c = &mut self.cpus[cpu as usize];
        c.now = c.now.max(t);
        let Some(ix) = c.cur else {
            if let Some(next) = self.pick_next(cpu)? {
                self.switch(cpu, 0, Some(next))?;
            }
            return Ok(());
        };
        if self.cpus[cpu as usize].now >= self.cpus[cpu as usize].next_tick {
            self.tick(cpu)?;
            let c = &self.cpus[cpu as usize];
            let preemptible = matches!(self.threads[ix].cont, super::Cont::Compute(_));
            // CFS gives heavier (lower nice) tasks proportionally longer slices.
            let slice = if self.threads[ix].prio < 20 {
                4 * SLICE_NS
            } else {
                SLICE_NS
            };
            if preemptible && c.now - c.run_since >= slice && !c.rq.is_empty() {
                let now = c.now;
                let th = &mut self.threads[ix];
                th.state = TState::Runnable(cpu);
                th.runnable_since = now;
                self.cpus[cpu as usize].rq.push_back(ix);
                let next = self.pick_next(cpu)?;
                return self.switch(cpu, STATE_PREEMPTED, next);
            }
        }
        self.run_thread(cpu, ix)
    }

    /// Next thread for `cpu`: its run queue, else one stolen from another CPU's queue.
    pub(super) fn pick_next(&mut self, cpu: u32) -> io::Result<Option<usize>> {
        if let Some(ix) = self.cpus[cpu as usize].rq.pop_front() {
            return Ok(Some(ix));
        }
        let n = self.cpus.len() as u32;
        for k in 1..n {
            let other = ((cpu + k) % n) as usize;
            let pos = self.cpus[other]
                .rq
                .iter()
                .position(|&ix| self.threads[ix].affinity.is_none_or(|a| a == cpu));
            if let Some(p) = pos {
                let Some(ix) = self.cpus[other].rq.remove(p) else {
                    continue;
                };
                let th = &self.threads[ix];
                let (name, tid, prio) = (th.comm, th.tid, th.prio);
                self.bump_to(cpu, th.runnable_since);
                self.emit(
                    cpu,
                    SCHED_MIGRATE_TASK,
                    &[
                        Val::C(&name),
                        Val::I(u64::from(tid)),
                        Val::I(prio as u64),
                        Val::I(other as u64 + u64::from(self.cpu_base)),
                        Val::I(u64::from(cpu + self.cpu_base)),
                    ],
                )?;
                self.threads[ix].state = TState::Runnable(cpu);
                return Ok(Some(ix));
            }
        }
        Ok(None)
    }

    /// Moves `cpu`'s clock forward to at least `t`.
    pub(super) fn bump_to(&mut self, cpu: u32, t: u64) {
        let c = &mut self.cpus[cpu as usize];
        c.now = c.now.max(t);
    }

    /// Switches `cpu` from its current thread (whose state the caller already set) to `next`
    /// (`None`: the swapper), emitting `sched_switch` and doing the time accounting.
    pub(super) fn switch(
        &mut self,
        cpu: u32,
        prev_state: i64,
        next: Option<usize>,
    ) -> io::Result<()> {
        if let Some(n) = next {
            // The incoming thread's wakeup may have been stamped on a CPU that ran ahead.
            let since = self.threads[n].runnable_since.max(self.threads[n].last_ts);
            self.bump_to(cpu, since + 1);
        }
        let c: &Cpu = &self.cpus[cpu as usize];
        let ts = c.now;
        let swapper = c.swapper;
        let (pc, ptid, pprio) = match c.cur {
            Some(p) => (
                self.threads[p].comm,
                self.threads[p].tid,
                self.threads[p].prio,
            ),
            None => (swapper, 0, 20),
        };
        let (nc, ntid, nprio) = match next {
            Some(n) => (
                self.threads[n].comm,
                self.threads[n].tid,
                self.threads[n].prio,
            ),
            None => (swapper, 0, 20),
        };
        self.emit(
            cpu,
            SCHED_SWITCH,
            &[
                Val::C(&pc),
                Val::I(u64::from(ptid)),
                Val::I(pprio as u64),
                Val::I(prev_state as u64),
                Val::C(&nc),
                Val::I(u64::from(ntid)),
                Val::I(nprio as u64),
            ],
        )?;
        let c = &mut self.cpus[cpu as usize];
        if let Some(p) = c.cur {
            let ran = ts - c.run_since;
            c.busy_ns += ran;
            let th = &mut self.threads[p];
            th.cpu_ns += ran;
            th.last_ts = ts;
        } else if next.is_some() {
            // Leaving idle: the periodic tick restarts (NOHZ idle stops it).
            c.next_tick = ts + TICK_NS - (ts % TICK_NS);
        }
        c.run_since = ts;
        c.cur = next;
        if let Some(n) = next {
            let th = &mut self.threads[n];
            th.wait_cpu_ns += ts - th.runnable_since.min(ts);
            th.state = TState::Running(cpu);
            th.last_cpu = cpu;
            th.last_ts = ts;
            let at = self.cpus[cpu as usize].now + 400;
            self.schedule_step(cpu, at);
        } else if !self.cpus[cpu as usize].rq.is_empty() {
            let at = self.cpus[cpu as usize].now;
            self.schedule_step(cpu, at);
        }
        Ok(())
    }

    /// CPU for a waking thread: its previous CPU when idle; otherwise, half of the time, an
    /// idle CPU if there is one (wake-affine heuristics are imperfect; that imperfection is
    /// what lets a CPU hog delay some requests).
    fn choose_cpu(&mut self, ix: usize) -> u32 {
        let th = &self.threads[ix];
        if let Some(a) = th.affinity {
            return a;
        }
        let last = th.last_cpu;
        let idle = |c: &Cpu| c.cur.is_none() && c.rq.is_empty();
        if idle(&self.cpus[last as usize]) || !self.rng.chance(0.5) {
            return last;
        }
        let n = self.cpus.len() as u32;
        (1..n)
            .map(|k| (last + k) % n)
            .find(|&c| idle(&self.cpus[c as usize]))
            .unwrap_or(last)
    }

    /// Wakes blocked thread `ix` from `from` (the CPU whose context does the wakeup):
    /// `sched_waking` and `sched_wakeup`, then enqueue on the chosen CPU.
    pub(super) fn wake(&mut self, from: u32, ix: usize) -> io::Result<()> {
        if self.threads[ix].state != TState::Blocked {
            return Ok(());
        }
        let target = self.choose_cpu(ix);
        let th = &self.threads[ix];
        let (name, tid, prio, last_ts) = (th.comm, th.tid, th.prio, th.last_ts);
        self.bump_to(from, last_ts + 1);
        let ts = self.cpus[from as usize].now;
        let vals = [
            Val::C(&name),
            Val::I(u64::from(tid)),
            Val::I(prio as u64),
            Val::I(u64::from(target + self.cpu_base)),
        ];
        self.emit(from, SCHED_WAKING, &vals)?;
        self.emit(from, SCHED_WAKEUP, &vals)?;
        let th = &mut self.threads[ix];
        th.state = TState::Runnable(target);
        th.runnable_since = ts;
        th.waiting = false;
        self.cpus[target as usize].rq.push_back(ix);
        if self.cpus[target as usize].cur.is_none() {
            let at = ts.max(self.cpus[target as usize].now) + 1_500 + self.rng.below(4_000);
            self.schedule_step(target, at);
        }
        Ok(())
    }

    /// Delivers a message to thread `tid` (see [`super::Block::Wait`]).
    pub(super) fn wake_msg(&mut self, from: u32, tid: u32) -> io::Result<()> {
        let Some(&ix) = self.tid_index.get(&tid) else {
            return Ok(());
        };
        if self.threads[ix].state == TState::Blocked && self.threads[ix].waiting {
            self.wake(from, ix)
        } else {
            self.threads[ix].tokens += 1;
            Ok(())
        }
    }

    /// The scheduler tick (local APIC timer: no `irq_handler_*` on x86), with the TIMER and
    /// RCU softirqs it sometimes raises.
    pub(super) fn tick(&mut self, cpu: u32) -> io::Result<()> {
        let now = self.cpus[cpu as usize].now;
        let tick_timer = 0xffff_8f3f_7fc1_be00 + u64::from(cpu) * 0x4_0000;
        let entry = [Val::I(tick_timer), Val::I(now), Val::I(FN_TICK_SCHED_TIMER)];
        self.emit(cpu, HRTIMER_EXPIRE_ENTRY, &entry)?;
        self.cpus[cpu as usize].now += 1_200;
        self.emit(cpu, HRTIMER_EXPIRE_EXIT, &[Val::I(tick_timer)])?;
        let r = self.rng.below(8);
        if r < 2 {
            let jiffies = JIFFIES_BASE + (now - self.begin) / TICK_NS;
            let timer = 0xffff_8f00_5300_0000 + self.rng.below(64) * 0x100;
            self.softirq(cpu, 1, |e, cpu| {
                e.emit(
                    cpu,
                    TIMER_EXPIRE_ENTRY,
                    &[Val::I(timer), Val::I(jiffies), Val::I(FN_PROCESS_TIMEOUT)],
                )?;
                e.cpus[cpu as usize].now += 900;
                e.emit(cpu, TIMER_EXPIRE_EXIT, &[Val::I(timer)])?;
                // A periodic timer re-arms itself one second (HZ jiffies) later.
                let start = [
                    Val::I(timer),
                    Val::I(FN_PROCESS_TIMEOUT),
                    Val::I(jiffies + 250),
                    Val::I(jiffies),
                    Val::I(0),
                ];
                e.emit(cpu, TIMER_START, &start)
            })?;
        } else if r == 2 {
            self.softirq(cpu, 9, |e, cpu| {
                e.cpus[cpu as usize].now += 1_500;
                Ok(())
            })?;
        }
        let c = &mut self.cpus[cpu as usize];
        c.next_tick = c.now + TICK_NS - (c.now % TICK_NS);
        Ok(())
    }

    /// Raises and runs softirq `vec` on `cpu` with `body` inside, recording its duration.
    pub(super) fn softirq(
        &mut self,
        cpu: u32,
        vec: u32,
        body: impl FnOnce(&mut Self, u32) -> io::Result<()>,
    ) -> io::Result<()> {
        self.raise(cpu, vec)?;
        self.softirq_run(cpu, vec, body)
    }

    /// `irq_softirq_raise`.
    pub(super) fn raise(&mut self, cpu: u32, vec: u32) -> io::Result<()> {
        self.stats.softirq[vec as usize].0 += 1;
        self.emit(cpu, SOFTIRQ_RAISE, &[Val::I(u64::from(vec))])
    }

    /// Runs an already raised softirq.
    pub(super) fn softirq_run(
        &mut self,
        cpu: u32,
        vec: u32,
        body: impl FnOnce(&mut Self, u32) -> io::Result<()>,
    ) -> io::Result<()> {
        let begin = self.cpus[cpu as usize].now;
        self.emit(cpu, SOFTIRQ_ENTRY, &[Val::I(u64::from(vec))])?;
        body(self, cpu)?;
        let end = self.cpus[cpu as usize].now;
        self.emit(cpu, SOFTIRQ_EXIT, &[Val::I(u64::from(vec))])?;
        self.stats.softirq[vec as usize].1.add(end - begin);
        Ok(())
    }
}

//! Scheduler events: switches, wake-ups, migrations, fork, exec, exit, free.

use super::build::{Builder, KernelRules, NO_CPU};
use super::record::Fields;
use super::recorder::Row;
use super::{NO_THREAD, SchedState};

type P<'a, 'b> = &'a Fields<'b>;

fn tid_of(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

impl Builder {
    /// Makes `th` current on `cpu` from `t`; `inferred` when no switch-in was seen.
    pub(super) fn switch_in(&mut self, th: u32, cpu: u32, t: u64, inferred: bool) {
        let other = self.live[th as usize].on;
        if other != NO_CPU && other != cpu {
            // Current on two CPUs at once (clock skew or lost events): the other CPU's
            // state is no longer known.
            self.switch_out(th, other, t);
            let oc = &mut self.cpus[other as usize];
            oc.current = NO_THREAD;
            oc.since = t;
            self.m.cpus[other as usize].current.set(t, NO_THREAD);
        }
        let l = &mut self.live[th as usize];
        l.on = cpu;
        l.last_cpu = cpu;
        l.since = t;
        l.inferred = inferred;
        if let Some(w) = l.wake.take()
            && !inferred
        {
            let lat = &mut self.m.threads[th as usize].wakeups;
            lat.span.push(w, t);
            lat.cpu.push(cpu as u16);
        }
        self.set_state(th, t, SchedState::Running, cpu);
        let c = &mut self.cpus[cpu as usize];
        c.current = th;
        c.since = t;
        self.m.cpus[cpu as usize].current.set(t, th);
    }

    /// Ends `th`'s run on `cpu` at `t`, crediting its CPU time.
    pub(super) fn switch_out(&mut self, th: u32, cpu: u32, t: u64) {
        let l = &mut self.live[th as usize];
        if l.on != cpu {
            return;
        }
        l.on = NO_CPU;
        let ran = t.saturating_sub(l.since);
        let thread = &mut self.m.threads[th as usize];
        if l.inferred {
            thread.inferred_cpu_ns += ran;
        } else {
            thread.cpu_ns += ran;
            if thread.idle_cpu.is_none() {
                self.m.cpus[cpu as usize].busy_ns += ran;
            }
        }
    }

    pub(super) fn sched_switch(&mut self, p: P<'_, '_>, cpu: u32, t: u64, r: KernelRules) {
        let (Some(prev_tid), Some(next_tid)) = (tid_of(p.int(1)), tid_of(p.int(4))) else {
            return;
        };
        let prev = self.thread(prev_tid, cpu);
        let c = cpu as usize;
        if self.m.cpus[c].first_switch.is_none() {
            self.m.cpus[c].first_switch = Some(t);
        }
        let cur = self.cpus[c].current;
        if cur != prev {
            if cur != NO_THREAD {
                // Our idea of the current thread was wrong (lost events).
                self.switch_out(cur, cpu, t);
                self.set_state(cur, t, SchedState::Unknown, cpu);
            }
            // prev ran since the CPU's state became unknown: an inferred run.
            let since = self.cpus[c].since;
            if self.live[prev as usize].on == NO_CPU {
                self.live[prev as usize].on = cpu;
                self.live[prev as usize].since = since;
                self.live[prev as usize].inferred = true;
                let code = SchedState::Running.code(cpu);
                self.m.threads[prev as usize].states.set(since, code);
                self.m.cpus[c].current.set(since, prev);
            }
        }
        self.switch_out(prev, cpu, t);
        let state = p
            .int(2)
            .map_or(SchedState::WaitUnknown, |v| r.prev_state(v));
        self.set_state(prev, t, state, cpu);
        if state == SchedState::WaitCpu && prev_tid != 0 {
            // Preempted: waiting for a CPU from now on, which is a wake-up latency too.
            self.live[prev as usize].wake = Some(t);
        }
        if let Some(name) = p.text(0)
            && prev_tid != 0
        {
            self.set_name(prev, t, name);
        }
        let next = self.thread(next_tid, cpu);
        self.switch_in(next, cpu, t, false);
        if let Some(name) = p.text(3)
            && next_tid != 0
        {
            self.set_name(next, t, name);
        }
    }

    pub(super) fn wakeup(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        let Some(tid) = tid_of(p.int(1)).filter(|&t| t != 0) else {
            return;
        };
        let th = self.thread(tid, cpu);
        let l = &mut self.live[th as usize];
        if l.on != NO_CPU {
            return;
        }
        if l.wake.is_none() {
            l.wake = Some(t);
        }
        if l.state != SchedState::WaitCpu {
            let target = p.int(2).and_then(|c| u32::try_from(c).ok()).unwrap_or(cpu);
            self.set_state(th, t, SchedState::WaitCpu, target);
        }
        if let Some(name) = p.text(0)
            && self.m.threads[th as usize].names.is_empty()
        {
            self.set_name(th, t, name);
        }
    }

    pub(super) fn migrate(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        let Some(tid) = tid_of(p.int(1)).filter(|&t| t != 0) else {
            return;
        };
        let th = self.thread(tid, cpu);
        if self.live[th as usize].state == SchedState::WaitBlocked {
            self.wakeup(p, cpu, t);
        }
    }

    pub(super) fn fork(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        let (Some(parent_tid), Some(child_tid)) = (tid_of(p.int(0)), tid_of(p.int(3))) else {
            return;
        };
        let parent = self.thread(parent_tid, cpu);
        let parent_pid = tid_of(p.int(1)).or(self.m.threads[parent as usize].pid);
        if let Some(pid) = parent_pid
            && self.m.threads[parent as usize].pid.is_none()
        {
            self.set_pid(parent, pid);
        }
        let child = self.new_generation(child_tid);
        let child_pid = tid_of(p.int(4));
        self.m.threads[child as usize].born = Some(t);
        self.m.threads[child as usize].kernel =
            self.m.threads[parent as usize].kernel || parent_tid == 2;
        match child_pid {
            Some(pid) if pid != child_tid => self.set_pid(child, pid),
            _ => {
                // A new process: it gets a copy of its parent's fd table.
                let pp = self.process_of(parent);
                let table = self.m.processes[pp as usize].fds.fork(t);
                self.set_pid(child, child_tid);
                let cp = self.process_of(child);
                self.m.processes[cp as usize].fds = table;
                self.m.threads[child as usize].ppid = parent_pid;
            }
        }
        if let Some(name) = p.text(2) {
            self.set_name(child, t, name);
        }
        self.set_state(child, t, SchedState::WaitCpu, cpu);
        self.live[child as usize].wake = Some(t);
    }

    pub(super) fn exec(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        let th = match tid_of(p.int(1)) {
            Some(tid) => self.thread(tid, cpu),
            None => self.cpus[cpu as usize].current,
        };
        if th == NO_THREAD {
            return;
        }
        if let Some(path) = p.text(0) {
            let base = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
            let name = &base[..base.len().min(15)];
            self.set_name(th, t, name);
        }
        let pr = self.process_of(th);
        self.m.processes[pr as usize].fds.exec(t);
    }

    pub(super) fn process_exit(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        let Some(tid) = tid_of(p.int(1)).filter(|&t| t != 0) else {
            return;
        };
        let th = self.thread(tid, cpu);
        self.m.threads[th as usize].exited = Some(t);
        // exit/exit_group never return.
        if let Some(pend) = self.live[th as usize].pending.take() {
            self.recorder.push(Row::abandoned(th, &pend, t));
        }
    }

    pub(super) fn process_free(&mut self, p: P<'_, '_>, t: u64) {
        let Some(tid) = tid_of(p.int(1)) else {
            return;
        };
        if let Some(th) = self.known(tid)
            && self.live[th as usize].on == NO_CPU
        {
            self.set_state(th, t, SchedState::Dead, 0);
            self.detach(tid);
        }
    }
}

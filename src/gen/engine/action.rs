//! Running a thread's actions: syscalls, kernel work, clone, exec, exit.

use std::io;

use super::sched::{FN_HRTIMER_WAKEUP, STATE_DISK, STATE_SLEEP};
use super::{Action, Block, Cont, Cx, Engine, FdKind, Job, Mark, Spawn, Sys, TState};
use crate::ctf::writer::Val;
use crate::r#gen::catalog::{
    HRTIMER_START, KMEM_PAGE_ALLOC, KMEM_PAGE_FREE, NET_DEV_XMIT, SCHED_PROCESS_EXEC,
    SCHED_PROCESS_EXIT, SCHED_PROCESS_FORK, SCHED_PROCESS_FREE, SCHED_WAKEUP_NEW, Sc,
};

/// Root PID namespace inode.
pub(super) const PID_NS_INUM: u64 = 4_026_531_836;
/// Actions a step may run before yielding to the heap (bounds run-ahead).
const MAX_ACTIONS_PER_STEP: usize = 1024;
/// Largest `net_dev_xmit` (a GSO super-packet).
const MAX_XMIT: u32 = 65_160;

impl Engine {
    /// Runs thread `ix` on `cpu` until it blocks, computes, or reaches the next job's time.
    pub(super) fn run_thread(&mut self, cpu: u32, ix: usize) -> io::Result<()> {
        for _ in 0..MAX_ACTIONS_PER_STEP {
            let horizon = self.heap.peek().map_or(u64::MAX, |r| r.0.0);
            let c = &self.cpus[cpu as usize];
            if c.cur != Some(ix) {
                return Ok(());
            }
            let now = c.now;
            if now >= c.next_tick || now > horizon {
                self.schedule_step(cpu, now);
                return Ok(());
            }
            let cont = std::mem::replace(&mut self.threads[ix].cont, Cont::Fresh);
            match cont {
                Cont::Compute(rem) => {
                    // Nothing else can happen on this CPU before the next job or tick, so a
                    // computation ending before both just moves the clock (no heap round trip).
                    let limit = c
                        .next_tick
                        .min(self.heap.peek().map_or(u64::MAX, |r| r.0.0));
                    if now + rem < limit {
                        self.cpus[cpu as usize].now += rem;
                        continue;
                    }
                    let chunk = rem.min(c.next_tick - now);
                    if rem > chunk {
                        self.threads[ix].cont = Cont::Compute(rem - chunk);
                    }
                    self.schedule_step(cpu, now + chunk.max(1));
                    return Ok(());
                }
                Cont::SysExit(sys) => self.sys_exit(cpu, ix, &sys)?,
                Cont::KernelDone => {}
                Cont::CloneChild => {
                    // The child returns from clone() without a matching entry.
                    self.emit_sys(cpu, Sc::Clone.exit(), &[0], None)?;
                }
                Cont::Fresh => {
                    if self.next_action(cpu, ix)? {
                        return Ok(());
                    }
                }
            }
        }
        let now = self.cpus[cpu as usize].now;
        self.schedule_step(cpu, now);
        Ok(())
    }

    /// Asks the behaviour for an action and starts it; true when the thread left the CPU.
    fn next_action(&mut self, cpu: u32, ix: usize) -> io::Result<bool> {
        let Some(mut b) = self.threads[ix].behavior.take() else {
            return Ok(false);
        };
        let mut cx = Cx {
            now: self.cpus[cpu as usize].now,
            begin: self.begin,
            tid: self.threads[ix].tid,
            pid: self.threads[ix].pid,
            cpu,
            rng: &mut self.rng,
        };
        let action = b.next(&mut cx);
        self.threads[ix].behavior = Some(b);
        match action {
            Action::Compute(ns) => {
                self.threads[ix].cont = Cont::Compute(ns.max(1));
                Ok(false)
            }
            Action::Sys(sys) => self.syscall(cpu, ix, sys),
            Action::Kernel {
                work_ns,
                block,
                pages,
            } => {
                self.cpus[cpu as usize].now += work_ns;
                self.page_allocs(cpu, pages)?;
                self.start_block(cpu, ix, block, Cont::KernelDone)
            }
            Action::Spawn(s) => self.spawn(cpu, ix, s).map(|()| false),
            Action::Exec { filename, comm } => self.exec(cpu, ix, &filename, comm).map(|()| false),
            Action::Exit => self.exit(cpu, ix, true).map(|()| true),
            Action::Crash => self.exit(cpu, ix, false).map(|()| true),
            Action::Statedump => self.statedump(cpu).map(|()| false),
        }
    }

    fn syscall(&mut self, cpu: u32, ix: usize, sys: Sys) -> io::Result<bool> {
        self.threads[ix].sys_entry_ts = self.cpus[cpu as usize].now;
        self.emit_sys(cpu, sys.sc.entry(), &sys.args, sys.text.as_deref())?;
        self.cpus[cpu as usize].now += sys.kernel_ns;
        self.page_allocs(cpu, sys.pages)?;
        self.page_frees(cpu, sys.frees)?;
        let mut left = sys.xmit;
        while left > 0 {
            let len = left.min(MAX_XMIT);
            left -= len;
            self.xmit(cpu, len)?;
        }
        if let Some(tid) = sys.wake {
            self.wake_msg(cpu, tid)?;
        }
        let block = sys.block;
        self.start_block(cpu, ix, block, Cont::SysExit(sys))
    }

    /// Blocks thread `ix` as `block` says, with `cont` to run when it is back on a CPU;
    /// for [`Block::None`] (or a message already received) it continues at once.
    fn start_block(&mut self, cpu: u32, ix: usize, block: Block, cont: Cont) -> io::Result<bool> {
        let now = self.cpus[cpu as usize].now;
        let state = match block {
            Block::None => None,
            Block::Wait => {
                let th = &mut self.threads[ix];
                if th.tokens > 0 {
                    th.tokens -= 1;
                    None
                } else {
                    th.waiting = true;
                    Some(STATE_SLEEP)
                }
            }
            Block::Sleep(d) => {
                let timer = 0xffff_b5c1_4000_0000 + (ix as u64) * 0x4000;
                let vals = [
                    Val::I(timer),
                    Val::I(FN_HRTIMER_WAKEUP),
                    Val::I(now + d),
                    Val::I(now + d),
                    Val::I(1),
                ];
                self.emit(cpu, HRTIMER_START, &vals)?;
                self.push(now + d, Job::Timer(ix as u32));
                Some(STATE_SLEEP)
            }
            Block::Net { delay, len } => {
                let rx_cpu = self.rng.below(self.cpus.len() as u64) as u32;
                self.push(
                    now + delay,
                    Job::NetRx {
                        cpu: rx_cpu,
                        tix: ix as u32,
                        len,
                    },
                );
                Some(STATE_SLEEP)
            }
            Block::Disk(req) => {
                self.issue_disk(cpu, ix, req)?;
                Some(STATE_DISK)
            }
        };
        match state {
            None => {
                if let Cont::SysExit(sys) = &cont {
                    self.cpus[cpu as usize].now += sys.after_ns;
                    self.sys_exit(cpu, ix, sys)?;
                }
                Ok(false)
            }
            Some(prev_state) => {
                let th = &mut self.threads[ix];
                th.state = TState::Blocked;
                th.cont = cont;
                let next = self.pick_next(cpu)?;
                self.switch(cpu, prev_state, next)?;
                Ok(true)
            }
        }
    }

    /// Emits the exit of `sys` and accounts for it.
    pub(super) fn sys_exit(&mut self, cpu: u32, ix: usize, sys: &Sys) -> io::Result<()> {
        let ts = self.cpus[cpu as usize].now;
        let mut ints = [0u64; 6];
        ints[0] = sys.ret as u64;
        ints[1..].copy_from_slice(&sys.out);
        self.emit_sys(cpu, sys.sc.exit(), &ints, None)?;
        let th = &self.threads[ix];
        let entry_ts = th.sys_entry_ts;
        self.stats.sys[sys.sc as usize].add(ts - entry_ts);
        if th.proc_ix != usize::MAX {
            let p = th.proc_ix;
            for io in [sys.io, sys.io_out].into_iter().flatten() {
                let slot = match (io.kind, io.write) {
                    (FdKind::Disk, false) => 0,
                    (FdKind::Disk, true) => 1,
                    (FdKind::Net, false) => 2,
                    (FdKind::Net, true) => 3,
                    (FdKind::Other, false) => 6,
                    (FdKind::Other, true) => 7,
                };
                self.procs[p].io[slot] += io.bytes;
            }
        }
        if sys.mark != 0
            && let Some(sink) = &mut self.stats.mark_sink
        {
            let (tid, wait_cpu_ns) = (th.tid, th.wait_cpu_ns);
            sink(Mark {
                tid,
                mark: sys.mark,
                ret: sys.ret,
                entry_ts,
                exit_ts: ts,
                wait_cpu_ns,
            });
        }
        Ok(())
    }

    fn page_allocs(&mut self, cpu: u32, n: u8) -> io::Result<()> {
        for _ in 0..n {
            let pfn = 0x10_0000 + self.rng.below(0x40_0000);
            let page = 0xffff_ea00_0000_0000 + pfn * 64;
            let vals = [
                Val::I(page),
                Val::I(pfn),
                Val::I(0),
                Val::I(0x0010_0cca),
                Val::I(1),
            ];
            self.emit(cpu, KMEM_PAGE_ALLOC, &vals)?;
        }
        Ok(())
    }

    fn page_frees(&mut self, cpu: u32, n: u8) -> io::Result<()> {
        for _ in 0..n {
            let pfn = 0x10_0000 + self.rng.below(0x40_0000);
            let vals = [
                Val::I(0xffff_ea00_0000_0000 + pfn * 64),
                Val::I(pfn),
                Val::I(0),
            ];
            self.emit(cpu, KMEM_PAGE_FREE, &vals)?;
        }
        Ok(())
    }

    fn xmit(&mut self, cpu: u32, len: u32) -> io::Result<()> {
        let Some(nic) = self.netifs.first_mut() else {
            return Ok(());
        };
        nic.sent_bytes += u64::from(len);
        nic.sent_packets += 1;
        let name = nic.name.clone();
        let skb = 0xffff_8f01_2000_0000 + self.rng.below(1 << 20) * 0x100;
        self.emit(
            cpu,
            NET_DEV_XMIT,
            &[
                Val::I(skb),
                Val::I(0),
                Val::I(u64::from(len)),
                Val::S(&name),
            ],
        )
    }

    /// `clone()`: fork event, the child enqueued with `sched_wakeup_new`, parent returns.
    fn spawn(&mut self, cpu: u32, ix: usize, s: Spawn) -> io::Result<()> {
        let flags: u64 = if s.new_process {
            0x0120_0011
        } else {
            0x003d_0f00
        };
        let sys = Sys::new(Sc::Clone, &[flags, 0, 0, 0x7f3a_c000_0990], 0).kernel(25_000, 0);
        self.threads[ix].sys_entry_ts = self.cpus[cpu as usize].now;
        self.emit_sys(cpu, Sc::Clone.entry(), &sys.args, None)?;
        self.cpus[cpu as usize].now += sys.kernel_ns;
        let child_tid = self.next_tid;
        self.next_tid += 1;
        let parent = &self.threads[ix];
        let (pcomm, ptid, ppid, prio) = (parent.comm, parent.tid, parent.pid, parent.prio);
        let child_pid = if s.new_process { child_tid } else { ppid };
        if s.new_process {
            let fds = self
                .pid_index
                .get(&ppid)
                .map(|&p| self.procs[p].fds.clone())
                .unwrap_or_default();
            self.add_process(child_pid, ppid, fds);
        }
        let name = String::from_utf8_lossy(&pcomm)
            .trim_end_matches('\0')
            .to_string();
        let prio = s.prio.unwrap_or(prio);
        let cix = self.new_thread(child_tid, child_pid, &name, prio, s.behavior);
        self.threads[cix].cont = Cont::CloneChild;
        let n = self.cpus.len() as u32;
        self.threads[cix].affinity = s.affinity.map(|a| a % n);
        self.threads[cix].last_cpu = cpu;
        self.threads[cix].last_ts = self.cpus[cpu as usize].now;
        let ns = PID_NS_INUM;
        let fork = [
            Val::C(&pcomm),
            Val::I(u64::from(ptid)),
            Val::I(u64::from(ppid)),
            Val::I(ns),
            Val::C(&pcomm),
            Val::I(u64::from(child_tid)),
            Val::I(u64::from(child_tid)),
            Val::I(u64::from(child_pid)),
            Val::I(ns),
        ];
        self.emit(cpu, SCHED_PROCESS_FORK, &fork)?;
        let target = self.threads[cix]
            .affinity
            .unwrap_or((cpu + 1 + self.rng.below(u64::from(n)) as u32) % n);
        let wake = [
            Val::C(&pcomm),
            Val::I(u64::from(child_tid)),
            Val::I(prio as u64),
            Val::I(u64::from(target + self.cpu_base)),
        ];
        let ts = self.cpus[cpu as usize].now;
        self.emit(cpu, SCHED_WAKEUP_NEW, &wake)?;
        let th = &mut self.threads[cix];
        th.state = TState::Runnable(target);
        th.runnable_since = ts;
        self.cpus[target as usize].rq.push_back(cix);
        if self.cpus[target as usize].cur.is_none() {
            let at = ts.max(self.cpus[target as usize].now) + 3_000;
            self.schedule_step(target, at);
        }
        self.cpus[cpu as usize].now += 8_000;
        let done = Sys {
            ret: i64::from(child_tid),
            ..sys
        };
        self.sys_exit(cpu, ix, &done)
    }

    fn exec(
        &mut self,
        cpu: u32,
        ix: usize,
        filename: &std::sync::Arc<str>,
        comm: &str,
    ) -> io::Result<()> {
        let sys = Sys::new(Sc::Execve, &[0x55d0_4e3a_1f20, 0x55d0_4e3a_1f60], 0).text(filename);
        self.threads[ix].sys_entry_ts = self.cpus[cpu as usize].now;
        self.emit_sys(cpu, Sc::Execve.entry(), &sys.args, Some(filename))?;
        self.cpus[cpu as usize].now += 180_000;
        let tid = u64::from(self.threads[ix].tid);
        self.emit(
            cpu,
            SCHED_PROCESS_EXEC,
            &[Val::S(filename), Val::I(tid), Val::I(tid)],
        )?;
        self.threads[ix].comm = crate::ctf::writer::payload::comm(comm);
        self.page_allocs(cpu, 4)?;
        self.cpus[cpu as usize].now += 60_000;
        self.sys_exit(cpu, ix, &sys)
    }

    /// Thread exit: `exit_group` entry (none for a crash), `sched_process_exit`, the final
    /// switch, and `sched_process_free` once the task is released.
    fn exit(&mut self, cpu: u32, ix: usize, clean: bool) -> io::Result<()> {
        if clean {
            self.emit_sys(cpu, Sc::ExitGroup.entry(), &[0], None)?;
        }
        // Tearing down the address space frees pages (a core dump frees more, later).
        self.page_frees(cpu, if clean { 8 } else { 16 })?;
        self.cpus[cpu as usize].now += 30_000;
        let th = &self.threads[ix];
        let (name, tid, prio, leader) = (th.comm, th.tid, th.prio, th.tid == th.pid);
        let vals = [Val::C(&name), Val::I(u64::from(tid)), Val::I(prio as u64)];
        self.emit(cpu, SCHED_PROCESS_EXIT, &vals)?;
        let th = &mut self.threads[ix];
        th.state = TState::Dead;
        th.behavior = None;
        let next = self.pick_next(cpu)?;
        // A process leader stays a zombie (Z) until reaped; other threads die at once (X).
        self.switch(cpu, if leader { 32 } else { 16 }, next)?;
        self.cpus[cpu as usize].now += 2_000;
        self.emit(cpu, SCHED_PROCESS_FREE, &vals)
    }
}

//! Interrupts, block requests, network packets and the statedump.

use super::build::{Builder, Frame};
use super::fd::{FdEntry, FdKind};
use super::plan::Plan;
use super::record::Fields;
use super::{Disk, IrqKind, NO_THREAD, NetIf, SchedState};

/// Softirq vectors counted (Linux has ten; room for a future kernel's more).
const MAX_SOFTIRQ_VECTORS: usize = 256;

type P<'a, 'b> = &'a Fields<'b>;

fn u32_of(v: Option<i64>) -> Option<u32> {
    v.and_then(|v| u32::try_from(v).ok())
}

impl Builder {
    pub(super) fn irq_entry(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        let Some(irq) = u32_of(p.int(0)) else {
            return;
        };
        if !self.m.irq_names.iter().any(|&(i, _)| i == irq)
            && let Some(name) = p.text(1)
        {
            let id = self.m.strings.intern_bytes(name);
            self.m.irq_names.push((irq, id));
        }
        self.cpus[cpu as usize].stack.push(Frame {
            kind: IrqKind::Hard,
            number: irq,
            begin: t,
            raise: None,
        });
    }

    /// Pops the top frame when it is `kind`/`number`; a mismatch means lost events.
    fn irq_pop(&mut self, kind: IrqKind, number: u32, cpu: u32, t: u64) {
        let c = cpu as usize;
        match self.cpus[c].stack.last() {
            Some(f) if f.kind == kind && f.number == number => {
                let f = *f;
                self.cpus[c].stack.pop();
                self.m.cpus[c].irqs.push(f.begin, t, kind, number, f.raise);
            }
            Some(_) => {
                self.cpus[c].stack.pop();
                self.m.counters.irq_mismatch += 1;
            }
            None => self.m.counters.irq_mismatch += 1,
        }
    }

    pub(super) fn irq_exit(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        if let Some(irq) = u32_of(p.int(0)) {
            self.irq_pop(IrqKind::Hard, irq, cpu, t);
        }
    }

    pub(super) fn softirq_entry(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        let Some(vec) = u32_of(p.int(0)) else {
            return;
        };
        let c = &mut self.cpus[cpu as usize];
        let raise = c.raised.get_mut(vec as usize).and_then(Option::take);
        c.stack.push(Frame {
            kind: IrqKind::Soft,
            number: vec,
            begin: t,
            raise,
        });
    }

    pub(super) fn softirq_exit(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        if let Some(vec) = u32_of(p.int(0)) {
            self.irq_pop(IrqKind::Soft, vec, cpu, t);
        }
    }

    /// A raise marks the vector pending on the raising CPU (softirqs run where they were
    /// raised); a raise while already pending keeps the first time.
    pub(super) fn softirq_raise(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        let Some(vec) = u32_of(p.int(0)) else {
            return;
        };
        let v = vec as usize;
        if v >= MAX_SOFTIRQ_VECTORS {
            // Linux has ten vectors: a number this large is damage, and would size the
            // counts after it.
            return;
        }
        if self.m.softirq_raises.len() <= v {
            self.m.softirq_raises.resize(v + 1, 0);
        }
        self.m.softirq_raises[v] += 1;
        if let Some(slot) = self.cpus[cpu as usize].raised.get_mut(v)
            && slot.is_none()
        {
            *slot = Some(t);
        }
    }

    pub(super) fn block_issue(&mut self, p: P<'_, '_>, cpu: u32, t: u64) {
        let (Some(dev), Some(sector), Some(nr)) = (
            u32_of(p.int(0)),
            p.int(1).map(|v| v as u64),
            u32_of(p.int(2)),
        ) else {
            return;
        };
        let write = p.int(3).unwrap_or(0) & 1 == 1;
        // Old tracers have no `tid`: the issuing thread is then the CPU's current one.
        let th = match u32_of(p.int(4)) {
            Some(0) => NO_THREAD,
            Some(tid) => self.thread(tid, cpu),
            None => self.cpus[cpu as usize].current,
        };
        if th != NO_THREAD && nr > 0 {
            let thread = &mut self.m.threads[th as usize];
            thread.block[usize::from(write)] += u64::from(nr) * 512;
        }
        self.pending_block.insert((dev, sector), (t, nr, write, th));
    }

    pub(super) fn block_complete(&mut self, p: P<'_, '_>, t: u64) {
        let (Some(dev), Some(sector)) = (u32_of(p.int(0)), p.int(1).map(|v| v as u64)) else {
            return;
        };
        let Some((begin, nr, write, th)) = self.pending_block.remove(&(dev, sector)) else {
            self.m.counters.block_unmatched += 1;
            return;
        };
        let b = &mut self.m.block;
        b.span.push(begin, t);
        b.dev.push(dev);
        b.sector.push(sector);
        b.nr_sector.push(nr);
        b.write.push(write);
        b.thread.push(th);
    }

    pub(super) fn packet(&mut self, p: P<'_, '_>, plan: &Plan, t: u64) {
        let (Some(len), Some(name)) = (u32_of(p.int(0)), p.text(1)) else {
            return;
        };
        let sent = matches!(plan.kind, super::plan::Kind::NetXmit);
        // A machine has a handful of interfaces: comparing the name with theirs is cheaper
        // than hashing it for the interner on every packet.
        let strings = &self.m.strings;
        let known = self
            .m
            .net_ifs
            .iter()
            .position(|n| strings.get(n.name).as_bytes() == name);
        let i = match known {
            Some(i) => i,
            None => {
                let id = self.m.strings.intern_bytes(name);
                self.m.net_ifs.push(NetIf {
                    name: id,
                    ..NetIf::default()
                });
                self.m.net_ifs.len() - 1
            }
        };
        let pk = &mut self.m.net_ifs[i].packets;
        pk.at.push(t);
        pk.len.push(len);
        pk.sent.push(sent);
    }

    pub(super) fn dump_process(&mut self, p: P<'_, '_>, t: u64) {
        let Some(tid) = u32_of(p.int(0)).filter(|&t| t != 0) else {
            return;
        };
        let th = self.thread(tid, 0);
        let pid = u32_of(p.int(1));
        if let Some(pid) = pid
            && self.m.threads[th as usize].pid.is_none()
        {
            self.set_pid(th, pid);
        }
        let thread = &mut self.m.threads[th as usize];
        if thread.ppid.is_none() {
            thread.ppid = u32_of(p.int(2));
        }
        if p.int(4) == Some(1) {
            thread.kernel = true;
        }
        if thread.names.is_empty()
            && let Some(name) = p.text(3)
        {
            self.set_name(th, t, name);
        }
        if let Some(addr) = p.int(6).filter(|&a| a != 0) {
            let pr = self.process_of(th);
            self.tables.entry(addr).or_insert(pr);
        }
        if self.live[th as usize].state == SchedState::Unknown {
            let state = match p.int(5) {
                Some(5) => SchedState::WaitBlocked,
                Some(1 | 2) => SchedState::WaitCpu,
                Some(4) => SchedState::Exited,
                Some(7) => SchedState::Dead,
                _ => SchedState::WaitUnknown,
            };
            self.set_state(th, t, state, 0);
        }
    }

    pub(super) fn dump_fd(&mut self, p: P<'_, '_>, plan: &Plan, t: u64) {
        let (Some(owner), Some(fd), Some(path)) = (
            p.int(0),
            p.int(1).and_then(|f| i32::try_from(f).ok()),
            p.text(2),
        ) else {
            return;
        };
        let pr = if plan.by_table {
            match self.tables.get(&owner) {
                Some(&pr) => pr,
                None => return,
            }
        } else {
            match u32::try_from(owner) {
                Ok(pid) => self.process(pid),
                Err(_) => return,
            }
        };
        let name = self.m.strings.intern_bytes(path);
        let flags = p.int(3).unwrap_or(0);
        self.m.processes[pr as usize].fds.seed(FdEntry {
            fd,
            kind: FdKind::of_path(path),
            name,
            family: 0,
            opened: t,
            closed: u64::MAX,
            cloexec: flags & super::fd::O_CLOEXEC != 0,
        });
    }

    pub(super) fn dump_block_device(&mut self, p: P<'_, '_>) {
        if let (Some(dev), Some(name)) = (u32_of(p.int(0)), p.text(1)) {
            let name = self.m.strings.intern_bytes(name);
            if !self.m.disks.iter().any(|d| d.dev == dev) {
                self.m.disks.push(Disk { dev, name });
            }
        }
    }

    pub(super) fn dump_interrupt(&mut self, p: P<'_, '_>) {
        if let (Some(irq), Some(name)) = (u32_of(p.int(0)), p.text(1)) {
            if self.m.irq_names.iter().any(|&(i, _)| i == irq) {
                return;
            }
            let id = self.m.strings.intern_bytes(name);
            self.m.irq_names.push((irq, id));
        }
    }
}

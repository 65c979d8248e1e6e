//! Devices and their interrupts: disks, the NIC, timers, background noise; and the statedump.

use std::io;

use super::action::PID_NS_INUM;
use super::sched::FN_HRTIMER_WAKEUP;
use super::{DiskReq, Engine, Job, TState};
use crate::ctf::writer::Val;
use crate::r#gen::catalog::{
    BLOCK_RQ_COMPLETE, BLOCK_RQ_INSERT, BLOCK_RQ_ISSUE, HRTIMER_EXPIRE_ENTRY, HRTIMER_EXPIRE_EXIT,
    IRQ_HANDLER_ENTRY, IRQ_HANDLER_EXIT, NET_IF_RECEIVE_SKB, STATEDUMP_BLOCK_DEVICE,
    STATEDUMP_CPU_TOPOLOGY, STATEDUMP_END, STATEDUMP_FD, STATEDUMP_INTERRUPT, STATEDUMP_NET_IF,
    STATEDUMP_PID_NS, STATEDUMP_PROCESS_STATE, STATEDUMP_START, Sc,
};
use crate::r#gen::truth::DurStats;

/// A disk: one FIFO queue with a fixed per-request cost and a bandwidth.
#[derive(Debug, Clone)]
pub struct Disk {
    /// Kernel `dev_t` (major << 20 | minor).
    pub dev: u32,
    /// Disk name (`nvme0n1`).
    pub name: String,
    /// Completion IRQ line and handler name.
    pub irq: u32,
    /// Handler name (`nvme0q1`).
    pub irq_name: String,
    /// Fixed cost per request.
    pub base_ns: u64,
    /// Transfer time per KiB.
    pub ns_per_kib: u64,
    /// Time the queue drains.
    pub busy_until: u64,
    /// Next sector handed out.
    pub next_sector: u64,
}

/// A network interface.
#[derive(Debug, Clone, Default)]
pub struct NetIf {
    /// Name (`eth0`).
    pub name: String,
    /// IRQ line.
    pub irq: u32,
    /// IPv4 address (host order).
    pub ipv4: u32,
    /// Bytes sent.
    pub sent_bytes: u64,
    /// Bytes received.
    pub received_bytes: u64,
    /// Packets sent.
    pub sent_packets: u64,
    /// Packets received.
    pub received_packets: u64,
}

/// A background interrupt source: packets nobody waits for arrive on the first NIC.
#[derive(Debug, Clone, Copy)]
pub struct Noise {
    /// Mean time between packets.
    pub mean_interval_ns: u64,
}

impl Engine {
    /// Hard IRQ `irq` on `cpu` around `body`, recording its duration.
    fn hard_irq(
        &mut self,
        cpu: u32,
        irq: u32,
        name: &str,
        body: impl FnOnce(&mut Self, u32) -> io::Result<()>,
    ) -> io::Result<()> {
        let begin = self.cpus[cpu as usize].now;
        self.emit(
            cpu,
            IRQ_HANDLER_ENTRY,
            &[Val::I(u64::from(irq)), Val::S(name)],
        )?;
        body(self, cpu)?;
        self.cpus[cpu as usize].now += 1_000;
        let end = self.cpus[cpu as usize].now;
        self.emit(cpu, IRQ_HANDLER_EXIT, &[Val::I(u64::from(irq)), Val::I(1)])?;
        let pos = self.stats.irqs.iter().position(|e| e.0 == irq);
        let i = pos.unwrap_or_else(|| {
            self.stats
                .irqs
                .push((irq, name.to_string(), DurStats::default()));
            self.stats.irqs.len() - 1
        });
        self.stats.irqs[i].2.add(end - begin);
        Ok(())
    }

    /// Issues a request batch from thread `ix` on `cpu`; completions are scheduled.
    pub(super) fn issue_disk(&mut self, cpu: u32, ix: usize, req: DiskReq) -> io::Result<()> {
        let th = &self.threads[ix];
        let (name, tid, proc_ix) = (th.comm, th.tid, th.proc_ix);
        let nr = req.bytes / 512;
        let rwbs: u64 = if req.write { 1 } else { 4 };
        for k in 0..req.count {
            let d = &mut self.disks[req.disk];
            let sector = d.next_sector;
            d.next_sector += nr + 8;
            let now = self.cpus[cpu as usize].now;
            let start = now.max(d.busy_until);
            let done = start + d.base_ns + req.bytes / 1024 * d.ns_per_kib;
            d.busy_until = done;
            let dev = u64::from(d.dev);
            let vals = [
                Val::I(dev),
                Val::I(sector),
                Val::I(nr),
                Val::I(req.bytes),
                Val::I(u64::from(tid)),
                Val::I(rwbs),
                Val::C(&name),
            ];
            // The request is queued (insert) and, the queue being simple, dispatched at once.
            self.emit(cpu, BLOCK_RQ_INSERT, &vals)?;
            self.emit(cpu, BLOCK_RQ_ISSUE, &vals)?;
            if let Some(p) = self.procs.get_mut(proc_ix) {
                p.io[if req.write { 5 } else { 4 }] += nr * 512;
            }
            let last = k + 1 == req.count;
            let job = super::DiskJob {
                cpu,
                tix: ix,
                req,
                sector,
                last,
            };
            let slot = match self.disk_free.pop() {
                Some(s) => {
                    self.disk_jobs[s as usize] = job;
                    s
                }
                None => {
                    self.disk_jobs.push(job);
                    self.disk_jobs.len() as u32 - 1
                }
            };
            self.push(done, Job::DiskDone(slot));
        }
        Ok(())
    }

    /// A disk completion interrupt; the last request of a batch wakes its issuer.
    pub(super) fn disk_done(
        &mut self,
        t: u64,
        cpu: u32,
        ix: usize,
        req: DiskReq,
        sector: u64,
        last: bool,
    ) -> io::Result<()> {
        self.bump_to(cpu, t);
        let d = &self.disks[req.disk];
        let (irq, irq_name, dev) = (d.irq, d.irq_name.clone(), u64::from(d.dev));
        let rwbs: u64 = if req.write { 1 } else { 4 };
        self.hard_irq(cpu, irq, &irq_name, |e, cpu| {
            let vals = [
                Val::I(dev),
                Val::I(sector),
                Val::I(req.bytes / 512),
                Val::I(0),
                Val::I(rwbs),
            ];
            e.emit(cpu, BLOCK_RQ_COMPLETE, &vals)?;
            if last { e.wake(cpu, ix) } else { Ok(()) }
        })
    }

    /// A packet arrives: NIC IRQ raising NET_RX, then the softirq receives it and wakes the
    /// waiting thread, if any.
    pub(super) fn net_rx(
        &mut self,
        t: u64,
        cpu: u32,
        ix: Option<usize>,
        len: u32,
    ) -> io::Result<()> {
        let Some(nic) = self.netifs.first_mut() else {
            return Ok(());
        };
        nic.received_bytes += u64::from(len);
        nic.received_packets += 1;
        let (irq, name) = (nic.irq, nic.name.clone());
        self.bump_to(cpu, t);
        self.hard_irq(cpu, irq, &name, |e, cpu| e.raise(cpu, 3))?;
        let skb = 0xffff_8f01_3000_0000 + self.rng.below(1 << 20) * 0x100;
        self.softirq_run(cpu, 3, |e, cpu| {
            e.emit(
                cpu,
                NET_IF_RECEIVE_SKB,
                &[Val::I(skb), Val::I(u64::from(len)), Val::S(&name)],
            )?;
            match ix {
                Some(ix) => e.wake(cpu, ix),
                None => Ok(()),
            }
        })
    }

    /// Background packet, then the next one.
    pub(super) fn noise_fire(&mut self, t: u64, i: usize) -> io::Result<()> {
        let n = self.noise[i];
        let cpu = self.rng.below(self.cpus.len() as u64) as u32;
        let len = 66 + self.rng.below(1_400) as u32;
        self.net_rx(t, cpu, None, len)?;
        let next = t + self.rng.exp(n.mean_interval_ns);
        self.push(next, Job::Noise(i as u32));
        Ok(())
    }

    /// An hrtimer sleep expires (in the tick interrupt of the CPU the thread slept on).
    pub(super) fn timer_fire(&mut self, t: u64, ix: usize) -> io::Result<()> {
        if self.threads[ix].state != TState::Blocked {
            return Ok(());
        }
        let cpu = self.threads[ix].last_cpu;
        self.bump_to(cpu, t);
        let timer = 0xffff_b5c1_4000_0000 + (ix as u64) * 0x4000;
        let now = self.cpus[cpu as usize].now;
        self.emit(
            cpu,
            HRTIMER_EXPIRE_ENTRY,
            &[Val::I(timer), Val::I(now), Val::I(FN_HRTIMER_WAKEUP)],
        )?;
        self.wake(cpu, ix)?;
        self.emit(cpu, HRTIMER_EXPIRE_EXIT, &[Val::I(timer)])
    }

    /// The LTTng statedump, from inside lttng-sessiond's `ioctl` on `cpu`.
    pub(super) fn statedump(&mut self, cpu: u32) -> io::Result<()> {
        let cur = self.cpus[cpu as usize].cur;
        let entry_ts = self.cpus[cpu as usize].now;
        self.emit_sys(cpu, Sc::Ioctl.entry(), &[3, 0xf640, 0], None)?;
        self.emit(cpu, STATEDUMP_START, &[])?;
        let mut listed = self.listing_with_status();
        listed.extend(self.listing.iter().map(|l| (l.clone(), 5)));
        for (l, status) in &listed {
            let vals = [
                Val::I(u64::from(l.tid)),
                Val::I(u64::from(l.pid)),
                Val::I(u64::from(l.ppid)),
                Val::C(&l.comm),
                Val::I(u64::from(l.kernel)),
                Val::I(5),
                Val::I(0),
                Val::I(*status),
                Val::I(u64::from(l.cpu)),
                Val::I(if l.kernel { 0 } else { l.file_table }),
            ];
            self.emit(cpu, STATEDUMP_PROCESS_STATE, &vals)?;
            let ns = [l.tid, l.tid, l.pid, l.ppid].map(|v| Val::I(u64::from(v)));
            self.emit(
                cpu,
                STATEDUMP_PID_NS,
                &[ns[0], ns[1], ns[2], ns[3], Val::I(0), Val::I(PID_NS_INUM)],
            )?;
        }
        for (l, _) in &listed {
            for (fd, path, flags) in &l.fds {
                let fmode = if flags & 3 == 0 { 0x1d } else { 0x1f };
                let vals = [
                    Val::I(l.file_table),
                    Val::I(*fd as u64),
                    Val::I(u64::from(*flags)),
                    Val::I(fmode),
                    Val::S(path),
                ];
                self.emit(cpu, STATEDUMP_FD, &vals)?;
            }
        }
        self.statedump_devices(cpu)?;
        self.emit(cpu, STATEDUMP_END, &[])?;
        self.cpus[cpu as usize].now += 20_000;
        let exit_ts = self.cpus[cpu as usize].now;
        self.emit_sys(cpu, Sc::Ioctl.exit(), &[0], None)?;
        self.stats.sys[Sc::Ioctl as usize].add(exit_ts - entry_ts);
        debug_assert!(cur.is_some());
        Ok(())
    }

    fn statedump_devices(&mut self, cpu: u32) -> io::Result<()> {
        let mut irqs: Vec<(u32, String, String)> = vec![(0, "IO-APIC".into(), "timer".into())];
        for d in &self.disks {
            irqs.push((d.irq, "PCI-MSI".into(), d.irq_name.clone()));
        }
        for n in &self.netifs {
            irqs.push((n.irq, "PCI-MSI".into(), n.name.clone()));
        }
        for (irq, chip, action) in irqs {
            self.emit(
                cpu,
                STATEDUMP_INTERRUPT,
                &[Val::I(u64::from(irq)), Val::S(&chip), Val::S(&action)],
            )?;
        }
        for d in self.disks.clone() {
            self.emit(
                cpu,
                STATEDUMP_BLOCK_DEVICE,
                &[Val::I(u64::from(d.dev)), Val::S(&d.name)],
            )?;
            for part in 1..=2u32 {
                let name = format!("{}p{part}", d.name);
                self.emit(
                    cpu,
                    STATEDUMP_BLOCK_DEVICE,
                    &[Val::I(u64::from(d.dev + part)), Val::S(&name)],
                )?;
            }
        }
        let mut ifs: Vec<(String, u32)> = vec![("lo".into(), 0x7f00_0001)];
        ifs.extend(self.netifs.iter().map(|n| (n.name.clone(), n.ipv4)));
        for (name, addr) in ifs {
            self.emit(
                cpu,
                STATEDUMP_NET_IF,
                &[Val::S(&name), Val::I(u64::from(addr))],
            )?;
        }
        let n = u64::from(self.total_cpus);
        for c in 0..n {
            let vals = [
                Val::S("x86"),
                Val::I(c),
                Val::S("GenuineIntel"),
                Val::I(6),
                Val::I(85),
                Val::S("Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz"),
                Val::I(0),
                Val::I(c),
                Val::I(n),
            ];
            self.emit(cpu, STATEDUMP_CPU_TOPOLOGY, &vals)?;
        }
        Ok(())
    }
}

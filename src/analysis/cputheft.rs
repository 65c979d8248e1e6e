//! Who took the CPU during a range: CPU time per thread on the whole machine (a CPU hog
//! such as `xz` pinned on one CPU tops it even when the victim waited on another CPU, since
//! the hog shrank the pool every runnable thread competes for), and, for a thread that
//! waited for a CPU, which threads were current on the CPU it next ran on while it waited.

use std::collections::BTreeMap;

use super::common::thread_name;
use super::instance::Span;
use crate::model::{Model, NO_THREAD};

/// One thread's CPU time in the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuUser {
    /// Thread id.
    pub tid: u32,
    /// Process id, when known.
    pub pid: Option<u32>,
    /// Name at the end of the range.
    pub name: String,
    /// Time current on any CPU inside the range, ns.
    pub ns: u64,
    /// Time current on the CPU the victim waited for, while it waited, ns.
    pub while_waiting_ns: u64,
    /// Time per CPU, (cpu, ns), by CPU.
    pub cpus: Vec<(u32, u64)>,
}

/// The threads that used a CPU inside `r` (idle threads and `victim` excluded), most CPU
/// time first, then most time while the victim waited. `waits` are the victim's waits for
/// a CPU as (begin, end, cpu) ([`super::instance::States::waits`]).
pub fn cpu_users(
    m: &Model,
    r: Span,
    victim: Option<u32>,
    waits: &[(u64, u64, u32)],
) -> Vec<CpuUser> {
    let skip = |th: u32| {
        th == NO_THREAD
            || m.threads
                .get(th as usize)
                .is_none_or(|t| t.idle_cpu.is_some() || Some(t.tid) == victim)
    };
    // (thread index) -> (cpu -> ns)
    let mut per: BTreeMap<u32, BTreeMap<u32, u64>> = BTreeMap::new();
    for c in &m.cpus {
        for (a, b, th) in c.current.steps(r.begin, r.end, m.end) {
            let ns = b.min(r.end).saturating_sub(a.max(r.begin));
            if ns > 0 && !skip(th) {
                *per.entry(th).or_default().entry(c.id).or_default() += ns;
            }
        }
    }
    let mut stolen: BTreeMap<u32, u64> = BTreeMap::new();
    for &(wa, wb, cpu) in waits {
        let Some(c) = m.cpus.get(cpu as usize) else {
            continue;
        };
        for (a, b, th) in c.current.steps(wa, wb, m.end) {
            let ns = b.min(wb).saturating_sub(a.max(wa));
            if ns > 0 && !skip(th) {
                *stolen.entry(th).or_default() += ns;
            }
        }
    }
    let mut by_tid: BTreeMap<u32, CpuUser> = BTreeMap::new();
    for (th, cpus) in per {
        let Some(t) = m.threads.get(th as usize) else {
            continue;
        };
        let u = by_tid.entry(t.tid).or_insert_with(|| CpuUser {
            tid: t.tid,
            pid: t.pid,
            name: String::new(),
            ns: 0,
            while_waiting_ns: 0,
            cpus: Vec::new(),
        });
        u.name = thread_name(m, t, r.end);
        u.pid = u.pid.or(t.pid);
        u.while_waiting_ns += stolen.get(&th).copied().unwrap_or(0);
        for (cpu, ns) in cpus {
            u.ns += ns;
            match u.cpus.iter_mut().find(|c| c.0 == cpu) {
                Some(c) => c.1 += ns,
                None => u.cpus.push((cpu, ns)),
            }
        }
        u.cpus.sort_unstable();
    }
    let mut v: Vec<CpuUser> = by_tid.into_values().collect();
    v.sort_by(|a, b| {
        b.ns.cmp(&a.ns)
            .then(b.while_waiting_ns.cmp(&a.while_waiting_ns))
            .then(a.tid.cmp(&b.tid))
    });
    v
}

//! Running several independent engines (groups of CPUs) in parallel, and merging their truth.
//!
//! Why: one engine is sequential by nature (a global event heap), and `uniform` must write
//! 20 M events/s. Its CPUs are split into fixed-size groups that share nothing but the trace
//! files' identity; each group is a deterministic simulation of its own, so the output does
//! not depend on how many host cores run them or in which order.

use std::collections::BTreeMap;
use std::sync::Mutex;

use anyhow::{Result, anyhow};

use super::engine::{Engine, Finished};
use super::truth::{DurStats, GroundTruth};

/// Runs every engine until `end` / `max_events` each; `progress` sees the first engine's
/// time and events. Engines run on at most `available_parallelism` threads.
pub(super) fn run_all(
    engines: Vec<Engine>,
    end: u64,
    max_events: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<Engine>> {
    let n = engines.len();
    let mut it = engines.into_iter();
    let Some(mut first) = it.next() else {
        return Ok(Vec::new());
    };
    let queue: Mutex<Vec<(usize, Engine)>> =
        Mutex::new(it.enumerate().map(|(i, e)| (i + 1, e)).rev().collect());
    let done: Mutex<Vec<(usize, Result<Engine>)>> = Mutex::new(Vec::with_capacity(n));
    let workers = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .min(n)
        .max(1);
    let work = || loop {
        let job = queue
            .lock()
            .map_err(|_| anyhow!("poisoned queue"))
            .map(|mut q| q.pop());
        let (i, mut e) = match job {
            Ok(Some(j)) => j,
            Ok(None) | Err(_) => return,
        };
        let r = e
            .run(end, max_events, &mut |_, _| {})
            .map(|()| e)
            .map_err(anyhow::Error::from);
        if let Ok(mut d) = done.lock() {
            d.push((i, r));
        }
    };
    std::thread::scope(|s| -> Result<()> {
        for _ in 1..workers {
            std::thread::Builder::new()
                .name("gen-engine".into())
                .spawn_scoped(s, work)?;
        }
        let scale = n as u64;
        first.run(end, max_events, &mut |t, ev| progress(t, ev * scale))?;
        work();
        Ok(())
    })?;
    let mut done = done.into_inner().map_err(|_| anyhow!("poisoned results"))?;
    done.sort_by_key(|d| d.0);
    let mut out = vec![first];
    for (_, r) in done {
        out.push(r?);
    }
    if out.len() != n {
        return Err(anyhow!("an engine thread stopped"));
    }
    Ok(out)
}

fn merge_stats(a: &mut DurStats, b: &DurStats) {
    if b.count == 0 {
        return;
    }
    a.min_ns = if a.count == 0 {
        b.min_ns
    } else {
        a.min_ns.min(b.min_ns)
    };
    a.max_ns = a.max_ns.max(b.max_ns);
    a.count += b.count;
    a.total_ns += b.total_ns;
}

/// Merges the groups' results into one (group order = CPU order).
pub(super) fn merge(parts: Vec<Finished>) -> Finished {
    let mut it = parts.into_iter();
    let Some(mut acc) = it.next() else {
        return Finished {
            truth: GroundTruth::default(),
            bytes: 0,
        };
    };
    for p in it {
        let (t, o) = (&mut acc.truth, p.truth);
        t.trace_end_ns = t.trace_end_ns.max(o.trace_end_ns);
        t.events += o.events;
        t.events_discarded += o.events_discarded;
        t.cpus += o.cpus;
        t.threads.extend(o.threads);
        t.cpu.extend(o.cpu);
        for (k, v) in &o.syscalls {
            merge_stats(t.syscalls.entry(k.clone()).or_default(), v);
        }
        t.processes.extend(o.processes);
        t.irqs.extend(o.irqs);
        for s in o.softirqs {
            match t.softirqs.iter_mut().find(|x| x.vec == s.vec) {
                Some(x) => {
                    x.raises += s.raises;
                    merge_stats(&mut x.stats, &s.stats);
                }
                None => t.softirqs.push(s),
            }
        }
        for n in o.net_ifs {
            match t.net_ifs.iter_mut().find(|x| x.name == n.name) {
                Some(x) => {
                    x.sent_bytes += n.sent_bytes;
                    x.received_bytes += n.received_bytes;
                    x.sent_packets += n.sent_packets;
                    x.received_packets += n.received_packets;
                }
                None => t.net_ifs.push(n),
            }
        }
        t.discarded.extend(o.discarded);
        acc.bytes += p.bytes;
    }
    let t = &mut acc.truth;
    t.threads.sort_by_key(|x| x.tid);
    t.processes.sort_by_key(|x| x.pid);
    t.softirqs.sort_by_key(|x| x.vec);
    // Several engines may report the same IRQ line (the NIC): add them up.
    let mut irqs: BTreeMap<u32, super::truth::IrqTruth> = BTreeMap::new();
    for i in std::mem::take(&mut t.irqs) {
        match irqs.get_mut(&i.irq) {
            Some(x) => merge_stats(&mut x.stats, &i.stats),
            None => {
                irqs.insert(i.irq, i);
            }
        }
    }
    t.irqs = irqs.into_values().collect();
    acc
}

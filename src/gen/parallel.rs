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

/// Shortest and longest simulated time slice between two synchronisations.
const MIN_SLICE_NS: u64 = 200_000;
const MAX_SLICE_NS: u64 = 200_000_000;

/// Runs every engine until clock value `end`, or until they wrote `max_events` together.
///
/// The engines advance in lockstep slices of simulated time, so they all stop at the same
/// time (every CPU is busy up to the end of the trace). Slice lengths come from the event
/// counts so far, which are deterministic, so the stop time is too; the last slice is sized
/// to land close to `max_events`.
pub(super) fn run_all(
    mut engines: Vec<Engine>,
    begin: u64,
    end: u64,
    max_events: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Vec<Engine>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |p| p.get())
        .max(1);
    let mut t = begin;
    loop {
        let total: u64 = engines.iter().map(Engine::events).sum();
        progress(t, total);
        if t >= end || total >= max_events {
            return Ok(engines);
        }
        let slice = if max_events == u64::MAX {
            MAX_SLICE_NS
        } else if total == 0 {
            MIN_SLICE_NS
        } else {
            // Events per simulated ns so far predict how long the rest takes.
            let left = u128::from(max_events - total) * u128::from(t - begin) / u128::from(total);
            (left as u64).clamp(MIN_SLICE_NS, MAX_SLICE_NS)
        };
        t = t.saturating_add(slice).min(end);
        run_slice(&mut engines, t, workers)?;
    }
}

/// Runs each engine up to `until`, spreading them over `workers` threads.
fn run_slice(engines: &mut [Engine], until: u64, workers: usize) -> Result<()> {
    let per = engines.len().div_ceil(workers).max(1);
    if engines.len() <= per {
        for e in engines.iter_mut() {
            e.run_until(until)?;
        }
        return Ok(());
    }
    let results: Mutex<Vec<std::io::Result<()>>> = Mutex::new(Vec::new());
    std::thread::scope(|s| -> Result<()> {
        let mut chunks = engines.chunks_mut(per);
        let mine = chunks.next();
        for chunk in chunks {
            let results = &results;
            std::thread::Builder::new()
                .name("gen-engine".into())
                .spawn_scoped(s, move || {
                    for e in chunk {
                        let r = e.run_until(until);
                        if let Ok(mut v) = results.lock() {
                            v.push(r);
                        }
                    }
                })?;
        }
        for e in mine.into_iter().flatten() {
            e.run_until(until)?;
        }
        Ok(())
    })?;
    for r in results
        .into_inner()
        .map_err(|_| anyhow!("an engine thread panicked"))?
    {
        r?;
    }
    Ok(())
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

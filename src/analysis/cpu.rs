//! cputop: CPU usage per thread and per CPU over a range (lttng-analyses §2).
//!
//! Computed from the CPUs' current-thread timelines, so unlike lttng-analyses a thread
//! running through the whole range is listed, a CPU is only busy while a known non-idle
//! thread is current (no "busy since the interval start" guess), filtered-out threads never
//! appear, and the total divides by the CPUs analysed.

use std::collections::BTreeMap;

use super::common::{Options, class, col, thread_name};
use super::table::{Cell, Column, ColumnClass, Table, TableClass};
use crate::model::{Model, NO_THREAD, SchedState};

/// Usage of one TID.
#[derive(Debug, Clone, PartialEq)]
pub struct TidUsage {
    /// Thread id.
    pub tid: u32,
    /// Process id, when known.
    pub pid: Option<u32>,
    /// Name at the end of the range.
    pub name: String,
    /// Time current on a CPU inside the range.
    pub ns: u64,
    /// Times it resumed on another CPU than it last ran on.
    pub migrations: u64,
}

/// Everything cputop reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CpuTop {
    /// Per TID, by usage descending (not limited).
    pub tids: Vec<TidUsage>,
    /// Per CPU: (cpu, busy ns).
    pub cpus: Vec<(u32, u64)>,
    /// Range length.
    pub range_ns: u64,
}

/// Computes cputop.
pub fn compute(m: &Model, o: &Options) -> CpuTop {
    let r = o.range;
    // Per thread index: time current, and whether it was current at all (a thread current
    // only for 0 ns still names its TID's entry). Indexed rather than a map: there is one
    // update per context switch.
    let mut per_th: Vec<(bool, u64)> = vec![(false, 0); m.threads.len()];
    let mut cpus = Vec::new();
    for c in m.cpus.iter().filter(|c| o.filter.cpu(c.id)) {
        let mut busy = 0;
        for (a, b, th) in c.current.steps(r.begin, r.end, m.end) {
            let idle = m
                .threads
                .get(th as usize)
                .is_none_or(|t| t.idle_cpu.is_some());
            if th == NO_THREAD || idle || !o.filter.thread_index(m, th) {
                continue;
            }
            let ns = r.overlap(a, b);
            busy += ns;
            if let Some(p) = per_th.get_mut(th as usize) {
                *p = (true, p.1 + ns);
            }
        }
        cpus.push((c.id, busy));
    }
    let mut by_tid: BTreeMap<u32, TidUsage> = BTreeMap::new();
    for (th, (t, ns)) in m.threads.iter().zip(per_th).enumerate() {
        if !ns.0 {
            continue;
        }
        let (th, ns) = (th as u32, ns.1);
        let e = by_tid.entry(t.tid).or_insert_with(|| TidUsage {
            tid: t.tid,
            pid: t.pid,
            name: String::new(),
            ns: 0,
            migrations: 0,
        });
        e.ns += ns;
        e.name = thread_name(m, t, r.end);
        e.pid = e.pid.or(t.pid);
        e.migrations += migrations(m, th, o);
    }
    let mut tids: Vec<TidUsage> = by_tid.into_values().filter(|u| u.ns > 0).collect();
    tids.sort_by(|a, b| b.ns.cmp(&a.ns).then(a.tid.cmp(&b.tid)));
    CpuTop {
        tids,
        cpus,
        range_ns: r.len(),
    }
}

/// Runs of `th` inside the range that start on another CPU than the previous run.
fn migrations(m: &Model, th: u32, o: &Options) -> u64 {
    let mut last = None;
    let mut n = 0;
    for (_, _, code) in m.threads[th as usize]
        .states
        .steps(o.range.begin, o.range.end, m.end)
    {
        if SchedState::from_code(code) != SchedState::Running {
            continue;
        }
        let cpu = code >> 8;
        if last.is_some_and(|l| l != cpu) {
            n += 1;
        }
        last = Some(cpu);
    }
    n
}

/// Table classes cputop may emit.
pub fn classes() -> [TableClass; 3] {
    [
        class(
            "per-process",
            "Per-TID top CPU usage",
            vec![
                col("Process", ColumnClass::Process),
                Column::counted("Migration count", "migrations"),
                col("Priorities", ColumnClass::String),
                col("CPU usage", ColumnClass::Ratio),
            ],
        ),
        class(
            "per-cpu",
            "Per-CPU top usage",
            vec![
                col("CPU", ColumnClass::Cpu),
                col("CPU usage", ColumnClass::Ratio),
            ],
        ),
        class(
            "total",
            "Total CPU usage",
            vec![col("CPU usage", ColumnClass::Ratio)],
        ),
    ]
}

fn ratio(ns: u64, len: u64) -> Cell {
    if len == 0 {
        Cell::Unknown
    } else {
        Cell::Ratio(ns as f64 / len as f64)
    }
}

/// cputop's tables.
pub fn run(m: &Model, o: &Options) -> Vec<Table> {
    let top = compute(m, o);
    let [per_tid, per_cpu, total] = classes();
    let (b, e) = o.range.ns();
    let mut t1 = Table::new(per_tid, b, e);
    let mut rows: Vec<_> = top.tids.iter().collect();
    o.limit(&mut rows);
    for u in rows {
        t1.rows.push(vec![
            Cell::process(
                Some(u.name.clone()),
                u.pid.map(i64::from),
                Some(i64::from(u.tid)),
            ),
            Cell::Count(u.migrations),
            // Priorities are not kept by the model.
            Cell::Unknown,
            ratio(u.ns, top.range_ns),
        ]);
    }
    let mut t2 = Table::new(per_cpu, b, e);
    for &(cpu, ns) in &top.cpus {
        t2.rows.push(vec![Cell::Cpu(cpu), ratio(ns, top.range_ns)]);
    }
    let mut t3 = Table::new(total, b, e);
    let busy: u64 = top.cpus.iter().map(|c| c.1).sum();
    let ncpu = top.cpus.len() as u64;
    t3.rows.push(vec![ratio(busy, top.range_ns * ncpu)]);
    vec![t1, t2, t3]
}

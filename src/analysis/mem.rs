//! memtop: pages allocated and freed per thread (lttng-analyses §7).
//!
//! Each page event is charged to the thread current on its CPU then (the model keeps every
//! CPU's page events and current thread). Frees are always counted (lttng-analyses ignores
//! them until it has seen an allocation).

use std::collections::BTreeMap;

use super::common::{Options, class, col, thread_name};
use super::table::{Cell, Column, ColumnClass, Table, TableClass};
use crate::model::{Model, NO_THREAD};

/// Pages per TID: (allocated, freed), and the totals.
pub type MemTop = (BTreeMap<u32, (u64, u64)>, u64, u64);

/// Counts page events in the range.
pub fn compute(m: &Model, o: &Options) -> MemTop {
    // (allocated, freed) by thread index: a plain array, then summed by TID.
    let mut by_thread = vec![[0u64; 2]; m.threads.len()];
    for c in m.cpus.iter().filter(|c| o.filter.cpu(c.id)) {
        for (k, list) in [&c.pages.alloc, &c.pages.free].into_iter().enumerate() {
            for t in list.within(o.range.begin, o.range.end).map(|i| list.get(i)) {
                let th = c.current.at(t).unwrap_or(NO_THREAD);
                if o.filter.thread_index(m, th) {
                    by_thread[th as usize][k] += 1;
                }
            }
        }
    }
    let mut per: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    let (mut alloc, mut free) = (0, 0);
    for (t, n) in m
        .threads
        .iter()
        .zip(&by_thread)
        .filter(|(_, n)| **n != [0, 0])
    {
        let slot = per.entry(t.tid).or_default();
        slot.0 += n[0];
        slot.1 += n[1];
        alloc += n[0];
        free += n[1];
    }
    (per, alloc, free)
}

/// Table classes.
pub fn classes() -> [TableClass; 3] {
    let top = |n: &str, t: &str| {
        class(
            n,
            t,
            vec![
                col("Process", ColumnClass::Process),
                Column::counted("Pages", "pages"),
            ],
        )
    };
    [
        top("allocd", "Per-TID top allocated memory"),
        top("freed", "Per-TID top freed memory"),
        class(
            "total",
            "Total allocated/freed memory",
            vec![
                Column::counted("Total allocated pages", "pages"),
                Column::counted("Total freed pages", "pages"),
            ],
        ),
    ]
}

/// memtop's tables.
pub fn run(m: &Model, o: &Options) -> Vec<Table> {
    let (per, alloc, free) = compute(m, o);
    let [ta, tf, tt] = classes();
    let (b, e) = o.range.ns();
    let proc_cell = |tid: u32| {
        let t = m
            .threads_of(tid)
            .last()
            .and_then(|i| m.threads.get(i as usize));
        Cell::process(
            t.map(|t| thread_name(m, t, o.range.end)),
            t.and_then(|t| t.pid).map(i64::from),
            Some(i64::from(tid)),
        )
    };
    let mut out = Vec::new();
    for (cls, pick) in [(ta, 0), (tf, 1)] {
        let mut rows: Vec<(u64, u32)> = per
            .iter()
            .map(|(&tid, v)| (if pick == 0 { v.0 } else { v.1 }, tid))
            .filter(|r| r.0 > 0)
            .collect();
        rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        o.limit(&mut rows);
        let mut t = Table::new(cls, b, e);
        t.rows = rows
            .into_iter()
            .map(|(n, tid)| vec![proc_cell(tid), Cell::Count(n)])
            .collect();
        out.push(t);
    }
    let mut t = Table::new(tt, b, e);
    t.rows.push(vec![Cell::Count(alloc), Cell::Count(free)]);
    out.push(t);
    out
}

//! memtop: pages allocated and freed per thread (lttng-analyses §7).
//!
//! Each page event is charged to the thread current on its CPU then (the model keeps every
//! CPU's page events and current thread). Frees are always counted (lttng-analyses ignores
//! them until it has seen an allocation).

use std::collections::BTreeMap;

use super::common::{Options, class, col, thread_name};
use super::table::{Cell, Column, ColumnClass, Table, TableClass};
use crate::model::{Model, NO_THREAD, PageList};

/// Pages per TID: (allocated, freed), and the totals.
pub type MemTop = (BTreeMap<u32, (u64, u64)>, u64, u64);

/// Counts page events in the range.
pub fn compute(m: &Model, o: &Options) -> MemTop {
    let mut per: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    let mut totals = [0u64; 2];
    for c in m.cpus.iter().filter(|c| o.filter.cpu(c.id)) {
        for (k, list) in [&c.pages.alloc, &c.pages.free].into_iter().enumerate() {
            // Consecutive pages mostly go to one thread: its slot is looked up once per run.
            let mut run: Option<(u32, u64)> = None;
            let flush = |run: Option<(u32, u64)>, per: &mut BTreeMap<u32, (u64, u64)>| {
                if let Some((th, n)) = run.filter(|r| r.0 != NO_THREAD) {
                    let slot = per.entry(m.threads[th as usize].tid).or_default();
                    if k == 0 {
                        slot.0 += n;
                    } else {
                        slot.1 += n;
                    }
                }
            };
            for &t in PageList::within(list, o.range.begin, o.range.end) {
                let th = c.current.at(t).unwrap_or(NO_THREAD);
                let th = if o.filter.thread_index(m, th) {
                    th
                } else {
                    NO_THREAD
                };
                match &mut run {
                    Some((r, n)) if *r == th => *n += 1,
                    _ => flush(run.replace((th, 1)), &mut per),
                }
                totals[k] += u64::from(th != NO_THREAD);
            }
            flush(run, &mut per);
        }
    }
    (per, totals[0], totals[1])
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

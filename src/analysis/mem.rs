//! memtop: pages allocated and freed per thread (lttng-analyses §7).
//!
//! Each page event is charged to the thread current on its CPU (from the model). Frees are
//! always counted (lttng-analyses ignores them until it has seen an allocation).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Result;

use super::common::{Options, class, col, thread_name};
use super::events::{cpu_of, for_each_event};
use super::table::{Cell, Column, ColumnClass, Table, TableClass};
use crate::model::{Model, NO_THREAD};

/// Pages per TID: (allocated, freed), and the totals.
pub type MemTop = (BTreeMap<u32, (u64, u64)>, u64, u64);

/// Counts page events in the range.
pub fn compute(path: &Path, m: &Model, o: &Options) -> Result<MemTop> {
    let mut per: BTreeMap<u32, (u64, u64)> = BTreeMap::new();
    let (mut alloc, mut free) = (0, 0);
    for_each_event(path, o.range.begin, o.range.end, |e, t| {
        let name = e.class.name.as_str();
        let is_alloc = matches!(name, "mm_page_alloc" | "kmem_mm_page_alloc");
        if !is_alloc && !matches!(name, "mm_page_free" | "kmem_mm_page_free") {
            return;
        }
        let Some(cpu) = cpu_of(e).filter(|&c| o.filter.cpu(c)) else {
            return;
        };
        let th = m
            .cpus
            .get(cpu as usize)
            .and_then(|c| c.current.at(t))
            .unwrap_or(NO_THREAD);
        if !o.filter.thread_index(m, th) {
            return;
        }
        let tid = m.threads[th as usize].tid;
        let slot = per.entry(tid).or_default();
        if is_alloc {
            slot.0 += 1;
            alloc += 1;
        } else {
            slot.1 += 1;
            free += 1;
        }
    })?;
    Ok((per, alloc, free))
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
pub fn run(path: &Path, m: &Model, o: &Options) -> Result<Vec<Table>> {
    let (per, alloc, free) = compute(path, m, o)?;
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
    Ok(out)
}

//! irqstats, irqlog, irqfreq: hard IRQ and softirq durations (lttng-analyses §6).
//!
//! Softirqs are read from whichever event names the tracer used (`softirq_*` and the newer
//! `irq_softirq_*`, which lttng-analyses ignores). An interrupt counts when its exit is in
//! the range.

use std::collections::BTreeMap;

use super::common::{Options, Stats, class, col};
use super::freq::freq_tables;
use super::syscalls::stat_cells;
use super::table::{Cell, Column, ColumnClass, Table, TableClass};
use crate::model::{IrqKind, Model};

/// Softirq vector names.
pub const SOFTIRQ_NAMES: [&str; 10] = [
    "HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED", "HRTIMER", "RCU",
];

/// One completed interrupt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Irq {
    /// Entry.
    pub begin: u64,
    /// Exit.
    pub end: u64,
    /// CPU.
    pub cpu: u32,
    /// Hard or soft.
    pub kind: IrqKind,
    /// Line or vector.
    pub nr: u32,
    /// Raise-to-entry latency (softirqs with a raise).
    pub raise_latency: Option<u64>,
}

/// Interrupts passing the filters, by exit time.
pub fn interrupts(m: &Model, o: &Options) -> Vec<Irq> {
    let mut out = Vec::new();
    for c in m.cpus.iter().filter(|c| o.filter.cpu(c.id)) {
        let l = &c.irqs;
        for i in l.span.candidates(o.range.begin, o.range.end) {
            let (kind, nr) = (l.kind[i], l.number[i]);
            let end = l.span.end(i);
            if !o.range.contains(end) || !o.keep_duration(l.span.dur(i)) || !wanted(o, kind, nr) {
                continue;
            }
            let lat = l.raise_latency[i];
            out.push(Irq {
                begin: l.span.begin(i),
                end,
                cpu: c.id,
                kind,
                nr,
                raise_latency: (lat != u32::MAX).then_some(u64::from(lat)),
            });
        }
    }
    out.sort_by_key(|i| (i.end, i.cpu));
    out
}

/// `--irq`/`--softirq`: giving only one of them hides the other kind.
fn wanted(o: &Options, kind: IrqKind, nr: u32) -> bool {
    let (mine, other) = match kind {
        IrqKind::Hard => (&o.irqs, &o.softirqs),
        IrqKind::Soft => (&o.softirqs, &o.irqs),
    };
    match mine {
        Some(list) => list.contains(&nr),
        None => other.is_none(),
    }
}

/// The name of an interrupt (handler names joined, or the softirq vector).
pub fn irq_name(m: &Model, kind: IrqKind, nr: u32) -> String {
    match kind {
        IrqKind::Soft => SOFTIRQ_NAMES
            .get(nr as usize)
            .map_or_else(|| format!("vec{nr}"), |n| format!("{n}_SOFTIRQ")),
        IrqKind::Hard => {
            let names: Vec<&str> = m
                .irq_names
                .iter()
                .filter(|(l, _)| *l == nr)
                .map(|(_, n)| m.strings.get(*n))
                .collect();
            names.join(", ")
        }
    }
}

/// Per-interrupt statistics: (duration, raise latency).
pub fn compute(m: &Model, o: &Options) -> BTreeMap<(IrqKind, u32), (Stats, Stats)> {
    let mut out: BTreeMap<(IrqKind, u32), (Stats, Stats)> = BTreeMap::new();
    for i in interrupts(m, o) {
        let e = out.entry((i.kind, i.nr)).or_default();
        e.0.add(i.end - i.begin);
        if let Some(l) = i.raise_latency {
            e.1.add(l);
        }
    }
    out
}

fn irq_cell(m: &Model, kind: IrqKind, nr: u32) -> Cell {
    Cell::Irq {
        nr,
        hard: kind == IrqKind::Hard,
        name: Some(irq_name(m, kind, nr).into()),
    }
}

fn stat_cols(what: &str) -> Vec<Column> {
    ["Minimum", "Average", "Maximum"]
        .iter()
        .map(|s| col(&format!("{s} {what}"), ColumnClass::Duration))
        .chain([col(
            &format!("{what} standard deviation"),
            ColumnClass::Duration,
        )])
        .collect()
}

/// Table classes of irqstats.
pub fn stats_classes() -> [TableClass; 2] {
    let mut hard = vec![
        col("Interrupt", ColumnClass::Irq),
        Column::counted("Interrupt count", "interrupts"),
    ];
    hard.extend(stat_cols("duration"));
    let mut soft = hard.clone();
    soft.push(Column::counted("Raise count", "interrupt raises"));
    soft.extend(stat_cols("raise latency"));
    [
        class("hard-stats", "Hardware interrupt statistics", hard),
        class("soft-stats", "Software interrupt statistics", soft),
    ]
}

/// irqstats' tables.
pub fn stats(m: &Model, o: &Options) -> Vec<Table> {
    let [hard, soft] = stats_classes();
    let (b, e) = o.range.ns();
    let (mut th, mut ts) = (Table::new(hard, b, e), Table::new(soft, b, e));
    for ((kind, nr), (d, r)) in compute(m, o) {
        let mut row = vec![irq_cell(m, kind, nr), Cell::Count(d.count)];
        row.extend(stat_cells(&d, 2));
        match kind {
            IrqKind::Hard => th.rows.push(row),
            IrqKind::Soft => {
                row.push(Cell::Count(r.count));
                if r.count == 0 {
                    row.extend([Cell::Unknown, Cell::Unknown, Cell::Unknown, Cell::Unknown]);
                } else {
                    row.extend(stat_cells(&r, 2));
                }
                ts.rows.push(row);
            }
        }
    }
    vec![th, ts]
}

/// The irqlog class.
pub fn log_class() -> TableClass {
    class(
        "log",
        "Interrupt log",
        vec![
            col("Time range", ColumnClass::TimeRange),
            col("Raised at", ColumnClass::Timestamp),
            col("CPU", ColumnClass::Cpu),
            col("Interrupt", ColumnClass::Irq),
        ],
    )
}

/// irqlog: completed interrupts in completion order.
pub fn log(m: &Model, o: &Options) -> Vec<Table> {
    let (b, e) = o.range.ns();
    let mut t = Table::new(log_class(), b, e);
    for i in interrupts(m, o) {
        let raised = match (i.kind, i.raise_latency) {
            (IrqKind::Hard, _) => Cell::Empty,
            (IrqKind::Soft, Some(l)) => Cell::Timestamp((i.begin - l) as i64),
            (IrqKind::Soft, None) => Cell::Unknown,
        };
        t.rows.push(vec![
            Cell::TimeRange {
                begin_ns: i.begin as i64,
                end_ns: i.end as i64,
            },
            raised,
            Cell::Cpu(i.cpu),
            irq_cell(m, i.kind, i.nr),
        ]);
    }
    vec![t]
}

/// irqfreq: one duration histogram per interrupt.
pub fn freq(m: &Model, o: &Options) -> Vec<Table> {
    let mut series: BTreeMap<(IrqKind, u32), Vec<u64>> = BTreeMap::new();
    for i in interrupts(m, o) {
        series
            .entry((i.kind, i.nr))
            .or_default()
            .push(i.end - i.begin);
    }
    let named: Vec<(String, Vec<u64>)> = series
        .into_iter()
        .map(|((k, nr), v)| (format!("{} ({nr})", irq_name(m, k, nr)), v))
        .collect();
    freq_tables(&named, o, "interrupts", false)
}

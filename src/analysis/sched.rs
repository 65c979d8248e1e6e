//! schedlog, schedtop, schedstats, schedfreq: wake-up (scheduling) latencies (§5).
//!
//! A sample runs from a thread's first wake-up to the `sched_switch` that runs it; the
//! target CPU is the switch's. Waits after a preemption are not wake-up latencies (the model
//! records them too; [`waits`] can include them).
//! Priorities and wakers are not kept by the model: those cells are `unknown`.

use std::collections::BTreeMap;

use super::common::{Options, Stats, class, col, thread_name};
use super::freq::freq_tables;
use super::syscalls::stat_cells;
use super::table::{Cell, Column, ColumnClass, Table, TableClass};
use crate::model::{Model, SchedState};

/// One latency sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// Wake-up.
    pub wakeup: u64,
    /// Switch-in.
    pub switch: u64,
    /// CPU of the switch.
    pub cpu: u32,
    /// Woken thread.
    pub tid: u32,
    /// Its pid.
    pub pid: Option<u32>,
    /// Its name.
    pub comm: String,
}

/// Wake-up samples whose switch is in the range and that pass the filters, in switch order.
pub fn samples(m: &Model, o: &Options) -> Vec<Sample> {
    waits(m, o, false)
}

/// Every wait for a CPU ending in the range: wake-ups, and with `preempted` also the waits
/// of preempted threads (a preempted thread was running just before its wait began) and of
/// new threads from their fork (the model starts those at `sched_process_fork`, not at
/// `sched_wakeup_new`, so they are left out of wake-up latencies).
pub fn waits(m: &Model, o: &Options, preempted: bool) -> Vec<Sample> {
    let mut out = Vec::new();
    for t in m
        .threads
        .iter()
        .filter(|t| t.idle_cpu.is_none() && o.filter.thread(m, t))
    {
        let l = &t.wakeups;
        for i in l.span.candidates(o.range.begin, o.range.end) {
            let (w, s) = (l.span.begin(i), l.span.end(i));
            let cpu = u32::from(l.cpu[i]);
            if !o.range.contains(s) || !o.filter.cpu(cpu) || !o.keep_duration(s - w) {
                continue;
            }
            let before = t.states.at(w.saturating_sub(1)).map(SchedState::from_code);
            let woken = before != Some(SchedState::Running) && t.born != Some(w);
            if !preempted && !woken {
                continue;
            }
            out.push(Sample {
                wakeup: w,
                switch: s,
                cpu,
                tid: t.tid,
                pid: t.pid,
                comm: thread_name(m, t, s),
            });
        }
    }
    out.sort_by_key(|s| (s.switch, s.cpu));
    out
}

fn proc_cell(s: &Sample) -> Cell {
    Cell::process(
        Some(s.comm.clone()),
        s.pid.map(i64::from),
        Some(i64::from(s.tid)),
    )
}

/// Log/top class.
pub fn log_class(name: &str, title: &str) -> TableClass {
    class(
        name,
        title,
        vec![
            col("Wakeup timestamp", ColumnClass::Timestamp),
            col("Switch timestamp", ColumnClass::Timestamp),
            col("Scheduling latency", ColumnClass::Duration),
            Column::new("Priority", ColumnClass::Number),
            col("Target CPU", ColumnClass::Cpu),
            col("Wakee", ColumnClass::Process),
            col("Waker", ColumnClass::Process),
        ],
    )
}

/// A log row; the sample's name moves into it (logs have thousands of rows).
fn row(s: Sample) -> Vec<Cell> {
    vec![
        Cell::Timestamp(s.wakeup as i64),
        Cell::Timestamp(s.switch as i64),
        Cell::Duration(s.switch - s.wakeup),
        Cell::Unknown,
        Cell::Cpu(s.cpu),
        Cell::process(Some(s.comm), s.pid.map(i64::from), Some(i64::from(s.tid))),
        Cell::Empty,
    ]
}

/// schedlog.
pub fn log(m: &Model, o: &Options) -> Vec<Table> {
    let (b, e) = o.range.ns();
    let mut t = Table::new(log_class("log", "Scheduling log"), b, e);
    t.rows = samples(m, o).into_iter().map(row).collect();
    vec![t]
}

/// schedtop: the `--limit` largest latencies.
pub fn top(m: &Model, o: &Options) -> Vec<Table> {
    let (b, e) = o.range.ns();
    let mut all = samples(m, o);
    all.sort_by(|a, b| {
        (b.switch - b.wakeup)
            .cmp(&(a.switch - a.wakeup))
            .then(a.switch.cmp(&b.switch))
    });
    o.limit(&mut all);
    let mut t = Table::new(log_class("top", "Scheduling top"), b, e);
    t.rows = all.into_iter().map(row).collect();
    vec![t]
}

fn stat_cols() -> Vec<Column> {
    vec![
        Column::counted("Count", "latencies"),
        col("Minimum latency", ColumnClass::Duration),
        col("Average latency", ColumnClass::Duration),
        col("Maximum latency", ColumnClass::Duration),
        col("Latency standard deviation", ColumnClass::Duration),
    ]
}

/// Classes of schedstats.
pub fn stats_classes() -> [TableClass; 2] {
    let mut per_tid = vec![col("Process", ColumnClass::Process)];
    per_tid.extend(stat_cols());
    per_tid.push(col("Priorities", ColumnClass::String));
    [
        class("per_tid_stats", "Per-TID scheduling latency stats", per_tid),
        class("total_stats", "Total scheduling latency stats", stat_cols()),
    ]
}

/// Per-TID statistics (by name, case-insensitively, then TID) and the total.
pub fn compute(m: &Model, o: &Options) -> (Vec<(Sample, Stats)>, Stats) {
    let mut per: BTreeMap<u32, (Sample, Stats)> = BTreeMap::new();
    let mut total = Stats::default();
    for s in samples(m, o) {
        let d = s.switch - s.wakeup;
        total.add(d);
        per.entry(s.tid)
            .or_insert_with(|| (s.clone(), Stats::default()))
            .1
            .add(d);
    }
    let mut v: Vec<_> = per.into_values().collect();
    v.sort_by(|a, b| {
        a.0.comm
            .to_lowercase()
            .cmp(&b.0.comm.to_lowercase())
            .then(a.0.tid.cmp(&b.0.tid))
    });
    (v, total)
}

/// schedstats: per TID (default) and/or total.
pub fn stats(m: &Model, o: &Options) -> Vec<Table> {
    let [per_tid, total] = stats_classes();
    let (b, e) = o.range.ns();
    let (per, tot) = compute(m, o);
    let mut out = Vec::new();
    if o.per_tid {
        let mut t = Table::new(per_tid, b, e);
        for (s, st) in &per {
            let mut r = vec![proc_cell(s), Cell::Count(st.count)];
            r.extend(stat_cells(st, 2));
            r.push(Cell::Unknown);
            t.rows.push(r);
        }
        out.push(t);
    }
    if o.total {
        let mut t = Table::new(total, b, e);
        let mut r = vec![Cell::Count(tot.count)];
        r.extend(stat_cells(&tot, 2));
        t.rows.push(r);
        out.push(t);
    }
    out
}

/// schedfreq: one histogram per TID (with `--per-tid`) and/or of all samples.
pub fn freq(m: &Model, o: &Options) -> Vec<Table> {
    let all = samples(m, o);
    let mut series = Vec::new();
    if o.total || !o.per_tid {
        series.push((
            "Total".to_owned(),
            all.iter().map(|s| s.switch - s.wakeup).collect(),
        ));
    }
    if o.per_tid {
        let mut per: BTreeMap<u32, Vec<u64>> = BTreeMap::new();
        for s in &all {
            per.entry(s.tid).or_default().push(s.switch - s.wakeup);
        }
        series.extend(per.into_iter().map(|(tid, v)| (format!("TID: {tid}"), v)));
    }
    freq_tables(&series, o, "latencies", false)
}

//! periodlog, periodtop, periodstats, periodfreq (analyses.md §9.5).

use std::collections::BTreeMap;

use super::engine::{Instance, Periods};
use super::parent;
use crate::analysis::common::{Options, Stats, class, col};
use crate::analysis::freq::{freq_class, freq_tables};
use crate::analysis::syscalls::stat_cells;
use crate::analysis::table::{Cell, Column, ColumnClass, Table, TableClass};

/// Report options specific to periods.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Period names to report (`--select`; empty: all).
    pub select: Vec<String>,
    /// `--aggregate-by P`.
    pub aggregate_by: Option<String>,
    /// `--group-by P.C,...`.
    pub group_by: Vec<(String, String)>,
    /// `--order-by hierarchy` (else time).
    pub hierarchy: bool,
    /// `--min-duration` (ns).
    pub min_duration: Option<u64>,
    /// `--max-duration` (ns).
    pub max_duration: Option<u64>,
}

fn instance_cols() -> Vec<Column> {
    vec![
        col("Begin", ColumnClass::Timestamp),
        col("End", ColumnClass::Timestamp),
        col("Duration", ColumnClass::Duration),
        col("Period", ColumnClass::String),
        col("Begin captures", ColumnClass::String),
        col("End captures", ColumnClass::String),
    ]
}

fn stats_cols(first: &str, unit_class: ColumnClass) -> Vec<Column> {
    let mut v = vec![
        col(first, ColumnClass::String),
        Column::counted("Count", "periods"),
    ];
    for t in ["Minimum", "Average", "Maximum", "Standard deviation"] {
        v.push(col(t, unit_class));
    }
    v
}

/// The table classes of each period command.
pub fn log_class() -> TableClass {
    class("log", "Period log", instance_cols())
}

/// periodtop's class.
pub fn top_class() -> TableClass {
    class("top", "Period top", instance_cols())
}

/// periodlog --aggregate-by's class.
pub fn aggregated_class() -> TableClass {
    let mut c = instance_cols();
    c.push(Column::counted("Child count", "periods"));
    for t in [
        "Minimum",
        "Average",
        "Maximum",
        "Standard deviation",
        "Runtime",
    ] {
        c.push(col(
            &format!("Child {}", t.to_lowercase()),
            ColumnClass::Duration,
        ));
    }
    class("aggregated_stats", "Aggregated period statistics", c)
}

/// periodstats' classes.
pub fn stats_classes() -> Vec<TableClass> {
    let mut per = stats_cols("Period", ColumnClass::Duration);
    per.push(col("Runtime", ColumnClass::Duration));
    vec![
        class("per_period_stats", "Per-period statistics", per),
        class(
            "per_parent_stats",
            "Per-parent total duration of children",
            stats_cols("Parent/child", ColumnClass::Duration),
        ),
        class(
            "per_parent_count",
            "Per-parent number of children",
            stats_cols("Parent/child", ColumnClass::Number),
        ),
        class(
            "per_parent_percentage",
            "Per-parent share of time in children",
            stats_cols("Parent/child", ColumnClass::Ratio),
        ),
    ]
}

/// periodfreq's classes.
pub fn freq_classes() -> Vec<TableClass> {
    let mut c = freq_class("periods");
    c.name = "freq_duration".into();
    c.title = "Period duration frequency distribution".into();
    let mut out = vec![c];
    out.extend(parent::freq_classes());
    out
}

fn caps_text(c: &[(String, super::eval::Val)]) -> String {
    c.iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn row(p: &Periods, i: &Instance, full: bool) -> Vec<Cell> {
    let d = &p.defs[i.def];
    vec![
        Cell::Timestamp(i.begin as i64),
        Cell::Timestamp(i.end as i64),
        Cell::Duration(i.duration()),
        Cell::Text(
            if full {
                d.path.as_str()
            } else {
                d.name.as_str()
            }
            .into(),
        ),
        Cell::Text(caps_text(&i.begin_caps).into()),
        Cell::Text(caps_text(&i.end_caps).into()),
    ]
}

/// Completed instances passing `--select` and the duration filters, by opening time.
pub fn kept<'p>(p: &'p Periods, r: &Report) -> Vec<(usize, &'p Instance)> {
    p.instances
        .iter()
        .enumerate()
        .filter(|(_, i)| i.completed && duration_ok(r, i))
        .filter(|(_, i)| r.select.is_empty() || r.select.contains(&p.defs[i.def].name))
        .collect()
}

fn duration_ok(r: &Report, i: &Instance) -> bool {
    let d = i.duration();
    r.min_duration.is_none_or(|m| d >= m) && r.max_duration.is_none_or(|m| d <= m)
}

/// periodlog.
pub fn log(p: &Periods, o: &Options, r: &Report) -> Vec<Table> {
    if let Some(agg) = &r.aggregate_by {
        return vec![aggregated(p, o, r, agg)];
    }
    let (b, e) = o.range.ns();
    let mut rows = kept(p, r);
    if r.hierarchy {
        rows = hierarchy(p, &rows);
    }
    let mut t = Table::new(log_class(), b, e);
    t.rows = rows.iter().map(|(_, i)| row(p, i, true)).collect();
    vec![t]
}

/// Each root instance followed by its descendants (depth first, by opening time).
fn hierarchy<'p>(p: &'p Periods, rows: &[(usize, &'p Instance)]) -> Vec<(usize, &'p Instance)> {
    let mut kids: BTreeMap<Option<usize>, Vec<(usize, &Instance)>> = BTreeMap::new();
    for &(k, i) in rows {
        let mut up = i.parent;
        // Attach to the nearest kept ancestor.
        while let Some(u) = up {
            if rows.iter().any(|(x, _)| *x == u) {
                break;
            }
            up = p.instances[u].parent;
        }
        kids.entry(up).or_default().push((k, i));
    }
    let mut out = Vec::new();
    let mut stack: Vec<(usize, &Instance)> = kids.get(&None).cloned().unwrap_or_default();
    stack.reverse();
    while let Some((k, i)) = stack.pop() {
        out.push((k, i));
        if let Some(c) = kids.get(&Some(k)) {
            stack.extend(c.iter().rev().copied());
        }
    }
    out
}

/// Whether instance `child` is inside instance `anc` (at any depth).
pub(super) fn descends(p: &Periods, child: usize, anc: usize) -> bool {
    let mut up = p.instances[child].parent;
    while let Some(u) = up {
        if u == anc {
            return true;
        }
        up = p.instances[u].parent;
    }
    false
}

fn aggregated(p: &Periods, o: &Options, r: &Report, agg: &str) -> Table {
    let (b, e) = o.range.ns();
    let mut t = Table::new(aggregated_class(), b, e);
    let children: Vec<&String> = r.select.iter().filter(|s| *s != agg).collect();
    t.subtitle = Some(format!(
        "Aggregation of ({}) by {agg}",
        children
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let all: Vec<(usize, &Instance)> = p
        .instances
        .iter()
        .enumerate()
        .filter(|(_, i)| i.completed && duration_ok(r, i))
        .collect();
    for &(k, parent) in all.iter().filter(|(_, i)| p.defs[i.def].name == agg) {
        for c in &children {
            let mut s = Stats::default();
            for (_, ci) in all
                .iter()
                .filter(|(ck, ci)| &&p.defs[ci.def].name == c && descends(p, *ck, k))
            {
                s.add(ci.duration());
            }
            let mut rw = row(p, parent, true);
            rw.push(Cell::Count(s.count));
            rw.extend(stat_cells(&s, 2));
            rw.push(Cell::Duration(s.total));
            t.rows.push(rw);
        }
    }
    t
}

/// periodtop: the `--limit` longest instances.
pub fn top(p: &Periods, o: &Options, r: &Report) -> Vec<Table> {
    let (b, e) = o.range.ns();
    let mut rows = kept(p, r);
    rows.sort_by(|a, b| {
        b.1.duration()
            .cmp(&a.1.duration())
            .then(a.1.begin.cmp(&b.1.begin))
    });
    o.limit(&mut rows);
    let mut t = Table::new(top_class(), b, e);
    t.rows = rows.iter().map(|(_, i)| row(p, i, false)).collect();
    vec![t]
}

/// The `--group-by` label of an instance: capture values found on it, its ancestors or its
/// descendants; `None` when one is missing.
fn group_of(p: &Periods, k: usize, r: &Report) -> Option<String> {
    let mut parts = Vec::new();
    for (per, cap) in &r.group_by {
        let mut found = None;
        let mut up = Some(k);
        while let Some(u) = up {
            let i = &p.instances[u];
            if &p.defs[i.def].name == per {
                found = i.capture(cap).cloned();
                break;
            }
            up = i.parent;
        }
        if found.is_none() {
            found = p
                .instances
                .iter()
                .enumerate()
                .filter(|(x, i)| &p.defs[i.def].name == per && descends(p, *x, k))
                .find_map(|(_, i)| i.capture(cap).cloned());
        }
        parts.push(format!("{per}.{cap} = {}", found?));
    }
    Some(parts.join(", "))
}

/// Groups kept instances (one group `None` without `--group-by`).
fn groups<'p>(p: &'p Periods, r: &Report) -> BTreeMap<Option<String>, Vec<(usize, &'p Instance)>> {
    let mut out: BTreeMap<Option<String>, Vec<(usize, &Instance)>> = BTreeMap::new();
    for (k, i) in kept(p, r) {
        if r.group_by.is_empty() {
            out.entry(None).or_default().push((k, i));
        } else if let Some(g) = group_of(p, k, r) {
            out.entry(Some(g)).or_default().push((k, i));
        }
    }
    out
}

/// periodstats.
pub fn stats(p: &Periods, o: &Options, r: &Report) -> Vec<Table> {
    let (b, e) = o.range.ns();
    let classes = stats_classes();
    let mut out = Vec::new();
    for (label, inst) in groups(p, r) {
        let mut t = Table::new(classes[0].clone(), b, e);
        t.subtitle = label.clone();
        for (d, def) in p.defs.iter().enumerate() {
            let mut s = Stats::default();
            inst.iter()
                .filter(|(_, i)| i.def == d)
                .for_each(|(_, i)| s.add(i.duration()));
            if s.count == 0 {
                continue;
            }
            let mut rw = vec![Cell::Text(def.path.as_str().into()), Cell::Count(s.count)];
            rw.extend(stat_cells(&s, 2));
            rw.push(Cell::Duration(s.total));
            t.rows.push(rw);
        }
        out.push(t);
        out.extend(parent::stats(p, o, r, &classes, label.as_deref()));
    }
    out
}

/// periodfreq: duration histograms per definition (and group).
pub fn freq(p: &Periods, o: &Options, r: &Report) -> Vec<Table> {
    let mut series = Vec::new();
    for (label, inst) in groups(p, r) {
        for (d, def) in p.defs.iter().enumerate() {
            let v: Vec<u64> = inst
                .iter()
                .filter(|(_, i)| i.def == d)
                .map(|(_, i)| i.duration())
                .collect();
            if !v.is_empty() {
                let name = label
                    .as_ref()
                    .map_or(def.path.clone(), |l| format!("{}, {l}", def.path));
                series.push((name, v));
            }
        }
    }
    let mut out = freq_tables(&series, o, "periods", false);
    let class = std::sync::Arc::new(freq_classes().remove(0));
    for t in &mut out {
        t.class = std::sync::Arc::clone(&class);
    }
    out.extend(parent::freq(p, o, r));
    out
}

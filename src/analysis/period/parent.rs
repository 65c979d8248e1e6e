//! Per-parent figures (analyses.md §9.5): for every ancestor definition P and descendant
//! definition C, per P instance, the total duration of the C instances inside it, their
//! number, and that total as a share of the P instance; over the P instances containing at
//! least one C ("With active children") and over all of them ("Globally").

use super::engine::Periods;
use super::report::{Report, descends, kept};
use crate::analysis::common::{Options, Stats, class, col};
use crate::analysis::freq::buckets;
use crate::analysis::syscalls::stat_cells;
use crate::analysis::table::{Cell, Column, ColumnClass, Table, TableClass};

/// One P instance's figures about its C instances.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Sum of the C durations.
    pub total: u64,
    /// Number of C instances.
    pub count: u64,
    /// `total` / duration of P.
    pub share: f64,
}

const FLAVOURS: [&str; 2] = ["With active children", "Globally"];

fn def_descends(p: &Periods, c: usize, anc: usize) -> bool {
    let mut up = p.defs[c].parent;
    while let Some(u) = up {
        if u == anc {
            return true;
        }
        up = p.defs[u].parent;
    }
    false
}

/// `("C in P", [active, global])` for every ancestor/descendant pair.
pub fn samples(p: &Periods, r: &Report) -> Vec<(String, [Vec<Sample>; 2])> {
    let all = kept(
        p,
        &Report {
            select: Vec::new(),
            ..r.clone()
        },
    );
    let mut out = Vec::new();
    for (pd, pdef) in p.defs.iter().enumerate() {
        for (cd, cdef) in p.defs.iter().enumerate() {
            if !def_descends(p, cd, pd) {
                continue;
            }
            let mut v: [Vec<Sample>; 2] = [Vec::new(), Vec::new()];
            for &(k, pi) in all.iter().filter(|(_, i)| i.def == pd) {
                let inside = all
                    .iter()
                    .filter(|(x, i)| i.def == cd && descends(p, *x, k));
                let (count, total) =
                    inside.fold((0, 0), |(n, t), (_, i)| (n + 1, t + i.duration()));
                let d = pi.duration();
                let share = if d == 0 { 0.0 } else { total as f64 / d as f64 };
                let s = Sample {
                    total,
                    count,
                    share,
                };
                if count > 0 {
                    v[0].push(s);
                }
                v[1].push(s);
            }
            out.push((format!("{} in {}", cdef.path, pdef.path), v));
        }
    }
    out
}

fn subtitle(flavour: &str, label: Option<&str>) -> String {
    label.map_or(flavour.to_owned(), |l| format!("{flavour}, {l}"))
}

/// The per-parent statistics tables (`classes` = periodstats' classes).
pub fn stats(
    p: &Periods,
    o: &Options,
    r: &Report,
    classes: &[TableClass],
    label: Option<&str>,
) -> Vec<Table> {
    let (b, e) = o.range.ns();
    let mut tables: Vec<Table> = (1..4)
        .flat_map(|c| {
            FLAVOURS.map(|f| {
                let mut t = Table::new(classes[c].clone(), b, e);
                t.subtitle = Some(subtitle(f, label));
                t
            })
        })
        .collect();
    for (name, flavours) in samples(p, r) {
        for (g, v) in flavours.iter().enumerate() {
            let (mut tot, mut cnt) = (Stats::default(), Stats::default());
            v.iter().for_each(|s| {
                tot.add(s.total);
                cnt.add(s.count);
            });
            let n = Cell::Count(v.len() as u64);
            let mut r1 = vec![Cell::Text(name.as_str().into()), n.clone()];
            r1.extend(stat_cells(&tot, 3));
            tables[g].rows.push(r1);
            let mut r2 = vec![Cell::Text(name.as_str().into()), n.clone()];
            r2.extend(number_cells(&cnt));
            tables[2 + g].rows.push(r2);
            let mut r3 = vec![Cell::Text(name.as_str().into()), n];
            r3.extend(ratio_cells(&v.iter().map(|s| s.share).collect::<Vec<_>>()));
            tables[4 + g].rows.push(r3);
        }
    }
    tables.retain(|t| !t.rows.is_empty());
    tables
}

fn number_cells(s: &Stats) -> [Cell; 4] {
    [
        Cell::Count(s.min),
        Cell::Number(s.mean()),
        Cell::Count(s.max),
        s.stdev(3).map_or(Cell::Unknown, Cell::Number),
    ]
}

fn ratio_cells(v: &[f64]) -> [Cell; 4] {
    if v.is_empty() {
        return [Cell::Unknown, Cell::Unknown, Cell::Unknown, Cell::Unknown];
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(0.0, f64::max);
    let sd = if v.len() >= 3 {
        Cell::Ratio((v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt())
    } else {
        Cell::Unknown
    };
    [Cell::Ratio(min), Cell::Ratio(mean), Cell::Ratio(max), sd]
}

/// Classes of the per-parent histograms: total durations, counts, shares.
pub fn freq_classes() -> Vec<TableClass> {
    let cols = |c: ColumnClass| {
        vec![
            col("Lower bound", c),
            col("Upper bound", c),
            Column::counted("Count", "parents"),
        ]
    };
    vec![
        class(
            "freq_parent_duration",
            "Per-parent total duration of children",
            cols(ColumnClass::Duration),
        ),
        class(
            "freq_count",
            "Per-parent number of children",
            cols(ColumnClass::Number),
        ),
        class(
            "freq_ratio",
            "Per-parent share of time in children",
            cols(ColumnClass::Ratio),
        ),
    ]
}

/// Ratios are bucketed in millionths.
const PPM: f64 = 1e6;

/// The per-parent histograms, in both flavours.
pub fn freq(p: &Periods, o: &Options, r: &Report) -> Vec<Table> {
    let classes = freq_classes();
    let (b, e) = o.range.ns();
    let mut out = Vec::new();
    for (name, flavours) in samples(p, r) {
        for (f, v) in FLAVOURS.iter().zip(&flavours) {
            let series: [Vec<u64>; 3] = [
                v.iter().map(|s| s.total).collect(),
                v.iter().map(|s| s.count).collect(),
                v.iter().map(|s| (s.share * PPM).round() as u64).collect(),
            ];
            for (k, vals) in series.iter().enumerate() {
                let lo = vals.iter().copied().min().unwrap_or(0);
                let hi = vals.iter().copied().max().unwrap_or(0);
                let mut t = Table::new(classes[k].clone(), b, e);
                t.subtitle = Some(format!("{name}, {f}"));
                t.rows = buckets(vals, lo, hi, o.freq_resolution, false)
                    .into_iter()
                    .map(|(a, z, c)| {
                        let cell = |x: u64| match k {
                            0 => Cell::Duration(x),
                            1 => Cell::Number(x as f64),
                            _ => Cell::Ratio(x as f64 / PPM),
                        };
                        vec![cell(a), cell(z), Cell::Count(c)]
                    })
                    .collect();
                if !t.rows.is_empty() {
                    out.push(t);
                }
            }
        }
    }
    out
}

//! Histograms of durations (lttng-analyses §1.7): `resolution` equal buckets over [lo, hi].

use super::common::{Options, class, col};
use super::table::{Cell, Column, ColumnClass, Table, TableClass};

/// The `freq` table class (lower bound, upper bound, count).
pub fn freq_class(unit: &str) -> TableClass {
    class(
        "freq",
        "Frequency distribution",
        vec![
            col("Lower bound", ColumnClass::Duration),
            col("Upper bound", ColumnClass::Duration),
            Column::counted("Count", unit),
        ],
    )
}

/// Buckets as (lower, upper, count), ns. `clamp` puts values past the range in the edge
/// buckets (the I/O histograms); otherwise they are dropped.
pub fn buckets(
    values: &[u64],
    lo: u64,
    hi: u64,
    resolution: usize,
    clamp: bool,
) -> Vec<(u64, u64, u64)> {
    let n = resolution.max(1);
    if hi <= lo || values.is_empty() {
        return Vec::new();
    }
    let step = (hi - lo) as f64 / n as f64;
    let mut counts = vec![0u64; n];
    for &v in values {
        let slot = if v < lo {
            if !clamp {
                continue;
            }
            0
        } else if v >= hi {
            if v > hi && !clamp {
                continue;
            }
            n - 1
        } else {
            (((v - lo) as f64 / step) as usize).min(n - 1)
        };
        counts[slot] += 1;
    }
    counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let a = lo as f64 + step * i as f64;
            (a.round() as u64, (a + step).round() as u64, c)
        })
        .collect()
}

/// The range of a histogram: `--min/--max` when given, else the data's.
pub fn bounds(values: &[u64], opts: &Options) -> (u64, u64) {
    let lo = opts
        .min_ns
        .unwrap_or_else(|| values.iter().copied().min().unwrap_or(0));
    let hi = opts
        .max_ns
        .unwrap_or_else(|| values.iter().copied().max().unwrap_or(0));
    (lo, hi)
}

/// One `freq` table per series; with `--freq-uniform` every series shares one range.
pub fn freq_tables(
    series: &[(String, Vec<u64>)],
    opts: &Options,
    unit: &str,
    clamp: bool,
) -> Vec<Table> {
    let all: Vec<u64> = series.iter().flat_map(|(_, v)| v.iter().copied()).collect();
    let shared = bounds(&all, opts);
    let (b, e) = opts.range.ns();
    let mut out = Vec::new();
    for (name, values) in series {
        let (lo, hi) = if opts.freq_uniform {
            shared
        } else {
            bounds(values, opts)
        };
        let mut t = Table::new(freq_class(unit), b, e);
        t.subtitle = Some(name.clone());
        t.rows = buckets(values, lo, hi, opts.freq_resolution, clamp)
            .into_iter()
            .map(|(a, z, c)| vec![Cell::Duration(a), Cell::Duration(z), Cell::Count(c)])
            .collect();
        if !t.rows.is_empty() {
            out.push(t);
        }
    }
    out
}

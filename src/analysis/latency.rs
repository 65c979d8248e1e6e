//! Latency distributions for the TUI's Latency tab: the durations of complete system calls
//! in a range, bucketed linearly (exactly as the `*freq` commands do) or on a log scale
//! (latencies span ns to seconds, so equal buckets put almost everything in the first one),
//! with the order statistics shown beside the histogram, and the slowest instances of each
//! bucket. The samples come from [`latency_samples`], their words from
//! [`super::latency_instances`].

use super::common::{Options, Range, Stats};
use super::latency_instances::{Describer, Instance};
use super::latency_samples::{self, LatencyKind};
use crate::model::Model;

/// How buckets are spaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// Each bucket's bounds grow by the same ratio.
    #[default]
    Log,
    /// Equal widths, as `--freq-resolution` buckets.
    Linear,
}

/// Order statistics of the durations, ns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Samples.
    pub count: u64,
    /// Smallest.
    pub min: u64,
    /// Mean (rounded down).
    pub avg: u64,
    /// Median.
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// Largest.
    pub max: u64,
    /// Sample standard deviation (rounded; `None` under 2 samples).
    pub stdev: Option<u64>,
}

/// A histogram: (lower, upper, count) per bucket, ns, and the summary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Histogram {
    /// Buckets in increasing order.
    pub buckets: Vec<(u64, u64, u64)>,
    /// `None` when there is no sample.
    pub summary: Option<Summary>,
}

/// Durations of the complete syscalls that end inside the range, of threads passing the
/// thread filter: the calls `syscallstats` counts (its `--cpu` filter is not applied, the
/// Latency tab has none).
pub fn syscall_durations(m: &Model, o: &Options) -> Vec<u64> {
    let mut out = Vec::new();
    for t in m.threads.iter().filter(|t| t.idle_cpu.is_none()) {
        if !o.filter.thread(m, t) {
            continue;
        }
        let s = &t.syscalls;
        for i in s.span.candidates(o.range.begin, o.range.end) {
            if s.complete(i) && o.range.contains(s.span.end(i)) {
                out.push(s.span.dur(i));
            }
        }
    }
    out
}

/// Nearest-rank percentile of sorted values (`q` in 0..=100).
fn percentile(sorted: &[u64], q: u64) -> u64 {
    let n = sorted.len() as u64;
    let rank = (q * n).div_ceil(100).max(1);
    sorted[(rank - 1).min(n - 1) as usize]
}

/// The summary of `values` (sorted in place).
pub fn summary(values: &mut [u64]) -> Option<Summary> {
    values.sort_unstable();
    let (&min, &max) = (values.first()?, values.last()?);
    let mut stats = Stats::default();
    values.iter().for_each(|&v| stats.add(v));
    let total: u128 = values.iter().map(|&v| u128::from(v)).sum();
    Some(Summary {
        count: values.len() as u64,
        min,
        avg: u64::try_from(total / values.len() as u128).unwrap_or(u64::MAX),
        p50: percentile(values, 50),
        p90: percentile(values, 90),
        p99: percentile(values, 99),
        max,
        stdev: stats.stdev(2).map(|d| d.round() as u64),
    })
}

/// Where values fall: `n` buckets over `[lo, hi]`, equal (the `*freq` commands' arithmetic,
/// so the counts are theirs) or growing geometrically (from 1 ns when `lo` is 0). One
/// function places values both for the counts and for the instance lists, so a bucket's
/// list is exactly what its count counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Binning {
    scale: Scale,
    lo: u64,
    hi: u64,
    n: usize,
}

impl Binning {
    /// `n` buckets (at least 1) over `[lo, hi]`; a single bucket when `hi <= lo`.
    pub fn new(scale: Scale, lo: u64, hi: u64, n: usize) -> Binning {
        let n = if hi <= lo { 1 } else { n.max(1) };
        Binning { scale, lo, hi, n }
    }

    /// Number of buckets.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Never: there is always one bucket.
    pub fn is_empty(&self) -> bool {
        false
    }

    fn step(&self) -> f64 {
        (self.hi - self.lo) as f64 / self.n as f64
    }

    fn log_base(&self) -> (f64, f64) {
        let (a, z) = ((self.lo.max(1)) as f64, (self.hi as f64).max(2.0));
        (a, (z / a).powf(1.0 / self.n as f64))
    }

    /// The bucket of `v` (values outside the range go to the edge buckets).
    pub fn slot(&self, v: u64) -> usize {
        let last = self.n - 1;
        if self.hi <= self.lo || v <= self.lo {
            return 0;
        }
        if v >= self.hi {
            return last;
        }
        match self.scale {
            Scale::Linear => (((v - self.lo) as f64 / self.step()) as usize).min(last),
            Scale::Log => {
                let (a, ratio) = self.log_base();
                let x = (v.max(1) as f64 / a).ln() / ratio.ln();
                let slot = if x.is_finite() && x > 0.0 {
                    x as usize
                } else {
                    0
                };
                slot.min(last)
            }
        }
    }

    /// Bounds of bucket `i`, ns.
    pub fn bounds(&self, i: usize) -> (u64, u64) {
        if self.hi <= self.lo {
            return (self.lo, self.lo + 1);
        }
        match self.scale {
            Scale::Linear => {
                let a = self.lo as f64 + self.step() * i as f64;
                (a.round() as u64, (a + self.step()).round() as u64)
            }
            Scale::Log => {
                let (a, ratio) = self.log_base();
                let edge = |i: usize| {
                    if i == 0 {
                        self.lo
                    } else if i == self.n {
                        self.hi
                    } else {
                        (a * ratio.powi(i as i32)).round() as u64
                    }
                };
                (edge(i), edge(i + 1))
            }
        }
    }

    /// (lower, upper, count) per bucket.
    pub fn count(&self, values: &[u64]) -> Vec<(u64, u64, u64)> {
        let mut counts = vec![0u64; self.n];
        for &v in values {
            counts[self.slot(v)] += 1;
        }
        counts
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                let (a, z) = self.bounds(i);
                (a, z, c)
            })
            .collect()
    }
}

/// `n` buckets from `lo` to `hi` whose bounds grow geometrically (from 1 ns when `lo` is 0);
/// every value lands in one.
pub fn log_buckets(values: &[u64], lo: u64, hi: u64, n: usize) -> Vec<(u64, u64, u64)> {
    Binning::new(Scale::Log, lo, hi, n).count(values)
}

/// How `values` are bucketed: over their own range, `resolution` buckets.
pub fn binning(values: &[u64], scale: Scale, resolution: usize) -> Binning {
    let lo = values.iter().copied().min().unwrap_or(0);
    let hi = values.iter().copied().max().unwrap_or(0);
    Binning::new(scale, lo, hi, resolution)
}

/// The histogram of `values` over their own range, `resolution` buckets. Linear buckets
/// are the `*freq` commands' buckets without `--min/--max` (when every value is the same,
/// those print no table; here it is one bucket).
pub fn histogram(mut values: Vec<u64>, scale: Scale, resolution: usize) -> Histogram {
    let summary = summary(&mut values);
    if summary.is_none() {
        return Histogram::default();
    }
    let buckets = binning(&values, scale, resolution).count(&values);
    Histogram { buckets, summary }
}

/// What the Latency tab shows for one kind, series and scale.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    /// The histogram.
    pub hist: Histogram,
    /// The series shown (`None`: every sample).
    pub series: Option<String>,
    /// The series one can switch to, in cycling order.
    pub labels: Vec<String>,
    /// Per bucket, its `per_bucket` slowest instances, slowest first (then by time).
    pub instances: Vec<Vec<Instance>>,
}

/// The histogram of the `series` samples of `kind` over `range`, and each bucket's slowest
/// instances described.
pub fn answer(
    m: &Model,
    range: Range,
    kind: LatencyKind,
    series: Option<&str>,
    scale: Scale,
    resolution: usize,
    per_bucket: usize,
) -> Answer {
    let all = latency_samples::collect(m, range, kind);
    let labels = all.labels();
    let (series, mut chosen) = all.select(series);
    let values: Vec<u64> = chosen.iter().map(|s| s.dur()).collect();
    let bins = binning(&values, scale, resolution);
    let hist = histogram(values, scale, resolution);
    let mut instances: Vec<Vec<Instance>> = vec![Vec::new(); hist.buckets.len()];
    chosen.sort_unstable_by(|a, b| b.dur().cmp(&a.dur()).then(a.begin.cmp(&b.begin)));
    let words = Describer::new(m, kind);
    for s in &chosen {
        if let Some(list) = instances.get_mut(bins.slot(s.dur()))
            && list.len() < per_bucket
        {
            list.push(words.describe(s));
        }
    }
    Answer {
        hist,
        series,
        labels,
        instances,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_log_buckets() {
        let mut v: Vec<u64> = (1..=100).collect();
        let s = summary(&mut v).unwrap_or(Summary {
            count: 0,
            min: 0,
            avg: 0,
            p50: 0,
            p90: 0,
            p99: 0,
            max: 0,
            stdev: None,
        });
        assert_eq!(
            (s.count, s.min, s.avg, s.p50, s.p90, s.p99, s.max),
            (100, 1, 50, 50, 90, 99, 100)
        );
        let b = log_buckets(&[1, 10, 100, 1000], 1, 1000, 3);
        assert_eq!(b, vec![(1, 10, 1), (10, 100, 1), (100, 1000, 2)]);
        let total: u64 = log_buckets(&v, 1, 100, 7).iter().map(|b| b.2).sum();
        assert_eq!(total, 100);
    }
}

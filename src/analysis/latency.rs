//! Latency distributions for the TUI's Latency tab: the durations of complete system calls
//! in a range, bucketed linearly (exactly as the `*freq` commands do) or on a log scale
//! (latencies span ns to seconds, so equal buckets put almost everything in the first one),
//! with the order statistics shown beside the histogram.

use super::common::Options;
use super::freq;
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
    let total: u128 = values.iter().map(|&v| u128::from(v)).sum();
    Some(Summary {
        count: values.len() as u64,
        min,
        avg: u64::try_from(total / values.len() as u128).unwrap_or(u64::MAX),
        p50: percentile(values, 50),
        p90: percentile(values, 90),
        p99: percentile(values, 99),
        max,
    })
}

/// `n` buckets from `lo` to `hi` whose bounds grow geometrically (from 1 ns when `lo` is 0);
/// every value lands in one.
pub fn log_buckets(values: &[u64], lo: u64, hi: u64, n: usize) -> Vec<(u64, u64, u64)> {
    let n = n.max(1);
    if values.is_empty() || hi <= lo {
        return freq::buckets(values, lo, hi.max(lo + 1), 1, true);
    }
    let (a, z) = ((lo.max(1)) as f64, (hi as f64).max(2.0));
    let ratio = (z / a).powf(1.0 / n as f64);
    let edge = |i: usize| {
        if i == 0 {
            lo
        } else if i == n {
            hi
        } else {
            (a * ratio.powi(i as i32)).round() as u64
        }
    };
    let mut counts = vec![0u64; n];
    for &v in values {
        let x = (v.max(1) as f64 / a).ln() / ratio.ln();
        let slot = if x.is_finite() && x > 0.0 {
            x as usize
        } else {
            0
        };
        counts[slot.min(n - 1)] += 1;
    }
    (0..n).map(|i| (edge(i), edge(i + 1), counts[i])).collect()
}

/// The histogram of `values` over their own range, `resolution` buckets.
pub fn histogram(mut values: Vec<u64>, scale: Scale, resolution: usize) -> Histogram {
    let summary = summary(&mut values);
    let Some(s) = summary else {
        return Histogram::default();
    };
    let buckets = match scale {
        // The same call as `freq_tables` without --min/--max, so the counts are the `*freq`
        // commands' counts.
        Scale::Linear => freq::buckets(&values, s.min, s.max, resolution, false),
        Scale::Log => log_buckets(&values, s.min, s.max, resolution),
    };
    Histogram { buckets, summary }
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

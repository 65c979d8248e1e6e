//! What every analysis shares: the analysed range, the thread/CPU filters, the options, and
//! the statistics helpers (count, min, max, mean, sample stdev, histograms).

use std::borrow::Cow;

use crate::model::{Model, NO_THREAD, Thread};

use super::table::{Column, ColumnClass, TableClass};

/// The analysed time range, ns since the epoch, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// First instant.
    pub begin: u64,
    /// Last instant.
    pub end: u64,
}

impl Range {
    /// The trace's range clipped to the requested bounds.
    pub fn of(model: &Model, begin: Option<u64>, end: Option<u64>) -> Range {
        let b = begin.map_or(model.begin, |b| b.max(model.begin));
        let e = end.map_or(model.end, |e| e.min(model.end));
        Range { begin: b, end: e }
    }

    /// Length in ns (0 for an empty range).
    pub fn len(&self) -> u64 {
        self.end.saturating_sub(self.begin)
    }

    /// Whether the range is empty (end before begin).
    pub fn is_empty(&self) -> bool {
        self.end < self.begin
    }

    /// Whether `t` is inside.
    pub fn contains(&self, t: u64) -> bool {
        self.begin <= t && t <= self.end
    }

    /// Length of the overlap of `[a, b]` with the range.
    pub fn overlap(&self, a: u64, b: u64) -> u64 {
        b.min(self.end).saturating_sub(a.max(self.begin))
    }

    /// As signed ns for tables.
    pub fn ns(&self) -> (i64, i64) {
        (self.begin as i64, self.end as i64)
    }
}

/// Thread and CPU filters (`--tid`, `--procname`, `--cpu`); empty lists keep everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// TIDs to keep.
    pub tids: Vec<u32>,
    /// Command names to keep (exact match).
    pub procnames: Vec<String>,
    /// CPUs to keep.
    pub cpus: Vec<u32>,
}

impl Filter {
    /// Whether thread `t` passes `--tid` and `--procname` (its name at any time counts).
    pub fn thread(&self, model: &Model, t: &Thread) -> bool {
        if !self.tids.is_empty() && !self.tids.contains(&t.tid) {
            return false;
        }
        if self.procnames.is_empty() {
            return true;
        }
        t.names
            .iter()
            .any(|&(_, n)| self.procnames.iter().any(|p| p == model.strings.get(n)))
    }

    /// Whether thread index `th` passes (unknown threads never do).
    pub fn thread_index(&self, model: &Model, th: u32) -> bool {
        th != NO_THREAD
            && model
                .threads
                .get(th as usize)
                .is_some_and(|t| self.thread(model, t))
    }

    /// Whether `cpu` passes `--cpu`.
    pub fn cpu(&self, cpu: u32) -> bool {
        self.cpus.is_empty() || self.cpus.contains(&cpu)
    }
}

/// Options common to the analyses (each uses the ones that apply to it).
#[derive(Debug, Clone)]
pub struct Options {
    /// Analysed range.
    pub range: Range,
    /// Thread/CPU filters.
    pub filter: Filter,
    /// Rows per top table (`None`: unlimited).
    pub limit: Option<usize>,
    /// Keep durations ≥ this (ns).
    pub min_ns: Option<u64>,
    /// Keep durations ≤ this (ns).
    pub max_ns: Option<u64>,
    /// Histogram buckets.
    pub freq_resolution: usize,
    /// Same histogram range for every histogram of the run.
    pub freq_uniform: bool,
    /// Sched stats groupings: per TID (default), total, per priority.
    pub per_tid: bool,
    /// See `per_tid`.
    pub total: bool,
    /// See `per_tid`.
    pub per_prio: bool,
    /// IRQ lines to keep (`--irq`).
    pub irqs: Option<Vec<u32>>,
    /// Softirq vectors to keep (`--softirq`).
    pub softirqs: Option<Vec<u32>>,
}

impl Options {
    /// Defaults over `range`: no filter, limit 10, 20 buckets.
    pub fn new(range: Range) -> Options {
        Options {
            range,
            filter: Filter::default(),
            limit: Some(10),
            min_ns: None,
            max_ns: None,
            freq_resolution: 20,
            freq_uniform: false,
            per_tid: true,
            total: false,
            per_prio: false,
            irqs: None,
            softirqs: None,
        }
    }

    /// Whether a duration passes `--min/--max`.
    pub fn keep_duration(&self, d: u64) -> bool {
        self.min_ns.is_none_or(|m| d >= m) && self.max_ns.is_none_or(|m| d <= m)
    }

    /// Truncates `rows` to the limit.
    pub fn limit<T>(&self, rows: &mut Vec<T>) {
        if let Some(n) = self.limit {
            rows.truncate(n);
        }
    }
}

/// Running statistics of durations (ns).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stats {
    /// Samples.
    pub count: u64,
    /// Sum.
    pub total: u64,
    /// Smallest.
    pub min: u64,
    /// Largest.
    pub max: u64,
    sum_sq: f64,
}

impl Stats {
    /// Adds one sample.
    pub fn add(&mut self, v: u64) {
        self.min = if self.count == 0 { v } else { self.min.min(v) };
        self.max = self.max.max(v);
        self.count += 1;
        self.total += v;
        self.sum_sq += (v as f64) * (v as f64);
    }

    /// Adds every sample of `other`.
    pub fn merge(&mut self, other: &Stats) {
        if other.count == 0 {
            return;
        }
        self.min = if self.count == 0 {
            other.min
        } else {
            self.min.min(other.min)
        };
        self.max = self.max.max(other.max);
        self.count += other.count;
        self.total += other.total;
        self.sum_sq += other.sum_sq;
    }

    /// Mean (0 without samples).
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.total as f64 / self.count as f64
        }
    }

    /// Sample standard deviation (n − 1), when there are at least `min_n` samples (and 2).
    pub fn stdev(&self, min_n: u64) -> Option<f64> {
        if self.count < min_n.max(2) {
            return None;
        }
        let n = self.count as f64;
        let mean = self.mean();
        let var = (self.sum_sq - n * mean * mean) / (n - 1.0);
        Some(var.max(0.0).sqrt())
    }
}

/// A table class from a name, a title and columns.
pub fn class(name: &str, title: &str, columns: Vec<Column>) -> TableClass {
    TableClass {
        name: name.to_owned(),
        title: title.to_owned(),
        columns,
    }
}

/// Shorthand for a typed column.
pub fn col(title: &str, class: ColumnClass) -> Column {
    Column::new(title, class)
}

/// The name of thread `t` at `at` (empty when never named).
pub fn thread_name(model: &Model, t: &Thread, at: u64) -> String {
    thread_name_cow(model, t, at).into_owned()
}

/// [`thread_name`] borrowed from the model when it can be (rows of logs).
pub fn thread_name_cow<'m>(model: &'m Model, t: &Thread, at: u64) -> Cow<'m, str> {
    match (t.name_at(at), t.idle_cpu) {
        (Some(n), _) => Cow::Borrowed(model.strings.get(n)),
        // Idle threads are named after their CPU, as the kernel does.
        (None, Some(cpu)) => Cow::Owned(format!("swapper/{cpu}")),
        (None, None) => Cow::Borrowed(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_statistics_equal_those_of_all_samples() {
        let (a, b) = ([5u64, 900, 17], [3u64, 40, 2_000, 41]);
        let mut all = Stats::default();
        a.iter().chain(&b).for_each(|&v| all.add(v));
        let (mut x, mut y) = (Stats::default(), Stats::default());
        a.iter().for_each(|&v| x.add(v));
        b.iter().for_each(|&v| y.add(v));
        x.merge(&y);
        assert_eq!((x.count, x.total, x.min, x.max), (7, 3_006, 3, 2_000));
        assert_eq!(x, all);
        // Nothing to merge, or nothing merged into: the other side unchanged.
        x.merge(&Stats::default());
        assert_eq!(x, all);
        let mut empty = Stats::default();
        empty.merge(&all);
        assert_eq!(empty, all);
    }
}

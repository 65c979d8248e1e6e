//! Per-row summaries of the timelines, so a zoomed-out frame reads a few numbers per cell
//! instead of searching the model's intervals.
//!
//! The trace is cut into equal buckets. For every thread and CPU row, and every bucket of the
//! row's lifetime, the summary knows how much of the bucket each [`Shade`] covers (in 1/65535
//! of a bucket), stored as running sums: the coverage of any run of buckets is one
//! subtraction per shade, so a cell costs the same whatever it spans.
//!
//! **What a summarised cell shows**: the shade covering the most of the cell's time, blank
//! (no state: before the row's first state, after exit) counting as a shade. The cell's
//! bounds are rounded to bucket edges; the summary answers only when a cell spans at least
//! [`MIN_BUCKETS_PER_SLOT`] buckets, so the rounding moves each edge by at most 1/16 of a
//! cell. Ties go to the more telling state: IRQ, syscall, user, wait for CPU, blocked,
//! unknown, blank. Closer in, [`super::sample`] asks the model directly.
//!
//! The summary is built on the `lttng-tui-summary` thread once the model is complete (it
//! reads every interval once: 1.5–2 s on a 1 GB trace) and is never stored in the
//! index cache; its size is capped by [`BUDGET`].

use std::sync::Arc;

use crossbeam_channel::{Receiver, Sender};

use super::worker::{Request, Update};
use crate::model::store::Intervals;
use crate::model::{Model, NO_THREAD, SchedState};

use super::sample::Shade;

/// Shades counted per bucket (blank is what they leave).
const SHADES: usize = 6;

/// A fully covered bucket.
const FULL: u64 = 65_535;

/// Most buckets across the trace: running sums of 65 535 per bucket then stay below 2³²
/// for any run of buckets, so `u32` wrapping differences are exact.
const MAX_BUCKETS: u64 = 65_536;

/// Fewest buckets across the trace worth building: with fewer, a full zoom-out half cell of a
/// 200-column timeline (1/400 of the trace) spans under [`MIN_BUCKETS_PER_SLOT`] buckets and
/// the summary would never serve.
const MIN_BUCKETS: u64 = 4_096;

/// Row-buckets kept at most (24 bytes each: 24 MiB); many long-lived rows get coarser buckets.
pub const BUDGET: u64 = 1 << 20;

/// A cell must span this many buckets for the summary to answer it.
pub const MIN_BUCKETS_PER_SLOT: u64 = 8;

/// Tie order, most telling first.
const ORDER: [Shade; SHADES] = [
    Shade::Irq,
    Shade::Syscall,
    Shade::User,
    Shade::WaitCpu,
    Shade::Blocked,
    Shade::Unknown,
];

/// One row: running sums of shade coverage from its first bucket on.
#[derive(Debug, Clone, Default)]
pub struct RowSummary {
    /// Index of the row's first bucket.
    first: u64,
    /// `sums[k]` = coverage of buckets `first .. first + k`, per shade, wrapping.
    sums: Vec<[u32; SHADES]>,
}

impl RowSummary {
    /// Coverage per shade of buckets `[i, j)`, in 1/65535 of a bucket.
    fn coverage(&self, i: u64, j: u64) -> [u64; SHADES] {
        let n = self.sums.len().saturating_sub(1) as u64;
        let at = |k: u64| k.clamp(self.first, self.first + n) - self.first;
        let (lo, hi) = (at(i) as usize, at(j) as usize);
        let mut out = [0u64; SHADES];
        if let (Some(a), Some(b)) = (self.sums.get(lo), self.sums.get(hi)) {
            for s in 0..SHADES {
                out[s] = u64::from(b[s].wrapping_sub(a[s]));
            }
        }
        out
    }
}

/// Summaries of every thread and CPU row of one model.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The model generation it was built from.
    pub generation: u64,
    begin: u64,
    width: u64,
    threads: Vec<RowSummary>,
    cpus: Vec<RowSummary>,
}

impl Summary {
    /// Heap bytes.
    pub fn bytes(&self) -> usize {
        self.threads
            .iter()
            .chain(&self.cpus)
            .map(|r| r.sums.capacity() * std::mem::size_of::<[u32; SHADES]>())
            .sum()
    }

    /// Bucket width in ns.
    pub fn bucket_width(&self) -> u64 {
        self.width
    }

    /// The time span a cell `[a, b)` is measured over: its bounds rounded to bucket edges.
    pub fn cell_span(&self, a: u64, b: u64) -> (u64, u64) {
        let (i, j) = self.cell_buckets(a, b);
        (self.begin + i * self.width, self.begin + j * self.width)
    }

    fn cell_buckets(&self, a: u64, b: u64) -> (u64, u64) {
        let round = |t: u64| (t.saturating_sub(self.begin) + self.width / 2) / self.width;
        let i = round(a);
        (i, round(b).max(i + 1))
    }

    /// Whether cells `slots` to `[start, end)` are wide enough to be answered here.
    pub fn serves(&self, start: u64, end: u64, slots: usize) -> bool {
        end.saturating_sub(start) / (slots.max(1) as u64)
            >= MIN_BUCKETS_PER_SLOT.saturating_mul(self.width)
    }

    fn shade(&self, row: &RowSummary, a: u64, b: u64) -> Option<Shade> {
        let (i, j) = self.cell_buckets(a, b);
        let cov = row.coverage(i, j);
        let blank = ((j - i) * FULL).saturating_sub(cov.iter().sum());
        let mut best: Option<(u64, Shade)> = None;
        for s in ORDER {
            let c = cov[s as usize];
            if c > 0 && best.is_none_or(|(b, _)| c > b) {
                best = Some((c, s));
            }
        }
        match best {
            Some((c, s)) if c >= blank => Some(s),
            _ => None,
        }
    }

    /// The shade of each cell `(a, b)` of thread `th`, `None` when the row is unknown here.
    pub fn thread_cells(
        &self,
        th: u32,
        cells: impl Iterator<Item = (u64, u64)>,
    ) -> Option<Vec<Option<Shade>>> {
        let row = self.threads.get(th as usize)?;
        Some(cells.map(|(a, b)| self.shade(row, a, b)).collect())
    }

    /// The shade of each cell `(a, b)` of `cpu`, `None` when the row is unknown here.
    pub fn cpu_cells(
        &self,
        cpu: u32,
        cells: impl Iterator<Item = (u64, u64)>,
    ) -> Option<Vec<Option<Shade>>> {
        let row = self.cpus.get(cpu as usize)?;
        Some(cells.map(|(a, b)| self.shade(row, a, b)).collect())
    }
}

/// Disjoint sorted spans from intervals sorted by begin (nested or overlapping ones merged).
fn union(iv: &Intervals) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::new();
    for i in 0..iv.len() {
        let (b, e) = (iv.begin(i), iv.end(i));
        if e <= b {
            continue;
        }
        match out.last_mut() {
            Some(last) if b <= last.1 => last.1 = last.1.max(e),
            _ => out.push((b, e)),
        }
    }
    out
}

/// The spans of `set` inside `[s, e)`, clipped.
fn within(set: &[(u64, u64)], s: u64, e: u64) -> impl Iterator<Item = (u64, u64)> + '_ {
    let from = set.partition_point(|&(_, end)| end <= s);
    set[from..]
        .iter()
        .take_while(move |&&(b, _)| b < e)
        .map(move |&(b, end)| (b.max(s), end.min(e)))
}

/// Cuts `[s, e)` into pieces: IRQ where `irqs` cover it, else syscall where `sys` does,
/// else `base`.
fn refine(
    s: u64,
    e: u64,
    base: Option<Shade>,
    sys: &[(u64, u64)],
    irqs: &[(u64, u64)],
    emit: &mut impl FnMut(u64, u64, Option<Shade>),
) {
    let mut at = s;
    for (ib, ie) in within(irqs, s, e).chain(std::iter::once((e, e))) {
        // [at, ib): outside interrupts.
        for (sb, se) in within(sys, at, ib) {
            if at < sb {
                emit(at, sb, base);
            }
            emit(sb, se, Some(Shade::Syscall));
            at = se;
        }
        if at < ib {
            emit(at, ib, base);
        }
        if ib < ie {
            emit(ib, ie, Some(Shade::Irq));
        }
        at = at.max(ie);
    }
}

/// Per-bucket coverage of one row while it is built.
struct Acc {
    begin: u64,
    width: u64,
    first: u64,
    cells: Vec<[u64; SHADES]>,
}

impl Acc {
    fn new(begin: u64, width: u64, from: u64, to: u64) -> Acc {
        let first = from.saturating_sub(begin) / width;
        let last = to.saturating_sub(begin).div_ceil(width).max(first);
        Acc {
            begin,
            width,
            first,
            cells: vec![[0; SHADES]; (last - first) as usize],
        }
    }

    fn add(&mut self, s: u64, e: u64, shade: Option<Shade>) {
        let Some(shade) = shade else { return };
        let mut t = s.max(self.begin);
        while t < e {
            let k = (t - self.begin) / self.width;
            let stop = e.min(self.begin + (k + 1) * self.width);
            let Some(cell) = k
                .checked_sub(self.first)
                .and_then(|i| self.cells.get_mut(i as usize))
            else {
                return;
            };
            cell[shade as usize] += stop - t;
            t = stop;
        }
    }

    fn finish(self) -> RowSummary {
        let mut sums = Vec::with_capacity(self.cells.len() + 1);
        let mut run = [0u32; SHADES];
        sums.push(run);
        for cell in &self.cells {
            for s in 0..SHADES {
                let q =
                    (cell[s].min(self.width).saturating_mul(FULL) + self.width / 2) / self.width;
                run[s] = run[s].wrapping_add(q as u32);
            }
            sums.push(run);
        }
        RowSummary {
            first: self.first,
            sums,
        }
    }
}

/// The shade of a thread's scheduler state outside syscalls and interrupts.
fn sched_shade(code: u32) -> Option<Shade> {
    match SchedState::from_code(code) {
        SchedState::Running => Some(Shade::User),
        SchedState::Unknown | SchedState::WaitUnknown => Some(Shade::Unknown),
        SchedState::WaitCpu => Some(Shade::WaitCpu),
        SchedState::WaitBlocked => Some(Shade::Blocked),
        SchedState::Exited | SchedState::Dead => None,
    }
}

/// The span of thread `th`'s row: its first state to the end of its last drawn one.
fn thread_extent(m: &Model, th: usize) -> Option<(u64, u64)> {
    let t = &m.threads[th];
    let mut steps = t.states.steps(0, u64::MAX, m.end);
    let (first, _, _) = steps.next()?;
    let mut last = first;
    for (s, e, code) in t.states.steps(0, u64::MAX, m.end) {
        if sched_shade(code).is_some() {
            last = e.max(s);
        }
    }
    Some((first, last))
}

/// Builds the summary of `m`; `None` when its rows are too many for useful buckets within
/// [`BUDGET`].
pub fn build(m: &Model, generation: u64) -> Option<Summary> {
    let span = m.end.saturating_sub(m.begin).max(1);
    let extents: Vec<Option<(u64, u64)>> = (0..m.threads.len())
        .map(|th| thread_extent(m, th))
        .collect();
    let cpu_from: Vec<Option<u64>> = m
        .cpus
        .iter()
        .map(|c| {
            c.current
                .steps(0, u64::MAX, m.end)
                .next()
                .map(|(s, _, _)| s)
        })
        .collect();
    let covered: u128 = extents
        .iter()
        .flatten()
        .map(|&(a, b)| u128::from(b.saturating_sub(a)))
        .chain(
            cpu_from
                .iter()
                .flatten()
                .map(|&a| u128::from(m.end.saturating_sub(a))),
        )
        .sum::<u128>()
        .max(1);
    let buckets = (u128::from(BUDGET) * u128::from(span) / covered).min(u128::from(MAX_BUCKETS));
    if buckets < u128::from(MIN_BUCKETS) {
        return None;
    }
    let width = span.div_ceil(buckets as u64).max(1);
    let begin = m.begin;
    let irq_sets: Vec<Vec<(u64, u64)>> = m.cpus.iter().map(|c| union(&c.irqs.span)).collect();
    let no_irqs = Vec::new();
    let irqs_of = |cpu: u32| irq_sets.get(cpu as usize).unwrap_or(&no_irqs);
    let mut cpu_acc: Vec<Acc> = cpu_from
        .iter()
        .map(|f| match f {
            Some(a) => Acc::new(begin, width, *a, m.end),
            None => Acc::new(begin, width, begin, begin),
        })
        .collect();
    // CPU steps of user threads wait for their thread's syscall spans; others are final.
    let mut on_cpu: Vec<Vec<(u32, u64, u64)>> = vec![Vec::new(); m.threads.len()];
    for (ci, c) in m.cpus.iter().enumerate() {
        let cpu = ci as u32;
        for (s, e, th) in c.current.steps(0, u64::MAX, m.end) {
            let base = match m.threads.get(th as usize) {
                None => Some(Shade::Unknown),
                _ if th == NO_THREAD => Some(Shade::Unknown),
                Some(t) if t.idle_cpu.is_some() => None,
                Some(t) if t.kernel => Some(Shade::Syscall),
                Some(_) => {
                    on_cpu[th as usize].push((cpu, s, e));
                    continue;
                }
            };
            let acc = &mut cpu_acc[ci];
            refine(s, e, base, &[], irqs_of(cpu), &mut |a, b, sh| {
                acc.add(a, b, sh)
            });
        }
    }
    let mut threads = Vec::with_capacity(m.threads.len());
    for (th, t) in m.threads.iter().enumerate() {
        let runs = std::mem::take(&mut on_cpu[th]);
        let sys = union(&t.syscalls.span);
        for (cpu, s, e) in runs {
            if let Some(acc) = cpu_acc.get_mut(cpu as usize) {
                refine(
                    s,
                    e,
                    Some(Shade::User),
                    &sys,
                    irqs_of(cpu),
                    &mut |a, b, sh| acc.add(a, b, sh),
                );
            }
        }
        let Some((from, to)) = extents[th] else {
            threads.push(RowSummary::default());
            continue;
        };
        let mut acc = Acc::new(begin, width, from, to);
        for (s, e, code) in t.states.steps(0, u64::MAX, m.end) {
            let shade = sched_shade(code);
            if SchedState::from_code(code) == SchedState::Running {
                refine(s, e, shade, &sys, irqs_of(code >> 8), &mut |a, b, sh| {
                    acc.add(a, b, sh)
                });
            } else {
                acc.add(s, e, shade);
            }
        }
        threads.push(acc.finish());
    }
    Some(Summary {
        generation,
        begin,
        width,
        threads,
        cpus: cpu_acc.into_iter().map(Acc::finish).collect(),
    })
}

/// The summary the UI holds, and what it asked for.
#[derive(Debug, Clone, Default)]
pub struct SummaryState {
    /// The newest summary received.
    pub current: Option<Arc<Summary>>,
    /// The model generation last asked for.
    pub asked: Option<u64>,
    /// A request is out.
    pub building: bool,
}

/// Serves summary requests, newest first: older queued ones are skipped unanswered.
pub(crate) fn summary_thread(rx: &Receiver<Request>, tx: &Sender<Update>) {
    while let Ok(first) = rx.recv() {
        let newest = rx.try_iter().last().unwrap_or(first);
        let Request::Summary { generation, model } = newest else {
            continue;
        };
        let summary = build(&model, generation).map(Arc::new);
        if tx
            .send(Update::Summary {
                generation,
                summary,
            })
            .is_err()
        {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn intervals(spans: &[(u64, u64)]) -> Intervals {
        let mut iv = Intervals::default();
        for &(b, e) in spans {
            iv.push(b, e);
        }
        iv
    }

    #[test]
    fn union_merges_nested_and_touching_spans() {
        let iv = intervals(&[(1, 5), (2, 3), (5, 7), (9, 9), (10, 12)]);
        assert_eq!(union(&iv), vec![(1, 7), (10, 12)]);
    }

    #[test]
    fn refine_puts_interrupts_over_syscalls_over_the_base() {
        let mut out = Vec::new();
        refine(
            0,
            100,
            Some(Shade::User),
            &[(10, 30), (50, 60)],
            &[(20, 25), (55, 70)],
            &mut |a, b, s| out.push((a, b, s)),
        );
        let u = Some(Shade::User);
        let sc = Some(Shade::Syscall);
        let irq = Some(Shade::Irq);
        assert_eq!(
            out,
            vec![
                (0, 10, u),
                (10, 20, sc),
                (20, 25, irq),
                (25, 30, sc),
                (30, 50, u),
                (50, 55, sc),
                (55, 70, irq),
                (70, 100, u)
            ]
        );
    }
}

//! The samples behind the Latency tab's histograms: the same samples the `*freq` analyses
//! bucket (complete syscalls as `syscallstats` counts them, block requests as
//! `iolatencyfreq`'s disk series, wake-up latencies as `schedfreq`, interrupts as
//! `irqfreq`), kept as compact references into the model so that a histogram of millions of
//! samples costs no string; [`super::latency_instances`] describes the few shown.

use std::collections::HashMap;

use super::common::Range;
use super::io::disk_name;
use super::irq::irq_name;
use crate::model::{IrqKind, Model, NO_THREAD, SchedState};

/// What a histogram is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum LatencyKind {
    /// Entry to exit of complete system calls.
    #[default]
    Syscall,
    /// Issue to completion of block requests.
    Block,
    /// Wake-up to switch-in.
    Sched,
    /// Entry to exit of hard IRQs and softirqs.
    Irq,
}

impl LatencyKind {
    /// The name commands use (`latency_kind block`).
    pub fn name(self) -> &'static str {
        match self {
            LatencyKind::Syscall => "syscall",
            LatencyKind::Block => "block",
            LatencyKind::Sched => "sched",
            LatencyKind::Irq => "irq",
        }
    }

    /// The kind a command names.
    pub fn from_name(name: &str) -> Option<LatencyKind> {
        [
            LatencyKind::Syscall,
            LatencyKind::Block,
            LatencyKind::Sched,
            LatencyKind::Irq,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }

    /// The groups its samples fall in, after "all" in the series order (known before any
    /// sample is, so a key can pick one while the first histogram is computed).
    pub fn groups(self) -> &'static [&'static str] {
        match self {
            LatencyKind::Block => &["reads", "writes"],
            LatencyKind::Irq => &["hard IRQs", "softirqs"],
            LatencyKind::Syscall | LatencyKind::Sched => &[],
        }
    }

    /// The histogram's title.
    pub fn title(self) -> &'static str {
        match self {
            LatencyKind::Syscall => "Syscall latency",
            LatencyKind::Block => "Block I/O latency",
            LatencyKind::Sched => "Scheduling latency",
            LatencyKind::Irq => "IRQ duration",
        }
    }
}

/// One measured interval, by reference into the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Start, ns.
    pub begin: u64,
    /// End, ns.
    pub end: u64,
    /// The finest series it belongs to (index into [`Samples::series`]).
    pub series: u32,
    /// Its group (block: 0 read, 1 write; IRQs: 0 hard, 1 soft; others 0).
    pub group: u8,
    /// Thread index (syscall, sched), CPU index (IRQ) or unused (block).
    pub(super) owner: u32,
    /// Index in the owner's list (or in the block list).
    pub(super) index: u32,
}

impl Sample {
    /// Duration, ns.
    pub fn dur(&self) -> u64 {
        self.end - self.begin
    }
}

/// Every sample of one kind over a range, with the names of its series.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// What they measure.
    pub kind: LatencyKind,
    /// Labels of the finest series, as the `*freq` analyses name their tables where they
    /// have one (`sda`, `TID: 42`, `ahci (14)`), or the syscall name.
    pub series: Vec<String>,
    /// Group labels (block: reads, writes; IRQs: hard, soft).
    pub groups: Vec<String>,
    /// The samples, unordered.
    pub items: Vec<Sample>,
}

/// The label of every sample.
pub const ALL: &str = "all";

/// Interns series keys into dense ids.
struct SeriesIds<K> {
    ids: HashMap<K, u32>,
    labels: Vec<String>,
}

impl<K: std::hash::Hash + Eq> SeriesIds<K> {
    fn new() -> Self {
        SeriesIds {
            ids: HashMap::new(),
            labels: Vec::new(),
        }
    }

    fn id(&mut self, key: K, label: impl FnOnce() -> String) -> u32 {
        let next = self.labels.len() as u32;
        *self.ids.entry(key).or_insert_with(|| {
            self.labels.push(label());
            next
        })
    }
}

/// Collects the samples of `kind` whose end is in `range`.
pub fn collect(m: &Model, range: Range, kind: LatencyKind) -> Samples {
    let (series, groups, items) = match kind {
        LatencyKind::Syscall => syscalls(m, range),
        LatencyKind::Block => block(m, range),
        LatencyKind::Sched => sched(m, range),
        LatencyKind::Irq => irqs(m, range),
    };
    Samples {
        kind,
        series,
        groups,
        items,
    }
}

type Collected = (Vec<String>, Vec<String>, Vec<Sample>);

fn groups(kind: LatencyKind) -> Vec<String> {
    kind.groups().iter().map(|g| (*g).to_owned()).collect()
}

fn syscalls(m: &Model, r: Range) -> Collected {
    let mut ids = SeriesIds::new();
    let mut out = Vec::new();
    for (ti, t) in m.threads.iter().enumerate() {
        if t.idle_cpu.is_some() {
            continue;
        }
        let s = &t.syscalls;
        for i in s.span.candidates(r.begin, r.end) {
            if s.complete(i) && r.contains(s.span.end(i)) {
                let name = s.name(i);
                out.push(Sample {
                    begin: s.span.begin(i),
                    end: s.span.end(i),
                    series: ids.id(name, || m.strings.get(name).to_owned()),
                    group: 0,
                    owner: ti as u32,
                    index: i as u32,
                });
            }
        }
    }
    (ids.labels, Vec::new(), out)
}

fn block(m: &Model, r: Range) -> Collected {
    let b = &m.block;
    let mut ids = SeriesIds::new();
    let mut out = Vec::new();
    for i in 0..b.span.len() {
        let end = b.span.end(i);
        if b.nr_sector[i] > 0 && r.contains(end) {
            let dev = b.dev[i];
            out.push(Sample {
                begin: b.span.begin(i),
                end,
                series: ids.id(dev, || disk_name(m, dev)),
                group: u8::from(b.write[i]),
                owner: NO_THREAD,
                index: i as u32,
            });
        }
    }
    (ids.labels, groups(LatencyKind::Block), out)
}

/// Wake-ups only, as `schedfreq` counts them: a wait after a preemption (the thread was
/// running just before) or from a fork is not a wake-up latency.
fn sched(m: &Model, r: Range) -> Collected {
    let mut ids = SeriesIds::new();
    let mut out = Vec::new();
    for (ti, t) in m.threads.iter().enumerate() {
        if t.idle_cpu.is_some() {
            continue;
        }
        let l = &t.wakeups;
        for i in l.span.candidates(r.begin, r.end) {
            let (w, s) = (l.span.begin(i), l.span.end(i));
            if !r.contains(s) {
                continue;
            }
            let before = t.states.at(w.saturating_sub(1)).map(SchedState::from_code);
            if before == Some(SchedState::Running) || t.born == Some(w) {
                continue;
            }
            out.push(Sample {
                begin: w,
                end: s,
                series: ids.id(t.tid, || format!("TID: {}", t.tid)),
                group: 0,
                owner: ti as u32,
                index: i as u32,
            });
        }
    }
    (ids.labels, Vec::new(), out)
}

fn irqs(m: &Model, r: Range) -> Collected {
    let mut ids = SeriesIds::new();
    let mut out = Vec::new();
    for (ci, c) in m.cpus.iter().enumerate() {
        let l = &c.irqs;
        for i in l.span.candidates(r.begin, r.end) {
            let end = l.span.end(i);
            if !r.contains(end) {
                continue;
            }
            let (kind, nr) = (l.kind[i], l.number[i]);
            out.push(Sample {
                begin: l.span.begin(i),
                end,
                series: ids.id((kind, nr), || format!("{} ({nr})", irq_name(m, kind, nr))),
                group: u8::from(kind == IrqKind::Soft),
                owner: ci as u32,
                index: i as u32,
            });
        }
    }
    (ids.labels, groups(LatencyKind::Irq), out)
}

impl Samples {
    /// The series one can pick, in cycling order: every sample, the groups, then the finest
    /// series by name.
    pub fn labels(&self) -> Vec<String> {
        let mut finest = self.series.clone();
        finest.sort_by_cached_key(|l| natural_key(l));
        std::iter::once(ALL.to_owned())
            .chain(self.groups.iter().cloned())
            .chain(finest)
            .collect()
    }

    /// The samples of the series labelled `label` (every sample for `None`, [`ALL`] or a
    /// label not present in this range) and the label actually used. Takes the samples
    /// rather than copying them: on a big trace they are hundreds of megabytes.
    pub fn select(self, label: Option<&str>) -> (Option<String>, Vec<Sample>) {
        let label = label.filter(|l| *l != ALL);
        let group = label.and_then(|l| self.groups.iter().position(|x| x == l));
        let series = label.and_then(|l| self.series.iter().position(|x| x == l));
        let mut items = self.items;
        match (group, series) {
            (Some(g), _) => items.retain(|s| usize::from(s.group) == g),
            (None, Some(id)) => items.retain(|s| s.series as usize == id),
            (None, None) => return (None, items),
        }
        (label.map(str::to_owned), items)
    }
}

/// A sort key that orders the numbers inside labels by value (`TID: 9` before `TID: 10`).
fn natural_key(label: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in label.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                out.push((
                    std::mem::take(&mut text),
                    digits.parse().unwrap_or(u64::MAX),
                ));
                digits.clear();
            }
            text.push(c);
        }
    }
    out.push((text, digits.parse().unwrap_or(0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_sort_numbers_by_value() {
        let mut v = vec![
            "TID: 120",
            "TID: 9",
            "TID: 11",
            "ahci (14)",
            "ahci (2)",
            "read",
        ];
        v.sort_by_cached_key(|l| natural_key(l));
        assert_eq!(
            v,
            [
                "TID: 9",
                "TID: 11",
                "TID: 120",
                "ahci (2)",
                "ahci (14)",
                "read"
            ]
        );
    }
}

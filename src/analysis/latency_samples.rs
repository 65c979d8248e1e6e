//! The samples behind the Latency tab's histograms, and what each one was: the same samples
//! the `*freq` analyses bucket (complete syscalls as `syscallstats` counts them, block
//! requests as `iolatencyfreq`'s disk series, wake-up latencies as `schedfreq`, interrupts as
//! `irqfreq`), kept as compact references into the model so that a histogram of millions of
//! samples costs no string, and only the instances shown are described in words.

use std::collections::HashMap;

use super::common::{Range, thread_name};
use super::io::disk_name;
use super::irq::irq_name;
use crate::model::{FdEntry, FdKind, IrqKind, Model, NO_THREAD, SchedState};

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
    owner: u32,
    /// Index in the owner's list (or in the block list).
    index: u32,
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

/// One sample in words, for the list under the histogram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Start, ns.
    pub begin: u64,
    /// End, ns.
    pub end: u64,
    /// The thread to show in Control flow (model index): the caller, issuer, woken or
    /// interrupted thread.
    pub thread: Option<u32>,
    /// That thread's name and TID (`mysqld 2101`), or `?`.
    pub who: String,
    /// What it was: syscall and its fd's file or peer; block device, direction, size and
    /// sector; CPU and who held it; interrupt and CPU.
    pub what: String,
}

impl Instance {
    /// Duration, ns.
    pub fn dur(&self) -> u64 {
        self.end - self.begin
    }
}

/// Bytes in binary units (`1 MiB`, `12 KiB`, `700 B`).
pub fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} B")
    }
}

fn who(m: &Model, th: u32, at: u64) -> (Option<u32>, String) {
    match m.threads.get(th as usize) {
        Some(t) => {
            let name = thread_name(m, t, at);
            let name = if name.is_empty() { "?" } else { &name };
            (Some(th), format!("{name} {}", t.tid))
        }
        None => (None, "?".to_owned()),
    }
}

/// The thread current on CPU index `ci` at `t`.
fn current_on(m: &Model, ci: usize, t: u64) -> Option<u32> {
    m.cpus
        .get(ci)
        .and_then(|c| c.current.at(t))
        .filter(|&th| (th as usize) < m.threads.len())
}

/// Socket family names for the families traces show.
fn family_name(f: u16) -> Option<&'static str> {
    match f {
        1 => Some("AF_UNIX"),
        2 => Some("AF_INET"),
        10 => Some("AF_INET6"),
        16 => Some("AF_NETLINK"),
        _ => None,
    }
}

/// Every fd lifetime by (process index, fd number), in opening order: a process that
/// opened millions of files must not make each lookup scan them all.
#[derive(Debug, Default)]
pub struct FdLifetimes {
    map: HashMap<(u32, i32), Vec<u32>>,
}

impl FdLifetimes {
    /// Indexes every process's fd history.
    pub fn new(m: &Model) -> FdLifetimes {
        let mut map: HashMap<(u32, i32), Vec<u32>> = HashMap::new();
        for (pi, p) in m.processes.iter().enumerate() {
            for (hi, e) in p.fds.history.iter().enumerate() {
                map.entry((pi as u32, e.fd)).or_default().push(hi as u32);
            }
        }
        FdLifetimes { map }
    }

    /// The lifetime of `fd` of process index `pi` open at `at` (the latest opened then).
    fn at<'m>(&self, m: &'m Model, pi: u32, fd: i32, at: u64) -> Option<&'m FdEntry> {
        let h = &m.processes.get(pi as usize)?.fds.history;
        let list = self.map.get(&(pi, fd))?;
        let opened_by_then =
            list.partition_point(|&i| h.get(i as usize).is_some_and(|e| e.opened <= at));
        list[..opened_by_then]
            .iter()
            .rev()
            .filter_map(|&i| h.get(i as usize))
            .find(|e| at < e.closed)
    }
}

/// What fd `fd` of thread index `th` was at `at`: the path, or for a socket its family and
/// peer address once connected (the entry open then: fd numbers are reused after close).
pub fn fd_target(m: &Model, fds: &FdLifetimes, th: u32, fd: i32, at: u64) -> Option<String> {
    if fd < 0 {
        return None;
    }
    let t = m.threads.get(th as usize)?;
    let e = fds.at(m, t.process?, fd, at)?;
    let name = m.strings.get(e.name);
    Some(match (e.kind, family_name(e.family)) {
        (FdKind::Socket, Some(f)) if name == "socket" => f.to_owned(),
        (FdKind::Socket, Some(f)) => format!("{f} {name}"),
        _ => name.to_owned(),
    })
}

/// Describes samples of one kind; for block requests it indexes the requests by issue time
/// once, to tell what each one queued behind.
#[derive(Debug)]
pub struct Describer<'m> {
    m: &'m Model,
    kind: LatencyKind,
    /// Block request indices by issue time.
    by_issue: Vec<u32>,
    /// The longest block request, ns (bounds the search for those in flight).
    longest: u64,
    /// Fd lifetimes (syscalls).
    fds: FdLifetimes,
}

impl<'m> Describer<'m> {
    /// A describer of `kind` samples of `m`.
    pub fn new(m: &'m Model, kind: LatencyKind) -> Describer<'m> {
        let b = &m.block;
        let (by_issue, longest) = if kind == LatencyKind::Block {
            let mut v: Vec<u32> = (0..b.span.len() as u32).collect();
            v.sort_by_key(|&i| b.span.begin(i as usize));
            let longest = (0..b.span.len()).map(|i| b.span.dur(i)).max().unwrap_or(0);
            (v, longest)
        } else {
            (Vec::new(), 0)
        };
        let fds = if kind == LatencyKind::Syscall {
            FdLifetimes::new(m)
        } else {
            FdLifetimes::default()
        };
        Describer {
            m,
            kind,
            by_issue,
            longest,
            fds,
        }
    }

    /// `s` in words.
    pub fn describe(&self, s: &Sample) -> Instance {
        let mut x = describe(self.m, &self.fds, self.kind, s);
        let i = s.index as usize;
        if self.kind == LatencyKind::Block
            && let Some(q) = self.queue(i)
        {
            // The queue before the device and sector: it is the cause, and it must survive
            // a narrow terminal cutting the line.
            let (head, tail) = block_parts(self.m, i);
            x.what = format!("{head} {q}, {tail}");
        }
        x
    }

    /// What block request `i` found in flight on its device when issued: how many, and the
    /// issuer of most of their bytes and how much (`behind 15: 15×1 MiB kworker/u8:2 120`).
    fn queue(&self, i: usize) -> Option<String> {
        let b = &self.m.block;
        let (t0, dev) = (b.span.begin(i), *b.dev.get(i)?);
        let from = t0.saturating_sub(self.longest);
        let start = self
            .by_issue
            .partition_point(|&j| b.span.begin(j as usize) < from);
        let mut n = 0u64;
        // Per issuer: requests, bytes, and the size when they all have the same.
        let mut per: HashMap<u32, (u64, u64, Option<u64>)> = HashMap::new();
        for &j in &self.by_issue[start..] {
            let j = j as usize;
            if b.span.begin(j) >= t0 {
                break;
            }
            if j == i || b.dev.get(j) != Some(&dev) || b.span.end(j) < t0 {
                continue;
            }
            n += 1;
            let th = b.thread.get(j).copied().unwrap_or(NO_THREAD);
            let size = u64::from(b.nr_sector.get(j).copied().unwrap_or(0)) * 512;
            let e = per.entry(th).or_insert((0, 0, Some(size)));
            e.0 += 1;
            e.1 += size;
            if e.2 != Some(size) {
                e.2 = None;
            }
        }
        if n == 0 {
            return Some("queue empty".to_owned());
        }
        let (&th, &(k, total, same)) = per
            .iter()
            .max_by_key(|(th, e)| (e.1, std::cmp::Reverse(**th)))?;
        let amount = match same {
            Some(size) => format!("{k}×{}", size_text(size)),
            None => size_text(total),
        };
        Some(format!("behind {n}: {amount} {}", who(self.m, th, t0).1))
    }
}

/// Block request `i` as (`read 16 KiB`, `nvme0n1 @2883944`).
fn block_parts(m: &Model, i: usize) -> (String, String) {
    let b = &m.block;
    let dir = if b.write.get(i).copied().unwrap_or(false) {
        "write"
    } else {
        "read"
    };
    let bytes = u64::from(b.nr_sector.get(i).copied().unwrap_or(0)) * 512;
    let head = format!("{dir} {}", size_text(bytes));
    let tail = format!(
        "{} @{}",
        disk_name(m, b.dev.get(i).copied().unwrap_or(0)),
        b.sector.get(i).copied().unwrap_or(0)
    );
    (head, tail)
}

/// Describes `s`, a sample of `kind` from `m` (block requests without their queue: see
/// [`Describer`]).
fn describe(m: &Model, fds: &FdLifetimes, kind: LatencyKind, s: &Sample) -> Instance {
    let (thread, who, what) = match kind {
        LatencyKind::Syscall => {
            let (thread, who) = who(m, s.owner, s.begin);
            let what = match m.threads.get(s.owner as usize) {
                Some(t) => {
                    let l = &t.syscalls;
                    let i = s.index as usize;
                    let name = m.strings.get(l.name(i));
                    let fd = l.fd(i);
                    match (fd >= 0, fd_target(m, fds, s.owner, fd, s.begin)) {
                        (true, Some(target)) => format!("{name} fd {fd} {target}"),
                        (true, None) => format!("{name} fd {fd}"),
                        (false, _) => name.to_owned(),
                    }
                }
                None => String::new(),
            };
            (thread, who, what)
        }
        LatencyKind::Block => {
            let b = &m.block;
            let i = s.index as usize;
            let issuer = b.thread.get(i).copied().unwrap_or(NO_THREAD);
            let (thread, who) = who(m, issuer, s.begin);
            let (head, tail) = block_parts(m, i);
            (thread, who, format!("{head} {tail}"))
        }
        LatencyKind::Sched => {
            let (thread, who) = who(m, s.owner, s.end);
            let cpu = m
                .threads
                .get(s.owner as usize)
                .and_then(|t| t.wakeups.cpu.get(s.index as usize))
                .copied()
                .unwrap_or(0);
            let ci = m.cpus.iter().position(|c| c.id == u32::from(cpu));
            let held = ci.and_then(|ci| current_on(m, ci, s.begin));
            let what = match held.and_then(|h| m.threads.get(h as usize).map(|t| (h, t))) {
                Some((_, t)) if t.idle_cpu.is_some() => format!("CPU {cpu}, idle at wake-up"),
                Some((h, _)) => format!("CPU {cpu}, held by {}", self::who(m, h, s.begin).1),
                None => format!("CPU {cpu}"),
            };
            (thread, who, what)
        }
        LatencyKind::Irq => {
            let ci = s.owner as usize;
            let held = current_on(m, ci, s.begin);
            let (thread, who) = match held {
                Some(h) => who(m, h, s.begin),
                None => (None, "?".to_owned()),
            };
            let cpu = m.cpus.get(ci).map_or(0, |c| c.id);
            let i = s.index as usize;
            let irq = m
                .cpus
                .get(ci)
                .and_then(|c| Some((*c.irqs.kind.get(i)?, *c.irqs.number.get(i)?)));
            let what = match irq {
                Some((k, nr)) => {
                    let label = match k {
                        IrqKind::Hard => "irq",
                        IrqKind::Soft => "softirq",
                    };
                    format!("{label} {nr} {} on CPU {cpu}", irq_name(m, k, nr))
                }
                None => String::new(),
            };
            (thread, who, what)
        }
    };
    Instance {
        begin: s.begin,
        end: s.end,
        thread,
        who,
        what,
    }
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
        assert_eq!(size_text(1 << 20), "1 MiB");
        assert_eq!(size_text(16 * 1024), "16 KiB");
        assert_eq!(size_text(700), "700 B");
    }
}

//! The Latency tab's instances in words: for a syscall its name and fd resolved to a file
//! or socket family and peer; for a block request its direction, size, device, sector and
//! what it queued behind; for a wake-up the CPU and who held it; for an interrupt its name
//! and CPU. Only the instances listed are described, so the indexes built here are built
//! once per answer.

use std::collections::HashMap;

use super::common::thread_name;
use super::io::disk_name;
use super::irq::irq_name;
use super::latency_samples::{LatencyKind, Sample};
use crate::model::{FdEntry, FdKind, IrqKind, Model, NO_THREAD};

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
            .take(crate::analysis::iolat::LOOKBACK)
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
    fn sizes_in_binary_units() {
        assert_eq!(size_text(1 << 20), "1 MiB");
        assert_eq!(size_text(16 * 1024), "16 KiB");
        assert_eq!(size_text(700), "700 B");
    }
}

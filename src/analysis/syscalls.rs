//! syscallstats: per-thread system-call statistics (lttng-analyses §4).
//!
//! A call counts when both its entry and exit are in the trace and its exit is in the range
//! (its entry may precede the range). Return values are counted exactly (lttng-analyses
//! counts each distinct value once too many).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::common::{Options, Stats, class, col, thread_name};
use super::table::{Cell, Column, ColumnClass, CompactString, Table, TableClass};
use crate::model::{Model, SchedState, StrId, Thread};

/// Statistics of one syscall name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallStats {
    /// Durations.
    pub stats: Stats,
    /// Return values: `success` or errno name → count.
    pub returns: BTreeMap<String, u64>,
}

/// One thread's calls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TidCalls {
    /// Thread id.
    pub tid: u32,
    /// Process id.
    pub pid: Option<u32>,
    /// Name.
    pub name: String,
    /// Per syscall name.
    pub calls: BTreeMap<String, CallStats>,
    /// Total calls.
    pub total: u64,
}

/// One syscall name's figures while a TID's calls are gathered: return values (0 for every
/// success) with their counts, turned into names once at the end instead of once per call.
type Gathering<'m> = (&'m str, Stats, Vec<(i64, u64)>);

/// [`Gathering`] keyed by the name's string id, within one thread.
type GatheringById = (StrId, Stats, Vec<(i64, u64)>);

/// A TID's calls while they are gathered, by name in order of first call.
#[derive(Default)]
struct TidGathering<'m> {
    pid: Option<u32>,
    name: String,
    calls: Vec<Gathering<'m>>,
    total: u64,
}

/// Per-thread syscall statistics, by total calls descending.
pub fn compute(m: &Model, o: &Options) -> Vec<TidCalls> {
    gather(m, o)
        .into_iter()
        .map(|(tid, g)| TidCalls {
            tid,
            pid: g.pid,
            name: g.name,
            total: g.total,
            calls: g
                .calls
                .into_iter()
                .map(|(name, stats, rets)| {
                    let returns = returns_by_name(&rets)
                        .into_iter()
                        .map(|(r, n)| (r.into_owned(), n))
                        .collect();
                    (name.to_owned(), CallStats { stats, returns })
                })
                .collect(),
        })
        .collect()
}

/// Each thread's calls with names borrowed from the model, by total calls descending then TID.
/// `run` renders straight from these: thousands of threads with a map of owned names each
/// cost more in allocation than the counting itself.
fn gather<'m>(m: &'m Model, o: &Options) -> Vec<(u32, TidGathering<'m>)> {
    // Per TID, in order of first thread: Fx-hashed, thousands of lookups of small keys.
    let mut by_tid: Vec<(u32, TidGathering)> = Vec::new();
    let mut slots: FxHashMap<u32, usize> = FxHashMap::default();
    // Per TID, its last thread with calls: the one that names it.
    let mut last: Vec<&Thread> = Vec::new();
    // One thread's calls by name id; a thread makes a few dozen different calls, so a scan
    // beats a map, and ids compare faster than names.
    let mut calls: Vec<GatheringById> = Vec::new();
    for t in m.threads.iter().filter(|t| t.idle_cpu.is_none()) {
        if !o.filter.thread(m, t) {
            continue;
        }
        let s = &t.syscalls;
        calls.clear();
        let mut total = 0;
        for i in s.span.candidates(o.range.begin, o.range.end) {
            let end = s.span.end(i);
            if !s.complete(i) || !o.range.contains(end) {
                continue;
            }
            if !o.filter.cpus.is_empty() {
                let cpu = t
                    .states
                    .at(end)
                    .filter(|&c| SchedState::from_code(c) == SchedState::Running);
                if !cpu.is_some_and(|c| o.filter.cpu(c >> 8)) {
                    continue;
                }
            }
            let id = s.name(i);
            let k = match calls.iter().position(|c| c.0 == id) {
                Some(k) => k,
                None => {
                    calls.push((id, Stats::default(), Vec::new()));
                    calls.len() - 1
                }
            };
            let c = &mut calls[k];
            c.1.add(s.span.dur(i));
            let ret = s.ret(i).min(0);
            match c.2.iter_mut().find(|r| r.0 == ret) {
                Some(r) => r.1 += 1,
                None => c.2.push((ret, 1)),
            }
            total += 1;
        }
        if total == 0 {
            continue;
        }
        // A TID reused by a later thread adds to the same figures.
        let slot = *slots.entry(t.tid).or_insert_with(|| {
            by_tid.push((t.tid, TidGathering::default()));
            last.push(t);
            by_tid.len() - 1
        });
        last[slot] = t;
        let e = &mut by_tid[slot].1;
        for (id, stats, rets) in calls.drain(..) {
            let name = m.strings.get(id);
            match e.calls.iter_mut().find(|c| c.0 == name) {
                Some(c) => {
                    c.1.merge(&stats);
                    for (ret, n) in rets {
                        match c.2.iter_mut().find(|r| r.0 == ret) {
                            Some(r) => r.1 += n,
                            None => c.2.push((ret, n)),
                        }
                    }
                }
                None => e.calls.push((name, stats, rets)),
            }
        }
        e.total += total;
        e.pid = e.pid.or(t.pid);
    }
    for ((_, e), t) in by_tid.iter_mut().zip(last) {
        e.name = thread_name(m, t, o.range.end);
    }
    // TIDs are unique: (total, TID) orders them all.
    by_tid.sort_unstable_by(|a, b| b.1.total.cmp(&a.1.total).then(a.0.cmp(&b.0)));
    by_tid
}

/// Counts of return values (0 for every success, else the errno) by name, in name order:
/// distinct values may share a name (`E<n>`).
fn returns_by_name(rets: &[(i64, u64)]) -> Vec<(Cow<'static, str>, u64)> {
    let mut out: Vec<(Cow<str>, u64)> = Vec::with_capacity(rets.len());
    for &(ret, n) in rets {
        let r = ret_name(ret);
        match out.iter_mut().find(|x| x.0 == r) {
            Some(x) => x.1 += n,
            None => out.push((r, n)),
        }
    }
    out.sort_unstable();
    out
}

/// `success` for ret ≥ 0, else the errno name (or `E<n>` for an unlisted one).
pub fn ret_name(ret: i64) -> Cow<'static, str> {
    const NAMES: [&str; 41] = [
        "",
        "EPERM",
        "ENOENT",
        "ESRCH",
        "EINTR",
        "EIO",
        "ENXIO",
        "E2BIG",
        "ENOEXEC",
        "EBADF",
        "ECHILD",
        "EAGAIN",
        "ENOMEM",
        "EACCES",
        "EFAULT",
        "ENOTBLK",
        "EBUSY",
        "EEXIST",
        "EXDEV",
        "ENODEV",
        "ENOTDIR",
        "EISDIR",
        "EINVAL",
        "ENFILE",
        "EMFILE",
        "ENOTTY",
        "ETXTBSY",
        "EFBIG",
        "ENOSPC",
        "ESPIPE",
        "EROFS",
        "EMLINK",
        "EPIPE",
        "EDOM",
        "ERANGE",
        "EDEADLK",
        "ENAMETOOLONG",
        "ENOLCK",
        "ENOSYS",
        "ENOTEMPTY",
        "ELOOP",
    ];
    if ret >= 0 {
        return Cow::Borrowed("success");
    }
    let errno = ret.unsigned_abs();
    let named = match errno {
        104 => Some("ECONNRESET"),
        110 => Some("ETIMEDOUT"),
        111 => Some("ECONNREFUSED"),
        115 => Some("EINPROGRESS"),
        _ => usize::try_from(errno)
            .ok()
            .and_then(|i| NAMES.get(i).copied()),
    };
    named.map_or_else(|| Cow::Owned(format!("E{errno}")), Cow::Borrowed)
}

/// Table classes.
pub fn classes() -> [TableClass; 2] {
    [
        class(
            "per-tid",
            "System call statistics",
            vec![
                col("System call", ColumnClass::Syscall),
                Column::counted("Call count", "calls"),
                col("Minimum duration", ColumnClass::Duration),
                col("Average duration", ColumnClass::Duration),
                col("Maximum duration", ColumnClass::Duration),
                col("Duration standard deviation", ColumnClass::Duration),
                col("Return values", ColumnClass::String),
            ],
        ),
        class(
            "total",
            "Per-TID system call statistics",
            vec![
                col("Process", ColumnClass::Process),
                Column::counted("Total", "calls"),
            ],
        ),
    ]
}

/// Duration cells: min, mean, max, stdev (`unknown` under `min_n` samples).
pub fn stat_cells(s: &Stats, min_n: u64) -> [Cell; 4] {
    [
        Cell::Duration(s.min),
        Cell::Duration(s.mean().round() as u64),
        Cell::Duration(s.max),
        s.stdev(min_n)
            .map_or(Cell::Unknown, |v| Cell::Duration(v.round() as u64)),
    ]
}

/// syscallstats' tables: one per thread, then the totals.
pub fn run(m: &Model, o: &Options) -> Vec<Table> {
    let [per_tid, total] = classes();
    let per_tid = Arc::new(per_tid);
    let (b, e) = o.range.ns();
    let tids = gather(m, o);
    let mut out = Vec::with_capacity(tids.len() + 1);
    let mut tot = Table::new(total, b, e);
    tot.rows.reserve(tids.len());
    for (tid, mut t) in tids {
        let mut tab = Table::new(Arc::clone(&per_tid), b, e);
        let mut subtitle = String::with_capacity(t.name.len() + 24);
        subtitle.push_str(&t.name);
        subtitle.push_str(" (");
        match t.pid {
            Some(p) => subtitle.push_str(itoa::Buffer::new().format(p)),
            None => subtitle.push('?'),
        }
        subtitle.push_str(", TID: ");
        subtitle.push_str(itoa::Buffer::new().format(tid));
        subtitle.push(')');
        tab.subtitle = Some(subtitle);
        t.calls
            .sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        tab.rows.reserve_exact(t.calls.len());
        for (name, stats, returns) in &t.calls {
            let mut text = CompactString::default();
            for (k, (r, n)) in returns_by_name(returns).iter().enumerate() {
                if k > 0 {
                    text.push_str(", ");
                }
                text.push_str(r);
                text.push_str(": ");
                text.push_str(itoa::Buffer::new().format(*n));
            }
            let [min, mean, max, stdev] = stat_cells(stats, 2);
            tab.rows.push(vec![
                Cell::Syscall((*name).into()),
                Cell::Count(stats.count),
                min,
                mean,
                max,
                stdev,
                Cell::Text(text),
            ]);
        }
        out.push(tab);
        tot.rows.push(vec![
            Cell::process(Some(t.name), t.pid.map(i64::from), Some(i64::from(tid))),
            Cell::Count(t.total),
        ]);
    }
    out.push(tot);
    out
}

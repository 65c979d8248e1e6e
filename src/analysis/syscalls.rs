//! syscallstats: per-thread system-call statistics (lttng-analyses §4).
//!
//! A call counts when both its entry and exit are in the trace and its exit is in the range
//! (its entry may precede the range). Return values are counted exactly (lttng-analyses
//! counts each distinct value once too many).

use std::collections::BTreeMap;

use super::common::{Options, Stats, class, col, thread_name};
use super::table::{Cell, Column, ColumnClass, Table, TableClass};
use crate::model::{Model, SchedState};

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
    let mut by_tid: BTreeMap<u32, TidGathering> = BTreeMap::new();
    for t in m.threads.iter().filter(|t| t.idle_cpu.is_none()) {
        if !o.filter.thread(m, t) {
            continue;
        }
        let s = &t.syscalls;
        let lo = s.span.candidates(o.range.begin, o.range.end);
        let mut counted = false;
        for i in lo {
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
            let e = by_tid.entry(t.tid).or_default();
            counted = true;
            // A thread makes a few dozen different calls: a scan beats a map.
            let name = m.strings.get(s.name(i));
            let k = match e.calls.iter().position(|c| c.0 == name) {
                Some(k) => k,
                None => {
                    e.calls.push((name, Stats::default(), Vec::new()));
                    e.calls.len() - 1
                }
            };
            let c = &mut e.calls[k];
            c.1.add(s.span.dur(i));
            let ret = s.ret(i).min(0);
            match c.2.iter_mut().find(|r| r.0 == ret) {
                Some(r) => r.1 += 1,
                None => c.2.push((ret, 1)),
            }
            e.total += 1;
        }
        if counted && let Some(e) = by_tid.get_mut(&t.tid) {
            e.pid = e.pid.or(t.pid);
            e.name = thread_name(m, t, o.range.end);
        }
    }
    let mut out: Vec<TidCalls> = by_tid
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
                    let mut returns = BTreeMap::new();
                    for (ret, n) in rets {
                        *returns.entry(ret_name(ret)).or_default() += n;
                    }
                    (name.to_owned(), CallStats { stats, returns })
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| b.total.cmp(&a.total).then(a.tid.cmp(&b.tid)));
    out
}

/// `success` for ret ≥ 0, else the errno name (or `E<n>` for an unlisted one).
pub fn ret_name(ret: i64) -> String {
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
        return "success".into();
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
    named.map_or_else(|| format!("E{errno}"), str::to_owned)
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
    let (b, e) = o.range.ns();
    let tids = compute(m, o);
    let mut out = Vec::new();
    let mut tot = Table::new(total, b, e);
    for t in &tids {
        let mut tab = Table::new(per_tid.clone(), b, e);
        let pid = t.pid.map_or("?".to_string(), |p| p.to_string());
        tab.subtitle = Some(format!("{} ({pid}, TID: {})", t.name, t.tid));
        let mut calls: Vec<_> = t.calls.iter().collect();
        calls.sort_by(|a, b| b.1.stats.count.cmp(&a.1.stats.count).then(a.0.cmp(b.0)));
        for (name, c) in calls {
            let rets: Vec<String> = c.returns.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let mut row = vec![Cell::Syscall(name.clone()), Cell::Count(c.stats.count)];
            row.extend(stat_cells(&c.stats, 2));
            row.push(Cell::Text(rets.join(", ")));
            tab.rows.push(row);
        }
        out.push(tab);
        tot.rows.push(vec![
            Cell::Process {
                name: Some(t.name.clone()),
                pid: t.pid.map(i64::from),
                tid: Some(i64::from(t.tid)),
            },
            Cell::Count(t.total),
        ]);
    }
    out.push(tot);
    out
}

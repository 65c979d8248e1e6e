//! The Top tab's tables (CPU per thread and per process, syscalls, IRQs, I/O per process and
//! per file) for a time range,
//! computed from the model's interval queries when the model or the selection changes, never
//! while drawing. The Overview's top lists are the first rows of the same tables.

use std::collections::BTreeMap;

use crate::model::{IrqKind, Model, SchedState};

use super::sample::softirq_name;
use super::timefmt;

/// A sortable cell value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SortKey {
    /// A number.
    Num(u64),
    /// Text.
    Text(String),
}

/// One row: the cells shown, their sort keys, and the thread Enter jumps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// Text per column.
    pub cells: Vec<String>,
    /// Sort key per column.
    pub keys: Vec<SortKey>,
    /// Model thread index, for rows about a thread or a process.
    pub thread: Option<u32>,
}

/// A table with its sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Title.
    pub title: &'static str,
    /// Column headers.
    pub headers: &'static [&'static str],
    /// Rows, sorted.
    pub rows: Vec<TableRow>,
    /// Sort column.
    pub sort_col: usize,
    /// Largest first.
    pub descending: bool,
}

impl Table {
    fn new(title: &'static str, headers: &'static [&'static str], sort_col: usize) -> Table {
        Table {
            title,
            headers,
            rows: Vec::new(),
            sort_col,
            descending: true,
        }
    }

    /// Sorts the rows by the current column and direction (ties keep the first column's
    /// order, so the result is deterministic).
    pub fn sort(&mut self) {
        let c = self.sort_col;
        let desc = self.descending;
        self.rows.sort_by(|a, b| {
            let o = a.keys.get(c).cmp(&b.keys.get(c));
            let o = if desc { o.reverse() } else { o };
            o.then_with(|| a.keys.first().cmp(&b.keys.first()))
        });
    }
}

fn row(cells: Vec<String>, keys: Vec<SortKey>, thread: Option<u32>) -> TableRow {
    TableRow {
        cells,
        keys,
        thread,
    }
}

fn dur(ns: u64) -> String {
    timefmt::duration(i64::try_from(ns).unwrap_or(i64::MAX))
}

fn pct(part: u64, whole: u64) -> String {
    format!("{:.1}%", part as f64 * 100.0 / whole.max(1) as f64)
}

/// CPU time of each thread inside `[a, b]`: the running steps clipped to the range.
fn cpu_per_thread(m: &Model, a: u64, b: u64) -> Vec<(u32, u64)> {
    let mut out = Vec::new();
    for (i, t) in m.threads.iter().enumerate() {
        if t.idle_cpu.is_some() {
            continue;
        }
        let ns: u64 = t
            .states
            .steps(a, b, m.end)
            .filter(|&(_, _, code)| SchedState::from_code(code) == SchedState::Running)
            .map(|(s, e, _)| e.min(b).saturating_sub(s.max(a)))
            .sum();
        if ns > 0
            && let Ok(i) = u32::try_from(i)
        {
            out.push((i, ns));
        }
    }
    out
}

fn thread_table(m: &Model, cpu: &[(u32, u64)], span: u64) -> Table {
    let mut t = Table::new(
        "CPU per thread",
        &["TID", "PID", "Name", "CPU time", "%"],
        3,
    );
    let whole = span.saturating_mul(m.cpus.len().max(1) as u64);
    for &(th, ns) in cpu {
        let thread = &m.threads[th as usize];
        let name = thread.name().map_or("", |n| m.strings.get(n)).to_string();
        let pid = thread.pid.unwrap_or(thread.tid);
        t.rows.push(row(
            vec![
                thread.tid.to_string(),
                pid.to_string(),
                name.clone(),
                dur(ns),
                pct(ns, whole),
            ],
            vec![
                SortKey::Num(u64::from(thread.tid)),
                SortKey::Num(u64::from(pid)),
                SortKey::Text(name),
                SortKey::Num(ns),
                SortKey::Num(ns),
            ],
            Some(th),
        ));
    }
    t.sort();
    t
}

fn process_table(m: &Model, cpu: &[(u32, u64)], span: u64) -> Table {
    let mut t = Table::new(
        "CPU per process",
        &["PID", "Name", "Threads", "CPU time", "%"],
        3,
    );
    let whole = span.saturating_mul(m.cpus.len().max(1) as u64);
    // pid -> (representative thread, threads, ns)
    let mut by_pid: BTreeMap<u32, (u32, u64, u64)> = BTreeMap::new();
    for &(th, ns) in cpu {
        let thread = &m.threads[th as usize];
        let pid = thread.pid.unwrap_or(thread.tid);
        let e = by_pid.entry(pid).or_insert((th, 0, 0));
        if thread.tid == pid {
            e.0 = th;
        }
        e.1 += 1;
        e.2 += ns;
    }
    for (pid, (th, n, ns)) in by_pid {
        let name = m.threads[th as usize]
            .name()
            .map_or("", |n| m.strings.get(n))
            .to_string();
        t.rows.push(row(
            vec![
                pid.to_string(),
                name.clone(),
                n.to_string(),
                dur(ns),
                pct(ns, whole),
            ],
            vec![
                SortKey::Num(u64::from(pid)),
                SortKey::Text(name),
                SortKey::Num(n),
                SortKey::Num(ns),
                SortKey::Num(ns),
            ],
            Some(th),
        ));
    }
    t.sort();
    t
}

/// count, total, min, max
type Agg = (u64, u64, u64, u64);

fn add(e: &mut Agg, d: u64) {
    e.2 = if e.0 == 0 { d } else { e.2.min(d) };
    e.0 += 1;
    e.1 += d;
    e.3 = e.3.max(d);
}

fn agg_table(title: &'static str, first: &'static str, rows: BTreeMap<String, Agg>) -> Table {
    static HEADERS_SYS: [&str; 5] = ["Syscall", "Count", "Total", "Average", "Max"];
    static HEADERS_IRQ: [&str; 5] = ["Interrupt", "Count", "Total", "Average", "Max"];
    let headers: &'static [&'static str] = if first == "Syscall" {
        &HEADERS_SYS
    } else {
        &HEADERS_IRQ
    };
    let mut t = Table::new(title, headers, 2);
    for (name, (n, total, _min, max)) in rows {
        let avg = total / n.max(1);
        t.rows.push(row(
            vec![name.clone(), n.to_string(), dur(total), dur(avg), dur(max)],
            vec![
                SortKey::Text(name),
                SortKey::Num(n),
                SortKey::Num(total),
                SortKey::Num(avg),
                SortKey::Num(max),
            ],
            None,
        ));
    }
    t.sort();
    t
}

/// Completed syscalls that begin inside `[a, b]`, per name.
fn syscall_table(m: &Model, a: u64, b: u64) -> Table {
    let mut by_name: BTreeMap<u32, Agg> = BTreeMap::new();
    for (th, t) in m.threads.iter().enumerate() {
        let Ok(th) = u32::try_from(th) else { break };
        for i in m.syscalls_overlapping(th, a, b) {
            if t.syscalls.span.begin(i) >= a && m.syscall_complete(th, i) {
                add(
                    by_name.entry(t.syscalls.name(i)).or_default(),
                    t.syscalls.span.dur(i),
                );
            }
        }
    }
    let named = by_name
        .into_iter()
        .map(|(k, v)| (m.strings.get(k).to_string(), v))
        .collect();
    agg_table("Syscalls", "Syscall", named)
}

/// Interrupts that begin inside `[a, b]`, per kind and line.
fn irq_table(m: &Model, a: u64, b: u64) -> Table {
    let mut by: BTreeMap<(IrqKind, u32), Agg> = BTreeMap::new();
    for c in &m.cpus {
        let l = &c.irqs;
        for i in m.irqs_overlapping(c.id, a, b) {
            if l.span.begin(i) >= a {
                add(
                    by.entry((l.kind[i], l.number[i])).or_default(),
                    l.span.dur(i),
                );
            }
        }
    }
    let named = by
        .into_iter()
        .map(|((kind, n), v)| {
            let name = match kind {
                IrqKind::Hard => {
                    let handler = m
                        .irq_names
                        .iter()
                        .find(|(line, _)| *line == n)
                        .map_or(String::new(), |(_, s)| format!(" {}", m.strings.get(*s)));
                    format!("irq {n}{handler}")
                }
                IrqKind::Soft => format!("softirq {}", softirq_name(n)),
            };
            (name, v)
        })
        .collect();
    agg_table("Interrupts", "Interrupt", named)
}

/// I/O per process and per file from the iousagetop analysis (syscall bytes by fd kind,
/// block bytes), for `[a, b]`.
fn io_tables(m: &Model, a: u64, b: u64) -> [Table; 2] {
    use crate::analysis::common::{Options, Range};
    let usage = crate::analysis::io::compute(m, &Options::new(Range::of(m, Some(a), Some(b))));
    let mut procs = Table::new(
        "I/O per process",
        &[
            "PID",
            "Name",
            "Read",
            "Written",
            "Disk read",
            "Disk written",
        ],
        2,
    );
    for p in usage.procs.values() {
        let (r, w) = (p.read.iter().sum::<u64>(), p.write.iter().sum::<u64>());
        if r + w + p.block[0] + p.block[1] == 0 {
            continue;
        }
        let thread = m.threads.iter().position(|t| t.tid == p.pid);
        procs.rows.push(row(
            vec![
                p.pid.to_string(),
                p.name.clone(),
                bytes(r),
                bytes(w),
                bytes(p.block[0]),
                bytes(p.block[1]),
            ],
            vec![
                SortKey::Num(u64::from(p.pid)),
                SortKey::Text(p.name.clone()),
                SortKey::Num(r),
                SortKey::Num(w),
                SortKey::Num(p.block[0]),
                SortKey::Num(p.block[1]),
            ],
            thread.and_then(|i| u32::try_from(i).ok()),
        ));
    }
    procs.sort();
    let mut files = Table::new("I/O per file", &["File", "Read", "Written"], 1);
    for (name, (r, w, _)) in &usage.files {
        files.rows.push(row(
            vec![name.clone(), bytes(*r), bytes(*w)],
            vec![
                SortKey::Text(name.clone()),
                SortKey::Num(*r),
                SortKey::Num(*w),
            ],
            None,
        ));
    }
    files.sort();
    [procs, files]
}

fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// The Top tables for `[a, b]` (the whole trace when `range` is `None`).
pub fn compute(m: &Model, range: Option<(u64, u64)>) -> Vec<Table> {
    let (a, b) = range.unwrap_or((m.begin, m.end));
    let cpu = cpu_per_thread(m, a, b);
    let span = b.saturating_sub(a);
    let [io_procs, io_files] = io_tables(m, a, b);
    vec![
        thread_table(m, &cpu, span),
        process_table(m, &cpu, span),
        syscall_table(m, a, b),
        irq_table(m, a, b),
        io_procs,
        io_files,
    ]
}

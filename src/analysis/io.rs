//! iousagetop: I/O bytes per process, file, disk and interface (lttng-analyses §3.4).
//!
//! Unlike lttng-analyses, fds returned by `accept`/`accept4` are tracked, statedump fds are
//! classified by their path, and only sockets count as network.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rustc_hash::FxHashMap;

use super::iolat::{FdIndex, FdNames};

use super::common::{Options, class, col, thread_name};
use super::table::{Cell, Column, ColumnClass, Table, TableClass};
use crate::model::fd::FdKind;
use crate::model::store::sysflag;
use crate::model::{Model, NO_THREAD, StrId, Thread};

/// Bytes by class: disk, net, unknown.
pub type Split = [u64; 3];

/// One process's syscall bytes: read and written, each split by fd class.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcIo {
    /// Process id (the TID when unknown).
    pub pid: u32,
    /// Name.
    pub name: String,
    /// Read bytes.
    pub read: Split,
    /// Written bytes.
    pub write: Split,
    /// Block bytes read, written.
    pub block: [u64; 2],
}

/// Per-disk block figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DiskIo {
    /// Sectors.
    pub sectors: u64,
    /// Requests.
    pub requests: u64,
    /// Sum of latencies.
    pub latency_ns: u64,
}

/// A file's (read, written) bytes and its owners (`fd 3 in bash (1234)`).
pub type FileIo = (u64, u64, Vec<String>);

/// Everything iousagetop reports.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    /// Per process.
    pub procs: BTreeMap<u32, ProcIo>,
    /// Per file name: (read, written, owners).
    pub files: BTreeMap<String, FileIo>,
    /// Per disk name.
    pub disks: BTreeMap<String, DiskIo>,
    /// Per interface: (received, sent).
    pub netifs: BTreeMap<String, (u64, u64)>,
}

fn slot(k: FdKind) -> usize {
    match k {
        FdKind::File => 0,
        FdKind::Socket => 1,
        _ => 2,
    }
}

/// The name of a disk from the statedump, else `(major,minor)`.
pub fn disk_name(m: &Model, dev: u32) -> String {
    m.disks.iter().find(|d| d.dev == dev).map_or_else(
        || format!("({},{})", dev >> 20, dev & 0xFFFFF),
        |d| m.strings.get(d.name).to_owned(),
    )
}

/// Computes every usage figure over the range.
pub fn compute(m: &Model, o: &Options) -> Usage {
    let mut u = Usage::default();
    let mut fds = FdNames::new(FdIndex::new(m));
    // Files by name while the calls are counted: hashed (thousands of paths sharing long
    // prefixes make a sorted map's comparisons slow), sorted into `u.files` at the end.
    let mut files: Vec<FileIo> = Vec::new();
    let mut file_slots: FxHashMap<String, usize> = FxHashMap::default();
    // Scratch strings reused across calls: most calls repeat the previous one's file.
    let (mut shown, mut owner) = (String::new(), String::new());
    let completed = completed_block_bytes(m, o);
    // lttng-analyses' I/O commands have no thread filters; ours honour them.
    for (th, t) in m.threads.iter().enumerate() {
        if !o.filter.thread(m, t) {
            continue;
        }
        // One pass over the threads (each is a cache miss or more on a large trace).
        if let Some(done) = &completed {
            add_pending_block(t, done.get(&(th as u32)), &mut u);
        }
        if t.idle_cpu.is_some() {
            continue;
        }
        let pid = t.pid.unwrap_or(t.tid);
        let s = &t.syscalls;
        // The thread's bytes, added to its process once.
        let (mut read_bytes, mut written_bytes, mut any) =
            (Split::default(), Split::default(), false);
        // Its name at each call's end, remade only when it changes.
        let mut comm: Option<(Option<crate::model::StrId>, String)> = None;
        // The (fd, file name, thread name id) of the previous call: a run of calls on one
        // file needs its table key and owner text made once.
        let mut last: Option<(i32, Option<StrId>, Option<StrId>)> = None;
        // The run's (read, written) bytes, added to its file's entry when the run ends.
        let mut pending = (0, 0);
        let mut run_file = None;
        for i in s.span.candidates(o.range.begin, o.range.end) {
            let (f, end) = (s.flags[i], s.span.end(i));
            let dir = f & (sysflag::READ | sysflag::WRITE);
            if dir == 0 || !o.range.contains(end) {
                continue;
            }
            any = true;
            let bytes = s.ret(i).max(0) as u64;
            let kind = FdKind::from_bits(f >> sysflag::KIND_SHIFT);
            // splice/sendfile read from the input fd and write to the output fd: their bytes
            // count on both sides, as lttng-analyses counts them (analyses.md §3.1).
            let transfer = dir == sysflag::READ | sysflag::WRITE;
            let read = dir & sysflag::READ != 0;
            if read {
                read_bytes[slot(kind)] += bytes;
            }
            if transfer {
                let out = s.out_kind(i).unwrap_or(FdKind::Unknown);
                written_bytes[slot(out)] += bytes;
            } else if !read {
                written_bytes[slot(kind)] += bytes;
            }
            let fd = s.fd(i);
            let file = fds.name_id(t.process, fd, end);
            let id = t.name_at(end);
            if last != Some((fd, file, id)) {
                add_to_file(&mut files, run_file, &mut pending);
                last = Some((fd, file, id));
                let name = file.map_or("unknown", |f| m.strings.get(f));
                let comm = match &comm {
                    Some((k, c)) if *k == id => c,
                    _ => &comm.insert((id, thread_name(m, t, end))).1,
                };
                let generic =
                    !name.starts_with('/') && !name.contains(':') || name.starts_with("socket:");
                shown.clear();
                if generic {
                    let _ = write!(shown, "{name} ({comm})");
                } else {
                    shown.push_str(name);
                }
                owner.clear();
                let _ = write!(owner, "fd {fd} in {comm} ({pid})");
                let k = match file_slots.get(shown.as_str()) {
                    Some(&k) => k,
                    None => {
                        files.push(FileIo::default());
                        file_slots.insert(shown.clone(), files.len() - 1);
                        files.len() - 1
                    }
                };
                run_file = Some(k);
                let owners = &mut files[k].2;
                if !owners.contains(&owner) {
                    owners.push(owner.clone());
                }
            }
            if read {
                pending.0 += bytes;
            } else {
                pending.1 += bytes;
            }
        }
        add_to_file(&mut files, run_file, &mut pending);
        if !any {
            continue;
        }
        let p = u.procs.entry(pid).or_insert_with(|| ProcIo {
            pid,
            ..ProcIo::default()
        });
        if t.pid.is_none_or(|p| p == t.tid) || p.name.is_empty() {
            p.name = thread_name(m, t, o.range.end);
        }
        for k in 0..3 {
            p.read[k] += read_bytes[k];
            p.write[k] += written_bytes[k];
        }
    }
    u.files = file_slots
        .into_iter()
        .map(|(name, k)| (name, std::mem::take(&mut files[k])))
        .collect();
    block(m, o, &mut u);
    for n in &m.net_ifs {
        let e = u
            .netifs
            .entry(m.strings.get(n.name).to_owned())
            .or_default();
        for ((at, &len), &sent) in n.packets.at.iter().zip(&n.packets.len).zip(&n.packets.sent) {
            if o.range.contains(at) {
                if sent {
                    e.1 += u64::from(len)
                } else {
                    e.0 += u64::from(len)
                }
            }
        }
    }
    u
}

/// Adds a run of calls' bytes to the entry of its file, `files[k]` (made when the run
/// began).
fn add_to_file(files: &mut [FileIo], k: Option<usize>, pending: &mut (u64, u64)) {
    if let Some(e) = k.and_then(|k| files.get_mut(k)) {
        e.0 += pending.0;
        e.1 += pending.1;
    }
    *pending = (0, 0);
}

/// Per thread index, the bytes of its block requests issued in the range and completed,
/// when the range covers the whole trace (`None` otherwise): the model keeps completed
/// requests only, and the rest of a thread's issue totals were still pending at the end.
fn completed_block_bytes(m: &Model, o: &Options) -> Option<FxHashMap<u32, [u64; 2]>> {
    if o.range.begin > m.begin || o.range.end < m.end {
        return None;
    }
    let b = &m.block;
    let mut completed: FxHashMap<u32, [u64; 2]> = FxHashMap::default();
    for i in 0..b.span.len() {
        if o.range.contains(b.span.begin(i)) && b.nr_sector[i] > 0 && b.thread[i] != NO_THREAD {
            completed.entry(b.thread[i]).or_default()[usize::from(b.write[i])] +=
                u64::from(b.nr_sector[i]) * 512;
        }
    }
    Some(completed)
}

/// Adds what `t` issued but did not see completed (`done`) to its process.
fn add_pending_block(t: &Thread, done: Option<&[u64; 2]>, u: &mut Usage) {
    let done = done.copied().unwrap_or_default();
    let pending = [
        t.block[0].saturating_sub(done[0]),
        t.block[1].saturating_sub(done[1]),
    ];
    if pending == [0, 0] {
        return;
    }
    let pid = t.pid.unwrap_or(t.tid);
    let p = u.procs.entry(pid).or_insert_with(|| ProcIo {
        pid,
        ..ProcIo::default()
    });
    p.block[0] += pending[0];
    p.block[1] += pending[1];
}

/// Block requests issued in the range: per issuing process (threads passing the filters)
/// and per disk (every request: a disk's load does not depend on who is looked at).
fn block(m: &Model, o: &Options, u: &mut Usage) {
    let b = &m.block;
    for i in 0..b.span.len() {
        let issue = b.span.begin(i);
        if !o.range.contains(issue) || b.nr_sector[i] == 0 {
            continue;
        }
        let bytes = u64::from(b.nr_sector[i]) * 512;
        let th = b.thread[i];
        if th != NO_THREAD
            && let Some(t) = m.threads.get(th as usize)
            && o.filter.thread(m, t)
        {
            let pid = t.pid.unwrap_or(t.tid);
            let p = u.procs.entry(pid).or_insert_with(|| ProcIo {
                pid,
                ..ProcIo::default()
            });
            if p.name.is_empty() {
                p.name = thread_name(m, t, issue);
            }
            p.block[usize::from(b.write[i])] += bytes;
        }
        let d = u.disks.entry(disk_name(m, b.dev[i])).or_default();
        d.sectors += u64::from(b.nr_sector[i]);
        d.requests += 1;
        d.latency_ns += b.span.dur(i);
    }
}

/// Table classes of iousagetop.
pub fn classes() -> Vec<TableClass> {
    let size = |t: &str| col(t, ColumnClass::Size);
    vec![
        class(
            "per-process-top",
            "Per-process top I/O operations",
            vec![
                col("Process", ColumnClass::Process),
                size("Size"),
                size("Disk size"),
                size("Net size"),
                size("Unknown size"),
            ],
        ),
        class(
            "per-file-top",
            "Per-file top I/O operations",
            vec![
                col("Path", ColumnClass::Path),
                size("Size"),
                col("File descriptor owners", ColumnClass::String),
            ],
        ),
        class(
            "per-process-top-block",
            "Per-process top block I/O operations",
            vec![col("Process", ColumnClass::Process), size("Size")],
        ),
        class(
            "per-disk-top-sector",
            "Per-disk top sector I/O operations",
            vec![
                col("Disk", ColumnClass::Disk),
                Column::counted("Sector count", "sectors"),
            ],
        ),
        class(
            "per-disk-top-request",
            "Per-disk top I/O operations",
            vec![
                col("Disk", ColumnClass::Disk),
                Column::counted("Request count", "I/O requests"),
            ],
        ),
        class(
            "per-disk-top-rps",
            "Per-disk request latency",
            vec![
                col("Disk", ColumnClass::Disk),
                col("Mean request latency", ColumnClass::Duration),
            ],
        ),
        class(
            "per-netif-top",
            "Per-network interface top I/O operations",
            vec![col("Network interface", ColumnClass::Netif), size("Size")],
        ),
    ]
}

fn proc_cell(p: &ProcIo) -> Cell {
    Cell::process(Some(p.name.clone()), Some(i64::from(p.pid)), None)
}

/// Sorts items by a key descending (ties in their given order), drops zero keys when asked,
/// applies the limit, and only then makes the kept items' rows: a trace with thousands of
/// files shows ten of them.
fn top<K>(
    o: &Options,
    mut keyed: Vec<(u64, K)>,
    keep_zero: bool,
    row: impl FnMut(K) -> Vec<Cell>,
) -> Vec<Vec<Cell>> {
    keyed.retain(|r| keep_zero || r.0 > 0);
    keyed.sort_by_key(|r| std::cmp::Reverse(r.0));
    o.limit(&mut keyed);
    keyed.into_iter().map(|r| r.1).map(row).collect()
}

/// iousagetop's tables.
pub fn run(m: &Model, o: &Options) -> Vec<Table> {
    let u = compute(m, o);
    let c = classes();
    let (b, e) = o.range.ns();
    let table = |i: usize, sub: Option<&str>, rows: Vec<Vec<Cell>>| {
        let mut t = Table::new(c[i].clone(), b, e);
        t.subtitle = sub.map(str::to_owned);
        t.rows = rows;
        t
    };
    let mut out = Vec::new();
    for (sub, pick) in [("read", 0usize), ("written", 1)] {
        let keyed = u
            .procs
            .values()
            .filter(|p| p.read.iter().chain(&p.write).any(|&x| x > 0))
            .map(|p| {
                let s = if pick == 0 { p.read } else { p.write };
                (s.iter().sum::<u64>(), (p, s))
            })
            .collect();
        let rows = top(o, keyed, true, |(p, s)| {
            vec![
                proc_cell(p),
                Cell::Size(s.iter().sum()),
                Cell::Size(s[0]),
                Cell::Size(s[1]),
                Cell::Size(s[2]),
            ]
        });
        out.push(table(0, Some(sub), rows));
    }
    for (sub, pick) in [("read", 0usize), ("written", 1)] {
        let keyed = u
            .files
            .iter()
            .map(|(name, f)| (if pick == 0 { f.0 } else { f.1 }, (name, f)))
            .collect();
        let rows = top(o, keyed, false, |(name, f)| {
            let v = if pick == 0 { f.0 } else { f.1 };
            vec![
                Cell::Path(name.as_str().into()),
                Cell::Size(v),
                Cell::Text(f.2.join(", ").into()),
            ]
        });
        out.push(table(1, Some(sub), rows));
    }
    for (sub, pick) in [("read", 0usize), ("written", 1)] {
        let keyed = u.procs.values().map(|p| (p.block[pick], p)).collect();
        let rows = top(o, keyed, false, |p| {
            vec![proc_cell(p), Cell::Size(p.block[pick])]
        });
        out.push(table(2, Some(sub), rows));
    }
    let disk = |f: &dyn Fn(&DiskIo) -> (u64, Cell)| {
        let keyed = u.disks.iter().map(|(n, d)| (f(d).0, (n, d))).collect();
        top(o, keyed, false, |(n, d)| {
            vec![Cell::Disk(n.as_str().into()), f(d).1]
        })
    };
    out.push(table(
        3,
        None,
        disk(&|d| (d.sectors, Cell::Count(d.sectors))),
    ));
    out.push(table(
        4,
        None,
        disk(&|d| (d.requests, Cell::Count(d.requests))),
    ));
    let mean = |d: &DiskIo| d.latency_ns / d.requests.max(1);
    out.push(table(
        5,
        None,
        disk(&|d| (mean(d), Cell::Duration(mean(d)))),
    ));
    for (sub, pick) in [("received", 0usize), ("sent", 1)] {
        let keyed = u
            .netifs
            .iter()
            .map(|(n, v)| {
                let x = if pick == 0 { v.0 } else { v.1 };
                (x, (n, x))
            })
            .collect();
        let rows = top(o, keyed, true, |(n, x)| {
            vec![Cell::Netif(n.as_str().into()), Cell::Size(x)]
        });
        out.push(table(6, Some(sub), rows));
    }
    out
}

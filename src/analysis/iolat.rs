//! iolatencystats, iolatencytop, iolog, iolatencyfreq: I/O request latencies (§3.4).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::common::{Options, Stats, class, col, thread_name_cow};
use super::freq::freq_tables;
use super::io::disk_name;
use super::syscalls::stat_cells;
use super::table::{Cell, Column, ColumnClass, Process, Table, TableClass};
use crate::model::{Model, StrId};

/// Request categories of lttng-analyses §3.1 (splice/sendfile are both read and write).
pub const CATEGORIES: [&str; 4] = ["Open", "Read", "Write", "Sync"];

/// Close requests (logged, in no statistics row).
pub const CLOSE: u8 = 16;
/// `splice`/`sendfile`: logged, but neither a read nor a write in the statistics (they would
/// count twice; lttng-analyses leaves them out of both rows too).
pub const TRANSFER: u8 = 32;

/// Categories (bit set over [`CATEGORIES`], or [`CLOSE`], [`TRANSFER`]) of a syscall name.
/// `fcntl` is an open only for `F_DUPFD`, which [`requests`] checks in the fd table.
pub fn category(name: &str) -> u8 {
    match name {
        "open" | "openat" | "socket" | "dup" | "dup2" | "dup3" | "fcntl" => 1,
        "read" | "readv" | "pread" | "pread64" | "preadv" | "recvfrom" | "recvmsg" => 2,
        "write" | "writev" | "pwrite" | "pwrite64" | "pwritev" | "sendto" | "sendmsg" => 4,
        "splice" | "sendfile64" | "sendfile" => TRANSFER,
        "sync" | "fsync" | "fdatasync" | "sync_file_range" => 8,
        "close" => CLOSE,
        _ => 0,
    }
}

/// How many lifetimes of one fd number opened before an instant are checked for the one
/// open then: lifetimes of one number do not overlap in a consistent fd table, so the last
/// one opened is it unless it has closed; a few more tolerate the overlaps lost events leave.
pub const LOOKBACK: usize = 4;

/// Lifetimes (opened, closed, name) of one fd number of one process.
type Lifetimes = Vec<(u64, u64, StrId)>;

/// Fd lifetimes per (process, fd), for names at an instant.
#[derive(Debug, Default)]
pub struct FdIndex {
    /// Fx-hashed: a log looks up one fd per row, and the keys are small integers.
    map: FxHashMap<(u32, i32), Lifetimes>,
}

impl FdIndex {
    /// Indexes every process's fd history.
    pub fn new(m: &Model) -> FdIndex {
        let mut map: FxHashMap<(u32, i32), Lifetimes> = FxHashMap::default();
        for (i, p) in m.processes.iter().enumerate() {
            for e in &p.fds.history {
                map.entry((i as u32, e.fd))
                    .or_default()
                    .push((e.opened, e.closed, e.name));
            }
        }
        for l in map.values_mut() {
            l.sort_by_key(|e| e.0);
        }
        FdIndex { map }
    }

    /// Whether `fd` of process index `pr` was opened exactly at `t`.
    pub fn opened_at(&self, pr: Option<u32>, fd: i32, t: u64) -> bool {
        pr.and_then(|p| self.map.get(&(p, fd)))
            .is_some_and(|l| l.iter().any(|e| e.0 == t))
    }

    /// The name of `fd` in process index `pr` at `t` (the latest lifetime open then).
    ///
    /// A process that reopens one fd number millions of times must not make each lookup scan
    /// them all: the lifetimes are in opening order, and since a number is open once at a
    /// time, the one open at `t` is among the last few opened by then.
    pub fn name<'m>(&self, m: &'m Model, pr: Option<u32>, fd: i32, t: u64) -> Option<&'m str> {
        self.name_id(pr, fd, t).map(|id| m.strings.get(id))
    }

    /// [`FdIndex::name`] as a string id.
    pub fn name_id(&self, pr: Option<u32>, fd: i32, t: u64) -> Option<StrId> {
        let l = self.map.get(&(pr?, fd))?;
        let opened_by_then = l.partition_point(|e| e.0 <= t);
        let e = l[..opened_by_then]
            .iter()
            .rev()
            .take(LOOKBACK)
            .find(|e| t <= e.1)?;
        Some(e.2)
    }
}

/// One I/O request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Entry.
    pub begin: u64,
    /// Exit.
    pub end: u64,
    /// Syscall name.
    pub name: String,
    /// Category bits.
    pub cat: u8,
    /// Bytes (read/write family with ret ≥ 0).
    pub size: Option<u64>,
    /// Thread id and name.
    pub tid: u32,
    /// See `tid`.
    pub comm: String,
    /// Path at completion.
    pub path: Option<String>,
    /// Fd.
    pub fd: i32,
}

/// One I/O request as gathered: everything borrowed or plain, so statistics over tens of
/// thousands of requests cost no string; names and paths are made for printed rows only.
#[derive(Debug, Clone, Copy)]
struct Req<'m> {
    begin: u64,
    end: u64,
    name: &'m str,
    cat: u8,
    size: Option<u64>,
    /// Thread index.
    th: u32,
    tid: u32,
    fd: i32,
    /// Index in its thread's syscall list.
    seq: u32,
}

impl Req<'_> {
    fn dur(&self) -> u64 {
        self.end - self.begin
    }
}

/// [`requests`] without their strings, in the same order.
fn gather<'m>(m: &'m Model, o: &Options) -> Vec<Req<'m>> {
    // Only `fcntl` calls need the fd tables here.
    let fds: std::cell::OnceCell<FdIndex> = std::cell::OnceCell::new();
    let mut out = Vec::new();
    for (th, t) in m.threads.iter().enumerate() {
        // lttng-analyses' I/O commands have no thread filters; ours honour them.
        if t.idle_cpu.is_some() || !o.filter.thread(m, t) {
            continue;
        }
        let s = &t.syscalls;
        for i in s.span.candidates(o.range.begin, o.range.end) {
            let name = m.strings.get(s.name(i));
            let cat = category(name);
            let (end, dur) = (s.span.end(i), s.span.dur(i));
            if cat == 0 || !s.complete(i) || !o.range.contains(end) || !o.keep_duration(dur) {
                continue;
            }
            let ret = s.ret(i);
            // fcntl opens an fd only with F_DUPFD: then the fd table has that fd from its exit.
            if name == "fcntl"
                && !fds
                    .get_or_init(|| FdIndex::new(m))
                    .opened_at(t.process, ret as i32, end)
            {
                continue;
            }
            let sized = cat & (6 | TRANSFER) != 0 && ret >= 0;
            let fd = if cat == 1 && ret >= 0 {
                ret as i32
            } else {
                s.fd(i)
            };
            out.push(Req {
                begin: s.span.begin(i),
                end,
                name,
                cat,
                size: sized.then_some(ret as u64),
                th: th as u32,
                tid: t.tid,
                fd,
                seq: i as u32,
            });
        }
    }
    // The order of a stable sort by (begin, tid) over the order gathered (threads, then each
    // thread's calls), without its scratch copy of the requests.
    out.sort_unstable_by_key(|r| (r.begin, r.tid, r.th, r.seq));
    out
}

/// The printed form of a gathered request.
fn request(m: &Model, fds: &FdIndex, r: &Req) -> Request {
    let (comm, path) = names(m, fds, r);
    Request {
        begin: r.begin,
        end: r.end,
        name: r.name.to_owned(),
        cat: r.cat,
        size: r.size,
        tid: r.tid,
        comm: comm.into_owned(),
        path: path.map(str::to_owned),
        fd: r.fd,
    }
}

/// A gathered request's thread name and file path at its exit, borrowed from the model.
fn names<'m>(m: &'m Model, fds: &FdIndex, r: &Req) -> (Cow<'m, str>, Option<&'m str>) {
    let t = &m.threads[r.th as usize];
    (
        thread_name_cow(m, t, r.end),
        fds.name(m, t.process, r.fd, r.end),
    )
}

/// Requests whose exit is in the range, passing `--min/--max`, in begin order.
pub fn requests(m: &Model, o: &Options) -> Vec<Request> {
    let fds = FdIndex::new(m);
    gather(m, o).iter().map(|r| request(m, &fds, r)).collect()
}

/// Latency statistics per category.
pub fn category_stats(reqs: &[Request]) -> [Stats; 4] {
    stats_by_category(reqs.iter().map(|r| (r.cat, r.end - r.begin)))
}

/// Latency statistics per category of (category bits, duration) in order.
fn stats_by_category(reqs: impl Iterator<Item = (u8, u64)>) -> [Stats; 4] {
    let mut out = [Stats::default(); 4];
    for (cat, dur) in reqs {
        for (k, s) in out.iter_mut().enumerate() {
            if cat & (1 << k) != 0 {
                s.add(dur);
            }
        }
    }
    out
}

/// Block request latencies per disk name, completions in the range.
pub fn disk_latencies(m: &Model, o: &Options) -> BTreeMap<String, Vec<u64>> {
    let b = &m.block;
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for i in 0..b.span.len() {
        let d = b.span.dur(i);
        if b.nr_sector[i] > 0 && o.range.contains(b.span.end(i)) && o.keep_duration(d) {
            out.entry(disk_name(m, b.dev[i])).or_default().push(d);
        }
    }
    out
}

fn stats_cols(first: Column) -> Vec<Column> {
    vec![
        first,
        Column::counted("Count", "requests"),
        col("Minimum latency", ColumnClass::Duration),
        col("Average latency", ColumnClass::Duration),
        col("Maximum latency", ColumnClass::Duration),
        col("Latency standard deviation", ColumnClass::Duration),
    ]
}

/// Classes of iolatencystats.
pub fn stats_classes() -> [TableClass; 2] {
    [
        class(
            "syscall-latency-stats",
            "System calls latency statistics",
            stats_cols(col("System call", ColumnClass::String)),
        ),
        class(
            "disk-latency-stats",
            "Partition latency statistics",
            stats_cols(col("Partition", ColumnClass::Disk)),
        ),
    ]
}

/// iolatencystats' tables.
pub fn stats(m: &Model, o: &Options) -> Vec<Table> {
    let [sys, disk] = stats_classes();
    let (b, e) = o.range.ns();
    let mut t1 = Table::new(sys, b, e);
    let reqs = gather(m, o);
    let by_cat = stats_by_category(reqs.iter().map(|r| (r.cat, r.dur())));
    for (name, s) in CATEGORIES.iter().zip(by_cat) {
        let mut row = vec![Cell::Text((*name).into()), Cell::Count(s.count)];
        row.extend(stat_cells(&s, 2));
        t1.rows.push(row);
    }
    let mut t2 = Table::new(disk, b, e);
    for (name, v) in disk_latencies(m, o) {
        let mut s = Stats::default();
        v.iter().for_each(|&d| s.add(d));
        let mut row = vec![Cell::Disk(name.into()), Cell::Count(s.count)];
        row.extend(stat_cells(&s, 2));
        t2.rows.push(row);
    }
    vec![t1, t2]
}

/// The request columns of iolatencytop and iolog.
pub fn request_class(name: &str, title: &str) -> TableClass {
    class(
        name,
        title,
        vec![
            col("Time range", ColumnClass::TimeRange),
            col("Out of range", ColumnClass::Bool),
            col("Duration", ColumnClass::Duration),
            col("System call", ColumnClass::Syscall),
            col("Size", ColumnClass::Size),
            col("Process", ColumnClass::Process),
            col("Path", ColumnClass::Path),
            col("FD", ColumnClass::Fd),
        ],
    )
}

/// The cells iolatencytop and iolog repeat from row to row, made once: a log has tens of
/// thousands of rows over a few dozen threads and files, and a cell per row would cost two
/// allocations more per row than the row itself.
struct SharedCells<'m> {
    model: &'m Model,
    fds: FdIndex,
    /// Per (thread index, its name then).
    processes: FxHashMap<(u32, Option<StrId>), Arc<Process>>,
    paths: FxHashMap<StrId, Arc<str>>,
}

impl<'m> SharedCells<'m> {
    fn new(model: &'m Model) -> Self {
        SharedCells {
            model,
            fds: FdIndex::new(model),
            processes: FxHashMap::default(),
            paths: FxHashMap::default(),
        }
    }

    /// The thread of `r` as named at its exit.
    fn process(&mut self, r: &Req) -> Cell {
        let m = self.model;
        let t = &m.threads[r.th as usize];
        let p = self
            .processes
            .entry((r.th, t.name_at(r.end)))
            .or_insert_with(|| {
                Arc::new(Process {
                    name: Some(thread_name_cow(m, t, r.end).into()),
                    pid: None,
                    tid: Some(i64::from(r.tid)),
                })
            });
        Cell::Process(Arc::clone(p))
    }

    /// The file `r`'s fd named at its exit.
    fn path(&mut self, r: &Req) -> Cell {
        let m = self.model;
        let process = m.threads[r.th as usize].process;
        match self.fds.name_id(process, r.fd, r.end) {
            Some(id) => Cell::Path(Arc::clone(
                self.paths
                    .entry(id)
                    .or_insert_with(|| m.strings.get(id).into()),
            )),
            None => Cell::Unknown,
        }
    }

    fn row(&mut self, r: &Req, o: &Options) -> Vec<Cell> {
        vec![
            Cell::TimeRange {
                begin_ns: r.begin as i64,
                end_ns: r.end as i64,
            },
            Cell::Bool(!o.range.contains(r.begin) || !o.range.contains(r.end)),
            Cell::Duration(r.end - r.begin),
            Cell::Syscall(r.name.into()),
            r.size.map_or(Cell::Empty, Cell::Size),
            self.process(r),
            self.path(r),
            Cell::Fd(i64::from(r.fd)),
        ]
    }
}

/// iolatencytop: the `--limit` longest requests per category (exactly `--limit`).
pub fn top(m: &Model, o: &Options) -> Vec<Table> {
    let reqs = gather(m, o);
    let mut cells = SharedCells::new(m);
    let (b, e) = o.range.ns();
    let mut out = Vec::new();
    for (k, name) in CATEGORIES.iter().enumerate() {
        let mut sel: Vec<&Req> = reqs.iter().filter(|r| r.cat & (1 << k) != 0).collect();
        sel.sort_by(|a, b| b.dur().cmp(&a.dur()).then(a.begin.cmp(&b.begin)));
        o.limit(&mut sel);
        let mut t = Table::new(
            request_class("top-syscall", "Top system call latencies"),
            b,
            e,
        );
        t.subtitle = Some((*name).into());
        t.rows = sel.iter().map(|r| cells.row(r, o)).collect();
        out.push(t);
    }
    out
}

/// iolog: every request in begin order.
pub fn log(m: &Model, o: &Options) -> Vec<Table> {
    let (b, e) = o.range.ns();
    let mut cells = SharedCells::new(m);
    let mut t = Table::new(request_class("log", "I/O operations log"), b, e);
    t.rows = gather(m, o).iter().map(|r| cells.row(r, o)).collect();
    vec![t]
}

/// iolatencyfreq: latency histograms per category and per disk (values past the range are
/// clamped into the edge buckets, as lttng-analyses does).
pub fn freq(m: &Model, o: &Options) -> Vec<Table> {
    let reqs = gather(m, o);
    let mut series: Vec<(String, Vec<u64>)> = CATEGORIES
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let v = reqs.iter().filter(|r| r.cat & (1 << k) != 0).map(Req::dur);
            ((*n).to_owned(), v.collect())
        })
        .collect();
    series.extend(disk_latencies(m, o));
    freq_tables(&series, o, "requests", true)
}

//! iolatencystats, iolatencytop, iolog, iolatencyfreq: I/O request latencies (§3.4).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::common::{Options, Stats, class, col, thread_name_cow};
use super::freq::freq_tables;
use super::io::disk_name;
use super::syscalls::stat_cells;
use super::table::{Cell, Column, ColumnClass, Process, Table, TableClass};
use super::text::{Clock, Rows, TableView, cell_width};
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
        self.name_id_around(pr, fd, t).map(|(id, _)| id)
    }

    /// [`FdIndex::name_id`], with instants around `t` that have the same answer: the
    /// lifetime found, up to the next opening, when it is the last one opened by `t`
    /// (always, but where lost events left lifetimes overlapping); else `t` alone.
    pub fn name_id_around(
        &self,
        pr: Option<u32>,
        fd: i32,
        t: u64,
    ) -> Option<(StrId, RangeInclusive<u64>)> {
        let l = self.map.get(&(pr?, fd))?;
        let opened_by_then = l.partition_point(|e| e.0 <= t);
        let (back, e) = l[..opened_by_then]
            .iter()
            .rev()
            .take(LOOKBACK)
            .enumerate()
            .find(|(_, e)| t <= e.1)?;
        let same = match (back, l.get(opened_by_then)) {
            (0, None) => e.0..=e.1,
            (0, Some(next)) => e.0..=e.1.min(next.0 - 1),
            _ => t..=t,
        };
        Some((e.2, same))
    }
}

/// [`FdIndex::name_id`] for lookups in time order, thread by thread: the last answer is
/// reused while it holds. A thread's reads and writes of one file come one after the other,
/// and one process may have reopened the same fd number thousands of times.
pub struct FdNames {
    index: FdIndex,
    /// (process index, fd, the instants the answer holds for, the answer).
    last: Option<(u32, i32, RangeInclusive<u64>, StrId)>,
}

impl FdNames {
    /// Lookups in `index`.
    pub fn new(index: FdIndex) -> Self {
        FdNames { index, last: None }
    }

    /// [`FdIndex::name_id`].
    pub fn name_id(&mut self, pr: Option<u32>, fd: i32, t: u64) -> Option<StrId> {
        let pr = pr?;
        match &self.last {
            Some((p, f, same, id)) if *p == pr && *f == fd && same.contains(&t) => Some(*id),
            _ => {
                let (id, same) = self.index.name_id_around(Some(pr), fd, t)?;
                self.last = Some((pr, fd, same, id));
                Some(id)
            }
        }
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
}

impl Req<'_> {
    fn dur(&self) -> u64 {
        self.end - self.begin
    }
}

/// [`requests`] without their strings, in the order gathered: thread by thread, each
/// thread's in begin order.
///
/// Only `fcntl` calls need the fd tables here: `known` when the caller has them, else they
/// are indexed at the first `fcntl`.
fn gather_by_thread<'m>(m: &'m Model, o: &Options, known: Option<&FdIndex>) -> Vec<Req<'m>> {
    let own: std::cell::OnceCell<FdIndex> = std::cell::OnceCell::new();
    let fds = || known.unwrap_or_else(|| own.get_or_init(|| FdIndex::new(m)));
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
            if name == "fcntl" && !fds().opened_at(t.process, ret as i32, end) {
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
            });
        }
    }
    out
}

/// Indexes of `reqs` (as gathered) in begin order: the order of a stable sort by (begin,
/// tid), sorted as 16-byte keys with the index breaking ties.
fn begin_order(reqs: &[Req]) -> Vec<u32> {
    let mut keys: Vec<(u64, u64)> = (0u32..)
        .zip(reqs)
        .map(|(i, r)| (r.begin, u64::from(r.tid) << 32 | u64::from(i)))
        .collect();
    keys.sort_unstable();
    keys.iter().map(|&(_, k)| k as u32).collect()
}

/// [`requests`] without their strings, in the same order.
fn gather<'m>(m: &'m Model, o: &Options) -> Vec<Req<'m>> {
    let reqs = gather_by_thread(m, o, None);
    begin_order(&reqs)
        .iter()
        .map(|&i| reqs[i as usize])
        .collect()
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
    fds: FdNames,
    /// The cells, indexed by the maps below; the first is [`Cell::Unknown`].
    cells: Vec<Cell>,
    /// Per (thread index, its name then).
    processes: FxHashMap<(u32, Option<StrId>), u32>,
    paths: FxHashMap<StrId, u32>,
}

/// A request's shared cells: its process and its path, as indexes in [`SharedCells::cells`].
type CellRefs = [u32; 2];

impl<'m> SharedCells<'m> {
    fn new(model: &'m Model) -> Self {
        SharedCells {
            model,
            fds: FdNames::new(FdIndex::new(model)),
            cells: vec![Cell::Unknown],
            processes: FxHashMap::default(),
            paths: FxHashMap::default(),
        }
    }

    /// The cells of `r`'s thread as named at its exit and of the file its fd named then.
    fn refs(&mut self, r: &Req) -> CellRefs {
        let m = self.model;
        let t = &m.threads[r.th as usize];
        let cells = &mut self.cells;
        let process = *self
            .processes
            .entry((r.th, t.name_at(r.end)))
            .or_insert_with(|| {
                cells.push(Cell::Process(Arc::new(Process {
                    name: Some(thread_name_cow(m, t, r.end).into()),
                    pid: None,
                    tid: Some(i64::from(r.tid)),
                })));
                (cells.len() - 1) as u32
            });
        let path = match self.fds.name_id(t.process, r.fd, r.end) {
            Some(id) => *self.paths.entry(id).or_insert_with(|| {
                cells.push(Cell::Path(m.strings.get(id).into()));
                (cells.len() - 1) as u32
            }),
            None => 0,
        };
        [process, path]
    }

    /// Hands the cells of the row of `r` to `cell`, in [`request_class`]'s order, each with
    /// its index in `self.cells` when it is a shared one.
    fn cells(
        &self,
        r: &Req,
        refs: CellRefs,
        o: &Options,
        mut cell: impl FnMut(&Cell, Option<u32>),
    ) {
        cell(
            &Cell::TimeRange {
                begin_ns: r.begin as i64,
                end_ns: r.end as i64,
            },
            None,
        );
        let out_of_range = !o.range.contains(r.begin) || !o.range.contains(r.end);
        cell(&Cell::Bool(out_of_range), None);
        cell(&Cell::Duration(r.end - r.begin), None);
        cell(&Cell::Syscall(r.name.into()), None);
        cell(&r.size.map_or(Cell::Empty, Cell::Size), None);
        for i in refs {
            cell(&self.cells[i as usize], Some(i));
        }
        cell(&Cell::Fd(i64::from(r.fd)), None);
    }

    /// The row of `r` as cells of its own.
    fn row(&mut self, r: &Req, o: &Options) -> Vec<Cell> {
        let refs = self.refs(r);
        let mut row = Vec::with_capacity(8);
        self.cells(r, refs, o, |c, _| row.push(c.clone()));
        row
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

/// iolog's rows, made on demand: a log of tens of thousands of requests printed as text
/// needs each row's cells only while the row is measured and written, not all at once
/// (about 300 bytes a row as cells, 76 as a request with its shared cells and rank).
pub struct LogRows<'m> {
    class: TableClass,
    /// As gathered, with their shared cells.
    reqs: Vec<Req<'m>>,
    refs: Vec<CellRefs>,
    /// Indexes in `reqs` in row order.
    order: Vec<u32>,
    cells: SharedCells<'m>,
    options: Options,
}

impl<'m> LogRows<'m> {
    /// Every request in begin order.
    pub fn new(m: &'m Model, o: &Options) -> Self {
        let mut cells = SharedCells::new(m);
        let reqs = gather_by_thread(m, o, Some(&cells.fds.index));
        // In the order gathered, a thread's requests come together: its fd lifetimes and
        // names stay in cache from one lookup to the next.
        let refs = reqs.iter().map(|r| cells.refs(r)).collect();
        LogRows {
            class: request_class("log", "I/O operations log"),
            order: begin_order(&reqs),
            reqs,
            refs,
            cells,
            options: o.clone(),
        }
    }

    /// The log as a table of its own.
    pub fn into_table(self) -> Table {
        let (b, e) = self.options.range.ns();
        let rows = self.to_cells();
        let mut t = Table::new(self.class, b, e);
        t.rows = rows;
        t
    }

    /// The log as a table to print.
    pub fn view(&self) -> TableView<'_> {
        TableView {
            class: &self.class,
            subtitle: None,
            rows: self,
        }
    }
}

impl Rows for LogRows<'_> {
    fn len(&self) -> usize {
        self.order.len()
    }

    fn cells(&self, i: usize, cell: &mut dyn FnMut(&Cell)) {
        let k = self.order[i] as usize;
        let o = &self.options;
        self.cells
            .cells(&self.reqs[k], self.refs[k], o, |c, _| cell(c));
    }

    /// The shared cells are measured once each, not once per row that shows them.
    fn widen(&self, widths: &mut [usize], clock: &mut Clock, scratch: &mut String) {
        let shared: Vec<usize> = self
            .cells
            .cells
            .iter()
            .map(|c| cell_width(c, clock, scratch))
            .collect();
        let o = &self.options;
        for (r, &refs) in self.reqs.iter().zip(&self.refs) {
            let mut k = 0;
            self.cells.cells(r, refs, o, |c, i| {
                if let Some(w) = widths.get_mut(k) {
                    let cw =
                        i.map_or_else(|| cell_width(c, clock, scratch), |i| shared[i as usize]);
                    *w = (*w).max(cw);
                }
                k += 1;
            });
        }
    }
}

/// iolog: every request in begin order.
pub fn log(m: &Model, o: &Options) -> Vec<Table> {
    vec![LogRows::new(m, o).into_table()]
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule [`FdIndex::name_id`] documents, scanning every lifetime.
    fn reference(l: &[(u64, u64, StrId)], t: u64) -> Option<StrId> {
        let opened: Vec<_> = l.iter().filter(|e| e.0 <= t).collect();
        let last = opened.iter().rev().take(LOOKBACK);
        last.into_iter().find(|e| t <= e.1).map(|e| e.2)
    }

    /// [`FdNames`] reuses the last name found for every instant of the range
    /// `name_id_around` gave with it: each instant of that range must have that answer.
    /// Checked on random fd histories of one fd number, reopened in order or (lost events)
    /// overlapping.
    #[test]
    fn a_name_holds_over_the_range_given_with_it() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for case in 0..300 {
            let mut l = Vec::new();
            let mut t = next(5);
            for name in 0..1 + next(12) as StrId {
                let opened = t + next(4);
                // Every fourth case lets lifetimes overlap (a close lost).
                let closed = opened + next(if case % 4 == 0 { 30 } else { 6 });
                l.push((opened, closed, name));
                t = if case % 4 == 0 {
                    opened + next(3)
                } else {
                    closed + next(3)
                };
            }
            l.sort_by_key(|e| e.0);
            let fds = FdIndex {
                map: FxHashMap::from_iter([((0, 3), l.clone())]),
            };
            let end = l.iter().map(|e| e.1).max().unwrap_or(0) + 3;
            for t in 0..end {
                let found = fds.name_id_around(Some(0), 3, t);
                assert_eq!(
                    found.as_ref().map(|f| f.0),
                    reference(&l, t),
                    "{l:?} at {t}"
                );
                let Some((id, same)) = found else { continue };
                assert!(same.contains(&t), "{l:?} at {t}: {same:?}");
                for u in same {
                    assert_eq!(reference(&l, u), Some(id), "{l:?}: {t} then {u}");
                }
            }
        }
    }
}

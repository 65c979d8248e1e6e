//! Text output as lttng-analyses prints it: a `Timerange:` line, then each table aligned,
//! with bar graphs for the top tables and histograms. Durations in µs, 3 decimals.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::table::{Cell, Column, ColumnClass, Process, Table, TableClass};
use crate::pretty::tz::LocalZone;
use crate::pretty::tzrule::days_from_civil;

/// Formats timestamps in UTC or local time.
#[derive(Debug)]
pub struct Clock {
    zone: LocalZone,
    /// The last second printed by [`Clock::write_time`] and its `hh:mm:ss.` text: logs
    /// print thousands of instants within one second.
    second: Option<(i64, String)>,
}

impl Clock {
    /// UTC (`--gmt`) or the local zone (`TZ`).
    pub fn new(gmt: bool) -> Clock {
        Clock {
            zone: if gmt {
                LocalZone::utc()
            } else {
                LocalZone::from_env()
            },
            second: None,
        }
    }

    /// `YYYY-MM-DD hh:mm:ss.nnnnnnnnn`.
    pub fn full(&mut self, ns: i64) -> String {
        let mut out = String::with_capacity(29);
        self.write_full(ns, &mut out);
        out
    }

    /// `hh:mm:ss.nnnnnnnnn`.
    pub fn time(&mut self, ns: i64) -> String {
        let mut out = String::with_capacity(18);
        self.write_time(ns, &mut out);
        out
    }

    /// Appends [`Clock::full`] to `out`.
    pub fn write_full(&mut self, ns: i64, out: &mut String) {
        let (days, s, frac) = self.split(ns);
        let (y, mo, d) = civil(days);
        let _ = write!(out, "{y:04}-{mo:02}-{d:02} ");
        clock_time(s, frac, out);
    }

    /// Appends [`Clock::time`] to `out` (logs print one or two per line: no allocation).
    pub fn write_time(&mut self, ns: i64, out: &mut String) {
        let secs = ns.div_euclid(1_000_000_000);
        if self.second.as_ref().is_none_or(|s| s.0 != secs) {
            let (_, s, _) = self.split(ns);
            let mut hms = String::with_capacity(9);
            clock_seconds(s, &mut hms);
            self.second = Some((secs, hms));
        }
        if let Some((_, hms)) = &self.second {
            out.push_str(hms);
        }
        digits(ns.rem_euclid(1_000_000_000), 9, out);
    }

    /// Local (day number, second of the day, ns of the second) of `ns`.
    fn split(&mut self, ns: i64) -> (i64, i64, i64) {
        let secs = ns.div_euclid(1_000_000_000);
        let frac = ns.rem_euclid(1_000_000_000);
        let local = secs + self.zone.offset_at(secs);
        (local.div_euclid(86_400), local.rem_euclid(86_400), frac)
    }

    /// The UTC offset (s) in force at `secs`, for parsing local times.
    pub fn offset_at(&mut self, secs: i64) -> i64 {
        self.zone.offset_at(secs)
    }
}

/// Appends `hh:mm:ss.nnnnnnnnn` for second `s` of a day and `frac` ns.
fn clock_time(s: i64, frac: i64, out: &mut String) {
    clock_seconds(s, out);
    digits(frac, 9, out);
}

/// Appends `hh:mm:ss.` for second `s` of a day.
fn clock_seconds(s: i64, out: &mut String) {
    digits(s / 3600, 2, out);
    out.push(':');
    digits(s / 60 % 60, 2, out);
    out.push(':');
    digits(s % 60, 2, out);
    out.push('.');
}

/// Appends `v` (0 ≤ v < 10^width, else printed in full) zero-padded to `width` digits.
fn digits(v: i64, width: usize, out: &mut String) {
    if v < 0 {
        out.push('-');
    }
    let mut buf = itoa::Buffer::new();
    let d = buf.format(v.unsigned_abs());
    zeros(width.saturating_sub(d.len()), out);
    out.push_str(d);
}

/// Appends `n` zeros.
fn zeros(n: usize, out: &mut String) {
    const ZEROS: &str = "00000000000000000000";
    out.push_str(&ZEROS[..n.min(ZEROS.len())]);
}

/// Appends `v` in decimal.
fn integer(v: impl itoa::Integer, out: &mut String) {
    out.push_str(itoa::Buffer::new().format(v));
}

/// Appends `n` spaces.
fn spaces(mut n: usize, out: &mut String) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// (year, month, day) of a day number since 1970-01-01.
pub fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Day number of a civil date (re-exported for time parsing).
pub fn days(y: i64, m: i64, d: i64) -> i64 {
    days_from_civil(y, m, d)
}

/// A size as lttng-analyses prints it (`1.50 KiB`).
pub fn size(b: u64) -> String {
    let mut out = String::new();
    write_size(b, &mut out);
    out
}

/// Appends [`size`] to `out`.
fn write_size(b: u64, out: &mut String) {
    match scaled_size(b) {
        Some((0, _)) => {
            integer(b, out);
            out.push_str(" B");
        }
        Some((u, hundredths)) => {
            integer(hundredths / 100, out);
            out.push('.');
            digits((hundredths % 100) as i64, 2, out);
            out.push(' ');
            out.push_str(SIZE_UNITS[u]);
        }
        None => float_size(b, out),
    }
}

const SIZE_UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];

/// `b` as `{:.2}` of `b as f64` divided by 1024 until below 1024 (or in TiB), with its unit.
fn float_size(b: u64, out: &mut String) {
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < SIZE_UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        integer(b, out);
        out.push_str(" B");
    } else {
        let _ = write!(out, "{v:.2} {}", SIZE_UNITS[u]);
    }
}

/// [`float_size`]'s unit index and value in hundredths, in integers: below 2^53 bytes the
/// `f64` and its divisions by 1024 are exact, so rounding the exact quotient half to even,
/// as `{:.2}` does, gives the same digits. `None` from 2^53 on.
fn scaled_size(b: u64) -> Option<(usize, u64)> {
    if b >= 1 << 53 {
        return None;
    }
    let mut u = 0;
    while u + 1 < SIZE_UNITS.len() && b >> (10 * (u + 1)) > 0 {
        u += 1;
    }
    if u == 0 {
        return Some((0, b * 100));
    }
    let shift = 10 * u as u32;
    let scaled = u128::from(b) * 100;
    let (q, rem) = (scaled >> shift, scaled & ((1 << shift) - 1));
    let half = 1u128 << (shift - 1);
    let up = rem > half || (rem == half && q & 1 == 1);
    u64::try_from(q + u128::from(up)).ok().map(|h| (u, h))
}

/// A cell as text.
pub fn cell(c: &Cell, clock: &mut Clock) -> String {
    let mut out = String::new();
    write_cell(c, clock, &mut out);
    out
}

/// Appends [`cell`]'s text to `out` (tables of tens of thousands of cells are rendered into
/// one buffer, without a string per cell).
pub fn write_cell(c: &Cell, clock: &mut Clock, out: &mut String) {
    match c {
        Cell::Empty => {}
        Cell::Unknown => out.push('?'),
        Cell::Count(n) => integer(*n, out),
        Cell::Number(v) => {
            let _ = write!(out, "{v:.2}");
        }
        Cell::Ratio(v) => {
            let _ = write!(out, "{:.2} %", v * 100.0);
        }
        Cell::Timestamp(ns) => {
            out.push('[');
            clock.write_time(*ns, out);
            out.push(']');
        }
        Cell::Duration(ns) => micros(*ns, out),
        Cell::Size(b) => write_size(*b, out),
        Cell::Bitrate(v) => {
            let _ = write!(out, "{v:.0} bps");
        }
        Cell::Bool(b) => {
            if *b {
                out.push('*');
            }
        }
        Cell::Text(s) | Cell::Syscall(s) | Cell::Disk(s) | Cell::Part(s) | Cell::Netif(s) => {
            out.push_str(s)
        }
        Cell::Path(s) => out.push_str(s),
        Cell::TimeRange { begin_ns, end_ns } => {
            out.push('[');
            clock.write_time(*begin_ns, out);
            out.push_str(", ");
            clock.write_time(*end_ns, out);
            out.push(']');
        }
        Cell::Process(p) => {
            let Process { name, pid, tid } = &**p;
            out.push_str(name.as_deref().unwrap_or("Unknown"));
            match tid.or(*pid) {
                Some(id) => {
                    out.push_str(" (");
                    integer(id, out);
                    out.push(')');
                }
                None => out.push_str(" (N/A)"),
            }
        }
        Cell::Fd(fd) => integer(*fd, out),
        Cell::Irq { nr, name, .. } => {
            let _ = write!(out, "{} ({nr})", name.as_deref().unwrap_or(""));
        }
        Cell::Cpu(id) => {
            out.push_str("CPU ");
            integer(*id, out);
        }
    }
}

/// A duration in ns as µs with 3 decimals, exactly as `format!("{:.3}", ns as f64 / 1000.0)`
/// prints it: integer arithmetic below 2^52 ns (about 52 days), where the `f64` quotient is
/// within 0.0005 of the exact one and so rounds to it; that formatting itself above.
fn micros(ns: u64, out: &mut String) {
    if ns < 1 << 52 {
        integer(ns / 1000, out);
        out.push('.');
        digits((ns % 1000) as i64, 3, out);
    } else {
        let _ = write!(out, "{:.3}", ns as f64 / 1000.0);
    }
}

/// The value a bar graph plots for this table, if it is drawn as one.
fn bar_column(class: &TableClass) -> Option<usize> {
    let n = class.name.as_str();
    if n.starts_with("freq") {
        return Some(2);
    }
    if matches!(n, "allocd" | "freed") {
        return Some(1);
    }
    if matches!(n, "per-process" | "per-cpu") {
        return class
            .columns
            .iter()
            .position(|c| c.class == ColumnClass::Ratio);
    }
    if n.starts_with("per-") && n.contains("top") {
        return Some(1);
    }
    None
}

fn magnitude(c: &Cell) -> f64 {
    match c {
        Cell::Count(n) | Cell::Duration(n) | Cell::Size(n) => *n as f64,
        Cell::Ratio(v) | Cell::Number(v) => *v,
        _ => 0.0,
    }
}

const BAR: usize = 40;

fn bars(rows: &[Vec<Cell>], col: usize, clock: &mut Clock, out: &mut String) {
    let max = rows
        .iter()
        .filter_map(|r| r.get(col))
        .map(magnitude)
        .fold(0.0, f64::max);
    let vals: Vec<String> = rows
        .iter()
        .map(|r| r.get(col).map_or(String::new(), |c| cell(c, clock)))
        .collect();
    let w = vals.iter().map(|v| v.chars().count()).max().unwrap_or(0);
    for (r, v) in rows.iter().zip(&vals) {
        let m = r.get(col).map_or(0.0, magnitude);
        let len = if max > 0.0 {
            (m / max * BAR as f64).round() as usize
        } else {
            0
        };
        let rest: Vec<String> = r
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != col)
            .map(|(_, c)| cell(c, clock))
            .collect();
        let _ = writeln!(
            out,
            "{:<BAR$} {v:>w$}  {}",
            "█".repeat(len),
            rest.join("  ")
        );
    }
}

/// The rows of an aligned table: a table's own, or rows made on demand, for a log of tens of
/// thousands of requests that need not all be held as cells at once.
pub trait Rows {
    /// How many rows.
    fn len(&self) -> usize;

    /// Whether there is no row.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hands the cells of row `i` to `cell`, in column order.
    fn cells(&self, i: usize, cell: &mut dyn FnMut(&Cell));

    /// Widens each of `widths` (one per printed column) to the widest [`cell_width`] of
    /// its column. Rows that repeat cells may measure each once.
    fn widen(&self, widths: &mut [usize], clock: &mut Clock, scratch: &mut String) {
        for i in 0..self.len() {
            let mut k = 0;
            self.cells(i, &mut |c| {
                // Cells beyond the header's columns are not printed.
                if let Some(w) = widths.get_mut(k) {
                    *w = (*w).max(cell_width(c, clock, scratch));
                }
                k += 1;
            });
        }
    }

    /// The rows as cells of their own.
    fn to_cells(&self) -> Vec<Vec<Cell>> {
        // Rows are usually all as long as the first: one allocation each.
        let mut width = 0;
        (0..self.len())
            .map(|i| {
                let mut row = Vec::with_capacity(width);
                self.cells(i, &mut |c| row.push(c.clone()));
                width = row.len();
                row
            })
            .collect()
    }
}

impl Rows for Vec<Vec<Cell>> {
    fn len(&self) -> usize {
        Vec::len(self)
    }

    fn cells(&self, i: usize, cell: &mut dyn FnMut(&Cell)) {
        self[i].iter().for_each(cell);
    }
}

/// Lays `rows` out in columns: each padded to its widest cell, two spaces apart, no trailing
/// whitespace. The widths come first, mostly by arithmetic (a timestamp is always 20
/// characters wide), then each row is written straight into the sink: a log's rows are not
/// formatted into a buffer of their own and copied again.
fn aligned(
    columns: &[Column],
    rows: &dyn Rows,
    clock: &mut Clock,
    scratch: &mut Scratch,
    sink: &mut Sink,
) {
    let Scratch {
        text,
        widths,
        header,
    } = scratch;
    widths.clear();
    widths.extend(columns.iter().map(|c| width(&c.title)));
    rows.widen(widths, clock, text);
    // syscallstats prints thousands of tables of one layout, mostly with the same widths:
    // their header line is made once.
    let titles = columns.iter().map(|c| &c.title);
    if header.widths != *widths || !header.titles.iter().eq(titles.clone()) {
        header.line.clear();
        let mut line = Line::new(&mut header.line, widths);
        for c in columns {
            line.cell(|out| out.push_str(&c.title));
        }
        line.end();
        header.titles = titles.cloned().collect();
        header.widths.clone_from(widths);
    }
    sink.buf.push_str(&header.line);
    for i in 0..rows.len() {
        sink.flush_if_full();
        let mut line = Line::new(&mut sink.buf, widths);
        rows.cells(i, &mut |c| {
            if line.column < widths.len() {
                line.cell(|out| write_cell(c, clock, out));
            }
        });
        line.end();
    }
}

/// Buffers [`aligned`] reuses from one table to the next.
struct Scratch {
    /// For measuring cells.
    text: String,
    /// The column widths.
    widths: Vec<usize>,
    /// The last header line made.
    header: Header,
}

/// A header line with the titles and widths it was made for.
#[derive(Default)]
struct Header {
    titles: Vec<String>,
    widths: Vec<usize>,
    line: String,
}

/// Width of `s` in characters, as `{:<w$}` pads.
fn width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Decimal digits of `v`.
fn decimal_len(v: u64) -> usize {
    v.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// Characters of `v` in decimal, sign included.
fn signed_len(v: i64) -> usize {
    usize::from(v < 0) + decimal_len(v.unsigned_abs())
}

/// Width of [`write_size`]'s text for `b`.
fn size_len(b: u64) -> Option<usize> {
    Some(match scaled_size(b)? {
        (0, _) => decimal_len(b) + 2,
        (u, hundredths) => decimal_len(hundredths / 100) + 4 + SIZE_UNITS[u].len(),
    })
}

/// Width of [`write_cell`]'s text for `c`: computed for the cells logs are made of, and
/// measured on a rendering into `scratch` for the rest.
pub fn cell_width(c: &Cell, clock: &mut Clock, scratch: &mut String) -> usize {
    // `[hh:mm:ss.nnnnnnnnn]`: the hour of a day has two digits, the ns nine.
    const TIME: usize = 18;
    match c {
        Cell::Empty => 0,
        Cell::Unknown => 1,
        Cell::Bool(b) => usize::from(*b),
        Cell::Size(b) if let Some(n) = size_len(*b) => n,
        Cell::Count(n) => decimal_len(*n),
        Cell::Fd(v) => signed_len(*v),
        Cell::Cpu(id) => 4 + decimal_len(u64::from(*id)),
        Cell::Timestamp(_) => TIME + 2,
        Cell::TimeRange { .. } => 2 * TIME + 4,
        Cell::Duration(ns) if *ns < 1 << 52 => decimal_len(ns / 1000) + 4,
        Cell::Text(s) | Cell::Syscall(s) | Cell::Disk(s) | Cell::Part(s) | Cell::Netif(s) => {
            width(s)
        }
        Cell::Path(s) => width(s),
        Cell::Process(p) => {
            let name = p.name.as_deref().map_or(7, width);
            name + p.tid.or(p.pid).map_or(6, |id| signed_len(id) + 3)
        }
        _ => {
            scratch.clear();
            write_cell(c, clock, scratch);
            width(scratch)
        }
    }
}

/// One line of an aligned table being written: spaces owed before the next non-empty cell
/// are only written when one comes, so a line never ends in padding.
struct Line<'a> {
    out: &'a mut String,
    widths: &'a [usize],
    start: usize,
    column: usize,
    owed: usize,
}

impl<'a> Line<'a> {
    fn new(out: &'a mut String, widths: &'a [usize]) -> Self {
        let start = out.len();
        Line {
            out,
            widths,
            start,
            column: 0,
            owed: 0,
        }
    }

    /// Writes the next cell with `write`, padded to its column's width.
    fn cell(&mut self, write: impl FnOnce(&mut String)) {
        if self.column > 0 {
            self.owed += 2;
        }
        let mark = self.out.len();
        spaces(self.owed, self.out);
        let text = self.out.len();
        write(self.out);
        let w = if self.out.len() == text {
            self.out.truncate(mark);
            0
        } else {
            self.owed = 0;
            width(&self.out[text..])
        };
        let column = self.widths.get(self.column).copied().unwrap_or(0);
        self.owed += column.saturating_sub(w);
        self.column += 1;
    }

    /// Ends the line (a cell's own text may end in whitespace too: trimmed).
    fn end(self) {
        if self.out[self.start..].ends_with(char::is_whitespace) {
            let kept = self.out[self.start..].trim_end().len();
            self.out.truncate(self.start + kept);
        }
        self.out.push('\n');
    }
}

/// Renders `tables` (one report) to `w` with a leading `Timerange:` line and an optional
/// warning.
pub fn render_to(
    tables: &[Table],
    range: (i64, i64),
    warning: Option<&str>,
    clock: &mut Clock,
    w: &mut dyn Write,
) -> io::Result<()> {
    render_views_to(tables.iter().map(Table::view), range, warning, clock, w)
}

/// One table as [`render_views_to`] prints it: a layout, a subtitle and rows.
pub struct TableView<'a> {
    /// The layout.
    pub class: &'a TableClass,
    /// See [`Table::subtitle`].
    pub subtitle: Option<&'a str>,
    /// The rows, made on demand or not.
    pub rows: &'a dyn Rows,
}

/// [`render_to`] over table views: the same text for rows made on demand as for the table
/// holding them.
pub fn render_views_to<'a>(
    tables: impl IntoIterator<Item = TableView<'a>>,
    range: (i64, i64),
    warning: Option<&str>,
    clock: &mut Clock,
    w: &mut dyn Write,
) -> io::Result<()> {
    let mut sink = Sink {
        buf: String::with_capacity(Sink::CHUNK + (Sink::CHUNK >> 2)),
        w,
        err: None,
    };
    let out = &mut sink.buf;
    out.push_str("Timerange: [");
    clock.write_full(range.0, out);
    out.push_str(", ");
    clock.write_full(range.1, out);
    out.push_str("]\n");
    if let Some(w) = warning {
        let _ = writeln!(out, "Warning: {w}");
    }
    // One set of buffers for all tables: syscallstats prints one table per thread.
    let mut scratch = Scratch {
        text: String::new(),
        widths: Vec::new(),
        header: Header::default(),
    };
    for t in tables {
        let out = &mut sink.buf;
        out.push('\n');
        t.class.write_title(t.subtitle, out);
        if t.rows.len() == 1 {
            let mut cells = 0;
            t.rows.cells(0, &mut |_| cells += 1);
            if cells == 1 {
                // One figure (total CPU usage): `Title: value`, as lttng-analyses prints it.
                out.push_str(": ");
                t.rows
                    .cells(0, &mut |figure| write_cell(figure, clock, out));
                out.push('\n');
                continue;
            }
        }
        out.push('\n');
        if t.rows.is_empty() {
            out.push_str("(none)\n");
        } else if let Some(c) = bar_column(t.class) {
            // Top tables and histograms: tens of rows.
            bars(&t.rows.to_cells(), c, clock, out);
        } else {
            aligned(&t.class.columns, t.rows, clock, &mut scratch, &mut sink);
        }
        sink.flush_if_full();
    }
    sink.finish()
}

/// Text on its way to a writer in chunks of about [`Sink::CHUNK`] bytes: a log's report is
/// megabytes, which need not all be in memory at once.
struct Sink<'w> {
    buf: String,
    w: &'w mut dyn Write,
    /// The first write error; nothing is written after it.
    err: Option<io::Error>,
}

impl Sink<'_> {
    const CHUNK: usize = 1 << 18;

    fn flush_if_full(&mut self) {
        if self.buf.len() >= Self::CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.err.is_none()
            && let Err(e) = self.w.write_all(self.buf.as_bytes())
        {
            self.err = Some(e);
        }
        self.buf.clear();
    }

    fn finish(mut self) -> io::Result<()> {
        self.flush();
        self.err.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Header lines are made once per run of tables with the same titles and widths: in a
    /// report of several tables, each reads as it does alone.
    #[test]
    fn each_table_of_a_report_reads_as_alone() {
        use crate::analysis::common::{class, col};
        use std::sync::Arc;
        let layout = |title: &str, first: &str| {
            Arc::new(class(
                "t",
                title,
                vec![
                    col(first, ColumnClass::String),
                    col("Count", ColumnClass::Number),
                ],
            ))
        };
        let (a, b) = (layout("A", "Name"), layout("B", "Call"));
        let table = |class: &Arc<TableClass>, rows: &[(&str, u64)]| {
            let mut t = Table::new(Arc::clone(class), 0, 1);
            t.rows = rows
                .iter()
                .map(|&(n, c)| vec![Cell::Text(n.into()), Cell::Count(c)])
                .collect();
            t
        };
        // Same titles and widths, other titles, other widths, and back.
        let tables = [
            table(&a, &[("x", 1), ("y", 22)]),
            table(&a, &[("x", 3), ("z", 4)]),
            table(&b, &[("x", 1), ("y", 22)]),
            table(&a, &[("a much longer name", 5)]),
            table(&a, &[("x", 1), ("y", 123_456)]),
            table(&a, &[("x", 1), ("y", 22)]),
        ];
        let render = |tables: &[Table]| {
            let mut out = Vec::new();
            render_to(tables, (0, 1), None, &mut Clock::new(true), &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            // Without the `Timerange:` line.
            text.split_once('\n').unwrap().1.to_owned()
        };
        let alone: String = tables
            .iter()
            .map(|t| render(std::slice::from_ref(t)))
            .collect();
        assert_eq!(render(&tables), alone);
        assert!(alone.contains("Call  Count\n"), "{alone}");
    }

    #[test]
    fn sizes_print_as_their_float_quotients_and_their_widths_match() {
        let mut edges: Vec<u64> = Vec::new();
        for u in 0..5u32 {
            let shift = 10 * u;
            for p in [1u128, 10, 100, 1000, 1024] {
                // Where the size in this unit rounds up to `p` (p - 0.005, in hundredths),
                // and the unit boundary itself.
                let tie = ((p * 200 - 1) << shift) / 200;
                for at in [tie, p << shift] {
                    let at = u64::try_from(at).unwrap_or(u64::MAX);
                    edges.extend(at.saturating_sub(4)..at.saturating_add(4));
                }
            }
        }
        // Exact ties in hundredths of a unit: odd multiples of 2^(10u - 3) (1.125 KiB).
        for u in 1..5 {
            edges.extend((1..20_000u64).step_by(2).map(|m| m << (10 * u - 3)));
        }
        edges.extend((0..200_000).map(|i| i * 7919));
        edges.extend([(1 << 53) - 1, 999 << 40, 1 << 50]);
        let (mut out, mut float) = (String::new(), String::new());
        for b in edges {
            out.clear();
            float.clear();
            write_size(b, &mut out);
            float_size(b, &mut float);
            assert_eq!(out, float, "{b} bytes");
            if let Some(n) = size_len(b) {
                assert_eq!(n, out.len(), "{b} bytes: {out}");
            }
        }
    }

    /// A table of `n` rows of one count column.
    fn counts(n: u64) -> Table {
        use crate::analysis::table::Column;
        let class =
            crate::analysis::common::class("log", "Counts", vec![Column::counted("N", "calls")]);
        let mut t = Table::new(class, 0, 0);
        t.rows = (0..n).map(|i| vec![Cell::Count(i * 1_000)]).collect();
        t
    }

    #[test]
    fn a_report_larger_than_a_chunk_is_written_whole_and_in_order() {
        let n = 300_000;
        let mut out = Vec::new();
        let mut clock = Clock::new(true);
        render_to(&[counts(n)], (0, 0), None, &mut clock, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.len() > 2 * Sink::CHUNK, "{} bytes", text.len());
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("Timerange: [1970-01-01 00:00:00.000000000, 1970-01-01 00:00:00.000000000]")
        );
        assert_eq!(lines.next(), Some(""));
        assert_eq!(lines.next(), Some("Counts"));
        assert_eq!(lines.next(), Some("N"));
        let rows: Vec<u64> = lines.map(|l| l.parse().unwrap()).collect();
        assert_eq!(rows, (0..n).map(|i| i * 1_000).collect::<Vec<_>>());
    }

    /// A writer that fails once `left` bytes have gone through.
    struct Closing {
        left: usize,
        calls: usize,
    }

    impl Write for Closing {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.left == 0 {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            let n = b.len().min(self.left);
            self.left -= n;
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_write_error_ends_the_report_and_is_returned() {
        let mut w = Closing { left: 10, calls: 0 };
        let mut clock = Clock::new(true);
        let e = render_to(&[counts(300_000)], (0, 0), None, &mut clock, &mut w).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe);
        // Nothing is written after the first error: one accepted write, one refused.
        assert_eq!(w.calls, 2);
    }

    /// Durations from 0 to far beyond any trace, dense near the integer path's bound.
    fn sample_ns() -> Vec<u64> {
        let mut v: Vec<u64> = (0..5_000).collect();
        v.extend([
            999_999,
            1_000_000,
            123_456_789,
            u64::from(u32::MAX),
            u64::MAX,
        ]);
        v.extend(((1u64 << 52) - 2_000..(1 << 52) + 2_000).step_by(7));
        let mut x = 1u64;
        for _ in 0..200_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            v.push(x >> (x % 64));
        }
        v
    }

    #[test]
    fn durations_print_as_float_formatting_prints_them() {
        for ns in sample_ns() {
            let mut s = String::new();
            micros(ns, &mut s);
            assert_eq!(s, format!("{:.3}", ns as f64 / 1000.0), "{ns}");
        }
    }

    #[test]
    fn clock_prints_as_the_format_string_did() {
        let mut clock = Clock::new(true);
        for ns in sample_ns().into_iter().map(|n| n as i64) {
            let secs = ns.div_euclid(1_000_000_000);
            let frac = ns.rem_euclid(1_000_000_000);
            let (y, mo, d) = civil(secs.div_euclid(86_400));
            let s = secs.rem_euclid(86_400);
            let expected = format!(
                "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}.{frac:09}",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            assert_eq!(clock.full(ns), expected);
            assert_eq!(clock.time(ns), expected[11..]);
        }
    }

    #[test]
    fn computed_cell_widths_are_the_rendered_widths() {
        use compact_str::CompactString;
        let mut cells = vec![
            Cell::Empty,
            Cell::Unknown,
            Cell::Bool(true),
            Cell::Bool(false),
        ];
        let numbers = sample_ns();
        for &n in numbers.iter().step_by(97) {
            let i = n as i64;
            cells.extend([
                Cell::Count(n),
                Cell::Duration(n),
                Cell::Size(n),
                Cell::Timestamp(i),
                Cell::TimeRange {
                    begin_ns: i,
                    end_ns: i.wrapping_neg(),
                },
                Cell::Fd(i),
                Cell::Fd(i.wrapping_neg()),
                Cell::Cpu(n as u32),
                Cell::Number(n as f64 / 7.0),
                Cell::Ratio(n as f64 / 1e9),
                Cell::Bitrate(n as f64),
                Cell::process(Some("ksoftirqd/0"), Some(i), None),
                Cell::process(None::<&str>, None, Some(i.wrapping_neg())),
            ]);
        }
        for name in ["", "a", "chrome", "naïve ünïcode", "日本語", "trailing "] {
            let s = CompactString::new(name);
            cells.extend([
                Cell::Text(s.clone()),
                Cell::Syscall(s.clone()),
                Cell::Path(name.into()),
                Cell::Disk(s.clone()),
                Cell::Part(s.clone()),
                Cell::Netif(s.clone()),
                Cell::process(Some(name), None, None),
                Cell::process(Some(name), Some(1), Some(2)),
                Cell::Irq {
                    nr: 3,
                    hard: true,
                    name: Some(s),
                },
            ]);
        }
        let mut clock = Clock::new(true);
        let mut scratch = String::new();
        for c in &cells {
            let text = cell(c, &mut clock);
            assert_eq!(
                cell_width(c, &mut clock, &mut scratch),
                text.chars().count(),
                "{c:?} renders as {text:?}"
            );
        }
    }

    #[test]
    fn columns_are_padded_to_their_widest_cell_without_trailing_spaces() {
        use crate::analysis::table::Column;
        let class = crate::analysis::common::class(
            "log",
            "Log",
            vec![
                Column::counted("N", "calls"),
                Column::counted("Name", "calls"),
                Column::counted("Last", "calls"),
            ],
        );
        let mut t = Table::new(class, 0, 0);
        t.rows = vec![
            vec![Cell::Count(12345), Cell::Text("é".into()), Cell::Count(1)],
            vec![Cell::Count(1), Cell::Text("long name".into()), Cell::Empty],
            vec![Cell::Empty, Cell::Empty, Cell::Count(7)],
        ];
        let mut out = Vec::new();
        render_to(&[t], (0, 0), None, &mut Clock::new(true), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let body: Vec<&str> = text.lines().skip(3).collect();
        assert_eq!(
            body,
            [
                "N      Name       Last",
                "12345  é          1",
                "1      long name",
                "                  7",
            ]
        );
    }
}

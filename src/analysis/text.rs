//! Text output as lttng-analyses prints it: a `Timerange:` line, then each table aligned,
//! with bar graphs for the top tables and histograms. Durations in µs, 3 decimals.

use std::fmt::Write as _;

use super::table::{Cell, ColumnClass, Table};
use crate::pretty::tz::LocalZone;
use crate::pretty::tzrule::days_from_civil;

/// Formats timestamps in UTC or local time.
#[derive(Debug)]
pub struct Clock {
    zone: LocalZone,
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
        let (_, s, frac) = self.split(ns);
        clock_time(s, frac, out);
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
    digits(s / 3600, 2, out);
    out.push(':');
    digits(s / 60 % 60, 2, out);
    out.push(':');
    digits(s % 60, 2, out);
    out.push('.');
    digits(frac, 9, out);
}

/// Appends `v` (0 ≤ v < 10^width, else printed in full) zero-padded to `width` digits.
fn digits(v: i64, width: usize, out: &mut String) {
    let mut buf = [b'0'; 20];
    let mut n = v.unsigned_abs();
    let mut i = buf.len();
    while n > 0 {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    if v < 0 {
        out.push('-');
    }
    // Only ASCII digits were written.
    out.push_str(std::str::from_utf8(&buf[start..]).unwrap_or_default());
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
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.2} {}", UNITS[u])
    }
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
        Cell::Count(n) => {
            let _ = write!(out, "{n}");
        }
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
        Cell::Size(b) => out.push_str(&size(*b)),
        Cell::Bitrate(v) => {
            let _ = write!(out, "{v:.0} bps");
        }
        Cell::Bool(b) => {
            if *b {
                out.push('*');
            }
        }
        Cell::Text(s)
        | Cell::Syscall(s)
        | Cell::Path(s)
        | Cell::Disk(s)
        | Cell::Part(s)
        | Cell::Netif(s) => out.push_str(s),
        Cell::TimeRange { begin_ns, end_ns } => {
            out.push('[');
            clock.write_time(*begin_ns, out);
            out.push_str(", ");
            clock.write_time(*end_ns, out);
            out.push(']');
        }
        Cell::Process { name, pid, tid } => {
            out.push_str(name.as_deref().unwrap_or("Unknown"));
            let _ = match (pid, tid) {
                (_, Some(t)) => write!(out, " ({t})"),
                (Some(p), None) => write!(out, " ({p})"),
                (None, None) => write!(out, " (N/A)"),
            };
        }
        Cell::Fd(fd) => {
            let _ = write!(out, "{fd}");
        }
        Cell::Irq { nr, name, .. } => {
            let _ = write!(out, "{} ({nr})", name.as_deref().unwrap_or(""));
        }
        Cell::Cpu(id) => {
            let _ = write!(out, "CPU {id}");
        }
    }
}

/// A duration in ns as µs with 3 decimals, exactly as `format!("{:.3}", ns as f64 / 1000.0)`
/// prints it: integer arithmetic below 2^52 ns (about 52 days), where the `f64` quotient is
/// within 0.0005 of the exact one and so rounds to it; that formatting itself above.
fn micros(ns: u64, out: &mut String) {
    if ns < 1 << 52 {
        let _ = write!(out, "{}.", ns / 1000);
        digits((ns % 1000) as i64, 3, out);
    } else {
        let _ = write!(out, "{:.3}", ns as f64 / 1000.0);
    }
}

/// The value a bar graph plots for this table, if it is drawn as one.
fn bar_column(t: &Table) -> Option<usize> {
    let n = t.class.name.as_str();
    if n.starts_with("freq") {
        return Some(2);
    }
    if matches!(n, "allocd" | "freed") {
        return Some(1);
    }
    if matches!(n, "per-process" | "per-cpu") {
        return t
            .class
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

fn bars(t: &Table, col: usize, clock: &mut Clock, out: &mut String) {
    let max = t
        .rows
        .iter()
        .filter_map(|r| r.get(col))
        .map(magnitude)
        .fold(0.0, f64::max);
    let vals: Vec<String> = t
        .rows
        .iter()
        .map(|r| r.get(col).map_or(String::new(), |c| cell(c, clock)))
        .collect();
    let w = vals.iter().map(|v| v.chars().count()).max().unwrap_or(0);
    for (r, v) in t.rows.iter().zip(&vals) {
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

fn aligned(t: &Table, clock: &mut Clock, out: &mut String) {
    // Every cell's text in one buffer, with (end offset, width in chars) per cell, row-major
    // after the header row.
    let ncol = t.class.columns.len();
    let mut text = String::new();
    let mut cells: Vec<(usize, usize)> = Vec::with_capacity((t.rows.len() + 1) * ncol);
    let mut widths = vec![0usize; ncol];
    let mut add = |text: &mut String, start: usize, i: usize| {
        let w = text[start..].chars().count();
        if let Some(m) = widths.get_mut(i) {
            *m = (*m).max(w);
        }
        cells.push((text.len(), w));
    };
    for (i, c) in t.class.columns.iter().enumerate() {
        let start = text.len();
        text.push_str(&c.title);
        add(&mut text, start, i);
    }
    let mut row_len = vec![ncol];
    // Cells beyond the header's columns are not printed.
    for r in &t.rows {
        for (i, c) in r.iter().take(ncol).enumerate() {
            let start = text.len();
            write_cell(c, clock, &mut text);
            add(&mut text, start, i);
        }
        row_len.push(r.len().min(ncol));
    }
    let mut start = 0;
    let mut k = 0;
    for n in row_len {
        let line = out.len();
        for (i, &(end, w)) in cells[k..k + n].iter().enumerate() {
            if i > 0 {
                out.push_str("  ");
            }
            out.push_str(&text[start..end]);
            // Padded to the column's width, in chars, like `{:<w$}`.
            let pad = widths.get(i).map_or(0, |&m| m.saturating_sub(w));
            spaces(pad, out);
            start = end;
        }
        k += n;
        let kept = out[line..].trim_end().len();
        out.truncate(line + kept);
        out.push('\n');
    }
}

/// Renders `tables` (one report) with a leading `Timerange:` line and an optional warning.
pub fn render(
    tables: &[Table],
    range: (i64, i64),
    warning: Option<&str>,
    clock: &mut Clock,
) -> String {
    let mut out = String::new();
    out.push_str("Timerange: [");
    clock.write_full(range.0, &mut out);
    out.push_str(", ");
    clock.write_full(range.1, &mut out);
    out.push_str("]\n");
    if let Some(w) = warning {
        let _ = writeln!(out, "Warning: {w}");
    }
    for t in tables {
        if let [row] = &t.rows[..]
            && row.len() == 1
        {
            // One figure (total CPU usage): `Title: value`, as lttng-analyses prints it.
            let _ = writeln!(out, "\n{}: {}", t.title(), cell(&row[0], clock));
            continue;
        }
        let _ = writeln!(out, "\n{}", t.title());
        match bar_column(t) {
            Some(c) if !t.rows.is_empty() => bars(t, c, clock, &mut out),
            _ if t.rows.is_empty() => out.push_str("(none)\n"),
            _ => aligned(t, clock, &mut out),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

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
        let secs = ns.div_euclid(1_000_000_000);
        let frac = ns.rem_euclid(1_000_000_000);
        let local = secs + self.zone.offset_at(secs);
        let (y, mo, d) = civil(local.div_euclid(86_400));
        let s = local.rem_euclid(86_400);
        format!(
            "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}.{frac:09}",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }

    /// `hh:mm:ss.nnnnnnnnn`.
    pub fn time(&mut self, ns: i64) -> String {
        self.full(ns).split_off(11)
    }

    /// The UTC offset (s) in force at `secs`, for parsing local times.
    pub fn offset_at(&mut self, secs: i64) -> i64 {
        self.zone.offset_at(secs)
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
    match c {
        Cell::Empty => String::new(),
        Cell::Unknown => "?".into(),
        Cell::Count(n) => n.to_string(),
        Cell::Number(v) => format!("{v:.2}"),
        Cell::Ratio(v) => format!("{:.2} %", v * 100.0),
        Cell::Timestamp(ns) => format!("[{}]", clock.time(*ns)),
        Cell::Duration(ns) => format!("{:.3}", *ns as f64 / 1000.0),
        Cell::Size(b) => size(*b),
        Cell::Bitrate(v) => format!("{v:.0} bps"),
        Cell::Bool(b) => {
            if *b {
                "*".into()
            } else {
                String::new()
            }
        }
        Cell::Text(s)
        | Cell::Syscall(s)
        | Cell::Path(s)
        | Cell::Disk(s)
        | Cell::Part(s)
        | Cell::Netif(s) => s.clone(),
        Cell::TimeRange { begin_ns, end_ns } => {
            format!("[{}, {}]", clock.time(*begin_ns), clock.time(*end_ns))
        }
        Cell::Process { name, pid, tid } => {
            let n = name.as_deref().unwrap_or("Unknown");
            match (pid, tid) {
                (_, Some(t)) => format!("{n} ({t})"),
                (Some(p), None) => format!("{n} ({p})"),
                (None, None) => format!("{n} (N/A)"),
            }
        }
        Cell::Fd(fd) => fd.to_string(),
        Cell::Irq { nr, name, .. } => format!("{} ({nr})", name.as_deref().unwrap_or("")),
        Cell::Cpu(id) => format!("CPU {id}"),
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
    let mut grid: Vec<Vec<String>> =
        vec![t.class.columns.iter().map(|c| c.title.clone()).collect()];
    grid.extend(
        t.rows
            .iter()
            .map(|r| r.iter().map(|c| cell(c, clock)).collect()),
    );
    let ncol = t.class.columns.len();
    let widths: Vec<usize> = (0..ncol)
        .map(|i| {
            grid.iter()
                .filter_map(|r| r.get(i))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in &grid {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(s, w)| format!("{s:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
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
    let _ = writeln!(
        out,
        "Timerange: [{}, {}]",
        clock.full(range.0),
        clock.full(range.1)
    );
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

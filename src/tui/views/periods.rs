//! The Periods tab: the duration histogram of the selected instance's period with its
//! percentiles above the instances (sorted by a column, `s` for the next); Enter draws the
//! drill-down and `c` the comparison ([`super::period_detail`]).
//!
//! ```text
//! ┌ Periods, slowest first (sort: duration) ─────────────────────────────────────┐
//! │ request: duration histogram (log)    │ 312 instances  p50 21.3 ms  p90 …   │
//! │  ▁▃█▆▂      ▁                        │                                      │
//! │ duration▼       CPU   wait CPU   blocked  period      begin        captures │
//! │  5.012 s    1.2 ms      40 µs   5.010 s  request     10:00:04.1   tid = …  │
//! └──────────────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::framed;
use super::period_detail;
use crate::analysis::latency::Histogram;
use crate::tui::app::App;
use crate::tui::periods::{SortKey, hist_height};
use crate::tui::timefmt::{clock, duration};

/// A duration for a table cell.
pub fn dur(ns: u64) -> String {
    duration(i64::try_from(ns).unwrap_or(i64::MAX))
}

/// Draws the tab.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let p = &app.periods;
    if p.compare.is_some() || p.open.is_some() {
        period_detail::render(app, frame, area);
        return;
    }
    let busy = if p.computing {
        " finding periods…"
    } else {
        ""
    };
    let order = match p.sort {
        SortKey::Duration => "slowest".to_owned(),
        k => format!("most {}", k.label()),
    };
    let title = format!(" Periods, {order} first (sort: {}){busy} ", p.sort.label());
    let mut inner = framed(app, frame, area, title, false);
    if let Some(e) = &p.def_error {
        let n = u16::try_from(e.lines().count())
            .unwrap_or(3)
            .min(inner.height);
        let [err, rest] =
            Layout::vertical([Constraint::Length(n), Constraint::Min(0)]).areas(inner);
        let lines: Vec<Line> = e
            .lines()
            .map(|l| Line::styled(l.to_owned(), app.styles.get("status.error")))
            .collect();
        frame.render_widget(Paragraph::new(lines), err);
        inner = rest;
    }
    let message = |text: &str| Paragraph::new(Line::raw(text.to_owned()));
    if let Some(e) = &p.error {
        frame.render_widget(message(&format!("cannot find the periods: {e}")), inner);
        return;
    }
    if app.preset.as_ref().is_none_or(|v| v.periods.is_empty()) {
        let text = "no periods: start with --view NAME (web-requests, ...) or --period, \
                    or add one with :period NAME : BEGIN : END";
        frame.render_widget(message(text), inner);
        return;
    }
    if p.rows.is_empty() {
        let text = if !app.index.done {
            "waiting for the index to complete…"
        } else if p.computing {
            "finding periods…"
        } else {
            "no complete instance"
        };
        frame.render_widget(message(text), inner);
        return;
    }
    let hh = hist_height(app.size.1).min(inner.height);
    let [hist_area, list_area] =
        Layout::vertical([Constraint::Length(hh), Constraint::Min(0)]).areas(inner);
    if let Some(row) = p.rows.get(p.selected)
        && let Some(h) = p.hist(&row.name)
        && hh > 0
    {
        render_hist(app, frame, hist_area, &row.name, h);
    }
    render_list(app, frame, list_area);
}

fn render_list(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let p = &app.periods;
    let height = usize::from(area.height.saturating_sub(1));
    let mark = |k: SortKey, name: &str| {
        if p.sort == k {
            format!("{name}▼")
        } else {
            name.to_owned()
        }
    };
    let mut lines = vec![Line::styled(
        format!(
            "{:>11} {:>10} {:>10} {:>10}  {:<22} {:<18}  {}",
            mark(SortKey::Duration, "duration"),
            mark(SortKey::Cpu, "CPU"),
            mark(SortKey::WaitCpu, "wait CPU"),
            mark(SortKey::Blocked, "blocked"),
            "period",
            "begin",
            "captures"
        ),
        app.styles.get("ui.title"),
    )];
    let selected = app.styles.get("table.selected");
    for (i, r) in p.rows.iter().enumerate().skip(p.scroll).take(height) {
        let begin = clock(i64::try_from(r.begin).unwrap_or(i64::MAX), app.utc_offset_s);
        let (cpu, wait, blocked) = match r.tid {
            Some(_) => (dur(r.cpu_ns), dur(r.wait_cpu_ns), dur(r.blocked_ns)),
            None => ("-".into(), "-".into(), "-".into()),
        };
        let text = format!(
            "{:>11} {cpu:>10} {wait:>10} {blocked:>10}  {:<22} {:<18}  {}",
            dur(r.dur()),
            r.name,
            begin,
            r.captures
        );
        lines.push(if i == p.selected {
            Line::styled(text, selected)
        } else {
            Line::raw(text)
        });
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// Eighth blocks, empty to full.
const EIGHTHS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The histogram as vertical bars (two columns per bucket) with its axis on the left part,
/// the order statistics on the right.
fn render_hist(app: &App, frame: &mut Frame<'_>, area: Rect, name: &str, h: &Histogram) {
    let bars_w = u16::try_from(h.buckets.len() * 2 + 2).unwrap_or(u16::MAX);
    let [left, right] =
        Layout::horizontal([Constraint::Length(bars_w.max(24)), Constraint::Min(0)]).areas(area);
    let rows = usize::from(area.height.saturating_sub(2)).max(1);
    let peak = h.buckets.iter().map(|b| b.2).max().unwrap_or(0).max(1);
    let eighths: Vec<usize> = h
        .buckets
        .iter()
        .map(|b| {
            if b.2 == 0 {
                0
            } else {
                ((b.2 as f64 / peak as f64) * (rows * 8) as f64)
                    .ceil()
                    .max(1.0) as usize
            }
        })
        .collect();
    let mut lines = vec![Line::styled(
        format!("{name}: durations (log buckets)"),
        app.styles.get("ui.title"),
    )];
    for r in 0..rows {
        let floor = (rows - 1 - r) * 8;
        let text: String = eighths
            .iter()
            .map(|&e| {
                let c = EIGHTHS[e.saturating_sub(floor).min(8)];
                format!("{c}{c}")
            })
            .collect();
        lines.push(Line::raw(format!(" {text}")));
    }
    let (lo, hi) = (
        h.buckets.first().map_or(0, |b| b.0),
        h.buckets.last().map_or(0, |b| b.1),
    );
    let span = usize::from(bars_w).saturating_sub(2);
    let (a, z) = (dur(lo), dur(hi));
    let gap = span.saturating_sub(a.chars().count() + z.chars().count());
    lines.push(Line::styled(
        format!(" {a}{}{z}", " ".repeat(gap)),
        app.styles.get("ui.dim"),
    ));
    frame.render_widget(Paragraph::new(lines), left);
    let stats: Vec<Line> = match h.summary {
        None => vec![Line::raw("no instance")],
        Some(s) => vec![
            Line::raw(format!("instances {}", s.count)),
            Line::raw(format!("p50 {:>11}   min {:>11}", dur(s.p50), dur(s.min))),
            Line::raw(format!("p90 {:>11}   avg {:>11}", dur(s.p90), dur(s.avg))),
            Line::raw(format!("p99 {:>11}", dur(s.p99))),
            Line::raw(format!("max {:>11}", dur(s.max))),
        ],
    };
    frame.render_widget(Paragraph::new(stats), right);
}

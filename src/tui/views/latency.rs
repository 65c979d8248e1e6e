//! The Latency tab: one bar per bucket (its range on the left, its count on the right, the
//! bucket under the cursor marked), the order statistics beside it, and under it the
//! bucket's instances, slowest first.
//!
//! ```text
//! ┌ Block I/O latency, whole trace (log buckets) · c b w i kind ───┐┌ Statistics ──┐
//! │   1.2 µs –   2.5 µs ██████████████                        1234 ││ count  5678  │
//! │▶  2.5 µs –   5.1 µs ██████                                 456 ││ min    1.2 µs│
//! └────────────────────────────────────────────────────────────────┘└──────────────┘
//! ┌ Bucket 2.5 µs – 5.1 µs: 456 instances, slowest first (enter: Control flow) ─────┐
//! │ duration     time            thread            what                           │
//! │ 5.0 µs       12:00:01.123456 mysqld 2101        read 16 KiB sda sector 1234    │
//! └─────────────────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use super::framed;
use crate::analysis::latency::Scale;
use crate::analysis::latency_samples::LatencyKind;
use crate::config::keymap::Context;
use crate::tui::app::App;
use crate::tui::timefmt::{clock, duration};

/// Rows of the histogram box (20 buckets and borders at most) for a body of `body` rows.
fn hist_height(body: u16) -> u16 {
    let list_min = (body * 2 / 5).max(5);
    body.saturating_sub(list_min).clamp(3, 22).min(body)
}

/// Rows of instances the list shows on a terminal `height` rows high (tab bar and status
/// line excluded, then the histogram, the list's borders and header).
pub fn list_rows(height: u16) -> usize {
    let body = height.saturating_sub(2);
    usize::from(body.saturating_sub(hist_height(body)).saturating_sub(3))
}

fn dur(ns: u64) -> String {
    duration(i64::try_from(ns).unwrap_or(i64::MAX))
}

/// Draws the tab.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let [top, list_area] = Layout::vertical([
        Constraint::Length(hist_height(area.height)),
        Constraint::Min(0),
    ])
    .areas(area);
    let [hist_area, stats_area] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(24)]).areas(top);
    render_hist(app, frame, hist_area);
    render_stats(app, frame, stats_area);
    render_list(app, frame, list_area);
}

/// The keys bound to the kind commands, for the title (`c b w i`).
fn kind_keys(app: &App) -> String {
    let ctx = [Context::Latency];
    let keys: Vec<String> = ["syscall", "block", "sched", "irq"]
        .iter()
        .filter_map(|k| app.keymap.key_for(&ctx, &format!("latency_kind {k}")))
        .collect();
    keys.join(" ")
}

fn render_hist(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let l = &app.latency;
    let scale = match l.scale {
        Scale::Log => "log",
        Scale::Linear => "linear",
    };
    let over = if app.selection_ns().is_some() {
        "time selection"
    } else {
        "whole trace"
    };
    let busy = if l.computing { " computing…" } else { "" };
    let series = l
        .answer
        .as_ref()
        .filter(|_| l.shown_kind == l.kind)
        .and_then(|a| a.series.clone())
        .or_else(|| l.series.clone())
        .map_or_else(String::new, |s| format!(": {s}"));
    let keys = kind_keys(app);
    let hint = if keys.is_empty() {
        String::new()
    } else {
        format!(" · {keys} kind ")
    };
    let title = format!(
        " {}{series}, {over} ({scale} buckets){busy}{hint}",
        l.kind.title()
    );
    let inner = framed(app, frame, area, title, false);
    let Some(h) = l.hist.as_ref().filter(|_| l.shown_kind == l.kind) else {
        let text = if app.index.model.is_none() {
            "waiting for the index…"
        } else {
            "computing…"
        };
        frame.render_widget(Paragraph::new(text), inner);
        return;
    };
    if h.buckets.is_empty() {
        let what = match l.kind {
            LatencyKind::Syscall => "no complete system call",
            LatencyKind::Block => "no block request",
            LatencyKind::Sched => "no wake-up",
            LatencyKind::Irq => "no interrupt",
        };
        frame.render_widget(Paragraph::new(format!("{what} in this range")), inner);
        return;
    }
    let rows = usize::from(inner.height).max(1);
    // A window of buckets around the cursor when they do not all fit.
    let first = l
        .bucket
        .saturating_sub(rows / 2)
        .min(h.buckets.len().saturating_sub(rows));
    let peak = h.buckets.iter().map(|b| b.2).max().unwrap_or(0).max(1);
    let label_w = 24usize;
    let count_w = 9usize;
    let bar_w = usize::from(inner.width).saturating_sub(label_w + count_w + 3);
    let selected = app.styles.get("table.selected");
    let lines: Vec<Line> = h
        .buckets
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, &(lo, hi, n))| {
            let len = if n == 0 {
                0
            } else {
                ((n as f64 / peak as f64) * bar_w as f64).ceil() as usize
            };
            let mark = if i == l.bucket { "▶" } else { " " };
            let range = format!("{:>10} – {:>10}", dur(lo), dur(hi));
            let text = format!(
                "{mark}{range:<label_w$} {:<bar_w$} {n:>count_w$}",
                "█".repeat(len.min(bar_w))
            );
            if i == l.bucket {
                Line::styled(text, selected)
            } else {
                Line::raw(text)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_stats(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Statistics ")
        .border_style(app.styles.get("ui.border"));
    let l = &app.latency;
    let s = l
        .hist
        .as_ref()
        .filter(|_| l.shown_kind == l.kind)
        .and_then(|h| h.summary);
    let lines: Vec<Line> = match s {
        None => vec![Line::raw("no sample")],
        Some(s) => [
            ("count", s.count.to_string()),
            ("min", dur(s.min)),
            ("avg", dur(s.avg)),
            ("p50", dur(s.p50)),
            ("p90", dur(s.p90)),
            ("p99", dur(s.p99)),
            ("max", dur(s.max)),
            ("stdev", s.stdev.map_or_else(|| "–".to_owned(), dur)),
        ]
        .into_iter()
        .map(|(k, v)| Line::raw(format!("{k:<6}{v:>15}")))
        .collect(),
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn render_list(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let l = &app.latency;
    let bucket = l
        .hist
        .as_ref()
        .filter(|_| l.shown_kind == l.kind)
        .and_then(|h| h.buckets.get(l.bucket));
    let shown = l.bucket_instances();
    let title = match bucket {
        Some(&(lo, hi, n)) => {
            let more = if (shown.len() as u64) < n {
                format!(", the {} slowest", shown.len())
            } else {
                String::new()
            };
            format!(
                " Bucket {} – {}: {n} instance(s){more}, slowest first ",
                dur(lo),
                dur(hi)
            )
        }
        None => " Instances ".to_owned(),
    };
    let inner = framed(app, frame, area, title, false);
    if inner.height == 0 {
        return;
    }
    let thread_head = match l.kind {
        LatencyKind::Syscall => "thread",
        LatencyKind::Block => "issued by",
        LatencyKind::Sched => "woken thread",
        LatencyKind::Irq => "interrupted",
    };
    // The time column only when the line has room for it and most of the description.
    let timed = inner.width >= 100;
    let time_head = if timed {
        format!("{:<18}  ", "time")
    } else {
        String::new()
    };
    let mut lines = vec![Line::raw(format!(
        "{:>11}  {time_head}{:<16} {}",
        "duration", thread_head, "what"
    ))];
    let rows = usize::from(inner.height.saturating_sub(1));
    let selected = app.styles.get("table.selected");
    for (i, x) in shown.iter().enumerate().skip(l.scroll).take(rows) {
        let at = if timed {
            let t = clock(i64::try_from(x.begin).unwrap_or(i64::MAX), app.utc_offset_s);
            format!("{t:<18}  ")
        } else {
            String::new()
        };
        let text = format!("{:>11}  {at}{:<16} {}", dur(x.dur()), x.who, x.what);
        lines.push(if i == l.row {
            Line::styled(text, selected)
        } else {
            Line::raw(text)
        });
    }
    if shown.is_empty() && bucket.is_some() {
        lines.push(Line::raw("(no instance in this bucket)"));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

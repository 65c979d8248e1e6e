//! The Latency tab: one bar per bucket (its range on the left, its count on the right) and
//! the order statistics beside it.
//!
//! ```text
//! ┌ Syscall latency (log buckets) ───────────────┐┌ Statistics ──┐
//! │   1.2 µs –   2.5 µs ██████████████    1234   ││ count  5678  │
//! │   2.5 µs –   5.1 µs ██████               456 ││ min    1.2 µs│
//! └──────────────────────────────────────────────┘└──────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::analysis::latency::Scale;
use crate::tui::app::App;
use crate::tui::timefmt::duration;

/// Draws the tab.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let [hist_area, stats_area] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(24)]).areas(area);
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
    let title = format!(" Syscall latency, {over} ({scale} buckets){busy} ");
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(app.styles.get("ui.border"));
    let inner = block.inner(hist_area);
    frame.render_widget(block, hist_area);
    let Some(h) = &l.hist else {
        let text = if app.index.model.is_none() {
            "waiting for the index…"
        } else {
            "computing…"
        };
        frame.render_widget(Paragraph::new(text), inner);
        render_stats(app, frame, stats_area);
        return;
    };
    let peak = h.buckets.iter().map(|b| b.2).max().unwrap_or(0).max(1);
    let label_w = 25usize;
    let count_w = 9usize;
    let bar_w = usize::from(inner.width).saturating_sub(label_w + count_w + 2);
    let lines: Vec<Line> = h
        .buckets
        .iter()
        .map(|&(lo, hi, n)| {
            let len = if n == 0 {
                0
            } else {
                ((n as f64 / peak as f64) * bar_w as f64).ceil() as usize
            };
            let range = format!("{:>11} – {:>11}", dur(lo), dur(hi));
            Line::raw(format!(
                "{range:<label_w$} {:<bar_w$} {n:>count_w$}",
                "█".repeat(len.min(bar_w))
            ))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    render_stats(app, frame, stats_area);
}

fn dur(ns: u64) -> String {
    duration(i64::try_from(ns).unwrap_or(i64::MAX))
}

fn render_stats(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Statistics ")
        .border_style(app.styles.get("ui.border"));
    let s = app.latency.hist.as_ref().and_then(|h| h.summary);
    let lines: Vec<Line> = match s {
        None => vec![Line::raw("no syscall")],
        Some(s) => [
            ("count", s.count.to_string()),
            ("min", dur(s.min)),
            ("avg", dur(s.avg)),
            ("p50", dur(s.p50)),
            ("p90", dur(s.p90)),
            ("p99", dur(s.p99)),
            ("max", dur(s.max)),
        ]
        .into_iter()
        .map(|(k, v)| Line::raw(format!("{k:<6}{v:>15}")))
        .collect(),
    };
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

//! The Periods tab: the preset's period instances, slowest first; Enter shows one
//! instance's syscalls, longest first, fds resolved (breadcrumbs in the title).
//!
//! ```text
//! ┌ Periods › request (tid = 2003, fd = 14) 5.012 s ───────────────────┐
//! │  duration   syscall         fd  target                      ret   │
//! │  5.001 s    select          12  8.8.6.6:53                  0     │
//! └────────────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::tui::app::App;
use crate::tui::timefmt::{clock, duration};

fn dur(ns: u64) -> String {
    duration(i64::try_from(ns).unwrap_or(i64::MAX))
}

/// Draws the tab.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let p = &app.periods;
    let busy = if p.computing {
        " finding periods…"
    } else {
        ""
    };
    let title = match &p.open {
        Some((i, _)) => p.rows.get(*i).map_or_else(String::new, |r| {
            format!(" Periods › {} ({}) {} ", r.name, r.captures, dur(r.dur()))
        }),
        None => format!(" Periods, slowest first{busy} "),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(app.styles.get("ui.border"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height.saturating_sub(1));
    let selected = app.styles.get("table.selected");
    let lines: Vec<Line> = match (&p.open, &p.error) {
        (_, Some(e)) => vec![Line::raw(format!("cannot find the periods: {e}"))],
        (Some((_, calls)), _) => {
            let mut v = vec![Line::raw(format!(
                "{:>12}  {:<16} {:>4}  {:<40} {:>8}",
                "duration", "syscall", "fd", "target", "ret"
            ))];
            for (i, c) in calls.iter().enumerate().skip(p.call_scroll).take(height) {
                let fd = if c.fd >= 0 {
                    c.fd.to_string()
                } else {
                    String::new()
                };
                let text = format!(
                    "{:>12}  {:<16} {:>4}  {:<40} {:>8}",
                    dur(c.dur),
                    c.name,
                    fd,
                    c.target.as_deref().unwrap_or(""),
                    c.ret
                );
                v.push(styled(text, i == p.call_selected, selected));
            }
            v
        }
        (None, None) if app.preset.as_ref().is_none_or(|v| v.periods.is_empty()) => {
            vec![Line::raw(
                "no periods: start with --view NAME (web-requests, syscall-latency, ...)",
            )]
        }
        (None, None) if p.rows.is_empty() => vec![Line::raw(if app.index.done {
            "finding periods…"
        } else {
            "waiting for the index to complete…"
        })],
        (None, None) => {
            let mut v = vec![Line::raw(format!(
                "{:>12}  {:<24} {:<18}  {}",
                "duration", "period", "begin", "captures"
            ))];
            for (i, r) in p.rows.iter().enumerate().skip(p.scroll).take(height) {
                let begin = clock(i64::try_from(r.begin).unwrap_or(i64::MAX), app.utc_offset_s);
                let text = format!(
                    "{:>12}  {:<24} {:<18}  {}",
                    dur(r.dur()),
                    r.name,
                    begin,
                    r.captures
                );
                v.push(styled(text, i == p.selected, selected));
            }
            v
        }
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

fn styled(text: String, on: bool, style: ratatui::style::Style) -> Line<'static> {
    if on {
        Line::styled(text, style)
    } else {
        Line::raw(text)
    }
}

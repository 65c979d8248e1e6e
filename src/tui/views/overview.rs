//! The Overview tab: trace facts, then one line per CPU of how much event data it wrote over
//! the whole trace (from the packet index, so it is there at once), with the cursor and the
//! time selection.
//!
//! ```text
//! ┌ Trace ───────────────────────────────────────────────┐
//! │ host web-01   domain kernel   tracer lttng-modules 2.13 │
//! │ time …        events ~1.7 M   lost 0                  │
//! ├ Event data per CPU over time ─────────────────────────┤
//! │ CPU  0 ▁▂▃▅▇█▇▅▃▂▁                                    │
//! │ 12:00:00.000          ^ cursor             12:00:10.0 │
//! └───────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::super::app::App;
use super::super::facts::TraceFacts;
use super::super::timefmt;

const LEVELS: [char; 9] = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Width of the `CPU nn ` label column.
const LABEL: u16 = 7;

/// Draws the tab.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let Some(facts) = &app.facts else {
        let text = format!("Opening {} …", app.options.path.display());
        frame.render_widget(Paragraph::new(text).style(app.styles.get("ui.dim")), area);
        return;
    };
    let fact_lines = fact_lines(app, facts);
    let facts_h = u16::try_from(fact_lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(area.height / 2)
        .max(3);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(facts_h), Constraint::Min(0)]).areas(area);
    let block = titled(app, "Trace");
    frame.render_widget(Paragraph::new(fact_lines).block(block), top);
    let tops_h = if app.top.tables.is_empty() {
        0
    } else {
        u16::try_from(super::overview_top::ROWS + 1).unwrap_or(6)
    };
    let [bottom, tops] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(tops_h)]).areas(bottom);
    if tops_h > 0 {
        super::overview_top::render(app, frame, tops);
    }
    let block = titled(app, "Event data per CPU over time (from the packet index)");
    let inner = block.inner(bottom);
    frame.render_widget(block, bottom);
    render_activity(app, facts, frame, inner);
}

fn titled<'a>(app: &App, title: &'a str) -> Block<'a> {
    Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(
            format!(" {title} "),
            app.styles.get("ui.title"),
        ))
        .border_style(app.styles.get("ui.border"))
}

fn fact_lines(app: &App, f: &TraceFacts) -> Vec<Line<'static>> {
    let label = app.styles.get("overview.label");
    let row = |k: &str, v: String| {
        Line::from(vec![Span::styled(format!(" {k:<10}"), label), Span::raw(v)])
    };
    let mut lines = Vec::new();
    for t in &f.traces {
        let mut parts = Vec::new();
        for (k, v) in [
            ("host", &t.hostname),
            ("domain", &t.domain),
            ("tracer", &t.tracer),
            ("kernel", &t.kernel_release),
        ] {
            if let Some(v) = v {
                parts.push(format!("{k} {v}"));
            }
        }
        parts.push(format!("{} streams, {} packets", t.streams, t.packets));
        lines.push(row("trace", parts.join("   ")));
    }
    if let Some((lo, hi)) = f.range_ns {
        let off = app.utc_offset_s;
        let text = format!(
            "{} {} → {}  ({})",
            timefmt::date(lo, off),
            timefmt::clock(lo, off),
            timefmt::clock(hi, off),
            timefmt::duration(hi - lo)
        );
        lines.push(row("time", text));
    }
    let mb = f.event_bytes as f64 / 1e6;
    lines.push(row(
        "events",
        format!(
            "~{} (estimated from {mb:.1} MB of event data)",
            human_count(f.events_estimate)
        ),
    ));
    lines.push(row("CPUs", f.cpus.len().to_string()));
    let lost = if f.discarded_events + f.discarded_packets == 0 {
        Span::raw("none")
    } else {
        let text = format!(
            "{} events discarded, {} packets missing",
            f.discarded_events, f.discarded_packets
        );
        Span::styled(text, app.styles.get("status.warning"))
    };
    lines.push(Line::from(vec![
        Span::styled(format!(" {:<10}", "lost"), label),
        lost,
    ]));
    lines.push(row("path", f.root.display().to_string()));
    if !f.warnings.is_empty() {
        lines.push(row("warnings", format!("{} (press W)", f.warnings.len())));
    }
    lines
}

/// `1234567` → `1.23 M`.
pub fn human_count(n: u64) -> String {
    let v = n as f64;
    if v >= 1e9 {
        format!("{:.2} G", v / 1e9)
    } else if v >= 1e6 {
        format!("{:.2} M", v / 1e6)
    } else if v >= 1e4 {
        format!("{:.1} k", v / 1e3)
    } else {
        n.to_string()
    }
}

/// The activity of each CPU averaged into `width` columns, scaled so the busiest column of
/// the screen is a full block.
fn columns(facts: &TraceFacts, width: usize) -> Vec<Vec<f32>> {
    let cols: Vec<Vec<f32>> = facts
        .activity
        .iter()
        .map(|buckets| {
            let n = buckets.len();
            (0..width)
                .map(|c| {
                    let a = c * n / width;
                    let b = ((c + 1) * n / width).max(a + 1).min(n);
                    let slice = buckets.get(a..b).unwrap_or(&[]);
                    slice.iter().sum::<f32>() / slice.len().max(1) as f32
                })
                .collect()
        })
        .collect();
    let max = cols.iter().flatten().copied().fold(0.0f32, f32::max);
    cols.into_iter()
        .map(|row| {
            row.into_iter()
                .map(|v| if max > 0.0 { v / max } else { 0.0 })
                .collect()
        })
        .collect()
}

fn render_activity(app: &App, facts: &TraceFacts, frame: &mut Frame<'_>, area: Rect) {
    let Some((lo, hi)) = facts.range_ns else {
        return;
    };
    if area.width <= LABEL + 2 || area.height == 0 {
        return;
    }
    let width = usize::from(area.width - LABEL - 1);
    let col_of = |t: i64| {
        (((t - lo) as f64 / (hi - lo).max(1) as f64) * width as f64).clamp(0.0, (width - 1) as f64)
            as usize
    };
    let cursor = app.cursor_ns.map(col_of);
    let sel = app.selection.span().map(|(a, b)| (col_of(a), col_of(b)));
    let s = &app.styles;
    let rows_room = usize::from(area.height.saturating_sub(1));
    let mut lines = Vec::new();
    let cols = columns(facts, width);
    let shown = if facts.cpus.len() > rows_room {
        rows_room.saturating_sub(1)
    } else {
        facts.cpus.len()
    };
    for (cpu, row) in facts.cpus.iter().zip(&cols).take(shown) {
        let mut spans = vec![Span::styled(
            format!("CPU {cpu:>2} "),
            s.get("overview.label"),
        )];
        for (c, v) in row.iter().enumerate() {
            let level = if *v <= 0.0 {
                0
            } else {
                ((v * 8.0).ceil() as usize).clamp(1, 8)
            };
            let mut style: Style = s.get("overview.activity");
            if sel.is_some_and(|(a, b)| c >= a && c <= b) {
                style = style.patch(s.get("overview.selection"));
            }
            if cursor == Some(c) {
                style = style.patch(s.get("overview.cursor"));
            }
            spans.push(Span::styled(LEVELS[level].to_string(), style));
        }
        lines.push(Line::from(spans));
    }
    if shown < facts.cpus.len() {
        lines.push(Line::styled(
            format!(
                "        … {} more CPUs (enlarge the window)",
                facts.cpus.len() - shown
            ),
            s.get("ui.dim"),
        ));
    }
    lines.push(ruler(app, lo, hi, width));
    frame.render_widget(Paragraph::new(lines), area);
}

/// `start … cursor … end` under the chart.
fn ruler(app: &App, lo: i64, hi: i64, width: usize) -> Line<'static> {
    let off = app.utc_offset_s;
    let start = timefmt::clock(lo, off);
    let end = timefmt::clock(hi, off);
    let mid = app
        .cursor_ns
        .map(|c| {
            format!(
                "cursor {} (+{})",
                timefmt::clock(c, off),
                timefmt::duration(c - lo)
            )
        })
        .unwrap_or_default();
    let total = width + usize::from(LABEL);
    let used = start.chars().count() + end.chars().count() + mid.chars().count();
    let gap = total.saturating_sub(used + usize::from(LABEL));
    let text = format!(
        "{}{start}{}{mid}{}{end}",
        " ".repeat(usize::from(LABEL)),
        " ".repeat(gap / 2),
        " ".repeat(gap - gap / 2)
    );
    Line::styled(text, app.styles.get("ui.dim"))
}

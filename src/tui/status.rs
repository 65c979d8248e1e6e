//! The status line: mode, message or progress, time selection, lost-event badge, help hint.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::App;
use super::timefmt;

/// Draws the status line.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let s = &app.styles;
    let mode = format!(" {} ", app.tab.title().to_uppercase());
    let mut left = vec![Span::styled(mode, s.get("status.mode")), Span::raw(" ")];
    if let Some(f) = app.search.running {
        left.push(Span::styled(
            format!("searching `{}` {:>3.0}% ", app.search.pattern, f * 100.0),
            s.get("status.progress"),
        ));
    } else if app.facts.is_none() && app.open_error.is_none() {
        left.push(Span::styled(
            "reading metadata and packet index… ",
            s.get("status.progress"),
        ));
    } else if let Some(m) = &app.message {
        let style = if m.error {
            s.get("status.error")
        } else {
            s.get("status")
        };
        left.push(Span::styled(format!("{} ", m.text), style));
    }
    let mut right = Vec::new();
    if let Some(t) = app.selection.start_ns {
        let text = match app.selection.span() {
            Some((a, b)) => format!(
                " sel {} → {} ({}) ",
                timefmt::clock(a, app.utc_offset_s),
                timefmt::clock(b, app.utc_offset_s),
                timefmt::duration(b - a)
            ),
            None => format!(" sel from {} ", timefmt::clock(t, app.utc_offset_s)),
        };
        right.push(Span::styled(text, s.get("status.selection")));
    }
    if let Some(text) = app.index.status_text() {
        right.push(Span::styled(format!(" {text} "), s.get("status.progress")));
    }
    // The packet index counts what the tracer dropped; the model also knows lost windows
    // the packet headers do not count.
    let from_packets = app
        .facts
        .as_ref()
        .map_or(0, |f| f.discarded_events + f.discarded_packets);
    let lost = from_packets.max(app.index.lost_events());
    if lost > 0 {
        let text = format!(" ⚠ {lost} lost ");
        right.push(Span::styled(text, s.get("status.warning")));
    }
    if !app.pending_keys.is_empty() {
        let keys = crate::config::key::seq_to_string(&app.pending_keys);
        right.push(Span::styled(format!(" {keys}… "), s.get("status.progress")));
    }
    let hint = app
        .keymap
        .key_for(&app.contexts(), "show_help")
        .map(|k| format!(" {k} help "))
        .unwrap_or_default();
    right.push(Span::styled(hint, s.get("status")));
    let right_w: usize = right.iter().map(Span::width).sum();
    let width = usize::from(area.width);
    // The right side wins on narrow screens: the badges matter more than the message.
    let mut spans: Vec<Span<'_>> = Vec::new();
    let mut used = 0;
    for span in left {
        let w = span.width();
        if used + w + right_w > width {
            let room = width.saturating_sub(used + right_w);
            let text: String = span.content.chars().take(room).collect();
            used += text.chars().count();
            spans.push(Span::styled(text, span.style));
            break;
        }
        used += w;
        spans.push(span);
    }
    spans.push(Span::raw(" ".repeat(width.saturating_sub(used + right_w))));
    spans.extend(right);
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(s.get("status")),
        area,
    );
}

//! The `?` overlay, generated from the active keymap so it always matches what keys do, and
//! the warnings list.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::config::key::seq_to_string;
use crate::config::keymap::Context;

use super::super::app::App;
use super::super::style::Styles;

/// The help text: per context, each command with all its keys and its description.
pub fn help_lines(app: &App) -> Vec<Line<'static>> {
    let s = &app.styles;
    let mut lines = Vec::new();
    for ctx in Context::ALL {
        let bindings = app.keymap.bindings(ctx);
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(format!("[{ctx}]"), s.get("popup.title")));
        // One line per command: its keys joined, in the order the keymap lists them.
        let mut seen: Vec<(&str, Vec<String>, &str)> = Vec::new();
        for b in bindings {
            let keys = seq_to_string(&b.keys);
            match seen.iter_mut().find(|(run, _, _)| *run == b.run) {
                Some(entry) => entry.1.push(keys),
                None => seen.push((&b.run, vec![keys], &b.desc)),
            }
        }
        for (run, keys, desc) in seen {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<18}", keys.join(", ")), s.get("popup.key")),
                Span::styled(format!("{run:<20}"), s.get("popup")),
                Span::styled(desc.to_string(), s.get("ui.dim")),
            ]));
        }
    }
    lines
}

/// The warnings text.
pub fn warning_lines(app: &App) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = app
        .warnings
        .iter()
        .map(|w| Line::raw(w.to_string()))
        .collect();
    if let Some(f) = &app.facts {
        lines.extend(f.warnings.iter().map(|w| Line::raw(format!("trace: {w}"))));
    }
    if lines.is_empty() {
        lines.push(Line::raw("No warnings."));
    }
    lines
}

/// Draws a centred scrolling popup.
pub fn render_popup(
    styles: &Styles,
    title: &str,
    lines: Vec<Line<'static>>,
    scroll: usize,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let width = area.width.saturating_sub(4).min(100);
    let height = area.height.saturating_sub(2);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(
            format!(" {title} "),
            styles.get("popup.title"),
        ))
        .border_style(styles.get("popup.border"))
        .style(styles.get("popup"));
    let scroll = scroll.min(lines.len().saturating_sub(1));
    let text = Paragraph::new(lines)
        .block(block)
        .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0));
    frame.render_widget(text, rect);
}

//! Drawing one frame from `&App`.
//!
//! ```text
//! ┌──────────────────────────────────────────────────────────────┐
//! │ lttng-tui │ 1 Overview │ 2 Events │            host  trace  │  tab bar
//! ├──────────────────────────────────────────────────────────────┤
//! │                                                              │
//! │   the current tab (views/overview.rs, views/events.rs)       │
//! │                                                              │
//! │   popups drawn over it, bottom first (layers/)               │
//! ├──────────────────────────────────────────────────────────────┤
//! │ EVENTS  message / search progress   selection  ⚠ lost  ? help│  status line
//! └──────────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::app::{App, Tab};
use super::layers::{Layer, help, prompt};
use super::views::{control_flow, events, latency, overview, periods, resources, top};
use super::{status, timefmt};

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame<'_>) {
    let area = frame.area();
    frame.render_widget(Block::default().style(app.styles.get("ui")), area);
    if area.height < 3 || area.width < 10 {
        frame.render_widget(Paragraph::new("lttng-tui: window too small"), area);
        return;
    }
    let [tabs, body, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_tabs(app, frame, tabs);
    if let Some(e) = &app.open_error {
        let text = vec![
            Line::styled("Cannot open the trace", app.styles.get("status.error")),
            Line::raw(e.clone()),
        ];
        frame.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: false }),
            body,
        );
    } else {
        match app.tab {
            Tab::Overview => overview::render(app, frame, body),
            Tab::ControlFlow => control_flow::render(app, frame, body),
            Tab::Resources => resources::render(app, frame, body),
            Tab::Top => top::render(app, frame, body),
            Tab::Events => events::render(app, frame, body),
            Tab::Latency => latency::render(app, frame, body),
            Tab::Periods => periods::render(app, frame, body),
        }
    }
    for layer in &app.layers {
        match layer {
            Layer::Help { scroll } => {
                let title = format!("Keys: keymap {} (esc closes)", app.keymap_name);
                help::render_popup(
                    &app.styles,
                    &title,
                    help::help_lines(app),
                    *scroll,
                    frame,
                    body,
                );
            }
            Layer::Warnings { scroll } => help::render_popup(
                &app.styles,
                "Warnings",
                help::warning_lines(app),
                *scroll,
                frame,
                body,
            ),
            Layer::Prompt(p) => prompt::render(app, p, frame, body),
        }
    }
    status::render(app, frame, status_area);
}

fn render_tabs(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let s = &app.styles;
    let mut spans = vec![Span::styled(" lttng-tui ", s.get("ui.title"))];
    for (i, tab) in Tab::ALL.iter().enumerate() {
        let style = if *tab == app.tab {
            s.get("tab.active")
        } else {
            s.get("tab")
        };
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!(" {} {} ", i + 1, tab.title()), style));
    }
    let right = match &app.facts {
        Some(f) => {
            let host = f
                .traces
                .iter()
                .find_map(|t| t.hostname.clone())
                .unwrap_or_default();
            let when = f
                .range_ns
                .map(|(lo, _)| timefmt::date(lo, app.utc_offset_s))
                .unwrap_or_default();
            format!("{host} {when} ")
        }
        None => "opening… ".to_string(),
    };
    let used: usize = spans.iter().map(Span::width).sum();
    let pad = usize::from(area.width).saturating_sub(used + right.chars().count());
    spans.push(Span::styled(" ".repeat(pad), s.get("tab")));
    spans.push(Span::styled(right, s.get("tab")));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(s.get("tab")), area);
}

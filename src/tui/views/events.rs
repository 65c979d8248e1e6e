//! The Events tab: the `dump` lines of the events around the cursor, decoded on demand.
//!
//! ```text
//! ┌ Events  filter: cpu:2   ────────────── 1234 rows loaded ┐
//! │ [12:00:00.000001] (+0.000001) host sched_switch: …       │  ← selected row
//! │ …                                                         │
//! ├ Selected event ───────────────────────────────────────────┤
//! │ the selected line, wrapped                                │
//! └───────────────────────────────────────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::super::app::App;
use super::super::source::Row;

/// Lines of the detail pane under the list.
const DETAIL: u16 = 3;

/// Draws the tab.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let s = &app.styles;
    let ev = &app.events;
    let detail_h = if area.height > 8 { DETAIL + 1 } else { 0 };
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(detail_h)]).areas(area);
    let filter = ev.filter.describe();
    let mut title = vec![Span::styled(" Events ", s.get("ui.title"))];
    if !filter.is_empty() {
        title.push(Span::styled(
            format!(" filter: {filter} "),
            s.get("status.selection"),
        ));
    }
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Line::from(title))
        .border_style(s.get("ui.border"));
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    let height = usize::from(inner.height);
    let mut lines: Vec<Line<'_>> = Vec::with_capacity(height);
    if ev.loading || (app.facts.is_none() && app.open_error.is_none()) {
        lines.push(Line::styled("decoding…", s.get("ui.dim")));
    } else if ev.rows.is_empty() {
        lines.push(Line::styled(
            "no events (press F to clear the filter)",
            s.get("ui.dim"),
        ));
    }
    let selection = app.selection.span();
    for (i, row) in ev
        .rows
        .iter()
        .enumerate()
        .skip(ev.top)
        .take(height.saturating_sub(lines.len()))
    {
        let selected = i == ev.selected;
        let in_sel = selection.is_some_and(|(a, b)| row.pos.ts_ns >= a && row.pos.ts_ns <= b);
        lines.push(row_line(app, row, selected, in_sel));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if detail_h > 0 {
        let block = Block::default()
            .borders(Borders::TOP)
            .title(Span::styled(" Selected event ", s.get("ui.title")))
            .border_style(s.get("ui.border"));
        let text = ev.current().map(|r| r.text.clone()).unwrap_or_default();
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: false }).block(block),
            detail_area,
        );
    }
}

/// One row: a gutter (`│` inside the time selection), the time columns, the rest; search
/// matches highlighted on the row of the last hit.
fn row_line<'a>(app: &App, row: &'a Row, selected: bool, in_selection: bool) -> Line<'a> {
    let s = &app.styles;
    let gutter = if in_selection {
        Span::styled("┃", s.get("status.selection"))
    } else {
        Span::raw(" ")
    };
    let body_start = row.text.len() - row.body().len();
    let (time, body) = row.text.split_at(body_start);
    let mut spans = vec![gutter, Span::styled(time, s.get("events.time"))];
    let is_hit = app.search.hit == Some(row.pos) && !app.search.pattern.is_empty();
    if is_hit {
        let source_idx: Vec<usize> = fuzzy_indices(body, &app.search.pattern);
        for (i, c) in body.chars().enumerate() {
            let style = if source_idx.contains(&i) {
                s.get("events.match")
            } else {
                ratatui::style::Style::default()
            };
            spans.push(Span::styled(c.to_string(), style));
        }
    } else {
        spans.push(Span::raw(body));
    }
    let line = Line::from(spans);
    if selected {
        line.style(s.get("events.selected"))
    } else {
        line
    }
}

fn fuzzy_indices(text: &str, pattern: &str) -> Vec<usize> {
    use fuzzy_matcher::FuzzyMatcher;
    fuzzy_matcher::skim::SkimMatcherV2::default()
        .fuzzy_indices(text, pattern)
        .map(|(_, v)| v)
        .unwrap_or_default()
}

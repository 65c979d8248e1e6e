//! The Top tab: six sortable tables for the time selection (the whole trace by default),
//! two per row. One table component serves all of them.
//!
//! ```text
//! ┌ CPU per thread ──────────┬ CPU per process ─────────┐
//! │ TID  PID  Name  CPU ↓  % │ PID  Name  Threads  CPU  │
//! ├ Syscalls ────────────────┼ Interrupts ──────────────┤
//! │ Syscall Count Total ...  │ Interrupt Count ...      │
//! ├ I/O per process ─────────┼ I/O per file ────────────┤
//! │ PID Name Read Written .. │ File Read Written        │
//! └──────────────────────────┴──────────────────────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table as TableWidget};

use super::super::app::App;
use super::super::timefmt;
use super::super::tops::Table;

/// Draws the tab.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    if app.top.tables.is_empty() {
        let text = if app.top.computing {
            "computing…"
        } else {
            "Indexing: the tables appear with the first snapshot…"
        };
        frame.render_widget(Paragraph::new(text).style(app.styles.get("ui.dim")), area);
        return;
    }
    let rows: [Rect; 3] = Layout::vertical([Constraint::Fill(1); 3]).areas(area);
    let cells = rows.into_iter().flat_map(|r| {
        let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(r);
        [left, right]
    });
    for (i, r) in cells.enumerate() {
        if let Some(t) = app.top.tables.get(i) {
            render_table(app, i, t, frame, r);
        }
    }
}

/// What the tables cover, or that newer ones are being computed (the old ones stay shown).
fn scope_text(app: &App) -> String {
    if app.top.computing {
        return "computing…".to_string();
    }
    match app.selection.span() {
        Some((a, b)) => format!("selection, {}", timefmt::duration(b - a)),
        None => "whole trace".to_string(),
    }
}

/// Column widths: each column as wide as its widest visible cell (capped), the text column
/// (the first non-numeric one) taking what is left.
fn widths(t: &Table, first: usize, height: usize) -> Vec<Constraint> {
    (0..t.headers.len())
        .map(|c| {
            let cells = t.rows.iter().skip(first).take(height);
            let w = cells
                .map(|r| r.cells.get(c).map_or(0, |s| s.chars().count()))
                .chain(std::iter::once(t.headers[c].chars().count() + 2))
                .max()
                .unwrap_or(4)
                .min(28);
            Constraint::Length(u16::try_from(w).unwrap_or(28))
        })
        .collect()
}

fn render_table(app: &App, i: usize, t: &Table, frame: &mut Frame<'_>, area: Rect) {
    let s = &app.styles;
    let focused = i == app.top.focus;
    let title_style = if focused {
        s.get("tab.active")
    } else {
        s.get("ui.title")
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(s.get("ui.border"))
        .title(Line::from(vec![
            Span::styled(format!(" {} ", t.title), title_style),
            Span::styled(format!(" {} ", scope_text(app)), s.get("ui.dim")),
        ]));
    let height = usize::from(area.height.saturating_sub(2));
    let first = app.top.scroll.get(i).copied().unwrap_or(0);
    let selected = app.top.selected.get(i).copied().unwrap_or(0);
    let header = Row::new(t.headers.iter().enumerate().map(|(c, h)| {
        if c == t.sort_col {
            format!("{h} {}", if t.descending { "↓" } else { "↑" })
        } else {
            (*h).to_string()
        }
    }))
    .style(s.get("table.header"));
    let rows = t
        .rows
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(r, row)| {
            let style = if focused && r == selected {
                s.get("table.selected")
            } else {
                s.get("ui")
            };
            Row::new(row.cells.iter().cloned()).style(style)
        });
    let widget = TableWidget::new(rows, widths(t, first, height))
        .header(header)
        .block(block)
        .column_spacing(1);
    frame.render_widget(widget, area);
    if t.rows.is_empty() {
        let inner = Rect::new(area.x + 1, area.y + 2, area.width.saturating_sub(1), 1);
        if inner.bottom() <= area.bottom() {
            frame.render_widget(
                Paragraph::new("nothing in this range").style(s.get("ui.dim")),
                inner,
            );
        }
    }
}

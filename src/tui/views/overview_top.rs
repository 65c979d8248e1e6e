//! The Overview's two short lists once the model exists: top 5 processes by CPU time and
//! top syscalls by total time, for the time selection (whole trace by default). They read
//! the Top tab's tables, whatever order the user sorted those in.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::super::app::App;
use super::super::tops::{SortKey, Table};

/// Rows per list.
pub const ROWS: usize = 5;

/// The first `ROWS` rows of `t` by column `col`, largest first, as `name  value` lines.
fn best(app: &App, t: &Table, col: usize, name_col: usize, width: usize) -> Vec<Line<'static>> {
    let mut rows: Vec<_> = t.rows.iter().collect();
    rows.sort_by(|a, b| b.keys.get(col).cmp(&a.keys.get(col)));
    rows.into_iter()
        .take(ROWS)
        .map(|r| {
            let name = r.cells.get(name_col).cloned().unwrap_or_default();
            let value = r.cells.get(col).cloned().unwrap_or_default();
            let count = match r.keys.get(1) {
                Some(SortKey::Num(n)) if name_col == 0 && col == 2 => format!(" ×{n}"),
                _ => String::new(),
            };
            let right = format!("{value}{count}");
            let room = width.saturating_sub(right.chars().count() + 2);
            let name: String = name.chars().take(room).collect();
            Line::from(vec![
                Span::raw(format!(" {name:<room$} ")),
                Span::styled(right, app.styles.get("overview.label")),
            ])
        })
        .collect()
}

/// Draws both lists side by side.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(area);
    let block = |title: &'static str| {
        Block::default()
            .borders(Borders::TOP)
            .border_style(app.styles.get("ui.border"))
            .title(Span::styled(
                format!(" {title} "),
                app.styles.get("ui.title"),
            ))
    };
    let lists = [
        (left, "Top processes by CPU", 1, 3, 1),
        (right, "Top syscalls by total time", 2, 2, 0),
    ];
    for (r, title, table, col, name_col) in lists {
        let lines = app
            .top
            .tables
            .get(table)
            .map(|t| best(app, t, col, name_col, usize::from(r.width)))
            .unwrap_or_default();
        frame.render_widget(Paragraph::new(lines).block(block(title)), r);
    }
}

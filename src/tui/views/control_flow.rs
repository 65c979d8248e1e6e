//! The Control flow tab: processes and threads on the left (tui-tree-widget), one state row
//! per thread on the right, the ruler above and the detail line below (layout in
//! [`super::timeline`]).
//!
//! Only the rows on screen are drawn, and each asks the model about the visible window only
//! (see [`crate::tui::sample`]), so a frame costs the same on any trace size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use tui_tree_widget::{Tree, TreeItem, TreeState};

use super::super::app::App;
use super::super::sample;
use super::super::threads::FlowRow;
use super::timeline::{self, Palette};

/// Draws the tab.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let (Some(m), Some(v)) = (&app.index.model, &app.view) else {
        let text = "Indexing: the timeline appears with the first snapshot…";
        frame.render_widget(Paragraph::new(text).style(app.styles.get("ui.dim")), area);
        return;
    };
    let a = timeline::areas(area);
    let head = vec![
        Line::styled(
            format!(" Threads ({} rows)", app.flow.rows.len()),
            app.styles.get("ui.title"),
        ),
        Line::styled(
            if app.flow.filter.is_empty() {
                " filter: none (/ to set)".to_string()
            } else {
                format!(" filter: {}", app.flow.filter)
            },
            app.styles.get("ui.dim"),
        ),
    ];
    frame.render_widget(Paragraph::new(head), a.head);
    render_tree(app, frame, a.left);
    separator(app, frame, a.left);
    let width = usize::from(a.rows.width);
    frame.render_widget(
        Paragraph::new(timeline::ruler(app, v, m.begin, width)),
        a.ruler,
    );
    let pal = Palette::new(app);
    let cursor = v.column_of(v.cursor_ns, width);
    let summary = app.summary();
    let lines: Vec<Line<'static>> = visible(app, usize::from(a.rows.height))
        .iter()
        .map(|&row| {
            let slots = match app.index.tree.thread_of(row) {
                Some(th) => sample::thread_slots(m, summary, th, v.start_ns, v.end_ns, 2 * width)
                    .into_iter()
                    .map(|s| (s, false))
                    .collect(),
                None => vec![(None, false); 2 * width],
            };
            pal.row(&slots, cursor)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), a.rows);
    let what = app
        .selected_thread()
        .map(|th| sample::thread_detail(m, th, v.cursor_ns))
        .unwrap_or_else(|| "no thread selected".to_string());
    frame.render_widget(
        Paragraph::new(timeline::detail(app, v, m.begin, &what)),
        a.detail,
    );
}

fn visible(app: &App, height: usize) -> Vec<FlowRow> {
    app.flow
        .rows
        .iter()
        .skip(app.flow.scroll)
        .take(height)
        .copied()
        .collect()
}

/// The column between the two panes.
pub fn separator(app: &App, frame: &mut Frame<'_>, left: Rect) {
    if left.right() >= frame.area().right() {
        return;
    }
    let bar = Rect::new(left.right(), left.y.saturating_sub(2), 1, left.height + 2);
    let lines = vec![Line::raw("│"); usize::from(bar.height)];
    frame.render_widget(
        Paragraph::new(lines).style(app.styles.get("ui.border")),
        bar,
    );
}

fn label(text: &str, id: u32, width: usize) -> String {
    let id = id.to_string();
    let room = width.saturating_sub(id.len() + 1);
    let name: String = text.chars().take(room).collect();
    format!("{name:<room$} {id}")
}

/// The tree widget over the visible rows only. Rows on screen may start among a process's
/// threads; those threads are then drawn as top-level leaves, indented by hand to the column
/// they have under their process, because the widget cannot be told a scroll offset before
/// its first render.
fn render_tree(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let tree = &app.index.tree;
    let width = usize::from(area.width).saturating_sub(6);
    let thread_label = |th: u32| {
        let name = tree.names.get(th as usize).map_or("", String::as_str);
        label(
            name,
            tree.tids.get(th as usize).copied().unwrap_or(0),
            width.saturating_sub(2),
        )
    };
    let mut items: Vec<TreeItem<'static, FlowRow>> = Vec::new();
    let mut state = TreeState::default();
    let selected = app.flow.rows.get(app.flow.selected).copied();
    for row in visible(app, usize::from(area.height)) {
        match row {
            FlowRow::Process(pi) => {
                let Some(p) = tree.processes.get(pi) else {
                    continue;
                };
                let text = label(&p.name, p.pid, width);
                let mut item = TreeItem::new_leaf(row, text);
                if p.threads.len() > 1 && app.flow.collapsed.contains(&p.pid) {
                    // A closed child makes the widget draw the process as closed (▸).
                    let hidden = FlowRow::Thread(p.threads[0]);
                    let _ = item.add_child(TreeItem::new_leaf(hidden, ""));
                }
                items.push(item);
                if selected == Some(row) {
                    state.select(vec![row]);
                }
            }
            FlowRow::Thread(th) => {
                let parent = items.last_mut().filter(|it| {
                    matches!(it.identifier(), FlowRow::Process(pi)
                        if tree.processes.get(*pi).is_some_and(|p| p.threads.contains(&th)))
                });
                let leaf = TreeItem::new_leaf(row, thread_label(th));
                match parent {
                    Some(p) => {
                        let pid = *p.identifier();
                        // Identifiers are unique among siblings by construction.
                        let _ = p.add_child(leaf);
                        state.open(vec![pid]);
                        if selected == Some(row) {
                            state.select(vec![pid, row]);
                        }
                    }
                    None => {
                        let text = format!("  {}", thread_label(th));
                        items.push(TreeItem::new_leaf(row, text));
                        if selected == Some(row) {
                            state.select(vec![row]);
                        }
                    }
                }
            }
        }
    }
    let Ok(widget) = Tree::new(&items) else {
        return;
    };
    let widget = widget
        .highlight_style(app.styles.get("table.selected"))
        .node_closed_symbol("▸ ")
        .node_open_symbol("▾ ")
        .node_no_children_symbol("  ");
    frame.render_stateful_widget(widget, area, &mut state);
}

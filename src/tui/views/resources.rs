//! The Resources tab: one state row per CPU (user, kernel, IRQ/softirq, idle left blank),
//! with the thread selected in Control flow highlighted when following it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::super::app::App;
use super::super::sample;
use super::control_flow::separator;
use super::timeline::{self, Palette};

/// Draws the tab.
pub fn render(app: &App, frame: &mut Frame<'_>, area: Rect) {
    let (Some(m), Some(v)) = (&app.index.model, &app.view) else {
        let text = "Indexing: the timeline appears with the first snapshot…";
        frame.render_widget(Paragraph::new(text).style(app.styles.get("ui.dim")), area);
        return;
    };
    let a = timeline::areas(area);
    let follow = app
        .selected_thread()
        .filter(|_| app.resources.follow_thread);
    let followed = follow.map_or("off".to_string(), |th| {
        let name = app
            .index
            .tree
            .names
            .get(th as usize)
            .map_or("", String::as_str);
        format!("{name} {}", m.threads[th as usize].tid)
    });
    let mode = if app.resources.follow_cpu {
        " +cpu"
    } else {
        ""
    };
    let head = vec![
        Line::styled(
            format!(" CPUs ({})", m.cpus.len()),
            app.styles.get("ui.title"),
        ),
        Line::styled(
            format!(" follow: {followed}{mode}"),
            app.styles.get("ui.dim"),
        ),
    ];
    frame.render_widget(Paragraph::new(head), a.head);
    let width = usize::from(a.rows.width);
    frame.render_widget(
        Paragraph::new(timeline::ruler(app, v, m.begin, width)),
        a.ruler,
    );
    let pal = Palette::new(app);
    let cursor = v.column_of(v.cursor_ns, width);
    let shown = m
        .cpus
        .iter()
        .enumerate()
        .skip(app.resources.scroll)
        .take(usize::from(a.rows.height));
    let (mut labels, mut rows) = (Vec::new(), Vec::new());
    for (i, c) in shown {
        let running = c
            .current
            .at(v.cursor_ns)
            .and_then(|th| m.threads.get(th as usize))
            .filter(|t| t.idle_cpu.is_none())
            .map(|t| {
                let name = t.name_at(v.cursor_ns).map_or("?", |n| m.strings.get(n));
                format!("{name} {}", t.tid)
            })
            .unwrap_or_else(|| "idle".to_string());
        let room = usize::from(a.left.width).saturating_sub(9);
        let text: String = running.chars().take(room).collect();
        let style = if i == app.resources.selected {
            app.styles.get("table.selected")
        } else {
            app.styles.get("ui")
        };
        let w = usize::from(a.left.width);
        labels.push(Line::styled(
            format!(" CPU {:>3} {text:<room$}", c.id)
                .chars()
                .take(w)
                .collect::<String>(),
            style,
        ));
        let slots = sample::cpu_slots(
            m,
            app.summary(),
            c.id,
            v.start_ns,
            v.end_ns,
            2 * width,
            follow,
        );
        rows.push(pal.row(&slots, cursor));
    }
    frame.render_widget(Paragraph::new(labels), a.left);
    separator(app, frame, a.left);
    frame.render_widget(Paragraph::new(rows), a.rows);
    let what = m
        .cpus
        .get(app.resources.selected)
        .map_or(String::new(), |c| sample::cpu_detail(m, c.id, v.cursor_ns));
    frame.render_widget(
        Paragraph::new(timeline::detail(app, v, m.begin, &what)),
        a.detail,
    );
}

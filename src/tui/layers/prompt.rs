//! The prompt line and the palette's completion list, drawn at the bottom of the screen.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::super::app::App;
use super::{Prompt, PromptKind};

/// Most completions shown at once.
const MAX_ITEMS: usize = 10;

/// Draws `prompt` over the bottom of `area`.
pub fn render(app: &App, prompt: &Prompt, frame: &mut Frame<'_>, area: Rect) {
    let s = &app.styles;
    let items = prompt.completions();
    let shown = items.len().min(MAX_ITEMS);
    let height = (u16::try_from(shown).unwrap_or(0) + 3).min(area.height);
    let rect = Rect {
        x: area.x,
        y: area.bottom().saturating_sub(height),
        width: area.width,
        height,
    };
    frame.render_widget(Clear, rect);
    let title = match prompt.kind {
        PromptKind::Palette => " command ",
        PromptKind::Search => " fuzzy search: event names, threads, fields ",
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .title(Span::styled(title, s.get("popup.title")))
        .border_style(s.get("popup.border"))
        .style(s.get("popup"));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let sigil = if prompt.kind == PromptKind::Palette {
        ":"
    } else {
        "/"
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(sigil, s.get("popup.key")),
        Span::raw(prompt.input.clone()),
        Span::styled(" ", s.get("ui.cursor")),
    ])];
    let selected = prompt.selected.min(items.len().saturating_sub(1));
    let first = selected.saturating_sub(MAX_ITEMS - 1);
    for (i, c) in items.iter().enumerate().skip(first).take(MAX_ITEMS) {
        let key = app
            .keymap
            .key_for(&app.contexts_below_popups(), c.name)
            .unwrap_or_default();
        let arg = c.arg.map(|a| format!(" {a}")).unwrap_or_default();
        let style = if i == selected {
            s.get("popup.selected")
        } else {
            s.get("popup")
        };
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<28}", format!("{}{arg}", c.name)), style),
            Span::styled(format!("{key:<10}"), s.get("popup.key")),
            Span::styled(c.desc, style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

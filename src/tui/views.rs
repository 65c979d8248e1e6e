//! One module per tab.

pub mod control_flow;
pub mod events;
pub mod latency;
pub mod overview;
pub mod overview_top;
pub mod period_detail;
pub mod periods;
pub mod resources;
pub mod timeline;
pub mod top;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders};

use super::app::App;

/// Draws a bordered block titled `title` (its border in the title colour when `focused`)
/// and returns its inside.
pub(crate) fn framed(
    app: &App,
    frame: &mut Frame<'_>,
    area: Rect,
    title: String,
    focused: bool,
) -> Rect {
    let border = if focused {
        app.styles.get("ui.title")
    } else {
        app.styles.get("ui.border")
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

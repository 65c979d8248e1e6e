//! UI state of the two timeline tabs. They share one [`Viewport`] (window and cursor), so
//! switching between threads and CPUs keeps the instant under study.

use std::collections::HashSet;

use super::threads::FlowRow;

/// The Control flow tab.
#[derive(Debug, Clone, Default)]
pub struct FlowState {
    /// Rows shown (rebuilt when the model, the filter or the collapsed set changes).
    pub rows: Vec<FlowRow>,
    /// Selected row.
    pub selected: usize,
    /// First row on screen.
    pub scroll: usize,
    /// Thread filter (name substring, PID or TID).
    pub filter: String,
    /// PIDs of collapsed processes.
    pub collapsed: HashSet<u32>,
}

/// The Resources tab.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResourcesState {
    /// Selected CPU row.
    pub selected: usize,
    /// First row on screen.
    pub scroll: usize,
    /// Highlight where the thread selected in Control flow runs.
    pub follow_thread: bool,
    /// Move the selected row to the CPU the followed thread runs on as the cursor moves.
    pub follow_cpu: bool,
}

/// Moves `selected` by `delta` within `len` rows and keeps it inside the `height` rows
/// shown from `scroll`.
pub fn move_selection(
    selected: &mut usize,
    scroll: &mut usize,
    delta: isize,
    len: usize,
    height: usize,
) {
    if len == 0 {
        *selected = 0;
        *scroll = 0;
        return;
    }
    *selected = selected.saturating_add_signed(delta).min(len - 1);
    keep_visible(*selected, scroll, height);
}

/// Scrolls so that row `selected` is among the `height` rows shown.
pub fn keep_visible(selected: usize, scroll: &mut usize, height: usize) {
    let height = height.max(1);
    if selected < *scroll {
        *scroll = selected;
    } else if selected >= *scroll + height {
        *scroll = selected + 1 - height;
    }
}

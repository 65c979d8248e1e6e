//! The Events list's window onto the trace: a few thousand decoded rows around the cursor,
//! extended by pages from the pages thread as the cursor nears either end, trimmed at the
//! other end so memory stays bounded whatever the trace size.

use std::collections::VecDeque;

use super::source::{EventFilter, Position, Row};
use super::worker::{Dir, Request};

/// Rows asked for at once.
pub const PAGE_ROWS: usize = 400;
/// Rows kept at most.
const MAX_ROWS: usize = 4 * PAGE_ROWS;

/// UI state of the Events tab.
#[derive(Debug, Clone, Default)]
pub struct EventsState {
    /// Decoded rows, in time order.
    pub rows: VecDeque<Row>,
    /// Index of the selected row.
    pub selected: usize,
    /// Index of the first visible row.
    pub top: usize,
    /// Bumped on every jump: pages of an older generation are dropped.
    pub generation: u64,
    /// A forward page is on its way.
    pending_forward: bool,
    /// A backward page is on its way.
    pending_backward: bool,
    /// A jump is on its way (the list is being replaced).
    pub loading: bool,
    /// No row exists before the first one.
    pub at_start: bool,
    /// No row exists after the last one.
    pub at_end: bool,
    /// Which events are shown.
    pub filter: EventFilter,
    /// Row to select when the jump's page arrives.
    select_on_arrival: Option<Position>,
    /// After a jump, the first rows before it scroll into view with the jump target a third
    /// of the way down, so the event is seen in context.
    center_on_prepend: bool,
}

impl EventsState {
    /// The selected row.
    pub fn current(&self) -> Option<&Row> {
        self.rows.get(self.selected)
    }

    /// Starts a new list at `at` (forward), selecting `select` when it arrives. Returns the
    /// request to send.
    pub fn jump(&mut self, at: Position, select: Option<Position>) -> Request {
        self.reset();
        self.at_start = at.ts_ns == i64::MIN;
        self.center_on_prepend = select.is_some() || at.ts_ns != i64::MIN;
        self.select_on_arrival = select;
        self.pending_forward = true;
        self.page(Dir::Forward { replace: true }, at)
    }

    /// Starts a new list ending at the end of the trace.
    pub fn jump_to_end(&mut self) -> Request {
        self.reset();
        self.at_end = true;
        self.pending_backward = true;
        self.page(
            Dir::Backward,
            Position {
                ts_ns: i64::MAX,
                ordinal: u32::MAX,
            },
        )
    }

    fn reset(&mut self) {
        self.generation += 1;
        self.rows.clear();
        self.selected = 0;
        self.top = 0;
        self.loading = true;
        self.at_start = false;
        self.at_end = false;
        self.pending_forward = false;
        self.pending_backward = false;
    }

    fn page(&self, dir: Dir, at: Position) -> Request {
        Request::Page {
            generation: self.generation,
            dir,
            at,
            count: PAGE_ROWS,
            filter: self.filter.clone(),
        }
    }

    /// Moves the selection by `delta` rows within what is loaded, keeping it on screen.
    pub fn move_by(&mut self, delta: isize, height: usize) {
        if self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.scroll_into_view(height);
    }

    /// Keeps the selected row within `height` rows from `top`.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + height {
            self.top = self.selected + 1 - height;
        }
    }

    /// Requests to send so that at least two screens of rows exist on both sides of the
    /// selection (when the trace has them).
    pub fn fill_requests(&mut self, height: usize) -> Vec<Request> {
        let mut out = Vec::new();
        if self.loading {
            return out;
        }
        let margin = 2 * height.max(1);
        if let Some(last) = self.rows.back()
            && !self.at_end
            && !self.pending_forward
            && self.selected + margin >= self.rows.len()
        {
            self.pending_forward = true;
            let at = Position {
                ts_ns: last.pos.ts_ns,
                ordinal: last.pos.ordinal.saturating_add(1),
            };
            out.push(self.page(Dir::Forward { replace: false }, at));
        }
        if let Some(first) = self.rows.front()
            && !self.at_start
            && !self.pending_backward
            && self.selected < margin
        {
            self.pending_backward = true;
            out.push(self.page(Dir::Backward, first.pos));
        }
        out
    }

    /// Takes a page from the pages thread; false when it was stale.
    pub fn apply_page(
        &mut self,
        generation: u64,
        dir: Dir,
        rows: Vec<Row>,
        exhausted: bool,
        height: usize,
    ) -> bool {
        if generation != self.generation {
            return false;
        }
        match dir {
            Dir::Forward { replace } => {
                self.pending_forward = false;
                if replace {
                    self.loading = false;
                    self.rows = rows.into();
                    let wanted = self.select_on_arrival.take();
                    self.selected = wanted
                        .and_then(|p| self.rows.iter().position(|r| r.pos >= p))
                        .unwrap_or(0);
                    self.top = self.selected;
                } else {
                    self.rows.extend(rows);
                }
                self.at_end = exhausted;
                self.trim_front(height);
            }
            Dir::Backward => {
                self.pending_backward = false;
                let n = rows.len();
                let was_loading = std::mem::replace(&mut self.loading, false);
                for row in rows.into_iter().rev() {
                    self.rows.push_front(row);
                }
                if was_loading {
                    self.selected = self.rows.len().saturating_sub(1);
                    self.top = self.rows.len().saturating_sub(height.max(1));
                } else {
                    self.selected += n;
                    self.top += n;
                    if std::mem::take(&mut self.center_on_prepend) {
                        self.top = self.selected.saturating_sub(height / 3);
                    }
                }
                self.at_start = exhausted;
                self.trim_back();
            }
        }
        true
    }

    fn trim_front(&mut self, height: usize) {
        let excess = self.rows.len().saturating_sub(MAX_ROWS);
        let keep_before = self.top.saturating_sub(2 * height);
        let n = excess.min(keep_before);
        if n > 0 {
            self.rows.drain(..n);
            self.selected -= n;
            self.top -= n;
            self.at_start = false;
        }
    }

    fn trim_back(&mut self) {
        let min_len = (self.selected + 1 + PAGE_ROWS).max(MAX_ROWS);
        if self.rows.len() > min_len {
            self.rows.truncate(min_len);
            self.at_end = false;
        }
    }
}

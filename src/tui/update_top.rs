//! The Top tab's state and commands. Its tables are recomputed when the model or the time
//! selection changes (checked after every command and update), never while drawing.

use super::action::Action;
use super::app::{App, Tab};
use super::timeline_state::move_selection;
use super::tops::{self, Table};

/// The Top tab.
#[derive(Debug, Clone, Default)]
pub struct TopState {
    /// CPU per thread, CPU per process, syscalls, interrupts.
    pub tables: Vec<Table>,
    /// The focused table.
    pub focus: usize,
    /// Selected row per table.
    pub selected: Vec<usize>,
    /// First row shown per table.
    pub scroll: Vec<usize>,
    /// What the tables were computed for: model generation and selection.
    key: Option<(u64, Option<(u64, u64)>)>,
}

impl App {
    /// The selection as model times, when both ends are marked.
    pub fn selection_ns(&self) -> Option<(u64, u64)> {
        let (a, b) = self.selection.span()?;
        Some((u64::try_from(a).ok()?, u64::try_from(b).ok()?))
    }

    /// Recomputes the Top tables if the model or the selection changed.
    pub(crate) fn refresh_top(&mut self) {
        let Some(m) = self.index.model.clone() else {
            return;
        };
        let key = (self.index.generation, self.selection_ns());
        if self.top.key == Some(key) {
            return;
        }
        let mut tables = tops::compute(&m, key.1);
        // Keep the user's sort order across recomputations.
        for (new, old) in tables.iter_mut().zip(&self.top.tables) {
            new.sort_col = old.sort_col;
            new.descending = old.descending;
            new.sort();
        }
        self.top.selected.resize(tables.len(), 0);
        self.top.scroll.resize(tables.len(), 0);
        for (sel, t) in self.top.selected.iter_mut().zip(&tables) {
            *sel = (*sel).min(t.rows.len().saturating_sub(1));
        }
        self.top.tables = tables;
        self.top.key = Some(key);
    }

    /// Rows of one Top table on screen (two tables per column, header and title each).
    pub fn top_table_height(&self) -> usize {
        usize::from(self.size.1.saturating_sub(2) / 2)
            .saturating_sub(2)
            .max(1)
    }

    pub(crate) fn scroll_top(&mut self, delta: isize) {
        let height = self.top_table_height();
        let f = self.top.focus;
        let len = self.top.tables.get(f).map_or(0, |t| t.rows.len());
        if let (Some(sel), Some(scroll)) =
            (self.top.selected.get_mut(f), self.top.scroll.get_mut(f))
        {
            move_selection(sel, scroll, delta, len, height);
        }
    }

    pub(crate) fn focus_table(&mut self, delta: i64) {
        let n = self.top.tables.len().max(1);
        let step = if delta < 0 { n - 1 } else { 1 };
        self.top.focus = (self.top.focus + step) % n;
    }

    pub(crate) fn apply_top(&mut self, action: &Action) {
        let Some(t) = self.top.tables.get_mut(self.top.focus) else {
            return;
        };
        match action {
            Action::SortNextColumn => {
                t.sort_col = (t.sort_col + 1) % t.headers.len().max(1);
                t.descending = true;
            }
            Action::ReverseSort => t.descending = !t.descending,
            Action::NextTable => return self.focus_table(1),
            _ => return,
        }
        t.sort();
        let what = format!(
            "sorted by {} {}",
            t.headers.get(t.sort_col).copied().unwrap_or("?"),
            if t.descending { "↓" } else { "↑" }
        );
        self.info(what);
    }

    /// Enter on a Top row: its thread in Control flow.
    pub(crate) fn top_goto_thread(&mut self) {
        let f = self.top.focus;
        let sel = self.top.selected.get(f).copied().unwrap_or(0);
        let th = self
            .top
            .tables
            .get(f)
            .and_then(|t| t.rows.get(sel))
            .and_then(|r| r.thread);
        match th {
            Some(th) => {
                self.select_thread(th);
                self.tab = Tab::ControlFlow;
            }
            None => self.info("this row is not about a thread"),
        }
    }
}

//! The Top tab's state and commands. Its tables are recomputed when the model or the time
//! selection changes (checked after every command and update), on the `lttng-tui-top`
//! thread: on a large trace they take seconds, and the UI must keep answering. Each request
//! carries a generation; an answer to an older one (the selection changed meanwhile) is
//! dropped.

use crossbeam_channel::{Receiver, Sender};

use super::action::Action;
use super::app::{App, Tab};
use super::timeline_state::move_selection;
use super::tops::{self, Table};
use super::worker::{Request, Update};

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
    /// What the tables were last asked for: model generation and selection.
    key: Option<(u64, Option<(u64, u64)>)>,
    /// The newest request's generation.
    pub generation: u64,
    /// A request is out: the tables shown are older than the selection.
    pub computing: bool,
}

impl App {
    /// The selection as model times, when both ends are marked.
    pub fn selection_ns(&self) -> Option<(u64, u64)> {
        let (a, b) = self.selection.span()?;
        Some((u64::try_from(a).ok()?, u64::try_from(b).ok()?))
    }

    /// Asks for the Top tables again if the model or the selection changed.
    pub(crate) fn refresh_top(&mut self) {
        // While indexing, a snapshot's tables only matter on the tabs that show them; computing
        // them for every snapshot would take a core from the indexer (seconds each on 1 GB).
        if !self.index.done && !matches!(self.tab, Tab::Top | Tab::Overview) {
            return;
        }
        let Some(model) = self.index.model.clone() else {
            return;
        };
        let key = (self.index.generation, self.selection_ns());
        if self.top.key == Some(key) {
            return;
        }
        self.top.key = Some(key);
        self.top.generation += 1;
        self.top.computing = true;
        self.send_public(Request::Top {
            generation: self.top.generation,
            model,
            range: key.1,
        });
    }

    /// Takes tables that answer the newest request; older answers are dropped.
    pub(crate) fn on_top(&mut self, generation: u64, mut tables: Vec<Table>) {
        if generation != self.top.generation {
            return;
        }
        self.top.computing = false;
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

/// Serves Top requests, newest first: older queued ones are skipped unanswered (their
/// generation is stale anyway).
pub(crate) fn top_thread(rx: &Receiver<Request>, tx: &Sender<Update>) {
    while let Ok(first) = rx.recv() {
        let newest = rx.try_iter().last().unwrap_or(first);
        let Request::Top {
            generation,
            model,
            range,
        } = newest
        else {
            continue;
        };
        let tables = tops::compute(&model, range);
        if tx.send(Update::Top { generation, tables }).is_err() {
            return;
        }
    }
}

//! Commands of the timeline tabs (Control flow, Resources) and what indexer updates change.

use std::sync::Arc;

use crate::model::{Model, SchedState};

use super::action::Action;
use super::app::{App, Tab};
use super::layers::PromptKind;
use super::source::{Position, Row};
use super::summary::Summary;
use super::threads::FlowRow;
use super::timeline_state::{keep_visible, move_selection};
use super::viewport::Viewport;
use super::views::timeline::{TREE_WIDTH, timeline_rows};
use super::worker::Request;

impl App {
    /// Applies an indexer update: a new model rebuilds the rows and widens the time window.
    pub(crate) fn on_index(&mut self, update: crate::index::Update) {
        if let crate::index::Update::Warning(w) = &update {
            // A stream that stopped early: the model of the rest still comes.
            self.error(format!("indexer: {w}"));
        }
        if !self.index.apply(update) {
            if let Some(e) = self.index.error.clone() {
                self.error(format!("indexing failed: {e}"));
            }
            return;
        }
        let Some(m) = self.index.model.clone() else {
            return;
        };
        match &mut self.view {
            Some(v) => v.grow(m.begin, m.end),
            None => {
                // Start where the Overview cursor is, so the first look is at that instant.
                let mut v = Viewport::new(m.begin, m.end);
                if let Some(t) = self.cursor_ns.and_then(|t| u64::try_from(t).ok()) {
                    v.set_cursor(t);
                }
                self.view = Some(v);
            }
        }
        let selected = self.flow.rows.get(self.flow.selected).copied();
        self.rebuild_flow_rows();
        if let Some(i) = selected.and_then(|r| self.flow.rows.iter().position(|x| *x == r)) {
            self.flow.selected = i;
        }
        if self.index.done {
            self.info(format!("indexed {} events", m.events));
        }
        self.refresh_summary();
        self.refresh_top();
        self.refresh_latency();
        self.refresh_periods();
    }

    /// Asks for the timelines' summary once the model is complete (snapshots come and go
    /// too fast to be worth one, and the indexer needs the CPU meanwhile).
    fn refresh_summary(&mut self) {
        let Some(model) = self.index.model.clone() else {
            return;
        };
        let generation = self.index.generation;
        if !self.index.done || self.summary.asked == Some(generation) {
            return;
        }
        self.summary.asked = Some(generation);
        self.summary.building = true;
        self.send_public(Request::Summary { generation, model });
    }

    /// Keeps a summary only if it is of the newest model asked for.
    pub(crate) fn on_summary(&mut self, generation: u64, summary: Option<Arc<Summary>>) {
        if self.summary.asked != Some(generation) {
            return;
        }
        self.summary.building = false;
        self.summary.current = summary;
    }

    /// The summary of the current model, when there is one.
    pub fn summary(&self) -> Option<&Summary> {
        self.summary
            .current
            .as_deref()
            .filter(|s| s.generation == self.index.generation)
    }

    /// Recomputes the Control flow rows from the tree, filter and collapsed processes.
    pub(crate) fn rebuild_flow_rows(&mut self) {
        self.flow.rows = self
            .index
            .tree
            .rows(&self.flow.filter, &self.flow.collapsed);
        let len = self.flow.rows.len();
        self.flow.selected = self.flow.selected.min(len.saturating_sub(1));
        let height = self.timeline_height();
        keep_visible(self.flow.selected, &mut self.flow.scroll, height);
    }

    /// Columns of the timeline part of a timeline tab.
    pub fn timeline_width(&self) -> usize {
        usize::from(self.size.0.saturating_sub(TREE_WIDTH + 1)).max(1)
    }

    /// Rows of threads or CPUs on screen.
    pub fn timeline_height(&self) -> usize {
        timeline_rows(self.size.1.saturating_sub(2)).max(1)
    }

    /// The thread of the selected Control flow row.
    pub fn selected_thread(&self) -> Option<u32> {
        let row = *self.flow.rows.get(self.flow.selected)?;
        self.index.tree.thread_of(row)
    }

    pub(crate) fn step_cursor(&mut self, columns: i64) {
        let width = self.timeline_width();
        if let Some(v) = &mut self.view {
            v.step_cursor(columns, width);
        }
        self.after_cursor_move();
    }

    /// Keeps the Overview cursor on the same instant and lets follow_cpu pick the row.
    fn after_cursor_move(&mut self) {
        let Some(v) = &self.view else { return };
        let t = v.cursor_ns;
        self.cursor_ns = i64::try_from(t).ok();
        if self.resources.follow_cpu
            && let (Some(m), Some(th)) = (&self.index.model, self.selected_thread())
            && let Some(code) = m.threads.get(th as usize).and_then(|x| x.states.at(t))
            && SchedState::from_code(code) == SchedState::Running
        {
            let cpu = (code >> 8) as usize;
            let height = self.timeline_height();
            self.resources.selected = cpu.min(m.cpus.len().saturating_sub(1));
            keep_visible(self.resources.selected, &mut self.resources.scroll, height);
        }
    }

    pub(crate) fn scroll_rows(&mut self, delta: isize) {
        let height = self.timeline_height();
        match self.tab {
            Tab::ControlFlow => {
                let len = self.flow.rows.len();
                move_selection(
                    &mut self.flow.selected,
                    &mut self.flow.scroll,
                    delta,
                    len,
                    height,
                );
            }
            Tab::Resources => {
                let len = self.index.model.as_ref().map_or(0, |m| m.cpus.len());
                let r = &mut self.resources;
                move_selection(&mut r.selected, &mut r.scroll, delta, len, height);
            }
            _ => {}
        }
    }

    pub(crate) fn scroll_rows_to(&mut self, end: bool) {
        let delta = if end { isize::MAX / 2 } else { isize::MIN / 2 };
        if self.tab == Tab::Top {
            self.scroll_top(delta);
        } else {
            self.scroll_rows(delta);
        }
    }

    /// Applies a timeline command (the other commands never reach here).
    pub(crate) fn apply_timeline(&mut self, action: Action) {
        let selection = self.selection.span();
        let Some(v) = &mut self.view else {
            self.error("the timeline appears once indexing has produced a first snapshot");
            return;
        };
        match action {
            Action::ZoomIn => v.zoom(0.5),
            Action::ZoomOut => v.zoom(2.0),
            Action::ZoomAll => v.zoom_all(),
            Action::ZoomToSelection => match selection {
                Some((a, b)) => v.zoom_to(a.max(0) as u64, b.max(0) as u64),
                None => self.error("no time selection: mark it with [ and ]"),
            },
            Action::ZoomBack | Action::ZoomForward if !v.history(action == Action::ZoomForward) => {
                self.info("no more zoom history");
            }
            Action::PanLeft => v.pan(-0.25),
            Action::PanRight => v.pan(0.25),
            Action::NextStateChange | Action::PrevStateChange => {
                self.state_change(action == Action::NextStateChange);
            }
            Action::JumpToWaker => self.jump_to_waker(),
            Action::FilterThreads(arg) => self.filter_threads(arg),
            Action::ToggleNode => self.toggle_node(),
            Action::FollowThread => {
                self.resources.follow_thread = !self.resources.follow_thread;
                let on = self.resources.follow_thread;
                self.info(format!("follow thread {}", if on { "on" } else { "off" }));
            }
            Action::FollowCpu => {
                self.resources.follow_cpu = !self.resources.follow_cpu;
                let on = self.resources.follow_cpu;
                self.info(format!("follow CPU {}", if on { "on" } else { "off" }));
            }
            Action::GotoThread => self.goto_thread_here(),
            _ => {}
        }
        self.after_cursor_move();
    }

    fn state_change(&mut self, forward: bool) {
        let (Some(m), Some(th)) = (self.index.model.clone(), self.selected_thread()) else {
            return;
        };
        let Some(v) = &mut self.view else { return };
        match super::sample::next_change(&m, th, v.cursor_ns, forward) {
            Some(t) => v.set_cursor(t),
            None => self.info("no other state change"),
        }
    }

    fn filter_threads(&mut self, arg: Option<String>) {
        match arg {
            None => {
                let current = format!("filter_threads {}", self.flow.filter);
                self.open_prompt(PromptKind::Palette, &current);
            }
            Some(text) => {
                self.flow.filter = if text == "*" { String::new() } else { text };
                self.tab = Tab::ControlFlow;
                self.flow.selected = 0;
                self.flow.scroll = 0;
                self.rebuild_flow_rows();
                self.info(format!("{} rows match", self.flow.rows.len()));
            }
        }
    }

    fn toggle_node(&mut self) {
        let Some(&row) = self.flow.rows.get(self.flow.selected) else {
            return;
        };
        let pi = match row {
            FlowRow::Process(pi) => pi,
            FlowRow::Thread(th) => {
                match self
                    .index
                    .tree
                    .processes
                    .iter()
                    .position(|p| p.threads.contains(&th))
                {
                    Some(pi) => pi,
                    None => return,
                }
            }
        };
        let Some(pid) = self.index.tree.processes.get(pi).map(|p| p.pid) else {
            return;
        };
        if !self.flow.collapsed.remove(&pid) {
            self.flow.collapsed.insert(pid);
        }
        self.rebuild_flow_rows();
        if let Some(i) = self
            .flow
            .rows
            .iter()
            .position(|r| *r == FlowRow::Process(pi))
        {
            self.flow.selected = i;
        }
    }

    /// Selects thread `th` in Control flow (opening its process, clearing a filter that
    /// hides it) and shows the tab.
    pub(crate) fn select_thread(&mut self, th: u32) {
        let tree = &self.index.tree;
        let Some(pi) = tree.processes.iter().position(|p| p.threads.contains(&th)) else {
            return;
        };
        let single = tree.processes[pi].threads.len() == 1 || tree.processes[pi].main == Some(th);
        let pid = tree.processes[pi].pid;
        let want = if single {
            FlowRow::Process(pi)
        } else {
            FlowRow::Thread(th)
        };
        self.flow.collapsed.remove(&pid);
        self.rebuild_flow_rows();
        if !self.flow.rows.contains(&want) {
            self.flow.filter.clear();
            self.rebuild_flow_rows();
        }
        if let Some(i) = self.flow.rows.iter().position(|r| *r == want) {
            self.flow.selected = i;
            let height = self.timeline_height();
            keep_visible(i, &mut self.flow.scroll, height);
        }
        self.tab = Tab::ControlFlow;
    }

    /// Resources: the thread current on the selected CPU at the cursor.
    fn goto_thread_here(&mut self) {
        if self.tab != Tab::Resources {
            return;
        }
        let (Some(m), Some(v)) = (&self.index.model, &self.view) else {
            return;
        };
        let cpu = m.cpus.get(self.resources.selected);
        match cpu.and_then(|c| c.current.at(v.cursor_ns)) {
            Some(th)
                if m.threads
                    .get(th as usize)
                    .is_some_and(|t| t.idle_cpu.is_none()) =>
            {
                self.select_thread(th);
            }
            _ => self.info("no thread runs there"),
        }
    }

    /// Asks the pages thread for the wake-up event that ended the selected thread's last
    /// wait before the cursor; [`App::on_waker`] finishes the jump.
    fn jump_to_waker(&mut self) {
        let (Some(m), Some(th), Some(v)) = (&self.index.model, self.selected_thread(), &self.view)
        else {
            return;
        };
        let Some(wake) = last_wakeup(m, th, v.cursor_ns) else {
            self.info("no wake-up of this thread before the cursor");
            return;
        };
        let tid = m.threads[th as usize].tid;
        self.info(format!("looking for the wake-up of {tid}…"));
        self.send_public(Request::FindWaker {
            at: Position {
                ts_ns: i64::try_from(wake).unwrap_or(i64::MAX),
                ordinal: 0,
            },
            tid,
        });
    }

    /// The wake-up event arrived: the waker is the thread current on its CPU then.
    pub(crate) fn on_waker(&mut self, tid: u32, row: Option<Row>) {
        let Some(m) = self.index.model.clone() else {
            return;
        };
        let Some((row, cpu)) = row.and_then(|r| Some((r.pos.ts_ns, u32::try_from(r.cpu?).ok()?)))
        else {
            self.error(format!("no wake-up event found for {tid}"));
            return;
        };
        let t = u64::try_from(row).unwrap_or(0);
        let waker = m.cpus.get(cpu as usize).and_then(|c| c.current.at(t));
        let Some(w) = waker.filter(|&w| (w as usize) < m.threads.len()) else {
            self.error(format!(
                "{tid} was woken on CPU {cpu}, by an unknown thread"
            ));
            return;
        };
        let from_irq = m.irq_at(cpu, t).is_some();
        let idle = m.threads[w as usize].idle_cpu.is_some();
        if let Some(v) = &mut self.view {
            v.set_cursor(t);
        }
        self.after_cursor_move();
        if idle {
            let what = if from_irq {
                "an interrupt"
            } else {
                "the idle thread"
            };
            self.info(format!("{tid} was woken on CPU {cpu} by {what}"));
            return;
        }
        let name = m.threads[w as usize]
            .name_at(t)
            .map_or("?", |n| m.strings.get(n));
        let ctx = if from_irq { " (in an interrupt)" } else { "" };
        let msg = format!(
            "{tid} was woken by {name} [{}] on CPU {cpu}{ctx}",
            m.threads[w as usize].tid
        );
        self.select_thread(w);
        self.info(msg);
    }
}

/// When the last wake-up of `th` at or before `t` happened; preemptions (the thread was
/// running just before) are not wake-ups and are skipped.
fn last_wakeup(m: &Model, th: u32, t: u64) -> Option<u64> {
    let w = &m.threads.get(th as usize)?.wakeups.span;
    let mut i = w.candidates(t, t).end;
    while i > 0 {
        i -= 1;
        let at = w.begin(i);
        if at > t {
            continue;
        }
        let before = m.threads[th as usize].states.at(at.saturating_sub(1));
        if before.map(SchedState::from_code) != Some(SchedState::Running) {
            return Some(at);
        }
    }
    None
}

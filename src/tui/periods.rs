//! The Periods tab's state: the instances of the `--view` preset's periods, slowest first,
//! found by the `lttng-tui-periods` thread once the index is complete (matching reads every
//! event), and the drill-down into one instance: its thread's syscalls, longest first, with
//! fds resolved. Requests carry a generation; stale answers are dropped.

use std::path::Path;

use crossbeam_channel::{Receiver, Sender};

use super::app::{App, Tab};
use super::timeline_state::move_selection;
use super::worker::{Request, Update};
use crate::analysis::common::{Options, Range};
use crate::analysis::inside::{self, Call};
use crate::analysis::period;
use crate::config::view::View;
use crate::model::Model;

/// One complete period instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRow {
    /// Its definition's path (`request/db_queries`).
    pub name: String,
    /// Begin, ns.
    pub begin: u64,
    /// End, ns.
    pub end: u64,
    /// The `tid` capture, which the drill-down needs.
    pub tid: Option<u32>,
    /// Every capture, `k = v, ...`.
    pub captures: String,
}

impl PeriodRow {
    /// Duration, ns.
    pub fn dur(&self) -> u64 {
        self.end.saturating_sub(self.begin)
    }
}

/// The Periods tab.
#[derive(Debug, Clone, Default)]
pub struct PeriodsState {
    /// The newest request's generation.
    pub generation: u64,
    /// A request is out.
    pub computing: bool,
    /// Instances, slowest first.
    pub rows: Vec<PeriodRow>,
    /// Why matching failed.
    pub error: Option<String>,
    /// Selected instance.
    pub selected: usize,
    /// First instance shown.
    pub scroll: usize,
    /// The instance drilled into, and its syscalls (longest first).
    pub open: Option<(usize, Vec<Call>)>,
    /// Selected and first shown syscall of the drill-down.
    pub call_selected: usize,
    /// See `call_selected`.
    pub call_scroll: usize,
    /// Model generation the rows were asked for.
    key: Option<u64>,
}

impl App {
    /// Asks for the instances once the tab is shown, a preset has periods and the index is
    /// complete (a partial model would give partial, misleading instances).
    pub(crate) fn refresh_periods(&mut self) {
        if self.tab != Tab::Periods || !self.index.done {
            return;
        }
        let (Some(model), Some(view)) = (self.index.model.clone(), self.preset.clone()) else {
            return;
        };
        if view.periods.is_empty() || self.periods.key == Some(self.index.generation) {
            return;
        }
        self.periods.key = Some(self.index.generation);
        self.periods.generation += 1;
        self.periods.computing = true;
        self.send_public(Request::Periods {
            generation: self.periods.generation,
            model,
            view: Box::new(view),
        });
    }

    /// Keeps the answer to the newest request only.
    pub(crate) fn on_periods(&mut self, generation: u64, result: Result<Vec<PeriodRow>, String>) {
        if generation != self.periods.generation {
            return;
        }
        self.periods.computing = false;
        self.periods.open = None;
        match result {
            Ok(rows) => {
                self.periods.rows = rows;
                self.periods.error = None;
            }
            Err(e) => self.periods.error = Some(e),
        }
        self.periods.selected = 0;
        self.periods.scroll = 0;
    }

    /// Up/down in the list or in the drill-down.
    pub(crate) fn scroll_periods(&mut self, delta: isize) {
        let height = usize::from(self.size.1.saturating_sub(5)).max(1);
        let p = &mut self.periods;
        match &p.open {
            Some((_, calls)) => {
                let len = calls.len();
                move_selection(&mut p.call_selected, &mut p.call_scroll, delta, len, height);
            }
            None => {
                let len = p.rows.len();
                move_selection(&mut p.selected, &mut p.scroll, delta, len, height);
            }
        }
    }

    /// `drill_down`: the selected instance's syscalls.
    pub(crate) fn drill_down(&mut self) {
        if self.tab != Tab::Periods || self.periods.open.is_some() {
            return;
        }
        let Some(row) = self.periods.rows.get(self.periods.selected) else {
            return;
        };
        let (Some(m), Some(tid)) = (self.index.model.clone(), row.tid) else {
            self.error("this period has no `tid` capture: add one to the preset to drill down");
            return;
        };
        let calls = inside::syscalls(&m, tid, row.begin, row.end);
        self.periods.open = Some((self.periods.selected, calls));
        self.periods.call_selected = 0;
        self.periods.call_scroll = 0;
    }

    /// `drill_up`: back to the list.
    pub(crate) fn drill_up(&mut self) {
        if self.tab == Tab::Periods {
            self.periods.open = None;
        }
    }
}

/// Finds the instances of `view`'s periods over the whole trace, slowest first.
pub fn instances(path: &Path, m: &Model, view: &View) -> anyhow::Result<Vec<PeriodRow>> {
    let o = Options::new(Range::of(m, None, None));
    let found = period::find(path, m, &o, view.definitions()?)?;
    let caps = |c: &[(String, period::eval::Val)]| {
        c.iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut rows: Vec<PeriodRow> = found
        .instances
        .iter()
        .filter(|i| i.completed)
        .map(|i| PeriodRow {
            name: found.defs[i.def].path.clone(),
            begin: i.begin,
            end: i.end,
            tid: match i.capture("tid") {
                Some(period::eval::Val::Int(t)) => u32::try_from(*t).ok(),
                _ => None,
            },
            captures: caps(&i.begin_caps),
        })
        .collect();
    rows.sort_by(|a, b| b.dur().cmp(&a.dur()).then(a.begin.cmp(&b.begin)));
    Ok(rows)
}

/// Serves period requests, newest only.
pub(crate) fn periods_thread(path: &Path, rx: &Receiver<Request>, tx: &Sender<Update>) {
    while let Ok(first) = rx.recv() {
        let Request::Periods {
            generation,
            model,
            view,
        } = rx.try_iter().last().unwrap_or(first)
        else {
            continue;
        };
        let result = instances(path, &model, &view).map_err(|e| format!("{e:#}"));
        if tx.send(Update::Periods { generation, result }).is_err() {
            return;
        }
    }
}

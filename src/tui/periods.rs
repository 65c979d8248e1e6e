//! The Periods tab's state: the instances of the preset's periods (`--view`, `--period`,
//! `:period`), found by the `lttng-tui-periods` thread once the index is complete (matching
//! reads every event), sorted by a column the user picks, with the duration histogram of the
//! selected instance's period. Requests carry a generation; stale answers are dropped. The
//! drill-down and the comparison are in [`super::period_drill`].

use std::path::Path;

use crossbeam_channel::{Receiver, Sender};

use super::app::{App, Tab};
use super::period_drill::{Compare, Detail, Section};
use super::timeline_state::move_selection;
use super::worker::{Request, Update};
use crate::analysis::common::{Options, Range};
use crate::analysis::inside::Call;
use crate::analysis::instance::{self, Span};
use crate::analysis::latency::{self, Histogram, Scale};
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
    /// Complete child instances as (definition name, begin, end), in time order.
    pub children: Vec<(String, u64, u64)>,
    /// The `tid` thread's running time inside, ns (0 without a `tid`).
    pub cpu_ns: u64,
    /// Its time runnable but not running, ns.
    pub wait_cpu_ns: u64,
    /// Its time asleep, ns.
    pub blocked_ns: u64,
}

impl PeriodRow {
    /// Duration, ns.
    pub fn dur(&self) -> u64 {
        self.end.saturating_sub(self.begin)
    }

    /// Its range.
    pub fn span(&self) -> Span {
        Span {
            begin: self.begin,
            end: self.end,
        }
    }
}

/// The column the instances are sorted by, largest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Duration.
    #[default]
    Duration,
    /// The thread's CPU time.
    Cpu,
    /// The thread's time waiting for a CPU.
    WaitCpu,
    /// The thread's time blocked.
    Blocked,
}

impl SortKey {
    /// The next one, wrapping.
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Duration => SortKey::Cpu,
            SortKey::Cpu => SortKey::WaitCpu,
            SortKey::WaitCpu => SortKey::Blocked,
            SortKey::Blocked => SortKey::Duration,
        }
    }

    /// How the header names it.
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Duration => "duration",
            SortKey::Cpu => "CPU time",
            SortKey::WaitCpu => "wait for CPU",
            SortKey::Blocked => "blocked",
        }
    }

    /// The value of `r` it sorts on.
    pub fn of(self, r: &PeriodRow) -> u64 {
        match self {
            SortKey::Duration => r.dur(),
            SortKey::Cpu => r.cpu_ns,
            SortKey::WaitCpu => r.wait_cpu_ns,
            SortKey::Blocked => r.blocked_ns,
        }
    }
}

/// Sorts `rows` by `key`, largest first (then slowest, then earliest).
pub fn sort_rows(rows: &mut [PeriodRow], key: SortKey) {
    rows.sort_by(|a, b| {
        key.of(b)
            .cmp(&key.of(a))
            .then(b.dur().cmp(&a.dur()))
            .then(a.begin.cmp(&b.begin))
    });
}

/// Buckets of the duration histograms.
pub const HIST_BUCKETS: usize = 24;

/// Rows the histogram takes above the list on a screen `height` rows high (none on small
/// screens, where the list matters more).
pub fn hist_height(height: u16) -> u16 {
    if height >= 20 { 7 } else { 0 }
}

/// The Periods tab.
#[derive(Debug, Clone, Default)]
pub struct PeriodsState {
    /// The newest request's generation.
    pub generation: u64,
    /// A request is out.
    pub computing: bool,
    /// Instances, sorted by `sort`.
    pub rows: Vec<PeriodRow>,
    /// The sort column.
    pub sort: SortKey,
    /// Duration histogram per period definition (log buckets).
    pub hists: Vec<(String, Histogram)>,
    /// Why matching failed.
    pub error: Option<String>,
    /// Why the last `:period` definition was refused, with a caret under the column.
    pub def_error: Option<String>,
    /// Selected instance.
    pub selected: usize,
    /// First instance shown.
    pub scroll: usize,
    /// The instance drilled into, and its syscalls (longest first).
    pub open: Option<(usize, Vec<Call>)>,
    /// The rest of the drill-down of `open`.
    pub detail: Option<Detail>,
    /// The focused drill-down section.
    pub section: Section,
    /// First row shown of each drill-down section but the syscalls.
    pub section_scroll: [usize; Section::ALL.len()],
    /// Selected and first shown syscall of the drill-down.
    pub call_selected: usize,
    /// See `call_selected`.
    pub call_scroll: usize,
    /// The comparison shown, if any.
    pub compare: Option<Compare>,
    /// Model generation and number of definitions the rows were asked for.
    key: Option<(u64, usize)>,
}

impl PeriodsState {
    /// The histogram of period `name`.
    pub fn hist(&self, name: &str) -> Option<&Histogram> {
        self.hists.iter().find(|h| h.0 == name).map(|h| &h.1)
    }

    /// The instance the user is looking at: the open one, else the selected one.
    pub fn current(&self) -> Option<&PeriodRow> {
        let i = self.open.as_ref().map_or(self.selected, |o| o.0);
        self.rows.get(i)
    }
}

/// Duration histograms of every period definition present in `rows`.
pub fn histograms(rows: &[PeriodRow]) -> Vec<(String, Histogram)> {
    let mut names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|n| {
            let durs = rows.iter().filter(|r| r.name == n).map(PeriodRow::dur);
            let h = latency::histogram(durs.collect(), Scale::Log, HIST_BUCKETS);
            (n.to_owned(), h)
        })
        .collect()
}

impl App {
    /// Asks for the instances once the tab is shown, periods are defined and the index is
    /// complete (a partial model would give partial, misleading instances); again when a
    /// definition is added.
    pub(crate) fn refresh_periods(&mut self) {
        if self.tab != Tab::Periods || !self.index.done {
            return;
        }
        let (Some(model), Some(view)) = (self.index.model.clone(), self.preset.clone()) else {
            return;
        };
        let key = Some((self.index.generation, view.periods.len()));
        if view.periods.is_empty() || self.periods.key == key {
            return;
        }
        self.periods.key = key;
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
        let p = &mut self.periods;
        p.computing = false;
        p.open = None;
        p.detail = None;
        p.compare = None;
        match result {
            Ok(mut rows) => {
                sort_rows(&mut rows, p.sort);
                p.hists = histograms(&rows);
                p.rows = rows;
                p.error = None;
            }
            Err(e) => p.error = Some(e),
        }
        p.selected = 0;
        p.scroll = 0;
    }

    /// Rows of the instance list on screen.
    pub(crate) fn period_list_height(&self) -> usize {
        let h = self.size.1.saturating_sub(5 + hist_height(self.size.1));
        usize::from(h).max(1)
    }

    /// Up/down in the list, the focused drill-down section or the comparison.
    pub(crate) fn scroll_periods(&mut self, delta: isize) {
        if self.periods.open.is_some() || self.periods.compare.is_some() {
            self.scroll_section(delta);
            return;
        }
        let height = self.period_list_height();
        let p = &mut self.periods;
        let len = p.rows.len();
        move_selection(&mut p.selected, &mut p.scroll, delta, len, height);
    }

    /// `sort_next_column` on the Periods tab: the next sort column, the largest instance
    /// selected (what the user sorts for).
    pub(crate) fn sort_periods(&mut self) {
        let p = &mut self.periods;
        if p.open.is_some() || p.compare.is_some() {
            return;
        }
        p.sort = p.sort.next();
        sort_rows(&mut p.rows, p.sort);
        p.selected = 0;
        p.scroll = 0;
        let label = p.sort.label();
        self.info(format!("periods sorted by {label}, largest first"));
    }
}

/// Finds the instances of `view`'s periods over the whole trace, slowest first, with their
/// thread's CPU, wait and blocked times.
pub fn instances(path: &Path, m: &Model, view: &View) -> anyhow::Result<Vec<PeriodRow>> {
    let o = Options::new(Range::of(m, None, None));
    let found = period::find(path, m, &o, view.definitions()?)?;
    let caps = |c: &[(String, period::eval::Val)]| {
        c.iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut children: Vec<Vec<(String, u64, u64)>> = vec![Vec::new(); found.instances.len()];
    for i in found.instances.iter().filter(|i| i.completed) {
        if let (Some(p), Some(d)) = (i.parent, found.defs.get(i.def))
            && let Some(c) = children.get_mut(p)
        {
            c.push((d.name.clone(), i.begin, i.end));
        }
    }
    let mut rows = Vec::new();
    for (k, i) in found.instances.iter().enumerate() {
        let Some(def) = found.defs.get(i.def).filter(|_| i.completed) else {
            continue;
        };
        let tid = match i.capture("tid") {
            Some(period::eval::Val::Int(t)) => u32::try_from(*t).ok(),
            _ => None,
        };
        let mut row = PeriodRow {
            name: def.path.clone(),
            begin: i.begin,
            end: i.end,
            tid,
            captures: caps(&i.begin_caps),
            children: children.get(k).cloned().unwrap_or_default(),
            cpu_ns: 0,
            wait_cpu_ns: 0,
            blocked_ns: 0,
        };
        row.children.sort_by_key(|c| c.1);
        if let Some(tid) = tid {
            let s = instance::states(m, tid, row.span());
            (row.cpu_ns, row.wait_cpu_ns, row.blocked_ns) = (s.cpu_ns, s.wait_cpu_ns, s.blocked_ns);
        }
        rows.push(row);
    }
    sort_rows(&mut rows, SortKey::Duration);
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

//! The Latency tab's state: the histogram of syscall, block I/O, scheduling or IRQ latencies
//! over the time selection (the whole trace without one), with the slowest instances of each
//! bucket, computed by the `lttng-tui-latency` thread. Each request carries a generation; a
//! newer request makes older answers stale, and they are dropped.

use std::path::Path;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};

use super::action::Action;
use super::app::{App, Tab};
use super::source::{EventFilter, EventSource, Position, Scan};
use super::worker::{Request, Update};
use crate::analysis::common::{self, Range};
use crate::analysis::latency::{self, Answer, Histogram, Scale};
use crate::analysis::latency_instances::Instance;
use crate::analysis::latency_samples::{self, LatencyKind};
use crate::model::Model;

/// Buckets per histogram: lttng-analyses' default `--freq-resolution`.
pub const RESOLUTION: usize = 20;

/// Instances kept per bucket (the slowest).
pub const PER_BUCKET: usize = 200;

/// What a histogram is computed for: model generation, selection, kind, series, scale.
type Inputs = (u64, Option<(u64, u64)>, LatencyKind, Option<String>, Scale);

/// The Latency tab.
#[derive(Debug, Clone, Default)]
pub struct LatencyState {
    /// What is measured.
    pub kind: LatencyKind,
    /// The series asked for (`None`: every sample of the kind).
    pub series: Option<String>,
    /// Bucket spacing (log by default).
    pub scale: Scale,
    /// The newest request's generation.
    pub generation: u64,
    /// A request is out.
    pub computing: bool,
    /// The latest histogram received.
    pub hist: Option<Histogram>,
    /// The rest of the latest answer: series shown, series available, instances.
    pub answer: Option<Answer>,
    /// The kind of the latest answer.
    pub shown_kind: LatencyKind,
    /// The bucket under the cursor.
    pub bucket: usize,
    /// The selected instance of that bucket.
    pub row: usize,
    /// First instance row on screen.
    pub scroll: usize,
    /// `m` was pressed before the answer came (or while indexing): go to the maximum when
    /// it does.
    pub want_max: bool,
    /// What `hist` was (or is being) computed for.
    key: Option<Inputs>,
}

impl LatencyState {
    /// The instances of the bucket under the cursor, slowest first.
    pub fn bucket_instances(&self) -> &[Instance] {
        self.answer
            .as_ref()
            .and_then(|a| a.instances.get(self.bucket))
            .map_or(&[], Vec::as_slice)
    }

    /// The selected instance.
    pub fn selected(&self) -> Option<&Instance> {
        self.bucket_instances().get(self.row)
    }

    fn buckets(&self) -> usize {
        self.hist.as_ref().map_or(0, |h| h.buckets.len())
    }

    /// Selects the last non-empty bucket and its slowest instance.
    fn goto_max(&mut self) {
        let last = self
            .hist
            .as_ref()
            .and_then(|h| h.buckets.iter().rposition(|b| b.2 > 0));
        if let Some(i) = last {
            self.bucket = i;
            self.row = 0;
            self.scroll = 0;
        }
    }

    fn move_bucket(&mut self, delta: isize) {
        let n = self.buckets();
        if n == 0 {
            return;
        }
        self.bucket = self.bucket.saturating_add_signed(delta).min(n - 1);
        self.row = 0;
        self.scroll = 0;
    }

    fn move_row(&mut self, delta: isize) {
        let n = self.bucket_instances().len();
        self.row = self
            .row
            .saturating_add_signed(delta)
            .min(n.saturating_sub(1));
    }
}

impl App {
    /// Asks for a new histogram when the tab is shown and its inputs changed.
    pub(crate) fn refresh_latency(&mut self) {
        if self.tab != Tab::Latency {
            return;
        }
        let Some(model) = self.index.model.clone() else {
            return;
        };
        let l = &self.latency;
        let key = (
            self.index.generation,
            self.selection_ns(),
            l.kind,
            l.series.clone(),
            l.scale,
        );
        if self.latency.key.as_ref() == Some(&key) {
            return;
        }
        self.latency.generation += 1;
        self.latency.computing = true;
        let (begin, end) = key.1.map_or((None, None), |(b, e)| (Some(b), Some(e)));
        let range = Range::of(&model, begin, end);
        self.send_public(Request::Latency {
            generation: self.latency.generation,
            model,
            range,
            kind: key.2,
            series: key.3.clone(),
            scale: key.4,
        });
        self.latency.key = Some(key);
    }

    /// Keeps an answer only if it answers the newest request.
    pub(crate) fn on_latency(&mut self, generation: u64, kind: LatencyKind, answer: Answer) {
        if generation != self.latency.generation {
            return;
        }
        let l = &mut self.latency;
        l.computing = false;
        let same = l.shown_kind == kind
            && l.answer.as_ref().map(|a| &a.series) == Some(&answer.series)
            && l.hist.as_ref().map(|h| h.buckets.len()) == Some(answer.hist.buckets.len());
        l.hist = Some(answer.hist.clone());
        l.answer = Some(answer);
        l.shown_kind = kind;
        if !same {
            l.bucket = 0;
        }
        l.bucket = l.bucket.min(l.buckets().saturating_sub(1));
        l.row = l.row.min(l.bucket_instances().len().saturating_sub(1));
        if l.want_max {
            l.goto_max();
            // While the indexer still sends snapshots, the maximum may move: follow it.
            l.want_max = !self.index.done;
        }
    }

    /// `toggle_latency_scale`.
    pub(crate) fn toggle_latency_scale(&mut self) {
        self.latency.scale = match self.latency.scale {
            Scale::Log => Scale::Linear,
            Scale::Linear => Scale::Log,
        };
    }

    /// The Latency tab's own handling of `action`; false when it is not one of the tab's.
    /// The tab's own commands (from the palette) show the tab first.
    pub(crate) fn apply_latency(&mut self, action: &Action) -> bool {
        if !self.layers.is_empty() {
            return false;
        }
        let own = matches!(
            action,
            Action::LatencyKind(_) | Action::LatencySeries(_) | Action::LatencyMax
        );
        if own {
            self.tab = Tab::Latency;
        }
        if self.tab != Tab::Latency {
            return false;
        }
        let page = self.latency_list_height().max(1) as isize;
        let l = &mut self.latency;
        match action {
            Action::MoveLeft => {
                l.want_max = false;
                l.move_bucket(-1);
            }
            Action::MoveRight => {
                l.want_max = false;
                l.move_bucket(1);
            }
            Action::MoveUp => l.move_row(-1),
            Action::MoveDown => l.move_row(1),
            Action::PageUp => l.move_row(-page),
            Action::PageDown => l.move_row(page),
            Action::GoTop => l.row = 0,
            Action::GoBottom => l.move_row(isize::MAX / 2),
            Action::LatencyMax => {
                l.goto_max();
                l.want_max = l.computing || !self.index.done;
            }
            Action::LatencyKind(name) => self.set_latency_kind(name),
            Action::LatencySeries(forward) => self.cycle_latency_series(*forward),
            Action::ShowInstance => self.show_latency_instance(),
            _ => return false,
        }
        let height = self.latency_list_height().max(1);
        let l = &mut self.latency;
        if l.row < l.scroll {
            l.scroll = l.row;
        } else if l.row >= l.scroll + height {
            l.scroll = l.row + 1 - height;
        }
        true
    }

    fn set_latency_kind(&mut self, name: &str) {
        match LatencyKind::from_name(name) {
            Some(k) if k != self.latency.kind => {
                self.latency.kind = k;
                self.latency.series = None;
            }
            Some(_) => {}
            None => self.error(format!(
                "no latency kind `{name}` (syscall, block, sched, irq)"
            )),
        }
    }

    /// Rows of the instance list on screen (see `views::latency`).
    pub fn latency_list_height(&self) -> usize {
        super::views::latency::list_rows(self.size.1)
    }

    /// The next or previous series; before the kind's first answer, over "all" and the
    /// kind's groups (known in advance), so keys typed ahead work.
    fn cycle_latency_series(&mut self, forward: bool) {
        let l = &mut self.latency;
        let labels: Vec<String> = match l.answer.as_ref().filter(|_| l.shown_kind == l.kind) {
            Some(a) => a.labels.clone(),
            None => std::iter::once(latency_samples::ALL)
                .chain(l.kind.groups().iter().copied())
                .map(str::to_owned)
                .collect(),
        };
        let n = labels.len();
        if n == 0 {
            return;
        }
        let current = l.series.as_deref().unwrap_or(latency_samples::ALL);
        let i = labels.iter().position(|x| x == current).unwrap_or(0);
        let next = if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        };
        l.series = (next != 0).then(|| labels[next].clone());
    }

    /// Enter: the selected instance in Control flow, its range as the time selection, its
    /// thread selected and the window around it.
    fn show_latency_instance(&mut self) {
        let Some(inst) = self.latency.selected().cloned() else {
            self.info("no instance in this bucket");
            return;
        };
        self.selection.start_ns = i64::try_from(inst.begin).ok();
        self.selection.end_ns = i64::try_from(inst.end).ok();
        if let Some(th) = inst.thread {
            self.select_thread(th);
        }
        self.tab = Tab::ControlFlow;
        if let Some(v) = &mut self.view {
            let pad = (inst.dur() / 4).max(1_000);
            v.zoom_to(inst.begin.saturating_sub(pad), inst.end.saturating_add(pad));
            v.set_cursor(inst.begin);
        }
        self.cursor_ns = i64::try_from(inst.begin).ok();
        self.info(format!(
            "{}: {} for {}",
            inst.who,
            inst.what,
            super::timefmt::duration(i64::try_from(inst.dur()).unwrap_or(i64::MAX))
        ));
    }
}

/// Wake-up events looked up per bucket (the slowest instances): each reads a few events.
const WAKERS_PER_BUCKET: usize = 20;

/// Time allowed to find one wake-up event before giving up on it.
const WAKER_BUDGET: Duration = Duration::from_millis(50);

/// Serves histogram requests, newest first: older queued ones are skipped unanswered (their
/// generation is stale anyway). Scheduling latencies also name their waker, which the model
/// does not keep: the `sched_wakeup` event's CPU says who ran there, so the thread opens the
/// trace on its first such request.
pub(crate) fn latency_thread(
    path: &Path,
    clock_gmt: bool,
    rx: &Receiver<Request>,
    tx: &Sender<Update>,
) {
    let mut source: Option<Option<EventSource>> = None;
    while let Ok(first) = rx.recv() {
        let newest = rx.try_iter().last().unwrap_or(first);
        let Request::Latency {
            generation,
            model,
            range,
            kind,
            series,
            scale,
        } = newest
        else {
            continue;
        };
        let mut answer = latency::answer(
            &model,
            range,
            kind,
            series.as_deref(),
            scale,
            RESOLUTION,
            PER_BUCKET,
        );
        if kind == LatencyKind::Sched {
            let src = source.get_or_insert_with(|| EventSource::open(path, clock_gmt).ok());
            if let Some(src) = src.as_mut() {
                add_wakers(src, &model, &mut answer, &|| !rx.is_empty());
            }
        }
        let update = Update::Latency {
            generation,
            kind,
            answer: Box::new(answer),
        };
        if tx.send(update).is_err() {
            return;
        }
    }
}

/// Appends `woken by THREAD on CPU N` to the slowest scheduling instances of each bucket;
/// stops early when `newer` says another request is waiting.
fn add_wakers(src: &mut EventSource, m: &Model, answer: &mut Answer, newer: &dyn Fn() -> bool) {
    for list in &mut answer.instances {
        for x in list.iter_mut().take(WAKERS_PER_BUCKET) {
            if newer() {
                return;
            }
            if let Some(w) = x.thread.and_then(|th| waker(src, m, th, x.begin)) {
                x.what = format!("woken by {w}; {}", x.what);
            }
        }
    }
}

/// Who woke thread index `th` at `at`: the thread current on the CPU of its wake-up event
/// (an interrupt or the idle thread when that CPU was idle).
fn waker(src: &mut EventSource, m: &Model, th: u32, at: u64) -> Option<String> {
    let tid = m.threads.get(th as usize)?.tid;
    let filter = EventFilter {
        name: Some("sched_wak".to_owned()),
        cpu: None,
        tid: Some(i64::from(tid)),
    };
    let from = Position {
        ts_ns: i64::try_from(at).ok()?,
        ordinal: 0,
    };
    let deadline = Instant::now() + WAKER_BUDGET;
    let late = || Instant::now() > deadline;
    let Scan::Done((rows, _)) = src.page_forward(from, 1, &filter, &late) else {
        return None;
    };
    let row = rows.into_iter().next()?;
    if u64::try_from(row.pos.ts_ns).ok()? != at {
        return None;
    }
    let cpu = u32::try_from(row.cpu?).ok()?;
    let ci = m.cpus.iter().position(|c| c.id == cpu)?;
    let w = m.cpus[ci].current.at(at)?;
    let t = m.threads.get(w as usize)?;
    if t.idle_cpu.is_some() {
        let by = if m.irq_at(ci as u32, at).is_some() {
            "an interrupt"
        } else {
            "the idle thread"
        };
        return Some(format!("{by} on CPU {cpu}"));
    }
    let name = common::thread_name(m, t, at);
    let ctx = if m.irq_at(ci as u32, at).is_some() {
        " (in an interrupt)"
    } else {
        ""
    };
    Some(format!("{name} {} on CPU {cpu}{ctx}", t.tid))
}

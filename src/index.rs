//! The background indexer: builds the [`Model`] of a trace on its own thread, reporting
//! progress and publishing consistent partial snapshots over a crossbeam channel, so a
//! consumer (the TUI, `lttng-tui index`) can show results for the part already indexed.
//! Cancellable at any time; optionally backed by an on-disk cache ([`cache`]).

pub mod cache;
mod progress;

use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::ctf::ir::EventClass;
use crate::ctf::message::{Message, StreamRef, Timestamp};
use crate::ctf::session::{RenderedSink, Session};
use crate::model::build::check_kernel;
use crate::model::reduced::Reducer;
use crate::model::{Builder, Model};
use progress::Meter;
pub use progress::{Phase, Progress};

/// How to index.
#[derive(Debug, Clone)]
pub struct Options {
    /// Read and write the on-disk cache.
    pub use_cache: bool,
    /// Cache directory (default: `$XDG_CACHE_HOME/lttng-tui`).
    pub cache_dir: Option<PathBuf>,
    /// Minimum time between progress updates.
    pub progress_every: Duration,
    /// Time before the first snapshot (`None`: no snapshots); later ones come at doubling
    /// intervals (capped at 8 s), because each snapshot copies the model built so far.
    pub first_snapshot: Option<Duration>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            use_cache: true,
            cache_dir: None,
            progress_every: Duration::from_millis(100),
            first_snapshot: Some(Duration::from_millis(250)),
        }
    }
}

/// What the indexer thread says.
#[derive(Debug, Clone)]
pub enum Update {
    /// How far it is.
    Progress(Progress),
    /// The model of the part indexed so far (consistent: open intervals closed).
    Snapshot(Arc<Model>),
    /// Something went wrong but the model of what was readable is still built (a stream
    /// stopped early). Sent, not printed: a terminal UI may own the screen.
    Warning(String),
    /// Finished: the full model, or why not.
    Done(Result<Arc<Model>, String>),
}

/// A running indexer. Dropping it cancels the work.
#[derive(Debug)]
pub struct Indexer {
    /// Updates, in order; [`Update::Done`] is the last one.
    pub updates: Receiver<Update>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Events between two looks at the clock and the cancel flag.
const CHECK_EVERY: u64 = 1 << 16;

impl Indexer {
    /// Starts indexing the trace(s) under `path` on a thread named `lttng-tui-index`.
    pub fn spawn(path: &Path, opts: Options) -> std::io::Result<Indexer> {
        let (tx, rx) = unbounded();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        let path = path.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("lttng-tui-index".into())
            .spawn(move || {
                let result = run(&path, &opts, &tx, &flag);
                let _ = tx.send(Update::Done(result.map_err(|e| format!("{e:#}"))));
            })?;
        Ok(Indexer {
            updates: rx,
            cancel,
            thread: Some(thread),
        })
    }

    /// Asks the thread to stop as soon as possible (within one check interval).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Waits for the end and returns the model (ignoring intermediate updates).
    pub fn wait(mut self) -> anyhow::Result<Arc<Model>> {
        let mut last = None;
        for u in self.updates.iter() {
            match u {
                Update::Done(r) => {
                    last = Some(r);
                    break;
                }
                // Waiting is the command-line path: the terminal is ours.
                Update::Warning(w) => eprintln!("lttng-tui: warning: {w}"),
                Update::Progress(_) | Update::Snapshot(_) => {}
            }
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        match last {
            Some(Ok(m)) => Ok(m),
            Some(Err(e)) => Err(anyhow::anyhow!(e)),
            None => Err(anyhow::anyhow!(
                "the indexer thread stopped without a result"
            )),
        }
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        self.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Why indexing stopped early.
#[derive(Debug, thiserror::Error)]
#[error("indexing cancelled")]
pub struct Cancelled;

fn run(
    path: &Path,
    opts: &Options,
    tx: &Sender<Update>,
    cancel: &AtomicBool,
) -> anyhow::Result<Arc<Model>> {
    let started = Instant::now();
    let cache_dir = opts.cache_dir.clone().or_else(cache::default_dir);
    // The cache is looked up before the traces are opened: a hit needs no metadata parsing.
    // Only a model built from a kernel trace was ever stored.
    let key = match (opts.use_cache, &cache_dir) {
        (true, Some(_)) => cache::Key::of(path).ok(),
        _ => None,
    };
    if let (Some(key), Some(dir)) = (&key, &cache_dir)
        && cache::exists(dir, path)
    {
        let _ = tx.send(Update::Progress(Progress {
            phase: Phase::LoadingCache,
            bytes_done: 0,
            bytes_total: 0,
            events: 0,
            elapsed: started.elapsed(),
            events_per_s: 0.0,
            eta: None,
        }));
        if let Some(m) = cache::load(dir, path, key) {
            // The damage the first build reported is still there.
            for e in &m.read_errors {
                let _ = tx.send(Update::Warning(e.clone()));
            }
            return Ok(Arc::new(m));
        }
    }
    let session = Session::open(path)?;
    for t in &session.traces {
        check_kernel(&t.class)?;
    }
    let mut meter = Meter::new(&session, started);
    let model = build(&session, opts, tx, cancel, &mut meter)?;
    if let (Some(key), Some(dir)) = (&key, &cache_dir) {
        let _ = tx.send(Update::Progress(meter.report(
            Phase::SavingCache,
            model.events,
            model.end,
        )));
        // A cache that cannot be written only costs the next open its speed.
        let _ = cache::store(dir, &session.root, key, &model);
    }
    Ok(model)
}

/// Runs the state machine over every message, with progress, snapshots and cancellation.
/// Streams are decoded on worker threads ahead of the state machine, which runs on this
/// thread in time order: decoding is most of the work and streams are independent, while
/// the state machine needs the global order.
fn build(
    session: &Session,
    opts: &Options,
    tx: &Sender<Update>,
    cancel: &AtomicBool,
    meter: &mut Meter,
) -> anyhow::Result<Arc<Model>> {
    let snapshot_gap = opts.first_snapshot.unwrap_or(Duration::MAX);
    let mut run = Run {
        b: Builder::new(),
        n: 0,
        next_progress: Instant::now(),
        snapshot_gap,
        next_snapshot: Instant::now().checked_add(snapshot_gap),
        cancelled: false,
        opts,
        tx,
        cancel,
        meter,
    };
    // Each event is reduced to what the model reads on the thread that decoded it: only
    // those few bytes cross to this thread (see `model::reduced`).
    let factory = || Box::new(Reducer::default());
    let outcome = session.for_each_rendered(&factory, &mut run);
    let Run {
        b, n, cancelled, ..
    } = run;
    if cancelled {
        return Err(Cancelled.into());
    }
    for e in &outcome.errors {
        // The model of what was readable is still useful: report, do not fail.
        let _ = tx.send(Update::Warning(e.to_string()));
    }
    let _ = tx.send(Update::Progress(meter.report(Phase::Done, n, u64::MAX)));
    let mut model = b.finish();
    model.read_errors = outcome.errors.iter().map(ToString::to_string).collect();
    Ok(Arc::new(model))
}

/// The indexing loop's state, fed one message at a time by the merge.
struct Run<'a> {
    b: Builder,
    /// Events fed.
    n: u64,
    next_progress: Instant,
    snapshot_gap: Duration,
    next_snapshot: Option<Instant>,
    cancelled: bool,
    opts: &'a Options,
    tx: &'a Sender<Update>,
    cancel: &'a AtomicBool,
    meter: &'a mut Meter,
}

impl RenderedSink for Run<'_> {
    /// Feeds one event. Always inlined into the merge loop, with the rare checks out of
    /// line.
    #[inline(always)]
    fn event(
        &mut self,
        timestamp: Option<Timestamp>,
        class: &EventClass,
        stream: &StreamRef<'_>,
        text: &[u8],
        _alternative: &[u8],
    ) -> ControlFlow<()> {
        self.b.event_reduced(timestamp, class, stream, text);
        self.n += 1;
        if self.n.is_multiple_of(CHECK_EVERY) {
            let last_ts = timestamp.and_then(|t| t.ns_from_origin).unwrap_or(0) as u64;
            return self.check(last_ts);
        }
        ControlFlow::Continue(())
    }

    fn other(&mut self, msg: &Message<'_>) -> ControlFlow<()> {
        match msg {
            Message::Lost(l) => self.b.lost(l),
            Message::Event(e) => {
                self.b.event(e);
                self.n += 1;
            }
        }
        ControlFlow::Continue(())
    }
}

impl Run<'_> {
    /// Every `CHECK_EVERY` events: cancellation, progress and snapshots.
    #[inline(never)]
    fn check(&mut self, last_ts: u64) -> ControlFlow<()> {
        if self.cancel.load(Ordering::Relaxed) {
            self.cancelled = true;
            return ControlFlow::Break(());
        }
        let now = Instant::now();
        if now >= self.next_progress {
            let report = self.meter.report(Phase::Indexing, self.n, last_ts);
            let _ = self.tx.send(Update::Progress(report));
            self.next_progress = now + self.opts.progress_every;
        }
        if self.next_snapshot.is_some_and(|at| now >= at) {
            let _ = self.tx.send(Update::Snapshot(Arc::new(self.b.snapshot())));
            self.snapshot_gap = (self.snapshot_gap * 2).min(Duration::from_secs(8));
            self.next_snapshot = Instant::now().checked_add(self.snapshot_gap);
        }
        ControlFlow::Continue(())
    }
}

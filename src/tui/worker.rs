//! Background threads and the messages between them and the UI thread.
//!
//! - `lttng-tui-pages` opens the session, sends the [`TraceFacts`], then serves page
//!   requests for the Events list. Requests carry the list's generation; once a newer one
//!   arrives, older queued requests are skipped and their answers would be dropped anyway.
//! - `lttng-tui-search` opens its own copy of the session on the first search, so a long
//!   search never delays scrolling. It checks a shared generation counter while scanning and
//!   stops as soon as the UI starts another search or cancels this one.
//!
//! - `lttng-tui-latency` computes the Latency tab's histogram (syscall, block, scheduling or
//!   IRQ latencies) and each bucket's slowest instances; only the newest queued request is
//!   served, and the UI drops an answer whose generation is not its latest.
//! - `lttng-tui-top` computes the Top tab's tables for the time selection, and
//!   `lttng-tui-summary` the timelines' per-row summaries of a complete model, in the same
//!   way: newest queued request only, stale answers dropped by the UI.
//! - `lttng-tui-periods` matches the view preset's periods over the whole trace.
//! - `lttng-tui-export` writes a time range as LAMI JSON (analyses and period matching can
//!   take seconds on a big trace, and the UI must keep answering meanwhile).
//!
//! Each thread exits when its request channel closes or an update cannot be sent.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use crossbeam_channel::{Receiver, Sender};

use super::facts::{self, TraceFacts};
use super::source::{EventFilter, EventSource, Position, Row, Scan};

/// Which way a page extends the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    /// Rows from a position on; `replace` starts a new list there.
    Forward {
        /// Start a new list (a jump) rather than append.
        replace: bool,
    },
    /// Rows just before a position, prepended.
    Backward,
}

/// A request from the UI.
#[derive(Debug, Clone)]
pub enum Request {
    /// Rows for the Events list.
    Page {
        /// The list's generation when asked.
        generation: u64,
        /// Direction and mode.
        dir: Dir,
        /// Anchor.
        at: Position,
        /// How many rows.
        count: usize,
        /// Which events.
        filter: EventFilter,
    },
    /// Find the next (or previous) event matching a pattern.
    Search {
        /// The search generation; see [`Workers::search_generation`].
        generation: u64,
        /// Text to match fuzzily.
        pattern: String,
        /// Start after (or before, `backward`) this position.
        from: Position,
        /// Search towards the start.
        backward: bool,
        /// Only events the list shows.
        filter: EventFilter,
    },
    /// Find the wake-up event of thread `tid` at or just after `at` (the model knows when a
    /// thread was woken but not from which CPU; the event's stream says).
    FindWaker {
        /// The wake-up time from the model.
        at: Position,
        /// The woken thread.
        tid: u32,
    },
    /// The Latency tab's histogram.
    Latency {
        /// The tab's generation when asked.
        generation: u64,
        /// The model.
        model: Arc<crate::model::Model>,
        /// The range.
        range: crate::analysis::common::Range,
        /// What is measured.
        kind: crate::analysis::latency_samples::LatencyKind,
        /// The series (`None`: every sample of the kind).
        series: Option<String>,
        /// Bucket spacing.
        scale: crate::analysis::latency::Scale,
    },
    /// The Periods tab's instances.
    Periods {
        /// The tab's generation when asked.
        generation: u64,
        /// The complete model.
        model: Arc<crate::model::Model>,
        /// The preset.
        view: Box<crate::config::view::View>,
    },
    /// The Top tab's tables.
    Top {
        /// The tab's generation when asked.
        generation: u64,
        /// The model.
        model: Arc<crate::model::Model>,
        /// The time selection, or the whole trace.
        range: Option<(u64, u64)>,
    },
    /// The timelines' per-row summary of a model.
    Summary {
        /// The model's generation.
        generation: u64,
        /// The model.
        model: Arc<crate::model::Model>,
    },
    /// Write the LAMI export of a range into a directory.
    Export {
        /// The model the analyses read.
        model: Arc<crate::model::Model>,
        /// The range.
        range: crate::analysis::common::Range,
        /// The preset whose periods are exported too.
        view: Option<crate::config::view::View>,
        /// The directory to write into.
        dir: PathBuf,
    },
}

/// A message to the UI.
#[derive(Debug, Clone)]
pub enum Update {
    /// The session is open.
    Opened(Box<TraceFacts>),
    /// The session cannot be opened.
    OpenFailed(String),
    /// Rows for the Events list.
    Page {
        /// Generation of the request.
        generation: u64,
        /// Its direction.
        dir: Dir,
        /// The rows, in time order.
        rows: Vec<Row>,
        /// No more rows exist in that direction.
        exhausted: bool,
    },
    /// How far a search got.
    SearchProgress {
        /// Generation of the search.
        generation: u64,
        /// Fraction of the trace scanned.
        fraction: f32,
    },
    /// A search ended.
    SearchDone {
        /// Generation of the search.
        generation: u64,
        /// The matching event, if any.
        hit: Option<Position>,
    },
    /// The wake-up event asked for by [`Request::FindWaker`].
    Waker {
        /// The woken thread.
        tid: u32,
        /// The event, if found.
        row: Option<Row>,
    },
    /// From the indexer thread.
    Index(crate::index::Update),
    /// A Latency histogram and its buckets' slowest instances.
    Latency {
        /// Generation of the request.
        generation: u64,
        /// What it measures.
        kind: crate::analysis::latency_samples::LatencyKind,
        /// The histogram, series and instances.
        answer: Box<crate::analysis::latency::Answer>,
    },
    /// Period instances, slowest first, or why matching failed.
    Periods {
        /// Generation of the request.
        generation: u64,
        /// The instances.
        result: Result<Vec<super::periods::PeriodRow>, String>,
    },
    /// Top tables.
    Top {
        /// Generation of the request.
        generation: u64,
        /// The tables, in the tab's order.
        tables: Vec<super::tops::Table>,
    },
    /// A timeline summary (`None` when the model has too many rows for one).
    Summary {
        /// The model generation it was built from.
        generation: u64,
        /// The summary.
        summary: Option<Arc<super::summary::Summary>>,
    },
    /// An export finished: the file written, or why not.
    Exported(Result<PathBuf, String>),
}

/// Handles to the background threads.
#[derive(Debug, Clone)]
pub struct Workers {
    pages: Sender<Request>,
    search: Sender<Request>,
    export: Sender<Request>,
    latency: Sender<Request>,
    periods: Sender<Request>,
    top: Sender<Request>,
    summary: Sender<Request>,
    /// The generation of the search the UI wants; a scan with another one stops.
    pub search_generation: Arc<AtomicU64>,
}

impl Workers {
    /// Sends a request to the thread that serves it. A closed channel means the thread is
    /// gone (it reported why when it stopped), so the error is dropped.
    pub fn send(&self, request: Request) {
        let to = match request {
            Request::Page { .. } | Request::FindWaker { .. } => &self.pages,
            Request::Search { .. } => &self.search,
            Request::Export { .. } => &self.export,
            Request::Latency { .. } => &self.latency,
            Request::Periods { .. } => &self.periods,
            Request::Top { .. } => &self.top,
            Request::Summary { .. } => &self.summary,
        };
        let _ = to.send(request);
    }
}

/// Starts the threads for the session under `path`; updates arrive on the returned receiver.
pub fn spawn(
    path: PathBuf,
    clock_gmt: bool,
    index: Option<Receiver<crate::index::Update>>,
) -> std::io::Result<(Workers, Receiver<Update>)> {
    let (update_tx, update_rx) = crossbeam_channel::unbounded();
    if let Some(index) = index {
        let tx = update_tx.clone();
        thread::Builder::new()
            .name("lttng-tui-index-relay".into())
            .spawn(move || relay_index(&index, &tx))?;
    }
    let (pages_tx, pages_rx) = crossbeam_channel::unbounded();
    let (search_tx, search_rx) = crossbeam_channel::unbounded();
    let search_generation = Arc::new(AtomicU64::new(0));
    let (p, u) = (path.clone(), update_tx.clone());
    thread::Builder::new()
        .name("lttng-tui-pages".into())
        .spawn(move || pages_thread(&p, clock_gmt, &pages_rx, &u))?;
    let (export_tx, export_rx) = crossbeam_channel::unbounded();
    let (p, u) = (path.clone(), update_tx.clone());
    thread::Builder::new()
        .name("lttng-tui-export".into())
        .spawn(move || super::export::export_thread(&p, &export_rx, &u))?;
    let (latency_tx, latency_rx) = crossbeam_channel::unbounded();
    let (p, u) = (path.clone(), update_tx.clone());
    thread::Builder::new()
        .name("lttng-tui-latency".into())
        .spawn(move || super::latency::latency_thread(&p, clock_gmt, &latency_rx, &u))?;
    let (periods_tx, periods_rx) = crossbeam_channel::unbounded();
    let (p, u) = (path.clone(), update_tx.clone());
    thread::Builder::new()
        .name("lttng-tui-periods".into())
        .spawn(move || super::periods::periods_thread(&p, &periods_rx, &u))?;
    let (top_tx, top_rx) = crossbeam_channel::unbounded();
    let u = update_tx.clone();
    thread::Builder::new()
        .name("lttng-tui-top".into())
        .spawn(move || super::update_top::top_thread(&top_rx, &u))?;
    let (summary_tx, summary_rx) = crossbeam_channel::unbounded();
    let u = update_tx.clone();
    thread::Builder::new()
        .name("lttng-tui-summary".into())
        .spawn(move || super::summary::summary_thread(&summary_rx, &u))?;
    let generation = Arc::clone(&search_generation);
    thread::Builder::new()
        .name("lttng-tui-search".into())
        .spawn(move || search_thread(&path, clock_gmt, &search_rx, &update_tx, &generation))?;
    let workers = Workers {
        pages: pages_tx,
        search: search_tx,
        export: export_tx,
        latency: latency_tx,
        periods: periods_tx,
        top: top_tx,
        summary: summary_tx,
        search_generation,
    };
    Ok((workers, update_rx))
}

/// Passes the indexer's updates on to the UI's single update channel, so the event loop
/// waits on one receiver for all background work.
fn relay_index(rx: &Receiver<crate::index::Update>, tx: &Sender<Update>) {
    for up in rx {
        let last = matches!(up, crate::index::Update::Done(_));
        if tx.send(Update::Index(up)).is_err() || last {
            return;
        }
    }
}

fn pages_thread(
    path: &std::path::Path,
    clock_gmt: bool,
    rx: &Receiver<Request>,
    tx: &Sender<Update>,
) {
    let mut source = match EventSource::open(path, clock_gmt) {
        Ok(s) => s,
        Err(e) => {
            let _ = tx.send(Update::OpenFailed(e.to_string()));
            return;
        }
    };
    let facts = facts::compute(&mut source);
    if tx.send(Update::Opened(Box::new(facts))).is_err() {
        return;
    }
    while let Ok(first) = rx.recv() {
        // Serve only the newest generation among everything queued.
        let mut queue: Vec<Request> = std::iter::once(first).chain(rx.try_iter()).collect();
        for r in &queue {
            if let Request::FindWaker { at, tid } = r
                && !find_waker(&mut source, *at, *tid, tx)
            {
                return;
            }
        }
        queue.retain(|r| matches!(r, Request::Page { .. }));
        let newest = queue.iter().map(generation_of).max().unwrap_or(0);
        queue.retain(|r| generation_of(r) == newest);
        for request in queue {
            let Request::Page {
                generation,
                dir,
                at,
                count,
                filter,
            } = request
            else {
                continue;
            };
            let never = || false;
            let scan = match dir {
                Dir::Forward { .. } => source.page_forward(at, count, &filter, &never),
                Dir::Backward => source.page_backward(at, count, &filter, &never),
            };
            if let Scan::Done((rows, exhausted)) = scan
                && tx
                    .send(Update::Page {
                        generation,
                        dir,
                        rows,
                        exhausted,
                    })
                    .is_err()
            {
                return;
            }
        }
    }
}

fn generation_of(r: &Request) -> u64 {
    match r {
        Request::Page { generation, .. } | Request::Search { generation, .. } => *generation,
        Request::Latency { generation, .. } | Request::Periods { generation, .. } => *generation,
        Request::Top { generation, .. } | Request::Summary { generation, .. } => *generation,
        Request::FindWaker { .. } | Request::Export { .. } => 0,
    }
}

/// Answers a [`Request::FindWaker`]; false when the UI is gone.
fn find_waker(source: &mut EventSource, at: Position, tid: u32, tx: &Sender<Update>) -> bool {
    let filter = EventFilter {
        name: Some("sched_wak".to_string()),
        cpu: None,
        tid: Some(i64::from(tid)),
    };
    let never = || false;
    let row = match source.page_forward(at, 1, &filter, &never) {
        Scan::Done((rows, _)) => rows.into_iter().next(),
        Scan::Cancelled => None,
    };
    tx.send(Update::Waker { tid, row }).is_ok()
}

fn search_thread(
    path: &std::path::Path,
    clock_gmt: bool,
    rx: &Receiver<Request>,
    tx: &Sender<Update>,
    wanted: &AtomicU64,
) {
    let mut source: Option<EventSource> = None;
    while let Ok(first) = rx.recv() {
        let request = rx.try_iter().last().unwrap_or(first);
        let Request::Search {
            generation,
            pattern,
            from,
            backward,
            filter,
        } = request
        else {
            continue;
        };
        if wanted.load(Ordering::Relaxed) != generation {
            continue;
        }
        if source.is_none() {
            match EventSource::open(path, clock_gmt) {
                Ok(mut s) => {
                    // Only for the density estimate that sizes backward windows.
                    facts::compute(&mut s);
                    source = Some(s);
                }
                Err(_) => {
                    // The pages thread already reported why the session cannot be opened.
                    let _ = tx.send(Update::SearchDone {
                        generation,
                        hit: None,
                    });
                    continue;
                }
            }
        }
        let Some(src) = source.as_mut() else { continue };
        let cancelled = || wanted.load(Ordering::Relaxed) != generation;
        let mut progress = |fraction: f32| {
            let _ = tx.send(Update::SearchProgress {
                generation,
                fraction,
            });
        };
        let scan = src.search(from, &pattern, backward, &filter, &cancelled, &mut progress);
        if let Scan::Done(hit) = scan
            && tx.send(Update::SearchDone { generation, hit }).is_err()
        {
            return;
        }
    }
}

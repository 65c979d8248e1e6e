//! A session: every trace found under a path (LTTng session folders hold `kernel/` and
//! `ust/...` traces, snapshots and rotation chunks), opened together.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};

use super::field_digest::FieldDigest;
use super::ir::EventClass;
use super::merge::Merger;
use super::message::{Message, StreamRef, Timestamp};
use super::metadata::memo;
use super::parallel::{
    EventFormatter, EventValues, FormatterFactory, MAX_THREADED_STREAMS, MergeOutcome, PassOver,
    for_each_formatted, for_each_pending,
};
use super::trace::{Trace, TraceError};

/// Where [`Session::for_each_rendered`] hands messages. Returning `Break` stops the walk.
pub trait RenderedSink {
    /// An event, with the rendering made on its decoding thread and an alternative one
    /// (empty when none).
    fn event(
        &mut self,
        timestamp: Option<Timestamp>,
        class: &EventClass,
        stream: &StreamRef<'_>,
        text: &[u8],
        alternative: &[u8],
    ) -> ControlFlow<()>;

    /// Anything else (loss notices).
    fn other(&mut self, msg: &Message<'_>) -> ControlFlow<()>;
}

/// What [`Session::decode_all`] found.
#[derive(Debug, Default)]
pub struct DecodedAll {
    /// Messages walked in time order (events and loss notices).
    pub messages: u64,
    /// The sum of every event's [`FieldDigest`]: the same whichever decoding thread read
    /// which stream, and whichever way a class was decoded.
    pub digest: u64,
    /// Errors and ordering of the walk.
    pub outcome: MergeOutcome,
}

/// How deep to look for trace directories: deeper trees are not LTTng layouts, and a bound
/// keeps a symlink loop from recursing forever.
const MAX_DEPTH: usize = 12;

/// Why a session cannot be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// Nothing that looks like a CTF trace under the path.
    #[error("{0}: no CTF trace found (no `metadata` file in it or below it)")]
    NoTrace(PathBuf),
    /// The path cannot be read.
    #[error("{path}: {error}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        error: std::io::Error,
    },
    /// Every trace failed; this is the first failure.
    #[error(transparent)]
    Trace(#[from] TraceError),
}

/// All traces under one path.
#[derive(Debug)]
pub struct Session {
    /// The path the user gave.
    pub root: PathBuf,
    /// Opened traces, in a deterministic order (by path).
    pub traces: Vec<Trace>,
    /// Traces that could not be opened, with why.
    pub failed: Vec<TraceError>,
}

impl Session {
    /// Finds and opens every trace under `path`. Directories whose metadata share a trace
    /// UUID are one trace (rotation chunks, as babeltrace2 merges them).
    pub fn open(path: &Path) -> Result<Session, SessionError> {
        Session::open_memo(path, None)
    }

    /// [`Self::open`], with parsed metadata kept in (and taken from) `memo_dir` when given:
    /// for short commands, where parsing a kernel trace's metadata is a large share of the
    /// run.
    pub fn open_memo(path: &Path, memo_dir: Option<&Path>) -> Result<Session, SessionError> {
        let roots = trace_roots(path)?;
        if roots.is_empty() {
            return Err(SessionError::NoTrace(path.to_path_buf()));
        }
        let mut failed = Vec::new();
        let mut by_uuid: BTreeMap<String, Vec<(PathBuf, _)>> = BTreeMap::new();
        for root in roots {
            match memo::parse_file(&root.join("metadata"), memo_dir) {
                Ok(meta) => {
                    let key = match meta.class.uuid {
                        Some(u) => format!("{u:02x?}"),
                        None => format!("path:{}", root.display()),
                    };
                    by_uuid.entry(key).or_default().push((root, meta));
                }
                Err(e) => failed.push(TraceError::Metadata(e)),
            }
        }
        let mut traces = Vec::new();
        for group in by_uuid.into_values() {
            match Trace::from_parsed(group) {
                Ok(t) => traces.push(t),
                Err(e) => failed.push(e),
            }
        }
        traces.sort_by(|a, b| a.path.cmp(&b.path));
        if traces.is_empty() {
            if let Some(first) = failed.into_iter().next() {
                return Err(first.into());
            }
            return Err(SessionError::NoTrace(path.to_path_buf()));
        }
        Ok(Session {
            root: path.to_path_buf(),
            traces,
            failed,
        })
    }

    /// Whether streams are decoded on worker threads (one per stream, up to a limit).
    fn threaded(&self) -> bool {
        let streams: usize = self.traces.iter().map(|t| t.streams.len()).sum();
        streams <= MAX_THREADED_STREAMS
    }

    /// Decodes every event of every stream, every field of each (see [`FieldDigest`]), and
    /// walks them in time order without assembling messages: `dump --output-format dummy`.
    pub fn decode_all(&self) -> DecodedAll {
        let total = AtomicU64::new(0);
        let factory = || Box::new(FieldDigest::new(&total));
        let mut messages = 0u64;
        let outcome = if self.threaded() {
            // Nothing reads the values after the formatters: they are dropped.
            for_each_pending(
                &self.traces,
                Some(&factory),
                EventValues::Drop,
                None,
                |_| {
                    messages += 1;
                    ControlFlow::Continue(())
                },
            )
        } else {
            self.for_each_formatted(Some(&factory), |_, _, _| {
                messages += 1;
                ControlFlow::Continue(())
            })
        };
        DecodedAll {
            messages,
            digest: total.load(Ordering::Relaxed),
            outcome,
        }
    }

    /// Every message in time order for a printer: events come pre-rendered by formatters
    /// from `factory` (made on the decoding threads), with only their timestamp, class and
    /// stream; loss notices come as messages. Both go to `sink`'s methods, inlined into the
    /// merge loop (an enum of the two, built and taken apart per event, cost the indexing
    /// thread 50 of its 585 instructions per event).
    pub fn for_each_rendered<S: RenderedSink, E: EventFormatter + ?Sized>(
        &self,
        factory: &FormatterFactory<'_, E>,
        sink: &mut S,
    ) -> MergeOutcome {
        if !self.threaded() {
            return self.for_each_formatted(Some(factory), |msg, text, alternative| match msg {
                Message::Event(ev) => {
                    sink.event(ev.timestamp, ev.class, &ev.stream, text, alternative)
                }
                other => sink.other(other),
            });
        }
        // Events are asked only for their head and renderings, never for their message.
        for_each_pending(
            &self.traces,
            Some(factory),
            EventValues::Drop,
            None,
            |pending| match pending.event_head() {
                Some((timestamp, class)) => sink.event(
                    timestamp,
                    class,
                    pending.stream(),
                    pending.text(),
                    pending.alternative_text(),
                ),
                None => match pending.message() {
                    Some(msg) => sink.other(&msg),
                    None => ControlFlow::Continue(()),
                },
            },
        )
    }

    /// All messages of all traces in time order, decoded on the caller's thread.
    pub fn messages(&self) -> Merger<'_> {
        Merger::new(&self.traces)
    }

    /// Hands every message, in time order, to `f`; streams are decoded on worker threads
    /// (on the caller's thread when there are too many streams for one thread each).
    pub fn for_each_message<F>(&self, mut f: F) -> MergeOutcome
    where
        F: FnMut(&Message<'_>) -> ControlFlow<()>,
    {
        self.for_each_formatted(None::<&FormatterFactory<'_>>, |msg, _, _| f(msg))
    }

    /// Like [`Self::for_each_message`], with every event also rendered by a formatter from
    /// `factory` on the thread that decoded it; `f` gets the rendering and its alternative.
    pub fn for_each_formatted<E, F>(
        &self,
        factory: Option<&FormatterFactory<'_, E>>,
        mut f: F,
    ) -> MergeOutcome
    where
        E: EventFormatter + ?Sized,
        F: FnMut(&Message<'_>, &[u8], &[u8]) -> ControlFlow<()>,
    {
        if self.threaded() {
            return for_each_formatted(&self.traces, factory, f);
        }
        let mut formatter = factory.map(|make| make());
        let (mut primary, mut alternative) = (Vec::new(), Vec::new());
        let mut merger = self.messages();
        while let Some(msg) = merger.next_message() {
            primary.clear();
            alternative.clear();
            if let (Some(fmt), Message::Event(ev)) = (formatter.as_mut(), &msg) {
                // Events of several streams interleave here: no packet identity.
                fmt.format(ev, None, &mut primary, &mut alternative);
            }
            if f(&msg, &primary, &alternative).is_break() {
                break;
            }
        }
        merger.outcome()
    }

    /// Every message in time order except the events `pass_over` has the readers step over
    /// inside their streams. Streams are read on worker threads when there are few enough:
    /// stepping over is most of the work, and it splits across cores while little crosses
    /// between threads.
    pub fn for_each_kept<F>(&self, pass_over: &PassOver<'_>, mut f: F) -> MergeOutcome
    where
        F: FnMut(&Message<'_>) -> ControlFlow<()>,
    {
        if self.threaded() {
            return for_each_pending(
                &self.traces,
                None::<&FormatterFactory<'_>>,
                EventValues::Keep,
                Some(pass_over),
                |pending| match pending.message() {
                    Some(msg) => f(&msg),
                    None => ControlFlow::Continue(()),
                },
            );
        }
        let mut merger = Merger::filtered(&self.traces, pass_over);
        while let Some(msg) = merger.next_message() {
            if f(&msg).is_break() {
                break;
            }
        }
        merger.outcome()
    }
}

/// The directories under `path` that hold a trace (a `metadata` file), sorted, without
/// reading any of them: what [`Session::open`] would open.
pub fn trace_roots(path: &Path) -> Result<Vec<PathBuf>, SessionError> {
    let mut roots = Vec::new();
    find_trace_roots(path, 0, &mut roots)?;
    roots.sort();
    Ok(roots)
}

fn find_trace_roots(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), SessionError> {
    let io = |error| SessionError::Io {
        path: dir.to_path_buf(),
        error,
    };
    let meta = std::fs::metadata(dir).map_err(io)?;
    if !meta.is_dir() {
        // A metadata file given directly: its directory is the trace.
        if dir.file_name().is_some_and(|n| n == "metadata") {
            if let Some(parent) = dir.parent() {
                out.push(parent.to_path_buf());
            }
            return Ok(());
        }
        return Err(SessionError::NoTrace(dir.to_path_buf()));
    }
    if dir.join("metadata").is_file() {
        out.push(dir.to_path_buf());
        return Ok(());
    }
    if depth >= MAX_DEPTH {
        return Ok(());
    }
    let mut children: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    children.sort();
    for child in children {
        find_trace_roots(&child, depth + 1, out)?;
    }
    Ok(())
}

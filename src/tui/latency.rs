//! The Latency tab's state: the histogram of syscall latencies over the time selection (the
//! whole trace without one), computed by the `lttng-tui-latency` thread. Each request
//! carries a generation; a newer request makes older answers stale, and they are dropped.

use crossbeam_channel::{Receiver, Sender};

use super::app::{App, Tab};
use super::worker::{Request, Update};
use crate::analysis::common::{Options, Range};
use crate::analysis::latency::{self, Histogram, Scale};

/// Buckets per histogram: lttng-analyses' default `--freq-resolution`.
pub const RESOLUTION: usize = 20;

/// What a histogram is computed for: model generation, selection, scale.
type Inputs = (u64, Option<(u64, u64)>, Scale);

/// The Latency tab.
#[derive(Debug, Clone, Default)]
pub struct LatencyState {
    /// Bucket spacing (log by default).
    pub scale: Scale,
    /// The newest request's generation.
    pub generation: u64,
    /// A request is out.
    pub computing: bool,
    /// The latest histogram received.
    pub hist: Option<Histogram>,
    /// What `hist` was (or is being) computed for.
    key: Option<Inputs>,
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
        let key = (
            self.index.generation,
            self.selection_ns(),
            self.latency.scale,
        );
        if self.latency.key == Some(key) {
            return;
        }
        self.latency.key = Some(key);
        self.latency.generation += 1;
        self.latency.computing = true;
        let (begin, end) = key.1.map_or((None, None), |(b, e)| (Some(b), Some(e)));
        let range = Range::of(&model, begin, end);
        self.send_public(Request::Latency {
            generation: self.latency.generation,
            model,
            range,
            scale: key.2,
        });
    }

    /// Keeps a histogram only if it answers the newest request.
    pub(crate) fn on_latency(&mut self, generation: u64, hist: Histogram) {
        if generation != self.latency.generation {
            return;
        }
        self.latency.computing = false;
        self.latency.hist = Some(hist);
    }

    /// `toggle_latency_scale`.
    pub(crate) fn toggle_latency_scale(&mut self) {
        self.latency.scale = match self.latency.scale {
            Scale::Log => Scale::Linear,
            Scale::Linear => Scale::Log,
        };
    }
}

/// Serves histogram requests, newest first: older queued ones are skipped unanswered (their
/// generation is stale anyway).
pub(crate) fn latency_thread(rx: &Receiver<Request>, tx: &Sender<Update>) {
    while let Ok(first) = rx.recv() {
        let newest = rx.try_iter().last().unwrap_or(first);
        let Request::Latency {
            generation,
            model,
            range,
            scale,
        } = newest
        else {
            continue;
        };
        let values = latency::syscall_durations(&model, &Options::new(range));
        let hist = latency::histogram(values, scale, RESOLUTION);
        if tx.send(Update::Latency { generation, hist }).is_err() {
            return;
        }
    }
}

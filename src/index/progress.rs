//! Progress figures: phase, bytes and events done, rate and ETA.

use std::time::{Duration, Instant};

use crate::ctf::clock::ClockConverter;
use crate::ctf::session::Session;

/// What the indexer is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Looking for a cached index.
    LoadingCache,
    /// Decoding and building the model.
    Indexing,
    /// Writing the cache.
    SavingCache,
    /// Finished.
    Done,
}

/// One progress report.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Phase.
    pub phase: Phase,
    /// Bytes of stream data done (estimated from the time reached: streams are read in
    /// time order, so the share of the trace's time span done is the share of its bytes).
    pub bytes_done: u64,
    /// Bytes of stream data in total.
    pub bytes_total: u64,
    /// Events done.
    pub events: u64,
    /// Time since the start.
    pub elapsed: Duration,
    /// Events per second so far.
    pub events_per_s: f64,
    /// Estimated time left.
    pub eta: Option<Duration>,
}

/// Turns event counts and timestamps into [`Progress`].
pub(super) struct Meter {
    started: Instant,
    bytes_total: u64,
    begin_ns: u64,
    end_ns: u64,
}

impl Meter {
    pub(super) fn new(session: &Session, started: Instant) -> Meter {
        let mut bytes_total = 0;
        let (mut begin_ns, mut end_ns) = (u64::MAX, 0u64);
        for t in &session.traces {
            let conv = t.class.clocks.first().map(ClockConverter::new);
            for s in &t.streams {
                for p in &s.packets {
                    bytes_total += p.info.size_bits / 8;
                    let ns = |c: Option<u64>| {
                        c.and_then(|c| conv.as_ref()?.to_ns(c))
                            .and_then(|n| u64::try_from(n).ok())
                    };
                    if let Some(b) = ns(p.info.ts_begin) {
                        begin_ns = begin_ns.min(b);
                    }
                    if let Some(e) = ns(p.info.ts_end) {
                        end_ns = end_ns.max(e);
                    }
                }
            }
        }
        Meter {
            started,
            bytes_total,
            begin_ns,
            end_ns,
        }
    }

    /// A report at `events` done, having reached time `ts` (ns since the epoch).
    pub(super) fn report(&mut self, phase: Phase, events: u64, ts: u64) -> Progress {
        let elapsed = self.started.elapsed();
        let span = self.end_ns.saturating_sub(self.begin_ns).max(1);
        let frac = if ts == u64::MAX {
            1.0
        } else {
            (ts.saturating_sub(self.begin_ns) as f64 / span as f64).clamp(0.0, 1.0)
        };
        let secs = elapsed.as_secs_f64().max(1e-9);
        let eta = (frac > 0.01).then(|| Duration::from_secs_f64(secs * (1.0 - frac) / frac));
        Progress {
            phase,
            bytes_done: (self.bytes_total as f64 * frac) as u64,
            bytes_total: self.bytes_total,
            events,
            elapsed,
            events_per_s: events as f64 / secs,
            eta,
        }
    }
}

//! Merging every data stream of every trace into one time-ordered sequence.
//!
//! Each stream is already in time order, so a min-heap of stream heads keyed by
//! (nanoseconds from origin, stream rank) yields the global order. The rank reproduces
//! babeltrace2's muxer tie-breaking for equal timestamps: trace UUID (traces with one first),
//! trace name (`hostname`), stream class id, stream id. A message without a timestamp takes
//! the last returned one, as in babeltrace2. A stream going back in time is tolerated and
//! counted rather than fatal.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::message::Message;
use super::parallel::{MergeOutcome, PassOver};
use super::reader::{Head, ReadError, StreamReader};
use super::trace::Trace;

/// The merged message sequence of a session.
#[derive(Debug)]
pub struct Merger<'s> {
    readers: Vec<StreamReader<'s>>,
    ranks: Vec<u64>,
    heap: BinaryHeap<Reverse<(i64, u64, usize)>>,
    current: Option<usize>,
    started: bool,
    last_ts: i64,
    errors: Vec<ReadError>,
    /// Messages whose timestamp was earlier than one already returned.
    pub out_of_order: u64,
}

impl<'s> Merger<'s> {
    /// A merger over every stream of `traces`.
    pub fn new(traces: &'s [Trace]) -> Self {
        let mut readers = Vec::new();
        for (ti, trace) in traces.iter().enumerate() {
            for si in 0..trace.streams.len() {
                readers.push(StreamReader::new(trace, ti, si));
            }
        }
        let ranks = stream_ranks(traces);
        Merger {
            readers,
            ranks,
            heap: BinaryHeap::new(),
            current: None,
            started: false,
            last_ts: i64::MIN,
            errors: Vec::new(),
            out_of_order: 0,
        }
    }

    /// A merger without the events `pass_over` has the readers step over inside their
    /// streams.
    pub fn filtered(traces: &'s [Trace], pass_over: &PassOver<'_>) -> Self {
        let mut merger = Merger::new(traces);
        for reader in &mut merger.readers {
            reader.set_filter(pass_over.keep, pass_over.through_ns);
        }
        merger
    }

    /// The instant (ns from origin) of the latest event a filtered merger read past.
    pub fn last_passed_ns(&self) -> Option<i64> {
        self.readers
            .iter()
            .filter_map(StreamReader::last_passed_ns)
            .max()
    }

    /// What the merge met so far.
    pub fn outcome(&self) -> MergeOutcome {
        MergeOutcome {
            errors: self.errors.clone(),
            out_of_order: self.out_of_order,
            events_read: self.events_read(),
            last_passed_ns: self.last_passed_ns(),
        }
    }

    /// Errors that stopped streams so far (each stream stops at its first error).
    pub fn errors(&self) -> &[ReadError] {
        &self.errors
    }

    /// Events decoded so far, over all streams.
    pub fn events_read(&self) -> u64 {
        self.readers.iter().map(StreamReader::events_read).sum()
    }

    fn push(&mut self, i: usize) {
        if let Some(key) = self.key_of(i) {
            self.heap.push(Reverse(key));
        }
    }

    /// The merge key of reader `i`'s head, or `None` when the reader is done.
    fn key_of(&mut self, i: usize) -> Option<(i64, u64, usize)> {
        let reader = &self.readers[i];
        let cycles = match reader.head() {
            Head::Event { cycles, .. } => cycles,
            Head::Lost { begin, .. } => begin,
            Head::End => {
                if let Some(e) = reader.error() {
                    self.errors.push(e.clone());
                }
                return None;
            }
        };
        let ts = reader
            .timestamp(cycles)
            // A clock that cannot convert (overflowing offset) still orders by raw cycles.
            .map(|t| t.ns_from_origin.unwrap_or(t.cycles as i64))
            .unwrap_or(self.last_ts.max(0));
        Some((ts, self.ranks[i], i))
    }

    /// The next message in time order, or `None` when every stream is done.
    #[inline]
    pub fn next_message(&mut self) -> Option<Message<'_>> {
        if !self.started {
            self.started = true;
            for i in 0..self.readers.len() {
                self.readers[i].advance();
                self.push(i);
            }
        } else if let Some(i) = self.current.take() {
            self.readers[i].advance();
            // Streams come in bursts: while the same stream stays ahead of every other one,
            // skip the heap round trip.
            if let Some(key) = self.key_of(i) {
                match self.heap.peek() {
                    Some(Reverse(top)) if *top < key => self.heap.push(Reverse(key)),
                    _ => return self.emit(key),
                }
            }
        }
        let Reverse(key) = self.heap.pop()?;
        self.emit(key)
    }

    #[inline]
    fn emit(&mut self, (ts, _, i): (i64, u64, usize)) -> Option<Message<'_>> {
        if ts < self.last_ts {
            self.out_of_order += 1;
        }
        self.last_ts = self.last_ts.max(ts);
        self.current = Some(i);
        let reader = &self.readers[i];
        match reader.head() {
            Head::Event { .. } => reader.event().map(Message::Event),
            Head::Lost { .. } => reader.lost().map(Message::Lost),
            Head::End => None,
        }
    }
}

/// The tie-breaking rank of every stream of `traces` (in trace, then stream order), as
/// babeltrace2's muxer orders equal timestamps: traces with a UUID first, by UUID, then by
/// name (`hostname`), then stream class id, then stream id.
pub fn stream_ranks(traces: &[Trace]) -> Vec<u64> {
    let mut keys = Vec::new();
    for trace in traces {
        for stream in &trace.streams {
            let sc_id = trace.class.streams[stream.class_index].id;
            keys.push((
                trace.class.uuid.is_none(),
                trace.class.uuid,
                trace.name().is_none(),
                trace.name().map(str::to_owned),
                sc_id,
                stream.stream_id,
                keys.len(),
            ));
        }
    }
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut ranks = vec![0; keys.len()];
    for (rank, &stream) in order.iter().enumerate() {
        ranks[stream] = rank as u64;
    }
    ranks
}

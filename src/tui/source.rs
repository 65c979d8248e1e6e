//! The event list's data source: decodes only the events a screen needs, from any point of
//! the trace, using the packet tables to seek.
//!
//! The CTF reader always starts a stream at its first packet. To start at time `t`, a source
//! keeps the full packet table of every stream aside and gives the session only the packets
//! that end at or after `t`; the merge then yields every message from `t` on (and a few
//! earlier ones from the first kept packets, which are skipped). Opening a 1 GB trace
//! therefore costs one metadata parse and a packet table, and any page costs one packet per
//! stream plus the rows shown.
//!
//! A row's [`Position`] is its timestamp plus its ordinal among the events sharing that
//! timestamp. The merge order is deterministic, and every decode that reaches time `t`
//! started at or before it, so the same event gets the same position whichever page found it.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::path::Path;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use crate::ctf::message::{EventRecord, Message};
use crate::ctf::reader::StreamReader;
use crate::ctf::session::{Session, SessionError};
use crate::ctf::trace::StreamPacket;
use crate::pretty::{PrettyOptions, PrettyPrinter};

/// Where an event sits in the merged sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    /// Nanoseconds since the epoch.
    pub ts_ns: i64,
    /// How many events with the same timestamp come before it.
    pub ordinal: u32,
}

/// One line of the Events tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Where it is.
    pub pos: Position,
    /// CPU of its stream, when the packets say.
    pub cpu: Option<u64>,
    /// The `dump` line (babeltrace2 text).
    pub text: String,
}

impl Row {
    /// The part of the line after the time columns: what search matches against, so that a
    /// pattern of digits does not match every timestamp.
    pub fn body(&self) -> &str {
        body_of(&self.text)
    }
}

fn body_of(text: &str) -> &str {
    if text.starts_with('[')
        && let Some(i) = text.find(") ")
    {
        return &text[i + 2..];
    }
    text
}

/// Which events the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Substring of the event name.
    pub name: Option<String>,
    /// CPU.
    pub cpu: Option<u64>,
    /// Thread: events with a `tid = N` field (the event's own or a `prev_tid`/`next_tid`).
    pub tid: Option<i64>,
}

impl EventFilter {
    /// Whether nothing is filtered.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.cpu.is_none() && self.tid.is_none()
    }

    /// Parses `name:sched cpu:2 tid:1234` (or a bare word as a name); the error says which
    /// word was not understood.
    pub fn parse(text: &str) -> Result<EventFilter, String> {
        let mut f = EventFilter::default();
        for word in text.split_whitespace() {
            match word.split_once(':') {
                Some(("cpu", v)) => {
                    f.cpu = Some(
                        v.parse()
                            .map_err(|_| format!("`{v}` is not a CPU number"))?,
                    )
                }
                Some(("tid", v)) => {
                    f.tid = Some(v.parse().map_err(|_| format!("`{v}` is not a thread id"))?)
                }
                Some(("name", v)) => f.name = Some(v.to_string()),
                Some((k, _)) => return Err(format!("unknown filter `{k}` (name:, cpu:, tid:)")),
                None => f.name = Some(word.to_string()),
            }
        }
        Ok(f)
    }

    /// The filter written back as `parse` reads it.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(n) = &self.name {
            parts.push(format!("name:{n}"));
        }
        if let Some(c) = self.cpu {
            parts.push(format!("cpu:{c}"));
        }
        if let Some(t) = self.tid {
            parts.push(format!("tid:{t}"));
        }
        parts.join(" ")
    }

    fn matches_event(&self, ev: &EventRecord<'_>, cpu: Option<u64>) -> bool {
        self.name
            .as_ref()
            .is_none_or(|n| ev.class.name.contains(n.as_str()))
            && self.cpu.is_none_or(|c| cpu == Some(c))
    }

    fn matches_text(&self, text: &str) -> bool {
        let Some(tid) = self.tid else { return true };
        let needle = format!("tid = {tid}");
        text.match_indices(&needle).any(|(i, _)| {
            let after = text.as_bytes().get(i + needle.len());
            after.is_none_or(|b| !b.is_ascii_digit())
        })
    }
}

/// What a scan calls for each event from its start position on.
type Visit<'f> =
    dyn FnMut(&EventRecord<'_>, Position, Option<u64>, &mut PrettyPrinter) -> ControlFlow<()> + 'f;

/// How often a long scan checks whether it was cancelled or should report progress.
const CHECK_EVERY: u64 = 4096;

/// A session prepared for seeking.
pub struct EventSource {
    session: Session,
    /// The complete packet table of each stream (trace, stream, packet).
    packets: Vec<Vec<Vec<StreamPacket>>>,
    /// End time of each packet in ns (`i64::MAX` when unknown), in the same shape.
    ends_ns: Vec<Vec<Vec<i64>>>,
    /// CPU of each stream (trace, stream).
    cpus: Vec<Vec<Option<u64>>>,
    printer: PrettyPrinter,
    /// First and last packet times, ns.
    pub range_ns: (i64, i64),
    /// Events per nanosecond, estimated; sizes backward windows.
    pub density: f64,
}

impl std::fmt::Debug for EventSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventSource")
            .field("range_ns", &self.range_ns)
            .finish_non_exhaustive()
    }
}

/// Outcome of a scan that may be cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan<T> {
    /// Finished with this result.
    Done(T),
    /// Cancelled by a newer request.
    Cancelled,
}

impl EventSource {
    /// Opens the session under `path`; `clock_gmt` prints times in UTC.
    pub fn open(path: &Path, clock_gmt: bool) -> Result<EventSource, SessionError> {
        let session = Session::open(path)?;
        let mut packets = Vec::new();
        let mut ends_ns = Vec::new();
        let mut cpus = Vec::new();
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for (ti, trace) in session.traces.iter().enumerate() {
            let mut tp = Vec::new();
            let mut te = Vec::new();
            let mut tc = Vec::new();
            for (si, stream) in trace.streams.iter().enumerate() {
                let clock = StreamReader::new(trace, ti, si).clock();
                let to_ns = |c: Option<u64>| clock.and_then(|k| c.and_then(|c| k.to_ns(c)));
                let ends: Vec<i64> = stream
                    .packets
                    .iter()
                    .map(|p| to_ns(p.info.ts_end).unwrap_or(i64::MAX))
                    .collect();
                if let Some(b) = stream.packets.first().and_then(|p| to_ns(p.info.ts_begin)) {
                    lo = lo.min(b);
                }
                if let Some(e) = ends.iter().rev().find(|e| **e != i64::MAX) {
                    hi = hi.max(*e);
                }
                tc.push(stream.packets.first().and_then(|p| p.info.cpu_id));
                tp.push(stream.packets.clone());
                te.push(ends);
            }
            packets.push(tp);
            ends_ns.push(te);
            cpus.push(tc);
        }
        let range_ns = if lo <= hi { (lo, hi) } else { (0, 0) };
        let mut printer = PrettyPrinter::new(PrettyOptions { clock_gmt });
        printer.set_input_root(Some(path.to_path_buf()));
        Ok(EventSource {
            session,
            packets,
            ends_ns,
            cpus,
            printer,
            range_ns,
            density: 1e-3,
        })
    }

    /// The session (its packet tables reflect the last seek).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The full packet table of each stream.
    pub fn packet_tables(&self) -> &[Vec<Vec<StreamPacket>>] {
        &self.packets
    }

    /// CPU of each stream.
    pub fn stream_cpus(&self) -> &[Vec<Option<u64>>] {
        &self.cpus
    }

    /// Lets the session see, of each stream, only the packets `keep` selects (a range of
    /// packet indices given the stream's packet end times).
    pub fn restrict(&mut self, keep: &dyn Fn(&[i64]) -> std::ops::Range<usize>) {
        for (ti, trace) in self.session.traces.iter_mut().enumerate() {
            for (si, stream) in trace.streams.iter_mut().enumerate() {
                let range = keep(&self.ends_ns[ti][si]);
                stream.packets = self.packets[ti][si][range].to_vec();
            }
        }
    }

    /// Positions every stream at its first packet ending at or after `t_ns`.
    fn seek(&mut self, t_ns: i64) {
        self.restrict(&|ends| ends.partition_point(|e| *e < t_ns)..ends.len());
    }

    /// Visits every event from `from` on (inclusive) with its position and CPU, in order,
    /// until `f` breaks. Returns false when cancelled.
    fn scan(&mut self, from: Position, cancelled: &dyn Fn() -> bool, f: &mut Visit<'_>) -> bool {
        self.seek(from.ts_ns);
        let mut merger = self.session.messages();
        let (mut last_ts, mut ordinal, mut seen) = (i64::MIN, 0u32, 0u64);
        while let Some(msg) = merger.next_message() {
            let Message::Event(ev) = msg else { continue };
            seen += 1;
            if seen.is_multiple_of(CHECK_EVERY) && cancelled() {
                return false;
            }
            let ts = ev
                .timestamp
                .and_then(|t| t.ns_from_origin)
                .unwrap_or(last_ts);
            ordinal = if ts == last_ts {
                ordinal.saturating_add(1)
            } else {
                0
            };
            last_ts = ts;
            let pos = Position { ts_ns: ts, ordinal };
            if pos < from {
                continue;
            }
            let cpu = self
                .cpus
                .get(ev.stream.trace_index)
                .and_then(|t| t.get(ev.stream.stream_index))
                .copied()
                .flatten();
            if f(&ev, pos, cpu, &mut self.printer).is_break() {
                break;
            }
        }
        true
    }

    /// Up to `count` rows matching `filter`, from `from` on. The flag says whether the scan
    /// reached the end of the trace.
    pub fn page_forward(
        &mut self,
        from: Position,
        count: usize,
        filter: &EventFilter,
        cancelled: &dyn Fn() -> bool,
    ) -> Scan<(Vec<Row>, bool)> {
        let mut rows = Vec::with_capacity(count);
        let mut full = false;
        let done = self.scan(from, cancelled, &mut |ev, pos, cpu, printer| {
            if let Some(row) = make_row(ev, pos, cpu, printer, filter) {
                rows.push(row);
            }
            if rows.len() >= count {
                full = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        if done {
            Scan::Done((rows, !full))
        } else {
            Scan::Cancelled
        }
    }

    /// Up to `count` rows matching `filter` just before `before`. The flag says whether they
    /// reach back to the first matching event of the trace.
    pub fn page_backward(
        &mut self,
        before: Position,
        count: usize,
        filter: &EventFilter,
        cancelled: &dyn Fn() -> bool,
    ) -> Scan<(Vec<Row>, bool)> {
        let mut window = self.window_for(count);
        loop {
            let start = before
                .ts_ns
                .min(self.range_ns.1)
                .saturating_sub(window)
                .max(self.range_ns.0);
            let mut rows: VecDeque<Row> = VecDeque::with_capacity(count);
            let mut dropped = false;
            let from = Position {
                ts_ns: start,
                ordinal: 0,
            };
            let done = self.scan(from, cancelled, &mut |ev, pos, cpu, printer| {
                if pos >= before {
                    return ControlFlow::Break(());
                }
                if let Some(row) = make_row(ev, pos, cpu, printer, filter) {
                    if rows.len() == count {
                        rows.pop_front();
                        dropped = true;
                    }
                    rows.push_back(row);
                }
                ControlFlow::Continue(())
            });
            if !done {
                return Scan::Cancelled;
            }
            let at_start = start <= self.range_ns.0;
            if rows.len() == count || at_start {
                return Scan::Done((rows.into(), at_start && !dropped));
            }
            window = window.saturating_mul(4);
        }
    }

    /// The time span expected to hold about `count` events (twice that, for slack).
    fn window_for(&self, count: usize) -> i64 {
        let ns = 2.0 * count as f64 / self.density.max(1e-12);
        (ns.min(1e15) as i64).max(1_000)
    }

    /// The first event after `from` (or the last before it, `backward`) whose text matches
    /// `pattern` fuzzily. `progress` receives the fraction of the trace scanned.
    pub fn search(
        &mut self,
        from: Position,
        pattern: &str,
        backward: bool,
        filter: &EventFilter,
        cancelled: &dyn Fn() -> bool,
        progress: &mut dyn FnMut(f32),
    ) -> Scan<Option<Position>> {
        if backward {
            return self.search_backward(from, pattern, filter, cancelled, progress);
        }
        let (lo, hi) = self.range_ns;
        let after = Position {
            ts_ns: from.ts_ns,
            ordinal: from.ordinal.saturating_add(1),
        };
        let mut hit = None;
        let mut seen = 0u64;
        // `scan` borrows `self` mutably, so the closure gets its own matcher.
        let m = SkimMatcherV2::default();
        let done = self.scan(after, cancelled, &mut |ev, pos, cpu, printer| {
            seen += 1;
            if seen.is_multiple_of(CHECK_EVERY * 16) {
                progress(fraction(pos.ts_ns, lo, hi));
            }
            if let Some(row) = make_row(ev, pos, cpu, printer, filter)
                && m.fuzzy_match(row.body(), pattern).is_some()
            {
                hit = Some(pos);
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        });
        if done {
            Scan::Done(hit)
        } else {
            Scan::Cancelled
        }
    }

    fn search_backward(
        &mut self,
        before: Position,
        pattern: &str,
        filter: &EventFilter,
        cancelled: &dyn Fn() -> bool,
        progress: &mut dyn FnMut(f32),
    ) -> Scan<Option<Position>> {
        let (lo, hi) = self.range_ns;
        let mut window = self.window_for(100_000);
        let mut before = before;
        let m = SkimMatcherV2::default();
        loop {
            let start = before.ts_ns.min(hi).saturating_sub(window).max(lo);
            let mut hit = None;
            let from = Position {
                ts_ns: start,
                ordinal: 0,
            };
            let done = self.scan(from, cancelled, &mut |ev, pos, cpu, printer| {
                if pos >= before {
                    return ControlFlow::Break(());
                }
                if let Some(row) = make_row(ev, pos, cpu, printer, filter)
                    && m.fuzzy_match(row.body(), pattern).is_some()
                {
                    hit = Some(pos);
                }
                ControlFlow::Continue(())
            });
            if !done {
                return Scan::Cancelled;
            }
            progress(1.0 - fraction(start, lo, hi));
            if hit.is_some() || start <= lo {
                return Scan::Done(hit);
            }
            before = from;
            window = window.saturating_mul(4);
        }
    }
}

fn fraction(ts: i64, lo: i64, hi: i64) -> f32 {
    if hi <= lo {
        return 1.0;
    }
    ((ts.saturating_sub(lo)) as f64 / (hi - lo) as f64).clamp(0.0, 1.0) as f32
}

fn make_row(
    ev: &EventRecord<'_>,
    pos: Position,
    cpu: Option<u64>,
    printer: &mut PrettyPrinter,
    filter: &EventFilter,
) -> Option<Row> {
    if !filter.matches_event(ev, cpu) {
        return None;
    }
    let mut out = Vec::with_capacity(160);
    let mut err = Vec::new();
    printer.write_message_to(&mut out, &mut err, &Message::Event(*ev));
    while out.last().is_some_and(|b| *b == b'\n') {
        out.pop();
    }
    let text = String::from_utf8_lossy(&out).into_owned();
    filter.matches_text(&text).then_some(Row { pos, cpu, text })
}

impl EventSource {
    /// End time of one packet, ns (`i64::MAX` when unknown).
    pub fn packet_end_ns(&self, trace: usize, stream: usize, packet: usize) -> i64 {
        self.ends_ns
            .get(trace)
            .and_then(|t| t.get(stream))
            .and_then(|s| s.get(packet))
            .copied()
            .unwrap_or(i64::MAX)
    }
}

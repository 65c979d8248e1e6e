//! Reading one data stream: packets in order, loss notices at packet boundaries, events.

mod error;

pub use error::{ReadError, ReadErrorKind};

use super::clock::ClockConverter;
use super::decode::{Decoder, RawLayout, ReadState};
use super::ir::{EventClass, FieldType, StreamClass};
use super::message::{EventRecord, LostKind, LostRecord, StreamRef, Timestamp};
use super::packet::{PacketInfo, PacketValues, read_packet};
use super::program::{EventProgram, StreamProgram};
use super::trace::{DataStream, Trace};
use super::value::{FieldsRef, Value};

/// What the reader is positioned on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Head {
    /// An event of class `class_index` (in the stream class), decoded into the reader.
    Event {
        /// Index of the event class in the stream class.
        class_index: usize,
        /// Raw clock value.
        cycles: Option<u64>,
    },
    /// Lost events or packets.
    Lost {
        /// What was lost.
        kind: LostKind,
        /// How many, when known.
        count: Option<u64>,
        /// Window start (raw clock).
        begin: Option<u64>,
        /// Window end (raw clock).
        end: Option<u64>,
    },
    /// The stream is over.
    End,
}

/// The decoded scopes of events, one after the other in one list. Normally the list holds
/// only the current event; in append mode (batch decoding) it keeps growing until taken, so
/// batches need no copy.
#[derive(Debug, Default)]
struct EventValues {
    values: Vec<Value>,
    /// Starts of event header, stream event context, event context, payload, and the end.
    bounds: [usize; 5],
    append: bool,
}

impl EventValues {
    fn scope(&self, i: usize) -> &[Value] {
        &self.values[self.bounds[i]..self.bounds[i + 1]]
    }
}

/// Iterates the messages of one data stream.
#[derive(Debug)]
pub struct StreamReader<'t> {
    trace: &'t Trace,
    trace_index: usize,
    stream_index: usize,
    stream: &'t DataStream,
    program: &'t StreamProgram,
    clock: Option<ClockConverter>,
    state: Option<ReadState>,
    packet_values: PacketValues,
    event_values: EventValues,
    next_packet: usize,
    current: Option<(
        PacketInfo,
        u64,   /* pos */
        u64,   /* end */
        usize, /* file */
    )>,
    prev_packet: Option<PacketInfo>,
    pending_lost: Vec<Head>,
    head: Head,
    error: Option<ReadError>,
    events_read: u64,
    packets_opened: u64,
    filter: Option<Filter>,
    /// By event class index: hand the event over as raw bytes (see [`Self::set_raw_tails`]).
    raw_classes: Box<[RawTail]>,
    /// Byte ranges, in the current file, of the current event's stream event context, event
    /// context and payload, when it was read raw.
    raw_scopes: Option<[(usize, usize); 3]>,
}

/// An event whose stream event context, event context and payload were not decoded: their
/// bytes, laid out as the layouts given to [`StreamReader::set_raw_tails`] say.
#[derive(Debug, Clone, Copy)]
pub struct RawEvent<'a> {
    /// Index of the event class in the stream class.
    pub class_index: usize,
    /// The packet context of the packet the event is in (decoded).
    pub packet_context: Option<FieldsRef<'a>>,
    /// The packet's [`StreamReader::packet_generation`]: equal for the events of one
    /// packet, so what depends only on the packet can be reused without comparing values.
    pub packet: u64,
    /// The stream file's bytes, which `ranges` index.
    data: &'a [u8],
    /// Where the stream event context, the event context and the payload are (start and
    /// length in bytes), each from its aligned start, for its constant size (empty when
    /// the scope is absent). Sliced when asked for: the reducer reads the contexts of
    /// few classes, and slicing all three up front was a sixteenth of a decoding thread's
    /// instructions.
    ranges: [(usize, usize); 3],
}

impl<'a> RawEvent<'a> {
    /// The bytes of scope `i`: 0 the stream event context, 1 the event context, 2 the
    /// payload.
    #[inline]
    pub fn scope(&self, i: usize) -> &'a [u8] {
        let (at, len) = self.ranges[i];
        self.data.get(at..at + len).unwrap_or(&[])
    }

    /// The bytes of the three scopes, in order.
    pub fn scopes(&self) -> [&'a [u8]; 3] {
        [self.scope(0), self.scope(1), self.scope(2)]
    }
}

/// How the reader reads the stream event context, event context and payload of the events
/// of a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RawTail {
    /// Decoded into values.
    Decoded,
    /// Stepped over, each scope on its own alignment.
    Raw,
    /// Stepped over as consecutive bytes of these sizes: no scope needs aligning.
    Packed([u32; 3]),
}

impl RawTail {
    /// The reading of a class whose scopes `layouts` describes, when it is read raw.
    fn of(layouts: [&RawLayout; 3]) -> Self {
        let packed = layouts.map(|l| {
            let size = l.size;
            (size.align <= 8 && size.bits.is_multiple_of(8) && l.strings == 0)
                .then(|| u32::try_from(size.bits / 8).ok())
                .flatten()
        });
        match packed {
            [Some(a), Some(b), Some(c)] => RawTail::Packed([a, b, c]),
            _ => RawTail::Raw,
        }
    }

    /// [`Self::skip`] out of line, for the general reading path: on the decoding threads
    /// the raw events that reach it are only those that start a run (see
    /// [`StreamReader::read_raw_run`]), and inlining the step there made every decoded
    /// event dearer (2 % on `dump --output-format dummy`).
    #[inline(never)]
    fn skip_cold(
        self,
        dec: &mut Decoder<'_>,
        program: &StreamProgram,
        event: &EventProgram,
    ) -> Option<[(usize, usize); 3]> {
        self.skip(dec, program, event)
    }

    /// Steps `dec` over the tail of an event of `event` read this way: the byte range of
    /// each scope, or `None` (without moving) when it is decoded or does not fit.
    #[inline(always)]
    fn skip(
        self,
        dec: &mut Decoder<'_>,
        program: &StreamProgram,
        event: &EventProgram,
    ) -> Option<[(usize, usize); 3]> {
        match self {
            RawTail::Decoded => None,
            RawTail::Packed(sizes) if dec.pos.is_multiple_of(8) => dec.skip_packed(sizes),
            _ => raw_scopes(dec, program, event),
        }
    }
}

/// Which events a reader surfaces; the others it reads past without stopping on them, which
/// spares a consumer interested in a few event classes the merge of every other event.
#[derive(Debug, Clone)]
struct Filter {
    /// By event class index in the stream class: surface it.
    keep: Box<[bool]>,
    /// Events after this instant (ns from origin) are surfaced whatever their class, so a
    /// consumer stopping at a time still sees where to stop.
    through_ns: i64,
    /// The latest event read past.
    last_passed_ns: Option<i64>,
}

impl Filter {
    /// `Some(instant)` when the event of class `class_index` at `cycles` is to be read past.
    #[inline]
    fn passes_over(
        &self,
        class_index: usize,
        clock: Option<ClockConverter>,
        cycles: Option<u64>,
    ) -> Option<Option<i64>> {
        if self.keep.get(class_index).copied().unwrap_or(true) {
            return None;
        }
        match cycles.and_then(|c| clock?.to_ns(c)) {
            Some(ns) if ns > self.through_ns => None,
            at => Some(at),
        }
    }
}

/// What decoding one event gave.
enum Decoded {
    /// An event to surface.
    Event(Head),
    /// An event the filter reads past, with its instant (ns from origin) when it has one.
    Passed(Option<i64>),
}

/// The decoded scopes of the reader's current event and packet, for copying into batches.
#[derive(Debug, Clone, Copy)]
pub struct CurrentValues<'r> {
    /// Index of the file the current packet is in.
    pub file: usize,
    /// Packets opened so far: changes exactly when the packet values change.
    pub packet_generation: u64,
    /// Packet header, packet context.
    pub packet: [&'r [Value]; 2],
    /// Event header, stream event context, event context, payload.
    pub event: [&'r [Value]; 4],
}

impl<'t> StreamReader<'t> {
    /// A reader on stream `stream_index` of `trace`, positioned before the first message.
    pub fn new(trace: &'t Trace, trace_index: usize, stream_index: usize) -> Self {
        let stream = &trace.streams[stream_index];
        let program = &trace.program.streams[stream.class_index];
        let sc = &trace.class.streams[stream.class_index];
        let clock = stream_clock(sc).and_then(|i| trace.class.clocks.get(i));
        StreamReader {
            trace,
            trace_index,
            stream_index,
            stream,
            program,
            clock: clock.map(ClockConverter::new),
            state: None,
            packet_values: PacketValues::default(),
            event_values: EventValues::default(),
            next_packet: 0,
            current: None,
            prev_packet: None,
            pending_lost: Vec::new(),
            head: Head::End,
            error: None,
            events_read: 0,
            packets_opened: 0,
            filter: None,
            raw_classes: Box::new([]),
            raw_scopes: None,
        }
    }

    /// Leaves undecoded the stream event context, event context and payload of the events
    /// of the classes `choose` picks, given the class index and the byte layouts of those
    /// three scopes; only classes whose three scopes have a constant byte layout are
    /// offered. The reader then checks that such an event fits in its packet and steps over
    /// it, and [`Self::raw_event`] gives its bytes. For consumers that read a few members of
    /// each event: decoding all of them into values costs several times more.
    pub fn set_raw_tails(&mut self, choose: &mut dyn FnMut(usize, [&'t RawLayout; 3]) -> bool) {
        let program: &'t StreamProgram = self.program;
        let classes = self.trace.class.streams[self.stream.class_index]
            .events
            .len();
        let mut raw = vec![RawTail::Decoded; classes];
        if let Some(sec) = &program.event_context_raw {
            for event in program.events() {
                if let (Some([ctx, payload]), Some(r)) =
                    (&event.raw_tail, raw.get_mut(event.class_index))
                {
                    let layouts = [sec, ctx, payload];
                    if choose(event.class_index, layouts) {
                        *r = RawTail::of(layouts);
                    }
                }
            }
        }
        self.raw_classes = raw.into();
    }

    /// Whether some events are read raw (see [`Self::set_raw_tails`]).
    pub fn reads_raw(&self) -> bool {
        self.raw_classes.iter().any(|&t| t != RawTail::Decoded)
    }

    /// The event the reader is on, when it was read raw (see [`Self::set_raw_tails`]).
    #[inline]
    pub fn raw_event(&self) -> Option<RawEvent<'_>> {
        let scopes = self.raw_scopes?;
        let Head::Event { class_index, .. } = self.head else {
            return None;
        };
        let (_, _, _, file) = self.current.as_ref()?;
        let data = self.trace.files[*file].data();
        let sc: &StreamClass = &self.trace.class.streams[self.stream.class_index];
        Some(RawEvent {
            class_index,
            packet_context: raw_packet_context(sc, &self.packet_values.context, data),
            packet: self.packets_opened,
            data,
            ranges: scopes,
        })
    }

    /// Reads on through the current packet while the next event is one [`Self::advance`]
    /// would read raw and its header has a constant layout, handing each to `f` with its
    /// clock value, up to `max` events. Stops before any other event, which
    /// [`Self::advance`] then reads as usual (it also opens the next packet), and leaves the
    /// reader as [`Self::advance`] would have after the last event taken, except that the
    /// current values then hold no event scopes (the event header's are not kept). Returns
    /// how many were taken. One loop over a packet instead of a call, a head and a message
    /// per event: a sixth of the instructions per event of the indexer's decoding threads.
    pub fn read_raw_run(
        &mut self,
        max: usize,
        mut f: impl FnMut(&RawEvent<'_>, Option<u64>),
    ) -> usize {
        let program: &'t StreamProgram = self.program;
        let Some(header) = program.event_header.as_ref() else {
            return 0;
        };
        if max == 0
            || self.raw_classes.is_empty()
            || self.filter.is_some()
            || self.event_values.append
            || !self.pending_lost.is_empty()
        {
            return 0;
        }
        let (Some((info, pos, end, file)), Some(state)) =
            (self.current.as_mut(), self.state.as_mut())
        else {
            return 0;
        };
        let data = self.trace.files[*file].data();
        let sc: &StreamClass = &self.trace.class.streams[self.stream.class_index];
        let packet_context = raw_packet_context(sc, &self.packet_values.context, data);
        let packet = self.packets_opened;
        let has_clock = self.clock.is_some();
        let mut dec = Decoder::new(data, info.offset * 8, *pos, *end);
        let words = program.word_header.as_ref();
        let mut taken = 0;
        // One event record for the whole run, its class and scopes overwritten per event:
        // building one per event, then keeping a copy of the last one's scopes, moved about
        // a hundred bytes per event.
        let mut ev = RawEvent {
            class_index: 0,
            packet_context,
            packet,
            data,
            ranges: [(0, 0); 3],
        };
        let mut cycles = None;
        while taken < max && dec.pos < *end {
            let start = dec.pos;
            let before = (state.clock, state.event_id);
            state.event_id = None;
            // The header by words when its shape allows, else the laid-out path.
            let id = match words.and_then(|h| dec.word_header(h, state)) {
                Some(id) => Some(id),
                None => dec
                    .laid_out_scope(header, state)
                    .map(|()| state.event_id.or(program.single_event_id).unwrap_or(0)),
            };
            let event = id.and_then(|id| {
                let event = program.event(id)?;
                let tail = self.raw_classes.get(event.class_index)?;
                let scopes = tail.skip(&mut dec, program, event)?;
                // A zero-sized event is an error `advance` reports.
                (dec.pos != start).then_some((event.class_index, scopes))
            });
            let Some((class_index, scopes)) = event else {
                // `advance` decodes this event again from where it starts.
                dec.pos = start;
                (state.clock, state.event_id) = before;
                break;
            };
            (ev.class_index, ev.ranges) = (class_index, scopes);
            // The clock as the header left it, as in `decode_event`.
            cycles = has_clock.then_some(state.clock);
            f(&ev, cycles);
            taken += 1;
        }
        if taken > 0 {
            *pos = dec.pos;
            self.events_read += taken as u64;
            self.head = Head::Event {
                class_index: ev.class_index,
                cycles,
            };
            self.raw_scopes = Some(ev.ranges);
            self.event_values.values.clear();
            self.event_values.bounds = [0; 5];
        }
        taken
    }

    /// Surfaces only the events of the classes `keep` accepts and the events after
    /// `through_ns` (ns from origin); every other event is decoded (so damage is still
    /// found) but read past.
    pub fn set_filter(&mut self, keep: &dyn Fn(&EventClass) -> bool, through_ns: i64) {
        let classes = &self.trace.class.streams[self.stream.class_index].events;
        self.filter = Some(Filter {
            keep: classes.iter().map(keep).collect(),
            through_ns,
            last_passed_ns: None,
        });
    }

    /// The instant (ns from origin) of the latest event the filter read past.
    pub fn last_passed_ns(&self) -> Option<i64> {
        self.filter.as_ref().and_then(|f| f.last_passed_ns)
    }

    /// The current head.
    pub fn head(&self) -> Head {
        self.head
    }

    /// The error that ended the stream, once [`Head::End`] is reached.
    pub fn error(&self) -> Option<&ReadError> {
        self.error.as_ref()
    }

    /// Events decoded so far.
    pub fn events_read(&self) -> u64 {
        self.events_read
    }

    /// Converts a raw clock value of this stream.
    pub fn timestamp(&self, cycles: Option<u64>) -> Option<Timestamp> {
        let cycles = cycles?;
        Some(Timestamp {
            cycles,
            ns_from_origin: self.clock.and_then(|c| c.to_ns(cycles)),
        })
    }

    /// Moves to the next message.
    pub fn advance(&mut self) {
        if let Some(lost) = self.pending_lost.pop() {
            self.head = lost;
            return;
        }
        loop {
            if self.current.is_none() && !self.open_next_packet() {
                self.head = Head::End;
                return;
            }
            if !self.pending_lost.is_empty() {
                self.head = self.pending_lost.pop().unwrap_or(Head::End);
                return;
            }
            match self.decode_event() {
                Ok(Some(Decoded::Passed(at))) => {
                    if let (Some(f), Some(at)) = (&mut self.filter, at) {
                        f.last_passed_ns = Some(at);
                    }
                }
                Ok(Some(Decoded::Event(head))) => {
                    self.head = head;
                    return;
                }
                Ok(None) => self.current = None,
                Err(kind) => {
                    self.fail(kind);
                    self.head = Head::End;
                    return;
                }
            }
        }
    }

    fn fail(&mut self, kind: ReadErrorKind) {
        let path = self.current.as_ref().map_or_else(
            || self.stream.path.clone(),
            |c| self.trace.files[c.3].path.clone(),
        );
        self.error = Some(ReadError { path, kind });
        self.current = None;
        self.next_packet = usize::MAX;
    }

    /// Opens the next packet; false at the end of the stream (or on error).
    fn open_next_packet(&mut self) -> bool {
        let Some(packet) = self.stream.packets.get(self.next_packet) else {
            if let Some(scan) = &self.stream.scan_error
                && self.error.is_none()
                && self.next_packet != usize::MAX
            {
                self.error = Some(ReadError {
                    path: scan.path.clone(),
                    kind: ReadErrorKind::Packet(scan.error.clone()),
                });
            }
            self.next_packet = usize::MAX;
            return false;
        };
        self.next_packet += 1;
        let data = self.trace.files[packet.file].data();
        let info = match read_packet(
            &self.trace.class,
            &self.trace.program,
            data,
            packet.info.offset,
            &mut self.packet_values,
            &mut self.state,
        ) {
            Ok(info) => info,
            Err(e) => {
                self.fail(ReadErrorKind::Packet(e));
                return false;
            }
        };
        self.packets_opened += 1;
        self.queue_lost(&info);
        let base = info.offset * 8;
        self.current = Some((
            info.clone(),
            base + info.events_bits,
            base + info.content_bits,
            packet.file,
        ));
        self.prev_packet = Some(info);
        true
    }

    /// Queues the loss notices babeltrace2 emits before a packet (ctf.md §9).
    fn queue_lost(&mut self, info: &PacketInfo) {
        let prev = self.prev_packet.as_ref();
        // Stored in reverse: `pending_lost` is popped from the back.
        if let (Some(p), Some(seq), Some(prev_seq)) =
            (prev, info.seq_num, prev.and_then(|p| p.seq_num))
        {
            let gap = seq.wrapping_sub(prev_seq);
            if gap > 1 {
                self.pending_lost.push(Head::Lost {
                    kind: LostKind::Packets,
                    count: Some(gap - 1),
                    begin: p.ts_end,
                    end: info.ts_begin,
                });
            }
        }
        match (prev.and_then(|p| p.discarded), info.discarded) {
            (Some(before), Some(now)) if now != before => self.pending_lost.push(Head::Lost {
                kind: LostKind::Events,
                count: Some(now.wrapping_sub(before)),
                begin: prev.and_then(|p| p.ts_end),
                end: info.ts_end,
            }),
            (None, Some(now)) if now != 0 && prev.is_none() => self.pending_lost.push(Head::Lost {
                kind: LostKind::Events,
                count: None,
                begin: info.ts_begin,
                end: info.ts_end,
            }),
            _ => {}
        }
    }

    /// Decodes the next event of the current packet; `None` at the packet's end.
    fn decode_event(&mut self) -> Result<Option<Decoded>, ReadErrorKind> {
        let Some((info, pos, end, file)) = self.current.as_mut() else {
            return Ok(None);
        };
        if *pos >= *end {
            return if info.truncated {
                Err(ReadErrorKind::Truncated {
                    offset: info.offset,
                })
            } else {
                Ok(None)
            };
        }
        let data = self.trace.files[*file].data();
        let base = info.offset * 8;
        let mut dec = Decoder::new(data, base, *pos, *end);
        let state = self
            .state
            .get_or_insert_with(|| ReadState::new(self.program.slots));
        let v = &mut self.event_values;
        let start = *pos;
        if !v.append {
            v.values.clear();
        }
        let run =
            |dec: &mut Decoder<'_>, op: &Option<_>, state: &mut ReadState, out: &mut Vec<Value>| {
                match op {
                    Some(op) => dec.run_scope(op, state, out).map_err(ReadErrorKind::Event),
                    None => Ok(()),
                }
            };
        state.event_id = None;
        v.bounds[0] = v.values.len();
        run(&mut dec, &self.program.event_header, state, &mut v.values)?;
        // babeltrace2 stamps an event with the clock as the header leaves it; clock-mapped
        // fields further in only affect later events.
        let header_clock = state.clock;
        let id = state.event_id.or(self.program.single_event_id).unwrap_or(0);
        let Some(event) = self.program.event(id) else {
            v.values.truncate(v.bounds[0]);
            return Err(ReadErrorKind::UnknownEventClass {
                id,
                offset: start / 8,
            });
        };
        let cycles = self.clock.map(|_| header_clock);
        let passed = self
            .filter
            .as_ref()
            .and_then(|f| f.passes_over(event.class_index, self.clock, cycles));
        // An event stepped over with a tail of constant size is skipped by that size; any
        // other tail is decoded, if only to find where it ends.
        let fixed_tail = passed.and(self.program.event_context_size.zip(event.tail_size));
        self.raw_scopes = None;
        if passed.is_none()
            && let Some(&tail) = self.raw_classes.get(event.class_index)
            && tail != RawTail::Decoded
        {
            self.raw_scopes = tail.skip_cold(&mut dec, self.program, event);
        }
        let decoded = match fixed_tail {
            _ if self.raw_scopes.is_some() => {
                v.bounds[1..].fill(v.values.len());
                Ok(())
            }
            Some((sec, [ctx, payload])) => dec
                .skip(sec)
                .and_then(|()| dec.skip(ctx))
                .and_then(|()| dec.skip(payload))
                .map_err(ReadErrorKind::Event),
            None => {
                v.bounds[1] = v.values.len();
                run(&mut dec, &self.program.event_context, state, &mut v.values)
                    .and_then(|()| {
                        v.bounds[2] = v.values.len();
                        run(&mut dec, &event.context, state, &mut v.values)
                    })
                    .and_then(|()| {
                        v.bounds[3] = v.values.len();
                        run(&mut dec, &event.payload, state, &mut v.values)
                    })
                    .map(|()| v.bounds[4] = v.values.len())
            }
        };
        let decoded = match passed {
            Some(at) => {
                v.values.truncate(v.bounds[0]);
                // Empty scopes, so what reads the current values between two surfaced
                // events (a loss notice's packet) never sees bounds of different events.
                v.bounds = [v.bounds[0]; 5];
                decoded.map(|()| Decoded::Passed(at))
            }
            None => decoded.map(|()| {
                Decoded::Event(Head::Event {
                    class_index: event.class_index,
                    cycles,
                })
            }),
        };
        let decoded = match decoded {
            Ok(d) => d,
            Err(e) => {
                v.values.truncate(v.bounds[0]);
                return Err(e);
            }
        };
        if dec.pos == start {
            // A zero-sized event would repeat forever.
            return Err(ReadErrorKind::UnknownEventClass {
                id,
                offset: start / 8,
            });
        }
        *pos = dec.pos;
        self.events_read += 1;
        Ok(Some(decoded))
    }

    /// The values of the current event and packet.
    pub fn current_values(&self) -> CurrentValues<'_> {
        let ev = &self.event_values;
        let pv = &self.packet_values;
        CurrentValues {
            file: self.current.as_ref().map_or(0, |c| c.3),
            packet_generation: self.packets_opened,
            packet: [&pv.header, &pv.context],
            event: [ev.scope(0), ev.scope(1), ev.scope(2), ev.scope(3)],
        }
    }

    /// The clock converter of this stream, when it has a clock.
    pub fn clock(&self) -> Option<ClockConverter> {
        self.clock
    }

    /// Keeps every decoded event's values instead of only the current one's, until
    /// [`Self::take_values`].
    pub fn set_append_mode(&mut self, append: bool) {
        self.event_values.append = append;
    }

    /// Bounds (in the value list) of the current event's scopes: event header, stream event
    /// context, event context, payload, and the end.
    pub fn event_bounds(&self) -> [usize; 5] {
        self.event_values.bounds
    }

    /// Takes the accumulated value list (append mode), leaving an empty one of `capacity`.
    pub fn take_values(&mut self, capacity: usize) -> Vec<Value> {
        self.swap_values(Vec::with_capacity(capacity))
    }

    /// Takes the accumulated value list (append mode), continuing in `fresh` (cleared), so a
    /// consumer can hand back lists it is done with instead of the reader allocating anew.
    pub fn swap_values(&mut self, mut fresh: Vec<Value>) -> Vec<Value> {
        fresh.clear();
        self.event_values.bounds = [0; 5];
        std::mem::replace(&mut self.event_values.values, fresh)
    }

    /// The trace this reader reads.
    pub fn trace(&self) -> &'t Trace {
        self.trace
    }

    /// The data stream this reader reads.
    pub fn data_stream(&self) -> &'t DataStream {
        self.stream
    }

    /// Identity of this stream for messages.
    #[inline]
    pub fn stream_ref(&self) -> StreamRef<'t> {
        StreamRef {
            trace: &self.trace.class,
            trace_path: &self.trace.path,
            trace_index: self.trace_index,
            stream_class: &self.trace.class.streams[self.stream.class_index],
            stream_instance_id: self.stream.instance_id,
            stream_index: self.stream_index,
            stream_path: &self.stream.path,
        }
    }

    /// Counts the packets opened so far: the `packet_generation` of [`Self::current_values`],
    /// without assembling the rest.
    #[inline]
    pub fn packet_generation(&self) -> u64 {
        self.packets_opened
    }

    /// The event the reader is on, when its head is an event.
    #[inline(always)]
    pub fn event(&self) -> Option<EventRecord<'_>> {
        let Head::Event {
            class_index,
            cycles,
        } = self.head
        else {
            return None;
        };
        let (_, _, _, file) = self.current.as_ref()?;
        let data = self.trace.files[*file].data();
        let sc: &StreamClass = &self.trace.class.streams[self.stream.class_index];
        let class = sc.events.get(class_index)?;
        fn scope<'a>(
            ty: Option<&'a FieldType>,
            values: &'a [Value],
            data: &'a [u8],
        ) -> Option<FieldsRef<'a>> {
            ty.map(|ty| FieldsRef { ty, values, data })
                .filter(|_| !values.is_empty())
        }
        let ev = &self.event_values;
        let pv = &self.packet_values;
        Some(EventRecord {
            stream: self.stream_ref(),
            class,
            timestamp: self.timestamp(cycles),
            packet_header: scope(self.trace.class.packet_header.as_ref(), &pv.header, data),
            packet_context: scope(sc.packet_context.as_ref(), &pv.context, data),
            event_header: scope(sc.event_header.as_ref(), ev.scope(0), data),
            stream_event_context: scope(sc.event_context.as_ref(), ev.scope(1), data),
            event_context: scope(class.context.as_ref(), ev.scope(2), data),
            payload: scope(class.payload.as_ref(), ev.scope(3), data),
        })
    }

    /// The loss notice the reader is on, when its head is one.
    pub fn lost(&self) -> Option<LostRecord<'t>> {
        let Head::Lost {
            kind,
            count,
            begin,
            end,
        } = self.head
        else {
            return None;
        };
        Some(LostRecord {
            stream: self.stream_ref(),
            kind,
            count,
            begin: self.timestamp(begin),
            end: self.timestamp(end),
        })
    }
}

/// The packet context a [`RawEvent`] carries: the current packet's decoded values.
fn raw_packet_context<'a>(
    sc: &'a StreamClass,
    values: &'a [Value],
    data: &'a [u8],
) -> Option<FieldsRef<'a>> {
    let ty = sc.packet_context.as_ref()?;
    (!values.is_empty()).then_some(FieldsRef { ty, values, data })
}

/// Steps over the tail of an event of a class read raw, giving the byte ranges of its three
/// scopes (the payload's up to its last string's NUL, when it ends with strings); `None`,
/// with `dec` where it was, when the tail does not fit in the packet (the event is then
/// decoded, which reports the damage exactly).
fn raw_scopes(
    dec: &mut Decoder<'_>,
    program: &StreamProgram,
    event: &EventProgram,
) -> Option<[(usize, usize); 3]> {
    let (sec, [ctx, payload]) = (
        program.event_context_raw.as_ref()?,
        event.raw_tail.as_ref()?,
    );
    let layouts = [sec, ctx, payload];
    let before = dec.pos;
    let starts = dec.skip_all(layouts.map(|l| l.size))?;
    // Layouts start on a byte: their alignment is at least 8 bits.
    let mut scopes: [(usize, usize); 3] = std::array::from_fn(|i| {
        let bits = layouts[i].size.bits;
        ((starts[i] / 8) as usize, bits.div_ceil(8) as usize)
    });
    if payload.strings > 0 {
        let Some(end) = dec.skip_strings(payload.strings) else {
            dec.pos = before;
            return None;
        };
        scopes[2].1 = end - scopes[2].0;
    }
    Some(scopes)
}

/// The clock a stream class's timestamps are mapped to: the first clock-mapped integer of
/// the event header, else of the packet context.
fn stream_clock(sc: &StreamClass) -> Option<usize> {
    fn find(ty: &FieldType) -> Option<usize> {
        match ty {
            FieldType::Int(i) => i.mapped_clock,
            FieldType::Enum(e) => e.container.mapped_clock,
            FieldType::Struct(s) => s.fields.iter().find_map(|f| find(&f.ty)),
            FieldType::Variant(v) => v.options.iter().find_map(|f| find(&f.ty)),
            _ => None,
        }
    }
    sc.event_header
        .as_ref()
        .and_then(find)
        .or_else(|| sc.packet_context.as_ref().and_then(find))
}

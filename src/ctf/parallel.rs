//! Decoding every data stream on its own thread, merging on the caller's thread.
//!
//! Decoding is the expensive part and streams are independent (ctf.md §11), so each stream's
//! reader runs on a worker thread and sends batches of decoded events, values copied into one
//! flat list, through a bounded channel. The caller's thread only merges batch heads with the
//! same keys and tie-breaking as [`super::merge::Merger`] and hands each message to a closure.
//! Bounded channels keep memory at a few batches per stream whatever the trace size.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::ControlFlow;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::clock::ClockConverter;
use super::ir::{EventClass, FieldType};
use super::merge::stream_ranks;
use super::message::{EventRecord, LostRecord, Message, StreamRef, Timestamp};
use super::prefetch::prefetch;

use super::decode::RawLayout;
use super::reader::{Head, RawEvent, ReadError, StreamReader};
use super::trace::Trace;
use super::value::{FieldsRef, Value};

/// Events per batch: large enough to amortise channel costs, small enough to stay in cache.
const BATCH_EVENTS: usize = 2048;
/// Batches in flight per stream.
const CHANNEL_BATCHES: usize = 4;
/// Above this many streams, one thread per stream costs more than it gains.
pub const MAX_THREADED_STREAMS: usize = 64;

/// Packet values copied into a batch.
#[derive(Debug, Clone, Copy)]
struct PacketCopy {
    file: usize,
    header: (u32, u32),
    context: (u32, u32),
}

/// Renders events on the decoding threads (text output), so that the merging thread only
/// copies bytes. An event may have two renderings when which one is right depends on the
/// global order (see `pretty::recall`); the merging thread picks.
pub trait EventFormatter: Send {
    /// Appends the rendering of `event` to `primary`, and an alternative, if any, to
    /// `alternative`. `packet`, when the caller knows one, identifies the event's packet:
    /// equal for the events of one packet and different for any other packet this formatter
    /// sees, so what depends only on the packet can be reused without comparing values.
    fn format(
        &mut self,
        event: &EventRecord<'_>,
        packet: Option<u64>,
        primary: &mut Vec<u8>,
        alternative: &mut Vec<u8>,
    );

    /// Whether the events of class `class_index` of `stream` are to come to
    /// [`Self::format_raw`] as the bytes of their stream event context, event context and
    /// payload, laid out as `layouts` says, instead of decoded (see
    /// [`StreamReader::set_raw_tails`]). Asked once per class that has such layouts, and
    /// only when the merging side does not want the events' values.
    fn wants_raw(
        &mut self,
        _stream: &StreamRef<'_>,
        _class_index: usize,
        _layouts: [&RawLayout; 3],
    ) -> bool {
        false
    }

    /// Appends the rendering of an event of a class [`Self::wants_raw`] took, and an
    /// alternative, if any, as [`Self::format`] does.
    fn format_raw(
        &mut self,
        _event: &RawEvent<'_>,
        _primary: &mut Vec<u8>,
        _alternative: &mut Vec<u8>,
    ) {
    }
}

/// Makes one formatter per decoding thread. A concrete formatter type `E` is called without
/// a virtual call per event: 18 instructions per event fewer over the decoding threads of
/// `dump --output-format dummy` (379 → 361), and `index` about 6 % faster.
pub type FormatterFactory<'a, E = dyn EventFormatter + 'a> = dyn Fn() -> Box<E> + Sync + 'a;

/// One message of a batch, in 32 bytes: the merging thread reads one per message, from
/// memory another core wrote, so its size is cache lines moved between cores.
#[derive(Debug, Clone, Copy)]
struct Item {
    /// The event's raw clock value, or the start of a loss window (see `kind`).
    cycles: u64,
    /// The event's class index in its stream class, or the index in `Batch::lost`.
    index: u32,
    packet: u32,
    /// End of the rendered text, then of its alternative (the text starts where the
    /// previous item's alternative ends).
    text_end: [u32; 2],
    kind: ItemKind,
}

const _: () = assert!(std::mem::size_of::<Item>() == 32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Event,
    /// An event without a timestamp.
    EventNoTime,
    Lost,
}

#[derive(Debug, Default)]
struct Batch {
    /// Event scopes, decoded straight into this list by the reader (append mode).
    values: Vec<Value>,
    /// Packet headers and contexts.
    packet_values: Vec<Value>,
    /// Renderings of the events, when a formatter runs on the decoding thread.
    text: Vec<u8>,
    items: Vec<Item>,
    /// Starts of event header, stream event context, event context, payload, and the end,
    /// per item, when values are kept.
    bounds: Vec<[u32; 5]>,
    /// Loss notices, as the reader gave them.
    lost: Vec<Head>,
    packets: Vec<PacketCopy>,
    /// Set on the last batch of the stream, with the error that ended it, if any.
    end: Option<Option<ReadError>>,
    events_read: u64,
    /// The instant of the latest event the reader's filter stepped over, when it has one.
    last_passed_ns: Option<i64>,
}

fn push_values(values: &mut Vec<Value>, part: &[Value]) -> (u32, u32) {
    let start = values.len() as u32;
    values.extend_from_slice(part);
    (start, values.len() as u32)
}

/// Decodes one stream into batches until it ends or the receiver hangs up. Batches the
/// merging thread is done with come back through `recycled`: reusing their buffers saves
/// an allocation and fresh page faults per batch on both threads.
fn produce<E: EventFormatter + ?Sized>(
    mut reader: StreamReader<'_>,
    mut formatter: Option<Box<E>>,
    values: EventValues,
    tx: SyncSender<Batch>,
    recycled: Receiver<Batch>,
) {
    super::niceness::lower_current_thread(super::niceness::DECODER_NICE);
    let keep = values == EventValues::Keep;
    // Without consumers for them, each event's values are overwritten by the next one's:
    // they stay in the core's cache instead of streaming a batch's worth through memory.
    reader.set_append_mode(keep);
    if !keep && let Some(f) = formatter.as_mut() {
        let stream = reader.stream_ref();
        reader.set_raw_tails(&mut |i, layouts| f.wants_raw(&stream, i, layouts));
    }
    let raw_runs = reader.reads_raw();
    let mut alternative = Vec::new();
    let mut spare_values = Vec::new();
    loop {
        let mut batch = match recycled.try_recv() {
            Ok(mut b) => {
                spare_values = std::mem::take(&mut b.values);
                b.packet_values.clear();
                b.text.clear();
                b.items.clear();
                b.bounds.clear();
                b.lost.clear();
                b.packets.clear();
                b.end = None;
                b.events_read = 0;
                b
            }
            Err(_) => Batch {
                items: Vec::with_capacity(BATCH_EVENTS),
                ..Batch::default()
            },
        };
        let mut generation = u64::MAX;
        while batch.items.len() < BATCH_EVENTS {
            // Within a packet whose values this batch already has, the events read raw go
            // by in runs; the event that ends a run (or opens a packet) is read below.
            if raw_runs
                && let Some(f) = formatter.as_mut()
                && reader.packet_generation() == generation
            {
                let packet = batch.packets.len().saturating_sub(1) as u32;
                let (items, text) = (&mut batch.items, &mut batch.text);
                reader.read_raw_run(BATCH_EVENTS - items.len(), |event, cycles| {
                    alternative.clear();
                    f.format_raw(event, text, &mut alternative);
                    let t1 = text.len() as u32;
                    if !alternative.is_empty() {
                        text.extend_from_slice(&alternative);
                    }
                    items.push(Item {
                        cycles: cycles.unwrap_or(0),
                        index: event.class_index as u32,
                        packet,
                        text_end: [t1, text.len() as u32],
                        kind: if cycles.is_some() {
                            ItemKind::Event
                        } else {
                            ItemKind::EventNoTime
                        },
                    });
                });
                if batch.items.len() >= BATCH_EVENTS {
                    break;
                }
            }
            reader.advance();
            let head = reader.head();
            if head == Head::End {
                batch.end = Some(reader.error().cloned());
                break;
            }
            // Only the first event of a packet needs the packet's values.
            if reader.packet_generation() != generation {
                let current = reader.current_values();
                generation = current.packet_generation;
                let header = push_values(&mut batch.packet_values, current.packet[0]);
                let context = push_values(&mut batch.packet_values, current.packet[1]);
                batch.packets.push(PacketCopy {
                    file: current.file,
                    header,
                    context,
                });
            }
            if keep {
                batch.bounds.push(match head {
                    Head::Event { .. } => reader.event_bounds().map(|b| b as u32),
                    _ => [0; 5],
                });
            }
            let packet = batch.packets.len().saturating_sub(1) as u32;
            let mut t1 = batch.text.len() as u32;
            if let Some(f) = formatter.as_mut()
                && let Some(event) = reader.raw_event()
            {
                alternative.clear();
                f.format_raw(&event, &mut batch.text, &mut alternative);
                t1 = batch.text.len() as u32;
                batch.text.extend_from_slice(&alternative);
            } else if let Some(f) = formatter.as_mut()
                && let Some(event) = reader.event()
            {
                alternative.clear();
                // One formatter per stream, and generations only grow within a stream.
                f.format(&event, Some(generation), &mut batch.text, &mut alternative);
                t1 = batch.text.len() as u32;
                batch.text.extend_from_slice(&alternative);
            }
            let (cycles, index, kind) = match head {
                Head::Event {
                    class_index,
                    cycles,
                } => (
                    cycles.unwrap_or(0),
                    // Stream classes index their event classes densely: far below 2^32.
                    class_index as u32,
                    if cycles.is_some() {
                        ItemKind::Event
                    } else {
                        ItemKind::EventNoTime
                    },
                ),
                _ => {
                    batch.lost.push(head);
                    (0, batch.lost.len() as u32 - 1, ItemKind::Lost)
                }
            };
            batch.items.push(Item {
                cycles,
                index,
                packet,
                text_end: [t1, batch.text.len() as u32],
                kind,
            });
        }
        if keep {
            batch.values = if spare_values.capacity() > 0 {
                reader.swap_values(std::mem::take(&mut spare_values))
            } else {
                reader.take_values(BATCH_EVENTS * 12)
            };
        }
        batch.events_read = reader.events_read();
        batch.last_passed_ns = reader.last_passed_ns();
        let last = batch.end.is_some();
        if tx.send(batch).is_err() || last {
            return;
        }
    }
}

/// The merge side of one stream.
struct Feed<'t> {
    rx: Receiver<Batch>,
    /// Batches done with, back to the decoding thread.
    recycle: SyncSender<Batch>,
    batch: Batch,
    at: usize,
    stream: StreamRef<'t>,
    trace: &'t Trace,
    clock: Option<ClockConverter>,
    done: bool,
    /// The latest `last_passed_ns` received.
    last_passed_ns: Option<i64>,
    /// The current item's instant (an event's timestamp, a loss window's start): the merge
    /// orders by it and the consumer reads it, so it is converted once.
    key_ts: Option<Timestamp>,
    /// A copy of item `at`, and where its text starts: read several times per event, and
    /// a copy needs no bounds check.
    cur: Item,
    text_start: u32,
}

const NO_ITEM: Item = Item {
    cycles: 0,
    index: 0,
    packet: 0,
    text_end: [0; 2],
    kind: ItemKind::EventNoTime,
};

impl<'t> Feed<'t> {
    /// Moves to the next item, fetching a batch when needed; false at the end. The step
    /// within a batch is inlined into the merge loop and the fetch is not: as one call,
    /// its register saves and restores were 17 of its 30 instructions per event.
    #[inline(always)]
    fn advance(&mut self, errors: &mut Vec<ReadError>, events: &mut u64) -> bool {
        // `at` is `usize::MAX` after an empty batch: the next item is then the first.
        if self.enter(self.at.wrapping_add(1)) {
            return true;
        }
        self.fetch(errors, events)
    }

    /// Makes item `at` of the batch current, when there is one.
    #[inline(always)]
    fn enter(&mut self, at: usize) -> bool {
        let Some(&item) = self.batch.items.get(at) else {
            return false;
        };
        // The lines a few items on, and the record text after this one's, are usually
        // still in the decoding core's cache: start fetching them now.
        prefetch(self.batch.items.as_ptr().wrapping_add(at + 16));
        prefetch(
            self.batch
                .text
                .as_ptr()
                .wrapping_add(item.text_end[1] as usize + 512),
        );
        // The text follows the previous item's alternative.
        self.text_start = if at == 0 { 0 } else { self.cur.text_end[1] };
        self.at = at;
        self.cur = item;
        self.key_ts = self.timestamp(self.key_cycles());
        true
    }

    /// [`Self::advance`] past the end of the batch: the next batch's first item.
    #[inline(never)]
    fn fetch(&mut self, errors: &mut Vec<ReadError>, events: &mut u64) -> bool {
        loop {
            if self.enter(self.at.wrapping_add(1)) {
                return true;
            }
            if self.done {
                return false;
            }
            if let Some(end) = self.batch.end.take() {
                errors.extend(end);
                self.done = true;
                *events += self.batch.events_read;
                return false;
            }
            match self.rx.recv() {
                Ok(batch) => {
                    self.last_passed_ns = self.last_passed_ns.max(batch.last_passed_ns);
                    let done = std::mem::replace(&mut self.batch, batch);
                    // A full return channel (or a finished worker) just drops the batch.
                    let _ = self.recycle.try_send(done);
                    self.at = usize::MAX;
                    if self.enter(0) {
                        return true;
                    }
                }
                Err(_) => {
                    self.done = true;
                    return false;
                }
            }
        }
    }

    fn item(&self) -> &Item {
        &self.cur
    }

    /// The current item as the reader gave it.
    fn head(&self) -> Head {
        let item = self.item();
        match item.kind {
            ItemKind::Event => Head::Event {
                class_index: item.index as usize,
                cycles: Some(item.cycles),
            },
            ItemKind::EventNoTime => Head::Event {
                class_index: item.index as usize,
                cycles: None,
            },
            ItemKind::Lost => self
                .batch
                .lost
                .get(item.index as usize)
                .copied()
                .unwrap_or(Head::End),
        }
    }

    /// Where the current item's text and its alternative are in `batch.text`.
    fn text_bounds(&self) -> [u32; 3] {
        let [t1, t2] = self.cur.text_end;
        [self.text_start, t1, t2]
    }

    fn timestamp(&self, cycles: Option<u64>) -> Option<Timestamp> {
        let cycles = cycles?;
        Some(Timestamp {
            cycles,
            ns_from_origin: self.clock.and_then(|c| c.to_ns(cycles)),
        })
    }

    fn key_cycles(&self) -> Option<u64> {
        let item = self.item();
        match item.kind {
            ItemKind::Event => return Some(item.cycles),
            ItemKind::EventNoTime => return None,
            ItemKind::Lost => {}
        }
        match self.head() {
            Head::Event { cycles, .. } => cycles,
            Head::Lost { begin, .. } => begin,
            Head::End => None,
        }
    }

    // Inlined into the merge loop so the (large) message is built where it is used rather
    // than returned by value and copied, once per event.
    #[inline(always)]
    fn message(&self) -> Option<Message<'_>> {
        let item = *self.item();
        match self.head() {
            Head::Event { class_index, .. } => {
                let packet = self.batch.packets.get(item.packet as usize)?;
                let data = self.trace.files.get(packet.file)?.data();
                let class = self.stream.stream_class.events.get(class_index)?;
                fn scope<'a>(
                    ty: Option<&'a FieldType>,
                    values: &'a [Value],
                    (a, b): (u32, u32),
                    data: &'a [u8],
                ) -> Option<FieldsRef<'a>> {
                    let values = values.get(a as usize..b as usize).unwrap_or(&[]);
                    ty.filter(|_| !values.is_empty())
                        .map(|ty| FieldsRef { ty, values, data })
                }
                let ev = &self.batch.values;
                let pv = &self.batch.packet_values;
                let sc = self.stream.stream_class;
                let b = self.batch.bounds.get(self.at).copied().unwrap_or([0; 5]);
                Some(Message::Event(EventRecord {
                    stream: self.stream,
                    class,
                    // Converted when the feed moved onto this item (none without a time).
                    timestamp: self.key_ts,
                    packet_header: scope(
                        self.stream.trace.packet_header.as_ref(),
                        pv,
                        packet.header,
                        data,
                    ),
                    packet_context: scope(sc.packet_context.as_ref(), pv, packet.context, data),
                    event_header: scope(sc.event_header.as_ref(), ev, (b[0], b[1]), data),
                    stream_event_context: scope(sc.event_context.as_ref(), ev, (b[1], b[2]), data),
                    event_context: scope(class.context.as_ref(), ev, (b[2], b[3]), data),
                    payload: scope(class.payload.as_ref(), ev, (b[3], b[4]), data),
                }))
            }
            Head::Lost {
                kind,
                count,
                begin,
                end,
            } => Some(Message::Lost(LostRecord {
                stream: self.stream,
                kind,
                count,
                begin: self.timestamp(begin),
                end: self.timestamp(end),
            })),
            Head::End => None,
        }
    }
}

/// What a parallel merge met.
#[derive(Debug, Default)]
pub struct MergeOutcome {
    /// Errors that stopped streams.
    pub errors: Vec<ReadError>,
    /// Messages whose timestamp was earlier than one already delivered.
    pub out_of_order: u64,
    /// Events decoded.
    pub events_read: u64,
    /// With a [`PassOver`]: the instant of the latest event stepped over.
    pub last_passed_ns: Option<i64>,
}

/// Events the readers step over inside their streams, never merged: those of the classes
/// `keep` refuses, up to `through_ns` (see [`StreamReader::set_filter`]).
pub struct PassOver<'a> {
    /// Whether events of a class are handed over.
    pub keep: &'a dyn Fn(&EventClass) -> bool,
    /// Events after this instant (ns from origin) are handed over whatever their class.
    pub through_ns: i64,
}

/// Delivers every message of `traces` in time order to `f`, decoding streams in parallel.
/// `f` returns `ControlFlow::Break` to stop early (workers then stop too).
pub fn for_each_message<F>(traces: &[Trace], mut f: F) -> MergeOutcome
where
    F: FnMut(&Message<'_>) -> ControlFlow<()>,
{
    for_each_formatted(traces, None::<&FormatterFactory<'_>>, |msg, _, _| f(msg))
}

/// Like [`for_each_message`], with each event also rendered on its decoding thread by a
/// formatter from `factory`; `f` gets the rendering and its alternative (empty when none).
pub fn for_each_formatted<E, F>(
    traces: &[Trace],
    factory: Option<&FormatterFactory<'_, E>>,
    mut f: F,
) -> MergeOutcome
where
    E: EventFormatter + ?Sized,
    F: FnMut(&Message<'_>, &[u8], &[u8]) -> ControlFlow<()>,
{
    for_each_pending(
        traces,
        factory,
        EventValues::Keep,
        None,
        |pending| match pending.message() {
            Some(msg) => f(&msg, pending.text(), pending.alternative_text()),
            None => ControlFlow::Continue(()),
        },
    )
}

/// The next message in time order, not built yet: consumers that only need the order (or
/// the pre-rendered text) skip assembling the event record.
pub struct Pending<'f, 't> {
    feed: &'f Feed<'t>,
}

impl<'f, 't> Pending<'f, 't> {
    /// The message itself.
    // Inlined so the record is built in the caller's frame instead of returned by a copy
    // (a third of this function's cost, once per event on the indexing thread).
    #[inline(always)]
    pub fn message(&self) -> Option<Message<'f>> {
        self.feed.message()
    }

    fn text_part(&self, part: usize) -> &'f [u8] {
        let bounds = self.feed.text_bounds();
        let (a, b) = (bounds[part] as usize, bounds[part + 1] as usize);
        self.feed.batch.text.get(a..b).unwrap_or(&[])
    }

    /// For an event: its timestamp and class, without assembling the record.
    #[inline]
    pub fn event_head(&self) -> Option<(Option<Timestamp>, &'t EventClass)> {
        let item = self.feed.item();
        let ts = match item.kind {
            ItemKind::Event => self.feed.key_ts,
            ItemKind::EventNoTime => None,
            ItemKind::Lost => return None,
        };
        let class = self
            .feed
            .stream
            .stream_class
            .events
            .get(item.index as usize)?;
        Some((ts, class))
    }

    /// The stream the message comes from.
    pub fn stream(&self) -> &'f StreamRef<'t> {
        &self.feed.stream
    }

    /// The rendering made on the decoding thread (empty without a formatter).
    pub fn text(&self) -> &'f [u8] {
        self.text_part(0)
    }

    /// The alternative rendering, if the formatter made one.
    pub fn alternative_text(&self) -> &'f [u8] {
        self.text_part(1)
    }
}

/// Whether the merging side receives the decoded values of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventValues {
    /// Shipped with each batch: [`Pending::message`] gives events with all their scopes.
    Keep,
    /// Decoded, then dropped on the decoding thread once the formatter (if any) has rendered
    /// the event: for consumers of the order and the renderings only. Events' messages then
    /// have no scopes.
    Drop,
}

/// The merge loop under [`for_each_formatted`]: hands each pending message to `f`.
pub fn for_each_pending<E, F>(
    traces: &[Trace],
    factory: Option<&FormatterFactory<'_, E>>,
    values: EventValues,
    pass_over: Option<&PassOver<'_>>,
    mut f: F,
) -> MergeOutcome
where
    E: EventFormatter + ?Sized,
    F: FnMut(&Pending<'_, '_>) -> ControlFlow<()>,
{
    let mut outcome = MergeOutcome::default();
    std::thread::scope(|scope| {
        let mut feeds = Vec::new();
        for (ti, trace) in traces.iter().enumerate() {
            for si in 0..trace.streams.len() {
                let mut reader = StreamReader::new(trace, ti, si);
                if let Some(p) = pass_over {
                    reader.set_filter(p.keep, p.through_ns);
                }
                let stream = reader.stream_ref();
                let clock = reader.clock();
                let (tx, rx) = sync_channel(CHANNEL_BATCHES);
                let (recycle, recycled) = sync_channel(CHANNEL_BATCHES);
                let formatter = factory.map(|make| make());
                let spawned = std::thread::Builder::new()
                    .name(format!("decode-{ti}-{si}"))
                    .spawn_scoped(scope, move || {
                        produce(reader, formatter, values, tx, recycled);
                    });
                if spawned.is_err() {
                    // No thread: the feed sees a closed channel and the stream reads as empty.
                    outcome
                        .errors
                        .push(ReadError::thread_failed(stream.stream_path));
                }
                feeds.push(Feed {
                    rx,
                    recycle,
                    batch: Batch::default(),
                    at: 0,
                    stream,
                    trace,
                    clock,
                    done: false,
                    last_passed_ns: None,
                    key_ts: None,
                    cur: NO_ITEM,
                    text_start: 0,
                });
            }
        }
        // A feed's place in the heap is one u128: its instant, biased so that unsigned order
        // is signed order, above its stream's rank and its index. Ranks are distinct, so
        // this orders as (instant, rank) did, with one comparison instead of a tuple's
        // three (the heap's sift is a tenth of the merge).
        let tails: Vec<u64> = stream_ranks(traces)
            .iter()
            .enumerate()
            .map(|(i, &rank)| (rank << 32) | i as u64)
            .collect();
        const BIAS: u64 = 1 << 63;
        let mut heap = BinaryHeap::new();
        let mut last_ts = i64::MIN;
        let key = |feed: &Feed<'_>, i: usize, last_ts: i64| -> u128 {
            let ts = feed
                .key_ts
                .map(|t| t.ns_from_origin.unwrap_or(t.cycles as i64))
                .unwrap_or(last_ts.max(0));
            u128::from(ts as u64 ^ BIAS) << 64 | u128::from(tails[i])
        };
        for (i, feed) in feeds.iter_mut().enumerate() {
            if feed.advance(&mut outcome.errors, &mut outcome.events_read) {
                heap.push(Reverse(key(feed, i, last_ts)));
            }
        }
        let mut next = heap.pop().map(|Reverse(k)| k);
        while let Some(k) = next {
            let (ts, i) = (((k >> 64) as u64 ^ BIAS) as i64, k as u32 as usize);
            if ts < last_ts {
                outcome.out_of_order += 1;
            }
            last_ts = last_ts.max(ts);
            if f(&Pending { feed: &feeds[i] }).is_break() {
                break;
            }
            next = if feeds[i].advance(&mut outcome.errors, &mut outcome.events_read) {
                let k = key(&feeds[i], i, last_ts);
                match heap.peek_mut() {
                    // Another feed comes first: it leaves the heap and this one enters in
                    // one sift, where a push and a pop took two and a half.
                    Some(mut top) if top.0 < k => Some(std::mem::replace(&mut top.0, k)),
                    _ => Some(k),
                }
            } else {
                heap.pop().map(|Reverse(k)| k)
            };
        }
        outcome.last_passed_ns = feeds.iter().filter_map(|f| f.last_passed_ns).max();
        // Dropping the feeds closes the channels, so workers blocked on a send return.
        drop(feeds);
    });
    outcome
}

//! A trace class compiled for decoding: one [`StreamProgram`] per stream class, with a dense
//! event-id table, plus the packet header program.

use std::collections::HashMap;

use super::decode::{
    CompileError, FixedSize, Op, RawLayout, ScopeCompiler, WordHeader, specialize_header,
};
use super::ir::{FieldType, Scope, StreamClass, TraceClass};

/// Compiled ops of one event class.
#[derive(Debug, Clone)]
pub struct EventProgram {
    /// Index of the event class in its stream class's `events`.
    pub class_index: usize,
    /// `event.context`.
    pub context: Option<Op>,
    /// `event.fields`.
    pub payload: Option<Op>,
    /// The constant extent of `context` then `payload`, when neither varies: what a reader
    /// not wanting the event steps over.
    pub tail_size: Option<[FixedSize; 2]>,
    /// The byte layouts of `context` then `payload`, when both have one: a reader asked
    /// for raw tails hands their bytes over undecoded.
    pub raw_tail: Option<[RawLayout; 2]>,
}

/// Compiled ops of one stream class.
#[derive(Debug, Clone)]
pub struct StreamProgram {
    /// Index of the stream class in the trace class's `streams`.
    pub class_index: usize,
    /// `stream.packet.context`.
    pub packet_context: Option<Op>,
    /// `stream.event.header`.
    pub event_header: Option<Op>,
    /// `event_header` read by words (see [`WordHeader`]), when its shape allows.
    pub word_header: Option<WordHeader>,
    /// `stream.event.context`.
    pub event_context: Option<Op>,
    /// The constant extent of `event_context`, when it does not vary.
    pub event_context_size: Option<FixedSize>,
    /// The byte layout of `event_context`, when it has one.
    pub event_context_raw: Option<RawLayout>,
    /// Save slots the ops of this stream class use.
    pub slots: usize,
    /// Events by id when ids are small (the LTTng case), else empty.
    dense: Vec<Option<EventProgram>>,
    /// Events by id when ids are sparse.
    sparse: HashMap<u64, EventProgram>,
    /// The id assumed when the header has no `id` field (only legal with one event class).
    pub single_event_id: Option<u64>,
    /// The packet header program, compiled with this stream class's slots.
    pub packet_header: Option<Op>,
}

impl StreamProgram {
    /// The event program for an id.
    #[inline]
    pub fn event(&self, id: u64) -> Option<&EventProgram> {
        if let Some(slot) = usize::try_from(id).ok().and_then(|i| self.dense.get(i)) {
            return slot.as_ref();
        }
        self.sparse.get(&id)
    }

    /// Every event program, in no particular order.
    pub fn events(&self) -> impl Iterator<Item = &EventProgram> {
        self.dense.iter().flatten().chain(self.sparse.values())
    }
}

/// Everything needed to decode packets of one trace.
#[derive(Debug, Clone)]
pub struct TraceProgram {
    /// The packet header alone, for reading a packet before its stream class is known.
    pub packet_header: Option<Op>,
    /// Save slots of [`Self::packet_header`].
    pub packet_header_slots: usize,
    /// One program per stream class, same order as the trace class's `streams`.
    pub streams: Vec<StreamProgram>,
}

const DENSE_ID_LIMIT: u64 = 1 << 16;

impl TraceProgram {
    /// Compiles every scope of every stream and event class.
    pub fn compile(trace: &TraceClass) -> Result<Self, CompileError> {
        let header_only = StreamClass {
            id: 0,
            packet_context: None,
            event_header: None,
            event_context: None,
            events: Vec::new(),
        };
        let header_compiler = ScopeCompiler::for_stream_class(trace, &header_only);
        let packet_header =
            compile_opt(&header_compiler, &trace.packet_header, Scope::PacketHeader)?;
        let streams = trace
            .streams
            .iter()
            .enumerate()
            .map(|(i, sc)| compile_stream(trace, sc, i))
            .collect::<Result<_, _>>()?;
        Ok(TraceProgram {
            packet_header,
            packet_header_slots: header_compiler.slot_count(),
            streams,
        })
    }

    /// The program of the stream class with numeric id `id`, with its index.
    pub fn stream_by_id<'a>(&'a self, trace: &TraceClass, id: u64) -> Option<&'a StreamProgram> {
        trace
            .streams
            .iter()
            .position(|s| s.id == id)
            .and_then(|i| self.streams.get(i))
    }
}

fn compile_opt(
    compiler: &ScopeCompiler,
    ty: &Option<FieldType>,
    scope: Scope,
) -> Result<Option<Op>, CompileError> {
    ty.as_ref().map(|t| compiler.compile(t, scope)).transpose()
}

/// The constant extent of an optional scope (an absent one takes no room).
fn fixed_size(op: &Option<Op>) -> Option<FixedSize> {
    match op {
        Some(op) => FixedSize::of(op),
        None => Some(FixedSize::EMPTY),
    }
}

fn compile_stream(
    trace: &TraceClass,
    sc: &StreamClass,
    class_index: usize,
) -> Result<StreamProgram, CompileError> {
    let compiler = ScopeCompiler::for_stream_class(trace, sc);
    let mut dense: Vec<Option<EventProgram>> = Vec::new();
    let mut sparse = HashMap::new();
    let mut slots = compiler.slot_count();
    for (i, ec) in sc.events.iter().enumerate() {
        let event_compiler = compiler.with_event(ec);
        slots = slots.max(event_compiler.slot_count());
        let context = compile_opt(&event_compiler, &ec.context, Scope::EventContext)
            .map_err(|e| CompileError(format!("event `{}`: {}", ec.name, e.0)))?;
        let payload = compile_opt(&event_compiler, &ec.payload, Scope::EventPayload)
            .map_err(|e| CompileError(format!("event `{}`: {}", ec.name, e.0)))?;
        let program = EventProgram {
            class_index: i,
            tail_size: fixed_size(&context)
                .zip(fixed_size(&payload))
                .map(<[_; 2]>::from),
            raw_tail: RawLayout::of(context.as_ref())
                .zip(RawLayout::of_payload(payload.as_ref()))
                .map(<[_; 2]>::from),
            context,
            payload,
        };
        if ec.id < DENSE_ID_LIMIT {
            let idx = ec.id as usize;
            if dense.len() <= idx {
                dense.resize_with(idx + 1, || None);
            }
            dense[idx] = Some(program);
        } else {
            sparse.insert(ec.id, program);
        }
    }
    let event_context = compile_opt(&compiler, &sc.event_context, Scope::StreamEventContext)?;
    let event_header =
        compile_opt(&compiler, &sc.event_header, Scope::EventHeader)?.map(specialize_header);
    Ok(StreamProgram {
        class_index,
        packet_context: compile_opt(&compiler, &sc.packet_context, Scope::PacketContext)?,
        word_header: event_header.as_ref().and_then(WordHeader::of),
        event_header,
        event_context_size: fixed_size(&event_context),
        event_context_raw: RawLayout::of(event_context.as_ref()),
        event_context,
        slots,
        dense,
        sparse,
        single_event_id: (sc.events.len() == 1).then(|| sc.events[0].id),
        packet_header: compile_opt(&compiler, &trace.packet_header, Scope::PacketHeader)?,
    })
}

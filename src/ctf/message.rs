//! What iterating a trace yields: events, and notices of data the tracer lost.

use std::path::Path;

use super::ir::{EventClass, StreamClass, TraceClass};
use super::value::FieldsRef;

/// Identity of the data stream a message comes from.
#[derive(Debug, Clone, Copy)]
pub struct StreamRef<'a> {
    /// The trace class (metadata) of the stream's trace.
    pub trace: &'a TraceClass,
    /// The trace's directory.
    pub trace_path: &'a Path,
    /// Position of the trace in the session (deterministic: sorted by path).
    pub trace_index: usize,
    /// The stream class.
    pub stream_class: &'a StreamClass,
    /// `stream_instance_id` from the packet header when present.
    pub stream_instance_id: Option<u64>,
    /// Position of the data stream inside its trace (deterministic: sorted by file name).
    pub stream_index: usize,
    /// The first data file of the stream.
    pub stream_path: &'a Path,
}

/// A timestamp: raw clock value and, when the clock converts, ns since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Raw clock value in cycles.
    pub cycles: u64,
    /// Nanoseconds since the Unix epoch; `None` when the clock offset overflows.
    pub ns_from_origin: Option<i64>,
}

/// One decoded event record.
#[derive(Debug, Clone, Copy)]
pub struct EventRecord<'a> {
    /// Where it comes from.
    pub stream: StreamRef<'a>,
    /// Its class.
    pub class: &'a EventClass,
    /// Its timestamp (absent when the stream class has no clock).
    pub timestamp: Option<Timestamp>,
    /// The packet header of the packet the event is in.
    pub packet_header: Option<FieldsRef<'a>>,
    /// The packet context.
    pub packet_context: Option<FieldsRef<'a>>,
    /// The event header.
    pub event_header: Option<FieldsRef<'a>>,
    /// The stream event context (`stream.event.context`).
    pub stream_event_context: Option<FieldsRef<'a>>,
    /// The event context (`event.context`).
    pub event_context: Option<FieldsRef<'a>>,
    /// The payload (`event.fields`).
    pub payload: Option<FieldsRef<'a>>,
}

/// What was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostKind {
    /// Events the tracer could not record (`events_discarded` grew).
    Events,
    /// Whole packets missing (`packet_seq_num` skipped).
    Packets,
}

/// A notice that the tracer lost events or packets in a stream, between two instants.
#[derive(Debug, Clone, Copy)]
pub struct LostRecord<'a> {
    /// Where.
    pub stream: StreamRef<'a>,
    /// Events or packets.
    pub kind: LostKind,
    /// How many, when known.
    pub count: Option<u64>,
    /// Start of the window in which the loss happened.
    pub begin: Option<Timestamp>,
    /// End of the window; the message is ordered by this instant.
    pub end: Option<Timestamp>,
}

/// One item of a trace in time order.
#[derive(Debug, Clone, Copy)]
pub enum Message<'a> {
    /// An event.
    Event(EventRecord<'a>),
    /// Lost data.
    Lost(LostRecord<'a>),
}

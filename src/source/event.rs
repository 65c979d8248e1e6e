//! The reader-independent event representation.
//!
//! Field values are an owned tree that carries its own type information (integer width,
//! signedness and preferred display base, enumeration labels, array versus sequence, the
//! selected variant option's name), so two readers can be compared value for value and type
//! for type, and a printer needs nothing but the tree. Only the fields babeltrace2's trace IR
//! keeps are present: the decoder-only integers (packet sizes, clock-mapped timestamps, the
//! event header) are dropped by every reader.

use std::collections::HashMap;
use std::sync::Arc;

pub use crate::ctf::message::{LostKind, Timestamp};

/// An integer value with the class facts that change how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntValue {
    /// The 64-bit two's complement of the value (sign-extended when signed).
    pub bits: u64,
    /// Whether the class is signed.
    pub signed: bool,
    /// Width in bits, 1 to 64.
    pub size_bits: u32,
    /// Preferred display base: 2, 8, 10 or 16.
    pub base: u8,
}

impl IntValue {
    /// The value as a 128-bit signed integer (exact for both signednesses).
    pub fn as_i128(&self) -> i128 {
        if self.signed {
            i128::from(self.bits as i64)
        } else {
            i128::from(self.bits)
        }
    }
}

/// One field value with its type.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// An integer.
    Int(IntValue),
    /// An enumeration: its integer and the labels whose ranges contain it, in the class's
    /// mapping order (empty when none does).
    Enum {
        /// The container value.
        value: IntValue,
        /// The matching labels.
        labels: Vec<Arc<str>>,
    },
    /// A floating point number (32-bit floats widened exactly).
    Float(f64),
    /// A string (also a text array or sequence), up to its first NUL, as raw bytes.
    String(Vec<u8>),
    /// A structure's members in order, with their names (shared: see [`Names`]).
    Struct(Vec<(Arc<str>, FieldValue)>),
    /// A fixed-length array's elements.
    Array(Vec<FieldValue>),
    /// A sequence's elements.
    Sequence(Vec<FieldValue>),
    /// A variant: the selected option's name and value.
    Variant {
        /// The option's name.
        option: Arc<str>,
        /// Its value.
        value: Box<FieldValue>,
    },
}

impl FieldValue {
    /// The member `name` of a structure.
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        match self {
            FieldValue::Struct(members) => members
                .iter()
                .find(|(n, _)| n.as_ref() == name)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as an integer, enumerations included.
    pub fn as_i128(&self) -> Option<i128> {
        match self {
            FieldValue::Int(i) | FieldValue::Enum { value: i, .. } => Some(i.as_i128()),
            _ => None,
        }
    }
}

/// One event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Index of its trace in [`super::EventSource::traces`].
    pub trace: usize,
    /// Its timestamp (absent when the stream class has no clock).
    pub timestamp: Option<Timestamp>,
    /// The event class name (shared between the events of a class).
    pub name: Arc<str>,
    /// The event class id.
    pub class_id: u64,
    /// The stream class id.
    pub stream_class_id: u64,
    /// Identifies the event's data stream inside its trace. The numbering is the reader's
    /// own (the native reader counts streams by file name, babeltrace2 has its stream ids), so
    /// it only tells streams apart; compare [`Event::cpu`] across readers.
    pub stream_id: u64,
    /// The packet context (`stream.packet.context`).
    pub packet_context: Option<FieldValue>,
    /// The stream event context (`stream.event.context`).
    pub stream_event_context: Option<FieldValue>,
    /// The event context (`event.context`).
    pub event_context: Option<FieldValue>,
    /// The payload (`event.fields`).
    pub payload: Option<FieldValue>,
}

impl Event {
    /// The CPU the event was recorded on (LTTng's packet context `cpu_id`).
    pub fn cpu(&self) -> Option<u64> {
        let cpu = self.packet_context.as_ref()?.get("cpu_id")?.as_i128()?;
        u64::try_from(cpu).ok()
    }

    /// The four printed scopes in order: packet context, stream event context, event context,
    /// payload.
    pub fn scopes(&self) -> [Option<&FieldValue>; 4] {
        [
            self.packet_context.as_ref(),
            self.stream_event_context.as_ref(),
            self.event_context.as_ref(),
            self.payload.as_ref(),
        ]
    }
}

/// A notice that the tracer lost events or packets of one stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    /// Index of its trace.
    pub trace: usize,
    /// The stream class id.
    pub stream_class_id: u64,
    /// Events or packets.
    pub kind: LostKind,
    /// How many, when known.
    pub count: Option<u64>,
    /// Start of the window.
    pub begin: Option<Timestamp>,
    /// End of the window.
    pub end: Option<Timestamp>,
}

/// One item of a source in time order.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// An event.
    Event(Event),
    /// Lost data.
    Lost(Lost),
}

/// A trace a source reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TraceInfo {
    /// A name for messages (the trace directory for the native reader, babeltrace2's trace
    /// name for bt2).
    pub name: String,
    /// The `env` entries the printer shows (`hostname`, `procname`, `vpid`), those present.
    pub env: Vec<(String, EnvEntry)>,
}

/// A trace environment value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvEntry {
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
}

/// Interned names (members, variant options, enumeration labels), so that converting an
/// event allocates no string per field: each name is allocated once, the first time its class
/// is seen, and shared after. Keyed by the address of the name in the reader's class objects;
/// the text is compared on every hit, so a class freed and another allocated at its address
/// cannot lend its name.
#[derive(Debug, Default)]
pub struct Names {
    by_address: HashMap<usize, Arc<str>>,
}

impl Names {
    /// The shared copy of `name`, whose bytes live at a stable address in a class object.
    pub fn get(&mut self, name: &[u8]) -> Arc<str> {
        let key = name.as_ptr() as usize;
        if let Some(shared) = self.by_address.get(&key)
            && shared.as_bytes() == name
        {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(String::from_utf8_lossy(name).as_ref());
        self.by_address.insert(key, Arc::clone(&shared));
        shared
    }
}

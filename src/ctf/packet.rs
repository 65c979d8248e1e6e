//! The packet layer: decoding packet headers and contexts, and the facts a packet carries
//! about itself (sizes, time range, loss counters).

use std::fmt;

use super::decode::{DecodeError, Decoder, ReadState};
use super::ir::TraceClass;
use super::program::{StreamProgram, TraceProgram};
use super::value::{FieldsRef, Value};

/// The packet magic number (CTF 1.8 §5).
pub const PACKET_MAGIC: u64 = 0xC1FC_1FC1;

/// What a packet says about itself, read from its header and context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketInfo {
    /// Byte offset of the packet in its file.
    pub offset: u64,
    /// Packet size in bits, padding included (clamped to the file end when truncated).
    pub size_bits: u64,
    /// Content size in bits.
    pub content_bits: u64,
    /// Index of the stream class in the trace class.
    pub stream_class: usize,
    /// `stream_instance_id`, when the header has it.
    pub instance_id: Option<u64>,
    /// `timestamp_begin` (raw clock value).
    pub ts_begin: Option<u64>,
    /// `timestamp_end` (raw clock value).
    pub ts_end: Option<u64>,
    /// Cumulative `events_discarded` counter.
    pub discarded: Option<u64>,
    /// `packet_seq_num`.
    pub seq_num: Option<u64>,
    /// `cpu_id`.
    pub cpu_id: Option<u64>,
    /// Bit offset of the first event, relative to the packet start.
    pub events_bits: u64,
    /// The file ends before the packet does.
    pub truncated: bool,
}

impl PacketInfo {
    /// Byte offset just past the packet.
    pub fn end_offset(&self) -> u64 {
        self.offset + self.size_bits / 8
    }
}

/// Why a packet cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketError {
    /// The magic number is wrong.
    BadMagic {
        /// Byte offset of the packet.
        offset: u64,
        /// The value read.
        found: u64,
    },
    /// The header names a stream class the metadata does not declare.
    UnknownStreamClass {
        /// Byte offset of the packet.
        offset: u64,
        /// The id read.
        id: u64,
    },
    /// The packet or content size is impossible.
    BadSize {
        /// Byte offset of the packet.
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// The header or context could not be decoded.
    Decode {
        /// Byte offset of the packet.
        offset: u64,
        /// The decoding error.
        error: DecodeError,
    },
}

impl fmt::Display for PacketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PacketError::BadMagic { offset, found } => write!(
                f,
                "packet at byte {offset}: bad magic number {found:#x} (expected {PACKET_MAGIC:#x})"
            ),
            PacketError::UnknownStreamClass { offset, id } => write!(
                f,
                "packet at byte {offset}: no stream class with id {id} in the metadata"
            ),
            PacketError::BadSize { offset, what } => write!(f, "packet at byte {offset}: {what}"),
            PacketError::Decode { offset, error } => {
                write!(f, "packet at byte {offset}: header or context: {error}")
            }
        }
    }
}

impl std::error::Error for PacketError {}

/// Reusable value lists of a packet's header and context.
#[derive(Debug, Clone, Default)]
pub struct PacketValues {
    /// Packet header values.
    pub header: Vec<Value>,
    /// Packet context values.
    pub context: Vec<Value>,
}

/// Decodes the packet at `offset` of `data`: header, stream class, context. Fills `values`
/// and leaves the stream clock at `timestamp_begin`. `state` must have been made for the
/// stream class that is returned; pass `None` to use a scratch state (scanning).
pub fn read_packet(
    trace: &TraceClass,
    program: &TraceProgram,
    data: &[u8],
    offset: u64,
    values: &mut PacketValues,
    state: &mut Option<ReadState>,
) -> Result<PacketInfo, PacketError> {
    let file_bits = data.len() as u64 * 8;
    let base = offset * 8;
    let decode_err = |error| PacketError::Decode { offset, error };

    // Header first with the standalone program: the stream class is not known yet.
    let mut scratch = ReadState::new(program.packet_header_slots);
    let mut dec = Decoder::new(data, base, base, file_bits);
    values.header.clear();
    if let Some(op) = &program.packet_header {
        dec.run(op, &mut scratch, &mut values.header)
            .map_err(decode_err)?;
    }
    let header = trace.packet_header.as_ref().map(|ty| FieldsRef {
        ty,
        values: &values.header,
        data,
    });
    let get = |name: &str| {
        header
            .and_then(|h| h.get(name))
            .and_then(|f| f.head()?.as_u64())
    };
    if let Some(found) = get("magic")
        && found != PACKET_MAGIC
    {
        return Err(PacketError::BadMagic { offset, found });
    }
    let stream_id = get("stream_id").unwrap_or(0);
    let instance_id = get("stream_instance_id");
    let Some(stream) = program.stream_by_id(trace, stream_id) else {
        return Err(PacketError::UnknownStreamClass {
            offset,
            id: stream_id,
        });
    };
    let state = state.get_or_insert_with(|| ReadState::new(stream.slots));
    if state.saved.len() < stream.slots {
        state.saved.resize(stream.slots, 0);
    }
    // Decode the header again with the stream class's slots, so that its fields can be
    // referred to from the other scopes of this stream class.
    let mut dec = Decoder::new(data, base, base, file_bits);
    values.header.clear();
    if let Some(op) = &stream.packet_header {
        dec.run(op, state, &mut values.header).map_err(decode_err)?;
    }
    values.context.clear();
    if let Some(op) = &stream.packet_context {
        dec.run(op, state, &mut values.context)
            .map_err(decode_err)?;
    }
    let mut info = context_facts(trace, stream, data, &values.context, offset, instance_id);
    info.events_bits = dec.pos - base;
    check_sizes(&mut info, file_bits - base)?;
    if let Some(ts) = info.ts_begin {
        state.clock = ts;
    }
    Ok(info)
}

fn context_facts(
    trace: &TraceClass,
    stream: &StreamProgram,
    data: &[u8],
    context: &[Value],
    offset: u64,
    instance_id: Option<u64>,
) -> PacketInfo {
    let ty = trace.streams[stream.class_index].packet_context.as_ref();
    let ctx = ty.map(|ty| FieldsRef {
        ty,
        values: context,
        data,
    });
    let get = |name: &str| {
        ctx.and_then(|c| c.get(name))
            .and_then(|f| f.head()?.as_u64())
    };
    PacketInfo {
        offset,
        size_bits: get("packet_size").unwrap_or(0),
        content_bits: get("content_size").unwrap_or(0),
        stream_class: stream.class_index,
        instance_id,
        ts_begin: get("timestamp_begin"),
        ts_end: get("timestamp_end"),
        discarded: get("events_discarded"),
        seq_num: get("packet_seq_num"),
        cpu_id: get("cpu_id"),
        events_bits: 0,
        truncated: false,
    }
}

/// Applies the defaults of CTF 1.8 §5 and refuses impossible sizes. `available` is the number
/// of bits from the packet start to the end of the file.
fn check_sizes(info: &mut PacketInfo, available: u64) -> Result<(), PacketError> {
    let bad = |what: String| PacketError::BadSize {
        offset: info.offset,
        what,
    };
    if info.size_bits == 0 {
        // No packet_size: the packet runs to the end of the file.
        info.size_bits = available / 8 * 8;
    }
    if info.content_bits == 0 {
        info.content_bits = info.size_bits;
    }
    if !info.size_bits.is_multiple_of(8) {
        return Err(bad(format!(
            "packet size {} bits is not a whole number of bytes",
            info.size_bits
        )));
    }
    if info.content_bits > info.size_bits {
        return Err(bad(format!(
            "content size ({} bits) is greater than packet size ({} bits)",
            info.content_bits, info.size_bits
        )));
    }
    if info.events_bits > info.content_bits {
        return Err(bad(format!(
            "header and context ({} bits) exceed the content size ({} bits)",
            info.events_bits, info.content_bits
        )));
    }
    if info.size_bits > available {
        info.truncated = true;
        info.size_bits = available / 8 * 8;
        info.content_bits = info.content_bits.min(info.size_bits);
    }
    Ok(())
}

//! Compiled field decoders.
//!
//! When a trace is opened, every scope type (packet header, packet context, event header,
//! stream event context, each event class's context and payload) is compiled once into a
//! tree of [`Op`]s: alignment and widths are precomputed, and every field that a sequence
//! length or a variant tag refers to gets a numbered *slot* that the decoder fills as it goes.
//! Decoding then never looks a name up or walks a path; it runs the ops and appends
//! [`Value`](super::value::Value)s to a reused list.

mod compile;
mod exec;

pub use compile::{CompileError, ScopeCompiler};
pub use exec::{DecodeError, DecodeErrorKind, Decoder, ReadState};

use super::ir::{ByteOrder, VariantRange};

/// What an integer field means to the decoder beyond its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntRole {
    /// Nothing special.
    Plain,
    /// Updates the stream clock (an integer mapped to a clock, in an event scope).
    Clock,
    /// The event class id (an `id` field in the event header; the last one decoded wins).
    EventId,
}

/// One decoding step.
#[derive(Debug, Clone)]
pub enum Op {
    /// An integer (or enumeration container).
    Int {
        /// Width in bits.
        size: u32,
        /// Alignment in bits.
        align: u32,
        /// Two's complement.
        signed: bool,
        /// Byte order.
        order: ByteOrder,
        /// Clock or id meaning.
        role: IntRole,
        /// Slot to save the value in, when a later field refers to it.
        save: Option<usize>,
    },
    /// A 32- or 64-bit IEEE 754 float.
    Float {
        /// 32 or 64.
        size: u32,
        /// Alignment in bits.
        align: u32,
        /// Byte order.
        order: ByteOrder,
    },
    /// A NUL-terminated string.
    String,
    /// A structure.
    Struct {
        /// Alignment in bits.
        align: u32,
        /// Member ops in order.
        body: Box<[Op]>,
    },
    /// An array of 8-bit encoded integers, shown as text.
    TextArray {
        /// Alignment in bits.
        align: u32,
        /// Length in bytes.
        len: u64,
    },
    /// A sequence of 8-bit encoded integers, shown as text.
    TextSequence {
        /// Alignment in bits.
        align: u32,
        /// Slot holding the length.
        len_slot: usize,
    },
    /// A fixed-length array.
    Array {
        /// Alignment in bits.
        align: u32,
        /// Number of elements.
        len: u64,
        /// Ops of one element.
        element: Box<[Op]>,
        /// The smallest number of bits one element can take (0 for empty structs).
        element_min_bits: u64,
    },
    /// A sequence.
    Sequence {
        /// Alignment in bits.
        align: u32,
        /// Slot holding the length.
        len_slot: usize,
        /// Ops of one element.
        element: Box<[Op]>,
        /// The smallest number of bits one element can take.
        element_min_bits: u64,
    },
    /// A variant.
    Variant {
        /// Slot holding the tag value.
        tag_slot: usize,
        /// Tag ranges to option index.
        selectors: Box<[VariantRange]>,
        /// Ops of each option (each a single field).
        options: Box<[Box<[Op]>]>,
    },
}

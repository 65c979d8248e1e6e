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
#[cfg(test)]
mod fast_paths_tests;
mod fixed;
mod raw;
mod word_header;

pub use compile::{CompileError, ScopeCompiler, specialize_header};
pub use exec::{DecodeError, DecodeErrorKind, Decoder, ReadState};
pub use fixed::FixedSize;
pub use raw::{RawKind, RawLayout, RawMember};
pub use word_header::WordHeader;

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

/// One step of an [`Op::Flat`] structure.
#[derive(Debug, Clone)]
pub enum FlatStep {
    /// Consecutive members of constant size, `bytes` in all: one bounds check covers them,
    /// and each is read at its offset from the run's start.
    Run {
        /// Bytes the run takes.
        bytes: u32,
        /// Its members, in order.
        members: Box<[RunMember]>,
    },
    /// A NUL-terminated string (its size is only known by scanning it).
    String,
    /// A sequence of 8-bit encoded integers, shown as text, its length in a save slot.
    TextSequence {
        /// Slot holding the length.
        len_slot: usize,
    },
    /// A sequence whose elements are members of constant size (integers, floats, text
    /// arrays), its length in a save slot: the elements are read as a run of `len` of them.
    Sequence {
        /// Slot holding the length.
        len_slot: usize,
        /// How to read one element.
        element: MemberKind,
        /// Bytes one element takes, never zero (a zero would let a forged length loop).
        bytes: u32,
    },
}

/// A member of a [`FlatStep::Run`].
#[derive(Debug, Clone, Copy)]
pub struct RunMember {
    /// Offset from the run's start, in bytes.
    pub at: u32,
    /// How to read it.
    pub kind: MemberKind,
}

/// How a [`RunMember`] is read. The plain little-endian integers, nearly every field of a
/// kernel trace, have kinds of their own so that reading one is a single fixed-size load.
#[derive(Debug, Clone, Copy)]
pub enum MemberKind {
    /// Unsigned little-endian integers of 1, 2, 4 and 8 bytes, with no role and no slot.
    U8,
    U16Le,
    U32Le,
    U64Le,
    /// Signed little-endian integers of 1, 2, 4 and 8 bytes, with no role and no slot.
    S8,
    S16Le,
    S32Le,
    S64Le,
    /// Any other integer of 1 to 8 whole bytes.
    Int {
        /// Width in bytes.
        bytes: u32,
        /// Two's complement.
        signed: bool,
        /// Byte order.
        order: ByteOrder,
        /// Clock or id meaning.
        role: IntRole,
        /// Save slot.
        save: Option<usize>,
    },
    /// A 4- or 8-byte float.
    Float {
        /// Width in bytes.
        bytes: u32,
        /// Byte order.
        order: ByteOrder,
    },
    /// A text array of `len` bytes.
    Text {
        /// Length in bytes.
        len: u32,
    },
    /// The start of a fixed-length array of `len` elements: reads nothing, gives the array's
    /// marker value. Its elements are the run's next `len` members.
    ArrayHead {
        /// Number of elements.
        len: u32,
    },
}

/// An integer of a [`Op::TaggedHeader`].
#[derive(Debug, Clone, Copy)]
pub struct IntSpec {
    /// Width in bits.
    pub size: u32,
    /// Alignment in bits.
    pub align: u32,
    /// Two's complement.
    pub signed: bool,
    /// Byte order.
    pub order: ByteOrder,
    /// Clock or id meaning.
    pub role: IntRole,
    /// Save slot.
    pub save: Option<usize>,
}

/// One option of a [`Op::TaggedHeader`]: a structure of integers.
#[derive(Debug, Clone)]
pub struct HeaderOption {
    /// Alignment of the option's structure in bits.
    pub align: u32,
    /// Its integers.
    pub ints: Box<[IntSpec]>,
    /// Where everything of this option lies when the header starts on its own alignment:
    /// `None` when some alignment is stricter than the header's, so positions depend on the
    /// start.
    pub layout: Option<OptionLayout>,
}

/// Constant positions within an event header, from its aligned start.
#[derive(Debug, Clone)]
pub struct OptionLayout {
    /// Where each integer of the option is.
    pub fields: Box<[LaidOut]>,
    /// Where the header ends.
    pub end: u64,
}

/// Where an integer of a header is, from the header's aligned start.
#[derive(Debug, Clone, Copy)]
pub struct LaidOut {
    /// Bit offset.
    pub offset: u64,
    /// When the header starts on a byte and the integer is little-endian: it is these bits
    /// of the 8 bytes from a constant byte offset, read with one load, a shift and a mask.
    pub word: Option<Word>,
}

/// See [`LaidOut::word`].
#[derive(Debug, Clone, Copy)]
pub struct Word {
    /// Byte offset from the header's start.
    pub byte: u32,
    /// Right shift of the little-endian word.
    pub shift: u32,
    /// Mask after the shift.
    pub mask: u64,
}

/// An event header of LTTng's shape (see [`Op::TaggedHeader`]).
#[derive(Debug, Clone)]
pub struct TaggedHeader {
    /// Alignment of the outer structure.
    pub align: u32,
    /// The tag integer.
    pub tag: IntSpec,
    /// Slot of the tag (the variant's selector reads it).
    pub tag_slot: usize,
    /// Tag ranges to option index.
    pub selectors: Box<[VariantRange]>,
    /// The options.
    pub options: Box<[HeaderOption]>,
    /// Where the tag is.
    pub tag_at: LaidOut,
    /// The option of each value of a small unsigned tag ([`NO_OPTION`]: none), so that
    /// choosing one is a load instead of a search through 128-bit ranges.
    pub by_tag: Option<Box<[u8]>>,
}

/// The option a variant tag value selects: the first range holding it, when that option
/// exists. Shared by the general variant, the header paths and the header's option table,
/// so that all of them choose alike.
#[inline(always)]
fn selected_option(selectors: &[VariantRange], tag: i128, options: usize) -> Option<usize> {
    selectors
        .iter()
        .find(|r| r.lo <= tag && tag <= r.hi)
        .map(|r| r.option)
        .filter(|&o| o < options)
}

/// In [`TaggedHeader::by_tag`]: no option has this tag.
pub const NO_OPTION: u8 = u8::MAX;

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
    /// A structure whose members are all byte-sized and need no padding once the structure
    /// starts on a byte: decoded by a straight loop over byte offsets (nearly every LTTng
    /// payload on byte-packed traces).
    Flat {
        /// Alignment in bits.
        align: u32,
        /// The members, as runs of constant size and strings.
        steps: Box<[FlatStep]>,
        /// The same structure as general ops, for a start that is not on a byte.
        general: Box<[Op]>,
    },
    /// `struct { int tag; variant <tag> { struct { ints } ...; } }`: the shape of LTTng's
    /// compact and large event headers, decoded without recursion (it runs once per event).
    TaggedHeader(Box<TaggedHeader>),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctf::ir::{
        Encoding, EnumMapping, EnumType, Field, FieldPath, FieldType, IntType, Scope, SequenceType,
        StreamClass, StructType, TraceClass, VariantType,
    };
    use crate::ctf::value::Value;

    fn int(size: u32, align: u32, order: ByteOrder) -> FieldType {
        FieldType::Int(IntType {
            size_bits: size,
            align_bits: align,
            signed: false,
            byte_order: order,
            base: 10,
            encoding: Encoding::None,
            mapped_clock: None,
        })
    }

    fn field(name: &str, ty: FieldType) -> Field {
        Field {
            name: name.into(),
            display_name: name.trim_start_matches('_').into(),
            ty,
        }
    }

    fn payload_path(i: usize) -> FieldPath {
        FieldPath {
            scope: Scope::EventPayload,
            indices: vec![i],
        }
    }

    /// A payload `{ u8 tag(enum A=0,B=1); variant<tag> { u8 A; u32 B; } v; u8 n; u16 s[n]; }`.
    fn payload() -> FieldType {
        let tag = FieldType::Enum(EnumType {
            container: IntType {
                size_bits: 8,
                align_bits: 8,
                signed: false,
                byte_order: ByteOrder::Le,
                base: 10,
                encoding: Encoding::None,
                mapped_clock: None,
            },
            mappings: vec![
                EnumMapping {
                    label: "A".into(),
                    ranges: vec![(0, 0)],
                },
                EnumMapping {
                    label: "B".into(),
                    ranges: vec![(1, 1)],
                },
            ],
        });
        let variant = FieldType::Variant(VariantType {
            tag: payload_path(0),
            options: vec![
                field("A", int(8, 8, ByteOrder::Le)),
                field("B", int(32, 32, ByteOrder::Le)),
            ],
            selectors: vec![
                VariantRange {
                    lo: 0,
                    hi: 0,
                    option: 0,
                },
                VariantRange {
                    lo: 1,
                    hi: 1,
                    option: 1,
                },
            ],
        });
        let seq = FieldType::Sequence(SequenceType {
            element: Box::new(int(16, 8, ByteOrder::Be)),
            length: payload_path(2),
        });
        FieldType::Struct(StructType {
            fields: vec![
                field("tag", tag),
                field("v", variant),
                field("n", int(8, 8, ByteOrder::Le)),
                field("s", seq),
            ],
            min_align_bits: 8,
        })
    }

    fn trace_with(payload: FieldType) -> TraceClass {
        TraceClass {
            major: 1,
            minor: 8,
            uuid: None,
            byte_order: ByteOrder::Le,
            packet_header: None,
            env: vec![],
            clocks: vec![],
            streams: vec![StreamClass {
                id: 0,
                packet_context: None,
                event_header: None,
                event_context: None,
                events: vec![crate::ctf::ir::EventClass {
                    id: 0,
                    name: "e".into(),
                    stream_id: 0,
                    loglevel: None,
                    model_emf_uri: None,
                    context: None,
                    payload: Some(payload),
                }],
            }],
        }
    }

    fn decode(bytes: &[u8]) -> Result<Vec<Value>, DecodeError> {
        let ty = payload();
        let trace = trace_with(ty.clone());
        let stream = &trace.streams[0];
        let compiler =
            ScopeCompiler::for_stream_class(&trace, stream).with_event(&stream.events[0]);
        let op = compiler.compile(&ty, Scope::EventPayload).unwrap();
        let mut st = ReadState::new(compiler.slot_count());
        let mut out = Vec::new();
        Decoder::new(bytes, 0, 0, bytes.len() as u64 * 8).run(&op, &mut st, &mut out)?;
        Ok(out)
    }

    #[test]
    fn variant_selects_by_tag_and_aligns_on_the_option() {
        // tag=1 selects the u32 option, aligned to 32 bits relative to the packet start.
        let bytes = [
            1, 0, 0, 0, 0x78, 0x56, 0x34, 0x12, 2, 0x00, 0x01, 0x00, 0x02,
        ];
        let v = decode(&bytes).unwrap();
        assert_eq!(
            v,
            vec![
                Value::Struct,
                Value::UInt(1),
                Value::Variant { option: 1 },
                Value::UInt(0x1234_5678),
                Value::UInt(2),
                Value::Array { len: 2 },
                Value::UInt(1),
                Value::UInt(2),
            ]
        );
    }

    #[test]
    fn sequence_longer_than_the_packet_is_an_error_not_an_allocation() {
        let bytes = [0, 7, 255, 0, 0];
        let err = decode(&bytes).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::ImpossibleLength(255));
    }

    #[test]
    fn unknown_tag_is_an_error() {
        let err = decode(&[9, 0, 0, 0]).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::BadVariantTag(9));
    }

    #[test]
    fn reading_past_content_is_an_error() {
        let err = decode(&[1, 0, 0, 0, 0x78]).unwrap_err();
        assert!(matches!(
            err.kind,
            DecodeErrorKind::PastContentEnd { needed: 32, .. }
        ));
    }
}

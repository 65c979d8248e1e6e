//! The trace class: what a CTF 1.8 metadata stream describes, after every alias, scope and
//! field path has been resolved. The metadata parser produces it; the decoder compiles it; the
//! text printer reads it to name and format fields. Nothing here refers back to TSDL syntax.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Byte order of one field, already resolved (`native` is the trace's order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ByteOrder {
    /// Little endian: bits fill a byte from its least significant bit upward.
    Le,
    /// Big endian: bits fill a byte from its most significant bit downward.
    Be,
}

/// Text encoding of an integer (for `char` arrays) or of a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Encoding {
    /// Not text.
    #[default]
    None,
    /// UTF-8 text.
    Utf8,
    /// ASCII text.
    Ascii,
}

/// An integer field class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntType {
    /// Width in bits, 1 to 64.
    pub size_bits: u32,
    /// Alignment in bits (a power of two).
    pub align_bits: u32,
    /// Two's complement signed.
    pub signed: bool,
    /// Resolved byte order.
    pub byte_order: ByteOrder,
    /// Preferred display base: 2, 8, 10 or 16.
    pub base: u8,
    /// Text encoding (arrays/sequences of 8-bit encoded integers are strings).
    pub encoding: Encoding,
    /// Index into [`TraceClass::clocks`] when the value updates a clock (`map = clock.X.value`).
    pub mapped_clock: Option<usize>,
}

/// A floating point field class (IEEE 754; only 8/24 and 11/53 are decodable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FloatType {
    /// Exponent digits.
    pub exp_dig: u32,
    /// Mantissa digits, including the implicit bit.
    pub mant_dig: u32,
    /// Resolved byte order.
    pub byte_order: ByteOrder,
    /// Alignment in bits.
    pub align_bits: u32,
}

/// One label of an enumeration with the inclusive value ranges it names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumMapping {
    /// The label as written in the metadata (quotes removed).
    pub label: String,
    /// Inclusive ranges; i128 holds every signed and unsigned 64-bit value.
    pub ranges: Vec<(i128, i128)>,
}

/// An enumeration: an integer plus labels. Several labels may match one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumType {
    /// The container integer.
    pub container: IntType,
    /// Labels in declaration order.
    pub mappings: Vec<EnumMapping>,
}

impl EnumType {
    /// The labels that contain `value`, in declaration order.
    pub fn labels_of(&self, value: i128) -> impl Iterator<Item = &str> {
        self.mappings
            .iter()
            .filter(move |m| m.ranges.iter().any(|&(lo, hi)| lo <= value && value <= hi))
            .map(|m| m.label.as_str())
    }
}

/// A named member of a structure or an option of a variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// The name as written in the metadata (`_prev_tid`), used for path resolution.
    pub name: String,
    /// The name users see: one leading underscore removed, as CTF readers do (`prev_tid`).
    pub display_name: String,
    /// The field's class.
    pub ty: FieldType,
}

/// A structure: members decoded in order. No trailing padding.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StructType {
    /// Members in declaration order.
    pub fields: Vec<Field>,
    /// Minimum alignment in bits (from `align(N)`), at least 1. The effective alignment is
    /// the maximum of this and the members' alignments: see [`FieldType::align_bits`].
    pub min_align_bits: u32,
}

/// Which scope of an event or packet a field path starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Scope {
    /// `trace.packet.header`
    PacketHeader,
    /// `stream.packet.context`
    PacketContext,
    /// `stream.event.header`
    EventHeader,
    /// `stream.event.context`
    StreamEventContext,
    /// `event.context`
    EventContext,
    /// `event.fields`
    EventPayload,
}

/// A resolved reference to an earlier field: a scope and the member indices that walk from the
/// scope's root structure down to the field (a path never crosses arrays or sequences; it may
/// cross a variant, in which case the index is the option index).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FieldPath {
    /// The dynamic scope the path starts in.
    pub scope: Scope,
    /// Member (or variant option) index at each level below the scope's root struct.
    pub indices: Vec<usize>,
}

/// One entry of a variant's selector table: tag values in `lo..=hi` select `option`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantRange {
    /// Lowest tag value, inclusive.
    pub lo: i128,
    /// Highest tag value, inclusive.
    pub hi: i128,
    /// Index into [`VariantType::options`].
    pub option: usize,
}

/// A tagged union whose option is chosen by the label of an earlier enumeration field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantType {
    /// Where the tag enumeration is.
    pub tag: FieldPath,
    /// The options in declaration order.
    pub options: Vec<Field>,
    /// Tag value ranges to option, computed by matching the tag enum's labels with option
    /// names. A tag value in no range is a decoding error.
    pub selectors: Vec<VariantRange>,
}

/// A fixed-length array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArrayType {
    /// Element class.
    pub element: Box<FieldType>,
    /// Number of elements.
    pub length: u64,
}

/// A sequence whose length is an earlier unsigned integer (or enum) field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SequenceType {
    /// Element class.
    pub element: Box<FieldType>,
    /// Where the length field is.
    pub length: FieldPath,
}

/// Any field class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FieldType {
    /// Integer.
    Int(IntType),
    /// Floating point.
    Float(FloatType),
    /// Enumeration.
    Enum(EnumType),
    /// NUL-terminated string with its encoding.
    String(Encoding),
    /// Structure.
    Struct(StructType),
    /// Variant.
    Variant(VariantType),
    /// Fixed-length array.
    Array(ArrayType),
    /// Sequence.
    Sequence(SequenceType),
}

impl FieldType {
    /// Alignment in bits before decoding this field. For a variant it is 1: the decoder aligns
    /// to the selected option instead.
    pub fn align_bits(&self) -> u32 {
        match self {
            FieldType::Int(i) => i.align_bits,
            FieldType::Float(f) => f.align_bits,
            FieldType::Enum(e) => e.container.align_bits,
            FieldType::String(_) => 8,
            FieldType::Struct(s) => s
                .fields
                .iter()
                .map(|f| f.ty.align_bits())
                .fold(s.min_align_bits.max(1), u32::max),
            FieldType::Variant(_) => 1,
            FieldType::Array(a) => a.element.align_bits(),
            FieldType::Sequence(s) => s.element.align_bits(),
        }
    }

    /// The element class when this is an array or sequence of 8-bit byte-aligned encoded
    /// integers, which CTF readers show as text.
    pub fn is_text_container(&self) -> bool {
        let element = match self {
            FieldType::Array(a) => &a.element,
            FieldType::Sequence(s) => &s.element,
            _ => return false,
        };
        // babeltrace2's rule: 8-bit elements aligned on exactly 8 bits with an encoding,
        // enumerations included.
        let int = match element.as_ref() {
            FieldType::Int(i) => i,
            FieldType::Enum(e) => &e.container,
            _ => return false,
        };
        int.size_bits == 8 && int.align_bits == 8 && int.encoding != Encoding::None
    }

    /// The structure, when this is one.
    pub fn as_struct(&self) -> Option<&StructType> {
        match self {
            FieldType::Struct(s) => Some(s),
            _ => None,
        }
    }
}

/// A value of the `env` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum EnvValue {
    /// Integer literal.
    Int(i64),
    /// String literal.
    Str(String),
}

impl fmt::Display for EnvValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvValue::Int(i) => write!(f, "{i}"),
            EnvValue::Str(s) => f.write_str(s),
        }
    }
}

/// A clock class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockClass {
    /// Name (`monotonic` for LTTng).
    pub name: String,
    /// Clock UUID (LTTng: the boot id).
    pub uuid: Option<[u8; 16]>,
    /// Free-form description.
    pub description: Option<String>,
    /// Frequency in Hz (default 1 000 000 000).
    pub freq: u64,
    /// Precision in cycles.
    pub precision: u64,
    /// Offset from the Unix epoch, seconds part.
    pub offset_s: i64,
    /// Offset from the Unix epoch, cycles part.
    pub offset_cycles: i64,
    /// Whether the clock is absolute (comparable across traces).
    pub absolute: bool,
}

/// An event class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventClass {
    /// Numeric id, unique inside its stream class.
    pub id: u64,
    /// Name (`sched_switch`).
    pub name: String,
    /// Id of the owning stream class.
    pub stream_id: u64,
    /// LTTng log level, when given.
    pub loglevel: Option<i64>,
    /// `model.emf.uri`, when given.
    pub model_emf_uri: Option<String>,
    /// `event.context`, a structure.
    pub context: Option<FieldType>,
    /// `event.fields` (payload), a structure.
    pub payload: Option<FieldType>,
}

/// A stream class with its event classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamClass {
    /// Numeric id (0 when the metadata omits it).
    pub id: u64,
    /// `packet.context`, a structure.
    pub packet_context: Option<FieldType>,
    /// `event.header`, a structure.
    pub event_header: Option<FieldType>,
    /// `event.context`, a structure.
    pub event_context: Option<FieldType>,
    /// Event classes in declaration order.
    pub events: Vec<EventClass>,
}

/// Everything one metadata stream describes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceClass {
    /// CTF major version (1).
    pub major: u32,
    /// CTF minor version (8).
    pub minor: u32,
    /// Trace UUID.
    pub uuid: Option<[u8; 16]>,
    /// Default byte order.
    pub byte_order: ByteOrder,
    /// `trace.packet.header`, a structure.
    pub packet_header: Option<FieldType>,
    /// `env` entries in declaration order.
    pub env: Vec<(String, EnvValue)>,
    /// Clock classes in declaration order.
    pub clocks: Vec<ClockClass>,
    /// Stream classes in declaration order.
    pub streams: Vec<StreamClass>,
}

impl TraceClass {
    /// The `env` value named `key`.
    pub fn env(&self, key: &str) -> Option<&EnvValue> {
        self.env.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The stream class with numeric id `id`.
    pub fn stream_class(&self, id: u64) -> Option<&StreamClass> {
        self.streams.iter().find(|s| s.id == id)
    }
}

//! TSDL metadata text of an lttng-modules 2.13 kernel trace.

use std::fmt::Write as _;

/// The kinds of payload fields lttng-modules 2.13 emits, as the generator needs them.
///
/// Every type is byte-aligned (`align = 8`), as on x86-64 where LTTng packs fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// `uint8_t`, decimal.
    U8,
    /// `uint16_t`, decimal.
    U16,
    /// `uint32_t`, decimal.
    U32,
    /// `uint64_t`, decimal.
    U64,
    /// `int32_t`, decimal.
    I32,
    /// `int64_t` (also C `long`), decimal.
    I64,
    /// `uint32_t` shown in octal (open flags in the statedump).
    Oct32,
    /// `uint32_t` shown in hexadecimal.
    Hex32,
    /// `uint64_t` shown in hexadecimal (pointers, addresses).
    Hex64,
    /// `uint16_t` in network byte order (ports).
    BeU16,
    /// `uint32_t` in network byte order, hexadecimal (IPv4 addresses in the statedump).
    BeHex32,
    /// `char[16]` UTF-8 text array (task comm).
    Comm,
    /// NUL-terminated string.
    Str,
    /// IPv4 address as LTTng ≥ 2.9 records it in socket syscalls: `unsigned int` length
    /// then that many network-order bytes. Value: the address, or `u64::MAX` for none.
    V4Seq,
    /// IPv6 address sequence (`unsigned int` length, network-order `uint16_t` words).
    /// The generator only writes empty ones.
    V6Seq,
    /// An fd set of `select()`: `unsigned char` byte count, then that many hex bytes.
    /// Value: `(byte count << 56) | bitmask of the first 56 fds`.
    FdSet,
    /// `sched_process_fork`'s `vtids`: `unsigned char` length then `int32_t` values.
    /// Value: the single vtid recorded (one namespace level).
    Vtids,
    /// Enumeration over an `int` container (statedump `type`, `status`, ...): labels and
    /// values.
    Enum(&'static [(&'static str, i32)]),
}

/// One payload field: its user-visible name (LTTng prefixes `_` in the metadata) and type.
#[derive(Debug, Clone, Copy)]
pub struct FieldDesc {
    /// Name without the leading underscore.
    pub name: &'static str,
    /// Type.
    pub ty: FieldType,
}

/// An event class: numeric id inside stream class 0, name and payload fields.
#[derive(Debug, Clone)]
pub struct EventClassDesc {
    /// Event id (0–30 use the compact header's fast path).
    pub id: u32,
    /// Event name as lttng-modules 2.13 names it.
    pub name: &'static str,
    /// Payload fields in order.
    pub fields: &'static [FieldDesc],
}

/// Trace-level description: identity, `env` block and clock.
#[derive(Debug, Clone)]
pub struct TraceDesc {
    /// Trace UUID (also written in every packet header).
    pub uuid: [u8; 16],
    /// Clock UUID (LTTng: the boot id).
    pub clock_uuid: [u8; 16],
    /// Clock offset from the Unix epoch in ns (`offset` with a 1 GHz clock).
    pub clock_offset_ns: u64,
    /// `env` entries in order; values are written verbatim (quote strings yourself).
    pub env: Vec<(&'static str, EnvValue)>,
}

/// A value of the TSDL `env` block.
#[derive(Debug, Clone)]
pub enum EnvValue {
    /// Quoted string.
    Str(String),
    /// Integer.
    Int(i64),
}

/// Formats a UUID as TSDL writes it (`8-4-4-4-12` lowercase hex).
pub fn uuid_string(u: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, b) in u.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The fixed part of the metadata up to (and including) the stream class.
fn preamble(desc: &TraceDesc) -> String {
    let mut s = String::with_capacity(4096);
    s.push_str(
        "/* CTF 1.8 */\n\n\
typealias integer { size = 8; align = 8; signed = false; } := uint8_t;\n\
typealias integer { size = 16; align = 8; signed = false; } := uint16_t;\n\
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;\n\
typealias integer { size = 64; align = 8; signed = false; } := uint64_t;\n\
typealias integer { size = 64; align = 8; signed = false; } := unsigned long;\n\
typealias integer { size = 5; align = 1; signed = false; } := uint5_t;\n\
typealias integer { size = 27; align = 1; signed = false; } := uint27_t;\n\n",
    );
    let _ = write!(
        s,
        "trace {{\n\tmajor = 1;\n\tminor = 8;\n\tuuid = \"{}\";\n\tbyte_order = le;\n\
\tpacket.header := struct {{\n\t\tuint32_t magic;\n\t\tuint8_t  uuid[16];\n\
\t\tuint32_t stream_id;\n\t\tuint64_t stream_instance_id;\n\t}};\n}};\n\nenv {{\n",
        uuid_string(&desc.uuid)
    );
    for (k, v) in &desc.env {
        match v {
            EnvValue::Str(x) => {
                let _ = writeln!(
                    s,
                    "\t{k} = \"{}\";",
                    x.replace('\\', "\\\\").replace('"', "\\\"")
                );
            }
            EnvValue::Int(x) => {
                let _ = writeln!(s, "\t{k} = {x};");
            }
        }
    }
    let _ = write!(
        s,
        "}};\n\nclock {{\n\tname = \"monotonic\";\n\tuuid = \"{}\";\n\
\tdescription = \"Monotonic Clock\";\n\tfreq = 1000000000; /* Frequency, in Hz */\n\
\t/* clock value offset from Epoch is: offset * (1/freq) */\n\toffset = {};\n}};\n\n",
        uuid_string(&desc.clock_uuid),
        desc.clock_offset_ns
    );
    s.push_str(STREAM_PART);
    s
}

/// Clock-mapped aliases, packet context, both LTTng event headers and the stream class.
const STREAM_PART: &str = "typealias integer {
\tsize = 27; align = 1; signed = false;
\tmap = clock.monotonic.value;
} := uint27_clock_monotonic_t;

typealias integer {
\tsize = 32; align = 8; signed = false;
\tmap = clock.monotonic.value;
} := uint32_clock_monotonic_t;

typealias integer {
\tsize = 64; align = 8; signed = false;
\tmap = clock.monotonic.value;
} := uint64_clock_monotonic_t;

struct packet_context {
\tuint64_clock_monotonic_t timestamp_begin;
\tuint64_clock_monotonic_t timestamp_end;
\tuint64_t content_size;
\tuint64_t packet_size;
\tuint64_t packet_seq_num;
\tunsigned long events_discarded;
\tuint32_t cpu_id;
};

struct event_header_compact {
\tenum : uint5_t { compact = 0 ... 30, extended = 31 } id;
\tvariant <id> {
\t\tstruct {
\t\t\tuint27_clock_monotonic_t timestamp;
\t\t} compact;
\t\tstruct {
\t\t\tuint32_t id;
\t\t\tuint64_clock_monotonic_t timestamp;
\t\t} extended;
\t} v;
} align(8);

struct event_header_large {
\tenum : uint16_t { compact = 0 ... 65534, extended = 65535 } id;
\tvariant <id> {
\t\tstruct {
\t\t\tuint32_clock_monotonic_t timestamp;
\t\t} compact;
\t\tstruct {
\t\t\tuint32_t id;
\t\t\tuint64_clock_monotonic_t timestamp;
\t\t} extended;
\t} v;
} align(8);

stream {
\tid = 0;
\tevent.header := struct event_header_compact;
\tpacket.context := struct packet_context;
};

";

/// TSDL declaration of an integer as lttng-modules writes it.
fn int_decl(bits: u32, signed: bool, base: u32, be: bool) -> String {
    let bo = if be { " byte_order = be;" } else { "" };
    format!(
        "integer {{ size = {bits}; align = 8; signed = {}; encoding = none; base = {base};{bo} }}",
        u8::from(signed)
    )
}

/// Appends the declaration(s) of one payload field.
fn field_decl(s: &mut String, f: &FieldDesc) {
    let n = f.name;
    let line = match f.ty {
        FieldType::U8 => format!("{} _{n};", int_decl(8, false, 10, false)),
        FieldType::U16 => format!("{} _{n};", int_decl(16, false, 10, false)),
        FieldType::U32 => format!("{} _{n};", int_decl(32, false, 10, false)),
        FieldType::U64 => format!("{} _{n};", int_decl(64, false, 10, false)),
        FieldType::I32 => format!("{} _{n};", int_decl(32, true, 10, false)),
        FieldType::I64 => format!("{} _{n};", int_decl(64, true, 10, false)),
        FieldType::Oct32 => format!("{} _{n};", int_decl(32, false, 8, false)),
        FieldType::Hex32 => format!("{} _{n};", int_decl(32, false, 16, false)),
        FieldType::Hex64 => format!("{} _{n};", int_decl(64, false, 16, false)),
        FieldType::BeU16 => format!("{} _{n};", int_decl(16, false, 10, true)),
        FieldType::BeHex32 => format!("{} _{n};", int_decl(32, false, 16, true)),
        FieldType::Comm => format!(
            "integer {{ size = 8; align = 8; signed = 0; encoding = UTF8; base = 10; }} _{n}[16];"
        ),
        FieldType::Str => format!("string _{n};"),
        FieldType::V4Seq => seq_decl(n, &int_decl(32, false, 10, false), 8, true),
        FieldType::V6Seq => seq_decl(n, &int_decl(32, false, 10, false), 16, true),
        FieldType::FdSet => {
            let len = int_decl(8, false, 10, false);
            format!(
                "{len} __{n}_length;\n\t\t{} _{n}[ __{n}_length ];",
                int_decl(8, false, 16, false)
            )
        }
        FieldType::Enum(labels) => {
            let mut e = format!("enum : {} {{ ", int_decl(32, true, 10, false));
            for (i, (label, v)) in labels.iter().enumerate() {
                let sep = if i + 1 == labels.len() { "" } else { "," };
                let _ = write!(e, "\"{label}\" = {v}{sep} ");
            }
            let _ = write!(e, "}} _{n};");
            e
        }
        FieldType::Vtids => {
            let len = int_decl(8, false, 10, false);
            format!(
                "{len} __{n}_length;\n\t\t{} _{n}[ __{n}_length ];",
                int_decl(32, true, 10, false)
            )
        }
    };
    s.push_str("\t\t");
    s.push_str(&line);
    s.push('\n');
}

fn seq_decl(n: &str, len_decl: &str, elem_bits: u32, be: bool) -> String {
    format!(
        "{len_decl} __{n}_length;\n\t\t{} _{n}[ __{n}_length ];",
        int_decl(elem_bits, false, 10, be)
    )
}

/// The complete metadata text for these event classes.
pub fn metadata_text(desc: &TraceDesc, classes: &[EventClassDesc]) -> String {
    let mut s = preamble(desc);
    for c in classes {
        let _ = write!(
            s,
            "event {{\n\tname = \"{}\";\n\tid = {};\n\tstream_id = 0;\n\tfields := struct {{\n",
            c.name, c.id
        );
        for f in c.fields {
            field_decl(&mut s, f);
        }
        s.push_str("\t};\n};\n\n");
    }
    s
}

/// Size of an LTTng metadata packet and of its header.
const META_PACKET_BYTES: usize = 4096;
const META_HEADER_BYTES: usize = 37;

/// Cuts metadata text into LTTng metadata packets (ctf.md §2.2), little endian.
pub fn packetize(text: &str, uuid: &[u8; 16]) -> Vec<u8> {
    let per = META_PACKET_BYTES - META_HEADER_BYTES;
    let mut out = Vec::with_capacity(text.len() + text.len() / per * META_HEADER_BYTES + 4096);
    for chunk in text.as_bytes().chunks(per) {
        let content_bits = ((META_HEADER_BYTES + chunk.len()) * 8) as u32;
        out.extend_from_slice(&0x75D1_1D57u32.to_le_bytes());
        out.extend_from_slice(uuid);
        out.extend_from_slice(&0u32.to_le_bytes()); // checksum
        out.extend_from_slice(&content_bits.to_le_bytes());
        out.extend_from_slice(&((META_PACKET_BYTES * 8) as u32).to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 1, 8]); // compression, encryption, checksum, major, minor
        out.extend_from_slice(chunk);
        out.resize(out.len() + per - chunk.len(), 0);
    }
    out
}

//! Test helpers: hand-built trace classes shaped like the traces of `bt2_fixtures.py` (and of
//! real LTTng traces), and one-call event printing. Expected lines in the tests come from
//! babeltrace2 2.0.4 output on those traces, cited next to each.

use std::path::Path;

use crate::ctf::ir::{
    ArrayType, ByteOrder, ClockClass, Encoding, EnumMapping, EnumType, EnvValue, EventClass, Field,
    FieldPath, FieldType, FloatType, IntType, Scope, SequenceType, StreamClass, StructType,
    TraceClass, VariantRange, VariantType,
};
use crate::ctf::message::{EventRecord, Message, StreamRef, Timestamp};
use crate::ctf::value::{FieldsRef, Value};

use super::PrettyPrinter;

pub fn int(size_bits: u32, signed: bool, base: u8) -> FieldType {
    FieldType::Int(int_type(size_bits, signed, base))
}

pub fn int_type(size_bits: u32, signed: bool, base: u8) -> IntType {
    IntType {
        size_bits,
        align_bits: 8,
        signed,
        byte_order: ByteOrder::Le,
        base,
        encoding: Encoding::None,
        mapped_clock: None,
    }
}

pub fn u8t() -> FieldType {
    int(8, false, 10)
}

/// A 64-bit integer mapped to clock 0, like LTTng's timestamps.
pub fn clk64() -> FieldType {
    FieldType::Int(IntType {
        mapped_clock: Some(0),
        ..int_type(64, false, 10)
    })
}

pub fn char8(encoding: Encoding) -> FieldType {
    FieldType::Int(IntType {
        encoding,
        ..int_type(8, false, 10)
    })
}

pub fn float(exp_dig: u32, mant_dig: u32) -> FieldType {
    FieldType::Float(FloatType {
        exp_dig,
        mant_dig,
        byte_order: ByteOrder::Le,
        align_bits: 8,
    })
}

pub fn enumeration(container: IntType, labels: &[(&str, &[(i128, i128)])]) -> FieldType {
    FieldType::Enum(EnumType {
        container,
        mappings: labels
            .iter()
            .map(|(label, ranges)| EnumMapping {
                label: (*label).to_owned(),
                ranges: ranges.to_vec(),
            })
            .collect(),
    })
}

pub fn array(element: FieldType, length: u64) -> FieldType {
    FieldType::Array(ArrayType {
        element: Box::new(element),
        length,
    })
}

pub fn sequence(element: FieldType, scope: Scope, indices: &[usize]) -> FieldType {
    FieldType::Sequence(SequenceType {
        element: Box::new(element),
        length: FieldPath {
            scope,
            indices: indices.to_vec(),
        },
    })
}

/// A variant whose option `i` is selected by tag value `i`.
pub fn variant(tag: FieldPath, options: Vec<Field>) -> FieldType {
    let selectors = (0..options.len())
        .map(|i| VariantRange {
            lo: i as i128,
            hi: i as i128,
            option: i,
        })
        .collect();
    FieldType::Variant(VariantType {
        tag,
        options,
        selectors,
    })
}

/// A member; the display name drops one leading underscore, as the metadata parser does.
pub fn member(name: &str, ty: FieldType) -> Field {
    Field {
        name: name.to_owned(),
        display_name: name.strip_prefix('_').unwrap_or(name).to_owned(),
        ty,
    }
}

pub fn st(fields: Vec<Field>) -> FieldType {
    FieldType::Struct(StructType {
        fields,
        min_align_bits: 8,
    })
}

/// The packet context of the fixtures (LTTng's, with `cpu_id`), plus `extra` members.
pub fn lttng_packet_context(extra: Vec<Field>) -> FieldType {
    let mut fields = vec![
        member("timestamp_begin", clk64()),
        member("timestamp_end", clk64()),
        member("content_size", int(64, false, 10)),
        member("packet_size", int(64, false, 10)),
        member("events_discarded", int(64, false, 10)),
        member("packet_seq_num", int(64, false, 10)),
        member("cpu_id", int(32, false, 10)),
    ];
    fields.extend(extra);
    st(fields)
}

/// Values of [`lttng_packet_context`] with `cpu_id`, followed by `extra` values.
pub fn lttng_packet_values(cpu_id: u64, extra: &[Value]) -> Vec<Value> {
    let mut v = vec![Value::Struct];
    v.extend([100, 200, 1000, 1024, 0, 0, cpu_id].map(Value::UInt));
    v.extend_from_slice(extra);
    v
}

pub fn event_class(id: u64, name: &str, payload: Option<FieldType>) -> EventClass {
    EventClass {
        id,
        name: name.to_owned(),
        stream_id: 0,
        loglevel: None,
        model_emf_uri: None,
        context: None,
        payload,
    }
}

pub fn stream_class(packet_context: Option<FieldType>, events: Vec<EventClass>) -> StreamClass {
    StreamClass {
        id: 0,
        packet_context,
        event_header: None,
        event_context: None,
        events,
    }
}

/// A trace class with one clock named `mono` (offset `offset_s` seconds) and one stream class.
pub fn trace_class(env: &[(&str, EnvValue)], sc: StreamClass, offset_s: i64) -> TraceClass {
    TraceClass {
        major: 1,
        minor: 8,
        uuid: Some(std::array::from_fn(|i| 0x10 + i as u8)),
        byte_order: ByteOrder::Le,
        packet_header: None,
        env: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        clocks: vec![ClockClass {
            name: "mono".to_owned(),
            uuid: None,
            description: None,
            freq: 1_000_000_000,
            precision: 0,
            offset_s,
            offset_cycles: 0,
            absolute: false,
        }],
        streams: vec![sc],
    }
}

pub fn stream_ref<'a>(tc: &'a TraceClass, path: &'a Path) -> StreamRef<'a> {
    StreamRef {
        trace: tc,
        trace_path: Path::new("/tmp/ptest/t"),
        trace_index: 0,
        stream_class: &tc.streams[0],
        stream_instance_id: None,
        stream_index: 0,
        stream_path: path,
    }
}

/// A timestamp at `ns` nanoseconds from the epoch.
pub fn ts(ns: i64) -> Timestamp {
    Timestamp {
        cycles: ns as u64,
        ns_from_origin: Some(ns),
    }
}

/// The decoded scopes of one event: packet context, stream event context, event context and
/// payload values, with the bytes text values point into.
#[derive(Default)]
pub struct Scopes<'a> {
    pub packet: Option<&'a [Value]>,
    pub stream_ctx: Option<&'a [Value]>,
    pub event_ctx: Option<&'a [Value]>,
    pub payload: Option<&'a [Value]>,
    pub data: &'a [u8],
}

fn scope<'a>(
    ty: Option<&'a FieldType>,
    values: Option<&'a [Value]>,
    data: &'a [u8],
) -> Option<FieldsRef<'a>> {
    Some(FieldsRef {
        ty: ty?,
        values: values?,
        data,
    })
}

/// Prints event `event` of the first stream class at `time` and returns stdout's line
/// (lossily decoded: the tests' lines are UTF-8 except where they compare raw bytes).
pub fn print_event(
    p: &mut PrettyPrinter,
    tc: &TraceClass,
    event: usize,
    time: Option<Timestamp>,
    s: &Scopes<'_>,
) -> String {
    String::from_utf8_lossy(&print_event_bytes(p, tc, event, time, s)).into_owned()
}

/// [`print_event`] without decoding.
pub fn print_event_bytes(
    p: &mut PrettyPrinter,
    tc: &TraceClass,
    event: usize,
    time: Option<Timestamp>,
    s: &Scopes<'_>,
) -> Vec<u8> {
    let sc = &tc.streams[0];
    let ec = &sc.events[event];
    let record = EventRecord {
        stream: stream_ref(tc, Path::new("/tmp/ptest/t/s0")),
        class: ec,
        timestamp: time,
        packet_header: None,
        packet_context: scope(sc.packet_context.as_ref(), s.packet, s.data),
        event_header: None,
        stream_event_context: scope(sc.event_context.as_ref(), s.stream_ctx, s.data),
        event_context: scope(ec.context.as_ref(), s.event_ctx, s.data),
        payload: scope(ec.payload.as_ref(), s.payload, s.data),
    };
    write_captured(p, &Message::Event(record))
}

thread_local! {
    /// Stderr text of the current test's printers, read by [`stderr_of`].
    static STDERR: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Prints `msg` and returns its stdout text; its stderr text is kept for [`stderr_of`].
pub fn write_captured(p: &mut PrettyPrinter, msg: &Message<'_>) -> Vec<u8> {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    p.write_message_to(&mut out, &mut err, msg);
    STDERR.with(|e| e.borrow_mut().extend_from_slice(&err));
    out
}

/// A printer in `--clock-gmt` mode.
pub fn gmt_printer() -> PrettyPrinter {
    PrettyPrinter::with_zone(None)
}

/// The stderr text printed (through [`p_err`]) on this thread since the last call.
pub fn stderr_of() -> String {
    let err = STDERR.with(|e| std::mem::take(&mut *e.borrow_mut()));
    String::from_utf8(err).expect("test lines are UTF-8")
}

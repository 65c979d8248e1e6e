//! babeltrace2 messages to [`Item`]s: events with every field walked through the C API
//! (babeltrace2-sys's own conversion keeps only scalars and structures), and discarded
//! events/packets notices.
//!
//! Names (members, options, labels) are interned ([`Names`]), so an event costs no string
//! allocation per field beyond its string values. Strings are copied by length (`bt_field_string_get_length`), not read as C strings:
//! babeltrace2 2.0 empties a reused string field without writing a NUL, so the C string of an
//! empty field may still show an earlier event's text (see [`crate::pretty::recall`]); the
//! length is right.

use std::collections::HashMap;
use std::ffi::CStr;
use std::os::raw::c_char;

use babeltrace2_sys::ffi;

use crate::source::event::{
    EnvEntry, Event, FieldValue, IntValue, Item, Lost, LostKind, Names, Timestamp, TraceInfo,
};

/// Deepest field nesting accepted; deeper would be a malformed class, and recursion must end.
const MAX_DEPTH: usize = 256;

/// Converts messages, remembering the traces seen.
#[derive(Debug, Default)]
pub struct Converter {
    traces: Vec<TraceInfo>,
    /// Trace object address to index in `traces`. babeltrace2 keeps every trace alive while
    /// its streams are, so an address is not reused for another trace while it matters.
    trace_index: HashMap<usize, usize>,
    /// Member, option and label names, shared between events.
    names: Names,
}

/// `bt_field_class_type_is` (a C inline function): whether `ty` is `base` or derives from it.
fn is_type(ty: ffi::bt_field_class_type::Type, base: ffi::bt_field_class_type::Type) -> bool {
    ty & base == base
}

/// The shared copy of a name owned by a field class (null: empty).
///
/// # Safety
/// `s` must be null or a valid NUL-terminated string that lives in a class object.
unsafe fn name(names: &mut Names, s: *const c_char) -> std::sync::Arc<str> {
    if s.is_null() {
        return names.get(b"");
    }
    // SAFETY: non-null and valid by the caller's contract.
    names.get(unsafe { CStr::from_ptr(s) }.to_bytes())
}

/// An owned copy of a C string that may be null.
///
/// # Safety
/// `s` must be null or a valid NUL-terminated string.
unsafe fn c_string(s: *const c_char) -> String {
    if s.is_null() {
        return String::new();
    }
    // SAFETY: non-null and valid by the caller's contract.
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}

/// Cycles and ns from origin of a clock snapshot (null: none).
///
/// # Safety
/// `snapshot` must be null or a live clock snapshot.
unsafe fn timestamp(snapshot: *const ffi::bt_clock_snapshot) -> Option<Timestamp> {
    if snapshot.is_null() {
        return None;
    }
    let mut ns = 0i64;
    // SAFETY: live snapshot by the caller's contract; `ns` is a local.
    unsafe {
        let cycles = ffi::bt_clock_snapshot_get_value(snapshot);
        let status = ffi::bt_clock_snapshot_get_ns_from_origin(snapshot, &mut ns);
        let ok = ffi::bt_clock_snapshot_get_ns_from_origin_status::BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK;
        Some(Timestamp {
            cycles,
            ns_from_origin: (status == ok).then_some(ns),
        })
    }
}

impl Converter {
    /// The traces seen so far.
    pub fn traces(&self) -> &[TraceInfo] {
        &self.traces
    }

    /// The item for one message (`None` for messages that carry nothing we show: stream and
    /// packet boundaries, inactivity).
    ///
    /// # Safety
    /// `msg` must be a live message.
    pub unsafe fn message(&mut self, msg: *const ffi::bt_message) -> Result<Option<Item>, String> {
        use ffi::bt_message_type::*;
        // SAFETY: live message by the caller's contract; each accessor matches its type.
        unsafe {
            match ffi::bt_message_get_type(msg) {
                BT_MESSAGE_TYPE_EVENT => self.event(msg).map(|e| Some(Item::Event(e))),
                BT_MESSAGE_TYPE_DISCARDED_EVENTS => Ok(Some(Item::Lost(self.lost(
                    msg,
                    LostKind::Events,
                    ffi::bt_message_discarded_events_borrow_stream_const(msg),
                )?))),
                BT_MESSAGE_TYPE_DISCARDED_PACKETS => Ok(Some(Item::Lost(self.lost(
                    msg,
                    LostKind::Packets,
                    ffi::bt_message_discarded_packets_borrow_stream_const(msg),
                )?))),
                _ => Ok(None),
            }
        }
    }

    /// # Safety
    /// `msg` must be a live event message.
    unsafe fn event(&mut self, msg: *const ffi::bt_message) -> Result<Event, String> {
        // SAFETY: a live event message: its event, class, stream, packet and fields are
        // borrowed from it and live as long as it does.
        unsafe {
            let event = ffi::bt_message_event_borrow_event_const(msg);
            let class = ffi::bt_event_borrow_class_const(event);
            let stream = ffi::bt_event_borrow_stream_const(event);
            let stream_class = ffi::bt_stream_borrow_class_const(stream);
            let has_clock =
                !ffi::bt_message_event_borrow_stream_class_default_clock_class_const(msg).is_null();
            let ts = if has_clock {
                timestamp(ffi::bt_message_event_borrow_default_clock_snapshot_const(
                    msg,
                ))
            } else {
                None
            };
            let packet = ffi::bt_event_borrow_packet_const(event);
            let packet_context = if packet.is_null() {
                None
            } else {
                scope(
                    &mut self.names,
                    ffi::bt_packet_borrow_context_field_const(packet),
                )?
            };
            Ok(Event {
                trace: self.trace(stream),
                timestamp: ts,
                name: name(&mut self.names, ffi::bt_event_class_get_name(class)),
                class_id: ffi::bt_event_class_get_id(class),
                stream_class_id: ffi::bt_stream_class_get_id(stream_class),
                stream_id: ffi::bt_stream_get_id(stream),
                packet_context,
                stream_event_context: scope(
                    &mut self.names,
                    ffi::bt_event_borrow_common_context_field_const(event),
                )?,
                event_context: scope(
                    &mut self.names,
                    ffi::bt_event_borrow_specific_context_field_const(event),
                )?,
                payload: scope(
                    &mut self.names,
                    ffi::bt_event_borrow_payload_field_const(event),
                )?,
            })
        }
    }

    /// # Safety
    /// `msg` must be a live discarded events or packets message (as `kind` says) of `stream`.
    unsafe fn lost(
        &mut self,
        msg: *const ffi::bt_message,
        kind: LostKind,
        stream: *const ffi::bt_stream,
    ) -> Result<Lost, String> {
        let mut count = 0u64;
        // SAFETY: live message and stream by the caller's contract; the snapshot accessors
        // are only called when the stream class says the message has snapshots.
        unsafe {
            let stream_class = ffi::bt_stream_borrow_class_const(stream);
            let (available, has_clock, begin, end) = match kind {
                LostKind::Events => (
                    ffi::bt_message_discarded_events_get_count(msg, &mut count),
                    ffi::bt_stream_class_discarded_events_have_default_clock_snapshots(
                        stream_class,
                    ),
                    ffi::bt_message_discarded_events_borrow_beginning_default_clock_snapshot_const
                        as unsafe extern "C" fn(_) -> _,
                    ffi::bt_message_discarded_events_borrow_end_default_clock_snapshot_const
                        as unsafe extern "C" fn(_) -> _,
                ),
                LostKind::Packets => (
                    ffi::bt_message_discarded_packets_get_count(msg, &mut count),
                    ffi::bt_stream_class_discarded_packets_have_default_clock_snapshots(
                        stream_class,
                    ),
                    ffi::bt_message_discarded_packets_borrow_beginning_default_clock_snapshot_const
                        as unsafe extern "C" fn(_) -> _,
                    ffi::bt_message_discarded_packets_borrow_end_default_clock_snapshot_const
                        as unsafe extern "C" fn(_) -> _,
                ),
            };
            let (begin, end) = if has_clock != 0 {
                (timestamp(begin(msg)), timestamp(end(msg)))
            } else {
                (None, None)
            };
            Ok(Lost {
                trace: self.trace(stream),
                stream_class_id: ffi::bt_stream_class_get_id(stream_class),
                kind,
                count: (available
                    == ffi::bt_property_availability::BT_PROPERTY_AVAILABILITY_AVAILABLE)
                    .then_some(count),
                begin,
                end,
            })
        }
    }

    /// Index of the trace of `stream`, registering it (with its environment) on first sight.
    ///
    /// # Safety
    /// `stream` must be a live stream.
    unsafe fn trace(&mut self, stream: *const ffi::bt_stream) -> usize {
        // SAFETY: live stream by the caller's contract; its trace and environment entries are
        // borrowed from it.
        unsafe {
            let trace = ffi::bt_stream_borrow_trace_const(stream);
            let next = self.traces.len();
            let index = *self.trace_index.entry(trace as usize).or_insert(next);
            if index == next {
                self.traces.push(trace_info(trace));
            }
            index
        }
    }
}

/// Name and environment of a trace.
///
/// # Safety
/// `trace` must be a live trace.
unsafe fn trace_info(trace: *const ffi::bt_trace) -> TraceInfo {
    use ffi::bt_value_type::*;
    // SAFETY: live trace; entry names and values are borrowed from it.
    unsafe {
        let mut env = Vec::new();
        for i in 0..ffi::bt_trace_get_environment_entry_count(trace) {
            let mut name = std::ptr::null();
            let mut value = std::ptr::null();
            ffi::bt_trace_borrow_environment_entry_by_index_const(trace, i, &mut name, &mut value);
            if value.is_null() {
                continue;
            }
            let entry = match ffi::bt_value_get_type(value) {
                BT_VALUE_TYPE_STRING => EnvEntry::Str(c_string(ffi::bt_value_string_get(value))),
                BT_VALUE_TYPE_SIGNED_INTEGER => {
                    EnvEntry::Int(ffi::bt_value_integer_signed_get(value))
                }
                _ => continue,
            };
            env.push((c_string(name), entry));
        }
        TraceInfo {
            name: c_string(ffi::bt_trace_get_name(trace)),
            env,
        }
    }
}

/// A scope's value (`None` when the event or packet has no such scope).
///
/// # Safety
/// `field` must be null or a live field.
unsafe fn scope(
    names: &mut Names,
    field: *const ffi::bt_field,
) -> Result<Option<FieldValue>, String> {
    if field.is_null() {
        return Ok(None);
    }
    // SAFETY: non-null live field.
    unsafe { field_value(names, field, 0) }.map(Some)
}

/// The value tree of one field.
///
/// # Safety
/// `field` must be a live, non-null field.
unsafe fn field_value(
    names: &mut Names,
    field: *const ffi::bt_field,
    depth: usize,
) -> Result<FieldValue, String> {
    use ffi::bt_field_class_type::*;
    if depth > MAX_DEPTH {
        return Err("babeltrace2: fields nested too deeply".into());
    }
    // SAFETY: live field; every accessor is called only for the class type it belongs to,
    // indices stay below the counts babeltrace2 reports, borrowed members and elements live
    // as long as `field`.
    unsafe {
        let class = ffi::bt_field_borrow_class_const(field);
        let ty = ffi::bt_field_get_class_type(field);
        if is_type(ty, BT_FIELD_CLASS_TYPE_INTEGER) {
            let signed = is_type(ty, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER);
            let bits = if signed {
                ffi::bt_field_integer_signed_get_value(field) as u64
            } else {
                ffi::bt_field_integer_unsigned_get_value(field)
            };
            let value = IntValue {
                bits,
                signed,
                size_bits: u32::try_from(ffi::bt_field_class_integer_get_field_value_range(class))
                    .unwrap_or(64),
                base: u8::try_from(ffi::bt_field_class_integer_get_preferred_display_base(
                    class,
                ))
                .unwrap_or(10),
            };
            if !is_type(ty, BT_FIELD_CLASS_TYPE_ENUMERATION) {
                return Ok(FieldValue::Int(value));
            }
            let mut labels: ffi::bt_field_class_enumeration_mapping_label_array = std::ptr::null();
            let mut count = 0u64;
            let status = if signed {
                ffi::bt_field_class_enumeration_signed_get_mapping_labels_for_value(
                    class,
                    bits as i64,
                    &mut labels,
                    &mut count,
                )
            } else {
                ffi::bt_field_class_enumeration_unsigned_get_mapping_labels_for_value(
                    class,
                    bits,
                    &mut labels,
                    &mut count,
                )
            };
            if status != 0 {
                return Err("babeltrace2: cannot get enumeration labels".into());
            }
            let labels = if labels.is_null() {
                Vec::new()
            } else {
                let count = usize::try_from(count).unwrap_or(0);
                std::slice::from_raw_parts(labels, count)
                    .iter()
                    .map(|&l| name(names, l))
                    .collect()
            };
            return Ok(FieldValue::Enum { value, labels });
        }
        if ty == BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL {
            return Ok(FieldValue::Float(f64::from(
                ffi::bt_field_real_single_precision_get_value(field),
            )));
        }
        if ty == BT_FIELD_CLASS_TYPE_DOUBLE_PRECISION_REAL {
            return Ok(FieldValue::Float(
                ffi::bt_field_real_double_precision_get_value(field),
            ));
        }
        if ty == BT_FIELD_CLASS_TYPE_STRING {
            let len = usize::try_from(ffi::bt_field_string_get_length(field)).unwrap_or(0);
            let ptr = ffi::bt_field_string_get_value(field);
            let bytes = if ptr.is_null() || len == 0 {
                &[][..]
            } else {
                std::slice::from_raw_parts(ptr.cast::<u8>(), len)
            };
            let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
            return Ok(FieldValue::String(bytes[..end].to_vec()));
        }
        if ty == BT_FIELD_CLASS_TYPE_STRUCTURE {
            let count = ffi::bt_field_class_structure_get_member_count(class);
            let mut members = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
            for i in 0..count {
                let member = ffi::bt_field_class_structure_borrow_member_by_index_const(class, i);
                let member_name =
                    name(names, ffi::bt_field_class_structure_member_get_name(member));
                let child = ffi::bt_field_structure_borrow_member_field_by_index_const(field, i);
                if child.is_null() {
                    return Err(format!(
                        "babeltrace2: structure member `{member_name}` missing"
                    ));
                }
                members.push((member_name, field_value(names, child, depth + 1)?));
            }
            return Ok(FieldValue::Struct(members));
        }
        if is_type(ty, BT_FIELD_CLASS_TYPE_ARRAY) {
            let len = ffi::bt_field_array_get_length(field);
            let mut elements = Vec::with_capacity(usize::try_from(len).unwrap_or(0).min(1 << 16));
            for i in 0..len {
                let child = ffi::bt_field_array_borrow_element_field_by_index_const(field, i);
                if child.is_null() {
                    return Err("babeltrace2: array element missing".into());
                }
                elements.push(field_value(names, child, depth + 1)?);
            }
            return Ok(if ty == BT_FIELD_CLASS_TYPE_STATIC_ARRAY {
                FieldValue::Array(elements)
            } else {
                FieldValue::Sequence(elements)
            });
        }
        if is_type(ty, BT_FIELD_CLASS_TYPE_VARIANT) {
            let index = ffi::bt_field_variant_get_selected_option_index(field);
            let option = ffi::bt_field_class_variant_borrow_option_by_index_const(class, index);
            let child = ffi::bt_field_variant_borrow_selected_option_field_const(field);
            if option.is_null() || child.is_null() {
                return Err("babeltrace2: variant option missing".into());
            }
            return Ok(FieldValue::Variant {
                option: name(names, ffi::bt_field_class_variant_option_get_name(option)),
                value: Box::new(field_value(names, child, depth + 1)?),
            });
        }
        Err(format!(
            "babeltrace2: field class type {ty} is not a CTF 1.8 type"
        ))
    }
}

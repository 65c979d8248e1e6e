//! The native reader behind the [`EventSource`] interface: an adapter that turns the
//! decoder's borrowed, flat value lists into the owned [`Event`] tree.
//!
//! It drops what babeltrace2's trace IR drops (the same [`TracePlan`] the text printer uses),
//! so both readers present the same fields. This is the slow, general path; `dump` and the
//! indexer keep reading [`crate::ctf`] directly.

use crate::ctf::ir::{ArrayType, Encoding, EnumType, FieldType, IntType, SequenceType};
use crate::ctf::merge::Merger;
use crate::ctf::message::{EventRecord, LostRecord, Message};
use crate::ctf::session::Session;
use crate::ctf::value::{FieldsRef, Value, subtree_len};
use crate::pretty::plan::TracePlan;

use super::event::{EnvEntry, Event, FieldValue, IntValue, Item, Lost, Names, TraceInfo};
use super::{EventSource, Poll, SourceError};

/// Every trace of a [`Session`] in time order, as [`Item`]s.
pub struct NativeSource<'s> {
    merger: Merger<'s>,
    plans: Vec<TracePlan>,
    traces: Vec<TraceInfo>,
    names: Names,
    session: &'s Session,
}

impl std::fmt::Debug for NativeSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NativeSource")
            .field("traces", &self.traces)
            .finish_non_exhaustive()
    }
}

impl<'s> NativeSource<'s> {
    /// A source over every trace of `session`, positioned before the first item.
    pub fn new(session: &'s Session) -> Self {
        let plans = session
            .traces
            .iter()
            .map(|t| TracePlan::new(&t.class))
            .collect();
        let traces = session
            .traces
            .iter()
            .map(|t| TraceInfo {
                name: t.path.display().to_string(),
                env: t
                    .class
                    .env
                    .iter()
                    .map(|(k, v)| {
                        let v = match v {
                            crate::ctf::ir::EnvValue::Int(i) => EnvEntry::Int(*i),
                            crate::ctf::ir::EnvValue::Str(s) => EnvEntry::Str(s.clone()),
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            })
            .collect();
        NativeSource {
            merger: session.messages(),
            plans,
            traces,
            names: Names::default(),
            session,
        }
    }
}

impl EventSource for NativeSource<'_> {
    fn traces(&self) -> &[TraceInfo] {
        &self.traces
    }

    fn next_item(&mut self) -> Result<Poll, SourceError> {
        let Some(msg) = self.merger.next_message() else {
            return Ok(Poll::End);
        };
        Ok(Poll::Item(match msg {
            Message::Event(ev) => {
                let plan = self
                    .plans
                    .get(ev.stream.trace_index)
                    .ok_or_else(|| SourceError("event of an unknown trace".into()))?;
                Item::Event(convert_event(&ev, plan, &mut self.names))
            }
            Message::Lost(lost) => Item::Lost(convert_lost(&lost)),
        }))
    }

    fn errors(&self) -> Vec<String> {
        let failed = self.session.failed.iter().map(ToString::to_string);
        failed
            .chain(self.merger.errors().iter().map(ToString::to_string))
            .collect()
    }
}

/// The owned form of one decoded event.
pub fn convert_event(ev: &EventRecord<'_>, plan: &TracePlan, names: &mut Names) -> Event {
    let name = names.get(ev.class.name.as_bytes());
    let mut scope = |s: Option<FieldsRef<'_>>| {
        let s = s?;
        if !plan.shows_scope(s.ty) {
            return None;
        }
        convert_field(plan, names, s.ty, s.values, s.data).map(|(v, _)| v)
    };
    Event {
        trace: ev.stream.trace_index,
        timestamp: ev.timestamp,
        name,
        class_id: ev.class.id,
        stream_class_id: ev.stream.stream_class.id,
        stream_id: ev.stream.stream_index as u64,
        packet_context: scope(ev.packet_context),
        stream_event_context: scope(ev.stream_event_context),
        event_context: scope(ev.event_context),
        payload: scope(ev.payload),
    }
}

fn convert_lost(lost: &LostRecord<'_>) -> Lost {
    Lost {
        trace: lost.stream.trace_index,
        stream_class_id: lost.stream.stream_class.id,
        kind: lost.kind,
        count: lost.count,
        begin: lost.begin,
        end: lost.end,
    }
}

fn int_value(ty: &IntType, bits: u64) -> IntValue {
    IntValue {
        bits,
        signed: ty.signed,
        size_bits: ty.size_bits,
        base: ty.base,
    }
}

fn enum_value(e: &EnumType, bits: u64, names: &mut Names) -> FieldValue {
    let value = int_value(&e.container, bits);
    FieldValue::Enum {
        value,
        labels: e
            .labels_of(value.as_i128())
            .map(|l| names.get(l.as_bytes()))
            .collect(),
    }
}

/// Whether babeltrace2 makes an array or sequence of `element` a string (8-bit integers or
/// enumerations aligned on exactly 8 bits with a text encoding), whatever the decoder did.
fn is_bt2_text(element: &FieldType) -> bool {
    let int = match element {
        FieldType::Int(i) => i,
        FieldType::Enum(e) => &e.container,
        _ => return false,
    };
    int.size_bits == 8 && int.align_bits == 8 && int.encoding != Encoding::None
}

/// Converts the field whose subtree starts at `values[0]`; returns it and how many values it
/// used, or `None` when the values do not match the class (a cut-short decode).
fn convert_field(
    plan: &TracePlan,
    names: &mut Names,
    ty: &FieldType,
    values: &[Value],
    data: &[u8],
) -> Option<(FieldValue, usize)> {
    let head = *values.first()?;
    let value = match (ty, head) {
        (FieldType::Int(int), Value::UInt(u)) => FieldValue::Int(int_value(int, u)),
        (FieldType::Int(int), Value::SInt(i)) => FieldValue::Int(int_value(int, i as u64)),
        (FieldType::Enum(e), Value::UInt(u)) => enum_value(e, u, names),
        (FieldType::Enum(e), Value::SInt(i)) => enum_value(e, i as u64, names),
        (FieldType::Float(_), Value::Float(f)) => FieldValue::Float(f),
        (FieldType::Array(ArrayType { element, .. }), Value::Text { start, len })
        | (FieldType::Sequence(SequenceType { element, .. }), Value::Text { start, len })
            if !is_bt2_text(element) =>
        {
            let elements = byte_elements(element, text_range(data, start, len), names);
            match ty {
                FieldType::Array(_) => FieldValue::Array(elements),
                _ => FieldValue::Sequence(elements),
            }
        }
        (_, Value::Text { start, len }) => {
            FieldValue::String(up_to_nul(text_range(data, start, len)).to_vec())
        }
        (FieldType::Struct(s), Value::Struct) => {
            let mut members = Vec::with_capacity(s.fields.len());
            let mut at = 1;
            for field in &s.fields {
                let rest = values.get(at..)?;
                if plan.is_hidden(&field.ty) {
                    at += subtree_len(&field.ty, rest)?;
                    continue;
                }
                let (v, used) = convert_field(plan, names, &field.ty, rest, data)?;
                members.push((names.get(field.display_name.as_bytes()), v));
                at += used;
            }
            return Some((FieldValue::Struct(members), at));
        }
        (FieldType::Array(ArrayType { element, .. }), Value::Array { len })
        | (FieldType::Sequence(SequenceType { element, .. }), Value::Array { len }) => {
            let (elements, used) = if is_bt2_text(element) {
                text_elements(len, values)?
            } else {
                let mut elements = Vec::new();
                let mut at = 1;
                for _ in 0..len {
                    let (v, used) = convert_field(plan, names, element, values.get(at..)?, data)?;
                    elements.push(v);
                    at += used;
                }
                (Elements::Values(elements), at)
            };
            let value = match (ty, elements) {
                (_, Elements::Text(bytes)) => FieldValue::String(bytes),
                (FieldType::Array(_), Elements::Values(v)) => FieldValue::Array(v),
                (_, Elements::Values(v)) => FieldValue::Sequence(v),
            };
            return Some((value, used));
        }
        (FieldType::Variant(v), Value::Variant { option }) => {
            let field = v.options.get(option as usize)?;
            let (value, used) = convert_field(plan, names, &field.ty, values.get(1..)?, data)?;
            let variant = FieldValue::Variant {
                option: names.get(field.display_name.as_bytes()),
                value: Box::new(value),
            };
            return Some((variant, 1 + used));
        }
        _ => return None,
    };
    Some((value, 1))
}

/// Elements of an array or sequence: a string when babeltrace2 reads it as one.
enum Elements {
    Text(Vec<u8>),
    Values(Vec<FieldValue>),
}

/// A text array the decoder gave element by element: the string up to its first NUL.
fn text_elements(len: u64, values: &[Value]) -> Option<(Elements, usize)> {
    let count = usize::try_from(len).ok()?;
    let elements = values.get(1..count.checked_add(1)?)?;
    let mut bytes = Vec::with_capacity(count);
    for v in elements {
        let byte = match *v {
            Value::UInt(u) => u as u8,
            Value::SInt(i) => i as u8,
            _ => return None,
        };
        if byte == 0 {
            break;
        }
        bytes.push(byte);
    }
    Some((Elements::Text(bytes), 1 + count))
}

/// A byte array the decoder gave as text but babeltrace2 reads element by element.
fn byte_elements(element: &FieldType, bytes: &[u8], names: &mut Names) -> Vec<FieldValue> {
    let widen = |b: u8, signed: bool| if signed { b as i8 as u64 } else { u64::from(b) };
    bytes
        .iter()
        .filter_map(|&b| match element {
            FieldType::Enum(e) => Some(enum_value(e, widen(b, e.container.signed), names)),
            FieldType::Int(int) => Some(FieldValue::Int(int_value(int, widen(b, int.signed)))),
            _ => None,
        })
        .collect()
}

fn text_range(data: &[u8], start: usize, len: usize) -> &[u8] {
    start
        .checked_add(len)
        .and_then(|end| data.get(start..end))
        .unwrap_or(&[])
}

fn up_to_nul(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    &bytes[..end]
}

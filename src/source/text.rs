//! babeltrace2's text format over the reader-independent [`Event`]: what `dump` prints when
//! the events come from another reader than the native fast path.
//!
//! It produces the same bytes as the native printer ([`crate::pretty`]), reusing its pieces
//! (time columns, number formats, escaping, babeltrace2's stale empty strings), so that
//! `dump --reader bt2` equals `dump --reader native`, which equals babeltrace2.

use std::collections::HashMap;

use crate::ctf::ir::{ByteOrder, Encoding, IntType};
use crate::pretty::field::push_escaped;
use crate::pretty::num::{push_g, push_i64, push_int, push_u64};
use crate::pretty::recall::{RecycleClock, StaleMode, StaleText};
use crate::pretty::{PrettyOptions, PrettyPrinter};

use super::event::{EnvEntry, Event, FieldValue, IntValue, TraceInfo};

/// Writes events as babeltrace2's default text sink does.
#[derive(Debug)]
pub struct EventText {
    columns: PrettyPrinter,
    /// Per data stream, the texts its events last held (see [`crate::pretty::recall`]); kept
    /// per stream as the native printer does when it renders on decoding threads.
    stale: HashMap<(usize, u64), StaleText>,
    recycle: RecycleClock,
    /// Small integer keys per (trace, stream class, event class).
    class_keys: HashMap<(usize, u64, u64), usize>,
    /// `hostname:procname:(vpid) ` per trace index.
    env_prefixes: Vec<Option<Vec<u8>>>,
    primary: Vec<u8>,
    alternative: Vec<u8>,
}

impl EventText {
    /// A printer with `dump`'s options.
    pub fn new(options: PrettyOptions) -> Self {
        EventText {
            columns: PrettyPrinter::new(options),
            stale: HashMap::new(),
            recycle: RecycleClock::default(),
            class_keys: HashMap::new(),
            env_prefixes: Vec::new(),
            primary: Vec::new(),
            alternative: Vec::new(),
        }
    }

    /// Appends one event line to `out`; stderr text (the negative-time warning) to `err`.
    pub fn write_event(
        &mut self,
        out: &mut Vec<u8>,
        err: &mut Vec<u8>,
        ev: &Event,
        traces: &[TraceInfo],
    ) {
        self.columns.write_columns(out, err, ev.timestamp.as_ref());
        let next_key = self.class_keys.len();
        let class_key = *self
            .class_keys
            .entry((ev.trace, ev.stream_class_id, ev.class_id))
            .or_insert(next_key);
        if self.env_prefixes.len() <= ev.trace {
            self.env_prefixes.resize(ev.trace + 1, None);
        }
        let prefix =
            self.env_prefixes[ev.trace].get_or_insert_with(|| env_prefix(traces.get(ev.trace)));
        out.extend_from_slice(prefix);
        let stale = self.stale.entry((ev.trace, ev.stream_id)).or_default();
        self.primary.clear();
        self.alternative.clear();
        stale.set_mode(StaleMode::Fresh);
        write_body(&mut self.primary, ev, class_key, stale);
        let mut body = &self.primary;
        if stale.has_stale_candidate() {
            stale.set_mode(StaleMode::Stale);
            write_body(&mut self.alternative, ev, class_key, stale);
        }
        if self.recycle.recycled(class_key) && !self.alternative.is_empty() {
            body = &self.alternative;
        }
        out.extend_from_slice(body);
    }
}

/// The event name, its scopes and the newline.
fn write_body(out: &mut Vec<u8>, ev: &Event, class_key: usize, stale: &mut StaleText) {
    stale.start_event(class_key);
    let name = ev.name.as_bytes();
    out.extend_from_slice(if name.is_empty() { b"<unknown>" } else { name });
    out.extend_from_slice(b": ");
    for (i, scope) in ev.scopes().iter().enumerate() {
        let Some(scope) = scope else { continue };
        if i > 0 && ev.scopes()[..i].iter().any(Option::is_some) {
            out.extend_from_slice(b", ");
        }
        if i == 0 {
            // Packet context strings belong to babeltrace2's packet object: never stale.
            write_value(out, scope, &mut StaleText::default());
        } else {
            write_value(out, scope, stale);
        }
    }
    out.push(b'\n');
}

fn int_type(v: &IntValue) -> IntType {
    IntType {
        size_bits: v.size_bits,
        align_bits: 1,
        signed: v.signed,
        byte_order: ByteOrder::Le,
        base: v.base,
        encoding: Encoding::None,
        mapped_clock: None,
    }
}

fn write_value(out: &mut Vec<u8>, value: &FieldValue, stale: &mut StaleText) {
    match value {
        FieldValue::Int(v) => push_int(out, &int_type(v), v.bits),
        FieldValue::Enum { value, labels } => {
            out.extend_from_slice(b"( ");
            for (i, label) in labels.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                push_escaped(out, label.as_bytes());
            }
            if labels.is_empty() {
                out.extend_from_slice(b"<unknown>");
            }
            out.extend_from_slice(b" : container = ");
            push_int(out, &int_type(value), value.bits);
            out.extend_from_slice(b" )");
        }
        FieldValue::Float(f) => push_g(out, *f),
        FieldValue::String(bytes) => push_escaped(out, stale.resolve(bytes)),
        FieldValue::Struct(members) => {
            out.push(b'{');
            for (i, (name, v)) in members.iter().enumerate() {
                out.extend_from_slice(if i == 0 { b" " } else { b", " });
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(b" = ");
                write_value(out, v, stale);
            }
            out.extend_from_slice(b" }");
        }
        FieldValue::Array(elements) | FieldValue::Sequence(elements) => {
            out.push(b'[');
            for (i, v) in elements.iter().enumerate() {
                out.extend_from_slice(if i == 0 { b" [" } else { b", [" });
                push_u64(out, i as u64);
                out.extend_from_slice(b"] = ");
                write_value(out, v, stale);
            }
            out.extend_from_slice(b" ]");
        }
        FieldValue::Variant { value, .. } => {
            // Only the selected option's value, without its name.
            out.extend_from_slice(b"{ ");
            write_value(out, value, stale);
            out.extend_from_slice(b" }");
        }
    }
}

/// `hostname`, `procname` and `(vpid)`, those present, joined with `:`, and a space after
/// them when any; the last entry wins when the metadata repeats a key.
fn env_prefix(trace: Option<&TraceInfo>) -> Vec<u8> {
    let mut out = Vec::new();
    let Some(trace) = trace else { return out };
    for (key, parenthesized) in [("hostname", false), ("procname", false), ("vpid", true)] {
        let Some((_, value)) = trace.env.iter().rev().find(|(k, _)| k == key) else {
            continue;
        };
        if !out.is_empty() {
            out.push(b':');
        }
        if parenthesized {
            out.push(b'(');
        }
        match value {
            EnvEntry::Str(s) => out.extend_from_slice(s.as_bytes()),
            EnvEntry::Int(i) => push_i64(&mut out, *i),
        }
        if parenthesized {
            out.push(b')');
        }
    }
    if !out.is_empty() {
        out.push(b' ');
    }
    out
}

//! The work of `dump --output-format dummy`: every field of every event decoded, and folded
//! into one number.
//!
//! An event reaches a [`FieldDigest`] either as its bytes with the layout of its scopes (the
//! classes whose members all read from bytes: integers, text arrays, trailing strings) or
//! decoded into values by the full decoder (every other class). Either way each field's
//! value is read and folded, in member order, into the event's digest. Folding keeps the
//! reads from being optimised away, and gives tests one number to compare between the two
//! ways: a class read from bytes must digest as its decoded values do.
//!
//! Events are summed, not chained, so the digest of a trace does not depend on which
//! decoding thread saw which stream. Event headers and packet contexts are decoded (the
//! reader needs them) but not folded: the byte path keeps no header values.

use std::sync::atomic::{AtomicU64, Ordering};

use super::decode::{RawKind, RawLayout};
use super::message::{EventRecord, StreamRef};
use super::parallel::EventFormatter;
use super::reader::RawEvent;
use super::value::Value;

/// An [`EventFormatter`] that writes nothing and folds every field of every event into a
/// digest, added to a shared total when it is dropped (one formatter per decoding thread).
#[derive(Debug)]
pub struct FieldDigest<'a> {
    /// By class index, the id and the layouts of the classes read from bytes. A formatter
    /// serves one stream, so class indices are of one stream class.
    raw: Vec<Option<(u64, [RawLayout; 3])>>,
    /// Whether classes may be read from bytes at all (tests turn it off to compare).
    from_bytes: bool,
    /// Sum of the digests of the events seen so far.
    sum: u64,
    total: &'a AtomicU64,
}

impl<'a> FieldDigest<'a> {
    /// A digest adding to `total` when dropped, reading events from bytes where it can.
    pub fn new(total: &'a AtomicU64) -> Self {
        FieldDigest {
            raw: Vec::new(),
            from_bytes: true,
            sum: 0,
            total,
        }
    }

    /// A digest that has every event decoded into values: the reference the byte path is
    /// compared with.
    pub fn decoded_only(total: &'a AtomicU64) -> Self {
        let mut digest = FieldDigest::new(total);
        digest.from_bytes = false;
        digest
    }

    /// The digest of one event decoded into values.
    pub fn of_decoded(event: &EventRecord<'_>) -> u64 {
        let mut h = mix(SEED, event.class.id);
        let scopes = [
            &event.stream_event_context,
            &event.event_context,
            &event.payload,
        ];
        for values in scopes.into_iter().flatten().map(|s| s.values) {
            for v in values {
                h = match *v {
                    Value::UInt(u) => mix(h, u),
                    Value::SInt(i) => mix(h, i as u64),
                    Value::Float(f) => mix(h, f.to_bits()),
                    Value::Text { len, .. } => mix(h, len as u64),
                    // The members follow; only their values count, so that a structure
                    // read from bytes (which has no such marker) digests the same.
                    Value::Struct => h,
                    Value::Array { len } => mix(h, len),
                    Value::Variant { option } => mix(h, u64::from(option)),
                };
            }
        }
        h
    }

    /// The digest of one event of class `class_id` read from bytes with `layouts`, as
    /// [`Self::of_decoded`] gives for the same event decoded: integers as their values, a
    /// text array as its length, a string as its length before the NUL.
    #[inline]
    pub fn of_bytes(event: &RawEvent<'_>, class_id: u64, layouts: &[RawLayout; 3]) -> u64 {
        let mut h = mix(SEED, class_id);
        for (layout, bytes) in layouts.iter().zip(event.scopes()) {
            for m in layout.members.iter() {
                match m.kind {
                    // The reader checked that the scope holds its constant part.
                    RawKind::Int { .. } => h = mix(h, m.int(bytes).unwrap_or(0) as u64),
                    RawKind::Text { len } => h = mix(h, u64::from(len)),
                    // The strings end the payload, one after the other from the first.
                    RawKind::String => {
                        let mut rest = bytes.get(m.offset as usize..).unwrap_or(&[]);
                        for _ in 0..layout.strings {
                            let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                            h = mix(h, len as u64);
                            rest = rest.get(len + 1..).unwrap_or(&[]);
                        }
                        break;
                    }
                    // Only after the first string: the others' places (see `wants_raw`).
                    RawKind::Opaque => {}
                }
            }
        }
        h
    }
}

/// Whether every member of `layout` reads from bytes: integers and text arrays, then the
/// strings that may end a payload.
fn readable(layout: &RawLayout) -> bool {
    for m in layout.members.iter() {
        match m.kind {
            RawKind::Int { .. } | RawKind::Text { .. } => {}
            RawKind::String => return true,
            RawKind::Opaque => return false,
        }
    }
    true
}

const SEED: u64 = 0x6a09_e667_f3bc_c908;

/// One step of the fold: order-sensitive, so swapped fields change the digest.
#[inline(always)]
fn mix(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(27)
}

impl EventFormatter for FieldDigest<'_> {
    fn format(
        &mut self,
        event: &EventRecord<'_>,
        _packet: Option<u64>,
        _primary: &mut Vec<u8>,
        _alternative: &mut Vec<u8>,
    ) {
        self.sum = self.sum.wrapping_add(FieldDigest::of_decoded(event));
    }

    fn wants_raw(
        &mut self,
        stream: &StreamRef<'_>,
        class_index: usize,
        layouts: [&RawLayout; 3],
    ) -> bool {
        let Some(class) = stream.stream_class.events.get(class_index) else {
            return false;
        };
        if !self.from_bytes || !layouts.iter().all(|l| readable(l)) {
            return false;
        }
        if self.raw.len() <= class_index {
            self.raw.resize_with(class_index + 1, || None);
        }
        self.raw[class_index] = Some((class.id, layouts.map(Clone::clone)));
        true
    }

    #[inline]
    fn format_raw(&mut self, event: &RawEvent<'_>, _: &mut Vec<u8>, _: &mut Vec<u8>) {
        if let Some(Some((id, layouts))) = self.raw.get(event.class_index) {
            self.sum = self
                .sum
                .wrapping_add(FieldDigest::of_bytes(event, *id, layouts));
        }
    }
}

impl Drop for FieldDigest<'_> {
    fn drop(&mut self) {
        self.total.fetch_add(self.sum, Ordering::Relaxed);
    }
}

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

use super::decode::{RawKind, RawLayout, RawMember};
use super::ir::ByteOrder;
use super::message::{EventRecord, StreamRef};
use super::parallel::EventFormatter;
use super::reader::RawEvent;
use super::value::Value;

/// An [`EventFormatter`] that writes nothing and folds every field of every event into a
/// digest, added to a shared total when it is dropped (one formatter per decoding thread).
#[derive(Debug)]
pub struct FieldDigest<'a> {
    /// By class index, how the classes read from bytes are read. A formatter serves one
    /// stream, so class indices are of one stream class.
    raw: Vec<Option<ClassReads>>,
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
    /// `None` when the layouts have a member that does not read from bytes.
    pub fn of_bytes(event: &RawEvent<'_>, class_id: u64, layouts: &[RawLayout; 3]) -> Option<u64> {
        Some(ClassReads::new(class_id, layouts.each_ref())?.digest(event))
    }
}

/// The fields of a class read from bytes, in order, each with its scope and its reading
/// decided once: a flat list instead of three layouts walked member by member (their
/// loops and the per-member choice of width and byte order were half of the digest's
/// instructions).
#[derive(Debug, Clone)]
struct ClassReads {
    id: u64,
    reads: Box<[Read]>,
    /// Whether every field read is in the payload.
    payload_only: bool,
}

/// One field read from bytes: where, and how.
#[derive(Debug, Clone, Copy)]
struct Read {
    /// 0 the stream event context, 1 the event context, 2 the payload.
    scope: u8,
    how: How,
    /// Bytes from the scope's start.
    at: u32,
}

/// How a [`Read`] reads. The plain little-endian integers have kinds of their own, as in the
/// decoder's flat runs (`decode::MemberKind`), so that reading one is a single fixed-size
/// load; `MemberKind` is not reused because it also carries clock and id roles, save slots
/// and floats, none of which a class read from bytes has, and no texts.
#[derive(Debug, Clone, Copy)]
enum How {
    U8,
    U16Le,
    U32Le,
    U64Le,
    S8,
    S16Le,
    S32Le,
    S64Le,
    /// Any other integer member (big-endian ones).
    Int(RawMember),
    /// A text array: its length.
    Text(u32),
    /// The strings ending the payload, one after the other: their lengths.
    Strings(u8),
}

impl ClassReads {
    /// The reads of a class whose scopes `layouts` describes; `None` when a member does not
    /// read from bytes (floats, nested structures, bit fields: their class is decoded into
    /// values).
    fn new(id: u64, layouts: [&RawLayout; 3]) -> Option<ClassReads> {
        let mut reads = Vec::new();
        for (scope, layout) in (0u8..).zip(layouts) {
            let mut after_string = false;
            for m in layout.members.iter() {
                let how = match m.kind {
                    RawKind::Int {
                        bytes,
                        signed,
                        order: ByteOrder::Le,
                    } => match (bytes, signed) {
                        (1, false) => How::U8,
                        (2, false) => How::U16Le,
                        (4, false) => How::U32Le,
                        (8, false) => How::U64Le,
                        (1, true) => How::S8,
                        (2, true) => How::S16Le,
                        (4, true) => How::S32Le,
                        (8, true) => How::S64Le,
                        _ => How::Int(*m),
                    },
                    RawKind::Int { .. } => How::Int(*m),
                    RawKind::Text { len } => How::Text(len),
                    RawKind::String => {
                        after_string = true;
                        How::Strings(layout.strings)
                    }
                    // After the first string, the places of the others, which its read
                    // takes in turn (see `RawLayout::of_payload`).
                    RawKind::Opaque if after_string => continue,
                    RawKind::Opaque => return None,
                };
                reads.push(Read {
                    scope,
                    how,
                    at: m.offset,
                });
            }
        }
        Some(ClassReads {
            id,
            payload_only: reads.iter().all(|r| r.scope == 2),
            reads: reads.into(),
        })
    }

    /// The event's digest. The reader checked that each scope holds its constant part, so
    /// the reads do not fall short; if one did, it would read as 0.
    #[inline]
    fn digest(&self, event: &RawEvent<'_>) -> u64 {
        let mut h = mix(SEED, self.id);
        if self.payload_only {
            // Most classes: slicing the one scope they read, not all three, was a third
            // of the digest's instructions.
            let payload = event.scope(2);
            for r in self.reads.iter() {
                h = r.fold(h, payload);
            }
        } else {
            let scopes = event.scopes();
            for r in self.reads.iter() {
                h = r.fold(h, scopes[usize::from(r.scope)]);
            }
        }
        h
    }
}

impl Read {
    /// Folds the field into `h`, from the bytes of its scope.
    #[inline(always)]
    fn fold(&self, mut h: u64, bytes: &[u8]) -> u64 {
        let at = self.at as usize;
        let v = match self.how {
            How::U8 => u64::from(le::<1>(bytes, at)[0]),
            How::U16Le => u64::from(u16::from_le_bytes(le(bytes, at))),
            How::U32Le => u64::from(u32::from_le_bytes(le(bytes, at))),
            How::U64Le => u64::from_le_bytes(le(bytes, at)),
            How::S8 => i64::from(i8::from_le_bytes(le(bytes, at))) as u64,
            How::S16Le => i64::from(i16::from_le_bytes(le(bytes, at))) as u64,
            How::S32Le => i64::from(i32::from_le_bytes(le(bytes, at))) as u64,
            How::S64Le => u64::from_le_bytes(le(bytes, at)),
            How::Int(m) => m.int(bytes).unwrap_or(0) as u64,
            How::Text(len) => u64::from(len),
            How::Strings(n) => {
                let mut rest = bytes.get(at..).unwrap_or(&[]);
                for _ in 1..n {
                    let len = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
                    h = mix(h, len as u64);
                    rest = rest.get(len + 1..).unwrap_or(&[]);
                }
                rest.iter().position(|&b| b == 0).unwrap_or(rest.len()) as u64
            }
        };
        mix(h, v)
    }
}

/// `N` bytes at `at`, zeros when they are not all there.
#[inline(always)]
fn le<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    bytes
        .get(at..at + N)
        .and_then(|b| b.try_into().ok())
        .unwrap_or([0; N])
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
        let Some(reads) = ClassReads::new(class.id, layouts).filter(|_| self.from_bytes) else {
            return false;
        };
        if self.raw.len() <= class_index {
            self.raw.resize_with(class_index + 1, || None);
        }
        self.raw[class_index] = Some(reads);
        true
    }

    #[inline]
    fn format_raw(&mut self, event: &RawEvent<'_>, _: &mut Vec<u8>, _: &mut Vec<u8>) {
        if let Some(Some(reads)) = self.raw.get(event.class_index) {
            self.sum = self.sum.wrapping_add(reads.digest(event));
        }
    }
}

impl Drop for FieldDigest<'_> {
    fn drop(&mut self) {
        self.total.fetch_add(self.sum, Ordering::Relaxed);
    }
}

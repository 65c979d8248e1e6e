//! Running [`Op`] trees over packet bytes.

use std::fmt;

use super::{FixedSize, FlatField, IntRole, IntSpec, Op};
use crate::ctf::bits::{read_aligned, read_bits, sign_extend};
use crate::ctf::value::Value;

/// What went wrong while decoding a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// A field needs more bits than the packet content has left.
    PastContentEnd {
        /// Bits the field needed.
        needed: u64,
        /// Bits that were left.
        left: u64,
    },
    /// A string has no NUL before the end of the packet content.
    UnterminatedString,
    /// A variant tag value selects no option.
    BadVariantTag(i128),
    /// An array or sequence length cannot fit in the packet.
    ImpossibleLength(i128),
}

/// A decoding failure at a bit position of the stream data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// What went wrong.
    pub kind: DecodeErrorKind,
    /// Absolute bit offset in the stream file where it happened.
    pub bit_offset: u64,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.bit_offset / 8;
        match &self.kind {
            DecodeErrorKind::PastContentEnd { needed, left } => write!(
                f,
                "field at byte {at} needs {needed} bits but the packet content has {left} left"
            ),
            DecodeErrorKind::UnterminatedString => {
                write!(
                    f,
                    "string at byte {at} has no NUL before the packet content ends"
                )
            }
            DecodeErrorKind::BadVariantTag(v) => {
                write!(f, "variant at byte {at}: tag value {v} selects no option")
            }
            DecodeErrorKind::ImpossibleLength(n) => {
                write!(
                    f,
                    "array or sequence at byte {at}: length {n} cannot fit in the packet"
                )
            }
        }
    }
}

impl std::error::Error for DecodeError {}

/// Values carried between fields of one data stream while decoding: saved slots, the clock.
#[derive(Debug, Clone, Default)]
pub struct ReadState {
    /// Saved values for sequence lengths and variant tags.
    pub saved: Vec<i128>,
    /// The stream's running clock value (CTF 1.8 §6.3 reconstruction).
    pub clock: u64,
    /// The event class id found in the current event header.
    pub event_id: Option<u64>,
}

impl ReadState {
    /// A state with `slots` save slots.
    pub fn new(slots: usize) -> Self {
        ReadState {
            saved: vec![0; slots],
            clock: 0,
            event_id: None,
        }
    }

    /// Applies a partial clock value of `size` bits, assuming at most one wrap.
    #[inline]
    pub fn update_clock(&mut self, raw: u64, size: u32) {
        if size >= 64 {
            self.clock = raw;
            return;
        }
        let mask = (1u64 << size) - 1;
        if raw < (self.clock & mask) {
            self.clock = self.clock.wrapping_add(1u64 << size);
        }
        self.clock = (self.clock & !mask) | raw;
    }
}

/// A bit cursor over one packet of a stream file.
#[derive(Debug, Clone)]
pub struct Decoder<'d> {
    data: &'d [u8],
    /// Bit position of the packet start: alignment is relative to it.
    base: u64,
    /// Current absolute bit position.
    pub pos: u64,
    /// Absolute bit position where the packet content ends.
    pub end: u64,
}

impl<'d> Decoder<'d> {
    /// A cursor at `pos_bits` in the packet starting at `base_bits`, bounded by `end_bits`.
    pub fn new(data: &'d [u8], base_bits: u64, pos_bits: u64, end_bits: u64) -> Self {
        let end = end_bits.min(data.len() as u64 * 8);
        Decoder {
            data,
            base: base_bits,
            pos: pos_bits,
            end,
        }
    }

    /// Bits left before the content end.
    pub fn remaining(&self) -> u64 {
        self.end.saturating_sub(self.pos)
    }

    #[inline(always)]
    fn align(&mut self, align: u32) -> Result<(), DecodeError> {
        if align > 1 {
            let a = u64::from(align);
            let rel = self.pos - self.base;
            // A mask instead of a division, which showed as a tenth of all decoding time (a
            // 64-bit `div` per aligned field). Exact for the powers of two the metadata parser
            // admits; for anything else it still never moves backwards, since clearing the
            // bits of `a - 1` takes away at most what was added. `rel` is a bit offset within
            // a mapped file, far from overflowing.
            debug_assert!(a.is_power_of_two());
            let aligned = (rel + (a - 1)) & !(a - 1);
            let pos = self.base + aligned;
            if pos > self.end {
                return Err(self.past_end(pos - self.pos));
            }
            self.pos = pos;
        }
        Ok(())
    }

    fn past_end(&self, needed: u64) -> DecodeError {
        DecodeError {
            kind: DecodeErrorKind::PastContentEnd {
                needed,
                left: self.remaining(),
            },
            bit_offset: self.pos,
        }
    }

    #[inline(always)]
    fn take(&mut self, bits: u64) -> Result<u64, DecodeError> {
        if bits > self.remaining() {
            return Err(self.past_end(bits));
        }
        let at = self.pos;
        self.pos += bits;
        Ok(at)
    }

    /// Steps over a field of constant size without decoding it.
    #[inline]
    pub fn skip(&mut self, size: FixedSize) -> Result<(), DecodeError> {
        self.align(size.align)?;
        self.take(size.bits)?;
        Ok(())
    }

    /// Decodes one op, appending its values to `out`.
    pub fn run(
        &mut self,
        op: &Op,
        st: &mut ReadState,
        out: &mut Vec<Value>,
    ) -> Result<(), DecodeError> {
        match op {
            Op::Int {
                size,
                align,
                signed,
                order,
                role,
                save,
            } => {
                self.align(*align)?;
                let at = self.take(u64::from(*size))?;
                let raw = read_bits(self.data, at, *size, *order);
                match role {
                    IntRole::Plain => {}
                    IntRole::Clock => st.update_clock(raw, *size),
                    IntRole::EventId => st.event_id = Some(raw),
                }
                let value = if *signed {
                    Value::SInt(sign_extend(raw, *size))
                } else {
                    Value::UInt(raw)
                };
                if let Some(slot) = save
                    && let (Some(s), Some(v)) = (st.saved.get_mut(*slot), value.as_i128())
                {
                    *s = v;
                }
                out.push(value);
            }
            Op::Float { size, align, order } => {
                self.align(*align)?;
                let at = self.take(u64::from(*size))?;
                let raw = read_bits(self.data, at, *size, *order);
                let v = if *size == 32 {
                    f64::from(f32::from_bits(raw as u32))
                } else {
                    f64::from_bits(raw)
                };
                out.push(Value::Float(v));
            }
            Op::String => self.string(out)?,
            Op::Struct { align, body } => {
                self.align(*align)?;
                out.push(Value::Struct);
                for op in body.iter() {
                    self.run(op, st, out)?;
                }
            }
            Op::Flat {
                align,
                fields,
                general,
            } => {
                self.align(*align)?;
                out.push(Value::Struct);
                if self.pos.is_multiple_of(8) {
                    self.flat(fields, st, out)?;
                } else {
                    for op in general.iter() {
                        self.run(op, st, out)?;
                    }
                }
            }
            Op::TextArray { align, len } => {
                self.align(*align)?;
                self.text(*len, out)?;
            }
            Op::TextSequence { align, len_slot } => {
                self.align(*align)?;
                let len = self.length(st, *len_slot, 8)?;
                self.text(len, out)?;
            }
            Op::Array {
                align,
                len,
                element,
                element_min_bits,
            } => {
                self.align(*align)?;
                self.elements(*len, element, *element_min_bits, st, out)?;
            }
            Op::Sequence {
                align,
                len_slot,
                element,
                element_min_bits,
            } => {
                self.align(*align)?;
                let len = self.length(st, *len_slot, *element_min_bits)?;
                self.elements(len, element, *element_min_bits, st, out)?;
            }
            Op::TaggedHeader {
                align,
                tag,
                tag_slot: _,
                selectors,
                options,
            } => {
                self.align(*align)?;
                out.push(Value::Struct);
                let tag_value = self.int(tag, st, out)?;
                let option = selectors
                    .iter()
                    .find(|r| r.lo <= tag_value && tag_value <= r.hi)
                    .map(|r| r.option)
                    .filter(|&o| o < options.len())
                    .ok_or(DecodeError {
                        kind: DecodeErrorKind::BadVariantTag(tag_value),
                        bit_offset: self.pos,
                    })?;
                out.push(Value::Variant {
                    option: option as u32,
                });
                let chosen = &options[option];
                self.align(chosen.align)?;
                out.push(Value::Struct);
                for int in chosen.ints.iter() {
                    self.int(int, st, out)?;
                }
            }
            Op::Variant {
                tag_slot,
                selectors,
                options,
            } => {
                let tag = st.saved.get(*tag_slot).copied().unwrap_or(0);
                let option = selectors
                    .iter()
                    .find(|r| r.lo <= tag && tag <= r.hi)
                    .map(|r| r.option)
                    .filter(|&o| o < options.len())
                    .ok_or(DecodeError {
                        kind: DecodeErrorKind::BadVariantTag(tag),
                        bit_offset: self.pos,
                    })?;
                out.push(Value::Variant {
                    option: option as u32,
                });
                for op in options[option].iter() {
                    self.run(op, st, out)?;
                }
            }
        }
        Ok(())
    }

    /// Decodes one integer of a tagged header; returns its value.
    #[inline(always)]
    fn int(
        &mut self,
        int: &IntSpec,
        st: &mut ReadState,
        out: &mut Vec<Value>,
    ) -> Result<i128, DecodeError> {
        self.align(int.align)?;
        let at = self.take(u64::from(int.size))?;
        let raw = read_bits(self.data, at, int.size, int.order);
        match int.role {
            IntRole::Plain => {}
            IntRole::Clock => st.update_clock(raw, int.size),
            IntRole::EventId => st.event_id = Some(raw),
        }
        let (value, wide) = if int.signed {
            let v = sign_extend(raw, int.size);
            (Value::SInt(v), i128::from(v))
        } else {
            (Value::UInt(raw), i128::from(raw))
        };
        if let Some(slot) = int.save
            && let Some(s) = st.saved.get_mut(slot)
        {
            *s = wide;
        }
        out.push(value);
        Ok(wide)
    }

    /// Decodes the members of a flat structure starting on a byte.
    #[inline]
    fn flat(
        &mut self,
        fields: &[FlatField],
        st: &mut ReadState,
        out: &mut Vec<Value>,
    ) -> Result<(), DecodeError> {
        for field in fields {
            match *field {
                FlatField::Int {
                    bytes,
                    signed,
                    order,
                    role,
                    save,
                } => {
                    let at = self.take(u64::from(bytes) * 8)?;
                    let raw = read_aligned(self.data, (at / 8) as usize, bytes, order);
                    let size = bytes * 8;
                    match role {
                        IntRole::Plain => {}
                        IntRole::Clock => st.update_clock(raw, size),
                        IntRole::EventId => st.event_id = Some(raw),
                    }
                    let value = if signed {
                        Value::SInt(sign_extend(raw, size))
                    } else {
                        Value::UInt(raw)
                    };
                    if let Some(slot) = save
                        && let (Some(s), Some(v)) = (st.saved.get_mut(slot), value.as_i128())
                    {
                        *s = v;
                    }
                    out.push(value);
                }
                FlatField::Float { bytes, order } => {
                    let at = self.take(u64::from(bytes) * 8)?;
                    let raw = read_aligned(self.data, (at / 8) as usize, bytes, order);
                    out.push(Value::Float(if bytes == 4 {
                        f64::from(f32::from_bits(raw as u32))
                    } else {
                        f64::from_bits(raw)
                    }));
                }
                FlatField::String => self.string(out)?,
                FlatField::Text { len } => self.text(len, out)?,
            }
        }
        Ok(())
    }

    /// A sequence length from its slot, refused when the elements could not fit.
    fn length(&self, st: &ReadState, slot: usize, min_bits: u64) -> Result<u64, DecodeError> {
        let raw = st.saved.get(slot).copied().unwrap_or(0);
        let len = u64::try_from(raw).map_err(|_| self.impossible(raw))?;
        if len.saturating_mul(min_bits) > self.remaining() {
            return Err(self.impossible(raw));
        }
        Ok(len)
    }

    fn impossible(&self, len: i128) -> DecodeError {
        DecodeError {
            kind: DecodeErrorKind::ImpossibleLength(len),
            bit_offset: self.pos,
        }
    }

    fn elements(
        &mut self,
        len: u64,
        element: &[Op],
        min_bits: u64,
        st: &mut ReadState,
        out: &mut Vec<Value>,
    ) -> Result<(), DecodeError> {
        // Zero-sized elements could make a forged length loop for minutes: cap them.
        const MAX_EMPTY_ELEMENTS: u64 = 1 << 16;
        if len.saturating_mul(min_bits) > self.remaining()
            || (min_bits == 0 && len > MAX_EMPTY_ELEMENTS)
        {
            return Err(self.impossible(i128::from(len)));
        }
        out.push(Value::Array { len });
        for _ in 0..len {
            for op in element {
                self.run(op, st, out)?;
            }
        }
        Ok(())
    }

    fn text(&mut self, len: u64, out: &mut Vec<Value>) -> Result<(), DecodeError> {
        let at = self.take(len.saturating_mul(8))?;
        out.push(Value::Text {
            start: (at / 8) as usize,
            len: len as usize,
        });
        Ok(())
    }

    fn string(&mut self, out: &mut Vec<Value>) -> Result<(), DecodeError> {
        self.align(8)?;
        let start = (self.pos / 8) as usize;
        let end = (self.end / 8) as usize;
        let bytes = self.data.get(start..end).unwrap_or(&[]);
        let Some(nul) = bytes.iter().position(|&b| b == 0) else {
            return Err(DecodeError {
                kind: DecodeErrorKind::UnterminatedString,
                bit_offset: self.pos,
            });
        };
        self.pos += (nul as u64 + 1) * 8;
        out.push(Value::Text { start, len: nul });
        Ok(())
    }
}

//! Running [`Op`] trees over packet bytes.

use std::fmt;

use super::{
    FixedSize, FlatStep, HeaderOption, IntRole, IntSpec, LaidOut, MemberKind, NO_OPTION, Op,
    TaggedHeader, selected_option,
};
use crate::ctf::bits::{read_aligned, read_bits, sign_extend};
use crate::ctf::ir::VariantRange;
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

    /// What an integer of `size` bits with `role` changes besides its own value.
    #[inline(always)]
    fn apply_role(&mut self, role: IntRole, raw: u64, size: u32) {
        match role {
            IntRole::Plain => {}
            IntRole::Clock => self.update_clock(raw, size),
            IntRole::EventId => self.event_id = Some(raw),
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

    /// The stream data the cursor reads.
    #[inline(always)]
    pub(super) fn bytes(&self) -> &'d [u8] {
        self.data
    }

    /// Where a field aligned on `align` bits would start, without moving or checking it
    /// against the content end.
    #[inline(always)]
    pub(super) fn aligned(&self, align: u32) -> u64 {
        let a = u64::from(align.max(1));
        // A mask instead of a division, which showed as a tenth of all decoding time (a
        // 64-bit `div` per aligned field). Exact for the powers of two the metadata parser
        // admits; for anything else it still never moves backwards, since clearing the bits
        // of `a - 1` takes away at most what was added. The offset is a bit offset within a
        // mapped file, far from overflowing.
        debug_assert!(a.is_power_of_two());
        self.base + ((self.pos - self.base + (a - 1)) & !(a - 1))
    }

    #[inline(always)]
    fn align(&mut self, align: u32) -> Result<(), DecodeError> {
        if align > 1 {
            let pos = self.aligned(align);
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

    /// Steps over consecutive fields of constant size, each on its own alignment, giving
    /// where each starts; `None`, without moving, when they do not all fit (or their sizes,
    /// from the metadata, overflow). No error is built: the caller decodes the fields to
    /// report one.
    #[inline]
    pub fn skip_all<const N: usize>(&mut self, sizes: [FixedSize; N]) -> Option<[u64; N]> {
        let mut pos = self.pos;
        let mut starts = [0; N];
        for (start, size) in starts.iter_mut().zip(sizes) {
            let a = u64::from(size.align.max(1));
            // Alignments are powers of two (see `align`). Positions are bit offsets in a
            // mapped file, but a size comes from the metadata, which may claim anything:
            // an overflow must fail, not wrap backwards.
            let aligned = (pos - self.base).checked_add(a - 1)? & !(a - 1);
            *start = self.base.checked_add(aligned)?;
            pos = start.checked_add(size.bits)?;
            if pos > self.end {
                return None;
            }
        }
        self.pos = pos;
        Some(starts)
    }

    /// Steps over `n` NUL-terminated strings, the first on the next byte: the byte after the
    /// last one's NUL, or `None`, without moving, when one has no NUL before the end of the
    /// content. The strings are not decoded, only found, as [`Self::run`] would find them.
    pub fn skip_strings(&mut self, n: u8) -> Option<usize> {
        let from = (self.pos - self.base).checked_next_multiple_of(8)? + self.base;
        if from > self.end {
            return None;
        }
        let content = self.data.get(..(self.end / 8) as usize)?;
        let mut at = (from / 8) as usize;
        for _ in 0..n {
            at += content.get(at..)?.iter().position(|&b| b == 0)? + 1;
        }
        self.pos = at as u64 * 8;
        Some(at)
    }

    /// Steps over consecutive fields of whole bytes that may each start on any byte, from a
    /// position on a byte: the byte range of each, or `None`, without moving, when the
    /// position is off a byte or they do not all fit. For the common tails that need no
    /// alignment, one check instead of [`Self::skip_all`]'s three.
    #[inline(always)]
    pub fn skip_packed<const N: usize>(&mut self, sizes: [u32; N]) -> Option<[(usize, usize); N]> {
        if !self.pos.is_multiple_of(8) {
            return None;
        }
        // Sizes are 32-bit and positions lie within a mapped file: no overflow.
        let bits: u64 = sizes.iter().map(|&s| u64::from(s) * 8).sum();
        let end = self.pos + bits;
        if end > self.end {
            return None;
        }
        let mut at = (self.pos / 8) as usize;
        self.pos = end;
        Some(sizes.map(|s| {
            let range = (at, s as usize);
            at += s as usize;
            range
        }))
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
                st.apply_role(*role, raw, *size);
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
                steps,
                general,
            } => self.flat_struct(*align, steps, general, st, out)?,
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
            Op::TaggedHeader(h) => self.tagged_header(h, st, out)?,
            Op::Variant {
                tag_slot,
                selectors,
                options,
            } => {
                let tag = st.saved.get(*tag_slot).copied().unwrap_or(0);
                let option = selected_option(selectors, tag, options.len())
                    .ok_or_else(|| self.bad_tag(tag))?;
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

    /// Decodes one scope: [`Self::run`], with the two shapes nearly every event has (an
    /// LTTng header, a flat structure) decoded in place rather than through the general
    /// dispatch and its call, once per scope of every event.
    #[inline(always)]
    pub fn run_scope(
        &mut self,
        op: &Op,
        st: &mut ReadState,
        out: &mut Vec<Value>,
    ) -> Result<(), DecodeError> {
        match op {
            Op::Flat {
                align,
                steps,
                general,
            } => self.flat_struct(*align, steps, general, st, out),
            Op::TaggedHeader(h) => self.tagged_header(h, st, out),
            _ => self.run(op, st, out),
        }
    }

    /// A structure of [`Op::Flat`].
    #[inline(always)]
    fn flat_struct(
        &mut self,
        align: u32,
        steps: &[FlatStep],
        general: &[Op],
        st: &mut ReadState,
        out: &mut Vec<Value>,
    ) -> Result<(), DecodeError> {
        self.align(align)?;
        out.push(Value::Struct);
        let (start, len) = (self.pos, out.len());
        let (clock, event_id) = (st.clock, st.event_id);
        if !(self.pos.is_multiple_of(8) && self.flat(steps, st, out).is_ok()) {
            // Off a byte, or failed: member by member finds the same values, or the exact
            // member that fails (a run is checked as a whole). The clock is put back first:
            // applying a clock field a second time after a later one could count a wrap.
            self.pos = start;
            out.truncate(len);
            (st.clock, st.event_id) = (clock, event_id);
            for op in general {
                self.run(op, st, out)?;
            }
        }
        Ok(())
    }

    /// Reads `op` when it is an [`Op::TaggedHeader`] whose chosen option has a constant
    /// layout, with the effects [`Self::run_scope`] has on `st` but no values (for events
    /// whose header values nobody reads); `None` otherwise, with the position unchanged.
    /// On `None`, the tag's role may have been applied to `st`: the caller puts back what it
    /// needs before decoding the scope the general way.
    #[inline(always)]
    pub fn laid_out_scope(&mut self, op: &Op, st: &mut ReadState) -> Option<()> {
        let Op::TaggedHeader(h) = op else {
            return None;
        };
        let start = self.pos;
        let laid_out = self
            .align(h.align)
            .ok()
            .and_then(|()| self.laid_out_header(h, st, None));
        if laid_out.is_none() {
            self.pos = start;
        }
        laid_out
    }

    /// An [`Op::TaggedHeader`].
    #[inline(always)]
    fn tagged_header(
        &mut self,
        h: &TaggedHeader,
        st: &mut ReadState,
        out: &mut Vec<Value>,
    ) -> Result<(), DecodeError> {
        self.align(h.align)?;
        let (start, len) = (self.pos, out.len());
        if self.laid_out_header(h, st, Some(&mut *out)).is_none() {
            // Not enough bits left, a bad tag, or no constant layout: the general path finds
            // the same values, or the exact field that fails.
            self.pos = start;
            out.truncate(len);
            self.general_header(&h.tag, &h.selectors, &h.options, st, out)?;
        }
        Ok(())
    }

    /// Decodes a tagged header whose option has a constant layout, with one bounds check
    /// for the tag and one for the option; `None` when that cannot be done (the caller then
    /// takes the general path, which also reports any error).
    #[inline(always)]
    fn laid_out_header(
        &mut self,
        h: &TaggedHeader,
        st: &mut ReadState,
        mut out: Option<&mut Vec<Value>>,
    ) -> Option<()> {
        let tag = &h.tag;
        let start = self.pos;
        let left = self.remaining();
        if u64::from(tag.size) > left {
            return None;
        }
        let raw = self.read_laid_out(start, &h.tag_at, tag);
        let option = match &h.by_tag {
            Some(table) => {
                apply_effects(tag, raw, st);
                match *table.get(raw as usize)? {
                    NO_OPTION => return None,
                    o => usize::from(o),
                }
            }
            None => {
                let tag_value = self.apply_int(tag, raw, st);
                selected_option(&h.selectors, tag_value, h.options.len())?
            }
        };
        let chosen = h.options.get(option)?;
        let layout = chosen.layout.as_ref()?;
        if layout.end > left {
            return None;
        }
        if let Some(out) = out.as_mut() {
            out.reserve(4 + chosen.ints.len());
            out.push(Value::Struct);
            out.push(int_value(tag, raw));
            out.push(Value::Variant {
                option: option as u32,
            });
            out.push(Value::Struct);
        }
        for (int, at) in chosen.ints.iter().zip(layout.fields.iter()) {
            let raw = self.read_laid_out(start, at, int);
            apply_effects(int, raw, st);
            if let Some(out) = out.as_mut() {
                out.push(int_value(int, raw));
            }
        }
        self.pos = start + layout.end;
        Some(())
    }

    /// An integer of a header starting at bit `start`, which the caller checked is within
    /// the content.
    #[inline(always)]
    fn read_laid_out(&self, start: u64, at: &LaidOut, int: &IntSpec) -> u64 {
        if let Some(w) = at.word {
            let byte = (start / 8) as usize + w.byte as usize;
            if let Some(b) = self.data.get(byte..byte + 8) {
                let word = u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
                return (word >> w.shift) & w.mask;
            }
        }
        read_bits(self.data, start + at.offset, int.size, int.order)
    }

    /// A tagged header decoded field by field.
    fn general_header(
        &mut self,
        tag: &IntSpec,
        selectors: &[VariantRange],
        options: &[HeaderOption],
        st: &mut ReadState,
        out: &mut Vec<Value>,
    ) -> Result<(), DecodeError> {
        out.push(Value::Struct);
        let tag_value = self.int(tag, st, out)?;
        let option = selected_option(selectors, tag_value, options.len())
            .ok_or_else(|| self.bad_tag(tag_value))?;
        out.push(Value::Variant {
            option: option as u32,
        });
        let chosen = &options[option];
        self.align(chosen.align)?;
        out.push(Value::Struct);
        for int in chosen.ints.iter() {
            self.int(int, st, out)?;
        }
        Ok(())
    }

    /// What an integer of a header means beyond its value (clock, id, saved slot); returns
    /// the value widened.
    #[inline(always)]
    fn apply_int(&self, int: &IntSpec, raw: u64, st: &mut ReadState) -> i128 {
        apply_effects(int, raw, st);
        widen(int, raw)
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
        let wide = self.apply_int(int, raw, st);
        out.push(int_value(int, raw));
        Ok(wide)
    }

    /// Decodes the members of a flat structure starting on a byte.
    #[inline(always)]
    pub(super) fn flat(
        &mut self,
        steps: &[FlatStep],
        st: &mut ReadState,
        out: &mut Vec<Value>,
    ) -> Result<(), DecodeError> {
        for step in steps {
            match step {
                FlatStep::Run { bytes, members } => {
                    let at = self.take(u64::from(*bytes) * 8)?;
                    let start = (at / 8) as usize;
                    // `take` kept the run within the content, which is within `data`.
                    let run = self
                        .data
                        .get(start..start + *bytes as usize)
                        .unwrap_or_default();
                    out.reserve(members.len());
                    for m in members.iter() {
                        out.push(read_member(run, start, m.at as usize, m.kind, st));
                    }
                }
                // Without `string`'s alignment step (a flat structure stays on bytes), and
                // inlined.
                FlatStep::String => self.string_on_byte(out)?,
                FlatStep::TextSequence { len_slot } => {
                    let len = self.length(st, *len_slot, 8)?;
                    self.text(len, out)?;
                }
                FlatStep::Sequence {
                    len_slot,
                    element,
                    bytes,
                } => {
                    let size = u64::from(*bytes);
                    // `length` checked that `len` elements fit in what is left of the
                    // content, so neither product overflows.
                    let len = self.length(st, *len_slot, size * 8)?;
                    let at = self.take(len * size * 8)?;
                    let start = (at / 8) as usize;
                    let run = self
                        .data
                        .get(start..start + (len * size) as usize)
                        .unwrap_or_default();
                    out.reserve(len as usize + 1);
                    out.push(Value::Array { len });
                    for i in 0..len as usize {
                        out.push(read_member(run, start, i * *bytes as usize, *element, st));
                    }
                }
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

    fn bad_tag(&self, tag: i128) -> DecodeError {
        DecodeError {
            kind: DecodeErrorKind::BadVariantTag(tag),
            bit_offset: self.pos,
        }
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
        self.string_on_byte(out)
    }

    /// A NUL-terminated string starting at the current position, which is on a byte.
    #[inline(always)]
    fn string_on_byte(&mut self, out: &mut Vec<Value>) -> Result<(), DecodeError> {
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

/// What reading a header integer does besides giving its value: its role (the clock, the
/// event id), and saving it when a later field refers to it. Only a saved value needs
/// widening: widening every integer cost 4 instructions per event on the decoding threads
/// (of about 100 for the header).
#[inline(always)]
fn apply_effects(int: &IntSpec, raw: u64, st: &mut ReadState) {
    st.apply_role(int.role, raw, int.size);
    if let Some(slot) = int.save
        && let Some(s) = st.saved.get_mut(slot)
    {
        *s = widen(int, raw);
    }
}

/// A header integer's value, sign-extended when signed.
#[inline(always)]
fn widen(int: &IntSpec, raw: u64) -> i128 {
    if int.signed {
        i128::from(sign_extend(raw, int.size))
    } else {
        i128::from(raw)
    }
}

/// The `N` bytes at `at` in `run`; zeros past its end, which the run's layout rules out.
#[inline(always)]
fn bytes_at<const N: usize>(run: &[u8], at: usize) -> [u8; N] {
    run.get(at..at + N)
        .and_then(|b| b.try_into().ok())
        .unwrap_or([0; N])
}

/// Reads the member of kind `kind` at byte `at` of a run that starts at byte `start` of the
/// data.
#[inline(always)]
fn read_member(run: &[u8], start: usize, at: usize, kind: MemberKind, st: &mut ReadState) -> Value {
    match kind {
        MemberKind::U8 => Value::UInt(u64::from(bytes_at::<1>(run, at)[0])),
        MemberKind::U16Le => Value::UInt(u64::from(u16::from_le_bytes(bytes_at(run, at)))),
        MemberKind::U32Le => Value::UInt(u64::from(u32::from_le_bytes(bytes_at(run, at)))),
        MemberKind::U64Le => Value::UInt(u64::from_le_bytes(bytes_at(run, at))),
        MemberKind::S8 => Value::SInt(i64::from(i8::from_le_bytes(bytes_at(run, at)))),
        MemberKind::S16Le => Value::SInt(i64::from(i16::from_le_bytes(bytes_at(run, at)))),
        MemberKind::S32Le => Value::SInt(i64::from(i32::from_le_bytes(bytes_at(run, at)))),
        MemberKind::S64Le => Value::SInt(i64::from_le_bytes(bytes_at(run, at))),
        MemberKind::Int {
            bytes,
            signed,
            order,
            role,
            save,
        } => {
            let raw = read_aligned(run, at, bytes, order);
            let size = bytes * 8;
            st.apply_role(role, raw, size);
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
            value
        }
        MemberKind::Float { bytes, order } => {
            let raw = read_aligned(run, at, bytes, order);
            Value::Float(if bytes == 4 {
                f64::from(f32::from_bits(raw as u32))
            } else {
                f64::from_bits(raw)
            })
        }
        MemberKind::Text { len } => Value::Text {
            start: start + at,
            len: len as usize,
        },
        MemberKind::ArrayHead { len } => Value::Array {
            len: u64::from(len),
        },
    }
}

/// The value of a raw integer of a header.
#[inline(always)]
fn int_value(int: &IntSpec, raw: u64) -> Value {
    if int.signed {
        Value::SInt(sign_extend(raw, int.size))
    } else {
        Value::UInt(raw)
    }
}

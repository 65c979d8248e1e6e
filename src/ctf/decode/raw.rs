//! Where each member of a constant-size structure lies, in bytes from the structure's start,
//! so that a consumer wanting a few integers of an event can read them from the stream's
//! bytes instead of having every member decoded into values.

use super::{FixedSize, IntRole, Op};
use crate::ctf::bits::sign_extend;
use crate::ctf::ir::ByteOrder;

/// How a member laid out by a [`RawLayout`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawKind {
    /// An integer (or enumeration) of 1, 2, 4 or 8 whole bytes: decoded, it is a
    /// `Value::UInt` or, when `signed`, a `Value::SInt`.
    Int {
        /// Width in bytes.
        bytes: u8,
        /// Two's complement.
        signed: bool,
        /// Byte order.
        order: ByteOrder,
    },
    /// A text array of `len` bytes: decoded, it is a `Value::Text` over those bytes.
    Text {
        /// Length in bytes.
        len: u32,
    },
    /// A NUL-terminated string, the first after a structure's members of constant size
    /// (see [`RawLayout::strings`]): decoded, it is a `Value::Text` up to its NUL.
    String,
    /// Anything else (floats, nested structures, arrays, bit fields): its room is known,
    /// not how to read it from bytes.
    Opaque,
}

/// One member of a [`RawLayout`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawMember {
    /// Bytes from the structure's aligned start.
    pub offset: u32,
    /// How it reads.
    pub kind: RawKind,
}

impl RawMember {
    /// The member as an integer, from the bytes of its structure: what its decoded value
    /// gives (an unsigned value of 64 bits wraps into `i64`), `None` for a text or an
    /// opaque member, or when `scope` is too short.
    #[inline]
    pub fn int(&self, scope: &[u8]) -> Option<i64> {
        let RawKind::Int {
            bytes,
            signed,
            order,
        } = self.kind
        else {
            return None;
        };
        let at = self.offset as usize;
        // Fixed-size conversions per width, each bounds-checked here (`bits::read_aligned`
        // reads a short slice as zero and was not inlined: 5 % more instructions on the
        // decoding threads).
        let raw = match (bytes, order) {
            (1, _) => u64::from(*scope.get(at)?),
            (2, ByteOrder::Le) => u64::from(u16::from_le_bytes(array_at(scope, at)?)),
            (2, ByteOrder::Be) => u64::from(u16::from_be_bytes(array_at(scope, at)?)),
            (4, ByteOrder::Le) => u64::from(u32::from_le_bytes(array_at(scope, at)?)),
            (4, ByteOrder::Be) => u64::from(u32::from_be_bytes(array_at(scope, at)?)),
            (_, ByteOrder::Le) => u64::from_le_bytes(array_at(scope, at)?),
            (_, ByteOrder::Be) => u64::from_be_bytes(array_at(scope, at)?),
        };
        Some(if signed {
            sign_extend(raw, 8 * u32::from(bytes))
        } else {
            raw as i64
        })
    }

    /// The member's bytes when it is text: all of a text array's, NULs included; a
    /// string's up to the end of the scope, so its NUL and what follows included. Either
    /// way the text is what comes before the first NUL.
    #[inline]
    pub fn text<'a>(&self, scope: &'a [u8]) -> Option<&'a [u8]> {
        let at = self.offset as usize;
        match self.kind {
            RawKind::Text { len } => scope.get(at..at.checked_add(len as usize)?),
            RawKind::String => scope.get(at..),
            _ => None,
        }
    }
}

fn array_at<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// The byte layout of a structure scope that starts on a byte: members of constant size,
/// then possibly strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLayout {
    /// The extent of the members of constant size (its alignment is at least 8 bits).
    pub size: FixedSize,
    /// Its members, in order.
    pub members: Box<[RawMember]>,
    /// How many NUL-terminated strings follow the members of constant size, from the next
    /// byte on: the scope ends after the last one's NUL. Only a payload has any (see
    /// [`RawLayout::of_payload`]), so that they end the event.
    pub strings: u8,
}

impl RawLayout {
    /// The layout of an absent scope: no room, no members.
    pub fn empty() -> RawLayout {
        RawLayout {
            size: FixedSize::EMPTY,
            members: Box::new([]),
            strings: 0,
        }
    }

    /// Like [`Self::of`], for the last scope of an event: the structure may also end with
    /// strings (an interrupt's or a network device's name). Their ends are found by looking
    /// for their NULs, which costs far less than decoding the whole event (measured: 4 % of
    /// a generated trace's events are of such classes).
    pub fn of_payload(op: Option<&Op>) -> Option<RawLayout> {
        let (Op::Struct { align, body }
        | Op::Flat {
            align,
            general: body,
            ..
        }) = op?
        else {
            return RawLayout::of(op);
        };
        let fixed = body
            .iter()
            .rposition(|m| !matches!(m, Op::String))
            .map_or(0, |i| i + 1);
        let Ok(strings @ 1..) = u8::try_from(body.len() - fixed) else {
            return RawLayout::of(op);
        };
        let prefix = Op::Struct {
            align: *align,
            body: body[..fixed].to_vec().into(),
        };
        let mut layout = RawLayout::of(Some(&prefix))?;
        // The first string starts on the byte after the constant part; where the others
        // start depends on it.
        let first = RawMember {
            offset: u32::try_from(layout.size.bits.div_ceil(8)).ok()?,
            kind: RawKind::String,
        };
        let opaque = RawMember {
            offset: 0,
            kind: RawKind::Opaque,
        };
        let mut members = layout.members.into_vec();
        members.push(first);
        members.extend(std::iter::repeat_n(opaque, usize::from(strings) - 1));
        layout.members = members.into();
        layout.strings = strings;
        Some(layout)
    }

    /// The layout of the scope `op` (`None`: the scope is absent), when it is a structure
    /// of constant size aligned on at least a byte; `None` otherwise.
    pub fn of(op: Option<&Op>) -> Option<RawLayout> {
        let Some(op) = op else {
            return Some(RawLayout::empty());
        };
        let size = FixedSize::of(op)?;
        let body = match op {
            Op::Struct { body, .. } | Op::Flat { general: body, .. } => body,
            _ => return None,
        };
        // An empty structure on no alignment reads nothing and moves nothing, like an
        // absent scope: the payload of a call without arguments (`getpid`'s entry, 3 % of
        // the events of a generated trace, was decoded for want of a layout).
        if size.bits == 0 && size.align <= 1 {
            return Some(RawLayout::empty());
        }
        if size.align < 8 {
            return None;
        }
        let mut at: u64 = 0;
        let mut members = Vec::with_capacity(body.len());
        for member in body.iter() {
            // `FixedSize::of(op)` succeeded, so every member has a constant extent whose
            // alignment the structure's own covers.
            let m = FixedSize::of(member)?;
            at = at.checked_next_multiple_of(u64::from(m.align.max(1)))?;
            let kind = if at.is_multiple_of(8) {
                kind_of(member)
            } else {
                RawKind::Opaque
            };
            members.push(RawMember {
                offset: u32::try_from(at / 8).ok()?,
                kind,
            });
            at = at.checked_add(m.bits)?;
        }
        Some(RawLayout {
            size,
            members: members.into(),
            strings: 0,
        })
    }
}

fn kind_of(op: &Op) -> RawKind {
    match *op {
        Op::Int {
            size,
            signed,
            order,
            role: IntRole::Plain,
            ..
        } if matches!(size, 8 | 16 | 32 | 64) => RawKind::Int {
            bytes: (size / 8) as u8,
            signed,
            order,
        },
        Op::TextArray { len, .. } => match u32::try_from(len) {
            Ok(len) => RawKind::Text { len },
            Err(_) => RawKind::Opaque,
        },
        _ => RawKind::Opaque,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(size: u32, align: u32, signed: bool, order: ByteOrder) -> Op {
        Op::Int {
            size,
            align,
            signed,
            order,
            role: IntRole::Plain,
            save: None,
        }
    }

    #[test]
    fn members_are_placed_after_their_padding_and_read_in_their_byte_order() {
        // u8 at 0; s16 BE aligned on 16 bits at 2; text[3] at 4; u64 LE aligned on 32 at 8.
        let s = Op::Struct {
            align: 32,
            body: vec![
                int(8, 8, false, ByteOrder::Le),
                int(16, 16, true, ByteOrder::Be),
                Op::TextArray { align: 8, len: 3 },
                int(64, 32, false, ByteOrder::Le),
            ]
            .into(),
        };
        let layout = RawLayout::of(Some(&s)).unwrap();
        let offsets: Vec<u32> = layout.members.iter().map(|m| m.offset).collect();
        assert_eq!(offsets, [0, 2, 4, 8]);
        assert_eq!(layout.size.bits, 128);
        let bytes = [
            7, 0xee, 0xff, 0xfe, b'a', 0, b'b', 0xee, 1, 2, 0, 0, 0, 0, 0, 0x80,
        ];
        let m = &layout.members;
        assert_eq!(m[0].int(&bytes), Some(7));
        // 0xfffe big-endian, signed: -2.
        assert_eq!(m[1].int(&bytes), Some(-2));
        assert_eq!(m[2].text(&bytes), Some(&b"a\0b"[..]));
        assert_eq!(m[2].int(&bytes), None);
        assert_eq!(m[3].int(&bytes), Some(0x8000_0000_0000_0201_u64 as i64));
        // Cut short: nothing is read past the end.
        assert_eq!(m[3].int(&bytes[..15]), None);
    }

    #[test]
    fn stepping_over_laid_out_scopes_aligns_each_and_never_wraps() {
        use super::super::Decoder;
        let data = [0u8; 16];
        let size = |align, bits| FixedSize { align, bits };
        // A packet starting at byte 2, positioned 3 bytes in, ending at byte 14.
        let mut dec = Decoder::new(&data, 16, 40, 112);
        // 16 bits at 40 (24 from the packet start); then aligned on 32 bits from the packet
        // start: 40 -> 64 from it, 80 in the file.
        let starts = dec.skip_all([size(8, 16), size(32, 16)]);
        assert_eq!(starts, Some([40, 80]));
        assert_eq!(dec.pos, 96);
        // Past the end, or a size that would wrap around: nothing moves.
        assert_eq!(dec.skip_all([size(8, 8), size(8, 16)]), None);
        assert_eq!(dec.skip_all([size(8, u64::MAX - 8)]), None);
        assert_eq!(dec.skip_all([size(8, 0), size(8, u64::MAX)]), None);
        assert_eq!(dec.pos, 96);
        assert_eq!(dec.skip_all([size(8, 16)]), Some([96]));
        assert_eq!(dec.pos, 112);
    }

    #[test]
    fn a_payload_may_end_with_strings_and_only_the_first_is_read() {
        // u32, u8 (ending on byte 5), then two strings.
        let s = Op::Struct {
            align: 8,
            body: vec![
                int(32, 8, false, ByteOrder::Le),
                int(8, 8, false, ByteOrder::Le),
                Op::String,
                Op::String,
            ]
            .into(),
        };
        assert_eq!(RawLayout::of(Some(&s)), None);
        let layout = RawLayout::of_payload(Some(&s)).unwrap();
        assert_eq!((layout.size.bits, layout.strings), (40, 2));
        let kinds: Vec<_> = layout.members.iter().map(|m| (m.offset, m.kind)).collect();
        assert_eq!(kinds[2], (5, RawKind::String));
        assert_eq!(kinds[3].1, RawKind::Opaque);
        let scope = b"\x07\0\0\0\x01eth0\0lo\0";
        assert_eq!(layout.members[0].int(scope), Some(7));
        assert_eq!(layout.members[2].text(scope), Some(&b"eth0\0lo\0"[..]));
        // A string before a member of constant size: the latter has no fixed offset.
        let mid = Op::Struct {
            align: 8,
            body: vec![Op::String, int(8, 8, false, ByteOrder::Le)].into(),
        };
        assert_eq!(RawLayout::of_payload(Some(&mid)), None);
        // Without strings it is the plain layout.
        let plain = Op::Struct {
            align: 8,
            body: vec![int(8, 8, false, ByteOrder::Le)].into(),
        };
        assert_eq!(
            RawLayout::of_payload(Some(&plain)),
            RawLayout::of(Some(&plain))
        );
    }

    #[test]
    fn stepping_over_strings_finds_each_nul_within_the_content() {
        use super::super::Decoder;
        let data = *b"xab\0\0cd\0efg";
        // From bit 9 (off a byte): the first string starts on byte 2.
        let mut dec = Decoder::new(&data, 0, 9, 80);
        assert_eq!(dec.skip_strings(2), Some(5));
        assert_eq!(dec.pos, 40);
        assert_eq!(dec.skip_strings(1), Some(8));
        // "efg" has no NUL before the end of the content: nothing moves.
        assert_eq!(dec.skip_strings(1), None);
        assert_eq!(dec.pos, 64);
        // The content ends before the NUL at byte 7.
        let mut dec = Decoder::new(&data, 0, 40, 56);
        assert_eq!(dec.skip_strings(1), None);
        assert_eq!(dec.pos, 40);
    }

    #[test]
    fn stepping_over_packed_scopes_needs_a_byte_and_room_for_all() {
        use super::super::Decoder;
        let data = [0u8; 16];
        let mut dec = Decoder::new(&data, 16, 40, 112);
        assert_eq!(dec.skip_packed([2, 0, 3]), Some([(5, 2), (7, 0), (7, 3)]));
        assert_eq!(dec.pos, 80);
        // One byte short of room for all three: nothing moves.
        assert_eq!(dec.skip_packed([1, 1, 3]), None);
        assert_eq!(dec.pos, 80);
        assert_eq!(
            dec.skip_packed([4, 0, 0]),
            Some([(10, 4), (14, 0), (14, 0)])
        );
        assert_eq!(dec.pos, 112);
        // Off a byte.
        let mut dec = Decoder::new(&data, 0, 3, 128);
        assert_eq!(dec.skip_packed([1]), None);
        assert_eq!(dec.pos, 3);
    }

    #[test]
    fn only_byte_aligned_structures_of_constant_size_have_a_layout() {
        let bits = Op::Struct {
            align: 1,
            body: vec![int(8, 1, false, ByteOrder::Le)].into(),
        };
        assert_eq!(RawLayout::of(Some(&bits)), None);
        let string = Op::Struct {
            align: 8,
            body: vec![Op::String].into(),
        };
        assert_eq!(RawLayout::of(Some(&string)), None);
        assert_eq!(RawLayout::of(None), Some(RawLayout::empty()));
        // An empty structure reads as an absent one, unless it aligns what follows.
        let empty = |align| Op::Struct {
            align,
            body: vec![].into(),
        };
        assert_eq!(RawLayout::of(Some(&empty(1))), Some(RawLayout::empty()));
        assert_eq!(RawLayout::of(Some(&empty(4))), None);
        assert_eq!(RawLayout::of(Some(&empty(8))).unwrap().size.align, 8);
        // A bit field has room but no raw reading; the byte after it still has one.
        let packed = Op::Struct {
            align: 8,
            body: vec![
                int(3, 1, false, ByteOrder::Le),
                int(8, 8, false, ByteOrder::Le),
            ]
            .into(),
        };
        let layout = RawLayout::of(Some(&packed)).unwrap();
        assert_eq!(layout.members[0].kind, RawKind::Opaque);
        assert_eq!(layout.members[1].offset, 1);
        assert!(matches!(
            layout.members[1].kind,
            RawKind::Int { bytes: 1, .. }
        ));
    }
}

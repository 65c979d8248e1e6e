//! Fields whose size never varies, so a reader that does not want their values can step
//! over them with one alignment and one addition instead of decoding them.

use super::{IntRole, Op};

/// The extent of a field of constant size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedSize {
    /// Alignment of its start, in bits.
    pub align: u32,
    /// Size from its aligned start, in bits.
    pub bits: u64,
}

/// Longest array unrolled to find its size: past it the array counts as variable, which only
/// means it is decoded rather than stepped over.
const MAX_UNROLLED_ELEMENTS: u64 = 4096;

impl FixedSize {
    /// The scope of an absent type: nothing to step over.
    pub const EMPTY: FixedSize = FixedSize { align: 1, bits: 0 };

    /// The constant extent of `op`, or `None` when its size depends on the data (strings,
    /// sequences, variants) or when it cannot be skipped (an integer mapped to the clock
    /// moves the stream's clock for later events).
    pub fn of(op: &Op) -> Option<FixedSize> {
        match op {
            Op::Int {
                size, align, role, ..
            } => match role {
                IntRole::Clock => None,
                IntRole::Plain | IntRole::EventId => Some(FixedSize {
                    align: *align,
                    bits: u64::from(*size),
                }),
            },
            Op::Float { size, align, .. } => Some(FixedSize {
                align: *align,
                bits: u64::from(*size),
            }),
            Op::TextArray { align, len } => Some(FixedSize {
                align: *align,
                bits: len.checked_mul(8)?,
            }),
            // Starting on its own alignment, which is at least every member's, a structure
            // lays its members out the same way every time.
            Op::Struct { align, body }
            | Op::Flat {
                align,
                general: body,
                ..
            } => Some(FixedSize {
                align: *align,
                bits: laid_out(body, *align, 1)?,
            }),
            Op::Array {
                align,
                len,
                element,
                ..
            } => {
                if *len > MAX_UNROLLED_ELEMENTS {
                    return None;
                }
                Some(FixedSize {
                    align: *align,
                    bits: laid_out(element, *align, *len)?,
                })
            }
            Op::String
            | Op::TextSequence { .. }
            | Op::Sequence { .. }
            | Op::Variant { .. }
            | Op::TaggedHeader(_) => None,
        }
    }
}

/// The bits `times` repetitions of `ops` take from a start aligned on `align`, or `None` when
/// one of them varies or needs a stricter alignment than the start guarantees.
fn laid_out(ops: &[Op], align: u32, times: u64) -> Option<u64> {
    let members: Vec<FixedSize> = ops.iter().map(FixedSize::of).collect::<Option<_>>()?;
    if members.iter().any(|m| m.align > align.max(1)) {
        return None;
    }
    let mut at: u64 = 0;
    for _ in 0..times {
        for m in &members {
            let a = u64::from(m.align.max(1));
            at = at.checked_next_multiple_of(a)?.checked_add(m.bits)?;
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctf::ir::ByteOrder;

    fn int(size: u32, align: u32) -> Op {
        Op::Int {
            size,
            align,
            signed: false,
            order: ByteOrder::Le,
            role: IntRole::Plain,
            save: None,
        }
    }

    #[test]
    fn a_structure_counts_the_padding_between_its_members() {
        // u8, then a u32 aligned on 32 bits: 8 + 24 padding + 32.
        let s = Op::Struct {
            align: 32,
            body: vec![int(8, 8), int(32, 32)].into(),
        };
        assert_eq!(
            FixedSize::of(&s),
            Some(FixedSize {
                align: 32,
                bits: 64
            })
        );
    }

    #[test]
    fn array_elements_are_padded_to_their_alignment_except_after_the_last() {
        // { u32; u8 } x 3 on 32-bit alignment: 40, pad to 64, 104, pad to 128, 168.
        let a = Op::Array {
            align: 32,
            len: 3,
            element: vec![int(32, 32), int(8, 8)].into(),
            element_min_bits: 40,
        };
        assert_eq!(FixedSize::of(&a).map(|f| f.bits), Some(168));
    }

    #[test]
    fn data_dependent_and_clock_fields_are_not_fixed() {
        assert_eq!(FixedSize::of(&Op::String), None);
        let clock = Op::Int {
            size: 27,
            align: 1,
            signed: false,
            order: ByteOrder::Le,
            role: IntRole::Clock,
            save: None,
        };
        let s = Op::Struct {
            align: 8,
            body: vec![int(8, 8), clock].into(),
        };
        assert_eq!(FixedSize::of(&s), None);
        let huge = Op::Array {
            align: 8,
            len: MAX_UNROLLED_ELEMENTS + 1,
            element: vec![int(8, 8)].into(),
            element_min_bits: 8,
        };
        assert_eq!(FixedSize::of(&huge), None);
    }

    #[test]
    fn a_member_aligned_beyond_its_structure_makes_the_layout_variable() {
        let s = Op::Struct {
            align: 8,
            body: vec![int(8, 8), int(64, 64)].into(),
        };
        assert_eq!(FixedSize::of(&s), None);
    }
}

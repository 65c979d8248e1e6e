//! Reading integers of any width, alignment and byte order out of a byte slice.
//!
//! Positions are in bits from the start of the slice. CTF places little-endian fields from
//! the least significant bit of a byte upward and big-endian fields from the most significant
//! bit downward (CTF 1.8 §4.1), so the two orders need different shifts, not just a byte swap.

use super::ir::ByteOrder;

/// Reads `size` bits (1..=64) at bit position `pos`. The caller guarantees that
/// `pos + size <= data.len() * 8`; on a violation the missing bytes read as zero rather than
/// panicking, so a caller bug cannot crash on untrusted input.
#[inline(always)]
pub fn read_bits(data: &[u8], pos: u64, size: u32, order: ByteOrder) -> u64 {
    debug_assert!((1..=64).contains(&size));
    let byte = (pos / 8) as usize;
    let shift = (pos % 8) as u32;
    if shift == 0 && size.is_multiple_of(8) {
        return read_aligned(data, byte, size / 8, order);
    }
    // Common case: the field fits in the 8 bytes starting at its first byte.
    if shift + size <= 64
        && let Some(word) = data.get(byte..byte + 8)
    {
        {
            let word: [u8; 8] = word.try_into().unwrap_or([0; 8]);
            let v = match order {
                ByteOrder::Le => u64::from_le_bytes(word) >> shift,
                ByteOrder::Be => u64::from_be_bytes(word) >> (64 - shift - size),
            };
            return if size == 64 {
                v
            } else {
                v & ((1u64 << size) - 1)
            };
        }
    }
    // At most 9 bytes hold a 64-bit field that starts mid-byte.
    let nbytes = (shift + size).div_ceil(8) as usize;
    let mut acc: u128 = 0;
    match order {
        ByteOrder::Le => {
            for i in (0..nbytes).rev() {
                acc = (acc << 8) | u128::from(byte_at(data, byte + i));
            }
            acc >>= shift;
        }
        ByteOrder::Be => {
            for i in 0..nbytes {
                acc = (acc << 8) | u128::from(byte_at(data, byte + i));
            }
            acc >>= nbytes as u32 * 8 - shift - size;
        }
    }
    (acc & mask(size)) as u64
}

#[inline]
fn byte_at(data: &[u8], i: usize) -> u8 {
    data.get(i).copied().unwrap_or(0)
}

#[inline]
fn mask(size: u32) -> u128 {
    (1u128 << size) - 1
}

/// Byte-aligned whole-byte read: the common case on byte-packed traces. Fixed-size loads for
/// the usual widths (a variable-length copy would be a memcpy call per field), inlined; the
/// loop for odd widths is out of line, as it kept the whole function from being inlined
/// (its call was a tenth of decoding the floats and saved lengths of an lttng-ust payload).
#[inline(always)]
pub fn read_aligned(data: &[u8], byte: usize, nbytes: u32, order: ByteOrder) -> u64 {
    macro_rules! load {
        ($t:ty, $n:expr) => {{
            let Some(Ok(b)) = data.get(byte..byte + $n).map(<[u8; $n]>::try_from) else {
                return 0;
            };
            match order {
                ByteOrder::Le => u64::from(<$t>::from_le_bytes(b)),
                ByteOrder::Be => u64::from(<$t>::from_be_bytes(b)),
            }
        }};
    }
    match nbytes {
        1 => data.get(byte).map_or(0, |&b| u64::from(b)),
        2 => load!(u16, 2),
        4 => load!(u32, 4),
        8 => load!(u64, 8),
        n => read_odd_width(data, byte, n as usize, order),
    }
}

/// [`read_aligned`] for 3, 5, 6 or 7 bytes.
#[inline(never)]
fn read_odd_width(data: &[u8], byte: usize, n: usize, order: ByteOrder) -> u64 {
    let mut acc = 0u64;
    for i in 0..n {
        let b = u64::from(byte_at(data, byte + i));
        acc = match order {
            ByteOrder::Le => acc | (b << (8 * i)),
            ByteOrder::Be => (acc << 8) | b,
        };
    }
    acc
}

/// Sign-extends the low `size` bits of `raw`.
#[inline]
pub fn sign_extend(raw: u64, size: u32) -> i64 {
    if size >= 64 {
        return raw as i64;
    }
    let unused = 64 - size;
    ((raw << unused) as i64) >> unused
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_reads_in_both_orders() {
        let d = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
        assert_eq!(read_bits(&d, 0, 32, ByteOrder::Le), 0x0403_0201);
        assert_eq!(read_bits(&d, 0, 32, ByteOrder::Be), 0x0102_0304);
        assert_eq!(read_bits(&d, 8, 16, ByteOrder::Be), 0x0203);
        assert_eq!(read_bits(&d, 0, 64, ByteOrder::Le), 0x0807_0605_0403_0201);
    }

    #[test]
    fn le_bitfields_fill_from_lsb() {
        // Compact LTTng header: 5-bit id then 27-bit timestamp in one LE word.
        let word: u32 = (12345 << 5) | 17;
        let d = word.to_le_bytes();
        assert_eq!(read_bits(&d, 0, 5, ByteOrder::Le), 17);
        assert_eq!(read_bits(&d, 5, 27, ByteOrder::Le), 12345);
    }

    #[test]
    fn be_bitfields_fill_from_msb() {
        let word: u32 = (17 << 27) | 12345;
        let d = word.to_be_bytes();
        assert_eq!(read_bits(&d, 0, 5, ByteOrder::Be), 17);
        assert_eq!(read_bits(&d, 5, 27, ByteOrder::Be), 12345);
    }

    #[test]
    fn unaligned_64_bit_field_spans_nine_bytes() {
        let v: u64 = 0xDEAD_BEEF_CAFE_F00D;
        let mut d = [0u8; 9];
        let wide = u128::from(v) << 3;
        d.copy_from_slice(&wide.to_le_bytes()[..9]);
        assert_eq!(read_bits(&d, 3, 64, ByteOrder::Le), v);
    }

    #[test]
    fn sign_extension() {
        assert_eq!(sign_extend(0b111, 3), -1);
        assert_eq!(sign_extend(0b011, 3), 3);
        assert_eq!(sign_extend(u64::MAX, 64), -1);
    }

    #[test]
    fn out_of_range_reads_zero_instead_of_panicking() {
        assert_eq!(read_bits(&[0xff], 4, 32, ByteOrder::Le), 0x0f);
        assert_eq!(read_bits(&[], 0, 32, ByteOrder::Le), 0);
    }
}

//! Number formatting that matches, byte for byte, the C `printf` conversions babeltrace2 uses
//! (`%PRIu64`, `%PRIX64`, `%PRIo64`, `%g`, `%09`), written straight into the output buffer
//! without going through `fmt` machinery on the hot path.

use std::fmt::Write as _;

use crate::ctf::ir::IntType;

/// Pairs of decimal digits, so that one division produces two digits.
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Grows `out` by `N` zero bytes and returns where they start; the caller writes its `n`
/// bytes there and cuts the rest with `truncate`. Writing digits in place avoids building
/// them in a stack buffer and copying it: a copy reads back bytes just stored one or two at
/// a time, which stalls the CPU (store forwarding fails) or costs a `memcpy` call, either
/// more than the formatting itself.
#[inline(always)]
pub fn grow<const N: usize>(out: &mut Vec<u8>) -> usize {
    let at = out.len();
    out.extend_from_slice(&[0u8; N]);
    at
}

/// Writes `v` as exactly `digits` decimal digits (zero-padded) into `dst[..digits]`.
#[inline(always)]
pub fn put_decimal(dst: &mut [u8], mut v: u64, digits: usize) {
    let mut at = digits;
    while at >= 2 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        at -= 2;
        dst[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if at == 1 {
        dst[0] = b'0' + (v % 10) as u8;
    }
}

/// Appends `v` in decimal (`%PRIu64`).
#[inline]
pub fn push_u64(out: &mut Vec<u8>, v: u64) {
    // CPU numbers, fds, small counts and return values: one or two digits are common
    // enough to skip the digit count and the zeroed room. Both are appended with a copy of
    // constant size: a slice of one or two bytes was a call to `memcpy`.
    if v < 10 {
        out.push(b'0' + v as u8);
        return;
    }
    if v < 100 {
        let pair = v as usize * 2;
        out.extend_from_slice(&[DIGIT_PAIRS[pair], DIGIT_PAIRS[pair + 1]]);
        return;
    }
    push_u64_long(out, v);
}

/// [`push_u64`] for a value of three digits or more: eight digits at a time
/// ([`eight_digits`]), the first group without its leading zeros, every store of constant
/// size, where a digit pair per division took up to ten divisions and bounds checks.
fn push_u64_long(out: &mut Vec<u8>, v: u64) {
    const E8: u64 = 100_000_000;
    let at = grow::<24>(out);
    let dst = &mut out[at..at + 24];
    let len = if v < E8 {
        put_leading(dst, v as u32)
    } else if v < E8 * E8 {
        let n = put_leading(dst, (v / E8) as u32);
        dst[n..n + 8].copy_from_slice(&eight_digits((v % E8) as u32));
        n + 8
    } else {
        // At most 1 844 for the top group.
        let n = put_leading(dst, (v / (E8 * E8)) as u32);
        let rest = v % (E8 * E8);
        dst[n..n + 8].copy_from_slice(&eight_digits((rest / E8) as u32));
        dst[n + 8..n + 16].copy_from_slice(&eight_digits((rest % E8) as u32));
        n + 16
    };
    out.truncate(at + len);
}

/// Writes `v` (below 10^8) without leading zeros at the start of `dst` (at least 8 bytes),
/// and returns how many digits that is. The eight digits are one word whose first digit is
/// its lowest byte: shifting the `'0'` bytes of the leading zeros out leaves the digits at
/// the start, and the word is stored whole (the caller truncates).
#[inline(always)]
fn put_leading(dst: &mut [u8], v: u32) -> usize {
    let word = u64::from_le_bytes(eight_digits(v));
    // 0 has eight `'0'`s: keep the last.
    let zeros = ((word ^ 0x3030_3030_3030_3030).trailing_zeros() / 8).min(7) as usize;
    dst[..8].copy_from_slice(&(word >> (8 * zeros)).to_le_bytes());
    8 - zeros
}

/// Writes `v` (below 10^9) as exactly nine digits, zero-padded, into `dst[..9]`. Every
/// event line has two such numbers (its time's and its delta's nanoseconds).
#[inline]
pub fn put_nine_digits(dst: &mut [u8], v: u32) {
    let v = v % 1_000_000_000;
    if let Some((first, rest)) = dst.split_first_mut()
        && let Some(rest) = rest.get_mut(..8)
    {
        *first = b'0' + (v / 100_000_000) as u8;
        rest.copy_from_slice(&eight_digits(v % 100_000_000));
    }
}

/// The eight decimal digits of `v` (below 10^8), zero-padded, in ASCII: all eight at once in
/// the lanes of one `u64` (a split into two halves of four digits, each into two pairs,
/// each pair into two digits), where two digits per division took four divisions and
/// stores. The constants divide exactly in their ranges: `n * 10486 >> 20` is `n / 100`
/// for `n` below 10^4, and `n * 103 >> 10` is `n / 10` below 100 (the test checks both on
/// every value); no lane overflows into the next.
#[inline(always)]
fn eight_digits(v: u32) -> [u8; 8] {
    let v = u64::from(v);
    let halves = (v / 10_000) | ((v % 10_000) << 32);
    let hundreds = ((halves * 10_486) >> 20) & 0x0000_007F_0000_007F;
    let pairs = hundreds | ((halves - hundreds * 100) << 16);
    let tens = ((pairs * 103) >> 10) & 0x000F_000F_000F_000F;
    let digits = tens | ((pairs - tens * 10) << 8);
    // The first digit is in the lowest byte.
    (digits | 0x3030_3030_3030_3030).to_le_bytes()
}

/// Writes `v` in decimal at the start of `dst` (at least 20 bytes); returns the length.
#[inline]
pub fn put_u64(dst: &mut [u8], v: u64) -> usize {
    // The seconds of a delta: nearly always 0.
    if v < 10 {
        dst[0] = b'0' + v as u8;
        return 1;
    }
    let digits = v.checked_ilog10().map_or(1, |l| l as usize + 1);
    put_decimal(dst, v, digits);
    digits
}

/// Appends `v` in decimal (`%PRId64`).
pub fn push_i64(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    push_u64(out, v.unsigned_abs());
}

/// Appends `v` in decimal, left-padded with zeros to `width` digits (`%09PRIu64`, `%02d`).
/// Every timestamp goes through here (four times per event line), so the common widths fill
/// a fixed buffer from the right, two digits per division, and copy it once.
pub fn push_u64_padded(out: &mut Vec<u8>, v: u64, width: usize) {
    const MAX: usize = 20;
    if width > MAX {
        // No u64 has more than 20 digits: the rest is padding.
        out.resize(out.len() + width - MAX, b'0');
        return push_u64_padded(out, v, MAX);
    }
    if width < MAX && v >= 10u64.pow(width as u32) {
        // Wider than the padding: printf prints all digits.
        return push_u64(out, v);
    }
    let at = grow::<MAX>(out);
    put_decimal(&mut out[at..], v, width);
    out.truncate(at + width);
}

/// Appends `v` in a power-of-two base (`bits_per_digit` 3 or 4), most significant digit
/// first, without leading zeros (`%PRIX64`, `%PRIo64`); upper-case hex digits.
fn push_pow2(out: &mut Vec<u8>, v: u64, bits_per_digit: u32) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mask = (1u64 << bits_per_digit) - 1;
    let used_bits = 64 - v.leading_zeros();
    // At most 22 octal or 16 hexadecimal digits.
    let count = (used_bits.div_ceil(bits_per_digit).max(1) as usize).min(24);
    if bits_per_digit == 4 {
        // Shifted so that the first digit to print is the top nibble, then written a byte
        // (two digits) at a time.
        let top = v << (64 - 4 * count as u32);
        let at = grow::<16>(out);
        for (i, pair) in out[at..].chunks_exact_mut(2).enumerate() {
            let byte = (top >> (56 - 8 * i)) as u8;
            pair[0] = DIGITS[usize::from(byte >> 4)];
            pair[1] = DIGITS[usize::from(byte & 0xf)];
        }
        out.truncate(at + count);
        return;
    }
    let at = grow::<24>(out);
    for (i, slot) in out[at..at + count].iter_mut().enumerate() {
        let shift = (count - 1 - i) as u32 * bits_per_digit;
        *slot = DIGITS[((v >> shift) & mask) as usize];
    }
    out.truncate(at + count);
}

/// Appends an integer field's value as babeltrace2 shows it in its preferred base. `bits` is
/// the value's 64-bit two's complement representation (sign-extended when signed).
pub fn push_int(out: &mut Vec<u8>, ty: &IntType, bits: u64) {
    let len = ty.size_bits.clamp(1, 64);
    match ty.base {
        2 => {
            // Exactly `len` digits, leading zeros included.
            out.extend_from_slice(b"0b");
            for bit in (0..len).rev() {
                out.push(if (bits >> bit) & 1 == 1 { b'1' } else { b'0' });
            }
        }
        8 => {
            // Negative signed values show their two's complement, cut to whole octal digits.
            let mut v = bits;
            if ty.signed && len < 64 {
                let rounded = len.div_ceil(3) * 3;
                v &= (1u64 << rounded) - 1;
            }
            out.push(b'0');
            push_pow2(out, v, 3);
        }
        16 => {
            // bt2 masks the value to the width rounded up to whole nibbles with a C shift
            // `(1 << rounded) - 1`; for widths 61..=63 the rounded width is 64 and the x86
            // shift count wraps to 0, so the mask is 0 and bt2 prints `0x0` (checked with
            // babeltrace2 2.0.4 on a 62-bit hex field). We reproduce that.
            let mut v = bits;
            if len < 64 {
                let rounded = (len + 3) & !3;
                let mask = if rounded >= 64 {
                    0
                } else {
                    (1u64 << rounded) - 1
                };
                v &= mask;
            }
            out.extend_from_slice(b"0x");
            push_pow2(out, v, 4);
        }
        _ => {
            if ty.signed {
                push_i64(out, bits as i64);
            } else {
                push_u64(out, bits);
            }
        }
    }
}

/// A small stack buffer for `fmt` output, so float formatting allocates nothing.
struct StackBuf {
    buf: [u8; 400],
    len: usize,
}

impl StackBuf {
    fn new() -> Self {
        StackBuf {
            buf: [0; 400],
            len: 0,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Appends `v` as C's `printf("%g", v)` does (glibc): 6 significant digits, exponent form when
/// the decimal exponent is below -4 or at least 6, trailing zeros removed, `inf`/`nan` with
/// their sign.
///
/// The digits come from the shortest decimal that reads back as `v`, rounded to six. That
/// rounding equals the exact binary value's unless the shortest decimal's digits after the
/// sixth are a lone `5`: were a halfway point of the six-digit grid strictly between `v` and
/// its shortest decimal, it would read back as `v` too and be as short or shorter, and
/// closer. That needs a spacing between doubles far below the six-digit grid's, which
/// subnormals lack. Values of few binary digits are rounded exactly first
/// (`dyadic_g_digits`), which covers every value on a tie. So only values near a tie,
/// subnormals, zeros, infinities and NaNs take
/// [`push_g_exact`], whose exact formatting (a big-number fallback for many values, a third
/// of `dump`'s time on a trace of floats) was the only way before.
pub fn push_g(out: &mut Vec<u8>, v: f64) {
    if !v.is_normal() {
        return push_g_exact(out, v);
    }
    let negative = v < 0.0;
    if let Some((digits, exp)) = dyadic_g_digits(v) {
        return write_g(out, negative, &digits.0[..digits.1], exp);
    }
    let mut shortest = ryu::Buffer::new();
    let Some((mut digits, mut n, mut exp)) = shortest_digits(shortest.format_finite(v.abs()))
    else {
        return push_g_exact(out, v);
    };
    if n > 6 {
        if n == 7 && digits[6] == b'5' {
            // The exact value is above, below or on the tie. On it, the shortest decimal is
            // the value itself, a seven-digit decimal: such a double has few binary digits,
            // and `dyadic_g_digits` took it. So this is near a tie, and only the exact
            // digits tell on which side.
            return push_g_exact(out, v);
        }
        let up = digits[6] >= b'5';
        n = 6;
        if up {
            // Carry through the nines; all nines become a 1 of the next power of ten.
            let mut i = n;
            loop {
                if i == 0 {
                    digits[0] = b'1';
                    n = 1;
                    exp += 1;
                    break;
                }
                i -= 1;
                if digits[i] == b'9' {
                    digits[i] = b'0';
                } else {
                    digits[i] += 1;
                    break;
                }
            }
        }
    }
    while n > 1 && digits[n - 1] == b'0' {
        n -= 1;
    }
    write_g(out, negative, &digits[..n], exp);
}

/// `5^i` for the fractions `dyadic_g_digits` takes.
const POW5: [u128; 56] = {
    let mut t = [1u128; 56];
    let mut i = 1;
    while i < 56 {
        t[i] = t[i - 1] * 5;
        i += 1;
    }
    t
};

/// The six significant digits of `%g` for a normal `v` whose exact value is `N / 2^f` with
/// `N·5^f` within 128 bits (integers, counters over powers of two, most 32-bit floats), by
/// exact integer arithmetic: the digits without trailing zeros and the decimal exponent of the
/// first. `None` for other values. The exact decimal of such a value is `N·5^f / 10^f`,
/// rounded here to six digits, ties to even, as glibc rounds the exact binary value.
fn dyadic_g_digits(v: f64) -> Option<(([u8; 6], usize), i32)> {
    let bits = v.abs().to_bits();
    let mut m = (bits & ((1 << 52) - 1)) | (1 << 52);
    let mut q = ((bits >> 52) & 0x7ff) as i32 - 1075;
    let zeros = m.trailing_zeros();
    m >>= zeros;
    q += zeros as i32;
    let exact: u128 = if q >= 0 {
        u128::from(m)
            .checked_shl(q as u32)
            .filter(|x| x >> q == u128::from(m))?
    } else {
        let f = (-q) as u32;
        if f > 55 {
            return None;
        }
        u128::from(m).checked_mul(POW5[f as usize])?
    };
    let fraction = q.min(0).unsigned_abs() as i32;
    // Most values fit 64 bits, where the digit count and the division are single
    // instructions instead of 128-bit library calls.
    let (mut six, len) = match u64::try_from(exact) {
        Ok(exact) => {
            let len = exact.ilog10() as i32 + 1;
            (round_to_six(exact, len), len)
        }
        Err(_) => {
            let len = exact.ilog10() as i32 + 1;
            (round_to_six(exact, len) as u64, len)
        }
    };
    let mut exp = len - 1 - fraction;
    if six == 1_000_000 {
        six = 100_000;
        exp += 1;
    }
    let mut digits = [0u8; 6];
    put_decimal(&mut digits, six, 6);
    let mut n = 6;
    while n > 1 && digits[n - 1] == b'0' {
        n -= 1;
    }
    Some(((digits, n), exp))
}

/// `exact` (of `len` decimal digits) as six digits: rounded to even when longer, padded
/// with zeros when shorter.
#[inline(always)]
fn round_to_six<T>(exact: T, len: i32) -> T
where
    T: Copy
        + From<u32>
        + PartialOrd
        + std::ops::Add<Output = T>
        + std::ops::Mul<Output = T>
        + std::ops::Div<Output = T>
        + std::ops::Rem<Output = T>,
{
    let ten = T::from(10);
    let pow10 = |n: i32| (0..n).fold(T::from(1), |p, _| p * ten);
    if len > 6 {
        let p = pow10(len - 6);
        let (kept, dropped) = (exact / p, exact % p);
        let half = p / T::from(2);
        let odd = kept % T::from(2) == T::from(1);
        let up = dropped > half || (dropped == half && odd);
        kept + T::from(u32::from(up))
    } else {
        exact * pow10(6 - len)
    }
}

/// Writes `%g`'s text from its significant digits (no trailing zeros) and the decimal
/// exponent of the first.
fn write_g(out: &mut Vec<u8>, negative: bool, digits: &[u8], exp: i32) {
    if negative {
        out.push(b'-');
    }
    if (-4..6).contains(&exp) {
        if exp < 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (-exp - 1) as usize));
            push_digits(out, digits);
        } else {
            let whole = exp as usize + 1;
            if digits.len() <= whole {
                push_digits(out, digits);
                out.extend(std::iter::repeat_n(b'0', whole - digits.len()));
            } else {
                push_digits(out, &digits[..whole]);
                out.push(b'.');
                push_digits(out, &digits[whole..]);
            }
        }
    } else {
        out.push(digits[0]);
        if digits.len() > 1 {
            out.push(b'.');
            push_digits(out, &digits[1..]);
        }
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        push_u64_padded(out, u64::from(exp.unsigned_abs()), 2);
    }
}

/// Appends a few digits (at most six) one by one: a copy of a varying length is a call to
/// `memcpy`, which costs more.
#[inline(always)]
fn push_digits(out: &mut Vec<u8>, digits: &[u8]) {
    for &d in digits {
        out.push(d);
    }
}

/// The significant digits of a decimal as `ryu` writes it (`6250.125`, `0.001`, `1e16`,
/// `1.5e-7`), without leading or trailing zeros, their number, and the decimal exponent of
/// the first; `None` for anything else.
fn shortest_digits(text: &str) -> Option<([u8; 24], usize, i32)> {
    let (mantissa, e) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = whole.bytes().chain(fraction.bytes());
    let mut digits = [0u8; 24];
    let (mut n, mut leading) = (0, 0i32);
    for b in all {
        if !b.is_ascii_digit() {
            return None;
        }
        if n == 0 && b == b'0' {
            leading += 1;
            continue;
        }
        *digits.get_mut(n)? = b;
        n += 1;
    }
    while n > 1 && digits[n - 1] == b'0' {
        n -= 1;
    }
    (n > 0).then_some((digits, n, whole.len() as i32 - leading - 1 + e))
}

/// [`push_g`] by Rust's exact formatting, which rounds ties to even on the exact binary value
/// as glibc does, so both agree on every double.
pub fn push_g_exact(out: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        out.extend_from_slice(if v.is_sign_negative() {
            b"-nan"
        } else {
            b"nan"
        });
        return;
    }
    if v.is_infinite() {
        out.extend_from_slice(if v < 0.0 { b"-inf" } else { b"inf" });
        return;
    }
    if v == 0.0 {
        out.extend_from_slice(if v.is_sign_negative() { b"-0" } else { b"0" });
        return;
    }
    // The exponent %g compares is the one of the value rounded to 6 significant digits.
    let mut sci = StackBuf::new();
    if write!(sci, "{v:.5e}").is_err() {
        return;
    }
    let text = sci.as_bytes();
    let Some(e_at) = text.iter().position(|&b| b == b'e') else {
        return;
    };
    let exp: i32 = std::str::from_utf8(&text[e_at + 1..])
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if (-4..6).contains(&exp) {
        let mut fixed = StackBuf::new();
        let precision = (5 - exp) as usize;
        if write!(fixed, "{v:.precision$}").is_err() {
            return;
        }
        out.extend_from_slice(trim_fraction(fixed.as_bytes()));
    } else {
        out.extend_from_slice(trim_fraction(&text[..e_at]));
        out.push(b'e');
        out.push(if exp < 0 { b'-' } else { b'+' });
        push_u64_padded(out, u64::from(exp.unsigned_abs()), 2);
    }
}

/// Removes trailing fraction zeros, then a trailing decimal point (what `%g` does without `#`).
fn trim_fraction(s: &[u8]) -> &[u8] {
    if !s.contains(&b'.') {
        return s;
    }
    let mut end = s.len();
    while end > 0 && s[end - 1] == b'0' {
        end -= 1;
    }
    if end > 0 && s[end - 1] == b'.' {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod padded_tests {
    use super::push_u64_padded;

    fn padded(v: u64, width: usize) -> String {
        let mut out = Vec::new();
        push_u64_padded(&mut out, v, width);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn padded_numbers_match_printf() {
        for (v, w) in [
            (0, 9),
            (5, 2),
            (59, 2),
            (100, 9),
            (999_999_999, 9),
            (123, 2),
            (0, 1),
        ] {
            assert_eq!(padded(v, w), format!("{v:0w$}"), "{v} {w}");
        }
        assert_eq!(padded(u64::MAX, 20), u64::MAX.to_string());
        assert_eq!(padded(7, 22), format!("{:022}", 7));
    }
}

#[cfg(test)]
mod fixed_width_tests {
    use super::{eight_digits, push_pow2, push_u64, put_nine_digits, put_u64};

    #[test]
    fn eight_digits_at_once_match_printf() {
        // The two divisions by multiplication, on their whole ranges.
        assert!((0u64..10_000).all(|n| (n * 10_486) >> 20 == n / 100));
        assert!((0u64..100).all(|n| (n * 103) >> 10 == n / 10));
        // Every value below 10^6, then a stride over the rest that visits every digit.
        let values = (0..1_000_000)
            .chain((0..100_000_000).step_by(997))
            .chain([99_999_999]);
        for v in values {
            let got = eight_digits(v);
            assert_eq!(std::str::from_utf8(&got).unwrap(), format!("{v:08}"), "{v}");
        }
        for v in [
            0u32,
            5,
            100_000_000,
            999_999_999,
            123_456_789,
            1_000_000_007,
        ] {
            let mut b = [b'x'; 10];
            put_nine_digits(&mut b, v);
            let expected = format!("{:09}x", v % 1_000_000_000);
            assert_eq!(std::str::from_utf8(&b).unwrap(), expected, "{v}");
        }
        for v in 0u64..1_000 {
            let mut out = Vec::new();
            push_u64(&mut out, v);
            assert_eq!(out, v.to_string().as_bytes(), "{v}");
        }
    }

    #[test]
    fn fixed_width_writers_match_printf() {
        for v in [0u32, 7, 10, 99, 100, 123_456_789, 999_999_999, 1_000_000] {
            let mut b = [0u8; 9];
            put_nine_digits(&mut b, v);
            assert_eq!(std::str::from_utf8(&b).unwrap(), format!("{v:09}"));
        }
        for v in [0u64, 0xF, 0x10, 0xABCDEF, 1 << 60, u64::MAX] {
            let mut out = b"x".to_vec();
            push_pow2(&mut out, v, 4);
            assert_eq!(std::str::from_utf8(&out[1..]).unwrap(), format!("{v:X}"));
            out.truncate(1);
            push_pow2(&mut out, v, 3);
            assert_eq!(std::str::from_utf8(&out[1..]).unwrap(), format!("{v:o}"));
            out.truncate(1);
            push_u64(&mut out, v);
            assert_eq!(std::str::from_utf8(&out[1..]).unwrap(), v.to_string());
        }
        for v in [0u64, 9, 10, 42, 1_000, u64::MAX] {
            let mut b = [0u8; 20];
            let n = put_u64(&mut b, v);
            assert_eq!(std::str::from_utf8(&b[..n]).unwrap(), v.to_string());
        }
    }
}

#[cfg(test)]
mod g_tests {
    use super::{push_g, push_g_exact};

    /// C's `%g` of `v`, from the C library itself.
    fn printf_g(v: f64) -> String {
        let mut buf = [0u8; 64];
        // SAFETY: the buffer's length is passed, the format is NUL-terminated and takes
        // exactly one double.
        let n = unsafe { libc::snprintf(buf.as_mut_ptr().cast(), buf.len(), c"%g".as_ptr(), v) };
        String::from_utf8_lossy(&buf[..n as usize]).into_owned()
    }

    fn g(v: f64) -> String {
        let mut out = Vec::new();
        push_g(&mut out, v);
        String::from_utf8(out).expect("ASCII")
    }

    fn g_exact(v: f64) -> String {
        let mut out = Vec::new();
        push_g_exact(&mut out, v);
        String::from_utf8(out).expect("ASCII")
    }

    /// The digits from the shortest decimal against C's `printf` and the exact formatting, on
    /// random doubles of every exponent, on values of few binary digits as traces hold
    /// (counters over 8, 10, 100, 3), on subnormals, and on values on and near a six-digit
    /// tie.
    #[test]
    fn shortest_digits_round_as_printf() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            x.wrapping_mul(0x2545_f491_4f6c_dd1d)
        };
        let mut values = Vec::new();
        for _ in 0..200_000 {
            values.push(f64::from_bits(next()));
            let k = (next() % 20_000_000) as f64;
            values.extend([k / 8.0, k / 10.0, k / 100.0, k / 3.0, -k * 0.25]);
            values.push(f64::from(f32::from_bits(next() as u32)));
            values.push(f64::from_bits(next() >> 12) * if next() % 2 == 0 { 1.0 } else { -1.0 });
        }
        values.extend([
            f64::MIN_POSITIVE,
            f64::MIN_POSITIVE.next_up(),
            1e-310,
            5e-324,
        ]);
        for k in 0..20_000u64 {
            let tie = (k * 10 + 5) as f64 * 10f64.powi((k % 40) as i32 - 20);
            values.extend([tie, tie.next_up(), tie.next_down()]);
        }
        for v in values {
            let expected = printf_g(v);
            assert_eq!(g(v), expected, "{v:e}");
            assert_eq!(g_exact(v), expected, "exact {v:e}");
        }
    }
}

#[cfg(test)]
mod decimal_tests {
    use super::{push_i64, push_u64};

    /// Every number of digits, each power of ten and its neighbours, and random values of
    /// every width, against the standard library's formatting.
    #[test]
    fn decimals_match_to_string() {
        let mut values = vec![0u64, u64::MAX, u64::MAX - 1];
        let mut p = 1u64;
        for _ in 0..20 {
            values.extend([p - 1, p, p + 1, p.saturating_mul(5)]);
            p = p.saturating_mul(10);
        }
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 64));
        }
        for v in values {
            let mut out = b"x".to_vec();
            push_u64(&mut out, v);
            assert_eq!(std::str::from_utf8(&out[1..]).unwrap(), v.to_string());
            let mut out = Vec::new();
            push_i64(&mut out, v as i64);
            assert_eq!(std::str::from_utf8(&out).unwrap(), (v as i64).to_string());
        }
    }
}

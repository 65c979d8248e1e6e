//! Field values as babeltrace2's `sink.text.pretty` writes them, walking a flat pre-order value
//! list together with its field-class tree in one pass.

use crate::ctf::ir::{ArrayType, Encoding, EnumType, FieldType, SequenceType};
use crate::ctf::value::{Value, subtree_len};

use super::num::{push_g, push_int, push_u64};
use super::plan::TracePlan;
use super::recall::StaleText;

/// Writes one field whose subtree starts at `values[0]` and returns how many values it used.
/// `None` means the values do not match the class (a decoder bug or a truncated decode): the
/// caller stops writing that scope, leaving what was written so far.
pub fn write_field(
    out: &mut Vec<u8>,
    plan: &TracePlan,
    ty: &FieldType,
    values: &[Value],
    data: &[u8],
    stale: &mut StaleText,
) -> Option<usize> {
    let head = *values.first()?;
    match (ty, head) {
        (FieldType::Int(int), Value::UInt(u)) => push_int(out, int, u),
        (FieldType::Int(int), Value::SInt(i)) => push_int(out, int, i as u64),
        (FieldType::Enum(e), Value::UInt(u)) => write_enum(out, e, i128::from(u), u),
        (FieldType::Enum(e), Value::SInt(i)) => write_enum(out, e, i128::from(i), i as u64),
        (FieldType::Float(_), Value::Float(f)) => push_g(out, f),
        (FieldType::Array(ArrayType { element, .. }), Value::Text { start, len })
        | (FieldType::Sequence(SequenceType { element, .. }), Value::Text { start, len })
            if !is_bt2_text(element) =>
        {
            write_byte_elements(out, element, data, start, len);
        }
        (_, Value::Text { start, len }) => {
            push_escaped(out, stale.resolve(text_of(data, start, len)));
        }
        (FieldType::Struct(s), Value::Struct) => {
            out.push(b'{');
            let mut at = 1;
            let mut printed = 0usize;
            for field in &s.fields {
                let rest = values.get(at..)?;
                if plan.is_hidden(&field.ty) {
                    at += subtree_len(&field.ty, rest)?;
                    continue;
                }
                if printed == 0 {
                    out.push(b' ');
                } else {
                    out.extend_from_slice(b", ");
                }
                out.extend_from_slice(field.display_name.as_bytes());
                out.extend_from_slice(b" = ");
                at += write_field(out, plan, &field.ty, rest, data, stale)?;
                printed += 1;
            }
            out.extend_from_slice(b" }");
            return Some(at);
        }
        (FieldType::Array(ArrayType { element, .. }), Value::Array { len })
        | (FieldType::Sequence(SequenceType { element, .. }), Value::Array { len }) => {
            if is_bt2_text(element) {
                return write_text_elements(out, len, values);
            }
            return write_elements(out, plan, element, len, values, data, stale);
        }
        (FieldType::Variant(v), Value::Variant { option }) => {
            // Only the selected option's value, without its name.
            let field = v.options.get(option as usize)?;
            out.extend_from_slice(b"{ ");
            let used = write_field(out, plan, &field.ty, values.get(1..)?, data, stale)?;
            out.extend_from_slice(b" }");
            return Some(1 + used);
        }
        _ => return None,
    }
    Some(1)
}

/// Writes `[ [0] = a, [1] = b ]` (`[ ]` when empty).
fn write_elements(
    out: &mut Vec<u8>,
    plan: &TracePlan,
    element: &FieldType,
    len: u64,
    values: &[Value],
    data: &[u8],
    stale: &mut StaleText,
) -> Option<usize> {
    let mut at = 1;
    let count = usize::try_from(len).ok()?;
    write_indexed(out, count, |out, _| {
        at += write_field(out, plan, element, values.get(at..)?, data, stale)?;
        Some(())
    })?;
    Some(at)
}

/// Writes `count` elements as `[ [0] = a, [1] = b ]` (`[ ]` when none), each value by
/// `element` given its index; stops at the first `None`, which it returns.
#[inline(always)]
pub(crate) fn write_indexed(
    out: &mut Vec<u8>,
    count: usize,
    mut element: impl FnMut(&mut Vec<u8>, usize) -> Option<()>,
) -> Option<()> {
    out.push(b'[');
    for i in 0..count {
        // One copy of constant size per branch: a slice of either length was a call to
        // `memcpy` per element.
        if i == 0 {
            out.extend_from_slice(b" [");
        } else {
            out.extend_from_slice(b", [");
        }
        push_u64(out, i as u64);
        out.extend_from_slice(b"] = ");
        element(out, i)?;
    }
    out.extend_from_slice(b" ]");
    Some(())
}

/// Whether babeltrace2 shows an array or sequence of `element` as a string: elements are
/// 8-bit integers or enumerations aligned on exactly 8 bits with a text encoding. The decoder
/// may disagree at the edges (other alignments, enumerations): the printer follows bt2.
pub(crate) fn is_bt2_text(element: &FieldType) -> bool {
    let int = match element {
        FieldType::Int(i) => i,
        FieldType::Enum(e) => &e.container,
        _ => return false,
    };
    int.size_bits == 8 && int.align_bits == 8 && int.encoding != Encoding::None
}

/// An array the decoder gave as bytes but babeltrace2 shows element by element.
fn write_byte_elements(
    out: &mut Vec<u8>,
    element: &FieldType,
    data: &[u8],
    start: usize,
    len: usize,
) {
    let bytes = start
        .checked_add(len)
        .and_then(|end| data.get(start..end))
        .unwrap_or(&[]);
    // The 64-bit two's complement of a byte element.
    let widen = |b: u8, signed: bool| if signed { b as i8 as u64 } else { u64::from(b) };
    write_indexed(out, bytes.len(), |out, i| {
        let b = bytes[i];
        match element {
            FieldType::Enum(e) => {
                let bits = widen(b, e.container.signed);
                write_enum(out, e, i128::from(bits as i64), bits);
            }
            FieldType::Int(int) => push_int(out, int, widen(b, int.signed)),
            _ => {}
        }
        Some(())
    });
}

/// A text array the decoder gave element by element: a string up to the first NUL.
fn write_text_elements(out: &mut Vec<u8>, len: u64, values: &[Value]) -> Option<usize> {
    let count = usize::try_from(len).ok()?;
    let elements = values.get(1..count.checked_add(1)?)?;
    out.push(b'"');
    for v in elements {
        let byte = match *v {
            Value::UInt(u) => u as u8,
            Value::SInt(i) => i as u8,
            _ => return None,
        };
        if byte == 0 {
            break;
        }
        push_escaped_byte(out, byte);
    }
    out.push(b'"');
    Some(1 + count)
}

/// Writes `( "A", "B" : container = 3 )`, or `( <unknown> : container = 3 )` when no label
/// covers the value.
pub(crate) fn write_enum(out: &mut Vec<u8>, e: &EnumType, value: i128, bits: u64) {
    write_enum_labels(out, e, value);
    push_int(out, &e.container, bits);
    out.extend_from_slice(b" )");
}

/// What [`write_enum`] writes before the container's value: `( "A", "B" : container = `.
pub(crate) fn write_enum_labels(out: &mut Vec<u8>, e: &EnumType, value: i128) {
    out.extend_from_slice(b"( ");
    let mut labels = 0usize;
    for label in e.labels_of(value) {
        if labels > 0 {
            out.extend_from_slice(b", ");
        }
        push_escaped(out, label.as_bytes());
        labels += 1;
    }
    if labels == 0 {
        out.extend_from_slice(b"<unknown>");
    }
    out.extend_from_slice(b" : container = ");
}

/// The bytes of a text value up to its first NUL (babeltrace2 handles C strings); an
/// out-of-range value reads as empty.
pub(crate) fn text_of(data: &[u8], start: usize, len: usize) -> &[u8] {
    let bytes = start
        .checked_add(len)
        .and_then(|end| data.get(start..end))
        .unwrap_or(&[]);
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    &bytes[..end]
}

/// The escape babeltrace2 writes for a byte, if any: C escapes for `\ ' " ?` and the usual
/// control characters, `\xNN` for other C-locale control characters (0x01-0x1F, 0x7F). Every
/// other byte, UTF-8 and invalid sequences included, goes out unchanged.
fn escape_of(b: u8) -> Option<&'static [u8]> {
    Some(match b {
        b'\\' => b"\\\\",
        b'\'' => b"\\'",
        b'"' => b"\\\"",
        b'?' => b"\\?",
        0x07 => b"\\a",
        0x08 => b"\\b",
        0x1b => b"\\e",
        0x0c => b"\\f",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\t' => b"\\t",
        0x0b => b"\\v",
        _ => return None,
    })
}

/// Whether each byte value needs an escape: a table, where the test of the six cases cost
/// seven instructions per byte of every printed string.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(b as u8, 0..=0x1f | 0x7f | b'\\' | b'\'' | b'"' | b'?');
        b += 1;
    }
    t
};

#[inline(always)]
fn needs_escape(b: u8) -> bool {
    NEEDS_ESCAPE[usize::from(b)]
}

/// Writes one byte with babeltrace2's escaping.
fn push_escaped_byte(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if !needs_escape(b) {
        out.push(b);
        return;
    }
    match escape_of(b) {
        Some(esc) => out.extend_from_slice(esc),
        None => out.extend_from_slice(&[
            b'\\',
            b'x',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xf)],
        ]),
    }
}

/// Texts up to this length are escaped byte by byte ([`push_escaped`]).
const SHORT_TEXT: usize = 16;

/// Writes `bytes` between double quotes with babeltrace2's escaping.
pub fn push_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    if bytes.len() <= SHORT_TEXT {
        // Byte by byte: a copy of a varying length is a call to `memcpy`, which costs more
        // than the loop for names and labels of a few bytes.
        out.reserve(bytes.len() + 1);
        for &b in bytes {
            if needs_escape(b) {
                push_escaped_byte(out, b);
            } else {
                out.push(b);
            }
        }
        out.push(b'"');
        return;
    }
    // Copy runs of plain bytes at once: most strings need no escaping at all.
    let mut plain_from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if needs_escape(b) {
            out.extend_from_slice(&bytes[plain_from..i]);
            push_escaped_byte(out, b);
            plain_from = i + 1;
        }
    }
    out.extend_from_slice(&bytes[plain_from..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::{SHORT_TEXT, push_escaped};

    /// Short texts (escaped byte by byte) and long ones (copied in runs) escape every byte
    /// value alike; the long path is checked against babeltrace2 in `tests_text`.
    #[test]
    fn short_and_long_texts_escape_alike() {
        for b in 0..=255u8 {
            let short = [b'x', b, b'y'];
            let mut long = vec![b'x'; SHORT_TEXT];
            long.extend_from_slice(&[b, b'y']);
            let (mut s, mut l) = (Vec::new(), Vec::new());
            push_escaped(&mut s, &short);
            push_escaped(&mut l, &long);
            let mut expected = vec![b'"'];
            expected.extend(std::iter::repeat_n(b'x', SHORT_TEXT - 1));
            expected.extend_from_slice(&s[1..]);
            assert_eq!(l, expected, "byte {b:#x}");
            let plain = b >= 0x20 && b != 0x7f && !b"\\'\"?".contains(&b);
            assert_eq!(
                s.len() == 5,
                plain,
                "byte {b:#x}: {:?}",
                String::from_utf8_lossy(&s)
            );
        }
    }
}

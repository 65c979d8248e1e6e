//! Payload encoding driven by the same [`FieldDesc`]s that produce the metadata.

use super::metadata::{FieldDesc, FieldType};

/// One field value to encode.
#[derive(Debug, Clone, Copy)]
pub enum Val<'a> {
    /// Any integer-like field (sign-extended or truncated to the field's width), and the
    /// packed values of [`FieldType::V4Seq`], [`FieldType::FdSet`], [`FieldType::Vtids`].
    I(u64),
    /// A string field.
    S(&'a str),
    /// A `char[16]` comm.
    C(&'a [u8; 16]),
}

/// Why a payload could not be encoded: the values do not match the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("payload value {index} does not fit field type {ty:?}")]
pub struct PayloadMismatch {
    /// Index of the offending field.
    pub index: usize,
    /// Its declared type.
    pub ty: FieldType,
}

/// Appends the little-endian encoding of `vals` for `fields` to `out`.
///
/// Fields without a value (when `vals` is shorter) are encoded as zero / empty, which keeps
/// call sites short for the many pointer fields nobody reads.
pub fn encode(
    fields: &[FieldDesc],
    vals: &[Val<'_>],
    out: &mut Vec<u8>,
) -> Result<(), PayloadMismatch> {
    for (index, f) in fields.iter().enumerate() {
        let v = vals.get(index).copied().unwrap_or(match f.ty {
            FieldType::Str => Val::S(""),
            FieldType::V4Seq => Val::I(u64::MAX),
            _ => Val::I(0),
        });
        encode_one(f.ty, v, out).map_err(|WrongValue| PayloadMismatch { index, ty: f.ty })?;
    }
    Ok(())
}

/// A value that does not fit its field type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrongValue;

/// Appends one field; `Err` when the value does not fit the type.
#[inline]
pub fn encode_one(ty: FieldType, v: Val<'_>, out: &mut Vec<u8>) -> Result<(), WrongValue> {
    match (ty, v) {
        (FieldType::U8, Val::I(x)) => out.push(x as u8),
        (FieldType::U16, Val::I(x)) => out.extend_from_slice(&(x as u16).to_le_bytes()),
        (
            FieldType::U32
            | FieldType::I32
            | FieldType::Oct32
            | FieldType::Hex32
            | FieldType::Enum(_),
            Val::I(x),
        ) => out.extend_from_slice(&(x as u32).to_le_bytes()),
        (FieldType::U64 | FieldType::I64 | FieldType::Hex64, Val::I(x)) => {
            out.extend_from_slice(&x.to_le_bytes());
        }
        (FieldType::BeU16, Val::I(x)) => out.extend_from_slice(&(x as u16).to_be_bytes()),
        (FieldType::BeHex32, Val::I(x)) => out.extend_from_slice(&(x as u32).to_be_bytes()),
        (FieldType::Comm, Val::C(c)) => out.extend_from_slice(c),
        (FieldType::Str, Val::S(s)) => {
            // A NUL inside would end the string early and desynchronise the reader.
            out.extend(s.bytes().filter(|&b| b != 0));
            out.push(0);
        }
        (FieldType::V4Seq, Val::I(x)) => {
            if x == u64::MAX {
                out.extend_from_slice(&0u32.to_le_bytes());
            } else {
                out.extend_from_slice(&4u32.to_le_bytes());
                out.extend_from_slice(&(x as u32).to_be_bytes());
            }
        }
        (FieldType::V6Seq, Val::I(_)) => out.extend_from_slice(&0u32.to_le_bytes()),
        (FieldType::FdSet, Val::I(x)) => {
            let n = ((x >> 56) as usize).min(7);
            out.push(n as u8);
            out.extend_from_slice(&x.to_le_bytes()[..n]);
        }
        (FieldType::Vtids, Val::I(x)) => {
            out.push(1);
            out.extend_from_slice(&(x as u32).to_le_bytes());
        }
        _ => return Err(WrongValue),
    }
    Ok(())
}

/// Builds a `char[16]` comm from a name, truncated to 15 bytes like the kernel does.
pub fn comm(name: &str) -> [u8; 16] {
    let mut c = [0u8; 16];
    let b = name.as_bytes();
    let n = b.len().min(15);
    c[..n].copy_from_slice(&b[..n]);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_network_fields_big_endian() {
        const F: &[FieldDesc] = &[
            FieldDesc {
                name: "dport",
                ty: FieldType::BeU16,
            },
            FieldDesc {
                name: "v4addr",
                ty: FieldType::V4Seq,
            },
            FieldDesc {
                name: "v6addr",
                ty: FieldType::V6Seq,
            },
        ];
        let mut out = Vec::new();
        encode(F, &[Val::I(53), Val::I(0x0808_0606)], &mut out).unwrap();
        assert_eq!(out, [0, 53, 4, 0, 0, 0, 8, 8, 6, 6, 0, 0, 0, 0]);
    }

    #[test]
    fn rejects_mismatched_values() {
        const F: &[FieldDesc] = &[FieldDesc {
            name: "comm",
            ty: FieldType::Comm,
        }];
        let mut out = Vec::new();
        assert!(encode(F, &[Val::I(1)], &mut out).is_err());
    }
}

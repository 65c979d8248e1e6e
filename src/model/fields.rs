//! Reading payload members by position instead of by name.
//!
//! A decoded scope is a flat pre-order list of values. When every member before the one we
//! want has a fixed number of values (scalars, strings, text arrays, fixed arrays of
//! scalars), the wanted member sits at a fixed position for every event of the class, so the
//! position is computed once per event class and each event reads one slice element. Members
//! behind a sequence or a variant fall back to a lookup by name.

use crate::ctf::ir::{FieldType, StructType};
use crate::ctf::value::{FieldsRef, Value};

/// Where a member is in a scope's value list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Slot {
    /// The class has no such member.
    #[default]
    Missing,
    /// At this index of `FieldsRef::values`.
    At(u32),
    /// After a variable-length member: look it up by name.
    Named(&'static str),
}

impl Slot {
    /// Whether the class has the member at all.
    pub fn present(self) -> bool {
        self != Slot::Missing
    }
}

/// Number of values a member of class `ty` always occupies, or `None` when it varies.
fn fixed_len(ty: &FieldType) -> Option<usize> {
    match ty {
        FieldType::Int(_) | FieldType::Float(_) | FieldType::Enum(_) | FieldType::String(_) => {
            Some(1)
        }
        _ if ty.is_text_container() => Some(1),
        FieldType::Array(a) => {
            let each = fixed_len(&a.element)?;
            let n = usize::try_from(a.length).ok()?;
            each.checked_mul(n)?.checked_add(1)
        }
        FieldType::Struct(s) => s
            .fields
            .iter()
            .try_fold(1usize, |acc, f| acc.checked_add(fixed_len(&f.ty)?)),
        FieldType::Sequence(_) | FieldType::Variant(_) => None,
    }
}

/// The first of `names` that a member of the structure `s` has (as its name or its name
/// shown without a leading underscore), with that member's position.
fn find_member(s: &StructType, names: &[&'static str]) -> Option<(usize, &'static str)> {
    names.iter().find_map(|&name| {
        let i = s
            .fields
            .iter()
            .position(|f| f.display_name == name || f.name == name)?;
        Some((i, name))
    })
}

/// The slot of the first of `names` that the structure `scope` has.
pub fn resolve(scope: Option<&FieldType>, names: &[&'static str]) -> Slot {
    let Some(FieldType::Struct(s)) = scope else {
        return Slot::Missing;
    };
    let Some((i, name)) = find_member(s, names) else {
        return Slot::Missing;
    };
    let at = s.fields[..i]
        .iter()
        .try_fold(1usize, |acc, f| acc.checked_add(fixed_len(&f.ty)?));
    match at.and_then(|a| u32::try_from(a).ok()) {
        Some(a) => Slot::At(a),
        None => Slot::Named(name),
    }
}

/// The position among the members of the structure `scope` of the member [`resolve`] finds
/// for `names`.
pub fn member_index(scope: Option<&FieldType>, names: &[&'static str]) -> Option<usize> {
    match scope {
        Some(FieldType::Struct(s)) => find_member(s, names).map(|(i, _)| i),
        _ => None,
    }
}

/// The sub-list of values starting at the member in `slot`.
#[inline]
pub(super) fn sub<'a>(f: &FieldsRef<'a>, slot: Slot) -> Option<FieldsRef<'a>> {
    match slot {
        Slot::Missing => None,
        Slot::At(i) => Some(FieldsRef {
            ty: f.ty,
            values: f.values.get(i as usize..)?,
            data: f.data,
        }),
        Slot::Named(name) => f.get(name),
    }
}

/// The member as an integer (pointers and other u64 values wrap into i64).
#[inline]
pub fn int(f: Option<&FieldsRef<'_>>, slot: Slot) -> Option<i64> {
    let f = f?;
    let v = match slot {
        Slot::Missing => return None,
        Slot::At(i) => *f.values.get(i as usize)?,
        Slot::Named(name) => f.get(name)?.head()?,
    };
    match v {
        Value::UInt(u) => Some(u as i64),
        Value::SInt(i) => Some(i),
        _ => None,
    }
}

/// The member as text bytes (up to the first NUL).
#[inline]
pub fn text<'a>(f: Option<&FieldsRef<'a>>, slot: Slot) -> Option<&'a [u8]> {
    sub(f?, slot)?.text_bytes()
}

/// The one fd set in an `fd_set` bitmap member (`select`'s `readfds`: one byte per eight
/// fds, lowest fd in the lowest bit), or `None` when the set is empty, holds several fds, or
/// is not a byte sequence. A call waiting on several fds has no single fd to resolve, and
/// guessing one would point the user at the wrong socket.
pub fn only_fd_in_set(f: Option<&FieldsRef<'_>>, slot: Slot) -> Option<i64> {
    let s = sub(f?, slot)?;
    let Value::Array { len } = s.head()? else {
        return None;
    };
    // FD_SETSIZE is 1024 bits; a longer set is damage, not a bigger machine.
    if len > 128 {
        return None;
    }
    let mut found = None;
    for i in 0..len as usize {
        let byte = match s.values.get(1 + i)? {
            Value::UInt(u) => *u,
            _ => return None,
        };
        if byte == 0 {
            continue;
        }
        if found.is_some() || byte.count_ones() != 1 {
            return None;
        }
        found = Some(i as i64 * 8 + i64::from(byte.trailing_zeros()));
    }
    found
}

/// The first `N` integer elements of an array member (`fildes[2]`, `v4addr[4]`).
pub fn int_array<const N: usize>(f: Option<&FieldsRef<'_>>, slot: Slot) -> Option<[i64; N]> {
    let s = sub(f?, slot)?;
    let Value::Array { len } = s.head()? else {
        return None;
    };
    if len < N as u64 {
        return None;
    }
    let mut out = [0i64; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = match s.values.get(1 + i)? {
            Value::UInt(u) => *u as i64,
            Value::SInt(v) => *v,
            _ => return None,
        };
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctf::ir::Encoding;

    fn set(bytes: &[u64]) -> Option<i64> {
        let ty = FieldType::String(Encoding::None);
        let mut values = vec![Value::Array {
            len: bytes.len() as u64,
        }];
        values.extend(bytes.iter().map(|&b| Value::UInt(b)));
        let f = FieldsRef {
            ty: &ty,
            values: &values,
            data: &[],
        };
        only_fd_in_set(Some(&f), Slot::At(0))
    }

    #[test]
    fn a_set_with_one_fd_resolves_to_it() {
        assert_eq!(set(&[0x00, 0x20]), Some(13));
        assert_eq!(set(&[0x01]), Some(0));
        assert_eq!(set(&[0, 0, 0, 0x80]), Some(31));
    }

    #[test]
    fn empty_or_several_fds_resolve_to_none() {
        assert_eq!(set(&[]), None);
        assert_eq!(set(&[0, 0]), None);
        assert_eq!(set(&[0x03]), None);
        assert_eq!(set(&[0x01, 0x01]), None);
        assert_eq!(set(&[0; 129]), None);
    }
}

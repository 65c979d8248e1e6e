//! Decoded field values.
//!
//! The decoder writes one scope (a packet header, an event payload, ...) as a flat list of
//! [`Value`]s in pre-order: a compound value is followed by its children, so the list is walked
//! together with the scope's [`FieldType`] tree. Flat lists are reused from event to event, so
//! decoding allocates nothing per event; strings stay in the mapped file and are referred to by
//! byte range.

use super::ir::{Field, FieldType};

/// One decoded value in a flat pre-order list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Unsigned integer, or the value of an enumeration with an unsigned container.
    UInt(u64),
    /// Signed integer, or the value of an enumeration with a signed container.
    SInt(i64),
    /// Floating point value (32-bit floats are widened exactly).
    Float(f64),
    /// A string without its NUL, or a whole text array/sequence (printers stop at its first
    /// NUL), as a byte range of the stream's data.
    Text {
        /// Byte offset in the stream data.
        start: usize,
        /// Length in bytes.
        len: usize,
    },
    /// A structure; one subtree per member follows.
    Struct,
    /// An array or sequence of `len` elements (not text); one subtree per element follows.
    Array {
        /// Number of elements.
        len: u64,
    },
    /// A variant; the subtree of the selected option follows.
    Variant {
        /// Index into the variant's options.
        option: u32,
    },
}

impl Value {
    /// The value as a signed 128-bit integer when it is an integer.
    pub fn as_i128(&self) -> Option<i128> {
        match *self {
            Value::UInt(u) => Some(i128::from(u)),
            Value::SInt(i) => Some(i128::from(i)),
            _ => None,
        }
    }

    /// The value as u64 when it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::UInt(u) => Some(u),
            Value::SInt(i) => u64::try_from(i).ok(),
            _ => None,
        }
    }
}

/// Number of [`Value`]s the subtree starting at `values[0]` occupies, for a field of class `ty`.
/// Returns `None` when the list is shorter than the type says (a bug or a partial decode).
pub fn subtree_len(ty: &FieldType, values: &[Value]) -> Option<usize> {
    let head = values.first()?;
    match (ty, head) {
        (FieldType::Struct(s), Value::Struct) => {
            let mut at = 1;
            for field in &s.fields {
                at += subtree_len(&field.ty, values.get(at..)?)?;
            }
            Some(at)
        }
        (FieldType::Array(_) | FieldType::Sequence(_), Value::Text { .. }) => Some(1),
        (FieldType::Array(a), Value::Array { len }) => elements_len(&a.element, *len, values),
        (FieldType::Sequence(s), Value::Array { len }) => elements_len(&s.element, *len, values),
        (FieldType::Variant(v), Value::Variant { option }) => {
            let field = v.options.get(*option as usize)?;
            Some(1 + subtree_len(&field.ty, values.get(1..)?)?)
        }
        _ => Some(1),
    }
}

fn elements_len(element: &FieldType, len: u64, values: &[Value]) -> Option<usize> {
    let mut at = 1;
    for _ in 0..len {
        at += subtree_len(element, values.get(at..)?)?;
    }
    Some(at)
}

/// A decoded compound field together with its class: the unit printers and analyses read.
#[derive(Debug, Clone, Copy)]
pub struct FieldsRef<'a> {
    /// The class of the subtree (usually a structure).
    pub ty: &'a FieldType,
    /// The flat values of the subtree, starting with its head.
    pub values: &'a [Value],
    /// The stream data that [`Value::Text`] ranges point into.
    pub data: &'a [u8],
}

impl<'a> FieldsRef<'a> {
    /// The head value of this subtree.
    pub fn head(&self) -> Option<Value> {
        self.values.first().copied()
    }

    /// The members of a structure, each with its own subtree.
    pub fn members(&self) -> Members<'a> {
        let fields: &'a [Field] = match self.ty {
            FieldType::Struct(s) => &s.fields,
            _ => &[],
        };
        Members {
            fields,
            values: self.values.get(1..).unwrap_or(&[]),
            data: self.data,
        }
    }

    /// The member of a structure with this display name (or original name).
    pub fn get(&self, name: &str) -> Option<FieldsRef<'a>> {
        self.members()
            .find(|(f, _)| f.display_name == name || f.name == name)
            .map(|(_, v)| v)
    }

    /// The member's value as an integer (enumerations included).
    pub fn get_i128(&self, name: &str) -> Option<i128> {
        self.get(name)?.head()?.as_i128()
    }

    /// Bytes of a text value (up to, not including, the first NUL).
    pub fn text_bytes(&self) -> Option<&'a [u8]> {
        match self.head()? {
            Value::Text { start, len } => {
                let bytes = self.data.get(start..start.checked_add(len)?)?;
                let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
                Some(&bytes[..end])
            }
            _ => None,
        }
    }
}

/// Iterator over the members of a decoded structure.
#[derive(Debug, Clone)]
pub struct Members<'a> {
    fields: &'a [Field],
    values: &'a [Value],
    data: &'a [u8],
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a Field, FieldsRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let (field, rest) = self.fields.split_first()?;
        let len = subtree_len(&field.ty, self.values)?;
        let (mine, after) = self.values.split_at(len.min(self.values.len()));
        self.fields = rest;
        self.values = after;
        Some((
            field,
            FieldsRef {
                ty: &field.ty,
                values: mine,
                data: self.data,
            },
        ))
    }
}

//! Serialising integer columns as one byte string each (little endian) instead of one
//! serde element per value: the cache then loads a column with a single bulk conversion,
//! which is what makes reopening a large trace's model cheap compared with building it.
//!
//! Use with `#[serde(with = "columns")]` on `Vec<T>` or `ThinVec<T>` fields of the integer types below.

use serde::de::{Error, Visitor};
use serde::{Deserializer, Serializer};

/// Integers with a fixed little-endian byte form.
pub trait Le: Copy {
    /// Bytes per value.
    const SIZE: usize;
    /// Appends the little-endian bytes.
    fn put(self, out: &mut Vec<u8>);
    /// Reads from exactly `SIZE` bytes.
    fn take(b: &[u8]) -> Self;
}

macro_rules! le {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            #[inline]
            fn put(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            #[inline]
            fn take(b: &[u8]) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(b);
                <$t>::from_le_bytes(a)
            }
        }
    )*};
}
le!(u8, i8, u16, i16, u32, i32, u64);

/// Writes `v` as one byte string.
pub fn serialize<S: Serializer, T: Le>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
    let mut bytes = Vec::with_capacity(v.len() * T::SIZE);
    for &x in v {
        x.put(&mut bytes);
    }
    s.serialize_bytes(&bytes)
}

struct ColumnVisitor<T, C>(std::marker::PhantomData<(T, C)>);

impl<T: Le, C: FromIterator<T>> Visitor<'_> for ColumnVisitor<T, C> {
    type Value = C;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a byte string of {}-byte integers", T::SIZE)
    }

    fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<C, E> {
        if !b.len().is_multiple_of(T::SIZE) {
            return Err(E::invalid_length(b.len(), &self));
        }
        Ok(b.chunks_exact(T::SIZE).map(T::take).collect())
    }

    fn visit_byte_buf<E: Error>(self, b: Vec<u8>) -> Result<C, E> {
        self.visit_bytes(&b)
    }
}

/// Reads a column written by [`serialize`], into any collection (`Vec`, `ThinVec`).
pub fn deserialize<'de, D: Deserializer<'de>, T: Le, C: FromIterator<T>>(
    d: D,
) -> Result<C, D::Error> {
    d.deserialize_bytes(ColumnVisitor(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Cols {
        #[serde(with = "super")]
        a: Vec<u32>,
        #[serde(with = "super")]
        b: Vec<i16>,
        #[serde(with = "super")]
        c: Vec<u64>,
    }

    #[test]
    fn columns_round_trip_through_bincode() {
        let x = Cols {
            a: vec![1, u32::MAX, 7],
            b: vec![-1, i16::MIN, 300],
            c: vec![],
        };
        let bytes = bincode::serialize(&x).expect("serialize");
        let y: Cols = bincode::deserialize(&bytes).expect("deserialize");
        assert_eq!(x, y);
    }
}

//! Serialising integer columns as one byte string each (little endian) instead of one
//! serde element per value: the cache then loads a column with a single bulk conversion,
//! which is what makes reopening a large trace's model cheap compared with building it.
//!
//! Use with `#[serde(with = "columns")]` on `Vec<T>` or `ThinVec<T>` fields of the integer types below.

use std::mem::MaybeUninit;

use serde::de::{Error, Visitor};
use serde::{Deserializer, Serializer};
use thin_vec::ThinVec;

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

/// A collection a column can be read into, filled from little-endian bytes in one pass.
pub trait Column<T: Le>: Sized {
    /// The values of `bytes`, whose length is a multiple of `T::SIZE`.
    fn from_le(bytes: &[u8]) -> Self;
}

impl<T: Le> Column<T> for Vec<T> {
    fn from_le(bytes: &[u8]) -> Self {
        bytes.chunks_exact(T::SIZE).map(T::take).collect()
    }
}

impl<T: Le> Column<T> for ThinVec<T> {
    /// Written through a slice of uninitialised slots, not pushed: `ThinVec`'s `extend`
    /// pushes one value at a time, storing its length in the heap header after each, which
    /// cost about 12 instructions per value and was two thirds of a cached reopen of the
    /// 1 GB benchmark trace; this loop compiles to a copy.
    fn from_le(bytes: &[u8]) -> Self {
        let n = bytes.len() / T::SIZE;
        let mut slots: ThinVec<MaybeUninit<T>> = ThinVec::with_capacity(n);
        // SAFETY: the capacity is at least `n`, and `MaybeUninit` slots need no
        // initialisation, so they may be counted in the length before being written.
        unsafe { slots.set_len(n) };
        for (slot, b) in slots.iter_mut().zip(bytes.chunks_exact(T::SIZE)) {
            slot.write(T::take(b));
        }
        // SAFETY: every one of the `n` slots was written above. A `ThinVec` is one pointer
        // to a header followed by the elements, laid out by the element's size and
        // alignment only, which `MaybeUninit<T>` shares with `T`; the allocation is thus
        // exactly that of a `ThinVec<T>` of the same length and capacity.
        unsafe { std::mem::transmute::<ThinVec<MaybeUninit<T>>, ThinVec<T>>(slots) }
    }
}

struct ColumnVisitor<T, C>(std::marker::PhantomData<(T, C)>);

impl<T: Le, C: Column<T>> Visitor<'_> for ColumnVisitor<T, C> {
    type Value = C;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a byte string of {}-byte integers", T::SIZE)
    }

    fn visit_bytes<E: Error>(self, b: &[u8]) -> Result<C, E> {
        if !b.len().is_multiple_of(T::SIZE) {
            return Err(E::invalid_length(b.len(), &self));
        }
        Ok(C::from_le(b))
    }

    fn visit_byte_buf<E: Error>(self, b: Vec<u8>) -> Result<C, E> {
        self.visit_bytes(&b)
    }
}

/// Reads a column written by [`serialize`], into a `Vec` or a `ThinVec`.
pub fn deserialize<'de, D: Deserializer<'de>, T: Le, C: Column<T>>(d: D) -> Result<C, D::Error> {
    d.deserialize_bytes(ColumnVisitor(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use thin_vec::{ThinVec, thin_vec};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Cols {
        #[serde(with = "super")]
        a: Vec<u32>,
        #[serde(with = "super")]
        b: Vec<i16>,
        #[serde(with = "super")]
        c: Vec<u64>,
        #[serde(with = "super")]
        d: ThinVec<u16>,
        #[serde(with = "super")]
        e: ThinVec<u64>,
        #[serde(with = "super")]
        f: ThinVec<i8>,
    }

    #[test]
    fn columns_round_trip_through_bincode() {
        let x = Cols {
            a: vec![1, u32::MAX, 7],
            b: vec![-1, i16::MIN, 300],
            c: vec![],
            // Long enough for the copy loop's vector body and its scalar tail.
            d: (0..1003u32).map(|i| (i * 65_521) as u16).collect(),
            e: thin_vec![u64::MAX, 0, 1 << 40],
            f: ThinVec::new(),
        };
        let bytes = bincode::serialize(&x).expect("serialize");
        let y: Cols = bincode::deserialize(&bytes).expect("deserialize");
        assert_eq!(x, y);
    }
}

//! The bytes a reduced event crosses between cores in (see [`super::reduced`]): written by
//! [`RecordWriter`], read by [`Fields`], and by nothing else.
//!
//! Layout (little-endian):
//!
//! ```text
//! u8 context mask: 1 cpu_id, 2 tid, 4 pid
//! u8 cell mask: bit k when the plan has payload slot k (it then has a cell)
//! u8 integer mask, u8 text mask, u8 array mask: which slots hold a value, and of what kind
//! i64 per context in the context mask, in that order
//! the bodies of the texts and arrays, in the order written:
//!   text: the bytes up to the first NUL
//!   array: u64 length, u8 leading integer elements kept (at most 4), i64 each,
//!          u8 whether the array is an fd set holding exactly one fd, i64 that fd
//! u64 cell per slot in the cell mask, in slot order, ending the record (zero when the slot
//! holds nothing):
//!   integer: the i64
//!   text, array: u32 offset of its body from the end of the contexts, u32 body length
//! ```
//!
//! The state machine reads each record once. Every slot's cell has a fixed place, so reading
//! one is a bit test, a count of the bits below it and a load: walking a list of tagged
//! values of varying lengths to find the slots was a tenth of that thread's time. The cells
//! come last so that the writer keeps them in registers until the bodies are written.

const HAS_CPU: u8 = 1;
const HAS_TID: u8 = 2;
const HAS_PID: u8 = 4;

/// Header bytes: the five masks.
const CONTEXTS: usize = 0;
const CELLS: usize = 1;
const INTS: usize = 2;
const TEXTS: usize = 3;
const ARRAYS: usize = 4;
const HEADER: usize = 5;

/// Array elements kept: `v4addr[4]` is the longest array the model reads element by element.
pub const ARRAY_KEPT: usize = 4;

/// A record's contexts: `cpu_id`, `tid`, `pid`, each when the event has it.
pub type Contexts = [Option<i64>; 3];

/// Each context with its mask bit, in the order the record stores them. (Walked as an
/// array with a test per entry: a `filter_map` over it compiled to 20 more instructions per
/// event on the decoding threads.)
#[inline(always)]
fn with_bits([cpu, tid, pid]: Contexts) -> [(u8, Option<i64>); 3] {
    [(HAS_CPU, cpu), (HAS_TID, tid), (HAS_PID, pid)]
}

/// Writes one record at the end of a buffer: [`Self::begin`], the slots in any order (each
/// at most once), then [`Self::finish`].
pub struct RecordWriter {
    start: usize,
    /// The header's masks.
    masks: [u8; HEADER],
    /// Where the bodies start.
    bodies: usize,
    /// Cells by slot.
    cells: [u64; 8],
}

impl RecordWriter {
    /// Starts a record with its contexts, and a cell for each slot of `cell_mask`.
    #[inline]
    pub fn begin(out: &mut Vec<u8>, contexts: Contexts, cell_mask: u8) -> RecordWriter {
        let start = out.len();
        let mut masks = [0; HEADER];
        masks[CELLS] = cell_mask;
        out.extend_from_slice(&masks);
        for (bit, v) in with_bits(contexts) {
            if let Some(v) = v {
                masks[CONTEXTS] |= bit;
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        RecordWriter {
            start,
            masks,
            bodies: out.len(),
            cells: [0; 8],
        }
    }

    /// Appends a whole record whose slots can only hold integers: slot `k` of `cell_mask`
    /// holds `ints[k]` when bit `k` of `held` is set, and nothing otherwise. The same bytes
    /// as [`Self::begin`], [`Self::int`] per held slot and [`Self::finish`], assembled on the
    /// stack and appended in one copy. Most kernel events reduce to such a record; appending
    /// it piece by piece cost each decoding thread 11 more instructions per event.
    #[inline]
    pub fn ints(out: &mut Vec<u8>, contexts: Contexts, cell_mask: u8, held: u8, ints: &[i64; 8]) {
        let mut buf = [0u8; HEADER + 8 * 3 + 8 * 8];
        let mut at = HEADER;
        let mut context_mask = 0;
        for (bit, v) in with_bits(contexts) {
            if let Some(v) = v {
                context_mask |= bit;
                buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
                at += 8;
            }
        }
        let held = held & cell_mask;
        let mut rest = cell_mask;
        while rest != 0 {
            let k = rest.trailing_zeros() as usize;
            let cell = if held & (1 << k) != 0 { ints[k] } else { 0 };
            buf[at..at + 8].copy_from_slice(&cell.to_le_bytes());
            at += 8;
            rest &= rest - 1;
        }
        buf[CONTEXTS] = context_mask;
        buf[CELLS] = cell_mask;
        buf[INTS] = held;
        out.extend_from_slice(&buf[..at]);
    }

    fn set(&mut self, k: usize, kind: usize, cell: u64) {
        let Some(bit) = u32::try_from(k).ok().and_then(|k| 1u8.checked_shl(k)) else {
            return;
        };
        if self.masks[CELLS] & bit != 0 {
            self.cells[k] = cell;
            self.masks[kind] |= bit;
        }
    }

    /// Slot `k` holds the integer `v`.
    #[inline]
    pub fn int(&mut self, k: usize, v: i64) {
        self.set(k, INTS, v as u64);
    }

    /// Slot `k` holds a text (`bytes` up to their first NUL). A text too long to describe
    /// (over 4 GiB, which no mapped stream file holds) leaves the slot empty.
    #[inline]
    pub fn text(&mut self, out: &mut Vec<u8>, k: usize, bytes: &[u8]) {
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let body = out.len();
        out.extend_from_slice(&bytes[..end]);
        self.body(out, k, TEXTS, body);
    }

    /// Slot `k` holds an array of `len` elements, whose first ones are `kept` (at most
    /// [`ARRAY_KEPT`] are stored), and which, as an fd set, holds the one fd `only_fd`.
    pub fn array(
        &mut self,
        out: &mut Vec<u8>,
        k: usize,
        len: u64,
        kept: &[i64],
        only_fd: Option<i64>,
    ) {
        let body = out.len();
        let kept = &kept[..kept.len().min(ARRAY_KEPT)];
        out.extend_from_slice(&len.to_le_bytes());
        out.push(kept.len() as u8);
        for v in kept {
            out.extend_from_slice(&v.to_le_bytes());
        }
        match only_fd {
            Some(fd) => {
                out.push(1);
                out.extend_from_slice(&fd.to_le_bytes());
            }
            None => out.push(0),
        }
        self.body(out, k, ARRAYS, body);
    }

    /// Records the body appended from `body` on as slot `k`'s, or takes it back when its
    /// place cannot be described.
    fn body(&mut self, out: &mut Vec<u8>, k: usize, kind: usize, body: usize) {
        let place = u32::try_from(body - self.bodies)
            .ok()
            .zip(u32::try_from(out.len() - body).ok());
        let before = self.masks[kind];
        if let Some((offset, len)) = place {
            self.set(k, kind, u64::from(offset) | u64::from(len) << 32);
        }
        if self.masks[kind] == before {
            out.truncate(body);
        }
    }

    /// Ends the record: its masks, then its cells.
    #[inline]
    pub fn finish(self, out: &mut Vec<u8>) {
        out[self.start..self.start + HEADER].copy_from_slice(&self.masks);
        let mut rest = self.masks[CELLS];
        while rest != 0 {
            let k = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            out.extend_from_slice(&self.cells[k].to_le_bytes());
        }
    }
}

/// A reduced event, read back: the contexts and the payload slots of its plan. Small, and
/// the contexts are read when asked for: the state machine parses one per event, and most
/// events have no thread context.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a> {
    bytes: &'a [u8],
    /// The header's masks.
    masks: [u8; HEADER],
    /// Where the bodies start.
    bodies: usize,
    /// Where the cells start.
    cells: usize,
}

/// The number of bits set in each byte value. Without `popcnt` (not in the x86-64
/// baseline this crate is built for), `u8::count_ones` is a dozen instructions, and parsing
/// a record counts bits three or four times.
const ONES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).count_ones() as u8;
        i += 1;
    }
    t
};

/// Bits set in `b`.
#[inline(always)]
fn ones(b: u8) -> usize {
    usize::from(ONES[usize::from(b)])
}

fn i64_at(bytes: &[u8], at: usize) -> Option<i64> {
    let b = bytes.get(at..at.checked_add(8)?)?;
    Some(i64::from_le_bytes(b.try_into().ok()?))
}

impl<'a> Fields<'a> {
    /// Reads a record made by a [`RecordWriter`]. A record cut short reads as having fewer
    /// fields.
    #[inline]
    pub fn parse(bytes: &'a [u8]) -> Fields<'a> {
        let masks: [u8; HEADER] = bytes
            .get(..HEADER)
            .and_then(|h| h.try_into().ok())
            .unwrap_or([0; HEADER]);
        let contexts = masks[CONTEXTS] & (HAS_CPU | HAS_TID | HAS_PID);
        let cells_len = 8 * ones(masks[CELLS]);
        Fields {
            bytes,
            masks,
            bodies: HEADER + 8 * ones(contexts),
            cells: bytes.len().saturating_sub(cells_len),
        }
    }

    /// The context of mask bit `bit`, when the record has it.
    #[inline]
    fn context(&self, bit: u8) -> Option<i64> {
        let contexts = self.masks[CONTEXTS];
        if contexts & bit == 0 {
            return None;
        }
        let below = ones(contexts & (bit - 1));
        i64_at(self.bytes, HEADER + 8 * below)
    }

    /// `cpu_id` from the packet context.
    #[inline]
    pub fn cpu(&self) -> Option<i64> {
        self.context(HAS_CPU)
    }

    /// `tid` context.
    #[inline]
    pub fn tid(&self) -> Option<i64> {
        self.context(HAS_TID)
    }

    /// `pid` context.
    #[inline]
    pub fn pid(&self) -> Option<i64> {
        self.context(HAS_PID)
    }

    /// Slot `k`'s cell when it holds a value of `kind`.
    #[inline]
    fn cell(&self, k: usize, kind: usize) -> Option<u64> {
        let bit = 1u8.checked_shl(u32::try_from(k).ok()?)?;
        if self.masks[kind] & bit == 0 {
            return None;
        }
        let below = ones(self.masks[CELLS] & (bit - 1));
        i64_at(self.bytes, self.cells + 8 * below).map(|c| c as u64)
    }

    /// Slot `k`'s body when it holds a value of `kind`.
    fn body(&self, k: usize, kind: usize) -> Option<&'a [u8]> {
        let cell = self.cell(k, kind)?;
        let at = self.bodies.checked_add((cell & 0xffff_ffff) as usize)?;
        self.bytes.get(at..at.checked_add((cell >> 32) as usize)?)
    }

    /// Slot `k` as an integer.
    #[inline]
    pub fn int(&self, k: usize) -> Option<i64> {
        self.cell(k, INTS).map(|c| c as i64)
    }

    /// Slot `k` as text (up to the first NUL).
    #[inline]
    pub fn text(&self, k: usize) -> Option<&'a [u8]> {
        self.body(k, TEXTS)
    }

    /// The first `N` integer elements of array slot `k` (`N` at most 4).
    pub fn int_array<const N: usize>(&self, k: usize) -> Option<[i64; N]> {
        let body = self.body(k, ARRAYS)?;
        let len = u64::from_le_bytes(body.get(..8)?.try_into().ok()?);
        let kept = *body.get(8)? as usize;
        if len < N as u64 || kept < N {
            return None;
        }
        let mut out = [0i64; N];
        for (i, o) in out.iter_mut().enumerate() {
            *o = i64_at(body, 9 + i * 8)?;
        }
        Some(out)
    }

    /// The one fd set in the `fd_set` bitmap of slot `k` (see
    /// [`super::fields::only_fd_in_set`]).
    pub fn only_fd_in_set(&self, k: usize) -> Option<i64> {
        let body = self.body(k, ARRAYS)?;
        let fd_at = 9 + *body.get(8)? as usize * 8;
        match *body.get(fd_at)? {
            1 => i64_at(body, fd_at + 1),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_read_back_whatever_order_they_were_written_in() {
        let mut out = vec![0xaa]; // a record need not start the buffer
        // Cells for slots 1, 3, 4 and 6; slot 4 is left empty.
        let mut w = RecordWriter::begin(&mut out, [Some(3), None, Some(-7)], 0b0101_1010);
        w.array(&mut out, 6, 9, &[1, 2, 3, 4, 5], Some(42));
        w.text(&mut out, 1, b"comm\0junk");
        w.int(3, -5);
        // No cell for slot 0 or 2: nothing is written, not even the text's bytes.
        w.int(0, 1);
        let before = out.len();
        w.text(&mut out, 2, b"lost");
        assert_eq!(out.len(), before);
        w.finish(&mut out);
        let f = Fields::parse(&out[1..]);
        assert_eq!((f.cpu(), f.tid(), f.pid()), (Some(3), None, Some(-7)));
        assert_eq!(f.text(1), Some(&b"comm"[..]));
        assert_eq!(f.int(3), Some(-5));
        assert_eq!(
            (f.int(0), f.text(2), f.int(4), f.text(4)),
            (None, None, None, None)
        );
        assert_eq!(f.int_array::<4>(6), Some([1, 2, 3, 4]));
        assert_eq!(f.int_array::<2>(6), Some([1, 2]));
        assert_eq!(f.only_fd_in_set(6), Some(42));
        // A slot read as another kind than it holds reads as nothing.
        assert_eq!(
            (f.int(1), f.text(3), f.int_array::<2>(3)),
            (None, None, None)
        );
        // Out of range.
        assert_eq!((f.int(8), f.int(usize::MAX)), (None, None));
    }

    #[test]
    fn a_record_of_integers_is_the_same_whichever_way_it_is_written() {
        let contexts = [
            [None, None, None],
            [Some(3), None, None],
            [Some(-1), Some(7), Some(i64::MIN)],
            [None, Some(0), None],
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for round in 0..4000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let cell_mask = seed as u8;
            let held = (seed >> 8) as u8;
            let ints: [i64; 8] = std::array::from_fn(|k| (seed.rotate_left(k as u32 * 8)) as i64);
            let ctx = contexts[round % contexts.len()];
            let mut expected = vec![0x5a];
            let mut w = RecordWriter::begin(&mut expected, ctx, cell_mask);
            for (k, &v) in ints.iter().enumerate() {
                if held & (1 << k) != 0 {
                    w.int(k, v);
                }
            }
            w.finish(&mut expected);
            let mut got = vec![0x5a];
            RecordWriter::ints(&mut got, ctx, cell_mask, held, &ints);
            assert_eq!(got, expected, "mask {cell_mask:#b} held {held:#b}");
        }
    }

    #[test]
    fn any_bytes_read_without_panicking() {
        let mut out = Vec::new();
        let mut w = RecordWriter::begin(&mut out, [Some(1), Some(2), None], 0b111);
        w.int(0, 10);
        w.text(&mut out, 1, b"abc");
        w.array(&mut out, 2, 1, &[5], None);
        w.finish(&mut out);
        /// What the four readings of the record give.
        type Read<'a> = (Option<i64>, Option<&'a [u8]>, Option<[i64; 1]>, Option<i64>);
        fn read(bytes: &[u8]) -> Read<'_> {
            let f = Fields::parse(bytes);
            (
                f.int(0),
                f.text(1),
                f.int_array::<1>(2),
                f.only_fd_in_set(2),
            )
        }
        assert_eq!(read(&out), (Some(10), Some(&b"abc"[..]), Some([5]), None));
        for len in 0..out.len() {
            read(&out[..len]);
        }
        // Forged offsets and lengths in every cell.
        for fill in [0x00, 0x7f, 0xff] {
            let mut forged = out.clone();
            let cells = forged.len() - 24;
            forged[cells..].fill(fill);
            read(&forged);
        }
    }
}

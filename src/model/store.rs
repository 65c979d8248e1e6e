//! Columnar interval storage: one vector per attribute, no allocation per interval.
//!
//! Intervals are appended in begin order per list (or sorted once when a list is sealed), so
//! "which intervals overlap [a, b]" is a binary search: the first interval that can reach `a`
//! begins at or after `a − longest duration`, the last one begins before `b`.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use thin_vec::ThinVec;

use super::intern::StrId;

/// Durations in 2 bytes each. Those of 65.535 µs and more go to side tables sorted by index:
/// up to ~4.29 s in 8 bytes, longer ones in 16. Most syscalls, interrupts and wake-ups are
/// short; a blocking call is the exception that pays for its length.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Durations {
    #[serde(with = "super::columns")]
    short: ThinVec<u16>,
    mid: ThinVec<(u32, u32)>,
    long: ThinVec<(u32, u64)>,
}

impl Durations {
    #[inline(always)]
    fn push(&mut self, d: u64) {
        let i = self.short.len() as u32;
        match u16::try_from(d) {
            Ok(s) if s != u16::MAX => self.short.push(s),
            _ => {
                match u32::try_from(d) {
                    Ok(m) => self.mid.push((i, m)),
                    Err(_) => self.long.push((i, d)),
                }
                self.short.push(u16::MAX);
            }
        }
    }

    /// Duration of interval `i`.
    pub fn get(&self, i: usize) -> u64 {
        match self.short.get(i) {
            Some(&u16::MAX) => {
                let k = i as u32;
                match self.mid.binary_search_by_key(&k, |&(j, _)| j) {
                    Ok(at) => u64::from(self.mid[at].1),
                    Err(_) => self
                        .long
                        .binary_search_by_key(&k, |&(j, _)| j)
                        .map_or(u64::from(u16::MAX), |at| self.long[at].1),
                }
            }
            Some(&s) => u64::from(s),
            None => 0,
        }
    }

    fn bytes(&self) -> usize {
        self.short.capacity() * 2 + self.mid.capacity() * 8 + self.long.capacity() * 16
    }

    fn shrink(&mut self) {
        self.short.shrink_to_fit();
        self.mid.shrink_to_fit();
        self.long.shrink_to_fit();
    }
}

/// Timestamps (ns since the epoch) in 4 bytes each: the low 32 bits per entry, and the high
/// bits in a side table with one row per change (every ~4.29 s of a sorted list), so a list
/// of times costs half of a `Vec<u64>` while any entry is still read directly.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Times {
    #[serde(with = "super::columns")]
    low: ThinVec<u32>,
    /// `(first index, high bits)` from that index on, indices increasing.
    high: ThinVec<(u32, u32)>,
}

impl Times {
    /// Appends `t`. Always inlined, like the other appends of this module: they run
    /// several times per event, and as calls their register saves and restores cost as
    /// much as their work (measured: 72 instructions per `Intervals::push`).
    #[inline(always)]
    pub fn push(&mut self, t: u64) {
        let hi = (t >> 32) as u32;
        if self.high.last().is_none_or(|&(_, h)| h != hi) {
            self.high.push((self.low.len() as u32, hi));
        }
        self.low.push(t as u32);
    }

    /// Entry `i` (0 when out of range).
    #[inline]
    pub fn get(&self, i: usize) -> u64 {
        let Some(&low) = self.low.get(i) else {
            return 0;
        };
        let k = match self.high.last() {
            Some(&(first, _)) if first as usize <= i => self.high.len() - 1,
            _ => self.high.partition_point(|&(first, _)| first as usize <= i) - 1,
        };
        u64::from(self.high[k].1) << 32 | u64::from(low)
    }

    /// The last entry.
    pub fn last(&self) -> Option<u64> {
        self.len().checked_sub(1).map(|i| self.get(i))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.low.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.low.is_empty()
    }

    /// The first index whose entry is not `pred` (entries sorted so that `pred` holds for a
    /// prefix), like `slice::partition_point`.
    pub fn partition_point(&self, mut pred: impl FnMut(u64) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if pred(self.get(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Indices of the entries within `[begin, end]` (entries sorted).
    pub fn within(&self, begin: u64, end: u64) -> Range<usize> {
        let lo = self.partition_point(|t| t < begin);
        let hi = self.partition_point(|t| t <= end);
        lo..hi.max(lo)
    }

    /// Every entry, in order.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Heap bytes.
    pub fn bytes(&self) -> usize {
        self.low.capacity() * 4 + self.high.capacity() * 8
    }

    /// Releases spare capacity.
    pub fn shrink(&mut self) {
        self.low.shrink_to_fit();
        self.high.shrink_to_fit();
    }
}

/// Begin times and durations of a list of intervals.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Intervals {
    begin: Times,
    dur: Durations,
    longest: u64,
}

impl Intervals {
    /// Appends `[begin, end]` (an `end` before `begin` counts as empty).
    #[inline(always)]
    pub fn push(&mut self, begin: u64, end: u64) {
        let d = end.saturating_sub(begin);
        self.begin.push(begin);
        self.dur.push(d);
        self.longest = self.longest.max(d);
    }

    /// Number of intervals.
    pub fn len(&self) -> usize {
        self.begin.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.begin.is_empty()
    }

    /// Begin of interval `i`.
    pub fn begin(&self, i: usize) -> u64 {
        self.begin.get(i)
    }

    /// Duration of interval `i`.
    pub fn dur(&self, i: usize) -> u64 {
        self.dur.get(i)
    }

    /// End of interval `i`.
    pub fn end(&self, i: usize) -> u64 {
        self.begin(i).saturating_add(self.dur(i))
    }

    /// Candidate indices for intervals overlapping `[a, b]` (check each with
    /// [`Intervals::overlaps`]; with non-nested lists every candidate overlaps).
    pub fn candidates(&self, a: u64, b: u64) -> Range<usize> {
        let lo = self
            .begin
            .partition_point(|x| x < a.saturating_sub(self.longest));
        let hi = self.begin.partition_point(|x| x <= b);
        lo..hi.max(lo)
    }

    /// Whether interval `i` overlaps `[a, b]`.
    pub fn overlaps(&self, i: usize, a: u64, b: u64) -> bool {
        self.begin(i) <= b && self.end(i) >= a
    }

    /// Indices of intervals overlapping `[a, b]`.
    pub fn overlapping(&self, a: u64, b: u64) -> impl Iterator<Item = usize> + '_ {
        self.candidates(a, b)
            .filter(move |&i| self.overlaps(i, a, b))
    }

    /// The order that sorts the list by begin (stable).
    pub fn sort_order(&self) -> Vec<u32> {
        let mut order: Vec<u32> = (0..self.len() as u32).collect();
        order.sort_by_key(|&i| self.begin.get(i as usize));
        order
    }

    /// Reorders by `order` (from [`Intervals::sort_order`]).
    pub fn permute(&mut self, order: &[u32]) {
        let mut next = Intervals::default();
        for &i in order {
            next.push(self.begin(i as usize), self.end(i as usize));
        }
        *self = next;
    }

    /// Heap bytes.
    pub fn bytes(&self) -> usize {
        self.begin.bytes() + self.dur.bytes()
    }

    /// Releases spare capacity.
    pub fn shrink(&mut self) {
        self.begin.shrink();
        self.dur.shrink();
    }
}

/// Reorders a column by `order`.
pub fn permute<T: Copy, C: std::ops::Deref<Target = [T]> + FromIterator<T>>(
    col: &mut C,
    order: &[u32],
) {
    *col = order.iter().map(|&i| col[i as usize]).collect();
}

/// A step function of time: value `code[i]` from `at[i]` until `at[i + 1]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Timeline {
    at: Times,
    code: Codes,
}

impl Timeline {
    /// Sets the value from `t` on; a change at the same instant replaces the previous one,
    /// and an unchanged value adds nothing.
    pub fn set(&mut self, t: u64, code: u32) {
        if self.last() == Some(code) {
            return;
        }
        if let Some(last) = self.at.last()
            && last >= t
        {
            self.code.replace_last(code);
            return;
        }
        self.at.push(t);
        self.code.push(code);
    }

    /// The value at `t`, when one was set at or before it.
    pub fn at(&self, t: u64) -> Option<u32> {
        let i = self.at.partition_point(|x| x <= t);
        i.checked_sub(1).map(|i| self.code.get(i))
    }

    /// The last value.
    pub fn last(&self) -> Option<u32> {
        self.len().checked_sub(1).map(|i| self.code.get(i))
    }

    /// Steps as `(begin, end, code)` overlapping `[a, b]`; the last one ends at `end`.
    pub fn steps(&self, a: u64, b: u64, end: u64) -> impl Iterator<Item = (u64, u64, u32)> + '_ {
        let first = self.at.partition_point(|x| x <= a).saturating_sub(1);
        let last = self.at.partition_point(|x| x <= b);
        (first..last).map(move |i| {
            let at = self.at.get(i);
            let stop = if i + 1 < self.at.len() {
                self.at.get(i + 1)
            } else {
                end.max(at)
            };
            (at, stop, self.code.get(i))
        })
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.at.len()
    }

    /// Whether nothing was set.
    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// Heap bytes.
    pub fn bytes(&self) -> usize {
        self.at.bytes() + self.code.bytes()
    }

    /// Releases spare capacity.
    pub fn shrink(&mut self) {
        self.at.shrink();
        self.code.shrink();
    }
}

/// Flags of a recorded syscall.
pub mod sysflag {
    /// The entry was not seen (exit without entry): the begin is the exit time.
    pub const NO_ENTRY: u8 = 1;
    /// The exit was not seen (`exit_group`, lost events, end of trace).
    pub const NO_EXIT: u8 = 2;
    /// Bytes read (ret > 0 of a read-family call).
    pub const READ: u8 = 4;
    /// Bytes written.
    pub const WRITE: u8 = 8;
    /// Shift of the fd class (`FdKind as u8`) at completion.
    pub const KIND_SHIFT: u8 = 4;
}

/// Declares a column of integers stored narrow, with the rare values that do not fit in a
/// side table (sorted by index, since values are only appended): most syscall return values
/// are small byte counts or 0, most fds are small.
macro_rules! narrow_column {
    ($(#[$doc:meta])* $name:ident, $wide:ty, $narrow:ty, $escape:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, Serialize, Deserialize)]
        pub struct $name {
            #[serde(with = "super::columns")]
            small: ThinVec<$narrow>,
            big: ThinVec<(u32, $wide)>,
        }

        impl $name {
            /// Marks an entry kept in `big`.
            const ESCAPE: $narrow = $escape;

            #[inline]
            fn push(&mut self, v: $wide) {
                match <$narrow>::try_from(v) {
                    Ok(s) if s != Self::ESCAPE => self.small.push(s),
                    _ => {
                        self.big.push((self.small.len() as u32, v));
                        self.small.push(Self::ESCAPE);
                    }
                }
            }

            /// Entry `i` (0 when out of range).
            pub fn get(&self, i: usize) -> $wide {
                match self.small.get(i) {
                    Some(&Self::ESCAPE) => self
                        .big
                        .binary_search_by_key(&(i as u32), |&(k, _)| k)
                        .map_or(0, |k| self.big[k].1),
                    Some(&s) => <$wide>::from(s),
                    None => 0,
                }
            }

            fn bytes(&self) -> usize {
                self.small.capacity() * std::mem::size_of::<$narrow>()
                    + self.big.capacity() * std::mem::size_of::<(u32, $wide)>()
            }

            fn shrink(&mut self) {
                self.small.shrink_to_fit();
                self.big.shrink_to_fit();
            }
        }
    };
}

narrow_column!(
    /// Syscall return values: 2 bytes each, addresses and large counts aside.
    Rets,
    i64,
    i16,
    i16::MIN
);
narrow_column!(
    /// Fd arguments: 1 byte each, fds above 127 aside.
    Fds,
    i32,
    i8,
    i8::MIN
);
narrow_column!(
    /// Timeline step codes: 2 bytes each (a state with its CPU, or a thread index), the
    /// rare wide ones (CPUs past 255, thread indices past 65 534) aside.
    Codes,
    u32,
    u16,
    u16::MAX
);

impl Codes {
    /// Replaces the last entry (a change at the same instant as the previous one).
    fn replace_last(&mut self, v: u32) {
        if let Some(last) = self.small.pop()
            && last == Self::ESCAPE
        {
            // Entries go to `big` in index order: the last one there is this one.
            self.big.pop();
        }
        self.push(v);
    }
}

narrow_column!(
    /// Syscall names as indices into a thread's palette: 1 byte each (a thread makes a few
    /// dozen different calls; a fuzzer's hundreds aside).
    Palette,
    u16,
    u8,
    u8::MAX
);

/// Every syscall of one thread, in begin order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyscallList {
    /// Begin and duration.
    pub span: Intervals,
    /// Canonical name, as an index into `names` (a thread makes a few dozen different
    /// calls, so 2 bytes per call instead of a 4-byte string id).
    name: Palette,
    /// The distinct names, in order of first use.
    names: ThinVec<StrId>,
    /// Return value (0 when the exit was not seen).
    ret: Rets,
    /// The fd argument, or −1.
    fd: Fds,
    /// [`sysflag`] bits.
    #[serde(with = "super::columns")]
    pub flags: ThinVec<u8>,
    /// For `splice`/`sendfile` (read and write at once): the kind of the output fd, by call
    /// index. The flags hold only the input fd's kind, and these calls are rare.
    out_kinds: ThinVec<(u32, u8)>,
}

impl SyscallList {
    /// Records the output fd kind of the last call (a transfer).
    pub fn set_last_out_kind(&mut self, kind: super::fd::FdKind) {
        if let Some(i) = self
            .len()
            .checked_sub(1)
            .and_then(|i| u32::try_from(i).ok())
        {
            self.out_kinds.push((i, kind as u8));
        }
    }

    /// The output fd kind of transfer call `i`.
    pub fn out_kind(&self, i: usize) -> Option<super::fd::FdKind> {
        let i = u32::try_from(i).ok()?;
        let at = self.out_kinds.binary_search_by_key(&i, |&(j, _)| j).ok()?;
        Some(super::fd::FdKind::from_bits(self.out_kinds[at].1))
    }

    /// Appends one syscall.
    pub fn push(&mut self, begin: u64, end: u64, name: StrId, ret: i64, fd: i32, flags: u8) {
        let k = match self.names.iter().position(|&n| n == name) {
            Some(k) => k,
            None => {
                self.names.push(name);
                self.names.len() - 1
            }
        };
        // More distinct names than u16 holds cannot come from a kernel (a few hundred
        // syscalls exist); clamp rather than fail.
        self.name.push(u16::try_from(k).unwrap_or(u16::MAX));
        self.span.push(begin, end);
        self.ret.push(ret);
        self.fd.push(fd);
        self.flags.push(flags);
    }

    /// Number of syscalls.
    pub fn len(&self) -> usize {
        self.span.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.span.is_empty()
    }

    /// Canonical name of syscall `i`.
    pub fn name(&self, i: usize) -> StrId {
        if i >= self.len() {
            return StrId::MAX;
        }
        self.names
            .get(usize::from(self.name.get(i)))
            .copied()
            .unwrap_or(StrId::MAX)
    }

    /// Return value of syscall `i` (0 when the exit was not seen).
    pub fn ret(&self, i: usize) -> i64 {
        self.ret.get(i)
    }

    /// Fd argument of syscall `i`, or −1.
    pub fn fd(&self, i: usize) -> i32 {
        self.fd.get(i)
    }

    /// Releases spare capacity.
    pub fn shrink(&mut self) {
        self.span.shrink();
        self.name.shrink();
        self.names.shrink_to_fit();
        self.ret.shrink();
        self.fd.shrink();
        self.flags.shrink_to_fit();
        self.out_kinds.shrink_to_fit();
    }

    /// Whether syscall `i` has both its entry and its exit.
    pub fn complete(&self, i: usize) -> bool {
        self.flags[i] & (sysflag::NO_ENTRY | sysflag::NO_EXIT) == 0
    }

    /// Heap bytes.
    pub fn bytes(&self) -> usize {
        self.span.bytes()
            + self.name.bytes()
            + self.names.capacity() * 4
            + self.ret.bytes()
            + self.fd.bytes()
            + self.flags.capacity()
    }
}

/// Interrupt kinds in [`IrqList::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[repr(u8)]
pub enum IrqKind {
    /// A hard IRQ (`irq_handler_*`).
    Hard,
    /// A softirq.
    Soft,
}

/// Hard IRQs and softirqs of one CPU, in begin order once sealed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct IrqList {
    /// Entry and exit.
    pub span: Intervals,
    /// Hard or soft.
    pub kind: Vec<IrqKind>,
    /// IRQ line or softirq vector.
    #[serde(with = "super::columns")]
    pub number: Vec<u32>,
    /// Softirq raise-to-entry latency (`u32::MAX` when unknown or over 4.29 s).
    #[serde(with = "super::columns")]
    pub raise_latency: Vec<u32>,
}

impl IrqList {
    /// Appends one interrupt.
    pub fn push(&mut self, begin: u64, end: u64, kind: IrqKind, number: u32, raise: Option<u64>) {
        self.span.push(begin, end);
        self.kind.push(kind);
        self.number.push(number);
        let lat = raise.and_then(|r| u32::try_from(begin.saturating_sub(r)).ok());
        self.raise_latency.push(lat.unwrap_or(u32::MAX));
    }

    /// Releases spare capacity.
    pub fn shrink(&mut self) {
        self.span.shrink();
        self.kind.shrink_to_fit();
        self.number.shrink_to_fit();
        self.raise_latency.shrink_to_fit();
    }

    /// Sorts by begin (nested interrupts end before the ones they interrupt).
    pub fn seal(&mut self) {
        let order = self.span.sort_order();
        if order.windows(2).all(|w| w[0] < w[1]) {
            return;
        }
        self.span.permute(&order);
        permute(&mut self.kind, &order);
        permute(&mut self.number, &order);
        permute(&mut self.raise_latency, &order);
    }

    /// Heap bytes.
    pub fn bytes(&self) -> usize {
        self.span.bytes() + self.kind.capacity() + self.number.capacity() * 8
    }
}

/// Block requests, issue to completion, in issue order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BlockList {
    /// Issue and completion.
    pub span: Intervals,
    /// Kernel `dev_t`.
    pub dev: Vec<u32>,
    /// First sector.
    pub sector: Vec<u64>,
    /// Number of 512-byte sectors.
    pub nr_sector: Vec<u32>,
    /// Whether it writes.
    pub write: Vec<bool>,
    /// Issuing thread (index into `Model::threads`), `u32::MAX` when unknown.
    pub thread: Vec<u32>,
}

impl BlockList {
    /// Heap bytes.
    pub fn bytes(&self) -> usize {
        self.span.bytes()
            + self.dev.capacity() * 4
            + self.sector.capacity() * 8
            + self.nr_sector.capacity() * 4
            + self.write.capacity()
            + self.thread.capacity() * 4
    }
}

/// Wake-up (scheduling) latencies of one thread: first wake-up to switch-in.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LatencyList {
    /// Wake-up and switch-in.
    pub span: Intervals,
    /// CPU the thread was switched in on.
    #[serde(with = "super::columns")]
    pub cpu: ThinVec<u16>,
}

/// Page allocations and frees on one CPU: their instants, in time order (one CPU's events
/// arrive in order). Which thread a page is charged to is the CPU's current thread then.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PageList {
    /// `mm_page_alloc` instants.
    pub alloc: Times,
    /// `mm_page_free` instants.
    pub free: Times,
}

impl PageList {
    /// Heap bytes held.
    pub fn bytes(&self) -> usize {
        self.alloc.bytes() + self.free.bytes()
    }

    /// Releases spare capacity.
    pub fn shrink(&mut self) {
        self.alloc.shrink();
        self.free.shrink();
    }
}

/// Packets of one network interface.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PacketList {
    /// Timestamp.
    pub at: Times,
    /// Length in bytes.
    #[serde(with = "super::columns")]
    pub len: Vec<u32>,
    /// Whether it was sent (else received).
    pub sent: Vec<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_full_values_across_high_bit_changes_in_any_order() {
        let vals = [5u64, 1 << 32, (1 << 32) + 7, 3, u64::MAX, 9 << 40, 9 << 40];
        let mut t = Times::default();
        for v in vals {
            t.push(v);
        }
        for (i, v) in vals.iter().enumerate() {
            assert_eq!(t.get(i), *v);
        }
        assert_eq!(t.get(vals.len()), 0);
        let mut sorted = Times::default();
        for v in [1u64, 2, 1 << 33, (1 << 33) + 1, 1 << 34] {
            sorted.push(v);
        }
        assert_eq!(sorted.partition_point(|x| x <= 1 << 33), 3);
    }

    #[test]
    fn narrow_columns_escape_what_does_not_fit() {
        let mut s = SyscallList::default();
        let rets = [
            0i64,
            -11,
            8192,
            0x7f00_4000_0000,
            i64::from(i32::MIN),
            65_536,
        ];
        let fds = [3i32, -1, 40_000, i32::from(i16::MIN), 7, 1 << 20];
        for (k, (r, f)) in rets.iter().zip(fds).enumerate() {
            s.push(k as u64, k as u64 + 1, (k % 2) as StrId + 10, *r, f, 0);
        }
        for (k, (r, f)) in rets.iter().zip(fds).enumerate() {
            assert_eq!(
                (s.ret(k), s.fd(k), s.name(k)),
                (*r, f, (k % 2) as StrId + 10)
            );
        }
    }

    #[test]
    fn timeline_codes_replaced_at_one_instant_keep_the_last_whatever_their_width() {
        let mut t = Timeline::default();
        t.set(1, 5);
        t.set(1, 70_000); // replaces 5, escaped
        t.set(1, 7); // replaces the escaped one
        t.set(2, 1 << 20);
        t.set(2, 1 << 21); // escaped replaces escaped
        t.set(3, u32::from(u16::MAX)); // the escape value itself is escaped too
        t.set(4, 9);
        let steps: Vec<u32> = t.steps(0, 10, 10).map(|s| s.2).collect();
        assert_eq!(steps, [7, 1 << 21, u32::from(u16::MAX), 9]);
        assert_eq!(
            (t.at(1), t.at(2), t.at(3), t.last()),
            (Some(7), Some(1 << 21), Some(65_535), Some(9))
        );
        assert_eq!(t.at(0), None);
    }

    #[test]
    fn durations_of_every_length_read_back() {
        let vals = [
            0u64,
            65_534,
            65_535,
            65_536,
            4_000_000_000,
            1 << 40,
            12,
            u64::from(u32::MAX),
        ];
        let mut d = Durations::default();
        for v in vals {
            d.push(v);
        }
        for (i, v) in vals.iter().enumerate() {
            assert_eq!(d.get(i), *v, "{i}");
        }
        assert_eq!(d.get(vals.len()), 0);
    }

    #[test]
    fn a_thread_with_hundreds_of_distinct_calls_keeps_every_name() {
        let mut s = SyscallList::default();
        for k in 0..600u32 {
            s.push(u64::from(k), u64::from(k) + 1, k % 300 + 1, 0, -1, 0);
        }
        for k in 0..600u32 {
            assert_eq!(s.name(k as usize), k % 300 + 1);
        }
        assert_eq!(s.name(600), StrId::MAX);
    }

    #[test]
    fn a_thread_stays_small() {
        // A warm analysis of a trace with thousands of threads spends much of its load
        // writing the thread array: its lists are ThinVecs (8 bytes each) for that reason.
        let size = std::mem::size_of::<crate::model::Thread>();
        assert!(size <= 400, "a Thread is {size} bytes");
    }
}

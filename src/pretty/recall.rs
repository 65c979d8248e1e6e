//! babeltrace2 2.0's stale empty strings, reproduced.
//!
//! babeltrace2 empties a string field by setting its length to zero without writing a
//! terminator, and recycles event objects per event class. An empty string (or a text array
//! whose first byte is NUL) therefore prints whatever the recycled object's field last held.
//! An object is only recycled once its event has been printed, and babeltrace2 decodes up to
//! 15 messages ahead per stream and muxes 15 at a time, so events of a class that follow each
//! other closely each get a fresh object. We model this as: an empty text shows the last
//! non-empty text of the same field of the same event class when that class's previous event
//! was printed more than [`RECYCLE_DISTANCE`] events earlier; otherwise it prints `""`.
//! This is an approximation of babeltrace2's batching (which also counts packet and stream
//! messages we never print); it reproduces babeltrace2 exactly on the whole test corpus
//! (`kernel/many-threads` has one such line) and on the hand-made fixtures.
//!
//! Where it fails: one class filling several streams, whose objects then pass from one
//! stream to another (a recorded lttng-ust trace, `tests/ust_recorded.rs`: 5 990 of 20 000
//! lines differ). What babeltrace2 2.0.4 does, checked by a simulation against its output
//! on three such recordings, one of them with loss notices (every line equal; batches of 14
//! or 16 instead of 15 leave about 5 800 of 20 000 lines wrong):
//! * Each stream's source iterator hands over its next 15 messages (stream and packet
//!   beginnings and ends, loss notices and events alike) when the muxer finds that stream's
//!   queue empty, which it checks before choosing each message it outputs. An event takes
//!   its object then: the last one returned to its class's pool (a stack), or a new one.
//! * The muxer outputs 15 messages at a time; the sink prints them, releasing each event's
//!   object to its class's pool right after printing it. So a refill that comes first in an
//!   output batch follows the release of the whole previous batch, and one within a batch
//!   precedes it.
//! * An object's empty text prints the last non-empty text that object held.
//!
//! Reproducing that exactly needs, in the merging thread, the packet and stream messages in
//! time order (the muxer orders them by their clock snapshots like events) and, at each
//! refill, the classes of the stream's next 15 messages.

//!
//! When events are formatted on decoding threads ([`StaleMode::Fresh`] and
//! [`StaleMode::Stale`]), each thread remembers the texts of its own stream, and the merging
//! thread decides with [`RecycleClock`] which of the two renderings to print.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Events between two events of one class beyond which babeltrace2 has recycled the first
/// one's object: two message batches of 15.
pub const RECYCLE_DISTANCE: u64 = 30;

/// A multiplicative hasher for pointer-sized keys: SipHash costs more than the rest of the
/// per-event bookkeeping, and these keys are not attacker-chosen.
#[derive(Debug, Default, Clone, Copy)]
pub struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<AddressHasher>>;

/// Whether babeltrace2 would hand an event a recycled object: its class's previous event was
/// printed more than [`RECYCLE_DISTANCE`] events earlier.
#[derive(Debug, Default)]
pub struct RecycleClock {
    /// The event count when each class was last seen, for the classes `recent` lost.
    last_seen: FastMap<usize, u64>,
    /// (class, event count when last seen) by a hash of the class: `dump`'s merging thread
    /// counts every event here, and a map insertion was a twentieth of its work. Empty
    /// until first used.
    recent: Vec<(usize, u64)>,
    events: u64,
}

/// Slots of [`RecycleClock::recent`]: a kernel trace has a few dozen classes in use.
const RECENT: usize = 256;

impl RecycleClock {
    /// Counts one printed event of class `class_key`; true when its object is a recycled one.
    #[inline]
    pub fn recycled(&mut self, class_key: usize) -> bool {
        self.events += 1;
        if self.recent.is_empty() {
            self.recent = vec![(0, 0); RECENT];
        }
        // The top bits of a multiplicative hash: class addresses are a struct's size apart.
        let slot = ((class_key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56) as usize;
        let entry = &mut self.recent[slot % RECENT];
        let previous = if entry.0 == class_key && entry.1 != 0 {
            Some(entry.1)
        } else {
            // Another class held the slot: it moves to the map, this one out of it.
            if entry.1 != 0 {
                self.last_seen.insert(entry.0, entry.1);
            }
            entry.0 = class_key;
            self.last_seen.remove(&class_key)
        };
        entry.1 = self.events;
        previous.is_some_and(|p| self.events - p > RECYCLE_DISTANCE)
    }
}

/// How empty texts are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StaleMode {
    /// Decide per event with the printer's own [`RecycleClock`] (single-threaded printing).
    #[default]
    Decide,
    /// Always as `""` (the fresh-object rendering).
    Fresh,
    /// Always as the remembered text, when there is one (the recycled-object rendering).
    Stale,
}

/// A point in an event's texts to come back to ([`StaleText::mark`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleMark {
    ordinal: u32,
    candidate: bool,
}

/// Last non-empty text per (event class, text field ordinal).
#[derive(Debug, Default)]
pub struct StaleText {
    slots: FastMap<(usize, u32), Vec<u8>>,
    clock: RecycleClock,
    mode: StaleMode,
    class: usize,
    ordinal: u32,
    recycled: bool,
    candidate: bool,
}

impl StaleText {
    /// Sets how empty texts are rendered from now on.
    pub fn set_mode(&mut self, mode: StaleMode) {
        self.mode = mode;
    }

    /// Starts an event of the class identified by `class_key` (its address is stable).
    pub fn start_event(&mut self, class_key: usize) {
        self.recycled = match self.mode {
            StaleMode::Decide => self.clock.recycled(class_key),
            StaleMode::Fresh => false,
            StaleMode::Stale => true,
        };
        self.class = class_key;
        self.ordinal = 0;
        self.candidate = false;
    }

    /// Whether the current event has an empty text that a recycled object would print
    /// differently.
    pub fn has_stale_candidate(&self) -> bool {
        self.candidate
    }

    /// Where the current event's texts stand, for [`Self::rewind`].
    pub fn mark(&self) -> StaleMark {
        StaleMark {
            ordinal: self.ordinal,
            candidate: self.candidate,
        }
    }

    /// Forgets the texts resolved since `mark`, to resolve them again: a rendering that
    /// gave up part-way hands the event to another that starts over. (What they stored is
    /// stored again, the same.)
    pub fn rewind(&mut self, mark: StaleMark) {
        self.ordinal = mark.ordinal;
        self.candidate = mark.candidate;
    }

    /// The text babeltrace2 would print for a text field holding `bytes`.
    pub fn resolve<'a>(&'a mut self, bytes: &'a [u8]) -> &'a [u8] {
        let key = (self.class, self.ordinal);
        self.ordinal += 1;
        if bytes.is_empty() {
            let remembered = self.slots.get(&key).map(Vec::as_slice);
            self.candidate |= remembered.is_some();
            if !self.recycled {
                return bytes;
            }
            return remembered.unwrap_or(bytes);
        }
        let slot = self.slots.entry(key).or_default();
        slot.clear();
        slot.extend_from_slice(bytes);
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recycle_clock_agrees_with_a_plain_map_whatever_the_collisions() {
        // More classes than slots, at a struct's stride, in a pseudo-random order with
        // runs: slots collide and classes move between the slots and the map.
        let mut clock = RecycleClock::default();
        let mut reference: HashMap<usize, u64> = HashMap::new();
        let mut x = 12345u64;
        let (mut recycled, mut fresh) = (0, 0);
        for n in 1..=200_000u64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let class = 0x5000 + 232 * ((x >> 33) % if n % 3 == 0 { 600 } else { 12 }) as usize;
            let expected = reference
                .insert(class, n)
                .is_some_and(|p| n - p > RECYCLE_DISTANCE);
            assert_eq!(clock.recycled(class), expected, "event {n}");
            if expected { recycled += 1 } else { fresh += 1 }
        }
        assert!(recycled > 1000 && fresh > 1000, "{recycled} {fresh}");
    }

    #[test]
    fn empty_text_shows_the_previous_value_of_the_same_field_and_class() {
        let mut r = StaleText::default();
        r.start_event(1);
        assert_eq!(r.resolve(b""), b"");
        r.start_event(1);
        assert_eq!(r.resolve(b"/var/run/utmpx"), b"/var/run/utmpx");
        r.start_event(1);
        assert_eq!(
            r.resolve(b""),
            b"",
            "the previous object is still in flight"
        );
        for _ in 0..RECYCLE_DISTANCE {
            r.start_event(2);
            assert_eq!(r.resolve(b""), b"", "another class has its own objects");
        }
        r.start_event(1);
        assert_eq!(r.resolve(b""), b"/var/run/utmpx");
    }
}

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

use std::collections::HashMap;

/// Events between two events of one class beyond which babeltrace2 has recycled the first
/// one's object: two message batches of 15.
pub const RECYCLE_DISTANCE: u64 = 30;

/// Last non-empty text per (event class, text field ordinal).
#[derive(Debug, Default)]
pub struct StaleText {
    slots: HashMap<(usize, u32), Vec<u8>>,
    last_seen: HashMap<usize, u64>,
    events: u64,
    class: usize,
    ordinal: u32,
    recycled: bool,
}

impl StaleText {
    /// Starts an event of the class identified by `class_key` (its address is stable).
    pub fn start_event(&mut self, class_key: usize) {
        self.events += 1;
        let previous = self.last_seen.insert(class_key, self.events);
        self.recycled = previous.is_some_and(|p| self.events - p > RECYCLE_DISTANCE);
        self.class = class_key;
        self.ordinal = 0;
    }

    /// The text babeltrace2 would print for a text field holding `bytes`.
    pub fn resolve<'a>(&'a mut self, bytes: &'a [u8]) -> &'a [u8] {
        let key = (self.class, self.ordinal);
        self.ordinal += 1;
        if bytes.is_empty() {
            if !self.recycled {
                return bytes;
            }
            return self.slots.get(&key).map_or(bytes, Vec::as_slice);
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

//! LTTng's event headers read with a load or three.
//!
//! Every event of an LTTng trace starts with a header of one of two options: the short one,
//! an event id and the low bits of the clock in the first 32 bits (`compact`) or 48 bits
//! (`large`); or the extended one, an escape tag then a 32-bit id and a 64-bit clock value,
//! for the event ids the tag cannot hold and for long gaps. For options of this shape, with
//! little-endian integers at constant places, [`WordHeader`] holds where each integer is in
//! an 8-byte load, so that reading a header is a load per integer, a table lookup and the
//! clock update. Anything else (a header near the end of the file, other shapes) is left to
//! the laid-out path, which also reports errors.
//!
//! The laid-out path took about 180 instructions per event on the decoding threads (option
//! and role dispatch, bounds checks per integer); this one takes a fraction of it.

use super::exec::{Decoder, ReadState};
use super::{IntRole, IntSpec, NO_OPTION, Op, Word};

/// Where a tagged event header's integers lie in 8-byte loads, by tag value (see the module
/// documentation).
#[derive(Debug, Clone)]
pub struct WordHeader {
    /// Alignment of the header, in bits.
    align: u32,
    /// Shift and mask of the tag (the event id) in the header's first 8 bytes.
    tag_shift: u32,
    tag_mask: u64,
    /// The slot the tag is saved in, when it has one.
    tag_save: Option<usize>,
    /// By tag value: where the option's integers are, when it has this shape.
    by_tag: Box<[Option<WordOption>]>,
}

/// An option made of a clock integer, possibly after an event id, each read from an
/// 8-byte load at a constant byte offset from the header's start.
#[derive(Debug, Clone, Copy)]
struct WordOption {
    /// The event id, when the option has one (it then replaces the tag's).
    id: Option<Word>,
    clock: Word,
    /// Width of the clock integer in bits (the clock's update needs it).
    clock_size: u32,
    /// Bits from the header's start to its end.
    end: u64,
}

impl WordHeader {
    /// The word reading of `op`, when it is a tagged header whose tag is the event id, read
    /// from the first 8 bytes, and some of whose options are a clock integer, possibly
    /// after an id, at constant places.
    pub fn of(op: &Op) -> Option<WordHeader> {
        let Op::TaggedHeader(h) = op else {
            return None;
        };
        let tag = &h.tag;
        let word = h.tag_at.word?;
        if word.byte != 0 || tag.role != IntRole::EventId || tag.signed {
            return None;
        }
        let by_tag: Box<[Option<WordOption>]> = h
            .by_tag
            .as_ref()?
            .iter()
            .map(|&o| {
                if o == NO_OPTION {
                    return None;
                }
                let option = h.options.get(usize::from(o))?;
                let layout = option.layout.as_ref()?;
                let plain = |int: &IntSpec, role| {
                    int.role == role && !int.signed && int.save.is_none() && int.size <= 64
                };
                let (id, clock, at) = match (&option.ints[..], &layout.fields[..]) {
                    ([clock], [at]) => (None, clock, at),
                    ([id, clock], [id_at, at]) if plain(id, IntRole::EventId) => {
                        (Some(id_at.word?), clock, at)
                    }
                    _ => return None,
                };
                plain(clock, IntRole::Clock).then_some(WordOption {
                    id,
                    clock: at.word?,
                    clock_size: clock.size,
                    end: layout.end,
                })
            })
            .collect();
        let some_read = by_tag.iter().any(Option::is_some);
        some_read.then_some(WordHeader {
            align: h.align,
            tag_shift: word.shift,
            tag_mask: word.mask,
            tag_save: tag.save,
            by_tag,
        })
    }
}

impl Decoder<'_> {
    /// Reads a header of `h`'s shape when the tag selects an option it holds: applies the tag
    /// (event id, saved slot) and the clock to `st`, moves past the header and returns the
    /// event id. `None`, with nothing changed, when the header is to be read the general
    /// way.
    #[inline(always)]
    pub fn word_header(&mut self, h: &WordHeader, st: &mut ReadState) -> Option<u64> {
        let start = self.aligned(h.align);
        if start > self.end || !start.is_multiple_of(8) {
            return None;
        }
        let at = (start / 8) as usize;
        let data = self.bytes();
        let first = word_at(data, at)?;
        let tag = (first >> h.tag_shift) & h.tag_mask;
        let option = (*h.by_tag.get(tag as usize)?)?;
        let end = start + option.end;
        if end > self.end {
            return None;
        }
        let read = |w: Word| -> Option<u64> {
            let word = if w.byte == 0 {
                first
            } else {
                word_at(data, at + w.byte as usize)?
            };
            Some((word >> w.shift) & w.mask)
        };
        let clock = read(option.clock)?;
        let id = match option.id {
            Some(w) => read(w)?,
            None => tag,
        };
        // Everything was read: only now does the state change.
        st.update_clock(clock, option.clock_size);
        st.event_id = Some(id);
        if let Some(slot) = h.tag_save
            && let Some(s) = st.saved.get_mut(slot)
        {
            *s = i128::from(tag);
        }
        self.pos = end;
        Some(id)
    }
}

/// The little-endian 8 bytes at byte `at`, when they are all in `data`.
#[inline(always)]
fn word_at(data: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(data.get(at..at + 8)?.try_into().ok()?))
}

//! Interned strings: comms, syscall names, paths and device names are stored once and
//! referred to by a 4-byte id, so interval columns stay fixed-size.

use foldhash::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Id of an interned string.
pub type StrId = u32;

/// A string table: every string in one buffer, with the end offset of each, so loading a
/// model with thousands of thread names from the cache is two allocations, not one per
/// string.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Interner {
    text: String,
    /// End of string `i` in `text` (it starts where string `i − 1` ends).
    #[serde(with = "super::columns")]
    ends: Vec<u32>,
    /// Lookup map, built on first use after loading from the cache: most opened models are
    /// only read by id, and building it costs a tenth of a cached reopen.
    #[serde(skip)]
    ids: OnceLock<HashMap<Box<str>, StrId>>,
}

impl Interner {
    /// The id of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> StrId {
        self.map();
        let Some(ids) = self.ids.get_mut() else {
            return StrId::MAX;
        };
        if let Some(&id) = ids.get(s) {
            return id;
        }
        // Offsets are 4 bytes: a table past 4 GiB of text takes no more strings.
        let Ok(end) = u32::try_from(self.text.len() + s.len()) else {
            return StrId::MAX;
        };
        let id = self.ends.len() as StrId;
        self.text.push_str(s);
        self.ends.push(end);
        ids.insert(s.into(), id);
        id
    }

    /// The lookup map, built from the strings when missing.
    fn map(&self) -> &HashMap<Box<str>, StrId> {
        self.ids.get_or_init(|| {
            (0..self.ends.len())
                .map(|i| (self.get(i as StrId).into(), i as StrId))
                .collect()
        })
    }

    /// The id of raw bytes (lossy UTF-8).
    pub fn intern_bytes(&mut self, b: &[u8]) -> StrId {
        match std::str::from_utf8(b) {
            Ok(s) => self.intern(s),
            Err(_) => self.intern(&String::from_utf8_lossy(b)),
        }
    }

    /// The id of `s` when it is already interned.
    pub fn find(&self, s: &str) -> Option<StrId> {
        self.map().get(s).copied()
    }

    /// The string of `id` (empty for an unknown id).
    pub fn get(&self, id: StrId) -> &str {
        let i = id as usize;
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p]);
        // A table read from a damaged cache could hold offsets off a char boundary.
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Forgets the lookup map after deserialisation (it is not stored; the next lookup
    /// rebuilds it).
    pub fn rebuild(&mut self) {
        self.ids = OnceLock::new();
    }

    /// Bytes held, for the memory summary.
    pub fn heap_bytes(&self) -> usize {
        // Per string: its text twice (the buffer and the lookup map's key) and 48 bytes of
        // offset and map entry.
        self.text.len() * 2 + self.ends.len() * 48
    }
}

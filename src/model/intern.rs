//! Interned strings: comms, syscall names, paths and device names are stored once and
//! referred to by a 4-byte id, so interval columns stay fixed-size.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Id of an interned string.
pub type StrId = u32;

/// A string table.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Interner {
    strings: Vec<Box<str>>,
    /// Lookup map, built on first use after loading from the cache: most opened models are
    /// only read by id, and building it costs a tenth of a cached reopen.
    #[serde(skip)]
    ids: OnceLock<HashMap<Box<str>, StrId>>,
}

impl Interner {
    /// The id of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> StrId {
        self.map();
        let strings = &mut self.strings;
        let Some(ids) = self.ids.get_mut() else {
            return StrId::MAX;
        };
        if let Some(&id) = ids.get(s) {
            return id;
        }
        let id = strings.len() as StrId;
        strings.push(s.into());
        ids.insert(s.into(), id);
        id
    }

    /// The lookup map, built from the strings when missing.
    fn map(&self) -> &HashMap<Box<str>, StrId> {
        self.ids.get_or_init(|| {
            self.strings
                .iter()
                .enumerate()
                .map(|(i, s)| (s.clone(), i as StrId))
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
        self.strings.get(id as usize).map_or("", |s| s)
    }

    /// Number of strings.
    pub fn len(&self) -> usize {
        self.strings.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.strings.is_empty()
    }

    /// Forgets the lookup map after deserialisation (it is not stored; the next lookup
    /// rebuilds it).
    pub fn rebuild(&mut self) {
        self.ids = OnceLock::new();
    }

    /// Bytes held, for the memory summary.
    pub fn heap_bytes(&self) -> usize {
        self.strings.iter().map(|s| s.len() * 2 + 48).sum()
    }
}

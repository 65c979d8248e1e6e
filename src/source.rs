//! The event-source interface: one event representation that every reader produces, so the
//! layers above do not know which reader ran.
//!
//! Two readers implement [`EventSource`]: the native decoder (through [`native::NativeSource`],
//! an adapter over [`crate::ctf::session::Session`]) and, with the `bt2` Cargo feature,
//! babeltrace2 (`crate::bt2::Bt2Source`). Both yield [`Item`]s in time order: events with every
//! context and payload field as a typed, owned value tree ([`event::FieldValue`]), and notices
//! of lost data.
//!
//! The native fast paths (`dump`'s threaded formatter, the indexer) keep reading
//! [`crate::ctf`] directly; this interface is for the second reader, the differential tests
//! and anything that must not care which reader produced the events.
//!
//! A source may grow while it is read (a live session): [`Poll::Pending`] says "nothing yet,
//! ask again later" and [`EventSource::traces`] may list more traces as they appear.

pub mod event;
pub mod native;
pub mod text;

use self::event::{Item, TraceInfo};

/// What asking a source for its next item gives.
// The item is moved out right away; boxing it would cost an allocation per event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Poll {
    /// The next item in time order.
    Item(Item),
    /// Nothing available yet; a growing (live) source may have more later.
    Pending,
    /// The source is exhausted.
    End,
}

/// A reader of one or more traces, in time order.
pub trait EventSource {
    /// The traces read so far, indexed by [`event::Event::trace`]. May grow while reading.
    fn traces(&self) -> &[TraceInfo];

    /// The next item. An `Err` ends the source: it names what could not be read (the items
    /// before it were good).
    fn next_item(&mut self) -> Result<Poll, SourceError>;

    /// Problems that did not stop the source but lost data (a stream cut short), gathered so
    /// far; complete once [`Poll::End`] was returned.
    fn errors(&self) -> Vec<String>;
}

/// Why a source could not go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SourceError(pub String);

//! babeltrace2 as a second reader (the `bt2` Cargo feature): the reference CTF implementation,
//! linked through `babeltrace2-sys`, behind the same [`crate::source::EventSource`] interface
//! as the native reader.
//!
//! It serves as the oracle that proves the native decoder reads every field the same way
//! (`tests/bt2_diff.rs`), and as the path to what only babeltrace2 reads today (its
//! `lttng-live` source, CTF 2). The graph is `source.ctf.fs` → `filter.utils.muxer` → a sink
//! of ours ([`graph`]) that converts each message into an owned [`crate::source::event::Item`]
//! ([`convert`]).
//!
//! babeltrace2 objects are not thread-safe: a [`Bt2Source`] stays on the thread that made it.

pub mod convert;
pub mod graph;
pub mod plugins;

pub use graph::Bt2Source;

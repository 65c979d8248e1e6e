//! lttng-tui: read LTTng (CTF 1.8) traces fast and find out why one request was slow.
//!
//! Layers, each importing only the ones below it:
//!
//! ```text
//!             cli  (dump, info, gen, demo, index, the analyses, the TUI)
//!            /    \
//!        pretty   lami       babeltrace2-compatible text; LAMI 1.0 JSON
//!           |      |
//!           |   analysis     result tables (pure functions of the index)
//!           |      |
//!           |    index       background indexer, progress, snapshots, cache
//!           |      |
//!           |    model       kernel state machine: threads, CPUs, intervals, fds, gaps
//!            \    /
//!             ctf            TSDL metadata, decoding, packets, streams, merge
//! ```
//!
//! Nothing under `ctf` knows about terminals or output formats.

pub mod analysis;
pub mod cli;
pub mod ctf;
pub mod r#gen;
pub mod index;
pub mod lami;
pub mod model;
pub mod pretty;

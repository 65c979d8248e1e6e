//! lttng-tui: read LTTng (CTF 1.8) traces fast and find out why one request was slow.
//!
//! Layers, each importing only the ones below it:
//!
//! ```text
//!   cli            subcommands: dump, info, gen, demo, index, bench, the TUI entry
//!   tui            terminal UI (ratatui + crossterm); reads config (keymaps, themes)
//!   pretty, lami   babeltrace2-compatible text; LAMI 1.0 JSON
//!   analysis       result tables, pure functions of the model
//!   index          background indexer: progress, snapshots, cache
//!   model          kernel state machine: threads, CPUs, intervals, fds, gaps
//!   gen            trace generator (writes through ctf's writer)
//!   source         the event-source interface both readers produce (native adapter, text)
//!   ctf, bt2       TSDL metadata, decoding, packets, streams, merge, writer; babeltrace2
//!                  as a second reader (`bt2` feature)
//! ```
//!
//! Nothing under `ctf` knows about terminals or output formats; `config` (keymaps, themes)
//! is plain data that `tui` lowers to the terminal.

pub mod analysis;
#[cfg(feature = "bt2")]
pub mod bt2;
pub mod cli;
pub mod config;
pub mod ctf;
pub mod r#gen;
pub mod index;
pub mod lami;
pub mod model;
pub mod pretty;
pub mod source;
#[cfg(test)]
mod test_corpus;
pub mod tui;

//! lttng-tui: read LTTng (CTF 1.8) traces fast and find out why one request was slow.
//!
//! Layers, each importing only the ones below it:
//!
//! ```text
//!             cli  (dump, info, gen, demo, the analyses, the TUI)
//!            /   \
//!          tui    |          terminal UI (ratatui); reads `config`
//!            \   /
//!           pretty           babeltrace2-compatible text output
//!              |
//!             ctf            TSDL metadata, decoding, packets, streams, merge
//! ```
//!
//! Nothing under `ctf` knows about terminals or output formats; `config` (keymaps, themes)
//! is plain data that `tui` lowers to the terminal.

pub mod cli;
pub mod config;
pub mod ctf;
pub mod r#gen;
pub mod pretty;
pub mod tui;

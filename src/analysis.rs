//! Analyses: plain functions from an index and a time range to [`table::Table`]s, shared by
//! the command line, the TUI and the LAMI writer.

pub mod table;

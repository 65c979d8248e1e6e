//! Analyses: plain functions from an index and a time range to [`table::Table`]s, shared by
//! the command line, the TUI and the LAMI writer.

pub mod common;
pub mod compare;
pub mod cpu;
pub mod cputheft;
pub mod events;
pub mod freq;
pub mod inside;
pub mod instance;
pub mod io;
pub mod iolat;
pub mod irq;
pub mod latency;
pub mod latency_instances;
pub mod latency_samples;
pub mod mem;
pub mod period;
pub mod registry;
pub mod sched;
pub mod syscalls;
pub mod table;
pub mod text;

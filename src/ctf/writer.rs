//! CTF 1.8 writer for LTTng-style kernel traces (used by the trace generator).
//!
//! The layout copies what lttng-modules and the consumer daemon write, so that readers
//! (ours, babeltrace2) see a trace indistinguishable in structure from a recorded one:
//!
//! * [`metadata`]: the TSDL text (packetized like LTTng does), with the packet header and
//!   context of an LTTng ≥ 2.8 kernel channel and both compact and large event headers;
//! * [`payload`]: little-endian, byte-packed field encoding driven by the same field
//!   descriptions that produce the metadata, so the two can never disagree;
//! * [`stream`]: one per-CPU data stream cut into packets, choosing the compact or the
//!   extended event header per event with LTTng's rule;
//! * [`index`]: the `index/*.idx` files (v1.1, big endian);
//! * [`sink`]: where finished packets go (files, possibly written by a background thread).

pub mod index;
pub mod metadata;
pub mod payload;
pub mod sink;
pub mod stream;

pub use metadata::{EventClassDesc, FieldDesc, FieldType, TraceDesc};
pub use payload::Val;
pub use sink::{FileSink, PacketSink, ThreadedSink};
pub use stream::StreamWriter;

//! The native CTF 1.8 reader: metadata to [`ir::TraceClass`], packets and events to
//! [`message::Message`]s in time order.
//!
//! `session` finds traces under a path; `trace` opens one (metadata, mapped files, packet
//! tables); `program` and `decode` compile and run field decoders; `packet` reads packet
//! headers and contexts; `reader` walks one data stream; `merge` orders all of them.

pub mod bits;
pub mod clock;
pub mod decode;
pub mod field_digest;
pub mod idx;
pub mod ir;
pub mod merge;
pub mod message;
pub mod metadata;
pub mod niceness;
pub mod packet;
pub mod parallel;
pub mod prefetch;
pub mod program;
pub mod reader;
pub mod session;
pub mod trace;
pub mod value;
pub mod writer;

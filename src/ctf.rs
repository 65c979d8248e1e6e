//! The native CTF 1.8 reader: metadata to [`ir::TraceClass`], packets and events to
//! [`message::Message`]s in time order.

pub mod ir;
pub mod message;
pub mod value;
pub mod writer;

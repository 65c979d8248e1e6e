//! Errors that stop a data stream.

use std::fmt;
use std::path::PathBuf;

use crate::ctf::decode::DecodeError;
use crate::ctf::packet::PacketError;

/// A problem that stops one data stream. Messages before it have been delivered.
#[derive(Debug, Clone)]
pub struct ReadError {
    /// The stream file where it happened.
    pub path: PathBuf,
    /// What happened.
    pub kind: ReadErrorKind,
}

/// What stopped a stream.
#[derive(Debug, Clone)]
pub enum ReadErrorKind {
    /// A packet could not be read.
    Packet(PacketError),
    /// An event could not be decoded.
    Event(DecodeError),
    /// The event header names an event class the metadata does not declare.
    UnknownEventClass {
        /// The id.
        id: u64,
        /// Byte offset of the event.
        offset: u64,
    },
    /// No thread could be started to decode the stream.
    ThreadFailed,
    /// The file ends before the packet does.
    Truncated {
        /// Byte offset of the packet.
        offset: u64,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display();
        match &self.kind {
            ReadErrorKind::Packet(e) => write!(f, "{p}: {e}"),
            ReadErrorKind::Event(e) => write!(f, "{p}: {e}"),
            ReadErrorKind::UnknownEventClass { id, offset } => write!(
                f,
                "{p}: event at byte {offset}: no event class with id {id} in its stream class"
            ),
            ReadErrorKind::ThreadFailed => write!(f, "{p}: cannot start a decoding thread"),
            ReadErrorKind::Truncated { offset } => write!(
                f,
                "{p}: packet at byte {offset} is truncated: the file ends before the packet does"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

impl ReadError {
    /// A decoding thread could not be started for the stream.
    pub fn thread_failed(path: &std::path::Path) -> Self {
        ReadError {
            path: path.to_path_buf(),
            kind: ReadErrorKind::ThreadFailed,
        }
    }
}

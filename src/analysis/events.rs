//! A pass over the raw events of a trace, for the analyses that need more than the model
//! (period expressions read any field).

use std::path::Path;

use anyhow::Result;

use crate::ctf::message::{EventRecord, Message};
use crate::ctf::session::Session;

/// The CPU of an event (packet context `cpu_id`).
pub fn cpu_of(e: &EventRecord<'_>) -> Option<u32> {
    let v = e.packet_context?.get_i128("cpu_id")?;
    u32::try_from(v).ok()
}

/// The timestamp of an event, ns since the epoch.
pub fn ts_of(e: &EventRecord<'_>) -> Option<u64> {
    e.timestamp
        .and_then(|t| t.ns_from_origin)
        .and_then(|t| u64::try_from(t).ok())
}

/// Calls `f` for every event with a timestamp in `[begin, end]`, in time order.
pub fn for_each_event(
    path: &Path,
    begin: u64,
    end: u64,
    mut f: impl FnMut(&EventRecord<'_>, u64),
) -> Result<()> {
    let session = Session::open(path)?;
    let mut it = session.messages();
    while let Some(msg) = it.next_message() {
        if let Message::Event(e) = msg
            && let Some(t) = ts_of(&e)
        {
            if t > end {
                break;
            }
            if t >= begin {
                f(&e, t);
            }
        }
    }
    Ok(())
}

//! A pass over the raw events of a trace, for the analyses that need more than the model
//! (period expressions read any field).

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::Path;

use anyhow::Result;

use crate::ctf::message::{EventRecord, Message};
use crate::ctf::parallel::PassOver;
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

/// Calls `f` for every event with a timestamp in `[begin, end]`, in time order; returns the
/// instant of the last one. Streams cut short by damage end early, as when indexing (the
/// model built from the same streams keeps the reader's errors).
pub fn for_each_event(
    path: &Path,
    begin: u64,
    end: u64,
    f: impl FnMut(&EventRecord<'_>, u64),
) -> Result<Option<u64>> {
    Ok(for_each_event_of(
        &Session::open(path)?,
        begin,
        end,
        None,
        f,
    ))
}

/// Like [`for_each_event`], handing over only the events whose class is in `classes` (all
/// when `None`). Events of other classes are still read, to find damage and the range's last
/// instant (which is returned, whatever its event's class), but never merged in time order:
/// a pass wanting two classes out of two hundred costs little more than decoding.
pub fn for_each_event_of(
    session: &Session,
    begin: u64,
    end: u64,
    classes: Option<&BTreeSet<String>>,
    mut f: impl FnMut(&EventRecord<'_>, u64),
) -> Option<u64> {
    let mut last = None;
    let mut on_message = |msg: &Message<'_>| {
        if let Message::Event(e) = msg
            && let Some(t) = ts_of(e)
        {
            if t > end {
                return ControlFlow::Break(());
            }
            if t >= begin {
                f(e, t);
                last = Some(t);
            }
        }
        ControlFlow::Continue(())
    };
    let outcome = match classes {
        Some(names) => session.for_each_kept(
            &PassOver {
                keep: &|c| names.contains(&c.name),
                through_ns: i64::try_from(end).unwrap_or(i64::MAX),
            },
            on_message,
        ),
        None => {
            // Every event crosses the merge here: on one thread, copying them between
            // threads would cost more than decoding on two cores saves.
            let mut it = session.messages();
            while let Some(msg) = it.next_message() {
                if on_message(&msg).is_break() {
                    break;
                }
            }
            it.outcome()
        }
    };
    let passed = outcome
        .last_passed_ns
        .and_then(|t| u64::try_from(t).ok())
        .filter(|&t| t >= begin);
    last.max(passed)
}

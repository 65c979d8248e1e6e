//! A pass over the raw events of a trace, for the analyses that need more than the model
//! (period expressions read any field).

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::Path;

use anyhow::Result;

use crate::ctf::message::{EventRecord, Message};
use crate::ctf::parallel::{MergeOutcome, PassOver};
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

/// What a pass over the events met besides the events it handed over.
#[derive(Debug, Default)]
pub struct Pass {
    /// The latest event instant in the range, handed over or not (ns since the epoch).
    pub last_ns: Option<u64>,
    /// Why streams stopped early (damaged data): the events after were not read.
    pub errors: Vec<String>,
}

/// Calls `f` for every event with a timestamp in `[begin, end]`, in time order.
pub fn for_each_event(
    path: &Path,
    begin: u64,
    end: u64,
    f: impl FnMut(&EventRecord<'_>, u64),
) -> Result<Pass> {
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
/// instant, but never merged in time order: a pass wanting two classes out of two hundred
/// costs little more than decoding.
pub fn for_each_event_of(
    session: &Session,
    begin: u64,
    end: u64,
    classes: Option<&BTreeSet<String>>,
    mut f: impl FnMut(&EventRecord<'_>, u64),
) -> Pass {
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
            MergeOutcome {
                errors: it.errors().to_vec(),
                ..MergeOutcome::default()
            }
        }
    };
    let passed = outcome
        .last_passed_ns
        .and_then(|t| u64::try_from(t).ok())
        .filter(|&t| t >= begin);
    Pass {
        last_ns: last.max(passed),
        errors: outcome.errors.iter().map(ToString::to_string).collect(),
    }
}

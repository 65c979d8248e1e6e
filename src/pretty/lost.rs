//! The warning babeltrace2 writes (to stderr) for discarded events and packets:
//!
//! ```text
//! WARNING: Tracer discarded 20 events between [00:16:40.000000350] and [00:16:40.000000550] in trace "lhost" (UUID: 10111213-1415-1617-1819-1a1b1c1d1e1f) within stream "/tmp/ptest/lost/chan_0" (stream class ID: 0, stream ID: 3).
//! ```
//!
//! - `Tracer may have discarded events` when the count is unknown; `1 event`, `2 events`;
//! - `(unknown time range)` instead of `between [...] and [...]` without both instants;
//! - the trace name is the `hostname` environment string, followed by `/` and the trace's
//!   path relative to the single path given on the command line when the trace lies below it
//!   (babeltrace2's CLI passes that as `trace-name`); empty when neither exists;
//! - `(no UUID)` without a trace UUID;
//! - the stream name is the absolute path of the stream's first data file, normalized
//!   lexically (`.` and `..` removed, symbolic links kept);
//! - the stream ID is the packet header's `stream_instance_id`, otherwise babeltrace2
//!   numbers the streams of a trace from 0 in path order, which is `stream_index`.

use std::path::{Component, Path, PathBuf};

use crate::ctf::ir::EnvValue;
use crate::ctf::message::{LostKind, LostRecord};

use super::num::push_u64;
use super::time::Clock;

/// Writes the whole warning line for `rec` to `err` (negative-time warnings first, as
/// babeltrace2 emits those while it builds the line).
pub fn write_lost(
    err: &mut Vec<u8>,
    line: &mut Vec<u8>,
    clock: &mut Clock,
    rec: &LostRecord<'_>,
    input_root: Option<&Path>,
) {
    line.clear();
    let noun: &[u8] = match rec.kind {
        LostKind::Events => b"event",
        LostKind::Packets => b"packet",
    };
    match rec.count {
        None => {
            line.extend_from_slice(b"WARNING: Tracer may have discarded ");
            line.extend_from_slice(noun);
            line.push(b's');
        }
        Some(count) => {
            line.extend_from_slice(b"WARNING: Tracer discarded ");
            push_u64(line, count);
            line.push(b' ');
            line.extend_from_slice(noun);
            if count != 1 {
                line.push(b's');
            }
        }
    }
    line.push(b' ');
    match (&rec.begin, &rec.end) {
        (Some(begin), Some(end)) => {
            line.extend_from_slice(b"between [");
            clock.write_time(line, err, begin, false);
            line.extend_from_slice(b"] and [");
            clock.write_time(line, err, end, false);
            line.push(b']');
        }
        _ => line.extend_from_slice(b"(unknown time range)"),
    }
    let stream = &rec.stream;
    line.extend_from_slice(b" in trace \"");
    push_trace_name(
        line,
        stream.trace.env("hostname"),
        stream.trace_path,
        input_root,
    );
    line.extend_from_slice(b"\" ");
    match &stream.trace.uuid {
        Some(uuid) => {
            line.extend_from_slice(b"(UUID: ");
            push_uuid(line, uuid);
            line.extend_from_slice(b") ");
        }
        None => line.extend_from_slice(b"(no UUID) "),
    }
    line.extend_from_slice(b"within stream \"");
    line.extend_from_slice(normalize(stream.stream_path).as_os_str().as_encoded_bytes());
    line.extend_from_slice(b"\" (stream class ID: ");
    push_u64(line, stream.stream_class.id);
    line.extend_from_slice(b", stream ID: ");
    let id = stream
        .stream_instance_id
        .unwrap_or(stream.stream_index as u64);
    push_u64(line, id);
    line.extend_from_slice(b").\n");
    err.extend_from_slice(line);
}

fn push_trace_name(
    out: &mut Vec<u8>,
    hostname: Option<&EnvValue>,
    trace_path: &Path,
    input_root: Option<&Path>,
) {
    let suffix = input_root.and_then(|root| relative_suffix(root, trace_path));
    if let Some(EnvValue::Str(host)) = hostname {
        out.extend_from_slice(host.as_bytes());
        if suffix.is_some() {
            out.push(b'/');
        }
    }
    if let Some(suffix) = suffix {
        out.extend_from_slice(suffix.as_os_str().as_encoded_bytes());
    }
}

/// `trace` relative to `root` when it lies strictly below it (compared lexically, as
/// given, then normalized, since the reader may have made either absolute).
fn relative_suffix(root: &Path, trace: &Path) -> Option<PathBuf> {
    let rel = match trace.strip_prefix(root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => normalize(trace)
            .strip_prefix(normalize(root))
            .ok()?
            .to_path_buf(),
    };
    (!rel.as_os_str().is_empty()).then_some(rel)
}

/// Absolute path with `.` and `..` resolved lexically, like babeltrace2's path normalizer.
pub fn normalize(path: &Path) -> PathBuf {
    let cwd = if path.is_relative() {
        std::env::current_dir().unwrap_or_default()
    } else {
        PathBuf::new()
    };
    let mut parts: Vec<Component<'_>> = cwd.components().collect();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(parts.last(), Some(Component::Normal(_))) {
                    parts.pop();
                }
            }
            other => parts.push(other),
        }
    }
    let mut out = PathBuf::from("/");
    for part in parts {
        if let Component::Normal(name) = part {
            out.push(name);
        }
    }
    out
}

fn push_uuid(out: &mut Vec<u8>, uuid: &[u8; 16]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in uuid.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push(b'-');
        }
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0xf)]);
    }
}

//! The `[HH:MM:SS.nnnnnnnnn] (+S.nnnnnnnnn) ` columns and the instants of discarded-items
//! warnings, with babeltrace2 2.0.4's quirks:
//!
//! - the delta is the difference with the previous event's time, as an unsigned 64-bit
//!   number (a backward step prints a huge value); the first event prints `+?.?????????`;
//! - babeltrace2 keeps "no previous time" as the value -1 ns, so an event exactly 1 ns before
//!   the epoch does not become the previous time;
//! - the first negative time is printed as `-S.nnnnnnnnn` together with a warning on stderr;
//!   later negative times print the time of day of their absolute value, without sign;
//! - a time the clock cannot convert prints `Error` and does not become the previous time.

use crate::ctf::message::Timestamp;

use super::num::{grow, push_u64, push_u64_padded, put_decimal, put_nine_digits, put_u64};
use super::tz::LocalZone;

const NS_PER_S: u64 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;

/// babeltrace2's "unset" marker for the previous time and the delta (-1 as unsigned).
const UNSET: u64 = u64::MAX;

/// The warning babeltrace2 writes to stderr the first time it meets a negative time.
pub const NEGATIVE_TIME_WARNING: &[u8] =
    b"[warning] Fallback to [sec.ns] to print negative time value. Use --clock-seconds.\n";

/// Timestamp state shared by event lines and warnings.
#[derive(Debug)]
pub struct Clock {
    /// `None`: UTC (`--clock-gmt`); otherwise the local zone.
    zone: Option<LocalZone>,
    /// Previous event time in ns from the epoch, as babeltrace2 stores it (unsigned).
    last_ns: u64,
    /// Current delta in ns, [`UNSET`] until two events were seen.
    delta_ns: u64,
    negative_warned: bool,
    /// `HH:MM:SS.` of [`Self::day_secs_of`]: consecutive events share their second, so the
    /// time of day (and the zone lookup) is computed once per second, not once per event.
    hms: [u8; 9],
    /// The second since the epoch `hms` shows (`i64::MIN`: none yet).
    day_secs_of: i64,
}

impl Clock {
    /// A clock printing UTC times (`zone` `None`) or local times.
    pub fn new(zone: Option<LocalZone>) -> Self {
        Clock {
            zone,
            last_ns: UNSET,
            delta_ns: UNSET,
            negative_warned: false,
            hms: [0; 9],
            day_secs_of: i64::MIN,
        }
    }

    /// Writes `[time] (+delta) ` for an event and makes its time the previous one.
    pub fn write_event_columns(&mut self, out: &mut Vec<u8>, err: &mut Vec<u8>, ts: &Timestamp) {
        match ts.ns_from_origin {
            Some(ns) if ns >= 0 => self.write_columns_fast(out, ns as u64),
            _ => self.write_columns_general(out, err, ts),
        }
    }

    /// The common case, a time at or after the epoch: the whole `[time] (+delta) ` text is
    /// assembled on the stack and appended at once (every printed event comes through here).
    fn write_columns_fast(&mut self, out: &mut Vec<u8>, ns: u64) {
        if self.last_ns != UNSET {
            self.delta_ns = ns.wrapping_sub(self.last_ns);
        }
        self.last_ns = ns;
        // `ns` is at most i64::MAX, so the seconds fit in i64.
        let secs = (ns / NS_PER_S) as i64;
        if secs != self.day_secs_of {
            let local = match &mut self.zone {
                None => secs,
                Some(zone) => secs.saturating_add(zone.offset_at(secs)),
            };
            let day = local.rem_euclid(SECS_PER_DAY) as u64;
            self.hms = *b"00:00:00.";
            put_decimal(&mut self.hms[0..2], day / 3600, 2);
            put_decimal(&mut self.hms[3..5], day / 60 % 60, 2);
            put_decimal(&mut self.hms[6..8], day % 60, 2);
            self.day_secs_of = secs;
        }
        // `[` 9+9 `] (` `+` up to 20 digits `.` 9 `) `: at most 55 bytes, written in place.
        let start = grow::<64>(out);
        let line = &mut out[start..];
        line[0] = b'[';
        line[1..10].copy_from_slice(&self.hms);
        put_nine_digits(&mut line[10..19], (ns % NS_PER_S) as u32);
        line[19..22].copy_from_slice(b"] (");
        let mut at = 22;
        if self.delta_ns == UNSET {
            line[at..at + 12].copy_from_slice(b"+?.?????????");
            at += 12;
        } else {
            line[at] = b'+';
            at += 1;
            at += put_u64(&mut line[at..], self.delta_ns / NS_PER_S);
            line[at] = b'.';
            at += 1;
            put_nine_digits(&mut line[at..at + 9], (self.delta_ns % NS_PER_S) as u32);
            at += 9;
        }
        line[at..at + 2].copy_from_slice(b") ");
        out.truncate(start + at + 2);
    }

    /// Negative and unconvertible times, with babeltrace2's special cases.
    fn write_columns_general(&mut self, out: &mut Vec<u8>, err: &mut Vec<u8>, ts: &Timestamp) {
        out.push(b'[');
        self.write_time(out, err, ts, true);
        out.extend_from_slice(b"] (");
        if self.delta_ns == UNSET {
            out.extend_from_slice(b"+?.?????????");
        } else {
            out.push(b'+');
            push_u64(out, self.delta_ns / NS_PER_S);
            out.push(b'.');
            push_u64_padded(out, self.delta_ns % NS_PER_S, 9);
        }
        out.extend_from_slice(b") ");
    }

    /// Writes a time of day (or seconds, for the first negative time), optionally making it
    /// the previous event time.
    pub fn write_time(
        &mut self,
        out: &mut Vec<u8>,
        err: &mut Vec<u8>,
        ts: &Timestamp,
        update_last: bool,
    ) {
        let Some(ns) = ts.ns_from_origin else {
            out.extend_from_slice(b"Error");
            return;
        };
        if update_last {
            if self.last_ns != UNSET {
                self.delta_ns = (ns as u64).wrapping_sub(self.last_ns);
            }
            self.last_ns = ns as u64;
        }
        let negative = ns < 0;
        let abs = ns.unsigned_abs();
        let (secs, nanos) = (abs / NS_PER_S, abs % NS_PER_S);
        if negative && !self.negative_warned {
            err.extend_from_slice(NEGATIVE_TIME_WARNING);
            self.negative_warned = true;
            out.push(b'-');
            push_u64(out, secs);
            out.push(b'.');
            push_u64_padded(out, nanos, 9);
            return;
        }
        // `secs` fits in i64: it is at most |i64::MIN| / 1e9.
        let secs = secs as i64;
        let local = match &mut self.zone {
            None => secs,
            Some(zone) => secs.saturating_add(zone.offset_at(secs)),
        };
        push_time_of_day(out, local, nanos);
    }
}

/// Writes `HH:MM:SS.nnnnnnnnn` for `secs` since the epoch, already shifted to the zone.
fn push_time_of_day(out: &mut Vec<u8>, secs: i64, nanos: u64) {
    let day_secs = secs.rem_euclid(SECS_PER_DAY) as u64;
    push_u64_padded(out, day_secs / 3600, 2);
    out.push(b':');
    push_u64_padded(out, day_secs / 60 % 60, 2);
    out.push(b':');
    push_u64_padded(out, day_secs % 60, 2);
    out.push(b'.');
    push_u64_padded(out, nanos, 9);
}

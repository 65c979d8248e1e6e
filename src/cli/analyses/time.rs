//! Time arguments of the analyses (analyses.md §1.4): ns since the epoch, or a date/time
//! in local time (UTC with `--gmt`); a time of day takes the trace's date.

use anyhow::{Result, bail};

use crate::analysis::text::{Clock, civil, days};

/// Parses `T` against the trace's first timestamp `trace_begin` (for time-of-day forms).
pub fn parse_time(s: &str, trace_begin: u64, clock: &mut Clock) -> Result<u64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(s.parse()?);
    }
    let (date, time) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (Some(d), t),
        None => (None, s),
    };
    let (hms, frac) = match time.split_once('.') {
        Some((h, f)) if f.len() == 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            (h, f.parse::<i64>()?)
        }
        Some(_) => bail!("invalid time `{s}`: the fraction needs exactly 9 digits"),
        None => (time, 0),
    };
    let parts: Vec<i64> = hms.split(':').map(str::parse).collect::<Result<_, _>>()?;
    let [h, mi, se] = parts[..] else {
        bail!("invalid time `{s}`: expected hh:mm:ss");
    };
    let begin_secs = (trace_begin / 1_000_000_000) as i64;
    let day = match date {
        Some(d) => {
            let v: Vec<i64> = d.split('-').map(str::parse).collect::<Result<_, _>>()?;
            let [y, m, dd] = v[..] else {
                bail!("invalid date `{d}`: expected YYYY-MM-DD");
            };
            days(y, m, dd)
        }
        None => {
            let local = begin_secs + clock.offset_at(begin_secs);
            let (y, m, d) = civil(local.div_euclid(86_400));
            days(y, m, d)
        }
    };
    let local = day * 86_400 + h * 3600 + mi * 60 + se;
    let utc = local - clock.offset_at(local);
    let ns = utc * 1_000_000_000 + frac;
    u64::try_from(ns).map_err(|_| anyhow::anyhow!("time `{s}` is before 1970"))
}

/// Parses a duration with an optional unit (`s` default, `ms`, `us`/`µs`, `ns`) into ns.
pub fn parse_duration(s: &str) -> Result<u64> {
    let s = s.trim();
    let (num, mult) = [
        ("ns", 1.0),
        ("us", 1e3),
        ("µs", 1e3),
        ("ms", 1e6),
        ("s", 1e9),
    ]
    .iter()
    .find_map(|(u, m)| s.strip_suffix(u).map(|n| (n, *m)))
    .unwrap_or((s, 1e9));
    let v: f64 = num.trim().parse()?;
    Ok((v * mult).round() as u64)
}

/// Microseconds (float, as `--min/--max` take them) to ns.
pub fn us_to_ns(us: f64) -> u64 {
    (us * 1000.0).round().max(0.0) as u64
}

//! Times and durations as the TUI writes and reads them.

/// `HH:MM:SS.nnnnnnnnn` of `ns` since the epoch, shifted by `offset_s` (the zone).
pub fn clock(ns: i64, offset_s: i64) -> String {
    let local = ns.saturating_add(offset_s.saturating_mul(1_000_000_000));
    let secs = local.div_euclid(1_000_000_000);
    let frac = local.rem_euclid(1_000_000_000);
    let day_s = secs.rem_euclid(86_400);
    format!(
        "{:02}:{:02}:{:02}.{frac:09}",
        day_s / 3600,
        day_s / 60 % 60,
        day_s % 60
    )
}

/// `YYYY-MM-DD` of `ns` since the epoch, shifted by `offset_s`.
pub fn date(ns: i64, offset_s: i64) -> String {
    let secs = ns.div_euclid(1_000_000_000).saturating_add(offset_s);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A duration with a unit chosen for it: `850 ns`, `12.5 µs`, `3.250 ms`, `1.500 s`.
pub fn duration(ns: i64) -> String {
    let a = ns.unsigned_abs() as f64;
    let sign = if ns < 0 { "-" } else { "" };
    if a < 1e3 {
        format!("{sign}{a} ns")
    } else if a < 1e6 {
        format!("{sign}{:.1} µs", a / 1e3)
    } else if a < 1e9 {
        format!("{sign}{:.3} ms", a / 1e6)
    } else {
        format!("{sign}{:.3} s", a / 1e9)
    }
}

/// Reads a duration: `1.5s`, `250ms`, `30us`, `30µs`, `100ns`, or a bare number of seconds.
pub fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let v: f64 = num.parse().ok()?;
    let scale = match unit.trim() {
        "" | "s" => 1e9,
        "ms" => 1e6,
        "us" | "µs" => 1e3,
        "ns" => 1.0,
        "m" | "min" => 60e9,
        _ => return None,
    };
    let ns = v * scale;
    (ns.is_finite() && ns.abs() < 9e18).then_some(ns as i64)
}

/// Where `goto_time TEXT` points: `+D`/`-D` relative to `cursor_ns`, `D` from `start_ns`, or
/// `HH:MM:SS[.frac]` on the day of `start_ns` in the zone `offset_s`.
pub fn parse_goto(text: &str, start_ns: i64, cursor_ns: i64, offset_s: i64) -> Option<i64> {
    let t = text.trim();
    if let Some(rest) = t.strip_prefix('+') {
        return Some(cursor_ns.saturating_add(parse_duration(rest)?));
    }
    if t.starts_with('-') {
        return Some(cursor_ns.saturating_add(parse_duration(t)?));
    }
    if t.contains(':') {
        let mut parts = t.splitn(3, ':');
        let h: i64 = parts.next()?.parse().ok()?;
        let m: i64 = parts.next()?.parse().ok()?;
        let s = parse_duration(parts.next().unwrap_or("0"))?;
        let day_start =
            (start_ns / 1_000_000_000 + offset_s).div_euclid(86_400) * 86_400 - offset_s;
        return Some((day_start + h * 3600 + m * 60) * 1_000_000_000 + s);
    }
    Some(start_ns.saturating_add(parse_duration(t)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(clock(1_700_000_000_123_456_789, 0), "22:13:20.123456789");
        assert_eq!(date(1_700_000_000_000_000_000, 0), "2023-11-14");
        assert_eq!(duration(1_500_000_000), "1.500 s");
        assert_eq!(duration(12_500), "12.5 µs");
        assert_eq!(parse_duration("250ms"), Some(250_000_000));
        assert_eq!(parse_duration("2"), Some(2_000_000_000));
        assert_eq!(parse_goto("+1ms", 0, 10, 0), Some(1_000_010));
        let start = 1_700_000_000_000_000_000;
        assert_eq!(
            parse_goto("22:13:21", start, 0, 0),
            Some(start + 1_000_000_000)
        );
        assert_eq!(parse_duration("abc"), None);
    }
}

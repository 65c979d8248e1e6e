//! The local time zone, for times printed without `--clock-gmt`.
//!
//! babeltrace2 calls `localtime_r`, so glibc's rules decide: `TZ` unset means
//! `/etc/localtime`; `TZ` empty means UTC; `TZ=:name` or `TZ=name` is a TZif file (an absolute
//! path, or a name under `/usr/share/zoneinfo`), else a POSIX zone string, else UTC. This
//! module reads TZif files (version 2+ 64-bit data and footer rule, version 1 otherwise) and
//! POSIX strings (`JST-9`, `EST5EDT,M3.2.0,M11.1.0`, see [`super::tzrule`]). Leap seconds
//! (`right/` zones) are ignored.

use std::path::Path;

use super::tzrule::PosixTz;

/// A zone: UTC offsets and the instants they start.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalZone {
    /// Transition instants (seconds since the epoch), ascending.
    transitions: Vec<i64>,
    /// Offset (seconds east of UTC) from each transition on.
    offsets: Vec<i64>,
    /// Offset before the first transition (or always, without transitions and rule).
    initial: i64,
    /// Rule after the last transition (a TZif footer), or the whole zone (a `TZ` string).
    rule: Option<PosixTz>,
    /// Last answer: `[start, end)` and its offset, since event times mostly stay in one range.
    cache: (i64, i64, i64),
}

impl LocalZone {
    /// UTC.
    pub fn utc() -> Self {
        Self::fixed(0)
    }

    /// A zone with one constant offset east of UTC.
    pub fn fixed(offset: i64) -> Self {
        LocalZone {
            transitions: Vec::new(),
            offsets: Vec::new(),
            initial: offset,
            rule: None,
            cache: (i64::MIN, i64::MAX, offset),
        }
    }

    /// The zone glibc would use for this `TZ` value (`None`: unset).
    pub fn from_tz(tz: Option<&str>) -> Self {
        let Some(tz) = tz else {
            return Self::from_file(Path::new("/etc/localtime")).unwrap_or_else(Self::utc);
        };
        let name = tz.strip_prefix(':').unwrap_or(tz);
        if name.is_empty() {
            return Self::utc();
        }
        let file = if name.starts_with('/') {
            Some(Path::new(name).to_path_buf())
        } else if name.split('/').any(|part| part == "..") {
            None
        } else {
            Some(Path::new("/usr/share/zoneinfo").join(name))
        };
        file.and_then(|f| Self::from_file(&f))
            .or_else(|| PosixTz::parse(name).map(Self::from_rule))
            .unwrap_or_else(Self::utc)
    }

    /// The zone of the process environment (`TZ`).
    pub fn from_env() -> Self {
        let tz = std::env::var("TZ").ok();
        Self::from_tz(tz.as_deref())
    }

    /// A zone following a POSIX rule everywhere.
    pub fn from_rule(rule: PosixTz) -> Self {
        LocalZone {
            transitions: Vec::new(),
            offsets: Vec::new(),
            initial: 0,
            rule: Some(rule),
            cache: (0, 0, 0),
        }
    }

    fn from_file(path: &Path) -> Option<Self> {
        Self::from_tzif(&std::fs::read(path).ok()?)
    }

    /// Parses TZif data (RFC 8536).
    pub fn from_tzif(data: &[u8]) -> Option<Self> {
        let v1 = TzifHeader::parse(data)?;
        if v1.version >= b'2' {
            let v2_at = 44 + v1.data_len(4);
            let v2 = TzifHeader::parse(data.get(v2_at..)?)?;
            let block = data.get(v2_at + 44..)?;
            let mut zone = Self::from_block(block, &v2, 8)?;
            zone.rule = footer(block.get(v2.data_len(8)..).unwrap_or(&[]));
            Some(zone)
        } else {
            Self::from_block(data.get(44..)?, &v1, 4)
        }
    }

    fn from_block(block: &[u8], h: &TzifHeader, time_size: usize) -> Option<Self> {
        let times = block.get(..h.timecnt * time_size)?;
        let indices = block.get(h.timecnt * time_size..h.timecnt * (time_size + 1))?;
        let types_at = h.timecnt * (time_size + 1);
        let types = block.get(types_at..types_at + h.typecnt * 6)?;
        let type_offset = |i: usize| -> Option<i64> {
            let t = types.get(i * 6..i * 6 + 4)?;
            Some(i64::from(i32::from_be_bytes(t.try_into().ok()?)))
        };
        let mut transitions = Vec::with_capacity(h.timecnt);
        let mut offsets = Vec::with_capacity(h.timecnt);
        for (i, &index) in indices.iter().enumerate() {
            let raw = times.get(i * time_size..(i + 1) * time_size)?;
            let at = if time_size == 8 {
                i64::from_be_bytes(raw.try_into().ok()?)
            } else {
                i64::from(i32::from_be_bytes(raw.try_into().ok()?))
            };
            transitions.push(at);
            offsets.push(type_offset(usize::from(index))?);
        }
        let initial = type_offset(0)?;
        Some(LocalZone {
            transitions,
            offsets,
            initial,
            rule: None,
            cache: (0, 0, initial),
        })
    }

    /// Offset east of UTC, in seconds, in force at `secs` since the epoch.
    pub fn offset_at(&mut self, secs: i64) -> i64 {
        let (start, end, offset) = self.cache;
        if start <= secs && secs < end {
            return offset;
        }
        // Index of the first transition after `secs`.
        let next = self.transitions.partition_point(|&t| t <= secs);
        let start = if next == 0 {
            i64::MIN
        } else {
            self.transitions[next - 1]
        };
        let end = self.transitions.get(next).copied().unwrap_or(i64::MAX);
        let (offset, start, end) = match &self.rule {
            Some(rule) if end == i64::MAX => {
                let (offset, from, until) = rule.offset_span(secs);
                (offset, from.max(start), until)
            }
            _ if next == 0 => (self.initial, start, end),
            _ => (self.offsets[next - 1], start, end),
        };
        self.cache = (start, end, offset);
        offset
    }
}

/// The counts of a TZif header.
struct TzifHeader {
    version: u8,
    isutcnt: usize,
    isstdcnt: usize,
    leapcnt: usize,
    timecnt: usize,
    typecnt: usize,
    charcnt: usize,
}

impl TzifHeader {
    fn parse(data: &[u8]) -> Option<Self> {
        if data.get(..4)? != b"TZif" {
            return None;
        }
        let count = |i: usize| -> Option<usize> {
            let raw = data.get(20 + i * 4..24 + i * 4)?;
            usize::try_from(u32::from_be_bytes(raw.try_into().ok()?)).ok()
        };
        Some(TzifHeader {
            version: *data.get(4)?,
            isutcnt: count(0)?,
            isstdcnt: count(1)?,
            leapcnt: count(2)?,
            timecnt: count(3)?,
            typecnt: count(4)?,
            charcnt: count(5)?,
        })
    }

    /// Length of the data block after the header, for `time_size`-byte times.
    fn data_len(&self, time_size: usize) -> usize {
        self.timecnt * (time_size + 1)
            + self.typecnt * 6
            + self.charcnt
            + self.leapcnt * (time_size + 4)
            + self.isstdcnt
            + self.isutcnt
    }
}

/// The POSIX rule of a TZif footer (`\nRULE\n`), when it has one.
fn footer(tail: &[u8]) -> Option<PosixTz> {
    let text = tail.strip_prefix(b"\n")?;
    let end = text.iter().position(|&b| b == b'\n')?;
    PosixTz::parse(std::str::from_utf8(&text[..end]).ok()?)
}

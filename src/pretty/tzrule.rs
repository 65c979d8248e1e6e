//! POSIX `TZ` strings (`EST5EDT,M3.2.0,M11.1.0`), as glibc applies them: to a `TZ` value that
//! names no zone file, and to instants after a zone file's last transition (the file's footer).

/// Offsets are seconds east of UTC; POSIX strings count westward, hence the sign flips.
#[derive(Debug, Clone, PartialEq)]
pub struct PosixTz {
    std_offset: i64,
    dst: Option<DstRule>,
}

#[derive(Debug, Clone, PartialEq)]
struct DstRule {
    offset: i64,
    start: (RuleDate, i64),
    end: (RuleDate, i64),
}

/// A day of a year.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RuleDate {
    /// `Jn`: day 1..=365, February 29 never counted.
    Julian1(i64),
    /// `n`: day 0..=365, February 29 counted.
    Julian0(i64),
    /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    Month(i64, i64, i64),
}

impl PosixTz {
    /// Parses a POSIX `TZ` string; `None` when it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let mut p = Cursor { s: s.as_bytes() };
        p.name()?;
        let std_offset = -p.offset()?;
        if p.s.is_empty() {
            return Some(PosixTz {
                std_offset,
                dst: None,
            });
        }
        p.name()?;
        let offset = match p.s.first() {
            Some(b',') | None => std_offset + 3600,
            Some(_) => -p.offset()?,
        };
        // glibc's default rule when a daylight name comes without one: the US rule.
        let (start, end) = if p.eat(b',') {
            let start = p.rule_date()?;
            p.eat(b',').then_some(())?;
            (start, p.rule_date()?)
        } else {
            (
                (RuleDate::Month(3, 2, 0), 7200),
                (RuleDate::Month(11, 1, 0), 7200),
            )
        };
        Some(PosixTz {
            std_offset,
            dst: Some(DstRule { offset, start, end }),
        })
    }

    /// The offset at `t` (seconds since the epoch) and the instants `[from, until)` it holds.
    pub fn offset_span(&self, t: i64) -> (i64, i64, i64) {
        let Some(dst) = &self.dst else {
            return (self.std_offset, i64::MIN, i64::MAX);
        };
        let year = year_of(t.saturating_add(self.std_offset));
        // Transitions of the year before, this year and the next, in UTC and in order.
        let mut edges = [(0i64, 0i64); 6];
        for (i, y) in [year - 1, year, year + 1].into_iter().enumerate() {
            let start = day_start(y, dst.start.0) + dst.start.1 - self.std_offset;
            let end = day_start(y, dst.end.0) + dst.end.1 - dst.offset;
            edges[i * 2] = (start, dst.offset);
            edges[i * 2 + 1] = (end, self.std_offset);
        }
        edges.sort_unstable_by_key(|e| e.0);
        let next = edges.partition_point(|e| e.0 <= t);
        let from = if next == 0 {
            i64::MIN
        } else {
            edges[next - 1].0
        };
        let until = edges.get(next).map_or(i64::MAX, |e| e.0);
        let offset = match next {
            0 => edges[5].1,
            n => edges[n - 1].1,
        };
        (offset, from, until)
    }
}

struct Cursor<'a> {
    s: &'a [u8],
}

impl Cursor<'_> {
    fn eat(&mut self, c: u8) -> bool {
        let hit = self.s.first() == Some(&c);
        if hit {
            self.s = &self.s[1..];
        }
        hit
    }

    /// A zone abbreviation: 3+ letters, or anything between `<` and `>`.
    fn name(&mut self) -> Option<()> {
        if self.eat(b'<') {
            let close = self.s.iter().position(|&b| b == b'>')?;
            self.s = &self.s[close + 1..];
            return Some(());
        }
        let len = self
            .s
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        self.s = &self.s[len..];
        (len >= 3).then_some(())
    }

    fn number(&mut self) -> Option<i64> {
        let len = self.s.iter().take_while(|b| b.is_ascii_digit()).count();
        let text = std::str::from_utf8(&self.s[..len]).ok()?;
        self.s = &self.s[len..];
        text.parse().ok()
    }

    /// `[+-]hh[:mm[:ss]]` in seconds, westward positive as written.
    fn offset(&mut self) -> Option<i64> {
        let sign = if self.eat(b'-') {
            -1
        } else {
            self.eat(b'+');
            1
        };
        let mut secs = self.number()? * 3600;
        if self.eat(b':') {
            secs += self.number()? * 60;
            if self.eat(b':') {
                secs += self.number()?;
            }
        }
        Some(sign * secs)
    }

    /// A rule date with its optional `/time` (default 02:00:00).
    fn rule_date(&mut self) -> Option<(RuleDate, i64)> {
        let date = if self.eat(b'M') {
            let m = self.number()?;
            self.eat(b'.').then_some(())?;
            let w = self.number()?;
            self.eat(b'.').then_some(())?;
            RuleDate::Month(m, w, self.number()?)
        } else if self.eat(b'J') {
            RuleDate::Julian1(self.number()?)
        } else {
            RuleDate::Julian0(self.number()?)
        };
        let time = if self.eat(b'/') { self.offset()? } else { 7200 };
        Some((date, time))
    }
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil year containing `t` seconds since the epoch.
fn year_of(t: i64) -> i64 {
    let days = t.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

/// Seconds since the epoch of midnight (UTC reckoning) of a rule date in year `y`.
fn day_start(y: i64, date: RuleDate) -> i64 {
    let jan1 = days_from_civil(y, 1, 1);
    let day = match date {
        RuleDate::Julian1(n) => jan1 + n - 1 + i64::from(is_leap(y) && n >= 60),
        RuleDate::Julian0(n) => jan1 + n,
        RuleDate::Month(m, w, d) => {
            let first = days_from_civil(y, m, 1);
            // 1970-01-01 was a Thursday (4).
            let first_wday = (first + 4).rem_euclid(7);
            let mut day = first + (d - first_wday).rem_euclid(7) + (w - 1) * 7;
            let next_month = if m == 12 {
                days_from_civil(y + 1, 1, 1)
            } else {
                days_from_civil(y, m + 1, 1)
            };
            while day >= next_month {
                day -= 7;
            }
            day
        }
    };
    day * 86_400
}

//! Converting raw clock values to nanoseconds since the Unix epoch.
//!
//! The arithmetic follows babeltrace2 exactly, so that text output matches it to the
//! nanosecond: the offset is normalised to whole seconds plus less than one second of cycles,
//! each part is converted separately, and non-GHz clocks go through a double division
//! (truncated), as babeltrace2 does.

use super::ir::ClockClass;

const NS_PER_S: i64 = 1_000_000_000;

/// A clock class prepared for fast conversions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockConverter {
    /// Frequency in Hz.
    pub freq: u64,
    /// The offset in ns from the epoch; `None` when it does not fit an i64.
    base_offset_ns: Option<i64>,
}

impl ClockConverter {
    /// Prepares `clock`.
    pub fn new(clock: &ClockClass) -> Self {
        let freq = clock.freq.max(1);
        // Normalise so that 0 <= offset_cycles < freq.
        let f = i128::from(freq);
        let total = i128::from(clock.offset_cycles);
        let extra_s = total.div_euclid(f);
        let cycles = total.rem_euclid(f) as u64;
        let offset_s = i128::from(clock.offset_s) + extra_s;
        let base_offset_ns = i64::try_from(offset_s)
            .ok()
            .filter(|s| *s > i64::MIN / NS_PER_S - 1 && *s < i64::MAX / NS_PER_S - 1)
            .map(|s| s * NS_PER_S + cycles_to_ns(freq, cycles) as i64);
        ClockConverter {
            freq,
            base_offset_ns,
        }
    }

    /// Nanoseconds since the epoch of raw value `cycles`; `None` on overflow.
    #[inline]
    pub fn to_ns(&self, cycles: u64) -> Option<i64> {
        let base = self.base_offset_ns?;
        let value = cycles_to_ns(self.freq, cycles);
        // One comparison rather than a conversion and a filter: the merge converts every
        // event's time on its single thread.
        if value >= i64::MAX as u64 {
            return None;
        }
        base.checked_add(value as i64)
    }
}

/// Cycles to ns the way babeltrace2 computes it (exact for 1 GHz, double otherwise).
#[inline]
fn cycles_to_ns(freq: u64, cycles: u64) -> u64 {
    if freq == 1_000_000_000 {
        cycles
    } else {
        let ns = 1e9 * cycles as f64 / freq as f64;
        if ns >= u64::MAX as f64 {
            u64::MAX
        } else {
            ns as u64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(freq: u64, offset_s: i64, offset_cycles: i64) -> ClockClass {
        ClockClass {
            name: "c".into(),
            uuid: None,
            description: None,
            freq,
            precision: 0,
            offset_s,
            offset_cycles,
            absolute: false,
        }
    }

    #[test]
    fn ghz_clock_adds_offset() {
        let c = ClockConverter::new(&clock(1_000_000_000, 10, 1_500_000_000));
        assert_eq!(c.to_ns(7), Some(11_500_000_007));
    }

    #[test]
    fn other_frequencies_scale() {
        let c = ClockConverter::new(&clock(1_000, 0, 0));
        assert_eq!(c.to_ns(1_234), Some(1_234_000_000));
    }

    #[test]
    fn overflowing_offset_gives_none() {
        let c = ClockConverter::new(&clock(1_000_000_000, 1_350_000_000_000_000_000, 0));
        assert_eq!(c.to_ns(0), None);
    }

    #[test]
    fn negative_offset_cycles_borrow_a_second() {
        let c = ClockConverter::new(&clock(1_000_000_000, 10, -1));
        assert_eq!(c.to_ns(0), Some(9_999_999_999));
    }
}

//! Kernel-version rules: how `prev_state` of `sched_switch` reads (kernel-model.md §2.1).

use super::SchedState;
use crate::ctf::ir::{EnvValue, TraceClass};

/// Kernel version facts that change how `prev_state` reads (kernel-model.md §2.1).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct KernelRules {
    /// The "preempted" bit of this kernel (0 when it has none).
    pub preempt: i64,
    /// Kernel ≥ 4.14 (state index encoding).
    pub new_states: bool,
    /// Kernel ≥ 4.2 (1024 = NOLOAD).
    pub noload: bool,
}

impl KernelRules {
    pub(super) fn of(class: &TraceClass) -> KernelRules {
        let release = match class.env("kernel_release") {
            Some(EnvValue::Str(s)) => s.as_str(),
            _ => "",
        };
        let mut parts = release.split(|c: char| !c.is_ascii_digit());
        let major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
        let v = (major, minor);
        let preempt = match v {
            _ if v >= (4, 14) => 256,
            _ if v >= (4, 8) => 4096,
            _ if v >= (4, 2) => 2048,
            _ if v >= (3, 9) => 1024,
            _ if v >= (3, 2) => 512,
            _ => 0,
        };
        KernelRules {
            preempt,
            new_states: v >= (4, 14),
            noload: v >= (4, 2),
        }
    }

    /// The state a thread switched out with `prev_state` is in.
    pub fn prev_state(self, v: i64) -> SchedState {
        let masked = v & !self.preempt;
        if masked == 0 {
            return SchedState::WaitCpu;
        }
        let (sleep, dead, other) = if self.new_states {
            (1 | 2 | 128, 16 | 32, 4 | 8 | 64)
        } else {
            let noload = if self.noload { 1024 } else { 0 };
            (1 | 2 | noload, 64 | 16 | 32, 4 | 8 | 512)
        };
        if masked & sleep != 0 {
            SchedState::WaitBlocked
        } else if masked & dead != 0 {
            SchedState::Exited
        } else if masked & other != 0 {
            SchedState::WaitBlocked
        } else {
            SchedState::WaitUnknown
        }
    }
}

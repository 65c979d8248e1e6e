//! One period instance against the median instance of the same period: which phase grew,
//! which scheduling state grew, which syscalls appear only in the slow one.

use std::collections::{BTreeMap, BTreeSet};

use super::inside::Call;
use super::instance::States;

/// What is known of one instance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    /// Duration, ns.
    pub total: u64,
    /// Child periods as (name, duration ns), in time order.
    pub children: Vec<(String, u64)>,
    /// Where its thread's time went.
    pub states: States,
    /// Its thread's syscalls.
    pub syscalls: Vec<Call>,
}

impl Side {
    /// Child durations summed per name, in order of first appearance.
    pub fn phases(&self) -> Vec<(String, u64)> {
        let mut out: Vec<(String, u64)> = Vec::new();
        for (name, ns) in &self.children {
            match out.iter_mut().find(|p| &p.0 == name) {
                Some(p) => p.1 += ns,
                None => out.push((name.clone(), *ns)),
            }
        }
        out
    }

    /// The time not covered by a child period.
    pub fn outside_children(&self) -> u64 {
        let sum: u64 = self.children.iter().map(|c| c.1).sum();
        self.total.saturating_sub(sum)
    }
}

/// One line of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// A phase or a state.
    pub label: String,
    /// In the selected instance, ns.
    pub selected: u64,
    /// In the median instance, ns.
    pub median: u64,
}

impl Row {
    /// Selected minus median, ns.
    pub fn growth(&self) -> i128 {
        i128::from(self.selected) - i128::from(self.median)
    }
}

/// A syscall the median instance does not make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSyscall {
    /// Its name.
    pub name: String,
    /// Calls in the selected instance.
    pub count: u64,
    /// Their total duration, ns.
    pub ns: u64,
}

/// The comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Total, phases (and the time outside them), then CPU, wait for CPU, blocked, unknown.
    pub rows: Vec<Row>,
    /// Syscalls only the selected instance makes, longest total first.
    pub new_syscalls: Vec<NewSyscall>,
}

/// Compares `sel` with `median`.
pub fn compare(sel: &Side, median: &Side) -> Comparison {
    let mut rows = vec![Row {
        label: "total".into(),
        selected: sel.total,
        median: median.total,
    }];
    let (a, b) = (sel.phases(), median.phases());
    let mut names: Vec<&String> = a.iter().map(|p| &p.0).collect();
    for (n, _) in &b {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let get = |v: &[(String, u64)], n: &str| v.iter().find(|p| p.0 == n).map_or(0, |p| p.1);
    for n in names {
        rows.push(Row {
            label: n.clone(),
            selected: get(&a, n),
            median: get(&b, n),
        });
    }
    if !a.is_empty() || !b.is_empty() {
        rows.push(Row {
            label: "outside phases".into(),
            selected: sel.outside_children(),
            median: median.outside_children(),
        });
    }
    let (s, m) = (&sel.states, &median.states);
    for (label, x, y) in [
        ("CPU", s.cpu_ns, m.cpu_ns),
        ("wait for CPU", s.wait_cpu_ns, m.wait_cpu_ns),
        ("blocked", s.blocked_ns, m.blocked_ns),
        ("unknown", s.unknown_ns, m.unknown_ns),
    ] {
        rows.push(Row {
            label: label.into(),
            selected: x,
            median: y,
        });
    }
    let known: BTreeSet<&str> = median.syscalls.iter().map(|c| c.name.as_str()).collect();
    let mut new: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for c in sel
        .syscalls
        .iter()
        .filter(|c| !known.contains(c.name.as_str()))
    {
        let e = new.entry(&c.name).or_default();
        e.0 += 1;
        e.1 += c.dur;
    }
    let mut new_syscalls: Vec<NewSyscall> = new
        .into_iter()
        .map(|(name, (count, ns))| NewSyscall {
            name: name.to_owned(),
            count,
            ns,
        })
        .collect();
    new_syscalls.sort_by(|a, b| b.ns.cmp(&a.ns).then(a.name.cmp(&b.name)));
    Comparison { rows, new_syscalls }
}

/// The median of `durations` as an index into it: the nearest-rank 50th percentile (the
/// value [`super::latency::summary`] reports as p50), the earliest index on ties.
pub fn median_index(durations: &[u64]) -> Option<usize> {
    let mut order: Vec<usize> = (0..durations.len()).collect();
    order.sort_by_key(|&i| (durations[i], i));
    let n = order.len();
    let rank = (n * 50).div_ceil(100).max(1);
    order.get(rank.checked_sub(1)?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, dur: u64) -> Call {
        Call {
            name: name.into(),
            begin: 0,
            dur,
            ret: 0,
            fd: -1,
            target: None,
        }
    }

    #[test]
    fn median_is_the_nearest_rank_p50() {
        assert_eq!(median_index(&[]), None);
        assert_eq!(median_index(&[7]), Some(0));
        // Sorted: 1 (idx 2), 3 (idx 0), 5 (idx 3), 9 (idx 1): rank 2 is 3.
        assert_eq!(median_index(&[3, 9, 1, 5]), Some(0));
        let mut v = vec![3, 9, 1, 5, 4];
        let i = median_index(&v).unwrap_or(usize::MAX);
        let p50 = super::super::latency::summary(&mut v).map(|s| s.p50);
        assert_eq!(Some([3, 9, 1, 5, 4][i]), p50);
    }

    #[test]
    fn phases_states_and_new_syscalls() {
        let sel = Side {
            total: 100,
            children: vec![("a".into(), 10), ("b".into(), 60), ("a".into(), 5)],
            states: States {
                cpu_ns: 20,
                wait_cpu_ns: 70,
                blocked_ns: 10,
                ..States::default()
            },
            syscalls: vec![call("select", 50), call("read", 3), call("select", 1)],
        };
        let med = Side {
            total: 30,
            children: vec![("a".into(), 10), ("c".into(), 5)],
            states: States {
                cpu_ns: 20,
                wait_cpu_ns: 2,
                blocked_ns: 8,
                ..States::default()
            },
            syscalls: vec![call("read", 2)],
        };
        let c = compare(&sel, &med);
        let row = |l: &str| {
            c.rows
                .iter()
                .find(|r| r.label == l)
                .map(|r| (r.selected, r.median))
        };
        assert_eq!(row("total"), Some((100, 30)));
        assert_eq!(row("a"), Some((15, 10)));
        assert_eq!(row("b"), Some((60, 0)));
        assert_eq!(row("c"), Some((0, 5)));
        assert_eq!(row("outside phases"), Some((25, 15)));
        assert_eq!(row("wait for CPU"), Some((70, 2)));
        assert_eq!(
            c.new_syscalls,
            vec![NewSyscall {
                name: "select".into(),
                count: 2,
                ns: 51
            }]
        );
    }
}

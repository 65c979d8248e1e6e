//! The shipped view presets on a generated `web` trace: the `web-requests` periods find
//! every phase inside completed requests, and every other preset finds instances.
#![allow(clippy::unwrap_used)]

mod common;

use common::short_web_trace;

use lttng_tui::analysis::common::{Options, Range};
use lttng_tui::analysis::period;
use lttng_tui::config::Source;
use lttng_tui::config::view;

#[test]
fn shipped_presets_find_their_periods() {
    let dir = tempfile::tempdir().unwrap();
    let (path, m) = short_web_trace(dir.path(), 5);
    let o = Options::new(Range::of(&m, None, None));
    for (name, _) in view::BUILTIN {
        let v = view::load(&Source::Builtin(name.into())).unwrap();
        if v.periods.is_empty() {
            continue;
        }
        let p = period::find(&path, &m, &o, v.definitions().unwrap()).unwrap();
        let done = |d: usize| {
            p.instances
                .iter()
                .filter(|i| i.def == d && i.completed)
                .filter(|i| i.parent.is_none_or(|x| p.instances[x].completed))
                .count()
        };
        if name == "web-requests" {
            // The scenario this preset was written for: every request goes through each
            // phase exactly once (a phase opening twice would draw overlapping bars).
            let requests = done(0);
            assert!(requests > 0, "{name}: no complete request");
            for (d, def) in v.periods.iter().enumerate().skip(1) {
                assert_eq!(done(d), requests, "{name}: {def}");
            }
        } else {
            // A short web trace need not hold every kind (no fsync in one second).
            assert!(
                (0..v.periods.len()).any(|d| done(d) > 0),
                "{name}: no instance"
            );
        }
    }
}

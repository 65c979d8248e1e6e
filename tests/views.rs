//! The shipped view presets on a generated `web` trace: the `web-requests` periods find
//! every phase inside completed requests, and every other preset finds instances.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use lttng_tui::analysis::common::{Options, Range};
use lttng_tui::analysis::period;
use lttng_tui::config::Source;
use lttng_tui::config::view;
use lttng_tui::ctf::session::Session;
use lttng_tui::model::{Builder, Model};

fn build(path: &Path) -> Model {
    Builder::build_session(&Session::open(path).unwrap())
}

#[test]
fn shipped_presets_find_their_periods() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = lttng_tui::r#gen::GenConfig::new(lttng_tui::r#gen::ScenarioKind::Web, dir.path());
    cfg.seed = 5;
    cfg.duration_ns = Some(1_000_000_000);
    lttng_tui::r#gen::generate(&cfg, &mut |_| {}).unwrap();
    let path = dir.path().join("kernel");
    let m = build(&path);
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

//! A command run from the cache loads only the model lists it declares
//! (`Kind::parts`): every model-only analysis must give exactly the tables it gives on the
//! whole model, on generated traces (with lost events) and the recorded corpus, with and
//! without thread filters. A part missing from a declaration shows here as a table that
//! lost rows or figures.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use lttng_tui::analysis::common::{Options, Range};
use lttng_tui::analysis::period::{self, Report};
use lttng_tui::analysis::registry::ALL;
use lttng_tui::index::cache::{self, Key, Parts};
use lttng_tui::model::Model;

/// Option sets each analysis is compared under: defaults, unlimited, filtered by the name of
/// the busiest thread (filters read thread names, which are always loaded), and filtered by
/// CPU (which may need more lists: `Kind::parts` is told).
fn option_sets(m: &Model) -> Vec<Options> {
    let range = Range::of(m, None, None);
    let mut unlimited = Options::new(range);
    unlimited.limit = None;
    let mut named = Options::new(range);
    let busiest = m
        .threads
        .iter()
        .filter(|t| t.idle_cpu.is_none())
        .max_by_key(|t| t.cpu_ns)
        .and_then(|t| t.name())
        .map(|n| m.strings.get(n).to_owned());
    named.filter.procnames = busiest.into_iter().collect();
    let mut cpu0 = Options::new(range);
    cpu0.filter.cpus = vec![0];
    vec![Options::new(range), unlimited, named, cpu0]
}

fn check(trace: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let key = Key::of(trace).unwrap();
    let session = lttng_tui::ctf::session::Session::open(trace).unwrap();
    let whole = lttng_tui::model::Builder::build_session(&session);
    cache::store(dir.path(), trace, &key, &whole).unwrap();
    let mut compared = 0;
    for kind in ALL.iter().copied().filter(|k| !k.reads_events()) {
        for o in option_sets(&whole) {
            let parts = kind.parts(!o.filter.cpus.is_empty());
            let part = cache::load_parts(dir.path(), trace, &key, parts).unwrap();
            let expected = kind.run(&whole, &o).unwrap();
            let got = kind.run(&part, &o).unwrap();
            assert_eq!(got, expected, "{} on {}", kind.name(), trace.display());
            compared += expected.iter().map(|t| t.rows.len()).sum::<usize>();
        }
    }
    // The comparison is only worth something on tables with rows.
    assert!(compared > 0, "no rows at all on {}", trace.display());
    // The period commands read the events, and the model's core for context fields.
    for kind in ALL.iter().copied().filter(|k| k.reads_events()) {
        let part = cache::load_parts(dir.path(), trace, &key, kind.parts(false)).unwrap();
        let o = Options::new(Range::of(&whole, None, None));
        let tables = |m: &Model| {
            let defs = period::definitions(&[PERIOD.to_owned()], &[CAPTURES.to_owned()]).unwrap();
            let found = period::find(trace, m, &o, defs).unwrap();
            period::tables(kind, &found, &o, &Report::default())
        };
        let expected = tables(&whole);
        assert!(
            expected.iter().any(|t| !t.rows.is_empty()),
            "{}",
            kind.name()
        );
        assert_eq!(
            tables(&part),
            expected,
            "{} on {}",
            kind.name(),
            trace.display()
        );
    }
}

/// A period every kernel trace has, reading context fields the model answers: from one
/// thread's switch-in to its next switch-out on that CPU.
const PERIOD: &str = r#"on_cpu : $evt.$name == "sched_switch" && $evt.next_tid != 0 : $evt.$name == "sched_switch" && $evt.cpu_id == $begin.$evt.cpu_id"#;
const CAPTURES: &str = "on_cpu : tid = $evt.tid, name = $evt.procname";

#[test]
fn partial_loads_give_the_whole_model_tables_on_generated_traces() {
    let dir = tempfile::tempdir().unwrap();
    for (_, trace) in common::generated_traces(dir.path()) {
        check(&trace);
    }
}

#[test]
fn partial_loads_give_the_whole_model_tables_on_the_corpus() {
    let Some(dir) = common::traces_dir() else {
        return;
    };
    for name in ["kernel/many-threads", "kernel/scp-src", "kernel/scp-dest"] {
        check(&dir.join(name));
    }
}

#[test]
fn parts_left_out_are_empty_and_the_rest_equal() {
    let dir = tempfile::tempdir().unwrap();
    let (trace, whole) = common::short_web_trace(dir.path(), 11);
    let cache_dir = dir.path().join("cache");
    let key = Key::of(&trace).unwrap();
    cache::store(&cache_dir, &trace, &key, &whole).unwrap();
    let none = cache::load_parts(&cache_dir, &trace, &key, Parts::NONE).unwrap();
    assert!(
        none.threads
            .iter()
            .all(|t| t.states.is_empty() && t.syscalls.is_empty() && t.wakeups.span.is_empty())
    );
    assert!(none.cpus.iter().all(|c| c.irqs.span.is_empty()));
    assert!(
        none.cpus
            .iter()
            .all(|c| c.pages.alloc.is_empty() && c.pages.free.is_empty())
    );
    assert!(none.processes.iter().all(|p| p.fds.history.is_empty()));
    assert_eq!(none.threads.len(), whole.threads.len());
    assert_eq!(none.cpu_by_tid(), whole.cpu_by_tid());
    // Each part alone brings back exactly its lists.
    let all = cache::load_parts(&cache_dir, &trace, &key, Parts::ALL).unwrap();
    assert_eq!(all.syscall_stats(), whole.syscall_stats());
    assert_eq!(all.irq_stats(), whole.irq_stats());
    let sys = cache::load_parts(&cache_dir, &trace, &key, Parts::SYSCALLS).unwrap();
    assert_eq!(sys.syscall_stats(), whole.syscall_stats());
    assert!(sys.syscall_stats().values().map(|d| d.count).sum::<u64>() > 0);
    let irqs = cache::load_parts(&cache_dir, &trace, &key, Parts::IRQS).unwrap();
    assert_eq!(irqs.irq_stats(), whole.irq_stats());
    assert!(irqs.threads.iter().all(|t| t.syscalls.is_empty()));
    let pages = cache::load_parts(&cache_dir, &trace, &key, Parts::PAGES).unwrap();
    let page_lists = |m: &lttng_tui::model::Model| -> Vec<(Vec<u64>, Vec<u64>)> {
        m.cpus
            .iter()
            .map(|c| {
                (
                    c.pages.alloc.iter().collect(),
                    c.pages.free.iter().collect(),
                )
            })
            .collect()
    };
    assert_eq!(page_lists(&pages), page_lists(&whole));
    assert!(page_lists(&whole).iter().any(|(a, _)| !a.is_empty()));
    // A section that is not loaded is not checksummed either, but one that is must be
    // intact: corrupt the last byte (in the last section, the page lists).
    let file = cache::file_for(&cache_dir, &trace);
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n - 1] ^= 0x55;
    std::fs::write(&file, &bytes).unwrap();
    assert!(cache::load_parts(&cache_dir, &trace, &key, Parts::PAGES).is_none());
    assert!(cache::load_parts(&cache_dir, &trace, &key, Parts::ALL).is_none());
    assert!(cache::load_parts(&cache_dir, &trace, &key, Parts::FDS).is_some());
    assert!(cache::load_parts(&cache_dir, &trace, &key, Parts::SYSCALLS).is_some());
}

/// Runs `args` with the cache in `cache_home`: stdout.
fn run_cached(cache_home: &Path, args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
        .args(args)
        .env("TZ", "UTC")
        .env("XDG_CACHE_HOME", cache_home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `args` with `--no-cache` and asserts it prints something, and exactly what each of
/// the `cached` runs printed.
fn assert_same_without_cache(home: &Path, mut args: Vec<&str>, cached: &[Vec<u8>]) {
    args.insert(1, "--no-cache");
    let cold = run_cached(home, &args);
    assert!(!cold.is_empty(), "{args:?}");
    for out in cached {
        assert_eq!(
            String::from_utf8_lossy(out),
            String::from_utf8_lossy(&cold),
            "{args:?}"
        );
    }
}

#[test]
fn commands_print_the_same_from_the_cache_as_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let (trace, _) = common::short_web_trace(dir.path(), 5);
    let trace = trace.to_str().unwrap();
    let home = dir.path().join("cache-home");
    // The first run builds the model and writes the cache; the later ones read it.
    run_cached(&home, &["cputop", "--no-progress", trace]);
    assert!(home.join("lttng-tui").read_dir().unwrap().count() > 0);
    for kind in ALL.iter().copied().filter(|k| !k.reads_events()) {
        for extra in [&[][..], &["--mi"][..], &["--limit", "3"][..]] {
            let mut args = vec![kind.name(), "--no-progress"];
            args.extend_from_slice(extra);
            args.push(trace);
            let warm = run_cached(&home, &args);
            assert_same_without_cache(&home, args, &[warm]);
        }
    }
    // The period commands: the first run keeps the parsed metadata, the next ones read it.
    for kind in ALL.iter().copied().filter(|k| k.reads_events()) {
        let mut args = vec![kind.name(), "--no-progress", "--period", PERIOD];
        args.extend(["--period-captures", CAPTURES, trace]);
        let first = run_cached(&home, &args);
        let memoized = run_cached(&home, &args);
        assert_same_without_cache(&home, args, &[first, memoized]);
    }
    let memos = home
        .join("lttng-tui")
        .read_dir()
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            name.to_string_lossy().starts_with("metadata-")
        })
        .count();
    assert_eq!(memos, 1);
}

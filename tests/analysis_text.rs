//! Text output: the `Timerange:` line from the analysed events, aligned tables and bar
//! graphs, µs durations, the lost-events warning with its count, time arguments in every
//! form lttng-analyses takes, and `--refresh` intervals.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

fn run(cache: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lttng-tui"))
        .args(args)
        .env("TZ", "UTC")
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn make(dir: &Path, discard: f64) -> lttng_tui::r#gen::truth::GroundTruth {
    let mut cfg = lttng_tui::r#gen::GenConfig::new(lttng_tui::r#gen::ScenarioKind::Uniform, dir);
    cfg.seed = 9;
    cfg.duration_ns = Some(1_000_000_000);
    cfg.discard_rate = discard;
    lttng_tui::r#gen::generate(&cfg, &mut |_| {}).unwrap();
    serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json")).unwrap()).unwrap()
}

#[test]
fn reports_as_lttng_analyses_prints_them() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("c");
    let t = make(&dir.path().join("a"), 0.0);
    let path = dir.path().join("a/kernel").to_string_lossy().into_owned();
    let out = text(&run(&cache, &["cputop", "--gmt", &path]));
    let mut lines = out.lines();
    let first = lines.next().unwrap();
    let clock = lttng_tui::analysis::text::Clock::new(true).full(t.trace_end_ns as i64);
    assert!(
        first.starts_with("Timerange: [") && first.ends_with(&format!("{clock}]")),
        "{first}"
    );
    assert!(out.contains("Per-TID top CPU usage\n█"), "{out}");
    assert!(out.contains("Total CPU usage"), "{out}");
    assert!(!out.contains("Warning"), "no lost events here");
    // Durations in µs with 3 decimals.
    let sys = text(&run(&cache, &["syscallstats", &path]));
    assert!(sys.lines().any(|l| {
        l.split_whitespace()
            .nth(2)
            .is_some_and(|v| v.split('.').nth(1).is_some_and(|f| f.len() == 3))
    }));
    // Time arguments: ns, full date and time of day select the same range.
    let b = t.trace_begin_ns + 200_000_000;
    let e = t.trace_begin_ns + 600_000_000;
    let mut c = lttng_tui::analysis::text::Clock::new(true);
    let (bd, ed) = (c.full(b as i64), c.full(e as i64));
    let ns = text(&run(
        &cache,
        &[
            "irqstats",
            "--begin",
            &b.to_string(),
            "--end",
            &e.to_string(),
            &path,
        ],
    ));
    let full = text(&run(
        &cache,
        &[
            "irqstats",
            "--gmt",
            "--timerange",
            &format!("[{bd}, {ed}]"),
            &path,
        ],
    ));
    let tod = text(&run(
        &cache,
        &[
            "irqstats",
            "--gmt",
            "--begin",
            &bd[11..],
            "--end",
            &ed[11..],
            &path,
        ],
    ));
    assert_eq!(ns, full);
    assert_eq!(ns, tod);
    assert!(ns.starts_with(&format!("Timerange: [{bd}, {ed}]")), "{ns}");
    // --refresh: consecutive reports sharing their bounds.
    let r = text(&run(&cache, &["cputop", "-r", "250ms", &path]));
    let ranges: Vec<&str> = r.lines().filter(|l| l.starts_with("Timerange:")).collect();
    assert!((4..=5).contains(&ranges.len()), "{r}");
    for w in ranges.windows(2) {
        let end = w[0].rsplit(", ").next().unwrap().trim_end_matches(']');
        assert!(w[1].starts_with(&format!("Timerange: [{end},")), "{w:?}");
    }
}

#[test]
fn lost_events_warning() {
    let dir = tempfile::tempdir().unwrap();
    let t = make(dir.path(), 0.002);
    assert!(t.events_discarded > 0);
    let path = dir.path().join("kernel").to_string_lossy().into_owned();
    let out = text(&run(&dir.path().join("c"), &["irqstats", &path]));
    let warn = out.lines().nth(1).unwrap();
    assert!(
        warn.starts_with(&format!("Warning: {} events lost", t.events_discarded)),
        "{warn}"
    );
}

/// `lttng-tui iolog T | head -1`: the command stops quietly when its reader goes away
/// (before, it printed "error: Broken pipe" and failed).
#[test]
fn a_log_stops_quietly_when_its_reader_goes_away() {
    let dir = tempfile::tempdir().unwrap();
    make(&dir.path().join("a"), 0.0);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lttng-tui"));
    cmd.args(["iolog", "--no-progress"])
        .arg(dir.path().join("a/kernel"))
        .env("XDG_CACHE_HOME", dir.path().join("c"));
    // The pipe closes long before the report's megabyte is written.
    let (first, out) = common::first_line_then_close(cmd);
    assert!(first.starts_with("Timerange: ["), "{first}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?} {stderr}", out.status);
    assert!(stderr.is_empty(), "{stderr}");
}

/// The I/O commands ignore `--cpu`, as lttng-analyses' do, and say so on stderr.
#[test]
fn io_commands_warn_that_they_ignore_the_cpu_filter() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("c");
    make(&dir.path().join("a"), 0.0);
    let path = dir.path().join("a/kernel").to_string_lossy().into_owned();
    let plain = run(&cache, &["iolatencystats", "--no-progress", &path]);
    let cpu = run(
        &cache,
        &["iolatencystats", "--no-progress", "--cpu", "0", &path],
    );
    assert_eq!(text(&cpu), text(&plain));
    let warning = String::from_utf8_lossy(&cpu.stderr);
    assert!(
        warning.contains("iolatencystats ignores --cpu"),
        "{warning}"
    );
    // A command the filter applies to says nothing.
    let top = run(&cache, &["cputop", "--no-progress", "--cpu", "0", &path]);
    assert!(
        top.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&top.stderr)
    );
}

/// iolog printed as text makes its rows as it prints them (`LogRows`), measuring the cells
/// it shares between rows once; the text must be the table's, byte for byte: on a generated
/// `web` trace, and on `kernel/many-threads`, where one process reopened one fd number
/// 8 000 times (the shared path lookups remember the last lifetime found).
#[test]
fn a_log_made_as_printed_reads_as_its_table() {
    use lttng_tui::analysis::common::{Options, Range};
    use lttng_tui::analysis::iolat::{self, LogRows, log};
    use lttng_tui::analysis::table::Cell;
    use lttng_tui::analysis::text::{Clock, render_to, render_views_to};

    fn both(m: &lttng_tui::model::Model, o: &Options) -> (String, String) {
        let mut table = Vec::new();
        render_to(
            &log(m, o),
            o.range.ns(),
            None,
            &mut Clock::new(true),
            &mut table,
        )
        .unwrap();
        let rows = LogRows::new(m, o);
        let mut lazy = Vec::new();
        let view = [rows.view()];
        render_views_to(view, o.range.ns(), None, &mut Clock::new(true), &mut lazy).unwrap();
        (
            String::from_utf8(table).unwrap(),
            String::from_utf8(lazy).unwrap(),
        )
    }

    let dir = tempfile::tempdir().unwrap();
    let (_, web) = common::short_web_trace(dir.path(), 5);
    let mut models = vec![("web", web)];
    match common::traces_dir() {
        Some(t) => {
            let s = lttng_tui::ctf::session::Session::open(&t.join("kernel/many-threads")).unwrap();
            models.push(("many-threads", lttng_tui::model::Builder::build_session(&s)));
        }
        None => eprintln!("LTTNG_TUI_TRACES unset: iolog checked on the generated trace only"),
    }
    for (name, m) in &models {
        let whole = Range::of(m, None, None);
        let half = Range {
            begin: whole.begin + whole.len() / 4,
            end: whole.begin + whole.len() / 2,
        };
        let mut rows = 0;
        for range in [whole, half] {
            let o = Options::new(range);
            let (table, lazy) = both(m, &o);
            assert_eq!(table, lazy, "{name}");
            rows += table.lines().count();
            // Each row's file, as the fd tables name it without the log's memory of the
            // last lookup.
            let paths = |t: &lttng_tui::analysis::table::Table| -> Vec<Option<String>> {
                t.rows
                    .iter()
                    .map(|r| match &r[6] {
                        Cell::Path(p) => Some(p.to_string()),
                        _ => None,
                    })
                    .collect()
            };
            let requested: Vec<_> = iolat::requests(m, &o).into_iter().map(|r| r.path).collect();
            assert_eq!(paths(&log(m, &o)[0]), requested, "{name}");
        }
        // Real logs, not two empty ones: the whole range and a quarter of it.
        assert!(rows > 100, "{name}: {rows} lines");
    }
}

//! The Periods tab driven in memory on the demo trace: the "CPU theft by xz" walkthrough,
//! the comparison with the median instance, `:period` and `--period`, exporting an
//! instance, and small screens. Values are checked against the analysis functions and the
//! generator's ground truth.
#![allow(clippy::unwrap_used)]

mod tui_support;

use lttng_tui::analysis::compare::{self, Side};
use lttng_tui::analysis::cputheft;
use lttng_tui::analysis::inside;
use lttng_tui::analysis::instance;
use lttng_tui::analysis::latency;
use lttng_tui::r#gen::truth::GroundTruth;
use lttng_tui::tui::harness::Harness;
use lttng_tui::tui::periods::PeriodRow;
use lttng_tui::tui::timefmt::duration;
use tui_support::{args, demo_trace, settle};

fn truth() -> GroundTruth {
    let dir = demo_trace().parent().unwrap();
    serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json")).unwrap()).unwrap()
}

fn dur(ns: u64) -> String {
    duration(i64::try_from(ns).unwrap())
}

/// The demo with `--view web-requests` on the Periods tab, instances found.
fn periods(w: u16, h: u16) -> Harness {
    let mut a = args();
    a.view = Some("web-requests".into());
    let mut h = Harness::open(demo_trace(), &a, w, h).unwrap();
    settle(&mut h);
    h.press("7");
    settle(&mut h);
    assert!(!h.app.periods.rows.is_empty());
    h
}

/// The README's "CPU theft by xz" walkthrough: `7 s s Enter`.
#[test]
fn xz_walkthrough_reaches_a_request_that_waited_while_xz_held_cpu_1() {
    let mut h = periods(120, 40);
    h.press("s s");
    let screen = h.screen().unwrap();
    assert!(screen.contains("most wait for CPU first"), "{screen}");
    assert!(screen.contains("wait CPU▼"), "{screen}");
    h.press("enter");
    let screen = h.screen().unwrap();
    let m = h.app.index.model.clone().unwrap();
    let p = &h.app.periods;
    let (i, calls) = p.open.clone().unwrap();
    let row: PeriodRow = p.rows[i].clone();
    let tid = row.tid.unwrap();
    // The request that waited longest for a CPU, as the analysis measures it.
    let most = p.rows.iter().map(|r| r.wait_cpu_ns).max().unwrap();
    assert_eq!(row.wait_cpu_ns, most);
    let states = instance::states(&m, tid, row.span());
    assert_eq!(states.wait_cpu_ns, row.wait_cpu_ns);
    // Every nanosecond of the request is in exactly one state.
    assert_eq!(
        states.cpu_ns + states.wait_cpu_ns + states.blocked_ns + states.unknown_ns,
        row.dur()
    );
    // The generator's own account of that request agrees, and names CPU contention.
    let t = truth();
    let req = t
        .requests
        .iter()
        .find(|r| r.tid == tid && r.begin_ns == row.begin)
        .unwrap();
    assert_eq!(req.wait_cpu_ns, row.wait_cpu_ns);
    assert_eq!(req.cause, "cpu_contention");
    let hog = t.problems.iter().find(|p| p.kind == "cpu_hog").unwrap();
    assert!(
        hog.begin_ns <= row.begin && row.end <= hog.end_ns,
        "{row:?} outside the xz window {hog:?}"
    );
    assert!(row.wait_cpu_ns > row.dur() / 3, "{row:?}");
    // Who took the CPU: xz first, on CPU 1 only, nearly the whole request long.
    let d = p.detail.clone().unwrap();
    assert_eq!(
        d.users,
        cputheft::cpu_users(&m, row.span(), Some(tid), &states.waits)
    );
    let xz = &d.users[0];
    assert_eq!(xz.name, "xz");
    assert_eq!(xz.cpus.iter().map(|c| c.0).collect::<Vec<_>>(), vec![1]);
    assert!(xz.ns * 10 >= row.dur() * 9, "{xz:?} {row:?}");
    let xz_tid = t.threads.iter().find(|x| x.comm == "xz").unwrap().tid;
    assert_eq!(xz.tid, xz_tid);
    // The same CPU time cputop reports for xz over the request's range.
    let o = lttng_tui::analysis::common::Options::new(lttng_tui::analysis::common::Range {
        begin: row.begin,
        end: row.end,
    });
    let top = lttng_tui::analysis::cpu::compute(&m, &o);
    let xz_top = top.tids.iter().find(|u| u.tid == xz_tid).unwrap();
    assert_eq!(xz.ns, xz_top.ns);
    assert_eq!(
        top.tids[0].tid, xz_tid,
        "cputop agrees xz used the most CPU"
    );
    assert_eq!(calls, inside::syscalls(&m, tid, row.begin, row.end));
    // What the screen says.
    assert!(
        screen.contains(&format!("Periods › request (tid = {tid}")),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("wait for CPU {}", dur(row.wait_cpu_ns))),
        "{screen}"
    );
    assert!(screen.contains("who took the CPU"), "{screen}");
    let first_user = screen
        .lines()
        .skip_while(|l| !l.contains("who took the CPU"))
        .nth(2)
        .unwrap();
    assert!(
        first_user.contains(" xz ") && first_user.contains("CPU 1"),
        "{first_user}\n{screen}"
    );
    h.press("backspace");
    assert!(h.app.periods.open.is_none());
}

/// What the comparison should say, from the analysis functions alone.
fn side(m: &lttng_tui::model::Model, r: &PeriodRow) -> Side {
    let tid = r.tid.unwrap();
    Side {
        total: r.dur(),
        children: r
            .children
            .iter()
            .map(|(n, b, e)| (n.clone(), e - b))
            .collect(),
        states: instance::states(m, tid, r.span()),
        syscalls: inside::syscalls(m, tid, r.begin, r.end),
    }
}

#[test]
fn compare_puts_the_slowest_request_beside_the_median_one() {
    let mut h = periods(120, 40);
    h.press("c");
    let screen = h.screen().unwrap();
    let m = h.app.index.model.clone().unwrap();
    let p = &h.app.periods;
    let c = p.compare.clone().unwrap();
    assert_eq!(c.selected, 0);
    let (sel, med) = (&p.rows[c.selected], &p.rows[c.median]);
    assert_eq!(med.name, sel.name);
    let mut durs: Vec<u64> = p
        .rows
        .iter()
        .filter(|r| r.name == sel.name)
        .map(PeriodRow::dur)
        .collect();
    let p50 = latency::summary(&mut durs).unwrap().p50;
    assert_eq!(med.dur(), p50);
    assert_eq!(c.result, compare::compare(&side(&m, sel), &side(&m, med)));
    // The slow request's select() on the DNS socket is the call the median never makes.
    assert_eq!(c.result.new_syscalls[0].name, "select");
    assert!(c.result.new_syscalls[0].ns > 4_900_000_000);
    let blocked = c.result.rows.iter().find(|r| r.label == "blocked").unwrap();
    assert!(blocked.growth() > 4_900_000_000);
    assert!(
        screen.contains(&format!("against the median {}", dur(p50))),
        "{screen}"
    );
    assert!(screen.contains("syscalls in this one but not in the median"));
    assert!(screen.lines().any(|l| l.contains("  select ")), "{screen}");
    let total = screen.lines().find(|l| l.contains("│total")).unwrap();
    assert!(
        total.contains(&dur(sel.dur())) && total.contains(&dur(p50)),
        "{total}"
    );
    // j scrolls the comparison, not the list under it.
    h.press("j");
    assert_eq!(h.app.periods.compare.as_ref().unwrap().scroll, 1);
    assert_eq!(h.app.periods.selected, 0);
    h.press("backspace");
    assert!(h.app.periods.compare.is_none() && h.app.periods.open.is_none());
    // From an open instance, Backspace leaves the comparison for the drill-down.
    h.press("enter c");
    assert!(h.app.periods.compare.is_some());
    h.press("backspace");
    assert!(h.app.periods.compare.is_none() && h.app.periods.open.is_some());
}

const SELECT: &str = "sel : $evt.$name == \"syscall_entry_select\" : \
    $evt.$name == \"syscall_exit_select\" && $evt.tid == $begin.$evt.tid";

/// The instances of one definition, from the analysis directly.
fn found(m: &lttng_tui::model::Model, def: &str) -> Vec<(u64, u64)> {
    use lttng_tui::analysis::common::{Options, Range};
    let o = Options::new(Range::of(m, None, None));
    let defs = lttng_tui::analysis::period::definitions(&[def.to_owned()], &[]).unwrap();
    let p = lttng_tui::analysis::period::find(demo_trace(), m, &o, defs).unwrap();
    let mut v: Vec<(u64, u64)> = p
        .instances
        .iter()
        .filter(|i| i.completed)
        .map(|i| (i.begin, i.end))
        .collect();
    v.sort_unstable();
    v
}

fn shown(h: &Harness, name: &str) -> Vec<(u64, u64)> {
    let mut v: Vec<(u64, u64)> = h
        .app
        .periods
        .rows
        .iter()
        .filter(|r| r.name == name)
        .map(|r| (r.begin, r.end))
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn period_in_the_palette_adds_a_definition_or_points_at_the_error() {
    let mut h = periods(120, 40);
    let requests = shown(&h, "request").len();
    h.press(":");
    h.type_text(&format!("period {SELECT}"));
    h.press("enter");
    settle(&mut h);
    let m = h.app.index.model.clone().unwrap();
    let want = found(&m, SELECT);
    assert!(!want.is_empty());
    assert_eq!(shown(&h, "sel"), want);
    assert_eq!(shown(&h, "request").len(), requests, "the preset's stay");
    // Parse errors point at the column, as `--period` errors do.
    let bad = "oops : $evt.$name == && 1";
    let err = lttng_tui::analysis::period::parse::parse_period(bad).unwrap_err();
    h.press(":");
    h.type_text(&format!("period {bad}"));
    h.press("enter");
    let screen = h.screen().unwrap();
    let head = format!("invalid period: column {}: {}", err.at + 1, err.msg);
    assert!(screen.contains(&head), "{screen}");
    let caret = format!("  {}^", " ".repeat(err.at));
    let line = screen.lines().find(|l| l.contains(bad)).unwrap();
    let below = screen
        .lines()
        .skip_while(|l| !l.contains(bad))
        .nth(1)
        .unwrap();
    let col = |l: &str, s: &str| l.find(s).map(|b| l[..b].chars().count());
    assert_eq!(
        col(below, "^"),
        col(line, bad).map(|c| c + err.at),
        "{screen}"
    );
    assert!(below.contains(&caret), "{screen}");
    assert!(h.app.message.as_ref().unwrap().error);
    assert_eq!(
        shown(&h, "sel"),
        want,
        "a refused definition changes nothing"
    );
}

#[test]
fn period_on_the_command_line_adds_to_the_preset() {
    let mut a = args();
    a.view = Some("web-requests".into());
    a.period = vec![SELECT.to_owned()];
    let mut h = Harness::open(demo_trace(), &a, 120, 40).unwrap();
    settle(&mut h);
    h.press("7");
    settle(&mut h);
    let m = h.app.index.model.clone().unwrap();
    assert_eq!(shown(&h, "sel"), found(&m, SELECT));
    assert!(!shown(&h, "request").is_empty());
    a.period = vec!["bad : $evt.$name ==".to_owned()];
    let err = Harness::open(demo_trace(), &a, 80, 24).unwrap_err();
    assert!(
        format!("{err:#}").contains("invalid --period: column"),
        "{err:#}"
    );
}

#[test]
fn e_on_an_open_instance_exports_its_range() {
    use lttng_tui::lami::{export, json::metadata_json, validate::validate_results};
    let dir = tempfile::tempdir().unwrap();
    let mut a = args();
    a.view = Some("web-requests".into());
    a.export_dir = Some(dir.path().to_path_buf());
    let mut h = Harness::open(demo_trace(), &a, 120, 40).unwrap();
    settle(&mut h);
    h.press("7");
    settle(&mut h);
    h.press("j enter e");
    settle(&mut h);
    let row = h.app.periods.rows[1].clone();
    let file = dir
        .path()
        .join(format!("lttng-tui-{}-{}.json", row.begin, row.end));
    let message = h.app.message.as_ref().map(|m| m.text.clone());
    assert_eq!(message, Some(format!("exported to {}", file.display())));
    assert!(h.screen().unwrap().contains("exported to /"));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let meta = metadata_json(&export::metadata());
    assert_eq!(validate_results(&doc, &meta), Vec::<String>::new());
    for t in doc["results"].as_array().unwrap() {
        assert_eq!(t["time-range"]["begin"]["value"].as_u64(), Some(row.begin));
        assert_eq!(t["time-range"]["end"]["value"].as_u64(), Some(row.end));
    }
}

#[test]
fn list_histogram_and_sections_fit_small_screens() {
    let mut h = periods(120, 40);
    let p = &h.app.periods;
    let durs: Vec<u64> = p
        .rows
        .iter()
        .filter(|r| r.name == "request")
        .map(PeriodRow::dur)
        .collect();
    let want = latency::histogram(durs, latency::Scale::Log, 24);
    assert_eq!(p.hist("request"), Some(&want));
    let s = want.summary.unwrap();
    let screen = h.screen().unwrap();
    for (k, v) in [
        ("p50", s.p50),
        ("p90", s.p90),
        ("p99", s.p99),
        ("max", s.max),
    ] {
        assert!(
            screen.contains(&format!("{k} {:>11}", dur(v))),
            "{k}\n{screen}"
        );
    }
    assert!(screen.contains(&format!("instances {}", s.count)));
    h.press("enter");
    // The focus moves between sections; j scrolls the focused one.
    h.press("l l");
    let screen = h.screen().unwrap();
    assert!(screen.contains("▸ CPU time vs waiting"), "{screen}");
    h.press("h h");
    for (w, ht) in [(80, 24), (20, 6), (1, 1)] {
        h.resize(w, ht);
        let screen = h.screen().unwrap();
        if w == 80 {
            assert!(screen.contains("who took the CPU"), "{screen}");
            assert!(screen.contains("select"), "{screen}");
        }
        h.press("c");
        h.screen().unwrap();
        h.press("backspace backspace j");
        h.screen().unwrap();
        h.press("enter");
    }
}

//! The period language: grammar, column-accurate errors, glob, captures, and on a generated
//! trace the engine cross-checked against the model (syscall periods grouped by name give
//! exactly syscallstats' counts and durations).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

mod common;

use common::short_web_trace;

use lttng_tui::analysis::common::{Options, Range};
use lttng_tui::analysis::period::eval::{glob, possible_names};
use lttng_tui::analysis::period::parse::{
    CmpOp, EvtRef, Expr, Operand, parse_captures, parse_period,
};
use lttng_tui::analysis::period::{self, Report};
use lttng_tui::analysis::registry::Kind;
use lttng_tui::analysis::syscalls;
use lttng_tui::analysis::table::Cell;

fn err_col(src: &str) -> usize {
    parse_period(src).unwrap_err().at + 1
}

#[test]
fn grammar() {
    let d = parse_period(
        r#"url_rewrite(request) : $evt.$name == "syscall_entry_open" && $evt.filename == "/var/www/html/.htaccess"
           : !($evt.$name != "syscall_exit_open") || $evt.ret < -1.5e0"#,
    )
    .unwrap();
    assert_eq!(d.name, "url_rewrite");
    assert_eq!(d.parent.as_deref(), Some("request"));
    let Expr::And(_, b) = &d.begin else {
        panic!("{:?}", d.begin)
    };
    // Strings keep their `/` (lttng-analyses cuts the definition at the last `/`).
    assert!(
        matches!(&**b, Expr::Cmp(_, CmpOp::Eq, Operand::Str(s)) if s == "/var/www/html/.htaccess")
    );
    assert!(matches!(d.end, Expr::Or(..)));
    // End omitted: same as begin; unnamed periods; `$name` against `$begin.$evt.$name`.
    let d = parse_period(r#": $evt.$name == $begin.$evt.$name"#).unwrap();
    assert_eq!(d.begin, d.end);
    let Expr::Cmp(_, _, Operand::Field(f)) = &d.begin else {
        panic!()
    };
    assert_eq!((f.evt, f.field.as_deref()), (EvtRef::Begin, None));
    let d = parse_period(
        r#"x : $parent.$begin.$evt.$ctx.tid == $evt.$payload.tid && $evt.s == "a\"b\\c""#,
    )
    .unwrap();
    let Expr::And(a, b) = d.begin else { panic!() };
    assert!(matches!(*a, Expr::Cmp(Operand::Field(ref f), ..) if f.evt == EvtRef::ParentBegin));
    assert!(matches!(*b, Expr::Cmp(_, _, Operand::Str(ref s)) if s == "a\"b\\c"));
}

#[test]
fn errors_point_at_the_column() {
    assert_eq!(err_col(r#"x : $evt.$name = "a""#), 16);
    assert_eq!(err_col(r#"x : $evt.fd == "#), 16);
    assert_eq!(err_col(r#"x : $parent.$evt.fd == 1"#), 13);
    assert_eq!(err_col(r#"x : $evt.fd == 1 && "#), 21);
    assert_eq!(err_col(r#"x : ($evt.fd == 1"#), 18);
    assert_eq!(err_col(r#"x : $evt.$name == 3"#), 5);
    assert_eq!(err_col(r#"x : $evt.fd == "a" : $evt.x # 2"#), 29);
    assert_eq!(err_col(r#"x : $evt.$nope.fd == 1"#), 10);
    assert_eq!(err_col(r#"x : $evt.fd == "open"#), 16);
    let e = parse_period("x : $evt.fd = 1")
        .unwrap_err()
        .render("invalid --period", "x : $evt.fd = 1");
    assert!(e.ends_with("x : $evt.fd = 1\n              ^"), "{e}");
    // Definition-level errors.
    let def =
        |s: &[&str]| period::definitions(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>(), &[]);
    assert!(def(&["a(b) : $evt.x == 1"]).is_err());
    assert!(def(&["a : $parent.$begin.$evt.x == 1"]).is_err());
    assert!(def(&["a : $evt.x == 1", "a : $evt.x == 2"]).is_err());
    assert!(def(&["a : $evt.x == 1", "b(a) : $parent.$begin.$evt.x == 1"]).is_ok());
}

#[test]
fn the_event_classes_a_definition_can_match() {
    let names = |src: &str| {
        possible_names(&parse_period(&format!("p : {src}")).unwrap().begin)
            .map(|s| s.into_iter().collect::<Vec<_>>())
    };
    assert_eq!(
        names(r#"$evt.$name == "a" && $evt.x == 1"#),
        Some(vec!["a".into()])
    );
    assert_eq!(
        names(r#"$evt.$name == "b" || ($evt.$name == "a" && $evt.x > 2)"#),
        Some(vec!["a".into(), "b".into()])
    );
    assert_eq!(
        names(r#"($evt.$name == "a" || $evt.$name == "b") && $evt.$name == "b""#),
        Some(vec!["b".into()])
    );
    // Contradictory: nothing can match, so no event is needed.
    assert_eq!(
        names(r#"$evt.$name == "a" && $evt.$name == "b""#),
        Some(vec![])
    );
    // Anything else may let any event through.
    for open in [
        r#"$evt.$name == "a" || $evt.x == 1"#,
        r#"!($evt.$name == "a")"#,
        r#"$evt.$name != "a""#,
        r#"$evt.$name =* "syscall_*""#,
        r#"$begin.$evt.$name == "a""#,
        r#"$evt.name == "a""#,
    ] {
        assert_eq!(names(open), None, "{open}");
    }
    let classes = |defs: &[&str]| {
        let defs: Vec<String> = defs.iter().map(|d| d.to_string()).collect();
        period::definitions(&defs, &[]).unwrap().event_classes()
    };
    assert_eq!(
        classes(&[
            r#"r : $evt.$name == "x" : $evt.$name == "y""#,
            r#"c(r) : $evt.$name == "z""#
        ]),
        Some(["x", "y", "z"].map(String::from).into())
    );
    assert_eq!(
        classes(&[
            r#"r : $evt.$name == "x" : $evt.$name == "y""#,
            "c(r) : $evt.x == 1"
        ]),
        None
    );
}

#[test]
fn captures_and_glob() {
    let c =
        parse_captures("conn : worker = $evt.tid, $evt.ret : closer = $begin.$evt.tid").unwrap();
    let names: Vec<&str> = c
        .begin
        .iter()
        .chain(&c.end)
        .map(|(n, _)| n.as_str())
        .collect();
    assert_eq!(names, ["worker", "$evt.ret", "closer"]);
    assert!(parse_captures("c : a = $evt.x, a = $evt.y").is_err());
    assert!(
        parse_captures("c : : e = $evt.ret")
            .unwrap()
            .begin
            .is_empty()
    );
    assert!(glob(b"syscall_entry_*", b"syscall_entry_read"));
    assert!(!glob(b"syscall_entry_*", b"syscall_exit_read"));
    assert!(glob(b"*_re?d", b"syscall_exit_read"));
    assert!(glob(b"sched_[!x]*", b"sched_switch"));
    assert!(!glob(b"sched_[!s]*", b"sched_switch"));
    assert!(glob(b"[a-c]x", b"bx") && !glob(b"[a-c]x", b"dx"));
    assert!(glob(b"*", b"") && !glob(b"?", b""));
}

#[test]
fn syscall_periods_equal_syscallstats() {
    let dir = tempfile::tempdir().unwrap();
    let (path, m) = short_web_trace(dir.path(), 4);
    let mut o = Options::new(Range::of(&m, None, None));
    o.limit = None;
    o.filter.tids = vec![2003];
    let defs = period::definitions(
        &[r#"sys : $evt.$name =* "syscall_entry_*" && $evt.tid == 2003
                 : $evt.$name =* "syscall_exit_*" && $evt.tid == $begin.$evt.tid"#
            .to_owned()],
        &["sys : call = $evt.$name".to_owned()],
    )
    .unwrap();
    let p = period::find(&path, &m, &o, defs).unwrap();
    let r = Report {
        group_by: vec![("sys".into(), "call".into())],
        ..Report::default()
    };
    let tables = period::tables(Kind::Periodstats, &p, &o, &r);
    let mut got: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for t in tables.iter().filter(|t| t.class.name == "per_period_stats") {
        let label = t.subtitle.clone().unwrap();
        let name = label
            .strip_prefix("sys.call = syscall_entry_")
            .unwrap()
            .to_owned();
        let (Cell::Count(n), Cell::Duration(total)) = (&t.rows[0][1], &t.rows[0][6]) else {
            panic!()
        };
        got.insert(name, (*n, *total));
    }
    let want: BTreeMap<String, (u64, u64)> = syscalls::compute(&m, &o)[0]
        .calls
        .iter()
        .map(|(n, c)| (n.clone(), (c.stats.count, c.stats.total)))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

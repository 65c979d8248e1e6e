//! User-defined periods: the `--period` language (parser, evaluator, matching engine) and
//! the period commands' reports.

pub mod engine;
pub mod eval;
pub mod lex;
pub mod parent;
pub mod parse;
pub mod report;

use std::path::Path;

use anyhow::{Result, anyhow};

use super::common::Options;
use super::events::for_each_event_of;
use super::registry::Kind;
use super::table::{Table, TableClass};
use crate::ctf::session::Session;
use crate::model::Model;
use engine::Periods;
use eval::EvtCtx;
pub use report::Report;

/// Parses the `--period` and `--period-captures` arguments, with errors pointing at the
/// column.
pub fn definitions(periods: &[String], captures: &[String]) -> Result<Periods> {
    let mut defs = Vec::new();
    for src in periods {
        defs.push(
            parse::parse_period(src).map_err(|e| anyhow!(e.render("invalid --period", src)))?,
        );
    }
    let mut caps = Vec::new();
    for src in captures {
        caps.push(
            parse::parse_captures(src)
                .map_err(|e| anyhow!(e.render("invalid --period-captures", src)))?,
        );
    }
    Periods::new(defs, caps)
}

/// Runs the engine over the events of the trace at `path` inside the range. Only the events
/// of the classes the definitions can match are handed to it.
pub fn find(path: &Path, m: &Model, o: &Options, p: Periods) -> Result<Periods> {
    Ok(find_in(&Session::open(path)?, m, o, p))
}

/// [`find`] in a session already open.
pub fn find_in(session: &Session, m: &Model, o: &Options, mut p: Periods) -> Periods {
    let classes = p.event_classes();
    let last = for_each_event_of(
        session,
        o.range.begin,
        o.range.end,
        classes.as_ref(),
        |e, t| {
            p.step(&EvtCtx { e, t, m });
        },
    );
    // Instances still open at the end close at the last event of the range.
    p.finish(last.unwrap_or(o.range.begin).max(o.range.begin));
    p
}

/// The table classes of a period command.
pub fn classes(kind: Kind) -> Vec<TableClass> {
    match kind {
        Kind::Periodlog => vec![report::log_class(), report::aggregated_class()],
        Kind::Periodtop => vec![report::top_class()],
        Kind::Periodstats => report::stats_classes(),
        _ => report::freq_classes(),
    }
}

/// The tables of a period command over found periods.
pub fn tables(kind: Kind, p: &Periods, o: &Options, r: &Report) -> Vec<Table> {
    match kind {
        Kind::Periodlog => report::log(p, o, r),
        Kind::Periodtop => report::top(p, o, r),
        Kind::Periodstats => report::stats(p, o, r),
        _ => report::freq(p, o, r),
    }
}

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
use super::events::for_each_event;
use super::registry::Kind;
use super::table::{Table, TableClass};
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

/// Runs the engine over the events of the trace at `path` inside the range.
pub fn find(path: &Path, m: &Model, o: &Options, mut p: Periods) -> Result<Periods> {
    let mut last = o.range.begin;
    for_each_event(path, o.range.begin, o.range.end, |e, t| {
        p.step(&EvtCtx { e, t, m });
        last = t;
    })?;
    p.finish(last);
    Ok(p)
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

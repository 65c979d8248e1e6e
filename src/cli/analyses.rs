//! The analysis subcommands (`cputop`, `iousagetop`, ..., `periodfreq`): lttng-analyses'
//! options and text output, and the LAMI 1.0 protocol (`--mi-version`, `--metadata`,
//! `--test-compatibility`, `--mi`, `--output-progress`) so Trace Compass can run them.

mod args;
pub mod time;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};

use crate::analysis::common::{Options, Range};
use crate::analysis::iolat::LogRows;
use crate::analysis::period;
use crate::analysis::registry::Kind;
use crate::analysis::table::Table;
use crate::analysis::text::{Clock, TableView, render_views_to};
use crate::ctf::session::Session;
use crate::index::cache::{self, Parts};
use crate::index::{Indexer, Phase, Update};
use crate::lami::json::{error_json, metadata_json, progress_line, results_json};
use crate::model::Model;
pub use args::{AnalysisArgs, AnalysisCommand};

/// Runs one analysis command; `Ok(false)` after an error already reported on stdout.
pub fn run(cmd: &AnalysisCommand) -> Result<bool> {
    let (kind, a) = cmd.split();
    let mut out = std::io::stdout().lock();
    if a.mi_version {
        writeln!(out, "{}", crate::lami::MI_VERSION)?;
        return Ok(true);
    }
    if a.metadata {
        writeln!(out, "{}", metadata_json(&kind.metadata()))?;
        return Ok(true);
    }
    if a.test_compatibility {
        return Ok(compatible(a.path.as_deref()).is_ok());
    }
    super::heap::prefer_huge_pages(64 << 20);
    match results(kind, a, &mut out) {
        Ok(()) => Ok(true),
        // The reader went away (`| head`): what it wanted was printed.
        Err(e) if is_broken_pipe(&e) => Ok(true),
        Err(e) if a.mi => {
            writeln!(out, "{}", error_json(&format!("Error: {e:#}")))?;
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Whether the trace opens and is a kernel trace (silently: Trace Compass merges stderr).
fn compatible(path: Option<&Path>) -> Result<()> {
    let path = path.ok_or_else(|| anyhow!("no trace path"))?;
    let s = crate::ctf::session::Session::open(path)?;
    for t in &s.traces {
        crate::model::build::check_kernel(&t.class)?;
    }
    Ok(())
}

/// Computes the command's reports and prints them to `out` (text or LAMI JSON).
fn results(kind: Kind, a: &AnalysisArgs, out: &mut impl Write) -> Result<()> {
    let path = a.path.as_deref().context("missing trace path")?;
    // Parse period definitions before indexing, so a typo fails at once.
    let periods = a.periods()?;
    let defs = if periods.is_empty() {
        None
    } else {
        Some(period::definitions(&periods, &a.period_captures)?)
    };
    if kind.name().starts_with("period") && defs.is_none() {
        bail!("{} needs at least one --period", kind.name());
    }
    if a.refresh.is_some() && defs.is_some() {
        bail!("--refresh cannot be combined with --period");
    }
    if a.cpu.is_some() && kind.ignores_cpu() {
        eprintln!(
            "lttng-tui: warning: {} ignores --cpu (an I/O request is not tied to one CPU)",
            kind.name()
        );
    }
    if a.per_prio {
        // The index keeps no priorities yet: say so rather than print nothing.
        bail!("--per-prio is not available: thread priorities are not indexed");
    }
    // Another analysis with a period computes its tables per instance found in the events:
    // the whole model.
    let parts = if defs.is_some() && !kind.reads_events() {
        Parts::ALL
    } else {
        kind.parts(a.cpu.is_some())
    };
    let model = load_parts(path, a, parts, out)?;
    let mut clock = Clock::new(a.gmt);
    let opts = a.options(&model, &mut clock)?;
    let report = a.report()?;
    let mut reports: Vec<(Range, Report)> = Vec::new();
    match defs {
        Some(d) => {
            // The period pass reads the events: the trace's metadata is parsed once and kept
            // beside the model's cache.
            let memo = cache::default_dir().filter(|_| !a.no_cache);
            let session = Session::open_memo(path, memo.as_deref())?;
            let found = period::find_in(&session, &model, &opts, d);
            if kind.name().starts_with("period") {
                reports.push((
                    opts.range,
                    Report::Tables(period::tables(kind, &found, &opts, &report)),
                ));
            } else {
                // Any other analysis reports once per period instance.
                for i in &found.instances {
                    let mut o = opts.clone();
                    o.range = Range {
                        begin: i.begin,
                        end: i.end,
                    };
                    reports.push((o.range, Report::Tables(tables(kind, &model, &o)?)));
                }
            }
            // Like the model below: thousands of event classes and instances need not be
            // handed back to malloc one by one just before the process exits.
            std::mem::forget(session);
            std::mem::forget(found);
        }
        None if kind == Kind::Iolog && !a.mi => {
            // Printed as text, a log's rows are made as they are printed.
            for r in intervals(opts.range, a.refresh.as_deref())? {
                let mut o = opts.clone();
                o.range = r;
                reports.push((r, Report::Log(Box::new(LogRows::new(&model, &o)))));
            }
        }
        None => {
            for r in intervals(opts.range, a.refresh.as_deref())? {
                let mut o = opts.clone();
                o.range = r;
                reports.push((r, Report::Tables(tables(kind, &model, &o)?)));
            }
        }
    }
    if a.output_progress {
        writeln!(out, "{}", progress_line(1.0, "Done!"))?;
    }
    if a.mi {
        let all: Vec<Table> = reports
            .into_iter()
            .flat_map(|r| r.1.into_tables())
            .filter(|t| !t.rows.is_empty())
            .collect();
        writeln!(out, "{}", results_json(&all))?;
        return Ok(());
    }
    for (i, (r, report)) in reports.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        let warn = lost_warning(&model, *r);
        render_views_to(report.views(), r.ns(), warn.as_deref(), &mut clock, out)?;
    }
    // The process ends right after printing: handing tens of thousands of column
    // allocations back to malloc one by one would only delay the exit (about a tenth of
    // a warm run on a trace with thousands of threads).
    std::mem::forget(reports);
    std::mem::forget(model);
    Ok(())
}

/// The tables of one range, as computed or (a log printed as text) made as printed.
enum Report<'m> {
    Tables(Vec<Table>),
    Log(Box<LogRows<'m>>),
}

impl Report<'_> {
    fn views(&self) -> Vec<TableView<'_>> {
        match self {
            Report::Tables(t) => t.iter().map(Table::view).collect(),
            Report::Log(rows) => vec![rows.view()],
        }
    }

    fn into_tables(self) -> Vec<Table> {
        match self {
            Report::Tables(t) => t,
            Report::Log(rows) => vec![(*rows).into_table()],
        }
    }
}

fn tables(kind: Kind, m: &Model, o: &Options) -> Result<Vec<Table>> {
    match kind.run(m, o) {
        Some(t) => Ok(t),
        None => bail!("{} needs --period", kind.name()),
    }
}

/// `--refresh D`: consecutive intervals of length D sharing their boundaries.
fn intervals(r: Range, refresh: Option<&str>) -> Result<Vec<Range>> {
    let Some(d) = refresh else {
        return Ok(vec![r]);
    };
    let step = time::parse_duration(d)?;
    if step == 0 {
        bail!("--refresh must be positive");
    }
    let mut out = Vec::new();
    let mut b = r.begin;
    while b < r.end {
        let e = b.saturating_add(step).min(r.end);
        out.push(Range { begin: b, end: e });
        b = e;
    }
    Ok(out)
}

/// `N events lost in the range` when any stream lost events inside it.
fn lost_warning(m: &Model, r: Range) -> Option<String> {
    let gaps: Vec<_> = m
        .gaps
        .iter()
        .filter(|g| g.begin <= r.end && g.end >= r.begin)
        .collect();
    if gaps.is_empty() {
        return None;
    }
    let n: u64 = gaps.iter().filter_map(|g| g.count).sum();
    Some(format!(
        "{n} events lost in the analysed range ({} windows); figures near them are incomplete",
        gaps.len()
    ))
}

/// Indexes the trace (cached), with progress on stderr (a terminal) or as LAMI lines.
pub(crate) fn load(path: &Path, a: &AnalysisArgs, out: &mut impl Write) -> Result<Arc<Model>> {
    load_parts(path, a, Parts::ALL, out)
}

/// [`load`], but a model read from the cache only has the optional lists in `parts`.
///
/// The cache is read here, on the calling thread, before any indexer thread is started:
/// a warm run then costs no thread, and the model's tens of thousands of allocations come
/// from the main heap instead of a fresh per-thread arena grown page by page.
fn load_parts(
    path: &Path,
    a: &AnalysisArgs,
    parts: Parts,
    out: &mut impl Write,
) -> Result<Arc<Model>> {
    if !a.no_cache
        && let Some(dir) = cache::default_dir()
        && let Ok(key) = cache::Key::of(path)
        && cache::exists(&dir, path)
        && let Some(m) = cache::load_parts(&dir, path, &key, parts)
    {
        if a.output_progress {
            writeln!(out, "{}", progress_line(0.0, "Indexing the trace..."))?;
        }
        // The damage the first build reported is still there.
        for e in &m.read_errors {
            eprintln!("lttng-tui: warning: {e}");
        }
        return Ok(Arc::new(m));
    }
    let opts = crate::index::Options {
        use_cache: !a.no_cache,
        first_snapshot: None,
        ..Default::default()
    };
    let indexer = Indexer::spawn(path, opts)?;
    let tty = !a.mi && !a.no_progress && std::io::IsTerminal::is_terminal(&std::io::stderr());
    if a.output_progress {
        writeln!(out, "{}", progress_line(0.0, "Indexing the trace..."))?;
    }
    let mut result = None;
    for u in indexer.updates.iter() {
        match u {
            Update::Progress(p) if p.phase == Phase::Indexing => {
                let f = p.bytes_done as f64 / p.bytes_total.max(1) as f64;
                if a.output_progress {
                    writeln!(
                        out,
                        "{}",
                        progress_line(f, &format!("{} events processed", p.events))
                    )?;
                } else if tty {
                    eprint!("\rIndexing {:5.1}%  {} events   ", f * 100.0, p.events);
                }
            }
            Update::Done(r) => {
                result = Some(r);
                break;
            }
            Update::Warning(w) => eprintln!("\rlttng-tui: warning: {w}"),
            _ => {}
        }
    }
    if tty {
        eprint!("\r{:50}\r", "");
    }
    match result {
        Some(Ok(m)) => Ok(m),
        Some(Err(e)) => bail!(e),
        None => bail!("the indexer stopped without a result"),
    }
}

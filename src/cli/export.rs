//! `lttng-tui export`: one time range of a trace as a LAMI 1.0 results file (the same
//! document the TUI's `e` writes), for scripts and for attaching to a bug report.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::analyses::{self, AnalysisArgs};
use crate::analysis::text::Clock;
use crate::config::{Source, view};
use crate::lami::export;

/// Options of `export`.
#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// Trace or session directory.
    pub path: PathBuf,
    /// Start: ns since the epoch, `YYYY-MM-DD hh:mm:ss[.nnnnnnnnn]` or `hh:mm:ss[.nnnnnnnnn]`
    /// (default: the trace's start).
    #[arg(long, allow_hyphen_values = true)]
    pub begin: Option<String>,
    /// End, same forms as --begin (default: the trace's end).
    #[arg(long, allow_hyphen_values = true)]
    pub end: Option<String>,
    /// View preset whose periods are exported too: a shipped name or a TOML file.
    #[arg(long, value_name = "NAME|PATH")]
    pub view: Option<String>,
    /// The file to write (replaced atomically).
    #[arg(short, long, value_name = "FILE.json")]
    pub output: PathBuf,
    /// Times given in UTC instead of local time.
    #[arg(long)]
    pub gmt: bool,
    /// Neither read nor write the index cache.
    #[arg(long)]
    pub no_cache: bool,
}

/// Runs `export`.
pub fn run(a: &ExportArgs) -> Result<bool> {
    // Load the preset first: a typo in it fails before a long indexing.
    let preset = a
        .view
        .as_deref()
        .map(|v| view::load(&Source::parse(v)))
        .transpose()
        .map_err(|w| anyhow::anyhow!("{w}"))?;
    // The analysis options give the same time parsing and range clipping as the analyses.
    let args = AnalysisArgs {
        path: Some(a.path.clone()),
        begin: a.begin.clone(),
        end: a.end.clone(),
        gmt: a.gmt,
        no_cache: a.no_cache,
        mi: true,
        ..AnalysisArgs::default()
    };
    let model = analyses::load(&a.path, &args, &mut std::io::sink())?;
    let mut clock = Clock::new(a.gmt);
    let range = args.options(&model, &mut clock)?.range;
    let doc = export::document(&a.path, &model, range, preset.as_ref())?;
    export::write_atomic(&a.output, &doc)
        .with_context(|| format!("cannot write {}", a.output.display()))?;
    eprintln!("wrote {}", a.output.display());
    Ok(true)
}

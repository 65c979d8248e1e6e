//! The command line: one module per subcommand family.

pub mod analyses;
pub mod bench;
pub mod demo;
pub mod dump;
pub mod export;
pub mod r#gen;
pub mod heap;
pub mod index;
pub mod info;
pub mod reader;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Read LTTng traces fast and find out why one request was slow.
///
/// `lttng-tui PATH` opens the trace(s) under PATH (a single trace directory, or an LTTng
/// session folder with kernel/ and ust/ traces) in a terminal UI; when stdout is not a
/// terminal it prints what `info` says instead. The subcommands below dump events as text
/// and summarise traces.
#[derive(Debug, Parser)]
#[command(name = "lttng-tui", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Trace or session directory to open.
    pub path: Option<PathBuf>,
    /// Terminal UI options.
    #[command(flatten)]
    pub tui: crate::tui::TuiArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print every event as text, exactly as `babeltrace2 PATH` does.
    ///
    /// Pipe it into grep, awk or diff: the output is byte-for-byte babeltrace2's default
    /// text format, produced by lttng-tui's own decoder.
    Dump(dump::DumpArgs),
    /// Summarise traces: domains, streams, event counts, lost events, time range.
    Info(info::InfoArgs),
    /// Write a synthetic LTTng kernel trace with a ground-truth file of what it contains.
    Gen(r#gen::GenArgs),
    /// Generate the built-in `web` scenario once (in the cache directory) and open it.
    Demo(demo::DemoArgs),
    /// Build the kernel state model (threads, CPUs, syscalls, IRQs, fds...) and summarise it.
    ///
    /// The model is cached in $XDG_CACHE_HOME/lttng-tui so the next open is instant; the
    /// summary gives counts, time taken, events/s and peak memory (a benchmark).
    Index(index::IndexArgs),
    /// Measure decoding speed against babeltrace2 on the same trace, side by side.
    Bench(bench::BenchArgs),
    /// Write one time range as a LAMI 1.0 results file (CPU, syscalls, I/O, latency,
    /// and the periods of a view preset).
    Export(export::ExportArgs),
    /// The analyses of lttng-analyses (cputop, iousagetop, ..., periodfreq).
    #[command(flatten)]
    Analysis(Box<analyses::AnalysisCommand>),
}

/// Opens `path` in the TUI, or prints `info` when stdout is not a terminal (a pipe, a
/// script): the UI needs a screen, and a script wants text. Returns success like `info`.
pub fn open(path: &std::path::Path, tui: &crate::tui::TuiArgs) -> anyhow::Result<bool> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        crate::tui::run(path, tui)?;
        Ok(true)
    } else {
        info::run(&info::InfoArgs {
            json: false,
            reader: reader::ReaderArg::default(),
            path: path.to_path_buf(),
        })
    }
}

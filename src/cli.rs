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
    /// Measure decoding speed against babeltrace2 on the same trace, side by side (or, with
    /// --index, the kernel model's build speed, size and cached reopen against their targets).
    Bench(bench::BenchArgs),
    /// Write one time range as a LAMI 1.0 results file (CPU, syscalls, I/O, latency,
    /// and the periods of a view preset).
    Export(export::ExportArgs),
    /// The analyses of lttng-analyses (cputop, iousagetop, ..., periodfreq).
    #[command(flatten)]
    Analysis(Box<analyses::AnalysisCommand>),
}

/// The command line when it runs one analysis and clap accepts it, parsed with only that
/// analysis's options; `None` for anything else (another subcommand, `--help`, a mistake),
/// which the whole parser then handles and explains.
///
/// An analysis on a cached index takes 4 to 20 ms, and building the parser of every
/// subcommand and option added 0.7 to 1 ms to each run: scripts call analyses in loops, and
/// Trace Compass calls one per view.
pub fn parse_analysis<I, T>(args: I) -> Option<analyses::AnalysisCommand>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString>,
{
    use clap::{Args, FromArgMatches};
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let name = args.get(1)?.to_str()?;
    let name = crate::analysis::registry::ALL
        .iter()
        .map(|k| k.name())
        .find(|&n| n == name)?;
    // `from_arg_matches` picks the analysis by the name of the matched subcommand.
    let one = analyses::AnalysisArgs::augment_args(clap::Command::new(name));
    let matches = clap::Command::new("lttng-tui")
        .subcommand(one)
        .try_get_matches_from(&args)
        .ok()?;
    analyses::AnalysisCommand::from_arg_matches(&matches).ok()
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// The whole parser's reading of `line`, when it runs an analysis.
    fn whole(line: &[&str]) -> Option<String> {
        match Cli::try_parse_from(line).ok()?.command? {
            Command::Analysis(a) => Some(format!("{a:?}")),
            _ => None,
        }
    }

    #[test]
    fn an_analysis_alone_is_parsed_as_the_whole_parser_parses_it() {
        let lines: &[&[&str]] = &[
            &["lttng-tui", "cputop", "T"],
            &["lttng-tui", "iolog", "--no-progress", "T"],
            &["lttng-tui", "iolog", "T", "--tid", "12,13", "--limit", "3"],
            &[
                "lttng-tui",
                "syscallstats",
                "--mi",
                "--begin",
                "10",
                "--end",
                "20",
                "T",
            ],
            &[
                "lttng-tui",
                "schedfreq",
                "--freq-resolution",
                "7",
                "--min",
                "5.5",
                "T",
            ],
            &[
                "lttng-tui",
                "periodtop",
                "--period",
                "r : $evt.$name == \"a\" : $evt.$name == \"b\"",
                "--period-group-by",
                "r.x",
                "T",
            ],
            &[
                "lttng-tui",
                "irqstats",
                "--timerange",
                "[1, 2]",
                "--gmt",
                "T",
            ],
            &["lttng-tui", "memtop", "--limit", "unlimited", "T"],
            &["lttng-tui", "cputop", "--mi-version"],
            &["lttng-tui", "iousagetop", "--metadata"],
        ];
        for line in lines {
            let fast = parse_analysis(line.iter()).map(|a| format!("{a:?}"));
            assert!(fast.is_some(), "{line:?} is not parsed alone");
            assert_eq!(fast, whole(line), "{line:?}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_whole_parser() {
        let lines: &[&[&str]] = &[
            &["lttng-tui"],
            &["lttng-tui", "T"],
            &["lttng-tui", "dump", "T"],
            &["lttng-tui", "--version"],
            &["lttng-tui", "cputop", "--help"],
            &["lttng-tui", "cputop", "-h"],
            &["lttng-tui", "cputop", "--no-such-option", "T"],
            &["lttng-tui", "cputop", "T", "U"],
            &["lttng-tui", "cputopx", "T"],
        ];
        for line in lines {
            assert!(parse_analysis(line.iter()).is_none(), "{line:?}");
        }
    }
}

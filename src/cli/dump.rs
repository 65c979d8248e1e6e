//! `lttng-tui dump`: every event as babeltrace2-compatible text.

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::ctf::session::Session;
use crate::pretty::{PrettyOptions, PrettyPrinter};

/// What `dump` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// babeltrace2's default text format.
    Text,
    /// Decode every event and field, print nothing (a decoding benchmark).
    Dummy,
}

/// Options of `dump`.
#[derive(Debug, Args)]
pub struct DumpArgs {
    /// Print times in UTC instead of the local time zone.
    #[arg(long)]
    pub clock_gmt: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub output_format: OutputFormat,
    /// Trace or session directory.
    pub path: PathBuf,
}

/// Flush threshold: large writes keep the syscall count low on multi-GB dumps.
const FLUSH_BYTES: usize = 1 << 20;

/// Runs `dump`. Returns whether every trace was read without error.
pub fn run(args: &DumpArgs) -> Result<bool> {
    let session = Session::open(&args.path).context("cannot open trace")?;
    for w in session.traces.iter().flat_map(|t| &t.warnings) {
        eprintln!("lttng-tui: warning: {w}");
    }
    let mut printer = PrettyPrinter::new(PrettyOptions {
        clock_gmt: args.clock_gmt,
    });
    // babeltrace2 names traces in its warnings relative to the path it was given.
    printer.set_input_root(Some(args.path.clone()));
    let stdout = io::stdout();
    let mut stdout = stdout.lock();
    let mut out = Vec::with_capacity(FLUSH_BYTES * 2);
    let mut write_error = None;
    let mut reader_gone = false;
    let text = args.output_format == OutputFormat::Text;
    let outcome = session.for_each_message(|msg| {
        if text {
            printer.write_message(&mut out, msg);
            if out.len() >= FLUSH_BYTES {
                match write_or_quit(&mut stdout, &out) {
                    Ok(true) => out.clear(),
                    Ok(false) => {
                        reader_gone = true;
                        return ControlFlow::Break(());
                    }
                    Err(e) => {
                        write_error = Some(e);
                        return ControlFlow::Break(());
                    }
                }
            }
        }
        ControlFlow::Continue(())
    });
    if let Some(e) = write_error {
        return Err(e);
    }
    if reader_gone || !write_or_quit(&mut stdout, &out)? {
        return Ok(true);
    }
    stdout.flush().ok();
    let mut clean = true;
    for e in &session.failed {
        eprintln!("lttng-tui: error: {e}");
        clean = false;
    }
    for e in &outcome.errors {
        eprintln!("lttng-tui: error: {e}");
        clean = false;
    }
    Ok(clean)
}

/// Writes `bytes`; false when the reader went away (`| head`), which is not an error.
fn write_or_quit(w: &mut impl Write, bytes: &[u8]) -> Result<bool> {
    match w.write_all(bytes) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).context("cannot write to standard output"),
    }
}

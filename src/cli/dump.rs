//! `lttng-tui dump`: every event as babeltrace2-compatible text.

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use crate::ctf::message::Message;
use crate::ctf::parallel::EventFormatter;
use crate::ctf::session::Session;
use crate::pretty::recall::RecycleClock;
use crate::pretty::threaded::BodyFormatter;
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
    printer.set_stale_mode(crate::pretty::recall::StaleMode::Fresh);
    // babeltrace2 names traces in its warnings relative to the path it was given.
    printer.set_input_root(Some(args.path.clone()));
    let stdout = io::stdout();
    let mut stdout = stdout.lock();
    let mut out = Vec::with_capacity(FLUSH_BYTES * 2);
    if args.output_format == OutputFormat::Dummy {
        let (_, outcome) = session.decode_all();
        return Ok(report_errors(&session, &outcome.errors));
    }
    let mut write_error = None;
    let mut reader_gone = false;
    let text = args.output_format == OutputFormat::Text;
    let clock_gmt = args.clock_gmt;
    let root = Some(args.path.clone());
    // Event bodies are rendered on the decoding threads; this thread writes the time columns
    // and copies the bodies in order.
    let factory = move || -> Box<dyn EventFormatter> {
        Box::new(BodyFormatter::new(
            PrettyOptions { clock_gmt },
            root.clone(),
        ))
    };
    let mut recycle = RecycleClock::default();
    let mut err = Vec::new();
    let outcome = session.for_each_formatted(text.then_some(&factory), |msg, body, stale_body| {
        if !text {
            return ControlFlow::Continue(());
        }
        match msg {
            Message::Event(ev) => {
                printer.write_columns(&mut out, &mut err, ev.timestamp.as_ref());
                let recycled = recycle.recycled(std::ptr::from_ref(ev.class) as usize);
                out.extend_from_slice(if recycled && !stale_body.is_empty() {
                    stale_body
                } else {
                    body
                });
                if !err.is_empty() {
                    io::stderr().write_all(&err).ok();
                    err.clear();
                }
            }
            Message::Lost(_) => printer.write_message(&mut out, msg),
        }
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
        ControlFlow::Continue(())
    });
    if let Some(e) = write_error {
        return Err(e);
    }
    if reader_gone || !write_or_quit(&mut stdout, &out)? {
        return Ok(true);
    }
    stdout.flush().ok();
    Ok(report_errors(&session, &outcome.errors))
}

/// Writes `bytes`; false when the reader went away (`| head`), which is not an error.
fn write_or_quit(w: &mut impl Write, bytes: &[u8]) -> Result<bool> {
    match w.write_all(bytes) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).context("cannot write to standard output"),
    }
}

/// Prints the errors that stopped traces or streams; true when there were none.
fn report_errors(session: &Session, errors: &[crate::ctf::reader::ReadError]) -> bool {
    for e in &session.failed {
        eprintln!("lttng-tui: error: {e}");
    }
    for e in errors {
        eprintln!("lttng-tui: error: {e}");
    }
    session.failed.is_empty() && errors.is_empty()
}

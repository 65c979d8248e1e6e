//! `lttng-tui dump`: every event as babeltrace2-compatible text.

use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use super::reader::{self, Reader, ReaderArg};
use crate::ctf::ir::EventClass;
use crate::ctf::message::{Message, StreamRef, Timestamp};
use crate::ctf::reader::ReadError;
use crate::ctf::session::{RenderedSink, Session};
use crate::pretty::recall::RecycleClock;
use crate::pretty::threaded::BodyFormatter;
use crate::pretty::{PrettyOptions, PrettyPrinter};
use crate::source::EventSource;
use crate::source::event::Item;
use crate::source::text::EventText;

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
    /// The reader.
    #[command(flatten)]
    pub reader: ReaderArg,
    /// Trace or session directory.
    pub path: PathBuf,
}

/// Flush threshold: large writes keep the syscall count low on multi-GB dumps.
const FLUSH_BYTES: usize = 1 << 20;

/// Runs `dump`. Returns whether every trace was read without error.
pub fn run(args: &DumpArgs) -> Result<bool> {
    args.reader.check()?;
    if args.reader.reader == Reader::Bt2 {
        let mut source = reader::open_bt2(&args.path)?;
        return print_source(source.as_mut(), args);
    }
    let session = Session::open(&args.path).context("cannot open trace")?;
    for w in session.traces.iter().flat_map(|t| &t.warnings) {
        eprintln!("lttng-tui: warning: {w}");
    }
    let errors = match args.output_format {
        OutputFormat::Dummy => session.decode_all().outcome.errors,
        OutputFormat::Text => print_text(&session, args)?,
    };
    Ok(report_errors(&session, &errors))
}

/// Prints every message as babeltrace2 does. Event bodies are rendered on the decoding
/// threads; this thread writes the time columns (the delta needs the previous event) and
/// copies the bodies in order.
fn print_text(session: &Session, args: &DumpArgs) -> Result<Vec<ReadError>> {
    let options = || PrettyOptions {
        clock_gmt: args.clock_gmt,
    };
    // babeltrace2 names traces in its warnings relative to the path it was given.
    let root = Some(args.path.clone());
    let factory = || Box::new(BodyFormatter::new(options(), root.clone()));
    let mut printer = PrettyPrinter::new(options());
    printer.set_input_root(root.clone());
    let mut sink = TextSink {
        printer,
        recycle: RecycleClock::default(),
        out: Output::new(),
        err: Vec::new(),
    };
    let outcome = session.for_each_rendered(&factory, &mut sink);
    sink.out.finish()?;
    Ok(outcome.errors)
}

/// The merging side of `print_text`: the time columns, then the body rendered on the
/// decoding thread.
struct TextSink {
    printer: PrettyPrinter,
    /// Which classes babeltrace2 would print with a stale string (see [`RecycleClock`]).
    recycle: RecycleClock,
    out: Output,
    /// Warnings the columns produced for the current event.
    err: Vec<u8>,
}

impl RenderedSink for TextSink {
    #[inline(always)]
    fn event(
        &mut self,
        timestamp: Option<Timestamp>,
        class: &EventClass,
        _stream: &StreamRef<'_>,
        text: &[u8],
        alternative: &[u8],
    ) -> ControlFlow<()> {
        let buf = &mut self.out.buf;
        self.printer
            .write_columns(buf, &mut self.err, timestamp.as_ref());
        let recycled = self.recycle.recycled(std::ptr::from_ref(class) as usize);
        let stale = recycled && !alternative.is_empty();
        buf.extend_from_slice(if stale { alternative } else { text });
        if !self.err.is_empty() {
            io::stderr().write_all(&self.err).ok();
            self.err.clear();
        }
        self.out.flush_if_full()
    }

    fn other(&mut self, msg: &Message<'_>) -> ControlFlow<()> {
        self.printer.write_message(&mut self.out.buf, msg);
        self.out.flush_if_full()
    }
}

/// `dump` over any [`EventSource`] (the `--reader bt2` path): the same text as the native
/// path, formatted from the reader-independent events. Loss notices are not printed (the
/// native path writes babeltrace2's warnings for them on stderr). Returns whether the source
/// was read to its end without error.
pub fn print_source(source: &mut dyn EventSource, args: &DumpArgs) -> Result<bool> {
    let mut text = EventText::new(PrettyOptions {
        clock_gmt: args.clock_gmt,
    });
    let dummy = args.output_format == OutputFormat::Dummy;
    let mut out = Output::new();
    let mut err = Vec::new();
    let read = reader::for_each_item(source, |item, traces| {
        let Item::Event(ev) = item else {
            return ControlFlow::Continue(());
        };
        if dummy {
            return ControlFlow::Continue(());
        }
        text.write_event(&mut out.buf, &mut err, ev, traces);
        if !err.is_empty() {
            io::stderr().write_all(&err).ok();
            err.clear();
        }
        out.flush_if_full()
    });
    out.finish()?;
    let mut ok = true;
    if let Err(e) = read {
        eprintln!("lttng-tui: error: {e}");
        ok = false;
    }
    for e in source.errors() {
        eprintln!("lttng-tui: error: {e}");
        ok = false;
    }
    Ok(ok)
}

/// Standard output written in pieces of about [`FLUSH_BYTES`]. Both printing paths append
/// to `buf` and call [`Output::flush_if_full`], which ends the walk once the reader went
/// away (`| head`) or a write failed.
struct Output {
    stdout: io::StdoutLock<'static>,
    buf: Vec<u8>,
    failure: Option<anyhow::Error>,
}

impl Output {
    fn new() -> Output {
        Output {
            stdout: io::stdout().lock(),
            buf: Vec::with_capacity(FLUSH_BYTES * 2),
            failure: None,
        }
    }

    /// Writes the buffer out once it is large; `Break` when output should stop.
    fn flush_if_full(&mut self) -> ControlFlow<()> {
        if self.buf.len() < FLUSH_BYTES {
            return ControlFlow::Continue(());
        }
        match write_or_quit(&mut self.stdout, &self.buf) {
            Ok(true) => {
                self.buf.clear();
                ControlFlow::Continue(())
            }
            Ok(false) => ControlFlow::Break(()),
            Err(e) => {
                self.failure = Some(e);
                ControlFlow::Break(())
            }
        }
    }

    /// Writes what is left; the write error that stopped the walk, if any.
    fn finish(mut self) -> Result<()> {
        if let Some(e) = self.failure {
            return Err(e);
        }
        write_or_quit(&mut self.stdout, &self.buf)?;
        self.stdout.flush().ok();
        Ok(())
    }
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
fn report_errors(session: &Session, errors: &[ReadError]) -> bool {
    for e in &session.failed {
        eprintln!("lttng-tui: error: {e}");
    }
    for e in errors {
        eprintln!("lttng-tui: error: {e}");
    }
    session.failed.is_empty() && errors.is_empty()
}

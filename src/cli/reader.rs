//! `--reader native|bt2`: which CTF reader decodes the trace.
//!
//! `native` is lttng-tui's own decoder and the default. `bt2` is babeltrace2, linked in only
//! when the binary is built with the `bt2` Cargo feature; without it, asking for it is an
//! error that says how to get it.

use std::path::Path;

use anyhow::Result;
use clap::{Args, ValueEnum};

use crate::source::EventSource;

/// A CTF reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Reader {
    /// lttng-tui's own decoder.
    #[default]
    Native,
    /// babeltrace2 (needs a build with `--features bt2`).
    Bt2,
}

/// The `--reader` option, flattened into each subcommand that reads a trace.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct ReaderArg {
    /// Which reader decodes the trace: `native` (lttng-tui's own decoder) or `bt2`
    /// (babeltrace2; the binary must be built with `--features bt2`).
    #[arg(long, value_enum, default_value = "native")]
    pub reader: Reader,
}

/// Whether this binary includes the babeltrace2 reader.
pub const BT2_AVAILABLE: bool = cfg!(feature = "bt2");

/// What `--reader bt2` says when the binary was built without babeltrace2.
pub const BT2_MISSING: &str = "--reader bt2: this lttng-tui was built without babeltrace2; \
rebuild with the `bt2` Cargo feature (`cargo build --release --features bt2`), which needs the \
Debian packages autoconf automake libtool bison flex pkg-config libglib2.0-dev libpcre3-dev";

impl ReaderArg {
    /// Fails with [`BT2_MISSING`] when `bt2` is asked for and not built in.
    pub fn check(&self) -> Result<()> {
        if self.reader == Reader::Bt2 && !BT2_AVAILABLE {
            anyhow::bail!(BT2_MISSING);
        }
        Ok(())
    }
}

/// babeltrace2 on every trace under `path`, behind the common interface.
#[cfg(feature = "bt2")]
pub fn open_bt2(path: &Path) -> Result<Box<dyn EventSource>> {
    use anyhow::Context;
    let source = crate::bt2::Bt2Source::open(path)
        .with_context(|| format!("cannot open trace {}", path.display()))?;
    Ok(Box::new(source))
}

/// babeltrace2 on every trace under `path`: not in this build.
#[cfg(not(feature = "bt2"))]
pub fn open_bt2(_path: &Path) -> Result<Box<dyn EventSource>> {
    anyhow::bail!(BT2_MISSING)
}

/// Hands every item of `source` to `f` in order, waiting on a growing source; stops at the
/// end, at the first error (returned), or when `f` breaks.
pub fn for_each_item(
    source: &mut dyn EventSource,
    mut f: impl FnMut(
        &crate::source::event::Item,
        &[crate::source::event::TraceInfo],
    ) -> std::ops::ControlFlow<()>,
) -> Result<(), crate::source::SourceError> {
    use crate::source::Poll;
    loop {
        match source.next_item()? {
            Poll::Item(item) => {
                if f(&item, source.traces()).is_break() {
                    return Ok(());
                }
            }
            // A live source has nothing yet: ask again shortly.
            Poll::Pending => std::thread::sleep(std::time::Duration::from_millis(10)),
            Poll::End => return Ok(()),
        }
    }
}

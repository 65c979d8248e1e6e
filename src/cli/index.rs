//! `lttng-tui index`: build the model of a trace and print a summary (also a benchmark).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use crate::index::{Indexer, Options, Phase, Update};

/// Options of `index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Neither read nor write the on-disk cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Trace or session directory.
    pub path: PathBuf,
}

/// Peak resident memory of this process in bytes (Linux `VmHWM`), when known.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Runs `index`; progress goes to stderr when it is a terminal.
pub fn run(args: &IndexArgs) -> Result<bool> {
    let started = Instant::now();
    let opts = Options {
        use_cache: !args.no_cache,
        // Nobody looks at partial results here: copying the model for them only costs time.
        first_snapshot: None,
        ..Options::default()
    };
    let indexer = Indexer::spawn(&args.path, opts)?;
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut result = None;
    for u in indexer.updates.iter() {
        match u {
            Update::Progress(p) if tty && p.phase == Phase::Indexing => {
                let pct = 100.0 * p.bytes_done as f64 / p.bytes_total.max(1) as f64;
                eprint!(
                    "\r{pct:5.1}%  {} events  {:.1} M events/s   ",
                    p.events,
                    p.events_per_s / 1e6
                );
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
        eprint!("\r{:60}\r", "");
    }
    let model = match result {
        Some(Ok(m)) => m,
        Some(Err(e)) => anyhow::bail!(e),
        None => anyhow::bail!("the indexer stopped without a result"),
    };
    // Never freed: the process ends after printing, and the kernel takes its memory back
    // at once, while freeing the model list by list took 20 ms, an eighth of a cached
    // reopen of the 1 GB benchmark trace.
    let model = std::mem::ManuallyDrop::new(model);
    let secs = started.elapsed().as_secs_f64();
    let s = model.summary();
    if args.json {
        let mut v = serde_json::to_value(&s)?;
        v["seconds"] = secs.into();
        v["peak_rss_bytes"] = peak_rss().into();
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(true);
    }
    println!("events          {}", s.events);
    println!(
        "threads         {} ({} processes, {} CPUs)",
        s.threads, s.processes, s.cpus
    );
    println!("syscalls        {}", s.syscalls);
    println!("irqs            {} hard, {} soft", s.irqs, s.softirqs);
    println!("block requests  {}", s.block_requests);
    println!("wake-ups        {}", s.wakeups);
    println!("state changes   {}", s.state_changes);
    println!("packets         {}", s.packets);
    println!("fd lifetimes    {}", s.fds);
    println!(
        "pages           {} allocated, {} freed",
        s.pages[0], s.pages[1]
    );
    println!("lost-event gaps {} ({} events lost)", s.gaps, s.events_lost);
    println!("model size      {:.1} MB", s.model_bytes as f64 / 1e6);
    println!(
        "time            {secs:.3} s ({:.2} M events/s)",
        s.events as f64 / secs / 1e6
    );
    if let Some(p) = peak_rss() {
        println!("peak memory     {:.1} MB", p as f64 / 1e6);
    }
    Ok(true)
}

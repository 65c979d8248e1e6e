use std::process::ExitCode;

use clap::Parser;
use lttng_tui::cli::{Cli, Command, analyses, bench, demo, dump, export, index, info};

// jemalloc, asked to back its memory with transparent huge pages (where the system allows
// them on request, as Debian's default `madvise` mode does). A model is hundreds of MB of
// small columns, and a cached reopen was mostly the kernel handing them out 4 KB at a time:
// with glibc's allocator, reopening the 1 GB benchmark trace's model took 58 700 page
// faults, with this one 2 300, and the reopen's median wall time fell by a third (0.128 to
// 0.082 s in 8 alternated rounds). The first build costs about 2 % more (median per-round
// ratio 1.024 in 12 rounds; mimalloc with huge pages: 1.041, and a slower reopen).
#[cfg(target_os = "linux")]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's start-up options (its `malloc_conf` symbol, under the crate's prefix).
// SAFETY: jemalloc reads this symbol once, when it initialises, as a NUL-terminated string;
// nothing else in the program has that name.
#[cfg(target_os = "linux")]
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static malloc_conf: &[u8; 29] = b"thp:always,metadata_thp:auto\0";

fn main() -> ExitCode {
    if let Some(cmd) = lttng_tui::cli::parse_analysis(std::env::args_os()) {
        return exit_code(analyses::run(&cmd));
    }
    let cli = Cli::parse();
    let result = match (cli.command, cli.path) {
        (Some(Command::Dump(args)), _) => dump::run(&args),
        (Some(Command::Info(args)), _) => info::run(&args),
        (Some(Command::Bench(args)), _) => bench::run(&args),
        (Some(Command::Index(args)), _) => index::run(&args),
        (Some(Command::Gen(args)), _) => lttng_tui::cli::r#gen::run(&args).map(|()| true),
        (Some(Command::Demo(args)), _) => demo::run(&args),
        (Some(Command::Export(args)), _) => export::run(&args),
        (Some(Command::Analysis(cmd)), _) => analyses::run(&cmd),
        (None, Some(path)) => lttng_tui::cli::open(&path, &cli.tui),
        (None, None) => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            return ExitCode::from(2);
        }
    };
    exit_code(result)
}

fn exit_code(result: anyhow::Result<bool>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("lttng-tui: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

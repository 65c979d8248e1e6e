use std::process::ExitCode;

use clap::Parser;
use lttng_tui::cli::{Cli, Command, analyses, bench, demo, dump, export, index, info};

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

//! The `seedsearch` binary: parse the command line, run, print an error once, exit.

use std::process::ExitCode;

use clap::Parser;
use seedsearch::{cli::Cli, is_broken_pipe, run, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::NothingFound) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("seedsearch: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

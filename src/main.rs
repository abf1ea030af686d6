//! The `seedsearch` binary: parse the command line, run, print an error once, exit.

use std::process::ExitCode;

use clap::Parser;
use seedsearch::{cli::Cli, is_broken_pipe, run, Outcome};

/// Exit status after Ctrl-C, as shells report a death by SIGINT.
const INTERRUPTED: u8 = seedsearch::indexer::INTERRUPTED_STATUS;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::NothingFound) => ExitCode::from(1),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if seedsearch::indexer::is_interrupted(&err) => {
            eprintln!("seedsearch: {err}");
            ExitCode::from(INTERRUPTED)
        }
        Err(err) => {
            eprintln!("seedsearch: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

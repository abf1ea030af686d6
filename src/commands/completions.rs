//! `seedsearch completions SHELL`: a completion script generated from the CLI definition.

use std::io::{self, Write};

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::Outcome;

/// Runs `completions`.
///
/// # Errors
/// When stdout cannot be written.
pub fn run(args: &CompletionsArgs) -> Result<Outcome> {
    let mut out = io::stdout().lock();
    clap_complete::generate(args.shell, &mut Cli::command(), "seedsearch", &mut out);
    out.flush()?;
    Ok(Outcome::Success)
}

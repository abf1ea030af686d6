//! `seedsearch completions SHELL`: a completion script generated from the CLI definition.

use anyhow::Result;
use clap::CommandFactory;

use super::Ctx;
use crate::cli::{Cli, CompletionsArgs, Format};
use crate::exit::Exit;
use crate::output::Script;

/// Runs `completions`.
///
/// # Errors
/// When stdout cannot be written.
pub fn run(ctx: &Ctx, args: &CompletionsArgs) -> Result<Exit> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "seedsearch", &mut script);
    ctx.ui.emit(Format::Text, &Script(script))?;
    Ok(Exit::Success)
}

//! `seedsearch man`: the manual page, generated from the command-line definition.

use anyhow::Result;
use clap::CommandFactory;

use super::Ctx;
use crate::cli::{Cli, Format};
use crate::exit::Exit;
use crate::output::Script;

/// Runs `man`.
///
/// # Errors
/// When stdout cannot be written.
pub fn run(ctx: &Ctx) -> Result<Exit> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut page)?;
    ctx.ui.emit(Format::Text, &Script(page))?;
    Ok(Exit::Success)
}

//! `seedsearch stats`: figures about the index.

use anyhow::Result;

use super::Ctx;
use crate::cli::StatsArgs;
use crate::collection::{Collection, Freshness};
use crate::exit::Exit;

/// Runs `stats`.
///
/// # Errors
/// When the index cannot be opened or read.
pub fn run(ctx: &Ctx, args: &StatsArgs) -> Result<Exit> {
    // Figures about the index as it is: no update first.
    let collection = Collection::open(ctx.paths(), Freshness::AsIs, &ctx.reporter(), ctx.cancel)?;
    let stats = collection.stats()?;
    ctx.ui.emit(args.output.format(), &stats)?;
    Ok(Exit::Success)
}

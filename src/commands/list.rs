//! `seedsearch list`: the indexed articles.

use anyhow::Result;

use super::Ctx;
use crate::cli::ListArgs;
use crate::collection::{Collection, Freshness};
use crate::exit::Exit;

/// Runs `list`.
///
/// # Errors
/// When the index cannot be opened or its manifest read.
pub fn run(ctx: &Ctx, args: &ListArgs) -> Result<Exit> {
    let collection = Collection::open(ctx.paths(), Freshness::Sync, &ctx.reporter(), ctx.cancel)?;
    let articles = collection.list(args.prefix.as_deref())?;
    ctx.ui.emit(args.output.format(), &articles)?;
    Ok(Exit::found(!articles.is_empty()))
}

//! `seedsearch show DOC_ID[:N]`: an article as the index holds it, passage by passage, so a
//! user can see why a passage was (or was not) found.

use anyhow::Result;

use super::Ctx;
use crate::cli::ShowArgs;
use crate::collection::{Collection, Freshness};
use crate::exit::Exit;

/// Runs `show`.
///
/// # Errors
/// An unknown doc_id, a passage number out of range, or an unreadable index.
pub fn run(ctx: &Ctx, args: &ShowArgs) -> Result<Exit> {
    let collection = Collection::open(ctx.paths(), Freshness::Sync, &ctx.reporter(), ctx.cancel)?;
    let view = collection.article(&args.target, args.context)?;
    ctx.ui.emit(args.output.format(), &view)?;
    Ok(Exit::Success)
}

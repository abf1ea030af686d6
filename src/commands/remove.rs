//! `seedsearch remove DOC_ID...`: delete articles from the seeds folder and the index.

use anyhow::Result;

use super::Ctx;
use crate::cli::RemoveArgs;
use crate::collection;
use crate::exit::Exit;

/// Runs `remove`.
///
/// # Errors
/// As [`collection::remove`].
pub fn run(ctx: &Ctx, args: &RemoveArgs) -> Result<Exit> {
    let report = collection::remove(
        ctx.paths(),
        &args.doc_ids,
        args.wait.into(),
        &ctx.reporter(),
        ctx.cancel,
    )?;
    if args.output.format().is_json() {
        ctx.ui.emit(args.output.format(), &report)?;
    }
    Ok(Exit::Success)
}

//! `seedsearch index`: sync the index with the seeds folder and report.

use anyhow::Result;

use super::Ctx;
use crate::cli::IndexArgs;
use crate::collection;
use crate::exit::Exit;
use crate::indexer::Options;

/// Runs `index`.
///
/// # Errors
/// As [`crate::indexer::sync`].
pub fn run(ctx: &Ctx, args: &IndexArgs) -> Result<Exit> {
    let options = Options {
        rebuild: args.rebuild,
        wait: args.wait,
        boilerplate_repeats: args.boilerplate_repeats,
    };
    let report = collection::sync(ctx.paths(), options, &ctx.reporter(), ctx.cancel)?;
    if args.output.format().is_json() {
        ctx.ui.emit(args.output.format(), &report)?;
    }
    Ok(Exit::Success)
}

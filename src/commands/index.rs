//! `seedsearch index`: sync the index with the seeds folder and report, or (`--check`)
//! verify the index and say whether it is sound.

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
    if args.check {
        let sound = collection::check(ctx.paths())?;
        let counted =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        ctx.ui.note(&format!(
            "the index in {} is sound: commit {}, {}, {}, {}; every checksum matches",
            crate::paths::display_path(&ctx.paths().index),
            sound.generation,
            counted(sound.segments as u64, "segment", "segments"),
            counted(sound.seed_files, "file", "files"),
            counted(sound.articles, "article", "articles"),
        ));
        if args.output.format().is_json() {
            ctx.ui.emit(args.output.format(), &sound)?;
        }
        return Ok(Exit::Success);
    }
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

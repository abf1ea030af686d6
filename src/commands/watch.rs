//! `seedsearch watch`: keep the index in step with the seeds folder until Ctrl-C. The loop
//! is the library's ([`collection::watch`]); this only reads the options.

use std::time::Duration;

use anyhow::Result;

use super::Ctx;
use crate::cli::WatchArgs;
use crate::collection::{self, WatchOptions};
use crate::exit::Exit;

/// Runs `watch` until Ctrl-C, which ends it with exit status 0.
///
/// # Errors
/// As [`collection::watch`]: only problems found at the start.
pub fn run(ctx: &Ctx, args: &WatchArgs) -> Result<Exit> {
    let options = WatchOptions {
        debounce: Duration::from_millis(args.debounce),
        poll: args.poll.map(Duration::from_secs),
    };
    collection::watch(
        ctx.paths(),
        &options,
        &ctx.reporter(),
        ctx.cancel,
        &mut |_| {},
    )?;
    Ok(Exit::Success)
}

//! `seedsearch index`: sync the index with the seeds folder and report.

use std::io::{self, Write};

use anyhow::Result;

use crate::cli::IndexArgs;
use crate::config::Config;
use crate::indexer::Options;
use crate::{output, Outcome};

/// Runs `index`.
///
/// # Errors
/// As [`crate::indexer::sync`].
pub fn run(config: &Config, args: &IndexArgs) -> Result<Outcome> {
    let options = Options {
        rebuild: args.rebuild,
        wait: args.wait,
        boilerplate_repeats: args.boilerplate_repeats,
    };
    let report = super::sync(config, options)?;
    if args.format.is_json() {
        let mut out = io::stdout().lock();
        output::json::value(&mut out, &report)?;
        out.flush()?;
    }
    Ok(Outcome::Success)
}

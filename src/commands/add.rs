//! `seedsearch add PATH...`: copy articles into the seeds folder and index them.

use std::io::Read;

use anyhow::{bail, Context, Result};

use super::Ctx;
use crate::cli::AddArgs;
use crate::collection::{self, AddRequest, Input};
use crate::corpus::{Unreadable, MAX_ARTICLE_BYTES};
use crate::exit::Exit;

/// Runs `add`.
///
/// # Errors
/// As [`collection::add`]; also `-` without `--name`, or an unreadable stdin.
pub fn run(ctx: &Ctx, args: &AddArgs) -> Result<Exit> {
    let mut inputs = Vec::with_capacity(args.paths.len());
    for path in &args.paths {
        if path.as_os_str() == "-" {
            let Some(name) = &args.name else {
                bail!("`add -` reads an article from stdin and needs --name NAME for its file");
            };
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(MAX_ARTICLE_BYTES + 1)
                .read_to_end(&mut bytes)
                .context("cannot read stdin")?;
            if bytes.len() as u64 > MAX_ARTICLE_BYTES {
                bail!("stdin {}; nothing was copied", Unreadable::TooLarge);
            }
            inputs.push(Input::Text {
                from: "stdin".into(),
                name: name.clone(),
                bytes,
            });
        } else {
            inputs.push(Input::Path(path.clone()));
        }
    }
    let request = AddRequest {
        inputs,
        to: args.to.clone(),
        force: args.force,
        wait: args.wait.into(),
    };
    let report = collection::add(ctx.paths(), request, &ctx.reporter(), ctx.cancel)?;
    if args.output.format().is_json() {
        ctx.ui.emit(args.output.format(), &report)?;
    }
    Ok(Exit::Success)
}

//! `seedsearch serve`: the search page and JSON API ([`crate::serve`]) until Ctrl-C.

use std::sync::Arc;

use anyhow::Result;

use super::Ctx;
use crate::cli::ServeArgs;
use crate::exit::Exit;
use crate::serve::{self, Listening, Options};

/// Runs `serve`.
///
/// # Errors
/// A `--listen` that is not an address, a port in use, or an index that cannot be opened.
pub fn run(ctx: &Ctx, args: &ServeArgs) -> Result<Exit> {
    let options = Options {
        listen: args.listen.clone(),
        allow_writes: args.allow_writes,
        watch: !args.no_watch,
    };
    // The whole run honours Ctrl-C: the server stops taking requests and returns.
    let _running = ctx.cancel.guard();
    let reporter: serve::SharedReporter = Arc::new(ctx.reporter());
    let ui = ctx.ui.clone();
    serve::run(
        ctx.paths(),
        options,
        reporter,
        ctx.cancel,
        |at: &Listening| {
            ui.announce(&format!(
                "serving {} at {} (Ctrl-C stops it)",
                crate::paths::display_path(&ctx.paths().seeds),
                at.url
            ));
            if args.open {
                if let Err(why) = open_browser(&at.url) {
                    ui.warn(&format!(
                        "cannot open a browser ({why}); open {} yourself",
                        at.url
                    ));
                }
            }
        },
    )?;
    Ok(Exit::Success)
}

/// Asks the desktop to open `url` (`xdg-open`, `open` on macOS, `start` on Windows),
/// without waiting for the browser.
fn open_browser(url: &str) -> Result<(), String> {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|mut child| {
            // Reaped when it ends, so no zombie stays behind while the server runs.
            std::thread::spawn(move || child.wait());
        })
        .map_err(|e| e.to_string())
}

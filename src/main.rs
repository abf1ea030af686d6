//! The `seedsearch` binary: parse the command line, run, print an error once, exit. A
//! library's panic while running (tantivy on a damaged index) is caught here and becomes
//! that error.

use std::panic::AssertUnwindSafe;
use std::process::ExitCode;

use clap::Parser;
use seedsearch::cli::{Cli, Command};
use seedsearch::config::Config;
use seedsearch::exit;
use seedsearch::interrupt::{self, Cancel};
use seedsearch::output::Ui;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = Config::from_args(&cli.global);
    let ui = Ui::new(&config);
    let cancel = Cancel::new();
    let stopping = ui.clone();
    let note = match cli.command {
        Command::Serve(_) => "stopping the server…",
        // Between syncs a watch stops at once; during one, at the next article.
        Command::Watch(_) => "stopping…",
        _ => "stopping at the next article…",
    };
    interrupt::on_ctrl_c(&cancel, move |honoured| {
        if honoured {
            stopping.note(note);
        } else {
            std::process::exit(i32::from(exit::INTERRUPTED));
        }
    });
    exit::install_panic_hook();
    let ran = std::panic::catch_unwind(AssertUnwindSafe(|| {
        seedsearch::run(cli.command, &config, &ui, &cancel)
    }));
    let result = ran.unwrap_or_else(|panic| Err(exit::library_panic(panic, &config.paths.index)));
    match result {
        Ok(outcome) => outcome.into(),
        Err(err) if exit::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if interrupt::is_interrupted(&err) => {
            ui.interrupted(&err);
            ExitCode::from(exit::INTERRUPTED)
        }
        Err(err) => {
            ui.error(&err);
            ExitCode::from(exit::ERROR)
        }
    }
}

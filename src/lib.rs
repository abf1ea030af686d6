//! seedsearch: local full-text search over folders of news articles, one paragraph at a
//! time.
//!
//! Data flows one way:
//!
//! ```text
//! seeds folder ──corpus──▶ files ──article──▶ passages ──indexer──▶ tantivy index
//!                                                                      │
//!        stdout ◀──output── hits ◀──search── query ◀──query── user ────┘
//! ```
//!
//! - [`corpus`] walks the seeds folder, decodes and hashes files;
//! - [`article`] splits one article's text into titled, sectioned, numbered passages;
//! - [`indexer`] syncs the index with the folder in one atomic commit, using the
//!   [`manifest`] to skip what did not change and [`store`] to keep the index folder safe;
//! - [`query`] parses the query language, [`search`] runs it with BM25 and builds hits
//!   with [`snippet`]s;
//! - [`output`] prints hits for people or scripts.
//!
//! [`run`] is the one dispatcher from a parsed command line to these modules.

pub mod analyzer;
pub mod article;
pub mod cli;
pub mod commands;
pub mod config;
pub mod corpus;
pub mod indexer;
pub mod manifest;
pub mod output;
pub mod query;
pub mod schema;
pub mod search;
pub mod snippet;
pub mod store;

use std::io;
use std::path::Path;

use anyhow::Result;

use crate::cli::{Cli, Command};
use crate::config::Config;

/// How a successful run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something was found, or the command did its job (exit 0).
    Success,
    /// A search or listing found nothing (exit 1).
    NothingFound,
}

/// Runs a parsed command line.
///
/// # Errors
/// Any failure the user must act on (exit 2): a bad query, a missing seeds folder, an
/// unusable index. Warnings are printed on stderr and do not fail the run.
pub fn run(cli: Cli) -> Result<Outcome> {
    let config = Config::from_args(&cli.global);
    match cli.command {
        Command::Search(args) => commands::search::run(&config, &args),
        Command::Index(args) => commands::index::run(&config, &args),
        Command::Add(args) => commands::add::run(&config, &args),
        Command::Remove(args) => commands::remove::run(&config, &args),
        Command::List(args) => commands::list::run(&config, &args),
        Command::Show(args) => commands::show::run(&config, &args),
        Command::Stats(args) => commands::stats::run(&config, &args),
        Command::Completions(args) => commands::completions::run(&args),
    }
}

/// A path as shown in messages.
pub fn display_path(path: &Path) -> String {
    path.display().to_string()
}

/// Whether an error is a closed pipe (`seedsearch search x | head`), which is not a
/// failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

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
//!   [`manifest`] to skip what did not change, [`schema`] for the layout of a passage
//!   document and [`store`] to keep the index folder safe;
//! - [`query`] parses the query language, [`search`] runs it with BM25 and builds hits
//!   with [`snippet`]s; [`catalog`] has the other read-side views (list, show, stats);
//! - [`collection`] is the front door over all of these: open a collection (building or
//!   updating its index as needed), search it, view it, add to it, remove from it;
//! - [`output`] is the one place that prints, for people or scripts.
//!
//! [`run`] is the one dispatcher from a parsed command line to [`commands`], thin adapters
//! that make one library call each. [`exit`] and [`interrupt`] say how a run ends and how
//! it is stopped.

pub mod analyzer;
pub mod article;
pub mod catalog;
pub mod cli;
pub mod collection;
pub mod commands;
pub mod config;
pub mod corpus;
pub mod exit;
pub mod indexer;
pub mod interrupt;
pub mod lines;
pub mod manifest;
pub mod mcp;
pub mod output;
pub mod paths;
pub mod query;
pub mod refusal;
pub mod saved;
pub mod schema;
pub mod search;
pub mod serve;
pub mod snippet;
pub mod store;

use anyhow::Result;

use crate::cli::Command;
use crate::commands::Ctx;
use crate::config::Config;
use crate::exit::Exit;
use crate::interrupt::Cancel;
use crate::output::Ui;

/// Runs a parsed command.
///
/// # Errors
/// Any failure the user must act on (exit 2): a bad query, a missing seeds folder, an
/// unusable index. Warnings are printed on stderr and do not fail the run; an
/// [`interrupt::Interrupted`] error means Ctrl-C stopped an update.
pub fn run(command: Command, config: &Config, ui: &Ui, cancel: &Cancel) -> Result<Exit> {
    let ctx = Ctx { config, ui, cancel };
    let result = match command {
        Command::Search(args) => commands::search::run(&ctx, &args),
        Command::Index(args) => commands::index::run(&ctx, &args),
        Command::Add(args) => commands::add::run(&ctx, &args),
        Command::Remove(args) => commands::remove::run(&ctx, &args),
        Command::Watch(args) => commands::watch::run(&ctx, &args),
        Command::List(args) => commands::list::run(&ctx, &args),
        Command::Show(args) => commands::show::run(&ctx, &args),
        Command::Stats(args) => commands::stats::run(&ctx, &args),
        Command::Count(args) => commands::count::run(&ctx, &args),
        Command::Similar(args) => commands::similar::run(&ctx, &args),
        Command::Saved(args) => commands::saved::run(&ctx, &args),
        Command::Serve(args) => commands::serve::run(&ctx, &args),
        Command::Mcp(args) => commands::mcp::run(&ctx, &args),
        Command::Completions(args) => commands::completions::run(&ctx, &args),
        Command::Man => commands::man::run(&ctx),
    };
    result.map_err(|err| store::with_rebuild_hint(err, &config.paths.index))
}

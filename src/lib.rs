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

use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};

use crate::cli::{Cli, Command, Format, IndexArgs, ReportFormat, SearchArgs};
use crate::config::Config;
use crate::indexer::{Options, Progress, Report};
use crate::search::{Engine, Request, SearchError};
use crate::store::Store;

/// How a successful run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Something was found, or the command did its job (exit 0).
    Success,
    /// A search found nothing (exit 1).
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
        Command::Search(args) => search_command(&config, &args),
        Command::Index(args) => index_command(&config, &args),
    }
}

/// A path as shown in messages.
pub fn display_path(path: &Path) -> String {
    path.display().to_string()
}

fn index_command(config: &Config, args: &IndexArgs) -> Result<Outcome> {
    let options = Options {
        rebuild: args.rebuild,
        wait: args.wait,
    };
    let report = sync(config, options)?;
    if args.format == ReportFormat::Json {
        let mut out = io::stdout().lock();
        output::json::value(&mut out, &report)?;
        out.flush()?;
    }
    Ok(Outcome::Success)
}

/// Syncs the index and reports on stderr (warnings always, the summary unless quiet).
fn sync(config: &Config, options: Options) -> Result<Report> {
    let progress = Bar::new(config.progress);
    let report = indexer::sync(&config.index, &config.seeds, options, &progress)?;
    for warning in &report.warnings {
        output::warn(&warning.to_string(), config.stderr_color);
    }
    if let Some(previous) = &report.previous_seeds {
        output::warn(
            &format!(
                "the index was built from {}; it now follows {}",
                display_path(previous),
                display_path(&config.seeds)
            ),
            config.stderr_color,
        );
    }
    if !config.quiet {
        output::note(&output::text::report_summary(
            &report,
            &display_path(&config.seeds),
        ));
    }
    Ok(report)
}

fn search_command(config: &Config, args: &SearchArgs) -> Result<Outcome> {
    let store = open_for_search(config, !args.no_sync)?;
    let payload = store.payload()?;
    let engine = Engine::new(&store, &payload.seeds)?;
    let request = Request {
        query: args.query.join(" "),
        limit: usize::try_from(args.limit).unwrap_or(usize::MAX),
        offset: usize::try_from(args.offset).unwrap_or(usize::MAX),
        include_boilerplate: args.include_boilerplate,
    };
    let results = match engine.search(&request) {
        Ok(results) => results,
        Err(SearchError::Query(err)) => {
            return Err(anyhow!("bad query `{}`: {err}", request.query));
        }
        Err(SearchError::Index(err)) => return Err(err),
    };
    for warning in &results.warnings {
        output::warn(warning, config.stderr_color);
    }
    let format = if args.json { Format::Json } else { args.format };
    let mut out = BufWriter::new(io::stdout().lock());
    match format {
        Format::Text => output::text::results(&mut out, &results, config.color)?,
        Format::Json => output::json::results(&mut out, &results)?,
        Format::Jsonl => output::json::hits_lines(&mut out, &results)?,
    }
    out.flush()?;
    if format == Format::Text && config.stdout_is_terminal && !config.quiet {
        let shown = results.hits.len();
        if results.total_hits > request.offset + shown && shown > 0 {
            output::note(&format!(
                "showing {}-{} of {} passages (--offset {} for more)",
                request.offset + 1,
                request.offset + shown,
                results.total_hits,
                request.offset + shown
            ));
        }
    }
    Ok(if results.hits.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Success
    })
}

/// Opens the index for a search: builds it when there is none, and updates it first when
/// folders of the seeds folder changed since the last sync (a cheap check: one `stat` per
/// folder). A failed update is a warning; the search then uses the last committed state.
fn open_for_search(config: &Config, sync_allowed: bool) -> Result<Store> {
    if let Some(store) = Store::open(&config.index)? {
        if sync_allowed && seeds_changed(&store, &config.seeds)? {
            if !config.quiet {
                output::note(&format!(
                    "{} changed since the last index; updating it",
                    display_path(&config.seeds)
                ));
            }
            if let Err(err) = sync(config, Options::default()) {
                output::warn(
                    &format!("{err:#}; searching the index as it was"),
                    config.stderr_color,
                );
            }
        }
        return Ok(store);
    }
    if !config.quiet {
        output::note(&format!(
            "no index in {} yet; building it from {}",
            display_path(&config.index),
            display_path(&config.seeds)
        ));
    }
    sync(
        config,
        Options {
            wait: true,
            ..Options::default()
        },
    )?;
    Store::open(&config.index)?.ok_or_else(|| {
        anyhow!(
            "the index in {} could not be opened after building it",
            display_path(&config.index)
        )
    })
}

/// Whether a folder of the seeds folder gained, lost or renamed an entry since the last
/// sync (or the index follows another folder).
fn seeds_changed(store: &Store, seeds: &Path) -> Result<bool> {
    let payload = store.payload()?;
    let Ok(seeds) = std::path::absolute(seeds) else {
        return Ok(false);
    };
    if payload.seeds != seeds || !seeds.is_dir() {
        // Another folder (or none): searching the index as built is what the user gets;
        // `seedsearch index` switches it over explicitly.
        return Ok(false);
    }
    for dir in &payload.dirs {
        let path = if dir.rel.is_empty() {
            seeds.clone()
        } else {
            seeds.join(&dir.rel)
        };
        let now = std::fs::metadata(&path)
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        if now != Some(dir.mtime_ns) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A progress bar on stderr, shown only on a terminal and only once a run has taken more
/// than a moment.
struct Bar {
    enabled: bool,
    started: Instant,
    bar: indicatif::ProgressBar,
}

impl Bar {
    const DELAY: Duration = Duration::from_millis(400);

    fn new(enabled: bool) -> Bar {
        let bar = indicatif::ProgressBar::hidden();
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "seedsearch: indexing {bar:30} {pos}/{len} articles ({eta} left)",
        ) {
            bar.set_style(style);
        }
        Bar {
            enabled,
            started: Instant::now(),
            bar,
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.bar.set_length(total);
    }

    fn advance(&self) {
        self.bar.inc(1);
        if self.enabled && self.bar.is_hidden() && self.started.elapsed() > Self::DELAY {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
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

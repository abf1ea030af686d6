//! One file per subcommand; this file holds what they share: opening the index (building
//! or updating it first when needed), running a sync with progress and a summary, and the
//! progress bar.

pub mod add;
pub mod completions;
pub mod index;
pub mod list;
pub mod remove;
pub mod search;
pub mod show;
pub mod stats;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};

use crate::config::Config;
use crate::display_path;
use crate::indexer::{self, Options, Progress, Report};
use crate::manifest::Manifest;
use crate::output;
use crate::store::{Payload, Store};

/// An index ready to read, with the state of its last commit.
pub struct Opened {
    pub store: Store,
    pub payload: Payload,
}

impl Opened {
    /// The manifest of the last commit.
    ///
    /// # Errors
    /// When it cannot be read.
    pub fn manifest(&self) -> Result<Manifest> {
        self.store.manifest(&self.payload)
    }
}

/// Opens the index for reading: builds it when there is none, and (when `sync_allowed`)
/// updates it first if folders of the seeds folder changed since the last sync (a cheap
/// check: one `stat` per folder). A failed update is a warning; the index is then read as
/// it was last committed.
///
/// # Errors
/// When there is no index and it cannot be built, or the index cannot be opened.
pub fn open_index(config: &Config, sync_allowed: bool) -> Result<Opened> {
    if let Some(store) = Store::open(&config.index)? {
        if sync_allowed {
            warn_if_following_another_folder(config, &store.payload()?);
        }
        if sync_allowed && seeds_changed(&store, &config.seeds)? {
            if !config.quiet {
                output::note(&format!(
                    "{} changed since the last index; updating it",
                    display_path(&config.seeds)
                ));
            }
            if let Err(err) = sync(config, Options::default()) {
                if crate::indexer::is_interrupted(&err) {
                    return Err(err);
                }
                output::warn(
                    &format!("{err:#}; searching the index as it was"),
                    config.stderr_color,
                );
            }
        }
        let payload = store.payload()?;
        return Ok(Opened { store, payload });
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
    let store = Store::open(&config.index)?.ok_or_else(|| {
        anyhow!(
            "the index in {} could not be opened after building it",
            display_path(&config.index)
        )
    })?;
    let payload = store.payload()?;
    Ok(Opened { store, payload })
}

/// Syncs the index and reports on stderr (warnings always, the summary unless quiet).
///
/// # Errors
/// As [`indexer::sync`].
pub fn sync(config: &Config, options: Options) -> Result<Report> {
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

/// An index built from one folder is not switched to another by a search: say so when the
/// seeds folder asked for is missing or is not the one the index follows.
fn warn_if_following_another_folder(config: &Config, payload: &Payload) {
    if payload.generation == 0 {
        return;
    }
    let asked = display_path(&config.seeds);
    let built_from = display_path(&crate::search::shown_from_cwd(&payload.seeds));
    let message = if !config.seeds.is_dir() {
        format!(
            "the seeds folder {asked} is not there; using the index as it was built from {built_from}"
        )
    } else if crate::corpus::resolve_root(&config.seeds) != payload.seeds {
        format!(
            "this index follows {built_from}, not {asked}; using it as it is (`seedsearch index` switches it to {asked})"
        )
    } else {
        return;
    };
    output::warn(&message, config.stderr_color);
}

/// Whether a folder of the seeds folder gained, lost or renamed an entry since the last
/// sync. An index that follows another folder is left alone: `seedsearch index` switches
/// it over explicitly.
fn seeds_changed(store: &Store, seeds: &Path) -> Result<bool> {
    let payload = store.payload()?;
    let seeds = crate::corpus::resolve_root(seeds);
    if payload.seeds != seeds || !seeds.is_dir() {
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

//! The user's collection: a seeds folder and the index that follows it. This is the
//! library's front door: the command line, and any other front end, open a
//! [`Collection`] and ask it for searches, views and changes; it prints nothing itself.
//!
//! Opening keeps the index in step with the folder the way a reader expects: the first
//! use builds it, and a search after files were added or removed updates it first (a
//! cheap check: one `stat` per folder). What happens along the way is told to a
//! [`Reporter`].

mod add;
mod journal;
mod remove;
mod watch;

pub use add::{add, AddReport, AddRequest, Added, AlreadyThere, Input};
pub use remove::{remove, RemoveReport, Removed};
pub use watch::{watch, WatchOptions, DEFAULT_DEBOUNCE};

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use tantivy::IndexReader;

use crate::analyzer;
use crate::catalog::{self, ArticleView, Entry, Stats};
use crate::corpus;
use crate::indexer::{self, Options, Progress, Report};
use crate::interrupt::{self, Cancel};
use crate::manifest::FileState;
use crate::manifest::Manifest;
pub use crate::paths::Paths;
use crate::paths::{display_path, shown_from_cwd};
use crate::saved::Saved;
use crate::search::{Engine, Like, Request, Results, SearchError};
pub use crate::store::Wait;

/// How long an add or remove from a server (the HTTP API, the MCP server) waits for
/// another update (a watcher's sync, an `add` in a terminal) before it is refused as busy:
/// a server must answer, so it cannot wait forever as `--wait` does.
pub const WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
use crate::store::{self, Payload, Store, UpdateLock};

/// Hears what a collection does while it works: notes and warnings as sentences, the
/// progress of long updates, and the report of each sync.
pub trait Reporter: Progress {
    /// A step worth telling a person about ("building the index").
    fn note(&self, _message: &str) {}
    /// Something went wrong, and the work goes on.
    fn warn(&self, _message: &str) {}
    /// A sync ended; `report` has its figures and the problems with single files.
    fn synced(&self, _report: &Report, _paths: &Paths) {}
}

/// A reporter that tells nobody.
pub struct Quiet;
impl Progress for Quiet {}
impl Reporter for Quiet {}

/// Whether opening may update the index first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Build the index when there is none, and update it when the folder changed.
    Sync,
    /// Read the index as it is (build it only when there is none).
    AsIs,
}

/// A collection opened for reading, as of one commit of its index.
pub struct Collection {
    paths: Paths,
    store: Store,
    payload: Payload,
    reader: IndexReader,
    engine: Engine,
    /// The index folder's commit stamp when this collection was opened.
    stamp: Option<CommitStamp>,
}

/// What changes in the index folder with every commit: tantivy rewrites `meta.json`. One
/// `stat` tells a long-running reader (the server, the MCP server) that another commit
/// was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitStamp {
    modified: std::time::SystemTime,
    len: u64,
}

impl CommitStamp {
    /// The stamp of the index at `paths` now (`None` when it has no commit to read).
    pub fn of(paths: &Paths) -> Option<CommitStamp> {
        let meta = std::fs::metadata(paths.index.join("meta.json")).ok()?;
        Some(CommitStamp {
            modified: meta.modified().ok()?,
            len: meta.len(),
        })
    }
}

impl Collection {
    /// Opens the collection at `paths`: builds the index when there is none, and with
    /// [`Freshness::Sync`] updates it first when a folder of the seeds folder changed. A
    /// failed update is a warning; the index is then read as it was last committed.
    ///
    /// # Errors
    /// When there is no index and it cannot be built, or the index cannot be opened.
    pub fn open(
        paths: &Paths,
        freshness: Freshness,
        reporter: &dyn Reporter,
        cancel: &Cancel,
    ) -> Result<Collection> {
        paths.check_apart()?;
        let mut never_committed = false;
        let existing = match Store::open(&paths.index)? {
            Some(store) => {
                let payload = store.payload()?;
                // An index with no commit (its first build was interrupted) is no index.
                never_committed = payload.generation == 0;
                (!never_committed).then_some((store, payload))
            }
            None => None,
        };
        if let Some((store, payload)) = existing {
            if freshness == Freshness::Sync {
                if let Some(warning) = following_another_folder(paths, &payload) {
                    reporter.warn(&warning);
                }
                if seeds_changed(&payload, paths) {
                    reporter.note(&format!(
                        "{} changed since the last index; updating it",
                        display_path(&paths.seeds)
                    ));
                    if let Err(err) = sync(paths, Options::default(), reporter, cancel) {
                        if interrupt::is_interrupted(&err) {
                            return Err(err);
                        }
                        reporter.warn(&format!("{err:#}; searching the index as it was"));
                    }
                }
            }
            return Collection::read(paths, store);
        }
        reporter.note(&if never_committed {
            format!(
                "the index in {} was never finished; building it from {}",
                display_path(&paths.index),
                display_path(&paths.seeds)
            )
        } else {
            format!(
                "no index in {} yet; building it from {}",
                display_path(&paths.index),
                display_path(&paths.seeds)
            )
        });
        sync(
            paths,
            Options {
                wait: true,
                ..Options::default()
            },
            reporter,
            cancel,
        )?;
        let store = Store::open(&paths.index)?.ok_or_else(|| {
            anyhow!(
                "the index in {} could not be opened after building it",
                display_path(&paths.index)
            )
        })?;
        Collection::read(paths, store)
    }

    fn read(paths: &Paths, mut store: Store) -> Result<Collection> {
        // Taken before the commit is read: a commit made meanwhile makes it stale, never
        // the other way round.
        let stamp = CommitStamp::of(paths);
        let payload = store.payload()?;
        let reader = store.reader()?;
        let engine = Engine::new(reader.clone(), store.fields, &payload);
        Ok(Collection {
            paths: paths.clone(),
            store,
            payload,
            reader,
            engine,
            stamp,
        })
    }

    /// Whether there is newer state than this collection reads: the seeds folder changed
    /// since its sync (what a search checks before answering), or the index got another
    /// commit (another process's update).
    pub fn is_behind(&self) -> bool {
        seeds_changed(&self.payload, &self.paths) || CommitStamp::of(&self.paths) != self.stamp
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// The state of the commit this collection reads.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The manifest of that commit.
    ///
    /// # Errors
    /// When it cannot be read.
    pub fn manifest(&self) -> Result<Manifest> {
        self.store.manifest(&self.payload)
    }

    /// The search engine over this commit.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Runs one query.
    ///
    /// # Errors
    /// As [`Engine::search`].
    pub fn search(&self, request: &Request) -> Result<Results, SearchError> {
        self.engine.search(request)
    }

    /// The indexed articles whose doc_id starts with `prefix` (all without one).
    ///
    /// # Errors
    /// When the manifest cannot be read.
    pub fn list(&self, prefix: Option<&str>) -> Result<Vec<Entry>> {
        Ok(catalog::list(
            &self.manifest()?,
            &self.seeds_shown(),
            prefix,
        ))
    }

    /// An article as the index holds it (`DOC_ID`, or `DOC_ID:N` with `context`
    /// passages on each side of passage N).
    ///
    /// # Errors
    /// As [`catalog::article`].
    pub fn article(&self, target: &str, context: u32) -> Result<ArticleView> {
        let target = self.resolve(target)?;
        catalog::article(
            &self.reader.searcher(),
            &self.store.fields,
            &self.payload,
            &self.seeds_shown(),
            &target,
            context,
        )
    }

    /// What a user names an article by, as a doc_id target (`DOC_ID`, `DOC_ID:N` for
    /// passage N). A doc_id is taken as it is; a file, as a search printed it (relative to
    /// here, absolute, or relative to the seeds folder), stands for its doc_id, and
    /// `PATH:LINE` for the passage holding that line, as editors and grep read it.
    ///
    /// # Errors
    /// When the manifest or the index cannot be read.
    pub fn resolve(&self, target: &str) -> Result<String> {
        let (name, number) = catalog::parse_target(target);
        let is_file = std::path::Path::new(name)
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(corpus::is_article_name);
        if !is_file || catalog::has_doc_id(&self.reader.searcher(), &self.store.fields, name)? {
            return Ok(target.to_string());
        }
        let manifest = self.manifest()?;
        let found = crate::paths::seeds_relative(&self.payload.seeds, name)
            .into_iter()
            .find_map(|rel| match manifest.files.get(&rel).map(|r| &r.state) {
                Some(FileState::Indexed { doc_id, .. }) => Some(doc_id.clone()),
                _ => None,
            });
        let Some(doc_id) = found else {
            return Ok(target.to_string());
        };
        let Some(line) = number else {
            return Ok(doc_id);
        };
        let searcher = self.reader.searcher();
        Ok(
            match catalog::passage_at_line(&searcher, &self.store.fields, &doc_id, line)? {
                Some(passage) => format!("{doc_id}:{passage}"),
                None => doc_id,
            },
        )
    }

    /// Figures about the index.
    ///
    /// # Errors
    /// As [`catalog::stats`].
    pub fn stats(&self) -> Result<Stats> {
        catalog::stats(&self.reader.searcher(), &self.store, &self.payload)
    }

    /// What "like `target`" means (`DOC_ID:N` for a passage, `DOC_ID` for a whole
    /// article): its most distinctive words, weighted by how often it uses them and how
    /// rare they are, and the articles to leave out (its own and its copies).
    ///
    /// # Errors
    /// An unknown doc_id or passage number, or an unreadable index.
    pub fn like(&self, target: &str) -> Result<Like> {
        const WORDS: usize = 25;
        let view = self.article(target, 0)?;
        let text: String = match view.focus {
            Some(n) => view
                .passages
                .iter()
                .filter(|p| p.passage == n)
                .map(|p| p.text.clone())
                .collect(),
            None => view
                .passages
                .iter()
                .filter(|p| p.boilerplate.is_none())
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        };
        let mut counts: std::collections::HashMap<String, f32> = std::collections::HashMap::new();
        for term in analyzer::terms(&text) {
            if term.chars().count() > 1 && !analyzer::is_function_word(&term) {
                *counts.entry(term).or_default() += 1.0;
            }
        }
        let searcher = self.reader.searcher();
        let n = searcher.num_docs() as f32;
        let mut weighted: Vec<(String, f32)> = Vec::with_capacity(counts.len());
        for (term, tf) in counts {
            let df = crate::search::stats::live_doc_freq(
                &searcher,
                &tantivy::Term::from_field_text(self.store.fields.text, &term),
            )? as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            weighted.push((term, (1.0 + tf.ln()) * idf));
        }
        weighted.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        weighted.truncate(WORDS);
        let top = weighted
            .first()
            .map_or(1.0, |(_, w)| *w)
            .max(f32::MIN_POSITIVE);
        for (_, w) in &mut weighted {
            *w /= top;
        }
        let manifest = self.manifest()?;
        let own = manifest
            .indexed()
            .find_map(|(_, record, hash)| match &record.state {
                FileState::Indexed { doc_id, .. } if *doc_id == view.doc_id => Some(hash),
                _ => None,
            });
        let mut exclude = Vec::new();
        if let Some(own) = own {
            exclude.push(indexer::article_key(own));
            exclude.extend(
                indexer::copies_of(&manifest, own)
                    .into_iter()
                    .map(indexer::article_key),
            );
        }
        Ok(Like {
            terms: weighted,
            exclude,
        })
    }

    /// The seeds folder the index follows, as paths are shown from here.
    pub fn seeds_shown(&self) -> PathBuf {
        shown_from_cwd(&self.payload.seeds)
    }
}

/// Verifies the index of the collection at `paths` without changing it.
///
/// # Errors
/// As [`crate::store::check`]: what is wrong, with the way out.
pub fn check(paths: &Paths) -> Result<crate::store::Soundness> {
    crate::store::check(&paths.index)
}

/// Syncs the index with the seeds folder and tells `reporter` how it went, under the
/// update lock (waiting for it with `options.wait`).
///
/// # Errors
/// As [`indexer::sync`], and when the update lock is held by another process or cannot be
/// taken.
pub fn sync(
    paths: &Paths,
    options: Options,
    reporter: &dyn Reporter,
    cancel: &Cancel,
) -> Result<Report> {
    // Checked before the lock, which would create the index folder.
    corpus::check_root(&paths.seeds)?;
    let lock = lock_for_update(paths, options.wait.into(), reporter, cancel)?;
    sync_locked(paths, options, &lock, reporter, cancel)
}

/// Takes the update lock, then finishes or undoes what a killed `add` or `remove` left.
fn lock_for_update(
    paths: &Paths,
    wait: store::Wait,
    reporter: &dyn Reporter,
    cancel: &Cancel,
) -> Result<UpdateLock> {
    // Before the lock, which would create the index folder.
    paths.check_apart()?;
    let lock = store::lock_for_update(&paths.index, wait, cancel)?;
    journal::recover(paths, &lock, reporter)?;
    Ok(lock)
}

/// [`sync`] for a caller that already holds the update lock.
fn sync_locked(
    paths: &Paths,
    options: Options,
    lock: &UpdateLock,
    reporter: &dyn Reporter,
    cancel: &Cancel,
) -> Result<Report> {
    let mut report = indexer::sync(paths, options, lock, reporter, cancel)?;
    if report.committed {
        match alerts(paths, report.generation) {
            Ok(alerts) => report.alerts = alerts,
            Err(err) => reporter.warn(&format!("{err:#}; saved searches were not checked")),
        }
    }
    reporter.synced(&report, paths);
    Ok(report)
}

/// The new matches of every saved search in the sync that committed `generation`: each
/// query runs against the passages whose text first came in that sync only, so checking
/// them costs little however large the collection.
fn alerts(paths: &Paths, generation: u64) -> Result<Vec<indexer::Alert>> {
    let saved = Saved::load(&paths.index)?;
    if saved.searches.is_empty() {
        return Ok(Vec::new());
    }
    let Some(store) = Store::open(&paths.index)? else {
        return Ok(Vec::new());
    };
    let collection = Collection::read(paths, store)?;
    let mut alerts = Vec::new();
    for search in &saved.searches {
        let request = Request {
            newer_than: Some(generation.saturating_sub(1)),
            articles: Some(1),
            limit: 100,
            offset: 0,
            ..search.request()
        };
        let results = match collection.search(&request) {
            Ok(results) => results,
            // A saved query that no longer compiles is reported, not fatal to the sync.
            Err(err) => {
                return Err(anyhow!("saved search `{}`: {err}", search.name));
            }
        };
        if results.matched_passages == 0 {
            continue;
        }
        alerts.push(indexer::Alert {
            search: search.name.clone(),
            passages: results.matched_passages,
            articles: results
                .articles
                .unwrap_or_default()
                .into_iter()
                .map(|a| (a.doc_id, a.path, a.matching_passages))
                .collect(),
        });
    }
    Ok(alerts)
}

/// An index built from one folder is not switched to another by a search: the warning to
/// give when the seeds folder asked for is missing or is not the one the index follows.
fn following_another_folder(paths: &Paths, payload: &Payload) -> Option<String> {
    if payload.generation == 0 {
        return None;
    }
    let asked = display_path(&paths.seeds);
    let built_from = display_path(&shown_from_cwd(&payload.seeds));
    if !paths.seeds.is_dir() {
        Some(format!(
            "the seeds folder {asked} is not there; using the index as it was built from {built_from}"
        ))
    } else if paths.seeds_root != payload.seeds {
        Some(format!(
            "this index follows {built_from}, not {asked}; using it as it is (`seedsearch index` switches it to {asked})"
        ))
    } else {
        None
    }
}

/// Whether a folder of the seeds folder gained, lost or renamed an entry since the last
/// sync. An index that follows another folder is left alone: `seedsearch index` switches
/// it over explicitly.
fn seeds_changed(payload: &Payload, paths: &Paths) -> bool {
    let seeds = &paths.seeds_root;
    if payload.seeds != *seeds || !seeds.is_dir() {
        return false;
    }
    payload.dirs.iter().any(|dir| {
        let path = if dir.rel.is_empty() {
            seeds.clone()
        } else {
            seeds.join(&dir.rel)
        };
        corpus::modified_ns(&path) != Some(dir.mtime_ns)
    })
}

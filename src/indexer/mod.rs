//! Brings the index in line with the seeds folder, in one atomic commit.
//!
//! A sync walks the folder, compares each file with its manifest record (size and
//! modification time first, then the content hash), and turns the differences into a plan
//! (`plan.rs`): articles to write and articles to delete. Articles are keyed by content, so
//! identical files share one set of passages that lists all their paths. The plan is
//! applied (`write.rs`) with a single tantivy commit that also names the new manifest, so a
//! crash at any point leaves the previous state intact. The repeated-paragraph rule
//! (`repeated.rs`) is decided from the new manifest before the commit.

mod plan;
mod repeated;
mod write;

pub use repeated::{copies_of, repeated_paragraphs, DEFAULT_BOILERPLATE_REPEATS};
pub use write::article_key;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, Context, Result};
use rayon::prelude::*;
use tantivy::directory::error::LockError;
use tantivy::{IndexWriter, TantivyDocument};

use crate::corpus::{self, Encoding, Load, Problem, SeedFile};
use crate::interrupt::Cancel;
use crate::manifest::Manifest;
use crate::paths::Paths;
use crate::store::{self, Payload, Store, UpdateLock};
use plan::Seen;

/// Decoded text kept in memory between hashing and indexing; above this, files are read a
/// second time instead (from the page cache) to keep peak memory flat on big folders.
const KEEP_TEXT_BYTES: usize = 4 << 20;

/// Indexing memory per writer thread. On the x20 BBC corpus (101 MB, 2 threads) 32 MB
/// builds as fast as 48 or 64 MB with 25 MB less peak memory; 16-24 MB makes enough
/// segments that merging them costs more memory than it saves.
const HEAP_PER_THREAD: usize = 32 << 20;

/// How to sync.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Start over: every article is re-read and re-indexed.
    pub rebuild: bool,
    /// If another process is updating the index, wait for it instead of failing.
    pub wait: bool,
    /// Set the repeated-paragraph rule (see [`repeated_paragraphs`]); `None` keeps the one
    /// the index was built with.
    pub boilerplate_repeats: Option<u32>,
}

/// Receives progress while articles are being indexed.
pub trait Progress: Sync {
    /// Indexing of `total` articles begins.
    fn start(&self, _total: u64) {}
    /// One more article is done.
    fn advance(&self) {}
    /// Indexing is over (committed or not).
    fn finish(&self) {}
}

/// Progress that goes nowhere.
pub struct Silent;
impl Progress for Silent {}

/// The new matches of one saved search in one sync (filled in by
/// [`crate::collection::sync`], which runs the saved searches after a commit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The saved search's name.
    pub search: String,
    /// New matching passages, in all.
    pub passages: usize,
    /// The articles they are in: `(doc_id, path, passages)`.
    pub articles: Vec<(String, String, usize)>,
}

/// What a sync did.
#[derive(Debug, Default)]
pub struct Report {
    /// Files indexed for the first time.
    pub added: usize,
    /// Files whose content changed.
    pub updated: usize,
    /// Files that were indexed and are gone (deleted, or now unreadable).
    pub removed: usize,
    pub unchanged: usize,
    /// Files seen but not indexed (empty, binary, unreadable).
    pub skipped: usize,
    /// After the sync: indexed files, distinct articles, and their passages.
    pub files: u64,
    pub articles: u64,
    pub passages: u64,
    /// Passages written by this sync.
    pub passages_written: u64,
    /// Whether anything was committed (false when nothing had changed).
    pub committed: bool,
    pub elapsed: Duration,
    pub seeds: PathBuf,
    /// The seeds folder the index was built from before, when it was another one.
    pub previous_seeds: Option<PathBuf>,
    pub warnings: Vec<Problem>,
    /// The saved searches with new matches in this sync.
    pub alerts: Vec<Alert>,
    /// The generation this sync committed (or found, when nothing changed).
    pub generation: u64,
}

/// Syncs the index in `paths.index` with the seeds folder `paths.seeds`. The caller holds
/// the update lock ([`store::lock_for_update`]); tantivy's own writer lock is taken too.
///
/// # Errors
/// When the seeds folder cannot be read, the index folder is not usable (foreign, of an
/// incompatible version, not writable), another process holds the index, or the commit
/// fails. Problems with single files are not errors: they are in [`Report::warnings`].
pub fn sync(
    paths: &Paths,
    options: Options,
    _lock: &UpdateLock,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Report> {
    let started = Instant::now();
    let _running = cancel.guard();
    let (given, seeds, index_dir) = (&paths.seeds, &paths.seeds_root, &paths.index);
    // Check the folder before creating an index for it.
    corpus::check_root(given)?;
    let store = Store::open_or_create(index_dir, options.rebuild)?;
    loop {
        let scanned_ms = now_ms();
        let payload = store.payload()?;
        // Listing the folder waits mostly on the kernel; decoding the manifest meanwhile
        // hides most of its cost on a large index.
        let (listing, read) = std::thread::scope(|scope| {
            let old = scope.spawn(|| store.manifest(&payload));
            let listing = corpus::walk(given);
            (listing, join(old))
        });
        let listing = listing?;
        // A rebuild starts from nothing, but remembers when each text first came: a
        // rebuild brings nothing new. (An unreadable manifest is what --rebuild repairs.)
        let (old, earlier) = if options.rebuild {
            (Manifest::default(), read.unwrap_or_default())
        } else {
            (read?, Manifest::default())
        };
        let (old_records, gone) = plan::match_records(&listing.files, &old);
        let wanted = plan::to_read(
            &listing.files,
            &old_records,
            payload.scanned_ms,
            options.rebuild,
        );
        let read = read_files(&listing.files, &wanted, cancel);
        cancel.check()?;
        let mut plan = plan::plan(
            &listing.files,
            &old,
            &old_records,
            &gone,
            wanted.into_iter().zip(read).collect(),
            options.rebuild,
        );
        plan.warnings.splice(0..0, listing.problems);
        let same_seeds = payload.seeds == *seeds;
        let dirs_same = payload.dirs == listing.dirs;
        let repeats = options
            .boilerplate_repeats
            .or(payload.boilerplate_repeats)
            .unwrap_or(DEFAULT_BOILERPLATE_REPEATS);
        let nothing_to_do = plan.writes.is_empty()
            && plan.deletes.is_empty()
            && plan.records == old.files
            && same_seeds
            && dirs_same
            && payload.generation > 0
            && payload.boilerplate_repeats == Some(repeats)
            && !options.rebuild;
        let mut report = plan.report(seeds);
        if !same_seeds && payload.generation > 0 {
            report.previous_seeds = Some(payload.seeds.clone());
        }
        if nothing_to_do {
            report.files = payload.files;
            report.articles = payload.articles;
            report.passages = payload.passages;
            report.elapsed = started.elapsed();
            return Ok(report);
        }

        let bytes: u64 = plan.writes.iter().map(|job| job.bytes).sum();
        cancel.check()?;
        let writer = acquire_writer(&store, options.wait, bytes, cancel)?;
        // Another process may have committed while we were planning: plan again.
        if store.payload()?.generation != payload.generation {
            drop(writer);
            continue;
        }
        // A run killed mid-commit can leave files no commit refers to (a deletes file among
        // them, whose name the next commit would reuse and trip over): clear them first.
        writer
            .garbage_collect_files()
            .wait()
            .context("cannot clear files left by an interrupted run")?;
        if options.rebuild {
            writer.delete_all_documents()?;
        }
        // The plan borrows the old manifest's records; what it needs of them was copied.
        drop((old_records, gone));
        let generation = payload.generation + 1;
        let history = write::History {
            first_seen: if options.rebuild {
                earlier.first_seen()
            } else {
                old.first_seen()
            },
            generation,
        };
        let outcome = write::apply(&store, &writer, plan, old, &history, progress, cancel)?;
        report.passages_written = outcome.passages_written;
        report.warnings.extend(outcome.warnings);
        let manifest = outcome.manifest;
        let (files, articles, passages) = totals(&manifest);
        cancel.check()?;
        // The repeated-paragraph rule reads the manifest while it is written out.
        let (written, repeated) = std::thread::scope(|scope| {
            let repeated = scope.spawn(|| repeated_paragraphs(&manifest, repeats));
            (store.write_manifest(generation, &manifest), join(repeated))
        });
        written?;
        let new_payload = Payload {
            generation,
            seeds: seeds.clone(),
            scanned_ms,
            dirs: listing.dirs,
            files,
            articles,
            passages,
            boilerplate_repeats: Some(repeats),
            repeated,
        };
        commit(writer, &new_payload).with_context(|| {
            format!(
                "cannot commit to the index in {}",
                crate::paths::display_path(index_dir)
            )
        })?;
        store.remove_stale_manifests(generation);
        report.files = files;
        report.articles = articles;
        report.passages = passages;
        report.committed = true;
        report.generation = generation;
        report.elapsed = started.elapsed();
        return Ok(report);
    }
}

/// The result of a scoped thread; a panic in it goes on in the caller.
fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Below this much text, one indexing thread is as fast and makes a single segment.
const ONE_THREAD_BYTES: u64 = 4 << 20;

fn acquire_writer(
    store: &Store,
    wait: bool,
    bytes: u64,
    cancel: &Cancel,
) -> Result<IndexWriter<TantivyDocument>> {
    let threads = if bytes < ONE_THREAD_BYTES {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(2, |n| n.get())
            .clamp(1, 4)
    };
    loop {
        match store
            .index
            .writer_with_num_threads(threads, threads * HEAP_PER_THREAD)
        {
            Ok(writer) => return Ok(writer),
            // Only a lock that is really held is waited for; an I/O error (permissions, a
            // read-only file system) is reported as what it is, below.
            Err(tantivy::TantivyError::LockFailure(LockError::LockBusy, _)) => {
                if !wait {
                    return Err(store::busy_error(&store.dir));
                }
                cancel.check()?;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(err) => {
                return Err(anyhow!(err)).with_context(|| {
                    format!(
                        "cannot open the index in {} for writing",
                        crate::paths::display_path(&store.dir)
                    )
                })
            }
        }
    }
}

fn commit(mut writer: IndexWriter<TantivyDocument>, payload: &Payload) -> Result<()> {
    let json = serde_json::to_string(payload)?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&json);
    prepared.commit()?;
    // Let merges triggered by this commit finish rather than abandoning them at exit.
    writer.wait_merging_threads()?;
    Ok(())
}

fn totals(manifest: &Manifest) -> (u64, u64, u64) {
    let files = manifest.indexed().count() as u64;
    let passages = manifest
        .articles
        .values()
        .map(|a| u64::from(a.passages))
        .sum();
    (files, manifest.articles.len() as u64, passages)
}

/// Reads, decodes and hashes the files `wanted` (indices into `files`) on all cores.
/// Texts are kept for indexing up to [`KEEP_TEXT_BYTES`] in all; the others are dropped
/// at once (collecting them all first would hold the whole folder in memory) and read
/// again when written.
fn read_files<'a>(files: &[SeedFile], wanted: &[usize], cancel: &Cancel) -> Vec<Seen<'a>> {
    let kept = AtomicUsize::new(0);
    wanted
        .par_iter()
        .map(|&i| {
            if cancel.is_cancelled() {
                return Seen::Skipped("interrupted".into());
            }
            match corpus::load(&files[i].path) {
                Ok(Load::Text(loaded)) => {
                    let size = loaded.text.len();
                    let keep = kept.fetch_add(size, Ordering::Relaxed) + size <= KEEP_TEXT_BYTES;
                    Seen::Text {
                        hash: loaded.hash,
                        latin1: loaded.encoding == Encoding::Windows1252,
                        text: keep.then_some(loaded.text),
                    }
                }
                Ok(Load::Skip(reason)) => Seen::Skipped(reason),
                Err(err) => Seen::Skipped(format!("cannot read it ({err}); skipped")),
            }
        })
        .collect()
}

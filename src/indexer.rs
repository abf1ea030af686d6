//! Brings the index in line with the seeds folder, in one atomic commit.
//!
//! A sync walks the folder, compares each file with its manifest record (size and
//! modification time first, then the content hash), and turns the differences into a plan:
//! articles to write and articles to delete. Articles are keyed by content, so identical
//! files share one set of passages that lists all their paths. The plan is applied with a
//! single tantivy commit that also names the new manifest, so a crash at any point leaves
//! the previous state intact.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, Context, Result};
use serde::Serialize;
use tantivy::{DateTime, IndexWriter, TantivyDocument, Term};
use xxhash_rust::xxh3::xxh3_64;

use crate::article::{self, Article, PassageKind};
use crate::corpus::{self, ContentHash, Encoding, Load, Problem, SeedFile};
use crate::manifest::{ArticleRecord, FileRecord, FileState, Manifest};
use crate::schema::{self, Fields};
use crate::store::{self, Payload, Store};

/// Files changed this recently before the previous scan are hashed again even if their size
/// and modification time match: a write in the same clock tick as the scan would otherwise
/// go unnoticed (git calls these "racily clean").
const RACY_WINDOW_NS: i64 = 2_000_000_000;

/// Decoded text kept in memory between hashing and indexing; above this, files are read a
/// second time instead (from the page cache) to keep peak memory flat on big folders.
const KEEP_TEXT_BYTES: usize = 4 << 20;

/// Indexing memory per writer thread. On the x20 BBC corpus (101 MB, 2 threads) 32 MB
/// builds as fast as 48 or 64 MB with 25 MB less peak memory; 16-24 MB makes enough
/// segments that merging them costs more memory than it saves.
const HEAP_PER_THREAD: usize = 32 << 20;

/// Set by [`request_stop`]: indexing stops at the next article without committing.
static STOP: AtomicBool = AtomicBool::new(false);
/// Whether a sync is running (from its scan to its commit).
static WRITING: AtomicBool = AtomicBool::new(false);

/// Exit status after Ctrl-C, as shells report a death by SIGINT.
pub const INTERRUPTED_STATUS: u8 = 130;

/// Makes Ctrl-C stop a sync at its next article, keeping the last commit; a second Ctrl-C,
/// or one outside a sync, exits at once, which is always safe. Installed by the first sync
/// only, so a plain search starts no signal thread.
fn handle_ctrl_c() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let _ = ctrlc::set_handler(|| {
            if !request_stop() {
                std::process::exit(i32::from(INTERRUPTED_STATUS));
            }
            eprintln!("seedsearch: stopping at the next article…");
        });
    });
}

/// Asks a running sync to stop before its commit (what Ctrl-C does). Returns `false` when
/// no sync is writing, so the caller can simply exit.
/// A second request while the first is pending also returns `false`.
pub fn request_stop() -> bool {
    WRITING.load(Ordering::SeqCst) && !STOP.swap(true, Ordering::SeqCst)
}

/// Whether an error chain says a sync was interrupted.
pub fn is_interrupted(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| cause.is::<Interrupted>())
}

/// The error of a sync stopped by [`request_stop`]; nothing was committed.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted; the index keeps its last committed state")
    }
}

impl std::error::Error for Interrupted {}

/// Clears [`WRITING`] when a sync leaves its writing phase, however it leaves.
struct WritingGuard;

impl WritingGuard {
    fn enter() -> WritingGuard {
        WRITING.store(true, Ordering::SeqCst);
        WritingGuard
    }
}

impl Drop for WritingGuard {
    fn drop(&mut self) {
        WRITING.store(false, Ordering::SeqCst);
    }
}

fn check_stop() -> Result<()> {
    if STOP.load(Ordering::SeqCst) {
        return Err(Interrupted.into());
    }
    Ok(())
}

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

/// A paragraph found in at least this many otherwise unrelated articles is boilerplate,
/// unless the index was built with another value.
pub const DEFAULT_BOILERPLATE_REPEATS: u32 = 3;

/// Two articles sharing at least this fraction of the content passages of the smaller one
/// are copies of one story (a wire story reprinted), not unrelated articles.
const SAME_STORY_SHARE: f64 = 0.5;

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

/// What a sync did.
#[derive(Debug, Default, Serialize)]
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
    #[serde(skip)]
    pub elapsed: Duration,
    pub seeds: PathBuf,
    /// The seeds folder the index was built from before, when it was another one.
    pub previous_seeds: Option<PathBuf>,
    pub warnings: Vec<Problem>,
}

/// Syncs the index in `index_dir` with the seeds folder `seeds`.
///
/// # Errors
/// When the seeds folder cannot be read, the index folder is not usable (foreign, of an
/// incompatible version, not writable), another process holds the index, or the commit
/// fails. Problems with single files are not errors: they are in [`Report::warnings`].
pub fn sync(
    index_dir: &Path,
    seeds: &Path,
    options: Options,
    progress: &dyn Progress,
) -> Result<Report> {
    let started = Instant::now();
    handle_ctrl_c();
    let _running = WritingGuard::enter();
    let given = seeds;
    let seeds = corpus::resolve_root(given);
    // Check the folder before creating an index for it.
    corpus::check_root(given)?;
    let store = Store::open_or_create(index_dir, options.rebuild)?;
    loop {
        let scanned_ms = now_ms();
        let payload = store.payload()?;
        // Listing the folder waits mostly on the kernel; decoding the manifest meanwhile
        // hides most of its cost on a large index.
        let (listing, old) = std::thread::scope(|scope| {
            let old = scope.spawn(|| {
                if options.rebuild {
                    Ok(Manifest::default())
                } else {
                    store.manifest(&payload)
                }
            });
            let listing = corpus::walk(given);
            (listing, join(old))
        });
        let (listing, old) = (listing?, old?);
        let mut plan = plan(&listing.files, &old, &payload, options.rebuild);
        check_stop()?;
        plan.warnings.splice(0..0, listing.problems);
        let same_seeds = payload.seeds == seeds;
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
        let mut report = plan.report(&seeds);
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
        check_stop()?;
        let writer = acquire_writer(&store, options.wait, bytes)?;
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
        let outcome = apply(&store, &writer, plan, old, progress)?;
        report.passages_written = outcome.passages_written;
        report.warnings.extend(outcome.warnings);
        let manifest = outcome.manifest;
        let (files, articles, passages) = totals(&manifest);
        let generation = payload.generation + 1;
        check_stop()?;
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
                crate::display_path(index_dir)
            )
        })?;
        store.remove_stale_manifests(generation);
        report.files = files;
        report.articles = articles;
        report.passages = passages;
        report.committed = true;
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

fn acquire_writer(store: &Store, wait: bool, bytes: u64) -> Result<IndexWriter<TantivyDocument>> {
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
            Err(err @ tantivy::TantivyError::LockFailure(..)) => {
                if !wait {
                    return Err(store::busy_error(&store.dir).context(err));
                }
                check_stop()?;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(err) => {
                return Err(anyhow!(err)).with_context(|| {
                    format!(
                        "cannot open the index in {} for writing",
                        crate::display_path(&store.dir)
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

/// The text hashes of paragraphs that are boilerplate because they repeat: found in at
/// least `threshold` articles that are not copies of one story (articles sharing half
/// their paragraphs or more are copies). A publisher's promo or an author's bio at the end
/// of every article qualifies; a wire story reprinted by three outlets does not. A
/// threshold below 2 turns the rule off.
pub fn repeated_paragraphs(manifest: &Manifest, threshold: u32) -> Vec<u64> {
    let threshold = threshold as usize;
    if threshold < 2 {
        return Vec::new();
    }
    let articles: Vec<&[u64]> = manifest
        .articles
        .values()
        .map(|a| a.phashes.as_slice())
        .collect();
    // (paragraph, article) pairs sorted by paragraph: each run is one paragraph's holders.
    // One sort of flat pairs instead of a map of vectors: no allocation per paragraph.
    let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(articles.iter().map(|a| a.len()).sum());
    for (i, phashes) in articles.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        pairs.extend(phashes.iter().map(|&h| (h, i)));
    }
    pairs.sort_unstable();
    let mut repeated = Vec::new();
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < threshold {
            continue;
        }
        let h = run[0].0;
        // Greedy clustering into stories: stop as soon as there are enough.
        let mut stories: Vec<usize> = Vec::new();
        for &(_, a) in run {
            let a = a as usize;
            let copy = stories
                .iter()
                .any(|&s| same_story(articles[a], articles[s], h));
            if !copy {
                stories.push(a);
                if stories.len() >= threshold {
                    repeated.push(h);
                    break;
                }
            }
        }
    }
    // Runs come in paragraph order, so `repeated` is sorted already.
    repeated
}

/// Whether two articles (sorted passage hashes) that both contain the paragraph `h` are
/// copies of one story: apart from `h`, they share at least [`SAME_STORY_SHARE`] of the
/// smaller one's paragraphs. Articles with nothing but `h` cannot be told apart and count
/// as copies, so the rule errs towards keeping content.
fn same_story(a: &[u64], b: &[u64], h: u64) -> bool {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if a[i] != h {
                    shared += 1;
                }
                i += 1;
                j += 1;
            }
        }
    }
    let others = a.len().min(b.len()).saturating_sub(1);
    others == 0 || shared as f64 / others as f64 >= SAME_STORY_SHARE
}

/// One article to (re)write: its content hash and every file that holds it.
struct Job {
    hash: ContentHash,
    /// `(doc_id, rel)` sorted by doc_id.
    files: Vec<(String, String)>,
    paths: Vec<PathBuf>,
    /// Size of the file, for sizing the writer.
    bytes: u64,
    /// The decoded text, when it was kept from hashing.
    text: Option<String>,
}

/// The differences between the folder and the index.
struct Plan {
    /// Every file's new record.
    records: BTreeMap<String, FileRecord>,
    writes: Vec<Job>,
    deletes: Vec<ContentHash>,
    added: usize,
    updated: usize,
    removed: usize,
    unchanged: usize,
    skipped: usize,
    warnings: Vec<Problem>,
}

impl Plan {
    fn report(&self, seeds: &Path) -> Report {
        Report {
            added: self.added,
            updated: self.updated,
            removed: self.removed,
            unchanged: self.unchanged,
            skipped: self.skipped,
            seeds: seeds.to_path_buf(),
            warnings: self.warnings.clone(),
            ..Report::default()
        }
    }
}

/// A file's state after looking at it.
enum Seen<'a> {
    /// Unchanged since the manifest: its old record stands.
    Known(&'a FileRecord),
    Text {
        hash: ContentHash,
        /// Decoded as Windows-1252 (worth a warning).
        latin1: bool,
        text: Option<String>,
    },
    Skipped(String),
}

impl Seen<'_> {
    fn is_indexable(&self) -> bool {
        match self {
            Seen::Known(record) => matches!(record.state, FileState::Indexed { .. }),
            Seen::Text { .. } => true,
            Seen::Skipped(_) => false,
        }
    }
}

/// Pairs each file of the (sorted) listing with its record in the (sorted) manifest, in
/// one merge pass, and collects the records of files that are gone.
fn match_records<'a>(
    files: &[SeedFile],
    old: &'a Manifest,
) -> (Vec<Option<&'a FileRecord>>, Vec<&'a FileRecord>) {
    if !files.is_sorted_by(|a, b| a.rel < b.rel) {
        // Not a listing from `corpus::walk`: match by lookup instead.
        let present: std::collections::HashSet<&str> =
            files.iter().map(|f| f.rel.as_str()).collect();
        let matched = files.iter().map(|f| old.files.get(&f.rel)).collect();
        let gone = old
            .files
            .iter()
            .filter(|(rel, _)| !present.contains(rel.as_str()))
            .map(|(_, r)| r)
            .collect();
        return (matched, gone);
    }
    let mut matched = Vec::with_capacity(files.len());
    let mut gone = Vec::new();
    let mut records = old.files.iter().peekable();
    for file in files {
        let mut record = None;
        while let Some(&(rel, r)) = records.peek() {
            match rel.as_str().cmp(file.rel.as_str()) {
                std::cmp::Ordering::Less => gone.push(r),
                std::cmp::Ordering::Equal => record = Some(r),
                std::cmp::Ordering::Greater => break,
            }
            records.next();
            if record.is_some() {
                break;
            }
        }
        matched.push(record);
    }
    gone.extend(records.map(|(_, r)| r));
    (matched, gone)
}

/// Compares the listing with the manifest and decides what to write and delete.
///
/// `files` is sorted by `rel` (as [`corpus::walk`] returns it), like the manifest, so the
/// two are matched in one pass and everything per file lives in vectors beside `files`:
/// a sync of a large folder where little changed costs a few string comparisons per
/// file, not several map lookups and copies.
fn plan(files: &[SeedFile], old: &Manifest, payload: &Payload, rebuild: bool) -> Plan {
    let racy_from = i64::try_from(payload.scanned_ms)
        .unwrap_or(i64::MAX)
        .saturating_mul(1_000_000)
        .saturating_sub(RACY_WINDOW_NS);
    let mut warnings = Vec::new();
    let (old_records, gone) = match_records(files, old);

    // 1. Decide which files must be read, and read them in parallel.
    let needs_read = |f: &SeedFile, r: Option<&FileRecord>| match r {
        Some(r) => {
            rebuild || r.size != f.size || r.mtime_ns != f.mtime_ns || f.mtime_ns >= racy_from
        }
        None => true,
    };
    let to_read: Vec<usize> = (0..files.len())
        .filter(|&i| needs_read(&files[i], old_records[i]))
        .collect();
    let kept = AtomicUsize::new(0);
    // Texts not kept are dropped inside the workers: collecting them all first would
    // hold the whole folder in memory.
    let loaded = parallel_map(&to_read, |&i| -> Seen<'_> {
        if STOP.load(Ordering::Relaxed) {
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
    });
    let mut seen: Vec<Option<Seen<'_>>> = old_records.iter().map(|r| r.map(Seen::Known)).collect();
    for (&i, state) in to_read.iter().zip(loaded) {
        if let Seen::Text { latin1: true, .. } = state {
            warnings.push(problem(
                &files[i],
                "is not valid UTF-8; read as Windows-1252 (Latin-1)",
            ));
        }
        seen[i] = Some(state);
    }

    // 2. Name the articles: doc_id is the path without its extension, unless two files
    // differ only by extension. Stems of a sorted listing are nearly sorted, so the
    // stable sort that finds the shared ones runs in about linear time.
    let mut stems: Vec<&str> = files
        .iter()
        .zip(&seen)
        .filter(|(_, s)| s.as_ref().is_some_and(Seen::is_indexable))
        .map(|(f, _)| stem(&f.rel))
        .collect();
    stems.sort();
    let shared: std::collections::HashSet<&str> = stems
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    let doc_id = |rel: &str| -> String {
        let stem = stem(rel);
        if !shared.is_empty() && shared.contains(stem) {
            rel.to_string()
        } else {
            stem.to_string()
        }
    };

    // 3. Only articles that gained, lost or renamed a file need work: find them first, so
    // an update of one file in a large folder does not regroup every article.
    let mut affected: std::collections::HashSet<ContentHash> = std::collections::HashSet::new();
    for record in &gone {
        if let FileState::Indexed { hash, .. } = record.state {
            affected.insert(hash);
        }
    }
    for ((file, record), state) in files.iter().zip(&old_records).zip(&seen) {
        if let Some(Seen::Text { hash, .. }) = state {
            affected.insert(*hash);
        }
        let Some(FileState::Indexed {
            hash,
            doc_id: old_id,
        }) = record.map(|r| &r.state)
        else {
            continue;
        };
        let renamed = match state {
            Some(Seen::Known(_)) => {
                // Cheap test first: only a file whose stem is shared can change its id.
                let stem = stem(&file.rel);
                old_id.as_str() != stem || (!shared.is_empty() && shared.contains(stem))
            }
            Some(Seen::Text { hash: new_hash, .. }) => new_hash != hash,
            Some(Seen::Skipped(_)) | None => true,
        };
        if renamed && (!matches!(state, Some(Seen::Known(_))) || *old_id != doc_id(&file.rel)) {
            affected.insert(*hash);
        }
    }
    if rebuild {
        affected.extend(old.articles.keys().copied());
    }

    // 4. Group the files of those articles by content, old and new.
    let mut old_groups: HashMap<ContentHash, Vec<(String, String)>> = HashMap::new();
    if !affected.is_empty() {
        for (rel, record, hash) in old.indexed() {
            if !affected.contains(&hash) {
                continue;
            }
            if let FileState::Indexed { doc_id, .. } = &record.state {
                old_groups
                    .entry(hash)
                    .or_default()
                    .push((doc_id.clone(), rel.to_string()));
            }
        }
    }
    let mut new_groups: BTreeMap<ContentHash, Job> = BTreeMap::new();
    let mut records: Vec<(String, FileRecord)> = Vec::with_capacity(files.len());
    let (mut added, mut updated, mut removed, mut unchanged, mut skipped) = (0, 0, 0, 0, 0);
    let mut collisions: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ((file, old_record), state) in files.iter().zip(&old_records).zip(seen) {
        let Some(state) = state else {
            continue;
        };
        let old_hash = match old_record.map(|r| &r.state) {
            Some(FileState::Indexed { hash, .. }) => Some(*hash),
            _ => None,
        };
        let (hash, text) = match state {
            Seen::Known(record) => match &record.state {
                FileState::Indexed { hash, doc_id } => {
                    // The common case of a large, quiet folder: an article that is not
                    // affected kept its content and its doc_id, so the old record stands.
                    if affected.is_empty() || !affected.contains(hash) {
                        unchanged += 1;
                        let stem = stem(&file.rel);
                        if doc_id.as_str() != stem {
                            collisions.entry(stem).or_default().push(&file.rel);
                        }
                        records.push((file.rel.clone(), (*record).clone()));
                        continue;
                    }
                    (*hash, None)
                }
                FileState::Skipped { reason } => {
                    skipped += 1;
                    warnings.push(problem(file, reason));
                    records.push((
                        file.rel.clone(),
                        record_for(
                            file,
                            FileState::Skipped {
                                reason: reason.clone(),
                            },
                        ),
                    ));
                    continue;
                }
            },
            Seen::Text { hash, text, .. } => (hash, text),
            Seen::Skipped(reason) => {
                skipped += 1;
                if old_hash.is_some() {
                    removed += 1;
                }
                warnings.push(problem(file, &reason));
                records.push((
                    file.rel.clone(),
                    record_for(file, FileState::Skipped { reason }),
                ));
                continue;
            }
        };
        match old_hash {
            None => added += 1,
            Some(h) if h == hash => unchanged += 1,
            Some(_) => updated += 1,
        }
        let id = doc_id(&file.rel);
        if id != stem(&file.rel) {
            collisions
                .entry(stem(&file.rel))
                .or_default()
                .push(&file.rel);
        }
        if affected.contains(&hash) {
            let job = new_groups.entry(hash).or_insert_with(|| Job {
                hash,
                files: Vec::new(),
                paths: Vec::new(),
                bytes: file.size,
                text: None,
            });
            job.files.push((id.clone(), file.rel.clone()));
            job.paths.push(file.path.clone());
            if job.text.is_none() {
                job.text = text;
            }
        }
        records.push((
            file.rel.clone(),
            record_for(file, FileState::Indexed { hash, doc_id: id }),
        ));
    }
    for (stem, rels) in collisions {
        warnings.push(Problem {
            path: rels.join(", "),
            message: format!(
                "these files share the name `{stem}` apart from the extension; their doc_ids keep the extension"
            ),
        });
    }
    removed += gone
        .iter()
        .filter(|r| matches!(r.state, FileState::Indexed { .. }))
        .count();

    // 5. Articles whose set of files changed are rewritten; articles with no file left go.
    let deletes = old_groups
        .keys()
        .filter(|h| !new_groups.contains_key(h))
        .copied()
        .collect();
    let mut writes = Vec::new();
    for (hash, mut job) in new_groups {
        job.files.sort();
        let same = old_groups.get_mut(&hash).is_some_and(|old| {
            old.sort();
            *old == job.files
        });
        if rebuild || !same {
            writes.push(job);
        }
    }

    Plan {
        // Sorted input: collecting builds the map in one pass.
        records: records.into_iter().collect(),
        writes,
        deletes,
        added,
        updated,
        removed,
        unchanged,
        skipped,
        warnings,
    }
}

fn stem(rel: &str) -> &str {
    let name_start = rel.rfind('/').map_or(0, |i| i + 1);
    match rel[name_start..].rfind('.') {
        Some(dot) if dot > 0 => &rel[..name_start + dot],
        _ => rel,
    }
}

fn record_for(file: &SeedFile, state: FileState) -> FileRecord {
    FileRecord {
        size: file.size,
        mtime_ns: file.mtime_ns,
        state,
    }
}

fn problem(file: &SeedFile, message: &str) -> Problem {
    Problem {
        path: crate::display_path(&file.path),
        message: message.to_string(),
    }
}

/// What applying a plan produced.
struct Outcome {
    manifest: Manifest,
    passages_written: u64,
    warnings: Vec<Problem>,
}

/// Deletes and writes the plan's articles through `writer` (without committing), and
/// returns the manifest describing the result.
fn apply(
    store: &Store,
    writer: &IndexWriter<TantivyDocument>,
    plan: Plan,
    old: Manifest,
    progress: &dyn Progress,
) -> Result<Outcome> {
    let fields = store.fields;
    let key_term = |hash: ContentHash| Term::from_field_u64(fields.article, article_key(hash));
    for hash in &plan.deletes {
        writer.delete_term(key_term(*hash));
    }
    // Only articles already in the index need deleting before they are rewritten: each
    // delete costs the writer a kilobyte until the commit, 44 MB on a fresh 45,000-file
    // build that needs none.
    for job in plan
        .writes
        .iter()
        .filter(|j| old.articles.contains_key(&j.hash))
    {
        writer.delete_term(key_term(job.hash));
    }
    progress.start(plan.writes.len() as u64);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let results = parallel_map(&plan.writes, |job| {
        if failed.load(Ordering::Relaxed) || STOP.load(Ordering::Relaxed) {
            return None;
        }
        let result = write_article(&fields, writer, job);
        progress.advance();
        match result {
            Ok(written) => Some(written),
            Err(err) => {
                failed.store(true, Ordering::Relaxed);
                if let Ok(mut slot) = first_error.lock() {
                    slot.get_or_insert(err);
                }
                None
            }
        }
    });
    progress.finish();
    if let Some(err) = first_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(err);
    }
    check_stop()?;

    let mut files = plan.records;
    let mut warnings = Vec::new();
    let mut passages_written = 0;
    let mut articles = BTreeMap::new();
    for (job, result) in plan.writes.iter().zip(results) {
        match result {
            Some(Written::Indexed { record, notes }) => {
                passages_written += u64::from(record.passages);
                for note in notes {
                    warnings.push(Problem {
                        path: crate::display_path(&job.paths[0]),
                        message: note,
                    });
                }
                articles.insert(job.hash, record);
            }
            Some(Written::Changed) => {
                for (_, rel) in &job.files {
                    files.remove(rel);
                }
                warnings.push(Problem {
                    path: crate::display_path(&job.paths[0]),
                    message: "changed while it was being indexed; the next `seedsearch index` will pick it up"
                        .into(),
                });
            }
            None => {}
        }
    }
    // Articles not rewritten keep their old record (moved, not copied: on a large index
    // copying them was most of the cost of adding one article).
    let mut old_articles = old.articles;
    for (_, _, hash) in Manifest::indexed_in(&files) {
        if let std::collections::btree_map::Entry::Vacant(slot) = articles.entry(hash) {
            if let Some(old_record) = old_articles.remove(&hash) {
                slot.insert(old_record);
            }
        }
    }
    Ok(Outcome {
        manifest: Manifest { files, articles },
        passages_written,
        warnings,
    })
}

enum Written {
    Indexed {
        record: ArticleRecord,
        notes: Vec<String>,
    },
    /// No file of the article still had the content that was planned.
    Changed,
}

fn write_article(
    fields: &Fields,
    writer: &IndexWriter<TantivyDocument>,
    job: &Job,
) -> Result<Written> {
    let text = match &job.text {
        Some(text) => Some(std::borrow::Cow::Borrowed(text.as_str())),
        None => job.paths.iter().find_map(|path| match corpus::load(path) {
            Ok(Load::Text(loaded)) if loaded.hash == job.hash => {
                Some(std::borrow::Cow::Owned(loaded.text))
            }
            _ => None,
        }),
    };
    let Some(text) = text else {
        return Ok(Written::Changed);
    };
    let article = article::parse(&text);
    let title = article
        .title
        .clone()
        .unwrap_or_else(|| fallback_title(&job.files[0].1));
    let mut notes = article.notes.clone();
    let hashes: Vec<u64> = article
        .passages
        .iter()
        .map(|p| passage_hash(&p.text))
        .collect();
    for doc in passage_docs(fields, job, &article, &hashes, &title, &mut notes) {
        writer
            .add_document(doc)
            .map_err(|err| anyhow!(err).context("the indexing threads stopped"))?;
    }
    let mut phashes: Vec<u64> = article
        .passages
        .iter()
        .zip(&hashes)
        .filter(|(p, _)| p.kind == PassageKind::Content)
        .map(|(_, &h)| h)
        .collect();
    phashes.sort_unstable();
    phashes.dedup();
    Ok(Written::Indexed {
        record: ArticleRecord {
            title,
            passages: article.passages.len() as u32,
            metadata: article.metadata.clone(),
            phashes,
        },
        notes,
    })
}

fn fallback_title(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    stem(name).to_string()
}

/// The key of an article in the index: its content hash truncated to 64 bits (a
/// collision among the articles of one collection is vanishingly unlikely).
pub fn article_key(hash: ContentHash) -> u64 {
    hash.0 as u64
}

/// Hash of a passage's text with case, punctuation and spacing folded away: the same
/// paragraph in two articles gets the same value.
pub fn passage_hash(text: &str) -> u64 {
    // Words (runs of letters and digits), lower-cased, joined by single spaces; a byte
    // loop with an ASCII fast path, as this runs on every passage of every build.
    let mut norm: Vec<u8> = Vec::with_capacity(text.len());
    let mut gap = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii() {
            i += 1;
            if b.is_ascii_alphanumeric() {
                if gap && !norm.is_empty() {
                    norm.push(b' ');
                }
                gap = false;
                norm.push(b.to_ascii_lowercase());
            } else {
                gap = true;
            }
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if c.is_alphanumeric() {
            if gap && !norm.is_empty() {
                norm.push(b' ');
            }
            gap = false;
            let mut buf = [0u8; 4];
            for lower in c.to_lowercase() {
                norm.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
            }
        } else {
            gap = true;
        }
    }
    xxh3_64(&norm)
}

/// Parses a front-matter date: `YYYY-MM-DD` or RFC 3339.
pub fn parse_date(value: &str) -> Option<DateTime> {
    use tantivy::time::format_description::well_known::Rfc3339;
    use tantivy::time::{Date, Month, OffsetDateTime};
    let value = value.trim();
    if let Ok(dt) = OffsetDateTime::parse(value, &Rfc3339) {
        return Some(DateTime::from_utc(dt));
    }
    let day = value.get(..10)?;
    let mut parts = day.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let dom: u8 = parts.next()?.parse().ok()?;
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, dom).ok()?;
    let rest = &value[10..];
    if !(rest.is_empty() || rest.starts_with([' ', 'T'])) {
        return None;
    }
    Some(DateTime::from_utc(date.midnight().assume_utc()))
}

fn passage_docs(
    fields: &Fields,
    job: &Job,
    article: &Article,
    hashes: &[u64],
    title: &str,
    notes: &mut Vec<String>,
) -> Vec<TantivyDocument> {
    let meta_json = if article.metadata.is_empty() {
        None
    } else {
        serde_json::to_string(&article.metadata).ok()
    };
    let date = article
        .metadata
        .get("date")
        .and_then(|value| {
            let parsed = parse_date(value);
            if parsed.is_none() {
                notes.push(format!(
                    "its front-matter date `{value}` is not a date (use YYYY-MM-DD); the article cannot be filtered by date"
                ));
            }
            parsed
        });
    let mut collections: Vec<&str> = job
        .files
        .iter()
        .filter_map(|(_, rel)| rel.split_once('/').map(|(dir, _)| dir))
        .collect();
    collections.dedup();

    let mut base = TantivyDocument::default();
    base.add_u64(fields.article, article_key(job.hash));
    base.add_u64(fields.doc_key, schema::doc_key(&job.files[0].0));
    for (doc_id, rel) in &job.files {
        base.add_text(fields.doc, doc_id);
        base.add_text(fields.path, rel);
        base.add_text(
            fields.sources,
            format!("{doc_id}{}{rel}", schema::SOURCE_SEPARATOR),
        );
    }
    for collection in collections {
        base.add_text(fields.collection, collection);
    }
    base.add_text(fields.title, title);
    if let Some(meta) = &meta_json {
        base.add_text(fields.meta, meta);
    }
    if let Some(author) = article.metadata.get("author") {
        base.add_text(fields.author, author);
    }
    if let Some(source) = article.metadata.get("source") {
        base.add_text(fields.source, source);
    }
    if let Some(date) = date {
        base.add_date(fields.date, date);
    }

    article
        .passages
        .iter()
        .zip(hashes)
        .map(|(passage, &hash)| {
            let mut doc = base.clone();
            if let Some(section) = &passage.section {
                doc.add_text(fields.section, section);
            }
            doc.add_text(fields.text, &passage.text);
            doc.add_u64(fields.passage, u64::from(passage.number));
            doc.add_u64(fields.line_start, u64::from(passage.line_start));
            doc.add_u64(fields.line_end, u64::from(passage.line_end));
            doc.add_u64(
                fields.boilerplate,
                u64::from(passage.kind == PassageKind::Boilerplate),
            );
            doc.add_u64(fields.phash, hash);
            doc
        })
        .collect()
}

/// Maps `f` over `items` on all cores, keeping the order.
fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len())
        .max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = f(item);
                if let Ok(mut slot) = slots[i].lock() {
                    *slot = Some(result);
                }
            });
        }
    });
    slots
        .into_iter()
        .filter_map(|slot| slot.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_drop_only_the_extension_of_the_file_name() {
        assert_eq!(stem("sport/001.txt"), "sport/001");
        assert_eq!(stem("a.b/c"), "a.b/c");
        assert_eq!(stem("x.y.md"), "x.y");
    }

    #[test]
    fn passage_hash_is_the_hash_of_the_normalised_words() {
        assert_eq!(
            passage_hash("  Ça va, ÉTÉ!  2.5 "),
            xxh3_64("ça va été 2 5".as_bytes())
        );
        assert_eq!(passage_hash(""), xxh3_64(b""));
    }

    #[test]
    fn passage_hash_folds_case_punctuation_and_spacing() {
        assert_eq!(
            passage_hash("Sign up for our newsletter!"),
            passage_hash("sign  up for our\nnewsletter")
        );
        assert_ne!(passage_hash("Sign up"), passage_hash("Sign in"));
    }

    #[test]
    fn dates_parse_or_are_refused() {
        let day = parse_date("2025-09-11").unwrap();
        assert_eq!(day.into_timestamp_secs(), 1_757_548_800);
        assert!(parse_date("2025-09-11T10:00:00Z").is_some());
        assert!(parse_date("2025-09-11 10:00").is_some());
        for bad in ["2025-13-45", "yesterday", "2025-02-30", "20250911", ""] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    fn manifest_of(articles: &[&[u64]]) -> Manifest {
        let mut manifest = Manifest::default();
        for (i, phashes) in articles.iter().enumerate() {
            manifest.articles.insert(
                ContentHash(i as u128),
                ArticleRecord {
                    phashes: phashes.to_vec(),
                    ..ArticleRecord::default()
                },
            );
        }
        manifest
    }

    #[test]
    fn a_bio_in_three_unrelated_articles_is_repeated() {
        let bio = 99;
        let m = manifest_of(&[&[1, bio], &[2, bio], &[3, bio]]);
        assert_eq!(repeated_paragraphs(&m, 3), [bio]);
        assert!(repeated_paragraphs(&m, 4).is_empty());
        assert!(repeated_paragraphs(&m, 0).is_empty());
    }

    #[test]
    fn copies_of_one_story_are_not_repeated_boilerplate() {
        let m = manifest_of(&[&[1, 2, 3], &[1, 2, 3, 4], &[1, 2, 3], &[1, 2, 5]]);
        assert!(repeated_paragraphs(&m, 3).is_empty());
        // Articles that are only the paragraph cannot be told apart from copies.
        let m = manifest_of(&[&[7], &[7], &[7]]);
        assert!(repeated_paragraphs(&m, 3).is_empty());
    }

    #[test]
    fn parallel_map_keeps_order() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = parallel_map(&items, |x| x * 2);
        assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }
}

//! Watching the seeds folder: [`watch`] keeps the index in step with the folder while files
//! are created, edited, renamed and deleted, until it is cancelled.
//!
//! The system tells us of changes (inotify, through the `notify` crate and its debouncer),
//! each directory the last sync walked watched on its own, so hidden folders (the index
//! folder among them) and ignored ones are never watched. Events that cannot change the
//! index are dropped ([`Filter`]); the others start a quiet period, and a burst of changes
//! ends in one [`super::sync`], under the update lock for that sync only. Reporting goes
//! to the [`Reporter`], like any sync's; the loop itself prints nothing.

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Result;
use ignore::gitignore::Gitignore;
use notify_debouncer_full::notify::event::{AccessKind, AccessMode};
use notify_debouncer_full::notify::{
    self, Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode,
};
use notify_debouncer_full::{
    new_debouncer_opt, DebounceEventResult, Debouncer, NoCache, RecommendedCache,
};

use super::{sync, Paths, Reporter};
use crate::corpus::{self, IGNORE_FILE};
use crate::indexer::{Options, Progress, Report};
use crate::interrupt::{self, Cancel};
use crate::paths::display_path;
use crate::store::Store;

/// The quiet time a burst of changes must end with before the index is synced.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(300);

/// How often the folder is looked at when the system cannot tell us of changes.
pub const FALLBACK_POLL: Duration = Duration::from_secs(2);

/// How often a seeds folder that is gone is looked for.
const GONE_CHECK: Duration = Duration::from_secs(1);

/// How long the loop blocks on events before it looks at the cancel token again.
const TICK: Duration = Duration::from_millis(50);

/// How to watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchOptions {
    /// A sync starts once no relevant change has come for about this long (and at the
    /// latest ten times this, or two seconds, after the first change of a burst).
    pub debounce: Duration,
    /// Look at the folder this often instead of being told of changes by the system
    /// (network folders, whose changes made on another machine are not notified).
    pub poll: Option<Duration>,
}

impl Default for WatchOptions {
    fn default() -> WatchOptions {
        WatchOptions {
            debounce: DEFAULT_DEBOUNCE,
            poll: None,
        }
    }
}

/// Keeps the index of `paths` in step with its seeds folder until `cancel` is cancelled:
/// syncs once at the start (building the index when there is none), then once after every
/// burst of changes. `on_sync` is called after every sync, committed or not (another
/// process may have committed meanwhile), so a front end can reload its searcher.
///
/// Each sync takes the update lock for itself only, waiting for it when another seedsearch
/// process holds it; between syncs other processes update the index as usual. A seeds
/// folder that disappears (or cannot be read) while watching is warned about and waited
/// for; when it is back, watching goes on with a sync. A failed sync is a warning too, and
/// the next change tries again. A cancel that comes during a sync abandons it without
/// committing, as with `index`: either way the index is as of its last commit.
///
/// Returns `Ok` when cancelled: being stopped is how watching ends.
///
/// # Errors
/// Only at the start: an unusable seeds or index folder, a first sync that fails, or no
/// way at all of watching.
pub fn watch(
    paths: &Paths,
    options: &WatchOptions,
    reporter: &dyn Reporter,
    cancel: &Cancel,
    on_sync: &mut dyn FnMut(&Report),
) -> Result<()> {
    paths.check_apart()?;
    corpus::check_root(&paths.seeds)?;
    // Watching honours a stop at any moment, not only inside a sync.
    let _watching = cancel.guard();
    let reporter = &Summaries::new(reporter);
    let shown = display_path(&paths.seeds);
    let mut watcher = Watcher::new(paths, options, reporter)?;
    if matches!(Store::open(&paths.index), Ok(None)) {
        reporter.note(&format!(
            "no index in {} yet; building it from {shown}",
            display_path(&paths.index)
        ));
    }
    match sync(paths, waiting(), reporter, cancel) {
        Ok(report) => on_sync(&report),
        Err(err) if interrupt::is_interrupted(&err) => {
            reporter.note(&stopped(&shown, true));
            return Ok(());
        }
        Err(err) => return Err(err),
    }
    let mut pending = Burst::default();
    if watcher.reconcile() {
        pending.mark(Instant::now());
    }
    reporter.note(&format!(
        "watching {shown} for changes{}; Ctrl-C stops",
        watcher.how()
    ));
    let quiet = options.debounce * 3 / 4;
    let longest = (options.debounce * 10).max(Duration::from_secs(2));
    let mut gone_since: Option<Instant> = None;
    while !cancel.is_cancelled() {
        match watcher.events.recv_timeout(TICK) {
            Ok(Ok(events)) => {
                if events.iter().any(|event| watcher.matters(event)) {
                    pending.mark(Instant::now());
                }
            }
            Ok(Err(errors)) => {
                if watcher.trouble(errors) {
                    pending.mark(Instant::now());
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                watcher.restart();
                pending.mark(Instant::now());
            }
        }
        let now = Instant::now();
        if let Some(since) = gone_since {
            if now.duration_since(since) < GONE_CHECK {
                continue;
            }
            if corpus::check_root(&paths.seeds).is_err() {
                gone_since = Some(now);
                continue;
            }
            reporter.note(&format!("{shown} is back; syncing the index with it"));
            gone_since = None;
            watcher.restart();
            pending.mark(now);
        }
        if !pending.due(now, quiet, longest) {
            continue;
        }
        pending = Burst::default();
        if let Err(err) = corpus::check_root(&paths.seeds) {
            reporter.warn(&format!(
                "{err:#}; waiting for it to come back (the index keeps its last commit)"
            ));
            gone_since = Some(now);
            continue;
        }
        match sync(paths, waiting(), reporter, cancel) {
            Ok(report) => {
                on_sync(&report);
                watcher.filter.forget_ignore_files();
                if watcher.reconcile() {
                    pending.mark(Instant::now());
                }
            }
            Err(err) if interrupt::is_interrupted(&err) => {
                reporter.note(&stopped(&shown, true));
                return Ok(());
            }
            Err(_) if corpus::check_root(&paths.seeds).is_err() => pending.mark(now),
            Err(err) => reporter.warn(&format!(
                "{err:#}; the index keeps its last commit, and the next change tries again"
            )),
        }
    }
    reporter.note(&stopped(&shown, false));
    Ok(())
}

/// How far a file's modification time may lag the clock the sync read: file times come
/// from the kernel's coarse clock, a tick or so behind.
const COARSE_CLOCK_SLACK_NS: i64 = 100_000_000;

/// Whether a file directly in `dir` was modified after the sync that started at
/// `scanned_ms` looked at the folder: an edit made before the folder's watch was set up,
/// which no event will tell of.
fn holds_file_changed_since(dir: &Path, scanned_ms: u64) -> bool {
    let from = i64::try_from(scanned_ms)
        .unwrap_or(i64::MAX)
        .saturating_mul(1_000_000)
        .saturating_sub(COARSE_CLOCK_SLACK_NS);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return true;
    };
    entries.flatten().any(|entry| {
        entry
            .metadata()
            .is_ok_and(|meta| meta.is_file() && corpus::mtime_ns(&meta) >= from)
    })
}

/// A sync that waits for the update lock instead of failing when another process has it.
fn waiting() -> Options {
    Options {
        wait: true,
        ..Options::default()
    }
}

fn stopped(shown: &str, mid_sync: bool) -> String {
    if mid_sync {
        format!(
            "stopped watching {shown}; the sync in progress was abandoned and the index keeps \
             its last commit (the next sync picks up the changes)"
        )
    } else {
        format!("stopped watching {shown}; the index is as of its last sync")
    }
}

/// The relevant changes seen since the last sync: when the first and the last came.
#[derive(Debug, Default, Clone, Copy)]
struct Burst {
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Burst {
    fn mark(&mut self, now: Instant) {
        self.first.get_or_insert(now);
        self.last = Some(now);
    }

    /// Whether the burst is over (quiet for `quiet`), or has gone on for `longest`.
    fn due(&self, now: Instant, quiet: Duration, longest: Duration) -> bool {
        match (self.first, self.last) {
            (Some(first), Some(last)) => {
                now.duration_since(last) >= quiet || now.duration_since(first) >= longest
            }
            _ => false,
        }
    }
}

/// The system's watcher with notify's debouncer, or the polling one.
enum Backend {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl Backend {
    fn new(
        poll: Option<Duration>,
        timeout: Duration,
    ) -> notify::Result<(Backend, Receiver<DebounceEventResult>)> {
        let (tx, rx) = mpsc::channel();
        let backend = match poll {
            None => Backend::Native(new_debouncer_opt::<_, RecommendedWatcher, _>(
                timeout,
                None,
                tx,
                RecommendedCache::new(),
                notify::Config::default(),
            )?),
            Some(interval) => Backend::Poll(new_debouncer_opt::<_, PollWatcher, _>(
                timeout,
                None,
                tx,
                NoCache::new(),
                notify::Config::default().with_poll_interval(interval),
            )?),
        };
        Ok((backend, rx))
    }

    fn watch(&mut self, dir: &Path) -> notify::Result<()> {
        match self {
            Backend::Native(d) => d.watch(dir, RecursiveMode::NonRecursive),
            Backend::Poll(d) => d.watch(dir, RecursiveMode::NonRecursive),
        }
    }

    fn unwatch(&mut self, dir: &Path) {
        // A folder that is gone has lost its watch already.
        let _ = match self {
            Backend::Native(d) => d.unwatch(dir),
            Backend::Poll(d) => d.unwatch(dir),
        };
    }
}

/// The watches on the seeds folder's directories, and what their events mean.
struct Watcher<'a> {
    paths: &'a Paths,
    reporter: &'a dyn Reporter,
    /// The debouncer's timeout: a quarter of the debounce, the rest is our quiet period.
    timeout: Duration,
    poll: Option<Duration>,
    backend: Backend,
    events: Receiver<DebounceEventResult>,
    /// Watched directories, relative to the seeds folder, with their inode (a folder
    /// deleted and made again under its name needs a new watch).
    watched: HashMap<String, u64>,
    filter: Filter,
    /// Problems of the watcher already told, so that each is told once.
    told: HashSet<String>,
}

impl<'a> Watcher<'a> {
    fn new(
        paths: &'a Paths,
        options: &WatchOptions,
        reporter: &'a dyn Reporter,
    ) -> Result<Watcher<'a>> {
        let timeout = (options.debounce / 4).max(Duration::from_millis(5));
        let mut poll = options.poll;
        let (backend, events) = match Backend::new(poll, timeout) {
            Ok(made) => made,
            Err(err) if poll.is_none() => {
                reporter.warn(&format!(
                    "cannot be told of changes by the system ({}); {}",
                    describe(&err),
                    polling_instead()
                ));
                poll = Some(FALLBACK_POLL);
                Backend::new(poll, timeout).map_err(|err| {
                    anyhow::anyhow!(
                        "cannot watch {}: {}",
                        display_path(&paths.seeds),
                        describe(&err)
                    )
                })?
            }
            Err(err) => {
                anyhow::bail!(
                    "cannot watch {}: {}",
                    display_path(&paths.seeds),
                    describe(&err)
                )
            }
        };
        Ok(Watcher {
            paths,
            reporter,
            timeout,
            poll,
            backend,
            events,
            watched: HashMap::new(),
            filter: Filter::new(paths),
            told: HashSet::new(),
        })
    }

    /// How changes are found, when it is not the usual way.
    fn how(&self) -> String {
        match self.poll {
            None => String::new(),
            Some(every) => format!(" (looking every {} s)", every.as_secs_f64()),
        }
    }

    fn matters(&mut self, event: &Event) -> bool {
        self.filter.matters(event, &self.watched)
    }

    /// Starts the watcher afresh (the seeds folder came back, or the watcher stopped).
    fn restart(&mut self) {
        match Backend::new(self.poll, self.timeout) {
            Ok((backend, events)) => {
                self.backend = backend;
                self.events = events;
            }
            Err(err) => self.tell(&format!("cannot restart watching ({})", describe(&err))),
        }
        self.watched.clear();
    }

    /// Switches to polling, when the system ran out of watches.
    fn fall_back_to_polling(&mut self, err: &notify::Error) {
        self.reporter
            .warn(&format!("{}; {}", describe(err), polling_instead()));
        self.poll = Some(FALLBACK_POLL);
        self.restart();
    }

    /// Reports the watcher's errors; whether a sync should follow (changes may have been
    /// missed).
    fn trouble(&mut self, errors: Vec<notify::Error>) -> bool {
        let mut missed = false;
        for err in errors {
            if matches!(err.kind, notify::ErrorKind::MaxFilesWatch) && self.poll.is_none() {
                self.fall_back_to_polling(&err);
                missed = true;
            } else if !is_gone(&err) {
                self.tell(&format!("watching: {}", describe(&err)));
            }
        }
        if missed {
            self.reconcile();
        }
        missed
    }

    fn tell(&mut self, message: &str) {
        if self.told.insert(message.to_string()) {
            self.reporter.warn(message);
        }
    }

    /// Watches exactly the directories the last sync walked (so hidden and ignored ones
    /// never), and returns whether a newly watched one changed since that sync walked it:
    /// changes made before its watch was set up are not missed.
    fn reconcile(&mut self) -> bool {
        let (dirs, scanned_ms) =
            match Store::open(&self.paths.index).and_then(|store| match store {
                Some(store) => {
                    let payload = store.payload()?;
                    Ok((payload.dirs, payload.scanned_ms))
                }
                None => Ok((Vec::new(), 0)),
            }) {
                Ok(found) => found,
                Err(err) => {
                    self.tell(&format!("{err:#}; the folders to watch are not known"));
                    return false;
                }
            };
        let root = &self.paths.seeds_root;
        let wanted: HashMap<String, (PathBuf, i64)> = dirs
            .into_iter()
            .filter(|d| d.rel != IGNORE_FILE && !d.rel.ends_with(&format!("/{IGNORE_FILE}")))
            .map(|d| {
                let path = if d.rel.is_empty() {
                    root.clone()
                } else {
                    root.join(&d.rel)
                };
                (d.rel, (path, d.mtime_ns))
            })
            .collect();
        let inode = |path: &Path| std::fs::metadata(path).ok().map(|m| m.ino());
        let stale: Vec<String> = self
            .watched
            .iter()
            .filter(|(rel, ino)| {
                wanted
                    .get(*rel)
                    .is_none_or(|(path, _)| inode(path) != Some(**ino))
            })
            .map(|(rel, _)| rel.clone())
            .collect();
        for rel in stale {
            self.watched.remove(&rel);
            let path = if rel.is_empty() {
                root.clone()
            } else {
                root.join(&rel)
            };
            self.backend.unwatch(&path);
        }
        let mut changed = false;
        let mut rels: Vec<&String> = wanted.keys().collect();
        rels.sort();
        for rel in rels {
            if self.watched.contains_key(rel) {
                continue;
            }
            let (path, stamp) = &wanted[rel];
            let Some(ino) = inode(path) else {
                changed = true;
                continue;
            };
            match self.backend.watch(path) {
                Ok(()) => {
                    self.watched.insert(rel.clone(), ino);
                    // A file added or renamed changes the folder's time; one edited in
                    // place since the sync looked does not, so its own time tells.
                    changed |= corpus::modified_ns(path) != Some(*stamp)
                        || holds_file_changed_since(path, scanned_ms);
                }
                Err(err) if matches!(err.kind, notify::ErrorKind::MaxFilesWatch) => {
                    if self.poll.is_none() {
                        self.fall_back_to_polling(&err);
                        self.reconcile();
                        return true;
                    }
                    self.tell(&format!(
                        "watching {}: {}",
                        display_path(path),
                        describe(&err)
                    ));
                }
                Err(err) if is_gone(&err) => changed = true,
                Err(err) => {
                    self.tell(&format!(
                        "cannot watch {} ({}); its changes are seen only at the next sync",
                        display_path(path),
                        describe(&err)
                    ));
                }
            }
        }
        changed
    }
}

fn polling_instead() -> String {
    format!(
        "looking at the folder every {} s instead",
        FALLBACK_POLL.as_secs()
    )
}

/// A watcher error as a sentence a user can act on.
fn describe(err: &notify::Error) -> String {
    match &err.kind {
        notify::ErrorKind::MaxFilesWatch => "the system's limit of inotify watches is reached \
             (raise it with `sysctl fs.inotify.max_user_watches=524288`, or close other \
             programs that watch many folders)"
            .into(),
        notify::ErrorKind::Io(io) if io.raw_os_error() == Some(24) => format!(
            "{io}: the system's limit of inotify instances may be reached (raise it with \
             `sysctl fs.inotify.max_user_instances=1024`)"
        ),
        _ => err.to_string(),
    }
}

/// Whether a watcher error only says that a watched path is gone.
fn is_gone(err: &notify::Error) -> bool {
    match &err.kind {
        notify::ErrorKind::PathNotFound | notify::ErrorKind::WatchNotFound => true,
        notify::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::NotFound,
        _ => false,
    }
}

/// Which events can change the index: a change (not a read) to an article file, a
/// folder, an ignore file or the seeds folder itself, outside hidden and ignored places.
/// seedsearch's own files are all hidden (the index folder inside the seeds folder,
/// `.ss-*` journal files, `.seedsearch-*.tmp`), and so are editors' swap files; a probe
/// such as vim's `4913` or a `*.tmp` is not an article; so none of these starts a sync.
struct Filter {
    root: PathBuf,
    /// The index folder, resolved.
    index: PathBuf,
    /// The ignore file of each folder looked at since the last sync (`None`: it has none).
    ignore_files: HashMap<PathBuf, Option<Gitignore>>,
}

impl Filter {
    fn new(paths: &Paths) -> Filter {
        Filter {
            root: paths.seeds_root.clone(),
            index: crate::paths::resolve_root(&paths.index),
            ignore_files: HashMap::new(),
        }
    }

    /// Ignore files may have changed: they are read again.
    fn forget_ignore_files(&mut self) {
        self.ignore_files.clear();
    }

    fn matters(&mut self, event: &Event, watched: &HashMap<String, u64>) -> bool {
        if event.need_rescan() {
            return true;
        }
        match event.kind {
            // A file written and closed is a change; opening and reading one (our own
            // sync reading the articles) is not.
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
            EventKind::Access(_) => return false,
            _ => {}
        }
        event
            .paths
            .iter()
            .any(|path| self.path_matters(path, watched))
    }

    fn path_matters(&mut self, path: &Path, watched: &HashMap<String, u64>) -> bool {
        if path.starts_with(&self.index) && self.index != self.root {
            return false;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let parts: Vec<&str> = match rel.components().map(|c| c.as_os_str().to_str()).collect() {
            Some(parts) => parts,
            // A name that is not UTF-8 is never indexed.
            None => return false,
        };
        let Some((name, folders)) = parts.split_last() else {
            // The seeds folder itself: deleted, moved, or its permissions changed.
            return true;
        };
        if folders.iter().any(|f| f.starts_with('.')) {
            return false;
        }
        if *name == IGNORE_FILE {
            return true;
        }
        if name.starts_with('.') {
            return false;
        }
        let is_dir = watched.contains_key(&parts.join("/")) || path.is_dir();
        if !is_dir && !corpus::is_article_name(name) {
            return false;
        }
        !self.ignored(path, is_dir)
    }

    /// Whether `.seedsearchignore` files keep `path` out of the index: the deepest folder
    /// whose file says anything about it decides, as for the walk.
    fn ignored(&mut self, path: &Path, is_dir: bool) -> bool {
        let mut folder = path.parent();
        while let Some(dir) = folder {
            if !dir.starts_with(&self.root) {
                break;
            }
            let matcher = self
                .ignore_files
                .entry(dir.to_path_buf())
                .or_insert_with(|| {
                    let file = dir.join(IGNORE_FILE);
                    // What parses is used, as the walk does.
                    file.is_file().then(|| Gitignore::new(&file).0)
                });
            if let Some(matcher) = matcher {
                let found = matcher.matched_path_or_any_parents(path, is_dir);
                if found.is_ignore() {
                    return true;
                }
                if found.is_whitelist() {
                    return false;
                }
            }
            if dir == self.root {
                break;
            }
            folder = dir.parent();
        }
        false
    }
}

/// Tells `inner` everything but the progress of a watch's syncs: a bar drawn between the
/// summary lines of a long-running command would only flicker.
struct Summaries<'a> {
    inner: &'a dyn Reporter,
    first: AtomicBool,
}

impl<'a> Summaries<'a> {
    fn new(inner: &'a dyn Reporter) -> Summaries<'a> {
        Summaries {
            inner,
            first: AtomicBool::new(true),
        }
    }
}

impl Progress for Summaries<'_> {
    fn start(&self, total: u64) {
        // The first sync may be a whole build: it shows its bar.
        if self.first.load(Ordering::Relaxed) {
            self.inner.start(total);
        }
    }
    fn advance(&self) {
        if self.first.load(Ordering::Relaxed) {
            self.inner.advance();
        }
    }
    fn finish(&self) {
        if self.first.load(Ordering::Relaxed) {
            self.inner.finish();
        }
    }
}

impl Reporter for Summaries<'_> {
    fn note(&self, message: &str) {
        self.inner.note(message);
    }
    fn warn(&self, message: &str) {
        self.inner.warn(message);
    }
    fn synced(&self, report: &Report, paths: &Paths) {
        self.first.store(false, Ordering::Relaxed);
        self.inner.synced(report, paths);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RemoveKind, RenameMode};

    fn event(kind: EventKind, paths: &[&Path]) -> Event {
        let mut event = Event::new(kind);
        for path in paths {
            event = event.add_path(path.to_path_buf());
        }
        event
    }

    #[test]
    fn a_file_edited_after_the_sync_looked_is_told_from_older_ones() {
        // An edit in place leaves the folder's time alone: a folder first watched after a
        // sync is checked file by file for edits the sync may have missed.
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("old.txt"), "Old\n\nText.\n").unwrap();
        let old = corpus::modified_ns(&dir.join("old.txt")).unwrap();
        let ms = |ns: i64| u64::try_from(ns / 1_000_000).unwrap();
        // Scanned well after the file was written: nothing to see.
        assert!(!holds_file_changed_since(dir, ms(old) + 1_000));
        // Scanned before it was written (the write came while the sync ran): told.
        assert!(holds_file_changed_since(dir, ms(old) - 1_000));
        // Folders are not files; a folder that cannot be read is told as changed.
        std::fs::create_dir(dir.join("sub")).unwrap();
        assert!(!holds_file_changed_since(dir, ms(old) + 1_000));
        assert!(holds_file_changed_since(&dir.join("missing"), 0));
    }

    fn setup() -> (tempfile::TempDir, Paths, Filter) {
        let tmp = tempfile::tempdir().unwrap();
        let seeds = tmp.path().join("seeds");
        std::fs::create_dir_all(seeds.join("world")).unwrap();
        std::fs::create_dir_all(seeds.join("drafts")).unwrap();
        std::fs::create_dir_all(seeds.join(".index")).unwrap();
        std::fs::write(seeds.join(IGNORE_FILE), "drafts/\nREADME.txt\n").unwrap();
        let paths = Paths::new(&seeds, seeds.join(".index"));
        let filter = Filter::new(&paths);
        (tmp, paths, filter)
    }

    #[test]
    fn changes_to_articles_folders_and_ignore_files_matter() {
        let (_tmp, paths, mut filter) = setup();
        let root = paths.seeds_root.clone();
        let none = HashMap::new();
        let create = EventKind::Create(CreateKind::File);
        for path in [
            root.join("a.txt"),
            root.join("world/b.md"),
            root.join("world"),
            root.join(IGNORE_FILE),
            root.join("world").join(IGNORE_FILE),
            root.clone(),
        ] {
            assert!(filter.matters(&event(create, &[&path]), &none), "{path:?}");
        }
        let written = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert!(filter.matters(&event(written, &[&root.join("a.txt")]), &none));
        // A folder that is gone is known by the watches.
        let gone = EventKind::Remove(RemoveKind::Folder);
        let sub = root.join("sport");
        assert!(!filter.matters(&event(gone, &[&sub]), &none));
        let watched = HashMap::from([("sport".to_string(), 1)]);
        assert!(filter.matters(&event(gone, &[&sub]), &watched));
        // A temporary file renamed over an article.
        let rename = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        let (tmp, article) = (root.join("a.txt.tmp"), root.join("a.txt"));
        assert!(filter.matters(&event(rename, &[&tmp, &article]), &none));
    }

    #[test]
    fn reads_hidden_files_our_own_files_and_ignored_files_do_not() {
        let (_tmp, paths, mut filter) = setup();
        let root = paths.seeds_root.clone();
        let none = HashMap::new();
        let opened = EventKind::Access(AccessKind::Open(AccessMode::Read));
        let read_close = EventKind::Access(AccessKind::Close(AccessMode::Read));
        for kind in [opened, read_close] {
            assert!(!filter.matters(&event(kind, &[&root.join("a.txt")]), &none));
        }
        let modify = EventKind::Modify(ModifyKind::Any);
        for path in [
            root.join(".index/meta.json"),
            root.join(".index/seedsearch.lock"),
            root.join(".index"),
            root.join(".ss-00ab-1.txt"),
            root.join("world/.seedsearch-x.tmp"),
            root.join(".a.txt.swp"),
            root.join("4913"),
            root.join("a.txt~"),
            root.join("a.txt.tmp"),
            root.join("notes.html"),
            root.join("README.txt"),
            root.join("drafts/idea.txt"),
            root.join("drafts"),
            root.join(".git/objects/x.txt"),
            PathBuf::from("/elsewhere/a.txt"),
        ] {
            assert!(!filter.matters(&event(modify, &[&path]), &none), "{path:?}");
        }
    }

    #[test]
    fn an_index_outside_the_seeds_folder_is_not_confused_with_it() {
        let tmp = tempfile::tempdir().unwrap();
        let seeds = tmp.path().join("seeds");
        std::fs::create_dir_all(&seeds).unwrap();
        let paths = Paths::new(&seeds, tmp.path().join("index"));
        let mut filter = Filter::new(&paths);
        let create = EventKind::Create(CreateKind::File);
        let article = paths.seeds_root.join("a.txt");
        assert!(filter.matters(&event(create, &[&article]), &HashMap::new()));
    }

    #[test]
    fn a_burst_is_due_when_quiet_or_too_long() {
        let start = Instant::now();
        let ms = Duration::from_millis;
        let mut burst = Burst::default();
        assert!(!burst.due(start, ms(10), ms(100)));
        burst.mark(start);
        assert!(!burst.due(start + ms(5), ms(10), ms(100)));
        assert!(burst.due(start + ms(10), ms(10), ms(100)));
        for step in 1..=20 {
            burst.mark(start + ms(step * 5));
        }
        assert!(!burst.due(start + ms(99), ms(10), ms(100)));
        assert!(burst.due(start + ms(100), ms(10), ms(100)));
    }

    #[test]
    fn running_out_of_watches_is_said_plainly() {
        let err = notify::Error::new(notify::ErrorKind::MaxFilesWatch);
        let said = describe(&err);
        assert!(said.contains("limit of inotify watches"), "{said}");
        assert!(said.contains("max_user_watches"), "{said}");
    }
}

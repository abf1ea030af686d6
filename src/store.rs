//! The index folder: recognising it, creating and opening it safely, and the state each
//! commit records.
//!
//! A folder is only ever written to if it is new, empty, or already marked as ours by
//! [`MARKER`]: pointing `--index` at a folder of other files never touches them, not even
//! with `--rebuild`. Each tantivy commit carries a small [`Payload`] (the seeds folder, the
//! time of the scan, folder stamps and the name of the manifest file written for that
//! commit), so the passages and the manifest describing them are switched atomically.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{Index, IndexSettings};

use crate::article::Why;
use crate::corpus::DirStamp;
use crate::manifest::Manifest;
use crate::schema::{self, Fields, FORMAT_VERSION};

/// What to tell a user whose index cannot be used as it is.
pub const REBUILD_HINT: &str = "run `seedsearch index --rebuild`";

/// The file that marks a folder as a seedsearch index.
pub const MARKER: &str = "seedsearch.json";
const MANIFEST_PREFIX: &str = "manifest-";
const MANIFEST_SUFFIX: &str = ".bin";
/// Files a version-control checkout or a user may keep in an otherwise empty index folder,
/// and the two an update makes before the index exists (its lock and its journal).
const HARMLESS: &[&str] = &[".gitignore", ".gitkeep", ".keep", UPDATE_LOCK, JOURNAL];
/// The file every update locks, from its first check to its commit: one update of the
/// seeds folder and the index at a time. Searches never take it.
pub const UPDATE_LOCK: &str = "seedsearch.lock";
/// What an `add` or `remove` in progress changes in the seeds folder, so that the next
/// update can finish or undo it if the process was killed.
pub const JOURNAL: &str = "seedsearch-journal.json";
/// Files tantivy writes outside its `.managed.json` list.
const TANTIVY_FILES: &[&str] = &[
    "meta.json",
    ".managed.json",
    ".tantivy-meta.lock",
    ".tantivy-writer.lock",
];

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    tool: String,
    format: u32,
    created_by: String,
}

/// What a folder given as the index location holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Inspection {
    Missing,
    /// Exists and holds nothing (or only `.gitignore`-like files).
    Empty,
    /// A seedsearch index of the given format.
    Ours {
        format: u32,
    },
    /// Recognisably a seedsearch index (its tantivy metadata has our schema) whose marker
    /// is lost or unreadable: what `--rebuild` repairs.
    Damaged {
        problem: String,
    },
    /// Something else; one of its entries, for the message.
    Foreign {
        example: String,
    },
}

/// Looks at a folder without changing anything.
///
/// # Errors
/// When the path exists but cannot be read, or is a file.
pub fn inspect(dir: &Path) -> Result<Inspection> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Inspection::Missing),
        Err(err) if dir.is_file() => {
            return Err(anyhow!(err)).with_context(|| {
                format!(
                    "the index location {} is a file, not a folder",
                    crate::paths::display_path(dir)
                )
            })
        }
        Err(err) => {
            return Err(anyhow!(err)).with_context(|| {
                format!(
                    "cannot read the index folder {}",
                    crate::paths::display_path(dir)
                )
            })
        }
    };
    let marker = dir.join(MARKER);
    let marker_problem = match fs::read(&marker) {
        Ok(bytes) => match serde_json::from_slice::<Marker>(&bytes) {
            Ok(parsed) if parsed.tool == "seedsearch" => {
                return Ok(Inspection::Ours {
                    format: parsed.format,
                })
            }
            Ok(_) => format!("has a {MARKER} that names another tool"),
            Err(err) => format!("has a damaged {MARKER} ({err})"),
        },
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => format!("has lost its {MARKER}"),
        Err(err) => {
            return Err(anyhow!(err))
                .with_context(|| format!("cannot read {}", crate::paths::display_path(&marker)))
        }
    };
    // Without a sound marker, only tantivy metadata with exactly our schema says the
    // folder is ours: a folder of other files is never taken for a damaged index.
    if has_our_schema(dir) {
        return Ok(Inspection::Damaged {
            problem: marker_problem,
        });
    }
    for entry in entries {
        let entry = entry.with_context(|| {
            format!(
                "cannot read the index folder {}",
                crate::paths::display_path(dir)
            )
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !HARMLESS.contains(&name.as_str()) && name != MARKER {
            return Ok(Inspection::Foreign { example: name });
        }
    }
    if marker.exists() {
        // A damaged marker alone: nothing of an index to lose, and nothing to rebuild from.
        return Ok(Inspection::Foreign {
            example: MARKER.into(),
        });
    }
    Ok(Inspection::Empty)
}

/// Whether `dir/meta.json` is tantivy metadata whose schema is exactly ours.
fn has_our_schema(dir: &Path) -> bool {
    let Ok(text) = fs::read(dir.join("meta.json")) else {
        return false;
    };
    let Ok(meta) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return false;
    };
    let (schema, _) = schema::build();
    serde_json::to_value(&schema).is_ok_and(|ours| meta.get("schema") == Some(&ours))
}

/// The state recorded with each commit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Payload {
    /// Increases by one with every commit; names the manifest file.
    pub generation: u64,
    /// The seeds folder the index was last synced with (absolute).
    pub seeds: PathBuf,
    /// When the scan of the last sync started, in milliseconds since the Unix epoch.
    pub scanned_ms: u64,
    /// Every folder of the seeds folder with its modification time at that scan.
    pub dirs: Vec<DirStamp>,
    /// Indexed files and distinct articles after the commit.
    pub files: u64,
    pub articles: u64,
    pub passages: u64,
    /// The repeated-paragraph rule in force (articles needed), once set.
    #[serde(default)]
    pub boilerplate_repeats: Option<u32>,
    /// Text hashes of paragraphs that rule marks as boilerplate.
    #[serde(default)]
    pub repeated: Repeated,
}

/// The paragraphs that are boilerplate because they repeat across unrelated articles, by
/// [`crate::article::passage_hash`], sorted: the one place that decides whether a passage
/// is boilerplate, for searches and views alike.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Repeated(Vec<u64>);

impl Repeated {
    /// The set of these passage hashes.
    pub fn new(mut hashes: Vec<u64>) -> Repeated {
        hashes.sort_unstable();
        hashes.dedup();
        Repeated(hashes)
    }

    pub fn contains(&self, phash: u64) -> bool {
        self.0.binary_search(&phash).is_ok()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn hashes(&self) -> &[u64] {
        &self.0
    }

    /// Whether a passage marked (or not) by the splitter, with this text hash, is
    /// boilerplate, and why.
    pub fn why(&self, marked: bool, phash: u64) -> Option<Why> {
        if marked {
            Some(Why::Marked)
        } else if self.contains(phash) {
            Some(Why::Repeated)
        } else {
            None
        }
    }
}

/// An opened index.
pub struct Store {
    pub dir: PathBuf,
    pub index: Index,
    pub fields: Fields,
}

impl Store {
    /// Opens an existing index for searching; `None` when there is none yet (the folder is
    /// missing or empty). Never writes.
    ///
    /// # Errors
    /// When the folder holds something else, an index of another format, or a damaged one.
    pub fn open(dir: &Path) -> Result<Option<Store>> {
        match inspect(dir)? {
            Inspection::Missing | Inspection::Empty => Ok(None),
            Inspection::Foreign { example } => Err(foreign_error(dir, &example)),
            Inspection::Damaged { problem } => Err(damaged_error(dir, &problem)),
            Inspection::Ours { format } if format != FORMAT_VERSION => {
                Err(incompatible_error(dir, format))
            }
            Inspection::Ours { .. } => {
                if !dir.join("meta.json").exists() {
                    return Ok(None);
                }
                Self::open_read_only(dir).map(Some)
            }
        }
    }

    fn open_existing(dir: &Path) -> Result<Store> {
        Self::open_with(dir, |d| Ok(Box::new(d)))
    }

    /// Opens an index for reading only: no lock file is created, so an index on read-only
    /// media can be searched.
    fn open_read_only(dir: &Path) -> Result<Store> {
        Self::open_with(dir, |d| Ok(Box::new(ReadOnlyDirectory(d))))
    }

    fn open_with(
        dir: &Path,
        wrap: impl Fn(MmapDirectory) -> Result<Box<dyn Directory>>,
    ) -> Result<Store> {
        let damaged = || {
            format!(
                "cannot open the index in {}; if it is damaged, {REBUILD_HINT}",
                crate::paths::display_path(dir)
            )
        };
        let directory = wrap(MmapDirectory::open(dir).with_context(damaged)?)?;
        let index = Index::open(directory).with_context(damaged)?;
        schema::register_tokenizers(&index);
        let fields = schema::fields_of(&index.schema()).with_context(damaged)?;
        Ok(Store {
            dir: dir.to_path_buf(),
            index,
            fields,
        })
    }

    /// Opens the index for an update, creating it when the folder is missing or empty.
    /// With `rebuild`, an index that is damaged or of an incompatible format is deleted
    /// first (only the files it is made of); a sound one is kept, to be emptied inside the
    /// next commit (so that a killed rebuild leaves it searchable).
    ///
    /// # Errors
    /// When the folder holds something else, holds an incompatible or damaged index and
    /// `rebuild` is off, or cannot be written.
    pub fn open_or_create(dir: &Path, rebuild: bool) -> Result<Store> {
        match inspect(dir)? {
            Inspection::Foreign { example } => Err(foreign_error(dir, &example)),
            Inspection::Damaged { problem } => {
                if !rebuild {
                    return Err(damaged_error(dir, &problem));
                }
                remove_index_files(dir)?;
                Self::create(dir)
            }
            Inspection::Ours { format } if format != FORMAT_VERSION => {
                if !rebuild {
                    return Err(incompatible_error(dir, format));
                }
                remove_index_files(dir)?;
                Self::create(dir)
            }
            Inspection::Ours { .. } if dir.join("meta.json").exists() => {
                // Every segment is opened before an update: an index whose files are
                // damaged is not "up to date", and a rebuild must not build on it.
                let opened = Self::open_existing(dir).and_then(|store| {
                    store.payload()?;
                    store.open_segments()?;
                    // A rebuild reads every file anyway; one whose checksum fails would
                    // stop it (tantivy may panic on it), so it starts afresh instead.
                    if rebuild && !guarded(|| store.index.validate_checksum())?.is_empty() {
                        return Err(anyhow!("damaged segment files"));
                    }
                    Ok(store)
                });
                match opened {
                    Ok(store) => Ok(store),
                    Err(_) if rebuild => {
                        remove_index_files(dir)?;
                        Self::create(dir)
                    }
                    Err(err) => Err(err),
                }
            }
            Inspection::Missing | Inspection::Empty | Inspection::Ours { .. } => Self::create(dir),
        }
    }

    /// Opens a reader on every segment of the last commit, retrying (as [`Store::reader`]
    /// does) when a concurrent commit deleted files mid-open.
    fn open_segments(&self) -> Result<()> {
        let mut attempt = 0;
        loop {
            let result = guarded(|| -> tantivy::Result<tantivy::IndexReader> {
                self.index
                    .reader_builder()
                    .reload_policy(tantivy::ReloadPolicy::Manual)
                    .try_into()
            });
            match result {
                Ok(_) => return Ok(()),
                Err(_) if attempt < 2 => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(err) => return Err(err.context(self.damaged())),
            }
        }
    }

    fn create(dir: &Path) -> Result<Store> {
        let shown = crate::paths::display_path(dir);
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the index folder {shown}"))?;
        // The marker goes first: a crash right after leaves a folder we recognise as ours.
        let marker = Marker {
            tool: "seedsearch".into(),
            format: FORMAT_VERSION,
            created_by: concat!("seedsearch ", env!("CARGO_PKG_VERSION")).into(),
        };
        let json = serde_json::to_vec_pretty(&marker)?;
        write_under_lock(&dir.join(MARKER), &json)
            .with_context(|| format!("cannot write to the index folder {shown}"))?;
        let (schema, fields) = schema::build();
        let directory = MmapDirectory::open(dir)
            .with_context(|| format!("cannot open the index folder {shown}"))?;
        let index = match Index::builder()
            .schema(schema)
            .settings(index_settings())
            .open_or_create(directory)
        {
            Ok(index) => index,
            Err(err) => {
                return Err(anyhow!(err))
                    .with_context(|| format!("cannot create an index in {shown}"))
            }
        };
        schema::register_tokenizers(&index);
        Ok(Store {
            dir: dir.to_path_buf(),
            index,
            fields,
        })
    }

    /// An empty index in memory, with the same schema, settings and analyzers as one on
    /// disk: for unit tests (tantivy's own tests do the same) and for indexing a few
    /// passages on the fly.
    pub fn in_ram() -> Store {
        let (schema, fields) = schema::build();
        let index = Index::builder()
            .schema(schema)
            .settings(index_settings())
            .create_in_ram()
            .unwrap_or_else(|e| unreachable!("an index in memory cannot fail to open: {e}"));
        schema::register_tokenizers(&index);
        Store {
            dir: PathBuf::new(),
            index,
            fields,
        }
    }

    /// A reader on the last commit. A commit by another process can delete the files of
    /// the state being opened (the price of taking no lock: searches open the index
    /// through a directory that skips tantivy's meta lock), so a failed open is retried on
    /// the newer state.
    ///
    /// # Errors
    /// When the index cannot be read three times in a row.
    pub fn reader(&mut self) -> Result<tantivy::IndexReader> {
        let mut attempt = 0;
        loop {
            let result = self
                .index
                .reader_builder()
                .reload_policy(tantivy::ReloadPolicy::Manual)
                .try_into();
            match result {
                Ok(reader) => return Ok(reader),
                Err(_) if attempt < 2 => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    *self = Self::open_read_only(&self.dir)?;
                }
                Err(err) => return Err(anyhow!(err)).with_context(|| self.damaged()),
            }
        }
    }

    /// The context of an error reading the index's own files.
    fn damaged(&self) -> String {
        format!(
            "cannot read the index in {}; if it is damaged, {REBUILD_HINT}",
            self.shown()
        )
    }

    /// The state recorded by the last commit (the default before the first one).
    ///
    /// # Errors
    /// When tantivy's metadata cannot be read or the payload is not ours.
    pub fn payload(&self) -> Result<Payload> {
        let metas = self.index.load_metas().with_context(|| self.damaged())?;
        match metas.payload {
            None => Ok(Payload::default()),
            Some(text) => serde_json::from_str(&text).with_context(|| {
                format!(
                    "the index in {} has an unreadable commit record; {REBUILD_HINT}",
                    self.shown()
                )
            }),
        }
    }

    /// The manifest committed with `payload` (empty before the first commit), or that of a
    /// later commit: a commit by another process since `payload` was read deletes its
    /// manifest (searches take no lock), and then the newer one is read, as
    /// [`Store::reader`] reopens the newer state.
    ///
    /// # Errors
    /// When the manifest file is missing or unreadable.
    pub fn manifest(&self, payload: &Payload) -> Result<Manifest> {
        let mut generation = payload.generation;
        let mut attempt = 0;
        loop {
            if generation == 0 {
                return Ok(Manifest::default());
            }
            let path = self.dir.join(manifest_name(generation));
            let shown = crate::paths::display_path(&path);
            match fs::read(&path) {
                Ok(bytes) => {
                    return Manifest::from_bytes(&bytes)
                        .with_context(|| format!("{shown} is damaged; {REBUILD_HINT}"))
                }
                Err(err) if err.kind() == std::io::ErrorKind::NotFound && attempt < 3 => {
                    attempt += 1;
                    let now = self.payload()?.generation;
                    if now == generation {
                        return Err(anyhow!(err))
                            .with_context(|| format!("cannot read {shown}; {REBUILD_HINT}"));
                    }
                    generation = now;
                }
                Err(err) => {
                    return Err(anyhow!(err))
                        .with_context(|| format!("cannot read {shown}; {REBUILD_HINT}"))
                }
            }
        }
    }

    /// Writes the manifest for the commit of `generation` (before that commit).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write_manifest(&self, generation: u64, manifest: &Manifest) -> Result<()> {
        let path = self.dir.join(manifest_name(generation));
        let bytes = manifest.to_bytes()?;
        write_under_lock(&path, &bytes)
            .with_context(|| format!("cannot write {}", crate::paths::display_path(&path)))
    }

    /// Deletes manifest files other than the one of `generation` (left by earlier commits
    /// or by runs that were interrupted before committing), and temporary files of
    /// [`write_under_lock`] that killed runs left. Called under the update lock.
    pub fn remove_stale_manifests(&self, generation: u64) {
        let keep = manifest_name(generation);
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale_manifest = is_manifest_name(&name) && name != keep;
            if stale_manifest || is_manifest_temp(&name) || is_locked_temp(&name) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// Size of the index on disk, in bytes.
    pub fn size_on_disk(&self) -> u64 {
        fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }

    fn shown(&self) -> String {
        crate::paths::display_path(&self.dir)
    }
}

/// What [`check`] found in a sound index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Soundness {
    /// The commit checked.
    pub generation: u64,
    pub segments: usize,
    /// Indexed files and distinct articles the manifest lists.
    pub seed_files: u64,
    pub articles: u64,
}

/// Verifies the index in `dir` without changing it: its marker, tantivy's metadata, the
/// commit record, every segment (opened, and every file's checksum compared) and the
/// manifest (read, and its totals compared with the commit record's).
///
/// # Errors
/// One error naming everything that is wrong, with the way out; also when there is no
/// index, or the folder is not one.
pub fn check(dir: &Path) -> Result<Soundness> {
    let shown = crate::paths::display_path(dir);
    match inspect(dir)? {
        Inspection::Missing | Inspection::Empty => {
            return Err(anyhow!(
                "there is no index in {shown} yet; run `seedsearch index` to build it"
            ))
        }
        Inspection::Foreign { example } => return Err(foreign_error(dir, &example)),
        Inspection::Damaged { problem } => return Err(damaged_error(dir, &problem)),
        Inspection::Ours { format } if format != FORMAT_VERSION => {
            return Err(incompatible_error(dir, format))
        }
        Inspection::Ours { .. } => {}
    }
    if !dir.join("meta.json").exists() {
        return Err(damaged_error(dir, "has lost tantivy's meta.json"));
    }
    let store = Store::open_read_only(dir)?;
    let payload = store.payload()?;
    if payload.generation == 0 {
        return Err(damaged_error(
            dir,
            "was never committed (its first build was interrupted)",
        ));
    }
    let mut problems = Vec::new();
    let segments = store.index.searchable_segments().map_or(0, |s| s.len());
    if let Err(err) = store.open_segments() {
        problems.push(format!("{:#}", err.root_cause()));
    }
    // tantivy checks only the files its list names; a file missing from it would go
    // unchecked (and never be cleaned up).
    let managed = store.index.directory().list_managed_files();
    let active: Vec<String> = store
        .index
        .searchable_segment_metas()
        .map(|metas| metas.iter().map(|m| m.id().uuid_string()).collect())
        .unwrap_or_default();
    let mut unlisted: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| is_segment_file(name))
                .filter(|name| active.iter().any(|id| name.starts_with(id.as_str())))
                .filter(|name| !managed.contains(Path::new(name)))
                .collect()
        })
        .unwrap_or_default();
    if !unlisted.is_empty() {
        unlisted.sort();
        problems.push(format!(
            "tantivy's list of its files (.managed.json) lacks {}",
            unlisted.join(", ")
        ));
    }
    match guarded(|| store.index.validate_checksum()) {
        Ok(bad) if bad.is_empty() => {}
        Ok(bad) => {
            let mut bad: Vec<String> = bad.iter().map(|p| p.display().to_string()).collect();
            bad.sort();
            let verb = if bad.len() == 1 {
                "fails its"
            } else {
                "fail their"
            };
            problems.push(format!("{} {verb} checksum", bad.join(", ")));
        }
        Err(err) => problems.push(format!("{err:#}")),
    }
    let (seed_files, articles) = match store.manifest(&payload) {
        Ok(manifest) => {
            let seed_files = manifest.indexed().count() as u64;
            let articles = manifest.articles.len() as u64;
            if (seed_files, articles) != (payload.files, payload.articles) {
                problems.push(format!(
                    "its manifest lists {seed_files} files and {articles} articles, its \
                     commit record {} and {}",
                    payload.files, payload.articles
                ));
            }
            (seed_files, articles)
        }
        Err(err) => {
            problems.push(format!(
                "its manifest {} cannot be read ({})",
                manifest_name(payload.generation),
                err.root_cause()
            ));
            (0, 0)
        }
    };
    if !problems.is_empty() {
        return Err(anyhow!(
            "the index in {shown} is damaged: {}; {REBUILD_HINT} to rebuild it from the seeds \
             folder",
            problems.join("; ")
        ));
    }
    Ok(Soundness {
        generation: payload.generation,
        segments,
        seed_files,
        articles,
    })
}

/// Runs a tantivy read of the whole index that may panic on damaged files (it decodes
/// what it reads without checking it), turning tantivy's panic into an error. A panic of
/// our own goes on.
fn guarded<T>(read: impl FnOnce() -> tantivy::Result<T>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)) {
        Ok(result) => Ok(result?),
        Err(panic) => match crate::exit::take_library_panic() {
            Some(what) => Err(anyhow!("tantivy stopped on `{what}`")),
            None => std::panic::resume_unwind(panic),
        },
    }
}

/// A directory for searching: it reads like [`MmapDirectory`] but takes no locks. Tantivy
/// takes a lock while it reads `meta.json`, which creates a lock file; on a folder the
/// user cannot write to (an index on read-only media) that fails, and a search must not.
/// The lock guards against a concurrent commit deleting files mid-open, which
/// [`Store::reader`] handles by retrying.
#[derive(Debug, Clone)]
struct ReadOnlyDirectory(MmapDirectory);

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }

    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}

/// How every index is made: the document store compressed with zstd at level 1 (as fast
/// to read as lz4 on these texts, and smaller).
fn index_settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(1),
        }),
        ..IndexSettings::default()
    }
}

fn manifest_name(generation: u64) -> String {
    format!("{MANIFEST_PREFIX}{generation:08}{MANIFEST_SUFFIX}")
}

/// Whether `name` is exactly what [`manifest_name`] makes: clean-up deletes nothing else,
/// whatever else a user keeps in the folder (`manifest-2024.txt`).
fn is_manifest_name(name: &str) -> bool {
    name.strip_prefix(MANIFEST_PREFIX)
        .and_then(|rest| rest.strip_suffix(MANIFEST_SUFFIX))
        .is_some_and(|digits| digits.len() >= 8 && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `name` is one tantivy gives a segment's files: `UUID.EXT` or
/// `UUID.OPSTAMP.del`, the UUID in 32 lower-case hex digits.
fn is_segment_file(name: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        "idx",
        "pos",
        "term",
        "store",
        "fast",
        "fieldnorm",
        "del",
        "temp",
    ];
    let Some((uuid, rest)) = name.split_once('.') else {
        return false;
    };
    let uuid_like =
        uuid.len() == 32 && uuid.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let deletes = rest
        .strip_suffix(".del")
        .is_some_and(|opstamp| !opstamp.is_empty() && opstamp.bytes().all(|b| b.is_ascii_digit()));
    uuid_like && (EXTENSIONS.contains(&rest) || deletes)
}

/// Whether `name` is a temporary file [`write_atomically`] made for a manifest
/// (`.manifest-00000001.bin.PID.tmp`), left by a write interrupted by a crash.
fn is_manifest_temp(name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|rest| rest.strip_suffix(".tmp"))
        .and_then(|rest| rest.rsplit_once('.'))
        .is_some_and(|(manifest, pid)| {
            is_manifest_name(manifest) && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        })
}

fn foreign_error(dir: &Path, example: &str) -> anyhow::Error {
    anyhow!(
        "{} is not a seedsearch index: it already holds other files (such as `{example}`); \
         seedsearch never writes to or deletes from such a folder. Pass --index with a new or \
         empty folder",
        crate::paths::display_path(dir)
    )
}

fn damaged_error(dir: &Path, problem: &str) -> anyhow::Error {
    anyhow!(
        "the index in {} {problem}; {REBUILD_HINT} to rebuild it from the seeds folder",
        crate::paths::display_path(dir)
    )
}

fn incompatible_error(dir: &Path, format: u32) -> anyhow::Error {
    anyhow!(
        "the index in {} was made by an incompatible version of seedsearch (format {format}, \
         this version reads format {FORMAT_VERSION}); {REBUILD_HINT} to \
         rebuild it from the seeds folder",
        crate::paths::display_path(dir)
    )
}

/// Deletes the files an index is made of, and nothing else.
fn remove_index_files(dir: &Path) -> Result<()> {
    let mut doomed: Vec<PathBuf> = TANTIVY_FILES.iter().map(|f| dir.join(f)).collect();
    if let Ok(text) = fs::read_to_string(dir.join(".managed.json")) {
        if let Ok(files) = serde_json::from_str::<Vec<String>>(&text) {
            doomed.extend(
                files
                    .iter()
                    .filter(|f| !f.contains(['/', '\\']))
                    .map(|f| dir.join(f)),
            );
        }
    }
    for entry in fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        // Segment files tantivy's damaged list of its files may have lost.
        if is_manifest_name(&name)
            || is_segment_file(&name)
            || is_manifest_temp(&name)
            || name == MARKER
        {
            doomed.push(entry.path());
        }
    }
    for path in doomed {
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(anyhow!(err)).with_context(|| {
                    format!("cannot delete {}", crate::paths::display_path(&path))
                })
            }
        }
    }
    Ok(())
}

/// Writes `bytes` to a new temporary file beside `path`, syncs it, and renames it over
/// `path`. The temporary file is created exclusively under an unpredictable name (never
/// through a link planted under a name we would use), with the usual permissions.
///
/// # Errors
/// On any I/O error; the temporary file is removed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_as(path, bytes, TEMP_PREFIX)
}

/// Prefix of the temporary files of [`write_atomically`].
const TEMP_PREFIX: &str = ".seedsearch-";
/// Prefix of the temporary files of [`write_under_lock`]: only a process holding the
/// update lock makes them, so one found by a process holding it was left by a killed run.
const LOCKED_TEMP_PREFIX: &str = ".seedsearch-u-";

/// [`write_atomically`] for a file of the index folder written only under the update lock
/// (the marker, a manifest, the journal). Its temporary file, if a kill leaves it, is
/// removed by the next commit ([`Store::remove_stale_manifests`]).
///
/// # Errors
/// As [`write_atomically`].
pub fn write_under_lock(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_as(path, bytes, LOCKED_TEMP_PREFIX)
}

/// Whether `name` is a temporary file [`write_under_lock`] made (`.seedsearch-u-` and
/// tempfile's six random letters and digits, then `.tmp`).
fn is_locked_temp(name: &str) -> bool {
    name.strip_prefix(LOCKED_TEMP_PREFIX)
        .and_then(|rest| rest.strip_suffix(".tmp"))
        .is_some_and(|random| {
            random.len() == 6 && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

fn write_atomically_as(path: &Path, bytes: &[u8], prefix: &str) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(prefix)
        .suffix(".tmp")
        // Subject to the umask, as a file made by `File::create` is.
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|err| err.error)?;
    sync_folder(dir);
    Ok(())
}

/// Makes the renames in `dir` durable (best effort: not every file system can).
pub fn sync_folder(dir: &Path) {
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// Held while an update runs; dropping it lets the next one in.
#[derive(Debug)]
pub struct UpdateLock {
    _file: fs::File,
}

/// How long an update waits for another seedsearch process that holds the update lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Wait {
    /// Fail at once with the busy message (the commands' default).
    #[default]
    No,
    /// Until the other update has finished (`--wait`, and `watch`'s syncs).
    Forever,
    /// At most this long, then the busy message (the server's writes, which must answer).
    Upto(std::time::Duration),
}

impl From<bool> for Wait {
    fn from(wait: bool) -> Wait {
        if wait {
            Wait::Forever
        } else {
            Wait::No
        }
    }
}

/// Takes the update lock of the index in `dir` (creating the folder when it is missing),
/// waiting for another seedsearch process holding it as `wait` says.
///
/// # Errors
/// The busy message when another process holds it (and `wait` has run out); the real reason
/// when the lock cannot be taken at all (a folder of other files, no permission, a
/// read-only file system); [`crate::interrupt::Interrupted`] when cancelled while waiting.
pub fn lock_for_update(
    dir: &Path,
    wait: Wait,
    cancel: &crate::interrupt::Cancel,
) -> Result<UpdateLock> {
    let shown = crate::paths::display_path(dir);
    if let Inspection::Foreign { example } = inspect(dir)? {
        return Err(foreign_error(dir, &example));
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create the index folder {shown}"))?;
    let cannot = || format!("cannot lock the index in {shown} for an update");
    let file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(UPDATE_LOCK))
        .with_context(cannot)?;
    let started = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(UpdateLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => match wait {
                Wait::No => return Err(busy_error(dir)),
                Wait::Upto(most) if started.elapsed() >= most => return Err(busy_error(dir)),
                Wait::Forever | Wait::Upto(_) => {
                    cancel.check()?;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            },
            Err(fs::TryLockError::Error(err)) => return Err(anyhow!(err)).with_context(cannot),
        }
    }
}

/// `err` with the way out added when tantivy failed reading the index's files and the
/// message does not say so yet: wherever a damaged file is first read (a search's
/// postings, a document, a fast field), the user hears how to repair it.
pub fn with_rebuild_hint(err: anyhow::Error, dir: &Path) -> anyhow::Error {
    use tantivy::TantivyError as E;
    let reading = err.chain().any(|cause| {
        cause.is::<OpenReadError>()
            || cause.downcast_ref::<E>().is_some_and(|e| {
                matches!(
                    e,
                    E::OpenReadError(_)
                        | E::IoError(_)
                        | E::DataCorruption(_)
                        | E::ErrorInThread(_)
                        | E::InternalError(_)
                        | E::DeserializeError(_)
                        | E::IncompatibleIndex(_)
                )
            })
    });
    if !reading || format!("{err:#}").contains(REBUILD_HINT) {
        return err;
    }
    err.context(format!(
        "cannot read the index in {}; if it is damaged, {REBUILD_HINT}",
        crate::paths::display_path(dir)
    ))
}

/// Builds the "already being updated" message.
pub fn busy_error(dir: &Path) -> anyhow::Error {
    crate::refusal::Refused::new(
        crate::refusal::Refusal::Busy,
        format!(
            "the index in {} is being updated by another seedsearch process; try again when \
             it has finished (or pass --wait)",
            crate::paths::display_path(dir)
        ),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_tells_missing_empty_foreign_and_ours() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("idx");
        assert_eq!(inspect(&dir).unwrap(), Inspection::Missing);
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join(".gitignore"), "*\n").unwrap();
        assert_eq!(inspect(&dir).unwrap(), Inspection::Empty);
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        assert_eq!(
            inspect(&dir).unwrap(),
            Inspection::Foreign {
                example: "notes.txt".into()
            }
        );
        let ours = tmp.path().join("ours");
        Store::open_or_create(&ours, false).unwrap();
        assert_eq!(
            inspect(&ours).unwrap(),
            Inspection::Ours {
                format: FORMAT_VERSION
            }
        );
    }

    #[test]
    fn foreign_folders_are_never_touched_even_with_rebuild() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("precious.txt"), "keep me").unwrap();
        for rebuild in [false, true] {
            let err = Store::open_or_create(tmp.path(), rebuild).err().unwrap();
            assert!(format!("{err:#}").contains("not a seedsearch index"));
            assert!(Store::open(tmp.path()).is_err());
        }
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["precious.txt"]);
    }

    #[test]
    fn incompatible_index_needs_rebuild_and_rebuild_keeps_other_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        Store::open_or_create(dir, false).unwrap();
        fs::write(dir.join("README.md"), "my notes").unwrap();
        let old = serde_json::json!({"tool": "seedsearch", "format": 0, "created_by": "old"});
        fs::write(dir.join(MARKER), old.to_string()).unwrap();
        let err = Store::open(dir).err().unwrap();
        assert!(format!("{err:#}").contains("--rebuild"), "{err:#}");
        assert!(Store::open_or_create(dir, false).is_err());
        Store::open_or_create(dir, true).unwrap();
        assert_eq!(
            inspect(dir).unwrap(),
            Inspection::Ours {
                format: FORMAT_VERSION
            }
        );
        assert_eq!(
            fs::read_to_string(dir.join("README.md")).unwrap(),
            "my notes"
        );
    }

    /// Commits `generation` the way the indexer does: manifest first, then the commit
    /// that names it, then the clean-up.
    fn commit(store: &Store, generation: u64) {
        store
            .write_manifest(generation, &Manifest::default())
            .unwrap();
        let mut writer: tantivy::IndexWriter = store.index.writer(15_000_000).unwrap();
        let payload = Payload {
            generation,
            ..Payload::default()
        };
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload(&serde_json::to_string(&payload).unwrap());
        prepared.commit().unwrap();
        store.remove_stale_manifests(generation);
    }

    #[test]
    fn a_commit_removes_the_temporary_files_killed_updates_left_and_no_others() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open_or_create(tmp.path(), false).unwrap();
        // A manifest write killed before its rename; a saved-searches write (not under the
        // lock) in flight in another process; a file of the user's.
        fs::write(
            tmp.path().join(".seedsearch-u-202GkR.tmp"),
            "half a manifest",
        )
        .unwrap();
        fs::write(tmp.path().join(".seedsearch-a1B2c3.tmp"), "in flight").unwrap();
        commit(&store, 1);
        assert!(!tmp.path().join(".seedsearch-u-202GkR.tmp").exists());
        assert!(tmp.path().join(".seedsearch-a1B2c3.tmp").exists());
        // The writes under the lock use the name the clean-up knows.
        let names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert_eq!(names, [".seedsearch-a1B2c3.tmp"]);
    }

    #[test]
    fn a_reader_whose_manifest_a_newer_commit_deleted_reads_the_newer_one() {
        let tmp = tempfile::tempdir().unwrap();
        let writer = Store::open_or_create(tmp.path(), false).unwrap();
        commit(&writer, 1);
        let reader = Store::open(tmp.path()).unwrap().unwrap();
        let seen = reader.payload().unwrap();
        assert_eq!(seen.generation, 1);
        commit(&writer, 2);
        assert!(!tmp.path().join(manifest_name(1)).exists());
        reader.manifest(&seen).unwrap();
        // A manifest lost without a newer commit is an error, with the way out.
        fs::remove_file(tmp.path().join(manifest_name(2))).unwrap();
        let err = reader.manifest(&reader.payload().unwrap()).unwrap_err();
        assert!(format!("{err:#}").contains(REBUILD_HINT), "{err:#}");
    }

    #[test]
    fn clean_up_knows_its_own_names_exactly() {
        assert!(is_manifest_name(&manifest_name(7)));
        assert!(is_manifest_name(&manifest_name(123_456_789_012)));
        for name in [
            "manifest-2024.txt",
            "manifest-notes.bin",
            "manifest-1.bin",
            "manifest-00000001.bin.bak",
            "manifest-0000000x.bin",
        ] {
            assert!(!is_manifest_name(name), "{name}");
        }
        assert!(is_manifest_temp(".manifest-00000003.bin.4242.tmp"));
        assert!(!is_manifest_temp(".manifest-notes.4242.tmp"));
        assert!(!is_manifest_temp(".manifest-00000003.bin.tmp"));
        assert!(is_locked_temp(".seedsearch-u-202GkR.tmp"));
        for name in [
            ".seedsearch-202GkR.tmp",
            ".seedsearch-u-202GkR.tmp.bak",
            ".seedsearch-u-.tmp",
            ".seedsearch-u-202GkRx.tmp",
            "seedsearch-u-202GkR.tmp",
        ] {
            assert!(!is_locked_temp(name), "{name}");
        }
        assert!(is_segment_file("75d5942c4b0644dda3b0838771f6cc2b.term"));
        assert!(is_segment_file("75d5942c4b0644dda3b0838771f6cc2b.12.del"));
        assert!(!is_segment_file("75d5942c4b0644dda3b0838771f6cc2b.txt"));
        assert!(!is_segment_file("notes.term"));
    }

    #[test]
    fn open_returns_none_for_a_missing_or_empty_folder() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Store::open(&tmp.path().join("none")).unwrap().is_none());
        assert!(Store::open(tmp.path()).unwrap().is_none());
    }
}

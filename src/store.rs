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
    if marker.exists() {
        let text = fs::read_to_string(&marker)
            .with_context(|| format!("cannot read {}", crate::paths::display_path(&marker)))?;
        let parsed: Marker = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is damaged; {REBUILD_HINT}",
                crate::paths::display_path(&marker)
            )
        })?;
        return Ok(Inspection::Ours {
            format: parsed.format,
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
        if !HARMLESS.contains(&name.as_str()) {
            return Ok(Inspection::Foreign { example: name });
        }
    }
    Ok(Inspection::Empty)
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
    /// With `rebuild`, an index of an incompatible format is deleted first (only the files
    /// it is made of); a compatible one is kept, to be emptied inside the next commit.
    ///
    /// # Errors
    /// When the folder holds something else, holds an incompatible index and `rebuild` is
    /// off, or cannot be written.
    pub fn open_or_create(dir: &Path, rebuild: bool) -> Result<Store> {
        match inspect(dir)? {
            Inspection::Foreign { example } => Err(foreign_error(dir, &example)),
            Inspection::Ours { format } if format != FORMAT_VERSION => {
                if !rebuild {
                    return Err(incompatible_error(dir, format));
                }
                remove_index_files(dir)?;
                Self::create(dir)
            }
            Inspection::Ours { .. } if dir.join("meta.json").exists() => {
                match Self::open_existing(dir) {
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
        write_atomically(&dir.join(MARKER), &json)
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
                Err(err) => {
                    return Err(anyhow!(err))
                        .with_context(|| format!("cannot read the index in {}", self.shown()))
                }
            }
        }
    }

    /// The state recorded by the last commit (the default before the first one).
    ///
    /// # Errors
    /// When tantivy's metadata cannot be read or the payload is not ours.
    pub fn payload(&self) -> Result<Payload> {
        let metas = self
            .index
            .load_metas()
            .with_context(|| format!("cannot read the index in {}", self.shown()))?;
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

    /// The manifest committed with `payload` (empty before the first commit).
    ///
    /// # Errors
    /// When the manifest file is missing or unreadable.
    pub fn manifest(&self, payload: &Payload) -> Result<Manifest> {
        if payload.generation == 0 {
            return Ok(Manifest::default());
        }
        let path = self.dir.join(manifest_name(payload.generation));
        let bytes = fs::read(&path).with_context(|| {
            format!(
                "cannot read {}; {REBUILD_HINT}",
                crate::paths::display_path(&path)
            )
        })?;
        Manifest::from_bytes(&bytes).with_context(|| {
            format!(
                "{} is damaged; {REBUILD_HINT}",
                crate::paths::display_path(&path)
            )
        })
    }

    /// Writes the manifest for the commit of `generation` (before that commit).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn write_manifest(&self, generation: u64, manifest: &Manifest) -> Result<()> {
        let path = self.dir.join(manifest_name(generation));
        let bytes = manifest.to_bytes()?;
        write_atomically(&path, &bytes)
            .with_context(|| format!("cannot write {}", crate::paths::display_path(&path)))
    }

    /// Deletes manifest files other than the one of `generation` (left by earlier commits
    /// or by runs that were interrupted before committing).
    pub fn remove_stale_manifests(&self, generation: u64) {
        let keep = manifest_name(generation);
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stale_manifest = name.starts_with(MANIFEST_PREFIX) && name != keep;
            // Temporary files of writes interrupted by a crash.
            let stale_temp =
                name.starts_with(&format!(".{MANIFEST_PREFIX}")) && name.ends_with(".tmp");
            if stale_manifest || stale_temp {
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

fn foreign_error(dir: &Path, example: &str) -> anyhow::Error {
    anyhow!(
        "{} is not a seedsearch index: it already holds other files (such as `{example}`); \
         seedsearch never writes to or deletes from such a folder. Pass --index with a new or \
         empty folder",
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
        if name.starts_with(MANIFEST_PREFIX) || name == MARKER {
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
    use std::os::unix::fs::PermissionsExt;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".seedsearch-")
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

/// Takes the update lock of the index in `dir` (creating the folder when it is missing):
/// with `wait`, waits for another seedsearch process holding it, else fails at once.
///
/// # Errors
/// The busy message when another process holds it (and `wait` is off); the real reason
/// when the lock cannot be taken at all (a folder of other files, no permission, a
/// read-only file system); [`crate::interrupt::Interrupted`] when cancelled while waiting.
pub fn lock_for_update(
    dir: &Path,
    wait: bool,
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
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(UpdateLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) if wait => {
                cancel.check()?;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(fs::TryLockError::WouldBlock) => return Err(busy_error(dir)),
            Err(fs::TryLockError::Error(err)) => return Err(anyhow!(err)).with_context(cannot),
        }
    }
}

/// Builds the "already being updated" message.
pub fn busy_error(dir: &Path) -> anyhow::Error {
    anyhow!(
        "the index in {} is being updated by another seedsearch process; try again when it \
         has finished (or pass --wait)",
        crate::paths::display_path(dir)
    )
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

    #[test]
    fn open_returns_none_for_a_missing_or_empty_folder() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(Store::open(&tmp.path().join("none")).unwrap().is_none());
        assert!(Store::open(tmp.path()).unwrap().is_none());
    }
}

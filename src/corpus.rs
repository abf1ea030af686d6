//! The seeds folder on disk: which files are articles, reading and decoding them, and the
//! content hashes that tell what changed.
//!
//! Nothing here touches the index. [`walk`] lists candidate files with their size and
//! modification time (cheap: no file is opened); [`load`] reads one file, decodes it and
//! hashes its content. Problems with single files are returned as [`Problem`]s for the
//! caller to report; only an unusable seeds folder is an error.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::article;

/// File extensions (compared case-insensitively) that hold articles.
pub const EXTENSIONS: &[&str] = &["txt", "md"];

/// The article extensions as a user reads them: `*.txt, *.md`.
pub fn extensions_shown() -> String {
    EXTENSIONS
        .iter()
        .map(|e| format!("*.{e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A candidate article file found by [`walk`].
#[derive(Debug, Clone)]
pub struct SeedFile {
    /// Path relative to the seeds folder, with `/` separators (also on Windows).
    pub rel: String,
    /// Path to open the file.
    pub path: PathBuf,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
}

/// A directory of the seeds folder (or its [`IGNORE_FILE`]) and its modification time:
/// adding, removing or renaming a file in a folder changes the folder's time, which lets a
/// search notice new articles cheaply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirStamp {
    pub rel: String,
    pub mtime_ns: i64,
}

/// Something wrong with one file or folder; the run goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The path as the user can find it.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// What [`walk`] found.
#[derive(Debug, Default)]
pub struct Listing {
    /// Article files, sorted by `rel`.
    pub files: Vec<SeedFile>,
    /// Every directory visited, the seeds folder itself included (as `""`), and every
    /// ignore file found, sorted.
    pub dirs: Vec<DirStamp>,
    pub problems: Vec<Problem>,
}

/// Whether a file name is an article's: `*.txt` or `*.md`, not hidden, not a backup.
pub fn is_article_name(name: &str) -> bool {
    if name.starts_with('.') || name.ends_with('~') {
        return false;
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty() && EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e))
        }
        None => false,
    }
}

/// Checks that `root` is a folder that can be listed.
///
/// # Errors
/// When it does not exist, is not a folder, or cannot be read.
pub fn check_root(root: &Path) -> Result<()> {
    let shown = crate::paths::display_path(root);
    let meta =
        std::fs::metadata(root).with_context(|| format!("cannot read the seeds folder {shown}"))?;
    if !meta.is_dir() {
        bail!("the seeds folder {shown} is not a folder");
    }
    std::fs::read_dir(root).with_context(|| format!("cannot list the seeds folder {shown}"))?;
    Ok(())
}

/// Name of the files that list what not to index, one gitignore pattern per line (as
/// ripgrep's `.ignore` and fd's `.fdignore`), in the seeds folder or any subfolder.
pub const IGNORE_FILE: &str = ".seedsearchignore";

/// Lists the article files under `root`: `*.txt` and `*.md` in any subfolder, skipping
/// hidden files and folders, editor backups and what [`IGNORE_FILE`]s exclude, following
/// symbolic links (loops are reported, not followed).
///
/// # Errors
/// When `root` does not exist, is not a folder, or cannot be read.
pub fn walk(root: &Path) -> Result<Listing> {
    check_root(root)?;
    let found = Mutex::new(Listing::default());
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .add_custom_ignore_filename(IGNORE_FILE)
        // Hidden folders stay out even when an ignore file's `!pattern` matches them
        // (the ignore crate lets a matching rule override its hidden filter).
        .filter_entry(|entry| {
            entry.depth() == 0 || !entry.file_name().as_encoded_bytes().starts_with(b".")
        })
        .follow_links(true)
        .threads(2)
        .build_parallel();
    walker.run(|| {
        let found = &found;
        Box::new(move |entry| {
            let mut seen = Listing::default();
            visit(root, entry, &mut seen);
            if let Ok(mut all) = found.lock() {
                all.files.append(&mut seen.files);
                all.dirs.append(&mut seen.dirs);
                all.problems.append(&mut seen.problems);
            }
            ignore::WalkState::Continue
        })
    });
    let mut listing = found.into_inner().unwrap_or_else(|e| e.into_inner());
    listing.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    listing.dirs.sort_by(|a, b| a.rel.cmp(&b.rel));
    listing.problems.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(listing)
}

fn visit(root: &Path, entry: Result<ignore::DirEntry, ignore::Error>, out: &mut Listing) {
    let entry = match entry {
        Ok(entry) => entry,
        Err(err) => {
            out.problems.push(walk_problem(root, &err));
            return;
        }
    };
    let path = entry.path();
    let Some(file_type) = entry.file_type() else {
        return;
    };
    let rel_path = path.strip_prefix(root).unwrap_or(path);
    let Some(rel) = rel_string(rel_path) else {
        out.problems.push(Problem {
            path: crate::paths::display_path(path),
            message: "the name is not valid UTF-8; skipped (rename it to index it)".into(),
        });
        return;
    };
    if file_type.is_dir() {
        // An ignore file edited in place changes what is indexed without touching its
        // folder's time: it is stamped too.
        if let Ok(meta) = std::fs::metadata(path.join(IGNORE_FILE)) {
            out.dirs.push(DirStamp {
                rel: if rel.is_empty() {
                    IGNORE_FILE.to_string()
                } else {
                    format!("{rel}/{IGNORE_FILE}")
                },
                mtime_ns: mtime_ns(&meta),
            });
        }
        if let Ok(meta) = entry.metadata() {
            out.dirs.push(DirStamp {
                rel,
                mtime_ns: mtime_ns(&meta),
            });
        }
        return;
    }
    let name = entry.file_name().to_string_lossy();
    if !is_article_name(&name) {
        return;
    }
    // A symlink to something that is not a regular file (a fifo, a device) is not read.
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) => {
            out.problems.push(Problem {
                path: crate::paths::display_path(path),
                message: format!("cannot read its metadata: {err}"),
            });
            return;
        }
    };
    if !meta.is_file() {
        return;
    }
    out.files.push(SeedFile {
        rel,
        path: path.to_path_buf(),
        size: meta.len(),
        mtime_ns: mtime_ns(&meta),
    });
}

fn walk_problem(root: &Path, err: &ignore::Error) -> Problem {
    let (path, message) = describe_walk_error(err);
    Problem {
        path: path.map_or_else(
            || crate::paths::display_path(root),
            |p| crate::paths::display_path(&p),
        ),
        message,
    }
}

fn describe_walk_error(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => {
            let (_, message) = describe_walk_error(err);
            (Some(path.clone()), message)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe_walk_error(err)
        }
        ignore::Error::Loop { child, ancestor } => (
            Some(child.clone()),
            format!(
                "symbolic link loop (it leads back to {}); not followed",
                crate::paths::display_path(ancestor)
            ),
        ),
        ignore::Error::Io(io) => (None, format!("cannot read: {io}")),
        other => (None, other.to_string()),
    }
}

fn rel_string(rel: &Path) -> Option<String> {
    let mut out = String::new();
    for component in rel.components() {
        let part = component.as_os_str().to_str()?;
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(part);
    }
    Some(out)
}

/// A modification time in nanoseconds since the Unix epoch (0 when unknown): the one
/// conversion used for files and folders alike.
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The modification time of `path` (following links), as [`mtime_ns`]; `None` when it
/// cannot be read.
pub fn modified_ns(path: &Path) -> Option<i64> {
    std::fs::metadata(path).ok().map(|meta| mtime_ns(&meta))
}

/// The identity of an article's content: equal for files that differ only in line endings,
/// a byte-order mark, trailing white space or trailing blank lines (none of which moves a
/// passage to another line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(pub u128);

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl std::str::FromStr for ContentHash {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u128::from_str_radix(s, 16).map(ContentHash)
    }
}

/// Hex in human-readable formats (JSON), a plain number in binary ones (the manifest).
impl Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            s.serialize_u128(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for ContentHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
            s.parse().map_err(serde::de::Error::custom)
        } else {
            u128::deserialize(d).map(ContentHash)
        }
    }
}

/// Hashes text as described for [`ContentHash`].
pub fn content_hash(text: &str) -> ContentHash {
    let text = text.trim_start_matches('\u{feff}');
    let mut hasher = Xxh3::new();
    let mut blank_run = 0usize;
    for line in article::lines(text) {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        for _ in 0..blank_run {
            hasher.update(b"\n");
        }
        blank_run = 0;
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
    }
    ContentHash(hasher.digest128())
}

/// How a file's bytes were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    Utf8,
    Utf16,
    /// Not valid UTF-8: read as Windows-1252 (a superset of Latin-1), with a warning.
    Windows1252,
}

/// A file read and decoded.
#[derive(Debug)]
pub struct Loaded {
    pub text: String,
    pub hash: ContentHash,
    pub encoding: Encoding,
}

/// The outcome of reading one file.
#[derive(Debug)]
pub enum Load {
    Text(Loaded),
    /// Not an article (empty, binary); the reason is a sentence for a warning.
    Skip(String),
}

/// The most one article may be, in bytes: far above any real article, low enough that a
/// runaway file (a log, a disk image, a link to a device) cannot exhaust memory.
pub const MAX_ARTICLE_BYTES: u64 = 256 << 20;

/// Why a file was not read as an article at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// A FIFO, a device, a socket, a folder: reading it could block or never end.
    NotRegular,
    /// Over [`MAX_ARTICLE_BYTES`].
    TooLarge,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::NotRegular => f.write_str("is not a regular file"),
            Unreadable::TooLarge => write!(
                f,
                "is larger than {} MiB, the most one article may be",
                MAX_ARTICLE_BYTES >> 20
            ),
        }
    }
}

/// The bytes of a file that may be an article (links followed): only a regular file, and
/// at most [`MAX_ARTICLE_BYTES`] of it, even if it grows while being read.
///
/// # Errors
/// When the file cannot be opened or read.
pub fn read_article(path: &Path) -> std::io::Result<Result<Vec<u8>, Unreadable>> {
    use std::io::Read;
    // Checked before opening: opening a FIFO blocks until a writer comes.
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Ok(Err(Unreadable::NotRegular));
    }
    if meta.len() > MAX_ARTICLE_BYTES {
        return Ok(Err(Unreadable::TooLarge));
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Ok(Err(Unreadable::NotRegular));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_ARTICLE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_ARTICLE_BYTES {
        return Ok(Err(Unreadable::TooLarge));
    }
    Ok(Ok(bytes))
}

/// Reads, decodes and hashes one file.
///
/// # Errors
/// When the file cannot be read (permissions, vanished, I/O error).
pub fn load(path: &Path) -> std::io::Result<Load> {
    Ok(match read_article(path)? {
        Ok(bytes) => decode(bytes),
        Err(why) => Load::Skip(format!("{why}; skipped")),
    })
}

/// Decodes file bytes: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
/// mark, else Windows-1252. Empty and binary files are skipped.
pub fn decode(bytes: Vec<u8>) -> Load {
    if bytes.is_empty() {
        return Load::Skip("empty file; skipped".into());
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let (text, encoding) = if utf16 {
        let (text, _, _) = encoding_rs::UTF_16LE.decode(&bytes);
        (text.into_owned(), Encoding::Utf16)
    } else if memchr_nul(&bytes) {
        return Load::Skip("binary file (it contains NUL bytes); skipped".into());
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => (text, Encoding::Utf8),
            Err(err) => {
                let bytes = err.into_bytes();
                let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
                (text.into_owned(), Encoding::Windows1252)
            }
        }
    };
    if text.contains('\0') {
        return Load::Skip("binary file (it contains NUL characters); skipped".into());
    }
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Load::Skip("empty file (only white space); skipped".into());
    }
    let hash = content_hash(&text);
    Load::Text(Loaded {
        text,
        hash,
        encoding,
    })
}

fn memchr_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_names() {
        for ok in ["a.txt", "b.md", "C.TXT", "x.y.Md", "dir name.txt"] {
            assert!(is_article_name(ok), "{ok}");
        }
        for no in [
            ".hidden.txt",
            "a.txt~",
            "a.txt.bak",
            "notes",
            ".txt",
            "a.html",
            "#a.txt#",
        ] {
            assert!(!is_article_name(no), "{no}");
        }
    }

    #[test]
    fn hash_ignores_line_endings_bom_trailing_space_and_final_blank_lines() {
        let base = content_hash("Title\n\nBody line.\n");
        assert_eq!(
            base,
            content_hash("\u{feff}Title\r\n\r\nBody line.  \r\n\r\n\r\n")
        );
        assert_eq!(base, content_hash("Title\r\rBody line."));
        // A blank line more in the middle moves lines: a different article.
        assert_ne!(base, content_hash("Title\n\n\nBody line.\n"));
        assert_ne!(base, content_hash("Title\n\nBody line!\n"));
    }

    #[test]
    fn hash_round_trips_through_hex() {
        let h = content_hash("x");
        assert_eq!(h.to_string().len(), 32);
        assert_eq!(h.to_string().parse::<ContentHash>().unwrap(), h);
    }

    #[test]
    fn decodes_utf8_latin1_and_utf16() {
        let Load::Text(t) = decode(b"Caf\xc3\xa9\n".to_vec()) else {
            panic!()
        };
        assert_eq!((t.text.as_str(), t.encoding), ("Café\n", Encoding::Utf8));
        let Load::Text(t) = decode(b"a \xa315.8m signing\n".to_vec()) else {
            panic!()
        };
        assert_eq!(t.text, "a £15.8m signing\n");
        assert_eq!(t.encoding, Encoding::Windows1252);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Hi £\n".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        let Load::Text(t) = decode(utf16) else {
            panic!()
        };
        assert_eq!((t.text.as_str(), t.encoding), ("Hi £\n", Encoding::Utf16));
    }

    #[test]
    fn skips_empty_blank_and_binary_files() {
        for bytes in [
            &b""[..],
            b" \n\t\r\n",
            b"\xef\xbb\xbf\n",
            b"PK\x03\x04\x00\x00binary",
        ] {
            assert!(matches!(decode(bytes.to_vec()), Load::Skip(_)), "{bytes:?}");
        }
    }

    #[test]
    fn walk_finds_articles_and_skips_hidden_and_backups() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for name in [
            "a.txt",
            "sub/b.md",
            "sub/deeper/c.TXT",
            "a.txt~",
            ".hidden.txt",
            ".git/d.txt",
            "notes.html",
        ] {
            std::fs::write(root.join(name), "Title\n\nBody.\n").unwrap();
        }
        let listing = walk(root).unwrap();
        let rels: Vec<_> = listing.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a.txt", "sub/b.md", "sub/deeper/c.TXT"]);
        let dirs: Vec<_> = listing.dirs.iter().map(|d| d.rel.as_str()).collect();
        assert_eq!(dirs, ["", "sub", "sub/deeper"]);
        assert!(listing.problems.is_empty());
        assert!(listing.files.iter().all(|f| f.size == 13 && f.mtime_ns > 0));
    }

    #[test]
    fn walk_fails_on_a_missing_or_non_folder_root() {
        let dir = tempfile::tempdir().unwrap();
        let err = walk(&dir.path().join("nope")).unwrap_err();
        assert!(format!("{err:#}").contains("cannot read the seeds folder"));
        let file = dir.path().join("f.txt");
        std::fs::write(&file, "x").unwrap();
        assert!(format!("{:#}", walk(&file).unwrap_err()).contains("is not a folder"));
    }

    #[cfg(unix)]
    #[test]
    fn walk_reports_symlink_loops_and_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.txt"), "T\n\nB.\n").unwrap();
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
        let listing = walk(root).unwrap();
        assert_eq!(listing.files.len(), 1);
        assert_eq!(listing.problems.len(), 1, "{:?}", listing.problems);
        assert!(listing.problems[0].message.contains("loop"));
    }
}

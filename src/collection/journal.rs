//! The journal of an `add` or `remove` in progress: what it creates and moves aside in the
//! seeds folder, written beside the index before the first change and removed after the
//! commit. A process killed in between leaves it behind, and the next update (which holds
//! the same lock) finishes the change if its commit landed and undoes it if not, touching
//! only the files the journal names, and a created file only if it still holds what was
//! written.

use std::io;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::{Paths, Reporter};
use crate::paths::display_path;
use crate::store::{self, Store, UpdateLock};

/// Which command wrote a journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Add,
    Remove,
}

/// What one change does to the seeds folder (paths absolute).
#[derive(Debug, Serialize, Deserialize)]
pub struct Journal {
    pub change: Change,
    /// The generation committed when the change began; a later one is its own commit (no
    /// other update runs while the lock is held).
    pub base_generation: u64,
    /// Folders this change creates, parents first.
    #[serde(default)]
    pub folders: Vec<PathBuf>,
    pub entries: Vec<Entry>,
}

/// One article the change writes or removes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The article in the seeds folder.
    pub path: PathBuf,
    /// `add`: the temporary file written first, then renamed to `path`.
    #[serde(default)]
    pub tmp: Option<PathBuf>,
    /// `add`: the hash of the bytes written to `path` (hex), to recognise our own file.
    #[serde(default)]
    pub created: Option<String>,
    /// Where the file found at `path` is moved aside until the commit (`remove`, and
    /// `add --force` over a different file): a short hidden name in the same folder.
    #[serde(default)]
    pub aside: Option<PathBuf>,
}

/// What finishing or undoing a journal did, for the one line that tells the user.
#[derive(Debug, Default)]
pub struct Outcome {
    pub deleted: usize,
    pub put_back: usize,
    /// Files left alone because they are not what the journal says (named in warnings).
    pub left: Vec<String>,
}

impl Journal {
    pub fn new(change: Change, base_generation: u64) -> Journal {
        Journal {
            change,
            base_generation,
            folders: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// Writes the journal beside the index, atomically and durably.
    ///
    /// # Errors
    /// When it cannot be written; nothing was changed then.
    pub fn write(&self, index: &Path, _lock: &UpdateLock) -> Result<()> {
        let path = index.join(store::JOURNAL);
        let json = serde_json::to_vec_pretty(self)?;
        store::write_under_lock(&path, &json)
            .with_context(|| format!("cannot write {}", display_path(&path)))
    }

    /// Deletes the journal: the change is complete, or fully undone.
    pub fn clear(index: &Path) {
        let _ = std::fs::remove_file(index.join(store::JOURNAL));
        store::sync_folder(index);
    }

    /// Puts the seeds folder back as it was: our temporary files and created files go,
    /// files moved aside come back, folders we made go if they are empty.
    pub fn undo(&self) -> Outcome {
        let mut outcome = Outcome::default();
        for entry in self.entries.iter().rev() {
            if let Some(tmp) = &entry.tmp {
                remove_if_file(tmp);
            }
            if let Some(created) = &entry.created {
                match content_hash(&entry.path) {
                    Some(hash) if hash == *created && std::fs::remove_file(&entry.path).is_ok() => {
                        outcome.deleted += 1;
                    }
                    Some(hash) if hash != *created => outcome.left.push(display_path(&entry.path)),
                    Some(_) => {}
                    None => {}
                }
            }
            if let Some(aside) = &entry.aside {
                if std::fs::symlink_metadata(aside).is_err() {
                    continue;
                }
                if std::fs::symlink_metadata(&entry.path).is_ok() {
                    outcome.left.push(display_path(aside));
                } else if std::fs::rename(aside, &entry.path).is_ok() {
                    outcome.put_back += 1;
                }
            }
        }
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
        self.sync_folders();
        outcome
    }

    /// Completes a change whose commit landed: what was moved aside is deleted, and any
    /// temporary file left.
    pub fn finish(&self) -> Outcome {
        let mut outcome = Outcome::default();
        for entry in &self.entries {
            if let Some(tmp) = &entry.tmp {
                remove_if_file(tmp);
            }
            if let Some(aside) = &entry.aside {
                if std::fs::remove_file(aside).is_ok() {
                    outcome.deleted += 1;
                }
            }
        }
        self.sync_folders();
        outcome
    }

    fn sync_folders(&self) {
        let mut folders: Vec<&Path> = self
            .entries
            .iter()
            .filter_map(|e| e.path.parent())
            .collect();
        folders.sort();
        folders.dedup();
        for folder in folders {
            store::sync_folder(folder);
        }
    }
}

/// The hash recorded for bytes this process writes.
pub fn hash_bytes(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// The hash of a regular file's bytes (links not followed); `None` when it is not one.
fn content_hash(path: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    match crate::corpus::read_article(path) {
        Ok(Ok(bytes)) => Some(hash_bytes(&bytes)),
        _ => None,
    }
}

fn remove_if_file(path: &Path) {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()) {
        let _ = std::fs::remove_file(path);
    }
}

/// A short hidden name beside `path` for one of this process's files: `.ss-TOKEN-N.EXT`.
/// The token is random, so the name cannot be guessed in advance, and short, so any
/// file name that fits the file system has one.
pub fn hidden_beside(path: &Path, token: u64, n: usize, ext: &str) -> PathBuf {
    path.with_file_name(format!(".ss-{token:016x}-{n}.{ext}"))
}

/// A random token for the hidden names of one change.
pub fn random_token() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // std seeds each RandomState from the operating system's random source.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish()
}

/// Finishes or undoes the change a killed `add` or `remove` left, and says so. Runs under
/// the update lock, before anything else.
///
/// # Errors
/// When the journal or the index cannot be read: the journal is then kept, and the update
/// refused, rather than guessing.
pub fn recover(paths: &Paths, lock: &UpdateLock, reporter: &dyn Reporter) -> Result<()> {
    let _ = lock;
    let path = paths.index.join(store::JOURNAL);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => {
            return Err(anyhow::Error::from(err))
                .with_context(|| format!("cannot read {}", display_path(&path)))
        }
    };
    let journal: Journal = serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{} is damaged; check the seeds folder for `.ss-*` files, then delete it",
            display_path(&path)
        )
    })?;
    let generation = match Store::open(&paths.index)? {
        Some(store) => store.payload()?.generation,
        None => 0,
    };
    let what = match journal.change {
        Change::Add => "add",
        Change::Remove => "remove",
    };
    let landed = generation > journal.base_generation;
    let (outcome, done) = if landed {
        (journal.finish(), "finished (its commit had landed)")
    } else {
        (journal.undo(), "undone (its commit had not landed)")
    };
    for left in &outcome.left {
        reporter.warn(&format!(
            "{left} was changed since the interrupted {what}; left as it is"
        ));
    }
    Journal::clear(&paths.index);
    reporter.warn(&format!(
        "an interrupted {what} was {done}: {} file{} deleted, {} put back",
        outcome.deleted,
        if outcome.deleted == 1 { "" } else { "s" },
        outcome.put_back
    ));
    Ok(())
}

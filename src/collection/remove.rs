//! Removing articles: delete them from the seeds folder and the index.
//!
//! Every doc_id is checked first: if one is unknown, nothing is deleted. Files are moved
//! aside under hidden names (which are not indexed), the index is synced, and only then are
//! they deleted: if the sync fails, they are put back.

use std::io;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use super::{Collection, Freshness, Paths, Reporter};
use crate::indexer::{Options, Report};
use crate::interrupt::Cancel;
use crate::manifest::FileState;
use crate::paths::display_path;

/// One deleted file.
#[derive(Debug, Clone)]
pub struct Removed {
    pub doc_id: String,
    pub path: String,
}

/// What a remove did.
#[derive(Debug)]
pub struct RemoveReport {
    pub removed: Vec<Removed>,
    pub index: Report,
}

/// Deletes the articles `doc_ids` from the seeds folder and the index.
///
/// # Errors
/// An unknown doc_id, an index that follows another seeds folder, or a failure to delete
/// or re-index (nothing is removed then).
pub fn remove(
    paths: &Paths,
    doc_ids: &[String],
    reporter: &dyn Reporter,
    cancel: &Cancel,
) -> Result<RemoveReport> {
    let collection = Collection::open(paths, Freshness::AsIs, reporter, cancel)?;
    let payload = collection.payload();
    if payload.seeds != paths.seeds_root {
        bail!(
            "the index follows {}, not {}; run `seedsearch index` first or pass --seeds {}",
            display_path(&payload.seeds),
            display_path(&paths.seeds),
            display_path(&payload.seeds)
        );
    }
    let manifest = collection.manifest()?;
    drop(collection);
    let mut doomed = Vec::new();
    let mut unknown = Vec::new();
    for wanted in doc_ids {
        let found = manifest.files.iter().find(|(rel, record)| {
            matches!(&record.state, FileState::Indexed { doc_id, .. } if doc_id == wanted)
                || *rel == wanted
        });
        match found {
            Some((rel, _)) => doomed.push(Removed {
                doc_id: wanted.clone(),
                path: display_path(&paths.seeds.join(rel)),
            }),
            None => unknown.push(format!("`{wanted}`")),
        }
    }
    if !unknown.is_empty() {
        return Err(anyhow!(
            "no article has the doc_id {}; nothing was removed (`seedsearch list` shows them)",
            unknown.join(", ")
        ));
    }
    let mut aside = Vec::new();
    for removed in &doomed {
        let path = PathBuf::from(&removed.path);
        let hidden = hidden_name(&path);
        match std::fs::rename(&path, &hidden) {
            Ok(()) => aside.push((path, hidden)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => {
                restore(&aside);
                return Err(anyhow!(err))
                    .with_context(|| format!("cannot delete {}", removed.path));
            }
        }
    }
    let report = match super::sync(paths, Options::default(), reporter, cancel) {
        Ok(report) => report,
        Err(err) => {
            restore(&aside);
            return Err(err.context("nothing was removed"));
        }
    };
    for (_, hidden) in &aside {
        let _ = std::fs::remove_file(hidden);
    }
    for removed in &doomed {
        reporter.note(&format!(
            "removed {} (doc_id {})",
            removed.path, removed.doc_id
        ));
    }
    Ok(RemoveReport {
        removed: doomed,
        index: report,
    })
}

/// `dir/.name.seedsearch-removing`: out of the index's sight, on the same file system.
fn hidden_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.seedsearch-removing"))
}

fn restore(aside: &[(PathBuf, PathBuf)]) {
    for (path, hidden) in aside {
        let _ = std::fs::rename(hidden, path);
    }
}

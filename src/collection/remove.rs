//! Removing articles: delete them from the seeds folder and the index.
//!
//! Every doc_id is checked first, under the update lock: if one is unknown, or reached
//! through a link to outside the seeds folder, nothing is deleted. Files are moved aside
//! under short hidden names (not indexed), recorded in a journal first, the index is
//! synced, and only then are they deleted: if the sync fails they are put back, and if the
//! process dies the next update finishes or undoes the change.

use std::io;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use super::journal::{self, Change, Entry, Journal};
use super::{Paths, Reporter};
use crate::indexer::{Options, Report};
use crate::interrupt::Cancel;
use crate::manifest::FileState;
use crate::paths::display_path;
use crate::store::{Store, Wait};

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
    wait: Wait,
    reporter: &dyn Reporter,
    cancel: &Cancel,
) -> Result<RemoveReport> {
    // One update at a time, from the checks below to the commit.
    let lock = super::lock_for_update(paths, wait, reporter, cancel)?;
    let _running = cancel.guard();
    let store = match Store::open(&paths.index)? {
        Some(store) => store,
        None => {
            super::sync_locked(paths, Options::default(), &lock, reporter, cancel)?;
            Store::open(&paths.index)?.ok_or_else(|| {
                anyhow!(
                    "the index in {} could not be opened after building it",
                    display_path(&paths.index)
                )
            })?
        }
    };
    let payload = store.payload()?;
    if payload.seeds != paths.seeds_root {
        bail!(
            "the index follows {}, not {}; run `seedsearch index` first or pass --seeds {}",
            display_path(&payload.seeds),
            display_path(&paths.seeds),
            display_path(&payload.seeds)
        );
    }
    let manifest = store.manifest(&payload)?;
    drop(store);
    let mut doomed = Vec::new();
    let mut unknown = Vec::new();
    let mut real_paths = Vec::new();
    for wanted in doc_ids {
        // A doc_id, or the file as a search printed it (from here, absolute, or from the
        // seeds folder).
        let by_doc_id = manifest.files.iter().find(|(_, record)| {
            matches!(&record.state, FileState::Indexed { doc_id, .. } if doc_id == wanted)
        });
        let found = by_doc_id.or_else(|| {
            crate::paths::seeds_relative(&payload.seeds, wanted)
                .into_iter()
                .find_map(|rel| manifest.files.get_key_value(&rel))
        });
        match found {
            Some((rel, record)) => {
                let shown = display_path(&paths.seeds.join(rel));
                real_paths.push(inside_seeds(&paths.seeds_root, rel, &shown)?);
                let doc_id = match &record.state {
                    FileState::Indexed { doc_id, .. } => doc_id.clone(),
                    _ => wanted.clone(),
                };
                doomed.push(Removed {
                    doc_id,
                    path: shown,
                });
            }
            None => unknown.push(format!("`{wanted}`")),
        }
    }
    if !unknown.is_empty() {
        crate::refuse!(
            NotFound,
            "no article has the doc_id {}; nothing was removed (`seedsearch list` shows them)",
            unknown.join(", ")
        );
    }

    // Moved aside under short hidden names (not indexed) until the commit, with a journal
    // that lets the next run finish or undo this if the process dies.
    let token = journal::random_token();
    let mut plan = Journal::new(Change::Remove, payload.generation);
    for (n, path) in real_paths.iter().enumerate() {
        if std::fs::symlink_metadata(path).is_ok() {
            plan.entries.push(Entry {
                path: path.clone(),
                tmp: None,
                created: None,
                aside: Some(journal::hidden_beside(path, token, n, "rm")),
            });
        }
    }
    plan.write(&paths.index, &lock)?;
    let undo = |plan: &Journal| {
        plan.undo();
        Journal::clear(&paths.index);
    };
    for entry in &plan.entries {
        let aside = entry.aside.as_deref().unwrap_or(&entry.path);
        match std::fs::rename(&entry.path, aside) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => {
                undo(&plan);
                return Err(anyhow!(err))
                    .with_context(|| format!("cannot delete {}", display_path(&entry.path)));
            }
        }
    }
    let report = match super::sync_locked(paths, Options::default(), &lock, reporter, cancel) {
        Ok(report) => report,
        Err(err) => {
            undo(&plan);
            return Err(err.context("nothing was removed"));
        }
    };
    plan.finish();
    Journal::clear(&paths.index);
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

/// The real path of the article `rel`, which must lie in the real seeds folder `root`:
/// indexing follows links to folders elsewhere, but remove never deletes there.
fn inside_seeds(root: &Path, rel: &str, shown: &str) -> Result<PathBuf> {
    let path = root.join(rel);
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        bail!("{shown} is not a file in the seeds folder");
    };
    let real_parent =
        std::fs::canonicalize(parent).with_context(|| format!("cannot check where {shown} is"))?;
    if !real_parent.starts_with(root) {
        bail!(
            "{shown} is reached through a symbolic link to {}, outside the seeds folder; \
             seedsearch does not delete files there (nothing was removed)",
            display_path(&real_parent)
        );
    }
    Ok(real_parent.join(name))
}

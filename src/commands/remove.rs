//! `seedsearch remove DOC_ID...`: delete articles from the seeds folder and the index.
//!
//! Every doc_id is checked first: if one is unknown, nothing is deleted.

use std::io::{self, Write};

use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;

use crate::cli::RemoveArgs;
use crate::config::Config;
use crate::indexer::{Options, Report};
use crate::manifest::FileState;
use crate::{display_path, output, Outcome};

/// `remove --format json`.
#[derive(Debug, Serialize)]
pub struct RemoveReport {
    pub removed: Vec<Removed>,
    pub index: Report,
}

/// One deleted file.
#[derive(Debug, Serialize)]
pub struct Removed {
    pub doc_id: String,
    pub path: String,
}

/// Runs `remove`.
///
/// # Errors
/// An unknown doc_id, an index that follows another seeds folder, or a failure to delete
/// or re-index.
pub fn run(config: &Config, args: &RemoveArgs) -> Result<Outcome> {
    let opened = super::open_index(config, false)?;
    let seeds = crate::corpus::resolve_root(&config.seeds);
    if opened.payload.seeds != seeds {
        bail!(
            "the index follows {}, not {}; run `seedsearch index` first or pass --seeds {}",
            display_path(&opened.payload.seeds),
            display_path(&config.seeds),
            display_path(&opened.payload.seeds)
        );
    }
    let manifest = opened.manifest()?;
    let mut doomed = Vec::new();
    let mut unknown = Vec::new();
    for wanted in &args.doc_ids {
        let found = manifest.files.iter().find(|(rel, record)| {
            matches!(&record.state, FileState::Indexed { doc_id, .. } if doc_id == wanted)
                || *rel == wanted
        });
        match found {
            Some((rel, _)) => doomed.push(Removed {
                doc_id: wanted.clone(),
                path: display_path(&config.seeds.join(rel)),
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
    // Move the files aside (hidden names are not indexed), sync, and only then delete
    // them: if the sync fails, they are put back and nothing was removed.
    let mut aside = Vec::new();
    for removed in &doomed {
        let path = std::path::PathBuf::from(&removed.path);
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
    let report = match super::sync(config, Options::default()) {
        Ok(report) => report,
        Err(err) => {
            restore(&aside);
            return Err(err.context("nothing was removed"));
        }
    };
    for (_, hidden) in &aside {
        let _ = std::fs::remove_file(hidden);
    }
    if !config.quiet {
        for removed in &doomed {
            output::note(&format!(
                "removed {} (doc_id {})",
                removed.path, removed.doc_id
            ));
        }
    }
    if args.format.is_json() {
        let mut out = io::stdout().lock();
        output::json::value(
            &mut out,
            &RemoveReport {
                removed: doomed,
                index: report,
            },
        )?;
        out.flush()?;
    }
    Ok(Outcome::Success)
}

/// `dir/.name.seedsearch-removing`: out of the index's sight, on the same file system.
fn hidden_name(path: &std::path::Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.seedsearch-removing"))
}

fn restore(aside: &[(std::path::PathBuf, std::path::PathBuf)]) {
    for (path, hidden) in aside {
        let _ = std::fs::rename(hidden, path);
    }
}

//! Adding articles: copy them into the seeds folder, then index them.
//!
//! Everything is checked before anything is written: every input must be a readable
//! article, and a name already taken by a different file is refused (unless `force`), so
//! a refused add changes nothing. Files are written under a temporary name and renamed
//! into place, so a crash never leaves half an article in the seeds folder; if indexing
//! fails, the copies are undone.

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use super::{Paths, Reporter};
use crate::corpus::{self, ContentHash, Load};
use crate::indexer::{Options, Report};
use crate::interrupt::Cancel;
use crate::manifest::FileState;
use crate::paths::display_path;
use crate::store::{self, Store};

/// What to add.
#[derive(Debug, Clone)]
pub struct AddRequest {
    pub inputs: Vec<Input>,
    /// A subfolder of the seeds folder to copy into.
    pub to: Option<PathBuf>,
    /// Overwrite a different file that has the same name.
    pub force: bool,
}

/// One thing to add.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file, or a folder of articles.
    Path(PathBuf),
    /// An article's bytes, with the file name to give it (`.txt` is added when it has no
    /// extension); `from` names where it came from in messages (`stdin`).
    Text {
        from: String,
        name: String,
        bytes: Vec<u8>,
    },
}

/// A file copied into the seeds folder.
#[derive(Debug, Clone)]
pub struct Added {
    pub from: String,
    pub path: String,
    /// `None` when the file is not indexed (skipped, or excluded by an ignore file).
    pub doc_id: Option<String>,
}

/// A file that was not copied because its content is already there.
#[derive(Debug, Clone)]
pub struct AlreadyThere {
    pub from: String,
    pub path: String,
}

/// What an add did.
#[derive(Debug)]
pub struct AddReport {
    pub added: Vec<Added>,
    pub already_there: Vec<AlreadyThere>,
    pub index: Option<Report>,
}

/// An article to copy.
struct Copy {
    from: String,
    bytes: Vec<u8>,
    hash: ContentHash,
    /// Destination relative to the seeds folder, with `/` separators.
    dest: String,
}

/// Copies the articles of `request` into the seeds folder and indexes them.
///
/// # Errors
/// An unreadable or non-article input, a name clash without `force`, or a failure to
/// write or index (the copies are then undone).
pub fn add(
    paths: &Paths,
    request: AddRequest,
    reporter: &dyn Reporter,
    cancel: &Cancel,
) -> Result<AddReport> {
    let to = match &request.to {
        Some(to) => Some(checked_subfolder(to)?),
        None => None,
    };
    let mut inputs = Vec::new();
    let mut named = Vec::new();
    for input in request.inputs {
        match input {
            Input::Path(path) => {
                named.push(display_path(&path));
                collect(&path, to.as_deref(), &mut inputs)?;
            }
            Input::Text { from, name, bytes } => {
                named.push(from.clone());
                let name = if name.contains('.') {
                    name
                } else {
                    format!("{name}.txt")
                };
                if name.contains(['/', '\\']) || !corpus::is_article_name(&name) {
                    bail!("--name {name} must be a file name ending in .txt or .md");
                }
                inputs.push(checked(from, bytes, join(to.as_deref(), &name))?);
            }
        }
    }
    if inputs.is_empty() {
        bail!(
            "no articles ({}) found in {}",
            corpus::extensions_shown(),
            named.join(", ")
        );
    }
    let mut dests: HashMap<&str, &str> = HashMap::new();
    for input in &inputs {
        if let Some(other) = dests.insert(&input.dest, &input.from) {
            bail!(
                "{} and {} would both be copied to {}",
                other,
                input.from,
                shown(paths, &input.dest)
            );
        }
    }

    std::fs::create_dir_all(&paths.seeds).with_context(|| {
        format!(
            "cannot create the seeds folder {}",
            display_path(&paths.seeds)
        )
    })?;
    // Resolved again: the folder may not have existed when `paths` was made.
    let paths = &Paths::new(&paths.seeds, &paths.index);
    let known = known_contents(paths)?;

    // Decide for every input before writing anything.
    let mut clashes = Vec::new();
    let mut to_write = Vec::new();
    let mut already = Vec::new();
    for input in inputs {
        let dest_path = paths.seeds.join(&input.dest);
        if let Some(existing) = known.get(&input.hash) {
            already.push(AlreadyThere {
                from: input.from,
                path: shown(paths, existing),
            });
            continue;
        }
        match std::fs::read(&dest_path) {
            Ok(bytes) => {
                let same = matches!(corpus::decode(bytes), Load::Text(t) if t.hash == input.hash);
                if same {
                    already.push(AlreadyThere {
                        from: input.from,
                        path: shown(paths, &input.dest),
                    });
                } else if request.force {
                    to_write.push(input);
                } else {
                    clashes.push(format!(
                        "{} already exists with different content (not copying {})",
                        display_path(&dest_path),
                        input.from
                    ));
                }
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => to_write.push(input),
            Err(err) => {
                return Err(anyhow!(err))
                    .with_context(|| format!("cannot check {}", display_path(&dest_path)))
            }
        }
    }
    if !clashes.is_empty() {
        bail!(
            "{}; nothing was copied (use --force to overwrite)",
            clashes.join("; ")
        );
    }

    // What was at each destination before, to undo the copy if indexing fails.
    let mut undo: Vec<(PathBuf, Option<Vec<u8>>)> = Vec::new();
    for input in &to_write {
        let dest_path = paths.seeds.join(&input.dest);
        if let Some(parent) = dest_path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", display_path(parent)))?;
        }
        let previous = std::fs::read(&dest_path).ok();
        if let Err(err) = store::write_atomically(&dest_path, &input.bytes) {
            roll_back(&undo);
            return Err(anyhow!(err))
                .with_context(|| format!("cannot write {}", display_path(&dest_path)));
        }
        undo.push((dest_path, previous));
    }
    for a in &already {
        reporter.note(&format!(
            "{} is already in the seeds folder as {}",
            a.from, a.path
        ));
    }

    // Sync even when nothing was copied: a file already in the folder may not be indexed.
    let report = match super::sync(paths, Options::default(), reporter, cancel) {
        Ok(report) => Some(report),
        Err(err) => {
            roll_back(&undo);
            return Err(err.context("nothing was added"));
        }
    };
    let doc_ids = doc_ids(paths)?;
    let written: Vec<String> = to_write.iter().map(|i| i.dest.clone()).collect();
    let added: Vec<Added> = to_write
        .into_iter()
        .map(|input| Added {
            path: shown(paths, &input.dest),
            doc_id: doc_ids.get(&input.dest).cloned(),
            from: input.from,
        })
        .collect();
    for a in added.iter().filter(|a| a.doc_id.is_some()) {
        reporter.note(&format!(
            "added {} (doc_id {})",
            a.path,
            a.doc_id.as_deref().unwrap_or_default()
        ));
    }
    // Copied but not indexed: skipped (the sync warned why) or excluded by an ignore file.
    // (Listing the folder again only to explain; if that fails, the sync's warnings stand.)
    let unindexed = added.iter().any(|a| a.doc_id.is_none());
    if let Some(listing) = unindexed.then(|| corpus::walk(&paths.seeds).ok()).flatten() {
        let listed: std::collections::HashSet<String> =
            listing.files.into_iter().map(|f| f.rel).collect();
        for (a, input) in added.iter().zip(&written) {
            if a.doc_id.is_none() && !listed.contains(input) {
                reporter.warn(&format!(
                    "{} is excluded by a {} file: it was copied but is not indexed",
                    a.path,
                    corpus::IGNORE_FILE
                ));
            }
        }
    }
    Ok(AddReport {
        added,
        already_there: already,
        index: report,
    })
}

/// Puts the seeds folder back as it was before the copy.
fn roll_back(undo: &[(PathBuf, Option<Vec<u8>>)]) {
    for (path, previous) in undo {
        let _ = match previous {
            Some(bytes) => store::write_atomically(path, bytes),
            None => std::fs::remove_file(path),
        };
    }
}

fn shown(paths: &Paths, rel: &str) -> String {
    display_path(&paths.seeds.join(rel))
}

/// `--to` must name a folder inside the seeds folder.
fn checked_subfolder(to: &Path) -> Result<String> {
    let mut parts = Vec::new();
    for component in to.components() {
        match component {
            Component::Normal(part) => parts.push(
                part.to_str()
                    .ok_or_else(|| anyhow!("--to {} is not valid UTF-8", display_path(to)))?
                    .to_string(),
            ),
            Component::CurDir => {}
            _ => bail!(
                "--to {} must be a folder inside the seeds folder (no `..`, not absolute)",
                display_path(to)
            ),
        }
    }
    if parts.iter().any(|p| p.starts_with('.')) {
        bail!(
            "--to {} would be a hidden folder, which is not indexed",
            display_path(to)
        );
    }
    Ok(parts.join("/"))
}

fn join(prefix: Option<&str>, rest: &str) -> String {
    match prefix {
        Some(p) if !p.is_empty() => format!("{p}/{rest}"),
        _ => rest.to_string(),
    }
}

/// Gathers the articles of a file or folder.
fn collect(path: &Path, to: Option<&str>, out: &mut Vec<Copy>) -> Result<()> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", display_path(path)))?;
    if meta.is_dir() {
        let listing = corpus::walk(path)?;
        if let Some(problem) = listing.problems.first() {
            bail!("{problem}");
        }
        let base = match to {
            Some(to) => to.to_string(),
            None => std::path::absolute(path)?
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
                .unwrap_or_default(),
        };
        if base.starts_with('.') {
            bail!(
                "{} is a hidden folder, and a copy under that name would not be indexed; give --to NAME",
                display_path(path)
            );
        }
        for file in listing.files {
            let bytes = std::fs::read(&file.path)
                .with_context(|| format!("cannot read {}", display_path(&file.path)))?;
            out.push(checked(
                display_path(&file.path),
                bytes,
                join(Some(&base), &file.rel),
            )?);
        }
        return Ok(());
    }
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| anyhow!("{} has no usable file name", display_path(path)))?;
    if !corpus::is_article_name(file_name) {
        bail!(
            "{} is not an article file (seedsearch reads {})",
            display_path(path),
            corpus::extensions_shown()
        );
    }
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read {}", display_path(path)))?;
    out.push(checked(display_path(path), bytes, join(to, file_name))?);
    Ok(())
}

/// An input that is a readable article, with its content hash.
fn checked(from: String, bytes: Vec<u8>, dest: String) -> Result<Copy> {
    match corpus::decode(bytes.clone()) {
        Load::Text(loaded) => Ok(Copy {
            from,
            bytes,
            hash: loaded.hash,
            dest,
        }),
        Load::Skip(reason) => bail!("{from}: {reason}"),
    }
}

/// Content already in the index: hash → one of its paths relative to the seeds folder.
fn known_contents(paths: &Paths) -> Result<BTreeMap<ContentHash, String>> {
    let mut known = BTreeMap::new();
    if let Some(store) = Store::open(&paths.index)? {
        let payload = store.payload()?;
        let manifest = store.manifest(&payload)?;
        for (rel, _, hash) in manifest.indexed() {
            known.entry(hash).or_insert_with(|| rel.to_string());
        }
    }
    Ok(known)
}

/// doc_ids by path relative to the seeds folder, from the committed manifest.
fn doc_ids(paths: &Paths) -> Result<HashMap<String, String>> {
    let mut ids = HashMap::new();
    if let Some(store) = Store::open(&paths.index)? {
        let payload = store.payload()?;
        for (rel, record) in store.manifest(&payload)?.files {
            if let FileState::Indexed { doc_id, .. } = record.state {
                ids.insert(rel, doc_id);
            }
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subfolders_must_stay_inside_the_seeds_folder() {
        assert_eq!(checked_subfolder(Path::new("a/b")).unwrap(), "a/b");
        assert_eq!(checked_subfolder(Path::new("./a")).unwrap(), "a");
        for bad in ["../x", "/tmp", "a/../../b", ".hidden"] {
            assert!(checked_subfolder(Path::new(bad)).is_err(), "{bad}");
        }
    }
}

//! Adding articles: copy them into the seeds folder, then index them.
//!
//! Everything is checked under the update lock before anything is written: every input
//! must be a regular file that reads as an article, a name taken by a different file is
//! refused (unless `force`), and nothing is written through a link to outside the seeds
//! folder, so a refused add changes nothing. Each copy is written to a new hidden file and
//! renamed into place, all of them listed first in a journal: if indexing fails or Ctrl-C
//! comes, the copies are undone, and if the process dies, the next update undoes them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};

use super::journal::{self, Change, Entry, Journal};
use super::{Paths, Reporter};
use crate::corpus::{self, ContentHash, Load};
use crate::indexer::{Options, Report};
use crate::interrupt::Cancel;
use crate::manifest::{FileState, Manifest};
use crate::paths::display_path;
use crate::store::{Store, Wait};

/// What to add.
#[derive(Debug, Clone)]
pub struct AddRequest {
    pub inputs: Vec<Input>,
    /// A subfolder of the seeds folder to copy into.
    pub to: Option<PathBuf>,
    /// Overwrite a different file that has the same name.
    pub force: bool,
    /// How long to wait for another update that holds the lock.
    pub wait: Wait,
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
                if name.chars().any(char::is_control) {
                    crate::refuse!(
                        BadInput,
                        "--name {name:?} contains a control character; give a plain file name"
                    );
                }
                if name.contains(['/', '\\']) || !corpus::is_article_name(&name) {
                    crate::refuse!(
                        BadInput,
                        "--name {name} must be a file name ending in .txt or .md"
                    );
                }
                inputs.push(checked(from, bytes, join(to.as_deref(), &name))?);
            }
        }
    }
    if inputs.is_empty() {
        crate::refuse!(
            BadInput,
            "no articles ({}) found in {}",
            corpus::extensions_shown(),
            named.join(", ")
        );
    }
    let mut dests: HashMap<&str, &str> = HashMap::new();
    for input in &inputs {
        if let Some(other) = dests.insert(&input.dest, &input.from) {
            crate::refuse!(
                BadInput,
                "{} and {} would both be copied to {}",
                other,
                input.from,
                shown(paths, &input.dest)
            );
        }
    }

    // One update at a time, from the checks below to the commit: two adds of one name
    // cannot both find it free.
    let lock = super::lock_for_update(paths, request.wait, reporter, cancel)?;
    let _running = cancel.guard();
    let store = Store::open(&paths.index)?;
    let payload = match &store {
        Some(store) => Some(store.payload()?),
        None => None,
    };
    let base_generation = payload.as_ref().map_or(0, |p| p.generation);
    if let Some(payload) = payload.as_ref().filter(|p| p.generation > 0) {
        if payload.seeds != crate::paths::resolve_root(&paths.seeds) {
            bail!(
                "the index follows {}, not {}; nothing was copied (run `seedsearch index` to \
                 switch it, or pass --seeds {})",
                display_path(&payload.seeds),
                display_path(&paths.seeds),
                display_path(&payload.seeds)
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
    let known = match (&store, &payload) {
        (Some(store), Some(payload)) => known_contents(&store.manifest(payload)?),
        _ => BTreeMap::new(),
    };
    drop(store);

    // Decide for every input before writing anything.
    let token = journal::random_token();
    let mut plan = Journal::new(Change::Add, base_generation);
    let mut folders = BTreeSet::new();
    let mut clashes = Vec::new();
    let mut to_write = Vec::new();
    let mut already = Vec::new();
    for input in inputs {
        if let Some(existing) = still_there(paths, &known, input.hash) {
            already.push(AlreadyThere {
                from: input.from,
                path: shown(paths, &existing),
            });
            continue;
        }
        let shown_dest = shown(paths, &input.dest);
        let (dest, missing) = placed(&paths.seeds_root, &input.dest, &shown_dest)?;
        folders.extend(missing);
        let n = to_write.len();
        let mut entry = Entry {
            tmp: Some(journal::hidden_beside(&dest, token, n, "tmp")),
            created: Some(journal::hash_bytes(&input.bytes)),
            aside: None,
            path: dest,
        };
        match std::fs::symlink_metadata(&entry.path) {
            Ok(meta) if meta.is_file() => {
                let same = match corpus::read_article(&entry.path) {
                    Ok(Ok(bytes)) => {
                        matches!(corpus::decode(bytes), Load::Text(t) if t.hash == input.hash)
                    }
                    _ => false,
                };
                if same {
                    already.push(AlreadyThere {
                        from: input.from,
                        path: shown_dest,
                    });
                    continue;
                } else if request.force {
                    entry.aside = Some(journal::hidden_beside(&entry.path, token, n, "old"));
                } else {
                    clashes.push(format!(
                        "{shown_dest} already exists with different content (not copying {})",
                        input.from
                    ));
                    continue;
                }
            }
            Ok(_) => {
                clashes.push(format!(
                    "{shown_dest} exists and is not a regular file (not copying {})",
                    input.from
                ));
                continue;
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(anyhow!(err)).with_context(|| format!("cannot check {shown_dest}"))
            }
        }
        plan.entries.push(entry);
        to_write.push(input);
    }
    if !clashes.is_empty() {
        crate::refuse!(
            Conflict,
            "{}; nothing was copied (use --force to overwrite)",
            clashes.join("; ")
        );
    }
    plan.folders = folders.into_iter().collect();

    for a in &already {
        reporter.note(&format!(
            "{} is already in the seeds folder as {}",
            a.from, a.path
        ));
    }
    if !plan.entries.is_empty() {
        plan.write(&paths.index, &lock)?;
        if let Err(err) = copy(&plan, &to_write, cancel) {
            plan.undo();
            Journal::clear(&paths.index);
            return Err(err.context("nothing was added"));
        }
    }

    // Sync even when nothing was copied: a file already in the folder may not be indexed.
    let report = match super::sync_locked(paths, Options::default(), &lock, reporter, cancel) {
        Ok(report) => Some(report),
        Err(err) => {
            plan.undo();
            Journal::clear(&paths.index);
            return Err(err.context("nothing was added"));
        }
    };
    if !plan.entries.is_empty() {
        plan.finish();
        Journal::clear(&paths.index);
    }
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

/// Writes the planned copies: each to its temporary file (created exclusively), then
/// renamed into place, what was there moved aside first. Stops at Ctrl-C.
fn copy(plan: &Journal, inputs: &[Copy], cancel: &Cancel) -> Result<()> {
    for folder in &plan.folders {
        // A folder that appeared since the checks is not ours to write into (it could be a
        // link): fail rather than follow it.
        match std::fs::create_dir(folder) {
            Ok(()) => {}
            Err(err) => {
                return Err(anyhow!(err))
                    .with_context(|| format!("cannot create {}", display_path(folder)))
            }
        }
    }
    for (entry, input) in plan.entries.iter().zip(inputs) {
        cancel.check()?;
        let path = &entry.path;
        let cannot = || format!("cannot write {}", display_path(path));
        let tmp = entry.tmp.as_deref().unwrap_or(path);
        write_new(tmp, &input.bytes).with_context(cannot)?;
        if let Some(aside) = &entry.aside {
            std::fs::rename(path, aside).with_context(cannot)?;
        }
        std::fs::rename(tmp, path).with_context(cannot)?;
    }
    Ok(())
}

/// Creates `path` (never through an existing file or link) and writes `bytes` durably.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Where `dest` (relative, `/`-separated) lands in the real seeds folder `root`, and the
/// folders to create on the way. Refused when a folder on the way is a link to outside
/// `root`: add never writes there, even though indexing follows such links.
fn placed(root: &Path, dest: &str, shown: &str) -> Result<(PathBuf, Vec<PathBuf>)> {
    let mut parts: Vec<&str> = dest.split('/').collect();
    let name = parts.pop().unwrap_or_default();
    let mut dir = root.to_path_buf();
    let mut missing = Vec::new();
    for part in parts {
        let next = dir.join(part);
        if !missing.is_empty() {
            missing.push(next.clone());
            dir = next;
            continue;
        }
        match std::fs::symlink_metadata(&next) {
            Ok(meta) if meta.is_dir() => dir = next,
            Ok(meta) if meta.file_type().is_symlink() => {
                let real = std::fs::canonicalize(&next)
                    .with_context(|| format!("cannot follow {}", display_path(&next)))?;
                if !real.starts_with(root) {
                    bail!(
                        "{shown} would be written through the symbolic link {} to {}, outside \
                         the seeds folder; nothing was copied",
                        display_path(&next),
                        display_path(&real)
                    );
                }
                if !real.is_dir() {
                    bail!(
                        "{} is not a folder; nothing was copied",
                        display_path(&next)
                    );
                }
                dir = real;
            }
            Ok(_) => bail!(
                "{} is not a folder; nothing was copied",
                display_path(&next)
            ),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                missing.push(next.clone());
                dir = next;
            }
            Err(err) => {
                return Err(anyhow!(err))
                    .with_context(|| format!("cannot check {}", display_path(&next)))
            }
        }
    }
    Ok((dir.join(name), missing))
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
            _ => crate::refuse!(
                BadInput,
                "--to {} must be a folder inside the seeds folder (no `..`, not absolute)",
                display_path(to)
            ),
        }
    }
    if parts.iter().any(|p| p.starts_with('.')) {
        crate::refuse!(
            BadInput,
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
            let bytes = read_input(&file.path)?;
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
    let bytes = read_input(path)?;
    out.push(checked(display_path(path), bytes, join(to, file_name))?);
    Ok(())
}

/// An input file's bytes: a regular file of at most [`corpus::MAX_ARTICLE_BYTES`] (a FIFO
/// would block forever, a link to a device would never end).
fn read_input(path: &Path) -> Result<Vec<u8>> {
    match corpus::read_article(path) {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(why)) => bail!("{} {why}; nothing was copied", display_path(path)),
        Err(err) => {
            Err(anyhow!(err)).with_context(|| format!("cannot read {}", display_path(path)))
        }
    }
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
        Load::Skip(reason) => crate::refuse!(BadInput, "{from}: {reason}"),
    }
}

/// Content the index knows: hash → the paths (relative to the seeds folder) it was at.
fn known_contents(manifest: &Manifest) -> BTreeMap<ContentHash, Vec<String>> {
    let mut known: BTreeMap<ContentHash, Vec<String>> = BTreeMap::new();
    for (rel, _, hash) in manifest.indexed() {
        known.entry(hash).or_default().push(rel.to_string());
    }
    known
}

/// A file of the seeds folder that holds `hash` now, among those the index knows: the
/// disk decides, so a file deleted or edited by hand since is not "already there". Only
/// the candidates are read.
fn still_there(
    paths: &Paths,
    known: &BTreeMap<ContentHash, Vec<String>>,
    hash: ContentHash,
) -> Option<String> {
    known.get(&hash)?.iter().find_map(|rel| {
        let on_disk = corpus::load(&paths.seeds.join(rel));
        matches!(on_disk, Ok(Load::Text(t)) if t.hash == hash).then(|| rel.clone())
    })
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

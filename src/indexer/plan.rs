//! Planning a sync: the listing of the seeds folder against the manifest of the last
//! commit, turned into the articles to write and delete. Pure: files are read by the
//! caller, so every decision here is unit-tested with made-up listings.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::Report;
use crate::corpus::{ContentHash, Problem, SeedFile};
use crate::manifest::{FileRecord, FileState, Manifest};

/// Files changed this recently before the previous scan are hashed again even if their size
/// and modification time match: a write in the same clock tick as the scan would otherwise
/// go unnoticed (git calls these "racily clean").
const RACY_WINDOW_NS: i64 = 2_000_000_000;

/// One article to (re)write: its content hash and every file that holds it.
pub(super) struct Job {
    pub hash: ContentHash,
    /// `(doc_id, rel)` sorted by doc_id.
    pub files: Vec<(String, String)>,
    pub paths: Vec<PathBuf>,
    /// Size of the file, for sizing the writer.
    pub bytes: u64,
    /// The decoded text, when it was kept from hashing.
    pub text: Option<String>,
}

/// The differences between the folder and the index.
pub(super) struct Plan {
    /// Every file's new record.
    pub records: BTreeMap<String, FileRecord>,
    /// Articles to (re)write.
    pub writes: Vec<Job>,
    /// Articles to delete.
    pub deletes: Vec<ContentHash>,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub warnings: Vec<Problem>,
}

impl Plan {
    pub fn report(&self, seeds: &Path) -> Report {
        Report {
            added: self.added,
            updated: self.updated,
            removed: self.removed,
            unchanged: self.unchanged,
            skipped: self.skipped,
            seeds: seeds.to_path_buf(),
            warnings: self.warnings.clone(),
            ..Report::default()
        }
    }
}

/// A file's state after looking at it.
pub(super) enum Seen<'a> {
    /// Unchanged since the manifest: its old record stands.
    Known(&'a FileRecord),
    Text {
        hash: ContentHash,
        /// Decoded as Windows-1252 (worth a warning).
        latin1: bool,
        text: Option<String>,
    },
    Skipped(String),
}

impl Seen<'_> {
    fn is_indexable(&self) -> bool {
        match self {
            Seen::Known(record) => matches!(record.state, FileState::Indexed { .. }),
            Seen::Text { .. } => true,
            Seen::Skipped(_) => false,
        }
    }
}

/// Pairs each file of the (sorted) listing with its record in the (sorted) manifest, in
/// one merge pass, and collects the records of files that are gone.
pub(super) fn match_records<'a>(
    files: &[SeedFile],
    old: &'a Manifest,
) -> (Vec<Option<&'a FileRecord>>, Vec<&'a FileRecord>) {
    if !files.is_sorted_by(|a, b| a.rel < b.rel) {
        // Not a listing from `corpus::walk`: match by lookup instead.
        let present: HashSet<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        let matched = files.iter().map(|f| old.files.get(&f.rel)).collect();
        let gone = old
            .files
            .iter()
            .filter(|(rel, _)| !present.contains(rel.as_str()))
            .map(|(_, r)| r)
            .collect();
        return (matched, gone);
    }
    let mut matched = Vec::with_capacity(files.len());
    let mut gone = Vec::new();
    let mut records = old.files.iter().peekable();
    for file in files {
        let mut record = None;
        while let Some(&(rel, r)) = records.peek() {
            match rel.as_str().cmp(file.rel.as_str()) {
                std::cmp::Ordering::Less => gone.push(r),
                std::cmp::Ordering::Equal => record = Some(r),
                std::cmp::Ordering::Greater => break,
            }
            records.next();
            if record.is_some() {
                break;
            }
        }
        matched.push(record);
    }
    gone.extend(records.map(|(_, r)| r));
    (matched, gone)
}

/// Which files of the listing must be read: new ones, and known ones whose size or
/// modification time changed, or changed so close to the last scan that a write in the
/// same clock tick could have gone unnoticed (git's "racily clean" files). All of them
/// with `rebuild`.
pub(super) fn to_read(
    files: &[SeedFile],
    old_records: &[Option<&FileRecord>],
    scanned_ms: u64,
    rebuild: bool,
) -> Vec<usize> {
    let racy_from = i64::try_from(scanned_ms)
        .unwrap_or(i64::MAX)
        .saturating_mul(1_000_000)
        .saturating_sub(RACY_WINDOW_NS);
    let needs_read = |f: &SeedFile, r: Option<&FileRecord>| match r {
        Some(r) => {
            rebuild || r.size != f.size || r.mtime_ns != f.mtime_ns || f.mtime_ns >= racy_from
        }
        None => true,
    };
    (0..files.len())
        .filter(|&i| needs_read(&files[i], old_records[i]))
        .collect()
}

/// Compares the listing with the manifest and decides what to write and delete. Pure:
/// the files [`to_read`] chose were read by the caller, and `read` pairs each one's index
/// in `files` with what was found.
///
/// `files` is sorted by `rel` (as [`crate::corpus::walk`] returns it), like the manifest,
/// so the two are matched in one pass and everything per file lives in vectors beside
/// `files`: a sync of a large folder where little changed costs a few string comparisons
/// per file, not several map lookups and copies.
pub(super) fn plan<'a>(
    files: &[SeedFile],
    old: &'a Manifest,
    old_records: &[Option<&'a FileRecord>],
    gone: &[&'a FileRecord],
    read: Vec<(usize, Seen<'a>)>,
    rebuild: bool,
) -> Plan {
    let mut warnings = Vec::new();
    let mut seen: Vec<Option<Seen<'_>>> = old_records.iter().map(|r| r.map(Seen::Known)).collect();
    for (i, state) in read {
        if let Seen::Text { latin1: true, .. } = state {
            warnings.push(problem(
                &files[i],
                "is not valid UTF-8; read as Windows-1252 (Latin-1)",
            ));
        }
        seen[i] = Some(state);
    }

    // 2. Name the articles: doc_id is the path without its extension, unless two files
    // differ only by extension. Stems of a sorted listing are nearly sorted, so the
    // stable sort that finds the shared ones runs in about linear time.
    let mut stems: Vec<&str> = files
        .iter()
        .zip(&seen)
        .filter(|(_, s)| s.as_ref().is_some_and(Seen::is_indexable))
        .map(|(f, _)| stem(&f.rel))
        .collect();
    stems.sort();
    let shared: HashSet<&str> = stems
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    let doc_id = |rel: &str| -> String {
        let stem = stem(rel);
        if !shared.is_empty() && shared.contains(stem) {
            rel.to_string()
        } else {
            stem.to_string()
        }
    };

    // 3. Only articles that gained, lost or renamed a file need work: find them first, so
    // an update of one file in a large folder does not regroup every article.
    let mut affected: HashSet<ContentHash> = HashSet::new();
    for record in gone {
        if let FileState::Indexed { hash, .. } = record.state {
            affected.insert(hash);
        }
    }
    for ((file, record), state) in files.iter().zip(old_records).zip(&seen) {
        if let Some(Seen::Text { hash, .. }) = state {
            affected.insert(*hash);
        }
        let Some(FileState::Indexed {
            hash,
            doc_id: old_id,
        }) = record.map(|r| &r.state)
        else {
            continue;
        };
        let renamed = match state {
            Some(Seen::Known(_)) => {
                // Cheap test first: only a file whose stem is shared can change its id.
                let stem = stem(&file.rel);
                old_id.as_str() != stem || (!shared.is_empty() && shared.contains(stem))
            }
            Some(Seen::Text { hash: new_hash, .. }) => new_hash != hash,
            Some(Seen::Skipped(_)) | None => true,
        };
        if renamed && (!matches!(state, Some(Seen::Known(_))) || *old_id != doc_id(&file.rel)) {
            affected.insert(*hash);
        }
    }
    if rebuild {
        affected.extend(old.articles.keys().copied());
    }

    // 4. Group the files of those articles by content, old and new.
    let mut old_groups: HashMap<ContentHash, Vec<(String, String)>> = HashMap::new();
    if !affected.is_empty() {
        for (rel, record, hash) in old.indexed() {
            if !affected.contains(&hash) {
                continue;
            }
            if let FileState::Indexed { doc_id, .. } = &record.state {
                old_groups
                    .entry(hash)
                    .or_default()
                    .push((doc_id.clone(), rel.to_string()));
            }
        }
    }
    let mut new_groups: BTreeMap<ContentHash, Job> = BTreeMap::new();
    let mut records: Vec<(String, FileRecord)> = Vec::with_capacity(files.len());
    let (mut added, mut updated, mut removed, mut unchanged, mut skipped) = (0, 0, 0, 0, 0);
    let mut collisions: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for ((file, old_record), state) in files.iter().zip(old_records).zip(seen) {
        let Some(state) = state else {
            continue;
        };
        let old_hash = match old_record.map(|r| &r.state) {
            Some(FileState::Indexed { hash, .. }) => Some(*hash),
            _ => None,
        };
        let (hash, text) = match state {
            Seen::Known(record) => match &record.state {
                FileState::Indexed { hash, doc_id } => {
                    // The common case of a large, quiet folder: an article that is not
                    // affected kept its content and its doc_id, so the old record stands.
                    if affected.is_empty() || !affected.contains(hash) {
                        unchanged += 1;
                        let stem = stem(&file.rel);
                        if doc_id.as_str() != stem {
                            collisions.entry(stem).or_default().push(&file.rel);
                        }
                        records.push((file.rel.clone(), (*record).clone()));
                        continue;
                    }
                    (*hash, None)
                }
                FileState::Skipped { reason } => {
                    skipped += 1;
                    warnings.push(problem(file, reason));
                    records.push((
                        file.rel.clone(),
                        record_for(
                            file,
                            FileState::Skipped {
                                reason: reason.clone(),
                            },
                        ),
                    ));
                    continue;
                }
            },
            Seen::Text { hash, text, .. } => (hash, text),
            Seen::Skipped(reason) => {
                skipped += 1;
                if old_hash.is_some() {
                    removed += 1;
                }
                warnings.push(problem(file, &reason));
                records.push((
                    file.rel.clone(),
                    record_for(file, FileState::Skipped { reason }),
                ));
                continue;
            }
        };
        match old_hash {
            None => added += 1,
            Some(h) if h == hash => unchanged += 1,
            Some(_) => updated += 1,
        }
        let id = doc_id(&file.rel);
        if id != stem(&file.rel) {
            collisions
                .entry(stem(&file.rel))
                .or_default()
                .push(&file.rel);
        }
        if affected.contains(&hash) {
            let job = new_groups.entry(hash).or_insert_with(|| Job {
                hash,
                files: Vec::new(),
                paths: Vec::new(),
                bytes: file.size,
                text: None,
            });
            job.files.push((id.clone(), file.rel.clone()));
            job.paths.push(file.path.clone());
            if job.text.is_none() {
                job.text = text;
            }
        }
        records.push((
            file.rel.clone(),
            record_for(file, FileState::Indexed { hash, doc_id: id }),
        ));
    }
    for (stem, rels) in collisions {
        warnings.push(Problem {
            path: rels.join(", "),
            message: format!(
                "these files share the name `{stem}` apart from the extension; their doc_ids keep the extension"
            ),
        });
    }
    removed += gone
        .iter()
        .filter(|r| matches!(r.state, FileState::Indexed { .. }))
        .count();

    // 5. Articles whose set of files changed are rewritten; articles with no file left go.
    let deletes = old_groups
        .keys()
        .filter(|h| !new_groups.contains_key(h))
        .copied()
        .collect();
    let mut writes = Vec::new();
    for (hash, mut job) in new_groups {
        job.files.sort();
        let same = old_groups.get_mut(&hash).is_some_and(|old| {
            old.sort();
            *old == job.files
        });
        if rebuild || !same {
            writes.push(job);
        }
    }

    Plan {
        // Sorted input: collecting builds the map in one pass.
        records: records.into_iter().collect(),
        writes,
        deletes,
        added,
        updated,
        removed,
        unchanged,
        skipped,
        warnings,
    }
}

pub(super) fn stem(rel: &str) -> &str {
    let name_start = rel.rfind('/').map_or(0, |i| i + 1);
    match rel[name_start..].rfind('.') {
        Some(dot) if dot > 0 => &rel[..name_start + dot],
        _ => rel,
    }
}

fn record_for(file: &SeedFile, state: FileState) -> FileRecord {
    FileRecord {
        size: file.size,
        mtime_ns: file.mtime_ns,
        state,
    }
}

fn problem(file: &SeedFile, message: &str) -> Problem {
    Problem {
        path: crate::paths::display_path(&file.path),
        message: message.to_string(),
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::ArticleRecord;

    fn file(rel: &str, size: u64, mtime_ns: i64) -> SeedFile {
        SeedFile {
            rel: rel.to_string(),
            path: PathBuf::from("seeds").join(rel),
            size,
            mtime_ns,
        }
    }

    fn indexed(size: u64, mtime_ns: i64, hash: u128, doc_id: &str) -> FileRecord {
        FileRecord {
            size,
            mtime_ns,
            state: FileState::Indexed {
                hash: ContentHash(hash),
                doc_id: doc_id.to_string(),
            },
        }
    }

    fn text(hash: u128) -> Seen<'static> {
        Seen::Text {
            hash: ContentHash(hash),
            latin1: false,
            text: None,
        }
    }

    /// A manifest of these indexed files (one article per distinct hash).
    fn manifest(files: &[(&str, FileRecord)]) -> Manifest {
        let mut m = Manifest::default();
        for (rel, record) in files {
            if let FileState::Indexed { hash, .. } = &record.state {
                m.articles.insert(*hash, ArticleRecord::default());
            }
            m.files.insert(rel.to_string(), record.clone());
        }
        m
    }

    /// Plans `files` against `old`, "reading" each file `to_read` picks as `contents`
    /// says (by rel), and returns the plan with the rels that were read.
    fn run(
        files: &[SeedFile],
        old: &Manifest,
        contents: &[(&str, u128)],
        scanned_ms: u64,
    ) -> (Plan, Vec<String>) {
        let (records, gone) = match_records(files, old);
        let wanted = to_read(files, &records, scanned_ms, false);
        let read: Vec<(usize, Seen)> = wanted
            .iter()
            .map(|&i| {
                let hash = contents
                    .iter()
                    .find(|(rel, _)| *rel == files[i].rel)
                    .map_or(0, |(_, h)| *h);
                (i, text(hash))
            })
            .collect();
        let names = wanted.iter().map(|&i| files[i].rel.clone()).collect();
        (plan(files, old, &records, &gone, read, false), names)
    }

    fn written(plan: &Plan) -> Vec<(u128, Vec<String>)> {
        plan.writes
            .iter()
            .map(|j| {
                (
                    j.hash.0,
                    j.files.iter().map(|(_, rel)| rel.clone()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_first_sync_reads_and_writes_every_file() {
        let files = [file("a.txt", 5, 10), file("sport/b.md", 6, 10)];
        let (plan, read) = run(
            &files,
            &Manifest::default(),
            &[("a.txt", 1), ("sport/b.md", 2)],
            0,
        );
        assert_eq!(read, ["a.txt", "sport/b.md"]);
        assert_eq!(plan.added, 2);
        assert_eq!(
            written(&plan),
            [(1, vec!["a.txt".into()]), (2, vec!["sport/b.md".into()])]
        );
        assert!(plan.deletes.is_empty());
    }

    #[test]
    fn unchanged_files_are_not_read_or_written() {
        let old = manifest(&[("a.txt", indexed(5, 10, 1, "a"))]);
        let files = [file("a.txt", 5, 10)];
        // The last scan was long after the file's time: not racily clean.
        let (plan, read) = run(&files, &old, &[], 1_000_000);
        assert!(read.is_empty());
        assert_eq!(plan.unchanged, 1);
        assert!(plan.writes.is_empty() && plan.deletes.is_empty());
        assert_eq!(plan.records, old.files);
    }

    #[test]
    fn a_file_changed_in_the_clock_tick_of_the_last_scan_is_read_again() {
        let old = manifest(&[("a.txt", indexed(5, 1_000_000_000, 1, "a"))]);
        let files = [file("a.txt", 5, 1_000_000_000)];
        let (_, read) = run(&files, &old, &[("a.txt", 1)], 1_500);
        assert_eq!(read, ["a.txt"]);
    }

    #[test]
    fn an_edited_file_replaces_its_article_and_a_deleted_one_is_removed() {
        let old = manifest(&[
            ("a.txt", indexed(5, 10, 1, "a")),
            ("gone.txt", indexed(5, 10, 2, "gone")),
        ]);
        let files = [file("a.txt", 9, 20)];
        let (plan, _) = run(&files, &old, &[("a.txt", 3)], 1_000_000);
        assert_eq!((plan.updated, plan.removed), (1, 1));
        assert_eq!(written(&plan), [(3, vec!["a.txt".into()])]);
        let mut deletes: Vec<u128> = plan.deletes.iter().map(|h| h.0).collect();
        deletes.sort_unstable();
        assert_eq!(deletes, [1, 2]);
    }

    #[test]
    fn identical_files_are_one_article_with_every_path() {
        let files = [file("a.txt", 5, 10), file("copy/a.txt", 5, 10)];
        let (plan, _) = run(
            &files,
            &Manifest::default(),
            &[("a.txt", 7), ("copy/a.txt", 7)],
            0,
        );
        assert_eq!(
            written(&plan),
            [(7, vec!["a.txt".into(), "copy/a.txt".into()])]
        );
    }

    #[test]
    fn a_renamed_file_rewrites_its_article_under_the_new_path() {
        let old = manifest(&[("old.txt", indexed(5, 10, 4, "old"))]);
        let files = [file("new.txt", 5, 10)];
        let (plan, _) = run(&files, &old, &[("new.txt", 4)], 1_000_000);
        assert_eq!(written(&plan), [(4, vec!["new.txt".into()])]);
        assert!(
            plan.deletes.is_empty(),
            "same content: rewritten, not deleted"
        );
        assert_eq!((plan.added, plan.removed), (1, 1));
    }

    #[test]
    fn files_differing_only_by_extension_keep_it_in_their_doc_ids() {
        let files = [file("x.md", 5, 10), file("x.txt", 6, 10)];
        let (plan, _) = run(
            &files,
            &Manifest::default(),
            &[("x.md", 1), ("x.txt", 2)],
            0,
        );
        let ids: Vec<&str> = plan
            .writes
            .iter()
            .flat_map(|j| j.files.iter().map(|(id, _)| id.as_str()))
            .collect();
        assert_eq!(ids, ["x.md", "x.txt"]);
        assert_eq!(plan.warnings.len(), 1);
    }

    #[test]
    fn stems_drop_only_the_extension_of_the_file_name() {
        assert_eq!(stem("sport/001.txt"), "sport/001");
        assert_eq!(stem("a.b/c"), "a.b/c");
        assert_eq!(stem("x.y.md"), "x.y");
    }
}

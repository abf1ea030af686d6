//! Property test: an index kept up to date through any sequence of adds, edits, renames,
//! removes, byte-identical copies and paragraphs shared by several articles answers every
//! query exactly as a fresh build of the final folder does: the same hits, in the same
//! order, with the same scores (within float noise). This is the README's promise that an
//! updated index is "the same index as a fresh build"; BM25 statistics must not count
//! passages that are gone (see `src/search/stats.rs`).

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use seedsearch::collection::{self, Collection, Freshness, Paths, Quiet};
use seedsearch::indexer::Options;
use seedsearch::interrupt::Cancel;
use seedsearch::search::Request;

/// Each case syncs a temporary index up to 17 times and builds a second one, so the case
/// count is kept low enough for a few seconds in the dev profile.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 32,
        // Relative to the package root, where `cargo test` runs integration tests.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/fresh_build.txt",
        ))),
        ..ProptestConfig::default()
    }
}

/// Content words (stemmed forms distinct), few enough that every query word has a
/// document frequency that moves when articles come and go.
const WORDS: &[&str] = &[
    "mobile", "phone", "market", "price", "oil", "bank", "growth", "election", "minister", "party",
    "film", "award", "music", "team", "player", "court", "drone", "border", "police", "profit",
];

/// Function words, which season scores but never match alone.
const FILLER: &[&str] = &["the", "of", "and", "said", "in"];

/// Subfolders of the seeds folder (the empty one is the folder itself); the first two are
/// collections a query can filter on.
const DIRS: &[&str] = &["world", "tech", ""];

fn words(range: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(WORDS),
            1 => prop::sample::select(FILLER),
        ],
        range,
    )
    .prop_map(|w| w.join(" "))
}

fn paragraph() -> impl Strategy<Value = String> {
    words(2..12).prop_map(|mut p| {
        p.push('.');
        p
    })
}

/// A headline and one to four paragraphs.
fn article() -> impl Strategy<Value = String> {
    (words(1..5), prop::collection::vec(paragraph(), 1..5))
        .prop_map(|(title, paragraphs)| format!("{title}\n\n{}\n", paragraphs.join("\n\n")))
}

/// One change to the seeds folder. Indices pick among the files present (modulo their
/// number), so every generated sequence applies.
#[derive(Debug, Clone)]
enum Op {
    Add {
        dir: usize,
        text: String,
    },
    Edit {
        file: usize,
        text: String,
    },
    Rename {
        file: usize,
        dir: usize,
    },
    Remove {
        file: usize,
    },
    /// A byte-identical copy of an article under another name.
    Copy {
        file: usize,
        dir: usize,
    },
    /// The same paragraph appended to several articles (a promo, a wire paragraph).
    Share {
        files: Vec<usize>,
        paragraph: String,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..DIRS.len(), article()).prop_map(|(dir, text)| Op::Add { dir, text }),
        2 => (any::<usize>(), article()).prop_map(|(file, text)| Op::Edit { file, text }),
        1 => (any::<usize>(), 0..DIRS.len()).prop_map(|(file, dir)| Op::Rename { file, dir }),
        2 => any::<usize>().prop_map(|file| Op::Remove { file }),
        1 => (any::<usize>(), 0..DIRS.len()).prop_map(|(file, dir)| Op::Copy { file, dir }),
        1 => (prop::collection::vec(any::<usize>(), 3..5), paragraph())
            .prop_map(|(files, paragraph)| Op::Share { files, paragraph }),
    ]
}

/// Queries drawn from the vocabulary: one word, two words, a phrase, a word within one
/// collection.
fn queries() -> impl Strategy<Value = Vec<String>> {
    let word = || prop::sample::select(WORDS);
    (
        word(),
        (word(), word()),
        (word(), word()),
        (word(), 0..2usize),
    )
        .prop_map(|(one, (a, b), (c, d), (e, dir))| {
            vec![
                one.to_string(),
                format!("{a} {b}"),
                format!("\"{c} {d}\""),
                format!("{e} collection:{}", DIRS[dir]),
            ]
        })
}

/// The seeds folder being changed, and the files it holds (relative paths, sorted).
struct Folder {
    seeds: PathBuf,
    files: Vec<String>,
    next: usize,
}

impl Folder {
    fn pick(&self, i: usize) -> Option<String> {
        (!self.files.is_empty()).then(|| self.files[i % self.files.len()].clone())
    }

    fn new_name(&mut self, dir: usize) -> String {
        self.next += 1;
        match DIRS[dir] {
            "" => format!("a{:03}.txt", self.next),
            dir => format!("{dir}/a{:03}.txt", self.next),
        }
    }

    fn write(&mut self, rel: &str, text: &str) {
        let path = self.seeds.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        if !self.files.iter().any(|f| f == rel) {
            self.files.push(rel.to_string());
            self.files.sort();
        }
    }

    fn forget(&mut self, rel: &str) {
        self.files.retain(|f| f != rel);
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Add { dir, text } => {
                let rel = self.new_name(*dir);
                self.write(&rel, text);
            }
            Op::Edit { file, text } => {
                if let Some(rel) = self.pick(*file) {
                    self.write(&rel, text);
                }
            }
            Op::Rename { file, dir } => {
                if let Some(rel) = self.pick(*file) {
                    let to = self.new_name(*dir);
                    let target = self.seeds.join(&to);
                    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                    std::fs::rename(self.seeds.join(&rel), target).unwrap();
                    self.forget(&rel);
                    self.files.push(to);
                    self.files.sort();
                }
            }
            Op::Remove { file } => {
                if let Some(rel) = self.pick(*file) {
                    std::fs::remove_file(self.seeds.join(&rel)).unwrap();
                    self.forget(&rel);
                }
            }
            Op::Copy { file, dir } => {
                if let Some(rel) = self.pick(*file) {
                    let text = std::fs::read_to_string(self.seeds.join(&rel)).unwrap();
                    let to = self.new_name(*dir);
                    self.write(&to, &text);
                }
            }
            Op::Share { files, paragraph } => {
                let mut chosen: Vec<String> = files.iter().filter_map(|&i| self.pick(i)).collect();
                chosen.sort();
                chosen.dedup();
                for rel in chosen {
                    let text = std::fs::read_to_string(self.seeds.join(&rel)).unwrap();
                    self.write(&rel, &format!("{}\n\n{paragraph}\n", text.trim_end()));
                }
            }
        }
    }
}

/// A temporary folder, in memory where the system has one: every sync commits with
/// fsync, which makes the property ten times slower on a disk.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

fn sync(paths: &Paths) {
    collection::sync(paths, Options::default(), &Quiet, &Cancel::new()).unwrap();
}

/// Every hit of `query`, as `(doc_id, path, passage, score)` in rank order, with the
/// number of matching passages.
type Ranked = (usize, Vec<(String, String, u32, f32)>);

fn ranked(index: &Path, seeds: &Path, query: &str) -> Ranked {
    let paths = Paths::new(seeds, index);
    let collection = Collection::open(&paths, Freshness::AsIs, &Quiet, &Cancel::new()).unwrap();
    let request = Request {
        limit: 1000,
        ..Request::new(query)
    };
    let results = collection.search(&request).unwrap();
    let hits = results
        .hits
        .into_iter()
        .map(|h| (h.doc_id, h.path, h.passage, h.score))
        .collect();
    (results.matched_passages, hits)
}

/// `Err` with the first difference between the updated index's answer and the fresh one's.
fn same_answers(updated: &Ranked, fresh: &Ranked) -> Result<(), String> {
    if updated.0 != fresh.0 {
        return Err(format!(
            "{} matching passages, fresh build {}",
            updated.0, fresh.0
        ));
    }
    for (rank, (a, b)) in updated.1.iter().zip(&fresh.1).enumerate() {
        let close = (a.3 - b.3).abs() <= 1e-4 * b.3.abs().max(1.0);
        if (&a.0, &a.1, a.2) != (&b.0, &b.1, b.2) || !close {
            return Err(format!("hit {}: {a:?}, fresh build {b:?}", rank + 1));
        }
    }
    if updated.1.len() != fresh.1.len() {
        return Err(format!(
            "{} hits, fresh build {}",
            updated.1.len(),
            fresh.1.len()
        ));
    }
    Ok(())
}

/// Applies `ops` (syncing after those marked), syncs, builds a fresh index of the final
/// folder, and compares the answers to `queries`.
fn check(initial: &[String], ops: &[(Op, bool)], queries: &[String]) -> Result<(), String> {
    let dir = scratch();
    let seeds = dir.path().join("seeds");
    std::fs::create_dir(&seeds).unwrap();
    let mut folder = Folder {
        seeds: seeds.clone(),
        files: Vec::new(),
        next: 0,
    };
    for (i, text) in initial.iter().enumerate() {
        folder.apply(&Op::Add {
            dir: i % DIRS.len(),
            text: text.clone(),
        });
    }
    let updated = dir.path().join("index");
    let paths = Paths::new(&seeds, &updated);
    sync(&paths);
    for (op, sync_after) in ops {
        folder.apply(op);
        if *sync_after {
            sync(&paths);
        }
    }
    sync(&paths);
    let fresh = dir.path().join("fresh");
    sync(&Paths::new(&seeds, &fresh));
    for query in queries {
        let a = ranked(&updated, &seeds, query);
        let b = ranked(&fresh, &seeds, query);
        same_answers(&a, &b).map_err(|e| format!("{query:?}: {e}"))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn an_updated_index_answers_as_a_fresh_build(
        initial in prop::collection::vec(article(), 4..10),
        ops in prop::collection::vec((op(), prop::bool::weighted(0.7)), 1..16),
        queries in queries(),
    ) {
        if let Err(e) = check(&initial, &ops, &queries) {
            prop_assert!(false, "{e}\nops: {ops:#?}");
        }
    }
}

/// Found by the property above (shrunk, then cut down by hand). An article whose headline
/// alone matches is answered by its lead passage, found with a clause on the `lead` field
/// that tantivy scores too; LiveStats gave that field tantivy's token count, which still
/// counts removed passages, so after a remove the headline-only hit scored higher than in
/// a fresh build (3.11 against 2.88 in the case found).
#[test]
fn regression_headline_only_hit_after_a_remove() {
    let initial = [
        "drone\n\nmobile mobile.\n".to_string(),
        "mobile\n\nmobile phone.\n".to_string(),
        "phone\n\nmarket price.\n\nprice oil.\n".to_string(),
    ];
    let ops = [(Op::Remove { file: 0 }, true)];
    check(&initial, &ops, &["drone".to_string()]).unwrap();
}

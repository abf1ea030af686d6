//! A small harness: a temporary project folder with its own `seeds/`, and a command
//! builder that runs the built binary there with a clean environment.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

/// A temporary folder to run seedsearch in, with a `seeds/` folder.
pub struct Project {
    dir: tempfile::TempDir,
}

/// What a run printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `--format json` output, pinned: any key added or removed fails the tests.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub version: u32,
    pub query: String,
    pub total_hits: usize,
    pub matched_passages: usize,
    pub matched_articles: usize,
    pub hits: Vec<Hit>,
    /// Only with --articles (tests/cli/power.rs reads it as JSON).
    pub articles: Option<serde_json::Value>,
    /// Only with --facets.
    pub facets: Option<serde_json::Value>,
    pub warnings: Vec<String>,
    pub unmatched: Vec<String>,
    pub suggestions: Vec<Suggestion>,
    pub hidden_boilerplate: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suggestion {
    pub word: String,
    pub did_you_mean: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hit {
    /// Only in JSON Lines, where each hit is a document of its own.
    pub version: Option<u32>,
    pub rank: usize,
    pub score: f64,
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub section: Option<String>,
    pub passage: u32,
    pub line_start: u32,
    pub line_end: u32,
    pub boilerplate: bool,
    pub headline_only: bool,
    pub text: String,
    pub snippet: String,
    pub highlights: Vec<[usize; 2]>,
    pub title_highlights: Vec<[usize; 2]>,
    pub section_highlights: Vec<[usize; 2]>,
    pub metadata: BTreeMap<String, String>,
    pub also_in: Vec<Source>,
    /// Only with --explain.
    pub explanation: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub doc_id: String,
    pub path: String,
    pub passage: u32,
    pub line_start: u32,
    pub line_end: u32,
}

/// `index --format json` output.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// Only when the report is the document (`index`), not inside `add` and `remove`'s.
    pub version: Option<u32>,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub files: u64,
    pub articles: u64,
    pub passages: u64,
    pub passages_written: u64,
    pub committed: bool,
    pub seeds: PathBuf,
    pub previous_seeds: Option<PathBuf>,
    pub warnings: Vec<Problem>,
    /// Saved searches with new matches (tests/cli/power.rs reads them as JSON).
    pub alerts: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl Project {
    pub fn new() -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("seeds")).expect("seeds dir");
        Project { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn seeds(&self) -> PathBuf {
        self.root().join("seeds")
    }

    /// Writes an article (path relative to `seeds/`), creating folders as needed.
    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.seeds().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, content).expect("write article");
        self
    }

    /// Holds seedsearch's update lock the way another seedsearch process (an `add`, a
    /// sync) would, until the file is dropped.
    pub fn hold_update_lock(&self) -> std::fs::File {
        let lock = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.root().join("index/seedsearch.lock"))
            .expect("the lock file");
        lock.try_lock().expect("lock the index");
        lock
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.seeds().join(rel)).expect("remove article");
    }

    /// A command running the binary in the project folder, with variables that change
    /// behaviour cleared.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_seedsearch"));
        cmd.current_dir(self.root()).args(args);
        for var in [
            "SEEDSEARCH_SEEDS",
            "SEEDSEARCH_INDEX",
            "NO_COLOR",
            "CLICOLOR_FORCE",
            "CLICOLOR",
            "TERM",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let output = self.command(args).output().expect("run seedsearch");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs `index --format json` and returns the report (asserting success).
    pub fn index(&self, extra: &[&str]) -> Report {
        let mut args = vec!["index", "--format", "json"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        assert_eq!(run.code, 0, "{run:?}");
        let report: Report =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
        assert_eq!(report.version, Some(1), "{run:?}");
        assert!(report.alerts.iter().all(|a| a["search"].is_string()));
        report
    }

    /// Runs `search --json QUERY` (plus extra flags) and returns the results; exit code
    /// must be 0 or 1 and agree with the hits.
    pub fn search(&self, query: &str, extra: &[&str]) -> Results {
        let mut args = vec!["search", "--json"];
        args.extend_from_slice(extra);
        args.push("--");
        args.push(query);
        let run = self.run(&args);
        let results: Results =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
        let expected = if results.hits.is_empty() { 1 } else { 0 };
        assert_eq!(run.code, expected, "{run:?}");
        assert_eq!(results.version, 1);
        assert!(results.hits.iter().all(|h| h.version.is_none()));
        // Optional parts appear only when asked for.
        let asked = |flag: &str| extra.contains(&flag);
        assert_eq!(results.articles.is_some(), asked("--articles"));
        assert_eq!(results.facets.is_some(), asked("--facets"));
        assert!(results
            .hits
            .iter()
            .all(|h| h.explanation.is_some() == asked("--explain")));
        assert!(results.matched_articles <= results.matched_passages);
        results
    }

    /// The doc_ids of the hits of a query, in rank order.
    pub fn doc_ids(&self, query: &str) -> Vec<String> {
        self.search(query, &[])
            .hits
            .into_iter()
            .map(|h| h.doc_id)
            .collect()
    }
}

/// Three articles in two collections, two with front matter (author, date) and one with a
/// boilerplate line, indexed: the fixture of the server tests.
pub fn desk() -> Project {
    let p = Project::new();
    p.write(
        "world/drone.md",
        "---\ntitle: Drones over Poland\nauthor: Ann Lee\ndate: 2025-09-10\n---\n\n\
         Drones crossed into Polish airspace overnight.\n\n\
         NATO allies met to discuss the drone incursion.\n\n\
         Sign up for our newsletter\n",
    )
    .write(
        "world/ceasefire.md",
        "---\ntitle: Ceasefire talks\nauthor: Bo Chan\ndate: 2025-09-12\n---\n\n\
         Ceasefire talks resumed after the drone strikes.\n\n\
         Diplomats met in Geneva.\n",
    )
    .write(
        "sport/flood.txt",
        "Flood stops play\n\nThe flood reached the ground before noon.\n\n\
         Play was stopped as drones filmed the pitch.\n",
    );
    p.index(&[]);
    p
}

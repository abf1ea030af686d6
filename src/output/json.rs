//! JSON output for scripts.
//!
//! `--format json` prints one object per query:
//!
//! ```text
//! {"query": "drone", "total_hits": 12, "hits": [HIT, ...]}
//! ```
//!
//! `--format jsonl` prints one HIT object per line. A HIT has these keys, always, in this
//! order: `rank` (1-based, counting from the first result even with --offset), `score`
//! (BM25, higher is better), `doc_id`, `path`, `title`, `section` (string or null),
//! `passage` (1-based ordinal in the article), `line_start`, `line_end` (1-based,
//! inclusive), `boilerplate` (bool), `text` (the whole passage), `snippet` (one line),
//! `highlights` (`[start, end)` pairs of character offsets into `snippet`), `metadata`
//! (front-matter keys to strings; `{}` when none) and `also_in` (other files with the same
//! content: `[{"doc_id", "path"}]`). The schema is pinned by the integration tests.

use std::io::{self, Write};

use crate::search::Results;

/// Writes `results` as one JSON object and a newline.
///
/// # Errors
/// On write errors (a closed pipe included).
pub fn results(out: &mut dyn Write, results: &Results) -> io::Result<()> {
    serde_json::to_writer(&mut *out, results)?;
    out.write_all(b"\n")
}

/// Writes each hit of `results` as a JSON object on its own line.
///
/// # Errors
/// On write errors (a closed pipe included).
pub fn hits_lines(out: &mut dyn Write, results: &Results) -> io::Result<()> {
    for hit in &results.hits {
        serde_json::to_writer(&mut *out, hit)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes any serialisable value as one line of JSON.
///
/// # Errors
/// On write errors.
pub fn value(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

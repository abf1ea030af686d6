//! Read-side views of the index that are not searches: the article list, one article as
//! the index holds it, and figures about the index.
//!
//! Each view is a plain value for [`crate::output`] to print; nothing here prints or knows
//! the command line. Searching is [`crate::search`]'s job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use std::ops::Bound;

use tantivy::collector::{Count, DocSetCollector};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::termdict::TermMerger;
use tantivy::{DocSet, Searcher, Term, TERMINATED};

use crate::article::{passage_hash, Why};
use crate::manifest::{FileState, Manifest};
use crate::schema::{Fields, StoredPassage, FORMAT_VERSION};
use crate::store::{Payload, Store};

/// One indexed file, as `list` shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub passages: u32,
    pub metadata: BTreeMap<String, String>,
    /// doc_ids of other files with the same content (indexed once).
    pub same_as: Vec<String>,
}

/// The indexed articles whose doc_id starts with `prefix` (all without one), by doc_id.
pub fn list(manifest: &Manifest, seeds_shown: &Path, prefix: Option<&str>) -> Vec<Entry> {
    let mut by_hash: BTreeMap<_, Vec<&str>> = BTreeMap::new();
    for (_, record, hash) in manifest.indexed() {
        if let FileState::Indexed { doc_id, .. } = &record.state {
            by_hash.entry(hash).or_default().push(doc_id);
        }
    }
    let mut articles = Vec::new();
    for (rel, record, hash) in manifest.indexed() {
        let FileState::Indexed { doc_id, .. } = &record.state else {
            continue;
        };
        if prefix.is_some_and(|p| !doc_id.starts_with(p)) {
            continue;
        }
        let article = manifest.articles.get(&hash).cloned().unwrap_or_default();
        let same_as = by_hash
            .get(&hash)
            .map(|ids| {
                ids.iter()
                    .filter(|id| **id != doc_id)
                    .map(|id| id.to_string())
                    .collect()
            })
            .unwrap_or_default();
        articles.push(Entry {
            doc_id: doc_id.clone(),
            path: crate::paths::display_path(&seeds_shown.join(rel)),
            title: article.title,
            passages: article.passages,
            metadata: article.metadata,
            same_as,
        });
    }
    articles.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
    articles
}

/// One passage of an article view.
#[derive(Debug, Clone)]
pub struct PassageView {
    pub passage: u32,
    pub section: Option<String>,
    pub line_start: u32,
    pub line_end: u32,
    /// `None` for content; why it is left out of default searches otherwise.
    pub boilerplate: Option<Why>,
    pub text: String,
}

/// A file holding the article.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub doc_id: String,
    pub path: String,
}

/// An article as the index holds it (`show`).
#[derive(Debug, Clone)]
pub struct ArticleView {
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub metadata: BTreeMap<String, String>,
    /// Other files with the same content.
    pub also_in: Vec<FileRef>,
    /// Passages in the article.
    pub total_passages: u32,
    pub passages: Vec<PassageView>,
    /// The passage asked for, when one was (`DOC_ID:N`).
    pub focus: Option<u32>,
}

/// Splits `politics/001:4` into the doc_id and the passage number.
pub fn parse_target(target: &str) -> (&str, Option<u32>) {
    if let Some((doc_id, number)) = target.rsplit_once(':') {
        if let Ok(n) = number.parse::<u32>() {
            if !doc_id.is_empty() {
                return (doc_id, Some(n));
            }
        }
    }
    (target, None)
}

/// The article `target` (`DOC_ID`, or `DOC_ID:N` for passage N with `context` passages on
/// each side).
///
/// # Errors
/// An unknown doc_id, a passage number out of range, or an unreadable index.
pub fn article(
    searcher: &Searcher,
    fields: &Fields,
    payload: &Payload,
    seeds_shown: &Path,
    target: &str,
    context: u32,
) -> Result<ArticleView> {
    let (doc_id, number) = parse_target(target);
    let article: Box<dyn Query> = Box::new(TermQuery::new(
        Term::from_field_text(fields.doc, doc_id),
        IndexRecordOption::Basic,
    ));
    // Counting reads no stored passage; only the passages shown are loaded, so `DOC:N` of
    // an article of a hundred thousand passages reads a handful.
    let total = u32::try_from(searcher.search(&*article, &Count)?).unwrap_or(u32::MAX);
    if total == 0 {
        crate::refuse!(
            NotFound,
            "no article has the doc_id `{doc_id}`; `seedsearch list` shows them"
        );
    }
    let range = match number {
        None => 1..=total,
        Some(n) if n >= 1 && n <= total => {
            n.saturating_sub(context).max(1)..=n.saturating_add(context).min(total)
        }
        Some(n) => {
            crate::refuse!(
                NotFound,
                "`{doc_id}` has passages 1 to {total}; there is no passage {n}"
            )
        }
    };
    let shown: Box<dyn Query> = Box::new(RangeQuery::new(
        Bound::Included(Term::from_field_u64(
            fields.passage,
            u64::from(*range.start()),
        )),
        Bound::Included(Term::from_field_u64(
            fields.passage,
            u64::from(*range.end()),
        )),
    ));
    let query = BooleanQuery::new(vec![(Occur::Must, article), (Occur::Must, shown)]);
    let found = searcher.search(&query, &DocSetCollector)?;
    let mut stored: Vec<StoredPassage> = Vec::with_capacity(found.len());
    for address in found {
        stored.push(StoredPassage::read(searcher, fields, address)?);
    }
    stored.sort_by_key(|s| s.passage);
    let Some(first) = stored.first() else {
        return Err(anyhow!(
            "the index lists passages of `{doc_id}` but cannot read them; `seedsearch index --rebuild` rebuilds it"
        ));
    };
    let sources: Vec<FileRef> = first
        .files
        .iter()
        .map(|(doc_id, rel)| FileRef {
            doc_id: doc_id.clone(),
            path: crate::paths::display_path(&seeds_shown.join(rel)),
        })
        .collect();
    let me = sources.iter().position(|s| s.doc_id == doc_id).unwrap_or(0);
    let path = sources.get(me).map(|s| s.path.clone()).unwrap_or_default();
    let also_in = sources
        .into_iter()
        .enumerate()
        .filter(|(i, _)| *i != me)
        .map(|(_, s)| s)
        .collect();
    let passages = stored
        .iter()
        .map(|s| PassageView {
            passage: s.passage,
            section: s.section.clone(),
            line_start: s.line_start,
            line_end: s.line_end,
            boilerplate: payload.repeated.why(s.boilerplate, passage_hash(&s.text)),
            text: s.text.clone(),
        })
        .collect();
    Ok(ArticleView {
        doc_id: doc_id.to_string(),
        path,
        title: first.title.clone(),
        metadata: first.metadata.clone(),
        also_in,
        total_passages: total,
        passages,
        focus: number,
    })
}

/// Figures about an index.
#[derive(Debug, Clone)]
pub struct Stats {
    /// The seeds folder the index was built from.
    pub seeds: PathBuf,
    pub index: PathBuf,
    /// Indexed files, and distinct articles among them.
    pub files: u64,
    pub articles: u64,
    /// Passages in the index, boilerplate included.
    pub passages: u64,
    /// Paragraphs treated as boilerplate because they repeat across unrelated articles.
    pub repeated_paragraphs: usize,
    /// Distinct terms of passage text (after stemming).
    pub distinct_terms: u64,
    pub segments: usize,
    pub size_bytes: u64,
    /// When the last sync scanned the seeds folder (RFC 3339, UTC).
    pub last_update: Option<String>,
    pub format: u32,
}

/// Figures about the index in `store`, as of `payload`'s commit.
///
/// # Errors
/// When the index cannot be read.
pub fn stats(searcher: &Searcher, store: &Store, payload: &Payload) -> Result<Stats> {
    let mut dictionaries = Vec::new();
    for segment in searcher.segment_readers() {
        dictionaries.push(segment.inverted_index(store.fields.text)?);
    }
    let streams = dictionaries
        .iter()
        .map(|inverted| inverted.terms().stream())
        .collect::<std::io::Result<Vec<_>>>()
        .context("cannot read the term dictionary")?;
    let mut merger = TermMerger::new(streams);
    let mut distinct_terms = 0;
    while merger.advance() {
        // Dictionaries keep the terms of deleted passages until segments merge: count a
        // term only if a live passage holds it, as a fresh build would.
        for (ord, info) in merger.current_segment_ords_and_term_infos() {
            let Some(alive) = searcher.segment_readers()[ord].alive_bitset() else {
                distinct_terms += 1;
                break;
            };
            let mut postings = dictionaries[ord]
                .read_postings_from_terminfo(&info, IndexRecordOption::Basic)
                .context("cannot read the postings")?;
            let mut doc = postings.doc();
            while doc != TERMINATED && !alive.is_alive(doc) {
                doc = postings.advance();
            }
            if doc != TERMINATED {
                distinct_terms += 1;
                break;
            }
        }
    }
    let last_update = rfc3339(payload.scanned_ms);
    Ok(Stats {
        seeds: payload.seeds.clone(),
        index: std::path::absolute(&store.dir).unwrap_or_else(|_| store.dir.clone()),
        files: payload.files,
        articles: payload.articles,
        passages: searcher.num_docs(),
        repeated_paragraphs: payload.repeated.len(),
        distinct_terms,
        segments: searcher.segment_readers().len(),
        size_bytes: store.size_on_disk(),
        last_update,
        format: FORMAT_VERSION,
    })
}

/// A time in milliseconds since the Unix epoch as RFC 3339 (UTC, to the second).
pub fn rfc3339(ms: u64) -> Option<String> {
    i64::try_from(ms / 1000)
        .ok()
        .and_then(|secs| tantivy::time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .and_then(|t| {
            t.format(&tantivy::time::format_description::well_known::Rfc3339)
                .ok()
        })
}

/// Whether some passage belongs to the article `doc_id`.
///
/// # Errors
/// When the index cannot be read.
pub fn has_doc_id(searcher: &Searcher, fields: &Fields, doc_id: &str) -> Result<bool> {
    let term = Term::from_field_text(fields.doc, doc_id);
    Ok(searcher.doc_freq(&term)? > 0)
}

/// The number of the passage of article `doc_id` that holds line `line` of its file (the
/// last passage starting at or before it; the first passage for the headline's line), from
/// the fast columns alone.
///
/// # Errors
/// When the index cannot be read.
pub fn passage_at_line(
    searcher: &Searcher,
    fields: &Fields,
    doc_id: &str,
    line: u32,
) -> Result<Option<u32>> {
    use crate::schema::names;
    use tantivy::collector::DocSetCollector;
    let query = TermQuery::new(
        Term::from_field_text(fields.doc, doc_id),
        IndexRecordOption::Basic,
    );
    let mut best: Option<(u64, u64)> = None; // (line_start, passage)
    let mut first: Option<(u64, u64)> = None;
    for address in searcher.search(&query, &DocSetCollector)? {
        let fast = searcher.segment_reader(address.segment_ord).fast_fields();
        let start = fast
            .u64(names::LINE_START)?
            .first(address.doc_id)
            .unwrap_or(0);
        let passage = fast.u64(names::PASSAGE)?.first(address.doc_id).unwrap_or(0);
        if start <= u64::from(line) && best.is_none_or(|(s, _)| start > s) {
            best = Some((start, passage));
        }
        if first.is_none_or(|(s, _)| start < s) {
            first = Some((start, passage));
        }
    }
    Ok(best
        .or(first)
        .map(|(_, passage)| u32::try_from(passage).unwrap_or(u32::MAX)))
}

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn targets_split_at_a_numeric_suffix_only() {
        assert_eq!(parse_target("politics/001:4"), ("politics/001", Some(4)));
        assert_eq!(parse_target("politics/001"), ("politics/001", None));
        assert_eq!(parse_target("odd:name"), ("odd:name", None));
        assert_eq!(parse_target(":4"), (":4", None));
    }
}

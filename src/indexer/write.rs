//! Writing a planned sync through tantivy's writer: each article is read (unless its text
//! was kept from planning), split into passages and added as one document per passage,
//! on all cores. Nothing is committed here; [`super::sync`] commits.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{anyhow, Result};
use rayon::prelude::*;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::plan::{stem, Job, Plan};
use super::Progress;
use crate::analyzer;
use crate::article::{self, parse_date, passage_hash, PassageKind};
use crate::corpus::{self, ContentHash, Load, Problem};
use crate::interrupt::Cancel;
use crate::manifest::{ArticleRecord, Manifest};
use crate::schema::{ArticleFields, Fields, PassageFields};
use crate::store::Store;

/// What applying a plan produced.
pub(super) struct Outcome {
    /// The manifest describing the index after the commit.
    pub manifest: Manifest,
    pub passages_written: u64,
    /// Notes on single articles (an unreadable date, a file changed mid-way).
    pub warnings: Vec<Problem>,
}

/// Deletes and writes the plan's articles through `writer` (without committing), and
/// returns the manifest describing the result.
pub(super) fn apply(
    store: &Store,
    writer: &IndexWriter<TantivyDocument>,
    plan: Plan,
    old: Manifest,
    history: &History,
    progress: &dyn Progress,
    cancel: &Cancel,
) -> Result<Outcome> {
    let fields = store.fields;
    let key_term = |hash: ContentHash| Term::from_field_u64(fields.article, article_key(hash));
    for hash in &plan.deletes {
        writer.delete_term(key_term(*hash));
    }
    // Only articles already in the index need deleting before they are rewritten: each
    // delete costs the writer a kilobyte until the commit, 44 MB on a fresh 45,000-file
    // build that needs none.
    for job in plan
        .writes
        .iter()
        .filter(|j| old.articles.contains_key(&j.hash))
    {
        writer.delete_term(key_term(job.hash));
    }
    progress.start(plan.writes.len() as u64);
    let failed = AtomicBool::new(false);
    let results: Vec<Option<Result<Written>>> = plan
        .writes
        .par_iter()
        .map(|job| {
            if failed.load(Ordering::Relaxed) || cancel.is_cancelled() {
                return None;
            }
            let result = write_article(&fields, writer, job, history);
            progress.advance();
            if result.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            Some(result)
        })
        .collect();
    progress.finish();
    let mut written = Vec::with_capacity(results.len());
    for result in results {
        written.push(result.transpose()?);
    }
    cancel.check()?;

    let mut files = plan.records;
    let mut warnings = Vec::new();
    let mut passages_written = 0;
    let mut articles = BTreeMap::new();
    for (job, result) in plan.writes.iter().zip(written) {
        match result {
            Some(Written::Indexed { record, notes }) => {
                passages_written += u64::from(record.passages);
                for note in notes {
                    warnings.push(Problem {
                        path: crate::paths::display_path(&job.paths[0]),
                        message: note,
                    });
                }
                articles.insert(job.hash, record);
            }
            Some(Written::Changed) => {
                for (_, rel) in &job.files {
                    files.remove(rel);
                }
                warnings.push(Problem {
                    path: crate::paths::display_path(&job.paths[0]),
                    message: "changed while it was being indexed; the next `seedsearch index` will pick it up"
                        .into(),
                });
            }
            None => {}
        }
    }
    // Articles not rewritten keep their old record (moved, not copied: on a large index
    // copying them was most of the cost of adding one article).
    let mut old_articles = old.articles;
    for (_, _, hash) in Manifest::indexed_in(&files) {
        if let std::collections::btree_map::Entry::Vacant(slot) = articles.entry(hash) {
            if let Some(old_record) = old_articles.remove(&hash) {
                slot.insert(old_record);
            }
        }
    }
    Ok(Outcome {
        manifest: Manifest { files, articles },
        passages_written,
        warnings,
    })
}

pub(super) enum Written {
    Indexed {
        record: ArticleRecord,
        notes: Vec<String>,
    },
    /// No file of the article still had the content that was planned.
    Changed,
}

/// When texts first entered the collection, and the generation being written.
pub(super) struct History {
    /// First-seen generation by passage text hash, from the manifest before this sync.
    pub first_seen: HashMap<u64, u64>,
    /// The generation this sync commits.
    pub generation: u64,
}

impl History {
    fn first_seen(&self, phash: u64) -> u64 {
        self.first_seen
            .get(&phash)
            .copied()
            .unwrap_or(self.generation)
    }
}

pub(super) fn write_article(
    fields: &Fields,
    writer: &IndexWriter<TantivyDocument>,
    job: &Job,
    history: &History,
) -> Result<Written> {
    let text = match &job.text {
        Some(text) => Some(std::borrow::Cow::Borrowed(text.as_str())),
        None => job.paths.iter().find_map(|path| match corpus::load(path) {
            Ok(Load::Text(loaded)) if loaded.hash == job.hash => {
                Some(std::borrow::Cow::Owned(loaded.text))
            }
            _ => None,
        }),
    };
    let Some(text) = text else {
        return Ok(Written::Changed);
    };
    // `*.md` files are Markdown; the files of one article share their content, and the
    // first (in doc_id order) names its syntax.
    let syntax = article::Syntax::of_file_name(&job.files[0].1);
    let article = article::parse(&text, syntax);
    let title = article
        .title
        .clone()
        .unwrap_or_else(|| fallback_title(&job.files[0].1));
    let mut notes = article.notes.clone();
    let hashes: Vec<u64> = article
        .passages
        .iter()
        .map(|p| passage_hash(&p.text))
        .collect();
    let date = article.metadata.get("date").and_then(|value| {
        let parsed = parse_date(value);
        if parsed.is_none() {
            notes.push(format!(
                "its front-matter date `{value}` is not a date (use YYYY-MM-DD); the article cannot be filtered by date"
            ));
        }
        parsed
    });
    let base = fields.article_document(&ArticleFields {
        key: article_key(job.hash),
        files: &job.files,
        title: &title,
        metadata: &article.metadata,
        date,
        title_tokens: analyzer::count_terms(&title),
    });
    let lead = article
        .passages
        .iter()
        .position(|p| p.kind == PassageKind::Content);
    for (i, (passage, &phash)) in article.passages.iter().zip(&hashes).enumerate() {
        let doc = fields.passage_document(
            &base,
            &PassageFields {
                number: passage.number,
                section: passage.section.as_deref(),
                text: &passage.text,
                line_start: passage.line_start,
                line_end: passage.line_end,
                boilerplate: passage.kind == PassageKind::Boilerplate,
                phash,
                lead: lead == Some(i),
                section_tokens: passage.section.as_deref().map_or(0, analyzer::count_terms),
                text_tokens: analyzer::count_terms(&passage.text),
                first_seen: history.first_seen(phash),
            },
        );
        writer
            .add_document(doc)
            .map_err(|err| anyhow!(err).context("the indexing threads stopped"))?;
    }
    let mut phashes: Vec<u64> = article
        .passages
        .iter()
        .zip(&hashes)
        .filter(|(p, _)| p.kind == PassageKind::Content)
        .map(|(_, &h)| h)
        .collect();
    phashes.sort_unstable();
    phashes.dedup();
    let first_seen = phashes.iter().map(|&h| history.first_seen(h)).collect();
    Ok(Written::Indexed {
        record: ArticleRecord {
            title,
            passages: u32::try_from(article.passages.len()).unwrap_or(u32::MAX),
            metadata: article.metadata.clone(),
            phashes,
            first_seen,
        },
        notes,
    })
}

fn fallback_title(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    stem(name).to_string()
}

/// The key of an article in the index: its content hash truncated to 64 bits (a
/// collision among the articles of one collection is vanishingly unlikely).
#[expect(
    clippy::cast_possible_truncation,
    reason = "the key is the hash's low 64 bits on purpose"
)]
pub fn article_key(hash: ContentHash) -> u64 {
    hash.0 as u64
}

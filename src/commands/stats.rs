//! `seedsearch stats`: figures about the index.

use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;
use tantivy::termdict::TermMerger;

use crate::cli::{ReportFormat, StatsArgs};
use crate::config::Config;
use crate::schema::FORMAT_VERSION;
use crate::{output, Outcome};

/// `stats --format json`.
#[derive(Debug, Serialize)]
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

/// Runs `stats`.
///
/// # Errors
/// When the index cannot be opened or read.
pub fn run(config: &Config, args: &StatsArgs) -> Result<Outcome> {
    // Figures about the index as it is: no update first.
    let mut opened = super::open_index(config, false)?;
    let reader = opened.store.reader()?;
    let store = &opened.store;
    let payload = &opened.payload;
    let searcher = reader.searcher();
    let mut dictionaries = Vec::new();
    for segment in searcher.segment_readers() {
        dictionaries.push(segment.inverted_index(store.fields.text)?);
    }
    let streams = dictionaries
        .iter()
        .map(|inverted| inverted.terms().stream())
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut merger = TermMerger::new(streams);
    let mut distinct_terms = 0;
    while merger.advance() {
        distinct_terms += 1;
    }
    let last_update = i64::try_from(payload.scanned_ms / 1000)
        .ok()
        .and_then(|secs| tantivy::time::OffsetDateTime::from_unix_timestamp(secs).ok())
        .and_then(|t| {
            t.format(&tantivy::time::format_description::well_known::Rfc3339)
                .ok()
        });
    let stats = Stats {
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
    };
    let mut out = io::stdout().lock();
    match args.format {
        ReportFormat::Text => output::text::stats(&mut out, &stats)?,
        ReportFormat::Json | ReportFormat::Jsonl => output::json::value(&mut out, &stats)?,
    }
    out.flush()?;
    Ok(Outcome::Success)
}

//! BM25 statistics over live passages only, so that an index after any sequence of adds,
//! edits and removes scores exactly as a fresh build of the same articles.
//!
//! Tantivy's own statistics count deleted passages (document counts, document frequencies
//! and field lengths) until segments merge, and a merge re-derives field lengths from lossy
//! one-byte norms. [`LiveStats`] counts documents and document frequencies over live
//! passages, and field lengths from the exact token counts the indexer stores beside each
//! passage ([`crate::schema::Fields::text_len`]). It is built once per search and caches
//! what it computes.

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::columnar::ColumnIndex;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::schema::Fields;

/// Document frequency of `term` over live passages: exact per segment without deletes, a
/// scan of the term's postings against the live set otherwise.
///
/// # Errors
/// When the index cannot be read.
pub fn live_doc_freq(searcher: &Searcher, term: &Term) -> tantivy::Result<u64> {
    let mut df = 0u64;
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(term.field())?;
        let Some(info) = inverted.get_term_info(term)? else {
            continue;
        };
        df += u64::from(match segment.alive_bitset() {
            None => info.doc_freq,
            Some(alive) => inverted
                .read_postings_from_terminfo(&info, IndexRecordOption::Basic)?
                .doc_freq_given_deletes(alive),
        });
    }
    Ok(df)
}

/// The statistics BM25 scores with, over live passages (see the module documentation).
pub struct LiveStats<'a> {
    searcher: &'a Searcher,
    /// The exact token-count column of each scored field.
    lengths: [(Field, &'static str); 3],
    /// Fields with exactly one indexed value per passage: as many tokens as live passages.
    one_per_passage: [Field; 1],
    tokens: RefCell<HashMap<Field, u64>>,
    doc_freqs: RefCell<HashMap<Term, u64>>,
}

impl<'a> LiveStats<'a> {
    pub fn new(searcher: &'a Searcher, fields: &Fields) -> LiveStats<'a> {
        use crate::schema::names;
        LiveStats {
            searcher,
            lengths: [
                (fields.title, names::TITLE_LEN),
                (fields.section, names::SECTION_LEN),
                (fields.text, names::TEXT_LEN),
            ],
            // The headline-only clause requires `lead`, and tantivy scores that term too.
            one_per_passage: [fields.lead],
            tokens: RefCell::default(),
            doc_freqs: RefCell::default(),
        }
    }

    fn live_tokens(&self, column: &str) -> tantivy::Result<u64> {
        let mut total = 0u64;
        for segment in self.searcher.segment_readers() {
            let lengths = segment.fast_fields().u64(column)?;
            let every_doc_has_one = matches!(lengths.index, ColumnIndex::Full);
            total += match segment.alive_bitset() {
                // One value per passage, in order: a sequential decode.
                None if every_doc_has_one => lengths.values.iter().sum::<u64>(),
                None => (0..segment.max_doc())
                    .map(|doc| lengths.first(doc).unwrap_or(0))
                    .sum(),
                Some(_) => segment
                    .doc_ids_alive()
                    .map(|doc| lengths.first(doc).unwrap_or(0))
                    .sum(),
            };
        }
        Ok(total)
    }
}

impl Bm25StatisticsProvider for LiveStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        if let Some(&n) = self.tokens.borrow().get(&field) {
            return Ok(n);
        }
        let n = match self.lengths.iter().find(|(f, _)| *f == field) {
            Some((_, column)) => self.live_tokens(column)?,
            None if self.one_per_passage.contains(&field) => self.searcher.num_docs(),
            // Fields scored only as filters (constant scores) never ask; fall back to
            // tantivy's count for anything else.
            None => Bm25StatisticsProvider::total_num_tokens(self.searcher, field)?,
        };
        self.tokens.borrow_mut().insert(field, n);
        Ok(n)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(&n) = self.doc_freqs.borrow().get(term) {
            return Ok(n);
        }
        let n = live_doc_freq(self.searcher, term)?;
        self.doc_freqs.borrow_mut().insert(term.clone(), n);
        Ok(n)
    }
}

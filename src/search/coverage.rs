//! Coverage: how much of the query a passage says. BM25 sums what each word adds, so a
//! short passage holding two of a query's names can beat the longer one that holds all
//! five; a reader asking for a known story wants the passage that covers the query. The
//! best candidates are re-ranked by the share of the query's (idf-weighted) terms they
//! hold, anywhere in their text, section or headline.
//!
//! Measured on the BBC known-item queries (`bench/relevance/bbc-dev`) and SciFact
//! (`bench/relevance/run`); see the README's relevance section.

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, Term, TERMINATED};

use super::rank::Candidate;
use crate::schema::Fields;

/// How strongly coverage weighs: a passage's score is multiplied by its coverage to this
/// power.
pub const POWER: f32 = 2.0;

/// The query's terms with their weights.
pub struct Coverage {
    /// Each term, its weight, and the other terms that hold it too (the joined form of
    /// the split word it is a part of).
    terms: Vec<(String, f32, Vec<String>)>,
    total: f32,
    fields: [Field; 3],
}

impl Coverage {
    /// The coverage of the query terms `terms` (stemmed), weighted by their idf in passage
    /// text. `joined` pairs a part of a split word with the word's joined form, which
    /// holds the part as well (`US` covers the `u` and `s` of `U.S.`).
    ///
    /// # Errors
    /// When the statistics cannot be read.
    pub fn new(
        stats: &dyn Bm25StatisticsProvider,
        fields: &Fields,
        terms: &[String],
        joined: &[(String, String)],
    ) -> tantivy::Result<Coverage> {
        let n = stats.total_num_docs()? as f32;
        let mut weighted = Vec::with_capacity(terms.len());
        for term in terms {
            let df = stats.doc_freq(&Term::from_field_text(fields.text, term))? as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let also: Vec<String> = joined
                .iter()
                .filter(|(part, _)| part == term)
                .map(|(_, whole)| whole.clone())
                .collect();
            weighted.push((term.clone(), idf.max(0.0), also));
        }
        let total = weighted.iter().map(|(_, w, _)| w).sum();
        Ok(Coverage {
            terms: weighted,
            total,
            fields: [fields.text, fields.section, fields.title],
        })
    }

    /// Whether coverage can tell passages apart (a query of one term cannot).
    pub fn matters(&self) -> bool {
        self.terms.len() > 1 && self.total > 0.0
    }

    /// Multiplies each candidate's score by its coverage to the power [`POWER`].
    ///
    /// # Errors
    /// When the index cannot be read.
    pub fn apply(&self, searcher: &Searcher, candidates: &mut [Candidate]) -> tantivy::Result<()> {
        if !self.matters() || candidates.is_empty() {
            return Ok(());
        }
        let held = self.held(searcher, candidates)?;
        for (candidate, have) in candidates.iter_mut().zip(held) {
            candidate.score *= self.factor(have);
        }
        Ok(())
    }

    /// What a passage holding `have` of the query's weight has its score multiplied by.
    pub fn factor(&self, have: f32) -> f32 {
        if !self.matters() {
            return 1.0;
        }
        (have / self.total).clamp(0.0, 1.0).powf(POWER)
    }

    /// The query's total weight.
    pub fn total(&self) -> f32 {
        self.total
    }

    /// The weight of the query's terms each candidate holds in its text, section or
    /// headline.
    ///
    /// # Errors
    /// When the index cannot be read.
    pub fn held(&self, searcher: &Searcher, candidates: &[Candidate]) -> tantivy::Result<Vec<f32>> {
        let mut held = vec![0.0f32; candidates.len()];
        // Candidates by segment and document, so each posting list is read forward once.
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by_key(|&i| {
            (
                candidates[i].address.segment_ord,
                candidates[i].address.doc_id,
            )
        });
        for run in order.chunk_by(|&a, &b| {
            candidates[a].address.segment_ord == candidates[b].address.segment_ord
        }) {
            let segment = searcher.segment_reader(candidates[run[0]].address.segment_ord);
            for (term, weight, also) in &self.terms {
                let mut found = vec![false; run.len()];
                let forms = std::iter::once(term).chain(also);
                for (field, form) in forms.flat_map(|t| self.fields.iter().map(move |&f| (f, t))) {
                    let inverted = segment.inverted_index(field)?;
                    let Some(mut postings) = inverted.read_postings(
                        &Term::from_field_text(field, form),
                        IndexRecordOption::Basic,
                    )?
                    else {
                        continue;
                    };
                    for (slot, &i) in run.iter().enumerate() {
                        let doc = candidates[i].address.doc_id;
                        let at = if postings.doc() >= doc {
                            postings.doc()
                        } else {
                            postings.seek(doc)
                        };
                        if at == doc && at != TERMINATED {
                            found[slot] = true;
                        }
                    }
                }
                for (slot, &i) in run.iter().enumerate() {
                    if found[slot] {
                        held[i] += weight;
                    }
                }
            }
        }
        Ok(held)
    }
}

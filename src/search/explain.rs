//! Explaining answers: for query words that match nothing, the words of the index they
//! may have meant ("did you mean"), as they appear in the articles; and, for `--explain`,
//! how each hit's score was made.

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query as TQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Schema};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocSet, Searcher, Term};

use super::compile::near_terms;
use super::coverage::Coverage;
use super::rank::Candidate;
use super::stats::{live_doc_freq, LiveStats};
use super::{SearchError, Suggestion};
use crate::analyzer;
use crate::schema::{Fields, StoredPassage};

/// Most suggestions for one word.
const MAX_SUGGESTIONS: usize = 3;

/// Suggestions for each of `words` (query words that match nothing, as typed): the
/// index's words one edit away, else two (for words of more than four letters), the most
/// frequent first, spelled as an article spells them.
///
/// # Errors
/// When the index cannot be read.
pub fn suggestions(
    searcher: &Searcher,
    fields: &Fields,
    words: &[String],
) -> anyhow::Result<Vec<Suggestion>> {
    let searched = [fields.text, fields.section, fields.title];
    let mut out = Vec::new();
    for word in words {
        let stems = analyzer::terms(word);
        let [stem] = stems.as_slice() else {
            continue;
        };
        let max_distance: u8 = if stem.chars().count() > 4 { 2 } else { 1 };
        let mut near: Vec<(u64, String)> = Vec::new();
        for distance in 1..=max_distance {
            for &field in &searched {
                for term in near_terms(searcher, field, stem, distance)? {
                    if near.iter().any(|(_, t)| *t == term) {
                        continue;
                    }
                    let mut df = 0;
                    for &f in &searched {
                        df += live_doc_freq(searcher, &Term::from_field_text(f, &term))?;
                    }
                    if df > 0 {
                        near.push((df, term));
                    }
                }
            }
            if !near.is_empty() {
                break;
            }
        }
        near.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut did_you_mean: Vec<String> = Vec::new();
        for (_, term) in near.into_iter().take(MAX_SUGGESTIONS) {
            let spelled = spelling(searcher, fields, &searched, &term)?.unwrap_or(term);
            if !did_you_mean.contains(&spelled) {
                did_you_mean.push(spelled);
            }
        }
        if !did_you_mean.is_empty() {
            out.push(Suggestion {
                word: word.clone(),
                did_you_mean,
            });
        }
    }
    Ok(out)
}

/// How an article spells a word of the index (`mourinho` → `Mourinho`): the first word
/// with that stem in a passage (or headline) that holds it.
fn spelling(
    searcher: &Searcher,
    fields: &Fields,
    searched: &[Field],
    term: &str,
) -> anyhow::Result<Option<String>> {
    for &field in searched {
        let query = TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::Basic);
        let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = found.first() else {
            continue;
        };
        let stored = StoredPassage::read(searcher, fields, *address)?;
        let text = if field == fields.title {
            stored.title
        } else if field == fields.section {
            stored.section.unwrap_or_default()
        } else {
            stored.text
        };
        let mut words = analyzer::unstemmed();
        let mut stemmer = analyzer::stemmed();
        let mut stream = words.token_stream(&text);
        while let Some(token) = stream.next() {
            let mut stems = stemmer.token_stream(&token.text);
            if stems.next().is_some_and(|s| s.text == term) {
                return Ok(text
                    .get(token.offset_from..token.offset_to)
                    .map(str::to_string));
            }
        }
    }
    Ok(None)
}

/// How a hit's score was made: a tree whose leaves add (and multiply) up to the score.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub value: f32,
    pub description: String,
    pub details: Vec<Explanation>,
}

impl Explanation {
    fn new(value: f32, description: impl Into<String>, details: Vec<Explanation>) -> Self {
        Explanation {
            value,
            description: description.into(),
            details,
        }
    }

    /// Tantivy's explanation of one scored leaf, with field numbers named.
    fn from_tantivy(explained: &tantivy::query::Explanation, schema: &Schema) -> Self {
        let tree = serde_json::to_value(explained).unwrap_or_default();
        Explanation::from_json(&tree, schema)
    }

    fn from_json(tree: &serde_json::Value, schema: &Schema) -> Self {
        // Tantivy's values are f32 to begin with; the JSON only widened them.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "f32 values, widened by JSON"
        )]
        let value = tree["value"].as_f64().unwrap_or(0.0) as f32;
        let mut description = tree["description"].as_str().unwrap_or_default().to_string();
        if let Some(context) = tree["context"].as_array() {
            for note in context.iter().filter_map(|c| c.as_str()) {
                description.push_str(&format!(" ({})", name_terms(note, schema)));
            }
        }
        let details = tree["details"]
            .as_array()
            .map(|d| {
                d.iter()
                    .map(|t| Explanation::from_json(t, schema))
                    .collect()
            })
            .unwrap_or_default();
        Explanation {
            value,
            description,
            details,
        }
    }
}

/// `Term=Term(field=8, type=Str, "drone")` as `term "drone" in text`.
fn name_terms(note: &str, schema: &Schema) -> String {
    let Some(rest) = note.strip_prefix("Term=Term(field=") else {
        return note.to_string();
    };
    let Some((number, rest)) = rest.split_once(',') else {
        return note.to_string();
    };
    let field = number
        .parse::<u32>()
        .ok()
        .map(|n| schema.get_field_name(Field::from_field_id(n)).to_string())
        .unwrap_or_else(|| number.to_string());
    let word = rest
        .rsplit_once(", ")
        .map_or(rest, |(_, w)| w)
        .trim_end_matches(')');
    format!("term {word} in {field}")
}

/// Explains hits of one search: the scored parts of its query and the coverage factor.
pub struct Explainer<'a> {
    pub searcher: &'a Searcher,
    pub stats: &'a LiveStats<'a>,
    pub coverage: &'a Coverage,
    pub parts: &'a [(String, Box<dyn TQuery>)],
    pub headline_parts: &'a [(String, Box<dyn TQuery>)],
}

impl Explainer<'_> {
    /// How `query` scores `doc`, or `None` when it does not match it. Boolean queries are
    /// walked clause by clause (tantivy's own explanation of a boolean query seeks clauses
    /// that have passed the document, which its debug builds assert against); the leaves
    /// are explained by tantivy once a scorer of our own says they match.
    fn walk(
        &self,
        query: &dyn TQuery,
        segment: &tantivy::SegmentReader,
        doc: tantivy::DocId,
    ) -> Result<Option<Explanation>, SearchError> {
        if query.downcast_ref::<ConstScoreQuery>().is_some() {
            return Ok(None); // filters add nothing to a score
        }
        let scoring = EnableScoring::enabled_from_statistics_provider(self.stats, self.searcher);
        let weight = query.weight(scoring)?;
        let mut scorer = weight.scorer(segment, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Ok(None);
        }
        if let Some(boolean) = query.downcast_ref::<BooleanQuery>() {
            let mut details = Vec::new();
            let mut sum = 0.0;
            for (occur, child) in boolean.clauses() {
                if *occur == Occur::MustNot {
                    continue;
                }
                if let Some(part) = self.walk(child.as_ref(), segment, doc)? {
                    sum += part.value;
                    details.push(part);
                }
            }
            return Ok(match details.len() {
                0 => None,
                1 => details.pop(),
                _ => Some(Explanation::new(sum, "sum of", details)),
            });
        }
        let explained = weight.explain(segment, doc)?;
        Ok(Some(Explanation::from_tantivy(
            &explained,
            self.searcher.schema(),
        )))
    }

    /// How `candidate`'s score was made: BM25 of each part that matched it, summed, times
    /// its coverage of the query.
    ///
    /// # Errors
    /// When the index cannot be read.
    pub fn explain(
        &self,
        candidate: &Candidate,
        headline_only: bool,
    ) -> Result<Explanation, SearchError> {
        let parts = if headline_only {
            self.headline_parts
        } else {
            self.parts
        };
        let segment = self.searcher.segment_reader(candidate.address.segment_ord);
        let mut details = Vec::new();
        let mut raw = 0.0;
        for (label, query) in parts {
            let doc = candidate.address.doc_id;
            if let Some(mut explained) = self.walk(query.as_ref(), segment, doc)? {
                raw += explained.value;
                explained.description = format!("{label}: {}", explained.description);
                details.push(explained);
            }
        }
        let bm25 = Explanation::new(raw, "BM25 (k1 1.2, b 0.75), sum of", details);
        if !self.coverage.matters() {
            return Ok(Explanation::new(raw, "score", vec![bm25]));
        }
        let held = self
            .coverage
            .held(self.searcher, std::slice::from_ref(candidate))?
            .first()
            .copied()
            .unwrap_or(0.0);
        let factor = self.coverage.factor(held);
        let coverage = Explanation::new(
            factor,
            format!(
                "coverage: the passage holds {held:.2} of the query's {:.2} idf, squared",
                self.coverage.total()
            ),
            Vec::new(),
        );
        Ok(Explanation::new(
            raw * factor,
            "score, product of",
            vec![bm25, coverage],
        ))
    }
}

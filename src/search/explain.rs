//! Explaining thin answers: for query words that match nothing, the words of the index
//! they may have meant ("did you mean"), as they appear in the articles.

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;
use tantivy::{Searcher, Term};

use super::compile::near_terms;
use super::stats::live_doc_freq;
use super::Suggestion;
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

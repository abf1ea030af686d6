//! Query syntax tree → tantivy query.
//!
//! Plain words search title, section and text (their scores add up); a word the analyzer
//! splits in several terms (`F-35`, `p53`) matches by its parts, and higher as a phrase of
//! them. Metadata fields (`doc:`, `collection:`, `date:`, `author:`, `source:`) are filters:
//! they restrict results without changing scores, several values of one field are
//! alternatives (`collection:sport collection:tech`), and different fields must all hold.

use std::collections::HashSet;
use std::ops::Bound as StdBound;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur as TOccur,
    PhrasePrefixQuery, PhraseQuery, Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::query::{EnableScoring, Explanation, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term};

use super::SearchError;
use crate::analyzer;
use crate::article::parse_date;
use crate::query::{Bound, Clause, FieldName, Node, Occur, QueryError};
use crate::schema::Fields;
use crate::snippet::Highlighter;

/// Weight of a match in the title relative to one in the text. Headlines are short, so
/// BM25's length normalisation already makes a headline match outweigh a mention in a
/// paragraph; an extra boost lets titles drown the text. On SciFact (train, with the
/// analyzer of this version) nDCG@10 is 0.60 at 2.0, 0.69 at 1.0 and 0.71 at 0.5, but
/// below about 0.9 a headline-only match falls behind a body-only one, which news readers
/// expect the other way round (`bench/relevance/run`, `tests/cli/searching.rs`).
pub const TITLE_BOOST: f32 = 1.0;
/// Weight of a match in the section heading relative to one in the text (short, like
/// titles, and treated alike).
pub const SECTION_BOOST: f32 = 1.0;
/// Weight of the proximity clauses: each pair of neighbouring query words found within
/// [`PROXIMITY_SLOP`] positions of each other in a passage adds this much of a phrase
/// score, so "drone incursion" ranks the passage that says "the drone incursion" first.
const PROXIMITY_BOOST: f32 = 0.5;
/// How far apart two neighbouring query words may be to count as near.
const PROXIMITY_SLOP: u32 = 2;
/// Proximity clauses for at most this many word pairs (long queries are sentences).
const MAX_PROXIMITY_PAIRS: usize = 12;
/// Most words a `prefix*` expands to.
const MAX_PREFIX_EXPANSIONS: u32 = 256;

/// A clause of a tantivy boolean query.
type Part = (TOccur, Box<dyn TQuery>);

/// Turns query syntax trees into tantivy queries, collecting what to highlight.
pub struct Compiler<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    stemmed: TextAnalyzer,
    unstemmed: TextAnalyzer,
    highlight_terms: HashSet<String>,
    highlight_prefixes: Vec<String>,
    pub warnings: Vec<String>,
}

/// A field as the compiler sees it.
#[derive(Clone, Copy)]
enum Target {
    /// Analysed full text: words, phrases and prefixes.
    FullText(Field),
    /// Exact values (`doc`, `collection`).
    Exact(Field),
    Date(Field),
}

impl<'a> Compiler<'a> {
    pub fn new(fields: &'a Fields, searcher: &'a Searcher) -> Self {
        Compiler {
            fields,
            searcher,
            stemmed: analyzer::stemmed(),
            unstemmed: analyzer::unstemmed(),
            highlight_terms: HashSet::new(),
            highlight_prefixes: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// What to mark in snippets: the query's words, without stop words unless the query
    /// has nothing else.
    pub fn highlighter(&self) -> Highlighter {
        let content: HashSet<String> = self
            .highlight_terms
            .iter()
            .filter(|t| !analyzer::is_stopword(t))
            .cloned()
            .collect();
        let terms = if content.is_empty() && self.highlight_prefixes.is_empty() {
            self.highlight_terms.clone()
        } else {
            content
        };
        Highlighter::new(terms, self.highlight_prefixes.clone())
    }

    /// Compiles a whole query: its clauses, plus proximity clauses for its plain words.
    ///
    /// # Errors
    /// As [`Compiler::clauses`].
    pub fn query(&mut self, clauses: &[Clause]) -> Result<Option<Box<dyn TQuery>>, SearchError> {
        let Some(main) = self.clauses(clauses, false)? else {
            return Ok(None);
        };
        let near = self.proximity(clauses);
        if near.is_empty() {
            return Ok(Some(main));
        }
        let mut parts: Vec<Part> = vec![(TOccur::Must, main)];
        parts.extend(near.into_iter().map(|q| (TOccur::Should, q)));
        Ok(Some(Box::new(BooleanQuery::new(parts))))
    }

    /// Phrase-with-slop clauses on the text for each pair of neighbouring plain words of
    /// the query (stop words left out).
    fn proximity(&mut self, clauses: &[Clause]) -> Vec<Box<dyn TQuery>> {
        let mut words: Vec<String> = Vec::new();
        for clause in clauses {
            if let (Occur::Should | Occur::Must, Node::Word { field: None, text }) =
                (clause.occur, &clause.node)
            {
                words.extend(
                    analyzer_terms(&mut self.stemmed, text)
                        .into_iter()
                        .filter(|t| !analyzer::is_stopword(t)),
                );
            }
        }
        words
            .windows(2)
            .filter(|pair| pair[0] != pair[1])
            .take(MAX_PROXIMITY_PAIRS)
            .map(|pair| {
                let terms = vec![
                    (0, Term::from_field_text(self.fields.text, &pair[0])),
                    (1, Term::from_field_text(self.fields.text, &pair[1])),
                ];
                let phrase = PhraseQuery::new_with_offset_and_slop(terms, PROXIMITY_SLOP);
                boosted(Box::new(phrase), PROXIMITY_BOOST)
            })
            .collect()
    }

    fn target(&self, field: FieldName) -> Target {
        let f = self.fields;
        match field {
            FieldName::Title => Target::FullText(f.title),
            FieldName::Section => Target::FullText(f.section),
            FieldName::Text => Target::FullText(f.text),
            FieldName::Author => Target::FullText(f.author),
            FieldName::Source => Target::FullText(f.source),
            FieldName::Doc => Target::Exact(f.doc),
            FieldName::Collection => Target::Exact(f.collection),
            FieldName::Date => Target::Date(f.date),
        }
    }

    /// The fields a word with no field name searches, with their weights.
    fn default_fields(&self) -> [(Field, f32); 3] {
        [
            (self.fields.title, TITLE_BOOST),
            (self.fields.section, SECTION_BOOST),
            (self.fields.text, 1.0),
        ]
    }

    /// Compiles a list of clauses; `None` when nothing in them can match anything (all
    /// words were punctuation).
    ///
    /// # Errors
    /// When a filter value cannot be read (a date that is not a date).
    pub fn clauses(
        &mut self,
        clauses: &[Clause],
        negated: bool,
    ) -> Result<Option<Box<dyn TQuery>>, SearchError> {
        let mut parts: Vec<Part> = Vec::new();
        // Optional filter clauses, by field: alternatives within a field, all fields required.
        let mut filters: Vec<(FieldName, Vec<Part>)> = Vec::new();
        for clause in clauses {
            let excluded = negated || clause.occur == Occur::MustNot;
            let Some(mut q) = self.node(&clause.node, excluded)? else {
                continue;
            };
            let filter = filter_field(&clause.node);
            if let Some(boost) = clause.boost {
                q = Box::new(BoostQuery::new(q, boost));
            }
            if filter.is_some() {
                q = Box::new(ConstScoreQuery::new(q, 0.0));
            }
            let occur = match clause.occur {
                Occur::Should => TOccur::Should,
                Occur::Must => TOccur::Must,
                Occur::MustNot => {
                    q = Box::new(Excluded(q));
                    TOccur::MustNot
                }
            };
            match (filter, occur) {
                (Some(field), TOccur::Should) => {
                    match filters.iter_mut().find(|(f, _)| *f == field) {
                        Some((_, group)) => group.push((TOccur::Should, q)),
                        None => filters.push((field, vec![(TOccur::Should, q)])),
                    }
                }
                _ => parts.push((occur, q)),
            }
        }
        for (_, group) in filters {
            if let Some(q) = disjunction(group) {
                parts.push((TOccur::Must, q));
            }
        }
        if parts.is_empty() {
            return Ok(None);
        }
        if parts.iter().all(|(o, _)| *o == TOccur::MustNot) {
            parts.push((TOccur::Must, Box::new(AllQuery)));
        }
        if parts.len() == 1 && parts[0].0 != TOccur::MustNot {
            return Ok(parts.pop().map(|(_, q)| q));
        }
        Ok(Some(Box::new(BooleanQuery::new(parts))))
    }

    fn node(
        &mut self,
        node: &Node,
        excluded: bool,
    ) -> Result<Option<Box<dyn TQuery>>, SearchError> {
        match node {
            Node::Group(clauses) => self.clauses(clauses, excluded),
            Node::Word { field, text } | Node::Phrase { field, text } => {
                let phrase = matches!(node, Node::Phrase { .. });
                match field.map(|f| self.target(f)) {
                    None => {
                        let terms = self.analyze(text, !excluded);
                        let per_field = self
                            .default_fields()
                            .into_iter()
                            .filter_map(|(f, boost)| {
                                let q = if phrase {
                                    terms_query(f, &terms)
                                } else {
                                    word_query(f, &terms)
                                };
                                q.map(|q| (TOccur::Should, boosted(q, boost)))
                            })
                            .collect::<Vec<_>>();
                        Ok(disjunction(per_field))
                    }
                    Some(Target::FullText(f)) => {
                        let terms = self.analyze(text, !excluded && self.highlightable(f));
                        Ok(terms_query(f, &terms))
                    }
                    Some(Target::Exact(f)) => {
                        let _ = phrase;
                        Ok(Some(Box::new(TermQuery::new(
                            Term::from_field_text(f, text),
                            IndexRecordOption::Basic,
                        ))))
                    }
                    Some(Target::Date(f)) => {
                        let day = date_value(text)?;
                        // The day after; far-future dates have none (and need no bound).
                        let next = day
                            .into_timestamp_secs()
                            .checked_add(86_400)
                            .filter(|&secs| secs < tantivy::DateTime::MAX.into_timestamp_secs())
                            .map_or(StdBound::Unbounded, |secs| {
                                StdBound::Excluded(Term::from_field_date(
                                    f,
                                    tantivy::DateTime::from_timestamp_secs(secs),
                                ))
                            });
                        Ok(Some(Box::new(RangeQuery::new(
                            StdBound::Included(Term::from_field_date(f, day)),
                            next,
                        ))))
                    }
                }
            }
            Node::Prefix { field, text } => {
                let targets: Vec<(Field, f32, bool)> = match field.map(|f| self.target(f)) {
                    None => self
                        .default_fields()
                        .into_iter()
                        .map(|(f, b)| (f, b, true))
                        .collect(),
                    Some(Target::FullText(f)) => vec![(f, 1.0, true)],
                    Some(Target::Exact(f)) => vec![(f, 1.0, false)],
                    Some(Target::Date(_)) => {
                        return Err(QueryError {
                            message: "`date:` takes a date or a range, not a prefix".into(),
                            column: None,
                        }
                        .into())
                    }
                };
                let mut parts = Vec::new();
                for (f, boost, analysed) in targets {
                    if let Some(q) = self.prefix(f, text, analysed, excluded)? {
                        parts.push((TOccur::Should, boosted(q, boost)));
                    }
                }
                Ok(Some(
                    disjunction(parts).unwrap_or_else(|| Box::new(EmptyQuery)),
                ))
            }
            Node::Range {
                field,
                lower,
                upper,
            } => {
                let Target::Date(f) = self.target(*field) else {
                    return Err(QueryError {
                        message: format!(
                            "`{}:` does not take a range; only `date:` does",
                            field.as_str()
                        ),
                        column: None,
                    }
                    .into());
                };
                let bound = |b: &Bound| -> Result<StdBound<Term>, SearchError> {
                    Ok(match b {
                        Bound::Unbounded => StdBound::Unbounded,
                        Bound::Included(v) => {
                            StdBound::Included(Term::from_field_date(f, date_value(v)?))
                        }
                        Bound::Excluded(v) => {
                            StdBound::Excluded(Term::from_field_date(f, date_value(v)?))
                        }
                    })
                };
                let (lower, upper) = (bound(lower)?, bound(upper)?);
                // `date:[* TO *]`: any article with a date (tantivy needs one bound).
                let lower = match (&lower, &upper) {
                    (StdBound::Unbounded, StdBound::Unbounded) => {
                        StdBound::Included(Term::from_field_date(f, tantivy::DateTime::MIN))
                    }
                    _ => lower,
                };
                Ok(Some(Box::new(RangeQuery::new(lower, upper))))
            }
        }
    }

    fn highlightable(&self, field: Field) -> bool {
        field == self.fields.text || field == self.fields.title || field == self.fields.section
    }

    /// The stemmed terms of `text` with their positions; remembered for highlighting.
    fn analyze(&mut self, text: &str, highlight: bool) -> Vec<(usize, String)> {
        let mut stream = self.stemmed.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.position, token.text.clone()));
        }
        if highlight {
            self.highlight_terms
                .extend(out.iter().map(|(_, t)| t.clone()));
        }
        out
    }

    /// A query for words starting with `text` in `field`.
    fn prefix(
        &mut self,
        field: Field,
        text: &str,
        analysed: bool,
        excluded: bool,
    ) -> Result<Option<Box<dyn TQuery>>, SearchError> {
        if !analysed {
            return Ok(self.expand(field, text)?);
        }
        let mut words = analyzer_terms(&mut self.unstemmed, text);
        let Some(last) = words.pop() else {
            return Ok(None);
        };
        if !excluded && self.highlightable(field) && !self.highlight_prefixes.contains(&last) {
            self.highlight_prefixes.push(last.clone());
        }
        if words.is_empty() {
            return Ok(self.expand(field, &last)?);
        }
        // `U.S.-ma*`: a phrase whose last word is a prefix. Earlier words are stemmed, as
        // they are whole words.
        let mut terms: Vec<Term> = words
            .iter()
            .flat_map(|w| analyzer_terms(&mut self.stemmed, w))
            .map(|t| Term::from_field_text(field, &t))
            .collect();
        terms.push(Term::from_field_text(field, &last));
        let mut q = PhrasePrefixQuery::new(terms);
        q.set_max_expansions(MAX_PREFIX_EXPANSIONS);
        Ok(Some(Box::new(q)))
    }

    /// Expands a prefix into the words of the index that start with it (at most
    /// [`MAX_PREFIX_EXPANSIONS`], the most frequent first), scored like ordinary words.
    fn expand(&mut self, field: Field, prefix: &str) -> tantivy::Result<Option<Box<dyn TQuery>>> {
        let mut found: Vec<(u64, String)> = Vec::new();
        let mut seen = HashSet::new();
        for segment in self.searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()?;
            while stream.advance() {
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if !term.starts_with(prefix) {
                    break;
                }
                if seen.insert(term.to_string()) {
                    found.push((0, term.to_string()));
                }
                if seen.len() > 50_000 {
                    break;
                }
            }
        }
        if found.is_empty() {
            return Ok(None);
        }
        if found.len() > MAX_PREFIX_EXPANSIONS as usize {
            for entry in &mut found {
                entry.0 = self
                    .searcher
                    .doc_freq(&Term::from_field_text(field, &entry.1))?;
            }
            found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            found.truncate(MAX_PREFIX_EXPANSIONS as usize);
            let note = format!(
                "`{prefix}*` matches many words; only the {MAX_PREFIX_EXPANSIONS} most frequent are searched"
            );
            if !self.warnings.contains(&note) {
                self.warnings.push(note);
            }
        }
        let parts = found
            .into_iter()
            .map(|(_, t)| {
                let q: Box<dyn TQuery> = Box::new(TermQuery::new(
                    Term::from_field_text(field, &t),
                    IndexRecordOption::WithFreqs,
                ));
                (TOccur::Should, q)
            })
            .collect();
        Ok(disjunction(parts))
    }
}

fn analyzer_terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Weight of the whole-word phrase relative to its parts when a bare word splits into
/// several terms.
const SPLIT_WORD_PHRASE_WEIGHT: f32 = 0.5;

/// A bare word: one term, or, for a word the analyzer splits (`IL-6`, `p53`, `F-35`), its
/// parts as optional terms plus the phrase of them, so the exact spelling ranks first but
/// `IL6`, `IL-6` and `interleukin 6` still meet on the shared parts.
fn word_query(field: Field, terms: &[(usize, String)]) -> Option<Box<dyn TQuery>> {
    if terms.len() < 2 {
        return terms_query(field, terms);
    }
    let mut parts: Vec<(TOccur, Box<dyn TQuery>)> = Vec::with_capacity(terms.len() + 1);
    if let Some(q) = terms_query(field, terms) {
        parts.push((TOccur::Should, boosted(q, SPLIT_WORD_PHRASE_WEIGHT)));
    }
    for term in terms {
        if let Some(q) = terms_query(field, std::slice::from_ref(term)) {
            parts.push((TOccur::Should, q));
        }
    }
    disjunction(parts)
}

/// A term query for one term, a phrase query for several.
fn terms_query(field: Field, terms: &[(usize, String)]) -> Option<Box<dyn TQuery>> {
    match terms {
        [] => None,
        [(_, term)] => Some(Box::new(TermQuery::new(
            Term::from_field_text(field, term),
            IndexRecordOption::WithFreqs,
        ))),
        _ => {
            let first = terms[0].0;
            let with_offsets = terms
                .iter()
                .map(|(pos, t)| (pos - first, Term::from_field_text(field, t)))
                .collect();
            Some(Box::new(PhraseQuery::new_with_offset(with_offsets)))
        }
    }
}

fn boosted(q: Box<dyn TQuery>, boost: f32) -> Box<dyn TQuery> {
    if (boost - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, boost))
    }
}

fn disjunction(mut parts: Vec<(TOccur, Box<dyn TQuery>)>) -> Option<Box<dyn TQuery>> {
    match parts.len() {
        0 => None,
        1 => parts.pop().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(parts))),
    }
}

fn date_value(text: &str) -> Result<tantivy::DateTime, SearchError> {
    parse_date(text).ok_or_else(|| {
        SearchError::Query(QueryError {
            message: format!("`{text}` is not a date (use YYYY-MM-DD, for example 2025-09-01)"),
            column: None,
        })
    })
}

/// The filter field a node restricts, if it is a filter.
fn filter_field(node: &Node) -> Option<FieldName> {
    let field = match node {
        Node::Word { field, .. } | Node::Phrase { field, .. } | Node::Prefix { field, .. } => {
            (*field)?
        }
        Node::Range { field, .. } => *field,
        Node::Group(_) => return None,
    };
    match field {
        FieldName::Doc
        | FieldName::Collection
        | FieldName::Date
        | FieldName::Author
        | FieldName::Source => Some(field),
        FieldName::Title | FieldName::Section | FieldName::Text => None,
    }
}

/// An excluded clause (`-word`, `NOT "a phrase"`).
///
/// Tantivy 0.27 probes an exclusion with `seek_danger` at documents before the one its
/// scorer stands on. Phrase scorers assert against that (quickwit-oss/tantivy#2811; a
/// panic in debug builds, harmless in release ones). This wrapper answers such probes
/// itself and forwards only forward seeks.
#[derive(Debug)]
struct Excluded(Box<dyn TQuery>);

impl Clone for Excluded {
    fn clone(&self) -> Self {
        Excluded(self.0.box_clone())
    }
}

impl TQuery for Excluded {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(self.0.weight(enable_scoring)?)))
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(ExcludedScorer(self.0.scorer(reader, boost)?)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// Forwards everything but `seek_danger`, whose default goes through `doc` and `seek`.
struct ExcludedScorer(Box<dyn Scorer>);

impl DocSet for ExcludedScorer {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.0.doc() {
            self.0.doc()
        } else {
            self.0.seek(target)
        }
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }
}

impl Scorer for ExcludedScorer {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

//! Query syntax tree → tantivy queries.
//!
//! A passage is found by what it says: plain words match a passage's own text or section
//! heading (their scores add up), never its article's headline alone. A headline match
//! lifts every passage of its article ([`TITLE_BOOST`]), and an article whose headline
//! matches while none of its passages does is answered once, by its lead passage
//! ([`Compiled::headlines`]). Words close together in a passage add a proximity score.
//!
//! Function words (`the`, `how`, `which`, `did`) are left out of the query outside
//! phrases, unless the query has nothing else. A word the analyzer splits (`IL-6`, `£1bn`,
//! `U.S.`) matches as the phrase of its parts (or, hyphenated, as the joined word), never
//! by one part alone.
//!
//! Metadata fields (`doc:`, `collection:`, `date:`, `author:`, `source:`) are filters: they
//! restrict what the words find without changing scores. Several values of one field are
//! alternatives (`collection:sport collection:tech`), different fields must all hold, and
//! the words keep their meaning next to them: `blair collection:politics` finds politics
//! passages that say "blair", not every politics passage.

use std::collections::HashSet;
use std::ops::Bound as StdBound;
use std::path::Path;

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery,
    Occur as TOccur, PhraseQuery, Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::query::{EnableScoring, Explanation, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, Term};

use super::stats::live_doc_freq;
use super::SearchError;
use crate::analyzer;
use crate::article::parse_date;
use crate::corpus;
use crate::query::{Bound, Clause, FieldName, Node, Occur, QueryError};
use crate::schema::Fields;
use crate::snippet::Highlighter;

/// Weight of a headline match, added to the passages of its article. Headlines are short,
/// so BM25's length normalisation already makes a headline match count; more would let
/// titles drown the text.
pub const TITLE_BOOST: f32 = 1.0;
/// Weight of the proximity clauses: each pair of neighbouring query words found within
/// [`PROXIMITY_SLOP`] positions of each other in a passage adds this much of a phrase
/// score, so "drone incursion" ranks the passage that says "the drone incursion" first.
const PROXIMITY_BOOST: f32 = 0.5;
/// How far apart two neighbouring query words may be to count as near.
const PROXIMITY_SLOP: u32 = 2;
/// Proximity clauses for at most this many word pairs (long queries are sentences).
const MAX_PROXIMITY_PAIRS: usize = 12;
/// Most words a `prefix*` or `word~` expands to (the most frequent first).
const MAX_EXPANSIONS: usize = 256;
/// Most distinct words a query searches for: a pasted article is a query, but thousands
/// of clauses would cost memory and time for nothing (the first ones are kept).
const MAX_QUERY_WORDS: usize = 1024;

/// How `--explain` names the score an article's lead passage gets for answering a headline.
const LEAD_LABEL: &str = "the article's lead passage, answering for its headline";

/// A clause of a tantivy boolean query.
type Part = (TOccur, Box<dyn TQuery>);

/// Top-level `title:` clauses next to content words: required or excluded clauses, and
/// lifts (optional headline matches that add to a passage's score).
type HeadlineParts = (Vec<Part>, Vec<Box<dyn TQuery>>);

/// The tantivy queries of one parsed query.
pub struct Compiled {
    /// The passages that match, scored (filters included; boilerplate not yet excluded).
    pub passages: Box<dyn TQuery>,
    /// The lead passages of articles whose headline matches the query's words, to stand
    /// for an article when none of its passages matches; `None` when the query has no
    /// words to look for in headlines.
    pub headlines: Option<Box<dyn TQuery>>,
    /// The scored parts of `passages`, labelled, whose scores add up to a passage's score
    /// (for `--explain`); `headline_parts` the same for `headlines`.
    pub parts: Vec<(String, Box<dyn TQuery>)>,
    pub headline_parts: Vec<(String, Box<dyn TQuery>)>,
}

/// Where a search reads its words: in passages (text and section), or in headlines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Passage,
    Headline,
}

/// What a clause is, at the top of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Words matched in passages (plain words, `text:`, `section:`, groups).
    Content,
    /// Words matched in headlines (`title:`).
    Headline,
    /// A metadata filter.
    Filter(FieldName),
}

/// How the folder a user sees relates to doc_ids, for `doc:` values that are paths.
#[derive(Debug, Clone, Copy)]
pub struct Places<'a> {
    /// The seeds folder as paths are shown from the current directory.
    pub shown: &'a Path,
    /// The seeds folder, absolute.
    pub root: &'a Path,
}

/// Turns query syntax trees into tantivy queries, collecting what to highlight and what
/// to explain.
pub struct Compiler<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    places: Places<'a>,
    stemmed: TextAnalyzer,
    unstemmed: TextAnalyzer,
    highlight_terms: HashSet<String>,
    highlight_prefixes: Vec<String>,
    highlight_phrases: Vec<Vec<String>>,
    /// Headline clauses for each content word, to lift the passages of their articles.
    lifts: Vec<Box<dyn TQuery>>,
    /// Whether to leave function words out of the query (it has content words).
    drop_function_words: bool,
    /// Distinct words searched so far (see [`MAX_QUERY_WORDS`]).
    words: HashSet<String>,
    /// Notes about the query for the user.
    pub warnings: Vec<String>,
    /// Query words that match nothing in the index, as typed.
    pub unmatched: Vec<String>,
    /// The distinct terms of the query's searched words, for coverage ranking.
    pub terms: Vec<String>,
    /// `(part, joined)`: a part of a split word that the word's joined form also stands
    /// for (`u` and `s` of `U.S.`, held by a passage that says `US`), for coverage ranking.
    pub joined: Vec<(String, String)>,
    /// Metadata fields the query filters on.
    pub filters: Vec<FieldName>,
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
    pub fn new(fields: &'a Fields, searcher: &'a Searcher, places: Places<'a>) -> Self {
        Compiler {
            fields,
            searcher,
            places,
            stemmed: analyzer::stemmed(),
            unstemmed: analyzer::unstemmed(),
            highlight_terms: HashSet::new(),
            highlight_prefixes: Vec::new(),
            highlight_phrases: Vec::new(),
            lifts: Vec::new(),
            drop_function_words: false,
            words: HashSet::new(),
            warnings: Vec::new(),
            unmatched: Vec::new(),
            terms: Vec::new(),
            joined: Vec::new(),
            filters: Vec::new(),
        }
    }

    /// What to mark in snippets, titles and sections: the words the query searched for.
    pub fn highlighter(&self) -> Highlighter {
        Highlighter::new(
            self.highlight_terms.clone(),
            self.highlight_prefixes.clone(),
            self.highlight_phrases.clone(),
        )
    }

    /// Compiles a whole query.
    ///
    /// # Errors
    /// When a filter value cannot be read (a date that is not a date, a range on a field
    /// that takes none).
    pub fn compile(&mut self, clauses: &[Clause]) -> Result<Option<Compiled>, SearchError> {
        self.drop_function_words = has_content_words(clauses, false);
        let kinds: Vec<Kind> = clauses.iter().map(|c| kind(&c.node)).collect();
        let of_kind = |k: fn(Kind) -> bool| -> Vec<Clause> {
            clauses
                .iter()
                .zip(&kinds)
                .filter(|(_, kind)| k(**kind))
                .map(|(c, _)| c.clone())
                .collect()
        };
        let content = of_kind(|k| k == Kind::Content);
        let headline = of_kind(|k| k == Kind::Headline);
        let filter = of_kind(|k| matches!(k, Kind::Filter(_)));
        let positive = |cs: &[Clause]| cs.iter().any(|c| c.occur != Occur::MustNot);

        if positive(&content) {
            let Some(core) = self.clauses(&content, Mode::Passage, false)? else {
                return Ok(None);
            };
            let mut scored: Vec<(String, Box<dyn TQuery>)> =
                vec![("the query's words in the passage".into(), core.box_clone())];
            let mut parts: Vec<Part> = vec![(TOccur::Must, core)];
            parts.extend(self.filter_parts(&filter)?);
            let (required, lifts) = self.headline_parts(&headline)?;
            parts.extend(required);
            let mut lift: Vec<Part> = std::mem::take(&mut self.lifts)
                .into_iter()
                .chain(lifts)
                .map(|q| (TOccur::Should, q))
                .collect();
            if lift.len() > 1 {
                let any: Box<dyn TQuery> = Box::new(BooleanQuery::new(lift));
                lift = vec![(TOccur::Should, any)];
            }
            for (_, q) in &lift {
                let q = boosted(q.box_clone(), TITLE_BOOST);
                scored.push((
                    "the headline (lifts every passage of the article)".into(),
                    q,
                ));
            }
            parts.extend(lift.into_iter().map(|(o, q)| (o, boosted(q, TITLE_BOOST))));
            for (pair, q) in self.proximity(&content) {
                scored.push((format!("proximity of {pair}"), q.box_clone()));
                parts.push((TOccur::Should, q));
            }
            let mut headline_scored = Vec::new();
            let headlines = if searches_headlines(&content) {
                self.clauses(&content, Mode::Headline, false)?
                    .map(|core| -> Result<Box<dyn TQuery>, SearchError> {
                        headline_scored
                            .push(("the query's words in the headline".into(), core.box_clone()));
                        let lead = self.lead();
                        headline_scored.push((LEAD_LABEL.into(), lead.1.box_clone()));
                        let mut parts: Vec<Part> = vec![(TOccur::Must, core), lead];
                        parts.extend(self.filter_parts(&filter)?);
                        parts.extend(self.headline_parts(&headline)?.0);
                        Ok(Box::new(BooleanQuery::new(parts)))
                    })
                    .transpose()?
            } else {
                None
            };
            return Ok(Some(Compiled {
                passages: Box::new(BooleanQuery::new(parts)),
                headlines,
                parts: scored,
                headline_parts: headline_scored,
            }));
        }

        // No words for passages: list what the headline words, filters and exclusions
        // select. Headline words select articles, each once, by its lead passage.
        let mut parts: Vec<Part> = Vec::new();
        let mut scored = Vec::new();
        if positive(&headline) {
            if let Some(q) = self.clauses(&headline, Mode::Passage, false)? {
                scored.push(("the query's words in the headline".into(), q.box_clone()));
                parts.push((TOccur::Must, q));
                let lead = self.lead();
                scored.push((LEAD_LABEL.into(), lead.1.box_clone()));
                parts.push(lead);
            }
        } else {
            parts.extend(self.headline_parts(&headline)?.0);
        }
        parts.extend(self.filter_parts(&filter)?);
        if let Some(q) = self.clauses(&content, Mode::Passage, false)? {
            parts.push((TOccur::Must, q));
        }
        if parts.is_empty() {
            return Ok(None);
        }
        if parts.iter().all(|(o, _)| *o == TOccur::MustNot) {
            parts.push((TOccur::Must, Box::new(AllQuery)));
        }
        Ok(Some(Compiled {
            passages: Box::new(BooleanQuery::new(parts)),
            headlines: None,
            parts: scored,
            headline_parts: Vec::new(),
        }))
    }

    /// The clause that keeps an article's lead passage only. It is a scored term like any
    /// other (a constant for every headline-only hit, which ranking was tuned with), so
    /// `--explain` lists it under [`LEAD_LABEL`].
    fn lead(&self) -> Part {
        (
            TOccur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(self.fields.lead, 1),
                IndexRecordOption::Basic,
            )),
        )
    }

    /// Top-level `title:` clauses next to content words: required and excluded ones as
    /// they are, optional ones as lifts (a headline alone never makes a passage match).
    fn headline_parts(&mut self, clauses: &[Clause]) -> Result<HeadlineParts, SearchError> {
        let mut required = Vec::new();
        let mut lifts = Vec::new();
        for clause in clauses {
            let excluded = clause.occur == Occur::MustNot;
            let Some(mut q) = self.node(&clause.node, Mode::Passage, excluded)? else {
                continue;
            };
            if let Some(boost) = clause.boost {
                q = boosted(q, boost);
            }
            match clause.occur {
                Occur::Must => required.push((TOccur::Must, q)),
                Occur::MustNot => required.push((TOccur::MustNot, Box::new(Excluded(q)) as _)),
                Occur::Should => lifts.push(q),
            }
        }
        Ok((required, lifts))
    }

    /// Top-level filters: alternatives within a field, every field required, exclusions.
    fn filter_parts(&mut self, clauses: &[Clause]) -> Result<Vec<Part>, SearchError> {
        let mut parts = Vec::new();
        let mut groups: Vec<(FieldName, Vec<Part>)> = Vec::new();
        for clause in clauses {
            let Some(q) = self.node(&clause.node, Mode::Passage, false)? else {
                continue;
            };
            let q: Box<dyn TQuery> = Box::new(ConstScoreQuery::new(q, 0.0));
            let Kind::Filter(field) = kind(&clause.node) else {
                continue;
            };
            match clause.occur {
                Occur::Must => parts.push((TOccur::Must, q)),
                Occur::MustNot => parts.push((TOccur::MustNot, Box::new(Excluded(q)) as _)),
                Occur::Should => match groups.iter_mut().find(|(f, _)| *f == field) {
                    Some((_, group)) => group.push((TOccur::Should, q)),
                    None => groups.push((field, vec![(TOccur::Should, q)])),
                },
            }
        }
        for (_, group) in groups {
            if let Some(q) = disjunction(group) {
                parts.push((TOccur::Must, q));
            }
        }
        Ok(parts)
    }

    /// Phrase-with-slop clauses on the text for each pair of neighbouring plain words of
    /// the query (function words left out), each with the pair it stands for.
    fn proximity(&mut self, clauses: &[Clause]) -> Vec<(String, Box<dyn TQuery>)> {
        let mut words: Vec<String> = Vec::new();
        for clause in clauses {
            if let (Occur::Should | Occur::Must, Node::Word { field: None, text }) =
                (clause.occur, &clause.node)
            {
                words.extend(
                    analyzer_terms(&mut self.stemmed, text)
                        .into_iter()
                        .filter(|t| !analyzer::is_function_word(t)),
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
                (
                    format!("`{}` and `{}`", pair[0], pair[1]),
                    boosted(Box::new(phrase), PROXIMITY_BOOST),
                )
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

    /// The fields a word searches: with no field name, the passage's own text and
    /// section (or the headline, in headline mode).
    fn word_fields(&self, field: Option<FieldName>, mode: Mode) -> Vec<Field> {
        match (field, mode) {
            (None, Mode::Passage) => vec![self.fields.text, self.fields.section],
            (None, Mode::Headline) => vec![self.fields.title],
            (Some(name), _) => match self.target(name) {
                Target::FullText(f) => vec![f],
                Target::Exact(_) | Target::Date(_) => Vec::new(),
            },
        }
    }

    /// Compiles a list of clauses; `None` when nothing in them can match anything (all
    /// words were punctuation, or dropped function words).
    ///
    /// # Errors
    /// When a filter value cannot be read.
    fn clauses(
        &mut self,
        clauses: &[Clause],
        mode: Mode,
        negated: bool,
    ) -> Result<Option<Box<dyn TQuery>>, SearchError> {
        let mut required: Vec<Box<dyn TQuery>> = Vec::new();
        let mut optional: Vec<Box<dyn TQuery>> = Vec::new();
        // Function words next to content words: they add to a passage's score, never
        // make it match.
        let mut seasoning: Vec<Box<dyn TQuery>> = Vec::new();
        let mut excluded: Vec<Box<dyn TQuery>> = Vec::new();
        let mut filters: Vec<(FieldName, Vec<Part>)> = Vec::new();
        let mut filtered = false;
        let mut content_required = false;
        for clause in clauses {
            let out = negated || clause.occur == Occur::MustNot;
            let Some(mut q) = self.node(&clause.node, mode, out)? else {
                continue;
            };
            if let Some(boost) = clause.boost {
                q = boosted(q, boost);
            }
            let filter = match kind(&clause.node) {
                Kind::Filter(field) => Some(field),
                Kind::Content | Kind::Headline => None,
            };
            if filter.is_some() {
                q = Box::new(ConstScoreQuery::new(q, 0.0));
            }
            match (clause.occur, filter) {
                (Occur::MustNot, _) => excluded.push(Box::new(Excluded(q))),
                (Occur::Should, Some(field)) => {
                    filtered = true;
                    match filters.iter_mut().find(|(f, _)| *f == field) {
                        Some((_, group)) => group.push((TOccur::Should, q)),
                        None => filters.push((field, vec![(TOccur::Should, q)])),
                    }
                }
                (Occur::Must, Some(_)) => {
                    filtered = true;
                    required.push(q);
                }
                (Occur::Must, None) => {
                    content_required = true;
                    required.push(q);
                }
                (Occur::Should, None) if self.is_function_clause(&clause.node) => {
                    seasoning.push(q);
                }
                (Occur::Should, None) => optional.push(q),
            }
        }
        for (_, group) in filters {
            if let Some(q) = disjunction(group) {
                required.push(q);
            }
        }
        let mut parts: Vec<Part> = Vec::new();
        // Words keep their meaning next to filters and function words: when no word is
        // required, at least one of the optional content words must match.
        let seasoned = !seasoning.is_empty();
        parts.extend(seasoning.into_iter().map(|q| (TOccur::Should, q)));
        if (filtered || seasoned) && !content_required && !optional.is_empty() {
            let any = disjunction(optional.into_iter().map(|q| (TOccur::Should, q)).collect());
            required.extend(any);
        } else {
            parts.extend(optional.into_iter().map(|q| (TOccur::Should, q)));
        }
        parts.extend(required.into_iter().map(|q| (TOccur::Must, q)));
        parts.extend(excluded.into_iter().map(|q| (TOccur::MustNot, q)));
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

    /// Whether a clause is a plain word made of function words only, in a query that
    /// has content words: it seasons the score and never makes a passage match.
    fn is_function_clause(&self, node: &Node) -> bool {
        match node {
            Node::Word { field: None, text } if self.drop_function_words => {
                let terms = analyzer::terms(text);
                !terms.is_empty() && terms.iter().all(|t| analyzer::is_function_word(t))
            }
            _ => false,
        }
    }

    fn node(
        &mut self,
        node: &Node,
        mode: Mode,
        excluded: bool,
    ) -> Result<Option<Box<dyn TQuery>>, SearchError> {
        match node {
            Node::Group(clauses) => self.clauses(clauses, mode, excluded),
            Node::Word { field, text } | Node::Phrase { field, text } => {
                let phrase = matches!(node, Node::Phrase { .. });
                match field.map(|f| self.target(f)) {
                    None | Some(Target::FullText(_)) => {
                        if let Kind::Filter(name) = kind(node) {
                            self.filtered(Some(name));
                        }
                        Ok(self.words(*field, text, phrase, mode, excluded))
                    }
                    Some(Target::Exact(f)) => {
                        self.filtered(*field);
                        Ok(Some(self.exact(f, *field, text)))
                    }
                    Some(Target::Date(f)) => {
                        self.filtered(*field);
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
            Node::Prefix { field, text } => match field.map(|f| self.target(f)) {
                Some(Target::Exact(f)) => {
                    self.filtered(*field);
                    Ok(Some(Box::new(prefix_range(f, text))))
                }
                Some(Target::Date(_)) => {
                    Err(QueryError::new("`date:` takes a date or a range, not a prefix").into())
                }
                None | Some(Target::FullText(_)) => {
                    let targets = self.word_fields(*field, mode);
                    self.expanded(*field, text, targets, mode, excluded, Expansion::Prefix)
                }
            },
            Node::Fuzzy {
                field,
                text,
                distance,
            } => match field.map(|f| self.target(f)) {
                Some(Target::Exact(_) | Target::Date(_)) => Err(QueryError::new(format!(
                    "`{}:` takes exact values; `~` is for words",
                    field.map_or("", FieldName::as_str)
                ))
                .into()),
                None | Some(Target::FullText(_)) => {
                    let targets = self.word_fields(*field, mode);
                    let distance = distance.unwrap_or(if text.chars().count() > 5 { 2 } else { 1 });
                    self.expanded(
                        *field,
                        text,
                        targets,
                        mode,
                        excluded,
                        Expansion::Fuzzy(distance),
                    )
                }
            },
            Node::Range {
                field,
                lower,
                upper,
            } => {
                let Target::Date(f) = self.target(*field) else {
                    return Err(QueryError::new(format!(
                        "`{}:` does not take a range; only `date:` does",
                        field.as_str()
                    ))
                    .into());
                };
                self.filtered(Some(*field));
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

    fn filtered(&mut self, field: Option<FieldName>) {
        if let Some(field) = field {
            if !self.filters.contains(&field) {
                self.filters.push(field);
            }
        }
    }

    /// A word or phrase in full-text fields.
    fn words(
        &mut self,
        field: Option<FieldName>,
        text: &str,
        phrase: bool,
        mode: Mode,
        excluded: bool,
    ) -> Option<Box<dyn TQuery>> {
        let terms = self.analyze(text);
        if terms.is_empty() {
            return None;
        }
        let searched = !excluded && mode == Mode::Passage;
        let key = terms
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if searched && !self.words.contains(&key) {
            if self.words.len() >= MAX_QUERY_WORDS {
                let note = format!(
                    "the query has more than {MAX_QUERY_WORDS} distinct words; only the first {MAX_QUERY_WORDS} are searched"
                );
                if !self.warnings.contains(&note) {
                    self.warnings.push(note);
                }
                return None;
            }
            self.words.insert(key);
        }
        let joined = (!phrase).then(|| self.joined(text, &terms)).flatten();
        if searched && field.is_none_or(|f| matches!(f, FieldName::Section | FieldName::Text)) {
            self.remember(text, &terms, phrase, joined.as_deref());
        }
        let per_field: Vec<Part> = self
            .word_fields(field, mode)
            .into_iter()
            .filter_map(|f| word_query(f, &terms, joined.as_deref()))
            .map(|q| (TOccur::Should, q))
            .collect();
        if searched && field.is_none() {
            if let Some(lift) = word_query(self.fields.title, &terms, joined.as_deref()) {
                self.lifts.push(lift);
            }
        }
        disjunction(per_field)
    }

    /// Records a searched word for highlighting and for "matches nothing" explanations.
    fn remember(
        &mut self,
        text: &str,
        terms: &[(usize, String)],
        phrase: bool,
        joined: Option<&str>,
    ) {
        if terms.len() > 1 {
            self.highlight_phrases
                .push(terms.iter().map(|(_, t)| t.clone()).collect());
        } else if let [(_, term)] = terms {
            // Function words season the score; marking every "the" would hide the words
            // that matched.
            if !(self.drop_function_words && analyzer::is_function_word(term)) {
                self.highlight_terms.insert(term.clone());
            }
        }
        for (_, term) in terms {
            if !self.terms.contains(term) {
                self.terms.push(term.clone());
            }
        }
        if let Some(joined) = joined {
            self.highlight_terms.insert(joined.to_string());
            for (_, part) in terms {
                let pair = (part.clone(), joined.to_string());
                if !self.joined.contains(&pair) {
                    self.joined.push(pair);
                }
            }
        }
        let fields = [self.fields.text, self.fields.section, self.fields.title];
        let found = |term: &str| {
            fields.iter().any(|&f| {
                live_doc_freq(self.searcher, &Term::from_field_text(f, term)).is_ok_and(|n| n > 0)
            })
        };
        let missing = if phrase {
            terms.iter().any(|(_, t)| !found(t))
        } else {
            !terms.iter().all(|(_, t)| found(t)) && !joined.is_some_and(found)
        };
        if missing
            && !terms.iter().all(|(_, t)| analyzer::is_function_word(t))
            && !self.unmatched.iter().any(|w| w == text)
        {
            self.unmatched.push(text.to_string());
        }
    }

    /// A hyphenated or dotted word's letters joined (`e-mail` → `email`, `U.S.` → `us`),
    /// when that is one term: news writes `U.S.` and `US` for the same thing.
    fn joined(&mut self, text: &str, terms: &[(usize, String)]) -> Option<String> {
        let glue = |c: char| matches!(c, '-' | '‐' | '‑' | '.');
        let split_by_glue = terms.len() > 1
            && text.contains(glue)
            && text.chars().all(|c| c.is_alphabetic() || glue(c));
        if !split_by_glue {
            return None;
        }
        let letters: String = text.chars().filter(|c| c.is_alphabetic()).collect();
        let mut joined = analyzer_terms(&mut self.stemmed, &letters);
        (joined.len() == 1).then(|| joined.pop()).flatten()
    }

    /// The stemmed terms of `text` with their positions.
    fn analyze(&mut self, text: &str) -> Vec<(usize, String)> {
        let mut stream = self.stemmed.token_stream(text);
        let mut out = Vec::new();
        while let Some(token) = stream.next() {
            out.push((token.position, token.text.clone()));
        }
        out
    }

    /// A `prefix*` or `word~` expanded into the words of the index it stands for.
    fn expanded(
        &mut self,
        field: Option<FieldName>,
        text: &str,
        targets: Vec<Field>,
        mode: Mode,
        excluded: bool,
        how: Expansion,
    ) -> Result<Option<Box<dyn TQuery>>, SearchError> {
        // Prefixes are not words, so they are matched unstemmed; fuzzy words are stemmed
        // and matched against stems.
        let analyzer = match how {
            Expansion::Prefix => &mut self.unstemmed,
            Expansion::Fuzzy(_) => &mut self.stemmed,
        };
        let mut words = analyzer_terms(analyzer, text);
        let Some(last) = words.pop() else {
            return Ok(None);
        };
        let searched = !excluded && mode == Mode::Passage;
        let mut lead: Vec<String> = Vec::new();
        for word in words {
            lead.extend(analyzer_terms(&mut self.stemmed, &word));
        }
        // The expansions come from the passage fields (and the headline), so a word found
        // only in headlines still counts.
        let mut sources = targets.clone();
        if field.is_none() {
            sources.push(self.fields.title);
        }
        let expansions = self.expand(&sources, &last, how)?;
        if expansions.is_empty() {
            let typed = format!("{text}{}", how.suffix());
            if searched && !self.unmatched.contains(&typed) {
                self.unmatched.push(typed);
            }
            return Ok(Some(Box::new(EmptyQuery)));
        }
        if searched {
            match how {
                Expansion::Prefix
                    if lead.is_empty() && !self.highlight_prefixes.contains(&last) =>
                {
                    self.highlight_prefixes.push(last.clone());
                }
                Expansion::Fuzzy(_) if lead.is_empty() => {
                    self.highlight_terms.extend(expansions.iter().cloned());
                }
                _ => {}
            }
        }
        let build = |field: Field| -> Option<Box<dyn TQuery>> {
            let parts: Vec<Part> = expansions
                .iter()
                .filter_map(|word| {
                    let mut terms: Vec<(usize, String)> =
                        lead.iter().cloned().enumerate().collect();
                    terms.push((terms.len(), word.clone()));
                    terms_query(field, &terms)
                })
                .map(|q| (TOccur::Should, q))
                .collect();
            disjunction(parts)
        };
        let per_field: Vec<Part> = targets
            .iter()
            .filter_map(|&f| build(f))
            .map(|q| (TOccur::Should, q))
            .collect();
        if searched && field.is_none() {
            if let Some(lift) = build(self.fields.title) {
                self.lifts.push(lift);
            }
        }
        Ok(disjunction(per_field))
    }

    /// The words of the index in `fields` that `word` stands for (with `*` or `~`): at most
    /// [`MAX_EXPANSIONS`], the most frequent first, counting live passages only.
    fn expand(
        &mut self,
        fields: &[Field],
        word: &str,
        how: Expansion,
    ) -> Result<Vec<String>, SearchError> {
        let mut found: Vec<(u64, String)> = Vec::new();
        let mut seen = HashSet::new();
        for &field in fields {
            let candidates = match how {
                Expansion::Prefix => prefixed_terms(self.searcher, field, word)?,
                Expansion::Fuzzy(distance) => near_terms(self.searcher, field, word, distance)?,
            };
            for term in candidates {
                if seen.insert(term.clone()) {
                    found.push((0, term));
                }
            }
        }
        for entry in &mut found {
            entry.0 = fields
                .iter()
                .map(|&f| {
                    live_doc_freq(self.searcher, &Term::from_field_text(f, &entry.1)).unwrap_or(0)
                })
                .sum();
        }
        found.retain(|(df, _)| *df > 0);
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        if found.len() > MAX_EXPANSIONS {
            found.truncate(MAX_EXPANSIONS);
            let note = format!(
                "`{word}{}` matches many words; only the {MAX_EXPANSIONS} most frequent are searched",
                how.suffix()
            );
            if !self.warnings.contains(&note) {
                self.warnings.push(note);
            }
        }
        Ok(found.into_iter().map(|(_, t)| t).collect())
    }

    /// An exact-value filter: `doc:` takes a doc_id, a folder (`politics/`) or the path a
    /// search printed; `collection:` a subfolder's name.
    fn exact(&self, field: Field, name: Option<FieldName>, value: &str) -> Box<dyn TQuery> {
        if name == Some(FieldName::Doc) {
            if let Some(folder) = value.strip_suffix('/') {
                return Box::new(prefix_range(field, &format!("{folder}/")));
            }
            let parts: Vec<Part> = doc_ids_of(value, &self.places)
                .into_iter()
                .map(|id| -> Part {
                    (
                        TOccur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, &id),
                            IndexRecordOption::Basic,
                        )),
                    )
                })
                .collect();
            return disjunction(parts).unwrap_or_else(|| Box::new(EmptyQuery));
        }
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    }
}

/// How a word stands for others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expansion {
    /// Every word starting with it (`dron*`).
    Prefix,
    /// Every word within this many edits (`mourinho~`).
    Fuzzy(u8),
}

impl Expansion {
    fn suffix(self) -> &'static str {
        match self {
            Expansion::Prefix => "*",
            Expansion::Fuzzy(_) => "~",
        }
    }
}

/// What a top-level clause is.
fn kind(node: &Node) -> Kind {
    let field = match node {
        Node::Word { field, .. }
        | Node::Phrase { field, .. }
        | Node::Prefix { field, .. }
        | Node::Fuzzy { field, .. } => *field,
        Node::Range { field, .. } => Some(*field),
        Node::Group(_) => None,
    };
    match field {
        None | Some(FieldName::Text | FieldName::Section) => Kind::Content,
        Some(FieldName::Title) => Kind::Headline,
        Some(
            f @ (FieldName::Doc
            | FieldName::Collection
            | FieldName::Date
            | FieldName::Author
            | FieldName::Source),
        ) => Kind::Filter(f),
    }
}

/// Whether the positive content words of `clauses` include one that is not a function
/// word: then function words are left out of the query.
fn has_content_words(clauses: &[Clause], negated: bool) -> bool {
    clauses.iter().any(|c| {
        let negated = negated || c.occur == Occur::MustNot;
        match &c.node {
            Node::Group(inner) => has_content_words(inner, negated),
            Node::Word { field, text } if !negated && kind(&c.node) == Kind::Content => {
                let _ = field;
                analyzer::terms(text)
                    .iter()
                    .any(|t| !analyzer::is_function_word(t))
            }
            Node::Phrase { .. } | Node::Prefix { .. } | Node::Fuzzy { .. } => {
                !negated && kind(&c.node) == Kind::Content
            }
            _ => false,
        }
    })
}

/// Whether the query's content can be looked for in headlines: not when it names the
/// `text:` or `section:` field, which headlines do not have.
fn searches_headlines(clauses: &[Clause]) -> bool {
    clauses.iter().all(|c| match &c.node {
        Node::Group(inner) => searches_headlines(inner),
        Node::Word { field, .. }
        | Node::Phrase { field, .. }
        | Node::Prefix { field, .. }
        | Node::Fuzzy { field, .. } => field.is_none() || !matches!(kind(&c.node), Kind::Content),
        Node::Range { .. } => true,
    })
}

/// Every term of `field` starting with `prefix` (no cap; the caller ranks and cuts).
fn prefixed_terms(searcher: &Searcher, field: Field, prefix: &str) -> tantivy::Result<Vec<String>> {
    let mut found = Vec::new();
    for segment in searcher.segment_readers() {
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
            found.push(term.to_string());
            if found.len() > 50_000 {
                break;
            }
        }
    }
    Ok(found)
}

/// Every term of `field` within `distance` edits of `word` (transpositions count as one).
///
/// # Errors
/// When the index cannot be read.
pub fn near_terms(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
) -> tantivy::Result<Vec<String>> {
    let automaton = FuzzyTermQuery::new(Term::from_field_text(field, word), distance.min(2), true)
        .automaton()?;
    let mut found = Vec::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().search(&automaton).into_stream()?;
        while stream.advance() {
            if let Ok(term) = std::str::from_utf8(stream.key()) {
                found.push(term.to_string());
            }
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// Every document whose exact `field` value starts with `prefix`, however many values
/// that is.
fn prefix_range(field: Field, prefix: &str) -> RangeQuery {
    let lower = StdBound::Included(Term::from_field_text(field, prefix));
    let upper = successor(prefix).map_or(StdBound::Unbounded, |s| {
        StdBound::Excluded(Term::from_field_text(field, &s))
    });
    RangeQuery::new(lower, upper)
}

/// The smallest string above every string that starts with `prefix` (`None`: there is
/// none). UTF-8 byte order is code-point order, so bumping the last character is exact.
fn successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = u32::from(last) + 1;
        if next == 0xD800 {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// The doc_ids a `doc:` value can mean: itself, and, when it is the path of an article
/// file (as a search prints it, relative to here or absolute), its path in the seeds
/// folder without and with its extension.
fn doc_ids_of(value: &str, places: &Places) -> Vec<String> {
    let mut ids = vec![value.to_string()];
    let path = Path::new(value);
    let inside = [places.shown, places.root]
        .into_iter()
        .filter(|base| !base.as_os_str().is_empty())
        .find_map(|base| path.strip_prefix(base).ok());
    let rel = inside.unwrap_or(path);
    let Some(rel) = rel.to_str() else {
        return ids;
    };
    let rel = rel.trim_start_matches("./");
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if corpus::is_article_name(name) {
        if let Some((stem, _)) = rel.rsplit_once('.') {
            ids.push(stem.to_string());
        }
        ids.push(rel.to_string());
    }
    ids.dedup();
    ids
}

fn analyzer_terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// A bare word: one term; or, for a word the analyzer splits (`IL-6`, `p53`, `U.S.`,
/// `£1bn`), the phrase of its parts, never one part alone, so `U.S.` does not find every
/// `S`; or, for a hyphenated word, also the joined word (`e-mail` finds `email`).
fn word_query(
    field: Field,
    terms: &[(usize, String)],
    joined: Option<&str>,
) -> Option<Box<dyn TQuery>> {
    let phrase = terms_query(field, terms)?;
    let Some(joined) = joined else {
        return Some(phrase);
    };
    let whole: Box<dyn TQuery> = Box::new(TermQuery::new(
        Term::from_field_text(field, joined),
        IndexRecordOption::WithFreqs,
    ));
    disjunction(vec![(TOccur::Should, phrase), (TOccur::Should, whole)])
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

/// `q` weighed `boost` times. A boolean query's clauses are boosted one by one (the same
/// sum), so every boost sits on a leaf, where `--explain` can read it.
fn boosted(q: Box<dyn TQuery>, boost: f32) -> Box<dyn TQuery> {
    if (boost - 1.0).abs() < f32::EPSILON {
        return q;
    }
    if let Some(boolean) = q.downcast_ref::<BooleanQuery>() {
        let clauses = boolean
            .clauses()
            .iter()
            .map(|(occur, child)| match occur {
                TOccur::MustNot => (*occur, child.box_clone()),
                _ => (*occur, boosted(child.box_clone(), boost)),
            })
            .collect();
        let mut rebuilt = BooleanQuery::new(clauses);
        rebuilt.set_minimum_number_should_match(boolean.get_minimum_number_should_match());
        return Box::new(rebuilt);
    }
    Box::new(BoostQuery::new(q, boost))
}

fn disjunction(mut parts: Vec<Part>) -> Option<Box<dyn TQuery>> {
    match parts.len() {
        0 => None,
        1 => parts.pop().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(parts))),
    }
}

fn date_value(text: &str) -> Result<tantivy::DateTime, SearchError> {
    parse_date(text).ok_or_else(|| {
        SearchError::Query(QueryError::new(format!(
            "`{}` is not a date (use YYYY-MM-DD, for example 2025-09-01)",
            crate::query::quoted(text)
        )))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successors_bound_every_string_with_the_prefix() {
        assert_eq!(successor("politics/").as_deref(), Some("politics0"));
        assert_eq!(successor("a").as_deref(), Some("b"));
        assert_eq!(successor(""), None);
    }

    #[test]
    fn doc_values_that_are_printed_paths_name_their_doc_ids() {
        let places = Places {
            shown: Path::new("../news"),
            root: Path::new("/home/me/news"),
        };
        assert_eq!(doc_ids_of("politics/001", &places), ["politics/001"]);
        for printed in [
            "../news/politics/001.txt",
            "/home/me/news/politics/001.txt",
            "politics/001.txt",
        ] {
            let ids = doc_ids_of(printed, &places);
            assert!(
                ids.contains(&"politics/001".to_string()),
                "{printed}: {ids:?}"
            );
            assert!(
                ids.contains(&"politics/001.txt".to_string()),
                "{printed}: {ids:?}"
            );
        }
    }
}

//! Query → ranked [`Hit`]s: compiles the parsed query against the schema, runs it with
//! BM25, and turns each matching passage into a hit with its source and snippet.
//!
//! Plain words search the title, section and text of passages (title and section weigh
//! more); a word the analyzer splits in several terms (`F-35`, `U.S.-made`) is searched as
//! a phrase. Boilerplate passages are left out unless asked for.

use std::collections::{BTreeMap, HashSet};
use std::ops::Bound as StdBound;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur as TOccur, PhrasePrefixQuery,
    PhraseQuery, Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{DocAddress, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analyzer;
use crate::indexer::parse_date;
use crate::query::{self, Bound, Clause, FieldName, Node, Occur, QueryError};
use crate::schema::Fields;
use crate::snippet::{Highlighter, Snippet};
use crate::store::Store;

/// Weight of a match in the title relative to one in the text.
pub const TITLE_BOOST: f32 = 2.0;
/// Weight of a match in the section heading relative to one in the text.
pub const SECTION_BOOST: f32 = 1.5;
/// Most words a `prefix*` expands to.
const MAX_PREFIX_EXPANSIONS: usize = 256;
/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 280;

/// What to search for and how many hits to return.
#[derive(Debug, Clone)]
pub struct Request {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub include_boilerplate: bool,
}

/// A file that holds the hit's article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub doc_id: String,
    pub path: String,
}

/// One matching passage.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub section: Option<String>,
    pub passage: u32,
    pub line_start: u32,
    pub line_end: u32,
    pub boilerplate: bool,
    pub text: String,
    pub snippet: String,
    pub highlights: Vec<[usize; 2]>,
    pub metadata: BTreeMap<String, String>,
    /// Other files with the same content as this one.
    pub also_in: Vec<Source>,
    /// Highlights in the title (for the text printer; not part of the JSON schema).
    #[serde(skip)]
    pub title_highlights: Vec<[usize; 2]>,
}

/// The answer to one query.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub query: String,
    pub total_hits: usize,
    pub hits: Vec<Hit>,
    /// Notes about the query (unknown field names and the like), for stderr.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// A failure to search: the query is at fault (the user must fix it) or the index is.
#[derive(Debug)]
pub enum SearchError {
    Query(QueryError),
    Index(anyhow::Error),
}

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SearchError::Query(e) => write!(f, "{e}"),
            SearchError::Index(e) => write!(f, "{e:#}"),
        }
    }
}

impl std::error::Error for SearchError {}

impl From<QueryError> for SearchError {
    fn from(e: QueryError) -> Self {
        SearchError::Query(e)
    }
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(e: tantivy::TantivyError) -> Self {
        SearchError::Index(e.into())
    }
}

/// An index opened for searching.
pub struct Engine {
    fields: Fields,
    reader: IndexReader,
    /// The seeds folder as paths should be shown from the current directory.
    seeds_shown: PathBuf,
}

impl Engine {
    /// Prepares `store` for searching; `seeds` is the folder the index was built from.
    ///
    /// # Errors
    /// When tantivy cannot open a reader on the index.
    pub fn new(store: &Store, seeds: &Path) -> Result<Engine> {
        let reader = store
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .with_context(|| {
                format!(
                    "cannot read the index in {}",
                    crate::display_path(&store.dir)
                )
            })?;
        Ok(Engine {
            fields: store.fields,
            reader,
            seeds_shown: shown_from_cwd(seeds),
        })
    }

    /// Number of passages in the index.
    pub fn num_passages(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs one query.
    ///
    /// # Errors
    /// [`SearchError::Query`] when the query is malformed; [`SearchError::Index`] when the
    /// index cannot be read.
    pub fn search(&self, request: &Request) -> Result<Results, SearchError> {
        let parsed = query::parse(&request.query)?;
        let searcher = self.reader.searcher();
        let mut compiler = Compiler::new(&self.fields, &searcher);
        let compiled = compiler.clauses(&parsed.clauses, false)?;
        let Some(compiled) = compiled else {
            return Err(QueryError {
                message: "the query has no words to search for".into(),
                column: None,
            }
            .into());
        };
        let mut warnings = parsed.warnings;
        warnings.append(&mut compiler.warnings);
        let query: Box<dyn TQuery> = if request.include_boilerplate {
            compiled
        } else {
            let boiler = Term::from_field_u64(self.fields.boilerplate, 1);
            Box::new(BooleanQuery::new(vec![
                (TOccur::Must, compiled),
                (
                    TOccur::MustNot,
                    Box::new(TermQuery::new(boiler, IndexRecordOption::Basic)),
                ),
            ]))
        };
        let top = TopDocs::with_limit(request.limit.max(1))
            .and_offset(request.offset)
            .order_by_score();
        let (top_docs, total_hits) = searcher.search(&query, &(top, Count))?;
        let highlighter = compiler.highlighter();
        let mut hits = Vec::with_capacity(top_docs.len());
        for (i, (score, address)) in top_docs.into_iter().enumerate() {
            let hit = self
                .hit(&searcher, address, score, &highlighter)
                .map_err(SearchError::Index)?;
            hits.push(Hit {
                rank: request.offset + i + 1,
                ..hit
            });
        }
        Ok(Results {
            query: request.query.clone(),
            total_hits,
            hits,
            warnings,
        })
    }

    fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        highlighter: &Highlighter,
    ) -> Result<Hit> {
        let doc: TantivyDocument = searcher
            .doc(address)
            .context("cannot read a passage from the index")?;
        let f = &self.fields;
        let text_of = |field: Field| -> Option<String> {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        let num_of = |field: Field| -> u32 {
            doc.get_first(field)
                .and_then(|v| v.as_u64())
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0)
        };
        let doc_ids: Vec<String> = doc
            .get_all(f.doc)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let rels: Vec<String> = doc
            .get_all(f.path)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let mut sources = doc_ids.into_iter().zip(rels).map(|(doc_id, rel)| Source {
            doc_id,
            path: crate::display_path(&self.seeds_shown.join(rel)),
        });
        let first = sources.next().unwrap_or(Source {
            doc_id: String::new(),
            path: String::new(),
        });
        let text = text_of(f.text).unwrap_or_default();
        let title = text_of(f.title).unwrap_or_default();
        let Snippet {
            text: snippet,
            highlights,
        } = highlighter.snippet(&text, SNIPPET_CHARS);
        let title_highlights = highlighter.snippet(&title, usize::MAX).highlights;
        let metadata = text_of(f.meta)
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        Ok(Hit {
            rank: 0,
            score,
            doc_id: first.doc_id,
            path: first.path,
            title,
            section: text_of(f.section),
            passage: num_of(f.passage),
            line_start: num_of(f.line_start),
            line_end: num_of(f.line_end),
            boilerplate: num_of(f.boilerplate) == 1,
            text,
            snippet,
            highlights,
            metadata,
            also_in: sources.collect(),
            title_highlights,
        })
    }
}

/// `path` relative to the current directory when it lies below it, else as it is.
fn shown_from_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .filter(|rel| !rel.as_os_str().is_empty())
        .unwrap_or_else(|| path.to_path_buf())
}

/// Turns query syntax trees into tantivy queries, collecting what to highlight.
struct Compiler<'a> {
    fields: &'a Fields,
    searcher: &'a Searcher,
    stemmed: TextAnalyzer,
    unstemmed: TextAnalyzer,
    highlight_terms: HashSet<String>,
    highlight_prefixes: Vec<String>,
    warnings: Vec<String>,
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
    fn new(fields: &'a Fields, searcher: &'a Searcher) -> Self {
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

    fn highlighter(&self) -> Highlighter {
        Highlighter::new(
            self.highlight_terms.clone(),
            self.highlight_prefixes.clone(),
        )
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

    fn clauses(
        &mut self,
        clauses: &[Clause],
        negated: bool,
    ) -> Result<Option<Box<dyn TQuery>>, SearchError> {
        let mut parts: Vec<(TOccur, Box<dyn TQuery>)> = Vec::new();
        for clause in clauses {
            let excluded = negated || clause.occur == Occur::MustNot;
            let Some(mut q) = self.node(&clause.node, excluded)? else {
                continue;
            };
            if let Some(boost) = clause.boost {
                q = Box::new(BoostQuery::new(q, boost));
            }
            let occur = match clause.occur {
                Occur::Should => TOccur::Should,
                Occur::Must => TOccur::Must,
                Occur::MustNot => TOccur::MustNot,
            };
            parts.push((occur, q));
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
                                terms_query(f, &terms).map(|q| (TOccur::Should, boosted(q, boost)))
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
                        let next = tantivy::DateTime::from_timestamp_secs(
                            day.into_timestamp_secs() + 86_400,
                        );
                        Ok(Some(Box::new(RangeQuery::new(
                            StdBound::Included(Term::from_field_date(f, day)),
                            StdBound::Excluded(Term::from_field_date(f, next)),
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
                Ok(Some(Box::new(RangeQuery::new(
                    bound(lower)?,
                    bound(upper)?,
                ))))
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
        q.set_max_expansions(MAX_PREFIX_EXPANSIONS as u32);
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
        if found.len() > MAX_PREFIX_EXPANSIONS {
            for entry in &mut found {
                entry.0 = self
                    .searcher
                    .doc_freq(&Term::from_field_text(field, &entry.1))?;
            }
            found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            found.truncate(MAX_PREFIX_EXPANSIONS);
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

//! Query → ranked [`Hit`]s.
//!
//! A search compiles the parsed query ([`compile`]), collects a few more candidate passages
//! than it needs by BM25 (or by date), orders them deterministically (score, then doc_id
//! and passage), folds passages with the same text into one hit listing every source,
//! applies `--per-doc`, and only then reads the stored passages it will show and builds
//! their snippets. Boilerplate is left out unless asked for: passages the splitter marked,
//! and paragraphs repeated across unrelated articles (see [`crate::indexer`]).

mod collect;
pub mod compile;
mod coverage;
mod explain;
pub mod facets;
mod options;
pub mod rank;
pub mod stats;

pub use explain::Explanation;
pub use facets::{Facet, FacetCount, Facets};
pub use options::{
    deserialize_facets, parse_facets, sort_by, Options, MAX_ARTICLE_PASSAGES, MAX_LIMIT,
};

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use std::ops::Bound;
use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::{Column, StrColumn};

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur as TOccur, Query as TQuery,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, IndexReader, Searcher, SegmentReader, Term};

use crate::paths::shown_from_cwd;
use crate::query::{self, FieldName, QueryError};
use crate::schema::{self, names, Fields, StoredPassage};
use crate::snippet::{Highlighter, Snippet};
use crate::store::{Payload, Repeated};
use collect::{Counted, Every, Tally};
use compile::{Compiler, Places};
use coverage::Coverage;
use explain::Explainer;
use facets::FacetCollector;
use rank::{Arrangement, Candidate, Group};
use stats::LiveStats;

/// How many of the best passages by BM25 are re-ranked by coverage, at least.
const RERANK_DEPTH: usize = 100;

/// Longest snippet, in characters.
pub const SNIPPET_CHARS: usize = 280;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    /// Best BM25 score first.
    #[default]
    Score,
    /// Newest article first (by front-matter `date`; undated articles last), then score.
    Date,
}

/// What to search for and how to shape the answer.
#[derive(Debug, Clone)]
pub struct Request {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub include_boilerplate: bool,
    /// Show a paragraph found in several articles once, listing its sources.
    pub collapse: bool,
    /// At most this many hits per article.
    pub per_doc: Option<usize>,
    pub sort: SortBy,
    /// One result per article, ranked by its best passage, with up to this many of its
    /// matching passages (`--articles`).
    pub articles: Option<usize>,
    /// Count matching articles and passages under each value of these (`--facets`).
    pub facets: Vec<Facet>,
    /// Say how each hit's score was made (`--explain`).
    pub explain: bool,
    /// Passages like another (`similar`, `--like`); the query's words, if any, must match
    /// too.
    pub like: Option<Like>,
    /// Only passages whose text entered the collection after this sync generation
    /// (what a saved search has not seen yet).
    pub newer_than: Option<u64>,
}

/// What "like this passage" means for a search: its distinctive words, and the articles
/// to leave out (the passage's own, and its copies).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Like {
    /// Stemmed terms with their weights.
    pub terms: Vec<(String, f32)>,
    /// Article keys left out.
    pub exclude: Vec<u64>,
}

impl Request {
    /// A request with the defaults of the command line.
    pub fn new(query: impl Into<String>) -> Request {
        Request {
            query: query.into(),
            limit: 10,
            offset: 0,
            include_boilerplate: false,
            collapse: true,
            per_doc: None,
            sort: SortBy::Score,
            articles: None,
            facets: Vec::new(),
            explain: false,
            like: None,
            newer_than: None,
        }
    }

    /// Reads a fuzzing input: the first byte chooses the options, the rest is the query.
    /// The `search` fuzz target and the test that replays its findings both read inputs
    /// through this, so a saved crash replays exactly as it was found.
    #[doc(hidden)]
    pub fn from_fuzz_input(data: &[u8]) -> Option<Request> {
        let (&flags, rest) = data.split_first()?;
        Some(Request {
            include_boilerplate: flags & 1 != 0,
            collapse: flags & 2 == 0,
            sort: if flags & 4 != 0 {
                SortBy::Date
            } else {
                SortBy::Score
            },
            per_doc: (flags & 8 != 0).then_some(usize::from(flags >> 6)),
            offset: usize::from((flags >> 4) & 3),
            limit: if flags & 0x80 != 0 { usize::MAX } else { 10 },
            ..Request::new(String::from_utf8_lossy(rest).into_owned())
        })
    }
}

/// Another place a hit's text is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub doc_id: String,
    pub path: String,
    pub passage: u32,
    pub line_start: u32,
    pub line_end: u32,
}

/// One matching passage.
#[derive(Debug, Clone)]
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
    /// Other files with this passage: copies of the article, and other articles with the
    /// same paragraph.
    pub also_in: Vec<Source>,
    /// `[start, end)` character offsets of the matched words in `title`.
    pub title_highlights: Vec<[usize; 2]>,
    /// The same in `section`.
    pub section_highlights: Vec<[usize; 2]>,
    /// The passage stands for an article whose headline matches while none of its
    /// passages does (it is the article's lead passage).
    pub headline_only: bool,
    /// How the score was made (with `--explain`).
    pub explanation: Option<Explanation>,
    /// Where the first matched word stands in the file: line (1-based) and byte column
    /// (1-based) (for `--vimgrep`).
    pub first_match: Option<(u32, usize)>,
}

/// One article that matched, in the article view (`--articles`).
#[derive(Debug, Clone)]
pub struct ArticleHit {
    pub rank: usize,
    /// The score of its best passage.
    pub score: f32,
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub title_highlights: Vec<[usize; 2]>,
    pub metadata: BTreeMap<String, String>,
    /// Other files with the same article.
    pub also_in: Vec<Source>,
    /// How many of its passages matched.
    pub matching_passages: usize,
    /// Its best matching passages, in the order they stand in the article.
    pub passages: Vec<Hit>,
}

/// The answer to one query.
#[derive(Debug, Clone)]
pub struct Results {
    pub query: String,
    /// Results paging can reach: matching passages once duplicates are folded and
    /// `--per-doc` applied (with both, an estimate: see `collect.rs`).
    pub total_hits: usize,
    /// Passages that matched (headline-only articles count once, by their lead passage).
    pub matched_passages: usize,
    /// Articles with a passage (or headline) that matched.
    pub matched_articles: usize,
    /// The matching passages (empty in the article view).
    pub hits: Vec<Hit>,
    /// The matching articles, in the article view (`--articles`); `total_hits` then
    /// counts articles.
    pub articles: Option<Vec<ArticleHit>>,
    /// Counts under each facet value, when asked for.
    pub facets: Option<Facets>,
    /// Notes about the query (syntax read as plain words, a filter on a field no article
    /// has), for stderr and the JSON.
    pub warnings: Vec<String>,
    /// Query words that match nothing in the index, as typed.
    pub unmatched: Vec<String>,
    /// Words of the index close to those, when the results are empty or thin.
    pub suggestions: Vec<Suggestion>,
    /// Matching passages left out as boilerplate (counted when the results are thin;
    /// `--include-boilerplate` shows them).
    pub hidden_boilerplate: usize,
}

impl Results {
    /// Whether anything was found (for the exit status).
    pub fn found(&self) -> bool {
        !self.hits.is_empty() || self.articles.as_ref().is_some_and(|a| !a.is_empty())
    }
}

/// Words of the index a misspelled query word may have meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The query word, as typed.
    pub word: String,
    /// Words as they appear in the articles, the most frequent first.
    pub did_you_mean: Vec<String>,
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

/// An index opened for searching (cheap to clone: clones share the reader).
#[derive(Clone)]
pub struct Engine {
    fields: Fields,
    reader: IndexReader,
    /// The seeds folder as paths should be shown from the current directory.
    seeds_shown: PathBuf,
    /// The seeds folder, absolute (for `doc:` values that are absolute paths).
    seeds_root: PathBuf,
    /// Paragraphs repeated across unrelated articles (boilerplate).
    repeated: Repeated,
}

impl Engine {
    /// An engine over `reader` (on an index with these fields), with the state of the
    /// commit it reads.
    pub fn new(reader: IndexReader, fields: Fields, payload: &Payload) -> Engine {
        Engine {
            fields,
            reader,
            seeds_shown: shown_from_cwd(&payload.seeds),
            seeds_root: payload.seeds.clone(),
            repeated: payload.repeated.clone(),
        }
    }

    /// Runs one query.
    ///
    /// # Errors
    /// [`SearchError::Query`] when the query is malformed or a filter value cannot be read;
    /// [`SearchError::Index`] when the index cannot be read.
    pub fn search(&self, request: &Request) -> Result<Results, SearchError> {
        let searcher = self.reader.searcher();
        let stats = LiveStats::new(&searcher, &self.fields);
        let places = Places {
            shown: &self.seeds_shown,
            root: &self.seeds_root,
        };
        let mut compiler = Compiler::new(&self.fields, &searcher, places);
        let mut warnings = Vec::new();
        let compiled = if request.query.trim().is_empty() && request.like.is_some() {
            None
        } else {
            let parsed = query::parse(&request.query)?;
            warnings = parsed.warnings;
            let Some(compiled) = compiler.compile(&parsed.clauses)? else {
                return Err(QueryError::new("the query has no words to search for").into());
            };
            Some(compiled)
        };
        warnings.append(&mut compiler.warnings);
        let (words, headlines, mut parts, headline_parts) = match compiled {
            Some(c) => (Some(c.passages), c.headlines, c.parts, c.headline_parts),
            None => (None, None, Vec::new(), Vec::new()),
        };
        let mut restrictions: Vec<(TOccur, Box<dyn TQuery>)> = Vec::new();
        if let Some(like) = &request.like {
            let similar = self.like_query(like);
            parts.insert(0, ("words like the passage's".into(), similar.box_clone()));
            restrictions.push((TOccur::Must, similar));
            for &article in &like.exclude {
                restrictions.push((
                    TOccur::MustNot,
                    Box::new(TermQuery::new(
                        Term::from_field_u64(self.fields.article, article),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        if let Some(generation) = request.newer_than {
            restrictions.push((
                TOccur::Must,
                Box::new(ConstScoreQuery::new(
                    Box::new(RangeQuery::new(
                        Bound::Excluded(Term::from_field_u64(self.fields.first_seen, generation)),
                        Bound::Unbounded,
                    )),
                    0.0,
                )),
            ));
        }
        let restrict = |q: Option<Box<dyn TQuery>>| -> Option<Box<dyn TQuery>> {
            if restrictions.is_empty() {
                return q;
            }
            let mut all: Vec<(TOccur, Box<dyn TQuery>)> = restrictions
                .iter()
                .map(|(o, r)| (*o, r.box_clone()))
                .collect();
            if let Some(q) = q {
                all.push((TOccur::Must, q));
            }
            Some(Box::new(BooleanQuery::new(all)))
        };
        let Some(everything) = restrict(words) else {
            return Err(QueryError::new("the query has no words to search for").into());
        };
        let query = self.without_boilerplate(everything.box_clone(), request.include_boilerplate);
        let headlines = if request.like.is_some() {
            None
        } else {
            restrict(headlines).map(|q| self.without_boilerplate(q, request.include_boilerplate))
        };

        // Articles whose headline matches, by their lead passage; those with no passage
        // that matches stand in the results, once each.
        let mut columns = Columns::default();
        let coverage = Coverage::new(&stats, &self.fields, &compiler.terms, &compiler.joined)?;
        let mut headline_leads: Vec<Candidate> = Vec::new();
        if let Some(headlines) = &headlines {
            let found = searcher.search_with_statistics_provider(headlines, &Every, &stats)?;
            for (score, address) in found {
                headline_leads.push(columns.candidate(&searcher, address, 0, score)?);
            }
            coverage.apply(&searcher, &mut headline_leads)?;
        }
        let articles_mode = request.articles.is_some();
        let (mut tally, facets) = if request.facets.is_empty() {
            let seen = searcher.search_with_statistics_provider(&query, &Tally, &stats)?;
            (seen, None)
        } else {
            let facet_counter = FacetCollector {
                facets: request.facets.clone(),
                collapse: request.collapse,
            };
            let (seen, facets) = searcher.search_with_statistics_provider(
                &query,
                &(Tally, facet_counter),
                &stats,
            )?;
            (seen, Some(facets))
        };
        let matched = tally.len();
        if !headline_leads.is_empty() {
            let with_passages: HashSet<u64> = tally.iter().map(|c| c.article).collect();
            headline_leads.retain(|c| !with_passages.contains(&c.article));
        }
        if request.sort == SortBy::Date {
            for lead in &mut headline_leads {
                lead.date = columns.date(&searcher, lead.address)?;
            }
        }
        tally.extend(headline_leads.iter().map(|c| Counted {
            article: c.article,
            phash: c.phash,
        }));
        let mut per_article: HashMap<u64, usize> = HashMap::new();
        for c in &tally {
            *per_article.entry(c.article).or_default() += 1;
        }
        let matched_articles = per_article.len();
        let counts = if articles_mode {
            collect::Counts {
                passages: tally.len(),
                results: per_article.len(),
            }
        } else {
            collect::count(tally, request.collapse, request.per_doc)
        };
        // In the article view, an article is one result whatever its passages.
        let arrangement = if articles_mode {
            Arrangement {
                collapse: false,
                per_doc: Some(1),
            }
        } else {
            Arrangement {
                collapse: request.collapse,
                per_doc: request.per_doc,
            }
        };

        let wanted = request.offset.saturating_add(request.limit);
        let max_candidates = matched.max(1);
        // Folding and --per-doc can shrink the candidates, and ties can straddle the cut:
        // fetch more until enough groups remain, growing by how much the last round shrank.
        let mut fetch = wanted
            .saturating_mul(2)
            .saturating_add(20)
            .max(if coverage.matters() { RERANK_DEPTH } else { 0 })
            .min(max_candidates);
        // A count (limit 0) needs no candidates.
        let groups = if wanted == 0 {
            Vec::new()
        } else {
            loop {
                let mut candidates =
                    self.candidates(&searcher, &stats, &mut columns, &query, fetch, request.sort)?;
                let exhausted = candidates.len() < fetch || fetch >= max_candidates;
                // No passage left out scores above the last one fetched (coverage only lowers
                // scores): while a result at the cut is not above it, fetch more.
                let cut_score = candidates
                    .iter()
                    .map(|c| (c.date, c.score))
                    .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.total_cmp(&b.1)));
                coverage.apply(&searcher, &mut candidates)?;
                candidates.extend(headline_leads.iter().cloned());
                rank::order(&mut candidates, |c| columns.doc_id(&searcher, c.address))?;
                let mut groups = rank::arrange(candidates, arrangement);
                let tied_at_cut = groups
                    .get(wanted.saturating_sub(1))
                    .zip(cut_score)
                    .is_some_and(|(g, cut)| (g.lead.date, g.lead.score) <= cut);
                if exhausted || (groups.len() >= wanted && !tied_at_cut) {
                    if request.per_doc.is_some() && !articles_mode {
                        groups = rank::together(groups);
                    }
                    break groups;
                }
                let shrink = fetch / groups.len().max(1);
                fetch = fetch
                    .saturating_mul(2)
                    .max(wanted.saturating_mul(shrink).saturating_mul(3) / 2)
                    .min(max_candidates);
            }
        };

        let highlighter = compiler.highlighter();
        let shown: Vec<Group> = groups
            .into_iter()
            .skip(request.offset)
            .take(request.limit)
            .collect();
        let is_headline_lead =
            |address: DocAddress| headline_leads.iter().any(|l| l.address == address);
        let explainer = Explainer {
            searcher: &searcher,
            stats: &stats,
            coverage: &coverage,
            parts: &parts,
            headline_parts: &headline_parts,
        };
        let mut hits = Vec::new();
        let mut articles = Vec::new();
        if let Some(per_article_shown) = request.articles {
            for (i, group) in shown.iter().enumerate() {
                let lead = &group.lead;
                let mut members = if is_headline_lead(lead.address) {
                    vec![lead.clone()]
                } else {
                    self.passages_of(
                        &searcher,
                        &stats,
                        &coverage,
                        &mut columns,
                        &query,
                        lead.article,
                        per_article_shown.max(1),
                    )?
                };
                members.sort_by_key(|c| c.passage);
                let mut passages = Vec::with_capacity(members.len());
                for member in &members {
                    let single = Group {
                        lead: member.clone(),
                        duplicates: Vec::new(),
                    };
                    let mut hit = self
                        .hit(
                            &searcher,
                            &mut columns,
                            &mut HashMap::new(),
                            &single,
                            &highlighter,
                        )
                        .map_err(SearchError::Index)?;
                    hit.headline_only = is_headline_lead(member.address);
                    if request.explain {
                        hit.explanation = Some(explainer.explain(member, hit.headline_only)?);
                    }
                    passages.push(hit);
                }
                let Some(first) = passages.first() else {
                    continue;
                };
                articles.push(ArticleHit {
                    rank: request.offset + i + 1,
                    score: lead.score,
                    doc_id: first.doc_id.clone(),
                    path: first.path.clone(),
                    title: first.title.clone(),
                    title_highlights: first.title_highlights.clone(),
                    metadata: first.metadata.clone(),
                    also_in: first
                        .also_in
                        .iter()
                        .filter(|s| s.passage == first.passage)
                        .cloned()
                        .collect(),
                    matching_passages: per_article.get(&lead.article).copied().unwrap_or(1),
                    passages,
                });
            }
        } else {
            // The files of every duplicate, resolved in one pass over each segment's column.
            let duplicates: Vec<DocAddress> = shown
                .iter()
                .flat_map(|g| g.duplicates.iter().map(|d| d.address))
                .collect();
            let mut files = columns
                .files_of(&searcher, &duplicates)
                .map_err(|e| SearchError::Index(e.into()))?;
            for (i, group) in shown.iter().enumerate() {
                let hit = self
                    .hit(&searcher, &mut columns, &mut files, group, &highlighter)
                    .map_err(SearchError::Index)?;
                let headline_only = is_headline_lead(group.lead.address);
                let explanation = if request.explain {
                    Some(explainer.explain(&group.lead, headline_only)?)
                } else {
                    None
                };
                hits.push(Hit {
                    rank: request.offset + i + 1,
                    headline_only,
                    explanation,
                    ..hit
                });
            }
        }

        // Explanations, for results that are empty or thin.
        let shown_count = if articles_mode {
            articles.len()
        } else {
            hits.len()
        };
        let thin = request.limit > 0 && shown_count < request.limit;
        let hidden_boilerplate = if thin && !request.include_boilerplate {
            let all = searcher.search_with_statistics_provider(&everything, &Count, &stats)?;
            all.saturating_sub(matched)
        } else {
            0
        };
        for field in &compiler.filters {
            if let Some(note) = self.empty_field_note(&searcher, *field)? {
                warnings.push(note);
            }
        }
        let suggestions = if thin {
            explain::suggestions(&searcher, &self.fields, &compiler.unmatched)
                .map_err(SearchError::Index)?
        } else {
            Vec::new()
        };
        Ok(Results {
            query: request.query.clone(),
            total_hits: counts.results,
            matched_passages: counts.passages,
            matched_articles,
            hits,
            articles: articles_mode.then_some(articles),
            facets,
            warnings,
            unmatched: compiler.unmatched,
            suggestions,
            hidden_boilerplate,
        })
    }

    /// The best `limit` matching passages of one article, by rank.
    #[allow(clippy::too_many_arguments)]
    fn passages_of(
        &self,
        searcher: &Searcher,
        stats: &LiveStats,
        coverage: &Coverage,
        columns: &mut Columns,
        query: &dyn TQuery,
        article: u64,
        limit: usize,
    ) -> Result<Vec<Candidate>, SearchError> {
        let within: Box<dyn TQuery> = Box::new(BooleanQuery::new(vec![
            (TOccur::Must, query.box_clone()),
            (
                TOccur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(self.fields.article, article),
                    IndexRecordOption::Basic,
                )),
            ),
        ]));
        let found = searcher.search_with_statistics_provider(&within, &Every, stats)?;
        let mut candidates = Vec::with_capacity(found.len());
        for (score, address) in found {
            candidates.push(columns.candidate(searcher, address, 0, score)?);
        }
        coverage.apply(searcher, &mut candidates)?;
        rank::order(&mut candidates, |c| columns.doc_id(searcher, c.address))?;
        candidates.truncate(limit);
        Ok(candidates)
    }

    /// The query of passages like another: its distinctive words, each weighted.
    fn like_query(&self, like: &Like) -> Box<dyn TQuery> {
        let mut parts: Vec<(TOccur, Box<dyn TQuery>)> = Vec::new();
        for (term, weight) in &like.terms {
            for field in [self.fields.text, self.fields.section] {
                parts.push((
                    TOccur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, term),
                            IndexRecordOption::WithFreqs,
                        )),
                        *weight,
                    )),
                ));
            }
        }
        if parts.is_empty() {
            return Box::new(EmptyQuery);
        }
        Box::new(BooleanQuery::new(parts))
    }

    /// A warning when a filter names a field no article has (front matter without
    /// `date:`, say), so that an empty answer is not mistaken for "nothing matched".
    fn empty_field_note(
        &self,
        searcher: &Searcher,
        field: FieldName,
    ) -> Result<Option<String>, SearchError> {
        let (tantivy_field, what) = match field {
            FieldName::Date => (self.fields.date, "a front-matter `date`"),
            FieldName::Author => (self.fields.author, "a front-matter `author`"),
            FieldName::Source => (self.fields.source, "a front-matter `source`"),
            FieldName::Collection => (self.fields.collection, "a subfolder (collection)"),
            FieldName::Doc | FieldName::Title | FieldName::Section | FieldName::Text => {
                return Ok(None)
            }
        };
        for segment in searcher.segment_readers() {
            if segment.inverted_index(tantivy_field)?.terms().num_terms() > 0 {
                return Ok(None);
            }
        }
        Ok(Some(format!(
            "no article has {what}, so `{}:` matches nothing",
            field.as_str()
        )))
    }

    fn without_boilerplate(&self, query: Box<dyn TQuery>, include: bool) -> Box<dyn TQuery> {
        if include {
            return query;
        }
        let marked = Term::from_field_u64(self.fields.boilerplate, 1);
        let mut parts: Vec<(TOccur, Box<dyn TQuery>)> = vec![
            (TOccur::Must, query),
            (
                TOccur::MustNot,
                Box::new(TermQuery::new(marked, IndexRecordOption::Basic)),
            ),
        ];
        if !self.repeated.is_empty() {
            let terms = self
                .repeated
                .hashes()
                .iter()
                .map(|h| Term::from_field_u64(self.fields.phash, *h));
            // A few terms are cheaper as term queries than as a set intersected with the
            // whole term dictionary.
            let excluded: Box<dyn TQuery> = if self.repeated.len() <= 64 {
                Box::new(BooleanQuery::new(
                    terms
                        .map(|t| {
                            let q: Box<dyn TQuery> =
                                Box::new(TermQuery::new(t, IndexRecordOption::Basic));
                            (TOccur::Should, q)
                        })
                        .collect(),
                ))
            } else {
                Box::new(TermSetQuery::new(terms))
            };
            parts.push((TOccur::MustNot, excluded));
        }
        Box::new(BooleanQuery::new(parts))
    }

    /// The best `fetch` passages (by score, or by date then score), unordered.
    fn candidates(
        &self,
        searcher: &Searcher,
        stats: &LiveStats,
        columns: &mut Columns,
        query: &dyn TQuery,
        fetch: usize,
        sort: SortBy,
    ) -> Result<Vec<Candidate>, SearchError> {
        // (TopDocs, Count) goes through tantivy's unpruned path: the same passage scores
        // the same in every round, whatever the segments (pruning sums in another order).
        let top = TopDocs::with_limit(fetch.max(1));
        let found: Vec<(i64, f32, DocAddress)> = match sort {
            SortBy::Score => {
                let (docs, _) = searcher.search_with_statistics_provider(
                    query,
                    &(top.order_by_score(), Count),
                    stats,
                )?;
                docs.into_iter().map(|(s, a)| (0, s, a)).collect()
            }
            SortBy::Date => {
                let by_date = top.tweak_score(|segment: &SegmentReader| {
                    let dates = segment.fast_fields().date(names::DATE).ok();
                    move |doc, score| {
                        let date = dates
                            .as_ref()
                            .and_then(|c| c.first(doc))
                            .map_or(i64::MIN, |d| d.into_timestamp_secs());
                        (date, score)
                    }
                });
                let (docs, _) =
                    searcher.search_with_statistics_provider(query, &(by_date, Count), stats)?;
                docs.into_iter().map(|((d, s), a)| (d, s, a)).collect()
            }
        };
        let mut candidates = Vec::with_capacity(found.len());
        for (date, score, address) in found {
            candidates.push(columns.candidate(searcher, address, date, score)?);
        }
        Ok(candidates)
    }

    fn hit(
        &self,
        searcher: &Searcher,
        columns: &mut Columns,
        files: &mut HashMap<DocAddress, Vec<(String, String)>>,
        group: &Group,
        highlighter: &Highlighter,
    ) -> Result<Hit> {
        let stored = StoredPassage::read(searcher, &self.fields, group.lead.address)?;
        let mut sources = sources_of(&stored, &self.seeds_shown).into_iter();
        let first = sources.next();
        let mut also_in: Vec<Source> = sources.collect();
        for dup in &group.duplicates {
            let dup_files = files.remove(&dup.address).unwrap_or_default();
            also_in.extend(columns.sources(searcher, dup, dup_files, &self.seeds_shown)?);
        }
        let Snippet {
            text: snippet,
            highlights,
        } = highlighter.snippet(&stored.text, SNIPPET_CHARS);
        let title_highlights = highlighter.snippet(&stored.title, usize::MAX).highlights;
        let first_match = highlighter.ranges(&stored.text).first().map(|range| {
            let before = &stored.text[..range.start];
            let line = u32::try_from(before.matches('\n').count()).unwrap_or(u32::MAX);
            let column = range.start - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (stored.line_start.saturating_add(line), column)
        });
        let section_highlights = stored
            .section
            .as_deref()
            .map(|s| highlighter.snippet(s, usize::MAX).highlights)
            .unwrap_or_default();
        let first = first.unwrap_or(Source {
            doc_id: String::new(),
            path: String::new(),
            passage: stored.passage,
            line_start: stored.line_start,
            line_end: stored.line_end,
        });
        Ok(Hit {
            rank: 0,
            score: group.lead.score,
            doc_id: first.doc_id,
            path: first.path,
            title: stored.title,
            section: stored.section,
            passage: stored.passage,
            line_start: stored.line_start,
            line_end: stored.line_end,
            boilerplate: self
                .repeated
                .why(stored.boilerplate, group.lead.phash)
                .is_some(),
            text: stored.text,
            snippet,
            highlights,
            metadata: stored.metadata,
            also_in,
            title_highlights,
            section_highlights,
            headline_only: false,
            explanation: None,
            first_match,
        })
    }
}

/// Fast-field columns of one segment.
struct SegmentColumns {
    article: Column<u64>,
    phash: Column<u64>,
    passage: Column<u64>,
    doc_key: Column<u64>,
    line_start: Column<u64>,
    line_end: Column<u64>,
    sources: Option<StrColumn>,
}

/// Columns opened on demand, per segment.
#[derive(Default)]
struct Columns {
    segments: HashMap<u32, SegmentColumns>,
}

impl Columns {
    /// A matching passage with what ordering and folding need.
    fn candidate(
        &mut self,
        searcher: &Searcher,
        address: DocAddress,
        date: i64,
        score: f32,
    ) -> tantivy::Result<Candidate> {
        let cols = self.of(searcher, address.segment_ord)?;
        let doc = address.doc_id;
        Ok(Candidate {
            date,
            score,
            address,
            article: cols.article.first(doc).unwrap_or(0),
            phash: cols.phash.first(doc).unwrap_or(0),
            passage: cols.passage.first(doc).unwrap_or(0),
            doc_key: cols.doc_key.first(doc).unwrap_or(0),
        })
    }

    /// A passage's article date in seconds (`i64::MIN` when undated), as date order sorts.
    fn date(&mut self, searcher: &Searcher, address: DocAddress) -> tantivy::Result<i64> {
        let segment = searcher.segment_reader(address.segment_ord);
        let dates = segment.fast_fields().date(names::DATE)?;
        Ok(dates
            .first(address.doc_id)
            .map_or(i64::MIN, |d| d.into_timestamp_secs()))
    }

    fn of(&mut self, searcher: &Searcher, segment: u32) -> tantivy::Result<&SegmentColumns> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.segments.entry(segment) {
            let fast = searcher.segment_reader(segment).fast_fields();
            slot.insert(SegmentColumns {
                article: fast.u64(names::ARTICLE)?,
                phash: fast.u64(names::PHASH)?,
                passage: fast.u64(names::PASSAGE)?,
                doc_key: fast.u64(names::DOC_KEY)?,
                line_start: fast.u64(names::LINE_START)?,
                line_end: fast.u64(names::LINE_END)?,
                sources: fast.str(names::SOURCE_FILES)?,
            });
        }
        self.segments
            .get(&segment)
            .ok_or_else(|| tantivy::TantivyError::InternalError("segment columns".into()))
    }

    /// Every `(doc_id, path)` of the passage at `address`, primary first.
    fn files(
        &mut self,
        searcher: &Searcher,
        address: DocAddress,
    ) -> tantivy::Result<Vec<(String, String)>> {
        let cols = self.of(searcher, address.segment_ord)?;
        let mut out = Vec::new();
        if let Some(sources) = &cols.sources {
            let mut value = String::new();
            for ord in sources.term_ords(address.doc_id) {
                value.clear();
                sources.ord_to_str(ord, &mut value)?;
                if let Some((doc_id, path)) = value.split_once(schema::SOURCE_SEPARATOR) {
                    out.push((doc_id.to_string(), path.to_string()));
                }
            }
        }
        Ok(out)
    }

    fn doc_id(&mut self, searcher: &Searcher, address: DocAddress) -> tantivy::Result<String> {
        Ok(self
            .files(searcher, address)?
            .into_iter()
            .next()
            .map(|(doc_id, _)| doc_id)
            .unwrap_or_default())
    }

    /// The `(doc_id, path)` pairs of many passages, reading each segment's dictionary
    /// once, in order (one lookup per passage would decode a block each time).
    fn files_of(
        &mut self,
        searcher: &Searcher,
        addresses: &[DocAddress],
    ) -> std::io::Result<HashMap<DocAddress, Vec<(String, String)>>> {
        let mut by_segment: HashMap<u32, Vec<DocAddress>> = HashMap::new();
        for address in addresses {
            by_segment
                .entry(address.segment_ord)
                .or_default()
                .push(*address);
        }
        let mut out = HashMap::with_capacity(addresses.len());
        for (segment, docs) in by_segment {
            let cols = self.of(searcher, segment).map_err(std::io::Error::other)?;
            let Some(sources) = &cols.sources else {
                continue;
            };
            let per_doc: Vec<(DocAddress, Vec<u64>)> = docs
                .iter()
                .map(|a| (*a, sources.term_ords(a.doc_id).collect()))
                .collect();
            let mut ords: Vec<u64> = per_doc
                .iter()
                .flat_map(|(_, o)| o.iter().copied())
                .collect();
            ords.sort_unstable();
            ords.dedup();
            let mut values = Vec::with_capacity(ords.len());
            sources
                .dictionary()
                .sorted_ords_to_term_cb(&ords, |bytes| {
                    values.push(String::from_utf8_lossy(bytes).into_owned());
                })?;
            for (address, doc_ords) in per_doc {
                let files = doc_ords
                    .iter()
                    .filter_map(|ord| ords.binary_search(ord).ok().and_then(|i| values.get(i)))
                    .filter_map(|value| value.split_once(schema::SOURCE_SEPARATOR))
                    .map(|(doc_id, path)| (doc_id.to_string(), path.to_string()))
                    .collect();
                out.insert(address, files);
            }
        }
        Ok(out)
    }

    /// The sources of a duplicate passage, from fast fields only.
    fn sources(
        &mut self,
        searcher: &Searcher,
        candidate: &Candidate,
        files: Vec<(String, String)>,
        seeds_shown: &Path,
    ) -> Result<Vec<Source>> {
        let doc = candidate.address.doc_id;
        let (line_start, line_end) = {
            let cols = self.of(searcher, candidate.address.segment_ord)?;
            (
                cols.line_start.first(doc).unwrap_or(0),
                cols.line_end.first(doc).unwrap_or(0),
            )
        };
        let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok(files
            .into_iter()
            .map(|(doc_id, rel)| Source {
                doc_id,
                path: crate::paths::display_path(&seeds_shown.join(rel)),
                passage: narrow(candidate.passage),
                line_start: narrow(line_start),
                line_end: narrow(line_end),
            })
            .collect())
    }
}

/// Every file holding a stored passage, as shown from the current directory.
fn sources_of(stored: &StoredPassage, seeds_shown: &Path) -> Vec<Source> {
    stored
        .files
        .iter()
        .map(|(doc_id, rel)| Source {
            doc_id: doc_id.clone(),
            path: crate::paths::display_path(&seeds_shown.join(rel)),
            passage: stored.passage,
            line_start: stored.line_start,
            line_end: stored.line_end,
        })
        .collect()
}

#[cfg(test)]
mod tests;

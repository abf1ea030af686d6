//! JSON for scripts: the wire types, the only place the JSON schema is defined.
//!
//! Domain values ([`Results`], [`Report`], [`ArticleView`], ...) are converted into these
//! borrowed structs just before printing, so a field can change inside the program
//! without changing what scripts read. The integration tests parse the output into
//! structs that reject unknown keys, so the schema changes only on purpose.
//!
//! Every document starts with `"version": 1` ([`VERSION`]): the schema's version, raised
//! only when a change would break a script that reads the documents (a key removed or
//! changing meaning); new keys may appear within a version.
//!
//! `search --format json` prints one object per query:
//!
//! ```text
//! {"version": 1, "query": "drone", "total_hits": 12, "matched_passages": 14,
//!  "hits": [HIT, ...], "warnings": [], "unmatched": [], "suggestions": [],
//!  "hidden_boilerplate": 0}
//! ```
//!
//! `total_hits` counts the results paging can reach (passages once duplicates are folded
//! and `--per-doc` applied), `matched_passages` the passages that matched. `warnings` are
//! notes about the query (syntax read as plain words, a filter on a field no article
//! has); `unmatched` lists the query's words that match nothing in the index, and, when
//! the results are empty or thin, `suggestions` (`[{"word", "did_you_mean": [...]}]`) the
//! words of the index they may have meant and `hidden_boilerplate` the matches left out
//! as boilerplate.
//!
//! `--format jsonl` prints one HIT object per line (each with `version`). A HIT has these
//! keys, always, in this order: `rank` (1-based, counting from the first result even with
//! --offset), `score` (BM25, higher is better), `doc_id`, `path`, `title`, `section`
//! (string or null), `passage` (1-based ordinal in the article), `line_start`, `line_end`
//! (1-based, inclusive), `boilerplate` (bool), `headline_only` (the article's headline
//! matched and none of its passages did; this is its lead passage), `text` (the whole
//! passage), `snippet` (one line), `highlights`, `title_highlights`, `section_highlights`
//! (`[start, end)` pairs of character offsets into `snippet`, `title` and `section`),
//! `metadata` (front-matter keys to strings; `{}` when none) and `also_in` (other places
//! with the same passage: `[{"doc_id", "path", "passage", "line_start", "line_end"}]`).
//!
//! `search --batch` prints one such object per input line, or `{"version", "query",
//! "error"}` for a query that could not run. The other commands print one object each:
//! `index` its [`Report`] (`index --check` a [`SoundnessJson`]), `add` `{added, already_there, index}`, `remove` `{removed,
//! index}`, `list` `{articles}` (JSON Lines: one article per line), `show` the article
//! with its passages (JSON Lines: one passage per line), `stats` the index figures.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::article::Why;
use crate::catalog::{ArticleView, Entry, FileRef, PassageView, Stats};
use crate::collection::{AddReport, Added, AlreadyThere, RemoveReport, Removed};
use crate::corpus::Problem;
use crate::indexer::Report;
use crate::search::{ArticleHit, Explanation, Facets, Hit, Results, Source, Suggestion};
use crate::store::Soundness;

/// The version of the JSON schema every document carries.
pub const VERSION: u32 = 1;

/// Writes any wire value as one line of JSON.
///
/// # Errors
/// On write errors (a closed pipe included).
pub fn line(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// The answer to one query.
#[derive(Serialize)]
pub struct ResultsJson<'a> {
    pub version: u32,
    pub query: &'a str,
    pub total_hits: usize,
    pub matched_passages: usize,
    pub matched_articles: usize,
    pub hits: Vec<HitJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub articles: Option<Vec<ArticleHitJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<BTreeMap<&'static str, Vec<FacetCountJson<'a>>>>,
    pub warnings: &'a [String],
    pub unmatched: &'a [String],
    pub suggestions: Vec<SuggestionJson<'a>>,
    pub hidden_boilerplate: usize,
}

impl<'a> From<&'a Results> for ResultsJson<'a> {
    fn from(r: &'a Results) -> Self {
        ResultsJson {
            version: VERSION,
            query: &r.query,
            total_hits: r.total_hits,
            matched_passages: r.matched_passages,
            matched_articles: r.matched_articles,
            hits: r.hits.iter().map(HitJson::from).collect(),
            articles: r
                .articles
                .as_ref()
                .map(|a| a.iter().map(ArticleHitJson::from).collect()),
            facets: r.facets.as_ref().map(facets_json),
            warnings: &r.warnings,
            unmatched: &r.unmatched,
            suggestions: suggestions_json(&r.suggestions),
            hidden_boilerplate: r.hidden_boilerplate,
        }
    }
}

/// `count --format json`.
#[derive(Serialize)]
pub struct CountJson<'a> {
    pub version: u32,
    pub query: &'a str,
    pub matched_passages: usize,
    pub matched_articles: usize,
    pub total_hits: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub facets: Option<BTreeMap<&'static str, Vec<FacetCountJson<'a>>>>,
    pub warnings: &'a [String],
    pub unmatched: &'a [String],
}

impl<'a> From<&'a Results> for CountJson<'a> {
    fn from(r: &'a Results) -> Self {
        CountJson {
            version: VERSION,
            query: &r.query,
            matched_passages: r.matched_passages,
            matched_articles: r.matched_articles,
            total_hits: r.total_hits,
            facets: r.facets.as_ref().map(facets_json),
            warnings: &r.warnings,
            unmatched: &r.unmatched,
        }
    }
}

/// Counts under each facet value.
#[derive(Serialize)]
pub struct FacetCountJson<'a> {
    pub value: &'a str,
    pub articles: usize,
    pub passages: usize,
}

/// `{"collection": [{value, articles, passages}], "month": [...]}`.
pub fn facets_json(facets: &Facets) -> BTreeMap<&'static str, Vec<FacetCountJson<'_>>> {
    facets
        .iter()
        .map(|(facet, counts)| {
            (
                facet.as_str(),
                counts
                    .iter()
                    .map(|c| FacetCountJson {
                        value: &c.value,
                        articles: c.articles,
                        passages: c.passages,
                    })
                    .collect(),
            )
        })
        .collect()
}

/// One article of the article view: its best passages in article order.
#[derive(Serialize)]
pub struct ArticleHitJson<'a> {
    pub rank: usize,
    pub score: f32,
    pub doc_id: &'a str,
    pub path: &'a str,
    pub title: &'a str,
    pub title_highlights: &'a [[usize; 2]],
    pub metadata: &'a BTreeMap<String, String>,
    pub also_in: Vec<SourceJson<'a>>,
    pub matching_passages: usize,
    pub passages: Vec<HitJson<'a>>,
}

impl<'a> From<&'a ArticleHit> for ArticleHitJson<'a> {
    fn from(a: &'a ArticleHit) -> Self {
        ArticleHitJson {
            rank: a.rank,
            score: a.score,
            doc_id: &a.doc_id,
            path: &a.path,
            title: &a.title,
            title_highlights: &a.title_highlights,
            metadata: &a.metadata,
            also_in: a.also_in.iter().map(SourceJson::from).collect(),
            matching_passages: a.matching_passages,
            passages: a.passages.iter().map(HitJson::from).collect(),
        }
    }
}

/// How a score was made: `{value, description, details: [...]}`, the details adding up
/// (or, under a product, multiplying) to the value.
#[derive(Serialize)]
pub struct ExplanationJson<'a> {
    pub value: f32,
    pub description: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ExplanationJson<'a>>,
}

impl<'a> From<&'a Explanation> for ExplanationJson<'a> {
    fn from(e: &'a Explanation) -> Self {
        ExplanationJson {
            value: e.value,
            description: &e.description,
            details: e.details.iter().map(ExplanationJson::from).collect(),
        }
    }
}

/// Words of the index a query word that matches nothing may have meant.
#[derive(Serialize)]
pub struct SuggestionJson<'a> {
    pub word: &'a str,
    pub did_you_mean: &'a [String],
}

fn suggestions_json(suggestions: &[Suggestion]) -> Vec<SuggestionJson<'_>> {
    suggestions
        .iter()
        .map(|s| SuggestionJson {
            word: &s.word,
            did_you_mean: &s.did_you_mean,
        })
        .collect()
}

/// One matching passage (with `version` when it is a document of its own, in JSON Lines).
#[derive(Serialize)]
pub struct HitJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    pub rank: usize,
    pub score: f32,
    pub doc_id: &'a str,
    pub path: &'a str,
    pub title: &'a str,
    pub section: Option<&'a str>,
    pub passage: u32,
    pub line_start: u32,
    pub line_end: u32,
    pub boilerplate: bool,
    pub headline_only: bool,
    pub text: &'a str,
    pub snippet: &'a str,
    pub highlights: &'a [[usize; 2]],
    pub title_highlights: &'a [[usize; 2]],
    pub section_highlights: &'a [[usize; 2]],
    pub metadata: &'a BTreeMap<String, String>,
    pub also_in: Vec<SourceJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<ExplanationJson<'a>>,
}

impl<'a> HitJson<'a> {
    /// The hit as a JSON Lines document.
    pub fn line(hit: &'a Hit) -> Self {
        HitJson {
            version: Some(VERSION),
            ..HitJson::from(hit)
        }
    }
}

impl<'a> From<&'a Hit> for HitJson<'a> {
    fn from(h: &'a Hit) -> Self {
        HitJson {
            version: None,
            rank: h.rank,
            score: h.score,
            doc_id: &h.doc_id,
            path: &h.path,
            title: &h.title,
            section: h.section.as_deref(),
            passage: h.passage,
            line_start: h.line_start,
            line_end: h.line_end,
            boilerplate: h.boilerplate,
            headline_only: h.headline_only,
            text: &h.text,
            snippet: &h.snippet,
            highlights: &h.highlights,
            title_highlights: &h.title_highlights,
            section_highlights: &h.section_highlights,
            metadata: &h.metadata,
            also_in: h.also_in.iter().map(SourceJson::from).collect(),
            explanation: h.explanation.as_ref().map(ExplanationJson::from),
        }
    }
}

/// Another place with the same passage.
#[derive(Serialize)]
pub struct SourceJson<'a> {
    pub doc_id: &'a str,
    pub path: &'a str,
    pub passage: u32,
    pub line_start: u32,
    pub line_end: u32,
}

impl<'a> From<&'a Source> for SourceJson<'a> {
    fn from(s: &'a Source) -> Self {
        SourceJson {
            doc_id: &s.doc_id,
            path: &s.path,
            passage: s.passage,
            line_start: s.line_start,
            line_end: s.line_end,
        }
    }
}

/// An error answered by the HTTP API (`seedsearch serve`).
#[derive(Serialize)]
pub struct ErrorJson<'a> {
    pub version: u32,
    pub error: &'a str,
}

/// `GET /api/status` of `seedsearch serve`.
#[derive(Serialize)]
pub struct StatusJson<'a> {
    pub version: u32,
    pub seeds: &'a Path,
    pub index: &'a Path,
    pub generation: u64,
    pub last_changed: Option<&'a str>,
    pub files: u64,
    pub articles: u64,
    pub passages: u64,
    pub watching: bool,
    pub allow_writes: bool,
}

impl<'a> From<&'a crate::serve::Status> for StatusJson<'a> {
    fn from(s: &'a crate::serve::Status) -> Self {
        StatusJson {
            version: VERSION,
            seeds: &s.seeds,
            index: &s.index,
            generation: s.generation,
            last_changed: s.last_changed.as_deref(),
            files: s.files,
            articles: s.articles,
            passages: s.passages,
            watching: s.watching,
            allow_writes: s.allow_writes,
        }
    }
}

/// A batch line whose query could not run.
#[derive(Serialize)]
pub struct FailedJson<'a> {
    pub version: u32,
    pub query: &'a str,
    pub error: &'a str,
}

/// What a sync did (`index`, and inside the `add` and `remove` reports, without
/// `version`).
#[derive(Serialize)]
pub struct ReportJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub files: u64,
    pub articles: u64,
    pub passages: u64,
    pub passages_written: u64,
    pub committed: bool,
    pub seeds: &'a Path,
    pub previous_seeds: Option<&'a Path>,
    pub warnings: Vec<ProblemJson<'a>>,
    pub alerts: Vec<AlertJson<'a>>,
}

/// A saved search's new matches in a sync.
#[derive(Serialize)]
pub struct AlertJson<'a> {
    pub search: &'a str,
    pub passages: usize,
    pub articles: Vec<AlertArticleJson<'a>>,
}

#[derive(Serialize)]
pub struct AlertArticleJson<'a> {
    pub doc_id: &'a str,
    pub path: &'a str,
    pub passages: usize,
}

impl<'a> From<&'a Report> for ReportJson<'a> {
    fn from(r: &'a Report) -> Self {
        ReportJson {
            version: None,
            added: r.added,
            updated: r.updated,
            removed: r.removed,
            unchanged: r.unchanged,
            skipped: r.skipped,
            files: r.files,
            articles: r.articles,
            passages: r.passages,
            passages_written: r.passages_written,
            committed: r.committed,
            seeds: &r.seeds,
            previous_seeds: r.previous_seeds.as_deref(),
            warnings: r.warnings.iter().map(ProblemJson::from).collect(),
            alerts: r
                .alerts
                .iter()
                .map(|a| AlertJson {
                    search: &a.search,
                    passages: a.passages,
                    articles: a
                        .articles
                        .iter()
                        .map(|(doc_id, path, passages)| AlertArticleJson {
                            doc_id,
                            path,
                            passages: *passages,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A problem with one file.
#[derive(Serialize)]
pub struct ProblemJson<'a> {
    pub path: &'a str,
    pub message: &'a str,
}

impl<'a> From<&'a Problem> for ProblemJson<'a> {
    fn from(p: &'a Problem) -> Self {
        ProblemJson {
            path: &p.path,
            message: &p.message,
        }
    }
}

/// `add --format json`.
#[derive(Serialize)]
pub struct AddJson<'a> {
    pub version: u32,
    pub added: Vec<AddedJson<'a>>,
    pub already_there: Vec<AlreadyThereJson<'a>>,
    pub index: Option<ReportJson<'a>>,
}

#[derive(Serialize)]
pub struct AddedJson<'a> {
    pub from: &'a str,
    pub path: &'a str,
    pub doc_id: Option<&'a str>,
}

#[derive(Serialize)]
pub struct AlreadyThereJson<'a> {
    pub from: &'a str,
    pub path: &'a str,
}

impl<'a> From<&'a AddReport> for AddJson<'a> {
    fn from(r: &'a AddReport) -> Self {
        AddJson {
            version: VERSION,
            added: r
                .added
                .iter()
                .map(|a: &'a Added| AddedJson {
                    from: &a.from,
                    path: &a.path,
                    doc_id: a.doc_id.as_deref(),
                })
                .collect(),
            already_there: r
                .already_there
                .iter()
                .map(|a: &'a AlreadyThere| AlreadyThereJson {
                    from: &a.from,
                    path: &a.path,
                })
                .collect(),
            index: r.index.as_ref().map(ReportJson::from),
        }
    }
}

/// `remove --format json`.
#[derive(Serialize)]
pub struct RemoveJson<'a> {
    pub version: u32,
    pub removed: Vec<RemovedJson<'a>>,
    pub index: ReportJson<'a>,
}

#[derive(Serialize)]
pub struct RemovedJson<'a> {
    pub doc_id: &'a str,
    pub path: &'a str,
}

impl<'a> From<&'a RemoveReport> for RemoveJson<'a> {
    fn from(r: &'a RemoveReport) -> Self {
        RemoveJson {
            version: VERSION,
            removed: r
                .removed
                .iter()
                .map(|r: &'a Removed| RemovedJson {
                    doc_id: &r.doc_id,
                    path: &r.path,
                })
                .collect(),
            index: ReportJson::from(&r.index),
        }
    }
}

/// `list --format json`.
#[derive(Serialize)]
pub struct ListJson<'a> {
    pub version: u32,
    pub articles: Vec<EntryJson<'a>>,
}

/// One indexed file (with `version` when it is a document of its own, in JSON Lines).
#[derive(Serialize)]
pub struct EntryJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    pub doc_id: &'a str,
    pub path: &'a str,
    pub title: &'a str,
    pub passages: u32,
    pub metadata: &'a BTreeMap<String, String>,
    pub same_as: &'a [String],
}

impl<'a> From<&'a Entry> for EntryJson<'a> {
    fn from(e: &'a Entry) -> Self {
        EntryJson {
            version: None,
            doc_id: &e.doc_id,
            path: &e.path,
            title: &e.title,
            passages: e.passages,
            metadata: &e.metadata,
            same_as: &e.same_as,
        }
    }
}

/// `show --format json`.
#[derive(Serialize)]
pub struct ArticleJson<'a> {
    pub version: u32,
    pub doc_id: &'a str,
    pub path: &'a str,
    pub title: &'a str,
    pub metadata: &'a BTreeMap<String, String>,
    pub also_in: Vec<FileRefJson<'a>>,
    pub total_passages: u32,
    pub passages: Vec<PassageJson<'a>>,
}

#[derive(Serialize)]
pub struct FileRefJson<'a> {
    pub doc_id: &'a str,
    pub path: &'a str,
}

impl<'a> From<&'a FileRef> for FileRefJson<'a> {
    fn from(f: &'a FileRef) -> Self {
        FileRefJson {
            doc_id: &f.doc_id,
            path: &f.path,
        }
    }
}

/// One passage of `show`: `boilerplate` is null, `"marked"` or `"repeated"` (with
/// `version` when it is a document of its own, in JSON Lines).
#[derive(Serialize)]
pub struct PassageJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    pub passage: u32,
    pub section: Option<&'a str>,
    pub line_start: u32,
    pub line_end: u32,
    pub boilerplate: Option<&'static str>,
    pub text: &'a str,
}

impl<'a> From<&'a PassageView> for PassageJson<'a> {
    fn from(p: &'a PassageView) -> Self {
        PassageJson {
            version: None,
            passage: p.passage,
            section: p.section.as_deref(),
            line_start: p.line_start,
            line_end: p.line_end,
            boilerplate: p.boilerplate.map(|why| match why {
                Why::Marked => "marked",
                Why::Repeated => "repeated",
            }),
            text: &p.text,
        }
    }
}

impl<'a> From<&'a ArticleView> for ArticleJson<'a> {
    fn from(v: &'a ArticleView) -> Self {
        ArticleJson {
            version: VERSION,
            doc_id: &v.doc_id,
            path: &v.path,
            title: &v.title,
            metadata: &v.metadata,
            also_in: v.also_in.iter().map(FileRefJson::from).collect(),
            total_passages: v.total_passages,
            passages: v.passages.iter().map(PassageJson::from).collect(),
        }
    }
}

/// `index --check --format json`: the commit that was verified and what it holds (an index
/// that is not sound is an error instead, on stderr with exit status 2).
#[derive(Serialize)]
pub struct SoundnessJson {
    pub version: u32,
    pub sound: bool,
    pub generation: u64,
    pub segments: usize,
    pub files: u64,
    pub articles: u64,
}

impl From<&Soundness> for SoundnessJson {
    fn from(s: &Soundness) -> Self {
        SoundnessJson {
            version: VERSION,
            sound: true,
            generation: s.generation,
            segments: s.segments,
            files: s.seed_files,
            articles: s.articles,
        }
    }
}

/// `stats --format json`.
#[derive(Serialize)]
pub struct StatsJson<'a> {
    pub version: u32,
    pub seeds: &'a Path,
    pub index: &'a Path,
    pub files: u64,
    pub articles: u64,
    pub passages: u64,
    pub repeated_paragraphs: usize,
    pub distinct_terms: u64,
    pub segments: usize,
    pub size_bytes: u64,
    pub last_update: Option<&'a str>,
    pub format: u32,
}

impl<'a> From<&'a Stats> for StatsJson<'a> {
    fn from(s: &'a Stats) -> Self {
        StatsJson {
            version: VERSION,
            seeds: &s.seeds,
            index: &s.index,
            files: s.files,
            articles: s.articles,
            passages: s.passages,
            repeated_paragraphs: s.repeated_paragraphs,
            distinct_terms: s.distinct_terms,
            segments: s.segments,
            size_bytes: s.size_bytes,
            last_update: s.last_update.as_deref(),
            format: s.format,
        }
    }
}

/// The answer to one query for an AI agent (the MCP server's `search` and `similar`):
/// each hit as a citation, `cite` being `PATH:LINE` as a search printed it, with the whole
/// passage and no offsets or duplicates lists.
///
/// ```text
/// {"version": 1, "query": "drone", "total_hits": 12, "offset": 0, "hits": [
///   {"cite": "seeds/world/drone.md:7", "doc_id": "world/drone", "title": "...",
///    "section": null, "passage": 2, "lines": [7, 7], "score": 3.9, "text": "...",
///    "metadata": {"date": "2025-09-10"}}],
///  "warnings": [], "unmatched": [], "suggestions": [], "hidden_boilerplate": 0}
/// ```
///
/// `metadata` is left out when the article has none, `headline_only` and `boilerplate`
/// appear only when true.
#[derive(Serialize)]
pub struct CitedResultsJson<'a> {
    pub version: u32,
    pub query: &'a str,
    pub total_hits: usize,
    pub offset: usize,
    pub hits: Vec<CitedHitJson<'a>>,
    pub warnings: &'a [String],
    pub unmatched: &'a [String],
    pub suggestions: Vec<SuggestionJson<'a>>,
    pub hidden_boilerplate: usize,
}

/// One hit as a citation (see [`CitedResultsJson`]).
#[derive(Serialize)]
pub struct CitedHitJson<'a> {
    pub cite: String,
    pub doc_id: &'a str,
    pub title: &'a str,
    pub section: Option<&'a str>,
    pub passage: u32,
    pub lines: [u32; 2],
    /// Rounded to three decimals: an agent compares scores, it does not need float noise.
    pub score: f64,
    pub text: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub headline_only: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boilerplate: bool,
}

impl<'a> CitedResultsJson<'a> {
    /// The citations of `r`, whose first hit is result `offset + 1`.
    pub fn new(r: &'a Results, offset: usize) -> Self {
        CitedResultsJson {
            version: VERSION,
            query: &r.query,
            total_hits: r.total_hits,
            offset,
            hits: r
                .hits
                .iter()
                .map(|h| CitedHitJson {
                    cite: format!("{}:{}", h.path, h.line_start),
                    doc_id: &h.doc_id,
                    title: &h.title,
                    section: h.section.as_deref(),
                    passage: h.passage,
                    lines: [h.line_start, h.line_end],
                    score: (f64::from(h.score) * 1000.0).round() / 1000.0,
                    text: &h.text,
                    metadata: &h.metadata,
                    headline_only: h.headline_only,
                    boilerplate: h.boilerplate,
                })
                .collect(),
            warnings: &r.warnings,
            unmatched: &r.unmatched,
            suggestions: suggestions_json(&r.suggestions),
            hidden_boilerplate: r.hidden_boilerplate,
        }
    }
}

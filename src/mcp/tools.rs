//! The MCP server's tools: what each is called and takes (its JSON Schema and a
//! description that teaches the query language), and the one library call each makes.
//!
//! The collection is opened on the first call and kept open; before each call it is
//! checked as a search checks it ([`Collection::is_behind`]): when the seeds folder
//! changed, the index is updated first, and when another process committed, the new
//! commit is read. Documents are the command line's `--json` ones, except `search` and
//! `similar`, which answer with citations ([`CitedResultsJson`]).

use std::panic::AssertUnwindSafe;

use serde::Deserialize;
use serde_json::{json, Value};

use crate::collection::{self, AddRequest, Collection, Freshness, Input, Paths, Reporter, Wait};
use crate::interrupt::Cancel;
use crate::output::json::CitedResultsJson;
use crate::output::{Counted, View};
use crate::query::quoted;
use crate::search::{self, Facet, Request, SearchError};

/// Most hits one `search` or `similar` call returns: an agent's context is precious, and
/// `offset` pages on.
pub const MAX_TOOL_LIMIT: usize = 50;

/// How the query language reads, for the descriptions of `search` and `count`.
const QUERY_LANGUAGE: &str = "Query language: plain words match passages with any of \
them, ranked by BM25 (more of the words, rarer words and words close together rank \
higher; stemming and accent folding apply: `drone` finds `drones`). \"exact phrase\"; \
+must -mustnot; AND, OR, NOT and (grouping); prefix dron*; fuzzy mourinho~; weight \
drone^3. Filters narrow the words' matches: collection:sport (a subfolder), \
author:\"Ann Lee\", source:bbc, date:2025-09-11, date:>=2025-09-01, \
date:[2025-09-01 TO 2025-09-30], doc:world/drone (one article) or doc:world/ (a \
folder), title:word, section:word. A filter alone lists what it selects. A whole \
question works too: its function words only season the ranking.";

/// The tools and what they need to run.
pub struct Tools<'a> {
    paths: Paths,
    allow_writes: bool,
    reporter: &'a dyn Reporter,
    cancel: &'a Cancel,
    collection: Option<Collection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShowArgs {
    target: String,
    context: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListArgs {
    prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoArgs {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountArgs {
    query: String,
    #[serde(default, deserialize_with = "search::deserialize_facets")]
    facets: Vec<Facet>,
    include_boilerplate: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SimilarArgs {
    target: String,
    query: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    per_doc: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddArgs {
    name: String,
    text: String,
    to: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoveArgs {
    doc_id: String,
}

const READ_TOOLS: [&str; 6] = ["search", "show", "list", "stats", "count", "similar"];
const WRITE_TOOLS: [&str; 2] = ["add", "remove"];

impl<'a> Tools<'a> {
    /// The tools over the collection at `paths`; `add` and `remove` only with
    /// `allow_writes`.
    pub fn new(
        paths: &Paths,
        allow_writes: bool,
        reporter: &'a dyn Reporter,
        cancel: &'a Cancel,
    ) -> Tools<'a> {
        Tools {
            paths: paths.clone(),
            allow_writes,
            reporter,
            cancel,
            collection: None,
        }
    }

    /// Whether the server should stop (Ctrl-C).
    pub fn cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// The names of the tools offered.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names = READ_TOOLS.to_vec();
        if self.allow_writes {
            names.extend(WRITE_TOOLS);
        }
        names
    }

    /// Whether `name` is a tool offered.
    pub fn knows(&self, name: &str) -> bool {
        self.names().contains(&name)
    }

    /// The `tools/list` entries.
    pub fn definitions(&self) -> Vec<Value> {
        let mut tools = vec![
            json!({
                "name": "search",
                "title": "Search the articles",
                "description": format!(
                    "Ranked passages (paragraphs) of the news articles matching a query, \
                     best first. Each hit has `cite` (PATH:LINE, to quote as the source), \
                     the article's title and section, the passage number and the \
                     passage's whole text; `total_hits` says how many there are in all \
                     (page with `offset`). Copies of one paragraph are folded into one \
                     hit. Boilerplate (newsletter promos, captions, bios) is left out \
                     unless include_boilerplate. {QUERY_LANGUAGE} Empty results come with \
                     `unmatched` words and `suggestions` (did you mean)."
                ),
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "query": { "type": "string", "description": "Words, phrases, operators and filters, e.g. `drone incursion collection:world` or a question." },
                        "limit": { "type": "integer", "minimum": 1, "maximum": MAX_TOOL_LIMIT, "description": "How many hits (default 10)." },
                        "offset": { "type": "integer", "minimum": 0, "description": "Hits to skip, for the next page." },
                        "per_doc": { "type": "integer", "minimum": 0, "description": "At most this many hits per article (0: no limit)." },
                        "sort": { "type": "string", "enum": ["score", "date"], "description": "Best match first (default) or newest article first." },
                        "include_boilerplate": { "type": "boolean", "description": "Also match boilerplate passages." },
                        "no_collapse": { "type": "boolean", "description": "Show every copy of a repeated paragraph." }
                    },
                    "required": ["query"],
                    "additionalProperties": false
                },
                "annotations": { "readOnlyHint": true, "openWorldHint": false }
            }),
            json!({
                "name": "show",
                "title": "Read a passage or an article",
                "description": "An article as seedsearch split it: its title, metadata and numbered passages with their lines, sections and whether each is boilerplate. `target` is a doc_id (the whole article), DOC_ID:N (passage N with `context` passages on each side), or a hit's `cite` (PATH:LINE: the passage holding that line).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "target": { "type": "string", "description": "doc_id, DOC_ID:N, PATH or PATH:LINE (a hit's `cite`)." },
                        "context": { "type": "integer", "minimum": 0, "description": "With a passage: neighbours on each side (default 1)." }
                    },
                    "required": ["target"],
                    "additionalProperties": false
                },
                "annotations": { "readOnlyHint": true, "openWorldHint": false }
            }),
            json!({
                "name": "list",
                "title": "List the articles",
                "description": "The indexed articles: doc_id, path, title, passage count and front-matter metadata. `prefix` keeps doc_ids starting with it (a subfolder: `sport/`).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "prefix": { "type": "string", "description": "Only doc_ids starting with this." }
                    },
                    "additionalProperties": false
                },
                "annotations": { "readOnlyHint": true, "openWorldHint": false }
            }),
            json!({
                "name": "stats",
                "title": "Describe the collection",
                "description": "How many files, articles and passages the index holds, its distinct terms, size, last update and seeds folder.",
                "inputSchema": { "type": "object", "properties": {}, "additionalProperties": false },
                "annotations": { "readOnlyHint": true, "openWorldHint": false }
            }),
            json!({
                "name": "count",
                "title": "Count matches",
                "description": format!(
                    "How many passages and articles match a query, without listing them; \
                     with `facets`, the counts of matching articles under each \
                     collection, author, source or month. {QUERY_LANGUAGE}"
                ),
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "query": { "type": "string" },
                        "facets": { "type": "array", "items": { "type": "string", "enum": ["collection", "author", "source", "month"] } },
                        "include_boilerplate": { "type": "boolean" }
                    },
                    "required": ["query"],
                    "additionalProperties": false
                },
                "annotations": { "readOnlyHint": true, "openWorldHint": false }
            }),
            json!({
                "name": "similar",
                "title": "Find similar passages",
                "description": "Passages like a given passage (DOC_ID:N, or a hit's `cite`) or a whole article (doc_id), by their most distinctive words; the article itself and its copies are left out. `query`, if given, must match too. Answers as `search` does.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "target": { "type": "string", "description": "DOC_ID:N, PATH:LINE or doc_id." },
                        "query": { "type": "string", "description": "Words or filters the similar passages must match too." },
                        "limit": { "type": "integer", "minimum": 1, "maximum": MAX_TOOL_LIMIT },
                        "offset": { "type": "integer", "minimum": 0 },
                        "per_doc": { "type": "integer", "minimum": 0 }
                    },
                    "required": ["target"],
                    "additionalProperties": false
                },
                "annotations": { "readOnlyHint": true, "openWorldHint": false }
            }),
        ];
        if self.allow_writes {
            tools.push(json!({
                "name": "add",
                "title": "Add an article",
                "description": "Writes a new article into the seeds folder (as `seedsearch add`) and indexes it. The text's first line is its headline; paragraphs are separated by blank lines. Refused when a different file already has the name.",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "name": { "type": "string", "description": "File name, e.g. `storm.txt` (`.txt` is added when it has no extension)." },
                        "text": { "type": "string", "description": "The article: headline, blank line, paragraphs." },
                        "to": { "type": "string", "description": "A subfolder of the seeds folder (its collection), e.g. `world`." }
                    },
                    "required": ["name", "text"],
                    "additionalProperties": false
                },
                "annotations": { "readOnlyHint": false, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false }
            }));
            tools.push(json!({
                "name": "remove",
                "title": "Remove an article",
                "description": "Deletes an article's file from the seeds folder and the index (as `seedsearch remove`).",
                "inputSchema": {
                    "type": "object",
                    "properties": {
                        "doc_id": { "type": "string", "description": "The article's doc_id (or its path as a hit gave it)." }
                    },
                    "required": ["doc_id"],
                    "additionalProperties": false
                },
                "annotations": { "readOnlyHint": false, "destructiveHint": true, "idempotentHint": true, "openWorldHint": false }
            }));
        }
        tools
    }

    /// Runs tool `name` with `arguments`: its document, or the message of what went wrong
    /// (bad arguments, a bad query, an unknown article, a damaged index; a panic in the
    /// library says so too, and the server goes on).
    pub fn call(&mut self, name: &str, arguments: Value) -> Result<Value, String> {
        let ran = std::panic::catch_unwind(AssertUnwindSafe(|| self.run(name, arguments)));
        ran.unwrap_or_else(|_| {
            // A poisoned collection is opened again at the next call.
            self.collection = None;
            Err(match crate::exit::take_library_panic() {
                Some(what) => format!(
                    "{:#}",
                    crate::exit::damaged_by_panic(&what, &self.paths.index)
                ),
                None => format!("seedsearch failed on `{name}` (a bug; please report it)"),
            })
        })
    }

    fn run(&mut self, name: &str, arguments: Value) -> Result<Value, String> {
        let bad = |e: serde_json::Error| format!("bad arguments for `{name}`: {e}");
        match name {
            "search" => {
                let options: search::Options = serde_json::from_value(arguments).map_err(bad)?;
                let request = options
                    .request(&Request::new(""))
                    .map_err(|e| format!("bad arguments for `search`: {e}"))?;
                self.search(request)
            }
            "show" => {
                let args: ShowArgs = serde_json::from_value(arguments).map_err(bad)?;
                let view = self
                    .collection()?
                    .article(&args.target, args.context.unwrap_or(1))
                    .map_err(|e| self.message(&e))?;
                document(&view)
            }
            "list" => {
                let args: ListArgs = serde_json::from_value(arguments).map_err(bad)?;
                let entries = self
                    .collection()?
                    .list(args.prefix.as_deref())
                    .map_err(|e| self.message(&e))?;
                document(&entries)
            }
            "stats" => {
                let NoArgs {} = serde_json::from_value(arguments).map_err(bad)?;
                let stats = self.collection()?.stats().map_err(|e| self.message(&e))?;
                document(&stats)
            }
            "count" => {
                let args: CountArgs = serde_json::from_value(arguments).map_err(bad)?;
                let request = Request {
                    limit: 0,
                    facets: args.facets,
                    include_boilerplate: args.include_boilerplate.unwrap_or(false),
                    ..Request::new(args.query)
                };
                let results = self.run_search(&request)?;
                document(&Counted(&results))
            }
            "similar" => {
                let args: SimilarArgs = serde_json::from_value(arguments).map_err(bad)?;
                let like = self
                    .collection()?
                    .like(&args.target)
                    .map_err(|e| self.message(&e))?;
                let request = search::Options {
                    query: args.query.unwrap_or_default(),
                    limit: args.limit,
                    offset: args.offset,
                    per_doc: args.per_doc,
                    ..search::Options::default()
                }
                .request(&Request::new(""))
                .map_err(|e| format!("bad arguments for `similar`: {e}"))?;
                self.search(Request {
                    like: Some(like),
                    ..request
                })
            }
            "add" => {
                let args: AddArgs = serde_json::from_value(arguments).map_err(bad)?;
                let request = AddRequest {
                    inputs: vec![Input::Text {
                        from: args.name.clone(),
                        name: args.name,
                        bytes: args.text.into_bytes(),
                    }],
                    to: args.to.map(Into::into),
                    force: false,
                    wait: Wait::Upto(collection::WRITE_WAIT),
                };
                let report = collection::add(&self.paths, request, self.reporter, self.cancel)
                    .map_err(|e| self.message(&e))?;
                document(&report)
            }
            "remove" => {
                let args: RemoveArgs = serde_json::from_value(arguments).map_err(bad)?;
                let report = collection::remove(
                    &self.paths,
                    &[args.doc_id],
                    Wait::Upto(collection::WRITE_WAIT),
                    self.reporter,
                    self.cancel,
                )
                .map_err(|e| self.message(&e))?;
                document(&report)
            }
            other => Err(format!("there is no tool `{other}`")),
        }
    }

    /// A search answered with citations, at most [`MAX_TOOL_LIMIT`] of them.
    fn search(&mut self, request: Request) -> Result<Value, String> {
        let request = Request {
            limit: request.limit.min(MAX_TOOL_LIMIT),
            // Citations are passages: the article view and score explanations are the
            // command line's.
            articles: None,
            explain: false,
            ..request
        };
        let results = self.run_search(&request)?;
        serde_json::to_value(CitedResultsJson::new(&results, request.offset))
            .map_err(|e| format!("cannot encode the results: {e}"))
    }

    fn run_search(&mut self, request: &Request) -> Result<search::Results, String> {
        let collection = self.collection()?;
        match collection.search(request) {
            Ok(results) => Ok(results),
            Err(SearchError::Query(e)) => {
                Err(format!("bad query `{}`: {e}", quoted(&request.query)))
            }
            Err(SearchError::Index(e)) => Err(self.message(&e)),
        }
    }

    /// The collection as a search would see it now: opened on first use, and opened
    /// again (after an update of the index, when the folder changed) when it is behind.
    fn collection(&mut self) -> Result<&Collection, String> {
        if self.collection.as_ref().is_none_or(Collection::is_behind) {
            let opened = Collection::open(&self.paths, Freshness::Sync, self.reporter, self.cancel)
                .map_err(|e| self.message(&e))?;
            self.collection = Some(opened);
        }
        self.collection
            .as_ref()
            .ok_or_else(|| "the collection could not be opened".to_string())
    }

    /// The command line's message for `err`, with the way out when the index is damaged.
    fn message(&self, err: &anyhow::Error) -> String {
        let err = crate::store::with_rebuild_hint(anyhow::anyhow!("{err:#}"), &self.paths.index);
        format!("{err:#}")
    }
}

/// The command line's `--json` document of `view`, as a JSON value.
fn document(view: &dyn View) -> Result<Value, String> {
    let mut bytes = Vec::new();
    view.json(&mut bytes)
        .map_err(|e| format!("cannot encode the answer: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("cannot encode the answer: {e}"))
}

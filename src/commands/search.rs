//! `seedsearch search`: one query, or many with `--batch`.
//!
//! Batch mode reads one query per line (a file or stdin), answers them on all cores (the
//! rayon pool), and prints one JSON object per query in input order, flushing each line as
//! soon as it and the lines before it are done, so it can sit in a pipeline. A bad query
//! gives `{"query": ..., "error": ...}` on its line; the run goes on. Lines are read with
//! at most [`MAX_BATCH_LINE_BYTES`] of one held: a longer line (or one that is not UTF-8)
//! is answered with an error too and the rest of it skipped unread into memory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};

use anyhow::{anyhow, Context, Result};

use super::Ctx;

use crate::cli::{FacetName, Format, SearchArgs, SearchOptions, SortOrder};
use crate::collection::{Collection, Freshness};
use crate::exit::Exit;
use crate::lines::{BoundedLines, Line};
use crate::output::json::{FailedJson, ResultsJson};
use crate::output::Vimgrep;
use crate::paths::display_path;
use crate::query::{quoted, MAX_BATCH_LINE_BYTES, MAX_QUERY_BYTES};
use crate::search::{Engine, Facet, Options, Request, SearchError, SortBy};

/// Batch queries answered but not yet printed, at most: bounds memory on a long input.
const IN_FLIGHT: usize = 256;

/// Runs `search`.
///
/// # Errors
/// A malformed query, an unreadable batch file, or an index that cannot be opened.
pub fn run(ctx: &Ctx, args: &SearchArgs) -> Result<Exit> {
    if args.batch.is_some() && args.output.format == Some(Format::Text) {
        return Err(anyhow!(
            "--batch prints one JSON object per query and line; --format text does not go with it"
        ));
    }
    let freshness = if args.no_sync {
        Freshness::AsIs
    } else {
        Freshness::Sync
    };
    let collection = Collection::open(ctx.paths(), freshness, &ctx.reporter(), ctx.cancel)?;
    let mut template = request(&args.options);
    if let Some(target) = &args.like {
        template.like = Some(collection.like(target)?);
    }
    match &args.batch {
        Some(path) => batch(ctx, Arc::new(collection.engine().clone()), template, path),
        None => {
            let request = Request {
                query: args.query.join(" "),
                ..template
            };
            let shape = if args.vimgrep {
                Shape::Vimgrep
            } else {
                Shape::Format(args.output.format())
            };
            let outcome = single(ctx, collection.engine(), &request, shape);
            // The process ends right after one query: unmapping and freeing the index
            // readers one by one would cost ~10% of a whole search, and the OS reclaims
            // everything at exit anyway. (Batch mode drops them: it runs long.)
            std::mem::forget(collection);
            outcome
        }
    }
}

/// The request the search options describe (with no query yet).
pub fn request(options: &SearchOptions) -> Request {
    Request {
        limit: usize::try_from(options.limit).unwrap_or(usize::MAX),
        offset: usize::try_from(options.offset).unwrap_or(usize::MAX),
        include_boilerplate: options.include_boilerplate,
        collapse: !options.no_collapse,
        per_doc: options
            .per_doc
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        sort: match options.sort {
            SortOrder::Score => SortBy::Score,
            SortOrder::Date => SortBy::Date,
        },
        articles: options
            .articles
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        facets: facets(&options.facets),
        explain: options.explain,
        ..Request::new("")
    }
}

/// The facets named on the command line.
pub fn facets(names: &[FacetName]) -> Vec<Facet> {
    let mut out: Vec<Facet> = Vec::new();
    for name in names {
        let facet = match name {
            FacetName::Collection => Facet::Collection,
            FacetName::Author => Facet::Author,
            FacetName::Source => Facet::Source,
            FacetName::Year => Facet::Year,
            FacetName::Month => Facet::Month,
        };
        if !out.contains(&facet) {
            out.push(facet);
        }
    }
    out
}

/// How one search's results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Format(Format),
    /// `path:line:column:text`, one line per hit.
    Vimgrep,
}

/// Runs one request and prints its results.
///
/// # Errors
/// A malformed query, or an unreadable index.
pub fn single(ctx: &Ctx, engine: &Engine, request: &Request, shape: Shape) -> Result<Exit> {
    let results = match engine.search(request) {
        Ok(results) => results,
        Err(SearchError::Query(err)) => {
            return Err(anyhow!("bad query `{}`: {err}", quoted(&request.query)));
        }
        Err(SearchError::Index(err)) => return Err(err),
    };
    for warning in &results.warnings {
        ctx.ui.warn(warning);
    }
    let format = match shape {
        Shape::Vimgrep => {
            ctx.ui.emit(Format::Text, &Vimgrep(&results))?;
            Format::Text
        }
        Shape::Format(format) => {
            ctx.ui.emit(format, &results)?;
            format
        }
    };
    if format == Format::Text {
        for note in crate::output::text::explanations(&results) {
            ctx.ui.note(&note);
        }
    }
    if format == Format::Text && ctx.ui.stdout_is_terminal() && shape != Shape::Vimgrep {
        let shown = results
            .articles
            .as_ref()
            .map_or(results.hits.len(), Vec::len);
        let last = request.offset + shown;
        let what = if results.articles.is_some() {
            "articles"
        } else {
            "results"
        };
        if results.total_hits > last && shown > 0 {
            ctx.ui.note(&format!(
                "showing {}-{last} of {} {what} (--offset {last} for more)",
                request.offset + 1,
                results.total_hits
            ));
        }
    }
    Ok(Exit::found(results.found()))
}

/// What one batch query produced: its JSON line and whether it found or failed.
struct Answer {
    line: String,
    found: bool,
    failed: bool,
}

impl Answer {
    /// The error object answering a line that cannot run.
    fn failed(query: &str, error: &str) -> Answer {
        let encoded = serde_json::to_string(&FailedJson {
            version: crate::output::json::VERSION,
            query,
            error,
        });
        Answer {
            line: encoded.unwrap_or_default(),
            found: false,
            failed: true,
        }
    }
}

fn answer(engine: &Engine, template: &Request, line: String) -> Answer {
    let request = match batch_request(template, line) {
        Ok(request) => request,
        Err((query, error)) => return Answer::failed(&query, &error),
    };
    let (encoded, found, failed) = match engine.search(&request) {
        Ok(results) => (
            serde_json::to_string(&ResultsJson::from(&results)),
            results.found(),
            false,
        ),
        Err(err) => {
            let error = match err {
                SearchError::Query(e) => format!("bad query: {e}"),
                SearchError::Index(e) => format!("{e:#}"),
            };
            (
                serde_json::to_string(&FailedJson {
                    version: crate::output::json::VERSION,
                    query: &request.query,
                    error: &error,
                }),
                false,
                true,
            )
        }
    };
    let line =
        encoded.unwrap_or_else(|e| format!("{{\"error\":\"cannot encode the answer: {e}\"}}"));
    Answer {
        line,
        found,
        failed,
    }
}

/// The request a batch line asks for: a plain line is a query with the command line's
/// options; a line starting with `{` is a JSON object that may also set options, read as
/// the HTTP API reads its query string ([`crate::search::Options`]).
fn batch_request(template: &Request, line: String) -> Result<Request, (String, String)> {
    if !line.trim_start().starts_with('{') {
        return Ok(Request {
            query: line,
            ..template.clone()
        });
    }
    let parsed: Options =
        serde_json::from_str(&line).map_err(|e| (line.clone(), format!("bad batch line: {e}")))?;
    let query = parsed.query.clone();
    parsed
        .request(template)
        .map_err(|e| (query, format!("bad batch line: {e}")))
}

/// What the reading side of a batch sends the printing side.
enum Event {
    Answered(usize, Answer),
    /// The input could not be read further.
    Failed(anyhow::Error),
}

fn batch(ctx: &Ctx, engine: Arc<Engine>, template: Request, path: &Path) -> Result<Exit> {
    let input: Box<dyn BufRead + Send> = if path.as_os_str() == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        let file = File::open(path)
            .with_context(|| format!("cannot read the batch file {}", display_path(path)))?;
        Box::new(BufReader::new(file))
    };
    let shown = display_path(path);
    let stop = Arc::new(AtomicBool::new(false));
    let (done_tx, done_rx) = mpsc::channel::<Event>();
    // A permit per query in flight: the reader waits for one before dispatching a query,
    // the printer returns it after printing one.
    let (permit_tx, permit_rx) = mpsc::sync_channel::<()>(IN_FLIGHT);
    {
        // Not a scoped thread: after a closed pipe the printer returns at once, even if
        // this one still waits on stdin.
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let template = &template;
            let engine = &engine;
            let mut lines = BoundedLines::new(input, MAX_BATCH_LINE_BYTES);
            rayon::scope(|pool| {
                for i in 0.. {
                    if stop.load(Ordering::Relaxed) || permit_tx.send(()).is_err() {
                        break;
                    }
                    let number = i + 1;
                    let query = match lines.next_line() {
                        Ok(Some(Line::Text(line))) => line,
                        Ok(Some(Line::TooLong { bytes, start })) => {
                            let error = format!(
                                "bad batch line: line {number} is {} KiB long; a batch line is at most {} KiB (a query at most {} KiB), so it was skipped",
                                bytes.div_ceil(1024),
                                MAX_BATCH_LINE_BYTES / 1024,
                                MAX_QUERY_BYTES / 1024
                            );
                            let _ =
                                done_tx.send(Event::Answered(i, Answer::failed(&start, &error)));
                            continue;
                        }
                        Ok(Some(Line::NotUtf8)) => {
                            let error = format!("bad batch line: line {number} is not valid UTF-8");
                            let _ = done_tx.send(Event::Answered(i, Answer::failed("", &error)));
                            continue;
                        }
                        Ok(None) => break,
                        Err(err) => {
                            let err = anyhow!(err).context(format!(
                                "cannot read line {number} of the batch file {shown}"
                            ));
                            let _ = done_tx.send(Event::Failed(err));
                            break;
                        }
                    };
                    let done_tx = done_tx.clone();
                    pool.spawn(move |_| {
                        let answer = answer(engine, template, query);
                        let _ = done_tx.send(Event::Answered(i, answer));
                    });
                }
            });
        });
    }

    let mut out = ctx.ui.stream();
    let mut pending: BTreeMap<usize, Answer> = BTreeMap::new();
    let mut next = 0usize;
    let (mut any_found, mut all_failed, mut count) = (false, true, 0usize);
    let mut read_error = None;
    for event in done_rx {
        let (i, answer) = match event {
            Event::Answered(i, answer) => (i, answer),
            Event::Failed(err) => {
                read_error = Some(err);
                continue;
            }
        };
        pending.insert(i, answer);
        while let Some(answer) = pending.remove(&next) {
            if let Err(err) = out.line(&answer.line) {
                stop.store(true, Ordering::Relaxed);
                return Err(err.into());
            }
            let _ = permit_rx.recv();
            any_found |= answer.found;
            all_failed &= answer.failed;
            count += 1;
            next += 1;
        }
    }
    if let Some(err) = read_error {
        return Err(err);
    }
    if count > 0 && all_failed {
        return Err(anyhow!(
            "none of the {count} queries of the batch could run"
        ));
    }
    if ctx.ui.stdout_is_terminal() {
        ctx.ui.note(&format!("{count} queries"));
    }
    Ok(Exit::found(any_found))
}

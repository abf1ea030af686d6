//! `seedsearch search`: one query, or many with `--batch`.
//!
//! Batch mode reads one query per line (a file or stdin), runs them on all cores, and
//! prints one JSON object per query in input order, flushing each line as soon as it and
//! the lines before it are done, so it can sit in a pipeline. A bad query gives
//! `{"query": ..., "error": ...}` on its line; the run goes on.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Context, Result};
use serde::Serialize;

use crate::cli::{Format, SearchArgs, SortOrder};
use crate::config::Config;
use crate::search::{Engine, Request, SearchError, SortBy};
use crate::{display_path, output, Outcome};

/// Runs `search`.
///
/// # Errors
/// A malformed query, an unreadable batch file, or an index that cannot be opened.
pub fn run(config: &Config, args: &SearchArgs) -> Result<Outcome> {
    if args.batch.is_some() && args.format == Some(Format::Text) {
        return Err(anyhow!(
            "--batch prints one JSON object per query and line; --format text does not go with it"
        ));
    }
    let mut opened = super::open_index(config, !args.no_sync)?;
    let engine = Engine::new(&mut opened.store, &opened.payload)?;
    let template = Request {
        query: String::new(),
        limit: usize::try_from(args.limit).unwrap_or(usize::MAX),
        offset: usize::try_from(args.offset).unwrap_or(usize::MAX),
        include_boilerplate: args.include_boilerplate,
        collapse: !args.no_collapse,
        per_doc: args
            .per_doc
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        sort: match args.sort {
            SortOrder::Score => SortBy::Score,
            SortOrder::Date => SortBy::Date,
        },
    };
    match &args.batch {
        Some(path) => batch(config, Arc::new(engine), template, path),
        None => {
            let outcome = single(
                config,
                &engine,
                Request {
                    query: args.query.join(" "),
                    ..template
                },
                if args.json {
                    Format::Json
                } else {
                    args.format.unwrap_or(Format::Text)
                },
            );
            // The process ends right after one query: unmapping and freeing the index
            // readers one by one would cost ~10% of a whole search, and the OS reclaims
            // everything at exit anyway. (Batch mode drops them: it runs long.)
            std::mem::forget(engine);
            std::mem::forget(opened);
            outcome
        }
    }
}

fn single(config: &Config, engine: &Engine, request: Request, format: Format) -> Result<Outcome> {
    let results = match engine.search(&request) {
        Ok(results) => results,
        Err(SearchError::Query(err)) => {
            return Err(anyhow!("bad query `{}`: {err}", request.query));
        }
        Err(SearchError::Index(err)) => return Err(err),
    };
    for warning in &results.warnings {
        output::warn(warning, config.stderr_color);
    }
    let mut out = BufWriter::new(io::stdout().lock());
    match format {
        Format::Text => output::text::results(&mut out, &results, config.color)?,
        Format::Json => output::json::results(&mut out, &results)?,
        Format::Jsonl => output::json::hits_lines(&mut out, &results)?,
    }
    out.flush()?;
    if format == Format::Text && config.stdout_is_terminal && !config.quiet {
        let shown = results.hits.len();
        let last = request.offset + shown;
        if results.total_hits > last && shown > 0 {
            output::note(&format!(
                "showing {}-{last} of {} matching passages (--offset {last} for more)",
                request.offset + 1,
                results.total_hits
            ));
        }
    }
    Ok(if results.hits.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Success
    })
}

/// The line printed for a query that could not run.
#[derive(Serialize)]
struct Failed<'a> {
    query: &'a str,
    error: String,
}

/// What one batch query produced: its JSON line and whether it found or failed.
struct Answer {
    line: String,
    found: bool,
    failed: bool,
}

fn answer(engine: &Engine, template: &Request, query: String) -> Answer {
    let request = Request {
        query,
        ..template.clone()
    };
    let (json, found, failed) = match engine.search(&request) {
        Ok(results) => (
            serde_json::to_string(&results),
            !results.hits.is_empty(),
            false,
        ),
        Err(err) => {
            let error = match err {
                SearchError::Query(e) => format!("bad query: {e}"),
                SearchError::Index(e) => format!("{e:#}"),
            };
            (
                serde_json::to_string(&Failed {
                    query: &request.query,
                    error,
                }),
                false,
                true,
            )
        }
    };
    let line = json.unwrap_or_else(|e| format!("{{\"error\":\"cannot encode the answer: {e}\"}}"));
    Answer {
        line,
        found,
        failed,
    }
}

fn batch(
    config: &Config,
    engine: Arc<Engine>,
    template: Request,
    path: &std::path::Path,
) -> Result<Outcome> {
    let input: Box<dyn BufRead + Send> = if path.as_os_str() == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        let file = File::open(path)
            .with_context(|| format!("cannot read the batch file {}", display_path(path)))?;
        Box::new(BufReader::new(file))
    };
    let shown = display_path(path);
    let stop = Arc::new(AtomicBool::new(false));
    let (job_tx, job_rx) = mpsc::sync_channel::<(usize, String)>(256);
    let job_rx = Arc::new(Mutex::new(job_rx));
    let (done_tx, done_rx) = mpsc::channel::<(usize, Answer)>();
    let read_error: Arc<Mutex<Option<anyhow::Error>>> = Arc::new(Mutex::new(None));

    {
        let stop = Arc::clone(&stop);
        let read_error = Arc::clone(&read_error);
        std::thread::spawn(move || {
            for (i, line) in input.lines().enumerate() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                match line {
                    Ok(line) => {
                        let query = line.strip_suffix('\r').unwrap_or(&line).to_string();
                        if job_tx.send((i, query)).is_err() {
                            break;
                        }
                    }
                    Err(err) => {
                        if let Ok(mut slot) = read_error.lock() {
                            *slot = Some(anyhow!(err).context(format!(
                                "cannot read line {} of the batch file {shown}",
                                i + 1
                            )));
                        }
                        break;
                    }
                }
            }
        });
    }
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    for _ in 0..workers {
        let job_rx = Arc::clone(&job_rx);
        let done_tx = done_tx.clone();
        let engine = Arc::clone(&engine);
        let template = template.clone();
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || loop {
            let job = match job_rx.lock() {
                Ok(rx) => rx.recv(),
                Err(_) => break,
            };
            let Ok((i, query)) = job else { break };
            if stop.load(Ordering::Relaxed) {
                break;
            }
            if done_tx
                .send((i, answer(&engine, &template, query)))
                .is_err()
            {
                break;
            }
        });
    }
    drop(done_tx);

    let mut out = io::stdout().lock();
    let mut pending: BTreeMap<usize, Answer> = BTreeMap::new();
    let mut next = 0usize;
    let (mut any_found, mut all_failed, mut count) = (false, true, 0usize);
    for (i, answer) in done_rx {
        pending.insert(i, answer);
        while let Some(answer) = pending.remove(&next) {
            let written = out
                .write_all(answer.line.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .and_then(|()| out.flush());
            if let Err(err) = written {
                stop.store(true, Ordering::Relaxed);
                return Err(err.into());
            }
            any_found |= answer.found;
            all_failed &= answer.failed;
            count += 1;
            next += 1;
        }
    }
    if let Some(err) = read_error.lock().ok().and_then(|mut e| e.take()) {
        return Err(err);
    }
    if count > 0 && all_failed {
        return Err(anyhow!(
            "none of the {count} queries of the batch could run"
        ));
    }
    if !config.quiet && config.stdout_is_terminal {
        output::note(&format!("{count} queries"));
    }
    Ok(if any_found {
        Outcome::Success
    } else {
        Outcome::NothingFound
    })
}

//! `seedsearch count QUERY`: how many passages and articles match (and, with --facets,
//! under each value), without ranking or reading a passage: fast enough for a loop.

use anyhow::{anyhow, Result};

use super::search::facets;
use super::Ctx;
use crate::cli::CountArgs;
use crate::collection::{Collection, Freshness};
use crate::exit::Exit;
use crate::output::Counted;
use crate::search::{Request, SearchError};

/// Runs `count`.
///
/// # Errors
/// A malformed query, or an index that cannot be opened.
pub fn run(ctx: &Ctx, args: &CountArgs) -> Result<Exit> {
    let freshness = if args.no_sync {
        Freshness::AsIs
    } else {
        Freshness::Sync
    };
    let collection = Collection::open(ctx.paths(), freshness, &ctx.reporter(), ctx.cancel)?;
    let request = Request {
        limit: 0,
        facets: facets(&args.facets),
        include_boilerplate: args.include_boilerplate,
        ..Request::new(args.query.join(" "))
    };
    let results = match collection.search(&request) {
        Ok(results) => results,
        Err(SearchError::Query(err)) => {
            return Err(anyhow!(
                "bad query `{}`: {err}",
                crate::query::quoted(&request.query)
            ))
        }
        Err(SearchError::Index(err)) => return Err(err),
    };
    for warning in &results.warnings {
        ctx.ui.warn(warning);
    }
    ctx.ui.emit(args.output.format(), &Counted(&results))?;
    Ok(Exit::found(results.matched_passages > 0))
}

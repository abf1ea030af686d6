//! `seedsearch similar DOC_ID[:N]`: passages and articles like a given passage or
//! article, leaving out the article itself and its copies ("who else reported this").

use anyhow::Result;

use super::search::{request, single, Shape};
use super::Ctx;
use crate::cli::SimilarArgs;
use crate::collection::{Collection, Freshness};
use crate::exit::Exit;

/// Runs `similar`.
///
/// # Errors
/// An unknown doc_id or passage, or an index that cannot be opened.
pub fn run(ctx: &Ctx, args: &SimilarArgs) -> Result<Exit> {
    let freshness = if args.no_sync {
        Freshness::AsIs
    } else {
        Freshness::Sync
    };
    let collection = Collection::open(ctx.paths(), freshness, &ctx.reporter(), ctx.cancel)?;
    let mut request = request(&args.options);
    request.like = Some(collection.like(&args.target)?);
    single(
        ctx,
        collection.engine(),
        &request,
        Shape::Format(args.output.format()),
    )
}

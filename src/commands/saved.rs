//! `seedsearch saved ...`: add, list, run and remove saved searches.

use std::io::{self, Write};

use anyhow::Result;

use super::search::{request, single, Shape};
use super::Ctx;
use crate::cli::{SavedAction, SavedArgs};
use crate::collection::{Collection, Freshness};
use crate::exit::Exit;
use crate::output::json;
use crate::output::View;
use crate::saved::{Saved, SavedSearch};
use crate::search::Request;

/// Runs `saved`.
///
/// # Errors
/// An unknown or taken name, a saved-searches file that cannot be read or written, or a
/// search that cannot run.
pub fn run(ctx: &Ctx, args: &SavedArgs) -> Result<Exit> {
    match &args.action {
        SavedAction::Add {
            name,
            query,
            options,
            force,
        } => {
            // The index (built if need be) says which generation "new" starts after.
            let collection =
                Collection::open(ctx.paths(), Freshness::Sync, &ctx.reporter(), ctx.cancel)?;
            let request = Request {
                query: query.join(" "),
                ..request(options)
            };
            // Check the query before saving it.
            collection.search(&Request {
                limit: 0,
                ..request.clone()
            })?;
            let mut saved = Saved::load(&ctx.paths().index)?;
            saved.add(
                SavedSearch::of(name, &request, collection.payload().generation),
                *force,
            )?;
            saved.save()?;
            ctx.ui.note(&format!(
                "saved `{name}`; every sync reports its new matches (`seedsearch saved run {name}` runs it)"
            ));
            Ok(Exit::Success)
        }
        SavedAction::List { output } => {
            let saved = Saved::load(&ctx.paths().index)?;
            ctx.ui.emit(output.format(), &List(&saved.searches))?;
            Ok(Exit::found(!saved.searches.is_empty()))
        }
        SavedAction::Run {
            name,
            new,
            output,
            no_sync,
        } => {
            let freshness = if *no_sync {
                Freshness::AsIs
            } else {
                Freshness::Sync
            };
            let collection = Collection::open(ctx.paths(), freshness, &ctx.reporter(), ctx.cancel)?;
            let mut saved = Saved::load(&ctx.paths().index)?;
            let search = saved.get(name)?.clone();
            let mut request = search.request();
            if *new {
                request.newer_than = Some(search.seen_through);
            }
            let outcome = single(
                ctx,
                collection.engine(),
                &request,
                Shape::Format(output.format()),
            )?;
            if *new {
                saved.seen(name, collection.payload().generation)?;
                saved.save()?;
            }
            Ok(outcome)
        }
        SavedAction::Remove { name } => {
            let mut saved = Saved::load(&ctx.paths().index)?;
            saved.remove(name)?;
            saved.save()?;
            ctx.ui.note(&format!("removed the saved search `{name}`"));
            Ok(Exit::Success)
        }
    }
}

/// The saved searches, for `saved list`.
struct List<'a>(&'a [SavedSearch]);

impl View for List<'_> {
    fn text(&self, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        let width = self
            .0
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0);
        for search in self.0 {
            writeln!(out, "{:<width$}  {}", search.name, search.query)?;
        }
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(
            out,
            &serde_json::json!({ "version": json::VERSION, "searches": self.0 }),
        )
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        for search in self.0 {
            let mut line = serde_json::to_value(search).unwrap_or_default();
            if let Some(map) = line.as_object_mut() {
                map.insert("version".into(), json::VERSION.into());
            }
            json::line(out, &line)?;
        }
        Ok(())
    }
}

//! `seedsearch show DOC_ID[:N]`: an article as the index holds it, passage by passage, so a
//! user can see why a passage was (or was not) found.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};

use anyhow::{anyhow, Result};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use crate::cli::{Format, ShowArgs};
use crate::config::Config;
use crate::indexer::passage_hash;
use crate::search::{shown_from_cwd, Engine, Stored};
use crate::{output, Outcome};

/// Why a passage is boilerplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// The splitter recognised a promo, button, bare URL or image credit.
    Marked,
    /// The same paragraph is in several unrelated articles.
    Repeated,
}

/// One passage as shown.
#[derive(Debug, Clone, Serialize)]
pub struct PassageView {
    pub passage: u32,
    pub section: Option<String>,
    pub line_start: u32,
    pub line_end: u32,
    /// Null for content; why it is left out of default searches otherwise.
    pub boilerplate: Option<Why>,
    pub text: String,
}

/// A file holding the article.
#[derive(Debug, Clone, Serialize)]
pub struct FileRef {
    pub doc_id: String,
    pub path: String,
}

/// `show --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView {
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub metadata: BTreeMap<String, String>,
    /// Other files with the same content.
    pub also_in: Vec<FileRef>,
    /// Passages in the article.
    pub total_passages: u32,
    pub passages: Vec<PassageView>,
}

/// Splits `politics/001:4` into the doc_id and the passage number.
pub fn parse_target(target: &str) -> (&str, Option<u32>) {
    if let Some((doc_id, number)) = target.rsplit_once(':') {
        if let Ok(n) = number.parse::<u32>() {
            if !doc_id.is_empty() {
                return (doc_id, Some(n));
            }
        }
    }
    (target, None)
}

/// Runs `show`.
///
/// # Errors
/// An unknown doc_id, a passage number out of range, or an unreadable index.
pub fn run(config: &Config, args: &ShowArgs) -> Result<Outcome> {
    let mut opened = super::open_index(config, true)?;
    let engine = Engine::new(&mut opened.store, &opened.payload)?;
    let (doc_id, number) = parse_target(&args.target);
    let fields = *engine.fields();
    let searcher = engine.searcher();
    let query = TermQuery::new(
        Term::from_field_text(fields.doc, doc_id),
        IndexRecordOption::Basic,
    );
    let limit = usize::try_from(searcher.num_docs())
        .unwrap_or(usize::MAX)
        .max(1);
    let found = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
    if found.is_empty() {
        return Err(anyhow!(
            "no article has the doc_id `{doc_id}`; `seedsearch list` shows them"
        ));
    }
    let repeated: std::collections::HashSet<u64> =
        opened.payload.repeated.iter().copied().collect();
    let mut stored: Vec<Stored> = Vec::with_capacity(found.len());
    for (_, address) in found {
        stored.push(Stored::read(&searcher, &fields, address)?);
    }
    stored.sort_by_key(|s| s.passage);
    let total = stored.len() as u32;
    let root = shown_from_cwd(&opened.payload.seeds);
    let first = &stored[0];
    let sources = first.sources(&root);
    let me = sources.iter().position(|s| s.doc_id == doc_id).unwrap_or(0);
    let path = sources.get(me).map(|s| s.path.clone()).unwrap_or_default();
    let also_in = sources
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != me)
        .map(|(_, s)| FileRef {
            doc_id: s.doc_id.clone(),
            path: s.path.clone(),
        })
        .collect();
    let range = match number {
        None => 1..=total,
        Some(n) if n >= 1 && n <= total => {
            n.saturating_sub(args.context).max(1)..=n.saturating_add(args.context).min(total)
        }
        Some(n) => {
            return Err(anyhow!(
                "`{doc_id}` has passages 1 to {total}; there is no passage {n}"
            ))
        }
    };
    let passages = stored
        .iter()
        .filter(|s| range.contains(&s.passage))
        .map(|s| PassageView {
            passage: s.passage,
            section: s.section.clone(),
            line_start: s.line_start,
            line_end: s.line_end,
            boilerplate: if s.boilerplate {
                Some(Why::Marked)
            } else if repeated.contains(&passage_hash(&s.text)) {
                Some(Why::Repeated)
            } else {
                None
            },
            text: s.text.clone(),
        })
        .collect();
    let view = ArticleView {
        doc_id: doc_id.to_string(),
        path,
        title: first.title.clone(),
        metadata: first.metadata.clone(),
        also_in,
        total_passages: total,
        passages,
    };
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        Format::Text => output::text::article_view(&mut out, &view, number, config.color)?,
        Format::Json => output::json::value(&mut out, &view)?,
        Format::Jsonl => {
            for passage in &view.passages {
                output::json::value(&mut out, passage)?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn targets_split_at_a_numeric_suffix_only() {
        assert_eq!(parse_target("politics/001:4"), ("politics/001", Some(4)));
        assert_eq!(parse_target("politics/001"), ("politics/001", None));
        assert_eq!(parse_target("odd:name"), ("odd:name", None));
        assert_eq!(parse_target(":4"), (":4", None));
    }
}

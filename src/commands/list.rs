//! `seedsearch list`: the indexed articles, from the manifest committed with the index.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};

use anyhow::Result;
use serde::Serialize;

use crate::cli::{Format, ListArgs};
use crate::config::Config;
use crate::manifest::FileState;
use crate::search::shown_from_cwd;
use crate::{display_path, output, Outcome};

/// One indexed file.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub passages: u32,
    pub metadata: BTreeMap<String, String>,
    /// doc_ids of other files with the same content (indexed once).
    pub same_as: Vec<String>,
}

/// `list --format json`.
#[derive(Debug, Serialize)]
pub struct Listing {
    pub articles: Vec<Entry>,
}

/// Runs `list`.
///
/// # Errors
/// When the index cannot be opened or its manifest read.
pub fn run(config: &Config, args: &ListArgs) -> Result<Outcome> {
    let opened = super::open_index(config, true)?;
    let manifest = opened.manifest()?;
    let root = shown_from_cwd(&opened.payload.seeds);
    let mut by_hash: BTreeMap<_, Vec<&str>> = BTreeMap::new();
    for (_, record, hash) in manifest.indexed() {
        if let FileState::Indexed { doc_id, .. } = &record.state {
            by_hash.entry(hash).or_default().push(doc_id);
        }
    }
    let mut articles = Vec::new();
    for (rel, record, hash) in manifest.indexed() {
        let FileState::Indexed { doc_id, .. } = &record.state else {
            continue;
        };
        if let Some(prefix) = &args.prefix {
            if !doc_id.starts_with(prefix.as_str()) {
                continue;
            }
        }
        let article = manifest.articles.get(&hash).cloned().unwrap_or_default();
        let same_as = by_hash
            .get(&hash)
            .map(|ids| {
                ids.iter()
                    .filter(|id| **id != doc_id)
                    .map(|id| id.to_string())
                    .collect()
            })
            .unwrap_or_default();
        articles.push(Entry {
            doc_id: doc_id.clone(),
            path: display_path(&root.join(rel)),
            title: article.title,
            passages: article.passages,
            metadata: article.metadata,
            same_as,
        });
    }
    articles.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        Format::Text => output::text::article_list(&mut out, &articles, config.color)?,
        Format::Json => output::json::value(
            &mut out,
            &Listing {
                articles: articles.clone(),
            },
        )?,
        Format::Jsonl => {
            for entry in &articles {
                output::json::value(&mut out, entry)?;
            }
        }
    }
    out.flush()?;
    Ok(if articles.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Success
    })
}

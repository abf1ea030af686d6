//! Saved searches: named queries with their options, kept in a small JSON file beside the
//! index (it survives `index --rebuild`, and a person can read and edit it), and the
//! alerts a sync raises for them.
//!
//! "New" means new text: a passage whose words first entered the collection in a sync
//! (see [`crate::schema::Fields::first_seen`]), so a rebuild, a rename or an edit that
//! leaves a paragraph as it was raises nothing. Each sync reports, per saved search, the
//! new passages of that sync that match it; `saved run NAME --new` shows every matching
//! passage since the last such run.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};

pub use crate::indexer::Alert;
use crate::paths::display_path;
use crate::search::{Facet, Request, SortBy};

/// The file saved searches live in, inside the index folder.
pub const FILE: &str = "saved-searches.json";

/// One saved search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedSearch {
    pub name: String,
    pub query: String,
    #[serde(default = "default_limit")]
    pub limit: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_doc: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub articles: Option<usize>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub date_order: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_collapse: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub include_boilerplate: bool,
    /// The sync generation up to which `saved run --new` has shown this search's matches.
    #[serde(default)]
    pub seen_through: u64,
}

fn default_limit() -> usize {
    10
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl SavedSearch {
    /// The search request this saved search stands for.
    pub fn request(&self) -> Request {
        Request {
            limit: self.limit.max(1),
            per_doc: self.per_doc,
            articles: self.articles,
            sort: if self.date_order {
                SortBy::Date
            } else {
                SortBy::Score
            },
            collapse: !self.no_collapse,
            include_boilerplate: self.include_boilerplate,
            facets: Vec::<Facet>::new(),
            ..Request::new(self.query.clone())
        }
    }

    /// A saved search for `request` (its query and the options worth keeping).
    pub fn of(name: &str, request: &Request, seen_through: u64) -> SavedSearch {
        SavedSearch {
            name: name.to_string(),
            query: request.query.clone(),
            limit: request.limit,
            per_doc: request.per_doc,
            articles: request.articles,
            date_order: request.sort == SortBy::Date,
            no_collapse: !request.collapse,
            include_boilerplate: request.include_boilerplate,
            seen_through,
        }
    }
}

/// The file's contents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    #[serde(default)]
    searches: Vec<SavedSearch>,
}

/// The saved searches of one index.
#[derive(Debug, Clone, Default)]
pub struct Saved {
    path: PathBuf,
    pub searches: Vec<SavedSearch>,
}

impl Saved {
    /// The saved searches beside the index in `index_dir` (none when there is no file).
    ///
    /// # Errors
    /// When the file exists but cannot be read or is not a saved-searches file; the
    /// message names it, so a person can fix what they edited.
    pub fn load(index_dir: &Path) -> Result<Saved> {
        let path = index_dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Saved {
                    path,
                    searches: Vec::new(),
                })
            }
            Err(err) => {
                return Err(anyhow!(err))
                    .with_context(|| format!("cannot read {}", display_path(&path)))
            }
        };
        let file: File = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a saved-searches file; fix it or remove it",
                display_path(&path)
            )
        })?;
        Ok(Saved {
            path,
            searches: file.searches,
        })
    }

    /// Writes the file (atomically), or removes it when no search is left.
    ///
    /// # Errors
    /// When it cannot be written.
    pub fn save(&self) -> Result<()> {
        if self.searches.is_empty() {
            return match std::fs::remove_file(&self.path) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(anyhow!(err))
                    .with_context(|| format!("cannot remove {}", display_path(&self.path))),
                _ => Ok(()),
            };
        }
        let file = File {
            version: 1,
            searches: self.searches.clone(),
        };
        let mut json = serde_json::to_vec_pretty(&file)?;
        json.push(b'\n');
        crate::store::write_atomically(&self.path, &json)
            .with_context(|| format!("cannot write {}", display_path(&self.path)))
    }

    /// The saved search named `name`.
    ///
    /// # Errors
    /// An unknown name.
    pub fn get(&self, name: &str) -> Result<&SavedSearch> {
        Ok(&self.searches[self.position(name)?])
    }

    /// Adds (or with `replace`, replaces) a saved search.
    ///
    /// # Errors
    /// A name that is not a plain word, or one already taken without `replace`.
    pub fn add(&mut self, search: SavedSearch, replace: bool) -> Result<()> {
        check_name(&search.name)?;
        match self.searches.iter_mut().find(|s| s.name == search.name) {
            Some(_) if !replace => bail!(
                "a saved search is already named `{}` (`seedsearch saved list`); pass --force to replace it",
                search.name
            ),
            Some(old) => *old = search,
            None => self.searches.push(search),
        }
        self.searches.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(())
    }

    /// Removes a saved search.
    ///
    /// # Errors
    /// An unknown name.
    pub fn remove(&mut self, name: &str) -> Result<SavedSearch> {
        let at = self.position(name)?;
        Ok(self.searches.remove(at))
    }

    /// Records that `name` has shown its matches through `generation`.
    ///
    /// # Errors
    /// An unknown name.
    pub fn seen(&mut self, name: &str, generation: u64) -> Result<()> {
        let at = self.position(name)?;
        self.searches[at].seen_through = generation;
        Ok(())
    }

    fn position(&self, name: &str) -> Result<usize> {
        self.searches
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| {
                anyhow!("no saved search is named `{name}`; `seedsearch saved list` shows them")
            })
    }
}

/// A saved search's name: letters, digits, `-`, `_` and `.`, at most 64 characters.
fn check_name(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !plain {
        bail!(
            "`{}` cannot name a saved search: use letters, digits, `-`, `_` and `.` (at most 64)",
            crate::query::quoted(name)
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_words() {
        for ok in ["poland-drones", "a.b_c", "Élection2025"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", "two words", "a/b", "x\u{1b}[31m", &"n".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn saved_searches_round_trip_and_refuse_a_taken_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut saved = Saved::load(dir.path()).unwrap();
        assert!(saved.searches.is_empty());
        let search = SavedSearch::of("drones", &Request::new("drone incursion"), 3);
        saved.add(search.clone(), false).unwrap();
        assert!(saved.add(search.clone(), false).is_err());
        saved.save().unwrap();
        let back = Saved::load(dir.path()).unwrap();
        assert_eq!(back.searches, [search]);
        let mut back = back;
        back.remove("drones").unwrap();
        back.save().unwrap();
        assert!(!dir.path().join(FILE).exists());
    }

    #[test]
    fn a_hand_edited_file_that_is_wrong_says_so() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            "{\"version\": 1, \"searches\": [{}]}",
        )
        .unwrap();
        let err = Saved::load(dir.path()).unwrap_err();
        assert!(
            format!("{err:#}").contains("not a saved-searches file"),
            "{err:#}"
        );
    }
}

//! Counts of what matched: how many matching articles and passages fall under each
//! collection, author, source, year and month, for `--facets` and `count`.
//!
//! A collector sees every match (after filters and boilerplate), reading the article key,
//! the text hash and each facet's value from fast fields; values are kept as dictionary
//! ordinals per segment and turned into strings once, when segments merge.

use std::collections::{BTreeMap, HashMap, HashSet};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::names;

/// What counts can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facet {
    /// The first folder of the article's path.
    Collection,
    /// Front-matter `author`.
    Author,
    /// Front-matter `source`.
    Source,
    /// Year of the front-matter `date`.
    Year,
    /// Month of the front-matter `date` (`2025-09`): the timeline.
    Month,
}

impl Facet {
    pub const ALL: [Facet; 5] = [
        Facet::Collection,
        Facet::Author,
        Facet::Source,
        Facet::Year,
        Facet::Month,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Facet::Collection => "collection",
            Facet::Author => "author",
            Facet::Source => "source",
            Facet::Year => "year",
            Facet::Month => "month",
        }
    }

    /// The facet named `name` (as `--facets` takes them).
    pub fn parse(name: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.as_str() == name.trim())
    }
}

/// How many matching articles and passages one value has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    pub value: String,
    /// Matching articles with this value.
    pub articles: usize,
    /// Their matching passages (a paragraph repeated in several articles counts once when
    /// duplicates fold).
    pub passages: usize,
}

/// The counts of each facet asked for, values by most articles first (months and years in
/// time order).
pub type Facets = BTreeMap<Facet, Vec<FacetCount>>;

/// Counts facet values over every match.
pub struct FacetCollector {
    pub facets: Vec<Facet>,
    /// Count a text found in several articles once per value.
    pub collapse: bool,
}

/// One match, as the counts need it: its article, text hash, and its value of each facet
/// (by the facet's index in the request; none when the article lacks the metadata).
#[derive(Debug, Clone)]
pub struct Seen {
    article: u64,
    phash: u64,
    values: Vec<(usize, String)>,
}

pub struct FacetSegment {
    facets: Vec<Facet>,
    article: Column<u64>,
    phash: Column<u64>,
    collection: Option<StrColumn>,
    author: Option<StrColumn>,
    source: Option<StrColumn>,
    date: Option<Column<tantivy::DateTime>>,
    /// Per match: its article, text hash, and (facet index, ordinal or date value).
    seen: Vec<Raw>,
}

/// One match in a segment: article, text hash, and each facet's raw value.
type Raw = (u64, u64, Vec<(usize, Value)>);

/// Per value of one facet: its articles, its texts, and its passages.
type Tallied = HashMap<String, (HashSet<u64>, HashSet<u64>, usize)>;

/// A facet value before it becomes a string: a dictionary ordinal, or a date.
#[derive(Debug, Clone, Copy)]
enum Value {
    Ord(u64),
    Date(i64),
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegment> {
        let fast = reader.fast_fields();
        let wants = |f: Facet| self.facets.contains(&f);
        Ok(FacetSegment {
            facets: self.facets.clone(),
            article: fast.u64(names::ARTICLE)?,
            phash: fast.u64(names::PHASH)?,
            collection: if wants(Facet::Collection) {
                fast.str(names::COLLECTION)?
            } else {
                None
            },
            author: if wants(Facet::Author) {
                fast.str(names::AUTHOR_VALUE)?
            } else {
                None
            },
            source: if wants(Facet::Source) {
                fast.str(names::SOURCE_VALUE)?
            } else {
                None
            },
            date: if wants(Facet::Year) || wants(Facet::Month) {
                Some(fast.date(names::DATE)?)
            } else {
                None
            },
            seen: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Seen>>) -> tantivy::Result<Facets> {
        Ok(tally(
            &self.facets,
            fruits.into_iter().flatten(),
            self.collapse,
        ))
    }
}

impl SegmentCollector for FacetSegment {
    type Fruit = Vec<Seen>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let mut values = Vec::new();
        for (i, facet) in self.facets.iter().enumerate() {
            let column = match facet {
                Facet::Collection => self.collection.as_ref(),
                Facet::Author => self.author.as_ref(),
                Facet::Source => self.source.as_ref(),
                Facet::Year | Facet::Month => {
                    if let Some(date) = self.date.as_ref().and_then(|d| d.first(doc)) {
                        values.push((i, Value::Date(date.into_timestamp_secs())));
                    }
                    continue;
                }
            };
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    values.push((i, Value::Ord(ord)));
                }
            }
        }
        self.seen.push((
            self.article.first(doc).unwrap_or(0),
            self.phash.first(doc).unwrap_or(0),
            values,
        ));
    }

    fn harvest(self) -> Vec<Seen> {
        let mut strings: HashMap<(usize, u64), String> = HashMap::new();
        let mut text = String::new();
        let mut out = Vec::with_capacity(self.seen.len());
        for (article, phash, values) in self.seen {
            let mut named = Vec::new();
            for (i, value) in values {
                let shown = match value {
                    Value::Date(secs) => date_key(self.facets[i], secs),
                    Value::Ord(ord) => {
                        if let Some(s) = strings.get(&(i, ord)) {
                            Some(s.clone())
                        } else {
                            let column = match self.facets[i] {
                                Facet::Collection => self.collection.as_ref(),
                                Facet::Author => self.author.as_ref(),
                                Facet::Source => self.source.as_ref(),
                                Facet::Year | Facet::Month => None,
                            };
                            text.clear();
                            let found = column
                                .and_then(|c| c.ord_to_str(ord, &mut text).ok())
                                .unwrap_or(false);
                            found.then(|| {
                                strings.insert((i, ord), text.clone());
                                text.clone()
                            })
                        }
                    }
                };
                if let Some(shown) = shown {
                    named.push((i, shown));
                }
            }
            out.push(Seen {
                article,
                phash,
                values: named,
            });
        }
        out
    }
}

/// `2025` or `2025-09` for a date in seconds.
fn date_key(facet: Facet, secs: i64) -> Option<String> {
    let date = tantivy::time::OffsetDateTime::from_unix_timestamp(secs).ok()?;
    Some(match facet {
        Facet::Year => format!("{:04}", date.year()),
        _ => format!("{:04}-{:02}", date.year(), u8::from(date.month())),
    })
}

/// Counts the matches under each value.
fn tally(facets: &[Facet], seen: impl Iterator<Item = Seen>, collapse: bool) -> Facets {
    let mut counts: Vec<Tallied> = vec![HashMap::new(); facets.len()];
    for s in seen {
        for (i, value) in &s.values {
            let Some(of_facet) = counts.get_mut(*i) else {
                continue;
            };
            let entry = of_facet.entry(value.clone()).or_default();
            entry.0.insert(s.article);
            entry.1.insert(s.phash);
            entry.2 += 1;
        }
    }
    let mut out = Facets::new();
    for (facet, values) in facets.iter().zip(counts) {
        let mut list: Vec<FacetCount> = values
            .into_iter()
            .map(|(value, (articles, texts, passages))| FacetCount {
                value,
                articles: articles.len(),
                passages: if collapse { texts.len() } else { passages },
            })
            .collect();
        match facet {
            Facet::Year | Facet::Month => list.sort_by(|a, b| a.value.cmp(&b.value)),
            _ => list.sort_by(|a, b| {
                b.articles
                    .cmp(&a.articles)
                    .then(b.passages.cmp(&a.passages))
                    .then(a.value.cmp(&b.value))
            }),
        }
        out.insert(*facet, list);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(article: u64, phash: u64, values: &[&str]) -> Seen {
        Seen {
            article,
            phash,
            values: values.iter().map(|v| (0, v.to_string())).collect(),
        }
    }

    #[test]
    fn values_count_articles_and_passages_most_articles_first() {
        let all = vec![
            seen(1, 10, &["sport"]),
            seen(1, 11, &["sport"]),
            seen(2, 12, &["sport"]),
            seen(3, 13, &["politics"]),
            seen(4, 10, &["politics"]),
        ];
        let f = tally(&[Facet::Collection], all.clone().into_iter(), false);
        let got: Vec<(String, usize, usize)> = f[&Facet::Collection]
            .iter()
            .map(|c| (c.value.clone(), c.articles, c.passages))
            .collect();
        assert_eq!(
            got,
            [("sport".into(), 2, 3), ("politics".into(), 2, 2)],
            "ties go by passages"
        );
    }

    #[test]
    fn months_are_in_time_order() {
        let all = vec![seen(1, 1, &["2025-09"]), seen(2, 2, &["2024-12"])];
        let f = tally(&[Facet::Month], all.into_iter(), true);
        let months: Vec<&str> = f[&Facet::Month].iter().map(|c| c.value.as_str()).collect();
        assert_eq!(months, ["2024-12", "2025-09"]);
    }

    #[test]
    fn dates_become_years_and_months() {
        assert_eq!(
            date_key(Facet::Year, 1_757_548_800).as_deref(),
            Some("2025")
        );
        assert_eq!(
            date_key(Facet::Month, 1_757_548_800).as_deref(),
            Some("2025-09")
        );
    }
}

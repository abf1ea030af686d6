//! Collectors that see every matching passage: [`Tally`] counts what paging can reach and
//! which articles have passages that match; [`Every`] keeps every match with its score
//! (for the few lead passages a headline query finds).
//!
//! Both go through tantivy's unpruned path (`Weight::for_each`), so a passage scores the
//! same in every round of a search, whatever the segments.

use std::collections::HashSet;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::names;

/// One matching passage as counting needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Counted {
    pub article: u64,
    pub phash: u64,
}

/// Every match's article and text hash.
pub struct Tally;

pub struct TallySegment {
    article: Column<u64>,
    phash: Column<u64>,
    seen: Vec<Counted>,
}

impl Collector for Tally {
    type Fruit = Vec<Counted>;
    type Child = TallySegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<TallySegment> {
        let fast = reader.fast_fields();
        Ok(TallySegment {
            article: fast.u64(names::ARTICLE)?,
            phash: fast.u64(names::PHASH)?,
            seen: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Counted>>) -> tantivy::Result<Vec<Counted>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for TallySegment {
    type Fruit = Vec<Counted>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.seen.push(Counted {
            article: self.article.first(doc).unwrap_or(0),
            phash: self.phash.first(doc).unwrap_or(0),
        });
    }

    fn harvest(self) -> Vec<Counted> {
        self.seen
    }
}

/// What a tally says about the matches, once folded and limited as a request asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passages that matched.
    pub passages: usize,
    /// Results paging can reach: passages once the same text is folded into one result
    /// and each article keeps at most `per_doc`.
    pub results: usize,
}

/// Counts `seen` as a request folds and limits it. With both folding and a per-article
/// limit, which article leads a folded result depends on the ranking; the count then
/// takes each text in the article where it is most common, which can overcount by the
/// few texts shared between articles that hit their limit.
pub fn count(mut seen: Vec<Counted>, collapse: bool, per_doc: Option<usize>) -> Counts {
    let passages = seen.len();
    let results = match (collapse, per_doc) {
        (false, None) => passages,
        (true, None) => {
            let distinct: HashSet<u64> = seen.iter().map(|c| c.phash).collect();
            distinct.len()
        }
        (collapse, Some(max)) => {
            seen.sort_unstable();
            if collapse {
                seen.dedup();
            }
            let mut results = 0;
            let mut texts: HashSet<u64> = HashSet::new();
            for run in seen.chunk_by(|a, b| a.article == b.article) {
                let fresh = run
                    .iter()
                    .filter(|c| !collapse || texts.insert(c.phash))
                    .count();
                results += fresh.min(max);
            }
            results
        }
    };
    Counts { passages, results }
}

/// Every match with its score.
pub struct Every;

pub struct EverySegment {
    segment: SegmentOrdinal,
    found: Vec<(Score, DocAddress)>,
}

impl Collector for Every {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = EverySegment;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<EverySegment> {
        Ok(EverySegment {
            segment,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<Vec<(Score, DocAddress)>>,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for EverySegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.found.push((score, DocAddress::new(self.segment, doc)));
    }

    fn harvest(self) -> Vec<(Score, DocAddress)> {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(article: u64, phash: u64) -> Counted {
        Counted { article, phash }
    }

    #[test]
    fn counts_fold_texts_and_limit_articles() {
        let seen = vec![c(1, 10), c(1, 11), c(1, 12), c(2, 10), c(3, 13)];
        assert_eq!(count(seen.clone(), false, None).results, 5);
        assert_eq!(count(seen.clone(), true, None).results, 4);
        assert_eq!(count(seen.clone(), false, Some(1)).results, 3);
        assert_eq!(count(seen.clone(), false, Some(2)).results, 4);
        // Text 10 counts once, in article 1; article 2 has nothing else.
        assert_eq!(count(seen, true, Some(1)).results, 2);
    }
}

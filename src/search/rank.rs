//! Ordering, folding and per-article limits of matching passages: pure functions over
//! [`Candidate`]s, so ranking rules are unit-tested without an index.
//!
//! Candidates arrive from the index in any order. [`order`] sorts them deterministically
//! (date first when sorting by date, then score, then doc_id and passage number), so the
//! output never depends on how the index happens to be segmented; [`arrange`] then folds
//! passages with the same text into one group listing every source, and applies
//! `--per-doc`.

use std::collections::HashMap;

use tantivy::DocAddress;

/// A passage that matched, with what ordering and folding need (all from fast fields).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Article date in seconds (`i64::MIN` when undated); 0 for every candidate unless
    /// sorting by date.
    pub date: i64,
    pub score: f32,
    pub address: DocAddress,
    /// The article's key.
    pub article: u64,
    /// The passage's text hash.
    pub phash: u64,
    /// 1-based passage number.
    pub passage: u64,
    /// The first 8 bytes of the primary doc_id (see [`crate::schema::doc_key`]).
    pub doc_key: u64,
}

/// A hit before its stored fields are read: the best candidate and its duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub lead: Candidate,
    pub duplicates: Vec<Candidate>,
}

/// How to fold and limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrangement {
    /// Fold passages with the same text into one group.
    pub collapse: bool,
    /// At most this many groups per article.
    pub per_doc: Option<usize>,
}

/// Sorts `candidates`: newest date first, then best score, then doc_id, then passage.
/// Equal 8-byte doc_id prefixes are settled with the full doc_ids, which `doc_id_of`
/// reads (only for candidates that tie on everything before).
///
/// # Errors
/// What `doc_id_of` returns.
pub fn order<E>(
    candidates: &mut [Candidate],
    mut doc_id_of: impl FnMut(&Candidate) -> Result<String, E>,
) -> Result<(), E> {
    candidates.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| b.score.total_cmp(&a.score))
            .then_with(|| a.doc_key.cmp(&b.doc_key))
            .then_with(|| a.passage.cmp(&b.passage))
    });
    let mut start = 0;
    while start < candidates.len() {
        let mut end = start + 1;
        while end < candidates.len()
            && candidates[end].date == candidates[start].date
            && candidates[end].score == candidates[start].score
            && candidates[end].doc_key == candidates[start].doc_key
        {
            end += 1;
        }
        if end - start > 1 {
            let mut keyed = Vec::with_capacity(end - start);
            for c in &candidates[start..end] {
                keyed.push((doc_id_of(c)?, c.passage, c.clone()));
            }
            keyed.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
            for (slot, (_, _, c)) in candidates[start..end].iter_mut().zip(keyed) {
                *slot = c;
            }
        }
        start = end;
    }
    Ok(())
}

/// Folds duplicates and applies the per-article limit, keeping the order of `candidates`
/// (which [`order`] sorted): a group's lead is its best-ranked passage.
pub fn arrange(candidates: Vec<Candidate>, how: Arrangement) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_text: HashMap<u64, usize> = HashMap::new();
    let mut per_article: HashMap<u64, usize> = HashMap::new();
    for candidate in candidates {
        if how.collapse {
            if let Some(&i) = by_text.get(&candidate.phash) {
                groups[i].duplicates.push(candidate);
                continue;
            }
        }
        if let Some(max) = how.per_doc {
            let count = per_article.entry(candidate.article).or_default();
            if *count >= max {
                continue;
            }
            *count += 1;
        }
        by_text.insert(candidate.phash, groups.len());
        groups.push(Group {
            lead: candidate,
            duplicates: Vec::new(),
        });
    }
    groups
}

/// Keeps each article's groups together, in the order of its best one (for
/// `--per-doc`): articles by their best passage, and within an article its passages in
/// rank order.
pub fn together(groups: Vec<Group>) -> Vec<Group> {
    let mut order: Vec<u64> = Vec::new();
    let mut by_article: HashMap<u64, Vec<Group>> = HashMap::new();
    for group in groups {
        let article = group.lead.article;
        if !by_article.contains_key(&article) {
            order.push(article);
        }
        by_article.entry(article).or_default().push(group);
    }
    order
        .into_iter()
        .flat_map(|article| by_article.remove(&article).unwrap_or_default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn candidate(doc: u32, score: f32, article: u64, phash: u64, passage: u64) -> Candidate {
        Candidate {
            date: 0,
            score,
            address: DocAddress::new(0, doc),
            article,
            phash,
            passage,
            doc_key: article,
        }
    }

    fn docs(groups: &[Group]) -> Vec<u32> {
        groups.iter().map(|g| g.lead.address.doc_id).collect()
    }

    const ALL: Arrangement = Arrangement {
        collapse: false,
        per_doc: None,
    };

    #[test]
    fn higher_scores_come_first_and_ties_go_by_doc_then_passage() {
        let mut c = vec![
            candidate(0, 1.0, 2, 10, 1),
            candidate(1, 3.0, 9, 11, 1),
            candidate(2, 1.0, 1, 12, 5),
            candidate(3, 1.0, 1, 13, 2),
        ];
        order(&mut c, |_| Ok::<_, Infallible>(String::new())).unwrap();
        let got: Vec<u32> = c.iter().map(|c| c.address.doc_id).collect();
        assert_eq!(got, [1, 3, 2, 0]);
    }

    #[test]
    fn equal_doc_key_prefixes_are_settled_by_the_full_doc_id() {
        // Same 8-byte prefix, same score: the full doc_ids decide, whatever segment order.
        let mut c = vec![candidate(0, 1.0, 7, 1, 1), candidate(1, 1.0, 7, 2, 1)];
        let names = ["copy10/sport/001", "copy1/sport/001"];
        let mut reads = 0;
        order(&mut c, |c| {
            reads += 1;
            Ok::<_, Infallible>(names[c.address.doc_id as usize].to_string())
        })
        .unwrap();
        assert_eq!(reads, 2);
        assert_eq!(c[0].address.doc_id, 1, "copy1/… sorts before copy10/…");
    }

    #[test]
    fn dates_come_before_scores_when_set() {
        let mut old = candidate(0, 9.0, 1, 1, 1);
        old.date = 100;
        let mut new = candidate(1, 1.0, 2, 2, 1);
        new.date = 200;
        let mut c = vec![old, new];
        order(&mut c, |_| Ok::<_, Infallible>(String::new())).unwrap();
        assert_eq!(c[0].address.doc_id, 1);
    }

    #[test]
    fn the_same_text_folds_into_the_best_ranked_passage() {
        let c = vec![
            candidate(0, 3.0, 1, 42, 1),
            candidate(1, 2.0, 2, 7, 1),
            candidate(2, 1.0, 3, 42, 4),
        ];
        let folded = arrange(
            c.clone(),
            Arrangement {
                collapse: true,
                ..ALL
            },
        );
        assert_eq!(docs(&folded), [0, 1]);
        assert_eq!(folded[0].duplicates.len(), 1);
        assert_eq!(folded[0].duplicates[0].address.doc_id, 2);
        assert_eq!(docs(&arrange(c, ALL)), [0, 1, 2]);
    }

    #[test]
    fn per_doc_keeps_the_best_passages_of_each_article() {
        let c = vec![
            candidate(0, 5.0, 1, 1, 1),
            candidate(1, 4.0, 1, 2, 2),
            candidate(2, 3.0, 2, 3, 1),
            candidate(3, 2.0, 1, 4, 3),
        ];
        let one = arrange(
            c.clone(),
            Arrangement {
                per_doc: Some(1),
                ..ALL
            },
        );
        assert_eq!(docs(&one), [0, 2]);
        let two = arrange(
            c,
            Arrangement {
                per_doc: Some(2),
                ..ALL
            },
        );
        assert_eq!(docs(&two), [0, 1, 2]);
    }

    #[test]
    fn per_doc_keeps_an_articles_passages_together() {
        let c = vec![
            candidate(0, 5.0, 1, 1, 1),
            candidate(1, 4.0, 2, 2, 1),
            candidate(2, 3.0, 1, 3, 2),
            candidate(3, 2.0, 2, 4, 2),
        ];
        let groups = arrange(
            c,
            Arrangement {
                per_doc: Some(2),
                ..ALL
            },
        );
        assert_eq!(docs(&together(groups)), [0, 2, 1, 3]);
    }

    #[test]
    fn a_folded_duplicate_does_not_use_up_its_articles_quota() {
        // Passage 1 of article 2 repeats article 1's text: folded, it is not article 2's
        // first group, so article 2's own passage still shows with per_doc 1.
        let c = vec![
            candidate(0, 5.0, 1, 9, 1),
            candidate(1, 4.0, 2, 9, 1),
            candidate(2, 3.0, 2, 3, 2),
        ];
        let got = arrange(
            c,
            Arrangement {
                collapse: true,
                per_doc: Some(1),
            },
        );
        assert_eq!(docs(&got), [0, 2]);
    }
}

//! The repeated-paragraph rule: a paragraph found in several articles that are not copies
//! of one story is a publisher's promo, a footer or an author's bio, and so boilerplate.
//!
//! Decided across the whole collection from the manifest (each article's passage hashes),
//! once per sync; searches and views only look the result up (see
//! [`crate::store::Repeated`]).

use crate::corpus::ContentHash;
use crate::manifest::Manifest;
use crate::store::Repeated;

/// A paragraph found in at least this many otherwise unrelated articles is boilerplate,
/// unless the index was built with another value.
pub const DEFAULT_BOILERPLATE_REPEATS: u32 = 3;

/// Two articles sharing at least this fraction of the content passages of the smaller one
/// are copies of one story (a wire story reprinted), not unrelated articles.
const SAME_STORY_SHARE: f64 = 0.5;

/// The text hashes of paragraphs that are boilerplate because they repeat: found in at
/// least `threshold` articles that are not copies of one story (articles sharing half
/// their paragraphs or more are copies). A publisher's promo or an author's bio at the end
/// of every article qualifies; a wire story reprinted by three outlets does not. A
/// threshold below 2 turns the rule off.
pub fn repeated_paragraphs(manifest: &Manifest, threshold: u32) -> Repeated {
    let threshold = threshold as usize;
    if threshold < 2 {
        return Repeated::default();
    }
    let articles: Vec<&[u64]> = manifest
        .articles
        .values()
        .map(|a| a.phashes.as_slice())
        .collect();
    // (paragraph, article) pairs sorted by paragraph: each run is one paragraph's holders.
    // One sort of flat pairs instead of a map of vectors: no allocation per paragraph.
    let mut pairs: Vec<(u64, u32)> = Vec::with_capacity(articles.iter().map(|a| a.len()).sum());
    for (i, phashes) in articles.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        pairs.extend(phashes.iter().map(|&h| (h, i)));
    }
    pairs.sort_unstable();
    let mut repeated = Vec::new();
    for run in pairs.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < threshold {
            continue;
        }
        let h = run[0].0;
        // Greedy clustering into stories: stop as soon as there are enough.
        let mut stories: Vec<usize> = Vec::new();
        for &(_, a) in run {
            let a = a as usize;
            let copy = stories
                .iter()
                .any(|&s| same_story(articles[a], articles[s], h));
            if !copy {
                stories.push(a);
                if stories.len() >= threshold {
                    repeated.push(h);
                    break;
                }
            }
        }
    }
    Repeated::new(repeated)
}

/// The articles that are copies of the article `hash` (the same story, reprinted: they
/// share at least half of the smaller one's paragraphs), itself left out.
pub fn copies_of(manifest: &Manifest, hash: ContentHash) -> Vec<ContentHash> {
    let Some(own) = manifest.articles.get(&hash) else {
        return Vec::new();
    };
    manifest
        .articles
        .iter()
        .filter(|(other, record)| {
            **other != hash
                && !record.phashes.is_empty()
                && !own.phashes.is_empty()
                && shares_half(&own.phashes, &record.phashes)
        })
        .map(|(other, _)| *other)
        .collect()
}

/// Whether two articles (sorted passage hashes) share at least [`SAME_STORY_SHARE`] of the
/// smaller one's paragraphs.
fn shares_half(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / a.len().min(b.len()) as f64 >= SAME_STORY_SHARE
}

/// Whether two articles (sorted passage hashes) that both contain the paragraph `h` are
/// copies of one story: apart from `h`, they share at least [`SAME_STORY_SHARE`] of the
/// smaller one's paragraphs. Articles with nothing but `h` cannot be told apart and count
/// as copies, so the rule errs towards keeping content.
fn same_story(a: &[u64], b: &[u64], h: u64) -> bool {
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if a[i] != h {
                    shared += 1;
                }
                i += 1;
                j += 1;
            }
        }
    }
    let others = a.len().min(b.len()).saturating_sub(1);
    others == 0 || shared as f64 / others as f64 >= SAME_STORY_SHARE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::ContentHash;
    use crate::manifest::ArticleRecord;

    fn manifest_of(articles: &[&[u64]]) -> Manifest {
        let mut manifest = Manifest::default();
        for (i, phashes) in articles.iter().enumerate() {
            manifest.articles.insert(
                ContentHash(i as u128),
                ArticleRecord {
                    phashes: phashes.to_vec(),
                    ..ArticleRecord::default()
                },
            );
        }
        manifest
    }

    #[test]
    fn a_bio_in_three_unrelated_articles_is_repeated() {
        let bio = 99;
        let m = manifest_of(&[&[1, bio], &[2, bio], &[3, bio]]);
        assert_eq!(repeated_paragraphs(&m, 3).hashes(), [bio]);
        assert!(repeated_paragraphs(&m, 4).is_empty());
        assert!(repeated_paragraphs(&m, 0).is_empty());
    }

    #[test]
    fn copies_of_one_story_are_not_repeated_boilerplate() {
        let m = manifest_of(&[&[1, 2, 3], &[1, 2, 3, 4], &[1, 2, 3], &[1, 2, 5]]);
        assert!(repeated_paragraphs(&m, 3).is_empty());
        // Articles that are only the paragraph cannot be told apart from copies.
        let m = manifest_of(&[&[7], &[7], &[7]]);
        assert!(repeated_paragraphs(&m, 3).is_empty());
    }
}

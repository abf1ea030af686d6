//! Searches on indexes built in memory: query compilation, ranking, ties, folding and
//! `--per-doc`, without spawning the binary.

use std::collections::BTreeMap;

use tantivy::TantivyDocument;

use super::*;
use crate::article::passage_hash;
use crate::schema::{ArticleFields, PassageFields};
use crate::store::Store;

/// An article for [`engine`]: doc_id, title, passages.
type Article<'a> = (&'a str, &'a str, &'a [&'a str]);

/// An engine over these articles, one commit (and so one segment at least) per batch.
fn engine(batches: &[&[Article]]) -> Engine {
    let store = Store::in_ram();
    let fields = store.fields;
    let mut writer: tantivy::IndexWriter<TantivyDocument> =
        store.index.writer_with_num_threads(1, 15_000_000).unwrap();
    let metadata = BTreeMap::new();
    for batch in batches {
        for (doc_id, title, passages) in *batch {
            let files = vec![(doc_id.to_string(), format!("{doc_id}.txt"))];
            let base = fields.article_document(&ArticleFields {
                key: schema::doc_key(doc_id) ^ 0x5eed,
                files: &files,
                title,
                metadata: &metadata,
                date: None,
                title_tokens: crate::analyzer::count_terms(title),
            });
            for (i, text) in passages.iter().enumerate() {
                let number = u32::try_from(i).unwrap() + 1;
                let doc = fields.passage_document(
                    &base,
                    &PassageFields {
                        number,
                        section: None,
                        text,
                        line_start: number * 2 + 1,
                        line_end: number * 2 + 1,
                        boilerplate: false,
                        phash: passage_hash(text),
                        lead: i == 0,
                        section_tokens: 0,
                        text_tokens: crate::analyzer::count_terms(text),
                        first_seen: 1,
                    },
                );
                writer.add_document(doc).unwrap();
            }
        }
        writer.commit().unwrap();
    }
    let reader = store.index.reader().unwrap();
    Engine::new(reader, fields, &Payload::default())
}

fn search(engine: &Engine, query: &str) -> Results {
    engine.search(&Request::new(query)).unwrap()
}

fn ids(results: &Results) -> Vec<(String, u32)> {
    results
        .hits
        .iter()
        .map(|h| (h.doc_id.clone(), h.passage))
        .collect()
}

fn id(doc: &str, passage: u32) -> (String, u32) {
    (doc.to_string(), passage)
}

#[test]
fn passages_with_more_and_closer_query_words_rank_first() {
    let e = engine(&[&[
        (
            "far",
            "Far",
            &["The incursion was late, long after the drone had left."],
        ),
        (
            "near",
            "Near",
            &["The drone incursion was late, long after it left."],
        ),
        (
            "one",
            "One",
            &["A drone flew over the fields near the border."],
        ),
    ]]);
    let r = search(&e, "drone incursion");
    assert_eq!(ids(&r), [id("near", 1), id("far", 1), id("one", 1)]);
    assert!(r.hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn required_excluded_and_phrase_clauses_compile_as_written() {
    let e = engine(&[&[
        ("a", "A", &["Drones crossed the border at night."]),
        ("b", "B", &["Drones and missiles crossed into Belarus."]),
        ("c", "C", &["Missiles were fired at the border."]),
    ]]);
    assert_eq!(
        ids(&search(&e, "+missiles drones")),
        [id("b", 1), id("c", 1)]
    );
    assert_eq!(ids(&search(&e, "drones -belarus")), [id("a", 1)]);
    assert_eq!(ids(&search(&e, "\"the border\"")).len(), 2);
    assert!(search(&e, "\"border the\"").hits.is_empty());
}

#[test]
fn equal_scores_are_ordered_by_doc_id_then_passage_whatever_the_segments() {
    // The same text in four articles, committed in two segments in scrambled order:
    // equal scores, so doc_id decides (folding off, to see every passage).
    let text: &[&str] = &["Ceasefire talks resumed in Geneva."];
    let e = engine(&[
        &[("copy10/b", "T", text), ("copy2/a", "T", text)],
        &[("copy1/z", "T", text), ("copy1/a", "T", text)],
    ]);
    let r = e
        .search(&Request {
            collapse: false,
            ..Request::new("ceasefire")
        })
        .unwrap();
    let order: Vec<&str> = r.hits.iter().map(|h| h.doc_id.as_str()).collect();
    assert_eq!(order, ["copy1/a", "copy1/z", "copy10/b", "copy2/a"]);
}

#[test]
fn the_same_paragraph_in_several_articles_is_one_hit_listing_every_source() {
    let shared = "A wire story paragraph about the summit in Oslo.";
    let e = engine(&[&[
        ("x", "X", &[shared, "Other news."]),
        ("y", "Y", &["Something else.", shared]),
    ]]);
    let r = search(&e, "summit oslo");
    assert_eq!(r.hits.len(), 1);
    assert_eq!((r.total_hits, r.matched_passages), (1, 2));
    let also: Vec<(&str, u32)> = r.hits[0]
        .also_in
        .iter()
        .map(|s| (s.doc_id.as_str(), s.passage))
        .collect();
    assert_eq!(also, [("y", 2)]);
    let unfolded = e
        .search(&Request {
            collapse: false,
            ..Request::new("summit oslo")
        })
        .unwrap();
    assert_eq!(unfolded.hits.len(), 2);
}

#[test]
fn per_doc_limits_the_passages_of_each_article() {
    let e = engine(&[&[
        (
            "long",
            "Long",
            &[
                "Flood waters rose in the valley.",
                "Flood defences failed in town.",
                "The flood reached the station.",
            ],
        ),
        ("short", "Short", &["A flood warning was issued."]),
    ]]);
    let all = search(&e, "flood");
    assert_eq!(all.hits.len(), 4);
    let limited = e
        .search(&Request {
            per_doc: Some(1),
            ..Request::new("flood")
        })
        .unwrap();
    let docs: Vec<&str> = limited.hits.iter().map(|h| h.doc_id.as_str()).collect();
    assert_eq!(docs.len(), 2);
    assert!(docs.contains(&"long") && docs.contains(&"short"));
}

#[test]
fn paging_continues_where_the_last_page_ended() {
    let texts: Vec<String> = (0..7)
        .map(|i| format!("The ceasefire held on day {i}."))
        .collect();
    let articles: Vec<(String, Vec<&str>)> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("a{i}"), vec![t.as_str()]))
        .collect();
    let batch: Vec<Article> = articles
        .iter()
        .map(|(d, p)| (d.as_str(), "T", p.as_slice()))
        .collect();
    let e = engine(&[&batch]);
    let all = e
        .search(&Request {
            limit: 100,
            ..Request::new("ceasefire")
        })
        .unwrap();
    let page = e
        .search(&Request {
            limit: 3,
            offset: 3,
            ..Request::new("ceasefire")
        })
        .unwrap();
    assert_eq!(ids(&page), ids(&all)[3..6]);
    let ranks: Vec<usize> = page.hits.iter().map(|h| h.rank).collect();
    assert_eq!(ranks, [4, 5, 6]);
}

#[test]
fn malformed_filter_values_are_query_errors() {
    let e = engine(&[&[("a", "A", &["Text."])]]);
    for query in ["date:2025-13-45", "collection:[a TO b]", "date:x*"] {
        assert!(
            matches!(e.search(&Request::new(query)), Err(SearchError::Query(_))),
            "{query}"
        );
    }
}

#[test]
fn a_headline_match_lifts_its_articles_passages() {
    let e = engine(&[&[
        (
            "plain",
            "Weather",
            &["Drones flew over the border at night."],
        ),
        (
            "poland",
            "Poland on alert",
            &["Drones flew over the border at dawn."],
        ),
        ("x1", "Other", &["Nothing about it."]),
        ("x2", "More", &["Still nothing."]),
    ]]);
    let r = search(&e, "poland drones");
    assert_eq!(r.hits[0].doc_id, "poland", "{r:?}");
    assert!(r.hits[0].score > r.hits[1].score, "{r:?}");
}

#[test]
fn a_passage_that_covers_more_of_the_query_outranks_a_short_one_with_less() {
    let e = engine(&[&[
        ("lead", "Deal", &["Alfa-Eco sells Sun Interbrew stake."]),
        (
            "detail",
            "Brewers",
            &[
                "Alfa-Eco held a one-fifth stake in Sun Interbrew, worth millions, before \
               Inbev took control of the Russian brewer last year after long talks.",
            ],
        ),
        (
            "x",
            "Other",
            &["Unrelated news about the weather in Moscow."],
        ),
    ]]);
    let r = search(&e, "Alfa-Eco Sun Interbrew stake Inbev control");
    assert_eq!(r.hits[0].doc_id, "detail", "{r:?}");
}

#[test]
fn function_words_season_the_score_but_never_make_a_passage_match() {
    let e = engine(&[&[
        ("sale", "Auction", &["Yuganskneftegaz was sold at auction."]),
        ("guts", "Talk", &["How much was it, and what for?"]),
    ]]);
    let r = search(&e, "how much was Yuganskneftegaz sold for");
    assert_eq!(ids(&r), [id("sale", 1)]);
    // A query of function words alone still finds them.
    assert!(!search(&e, "how much").hits.is_empty());
}

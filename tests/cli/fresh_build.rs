//! An updated index answers as a fresh build: after `remove` and edits, the hits, their
//! order and their scores equal those of an index built from scratch on the same folder
//! (the example: removing `tech/` moved 13 of the top 20 of `mobile phone market`).
//! tests/fresh_build.rs checks the same over random sequences of changes.

use crate::harness::{Hit, Project};

/// `n` articles under `dir`, each with several paragraphs in which the words of `topic`
/// come back at a rate that depends on the article, so document frequencies and lengths
/// differ from folder to folder.
fn articles(p: &Project, dir: &str, n: usize, topic: &[&str]) {
    let common = [
        "company",
        "said",
        "year",
        "customers",
        "growth",
        "report",
        "analysts",
        "sales",
        "network",
        "price",
        "europe",
        "launch",
    ];
    for i in 0..n {
        let mut body = String::new();
        for para in 0..4 {
            let mut words = Vec::new();
            for w in 0..(12 + (i * 5 + para * 7) % 30) {
                if (w + i + para) % (2 + i % 4) == 0 {
                    words.push(topic[(w + para) % topic.len()]);
                } else {
                    words.push(common[(i * 3 + para * 5 + w * 7) % common.len()]);
                }
            }
            body.push_str(&format!("{}.\n\n", words.join(" ")));
        }
        p.write(
            &format!("{dir}/{i:03}.txt"),
            format!("{} report {i}\n\n{body}", topic[i % topic.len()]),
        );
    }
}

fn top20(p: &Project, index: &str, query: &str) -> Vec<Hit> {
    p.search(query, &["--index", index, "-n", "20", "--no-sync"])
        .hits
}

/// The two rankings agree: same passages in the same order, scores within float noise.
fn assert_same_ranking(updated: &[Hit], fresh: &[Hit], query: &str) {
    let key = |h: &Hit| (h.doc_id.clone(), h.passage);
    assert_eq!(
        updated.iter().map(key).collect::<Vec<_>>(),
        fresh.iter().map(key).collect::<Vec<_>>(),
        "{query}: ranking differs from a fresh build's"
    );
    for (a, b) in updated.iter().zip(fresh) {
        assert!(
            (a.score - b.score).abs() <= 1e-4 * b.score.abs().max(1.0),
            "{query}: {}:{} scores {} after the update, {} in a fresh build",
            a.doc_id,
            a.passage,
            a.score,
            b.score
        );
    }
}

#[test]
fn removing_a_folder_scores_as_a_fresh_build() {
    let p = Project::new();
    articles(&p, "tech", 20, &["mobile", "phone", "market", "handset"]);
    articles(&p, "business", 20, &["market", "shares", "phone", "mobile"]);
    articles(&p, "world", 10, &["market", "election", "border"]);
    p.index(&[]);
    let tech: Vec<String> = (0..20).map(|i| format!("tech/{i:03}")).collect();
    let mut args = vec!["remove", "--quiet"];
    args.extend(tech.iter().map(String::as_str));
    let run = p.run(&args);
    assert_eq!(run.code, 0, "{run:?}");
    // An edit in place, too: one article's text changes.
    articles(&p, "world", 1, &["mobile", "market"]);
    p.index(&[]);

    let run = p.run(&["--index", "fresh", "index", "--quiet"]);
    assert_eq!(run.code, 0, "{run:?}");
    for query in ["mobile phone market", "market", "handset shares"] {
        let updated = top20(&p, "index", query);
        let fresh = top20(&p, "fresh", query);
        assert!(updated.len() >= 10, "{query}: {} hits", updated.len());
        assert!(updated.iter().all(|h| !h.doc_id.starts_with("tech/")));
        assert_same_ranking(&updated, &fresh, query);
    }
}

fn stats(p: &Project, index: &str) -> serde_json::Value {
    let run = p.run(&["--index", index, "stats", "--format", "json", "--quiet"]);
    assert_eq!(run.code, 0, "{run:?}");
    serde_json::from_str(&run.stdout).unwrap()
}

/// `stats` counted the terms of removed passages too: tantivy keeps them in the term
/// dictionary until segments merge, so `distinct_terms` after a `remove` or an edit was
/// the count of everything ever indexed, not that of a fresh build (found by bench/crash).
#[test]
fn stats_after_removes_and_edits_count_only_the_terms_left() {
    let p = Project::new();
    articles(&p, "tech", 8, &["mobile", "phone", "handset"]);
    articles(&p, "world", 8, &["election", "border"]);
    p.write("world/odd.txt", "Zanzibar\n\nQuixotic xylophones.\n");
    p.index(&[]);
    let run = p.run(&["remove", "--quiet", "tech/000", "tech/001", "tech/002"]);
    assert_eq!(run.code, 0, "{run:?}");
    p.write("world/odd.txt", "Plain\n\nAn ordinary paragraph.\n");
    p.index(&[]);
    let run = p.run(&["--index", "fresh", "index", "--quiet"]);
    assert_eq!(run.code, 0, "{run:?}");
    let (updated, fresh) = (stats(&p, "index"), stats(&p, "fresh"));
    for key in ["files", "articles", "passages", "distinct_terms"] {
        assert_eq!(updated[key], fresh[key], "{key}");
    }
}

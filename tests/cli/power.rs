//! Power search: the article view, counts by facet, explanations, similar passages,
//! saved searches with alerts, vimgrep output, batch lines with options, the manual.

use serde_json::Value;

use crate::harness::Project;

/// Three sport articles and two politics ones, with authors and dates.
fn desk() -> Project {
    let p = Project::new();
    p.write(
        "sport/a.md",
        "---\ntitle: Flood stops play\nauthor: Ann Lee\ndate: 2025-08-02\n---\n\n\
         The flood reached the ground before noon.\n\nPlay was stopped.\n\n\
         Groundsmen cleared the flood water by evening.\n",
    )
    .write(
        "sport/b.md",
        "---\ntitle: Cup final\nauthor: Ann Lee\ndate: 2025-09-10\n---\n\n\
         The final went ahead despite the flood warnings.\n",
    )
    .write(
        "sport/c.md",
        "---\ntitle: Transfer news\nauthor: Bo Chan\ndate: 2025-09-20\n---\n\nA striker signed.\n",
    )
    .write(
        "politics/d.md",
        "---\ntitle: Flood defences\nauthor: Bo Chan\ndate: 2025-09-03\n---\n\n\
         Ministers promised new flood defences.\n\nThe flood cost millions.\n",
    )
    .write(
        "politics/e.md",
        "---\ntitle: Budget\ndate: 2025-07-01\n---\n\nTaxes rose.\n",
    );
    p
}

fn json(p: &Project, args: &[&str]) -> Value {
    let run = p.run(args);
    assert!(run.code == 0 || run.code == 1, "{args:?}: {run:?}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {run:?}"))
}

#[test]
fn the_article_view_lists_each_article_once_with_its_passages_in_order() {
    let p = desk();
    let r = json(&p, &["search", "--json", "--articles", "5", "flood"]);
    assert_eq!(r["hits"].as_array().unwrap().len(), 0);
    let articles = r["articles"].as_array().unwrap();
    let ids: Vec<&str> = articles
        .iter()
        .map(|a| a["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.contains(&"sport/a") && ids.contains(&"sport/b") && ids.contains(&"politics/d"));
    assert_eq!(r["total_hits"], 3, "articles, in the article view");
    let a = articles.iter().find(|a| a["doc_id"] == "sport/a").unwrap();
    assert_eq!(a["matching_passages"], 2);
    let numbers: Vec<u64> = a["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["passage"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 3], "in article order");
    // At most N passages each.
    let r = json(&p, &["search", "--json", "--articles", "1", "flood"]);
    for a in r["articles"].as_array().unwrap() {
        assert_eq!(a["passages"].as_array().unwrap().len(), 1);
    }
}

#[test]
fn facets_count_matching_articles_and_passages_by_value() {
    let p = desk();
    let r = json(
        &p,
        &[
            "search",
            "--json",
            "--facets",
            "collection,author,month",
            "flood",
        ],
    );
    let facet = |name: &str| -> Vec<(String, u64, u64)> {
        r["facets"][name]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["value"].as_str().unwrap().to_string(),
                    c["articles"].as_u64().unwrap(),
                    c["passages"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    // By hand: flood is in a (2 passages), b (1) and d (2).
    assert_eq!(
        facet("collection"),
        [("sport".into(), 2, 3), ("politics".into(), 1, 2)]
    );
    assert_eq!(
        facet("author"),
        [("Ann Lee".into(), 2, 3), ("Bo Chan".into(), 1, 2)]
    );
    assert_eq!(
        facet("month"),
        [("2025-08".into(), 1, 2), ("2025-09".into(), 2, 3)],
        "months in time order"
    );
    // Counts respect filters.
    let r = json(
        &p,
        &[
            "search",
            "--json",
            "--facets",
            "author",
            "flood collection:sport",
        ],
    );
    assert_eq!(r["facets"]["author"].as_array().unwrap().len(), 1);
}

#[test]
fn count_prints_just_the_numbers() {
    let p = desk();
    let run = p.run(&["count", "flood"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "5 passages in 3 articles\n");
    let r = json(&p, &["count", "--json", "flood"]);
    assert_eq!(
        (
            r["matched_passages"].as_u64(),
            r["matched_articles"].as_u64()
        ),
        (Some(5), Some(3))
    );
    assert_eq!(r["version"], 1);
    let search = json(&p, &["search", "--json", "flood"]);
    assert_eq!(search["matched_passages"], r["matched_passages"]);
    assert_eq!(p.run(&["count", "zeppelin"]).code, 1);
    // The timeline as bars.
    let run = p.run(&["count", "flood", "--facets", "month"]);
    assert!(
        run.stdout.contains("2025-09") && run.stdout.contains('█'),
        "{}",
        run.stdout
    );
}

/// The sum of a node's details (or their product, for a product).
fn adds_up(node: &Value) {
    let details = node["details"].as_array();
    let Some(details) = details.filter(|d| !d.is_empty()) else {
        return;
    };
    let value = node["value"].as_f64().unwrap();
    let description = node["description"].as_str().unwrap();
    let parts: Vec<f64> = details
        .iter()
        .map(|d| d["value"].as_f64().unwrap())
        .collect();
    let combined = if description.contains("product") {
        parts.iter().product::<f64>()
    } else if description.starts_with("score") || description.contains("sum of") {
        parts.iter().sum::<f64>()
    } else {
        return;
    };
    assert!(
        (combined - value).abs() <= 1e-3 * value.abs().max(1.0),
        "{description}: {combined} vs {value}"
    );
    for d in details {
        adds_up(d);
    }
}

#[test]
fn explanations_add_up_to_the_score_shown() {
    let p = desk();
    let r = json(
        &p,
        &["search", "--json", "--explain", "flood defences ministers"],
    );
    let hits = r["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for hit in hits {
        let e = &hit["explanation"];
        let score = hit["score"].as_f64().unwrap();
        assert!((e["value"].as_f64().unwrap() - score).abs() < 1e-4 * score.max(1.0));
        adds_up(e);
        let text = e.to_string();
        assert!(text.contains("in text") && text.contains("idf"), "{text}");
    }
    let run = p.run(&["search", "--explain", "-n", "1", "flood defences"]);
    assert!(
        run.stdout.contains("BM25") && run.stdout.contains("coverage"),
        "{}",
        run.stdout
    );
}

#[test]
fn explanations_of_headline_only_hits_add_up_to_the_score_shown() {
    let p = desk();
    // `transfer` is only in a headline: that article is answered by its lead passage,
    // and so is every article a `title:` query selects.
    for query in ["transfer", "title:transfer", "budget taxes"] {
        let r = json(&p, &["search", "--json", "--explain", query]);
        let hits = r["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{query}: {r}");
        for hit in hits {
            let e = &hit["explanation"];
            let score = hit["score"].as_f64().unwrap();
            let value = e["value"].as_f64().unwrap();
            assert!(
                (value - score).abs() < 1e-4 * score.max(1.0),
                "{query}: explained {value}, scored {score}: {e}"
            );
            adds_up(e);
        }
    }
}

#[test]
fn similar_finds_others_but_not_the_article_or_its_copies() {
    let p = Project::new();
    let story = "Rescuers pulled twelve miners from the flooded Gleision pit in Wales.";
    p.write(
        "a.txt",
        format!("Miners rescued\n\n{story}\n\nThe mine had flooded overnight.\n"),
    )
    .write(
        "copy.txt",
        format!("Miners saved\n\n{story}\n\nThe mine had flooded overnight.\n\nMore later.\n"),
    )
    .write(
        "other.txt",
        "Pit rescue\n\nTwelve miners were pulled out of the Gleision pit after it flooded.\n",
    )
    .write("far.txt", "Budget\n\nTaxes rose again.\n");
    let r = json(&p, &["similar", "--json", "a:1"]);
    let ids: Vec<&str> = r["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["other"], "{r}");
    // As a search option, with a filter.
    let r = json(
        &p,
        &["search", "--json", "--like", "a:1", "collection:nowhere"],
    );
    assert!(r["hits"].as_array().unwrap().is_empty());
}

#[test]
fn saved_searches_alert_once_per_new_passage_and_never_for_old_ones() {
    let p = Project::new();
    p.write("a.txt", "Drones\n\nDrones crossed into Poland overnight.\n");
    p.index(&[]);
    let add = p.run(&["saved", "add", "poland-drones", "drones poland"]);
    assert_eq!(add.code, 0, "{add:?}");
    let alerts = |args: &[&str]| -> Vec<(String, u64)> {
        let mut all = vec!["index", "--json"];
        all.extend_from_slice(args);
        let r = json(&p, &all);
        r["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["search"].as_str().unwrap().to_string(),
                    a["passages"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    // A new article: its one new matching passage (the repeated one is not new).
    p.write(
        "b.txt",
        "More\n\nNew drones flew over Poland today.\n\nDrones crossed into Poland overnight.\n\n\
         The weather was calm.\n",
    );
    assert_eq!(alerts(&[]), [("poland-drones".to_string(), 1)]);
    // Nothing changed, a rebuild, a rename: nothing new.
    assert!(alerts(&[]).is_empty());
    assert!(alerts(&["--rebuild"]).is_empty());
    std::fs::rename(p.seeds().join("b.txt"), p.seeds().join("renamed.txt")).unwrap();
    assert!(alerts(&[]).is_empty());
    // The text summary names the search.
    p.write("c.txt", "Late\n\nDrones were seen over Poland again.\n");
    let run = p.run(&["index"]);
    assert!(
        run.stderr.contains("poland-drones: 1 new passage in c"),
        "{}",
        run.stderr
    );
    // `saved run --new` shows what it has not shown before, once.
    let first = json(&p, &["saved", "run", "poland-drones", "--new", "--json"]);
    assert_eq!(first["hits"].as_array().unwrap().len(), 2, "{first}");
    let again = p.run(&["saved", "run", "poland-drones", "--new"]);
    assert_eq!(again.code, 1, "{again:?}");
    // Saved searches survive a rebuild, and a bad name is refused.
    p.index(&["--rebuild"]);
    assert!(p.run(&["saved", "list"]).stdout.contains("poland-drones"));
    assert_eq!(p.run(&["saved", "add", "poland-drones", "x"]).code, 2);
    assert_eq!(p.run(&["saved", "add", "two words", "x"]).code, 2);
    assert_eq!(p.run(&["saved", "remove", "poland-drones"]).code, 0);
    assert_eq!(p.run(&["saved", "run", "poland-drones"]).code, 2);
}

#[test]
fn vimgrep_prints_path_line_column_and_the_line() {
    let p = Project::new();
    p.write(
        "a.txt",
        "Title\n\nFirst line of text\nsecond line with the walrus in it.\n",
    );
    let run = p.run(&["search", "--vimgrep", "walrus"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "seeds/a.txt:4:22:second line with the walrus in it.\n"
    );
}

#[test]
fn batch_lines_may_be_json_objects_with_options() {
    let p = desk();
    std::fs::write(
        p.root().join("q.jsonl"),
        "{\"query\": \"flood\", \"articles\": 1, \"limit\": 2}\n\
         {\"query\": \"flood\", \"facets\": [\"collection\"]}\n\
         flood\n\
         {\"query\": \"flood\", \"nonsense\": true}\n",
    )
    .unwrap();
    let run = p.run(&["search", "--batch", "q.jsonl"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["articles"].as_array().unwrap().len(), 2);
    assert!(lines[1]["facets"]["collection"].is_array());
    assert!(lines[2]["articles"].is_null() && lines[2]["hits"].as_array().unwrap().len() == 5);
    assert!(lines[3]["error"].as_str().unwrap().contains("nonsense"));
}

#[test]
fn the_manual_page_and_every_subcommands_help_have_examples() {
    let p = Project::new();
    let run = p.run(&["man"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains(".TH seedsearch 1"),
        "{}",
        &run.stdout[..200]
    );
    for command in [
        "search", "index", "add", "remove", "list", "show", "stats", "count", "similar", "saved",
    ] {
        let help = p.run(&[command, "--help"]);
        assert!(
            help.stdout.contains("Examples:"),
            "{command}: {}",
            help.stdout
        );
    }
}

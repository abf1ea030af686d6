//! Answers you can trust: filters that restrict, headlines that belong to their article,
//! any text as a query, words whose parts match together, questions ranked like their
//! keywords, and empty or thin results that explain themselves.

use crate::harness::{Project, Results};

/// A small paper: sport and politics sections, a headline-only story, a misspelling bait.
fn paper() -> Project {
    let p = Project::new();
    p.write(
        "sport/tennis.txt",
        "Henman beats Saulnier\n\nTim Henman beat Cyril Saulnier in straight sets.\n\n\
         The Briton now meets the top seed.\n",
    )
    .write(
        "sport/seedings.txt",
        "Saulnier seeded fifth\n\nThe seedings for the Open were announced.\n\n\
         Henman is second, Roddick first.\n",
    )
    .write(
        "sport/football.txt",
        "Chelsea win again\n\nJose Mourinho praised his players after the win.\n",
    )
    .write(
        "politics/blair.txt",
        "Blair sets out plans\n\nTony Blair set out his plans for a third term.\n\n\
         The opposition said the plans were thin.\n",
    )
    .write(
        "politics/budget.txt",
        "Budget day\n\nThe chancellor presented the budget to MPs.\n",
    );
    p
}

fn docs(results: &Results) -> Vec<(String, u32)> {
    results
        .hits
        .iter()
        .map(|h| (h.doc_id.clone(), h.passage))
        .collect()
}

#[test]
fn a_filter_never_makes_the_words_optional() {
    let p = paper();
    let none = p.run(&["search", "--json", "zzzzqqq collection:sport"]);
    assert_eq!(none.code, 1, "{none:?}");
    let none: Results = serde_json::from_str(&none.stdout).unwrap();
    assert!(none.hits.is_empty());
    assert_eq!(none.total_hits, 0);

    let blair = p.search("blair collection:politics", &[]);
    assert_eq!(docs(&blair), [("politics/blair".to_string(), 1)]);
    assert_eq!((blair.total_hits, blair.matched_passages), (1, 1));
    // The same words without the filter, in the politics folder only.
    let anywhere = p.search("plans OR budget", &[]);
    let politics = p.search("plans OR budget collection:politics", &[]);
    assert!(!politics.hits.is_empty());
    let expected: Vec<_> = docs(&anywhere)
        .into_iter()
        .filter(|(d, _)| d.starts_with("politics/"))
        .collect();
    assert_eq!(docs(&politics), expected);
}

#[test]
fn a_filter_alone_lists_what_it_selects() {
    let p = paper();
    let all = p.search("collection:politics", &["-n", "100"]);
    assert_eq!(all.hits.len(), 3);
    assert!(all.hits.iter().all(|h| h.doc_id.starts_with("politics/")));
}

#[test]
fn doc_takes_a_folder_with_no_cap_and_the_path_a_search_printed() {
    let p = Project::new();
    for i in 0..300 {
        p.write(
            &format!("politics/{i:03}.txt"),
            format!("Story {i}\n\nThe vote number {i} was held.\n"),
        );
    }
    p.write("sport/x.txt", "X\n\nThe vote in sport.\n");
    for filter in ["doc:politics/*", "doc:politics/"] {
        let r = p.search(&format!("vote {filter}"), &["-n", "1000"]);
        assert_eq!(r.hits.len(), 300, "{filter}");
        assert!(r.warnings.is_empty(), "{filter}: {:?}", r.warnings);
    }
    let printed = p.search("vote", &["-n", "1"]).hits[0].path.clone();
    let by_path = p.search(&format!("vote doc:{printed}"), &[]);
    assert_eq!(by_path.hits.len(), 1, "{printed}");
    assert_eq!(by_path.hits[0].path, printed);
}

#[test]
fn a_headline_alone_answers_once_by_the_lead_passage() {
    let p = paper();
    // `Saulnier` is in the seedings story's headline only, and in the tennis story's
    // headline and text.
    let r = p.search("Saulnier", &[]);
    let got: Vec<(String, u32, bool)> = r
        .hits
        .iter()
        .map(|h| (h.doc_id.clone(), h.passage, h.headline_only))
        .collect();
    assert_eq!(
        got,
        [
            ("sport/tennis".to_string(), 1, false),
            ("sport/seedings".to_string(), 1, true)
        ],
        "{r:?}"
    );
    let lead = &r.hits[1];
    assert_eq!(lead.highlights, Vec::<[usize; 2]>::new());
    let chars: Vec<char> = lead.title.chars().collect();
    let [a, b] = lead.title_highlights[0];
    assert_eq!(chars[a..b].iter().collect::<String>(), "Saulnier");
}

#[test]
fn a_phrase_in_the_headline_finds_only_passages_that_say_it() {
    let p = Project::new();
    p.write(
        "a.txt",
        "Poland invokes Article 4\n\nWarsaw asked for Article 4 talks.\n\n\
         The drones came at night.\n\nAllies met on Thursday.\n",
    );
    let r = p.search("\"Article 4\"", &[]);
    assert_eq!(docs(&r), [("a".to_string(), 1)]);
    // The headline still lifts its article's passages.
    let lifted = p.search("drones poland", &[]);
    assert_eq!(lifted.hits[0].passage, 2);
    assert!(!lifted.hits[0].title_highlights.is_empty());
}

#[test]
fn words_found_only_in_a_section_heading_are_found_and_highlighted() {
    let p = Project::new();
    p.write(
        "a.txt",
        "Talks\n\nThe talks began.\n\nWhat the ministers said\n\nThey said little.\n\n\
         Where next\n\nA second round is planned.\n",
    );
    let r = p.search("ministers", &[]);
    assert_eq!(r.hits.len(), 1, "{r:?}");
    let hit = &r.hits[0];
    let section = hit.section.as_deref().unwrap_or_default();
    assert_eq!(section, "What the ministers said");
    let chars: Vec<char> = section.chars().collect();
    let [a, b] = hit.section_highlights[0];
    assert_eq!(chars[a..b].iter().collect::<String>(), "ministers");
}

#[test]
fn pasted_text_is_a_query_and_errors_quote_little_of_it() {
    let p = Project::new();
    p.write(
        "yukos.txt",
        "Yukos\n\nThe Yukos deal was worth $9.4bn (£5bn), officials said.\n",
    );
    for query in [
        "Yukos deal worth $9.4bn (£5bn",
        "smile :)",
        "((( deal",
        "\"\"\" deal",
    ] {
        let run = p.run(&["search", "--", query]);
        assert!(run.code == 0 || run.code == 1, "{query}: {run:?}");
    }
    let article = "Yukos said the deal was done. ".repeat(800);
    assert!(article.len() > 20_000);
    let run = p.run(&["search", "--", &article]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bad = format!("{article} date:2025-13-45");
    let run = p.run(&["search", "--", &bad]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.len() < 400, "{}", run.stderr);
    let too_long = "Yukos ".repeat(20_000);
    let run = p.run(&["search", "--", &too_long]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("limit"), "{}", run.stderr);
    assert!(run.stderr.len() < 400);
}

#[test]
fn the_parts_of_a_split_word_match_together() {
    let p = Project::new();
    p.write(
        "image.txt",
        "Image\n\nThe picture id is jacafc5zvs1692883516 on the server.\n",
    )
    .write("five.txt", "Five\n\nThere were 5 of them.\n")
    .write(
        "korea.txt",
        "Korea\n\nS Korea spending boost planned, with economy growing.\n",
    )
    .write(
        "us.txt",
        "America\n\nThe U.S. economy grew fast last year.\n",
    )
    .write(
        "plain.txt",
        "Washington\n\nThe US economy added jobs in March.\n",
    )
    .write("il.txt", "Cytokines\n\nLevels of IL-6 rose.\n")
    .write("money.txt", "Money\n\nA £1bn deal, not a £1m one.\n");
    assert_eq!(
        p.search("jacafc5zvs1692883516", &[]).hits[0].doc_id,
        "image"
    );
    assert!(
        !p.doc_ids("jacafc5zvs1692883516")
            .contains(&"five".to_string()),
        "a part alone does not match"
    );
    // The dotted form matches the joined one, as a reader means it: `US economy` passages
    // come before those that share only `economy`.
    let mut top: Vec<String> = p.doc_ids("U.S. economy").into_iter().take(2).collect();
    top.sort();
    assert_eq!(top, ["plain", "us"]);
    assert_eq!(p.doc_ids("IL6"), ["il"]);
    let money = p.search("£1bn", &[]);
    assert_eq!(money.hits.len(), 1);
    let chars: Vec<char> = money.hits[0].snippet.chars().collect();
    let [a, b] = money.hits[0].highlights[0];
    assert_eq!(chars[a..b].iter().collect::<String>(), "1bn");
}

#[test]
fn a_question_ranks_like_the_keywords_inside_it() {
    let p = Project::new();
    p.write(
        "sale.txt",
        "Auction\n\nYuganskneftegaz was sold at auction for $9.4bn.\n",
    )
    .write(
        "guts.txt",
        "Interview\n\nHow much guts do you have? How much was it, they asked, and for what?\n",
    );
    let r = p.search("How much was Yuganskneftegaz sold for?", &[]);
    assert_eq!(docs(&r), [("sale".to_string(), 1)], "{r:?}");
}

#[test]
fn a_misspelled_name_says_what_the_index_has() {
    let p = paper();
    let run = p.run(&["search", "Mourinhno"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("`Mourinhno` matches nothing")
            && run.stderr.contains("did you mean `Mourinho`"),
        "{}",
        run.stderr
    );
    let r = p.search("Mourinhno", &[]);
    assert_eq!(r.unmatched, ["Mourinhno"]);
    assert_eq!(r.suggestions[0].word, "Mourinhno");
    assert_eq!(r.suggestions[0].did_you_mean, ["Mourinho"]);
    // The fuzzy operator finds it.
    assert_eq!(p.doc_ids("mourinhno~"), ["sport/football"]);
}

#[test]
fn matches_hidden_as_boilerplate_are_counted_and_named() {
    let p = Project::new();
    p.write(
        "a.txt",
        "News\n\nThe council met.\n\nSign up for our newsletter to get the news in your inbox.\n",
    );
    let r = p.search("newsletter", &[]);
    assert!(r.hits.is_empty());
    assert_eq!(r.hidden_boilerplate, 1);
    let run = p.run(&["search", "newsletter"]);
    assert!(
        run.stderr.contains("--include-boilerplate"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_filter_on_a_field_no_article_has_says_so() {
    let p = paper();
    for (query, says) in [
        (
            "blair date:2025-01-01",
            "no article has a front-matter `date`",
        ),
        (
            "blair author:smith",
            "no article has a front-matter `author`",
        ),
    ] {
        let r = p.search(query, &[]);
        assert!(r.hits.is_empty());
        assert!(
            r.warnings.iter().any(|w| w.contains(says)),
            "{query}: {r:?}"
        );
    }
}

#[test]
fn total_hits_counts_what_paging_reaches() {
    let p = Project::new();
    // Two papers print the same wire paragraph (more would make it a repeated,
    // boilerplate paragraph); six print a report of their own.
    let wire = "The storm closed the port for three days.";
    for i in 0..6 {
        let shared = if i < 2 {
            format!("{wire}\n\n")
        } else {
            String::new()
        };
        p.write(
            &format!("a{i}.txt"),
            format!("Paper {i}\n\n{shared}Local storm damage report {i}.\n"),
        );
    }
    let first = p.search("storm", &["-n", "3"]);
    let mut seen = first.hits.len();
    let mut offset = 3;
    loop {
        let page = p.search("storm", &["-n", "3", "--offset", &offset.to_string()]);
        if page.hits.is_empty() {
            break;
        }
        seen += page.hits.len();
        offset += 3;
    }
    assert_eq!(first.total_hits, seen);
    assert_eq!(
        first.total_hits, 7,
        "one folded wire paragraph and six reports"
    );
    assert_eq!(first.matched_passages, 8);
}

#[test]
fn per_doc_keeps_an_articles_passages_together() {
    let p = Project::new();
    p.write(
        "a.txt",
        "A\n\nFlood flood flood in the valley.\n\nNothing here.\n\nA flood later.\n",
    )
    .write("b.txt", "B\n\nThe flood, the flood again.\n");
    let r = p.search("flood", &["--per-doc", "5"]);
    let order: Vec<&str> = r.hits.iter().map(|h| h.doc_id.as_str()).collect();
    assert_eq!(order, ["a", "a", "b"], "{r:?}");
}

#[test]
fn every_command_with_a_format_takes_json_and_every_document_has_a_version() {
    let p = paper();
    for args in [
        &["index", "--json"][..],
        &["list", "--json"],
        &["show", "sport/tennis", "--json"],
        &["stats", "--json"],
        &["search", "--json", "blair"],
    ] {
        let run = p.run(args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        let doc: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", run.stdout));
        assert_eq!(doc["version"], 1, "{args:?}");
    }
    for args in [
        &["search", "--format", "jsonl", "blair"][..],
        &["list", "--format", "jsonl"],
    ] {
        let run = p.run(args);
        for line in run.stdout.lines() {
            let doc: serde_json::Value = serde_json::from_str(line).unwrap();
            assert_eq!(doc["version"], 1, "{args:?}: {line}");
        }
    }
}

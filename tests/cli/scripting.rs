//! Scripting: batch queries, duplicates across articles, filters, grouping, sorting,
//! determinism and completions.

use crate::harness::{Hit, Project, Results};

#[test]
fn batch_prints_one_json_line_per_query_in_order() {
    let p = Project::new();
    p.write("a.txt", "Harbour\n\nThe harbour reopened.\n")
        .write("b.txt", "Ferry\n\nThe ferry sailed.\n");
    std::fs::write(
        p.root().join("q.txt"),
        "harbour\nferry\ndate:2025-13-45\nzebra\n\"harbour\n",
    )
    .unwrap();
    let run = p.run(&["search", "--batch", "q.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 5);
    let first: Results = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(
        (first.query.as_str(), first.hits[0].doc_id.as_str()),
        ("harbour", "a")
    );
    let second: Results = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second.hits[0].doc_id, "b");
    let bad: serde_json::Value = serde_json::from_str(lines[2]).unwrap();
    assert_eq!(bad["query"], "date:2025-13-45");
    assert_eq!(bad["version"], 1);
    assert!(bad["error"].as_str().unwrap().contains("is not a date"));
    let none: Results = serde_json::from_str(lines[3]).unwrap();
    assert_eq!(none.total_hits, 0);
    // Broken syntax is answered as plain words, with the warning in the JSON.
    let lenient: Results = serde_json::from_str(lines[4]).unwrap();
    assert_eq!(lenient.hits[0].doc_id, "a");
    assert!(lenient.warnings[0].contains("never closed"), "{lenient:?}");
}

#[test]
fn batch_reads_stdin_and_keeps_order_for_many_queries() {
    use std::io::Write;
    use std::process::Stdio;
    let p = Project::new();
    for i in 0..20 {
        p.write(
            &format!("a{i}.txt"),
            format!("Story {i}\n\nword{i} appears here.\n"),
        );
    }
    p.index(&[]);
    let queries: String = (0..200).map(|i| format!("word{}\n", i % 20)).collect();
    let mut child = p
        .command(&["search", "--batch", "-", "-n", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(queries.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let got: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<Results>(l).unwrap().hits[0]
                .doc_id
                .clone()
        })
        .collect();
    let want: Vec<String> = (0..200).map(|i| format!("a{}", i % 20)).collect();
    assert_eq!(got, want);
}

#[test]
fn a_batch_of_only_bad_queries_exits_2_and_a_missing_file_too() {
    let p = Project::new();
    p.write("a.txt", "A\n\nText.\n");
    std::fs::write(p.root().join("bad.txt"), "date:2025-13-45\n\n").unwrap();
    assert_eq!(p.run(&["search", "--batch", "bad.txt"]).code, 2);
    let run = p.run(&["search", "--batch", "missing.txt"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read the batch file missing.txt"),
        "{}",
        run.stderr
    );
}

const WIRE: &str = "The storm closed the port for three days, officials said on Monday.";

#[test]
fn the_same_paragraph_in_two_articles_is_one_hit_with_both_sources() {
    let p = Project::new();
    p.write(
        "times.txt",
        format!("Storm hits coast\n\n{WIRE}\n\nThe Times adds its own view.\n"),
    )
    .write(
        "post.txt",
        format!("Port closed by storm\n\n{WIRE}\n\nThe Post has other details.\n"),
    );
    let hits = p.search("port closed three days", &[]).hits;
    let wire: Vec<&Hit> = hits.iter().filter(|h| h.text == WIRE).collect();
    assert_eq!(wire.len(), 1, "{hits:?}");
    let mut all: Vec<&str> = vec![wire[0].doc_id.as_str()];
    all.extend(wire[0].also_in.iter().map(|s| s.doc_id.as_str()));
    all.sort();
    assert_eq!(all, ["post", "times"]);
    let uncollapsed = p.search("port closed three days", &["--no-collapse"]).hits;
    assert_eq!(uncollapsed.iter().filter(|h| h.text == WIRE).count(), 2);
}

#[test]
fn a_paragraph_repeated_across_unrelated_articles_is_boilerplate() {
    let p = Project::new();
    let bio = "Jane Roe is our defence correspondent and has covered Europe since 2010.";
    for (i, topic) in ["tanks", "ships", "planes", "drones"].iter().enumerate() {
        p.write(
            &format!("a{i}.txt"),
            format!("About {topic}\n\nA report about {topic} and nothing else.\n\n{bio}\n"),
        );
    }
    assert!(p.search("correspondent", &[]).hits.is_empty());
    let hits = p.search("correspondent", &["--include-boilerplate"]).hits;
    assert_eq!(hits.len(), 1);
    assert!(hits[0].boilerplate);
    assert_eq!(hits[0].also_in.len(), 3);
    let show: serde_json::Value =
        serde_json::from_str(&p.run(&["show", "a0", "--format", "json"]).stdout).unwrap();
    assert_eq!(show["passages"][1]["boilerplate"], "repeated");
    // The rule is tunable: with a higher threshold the bio is content again.
    p.index(&["--boilerplate-repeats", "5"]);
    assert_eq!(p.search("correspondent", &[]).hits.len(), 1);
    // ...and the setting is remembered by later syncs.
    p.write("a9.txt", "Other\n\nUnrelated text.\n");
    p.index(&[]);
    assert_eq!(p.search("correspondent", &[]).hits.len(), 1);
}

#[test]
fn copies_of_one_story_do_not_make_its_paragraphs_boilerplate() {
    let p = Project::new();
    let body =
        "The port closed for three days.\n\nShips waited offshore.\n\nTrade resumed on Friday.";
    for i in 0..4 {
        p.write(
            &format!("outlet{i}.txt"),
            format!("Headline {i}\n\n{body}\n"),
        );
    }
    let hits = p.search("ships waited", &[]).hits;
    assert_eq!(hits.len(), 1);
    assert!(!hits[0].boilerplate);
    assert_eq!(hits[0].also_in.len(), 3);
}

fn dated(p: &Project) {
    p.write(
        "sport/a.md",
        "---\nauthor: Ann Lee\nsource: The Week\ndate: 2025-09-01\n---\nMatch\n\nThe match ended in a draw.\n",
    )
    .write(
        "sport/b.md",
        "---\nauthor: Bob Roe\nsource: Daily Post\ndate: 2025-09-20\n---\nAnother match\n\nA second match, another draw.\n",
    )
    .write(
        "politics/c.md",
        "---\nauthor: Ann Lee\ndate: 2025-10-05\n---\nVote\n\nThe vote was a draw too.\n",
    )
    .write("politics/d.txt", "Undated\n\nA draw with no date.\n");
}

fn ids(p: &Project, query: &str, extra: &[&str]) -> Vec<String> {
    p.search(query, extra)
        .hits
        .into_iter()
        .map(|h| h.doc_id)
        .collect()
}

#[test]
fn metadata_fields_filter_results() {
    let p = Project::new();
    dated(&p);
    let mut by_ann = ids(&p, "draw author:ann", &[]);
    by_ann.sort();
    assert_eq!(by_ann, ["politics/c", "sport/a"]);
    assert_eq!(ids(&p, "draw source:\"daily post\"", &[]), ["sport/b"]);
    let mut sport = ids(&p, "draw collection:sport", &[]);
    sport.sort();
    assert_eq!(sport, ["sport/a", "sport/b"]);
    // Several values of one field are alternatives; different fields must all hold.
    assert_eq!(
        ids(&p, "draw collection:sport collection:politics", &[]).len(),
        4
    );
    assert_eq!(
        ids(&p, "draw collection:sport author:ann", &[]),
        ["sport/a"]
    );
    // A filter alone lists everything it matches.
    assert_eq!(ids(&p, "collection:politics", &[]).len(), 2);
}

#[test]
fn filters_do_not_change_scores() {
    let p = Project::new();
    dated(&p);
    let plain = p.search("draw", &[]).hits;
    let filtered = p.search("draw collection:sport", &[]).hits;
    for hit in &filtered {
        let same = plain.iter().find(|h| h.doc_id == hit.doc_id).unwrap();
        assert!((same.score - hit.score).abs() < 1e-6);
    }
}

#[test]
fn date_filters_and_ranges() {
    let p = Project::new();
    dated(&p);
    assert_eq!(ids(&p, "draw date:2025-09-20", &[]), ["sport/b"]);
    let mut september = ids(&p, "draw date:[2025-09-01 TO 2025-09-30]", &[]);
    september.sort();
    assert_eq!(september, ["sport/a", "sport/b"]);
    let mut after = ids(&p, "draw date:>=2025-09-20", &[]);
    after.sort();
    assert_eq!(after, ["politics/c", "sport/b"]);
    assert_eq!(ids(&p, "draw date:<2025-09-02", &[]), ["sport/a"]);
    assert_eq!(
        ids(&p, "draw date:{2025-09-01 TO 2025-09-20]", &[]),
        ["sport/b"]
    );
}

#[test]
fn unreadable_filter_values_are_errors() {
    let p = Project::new();
    dated(&p);
    for query in [
        "draw date:>=2025-13-45",
        "date:[2025-09-01 TO soon]",
        "title:[a TO b]",
    ] {
        let run = p.run(&["search", query]);
        assert_eq!(run.code, 2, "{query}: {run:?}");
        assert!(run.stderr.contains("bad query"), "{}", run.stderr);
    }
    let run = p.run(&["search", "draw date:>=2025-13-45"]);
    assert!(
        run.stderr.contains("`2025-13-45` is not a date"),
        "{}",
        run.stderr
    );
}

#[test]
fn sort_by_date_puts_the_newest_first_and_undated_last() {
    let p = Project::new();
    dated(&p);
    assert_eq!(
        ids(&p, "draw", &["--sort", "date"]),
        ["politics/c", "sport/b", "sport/a", "politics/d"]
    );
}

#[test]
fn per_doc_limits_passages_per_article() {
    let p = Project::new();
    p.write(
        "long.txt",
        "Long\n\nDraw one.\n\nDraw two.\n\nDraw three.\n",
    )
    .write("short.txt", "Short\n\nA draw.\n");
    assert_eq!(p.search("draw", &[]).hits.len(), 4);
    let hits = p.search("draw", &["--per-doc", "1"]).hits;
    let mut ids: Vec<&str> = hits.iter().map(|h| h.doc_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["long", "short"]);
}

#[test]
fn equal_scores_are_ordered_by_doc_id_then_passage_and_output_is_stable() {
    let p = Project::new();
    for name in ["c", "a", "b"] {
        p.write(
            &format!("{name}.txt"),
            format!("Title {name}\n\nSame words here {name}x.\n\nSame words here too {name}y.\n"),
        );
    }
    let first = p.run(&["search", "--json", "--no-collapse", "same"]);
    let hits: Results = serde_json::from_str(&first.stdout).unwrap();
    let keys: Vec<(String, u32)> = hits
        .hits
        .iter()
        .map(|h| (h.doc_id.clone(), h.passage))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| {
        let sa = hits
            .hits
            .iter()
            .find(|h| (h.doc_id.clone(), h.passage) == *a)
            .unwrap()
            .score;
        let sb = hits
            .hits
            .iter()
            .find(|h| (h.doc_id.clone(), h.passage) == *b)
            .unwrap()
            .score;
        sb.total_cmp(&sa).then(a.cmp(b))
    });
    assert_eq!(keys, sorted);
    for _ in 0..3 {
        assert_eq!(
            p.run(&["search", "--json", "--no-collapse", "same"]).stdout,
            first.stdout
        );
    }
}

#[test]
fn completions_are_generated_for_common_shells() {
    let p = Project::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = p.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}");
        assert!(run.stdout.contains("seedsearch"), "{shell}");
        assert!(run.stdout.contains("batch"), "{shell}: flags are completed");
    }
}

#[test]
fn batch_refuses_text_output_instead_of_ignoring_it() {
    let p = Project::new();
    p.write("a.txt", "A\n\nText.\n");
    std::fs::write(p.root().join("q.txt"), "text\n").unwrap();
    let run = p.run(&["search", "--batch", "q.txt", "--format", "text"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("--format text does not go with it"),
        "{}",
        run.stderr
    );
    assert_eq!(
        p.run(&["search", "--batch", "q.txt", "--format", "jsonl"])
            .code,
        0
    );
}

//! Managing the collection: add, remove, list, show, stats.

use serde_json::Value;

use crate::harness::Project;

fn json(run: &crate::harness::Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
}

fn outside(p: &Project, name: &str, content: &str) -> String {
    let dir = p.root().join("downloads");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), content).unwrap();
    format!("downloads/{name}")
}

const STORY: &str = "Harbour reopens\n\nThe harbour reopened after the storm.\n";

#[test]
fn add_copies_and_indexes_in_one_step() {
    let p = Project::new();
    let src = outside(&p, "harbour.txt", STORY);
    let run = p.run(&["add", &src, "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let report = json(&run);
    assert_eq!(report["added"][0]["path"], "seeds/harbour.txt");
    assert_eq!(report["added"][0]["doc_id"], "harbour");
    assert_eq!(
        std::fs::read_to_string(p.seeds().join("harbour.txt")).unwrap(),
        STORY
    );
    assert_eq!(p.doc_ids("storm"), ["harbour"]);
}

#[test]
fn add_into_a_subfolder_and_from_a_folder() {
    let p = Project::new();
    let src = outside(&p, "harbour.txt", STORY);
    assert_eq!(p.run(&["add", &src, "--to", "news/local"]).code, 0);
    assert!(p.seeds().join("news/local/harbour.txt").exists());
    let dir = p.root().join("clippings/sub");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.md"), "Ferry\n\nThe ferry sailed at dawn.\n").unwrap();
    std::fs::write(dir.join("ignored.pdf"), "not an article").unwrap();
    let run = p.run(&["add", "clippings"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(p.seeds().join("clippings/sub/a.md").exists());
    assert!(!p.seeds().join("clippings/sub/ignored.pdf").exists());
    assert_eq!(p.doc_ids("ferry"), ["clippings/sub/a"]);
}

#[test]
fn adding_into_an_ignored_folder_copies_but_says_it_is_not_indexed() {
    let p = Project::new();
    p.write(".seedsearchignore", "drafts/\n");
    let src = outside(&p, "harbour.txt", STORY);
    let run = p.run(&["add", &src, "--to", "drafts", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(
            "seeds/drafts/harbour.txt is excluded by a .seedsearchignore file: it was copied but is not indexed"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(json(&run)["added"][0]["doc_id"], Value::Null);
    assert!(p.seeds().join("drafts/harbour.txt").exists());
    assert!(p.doc_ids("storm").is_empty());
}

#[test]
fn adding_a_hidden_folder_needs_a_name_for_it() {
    let p = Project::new();
    let dir = p.root().join(".drafts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("harbour.txt"), STORY).unwrap();
    let run = p.run(&["add", ".drafts"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("give --to NAME"), "{}", run.stderr);
    assert!(!p.seeds().join(".drafts").exists());
    assert_eq!(p.run(&["add", ".drafts", "--to", "drafts"]).code, 0);
    assert_eq!(p.doc_ids("storm"), ["drafts/harbour"]);
}

#[test]
fn adding_content_that_is_already_there_is_a_no_op_that_says_so() {
    let p = Project::new();
    p.write("harbour.txt", STORY);
    p.index(&[]);
    let src = outside(&p, "copy-of-harbour.txt", STORY);
    let run = p.run(&["add", &src]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("already in the seeds folder as seeds/harbour.txt"),
        "{}",
        run.stderr
    );
    assert!(!p.seeds().join("copy-of-harbour.txt").exists());
}

#[test]
fn a_name_clash_is_refused_and_nothing_is_overwritten() {
    let p = Project::new();
    p.write("harbour.txt", STORY);
    let src = outside(
        &p,
        "harbour.txt",
        "Other story\n\nA different harbour tale.\n",
    );
    let run = p.run(&["add", &src]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("already exists with different content"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--force"));
    assert_eq!(
        std::fs::read_to_string(p.seeds().join("harbour.txt")).unwrap(),
        STORY
    );
    let run = p.run(&["add", &src, "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.doc_ids("tale"), ["harbour"]);
    assert!(p.search("storm", &[]).hits.is_empty());
}

#[test]
fn add_reads_stdin_with_a_name() {
    use std::io::Write;
    use std::process::Stdio;
    let p = Project::new();
    let mut child = p
        .command(&["add", "-", "--name", "piped"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(STORY.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(p.seeds().join("piped.txt").exists());
    let run = p.run(&["add", "-"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--name"), "{}", run.stderr);
}

#[test]
fn add_refuses_what_is_not_an_article() {
    let p = Project::new();
    let empty = outside(&p, "empty.txt", "");
    let pdf = outside(&p, "paper.pdf", "%PDF");
    for (src, says) in [
        (empty.as_str(), "empty"),
        (pdf.as_str(), "not an article file"),
        ("missing.txt", "cannot read"),
    ] {
        let run = p.run(&["add", src]);
        assert_eq!(run.code, 2, "{src}: {run:?}");
        assert!(run.stderr.contains(says), "{src}: {}", run.stderr);
    }
    let run = p.run(&["add", &empty, "--to", "../escape"]);
    assert_eq!(run.code, 2);
    assert!(
        std::fs::read_dir(p.seeds()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn remove_deletes_from_folder_and_index() {
    let p = Project::new();
    p.write("harbour.txt", STORY)
        .write("keep.txt", "Keep\n\nThe storm passed.\n");
    p.index(&[]);
    let run = p.run(&["remove", "harbour", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(json(&run)["removed"][0]["path"], "seeds/harbour.txt");
    assert!(!p.seeds().join("harbour.txt").exists());
    assert_eq!(p.doc_ids("storm"), ["keep"]);
}

#[test]
fn remove_takes_the_path_a_search_printed() {
    let p = Project::new();
    p.write("world/harbour.txt", STORY)
        .write("world/quay.txt", "Quay\n\nThe quay flooded.\n")
        .write("keep.txt", "Keep\n\nThe storm passed.\n");
    let printed = p.search("quay", &[]).hits[0].path.clone();
    assert_eq!(printed, "seeds/world/quay.txt");
    let absolute = p.seeds().join("world/harbour.txt");
    let run = p.run(&[
        "remove",
        &printed,
        absolute.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let removed = &json(&run)["removed"];
    // Reported by doc_id, whatever name they were given by.
    assert_eq!(removed[0]["doc_id"], "world/quay");
    assert_eq!(removed[1]["doc_id"], "world/harbour");
    assert!(!p.seeds().join("world/quay.txt").exists());
    assert!(!absolute.exists());
    assert!(p.seeds().join("keep.txt").exists());
}

#[test]
fn removing_an_unknown_doc_id_removes_nothing() {
    let p = Project::new();
    p.write("harbour.txt", STORY);
    p.index(&[]);
    let run = p.run(&["remove", "harbour", "nosuch"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("`nosuch`"), "{}", run.stderr);
    assert!(p.seeds().join("harbour.txt").exists());
}

#[test]
fn list_shows_every_article_with_its_title_and_passages() {
    let p = Project::new();
    p.write("b.txt", STORY)
        .write(
            "a/one.md",
            "---\nauthor: Ann\n---\nOne\n\nFirst.\n\nSecond.\n",
        )
        .write(
            "a/copy.md",
            "---\nauthor: Ann\n---\nOne\n\nFirst.\n\nSecond.\n",
        );
    let run = p.run(&["list", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let list = json(&run);
    let ids: Vec<&str> = list["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a/copy", "a/one", "b"]);
    let one = &list["articles"][1];
    assert_eq!(one["title"], "One");
    assert_eq!(one["passages"], 2);
    assert_eq!(one["metadata"]["author"], "Ann");
    assert_eq!(one["same_as"][0], "a/copy");
    let run = p.run(&["list", "a/"]);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    let run = p.run(&["list", "zzz"]);
    assert_eq!(run.code, 1);
}

#[test]
fn show_lists_passages_with_sections_lines_and_boilerplate() {
    let p = Project::new();
    p.write(
        "a.txt",
        "Title\n\nIntro.\n\nWhat next?\n\nAfter.\n\nSign up for our newsletter in your inbox.\n\n\
         What then?\n\nLater.\n",
    );
    let run = p.run(&["show", "a", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let view = json(&run);
    assert_eq!(view["title"], "Title");
    assert_eq!(view["total_passages"], 4);
    let passages = view["passages"].as_array().unwrap();
    assert_eq!(passages[1]["section"], "What next?");
    assert_eq!(passages[1]["line_start"], 7);
    assert_eq!(passages[0]["boilerplate"], Value::Null);
    assert_eq!(passages[2]["boilerplate"], "marked");
    let text = p.run(&["show", "a"]);
    assert!(text.stdout.contains("§ What next?"), "{}", text.stdout);
    assert!(text.stdout.contains("boilerplate"));
}

#[test]
fn show_one_passage_with_its_neighbours() {
    let p = Project::new();
    p.write("a.txt", "T\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\n");
    let view = json(&p.run(&["show", "a:3", "--format", "json"]));
    let numbers: Vec<u64> = view["passages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["passage"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 3, 4]);
    let view = json(&p.run(&["show", "a:1", "-C", "0", "--format", "json"]));
    assert_eq!(view["passages"].as_array().unwrap().len(), 1);
    let run = p.run(&["show", "a:9"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("passages 1 to 4"), "{}", run.stderr);
}

#[test]
fn show_takes_the_path_a_search_printed_and_its_line() {
    let p = Project::new();
    p.write(
        "world/a.txt",
        "T\n\nOne apple.\n\nTwo pears.\n\nThree plums.\n",
    );
    let hit = p.search("pears", &[]).hits[0].clone();
    assert_eq!(hit.path, "seeds/world/a.txt");
    let passage = |view: &serde_json::Value| -> Vec<u64> {
        view["passages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["passage"].as_u64().unwrap())
            .collect()
    };
    // `path:line`, as a search prints it: the passage holding that line.
    let at = format!("{}:{}", hit.path, hit.line_start);
    let view = json(&p.run(&["show", &at, "-C", "0", "--format", "json"]));
    assert_eq!(view["doc_id"], "world/a");
    assert_eq!(passage(&view), [u64::from(hit.passage)]);
    // The path alone, absolute or relative to the seeds folder: the whole article.
    let absolute = p.seeds().join("world/a.txt");
    for name in [
        absolute.to_str().unwrap(),
        "world/a.txt",
        "seeds/world/a.txt",
    ] {
        let view = json(&p.run(&["show", name, "--format", "json"]));
        assert_eq!(passage(&view), [1, 2, 3], "{name}");
    }
    // A doc_id's number is still a passage number.
    let view = json(&p.run(&["show", "world/a:3", "-C", "0", "--format", "json"]));
    assert_eq!(passage(&view), [3]);
}

#[test]
fn show_of_an_unknown_doc_id_exits_2() {
    let p = Project::new();
    p.write("a.txt", STORY);
    let run = p.run(&["show", "nosuch"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("no article has the doc_id `nosuch`"),
        "{}",
        run.stderr
    );
}

#[test]
fn stats_reports_counts_size_and_folders() {
    let p = Project::new();
    p.write("a.txt", STORY)
        .write("b.txt", STORY)
        .write("c.txt", "C\n\nOne.\n\nTwo.\n");
    let stats = json(&p.run(&["stats", "--format", "json"]));
    assert_eq!(stats["files"], 3);
    assert_eq!(stats["articles"], 2);
    assert_eq!(stats["passages"], 3);
    assert!(stats["size_bytes"].as_u64().unwrap() > 0);
    assert!(stats["distinct_terms"].as_u64().unwrap() >= 5);
    assert!(stats["seeds"].as_str().unwrap().ends_with("seeds"));
    assert!(stats["last_update"].as_str().unwrap().starts_with("20"));
}

#[test]
fn every_command_speaks_json_lines_too() {
    let p = Project::new();
    p.write("a.txt", STORY);
    for args in [
        vec!["index", "--format", "jsonl"],
        vec!["stats", "--format", "jsonl"],
        vec!["list", "--format", "jsonl"],
        vec!["show", "a", "--format", "jsonl"],
    ] {
        let run = p.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        for line in run.stdout.lines() {
            serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("{args:?}: {e}: {line}"));
        }
        assert!(!run.stdout.is_empty(), "{args:?}");
    }
}

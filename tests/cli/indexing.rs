//! Indexing: the seeds folder rules, incremental updates, odd files and index folders.

use crate::harness::Project;

fn article(title: &str, body: &str) -> String {
    format!("{title}\n\n{body}\n")
}

#[test]
fn index_reports_what_it_did() {
    let p = Project::new();
    p.write(
        "a.txt",
        article("Alpha", "First paragraph.\n\nSecond paragraph."),
    )
    .write("sub/b.md", article("Beta", "Only paragraph."));
    let report = p.index(&[]);
    assert_eq!(
        (
            report.added,
            report.updated,
            report.removed,
            report.unchanged
        ),
        (2, 0, 0, 0)
    );
    assert_eq!((report.files, report.articles, report.passages), (2, 2, 3));
    assert!(report.committed);
    let run = p.run(&["index"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "", "the text report goes to stderr");
    assert!(
        run.stderr
            .contains("0 added, 0 updated, 0 removed, 2 unchanged"),
        "{}",
        run.stderr
    );
}

#[test]
fn unchanged_folder_commits_nothing() {
    let p = Project::new();
    p.write("a.txt", article("Alpha", "Text."));
    p.index(&[]);
    let meta = std::fs::read_to_string(p.root().join("index/meta.json")).unwrap();
    let report = p.index(&[]);
    assert!(!report.committed);
    assert_eq!(report.unchanged, 1);
    let again = std::fs::read_to_string(p.root().join("index/meta.json")).unwrap();
    assert_eq!(meta, again);
}

#[test]
fn changed_deleted_and_added_files_leave_nothing_stale() {
    let p = Project::new();
    p.write("keep.txt", article("Keep", "The harbour stays."))
        .write("change.txt", article("Change", "The old bridge stood."))
        .write("delete.txt", article("Delete", "The lighthouse shone."));
    p.index(&[]);
    p.write("change.txt", article("Change", "The new tunnel opened."));
    p.remove("delete.txt");
    p.write("add.txt", article("Add", "The ferry sailed."));
    let report = p.index(&[]);
    assert_eq!(
        (
            report.added,
            report.updated,
            report.removed,
            report.unchanged
        ),
        (1, 1, 1, 1)
    );
    assert!(
        p.search("bridge", &[]).hits.is_empty(),
        "old content of a changed file"
    );
    assert!(p.search("lighthouse", &[]).hits.is_empty(), "deleted file");
    assert_eq!(p.doc_ids("tunnel"), ["change"]);
    assert_eq!(p.doc_ids("ferry"), ["add"]);
    assert_eq!(p.doc_ids("harbour"), ["keep"]);
    assert_eq!(report.passages, 3);
}

#[test]
fn rebuild_gives_the_same_index_contents() {
    let p = Project::new();
    p.write("a.txt", article("Alpha", "One.\n\nTwo."));
    let first = p.index(&[]);
    let rebuilt = p.index(&["--rebuild"]);
    assert!(rebuilt.committed);
    assert_eq!(rebuilt.passages_written, 2);
    assert_eq!(
        (first.articles, first.passages),
        (rebuilt.articles, rebuilt.passages)
    );
    assert_eq!(p.search("two", &[]).hits.len(), 1);
}

#[test]
fn hidden_files_backups_and_other_extensions_are_ignored() {
    let p = Project::new();
    p.write("a.txt", article("Alpha", "Visible walrus."))
        .write(".hidden.txt", article("Hidden", "Secret walrus."))
        .write(".git/x.txt", article("Git", "Git walrus."))
        .write("a.txt~", article("Backup", "Backup walrus."))
        .write("page.html", article("Html", "Html walrus."))
        .write("UPPER.TXT", article("Upper", "Upper walrus."));
    let mut ids = p.doc_ids("walrus");
    ids.sort();
    assert_eq!(ids, ["UPPER", "a"]);
}

#[test]
fn seedsearchignore_files_exclude_what_they_list() {
    let p = Project::new();
    p.write("a.txt", article("Alpha", "Article walrus."))
        .write("README.txt", article("Readme", "About this walrus folder."))
        .write("drafts/b.txt", article("Draft", "Draft walrus."))
        .write("sport/c.txt", article("Sport", "Sport walrus."))
        .write("sport/notes.md", article("Notes", "Notes walrus."))
        .write(".seedsearchignore", "README.txt\ndrafts/\n")
        .write("sport/.seedsearchignore", "*.md\n");
    let mut ids = p.doc_ids("walrus");
    ids.sort();
    assert_eq!(ids, ["a", "sport/c"]);
    // Taking a pattern out brings its files in at the next sync; nothing else changes.
    p.write(".seedsearchignore", "drafts/\n");
    let report = p.index(&[]);
    assert_eq!((report.added, report.unchanged), (1, 2), "{report:?}");
    let mut ids = p.doc_ids("walrus");
    ids.sort();
    assert_eq!(ids, ["README", "a", "sport/c"]);
}

#[test]
fn hidden_folders_stay_out_even_when_an_ignore_pattern_matches_them() {
    let p = Project::new();
    p.write("a.txt", article("Alpha", "Article walrus."))
        .write(".trash/old.md", article("Trash", "Deleted walrus."))
        // The usual whitelist idiom: ignore everything, then allow folders and articles.
        .write(".seedsearchignore", "*\n!*/\n!*.txt\n!*.md\n");
    assert_eq!(p.doc_ids("walrus"), ["a"]);
}

#[test]
fn search_notices_an_ignore_file_edited_in_place() {
    use std::io::Write as _;
    let p = Project::new();
    p.write("a.txt", article("Alpha", "Article walrus."))
        .write("drafts/b.txt", article("Draft", "Draft walrus."))
        .write(".seedsearchignore", "README.txt\n");
    p.index(&[]);
    // Appending does not change the folder's time, only the file's.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(p.seeds().join(".seedsearchignore"))
        .unwrap();
    file.write_all(b"drafts/\n").unwrap();
    drop(file);
    assert_eq!(p.doc_ids("walrus"), ["a"]);
}

#[test]
fn latin1_files_are_indexed_with_a_warning() {
    let p = Project::new();
    p.write(
        "pound.txt",
        b"Transfer news\n\nA \xa315.8m signing for Chelsea.\n",
    );
    let run = p.run(&["index"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("seeds/pound.txt: is not valid UTF-8; read as Windows-1252"),
        "{}",
        run.stderr
    );
    let hit = &p.search("signing", &[]).hits[0];
    assert!(hit.text.contains("£15.8m"), "{}", hit.text);
    // The JSON report names the file and the problem too.
    let report = p.index(&["--rebuild"]);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].path, "seeds/pound.txt");
    assert!(report.warnings[0].message.contains("Windows-1252"));
}

#[test]
fn empty_and_binary_files_are_skipped_and_the_run_succeeds() {
    let p = Project::new();
    p.write("good.txt", article("Good", "A fine walrus."))
        .write("empty.txt", "")
        .write("blank.md", "\n  \n")
        .write("binary.txt", b"PK\x03\x04\x00\x00\x00binary junk");
    let run = p.run(&["index"]);
    assert_eq!(run.code, 0, "{run:?}");
    for name in ["empty.txt", "blank.md", "binary.txt"] {
        assert!(
            run.stderr.contains(&format!("seeds/{name}:")),
            "{name}: {}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("binary file"));
    let report = p.index(&[]);
    assert_eq!((report.files, report.skipped), (1, 3));
    // Skipped files are reported again on every run until fixed.
    assert_eq!(report.warnings.len(), 3);
    assert_eq!(p.doc_ids("walrus"), ["good"]);
}

#[test]
fn a_skipped_file_that_becomes_valid_is_indexed() {
    let p = Project::new();
    p.write("late.txt", "");
    p.index(&[]);
    p.write("late.txt", article("Late", "Now with a walrus."));
    let report = p.index(&[]);
    assert_eq!(report.added, 1);
    assert_eq!(p.doc_ids("walrus"), ["late"]);
}

#[test]
fn crlf_bom_and_lf_files_index_the_same_passages() {
    let p = Project::new();
    p.write(
        "lf.txt",
        "Title\n\nOne walrus.\n\nWhat next?\n\nTwo walruses.\n\nWhat then?\n\nThree walruses.\n",
    )
    .write(
        "crlf.txt",
        "\u{feff}Title\r\n\r\nOne walrus.   \r\n\r\nWhat next?\t\r\n\r\nTwo walruses.\r\n\r\n\
         What then?\r\n\r\nThree walruses.\r\n\r\n\r\n",
    );
    let hits = p.search("walrus", &["--limit", "10"]).hits;
    // One article (same content after normalising) holding both files.
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert!(hits.iter().all(|h| h.title == "Title"));
    let two = hits.iter().find(|h| h.text == "Two walruses.").unwrap();
    assert_eq!(two.section.as_deref(), Some("What next?"));
}

#[test]
fn missing_seeds_folder_exits_2_and_creates_nothing() {
    let p = Project::new();
    let run = p.run(&["--seeds", "nowhere", "index"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("nowhere"), "{}", run.stderr);
    assert!(!p.root().join("index").exists());
    let run = p.run(&["--seeds", "nowhere", "search", "x"]);
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn flags_and_environment_choose_the_folders() {
    let p = Project::new();
    std::fs::create_dir(p.root().join("articles")).unwrap();
    std::fs::write(
        p.root().join("articles/a.txt"),
        article("A", "The walrus swam."),
    )
    .unwrap();
    let run = p.run(&["--seeds", "articles", "--index", "idx", "search", "walrus"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("articles/a.txt:3"), "{}", run.stdout);
    assert!(p.root().join("idx/meta.json").exists());
    let run = p
        .command(&["search", "walrus"])
        .env("SEEDSEARCH_SEEDS", "articles")
        .env("SEEDSEARCH_INDEX", "idx2")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    assert!(p.root().join("idx2/meta.json").exists());
}

#[test]
fn a_folder_of_other_files_is_never_used_as_an_index() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."));
    std::fs::create_dir(p.root().join("home")).unwrap();
    std::fs::write(p.root().join("home/diary.txt"), "private").unwrap();
    for args in [
        vec!["--index", "home", "index"],
        vec!["--index", "home", "index", "--rebuild"],
        vec!["--index", "home", "search", "walrus"],
    ] {
        let run = p.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("is not a seedsearch index"),
            "{}",
            run.stderr
        );
    }
    let names: Vec<_> = std::fs::read_dir(p.root().join("home"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["diary.txt"]);
}

#[test]
fn an_index_of_an_incompatible_version_asks_for_rebuild() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."));
    p.index(&[]);
    let marker = p.root().join("index/seedsearch.json");
    let text = std::fs::read_to_string(&marker).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["format"] = 999.into();
    let old = serde_json::to_string_pretty(&json).unwrap();
    std::fs::write(&marker, old).unwrap();
    for args in [vec!["search", "walrus"], vec!["index"]] {
        let run = p.run(&args);
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr.contains("incompatible version"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("seedsearch index --rebuild"),
            "{}",
            run.stderr
        );
    }
    p.index(&["--rebuild"]);
    assert_eq!(p.doc_ids("walrus"), ["a"]);
}

#[test]
fn files_differing_only_by_extension_keep_it_in_their_doc_id() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."))
        .write("a.md", article("A md", "The walrus dived."));
    let run = p.run(&["index"]);
    assert!(run.stderr.contains("share the name `a`"), "{}", run.stderr);
    let mut ids = p.doc_ids("walrus");
    ids.sort();
    assert_eq!(ids, ["a.md", "a.txt"]);
}

#[test]
fn doc_ids_follow_a_sibling_with_the_other_extension_coming_and_going() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."))
        .write("b.txt", article("B", "The walrus slept."));
    p.index(&[]);
    assert_eq!(p.doc_ids("swam"), ["a"]);
    // A sibling appears: both now keep their extension, and nothing answers as `a`.
    p.write("a.md", article("A md", "The walrus dived."));
    p.index(&[]);
    assert_eq!(p.doc_ids("swam"), ["a.txt"]);
    assert_eq!(p.doc_ids("dived"), ["a.md"]);
    assert_eq!(p.doc_ids("slept"), ["b"]);
    // It goes again: `a` is back, and the unchanged article was left as it was.
    p.remove("a.md");
    let report = p.index(&[]);
    assert_eq!(p.doc_ids("swam"), ["a"]);
    assert!(p.doc_ids("dived").is_empty());
    assert_eq!(p.doc_ids("slept"), ["b"]);
    assert_eq!((report.removed, report.unchanged), (1, 2), "{report:?}");
    assert!(report.passages_written < report.passages, "{report:?}");
}

#[test]
fn front_matter_is_metadata_not_a_passage() {
    let p = Project::new();
    p.write(
        "fm.md",
        "---\ntitle: The real title\nauthor: Jane Doe\ndate: 2025-09-11\n---\n\nThe walrus swam.\n",
    );
    let hits = p.search("walrus", &[]).hits;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].title, "The real title");
    assert_eq!(
        hits[0].metadata.get("author").map(String::as_str),
        Some("Jane Doe")
    );
    assert_eq!(
        hits[0].metadata.get("date").map(String::as_str),
        Some("2025-09-11")
    );
    assert!(p.search("Jane", &[]).hits.is_empty());
}

#[test]
fn searching_with_another_or_a_missing_seeds_folder_warns_and_uses_the_index() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."));
    p.index(&[]);
    std::fs::create_dir(p.root().join("other")).unwrap();
    let run = p.run(&["--seeds", "other", "search", "--json", "walrus"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains("this index follows seeds, not other; using it as it is"),
        "{}",
        run.stderr
    );
    let run = p.run(&["--seeds", "missing", "search", "--json", "walrus"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains(
            "the seeds folder missing is not there; using the index as it was built from seeds"
        ),
        "{}",
        run.stderr
    );
    // Asked not to look at the folder, it says nothing.
    let run = p.run(&["--seeds", "missing", "search", "--no-sync", "walrus"]);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:?}");
}

#[test]
fn switching_seeds_folders_says_so_and_follows_the_new_one() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."));
    let first = p.index(&[]);
    assert!(first.seeds.ends_with("seeds"));
    assert_eq!(first.previous_seeds, None);
    std::fs::create_dir(p.root().join("other")).unwrap();
    std::fs::write(
        p.root().join("other/b.txt"),
        article("B", "The seal dived."),
    )
    .unwrap();
    let run = p.run(&["--seeds", "other", "index", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("the index was built from"),
        "{}",
        run.stderr
    );
    let report: crate::harness::Report = serde_json::from_str(&run.stdout).unwrap();
    assert!(report.previous_seeds.is_some_and(|p| p.ends_with("seeds")));
    assert_eq!((report.added, report.removed), (1, 1));
    let run = p.run(&["--seeds", "other", "search", "--json", "walrus"]);
    assert_eq!(run.code, 1, "{run:?}");
}

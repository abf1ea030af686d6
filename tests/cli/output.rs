//! Output: the JSON schema, JSON Lines, text blocks, colour and stdout/stderr discipline.

use crate::harness::{Project, Results};

fn project() -> Project {
    let p = Project::new();
    p.write(
        "nato.txt",
        "NATO and Poland\n\nPoland asked its allies for talks.\n\nWhat now?\n\n\
         Poland invoked Article 4 after Russian drones crossed into its airspace.\n\n\
         What then?\n\nPoland waits for an answer.\n",
    );
    p.write(
        "other.txt",
        "Other news\n\nA quiet day in Warsaw, without drones.\n",
    );
    p
}

#[test]
fn json_output_has_the_documented_schema() {
    let p = project();
    let results: Results = p.search("drones", &[]);
    assert_eq!(results.query, "drones");
    assert_eq!(results.total_hits, 2);
    let hit = &results.hits[0];
    assert_eq!(hit.rank, 1);
    assert!(hit.score > 0.0);
    assert!(hit.also_in.is_empty());
    assert!(!hit.boilerplate);
}

#[test]
fn highlights_point_at_the_matched_words_of_the_snippet() {
    let p = project();
    for hit in p.search("drone poland", &[]).hits {
        assert!(!hit.highlights.is_empty(), "{hit:?}");
        let chars: Vec<char> = hit.snippet.chars().collect();
        for [a, b] in &hit.highlights {
            let word: String = chars[*a..*b].iter().collect::<String>().to_lowercase();
            assert!(
                word.starts_with("drone") || word.starts_with("poland"),
                "{word}"
            );
        }
    }
}

#[test]
fn jsonl_prints_one_hit_per_line() {
    let p = project();
    let run = p.run(&["search", "--format", "jsonl", "drones"]);
    assert_eq!(run.code, 0);
    let lines: Vec<_> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    for (i, line) in lines.iter().enumerate() {
        let hit: crate::harness::Hit = serde_json::from_str(line).unwrap();
        assert_eq!(hit.rank, i + 1);
        assert_eq!(
            hit.version,
            Some(1),
            "each line is a document with its version"
        );
    }
}

#[test]
fn json_with_no_hits_is_still_an_object_and_exits_1() {
    let p = project();
    let run = p.run(&["search", "--json", "zebra"]);
    assert_eq!(run.code, 1);
    let results: Results = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(results.total_hits, 0);
    assert!(results.hits.is_empty());
}

#[test]
fn text_output_shows_location_title_section_and_snippet() {
    let p = project();
    let run = p.run(&["search", "article"]);
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<_> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("seeds/nato.txt:7"), "{}", run.stdout);
    assert!(lines[0].contains("passage 2"));
    assert_eq!(lines[1], "  NATO and Poland › What now?");
    assert!(lines[2].starts_with("  Poland invoked Article 4"));
    assert!(!run.stdout.contains('\u{1b}'), "no colour when piped");
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let p = project();
    let run = p.run(&["search", "--color", "always", "article"]);
    assert!(run.stdout.contains("\u{1b}["), "{:?}", run.stdout);
    let forced = p
        .command(&["search", "article"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains("\u{1b}["));
    let no_color = p
        .command(&["search", "article"])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&no_color.stdout).contains('\u{1b}'));
}

#[test]
fn stdout_carries_results_only() {
    let p = project();
    let run = p.run(&["search", "--json", "drones"]);
    // The first search builds the index and says so on stderr, not stdout.
    assert!(run.stderr.contains("building"));
    serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap();
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    use std::io::Read;
    use std::process::Stdio;
    let p = Project::new();
    for i in 0..300 {
        p.write(
            &format!("a{i}.txt"),
            format!("Story {i}\n\n{}\n", "The walrus swam. ".repeat(20)),
        );
    }
    p.index(&[]);
    let mut child = p
        .command(&["search", "--limit", "300", "walrus"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 10];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn help_has_examples_and_exit_codes() {
    let p = Project::new();
    let run = p.run(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Examples:"));
    assert!(run.stdout.contains("Exit status"));
    let run = p.run(&["search", "--help"]);
    assert!(run.stdout.contains("Query language:"));
    let run = p.run(&["search"]);
    assert_eq!(run.code, 2, "usage errors exit 2");
}

//! Bounded, honest, safe output: over-long batch lines and queries are refused with a short
//! message, control characters from articles and file names never reach a terminal raw,
//! and `show DOC_ID:N` answers with the passage asked for and its neighbours.

use std::io::Write;
use std::process::Stdio;

use crate::harness::Project;

fn batch_lines(p: &Project, input: &[u8], extra: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let mut args = vec!["search", "--batch", "-", "-n", "1"];
    args.extend_from_slice(extra);
    let mut child = p
        .command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run seedsearch");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let output = child.wait_with_output().expect("wait for seedsearch");
    writer.join().expect("writer thread");
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let lines = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:.200}")))
        .collect();
    (output.status.code().unwrap_or(-1), lines)
}

fn drone_project() -> Project {
    let p = Project::new();
    p.write(
        "a.txt",
        "Drone seen over the harbour\n\nA drone flew over the harbour at dawn.\n",
    );
    p.write("b.txt", "Budget vote\n\nThe council passed the budget.\n");
    p.index(&[]);
    p
}

#[test]
fn an_over_long_batch_line_is_answered_with_an_error_and_the_next_line_still_runs() {
    let p = drone_project();
    let mut input = b"drone\n".to_vec();
    input.extend(std::iter::repeat_n(b'x', 3 * 1024 * 1024));
    input.extend_from_slice(b"\nbudget\n");
    let (code, lines) = batch_lines(&p, &input, &[]);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["hits"][0]["doc_id"], "a");
    let error = lines[1]["error"].as_str().expect("an error object");
    assert!(error.contains("KiB"), "{error}");
    assert!(error.contains("line 2"), "{error}");
    // The answer quotes the start of the line, not a megabyte of it.
    let quoted = lines[1]["query"].as_str().expect("the query, quoted");
    assert!(quoted.starts_with("xxxx"), "{quoted}");
    assert!(quoted.chars().count() <= 81, "{}", quoted.len());
    assert_eq!(lines[2]["query"], "budget");
    assert_eq!(lines[2]["hits"][0]["doc_id"], "b");
}

#[test]
fn a_batch_line_that_is_not_utf8_is_answered_with_an_error_and_the_rest_run() {
    let p = drone_project();
    let (code, lines) = batch_lines(&p, b"drone\nbad \xff\xfe line\nbudget\n", &[]);
    assert_eq!(code, 0);
    assert_eq!(lines.len(), 3, "{lines:?}");
    let error = lines[1]["error"].as_str().expect("an error object");
    assert!(error.contains("UTF-8"), "{error}");
    assert_eq!(lines[2]["hits"][0]["doc_id"], "b");
}

#[test]
fn a_query_over_the_cap_is_refused_quoting_at_most_80_characters() {
    let p = drone_project();
    let query = "drone ".repeat(70 * 1024 / 6);
    let run = p.run(&["search", "--", &query]);
    assert_eq!(run.code, 2, "{:.300}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{:.300}", run.stderr);
    assert!(
        run.stderr.contains("limit is 64 KiB"),
        "{:.300}",
        run.stderr
    );
    // One line that quotes the start of the query, not all of it.
    assert!(run.stderr.contains("drone drone"), "{}", run.stderr);
    assert!(run.stderr.chars().count() < 250, "{}", run.stderr);
    assert!(run.stdout.is_empty());
}

/// An article whose title, passage and file name hold terminal control sequences: a
/// window-title change, a screen clear and an OSC-8 link.
fn hostile_project() -> Project {
    let p = Project::new();
    p.write(
        "evil\u{1b}[2Jname.txt",
        "Drone \u{1b}]0;pwned\u{7} report\n\n\
         Clear\u{1b}[2J the drone\u{9b}31m here\ttab \u{1b}]8;;http://x.test\u{1b}\\link\u{1b}]8;;\u{1b}\\ end\u{7f}.\n",
    );
    p.index(&[]);
    p
}

#[test]
fn control_characters_are_escaped_in_text_output() {
    let p = hostile_project();
    for args in [
        vec!["search", "--color", "never", "drone"],
        vec!["search", "--color", "never", "--articles", "1", "drone"],
        vec!["search", "--vimgrep", "drone"],
        vec!["show", "--color", "never", "evil\u{1b}[2Jname"],
        vec!["show", "--color", "never", "evil\u{1b}[2Jname:1"],
        vec!["list", "--color", "never"],
    ] {
        let run = p.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{7f}'] {
            assert!(!run.stdout.contains(bad), "{args:?}: {:?}", run.stdout);
            assert!(!run.stderr.contains(bad), "{args:?}: {:?}", run.stderr);
        }
        assert!(
            run.stdout.contains(r"evil\x1b[2Jname"),
            "{args:?}: {}",
            run.stdout
        );
        if !args.contains(&"--vimgrep") {
            assert!(
                run.stdout.contains(r"\x1b]0;pwned\x07"),
                "{args:?}: {}",
                run.stdout
            );
        }
        if args[0] != "list" {
            assert!(
                run.stdout.contains(r"Clear\x1b[2J the"),
                "{args:?}: {}",
                run.stdout
            );
            assert!(
                run.stdout.contains(r"\u{9b}31m here"),
                "{args:?}: {}",
                run.stdout
            );
            assert!(run.stdout.contains(r"end\x7f."), "{args:?}: {}", run.stdout);
        }
        if args[0] == "show" {
            // Tabs are printed as tabs, as ripgrep does (snippets fold them into spaces).
            assert!(run.stdout.contains("here\ttab"), "{args:?}: {}", run.stdout);
        }
    }
}

#[test]
fn control_characters_in_messages_that_quote_file_names_are_escaped() {
    let p = hostile_project();
    let run = p.run(&["show", "nothing\u{1b}]0;x\u{7}"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(!run.stderr.contains('\u{1b}'), "{:?}", run.stderr);
    assert!(
        run.stderr.contains(r"nothing\x1b]0;x\x07"),
        "{}",
        run.stderr
    );
}

#[test]
fn control_characters_stay_exact_in_json_output() {
    let p = hostile_project();
    let hit = &p.search("drone", &[]).hits[0];
    assert_eq!(hit.title, "Drone \u{1b}]0;pwned\u{7} report");
    assert!(hit.text.starts_with("Clear\u{1b}[2J the drone\u{9b}31m"));
    assert_eq!(hit.doc_id, "evil\u{1b}[2Jname");
    let run = p.run(&["show", "--json", "evil\u{1b}[2Jname:1"]);
    assert_eq!(run.code, 0, "{run:?}");
    let view: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(view["title"], "Drone \u{1b}]0;pwned\u{7} report");
    assert_eq!(view["doc_id"], "evil\u{1b}[2Jname");
}

#[test]
fn highlights_mark_the_matched_word_after_escaped_characters() {
    let p = hostile_project();
    let run = p.run(&["search", "--color", "always", "drone"]);
    assert_eq!(run.code, 0, "{run:?}");
    // The escaped text comes before the match, and the match is the word itself.
    let snippet = run
        .stdout
        .lines()
        .find(|l| l.contains(r"Clear\x1b[2J the "))
        .unwrap_or_else(|| panic!("{:?}", run.stdout));
    let after = snippet.split(r"Clear\x1b[2J the ").nth(1).unwrap();
    let word_at = after.find("drone").expect("the word");
    let before_word = &after[..word_at];
    assert!(
        before_word.contains("\u{1b}["),
        "the word is styled: {after:?}"
    );
    let styled_after = &after[word_at + "drone".len()..];
    assert!(
        styled_after.starts_with("\u{1b}["),
        "style ends after it: {after:?}"
    );
}

#[test]
fn show_of_one_passage_of_a_long_article_returns_it_and_its_neighbours() {
    let p = Project::new();
    let mut body = String::from("A long article\n\n");
    for i in 1..=400 {
        body.push_str(&format!("Paragraph number {i} says word{i}.\n\n"));
    }
    p.write("long.txt", &body);
    p.index(&[]);
    let show = |target: &str, context: &str| -> serde_json::Value {
        let run = p.run(&["show", "--json", "-C", context, target]);
        assert_eq!(run.code, 0, "{run:?}");
        serde_json::from_str(&run.stdout).unwrap()
    };
    let numbers = |view: &serde_json::Value| -> Vec<u64> {
        view["passages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["passage"].as_u64().unwrap())
            .collect()
    };
    let view = show("long:250", "2");
    assert_eq!(view["total_passages"], 400);
    assert_eq!(view["title"], "A long article");
    assert_eq!(numbers(&view), vec![248, 249, 250, 251, 252]);
    assert_eq!(
        view["passages"][2]["text"],
        "Paragraph number 250 says word250."
    );
    assert_eq!(view["passages"][2]["line_start"], 2 * 250 + 1);
    assert_eq!(numbers(&show("long:1", "1")), vec![1, 2]);
    assert_eq!(numbers(&show("long:400", "0")), vec![400]);
    assert_eq!(numbers(&show("long", "1")).len(), 400);
    let run = p.run(&["show", "long:401"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("passages 1 to 400"), "{}", run.stderr);
}

//! Property tests: invariants of the splitter, the query parser, decoding and hashing, and
//! snippets, checked on arbitrary and on generated article-like input.
//!
//! Every property runs 256 cases on bounded inputs so the whole file stays well under
//! 20 s in the dev profile. Failing seeds proptest finds are kept in
//! `proptest-regressions/properties.txt` and replayed first on every run. Crash inputs
//! found by the fuzzers are kept in `fuzz/regressions/` and replayed by the `fuzz_regressions_*`
//! tests at the end. Bugs not fixed yet have a minimal `regression_*` test marked
//! `#[ignore = "bug: ..."]`: `cargo test --test properties -- --ignored` runs them.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use seedsearch::article::{self, Article, Syntax};
use seedsearch::corpus::{self, content_hash, Load};
use seedsearch::query;
use seedsearch::snippet::Highlighter;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // Relative to the package root, where `cargo test` runs integration tests.
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/properties.txt",
        ))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Checks shared with the fuzz targets (fuzz/fuzz_targets/split.rs has a copy).
// ---------------------------------------------------------------------------------------

/// The same article, field by field.
fn same_article(a: &Article, b: &Article) -> Result<(), String> {
    if a == b {
        Ok(())
    } else {
        Err(format!("{a:#?}\n!=\n{b:#?}"))
    }
}

// ---------------------------------------------------------------------------------------
// Generators.
// ---------------------------------------------------------------------------------------

const WORDS: &[&str] = &[
    "drone",
    "drones",
    "Poland",
    "Poland’s",
    "NATO's",
    "Article",
    "4",
    "40,000",
    "2.5",
    "Gdańsk",
    "Wiesław",
    "Gdan\u{301}sk",
    "Straße",
    "the",
    "a",
    "of",
    "you",
    "your",
    "newsletter",
    "inbox",
    "Mr.",
    "U.S.",
    "St.",
    "e.g.",
    "F-35",
    "don't",
    "O’Brien",
    "“huge",
    "number”",
    "(Getty",
    "Images)",
    "—",
    "…",
    "🚀",
    "日本語",
    "Ünïcödé",
    "x",
    "said",
    "AND",
    "OR",
    "NOT",
];

/// A white-space run, with the exotic ones a pasted article may hold.
fn space() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        8 => Just(" "),
        1 => Just("\u{a0}"),
        1 => Just("\u{3000}"),
        1 => Just("\u{2009}"),
        1 => Just("\t"),
        1 => Just("  "),
    ]
}

fn sentence() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((prop::sample::select(WORDS), space()), 1..14),
        prop::sample::select(&[".", "?", "!", "", ".”", "…", ":"][..]),
    )
        .prop_map(|(words, end)| {
            let mut s = String::new();
            for (i, (w, sp)) in words.iter().enumerate() {
                if i > 0 {
                    s.push_str(sp);
                }
                s.push_str(w);
            }
            s.push_str(end);
            s
        })
}

fn paragraph_line() -> impl Strategy<Value = String> {
    prop::collection::vec(sentence(), 1..6).prop_map(|s| s.join(" "))
}

/// One block of an article: what news sites and copy-pastes put between blank lines.
fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::collection::vec(paragraph_line(), 1..4).prop_map(|l| l.join("\n")),
        2 => "[A-Z][a-z]{2,10}( [a-z]{2,8}){0,6}\\?".prop_map(String::from),
        1 => "#{1,7} ?[A-Za-z ]{0,20}#{0,2}".prop_map(String::from),
        1 => Just("Sign up".to_string()),
        1 => Just("Sign up for The Week's Free Newsletters".to_string()),
        1 => Just("Get the best of the news delivered to your inbox. Subscribe now.".to_string()),
        1 => Just("(Image credit: Aleksander Kalka / NurPhoto / Getty Images)".to_string()),
        1 => "https://example\\.com/[a-z0-9/]{0,30}".prop_map(String::from),
        1 => Just("![a drone](img/drone.jpg)".to_string()),
        1 => "[-*•] [A-Za-z ]{1,30}".prop_map(String::from),
        1 => (sentence(), 50usize..400).prop_map(|(s, n)| s.repeat(n)),
        1 => ("[a-zé]{1,3}", 700usize..1500).prop_map(|(s, n)| s.repeat(n)),
        1 => Just("---".to_string()),
        1 => Just("".to_string()),
        1 => "[ \t]{1,3}".prop_map(String::from),
        1 => any::<String>(),
    ]
}

fn front_matter() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        2 => (
            "[A-Za-z ]{0,30}",
            prop::sample::select(&["2025-09-11", "yesterday", "9999-12-31", ""][..]),
            prop::sample::select(&["\n---\n", "\n...\n", "\n", "\nnot a key line\n---\n"][..]),
        )
            .prop_map(|(title, date, close)| {
                format!("---\ntitle: \"{title}\"\ndate: {date}\ntags:\n  - a\n  - b\nauthor: [x, 'y']{close}")
            }),
    ]
}

/// Article-like text: front matter, a headline, blocks separated by blank lines (or not),
/// with LF, CRLF or CR line endings, trailing spaces and an optional byte-order mark.
fn article_text() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        front_matter(),
        prop_oneof![paragraph_line(), Just(String::new()), "# [A-Za-z ]{1,20}"],
        prop::collection::vec(
            (
                block(),
                prop::sample::select(&["\n\n", "\n", "\n\n\n", "\n \n"][..]),
            ),
            0..14,
        ),
        prop::sample::select(&["\n", "\r\n", "\r"][..]),
        any::<bool>(),
    )
        .prop_map(|(bom, fm, headline, blocks, eol, trailing)| {
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(&fm);
            text.push_str(&headline);
            text.push_str("\n\n");
            for (b, sep) in blocks {
                text.push_str(&b);
                text.push_str(sep);
            }
            let mut out = String::new();
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    out.push_str(eol);
                }
                out.push_str(line);
                if trailing && i % 3 == 1 {
                    out.push_str(" \t");
                }
            }
            out
        })
}

/// Arbitrary text with line breaks, BOMs and white space made likely.
fn messy_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => any::<char>().prop_map(String::from),
            2 => prop::sample::select(WORDS).prop_map(String::from),
            2 => prop::sample::select(&["\n", "\r\n", "\r", "\n\n", " ", "\t", "\u{feff}", "---", "# ", ". ", "?", "\u{a0}", "\u{85}", "\u{2028}"][..])
                .prop_map(String::from),
        ],
        0..200,
    )
    .prop_map(|parts| parts.concat())
}

// ---------------------------------------------------------------------------------------
// The splitter.
// ---------------------------------------------------------------------------------------

/// Every syntax the splitter reads: the plain-text rules hold for Markdown too.
const SYNTAXES: [Syntax; 2] = [Syntax::Plain, Syntax::Markdown];

/// Markdown markup, inline and block, to mix with words.
const MARKDOWN: &[&str] = &[
    " ",
    "\n",
    "\n\n",
    "\r\n",
    "**",
    "*",
    "_",
    "__",
    "`",
    "``",
    "~~",
    "~",
    "[",
    "]",
    "](",
    "(https://x.org/a)",
    ")",
    "![",
    "<",
    ">",
    "<br>",
    "<b>",
    "</b>",
    "<div>\n",
    "<!--",
    "-->",
    "\\",
    "&amp;",
    "&#10;",
    "&#13;",
    "&#0;",
    "&nbsp;",
    "[r]",
    "[r][]",
    "\n[r]: https://x.org/r\n",
    "\n```\n",
    "\n~~~\n",
    "\n> ",
    "\n- ",
    "\n* ",
    "\n1. ",
    "\n10) ",
    "\n## ",
    "\n#",
    "\n---\n",
    "\n===\n",
    "\n    ",
    "\t",
    "|",
    "\u{feff}",
];

/// Words, sentences and Markdown markup in any order.
fn markdown_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(String::from),
            4 => prop::sample::select(MARKDOWN).prop_map(String::from),
            2 => sentence(),
            1 => any::<char>().prop_map(String::from),
        ],
        0..150,
    )
    .prop_map(|parts| parts.concat())
}

/// Markdown prose with links, images and reference links whose targets all hold the word
/// `zzdest`, which must never reach a passage (autolinks, whose target is their text,
/// hold `shown`).
fn linked_markdown() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => sentence(),
            1 => sentence().prop_map(|s| format!("[{s}](https://example.org/zzdest \"t\")")),
            1 => sentence().prop_map(|s| format!("![{s}](zzdest.png)")),
            1 => sentence().prop_map(|s| format!("[{s}][zzref]")),
            1 => Just("\n\n[zzref]: https://example.org/zzdest\n\n".to_string()),
            // An autolink's target is also its text, which a reader sees: it stays.
            1 => Just("<https://example.org/shown>".to_string()),
            1 => prop::sample::select(&["**", "*", "_", "~~", "\n", "\n\n", "\n## "][..])
                .prop_map(String::from),
        ],
        0..40,
    )
    .prop_map(|parts| format!("Title\n\n{}", parts.join(" ")))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn splitter_keeps_its_promises_on_arbitrary_text(input in messy_text()) {
        for syntax in SYNTAXES {
            let a = article::parse(&input, syntax);
            if let Err(e) = article::check(&input, syntax, &a) {
                prop_assert!(false, "{syntax:?}: {e}\ninput: {input:?}");
            }
        }
    }

    #[test]
    fn splitter_keeps_its_promises_on_article_like_text(input in article_text()) {
        for syntax in SYNTAXES {
            let a = article::parse(&input, syntax);
            if let Err(e) = article::check(&input, syntax, &a) {
                prop_assert!(false, "{syntax:?}: {e}\ninput: {input:?}");
            }
        }
    }

    #[test]
    fn splitter_keeps_its_promises_on_markdown(input in markdown_text()) {
        for syntax in SYNTAXES {
            let a = article::parse(&input, syntax);
            if let Err(e) = article::check(&input, syntax, &a) {
                prop_assert!(false, "{syntax:?}: {e}\ninput: {input:?}");
            }
        }
    }

    #[test]
    fn markdown_link_targets_never_reach_a_passage(input in linked_markdown()) {
        let a = article::parse(&input, Syntax::Markdown);
        let shown = a.passages.iter().flat_map(|p| [Some(p.text.as_str()), p.section.as_deref()]);
        for text in shown.flatten().chain(a.title.as_deref()) {
            prop_assert!(!text.contains("zzdest"), "{text:?}\ninput: {input:?}");
        }
        if let Err(e) = article::check(&input, Syntax::Markdown, &a) {
            prop_assert!(false, "{e}\ninput: {input:?}");
        }
    }

    #[test]
    fn splitter_ignores_what_the_content_hash_ignores(input in article_text()) {
        let lf: String = article::file_lines(&input).join("\n");
        for syntax in SYNTAXES {
            let base = article::parse(&lf, syntax);
            for variant in [
                lf.replace('\n', "\r\n"),
                lf.replace('\n', "\r"),
                format!("\u{feff}{lf}"),
                format!("\u{feff}{}\r\n", lf.replace('\n', "\r\n")),
                lf.replace('\n', " \t\n"),
                format!("{lf}\n\n \r\n\t\n"),
                input.clone(),
            ] {
                // What the content hash ignores, the splitter must ignore too: the indexer
                // skips an article whose hash did not change.
                prop_assert_eq!(content_hash(&lf), content_hash(&variant));
                if let Err(e) = same_article(&base, &article::parse(&variant, syntax)) {
                    prop_assert!(false, "{syntax:?}: {e}\nvariant: {variant:?}");
                }
            }
        }
    }

    #[test]
    fn splitter_ignores_line_endings_on_arbitrary_text(input in messy_text()) {
        let lf = input.replace('\r', "");
        // One byte-order mark is dropped, not two: add one only where there is none.
        let bom = if lf.starts_with('\u{feff}') { lf.clone() } else { format!("\u{feff}{lf}") };
        for syntax in SYNTAXES {
            let base = article::parse(&lf, syntax);
            for variant in [lf.replace('\n', "\r\n"), lf.replace('\n', "\r"), bom.clone()] {
                if let Err(e) = same_article(&base, &article::parse(&variant, syntax)) {
                    prop_assert!(false, "{syntax:?}: {e}\nvariant: {variant:?}");
                }
            }
        }
    }
}

#[test]
fn splitter_handles_very_long_lines() {
    // One line of 100 kB with and without spaces and sentence ends, and many short lines.
    let inputs = [
        format!("Title\n\n{}", "The drone crossed. ".repeat(5_000)),
        format!("Title\n\n{}", "word ".repeat(20_000)),
        format!("Title\n\n{}", "é".repeat(50_000)),
        format!("Title\n\n{}", "a.".repeat(50_000)),
        format!("Title\n\n{}", "Line.\n".repeat(10_000)),
        "\n".repeat(100_000),
        "🚀".repeat(25_000),
    ];
    for input in &inputs {
        let started = Instant::now();
        let a = article::parse(input, Syntax::Plain);
        assert!(started.elapsed() < Duration::from_secs(5));
        if let Err(e) = article::check(input, Syntax::Plain, &a) {
            panic!("{e}");
        }
    }
}

/// Pieces of one over-long block share a line whenever the cut falls inside a line, also in
/// a block of several lines (here: a 1,910-byte line cut near 1,100 bytes, then a 300-byte
/// one).
#[test]
fn pieces_of_a_multi_line_block_may_share_a_line() {
    let long = "The drone crossed the border at night. ".repeat(49);
    let second = "A second line of the same paragraph. ".repeat(8);
    let input = format!(
        "Title\n\n{}\n{}\n\nThe end.\n",
        long.trim_end(),
        second.trim_end()
    );
    let a = article::parse(&input, Syntax::Plain);
    article::check(&input, Syntax::Plain, &a).unwrap();
    assert_eq!(a.passages.len(), 3);
    let (p, q) = (&a.passages[0], &a.passages[1]);
    assert_eq!((p.line_start, p.line_end), (3, 3));
    assert_eq!((q.line_start, q.line_end), (3, 4));
}

// ---------------------------------------------------------------------------------------
// The query parser.
// ---------------------------------------------------------------------------------------

fn query_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(WORDS).prop_map(String::from),
            3 => prop::sample::select(&[
                " ", "\"", "“", "”", "„", "(", ")", "+", "-", "*", "^", "^2", "^1.5", ":",
                "title:", "section:", "text:", "doc:", "date:", "author:", "collection:",
                "source:", "date:[", " TO ", "]", "}", "{", ">=", "<", "titel:", "\u{0}",
                "\u{7}", "\t", "\n", "AND ", "OR ", "NOT ", "🚀", "^^", "1e40",
            ][..]).prop_map(String::from),
            2 => any::<char>().prop_map(String::from),
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

fn check_query(input: &str) -> Result<(), String> {
    let started = Instant::now();
    let result = query::parse(input);
    let elapsed = started.elapsed();
    if elapsed > Duration::from_secs(2) {
        return Err(format!("took {elapsed:?}"));
    }
    match result {
        Ok(q) => {
            if q.clauses.is_empty() {
                return Err("Ok with no clauses".into());
            }
            check_clauses(&q.clauses)
        }
        Err(e) => {
            let chars = input.chars().count();
            match e.column {
                Some(c) if c == 0 || c > chars + 1 => {
                    Err(format!("column {c} for {chars} characters: {e}"))
                }
                _ if e.message.is_empty() => Err("empty error message".into()),
                _ => Ok(()),
            }
        }
    }
}

fn check_clauses(clauses: &[query::Clause]) -> Result<(), String> {
    for clause in clauses {
        if let Some(b) = clause.boost {
            if !b.is_finite() || b < 0.0 {
                return Err(format!("boost {b}"));
            }
        }
        if let query::Node::Group(inner) = &clause.node {
            if inner.is_empty() {
                return Err("empty group".into());
            }
            check_clauses(inner)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn query_parser_never_panics_on_arbitrary_strings(input in any::<String>()) {
        if let Err(e) = check_query(&input) {
            prop_assert!(false, "{e}\ninput: {input:?}");
        }
    }

    #[test]
    fn query_parser_never_panics_on_query_like_strings(input in query_text()) {
        if let Err(e) = check_query(&input) {
            prop_assert!(false, "{e}\ninput: {input:?}");
        }
    }

    #[test]
    fn query_parser_is_quick_on_long_inputs(
        unit in query_text().prop_filter("non-empty", |s| !s.is_empty()),
    ) {
        let chars = unit.chars().count().max(1);
        let input: String = unit.repeat(10_000 / chars + 1).chars().take(10_000).collect();
        if let Err(e) = check_query(&input) {
            prop_assert!(false, "{e}\nunit: {unit:?}");
        }
    }
}

#[test]
fn query_parser_handles_pathological_inputs() {
    let inputs = [
        "(".repeat(10_000),
        ")".repeat(10_000),
        "\"".repeat(10_001),
        "title:".repeat(2_000),
        "title:(".repeat(2_000),
        "date:[".repeat(2_000),
        "-".repeat(10_000),
        "NOT ".repeat(2_500),
        "a^".repeat(5_000),
        "*".repeat(10_000),
        "\u{0}".repeat(10_000),
        "🚀".repeat(10_000),
    ];
    for input in &inputs {
        if let Err(e) = check_query(input) {
            panic!("{e}: {:?}…", &input[..input.len().min(40)]);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Decoding and content hashes.
// ---------------------------------------------------------------------------------------

const BOMS: &[&[u8]] = &[&[0xFF, 0xFE], &[0xFE, 0xFF], &[0xEF, 0xBB, 0xBF]];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        if let Load::Text(loaded) = corpus::decode(bytes) {
            prop_assert!(!loaded.text.contains('\0'));
            prop_assert!(!loaded.text.trim().is_empty());
            prop_assert_eq!(loaded.hash, content_hash(&loaded.text));
            // Whatever decodes is something the splitter takes.
            let a = article::parse(&loaded.text, Syntax::Plain);
            if let Err(e) = article::check(&loaded.text, Syntax::Plain, &a) {
                prop_assert!(false, "{}", e);
            }
        }
    }

    #[test]
    fn decode_never_panics_on_boms(
        bom in prop::sample::select(BOMS),
        rest in prop::collection::vec(any::<u8>(), 0..500),
    ) {
        let mut bytes = bom.to_vec();
        bytes.extend(rest);
        let _ = corpus::decode(bytes);
    }

    #[test]
    fn decode_keeps_utf8_text(text in messy_text()) {
        let clean = text.replace('\0', "");
        let skipped = clean.trim_start_matches('\u{feff}').trim().is_empty();
        match corpus::decode(clean.clone().into_bytes()) {
            Load::Text(loaded) => {
                prop_assert!(!skipped);
                prop_assert_eq!(loaded.text, clean);
            }
            Load::Skip(_) => prop_assert!(skipped || clean.as_bytes().starts_with(&[0xFF, 0xFE])),
        }
    }

    #[test]
    fn content_hash_ignores_line_endings_bom_and_trailing_space(input in article_text()) {
        let lf: String = article::file_lines(&input).join("\n");
        let base = content_hash(&lf);
        for variant in [
            input.clone(),
            lf.replace('\n', "\r\n"),
            lf.replace('\n', "\r"),
            format!("\u{feff}{lf}"),
            lf.replace('\n', "  \n"),
            format!("{lf} \t\n\n\r\n"),
        ] {
            prop_assert_eq!(base, content_hash(&variant), "variant {:?}", variant);
        }
    }

    #[test]
    fn content_hash_never_panics(input in any::<String>()) {
        let lf = input.replace('\r', "");
        prop_assert_eq!(content_hash(&lf), content_hash(&lf.replace('\n', "\r\n")));
    }
}

// ---------------------------------------------------------------------------------------
// Snippets.
// ---------------------------------------------------------------------------------------

fn passage_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::collection::vec(
            (
                sentence(),
                prop::sample::select(&[" ", "\n", "\u{a0}", "\u{3000}", "  ", "\u{2028}"][..]),
            ),
            0..40,
        )
        .prop_map(|parts| parts.into_iter().map(|(s, sp)| s + sp).collect()),
        1 => messy_text(),
        1 => any::<String>(),
    ]
}

fn check_snippet(query: &str, text: &str, max: usize) -> Result<(), String> {
    let h = Highlighter::from_query_text(query);
    let s = h.snippet(text, max);
    let chars: Vec<char> = s.text.chars().collect();
    if chars.len() > max + 2 {
        return Err(format!("{} characters for max {max}", chars.len()));
    }
    let terms: Vec<String> = seedsearch::analyzer::terms(query);
    let mut last_end = 0;
    for &[a, b] in &s.highlights {
        if a >= b || b > chars.len() || a < last_end {
            return Err(format!(
                "highlight [{a}, {b}) after {last_end} in {} characters",
                chars.len()
            ));
        }
        last_end = b;
        let marked: String = chars[a..b].iter().collect();
        if marked.contains(char::is_whitespace) || marked.contains('…') {
            return Err(format!("highlight {marked:?}"));
        }
        let found = seedsearch::analyzer::terms(&marked);
        if !found.iter().any(|t| terms.contains(t)) {
            return Err(format!(
                "highlight {marked:?} ({found:?}) is none of {terms:?}"
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn snippets_are_bounded_and_highlights_well_formed(
        query in prop::collection::vec(prop::sample::select(WORDS), 1..4).prop_map(|w| w.join(" ")),
        text in passage_text(),
        max in prop_oneof![1usize..20, 20usize..400],
    ) {
        if let Err(e) = check_snippet(&query, &text, max) {
            prop_assert!(false, "{e}\nquery: {query:?}\ntext: {text:?}\nmax: {max}");
        }
    }

    #[test]
    fn snippets_never_panic_on_arbitrary_strings(
        query in any::<String>(),
        text in any::<String>(),
        max in 0usize..300,
    ) {
        let h = Highlighter::from_query_text(&query);
        let s = h.snippet(&text, max);
        prop_assert!(s.text.chars().count() <= max + 2);
    }
}

// ---------------------------------------------------------------------------------------
// Regressions: minimal inputs for failures found by the properties above and by the
// fuzzers (`fuzz/regressions/`). A test marked `#[ignore = "bug: ..."]` still fails: run
// them with `cargo test --test properties -- --ignored`.
// ---------------------------------------------------------------------------------------

/// `snippet::window_start` steps one byte past the first white space it finds
/// (`lead + i + 1`), which lands inside a multi-byte space such as U+00A0 and panics with
/// "byte index N is not a char boundary". News text pasted from the web is full of no-break
/// spaces, so `seedsearch search` crashes on any passage longer than the snippet whose match
/// has one in the 40 characters before it (and no sentence end in the 120 before).
#[test]
fn regression_snippet_after_a_no_break_space() {
    let text = format!("{}\u{a0}drone", "a".repeat(45));
    let s = Highlighter::from_query_text("drone").snippet(&text, 50);
    assert!(s.text.ends_with("drone"));
    // The same with the other multi-byte spaces `char::is_whitespace` knows.
    for space in ['\u{2009}', '\u{3000}', '\u{2028}', '\u{85}'] {
        let text = format!("{}{space}drone", "a".repeat(45));
        let s = Highlighter::from_query_text("drone").snippet(&text, 50);
        assert!(s.text.ends_with("drone"), "{space:?}");
    }
}

/// The same bug as the search command meets it: the shipped snippet length (280) and a
/// paragraph with a no-break space before the match.
#[test]
fn regression_snippet_after_a_no_break_space_at_search_length() {
    let text = format!(
        "{}Tusk spoke of a huge\u{a0}number\u{a0}of\u{a0}Russian\u{a0}drones\u{a0}in\u{a0}Polish\u{a0}airspace.",
        "Officials in Warsaw said on Wednesday that nothing of the kind had happened before; "
            .repeat(4)
    );
    let h = Highlighter::from_query_text("airspace");
    let s = h.snippet(&text, seedsearch::search::SNIPPET_CHARS);
    assert!(s.text.contains("airspace"));
}

/// A small index in a temporary folder, and an engine on it.
fn engine_on(articles: &[(&str, &str)]) -> (tempfile::TempDir, seedsearch::search::Engine) {
    use seedsearch::collection::{Collection, Freshness, Paths, Quiet};
    use seedsearch::interrupt::Cancel;
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds");
    for (rel, text) in articles {
        let path = seeds.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let index = dir.path().join("index");
    let paths = Paths::new(seeds, index);
    let collection = Collection::open(&paths, Freshness::Sync, &Quiet, &Cancel::new()).unwrap();
    (dir, collection.engine().clone())
}

/// `date:DAY` compiles to `[DAY, DAY + 86 400 s)` with
/// `DateTime::from_timestamp_secs(day.into_timestamp_secs() + 86_400)`. A day after
/// 2262-04-11 does not fit tantivy's i64 nanoseconds: `parse_date` saturates it to
/// `DateTime::MAX`, and `from_timestamp_secs` then multiplies past `i64::MAX` — "attempt to
/// multiply with overflow" in a debug build (tests, fuzzing), a silently wrapped, empty range
/// in a release build. The query `date:9999-12-31` is all it takes
/// (src/search/compile.rs, `Node::Word` with `Target::Date`).
#[test]
fn regression_date_query_far_in_the_future() {
    let (_dir, engine) = engine_on(&[(
        "a.md",
        "---\ntitle: Far\ndate: 9999-12-31\n---\n\nAn article dated far in the future.\n",
    )]);
    for query in ["date:9999-12-31", "date:2262-04-12 future"] {
        let request = seedsearch::search::Request::new(query);
        // Either answer is acceptable (the article, or nothing), a panic is not.
        let _ = engine.search(&request);
    }
}

/// Range bounds take the same dates without the `+ 1 day`: they must not panic.
#[test]
fn date_ranges_far_in_the_future_do_not_panic() {
    let (_dir, engine) = engine_on(&[(
        "a.md",
        "---\ntitle: Far\ndate: 9999-12-31\n---\n\nAn article dated far in the future.\n",
    )]);
    for query in [
        "date:>=9999-12-31",
        "date:[1000-01-01 TO 9999-12-31]",
        "date:<0001-01-01 future",
        "date:1000-01-01 future",
    ] {
        let _ = engine.search(&seedsearch::search::Request::new(query));
    }
}

/// `date:[* TO *]` parses to a range with two open ends, which compiles to
/// `RangeQuery::new(Unbounded, Unbounded)`; tantivy then panics in `RangeQuery::weight` with
/// "At least one bound must be set" — in release builds too, so `seedsearch search
/// 'date:[* TO *]'` crashes (src/search/compile.rs, `Node::Range`).
#[test]
fn regression_date_range_open_at_both_ends() {
    let (_dir, engine) = engine_on(&[(
        "a.md",
        "---\ntitle: Dated\ndate: 2025-09-11\n---\n\nAn article with a date.\n",
    )]);
    for query in [
        "date:[* TO *]",
        "date:{* TO *} drone",
        "drone -date:[* TO *]",
    ] {
        let _ = engine.search(&seedsearch::search::Request::new(query));
    }
}

/// A boost is any finite `f32` (`drone^340…0`), and BM25 score × boost overflows to an
/// infinite score, which `--format json` prints as `"score": null`. (`drone^3e38` is no
/// longer a boost at all: `3e38` is not a plain number, so the word is `drone 3 e 38`,
/// whose parts must stand together.)
#[test]
fn regression_huge_boost_gives_a_finite_score() {
    let mut articles = vec![(
        "a.txt".to_string(),
        "Drones\n\nDrones crossed the border.\n".to_string(),
    )];
    for i in 0..20 {
        articles.push((
            format!("{i}.txt"),
            format!("Other {i}\n\nNothing happened here.\n"),
        ));
    }
    let articles: Vec<(&str, &str)> = articles
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (_dir, engine) = engine_on(&articles);
    for query in [
        "drone^340000000000000000000000000000000000000",
        "\"drone\"^340000000000000000000000000000000000000",
    ] {
        let results = engine
            .search(&seedsearch::search::Request::new(query))
            .unwrap();
        assert!(!results.hits.is_empty(), "{query}");
        for hit in &results.hits {
            assert!(hit.score.is_finite(), "{query}: score {}", hit.score);
        }
    }
}

/// Excluding a phrase (`-"sign up"`, `NOT "a b"`, and `-F-35`, which analyses to two terms)
/// trips a `debug_assert!` in tantivy 0.27's `PhraseScorer::seek_danger` ("target (0) should
/// be greater than or equal to doc (5)"): tantivy's own `Exclude` seeks the excluded phrase
/// backwards (upstream issue quickwit-oss/tantivy#2811). Every debug build of seedsearch —
/// `cargo run`, `cargo test`, the CLI tests — panics on such a query; a release build
/// returns the right passages (checked by hand on a 12-article folder). Found by the search
/// fuzzer at once (fuzz/regressions/search/exclude-phrase).
#[test]
fn regression_excluding_a_phrase() {
    let (_dir, engine) = engine_on(&[
        ("a.txt", "A\n\nNothing here.\n\nMore nothing.\n"),
        (
            "b.txt",
            "B\n\nStill nothing.\n\nSign up rates fell, the drone unit said.\n",
        ),
    ]);
    for query in ["-\"sign up\"", "drone NOT \"sign up\"", "-F-35 drone"] {
        let _ = engine.search(&seedsearch::search::Request::new(query));
    }
}

// ---------------------------------------------------------------------------------------
// Replaying the fuzzers' kept inputs (fuzz/regressions/TARGET/) with the checks their
// targets make. Inputs of known, still open bugs are listed in KNOWN_BUGS and replayed by
// the ignored `regression_*` tests above instead; take one off the list once it is fixed.
// ---------------------------------------------------------------------------------------

/// Inputs of bugs found and not fixed yet (none at the moment); their `regression_*`
/// tests carry `#[ignore = "bug: ..."]` until the fix lands.
const KNOWN_BUGS: &[&str] = &[];

/// The kept inputs of one fuzz target, with their names (`TARGET/FILE`).
fn fuzz_regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = format!("{target}/{}", entry.file_name().to_string_lossy());
            if KNOWN_BUGS.contains(&name.as_str()) {
                continue;
            }
            out.push((name, std::fs::read(entry.path()).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn fuzz_regressions_split() {
    for (name, bytes) in fuzz_regressions("split") {
        for syntax in SYNTAXES {
            if let Load::Text(loaded) = corpus::decode(bytes.clone()) {
                let a = article::parse(&loaded.text, syntax);
                article::check(&loaded.text, syntax, &a)
                    .unwrap_or_else(|e| panic!("{name} as {syntax:?}: {e}"));
            }
            let text = String::from_utf8_lossy(&bytes);
            let a = article::parse(&text, syntax);
            article::check(&text, syntax, &a)
                .unwrap_or_else(|e| panic!("{name} as {syntax:?}: {e}"));
            let lf = text.replace('\r', "");
            assert_eq!(
                article::parse(&lf, syntax),
                article::parse(&lf.replace('\n', "\r\n"), syntax),
                "{name} as {syntax:?}"
            );
        }
    }
}

#[test]
fn fuzz_regressions_query() {
    for (name, bytes) in fuzz_regressions("query") {
        let input = String::from_utf8_lossy(&bytes);
        check_query(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        let _ = Highlighter::from_query_text(&input).snippet(&input, 40);
    }
}

/// The search fuzz target's index: the seed article and fuzz/fixture/.
fn fuzz_fixture_engine() -> (tempfile::TempDir, seedsearch::search::Engine) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut articles = vec![(
        "world/000_poland.txt".to_string(),
        std::fs::read_to_string(root.join("seeds/000_21cba5c501be05a2.txt")).unwrap(),
    )];
    for dir in ["world", "sport", "tech", "old"] {
        for entry in std::fs::read_dir(root.join("fuzz/fixture").join(dir)).unwrap() {
            let entry = entry.unwrap();
            let rel = format!("{dir}/{}", entry.file_name().to_string_lossy());
            articles.push((rel, std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    let articles: Vec<(&str, &str)> = articles
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    engine_on(&articles)
}

#[test]
fn fuzz_regressions_search() {
    use seedsearch::search::{Request, SearchError, SNIPPET_CHARS};
    let inputs = fuzz_regressions("search");
    if inputs.is_empty() {
        return;
    }
    let (_dir, engine) = fuzz_fixture_engine();
    for (name, bytes) in inputs {
        let Some(request) = Request::from_fuzz_input(&bytes) else {
            continue;
        };
        let results = match engine.search(&request) {
            Ok(results) => results,
            Err(SearchError::Query(_)) => continue,
            Err(SearchError::Index(e)) => panic!("{name}: index error {e:#}"),
        };
        for (i, hit) in results.hits.iter().enumerate() {
            assert_eq!(hit.rank, request.offset + i + 1, "{name}");
            assert!(hit.score.is_finite(), "{name}: score {}", hit.score);
            let chars = hit.snippet.chars().count();
            assert!(chars <= SNIPPET_CHARS + 2, "{name}: snippet of {chars}");
            let mut last = 0;
            for &[a, b] in &hit.highlights {
                assert!(
                    last <= a && a < b && b <= chars,
                    "{name}: {:?}",
                    hit.highlights
                );
                last = b;
            }
        }
    }
}

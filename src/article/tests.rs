//! Unit tests for the splitter: one per rule, plus the shipped seed article.

use super::*;

const SEED: &str = include_str!("../../seeds/000_21cba5c501be05a2.txt");

fn content(article: &Article) -> Vec<&Passage> {
    article
        .passages
        .iter()
        .filter(|p| p.kind == PassageKind::Content)
        .collect()
}

fn find<'a>(article: &'a Article, starts_with: &str) -> &'a Passage {
    article
        .passages
        .iter()
        .find(|p| p.text.starts_with(starts_with))
        .unwrap_or_else(|| panic!("no passage starts with {starts_with:?}"))
}

fn texts(article: &Article) -> Vec<&str> {
    article.passages.iter().map(|p| p.text.as_str()).collect()
}

#[test]
fn title_is_the_first_non_empty_line() {
    let a = parse("\n\n  Drones over Poland\n\nBody text here.\n");
    assert_eq!(a.title.as_deref(), Some("Drones over Poland"));
    assert_eq!(texts(&a), ["Body text here."]);
    assert_eq!(a.passages[0].line_start, 5);
}

#[test]
fn markdown_title_loses_its_hashes() {
    let a = parse("# Drones over Poland\n\nBody.\n");
    assert_eq!(a.title.as_deref(), Some("Drones over Poland"));
}

#[test]
fn passages_are_blocks_separated_by_blank_lines_with_line_numbers() {
    let a = parse("Title\n\nFirst paragraph\nstill first.\n\n\n\nSecond paragraph.\n");
    assert_eq!(
        texts(&a),
        ["First paragraph\nstill first.", "Second paragraph."]
    );
    assert_eq!((a.passages[0].line_start, a.passages[0].line_end), (3, 4));
    assert_eq!((a.passages[1].line_start, a.passages[1].line_end), (8, 8));
    assert_eq!(
        a.passages.iter().map(|p| p.number).collect::<Vec<_>>(),
        [1, 2]
    );
}

#[test]
fn a_file_without_blank_lines_has_one_passage_per_line() {
    let a = parse("Title\nFirst line is a paragraph.\nSecond line is another.\nThird.\n");
    assert_eq!(
        texts(&a),
        [
            "First line is a paragraph.",
            "Second line is another.",
            "Third."
        ]
    );
    assert_eq!(a.passages[2].line_start, 4);
}

#[test]
fn line_endings_bom_trailing_spaces_and_blank_runs_change_nothing() {
    let plain = parse("Title\n\nOne two.\nThree.\n\nFour five.\n");
    let crlf =
        parse("\u{feff}Title\r\n\r\nOne two.   \r\nThree.\t\r\n\r\n\r\n  \r\n\r\nFour five.\r\n");
    let cr = parse("Title\r\rOne two.\rThree.\r\rFour five.\r");
    assert_eq!(plain.title, crlf.title);
    assert_eq!(texts(&plain), texts(&crlf));
    assert_eq!(texts(&plain), texts(&cr));
    assert_eq!(crlf.title.as_deref(), Some("Title"));
    assert!(crlf.passages.iter().all(|p| !p.text.contains('\r')));
    // Line numbers still point at the right lines of each file.
    assert_eq!(crlf.passages[1].line_start, 9);
    assert_eq!(plain.passages[1].line_start, 6);
}

#[test]
fn front_matter_title_wins_and_other_keys_are_metadata() {
    let a = parse(
        "---\ntitle: \"Drones: the night Poland hit back\"\nauthor: Jane Doe\ndate: 2025-09-11\n\
         tags: [nato, poland]\n---\nThe first line is a sentence, not the title.\n\nBody paragraph.\n",
    );
    assert_eq!(
        a.title.as_deref(),
        Some("Drones: the night Poland hit back")
    );
    assert_eq!(a.metadata["author"], "Jane Doe");
    assert_eq!(a.metadata["date"], "2025-09-11");
    assert_eq!(a.metadata["tags"], "nato, poland");
    assert!(!a.metadata.contains_key("title"));
    // The block is never a passage; the first line after it is content, not a title.
    assert_eq!(
        texts(&a),
        [
            "The first line is a sentence, not the title.",
            "Body paragraph."
        ]
    );
    assert!(a.passages.iter().all(|p| !p.text.contains("author")));
    assert_eq!(a.passages[0].line_start, 7);
}

#[test]
fn front_matter_title_consumes_a_matching_first_line() {
    let a = parse("---\ntitle: Drones over Poland\n---\n# Drones over Poland\n\nBody.\n");
    assert_eq!(a.title.as_deref(), Some("Drones over Poland"));
    assert_eq!(texts(&a), ["Body."]);
    let b = parse("---\ntitle: Drones over Poland\n---\n\nDrones over Poland\n\nBody.\n");
    assert_eq!(texts(&b), ["Body."]);
}

#[test]
fn front_matter_lists_and_comments() {
    let a =
        parse("---\n# a comment\nauthors:\n  - Ann\n  - Bob\nsource: 'The Week'\n---\nT\n\nB.\n");
    assert_eq!(a.metadata["authors"], "Ann, Bob");
    assert_eq!(a.metadata["source"], "The Week");
    assert!(a.notes.is_empty(), "{:?}", a.notes);
}

#[test]
fn unclosed_front_matter_is_text_with_a_note() {
    let a = parse("---\ntitle: x\n\nBody.\n");
    assert_eq!(a.title.as_deref(), Some("---"));
    assert!(a.metadata.is_empty());
    assert_eq!(a.notes.len(), 1);
    assert!(a.notes[0].contains("never closed"));
}

#[test]
fn front_matter_without_title_falls_back_to_first_line() {
    let a = parse("---\nauthor: Ann\n---\nThe headline\n\nBody.\n");
    assert_eq!(a.title.as_deref(), Some("The headline"));
    assert_eq!(a.metadata["author"], "Ann");
}

#[test]
fn empty_text_has_no_title_and_no_passages() {
    let a = parse("");
    assert_eq!(a.title, None);
    assert!(a.passages.is_empty());
    let b = parse("\n \n\t\n");
    assert_eq!(b.title, None);
    assert!(b.passages.is_empty());
}

#[test]
fn title_only_article_has_no_passages() {
    let a = parse("Only a headline\n");
    assert_eq!(a.title.as_deref(), Some("Only a headline"));
    assert!(a.passages.is_empty());
}

#[test]
fn question_lines_become_sections_until_the_next_heading() {
    let a = parse(
        "Title\n\nIntro paragraph.\n\nWhat happened?\n\nFirst.\n\nSecond.\n\nWhat next?\n\nThird.\n",
    );
    let sections: Vec<_> = a.passages.iter().map(|p| p.section.as_deref()).collect();
    assert_eq!(
        sections,
        [
            None,
            Some("What happened?"),
            Some("What happened?"),
            Some("What next?")
        ]
    );
    assert_eq!(
        texts(&a),
        ["Intro paragraph.", "First.", "Second.", "Third."]
    );
}

#[test]
fn markdown_headings_are_sections_even_inside_a_block() {
    let a = parse("# Title\n\n## The background\nFirst paragraph.\n\n### Reaction\n\nSecond.\n");
    assert_eq!(a.passages[0].section.as_deref(), Some("The background"));
    assert_eq!(a.passages[0].text, "First paragraph.");
    assert_eq!(a.passages[0].line_start, 4);
    assert_eq!(a.passages[1].section.as_deref(), Some("Reaction"));
}

#[test]
fn short_phrase_headings_and_colon_labels_are_sections() {
    let a = parse("Title\n\nThe background\n\nIt began in May.\n\nKey dates:\n\nMay, June.\n");
    assert_eq!(a.passages[0].section.as_deref(), Some("The background"));
    assert_eq!(a.passages[1].section.as_deref(), Some("Key dates:"));
}

#[test]
fn sentences_and_bylines_are_not_headings() {
    let a = parse(
        "Title\n\nShe said it was over.\n\nBody one.\n\nRafi Schwartz, The Week US\n\nBio text.\n",
    );
    assert!(a.passages.iter().all(|p| p.section.is_none()), "{a:#?}");
    assert_eq!(
        texts(&a),
        [
            "She said it was over.",
            "Body one.",
            "Rafi Schwartz, The Week US",
            "Bio text."
        ]
    );
}

#[test]
fn a_line_broken_off_mid_sentence_is_not_a_heading() {
    let a = parse("Title\n\nGerrard's late strike secured qualification for\n\nLiverpool.\n");
    assert!(a.passages.iter().all(|p| p.section.is_none()), "{a:#?}");
    assert_eq!(a.passages.len(), 2);
}

#[test]
fn a_heading_like_last_line_is_content() {
    let a = parse("Title\n\nBody.\n\nThe End\n");
    assert_eq!(texts(&a), ["Body.", "The End"]);
    assert_eq!(a.passages[1].section, None);
}

#[test]
fn boilerplate_lines_are_split_from_a_caption_block() {
    let a = parse("Title\n\nA general talks with a colleague.\n(Image credit: Jane / Getty Images)\n\nBody.\n");
    assert_eq!(
        texts(&a),
        [
            "A general talks with a colleague.",
            "(Image credit: Jane / Getty Images)",
            "Body."
        ]
    );
    assert_eq!(a.passages[0].kind, PassageKind::Content);
    assert_eq!(a.passages[1].kind, PassageKind::Boilerplate);
    assert_eq!((a.passages[1].line_start, a.passages[1].line_end), (4, 4));
}

#[test]
fn boilerplate_never_becomes_a_section() {
    let a = parse(
        "Title\n\nWhat happened?\n\nFirst.\n\nOur Newsletter\n\nSign up for our free newsletter to get \
         the news in your inbox.\n\nSecond.\n",
    );
    let second = find(&a, "Second.");
    assert_eq!(second.section.as_deref(), Some("What happened?"));
    let label = find(&a, "Our Newsletter");
    assert_eq!(label.kind, PassageKind::Boilerplate);
}

#[test]
fn exact_duplicate_blocks_are_indexed_once() {
    let a = parse("Title\n\nSame text here.\n\nOther.\n\nSame  text here.\n");
    assert_eq!(texts(&a), ["Same text here.", "Other."]);
    assert_eq!(a.passages[1].number, 2);
}

#[test]
fn long_blocks_are_split_at_sentences_with_their_own_lines() {
    let sentence = "The committee met again on Tuesday to discuss the matter at length. ";
    let line = sentence.repeat(20); // about 1,380 bytes per line
    let text = format!("Title\n\n{line}\n{line}\n\nShort.\n");
    let a = parse(&text);
    let long: Vec<_> = a.passages.iter().filter(|p| p.text != "Short.").collect();
    assert!(long.len() >= 2, "{}", long.len());
    for p in &long {
        assert!(p.text.len() <= MAX_PASSAGE_BYTES);
        assert!(p.text.ends_with('.'));
    }
    assert_eq!(long[0].line_start, 3);
    assert_eq!(long.last().map(|p| p.line_end), Some(4));
    let numbers: Vec<_> = a.passages.iter().map(|p| p.number).collect();
    assert_eq!(
        numbers,
        (1..=u32::try_from(a.passages.len()).unwrap()).collect::<Vec<_>>()
    );
}

#[test]
fn a_huge_single_line_is_split_into_bounded_passages() {
    let text = format!("Title\n\n{}\n", "word ".repeat(100_000));
    let a = parse(&text);
    assert!(a.passages.len() >= 250);
    assert!(a.passages.iter().all(|p| p.text.len() <= MAX_PASSAGE_BYTES));
    assert!(a
        .passages
        .iter()
        .all(|p| p.line_start == 3 && p.line_end == 3));
}

#[test]
fn passages_never_overlap_and_their_lines_hold_their_text() {
    let lines: Vec<&str> = SEED.lines().collect();
    let a = parse(SEED);
    let mut last_end = 0;
    for p in &a.passages {
        assert!(p.line_start >= last_end, "{p:?}");
        assert!(p.line_start <= p.line_end);
        last_end = p.line_end;
        let span = lines[p.line_start as usize - 1..p.line_end as usize].join("\n");
        assert!(span.contains(&p.text), "{p:?}");
    }
}

// The shipped seed article, rule by rule.

#[test]
fn seed_title_and_first_passage() {
    let a = parse(SEED);
    assert_eq!(
        a.title.as_deref(),
        Some("What led to Poland invoking NATO’s Article 4 and where could it lead?")
    );
    let first = &a.passages[0];
    assert!(first.text.starts_with("After a Russian drone blitz"));
    assert_eq!((first.number, first.line_start), (1, 3));
    assert_eq!(first.section, None);
}

#[test]
fn seed_caption_is_content_and_its_credit_is_boilerplate() {
    let a = parse(SEED);
    let caption = find(&a, "The Chief of the General Staff");
    assert_eq!(caption.kind, PassageKind::Content);
    assert_eq!((caption.line_start, caption.line_end), (5, 6));
    let credit = find(&a, "(Image credit:");
    assert_eq!(credit.kind, PassageKind::Boilerplate);
    assert_eq!(credit.line_start, 7);
}

#[test]
fn seed_sections() {
    let a = parse(SEED);
    let commentators = Some("What did the commentators say?");
    assert_eq!(
        find(&a, "The drone incursion into Polish airspace")
            .section
            .as_deref(),
        commentators
    );
    assert_eq!(
        find(&a, "Russia’s “provocation” was designed")
            .section
            .as_deref(),
        commentators
    );
    assert_eq!(
        find(&a, "But Russian drones and missiles")
            .section
            .as_deref(),
        commentators
    );
    for start in [
        "Tusk has “pledged to push ahead”",
        "There is meanwhile",
        "Shortly after the drone attack",
        "The “way ahead for NATO is clear,”",
        "There is little precedent",
    ] {
        assert_eq!(
            find(&a, start).section.as_deref(),
            Some("What next?"),
            "{start}"
        );
    }
    assert_eq!(find(&a, "Poland has spent the past").section, None);
    // Headings are not passages themselves.
    assert!(a.passages.iter().all(|p| p.text != "What next?"));
}

#[test]
fn seed_boilerplate() {
    let a = parse(SEED);
    for start in [
        "The Week",
        "Escape your echo chamber",
        "SUBSCRIBE & SAVE",
        "Sign up for The Week's Free Newsletters",
        "From our morning news briefing",
        "Sign up",
    ] {
        let p = a
            .passages
            .iter()
            .find(|p| p.text == start || p.text.starts_with(start) && start.len() > 8)
            .unwrap_or_else(|| panic!("{start}"));
        assert_eq!(p.kind, PassageKind::Boilerplate, "{start}");
    }
    let subscribe = find(&a, "SUBSCRIBE & SAVE");
    assert!(subscribe.text.contains("https://cdn.mos.cms.futurecdn.net"));
    // Sections are untouched by the promo and "The Week" is no heading.
    assert!(a
        .passages
        .iter()
        .all(|p| p.section.as_deref() != Some("The Week")));
}

#[test]
fn seed_repeated_promo_is_one_passage() {
    let a = parse(SEED);
    let promos = a
        .passages
        .iter()
        .filter(|p| p.text.starts_with("From our morning news briefing"))
        .count();
    assert_eq!(promos, 1);
}

#[test]
fn seed_content_counts() {
    let a = parse(SEED);
    let content = content(&a);
    // Standfirst, caption, 2 intro paragraphs, 4 commentary, 5 "what next", byline, bio.
    assert_eq!(
        content.len(),
        15,
        "{:#?}",
        content.iter().map(|p| &p.text[..20]).collect::<Vec<_>>()
    );
    let last = content.last().map(|p| p.text.as_str()).unwrap_or_default();
    assert!(last.starts_with("Rafi Schwartz has worked"));
}

#[test]
fn lines_split_on_every_kind_of_line_ending() {
    let got: Vec<_> = lines("a\r\nb\nc\rd\n").collect();
    assert_eq!(got, ["a", "b", "c", "d"]);
    let got: Vec<_> = lines("a\n\nb").collect();
    assert_eq!(got, ["a", "", "b"]);
    assert_eq!(lines("").count(), 1);
}

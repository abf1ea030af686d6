//! Unit tests for the splitter: one per rule, plus the shipped seed article.

use super::*;

const SEED: &str = include_str!("../../seeds/000_21cba5c501be05a2.txt");

/// Parses plain text, as from a `.txt` file.
fn parse(text: &str) -> Article {
    super::parse(text, Syntax::Plain)
}

/// Parses Markdown, as from a `.md` file.
fn parse_md(text: &str) -> Article {
    super::parse(text, Syntax::Markdown)
}

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
fn short_title_like_phrases_between_paragraphs_are_sections() {
    let a = parse(
        "Title\n\nIt began as a quarrel.\n\nThe background\n\nIt began in May.\n\n\
         The reaction\n\nCritics were unimpressed.\n",
    );
    let sections: Vec<_> = a.passages.iter().map(|p| p.section.as_deref()).collect();
    assert_eq!(
        sections,
        [None, Some("The background"), Some("The reaction")]
    );
    let headings: Vec<_> = a
        .headings
        .iter()
        .map(|h| (h.line, h.text.as_str()))
        .collect();
    assert_eq!(headings, [(5, "The background"), (9, "The reaction")]);
}

#[test]
fn all_capital_review_titles_are_sections() {
    // tech/095 of the BBC corpus: game reviews, each under the game's name.
    let a = parse(
        "Mobile games come of age\n\nA brief round-up follows.\n\n \
         TOO FAST TOO FURIOUS (DIGITAL BRIDGES) \n\nAs soon as I start playing this I \
         remember why I never play driving games.\n\n FATAL FORCE (MACROSPACE) \n\n\
         A futuristic shooter.\n",
    );
    let sections: Vec<_> = a.passages.iter().map(|p| p.section.as_deref()).collect();
    assert_eq!(
        sections,
        [
            None,
            Some("TOO FAST TOO FURIOUS (DIGITAL BRIDGES)"),
            Some("FATAL FORCE (MACROSPACE)")
        ]
    );
}

/// The body of an article (a title, then blocks separated by blank lines) whose every
/// block is a passage with no section.
fn assert_all_passages(body: &[&str]) {
    let text = format!("Title\n\n{}\n", body.join("\n\n"));
    let a = parse(&text);
    assert!(a.headings.is_empty(), "{:#?}", a.headings);
    assert!(a.passages.iter().all(|p| p.section.is_none()), "{a:#?}");
    let expected: Vec<&str> = body.iter().map(|b| b.trim()).collect();
    assert_eq!(texts(&a), expected);
}

#[test]
fn a_score_line_is_a_passage() {
    // sport/491 of the BBC corpus.
    assert_all_passages(&[
        "Result: Nadal 6-7 (6/8) 6-2 7-6 (8/6) 6-2 Roddick",
        "Spain's Rafael Nadal beats Andy Roddick of the USA in the second singles match.",
        "Nadal holds his nerve and the crowd goes wild as Spain go 2-0 up in the tie.",
    ]);
}

#[test]
fn colon_labels_and_list_lead_ins_are_passages() {
    assert_all_passages(&[
        "It began as a quarrel.",
        "Key dates:",
        "May, June.",
        "Playing colours:",
        "All black, as ever.",
    ]);
    // business/291: a lead-in without a colon, then the list.
    assert_all_passages(&[
        "Tobacco stocks rose sharply on Wall Street.",
        "The government had claimed tobacco firms",
        " - manipulated nicotine levels to increase addiction\n - lied about the dangers of smoking.",
        "Prosecutors wanted the cigarette firms to disgorge $280bn.",
    ]);
}

#[test]
fn readers_comments_are_passages() {
    // entertainment/131 and entertainment/253: short comments among longer ones.
    assert_all_passages(&[
        "Franz Ferdinand frontman Alex Kapranos has called for more government help.",
        "Rather than expecting the government to fork out, why don't the megastars put something back in?",
        "If they can fund football, why not fund music?",
        "Areas of the arts are funded by government and lottery grants, so why not music?",
        "A sad day for music",
        "It's not the type of music I normally like, but I recognise that it is a good song.",
        "Has everyone forgot about the Breville pie maker??",
        "I still use mine every day.",
    ]);
}

#[test]
fn one_line_paragraphs_are_passages() {
    // entertainment/353: a bold lead-in cut from its sentence; sport/371: a lone line.
    assert_all_passages(&[
        "The new big-screen version of The Magic Roundabout is out on Friday.",
        "Furry recyclers",
        "have already had one big-screen outing - 1977's Wombling Free.",
        "The All Blacks",
        "Charles John Munro discovered rugby at London's Christ College.",
    ]);
}

#[test]
fn runs_of_short_lines_are_passages_and_nothing_is_lost() {
    // sport/179 and sport/205: a match's fact box, then fixtures.
    assert_all_passages(&[
        "Ewood Park",
        "Tuesday 1 March",
        "2000 GMT",
        "Howard Webb (South Yorkshire)",
        "But defender Andy Todd is suspended.",
        "Arsenal v Stoke",
        "Man Utd v Exeter",
        "Plymouth v Everton",
    ]);
}

#[test]
fn a_question_right_after_the_title_and_a_byline_are_passages() {
    let a = parse(
        "Title\n\nHas there been a better match than Saturday's?\n\nIt was epic.\n\n\
         By Jane Smith\n\nIn Paris the crowd roared.\n\nWhat happened?\n\nFrance won.\n\n\
         What next?\n\nA rematch.\n",
    );
    assert_eq!(
        find(&a, "Has there been").section,
        None,
        "a question before any paragraph is a lead"
    );
    assert_eq!(find(&a, "By Jane Smith").section, None);
    assert_eq!(
        find(&a, "France won.").section.as_deref(),
        Some("What happened?")
    );
    assert_eq!(
        a.headings.iter().map(|h| h.line).collect::<Vec<_>>(),
        [11, 15]
    );
}

#[test]
fn an_article_with_markdown_headings_has_no_guessed_ones() {
    let a = parse(
        "# Title\n\nIntro.\n\n## Background\n\nIt began.\n\nWhat next?\n\nTalks.\n\n\
         What then?\n\nMore talks.\n",
    );
    assert!(a
        .passages
        .iter()
        .all(|p| p.section.as_deref() == Some("Background") || p.text == "Intro."));
    assert!(a.passages.iter().any(|p| p.text == "What next?"));
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
fn a_heading_with_no_passage_under_it_is_a_passage() {
    let a = parse_md("# T\n\n## Politics\n### Poland\nText.\n\n## Notes\n");
    let got: Vec<_> = a
        .passages
        .iter()
        .map(|p| (p.text.as_str(), p.section.as_deref(), p.line_start))
        .collect();
    assert_eq!(
        got,
        [
            ("Politics", None, 3),
            ("Text.", Some("Poland"), 5),
            ("Notes", Some("Poland"), 7)
        ]
    );
    assert_eq!(a.headings.len(), 1);
    // A comment block of `#` lines in a text file keeps its words too.
    let b = parse("# One\n# two three\n# four\nText.\n");
    assert_eq!(texts(&b), ["two three", "Text."]);
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
        "Title\n\nIntro.\n\nWhat happened?\n\nFirst.\n\nOur Newsletter\n\nSign up for our free \
         newsletter to get the news in your inbox.\n\nSecond.\n\nWhat next?\n\nThird.\n",
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

// Markdown (`.md` files): inline markup is stripped within lines, line numbers stay.

#[test]
fn markdown_inline_markup_is_stripped_from_title_passages_and_sections() {
    let a = parse_md(
        "# Drones over **Poland**\n\nAn *intro* with `code` and ~~struck~~ _words_.\n\n\
         ## What *next*?\n\nThe **talks** go on.\n",
    );
    assert_eq!(a.title.as_deref(), Some("Drones over Poland"));
    assert_eq!(
        texts(&a),
        ["An intro with code and struck words.", "The talks go on."]
    );
    assert_eq!(a.passages[1].section.as_deref(), Some("What next?"));
    assert_eq!(a.passages[1].line_start, 7);
}

#[test]
fn markdown_links_keep_their_text_and_never_their_targets() {
    let a = parse_md(
        "Title\n\nRead [the report](https://example.com/report.pdf) and [the reply][r], \
         or <https://example.org/full>.\n\n[r]: https://example.com/reply \"Reply\"\n",
    );
    assert_eq!(
        texts(&a),
        ["Read the report and the reply, or https://example.org/full."]
    );
    let all = texts(&a).concat();
    assert!(!all.contains("report.pdf") && !all.contains("example.com"));
}

#[test]
fn markdown_images_on_their_own_line_stay_boilerplate() {
    let a = parse_md("Title\n\n![A drone over Gdańsk](img/drone.jpg)\n\nBody text.\n");
    assert_eq!(texts(&a), ["A drone over Gdańsk", "Body text."]);
    assert_eq!(a.passages[0].kind, PassageKind::Boilerplate);
    assert_eq!(a.passages[1].kind, PassageKind::Content);
}

#[test]
fn markdown_html_escapes_and_entities_are_read() {
    let a = parse_md("Title\n\nOne<br>two, <b>bold</b> \\*not em\\* &amp; more.\n");
    assert_eq!(texts(&a), ["One two, bold *not em* & more."]);
}

#[test]
fn markdown_keeps_every_line_in_its_place() {
    let a = parse_md(
        "Title\n\nA **sentence that\ngoes on** over [two\nlines](https://x.org).\n\n\
         [x]: https://x.org\nAfter a definition.\n",
    );
    assert_eq!(
        texts(&a),
        [
            "A sentence that\ngoes on over two\nlines.",
            "After a definition."
        ]
    );
    assert_eq!((a.passages[0].line_start, a.passages[0].line_end), (3, 5));
    assert_eq!((a.passages[1].line_start, a.passages[1].line_end), (8, 8));
}

#[test]
fn markdown_underlined_headings_and_front_matter() {
    let a = parse_md(
        "---\ntitle: Drones\nauthor: Ann\n---\n\nIntro.\n\nThe *reaction*\n--------------\n\n\
         Critics were unimpressed.\n",
    );
    assert_eq!(a.title.as_deref(), Some("Drones"));
    assert_eq!(a.metadata["author"], "Ann");
    assert_eq!(texts(&a), ["Intro.", "Critics were unimpressed."]);
    assert_eq!(a.passages[1].section.as_deref(), Some("The reaction"));
    assert_eq!(a.headings[0].line, 8);
}

#[test]
fn plain_text_keeps_its_asterisks_and_brackets() {
    let text = "Title\n\nA **bold** claim, [a link](https://x.org) and a_b_c.\n";
    assert_eq!(
        texts(&parse(text)),
        ["A **bold** claim, [a link](https://x.org) and a_b_c."]
    );
    assert_eq!(texts(&parse_md(text)), ["A bold claim, a link and a_b_c."]);
}

#[test]
fn markdown_articles_keep_the_splitter_promises() {
    let text = "# T\n\n**A** [b](c) `d`\n<br>\n> *e*\n\n- f\n- ![g](h)\n\n```\n*i*\n```\n";
    let a = parse_md(text);
    check(text, Syntax::Markdown, &a).unwrap_or_else(|e| panic!("{e}\n{a:#?}"));
}

#[test]
fn syntax_follows_the_file_name() {
    assert_eq!(Syntax::of_file_name("news/story.md"), Syntax::Markdown);
    assert_eq!(Syntax::of_file_name("STORY.MD"), Syntax::Markdown);
    assert_eq!(Syntax::of_file_name("story.txt"), Syntax::Plain);
    assert_eq!(Syntax::of_file_name("md"), Syntax::Plain);
    assert_eq!(Syntax::of_file_name("notes.md.txt"), Syntax::Plain);
}

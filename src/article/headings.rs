//! Which short stand-alone lines are section headings: the rules, kept apart from the
//! splitter that applies them.
//!
//! A heading takes its line out of the passages (it only names the section of the passages
//! after it), so a wrong one hides content: a score line, a reader's comment, a list's
//! lead-in. The rules are therefore narrow and when in doubt a line stays a passage. A
//! line is a heading only when it looks like one on its own ([`has_heading_shape`]) and
//! its place agrees ([`confirm`]): it stands between paragraphs, not in a run of short
//! lines, it is followed by a paragraph, and the article has at least [`MIN_HEADINGS`] of
//! them. An article that marks its headings (`## ...`) has no others.

use super::{Unit, UnitKind};

/// Fewest headings an article has once it has any: a lone short line between paragraphs
/// is far more often a one-line paragraph, a reader's comment or a caption than the only
/// sub-heading of a news story.
pub const MIN_HEADINGS: usize = 2;

/// Longest heading, in words: sub-headings of news articles are short.
const MAX_HEADING_WORDS: usize = 10;

/// Longest heading, in characters.
const MAX_HEADING_CHARS: usize = 80;

/// Words a heading does not end with, though a broken-off sentence does.
const DANGLING_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "for", "as", "and", "or", "but", "in", "on", "at", "with", "by",
    "from", "that", "which", "who", "is", "was", "were", "be", "has", "had", "have", "its",
    "their", "his", "her", "our", "my", "your",
];

/// A short line on its own that may be a heading or the label of something next to it (a
/// question, a phrase with no sentence punctuation, a `Label:`). Wide on purpose: the
/// promotion rules use it for labels ("Our Newsletter"), and [`has_heading_shape`] and
/// [`confirm`] decide about headings.
pub fn is_short_line(line: &str) -> bool {
    let line = line.trim();
    let chars = line.chars().count();
    let words = line.split_whitespace().count();
    if chars == 0 || chars > 100 || words > 14 {
        return false;
    }
    if line.starts_with(['-', '*', '•', '–', '—', '(', '[', '>']) {
        return false;
    }
    let Some(first) = line.chars().find(|c| c.is_alphanumeric()) else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit()) {
        return false;
    }
    // One sentence at most: "Mr Smith said. Then ..." is not a heading.
    if line.contains(". ") || line.contains("? ") || line.contains("! ") {
        return false;
    }
    // A line cut off mid-sentence ("... secured qualification for") is no heading.
    if DANGLING_WORDS.contains(&last_word(line).as_str()) {
        return false;
    }
    let last = line.chars().last().unwrap_or(' ');
    match last {
        '?' | ':' => true,
        c if c.is_alphanumeric() || c == ')' => {
            words <= 10 && !line.contains(',') && !line.contains(';')
        }
        _ => false,
    }
}

/// Whether a short line reads as a sub-heading on its own: a question (`What next?`) or a
/// title-like phrase (`The background`, `FATAL FORCE (MACROSPACE)`) of a few words, with
/// no colon (`Result: Nadal 6-7 ...`, `Key dates:` label a value or a list), no comma or
/// quotation (a reader's comment, a quote), no doubled punctuation (`??`), no digit first
/// (`2000 GMT`, `1 Roger Federer`), and no byline (`By Jane Smith`).
pub fn has_heading_shape(line: &str) -> bool {
    let line = line.trim();
    if !is_short_line(line)
        || line.chars().count() > MAX_HEADING_CHARS
        || line.split_whitespace().count() > MAX_HEADING_WORDS
    {
        return false;
    }
    if line.contains([':', ',', ';', '"', '“', '”', '„', '«', '»', '…'])
        || line.contains("??")
        || line.contains("?!")
        || line.contains("..")
    {
        return false;
    }
    if line.starts_with(|c: char| !c.is_alphabetic()) {
        return false;
    }
    let first_word = line.split_whitespace().next().unwrap_or_default();
    if first_word == "By" {
        return false;
    }
    // Questions and phrases only: a line that ends a sentence was ruled out above, and a
    // single `?` may only end the line.
    line.matches('?').count() <= 1 && (line.ends_with('?') || !line.contains('?'))
}

/// Whether a block reads as a paragraph that a heading could introduce: it starts a
/// sentence (not a lower-case continuation, a list item or a stray mark) and ends one.
fn reads_as_paragraph(text: &str) -> bool {
    let text = text.trim();
    let starts = text.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '\'')
    });
    let mut tail = text.trim_end_matches(['"', '”', '’', '\'', ')', ']']);
    if tail.is_empty() {
        tail = text;
    }
    let ends = tail.ends_with(['.', '!', '?', '…']);
    starts && ends
}

/// Decides which [`UnitKind::HeadingLike`] units are headings ([`UnitKind::Heading`]) and
/// turns every other one into content. A heading must have [`has_heading_shape`], follow a
/// paragraph or boilerplate (not be the first thing after the title, nor stand in a run of
/// short lines), and be followed by a paragraph; and the article must have at least
/// [`MIN_HEADINGS`] such lines. An article with Markdown headings has no others.
pub fn confirm(units: &mut [Unit<'_>]) {
    let marked = units.iter().any(|u| u.kind == UnitKind::MarkdownHeading);
    let confirmed: Vec<usize> = if marked {
        Vec::new()
    } else {
        (0..units.len())
            .filter(|&i| heads_a_section(units, i))
            .collect()
    };
    let enough = confirmed.len() >= MIN_HEADINGS;
    for (i, unit) in units.iter_mut().enumerate() {
        if unit.kind == UnitKind::HeadingLike {
            unit.kind = if enough && confirmed.contains(&i) {
                UnitKind::Heading
            } else {
                UnitKind::Content
            };
        }
    }
}

fn heads_a_section(units: &[Unit<'_>], i: usize) -> bool {
    let unit = &units[i];
    if unit.kind != UnitKind::HeadingLike || unit.lines.len() != 1 {
        return false;
    }
    let text = unit.text();
    if !has_heading_shape(&text) {
        return false;
    }
    let after_paragraph =
        i > 0 && matches!(units[i - 1].kind, UnitKind::Content | UnitKind::Boilerplate);
    let before_paragraph = units
        .get(i + 1)
        .is_some_and(|next| next.kind == UnitKind::Content && reads_as_paragraph(&next.text()));
    after_paragraph && before_paragraph
}

fn last_word(line: &str) -> String {
    line.rsplit(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or_default()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_title_like_phrases_have_heading_shape() {
        for line in [
            "What did the commentators say?",
            "What next?",
            "The background",
            "FATAL FORCE (MACROSPACE)",
        ] {
            assert!(has_heading_shape(line), "{line}");
        }
    }

    #[test]
    fn labels_comments_quotes_and_fact_lines_have_no_heading_shape() {
        for line in [
            "Result: Nadal 6-7 (6/8) 6-2 7-6 (8/6) 6-2 Roddick",
            "Key dates:",
            "If they can fund football, why not fund music?",
            "Has everyone forgot about the Breville pie maker??",
            "\"Angels\" is the best song",
            "2000 GMT",
            "1 Roger Federer (Switzerland)",
            "By Jane Smith",
            "Give us a break...",
            "Why? Because it works",
        ] {
            assert!(!has_heading_shape(line), "{line}");
        }
    }

    #[test]
    fn a_paragraph_starts_and_ends_a_sentence() {
        assert!(reads_as_paragraph("It began in May, in Gdańsk."));
        assert!(reads_as_paragraph("“We passed,” he said."));
        assert!(reads_as_paragraph("“We passed.”"));
        assert!(!reads_as_paragraph(
            "have already had one big-screen outing."
        ));
        assert!(!reads_as_paragraph(" - manipulated nicotine levels"));
        assert!(!reads_as_paragraph("Seychelles v South Africa"));
    }
}

//! Cutting an over-long block into passages at sentence boundaries.
//!
//! A passage should stay a readable unit: a block longer than [`MAX_PASSAGE_BYTES`] is cut
//! into pieces of roughly equal size, each ending at the end of a sentence (or at a line
//! break inside the block), falling back to a space and, for text with no spaces at all, to
//! any character boundary.

use std::ops::Range;

/// Blocks longer than this are split. In bytes, which for the Latin-script text of news
/// articles is within a few percent of characters.
pub const MAX_PASSAGE_BYTES: usize = 2000;

/// Words that end with a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "gen", "col", "lt", "sgt", "capt", "cmdr",
    "rep", "sen", "gov", "pres", "rev", "hon", "no", "nos", "vs", "etc", "inc", "ltd", "co",
    "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "approx", "dept", "est", "fig", "e.g", "i.e", "al", "vol", "op", "pp",
];

/// Splits `text` into byte ranges of at most `max` bytes (unless a single character is
/// longer), cutting at sentence ends where possible. Ranges are trimmed of surrounding white
/// space and never empty; a text that fits is returned whole.
pub fn split(text: &str, max: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let trimmed = trim_range(text, 0..text.len());
    if trimmed.is_empty() {
        return out;
    }
    if trimmed.len() <= max {
        out.push(trimmed);
        return out;
    }
    let boundaries = sentence_ends(text);
    let mut start = trimmed.start;
    let end = trimmed.end;
    while end - start > max {
        let remaining = end - start;
        let pieces = remaining.div_ceil(max);
        let target = start + remaining / pieces;
        let limit = start + max;
        let cut = best_cut(&boundaries, start, target, limit)
            .or_else(|| last_space_before(text, start, target, limit))
            .unwrap_or_else(|| floor_char_boundary(text, limit.max(start + 1)));
        let piece = trim_range(text, start..cut);
        if !piece.is_empty() {
            out.push(piece);
        }
        start = cut;
    }
    let piece = trim_range(text, start..end);
    if !piece.is_empty() {
        out.push(piece);
    }
    out
}

/// The sentence end in `(start, limit]` closest to `target`.
fn best_cut(boundaries: &[usize], start: usize, target: usize, limit: usize) -> Option<usize> {
    let lo = boundaries.partition_point(|&b| b <= start);
    let hi = boundaries.partition_point(|&b| b <= limit);
    boundaries[lo..hi]
        .iter()
        .copied()
        .min_by_key(|&b| b.abs_diff(target))
}

/// A space in `(start, limit]`, as close to `target` as possible.
fn last_space_before(text: &str, start: usize, target: usize, limit: usize) -> Option<usize> {
    let window = &text.as_bytes()[start..limit.min(text.len())];
    window
        .iter()
        .enumerate()
        .filter(|&(i, b)| i > 0 && b.is_ascii_whitespace())
        .map(|(i, _)| start + i)
        .min_by_key(|&b| b.abs_diff(target))
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    if at == 0 {
        // A single character longer than the limit: take it whole.
        text.chars().next().map_or(0, char::len_utf8)
    } else {
        at
    }
}

fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.start + slice.trim_end().len();
    if start >= end {
        start..start
    } else {
        start..end
    }
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '”' | '’' | '\'' | ')' | ']' | '»')
}

fn starts_sentence(c: char) -> bool {
    c.is_uppercase() || c.is_ascii_digit() || matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[' | '«')
}

/// Byte offsets just after each sentence end (and after each line break), in order.
fn sentence_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            ends.push(i);
            continue;
        }
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        if c == '.' && is_abbreviation(&text[..i]) {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, next)) = chars.peek() {
            if is_closing(next) || matches!(next, '.' | '!' | '?') {
                end = j + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let rest = &text[end..];
        let after_space = rest.trim_start_matches([' ', '\t']);
        if after_space.len() == rest.len() {
            continue;
        }
        if after_space.chars().next().is_some_and(starts_sentence) {
            ends.push(end);
        }
    }
    ends
}

/// Whether the word that ends at the end of `before` (followed by a full stop) is an
/// abbreviation or an initial (`Mr.`, `U.S.`, `J.`).
fn is_abbreviation(before: &str) -> bool {
    // Look at the last few bytes only: a word longer than that is no abbreviation, and a
    // bounded look keeps a pathological block (a megabyte of "a.a.a.") linear.
    let mut from = before.len().saturating_sub(24);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let before = &before[from..];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return true;
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
        // U.S, U.K, a.m, p.m: a dotted acronym's last letter.
        || (word.contains('.') && word.split('.').all(|part| part.chars().count() <= 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, max: usize) -> Vec<&str> {
        split(text, max).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(
            pieces("  One sentence. Two.  ", 100),
            ["One sentence. Two."]
        );
        assert!(pieces("   ", 100).is_empty());
    }

    #[test]
    fn long_text_is_cut_at_sentence_ends() {
        let sentence = "The drones crossed into Polish airspace overnight. ";
        let text = sentence.repeat(10);
        let got = pieces(&text, 120);
        assert!(got.len() >= 5, "{got:?}");
        for piece in &got {
            assert!(piece.len() <= 120, "{piece}");
            assert!(piece.ends_with('.'), "{piece}");
            assert!(piece.starts_with("The drones"), "{piece}");
        }
        assert_eq!(got.join(" "), text.trim());
    }

    #[test]
    fn pieces_are_balanced() {
        let sentence = "Short sentence here. ";
        let text = sentence.repeat(30); // 630 bytes
        let got = pieces(&text, 500);
        assert_eq!(got.len(), 2);
        let (a, b) = (got[0].len(), got[1].len());
        assert!(a.abs_diff(b) < 60, "{a} vs {b}");
    }

    #[test]
    fn abbreviations_and_initials_do_not_end_sentences() {
        let text = "Mr. Smith met U.S. officials in St. Louis. Then he left.";
        let ends = sentence_ends(text);
        assert_eq!(ends.len(), 1);
        assert_eq!(
            &text[..ends[0]],
            "Mr. Smith met U.S. officials in St. Louis."
        );
    }

    #[test]
    fn quotes_after_the_full_stop_stay_with_the_sentence() {
        let text = "He said “we passed.” Then he left.";
        let ends = sentence_ends(text);
        assert_eq!(&text[..ends[0]], "He said “we passed.”");
    }

    #[test]
    fn text_without_sentences_is_cut_at_spaces() {
        let text = "word ".repeat(100);
        let got = pieces(&text, 64);
        assert!(got.iter().all(|p| p.len() <= 64 && !p.contains("wo rd")));
        assert_eq!(got.join(" "), text.trim());
    }

    #[test]
    fn text_without_spaces_is_cut_at_char_boundaries() {
        let text = "é".repeat(100); // 200 bytes, no spaces
        let got = pieces(&text, 33);
        assert!(got.iter().all(|p| p.len() <= 33));
        assert_eq!(got.concat(), text);
    }
}

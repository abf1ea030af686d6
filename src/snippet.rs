//! Snippets: the part of a passage worth showing, with the query's words marked.
//!
//! Matching uses the index's own analyzer, so a highlight lands on every word the query
//! matched (`drones` for a query `drone`, `Wiesław` for `Wieslaw`). A passage short enough
//! is shown whole; a longer one is cut to the window holding the most distinct query words,
//! starting at a sentence or word boundary, with `…` where text was cut. White space runs
//! (line breaks included) become single spaces so a snippet is one line.
//!
//! ```
//! use seedsearch::snippet::Highlighter;
//! let h = Highlighter::from_query_text("drone");
//! let s = h.snippet("Russian drones crossed the border.", 200);
//! assert_eq!(s.text, "Russian drones crossed the border.");
//! assert_eq!(s.highlights, [[8, 14]]);
//! ```

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::analyzer;

/// Context kept before the first match of a window, in characters.
const LEAD_CHARS: usize = 40;
/// How far back a window may start to begin at a sentence instead, in characters.
const SENTENCE_LOOKBACK_CHARS: usize = 120;

/// The words of a query, ready to be found in passages.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    /// Stemmed terms marked wherever they stand.
    terms: HashSet<String>,
    /// Unstemmed prefixes (lower-cased, folded).
    prefixes: Vec<String>,
    /// Phrases (stemmed terms in order), marked as one span where they stand together.
    phrases: Vec<Vec<String>>,
    /// The first two characters of each term and phrase word (what a word stemming to it
    /// starts with).
    heads: HashSet<String>,
}

/// A snippet and where the matches are in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    pub text: String,
    /// `[start, end)` offsets of matches in `text`, in characters (Unicode scalar values).
    pub highlights: Vec<[usize; 2]>,
}

struct Match {
    range: Range<usize>,
    term: String,
}

impl Highlighter {
    /// A highlighter for these stemmed terms, unstemmed prefixes and stemmed phrases.
    pub fn new(terms: HashSet<String>, prefixes: Vec<String>, phrases: Vec<Vec<String>>) -> Self {
        let heads = terms
            .iter()
            .chain(phrases.iter().flatten())
            .map(|t| t.chars().take(2).collect())
            .collect();
        Highlighter {
            terms,
            prefixes,
            phrases: phrases.into_iter().filter(|p| !p.is_empty()).collect(),
            heads,
        }
    }

    /// A highlighter for every word of `text` (for tests and examples).
    pub fn from_query_text(text: &str) -> Self {
        Highlighter::new(
            analyzer::terms(text).into_iter().collect(),
            Vec::new(),
            Vec::new(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty() && self.prefixes.is_empty() && self.phrases.is_empty()
    }

    /// Byte ranges of what matches in `text`, in order, never overlapping.
    pub fn ranges(&self, text: &str) -> Vec<Range<usize>> {
        self.find(text).into_iter().map(|m| m.range).collect()
    }

    fn find(&self, text: &str) -> Vec<Match> {
        let mut out = Vec::new();
        if self.is_empty() {
            return out;
        }
        // Stemming every word of every passage shown is the costly part; a word can only
        // stem to a query term if it starts like one (stems keep the word's first letters),
        // so only such words are stemmed.
        let mut stemmer = analyzer::stemmed();
        let mut plain: TextAnalyzer = analyzer::unstemmed();
        let mut stream = plain.token_stream(text);
        // Every word with its stem (when it could be a query word) and unstemmed form.
        let mut words: Vec<(Range<usize>, Option<String>, String)> = Vec::new();
        while let Some(token) = stream.next() {
            let stem = if self.starts_like_a_term(&token.text) {
                let mut stems = stemmer.token_stream(&token.text);
                stems.next().map(|t| t.text.clone())
            } else {
                None
            };
            words.push((token.offset_from..token.offset_to, stem, token.text.clone()));
        }
        // Phrases first: a phrase standing together is one span.
        let mut covered = vec![false; words.len()];
        for phrase in &self.phrases {
            let n = phrase.len();
            let mut i = 0;
            while i + n <= words.len() {
                let together = words[i..i + n]
                    .iter()
                    .zip(phrase)
                    .all(|(w, term)| w.1.as_ref() == Some(term));
                if together && !covered[i..i + n].iter().any(|&c| c) {
                    out.push(Match {
                        range: words[i].0.start..words[i + n - 1].0.end,
                        term: phrase.join(" "),
                    });
                    covered[i..i + n].iter_mut().for_each(|c| *c = true);
                    i += n;
                } else {
                    i += 1;
                }
            }
        }
        for (i, (range, stem, plain)) in words.into_iter().enumerate() {
            if covered[i] {
                continue;
            }
            if let Some(stem) = stem.filter(|s| self.terms.contains(s)) {
                out.push(Match { range, term: stem });
            } else if self.prefixes.iter().any(|p| plain.starts_with(p.as_str())) {
                out.push(Match { range, term: plain });
            }
        }
        out.sort_by_key(|m| m.range.start);
        out
    }

    /// Whether `word` (lower-cased, folded) begins with the first two characters of some
    /// query term (or is the start of a shorter one).
    fn starts_like_a_term(&self, word: &str) -> bool {
        let head: String = word.chars().take(2).collect();
        self.heads.contains(&head)
    }

    /// The snippet of `text`: all of it if it has at most `max_chars` characters, else the
    /// best window of about that many.
    pub fn snippet(&self, text: &str, max_chars: usize) -> Snippet {
        let matches = self.find(text);
        let window = if text.chars().count() <= max_chars {
            0..text.len()
        } else {
            best_window(text, &matches, max_chars)
        };
        render(text, window, &matches)
    }
}

/// Byte offset `n` characters after `from` (or the end).
fn advance_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// Byte offset `n` characters before `from` (or 0).
fn retreat_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

fn best_window(text: &str, matches: &[Match], max_chars: usize) -> Range<usize> {
    let mut candidates = vec![0];
    for m in matches {
        candidates.push(window_start(text, m.range.start));
    }
    candidates.dedup();
    let mut best = 0..0;
    let mut best_score = (0usize, 0usize);
    for start in candidates {
        let end = window_end(text, start, max_chars);
        let inside: Vec<&Match> = matches
            .iter()
            .filter(|m| m.range.start >= start && m.range.end <= end)
            .collect();
        let distinct: HashSet<&str> = inside.iter().map(|m| m.term.as_str()).collect();
        let score = (distinct.len(), inside.len());
        if best.is_empty() || score > best_score {
            best = start..end;
            best_score = score;
        }
    }
    best
}

/// Where a window showing a match at `at` begins: the start of its sentence if that is
/// near, else a word boundary a little before it.
fn window_start(text: &str, at: usize) -> usize {
    let lookback = retreat_chars(text, at, SENTENCE_LOOKBACK_CHARS);
    let before = &text[lookback..at];
    if let Some(i) = before
        .rfind(". ")
        .or_else(|| before.rfind("? "))
        .or_else(|| before.rfind("! "))
    {
        return lookback + i + 2;
    }
    let lead = retreat_chars(text, at, LEAD_CHARS);
    if lead == 0 {
        return 0;
    }
    match text[lead..at]
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
    {
        // Step over the whole character: a no-break space is two bytes.
        Some((i, c)) => lead + i + c.len_utf8(),
        None => lead,
    }
}

/// The end of a window of at most `max_chars` characters from `start`, at a word boundary.
fn window_end(text: &str, start: usize, max_chars: usize) -> usize {
    let limit = advance_chars(text, start, max_chars);
    if limit >= text.len() {
        return text.len();
    }
    match text[start..limit].rfind(char::is_whitespace) {
        Some(i) if i > 0 => start + i,
        _ => limit,
    }
}

fn render(text: &str, window: Range<usize>, matches: &[Match]) -> Snippet {
    let mut out = String::with_capacity(window.len() + 8);
    let mut chars = 0usize;
    let mut highlights = Vec::new();
    if window.start > 0 {
        out.push('…');
        chars += 1;
    }
    let mut pending: Option<usize> = None;
    let mut next_match = matches
        .iter()
        .filter(|m| m.range.start >= window.start && m.range.end <= window.end)
        .peekable();
    let mut last_space = true;
    for (i, c) in text[window.clone()].char_indices() {
        let at = window.start + i;
        if let (Some(start), Some(m)) = (pending, next_match.peek()) {
            if at >= m.range.end {
                highlights.push([start, chars]);
                pending = None;
                next_match.next();
            }
        }
        if pending.is_none() {
            if let Some(m) = next_match.peek() {
                if m.range.start == at {
                    pending = Some(chars);
                }
            }
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                chars += 1;
            }
            last_space = true;
        } else {
            out.push(c);
            chars += 1;
            last_space = false;
        }
    }
    if let Some(start) = pending {
        highlights.push([start, chars]);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    if window.end < text.len() {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &Snippet) -> String {
        let chars: Vec<char> = s.text.chars().collect();
        let mut out = String::new();
        let mut last = 0;
        for [a, b] in &s.highlights {
            out.extend(&chars[last..*a]);
            out.push('[');
            out.extend(&chars[*a..*b]);
            out.push(']');
            last = *b;
        }
        out.extend(&chars[last..]);
        out
    }

    #[test]
    fn highlights_stemmed_and_folded_matches() {
        let h = Highlighter::from_query_text("drone Wieslaw poland");
        let s = h.snippet("General Wiesław said Poland’s drones were down.", 300);
        assert_eq!(
            marked(&s),
            "General [Wiesław] said [Poland’s] [drones] were down."
        );
    }

    #[test]
    fn highlights_are_character_offsets() {
        let h = Highlighter::from_query_text("gdansk");
        let s = h.snippet("Żółć in Gdańsk", 300);
        assert_eq!(s.highlights, [[8, 14]]);
        let chars: Vec<char> = s.text.chars().collect();
        assert_eq!(chars[8..14].iter().collect::<String>(), "Gdańsk");
    }

    #[test]
    fn white_space_is_collapsed_into_one_line() {
        let h = Highlighter::from_query_text("item");
        let s = h.snippet("- one item \n - two  items", 300);
        assert_eq!(marked(&s), "- one [item] - two [items]");
    }

    #[test]
    fn long_passages_are_cut_around_the_best_window() {
        let filler = "Nothing to see in this sentence at all. ".repeat(10);
        let text = format!("{filler}The drone incursion was serious. {filler}");
        let h = Highlighter::from_query_text("drone incursion");
        let s = h.snippet(&text, 120);
        assert!(s.text.starts_with("…The drone incursion"), "{}", s.text);
        assert!(s.text.ends_with('…'));
        assert!(s.text.chars().count() <= 122);
        assert_eq!(s.highlights.len(), 2);
        assert!(marked(&s).contains("[drone] [incursion]"));
    }

    #[test]
    fn the_window_with_most_distinct_words_wins() {
        let filler = "Nothing to see in this sentence at all. ".repeat(6);
        let text = format!("Drone news. {filler}Drone and incursion together. {filler}");
        let h = Highlighter::from_query_text("drone incursion");
        let s = h.snippet(&text, 100);
        assert!(marked(&s).contains("[Drone] and [incursion]"), "{}", s.text);
    }

    #[test]
    fn no_match_gives_the_start() {
        let h = Highlighter::from_query_text("zebra");
        let text = "word ".repeat(100);
        let s = h.snippet(&text, 50);
        assert!(s.text.starts_with("word word"));
        assert!(s.highlights.is_empty());
        assert!(s.text.chars().count() <= 51);
    }

    #[test]
    fn windows_start_after_multi_byte_spaces() {
        // Found by fuzzing: a no-break space before the match once cut a character in two.
        let h = Highlighter::from_query_text("drone");
        for space in ['\u{a0}', '\u{2009}', '\u{3000}', '\u{85}'] {
            let text = format!("{}{space}drone", "a".repeat(45));
            let s = h.snippet(&text, 50);
            assert!(s.text.ends_with("drone"), "{space:?}: {}", s.text);
        }
    }

    #[test]
    fn a_phrase_standing_together_is_one_span() {
        let phrase = vec!["articl".to_string(), "4".to_string()];
        let h = Highlighter::new(HashSet::new(), Vec::new(), vec![phrase]);
        let s = h.snippet("Article 4 talks, not article 5 or 4 articles.", 300);
        assert_eq!(
            marked(&s),
            "[Article 4] talks, not article 5 or 4 articles."
        );
    }

    #[test]
    fn words_of_a_phrase_elsewhere_are_marked_only_as_words() {
        let phrase = vec!["drone".to_string(), "incurs".to_string()];
        let terms = ["drone".to_string()].into_iter().collect();
        let h = Highlighter::new(terms, Vec::new(), vec![phrase]);
        let s = h.snippet("A drone incursion, then drones.", 300);
        assert_eq!(marked(&s), "A [drone incursion], then [drones].");
    }

    #[test]
    fn prefixes_match_unstemmed_words() {
        let h = Highlighter::new(HashSet::new(), vec!["nation".into()], Vec::new());
        let s = h.snippet("National and international nations", 300);
        assert_eq!(marked(&s), "[National] and international [nations]");
    }
}

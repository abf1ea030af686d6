//! Text analysis: how passage text and queries are cut into index terms.
//!
//! One analyzer serves the index, the query parser and the highlighter, so a word is always
//! normalised the same way wherever it is seen. It splits on anything that is not a letter or
//! digit, keeps apostrophes inside words (`Poland’s` with a straight or curly apostrophe is
//! one word), drops the English possessive `'s`, keeps digit groups (`40,000`, `2.5`) whole,
//! splits where letters meet digits (`p53` → `p`, `53`, so `IL6` matches `IL-6`),
//! lower-cases, folds diacritics (`Wiesław` → `wieslaw`) and stems (`drones` → `drone`).
//!
//! ```
//! use seedsearch::analyzer::terms;
//! assert_eq!(terms("Poland’s drones over Gdańsk"), ["poland", "drone", "over", "gdansk"]);
//! assert_eq!(terms("Poland's"), terms("Poland’s"));
//! ```

use tantivy::tokenizer::{
    AsciiFoldingFilter, RemoveLongFilter, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name under which the stemming analyzer is registered with tantivy.
pub const STEMMED: &str = "seedsearch_en";

/// Tokens longer than this (in bytes) are dropped: they are base64, hashes or garbage, and
/// would bloat the term dictionary.
const MAX_TOKEN_BYTES: usize = 64;

/// The analyzer used for every full-text field: words, lower case, folded, stemmed.
pub fn stemmed() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(AsciiFoldingFilter)
        .filter(MemoStemmer)
        .build()
}

/// English (Porter 2) stemming, as tantivy's `Stemmer`, with a memo of the words seen.
///
/// News text repeats its vocabulary, so most words a build stems were stemmed before; the
/// Snowball algorithm alone was a fifth of the build's CPU time. Each clone of the analyzer
/// (one per indexing thread) keeps its own memo.
#[derive(Clone, Copy, Default)]
pub struct MemoStemmer;

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoStemmerFilter<T> {
        MemoStemmerFilter {
            inner: tokenizer,
            memo: Memo::default(),
        }
    }
}

/// The tokenizer [`MemoStemmer`] makes.
#[derive(Clone)]
pub struct MemoStemmerFilter<T> {
    inner: T,
    memo: Memo,
}

/// Words up to this length (bytes) are remembered; longer ones are rare and stemmed afresh.
const MEMO_WORD_BYTES: usize = 22;
/// Slots of the memo (a power of two): 16,384 × 46 bytes, 736 KiB per analyzer.
const MEMO_SLOTS: usize = 1 << 14;

/// One remembered word and its stem, stored inline: a lookup follows no pointer.
#[derive(Clone, Copy)]
struct Slot {
    word_len: u8,
    stem_len: u8,
    word: [u8; MEMO_WORD_BYTES],
    stem: [u8; MEMO_WORD_BYTES],
}

const EMPTY: Slot = Slot {
    word_len: 0,
    stem_len: 0,
    word: [0; MEMO_WORD_BYTES],
    stem: [0; MEMO_WORD_BYTES],
};

/// A direct-mapped cache of stems: a word's hash picks its slot, and a newcomer evicts the
/// word that was there. No probing and no growth, so memory is fixed and no input can make
/// it slow (at worst every lookup misses and the word is stemmed as without a memo).
#[derive(Clone)]
struct Memo {
    stemmer: frostem::Stemmer,
    /// Allocated once [`MEMO_AFTER`] words were stemmed: query and snippet analyzers stem a
    /// handful of words, and clearing the slots for them cost more than it saved.
    slots: Vec<Slot>,
    stemmed: usize,
}

/// Words stemmed without a memo before one is set up.
const MEMO_AFTER: usize = 4096;

impl Default for Memo {
    fn default() -> Memo {
        Memo {
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            slots: Vec::new(),
            stemmed: 0,
        }
    }
}

impl Memo {
    /// Replaces `word` by its stem.
    fn stem(&mut self, word: &mut String) {
        let bytes = word.as_bytes();
        if self.slots.is_empty() {
            self.stemmed += 1;
            if self.stemmed > MEMO_AFTER {
                self.slots = vec![EMPTY; MEMO_SLOTS];
            }
        }
        if self.slots.is_empty() || bytes.is_empty() || bytes.len() > MEMO_WORD_BYTES {
            let stem = self.stemmer.stem(word).into_owned();
            *word = stem;
            return;
        }
        let slot = &mut self.slots[slot_of(bytes)];
        if usize::from(slot.word_len) == bytes.len() && slot.word[..bytes.len()] == *bytes {
            let stem = &slot.stem[..usize::from(slot.stem_len)];
            // The slot was filled from a `&str`, so this cannot fail; fall through if it did.
            if let Ok(stem) = std::str::from_utf8(stem) {
                word.clear();
                word.push_str(stem);
                return;
            }
        }
        let stem = self.stemmer.stem(word).into_owned();
        if let (Ok(word_len), Ok(stem_len)) = (u8::try_from(bytes.len()), u8::try_from(stem.len()))
        {
            if stem.len() <= MEMO_WORD_BYTES {
                slot.word_len = word_len;
                slot.word[..bytes.len()].copy_from_slice(bytes);
                slot.stem_len = stem_len;
                slot.stem[..stem.len()].copy_from_slice(stem.as_bytes());
            }
        }
        *word = stem;
    }
}

/// The slot of a word: FxHash (a multiply and a rotate per 8 bytes), top bits.
fn slot_of(bytes: &[u8]) -> usize {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut hash = bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    // The top log2(MEMO_SLOTS) bits: always below MEMO_SLOTS.
    usize::try_from(hash >> (64 - MEMO_SLOTS.trailing_zeros())).unwrap_or(0)
}

impl<T: Tokenizer> Tokenizer for MemoStemmerFilter<T> {
    type TokenStream<'a> = MemoStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemmerStream {
            tail: self.inner.token_stream(text),
            memo: &mut self.memo,
        }
    }
}

/// The token stream of [`MemoStemmerFilter`].
pub struct MemoStemmerStream<'a, T> {
    tail: T,
    memo: &'a mut Memo,
}

impl<T: TokenStream> TokenStream for MemoStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        self.memo.stem(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The same analysis without stemming: what a `prefix*` query is matched against, since a
/// prefix is not a word and must not be stemmed.
pub fn unstemmed() -> TextAnalyzer {
    TextAnalyzer::builder(WordTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(AsciiFoldingFilter)
        .build()
}

/// Lucene's English stop words: kept in the index (phrases need them) and in queries (BM25
/// weighs them low), but not highlighted or used for proximity.
const STOPWORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// Words a question is made of but an answer is not: question words, auxiliaries,
/// pronouns and other function words. A query drops them (with [`STOPWORDS`]) outside
/// phrases, so "how much was Yukos sold for?" ranks like "Yukos sold"; they stay in the
/// index, where phrases need them.
const QUESTION_WORDS: &[&str] = &[
    "what", "which", "who", "whom", "whose", "how", "why", "when", "where", "did", "does", "do",
    "done", "has", "have", "had", "having", "were", "been", "being", "would", "could", "should",
    "can", "may", "might", "must", "shall", "i", "me", "my", "we", "our", "you", "your", "he",
    "him", "his", "she", "her", "its", "them", "from", "about", "so", "than", "too", "very",
    "much", "many", "s", "t", "d", "ll", "re", "ve", "m",
];

/// Whether an index term (stemmed) is a stop word.
pub fn is_stopword(term: &str) -> bool {
    static STEMMED: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    STEMMED
        .get_or_init(|| STOPWORDS.iter().flat_map(|w| terms(w)).collect())
        .contains(term)
}

/// Whether a query term (stemmed) carries no content of its own: a stop word or a
/// question word (what, which, how, did, ...).
pub fn is_function_word(term: &str) -> bool {
    static STEMMED: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    STEMMED
        .get_or_init(|| {
            STOPWORDS
                .iter()
                .chain(QUESTION_WORDS)
                .flat_map(|w| terms(w))
                .collect()
        })
        .contains(term)
}

/// How many terms the index holds for `text` (what tantivy counts for BM25's field
/// lengths): the words the analyzer keeps, counted without stemming them.
pub fn count_terms(text: &str) -> u64 {
    let mut analyzer = unstemmed();
    let mut stream = analyzer.token_stream(text);
    let mut n = 0;
    while stream.advance() {
        n += 1;
    }
    n
}

/// The index terms of `text`, in order (a convenience for tests and the query parser).
pub fn terms(text: &str) -> Vec<String> {
    let mut analyzer = stemmed();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// Splits text into words the way readers of English news expect.
///
/// A word is a run of letters and digits. Inside a word an apostrophe (`'`, `’`, `ʼ`) is
/// kept out of the term but does not split it (`don't` → `dont`), and a final `'s` is dropped
/// (`NATO’s` → `nato`). A `,` or `.` between digits stays in the number (`40,000` → `40000`,
/// `2.5` → `2.5`). Letters and digits next to each other are separate terms (`p53` → `p`,
/// `53`; `H2A` → `h`, `2`, `a`), so `IL6`, `IL-6` and `IL 6` give the same terms; the
/// search side matches such a word by its parts and, ranked higher, as a phrase of them.
/// Combining accents are skipped, so decomposed and precomposed letters give the same term.
/// Terms are lower-cased here; folding and stemming are later filters.
#[derive(Clone, Default)]
pub struct WordTokenizer {
    token: Token,
}

/// The token stream of [`WordTokenizer`].
pub struct WordTokenStream<'a> {
    text: &'a str,
    /// Byte offset of the next character to look at.
    cursor: usize,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordTokenStream<'a> {
        self.token.reset();
        WordTokenStream {
            text,
            cursor: 0,
            token: &mut self.token,
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Combining diacritical marks (U+0300..U+036F and the supplement ranges): part of the word
/// they follow, but dropped from the term, as folding would drop them anyway.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '＇')
}

impl WordTokenStream<'_> {
    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..).and_then(|rest| rest.chars().next())
    }

    fn push_lower(&mut self, c: char) {
        if c.is_ascii() {
            self.token.text.push(c.to_ascii_lowercase());
        } else {
            self.token.text.extend(c.to_lowercase());
        }
    }
}

impl TokenStream for WordTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        let bytes = self.text.as_bytes();
        // Find the start of the next word.
        let start = loop {
            if self.cursor >= bytes.len() {
                return false;
            }
            let b = bytes[self.cursor];
            if b.is_ascii() {
                if b.is_ascii_alphanumeric() {
                    break self.cursor;
                }
                self.cursor += 1;
                continue;
            }
            match self.char_at(self.cursor) {
                Some(c) if is_word_char(c) => break self.cursor,
                Some(c) => self.cursor += c.len_utf8(),
                None => return false,
            }
        };
        let mut end = start;
        let mut last_was_digit = false;
        while let Some(c) = self.char_at(end) {
            if is_word_char(c) {
                // A change between digits and letters starts a new term (`p53` → `p`, `53`;
                // `IL6` and `IL-6` alike → `il`, `6`).
                if end > start && c.is_ascii_digit() != last_was_digit {
                    break;
                }
                self.push_lower(c);
                last_was_digit = c.is_ascii_digit();
                end += c.len_utf8();
            } else if is_combining_mark(c) {
                end += c.len_utf8();
            } else if is_apostrophe(c) {
                let after = end + c.len_utf8();
                match self.char_at(after) {
                    Some(next) if is_word_char(next) => {
                        let after_next = after + next.len_utf8();
                        let possessive = matches!(next, 's' | 'S')
                            && !self.char_at(after_next).is_some_and(is_word_char);
                        if possessive {
                            end = after_next;
                            break;
                        }
                        end = after;
                    }
                    _ => break,
                }
            } else if (c == ',' || c == '.') && last_was_digit {
                let after = end + 1;
                match self.char_at(after) {
                    Some(next) if next.is_ascii_digit() => {
                        if c == '.' {
                            self.token.text.push('.');
                        }
                        end = after;
                    }
                    _ => break,
                }
            } else {
                break;
            }
        }
        self.cursor = end;
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, usize, usize)> {
        let mut tokenizer = WordTokenizer::default();
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn splits_on_punctuation_and_dashes() {
        let got: Vec<_> = words("continent-wide—war, U.S.-made F-35")
            .into_iter()
            .map(|w| w.0)
            .collect();
        assert_eq!(
            got,
            ["continent", "wide", "war", "u", "s", "made", "f", "35"]
        );
    }

    #[test]
    fn possessive_is_dropped_with_either_apostrophe() {
        assert_eq!(terms("Poland's"), ["poland"]);
        assert_eq!(terms("Poland’s"), ["poland"]);
        assert_eq!(terms("NATO’s Article"), ["nato", "articl"]);
    }

    #[test]
    fn apostrophe_inside_a_word_joins_it() {
        assert_eq!(terms("don't"), ["dont"]);
        assert_eq!(terms("O’Brien"), ["obrien"]);
        // A quote mark at the edge of a word is punctuation.
        assert_eq!(terms("'provocation'"), ["provoc"]);
    }

    #[test]
    fn offsets_cover_the_original_word() {
        let text = "Warsaw’s rare move";
        let got = words(text);
        assert_eq!(&text[got[0].1..got[0].2], "Warsaw’s");
        assert_eq!(&text[got[1].1..got[1].2], "rare");
    }

    #[test]
    fn letters_and_digits_are_split() {
        assert_eq!(terms("p53"), ["p", "53"]);
        assert_eq!(terms("IL6"), terms("IL-6"));
        assert_eq!(terms("H2A.Z"), ["h", "2", "a", "z"]);
        assert_eq!(terms("CD8+"), ["cd", "8"]);
        // Digit groups are still one number.
        assert_eq!(terms("v2.5"), ["v", "2.5"]);
    }

    #[test]
    fn numbers_keep_their_groups() {
        assert_eq!(terms("40,000 troops"), ["40000", "troop"]);
        assert_eq!(terms("2.5 per cent."), ["2.5", "per", "cent"]);
        assert_eq!(terms("in 2001, then"), ["in", "2001", "then"]);
    }

    #[test]
    fn diacritics_fold_both_ways() {
        assert_eq!(terms("Wiesław"), terms("Wieslaw"));
        assert_eq!(terms("Gdańsk"), terms("Gdansk"));
        // Decomposed: n + combining acute accent.
        assert_eq!(terms("Gdan\u{301}sk"), terms("Gdansk"));
        assert_eq!(terms("Straße"), ["strass"]);
    }

    #[test]
    fn stems_english() {
        assert_eq!(terms("drones"), terms("drone"));
        assert_eq!(terms("invoking"), terms("invoke"));
    }

    #[test]
    fn memo_stems_exactly_as_the_stemmer() {
        // Far more distinct words than slots, each seen twice, so the memo serves hits,
        // evicts on collisions and passes long words through.
        let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
        let mut memo = Memo::default();
        let suffixes = ["", "s", "ing", "ed", "ies", "ational", "fulness", "ly"];
        let mut words = Vec::new();
        for i in 0..(MEMO_SLOTS * 2) {
            let mut word = String::new();
            let mut n = i;
            loop {
                word.push(char::from(b'a' + u8::try_from(n % 26).unwrap()));
                n /= 26;
                if n == 0 {
                    break;
                }
            }
            word.push_str(suffixes[i % suffixes.len()]);
            words.push(word);
        }
        words.push("internationalisationalisationalism".into());
        words.push("x".repeat(MEMO_WORD_BYTES));
        words.push("ä".repeat(MEMO_WORD_BYTES / 2));
        for _round in 0..2 {
            for word in &words {
                let mut got = word.clone();
                memo.stem(&mut got);
                assert_eq!(got, stemmer.stem(word), "{word}");
            }
        }
    }

    #[test]
    fn stopwords_are_recognised_after_stemming() {
        for word in ["the", "was", "is", "To"] {
            let term = &terms(word)[0];
            assert!(is_stopword(term), "{word}");
        }
        assert!(!is_stopword(&terms("drone")[0]));
    }

    #[test]
    fn overlong_tokens_are_dropped() {
        let long = "x".repeat(200);
        assert_eq!(terms(&format!("a {long} b")), ["a", "b"]);
    }

    #[test]
    fn empty_and_punctuation_only_text_has_no_terms() {
        assert!(terms("").is_empty());
        assert!(terms(" — … ?!").is_empty());
    }
}

//! The query language: text typed by a user → a small syntax tree.
//!
//! Plain words are optional and ranked (a passage need not contain all of them); `"a
//! phrase"` (straight or curly quotes) must appear as written; `+word` and `-word` require
//! and exclude; `AND` makes the words on both sides required, `OR` is the default, and `NOT`
//! excludes the next word or group; `(...)` groups; `word*` matches words starting with
//! `word`; `word^2` weighs a word double; `title:`, `section:`, `text:` and `doc:` (and the
//! metadata fields) restrict a word, phrase or group to one field.
//!
//! `word~` also finds words one or two edits away (`mourinho~`, `schwarzenegger~2`).
//!
//! Any text is a query, as with Elasticsearch's `simple_query_string`: punctuation other
//! than the syntax above is left to the analyzer, a colon after a word that is not a field
//! name is punctuation, and syntax that does not parse (an unclosed quote or parenthesis, a
//! stray `)`, a field name with nothing after it) is read as plain words, with a warning
//! that names what was ignored. Only an empty query, one longer than [`MAX_QUERY_BYTES`],
//! and a malformed range (`date:[2025 TO`) are errors; filter values are checked when the
//! query is compiled.
//!
//! ```
//! use seedsearch::query::{parse, Node, Occur};
//! let q = parse("Is NATO's Article 4 a prelude to war?").unwrap();
//! assert_eq!(q.clauses.len(), 8);
//! assert!(q.clauses.iter().all(|c| c.occur == Occur::Should));
//! let q = parse("+drone -Belarus \"Article 4\"").unwrap();
//! assert_eq!(q.clauses[0].occur, Occur::Must);
//! assert_eq!(q.clauses[1].occur, Occur::MustNot);
//! assert!(matches!(q.clauses[2].node, Node::Phrase { .. }));
//! ```

use std::fmt;

/// The longest query accepted, in bytes (a pasted article fits; a runaway script's line
/// does not).
pub const MAX_QUERY_BYTES: usize = 64 * 1024;

/// The longest `--batch` line read, in bytes: twice a query, so that a JSON line can carry
/// a query at the limit with its escapes and options. A longer line is answered with an
/// error and skipped without being held in memory.
pub const MAX_BATCH_LINE_BYTES: usize = 2 * MAX_QUERY_BYTES;

/// The longest piece of a query quoted back in a message, in characters.
pub const QUOTED_CHARS: usize = 80;

/// `text` as quoted in a message: at most [`QUOTED_CHARS`] characters, `…` where cut.
pub fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Fields a user can name in a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldName {
    Title,
    Section,
    Text,
    Doc,
    Collection,
    Author,
    Source,
    Date,
}

impl FieldName {
    pub const ALL: [FieldName; 8] = [
        FieldName::Title,
        FieldName::Section,
        FieldName::Text,
        FieldName::Doc,
        FieldName::Collection,
        FieldName::Author,
        FieldName::Source,
        FieldName::Date,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FieldName::Title => "title",
            FieldName::Section => "section",
            FieldName::Text => "text",
            FieldName::Doc => "doc",
            FieldName::Collection => "collection",
            FieldName::Author => "author",
            FieldName::Source => "source",
            FieldName::Date => "date",
        }
    }

    fn parse(name: &str) -> Option<FieldName> {
        FieldName::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// How a clause takes part in matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Optional; adds to the score when present.
    Should,
    /// Required.
    Must,
    /// Excluded.
    MustNot,
}

/// One end of a range (`date:>=2025-09-01`, `date:[a TO b]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    Included(String),
    Excluded(String),
    Unbounded,
}

/// What a clause matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A bare word (it may analyse into several terms, as `F-35` does).
    Word {
        field: Option<FieldName>,
        text: String,
    },
    /// Quoted words that must appear in this order.
    Phrase {
        field: Option<FieldName>,
        text: String,
    },
    /// Words starting with `text`.
    Prefix {
        field: Option<FieldName>,
        text: String,
    },
    /// Words within `distance` edits of `text` (`word~`, `word~2`); `None` lets the length
    /// of the word decide.
    Fuzzy {
        field: Option<FieldName>,
        text: String,
        distance: Option<u8>,
    },
    /// `field:[lower TO upper]` or `field:>=value` and friends.
    Range {
        field: FieldName,
        lower: Bound,
        upper: Bound,
    },
    /// Parenthesised clauses.
    Group(Vec<Clause>),
}

/// A node with its occurrence and optional weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub occur: Occur,
    pub node: Node,
    pub boost: Option<f32>,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub clauses: Vec<Clause>,
    /// Things the parser worked around, as sentences for the user.
    pub warnings: Vec<String>,
}

/// A query that cannot be run, with the column (1-based, in characters) where the problem
/// is, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub message: String,
    pub column: Option<usize>,
    /// How the lenient reading works around it, for syntax it can do without.
    repair: Option<Repair>,
}

/// A way around broken syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Repair {
    /// Read the character at this (0-based) index as a space.
    Space(usize),
    /// Read every syntax character as punctuation.
    AllPlain,
}

impl QueryError {
    /// An error the lenient reading cannot work around.
    pub fn new(message: impl Into<String>) -> QueryError {
        QueryError {
            message: message.into(),
            column: None,
            repair: None,
        }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(col) => write!(f, "{} (column {col})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for QueryError {}

/// Deepest nesting of parentheses accepted (deeper input is surely not typed by a person,
/// and recursion must stay bounded).
const MAX_DEPTH: usize = 32;

/// Parses a query; syntax that does not parse is read as plain words, with a warning.
///
/// # Errors
/// For an empty query (or one with no words), one longer than [`MAX_QUERY_BYTES`], or a
/// malformed range.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    if input.len() > MAX_QUERY_BYTES {
        return Err(QueryError::new(format!(
            "the query is {} KiB long; the limit is {} KiB",
            input.len().div_ceil(1024),
            MAX_QUERY_BYTES / 1024
        )));
    }
    let mut chars: Vec<char> = input.chars().collect();
    let mut ignored = Vec::new();
    // Each round reads one more piece of broken syntax as a space; a query has at most
    // as many such pieces as characters, but a few rounds settle any typed query.
    let original = chars.clone();
    for _ in 0..64 {
        match parse_chars(&chars, &original) {
            Ok(mut query) => {
                ignored.append(&mut query.warnings);
                query.warnings = ignored;
                return Ok(query);
            }
            Err(err) => match err.repair {
                Some(Repair::Space(at)) if at < chars.len() => {
                    ignored.push(format!("{err}; read as plain words"));
                    chars[at] = ' ';
                }
                Some(_) => break,
                None => return Err(err),
            },
        }
    }
    // Past repair: every syntax character is punctuation.
    let plain: Vec<char> = chars
        .iter()
        .map(|&c| if is_syntax(c) { ' ' } else { c })
        .collect();
    let mut query = parse_chars(&plain, &original)?;
    ignored.push("the query's syntax could not be read (parentheses nested too deep, or too much broken syntax); searched its words".into());
    ignored.append(&mut query.warnings);
    query.warnings = ignored;
    Ok(query)
}

/// Characters with a meaning in the query language.
fn is_syntax(c: char) -> bool {
    is_open_quote(c) || is_close_quote(c) || matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | ':')
}

/// Parses `chars`, a repaired reading of `original`.
fn parse_chars(chars: &[char], original: &[char]) -> Result<Query, QueryError> {
    let mut parser = Parser {
        chars: chars.to_vec(),
        pos: 0,
        warnings: Vec::new(),
    };
    let clauses = parser.sequence(0, None, None)?;
    if clauses.is_empty() {
        return Err(QueryError::new(
            if original.iter().all(|c| c.is_whitespace()) {
                "the query is empty"
            } else {
                "the query has no words to search for"
            },
        ));
    }
    Ok(Query {
        clauses,
        warnings: parser.warnings,
    })
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    warnings: Vec<String>,
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '„' | '”')
}

fn is_close_quote(c: char) -> bool {
    matches!(c, '"' | '”' | '“')
}

/// Characters that end a bare word.
fn ends_word(c: char) -> bool {
    is_space(c) || matches!(c, '(' | ')') || is_open_quote(c)
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn column(&self) -> usize {
        self.pos + 1
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// An error at `column` (1-based) that cannot be read as plain words.
    fn error(&self, message: impl Into<String>, column: usize) -> QueryError {
        QueryError {
            message: message.into(),
            column: Some(column),
            repair: None,
        }
    }

    /// Broken syntax at `column` (1-based): the lenient reading takes the character at
    /// index `drop` as a space.
    fn broken(&self, message: impl Into<String>, column: usize, drop: usize) -> QueryError {
        QueryError {
            repair: Some(Repair::Space(drop)),
            ..self.error(message, column)
        }
    }

    /// Whether the upper-case operator `op` stands here as a word of its own.
    fn at_operator(&self, op: &str) -> bool {
        let n = op.chars().count();
        op.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
            && self.peek_at(n).is_none_or(ends_word)
    }

    /// Parses clauses until the end of input, or until `)` when `open` gives the column of
    /// the `(` being closed.
    fn sequence(
        &mut self,
        depth: usize,
        open: Option<usize>,
        field: Option<FieldName>,
    ) -> Result<Vec<Clause>, QueryError> {
        if depth > MAX_DEPTH {
            return Err(QueryError {
                repair: Some(Repair::AllPlain),
                ..self.error(
                    format!("parentheses are nested more than {MAX_DEPTH} deep"),
                    self.column(),
                )
            });
        }
        let mut clauses: Vec<Clause> = Vec::new();
        let mut and_pending = false;
        let mut not_pending = false;
        loop {
            self.skip_space();
            let Some(c) = self.peek() else {
                if let Some(col) = open {
                    return Err(self.broken("the `(` is never closed", col, col - 1));
                }
                break;
            };
            if c == ')' {
                if open.is_some() {
                    self.pos += 1;
                    break;
                }
                return Err(self.broken("the `)` has no matching `(`", self.column(), self.pos));
            }
            if self.at_operator("AND") {
                self.pos += 3;
                if let Some(last) = clauses.last_mut() {
                    if last.occur == Occur::Should {
                        last.occur = Occur::Must;
                    }
                }
                and_pending = true;
                continue;
            }
            if self.at_operator("OR") {
                self.pos += 2;
                continue;
            }
            if self.at_operator("NOT") {
                self.pos += 3;
                not_pending = true;
                continue;
            }
            let mut occur = Occur::Should;
            if matches!(c, '+' | '-') {
                self.pos += 1;
                match self.peek() {
                    // `-2` and `+3%` are numbers, not operators ("E2f-1, -2, -3 cells").
                    Some(next) if next.is_ascii_digit() => {}
                    Some(next) if !is_space(next) && next != ')' => {
                        occur = if c == '+' {
                            Occur::Must
                        } else {
                            Occur::MustNot
                        };
                    }
                    // A lone `-` or `+` is punctuation ("drones - again").
                    _ => continue,
                }
            }
            if not_pending {
                occur = Occur::MustNot;
            } else if and_pending && occur == Occur::Should {
                occur = Occur::Must;
            }
            not_pending = false;
            and_pending = false;
            if let Some((node, boost)) = self.atom(depth, field)? {
                clauses.push(Clause { occur, node, boost });
            }
        }
        Ok(clauses)
    }

    /// One word, phrase, group or fielded clause, with its `^boost`.
    fn atom(
        &mut self,
        depth: usize,
        field: Option<FieldName>,
    ) -> Result<Option<(Node, Option<f32>)>, QueryError> {
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        if c == '(' {
            let col = self.column();
            self.pos += 1;
            let clauses = self.sequence(depth + 1, Some(col), field)?;
            let boost = self.boost();
            return Ok((!clauses.is_empty()).then_some((Node::Group(clauses), boost)));
        }
        if is_open_quote(c) {
            let text = self.phrase()?;
            let boost = self.boost();
            return Ok(Some((Node::Phrase { field, text }, boost)));
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| !ends_word(c)) {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        if let Some((name, rest)) = word.split_once(':') {
            if let Some(named) = FieldName::parse(name) {
                return self.fielded(named, rest, start, depth);
            }
            let looks_like_field = name.chars().next().is_some_and(char::is_alphabetic)
                && name.chars().all(char::is_alphanumeric)
                && !rest.starts_with('/');
            if looks_like_field && field.is_none() {
                let known: Vec<_> = FieldName::ALL.iter().map(|f| f.as_str()).collect();
                self.warnings.push(format!(
                    "`{name}:` is not a field (fields: {}); searched as words",
                    known.join(", ")
                ));
                // Two words, not a phrase: `Update: drones` and `titel:drones` alike.
                let words: Vec<Clause> = [name, rest]
                    .into_iter()
                    .filter_map(|w| word_node(None, w))
                    .map(|node| Clause {
                        occur: Occur::Should,
                        node,
                        boost: None,
                    })
                    .collect();
                return Ok((!words.is_empty()).then_some((Node::Group(words), None)));
            }
        }
        let (word, boost) = split_boost(&word);
        Ok(word_node(field, word).map(|node| (node, boost)))
    }

    /// The part after `field:`, which the word reader has consumed up to `rest`.
    fn fielded(
        &mut self,
        field: FieldName,
        rest: &str,
        start: usize,
        depth: usize,
    ) -> Result<Option<(Node, Option<f32>)>, QueryError> {
        let name_end = start + field.as_str().chars().count() + 1;
        if rest.is_empty() {
            // `title:"..."` or `title:(...)` or `date:[a TO b]`: back up to right after the colon.
            self.pos = name_end;
            return match self.peek() {
                Some(c) if is_open_quote(c) || c == '(' => self.atom(depth, Some(field)),
                _ => Err(self.broken(
                    format!(
                        "`{}:` needs a word, a \"phrase\" or a (group) after it",
                        field.as_str()
                    ),
                    start + 1,
                    name_end - 1,
                )),
            };
        }
        if rest.starts_with(['[', '{']) {
            self.pos = name_end;
            return self.range(field).map(|node| Some((node, None)));
        }
        for (op, inclusive) in [(">=", true), ("<=", true), (">", false), ("<", false)] {
            if let Some(value) = rest.strip_prefix(op) {
                if value.is_empty() {
                    return Err(self.error(
                        format!("`{}:{op}` needs a value after it", field.as_str()),
                        start + 1,
                    ));
                }
                let bound = if inclusive {
                    Bound::Included(value.to_string())
                } else {
                    Bound::Excluded(value.to_string())
                };
                let (lower, upper) = if op.starts_with('>') {
                    (bound, Bound::Unbounded)
                } else {
                    (Bound::Unbounded, bound)
                };
                return Ok(Some((
                    Node::Range {
                        field,
                        lower,
                        upper,
                    },
                    None,
                )));
            }
        }
        let (word, boost) = split_boost(rest);
        Ok(word_node(Some(field), word).map(|node| (node, boost)))
    }

    /// `[lower TO upper]`, `{lower TO upper}` or a mix; `*` for an open end.
    fn range(&mut self, field: FieldName) -> Result<Node, QueryError> {
        let open_col = self.column();
        let inclusive_low = self.peek() == Some('[');
        self.pos += 1;
        let start = self.pos;
        while self.peek().is_some_and(|c| c != ']' && c != '}') {
            self.pos += 1;
        }
        let Some(close) = self.peek() else {
            return Err(self.error("this range is never closed with `]` or `}`", open_col));
        };
        let inside: String = self.chars[start..self.pos].iter().collect();
        self.pos += 1;
        let inclusive_high = close == ']';
        let parts: Vec<&str> = inside.split_whitespace().collect();
        let [low, "TO", high] = parts[..] else {
            return Err(self.error(
                format!(
                    "a range is written `{}:[FROM TO UNTIL]` (`*` for an open end)",
                    field.as_str()
                ),
                open_col,
            ));
        };
        let bound = |value: &str, inclusive: bool| match value {
            "*" => Bound::Unbounded,
            v if inclusive => Bound::Included(v.to_string()),
            v => Bound::Excluded(v.to_string()),
        };
        Ok(Node::Range {
            field,
            lower: bound(low, inclusive_low),
            upper: bound(high, inclusive_high),
        })
    }

    /// A quoted phrase, starting at the opening quote.
    fn phrase(&mut self) -> Result<String, QueryError> {
        let open_col = self.column();
        self.pos += 1;
        let start = self.pos;
        while self.peek().is_some_and(|c| !is_close_quote(c)) {
            self.pos += 1;
        }
        if self.peek().is_none() {
            return Err(self.broken("the quote is never closed", open_col, open_col - 1));
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        self.pos += 1;
        Ok(text)
    }

    /// A `^number` right after a phrase or group.
    fn boost(&mut self) -> Option<f32> {
        if self.peek() != Some('^') {
            return None;
        }
        let start = self.pos + 1;
        let mut end = start;
        while self
            .chars
            .get(end)
            .is_some_and(|c| c.is_ascii_digit() || *c == '.')
        {
            end += 1;
        }
        let number: String = self.chars[start..end].iter().collect();
        let boost = number.parse::<f32>().ok().filter(|b| b.is_finite())?;
        self.pos = end;
        Some(boost.min(MAX_BOOST))
    }
}

/// Largest weight a `^boost` may give; more would only overflow scores.
pub const MAX_BOOST: f32 = 100.0;

/// Splits `word^2` into `word` and 2.0. Only a plain decimal after a word with a letter
/// is a boost: `10^6` and `2^10` are numbers.
fn split_boost(word: &str) -> (&str, Option<f32>) {
    if let Some((base, number)) = word.rsplit_once('^') {
        let plain = number.chars().all(|c| c.is_ascii_digit() || c == '.')
            && number.chars().next().is_some_and(|c| c.is_ascii_digit());
        if plain && base.chars().any(char::is_alphabetic) {
            if let Ok(boost) = number.parse::<f32>() {
                return (base, Some(boost.min(MAX_BOOST)));
            }
        }
    }
    (word, None)
}

fn word_node(field: Option<FieldName>, word: &str) -> Option<Node> {
    if word.is_empty() {
        return None;
    }
    if let Some((base, distance)) = word.rsplit_once('~') {
        let distance = match distance {
            "" => Some(None),
            "1" => Some(Some(1)),
            "2" => Some(Some(2)),
            _ => None,
        };
        if let Some(distance) = distance {
            if base.chars().any(char::is_alphabetic) {
                return Some(Node::Fuzzy {
                    field,
                    text: base.to_string(),
                    distance,
                });
            }
        }
    }
    if let Some(prefix) = word.strip_suffix('*') {
        let prefix = prefix.trim_end_matches('*');
        if prefix.chars().any(char::is_alphanumeric) {
            return Some(Node::Prefix {
                field,
                text: prefix.to_string(),
            });
        }
    }
    Some(Node::Word {
        field,
        text: word.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &Query) -> Vec<(Occur, String)> {
        q.clauses
            .iter()
            .map(|c| match &c.node {
                Node::Word { text, .. } | Node::Phrase { text, .. } | Node::Prefix { text, .. } => {
                    (c.occur, text.clone())
                }
                other => (c.occur, format!("{other:?}")),
            })
            .collect()
    }

    fn err(input: &str) -> QueryError {
        parse(input).expect_err(input)
    }

    #[test]
    fn plain_words_are_optional() {
        let q = parse("drone incursion").unwrap();
        assert_eq!(
            words(&q),
            [
                (Occur::Should, "drone".into()),
                (Occur::Should, "incursion".into())
            ]
        );
    }

    #[test]
    fn sentences_with_punctuation_are_fine() {
        let q = parse("Is NATO's Article 4 a prelude to war?").unwrap();
        assert_eq!(q.clauses.len(), 8);
        assert!(q.warnings.is_empty());
        assert!(parse("What next? (and why) -- nobody knows!").is_ok());
        assert!(parse("Poland’s “huge number of Russian drones”").is_ok());
    }

    #[test]
    fn must_and_must_not_modifiers() {
        let q = parse("+drone -belarus poland").unwrap();
        assert_eq!(
            words(&q),
            [
                (Occur::Must, "drone".into()),
                (Occur::MustNot, "belarus".into()),
                (Occur::Should, "poland".into())
            ]
        );
    }

    #[test]
    fn lone_operators_are_punctuation() {
        let q = parse("drones - poland + nato").unwrap();
        assert_eq!(q.clauses.len(), 3);
        assert!(q.clauses.iter().all(|c| c.occur == Occur::Should));
    }

    #[test]
    fn and_or_not() {
        let q = parse("drone AND poland").unwrap();
        assert!(q.clauses.iter().all(|c| c.occur == Occur::Must));
        let q = parse("drone OR poland").unwrap();
        assert!(q.clauses.iter().all(|c| c.occur == Occur::Should));
        let q = parse("drone NOT belarus").unwrap();
        assert_eq!(q.clauses[1].occur, Occur::MustNot);
        let q = parse("drone AND NOT belarus").unwrap();
        assert_eq!(
            (q.clauses[0].occur, q.clauses[1].occur),
            (Occur::Must, Occur::MustNot)
        );
        // Lower-case words are words.
        let q = parse("drones and poland").unwrap();
        assert_eq!(q.clauses.len(), 3);
    }

    #[test]
    fn phrases_with_straight_and_curly_quotes() {
        for input in ["\"drone incursion\"", "“drone incursion”"] {
            let q = parse(input).unwrap();
            assert_eq!(
                q.clauses[0].node,
                Node::Phrase {
                    field: None,
                    text: "drone incursion".into()
                }
            );
        }
    }

    #[test]
    fn prefixes() {
        let q = parse("dron*").unwrap();
        assert_eq!(
            q.clauses[0].node,
            Node::Prefix {
                field: None,
                text: "dron".into()
            }
        );
        // A lone star is not a prefix query.
        assert!(matches!(
            parse("* x").unwrap().clauses[0].node,
            Node::Word { .. }
        ));
    }

    #[test]
    fn fields() {
        let q = parse("title:drone section:\"what next\" doc:sport/001 text:(a OR b)").unwrap();
        assert_eq!(
            q.clauses[0].node,
            Node::Word {
                field: Some(FieldName::Title),
                text: "drone".into()
            }
        );
        assert_eq!(
            q.clauses[1].node,
            Node::Phrase {
                field: Some(FieldName::Section),
                text: "what next".into()
            }
        );
        assert_eq!(
            q.clauses[2].node,
            Node::Word {
                field: Some(FieldName::Doc),
                text: "sport/001".into()
            }
        );
        let Node::Group(inner) = &q.clauses[3].node else {
            panic!()
        };
        assert!(inner.iter().all(|c| matches!(
            c.node,
            Node::Word {
                field: Some(FieldName::Text),
                ..
            }
        )));
    }

    #[test]
    fn unknown_fields_are_words_with_a_warning() {
        let q = parse("titel:drone").unwrap();
        let Node::Group(words) = &q.clauses[0].node else {
            panic!("{q:?}")
        };
        assert_eq!(
            words.iter().map(|c| &c.node).collect::<Vec<_>>(),
            [
                &Node::Word {
                    field: None,
                    text: "titel".into()
                },
                &Node::Word {
                    field: None,
                    text: "drone".into()
                }
            ]
        );
        assert_eq!(q.warnings.len(), 1);
        assert!(q.warnings[0].contains("`titel:` is not a field"));
        // Times and URLs are not fields and not worth a warning.
        assert!(parse("at 10:30 see https://x.org")
            .unwrap()
            .warnings
            .is_empty());
    }

    #[test]
    fn ranges() {
        let q = parse("date:>=2025-09-01").unwrap();
        assert_eq!(
            q.clauses[0].node,
            Node::Range {
                field: FieldName::Date,
                lower: Bound::Included("2025-09-01".into()),
                upper: Bound::Unbounded
            }
        );
        let q = parse("date:[2025-09-01 TO 2025-09-30} x").unwrap();
        assert_eq!(
            q.clauses[0].node,
            Node::Range {
                field: FieldName::Date,
                lower: Bound::Included("2025-09-01".into()),
                upper: Bound::Excluded("2025-09-30".into())
            }
        );
        assert_eq!(q.clauses.len(), 2);
        assert!(err("date:[2025 TO").message.contains("never closed"));
        assert!(err("date:[2025 2026]").message.contains("FROM TO UNTIL"));
    }

    #[test]
    fn boosts() {
        let q = parse("drone^2 \"air space\"^1.5 (a b)^3").unwrap();
        let boosts: Vec<_> = q.clauses.iter().map(|c| c.boost).collect();
        assert_eq!(boosts, [Some(2.0), Some(1.5), Some(3.0)]);
    }

    #[test]
    fn numbers_are_not_operators_or_boosts() {
        let q = parse("E2f-1, -2, +3 cells 10^6 drone^1e38 x^999").unwrap();
        assert!(q.clauses.iter().all(|c| c.occur == Occur::Should), "{q:?}");
        let boosts: Vec<_> = q.clauses.iter().map(|c| c.boost).collect();
        assert_eq!(
            boosts,
            [None, None, None, None, None, None, Some(MAX_BOOST)],
            "{q:?}"
        );
    }

    #[test]
    fn broken_syntax_is_read_as_plain_words_with_a_warning() {
        for (input, says, words) in [
            ("drone \"incursion", "quote is never closed (column 7)", 2),
            ("(drone OR poland", "`(` is never closed (column 1)", 2),
            ("drone)", "`)` has no matching `(` (column 6)", 1),
            ("smile :)", "`)` has no matching `(`", 2),
            ("Yukos deal worth $9.4bn (£5bn", "`(` is never closed", 5),
            ("title:", "`title:` needs a word", 1),
        ] {
            let q = parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(q.warnings.len(), 1, "{input}: {:?}", q.warnings);
            assert!(q.warnings[0].contains(says), "{input}: {}", q.warnings[0]);
            assert!(q.warnings[0].contains("read as plain words"), "{input}");
            assert_eq!(q.clauses.len(), words, "{input}: {q:?}");
            assert!(
                q.clauses.iter().all(|c| c.occur == Occur::Should),
                "{input}"
            );
        }
        // What still parses keeps its meaning: only the broken piece is ignored.
        let q = parse("+drone \"unclosed").unwrap();
        assert_eq!(q.clauses[0].occur, Occur::Must);
    }

    #[test]
    fn empty_queries_and_malformed_ranges_are_errors() {
        assert!(err("   ").message.contains("empty"));
        assert!(err("").message.contains("empty"));
        assert!(err("( )").message.contains("no words"));
        assert!(err("date:[2025 TO").message.contains("never closed"));
        assert!(err("date:>=").message.contains("needs a value"));
    }

    #[test]
    fn overlong_queries_are_errors() {
        let long = "word ".repeat(MAX_QUERY_BYTES / 5 + 1);
        assert!(err(&long).message.contains("limit is 64 KiB"));
        assert!(parse(&"word ".repeat(1000)).is_ok());
    }

    #[test]
    fn messages_quote_at_most_eighty_characters() {
        assert_eq!(quoted("short"), "short");
        let long = "é".repeat(200);
        let q = quoted(&long);
        assert_eq!(q.chars().count(), QUOTED_CHARS + 1);
        assert!(q.ends_with('…'));
    }

    #[test]
    fn fuzzy_words() {
        let q = parse("mourinho~ schwarzeneger~2 x~3 ~").unwrap();
        assert_eq!(
            q.clauses[0].node,
            Node::Fuzzy {
                field: None,
                text: "mourinho".into(),
                distance: None
            }
        );
        assert!(matches!(
            q.clauses[1].node,
            Node::Fuzzy {
                distance: Some(2),
                ..
            }
        ));
        assert!(matches!(q.clauses[2].node, Node::Word { .. }), "{q:?}");
    }

    #[test]
    fn deep_nesting_is_read_as_words_not_a_stack_overflow() {
        let deep = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
        let q = parse(&deep).unwrap();
        assert_eq!(q.clauses.len(), 1);
        assert!(q.warnings.iter().any(|w| w.contains("could not be read")));
    }

    #[test]
    fn control_characters_are_spaces() {
        let q = parse("drone\u{7}\u{0}incursion").unwrap();
        assert_eq!(q.clauses.len(), 2);
    }
}

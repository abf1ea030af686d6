//! Article text → [`Article`]: title, front-matter metadata and numbered passages.
//!
//! Pure and infallible: it takes decoded text (no I/O, no file names) and always returns an
//! article, recording anything odd it had to work around in [`Article::notes`]. Reading
//! files, decoding and naming articles is [`crate::corpus`]'s job.
//!
//! ```
//! use seedsearch::article::{parse, PassageKind, Syntax};
//! let article = parse(
//!     "Drones over Poland\n\nPoland shot down drones.\n\nWhat happened?\n\n\
//!      Drones crossed the border.\n\nSign up\n\nWhat next?\n\nTalks.\n",
//!     Syntax::Plain,
//! );
//! assert_eq!(article.title.as_deref(), Some("Drones over Poland"));
//! let second = &article.passages[1];
//! assert_eq!(second.text, "Drones crossed the border.");
//! assert_eq!(second.section.as_deref(), Some("What happened?"));
//! assert_eq!((second.line_start, second.line_end), (7, 7));
//! assert_eq!(article.passages[2].kind, PassageKind::Boilerplate);
//! ```

mod boilerplate;
mod date;
mod hash;
mod headings;
mod invariants;
mod markdown;
mod sentences;

pub use date::parse_date;
pub use hash::passage_hash;
pub use invariants::{check, file_lines};

use std::collections::{BTreeMap, HashSet};

pub use sentences::MAX_PASSAGE_BYTES;

/// One article as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The front matter's `title`, else the first non-empty line. `None` for a file with no
    /// text at all; the caller names such an article after its file.
    pub title: Option<String>,
    /// Front-matter keys other than `title`, lower-cased, in key order.
    pub metadata: BTreeMap<String, String>,
    /// Passages in reading order, numbered from 1.
    pub passages: Vec<Passage>,
    /// The lines that became section headings, in order: they are no passage themselves,
    /// only the [`Passage::section`] of the passages after them.
    pub headings: Vec<Heading>,
    /// Things that were odd but could be worked around, as sentences for a warning.
    pub notes: Vec<String>,
}

/// Whether a passage is part of the article's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PassageKind {
    /// Reporting, quotes, captions: what searches return.
    Content,
    /// Newsletter prompts, buttons, bare URLs, image credits: indexed, but only returned
    /// when asked for.
    Boilerplate,
}

/// Why a passage is boilerplate, and so left out of default searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Why {
    /// The splitter recognised a promo, button, bare URL or image credit
    /// ([`PassageKind::Boilerplate`]).
    Marked,
    /// The same paragraph is in several otherwise unrelated articles (a publisher's promo,
    /// an author's bio): decided across the collection when it is indexed.
    Repeated,
}

/// A paragraph-sized piece of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// 1-based ordinal within the article.
    pub number: u32,
    /// The heading this passage falls under, if any.
    pub section: Option<String>,
    /// First line of the passage in the file, 1-based.
    pub line_start: u32,
    /// Last line of the passage in the file, 1-based, inclusive.
    pub line_end: u32,
    /// The passage text: its lines as in the file, without trailing white space.
    pub text: String,
    pub kind: PassageKind,
}

/// A line of the file read as a section heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// The line in the file, 1-based.
    pub line: u32,
    /// The heading as it appears in [`Passage::section`].
    pub text: String,
}

/// How an article's text is written, which decides what of it is text. The splitter does
/// not know file names: its caller says which (see [`Syntax::of_file_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Syntax {
    /// Plain text (`.txt`): every character is text, as written. A line of `#`s, a space
    /// and words is still read as a heading.
    #[default]
    Plain,
    /// Markdown (`.md`): inline markup (`**bold**`, `*em*`, `` `code` ``, links, images,
    /// autolinks, HTML tags, escapes, `~~strike~~`) is stripped within each line, link
    /// targets and reference definitions leave no text, and `#` or underlined headings are
    /// headings. Line numbers are those of the file.
    Markdown,
}

impl Syntax {
    /// The syntax of a file by its name: Markdown for `*.md` (in any case), plain text for
    /// anything else.
    pub fn of_file_name(name: &str) -> Syntax {
        match name.rsplit_once('.') {
            Some((_, ext)) if ext.eq_ignore_ascii_case("md") => Syntax::Markdown,
            _ => Syntax::Plain,
        }
    }
}

/// What a line is before blocks are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mark {
    /// Text, for the block rules to classify.
    #[default]
    Text,
    /// A marked heading (`## ...`); the line's text is the heading's.
    Heading,
    /// Boilerplate by its markup alone (a Markdown line of images).
    Boilerplate,
}

/// A line of the file: its 1-based number and its text as the splitter reads it (without
/// the line ending and trailing white space; for Markdown, without markup).
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: u32,
    text: &'a str,
    mark: Mark,
}

/// How a stretch of lines reads, before sections and numbering are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    Content,
    Boilerplate,
    /// A Markdown `#` heading: always a section heading.
    MarkdownHeading,
    /// A short stand-alone line: a heading, a label or a one-line paragraph, as context
    /// decides.
    HeadingLike,
    /// A short line that context confirmed as a section heading.
    Heading,
}

#[derive(Debug, Clone)]
struct Unit<'a> {
    lines: Vec<Line<'a>>,
    kind: UnitKind,
}

impl Unit<'_> {
    fn text(&self) -> String {
        let mut text = String::new();
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(line.text);
        }
        text
    }
}

/// Parses decoded article text written in `syntax`. Never fails: odd input gives an odd
/// article, not an error.
pub fn parse(text: &str, syntax: Syntax) -> Article {
    let text = text.trim_start_matches('\u{feff}');
    let lines = split_lines(text);
    let mut notes = Vec::new();

    let (mut metadata, body_from) = front_matter(&lines, &mut notes);
    let fm_title = metadata.remove("title").filter(|t| !t.is_empty());
    let mut stripped = Vec::new();
    let body = body_lines(&lines[body_from..], syntax, &mut stripped);

    let mut rest = &body[..];
    while rest.first().is_some_and(|l| l.text.is_empty()) {
        rest = &rest[1..];
    }
    let mut title = fm_title.clone();
    if let Some(first) = rest.first() {
        let first_is_title = match &fm_title {
            None => true,
            Some(t) => first.mark == Mark::Heading || same_text(first.text, t),
        };
        if first_is_title {
            if fm_title.is_none() {
                title = Some(first.text.trim().to_string());
            }
            rest = &rest[1..];
        }
    }

    let units = classify(rest);
    let (passages, headings) = number_passages(&units);
    Article {
        title,
        metadata,
        passages,
        headings,
        notes,
    }
}

/// The text of each line of `text` as passages quote it, numbered as in the file (the
/// first is line 1): for [`Syntax::Markdown`], the body's lines with their markup stripped.
/// Trailing white space is trimmed and a leading byte-order mark dropped, as [`parse`]
/// does.
pub fn passage_lines(text: &str, syntax: Syntax) -> Vec<String> {
    let text = text.trim_start_matches('\u{feff}');
    let lines = split_lines(text);
    let (_, body_from) = front_matter(&lines, &mut Vec::new());
    let mut stripped = Vec::new();
    let body = body_lines(&lines[body_from..], syntax, &mut stripped);
    lines[..body_from]
        .iter()
        .chain(&body)
        .map(|l| l.text.to_string())
        .collect()
}

/// The body's lines as the splitter reads them: marked headings found, and for Markdown
/// the markup stripped into `stripped`, which the lines borrow.
fn body_lines<'a>(
    body: &[Line<'a>],
    syntax: Syntax,
    stripped: &'a mut Vec<markdown::PlainLine>,
) -> Vec<Line<'a>> {
    match syntax {
        Syntax::Plain => body
            .iter()
            .map(|line| match markdown_heading(line.text) {
                Some(heading) => Line {
                    text: heading,
                    mark: Mark::Heading,
                    ..*line
                },
                None => *line,
            })
            .collect(),
        Syntax::Markdown => {
            let raw: Vec<&str> = body.iter().map(|l| l.text).collect();
            *stripped = markdown::strip(&raw);
            let stripped: &'a [markdown::PlainLine] = stripped;
            body.iter()
                .zip(stripped)
                .map(|(line, plain)| Line {
                    number: line.number,
                    text: &plain.text,
                    mark: plain.mark,
                })
                .collect()
        }
    }
}

/// The lines of `text`, split on `\n`, `\r\n` or a lone `\r`, without their endings. A final
/// line ending does not start another line.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\n', '\r']) {
            Some(i) => {
                let skip = if current[i..].starts_with("\r\n") {
                    2
                } else {
                    1
                };
                let next = &current[i + skip..];
                rest = (!next.is_empty()).then_some(next);
                Some(&current[..i])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Numbers the lines of `text` from 1, trimming trailing white space from each.
fn split_lines(text: &str) -> Vec<Line<'_>> {
    lines(text)
        .zip(1u32..)
        .map(|(text, number)| Line {
            number,
            text: text.trim_end(),
            mark: Mark::Text,
        })
        .collect()
}

/// Reads a `---` front-matter block at the very top, returning its keys and the index of
/// the first line after it (0 when there is none).
fn front_matter(lines: &[Line<'_>], notes: &mut Vec<String>) -> (BTreeMap<String, String>, usize) {
    let mut meta = BTreeMap::new();
    if lines.first().map(|l| l.text.trim_start()) != Some("---") {
        return (meta, 0);
    }
    // Front matter is short; a `---` much further down is a Markdown rule, not its end.
    let close = lines
        .iter()
        .enumerate()
        .skip(1)
        .take(200)
        .find(|(_, l)| l.text == "---" || l.text == "...")
        .map(|(i, _)| i);
    let Some(close) = close else {
        notes.push("its front matter (`---` on line 1) is never closed; read as text".into());
        return (meta, 0);
    };
    let mut current: Option<String> = None;
    for line in &lines[1..close] {
        let raw = line.text;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let item = raw.trim_start().strip_prefix("- ");
        if let (Some(item), Some(key)) = (item, current.as_ref()) {
            if raw.starts_with([' ', '\t', '-']) {
                let value = meta.entry(key.clone()).or_insert_with(String::new);
                if !value.is_empty() {
                    value.push_str(", ");
                }
                value.push_str(unquote(item.trim()));
                continue;
            }
        }
        match raw.split_once(':') {
            Some((key, value)) if is_front_matter_key(key) => {
                let key = key.trim().to_lowercase();
                let value = value.trim();
                let value = value
                    .strip_prefix('[')
                    .and_then(|v| v.strip_suffix(']'))
                    .map(|list| {
                        list.split(',')
                            .map(|v| unquote(v.trim()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_else(|| unquote(value).to_string());
                meta.insert(key.clone(), value);
                current = Some(key);
            }
            _ => notes.push(format!(
                "front matter line {} is not `key: value`; ignored",
                line.number
            )),
        }
    }
    (meta, close + 1)
}

fn is_front_matter_key(key: &str) -> bool {
    let key = key.trim();
    !key.is_empty()
        && !key.starts_with([' ', '\t'])
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// The text of a Markdown ATX heading (`## What next?` → `What next?`).
fn markdown_heading(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &trimmed[hashes..];
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    (!text.is_empty()).then_some(text)
}

fn same_text(a: &str, b: &str) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    squash(a) == squash(b)
}

/// Groups body lines into blocks (split on blank lines, or one per line when the body has
/// no blank line at all) and classifies each.
fn classify<'a>(body: &[Line<'a>]) -> Vec<Unit<'a>> {
    let mut blocks: Vec<Vec<Line<'a>>> = Vec::new();
    let first = body.iter().position(|l| !l.text.is_empty());
    let last = body.iter().rposition(|l| !l.text.is_empty());
    let body = match (first, last) {
        (Some(first), Some(last)) => &body[first..=last],
        _ => &[][..],
    };
    let has_blank_between = body.iter().any(|l| l.text.is_empty());
    if has_blank_between {
        let mut current = Vec::new();
        for line in body {
            if line.text.is_empty() {
                if !current.is_empty() {
                    blocks.push(std::mem::take(&mut current));
                }
            } else {
                current.push(*line);
            }
        }
        if !current.is_empty() {
            blocks.push(current);
        }
    } else {
        blocks.extend(body.iter().filter(|l| !l.text.is_empty()).map(|l| vec![*l]));
    }

    let mut units = Vec::new();
    for block in blocks {
        split_block(block, &mut units);
    }
    apply_context(&mut units);
    units
}

/// Cuts marked headings and boilerplate lines out of a block, then classifies what is
/// left.
fn split_block<'a>(block: Vec<Line<'a>>, units: &mut Vec<Unit<'a>>) {
    let mut run: Vec<Line<'a>> = Vec::new();
    let mut run_is_boilerplate = false;
    let flush = |run: &mut Vec<Line<'a>>, boiler: bool, units: &mut Vec<Unit<'a>>| {
        if run.is_empty() {
            return;
        }
        let lines = std::mem::take(run);
        let kind = if boiler {
            UnitKind::Boilerplate
        } else {
            classify_block(&lines)
        };
        units.push(Unit { lines, kind });
    };
    for line in block {
        if line.mark == Mark::Heading {
            flush(&mut run, run_is_boilerplate, units);
            units.push(Unit {
                lines: vec![line],
                kind: UnitKind::MarkdownHeading,
            });
            continue;
        }
        let boiler = line.mark == Mark::Boilerplate || boilerplate::is_boilerplate_line(line.text);
        if boiler != run_is_boilerplate && !run.is_empty() {
            flush(&mut run, run_is_boilerplate, units);
        }
        run_is_boilerplate = boiler;
        run.push(line);
    }
    flush(&mut run, run_is_boilerplate, units);
}

fn classify_block(lines: &[Line<'_>]) -> UnitKind {
    let text = lines
        .iter()
        .map(|l| l.text.trim())
        .collect::<Vec<_>>()
        .join(" ");
    if boilerplate::is_promo_block(&text) {
        UnitKind::Boilerplate
    } else if lines.len() == 1 && headings::is_short_line(&text) {
        UnitKind::HeadingLike
    } else {
        UnitKind::Content
    }
}

/// Context rules, applied until nothing changes: a short reader-addressed block next to
/// boilerplate is part of the promotion, and a short line right before boilerplate is its
/// label. Then [`headings::confirm`] decides which short lines left are headings.
fn apply_context(units: &mut [Unit<'_>]) {
    loop {
        let mut changed = false;
        for i in 0..units.len() {
            let next_is_boiler = units
                .get(i + 1)
                .is_some_and(|u| u.kind == UnitKind::Boilerplate);
            let prev_is_boiler = i > 0 && units[i - 1].kind == UnitKind::Boilerplate;
            let kind = units[i].kind;
            let new_kind = match kind {
                UnitKind::Content
                    if (next_is_boiler || prev_is_boiler)
                        && boilerplate::could_be_promo(&units[i].text()) =>
                {
                    UnitKind::Boilerplate
                }
                UnitKind::HeadingLike if next_is_boiler => UnitKind::Boilerplate,
                _ => kind,
            };
            if new_kind != kind {
                units[i].kind = new_kind;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    headings::confirm(units);
}

/// Turns classified units into numbered passages and the headings between them: headings
/// set the section, long blocks are split, and a block that repeats earlier text exactly
/// is dropped. A heading with no passage under it (another heading or the end follows) is
/// a passage itself, so its words stay findable.
fn number_passages(units: &[Unit<'_>]) -> (Vec<Passage>, Vec<Heading>) {
    let mut out = Numbering::default();
    // The last heading, while no passage has followed it, and the section before it.
    let mut pending: Option<(Heading, Option<String>)> = None;
    for unit in units {
        let kind = match unit.kind {
            UnitKind::MarkdownHeading | UnitKind::Heading => {
                let heading = Heading {
                    line: unit.lines[0].number,
                    text: unit.text().trim().to_string(),
                };
                if let Some((empty, before)) = pending.take() {
                    out.section = before;
                    out.push(&empty.text, empty.line, PassageKind::Content);
                }
                let before = out.section.replace(heading.text.clone());
                pending = Some((heading, before));
                continue;
            }
            UnitKind::Content | UnitKind::HeadingLike => PassageKind::Content,
            UnitKind::Boilerplate => PassageKind::Boilerplate,
        };
        if out.push(&unit.text(), unit.lines[0].number, kind) {
            if let Some((heading, _)) = pending.take() {
                out.headings.push(heading);
            }
        }
    }
    if let Some((empty, before)) = pending {
        out.section = before;
        out.push(&empty.text, empty.line, PassageKind::Content);
    }
    (out.passages, out.headings)
}

#[derive(Default)]
struct Numbering {
    passages: Vec<Passage>,
    headings: Vec<Heading>,
    section: Option<String>,
    seen: HashSet<String>,
}

impl Numbering {
    /// Adds a block that starts on `first_line` as one or more passages of the current
    /// section; `false` when it repeats an earlier block and is dropped.
    fn push(&mut self, text: &str, first_line: u32, kind: PassageKind) -> bool {
        let key = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !self.seen.insert(key) {
            return false;
        }
        // Line breaks before each piece, counted once from the end of the last piece: a
        // block cut into thousands of pieces must not be scanned again for each.
        let (mut counted_to, mut newlines_before) = (0, 0);
        for range in sentences::split(text, MAX_PASSAGE_BYTES) {
            newlines_before += text[counted_to..range.start].matches('\n').count();
            counted_to = range.start;
            let newlines_within = count(text[range.clone()].matches('\n').count());
            let line_start = first_line + count(newlines_before);
            self.passages.push(Passage {
                number: count(self.passages.len()).saturating_add(1),
                section: self.section.clone(),
                line_start,
                line_end: line_start + newlines_within,
                text: text[range].to_string(),
                kind,
            });
        }
        true
    }
}

/// A count as a line or passage number (which no real article comes near overflowing).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;

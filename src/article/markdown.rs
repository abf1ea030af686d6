//! Markdown bodies read as a reader sees them: each line's text with its markup stripped,
//! line for line, so passages keep their line numbers.
//!
//! [pulldown-cmark](https://docs.rs/pulldown-cmark) parses the body as CommonMark (with
//! `~~strikethrough~~`); every piece of text it yields carries its offset in the body, which
//! puts it back on its own line. Emphasis, code spans, link and image syntax, autolinks'
//! brackets, HTML tags, escapes and entities go; link destinations and reference
//! definitions (`[ref]: https://...`) leave no text. Headings (`## ...` and underlined ones)
//! and lines holding only images are marked for the splitter. Front matter is not read
//! here: the splitter hands over the lines after it.

use pulldown_cmark::{BrokenLink, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::Mark;

/// A line of a Markdown body once its markup is stripped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlainLine {
    /// What a reader sees on the line, without trailing white space.
    pub text: String,
    /// [`Mark::Heading`] for the line of a heading (one line of text), whose text is the
    /// heading's;
    /// [`Mark::Boilerplate`] for a line that holds images and nothing else.
    pub mark: Mark,
}

/// Strips the markup from `lines` (a Markdown body, without line endings), returning one
/// [`PlainLine`] per line.
pub fn strip(lines: &[&str]) -> Vec<PlainLine> {
    let source = lines.join("\n");
    let mut starts = Vec::with_capacity(lines.len());
    let mut at = 0;
    for line in lines {
        starts.push(at);
        at += line.len() + 1;
    }
    let mut out = Builder {
        lines: vec![LineState::default(); lines.len()],
        starts,
    };
    // `[text][ref]` with no definition for `ref` is still a link (its definition was lost
    // or sits in another file); a lone `[text]` is text in brackets (`[sic]`, `[1]`).
    let callback = |link: BrokenLink<'_>| match link.link_type {
        LinkType::Reference | LinkType::Collapsed => {
            Some((CowStr::Borrowed(""), CowStr::Borrowed("")))
        }
        _ => None,
    };
    let parser = Parser::new_with_broken_link_callback(
        &source,
        Options::ENABLE_STRIKETHROUGH,
        Some(callback),
    );
    let mut images = 0usize;
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut html = TagStripper::default();
    for (event, range) in parser.into_offset_iter() {
        let line = out.line_of(range.start);
        match event {
            Event::End(TagEnd::Heading(_)) => {
                // A heading is one line of text; an underlined one of several lines stays
                // text, line by line.
                let last = out.line_of(range.end.saturating_sub(1));
                let mut with_text = (line..=last)
                    .filter(|&l| out.lines.get(l).is_some_and(|s| !s.text.trim().is_empty()));
                if let (Some(only), None) = (with_text.next(), with_text.next()) {
                    out.lines[only].heading = true;
                }
            }
            Event::Start(Tag::Image { .. }) => {
                images += 1;
                out.lines[line].image = true;
            }
            Event::End(TagEnd::Image) => images = images.saturating_sub(1),
            Event::Start(Tag::List(first)) => lists.push(first),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                // An ordered list's numbers are part of what a reader sees.
                if let Some(Some(n)) = lists.last_mut() {
                    out.push(line, &format!("{n}. "), images > 0);
                    *n = n.saturating_add(1);
                }
            }
            Event::Start(Tag::HtmlBlock) => html = TagStripper::default(),
            Event::Text(text) => {
                if !source[range.clone()].contains('\n') {
                    out.push(line, &one_line(&text), images > 0);
                } else {
                    out.push_lines(line, &text, images > 0);
                }
            }
            Event::Code(code) => {
                let raw = &source[range.clone()];
                if raw.contains('\n') {
                    // A code span across lines: its text, line by line, as written.
                    out.push_lines(line, raw.trim_matches('`'), images > 0);
                } else {
                    out.push(line, &one_line(&code), images > 0);
                }
            }
            Event::Html(block) => {
                let text = html.strip(&block);
                out.push_lines(line, &text, images > 0);
            }
            Event::InlineHtml(tag) if is_line_break(&tag) => out.push(line, " ", images > 0),
            _ => {}
        }
    }
    out.lines
        .into_iter()
        .map(|state| {
            let mut text = state.text;
            let kept = text.trim_end().len();
            text.truncate(kept);
            let mark = if state.heading && !text.trim().is_empty() {
                text = text.trim().to_string();
                Mark::Heading
            } else if state.image && !state.other_text {
                Mark::Boilerplate
            } else {
                Mark::Text
            };
            PlainLine { text, mark }
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
struct LineState {
    text: String,
    heading: bool,
    image: bool,
    /// Some visible text outside images.
    other_text: bool,
}

struct Builder {
    lines: Vec<LineState>,
    /// Byte offset of each line in the joined body.
    starts: Vec<usize>,
}

impl Builder {
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    fn push(&mut self, line: usize, text: &str, in_image: bool) {
        let Some(state) = self.lines.get_mut(line) else {
            return;
        };
        state.text.push_str(text);
        if !in_image && !text.trim().is_empty() {
            state.other_text = true;
        }
    }

    /// Text that spans lines as the source does: each `\n` moves to the next line.
    fn push_lines(&mut self, first: usize, text: &str, in_image: bool) {
        for (i, piece) in text.split('\n').enumerate() {
            self.push(first + i, &one_line(piece), in_image);
        }
    }
}

/// `text` with any line break (a decoded `&#10;` or `&#13;`) turned into a space: a line's
/// text never holds one.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\n', '\r']) {
        text.replace(['\n', '\r'], " ").into()
    } else {
        text.into()
    }
}

/// `<br>`, `<br/>`, `<br />`: a line break inside a line reads as a space.
fn is_line_break(tag: &str) -> bool {
    let name = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/')
        .trim();
    name.eq_ignore_ascii_case("br")
}

/// Removes tags and comments from the lines of an HTML block, keeping the text between
/// them; its state carries over from one line to the next.
#[derive(Debug, Default)]
struct TagStripper {
    in_tag: bool,
    in_comment: bool,
}

impl TagStripper {
    fn strip(&mut self, html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while !rest.is_empty() {
            if self.in_comment {
                match rest.find("-->") {
                    Some(end) => {
                        // Keep the line breaks a comment spans: they are the lines'.
                        out.extend(rest[..end].chars().filter(|&c| c == '\n'));
                        rest = &rest[end + 3..];
                        self.in_comment = false;
                    }
                    None => {
                        out.extend(rest.chars().filter(|&c| c == '\n'));
                        rest = "";
                    }
                }
            } else if self.in_tag {
                match rest.find(['>', '\n']) {
                    Some(end) if rest[end..].starts_with('>') => {
                        rest = &rest[end + 1..];
                        self.in_tag = false;
                    }
                    Some(end) => {
                        out.push('\n');
                        rest = &rest[end + 1..];
                    }
                    None => rest = "",
                }
            } else if let Some(after) = rest.strip_prefix("<!--") {
                self.in_comment = true;
                rest = after;
            } else if rest.starts_with('<')
                && rest[1..]
                    .starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '/' | '!' | '?'))
            {
                self.in_tag = true;
                rest = &rest[1..];
            } else {
                let first = rest.chars().next().map_or(1, char::len_utf8);
                let next = rest[first..].find('<').map_or(rest.len(), |i| i + first);
                out.push_str(&rest[..next]);
                rest = &rest[next..];
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(body: &str) -> Vec<String> {
        let lines: Vec<&str> = body.split('\n').collect();
        strip(&lines).into_iter().map(|l| l.text).collect()
    }

    fn marks(body: &str) -> Vec<Mark> {
        let lines: Vec<&str> = body.split('\n').collect();
        strip(&lines).into_iter().map(|l| l.mark).collect()
    }

    #[test]
    fn emphasis_code_and_strikethrough_lose_their_marks() {
        assert_eq!(
            texts("**Bold** and *em* and _em_ and `code` and ~~gone~~ and snake_case_name."),
            ["Bold and em and em and code and gone and snake_case_name."]
        );
        assert_eq!(texts("`**not bold**`"), ["**not bold**"]);
    }

    #[test]
    fn links_keep_their_text_and_lose_their_targets() {
        assert_eq!(
            texts("See [the report](https://example.com/report \"Title\") now."),
            ["See the report now."]
        );
        assert_eq!(
            texts("Mail <jane@example.com> or see <https://example.com>."),
            ["Mail jane@example.com or see https://example.com."]
        );
    }

    #[test]
    fn reference_links_keep_their_text_and_definitions_leave_none() {
        assert_eq!(
            texts("A [report][r] and [another][].\n\n[r]: https://example.com/r\n[another]: <https://x.org>"),
            ["A report and another.", "", "", ""]
        );
        // Without a definition, `[text][ref]` is still a link; `[sic]` stays as written.
        assert_eq!(texts("A [report][gone], [sic]."), ["A report, [sic]."]);
    }

    #[test]
    fn html_tags_go_and_their_text_stays() {
        assert_eq!(texts("One<br>two <b>bold</b>."), ["One two bold."]);
        assert_eq!(
            texts("<div class=\"box\">\nInside <em>it</em>\n<!-- a\ncomment -->\n</div>"),
            ["", "Inside it", "", "", ""]
        );
    }

    #[test]
    fn escapes_and_entities_are_read() {
        assert_eq!(
            texts("2 \\* 3 \\_not em\\_ &amp; &copy; &#10;x"),
            ["2 * 3 _not em_ & © \u{20}x"]
        );
    }

    #[test]
    fn every_line_keeps_its_place() {
        assert_eq!(
            texts("**A sentence that\ngoes on** over [two\nlines](https://x.org).\n\nNext."),
            ["A sentence that", "goes on over two", "lines.", "", "Next."]
        );
        assert_eq!(
            texts("```\nlet x = *y*;\n```\nAfter."),
            ["", "let x = *y*;", "", "After."]
        );
        assert_eq!(texts("A `code\nspan` here."), ["A code", "span here."]);
    }

    #[test]
    fn headings_are_marked_with_their_text() {
        let body = "## What *next*? ##\n\nText.\n\nUnderlined\n---";
        assert_eq!(
            texts(body),
            ["What next?", "", "Text.", "", "Underlined", ""]
        );
        assert_eq!(
            marks(body),
            [
                Mark::Heading,
                Mark::Text,
                Mark::Text,
                Mark::Text,
                Mark::Heading,
                Mark::Text
            ]
        );
    }

    #[test]
    fn an_underlined_heading_of_several_lines_stays_text() {
        let body = "Two lines\nof heading\n---";
        assert_eq!(texts(body), ["Two lines", "of heading", ""]);
        assert_eq!(marks(body), [Mark::Text, Mark::Text, Mark::Text]);
    }

    #[test]
    fn lines_of_images_only_are_boilerplate_with_their_alt_text() {
        let body = "![A drone](img/drone.jpg)\n\nA ![small](x.png) drone.";
        assert_eq!(texts(body), ["A drone", "", "A small drone."]);
        assert_eq!(marks(body), [Mark::Boilerplate, Mark::Text, Mark::Text]);
    }

    #[test]
    fn lists_and_quotes_keep_their_words_and_numbers() {
        assert_eq!(
            texts("- one\n- *two*\n\n3. three\n4. four\n\n> quoted **text**"),
            ["one", "two", "", "3. three", "4. four", "", "quoted text"]
        );
    }
}

//! The structural promises of [`super::parse`], as code: property tests and fuzz targets
//! check every parse against them (the splitter itself never needs to).

use super::{passage_lines, Article, Syntax, MAX_PASSAGE_BYTES};

/// The lines of `input` as the splitter numbers them: split on `\n`, `\r\n` or `\r`, a
/// leading byte-order mark dropped, trailing white space trimmed.
pub fn file_lines(input: &str) -> Vec<&str> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    super::lines(input).map(str::trim_end).collect()
}

/// Every structural promise of [`super::parse`] about `a`, parsed from `input` written in
/// `syntax`; a description of the first one broken. For Markdown, passages quote the lines
/// of [`passage_lines`] (markup stripped), each no longer than its line in the file.
///
/// # Errors
/// The first broken promise, as a sentence.
pub fn check(input: &str, syntax: Syntax, a: &Article) -> Result<(), String> {
    let raw = file_lines(input);
    let stripped;
    let lines: Vec<&str> = match syntax {
        Syntax::Plain => raw.clone(),
        Syntax::Markdown => {
            stripped = passage_lines(input, syntax);
            stripped.iter().map(String::as_str).collect()
        }
    };
    if let Some(title) = &a.title {
        if title.is_empty() {
            return Err("empty title".into());
        }
    }
    for (i, p) in a.passages.iter().enumerate() {
        let at = format!("passage {} ({:?})", i + 1, p.text);
        if p.number as usize != i + 1 {
            return Err(format!("{at}: numbered {}", p.number));
        }
        if p.line_start == 0 || p.line_start > p.line_end {
            return Err(format!("{at}: lines {}..={}", p.line_start, p.line_end));
        }
        if p.line_end as usize > lines.len() {
            return Err(format!(
                "{at}: ends on line {} of {}",
                p.line_end,
                lines.len()
            ));
        }
        if p.text.is_empty() || p.text.trim() != p.text {
            return Err(format!("{at}: empty or untrimmed"));
        }
        // The splitter's guarantee: pieces of at most MAX_PASSAGE_BYTES unless one single
        // character is longer, which cannot happen for a 2000-byte limit.
        if p.text.len() > MAX_PASSAGE_BYTES {
            return Err(format!("{at}: {} bytes", p.text.len()));
        }
        if p.text.contains('\r') {
            return Err(format!("{at}: contains \\r"));
        }
        if let Some(section) = &p.section {
            if section.is_empty() || section.contains(['\n', '\r']) {
                return Err(format!("{at}: section {section:?}"));
            }
        }
        if syntax == Syntax::Markdown {
            // Stripping markup only takes text away (a decoded `&amp;` is shorter too).
            for (k, part) in p.text.split('\n').enumerate() {
                let n = p.line_start as usize + k;
                let file_line = raw.get(n - 1).copied().unwrap_or_default();
                if part.chars().count() > file_line.chars().count() {
                    return Err(format!(
                        "{at}: text line {part:?} is longer than file line {n} {file_line:?}"
                    ));
                }
            }
        }
        // The text spans exactly its lines: one `\n` between consecutive lines, the first
        // line a suffix of the file's line (a cut may fall inside it), the last a prefix,
        // the ones between whole.
        let span = &lines[p.line_start as usize - 1..p.line_end as usize];
        let parts: Vec<&str> = p.text.split('\n').collect();
        if parts.len() != span.len() {
            return Err(format!(
                "{at}: {} text lines for lines {}..={}",
                parts.len(),
                p.line_start,
                p.line_end
            ));
        }
        if parts.len() == 1 {
            if !span[0].contains(parts[0]) {
                return Err(format!("{at}: not in line {} {:?}", p.line_start, span[0]));
            }
        } else {
            let last = parts.len() - 1;
            for (k, (part, line)) in parts.iter().zip(span).enumerate() {
                let ok = if k == 0 {
                    line.ends_with(part)
                } else if k == last {
                    line.starts_with(part)
                } else {
                    part == line
                };
                if !ok {
                    return Err(format!(
                        "{at}: text line {part:?} does not match file line {} {line:?}",
                        p.line_start as usize + k
                    ));
                }
            }
        }
    }
    for (i, h) in a.headings.iter().enumerate() {
        let at = format!("heading {} ({:?}, line {})", i + 1, h.text, h.line);
        if h.text.is_empty() || h.text.trim() != h.text || h.text.contains(['\n', '\r']) {
            return Err(format!("{at}: empty, untrimmed or several lines"));
        }
        if h.line == 0 || h.line as usize > lines.len() {
            return Err(format!(
                "{at}: not a line of the {} in the file",
                lines.len()
            ));
        }
        if i > 0 && a.headings[i - 1].line >= h.line {
            return Err(format!("{at}: out of order"));
        }
        if let Some(p) = a
            .passages
            .iter()
            .find(|p| (p.line_start..=p.line_end).contains(&h.line))
        {
            return Err(format!("{at}: inside passage {}", p.number));
        }
    }
    for pair in a.passages.windows(2) {
        let (p, q) = (&pair[0], &pair[1]);
        if q.line_start < p.line_end {
            return Err(format!(
                "passages {} (lines {}..={}) and {} (lines {}..={}) overlap",
                p.number, p.line_start, p.line_end, q.number, q.line_start, q.line_end
            ));
        }
        if q.line_start == p.line_end {
            // Only the pieces of one over-long block share a line, each holding a
            // different part of it.
            let line = lines[p.line_end as usize - 1];
            let tail = p.text.rsplit('\n').next().unwrap_or_default();
            let head = q.text.split('\n').next().unwrap_or_default();
            if p.kind != q.kind || p.section != q.section || tail.len() + head.len() > line.len() {
                return Err(format!(
                    "passages {} and {} share line {} ({} bytes) with {} + {} bytes of it",
                    p.number,
                    q.number,
                    p.line_end,
                    line.len(),
                    tail.len(),
                    head.len()
                ));
            }
        }
    }
    Ok(())
}

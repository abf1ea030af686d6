//! Text output for people: one block per hit.
//!
//! ```text
//! seeds/000_21cba5c501be05a2.txt:15  passage 6 · score 7.31
//!   What led to Poland invoking NATO’s Article 4 and where could it lead? › What did the commentators say?
//!   The drone incursion into Polish airspace has “thrust NATO’s collective defense …
//! ```
//!
//! The first line is `path:line` (ready for `$EDITOR +line path`), the second the headline
//! and section, the third the snippet with matches highlighted. Colour only when asked
//! for by the resolved configuration. Every text that comes from an article or a file
//! name goes through [`escaped`] (or `highlighted`, which escapes as it styles), so
//! control characters in it are shown, not obeyed.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use super::escape::{self, escaped};
use crate::article::Why;
use crate::catalog::{ArticleView, Entry, Stats};
use crate::indexer::Report;
use crate::search::{ArticleHit, Explanation, Facet, Facets, Hit, Results};

struct Palette {
    path: Style,
    line: Style,
    dim: Style,
    title: Style,
    section: Style,
    matched: Style,
}

impl Palette {
    fn new(color: bool) -> Palette {
        if !color {
            let plain = Style::new();
            return Palette {
                path: plain,
                line: plain,
                dim: plain,
                title: plain,
                section: plain,
                matched: plain,
            };
        }
        Palette {
            path: Style::new().fg_color(Some(AnsiColor::Magenta.into())),
            line: Style::new().fg_color(Some(AnsiColor::Green.into())),
            dim: Style::new().dimmed(),
            title: Style::new().bold(),
            section: Style::new().fg_color(Some(AnsiColor::Cyan.into())),
            matched: Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        }
    }
}

/// Writes the hits of `results` as readable blocks separated by blank lines.
///
/// # Errors
/// On write errors (a closed pipe included).
pub fn results(out: &mut dyn Write, results: &Results, color: bool) -> io::Result<()> {
    let p = Palette::new(color);
    for (i, hit) in results.hits.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        hit_block(out, hit, &p)?;
        if let Some(explanation) = &hit.explanation {
            explanation_tree(out, explanation, 1, &p)?;
        }
    }
    if let Some(articles) = &results.articles {
        for (i, article) in articles.iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            article_block(out, article, &p)?;
        }
    }
    if let Some(facets) = &results.facets {
        if results.found() {
            writeln!(out)?;
        }
        facet_tables(out, facets, &p)?;
    }
    Ok(())
}

/// One article of the article view: where it is, how much of it matched, its headline,
/// then its best passages in article order.
fn article_block(out: &mut dyn Write, article: &ArticleHit, p: &Palette) -> io::Result<()> {
    let (path, dim, line) = (p.path, p.dim, p.line);
    let shown = article.passages.len();
    let matched = if article.matching_passages > shown {
        format!("{shown} of {} matching passages", article.matching_passages)
    } else if article.matching_passages == 1 {
        "1 matching passage".to_string()
    } else {
        format!("{} matching passages", article.matching_passages)
    };
    writeln!(
        out,
        "{path}{}{path:#}  {dim}{matched} · score {:.2}{dim:#}",
        escaped(&article.path),
        article.score
    )?;
    write!(out, "  ")?;
    highlighted(out, &article.title, &article.title_highlights, p.title, p)?;
    writeln!(out)?;
    for hit in &article.passages {
        write!(
            out,
            "  {line}#{}{line:#} {dim}line {}",
            hit.passage, hit.line_start
        )?;
        if hit.headline_only {
            write!(out, " · headline match")?;
        }
        write!(out, "{dim:#}")?;
        if let Some(section) = &hit.section {
            write!(out, " {dim}›{dim:#} ")?;
            highlighted(out, section, &hit.section_highlights, p.section, p)?;
        }
        writeln!(out)?;
        write!(out, "    ")?;
        highlighted(out, &hit.snippet, &hit.highlights, Style::new(), p)?;
        writeln!(out)?;
        if let Some(explanation) = &hit.explanation {
            explanation_tree(out, explanation, 2, p)?;
        }
    }
    Ok(())
}

/// An explanation as an indented tree: each line a value and what it is.
fn explanation_tree(
    out: &mut dyn Write,
    explanation: &Explanation,
    depth: usize,
    p: &Palette,
) -> io::Result<()> {
    let dim = p.dim;
    writeln!(
        out,
        "{}{dim}{:>9.4}{dim:#}  {}",
        "  ".repeat(depth),
        explanation.value,
        escaped(&explanation.description)
    )?;
    for detail in &explanation.details {
        explanation_tree(out, detail, depth + 1, p)?;
    }
    Ok(())
}

/// Counts under each facet value, most articles first; months and years as a timeline
/// of bars.
fn facet_tables(out: &mut dyn Write, facets: &Facets, p: &Palette) -> io::Result<()> {
    const BAR: usize = 40;
    let dim = p.dim;
    for (i, (facet, counts)) in facets.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let width = counts
            .iter()
            .map(|c| escaped(&c.value).chars().count())
            .max()
            .unwrap_or(0)
            .clamp(8, 40);
        writeln!(
            out,
            "{dim}{:<width$}  articles  passages{dim:#}",
            facet.as_str()
        )?;
        if counts.is_empty() {
            writeln!(out, "  {dim}(no matching article has one){dim:#}")?;
            continue;
        }
        let timeline = matches!(facet, Facet::Year | Facet::Month);
        let most = counts.iter().map(|c| c.articles).max().unwrap_or(1).max(1);
        for c in counts {
            let value: String = escaped(&c.value).chars().take(width).collect();
            write!(out, "{value:<width$}  {:>8}  {:>8}", c.articles, c.passages)?;
            if timeline {
                let len = (c.articles * BAR).div_ceil(most);
                write!(out, "  {}", "█".repeat(len))?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

/// `path:line:column:text` for each hit, as `rg --vimgrep` prints matches.
///
/// # Errors
/// On write errors.
pub fn vimgrep(out: &mut dyn Write, results: &Results) -> io::Result<()> {
    let hits = results
        .articles
        .iter()
        .flatten()
        .flat_map(|a| a.passages.iter())
        .chain(&results.hits);
    for hit in hits {
        let (line, column) = hit.first_match.unwrap_or((hit.line_start, 1));
        let offset = usize::try_from(line.saturating_sub(hit.line_start)).unwrap_or(0);
        let text = hit.text.lines().nth(offset).unwrap_or_default();
        writeln!(
            out,
            "{}:{line}:{column}:{}",
            escaped(&hit.path),
            escaped(text)
        )?;
    }
    Ok(())
}

/// The numbers of `count`: passages and articles, then the counts by facet.
///
/// # Errors
/// On write errors.
pub fn count(out: &mut dyn Write, results: &Results, color: bool) -> io::Result<()> {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(
        out,
        "{} in {}",
        plural(results.matched_passages, "passage", "passages"),
        plural(results.matched_articles, "article", "articles")
    )?;
    if let Some(facets) = &results.facets {
        writeln!(out)?;
        facet_tables(out, facets, &Palette::new(color))?;
    }
    Ok(())
}

fn hit_block(out: &mut dyn Write, hit: &Hit, p: &Palette) -> io::Result<()> {
    let (path, line, dim) = (p.path, p.line, p.dim);
    write!(
        out,
        "{path}{}{path:#}:{line}{}{line:#}",
        escaped(&hit.path),
        hit.line_start
    )?;
    let mut details = vec![format!("passage {}", hit.passage)];
    if hit.line_end > hit.line_start {
        details.push(format!("lines {}-{}", hit.line_start, hit.line_end));
    }
    details.push(format!("score {:.2}", hit.score));
    if hit.boilerplate {
        details.push("boilerplate".into());
    }
    if hit.headline_only {
        details.push("headline match".into());
    }
    writeln!(out, "  {dim}{}{dim:#}", details.join(" · "))?;
    write!(out, "  ")?;
    highlighted(out, &hit.title, &hit.title_highlights, p.title, p)?;
    if let Some(section) = &hit.section {
        write!(out, " {dim}›{dim:#} ")?;
        highlighted(out, section, &hit.section_highlights, p.section, p)?;
    }
    writeln!(out)?;
    write!(out, "  ")?;
    highlighted(out, &hit.snippet, &hit.highlights, Style::new(), p)?;
    writeln!(out)?;
    if !hit.also_in.is_empty() {
        // A wire story reprinted twenty times should not bury the next hit: name a few.
        const SHOWN: usize = 3;
        let others: Vec<_> = hit
            .also_in
            .iter()
            .take(SHOWN)
            .map(|s| escaped(&s.path))
            .collect();
        let more = hit.also_in.len().saturating_sub(SHOWN);
        let tail = if more > 0 {
            format!(" and {more} more (--json lists them)")
        } else {
            String::new()
        };
        writeln!(out, "  {dim}also in: {}{tail}{dim:#}", others.join(", "))?;
    }
    Ok(())
}

/// Writes `text` in `base` style with the character ranges `marks` in the match style.
fn highlighted(
    out: &mut dyn Write,
    text: &str,
    marks: &[[usize; 2]],
    base: Style,
    p: &Palette,
) -> io::Result<()> {
    let m = p.matched;
    let mut marks = marks.iter().peekable();
    let mut open = false;
    write!(out, "{base}")?;
    for (i, c) in text.chars().enumerate() {
        if open && marks.peek().is_some_and(|[_, end]| *end == i) {
            write!(out, "{m:#}{base}")?;
            open = false;
            marks.next();
        }
        if !open && marks.peek().is_some_and(|[start, _]| *start == i) {
            write!(out, "{base:#}{m}")?;
            open = true;
        }
        escape::write_char(out, c)?;
    }
    if open {
        write!(out, "{m:#}")?;
    }
    write!(out, "{base:#}")
}

/// What a person should know about thin results, one sentence each for stderr: words
/// that match nothing (with what the index has instead), and matches hidden as
/// boilerplate.
pub fn explanations(results: &Results) -> Vec<String> {
    let mut notes = Vec::new();
    for word in &results.unmatched {
        let suggestion = results
            .suggestions
            .iter()
            .find(|s| s.word == *word)
            .map(|s| {
                let words: Vec<String> = s.did_you_mean.iter().map(|w| format!("`{w}`")).collect();
                format!("; did you mean {}?", words.join(" or "))
            })
            .unwrap_or_default();
        notes.push(format!(
            "`{}` matches nothing in the index{suggestion}",
            crate::query::quoted(word)
        ));
    }
    if results.hidden_boilerplate > 0 {
        let n = results.hidden_boilerplate;
        notes.push(format!(
            "{n} more {} boilerplate (newsletter prompts, bios, credits, repeated paragraphs); --include-boilerplate shows {}",
            if n == 1 { "match is" } else { "matches are" },
            if n == 1 { "it" } else { "them" }
        ));
    }
    notes
}

/// A byte count for people: `512 B`, `48.2 kB`, `104.9 MB`, `1.2 GB`.
fn human_size(bytes: u64) -> String {
    let units = [("GB", 1e9), ("MB", 1e6), ("kB", 1e3)];
    for (unit, size) in units {
        if bytes as f64 >= size {
            return format!("{:.1} {unit}", bytes as f64 / size);
        }
    }
    format!("{bytes} B")
}

/// The one-line summary of an index run, for stderr.
pub fn report_summary(report: &Report, seeds_shown: &str) -> String {
    let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![format!(
        "{} added, {} updated, {} removed, {} unchanged",
        report.added, report.updated, report.removed, report.unchanged
    )];
    if report.skipped > 0 {
        parts.push(format!("{} skipped", report.skipped));
    }
    let totals = format!(
        "{}, {}, {}",
        plural(report.files, "file", "files"),
        plural(report.articles, "article", "articles"),
        plural(report.passages, "passage", "passages")
    );
    let warnings = report.warnings.len() as u64;
    let mut line = format!("{seeds_shown}: {} · {totals}", parts.join(", "));
    if warnings > 0 {
        line.push_str(&format!(" · {}", plural(warnings, "warning", "warnings")));
    }
    line.push_str(&format!(" · {:.2} s", report.elapsed.as_secs_f64()));
    if !report.committed {
        line.push_str(" (index already up to date)");
    }
    line
}

/// One line per saved search with new matches: `poland-drones: 2 new passages in
/// world/2025-09-12-tusk (and 3 more articles)`.
pub fn alerts(report: &Report) -> Vec<String> {
    report
        .alerts
        .iter()
        .map(|alert| {
            let plural = if alert.passages == 1 { "" } else { "s" };
            let named: Vec<&str> = alert
                .articles
                .iter()
                .take(3)
                .map(|(doc_id, _, _)| doc_id.as_str())
                .collect();
            let more = alert.articles.len().saturating_sub(named.len());
            let tail = if more > 0 {
                format!(
                    " and {more} more article{}",
                    if more == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            format!(
                "{}: {} new passage{plural} in {}{tail}",
                alert.search,
                alert.passages,
                named.join(", ")
            )
        })
        .collect()
}

/// Writes the article list: doc_id, passages and title, one article per line.
///
/// # Errors
/// On write errors.
pub fn article_list(out: &mut dyn Write, articles: &[Entry], color: bool) -> io::Result<()> {
    let p = Palette::new(color);
    let width = articles
        .iter()
        .map(|a| escaped(&a.doc_id).chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for a in articles {
        let (path, dim) = (p.path, p.dim);
        let doc_id = escaped(&a.doc_id);
        let pad = width.saturating_sub(doc_id.chars().count());
        write!(out, "{path}{doc_id}{path:#}{}  ", " ".repeat(pad))?;
        write!(
            out,
            "{dim}{:>4} passages{dim:#}  {}",
            a.passages,
            escaped(&a.title)
        )?;
        if !a.same_as.is_empty() {
            let same: Vec<_> = a.same_as.iter().map(|id| escaped(id)).collect();
            write!(out, "  {dim}(same as {}){dim:#}", same.join(", "))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Writes one article passage by passage.
///
/// # Errors
/// On write errors.
pub fn article_view(out: &mut dyn Write, view: &ArticleView, color: bool) -> io::Result<()> {
    let focus = view.focus;
    let p = Palette::new(color);
    let (title, dim, path, line, section) = (p.title, p.dim, p.path, p.line, p.section);
    writeln!(out, "{title}{}{title:#}", escaped(&view.title))?;
    writeln!(
        out,
        "{path}{}{path:#}  {dim}doc_id {} · {} passages{dim:#}",
        escaped(&view.path),
        escaped(&view.doc_id),
        view.total_passages
    )?;
    for (key, value) in &view.metadata {
        writeln!(out, "{dim}{}:{dim:#} {}", escaped(key), escaped(value))?;
    }
    if !view.also_in.is_empty() {
        let others: Vec<_> = view.also_in.iter().map(|f| escaped(&f.path)).collect();
        writeln!(out, "{dim}same content in: {}{dim:#}", others.join(", "))?;
    }
    let mut last_section: Option<&str> = None;
    for passage in &view.passages {
        writeln!(out)?;
        if passage.section.as_deref() != last_section {
            if let Some(name) = &passage.section {
                writeln!(out, "{section}§ {}{section:#}", escaped(name))?;
            }
            last_section = passage.section.as_deref();
        }
        let marker = if focus == Some(passage.passage) {
            "▶ "
        } else {
            ""
        };
        let lines = if passage.line_end > passage.line_start {
            format!("lines {}-{}", passage.line_start, passage.line_end)
        } else {
            format!("line {}", passage.line_start)
        };
        write!(
            out,
            "{marker}{line}#{}{line:#} {dim}{lines}{dim:#}",
            passage.passage
        )?;
        match passage.boilerplate {
            Some(Why::Marked) => write!(
                out,
                "  {dim}boilerplate (promo, button, link or credit){dim:#}"
            )?,
            Some(Why::Repeated) => write!(
                out,
                "  {dim}boilerplate (repeated in unrelated articles){dim:#}"
            )?,
            None => {}
        }
        writeln!(out)?;
        for text_line in passage.text.lines() {
            writeln!(out, "  {}", escaped(text_line))?;
        }
    }
    Ok(())
}

/// Writes the index figures, one per line.
///
/// # Errors
/// On write errors.
pub fn stats(out: &mut dyn Write, s: &Stats) -> io::Result<()> {
    let rows: [(&str, String); 10] = [
        (
            "seeds folder",
            escaped(&s.seeds.display().to_string()).into(),
        ),
        (
            "index folder",
            escaped(&s.index.display().to_string()).into(),
        ),
        ("files", s.files.to_string()),
        ("articles", format!("{} (distinct contents)", s.articles)),
        ("passages", s.passages.to_string()),
        (
            "repeated paragraphs",
            format!("{} (treated as boilerplate)", s.repeated_paragraphs),
        ),
        ("distinct terms", s.distinct_terms.to_string()),
        ("segments", s.segments.to_string()),
        ("size on disk", human_size(s.size_bytes)),
        (
            "last update",
            s.last_update.clone().unwrap_or_else(|| "never".into()),
        ),
    ];
    for (label, value) in rows {
        writeln!(out, "{label:<20}{value}")?;
    }
    writeln!(out, "{:<20}{}", "index format", s.format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(48_213), "48.2 kB");
        assert_eq!(human_size(104_854_716), "104.9 MB");
    }

    #[test]
    fn highlights_wrap_the_marked_characters() {
        let p = Palette::new(true);
        let mut out = Vec::new();
        highlighted(&mut out, "añb drone", &[[4, 9]], Style::new(), &p).unwrap();
        let s = String::from_utf8(out).unwrap();
        let m = p.matched;
        assert!(s.contains(&format!("{m}drone{m:#}")), "{s:?}");
        let mut plain = Vec::new();
        highlighted(
            &mut plain,
            "añb drone",
            &[[4, 9]],
            Style::new(),
            &Palette::new(false),
        )
        .unwrap();
        assert_eq!(String::from_utf8(plain).unwrap(), "añb drone");
    }
}

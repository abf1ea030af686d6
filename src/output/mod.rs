//! The one output surface: everything written to stdout, and the shape of every message on
//! stderr.
//!
//! Library code computes values and returns them; commands hand them to a [`Ui`], which
//! prints them as text for people ([`text`]) or JSON for scripts ([`json`]) with the
//! colour and quietness resolved once in [`Config`]. Nothing else in the crate writes to
//! stdout or stderr. I/O errors (a closed pipe included) are returned, never unwrapped.
//! Messages on stderr quote file names and queries, so they are [`escape`]d like text
//! output: a name cannot drive the terminal.

pub mod escape;
pub mod json;
pub mod progress;
pub mod text;

use std::io::{self, BufWriter, Write};

use anstyle::{AnsiColor, Style};

use crate::catalog::{ArticleView, Entry, Stats};
pub use crate::cli::Format;
use crate::collection::{AddReport, RemoveReport};
use crate::config::Config;
use crate::indexer::Report;
use crate::search::Results;
use crate::store::Soundness;

/// Prefix of every line seedsearch writes on stderr.
pub const PREFIX: &str = "seedsearch: ";

/// A value that can be printed in every output format.
pub trait View {
    /// Readable text for a terminal (nothing, for reports whose summary goes to stderr).
    ///
    /// # Errors
    /// On write errors.
    fn text(&self, out: &mut dyn Write, color: bool) -> io::Result<()>;

    /// One JSON document and a newline.
    ///
    /// # Errors
    /// On write errors.
    fn json(&self, out: &mut dyn Write) -> io::Result<()>;

    /// JSON Lines: one object per item and line. Defaults to the single document, which is
    /// one line already.
    ///
    /// # Errors
    /// On write errors.
    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        self.json(out)
    }
}

/// Where and how to print, resolved from the configuration.
#[derive(Debug, Clone)]
pub struct Ui {
    stdout_color: bool,
    stderr_color: bool,
    stdout_is_terminal: bool,
    quiet: bool,
    progress: bool,
}

impl Ui {
    pub fn new(config: &Config) -> Ui {
        Ui {
            stdout_color: config.color,
            stderr_color: config.stderr_color,
            stdout_is_terminal: config.stdout_is_terminal,
            quiet: config.quiet,
            progress: config.progress,
        }
    }

    /// Whether a person is reading stdout (footers and counts are for them only).
    pub fn stdout_is_terminal(&self) -> bool {
        self.stdout_is_terminal
    }

    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Prints `value` on stdout in `format`, buffered and flushed.
    ///
    /// # Errors
    /// On write errors (a closed pipe included).
    pub fn emit(&self, format: Format, value: &dyn View) -> io::Result<()> {
        let mut out = BufWriter::new(io::stdout().lock());
        match format {
            Format::Text => value.text(&mut out, self.stdout_color)?,
            Format::Json => value.json(&mut out)?,
            Format::Jsonl => value.jsonl(&mut out)?,
        }
        out.flush()
    }

    /// Stdout for streamed output such as `--batch`, where a reader waits for each line.
    pub fn stream(&self) -> Stream {
        Stream(io::stdout().lock())
    }

    /// A note on stderr (progress, summaries), unless quiet: `seedsearch: MESSAGE`.
    pub fn note(&self, message: &str) {
        if !self.quiet {
            let _ = writeln!(io::stderr().lock(), "{PREFIX}{}", escape::escaped(message));
        }
    }

    /// A warning on stderr, quiet or not: `seedsearch: warning: MESSAGE`.
    pub fn warn(&self, message: &str) {
        let style = self.stderr_style(AnsiColor::Yellow);
        let _ = writeln!(
            io::stderr().lock(),
            "{PREFIX}{style}warning{style:#}: {}",
            escape::escaped(message)
        );
    }

    /// An error on stderr, with its whole cause chain: `seedsearch: error: MESSAGE`.
    pub fn error(&self, err: &anyhow::Error) {
        let style = self.stderr_style(AnsiColor::Red);
        let _ = writeln!(
            io::stderr().lock(),
            "{PREFIX}{style}error{style:#}: {}",
            escape::escaped(&format!("{err:#}"))
        );
    }

    /// A line on stderr a user needs even when quiet (where a server listens):
    /// `seedsearch: MESSAGE`.
    pub fn announce(&self, message: &str) {
        let _ = writeln!(io::stderr().lock(), "{PREFIX}{}", escape::escaped(message));
    }

    /// The last word of an interrupted run.
    pub fn interrupted(&self, err: &anyhow::Error) {
        let _ = writeln!(
            io::stderr().lock(),
            "{PREFIX}{}",
            escape::escaped(&err.to_string())
        );
    }

    /// A progress bar on stderr for long updates (drawn only on a terminal, and only once
    /// a run has taken more than a moment).
    pub fn progress(&self) -> progress::Bar {
        progress::Bar::new(self.progress)
    }

    fn stderr_style(&self, color: AnsiColor) -> Style {
        if self.stderr_color {
            Style::new().fg_color(Some(color.into())).bold()
        } else {
            Style::new()
        }
    }
}

/// Stdout, written a line at a time.
pub struct Stream(io::StdoutLock<'static>);

impl Stream {
    /// Writes one line and flushes it at once.
    ///
    /// # Errors
    /// On write errors (a closed pipe included).
    pub fn line(&mut self, line: &str) -> io::Result<()> {
        self.0.write_all(line.as_bytes())?;
        self.0.write_all(b"\n")?;
        self.0.flush()
    }
}

/// Search results as `rg --vimgrep` lines (text output only).
pub struct Vimgrep<'a>(pub &'a Results);

impl View for Vimgrep<'_> {
    fn text(&self, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        text::vimgrep(out, self.0)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        self.0.json(out)
    }
}

/// The numbers of `count` (the JSON is the search document without hits).
pub struct Counted<'a>(pub &'a Results);

impl View for Counted<'_> {
    fn text(&self, out: &mut dyn Write, color: bool) -> io::Result<()> {
        text::count(out, self.0, color)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(out, &json::CountJson::from(self.0))
    }
}

/// Text made elsewhere (a completion script), printed as it is.
pub struct Script(pub Vec<u8>);

impl View for Script {
    fn text(&self, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        out.write_all(&self.0)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.0)
    }
}

impl View for Results {
    fn text(&self, out: &mut dyn Write, color: bool) -> io::Result<()> {
        text::results(out, self, color)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(out, &json::ResultsJson::from(self))
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        for hit in &self.hits {
            json::line(out, &json::HitJson::line(hit))?;
        }
        Ok(())
    }
}

impl View for Vec<Entry> {
    fn text(&self, out: &mut dyn Write, color: bool) -> io::Result<()> {
        text::article_list(out, self, color)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(
            out,
            &json::ListJson {
                version: json::VERSION,
                articles: self.iter().map(json::EntryJson::from).collect(),
            },
        )
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        for entry in self {
            let line = json::EntryJson {
                version: Some(json::VERSION),
                ..json::EntryJson::from(entry)
            };
            json::line(out, &line)?;
        }
        Ok(())
    }
}

impl View for ArticleView {
    fn text(&self, out: &mut dyn Write, color: bool) -> io::Result<()> {
        text::article_view(out, self, color)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(out, &json::ArticleJson::from(self))
    }

    fn jsonl(&self, out: &mut dyn Write) -> io::Result<()> {
        for passage in &self.passages {
            let line = json::PassageJson {
                version: Some(json::VERSION),
                ..json::PassageJson::from(passage)
            };
            json::line(out, &line)?;
        }
        Ok(())
    }
}

impl View for Stats {
    fn text(&self, out: &mut dyn Write, _color: bool) -> io::Result<()> {
        text::stats(out, self)
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(out, &json::StatsJson::from(self))
    }
}

/// A verified index: the sentence goes to stderr (it is a note); stdout has the JSON only.
impl View for Soundness {
    fn text(&self, _out: &mut dyn Write, _color: bool) -> io::Result<()> {
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(out, &json::SoundnessJson::from(self))
    }
}

/// Sync reports: their summary goes to stderr ([`progress::Reporter`]); stdout has the
/// JSON only.
impl View for Report {
    fn text(&self, _out: &mut dyn Write, _color: bool) -> io::Result<()> {
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        let report = json::ReportJson {
            version: Some(json::VERSION),
            ..json::ReportJson::from(self)
        };
        json::line(out, &report)
    }
}

/// The server's status: JSON only (the API's).
impl View for crate::serve::Status {
    fn text(&self, _out: &mut dyn Write, _color: bool) -> io::Result<()> {
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(out, &json::StatusJson::from(self))
    }
}

impl View for AddReport {
    fn text(&self, _out: &mut dyn Write, _color: bool) -> io::Result<()> {
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(out, &json::AddJson::from(self))
    }
}

impl View for RemoveReport {
    fn text(&self, _out: &mut dyn Write, _color: bool) -> io::Result<()> {
        Ok(())
    }

    fn json(&self, out: &mut dyn Write) -> io::Result<()> {
        json::line(out, &json::RemoveJson::from(self))
    }
}

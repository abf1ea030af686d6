//! Everything that writes to stdout, and the shape of messages on stderr.
//!
//! [`text`] prints for people, [`json`] for scripts; both take results already computed
//! and a resolved colour choice, and return I/O errors (a closed pipe included) to the
//! caller rather than panicking.

pub mod json;
pub mod text;

use std::io::Write;

use anstyle::{AnsiColor, Style};

/// Prints a warning on stderr: `seedsearch: warning: MESSAGE`.
pub fn warn(message: &str, color: bool) {
    let style = if color {
        Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold()
    } else {
        Style::new()
    };
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "seedsearch: {style}warning{style:#}: {message}");
}

/// Prints a note (progress, summaries) on stderr: `seedsearch: MESSAGE`.
pub fn note(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "seedsearch: {message}");
}

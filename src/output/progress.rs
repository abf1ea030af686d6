//! What the user sees on stderr while the library works: the progress bar of long updates,
//! notes, warnings and sync summaries.

use std::time::{Duration, Instant};

use super::{text, Ui};
use crate::collection::{self, Paths};
use crate::indexer::{Progress, Report};

/// A progress bar shown only on a terminal, and only once a run has taken more than a
/// moment (a quick sync draws nothing).
pub struct Bar {
    enabled: bool,
    started: Instant,
    bar: indicatif::ProgressBar,
}

impl Bar {
    const DELAY: Duration = Duration::from_millis(400);

    pub(crate) fn new(enabled: bool) -> Bar {
        let bar = indicatif::ProgressBar::hidden();
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "seedsearch: indexing {bar:30} {pos}/{len} articles ({eta} left)",
        ) {
            bar.set_style(style);
        }
        Bar {
            enabled,
            started: Instant::now(),
            bar,
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        self.bar.set_length(total);
    }

    fn advance(&self) {
        self.bar.inc(1);
        if self.enabled && self.bar.is_hidden() && self.started.elapsed() > Self::DELAY {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// What a command tells the user while the library works: notes and warnings on stderr,
/// the progress bar, and each sync's warnings and summary line.
pub struct Reporter {
    ui: Ui,
    bar: Bar,
}

impl Reporter {
    pub fn new(ui: &Ui) -> Reporter {
        Reporter {
            ui: ui.clone(),
            bar: ui.progress(),
        }
    }
}

impl Progress for Reporter {
    fn start(&self, total: u64) {
        self.bar.start(total);
    }

    fn advance(&self) {
        self.bar.advance();
    }

    fn finish(&self) {
        self.bar.finish();
    }
}

impl collection::Reporter for Reporter {
    fn note(&self, message: &str) {
        self.ui.note(message);
    }

    fn warn(&self, message: &str) {
        self.ui.warn(message);
    }

    fn synced(&self, report: &Report, paths: &Paths) {
        for warning in &report.warnings {
            self.ui.warn(&warning.to_string());
        }
        if let Some(previous) = &report.previous_seeds {
            self.ui.warn(&format!(
                "the index was built from {}; it now follows {}",
                crate::paths::display_path(previous),
                crate::paths::display_path(&paths.seeds)
            ));
        }
        self.ui.note(&text::report_summary(
            report,
            &crate::paths::display_path(&paths.seeds),
        ));
        for line in text::alerts(report) {
            self.ui.note(&line);
        }
    }
}

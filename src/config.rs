//! What the user typed, resolved once into what the program uses: folders, colour and
//! whether to show progress. Deeper code reads only [`Config`].

use std::io::IsTerminal;

use crate::cli::{ColorWhen, GlobalArgs};
use crate::collection::Paths;

/// Settings shared by every command.
#[derive(Debug, Clone)]
pub struct Config {
    /// The seeds folder (as given and resolved) and the index folder.
    pub paths: Paths,
    /// Colour on stdout.
    pub color: bool,
    /// Colour on stderr (for warnings and errors).
    pub stderr_color: bool,
    /// Whether stdout is a terminal (a person is reading).
    pub stdout_is_terminal: bool,
    /// Progress bars and summaries on stderr.
    pub progress: bool,
    pub quiet: bool,
}

impl Config {
    /// Resolves the global options against the environment.
    pub fn from_args(args: &GlobalArgs) -> Config {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        Config {
            paths: Paths::new(&args.seeds, &args.index),
            color: use_color(args.color, stdout_tty, &env),
            stderr_color: use_color(args.color, stderr_tty, &env),
            stdout_is_terminal: stdout_tty,
            progress: stderr_tty && !args.quiet,
            quiet: args.quiet,
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Whether to colour a stream: `always` and `never` win; `auto` colours a terminal unless
/// `NO_COLOR` is set (to anything non-empty) or `TERM=dumb`; `CLICOLOR_FORCE` forces it.
pub fn use_color(when: ColorWhen, is_terminal: bool, env: &dyn Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty() && v != "0");
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            if set("NO_COLOR") {
                false
            } else if set("CLICOLOR_FORCE") {
                true
            } else {
                is_terminal && env("TERM").as_deref() != Some("dumb")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn auto_colours_terminals_only() {
        assert!(use_color(ColorWhen::Auto, true, &with(&[])));
        assert!(!use_color(ColorWhen::Auto, false, &with(&[])));
    }

    #[test]
    fn no_color_and_dumb_terminals_turn_auto_off() {
        assert!(!use_color(
            ColorWhen::Auto,
            true,
            &with(&[("NO_COLOR", "1")])
        ));
        assert!(!use_color(
            ColorWhen::Auto,
            true,
            &with(&[("TERM", "dumb")])
        ));
        // An empty NO_COLOR does not count (no-color.org).
        assert!(use_color(ColorWhen::Auto, true, &with(&[("NO_COLOR", "")])));
    }

    #[test]
    fn flags_win_over_the_environment() {
        assert!(use_color(
            ColorWhen::Always,
            false,
            &with(&[("NO_COLOR", "1")])
        ));
        assert!(!use_color(
            ColorWhen::Never,
            true,
            &with(&[("CLICOLOR_FORCE", "1")])
        ));
        assert!(use_color(
            ColorWhen::Auto,
            false,
            &with(&[("CLICOLOR_FORCE", "1")])
        ));
    }
}

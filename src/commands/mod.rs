//! One file per subcommand: each turns its arguments into one library call and hands the
//! result to the [`Ui`]. Nothing below this module knows the command line.

pub mod add;
pub mod completions;
pub mod count;
pub mod index;
pub mod list;
pub mod man;
pub mod mcp;
pub mod remove;
pub mod saved;
pub mod search;
pub mod serve;
pub mod show;
pub mod similar;
pub mod stats;
pub mod watch;

use crate::collection::Paths;
use crate::config::Config;
use crate::interrupt::Cancel;
use crate::output::progress::Reporter;
use crate::output::Ui;

/// What every command runs with.
pub struct Ctx<'a> {
    pub config: &'a Config,
    pub ui: &'a Ui,
    pub cancel: &'a Cancel,
}

impl Ctx<'_> {
    pub fn paths(&self) -> &Paths {
        &self.config.paths
    }

    /// Tells the user on stderr what the library does.
    pub fn reporter(&self) -> Reporter {
        Reporter::new(self.ui)
    }
}

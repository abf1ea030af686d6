//! Command-line types (clap derive) and nothing else: what the user typed, before it is
//! resolved into a [`crate::config::Config`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Default folder of articles, relative to the current directory.
pub const DEFAULT_SEEDS: &str = "seeds";
/// Default index folder, relative to the current directory.
pub const DEFAULT_INDEX: &str = "index";

const AFTER_HELP: &str = "\
Examples:
  seedsearch search drone incursion            ranked passages about drone incursions
  seedsearch search '\"Article 4\" -Belarus'     a phrase, without passages that name Belarus
  seedsearch search 'title:poland AND drone*'   title words and a prefix
  seedsearch search --json nato | jq '.hits[].path'
  seedsearch index                             pick up added, changed and deleted articles
  seedsearch --seeds ~/news --index ~/.cache/news-index search ceasefire

Exit status: 0 when something was found (or a command succeeded), 1 when nothing was
found, 2 on an error.";

/// Search your news articles, one paragraph at a time.
///
/// seedsearch splits every article in a folder (`seeds/` by default) into passages,
/// indexes them (in `index/`), and answers ranked keyword queries with the file, lines,
/// headline and section of each matching passage.
#[derive(Debug, Parser)]
#[command(name = "seedsearch", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Folder of articles (*.txt and *.md, subfolders included).
    #[arg(long, global = true, value_name = "DIR", env = "SEEDSEARCH_SEEDS", default_value = DEFAULT_SEEDS)]
    pub seeds: PathBuf,

    /// Folder of the index (created when missing; never a folder holding other files).
    #[arg(long, global = true, value_name = "DIR", env = "SEEDSEARCH_INDEX", default_value = DEFAULT_INDEX)]
    pub index: PathBuf,

    /// When to colour output: `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,

    /// Print no progress or summaries on stderr (warnings and errors still appear).
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the articles; builds the index first when there is none.
    #[command(after_help = QUERY_HELP)]
    Search(SearchArgs),
    /// Bring the index in line with the seeds folder (add, update, remove articles).
    Index(IndexArgs),
}

const QUERY_HELP: &str = "\
Query language:
  drone incursion        passages with either word; more matches rank higher
  \"drone incursion\"      the exact phrase (straight or curly quotes)
  +drone -belarus        require / exclude a word
  drone AND poland       both words required; OR is the default; NOT excludes
  (drone OR missile) AND poland
  dron*                  words starting with `dron`
  title:poland  section:\"what next\"  text:warsaw  doc:politics/001  doc:politics/*
  drone^3 poland         weigh a word more
Words are matched after stemming and folding: `drone` finds `drones`, `Gdansk` finds
`Gdańsk`. Boilerplate (newsletter prompts, buttons, image credits) is left out unless
--include-boilerplate is given.";

/// Arguments of `seedsearch search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query; several words are joined with spaces.
    #[arg(required = true, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Vec<String>,

    /// Most passages to return.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub limit: u64,

    /// Skip this many passages first (for paging).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,

    /// Output format.
    #[arg(short, long, value_name = "FORMAT", default_value = "text")]
    pub format: Format,

    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    /// Also return boilerplate passages (newsletter prompts, buttons, image credits).
    #[arg(long)]
    pub include_boilerplate: bool,

    /// Do not update the index first, even if files were added to the seeds folder.
    #[arg(long)]
    pub no_sync: bool,
}

/// Arguments of `seedsearch index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Re-read and re-index every article instead of only what changed.
    #[arg(long)]
    pub rebuild: bool,

    /// If another seedsearch is updating the index, wait for it instead of failing.
    #[arg(long)]
    pub wait: bool,

    /// Format of the report (`json` prints it on stdout).
    #[arg(short, long, value_name = "FORMAT", default_value = "text")]
    pub format: ReportFormat,
}

/// How search results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable blocks with highlighted snippets.
    Text,
    /// One JSON object: {"query", "total_hits", "hits": [...]}.
    Json,
    /// One JSON object per hit, one per line.
    Jsonl,
}

/// How the indexing report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A summary line on stderr.
    Text,
    /// A JSON object on stdout.
    Json,
}

/// The `--color` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }
}

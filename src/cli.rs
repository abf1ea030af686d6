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
  seedsearch search -n 3 -- -belarus drone      a query that starts with `-` goes after --
  seedsearch search 'title:poland AND drone*'   title words and a prefix
  seedsearch search --json nato | jq '.hits[].path'
  seedsearch search --batch queries.txt > answers.jsonl
  seedsearch index                             pick up added, changed and deleted articles
  seedsearch add ~/Downloads/story.txt         copy an article in and index it
  seedsearch show politics/001:4               a passage with its neighbours
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
    /// Folder of articles (*.txt and *.md, subfolders included; a .seedsearchignore file
    /// lists what to leave out, one gitignore pattern per line).
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
    /// Copy articles into the seeds folder and index them.
    #[command(after_help = ADD_HELP)]
    Add(AddArgs),
    /// Delete articles from the seeds folder and the index.
    Remove(RemoveArgs),
    /// List the indexed articles.
    List(ListArgs),
    /// Show an article as the index sees it: every passage, its section, lines and kind.
    #[command(after_help = SHOW_HELP)]
    Show(ShowArgs),
    /// Print figures about the index.
    Stats(StatsArgs),
    /// Print a shell completion script (e.g. `seedsearch completions bash > ~/.local/share/bash-completion/completions/seedsearch`).
    Completions(CompletionsArgs),
}

const ADD_HELP: &str = "\
Examples:
  seedsearch add ~/Downloads/story.txt            copy one article into seeds/ and index it
  seedsearch add ~/clippings --to archive         copy a folder's articles into seeds/archive/
  pbpaste | seedsearch add - --name ceasefire.md  read one article from stdin

A file whose content is already in the seeds folder is not copied again. A different file
whose name is taken is refused (nothing is overwritten) unless --force is given.";

const SHOW_HELP: &str = "\
Examples:
  seedsearch show politics/001       every passage of the article
  seedsearch show politics/001:4     passage 4 with one passage of context on each side";

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
Filters (restrict without changing the ranking; several values of one field are
alternatives, different fields must all hold):
  collection:sport       articles in the seeds subfolder `sport`
  author:schwartz  source:\"the week\"           front-matter metadata
  date:2025-09-11  date:>=2025-09-01  date:[2025-09-01 TO 2025-09-30]
Words are matched after stemming and folding: `drone` finds `drones`, `Gdansk` finds
`Gdańsk`. Boilerplate (newsletter prompts, buttons, image credits) is left out unless
--include-boilerplate is given.";

/// Arguments of `seedsearch search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query; several words are joined with spaces. Quote it to keep the shell away
    /// from quotes and parentheses; put it after `--` if it starts with `-`.
    #[arg(required_unless_present = "batch", value_name = "QUERY")]
    pub query: Vec<String>,

    /// Run one query per line of FILE (`-` for stdin) and print one JSON object per line.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub batch: Option<PathBuf>,

    /// Most passages to return.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub limit: u64,

    /// Skip this many passages first (for paging).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,

    /// At most N passages per article.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub per_doc: Option<u64>,

    /// Order of the results.
    #[arg(long, value_name = "ORDER", default_value = "score")]
    pub sort: SortOrder,

    /// Show a paragraph found in several articles once per article instead of once.
    #[arg(long)]
    pub no_collapse: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Also return boilerplate passages (newsletter prompts, buttons, image credits,
    /// paragraphs repeated across unrelated articles).
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

    /// Treat a paragraph found in at least N otherwise unrelated articles as boilerplate
    /// (default 3; 0 turns the rule off). Remembered by the index.
    #[arg(long, value_name = "N")]
    pub boilerplate_repeats: Option<u32>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `seedsearch add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Files or folders to copy (folders: their *.txt and *.md files); `-` reads stdin.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Copy into this subfolder of the seeds folder.
    #[arg(long, value_name = "NAME")]
    pub to: Option<PathBuf>,

    /// File name for the article read from stdin (`.txt` is added if it has no extension).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Overwrite a different file that has the same name.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `seedsearch remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// doc_ids of the articles to remove (as `seedsearch list` shows them).
    #[arg(required = true, value_name = "DOC_ID")]
    pub doc_ids: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `seedsearch list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only articles whose doc_id starts with this (e.g. a subfolder: `sport/`).
    #[arg(value_name = "PREFIX")]
    pub prefix: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `seedsearch show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article's doc_id, or DOC_ID:N for passage N and its neighbours.
    #[arg(value_name = "DOC_ID[:N]")]
    pub target: String,

    /// With DOC_ID:N, how many passages to show on each side.
    #[arg(short = 'C', long, value_name = "N", default_value_t = 1)]
    pub context: u32,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `seedsearch stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `seedsearch completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortOrder {
    /// Best match first.
    Score,
    /// Newest article first (front-matter `date`), then best match.
    Date,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text.
    Text,
    /// One JSON object.
    Json,
    /// One JSON object per item, one per line.
    Jsonl,
}

/// How a command prints its result, the same for every command.
#[derive(Debug, Clone, Copy, Args)]
pub struct OutputArgs {
    /// Output format: `text` for people (reports of index, add and remove go to stderr),
    /// `json` (one object) or `jsonl` (one object per line) for scripts [default: text;
    /// with search --batch, one JSON object per line].
    #[arg(short, long, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl OutputArgs {
    /// The format asked for (`text` when none was).
    pub fn format(&self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format.unwrap_or(Format::Text)
        }
    }
}

impl Format {
    /// Whether stdout gets JSON.
    pub fn is_json(self) -> bool {
        matches!(self, Format::Json | Format::Jsonl)
    }
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

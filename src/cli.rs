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
  seedsearch watch                             keep the index in step while files change
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
    #[command(after_help = INDEX_HELP)]
    Index(IndexArgs),
    /// Copy articles into the seeds folder and index them.
    #[command(after_help = ADD_HELP)]
    Add(AddArgs),
    /// Delete articles from the seeds folder and the index.
    #[command(after_help = REMOVE_HELP)]
    Remove(RemoveArgs),
    /// Keep the index in step with the seeds folder as files change, until Ctrl-C.
    #[command(after_help = WATCH_HELP)]
    Watch(WatchArgs),
    /// List the indexed articles.
    #[command(after_help = LIST_HELP)]
    List(ListArgs),
    /// Show an article as the index sees it: every passage, its section, lines and kind.
    #[command(after_help = SHOW_HELP)]
    Show(ShowArgs),
    /// Print figures about the index.
    #[command(after_help = STATS_HELP)]
    Stats(StatsArgs),
    /// Count matching passages and articles (and, with --facets, by value).
    #[command(after_help = COUNT_HELP)]
    Count(CountArgs),
    /// Passages and articles like a given passage or article (who else reported this).
    #[command(after_help = SIMILAR_HELP)]
    Similar(SimilarArgs),
    /// Serve a search page and a JSON API on this computer (http://127.0.0.1:7878/).
    #[command(after_help = SERVE_HELP)]
    Serve(ServeArgs),
    /// Serve the collection to AI agents: a Model Context Protocol server on stdin/stdout.
    #[command(after_help = MCP_HELP)]
    Mcp(McpArgs),
    /// Saved searches: name a search, run it, and hear of new matches at every sync.
    #[command(after_help = SAVED_HELP)]
    Saved(SavedArgs),
    /// Print a shell completion script (e.g. `seedsearch completions bash > ~/.local/share/bash-completion/completions/seedsearch`).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `seedsearch man > ~/.local/share/man/man1/seedsearch.1`.
    Man,
}

const INDEX_HELP: &str = "\
Examples:
  seedsearch index                          pick up added, changed and deleted articles
  seedsearch index --rebuild                start over (keeps saved searches)
  seedsearch index --check                  verify every file of the index, change nothing
  seedsearch index --wait --json            wait for another update, report as JSON";

const WATCH_HELP: &str = "\
Examples:
  seedsearch watch                          sync at the start, then after every burst of changes
  seedsearch watch --debounce 1000          wait for a second of quiet before each sync
  seedsearch watch --poll                   look every 2 s (a network folder changed elsewhere)
  seedsearch --seeds ~/news --index ~/news/.index watch &

One summary line per sync on stderr, as `index` prints it, with new matches of saved
searches. Each sync holds the update lock only while it runs, so `add`, `remove` and
`index` work meanwhile. Hidden files, editors' swap and temporary files, files that are not
*.txt or *.md and what .seedsearchignore files exclude never start a sync. A seeds folder
that disappears is waited for. Ctrl-C stops it (exit status 0) at a commit boundary: a
sync in progress is abandoned, and the index keeps its last commit.";

const REMOVE_HELP: &str = "\
Examples:
  seedsearch remove politics/001            by doc_id
  seedsearch remove seeds/politics/001.txt  by the path a search printed";

const LIST_HELP: &str = "\
Examples:
  seedsearch list                           every article: doc_id, passages, headline
  seedsearch list sport/ --json | jq -r '.articles[].path'";

const STATS_HELP: &str = "\
Examples:
  seedsearch stats
  seedsearch stats --json | jq .passages";

const COUNT_HELP: &str = "\
Examples:
  seedsearch count ceasefire                        matching passages and articles
  seedsearch count ceasefire --facets collection,month
  for q in drone missile ceasefire; do seedsearch count --json $q; done";

const SIMILAR_HELP: &str = "\
Examples:
  seedsearch similar world/2025-09-12-tusk:4        passages like passage 4
  seedsearch similar world/2025-09-12-tusk --articles   articles like the whole article
  seedsearch search --like world/2025-09-12-tusk:4 collection:politics";

const SERVE_HELP: &str = "\
Examples:
  seedsearch serve                            search page and API at http://127.0.0.1:7878/
  seedsearch serve --open                     and open it in the browser
  seedsearch serve --allow-writes             the page and API may also add and remove articles
  seedsearch serve --listen 127.0.0.1:0       on a free port (the URL is printed on stderr)
  curl -s 'http://127.0.0.1:7878/api/search?q=drone&limit=3' | jq '.hits[].path'

Only requests addressed to this server (Host) and made from its own page (Origin) are
answered. Ctrl-C stops it.";

const MCP_HELP: &str = "\
Examples:
  seedsearch mcp                               search, show, list, stats, count, similar
  seedsearch --seeds ~/news --index ~/news/.index mcp --allow-writes
                                               also add and remove

Register it with an MCP client as a command on stdio, e.g. in its JSON settings. Give
both folders as absolute paths: a client starts the server in a folder of its choosing,
where a relative `index` would be made.
  {\"mcpServers\": {\"news\": {\"command\": \"seedsearch\", \"args\":
    [\"--seeds\", \"/home/me/news\", \"--index\", \"/home/me/news/.index\", \"mcp\"]}}}

Messages are JSON-RPC, one per line; stdout carries only them, notes go to stderr. The
index is opened once and kept in step with the folder as a search keeps it. It stops
when the client closes stdin.";

const SAVED_HELP: &str = "\
Examples:
  seedsearch saved add poland-drones '\"drone incursion\" poland' --articles
  seedsearch saved list
  seedsearch saved run poland-drones --new           what it has not shown before
  seedsearch index                                  reports new matches of every saved search
  seedsearch saved remove poland-drones

Saved searches live in saved-searches.json beside the index (kept by --rebuild).";

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
Examples:
  seedsearch search drone incursion            ranked passages
  seedsearch search --articles ceasefire       which articles said it, each once
  seedsearch search --facets collection,month ceasefire
  seedsearch search --explain -n 1 ceasefire   how the score was made
  vim -q <(seedsearch search --vimgrep ceasefire)

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
    #[arg(required_unless_present_any = ["batch", "like"], value_name = "QUERY")]
    pub query: Vec<String>,

    /// Run one query per line of FILE (`-` for stdin) and print one JSON object per line.
    /// A line may also be a JSON object with the query and any search option:
    /// {"query": "...", "limit": 5, "articles": 3, "facets": ["month"]}.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    pub batch: Option<PathBuf>,

    /// Passages like passage N of an article (or like the whole article), leaving out the
    /// article and its copies; a query, if given, must match too.
    #[arg(long, value_name = "DOC_ID[:N]")]
    pub like: Option<String>,

    #[command(flatten)]
    pub options: SearchOptions,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Print `path:line:column:text` for each hit, as `rg --vimgrep` does (for `vim -q`
    /// and fzf).
    #[arg(long, conflicts_with_all = ["format", "json", "batch"])]
    pub vimgrep: bool,

    /// Do not update the index first, even if files were added to the seeds folder.
    #[arg(long)]
    pub no_sync: bool,
}

/// How a search is ranked, grouped and shown: shared by `search`, `similar` and saved
/// searches.
#[derive(Debug, Clone, Args)]
pub struct SearchOptions {
    /// Most results to return (passages, or articles with --articles).
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub limit: u64,

    /// Skip this many results first (for paging).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,

    /// At most N passages per article, kept together under the article's best one.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub per_doc: Option<u64>,

    /// One result per article, ranked by its best passage, with up to N of its matching
    /// passages in article order [N: 3].
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "3", value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub articles: Option<u64>,

    /// Also count matching articles and passages by collection, author, source, year or
    /// month (the timeline), comma-separated.
    #[arg(long, value_name = "FACETS", value_delimiter = ',')]
    pub facets: Vec<FacetName>,

    /// Show how each hit's score was made.
    #[arg(long)]
    pub explain: bool,

    /// Order of the results.
    #[arg(long, value_name = "ORDER", default_value = "score")]
    pub sort: SortOrder,

    /// Show a paragraph found in several articles once per article instead of once.
    #[arg(long)]
    pub no_collapse: bool,

    /// Also return boilerplate passages (newsletter prompts, buttons, image credits,
    /// paragraphs repeated across unrelated articles).
    #[arg(long)]
    pub include_boilerplate: bool,
}

/// What counts can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetName {
    Collection,
    Author,
    Source,
    Year,
    Month,
}

/// Arguments of `seedsearch count`.
#[derive(Debug, Args)]
pub struct CountArgs {
    /// The query, as for `search`.
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,

    /// Also count by collection, author, source, year or month, comma-separated.
    #[arg(long, value_name = "FACETS", value_delimiter = ',')]
    pub facets: Vec<FacetName>,

    /// Count boilerplate passages too.
    #[arg(long)]
    pub include_boilerplate: bool,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Do not update the index first.
    #[arg(long)]
    pub no_sync: bool,
}

/// Arguments of `seedsearch similar`.
#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The passage (DOC_ID:N) or article (DOC_ID, or the path a search printed) to find
    /// others like.
    #[arg(value_name = "DOC_ID[:N]")]
    pub target: String,

    #[command(flatten)]
    pub options: SearchOptions,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Do not update the index first.
    #[arg(long)]
    pub no_sync: bool,
}

/// Arguments of `seedsearch serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on; port 0 picks a free one. An address other than
    /// loopback (127.0.0.1, ::1) lets other computers in, with a warning.
    #[arg(long, value_name = "ADDR:PORT", default_value = DEFAULT_LISTEN)]
    pub listen: String,

    /// Open the page in the browser once the server listens.
    #[arg(long)]
    pub open: bool,

    /// Let the page and the API add articles (POST /api/articles) and remove them
    /// (DELETE /api/articles/DOC_ID), as `add` and `remove` do.
    #[arg(long)]
    pub allow_writes: bool,

    /// Do not watch the seeds folder for changes (the index is still re-read when
    /// another seedsearch process commits to it).
    #[arg(long)]
    pub no_watch: bool,
}

/// Arguments of `seedsearch mcp`.
#[derive(Debug, Args)]
pub struct McpArgs {
    /// Offer the `add` and `remove` tools, which change the seeds folder as `add` and
    /// `remove` do.
    #[arg(long)]
    pub allow_writes: bool,
}

/// Where `serve` listens unless told otherwise.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:7878";

/// Arguments of `seedsearch saved`.
#[derive(Debug, Args)]
pub struct SavedArgs {
    #[command(subcommand)]
    pub action: SavedAction,
}

/// What to do with saved searches.
#[derive(Debug, Subcommand)]
pub enum SavedAction {
    /// Save a search under a name (with its options); every later sync reports its new
    /// matching passages.
    Add {
        /// A name for the search (letters, digits, `-`, `_`, `.`).
        #[arg(value_name = "NAME")]
        name: String,
        /// The query, as for `search`.
        #[arg(required = true, value_name = "QUERY")]
        query: Vec<String>,
        #[command(flatten)]
        options: SearchOptions,
        /// Replace a saved search of that name.
        #[arg(long)]
        force: bool,
    },
    /// List the saved searches.
    List {
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Run a saved search; with --new, only passages it has not shown before.
    Run {
        #[arg(value_name = "NAME")]
        name: String,
        /// Only passages whose text entered the collection since this search last ran
        /// with --new (then remember this run).
        #[arg(long)]
        new: bool,
        #[command(flatten)]
        output: OutputArgs,
        /// Do not update the index first.
        #[arg(long)]
        no_sync: bool,
    },
    /// Forget a saved search.
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
    },
}

/// Arguments of `seedsearch index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Re-read and re-index every article instead of only what changed; repairs an index
    /// that is damaged (only the files it is made of are deleted).
    #[arg(long)]
    pub rebuild: bool,

    /// Verify the index without changing it: its marker, commit record and manifest are
    /// read, every segment is opened and every file's checksum compared. Exit status 0
    /// when it is sound, 2 with what is wrong and the way out (`index --rebuild`).
    #[arg(long, conflicts_with_all = ["rebuild", "wait", "boilerplate_repeats"])]
    pub check: bool,

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

    /// If another seedsearch is updating the index, wait for it instead of failing.
    #[arg(long)]
    pub wait: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// Arguments of `seedsearch watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Sync once no change has come for this many milliseconds: a burst of changes (a copy
    /// of many files, an editor's save) is one sync and one commit.
    #[arg(long, value_name = "MS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub debounce: u64,

    /// Look at the folder every SECONDS instead of being told of changes by the system
    /// (for network folders, whose changes made on another machine are not notified)
    /// [SECONDS: 2].
    #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "2", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub poll: Option<u64>,
}

/// Arguments of `seedsearch remove`.
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The articles to remove: doc_ids (as `seedsearch list` shows them) or their files as
    /// a search printed them.
    #[arg(required = true, value_name = "DOC_ID|PATH")]
    pub doc_ids: Vec<String>,

    /// If another seedsearch is updating the index, wait for it instead of failing.
    #[arg(long)]
    pub wait: bool,

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
    /// The article's doc_id, or DOC_ID:N for passage N and its neighbours; or its file as
    /// a search printed it, PATH:LINE for the passage holding that line.
    #[arg(value_name = "DOC_ID[:N] | PATH[:LINE]")]
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

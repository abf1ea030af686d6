//! Which lines of a folder of articles the splitter reads as section headings, and whether
//! any body line is lost: a check to read by eye, not a benchmark of speed.
//!
//! `cargo run --example headings -- [FOLDER] [--lost]` walks FOLDER (default
//! `../shared/corpus/bbc`) and reads each file as `seedsearch index` would (`*.md` as
//! Markdown), prints every heading as
//! `path:line  text` and counts them; `--lost` also prints each non-blank body line with a
//! word that is in no passage and no section (there should be none; the exit status is 1
//! when there are).
//!
//! On `../shared/corpus/bbc` (2,225 articles, plus its README.TXT and SOURCE.md): 90
//! headings in 32 files and 27 lost lines with the rules before issue 9; 11 headings in 3
//! files (the game reviews of tech/095 and tech/311, and SOURCE.md's Markdown headings)
//! and no lost line after.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use seedsearch::article::{self, Article, Syntax};
use seedsearch::corpus::{self, Load};

const DEFAULT_FOLDER: &str = "../shared/corpus/bbc";

struct Options {
    folder: PathBuf,
    lost: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(clean) if clean => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("headings: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn options() -> Result<Options> {
    let mut folder = None;
    let mut lost = false;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--lost") => lost = true,
            Some("-h" | "--help") => {
                println!(
                    "usage: headings [FOLDER] [--lost]   (FOLDER defaults to {DEFAULT_FOLDER})"
                );
                std::process::exit(0);
            }
            Some(flag) if flag.starts_with('-') => bail!("unknown option {flag}"),
            _ if folder.is_none() => folder = Some(PathBuf::from(arg)),
            _ => bail!("one folder at most"),
        }
    }
    Ok(Options {
        folder: folder.unwrap_or_else(|| PathBuf::from(DEFAULT_FOLDER)),
        lost,
    })
}

/// Prints the report; `Ok(false)` when `--lost` found lost lines.
fn run() -> Result<bool> {
    let options = options()?;
    let listing = corpus::walk(&options.folder)
        .with_context(|| format!("listing {}", options.folder.display()))?;
    for problem in &listing.problems {
        eprintln!("headings: warning: {problem}");
    }
    let (mut files, mut with_headings, mut headings, mut lost) = (0, 0, 0, 0);
    for file in &listing.files {
        let shown = options.folder.join(&file.rel);
        let text = match corpus::load(&file.path) {
            Ok(Load::Text(loaded)) => loaded.text,
            Ok(Load::Skip(why)) => {
                eprintln!("headings: warning: {}: {why}", shown.display());
                continue;
            }
            Err(err) => {
                eprintln!("headings: warning: {}: {err}", shown.display());
                continue;
            }
        };
        let syntax = Syntax::of_file_name(&file.rel);
        let article = article::parse(&text, syntax);
        files += 1;
        if !article.headings.is_empty() {
            with_headings += 1;
        }
        for heading in &article.headings {
            headings += 1;
            println!("{}:{}  {}", shown.display(), heading.line, heading.text);
        }
        if options.lost {
            for (line, words) in lost_lines(&text, syntax, &article) {
                lost += 1;
                println!("{}:{}  LOST {}", shown.display(), line, words.join(" "));
            }
        }
    }
    println!(
        "{headings} headings in {with_headings} of {files} files under {}",
        options.folder.display()
    );
    if options.lost {
        println!("{lost} body lines with words in no passage and no section");
    }
    Ok(lost == 0)
}

/// Lower-cased runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Body lines (after the title and front matter) with words found in no passage text and
/// no section, with those words. Markdown lines are read without their markup: a link's
/// target is not meant to be found.
fn lost_lines(text: &str, syntax: Syntax, article: &Article) -> Vec<(usize, Vec<String>)> {
    let mut known: HashSet<String> = HashSet::new();
    for p in &article.passages {
        known.extend(words(&p.text));
        if let Some(section) = &p.section {
            known.extend(words(section));
        }
    }
    // A word longer than a passage is cut between the pieces of its block.
    let joined: String = article.passages.iter().map(|p| p.text.as_str()).collect();
    known.extend(words(&joined));
    // The body starts at the first passage or heading: what comes before is the title,
    // the front matter and blank lines.
    let first = article
        .passages
        .iter()
        .map(|p| p.line_start)
        .chain(article.headings.iter().map(|h| h.line))
        .min();
    let Some(first) = first else {
        return Vec::new();
    };
    article::passage_lines(text, syntax)
        .iter()
        .enumerate()
        .skip(first as usize - 1)
        .filter_map(|(i, line)| {
            let missing: Vec<String> = words(line).filter(|w| !known.contains(w)).collect();
            (!missing.is_empty()).then_some((i + 1, missing))
        })
        .collect()
}

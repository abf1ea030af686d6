//! A query string → a search through the library's public API, against a small index
//! built once in a temporary folder from the shipped seed article and the made-up ones in
//! fuzz/fixture/.
//!
//! The first input byte picks the request's options (boilerplate, collapsing, date order,
//! per-document limit, offset); the rest is the query. A panic, an index error (as opposed
//! to a query error) or a malformed hit is a crash.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use seedsearch::analyzer;
use seedsearch::article::parse_date;
use seedsearch::collection::{Collection, Freshness, Paths, Quiet};
use seedsearch::interrupt::Cancel;
use seedsearch::query::{self, Bound, Clause, FieldName, Node, Occur};
use seedsearch::search::{Engine, Request, SearchError, SNIPPET_CHARS};

const SEED: &str = include_str!("../../seeds/000_21cba5c501be05a2.txt");

/// The fixture articles (fuzz/fixture/, also replayed by tests/properties.rs).
const ARTICLES: &[(&str, &str)] = &[
    ("world/000_poland.txt", SEED),
    (
        "world/001_copy.md",
        include_str!("../fixture/world/001_copy.md"),
    ),
    (
        "sport/002_match.txt",
        include_str!("../fixture/sport/002_match.txt"),
    ),
    (
        "tech/003_f35.txt",
        include_str!("../fixture/tech/003_f35.txt"),
    ),
    (
        "tech/004_nodate.md",
        include_str!("../fixture/tech/004_nodate.md"),
    ),
    ("old/005_far.md", include_str!("../fixture/old/005_far.md")),
];

struct Fixture {
    _dir: tempfile::TempDir,
    engine: Engine,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let seeds = dir.path().join("seeds");
        for (rel, text) in ARTICLES {
            let path = seeds.join(rel);
            std::fs::create_dir_all(path.parent().unwrap_or(Path::new("."))).expect("mkdir");
            std::fs::write(&path, text).expect("write");
        }
        let paths = Paths::new(seeds, dir.path().join("index"));
        let collection =
            Collection::open(&paths, Freshness::Sync, &Quiet, &Cancel::new()).expect("index");
        let engine = collection.engine().clone();
        Fixture { _dir: dir, engine }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(request) = Request::from_fuzz_input(data) else {
        return;
    };
    let parsed = query::parse(&request.query).ok();
    if !known_bugs()
        && parsed
            .as_ref()
            .is_some_and(|q| hits_known_bug(&q.clauses) || excludes_a_phrase(&q.clauses, false))
    {
        return;
    }
    let max_boost = parsed.as_ref().map_or(1.0, |q| max_boost(&q.clauses));
    let results = match fixture().engine.search(&request) {
        Ok(results) => results,
        Err(SearchError::Query(_)) => return,
        Err(SearchError::Index(e)) => panic!("index error {e:#} for {:?}", request.query),
    };
    assert!(results.hits.len() <= request.limit);
    assert!(results.hits.len() <= results.total_hits);
    for (i, hit) in results.hits.iter().enumerate() {
        assert_eq!(hit.rank, request.offset + i + 1);
        // Known bug (regression_huge_boost_gives_a_finite_score): boosts are unbounded.
        if known_bugs() || max_boost < 1e30 {
            assert!(
                hit.score.is_finite(),
                "score {} for {:?}",
                hit.score,
                request.query
            );
        }
        assert!(hit.line_start >= 1 && hit.line_start <= hit.line_end);
        let chars = hit.snippet.chars().count();
        assert!(chars <= SNIPPET_CHARS + 2, "snippet of {chars} characters");
        let mut last = 0;
        for &[a, b] in &hit.highlights {
            assert!(
                last <= a && a < b && b <= chars,
                "highlights {:?}",
                hit.highlights
            );
            last = b;
        }
        if !request.include_boilerplate {
            assert!(!hit.boilerplate, "boilerplate hit for {:?}", request.query);
        }
        if let Some(max) = request.per_doc {
            let same = results
                .hits
                .iter()
                .filter(|h| h.doc_id == hit.doc_id)
                .count();
            // Offsets can hide earlier hits of the article, never add to them.
            assert!(
                same <= max,
                "{same} hits of {} for per_doc {max}",
                hit.doc_id
            );
        }
    }
});

/// Whether to run inputs that hit the bugs already known (tests/properties.rs,
/// `regression_*`): off by default so the fuzzer looks past them; set FUZZ_KNOWN_BUGS=1 to
/// check whether they are fixed.
fn known_bugs() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("FUZZ_KNOWN_BUGS").is_some())
}

/// `date:[* TO *]` (regression_date_range_open_at_both_ends) and `date:DAY` after
/// 2262-04-11 (regression_date_query_far_in_the_future).
fn hits_known_bug(clauses: &[Clause]) -> bool {
    clauses.iter().any(|c| match &c.node {
        Node::Range {
            lower: Bound::Unbounded,
            upper: Bound::Unbounded,
            ..
        } => true,
        Node::Word {
            field: Some(FieldName::Date),
            text,
        }
        | Node::Phrase {
            field: Some(FieldName::Date),
            text,
        } => parse_date(text).is_some_and(|day| {
            day.into_timestamp_secs()
                .checked_add(86_400)
                .and_then(|s| s.checked_mul(1_000_000_000))
                .is_none()
        }),
        Node::Group(inner) => hits_known_bug(inner),
        _ => false,
    })
}

/// An excluded clause that compiles to a phrase (regression_excluding_a_phrase: a
/// `debug_assert!` in tantivy's PhraseScorer, reached through its `Exclude`).
fn excludes_a_phrase(clauses: &[Clause], negated: bool) -> bool {
    clauses.iter().any(|c| {
        let negated = negated || c.occur == Occur::MustNot;
        match &c.node {
            Node::Group(inner) => excludes_a_phrase(inner, negated),
            Node::Word { text, .. } | Node::Phrase { text, .. } | Node::Prefix { text, .. } => {
                negated && analyzer::terms(text).len() > 1
            }
            Node::Range { .. } => false,
        }
    })
}

/// The largest product of nested boosts.
fn max_boost(clauses: &[Clause]) -> f64 {
    clauses
        .iter()
        .map(|c| {
            let own = f64::from(c.boost.unwrap_or(1.0)).max(1.0);
            match &c.node {
                Node::Group(inner) => own * max_boost(inner),
                _ => own,
            }
        })
        .fold(1.0, f64::max)
}

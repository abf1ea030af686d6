//! The index folder's own state: folders that overlap the seeds folder, an index left
//! without a commit, damaged markers, commit records and segment files, and `index --check`.

use std::fs;
use std::path::Path;

use crate::harness::{Project, Run};

const HINT: &str = "seedsearch index --rebuild";

fn article(title: &str, body: &str) -> String {
    format!("{title}\n\n{body}\n")
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// No panic, no backtrace, and an error that says the way out.
fn assert_clean_failure_or_success(run: &Run, what: &str) {
    assert_ne!(run.code, 101, "{what}: {run:?}");
    for sign in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(!run.stderr.contains(sign), "{what}: {run:?}");
    }
    if run.code == 2 {
        assert!(run.stderr.contains(HINT), "{what}: {run:?}");
    }
}

#[test]
fn a_seeds_folder_that_is_the_index_folder_is_refused() {
    let p = Project::new();
    fs::create_dir(p.root().join("both")).unwrap();
    let run = p.run(&["--seeds", "both", "--index", "both", "index"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("both"), "{}", run.stderr);
    assert!(run.stderr.contains("--index"), "{}", run.stderr);
    assert!(names(&p.root().join("both")).is_empty());
    // The same folder by another name (a symbolic link) is the same folder.
    std::os::unix::fs::symlink("both", p.root().join("alias")).unwrap();
    fs::write(
        p.root().join("both/manifest-2024.txt"),
        article("M", "Kept."),
    )
    .unwrap();
    for args in [
        ["--seeds", "alias", "--index", "both", "index"],
        ["--seeds", "both", "--index", "alias", "search"],
    ] {
        let mut args = args.to_vec();
        if args[4] == "search" {
            args.push("kept");
        }
        let run = p.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains("the same folder"), "{}", run.stderr);
    }
    assert_eq!(names(&p.root().join("both")), ["manifest-2024.txt"]);
}

#[test]
fn an_index_inside_or_around_the_seeds_folder_is_refused() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."));
    for args in [
        ["--index", "seeds/idx", "index"],
        ["--index", "seeds/news/idx", "search"],
    ] {
        let mut args = args.to_vec();
        if args[2] == "search" {
            args.push("walrus");
        }
        let run = p.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr.contains("inside the seeds folder"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("seeds/idx") || run.stderr.contains("seeds/news/idx"));
    }
    assert_eq!(names(&p.seeds()), ["a.txt"]);
    // A seeds folder inside the index folder.
    fs::create_dir_all(p.root().join("idx/articles")).unwrap();
    fs::write(p.root().join("idx/articles/b.txt"), article("B", "Seals.")).unwrap();
    let run = p.run(&["--seeds", "idx/articles", "--index", "idx", "index"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("inside the index folder"),
        "{}",
        run.stderr
    );
    assert_eq!(names(&p.root().join("idx")), ["articles"]);
}

#[test]
fn a_hidden_index_inside_the_seeds_folder_works_and_searches_stay_readers() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."));
    let run = p.run(&["--index", "seeds/.index", "search", "walrus"]);
    assert_eq!(run.code, 0, "{run:?}");
    let before = names(&p.root().join("seeds/.index"));
    for _ in 0..3 {
        let run = p.run(&["--index", "seeds/.index", "search", "walrus"]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(!run.stderr.contains("changed"), "{}", run.stderr);
        assert!(!run.stderr.contains("seeds:"), "{}", run.stderr);
    }
    assert_eq!(names(&p.root().join("seeds/.index")), before);
    let run = p.run(&["--index", "seeds/.index", "list"]);
    assert_eq!(run.stdout.lines().count(), 1, "{run:?}");
}

#[test]
fn clean_up_deletes_only_files_seedsearch_made() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."));
    p.index(&[]);
    let index = p.root().join("index");
    for name in [
        "manifest-2024.txt",
        "manifest-notes.bin",
        "manifest-1.bin.bak",
    ] {
        fs::write(index.join(name), "mine").unwrap();
    }
    p.write("b.txt", article("B", "The seal swam."));
    p.index(&[]);
    p.index(&["--rebuild"]);
    for name in [
        "manifest-2024.txt",
        "manifest-notes.bin",
        "manifest-1.bin.bak",
    ] {
        assert_eq!(
            fs::read_to_string(index.join(name)).unwrap(),
            "mine",
            "{name}"
        );
    }
    let manifests: Vec<String> = names(&index)
        .into_iter()
        .filter(|n| n.starts_with("manifest-") && n.ends_with(".bin") && n.len() == 21)
        .collect();
    assert_eq!(manifests.len(), 1, "{manifests:?}");
}

/// Makes the index look as a first build interrupted before its commit leaves it: tantivy's
/// metadata with no segments and no commit record.
fn uncommit(p: &Project) {
    let meta = p.root().join("index/meta.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&meta).unwrap()).unwrap();
    json["segments"] = serde_json::json!([]);
    json.as_object_mut().unwrap().remove("payload");
    json["opstamp"] = 0.into();
    fs::write(&meta, serde_json::to_string(&json).unwrap()).unwrap();
}

#[test]
fn an_index_without_a_commit_is_built_by_the_next_command() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."));
    p.index(&[]);
    uncommit(&p);
    let run = p.run(&["search", "walrus"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("a.txt"), "{run:?}");
    uncommit(&p);
    let run = p.run(&["list"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains('a'), "{run:?}");
    uncommit(&p);
    let run = p.run(&["stats", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let stats: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(stats["files"], 1, "{stats}");
    assert_ne!(stats["seeds"], "", "{stats}");
}

#[test]
fn rebuild_repairs_a_damaged_marker_or_commit_record() {
    type Damage = fn(&Path);
    let damages: [(&str, Damage); 4] = [
        ("empty marker", |dir| {
            fs::write(dir.join("seedsearch.json"), "").unwrap()
        }),
        ("garbled marker", |dir| {
            fs::write(dir.join("seedsearch.json"), b"\xff{ not json").unwrap()
        }),
        ("lost marker", |dir| {
            fs::remove_file(dir.join("seedsearch.json")).unwrap()
        }),
        ("garbled commit record", |dir| {
            let meta = dir.join("meta.json");
            let mut json: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(&meta).unwrap()).unwrap();
            json["payload"] = "{\"generation\": \"many\"".into();
            fs::write(&meta, serde_json::to_string(&json).unwrap()).unwrap();
        }),
    ];
    for (what, damage) in damages {
        let p = Project::new();
        p.write("a.txt", article("A", "The walrus swam."));
        p.index(&[]);
        fs::write(p.root().join("index/notes.md"), "my notes").unwrap();
        damage(&p.root().join("index"));
        for args in [vec!["search", "walrus"], vec!["index"], vec!["list"]] {
            let run = p.run(&args);
            assert_eq!(run.code, 2, "{what}: {args:?}: {run:?}");
            assert!(run.stderr.contains(HINT), "{what}: {run:?}");
        }
        let run = p.run(&["index", "--rebuild"]);
        assert_eq!(run.code, 0, "{what}: {run:?}");
        assert_eq!(p.doc_ids("walrus"), ["a"], "{what}");
        let run = p.run(&["index", "--check"]);
        assert_eq!(run.code, 0, "{what}: {run:?}");
        assert_eq!(
            fs::read_to_string(p.root().join("index/notes.md")).unwrap(),
            "my notes"
        );
    }
}

#[test]
fn a_foreign_folder_with_a_garbled_marker_is_never_wiped() {
    let p = Project::new();
    p.write("a.txt", article("A", "The walrus swam."));
    fs::create_dir(p.root().join("home")).unwrap();
    fs::write(p.root().join("home/seedsearch.json"), "{ broken").unwrap();
    fs::write(p.root().join("home/meta.json"), "{\"mine\": true}").unwrap();
    fs::write(p.root().join("home/diary.txt"), "private").unwrap();
    for args in [
        vec!["--index", "home", "index", "--rebuild"],
        vec!["--index", "home", "search", "walrus"],
    ] {
        let run = p.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
    }
    assert_eq!(
        names(&p.root().join("home")),
        ["diary.txt", "meta.json", "seedsearch.json"]
    );
    assert_eq!(
        fs::read_to_string(p.root().join("home/meta.json")).unwrap(),
        "{\"mine\": true}"
    );
}

/// Articles with enough distinct words that every segment file has real content.
fn varied_corpus(p: &Project, n: usize) {
    let syllables = [
        "ka", "lo", "mi", "ner", "sto", "vu", "qua", "bri", "den", "fol",
    ];
    let mut state: u64 = 7;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        usize::try_from(state >> 33).unwrap()
    };
    for i in 0..n {
        let mut body = String::new();
        for _ in 0..6 {
            let words: Vec<String> = (0..50)
                .map(|_| {
                    let len = 2 + next() % 3;
                    (0..len)
                        .map(|_| syllables[next() % syllables.len()])
                        .collect()
                })
                .collect();
            body.push_str(&format!("{} walrus.\n\n", words.join(" ")));
        }
        p.write(
            &format!("a{i:03}.txt"),
            format!("Story {i} unique{i}x\n\n{body}"),
        );
    }
}

#[derive(Clone, Copy, Debug)]
enum Damage {
    Delete,
    Truncate,
    Empty,
    Flip(u64),
}

fn damage(path: &Path, how: Damage) {
    match how {
        Damage::Delete => fs::remove_file(path).unwrap(),
        Damage::Truncate => {
            let len = fs::metadata(path).unwrap().len();
            fs::File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_len(len / 2)
                .unwrap();
        }
        Damage::Empty => fs::write(path, b"").unwrap(),
        Damage::Flip(seed) => {
            let mut bytes = fs::read(path).unwrap();
            if bytes.is_empty() {
                return;
            }
            let mut state = seed.wrapping_add(1);
            for _ in 0..4 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let at = usize::try_from(state >> 33).unwrap() % bytes.len();
                bytes[at] ^= 0xff;
            }
            fs::write(path, bytes).unwrap();
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = fs::remove_dir_all(to);
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn damaged_index_files_give_the_way_out_never_a_panic_and_rebuild_repairs_them() {
    let p = Project::new();
    let n = 40;
    varied_corpus(&p, n);
    p.index(&[]);
    let run = p.run(&["index", "--check"]);
    assert_eq!(run.code, 0, "a sound index: {run:?}");
    let index = p.root().join("index");
    let pristine = p.root().join("pristine");
    copy_dir(&index, &pristine);
    let ways = [
        Damage::Delete,
        Damage::Truncate,
        Damage::Empty,
        Damage::Flip(1),
        Damage::Flip(2),
        Damage::Flip(3),
        Damage::Flip(4),
    ];
    for file in names(&pristine) {
        // Lock files hold nothing; tantivy rebuilds a lost list of its files; and an index
        // without tantivy's metadata is no index, which the first search builds again.
        let harmless = |how: Damage| {
            file.ends_with(".lock")
                || (matches!(how, Damage::Delete)
                    && [".managed.json", "meta.json"].contains(&file.as_str()))
        };
        for how in ways {
            copy_dir(&pristine, &index);
            damage(&index.join(&file), how);
            let what = format!("{file} {how:?}");
            for args in [
                vec!["search", "walrus", "kaloqua"],
                vec!["search", "--articles", "3", "--", "walrus"],
                vec!["search", "unique7x"],
                vec!["list"],
                vec!["show", "a003"],
                vec!["stats"],
                vec!["index"],
            ] {
                let run = p.run(&args);
                assert_clean_failure_or_success(&run, &format!("{what}: {args:?}"));
            }
            let run = p.run(&["index", "--check"]);
            assert_clean_failure_or_success(&run, &format!("{what}: check"));
            if !harmless(how) {
                assert_eq!(run.code, 2, "{what}: check: {run:?}");
            }
            let run = p.run(&["index", "--rebuild"]);
            assert_eq!(run.code, 0, "{what}: rebuild: {run:?}");
            let run = p.run(&["index", "--check"]);
            assert_eq!(run.code, 0, "{what}: check after rebuild: {run:?}");
            assert_eq!(p.doc_ids("unique7x"), ["a007"], "{what}");
            let run = p.run(&["list"]);
            assert_eq!(run.stdout.lines().count(), n, "{what}: {run:?}");
        }
    }
}

#[test]
fn a_plain_index_notices_missing_segment_files() {
    let p = Project::new();
    varied_corpus(&p, 5);
    p.index(&[]);
    let index = p.root().join("index");
    let segment = names(&index)
        .into_iter()
        .find(|n| n.ends_with(".term"))
        .unwrap();
    fs::remove_file(index.join(segment)).unwrap();
    let run = p.run(&["index"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains(HINT), "{run:?}");
}

#[test]
fn check_says_what_is_wrong_and_the_way_out() {
    let p = Project::new();
    varied_corpus(&p, 5);
    let run = p.run(&["index", "--check"]);
    assert_eq!(run.code, 2, "no index yet: {run:?}");
    assert!(run.stderr.contains("seedsearch index"), "{run:?}");
    p.index(&[]);
    let run = p.run(&["index", "--check"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("sound"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    let run = p.run(&["index", "--check", "--json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let sound: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(sound["version"], 1, "{sound}");
    assert_eq!(sound["sound"], true, "{sound}");
    assert_eq!(sound["files"], 5, "{sound}");
    assert!(sound["generation"].as_u64().unwrap() >= 1, "{sound}");
    let index = p.root().join("index");
    let store = names(&index)
        .into_iter()
        .find(|n| n.ends_with(".store"))
        .unwrap();
    damage(&index.join(&store), Damage::Flip(9));
    let run = p.run(&["index", "--check"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains(&store), "{run:?}");
    assert!(run.stderr.contains(HINT), "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
}

//! Reliability: killed and interrupted runs, concurrent use, read-only use, hostile files
//! and hostile queries.

use std::fs::File;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::harness::Project;

/// Writes `n` articles of a few hundred words each, every one with a unique word.
fn corpus(p: &Project, dir: &str, n: usize) {
    let words = [
        "harbour", "storm", "minister", "budget", "ferry", "council", "election", "border",
        "market", "league", "festival", "science", "court", "strike", "summit", "vaccine",
    ];
    for i in 0..n {
        let mut body = String::new();
        for para in 0..6 {
            let mut sentence = Vec::new();
            for w in 0..60 {
                sentence.push(words[(i * 7 + para * 3 + w * 5) % words.len()]);
            }
            body.push_str(&format!("{} unique{i}x.\n\n", sentence.join(" ")));
        }
        p.write(
            &format!("{dir}/a{i:05}.txt"),
            format!("Story number {i}\n\n{body}"),
        );
    }
}

fn wait_with_timeout(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn stats(p: &Project) -> serde_json::Value {
    let run = p.run(&["stats", "--format", "json", "--quiet"]);
    assert_eq!(run.code, 0, "{run:?}");
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn killing_the_indexer_at_any_moment_leaves_a_working_index() {
    let p = Project::new();
    corpus(&p, "first", 40);
    p.index(&[]);
    let before = stats(&p)["passages"].as_u64().unwrap();
    corpus(&p, "second", 1200);
    // Kill at moments spread over the run (deterministic, so failures can be replayed).
    for delay_ms in [30u64, 150, 400, 900, 1600] {
        let mut child = p
            .command(&["index", "--quiet"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // The index opens and answers from its last commit, whatever that was.
        let run = p.run(&["search", "--no-sync", "--json", "unique7x"]);
        assert_eq!(run.code, 0, "after a kill at {delay_ms} ms: {run:?}");
        let passages = stats(&p)["passages"].as_u64().unwrap();
        assert!(passages >= before, "{passages} < {before}");
    }
    // The next run finishes the job with no manual cleanup.
    let report = p.index(&[]);
    assert_eq!(report.files, 1240);
    let finished = stats(&p);
    // A fresh build of the same folder holds exactly the same passages.
    let fresh = p.run(&["--index", "fresh", "index", "--format", "json", "--quiet"]);
    let fresh: serde_json::Value = serde_json::from_str(&fresh.stdout).unwrap();
    assert_eq!(finished["passages"], fresh["passages"]);
    assert_eq!(finished["articles"], fresh["articles"]);
    assert_eq!(p.search("unique1199x", &[]).hits[0].doc_id, "second/a01199");
    // Leftovers of killed runs (a manifest written for a commit that never happened, temp
    // files) are removed by the next commit.
    p.write("third/new.txt", "New\n\nA late walrus.\n");
    assert!(p.index(&[]).committed);
    let leftovers: Vec<String> = std::fs::read_dir(p.root().join("index"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".tmp") || (n.starts_with("manifest-") && !n.ends_with(".bin")))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let manifests = std::fs::read_dir(p.root().join("index"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("manifest-")
        })
        .count();
    assert_eq!(manifests, 1);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_indexing_cleanly_and_keeps_the_last_commit() {
    let p = Project::new();
    corpus(&p, "first", 20);
    p.index(&[]);
    let before = stats(&p)["passages"].as_u64().unwrap();
    corpus(&p, "second", 800);
    let mut child = p
        .command(&["index"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(60)).expect("stops");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    if status.code() == Some(0) {
        // The run beat the signal; nothing to check about interruption on this machine.
        return;
    }
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("the index keeps its last committed state"),
        "{stderr}"
    );
    assert_eq!(stats(&p)["passages"].as_u64().unwrap(), before);
    p.index(&[]);
    assert_eq!(p.search("unique799x", &[]).hits[0].doc_id, "second/a00799");
}

/// Holds the index's writer lock the way another seedsearch process would.
fn hold_writer_lock(p: &Project) -> File {
    let lock = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(p.root().join("index/.tantivy-writer.lock"))
        .unwrap();
    lock.try_lock().expect("lock the index");
    lock
}

#[test]
fn a_second_writer_is_refused_while_another_holds_the_index() {
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    p.index(&[]);
    p.write("b.txt", "B\n\nThe seal dived.\n");
    let lock = hold_writer_lock(&p);
    std::fs::write(p.root().join("c.txt"), "C\n\nThe otter ate.\n").unwrap();
    for args in [vec!["index"], vec!["add", "c.txt"], vec!["remove", "a"]] {
        let run = p.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr
                .contains("being updated by another seedsearch process"),
            "{}",
            run.stderr
        );
    }
    // Refused updates change nothing in the seeds folder.
    assert!(p.seeds().join("a.txt").exists());
    assert!(!p.seeds().join("c.txt").exists());
    // Searching still works, on the last committed state (the update it would trigger is
    // refused with a warning).
    let run = p.run(&["search", "walrus"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.contains("searching the index as it was"),
        "{}",
        run.stderr
    );
    drop(lock);
}

#[test]
fn wait_waits_for_the_other_writer() {
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    p.index(&[]);
    p.write("b.txt", "B\n\nThe seal dived.\n");
    let lock = hold_writer_lock(&p);
    let mut child = p
        .command(&["index", "--wait"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none(), "it waits");
    drop(lock);
    let status = wait_with_timeout(&mut child, Duration::from_secs(30)).expect("finishes");
    assert_eq!(status.code(), Some(0));
    assert_eq!(p.doc_ids("seal"), ["b"]);
}

#[test]
fn add_and_remove_wait_for_the_other_writer_when_told_to() {
    // The busy message says "or pass --wait": every updating command takes it.
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    p.index(&[]);
    let new = p.root().join("b.txt");
    std::fs::write(&new, "B\n\nThe seal dived.\n").unwrap();
    for args in [
        vec![
            "add".to_string(),
            "--wait".into(),
            new.display().to_string(),
        ],
        vec!["remove".into(), "--wait".into(), "a".into()],
    ] {
        let lock = p.hold_update_lock();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = p
            .command(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(500));
        assert!(child.try_wait().unwrap().is_none(), "{args:?} waits");
        drop(lock);
        let status = wait_with_timeout(&mut child, Duration::from_secs(30)).expect("finishes");
        assert_eq!(status.code(), Some(0), "{args:?}");
    }
    assert_eq!(p.doc_ids("seal"), ["b"]);
    assert!(p.doc_ids("walrus").is_empty());
    assert!(!p.seeds().join("a.txt").exists());
}

#[test]
fn searching_writes_nothing_to_the_index_folder() {
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    p.index(&[]);
    let index = p.root().join("index");
    let _ = std::fs::remove_file(index.join(".tantivy-meta.lock"));
    let snapshot = || {
        let mut entries: Vec<(String, u64, std::time::SystemTime)> = std::fs::read_dir(&index)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                let m = e.metadata().unwrap();
                (
                    e.file_name().into_string().unwrap(),
                    m.len(),
                    m.modified().unwrap(),
                )
            })
            .collect();
        entries.sort();
        entries
    };
    let before = snapshot();
    for args in [
        vec!["search", "walrus"],
        vec!["list"],
        vec!["show", "a"],
        vec!["stats"],
    ] {
        let run = p.run(&args);
        assert_eq!(run.code, 0, "{args:?}: {run:?}");
    }
    assert_eq!(
        snapshot(),
        before,
        "a read-only folder would have refused these writes"
    );
}

#[cfg(unix)]
#[test]
fn search_works_on_a_read_only_index_folder() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    p.index(&[]);
    let index = p.root().join("index");
    let _ = std::fs::remove_file(index.join(".tantivy-meta.lock"));
    let set_mode = |mode: u32| {
        for entry in std::fs::read_dir(&index).unwrap() {
            let path = entry.unwrap().path();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o666)).unwrap();
        }
        std::fs::set_permissions(&index, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    set_mode(0o555);
    let run = p.run(&["search", "walrus"]);
    set_mode(0o755);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("seeds/a.txt"));
}

/// Indexes `p` (which must finish within a minute, whatever odd file is in it) and
/// returns the stderr of the run, which must succeed.
fn index_odd(p: &Project) -> String {
    let mut child = p
        .command(&["index", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_with_timeout(&mut child, Duration::from_secs(60)).expect("no hang");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(status.code(), Some(0), "{stderr}");
    stderr
}

/// A project with one ordinary article, `good`, about a walrus.
fn with_good_article() -> Project {
    let p = Project::new();
    p.write("good.txt", "Good\n\nThe walrus swam.\n");
    p
}

#[test]
fn an_article_of_one_long_line_is_indexed_in_pieces() {
    // Megabytes on one line (the 50 MB case is timed in bench/, not here).
    let p = with_good_article();
    let line = "The walrus swam far. ".repeat(4 * 1024 * 1024 / 21);
    p.write("huge.txt", format!("Huge\n\n{line}\n"));
    index_odd(&p);
    let hits = p.search(
        "walrus",
        &["--per-doc", "100", "-n", "1000", "--no-collapse"],
    );
    assert!(hits.hits.iter().any(|h| h.doc_id == "huge"));
    assert!(
        hits.hits.iter().filter(|h| h.doc_id == "huge").count() > 1,
        "a long line is cut into passages"
    );
}

#[test]
fn a_folder_named_like_an_article_is_a_folder() {
    let p = with_good_article();
    std::fs::create_dir_all(p.seeds().join("folder.txt")).unwrap();
    p.write("folder.txt/inner.md", "Inner\n\nThe seal dived.\n");
    index_odd(&p);
    assert_eq!(p.doc_ids("seal"), ["folder.txt/inner"]);
}

#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_skipped_with_a_warning() {
    use std::os::unix::ffi::OsStrExt;
    let p = with_good_article();
    let bad_name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
    std::fs::write(p.seeds().join(bad_name), "Cafe\n\nThe otter ate.\n").unwrap();
    let stderr = index_odd(&p);
    assert!(stderr.contains("not valid UTF-8; skipped"), "{stderr}");
    assert_eq!(p.doc_ids("walrus"), ["good"]);
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_reported_and_skipped() {
    let p = with_good_article();
    std::os::unix::fs::symlink(
        p.seeds().join("nowhere.txt"),
        p.seeds().join("dangling.txt"),
    )
    .unwrap();
    let stderr = index_odd(&p);
    assert!(stderr.contains("dangling.txt"), "{stderr}");
    assert_eq!(p.doc_ids("walrus"), ["good"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_not_followed() {
    let p = with_good_article();
    std::os::unix::fs::symlink(p.seeds(), p.seeds().join("loop")).unwrap();
    let stderr = index_odd(&p);
    assert!(stderr.contains("loop"), "{stderr}");
    assert_eq!(p.doc_ids("walrus"), ["good"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_an_article_is_not_read() {
    let p = with_good_article();
    let fifo = p.seeds().join("pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo here: nothing to test
    }
    let stderr = index_odd(&p);
    assert!(!stderr.contains("pipe.txt: cannot read"), "{stderr}");
    assert_eq!(p.doc_ids("walrus"), ["good"]);
}

#[test]
fn hostile_queries_get_an_answer_or_a_clear_error_never_a_crash() {
    let p = Project::new();
    p.write(
        "a.txt",
        "Émigré news\n\nThe walrus swam past Gdańsk. 東京 and Москва too. 🦭 seal.\n",
    );
    p.index(&[]);
    let long = "walrus ".repeat(1500);
    let deep = format!("{}walrus{}", "(".repeat(500), ")".repeat(500));
    let queries: Vec<String> = vec![
        "".into(),
        "   ".into(),
        "\t\n".into(),
        long,
        deep,
        "\"unbalanced".into(),
        "((walrus".into(),
        "walrus))".into(),
        "nosuchfield:walrus".into(),
        "AND".into(),
        "OR OR OR".into(),
        "NOT".into(),
        "- + -".into(),
        "*".into(),
        "^2".into(),
        "walrus^".into(),
        "walrus^99999999999999999999".into(),
        "title:".into(),
        "date:[".into(),
        "date:>=".into(),
        "\u{1}\u{7f}\u{1b}[31mwalrus".into(),
        "🦭".into(),
        "東京 Москва".into(),
        "a*".into(),
        "\"\"".into(),
        "()".into(),
        "doc:".into(),
        "collection:*".into(),
    ];
    for query in &queries {
        let mut child = p
            .command(&["search", "--", query])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let status = wait_with_timeout(&mut child, Duration::from_secs(20))
            .unwrap_or_else(|| panic!("hang on {query:?}"));
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let code = status.code().unwrap_or(-1);
        assert!(matches!(code, 0..=2), "{query:?} exited {code}: {stderr}");
        assert!(!stderr.contains("panicked"), "{query:?}: {stderr}");
        if code == 2 {
            assert!(stderr.contains("error:"), "{query:?}: {stderr}");
            assert_eq!(
                stderr.lines().filter(|l| l.contains("error")).count(),
                1,
                "{query:?}: {stderr}"
            );
        }
    }
    // Emoji and other scripts are searchable.
    assert_eq!(p.doc_ids("東京").len(), 1);
    assert_eq!(p.doc_ids("москва").len(), 1);
}

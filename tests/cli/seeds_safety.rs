//! Writes to the seeds folder: `add` and `remove` touch nothing outside it, never follow a
//! planted link, refuse what is not a regular file, never lose an article to a concurrent
//! run, and a killed or interrupted run is finished or undone by the next update.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Project, Run};

const STORY: &str = "Harbour reopens\n\nThe harbour reopened after the storm.\n";

/// Waits for `child`; kills it and returns `None` after `limit` (a hang is a failure, not a
/// timing assert: the limit is far above any honest run).
fn wait_with_timeout(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Runs seedsearch and fails the test if it has not ended within a minute.
fn run_bounded(p: &Project, args: &[&str]) -> Run {
    let mut child = p
        .command(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_with_timeout(&mut child, Duration::from_secs(60))
        .unwrap_or_else(|| panic!("seedsearch {args:?} did not end"));
    let read = |pipe: Option<&mut dyn std::io::Read>| {
        let mut text = String::new();
        if let Some(pipe) = pipe {
            pipe.read_to_string(&mut text).unwrap();
        }
        text
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: read(child.stdout.as_mut().map(|s| s as &mut dyn std::io::Read)),
        stderr: read(child.stderr.as_mut().map(|s| s as &mut dyn std::io::Read)),
    }
}

fn outside(p: &Project, name: &str, content: &str) -> String {
    let dir = p.root().join("downloads");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), content).unwrap();
    format!("downloads/{name}")
}

/// Every file below `dir`, relative to it (links not followed).
fn tree(dir: &Path) -> BTreeSet<String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                out.insert(rel.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

fn hidden(files: &BTreeSet<String>) -> Vec<&String> {
    files
        .iter()
        .filter(|f| f.split('/').any(|part| part.starts_with('.')))
        .collect()
}

/// `seeds/linked -> ../outside`, with an article in `outside/`.
fn linked_project() -> Project {
    let p = Project::new();
    p.write("own.txt", STORY);
    let outside = p.root().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(
        outside.join("x.txt"),
        "Outside\n\nA file that is not ours.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../outside", p.seeds().join("linked")).unwrap();
    p.index(&[]);
    p
}

#[test]
fn remove_never_deletes_through_a_symlinked_subfolder() {
    let p = linked_project();
    let run = p.run(&["remove", "linked/x"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("outside the seeds folder"), "{run:?}");
    assert!(p.root().join("outside/x.txt").exists());
    assert_eq!(
        tree(&p.root().join("outside")),
        BTreeSet::from(["x.txt".into()])
    );
}

#[test]
fn add_never_writes_through_a_symlinked_subfolder() {
    let p = linked_project();
    let src = outside(&p, "f.txt", STORY.replace("storm", "gale").as_str());
    let src_x = outside(&p, "x.txt", "Other\n\nA different x.\n");
    for args in [
        vec!["add", &src, "--to", "linked"],
        vec!["add", &src, "--to", "linked/deeper"],
        vec!["add", &src_x, "--to", "linked", "--force"],
    ] {
        let run = p.run(&args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains("outside the seeds folder"), "{run:?}");
    }
    assert_eq!(
        tree(&p.root().join("outside")),
        BTreeSet::from(["x.txt".into()])
    );
    assert_eq!(
        std::fs::read_to_string(p.root().join("outside/x.txt")).unwrap(),
        "Outside\n\nA file that is not ours.\n"
    );
}

#[test]
fn a_planted_link_at_a_temporary_name_is_never_followed() {
    let p = Project::new();
    p.write("own.txt", STORY);
    p.index(&[]);
    let victim = p.root().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let src = outside(&p, "f.txt", "Fresh\n\nA fresh story.\n");
    // Temporary names used to be `.NAME.PID.tmp`: plant one for every pid the next run
    // may get.
    let mut next = std::process::Command::new("true").spawn().unwrap();
    let pid = next.id();
    next.wait().unwrap();
    for guess in pid..pid + 3000 {
        let _ = std::os::unix::fs::symlink(&victim, p.seeds().join(format!(".f.txt.{guess}.tmp")));
    }
    let run = p.run(&["add", &src]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(
        std::fs::read_to_string(p.seeds().join("f.txt")).unwrap(),
        "Fresh\n\nA fresh story.\n"
    );
}

#[test]
fn adding_a_fifo_or_a_device_is_refused_at_once() {
    let p = Project::new();
    p.write("own.txt", STORY);
    let dir = p.root().join("downloads");
    std::fs::create_dir_all(&dir).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.join("pipe.txt"))
        .status()
        .unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.txt")).unwrap();
    for name in ["pipe.txt", "zero.txt"] {
        let run = run_bounded(&p, &["add", &format!("downloads/{name}")]);
        assert_eq!(run.code, 2, "{name}: {run:?}");
        assert!(run.stderr.contains("not a regular file"), "{run:?}");
        assert!(!p.seeds().join(name).exists());
    }
}

#[test]
fn an_article_over_the_size_limit_is_refused_by_add_and_skipped_by_index() {
    let p = Project::new();
    p.write("own.txt", STORY);
    let dir = p.root().join("downloads");
    std::fs::create_dir_all(&dir).unwrap();
    // Sparse: 257 MiB that take no disk space.
    let huge = File::create(dir.join("huge.txt")).unwrap();
    huge.set_len(257 << 20).unwrap();
    let run = run_bounded(&p, &["add", "downloads/huge.txt"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("larger than 256 MiB"), "{run:?}");
    assert!(!p.seeds().join("huge.txt").exists());

    let inside = File::create(p.seeds().join("huge.txt")).unwrap();
    inside.set_len(257 << 20).unwrap();
    let run = run_bounded(&p, &["index", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("larger than 256 MiB"), "{run:?}");
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["files"], 1, "{run:?}");
}

#[test]
fn two_adds_of_one_name_at_once_never_lose_the_reported_article() {
    let p = Project::new();
    p.write("own.txt", STORY);
    p.index(&[]);
    for a in ["a", "b"] {
        let dir = p.root().join(a);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("story.txt"),
            format!("Story {a}\n\nWritten by {a}.\n"),
        )
        .unwrap();
    }
    for attempt in 0..20 {
        let _ = std::fs::remove_file(p.seeds().join("story.txt"));
        p.index(&[]);
        let spawn = |from: &str| {
            p.command(&["add", from])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let mut children = [("a", spawn("a/story.txt")), ("b", spawn("b/story.txt"))];
        let mut reported = Vec::new();
        for (who, child) in &mut children {
            let status = wait_with_timeout(child, Duration::from_secs(60)).expect("ends");
            let mut stderr = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
            if status.code() == Some(0) && stderr.contains("added seeds/story.txt") {
                reported.push(*who);
            } else {
                assert_eq!(status.code(), Some(2), "try {attempt}, {who}: {stderr}");
            }
        }
        assert!(
            reported.len() <= 1,
            "try {attempt}: both reported {reported:?}"
        );
        let on_disk = std::fs::read_to_string(p.seeds().join("story.txt")).ok();
        match reported.first() {
            Some(who) => assert_eq!(
                on_disk.as_deref(),
                Some(format!("Story {who}\n\nWritten by {who}.\n").as_str()),
                "try {attempt}: the article reported added is gone"
            ),
            None => assert_eq!(on_disk, None, "try {attempt}"),
        }
        assert!(hidden(&tree(&p.seeds())).is_empty(), "try {attempt}");
    }
}

/// Starts `args`, waits until `ready` holds for the seeds folder, and kills the run with
/// SIGKILL; `false` when the run ended before that.
fn kill_when(p: &Project, args: &[&str], ready: impl Fn(&BTreeSet<String>) -> bool) -> bool {
    let mut child = p
        .command(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if ready(&tree(&p.seeds())) {
            let _ = child.kill();
            let _ = child.wait();
            return true;
        }
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "never got ready"
        );
    }
}

fn articles(p: &Project, dir: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let rel = format!("{dir}/a{i:04}.txt");
            p.write(
                &rel,
                format!("Story {i}\n\nThe walrus number w{i}x swam.\n"),
            );
            rel
        })
        .collect()
}

#[test]
fn a_remove_killed_midway_is_finished_or_undone_by_the_next_index() {
    let p = Project::new();
    let files = articles(&p, "news", 400);
    p.write("keep.txt", STORY);
    p.index(&[]);
    let mut args = vec!["remove".to_string()];
    args.extend(files.iter().map(|f| f.trim_end_matches(".txt").to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    if !kill_when(&p, &args, |t| !hidden(t).is_empty()) {
        eprintln!("the run beat the poll: nothing was interrupted on this machine");
        return;
    }
    let run = p.run(&["index", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("interrupted remove"), "{run:?}");
    let left = tree(&p.seeds());
    assert!(hidden(&left).is_empty(), "{:?}", hidden(&left));
    let kept: Vec<_> = files.iter().filter(|f| left.contains(*f)).collect();
    assert!(
        kept.is_empty() || kept.len() == files.len(),
        "{} of {} articles left",
        kept.len(),
        files.len()
    );
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["files"], left.len(), "{run:?}");
}

#[test]
fn an_add_killed_midway_leaves_no_partial_copy() {
    let p = Project::new();
    p.write("keep.txt", STORY);
    p.index(&[]);
    let source = Project::new();
    articles(&source, "clips", 400);
    let from = source.seeds().join("clips");
    let from = from.to_str().unwrap();
    if !kill_when(&p, &["add", from], |t| t.len() > 20) {
        eprintln!("the run beat the poll: nothing was interrupted on this machine");
        return;
    }
    let run = p.run(&["index", "--format", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("interrupted add"), "{run:?}");
    let left = tree(&p.seeds());
    assert!(hidden(&left).is_empty(), "{:?}", hidden(&left));
    assert!(left.len() == 1 || left.len() == 401, "{} files", left.len());
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["files"], left.len(), "{run:?}");
}

#[test]
fn ctrl_c_during_an_add_rolls_it_back() {
    let p = Project::new();
    p.write("keep.txt", STORY);
    p.index(&[]);
    let source = Project::new();
    articles(&source, "clips", 400);
    let from = source.seeds().join("clips");
    let mut child = p
        .command(&["add", from.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while tree(&p.seeds()).len() < 5 {
        if let Ok(Some(_)) = child.try_wait() {
            eprintln!("the run beat the poll: nothing was interrupted on this machine");
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "never started copying"
        );
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = wait_with_timeout(&mut child, Duration::from_secs(60)).expect("stops");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    if status.code() == Some(0) {
        return; // It committed before the signal arrived.
    }
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert_eq!(
        tree(&p.seeds()),
        BTreeSet::from(["keep.txt".into()]),
        "{stderr}"
    );
}

#[test]
fn a_file_deleted_or_edited_by_hand_is_added_again() {
    let p = Project::new();
    let src = outside(&p, "harbour.txt", STORY);
    assert_eq!(p.run(&["add", &src]).code, 0);
    p.remove("harbour.txt");
    let run = p.run(&["add", &src]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !run.stderr.contains("already in the seeds folder"),
        "{run:?}"
    );
    assert_eq!(
        std::fs::read_to_string(p.seeds().join("harbour.txt")).unwrap(),
        STORY
    );

    p.write("harbour.txt", "Edited\n\nChanged by hand.\n");
    let run = p.run(&["add", &src]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("already exists with different content"),
        "{run:?}"
    );
    let run = p.run(&["add", &src, "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        std::fs::read_to_string(p.seeds().join("harbour.txt")).unwrap(),
        STORY
    );
    assert_eq!(p.doc_ids("storm"), ["harbour"]);
}

#[test]
fn add_refuses_a_seeds_folder_the_index_does_not_follow() {
    let p = Project::new();
    p.write("own.txt", STORY);
    p.index(&[]);
    std::fs::create_dir(p.root().join("other")).unwrap();
    let src = outside(&p, "f.txt", "Fresh\n\nA fresh story.\n");
    let run = p.run(&["--seeds", "other", "add", &src]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("the index follows"), "{run:?}");
    assert!(!p.root().join("other/f.txt").exists());
    assert_eq!(p.doc_ids("storm"), ["own"]);
}

#[test]
fn an_article_with_a_240_byte_name_can_be_removed() {
    let p = Project::new();
    let name = format!("{}.txt", "n".repeat(236));
    let src = outside(&p, &name, STORY);
    let run = p.run(&["add", &src]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = p.run(&["remove", &"n".repeat(236)]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(tree(&p.seeds()).is_empty());
    assert!(p.doc_ids("storm").is_empty());
}

#[test]
fn a_name_with_a_control_character_is_refused() {
    let p = Project::new();
    for name in ["x\nseeds/forged.txt", "tab\there.txt", "bell\u{7}.txt"] {
        let mut child = p
            .command(&["add", "-", "--name", name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(STORY.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name:?}: {stderr}");
        assert!(stderr.contains("control character"), "{stderr}");
        assert!(tree(&p.seeds()).is_empty());
    }
}

#[test]
fn every_update_waits_for_the_update_lock_and_searches_do_not() {
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    p.index(&[]);
    let src = outside(&p, "c.txt", "C\n\nThe otter ate.\n");
    let lock = p.hold_update_lock();
    for args in [vec!["index"], vec!["add", &src], vec!["remove", "a"]] {
        let run = run_bounded(&p, &args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(
            run.stderr.ends_with(
                "is being updated by another seedsearch process; try again when it has \
                 finished (or pass --wait)\n"
            ),
            "{run:?}"
        );
    }
    assert_eq!(tree(&p.seeds()), BTreeSet::from(["a.txt".into()]));
    // A search whose update is refused answers from the last commit, without waiting.
    p.write("b.txt", "B\n\nThe seal dived.\n");
    let run = run_bounded(&p, &["search", "walrus"]);
    assert_eq!(run.code, 0, "{run:?}");
    let mut child = p
        .command(&["index", "--wait"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "it waits");
    drop(lock);
    let status = wait_with_timeout(&mut child, Duration::from_secs(60)).expect("finishes");
    assert_eq!(status.code(), Some(0));
    assert_eq!(p.doc_ids("seal"), ["b"]);
}

#[test]
fn a_lock_that_cannot_be_taken_is_an_error_not_a_wait() {
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    p.index(&[]);
    p.write("b.txt", "B\n\nThe seal dived.\n");
    // A lock file that cannot be opened (root ignores permissions, so a folder stands in
    // for an unwritable file).
    let tantivy_lock = p.root().join("index/.tantivy-writer.lock");
    let _ = std::fs::remove_file(&tantivy_lock);
    std::fs::create_dir(&tantivy_lock).unwrap();
    let run = run_bounded(&p, &["index", "--wait"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        !run.stderr.contains("another seedsearch process"),
        "{run:?}"
    );
    assert!(run.stderr.contains("cannot"), "{run:?}");
    std::fs::remove_dir(&tantivy_lock).unwrap();
    let own_lock = p.root().join("index/seedsearch.lock");
    let _ = std::fs::remove_file(&own_lock);
    std::fs::create_dir(&own_lock).unwrap();
    let run = run_bounded(&p, &["index", "--wait"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        !run.stderr.contains("another seedsearch process"),
        "{run:?}"
    );
    assert!(run.stderr.contains("cannot lock"), "{run:?}");
}

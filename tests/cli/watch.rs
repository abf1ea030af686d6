//! `seedsearch watch`: the built binary runs as a child process on a temporary folder while
//! the test changes files, and searches (`--no-sync`, so only the watch updates the index)
//! wait, bounded, for each change to show. No timing is asserted: waits are only limits.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::Project;

/// The longest any change may take to show; far above what it takes.
const LIMIT: Duration = Duration::from_secs(20);

/// A running `seedsearch watch`, killed when dropped (a failing test leaves no process).
struct Watching {
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Watching {
    /// Starts `watch` with `args` and waits until it says it is watching.
    fn start(p: &Project, args: &[&str]) -> Watching {
        let mut all = vec!["watch"];
        all.extend_from_slice(args);
        let mut child = p
            .command(&all)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start seedsearch watch");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let lines = Arc::clone(&stderr);
        let pipe = child.stderr.take().expect("stderr piped");
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                lines.lock().unwrap().push(line);
            }
        });
        let watching = Watching {
            child,
            stderr,
            reader: Some(reader),
        };
        watching.wait_for_line("watching", |l| l.contains("for changes"));
        watching
    }

    fn lines(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// The summary lines, one per sync.
    fn syncs(&self) -> usize {
        self.lines().iter().filter(|l| is_summary(l)).count()
    }

    fn wait_for_line(&self, what: &str, found: impl Fn(&str) -> bool) {
        let start = Instant::now();
        while !self.lines().iter().any(|l| found(l)) {
            assert!(
                start.elapsed() < LIMIT,
                "no line for {what} within {LIMIT:?}; stderr: {:#?}",
                self.lines()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `count` syncs have been reported.
    fn wait_for_syncs(&self, count: usize) {
        let start = Instant::now();
        while self.syncs() < count {
            assert!(
                start.elapsed() < LIMIT,
                "fewer than {count} syncs within {LIMIT:?}; stderr: {:#?}",
                self.lines()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The number of syncs once at least `count` were reported and no other line followed
    /// for a moment: a search may see a commit just before its summary line is printed.
    fn settled_syncs(&self, count: usize) -> usize {
        self.wait_for_syncs(count);
        let start = Instant::now();
        let mut seen = self.lines().len();
        loop {
            assert!(
                start.elapsed() < LIMIT,
                "syncs never stop; stderr: {:#?}",
                self.lines()
            );
            std::thread::sleep(Duration::from_millis(500));
            let now = self.lines().len();
            if now == seen {
                return self.syncs();
            }
            seen = now;
        }
    }

    /// Sends SIGINT, as Ctrl-C does, and returns the exit status and everything on stderr.
    fn interrupt(mut self) -> (Option<i32>, Vec<String>) {
        let sent = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success());
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(start.elapsed() < LIMIT, "watch did not stop on SIGINT");
            std::thread::sleep(Duration::from_millis(50));
        };
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        (status.code(), self.lines())
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn is_summary(line: &str) -> bool {
    line.contains(" added, ") && line.contains(" unchanged")
}

/// Waits until a search (that does not sync itself) finds what `done` wants, and returns
/// the paths of its hits.
fn wait_for_search(p: &Project, index: &str, query: &str, done: impl Fn(&[String]) -> bool) {
    let start = Instant::now();
    loop {
        let paths: Vec<String> = p
            .search(query, &["--no-sync", "--index", index, "-n", "100"])
            .hits
            .into_iter()
            .map(|h| h.path)
            .collect();
        if done(&paths) {
            return;
        }
        assert!(
            start.elapsed() < LIMIT,
            "`{query}` still finds {paths:?} after {LIMIT:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn finds(p: &Project, query: &str, path: &str) {
    wait_for_search(p, "index", query, |paths| paths == [path]);
}

fn finds_nothing(p: &Project, query: &str) {
    wait_for_search(p, "index", query, <[String]>::is_empty);
}

#[test]
fn watch_follows_files_created_edited_in_place_renamed_and_deleted() {
    let p = Project::new();
    p.write("first.txt", "First\n\nThe walrus swam.\n");
    let watch = Watching::start(&p, &[]);
    // It synced once at the start, building the index.
    assert_eq!(watch.syncs(), 1, "{:#?}", watch.lines());
    assert!(
        watch.lines()[0].contains("no index in index yet"),
        "{:#?}",
        watch.lines()
    );
    finds(&p, "walrus", "seeds/first.txt");

    p.write("news/a.txt", "A\n\nThe zebra grazed.\n");
    finds(&p, "zebra", "seeds/news/a.txt");

    // In place: the same file (same inode) rewritten, its folder untouched.
    let file = p.seeds().join("news/a.txt");
    let inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&file).unwrap());
    std::fs::write(&file, "A\n\nThe giraffe browsed.\n").unwrap();
    assert_eq!(
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&file).unwrap()),
        inode
    );
    finds(&p, "giraffe", "seeds/news/a.txt");
    finds_nothing(&p, "zebra");

    std::fs::rename(&file, p.seeds().join("news/b.txt")).unwrap();
    finds(&p, "giraffe", "seeds/news/b.txt");

    p.remove("news/b.txt");
    finds_nothing(&p, "giraffe");
    finds(&p, "walrus", "seeds/first.txt");
}

#[test]
fn a_folder_made_while_watching_is_watched_too() {
    let p = Project::new();
    let watch = Watching::start(&p, &[]);
    std::fs::create_dir_all(p.seeds().join("new/deeper")).unwrap();
    p.write("new/deeper/a.txt", "A\n\nThe okapi hid.\n");
    finds(&p, "okapi", "seeds/new/deeper/a.txt");
    // Edited in place inside the new folder: seen through its own watch.
    let synced = watch.syncs();
    p.write("new/deeper/a.txt", "A\n\nThe tapir hid.\n");
    finds(&p, "tapir", "seeds/new/deeper/a.txt");
    watch.wait_for_syncs(synced + 1);
    std::fs::remove_dir_all(p.seeds().join("new")).unwrap();
    finds_nothing(&p, "tapir");
}

#[test]
fn a_burst_of_changes_is_one_sync() {
    let p = Project::new();
    p.write("first.txt", "First\n\nThe walrus swam.\n");
    // A long quiet period, so that a busy machine cannot split the burst.
    let watch = Watching::start(&p, &["--debounce", "1500"]);
    let before = watch.syncs();
    for i in 0..20 {
        p.write(
            &format!("burst/{i:02}.txt"),
            format!("Burst {i}\n\nThe pelican number {i} landed.\n"),
        );
    }
    wait_for_search(&p, "index", "pelican", |paths| paths.len() == 20);
    assert_eq!(
        watch.settled_syncs(before + 1),
        before + 1,
        "{:#?}",
        watch.lines()
    );
    let last = watch.lines().into_iter().rfind(|l| is_summary(l)).unwrap();
    assert!(last.contains("20 added"), "{last}");
}

#[test]
fn an_index_inside_the_seeds_folder_and_files_it_ignores_start_no_sync() {
    let p = Project::new();
    p.write("first.txt", "First\n\nThe walrus swam.\n");
    p.write(".seedsearchignore", "drafts/\nREADME.txt\n");
    let index = "seeds/.index";
    let watch = Watching::start(&p, &["--index", index, "--debounce", "100"]);
    p.write("a.txt", "A\n\nThe heron waded.\n");
    wait_for_search(&p, index, "heron", |paths| paths == ["seeds/a.txt"]);
    let after = watch.settled_syncs(2);
    // Its own commit changed the index folder, inside the seeds folder: no sync follows.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(watch.syncs(), after, "{:#?}", watch.lines());
    // Nor do files the index never holds.
    p.write(".hidden.txt", "H\n\nThe heron hid.\n");
    p.write("notes.html", "<p>heron</p>");
    p.write("README.txt", "R\n\nThe heron read.\n");
    p.write("drafts/idea.txt", "I\n\nThe heron dreamt.\n");
    p.write("a.txt~", "A backup\n");
    p.write("4913", "");
    p.write(".ss-0123456789abcdef-1.txt", "T\n\nA temporary file.\n");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(watch.syncs(), after, "{:#?}", watch.lines());
    // Searches (which read the articles) do not either.
    p.search("heron", &["--no-sync", "--index", index]);
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(watch.syncs(), after, "{:#?}", watch.lines());
    // The ignore file itself does: it changes what is indexed.
    p.write(".seedsearchignore", "README.txt\n");
    wait_for_search(&p, index, "dreamt", |paths| {
        paths == ["seeds/drafts/idea.txt"]
    });
}

#[test]
fn an_editors_save_ends_in_one_correct_sync() {
    let p = Project::new();
    p.write("story.txt", "Story\n\nThe badger dug.\n");
    let watch = Watching::start(&p, &["--debounce", "1000"]);
    let seeds = p.seeds();
    let at = |name: &str| seeds.join(name);
    // vim (backupcopy=no): a probe file, a swap file, the original moved to a backup, the
    // new text written under the name, the backup and the swap file deleted.
    let before = watch.syncs();
    std::fs::write(at("4913"), "").unwrap();
    std::fs::remove_file(at("4913")).unwrap();
    std::fs::write(at(".story.txt.swp"), "swap").unwrap();
    std::fs::rename(at("story.txt"), at("story.txt~")).unwrap();
    std::fs::write(at("story.txt"), "Story\n\nThe badger slept.\n").unwrap();
    std::fs::remove_file(at("story.txt~")).unwrap();
    std::fs::remove_file(at(".story.txt.swp")).unwrap();
    finds(&p, "slept", "seeds/story.txt");
    finds_nothing(&p, "dug");
    assert_eq!(
        watch.settled_syncs(before + 1),
        before + 1,
        "{:#?}",
        watch.lines()
    );
    // Other editors: a temporary file renamed over the article.
    std::fs::write(at("story.txt.tmp"), "Story\n\nThe badger woke.\n").unwrap();
    std::fs::rename(at("story.txt.tmp"), at("story.txt")).unwrap();
    finds(&p, "woke", "seeds/story.txt");
    finds_nothing(&p, "slept");
    assert_eq!(
        watch.settled_syncs(before + 2),
        before + 2,
        "{:#?}",
        watch.lines()
    );
}

#[test]
fn ctrl_c_stops_watching_with_status_0() {
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    let watch = Watching::start(&p, &[]);
    let (code, lines) = watch.interrupt();
    assert_eq!(code, Some(0), "{lines:#?}");
    assert!(
        lines
            .last()
            .is_some_and(|l| l.contains("stopped watching seeds")),
        "{lines:#?}"
    );
    // The index is sound and holds what was synced.
    assert_eq!(p.run(&["index", "--check"]).code, 0);
    assert_eq!(p.doc_ids("walrus"), ["a"]);
}

#[test]
fn other_updates_work_while_watching_and_a_held_lock_is_waited_for() {
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    let watch = Watching::start(&p, &[]);
    // Between syncs the lock is free: other processes update the index.
    std::fs::write(p.root().join("b.txt"), "B\n\nThe seal dived.\n").unwrap();
    let run = p.run(&["add", "b.txt"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(p.run(&["index"]).code, 0);
    assert_eq!(p.run(&["remove", "a"]).code, 0);
    finds(&p, "seal", "seeds/b.txt");
    finds_nothing(&p, "walrus");
    // While another process holds the lock, the watch's sync waits instead of failing.
    let lock = hold_update_lock(&p.root().join("index"));
    let synced = watch.syncs();
    p.write("c.txt", "C\n\nThe otter ate.\n");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(watch.syncs(), synced, "it waits: {:#?}", watch.lines());
    drop(lock);
    finds(&p, "otter", "seeds/c.txt");
    assert!(
        !watch.lines().iter().any(|l| l.contains("error")),
        "{:#?}",
        watch.lines()
    );
}

/// Holds the update lock the way another updating seedsearch process does.
fn hold_update_lock(index: &Path) -> std::fs::File {
    let lock = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(index.join("seedsearch.lock"))
        .unwrap();
    lock.try_lock().expect("lock the index");
    lock
}

#[test]
fn a_seeds_folder_that_disappears_is_waited_for() {
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    let watch = Watching::start(&p, &[]);
    std::fs::remove_dir_all(p.seeds()).unwrap();
    watch.wait_for_line("the warning", |l| {
        l.contains("warning") && l.contains("waiting for it to come back")
    });
    // The index keeps its last commit meanwhile.
    finds(&p, "walrus", "seeds/a.txt");
    std::fs::create_dir(p.seeds()).unwrap();
    p.write("b.txt", "B\n\nThe seal dived.\n");
    watch.wait_for_line("its return", |l| l.contains("is back"));
    finds(&p, "seal", "seeds/b.txt");
    finds_nothing(&p, "walrus");
    // And it is watched again.
    p.write("c.txt", "C\n\nThe otter ate.\n");
    finds(&p, "otter", "seeds/c.txt");
    let (code, lines) = watch.interrupt();
    assert_eq!(code, Some(0), "{lines:#?}");
}

#[test]
fn polling_finds_changes_too() {
    let p = Project::new();
    p.write("a.txt", "A\n\nThe walrus swam.\n");
    let watch = Watching::start(&p, &["--poll", "1"]);
    assert!(
        watch
            .lines()
            .iter()
            .any(|l| l.contains("looking every 1 s")),
        "{:#?}",
        watch.lines()
    );
    p.write("b.txt", "B\n\nThe seal dived.\n");
    finds(&p, "seal", "seeds/b.txt");
    p.write("b.txt", "B\n\nThe seal surfaced again.\n");
    finds(&p, "surfaced", "seeds/b.txt");
    p.remove("b.txt");
    finds_nothing(&p, "seal");
}

#[test]
fn watch_refuses_a_missing_seeds_folder_at_the_start() {
    let p = Project::new();
    let run = p.run(&["--seeds", "nowhere", "watch"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("cannot read the seeds folder nowhere"),
        "{}",
        run.stderr
    );
}

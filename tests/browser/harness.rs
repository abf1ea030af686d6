//! The browser tests' harness: a temporary folder of articles served by `seedsearch serve`
//! on a free port, chromedriver on another, and one headless Chromium session per test,
//! all ended when the test ends, passing or failing.
//!
//! Without chromedriver and Chromium on the machine the tests say so and pass, unless
//! `SEEDSEARCH_BROWSER_TESTS=require` (as `.ci/run` sets) makes that a failure.

use std::future::Future;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long a condition may take to come true before a test fails. A bound against a
/// hung page, not a speed requirement.
const PATIENCE: Duration = Duration::from_secs(15);

/// Chromium's flags on a closed network: without the background-networking ones it
/// waits on connections that never come.
const CHROMIUM_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
];

/// The programs the tests drive.
pub struct Tools {
    chromedriver: PathBuf,
    chromium: PathBuf,
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// chromedriver and Chromium, or `None` (with a note) when the tests cannot run here.
fn tools() -> Option<Tools> {
    let chromedriver = on_path(&["chromedriver"]);
    let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"]);
    match (chromedriver, chromium) {
        (Some(chromedriver), Some(chromium)) => Some(Tools {
            chromedriver,
            chromium,
        }),
        (driver, browser) => {
            let missing = match (driver, browser) {
                (None, None) => "chromedriver and Chromium are",
                (None, Some(_)) => "chromedriver is",
                _ => "Chromium is",
            };
            let message = format!(
                "{missing} not installed (Debian: apt-get install chromium chromium-driver)"
            );
            if std::env::var("SEEDSEARCH_BROWSER_TESTS").as_deref() == Ok("require") {
                panic!("SEEDSEARCH_BROWSER_TESTS=require, but {message}");
            }
            // Straight to stderr, past the test harness's capture: a skip must be seen.
            let _ = writeln!(std::io::stderr(), "skipping the browser test: {message}");
            None
        }
    }
}

/// A free port on loopback (free when asked; the program given it binds it at once).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// A child process killed, with everything it started, when this is dropped.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        // The child leads its own process group (see `process_group(0)`): end the group,
        // so a browser chromedriver started cannot outlive the test.
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs one browser test: starts chromedriver and a Chromium session, hands the test a
/// [`Browser`], and ends both afterwards, whatever the test did. Skips (see the module
/// doc) when the tools are missing.
pub fn browser_test<F, Fut>(test: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(tools) = tools() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let profile = tempfile::tempdir().expect("a temporary browser profile");
        let port = free_port();
        let driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("start chromedriver");
        let driver = Killed(driver);
        wait_for_port(port);

        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| f.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push("--window-size=1100,850".into());
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": tools.chromium, "args": args },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object literal");
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a Chromium session from chromedriver");

        let outcome = tokio::spawn(test(Browser {
            client: client.clone(),
        }))
        .await;
        let _ = client.close().await;
        drop(driver);
        drop(profile);
        if let Err(failure) = outcome {
            match failure.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                Err(failure) => panic!("the test did not finish: {failure}"),
            }
        }
    });
}

fn wait_for_port(port: u16) {
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "chromedriver did not listen on port {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A temporary folder with `seeds/` and `seedsearch serve` running on it.
pub struct Site {
    dir: tempfile::TempDir,
    base: String,
    // Declared last: dropped (killed) after nothing else needs it.
    _server: Killed,
}

impl Site {
    /// Writes `articles` (paths relative to `seeds/`), indexes them and serves them, with
    /// `options` added to `serve` (`--allow-writes`, `--no-watch`).
    pub fn new(articles: &[(&str, &str)], options: &[&str]) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        for (rel, text) in articles {
            write(&dir.path().join("seeds"), rel, text);
        }
        std::fs::create_dir_all(dir.path().join("seeds")).expect("seeds folder");
        let status = command(dir.path())
            .args(["-q", "index"])
            .status()
            .expect("run seedsearch index");
        assert!(status.success(), "seedsearch index failed");

        let mut server = command(dir.path())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(options)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .expect("start seedsearch serve");
        let stderr = server.stderr.take().expect("piped stderr");
        let server = Killed(server);
        let base = server_url(stderr);
        Site {
            dir,
            base,
            _server: server,
        }
    }

    /// The page's address for `path_and_query` (`/`, `/?q=drone`).
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{}", self.base, path_and_query.trim_start_matches('/'))
    }

    /// Writes an article into the served seeds folder, as an editor would.
    pub fn write(&self, rel: &str, text: &str) {
        write(&self.dir.path().join("seeds"), rel, text);
    }
}

fn write(seeds: &Path, rel: &str, text: &str) {
    let path = seeds.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folders");
    }
    std::fs::write(&path, text).expect("write article");
}

/// The binary, run in `root` (so `seeds` and `index` are its folders), with variables
/// that change behaviour cleared.
fn command(root: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seedsearch"));
    cmd.current_dir(root);
    for var in [
        "SEEDSEARCH_SEEDS",
        "SEEDSEARCH_INDEX",
        "NO_COLOR",
        "CLICOLOR_FORCE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Reads the server's stderr until the line with its URL, then keeps draining it (so the
/// server never blocks on a full pipe).
fn server_url(stderr: std::process::ChildStderr) -> String {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        let mut seen = String::new();
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if !sent {
                if let Some(url) = url_in(&line) {
                    let _ = tx.send(Ok(url));
                    sent = true;
                } else {
                    seen.push_str(&line);
                    seen.push('\n');
                }
            }
        }
        if !sent {
            let _ = tx.send(Err(seen));
        }
    });
    match rx.recv_timeout(PATIENCE) {
        Ok(Ok(url)) => url,
        Ok(Err(said)) => panic!("seedsearch serve ended without printing its URL:\n{said}"),
        Err(_) => panic!("seedsearch serve printed no URL"),
    }
}

/// `http://HOST:PORT/` from a line that holds one.
fn url_in(line: &str) -> Option<String> {
    let start = line.find("http://")?;
    let rest = &line[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '`' || c == '"' || c == '\'')
        .unwrap_or(rest.len());
    let url = rest[..end].trim_end_matches(['.', ',', ')']);
    Some(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

/// One Chromium session, with helpers that read the page through JavaScript.
pub struct Browser {
    pub client: Client,
}

impl Browser {
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("open the page");
    }

    /// The value of a JavaScript expression in the page.
    pub async fn js(&self, expression: &str) -> Value {
        self.client
            .execute(&format!("return ({expression});"), vec![])
            .await
            .unwrap_or_else(|e| panic!("evaluating `{expression}`: {e}"))
    }

    /// Waits until `expression` is truthy (not null, false, 0, "" or []) and returns its
    /// value; fails, naming `what`, if it never becomes so.
    pub async fn until(&self, what: &str, expression: &str) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = self.js(expression).await;
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                Value::Array(a) => !a.is_empty(),
                Value::Object(_) => true,
            };
            if truthy {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "waited in vain for {what}: `{expression}` is {value}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Types `text` into the element `css` (special keys: [`fantoccini::key::Key`]).
    pub async fn type_into(&self, css: &str, text: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
    }

    /// Presses keys in whatever element has the focus.
    pub async fn press(&self, keys: &str) {
        self.client
            .active_element()
            .await
            .expect("the focused element")
            .send_keys(keys)
            .await
            .expect("press keys");
    }

    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// A parameter of the page's address now (`q`, `offset`, `doc`, `p`).
    pub async fn param(&self, name: &str) -> Option<String> {
        let value = self
            .js(&format!(
                "new URLSearchParams(location.search).get({})",
                json!(name)
            ))
            .await;
        value.as_str().map(str::to_string)
    }

    /// The JSON a GET of `path` answers, fetched by the page (so from its origin).
    pub async fn fetch_json(&self, path: &str) -> Value {
        let script = format!(
            "const done = arguments[arguments.length - 1];
             fetch({}).then((r) => r.json()).then(done, (e) => done({{ fetch_error: String(e) }}));",
            json!(path)
        );
        self.client
            .execute_async(&script, vec![])
            .await
            .unwrap_or_else(|e| panic!("fetching {path}: {e}"))
    }

    /// The text of every element matching `css`, in order.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let value = self
            .js(&format!(
                "Array.from(document.querySelectorAll({})).map((e) => e.textContent)",
                json!(css)
            ))
            .await;
        serde_json::from_value(value).expect("a list of strings")
    }
}

//! `seedsearch serve`: the built binary serving a temporary folder on a free port. Every
//! endpoint's document is compared with what the command line prints with `--json` for the
//! same request; refusals, the Host and Origin rules, traversal attempts, concurrent
//! searches during an add, Ctrl-C and a busy port are checked against the real server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::harness::{desk, Project};

/// A running `seedsearch serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<Vec<String>>>,
}

/// An HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A JSON error of this status, whose message contains `words`.
    fn assert_error(&self, status: u16, words: &str) {
        assert_eq!(self.status, status, "{self:?} {}", self.text());
        assert_eq!(self.header("content-type"), Some("application/json"));
        let error = self.json();
        assert_eq!(error["version"], 1);
        let message = error["error"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{message:?} lacks {words:?}");
        assert_eq!(error.as_object().map(|o| o.len()), Some(2), "{error}");
    }
}

impl Server {
    fn start(p: &Project, extra: &[&str]) -> Server {
        let mut args = vec!["serve"];
        if !extra.contains(&"--listen") {
            args.extend(["--listen", "127.0.0.1:0"]);
        }
        args.extend_from_slice(extra);
        let mut child = p
            .command(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start seedsearch serve");
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (url_tx, url_rx) = mpsc::channel();
        {
            let lines = Arc::clone(&lines);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Some(at) = line.find("http://") {
                        let url: String = line[at..].split(' ').next().unwrap_or("").into();
                        let _ = url_tx.send(url);
                    }
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let url = match url_rx.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                panic!("no URL on stderr: {:?}", lines.lock().unwrap());
            }
        };
        let port = url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port in the URL");
        Server {
            child,
            port,
            stderr: lines,
        }
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Sends one request as raw HTTP/1.1 (`Host` is the server's unless `headers` sets
    /// one; `None` as its value leaves it out) and reads the whole answer.
    fn raw(&self, head: &str, headers: &[(&str, Option<&str>)], body: &[u8]) -> Answer {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let mut request = format!("{head}\r\nConnection: close\r\n");
        let host = self.host();
        let host_header = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("host"))
            .map_or(Some(host.as_str()), |(_, v)| *v);
        if let Some(host) = host_header {
            request.push_str(&format!("Host: {host}\r\n"));
        }
        for (name, value) in headers {
            if let (false, Some(value)) = (name.eq_ignore_ascii_case("host"), value) {
                request.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        if !body.is_empty() || head.starts_with("POST") {
            request.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).expect("send");
        // The server may answer (and close) before reading a refused body.
        let _ = stream.write_all(body);
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        parse_answer(&raw)
    }

    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        let headers: Vec<(&str, Option<&str>)> =
            headers.iter().map(|(n, v)| (*n, Some(*v))).collect();
        self.raw(&format!("{method} {path} HTTP/1.1"), &headers, body)
    }

    fn get(&self, path: &str) -> Answer {
        self.request("GET", path, &[], b"")
    }

    /// `GET path`, which must answer 200 with JSON.
    fn ok(&self, path: &str) -> Answer {
        let answer = self.get(path);
        assert_eq!(answer.status, 200, "{path}: {}", answer.text());
        assert_eq!(answer.header("content-type"), Some("application/json"));
        answer
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Sends SIGINT, as Ctrl-C does, and waits for the exit status.
    #[cfg(unix)]
    fn interrupt(mut self) -> (Option<i32>, String) {
        let pid = self.child.id().to_string();
        let sent = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill -INT");
        assert!(sent.success());
        let status = self.child.wait().expect("wait");
        std::thread::sleep(Duration::from_millis(100));
        (status.code(), self.stderr())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_answer(raw: &[u8]) -> Answer {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = unchunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = std::str::from_utf8(&data[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

/// Percent-encodes a query-string value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What the command line prints on stdout for `args` (which must succeed or find nothing).
fn cli(p: &Project, args: &[&str]) -> String {
    let run = p.run(args);
    assert!(run.code == 0 || run.code == 1, "{args:?}: {run:?}");
    run.stdout
}

#[test]
fn every_read_endpoint_answers_the_cli_json_document() {
    let p = desk();
    let server = Server::start(&p, &[]);
    let searches: &[(&str, &[&str])] = &[
        ("q=drone", &[]),
        (
            "q=drone&limit=2&offset=1",
            &["--limit", "2", "--offset", "1"],
        ),
        ("q=drone&per_doc=1", &["--per-doc", "1"]),
        (
            "q=drone&articles=2&facets=collection,month",
            &["--articles", "2", "--facets", "collection,month"],
        ),
        (
            "q=drone&explain=true&limit=1",
            &["--explain", "--limit", "1"],
        ),
        ("q=drone&sort=date", &["--sort", "date"]),
        (
            "q=newsletter&include_boilerplate=true&no_collapse=true",
            &["--include-boilerplate", "--no-collapse"],
        ),
        ("q=zebra", &[]),
    ];
    for (url, flags) in searches {
        let answer = server.ok(&format!("/api/search?{url}"));
        let query = url.split('&').next().unwrap().trim_start_matches("q=");
        let mut args = vec!["search", "--json", "--no-sync"];
        args.extend_from_slice(flags);
        args.extend(["--", query]);
        assert_eq!(answer.text(), cli(&p, &args), "{url}");
    }
    let (q, doc) = ("\"drone incursion\" OR ceasefire", "world/drone");
    let documents: Vec<(String, Vec<&str>)> = vec![
        (
            format!("/api/search?q={}", encode(q)),
            vec!["search", "--json", "--no-sync", "--", q],
        ),
        (
            "/api/count?q=drone&facets=collection,author".into(),
            vec![
                "count",
                "--json",
                "--no-sync",
                "--facets",
                "collection,author",
                "drone",
            ],
        ),
        ("/api/articles".into(), vec!["list", "--json"]),
        (
            "/api/articles?prefix=world/".into(),
            vec!["list", "--json", "world/"],
        ),
        (format!("/api/articles/{doc}"), vec!["show", "--json", doc]),
        (
            format!("/api/articles/{doc}:2?context=0"),
            vec!["show", "--json", "-C", "0", "world/drone:2"],
        ),
        (
            "/api/articles/seeds/world/drone.md:7".into(),
            vec!["show", "--json", "seeds/world/drone.md:7"],
        ),
        (
            format!("/api/similar/{doc}:1"),
            vec!["similar", "--json", "--no-sync", "world/drone:1"],
        ),
        ("/api/stats".into(), vec!["stats", "--json"]),
    ];
    for (url, args) in &documents {
        assert_eq!(server.ok(url).text(), cli(&p, args), "{url}");
    }
}

#[test]
fn status_says_which_commit_is_served_and_what_is_allowed() {
    let p = desk();
    let server = Server::start(&p, &["--no-watch"]);
    let status = server.ok("/api/status").json();
    let stats: Value = serde_json::from_str(&cli(&p, &["stats", "--json"])).unwrap();
    assert_eq!(status["version"], 1);
    assert_eq!(status["seeds"], stats["seeds"]);
    assert_eq!(status["index"], stats["index"]);
    assert_eq!(status["last_changed"], stats["last_update"]);
    assert_eq!(status["articles"], 3);
    assert_eq!(status["generation"], 1);
    assert_eq!(status["watching"], false);
    assert_eq!(status["allow_writes"], false);
    let keys: Vec<&String> = status.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 10, "{keys:?}");
}

#[test]
fn the_page_and_its_assets_are_served() {
    let p = desk();
    let server = Server::start(&p, &[]);
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page.text().contains("/assets/app.js"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert_eq!(server.get("/assets/app.js").status, 200);
    assert_eq!(server.get("/assets/style.css").status, 200);
    server
        .get("/assets/nope.js")
        .assert_error(404, "nothing is served at");
    server
        .get("/api/nope")
        .assert_error(404, "nothing is served at");
    server
        .request("PUT", "/api/search?q=x", &[], b"")
        .assert_error(405, "PUT is not answered");
}

#[test]
fn bad_queries_and_parameters_are_400_with_the_cli_message() {
    let p = desk();
    let server = Server::start(&p, &[]);
    let run = p.run(&["search", "--no-sync", "date:2025-13-45"]);
    assert_eq!(run.code, 2);
    let cli_message = run.stderr.trim().trim_start_matches("seedsearch: error: ");
    server
        .get("/api/search?q=date:2025-13-45")
        .assert_error(400, cli_message);
    server.get("/api/search").assert_error(400, "bad query");
    server.get("/api/search?q=").assert_error(400, "bad query");
    server.get("/api/count?q=").assert_error(400, "bad query");
    for (url, words) in [
        ("/api/search?q=x&limit=ten", "bad parameter"),
        ("/api/search?q=x&limit=-1", "bad parameter"),
        (
            "/api/search?q=x&sort=size",
            "sort is `score` or `date`, not `size`",
        ),
        ("/api/search?q=x&facets=colour", "`colour` is not a facet"),
        ("/api/search?q=x&explain=maybe", "bad parameter"),
        ("/api/search?q=x&limt=3", "unknown field `limt`"),
        ("/api/search?q=x&q=y", "duplicate field"),
        ("/api/articles/world/drone?context=x", "bad parameter"),
        ("/api/stats?verbose=true", "unknown field `verbose`"),
    ] {
        server.get(url).assert_error(400, words);
    }
    // Huge numbers are brought within bounds, as in a batch line.
    let big = server.ok("/api/search?q=drone&limit=999999999&offset=99999999999");
    assert_eq!(big.json()["hits"], Value::Array(vec![]));
    // A URL is bounded; a long query goes in a body, where the query's own bound holds.
    server
        .get(&format!("/api/search?q={}", "x".repeat(61 * 1024)))
        .assert_error(414, "POST /api/search");
    let too_long = server.get(&format!("/api/search?q={}", "x".repeat(70 * 1024)));
    assert_eq!(too_long.status, 414, "the HTTP stack's own limit");
    let query = format!("{} drone", "word ".repeat(12_000));
    let body = serde_json::json!({"query": query, "limit": 2}).to_string();
    let long = server.request("POST", "/api/search", &[], body.as_bytes());
    assert_eq!(long.status, 200, "{}", long.text());
    assert_eq!(long.json()["query"], query.as_str());
    let over = "word ".repeat(14_000);
    let body = serde_json::json!({ "query": over }).to_string();
    server
        .request("POST", "/api/search", &[], body.as_bytes())
        .assert_error(400, "64 KiB");
    server
        .request(
            "POST",
            "/api/search",
            &[],
            b"{\"query\": \"x\", \"limt\": 1}",
        )
        .assert_error(400, "unknown field `limt`");
    let huge = vec![b' '; 200 * 1024];
    server
        .request("POST", "/api/search", &[], &huge)
        .assert_error(413, "at most 128 KiB");
}

#[test]
fn unknown_articles_are_404_and_paths_cannot_leave_the_seeds_folder() {
    let p = desk();
    std::fs::write(
        p.root().join("secret.txt"),
        "Secret\n\nThe password is swordfish.\n",
    )
    .unwrap();
    let server = Server::start(&p, &["--allow-writes"]);
    server
        .get("/api/articles/world/nope")
        .assert_error(404, "no article has the doc_id `world/nope`");
    server
        .get("/api/articles/world/drone:99")
        .assert_error(404, "there is no passage 99");
    server
        .get("/api/similar/world/nope")
        .assert_error(404, "no article has the doc_id");
    for path in [
        "/api/articles/../secret.txt",
        "/api/articles/seeds/../secret.txt",
        "/api/articles/..%2Fsecret.txt",
        "/api/articles/%2E%2E/secret.txt",
        "/api/articles/%2Fetc%2Fpasswd",
        "/api/articles//etc/passwd",
        "/api/articles/secret.txt",
        "/api/similar/../secret.txt",
    ] {
        let answer = server.get(path);
        assert_eq!(answer.status, 404, "{path}: {}", answer.text());
        assert!(!answer.text().contains("swordfish"), "{path}");
        let answer = server.request("DELETE", path, &[], b"");
        assert!(
            answer.status == 404 || answer.status == 405,
            "{path}: {answer:?}"
        );
    }
    server
        .get("/api/articles/world/drone%00.md")
        .assert_error(400, "no control characters");
    server
        .get("/api/articles/%FF%FE")
        .assert_error(400, "bad path");
    assert!(p.root().join("secret.txt").exists());
    assert_eq!(
        p.run(&["list", "--json"]).stdout,
        server.ok("/api/articles").text()
    );
}

#[test]
fn writes_are_refused_unless_allowed() {
    let p = desk();
    let server = Server::start(&p, &[]);
    server
        .request("POST", "/api/articles?name=new.txt", &[], b"New\n\nText.\n")
        .assert_error(403, "--allow-writes");
    server
        .request("DELETE", "/api/articles/world/drone", &[], b"")
        .assert_error(403, "--allow-writes");
    assert!(p.seeds().join("world/drone.md").exists());
    assert!(!p.seeds().join("new.txt").exists());
}

#[test]
fn add_and_remove_answer_the_cli_documents_and_show_at_once() {
    let p = desk();
    let server = Server::start(&p, &["--allow-writes"]);
    let story = "Harbour reopens\n\nThe harbour reopened after the storm.\n";
    let added = server.request(
        "POST",
        "/api/articles?name=harbour.txt&to=news",
        &[("Content-Type", "text/plain")],
        story.as_bytes(),
    );
    assert_eq!(added.status, 200, "{}", added.text());
    let report = added.json();
    assert_eq!(report["version"], 1);
    assert_eq!(report["added"][0]["path"], "seeds/news/harbour.txt");
    assert_eq!(report["added"][0]["doc_id"], "news/harbour");
    assert_eq!(report["index"]["added"], 1);
    assert_eq!(
        std::fs::read_to_string(p.seeds().join("news/harbour.txt")).unwrap(),
        story
    );
    // The next request already sees it.
    let hits = server.ok("/api/search?q=harbour").json();
    assert_eq!(hits["hits"][0]["doc_id"], "news/harbour");
    assert_eq!(server.ok("/api/status").json()["generation"], 2);
    // The same content again is already there; other content under the name clashes.
    let again = server.request(
        "POST",
        "/api/articles?name=harbour.txt&to=news",
        &[],
        story.as_bytes(),
    );
    assert_eq!(again.status, 200);
    assert_eq!(
        again.json()["already_there"][0]["path"],
        "seeds/news/harbour.txt"
    );
    server
        .request(
            "POST",
            "/api/articles?name=harbour.txt&to=news",
            &[],
            b"Other\n\nText.\n",
        )
        .assert_error(409, "already exists with different content");
    for (url, words) in [
        ("/api/articles?name=../up.txt", "must be a file name"),
        (
            "/api/articles?name=x.txt&to=../out",
            "must be a folder inside the seeds folder",
        ),
        (
            "/api/articles?name=x.pdf",
            "must be a file name ending in .txt or .md",
        ),
        ("/api/articles", "needs `?name=FILE.txt`"),
    ] {
        server
            .request("POST", url, &[], story.as_bytes())
            .assert_error(400, words);
    }
    server
        .request("POST", "/api/articles?name=empty.txt", &[], b"")
        .assert_error(400, "empty.txt");
    assert!(!p.root().join("up.txt").exists() && !p.root().join("out").exists());

    let removed = server.request("DELETE", "/api/articles/news/harbour", &[], b"");
    assert_eq!(removed.status, 200, "{}", removed.text());
    let report = removed.json();
    assert_eq!(report["removed"][0]["doc_id"], "news/harbour");
    assert_eq!(report["index"]["removed"], 1);
    assert!(!p.seeds().join("news/harbour.txt").exists());
    assert_eq!(server.ok("/api/search?q=harbour").json()["total_hits"], 0);
    server
        .request("DELETE", "/api/articles/news/harbour", &[], b"")
        .assert_error(404, "no article has the doc_id `news/harbour`");
    // A file as a search printed it names its article, as with `remove`.
    let removed = server.request("DELETE", "/api/articles/seeds/sport/flood.txt", &[], b"");
    assert_eq!(removed.json()["removed"][0]["doc_id"], "sport/flood");
}

#[test]
fn a_form_uploads_several_files_into_a_subfolder() {
    let p = desk();
    let server = Server::start(&p, &["--allow-writes"]);
    let boundary = "XyZzy0123";
    let mut body = String::new();
    for (name, text) in [
        (
            "one.txt",
            "Lighthouse one\n\nThe lighthouse keeper retired.\n",
        ),
        ("two.md", "# Lighthouse two\n\nA new lighthouse opened.\n"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: text/plain\r\n\r\n{text}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\ncoast\r\n--{boundary}--\r\n"
    ));
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let answer = server.request(
        "POST",
        "/api/articles",
        &[("Content-Type", &content_type)],
        body.as_bytes(),
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let report = answer.json();
    let paths: Vec<&str> = report["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["seeds/coast/one.txt", "seeds/coast/two.md"]);
    let hits = server.ok("/api/count?q=lighthouse").json();
    assert_eq!(hits["matched_articles"], 2);
    // A file name with a folder in it is refused, as --name is.
    let sneaky = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../x.txt\"\r\n\r\nX\n\nY\n\r\n--{boundary}--\r\n"
    );
    server
        .request(
            "POST",
            "/api/articles",
            &[("Content-Type", &content_type)],
            sneaky.as_bytes(),
        )
        .assert_error(400, "must be a file name");
}

#[test]
fn a_body_over_the_limit_is_413() {
    let p = desk();
    let server = Server::start(&p, &["--allow-writes"]);
    let big = vec![b'a'; 64 * 1024 * 1024 + 1];
    let answer = server.request("POST", "/api/articles?name=big.txt", &[], &big);
    answer.assert_error(413, "");
    assert!(!p.seeds().join("big.txt").exists());
}

#[test]
fn requests_for_other_hosts_or_from_other_pages_are_refused() {
    let p = desk();
    let server = Server::start(&p, &["--allow-writes"]);
    let own = format!("http://{}", server.host());
    let localhost = format!("localhost:{}", server.port);
    let other_port = format!("127.0.0.1:{}", server.port.wrapping_add(1));
    for host in [
        "evil.example",
        "evil.example:80",
        other_port.as_str(),
        "127.0.0.1",
    ] {
        server
            .raw("GET /api/stats HTTP/1.1", &[("Host", Some(host))], b"")
            .assert_error(403, "is not this server's address");
    }
    server
        .raw("GET /api/stats HTTP/1.0", &[("Host", None)], b"")
        .assert_error(403, "no Host header");
    assert_eq!(
        server
            .raw(
                "GET /api/stats HTTP/1.1",
                &[("Host", Some(&localhost))],
                b""
            )
            .status,
        200
    );
    for origin in ["http://evil.example", "null", "http://127.0.0.1:1"] {
        server
            .request("GET", "/api/search?q=drone", &[("Origin", origin)], b"")
            .assert_error(403, "only this server's own page");
        server
            .request(
                "POST",
                "/api/articles?name=x.txt",
                &[("Origin", origin)],
                b"X\n\nY.\n",
            )
            .assert_error(403, "only this server's own page");
        server
            .request(
                "DELETE",
                "/api/articles/world/drone",
                &[("Origin", origin)],
                b"",
            )
            .assert_error(403, "only this server's own page");
    }
    assert!(!p.seeds().join("x.txt").exists());
    assert!(p.seeds().join("world/drone.md").exists());
    let from_page = server.request("GET", "/api/search?q=drone", &[("Origin", &own)], b"");
    assert_eq!(from_page.status, 200);
}

#[test]
fn concurrent_searches_all_answer_while_an_add_runs() {
    let p = desk();
    let server = Arc::new(Server::start(&p, &["--allow-writes"]));
    let before = server.ok("/api/search?q=drone&limit=50").json()["total_hits"].clone();
    let searchers: Vec<_> = (0..32)
        .map(|_| {
            let server = Arc::clone(&server);
            std::thread::spawn(move || {
                let mut totals = Vec::new();
                for _ in 0..4 {
                    let answer = server.ok("/api/search?q=drone&limit=50");
                    totals.push(answer.json()["total_hits"].clone());
                }
                totals
            })
        })
        .collect();
    let added = server.request(
        "POST",
        "/api/articles?name=swarm.txt",
        &[],
        b"Drone swarm\n\nA drone swarm lit the sky.\n",
    );
    assert_eq!(added.status, 200, "{}", added.text());
    let after = server.ok("/api/search?q=drone&limit=50").json()["total_hits"].clone();
    assert_ne!(before, after);
    for searcher in searchers {
        for total in searcher.join().expect("a searching thread") {
            assert!(
                total == before || total == after,
                "{total} not {before} or {after}"
            );
        }
    }
    let check = p.run(&["index", "--check"]);
    assert_eq!(check.code, 0, "{check:?}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let p = desk();
    let server = Server::start(&p, &[]);
    assert_eq!(server.get("/api/status").status, 200);
    let (code, stderr) = server.interrupt();
    assert_eq!(code, Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
    assert_eq!(stderr.matches("http://").count(), 1, "{stderr}");
}

#[test]
fn a_busy_port_is_an_error_naming_it_and_listen() {
    let p = desk();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let listen = format!("127.0.0.1:{port}");
    let run = p.run(&["serve", "--listen", &listen]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains(&format!("port {port}")), "{run:?}");
    assert!(run.stderr.contains("--listen"), "{run:?}");
    let run = p.run(&["serve", "--listen", "nowhere"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--listen nowhere"), "{run:?}");
}

#[test]
fn listening_beyond_loopback_warns() {
    let p = desk();
    let server = Server::start(&p, &["--listen", "0.0.0.0:0"]);
    assert!(
        server.stderr().contains("which other computers can reach"),
        "{}",
        server.stderr()
    );
    assert_eq!(server.ok("/api/status").json()["version"], 1);
}

#[test]
fn a_commit_by_another_process_is_served_at_once_and_writes_wait_for_a_busy_index() {
    let p = desk();
    // Unwatched, so the commit seen is the other process's.
    let server = Server::start(&p, &["--allow-writes", "--no-watch"]);
    assert_eq!(server.ok("/api/search?q=glacier").json()["total_hits"], 0);
    p.write(
        "science/glacier.txt",
        "Glacier melts\n\nThe glacier lost a tenth of its ice.\n",
    );
    p.index(&[]);
    let hits = server.ok("/api/search?q=glacier").json();
    assert_eq!(hits["hits"][0]["doc_id"], "science/glacier");
    assert_eq!(server.ok("/api/status").json()["generation"], 2);

    let lock = p.hold_update_lock();
    // A write waits a few seconds for another update (the watcher's sync, an `add` in a
    // terminal), then is refused as busy.
    server
        .request("DELETE", "/api/articles/science/glacier", &[], b"")
        .assert_error(409, "is being updated by another seedsearch process");
    // Searches take no lock.
    assert_eq!(server.ok("/api/search?q=glacier").json()["total_hits"], 1);
    let releaser = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(800));
        drop(lock);
    });
    let added = server.request(
        "POST",
        "/api/articles?name=late.txt",
        &[],
        b"Late\n\nNews of the glacier.\n",
    );
    releaser.join().unwrap();
    assert_eq!(added.status, 200, "{}", added.text());
    assert_eq!(server.ok("/api/search?q=glacier").json()["total_hits"], 2);
    assert!(p.seeds().join("science/glacier.txt").exists());
}

/// Asks `path` until `until` holds for its JSON, for at most 20 s; returns the last answer.
fn poll(server: &Server, path: &str, until: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let answer = server.ok(path).json();
        if until(&answer) || std::time::Instant::now() > deadline {
            return answer;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_server_watches_the_folder_and_serves_each_change_without_a_restart() {
    let p = desk();
    let server = Server::start(&p, &[]);
    let status = server.ok("/api/status").json();
    assert_eq!(status["watching"], true, "{status}");
    let generation = status["generation"].as_u64().unwrap();
    let total = |v: &Value| v["total_hits"].as_u64().unwrap_or(u64::MAX);

    p.write(
        "science/glacier.txt",
        "Glacier melts\n\nThe glacier lost a tenth of its ice.\n",
    );
    let found = poll(&server, "/api/search?q=glacier", |v| total(v) == 1);
    assert_eq!(found["hits"][0]["doc_id"], "science/glacier", "{found}");

    // Edited in place: the new words are found, the old ones no longer.
    p.write(
        "science/glacier.txt",
        "Glacier melts\n\nThe ice sheet thinned by a metre.\n",
    );
    let edited = poll(&server, "/api/search?q=metre", |v| total(v) == 1);
    assert_eq!(edited["hits"][0]["doc_id"], "science/glacier", "{edited}");
    assert_eq!(total(&server.ok("/api/search?q=tenth").json()), 0);

    std::fs::remove_file(p.seeds().join("science/glacier.txt")).unwrap();
    let gone = poll(&server, "/api/search?q=metre", |v| total(v) == 0);
    assert_eq!(total(&gone), 0, "{gone}");
    let status = server.ok("/api/status").json();
    assert!(
        status["generation"].as_u64().unwrap() >= generation + 3,
        "{status}"
    );

    // One line per change; a sync that found nothing new says nothing.
    let stderr = server.stderr();
    assert!(stderr.contains("watching seeds for changes"), "{stderr}");
    assert!(stderr.contains("1 added"), "{stderr}");
    assert!(stderr.contains("1 removed"), "{stderr}");
    assert!(!stderr.contains("already up to date"), "{stderr}");
}

#[test]
fn no_watch_leaves_the_folder_unwatched() {
    let p = desk();
    let server = Server::start(&p, &["--no-watch"]);
    assert_eq!(server.ok("/api/status").json()["watching"], false);
    p.write(
        "science/glacier.txt",
        "Glacier melts\n\nThe glacier shrank.\n",
    );
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(server.ok("/api/search?q=glacier").json()["total_hits"], 0);
    assert!(!server.stderr().contains("watching"), "{}", server.stderr());
}

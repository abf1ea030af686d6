//! `seedsearch mcp`: the built binary speaking the Model Context Protocol over its stdin
//! and stdout, as an MCP client starts it. The tools' documents are compared with what the
//! command line prints for the same request; bad arguments, unknown tools and broken
//! messages are answered, never a crashed server.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use serde_json::{json, Value};

use crate::harness::{desk, Project};

/// A running `seedsearch mcp` and the client's ends of its pipes.
struct Mcp {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl Mcp {
    fn start(p: &Project, extra: &[&str]) -> Mcp {
        let mut args = vec!["mcp"];
        args.extend_from_slice(extra);
        let mut child = p
            .command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start seedsearch mcp");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut mcp = Mcp {
            child,
            stdin,
            stdout,
            next_id: 0,
        };
        let init = mcp.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": { "name": "tests", "version": "1" }
            }),
        );
        assert_eq!(init["result"]["protocolVersion"], "2025-06-18", "{init}");
        mcp.send_line(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        mcp
    }

    fn send_line(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(line.as_bytes()).expect("send");
        stdin.write_all(b"\n").expect("send");
        stdin.flush().expect("send");
    }

    /// The next message on stdout, which must be one line of JSON.
    fn receive(&mut self) -> Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("read");
        assert!(line.ends_with('\n'), "the server closed stdout: {line:?}");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.send_line(&message.to_string());
        let answer = self.receive();
        assert_eq!(answer["jsonrpc"], "2.0", "{answer}");
        assert_eq!(answer["id"], id, "{answer}");
        answer
    }

    /// `tools/call`: the result (which may be a tool error).
    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        let answer = self.request(
            "tools/call",
            json!({ "name": tool, "arguments": arguments }),
        );
        assert!(answer.get("error").is_none(), "{answer}");
        answer["result"].clone()
    }

    /// A tool call that must succeed: its structured document, checked against its text.
    fn ok(&mut self, tool: &str, arguments: Value) -> Value {
        let result = self.call(tool, arguments.clone());
        assert_eq!(result["isError"], false, "{tool} {arguments}: {result}");
        let text = result["content"][0]["text"].as_str().expect("a text block");
        let parsed: Value = serde_json::from_str(text).expect("the text is the JSON");
        assert_eq!(parsed, result["structuredContent"]);
        result["structuredContent"].clone()
    }

    /// A tool call that must fail as a tool error: its message.
    fn tool_error(&mut self, tool: &str, arguments: Value) -> String {
        let result = self.call(tool, arguments.clone());
        assert_eq!(result["isError"], true, "{tool} {arguments}: {result}");
        assert!(result.get("structuredContent").is_none(), "{result}");
        result["content"][0]["text"]
            .as_str()
            .expect("a message")
            .to_string()
    }

    /// Closes stdin, as a client does to stop the server, and returns the exit status.
    fn close(mut self) -> Option<i32> {
        drop(self.stdin.take());
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut self.stdout, &mut rest);
        assert_eq!(rest, "", "nothing after the last answer");
        self.child.wait().expect("wait").code()
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the command line prints on stdout for `args`, as JSON.
fn cli_json(p: &Project, args: &[&str]) -> Value {
    let run = p.run(args);
    assert!(run.code == 0 || run.code == 1, "{args:?}: {run:?}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[test]
fn initialize_negotiates_the_version_and_names_the_server() {
    let p = desk();
    let mut mcp = Mcp::start(&p, &[]);
    for (asked, given) in [
        ("2025-03-26", "2025-03-26"),
        ("2024-11-05", "2024-11-05"),
        ("1999-01-01", "2025-06-18"),
    ] {
        let init = mcp.request(
            "initialize",
            json!({ "protocolVersion": asked, "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }),
        );
        let result = &init["result"];
        assert_eq!(result["protocolVersion"], given, "{init}");
        assert_eq!(result["serverInfo"]["name"], "seedsearch");
        assert!(result["capabilities"]["tools"].is_object(), "{init}");
        assert!(result["instructions"].as_str().unwrap().contains("cite"));
    }
    assert_eq!(mcp.request("ping", json!({}))["result"], json!({}));
    assert_eq!(mcp.close(), Some(0));
}

#[test]
fn tools_are_listed_with_schemas_that_teach_the_query_language() {
    let p = desk();
    let mut mcp = Mcp::start(&p, &[]);
    let tools = mcp.request("tools/list", json!({}))["result"]["tools"].clone();
    let names: Vec<&str> = tools
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["search", "show", "list", "stats", "count", "similar"]
    );
    for tool in tools.as_array().unwrap() {
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        assert_eq!(tool["annotations"]["readOnlyHint"], true, "{tool}");
        assert!(!tool["description"].as_str().unwrap().is_empty());
    }
    let search = &tools[0];
    let description = search["description"].as_str().unwrap();
    for taught in ["collection:sport", "date:", "\"exact phrase\"", "cite"] {
        assert!(description.contains(taught), "{taught} in {description}");
    }
    assert_eq!(search["inputSchema"]["required"], json!(["query"]));

    let mut writer = Mcp::start(&p, &["--allow-writes"]);
    let tools = writer.request("tools/list", json!({}))["result"]["tools"].clone();
    let writes: Vec<&Value> = tools
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["annotations"]["readOnlyHint"] == false)
        .collect();
    assert_eq!(writes.len(), 2);
    assert_eq!(writes[0]["name"], "add");
    assert_eq!(writes[1]["name"], "remove");
    assert_eq!(writes[1]["annotations"]["destructiveHint"], true);
}

#[test]
fn search_answers_citations_of_the_cli_hits() {
    let p = desk();
    let mut mcp = Mcp::start(&p, &[]);
    for (arguments, flags) in [
        (json!({ "query": "drone" }), vec![]),
        (
            json!({ "query": "drone", "limit": 2, "offset": 1 }),
            vec!["--limit", "2", "--offset", "1"],
        ),
        (
            json!({ "query": "drone collection:world", "per_doc": 1 }),
            vec!["--per-doc", "1"],
        ),
        (
            json!({ "query": "newsletter", "include_boilerplate": true }),
            vec!["--include-boilerplate"],
        ),
        (
            json!({ "query": "drone", "sort": "date" }),
            vec!["--sort", "date"],
        ),
    ] {
        let got = mcp.ok("search", arguments.clone());
        let query = arguments["query"].as_str().unwrap();
        let mut args = vec!["search", "--json", "--no-sync"];
        args.extend(flags);
        args.extend(["--", query]);
        let want = cli_json(&p, &args);
        assert_eq!(
            got.as_object().unwrap().keys().next().map(String::as_str),
            Some("version")
        );
        assert_eq!(got["version"], 1);
        assert_eq!(got["query"], query);
        assert_eq!(got["total_hits"], want["total_hits"], "{arguments}");
        let hits = got["hits"].as_array().unwrap();
        let cli_hits = want["hits"].as_array().unwrap();
        assert_eq!(hits.len(), cli_hits.len(), "{arguments}");
        assert!(!hits.is_empty(), "{arguments}");
        for (hit, cli) in hits.iter().zip(cli_hits) {
            let cite = format!("{}:{}", cli["path"].as_str().unwrap(), cli["line_start"]);
            assert_eq!(hit["cite"], cite.as_str());
            for key in ["doc_id", "title", "section", "passage", "text"] {
                assert_eq!(hit[key], cli[key], "{key}");
            }
            assert_eq!(hit["lines"], json!([cli["line_start"], cli["line_end"]]));
            let score = hit["score"].as_f64().unwrap();
            assert!((score - cli["score"].as_f64().unwrap()).abs() < 0.001);
            // The citation comes first, for a reader of the text.
            assert_eq!(
                hit.as_object().unwrap().keys().next().map(String::as_str),
                Some("cite")
            );
            // Compact: no offsets, snippets or duplicate lists.
            for absent in ["highlights", "snippet", "also_in", "rank"] {
                assert!(hit.get(absent).is_none(), "{absent} in {hit}");
            }
        }
    }
    // Metadata comes with the hit when the article has some.
    let got = mcp.ok("search", json!({ "query": "overnight" }));
    assert_eq!(got["hits"][0]["metadata"]["author"], "Ann Lee", "{got}");
    // An empty answer says why.
    let got = mcp.ok("search", json!({ "query": "Genevaa" }));
    assert_eq!(got["hits"], json!([]));
    assert_eq!(got["unmatched"], json!(["Genevaa"]));
    assert_eq!(got["suggestions"][0]["did_you_mean"][0], "Geneva", "{got}");
}

#[test]
fn the_other_read_tools_answer_the_cli_documents() {
    let p = desk();
    let mut mcp = Mcp::start(&p, &[]);
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        (
            "show",
            json!({ "target": "world/drone" }),
            vec!["show", "--json", "world/drone"],
        ),
        (
            "show",
            json!({ "target": "world/drone:2", "context": 0 }),
            vec!["show", "--json", "-C", "0", "world/drone:2"],
        ),
        (
            "show",
            json!({ "target": "seeds/world/drone.md:7" }),
            vec!["show", "--json", "seeds/world/drone.md:7"],
        ),
        ("list", json!({}), vec!["list", "--json"]),
        (
            "list",
            json!({ "prefix": "world/" }),
            vec!["list", "--json", "world/"],
        ),
        ("stats", json!({}), vec!["stats", "--json"]),
        (
            "count",
            json!({ "query": "drone", "facets": ["collection", "author"] }),
            vec![
                "count",
                "--json",
                "--no-sync",
                "--facets",
                "collection,author",
                "drone",
            ],
        ),
    ];
    for (tool, arguments, args) in cases {
        assert_eq!(
            mcp.ok(tool, arguments.clone()),
            cli_json(&p, &args),
            "{tool} {arguments}"
        );
    }
    let similar = mcp.ok("similar", json!({ "target": "world/drone:1" }));
    let want = cli_json(&p, &["similar", "--json", "--no-sync", "world/drone:1"]);
    let doc_ids = |hits: &Value, key: &str| -> Vec<String> {
        hits.as_array()
            .unwrap()
            .iter()
            .map(|h| h[key].to_string())
            .collect()
    };
    assert_eq!(
        doc_ids(&similar["hits"], "doc_id"),
        doc_ids(&want["hits"], "doc_id")
    );
    assert!(!similar["hits"].as_array().unwrap().is_empty());
}

#[test]
fn bad_arguments_and_queries_are_tool_errors_with_the_cli_message() {
    let p = desk();
    let mut mcp = Mcp::start(&p, &[]);
    let message = mcp.tool_error("search", json!({ "query": "drone", "limit": "ten" }));
    assert!(message.contains("bad arguments for `search`"), "{message}");
    let message = mcp.tool_error("search", json!({ "query": "drone", "colour": "red" }));
    assert!(message.contains("colour"), "{message}");
    let message = mcp.tool_error("search", json!({ "query": "drone", "sort": "size" }));
    assert!(message.contains("sort is `score` or `date`"), "{message}");

    let run = p.run(&["search", "--no-sync", "drone date:2025-13-45"]);
    assert_eq!(run.code, 2);
    let message = mcp.tool_error("search", json!({ "query": "drone date:2025-13-45" }));
    assert!(
        run.stderr.contains(&message),
        "{message:?} not in {:?}",
        run.stderr
    );

    let run = p.run(&["show", "world/nowhere"]);
    assert_eq!(run.code, 2);
    let message = mcp.tool_error("show", json!({ "target": "world/nowhere" }));
    assert!(
        run.stderr.contains(&message),
        "{message:?} not in {:?}",
        run.stderr
    );
    let message = mcp.tool_error("show", json!({ "target": "../../etc/passwd" }));
    assert!(!message.is_empty());
    let message = mcp.tool_error("show", json!({}));
    assert!(message.contains("target"), "{message}");
    let message = mcp.tool_error("search", json!({ "query": "" }));
    assert!(message.contains("empty"), "{message}");
    // After all that the server still answers.
    assert_eq!(
        mcp.ok("search", json!({ "query": "geneva" }))["total_hits"],
        1
    );
    assert_eq!(mcp.close(), Some(0));
}

#[test]
fn messages_that_are_no_tool_call_are_json_rpc_errors_and_the_server_goes_on() {
    let p = desk();
    let mut mcp = Mcp::start(&p, &[]);
    let unknown_tool = mcp.request(
        "tools/call",
        json!({ "name": "delete_everything", "arguments": {} }),
    );
    assert_eq!(unknown_tool["error"]["code"], -32602, "{unknown_tool}");
    assert!(unknown_tool["error"]["message"]
        .as_str()
        .unwrap()
        .contains("search"));
    // Writing tools do not exist without --allow-writes.
    let add = mcp.request(
        "tools/call",
        json!({ "name": "add", "arguments": { "name": "a.txt", "text": "A\n\nB.\n" } }),
    );
    assert_eq!(add["error"]["code"], -32602, "{add}");
    assert!(!p.seeds().join("a.txt").exists());

    let unknown_method = mcp.request("resources/list", json!({}));
    assert_eq!(unknown_method["error"]["code"], -32601, "{unknown_method}");

    mcp.send_line("{not json");
    let parse = mcp.receive();
    assert_eq!(parse["error"]["code"], -32700, "{parse}");
    assert_eq!(parse["id"], Value::Null);
    mcp.send_line("[1, 2]");
    assert_eq!(mcp.receive()["error"]["code"], -32600);
    mcp.send_line(&format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"ping\",\"params\":{{\"pad\":\"{}\"}}}}",
        "x".repeat(17 << 20)
    ));
    let long = mcp.receive();
    assert_eq!(long["error"]["code"], -32600, "{long}");
    // Notifications and blank lines get no answer: the next line answers the ping.
    mcp.send_line(
        r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#,
    );
    mcp.send_line("");
    let ping = mcp.request("ping", json!({}));
    assert_eq!(ping["result"], json!({}));
    assert_eq!(mcp.close(), Some(0));
}

#[test]
fn the_server_keeps_up_with_the_folder_as_a_search_does() {
    let p = desk();
    let mut mcp = Mcp::start(&p, &[]);
    assert_eq!(
        mcp.ok("search", json!({ "query": "glacier" }))["total_hits"],
        0
    );
    p.write(
        "science/glacier.txt",
        "Glacier melts\n\nThe glacier lost a tenth of its ice.\n",
    );
    let found = mcp.ok("search", json!({ "query": "glacier" }));
    assert_eq!(
        found["hits"][0]["cite"], "seeds/science/glacier.txt:3",
        "{found}"
    );
    // Another process's commit is read too.
    p.write(
        "science/moraine.txt",
        "Moraine\n\nThe moraine is the glacier's rubble.\n",
    );
    p.index(&[]);
    assert_eq!(
        mcp.ok("search", json!({ "query": "glacier" }))["total_hits"],
        2
    );
    assert_eq!(mcp.ok("stats", json!({}))["articles"], 5);
}

#[test]
fn with_writes_articles_are_added_and_removed_with_the_cli_refusals() {
    let p = desk();
    let mut mcp = Mcp::start(&p, &["--allow-writes"]);
    let added = mcp.ok(
        "add",
        json!({ "name": "swarm", "text": "Drone swarm\n\nA drone swarm lit the sky over Riga.\n", "to": "world" }),
    );
    assert_eq!(added["version"], 1);
    assert!(p.seeds().join("world/swarm.txt").exists());
    let found = mcp.ok("search", json!({ "query": "riga" }));
    assert_eq!(
        found["hits"][0]["cite"], "seeds/world/swarm.txt:3",
        "{found}"
    );
    // The same text again is already there; other text under the name is a clash.
    let again = mcp.ok(
        "add",
        json!({ "name": "swarm", "text": "Drone swarm\n\nA drone swarm lit the sky over Riga.\n", "to": "world" }),
    );
    assert_eq!(again["added"], json!([]), "{again}");
    let clash = mcp.tool_error(
        "add",
        json!({ "name": "swarm.txt", "text": "Other\n\nText.\n", "to": "world" }),
    );
    assert!(
        clash.contains("already exists with different content"),
        "{clash}"
    );
    let escape = mcp.tool_error(
        "add",
        json!({ "name": "x.txt", "text": "X\n\nY.\n", "to": "../out" }),
    );
    assert!(!escape.is_empty());
    assert!(!p.root().join("out").exists());

    let removed = mcp.ok("remove", json!({ "doc_id": "world/swarm" }));
    assert_eq!(removed["version"], 1);
    assert!(!p.seeds().join("world/swarm.txt").exists());
    assert_eq!(
        mcp.ok("search", json!({ "query": "riga" }))["total_hits"],
        0
    );
    let unknown = mcp.tool_error("remove", json!({ "doc_id": "world/swarm" }));
    let run = p.run(&["remove", "world/swarm"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&unknown),
        "{unknown:?} not in {:?}",
        run.stderr
    );
}

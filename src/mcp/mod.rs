//! `seedsearch mcp`: a Model Context Protocol server over stdio, for AI agents.
//!
//! The protocol is JSON-RPC 2.0, one message per line on stdin and stdout
//! (<https://modelcontextprotocol.io/specification/2025-06-18>). This server speaks the
//! part a tool server needs: `initialize` (with version negotiation), `ping`,
//! `tools/list` and `tools/call`; notifications (`notifications/initialized`,
//! `notifications/cancelled`) are accepted and answered by nothing, as the protocol says.
//! It is a small layer over `serde_json` rather than an SDK: the messages are few, the
//! tools' schemas are written by hand to teach the query language, and the binary stays
//! one synchronous loop with no second runtime.
//!
//! Requests are answered one at a time, in order. A tool's failure (a bad query, an
//! unknown doc_id, a busy index) is a tool result with `isError: true` and the command
//! line's message, for the agent to read and correct; only what is not a tool call at all
//! (unparseable JSON, an unknown method or tool) is a JSON-RPC error. Nothing here prints
//! except the answers on `output`; what happens to the index goes to the
//! [`Reporter`](crate::collection::Reporter).

pub mod tools;

use std::io::{BufRead, Write};

use anyhow::{Context, Result};
use serde_json::{json, Value};

use crate::lines::{BoundedLines, Line};

pub use tools::Tools;

/// The protocol versions this server speaks, newest first. A client asking for one of
/// them gets it; any other gets the newest, and may disconnect.
pub const PROTOCOL_VERSIONS: [&str; 3] = ["2025-06-18", "2025-03-26", "2024-11-05"];

/// Longest message read, in bytes: an `add` carries an article's whole text, and 16 MiB
/// is plenty for news while keeping memory bounded. A longer line is answered with an
/// error and skipped without being held.
pub const MAX_MESSAGE_BYTES: usize = 16 << 20;

/// JSON-RPC error codes.
mod code {
    pub const PARSE_ERROR: i64 = -32700;
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    pub const INVALID_PARAMS: i64 = -32602;
}

/// What the server tells a client about itself in `initialize`.
const INSTRUCTIONS: &str = "seedsearch searches a folder of news articles split into \
paragraph-level passages. Call `search` with keywords or a question; cite hits by their \
`cite` field (PATH:LINE). `show` reads a passage with its neighbours or a whole article; \
`list` and `stats` describe the collection; `count` gives how many passages and articles \
match (per collection, author, source or month with facets); `similar` finds passages \
like a given one.";

/// Serves MCP requests from `input` on `output` until the input ends (the client closed
/// the pipe) or `tools`' cancel token is cancelled.
///
/// # Errors
/// Only when reading the input or writing the output fails (the client went away).
pub fn serve(input: impl BufRead, mut output: impl Write, tools: &mut Tools) -> Result<()> {
    let mut lines = BoundedLines::new(input, MAX_MESSAGE_BYTES);
    while let Some(line) = lines
        .next_line()
        .context("cannot read the MCP client's input")?
    {
        let answer = match line {
            Line::Text(text) if text.trim().is_empty() => continue,
            Line::Text(text) => answer(&text, tools),
            Line::TooLong { bytes, .. } => Some(error(
                &Value::Null,
                code::INVALID_REQUEST,
                &format!(
                    "a message of {} KiB is over the limit of {} KiB; it was skipped",
                    bytes.div_ceil(1024),
                    MAX_MESSAGE_BYTES / 1024
                ),
            )),
            Line::NotUtf8 => Some(error(
                &Value::Null,
                code::PARSE_ERROR,
                "a message is not valid UTF-8; it was skipped",
            )),
        };
        if let Some(answer) = answer {
            serde_json::to_writer(&mut output, &answer)
                .context("cannot write to the MCP client")?;
            output
                .write_all(b"\n")
                .and_then(|()| output.flush())
                .context("cannot write to the MCP client")?;
        }
        if tools.cancelled() {
            break;
        }
    }
    Ok(())
}

/// The answer to one message, or `None` for a notification (or a client's answer).
fn answer(text: &str, tools: &mut Tools) -> Option<Value> {
    let message: Value = match serde_json::from_str(text) {
        Ok(message) => message,
        Err(err) => {
            return Some(error(
                &Value::Null,
                code::PARSE_ERROR,
                &format!("a message is not JSON: {err}"),
            ))
        }
    };
    let Some(object) = message.as_object() else {
        // A batch (an array) was JSON-RPC's, and MCP 2025-06-18 dropped it.
        return Some(error(
            &Value::Null,
            code::INVALID_REQUEST,
            "a message must be one JSON-RPC object (batches are not supported)",
        ));
    };
    let id = object.get("id").cloned();
    let Some(method) = object.get("method").and_then(Value::as_str) else {
        // A client's answer to a request of ours: we send none, so there is nothing to do.
        return match id {
            Some(id) if !object.contains_key("result") && !object.contains_key("error") => {
                Some(error(
                    &id,
                    code::INVALID_REQUEST,
                    "a request needs a `method` string",
                ))
            }
            _ => None,
        };
    };
    let params = object.get("params").cloned().unwrap_or(Value::Null);
    let id = id?; // a notification: nothing to answer
    let result = match method {
        "initialize" => Ok(initialize(&params)),
        "ping" => Ok(json!({})),
        "tools/list" => Ok(json!({ "tools": tools.definitions() })),
        "tools/call" => call(&params, tools),
        other => Err((
            code::METHOD_NOT_FOUND,
            format!("`{other}` is not a method this server knows"),
        )),
    };
    Some(match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err((code, message)) => error(&id, code, &message),
    })
}

fn initialize(params: &Value) -> Value {
    let asked = params.get("protocolVersion").and_then(Value::as_str);
    let version = asked
        .and_then(|asked| PROTOCOL_VERSIONS.iter().find(|v| **v == asked))
        .unwrap_or(&PROTOCOL_VERSIONS[0]);
    json!({
        "protocolVersion": version,
        "capabilities": { "tools": { "listChanged": false } },
        "serverInfo": {
            "name": "seedsearch",
            "title": "seedsearch: search a folder of news articles",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "instructions": INSTRUCTIONS,
    })
}

fn call(params: &Value, tools: &mut Tools) -> Result<Value, (i64, String)> {
    let Some(name) = params.get("name").and_then(Value::as_str) else {
        return Err((
            code::INVALID_PARAMS,
            "tools/call needs a `name` string".into(),
        ));
    };
    let arguments = match params.get("arguments") {
        None | Some(Value::Null) => Value::Object(serde_json::Map::new()),
        Some(arguments) => arguments.clone(),
    };
    if !tools.knows(name) {
        return Err((
            code::INVALID_PARAMS,
            format!(
                "there is no tool `{name}`; the tools are {}",
                tools.names().join(", ")
            ),
        ));
    }
    Ok(match tools.call(name, arguments) {
        Ok(document) => json!({
            // The document as text too, for clients that read only `content`.
            "content": [{ "type": "text", "text": document.to_string() }],
            "structuredContent": document,
            "isError": false,
        }),
        Err(message) => json!({
            "content": [{ "type": "text", "text": message }],
            "isError": true,
        }),
    })
}

fn error(id: &Value, code: i64, message: &str) -> Value {
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    })
}

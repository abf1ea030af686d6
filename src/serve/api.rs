//! The HTTP API: each handler reads its parameters, makes one library call, and answers
//! with the document the matching command prints with `--format json` (same schema, same
//! `version`), rendered by the same [`View`] code. Errors are JSON too,
//! `{"version": 1, "error": MESSAGE}` with the command line's message: 400 for a bad
//! query or parameter, 403 for a refused request, 404 for an unknown article or route,
//! 409 for a name clash or a busy index, 413 for a body over [`MAX_BODY_BYTES`], 414 for
//! a query string over [`MAX_QUERY_STRING_BYTES`], 503 when the index cannot be read, and
//! 500 only for a bug (a panic in a handler included).

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use anyhow::anyhow;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Multipart, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::guard::Guard;
use super::Shared;
use crate::collection::{self, AddRequest, Collection, Input, Wait};
use crate::corpus::{Unreadable, MAX_ARTICLE_BYTES};
use crate::output::json;
use crate::output::{Counted, View};
use crate::query::{quoted, MAX_BATCH_LINE_BYTES, MAX_QUERY_BYTES};
use crate::refusal::{refusal, Refusal};
use crate::search::{self, Facet, Results, SearchError};

/// Largest request body (an upload of articles): a news article is a few KiB, so this
/// leaves room for many in one request; bigger files go in with `seedsearch add`.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// Longest query string we read: under the 64 KiB the HTTP stack allows a whole URL
/// (which it answers with a bare 414), so a long one gets a message. A longer query (up
/// to [`MAX_QUERY_BYTES`]) goes in the body of `POST /api/search`.
pub const MAX_QUERY_STRING_BYTES: usize = 60 * 1024;

/// The API and the page, with the guard, limits and panic catching around them.
pub fn router(shared: Arc<Shared>, guard: Guard) -> Router {
    let guard = Arc::new(guard);
    Router::new()
        .route("/", get(page))
        .route("/assets/{*file}", get(page))
        .route("/api/search", get(search).post(search_body))
        .route("/api/count", get(count))
        .route("/api/articles", get(list).post(add))
        .route("/api/articles/{*doc_id}", get(show).delete(remove))
        .route("/api/similar/{*target}", get(similar))
        .route("/api/stats", get(stats))
        .route("/api/status", get(status))
        .fallback(no_route)
        .method_not_allowed_fallback(wrong_method)
        .with_state(shared)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(guard, guarded))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
}

/// An error answer: a status and the message the command line would print.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// A library error, with the status its [`Refusal`] calls for (500 for none).
    fn library(err: &anyhow::Error, shared: &Shared) -> ApiError {
        let status = match refusal(err) {
            Some(Refusal::BadInput) => StatusCode::BAD_REQUEST,
            Some(Refusal::NotFound) => StatusCode::NOT_FOUND,
            Some(Refusal::Conflict | Refusal::Busy) => StatusCode::CONFLICT,
            None if crate::interrupt::is_interrupted(err) => StatusCode::SERVICE_UNAVAILABLE,
            None => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let err = crate::store::with_rebuild_hint(anyhow!("{err:#}"), &shared.paths().index);
        ApiError::new(status, format!("{err:#}"))
    }

    fn query(err: SearchError, query: &str, shared: &Shared) -> ApiError {
        match err {
            SearchError::Query(e) => ApiError::bad(format!("bad query `{}`: {e}", quoted(query))),
            SearchError::Index(e) => ApiError::library(&e, shared),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = Vec::new();
        let document = json::ErrorJson {
            version: json::VERSION,
            error: &self.message,
        };
        if json::line(&mut body, &document).is_err() {
            body = b"{\"version\":1,\"error\":\"cannot encode the error\"}\n".to_vec();
        }
        (self.status, json_headers(), body).into_response()
    }
}

type Answer = Result<Response, ApiError>;

fn json_headers() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ]
}

/// `value` as the JSON document its command prints.
fn document(value: &dyn View) -> Answer {
    let mut body = Vec::new();
    value
        .json(&mut body)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((json_headers(), body).into_response())
}

/// Runs index work on the blocking pool (searches block), turning a panic into an error:
/// tantivy's on a damaged index says so with the way out (503), seedsearch's own is a bug
/// (500).
async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    work: impl FnOnce(&Shared) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let shared = Arc::clone(shared);
    let ran = tokio::task::spawn_blocking(move || {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| work(&shared)));
        result.map_err(|_| match crate::exit::take_library_panic() {
            Some(what) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "{:#}",
                    crate::exit::damaged_by_panic(&what, &shared.paths().index)
                ),
            ),
            None => bug(),
        })
    })
    .await;
    match ran {
        Ok(Ok(result)) => result,
        Ok(Err(err)) => Err(err),
        Err(_) => Err(bug()),
    }
}

fn bug() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "seedsearch stopped on a bug while answering; please report it, with the request",
    )
}

fn panicked(_panic: Box<dyn std::any::Any + Send>) -> Response {
    bug().into_response()
}

/// Refuses requests not addressed to this server or not made from its own page.
async fn guarded(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let checked = {
        let header = |name: header::HeaderName| {
            request
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap_or("(not text)"))
        };
        // Absolute-form requests carry the host in the URI instead.
        let host = header(header::HOST).or_else(|| request.uri().authority().map(|a| a.as_str()));
        guard.check(host, header(header::ORIGIN))
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(refused) => ApiError::new(StatusCode::FORBIDDEN, refused.to_string()).into_response(),
    }
}

/// The parameters of a query string; unknown names, repeated names and values of the
/// wrong kind are refused.
fn params<T: DeserializeOwned>(raw: Option<&str>) -> Result<T, ApiError> {
    let raw = raw.unwrap_or("");
    if raw.len() > MAX_QUERY_STRING_BYTES {
        return Err(ApiError::new(
            StatusCode::URI_TOO_LONG,
            format!(
                "the query string is {} KiB long; it is at most {} KiB (send a longer query \
                 as a JSON object in the body of POST /api/search)",
                raw.len().div_ceil(1024),
                MAX_QUERY_STRING_BYTES / 1024,
            ),
        ));
    }
    serde_urlencoded::from_str(raw).map_err(|e| ApiError::bad(format!("bad parameter: {e}")))
}

/// A doc_id (or file) taken from the path: never a control character (NUL included).
fn target(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    let Path(target) = path.map_err(|e| ApiError::bad(format!("bad path: {}", e.body_text())))?;
    if target.chars().any(char::is_control) {
        return Err(ApiError::bad(format!(
            "{target:?} is not a doc_id: a doc_id has no control characters"
        )));
    }
    Ok(target)
}

fn writes_allowed(shared: &Shared) -> Result<(), ApiError> {
    if shared.options().allow_writes {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "this server does not change the collection; start it with `seedsearch serve \
             --allow-writes` to add and remove articles",
        ))
    }
}

async fn page(uri: axum::http::Uri) -> Response {
    match super::assets::asset(uri.path()) {
        Some((kind, body)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
                (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
                (
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static("frame-ancestors 'none'"),
                ),
                (
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("no-referrer"),
                ),
            ],
            body,
        )
            .into_response(),
        None => no_route(uri).await,
    }
}

async fn no_route(uri: axum::http::Uri) -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "nothing is served at {}; the API is under /api (see README.md)",
            quoted(uri.path())
        ),
    )
    .into_response()
}

async fn wrong_method(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not answered at {}", quoted(uri.path())),
    )
    .into_response()
}

fn run_search(
    collection: &Collection,
    request: &search::Request,
    shared: &Shared,
) -> Result<Results, ApiError> {
    collection
        .search(request)
        .map_err(|e| ApiError::query(e, &request.query, shared))
}

/// `GET /api/search?q=...`: the `search --format json` document. Options as a batch
/// line names them ([`search::Options`]), `facets` comma-separated.
async fn search(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Answer {
    let options: search::Options = params(raw.as_deref())?;
    let request = options
        .request(&search::Request::new(""))
        .map_err(|e| ApiError::bad(format!("bad parameter: {e}")))?;
    let results = blocking(&shared, move |shared| {
        run_search(&shared.collection(), &request, shared)
    })
    .await?;
    document(&results)
}

/// `POST /api/search` with a JSON object as a `--batch` line has it (`{"query": ...,
/// "limit": ...}`): for queries too long for a URL. The same document as `GET`.
async fn search_body(State(shared): State<Arc<Shared>>, body: Bytes) -> Answer {
    if body.len() > MAX_BATCH_LINE_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the search is {} KiB long; it is at most {} KiB (a query at most {} KiB)",
                body.len().div_ceil(1024),
                MAX_BATCH_LINE_BYTES / 1024,
                MAX_QUERY_BYTES / 1024
            ),
        ));
    }
    let options: search::Options =
        serde_json::from_slice(&body).map_err(|e| ApiError::bad(format!("bad search: {e}")))?;
    let request = options
        .request(&search::Request::new(""))
        .map_err(|e| ApiError::bad(format!("bad search: {e}")))?;
    let results = blocking(&shared, move |shared| {
        run_search(&shared.collection(), &request, shared)
    })
    .await?;
    document(&results)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountParams {
    #[serde(default, alias = "query")]
    q: String,
    #[serde(default, deserialize_with = "search::deserialize_facets")]
    facets: Vec<Facet>,
    include_boilerplate: Option<bool>,
}

/// `GET /api/count?q=...&facets=...`: the `count --format json` document.
async fn count(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Answer {
    let params: CountParams = params(raw.as_deref())?;
    let request = search::Request {
        limit: 0,
        facets: params.facets,
        include_boilerplate: params.include_boilerplate.unwrap_or(false),
        ..search::Request::new(params.q)
    };
    let results = blocking(&shared, move |shared| {
        run_search(&shared.collection(), &request, shared)
    })
    .await?;
    document(&Counted(&results))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    prefix: Option<String>,
}

/// `GET /api/articles?prefix=...`: the `list --format json` document.
async fn list(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Answer {
    let params: ListParams = params(raw.as_deref())?;
    let entries = blocking(&shared, move |shared| {
        shared
            .collection()
            .list(params.prefix.as_deref())
            .map_err(|e| ApiError::library(&e, shared))
    })
    .await?;
    document(&entries)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShowParams {
    context: Option<u32>,
}

/// `GET /api/articles/DOC_ID[:N]?context=N`: the `show --format json` document.
async fn show(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let target = target(path)?;
    let params: ShowParams = params(raw.as_deref())?;
    let view = blocking(&shared, move |shared| {
        shared
            .collection()
            .article(&target, params.context.unwrap_or(1))
            .map_err(|e| ApiError::library(&e, shared))
    })
    .await?;
    document(&view)
}

/// `GET /api/similar/DOC_ID[:N]`: the `similar --format json` document; search options
/// as for `/api/search`, and `q` (optional) must match too, as with `search --like`.
async fn similar(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Answer {
    let target = target(path)?;
    let options: search::Options = params(raw.as_deref())?;
    let mut request = options
        .request(&search::Request::new(""))
        .map_err(|e| ApiError::bad(format!("bad parameter: {e}")))?;
    let results = blocking(&shared, move |shared| {
        let collection = shared.collection();
        request.like = Some(
            collection
                .like(&target)
                .map_err(|e| ApiError::library(&e, shared))?,
        );
        run_search(&collection, &request, shared)
    })
    .await?;
    document(&results)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

/// `GET /api/stats`: the `stats --format json` document.
async fn stats(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Answer {
    let NoParams {} = params(raw.as_deref())?;
    let stats = blocking(&shared, |shared| {
        shared
            .collection()
            .stats()
            .map_err(|e| ApiError::library(&e, shared))
    })
    .await?;
    document(&stats)
}

/// `GET /api/status`: what the page shows about the server (see [`super::Status`]).
async fn status(State(shared): State<Arc<Shared>>, RawQuery(raw): RawQuery) -> Answer {
    let NoParams {} = params(raw.as_deref())?;
    let status = blocking(&shared, |shared| Ok(shared.status())).await?;
    document(&status)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddParams {
    name: Option<String>,
    to: Option<String>,
}

/// `POST /api/articles`: the `add --format json` document. The body is one article's
/// text with `?name=FILE.txt` (and `&to=SUBFOLDER`), or `multipart/form-data` with one or
/// more files and an optional `to` field.
async fn add(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    request: Request,
) -> Answer {
    writes_allowed(&shared)?;
    let params: AddParams = params(raw.as_deref())?;
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let mut to = params.to;
    let mut inputs = Vec::new();
    if multipart {
        if params.name.is_some() {
            return Err(ApiError::bad(
                "bad parameter: `name` is for a raw body; in a form, each file has its name",
            ));
        }
        let mut form = Multipart::from_request(request, &())
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
        loop {
            let field = form
                .next_field()
                .await
                .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
            let Some(field) = field else { break };
            let field_name = field.name().unwrap_or_default().to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
                    inputs.push(text_input(file_name, bytes)?);
                }
                None if field_name == "to" => {
                    let value = field
                        .text()
                        .await
                        .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
                    to = Some(value).filter(|v| !v.is_empty());
                }
                None => {
                    return Err(ApiError::bad(format!(
                        "bad form: the field `{field_name}` is neither a file nor `to`"
                    )))
                }
            }
        }
    } else {
        let Some(name) = params.name else {
            return Err(ApiError::bad(
                "bad parameter: a raw article body needs `?name=FILE.txt` (or send \
                 multipart/form-data files)",
            ));
        };
        let bytes = Bytes::from_request(request, &())
            .await
            .map_err(|e| ApiError::new(e.status(), e.body_text()))?;
        inputs.push(text_input(name, bytes)?);
    }
    if inputs.is_empty() {
        return Err(ApiError::bad("bad form: it holds no file"));
    }
    let request = AddRequest {
        inputs,
        to: to.map(Into::into),
        force: false,
        wait: Wait::Upto(collection::WRITE_WAIT),
    };
    let report = blocking(&shared, move |shared| {
        shared
            .write(|| collection::add(shared.paths(), request, shared.reporter(), shared.cancel()))
            .map_err(|e| ApiError::library(&e, shared))
    })
    .await?;
    document(&report)
}

fn text_input(name: String, bytes: Bytes) -> Result<Input, ApiError> {
    if bytes.len() as u64 > MAX_ARTICLE_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("{name} {}; nothing was copied", Unreadable::TooLarge),
        ));
    }
    Ok(Input::Text {
        from: name.clone(),
        name,
        bytes: bytes.to_vec(),
    })
}

/// `DELETE /api/articles/DOC_ID`: the `remove --format json` document.
async fn remove(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Answer {
    writes_allowed(&shared)?;
    let doc_id = target(path)?;
    let NoParams {} = params(raw.as_deref())?;
    let report = blocking(&shared, move |shared| {
        shared
            .write(|| {
                collection::remove(
                    shared.paths(),
                    &[doc_id],
                    Wait::Upto(collection::WRITE_WAIT),
                    shared.reporter(),
                    shared.cancel(),
                )
            })
            .map_err(|e| ApiError::library(&e, shared))
    })
    .await?;
    document(&report)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::*;

    /// Serves `app` on a free port for one request and returns the raw answer.
    fn answer_once(app: Router, request: &str) -> String {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        runtime.spawn(async move { axum::serve(listener, app).await });
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        raw
    }

    #[test]
    fn a_panic_in_a_handler_is_a_500_json_answer() {
        async fn boom() -> Response {
            panic!("a handler bug")
        }
        let app = Router::new()
            .route("/boom", get(boom))
            .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked));
        let raw = answer_once(
            app,
            "GET /boom HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        );
        assert!(raw.starts_with("HTTP/1.1 500"), "{raw}");
        assert!(raw.contains("content-type: application/json"), "{raw}");
        assert!(
            raw.ends_with("{\"version\":1,\"error\":\"seedsearch stopped on a bug while answering; please report it, with the request\"}\n"),
            "{raw}"
        );
    }
}

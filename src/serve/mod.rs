//! `seedsearch serve`: a search page and a JSON API over one collection, on this computer.
//!
//! The server opens the [`Collection`] once and answers every request from it: searches
//! run on the blocking pool and take no lock (as the CLI's do), and each endpoint returns
//! exactly the document the matching command prints with `--format json` ([`api`]). When
//! the index gets a new commit (this server's own add or remove, the watcher, or another
//! seedsearch process), a freshly opened collection is swapped in ([`Shared::reload`]);
//! requests already running finish on the one they started with. [`guard`] refuses
//! requests not addressed to this server or not made from its page. Nothing here prints:
//! what happens is told to the [`Reporter`] passed in.

pub mod api;
pub mod assets;
pub mod guard;

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};

use crate::collection::{self, Collection, CommitStamp, Freshness, Paths, Reporter, WatchOptions};
use crate::indexer::Report;
use crate::interrupt::Cancel;

/// How the server runs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `ADDR:PORT` to listen on (port 0: a free one).
    pub listen: String,
    /// Whether the API may add and remove articles.
    pub allow_writes: bool,
    /// Whether to watch the seeds folder and sync the index as files change.
    pub watch: bool,
}

/// Where the server listens, once it does.
#[derive(Debug, Clone)]
pub struct Listening {
    /// The bound address (with the real port).
    pub address: SocketAddr,
    /// The page's URL, `http://HOST:PORT/`.
    pub url: String,
}

/// Worker threads of the server's runtime: requests are small and searches run on the
/// blocking pool, so two are plenty and leave the cores to the searches.
const WORKERS: usize = 2;
/// Searches (and other index work) running at once, at most; more wait their turn.
const BLOCKING_THREADS: usize = 16;
/// How often a stop request (Ctrl-C) is looked for.
const STOP_POLL: Duration = Duration::from_millis(100);

/// A reporter the server's threads can share.
pub type SharedReporter = Arc<dyn Reporter + Send + Sync>;

/// What every request handler reads: the collection now being served and how to change
/// it.
pub struct Shared {
    paths: Paths,
    options: Options,
    collection: RwLock<Arc<Collection>>,
    /// The commit the served collection was opened at, as the index folder shows it.
    commit: Mutex<Option<CommitStamp>>,
    /// Held by a write (add, remove) from its start to its reload, so writes of this
    /// server run one at a time instead of refusing each other as busy.
    writes: Mutex<()>,
    /// Whether a watcher keeps the index in step with the seeds folder.
    watching: std::sync::atomic::AtomicBool,
    reporter: SharedReporter,
    cancel: Cancel,
}

impl Shared {
    /// Opens the collection at `paths` (building or updating its index first, as a search
    /// would) for serving.
    ///
    /// # Errors
    /// As [`Collection::open`].
    pub fn open(
        paths: &Paths,
        options: Options,
        reporter: SharedReporter,
        cancel: &Cancel,
    ) -> Result<Shared> {
        let stamp = CommitStamp::of(paths);
        let collection = Collection::open(paths, Freshness::Sync, &*reporter, cancel)?;
        Ok(Shared {
            paths: paths.clone(),
            options,
            collection: RwLock::new(Arc::new(collection)),
            commit: Mutex::new(stamp),
            writes: Mutex::new(()),
            watching: std::sync::atomic::AtomicBool::new(false),
            reporter,
            cancel: cancel.clone(),
        })
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    pub fn reporter(&self) -> &dyn Reporter {
        &*self.reporter
    }

    pub fn cancel(&self) -> &Cancel {
        &self.cancel
    }

    /// Whether a watcher keeps the index in step with the seeds folder now.
    pub fn is_watching(&self) -> bool {
        self.watching.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records whether a watcher runs (for `GET /api/status`).
    pub fn set_watching(&self, watching: bool) {
        self.watching
            .store(watching, std::sync::atomic::Ordering::Relaxed);
    }

    /// The collection to answer a request from: the one being served, or, when the index
    /// got a commit since it was opened (one `stat` tells), a fresh one.
    pub fn collection(&self) -> Arc<Collection> {
        // While another request reloads, this one answers from the collection as it is.
        let Ok(seen) = self.commit.try_lock().map(|seen| *seen) else {
            return self.current();
        };
        if CommitStamp::of(&self.paths) != seen {
            if let Err(err) = self.reload() {
                self.reporter
                    .warn(&format!("{err:#}; answering from the index as it was"));
            }
        }
        self.current()
    }

    fn current(&self) -> Arc<Collection> {
        Arc::clone(
            &self
                .collection
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Opens the collection again, as of the index's newest commit, and serves that from
    /// now on. Call it after anything that committed to the index (an add, a remove, a
    /// watcher's sync); a request that already holds the old collection finishes with it.
    ///
    /// # Errors
    /// When the index cannot be opened; the old collection is still served.
    pub fn reload(&self) -> Result<()> {
        // One reload at a time: concurrent requests that noticed the same commit wait for
        // the first one and then find the stamp up to date.
        let mut seen = self.commit.lock().unwrap_or_else(PoisonError::into_inner);
        let stamp = CommitStamp::of(&self.paths);
        if stamp == *seen && stamp.is_some() {
            return Ok(());
        }
        let collection = Collection::open(
            &self.paths,
            Freshness::AsIs,
            &crate::collection::Quiet,
            &self.cancel,
        )?;
        *self
            .collection
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(collection);
        *seen = stamp;
        Ok(())
    }

    /// Runs a write (add, remove) alone among this server's writes, then serves the
    /// index it committed.
    ///
    /// # Errors
    /// The write's error; a failed reload after it is a warning.
    pub fn write<T>(&self, change: impl FnOnce() -> Result<T>) -> Result<T> {
        let _alone = self.writes.lock().unwrap_or_else(PoisonError::into_inner);
        let result = change();
        if let Err(err) = self.reload() {
            self.reporter
                .warn(&format!("{err:#}; answering from the index as it was"));
        }
        result
    }
}

/// The watcher's reporter: a sync that changed nothing and found nothing wrong (the
/// watch's first one, just after the server's own; the one after the server's own add)
/// says nothing, so the server prints a line per change.
struct ChangesOnly<'a>(&'a (dyn Reporter + Send + Sync));

impl crate::indexer::Progress for ChangesOnly<'_> {
    fn start(&self, total: u64) {
        self.0.start(total);
    }
    fn advance(&self) {
        self.0.advance();
    }
    fn finish(&self) {
        self.0.finish();
    }
}

impl Reporter for ChangesOnly<'_> {
    fn note(&self, message: &str) {
        self.0.note(message);
    }
    fn warn(&self, message: &str) {
        self.0.warn(message);
    }
    fn synced(&self, report: &Report, paths: &Paths) {
        if report.committed || !report.warnings.is_empty() {
            self.0.synced(report, paths);
        }
    }
}

/// What `GET /api/status` reports: the commit being served and how the server runs.
#[derive(Debug, Clone)]
pub struct Status {
    pub seeds: std::path::PathBuf,
    pub index: std::path::PathBuf,
    /// The commit served (one more with every sync that changed something).
    pub generation: u64,
    /// When that sync scanned the seeds folder (RFC 3339, UTC): when the index last
    /// changed.
    pub last_changed: Option<String>,
    pub files: u64,
    pub articles: u64,
    pub passages: u64,
    pub watching: bool,
    pub allow_writes: bool,
}

impl Shared {
    /// The status of the collection a request now sees.
    pub fn status(&self) -> Status {
        let collection = self.collection();
        let payload = collection.payload();
        Status {
            seeds: payload.seeds.clone(),
            index: std::path::absolute(&self.paths.index)
                .unwrap_or_else(|_| self.paths.index.clone()),
            generation: payload.generation,
            last_changed: crate::catalog::rfc3339(payload.scanned_ms),
            files: payload.files,
            articles: payload.articles,
            passages: payload.passages,
            watching: self.is_watching(),
            allow_writes: self.options.allow_writes,
        }
    }
}

/// Resolves `--listen` to the addresses to try.
///
/// # Errors
/// When it is not `HOST:PORT` or the host does not resolve.
pub fn listen_addresses(listen: &str) -> Result<Vec<SocketAddr>> {
    let addresses: Vec<SocketAddr> = listen
        .to_socket_addrs()
        .with_context(|| {
            format!("--listen {listen} is not an address and port (e.g. 127.0.0.1:7878)")
        })?
        .collect();
    if addresses.is_empty() {
        return Err(anyhow!("--listen {listen} resolves to no address"));
    }
    Ok(addresses)
}

/// The URL a browser on this computer opens for a server bound to `address`.
pub fn url_of(address: SocketAddr) -> String {
    let ip = address.ip();
    let port = address.port();
    match ip {
        ip if ip.is_unspecified() && ip.is_ipv4() => format!("http://127.0.0.1:{port}/"),
        ip if ip.is_unspecified() => format!("http://[::1]:{port}/"),
        std::net::IpAddr::V6(v6) => format!("http://[{v6}]:{port}/"),
        std::net::IpAddr::V4(v4) => format!("http://{v4}:{port}/"),
    }
}

/// Serves the collection at `paths` until `cancel` is cancelled (Ctrl-C), then stops
/// taking requests, lets those running finish, and returns. `listening` hears where it
/// listens once it does.
///
/// # Errors
/// A `--listen` that is not an address, a port that is taken, or an index that cannot be
/// opened.
pub fn run(
    paths: &Paths,
    options: Options,
    reporter: SharedReporter,
    cancel: &Cancel,
    listening: impl FnOnce(&Listening),
) -> Result<()> {
    let addresses = listen_addresses(&options.listen)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .max_blocking_threads(BLOCKING_THREADS)
        .thread_name("seedsearch-serve")
        .enable_all()
        .build()
        .context("cannot start the server's threads")?;
    // Bound before the index is opened: a taken port is reported at once.
    let listener = runtime.block_on(bind(&addresses, &options.listen))?;
    let address = listener
        .local_addr()
        .context("cannot read the address the server listens on")?;
    if !address.ip().is_loopback() {
        reporter.warn(&format!(
            "listening on {address}, which other computers can reach: anyone who can reach \
             it can search the collection{}",
            if options.allow_writes {
                " and add and remove articles"
            } else {
                ""
            }
        ));
    }
    let shared = Arc::new(Shared::open(paths, options, reporter, cancel)?);
    let watcher = if shared.options().watch {
        Some(start_watching(&shared)?)
    } else {
        None
    };
    let guard = guard::Guard::new(address.port(), &shared.options().listen);
    let app = api::router(Arc::clone(&shared), guard);
    listening(&Listening {
        address,
        url: url_of(address),
    });
    let stop = cancel.clone();
    runtime.block_on(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                while !stop.is_cancelled() {
                    tokio::time::sleep(STOP_POLL).await;
                }
            })
            .await
            .context("the server stopped on an error")
    })?;
    // Requests still on the blocking pool are let go, not waited for: a search ends on
    // its own, and an add stops at its next check of the cancel token.
    runtime.shutdown_timeout(Duration::from_secs(5));
    // The watcher sees the same stop: between syncs it ends at once, during one it
    // abandons it without committing.
    if let Some(watcher) = watcher {
        let _ = watcher.join();
    }
    Ok(())
}

/// Watches the seeds folder on a thread of its own ([`collection::watch`]), serving each
/// sync's commit as soon as it is made. If the watch ends on an error (the inotify limit
/// is handled inside it; this is rarer), the server says so and goes on unwatched.
fn start_watching(shared: &Arc<Shared>) -> Result<std::thread::JoinHandle<()>> {
    let shared = Arc::clone(shared);
    // Set before the thread starts: a file written from now on is seen either by the
    // watch's first sync or by its watcher, which is in place before that sync.
    shared.set_watching(true);
    std::thread::Builder::new()
        .name("seedsearch-watch".into())
        .spawn(move || {
            let mut serve_the_new_commit = |report: &Report| {
                if !report.committed {
                    return;
                }
                if let Err(err) = shared.reload() {
                    shared
                        .reporter
                        .warn(&format!("{err:#}; answering from the index as it was"));
                }
            };
            let watched = collection::watch(
                &shared.paths,
                &WatchOptions::default(),
                &ChangesOnly(&*shared.reporter),
                &shared.cancel,
                &mut serve_the_new_commit,
            );
            shared.set_watching(false);
            if let Err(err) = watched {
                shared.reporter.warn(&format!(
                    "{err:#}; no longer watching {} (searches go on; restart the server to \
                     watch again)",
                    crate::paths::display_path(&shared.paths.seeds)
                ));
            }
        })
        .context("cannot start watching the seeds folder")
}

async fn bind(addresses: &[SocketAddr], listen: &str) -> Result<tokio::net::TcpListener> {
    let mut last = None;
    for address in addresses {
        match tokio::net::TcpListener::bind(address).await {
            Ok(listener) => return Ok(listener),
            Err(err) => last = Some((address, err)),
        }
    }
    let Some((address, err)) = last else {
        return Err(anyhow!("--listen {listen} resolves to no address"));
    };
    if err.kind() == std::io::ErrorKind::AddrInUse {
        return Err(anyhow!(
            "cannot listen on {address}: port {} is already in use (another server?); choose \
             another with --listen ADDR:PORT (port 0 picks a free one)",
            address.port()
        ));
    }
    Err(anyhow!(err).context(format!(
        "cannot listen on {address} (choose another address with --listen ADDR:PORT)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_an_address_a_browser_here_can_open() {
        let url = |s: &str| url_of(s.parse().unwrap());
        assert_eq!(url("127.0.0.1:7878"), "http://127.0.0.1:7878/");
        assert_eq!(url("0.0.0.0:80"), "http://127.0.0.1:80/");
        assert_eq!(url("[::]:9000"), "http://[::1]:9000/");
        assert_eq!(url("[::1]:9000"), "http://[::1]:9000/");
    }

    #[test]
    fn listen_must_be_an_address_and_port() {
        assert!(listen_addresses("127.0.0.1:0").is_ok());
        let err = listen_addresses("127.0.0.1").unwrap_err();
        assert!(format!("{err:#}").contains("--listen 127.0.0.1"), "{err:#}");
    }
}

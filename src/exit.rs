//! How a run ends, as the exit status a shell sees (grep's and ripgrep's convention).
//!
//! The library returns an [`Exit`] for runs that did their job and an error for the
//! others; only `main` turns them into a process status, so library code never exits. A
//! panic inside a library (tantivy on damaged index files) becomes one such error.

use std::any::Any;
use std::io;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};

/// A run that ended without an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Something was found, or the command did its job (status 0).
    Success,
    /// A search or listing found nothing (status 1).
    NothingFound,
}

/// Status for an error the user must act on.
pub const ERROR: u8 = 2;

/// Status after Ctrl-C, as shells report a death by SIGINT.
pub const INTERRUPTED: u8 = 130;

impl Exit {
    /// `Success` when anything was found, `NothingFound` otherwise.
    pub fn found(anything: bool) -> Exit {
        if anything {
            Exit::Success
        } else {
            Exit::NothingFound
        }
    }

    /// The process status.
    pub fn code(self) -> u8 {
        match self {
            Exit::Success => 0,
            Exit::NothingFound => 1,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// Whether an error is a closed pipe (`seedsearch search x | head`), which is not a
/// failure: the reader has what it wanted.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The last panic raised outside seedsearch's own code, as `message at file:line`.
static LIBRARY_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Installs the process's panic hook. A panic in seedsearch's own code is a bug, reported
/// as Rust reports it (with the backtrace hint) and a request to report it; a panic in a
/// library (tantivy reading damaged index files) is kept quiet and remembered, for
/// [`library_panic`] to turn into one clear error.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let file = info.location().map_or("", |l| l.file());
        if is_our_source(file) {
            default(info);
            eprintln!(
                "seedsearch: this is a bug in seedsearch; please report it, with the command \
                 that caused it"
            );
            return;
        }
        let message = panic_text(info.payload());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", short_source(l.file()), l.line()))
            .unwrap_or_default();
        *LIBRARY_PANIC.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(format!("{message}{at}"));
    }));
}

/// The error for a run that ended in a panic caught by `main`: a library's panic says
/// the index in `index` is damaged and how to rebuild it. A panic of our own goes on (the
/// hook has already reported it).
pub fn library_panic(panic: Box<dyn Any + Send>, index: &Path) -> anyhow::Error {
    let Some(what) = take_library_panic() else {
        std::panic::resume_unwind(panic)
    };
    damaged_by_panic(&what, index)
}

/// The error for a library's panic that said `what` while reading the index in `index`.
pub fn damaged_by_panic(what: &str, index: &Path) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot read the index in {}: tantivy stopped on `{what}`, which happens when the \
         index files are damaged; run `seedsearch index --rebuild` (if it happens again \
         after that, please report it as a bug)",
        crate::paths::display_path(index)
    )
}

/// What the last library panic said (`message at file:line`), forgetting it: `None` when
/// the panic being handled is seedsearch's own (or no hook is installed).
pub fn take_library_panic() -> Option<String> {
    LIBRARY_PANIC
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
}

/// Whether a panic location is in this crate (a relative path when built from its
/// checkout, `.../seedsearch-VERSION/src/...` when built from a registry).
fn is_our_source(file: &str) -> bool {
    file.starts_with("src/")
        || file.starts_with("src\\")
        || file.contains(concat!(
            env!("CARGO_PKG_NAME"),
            "-",
            env!("CARGO_PKG_VERSION"),
            "/src/"
        ))
}

/// A library's source path from its crate folder on (`tantivy-0.27.0/src/...`).
fn short_source(file: &str) -> &str {
    file.find("/registry/src/")
        .and_then(|at| {
            let rest = &file[at + "/registry/src/".len()..];
            rest.find('/').map(|slash| &rest[slash + 1..])
        })
        .unwrap_or(file)
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_are_ours_only_in_our_sources() {
        assert!(is_our_source("src/store.rs"));
        assert!(is_our_source(concat!(
            "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/seedsearch-",
            env!("CARGO_PKG_VERSION"),
            "/src/store.rs"
        )));
        let tantivy = "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tantivy-common-0.27.0/src/vint.rs";
        assert!(!is_our_source(tantivy));
        assert!(!is_our_source(
            "/rustc/abc/library/alloc/src/raw_vec/mod.rs"
        ));
        assert_eq!(short_source(tantivy), "tantivy-common-0.27.0/src/vint.rs");
    }
}

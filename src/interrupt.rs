//! Stopping long work cleanly: a cancel token that updates check between articles.
//!
//! A [`Cancel`] is shared by whoever may ask for a stop (Ctrl-C, a server shutting down)
//! and the work that honours it. Work that must not be cut in the middle marks itself
//! [`Cancel::guard`]ed; a stop asked for outside such a section is the caller's to act on
//! at once. Nothing here prints or exits the process: [`on_ctrl_c`] is for `main`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

/// A shared request to stop.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    inner: Arc<State>,
}

#[derive(Debug, Default)]
struct State {
    cancelled: AtomicBool,
    /// Guarded sections running now.
    guarded: AtomicUsize,
}

impl Cancel {
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// Asks the work to stop. Returns `false` when no guarded section is running (nothing
    /// will notice the request) or when a stop was already asked for.
    pub fn cancel(&self) -> bool {
        let guarded = self.inner.guarded.load(Ordering::SeqCst) > 0;
        let first = !self.inner.cancelled.swap(true, Ordering::SeqCst);
        guarded && first
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
    }

    /// `Err(Interrupted)` once a stop was asked for.
    ///
    /// # Errors
    /// [`Interrupted`] when the work should stop now.
    pub fn check(&self) -> Result<(), Interrupted> {
        if self.is_cancelled() {
            Err(Interrupted)
        } else {
            Ok(())
        }
    }

    /// Marks a section that honours the token, until the guard is dropped.
    pub fn guard(&self) -> Guard {
        self.inner.guarded.fetch_add(1, Ordering::SeqCst);
        Guard {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// A section of work that stops at its next check rather than being cut off.
#[derive(Debug)]
pub struct Guard {
    inner: Arc<State>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.inner.guarded.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The error of work stopped by a [`Cancel`]; nothing was committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted; the index keeps its last committed state")
    }
}

impl std::error::Error for Interrupted {}

/// Whether an error chain says the work was interrupted.
pub fn is_interrupted(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| cause.is::<Interrupted>())
}

/// Makes Ctrl-C cancel `cancel`, then calls `then` with whether the request will be
/// honoured (a guarded section runs and this was the first Ctrl-C) or not (the caller
/// should exit at once, which is always safe outside a guarded section). For `main`;
/// installs once per process.
pub fn on_ctrl_c(cancel: &Cancel, then: impl Fn(bool) + Send + 'static) {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    let cancel = cancel.clone();
    INSTALLED.call_once(move || {
        let _ = ctrlc::set_handler(move || then(cancel.cancel()));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_is_noticed_only_once_and_only_inside_a_guard() {
        let cancel = Cancel::new();
        assert!(cancel.check().is_ok());
        {
            let _guard = cancel.guard();
            assert!(cancel.cancel(), "first stop inside a guard is honoured");
            assert!(!cancel.cancel(), "a second one is the caller's to act on");
        }
        assert_eq!(cancel.check(), Err(Interrupted));
        let idle = Cancel::new();
        assert!(!idle.cancel(), "nothing guarded: the caller exits at once");
    }

    #[test]
    fn each_token_starts_afresh() {
        let first = Cancel::new();
        let _guard = first.guard();
        first.cancel();
        assert!(Cancel::new().check().is_ok());
    }

    #[test]
    fn interruptions_are_recognised_through_context() {
        let err = anyhow::Error::from(Interrupted).context("while indexing");
        assert!(is_interrupted(&err));
        assert!(!is_interrupted(&anyhow::anyhow!("other")));
    }
}

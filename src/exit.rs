//! How a run ends, as the exit status a shell sees (grep's and ripgrep's convention).
//!
//! The library returns an [`Exit`] for runs that did their job and an error for the
//! others; only `main` turns them into a process status, so library code never exits.

use std::io;
use std::process::ExitCode;

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

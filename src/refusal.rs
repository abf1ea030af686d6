//! Why the library refused a request, for front ends that answer with more than a
//! message. The command line prints every error alike (exit 2); the HTTP API
//! (`seedsearch serve`) answers a [`Refusal`] with its own status (400, 404, 409). A
//! refusal is an ordinary error whose message is the sentence the user reads; only its
//! kind is added.

use std::fmt;

/// What kind of mistake or obstacle stopped a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The request itself is wrong (a bad file name or folder, text that is no article).
    BadInput,
    /// It names an article or passage the index does not have.
    NotFound,
    /// It clashes with what is there (a different file under the same name).
    Conflict,
    /// Another update holds the index; trying again later may work.
    Busy,
}

/// An error carrying its [`Refusal`]; shows as its message alone.
#[derive(Debug)]
pub struct Refused {
    pub refusal: Refusal,
    message: String,
}

impl Refused {
    pub fn new(refusal: Refusal, message: impl Into<String>) -> Refused {
        Refused {
            refusal,
            message: message.into(),
        }
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

/// The refusal anywhere in an error's chain, if it is one.
pub fn refusal(err: &anyhow::Error) -> Option<Refusal> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Refused>())
        .map(|r| r.refusal)
}

/// Returns early with a [`Refused`] error: `refuse!(NotFound, "no article ...")`.
#[macro_export]
macro_rules! refuse {
    ($kind:ident, $($arg:tt)+) => {
        return Err($crate::refusal::Refused::new(
            $crate::refusal::Refusal::$kind,
            format!($($arg)+),
        )
        .into())
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> anyhow::Result<()> {
        refuse!(NotFound, "no article has the doc_id `{}`", "x");
    }

    #[test]
    fn a_refusal_reads_as_its_message_and_is_found_through_context() {
        let err = refused().unwrap_err().context("while showing");
        assert_eq!(refusal(&err), Some(Refusal::NotFound));
        assert_eq!(
            format!("{err:#}"),
            "while showing: no article has the doc_id `x`"
        );
        assert_eq!(refusal(&anyhow::anyhow!("other")), None);
    }
}

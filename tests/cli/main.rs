//! Integration tests: the built binary, run in temporary folders with articles written
//! for the tests. One small test per behaviour, named for it.

mod harness;

mod answers;
mod bounded;
mod fresh_build;

mod index_state;
mod indexing;
mod managing;
mod mcp;
mod output;
mod power;
mod reliability;
mod scripting;
mod searching;
mod seeds_safety;
mod serve;
mod watch;

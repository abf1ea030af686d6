//! `seedsearch mcp`: the MCP server ([`crate::mcp`]) on stdin and stdout until the
//! client closes stdin.

use anyhow::Result;

use super::Ctx;
use crate::cli::McpArgs;
use crate::exit::Exit;
use crate::mcp::{self, Tools};

/// Runs `mcp`.
///
/// # Errors
/// When stdin cannot be read or stdout written (the client went away).
pub fn run(ctx: &Ctx, args: &McpArgs) -> Result<Exit> {
    let reporter = ctx.reporter();
    let mut tools = Tools::new(ctx.paths(), args.allow_writes, &reporter, ctx.cancel);
    // The protocol's stream: the only thing this command puts on stdout.
    mcp::serve(
        std::io::stdin().lock(),
        std::io::stdout().lock(),
        &mut tools,
    )?;
    Ok(Exit::Success)
}

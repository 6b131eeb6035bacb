//! The command line over the library: argument types, one module per command, the terminal progress, exit statuses.

pub mod args;
pub mod eval;
pub mod export;
pub mod extract;
pub mod load;
pub mod merge;
pub mod progress;
pub mod train;

use std::path::Path;

use anyhow::Result;
use serde_json::Value;

/// Exit statuses (README, "Exit status"): 0 done; 1 an error, the outputs are not
/// complete; 2 a bad command line (clap's); 3 done, but documents were lost (failed
/// inputs, or shards missing from a merge), listed in problems.jsonl / summary.json;
/// 130 interrupted, the checkpoint holds (`--resume`).
pub const EXIT_ERROR: i32 = 1;
pub const EXIT_LOST_DOCUMENTS: i32 = 3;
pub const EXIT_INTERRUPTED: i32 = 130;

/// How a command that finished ended.
pub enum Finished {
    Done,
    /// Outputs written, but without some documents (exit status 3).
    LostDocuments,
}

/// Writes JSON to `target`, or to stdout when it is `-`.
pub fn emit_json(target: &Path, value: &Value) -> Result<()> {
    if target == Path::new("-") {
        println!("{}", serde_json::to_string_pretty(value)?);
    } else {
        newsgraph::output::write_json(target, value)?;
    }
    Ok(())
}

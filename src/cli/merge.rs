//! `newsgraph merge`: the library's shard merge, with its report on the terminal and its exit status.

use anyhow::Result;

use newsgraph::output::{Claim, OutputDir};
use newsgraph::shards;

use super::args::MergeArgs;
use super::{Finished, EXIT_LOST_DOCUMENTS};

pub fn merge(args: MergeArgs) -> Result<Finished> {
    // A folder that does not exist is a bad command line (status 2), as extract's inputs.
    let missing = |p: &&std::path::PathBuf| matches!(p.symlink_metadata(), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
    if let Some(missing) = args.shards.iter().find(missing) {
        clap::Error::raw(
            clap::error::ErrorKind::ValueValidation,
            format!("shard folder not found: {}\n", missing.display()),
        )
        .exit();
    }
    let claim = if args.force {
        Claim::Replace
    } else {
        Claim::New
    };
    // A shard given as the output folder is refused before it is claimed (and emptied).
    shards::refuse_output_among_shards(&args.shards, &args.out)?;
    let (out, _) = OutputDir::claim(&args.out, claim)?;
    let merged = shards::merge(&args.shards, &out, args.allow_partial, args.join_acronyms)?;
    for problem in &merged.left_out {
        eprintln!("warning: left out: {problem}");
    }
    let summary = &merged.summary;
    eprintln!(
        "{} of {} shards: {} documents processed, {} skipped, {} failed; {} nodes, {} links",
        merged.shards,
        merged.set.count,
        summary.documents_processed,
        summary.documents_skipped,
        summary.documents_failed,
        merged.nodes,
        merged.links
    );
    super::extract::report_joins(merged.joins);
    println!("graph written to {}", out.graph_path().display());
    if !summary.missing_shards.is_empty() {
        eprintln!(
            "shards missing, their documents are not in the graph: {} (exit status {EXIT_LOST_DOCUMENTS})",
            summary.missing_shards.join(", ")
        );
    }
    if summary.documents_failed > 0 {
        eprintln!(
            "{} documents failed in the shards (reasons in {}): exit status {EXIT_LOST_DOCUMENTS}",
            summary.documents_failed,
            out.problems_path().display()
        );
    }
    Ok(if summary.lost_documents() {
        Finished::LostDocuments
    } else {
        Finished::Done
    })
}

//! `newsgraph export`: a graph.json or a store written in other tools' formats, and the HTML report both commands write.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use newsgraph::export;
use newsgraph::graph::{Graph, RelationKinds};
use newsgraph::output::{
    write_atomically, Claim, GraphFile, OutputDir, CHECKPOINT_FILE, REPORT_FILE, SUMMARY_FILE,
};
use newsgraph::pipeline;
use newsgraph::report::{self, ReportDocument};
use newsgraph::store::Store;

use super::args::{ExportArgs, OutputFormat, ReportArgs};

pub fn export_graph(args: ExportArgs) -> Result<()> {
    if OutputFormat::wants_conllu(&args.format) {
        bail!(
            "--format conllu needs the documents' parses, which a graph does not keep: \
             run `newsgraph extract INPUT... -o OUT --format conllu`"
        );
    }
    let mut documents = Vec::new();
    let mut left_out = 0;
    let (graph, meta) = match (&args.graph, &args.store) {
        (Some(path), _) => {
            let file = GraphFile::read(path)?;
            (file.graph, file.meta)
        }
        (None, Some(path)) => {
            if !path.exists() {
                bail!("no store at {}", path.display());
            }
            let store = Store::open_read_only(path)?;
            if OutputFormat::wants_html(&args.format) {
                let list = store.document_list()?;
                left_out = list.len().saturating_sub(args.report.report_docs);
                for info in list.into_iter().take(args.report.report_docs) {
                    if let Some(row) = store.document(&info.id)? {
                        documents.push(ReportDocument {
                            date: row.info.meta.get("date").cloned(),
                            id: row.info.id,
                            text: row.text,
                            mentions: row.mentions,
                        });
                    }
                }
            }
            // Joined, when asked, as `extract --join-acronyms` joins a run's graph.json.
            let graph = if args.join_acronyms {
                store.final_graph()?.0
            } else {
                store.graph()?
            };
            (graph, BTreeMap::new())
        }
        (None, None) => bail!("give --graph FILE or --store FILE"),
    };
    // The output folder follows extract's rule: a folder holding a run (finished or not)
    // is refused without --force, which replaces that run. Claimed after the graph is
    // read, which may be that run's graph.json.
    let holds_run = [SUMMARY_FILE, CHECKPOINT_FILE]
        .iter()
        .any(|name| args.out.join(name).exists());
    if holds_run || args.out.exists() && !args.out.is_dir() {
        let claim = if args.force {
            Claim::Replace
        } else {
            Claim::New
        };
        OutputDir::claim(&args.out, claim)?;
    }
    let kinds = match &args.rules {
        Some(path) => RelationKinds::from_rules(&pipeline::read_rules(path)?.value),
        None => RelationKinds::builtin(),
    };
    for format in OutputFormat::exports(&args.format) {
        for f in export::write(&graph, &meta, &kinds, format, &args.out)? {
            println!("{} written to {}", format.name(), f.display());
        }
    }
    if OutputFormat::wants_html(&args.format) {
        write_html(
            &args.report,
            &graph,
            &meta,
            &kinds,
            &documents,
            left_out,
            &args.out,
        )?;
    }
    Ok(())
}

/// Writes report.html into `dir` (created if missing).
pub fn write_html(
    args: &ReportArgs,
    graph: &Graph,
    meta: &BTreeMap<String, Value>,
    kinds: &RelationKinds,
    documents: &[ReportDocument],
    left_out: usize,
    dir: &Path,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(REPORT_FILE);
    let page = report::Report {
        graph,
        meta,
        kinds,
        documents,
        documents_left_out: left_out,
    };
    let options = report::Options {
        max_nodes: args.report_nodes,
        ..report::Options::default()
    };
    write_atomically(&path, |w| {
        w.write_all(report::render_with(&page, &options).as_bytes())
    })?;
    println!("html written to {}", path.display());
    Ok(())
}

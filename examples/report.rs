//! Builds the HTML report from a `newsgraph extract` output folder (graph.json,
//! mentions.jsonl) and the input texts, the way `extract --format html` does.
//!
//! ```text
//! cargo run --release --example report -- OUT_DIR TEXT_FILE... [-o report.html] [--max-nodes N]
//! ```
//! A text file's document id is its file stem (as for `extract` on files). With no text
//! files the report shows the graph and the evidence sentences only.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde_json::Value;

use newsgraph::output::{GraphFile, OutputDir};
use newsgraph::pipeline::MentionRecord;
use newsgraph::report::{self, Options, Report, ReportDocument};

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut texts = Vec::new();
    let mut out = None;
    let mut options = Options::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "-o" | "--out" => out = Some(PathBuf::from(args.next().context("-o FILE")?)),
            "--max-nodes" => options.max_nodes = args.next().context("--max-nodes N")?.parse()?,
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => texts.push(PathBuf::from(a)),
        }
    }
    let Some(dir) = dir else {
        bail!("usage: report OUT_DIR [TEXT_FILE...] [-o report.html] [--max-nodes N]");
    };
    let out_dir = OutputDir::new(&dir);
    let GraphFile { graph, meta } = out_dir.read_graph()?;
    let mut mentions: BTreeMap<String, Vec<MentionRecord>> = BTreeMap::new();
    if !texts.is_empty() {
        let jsonl =
            std::fs::read_to_string(out_dir.mentions_path()).context("reading mentions.jsonl")?;
        for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line)?;
            let doc = v["doc"].as_str().unwrap_or_default().to_string();
            let list = v["mentions"].as_array().cloned().unwrap_or_default();
            mentions.insert(doc, list.iter().map(mention).collect());
        }
    }
    let mut documents = Vec::new();
    for path in &texts {
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        documents.push(ReportDocument {
            mentions: mentions.remove(&id).unwrap_or_default(),
            id,
            text,
            date: None,
        });
    }
    let out = out.unwrap_or_else(|| dir.join("report.html"));
    let r = Report {
        graph: &graph,
        meta: &meta,
        kinds: &newsgraph::graph::RelationKinds::builtin(),
        documents: &documents,
        documents_left_out: 0,
    };
    report::write_with(&r, &options, &out).with_context(|| format!("writing {}", out.display()))?;
    println!("report written to {}", out.display());
    Ok(())
}

fn mention(v: &Value) -> MentionRecord {
    let n = |k: &str| v[k].as_u64().unwrap_or_default() as usize;
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    MentionRecord {
        start: n("start"),
        end: n("end"),
        text: s("text"),
        label: s("label").into(),
        score: v["score"].as_f64().unwrap_or_default(),
        entity: v["entity"].as_str().map(str::to_string),
    }
}

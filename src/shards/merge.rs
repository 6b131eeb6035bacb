//! `merge`: the output folders of `extract --shard K/N` runs combined into the folder one run would have written.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{check, ShardSet, ShardSetError};
use crate::graph::{AcronymJoins, Graph};
use crate::output::{OutputDir, OutputError};
use crate::run::Summary;

/// Why a merge could not be made; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{}: the output folder cannot also be a shard", dir.display())]
    OutputIsShard { dir: PathBuf },
    /// A folder that holds no finished shard, without `allow_partial`.
    #[error("{problem} (or merge without it: --allow-partial)")]
    Unfinished { problem: String },
    #[error(transparent)]
    Set(#[from] ShardSetError),
    #[error("{} was made with another model than {} ({theirs} vs {ours})", graph.display(), first.display())]
    OtherModel {
        graph: PathBuf,
        first: PathBuf,
        /// The two metadata objects, as JSON.
        theirs: String,
        ours: String,
    },
    #[error(
        "{}: its files do not match its summary.json ({what}), so it holds no complete run: \
         run it again",
        dir.display()
    )]
    Mismatch { dir: PathBuf, what: String },
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Refuses an output folder that is also one of the shard folders: checked before the
/// output folder is claimed (which may empty it).
pub fn refuse_output_among_shards(dirs: &[PathBuf], out: &Path) -> Result<(), MergeError> {
    let Ok(out) = out.canonicalize() else {
        return Ok(());
    };
    match dirs
        .iter()
        .find(|d| d.canonicalize().ok().as_ref() == Some(&out))
    {
        Some(dir) => Err(MergeError::OutputIsShard { dir: dir.clone() }),
        None => Ok(()),
    }
}

/// What a merge wrote.
#[derive(Debug)]
pub struct Merged {
    pub set: ShardSet,
    /// Folders merged.
    pub shards: usize,
    /// Folders left out under `allow_partial`, each with why.
    pub left_out: Vec<String>,
    pub summary: Summary,
    pub nodes: usize,
    pub links: usize,
    /// What the run-wide acronym table joined.
    pub joins: AcronymJoins,
}

/// Merges the shard folders `dirs` into `out`: the graph a single run would give,
/// summed summaries (with the shards' fingerprints and any missing shards),
/// mentions and problems concatenated in the order given. Every folder's summary
/// is checked ([`check`]) before anything is written, and each folder's files against
/// its summary (graph size, mention and problem lines) as they are merged: a folder
/// whose files do not match is no complete run. With `join_acronyms`, the merged graph
/// joins the run-wide acronym table of all the shards' definitions, as a whole run asked
/// to would (docs/IDENTITY.md).
pub fn merge(
    dirs: &[PathBuf],
    out: &OutputDir,
    allow_partial: bool,
    join_acronyms: bool,
) -> Result<Merged, MergeError> {
    let out_canonical = out
        .path()
        .canonicalize()
        .map_err(|source| OutputError::Create {
            path: out.path().to_path_buf(),
            source,
        })?;
    let mut shards: Vec<(PathBuf, Summary)> = Vec::new();
    let mut left_out = Vec::new();
    for dir in dirs {
        if dir.canonicalize().ok().as_ref() == Some(&out_canonical) {
            return Err(MergeError::OutputIsShard { dir: dir.clone() });
        }
        let folder = OutputDir::new(dir);
        let problem = if folder.has_checkpoint() {
            Some(format!(
                "{} holds an unfinished run (checkpoint.json): finish it with --resume first",
                dir.display()
            ))
        } else {
            match folder.read_summary::<Summary>() {
                Ok(summary) => {
                    shards.push((dir.clone(), summary));
                    None
                }
                Err(e) => Some(format!(
                    "{} holds no finished shard ({}); run it again",
                    dir.display(),
                    chain(&e)
                )),
            }
        };
        match problem {
            Some(problem) if allow_partial => left_out.push(problem),
            Some(problem) => return Err(MergeError::Unfinished { problem }),
            None => {}
        }
    }
    let set = check(&shards, allow_partial)?;
    // The first shard's graph starts the merge, so that its limits (which every shard
    // shares: they are in the options fingerprint) are kept, not the default ones.
    let mut graph: Option<Graph> = None;
    let mut summary = Summary::default();
    let mut meta: Option<BTreeMap<String, Value>> = None;
    let mut mentions = create(out.mentions_path())?;
    let mut problems = create(out.problems_path())?;
    for (dir, shard_summary) in &shards {
        let folder = OutputDir::new(dir);
        let shard = folder.read_graph()?;
        let recorded = crate::fsio::read_json(&folder.summary_path()).map_err(OutputError::from)?;
        let mismatch = |what: String| MergeError::Mismatch {
            dir: dir.clone(),
            what,
        };
        let (nodes, links) = (shard.graph.nodes.len(), shard.graph.edges.len());
        if recorded["nodes"].as_u64() != Some(nodes as u64)
            || recorded["links"].as_u64() != Some(links as u64)
        {
            return Err(mismatch(format!(
                "graph.json has {nodes} nodes and {links} links, summary.json says {} and {}",
                recorded["nodes"], recorded["links"]
            )));
        }
        match &meta {
            None => meta = Some(shard.meta),
            Some(m) if *m != shard.meta => {
                return Err(MergeError::OtherModel {
                    graph: folder.graph_path(),
                    first: shards[0].0.clone(),
                    theirs: Value::Object(shard.meta.into_iter().collect()).to_string(),
                    ours: Value::Object(m.clone().into_iter().collect()).to_string(),
                })
            }
            Some(_) => {}
        }
        match &mut graph {
            None => graph = Some(shard.graph),
            Some(g) => g.merge(shard.graph),
        }
        summary.add(shard_summary);
        let lines = append(&folder.mentions_path(), &mut mentions, out.mentions_path())?;
        if lines != shard_summary.documents_processed as u64 {
            return Err(mismatch(format!(
                "mentions.jsonl has {lines} lines for {} documents processed",
                shard_summary.documents_processed
            )));
        }
        let lines = append(&folder.problems_path(), &mut problems, out.problems_path())?;
        let problems_recorded = shard_summary.documents_skipped + shard_summary.documents_failed;
        if lines != problems_recorded as u64 {
            return Err(mismatch(format!(
                "problems.jsonl has {lines} lines for {problems_recorded} skipped and failed inputs"
            )));
        }
    }
    for (writer, path) in [
        (&mut mentions, out.mentions_path()),
        (&mut problems, out.problems_path()),
    ] {
        writer
            .flush()
            .map_err(|source| OutputError::Write { path, source })?;
    }
    summary.input_fingerprint = set.input_fingerprint.clone();
    summary.options_fingerprint = set.options_fingerprint.clone();
    summary.missing_shards = set.missing.clone();
    // The shards' graphs are unjoined: asked for, the acronyms are joined from all their
    // definitions.
    let mut graph = graph.unwrap_or_default();
    let joins = if join_acronyms {
        graph.join_acronyms()
    } else {
        AcronymJoins::default()
    };
    // summary.json last: it marks the merge finished.
    out.write_graph(&graph, &meta.unwrap_or_default())?;
    out.write_summary(&summary.to_json(&graph))?;
    Ok(Merged {
        shards: shards.len(),
        set,
        left_out,
        summary,
        nodes: graph.nodes.len(),
        links: graph.edges.len(),
        joins,
    })
}

fn create(path: PathBuf) -> Result<BufWriter<File>, OutputError> {
    File::create(&path)
        .map(BufWriter::new)
        .map_err(|source| OutputError::Write { path, source })
}

/// Appends the file `from` to `to`; returns the lines it held.
fn append(from: &Path, to: &mut BufWriter<File>, to_path: PathBuf) -> Result<u64, OutputError> {
    let mut f = File::open(from).map_err(|source| OutputError::Read {
        path: from.to_path_buf(),
        source,
    })?;
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = 0;
    loop {
        let n = f.read(&mut buf).map_err(|source| OutputError::Read {
            path: from.to_path_buf(),
            source,
        })?;
        if n == 0 {
            return Ok(lines);
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        to.write_all(&buf[..n])
            .map_err(|source| OutputError::Write {
                path: to_path.clone(),
                source,
            })?;
    }
}

/// An error and its causes, as one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{evidence, Edge, Limits, Node};
    use crate::relations::Modality;
    use crate::text::{CharOffsets, Span};

    /// Documents `docs` as a graph keeping `limits`: every document mentions one node
    /// and gives one piece of evidence for one edge.
    fn graph(docs: impl Iterator<Item = usize>, limits: Limits) -> Graph {
        let mut g = Graph::with_limits(limits);
        let text = "Anna met Olaf.";
        for d in docs {
            let doc = format!("d{d:03}");
            g.documents += 1;
            let mut one = Graph::with_limits(limits);
            for id in ["claim:x", "claim:y"] {
                one.add_node(Node::claim(
                    id.into(),
                    "4512".into(),
                    &doc,
                    4512.0,
                    None,
                    None,
                    None,
                ));
            }
            let ev = evidence(
                &doc,
                text,
                &mut CharOffsets::new(text),
                Span::new(0, 13),
                Span::new(0, 14),
                "meets.syntax",
                None,
            );
            one.add_edge(Edge::new(
                "claim:x".into(),
                "claim:y".into(),
                "meets".into(),
                Modality::Asserted,
                vec![ev],
            ));
            g.merge(one);
        }
        g
    }

    fn shard(dir: &Path, k: usize, graph: &Graph) {
        let out = OutputDir::create(dir).unwrap();
        out.write_graph(graph, &BTreeMap::new()).unwrap();
        std::fs::write(out.mentions_path(), "").unwrap();
        std::fs::write(out.problems_path(), "").unwrap();
        let summary = Summary {
            shard: Some(format!("{k}/2")),
            input_fingerprint: "a".repeat(64),
            options_fingerprint: "b".repeat(64),
            ..Summary::default()
        };
        out.write_summary(&summary.to_json(graph)).unwrap();
    }

    /// Shards run with limits above the defaults merge to what one run with those
    /// limits keeps, not to the defaults.
    #[test]
    fn merge_keeps_limits_above_the_defaults() {
        let limits = Limits {
            docs_per_node: Limits::DEFAULT.docs_per_node + 50,
            evidence_per_edge: Limits::DEFAULT.evidence_per_edge + 10,
        };
        let tmp = tempfile::tempdir().unwrap();
        let dirs = [tmp.path().join("s1"), tmp.path().join("s2")];
        shard(&dirs[0], 1, &graph((0..300).filter(|d| d % 2 == 0), limits));
        shard(&dirs[1], 2, &graph((0..300).filter(|d| d % 2 == 1), limits));
        let merged = OutputDir::create(tmp.path().join("merged")).unwrap();
        merge(&dirs, &merged, false, false).unwrap();
        let got = merged.read_graph().unwrap().graph;
        assert_eq!(got.limits, limits);
        assert_eq!(got.nodes["claim:x"].docs.len(), limits.docs_per_node);
        let edge = got.edges.values().next().unwrap();
        assert_eq!(edge.evidence.len(), limits.evidence_per_edge);
        assert_eq!(edge.evidence_count, 300);
        let one = OutputDir::create(tmp.path().join("one")).unwrap();
        one.write_graph(&graph(0..300, limits), &BTreeMap::new())
            .unwrap();
        assert!(
            std::fs::read(one.graph_path()).unwrap() == std::fs::read(merged.graph_path()).unwrap(),
            "the merged graph.json differs from one run's"
        );
    }
}

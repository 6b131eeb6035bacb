//! The output folder of a run or merge: the names of its files, and how graph.json, summary.json and run.json are written and read.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::graph::Graph;
use crate::run::Summary;

pub const GRAPH_FILE: &str = "graph.json";
pub const SUMMARY_FILE: &str = "summary.json";
pub const MENTIONS_FILE: &str = "mentions.jsonl";
pub const PROBLEMS_FILE: &str = "problems.jsonl";
pub const RUN_FILE: &str = "run.json";
pub const CHECKPOINT_FILE: &str = "checkpoint.json";
/// The graph of every batch since the run began, one node-link line per batch: what a
/// checkpoint's graph is rebuilt from (so that a checkpoint need not write the graph).
pub const GRAPH_LOG_FILE: &str = "checkpoint-graph.jsonl";

/// Why an output file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot create {}", path.display())]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not JSON", path.display())]
    NotJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}: {error}", path.display())]
    NotAGraph {
        path: PathBuf,
        error: crate::graph::NodeLinkError,
    },
    #[error("{}: not a newsgraph summary", path.display())]
    NotASummary {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// A graph.json read back: the graph, and its `graph` metadata object without the
/// fields [`Graph::write_node_link`] writes itself ([`crate::graph::OWN_GRAPH_KEYS`]).
#[derive(Debug)]
pub struct GraphFile {
    pub graph: Graph,
    pub meta: BTreeMap<String, Value>,
}

impl GraphFile {
    /// Reads a graph.json written by extract or merge.
    pub fn read(path: &Path) -> Result<Self, OutputError> {
        let value = read_json(path)?;
        let graph = Graph::from_node_link(&value).map_err(|error| OutputError::NotAGraph {
            path: path.to_path_buf(),
            error,
        })?;
        let mut meta: BTreeMap<String, Value> = value["graph"]
            .as_object()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect();
        for key in crate::graph::OWN_GRAPH_KEYS {
            meta.remove(key);
        }
        Ok(GraphFile { graph, meta })
    }
}

/// What run.json records: how the run went on this machine (timings, so not compared
/// between runs).
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub seconds: f64,
    pub threads: usize,
    pub documents_per_second: f64,
    pub model_tokens_per_second: f64,
    pub peak_rss_bytes: Option<u64>,
    pub resumed: bool,
    pub newsgraph: &'static str,
}

/// An output folder: graph.json, summary.json, mentions.jsonl, problems.jsonl, run.json
/// (and checkpoint.json with its graph log while a run is unfinished).
#[derive(Clone, Debug)]
pub struct OutputDir {
    dir: PathBuf,
}

impl OutputDir {
    /// A folder to read, or to write once [`OutputDir::create`]d.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        OutputDir { dir: dir.into() }
    }

    /// Creates the folder (and its parents) if missing.
    pub fn create(dir: impl Into<PathBuf>) -> Result<Self, OutputError> {
        let out = Self::new(dir);
        std::fs::create_dir_all(&out.dir).map_err(|source| OutputError::Create {
            path: out.dir.clone(),
            source,
        })?;
        Ok(out)
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A file of the folder, by name.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn graph_path(&self) -> PathBuf {
        self.file(GRAPH_FILE)
    }

    pub fn summary_path(&self) -> PathBuf {
        self.file(SUMMARY_FILE)
    }

    pub fn mentions_path(&self) -> PathBuf {
        self.file(MENTIONS_FILE)
    }

    pub fn problems_path(&self) -> PathBuf {
        self.file(PROBLEMS_FILE)
    }

    pub fn checkpoint_path(&self) -> PathBuf {
        self.file(CHECKPOINT_FILE)
    }

    /// Whether an unfinished run left its checkpoint here.
    pub fn has_checkpoint(&self) -> bool {
        self.checkpoint_path().exists()
    }

    /// Writes graph.json with `meta` in its `graph` object; returns its path.
    pub fn write_graph(
        &self,
        graph: &Graph,
        meta: &BTreeMap<String, Value>,
    ) -> Result<PathBuf, OutputError> {
        let path = self.graph_path();
        let write = || -> std::io::Result<()> {
            let mut out = BufWriter::new(File::create(&path)?);
            graph.write_node_link(meta, &mut out)?;
            out.flush()
        };
        write().map_err(|source| OutputError::Write {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }

    pub fn read_graph(&self) -> Result<GraphFile, OutputError> {
        GraphFile::read(&self.graph_path())
    }

    /// Writes summary.json: the summary and the graph's size.
    pub fn write_summary(&self, summary: &Summary, graph: &Graph) -> Result<(), OutputError> {
        write_json(&self.summary_path(), &summary.to_json(graph))
    }

    pub fn read_summary(&self) -> Result<Summary, OutputError> {
        let path = self.summary_path();
        serde_json::from_value(read_json(&path)?)
            .map_err(|source| OutputError::NotASummary { path, source })
    }

    pub fn write_run_info(&self, info: &RunInfo) -> Result<(), OutputError> {
        let value = serde_json::to_value(info).expect("run info serialises");
        write_json(&self.file(RUN_FILE), &value)
    }
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> Result<Value, OutputError> {
    let text = std::fs::read_to_string(path).map_err(|source| OutputError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| OutputError::NotJson {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes pretty JSON and a final newline, as every JSON output of newsgraph is written.
pub fn write_json(path: &Path, value: &Value) -> Result<(), OutputError> {
    let write = || -> std::io::Result<()> {
        let mut out = BufWriter::new(File::create(path)?);
        serde_json::to_writer_pretty(&mut out, value)?;
        out.write_all(b"\n")?;
        out.flush()
    };
    write().map_err(|source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_graph_and_its_metadata_read_back_as_written() {
        let tmp = tempfile::tempdir().unwrap();
        let out = OutputDir::create(tmp.path().join("out")).unwrap();
        let mut graph = Graph::default();
        graph.add_node(crate::graph::Node::claim(
            "claim:d:1".into(),
            "3".into(),
            "d",
            3.0,
            None,
            None,
            None,
        ));
        let meta = BTreeMap::from([("model".to_string(), Value::from("m"))]);
        out.write_graph(&graph, &meta).unwrap();
        let read = out.read_graph().unwrap();
        assert_eq!(read.meta, meta);
        assert_eq!(read.graph.nodes, graph.nodes);
        let err = GraphFile::read(&out.summary_path()).unwrap_err();
        assert!(matches!(err, OutputError::Read { .. }), "{err}");
    }
}

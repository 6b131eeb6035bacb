//! The `BatchSink` trait every output of a run implements, and the batch and problem records a sink is given.

use serde::Serialize;
use serde_json::Value;

use crate::graph::Graph;
use crate::input::Document;
use std::cell::OnceCell;

use crate::pipeline::{document_graph, DocResult};

/// One line of problems.jsonl: an input skipped or failed, with why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub status: ProblemStatus,
    /// The document's id, when the input got as far as being a document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub source: String,
    pub reason: String,
}

/// Whether a problem lost a document (`failed`) or the input held none to lose (`skipped`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProblemStatus {
    Skipped,
    Failed,
}

/// What a run hands its sinks after each batch, in input order: the documents
/// processed with their results, and the problems met since the last batch.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    pub docs: &'a [Document],
    pub results: &'a [DocResult],
    /// Each result's own graph, built the first time a sink asks ([`Batch::graphs`]) and
    /// then shared: the store writes them, the run's graph merges them.
    pub graphs: &'a OnceCell<Vec<Graph>>,
    pub problems: &'a [Problem],
}

impl<'a> Batch<'a> {
    /// Each result's own graph ([`crate::pipeline::document_graph`]), built once for every
    /// sink that reads them.
    pub fn graphs(&self) -> &'a [Graph] {
        self.graphs
            .get_or_init(|| self.results.iter().map(document_graph).collect())
    }

    /// The documents' graphs, if a sink has had them built.
    pub fn built_graphs(&self) -> Option<&'a [Graph]> {
        self.graphs.get().map(Vec::as_slice)
    }
}

/// Why a sink could not take a batch (or open, or checkpoint).
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("cannot write {}", path.display())]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot reopen {}", path.display())]
    Reopen {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{} is shorter than its checkpoint says ({len} bytes): it was changed after the run \
         stopped; start again without --resume",
        path.display()
    )]
    Shortened { path: std::path::PathBuf, len: u64 },
    /// The checkpoint holds no (or no usable) state for this sink.
    #[error("{0}")]
    Resume(String),
    #[error(transparent)]
    Output(#[from] crate::output::OutputError),
    /// A sink's own error (the store's, a library user's), boxed: the run passes it on
    /// without knowing its type. `SinkError::other` boxes one.
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

impl SinkError {
    /// Boxes a sink's own error.
    pub fn other(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        SinkError::Other(Box::new(error))
    }
}

/// Where a run's batches go: each output (mentions.jsonl, problems.jsonl, the graph,
/// a store, the report's documents, parses.conllu) is one sink, and a run writes to a
/// list of them. A sink keeps whatever it needs to continue after `--resume` in the
/// state it returns at each checkpoint.
pub trait BatchSink {
    /// The key of this sink's state in a checkpoint.
    fn name(&self) -> &'static str;

    /// Called once before the first batch: `None` for a fresh run, or the state this
    /// sink returned at the checkpoint the run resumes from (`Null` when that run had
    /// no such sink). A sink without state has nothing to do here.
    fn open(&mut self, _resume: Option<&Value>) -> Result<(), SinkError> {
        Ok(())
    }

    /// A reason to skip this document before it reaches the model. `text_hash` is the
    /// SHA-256 of its text in lowercase hex (the store's content key), hashed once by the
    /// run.
    fn skip(&mut self, _doc: &Document, _text_hash: &str) -> Result<Option<String>, SinkError> {
        Ok(None)
    }

    /// Called with each processed batch before any sink gets it: a sink whose word is
    /// final (the store: another process may have stored a text since [`BatchSink::skip`]
    /// looked) writes the batch now and returns the documents it refused, by their index
    /// in `batch.docs`, with why. The run counts those as skipped, and no sink's
    /// [`BatchSink::batch`] sees them.
    fn settle(&mut self, _batch: &Batch) -> Result<Vec<(usize, String)>, SinkError> {
        Ok(Vec::new())
    }

    /// A processed batch.
    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError>;

    /// Makes what was written so far durable and returns the state to resume from.
    fn checkpoint(&mut self) -> Result<Value, SinkError> {
        Ok(Value::Null)
    }

    /// The run is complete: flush, and drop whatever only a resume needed.
    fn finish(&mut self) -> Result<(), SinkError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Doc;
    use crate::resolve::{Entity, EntityType, Resolved};
    use crate::text::Span;

    fn result(id: &str) -> DocResult {
        DocResult {
            id: id.into(),
            mentions: Vec::new(),
            resolved: Resolved {
                entities: vec![Entity {
                    id: "person:vladimir-putin".into(),
                    name: "Putin".into(),
                    kind: EntityType::Person,
                    aliases: Default::default(),
                    mentions: vec![Span::new(0, 5)],
                    tokens: Vec::new(),
                    country: None,
                }],
                mention_entity: vec![Some(0)],
                ..Default::default()
            },
            relations: Vec::new(),
            analysis: Doc::default(),
        }
    }

    /// The documents' graphs are built when a sink first asks, once, and every later
    /// sink reads the same ones.
    #[test]
    fn a_batchs_graphs_are_built_once_when_first_asked() {
        let docs = [Document::new("a", "Putin"), Document::new("b", "Putin")];
        let results = [result("a"), result("b")];
        let cell = OnceCell::new();
        let batch = Batch {
            docs: &docs,
            results: &results,
            graphs: &cell,
            problems: &[],
        };
        assert!(batch.built_graphs().is_none());
        let first = batch.graphs();
        assert_eq!(first.len(), 2);
        assert_eq!(first[1].nodes, document_graph(&results[1]).nodes);
        assert_eq!(
            first[1].nodes["person:vladimir-putin"]
                .docs
                .first()
                .unwrap(),
            "b"
        );
        let again = batch.built_graphs().expect("built");
        assert!(std::ptr::eq(first, again));
    }

    /// The graph sink's two ways to a batch's graph give the same graph: merging the
    /// documents' graphs (when the store had them built) and adding the results directly.
    #[test]
    fn merged_document_graphs_are_the_batch_graph() {
        let results = [result("b"), result("a"), result("c")];
        let limits = crate::graph::Limits {
            docs_per_node: 2,
            evidence_per_edge: 1,
        };
        let mut direct = Graph::with_limits(limits);
        crate::pipeline::add_to_graph(&mut direct, &results);
        let mut merged = Graph::with_limits(limits);
        for r in &results {
            merged.merge_from(&document_graph(r));
        }
        assert_eq!(direct.nodes, merged.nodes);
        assert_eq!(direct.edges, merged.edges);
        assert_eq!(direct.documents, merged.documents);
        let node = &merged.nodes["person:vladimir-putin"];
        assert_eq!((node.documents, node.docs.len()), (3, 2));
    }
}

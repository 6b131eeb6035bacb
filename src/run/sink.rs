//! The `BatchSink` trait every output of a run implements, and the batch and problem records a sink is given.

use serde::Serialize;
use serde_json::Value;

use crate::graph::Graph;
use crate::input::Document;
use crate::pipeline::DocResult;

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
/// processed with their results and each one's graph, and the problems met since the
/// last batch.
#[derive(Clone, Copy, Debug)]
pub struct Batch<'a> {
    pub docs: &'a [Document],
    pub results: &'a [DocResult],
    /// Each result's own graph ([`crate::pipeline::document_graph`]), built once by the run for
    /// every sink: the run's graph merges them, the store writes them.
    pub graphs: &'a [Graph],
    pub problems: &'a [Problem],
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

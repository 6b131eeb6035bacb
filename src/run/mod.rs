//! Runs an archive through the pipeline in bounded batches into a list of sinks, with checkpoints for `--resume` and the run summary.
//!
//! The pieces: [`sink`] (the [`BatchSink`] trait every output implements), [`lines`]
//! (mentions.jsonl, problems.jsonl), [`graph_sink`] (the graph and its log),
//! [`conllu_sink`], [`checkpoint`], [`progress`] and [`summary`]. The store's sink is
//! `store::StoreSink`, the report's `report::ReportSink`.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::graph::Graph;
use crate::input::{Document, Item};
use crate::output::{OutputDir, GRAPH_LOG_FILE, INPUTS_LIST_FILE};
use crate::pipeline::Pipeline;

pub mod checkpoint;
pub mod conllu_sink;
pub mod graph_sink;
pub mod input_files;
pub mod lines;
pub mod progress;
pub mod shard;
pub mod sink;
pub mod summary;

pub use crate::hash::sha256_hex;
pub use checkpoint::{Checkpoint, CheckpointError};
pub use conllu_sink::ConlluSink;
pub use graph_sink::GraphSink;
pub use lines::{Lines, LinesFile};
pub use progress::{Position, Progress, Silent};
pub use shard::{BadShard, Shard};
pub use sink::{Batch, BatchSink, Problem, ProblemStatus, SinkError};
pub use summary::{InputFingerprint, Summary};

/// How a run goes.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Documents per model batch.
    pub docs_per_batch: usize,
    /// Text bytes per batch, so that a few huge documents do not make a huge batch.
    pub batch_bytes: usize,
    pub shard: Option<Shard>,
    /// Continue from the checkpoint, if there is one.
    pub resume: bool,
    /// Time between checkpoints (zero: after every batch).
    pub checkpoint_every: Duration,
    /// Names the inputs and settings; a checkpoint of another run is refused.
    pub fingerprint: String,
    /// Goes into the summary as `options_fingerprint` (see [`Summary`]).
    pub options_fingerprint: String,
    /// The paths the input is read from: their files' sizes and times are listed beside
    /// the checkpoint, and a resume refuses files changed since (empty: not checked).
    pub inputs: Vec<PathBuf>,
    /// Files and folders under the inputs that are no input (the store and its side
    /// files): left out of the input files' list as the reader leaves them out.
    pub not_input: Vec<PathBuf>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            docs_per_batch: 256,
            batch_bytes: 16 << 20,
            shard: None,
            resume: false,
            checkpoint_every: Duration::from_secs(30),
            fingerprint: String::new(),
            options_fingerprint: String::new(),
            inputs: Vec::new(),
            not_input: Vec::new(),
        }
    }
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every item is in the sinks and, with a checkpoint folder, in a last checkpoint:
    /// the caller writes the final files, then [`OutputDir::finish_run`] removes the
    /// checkpoint (a failure in between leaves a run that `--resume` finishes at once).
    Complete {
        summary: Box<Summary>,
        /// Whether it continued from a checkpoint (`--resume` with one there).
        resumed: bool,
        /// What this process did, without what a resumed run restored.
        this_process: Work,
    },
    /// Stopped on request after a checkpoint; `--resume` continues.
    Interrupted { items_done: usize },
}

/// Work done by one process (a resumed run's restored counts left out), for rates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    pub documents_processed: usize,
    pub model_tokens: usize,
}

/// Why a run stopped before its end.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),
    #[error(transparent)]
    Sink(#[from] SinkError),
    #[error("the input reader failed")]
    Reader,
}

/// The files every extract run writes in its output folder, as sinks: mentions.jsonl,
/// problems.jsonl, and the graph (with its log while the run is unfinished).
pub struct RunFiles {
    pub mentions: LinesFile,
    pub problems: LinesFile,
    pub graph: GraphSink,
}

impl RunFiles {
    pub fn new(out: &OutputDir) -> Self {
        RunFiles {
            mentions: LinesFile::new(Lines::Mentions, out.mentions_path()),
            problems: LinesFile::new(Lines::Problems, out.problems_path()),
            graph: GraphSink::new(out.file(GRAPH_LOG_FILE)),
        }
    }
}

/// A run being set up: the pipeline, its options, the sinks it writes to, and where
/// it checkpoints; [`Run::run`] streams the input through.
pub struct Run<'a> {
    pipeline: &'a Pipeline,
    options: RunOptions,
    sinks: Vec<&'a mut dyn BatchSink>,
    progress: Option<&'a mut dyn Progress>,
    stop: Option<&'a AtomicBool>,
    checkpoint: Option<PathBuf>,
}

impl<'a> Run<'a> {
    pub fn new(pipeline: &'a Pipeline, options: RunOptions) -> Self {
        Run {
            pipeline,
            options,
            sinks: Vec::new(),
            progress: None,
            stop: None,
            checkpoint: None,
        }
    }

    /// Adds a sink; sinks get each batch in the order they were added.
    pub fn sink(mut self, sink: &'a mut dyn BatchSink) -> Self {
        self.sinks.push(sink);
        self
    }

    pub fn progress(mut self, progress: &'a mut dyn Progress) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Stops after the current batch (and a checkpoint) once `flag` is set.
    pub fn stop_on(mut self, flag: &'a AtomicBool) -> Self {
        self.stop = Some(flag);
        self
    }

    /// Checkpoints into `out` (checkpoint.json, and the input files' list beside it), and
    /// resumes from there with `resume`.
    pub fn checkpoint_in(mut self, out: &OutputDir) -> Self {
        self.checkpoint = Some(out.checkpoint_path());
        self
    }

    fn inputs_list_path(&self) -> Option<PathBuf> {
        let checkpoint = self.checkpoint.as_ref()?;
        (!self.options.inputs.is_empty()).then(|| checkpoint.with_file_name(INPUTS_LIST_FILE))
    }

    /// The input files now, leaving out the checkpoint's folder and what is no input.
    fn scan_inputs(&self) -> Vec<input_files::InputFile> {
        let out = self.checkpoint.as_deref().and_then(|c| c.parent());
        let mut skip: Vec<PathBuf> = out.map(PathBuf::from).into_iter().collect();
        skip.extend(self.options.not_input.iter().cloned());
        input_files::scan(&self.options.inputs, &skip)
    }

    /// Streams `items` through the pipeline into the sinks.
    pub fn run<I>(mut self, items: I) -> Result<Outcome, RunError>
    where
        I: Iterator<Item = Item> + Send + 'static,
    {
        let mut silent = Silent;
        let progress = self.progress.take().unwrap_or(&mut silent);
        let never = AtomicBool::new(false);
        let stop = self.stop.unwrap_or(&never);
        let checkpoint = self.read_checkpoint()?;
        let (tx, rx) = mpsc::sync_channel::<Item>(32);
        let reader = std::thread::spawn(move || {
            for item in items {
                if tx.send(item).is_err() {
                    break;
                }
            }
        });
        if let Some(c) = &checkpoint {
            verify_read_before(c, &rx)?;
        }
        // Only now, with every check passed, is anything in the output touched.
        let mut state = self.open(checkpoint)?;
        if !state.resumed {
            // A checkpoint before the first batch: the sinks' starting states (the
            // store's last batch before this run) are on disk before any output is, so
            // a run killed before its first timed checkpoint resumes as this run.
            self.checkpoint(&mut state)?;
        }
        progress.start(state.position());
        let batch_items = self.options.docs_per_batch.max(1);
        let mut pending = Pending::default();
        let mut stopped = false;
        for item in rx.iter() {
            pending.items += 1;
            self.take(&mut state, item, &mut pending)?;
            // Counting every item, not only documents, bounds the problems held and
            // keeps checkpoints and Ctrl-C working on input that is all skips.
            if pending.docs.len() >= batch_items
                || pending.items >= batch_items
                || pending.bytes >= self.options.batch_bytes
            {
                self.flush(&mut state, &mut pending)?;
                progress.update(state.position());
                if stop.load(Ordering::SeqCst) {
                    stopped = true;
                    break;
                }
                if state.last_checkpoint.elapsed() >= self.options.checkpoint_every {
                    self.checkpoint(&mut state)?;
                }
            }
        }
        drop(rx);
        reader.join().map_err(|_| RunError::Reader)?;
        if stopped {
            self.checkpoint(&mut state)?;
            progress.finish(state.position());
            return Ok(Outcome::Interrupted {
                items_done: state.items_done,
            });
        }
        self.flush(&mut state, &mut pending)?;
        progress.finish(state.position());
        // A last checkpoint: should writing the final files fail (a full disk), a resume
        // has nothing left to process. The caller removes it once they are written.
        self.checkpoint(&mut state)?;
        for sink in &mut self.sinks {
            sink.finish()?;
        }
        let this_process = Work {
            documents_processed: state.summary.documents_processed
                - state.restored.documents_processed,
            model_tokens: state.summary.model_tokens - state.restored.model_tokens,
        };
        let mut summary = state.summary;
        summary.shard = self.options.shard.map(|s| s.to_string());
        summary.input_fingerprint = state.input.hex();
        summary.options_fingerprint = self.options.options_fingerprint.clone();
        Ok(Outcome::Complete {
            summary: Box::new(summary),
            resumed: state.resumed,
            this_process,
        })
    }

    /// The checkpoint a resumed run continues, checked against this run's fingerprint
    /// and input files; a fresh run lists its input files instead.
    fn read_checkpoint(&self) -> Result<Option<Checkpoint>, RunError> {
        let list = self.inputs_list_path();
        let checkpoint = match &self.checkpoint {
            Some(path) if self.options.resume && path.exists() => {
                Checkpoint::read(path, &self.options.fingerprint)?
            }
            _ => {
                if let Some(list) = &list {
                    input_files::write(list, &self.scan_inputs())?;
                }
                return Ok(None);
            }
        };
        if let Some(list) = &list {
            input_files::compare(&input_files::read(list)?, &self.scan_inputs())?;
        }
        Ok(Some(checkpoint))
    }

    /// Opens every sink, fresh or from the checkpoint a resumed run continues.
    fn open(&mut self, checkpoint: Option<Checkpoint>) -> Result<State, RunError> {
        let Some(c) = checkpoint else {
            for sink in &mut self.sinks {
                sink.open(None)?;
            }
            return Ok(State::new(
                Summary::default(),
                0,
                InputFingerprint::default(),
                false,
            ));
        };
        let input = InputFingerprint::from_hex(&c.input_fingerprint).ok_or_else(|| {
            CheckpointError::Damaged {
                path: self.checkpoint.clone().expect("read from a path"),
            }
        })?;
        for sink in &mut self.sinks {
            let state = c.sinks.get(sink.name()).unwrap_or(&serde_json::Value::Null);
            sink.open(Some(state))?;
        }
        Ok(State::new(c.summary, c.items_done, input, true))
    }

    fn owns(&self, key: &str) -> bool {
        self.options.shard.is_none_or(|s| s.owns(key))
    }

    /// Takes one input item into the pending batch.
    fn take(
        &mut self,
        state: &mut State,
        item: Item,
        pending: &mut Pending,
    ) -> Result<(), RunError> {
        // A document's text is hashed once, here: the fingerprint chains its hash and the
        // sinks get it as the text's content key.
        let text_hash = state.input.add(&item);
        let (status, failure) = match item {
            Item::Document(doc) => {
                if !self.owns(&doc.id) {
                    return Ok(());
                }
                state.summary.documents_read += 1;
                let text_hash = text_hash.expect("a document's text is hashed");
                for sink in &mut self.sinks {
                    if let Some(reason) = sink.skip(&doc, &text_hash)? {
                        state.summary.skipped(&reason);
                        pending.problems.push(document_problem(
                            ProblemStatus::Skipped,
                            doc,
                            reason,
                        ));
                        return Ok(());
                    }
                }
                pending.bytes += doc.text.len();
                pending.docs.push(doc);
                return Ok(());
            }
            Item::Skipped(f) => (ProblemStatus::Skipped, f),
            Item::Failed(f) => (ProblemStatus::Failed, f),
        };
        if self.owns(&failure.source) {
            state.summary.documents_read += 1;
            match status {
                ProblemStatus::Skipped => state.summary.skipped(&failure.reason),
                ProblemStatus::Failed => state.summary.failed(&failure.reason),
            }
            pending.problems.push(Problem {
                status,
                id: None,
                source: failure.source,
                reason: failure.reason,
            });
        }
        Ok(())
    }

    /// Processes the pending documents and hands the batch to every sink.
    fn flush(&mut self, state: &mut State, pending: &mut Pending) -> Result<(), RunError> {
        let docs = std::mem::take(&mut pending.docs);
        let mut kept_docs = Vec::with_capacity(docs.len());
        let mut results = Vec::with_capacity(docs.len());
        if !docs.is_empty() {
            let (each, stats) = self.pipeline.process_isolating(&docs);
            state.summary.model_tokens += stats.tokens;
            for (doc, r) in docs.into_iter().zip(each) {
                match r {
                    Ok(r) => {
                        kept_docs.push(doc);
                        results.push(r);
                    }
                    Err(reason) => {
                        state.summary.failed(&reason);
                        pending
                            .problems
                            .push(document_problem(ProblemStatus::Failed, doc, reason));
                    }
                }
            }
        }
        // Each document's graph is built at most once, when a sink first asks, and shared.
        let mut graphs: OnceCell<Vec<Graph>> = OnceCell::new();
        // A sink may refuse documents at write time (the store, when another process
        // stored the same text meanwhile): they are skipped, with its reason, and left
        // out of every sink's batch.
        let mut refused: std::collections::BTreeMap<usize, String> = Default::default();
        for sink in &mut self.sinks {
            let batch = Batch {
                docs: &kept_docs,
                results: &results,
                graphs: &graphs,
                problems: &[],
            };
            for (i, reason) in sink.settle(&batch)? {
                refused.entry(i).or_insert(reason);
            }
        }
        if !refused.is_empty() {
            let (docs, each) = (std::mem::take(&mut kept_docs), std::mem::take(&mut results));
            let built = graphs.take();
            let mut own = built.map(Vec::into_iter);
            let mut kept_graphs = Vec::new();
            for (i, (doc, r)) in docs.into_iter().zip(each).enumerate() {
                let g = own.as_mut().and_then(Iterator::next);
                match refused.remove(&i) {
                    Some(reason) => {
                        state.summary.skipped(&reason);
                        pending.problems.push(document_problem(
                            ProblemStatus::Skipped,
                            doc,
                            reason,
                        ));
                    }
                    None => {
                        kept_docs.push(doc);
                        results.push(r);
                        kept_graphs.extend(g);
                    }
                }
            }
            if own.is_some() {
                graphs = OnceCell::from(kept_graphs);
            }
        }
        for r in &results {
            let s = &mut state.summary;
            s.documents_processed += 1;
            s.mentions += r.mentions.len();
            s.generic_bodies_without_state += r.resolved.generic_bodies_without_state;
            s.sentences += r.analysis.sentences.len();
            s.sentences_parsed += r.analysis.sentences.iter().filter(|s| s.parsed).count();
            for rel in &r.relations {
                *s.relations.entry(rel.relation.clone()).or_default() += 1;
            }
        }
        let problems = std::mem::take(&mut pending.problems);
        let batch = Batch {
            docs: &kept_docs,
            results: &results,
            graphs: &graphs,
            problems: &problems,
        };
        for sink in &mut self.sinks {
            sink.batch(&batch)?;
        }
        state.items_done += pending.items;
        pending.items = 0;
        pending.bytes = 0;
        Ok(())
    }

    /// Makes every sink durable, then writes checkpoint.json with their states.
    fn checkpoint(&mut self, state: &mut State) -> Result<(), RunError> {
        let Some(path) = &self.checkpoint else {
            return Ok(());
        };
        let mut sinks = std::collections::BTreeMap::new();
        for sink in &mut self.sinks {
            sinks.insert(sink.name().to_string(), sink.checkpoint()?);
        }
        Checkpoint {
            version: checkpoint::CHECKPOINT_VERSION,
            fingerprint: self.options.fingerprint.clone(),
            items_done: state.items_done,
            summary: state.summary.clone(),
            sinks,
            input_fingerprint: state.input.hex(),
        }
        .write(path)?;
        state.last_checkpoint = Instant::now();
        Ok(())
    }
}

/// Reads the items a checkpoint counts as done from `rx`, and checks that they are the
/// ones the run read before it: the same input fingerprint after as many items.
fn verify_read_before(c: &Checkpoint, rx: &mpsc::Receiver<Item>) -> Result<(), RunError> {
    let mut again = InputFingerprint::default();
    for _ in 0..c.items_done {
        let Ok(item) = rx.recv() else {
            return Err(CheckpointError::InputContentsChanged.into());
        };
        again.add(&item);
    }
    if again.hex() != c.input_fingerprint {
        return Err(CheckpointError::InputContentsChanged.into());
    }
    Ok(())
}

/// A document's line of problems.jsonl.
fn document_problem(status: ProblemStatus, doc: Document, reason: String) -> Problem {
    Problem {
        status,
        source: source_of(&doc),
        id: Some(doc.id),
        reason,
    }
}

/// Where a document came from, for problems.jsonl.
fn source_of(doc: &Document) -> String {
    doc.meta.get("source").cloned().unwrap_or_default()
}

/// The counts and position of a run under way.
struct State {
    summary: Summary,
    /// The counts a resumed run started from.
    restored: Work,
    items_done: usize,
    input: InputFingerprint,
    resumed: bool,
    last_checkpoint: Instant,
}

impl State {
    fn new(summary: Summary, items_done: usize, input: InputFingerprint, resumed: bool) -> Self {
        State {
            restored: Work {
                documents_processed: summary.documents_processed,
                model_tokens: summary.model_tokens,
            },
            summary,
            items_done,
            input,
            resumed,
            last_checkpoint: Instant::now(),
        }
    }

    fn position(&self) -> Position<'_> {
        Position {
            items_done: self.items_done,
            summary: &self.summary,
        }
    }
}

/// Items consumed but not yet written: documents to process and problems,
/// kept in input order so that outputs only ever hold whole batches.
#[derive(Default)]
struct Pending {
    docs: Vec<Document>,
    problems: Vec<Problem>,
    bytes: usize,
    items: usize,
}

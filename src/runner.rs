//! Runs an archive through the pipeline in bounded batches: shards, progress, checkpoints for `--resume`, the run summary.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::graph::Graph;
use crate::input::{Document, Failure, Item};
use crate::pipeline::{self, DocResult, Pipeline};

/// The file names a run writes in its output folder.
pub const MENTIONS_FILE: &str = "mentions.jsonl";
pub const PROBLEMS_FILE: &str = "problems.jsonl";
pub const CHECKPOINT_FILE: &str = "checkpoint.json";

/// A deterministic slice of the input, `K/N` on the command line: the
/// documents whose id hashes to K-1 modulo N (inputs that gave no document
/// go by their source instead). Every machine reads the same inputs and keeps
/// its slice, so N shards cover every document exactly once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based, as typed.
    pub index: usize,
    pub count: usize,
}

impl Shard {
    pub fn owns(&self, key: &str) -> bool {
        fnv1a64(key) % self.count as u64 == (self.index - 1) as u64
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let err = || format!("--shard wants K/N with 1 <= K <= N, such as 2/8; got {s:?}");
        let (k, n) = s.split_once('/').ok_or_else(err)?;
        let index: usize = k.trim().parse().map_err(|_| err())?;
        let count: usize = n.trim().parse().map_err(|_| err())?;
        if index == 0 || count == 0 || index > count {
            return Err(err());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// FNV-1a: stable across platforms and versions, unlike std's hasher.
fn fnv1a64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What a run did with its input: deterministic (no timings), so that shards
/// sum to a single run's summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Inputs in this run's shard: processed + skipped + failed.
    pub documents_read: usize,
    pub documents_processed: usize,
    pub documents_skipped: usize,
    pub documents_failed: usize,
    /// Reasons with numbers generalised ("line N: ..."), and how often each
    /// came; problems.jsonl lists every skip and failure with its source.
    pub skip_reasons: BTreeMap<String, usize>,
    pub failure_reasons: BTreeMap<String, usize>,
    pub mentions: usize,
    pub relations: BTreeMap<String, usize>,
    /// Tokens fed to the model, special tokens included.
    pub model_tokens: usize,
    /// Sentences of the processed documents, and those the dependency parser read
    /// (`--parse relevant` parses only the ones that can hold a relation).
    #[serde(default)]
    pub sentences: usize,
    #[serde(default)]
    pub sentences_parsed: usize,
    /// The slice this run took (`K/N`); absent for a whole run and a merge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Names the whole input, every shard's part of it ([`InputFingerprint`]):
    /// shards of one input carry the same one.
    pub input_fingerprint: String,
    /// Names every setting that changes results (model files, decoding, rules,
    /// gazetteer, reading options, version), not where files are.
    pub options_fingerprint: String,
    /// The shards a `merge --allow-partial` went without (`K/N`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_shards: Vec<String>,
}

impl Summary {
    /// Adds a shard's counts (the fingerprints and shard fields are the merge's to set).
    pub fn add(&mut self, other: &Summary) {
        self.documents_read += other.documents_read;
        self.documents_processed += other.documents_processed;
        self.documents_skipped += other.documents_skipped;
        self.documents_failed += other.documents_failed;
        for (mine, theirs) in [
            (&mut self.skip_reasons, &other.skip_reasons),
            (&mut self.failure_reasons, &other.failure_reasons),
            (&mut self.relations, &other.relations),
        ] {
            for (k, v) in theirs {
                *mine.entry(k.clone()).or_default() += v;
            }
        }
        self.mentions += other.mentions;
        self.model_tokens += other.model_tokens;
        self.sentences += other.sentences;
        self.sentences_parsed += other.sentences_parsed;
    }

    /// Documents this run or merge lost: inputs that failed (skipped ones are
    /// not lost: empty files, links and the like hold no document), and the
    /// documents of missing shards, which are unknown but not none.
    pub fn lost_documents(&self) -> bool {
        self.documents_failed > 0 || !self.missing_shards.is_empty()
    }

    /// summary.json: these counts plus the graph's size.
    pub fn to_json(&self, graph: &Graph) -> Value {
        let mut v = serde_json::to_value(self).expect("summary serialises");
        v["nodes"] = json!(graph.nodes.len());
        v["links"] = json!(graph.edges.len());
        v
    }
}

/// The input fingerprint: a SHA-256 chain over every input item in input
/// order, whichever shard owns it: a document's id, metadata (except its
/// `source` path) and text; a skipped or failed input's status and reason.
/// So it names the input's contents, not where they were mounted, and every
/// shard of one input computes the same one. The chain state is 32 bytes,
/// kept in checkpoints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputFingerprint([u8; 32]);

impl InputFingerprint {
    /// Adds one item.
    pub fn add(&mut self, item: &Item) {
        let mut h = Sha256::new();
        match item {
            Item::Document(d) => {
                h.update(b"D\0");
                h.update(d.id.as_bytes());
                for (k, v) in d.meta.iter().filter(|(k, _)| k.as_str() != "source") {
                    h.update(b"\0");
                    h.update(k.as_bytes());
                    h.update(b"=");
                    h.update(v.as_bytes());
                }
                h.update(b"\0\0");
                h.update(d.text.as_bytes());
            }
            Item::Skipped(f) => {
                h.update(b"S\0");
                h.update(f.reason.as_bytes());
            }
            Item::Failed(f) => {
                h.update(b"F\0");
                h.update(f.reason.as_bytes());
            }
        }
        let item = h.finalize();
        let mut chain = Sha256::new();
        chain.update(self.0);
        chain.update(item);
        self.0 = chain.finalize().into();
    }

    pub fn hex(&self) -> String {
        hex(&self.0)
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        if s.len() != 64 || !s.is_ascii() {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Self(out))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 of some bytes, in hex (for the options fingerprint).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// "line 12: bad JSON at column 3" -> "line N: bad JSON at column N".
fn reason_kind(reason: &str) -> String {
    let mut out = String::new();
    let mut in_number = false;
    for c in reason.chars().take(120) {
        if c.is_ascii_digit() {
            if !in_number {
                out.push('N');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// Where a batch's documents go besides the run's own outputs (a store, a
/// report), and which documents need no processing (already stored).
pub trait BatchSink {
    /// A reason to skip this document before it reaches the model.
    fn skip(&mut self, _doc: &Document) -> Result<Option<String>> {
        Ok(None)
    }
    /// A processed batch, in input order.
    fn batch(&mut self, _docs: &[Document], _results: &[DocResult]) -> Result<()> {
        Ok(())
    }
    /// What the sink needs to continue after `--resume`, saved in each checkpoint.
    fn state(&self) -> Value {
        Value::Null
    }
    /// Takes back the state of the checkpoint a run resumes from.
    fn restore(&mut self, _state: &Value) -> Result<()> {
        Ok(())
    }
}

/// How a run goes.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// Documents per model batch.
    pub docs_per_batch: usize,
    /// Text bytes per batch, so that a few huge documents do not make a huge batch.
    pub batch_bytes: usize,
    pub shard: Option<Shard>,
    /// Continue from the output folder's checkpoint.
    pub resume: bool,
    /// Seconds between checkpoints (0: after every batch).
    pub checkpoint_every: Duration,
    /// Names the inputs and settings; a checkpoint of another run is refused.
    pub fingerprint: String,
    /// Goes into the summary as `options_fingerprint` (see [`Summary`]).
    pub options_fingerprint: String,
    /// A progress bar (terminal) instead of log lines.
    pub progress_bar: bool,
    /// Seconds between progress log lines when there is no bar.
    pub log_every: Duration,
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
            progress_bar: false,
            log_every: Duration::from_secs(10),
        }
    }
}

/// How a run ended.
pub enum Outcome {
    Complete {
        graph: Graph,
        summary: Box<Summary>,
        /// Whether it continued from a checkpoint (`--resume` with one there).
        resumed: bool,
    },
    /// Stopped on request after a checkpoint; `--resume` continues.
    Interrupted { items_done: usize },
}

/// Everything needed to continue an interrupted run, written atomically.
#[derive(Serialize, Deserialize)]
struct Checkpoint {
    version: u32,
    fingerprint: String,
    /// Input items consumed (all shards'), whose effects are all below.
    items_done: usize,
    mentions_bytes: u64,
    problems_bytes: u64,
    summary: Summary,
    graph: Value,
    /// The sink's state ([`BatchSink::state`]).
    #[serde(default)]
    sink: Value,
    /// The input fingerprint's chain state after `items_done` items.
    #[serde(default)]
    input_fingerprint: String,
}

const CHECKPOINT_VERSION: u32 = 2;

/// Items consumed but not yet written: documents to process and problems,
/// kept in input order so that outputs only ever hold whole batches.
#[derive(Default)]
struct Pending {
    docs: Vec<Document>,
    problems: Vec<Value>,
    bytes: usize,
    items: usize,
}

/// The run's state and open outputs.
struct Run<'a> {
    pipeline: &'a Pipeline,
    out: &'a Path,
    options: &'a RunOptions,
    mentions: BufWriter<File>,
    problems: BufWriter<File>,
    graph: Graph,
    summary: Summary,
    items_done: usize,
    last_checkpoint: Instant,
    input: InputFingerprint,
    resumed: bool,
}

/// Streams `items` through the pipeline into `out` (mentions.jsonl,
/// problems.jsonl, checkpoint.json while running). The caller writes the
/// graph and summary from the outcome.
pub fn run<I>(
    pipeline: &Pipeline,
    items: I,
    total: Option<Receiver<usize>>,
    out: &Path,
    options: &RunOptions,
    sink: &mut dyn BatchSink,
    stop: &AtomicBool,
) -> Result<Outcome>
where
    I: Iterator<Item = Item> + Send + 'static,
{
    let mut run = Run::open(pipeline, out, options, sink)?;
    let skip = run.items_done;
    let (tx, rx) = mpsc::sync_channel::<Item>(32);
    let reader = std::thread::spawn(move || {
        for item in items.skip(skip) {
            if tx.send(item).is_err() {
                break;
            }
        }
    });
    let mut progress = Progress::new(options, run.items_done, total);
    let mut pending = Pending::default();
    let mut stopped = false;
    for item in rx.iter() {
        pending.items += 1;
        run.take(item, &mut pending, sink)?;
        // Counting every item, not only documents, bounds the problems held and
        // keeps checkpoints and Ctrl-C working on input that is all skips.
        if pending.docs.len() >= options.docs_per_batch.max(1)
            || pending.items >= options.docs_per_batch.max(1)
            || pending.bytes >= options.batch_bytes
        {
            run.flush(&mut pending, sink)?;
            progress.update(run.items_done, &run.summary);
            if stop.load(Ordering::SeqCst) {
                stopped = true;
                break;
            }
            run.checkpoint_if_due(sink)?;
        }
    }
    drop(rx);
    reader
        .join()
        .map_err(|_| anyhow::anyhow!("the input reader failed"))?;
    if stopped {
        run.checkpoint(sink)?;
        progress.finish(run.items_done, &run.summary);
        return Ok(Outcome::Interrupted {
            items_done: run.items_done,
        });
    }
    run.flush(&mut pending, sink)?;
    progress.finish(run.items_done, &run.summary);
    run.finish()
}

impl<'a> Run<'a> {
    fn open(
        pipeline: &'a Pipeline,
        out: &'a Path,
        options: &'a RunOptions,
        sink: &mut dyn BatchSink,
    ) -> Result<Self> {
        std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
        let checkpoint_path = out.join(CHECKPOINT_FILE);
        let checkpoint = if options.resume && checkpoint_path.exists() {
            let text = std::fs::read_to_string(&checkpoint_path)
                .with_context(|| format!("cannot read {}", checkpoint_path.display()))?;
            let c: Checkpoint = serde_json::from_str(&text).with_context(|| {
                format!(
                    "{} is damaged; delete it to start again",
                    checkpoint_path.display()
                )
            })?;
            if c.version != CHECKPOINT_VERSION || c.fingerprint != options.fingerprint {
                bail!(
                    "{} belongs to another run (other inputs, shard or settings):\n  it: {}\n  now: {}\n\
                     Run without --resume (or into another folder) to start again.",
                    checkpoint_path.display(),
                    c.fingerprint,
                    options.fingerprint
                );
            }
            sink.restore(&c.sink)?;
            Some(c)
        } else {
            if options.resume {
                eprintln!(
                    "no checkpoint in {}: starting from the beginning",
                    out.display()
                );
            }
            None
        };
        let open = |name: &str, keep: Option<u64>| -> Result<BufWriter<File>> {
            let path = out.join(name);
            let mut file = match keep {
                Some(len) => {
                    let mut f = OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .with_context(|| format!("cannot reopen {}", path.display()))?;
                    if f.metadata()?.len() < len {
                        bail!(
                            "{} is shorter than its checkpoint says ({len} bytes): it was changed \
                             after the run stopped; start again without --resume",
                            path.display()
                        );
                    }
                    // Lines written after the checkpoint are written again.
                    f.set_len(len)?;
                    f.seek(SeekFrom::End(0))?;
                    f
                }
                None => File::create(&path)
                    .with_context(|| format!("cannot write {}", path.display()))?,
            };
            file.flush()?;
            Ok(BufWriter::new(file))
        };
        let resumed = checkpoint.is_some();
        let (mentions, problems, graph, summary, items_done, input) = match checkpoint {
            Some(c) => (
                open(MENTIONS_FILE, Some(c.mentions_bytes))?,
                open(PROBLEMS_FILE, Some(c.problems_bytes))?,
                Graph::from_node_link(&c.graph)
                    .map_err(|e| anyhow::anyhow!("checkpoint graph: {e}"))?,
                c.summary,
                c.items_done,
                InputFingerprint::from_hex(&c.input_fingerprint).with_context(|| {
                    format!(
                        "{} is damaged; delete it to start again",
                        checkpoint_path.display()
                    )
                })?,
            ),
            None => (
                open(MENTIONS_FILE, None)?,
                open(PROBLEMS_FILE, None)?,
                Graph::default(),
                Summary::default(),
                0,
                InputFingerprint::default(),
            ),
        };
        Ok(Run {
            pipeline,
            out,
            options,
            mentions,
            problems,
            graph,
            summary,
            items_done,
            last_checkpoint: Instant::now(),
            input,
            resumed,
        })
    }

    fn owns(&self, key: &str) -> bool {
        self.options.shard.is_none_or(|s| s.owns(key))
    }

    /// Takes one input item into the pending batch.
    fn take(&mut self, item: Item, pending: &mut Pending, sink: &mut dyn BatchSink) -> Result<()> {
        let problem = |status: &str, f: &Failure| json!({"status": status, "source": f.source, "reason": f.reason});
        self.input.add(&item);
        match item {
            Item::Document(doc) => {
                if !self.owns(&doc.id) {
                    return Ok(());
                }
                self.summary.documents_read += 1;
                if let Some(reason) = sink.skip(&doc)? {
                    self.skipped(&reason);
                    let source = doc.meta.get("source").cloned().unwrap_or_default();
                    pending.problems.push(json!({
                        "status": "skipped", "id": doc.id, "source": source, "reason": reason
                    }));
                    return Ok(());
                }
                pending.bytes += doc.text.len();
                pending.docs.push(doc);
            }
            Item::Skipped(f) => {
                if self.owns(&f.source) {
                    self.summary.documents_read += 1;
                    self.skipped(&f.reason);
                    pending.problems.push(problem("skipped", &f));
                }
            }
            Item::Failed(f) => {
                if self.owns(&f.source) {
                    self.summary.documents_read += 1;
                    self.summary.documents_failed += 1;
                    *self
                        .summary
                        .failure_reasons
                        .entry(reason_kind(&f.reason))
                        .or_default() += 1;
                    pending.problems.push(problem("failed", &f));
                }
            }
        }
        Ok(())
    }

    fn skipped(&mut self, reason: &str) {
        self.summary.documents_skipped += 1;
        *self
            .summary
            .skip_reasons
            .entry(reason_kind(reason))
            .or_default() += 1;
    }

    /// Processes the pending documents and writes everything pending.
    fn flush(&mut self, pending: &mut Pending, sink: &mut dyn BatchSink) -> Result<()> {
        let docs = std::mem::take(&mut pending.docs);
        if !docs.is_empty() {
            let (each, stats) = match self.pipeline.process_each(&docs) {
                Ok(done) => done,
                // The model failed on the batch: find the document it fails on,
                // one at a time, so that only that document fails.
                Err(_) if docs.len() > 1 => {
                    let mut each = Vec::with_capacity(docs.len());
                    let mut stats = crate::ner::NerStats::default();
                    for doc in &docs {
                        match self.pipeline.process_each(std::slice::from_ref(doc)) {
                            Ok((mut one, s)) => {
                                stats.tokens += s.tokens;
                                each.push(one.pop().expect("one result per document"));
                            }
                            Err(e) => each.push(Err(format!("the model failed on it: {e}"))),
                        }
                    }
                    (each, stats)
                }
                Err(e) => (
                    vec![Err(format!("the model failed on it: {e}"))],
                    Default::default(),
                ),
            };
            self.summary.model_tokens += stats.tokens;
            let mut kept_docs = Vec::with_capacity(docs.len());
            let mut results = Vec::with_capacity(docs.len());
            for (doc, r) in docs.into_iter().zip(each) {
                match r {
                    Ok(r) => {
                        kept_docs.push(doc);
                        results.push(r);
                    }
                    Err(reason) => {
                        self.summary.documents_failed += 1;
                        *self
                            .summary
                            .failure_reasons
                            .entry(reason_kind(&reason))
                            .or_default() += 1;
                        let source = doc.meta.get("source").cloned().unwrap_or_default();
                        pending.problems.push(json!({
                            "status": "failed", "id": doc.id, "source": source, "reason": reason
                        }));
                    }
                }
            }
            for r in &results {
                self.summary.documents_processed += 1;
                self.summary.mentions += r.mentions.len();
                self.summary.sentences += r.analysis.sentences.len();
                self.summary.sentences_parsed +=
                    r.analysis.sentences.iter().filter(|s| s.parsed).count();
                for rel in &r.relations {
                    *self
                        .summary
                        .relations
                        .entry(rel.relation.clone())
                        .or_default() += 1;
                }
                serde_json::to_writer(
                    &mut self.mentions,
                    &json!({"doc": r.id, "mentions": r.mentions}),
                )?;
                self.mentions.write_all(b"\n")?;
            }
            pipeline::add_to_graph(&mut self.graph, &results);
            sink.batch(&kept_docs, &results)?;
        }
        for p in pending.problems.drain(..) {
            serde_json::to_writer(&mut self.problems, &p)?;
            self.problems.write_all(b"\n")?;
        }
        self.items_done += pending.items;
        pending.items = 0;
        pending.bytes = 0;
        Ok(())
    }

    fn checkpoint_if_due(&mut self, sink: &dyn BatchSink) -> Result<()> {
        if self.last_checkpoint.elapsed() >= self.options.checkpoint_every {
            self.checkpoint(sink)?;
        }
        Ok(())
    }

    /// Writes checkpoint.json atomically (temporary file, sync, rename) after
    /// the outputs it counts are on disk.
    fn checkpoint(&mut self, sink: &dyn BatchSink) -> Result<()> {
        let mentions_bytes = sync(&mut self.mentions)?;
        let problems_bytes = sync(&mut self.problems)?;
        let checkpoint = Checkpoint {
            version: CHECKPOINT_VERSION,
            fingerprint: self.options.fingerprint.clone(),
            items_done: self.items_done,
            mentions_bytes,
            problems_bytes,
            summary: self.summary.clone(),
            graph: self.graph.to_node_link(&BTreeMap::new()),
            sink: sink.state(),
            input_fingerprint: self.input.hex(),
        };
        let path = self.out.join(CHECKPOINT_FILE);
        let tmp = self.out.join(format!("{CHECKPOINT_FILE}.tmp"));
        {
            let mut f = BufWriter::new(
                File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?,
            );
            serde_json::to_writer(&mut f, &checkpoint)?;
            let file = f.into_inner().map_err(|e| e.into_error())?;
            file.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        self.last_checkpoint = Instant::now();
        Ok(())
    }

    fn finish(mut self) -> Result<Outcome> {
        sync(&mut self.mentions)?;
        sync(&mut self.problems)?;
        let path = self.out.join(CHECKPOINT_FILE);
        if path.exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove {}", path.display()))?;
        }
        let mut summary = self.summary;
        summary.shard = self.options.shard.map(|s| s.to_string());
        summary.input_fingerprint = self.input.hex();
        summary.options_fingerprint = self.options.options_fingerprint.clone();
        Ok(Outcome::Complete {
            graph: self.graph,
            summary: Box::new(summary),
            resumed: self.resumed,
        })
    }
}

/// Flushes and syncs a writer; returns the file's length.
fn sync(writer: &mut BufWriter<File>) -> Result<u64> {
    writer.flush()?;
    let file = writer.get_mut();
    file.sync_data()?;
    Ok(file.stream_position()?)
}

/// A progress bar on a terminal, log lines otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    total: Option<Receiver<usize>>,
    length: Option<usize>,
    started: Instant,
    start_items: usize,
    last_log: Instant,
    log_every: Duration,
}

impl Progress {
    fn new(options: &RunOptions, items_done: usize, total: Option<Receiver<usize>>) -> Self {
        let bar = options.progress_bar.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} inputs, {per_sec}, ETA {eta} {msg}",
                )
                .expect("valid template"),
            );
            bar.set_position(items_done as u64);
            bar.reset_eta();
            bar
        });
        Progress {
            bar,
            total,
            length: None,
            started: Instant::now(),
            start_items: items_done,
            last_log: Instant::now(),
            log_every: options.log_every,
        }
    }

    fn poll_total(&mut self) {
        if self.length.is_none() {
            if let Some(n) = self.total.as_ref().and_then(|rx| rx.try_recv().ok()) {
                self.length = Some(n);
                if let Some(bar) = &self.bar {
                    bar.set_length(n as u64);
                }
            }
        }
    }

    fn line(&self, items_done: usize, summary: &Summary) -> String {
        let seconds = self.started.elapsed().as_secs_f64().max(1e-9);
        let rate = (items_done - self.start_items) as f64 / seconds;
        let of = self.length.map(|n| format!("/{n}")).unwrap_or_default();
        let eta = match self.length {
            Some(n) if rate > 0.0 && n > items_done => {
                format!(", ETA {}", clock(((n - items_done) as f64 / rate) as u64))
            }
            _ => String::new(),
        };
        format!(
            "{items_done}{of} inputs: {} processed, {} skipped, {} failed; {:.1} documents/s{eta}",
            summary.documents_processed,
            summary.documents_skipped,
            summary.documents_failed,
            summary.documents_processed as f64 / seconds,
        )
    }

    fn update(&mut self, items_done: usize, summary: &Summary) {
        self.poll_total();
        match &self.bar {
            Some(bar) => {
                bar.set_position(items_done as u64);
                bar.set_message(format!(
                    "({} failed, {} skipped)",
                    summary.documents_failed, summary.documents_skipped
                ));
            }
            None => {
                if self.last_log.elapsed() >= self.log_every {
                    eprintln!("{}", self.line(items_done, summary));
                    self.last_log = Instant::now();
                }
            }
        }
    }

    fn finish(&mut self, items_done: usize, summary: &Summary) {
        self.poll_total();
        if let Some(bar) = &self.bar {
            bar.set_position(items_done as u64);
            bar.finish_and_clear();
        }
        eprintln!("{}", self.line(items_done, summary));
    }
}

fn clock(seconds: u64) -> String {
    format!(
        "{}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// Peak resident memory of this process in bytes (Linux), for run.json.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// The output folder's files a merge reads.
pub fn shard_files(dir: &Path) -> [PathBuf; 4] {
    [
        dir.join("graph.json"),
        dir.join("summary.json"),
        dir.join(MENTIONS_FILE),
        dir.join(PROBLEMS_FILE),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_key_once() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for i in 0..500 {
            let key = format!("doc-{i}");
            assert_eq!(shards.iter().filter(|s| s.owns(&key)).count(), 1);
        }
    }

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!(
            "2/8".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 8 }
        );
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn reasons_are_grouped_without_their_numbers() {
        assert_eq!(
            reason_kind("line 12: expected value at line 1 column 3"),
            "line N: expected value at line N column N"
        );
    }

    #[test]
    fn summaries_add_up() {
        let mut a = Summary {
            documents_read: 2,
            documents_processed: 1,
            documents_failed: 1,
            failure_reasons: BTreeMap::from([("x".to_string(), 1)]),
            ..Summary::default()
        };
        let b = a.clone();
        a.add(&b);
        assert_eq!(a.documents_read, 4);
        assert_eq!(a.failure_reasons["x"], 2);
    }
}

//! `newsgraph._native`: the Python package's native module, a thin layer over the
//! library's own run (`run::Run` with in-memory sinks), so that Python and the command
//! line give the same graph byte for byte. The public, typed API is the Python package
//! (`python/newsgraph/__init__.py`); this module exchanges plain values and JSON text
//! with it.
//!
//! The GIL is released while a pipeline loads and while documents are processed; the
//! work runs in the pipeline's own rayon pool, as the command line's runs in its global
//! one. Ctrl-C is checked after each batch: the run stops there and raises
//! `KeyboardInterrupt`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyFileNotFoundError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};
use serde_json::{json, Value};

use newsgraph::eval::fixtures;
use newsgraph::export;
use newsgraph::graph::{Graph, Limits, RelationKinds};
use newsgraph::input::{self, Document, Item, ReadOptions, TextItems};
use newsgraph::ner::{Aggregation, LoadOptions, NerOptions, SessionLayout, MIN_WINDOW_TOKENS};
use newsgraph::output::{write_atomically, OutputDir, REPORT_FILE};
use newsgraph::pipeline::{self, DocResult, ParseMode, Parser, Pipeline};
use newsgraph::relations::RelationSource;
use newsgraph::report::{self, ReportDocument, ReportSink};
use newsgraph::resolve::Gazetteer;
use newsgraph::run::{
    Batch, BatchSink, Outcome, Position, Problem, Progress, Run, RunOptions, SinkError,
};

create_exception!(
    _native,
    NewsgraphError,
    PyException,
    "An error of the newsgraph library (loading a model, reading rules, writing a file), with its message."
);

/// An error and its causes, as one line (what the command line prints after `error:`).
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

fn error(e: &dyn std::error::Error) -> PyErr {
    NewsgraphError::new_err(chain(e))
}

fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("plain data serialises")
}

/// A loaded pipeline with the options `newsgraph extract` takes, and its own threads.
#[pyclass(module = "newsgraph._native", frozen)]
struct NativePipeline {
    pipeline: Pipeline,
    pool: rayon::ThreadPool,
    read: ReadOptions,
    limits: Limits,
    docs_per_batch: usize,
    report_docs: usize,
}

fn parse_mode(name: &str) -> PyResult<ParseMode> {
    match name {
        "relevant" => Ok(ParseMode::Relevant),
        "all" => Ok(ParseMode::All),
        "none" => Ok(ParseMode::None),
        _ => Err(PyValueError::new_err(format!(
            "parse must be 'relevant', 'all' or 'none', not {name:?}"
        ))),
    }
}

fn aggregation(name: &str) -> PyResult<Aggregation> {
    match name {
        "first" => Ok(Aggregation::First),
        "average" => Ok(Aggregation::Average),
        "max" => Ok(Aggregation::Max),
        _ => Err(PyValueError::new_err(format!(
            "aggregation must be 'first', 'average' or 'max', not {name:?}"
        ))),
    }
}

fn at_least_one(name: &str, n: usize) -> PyResult<usize> {
    if n == 0 {
        return Err(PyValueError::new_err(format!("{name} must be at least 1")));
    }
    Ok(n)
}

/// Loads the pipeline as `newsgraph extract` does (cli/load.rs): rules first, so that a
/// bad file fails fast, then the model, the gazetteer and the parser.
#[allow(clippy::too_many_arguments)]
fn load(
    model: PathBuf,
    parser: PathBuf,
    parse: ParseMode,
    rules: Option<PathBuf>,
    gazetteer: Option<PathBuf>,
    options: NerOptions,
) -> Result<Pipeline, String> {
    let rules = rules
        .as_deref()
        .map(pipeline::read_rules)
        .transpose()
        .map_err(|e| chain(&e))?;
    let gazetteer = gazetteer
        .as_deref()
        .map(pipeline::read_gazetteer)
        .transpose()
        .map_err(|e| chain(&e))?;
    let load = LoadOptions {
        layout: SessionLayout::PerWorker,
        threads: rayon::current_num_threads(),
        ..LoadOptions::default()
    };
    let mut p = Pipeline::load(&model, &load, options, Gazetteer::builtin()).map_err(|e| {
        format!(
            "cannot load the model from {}: {}",
            model.display(),
            chain(&e)
        )
    })?;
    if let Some(g) = gazetteer {
        p = p.with_gazetteer(g);
    }
    if parse != ParseMode::None {
        // The model's own directory gives its parse head, which reads the NER run's states.
        let given = Some(parser.as_path()).filter(|d| !d.as_os_str().is_empty());
        let loaded = Parser::load(given, None, Some(&p.ner), rayon::current_num_threads())
            .map_err(|e| {
                format!(
                    "cannot load the parser{}: {} (parse='none' runs without it)",
                    given
                        .map(|d| format!(" from {}", d.display()))
                        .unwrap_or_default(),
                    chain(&e)
                )
            })?;
        p = p.with_parser(loaded, parse).map_err(|e| chain(&e))?;
    }
    Ok(match rules {
        Some(r) => p.with_rules_file(r),
        None => p,
    })
}

#[pymethods]
impl NativePipeline {
    #[new]
    #[pyo3(signature = (
        model, parser, threads, parse, rules, gazetteer, aggregation_name, batch_size,
        max_tokens, docs_per_batch, max_doc_bytes, docs_per_node, evidence_per_edge,
        report_docs, fields, relations, relation_model, relation_threshold
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        model: PathBuf,
        parser: PathBuf,
        threads: Option<usize>,
        parse: &str,
        rules: Option<PathBuf>,
        gazetteer: Option<PathBuf>,
        aggregation_name: &str,
        batch_size: usize,
        max_tokens: Option<usize>,
        docs_per_batch: usize,
        max_doc_bytes: u64,
        docs_per_node: usize,
        evidence_per_edge: usize,
        report_docs: usize,
        fields: (String, String, String, String),
        relations: &str,
        relation_model: Option<PathBuf>,
        relation_threshold: Option<f64>,
    ) -> PyResult<Self> {
        let source = match relations {
            "rules" => RelationSource::Rules,
            "model" => RelationSource::Model,
            "both" => RelationSource::Both,
            other => {
                return Err(PyValueError::new_err(format!(
                    "relations must be 'rules', 'model' or 'both', not {other:?}"
                )))
            }
        };
        let relation_model = relation_model
            .map(|path| {
                pipeline::read_relation_model(&path).map_err(|e| {
                    NewsgraphError::new_err(format!(
                        "cannot load the relation model from {}: {} (relations='rules' runs without it)",
                        path.display(),
                        chain(&e)
                    ))
                })
            })
            .transpose()?;
        let parse = parse_mode(parse)?;
        let options = NerOptions {
            aggregation: aggregation(aggregation_name)?,
            batch_size: at_least_one("batch_size", batch_size)?,
            max_tokens,
            ..NerOptions::default()
        };
        if let Some(n) = max_tokens {
            if n < MIN_WINDOW_TOKENS {
                return Err(PyValueError::new_err(format!(
                    "max_tokens must be at least {MIN_WINDOW_TOKENS}"
                )));
            }
        }
        at_least_one("docs_per_batch", docs_per_batch)?;
        if max_doc_bytes == 0 {
            return Err(PyValueError::new_err("max_doc_bytes must be at least 1"));
        }
        let mut pool = rayon::ThreadPoolBuilder::new().thread_name(|i| format!("newsgraph-{i}"));
        if let Some(n) = threads {
            pool = pool.num_threads(at_least_one("threads", n)?);
        }
        let pool = pool
            .build()
            .map_err(|e| NewsgraphError::new_err(format!("cannot start the threads: {e}")))?;
        let pipeline = py
            .allow_threads(|| {
                pool.install(|| load(model, parser, parse, rules, gazetteer, options))
            })
            .map_err(NewsgraphError::new_err)?;
        let pipeline = match relation_model {
            Some(m) if source != RelationSource::Rules => {
                pipeline.with_relation_model(m, source, relation_threshold)
            }
            _ => pipeline,
        };
        let (id_field, text_field, date_field, title_field) = fields;
        Ok(NativePipeline {
            pipeline,
            pool,
            read: ReadOptions {
                id_field,
                text_field,
                date_field,
                title_field,
                max_document_bytes: max_doc_bytes,
            },
            limits: Limits {
                docs_per_node,
                evidence_per_edge,
            },
            docs_per_batch,
            report_docs,
        })
    }

    /// The number of threads the pipeline runs on.
    #[getter]
    fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// The options fingerprint, as summary.json's `options_fingerprint`.
    #[getter]
    fn options_fingerprint(&self) -> String {
        self.pipeline.options_fingerprint(&self.read, self.limits)
    }

    /// The graph of in-memory documents: `docs` is a list of `(id, text, meta)`.
    fn extract(&self, py: Python<'_>, docs: &Bound<'_, PyList>) -> PyResult<NativeGraph> {
        let mut texts = TextItems::new(&self.read);
        let items = text_items(&mut texts, docs)?;
        self.run(py, items.into_iter(), Vec::new())
    }

    /// The graph of files, directories and archives, read as `newsgraph extract` reads them.
    fn extract_files(&self, py: Python<'_>, paths: Vec<PathBuf>) -> PyResult<NativeGraph> {
        if paths.is_empty() {
            return Err(PyValueError::new_err("no input paths given"));
        }
        for p in &paths {
            if std::fs::symlink_metadata(p).is_err() {
                return Err(PyFileNotFoundError::new_err(format!(
                    "input {} does not exist",
                    p.display()
                )));
            }
        }
        let items = input::read(&paths, &self.read);
        self.run(py, items, paths)
    }

    /// A stream of documents: each call of its `process` takes the next batch.
    fn stream(&self) -> NativeStream {
        NativeStream {
            texts: Mutex::new(TextItems::new(&self.read)),
        }
    }

    /// Processes one batch of `(id, text, meta)` for a stream: one JSON text per input,
    /// in order, with the document's mentions, entities and relations, or why it was
    /// skipped or failed.
    fn process(
        &self,
        py: Python<'_>,
        stream: &NativeStream,
        docs: &Bound<'_, PyList>,
    ) -> PyResult<Vec<String>> {
        let items = {
            let mut texts = stream.texts.lock().expect("not poisoned");
            text_items(&mut texts, docs)?
        };
        let pipeline = &self.pipeline;
        let pool = &self.pool;
        Ok(py.allow_threads(|| pool.install(|| process_items(pipeline, items))))
    }
}

impl NativePipeline {
    /// Runs `items` through the library's run into in-memory sinks.
    fn run<I>(&self, py: Python<'_>, items: I, inputs: Vec<PathBuf>) -> PyResult<NativeGraph>
    where
        I: Iterator<Item = Item> + Send + 'static,
    {
        let options = RunOptions {
            docs_per_batch: self.docs_per_batch,
            options_fingerprint: self.pipeline.options_fingerprint(&self.read, self.limits),
            inputs,
            ..RunOptions::default()
        };
        let stop = AtomicBool::new(false);
        let mut signals = Signals {
            stop: &stop,
            error: None,
        };
        let mut graph = MemoryGraph {
            graph: Graph::with_limits(self.limits),
        };
        let mut problems = MemoryProblems::default();
        let mut report = ReportSink::new(self.report_docs);
        let pipeline = &self.pipeline;
        let pool = &self.pool;
        let outcome = py.allow_threads(|| {
            pool.install(|| {
                Run::new(pipeline, options)
                    .progress(&mut signals)
                    .stop_on(&stop)
                    .sink(&mut graph)
                    .sink(&mut report)
                    .sink(&mut problems)
                    .run(items)
            })
        });
        let outcome = outcome.map_err(|e| error(&e))?;
        let summary = match outcome {
            Outcome::Complete { summary, .. } => summary,
            Outcome::Interrupted { .. } => {
                return Err(signals.error.take().unwrap_or_else(|| {
                    pyo3::exceptions::PyKeyboardInterrupt::new_err("interrupted")
                }))
            }
        };
        // The run-wide acronym table is not joined, as `extract` does not join it unless
        // asked (docs/IDENTITY.md); `graph.acronyms` keeps the definitions.
        let summary = summary.to_json(&graph.graph);
        Ok(NativeGraph {
            graph: graph.graph,
            meta: pipeline.graph_meta(),
            kinds: RelationKinds::from_rules(&pipeline.rules),
            summary,
            problems: problems.problems,
            report_documents: report.documents().to_vec(),
            report_left_out: report.left_out(),
        })
    }
}

/// The `(id, text, meta)` tuples of `docs` as checked items. A text Python cannot hand
/// over as UTF-8 (an unpaired surrogate) fails alone, as an undecodable file does.
fn text_items(texts: &mut TextItems, docs: &Bound<'_, PyList>) -> PyResult<Vec<Item>> {
    let mut items = Vec::with_capacity(docs.len());
    for entry in docs.iter() {
        let tuple = entry.downcast::<PyTuple>()?;
        let id: String = tuple.get_item(0)?.extract()?;
        let meta: BTreeMap<String, String> = tuple.get_item(2)?.extract()?;
        let source = meta.get("source").cloned().unwrap_or_else(|| id.clone());
        let item = match tuple.get_item(1)?.extract::<String>() {
            Ok(text) => texts.item(Document { id, text, meta }),
            Err(e) => texts.failed(
                source,
                format!("not valid Unicode text ({})", e.value(entry.py())),
            ),
        };
        items.push(item);
    }
    Ok(items)
}

/// One JSON text per item: a processed document's results, or the problem.
fn process_items(pipeline: &Pipeline, items: Vec<Item>) -> Vec<String> {
    let mut out: Vec<Option<String>> = vec![None; items.len()];
    let mut docs = Vec::new();
    let mut places = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Item::Document(d) => {
                places.push(i);
                docs.push(d);
            }
            Item::Skipped(f) => {
                out[i] = Some(json_text(
                    &json!({"status": "skipped", "source": f.source, "reason": f.reason}),
                ))
            }
            Item::Failed(f) => {
                out[i] = Some(json_text(
                    &json!({"status": "failed", "source": f.source, "reason": f.reason}),
                ))
            }
        }
    }
    if !docs.is_empty() {
        let (results, _) = pipeline.process_isolating(&docs);
        for ((doc, result), i) in docs.iter().zip(results).zip(places) {
            out[i] = Some(match result {
                Ok(r) => json_text(&doc_result(doc, &r)),
                Err(reason) => json_text(&json!({
                    "status": "failed", "id": doc.id, "source": doc.meta.get("source"),
                    "reason": reason,
                })),
            });
        }
    }
    out.into_iter()
        .map(|o| o.expect("every item answered"))
        .collect()
}

/// A processed document as `Pipeline.documents` yields it.
fn doc_result(doc: &Document, r: &DocResult) -> Value {
    let entities: Vec<Value> = r
        .resolved
        .entities
        .iter()
        .enumerate()
        .map(|(e, entity)| {
            let mentions: Vec<usize> = r
                .resolved
                .mention_entity
                .iter()
                .enumerate()
                .filter(|(_, m)| **m == Some(e))
                .map(|(i, _)| i)
                .collect();
            json!({
                "id": entity.id,
                "name": entity.name,
                "type": entity.kind,
                "aliases": entity.aliases,
                "country": entity.country,
                "mentions": mentions,
            })
        })
        .collect();
    json!({
        "status": "processed",
        "id": r.id,
        "source": doc.meta.get("source"),
        "meta": doc.meta,
        "mentions": r.mentions,
        "entities": entities,
        "relations": r.relations,
        "sentences": r.analysis.sentences.len(),
    })
}

/// Progress that checks for Ctrl-C after each batch (taking the GIL for a moment).
struct Signals<'a> {
    stop: &'a AtomicBool,
    error: Option<PyErr>,
}

impl Progress for Signals<'_> {
    fn update(&mut self, _at: Position) {
        if let Err(e) = Python::with_gil(|py| py.check_signals()) {
            self.error = Some(e);
            self.stop.store(true, Ordering::SeqCst);
        }
    }

    fn finish(&mut self, _at: Position) {}
}

/// The run's graph, in memory (the command line's `GraphSink` without its log).
struct MemoryGraph {
    graph: Graph,
}

impl BatchSink for MemoryGraph {
    fn name(&self) -> &'static str {
        "graph"
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        pipeline::add_to_graph(&mut self.graph, batch.results);
        Ok(())
    }
}

/// The run's skipped and failed inputs (problems.jsonl's lines), in memory.
#[derive(Default)]
struct MemoryProblems {
    problems: Vec<Problem>,
}

impl BatchSink for MemoryProblems {
    fn name(&self) -> &'static str {
        "problems"
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        self.problems.extend_from_slice(batch.problems);
        Ok(())
    }
}

/// The per-stream state of `Pipeline.documents`: repeated ids are numbered across batches.
#[pyclass(module = "newsgraph._native", frozen)]
struct NativeStream {
    texts: Mutex<TextItems>,
}

/// A finished run's graph, its summary and problems, and the report's documents.
#[pyclass(module = "newsgraph._native", frozen)]
struct NativeGraph {
    graph: Graph,
    meta: BTreeMap<String, Value>,
    /// How DOT and the report draw each relation: from the pipeline's rules.
    kinds: RelationKinds,
    summary: Value,
    problems: Vec<Problem>,
    report_documents: Vec<ReportDocument>,
    report_left_out: usize,
}

/// The export formats by their command-line names, `all` for every one and `html`.
fn formats(names: &[String]) -> PyResult<(Vec<export::Format>, bool)> {
    let mut chosen = Vec::new();
    let mut html = false;
    for name in names {
        match name.as_str() {
            "all" => {
                chosen.extend_from_slice(export::Format::all());
                html = true;
            }
            "html" => html = true,
            "conllu" => {
                return Err(PyValueError::new_err(
                    "'conllu' needs the documents' parses, which a graph does not keep",
                ))
            }
            other => match export::Format::all().iter().find(|f| f.name() == other) {
                Some(f) => chosen.push(*f),
                None => {
                    let known: Vec<&str> = export::Format::all().iter().map(|f| f.name()).collect();
                    return Err(PyValueError::new_err(format!(
                        "unknown format {other:?}: one of {}, html, all",
                        known.join(", ")
                    )));
                }
            },
        }
    }
    chosen.sort_by_key(|f| export::Format::all().iter().position(|g| g == f));
    chosen.dedup();
    Ok((chosen, html))
}

#[pymethods]
impl NativeGraph {
    /// graph.json's text, byte for byte what `newsgraph extract` writes.
    fn node_link_json(&self) -> PyResult<String> {
        let mut out = Vec::new();
        self.graph
            .write_node_link(&self.meta, &mut out)
            .map_err(|e| error(&e))?;
        String::from_utf8(out).map_err(|e| error(&e))
    }

    /// summary.json's object, as JSON text.
    fn summary_json(&self) -> String {
        json_text(&self.summary)
    }

    /// problems.jsonl's records, as one JSON list.
    fn problems_json(&self) -> String {
        json_text(&self.problems)
    }

    /// Writes the formats named into `dir` (created if missing); returns the files.
    fn write(&self, py: Python<'_>, dir: PathBuf, names: Vec<String>) -> PyResult<Vec<PathBuf>> {
        let (chosen, html) = formats(&names)?;
        py.allow_threads(|| {
            let out = OutputDir::create(&dir).map_err(|e| chain(&e))?;
            let mut written = Vec::new();
            for format in chosen {
                if format == export::Format::NodeLink {
                    written.push(
                        out.write_graph(&self.graph, &self.meta)
                            .map_err(|e| chain(&e))?,
                    );
                } else {
                    written.extend(
                        export::write(&self.graph, &self.meta, &self.kinds, format, out.path())
                            .map_err(|e| chain(&e))?,
                    );
                }
            }
            if html {
                let path = out.file(REPORT_FILE);
                let page = report::Report {
                    graph: &self.graph,
                    meta: &self.meta,
                    kinds: &self.kinds,
                    documents: &self.report_documents,
                    documents_left_out: self.report_left_out,
                };
                write_atomically(&path, |w| w.write_all(report::render(&page).as_bytes()))
                    .map_err(|e| chain(&e))?;
                written.push(path);
            }
            Ok::<_, String>(written)
        })
        .map_err(NewsgraphError::new_err)
    }
}

/// Scores a pipeline against a folder of fixtures, as `newsgraph eval fixtures DIR --json`.
#[pyfunction]
fn eval_fixtures(py: Python<'_>, native: &NativePipeline, dir: PathBuf) -> PyResult<String> {
    let pipeline = &native.pipeline;
    let pool = &native.pool;
    py.allow_threads(|| {
        pool.install(|| {
            let loaded = fixtures::load_dir(&dir).map_err(|e| chain(&e))?;
            let mut total = fixtures::FixtureCounts::default();
            let mut per_fixture = BTreeMap::new();
            for f in &loaded {
                let doc = Document::new(f.fixture.id.clone(), f.text.clone());
                let results = pipeline
                    .process(std::slice::from_ref(&doc))
                    .map_err(|e| format!("fixture {}: {}", f.fixture.id, chain(&e)))?
                    .0;
                let mut graph = Graph::default();
                pipeline::add_to_graph(&mut graph, &results);
                let counts = fixtures::score(&f.fixture, &graph, &pipeline.rules);
                let (entities, relations) = counts.tables();
                per_fixture.insert(
                    f.fixture.id.clone(),
                    json!({"entities": entities, "relations": relations}),
                );
                total.add(&counts);
            }
            let (entities, relations) = total.tables();
            Ok::<_, String>(json_text(&json!({
                "dir": dir.display().to_string(),
                "fixtures": loaded.len(),
                "entities_from": "model",
                "entities": entities,
                "relations": relations,
                "per_fixture": per_fixture,
            })))
        })
    })
    .map_err(NewsgraphError::new_err)
}

/// The version of the newsgraph library this module was built from.
#[pyfunction]
fn library_version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("NewsgraphError", m.py().get_type::<NewsgraphError>())?;
    m.add_class::<NativePipeline>()?;
    m.add_class::<NativeGraph>()?;
    m.add_class::<NativeStream>()?;
    m.add_function(wrap_pyfunction!(eval_fixtures, m)?)?;
    m.add_function(wrap_pyfunction!(library_version, m)?)?;
    Ok(())
}

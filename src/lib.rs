//! newsgraph: news text to a graph of people, states and organisations.
//!
//! Data flows one way through one module per stage (see docs/ARCHITECTURE.md):
//!
//! - [`input`]: files, directories, JSONL/CSV/SGML and archives to [`input::Document`]s, lazily,
//!   with a reason for everything skipped or failed.
//! - [`text`]: sentence boundaries and model-sized chunks, as byte spans.
//! - [`ner`]: the ONNX token classifier; chunks to [`ner::Mention`]s.
//! - [`resolve`]: mentions to canonical entities (gazetteers in `data/gazetteer/`, word lists in `data/resolve/`).
//! - [`relations`]: sanctions, meets and claims between entities, by rules that are data
//!   (`rules/relations.toml`, described in docs/RULES.md).
//! - [`graph`]: nodes and edges with provenance, merged deterministically.
//! - [`pipeline`]: the stages wired together for the CLI and library users, with the
//!   hashes of what they loaded (the fingerprints).
//! - [`run`]: whole archives in bounded batches into a list of sinks ([`run::BatchSink`]):
//!   checkpoints, progress (a trait; the library prints nothing), the run summary.
//! - [`output`]: the output folder ([`output::OutputDir`]): graph.json, summary.json,
//!   mentions.jsonl, problems.jsonl, run.json.
//! - [`store`]: an SQLite store that accumulates graphs across runs.
//! - [`eval`]: CoNLL scoring and fixture scoring.
//! - [`export`]: the graph in other tools' formats (GraphML, GEXF, Neo4j, Cypher, DOT, Cytoscape).
//! - [`report`]: the self-contained HTML report (graph, documents, evidence).
//! - [`shards`]: `--shard K/N`, the check that shard outputs make one whole, and `merge`.
//! - [`locate`]: where the models and ONNX Runtime are (an installed tree or the checkout);
//!   [`doctor`] reports it.

pub mod analysis;
pub mod doctor;
pub mod eval;
pub mod export;
pub mod fsio;
pub mod graph;
pub mod hash;
pub mod input;
pub mod lexicon;
pub mod locate;
pub mod names;
pub mod ner;
pub mod onnx;
pub mod output;
pub mod pipeline;
pub mod relations;
pub mod report;
pub mod resolve;
pub mod run;
pub mod shards;
pub mod store;
pub mod text;

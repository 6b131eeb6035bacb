//! newsgraph: news text to a graph of people, states and organisations.
//!
//! Data flows one way through one module per stage, each on a floor that may use only the
//! floors below it (docs/ARCHITECTURE.md shows the floors; `tests/layering.rs` checks
//! them, and that no two modules use each other in a circle):
//!
//! - the ground floor: [`fsio`] (files written whole or not at all, JSON), [`hash`]
//!   (SHA-256 hex), [`names`] (the output folder's file names), [`locate`] (where the
//!   models and ONNX Runtime are; [`doctor`] reports it).
//! - [`input`]: files, directories, JSONL/CSV/SGML and archives to [`input::Document`]s, lazily,
//!   with a reason for everything skipped or failed.
//! - [`text`]: sentence boundaries and model-sized chunks, as byte spans.
//! - [`onnx`]: ONNX Runtime, weights and sessions for every model.
//! - [`ner`]: the token classifier; chunks to [`ner::Mention`]s.
//! - [`analysis`]: one [`analysis::Doc`] per document: tokens, lemmas, the dependency parse.
//! - [`lexicon`]: the one phrase-list type and fold of resolve and the rules.
//! - [`resolve`]: mentions to canonical entities (gazetteers in `data/gazetteer/`, word lists in `data/resolve/`).
//! - [`relations`]: sanctions, meets and claims between entities, by rules that are data
//!   (`rules/relations.toml`, described in docs/RULES.md).
//! - [`graph`]: nodes and edges with provenance, merged deterministically.
//! - [`pipeline`]: the stages wired together for the CLI and library users, with the
//!   hashes of what they loaded (the fingerprints).
//! - [`output`]: the output folder ([`output::OutputDir`]): graph.json, summary.json, run.json.
//! - [`export`]: the graph in other tools' formats (GraphML, GEXF, Neo4j, Cypher, DOT, Cytoscape).
//! - [`run`]: whole archives in bounded batches into a list of sinks ([`run::BatchSink`]):
//!   `--shard K/N`, checkpoints, progress (a trait; the library prints nothing), the run summary.
//! - [`store`]: an SQLite store that accumulates graphs across runs.
//! - [`shards`]: the check that shard outputs make one whole, and `merge`.
//! - [`report`]: the self-contained HTML report (graph, documents, evidence).
//! - [`eval`]: CoNLL scoring and fixture scoring.

pub mod analysis;
pub mod doctor;
pub mod eval;
pub mod export;
pub mod fsio;
pub mod graph;
pub mod hash;
pub mod input;
pub mod lexicon;
pub mod lists;
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

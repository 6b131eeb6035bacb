//! The stages wired together: documents in, per-document results and a graph out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::graph::Graph;
use crate::input::Document;
use crate::ner::{LoadOptions, Model, Ner, NerError, NerOptions, NerStats};
use crate::resolve::{Gazetteer, Resolved, Resolver};
use crate::text::CharOffsets;

/// The name of the model shipped in `models/`.
pub const DEFAULT_MODEL: &str = "newsgraph-ner-minilm";

/// The model used without `--model`: `$NEWSGRAPH_MODEL` if set, else the
/// shipped model beside the executable's checkout, else the crate's.
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NEWSGRAPH_MODEL") {
        return PathBuf::from(dir);
    }
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        for ancestor in exe.ancestors().skip(1).take(4) {
            candidates.push(ancestor.join("models").join(DEFAULT_MODEL));
        }
    }
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("models")
        .join(DEFAULT_MODEL);
    candidates
        .into_iter()
        .find(|p| p.is_dir())
        .unwrap_or(crate_dir)
}

/// A mention as written to mentions.jsonl: character offsets into the document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MentionRecord {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: String,
    /// Rounded to four decimals.
    pub score: f64,
}

/// Everything the pipeline found in one document.
#[derive(Clone, Debug)]
pub struct DocResult {
    pub id: String,
    pub mentions: Vec<MentionRecord>,
    pub resolved: Resolved,
}

/// The loaded stages.
pub struct Pipeline {
    pub ner: Ner,
    pub resolver: Resolver,
}

impl Pipeline {
    pub fn load(
        model_dir: &Path,
        load: &LoadOptions,
        options: NerOptions,
        gazetteer: Gazetteer,
    ) -> Result<Self, NerError> {
        let model = Model::load(model_dir, load)?;
        Ok(Self {
            ner: Ner::new(model, options),
            resolver: Resolver::new(gazetteer),
        })
    }

    /// Runs NER and resolution over a batch of documents.
    pub fn process(&self, docs: &[Document]) -> Result<(Vec<DocResult>, NerStats), NerError> {
        let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
        let (mentions, stats) = self.ner.recognise(&texts)?;
        let results = docs
            .iter()
            .zip(mentions)
            .map(|(doc, mentions)| {
                let resolved = self.resolver.resolve(&doc.text, &mentions);
                let mut offsets = CharOffsets::new(&doc.text);
                let records = mentions
                    .iter()
                    .map(|m| MentionRecord {
                        start: offsets.get(m.span.start),
                        end: offsets.get(m.span.end),
                        text: doc.text[m.span.start..m.span.end].to_string(),
                        label: m.label.clone(),
                        score: (f64::from(m.score) * 10_000.0).round() / 10_000.0,
                    })
                    .collect();
                DocResult {
                    id: doc.id.clone(),
                    mentions: records,
                    resolved,
                }
            })
            .collect();
        Ok((results, stats))
    }

    /// Metadata for graph.json's `graph` object.
    pub fn graph_meta(&self) -> BTreeMap<String, Value> {
        let mut meta = BTreeMap::new();
        let model = &self.ner.model;
        meta.insert(
            "model".into(),
            Value::String(
                model
                    .dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
        );
        meta
    }
}

/// Adds a batch of results to a graph, in document order.
pub fn add_to_graph(graph: &mut Graph, results: &[DocResult]) {
    for r in results {
        graph.add_entities(&r.id, &r.resolved);
    }
}

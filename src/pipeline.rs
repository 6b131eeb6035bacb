//! The stages wired together: documents in, per-document results and a graph out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analysis::{self, Doc, ParseScope, ParserModel, SentenceParser};
use crate::graph::{self, Edge, Evidence, Graph, Node, ParsedToken, SentenceParse};
use crate::input::Document;
use crate::ner::{LoadOptions, Model, Ner, NerError, NerOptions, NerStats};
use crate::relations::{self, RuleSet, Target};
use crate::resolve::{Gazetteer, Resolved, Resolver};
use crate::text::CharOffsets;

/// The name of the model shipped in `models/`.
pub const DEFAULT_MODEL: &str = "newsgraph-ner-minilm";

/// The environment variable naming the model directory used without `--model`.
pub const MODEL_ENV: &str = "NEWSGRAPH_MODEL";

/// The model used without `--model`: `$NEWSGRAPH_MODEL` if set, else the
/// shipped model of the installed tree or the checkout ([`crate::locate`]).
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(MODEL_ENV) {
        return PathBuf::from(dir);
    }
    crate::locate::layout().model_dir(DEFAULT_MODEL)
}

/// The parser used without `--parser`: `$NEWSGRAPH_PARSER` if set, else the shipped
/// parser beside the executable's checkout, else the crate's.
pub fn default_parser_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NEWSGRAPH_PARSER") {
        return PathBuf::from(dir);
    }
    let name = crate::analysis::parser::DEFAULT_PARSER;
    crate::ner::runtime::checkout_roots()
        .iter()
        .map(|root| root.join("models").join(name))
        .find(|p| p.is_dir())
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("models")
                .join(name)
        })
}

/// A mention as written to mentions.jsonl: character offsets into the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MentionRecord {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub label: String,
    /// Rounded to four decimals.
    pub score: f64,
    /// The graph node it names; absent when it names none (a city as a place, say).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub entity: Option<String>,
}

/// A claimed figure, the target of a `claims` relation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimRecord {
    /// The figure as written ("at least 137").
    pub label: String,
    pub value: f64,
    pub unit: Option<String>,
    pub qualifier: Option<String>,
    pub about: Option<String>,
}

/// A relation as the graph takes it: node ids, modality, evidence in character offsets.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationRecord {
    pub relation: String,
    pub source: String,
    /// An entity id, or for figures `claim:<doc>:<character offset of the number>`.
    pub target: String,
    pub modality: String,
    pub evidence: Vec<Evidence>,
    pub claim: Option<ClaimRecord>,
}

/// Everything the pipeline found in one document.
#[derive(Clone, Debug)]
pub struct DocResult {
    pub id: String,
    pub mentions: Vec<MentionRecord>,
    pub resolved: Resolved,
    /// Sorted by relation, source and target.
    pub relations: Vec<RelationRecord>,
    /// The analysed document (sentences, tokens, parse) that resolution and relations read.
    pub analysis: Doc,
}

/// Which sentences the analysis stage parses (when a parser is loaded).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ParseMode {
    /// Only the sentences that can hold a relation (`analysis::relevant`): an entity and a
    /// trigger word, or an entity, a word of attribution and a number. The others get
    /// tokens and lemmas, no tree.
    #[default]
    Relevant,
    /// Every sentence (what `--format conllu` needs).
    All,
    /// None: no parser is loaded.
    None,
}

/// The loaded stages.
pub struct Pipeline {
    pub ner: Ner,
    pub resolver: Resolver,
    pub rules: RuleSet,
    /// The dependency parser of the analysis stage; without one, tokens carry no parse.
    pub parser: Option<ParserModel>,
    /// Which sentences the parser reads.
    pub parse: ParseMode,
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
            rules: RuleSet::builtin(),
            parser: None,
            parse: ParseMode::Relevant,
        })
    }

    /// Replaces the built-in relation rules.
    pub fn with_rules(mut self, rules: RuleSet) -> Self {
        self.rules = rules;
        self
    }

    /// Parses the sentences `mode` selects with `parser` in the analysis stage.
    pub fn with_parser(mut self, parser: ParserModel, mode: ParseMode) -> Self {
        self.parser = Some(parser);
        self.parse = mode;
        self
    }

    /// Runs NER, resolution and relation rules over a batch of documents.
    /// A document the later stages fail on (a bug) is an error here; see
    /// [`Pipeline::process_each`] to keep going past it.
    pub fn process(&self, docs: &[Document]) -> Result<(Vec<DocResult>, NerStats), NerError> {
        let (results, stats) = self.process_each(docs)?;
        let results = results
            .into_iter()
            .map(|r| r.map_err(NerError::Document))
            .collect::<Result<_, _>>()?;
        Ok((results, stats))
    }

    /// Like [`Pipeline::process`], but a document whose analysis fails (the parser could
    /// not run) or whose resolution or relation stage panics becomes an `Err` with the
    /// reason, and the others go on.
    pub fn process_each(
        &self,
        docs: &[Document],
    ) -> Result<(Vec<Result<DocResult, String>>, NerStats), NerError> {
        let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
        let (mentions, stats) = self.ner.recognise(&texts)?;
        let results = docs
            .par_iter()
            .zip(mentions.into_par_iter())
            .map(|(doc, mentions)| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.after_ner(doc, &mentions)
                }))
                .unwrap_or_else(|panic| {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".to_string());
                    Err(format!(
                        "internal error after NER ({what}); please report it with this document"
                    ))
                })
            })
            .collect();
        Ok((results, stats))
    }

    /// Analysis, resolution and relations for one document's mentions. The document is
    /// analysed once; resolution and relations read that analysis.
    fn after_ner(
        &self,
        doc: &Document,
        mentions: &[crate::ner::Mention],
    ) -> Result<DocResult, String> {
        let parser = self.parser.as_ref().map(|p| p as &dyn SentenceParser);
        let relevant = analysis::relevant::can_hold_relation;
        let (parser, scope) = match self.parse {
            ParseMode::All => (parser, ParseScope::All),
            ParseMode::Relevant => (parser, ParseScope::Only(&relevant)),
            ParseMode::None => (None, ParseScope::All),
        };
        let analysis = analysis::analyse_with(&doc.text, mentions, parser, scope)
            .map_err(|e| format!("analysis failed: {e}"))?;
        let resolved = self.resolver.resolve(&doc.text, &analysis, mentions);
        let mut offsets = CharOffsets::new(&doc.text);
        let records = mentions
            .iter()
            .enumerate()
            .map(|(i, m)| MentionRecord {
                start: offsets.get(m.span.start),
                end: offsets.get(m.span.end),
                text: doc.text[m.span.start..m.span.end].to_string(),
                label: m.label.clone(),
                score: (f64::from(m.score) * 10_000.0).round() / 10_000.0,
                entity: resolved
                    .mention_entity
                    .get(i)
                    .copied()
                    .flatten()
                    .map(|e| resolved.entities[e].id.clone()),
            })
            .collect();
        let relations = relation_records(&self.rules, doc, &analysis, &resolved, &mut offsets);
        Ok(DocResult {
            id: doc.id.clone(),
            mentions: records,
            resolved,
            relations,
            analysis,
        })
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

/// The relations of one document, with graph ids and character-offset evidence.
pub fn relation_records(
    rules: &RuleSet,
    doc: &Document,
    analysis: &Doc,
    resolved: &Resolved,
    offsets: &mut CharOffsets,
) -> Vec<RelationRecord> {
    relations::extract(rules, &doc.text, analysis, resolved)
        .into_iter()
        .map(|r| {
            let (target, claim) = match &r.target {
                Target::Entity(t) => (resolved.entities[*t].id.clone(), None),
                Target::Figure(f) => (
                    format!("claim:{}:{}", doc.id, offsets.get(f.number.start)),
                    Some(ClaimRecord {
                        label: f.text.clone(),
                        value: f.value,
                        unit: f.unit.clone(),
                        qualifier: f.qualifier.clone(),
                        about: f.about.clone(),
                    }),
                ),
            };
            let evidence = r
                .found
                .iter()
                .map(|f| {
                    let date = doc.meta.get("date").map(String::as_str);
                    let mut ev = graph::evidence(
                        &doc.id, &doc.text, offsets, f.span, f.sentence, &f.rule, date,
                    );
                    if let Some(m) = &f.matched {
                        ev.path = Some(m.path.clone());
                        ev.parse = sentence_parse(&doc.text, analysis, m);
                    }
                    ev
                })
                .collect();
            RelationRecord {
                relation: r.relation.clone(),
                source: resolved.entities[r.source].id.clone(),
                target,
                modality: r.modality.as_str().to_string(),
                evidence,
                claim,
            }
        })
        .collect()
}

/// The parse of the sentence holding a syntax rule's match, in sentence-relative terms.
fn sentence_parse(text: &str, analysis: &Doc, m: &relations::Matched) -> Option<SentenceParse> {
    let sentence = &analysis.sentences[analysis.tokens.get(m.trigger)?.sentence];
    let first = sentence.tokens.start;
    let base = sentence.span.start;
    let chars = |byte: usize| text[base..byte].chars().count();
    let within = |i: usize| sentence.tokens.contains(&i).then(|| i - first);
    let tokens = analysis.tokens[sentence.tokens.clone()]
        .iter()
        .map(|t| ParsedToken {
            start: chars(t.span.start),
            end: chars(t.span.end),
            upos: t.upos.to_string(),
            head: t.head.and_then(within),
            deprel: t.deprel.clone(),
        })
        .collect();
    Some(SentenceParse {
        tokens,
        trigger: within(m.trigger)?,
        arguments: m.arguments.iter().filter_map(|&a| within(a)).collect(),
    })
}

/// Adds a batch of results to a graph, in document order: entities, claim nodes, relation edges.
pub fn add_to_graph(graph: &mut Graph, results: &[DocResult]) {
    for r in results {
        graph.add_entities(&r.id, &r.resolved);
        for rel in &r.relations {
            if let Some(c) = &rel.claim {
                graph.add_node(Node::claim(
                    rel.target.clone(),
                    c.label.clone(),
                    &r.id,
                    c.value,
                    c.unit.clone(),
                    c.qualifier.clone(),
                    c.about.clone(),
                ));
            }
            graph.add_edge(Edge {
                source: rel.source.clone(),
                target: rel.target.clone(),
                relation: rel.relation.clone(),
                modality: rel.modality.clone(),
                evidence: rel.evidence.clone(),
            });
        }
    }
}

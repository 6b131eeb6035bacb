//! The stages wired together: documents in, per-document results and a graph out.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::analysis::{self, Doc, ParseHead, ParseScope, ParserModel, SentenceParser};
use crate::graph::{self, Edge, Evidence, Graph, Node, ParsedToken, SentenceParse};
use crate::hash::sha256_hex;
use crate::input::{Document, ReadOptions};
use crate::ner::{Label, LoadOptions, Model, Ner, NerError, NerOptions, NerStats};
use crate::relations::{self, Modality, RuleSet, RulesError, Target};
use crate::resolve::{Gazetteer, GazetteerError, Resolved, Resolver};
use crate::text::{self, CharOffsets, Span};

mod loaded;
mod records;
mod to_graph;

use loaded::model_hashes;
pub use loaded::{read_gazetteer, read_relation_model, read_rules, Hashed, LoadError, Loaded};
pub use records::{ClaimRecord, DocResult, MentionRecord, RelationRecord};
pub use to_graph::{add_to_graph, document_graph, relation_records, result_with_entities};

pub use crate::locate::{
    default_model_dir, default_parser_dir, default_relation_model_dir, DEFAULT_MODEL, MODEL_ENV,
};

/// Which sentences the analysis stage parses (when a parser is loaded).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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

/// The analysis stage's parser.
pub enum Parser {
    /// The shared encoder's parse head: it parses from the states of the NER run.
    Head(ParseHead),
    /// A parser model with an encoder of its own (`--parser DIR`).
    Model(Box<ParserModel>),
}

impl Parser {
    pub fn as_dyn(&self) -> &dyn SentenceParser {
        match self {
            Parser::Head(h) => h,
            Parser::Model(m) => m.as_ref(),
        }
    }

    /// The parser in `dir` (else `$NEWSGRAPH_PARSER`, else the shipped parser model): a
    /// shared encoder's parse head when its config.json declares one, run by `ner` when
    /// that is the same model (then the parse reads the states of the NER run: `--parser`
    /// naming the `--model` directory), else loaded with default settings; otherwise a
    /// parser model with `onnx_file`.
    pub fn load(
        dir: Option<&Path>,
        onnx_file: Option<&str>,
        ner: Option<&Ner>,
        sessions: usize,
    ) -> Result<Parser, analysis::ParseError> {
        let dir = dir
            .map(Path::to_path_buf)
            .unwrap_or_else(default_parser_dir);
        if !analysis::head::has_head(&dir) {
            return Ok(Parser::Model(Box::new(ParserModel::load(
                &dir, onnx_file, sessions,
            )?)));
        }
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        let encoder = match ner.filter(|n| same(&n.model.dir, &dir)) {
            Some(ner) => ner.clone(),
            None => {
                let model = Model::load(&dir, &LoadOptions::default())
                    .map_err(|e| analysis::ParseError::Model(e.to_string()))?;
                Ner::new(model, NerOptions::default())
            }
        };
        Ok(Parser::Head(ParseHead::load(encoder, sessions)?))
    }

    /// Its model directory.
    pub fn dir(&self) -> &Path {
        match self {
            Parser::Head(h) => &h.dir,
            Parser::Model(m) => &m.dir,
        }
    }

    /// The ONNX file it runs (the head's own, for a parse head).
    pub fn onnx_path(&self) -> &Path {
        match self {
            Parser::Head(h) => &h.onnx_path,
            Parser::Model(m) => &m.onnx_path,
        }
    }

    /// The ONNX files its parses depend on: a head's own and its encoder's (the NER
    /// model's when it shares the run, another directory's when it does not).
    pub fn onnx_files(&self) -> Vec<&Path> {
        match self {
            Parser::Head(h) => vec![&h.onnx_path, h.encoder_weights()],
            Parser::Model(m) => vec![&m.onnx_path],
        }
    }
}

impl From<ParserModel> for Parser {
    fn from(m: ParserModel) -> Self {
        Parser::Model(Box::new(m))
    }
}

impl From<ParseHead> for Parser {
    fn from(h: ParseHead) -> Self {
        Parser::Head(h)
    }
}

/// The loaded stages.
pub struct Pipeline {
    pub ner: Ner,
    pub resolver: Resolver,
    pub rules: RuleSet,
    /// The dependency parser of the analysis stage; without one, tokens carry no parse.
    pub parser: Option<Parser>,
    /// Which sentences the parser reads.
    pub parse: ParseMode,
    /// The learned relation model, where edges come from, and a threshold that overrides
    /// the model's own.
    pub relation_model: Option<relations::RelationModel>,
    pub relation_source: relations::RelationSource,
    pub relation_threshold: Option<f64>,
    /// Hashes of the files loaded, for the fingerprints.
    pub loaded: Loaded,
}

impl Pipeline {
    pub fn load(
        model_dir: &Path,
        load: &LoadOptions,
        options: NerOptions,
        gazetteer: Gazetteer,
    ) -> Result<Self, NerError> {
        let model = Model::load(model_dir, load)?;
        let model_files = model_hashes(&[&model.weights_path], &model.dir)
            .map_err(|e| NerError::Model(chain(&e)))?;
        Ok(Self {
            ner: Ner::new(model, options),
            resolver: Resolver::new(gazetteer),
            rules: RuleSet::builtin(),
            parser: None,
            parse: ParseMode::Relevant,
            relation_model: None,
            relation_source: relations::RelationSource::Rules,
            relation_threshold: None,
            loaded: Loaded {
                model: model_files,
                parser: Vec::new(),
                rules: sha256_hex(relations::rules::BUILTIN.as_bytes()),
                gazetteer: vec!["built-in".to_string()],
                relation_model: Vec::new(),
            },
        })
    }

    /// Adds the learned relation model read by [`read_relation_model`], with where edges
    /// come from (`source`) and a threshold overriding the model's per-type ones.
    pub fn with_relation_model(
        mut self,
        model: Hashed<relations::RelationModel>,
        source: relations::RelationSource,
        threshold: Option<f64>,
    ) -> Self {
        self.relation_model = Some(model.value);
        self.loaded.relation_model = model.sha256;
        self.relation_source = source;
        self.relation_threshold = threshold;
        self
    }

    /// The learned model and its settings as the relation stage takes them.
    pub fn learned(&self) -> relations::Learned<'_> {
        relations::Learned {
            model: self.relation_model.as_ref(),
            source: self.relation_source,
            threshold: self.relation_threshold,
        }
    }

    /// Replaces the built-in relation rules. Rules built in code have no file to name
    /// them in the fingerprints: prefer [`Pipeline::with_rules_file`].
    pub fn with_rules(mut self, rules: RuleSet) -> Self {
        self.rules = rules;
        self.loaded.rules = "given in code".to_string();
        self
    }

    /// Replaces the built-in relation rules with those of a file read by [`read_rules`].
    pub fn with_rules_file(mut self, rules: Hashed<RuleSet>) -> Self {
        self.rules = rules.value;
        self.loaded.rules = rules.sha256.concat();
        self
    }

    /// Replaces the gazetteer with one read by [`read_gazetteer`].
    pub fn with_gazetteer(mut self, gazetteer: Hashed<Gazetteer>) -> Self {
        self.resolver = Resolver::new(gazetteer.value);
        self.loaded.gazetteer = gazetteer.sha256;
        self
    }

    /// Parses the sentences `mode` selects with `parser` in the analysis stage.
    /// A parse head reads the states of the NER run when it belongs to the pipeline's own
    /// model ([`Parser::load`] with `Some(&pipeline.ner)`): no sentence is encoded twice.
    pub fn with_parser(
        mut self,
        parser: impl Into<Parser>,
        mode: ParseMode,
    ) -> Result<Self, LoadError> {
        let parser = parser.into();
        self.loaded.parser = model_hashes(&parser.onnx_files(), parser.dir())?;
        self.parser = Some(parser);
        self.parse = mode;
        Ok(self)
    }

    /// Parses the sentences `mode` selects with the NER model's own parse head (a shared
    /// encoder, `models/newsgraph-minilm`).
    pub fn with_parse_head(self, mode: ParseMode) -> Result<Self, LoadError> {
        let head = ParseHead::load(self.ner.clone(), rayon::current_num_threads())
            .map_err(LoadError::Parser)?;
        self.with_parser(head, mode)
    }

    /// Names every setting that changes results, by content, not by where files are
    /// (summary.json's `options_fingerprint`): what shards must share to be merged.
    /// `limits` are the graph's: shards kept to other limits would not merge to one run's graph.
    pub fn options_fingerprint(&self, read: &ReadOptions, limits: graph::Limits) -> String {
        sha256_hex(self.options_settings(read, limits).to_string().as_bytes())
    }

    /// The settings [`Pipeline::options_fingerprint`] hashes, by name (files by their
    /// contents' hashes): a refused resume names the ones that differ.
    pub fn options_settings(&self, read: &ReadOptions, limits: graph::Limits) -> Value {
        let o = &self.ner.options;
        serde_json::json!({
            "read": [&read.id_field, &read.text_field, &read.date_field, &read.title_field,
                     read.max_document_bytes.to_string()],
            "model": self.loaded.model,
            "parser": self.loaded.parser,
            "parse": format!("{:?}", self.parse),
            "decoding": [format!("{:?}", o.aggregation), o.batch_size.to_string(),
                         format!("{:?}", o.max_tokens)],
            "rules": self.loaded.rules,
            "relations": [self.relation_source.as_str(),
                          self.relation_threshold.map(|t| t.to_string()).unwrap_or_default()],
            "relation_model": self.loaded.relation_model,
            "gazetteer": self.loaded.gazetteer,
            "graph_limits": [limits.docs_per_node, limits.evidence_per_edge],
            "newsgraph": env!("CARGO_PKG_VERSION"),
        })
    }

    /// Like [`Pipeline::process_each`], but a model failure on the batch does not fail
    /// it: the documents are run one at a time to find the one the model fails on,
    /// so that only that document fails (with the reason).
    pub fn process_isolating(
        &self,
        docs: &[Document],
    ) -> (Vec<Result<DocResult, String>>, NerStats) {
        let failed = |e: NerError| Err(format!("the model failed on it: {e}"));
        match self.process_each(docs) {
            Ok(done) => done,
            Err(_) if docs.len() > 1 => {
                let mut each = Vec::with_capacity(docs.len());
                let mut stats = NerStats::default();
                for doc in docs {
                    match self.process_each(std::slice::from_ref(doc)) {
                        Ok((mut one, s)) => {
                            stats.tokens += s.tokens;
                            each.push(one.pop().expect("one result per document"));
                        }
                        Err(e) => each.push(failed(e)),
                    }
                }
                (each, stats)
            }
            Err(e) => (vec![failed(e)], NerStats::default()),
        }
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
        // Each document is split into sentences once, for NER and for the analysis.
        let sentences: Vec<Vec<Span>> = texts.par_iter().map(|t| text::sentences(t)).collect();
        // The parse head reads the states of this run: one encoder pass feeds both.
        let with_states = self.parse != ParseMode::None
            && matches!(&self.parser, Some(Parser::Head(h)) if h.reads(&self.ner));
        let (mentions, states, stats) = if with_states {
            self.ner
                .recognise_with_states(&texts, &sentences, crate::ner::MAX_STATE_PIECES)?
        } else {
            let (mentions, stats) = self.ner.recognise_in(&texts, &sentences)?;
            let none = vec![None; texts.len()];
            (mentions, none, stats)
        };
        let results = docs
            .par_iter()
            .zip(mentions.into_par_iter())
            .zip(sentences.into_par_iter())
            .zip(states.into_par_iter())
            .map(|(((doc, mentions), sentences), states)| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    self.after_ner(doc, &mentions, sentences, states.as_ref())
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
        sentences: Vec<Span>,
        states: Option<&crate::ner::PieceStates>,
    ) -> Result<DocResult, String> {
        let parser = self.parser.as_ref().map(Parser::as_dyn);
        let rules = &self.rules;
        let relevant = |doc: &analysis::Doc, sentence: &analysis::Sentence| {
            relations::scope::worth_parsing(rules, doc, sentence)
        };
        let (parser, scope) = match self.parse {
            ParseMode::All => (parser, ParseScope::All),
            ParseMode::Relevant => (parser, ParseScope::Only(&relevant)),
            ParseMode::None => (None, ParseScope::All),
        };
        let analysis = analysis::analyse_in(&doc.text, sentences, mentions, parser, scope, states)
            .map_err(|e| format!("analysis failed: {e}"))?;
        let dateline = doc.meta.get("dateline").map(String::as_str);
        let resolved = self
            .resolver
            .resolve_dated(&doc.text, &analysis, mentions, dateline);
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
        let relations = relation_records(
            &self.rules,
            self.learned(),
            doc,
            &analysis,
            &resolved,
            &mut offsets,
        );
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

/// An error and its causes, as one line.
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

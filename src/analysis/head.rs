//! The parse head of a shared encoder (`models/newsgraph-minilm`): UPOS and a labelled
//! tree from the encoder's states at each word's first piece (`training/parse_head.py`),
//! so that one encoder run per chunk gives the entities and the parse.

use std::path::{Path, PathBuf};

use ndarray::ArrayView3;
use ort::value::TensorRef;
use serde::Deserialize;

use super::parse::{ParseError, ParsedSentence, SentenceParser};
use super::scores::{join_parts, ParseLabels};
use crate::ner::Ner;
use crate::onnx::{runtime, SessionPool};
use crate::text::Span;

#[derive(Deserialize)]
struct RawConfig {
    newsgraph: HeadSection,
}

#[derive(Deserialize)]
struct HeadSection {
    parse: Option<HeadConfig>,
}

/// config.json's `newsgraph.parse`: what the head reads and predicts.
#[derive(Deserialize)]
struct HeadConfig {
    upos: Vec<String>,
    deprels: Vec<String>,
    /// The head's ONNX file in the model directory.
    onnx: String,
    /// The encoder's states per piece (the head's input width).
    state_width: usize,
    /// The longest sentence one run takes, in words; a longer one is parsed in parts.
    max_words: usize,
}

/// Whether `dir` (a model directory) holds a parse head: config.json has `newsgraph.parse`.
pub fn has_head(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("config.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<RawConfig>(&t).ok())
        .is_some_and(|c| c.newsgraph.parse.is_some())
}

/// A loaded parse head: label sets, one single-threaded ONNX session per worker (a parse
/// never depends on what else runs), and the encoder for words given without a text.
pub struct ParseHead {
    pub dir: PathBuf,
    pub onnx_path: PathBuf,
    pub labels: ParseLabels,
    pub max_words: usize,
    width: usize,
    sessions: SessionPool,
    /// The shared encoder, for [`SentenceParser::parse`] on words alone (`eval ud`, gold
    /// entities): the words are joined by spaces and run through it.
    encoder: Ner,
}

fn model_error(dir: &Path, what: impl std::fmt::Display) -> ParseError {
    ParseError::Model(format!("{}: {what}", dir.display()))
}

impl ParseHead {
    /// The encoder's ONNX weights: the NER model's when the head shares its run, else
    /// its own directory's, run for each parsed sentence.
    pub fn encoder_weights(&self) -> &Path {
        &self.encoder.model.weights_path
    }

    /// The head of `encoder`'s model directory, with `sessions` sessions.
    pub fn load(encoder: Ner, sessions: usize) -> Result<Self, ParseError> {
        let dir = encoder.model.dir.clone();
        if !encoder.model.has_states() {
            return Err(model_error(
                &dir,
                "the encoder gives no parse states (a shared encoder's ONNX graph has a \
                 `parse_states` output; the rust-bert backend has none): use --parser DIR \
                 with a parser model, or --parse none",
            ));
        }
        let text = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| model_error(&dir, format!("cannot read config.json: {e}")))?;
        let config: RawConfig = serde_json::from_str(&text)
            .map_err(|e| model_error(&dir, format!("malformed config.json: {e}")))?;
        let config = config.newsgraph.parse.ok_or_else(|| {
            model_error(
                &dir,
                "config.json has no newsgraph.parse: the model has no parse head",
            )
        })?;
        let labels = ParseLabels::new(&dir, &config.upos, config.deprels)?;
        let onnx_path = dir.join(&config.onnx);
        if !onnx_path.is_file() {
            return Err(model_error(
                &dir,
                format!("the parse head {} is missing", config.onnx),
            ));
        }
        runtime::environment().map_err(|e| ParseError::Model(e.to_string()))?;
        let sessions = SessionPool::load(&onnx_path, sessions.max(1), 1)
            .map_err(|e| model_error(&onnx_path, format!("cannot load: {e}")))?;
        Ok(Self {
            dir,
            onnx_path,
            labels,
            max_words: config.max_words.max(1),
            width: config.state_width,
            sessions,
            encoder,
        })
    }

    /// Whether the head's encoder is `ner`'s model: then the states of `ner`'s runs are
    /// the ones it reads.
    pub fn reads(&self, ner: &Ner) -> bool {
        std::sync::Arc::ptr_eq(&self.encoder.model, &ner.model)
    }

    /// One run of the head on `n` words' states (at most `max_words`).
    fn run(&self, states: &[f32]) -> Result<ParsedSentence, ParseError> {
        let n = states.len() / self.width;
        // A view of the caller's rows: the run reads them in place, without a copy.
        let input = ArrayView3::from_shape((1, n, self.width), states).expect("shape");
        let mut session = self
            .sessions
            .for_this_worker()
            .map_err(|_| ParseError::Model("a parser thread panicked".into()))?;
        let run = |e: ort::Error| ParseError::Model(format!("{}: {e}", self.onnx_path.display()));
        let outputs = session
            .run(ort::inputs!["states" => TensorRef::from_array_view(input).map_err(run)?])
            .map_err(run)?;
        self.labels.decode_outputs(n, &outputs, &self.onnx_path)
    }

    /// One sentence's parse from its words' states, in parts of `max_words`.
    fn parse_rows(&self, states: &[f32]) -> Result<ParsedSentence, ParseError> {
        if states.is_empty() {
            return Ok(join_parts(Vec::new()));
        }
        let parts = states
            .chunks(self.max_words * self.width)
            .map(|part| self.run(part))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(join_parts(parts))
    }
}

impl SentenceParser for ParseHead {
    fn parse(&self, sentences: &[Vec<&str>]) -> Result<Vec<ParsedSentence>, ParseError> {
        sentences
            .iter()
            .map(|words| {
                // The words as a text of their own, one space apart.
                let mut text = String::new();
                let mut spans = Vec::with_capacity(words.len());
                for w in words {
                    if !text.is_empty() {
                        text.push(' ');
                    }
                    spans.push(Span::new(text.len(), text.len() + w.len()));
                    text.push_str(w);
                }
                self.parse_in_text(&text, &spans)
            })
            .collect()
    }

    /// The text run through the encoder as one sentence, as `extract` runs a document's.
    fn parse_in_text(&self, text: &str, words: &[Span]) -> Result<ParsedSentence, ParseError> {
        let whole = vec![Span::new(0, text.len())];
        let (_, states, _) = self
            .encoder
            .recognise_with_states(&[text], &[whole], usize::MAX)
            .map_err(|e| ParseError::Model(format!("the shared encoder: {e}")))?;
        let states = states.into_iter().next().flatten().unwrap_or_default();
        let mut rows = states.word_rows(words);
        rows.resize(words.len() * self.width, 0.0);
        self.parse_rows(&rows)
    }

    fn state_width(&self) -> Option<usize> {
        Some(self.width)
    }

    fn parse_states(&self, sentences: &[Vec<f32>]) -> Result<Vec<ParsedSentence>, ParseError> {
        sentences.iter().map(|s| self.parse_rows(s)).collect()
    }
}

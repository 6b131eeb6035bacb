//! The dependency parser model: a directory with config.json, tokenizer.json and ONNX
//! weights (MiniLM + biaffine heads, `training/train_parser.py`), run through `ort`.

use std::path::{Path, PathBuf};

use ndarray::Array2;
use ort::value::TensorRef;
use serde::Deserialize;
use tokenizers::Tokenizer;

use super::parse::{ParseError, ParsedSentence, SentenceParser};
use super::scores::{join_parts, ParseLabels};
use crate::ner::case::case_class;
use crate::onnx::{choose_weights, runtime, SessionPool, WeightsError};

/// The name of the parser model shipped in `models/`.
pub use crate::locate::DEFAULT_PARSER;

/// The ONNX files a parser directory may hold, in order of preference.
pub use crate::onnx::ONNX_FILES;

#[derive(Deserialize)]
struct RawConfig {
    newsgraph: ParserConfig,
}

#[derive(Deserialize)]
struct ParserConfig {
    upos: Vec<String>,
    deprels: Vec<String>,
    /// The longest input, in pieces with [CLS] and [SEP], the model was trained on.
    max_pieces: usize,
    default_onnx: Option<String>,
}

/// A sentence as model input: piece ids, their case classes, each word's first piece.
type Encoded = (Vec<i64>, Vec<i64>, Vec<i64>);

/// A loaded parser: tokenizer, label sets and one ONNX session per worker thread.
pub struct ParserModel {
    pub dir: PathBuf,
    pub onnx_path: PathBuf,
    pub max_pieces: usize,
    tokenizer: Tokenizer,
    pub labels: ParseLabels,
    sessions: SessionPool,
}

fn model_error(dir: &Path, what: impl std::fmt::Display) -> ParseError {
    ParseError::Model(format!("{}: {what}", dir.display()))
}

impl ParserModel {
    /// Loads `dir` with `sessions` single-threaded ONNX sessions (one per worker; a
    /// parse runs one sentence at a time, so results never depend on batch-mates).
    pub fn load(dir: &Path, onnx_file: Option<&str>, sessions: usize) -> Result<Self, ParseError> {
        if !dir.is_dir() {
            return Err(model_error(dir, "parser model directory does not exist"));
        }
        let text = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| model_error(dir, format!("cannot read config.json: {e}")))?;
        let config: RawConfig = serde_json::from_str(&text).map_err(|e| {
            model_error(
                dir,
                format!("config.json is not a newsgraph parser config: {e}"),
            )
        })?;
        let labels = ParseLabels::new(dir, &config.newsgraph.upos, config.newsgraph.deprels)?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| model_error(dir, format!("cannot read tokenizer.json: {e}")))?;
        tokenizer
            .with_truncation(None)
            .map_err(|e| model_error(dir, format!("tokenizer: {e}")))?;
        tokenizer.with_padding(None);
        let onnx_path = choose_weights(dir, onnx_file, config.newsgraph.default_onnx.as_deref())
            .map_err(|e| match e {
                // A file asked for by name must be there, as for the NER model.
                WeightsError::NoSuchFile(f) => model_error(
                    dir,
                    format!("no such ONNX file {f} (asked for with --parser-onnx)"),
                ),
                WeightsError::None => model_error(
                    dir,
                    format!("no ONNX weights ({})", ONNX_FILES.join(" or ")),
                ),
            })?;
        runtime::environment().map_err(|e| ParseError::Model(e.to_string()))?;
        let loaded = SessionPool::load(&onnx_path, sessions.max(1), 1)
            .map_err(|e| model_error(&onnx_path, format!("cannot load: {e}")))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            onnx_path,
            max_pieces: config.newsgraph.max_pieces,
            tokenizer,
            labels,
            sessions: loaded,
        })
    }

    /// Model pieces of `[CLS] words [SEP]`, their case classes, and the piece index of
    /// each word's first piece, with index 0 the [CLS] (the root). A word the tokenizer
    /// drops gets the [SEP]'s position (`training/ud.py::encode_words`).
    fn encode(&self, words: &[&str]) -> Result<Encoded, ParseError> {
        let encoding = self
            .tokenizer
            .encode(words, true)
            .map_err(|e| ParseError::Model(format!("tokenizer: {e}")))?;
        let ids: Vec<i64> = encoding.get_ids().iter().map(|&i| i64::from(i)).collect();
        let mut case = Vec::with_capacity(ids.len());
        let mut first = vec![None; words.len()];
        for (pos, w) in encoding.get_word_ids().iter().enumerate() {
            match w {
                Some(w) => {
                    let w = *w as usize;
                    case.push(case_class(words[w]));
                    if first[w].is_none() {
                        first[w] = Some(pos as i64);
                    }
                }
                None => case.push(0),
            }
        }
        let sep = ids.len() as i64 - 1;
        let starts = std::iter::once(0)
            .chain(first.iter().map(|f| f.unwrap_or(sep)))
            .collect();
        Ok((ids, case, starts))
    }

    /// Parses one sentence that fits the model.
    fn parse_one(&self, words: &[&str]) -> Result<ParsedSentence, ParseError> {
        let encoded = self.encode(words)?;
        self.parse_encoded(words, encoded)
    }

    fn parse_encoded(
        &self,
        words: &[&str],
        (ids, case, starts): Encoded,
    ) -> Result<ParsedSentence, ParseError> {
        let t = ids.len();
        let w = starts.len();
        let ids = Array2::from_shape_vec((1, t), ids).expect("shape");
        let case = Array2::from_shape_vec((1, t), case).expect("shape");
        let starts = Array2::from_shape_vec((1, w), starts).expect("shape");
        let mask = Array2::<i64>::ones((1, t));
        let types = Array2::<i64>::zeros((1, t));
        let mut session = self
            .sessions
            .for_this_worker()
            .map_err(|_| ParseError::Model("a parser thread panicked".into()))?;
        let run = |e: ort::Error| ParseError::Model(format!("{}: {e}", self.onnx_path.display()));
        let outputs = session
            .run(ort::inputs![
                "input_ids" => TensorRef::from_array_view(&ids).map_err(run)?,
                "attention_mask" => TensorRef::from_array_view(&mask).map_err(run)?,
                "token_type_ids" => TensorRef::from_array_view(&types).map_err(run)?,
                "case_ids" => TensorRef::from_array_view(&case).map_err(run)?,
                "word_starts" => TensorRef::from_array_view(&starts).map_err(run)?,
            ])
            .map_err(run)?;
        self.labels
            .decode_outputs(words.len(), &outputs, &self.onnx_path)
    }

    /// Parses a sentence of any length: one too long for the model is cut into
    /// consecutive pieces that fit, each parsed alone, and the root of every later
    /// piece attached to the first piece's root as `parataxis`.
    fn parse_long(&self, words: &[&str]) -> Result<ParsedSentence, ParseError> {
        let encoded = self.encode(words)?;
        if encoded.0.len() <= self.max_pieces {
            return self.parse_encoded(words, encoded);
        }
        let mut pieces: Vec<std::ops::Range<usize>> = Vec::new();
        let mut start = 0;
        while start < words.len() {
            let mut end = start;
            let mut used = 2;
            while end < words.len() {
                let cost = self
                    .tokenizer
                    .encode(words[end], false)
                    .map(|e| e.get_ids().len().max(1))
                    .unwrap_or(1);
                if end > start && used + cost > self.max_pieces {
                    break;
                }
                used += cost;
                end += 1;
            }
            pieces.push(start..end);
            start = end;
        }
        let parts = pieces
            .into_iter()
            .map(|piece| self.parse_one(&words[piece]))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(join_parts(parts))
    }
}

impl SentenceParser for ParserModel {
    fn parse(&self, sentences: &[Vec<&str>]) -> Result<Vec<ParsedSentence>, ParseError> {
        sentences
            .iter()
            .map(|words| {
                if words.is_empty() {
                    // No words, no parts: the empty parse, as the parse head gives it.
                    Ok(join_parts(Vec::new()))
                } else {
                    self.parse_long(words)
                }
            })
            .collect()
    }
}

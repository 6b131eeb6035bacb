//! A token-classification model directory: config.json, tokenizer.json and the weights an
//! encoder backend runs (ONNX, or rust_model.ot for rust-bert).

use std::path::{Path, PathBuf};

use ndarray::Array2;
use serde::Deserialize;
use tokenizers::Tokenizer;

use crate::ner::decode::LabelSet;
use crate::ner::encoder::{Backend, Encoder, EncoderBatch, LoadOptions};
use crate::ner::onnx::OnnxEncoder;
use crate::ner::NerError;

/// Why `--backend rust-bert` fails in a build without the feature, and how to get one.
pub const RUST_BERT_MISSING: &str = "this newsgraph was built without the rust-bert backend; \
build it with `cargo build --release --features rust-bert` (PyTorch from pip, see \
scripts/test-rust-bert.sh), or use the default ONNX backend";

/// The ONNX files a model directory may hold, in order of preference.
pub use crate::onnx::ONNX_FILES;

#[derive(Deserialize)]
struct RawConfig {
    model_type: Option<String>,
    id2label: Option<std::collections::BTreeMap<String, String>>,
    pad_token_id: Option<i64>,
    max_position_embeddings: Option<usize>,
    #[serde(default)]
    newsgraph: NewsgraphConfig,
}

/// Settings newsgraph's own exports add to config.json.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct NewsgraphConfig {
    /// The ONNX file to use when the directory holds several.
    pub default_onnx: Option<String>,
    /// The window the model was trained on, in tokens, special tokens included.
    pub max_tokens: Option<usize>,
}

/// A loaded model: tokenizer, label set, and the encoder.
pub struct Model {
    pub dir: PathBuf,
    /// The weights file the encoder runs (an ONNX file, or rust_model.ot).
    pub weights_path: PathBuf,
    pub backend: Backend,
    pub model_type: String,
    pub tokenizer: Tokenizer,
    pub labels: LabelSet,
    pub label_names: Vec<String>,
    pub max_tokens: usize,
    /// The longest window the model's position table takes, special tokens included
    /// (config.json's `max_position_embeddings`, less RoBERTa's padding offset), if known.
    pub max_positions: Option<usize>,
    /// Token ids put before and after every chunk ([CLS]/[SEP], <s>/</s>).
    pub prefix_ids: Vec<i64>,
    pub suffix_ids: Vec<i64>,
    pub pad_id: i64,
    encoder: Box<dyn Encoder>,
}

impl Model {
    /// Loads `dir`; a missing or malformed piece is named in the error.
    pub fn load(dir: &Path, options: &LoadOptions) -> Result<Self, NerError> {
        if !dir.is_dir() {
            return Err(NerError::Model(format!(
                "model directory {} does not exist",
                dir.display()
            )));
        }
        let config_path = dir.join("config.json");
        let config_text = std::fs::read_to_string(&config_path).map_err(|e| {
            NerError::Model(format!("{}: cannot read config.json: {e}", dir.display()))
        })?;
        let config: RawConfig = serde_json::from_str(&config_text).map_err(|e| {
            NerError::Model(format!("{}: malformed config.json: {e}", dir.display()))
        })?;
        let id2label = config.id2label.ok_or_else(|| {
            NerError::Model(format!("{}: config.json has no id2label", dir.display()))
        })?;
        let mut label_names = vec![String::new(); id2label.len()];
        for (id, label) in id2label {
            let i: usize = id
                .parse()
                .ok()
                .filter(|&i| i < label_names.len())
                .ok_or_else(|| {
                    NerError::Model(format!(
                        "{}: id2label key {id:?} is not an index below {}",
                        config_path.display(),
                        label_names.len()
                    ))
                })?;
            label_names[i] = label;
        }
        let labels = LabelSet::parse(&label_names)
            .map_err(|e| NerError::Model(format!("{}: {e}", config_path.display())))?;

        let tokenizer_path = dir.join("tokenizer.json");
        if !tokenizer_path.is_file() {
            return Err(NerError::Model(format!(
                "{}: tokenizer.json is missing",
                dir.display()
            )));
        }
        let mut tokenizer = Tokenizer::from_file(&tokenizer_path).map_err(|e| {
            NerError::Model(format!("{}: malformed tokenizer.json: {e}", dir.display()))
        })?;
        tokenizer
            .with_truncation(None)
            .map_err(|e| NerError::Model(format!("tokenizer: {e}")))?;
        tokenizer.with_padding(None);
        let framing = tokenizer
            .encode("", true)
            .map_err(|e| NerError::Model(format!("tokenizer: {e}")))?;
        let specials: Vec<i64> = framing.get_ids().iter().map(|&i| i as i64).collect();
        // Single-sequence framing is one prefix and one suffix token for BERT and RoBERTa styles.
        let (prefix_ids, suffix_ids) = match specials.len() {
            0 => (Vec::new(), Vec::new()),
            1 => (specials, Vec::new()),
            _ => (specials[..1].to_vec(), specials[1..].to_vec()),
        };
        let pad_id = config
            .pad_token_id
            .or_else(|| {
                ["[PAD]", "<pad>"]
                    .iter()
                    .find_map(|t| tokenizer.token_to_id(t).map(i64::from))
            })
            .unwrap_or(0);

        let encoder: Box<dyn Encoder> = match options.backend {
            Backend::Onnx => Box::new(OnnxEncoder::load(
                dir,
                config.newsgraph.default_onnx.as_deref(),
                options,
            )?),
            #[cfg(feature = "rust-bert")]
            Backend::RustBert => {
                Box::new(crate::ner::rust_bert::RustBertEncoder::load(dir, options)?)
            }
            #[cfg(not(feature = "rust-bert"))]
            Backend::RustBert => return Err(NerError::Model(RUST_BERT_MISSING.to_string())),
        };

        Ok(Self {
            dir: dir.to_path_buf(),
            weights_path: encoder.weights_path().to_path_buf(),
            backend: options.backend,
            model_type: config
                .model_type
                .clone()
                .unwrap_or_else(|| "unknown".into()),
            tokenizer,
            labels,
            label_names,
            max_tokens: config.newsgraph.max_tokens.unwrap_or(128),
            max_positions: config.max_position_embeddings.map(|n| {
                // RoBERTa's positions start after the padding id.
                let roberta = config
                    .model_type
                    .as_deref()
                    .is_some_and(|t| t.contains("roberta") || t == "camembert");
                if roberta {
                    n.saturating_sub(pad_id.max(0) as usize + 1)
                } else {
                    n
                }
            }),
            prefix_ids,
            suffix_ids,
            pad_id,
            encoder,
        })
    }

    /// Whether the model wants word-shape classes beside token ids.
    pub fn takes_case_ids(&self) -> bool {
        self.encoder.takes_case_ids()
    }

    /// Content tokens per chunk (the window less the special tokens).
    pub fn chunk_budget(&self, max_tokens: usize) -> usize {
        max_tokens.saturating_sub(self.prefix_ids.len() + self.suffix_ids.len())
    }

    /// Whether the model is a shared encoder: its runs give the parse head's states too.
    pub fn has_states(&self) -> bool {
        self.encoder.has_states()
    }

    /// Runs one padded batch. `rows` holds each chunk's content token ids and
    /// case classes; returns each chunk's label probabilities, content tokens
    /// only, `tokens x labels` row-major.
    pub fn run(&self, rows: &[(&[i64], &[i64])]) -> Result<Vec<Vec<f32>>, NerError> {
        Ok(self
            .run_chunks(rows, false)?
            .into_iter()
            .map(|c| c.probs)
            .collect())
    }

    /// [`Model::run`], with each chunk's parse states (content tokens only, `tokens x
    /// width` row-major) when `states` is asked for and the model has them.
    pub fn run_chunks(
        &self,
        rows: &[(&[i64], &[i64])],
        states: bool,
    ) -> Result<Vec<ChunkOutput>, NerError> {
        let frame = self.prefix_ids.len() + self.suffix_ids.len();
        let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0) + frame;
        let batch = rows.len();
        let mut ids = Array2::<i64>::from_elem((batch, width), self.pad_id);
        let mut mask = Array2::<i64>::zeros((batch, width));
        let mut case = Array2::<i64>::zeros((batch, width));
        for (b, (row_ids, row_case)) in rows.iter().enumerate() {
            let full = self
                .prefix_ids
                .iter()
                .chain(row_ids.iter())
                .chain(self.suffix_ids.iter());
            for (t, &id) in full.enumerate() {
                ids[[b, t]] = id;
                mask[[b, t]] = 1;
            }
            for (t, &c) in row_case.iter().enumerate() {
                case[[b, t + self.prefix_ids.len()]] = c;
            }
        }
        let batch_in = EncoderBatch { ids, mask, case };
        let (logits, state_values) = if states {
            let out = self.encoder.encode(&batch_in)?;
            (out.logits, out.states)
        } else {
            (self.encoder.logits(&batch_in)?, None)
        };
        if let Some(s) = &state_values {
            if s.shape()[..2] != [batch, width] {
                return Err(NerError::Model(format!(
                    "{}: the parse states have shape {:?}, expected [{batch}, {width}, _]",
                    self.weights_path.display(),
                    s.shape()
                )));
            }
        }
        let n = self.labels.len();
        if logits.shape()[..2] != [batch, width] || logits.shape()[2] != n {
            return Err(NerError::Model(format!(
                "{}: the logits have shape {:?}, expected [{batch}, {width}, {n}]",
                self.weights_path.display(),
                logits.shape()
            )));
        }
        let mut out = Vec::with_capacity(batch);
        for (b, (row_ids, _)) in rows.iter().enumerate() {
            let mut probs = Vec::with_capacity(row_ids.len() * n);
            for t in 0..row_ids.len() {
                let at = t + self.prefix_ids.len();
                let max = (0..n)
                    .map(|l| logits[[b, at, l]])
                    .fold(f32::NEG_INFINITY, f32::max);
                let start = probs.len();
                let mut sum = 0.0;
                for l in 0..n {
                    let e = (logits[[b, at, l]] - max).exp();
                    sum += e;
                    probs.push(e);
                }
                for p in &mut probs[start..] {
                    *p /= sum;
                }
            }
            let states = state_values.as_ref().map(|s| {
                let from = self.prefix_ids.len();
                let rows = s.slice(ndarray::s![b, from..from + row_ids.len(), ..]);
                rows.iter().copied().collect()
            });
            out.push(ChunkOutput { probs, states });
        }
        Ok(out)
    }
}

/// One chunk's results from [`Model::run_chunks`].
pub struct ChunkOutput {
    /// Label probabilities, `tokens x labels` row-major.
    pub probs: Vec<f32>,
    /// Parse states, `tokens x width` row-major, when asked for and the model has them.
    pub states: Option<Vec<f32>>,
}

// With the feature, tests/rust_bert.rs covers the backend.
#[cfg(all(test, not(feature = "rust-bert")))]
mod tests {
    use super::*;

    /// A build without the feature refuses `--backend rust-bert` with the way to get it.
    #[test]
    fn rust_bert_without_the_feature_names_the_build_flag() {
        let dir = crate::locate::default_model_dir();
        let options = LoadOptions {
            backend: Backend::RustBert,
            ..LoadOptions::default()
        };
        let err = Model::load(&dir, &options)
            .err()
            .expect("no rust-bert in this build");
        assert!(err.to_string().contains("--features rust-bert"), "{err}");
    }
}

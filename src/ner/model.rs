//! A token-classification model directory: config.json, tokenizer.json and ONNX weights.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ndarray::Array2;
use ort::session::Session;
use ort::value::TensorRef;
use serde::Deserialize;
use tokenizers::Tokenizer;

use crate::ner::decode::LabelSet;
use crate::ner::{runtime, NerError};

/// The ONNX files a model directory may hold, in order of preference.
pub const ONNX_FILES: [&str; 2] = ["model.int8.onnx", "model.onnx"];

#[derive(Deserialize)]
struct RawConfig {
    model_type: Option<String>,
    id2label: Option<std::collections::BTreeMap<String, String>>,
    pad_token_id: Option<i64>,
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

/// How sessions are laid out over the worker threads. `Shared` is the
/// default: it measured faster on 2 cores (README, "Session layout").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionLayout {
    /// One single-threaded session per rayon worker.
    PerWorker,
    /// One session shared by all workers, using all threads inside each run.
    Shared,
}

/// Options for loading a model.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// A specific ONNX file inside the directory (otherwise config's default, then int8, then fp32).
    pub onnx_file: Option<String>,
    pub layout: SessionLayout,
    /// Threads to plan for: sessions per worker, or intra-op threads of the shared session.
    pub threads: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            onnx_file: None,
            layout: SessionLayout::PerWorker,
            threads: rayon::current_num_threads(),
        }
    }
}

/// A loaded model: tokenizer, label set, and ONNX sessions.
pub struct Model {
    pub dir: PathBuf,
    pub onnx_path: PathBuf,
    pub model_type: String,
    pub tokenizer: Tokenizer,
    pub labels: LabelSet,
    pub label_names: Vec<String>,
    pub max_tokens: usize,
    /// Token ids put before and after every chunk ([CLS]/[SEP], <s>/</s>).
    pub prefix_ids: Vec<i64>,
    pub suffix_ids: Vec<i64>,
    pub pad_id: i64,
    takes_token_type_ids: bool,
    takes_case_ids: bool,
    output_name: String,
    sessions: Vec<Mutex<Session>>,
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

        // A file asked for by name must be there: falling back to the default would run
        // another model than the one asked for.
        if let Some(f) = options
            .onnx_file
            .as_ref()
            .filter(|f| !dir.join(f).is_file())
        {
            return Err(NerError::Model(format!(
                "{}: no such ONNX file (asked for with --onnx)",
                dir.join(f).display()
            )));
        }
        let onnx_name = options
            .onnx_file
            .clone()
            .or(config.newsgraph.default_onnx.clone())
            .filter(|f| dir.join(f).is_file())
            .or_else(|| {
                ONNX_FILES
                    .iter()
                    .find(|f| dir.join(f).is_file())
                    .map(|f| f.to_string())
            })
            .ok_or_else(|| {
                NerError::Model(format!(
                    "{}: no ONNX weights ({}{})",
                    dir.display(),
                    options
                        .onnx_file
                        .as_ref()
                        .map(|f| format!("{f} or "))
                        .unwrap_or_default(),
                    ONNX_FILES.join(" or ")
                ))
            })?;
        let onnx_path = dir.join(onnx_name);

        let (count, intra) = match options.layout {
            SessionLayout::PerWorker => (options.threads.max(1), 1),
            SessionLayout::Shared => (1, options.threads.max(1)),
        };
        // A missing library is its own error, with the fix (before any session is tried).
        runtime::environment()?;
        let mut sessions = Vec::with_capacity(count);
        for _ in 0..count {
            let session = runtime::session(&onnx_path, intra).map_err(|e| {
                NerError::Model(format!("{}: cannot load: {e}", onnx_path.display()))
            })?;
            sessions.push(Mutex::new(session));
        }
        let first = sessions[0].lock().expect("fresh mutex");
        let input_names: Vec<String> = first
            .inputs()
            .iter()
            .map(|i| i.name().to_string())
            .collect();
        for required in ["input_ids", "attention_mask"] {
            if !input_names.iter().any(|n| n == required) {
                return Err(NerError::Model(format!(
                    "{}: the graph has no {required} input (inputs: {})",
                    onnx_path.display(),
                    input_names.join(", ")
                )));
            }
        }
        let output_name = first
            .outputs()
            .first()
            .map(|o| o.name().to_string())
            .ok_or_else(|| NerError::Model(format!("{}: no outputs", onnx_path.display())))?;
        drop(first);
        let takes_token_type_ids = input_names.iter().any(|n| n == "token_type_ids");
        let takes_case_ids = input_names.iter().any(|n| n == "case_ids");

        Ok(Self {
            dir: dir.to_path_buf(),
            onnx_path,
            model_type: config.model_type.unwrap_or_else(|| "unknown".into()),
            tokenizer,
            labels,
            label_names,
            max_tokens: config.newsgraph.max_tokens.unwrap_or(128),
            prefix_ids,
            suffix_ids,
            pad_id,
            takes_token_type_ids,
            takes_case_ids,
            output_name,
            sessions,
        })
    }

    /// Whether the model wants word-shape classes beside token ids.
    pub fn takes_case_ids(&self) -> bool {
        self.takes_case_ids
    }

    /// Content tokens per chunk (the window less the special tokens).
    pub fn chunk_budget(&self, max_tokens: usize) -> usize {
        max_tokens.saturating_sub(self.prefix_ids.len() + self.suffix_ids.len())
    }

    /// Runs one padded batch. `rows` holds each chunk's content token ids and
    /// case classes; returns each chunk's label probabilities, content tokens
    /// only, `tokens x labels` row-major.
    pub fn run(&self, rows: &[(&[i64], &[i64])]) -> Result<Vec<Vec<f32>>, NerError> {
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
        let types = Array2::<i64>::zeros((batch, width));
        let mut inputs = ort::inputs![
            "input_ids" => TensorRef::from_array_view(&ids)?,
            "attention_mask" => TensorRef::from_array_view(&mask)?,
        ];
        if self.takes_token_type_ids {
            inputs.push((
                "token_type_ids".into(),
                TensorRef::from_array_view(&types)?.into(),
            ));
        }
        if self.takes_case_ids {
            inputs.push(("case_ids".into(), TensorRef::from_array_view(&case)?.into()));
        }
        let slot = rayon::current_thread_index().unwrap_or(0) % self.sessions.len();
        let mut session = self.sessions[slot]
            .lock()
            .map_err(|_| NerError::Runtime("an inference thread panicked".into()))?;
        let outputs = session.run(inputs)?;
        let logits = outputs[self.output_name.as_str()].try_extract_array::<f32>()?;
        let n = self.labels.len();
        if logits.ndim() != 3 || logits.shape()[2] != n {
            return Err(NerError::Model(format!(
                "{}: output {} has shape {:?}, expected [batch, tokens, {n}]",
                self.onnx_path.display(),
                self.output_name,
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
            out.push(probs);
        }
        Ok(out)
    }
}

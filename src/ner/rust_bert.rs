//! The rust-bert backend: `rust_model.ot` run through rust-bert's BertForTokenClassification
//! on libtorch (cargo feature `rust-bert`; training/convert_rust_bert.py writes the file).
//!
//! The shipped model adds a learned word-shape vector (`case_embeddings`, indexed by
//! `case_ids`) to each token's word embedding before BERT's embedding layer. rust-bert's
//! model takes no `case_ids`, but it takes `input_embeds` in place of `input_ids`: this
//! backend computes word embedding + case embedding from the same weights file and hands
//! the sum to rust-bert, which adds positions and token types and runs the rest, exactly
//! as training/model.py's CasedTokenClassifier does.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ndarray::{Array2, Array3};
use rust_bert::bert::{BertConfig, BertForTokenClassification};
use tch::{nn, Device, Kind, Tensor};

use crate::ner::encoder::{Encoder, EncoderBatch};
use crate::ner::encoder::{LoadOptions, SessionLayout};
use crate::ner::NerError;

/// The weights file in the model directory, by rust-bert's convention.
pub const WEIGHTS_FILE: &str = "rust_model.ot";
/// The word embedding table inside BertForTokenClassification's variable store.
const WORD_EMBEDDINGS: &str = "bert.embeddings.word_embeddings.weight";
/// The word-shape table that training/model.py adds (absent from plain BERT models).
const CASE_EMBEDDINGS: &str = "case_embeddings.weight";

/// One loaded copy of the model. libtorch tensors are `Send` but not `Sync`, so every copy
/// sits behind a mutex, like the ONNX sessions.
struct Replica {
    model: BertForTokenClassification,
    word_embeddings: Tensor,
    case_embeddings: Option<Tensor>,
    // Owns the variables the tensors above point into.
    _store: nn::VarStore,
}

/// rust-bert model copies on one weights file.
pub struct RustBertEncoder {
    path: PathBuf,
    takes_case_ids: bool,
    replicas: Vec<Mutex<Replica>>,
}

fn model_error(path: &Path, what: impl std::fmt::Display) -> NerError {
    NerError::Model(format!("{}: {what}", path.display()))
}

impl RustBertEncoder {
    /// Loads `dir/rust_model.ot` with `dir/config.json` (rust-bert's BertConfig).
    /// `PerWorker`: one single-threaded copy per worker; `Shared`: one copy on all threads.
    pub fn load(dir: &Path, options: &LoadOptions) -> Result<Self, NerError> {
        let path = dir.join(WEIGHTS_FILE);
        if !path.is_file() {
            return Err(model_error(
                &path,
                "missing; write it with `python training/convert_rust_bert.py` \
                 (see scripts/test-rust-bert.sh)",
            ));
        }
        let config_path = dir.join("config.json");
        let text = std::fs::read_to_string(&config_path)
            .map_err(|e| model_error(&config_path, format!("cannot read: {e}")))?;
        let config: BertConfig = serde_json::from_str(&text)
            .map_err(|e| model_error(&config_path, format!("not a rust-bert BertConfig: {e}")))?;
        let (count, threads) = match options.layout {
            SessionLayout::PerWorker => (options.threads.max(1), 1),
            SessionLayout::Shared => (1, options.threads.max(1)),
        };
        // libtorch's intra-op pool is process-wide.
        tch::set_num_threads(threads as i32);
        let tensors: std::collections::HashMap<String, Tensor> = Tensor::load_multi(&path)
            .map_err(|e| model_error(&path, e))?
            .into_iter()
            .collect();
        let mut replicas = Vec::with_capacity(count);
        for _ in 0..count {
            replicas.push(Mutex::new(Self::replica(&path, &config, &tensors)?));
        }
        Ok(Self {
            path,
            takes_case_ids: tensors.contains_key(CASE_EMBEDDINGS),
            replicas,
        })
    }

    /// A model on its own variables, filled from `tensors` (the weights file's contents).
    fn replica(
        path: &Path,
        config: &BertConfig,
        tensors: &std::collections::HashMap<String, Tensor>,
    ) -> Result<Replica, NerError> {
        let mut store = nn::VarStore::new(Device::Cpu);
        let model = BertForTokenClassification::new(store.root(), config)
            .map_err(|e| model_error(path, e))?;
        // tch path parts cannot hold '.': the table registers as "case_embeddings" / "weight",
        // which the store names CASE_EMBEDDINGS.
        let case = tensors.get(CASE_EMBEDDINGS).map(|t| {
            (store.root() / "case_embeddings").var("weight", &t.size(), nn::Init::Const(0.0))
        });
        let mut missing = Vec::new();
        tch::no_grad(|| {
            for (name, mut var) in store.variables() {
                match tensors.get(&name) {
                    Some(t) if t.size() == var.size() => var.copy_(t),
                    Some(t) => missing.push(format!(
                        "{name} (shape {:?}, the model wants {:?})",
                        t.size(),
                        var.size()
                    )),
                    None => missing.push(name),
                }
            }
        });
        if !missing.is_empty() {
            missing.sort();
            return Err(model_error(
                path,
                format!(
                    "tensors missing or of the wrong size for BertForTokenClassification \
                     with config.json's sizes: {}",
                    missing.join(", ")
                ),
            ));
        }
        store.freeze();
        let word_embeddings = store
            .variables()
            .remove(WORD_EMBEDDINGS)
            .ok_or_else(|| model_error(path, format!("no {WORD_EMBEDDINGS}")))?;
        Ok(Replica {
            model,
            word_embeddings,
            case_embeddings: case,
            _store: store,
        })
    }
}

fn tensor(a: &Array2<i64>) -> Tensor {
    let (rows, cols) = a.dim();
    let data: Vec<i64> = a.iter().copied().collect();
    Tensor::from_slice(&data).view([rows as i64, cols as i64])
}

impl Encoder for RustBertEncoder {
    fn weights_path(&self) -> &Path {
        &self.path
    }

    fn takes_case_ids(&self) -> bool {
        self.takes_case_ids
    }

    fn logits(&self, batch: &EncoderBatch) -> Result<Array3<f32>, NerError> {
        let slot = rayon::current_thread_index().unwrap_or(0) % self.replicas.len();
        let replica = self.replicas[slot]
            .lock()
            .map_err(|_| NerError::Runtime("an inference thread panicked".into()))?;
        let ids = tensor(&batch.ids);
        let mask = tensor(&batch.mask);
        let logits = tch::no_grad(|| {
            let mut embeds = Tensor::embedding(&replica.word_embeddings, &ids, -1, false, false);
            if let Some(case) = &replica.case_embeddings {
                embeds += Tensor::embedding(case, &tensor(&batch.case), -1, false, false);
            }
            replica
                .model
                .forward_t(None, Some(&mask), None, None, Some(&embeds), false)
                .logits
        });
        let shape = logits.size();
        let values = Vec::<f32>::try_from(logits.to_kind(Kind::Float).contiguous().view(-1))
            .map_err(|e| model_error(&self.path, e))?;
        match shape[..] {
            [b, w, n] => Array3::from_shape_vec((b as usize, w as usize, n as usize), values)
                .map_err(|e| model_error(&self.path, e)),
            _ => Err(model_error(
                &self.path,
                format!("logits of shape {shape:?}, expected [batch, tokens, labels]"),
            )),
        }
    }
}

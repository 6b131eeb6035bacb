//! The encoder boundary: padded token ids in, per-token label logits out; a backend is one file.

use std::path::Path;

use ndarray::{Array2, Array3};

use crate::ner::NerError;

/// Which library runs the encoder. The chunking before and the decoding after are the same
/// for every backend.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    /// ONNX Runtime on the directory's ONNX weights (src/ner/onnx.rs).
    #[default]
    Onnx,
    /// rust-bert's BertForTokenClassification on libtorch, from the directory's
    /// rust_model.ot (src/ner/rust_bert.rs; cargo feature `rust-bert`).
    RustBert,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Onnx => "onnx",
            Backend::RustBert => "rust-bert",
        }
    }

    /// Whether this build can run the backend (rust-bert needs the cargo feature).
    pub fn compiled_in(self) -> bool {
        match self {
            Backend::Onnx => true,
            Backend::RustBert => cfg!(feature = "rust-bert"),
        }
    }
}

/// One padded batch, each array `[batch, width]`: token ids (special tokens included, pad
/// ids after the end), the attention mask, and the word-shape class of each token (0 on
/// special and pad tokens).
pub struct EncoderBatch {
    pub ids: Array2<i64>,
    pub mask: Array2<i64>,
    pub case: Array2<i64>,
}

/// What one encoder run gives: label logits, and the states the parse head reads where the
/// model has them.
pub struct EncoderOutput {
    /// `[batch, width, labels]`.
    pub logits: Array3<f32>,
    /// `[batch, width, state width]`: the graph's `parse_states` output (a shared encoder,
    /// `models/newsgraph-minilm`), or `None`.
    pub states: Option<Array3<f32>>,
}

/// A token-classification encoder loaded from a model directory.
pub trait Encoder: Send + Sync {
    /// The weights file it runs; run fingerprints hash it.
    fn weights_path(&self) -> &Path;
    /// Whether the model reads word-shape classes (`case_ids`) beside the token ids.
    fn takes_case_ids(&self) -> bool;
    /// Label logits of every position, `[batch, width, labels]`.
    fn logits(&self, batch: &EncoderBatch) -> Result<Array3<f32>, NerError>;
    /// Whether [`Encoder::encode`] gives parse states.
    fn has_states(&self) -> bool {
        false
    }
    /// Logits and, from a shared encoder, the parse states, in one run.
    fn encode(&self, batch: &EncoderBatch) -> Result<EncoderOutput, NerError> {
        Ok(EncoderOutput {
            logits: self.logits(batch)?,
            states: None,
        })
    }
}

/// How sessions are laid out over the worker threads. `Shared` is the
/// default: it measured faster on 2 cores (README, "Session layout").
/// The rust-bert backend reads it too: one libtorch thread per call from
/// every worker, or one call at a time on all threads.
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
    /// The library that runs the encoder.
    pub backend: Backend,
    /// A specific ONNX file inside the directory (otherwise config's default, then int8, then fp32).
    pub onnx_file: Option<String>,
    pub layout: SessionLayout,
    /// Threads to plan for: sessions per worker, or intra-op threads of the shared session.
    pub threads: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            backend: Backend::Onnx,
            onnx_file: None,
            layout: SessionLayout::PerWorker,
            threads: rayon::current_num_threads(),
        }
    }
}

//! The ONNX Runtime backend: the directory's ONNX weights in one or more sessions.

use std::path::{Path, PathBuf};

use ndarray::{Array2, Array3};
use ort::value::TensorRef;

use crate::ner::encoder::{Encoder, EncoderBatch, EncoderOutput};
use crate::ner::encoder::{LoadOptions, SessionLayout};
use crate::ner::NerError;
use crate::onnx::{choose_weights, runtime, SessionPool, WeightsError, ONNX_FILES};

/// ONNX sessions on one model file.
pub struct OnnxEncoder {
    path: PathBuf,
    takes_token_type_ids: bool,
    takes_case_ids: bool,
    output_name: String,
    /// Whether the graph has the shared encoder's [`STATES_OUTPUT`].
    has_states: bool,
    sessions: SessionPool,
}

/// The output of a shared encoder's graph that the parse head reads: each position's
/// states, the parse head's learned mix of the encoder's layers (`training/export_minilm.py`).
pub const STATES_OUTPUT: &str = "parse_states";

impl OnnxEncoder {
    /// Sessions on the file `options` names, else `default_onnx` (config.json's choice),
    /// else the first of [`ONNX_FILES`] in `dir`.
    pub fn load(
        dir: &Path,
        default_onnx: Option<&str>,
        options: &LoadOptions,
    ) -> Result<Self, NerError> {
        let path = choose_weights(dir, options.onnx_file.as_deref(), default_onnx).map_err(
            |e| match e {
                // A file asked for by name must be there: falling back to the default
                // would run another model than the one asked for.
                WeightsError::NoSuchFile(f) => NerError::Model(format!(
                    "{}: no such ONNX file (asked for with --onnx)",
                    dir.join(f).display()
                )),
                WeightsError::None => NerError::Model(format!(
                    "{}: no ONNX weights ({}{})",
                    dir.display(),
                    options
                        .onnx_file
                        .as_ref()
                        .map(|f| format!("{f} or "))
                        .unwrap_or_default(),
                    ONNX_FILES.join(" or ")
                )),
            },
        )?;

        let (count, intra) = match options.layout {
            SessionLayout::PerWorker => (options.threads.max(1), 1),
            SessionLayout::Shared => (1, options.threads.max(1)),
        };
        // A missing library is its own error, with the fix (before any session is tried).
        runtime::environment()?;
        let sessions = SessionPool::load(&path, count, intra)
            .map_err(|e| NerError::Model(format!("{}: cannot load: {e}", path.display())))?;
        let first = sessions.first();
        let input_names: Vec<String> = first
            .inputs()
            .iter()
            .map(|i| i.name().to_string())
            .collect();
        for required in ["input_ids", "attention_mask"] {
            if !input_names.iter().any(|n| n == required) {
                return Err(NerError::Model(format!(
                    "{}: the graph has no {required} input (inputs: {})",
                    path.display(),
                    input_names.join(", ")
                )));
            }
        }
        let output_name = first
            .outputs()
            .first()
            .map(|o| o.name().to_string())
            .ok_or_else(|| NerError::Model(format!("{}: no outputs", path.display())))?;
        let has_states = first.outputs().iter().any(|o| o.name() == STATES_OUTPUT);
        drop(first);
        Ok(Self {
            takes_token_type_ids: input_names.iter().any(|n| n == "token_type_ids"),
            takes_case_ids: input_names.iter().any(|n| n == "case_ids"),
            path,
            output_name,
            has_states,
            sessions,
        })
    }
}

impl Encoder for OnnxEncoder {
    fn weights_path(&self) -> &Path {
        &self.path
    }

    fn takes_case_ids(&self) -> bool {
        self.takes_case_ids
    }

    fn logits(&self, batch: &EncoderBatch) -> Result<Array3<f32>, NerError> {
        self.encode(batch).map(|o| o.logits)
    }

    fn has_states(&self) -> bool {
        self.has_states
    }

    fn encode(&self, batch: &EncoderBatch) -> Result<EncoderOutput, NerError> {
        let types = Array2::<i64>::zeros(batch.ids.raw_dim());
        let mut inputs = ort::inputs![
            "input_ids" => TensorRef::from_array_view(&batch.ids)?,
            "attention_mask" => TensorRef::from_array_view(&batch.mask)?,
        ];
        if self.takes_token_type_ids {
            inputs.push((
                "token_type_ids".into(),
                TensorRef::from_array_view(&types)?.into(),
            ));
        }
        if self.takes_case_ids {
            inputs.push((
                "case_ids".into(),
                TensorRef::from_array_view(&batch.case)?.into(),
            ));
        }
        let mut session = self
            .sessions
            .for_this_worker()
            .map_err(|_| NerError::Runtime("an inference thread panicked".into()))?;
        let outputs = session.run(inputs)?;
        let three = |name: &str, what: &str| -> Result<Array3<f32>, NerError> {
            let value = outputs[name].try_extract_array::<f32>()?;
            let shape = value.shape().to_vec();
            value
                .into_dimensionality::<ndarray::Ix3>()
                .map(|a| a.to_owned())
                .map_err(|_| {
                    NerError::Model(format!(
                        "{}: output {name} has shape {shape:?}, expected [batch, tokens, {what}]",
                        self.path.display(),
                    ))
                })
        };
        let logits = three(&self.output_name, "labels")?;
        let states = if self.has_states {
            Some(three(STATES_OUTPUT, "states")?)
        } else {
            None
        };
        Ok(EncoderOutput { logits, states })
    }
}

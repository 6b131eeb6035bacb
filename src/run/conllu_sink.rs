//! `extract --format conllu` as a sink: every processed document's sentences appended to parses.conllu, batch by batch.

use std::path::PathBuf;

use serde_json::Value;

use super::sink::{Batch, BatchSink, SinkError};
use crate::analysis::conllu::{self, ConlluFile};

/// parses.conllu, synced after each batch; its length is the checkpoint state.
pub struct ConlluSink {
    path: PathBuf,
    file: Option<ConlluFile>,
}

impl ConlluSink {
    pub fn new(path: PathBuf) -> Self {
        ConlluSink { path, file: None }
    }
}

impl BatchSink for ConlluSink {
    fn name(&self) -> &'static str {
        "conllu"
    }

    fn open(&mut self, resume: Option<&Value>) -> Result<(), SinkError> {
        let file = match resume {
            None => ConlluFile::create(&self.path).map_err(|source| SinkError::Write {
                path: self.path.clone(),
                source,
            })?,
            Some(state) => {
                let len = state.as_u64().ok_or_else(|| {
                    SinkError::Resume(
                        "the checkpoint was made without --format conllu; resume without it or \
                         start again"
                            .into(),
                    )
                })?;
                ConlluFile::resume(&self.path, len).map_err(|source| SinkError::Reopen {
                    path: self.path.clone(),
                    source,
                })?
            }
        };
        self.file = Some(file);
        Ok(())
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        if batch.docs.is_empty() {
            return Ok(());
        }
        let mut text = String::new();
        for (d, res) in batch.docs.iter().zip(batch.results) {
            conllu::write_doc(&d.id, &d.text, &res.analysis, &mut text);
        }
        let file = self.file.as_mut().expect("opened before the first batch");
        file.append(&text).map_err(|source| SinkError::Write {
            path: self.path.clone(),
            source,
        })
    }

    fn checkpoint(&mut self) -> Result<Value, SinkError> {
        Ok(Value::from(self.file.as_ref().map_or(0, ConlluFile::len)))
    }
}

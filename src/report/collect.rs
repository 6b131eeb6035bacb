//! The report's documents collected during a run, as a sink: the first N processed documents with their mentions, and how many more there were.

use serde_json::{json, Value};

use super::ReportDocument;
use crate::run::{Batch, BatchSink, SinkError};

/// The documents `extract --format html` shows: the first `cap`, in input order.
pub struct ReportSink {
    cap: usize,
    documents: Vec<ReportDocument>,
    left_out: usize,
}

impl ReportSink {
    pub fn new(cap: usize) -> Self {
        ReportSink {
            cap,
            documents: Vec::new(),
            left_out: 0,
        }
    }

    pub fn documents(&self) -> &[ReportDocument] {
        &self.documents
    }

    /// Documents processed beyond the cap.
    pub fn left_out(&self) -> usize {
        self.left_out
    }
}

impl BatchSink for ReportSink {
    fn name(&self) -> &'static str {
        "report"
    }

    fn open(&mut self, resume: Option<&Value>) -> Result<(), SinkError> {
        if let Some(saved) = resume {
            self.documents = serde_json::from_value(saved["documents"].clone()).map_err(|_| {
                SinkError::Resume(
                    "the checkpoint was made without --format html; resume without it or start \
                     again"
                        .into(),
                )
            })?;
            self.left_out = saved["left_out"].as_u64().unwrap_or(0) as usize;
        }
        Ok(())
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        for (d, res) in batch.docs.iter().zip(batch.results) {
            if self.documents.len() < self.cap {
                self.documents.push(ReportDocument {
                    id: d.id.clone(),
                    text: d.text.clone(),
                    date: d.meta.get("date").cloned(),
                    mentions: res.mentions.clone(),
                });
            } else {
                self.left_out += 1;
            }
        }
        Ok(())
    }

    fn checkpoint(&mut self) -> Result<Value, SinkError> {
        Ok(json!({"documents": self.documents, "left_out": self.left_out}))
    }
}

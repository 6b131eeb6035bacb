//! The store as a run's sink: documents already stored are skipped before the model, and each processed batch is added in one transaction.

use std::collections::HashMap;

use serde_json::Value;

use super::{document_graph, Store, StoredDocument};
use crate::input::Document;
use crate::run::{Batch, BatchSink, SinkError};

/// The store a run adds to, and the last batch stored before the run began
/// (kept across `--resume`): documents stored by earlier runs are skipped,
/// documents this run stored after its last checkpoint are processed again
/// (for the output folder) and not stored twice.
pub struct StoreSink {
    store: Store,
    run_start: u64,
    /// Texts (by hash) this run has taken so far, and the id that took each: a
    /// later copy is skipped wherever the batch boundaries fall.
    taken: HashMap<String, String>,
}

impl StoreSink {
    pub fn new(store: Store) -> Self {
        StoreSink {
            store,
            run_start: 0,
            taken: HashMap::new(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }
}

impl BatchSink for StoreSink {
    fn name(&self) -> &'static str {
        "store"
    }

    fn open(&mut self, resume: Option<&Value>) -> Result<(), SinkError> {
        match resume {
            None => self.run_start = self.store.last_batch()?,
            Some(state) => {
                self.run_start = state.as_u64().ok_or_else(|| {
                    SinkError::Resume(
                        "the checkpoint was made without --store; resume without it or start again"
                            .into(),
                    )
                })?;
                self.taken = self
                    .store
                    .stored_after(self.run_start)?
                    .into_iter()
                    .collect();
            }
        }
        Ok(())
    }

    fn skip(&mut self, doc: &Document) -> Result<Option<String>, SinkError> {
        let hash = Store::content_hash(&doc.text);
        if let Some(first) = self.taken.get(&hash) {
            return Ok(
                (*first != doc.id).then(|| format!("same text as {first}, earlier in this run"))
            );
        }
        // Documents this run stored are all in `taken`, so what the store holds
        // here was stored by an earlier run.
        if let Some(reason) = self.store.skip_reason(&doc.id, &hash)? {
            return Ok(Some(reason.for_document(&doc.id)));
        }
        self.taken.insert(hash, doc.id.clone());
        Ok(None)
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        if batch.docs.is_empty() {
            return Ok(());
        }
        let graphs: Vec<_> = batch.results.iter().map(document_graph).collect();
        let stored: Vec<StoredDocument> = batch
            .docs
            .iter()
            .zip(batch.results)
            .zip(&graphs)
            .map(|((d, r), g)| StoredDocument {
                id: &d.id,
                text: &d.text,
                meta: &d.meta,
                mentions: &r.mentions,
                graph: g,
            })
            .collect();
        self.store.add_batch(&stored)?;
        Ok(())
    }

    fn checkpoint(&mut self) -> Result<Value, SinkError> {
        Ok(Value::from(self.run_start))
    }
}

//! The store as a run's sink: documents already stored are skipped before the model, and each processed batch is added in one transaction.

use std::collections::{BTreeSet, HashMap};
use std::ops::RangeInclusive;

use serde_json::Value;

use super::{SkipReason, Store, StoredDocument};
use crate::input::Document;
use crate::run::{Batch, BatchSink, SinkError};

/// The store a run adds to, and the last batch stored before the run began
/// (kept across `--resume`): documents stored by earlier runs are skipped,
/// documents this run stored after its last checkpoint are processed again
/// (for the output folder) and not stored twice.
pub struct StoreSink {
    store: Store,
    run_start: u64,
    /// Texts (by hash) this run has taken and not stored yet, and the id that took
    /// each: a later copy in the same batch is skipped. Texts this run has stored are
    /// found in the store (a document stored in a batch after `run_start`), so this
    /// holds one batch, not every document of the run.
    pending: HashMap<String, String>,
    /// The hash of each document taken and not yet stored, by id: each text is hashed once.
    hashes: HashMap<String, String>,
    /// The store's last document before this run (id, hash): with the last one this run
    /// added, what a resume checks to know that it continues into the same store.
    before: Option<(String, String)>,
    last_added: Option<(String, String)>,
    /// The store's file (device and inode) when the run began: a copy put in its place
    /// is another file, even with the same documents.
    file: Option<(u64, u64)>,
    /// The batches this run committed: a text in any other batch was stored by another
    /// run (one sharing the store at the same time), and this run skips it.
    own: BTreeSet<u64>,
    /// After a resume, the batches committed after the checkpoint and before the resume:
    /// the stopped run's, unless another process wrote meanwhile. Nothing names their
    /// writer, so a document stored there under its own id counts as this run's.
    unknown: Option<RangeInclusive<u64>>,
    /// Whether the run's batch was written by `settle` already.
    settled: bool,
}

/// The device and inode of the file at `path`.
#[cfg(unix)]
fn file_identity(path: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_identity(_: &std::path::Path) -> Option<(u64, u64)> {
    None
}

impl StoreSink {
    pub fn new(store: Store) -> Self {
        StoreSink {
            store,
            run_start: 0,
            pending: HashMap::new(),
            hashes: HashMap::new(),
            before: None,
            last_added: None,
            file: None,
            own: BTreeSet::new(),
            unknown: None,
            settled: false,
        }
    }

    /// Whether batch `b` holds this run's documents (see [`StoreSink::unknown`]).
    fn ours(&self, b: u64) -> bool {
        b > self.run_start
            && (self.own.contains(&b) || self.unknown.as_ref().is_some_and(|u| u.contains(&b)))
    }

    /// Writes the batch; returns the documents the store refused (by index), with why. A
    /// document this run stored before a resume is not refused: it is processed again.
    fn write(&mut self, batch: &Batch) -> Result<Vec<(usize, String)>, SinkError> {
        if batch.docs.is_empty() {
            return Ok(Vec::new());
        }
        let stored: Vec<StoredDocument> = batch
            .docs
            .iter()
            .zip(batch.results)
            .zip(batch.graphs())
            .map(|((d, r), g)| StoredDocument {
                id: &d.id,
                text: &d.text,
                meta: &d.meta,
                mentions: &r.mentions,
                graph: g,
            })
            .collect();
        let hashes: Vec<String> = batch
            .docs
            .iter()
            .map(|d| {
                self.hashes
                    .remove(&d.id)
                    .unwrap_or_else(|| Store::content_hash(&d.text))
            })
            .collect();
        let outcome = self.store.add_batch_hashed(&stored, &hashes)?;
        if let Some(b) = outcome.batch {
            self.own.insert(b);
        }
        if let Some(id) = outcome.added.last() {
            let hash = batch
                .docs
                .iter()
                .zip(&hashes)
                .find(|(d, _)| &d.id == id)
                .map(|(_, h)| h.clone())
                .unwrap_or_default();
            self.last_added = Some((id.clone(), hash));
        }
        let mut refused = Vec::new();
        for skipped in &outcome.skipped {
            let Some(i) = batch.docs.iter().position(|d| d.id == skipped.id) else {
                continue;
            };
            let again = match &skipped.reason {
                SkipReason::Duplicate { stored_id } if stored_id == &skipped.id => self
                    .store
                    .holder(&hashes[i])?
                    .is_some_and(|(_, b)| self.ours(b)),
                _ => false,
            };
            if !again {
                refused.push((i, skipped.reason.for_document(&skipped.id)));
            }
        }
        // Stored now (or skipped by the store for a reason it gives again): found there.
        for hash in &hashes {
            self.pending.remove(hash);
        }
        Ok(refused)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// How many texts the sink remembers in memory (taken, not yet stored).
    pub fn remembered(&self) -> usize {
        self.pending.len()
    }
}

impl StoreSink {
    /// The last document stored in `batch` (none in a new store).
    fn last_document_of(&self, batch: u64) -> Result<Option<(String, String)>, SinkError> {
        if batch == 0 {
            return Ok(None);
        }
        Ok(self
            .store
            .stored_after(batch - 1)?
            .into_iter()
            .rev()
            .find_map(|(hash, id)| {
                matches!(self.store.hash_of_id(&id), Ok(Some((_, b))) if b == batch)
                    .then_some((id, hash))
            }))
    }

    /// A resumed run continues into the store it wrote to: the store holds the last
    /// document it held before the run, and the last one the run added, in their
    /// batches. A store moved away (and so created anew) or another one in its place
    /// is refused.
    fn check_same_store(&self, recorded: &str) -> Result<(), SinkError> {
        let holds = |doc: &Option<(String, String)>, ours: bool| -> Result<bool, SinkError> {
            let Some((id, hash)) = doc else {
                return Ok(true);
            };
            Ok(match self.store.hash_of_id(id)? {
                Some((h, b)) => &h == hash && (b > self.run_start) == ours,
                None => false,
            })
        };
        let same_file = self.file.is_none() || file_identity(self.store.path()) == self.file;
        if same_file
            && self.store.last_batch()? >= self.run_start
            && holds(&self.before, false)?
            && holds(&self.last_added, true)?
        {
            return Ok(());
        }
        Err(SinkError::Resume(format!(
            "{} is not the store this run wrote to (the checkpoint's store, {recorded}, \
             is another file or holds other documents): put that store back and resume, or start again with \
             --force",
            self.store.path().display()
        )))
    }
}

impl BatchSink for StoreSink {
    fn name(&self) -> &'static str {
        "store"
    }

    fn open(&mut self, resume: Option<&Value>) -> Result<(), SinkError> {
        let Some(state) = resume else {
            self.run_start = self.store.last_batch()?;
            self.before = self.last_document_of(self.run_start)?;
            self.file = file_identity(self.store.path());
            return Ok(());
        };
        let without = || {
            SinkError::Resume(
                "the checkpoint was made without --store; resume without it or start again".into(),
            )
        };
        // Before checkpoints named their store, the state was the batch number alone.
        if let Some(n) = state.as_u64() {
            self.run_start = n;
            return Ok(());
        }
        self.run_start = state["run_start"].as_u64().ok_or_else(without)?;
        let pair = |v: &Value| -> Option<(String, String)> {
            Some((v[0].as_str()?.to_string(), v[1].as_str()?.to_string()))
        };
        self.before = pair(&state["before"]);
        self.last_added = pair(&state["last_added"]);
        self.file = state["file"]
            .as_array()
            .and_then(|a| Some((a.first()?.as_u64()?, a.get(1)?.as_u64()?)));
        self.check_same_store(state["store"].as_str().unwrap_or("?"))?;
        // Checkpoints before `own` was kept: every batch since the run began is unknown.
        self.own = state["own"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        let known = state["last_batch"].as_u64().unwrap_or(self.run_start);
        self.unknown = Some(known + 1..=self.store.last_batch()?);
        Ok(())
    }

    fn skip(&mut self, doc: &Document, text_hash: &str) -> Result<Option<String>, SinkError> {
        let hash = text_hash.to_string();
        let earlier = |first: &str| {
            (first != doc.id).then(|| format!("same text as {first}, earlier in this run"))
        };
        if let Some(first) = self.pending.get(&hash) {
            return Ok(earlier(first));
        }
        // Batches after `run_start` are this run's (a resumed run's too: documents it
        // stored after its last checkpoint are processed again, and not stored twice).
        if let Some((first, batch)) = self.store.holder(&hash)? {
            if self.ours(batch) {
                return Ok(earlier(&first));
            }
        }
        if let Some(reason) = self.store.skip_reason(&doc.id, &hash)? {
            return Ok(Some(reason.for_document(&doc.id)));
        }
        self.pending.insert(hash.clone(), doc.id.clone());
        self.hashes.insert(doc.id.clone(), hash);
        Ok(None)
    }

    fn settle(&mut self, batch: &Batch) -> Result<Vec<(usize, String)>, SinkError> {
        let refused = self.write(batch)?;
        self.settled = true;
        Ok(refused)
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        // The run settles each batch first; a caller that does not gets it written here.
        if !std::mem::take(&mut self.settled) {
            self.write(batch)?;
        }
        Ok(())
    }

    fn checkpoint(&mut self) -> Result<Value, SinkError> {
        let pair = |p: &Option<(String, String)>| match p {
            Some((id, hash)) => serde_json::json!([id, hash]),
            None => Value::Null,
        };
        Ok(serde_json::json!({
            "run_start": self.run_start,
            "store": self.store.path().display().to_string(),
            "before": pair(&self.before),
            "last_added": pair(&self.last_added),
            "file": self.file.map(|(dev, ino)| serde_json::json!([dev, ino])),
            "own": self.own,
            "last_batch": self.store.last_batch()?,
        }))
    }
}

/// The store's errors reach the run boxed, as any sink's own error does.
impl From<super::StoreError> for SinkError {
    fn from(e: super::StoreError) -> Self {
        SinkError::other(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Doc;
    use crate::pipeline::DocResult;
    use crate::resolve::Resolved;

    fn result(id: &str) -> DocResult {
        DocResult {
            id: id.into(),
            mentions: Vec::new(),
            resolved: Resolved {
                entities: Vec::new(),
                mention_entity: Vec::new(),
                ..Default::default()
            },
            relations: Vec::new(),
            analysis: Doc::default(),
        }
    }

    /// Runs batches of documents `(id, text)` through the sink as the run does: each
    /// document is offered to `skip`, the kept ones are stored as one batch. Returns the
    /// skip reasons, in order.
    fn run(sink: &mut StoreSink, batches: &[Vec<(String, String)>]) -> Vec<String> {
        let mut reasons = Vec::new();
        for batch in batches {
            let mut docs = Vec::new();
            for (id, text) in batch {
                let doc = Document::new(id.clone(), text.clone());
                match sink.skip(&doc, &Store::content_hash(&doc.text)).unwrap() {
                    Some(reason) => reasons.push(format!("{id}: {reason}")),
                    None => docs.push(doc),
                }
            }
            let results: Vec<DocResult> = docs.iter().map(|d| result(&d.id)).collect();
            let graphs = std::cell::OnceCell::new();
            sink.batch(&Batch {
                docs: &docs,
                results: &results,
                graphs: &graphs,
                problems: &[],
            })
            .unwrap();
        }
        reasons
    }

    /// What the sink keeps in memory is one batch's texts, not the run's: the texts it
    /// stored are looked up in the store, with the same skip reasons.
    #[test]
    fn memory_holds_one_batch_not_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        Store::open(&path).unwrap().add_batch(&[]).unwrap();
        {
            // An earlier run stored "old".
            let mut sink = StoreSink::new(Store::open(&path).unwrap());
            sink.open(None).unwrap();
            run(&mut sink, &[vec![("o1".into(), "old".into())]]);
        }
        let mut sink = StoreSink::new(Store::open(&path).unwrap());
        sink.open(None).unwrap();
        let batches: Vec<Vec<(String, String)>> = (0..20)
            .map(|b| {
                (0..50)
                    .map(|i| (format!("b{b}-{i}"), format!("text {b} {i}")))
                    .collect()
            })
            .collect();
        assert!(run(&mut sink, &batches).is_empty());
        assert_eq!(
            sink.remembered(),
            0,
            "texts kept in memory after the batches"
        );
        let reasons = run(
            &mut sink,
            &[vec![
                ("again".into(), "text 3 7".into()),
                ("new".into(), "fresh".into()),
                ("twice".into(), "fresh".into()),
                ("o2".into(), "old".into()),
            ]],
        );
        assert_eq!(
            reasons,
            [
                "again: same text as b3-7, earlier in this run",
                "twice: same text as new, earlier in this run",
                "o2: already in the store as o1",
            ]
        );
        // A resumed run processes again what it stored after its checkpoint, and
        // still skips other copies of it.
        let state = sink.checkpoint().unwrap();
        let mut resumed = StoreSink::new(Store::open(&path).unwrap());
        resumed.open(Some(&state)).unwrap();
        let reasons = run(
            &mut resumed,
            &[vec![
                ("b0-0".into(), "text 0 0".into()),
                ("copy".into(), "text 0 0".into()),
            ]],
        );
        assert_eq!(reasons, ["copy: same text as b0-0, earlier in this run"]);
    }

    /// Runs the batch of `docs` (`(id, text)`) through `skip`, then lets `meanwhile` write
    /// to the store as another process would, then settles: the refused ids and reasons.
    fn race(
        sink: &mut StoreSink,
        docs: &[(&str, &str)],
        meanwhile: impl FnOnce(),
    ) -> Vec<(String, String)> {
        let docs: Vec<Document> = docs
            .iter()
            .map(|(id, text)| Document::new(id.to_string(), text.to_string()))
            .filter(|d| {
                sink.skip(d, &Store::content_hash(&d.text))
                    .unwrap()
                    .is_none()
            })
            .collect();
        meanwhile();
        let results: Vec<DocResult> = docs.iter().map(|d| result(&d.id)).collect();
        let graphs = std::cell::OnceCell::new();
        let batch = Batch {
            docs: &docs,
            results: &results,
            graphs: &graphs,
            problems: &[],
        };
        let refused = sink.settle(&batch).unwrap();
        sink.batch(&batch).unwrap();
        refused
            .into_iter()
            .map(|(i, reason)| (docs[i].id.clone(), reason))
            .collect()
    }

    /// Two runs share a store: a text the other stored after this run's `skip` looked is
    /// refused when the batch is written, naming the stored id, and so is one stored
    /// before (found by `skip`, in a batch that is not this run's). After a resume, the
    /// run's own documents are processed again, not refused.
    #[test]
    fn a_text_another_run_stored_is_refused_with_its_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        Store::open(&path).unwrap().add_batch(&[]).unwrap();
        let mut a = StoreSink::new(Store::open(&path).unwrap());
        a.open(None).unwrap();
        let mut b = StoreSink::new(Store::open(&path).unwrap());
        b.open(None).unwrap();
        let refused = race(&mut a, &[("a1", "one"), ("a2", "two")], || {
            race(&mut b, &[("b2", "two")], || {});
        });
        assert_eq!(
            refused,
            [("a2".into(), "already in the store as b2".into())]
        );
        assert!(race(&mut b, &[("b3", "three")], || {}).is_empty());
        let reasons = run(&mut a, &[vec![("a3".into(), "three".into())]]);
        assert_eq!(reasons, ["a3: already in the store as b3"]);

        let state = a.checkpoint().unwrap();
        let mut resumed = StoreSink::new(Store::open(&path).unwrap());
        resumed.open(Some(&state)).unwrap();
        assert!(race(&mut resumed, &[("a1", "one")], || {}).is_empty());
        let reasons = run(&mut resumed, &[vec![("a2".into(), "two".into())]]);
        assert_eq!(reasons, ["a2: already in the store as b2"]);
    }
}

//! Writing a store: one transaction per batch; each document's graph upserted the way
//! `Graph::merge` would merge it.

use super::read::skip_reason;
use super::*;

impl Store {
    /// Starts a batch: one write transaction, committed by [`Batch::commit`] and rolled
    /// back if the batch is dropped (or the process dies) before that.
    pub fn begin(&mut self) -> Result<Batch<'_>, StoreError> {
        if self.read_only {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
            });
        }
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|source| StoreError::Sqlite {
                path: path.clone(),
                error: source,
            })?;
        Ok(Batch {
            tx,
            path,
            outcome: BatchOutcome::default(),
        })
    }

    /// Adds documents in one transaction, skipping those whose text is stored already
    /// (or comes earlier in the batch) and those whose id is taken by another text.
    pub fn add_batch(&mut self, docs: &[StoredDocument]) -> Result<BatchOutcome, StoreError> {
        let hashes: Vec<String> = docs.iter().map(|d| Store::content_hash(d.text)).collect();
        self.add_batch_hashed(docs, &hashes)
    }

    /// [`Store::add_batch`] with each text's [`Store::content_hash`] already taken (the
    /// store's sink takes it once, when it decides whether to skip the document).
    pub fn add_batch_hashed(
        &mut self,
        docs: &[StoredDocument],
        hashes: &[String],
    ) -> Result<BatchOutcome, StoreError> {
        assert_eq!(docs.len(), hashes.len(), "one hash per document");
        let mut batch = self.begin()?;
        for (doc, hash) in docs.iter().zip(hashes) {
            batch.add_hashed(doc, hash)?;
        }
        batch.commit()
    }
}

/// A batch in progress: one write transaction. Readers see none of it until [`Batch::commit`].
pub struct Batch<'s> {
    tx: Transaction<'s>,
    path: PathBuf,
    outcome: BatchOutcome,
}

impl Batch<'_> {
    /// Adds one document (all of it or, on error, none of it), or skips it.
    pub fn add(&mut self, doc: &StoredDocument) -> Result<Added, StoreError> {
        self.add_hashed(doc, &Store::content_hash(doc.text))
    }

    /// [`Batch::add`] with the text's [`Store::content_hash`] already taken.
    pub fn add_hashed(&mut self, doc: &StoredDocument, hash: &str) -> Result<Added, StoreError> {
        let sp = self.tx.savepoint().map_err(|source| StoreError::Sqlite {
            path: self.path.clone(),
            error: source,
        })?;
        // On error the savepoint is rolled back when dropped: the batch goes on without it.
        let mut batch = self.outcome.batch;
        let result =
            add_document(&sp, doc, hash, &mut batch).and_then(|added| sp.commit().map(|()| added));
        let added = result.map_err(|source| StoreError::Sqlite {
            path: self.path.clone(),
            error: source,
        })?;
        self.outcome.batch = batch;
        match &added {
            Added::Added => self.outcome.added.push(doc.id.to_string()),
            Added::Skipped(reason) => self.outcome.skipped.push(Skipped {
                id: doc.id.to_string(),
                reason: reason.clone(),
            }),
        }
        Ok(added)
    }

    /// What the batch has done so far.
    pub fn outcome(&self) -> &BatchOutcome {
        &self.outcome
    }

    /// Commits the batch.
    pub fn commit(self) -> Result<BatchOutcome, StoreError> {
        let Batch { tx, path, outcome } = self;
        tx.commit().map_err(|source| StoreError::Sqlite {
            path,
            error: source,
        })?;
        Ok(outcome)
    }
}

pub(super) fn add_document(
    tx: &Connection,
    doc: &StoredDocument,
    hash: &str,
    batch: &mut Option<u64>,
) -> rusqlite::Result<Added> {
    if let Some(reason) = skip_reason(tx, doc.id, hash)? {
        return Ok(Added::Skipped(reason));
    }
    let batch = match *batch {
        Some(b) => b,
        None => {
            tx.execute("INSERT INTO batches DEFAULT VALUES", [])?;
            let b = tx.last_insert_rowid() as u64;
            *batch = Some(b);
            b
        }
    };
    let meta = serde_json::to_string(doc.meta).expect("string maps serialise");
    tx.execute(
        "INSERT INTO documents (id, hash, batch, meta, text) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![doc.id, hash, batch, meta, doc.text],
    )?;
    let seq = tx.last_insert_rowid();
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO mentions (doc, seq, start, \"end\", text, label, score, entity)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (i, m) in doc.mentions.iter().enumerate() {
            stmt.execute(params![
                seq, i, m.start, m.end, m.text, m.label, m.score, m.entity
            ])?;
        }
    }
    for node in doc.graph.nodes.values() {
        add_node(tx, node)?;
    }
    for edge in doc.graph.edges.values() {
        add_edge(tx, edge)?;
    }
    let mut acronyms = tx.prepare_cached(
        "INSERT INTO acronyms (doc, acronym, long, count) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (acronym, longs) in &doc.graph.acronyms {
        for (long, count) in longs {
            acronyms.execute(params![seq, acronym, long, count])?;
        }
    }
    Ok(Added::Added)
}

/// Merges one node into the tables as [`Graph::merge`] merges it into a graph: counts
/// summed, sets united, label and country recomputed by `Graph::merge` itself, the rest kept.
pub(super) fn add_node(tx: &Connection, node: &Node) -> rusqlite::Result<()> {
    let stored = tx
        .prepare_cached(
            "SELECT seq, label, kind, mentions, country, value, unit, qualifier, about
             FROM nodes WHERE id = ?1",
        )?
        .query_row([&node.id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Node {
                    id: node.id.clone(),
                    label: r.get(1)?,
                    kind: r.get(2)?,
                    aliases: BTreeSet::new(),
                    mentions: r.get(3)?,
                    docs: BTreeSet::new(),
                    country: r.get(4)?,
                    value: r.get(5)?,
                    unit: r.get(6)?,
                    qualifier: r.get(7)?,
                    about: r.get(8)?,
                    names: BTreeMap::new(),
                    documents: 0,
                },
            ))
        })
        .optional()?;
    let seq = match stored {
        None => {
            tx.prepare_cached(
                "INSERT INTO nodes (id, label, kind, mentions, country, value, unit, qualifier, about)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                node.id,
                node.label,
                node.kind,
                node.mentions,
                node.country,
                node.value,
                node.unit,
                node.qualifier,
                node.about
            ])?;
            tx.last_insert_rowid()
        }
        Some((seq, mut mine)) => {
            let mut stmt =
                tx.prepare_cached("SELECT name, count FROM node_names WHERE node = ?1")?;
            mine.names = stmt
                .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let merged = merge_nodes(mine, node);
            tx.prepare_cached(
                "UPDATE nodes SET label = ?2, kind = ?3, mentions = ?4, country = ?5, value = ?6,
                 unit = ?7, qualifier = ?8, about = ?9 WHERE seq = ?1",
            )?
            .execute(params![
                seq,
                merged.label,
                merged.kind,
                merged.mentions,
                merged.country,
                merged.value,
                merged.unit,
                merged.qualifier,
                merged.about
            ])?;
            seq
        }
    };
    let mut names = tx.prepare_cached(
        "INSERT INTO node_names (node, name, count) VALUES (?1, ?2, ?3)
         ON CONFLICT (node, name) DO UPDATE SET count = count + excluded.count",
    )?;
    for (name, count) in &node.names {
        names.execute(params![seq, name, count])?;
    }
    let mut aliases =
        tx.prepare_cached("INSERT OR IGNORE INTO node_aliases (node, alias) VALUES (?1, ?2)")?;
    for alias in &node.aliases {
        aliases.execute(params![seq, alias])?;
    }
    let mut docs =
        tx.prepare_cached("INSERT OR IGNORE INTO node_docs (node, doc) VALUES (?1, ?2)")?;
    for doc in &node.docs {
        docs.execute(params![seq, doc])?;
    }
    Ok(())
}

/// The stored node's scalars merged with a new one's, by [`Graph::merge`] (sets are left out:
/// they are united in their tables).
pub(super) fn merge_nodes(mine: Node, other: &Node) -> Node {
    let id = mine.id.clone();
    let mut graph = Graph::default();
    graph.nodes.insert(id.clone(), mine);
    let mut theirs = Graph::default();
    theirs.nodes.insert(
        id.clone(),
        Node {
            aliases: BTreeSet::new(),
            docs: BTreeSet::new(),
            ..other.clone()
        },
    );
    graph.merge(theirs);
    graph.nodes.remove(&id).expect("the merged node is there")
}

pub(super) fn add_edge(tx: &Connection, edge: &Edge) -> rusqlite::Result<()> {
    let key = params![edge.source, edge.target, edge.relation, edge.modality];
    tx.prepare_cached(
        "INSERT INTO edges (source, target, relation, modality) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT DO NOTHING",
    )?
    .execute(key)?;
    let seq: i64 = tx
        .prepare_cached(
            "SELECT seq FROM edges
             WHERE source = ?1 AND target = ?2 AND relation = ?3 AND modality = ?4",
        )?
        .query_row(key, |r| r.get(0))?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO evidence (edge, doc, start, \"end\", sentence, rule, date, path, parse)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for ev in &edge.evidence {
        stmt.execute(params![
            seq,
            ev.doc,
            ev.start,
            ev.end,
            ev.sentence,
            ev.rule,
            ev.date,
            ev.path,
            ev.parse
                .as_ref()
                .map(|p| serde_json::to_string(p).expect("a parse serialises"))
        ])?;
    }
    Ok(())
}

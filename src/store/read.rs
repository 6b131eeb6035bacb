//! Reading a store: skip checks by content hash, the graph, documents and counts.

use super::*;

impl Store {
    /// Whether a document with this content hash is stored.
    pub fn contains(&self, hash: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT 1 FROM documents WHERE hash = ?1",
                [hash],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.err(e))
    }

    /// The id and batch number of the stored document with this content hash.
    pub fn holder(&self, hash: &str) -> Result<Option<(String, u64)>, StoreError> {
        self.conn
            .query_row(
                "SELECT id, batch FROM documents WHERE hash = ?1",
                [hash],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The content hash and batch number of the stored document with this id.
    pub fn hash_of_id(&self, id: &str) -> Result<Option<(String, u64)>, StoreError> {
        self.conn
            .query_row(
                "SELECT hash, batch FROM documents WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Why a document with this id and content hash would not be added (the check
    /// [`Batch::add`] makes), before any work is spent on it.
    pub fn skip_reason(&self, id: &str, hash: &str) -> Result<Option<SkipReason>, StoreError> {
        skip_reason(&self.conn, id, hash).map_err(|e| self.err(e))
    }

    /// (hash, id) of the documents stored in batches after `batch`.
    pub fn stored_after(&self, batch: u64) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT hash, id FROM documents WHERE batch > ?1 ORDER BY seq")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([batch], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|e| self.err(e));
        rows
    }

    /// The number of the last committed batch (0 for a new store). Batch numbers
    /// only grow, so documents of later runs have larger numbers.
    pub fn last_batch(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM batches", [], |row| {
                row.get(0)
            })
            .map_err(|e| self.err(e))
    }

    /// The accumulated graph: the merge of every stored document's graph, read in one
    /// snapshot, keeping the default provenance per node and edge ([`Limits`]). Like the
    /// graphs a run keeps, it is unjoined, with the run-wide acronym table
    /// (`Graph::acronyms`); [`Store::final_graph`] joins it.
    pub fn graph(&self) -> Result<Graph, StoreError> {
        self.graph_with(Limits::DEFAULT)
    }

    /// The graph a finished run writes to graph.json: [`Store::graph`] with its acronyms
    /// joined ([`Graph::join_acronyms`]), so that exporting the store gives what exporting
    /// that graph.json gives.
    pub fn final_graph(&self) -> Result<(Graph, crate::graph::AcronymJoins), StoreError> {
        let mut graph = self.graph()?;
        let joins = graph.join_acronyms();
        Ok((graph, joins))
    }

    /// [`Store::graph`] keeping `limits`: the counts are the store's, the lists its first
    /// documents and pieces of evidence (the store itself keeps them all).
    pub fn graph_with(&self, limits: Limits) -> Result<Graph, StoreError> {
        self.read(|tx| read_graph(tx, limits))
    }

    /// Row counts, read in one snapshot.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        self.read(|tx| {
            let count = |table: &str| -> rusqlite::Result<u64> {
                tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            };
            Ok(StoreStats {
                documents: count("documents")?,
                batches: count("batches")?,
                nodes: count("nodes")?,
                edges: count("edges")?,
                evidence: count("evidence")?,
                mentions: count("mentions")?,
            })
        })
    }

    /// Every stored document without text or mentions, in the order added.
    pub fn document_list(&self) -> Result<Vec<DocumentInfo>, StoreError> {
        let rows = self.read(|tx| {
            let mut stmt =
                tx.prepare("SELECT id, hash, batch, meta FROM documents ORDER BY seq")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<Vec<(String, String, u64, String)>>>()?;
            Ok(rows)
        })?;
        rows.into_iter()
            .map(|(id, hash, batch, meta)| {
                let meta = self.meta(&id, &meta)?;
                Ok(DocumentInfo {
                    id,
                    hash,
                    batch,
                    meta,
                })
            })
            .collect()
    }

    /// One stored document with text and mentions, by id.
    pub fn document(&self, id: &str) -> Result<Option<StoredDocumentRow>, StoreError> {
        let rows = self.read_documents(Some(id))?;
        Ok(rows.into_iter().next())
    }

    /// Every stored document with text and mentions, in the order added.
    pub fn documents(&self) -> Result<Vec<StoredDocumentRow>, StoreError> {
        self.read_documents(None)
    }

    pub(super) fn read_documents(
        &self,
        only: Option<&str>,
    ) -> Result<Vec<StoredDocumentRow>, StoreError> {
        type Row = (i64, String, String, u64, String, String);
        let (docs, mut mentions) = self.read(|tx| {
            let filter = if only.is_some() { "WHERE id = ?1" } else { "" };
            let mut stmt = tx.prepare(&format!(
                "SELECT seq, id, hash, batch, meta, text FROM documents {filter} ORDER BY seq"
            ))?;
            let docs = stmt
                .query_map(params_from_iter(only), |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<Row>>>()?;
            let mut mentions: HashMap<i64, Vec<MentionRecord>> = HashMap::new();
            let filter = if only.is_some() {
                "WHERE d.id = ?1"
            } else {
                ""
            };
            let mut stmt = tx.prepare(&format!(
                "SELECT m.doc, m.start, m.\"end\", m.text, m.label, m.score, m.entity
                 FROM mentions m JOIN documents d ON d.seq = m.doc {filter} ORDER BY m.doc, m.seq"
            ))?;
            let mut rows = stmt.query(params_from_iter(only))?;
            while let Some(r) = rows.next()? {
                mentions.entry(r.get(0)?).or_default().push(MentionRecord {
                    start: r.get(1)?,
                    end: r.get(2)?,
                    text: r.get(3)?,
                    label: r.get(4)?,
                    score: r.get(5)?,
                    entity: r.get(6)?,
                });
            }
            Ok((docs, mentions))
        })?;
        docs.into_iter()
            .map(|(seq, id, hash, batch, meta, text)| {
                let meta = self.meta(&id, &meta)?;
                Ok(StoredDocumentRow {
                    info: DocumentInfo {
                        id,
                        hash,
                        batch,
                        meta,
                    },
                    text,
                    mentions: mentions.remove(&seq).unwrap_or_default(),
                })
            })
            .collect()
    }

    pub(super) fn meta(
        &self,
        id: &str,
        json: &str,
    ) -> Result<BTreeMap<String, String>, StoreError> {
        serde_json::from_str(json)
            .map_err(|e| self.invalid(format!("document {id}: unreadable metadata: {e}")))
    }
}

/// Why a document (`id`, text hash `hash`) would not be added: its text is stored, or
/// its id is taken by another text. One check for [`Store::skip_reason`] and adding.
pub(super) fn skip_reason(
    conn: &Connection,
    id: &str,
    hash: &str,
) -> rusqlite::Result<Option<SkipReason>> {
    let by_hash: Option<String> = conn
        .query_row("SELECT id FROM documents WHERE hash = ?1", [hash], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(stored_id) = by_hash {
        return Ok(Some(SkipReason::Duplicate { stored_id }));
    }
    let by_id: Option<String> = conn
        .query_row("SELECT hash FROM documents WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(by_id.map(|stored_hash| SkipReason::IdTaken { stored_hash }))
}

pub(super) fn read_graph(tx: &Connection, limits: Limits) -> rusqlite::Result<Graph> {
    let mut nodes: HashMap<i64, Node> = HashMap::new();
    let mut stmt = tx.prepare(
        "SELECT seq, id, label, kind, mentions, country, value, unit, qualifier, about FROM nodes",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        nodes.insert(
            r.get(0)?,
            Node {
                id: r.get(1)?,
                label: r.get(2)?,
                kind: r.get(3)?,
                aliases: BTreeSet::new(),
                mentions: r.get(4)?,
                docs: BTreeSet::new(),
                country: r.get(5)?,
                value: r.get(6)?,
                unit: r.get(7)?,
                qualifier: r.get(8)?,
                about: r.get(9)?,
                names: BTreeMap::new(),
                documents: 0,
            },
        );
    }
    let missing = || rusqlite::Error::QueryReturnedNoRows;
    let mut stmt = tx.prepare("SELECT node, name, count FROM node_names")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let node = nodes.get_mut(&r.get(0)?).ok_or_else(missing)?;
        node.names.insert(r.get(1)?, r.get(2)?);
    }
    let mut stmt = tx.prepare("SELECT node, alias FROM node_aliases")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let node = nodes.get_mut(&r.get(0)?).ok_or_else(missing)?;
        node.aliases.insert(r.get(1)?);
    }
    let mut stmt = tx.prepare("SELECT node, doc FROM node_docs")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let node = nodes.get_mut(&r.get(0)?).ok_or_else(missing)?;
        node.add_doc(r.get(1)?, limits.docs_per_node);
    }
    let mut edges: HashMap<i64, Edge> = HashMap::new();
    let mut stmt = tx.prepare("SELECT seq, source, target, relation, modality FROM edges")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        edges.insert(
            r.get(0)?,
            Edge {
                source: r.get(1)?,
                target: r.get(2)?,
                relation: r.get(3)?,
                modality: r.get(4)?,
                evidence: Vec::new(),
                evidence_count: 0,
            },
        );
    }
    let mut stmt = tx.prepare(
        "SELECT edge, doc, start, \"end\", sentence, rule, date, path, parse FROM evidence",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let edge = edges.get_mut(&r.get(0)?).ok_or_else(missing)?;
        let piece = Evidence {
            doc: r.get(1)?,
            start: r.get(2)?,
            end: r.get(3)?,
            sentence: r.get(4)?,
            rule: r.get(5)?,
            date: r.get(6)?,
            path: r.get(7)?,
            parse: r
                .get::<_, Option<String>>(8)?
                .and_then(|p| serde_json::from_str(&p).ok()),
        };
        edge.add_evidence(piece, limits.evidence_per_edge);
    }
    let mut graph = Graph {
        documents: tx.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?,
        limits,
        ..Graph::default()
    };
    for node in nodes.into_values() {
        graph.nodes.insert(node.id.clone(), node);
    }
    for edge in edges.into_values() {
        graph.add_edge(edge);
    }
    let mut stmt =
        tx.prepare("SELECT acronym, long, sum(count) FROM acronyms GROUP BY acronym, long")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        graph
            .acronyms
            .entry(r.get(0)?)
            .or_default()
            .insert(r.get(1)?, r.get(2)?);
    }
    Ok(graph)
}

/// Node types, modalities and mention labels are stored as the strings graph.json writes.
pub(super) mod columns {
    use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

    use crate::graph::NodeKind;
    use crate::ner::Label;
    use crate::relations::Modality;

    fn parse<T: std::str::FromStr>(value: ValueRef<'_>) -> FromSqlResult<T>
    where
        T::Err: std::error::Error + Send + Sync + 'static,
    {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }

    impl ToSql for NodeKind {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(ToSqlOutput::from(self.as_str()))
        }
    }

    impl FromSql for NodeKind {
        fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
            parse(value)
        }
    }

    impl ToSql for Modality {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(ToSqlOutput::from(self.as_str()))
        }
    }

    impl FromSql for Modality {
        fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
            parse(value)
        }
    }

    impl ToSql for Label {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(ToSqlOutput::from(self.as_str()))
        }
    }

    impl FromSql for Label {
        fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
            Ok(Label::from(value.as_str()?))
        }
    }
}

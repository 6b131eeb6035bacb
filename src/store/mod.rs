//! The SQLite store: graphs accumulated across runs, one transaction per batch, documents skipped by content hash.
//!
//! The tables mirror [`Graph`] (`schema.sql`); adding a document upserts its own graph
//! into them the way [`Graph::merge`] would, so [`Store::graph`] equals the merge of every
//! stored document's graph, in the order they were added. docs/ARCHITECTURE.md ("Store")
//! gives the schema and the transaction and skip semantics.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{
    params, params_from_iter, Connection, ErrorCode, OpenFlags, OptionalExtension, Transaction,
    TransactionBehavior,
};

use crate::graph::{Edge, Evidence, Graph, Limits, Node};
use crate::pipeline::{self, DocResult, MentionRecord};

mod sink;
#[cfg(test)]
mod tests;

pub use sink::StoreSink;

/// `PRAGMA application_id` of a newsgraph store ("NGst").
pub const APPLICATION_ID: i32 = 0x4e47_7374;
/// `PRAGMA user_version` of the schema this version writes and reads.
pub const SCHEMA_VERSION: i64 = 2;
/// How long a connection waits for another's write lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

const SCHEMA: &str = include_str!("schema.sql");

/// Why a store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: not a newsgraph store ({reason}); it was left as it is")]
    NotAStore { path: PathBuf, reason: String },
    #[error("{path}: store schema version {found}; this newsgraph reads version {supported} only")]
    Version {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{path}: no such store")]
    Missing { path: PathBuf },
    #[error("{path}: the store was opened read-only")]
    ReadOnly { path: PathBuf },
    #[error("{path}: {reason}")]
    Invalid { path: PathBuf, reason: String },
    // The SQLite error in the message and not as a source: rusqlite's error repeats its
    // own message in its source, and a chain printed whole would say it three times.
    #[error("{path}: {error}")]
    Sqlite {
        path: PathBuf,
        error: rusqlite::Error,
    },
}

/// One document to add: its text (hashed to skip repeats), metadata, mentions and its own graph.
#[derive(Clone, Copy, Debug)]
pub struct StoredDocument<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub meta: &'a BTreeMap<String, String>,
    pub mentions: &'a [MentionRecord],
    /// This document's graph alone (see [`document_graph`]).
    pub graph: &'a Graph,
}

/// The graph of one pipeline result, as [`pipeline::add_to_graph`] builds it, with all of
/// its evidence.
pub fn document_graph(result: &DocResult) -> Graph {
    let mut graph = Graph::with_limits(Limits::UNLIMITED);
    pipeline::add_to_graph(&mut graph, std::slice::from_ref(result));
    graph
}

/// Why a document was not added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Its text (by content hash) is already stored, under `stored_id`.
    Duplicate { stored_id: String },
    /// Its id is already stored with another text.
    IdTaken { stored_hash: String },
}

impl SkipReason {
    /// The reason for the document `id`, naming it (problems.jsonl's wording).
    pub fn for_document(&self, id: &str) -> String {
        match self {
            SkipReason::Duplicate { .. } => self.to_string(),
            // Without the hash: summary.json groups reasons by their wording.
            SkipReason::IdTaken { .. } => {
                format!("the store already holds another text under the id {id}")
            }
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Duplicate { stored_id } => write!(f, "already in the store as {stored_id}"),
            SkipReason::IdTaken { stored_hash } => write!(
                f,
                "the store already has another text under this id (sha256 {stored_hash})"
            ),
        }
    }
}

/// A document left out of a batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub id: String,
    pub reason: SkipReason,
}

/// What a batch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchOutcome {
    /// The batch's number (`documents.batch`); None when it added nothing.
    pub batch: Option<u64>,
    /// Ids added, in order.
    pub added: Vec<String>,
    pub skipped: Vec<Skipped>,
}

/// What [`Batch::add`] did with one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Added {
    Added,
    Skipped(SkipReason),
}

/// A stored document without its text and mentions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentInfo {
    pub id: String,
    pub hash: String,
    /// The batch that added it (1, 2, ...).
    pub batch: u64,
    pub meta: BTreeMap<String, String>,
}

/// A stored document with its text and mentions (for reports).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDocumentRow {
    pub info: DocumentInfo,
    pub text: String,
    pub mentions: Vec<MentionRecord>,
}

/// Row counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreStats {
    pub documents: u64,
    pub batches: u64,
    pub nodes: u64,
    pub edges: u64,
    pub evidence: u64,
    pub mentions: u64,
}

/// An open store: one SQLite connection.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// Whether SQLite gave up waiting for another connection's lock.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// The state of a database file before it is used as a store.
enum Found {
    Empty,
    Store,
}

impl Store {
    /// Opens a store for reading and writing, creating the file and schema if needed.
    /// A file that is not a newsgraph store is an error and is not modified.
    ///
    /// Safe when several processes create the same new store at once: a creator that
    /// finds the file busy (another one is creating it, or switching it to WAL) waits and
    /// starts again, up to [`BUSY_TIMEOUT`].
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let started = std::time::Instant::now();
        loop {
            match Store::open_once(path) {
                Err(StoreError::Sqlite { error, .. })
                    if is_busy(&error) && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path) -> Result<Store, StoreError> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut store = Store::connect(path, flags, false)?;
        if let Found::Empty = store.check()? {
            store.create()?;
        }
        let conn = &store.conn;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| store.err(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(store.invalid(format!("could not switch to WAL (journal mode {mode})")));
        }
        // FULL: a committed batch survives a power cut, as the run's checkpoint does.
        conn.execute_batch("PRAGMA synchronous = FULL")
            .map_err(|e| store.err(e))?;
        Ok(store)
    }

    /// Opens an existing store for reading; it can be read while another connection writes.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        if !path.is_file() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let store = Store::connect(path, flags, true)?;
        match store.check()? {
            Found::Store => Ok(store),
            Found::Empty => Err(store.not_a_store("empty database")),
        }
    }

    fn connect(path: &Path, flags: OpenFlags, read_only: bool) -> Result<Store, StoreError> {
        let err = |source| StoreError::Sqlite {
            path: path.to_path_buf(),
            error: source,
        };
        let conn = Connection::open_with_flags(path, flags).map_err(err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(err)?;
        conn.execute_batch("PRAGMA foreign_keys = ON")
            .map_err(err)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only,
        })
    }

    /// Reads the header and schema without writing anything, in one read transaction:
    /// another process's schema creation is seen whole or not at all.
    fn check(&self) -> Result<Found, StoreError> {
        let read = || -> rusqlite::Result<(i64, i64, i64)> {
            let snapshot = self.conn.unchecked_transaction()?;
            let app: i64 = self
                .conn
                .query_row("PRAGMA application_id", [], |r| r.get(0))?;
            let version: i64 = self
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let objects: i64 =
                self.conn
                    .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
            snapshot.commit()?;
            Ok((app, version, objects))
        };
        let (app, version, objects) = match read() {
            Ok(found) => found,
            Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => {
                return Err(self.not_a_store("not an SQLite database"));
            }
            Err(e) => return Err(self.err(e)),
        };
        if app == 0 && version == 0 && objects == 0 {
            return Ok(Found::Empty);
        }
        if app != i64::from(APPLICATION_ID) {
            return Err(self.not_a_store(if app == 0 {
                "an SQLite database of another program".to_string()
            } else {
                format!("an SQLite database with application id {app:#x}")
            }));
        }
        if version != SCHEMA_VERSION {
            return Err(StoreError::Version {
                path: self.path.clone(),
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        Ok(Found::Store)
    }

    /// Creates the schema in an empty database (another process may have done it meanwhile).
    fn create(&mut self) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::Sqlite {
                path: self.path.clone(),
                error: e,
            })?;
        let objects: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| StoreError::Sqlite {
                path: self.path.clone(),
                error: e,
            })?;
        let result = if objects == 0 {
            tx.execute_batch(SCHEMA)
                .and_then(|()| {
                    tx.execute_batch(&format!(
                        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
                    ))
                })
                .and_then(|()| tx.commit())
        } else {
            tx.commit()
        };
        result.map_err(|e| self.err(e))?;
        // Whatever it is now, it must be a store.
        match self.check()? {
            Found::Store => Ok(()),
            Found::Empty => Err(self.invalid("the schema was not created".into())),
        }
    }

    /// The file it was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key documents are skipped by: sha256 of the UTF-8 text, lowercase hex.
    pub fn content_hash(text: &str) -> String {
        crate::hash::sha256_hex(text.as_bytes())
    }

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
        let mut batch = self.begin()?;
        for doc in docs {
            batch.add(doc)?;
        }
        batch.commit()
    }

    /// The accumulated graph: the merge of every stored document's graph, read in one
    /// snapshot, keeping the default provenance per node and edge ([`Limits`]).
    pub fn graph(&self) -> Result<Graph, StoreError> {
        self.graph_with(Limits::DEFAULT)
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

    fn read_documents(&self, only: Option<&str>) -> Result<Vec<StoredDocumentRow>, StoreError> {
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

    fn meta(&self, id: &str, json: &str) -> Result<BTreeMap<String, String>, StoreError> {
        serde_json::from_str(json)
            .map_err(|e| self.invalid(format!("document {id}: unreadable metadata: {e}")))
    }

    /// Runs `f` in a read transaction, so that it sees one snapshot.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        let value = f(&tx).map_err(|e| self.err(e))?;
        tx.finish().map_err(|e| self.err(e))?;
        Ok(value)
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            error: source,
        }
    }

    fn invalid(&self, reason: String) -> StoreError {
        StoreError::Invalid {
            path: self.path.clone(),
            reason,
        }
    }

    fn not_a_store(&self, reason: impl Into<String>) -> StoreError {
        StoreError::NotAStore {
            path: self.path.clone(),
            reason: reason.into(),
        }
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
        let hash = Store::content_hash(doc.text);
        let sp = self.tx.savepoint().map_err(|source| StoreError::Sqlite {
            path: self.path.clone(),
            error: source,
        })?;
        // On error the savepoint is rolled back when dropped: the batch goes on without it.
        let mut batch = self.outcome.batch;
        let result =
            add_document(&sp, doc, &hash, &mut batch).and_then(|added| sp.commit().map(|()| added));
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

/// Why a document (`id`, text hash `hash`) would not be added: its text is stored, or
/// its id is taken by another text. One check for [`Store::skip_reason`] and adding.
fn skip_reason(conn: &Connection, id: &str, hash: &str) -> rusqlite::Result<Option<SkipReason>> {
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

fn add_document(
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
    Ok(Added::Added)
}

/// Merges one node into the tables as [`Graph::merge`] merges it into a graph: counts
/// summed, sets united, label and country recomputed by `Graph::merge` itself, the rest kept.
fn add_node(tx: &Connection, node: &Node) -> rusqlite::Result<()> {
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
fn merge_nodes(mine: Node, other: &Node) -> Node {
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

fn add_edge(tx: &Connection, edge: &Edge) -> rusqlite::Result<()> {
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

fn read_graph(tx: &Connection, limits: Limits) -> rusqlite::Result<Graph> {
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
    Ok(graph)
}

/// Node types, modalities and mention labels are stored as the strings graph.json writes.
mod columns {
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

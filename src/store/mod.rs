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
use crate::pipeline::MentionRecord;

mod open;
mod read;
mod sink;
#[cfg(test)]
mod tests;
mod write;

pub use sink::StoreSink;
pub use write::Batch;

/// `PRAGMA application_id` of a newsgraph store ("NGst").
pub const APPLICATION_ID: i32 = 0x4e47_7374;
/// `PRAGMA user_version` of the schema this version writes and reads (2: evidence keeps
/// the path and parse of syntax rules; 3: each document's acronym definitions).
pub const SCHEMA_VERSION: i64 = 3;
/// How long a connection waits for another's write lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

const SCHEMA: &str = include_str!("schema.sql");

/// Why a store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: not a newsgraph store ({reason}); it was left as it is")]
    NotAStore { path: PathBuf, reason: String },
    #[error(
        "{path}: store schema version {found}; this newsgraph reads version {supported} only{}",
        older_version(*found, *supported)
    )]
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
    #[error("{path}: {}", sqlite_reason(error))]
    Sqlite {
        path: PathBuf,
        error: rusqlite::Error,
    },
}

/// What to do with a store an older newsgraph wrote: it lacks what this version keeps
/// (version 3: each document's acronym definitions), which only the inputs give again.
fn older_version(found: i64, supported: i64) -> &'static str {
    if found < supported {
        " (an older newsgraph wrote it, without what this version keeps, such as each \
         document's acronym definitions): build it again from the inputs into a new file"
    } else {
        ""
    }
}

/// SQLite's error in words a user can act on: a damaged file (text that is not UTF-8, a
/// malformed page) says so, and what to do, instead of a decoder's byte offsets.
fn sqlite_reason(error: &rusqlite::Error) -> String {
    const DAMAGED: &str = "the store is damaged (changed outside newsgraph, or a disk \
                           error): `sqlite3 FILE 'PRAGMA integrity_check'` shows where; \
                           restore it from a copy, or build it again from the inputs";
    match error {
        rusqlite::Error::Utf8Error(..) => {
            format!("{DAMAGED} (a stored text is not UTF-8)")
        }
        rusqlite::Error::FromSqlConversionFailure(_, ty, _) => {
            format!("{DAMAGED} (a stored value is not the {ty} it should be)")
        }
        rusqlite::Error::InvalidColumnType(_, name, ty) => {
            format!("{DAMAGED} (column {name} holds {ty})")
        }
        e if e.sqlite_error_code() == Some(ErrorCode::DatabaseCorrupt) => {
            format!("{DAMAGED} (SQLite: {e})")
        }
        e => e.to_string(),
    }
}

/// One document to add: its text (hashed to skip repeats), metadata, mentions and its own graph.
#[derive(Clone, Copy, Debug)]
pub struct StoredDocument<'a> {
    pub id: &'a str,
    pub text: &'a str,
    pub meta: &'a BTreeMap<String, String>,
    pub mentions: &'a [MentionRecord],
    /// This document's graph alone (see [`crate::pipeline::document_graph`]).
    pub graph: &'a Graph,
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
    /// Read-only, and the store had no -wal or -shm file when opened: SQLite makes them
    /// for a reader and leaves them, so closing removes them (see `Drop`).
    tidy: bool,
}

impl Drop for Store {
    fn drop(&mut self) {
        if !self.tidy {
            return;
        }
        // A read-only connection may not remove SQLite's side files; a read-write one
        // opened and closed after it does, when it is the last connection to the file
        // (SQLite decides, under its locks: a writer elsewhere keeps them). Where the
        // folder is read-only it fails, and nothing is lost.
        if let Ok(memory) = Connection::open_in_memory() {
            drop(std::mem::replace(&mut self.conn, memory));
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            if let Ok(conn) = Connection::open_with_flags(&self.path, flags) {
                // SQLite opens the file at the first statement, not before.
                let _ = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
            }
        }
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// The state of a database file before it is used as a store.
enum Found {
    Empty,
    Store,
}

impl Store {
    /// The store's file and the side files SQLite keeps beside it (-wal, -shm,
    /// -journal): none of them is ever input.
    pub fn files(path: &Path) -> Vec<PathBuf> {
        ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| {
                let mut name = path.as_os_str().to_owned();
                name.push(suffix);
                PathBuf::from(name)
            })
            .collect()
    }

    /// The file it was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key documents are skipped by: sha256 of the UTF-8 text, lowercase hex.
    pub fn content_hash(text: &str) -> String {
        crate::hash::sha256_hex(text.as_bytes())
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

//! Reading inputs (files, directories, JSONL, CSV, Reuters SGML, gzip, tar and zip archives)
//! into documents, one item at a time, with a reason for everything that is not a document.
//!
//! [`read`] is the streaming API: a lazy [`Reader`] that yields one [`Item`] per document,
//! skipped input or failure, in a deterministic order, holding at most one open file,
//! archive member or container record at a time. [`load`] collects the same items into a
//! [`Loaded`] for callers that want everything at once.
//!
//! Conventions (docs/ARCHITECTURE.md, "Input formats", says the same for users):
//! - ids: a file given on the command line is its stem; a file found in a directory is its
//!   path relative to that directory without the extension; an archive member is
//!   `<archive id>/<member path without extension>`; a JSONL line or CSV row is its `id`
//!   field, else `<file id>:<line>`; a Reuters article is `reuters-<NEWID>`. A repeated id
//!   gets `#2`, `#3`, ... in reading order.
//! - meta "source": the path as given (`dir/a.txt`), `archive.tar.gz!member/path` for an
//!   archive member, with `:LINE` appended for a record inside a container.

mod archive;
mod csv_rows;
mod decode;
mod format;
mod html;
mod jsonl;
mod lines;
mod repeats;
mod reuters;
mod walk;

use std::collections::BTreeMap;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use serde::Serialize;

use format::{Format, Inner};

/// One document: a stable id, its text, and metadata such as its source path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Document {
    pub id: String,
    pub text: String,
    pub meta: BTreeMap<String, String>,
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            text: text.into(),
            meta: BTreeMap::new(),
        }
    }
}

/// An input that could not become a document, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub source: String,
    pub reason: String,
}

/// One thing read from the inputs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Item {
    /// A document to process.
    Document(Document),
    /// Input that is deliberately not a document (empty, unsupported type, a link not
    /// followed, an article without a body), with the reason.
    Skipped(Failure),
    /// Input that should have been a document but could not be read, with the reason.
    Failed(Failure),
}

/// How container formats name their fields, and the largest document read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// JSONL field / CSV column holding the document id (default "id").
    pub id_field: String,
    /// JSONL field / CSV column holding the document text (default "text").
    pub text_field: String,
    /// JSONL field / CSV column stored as meta "date" (default "date").
    pub date_field: String,
    /// JSONL field / CSV column stored as meta "title" (default "title").
    pub title_field: String,
    /// Documents (and container records) larger than this many bytes are `Failed`
    /// without being read into memory (default 8 MiB).
    pub max_document_bytes: u64,
}

/// The default for [`ReadOptions::max_document_bytes`]: 8 MiB.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 8 * 1024 * 1024;

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            id_field: "id".into(),
            text_field: "text".into(),
            date_field: "date".into(),
            title_field: "title".into(),
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
        }
    }
}

/// Documents, skipped inputs and failures from a set of inputs, in a deterministic order.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub failures: Vec<Failure>,
    pub skipped: Vec<Failure>,
}

/// Reads every input with the default [`ReadOptions`] and collects the items.
/// Unreadable inputs are failures, not errors.
pub fn load(inputs: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded::default();
    for item in read(inputs, &ReadOptions::default()) {
        match item {
            Item::Document(d) => loaded.documents.push(d),
            Item::Failed(f) => loaded.failures.push(f),
            Item::Skipped(f) => loaded.skipped.push(f),
        }
    }
    loaded
}

/// Texts a library user holds in memory (the Python package's `extract`), made into
/// items under the same rules as files' texts: a text over
/// [`ReadOptions::max_document_bytes`] or binary fails, a blank one is skipped, and a
/// repeated id gets `#2`, `#3`, ... Each item's `source` is its meta `source` if it has
/// one, else its id.
#[derive(Default)]
pub struct TextItems {
    options: ReadOptions,
    seen: repeats::RepeatNumbers,
}

impl TextItems {
    pub fn new(options: &ReadOptions) -> Self {
        TextItems {
            options: options.clone(),
            seen: repeats::RepeatNumbers::default(),
        }
    }

    /// The item for one document's text, checked.
    pub fn item(&mut self, mut doc: Document) -> Item {
        let source = doc
            .meta
            .entry("source".into())
            .or_insert_with(|| doc.id.clone())
            .clone();
        let len = doc.text.len() as u64;
        let problem = if len > self.options.max_document_bytes {
            Some(decode::Problem::Failed(decode::too_big(
                Some(len),
                self.options.max_document_bytes,
            )))
        } else {
            decode::check_text(&doc.text).err()
        };
        match problem {
            Some(decode::Problem::Failed(reason)) => Item::Failed(Failure { source, reason }),
            Some(decode::Problem::Skipped(reason)) => Item::Skipped(Failure { source, reason }),
            None => {
                let n = self.seen.next(&doc.id);
                if n > 1 {
                    doc.id = format!("{}#{}", doc.id, n);
                }
                Item::Document(doc)
            }
        }
    }

    /// The item for an input that could not even become a text (the caller says why).
    pub fn failed(&mut self, source: impl Into<String>, reason: impl Into<String>) -> Item {
        Item::Failed(Failure {
            source: source.into(),
            reason: reason.into(),
        })
    }
}

/// A lazy iterator over the items of some inputs: nothing is opened before the first
/// call to `next`. Paths are walked in order (directories sorted by name, recursively;
/// archive members, lines, rows and articles in file order).
///
/// The reading runs on one helper thread that hands over one item at a time (a
/// rendezvous channel), so at most one document is held beyond the one the caller has.
/// Dropping the reader stops that thread at its next item.
pub fn read(inputs: &[PathBuf], options: &ReadOptions) -> Reader {
    Reader {
        state: State::Pending(inputs.to_vec(), options.clone()),
        bytes_read: Arc::new(AtomicU64::new(0)),
        skip: Vec::new(),
    }
}

/// The iterator returned by [`read`].
pub struct Reader {
    state: State,
    bytes_read: Arc<AtomicU64>,
    /// Folders left out of the walk.
    skip: Vec<PathBuf>,
}

impl Reader {
    /// Leaves the folder or file `dir` out wherever the walk meets it (a run's own output
    /// folder inside an input folder, its store and the store's side files): nothing in
    /// it is read or counted. It need not exist yet.
    pub fn skipping(mut self, dir: &Path) -> Self {
        self.skip.push(dir.to_path_buf());
        self
    }

    /// Bytes read so far from the input files (compressed bytes for compressed ones),
    /// updated as the reader goes: against [`total_bytes`], how far the reading is.
    pub fn bytes_read(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes_read)
    }
}

/// The bytes of the files [`read`] would read (by their sizes, nothing is opened): the
/// whole of which [`Reader::bytes_read`] counts, for a progress estimate.
pub fn total_bytes(inputs: &[PathBuf]) -> u64 {
    walk::total_bytes(inputs)
}

/// The files [`read`] reads, in its order and by its rule, leaving out the folders `skip`
/// (as [`Reader::skipping`] does), with their metadata: one walk rule for the reader, the
/// progress estimate ([`total_bytes`]) and a run's list of its input files.
pub fn files(inputs: &[PathBuf], skip: &[PathBuf]) -> Vec<(PathBuf, std::fs::Metadata)> {
    walk::files(inputs, skip)
}

/// The inputs with every file read once, as [`read`] takes them: an input that is the
/// same file or folder as an earlier one, or lies inside an input folder that reads it,
/// is left out. With a note for each one left out, for the user.
pub fn distinct(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    walk::distinct(inputs)
}

enum State {
    Pending(Vec<PathBuf>, ReadOptions),
    Running(Receiver<Item>, Option<JoinHandle<()>>),
    Done,
}

impl Iterator for Reader {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if let State::Pending(..) = self.state {
            let State::Pending(inputs, options) = std::mem::replace(&mut self.state, State::Done)
            else {
                unreachable!()
            };
            let (tx, rx) = sync_channel(0);
            let bytes_read = Arc::clone(&self.bytes_read);
            let skip = std::mem::take(&mut self.skip);
            let spawned = std::thread::Builder::new()
                .name("newsgraph-input".into())
                .spawn(move || {
                    let mut producer = Producer::new(&options, tx, bytes_read);
                    let _ = walk::inputs(&mut producer, &inputs, &skip);
                });
            match spawned {
                Ok(handle) => self.state = State::Running(rx, Some(handle)),
                Err(e) => {
                    return Some(Item::Failed(Failure {
                        source: "inputs".into(),
                        reason: format!("cannot start the input reader thread: {e}"),
                    }))
                }
            }
        }
        let State::Running(rx, handle) = &mut self.state else {
            return None;
        };
        if let Ok(item) = rx.recv() {
            return Some(item);
        }
        // The producer is finished; a panic there becomes one last failure.
        let panicked = handle.take().map(|h| h.join().is_err()).unwrap_or(false);
        self.state = State::Done;
        panicked.then(|| {
            Item::Failed(Failure {
                source: "inputs".into(),
                reason: "internal error: the input reader stopped unexpectedly".into(),
            })
        })
    }
}

/// The consumer went away: stop reading.
#[derive(Debug)]
pub(crate) struct Stop;

/// What emitting returns: `Err(Stop)` when nobody is listening any more.
pub(crate) type Flow<T = ()> = Result<T, Stop>;

/// Whether the stream a document came from was damaged (a read error, already reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Read,
    Damaged,
}

/// Where an input unit comes from: the id its documents are based on and the source
/// string used in meta and failures.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    pub id: String,
    pub source: String,
}

impl Origin {
    /// The origin of a record at `line` of a container.
    fn line(&self, line: u64) -> Origin {
        Origin {
            id: format!("{}:{line}", self.id),
            source: format!("{}:{line}", self.source),
        }
    }
}

/// Sends items to the reader, giving repeated ids their `#n` suffix.
pub(crate) struct Producer<'a> {
    options: &'a ReadOptions,
    tx: SyncSender<Item>,
    seen: repeats::RepeatNumbers,
    /// Bytes read from input files so far ([`Reader::bytes_read`]).
    bytes_read: Arc<AtomicU64>,
}

impl<'a> Producer<'a> {
    fn new(options: &'a ReadOptions, tx: SyncSender<Item>, bytes_read: Arc<AtomicU64>) -> Self {
        Self {
            options,
            tx,
            seen: repeats::RepeatNumbers::default(),
            bytes_read,
        }
    }

    fn emit(&mut self, mut item: Item) -> Flow {
        if let Item::Document(doc) = &mut item {
            let n = self.seen.next(&doc.id);
            if n > 1 {
                doc.id = format!("{}#{}", doc.id, n);
            }
        }
        self.tx.send(item).map_err(|_| Stop)
    }

    fn fail(&mut self, source: impl Into<String>, reason: impl Into<String>) -> Flow {
        self.emit(Item::Failed(Failure {
            source: source.into(),
            reason: reason.into(),
        }))
    }

    fn skip(&mut self, source: impl Into<String>, reason: impl Into<String>) -> Flow {
        self.emit(Item::Skipped(Failure {
            source: source.into(),
            reason: reason.into(),
        }))
    }

    /// Emits a document whose text passed [`decode::check_text`], else the problem.
    fn document(
        &mut self,
        origin: &Origin,
        id: String,
        text: String,
        mut meta: BTreeMap<String, String>,
    ) -> Flow {
        match decode::check_text(&text) {
            Err(problem) => self.problem(&origin.source, problem),
            Ok(()) => {
                meta.insert("source".into(), origin.source.clone());
                self.emit(Item::Document(Document { id, text, meta }))
            }
        }
    }

    fn problem(&mut self, source: &str, problem: decode::Problem) -> Flow {
        match problem {
            decode::Problem::Failed(reason) => self.fail(source, reason),
            decode::Problem::Skipped(reason) => self.skip(source, reason),
        }
    }

    /// Reads one unit (a file, an archive member or a decompressed stream) of a known
    /// format. `declared` is its size when known before reading (file metadata, archive
    /// header); it is checked against the limit before any byte of a document is read.
    fn stream(
        &mut self,
        origin: &Origin,
        format: Format,
        declared: Option<u64>,
        reader: &mut dyn Read,
    ) -> Flow<Outcome> {
        if format.gzip {
            let inner = Format {
                gzip: false,
                ..format
            };
            let mut gz = decode::GzipReader::new(reader);
            return self.stream(origin, inner, None, &mut gz);
        }
        let max = self.options.max_document_bytes;
        match format.inner {
            Inner::Plain | Inner::Html => {
                if let Some(size) = declared.filter(|&s| s > max) {
                    self.fail(&origin.source, decode::too_big(Some(size), max))?;
                    return Ok(Outcome::Read);
                }
                let bytes = match decode::read_bounded(reader, max) {
                    Ok(Some(bytes)) => bytes,
                    Ok(None) => {
                        self.fail(&origin.source, decode::too_big(None, max))?;
                        return Ok(Outcome::Read);
                    }
                    Err(e) => {
                        self.fail(&origin.source, format!("read error: {e}"))?;
                        return Ok(Outcome::Damaged);
                    }
                };
                let text = match decode::text_from_bytes(bytes) {
                    Ok(text) => text,
                    Err(problem) => {
                        self.problem(&origin.source, problem)?;
                        return Ok(Outcome::Read);
                    }
                };
                let mut meta = BTreeMap::new();
                let text = if format.inner == Inner::Html {
                    let page = html::extract(&text);
                    if let Some(title) = page.title.filter(|t| !t.is_empty()) {
                        meta.insert("title".into(), title);
                    }
                    page.text
                } else {
                    text
                };
                self.document(origin, origin.id.clone(), text, meta)?;
                Ok(Outcome::Read)
            }
            Inner::Jsonl => jsonl::read(self, origin, &mut BufReader::new(reader)),
            Inner::Csv => csv_rows::read(self, origin, reader),
            Inner::Sgml => reuters::read(self, origin, &mut BufReader::new(reader)),
            Inner::Tar => archive::tar(self, origin, reader),
            Inner::Zip => {
                self.skip(
                    &origin.source,
                    "zip archive inside another archive or gzip not read",
                )?;
                Ok(Outcome::Read)
            }
        }
    }
}

/// (kind, id or source, reason) of each item, for compact test assertions.
#[cfg(test)]
pub(crate) fn test_summary(items: &[Item]) -> Vec<(char, String, String)> {
    items
        .iter()
        .map(|i| match i {
            Item::Document(d) => ('D', d.id.clone(), d.meta["source"].clone()),
            Item::Skipped(f) => ('S', f.source.clone(), f.reason.clone()),
            Item::Failed(f) => ('F', f.source.clone(), f.reason.clone()),
        })
        .collect()
}

#[cfg(test)]
mod text_items_tests {
    use super::*;

    #[test]
    fn texts_are_checked_and_numbered_as_files_are() {
        let options = ReadOptions {
            max_document_bytes: 10,
            ..ReadOptions::default()
        };
        let mut texts = TextItems::new(&options);
        let mut items: Vec<Item> = [
            ("a", "Some text"),
            ("a", "More text"),
            ("b", "  \n"),
            ("c", "x\0y"),
            ("d", "far too long a text"),
        ]
        .into_iter()
        .map(|(id, text)| texts.item(Document::new(id, text)))
        .collect();
        items.push(texts.failed("e", "not valid Unicode"));
        assert_eq!(
            test_summary(&items),
            vec![
                ('D', "a".into(), "a".into()),
                ('D', "a#2".into(), "a".into()),
                ('S', "b".into(), "empty document".into()),
                ('F', "c".into(), "binary content (NUL bytes)".into()),
                ('F', "d".into(), decode::too_big(Some(19), 10)),
                ('F', "e".into(), "not valid Unicode".into()),
            ]
        );
    }
}

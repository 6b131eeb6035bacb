//! Reading inputs (.txt files and directories of them) into documents, with per-document errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

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

/// Documents and failures from a set of inputs, in a deterministic order.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub failures: Vec<Failure>,
}

/// Reads every input path: a .txt file, or a directory searched recursively
/// for .txt files (sorted by path). Unreadable files are failures, not errors.
pub fn load(inputs: &[PathBuf]) -> Loaded {
    let mut loaded = Loaded::default();
    for input in inputs {
        if input.is_dir() {
            let mut files = Vec::new();
            collect_txt(input, &mut files, &mut loaded.failures);
            files.sort();
            for file in files {
                let id = file
                    .strip_prefix(input)
                    .unwrap_or(&file)
                    .with_extension("")
                    .to_string_lossy()
                    .replace('\\', "/");
                read_one(&file, id, &mut loaded);
            }
        } else if input.is_file() {
            let id = input
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| input.display().to_string());
            read_one(input, id, &mut loaded);
        } else {
            loaded.failures.push(Failure {
                source: input.display().to_string(),
                reason: "no such file or directory".into(),
            });
        }
    }
    let mut seen = std::collections::HashMap::new();
    for doc in &mut loaded.documents {
        let n = seen.entry(doc.id.clone()).or_insert(0usize);
        *n += 1;
        if *n > 1 {
            doc.id = format!("{}#{}", doc.id, n);
        }
    }
    loaded
}

fn collect_txt(dir: &Path, out: &mut Vec<PathBuf>, failures: &mut Vec<Failure>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            failures.push(Failure {
                source: dir.display().to_string(),
                reason: format!("cannot list directory: {e}"),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_txt(&path, out, failures);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "txt") {
            out.push(path);
        }
    }
}

fn read_one(path: &Path, id: String, loaded: &mut Loaded) {
    let source = path.display().to_string();
    match std::fs::read(path) {
        Err(e) => loaded.failures.push(Failure {
            source,
            reason: format!("cannot read: {e}"),
        }),
        Ok(bytes) => match String::from_utf8(bytes) {
            Err(e) => loaded.failures.push(Failure {
                source,
                reason: format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            }),
            Ok(text) => {
                let mut doc = Document::new(id, text);
                doc.meta.insert("source".into(), source);
                loaded.documents.push(doc);
            }
        },
    }
}

/// One input item: a document, or why an input gave none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Document(Document),
    Skipped(Failure),
    Failed(Failure),
}

/// How inputs are read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub id_field: String,
    pub text_field: String,
    pub date_field: String,
    pub title_field: String,
    pub max_document_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            id_field: "id".into(),
            text_field: "text".into(),
            date_field: "date".into(),
            title_field: "title".into(),
            max_document_bytes: 8 << 20,
        }
    }
}

/// Temporary: every input as items (the streaming readers replace this).
pub fn read(inputs: &[PathBuf], _options: &ReadOptions) -> impl Iterator<Item = Item> + Send {
    let loaded = load(inputs);
    loaded
        .documents
        .into_iter()
        .map(Item::Document)
        .chain(loaded.failures.into_iter().map(Item::Failed))
}

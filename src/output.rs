//! The output folder of a run or merge: the names of its files, when a run may write into it, and how its files are written (whole or not at all) and read.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::graph::Graph;

use crate::fsio::sync_dir;
pub use crate::fsio::{read_json, temp_path, write_atomically, write_json, FsError};
pub use crate::names::*;

/// How a run takes its output folder ([`OutputDir::claim`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// A new run: the folder must be empty or missing.
    New,
    /// `--resume`: the folder holds the checkpoint to continue (or what a run left
    /// before its first checkpoint, which is removed).
    Resume,
    /// `--force`: an earlier run's files are removed first; other files are left alone.
    Replace,
}

/// Why an output file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot create {}", path.display())]
    Create {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot remove {}", path.display())]
    Remove {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{} is in use by another newsgraph run (it holds the lock {LOCK_FILE}): wait for \
         that run to end, or write into another folder",
        dir.display()
    )]
    InUse { dir: PathBuf },
    #[error(
        "{} holds an unfinished run (checkpoint.json): continue it with --resume, or start \
         again with --force (which deletes that run's files)",
        dir.display()
    )]
    Unfinished { dir: PathBuf },
    #[error(
        "{} holds a finished run{}: write into an empty or new folder, or replace that run \
         with --force",
        dir.display(),
        if *resume { ", so there is nothing to resume" } else { "" }
    )]
    Finished { dir: PathBuf, resume: bool },
    #[error(
        "{} is not empty (it holds {names}): write into an empty or new folder, or give \
         --force to replace the newsgraph files in it (other files are left alone)",
        dir.display()
    )]
    NotEmpty { dir: PathBuf, names: String },
    #[error(
        "{} is a file, not a folder: give -o a new or empty folder",
        path.display()
    )]
    NotAFolder { path: PathBuf },
    #[error("{}: not JSON", path.display())]
    NotJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{}: {error}", path.display())]
    NotAGraph {
        path: PathBuf,
        error: crate::graph::NodeLinkError,
    },
    #[error("{}: not a newsgraph summary", path.display())]
    NotASummary {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

impl From<FsError> for OutputError {
    fn from(e: FsError) -> Self {
        match e {
            FsError::Write { path, source } => OutputError::Write { path, source },
            FsError::Read { path, source } => OutputError::Read { path, source },
            FsError::NotJson { path, source } => OutputError::NotJson { path, source },
        }
    }
}

/// A graph.json read back: the graph, and its `graph` metadata object without the
/// fields [`Graph::write_node_link`] writes itself ([`crate::graph::OWN_GRAPH_KEYS`]).
#[derive(Debug)]
pub struct GraphFile {
    pub graph: Graph,
    pub meta: BTreeMap<String, Value>,
}

impl GraphFile {
    /// Reads a graph.json written by extract or merge.
    pub fn read(path: &Path) -> Result<Self, OutputError> {
        let value = read_json(path)?;
        let graph = Graph::from_node_link(&value).map_err(|error| OutputError::NotAGraph {
            path: path.to_path_buf(),
            error,
        })?;
        let mut meta: BTreeMap<String, Value> = value["graph"]
            .as_object()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect();
        for key in crate::graph::OWN_GRAPH_KEYS {
            meta.remove(key);
        }
        Ok(GraphFile { graph, meta })
    }
}

/// What run.json records: how the run went on this machine (timings, so not compared
/// between runs).
#[derive(Clone, Debug, Serialize)]
pub struct RunInfo {
    pub seconds: f64,
    pub threads: usize,
    pub documents_per_second: f64,
    pub model_tokens_per_second: f64,
    pub peak_rss_bytes: Option<u64>,
    pub resumed: bool,
    /// Documents this process processed: a resumed run's restored ones are not counted
    /// here (nor in `documents_per_second`).
    pub documents_processed: usize,
    pub newsgraph: &'static str,
}

/// An output folder: graph.json, summary.json, mentions.jsonl, problems.jsonl, run.json
/// (and checkpoint.json with its graph log while a run is unfinished).
#[derive(Clone, Debug)]
pub struct OutputDir {
    dir: PathBuf,
    /// Held from [`OutputDir::claim`] for as long as any copy lives.
    lock: Option<std::sync::Arc<Lock>>,
}

/// The lock on an output folder ([`LOCK_FILE`]): an exclusive `flock`, released when the
/// file closes, by the kernel if the process is killed.
#[derive(Debug)]
struct Lock {
    path: PathBuf,
    _file: fs::File,
    /// Created by this claim: removed when let go (a refused claim leaves the folder as
    /// it was). A finished run removes it in [`OutputDir::finish_run`]; one left by a
    /// killed run is taken over by the next and counts for nothing.
    remove: bool,
}

impl Lock {
    fn take(dir: &Path) -> Result<Lock, OutputError> {
        let path = dir.join(LOCK_FILE);
        let err = |source| OutputError::Write {
            path: path.clone(),
            source,
        };
        loop {
            let created = !path.exists();
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(err)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(OutputError::InUse {
                        dir: dir.to_path_buf(),
                    })
                }
                Err(fs::TryLockError::Error(e)) => return Err(err(e)),
            }
            // A refused claim removes the lock file it created: the file locked here
            // must still be the one at the path.
            if same_file(&file, &path) {
                return Ok(Lock {
                    path,
                    _file: file,
                    remove: created,
                });
            }
        }
    }
}

#[cfg(unix)]
fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &fs::File, path: &Path) -> bool {
    path.exists()
}

impl Drop for Lock {
    fn drop(&mut self) {
        self.release(false);
    }
}

impl Lock {
    /// Removes the lock file (one this claim created, or `always`) while it is still
    /// the one locked here.
    fn release(&self, always: bool) {
        if (self.remove || always) && same_file(&self._file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

impl OutputDir {
    /// A folder to read, or to write once [`OutputDir::create`]d.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        OutputDir {
            dir: dir.into(),
            lock: None,
        }
    }

    /// Creates the folder (and its parents) if missing.
    pub fn create(dir: impl Into<PathBuf>) -> Result<Self, OutputError> {
        let out = Self::new(dir);
        std::fs::create_dir_all(&out.dir).map_err(|source| OutputError::Create {
            path: out.dir.clone(),
            source,
        })?;
        Ok(out)
    }

    /// Takes `dir` for a run under the one rule for output folders: a run writes into a
    /// folder only when it is empty (or missing), when it holds the run's own checkpoint
    /// (`Claim::Resume`), or with `Claim::Replace`, which removes the earlier run's files
    /// first. Anything else is refused before anything in the folder is touched. Returns
    /// the folder, created, and whether there is a checkpoint to resume from.
    ///
    /// A resumed run's summary.json is removed at once, so that a folder with summary.json
    /// and without checkpoint.json always holds a finished run.
    ///
    /// The folder is locked first ([`LOCK_FILE`]) and stays locked while the returned
    /// folder (or a copy) lives: a second run into it is refused as long as this one runs.
    pub fn claim(dir: impl Into<PathBuf>, claim: Claim) -> Result<(Self, bool), OutputError> {
        let mut out = Self::new(dir);
        if out.dir.is_dir() {
            out.lock = Some(std::sync::Arc::new(Lock::take(&out.dir)?));
        }
        let entries = out.entries()?;
        let has = |name: &str| entries.iter().any(|e| e == name);
        let resume = match claim {
            Claim::Replace => {
                out.remove_run_files(&entries)?;
                false
            }
            _ if entries.is_empty() => false,
            Claim::Resume if has(CHECKPOINT_FILE) => {
                remove_if_there(&out.summary_path())?;
                true
            }
            // What a run left before its first checkpoint: nothing to continue from.
            Claim::Resume if !has(SUMMARY_FILE) && entries.iter().all(|e| is_run_file(e)) => {
                out.remove_run_files(&entries)?;
                false
            }
            _ if has(CHECKPOINT_FILE) => {
                return Err(OutputError::Unfinished { dir: out.dir });
            }
            _ if has(SUMMARY_FILE) => {
                return Err(OutputError::Finished {
                    dir: out.dir,
                    resume: claim == Claim::Resume,
                });
            }
            _ => {
                let mut names: Vec<&str> = entries.iter().take(4).map(String::as_str).collect();
                if entries.len() > 4 {
                    names.push("...");
                }
                return Err(OutputError::NotEmpty {
                    dir: out.dir,
                    names: names.join(", "),
                });
            }
        };
        fs::create_dir_all(&out.dir).map_err(|source| OutputError::Create {
            path: out.dir.clone(),
            source,
        })?;
        match out.lock.take() {
            // The folder was made here: locked now, and no one else's run is in it (a
            // run that made it at the same time is refused by the lock, or holds it).
            None => {
                let lock = Lock::take(&out.dir)?;
                if out
                    .entries()?
                    .iter()
                    .any(|e| e == CHECKPOINT_FILE || e == SUMMARY_FILE)
                {
                    return Err(OutputError::InUse { dir: out.dir });
                }
                out.lock = Some(std::sync::Arc::new(lock));
            }
            Some(lock) => out.lock = Some(lock),
        }
        Ok((out, resume))
    }

    /// The names in the folder, sorted; none when it does not exist.
    fn entries(&self) -> Result<Vec<String>, OutputError> {
        let read_err = |source| OutputError::Read {
            path: self.dir.clone(),
            source,
        };
        if fs::metadata(&self.dir).is_ok_and(|m| !m.is_dir()) {
            return Err(OutputError::NotAFolder {
                path: self.dir.clone(),
            });
        }
        let listing = match fs::read_dir(&self.dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            // A file on the way ("afile/out"): the folder cannot be made there.
            Err(source) if source.kind() == io::ErrorKind::NotADirectory => {
                return Err(OutputError::Create {
                    path: self.dir.clone(),
                    source,
                })
            }
            listing => listing.map_err(read_err)?,
        };
        let mut names = Vec::new();
        for entry in listing {
            let name = entry
                .map_err(read_err)?
                .file_name()
                .to_string_lossy()
                .into_owned();
            // The lock is no output: a folder with a lock alone is empty.
            if name != LOCK_FILE {
                names.push(name);
            }
        }
        names.sort();
        Ok(names)
    }

    /// Removes a run's files among `entries`: summary.json first, so that the folder no
    /// longer looks finished, then checkpoint.json, then the rest.
    fn remove_run_files(&self, entries: &[String]) -> Result<(), OutputError> {
        let mut ours: Vec<&String> = entries.iter().filter(|e| is_run_file(e)).collect();
        ours.sort_by_key(|e| (e.as_str() != SUMMARY_FILE, e.as_str() != CHECKPOINT_FILE));
        for name in ours {
            let path = self.file(name);
            if path.is_dir() {
                // neo4j/: its files, then the folder if nothing else is in it.
                let listing = fs::read_dir(&path).map_err(|source| OutputError::Read {
                    path: path.clone(),
                    source,
                })?;
                for entry in listing.flatten() {
                    let inner = format!("{name}/{}", entry.file_name().to_string_lossy());
                    if is_run_file(&inner) {
                        remove_if_there(&entry.path())?;
                    }
                }
                let _ = fs::remove_dir(&path);
            } else {
                remove_if_there(&path)?;
            }
        }
        Ok(())
    }

    /// The run's final files are in place: removes checkpoint.json, then what only a
    /// resume needed (the graph log, the input list). Called last, so that a failure
    /// while writing the final files leaves a run that `--resume` finishes.
    pub fn finish_run(&self) -> Result<(), OutputError> {
        for name in [CHECKPOINT_FILE, GRAPH_LOG_FILE, INPUTS_LIST_FILE] {
            remove_if_there(&self.file(name))?;
        }
        // The run leaves no lock behind (it holds it until it ends all the same).
        if let Some(lock) = &self.lock {
            lock.release(true);
        }
        sync_dir(&self.dir).map_err(|source| OutputError::Write {
            path: self.dir.clone(),
            source,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// A file of the folder, by name.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn graph_path(&self) -> PathBuf {
        self.file(GRAPH_FILE)
    }

    pub fn summary_path(&self) -> PathBuf {
        self.file(SUMMARY_FILE)
    }

    pub fn mentions_path(&self) -> PathBuf {
        self.file(MENTIONS_FILE)
    }

    pub fn problems_path(&self) -> PathBuf {
        self.file(PROBLEMS_FILE)
    }

    pub fn checkpoint_path(&self) -> PathBuf {
        self.file(CHECKPOINT_FILE)
    }

    /// Whether an unfinished run left its checkpoint here.
    pub fn has_checkpoint(&self) -> bool {
        self.checkpoint_path().exists()
    }

    /// Writes graph.json with `meta` in its `graph` object (whole or not at all); returns
    /// its path.
    pub fn write_graph(
        &self,
        graph: &Graph,
        meta: &BTreeMap<String, Value>,
    ) -> Result<PathBuf, OutputError> {
        let path = self.graph_path();
        write_atomically(&path, |out| graph.write_node_link(meta, out))?;
        Ok(path)
    }

    pub fn read_graph(&self) -> Result<GraphFile, OutputError> {
        GraphFile::read(&self.graph_path())
    }

    /// Writes summary.json: the summary and the graph's size. Written last, it marks the
    /// folder's run finished (with checkpoint.json gone).
    /// `summary` is the run's `Summary::to_json` (the summary with the graph's size).
    pub fn write_summary(&self, summary: &Value) -> Result<(), OutputError> {
        Ok(write_json(&self.summary_path(), summary)?)
    }

    /// Reads summary.json back as `T` (the run's `Summary`).
    pub fn read_summary<T: serde::de::DeserializeOwned>(&self) -> Result<T, OutputError> {
        let path = self.summary_path();
        serde_json::from_value(read_json(&path)?)
            .map_err(|source| OutputError::NotASummary { path, source })
    }

    pub fn write_run_info(&self, info: &RunInfo) -> Result<(), OutputError> {
        let value = serde_json::to_value(info).expect("run info serialises");
        Ok(write_json(&self.file(RUN_FILE), &value)?)
    }
}

fn remove_if_there(path: &Path) -> Result<(), OutputError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(OutputError::Remove {
            path: path.to_path_buf(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Whether `name` (relative to an output folder) is a file newsgraph writes there, or
/// one of them being written.
fn is_run_file(name: &str) -> bool {
    crate::names::is_newsgraph_file(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_graph_and_its_metadata_read_back_as_written() {
        let tmp = tempfile::tempdir().unwrap();
        let out = OutputDir::create(tmp.path().join("out")).unwrap();
        let mut graph = Graph::default();
        graph.add_node(crate::graph::Node::claim(
            "claim:d:1".into(),
            "3".into(),
            "d",
            3.0,
            None,
            None,
            None,
        ));
        let meta = BTreeMap::from([("model".to_string(), Value::from("m"))]);
        out.write_graph(&graph, &meta).unwrap();
        let read = out.read_graph().unwrap();
        assert_eq!(read.meta, meta);
        assert_eq!(read.graph.nodes, graph.nodes);
        let err = GraphFile::read(&out.summary_path()).unwrap_err();
        assert!(matches!(err, OutputError::Read { .. }), "{err}");
    }

    #[test]
    fn a_folder_is_claimed_empty_with_its_checkpoint_or_by_force_and_refused_untouched_else() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        let (out, resume) = OutputDir::claim(&dir, Claim::New).unwrap();
        assert!(!resume && out.path().is_dir());
        // Held while the claimed folder lives: even --force waits for it.
        let err = OutputDir::claim(&dir, Claim::Replace).unwrap_err();
        assert!(matches!(err, OutputError::InUse { .. }), "{err}");
        drop(out);
        assert!(!dir.join(LOCK_FILE).exists(), "the lock goes with the run");
        for name in [
            MENTIONS_FILE,
            GRAPH_FILE,
            SUMMARY_FILE,
            "graph.gexf.tmp",
            "notes.txt",
        ] {
            fs::write(dir.join(name), name).unwrap();
        }
        let err = OutputDir::claim(&dir, Claim::New).unwrap_err();
        assert!(
            matches!(err, OutputError::Finished { resume: false, .. }),
            "{err}"
        );
        let err = OutputDir::claim(&dir, Claim::Resume).unwrap_err();
        assert!(
            matches!(err, OutputError::Finished { resume: true, .. }),
            "{err}"
        );
        fs::write(dir.join(CHECKPOINT_FILE), "{}").unwrap();
        let err = OutputDir::claim(&dir, Claim::New).unwrap_err();
        assert!(matches!(err, OutputError::Unfinished { .. }), "{err}");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            6,
            "refusals touch nothing"
        );
        // A resume may continue the checkpoint; the summary no longer says finished.
        let (_, resume) = OutputDir::claim(&dir, Claim::Resume).unwrap();
        assert!(resume && !dir.join(SUMMARY_FILE).exists());
        OutputDir::claim(&dir, Claim::Replace).unwrap();
        let left: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            left,
            ["notes.txt"],
            "--force removes a run's files, and only those"
        );
        let err = OutputDir::claim(&dir, Claim::New).unwrap_err();
        assert!(matches!(err, OutputError::NotEmpty { .. }), "{err}");
    }
}

//! checkpoint.json: what an interrupted run needs to continue, written atomically after the outputs it counts are durable.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Summary;

/// Version 3: the graph lives in the graph log, not in the checkpoint. Version 4: the
/// input files' list beside it (checkpoint-inputs.jsonl) is checked on resume. Version 5:
/// the input fingerprint chains each text's hash, not the text.
pub const CHECKPOINT_VERSION: u32 = 5;

/// Everything needed to continue an interrupted run. Small: the outputs (and the
/// graph's log) are on disk already; the checkpoint records their lengths and the
/// sinks' other state.
#[derive(Debug, Serialize, Deserialize)]
pub struct Checkpoint {
    pub version: u32,
    pub fingerprint: String,
    /// Input items consumed (all shards'), whose effects are all in the outputs.
    pub items_done: usize,
    pub summary: Summary,
    /// Each sink's state ([`super::BatchSink::checkpoint`]), by its name.
    #[serde(default)]
    pub sinks: BTreeMap<String, Value>,
    /// The input fingerprint's chain state after `items_done` items.
    #[serde(default)]
    pub input_fingerprint: String,
}

/// Why a checkpoint could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is damaged; delete it to start again", path.display())]
    Damaged { path: PathBuf },
    #[error(
        "{} belongs to another run (other inputs, shard or settings):\n{}\n\
         Start again with --force instead of --resume (or write into another folder).",
        path.display(),
        differences(theirs, ours)
    )]
    OtherRun {
        path: PathBuf,
        theirs: String,
        ours: String,
    },
    #[error(
        "{} was written by another version of newsgraph (checkpoint format {found}; this one \
         reads {CHECKPOINT_VERSION}): finish that run with that version, or start again with \
         --force",
        path.display()
    )]
    OtherVersion { path: PathBuf, found: u32 },
    #[error(
        "{file} changed since the run began ({what}): resuming would mix what it held then \
         with what it holds now. Put the old file back and resume, or start again with --force"
    )]
    InputChanged { file: String, what: String },
    #[error(
        "the input the run had read before its checkpoint is not what it reads now (contents \
         changed although no file's size or time did): put the old files back and resume, \
         or start again with --force"
    )]
    InputContentsChanged,
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The settings two run fingerprints differ in, a line each: "  NAME: it VALUE, now
/// VALUE" (a fingerprint is a JSON object; its "options" object's settings count one by
/// one). Fingerprints that are not such objects (an older newsgraph's) are shown whole.
fn differences(theirs: &str, ours: &str) -> String {
    let settings = |s: &str| -> Option<BTreeMap<String, String>> {
        let Ok(Value::Object(top)) = serde_json::from_str::<Value>(s) else {
            return None;
        };
        let mut out = BTreeMap::new();
        for (k, v) in top {
            match v {
                Value::Object(options) if k == "options" => {
                    out.extend(options.into_iter().map(|(k, v)| (k, v.to_string())));
                }
                v => {
                    out.insert(k, v.to_string());
                }
            }
        }
        Some(out)
    };
    match (settings(theirs), settings(ours)) {
        (Some(a), Some(b)) if a != b => {
            let none = || "(none)".to_string();
            let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            names
                .into_iter()
                .filter(|k| a.get(*k) != b.get(*k))
                .map(|k| {
                    let it = a.get(k).cloned().unwrap_or_else(none);
                    let now = b.get(k).cloned().unwrap_or_else(none);
                    format!("  {k}: it {it}, now {now}")
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        _ => format!("  it: {theirs}\n  now: {ours}"),
    }
}

impl Checkpoint {
    /// Reads the checkpoint at `path`, refusing one of another run (`fingerprint`).
    pub fn read(path: &Path, fingerprint: &str) -> Result<Checkpoint, CheckpointError> {
        let text = std::fs::read_to_string(path).map_err(|source| CheckpointError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let c: Checkpoint = serde_json::from_str(&text).map_err(|_| CheckpointError::Damaged {
            path: path.to_path_buf(),
        })?;
        if c.version != CHECKPOINT_VERSION {
            return Err(CheckpointError::OtherVersion {
                path: path.to_path_buf(),
                found: c.version,
            });
        }
        if c.fingerprint != fingerprint {
            return Err(CheckpointError::OtherRun {
                path: path.to_path_buf(),
                theirs: c.fingerprint,
                ours: fingerprint.to_string(),
            });
        }
        Ok(c)
    }

    /// Writes it atomically: a temporary file, synced, renamed over `path`.
    pub fn write(&self, path: &Path) -> Result<(), CheckpointError> {
        crate::fsio::write_atomically(path, |w| {
            serde_json::to_writer(w, self).map_err(std::io::Error::from)
        })
        .map_err(|e| match e {
            crate::fsio::FsError::Write { source, .. } => CheckpointError::Write {
                path: path.to_path_buf(),
                source,
            },
            other => CheckpointError::Write {
                path: path.to_path_buf(),
                source: std::io::Error::other(other.to_string()),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_reads_back_and_another_runs_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("checkpoint.json");
        let c = Checkpoint {
            version: CHECKPOINT_VERSION,
            fingerprint: "this".into(),
            items_done: 7,
            summary: Summary::default(),
            sinks: BTreeMap::from([("graph".to_string(), Value::from(12))]),
            input_fingerprint: String::new(),
        };
        c.write(&path).unwrap();
        let back = Checkpoint::read(&path, "this").unwrap();
        assert_eq!(back.items_done, 7);
        assert_eq!(back.sinks["graph"], 12);
        let err = Checkpoint::read(&path, "that").unwrap_err();
        assert!(matches!(err, CheckpointError::OtherRun { .. }), "{err}");
        std::fs::write(&path, "{").unwrap();
        let err = Checkpoint::read(&path, "this").unwrap_err();
        assert!(matches!(err, CheckpointError::Damaged { .. }), "{err}");
    }

    /// Issue 27, item 13: a refused resume showed both fingerprints whole, with the
    /// settings hashed into one value, so both sides read the same. Now it names only
    /// the settings that differ, with both values.
    #[test]
    fn a_refused_resume_names_the_settings_that_differ() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("checkpoint.json");
        let then = r#"{"inputs":["/in"],"shard":null,"options":{"relations":["both",""],"decoding":["First","1","None"],"model":["aa"]},"store":null}"#;
        let now = r#"{"inputs":["/in"],"shard":null,"options":{"relations":["both","0.5"],"decoding":["First","1","None"],"model":["aa"]},"store":"/s.db"}"#;
        Checkpoint {
            version: CHECKPOINT_VERSION,
            fingerprint: then.into(),
            items_done: 1,
            summary: Summary::default(),
            sinks: BTreeMap::new(),
            input_fingerprint: String::new(),
        }
        .write(&path)
        .unwrap();
        let err = Checkpoint::read(&path, now).unwrap_err().to_string();
        let lines: Vec<&str> = err.lines().skip(1).collect();
        assert_eq!(
            lines,
            [
                r#"  relations: it ["both",""], now ["both","0.5"]"#,
                r#"  store: it null, now "/s.db""#,
                "Start again with --force instead of --resume (or write into another folder).",
            ],
            "{err}"
        );
    }
}

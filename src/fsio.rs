//! File I/O on the ground floor: files written whole or not at all, and JSON read and
//! written the one way newsgraph does it, with an error of their own that names the file.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::names::TEMP_SUFFIX;

/// Why a file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: not JSON", path.display())]
    NotJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> Result<Value, FsError> {
    let text = fs::read_to_string(path).map_err(|source| FsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| FsError::NotJson {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes pretty JSON and a final newline, as every JSON output of newsgraph is written
/// (whole or not at all).
pub fn write_json(path: &Path, value: &Value) -> Result<(), FsError> {
    write_atomically(path, |out| {
        serde_json::to_writer_pretty(&mut *out, value)?;
        out.write_all(b"\n")
    })
}

/// Writes `path` whole or not at all: `write` fills a temporary file beside it (the name
/// and [`TEMP_SUFFIX`]), which is synced and renamed over `path`. On failure the
/// temporary file is removed, `path` is left as it was, and the error names `path`.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), FsError> {
    let tmp = temp_path(path);
    let written = (|| {
        let mut out = BufWriter::new(File::create(&tmp)?);
        write(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        sync_dir(path.parent().unwrap_or(Path::new(".")))
    })();
    written.map_err(|source| {
        let _ = fs::remove_file(&tmp);
        FsError::Write {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// Where [`write_atomically`] writes `path` before renaming it.
pub fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(TEMP_SUFFIX);
    path.with_file_name(name)
}

/// Makes a rename or removal in `dir` durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_names_the_file_and_leaves_the_old_one_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("graph.json");
        fs::write(&path, "old").unwrap();
        let err = write_atomically(&path, |w| {
            w.write_all(b"half of a new gr")?;
            Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"))
        })
        .unwrap_err();
        assert!(
            matches!(&err, FsError::Write { path: p, .. } if *p == path),
            "{err}"
        );
        assert!(err.to_string().contains("graph.json"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert!(!temp_path(&path).exists());
        write_atomically(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
    }

    #[test]
    fn json_reads_back_as_written_and_a_missing_file_is_a_read_error() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("x.json");
        let value = serde_json::json!({"a": [1, 2], "b": "c"});
        write_json(&path, &value).unwrap();
        assert!(fs::read_to_string(&path).unwrap().ends_with("}\n"));
        assert_eq!(read_json(&path).unwrap(), value);
        let err = read_json(&tmp.path().join("none.json")).unwrap_err();
        assert!(matches!(err, FsError::Read { .. }), "{err}");
    }
}

//! The input files' sizes and modification times, listed beside a run's checkpoint (checkpoint-inputs.jsonl) so that `--resume` refuses inputs changed since the run began.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::CheckpointError;

/// One input file as it was: its path, size and modification time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    pub bytes: u64,
    /// Seconds and nanoseconds since the Unix epoch (0 where the system keeps none).
    pub modified: (u64, u32),
}

impl InputFile {
    fn of(path: &Path, meta: &fs::Metadata) -> Self {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()));
        InputFile {
            path: path.display().to_string(),
            bytes: meta.len(),
            modified,
        }
    }
}

/// The files the reader reads under `inputs` ([`crate::input::files`]: the same walk and
/// rule), leaving out `skip` (the run's own output folder, which changes as the run
/// goes, and the store with its side files).
pub fn scan(inputs: &[PathBuf], skip: &[PathBuf]) -> Vec<InputFile> {
    crate::input::files(inputs, skip)
        .iter()
        .map(|(path, meta)| InputFile::of(path, meta))
        .collect()
}

/// Writes the list, one JSON line per file, whole or not at all.
pub fn write(path: &Path, files: &[InputFile]) -> Result<(), CheckpointError> {
    crate::fsio::write_atomically(path, |w| {
        for f in files {
            serde_json::to_writer(&mut *w, f)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
    .map_err(|e| CheckpointError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })
}

/// Reads a list [`write`] wrote.
pub fn read(path: &Path) -> Result<Vec<InputFile>, CheckpointError> {
    let file = fs::File::open(path).map_err(|source| CheckpointError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    for line in BufReader::new(file).lines() {
        let line = line.map_err(|source| CheckpointError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        files.push(
            serde_json::from_str(&line).map_err(|_| CheckpointError::Damaged {
                path: path.to_path_buf(),
            })?,
        );
    }
    Ok(files)
}

/// The first file (in walk order) that differs between the list `then` and `now`.
pub fn compare(then: &[InputFile], now: &[InputFile]) -> Result<(), CheckpointError> {
    let before: BTreeMap<&str, &InputFile> = then.iter().map(|f| (f.path.as_str(), f)).collect();
    let changed = |file: &str, what: String| CheckpointError::InputChanged {
        file: file.to_string(),
        what,
    };
    for f in now {
        match before.get(f.path.as_str()) {
            None => return Err(changed(&f.path, "it is new".into())),
            Some(old) if old.bytes != f.bytes => {
                return Err(changed(
                    &f.path,
                    format!("{} bytes then, {} now", old.bytes, f.bytes),
                ))
            }
            Some(old) if old.modified != f.modified => {
                return Err(changed(&f.path, "modified since".into()))
            }
            Some(_) => {}
        }
    }
    let now: std::collections::BTreeSet<&str> = now.iter().map(|f| f.path.as_str()).collect();
    match then.iter().find(|f| !now.contains(f.path.as_str())) {
        Some(gone) => Err(changed(&gone.path, "it is gone".into())),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_new_or_gone_file_is_named_and_the_output_folder_left_out() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        fs::create_dir_all(input.join("out")).unwrap();
        fs::write(input.join("a.txt"), "one").unwrap();
        fs::write(input.join("b.txt"), "two").unwrap();
        fs::write(input.join("out/mentions.jsonl"), "x").unwrap();
        let skip = [input.join("out")];
        let then = scan(std::slice::from_ref(&input), &skip);
        assert_eq!(then.len(), 2, "{then:?}");
        let list = tmp.path().join("list.jsonl");
        write(&list, &then).unwrap();
        assert_eq!(read(&list).unwrap(), then);
        fs::write(input.join("out/mentions.jsonl"), "longer").unwrap();
        compare(&then, &scan(std::slice::from_ref(&input), &skip)).unwrap();

        fs::write(input.join("b.txt"), "three").unwrap();
        let err = compare(&then, &scan(std::slice::from_ref(&input), &skip)).unwrap_err();
        assert!(err.to_string().contains("b.txt changed"), "{err}");
        fs::remove_file(input.join("b.txt")).unwrap();
        let err = compare(&then, &scan(std::slice::from_ref(&input), &skip)).unwrap_err();
        assert!(err.to_string().contains("it is gone"), "{err}");
        fs::write(input.join("c.txt"), "new").unwrap();
        let err = compare(&then, &scan(std::slice::from_ref(&input), &skip)).unwrap_err();
        assert!(err.to_string().contains("c.txt changed"), "{err}");
    }
}

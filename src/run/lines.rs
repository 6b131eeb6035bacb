//! The run's line files as sinks: mentions.jsonl (one line per processed document) and problems.jsonl (one per skip or failure).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::PathBuf;

use serde_json::{json, Value};

use super::sink::{Batch, BatchSink, SinkError};

/// Which lines a [`LinesFile`] takes from each batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// `{"doc": id, "mentions": [...]}` per processed document.
    Mentions,
    /// Every problem, as [`super::Problem`] serialises.
    Problems,
}

/// An append-only JSON-lines file whose length is its checkpoint state: a resumed
/// run cuts it back to that length, so that it only ever holds whole batches.
pub struct LinesFile {
    lines: Lines,
    path: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl LinesFile {
    pub fn new(lines: Lines, path: PathBuf) -> Self {
        LinesFile {
            lines,
            path,
            writer: None,
        }
    }

    fn write_err(&self) -> impl Fn(std::io::Error) -> SinkError + '_ {
        |source| SinkError::Write {
            path: self.path.clone(),
            source,
        }
    }

    /// Flushes and syncs; returns the file's length.
    fn sync(&mut self) -> Result<u64, SinkError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(0);
        };
        let synced = (|| {
            writer.flush()?;
            let file = writer.get_mut();
            file.sync_data()?;
            file.stream_position()
        })();
        synced.map_err(self.write_err())
    }
}

impl BatchSink for LinesFile {
    fn name(&self) -> &'static str {
        match self.lines {
            Lines::Mentions => crate::output::MENTIONS_FILE,
            Lines::Problems => crate::output::PROBLEMS_FILE,
        }
    }

    fn open(&mut self, resume: Option<&Value>) -> Result<(), SinkError> {
        let file = match resume {
            Some(state) => {
                let len = state.as_u64().ok_or_else(|| {
                    SinkError::Resume(format!(
                        "the checkpoint does not say how long {} was; start again without --resume",
                        self.path.display()
                    ))
                })?;
                let reopen = |source| SinkError::Reopen {
                    path: self.path.clone(),
                    source,
                };
                let mut f = OpenOptions::new()
                    .write(true)
                    .open(&self.path)
                    .map_err(reopen)?;
                if f.metadata().map_err(reopen)?.len() < len {
                    return Err(SinkError::Shortened {
                        path: self.path.clone(),
                        len,
                    });
                }
                // Lines written after the checkpoint are written again.
                f.set_len(len).map_err(reopen)?;
                f.seek(SeekFrom::End(0)).map_err(reopen)?;
                f
            }
            None => File::create(&self.path).map_err(self.write_err())?,
        };
        self.writer = Some(BufWriter::new(file));
        Ok(())
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        let writer = self.writer.as_mut().expect("opened before the first batch");
        let written = match self.lines {
            Lines::Mentions => batch.results.iter().try_for_each(|r| {
                write_line(writer, &json!({"doc": r.id, "mentions": r.mentions}))
            }),
            Lines::Problems => batch
                .problems
                .iter()
                .try_for_each(|p| write_line(writer, p)),
        };
        written.map_err(|source| SinkError::Write {
            path: self.path.clone(),
            source,
        })
    }

    fn checkpoint(&mut self) -> Result<Value, SinkError> {
        Ok(Value::from(self.sync()?))
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        self.sync().map(|_| ())
    }
}

fn write_line(writer: &mut BufWriter<File>, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *writer, value)?;
    writer.write_all(b"\n")
}

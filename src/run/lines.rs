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
/// run cuts it back to that length, so that it only ever holds whole batches. The cut
/// waits for the first write, so that a resume refused by another sink leaves the file
/// as it was.
pub struct LinesFile {
    lines: Lines,
    path: PathBuf,
    writer: Option<BufWriter<File>>,
    /// The length to cut the file back to before it is written.
    cut_to: Option<u64>,
}

impl LinesFile {
    pub fn new(lines: Lines, path: PathBuf) -> Self {
        LinesFile {
            lines,
            path,
            writer: None,
            cut_to: None,
        }
    }

    /// The writer, once the file is cut back to its checkpoint's length.
    fn writer(&mut self) -> Result<&mut BufWriter<File>, SinkError> {
        let writer = self.writer.as_mut().expect("opened before the first batch");
        if let Some(len) = self.cut_to.take() {
            // Lines written after the checkpoint are written again.
            let file = writer.get_mut();
            let cut = file
                .set_len(len)
                .and_then(|()| file.seek(SeekFrom::End(0)).map(|_| ()));
            cut.map_err(|source| SinkError::Reopen {
                path: self.path.clone(),
                source,
            })?;
        }
        Ok(writer)
    }

    fn write_err(&self) -> impl Fn(std::io::Error) -> SinkError + '_ {
        |source| SinkError::Write {
            path: self.path.clone(),
            source,
        }
    }

    /// Flushes and syncs; returns the file's length.
    fn sync(&mut self) -> Result<u64, SinkError> {
        if self.writer.is_none() {
            return Ok(0);
        }
        let path = self.path.clone();
        let writer = self.writer()?;
        let synced = (|| {
            writer.flush()?;
            let file = writer.get_mut();
            file.sync_data()?;
            file.stream_position()
        })();
        synced.map_err(|source| SinkError::Write { path, source })
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
                let f = OpenOptions::new()
                    .write(true)
                    .open(&self.path)
                    .map_err(reopen)?;
                if f.metadata().map_err(reopen)?.len() < len {
                    return Err(SinkError::Shortened {
                        path: self.path.clone(),
                        len,
                    });
                }
                self.cut_to = Some(len);
                f
            }
            None => File::create(&self.path).map_err(self.write_err())?,
        };
        self.writer = Some(BufWriter::new(file));
        Ok(())
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        let lines = self.lines;
        let writer = self.writer()?;
        let written = match lines {
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

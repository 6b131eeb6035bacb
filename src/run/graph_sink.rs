//! The graph builder as a sink: adds each batch to the run's graph and appends the batch's own graph to a log, which is what a checkpoint's graph is rebuilt from.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use serde_json::Value;

use super::sink::{Batch, BatchSink, SinkError};
use crate::graph::{Graph, Limits};
use crate::pipeline;

/// The run's graph. Each batch's graph is appended to the log as one node-link line,
/// so a checkpoint only syncs the log and records its length instead of writing the
/// whole graph each time; a resumed run merges the logged lines back (merging is
/// order-free, so the graph is the one an uninterrupted run builds).
pub struct GraphSink {
    graph: Graph,
    limits: Limits,
    log_path: PathBuf,
    log: Option<BufWriter<File>>,
}

impl GraphSink {
    pub fn new(log_path: PathBuf) -> Self {
        GraphSink {
            graph: Graph::default(),
            limits: Limits::DEFAULT,
            log_path,
            log: None,
        }
    }

    /// Keeps at most `limits` of provenance per node and edge (before the run opens it).
    pub fn set_limits(&mut self, limits: Limits) {
        self.limits = limits;
        self.graph = Graph::with_limits(limits);
    }

    /// The graph so far (the whole graph once the run is complete).
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub fn into_graph(self) -> Graph {
        self.graph
    }

    fn damaged(&self, what: impl std::fmt::Display) -> SinkError {
        SinkError::Resume(format!(
            "{} is damaged ({what}); delete checkpoint.json to start again",
            self.log_path.display()
        ))
    }

    /// Reads the first `len` bytes of the log back into the graph.
    fn replay(&mut self, len: u64) -> Result<File, SinkError> {
        let reopen = |source| SinkError::Reopen {
            path: self.log_path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.log_path)
            .map_err(reopen)?;
        if file.metadata().map_err(reopen)?.len() < len {
            return Err(SinkError::Shortened {
                path: self.log_path.clone(),
                len,
            });
        }
        let mut lines = BufReader::new((&mut file).take(len));
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).map_err(reopen)? == 0 {
                break;
            }
            let value: Value = serde_json::from_str(&line).map_err(|e| self.damaged(e))?;
            let batch = Graph::from_node_link(&value).map_err(|e| self.damaged(e))?;
            self.graph.merge(batch);
        }
        // Batches logged after the checkpoint are logged again.
        file.set_len(len).map_err(reopen)?;
        file.seek(SeekFrom::End(0)).map_err(reopen)?;
        Ok(file)
    }
}

impl BatchSink for GraphSink {
    fn name(&self) -> &'static str {
        "graph"
    }

    fn open(&mut self, resume: Option<&Value>) -> Result<(), SinkError> {
        let file = match resume {
            Some(state) => {
                let len = state
                    .as_u64()
                    .ok_or_else(|| self.damaged("the checkpoint gives no length"))?;
                self.replay(len)?
            }
            None => File::create(&self.log_path).map_err(|source| SinkError::Write {
                path: self.log_path.clone(),
                source,
            })?,
        };
        self.log = Some(BufWriter::new(file));
        Ok(())
    }

    fn batch(&mut self, batch: &Batch) -> Result<(), SinkError> {
        // The batch's graph, built once: from the documents' graphs where another sink
        // (the store) had them built, else straight from the results (the same graph, as
        // merging is order-free). Logged, then merged into the whole, as a resumed run's
        // replay of the log relies on.
        let mut own = Graph::with_limits(self.limits);
        match batch.built_graphs() {
            Some(graphs) => graphs.iter().for_each(|g| own.merge_from(g)),
            None => pipeline::add_to_graph(&mut own, batch.results),
        }
        let log = self.log.as_mut().expect("opened before the first batch");
        let written = serde_json::to_writer(&mut *log, &own.to_node_link(&Default::default()))
            .map_err(std::io::Error::from)
            .and_then(|()| log.write_all(b"\n"));
        written.map_err(|source| SinkError::Write {
            path: self.log_path.clone(),
            source,
        })?;
        self.graph.merge(own);
        Ok(())
    }

    fn checkpoint(&mut self) -> Result<Value, SinkError> {
        let log = self.log.as_mut().expect("opened before the first batch");
        let synced = (|| {
            log.flush()?;
            let file = log.get_mut();
            file.sync_data()?;
            file.stream_position()
        })();
        synced.map(Value::from).map_err(|source| SinkError::Write {
            path: self.log_path.clone(),
            source,
        })
    }

    fn finish(&mut self) -> Result<(), SinkError> {
        // The log only serves a resume; it stays until the final files are written and
        // `OutputDir::finish_run` removes it after the checkpoint.
        self.log = None;
        Ok(())
    }
}

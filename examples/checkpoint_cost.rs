//! What one checkpoint costs at the size of a given graph (say the graph.json of all of
//! Reuters-21578): as checkpoints were written before the graph log (the whole graph
//! re-serialised into checkpoint.json each time) and as they are written now (one
//! batch's graph appended to the log and synced, and a small checkpoint.json).
//!
//! ```text
//! cargo run --release --example checkpoint_cost -- OUT/graph.json [DOCS_PER_BATCH]
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use newsgraph::graph::Graph;
use newsgraph::output::GraphFile;
use newsgraph::run::{checkpoint::CHECKPOINT_VERSION, Checkpoint, Summary};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: checkpoint_cost GRAPH_JSON [DOCS_PER_BATCH]")?;
    let per_batch: usize = args.next().map_or(Ok(256), |n| n.parse())?;
    let graph = GraphFile::read(path.as_ref())?.graph;
    let batch = batch_graph(&graph, per_batch);
    let tmp = tempfile::tempdir()?;
    let summary = serde_json::from_value::<Summary>(json!({"documents_read": graph.documents}))?;
    let checkpoint = |sinks: BTreeMap<String, Value>| Checkpoint {
        version: CHECKPOINT_VERSION,
        fingerprint: "f".repeat(400),
        items_done: graph.documents,
        summary: summary.clone(),
        sinks,
        input_fingerprint: "0".repeat(64),
    };
    let before = median(|| {
        // The graph was a field of the checkpoint, written whole each time.
        let mut sinks = BTreeMap::new();
        sinks.insert("graph".to_string(), graph.to_node_link(&BTreeMap::new()));
        checkpoint(sinks)
            .write(&tmp.path().join("before.json"))
            .unwrap();
    });
    let mut log = std::fs::File::create(tmp.path().join("log.jsonl"))?;
    let after = median(|| {
        let line = serde_json::to_string(&batch.to_node_link(&BTreeMap::new())).unwrap();
        log.write_all(line.as_bytes()).unwrap();
        log.write_all(b"\n").unwrap();
        log.sync_data().unwrap();
        let sinks = BTreeMap::from([("graph".to_string(), json!(1u64 << 30))]);
        checkpoint(sinks)
            .write(&tmp.path().join("after.json"))
            .unwrap();
    });
    println!(
        "graph: {} documents, {} nodes, {} links; a batch of {per_batch} documents: {} nodes, {} links",
        graph.documents,
        graph.nodes.len(),
        graph.edges.len(),
        batch.nodes.len(),
        batch.edges.len()
    );
    println!("checkpoint before (whole graph): {:.1} ms", ms(before));
    println!("checkpoint now (batch log + state): {:.1} ms", ms(after));
    Ok(())
}

/// The part of `graph` from its first `n` documents (by id): about one batch's graph.
fn batch_graph(graph: &Graph, n: usize) -> Graph {
    let docs: BTreeSet<&String> = graph.nodes.values().flat_map(|v| &v.docs).collect();
    let docs: BTreeSet<&String> = docs.into_iter().take(n).collect();
    let mut batch = Graph {
        documents: n.min(graph.documents),
        ..Graph::default()
    };
    for node in graph
        .nodes
        .values()
        .filter(|v| v.docs.iter().any(|d| docs.contains(d)))
    {
        batch.add_node(node.clone());
    }
    for edge in graph.edges.values() {
        let mut edge = edge.clone();
        edge.evidence.retain(|e| docs.contains(&e.doc));
        if !edge.evidence.is_empty() {
            batch.add_edge(edge);
        }
    }
    batch
}

/// The median of five timed runs.
fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

//! The graph as NetworkX node-link JSON: written (pretty, in a fixed order) and read back.

use super::*;

/// The keys of graph.json's `graph` object that a graph writes itself (not metadata).
pub const OWN_GRAPH_KEYS: [&str; 6] = [
    "name",
    "documents",
    "docs_per_node",
    "evidence_per_edge",
    "acronyms",
    "acronyms_joined",
];

/// Why node-link JSON is not a newsgraph graph.
#[derive(Debug, thiserror::Error)]
pub enum NodeLinkError {
    #[error("not a newsgraph graph: no graph.documents count")]
    NoDocumentCount,
    #[error("no {0:?} array")]
    NoArray(&'static str),
    #[error("node {index}: {error}")]
    Node {
        index: usize,
        error: serde_json::Error,
    },
    #[error("link {index}: {error}")]
    Link {
        index: usize,
        error: serde_json::Error,
    },
    #[error("graph.{key}: {error}")]
    Acronyms {
        key: &'static str,
        error: serde_json::Error,
    },
    #[error("link {index}: no node {id:?}")]
    NoSuchNode { index: usize, id: String },
}

impl Graph {
    /// Reads a graph back from node-link JSON written by [`Graph::to_node_link`].
    pub fn from_node_link(value: &Value) -> Result<Graph, NodeLinkError> {
        let documents = value
            .pointer("/graph/documents")
            .and_then(Value::as_u64)
            .ok_or(NodeLinkError::NoDocumentCount)? as usize;
        let nodes = value
            .get("nodes")
            .and_then(Value::as_array)
            .ok_or(NodeLinkError::NoArray("nodes"))?;
        let links = value
            .get("links")
            .and_then(Value::as_array)
            .ok_or(NodeLinkError::NoArray("links"))?;
        // A graph written before the limits were recorded is read with the default ones.
        let limit = |key: &str, default: usize| {
            value
                .pointer(&format!("/graph/{key}"))
                .and_then(Value::as_u64)
                .map_or(default, |n| n as usize)
        };
        let mut graph = Graph {
            documents,
            acronyms: graph_table(value, "acronyms")?,
            acronyms_joined: graph_table(value, "acronyms_joined")?,
            limits: Limits {
                docs_per_node: limit("docs_per_node", Limits::DEFAULT.docs_per_node),
                evidence_per_edge: limit("evidence_per_edge", Limits::DEFAULT.evidence_per_edge),
            },
            ..Graph::default()
        };
        for (index, n) in nodes.iter().enumerate() {
            let node: Node = serde_json::from_value(n.clone())
                .map_err(|error| NodeLinkError::Node { index, error })?;
            graph.nodes.remove(&node.id);
            graph.add_node(node);
        }
        for (index, l) in links.iter().enumerate() {
            let edge: Edge = serde_json::from_value(l.clone())
                .map_err(|error| NodeLinkError::Link { index, error })?;
            for end in [&edge.source, &edge.target] {
                if !graph.nodes.contains_key(end) {
                    return Err(NodeLinkError::NoSuchNode {
                        index,
                        id: end.clone(),
                    });
                }
            }
            graph.add_edge(edge);
        }
        Ok(graph)
    }

    /// NetworkX node-link JSON (`networkx.node_link_graph(data, edges="links")`), as
    /// one value: for a batch's graph. graph.json is written by [`Graph::write_node_link`].
    pub fn to_node_link(&self, meta: &BTreeMap<String, Value>) -> Value {
        let mut keys = LinkKeys::default();
        json!({
            "directed": true,
            "multigraph": true,
            "graph": self.graph_object(meta),
            "nodes": self.nodes.values().map(node_value).collect::<Vec<_>>(),
            "links": self.edges.values().map(|e| keys.link_value(e)).collect::<Vec<_>>(),
        })
    }

    /// Writes the pretty-printed [`Graph::to_node_link`] and a final newline (graph.json's
    /// bytes) one node and link at a time: the memory it takes is one node's or link's,
    /// not a copy of the graph.
    pub fn write_node_link(
        &self,
        meta: &BTreeMap<String, Value>,
        mut out: impl Write,
    ) -> io::Result<()> {
        out.write_all(b"{\n  \"directed\": true,\n  \"multigraph\": true,\n  \"graph\": ")?;
        write_pretty(&mut out, &self.graph_object(meta), 1)?;
        out.write_all(b",\n  \"nodes\": ")?;
        write_pretty_array(&mut out, self.nodes.values().map(node_value))?;
        out.write_all(b",\n  \"links\": ")?;
        let mut keys = LinkKeys::default();
        write_pretty_array(&mut out, self.edges.values().map(|e| keys.link_value(e)))?;
        out.write_all(b"\n}\n")
    }

    /// graph.json's `graph` object: name, documents, the limits, then `meta`.
    fn graph_object(&self, meta: &BTreeMap<String, Value>) -> Value {
        let mut graph = serde_json::Map::new();
        graph.insert("name".into(), json!("newsgraph"));
        graph.insert("documents".into(), json!(self.documents));
        graph.insert("docs_per_node".into(), json!(self.limits.docs_per_node));
        graph.insert(
            "evidence_per_edge".into(),
            json!(self.limits.evidence_per_edge),
        );
        // Written where there are any, so that a graph without acronyms reads as before.
        if !self.acronyms.is_empty() {
            graph.insert("acronyms".into(), json!(self.acronyms));
        }
        if !self.acronyms_joined.is_empty() {
            graph.insert("acronyms_joined".into(), json!(self.acronyms_joined));
        }
        for (k, v) in meta {
            graph.insert(k.clone(), v.clone());
        }
        Value::Object(graph)
    }
}

/// The `graph` object's `key`, empty where it is not written.
fn graph_table<T: serde::de::DeserializeOwned + Default>(
    value: &Value,
    key: &'static str,
) -> Result<T, NodeLinkError> {
    match value.pointer(&format!("/graph/{key}")) {
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|error| NodeLinkError::Acronyms { key, error }),
        None => Ok(T::default()),
    }
}

/// A node as graph.json writes it.
fn node_value(n: &Node) -> Value {
    serde_json::to_value(n).expect("nodes serialise")
}

/// Numbers the links between the same two nodes (NetworkX's multigraph `key`), in order.
#[derive(Default)]
struct LinkKeys<'a> {
    next: BTreeMap<(&'a str, &'a str), usize>,
}

impl<'a> LinkKeys<'a> {
    fn link_value(&mut self, e: &'a Edge) -> Value {
        let k = self.next.entry((&e.source, &e.target)).or_default();
        let mut v = serde_json::to_value(e).expect("edges serialise");
        v["key"] = json!(*k);
        *k += 1;
        v
    }
}

/// Writes `value` as serde_json's pretty printer would at nesting `depth` (two spaces a
/// level) inside a larger document. JSON strings escape newlines, so every newline of
/// the printed value is between tokens and takes the indent.
fn write_pretty(out: &mut impl Write, value: &Value, depth: usize) -> io::Result<()> {
    let text = serde_json::to_vec_pretty(value).map_err(io::Error::from)?;
    let indent = "  ".repeat(depth);
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(indent.as_bytes())?;
        }
        out.write_all(line)?;
    }
    Ok(())
}

/// Writes the values as a pretty array at nesting depth 1 (a member of the top object).
fn write_pretty_array(out: &mut impl Write, values: impl Iterator<Item = Value>) -> io::Result<()> {
    let mut empty = true;
    for v in values {
        out.write_all(if empty { b"[\n    " } else { b",\n    " })?;
        write_pretty(out, &v, 2)?;
        empty = false;
    }
    out.write_all(if empty { b"[]" } else { b"\n  ]" })
}

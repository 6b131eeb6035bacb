//! GraphML (graph.graphml): typed keys, a directed multigraph with edge ids, lists as JSON arrays in strings.
//!
//! Conventions, chosen for NetworkX `read_graphml` and igraph `Graph.Read_GraphML`:
//! - keys are declared with `attr.type` `string`, `long` (counts) or `double` (`value`);
//!   graph attributes (name, documents and the run's metadata) are keys `for="graph"`.
//! - GraphML has no list type: lists (aliases, docs, rules, dates) are `attr.type="string"`
//!   holding a JSON array (`["Putin", "Vladimir Putin"]`), lossless and read with `json.loads`.
//! - edges have ids `e0`, `e1`, ... in the graph's edge order; parallel edges (same
//!   ends, another relation or modality) are kept, so NetworkX reads a MultiDiGraph.
//! - characters XML 1.0 forbids (control characters other than tab, newline, CR) are dropped.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use super::{edge_values, float_text, json_list, node_values, present, xml_escape, Kind, Val};
use super::{EDGE_ATTRS, NODE_ATTRS};
use crate::graph::Graph;

fn attr_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Str | Kind::List => "string",
        Kind::Int => "long",
        Kind::Float => "double",
    }
}

fn value_text(v: &Val) -> String {
    match v {
        Val::Str(s) => xml_escape(s),
        Val::Int(i) => i.to_string(),
        Val::Float(x) => float_text(*x),
        Val::List(items) => xml_escape(&json_list(items)),
    }
}

/// Graph attributes: typed by their JSON type (objects and arrays as JSON text).
fn graph_attrs(
    graph: &Graph,
    meta: &BTreeMap<String, Value>,
) -> Vec<(String, &'static str, String)> {
    let mut attrs = vec![
        ("name".to_string(), "string", "newsgraph".to_string()),
        ("documents".to_string(), "long", graph.documents.to_string()),
    ];
    for (k, v) in meta {
        if k == "name" || k == "documents" {
            continue;
        }
        let (ty, text) = match v {
            Value::String(s) => ("string", xml_escape(s)),
            Value::Bool(b) => ("boolean", b.to_string()),
            Value::Number(n) if n.is_u64() || n.is_i64() => ("long", n.to_string()),
            Value::Number(n) => ("double", float_text(n.as_f64().unwrap_or(f64::NAN))),
            other => ("string", xml_escape(&other.to_string())),
        };
        attrs.push((k.clone(), ty, text));
    }
    attrs
}

/// The GraphML document.
pub fn render(graph: &Graph, meta: &BTreeMap<String, Value>) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns \
         http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
    );
    let gattrs = graph_attrs(graph, meta);
    for (i, (name, ty, _)) in gattrs.iter().enumerate() {
        let _ = writeln!(
            out,
            "  <key id=\"g{i}\" for=\"graph\" attr.name=\"{}\" attr.type=\"{ty}\"/>",
            xml_escape(name)
        );
    }
    for (name, kind) in NODE_ATTRS {
        let _ = writeln!(
            out,
            "  <key id=\"n_{name}\" for=\"node\" attr.name=\"{name}\" attr.type=\"{}\"/>",
            attr_type(*kind)
        );
    }
    for (name, kind) in EDGE_ATTRS {
        let _ = writeln!(
            out,
            "  <key id=\"e_{name}\" for=\"edge\" attr.name=\"{name}\" attr.type=\"{}\"/>",
            attr_type(*kind)
        );
    }
    out.push_str("  <graph id=\"newsgraph\" edgedefault=\"directed\">\n");
    for (i, (_, _, text)) in gattrs.iter().enumerate() {
        let _ = writeln!(out, "    <data key=\"g{i}\">{text}</data>");
    }
    for node in graph.nodes.values() {
        let _ = writeln!(out, "    <node id=\"{}\">", xml_escape(&node.id));
        for (name, _, v) in present(NODE_ATTRS, node_values(node)) {
            let _ = writeln!(
                out,
                "      <data key=\"n_{name}\">{}</data>",
                value_text(&v)
            );
        }
        out.push_str("    </node>\n");
    }
    for (i, edge) in graph.edges.values().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\">",
            xml_escape(&edge.source),
            xml_escape(&edge.target)
        );
        for (name, _, v) in present(EDGE_ATTRS, edge_values(edge)) {
            let _ = writeln!(
                out,
                "      <data key=\"e_{name}\">{}</data>",
                value_text(&v)
            );
        }
        out.push_str("    </edge>\n");
    }
    out.push_str("  </graph>\n</graphml>\n");
    out
}

//! NetworkX node-link JSON (graph.json): `Graph::to_node_link`, pretty-printed, newline-terminated.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::graph::Graph;

/// graph.json as `newsgraph extract` writes it.
pub fn render(graph: &Graph, meta: &BTreeMap<String, Value>) -> String {
    let mut text =
        serde_json::to_string_pretty(&graph.to_node_link(meta)).expect("graph serialises");
    text.push('\n');
    text
}

//! Cytoscape.js JSON (graph.cyjs): `{"elements": {"nodes": [{"data": ...}], "edges": [{"data": ...}]}}`, as cytoscape.js and Cytoscape desktop import it.
//!
//! Conventions: the top level carries `format_version`, `generated_by`,
//! `target_cytoscapejs_version` and `data` (graph attributes: name, documents, the run's
//! metadata), as Cytoscape desktop writes .cyjs files. Node `data` has `id`, `name`
//! (the label, Cytoscape's display column) and every node attribute; edge `data` has `id`
//! (`e0`, `e1`, ...), `source`, `target`, `interaction` (the relation, Cytoscape's edge
//! type column) and every edge attribute. Lists are JSON arrays, counts integers, a
//! claim's figure a float (non-finite values are left out). Strings are kept as they are.
//!
//! The file is also NetworkX's cytoscape JSON (`nx.cytoscape_graph`), which needs three
//! more things: `directed` and `multigraph` at the top level, each edge's `key` (0, 1, ...
//! among the edges of one source and target, as in graph.json), and each node's `value`,
//! which NetworkX takes as the node itself. So `value` is the node id here, and a claim's
//! figure, `value` in every other format, is `claim_value`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{edge_values, node_values, present, Val, EDGE_ATTRS, NODE_ATTRS};
use crate::graph::Graph;

fn value(v: Val) -> Option<Value> {
    Some(match v {
        Val::Str(s) => json!(s),
        Val::Int(i) => json!(i),
        Val::Float(x) => Value::from(serde_json::Number::from_f64(x)?),
        Val::List(items) => json!(items),
    })
}

/// The .cyjs document, pretty-printed.
pub fn render(graph: &Graph, meta: &BTreeMap<String, Value>) -> String {
    let mut data = Map::new();
    data.insert("name".into(), json!("newsgraph"));
    data.insert("documents".into(), json!(graph.documents));
    for (k, v) in meta {
        data.insert(k.clone(), v.clone());
    }
    let nodes: Vec<Value> = graph
        .nodes
        .values()
        .map(|n| {
            let mut d = Map::new();
            d.insert("id".into(), json!(n.id));
            d.insert("name".into(), json!(n.label));
            for (name, _, v) in present(NODE_ATTRS, node_values(n)) {
                if let Some(v) = value(v) {
                    let name = if name == "value" { "claim_value" } else { name };
                    d.insert(name.into(), v);
                }
            }
            d.insert("value".into(), json!(n.id));
            json!({ "data": d })
        })
        .collect();
    let mut keys: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let edges: Vec<Value> = graph
        .edges
        .values()
        .enumerate()
        .map(|(i, e)| {
            let key = keys.entry((&e.source, &e.target)).or_default();
            let mut d = Map::new();
            d.insert("id".into(), json!(format!("e{i}")));
            d.insert("source".into(), json!(e.source));
            d.insert("target".into(), json!(e.target));
            d.insert("key".into(), json!(*key));
            *key += 1;
            d.insert("interaction".into(), json!(e.relation));
            for (name, _, v) in present(EDGE_ATTRS, edge_values(e)) {
                if let Some(v) = value(v) {
                    d.insert(name.into(), v);
                }
            }
            json!({ "data": d })
        })
        .collect();
    let doc = json!({
        "format_version": "1.0",
        "generated_by": "newsgraph",
        "target_cytoscapejs_version": "~2.1",
        "directed": true,
        "multigraph": true,
        "data": data,
        "elements": { "nodes": nodes, "edges": edges },
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("graph serialises");
    text.push('\n');
    text
}

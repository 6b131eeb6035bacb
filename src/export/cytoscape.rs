//! Cytoscape.js JSON (graph.cyjs): `{"elements": {"nodes": [{"data": ...}], "edges": [{"data": ...}]}}`, as cytoscape.js and Cytoscape desktop import it.
//!
//! Conventions: the top level carries `format_version`, `generated_by`,
//! `target_cytoscapejs_version` and `data` (graph attributes: name, documents, the run's
//! metadata), as Cytoscape desktop writes .cyjs files. Node `data` has `id`, `name`
//! (the label, Cytoscape's display column) and every node attribute; edge `data` has `id`
//! (`e0`, `e1`, ...), `source`, `target`, `interaction` (the relation, Cytoscape's edge
//! type column) and every edge attribute. Lists are JSON arrays, counts integers, `value`
//! a float (non-finite values are left out). Strings are kept as they are.

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
                    d.insert(name.into(), v);
                }
            }
            json!({ "data": d })
        })
        .collect();
    let edges: Vec<Value> = graph
        .edges
        .values()
        .enumerate()
        .map(|(i, e)| {
            let mut d = Map::new();
            d.insert("id".into(), json!(format!("e{i}")));
            d.insert("source".into(), json!(e.source));
            d.insert("target".into(), json!(e.target));
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
        "data": data,
        "elements": { "nodes": nodes, "edges": edges },
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("graph serialises");
    text.push('\n');
    text
}

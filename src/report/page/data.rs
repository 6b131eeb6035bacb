//! The JSON `report.js` draws the graph from.

use crate::report::html::*;
use crate::report::*;

impl Page<'_> {
    /// The data `report.js` draws from.
    pub(in crate::report) fn data(&self) -> Value {
        let graph = self.report.graph;
        let page_docs: Vec<&str> = self
            .report
            .documents
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        let nodes: Vec<Value> = self
            .embedded
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut docs: Vec<&str> = page_docs
                    .iter()
                    .copied()
                    .filter(|d| n.docs.contains(*d))
                    .collect();
                let in_page: BTreeSet<&str> = docs.iter().copied().collect();
                docs.extend(
                    n.docs
                        .iter()
                        .map(String::as_str)
                        .filter(|d| !in_page.contains(d)),
                );
                docs.truncate(DOCS_PER_NODE);
                let mut v = Map::new();
                v.insert("id".into(), json!(n.id));
                v.insert("label".into(), json!(display_label(n)));
                v.insert("type".into(), json!(n.kind));
                v.insert("mentions".into(), json!(n.mentions));
                v.insert(
                    "aliases".into(),
                    json!(n.aliases.iter().take(ALIASES_PER_NODE).collect::<Vec<_>>()),
                );
                v.insert("aliases_total".into(), json!(n.aliases.len()));
                v.insert("docs".into(), json!(docs));
                v.insert("docs_total".into(), json!(n.documents));
                v.insert("drawn".into(), json!(i < self.drawn.len()));
                if let Some(c) = &n.country {
                    v.insert("country".into(), json!(c));
                }
                if let Some(x) = n.value {
                    v.insert("value".into(), json!(x));
                }
                for (k, x) in [
                    ("unit", &n.unit),
                    ("qualifier", &n.qualifier),
                    ("about", &n.about),
                ] {
                    if let Some(x) = x {
                        v.insert(k.into(), json!(x));
                    }
                }
                Value::Object(v)
            })
            .collect();
        let edges: Vec<Value> = graph
            .edges
            .values()
            .filter_map(|e| {
                let s = *self.index.get(e.source.as_str())?;
                let t = *self.index.get(e.target.as_str())?;
                let evidence: Vec<Value> = e
                    .evidence
                    .iter()
                    .take(EVIDENCE_PER_EDGE)
                    .map(|ev| {
                        let (pre, hit, post) = split_sentence(ev, self.texts.get(ev.doc.as_str()));
                        let mut v = Map::new();
                        v.insert("doc".into(), json!(ev.doc));
                        v.insert("sentence".into(), json!([pre, hit, post]));
                        v.insert("rule".into(), json!(ev.rule));
                        if let Some(d) = &ev.date {
                            v.insert("date".into(), json!(d));
                        }
                        Value::Object(v)
                    })
                    .collect();
                Some(json!({
                    "source": s,
                    "target": t,
                    "relation": e.relation,
                    "modality": e.modality,
                    "evidence": evidence,
                    "evidence_total": e.evidence_count,
                }))
            })
            .collect();
        // The relations drawn without an arrowhead (the rules say they have no direction).
        let undirected: BTreeSet<&str> = graph
            .edges
            .values()
            .map(|e| e.relation.as_str())
            .filter(|r| !self.report.kinds.get(r).directed)
            .collect();
        let anchors: Map<String, Value> = self
            .anchors
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        json!({
            "drawn": self.drawn.len(),
            "nodes_total": graph.nodes.len(),
            "edges_total": graph.edges.len(),
            "max_nodes": self.options.max_nodes,
            "documents": anchors,
            "nodes": nodes,
            "edges": edges,
            "undirected": undirected,
        })
    }
}

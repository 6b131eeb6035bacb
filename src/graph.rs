//! The graph: nodes and edges with provenance, merged across documents deterministically.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::resolve::Resolved;
use crate::text::CharOffsets;

/// Where an edge was found: document, character offsets, the sentence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub sentence: String,
    /// The rule that fired.
    pub rule: String,
}

/// A node: an entity (person, state, organisation) or a claimed figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub aliases: BTreeSet<String>,
    /// Mentions over all documents.
    pub mentions: usize,
    /// Ids of the documents that mention it (graph.json also gives their number, `documents`).
    pub docs: BTreeSet<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country: Option<String>,
    /// Claim nodes only: the figure, its unit, qualifier and what is counted.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub qualifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub about: Option<String>,
    /// How often each name was used for the node; the label is the most used.
    #[serde(skip)]
    names: BTreeMap<String, usize>,
}

impl Node {
    /// A claim node: a figure stated in document `doc` (ANNOTATION.md, `claims`).
    pub fn claim(
        id: String,
        label: String,
        doc: &str,
        value: f64,
        unit: Option<String>,
        qualifier: Option<String>,
        about: Option<String>,
    ) -> Self {
        Node {
            id,
            label,
            kind: "claim".to_string(),
            aliases: BTreeSet::new(),
            mentions: 1,
            docs: BTreeSet::from([doc.to_string()]),
            country: None,
            value: Some(value),
            unit,
            qualifier,
            about,
            names: BTreeMap::new(),
        }
    }
}

/// A relation edge between two nodes, with every piece of evidence for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub source: String,
    pub target: String,
    pub relation: String,
    /// "asserted" or "planned".
    pub modality: String,
    pub evidence: Vec<Evidence>,
}

/// Nodes by id and edges by (source, target, relation, modality), so that
/// output order never depends on processing order.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub nodes: BTreeMap<String, Node>,
    pub edges: BTreeMap<(String, String, String, String), Edge>,
    pub documents: BTreeSet<String>,
}

impl Graph {
    /// Adds one document's entities.
    pub fn add_entities(&mut self, doc: &str, resolved: &Resolved) {
        self.documents.insert(doc.to_string());
        for entity in &resolved.entities {
            let node = self.nodes.entry(entity.id.clone()).or_insert_with(|| Node {
                id: entity.id.clone(),
                label: entity.name.clone(),
                kind: entity.kind.as_str().to_string(),
                aliases: BTreeSet::new(),
                mentions: 0,
                docs: BTreeSet::new(),
                country: entity.country.clone(),
                value: None,
                unit: None,
                qualifier: None,
                about: None,
                names: BTreeMap::new(),
            });
            node.aliases.extend(entity.aliases.iter().cloned());
            node.mentions += entity.mentions.len();
            node.docs.insert(doc.to_string());
            *node.names.entry(entity.name.clone()).or_default() += entity.mentions.len();
            node.label = best_name(&node.names);
            if node.country.is_none() {
                node.country = entity.country.clone();
            }
        }
    }

    /// Adds (or merges) a node that is not an entity, such as a claim.
    pub fn add_node(&mut self, node: Node) {
        self.nodes.entry(node.id.clone()).or_insert(node);
    }

    /// Adds an edge, merging evidence with an existing edge of the same key.
    pub fn add_edge(&mut self, edge: Edge) {
        let key = (
            edge.source.clone(),
            edge.target.clone(),
            edge.relation.clone(),
            edge.modality.clone(),
        );
        match self.edges.get_mut(&key) {
            Some(existing) => {
                for ev in edge.evidence {
                    if let Err(at) = existing.evidence.binary_search(&ev) {
                        existing.evidence.insert(at, ev);
                    }
                }
            }
            None => {
                let mut edge = edge;
                edge.evidence.sort();
                edge.evidence.dedup();
                self.edges.insert(key, edge);
            }
        }
    }

    /// NetworkX node-link JSON (`networkx.node_link_graph(data, edges="links")`).
    pub fn to_node_link(&self, meta: &BTreeMap<String, Value>) -> Value {
        let mut graph = serde_json::Map::new();
        graph.insert("name".into(), json!("newsgraph"));
        graph.insert("documents".into(), json!(self.documents.len()));
        for (k, v) in meta {
            graph.insert(k.clone(), v.clone());
        }
        let nodes: Vec<Value> = self
            .nodes
            .values()
            .map(|n| {
                let mut v = serde_json::to_value(n).expect("nodes serialise");
                v["documents"] = json!(n.docs.len());
                v
            })
            .collect();
        let mut keys: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        let links: Vec<Value> = self
            .edges
            .values()
            .map(|e| {
                let k = keys.entry((&e.source, &e.target)).or_default();
                let mut v = serde_json::to_value(e).expect("edges serialise");
                v["key"] = json!(*k);
                *k += 1;
                v
            })
            .collect();
        json!({
            "directed": true,
            "multigraph": true,
            "graph": graph,
            "nodes": nodes,
            "links": links,
        })
    }
}

fn best_name(names: &BTreeMap<String, usize>) -> String {
    names
        .iter()
        .max_by(|a, b| {
            a.1.cmp(b.1)
                .then(a.0.chars().count().cmp(&b.0.chars().count()))
                .then(b.0.cmp(a.0))
        })
        .map(|(n, _)| n.clone())
        .unwrap_or_default()
}

/// Character-offset evidence for a byte span of a document.
pub fn evidence(
    doc: &str,
    text: &str,
    offsets: &mut CharOffsets,
    span: crate::text::Span,
    sentence: crate::text::Span,
    rule: &str,
) -> Evidence {
    Evidence {
        doc: doc.to_string(),
        start: offsets.get(span.start),
        end: offsets.get(span.end),
        sentence: text[sentence.start..sentence.end].to_string(),
        rule: rule.to_string(),
    }
}

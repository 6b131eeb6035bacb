//! The graph: nodes and edges with provenance, merged across documents deterministically.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::relations::Modality;
use crate::resolve::{EntityType, Resolved};
use crate::text::CharOffsets;

/// A node's type: an entity type of ANNOTATION.md, or a claimed figure. Written in
/// lower case ("person", "state", "organisation", "claim") in graph.json and exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeKind {
    Person,
    State,
    Organisation,
    Claim,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Person => "person",
            NodeKind::State => "state",
            NodeKind::Organisation => "organisation",
            NodeKind::Claim => "claim",
        }
    }
}

impl From<EntityType> for NodeKind {
    fn from(kind: EntityType) -> Self {
        match kind {
            EntityType::Person => NodeKind::Person,
            EntityType::State => NodeKind::State,
            EntityType::Organisation => NodeKind::Organisation,
        }
    }
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not a node type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown node type {0:?}")]
pub struct UnknownNodeKind(pub String);

impl std::str::FromStr for NodeKind {
    type Err = UnknownNodeKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "person" => Ok(NodeKind::Person),
            "state" => Ok(NodeKind::State),
            "organisation" => Ok(NodeKind::Organisation),
            "claim" => Ok(NodeKind::Claim),
            _ => Err(UnknownNodeKind(s.to_string())),
        }
    }
}

/// Where an edge was found: document, character offsets, the sentence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub sentence: String,
    /// The rule that fired.
    pub rule: String,
    /// The document's date (ISO 8601) when its source gives one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date: Option<String>,
    /// The dependency path a syntax rule matched ("met >nsubj Putin; met >obl[with] Macron").
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub path: Option<String>,
    /// The evidence sentence's parse, for drawing its arcs (syntax rules only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub parse: Option<SentenceParse>,
}

/// A sentence's dependency parse as evidence carries it: offsets are characters within
/// `Evidence::sentence`, token indices count from the sentence's first token.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SentenceParse {
    /// Written as one string, a token per space-separated item `start:end:UPOS:head:deprel`
    /// (head 1-based, 0 for the root, as in CoNLL-U): an object per token would make the
    /// evidence of a large graph several times its size.
    #[serde(with = "parse_tokens")]
    pub tokens: Vec<ParsedToken>,
    /// The token the rule triggered on.
    pub trigger: usize,
    /// The tokens the rule's arguments matched (source, target or figure), in path order.
    pub arguments: Vec<usize>,
}

/// One token of a [`SentenceParse`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ParsedToken {
    pub start: usize,
    pub end: usize,
    pub upos: String,
    /// Index of the head token within the sentence; None for the root.
    pub head: Option<usize>,
    pub deprel: String,
}

/// `SentenceParse::tokens` as one compact string.
mod parse_tokens {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    use super::ParsedToken;

    pub fn serialize<S: Serializer>(tokens: &[ParsedToken], s: S) -> Result<S::Ok, S::Error> {
        let items: Vec<String> = tokens
            .iter()
            .map(|t| {
                let head = t.head.map_or(0, |h| h + 1);
                format!("{}:{}:{}:{}:{}", t.start, t.end, t.upos, head, t.deprel)
            })
            .collect();
        s.serialize_str(&items.join(" "))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ParsedToken>, D::Error> {
        let text = String::deserialize(d)?;
        text.split_whitespace()
            .map(|item| {
                let bad = || D::Error::custom(format!("bad parse token `{item}`"));
                let mut parts = item.splitn(5, ':');
                let mut number = || -> Result<usize, D::Error> {
                    parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)
                };
                let (start, end) = (number()?, number()?);
                let upos = parts.next().ok_or_else(bad)?.to_string();
                let head: usize = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
                let deprel = parts.next().ok_or_else(bad)?.to_string();
                Ok(ParsedToken {
                    start,
                    end,
                    upos,
                    head: head.checked_sub(1),
                    deprel,
                })
            })
            .collect()
    }
}

/// A node: an entity (person, state, organisation) or a claimed figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: NodeKind,
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
    /// Kept in graph.json so that merging graphs gives the label one run would.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub names: BTreeMap<String, usize>,
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
            kind: NodeKind::Claim,
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
    pub modality: Modality,
    pub evidence: Vec<Evidence>,
}

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
    #[error("link {index}: no node {id:?}")]
    NoSuchNode { index: usize, id: String },
}

/// Nodes by id and edges by (source, target, relation, modality), so that
/// output order never depends on processing order.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub nodes: BTreeMap<String, Node>,
    pub edges: BTreeMap<(String, String, String, Modality), Edge>,
    /// Documents added (each document is added once).
    pub documents: usize,
}

impl Graph {
    /// Adds one document's entities.
    pub fn add_entities(&mut self, doc: &str, resolved: &Resolved) {
        self.documents += 1;
        for entity in &resolved.entities {
            let node = self.nodes.entry(entity.id.clone()).or_insert_with(|| Node {
                id: entity.id.clone(),
                label: entity.name.clone(),
                kind: entity.kind.into(),
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
            node.country = first_country(node.country.take(), entity.country.clone());
        }
    }

    /// Adds (or merges) a node that is not an entity, such as a claim.
    pub fn add_node(&mut self, node: Node) {
        self.nodes.entry(node.id.clone()).or_insert(node);
    }

    /// Adds another graph (a shard's, or an earlier run's). Merging is
    /// commutative and associative, so the result does not depend on the
    /// order in which graphs or documents come: shards merge to one run's graph.
    pub fn merge(&mut self, other: Graph) {
        self.documents += other.documents;
        for (id, node) in other.nodes {
            match self.nodes.get_mut(&id) {
                None => {
                    self.nodes.insert(id, node);
                }
                Some(mine) => {
                    mine.aliases.extend(node.aliases);
                    mine.mentions += node.mentions;
                    mine.docs.extend(node.docs);
                    for (name, n) in node.names {
                        *mine.names.entry(name).or_default() += n;
                    }
                    if !mine.names.is_empty() {
                        mine.label = best_name(&mine.names);
                    }
                    mine.country = first_country(mine.country.take(), node.country);
                }
            }
        }
        for edge in other.edges.into_values() {
            self.add_edge(edge);
        }
    }

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
        let mut graph = Graph {
            documents,
            ..Graph::default()
        };
        for (index, n) in nodes.iter().enumerate() {
            let node: Node = serde_json::from_value(n.clone())
                .map_err(|error| NodeLinkError::Node { index, error })?;
            graph.nodes.insert(node.id.clone(), node);
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

    /// Adds an edge, merging evidence with an existing edge of the same key.
    pub fn add_edge(&mut self, edge: Edge) {
        let key = (
            edge.source.clone(),
            edge.target.clone(),
            edge.relation.clone(),
            edge.modality,
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
        graph.insert("documents".into(), json!(self.documents));
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

/// The country of a node seen with several: the smallest code, so that the
/// choice does not depend on document order.
fn first_country(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
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
    date: Option<&str>,
) -> Evidence {
    Evidence {
        doc: doc.to_string(),
        start: offsets.get(span.start),
        end: offsets.get(span.end),
        sentence: text[sentence.start..sentence.end].to_string(),
        rule: rule.to_string(),
        date: date.map(str::to_string),
        path: None,
        parse: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_parse_round_trips_as_one_compact_string() {
        let parse = SentenceParse {
            tokens: vec![
                ParsedToken {
                    start: 0,
                    end: 5,
                    upos: "PROPN".into(),
                    head: Some(1),
                    deprel: "nsubj:pass".into(),
                },
                ParsedToken {
                    start: 6,
                    end: 9,
                    upos: "VERB".into(),
                    head: None,
                    deprel: "root".into(),
                },
            ],
            trigger: 1,
            arguments: vec![0],
        };
        let json = serde_json::to_value(&parse).unwrap();
        assert_eq!(json["tokens"], "0:5:PROPN:2:nsubj:pass 6:9:VERB:0:root");
        let back: SentenceParse = serde_json::from_value(json).unwrap();
        assert_eq!(back, parse);
        let bad = serde_json::json!({"tokens": "0:5:PROPN", "trigger": 0, "arguments": []});
        assert!(serde_json::from_value::<SentenceParse>(bad).is_err());
    }

    fn person(id: &str, name: &str, doc: &str, mentions: usize, country: Option<&str>) -> Node {
        Node {
            id: id.into(),
            label: name.into(),
            kind: NodeKind::Person,
            aliases: BTreeSet::from([name.to_string()]),
            mentions,
            docs: BTreeSet::from([doc.to_string()]),
            country: country.map(str::to_string),
            value: None,
            unit: None,
            qualifier: None,
            about: None,
            names: BTreeMap::from([(name.to_string(), mentions)]),
        }
    }

    fn edge(source: &str, target: &str, doc: &str, date: Option<&str>) -> Edge {
        Edge {
            source: source.into(),
            target: target.into(),
            relation: "meets".into(),
            modality: Modality::Asserted,
            evidence: vec![Evidence {
                doc: doc.into(),
                start: 0,
                end: 5,
                sentence: "A \"quoted\" <sentence> & more\nnext line, Zürich".into(),
                rule: "meets.verb".into(),
                date: date.map(str::to_string),
                path: None,
                parse: None,
            }],
        }
    }

    fn shard(doc: &str, name: &str, mentions: usize, country: Option<&str>) -> Graph {
        let mut g = Graph {
            documents: 1,
            ..Graph::default()
        };
        g.add_node(person("person:putin", name, doc, mentions, country));
        g.add_node(person("person:xi", "Xi Jinping", doc, 1, None));
        g.add_edge(edge("person:putin", "person:xi", doc, Some("1987-02-26")));
        g
    }

    fn json(g: &Graph) -> String {
        serde_json::to_string(&g.to_node_link(&BTreeMap::new())).unwrap()
    }

    #[test]
    fn merging_does_not_depend_on_order() {
        let parts = [
            shard("a", "Putin", 3, Some("RU")),
            shard("b", "Vladimir Putin", 2, None),
            shard("c", "Vladimir Putin", 2, Some("BY")),
        ];
        let mut forward = Graph::default();
        for p in parts.iter().cloned() {
            forward.merge(p);
        }
        let mut backward = Graph::default();
        for p in parts.iter().rev().cloned() {
            backward.merge(p);
        }
        assert_eq!(json(&forward), json(&backward));
        let putin = &forward.nodes["person:putin"];
        assert_eq!(putin.label, "Vladimir Putin");
        assert_eq!(putin.mentions, 7);
        assert_eq!(putin.country.as_deref(), Some("BY"));
        assert_eq!(forward.documents, 3);
        assert_eq!(forward.edges.values().next().unwrap().evidence.len(), 3);
    }

    #[test]
    fn node_link_reads_back_to_the_same_graph() {
        let mut g = shard("a", "Putin", 3, Some("RU"));
        g.merge(shard("b", "Vladimir Putin", 2, None));
        let value = g.to_node_link(&BTreeMap::new());
        let back = Graph::from_node_link(&value).unwrap();
        assert_eq!(json(&g), json(&back));
    }

    #[test]
    fn node_link_without_a_node_for_a_link_is_rejected() {
        let g = shard("a", "Putin", 3, None);
        let mut value = g.to_node_link(&BTreeMap::new());
        value["links"][0]["target"] = "person:nobody".into();
        let err = Graph::from_node_link(&value).unwrap_err().to_string();
        assert!(err.contains("person:nobody"), "{err}");
    }
}

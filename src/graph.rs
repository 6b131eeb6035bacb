//! The graph: nodes and edges with provenance, merged across documents deterministically.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::sync::{OnceLock, RwLock};

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
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ParsedToken {
    pub start: usize,
    pub end: usize,
    pub upos: Tag,
    /// Index of the head token within the sentence; None for the root.
    pub head: Option<usize>,
    pub deprel: Tag,
}

/// A part-of-speech or dependency label, as a number into one table of the labels seen:
/// a graph keeps the parse of every evidence sentence it keeps, and a string (or even a
/// string reference) per token would make those parses most of the run's memory.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag(u16);

/// The labels seen so far, each once, and their numbers.
#[derive(Default)]
struct Labels {
    names: Vec<&'static str>,
    numbers: HashMap<&'static str, u16>,
}

fn labels() -> &'static RwLock<Labels> {
    // Labels come from the parser's label set (a few dozen); a graph.json read back adds
    // only the labels it holds.
    static LABELS: OnceLock<RwLock<Labels>> = OnceLock::new();
    LABELS.get_or_init(Default::default)
}

impl Tag {
    pub fn as_str(self) -> &'static str {
        let labels = labels()
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        labels.names[self.0 as usize]
    }
}

impl From<&str> for Tag {
    fn from(label: &str) -> Self {
        let known = labels()
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .numbers
            .get(label)
            .copied();
        if let Some(number) = known {
            return Tag(number);
        }
        let mut labels = labels()
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(&number) = labels.numbers.get(label) {
            return Tag(number);
        }
        // More distinct labels than a u16 counts cannot come from a parser; past that
        // (a hostile graph.json), the rest share the last number's label.
        let Ok(number) = u16::try_from(labels.names.len()) else {
            return Tag(u16::MAX);
        };
        let leaked: &'static str = Box::leak(label.to_string().into_boxed_str());
        labels.names.push(leaked);
        labels.numbers.insert(leaked, number);
        Tag(number)
    }
}

impl From<String> for Tag {
    fn from(label: String) -> Self {
        Tag::from(label.as_str())
    }
}

impl PartialOrd for Tag {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Ordered by the label, not by when it was first seen: evidence order must not depend
/// on the order documents came in.
impl Ord for Tag {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::fmt::Debug for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl std::ops::Deref for Tag {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Tag {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
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
                let upos = parts.next().ok_or_else(bad)?.into();
                let head: usize = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
                let deprel = parts.next().ok_or_else(bad)?.into();
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
    /// The first documents that mention it: the [`Limits::docs_per_node`] smallest ids (all
    /// of them below that number). Every document is in mentions.jsonl and the store.
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
    /// How many documents mention it (`docs` keeps only the first of them). Read as the
    /// length of `docs` where graph.json gives less.
    #[serde(default)]
    pub documents: usize,
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
            documents: 1,
        }
    }

    /// Counts one more document mentioning the node, keeping its id if among the first `keep`.
    pub fn add_doc(&mut self, doc: String, keep: usize) {
        self.documents += 1;
        keep_first(&mut self.docs, std::iter::once(doc), keep);
    }
}

/// A relation edge between two nodes, with the number of pieces of evidence for it and
/// the first of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Edge {
    pub source: String,
    pub target: String,
    pub relation: String,
    /// "asserted" or "planned".
    pub modality: Modality,
    /// The first pieces of evidence, sorted and distinct: the [`Limits::evidence_per_edge`]
    /// smallest (all of them below that number). Every piece is in the store.
    pub evidence: Vec<Evidence>,
    /// How many distinct pieces of evidence there are. Read as the length of `evidence`
    /// where it is less (graph.json written before the count, an edge built in code).
    #[serde(default)]
    pub evidence_count: usize,
}

impl Edge {
    /// An edge with the given evidence, counted (repeated pieces count once).
    pub fn new(
        source: String,
        target: String,
        relation: String,
        modality: Modality,
        mut evidence: Vec<Evidence>,
    ) -> Self {
        evidence.sort();
        evidence.dedup();
        Edge {
            source,
            target,
            relation,
            modality,
            evidence_count: evidence.len(),
            evidence,
        }
    }

    /// Counts one more distinct piece of evidence, keeping it if among the first `keep`.
    pub fn add_evidence(&mut self, piece: Evidence, keep: usize) {
        self.evidence_count += 1;
        if let Err(at) = self.evidence.binary_search(&piece) {
            if at < keep {
                self.evidence.insert(at, piece);
                self.evidence.truncate(keep);
            }
        }
    }
}

/// How much provenance the graph keeps in memory and in graph.json: a node's first
/// documents and an edge's first pieces of evidence. The counts stay exact, so a
/// graph's size depends on its distinct nodes and edges, not on how many documents
/// mention them; the full provenance is in mentions.jsonl and the store.
///
/// "First" is the smallest under a total order (document id, [`Evidence`]'s order), so
/// the kept lists do not depend on the order documents come in: batches, resumed runs
/// and merged shards keep what one run keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub docs_per_node: usize,
    pub evidence_per_edge: usize,
}

impl Limits {
    /// Kept without options: enough for the report's and exports' lists.
    pub const DEFAULT: Limits = Limits {
        docs_per_node: 100,
        evidence_per_edge: 20,
    };

    /// Everything kept: a single document's graph (the store keeps every piece).
    pub const UNLIMITED: Limits = Limits {
        docs_per_node: usize::MAX,
        evidence_per_edge: usize::MAX,
    };

    /// The smaller of each limit: what both graphs' lists hold exactly.
    fn min(self, other: Limits) -> Limits {
        Limits {
            docs_per_node: self.docs_per_node.min(other.docs_per_node),
            evidence_per_edge: self.evidence_per_edge.min(other.evidence_per_edge),
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// The keys of graph.json's `graph` object that a graph writes itself (not metadata).
pub const OWN_GRAPH_KEYS: [&str; 4] = ["name", "documents", "docs_per_node", "evidence_per_edge"];

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
    /// How many documents per node and pieces of evidence per edge are kept.
    pub limits: Limits,
}

impl Graph {
    /// An empty graph keeping at most `limits`.
    pub fn with_limits(limits: Limits) -> Self {
        Graph {
            limits,
            ..Graph::default()
        }
    }

    /// Adds one document's entities. Graphs hold distinct documents: a document is
    /// added once, to one graph of those that are merged.
    pub fn add_entities(&mut self, doc: &str, resolved: &Resolved) {
        self.documents += 1;
        let keep = self.limits.docs_per_node;
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
                documents: 0,
            });
            node.aliases.extend(entity.aliases.iter().cloned());
            node.mentions += entity.mentions.len();
            node.add_doc(doc.to_string(), keep);
            *node.names.entry(entity.name.clone()).or_default() += entity.mentions.len();
            node.label = best_name(&node.names);
            node.country = first_country(node.country.take(), entity.country.clone());
        }
    }

    /// Adds a node that is not an entity, such as a claim, unless its id is taken.
    pub fn add_node(&mut self, node: Node) {
        let keep = self.limits.docs_per_node;
        self.nodes.entry(node.id.clone()).or_insert_with(|| {
            let mut node = node;
            node.documents = node.documents.max(node.docs.len());
            keep_first(&mut node.docs, std::iter::empty(), keep);
            node
        });
    }

    /// Adds another graph (a shard's, or an earlier run's). Merging is
    /// commutative and associative, so the result does not depend on the
    /// order in which graphs or documents come: shards merge to one run's graph.
    ///
    /// The graphs hold different documents (batches, shards, runs over distinct
    /// inputs), so counts add up. The merged graph keeps the smaller of the two limits.
    pub fn merge(&mut self, other: Graph) {
        self.documents += other.documents;
        let limits = self.limits.min(other.limits);
        if limits != self.limits {
            self.limits = limits;
            for node in self.nodes.values_mut() {
                keep_first(&mut node.docs, std::iter::empty(), limits.docs_per_node);
            }
            for edge in self.edges.values_mut() {
                edge.evidence.truncate(limits.evidence_per_edge);
            }
        }
        let keep = limits.docs_per_node;
        for (id, node) in other.nodes {
            match self.nodes.get_mut(&id) {
                None => self.add_node(node),
                Some(mine) => {
                    mine.aliases.extend(node.aliases);
                    mine.mentions += node.mentions;
                    mine.documents += node.documents.max(node.docs.len());
                    keep_first(&mut mine.docs, node.docs, keep);
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
        // A graph written before the limits were recorded is read with the default ones.
        let limit = |key: &str, default: usize| {
            value
                .pointer(&format!("/graph/{key}"))
                .and_then(Value::as_u64)
                .map_or(default, |n| n as usize)
        };
        let mut graph = Graph {
            documents,
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

    /// Adds an edge, merging it with an existing edge of the same key: evidence counts
    /// add up (the edges come from different documents), the first pieces are kept.
    pub fn add_edge(&mut self, edge: Edge) {
        let key = (
            edge.source.clone(),
            edge.target.clone(),
            edge.relation.clone(),
            edge.modality,
        );
        let keep = self.limits.evidence_per_edge;
        let mut edge = edge;
        edge.evidence.sort();
        edge.evidence.dedup();
        edge.evidence_count = edge.evidence_count.max(edge.evidence.len());
        match self.edges.get_mut(&key) {
            Some(existing) => {
                existing.evidence_count += edge.evidence_count;
                for ev in edge.evidence {
                    match existing.evidence.binary_search(&ev) {
                        Err(at) if at < keep => existing.evidence.insert(at, ev),
                        _ => {}
                    }
                }
                existing.evidence.truncate(keep);
            }
            None => {
                edge.evidence.truncate(keep);
                self.edges.insert(key, edge);
            }
        }
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
        for (k, v) in meta {
            graph.insert(k.clone(), v.clone());
        }
        Value::Object(graph)
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

/// Adds `more` to `kept` and keeps only its `keep` smallest.
fn keep_first(kept: &mut BTreeSet<String>, more: impl IntoIterator<Item = String>, keep: usize) {
    for item in more {
        if kept.len() < keep || kept.last().is_some_and(|last| item < *last) {
            kept.insert(item);
        }
    }
    while kept.len() > keep {
        kept.pop_last();
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
    fn a_parsed_token_holds_no_strings_and_tags_order_by_their_label() {
        // Kept evidence carries a parse per sentence: its tokens are most of a large
        // graph's memory, so a token holds numbers only.
        assert!(std::mem::size_of::<ParsedToken>() <= 40);
        let (zz, aa) = (Tag::from("zz-first-seen"), Tag::from("aa-seen-later"));
        assert!(aa < zz, "ordered by label, not by when first seen");
        assert_eq!(Tag::from("aa-seen-later".to_string()), aa);
        assert_eq!(aa.as_str(), "aa-seen-later");
        assert_eq!(zz.to_string(), "zz-first-seen");
    }

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
            documents: 1,
        }
    }

    fn edge(source: &str, target: &str, doc: &str, date: Option<&str>) -> Edge {
        Edge {
            source: source.into(),
            target: target.into(),
            relation: "meets".into(),
            modality: Modality::Asserted,
            evidence_count: 1,
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

    fn piece(doc: &str, start: usize) -> Evidence {
        Evidence {
            doc: doc.into(),
            start,
            end: start + 5,
            sentence: format!("Sentence of {doc}."),
            rule: "meets.verb".into(),
            date: None,
            path: None,
            parse: None,
        }
    }

    /// The graph of one document `d<i>`: Putin (always) and Xi (odd documents), and a
    /// meeting between them with two pieces of evidence.
    fn document(i: usize, limits: Limits) -> Graph {
        let doc = format!("d{i:02}");
        let mut g = Graph::with_limits(limits);
        g.documents = 1;
        g.add_node(person("person:putin", "Putin", &doc, 1, None));
        if i % 2 == 1 {
            g.add_node(person("person:xi", "Xi Jinping", &doc, 1, None));
        }
        g.add_edge(Edge::new(
            "person:putin".into(),
            "person:xi".into(),
            "meets".into(),
            Modality::Asserted,
            vec![piece(&doc, 0), piece(&doc, 9), piece(&doc, 0)],
        ));
        g
    }

    const SMALL: Limits = Limits {
        docs_per_node: 3,
        evidence_per_edge: 4,
    };

    #[test]
    fn a_node_in_more_documents_than_kept_keeps_the_first_ids_and_counts_them_all() {
        let mut g = Graph::with_limits(SMALL);
        for i in [7, 2, 9, 0, 5, 3, 8, 1] {
            g.merge(document(i, SMALL));
        }
        let putin = &g.nodes["person:putin"];
        assert_eq!(putin.documents, 8);
        assert_eq!(
            putin.docs,
            BTreeSet::from(["d00", "d01", "d02"].map(String::from))
        );
        let edge = g.edges.values().next().unwrap();
        assert_eq!(edge.evidence_count, 16, "two distinct pieces per document");
        let kept: Vec<_> = edge
            .evidence
            .iter()
            .map(|e| (e.doc.as_str(), e.start))
            .collect();
        assert_eq!(kept, [("d00", 0), ("d00", 9), ("d01", 0), ("d01", 9)]);
    }

    #[test]
    fn capped_graphs_merged_in_any_grouping_equal_one_graph() {
        let one = {
            let mut g = Graph::with_limits(SMALL);
            for i in 0..12 {
                g.merge(document(i, SMALL));
            }
            json(&g)
        };
        // Shards by residue, merged in reverse; and batches of five, through node-link.
        let mut shards: Vec<Graph> = (0..3).map(|_| Graph::with_limits(SMALL)).collect();
        for i in 0..12 {
            shards[i % 3].merge(document(i, SMALL));
        }
        let mut merged = Graph::with_limits(SMALL);
        for shard in shards.into_iter().rev() {
            merged.merge(shard);
        }
        assert_eq!(json(&merged), one);
        let mut replayed = Graph::with_limits(SMALL);
        for batch in (0..12).collect::<Vec<_>>().chunks(5).rev() {
            let mut b = Graph::with_limits(SMALL);
            for &i in batch {
                b.merge(document(i, SMALL));
            }
            let line = serde_json::to_string(&b.to_node_link(&BTreeMap::new())).unwrap();
            replayed.merge(Graph::from_node_link(&serde_json::from_str(&line).unwrap()).unwrap());
        }
        assert_eq!(json(&replayed), one);
    }

    #[test]
    fn counts_and_limits_survive_node_link() {
        let mut g = Graph::with_limits(SMALL);
        for i in 0..9 {
            g.merge(document(i, SMALL));
        }
        let value = g.to_node_link(&BTreeMap::new());
        assert_eq!(value["nodes"][0]["documents"], 9);
        assert_eq!(value["links"][0]["evidence_count"], 18);
        assert_eq!(value["graph"]["evidence_per_edge"], 4);
        let back = Graph::from_node_link(&value).unwrap();
        assert_eq!(back.limits, SMALL);
        assert_eq!(json(&back), json(&g));
        // A graph.json from before the counts: the lists' lengths are the counts.
        let mut old = value.clone();
        old["links"][0]
            .as_object_mut()
            .unwrap()
            .remove("evidence_count");
        let back = Graph::from_node_link(&old).unwrap();
        assert_eq!(back.edges.values().next().unwrap().evidence_count, 4);
    }

    #[test]
    fn graph_json_is_written_streaming_with_the_bytes_of_the_whole_value() {
        let meta = BTreeMap::from([("model".to_string(), json!({"name": "m", "n": [1, 2]}))]);
        let mut full = Graph::with_limits(SMALL);
        for i in 0..5 {
            full.merge(document(i, SMALL));
        }
        for g in [Graph::default(), shard("a", "Putin", 3, Some("RU")), full] {
            let mut streamed = Vec::new();
            g.write_node_link(&meta, &mut streamed).unwrap();
            let whole = serde_json::to_string_pretty(&g.to_node_link(&meta)).unwrap() + "\n";
            assert_eq!(String::from_utf8(streamed).unwrap(), whole);
        }
    }
}

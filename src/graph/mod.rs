//! The graph: nodes and edges with provenance, merged across documents deterministically.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::sync::{OnceLock, RwLock};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::relations::Modality;
use crate::resolve::{EntityType, Resolved};
use crate::text::CharOffsets;

mod acronyms;
pub mod kinds;
mod node_link;
mod tag;

pub use acronyms::AcronymJoins;
pub use kinds::{RelationKind, RelationKinds};
pub use node_link::{NodeLinkError, OWN_GRAPH_KEYS};
pub use tag::Tag;

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
    #[serde(with = "tag::parse_tokens")]
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
    /// The run-wide acronym table: acronym id -> long form id -> documents defining it so
    /// (`graph::acronyms`). Merged like the rest; joined by [`Graph::join_acronyms`].
    pub acronyms: BTreeMap<String, BTreeMap<String, usize>>,
    /// Acronym ids joined to their long form's id, once the final graph is written.
    pub acronyms_joined: BTreeMap<String, String>,
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
        self.add_acronyms(&resolved.acronyms);
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
        self.merge_from(&other);
    }

    /// [`Graph::merge`] from a borrowed graph: what is new here is copied, what is known
    /// is counted (a run merges each document's graph, which the store also reads).
    pub fn merge_from(&mut self, other: &Graph) {
        self.documents += other.documents;
        for (acronym, longs) in &other.acronyms {
            let mine = self.acronyms.entry(acronym.clone()).or_default();
            for (long, n) in longs {
                *mine.entry(long.clone()).or_default() += n;
            }
        }
        for (acronym, long) in &other.acronyms_joined {
            self.acronyms_joined.insert(acronym.clone(), long.clone());
        }
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
        for (id, node) in &other.nodes {
            let Some(mine) = self.nodes.get_mut(id) else {
                self.add_node(node.clone());
                continue;
            };
            for alias in &node.aliases {
                if !mine.aliases.contains(alias) {
                    mine.aliases.insert(alias.clone());
                }
            }
            mine.mentions += node.mentions;
            mine.documents += node.documents.max(node.docs.len());
            keep_first(&mut mine.docs, node.docs.iter().cloned(), keep);
            for (name, n) in &node.names {
                match mine.names.get_mut(name) {
                    Some(count) => *count += n,
                    None => {
                        mine.names.insert(name.clone(), *n);
                    }
                }
            }
            if !node.names.is_empty() {
                mine.label = best_name(&mine.names);
            }
            mine.country = first_country(mine.country.take(), node.country.clone());
        }
        let keep = limits.evidence_per_edge;
        for (key, edge) in &other.edges {
            let Some(existing) = self.edges.get_mut(key) else {
                self.add_edge(edge.clone());
                continue;
            };
            // A graph's edges hold their evidence sorted and distinct (`add_edge`).
            existing.evidence_count += edge.evidence_count.max(edge.evidence.len());
            for ev in &edge.evidence {
                match existing.evidence.binary_search(ev) {
                    Err(at) if at < keep => existing.evidence.insert(at, ev.clone()),
                    _ => {}
                }
            }
            existing.evidence.truncate(keep);
        }
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
mod tests;

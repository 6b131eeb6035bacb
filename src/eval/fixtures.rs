//! Fixture evaluation: score a document's graph against its hand-labelled graph (ANNOTATION.md).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::eval::{Counts, Table};
use crate::graph::{Edge, Graph, Node, NodeKind};
use crate::relations::rules::RelationType;
use crate::relations::RuleSet;
use crate::resolve::{Entity, EntityType, Resolved};
use crate::text::Span;

/// An id or a list of ids, any of which is accepted.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn ids(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct GoldEntity {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub optional: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct GoldRelation {
    #[serde(rename = "type")]
    pub kind: String,
    pub source: OneOrMany,
    pub target: Option<OneOrMany>,
    pub figure: Option<f64>,
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub evidence: String,
}

/// One hand-labelled document.
#[derive(Clone, Debug, Deserialize)]
pub struct Fixture {
    pub id: String,
    pub text_file: String,
    pub entities: Vec<GoldEntity>,
    #[serde(default)]
    pub relations: Vec<GoldRelation>,
}

/// A fixture with its text, ready to run.
#[derive(Clone, Debug)]
pub struct LoadedFixture {
    pub path: PathBuf,
    pub fixture: Fixture,
    pub text: String,
}

/// Why a fixture directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("{}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: no *.json fixtures", .0.display())]
    Empty(PathBuf),
    #[error("{}: {error}", path.display())]
    Json {
        path: PathBuf,
        error: serde_json::Error,
    },
}

/// Every `*.json` fixture in `dir`, sorted by file name, with its text file.
pub fn load_dir(dir: &Path) -> Result<Vec<LoadedFixture>, FixtureError> {
    let read_error = |path: &Path| {
        let path = path.to_path_buf();
        move |error| FixtureError::Read { path, error }
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_error(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(FixtureError::Empty(dir.to_path_buf()));
    }
    paths
        .into_iter()
        .map(|path| {
            let raw = std::fs::read_to_string(&path).map_err(read_error(&path))?;
            let fixture: Fixture =
                serde_json::from_str(&raw).map_err(|error| FixtureError::Json {
                    path: path.clone(),
                    error,
                })?;
            let text_path = path.parent().unwrap_or(dir).join(&fixture.text_file);
            let text = std::fs::read_to_string(&text_path).map_err(read_error(&text_path))?;
            Ok(LoadedFixture {
                path,
                fixture,
                text,
            })
        })
        .collect()
}

/// Entity and relation counts per type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FixtureCounts {
    pub entities: BTreeMap<String, Counts>,
    pub relations: BTreeMap<String, Counts>,
}

impl FixtureCounts {
    pub fn add(&mut self, other: &FixtureCounts) {
        for (k, c) in &other.entities {
            self.entities.entry(k.clone()).or_default().add(*c);
        }
        for (k, c) in &other.relations {
            self.relations.entry(k.clone()).or_default().add(*c);
        }
    }

    pub fn tables(&self) -> (Table, Table) {
        (
            Table::from_counts(&self.entities),
            Table::from_counts(&self.relations),
        )
    }
}

/// The fixture's own entities as the resolution of its text: every whole-word occurrence of
/// an alias (longest alias first, no overlaps) is a mention. Lets the relation rules be
/// scored alone, without a model (`eval fixtures --gold-entities`).
pub fn gold_resolved(fixture: &Fixture, text: &str) -> Resolved {
    let mut aliases: Vec<(&str, usize)> = fixture
        .entities
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            e.aliases
                .iter()
                .chain(std::iter::once(&e.name))
                .map(move |a| (a.as_str(), i))
        })
        .filter(|(a, _)| !a.trim().is_empty())
        .collect();
    aliases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.cmp(b)));
    aliases.dedup();
    let mut taken: Vec<Span> = Vec::new();
    let mut mentions: Vec<Vec<Span>> = vec![Vec::new(); fixture.entities.len()];
    for (alias, entity) in aliases {
        for (at, _) in text.match_indices(alias) {
            let span = Span::new(at, at + alias.len());
            let word_start = text[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
            let word_end = text[span.end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
            let free = taken
                .iter()
                .all(|t| t.end <= span.start || span.end <= t.start);
            if word_start && word_end && free {
                taken.push(span);
                mentions[entity].push(span);
            }
        }
    }
    let mut resolved = Resolved::default();
    for (e, mut spans) in fixture.entities.iter().zip(mentions) {
        let kind = match e.kind.as_str() {
            "person" => EntityType::Person,
            "state" => EntityType::State,
            "organisation" => EntityType::Organisation,
            _ => continue,
        };
        if spans.is_empty() {
            continue;
        }
        spans.sort();
        resolved.entities.push(Entity {
            id: e.id.clone(),
            name: e.name.clone(),
            kind,
            aliases: e.aliases.iter().cloned().collect(),
            mentions: spans,
            tokens: Vec::new(),
            country: None,
        });
    }
    resolved
}

/// Case-insensitive, whitespace and apostrophes normalised.
pub fn normalise_name(name: &str) -> String {
    name.to_lowercase()
        .replace(crate::lists::APOSTROPHES, "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// What scoring made of one predicted node or edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The first to match this required gold item (an index into the fixture's entities or
    /// relations): a true positive.
    Hit(usize),
    /// Counted as predicted without a free required gold item to match: a false positive.
    False,
    /// Matches only optional gold items: neither a hit nor a false positive.
    Optional,
}

/// How a graph's nodes and edges matched a fixture: the one account that both the scores
/// and `eval fixtures --explain` read, so that the two never disagree.
#[derive(Clone, Debug)]
pub struct Matching<'a> {
    pub fixture: &'a Fixture,
    pub graph: &'a Graph,
    /// The rules the graph was made with: which relation types are directed, which
    /// credit figures.
    pub rules: &'a RuleSet,
    /// Per gold entity, its normalised names (aliases and name).
    pub gold_names: Vec<BTreeSet<String>>,
    /// Per entity node id, the gold entities it names (type and a name agree).
    pub node_gold: BTreeMap<&'a str, Vec<usize>>,
    /// Every entity node (claims excluded), in id order, with its outcome.
    pub nodes: Vec<(&'a Node, Outcome)>,
    /// Every edge, in key order, with its outcome.
    pub edges: Vec<(&'a Edge, Outcome)>,
    gold_index: BTreeMap<&'a str, usize>,
}

impl<'a> Matching<'a> {
    /// Whether node `node` names one of the gold entities `ids`.
    pub fn names_any(&self, node: &str, ids: &OneOrMany) -> bool {
        self.node_gold.get(node).is_some_and(|gs| {
            ids.ids()
                .iter()
                .filter_map(|id| self.gold_index.get(id))
                .any(|g| gs.contains(g))
        })
    }

    /// The figure of a claim edge's target node.
    pub fn figure(&self, edge: &Edge) -> Option<f64> {
        self.graph.nodes.get(&edge.target).and_then(|n| n.value)
    }

    /// The rules' declaration of relation type `kind` (`directed`, `figure`), if any.
    pub fn relation_type(&self, kind: &str) -> Option<&'a RelationType> {
        self.rules.relations.get(kind)
    }

    /// Whether relation type `kind` credits figures (`claims`), as the rules declare.
    pub fn is_figure(&self, kind: &str) -> bool {
        self.relation_type(kind).is_some_and(|t| t.figure)
    }

    /// Whether relation type `kind` is directed (`meets` is not), as the rules declare; a
    /// type the rules do not name is directed.
    pub fn is_directed(&self, kind: &str) -> bool {
        self.relation_type(kind).is_none_or(|t| t.directed)
    }

    /// Whether `edge` matches gold relation `r` (ANNOTATION.md): same type, ends naming
    /// the gold ends (either way round for an undirected type such as `meets`), or for a
    /// figure type (`claims`) the source and value.
    pub fn edge_matches(&self, edge: &Edge, r: &GoldRelation) -> bool {
        if r.kind != edge.relation {
            return false;
        }
        if self.is_figure(&edge.relation) {
            return self.names_any(&edge.source, &r.source)
                && match (self.figure(edge), r.figure) {
                    (Some(v), Some(f)) => (f - v).abs() < 1e-6,
                    _ => false,
                };
        }
        let undirected = !self.is_directed(&edge.relation);
        r.target.as_ref().is_some_and(|t| {
            (self.names_any(&edge.source, &r.source) && self.names_any(&edge.target, t))
                || (undirected
                    && self.names_any(&edge.target, &r.source)
                    && self.names_any(&edge.source, t))
        })
    }

    /// The node that hit gold entity `gold`, if any.
    pub fn entity_hit_by(&self, gold: usize) -> Option<&'a Node> {
        self.nodes
            .iter()
            .find(|(_, o)| *o == Outcome::Hit(gold))
            .map(|(n, _)| *n)
    }

    /// The edge that hit gold relation `gold`, if any.
    pub fn relation_hit_by(&self, gold: usize) -> Option<&'a Edge> {
        self.edges
            .iter()
            .find(|(_, o)| *o == Outcome::Hit(gold))
            .map(|(e, _)| *e)
    }

    /// The counts the outcomes add up to.
    pub fn counts(&self) -> FixtureCounts {
        let mut out = FixtureCounts::default();
        for kind in ["person", "state", "organisation"] {
            out.entities.insert(kind.into(), Counts::default());
        }
        // The relation types of ANNOTATION.md always have a row, whichever rules ran.
        for kind in ["sanctions", "meets", "claims"] {
            out.relations.insert(kind.into(), Counts::default());
        }
        for (node, outcome) in &self.nodes {
            count(&mut out.entities, node.kind.as_str(), *outcome);
        }
        for e in self.fixture.entities.iter().filter(|e| !e.optional) {
            out.entities.entry(e.kind.clone()).or_default().gold += 1;
        }
        for (edge, outcome) in &self.edges {
            count(&mut out.relations, &edge.relation, *outcome);
        }
        for r in self.fixture.relations.iter().filter(|r| !r.optional) {
            out.relations.entry(r.kind.clone()).or_default().gold += 1;
        }
        out
    }
}

fn count(counts: &mut BTreeMap<String, Counts>, kind: &str, outcome: Outcome) {
    if outcome == Outcome::Optional {
        return;
    }
    let c = counts.entry(kind.to_string()).or_default();
    c.predicted += 1;
    if let Outcome::Hit(_) = outcome {
        c.tp += 1;
    }
}

/// The outcome of a prediction matching the gold items `candidates`: the first free
/// required one is hit; with none required it is neutral; with all taken it is false.
fn outcome(candidates: &[usize], optional: impl Fn(usize) -> bool, hit: &mut [bool]) -> Outcome {
    let required: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| !optional(i))
        .collect();
    if required.is_empty() && !candidates.is_empty() {
        return Outcome::Optional;
    }
    match required.iter().find(|&&i| !hit[i]) {
        Some(&i) => {
            hit[i] = true;
            Outcome::Hit(i)
        }
        None => Outcome::False,
    }
}

/// Matches `graph` against `fixture` by the rules of ANNOTATION.md.
pub fn match_graph<'a>(fixture: &'a Fixture, graph: &'a Graph, rules: &'a RuleSet) -> Matching<'a> {
    let gold_names: Vec<BTreeSet<String>> = fixture
        .entities
        .iter()
        .map(|e| {
            e.aliases
                .iter()
                .chain(std::iter::once(&e.name))
                .map(|a| normalise_name(a))
                .collect()
        })
        .collect();
    let gold_index = fixture
        .entities
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut m = Matching {
        fixture,
        graph,
        rules,
        gold_names,
        node_gold: BTreeMap::new(),
        nodes: Vec::new(),
        edges: Vec::new(),
        gold_index,
    };

    let mut hit = vec![false; fixture.entities.len()];
    for node in graph.nodes.values().filter(|n| n.kind != NodeKind::Claim) {
        let names: BTreeSet<String> = node
            .aliases
            .iter()
            .chain(std::iter::once(&node.label))
            .map(|a| normalise_name(a))
            .collect();
        let matches: Vec<usize> = fixture
            .entities
            .iter()
            .enumerate()
            .filter(|(i, e)| e.kind == node.kind.as_str() && !m.gold_names[*i].is_disjoint(&names))
            .map(|(i, _)| i)
            .collect();
        let o = outcome(&matches, |i| fixture.entities[i].optional, &mut hit);
        m.node_gold.insert(node.id.as_str(), matches);
        m.nodes.push((node, o));
    }

    // Relations: endpoints compared through the gold entities each node names.
    let mut rel_hit = vec![false; fixture.relations.len()];
    let mut edges = Vec::new();
    for edge in graph.edges.values() {
        let candidates: Vec<usize> = fixture
            .relations
            .iter()
            .enumerate()
            .filter(|(_, r)| m.edge_matches(edge, r))
            .map(|(i, _)| i)
            .collect();
        let o = outcome(&candidates, |i| fixture.relations[i].optional, &mut rel_hit);
        edges.push((edge, o));
    }
    m.edges = edges;
    m
}

/// Scores `graph` against `fixture` by the rules of ANNOTATION.md.
pub fn score(fixture: &Fixture, graph: &Graph, rules: &RuleSet) -> FixtureCounts {
    match_graph(fixture, graph, rules).counts()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Evidence;
    use crate::relations::Modality;

    fn fixture() -> Fixture {
        serde_json::from_str(
            r#"{"id": "t", "text_file": "t.txt",
            "entities": [
              {"id": "putin", "type": "person", "name": "Vladimir Putin", "aliases": ["Vladimir Putin", "Putin"]},
              {"id": "uk", "type": "state", "name": "United Kingdom", "aliases": ["UK", "Britain"]},
              {"id": "eu", "type": "organisation", "name": "European Union", "aliases": ["EU"]},
              {"id": "fb", "type": "organisation", "name": "Facebook", "aliases": ["Facebook"], "optional": true}
            ],
            "relations": [
              {"type": "sanctions", "source": ["uk"], "target": "putin"},
              {"type": "meets", "source": "putin", "target": ["eu"]},
              {"type": "claims", "source": "putin", "figure": 137}
            ]}"#,
        )
        .unwrap()
    }

    fn entity(id: &str, name: &str, kind: EntityType, aliases: &[&str]) -> Entity {
        Entity {
            id: id.into(),
            name: name.into(),
            kind,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            mentions: vec![Span::new(0, 1)],
            tokens: Vec::new(),
            country: None,
        }
    }

    fn edge(source: &str, target: &str, relation: &str) -> Edge {
        Edge {
            source: source.into(),
            target: target.into(),
            relation: relation.into(),
            modality: Modality::Asserted,
            evidence_count: 1,
            evidence: vec![Evidence {
                doc: "t".into(),
                start: 0,
                end: 1,
                sentence: String::new(),
                rule: "test".into(),
                date: None,
                path: None,
                parse: None,
            }],
        }
    }

    #[test]
    fn duplicates_count_one_hit_and_one_false_positive() {
        let mut graph = Graph::default();
        let resolved = Resolved {
            entities: vec![
                entity(
                    "person:vladimir-putin",
                    "Vladimir Putin",
                    EntityType::Person,
                    &["Vladimir Putin"],
                ),
                entity("person:putin", "Putin", EntityType::Person, &["Putin"]),
                entity(
                    "state:GB",
                    "United Kingdom",
                    EntityType::State,
                    &["Britain"],
                ),
                entity(
                    "organisation:facebook",
                    "Facebook",
                    EntityType::Organisation,
                    &["facebook"],
                ),
                entity("organisation:eu", "EU", EntityType::State, &["EU"]),
            ],
            mention_entity: vec![],
            ..Default::default()
        };
        graph.add_entities("t", &resolved);
        let counts = score(&fixture(), &graph, &RuleSet::builtin());
        assert_eq!(
            counts.entities["person"],
            Counts {
                tp: 1,
                predicted: 2,
                gold: 1
            }
        );
        assert_eq!(
            counts.entities["state"],
            Counts {
                tp: 1,
                predicted: 2,
                gold: 1
            }
        );
        // Facebook matches optional gold: neutral. The EU typed as a state is a miss.
        assert_eq!(
            counts.entities["organisation"],
            Counts {
                tp: 0,
                predicted: 0,
                gold: 1
            }
        );
    }

    #[test]
    fn relations_match_through_entities_meets_is_undirected_claims_by_value() {
        let mut graph = Graph::default();
        let resolved = Resolved {
            entities: vec![
                entity("person:putin", "Putin", EntityType::Person, &["Putin"]),
                entity("state:GB", "United Kingdom", EntityType::State, &["UK"]),
                entity(
                    "organisation:eu",
                    "European Union",
                    EntityType::Organisation,
                    &["EU"],
                ),
            ],
            mention_entity: vec![],
            ..Default::default()
        };
        graph.add_entities("t", &resolved);
        let mut claim = graph.nodes["person:putin"].clone();
        claim.id = "claim:1".into();
        claim.kind = NodeKind::Claim;
        claim.value = Some(137.0);
        graph.add_node(claim);
        graph.add_edge(edge("state:GB", "person:putin", "sanctions"));
        graph.add_edge(edge("person:putin", "state:GB", "sanctions"));
        graph.add_edge(edge("organisation:eu", "person:putin", "meets"));
        graph.add_edge(edge("person:putin", "claim:1", "claims"));
        let counts = score(&fixture(), &graph, &RuleSet::builtin());
        assert_eq!(
            counts.relations["sanctions"],
            Counts {
                tp: 1,
                predicted: 2,
                gold: 1
            }
        );
        assert_eq!(
            counts.relations["meets"],
            Counts {
                tp: 1,
                predicted: 1,
                gold: 1
            }
        );
        assert_eq!(
            counts.relations["claims"],
            Counts {
                tp: 1,
                predicted: 1,
                gold: 1
            }
        );
    }

    #[test]
    fn gold_entities_resolve_whole_words_longest_alias_first() {
        let text = "Vladimir Putin met Putinova. Putin left the UK for Britain.";
        let resolved = gold_resolved(&fixture(), text);
        let ids: Vec<&str> = resolved.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, vec!["putin", "uk"]);
        let spans: Vec<&str> = resolved.entities[0]
            .mentions
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(spans, vec!["Vladimir Putin", "Putin"]);
        assert_eq!(resolved.entities[1].mentions.len(), 2);
    }
}

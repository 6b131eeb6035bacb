//! `eval fixtures --explain`: the items behind a fixture's scores. Every missed gold entity
//! and relation, every false predicted one, and the correct relations, each with the text
//! that shows why, and notes on near misses (an edge of another type between the same
//! ends, the other direction, another figure). It reads the same [`Matching`] the scores
//! are counted from, so the missed and false items it lists are exactly those the scores
//! count: per type, gold - tp missed and predicted - tp false.

use serde::Serialize;

use crate::eval::fixtures::{gold_resolved, match_graph, Fixture, GoldRelation, Matching, Outcome};
use crate::graph::{Edge, Graph, Node, NodeKind};
use crate::relations::Modality;
use crate::resolve::Resolved;
use crate::text::{sentences, Span};

/// How an item fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// A required gold item no prediction matched.
    Missed,
    /// A prediction that counts against precision.
    False,
    /// A prediction that matched a required gold item.
    Correct,
}

impl Verdict {
    fn as_str(self) -> &'static str {
        match self {
            Verdict::Missed => "missed",
            Verdict::False => "false",
            Verdict::Correct => "correct",
        }
    }
}

/// A missed gold entity or a false predicted one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityItem {
    pub verdict: Verdict,
    #[serde(rename = "type")]
    pub kind: String,
    /// The gold entity's id (missed) or the node's id (false).
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// A sentence of the text that mentions it, when one is found.
    pub sentence: Option<String>,
    /// Near misses and other hints, in plain words.
    pub notes: Vec<String>,
}

/// Where the rules found a predicted edge: one per piece of its evidence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Found {
    pub rule: String,
    /// The dependency path a syntax rule matched.
    pub path: Option<String>,
    pub sentence: String,
    /// "asserted" or "planned".
    pub modality: Modality,
}

/// A missed gold relation, or a false or correct predicted edge.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelationItem {
    pub verdict: Verdict,
    #[serde(rename = "type")]
    pub kind: String,
    /// The source's name (gold: every acceptable entity's, joined by " | ").
    pub source: String,
    /// Gold entity ids (missed) or the node id (false, correct).
    pub source_ids: Vec<String>,
    /// The target's name, or for `claims` the figure as text.
    pub target: String,
    pub target_ids: Vec<String>,
    /// `claims` only: the figure.
    pub figure: Option<f64>,
    /// The gold relation's `evidence` (missed and correct items).
    pub evidence: Option<String>,
    /// The sentence of the text that holds the gold evidence, when it is found there.
    pub sentence: Option<String>,
    /// Where the rules found the edge (false and correct items).
    pub found: Vec<Found>,
    pub notes: Vec<String>,
}

/// One document's explanation. Entities: missed (fixture order), then false (node id
/// order). Relations: missed (fixture order), then false and correct (edge key order).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocExplanation {
    pub doc: String,
    pub entities: Vec<EntityItem>,
    pub relations: Vec<RelationItem>,
}

impl DocExplanation {
    pub fn relations_with(&self, verdict: Verdict) -> usize {
        self.relations
            .iter()
            .filter(|r| r.verdict == verdict)
            .count()
    }

    pub fn entities_with(&self, verdict: Verdict) -> usize {
        self.entities
            .iter()
            .filter(|e| e.verdict == verdict)
            .count()
    }

    /// Plain text, one item a line with its details indented under it.
    pub fn render(&self) -> String {
        let mut out = format!(
            "== {}: entities {} missed, {} false; relations {} missed, {} false, {} correct\n",
            self.doc,
            self.entities_with(Verdict::Missed),
            self.entities_with(Verdict::False),
            self.relations_with(Verdict::Missed),
            self.relations_with(Verdict::False),
            self.relations_with(Verdict::Correct),
        );
        for e in &self.entities {
            out.push_str(&format!(
                "entity {:<7} {} \"{}\" [{}] aliases: {}\n",
                e.verdict.as_str(),
                e.kind,
                e.name,
                e.id,
                e.aliases.join(", ")
            ));
            if let Some(s) = &e.sentence {
                out.push_str(&format!("    sentence: {}\n", one_line(s)));
            }
            for n in &e.notes {
                out.push_str(&format!("    note: {n}\n"));
            }
        }
        for r in &self.relations {
            let arrow = if r.kind == "meets" { "--" } else { "->" };
            out.push_str(&format!(
                "relation {:<7} {} {} {arrow} {}\n",
                r.verdict.as_str(),
                r.kind,
                r.source,
                r.target
            ));
            if let Some(e) = &r.evidence {
                out.push_str(&format!("    evidence: \"{}\"\n", one_line(e)));
            }
            // A correct edge found in the gold evidence's own sentence says it once.
            if let Some(s) = r
                .sentence
                .as_ref()
                .filter(|s| r.found.iter().all(|f| &f.sentence != *s))
            {
                out.push_str(&format!("    sentence: {}\n", one_line(s)));
            }
            for f in &r.found {
                let mut line = format!("    rule: {}", f.rule);
                if f.modality != Modality::Asserted {
                    line.push_str(&format!(" ({})", f.modality));
                }
                if let Some(p) = &f.path {
                    line.push_str(&format!("  path: {p}"));
                }
                out.push_str(&line);
                out.push('\n');
                out.push_str(&format!("      in: {}\n", one_line(&f.sentence)));
            }
            for n in &r.notes {
                out.push_str(&format!("    note: {n}\n"));
            }
        }
        out
    }
}

/// Whitespace runs (the wrapping of plain-text archives) made one space.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The document's text with its sentences, for finding where things are said.
struct Located<'t> {
    text: &'t str,
    sentences: Vec<Span>,
}

impl<'t> Located<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            sentences: sentences(text),
        }
    }

    /// The sentences covering byte span `span`, joined (an evidence may run over two).
    fn sentence_of(&self, span: Span) -> Option<String> {
        let covering: Vec<&Span> = self
            .sentences
            .iter()
            .filter(|s| s.start < span.end.max(span.start + 1) && span.start < s.end)
            .collect();
        let (first, last) = (covering.first()?, covering.last()?);
        Some(self.text[first.start..last.end].to_string())
    }

    /// Where `needle` occurs in the text, whitespace runs on either side compared as one
    /// space: fixtures quote evidence on one line, texts are often wrapped.
    fn find(&self, needle: &str) -> Option<Span> {
        let needle = one_line(needle);
        if needle.is_empty() {
            return None;
        }
        // The text with whitespace runs collapsed, and each of its bytes' offset in the text.
        let mut flat = String::with_capacity(self.text.len());
        let mut origin = Vec::with_capacity(self.text.len());
        let mut in_space = false;
        for (at, c) in self.text.char_indices() {
            if c.is_whitespace() {
                if !in_space {
                    flat.push(' ');
                    origin.push(at);
                }
                in_space = true;
            } else {
                flat.push(c);
                origin.extend(std::iter::repeat_n(at, c.len_utf8()));
                in_space = false;
            }
        }
        let at = flat.find(&needle)?;
        let last = origin[at + needle.len() - 1];
        let end = last + self.text[last..].chars().next().map_or(1, char::len_utf8);
        Some(Span::new(origin[at], end))
    }

    /// The sentence holding the first whole-word occurrence of `name`.
    fn sentence_naming(&self, name: &str) -> Option<String> {
        if name.trim().is_empty() {
            return None;
        }
        let (at, _) = self.text.match_indices(name).find(|(at, _)| {
            let before = self.text[..*at].chars().next_back();
            let after = self.text[at + name.len()..].chars().next();
            before.is_none_or(|c| !c.is_alphanumeric())
                && after.is_none_or(|c| !c.is_alphanumeric())
        })?;
        self.sentence_of(Span::new(at, at + name.len()))
    }
}

/// Explains how `graph`, extracted from `text`, scores against `fixture`. `resolved` (the
/// entities the pipeline resolved, with their mention spans in `text`) gives the sentence
/// that mentions a false entity; without it the first occurrence of its name does.
pub fn explain(
    fixture: &Fixture,
    text: &str,
    graph: &Graph,
    resolved: Option<&Resolved>,
) -> DocExplanation {
    let m = match_graph(fixture, graph);
    let located = Located::new(text);
    DocExplanation {
        doc: fixture.id.clone(),
        entities: entity_items(&m, &located, resolved),
        relations: relation_items(&m, &located),
    }
}

fn entity_items(m: &Matching, located: &Located, resolved: Option<&Resolved>) -> Vec<EntityItem> {
    let fixture = m.fixture;
    let mut out = Vec::new();
    // Where the gold entities are mentioned: their aliases, found as the gold-entity mode
    // finds them.
    let gold_mentions = gold_resolved(fixture, located.text);
    for (g, gold) in fixture.entities.iter().enumerate() {
        if gold.optional || m.entity_hit_by(g).is_some() {
            continue;
        }
        let sentence = gold_mentions
            .entities
            .iter()
            .find(|e| e.id == gold.id)
            .and_then(|e| e.mentions.first())
            .and_then(|&span| located.sentence_of(span))
            // An alias shared with another gold entity is taken by that one there.
            .or_else(|| {
                gold.aliases
                    .iter()
                    .chain(std::iter::once(&gold.name))
                    .find_map(|a| located.sentence_naming(a))
            });
        let mut notes = Vec::new();
        // A node names it but was counted for another gold entity it also names.
        for (node, outcome) in &m.nodes {
            if let (true, Outcome::Hit(other)) = (
                m.node_gold
                    .get(node.id.as_str())
                    .is_some_and(|gs| gs.contains(&g)),
                outcome,
            ) {
                notes.push(format!(
                    "[{}] names it too, but was counted for gold \"{}\"",
                    node.id, fixture.entities[*other].name
                ));
            }
        }
        for (node, _) in &m.nodes {
            if node.kind.as_str() != gold.kind && !m.gold_names[g].is_disjoint(&node_names(node)) {
                notes.push(format!(
                    "predicted as {} \"{}\" [{}]",
                    node.kind, node.label, node.id
                ));
            }
        }
        if sentence.is_none() {
            notes.push("no alias of it occurs as a whole word in the text".to_string());
        }
        out.push(EntityItem {
            verdict: Verdict::Missed,
            kind: gold.kind.clone(),
            id: gold.id.clone(),
            name: gold.name.clone(),
            aliases: gold.aliases.clone(),
            sentence,
            notes,
        });
    }
    for (node, outcome) in &m.nodes {
        if *outcome != Outcome::False {
            continue;
        }
        let mention = resolved
            .and_then(|r| r.entities.iter().find(|e| e.id == node.id))
            .and_then(|e| e.mentions.first().copied());
        let sentence = match mention {
            Some(span) => located.sentence_of(span),
            None => located.sentence_naming(&node.label),
        };
        let mut notes = Vec::new();
        let names = node_names(node);
        for &g in m.node_gold.get(node.id.as_str()).into_iter().flatten() {
            if let Some(other) = m.entity_hit_by(g) {
                notes.push(format!(
                    "duplicate: gold \"{}\" is already matched by [{}]; their aliases were not merged",
                    fixture.entities[g].name, other.id
                ));
            }
        }
        for (g, gold) in fixture.entities.iter().enumerate() {
            if gold.kind != node.kind.as_str() && !m.gold_names[g].is_disjoint(&names) {
                notes.push(format!(
                    "gold has \"{}\" as {} [{}]",
                    gold.name, gold.kind, gold.id
                ));
            }
        }
        out.push(EntityItem {
            verdict: Verdict::False,
            kind: node.kind.to_string(),
            id: node.id.clone(),
            name: node.label.clone(),
            aliases: node.aliases.iter().cloned().collect(),
            sentence,
            notes,
        });
    }
    out
}

fn node_names(node: &Node) -> std::collections::BTreeSet<String> {
    node.aliases
        .iter()
        .chain(std::iter::once(&node.label))
        .map(|a| crate::eval::fixtures::normalise_name(a))
        .collect()
}

/// How a predicted edge nearly matches a gold relation it does not match.
enum Near {
    /// Another relation type between the same two ends.
    OtherType,
    /// The same directed relation the other way round.
    Reversed,
    /// A claim by the same source of another figure.
    OtherFigure,
    /// The same figure credited to another source.
    OtherSource,
}

fn near(m: &Matching, edge: &Edge, r: &GoldRelation) -> Option<Near> {
    if m.edge_matches(edge, r) {
        return None;
    }
    let ends = |s: &str, t: &str| {
        m.names_any(s, &r.source) && r.target.as_ref().is_some_and(|ts| m.names_any(t, ts))
    };
    let forward = ends(&edge.source, &edge.target);
    let backward = ends(&edge.target, &edge.source);
    if edge.relation != r.kind {
        return (forward || backward).then_some(Near::OtherType);
    }
    if r.kind == "claims" {
        let same_figure =
            matches!((m.figure(edge), r.figure), (Some(v), Some(f)) if (f - v).abs() < 1e-6);
        return if m.names_any(&edge.source, &r.source) {
            Some(Near::OtherFigure)
        } else if same_figure {
            Some(Near::OtherSource)
        } else {
            None
        };
    }
    (backward && r.kind != "meets").then_some(Near::Reversed)
}

fn node_name(graph: &Graph, id: &str) -> String {
    match graph.nodes.get(id) {
        Some(n) if n.kind == NodeKind::Claim => figure_text(n.value, n.unit.as_deref()),
        Some(n) => n.label.clone(),
        None => id.to_string(),
    }
}

fn figure_text(value: Option<f64>, unit: Option<&str>) -> String {
    match (value, unit) {
        (Some(v), Some(u)) => format!("{v} {u}"),
        (Some(v), None) => format!("{v}"),
        (None, _) => "?".to_string(),
    }
}

/// An edge in a few words, for notes: "sanctions UK -> Putin (rule sanctions.impose)".
fn describe_edge(m: &Matching, edge: &Edge) -> String {
    let arrow = if edge.relation == "meets" { "--" } else { "->" };
    let rules: Vec<&str> = edge.evidence.iter().map(|e| e.rule.as_str()).collect();
    format!(
        "{} {} {arrow} {} (rule {})",
        edge.relation,
        node_name(m.graph, &edge.source),
        node_name(m.graph, &edge.target),
        rules.join(", ")
    )
}

fn gold_names(m: &Matching, ids: &[&str]) -> String {
    ids.iter()
        .map(|id| {
            m.fixture
                .entities
                .iter()
                .find(|e| e.id == *id)
                .map_or_else(|| id.to_string(), |e| e.name.clone())
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn describe_gold(m: &Matching, r: &GoldRelation) -> String {
    let arrow = if r.kind == "meets" { "--" } else { "->" };
    let target = match &r.target {
        Some(t) => gold_names(m, &t.ids()),
        None => figure_text(r.figure, None),
    };
    format!(
        "{} {} {arrow} {target}",
        r.kind,
        gold_names(m, &r.source.ids())
    )
}

fn found(edge: &Edge) -> Vec<Found> {
    edge.evidence
        .iter()
        .map(|e| Found {
            rule: e.rule.clone(),
            path: e.path.clone(),
            sentence: e.sentence.clone(),
            modality: edge.modality,
        })
        .collect()
}

fn relation_items(m: &Matching, located: &Located) -> Vec<RelationItem> {
    let fixture = m.fixture;
    let mut out = Vec::new();
    let gold_sentence = |r: &GoldRelation| {
        located
            .find(&r.evidence)
            .and_then(|span| located.sentence_of(span))
    };
    for (i, r) in fixture.relations.iter().enumerate() {
        if r.optional || m.relation_hit_by(i).is_some() {
            continue;
        }
        let mut notes = Vec::new();
        let mut ends = vec![("source", &r.source)];
        ends.extend(r.target.as_ref().map(|t| ("target", t)));
        for (end, ids) in ends {
            if !m.nodes.iter().any(|(n, _)| m.names_any(&n.id, ids)) {
                notes.push(format!(
                    "the {end} {} is not in the graph",
                    gold_names(m, &ids.ids())
                ));
            }
        }
        for (edge, _) in &m.edges {
            if m.edge_matches(edge, r) {
                notes.push(format!(
                    "matched by {} but counted for another gold relation (a duplicate in the fixture?)",
                    describe_edge(m, edge)
                ));
            }
            let what = match near(m, edge, r) {
                Some(Near::OtherType) => "another type between the same ends",
                Some(Near::Reversed) => "the other direction",
                Some(Near::OtherFigure) => "another figure from the same source",
                Some(Near::OtherSource) => "the same figure from another source",
                None => continue,
            };
            notes.push(format!(
                "near miss, {what}: predicted {}",
                describe_edge(m, edge)
            ));
        }
        out.push(RelationItem {
            verdict: Verdict::Missed,
            kind: r.kind.clone(),
            source: gold_names(m, &r.source.ids()),
            source_ids: r.source.ids().iter().map(|s| s.to_string()).collect(),
            target: match &r.target {
                Some(t) => gold_names(m, &t.ids()),
                None => figure_text(r.figure, None),
            },
            target_ids: r
                .target
                .iter()
                .flat_map(|t| t.ids())
                .map(str::to_string)
                .collect(),
            figure: r.figure,
            evidence: (!r.evidence.is_empty()).then(|| r.evidence.clone()),
            sentence: gold_sentence(r),
            found: Vec::new(),
            notes,
        });
    }
    for (edge, outcome) in &m.edges {
        let (verdict, gold) = match outcome {
            Outcome::Hit(i) => (Verdict::Correct, Some(&fixture.relations[*i])),
            Outcome::False => (Verdict::False, None),
            Outcome::Optional => continue,
        };
        let mut notes = Vec::new();
        if verdict == Verdict::False {
            let claim = edge.relation == "claims";
            let mut ends = vec![("source", &edge.source)];
            if !claim {
                ends.push(("target", &edge.target));
            }
            for (end, id) in ends {
                if m.node_gold.get(id.as_str()).is_none_or(Vec::is_empty) {
                    notes.push(format!(
                        "the {end} \"{}\" is not a gold entity",
                        node_name(m.graph, id)
                    ));
                }
            }
            // Matching a required gold relation yet false: another edge took it first.
            for r in fixture
                .relations
                .iter()
                .filter(|r| !r.optional && m.edge_matches(edge, r))
            {
                notes.push(format!(
                    "duplicate: gold {} is already matched by another edge",
                    describe_gold(m, r)
                ));
            }
            for r in &fixture.relations {
                let what = match near(m, edge, r) {
                    Some(Near::OtherType) => "gold has another type between the same ends",
                    Some(Near::Reversed) => "gold has the other direction",
                    Some(Near::OtherFigure) => "gold has another figure from the same source",
                    Some(Near::OtherSource) => "gold has the same figure from another source",
                    None => continue,
                };
                let optional = if r.optional { " (optional)" } else { "" };
                notes.push(format!(
                    "near miss, {what}: {}{optional}",
                    describe_gold(m, r)
                ));
            }
        }
        let figure = (edge.relation == "claims")
            .then(|| m.figure(edge))
            .flatten();
        out.push(RelationItem {
            verdict,
            kind: edge.relation.clone(),
            source: node_name(m.graph, &edge.source),
            source_ids: vec![edge.source.clone()],
            target: node_name(m.graph, &edge.target),
            target_ids: vec![edge.target.clone()],
            figure,
            evidence: gold
                .filter(|g| !g.evidence.is_empty())
                .map(|g| g.evidence.clone()),
            sentence: gold.and_then(gold_sentence),
            found: found(edge),
            notes,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::fixtures::score;
    use crate::graph::Evidence;
    use crate::resolve::{Entity, EntityType};

    const TEXT: &str = "The UK imposed sanctions on Vladimir Putin. Putin met\nMacron in Paris. \
                        Boris Johnson said 137 people were killed. Facebook said 5 accounts went.";

    fn fixture() -> Fixture {
        serde_json::from_str(
            r#"{"id": "t", "text_file": "t.txt",
            "entities": [
              {"id": "putin", "type": "person", "name": "Vladimir Putin", "aliases": ["Vladimir Putin", "Putin"]},
              {"id": "uk", "type": "state", "name": "United Kingdom", "aliases": ["UK"]},
              {"id": "macron", "type": "person", "name": "Emmanuel Macron", "aliases": ["Macron"]},
              {"id": "johnson", "type": "person", "name": "Boris Johnson", "aliases": ["Boris Johnson"]},
              {"id": "fb", "type": "organisation", "name": "Facebook", "aliases": ["Facebook"], "optional": true}
            ],
            "relations": [
              {"type": "sanctions", "source": "uk", "target": "putin",
               "evidence": "The UK imposed sanctions on Vladimir Putin"},
              {"type": "meets", "source": "putin", "target": ["macron"],
               "evidence": "Putin met Macron"},
              {"type": "claims", "source": "johnson", "figure": 137,
               "evidence": "Boris Johnson said 137 people were killed"},
              {"type": "claims", "source": "fb", "figure": 5, "optional": true,
               "evidence": "Facebook said 5 accounts went"}
            ]}"#,
        )
        .unwrap()
    }

    fn span_of(name: &str) -> Span {
        let at = TEXT.find(name).unwrap();
        Span::new(at, at + name.len())
    }

    fn entity(id: &str, name: &str, kind: EntityType) -> Entity {
        Entity {
            id: id.into(),
            name: name.into(),
            kind,
            aliases: [name.to_string()].into(),
            mentions: vec![span_of(name)],
            country: None,
        }
    }

    fn edge(source: &str, target: &str, relation: &str, rule: &str, path: Option<&str>) -> Edge {
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
                sentence: format!("sentence of {rule}"),
                rule: rule.into(),
                date: None,
                path: path.map(str::to_string),
                parse: None,
            }],
        }
    }

    fn setup() -> (Graph, Resolved) {
        let resolved = Resolved {
            entities: vec![
                entity("person:putin", "Putin", EntityType::Person),
                entity("state:GB", "UK", EntityType::State),
                entity("person:boris-johnson", "Boris Johnson", EntityType::Person),
                entity(
                    "organisation:facebook",
                    "Facebook",
                    EntityType::Organisation,
                ),
                // False: not a gold entity at all.
                entity("organisation:paris", "Paris", EntityType::Organisation),
                // False: a gold alias with the wrong type; also Macron the person is missed.
                entity("organisation:macron", "Macron", EntityType::Organisation),
            ],
            mention_entity: vec![],
        };
        let mut graph = Graph::default();
        graph.add_entities("t", &resolved);
        graph.add_node(Node::claim(
            "claim:140".into(),
            "140".into(),
            "t",
            140.0,
            None,
            None,
            None,
        ));
        graph.add_node(Node::claim(
            "claim:5".into(),
            "5".into(),
            "t",
            5.0,
            None,
            None,
            None,
        ));
        graph.add_edge(edge(
            "state:GB",
            "person:putin",
            "sanctions",
            "sanctions.impose",
            None,
        ));
        graph.add_edge(edge(
            "person:putin",
            "state:GB",
            "sanctions",
            "syn.sanctions.on",
            Some("imposed >nsubj Putin; imposed >obl[on] UK"),
        ));
        graph.add_edge(edge(
            "person:boris-johnson",
            "claim:140",
            "claims",
            "claims.said",
            None,
        ));
        graph.add_edge(edge(
            "organisation:facebook",
            "claim:5",
            "claims",
            "claims.said",
            None,
        ));
        (graph, resolved)
    }

    fn item<'a>(items: &'a [RelationItem], verdict: Verdict, kind: &str) -> Vec<&'a RelationItem> {
        items
            .iter()
            .filter(|r| r.verdict == verdict && r.kind == kind)
            .collect()
    }

    #[test]
    fn lists_misses_false_and_correct_items_with_their_evidence() {
        let (graph, resolved) = setup();
        let x = explain(&fixture(), TEXT, &graph, Some(&resolved));

        let missed: Vec<&str> = x
            .entities
            .iter()
            .filter(|e| e.verdict == Verdict::Missed)
            .map(|e| e.id.as_str())
            .collect();
        assert_eq!(missed, ["macron"]);
        let macron = &x.entities[0];
        assert_eq!(
            macron.sentence.as_deref(),
            Some("Putin met\nMacron in Paris.")
        );
        assert_eq!(
            macron.notes,
            ["predicted as organisation \"Macron\" [organisation:macron]"]
        );
        let false_entities: Vec<(&str, Option<&str>)> = x
            .entities
            .iter()
            .filter(|e| e.verdict == Verdict::False)
            .map(|e| (e.id.as_str(), e.sentence.as_deref()))
            .collect();
        assert_eq!(
            false_entities,
            [
                ("organisation:macron", Some("Putin met\nMacron in Paris.")),
                ("organisation:paris", Some("Putin met\nMacron in Paris.")),
            ]
        );
        assert!(x.entities[1].notes[0].contains("gold has \"Emmanuel Macron\" as person"));
        // Facebook matches an optional gold entity: neither missed nor false.
        assert!(x.entities.iter().all(|e| e.name != "Facebook"));

        // The missed meets, with its evidence found across the line break.
        let meets = item(&x.relations, Verdict::Missed, "meets");
        assert_eq!(meets.len(), 1);
        assert_eq!(meets[0].evidence.as_deref(), Some("Putin met Macron"));
        assert_eq!(
            meets[0].sentence.as_deref(),
            Some("Putin met\nMacron in Paris.")
        );
        assert!(meets[0].notes[0].contains("target Emmanuel Macron is not in the graph"));

        // The correct sanctions edge keeps its rule; the reversed one is false, with its
        // rule, path and a near-miss note.
        let correct = item(&x.relations, Verdict::Correct, "sanctions");
        assert_eq!(correct.len(), 1);
        assert_eq!(correct[0].found[0].rule, "sanctions.impose");
        assert_eq!(correct[0].found[0].path, None);
        assert_eq!(
            correct[0].evidence.as_deref(),
            Some("The UK imposed sanctions on Vladimir Putin")
        );
        let wrong = item(&x.relations, Verdict::False, "sanctions");
        assert_eq!(wrong.len(), 1);
        assert_eq!(
            (wrong[0].source.as_str(), wrong[0].target.as_str()),
            ("Putin", "UK")
        );
        assert_eq!(wrong[0].found[0].rule, "syn.sanctions.on");
        assert_eq!(
            wrong[0].found[0].path.as_deref(),
            Some("imposed >nsubj Putin; imposed >obl[on] UK")
        );
        assert_eq!(wrong[0].found[0].sentence, "sentence of syn.sanctions.on");
        assert!(wrong[0]
            .notes
            .iter()
            .any(|n| n.starts_with("near miss, gold has the other direction")));

        // The claim of 140 against the gold 137: one false, one missed, each pointing at
        // the other.
        let claims_false = item(&x.relations, Verdict::False, "claims");
        assert_eq!(claims_false.len(), 1);
        assert_eq!(claims_false[0].figure, Some(140.0));
        assert!(claims_false[0].notes[0].contains("another figure from the same source"));
        let claims_missed = item(&x.relations, Verdict::Missed, "claims");
        assert_eq!(claims_missed.len(), 1);
        assert_eq!(claims_missed[0].figure, Some(137.0));
        assert!(claims_missed[0].notes[0].contains("claims Boris Johnson -> 140"));
        // Facebook's claim matches an optional gold relation: not listed.
        assert!(x.relations.iter().all(|r| r.source != "Facebook"));
        assert_eq!(x.relations.len(), 5);
    }

    #[test]
    fn listed_misses_and_false_items_are_what_the_scores_count() {
        let (graph, resolved) = setup();
        let x = explain(&fixture(), TEXT, &graph, Some(&resolved));
        let counts = score(&fixture(), &graph);
        let sum = |m: &std::collections::BTreeMap<String, crate::eval::Counts>| {
            m.values().fold((0, 0, 0), |a, c| {
                (a.0 + c.tp, a.1 + c.predicted, a.2 + c.gold)
            })
        };
        let (tp, pred, gold) = sum(&counts.relations);
        assert_eq!(x.relations_with(Verdict::Missed), gold - tp);
        assert_eq!(x.relations_with(Verdict::False), pred - tp);
        assert_eq!(x.relations_with(Verdict::Correct), tp);
        let (tp, pred, gold) = sum(&counts.entities);
        assert_eq!(x.entities_with(Verdict::Missed), gold - tp);
        assert_eq!(x.entities_with(Verdict::False), pred - tp);
    }

    #[test]
    fn renders_one_line_per_item_in_a_stable_order() {
        let (graph, resolved) = setup();
        let x = explain(&fixture(), TEXT, &graph, Some(&resolved));
        let text = x.render();
        assert_eq!(
            text,
            explain(&fixture(), TEXT, &graph, Some(&resolved)).render()
        );
        let heads: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
        assert_eq!(
            heads,
            [
                "== t: entities 1 missed, 2 false; relations 2 missed, 2 false, 1 correct",
                "entity missed  person \"Emmanuel Macron\" [macron] aliases: Macron",
                "entity false   organisation \"Macron\" [organisation:macron] aliases: Macron",
                "entity false   organisation \"Paris\" [organisation:paris] aliases: Paris",
                "relation missed  meets Vladimir Putin -- Emmanuel Macron",
                "relation missed  claims Boris Johnson -> 137",
                "relation false   claims Boris Johnson -> 140",
                "relation false   sanctions Putin -> UK",
                "relation correct sanctions UK -> Putin",
            ]
        );
        assert!(text.contains(
            "    rule: syn.sanctions.on  path: imposed >nsubj Putin; imposed >obl[on] UK\n"
        ));
        assert!(text.contains("    sentence: Putin met Macron in Paris.\n"));
    }

    #[test]
    fn a_node_naming_two_gold_entities_explains_the_one_it_was_not_counted_for() {
        let fixture: Fixture = serde_json::from_str(
            r#"{"id": "t", "text_file": "t.txt",
            "entities": [
              {"id": "a", "type": "state", "name": "United States", "aliases": ["US"]},
              {"id": "b", "type": "state", "name": "USA", "aliases": ["US"]}
            ]}"#,
        )
        .unwrap();
        let resolved = Resolved {
            entities: vec![entity("state:US", "UK", EntityType::State)],
            mention_entity: vec![],
        };
        let mut graph = Graph::default();
        graph.add_entities("t", &resolved);
        let mut node = graph.nodes["state:US"].clone();
        node.label = "US".into();
        node.aliases = ["US".to_string()].into();
        graph.nodes.insert(node.id.clone(), node);
        let x = explain(&fixture, "The US said.", &graph, None);
        assert_eq!(x.entities.len(), 1, "{x:?}");
        assert_eq!(x.entities[0].id, "b");
        assert_eq!(
            x.entities[0].notes,
            ["[state:US] names it too, but was counted for gold \"United States\""]
        );
        assert_eq!(x.entities[0].sentence.as_deref(), Some("The US said."));
    }

    #[test]
    fn evidence_is_found_across_wrapping_and_not_where_it_is_absent() {
        let located = Located::new("One here.\nThe UK  imposed\n  sanctions. Two.");
        let span = located.find("UK imposed sanctions").unwrap();
        assert_eq!(
            &located.text[span.start..span.end],
            "UK  imposed\n  sanctions"
        );
        assert_eq!(
            located.sentence_of(span).as_deref(),
            Some("The UK  imposed\n  sanctions.")
        );
        assert_eq!(located.find("UK sanctioned"), None);
        assert_eq!(located.find("  "), None);
    }
}

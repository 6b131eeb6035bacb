//! `eval fixtures --explain`: the items behind a fixture's scores. Every missed gold entity
//! and relation, every false predicted one, and the correct relations, each with the text
//! that shows why, and notes on near misses (an edge of another type between the same
//! ends, the other direction, another figure). It reads the same [`Matching`] the scores
//! are counted from, so the missed and false items it lists are exactly those the scores
//! count: per type, gold - tp missed and predicted - tp false.

use serde::Serialize;

use crate::eval::fixtures::{gold_resolved, match_graph, Fixture, GoldRelation, Matching, Outcome};
use crate::graph::{Edge, Graph, Node, NodeKind};
use crate::relations::{Modality, RuleSet};
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
    /// Whether the rules declare the type directed (`meets` is not): the text shows
    /// `->` or `--`.
    #[serde(skip)]
    pub directed: bool,
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
            let arrow = if r.directed { "->" } else { "--" };
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
    rules: &RuleSet,
) -> DocExplanation {
    let m = match_graph(fixture, graph, rules);
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
    if m.is_figure(&r.kind) {
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
    (backward && m.is_directed(&r.kind)).then_some(Near::Reversed)
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

/// `->` for a directed relation type, `--` for an undirected one (`meets`).
fn arrow(m: &Matching, kind: &str) -> &'static str {
    if m.is_directed(kind) {
        "->"
    } else {
        "--"
    }
}

/// An edge in a few words, for notes: "sanctions UK -> Putin (rule sanctions.impose)".
fn describe_edge(m: &Matching, edge: &Edge) -> String {
    let arrow = arrow(m, &edge.relation);
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
    let arrow = arrow(m, &r.kind);
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
            directed: m.is_directed(&r.kind),
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
            let claim = m.is_figure(&edge.relation);
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
        let figure = m
            .is_figure(&edge.relation)
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
            directed: m.is_directed(&edge.relation),
        });
    }
    out
}

#[cfg(test)]
#[path = "explain_tests.rs"]
mod tests;

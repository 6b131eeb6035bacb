//! Graphviz DOT (graph.dot): quoted, escaped ids; node labels, shapes and colours per type; edge labels = relation.
//!
//! Conventions: `digraph` (a multigraph: parallel edges stay). Ids are double-quoted with
//! `"` and `\` escaped; labels are escString with `\n` for a line break. Node shapes:
//! person ellipse, state box, organisation hexagon, claim note; colours from the one
//! palette (`graph::kinds`), as the report draws them. Edge label = relation, coloured as
//! the rules say; an undirected relation (`meets`) has no arrowhead (`dir=none`); a
//! `planned` edge is dashed; the tooltip gives the evidence count and first sentence. Control characters
//! (which Graphviz would pass into SVG, where XML forbids them) are dropped.
//! Render with `dot -Tsvg graph.dot -o graph.svg`.

use std::fmt::Write;

use super::xml_allowed;
use crate::graph::kinds::node_colours;
use crate::graph::{Graph, NodeKind, RelationKinds};
use crate::relations::Modality;

/// A DOT id or escString in double quotes: `\` doubled, `"` escaped; in labels
/// (`label == true`) newlines become `\n`, in ids they stay as they are.
fn quote(s: &str, label: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if label => out.push_str("\\n"),
            '\r' | '\t' if label => out.push(' '),
            c if xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
    out.push('"');
    out
}

fn shape(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Person => "ellipse",
        NodeKind::State => "box",
        NodeKind::Organisation => "hexagon",
        NodeKind::Claim => "note",
    }
}

/// The DOT document; `kinds` says how each relation is drawn.
pub fn render(graph: &Graph, kinds: &RelationKinds) -> String {
    let mut out = String::new();
    out.push_str("digraph \"newsgraph\" {\n");
    out.push_str("  graph [charset=\"UTF-8\", rankdir=LR, overlap=false];\n");
    out.push_str("  node [style=filled, fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for node in graph.nodes.values() {
        let colours = node_colours(node.kind);
        let _ = writeln!(
            out,
            "  {} [label={}, shape={}, color=\"{}\", fillcolor=\"{}\", tooltip={}];",
            quote(&node.id, false),
            quote(&node.label, true),
            shape(node.kind),
            colours.line,
            colours.fill,
            quote(&format!("{} ({} mentions)", node.kind, node.mentions), true),
        );
    }
    for edge in graph.edges.values() {
        let dashed = if edge.modality == Modality::Planned {
            ", style=dashed"
        } else {
            ""
        };
        let kind = kinds.get(&edge.relation);
        let undirected = if kind.directed { "" } else { ", dir=none" };
        let sentence = edge.evidence.first().map_or("", |ev| ev.sentence.as_str());
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, color=\"{c}\", fontcolor=\"{c}\"{dashed}{undirected}, tooltip={}];",
            quote(&edge.source, false),
            quote(&edge.target, false),
            quote(&edge.relation, true),
            quote(
                &format!("{} evidence: {sentence}", edge.evidence_count),
                true
            ),
            c = kind.colour,
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: DOT read that `meets` is undirected and each relation's colour from the
    /// loaded rules, not from names written in the code: a rules file that declares a
    /// relation undirected and coloured is drawn so.
    #[test]
    fn relations_are_drawn_as_the_rules_declare_them() {
        use crate::graph::{Edge, Node};
        let mut graph = Graph::default();
        for (id, kind) in [("person:a", NodeKind::Person), ("state:B", NodeKind::State)] {
            graph.add_node(Node {
                id: id.into(),
                label: id.into(),
                kind,
                aliases: Default::default(),
                mentions: 1,
                docs: Default::default(),
                country: None,
                value: None,
                unit: None,
                qualifier: None,
                about: None,
                names: Default::default(),
                documents: 1,
            });
        }
        for relation in ["meets", "sanctions", "visits"] {
            graph.add_edge(Edge::new(
                "person:a".into(),
                "state:B".into(),
                relation.into(),
                Modality::Asserted,
                Vec::new(),
            ));
        }
        let line = |dot: &str, relation: &str| -> String {
            dot.lines()
                .find(|l| l.contains(&format!("label=\"{relation}\"")))
                .unwrap()
                .to_string()
        };
        let dot = render(&graph, &RelationKinds::builtin());
        assert!(line(&dot, "meets").contains("dir=none"), "{dot}");
        assert!(line(&dot, "meets").contains("color=\"#1f9e89\""), "{dot}");
        assert!(!line(&dot, "sanctions").contains("dir=none"), "{dot}");
        assert!(
            line(&dot, "sanctions").contains("color=\"#e15759\""),
            "{dot}"
        );
        // Not in the rules: directed, grey.
        assert!(!line(&dot, "visits").contains("dir=none"), "{dot}");
        assert!(line(&dot, "visits").contains("color=\"#777777\""), "{dot}");
        assert!(
            dot.contains("fillcolor=\"#dbe6f2\""),
            "the report's palette: {dot}"
        );

        let rules = crate::relations::RuleSet::parse(
            "[relation.visits]\ndirected = false\ncolour = \"#AbCdEf\"\n\n[[rule]]\nid = \"v\"\n\
             relation = \"visits\"\npattern = \"{source} visited {target}\"\n",
        )
        .unwrap();
        let dot = render(&graph, &RelationKinds::from_rules(&rules));
        assert!(line(&dot, "visits").contains("dir=none"), "{dot}");
        assert!(line(&dot, "visits").contains("color=\"#abcdef\""), "{dot}");
    }

    #[test]
    fn quoting() {
        assert_eq!(
            quote("a \"b\" \\ c\nd\u{7}", true),
            "\"a \\\"b\\\" \\\\ c\\nd\""
        );
        assert_eq!(quote("x\ny", false), "\"x\ny\"");
    }
}

//! Graphviz DOT (graph.dot): quoted, escaped ids; node labels, shapes and colours per type; edge labels = relation.
//!
//! Conventions: `digraph` (a multigraph: parallel edges stay). Ids are double-quoted with
//! `"` and `\` escaped; labels are escString with `\n` for a line break. Node shapes and
//! colours: person ellipse/blue, state box/green, organisation hexagon/orange, claim
//! note/yellow, anything else ellipse/grey. Edge label = relation; a `planned` edge is
//! dashed; the tooltip gives the evidence count and first sentence. Control characters
//! (which Graphviz would pass into SVG, where XML forbids them) are dropped.
//! Render with `dot -Tsvg graph.dot -o graph.svg`.

use std::fmt::Write;

use super::xml_allowed;
use crate::graph::{Graph, NodeKind};
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

fn style(kind: NodeKind) -> (&'static str, &'static str) {
    match kind {
        NodeKind::Person => ("ellipse", "#a6cee3"),
        NodeKind::State => ("box", "#b2df8a"),
        NodeKind::Organisation => ("hexagon", "#fdbf6f"),
        NodeKind::Claim => ("note", "#ffffb3"),
    }
}

fn colour(relation: &str) -> &'static str {
    match relation {
        "sanctions" => "#e31a1c",
        "meets" => "#1f78b4",
        "claims" => "#6a3d9a",
        _ => "#555555",
    }
}

/// The DOT document.
pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    out.push_str("digraph \"newsgraph\" {\n");
    out.push_str("  graph [charset=\"UTF-8\", rankdir=LR, overlap=false];\n");
    out.push_str("  node [style=filled, fontname=\"Helvetica\"];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    for node in graph.nodes.values() {
        let (shape, fill) = style(node.kind);
        let _ = writeln!(
            out,
            "  {} [label={}, shape={shape}, fillcolor=\"{fill}\", tooltip={}];",
            quote(&node.id, false),
            quote(&node.label, true),
            quote(&format!("{} ({} mentions)", node.kind, node.mentions), true),
        );
    }
    for edge in graph.edges.values() {
        let dashed = if edge.modality == Modality::Planned {
            ", style=dashed"
        } else {
            ""
        };
        let sentence = edge.evidence.first().map_or("", |ev| ev.sentence.as_str());
        let _ = writeln!(
            out,
            "  {} -> {} [label={}, color=\"{c}\", fontcolor=\"{c}\"{dashed}, tooltip={}];",
            quote(&edge.source, false),
            quote(&edge.target, false),
            quote(&edge.relation, true),
            quote(
                &format!("{} evidence: {sentence}", edge.evidence_count),
                true
            ),
            c = colour(&edge.relation),
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(
            quote("a \"b\" \\ c\nd\u{7}", true),
            "\"a \\\"b\\\" \\\\ c\\nd\""
        );
        assert_eq!(quote("x\ny", false), "\"x\ny\"");
    }
}

//! Export formats: the graph written for other tools (NetworkX, igraph, Gephi, Neo4j, Graphviz, Cytoscape).
//!
//! Every format is built from one flat view of the graph ([`NODE_ATTRS`], [`EDGE_ATTRS`]):
//! nodes carry id, label, type, aliases, mentions, documents (count), docs, country and,
//! for claims, value, unit, qualifier and about; edges carry relation, modality, `weight`
//! (the number of pieces of evidence), the first evidence sentence, and the document ids,
//! rule ids and dates of all the evidence. Counts are integers and `value` a double in
//! every format that has types. Output follows the graph's sorted maps, so the same graph
//! gives byte-identical files. The conventions of each format are in its module.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::fsio::write_atomically;
use crate::graph::{Edge, Graph, Node, RelationKinds};
use crate::names;
use crate::output::OutputError;

pub mod cypher;
pub mod cytoscape;
pub mod dot;
pub mod gexf;
pub mod graphml;
pub mod neo4j;
pub mod node_link;

/// An export format (`newsgraph export --format`, `extract --format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// NetworkX node-link JSON, graph.json (lossless; `Graph::from_node_link` reads it back).
    NodeLink,
    /// GraphML, graph.graphml (NetworkX, igraph, Gephi, yEd, Cytoscape).
    Graphml,
    /// GEXF 1.3, graph.gexf (Gephi, NetworkX).
    Gexf,
    /// Neo4j admin-import CSV: neo4j/nodes.csv, neo4j/relationships.csv, neo4j/import.sh.
    Neo4j,
    /// Cypher script for cypher-shell, graph.cypher.
    Cypher,
    /// Graphviz DOT, graph.dot.
    Dot,
    /// Cytoscape.js JSON, graph.cyjs (cytoscape.js and Cytoscape desktop).
    Cytoscape,
}

impl Format {
    /// Every format, in a fixed order.
    pub fn all() -> &'static [Format] {
        &[
            Format::NodeLink,
            Format::Graphml,
            Format::Gexf,
            Format::Neo4j,
            Format::Cypher,
            Format::Dot,
            Format::Cytoscape,
        ]
    }

    /// The name used on the command line (`node-link`, `graphml`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Format::NodeLink => "node-link",
            Format::Graphml => "graphml",
            Format::Gexf => "gexf",
            Format::Neo4j => "neo4j",
            Format::Cypher => "cypher",
            Format::Dot => "dot",
            Format::Cytoscape => "cytoscape",
        }
    }

    /// The files it writes, relative to the output folder.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Format::NodeLink => &[names::NODE_LINK_FILE],
            Format::Graphml => &[names::GRAPHML_FILE],
            Format::Gexf => &[names::GEXF_FILE],
            Format::Neo4j => &[
                names::NEO4J_NODES_FILE,
                names::NEO4J_RELATIONSHIPS_FILE,
                names::NEO4J_IMPORT_FILE,
            ],
            Format::Cypher => &[names::CYPHER_FILE],
            Format::Dot => &[names::DOT_FILE],
            Format::Cytoscape => &[names::CYTOSCAPE_FILE],
        }
    }

    /// What the format is and who reads it (the command line's help).
    pub fn description(self) -> &'static str {
        match self {
            Format::NodeLink => "NetworkX node-link JSON, graph.json (always written by extract)",
            Format::Graphml => "GraphML, graph.graphml (NetworkX, igraph, Gephi, yEd, Cytoscape)",
            Format::Gexf => "GEXF 1.3, graph.gexf (Gephi, NetworkX)",
            Format::Neo4j => {
                "Neo4j admin-import CSV: neo4j/nodes.csv, neo4j/relationships.csv, neo4j/import.sh"
            }
            Format::Cypher => "Cypher script for cypher-shell, graph.cypher",
            Format::Dot => "Graphviz DOT, graph.dot",
            Format::Cytoscape => "Cytoscape.js JSON, graph.cyjs",
        }
    }
}

/// Writes `graph` in `format` under `dir` (created if missing), returns the files written.
/// `meta` goes into the formats that have graph attributes (node-link, GraphML, Cytoscape);
/// `kinds` (from the rules that made the graph) says how DOT draws each relation.
/// Each file is written whole or not at all ([`crate::fsio::write_atomically`]), and a
/// failure names the file.
pub fn write(
    graph: &Graph,
    meta: &BTreeMap<String, Value>,
    kinds: &RelationKinds,
    format: Format,
    dir: &Path,
) -> Result<Vec<PathBuf>, OutputError> {
    let files: Vec<(&str, String)> = match format {
        Format::NodeLink => vec![(names::NODE_LINK_FILE, node_link::render(graph, meta))],
        Format::Graphml => vec![(names::GRAPHML_FILE, graphml::render(graph, meta))],
        Format::Gexf => vec![(names::GEXF_FILE, gexf::render(graph, meta))],
        Format::Neo4j => {
            let files = neo4j::render(graph);
            vec![
                (names::NEO4J_NODES_FILE, files.nodes),
                (names::NEO4J_RELATIONSHIPS_FILE, files.relationships),
                (names::NEO4J_IMPORT_FILE, files.import_sh),
            ]
        }
        Format::Cypher => vec![(names::CYPHER_FILE, cypher::render(graph))],
        Format::Dot => vec![(names::DOT_FILE, dot::render(graph, kinds))],
        Format::Cytoscape => vec![(names::CYTOSCAPE_FILE, cytoscape::render(graph, meta))],
    };
    debug_assert!(files.iter().map(|f| f.0).eq(format.files().iter().copied()));
    let mut written = Vec::with_capacity(files.len());
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|source| OutputError::Create {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        write_atomically(&path, |w| w.write_all(text.as_bytes()))?;
        written.push(path);
    }
    Ok(written)
}

/// The type of an exported attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Float,
    /// A list of strings.
    List,
}

/// An attribute value.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Str(String),
    Int(u64),
    Float(f64),
    List(Vec<String>),
}

/// Node attributes, in output order (the node id is not among them: every format has its own place for it).
pub const NODE_ATTRS: &[(&str, Kind)] = &[
    ("label", Kind::Str),
    ("type", Kind::Str),
    ("aliases", Kind::List),
    ("mentions", Kind::Int),
    ("documents", Kind::Int),
    ("docs", Kind::List),
    ("country", Kind::Str),
    ("value", Kind::Float),
    ("unit", Kind::Str),
    ("qualifier", Kind::Str),
    ("about", Kind::Str),
];

/// Edge attributes, in output order (source and target are not among them).
pub const EDGE_ATTRS: &[(&str, Kind)] = &[
    ("relation", Kind::Str),
    ("modality", Kind::Str),
    ("weight", Kind::Int),
    ("sentence", Kind::Str),
    ("docs", Kind::List),
    ("rules", Kind::List),
    ("dates", Kind::List),
];

/// A node's values, aligned with [`NODE_ATTRS`]; `None` where the node has no such attribute.
pub fn node_values(n: &Node) -> Vec<Option<Val>> {
    let s = |v: &Option<String>| v.clone().map(Val::Str);
    vec![
        Some(Val::Str(n.label.clone())),
        Some(Val::Str(n.kind.to_string())),
        Some(Val::List(n.aliases.iter().cloned().collect())),
        Some(Val::Int(n.mentions as u64)),
        Some(Val::Int(n.documents as u64)),
        Some(Val::List(n.docs.iter().cloned().collect())),
        s(&n.country),
        n.value.map(Val::Float),
        s(&n.unit),
        s(&n.qualifier),
        s(&n.about),
    ]
}

/// An edge's values, aligned with [`EDGE_ATTRS`]: documents, rules and dates are the
/// sorted distinct values over its evidence; the sentence is the first evidence's.
pub fn edge_values(e: &Edge) -> Vec<Option<Val>> {
    let distinct = |f: &dyn Fn(&crate::graph::Evidence) -> Option<String>| {
        let set: BTreeSet<String> = e.evidence.iter().filter_map(f).collect();
        Val::List(set.into_iter().collect())
    };
    vec![
        Some(Val::Str(e.relation.clone())),
        Some(Val::Str(e.modality.to_string())),
        Some(Val::Int(e.evidence_count as u64)),
        e.evidence.first().map(|ev| Val::Str(ev.sentence.clone())),
        Some(distinct(&|ev| Some(ev.doc.clone()))),
        Some(distinct(&|ev| Some(ev.rule.clone()))),
        Some(distinct(&|ev| ev.date.clone())),
    ]
}

/// Names and values of the attributes a node or edge has.
pub fn present<'a>(
    attrs: &'a [(&'a str, Kind)],
    values: Vec<Option<Val>>,
) -> impl Iterator<Item = (&'a str, Kind, Val)> {
    attrs
        .iter()
        .zip(values)
        .filter_map(|(&(name, kind), v)| v.map(|v| (name, kind, v)))
}

/// A double as text that every reader takes as a floating-point number: `137.0`, `0.5`,
/// `1e21`; `NaN`, `INF`, `-INF` (the XML Schema spellings) when not finite.
pub fn float_text(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "INF" } else { "-INF" }.into()
    } else {
        format!("{x:?}")
    }
}

/// Whether XML 1.0 allows the character (tab, newline and carriage return are the only
/// control characters it allows; U+FFFE and U+FFFF are not characters).
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Text for XML content or a double-quoted XML attribute: characters XML 1.0 forbids are
/// dropped, `& < > "` escaped, and tab, newline and carriage return written as character
/// references so that attribute-value normalisation keeps them.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// A list of strings as a JSON array (GraphML and GEXF list values).
pub fn json_list(items: &[String]) -> String {
    serde_json::to_string(items).expect("strings serialise")
}

/// A label or type name for Neo4j: `person` -> `Person`, `claim` -> `Claim`.
pub fn neo4j_label(kind: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in kind.chars() {
        if c.is_alphanumeric() {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// A relationship type for Neo4j: `sanctions` -> `SANCTIONS`.
pub fn neo4j_type(relation: &str) -> String {
    let mut out: String = relation
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'R');
    }
    out
}

/// The shared Neo4j label of a node: `Claim` for claims, `Entity` for people, states and organisations.
pub fn neo4j_base_label(kind: &str) -> &'static str {
    if kind == "claim" {
        "Claim"
    } else {
        "Entity"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_drops_forbidden_characters_and_keeps_line_breaks() {
        assert_eq!(
            xml_escape("a\u{1}b&<>\"\n\r\tZürich\u{FFFF}"),
            "ab&amp;&lt;&gt;&quot;&#10;&#13;&#9;Zürich"
        );
    }

    #[test]
    fn floats_always_read_as_floats() {
        assert_eq!(float_text(137.0), "137.0");
        assert_eq!(float_text(0.5), "0.5");
        assert_eq!(float_text(6e20), "6e20");
        assert_eq!(float_text(f64::NAN), "NaN");
    }

    #[test]
    fn neo4j_names() {
        assert_eq!(neo4j_label("person"), "Person");
        assert_eq!(neo4j_label("organisation"), "Organisation");
        assert_eq!(neo4j_label("armed group"), "ArmedGroup");
        assert_eq!(neo4j_type("sanctions"), "SANCTIONS");
        assert_eq!(neo4j_type("met-with"), "MET_WITH");
    }

    #[test]
    fn every_format_has_a_distinct_name() {
        let names: BTreeSet<&str> = Format::all().iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Format::all().len());
        // That the command line takes each by this name: src/cli/args.rs.
    }
}

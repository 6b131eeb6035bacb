//! GEXF 1.3 (graph.gexf): typed attributes (`integer`, `double`, `string`, `liststring`), directed edges with `label` and `kind`.
//!
//! Conventions (GEXF 1.3 schema, `data.rnc`; read by Gephi 0.9.3+ and NetworkX `read_gexf`):
//! - `<gexf xmlns="http://gexf.net/1.3" version="1.3">`, `defaultedgetype="directed"`.
//! - node `label` attribute = the node's label; the node's attributes are `<attvalue>`s of
//!   declared `<attribute>`s: counts `integer`, `value` `double`, text `string`, lists
//!   `liststring`. A `liststring` value is written as a JSON array of strings
//!   (`["Putin","Vladimir Putin"]`), a bracketed list as Gephi writes lists (not checked
//!   against Gephi here); NetworkX hands it over as that string.
//! - edge ids `e0`, `e1`, ...; edge `label` = relation, `kind` = relation (GEXF 1.3's
//!   way to tell parallel edges apart), `weight` = number of pieces of evidence (a double,
//!   as GEXF 1.3 types it); the other edge data are attvalues.
//! - characters XML 1.0 forbids are dropped; newlines in attribute values are `&#10;`.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use super::{edge_values, float_text, json_list, node_values, present, xml_escape, Kind, Val};
use super::{EDGE_ATTRS, NODE_ATTRS};
use crate::graph::Graph;

fn attr_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Str => "string",
        Kind::Int => "integer",
        Kind::Float => "double",
        Kind::List => "liststring",
    }
}

fn value_text(v: &Val) -> String {
    match v {
        Val::Str(s) => xml_escape(s),
        Val::Int(i) => i.to_string(),
        Val::Float(x) => float_text(*x),
        Val::List(items) => xml_escape(&json_list(items)),
    }
}

/// Edge attributes that are attvalues: relation is also the edge's label and kind, and
/// weight the edge's own `weight`.
fn edge_attvalue(name: &str) -> bool {
    name != "weight"
}

/// The GEXF document. `meta` is not written (GEXF's `<meta>` has creator and description only).
pub fn render(graph: &Graph, _meta: &BTreeMap<String, Value>) -> String {
    let mut out = String::new();
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<gexf xmlns=\"http://gexf.net/1.3\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" \
         version=\"1.3\">\n",
    );
    let _ = writeln!(
        out,
        "  <meta>\n    <creator>newsgraph</creator>\n    <description>{} documents</description>\n  </meta>",
        graph.documents
    );
    out.push_str("  <graph mode=\"static\" defaultedgetype=\"directed\">\n");
    out.push_str("    <attributes class=\"node\">\n");
    for (name, kind) in NODE_ATTRS {
        let _ = writeln!(
            out,
            "      <attribute id=\"{name}\" title=\"{name}\" type=\"{}\"/>",
            attr_type(*kind)
        );
    }
    out.push_str("    </attributes>\n    <attributes class=\"edge\">\n");
    for (name, kind) in EDGE_ATTRS.iter().filter(|(n, _)| edge_attvalue(n)) {
        let _ = writeln!(
            out,
            "      <attribute id=\"{name}\" title=\"{name}\" type=\"{}\"/>",
            attr_type(*kind)
        );
    }
    out.push_str("    </attributes>\n    <nodes>\n");
    for node in graph.nodes.values() {
        let _ = writeln!(
            out,
            "      <node id=\"{}\" label=\"{}\">\n        <attvalues>",
            xml_escape(&node.id),
            xml_escape(&node.label)
        );
        for (name, _, v) in present(NODE_ATTRS, node_values(node)) {
            let _ = writeln!(
                out,
                "          <attvalue for=\"{name}\" value=\"{}\"/>",
                value_text(&v)
            );
        }
        out.push_str("        </attvalues>\n      </node>\n");
    }
    out.push_str("    </nodes>\n    <edges>\n");
    for (i, edge) in graph.edges.values().enumerate() {
        let _ = writeln!(
            out,
            "      <edge id=\"e{i}\" source=\"{}\" target=\"{}\" label=\"{rel}\" kind=\"{rel}\" weight=\"{}\">\n        <attvalues>",
            xml_escape(&edge.source),
            xml_escape(&edge.target),
            float_text(edge.evidence_count as f64),
            rel = xml_escape(&edge.relation),
        );
        for (name, _, v) in present(EDGE_ATTRS, edge_values(edge)) {
            if edge_attvalue(name) {
                let _ = writeln!(
                    out,
                    "          <attvalue for=\"{name}\" value=\"{}\"/>",
                    value_text(&v)
                );
            }
        }
        out.push_str("        </attvalues>\n      </edge>\n");
    }
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out
}

//! Cypher script (graph.cypher) for cypher-shell: uniqueness constraints, then batched `UNWIND $rows ... MERGE` with `:param`.
//!
//! Run it with `cypher-shell -u neo4j -p <password> -f graph.cypher` (or pipe it in).
//! The script
//! 1. creates the uniqueness constraints `newsgraph_entity_id` (`:Entity(id)`) and
//!    `newsgraph_claim_id` (`:Claim(id)`) `IF NOT EXISTS`;
//! 2. for each batch of at most [`BATCH`] rows sets the parameter `rows` with
//!    cypher-shell's `:param rows => [...]` (the arrow form, which cypher-shell has kept
//!    from 4.x to today; it takes one line, so every row list is written on one line, with
//!    newlines inside strings escaped), then runs `UNWIND $rows AS row MERGE ...;`.
//!    Nodes are merged on `id` under their shared label (`Entity` or `Claim`) and get their
//!    type label (`Person`, `State`, `Organisation`); relationships are merged on
//!    (start, type, `modality`, end) with types `SANCTIONS`, `MEETS`, `CLAIMS`.
//!    Properties are set with `SET x += row.props`, so running the script again changes nothing.
//!
//! Values are Cypher literals: strings double-quoted with `\\`, `\"`, `\n`, `\r`, `\t` and
//! `\uXXXX` (other control characters) escaped, other text as UTF-8; counts integers,
//! `value` a float (`137.0`; non-finite values are left out); lists of strings as lists.
//! An empty list is left out, as the CSV import leaves it out (neo4j-admin stores no
//! property for an empty array field), so both imports give the same properties.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{edge_values, float_text, neo4j_base_label, neo4j_label, neo4j_type, node_values};
use super::{present, Val, EDGE_ATTRS, NODE_ATTRS};
use crate::graph::Graph;

/// Rows per `UNWIND` batch.
pub const BATCH: usize = 500;

/// A Cypher string literal.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn literal(v: &Val) -> Option<String> {
    Some(match v {
        Val::Str(s) => string(s),
        Val::Int(i) => i.to_string(),
        Val::Float(x) if x.is_finite() => float_text(*x),
        Val::Float(_) => return None,
        Val::List(items) if items.is_empty() => return None,
        Val::List(items) => {
            let items: Vec<String> = items.iter().map(|s| string(s)).collect();
            format!("[{}]", items.join(", "))
        }
    })
}

fn map(entries: &[(String, String)]) -> String {
    let inner: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

fn props<'a>(attrs: impl Iterator<Item = (&'a str, super::Kind, Val)>) -> String {
    let entries: Vec<(String, String)> = attrs
        .filter_map(|(name, _, v)| literal(&v).map(|l| (name.to_string(), l)))
        .collect();
    map(&entries)
}

fn batches(out: &mut String, rows: &[String], statement: &str) {
    for chunk in rows.chunks(BATCH) {
        let _ = writeln!(out, ":param rows => [{}]", chunk.join(", "));
        let _ = writeln!(out, "{statement}");
    }
}

/// The script.
pub fn render(graph: &Graph) -> String {
    let mut out = String::new();
    out.push_str(
        "// newsgraph graph as a Cypher script for cypher-shell:\n\
// cypher-shell -u neo4j -p <password> -f graph.cypher\n\
// Constraints first; then nodes and relationships in batches: `:param rows => [...]` sets\n\
// the batch (one line), `UNWIND $rows AS row MERGE ...` loads it. Safe to run again.\n",
    );
    let _ = writeln!(
        out,
        "// {} nodes, {} relationships, {} documents.",
        graph.nodes.len(),
        graph.edges.len(),
        graph.documents
    );
    out.push_str(
        "CREATE CONSTRAINT newsgraph_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;\n\
CREATE CONSTRAINT newsgraph_claim_id IF NOT EXISTS FOR (n:Claim) REQUIRE n.id IS UNIQUE;\n",
    );

    // Nodes, grouped by (shared label, own label): labels cannot be parameters.
    let mut groups: BTreeMap<(&str, String), Vec<String>> = BTreeMap::new();
    for node in graph.nodes.values() {
        let row = map(&[
            ("id".into(), string(&node.id)),
            (
                "props".into(),
                props(present(NODE_ATTRS, node_values(node))),
            ),
        ]);
        groups
            .entry((
                neo4j_base_label(node.kind.as_str()),
                neo4j_label(node.kind.as_str()),
            ))
            .or_default()
            .push(row);
    }
    for ((base, own), rows) in &groups {
        let set_label = if base == own {
            String::new()
        } else {
            format!("n:{own}, ")
        };
        let statement = format!(
            "UNWIND $rows AS row MERGE (n:{base} {{id: row.id}}) SET {set_label}n += row.props;"
        );
        batches(&mut out, rows, &statement);
    }

    // Relationships, grouped by (type, start label, end label).
    let mut groups: BTreeMap<(String, &str, &str), Vec<String>> = BTreeMap::new();
    for edge in graph.edges.values() {
        let kind = |id: &str| graph.nodes.get(id).map_or("", |n| n.kind.as_str());
        let attrs = present(EDGE_ATTRS, edge_values(edge))
            .filter(|(name, _, _)| *name != "relation" && *name != "modality");
        let row = map(&[
            ("source".into(), string(&edge.source)),
            ("target".into(), string(&edge.target)),
            ("modality".into(), string(edge.modality.as_str())),
            ("props".into(), props(attrs)),
        ]);
        groups
            .entry((
                neo4j_type(&edge.relation),
                neo4j_base_label(kind(&edge.source)),
                neo4j_base_label(kind(&edge.target)),
            ))
            .or_default()
            .push(row);
    }
    for ((ty, from, to), rows) in &groups {
        let statement = format!(
            "UNWIND $rows AS row MATCH (a:{from} {{id: row.source}}) MATCH (b:{to} {{id: row.target}}) \
MERGE (a)-[r:{ty} {{modality: row.modality}}]->(b) SET r += row.props;"
        );
        batches(&mut out, rows, &statement);
    }
    out.push_str(":param rows => []\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_are_left_out_like_the_csv_import() {
        assert_eq!(literal(&Val::List(Vec::new())), None);
        assert_eq!(
            literal(&Val::List(vec!["a".into()])).as_deref(),
            Some("[\"a\"]")
        );
    }

    #[test]
    fn strings_are_escaped() {
        assert_eq!(
            string("a\\b \"c\"\nd\u{1}é習"),
            "\"a\\\\b \\\"c\\\"\\nd\\u0001é習\""
        );
    }
}

//! Neo4j admin-import CSV (neo4j/nodes.csv, neo4j/relationships.csv) and the `neo4j-admin database import full` command (neo4j/import.sh).
//!
//! The header grammar is the one of the Neo4j Operations Manual, "Import: CSV header
//! format" (`<name>:<field_type>`; `:ID`, `:LABEL` in node files; `:START_ID`, `:END_ID`,
//! `:TYPE` in relationship files; property types `int`, `long`, `float`, `double`,
//! `boolean`, `string`, ...; an array type is the type followed by `[]`, its elements
//! separated by `;` or `--array-delimiter`, which also separates the labels of a
//! `:LABEL` field). Quoting is RFC 4180 (`--quote`, quotes
//! doubled; a backslash is not an escape unless `--legacy-style-quoting`), and fields with
//! newlines need `--multiline-fields=true` ("Full import" options).
//!
//! - nodes.csv: `id:ID,:LABEL,label:string,type:string,aliases:string[],mentions:int,
//!   documents:int,docs:string[],country:string,value:double,unit:string,qualifier:string,
//!   about:string`. Labels: `Entity` and `Person`, `State` or `Organisation`; `Claim`.
//! - relationships.csv: `:START_ID,:END_ID,:TYPE,modality:string,weight:int,
//!   sentence:string,docs:string[],rules:string[],dates:string[]`; types `SANCTIONS`,
//!   `MEETS`, `CLAIMS` (the relation upper-cased).
//! - every string field is quoted (so an empty string stays a value); a missing value is an
//!   empty unquoted field (no property). The importer does not store empty arrays.
//! - An array element cannot be quoted or escaped, so the array delimiter is a character
//!   that cannot occur in one: U+001F, the ASCII unit separator (`--array-delimiter=U+001F`,
//!   the importer's notation). It is dropped from list elements, as XML drops it; `;`,
//!   `,` and every other character stay as they are (`Smith; Jones LLP`).

use std::fmt::Write;

use super::{edge_values, float_text, neo4j_base_label, neo4j_label, neo4j_type, node_values};
use super::{Kind, Val, EDGE_ATTRS, NODE_ATTRS};
use crate::graph::Graph;

/// The array (and label) delimiter of the CSV files (`--array-delimiter=U+001F`): the
/// unit separator, a control character no list element keeps.
pub const ARRAY_DELIMITER: char = '\u{1f}';

/// The three files of the Neo4j export.
pub struct Files {
    pub nodes: String,
    pub relationships: String,
    pub import_sh: String,
}

/// The import command that import.sh runs, with the database name last.
pub const IMPORT_COMMAND: &str = "neo4j-admin database import full \
--nodes=nodes.csv --relationships=relationships.csv \
--delimiter=',' --array-delimiter=U+001F --quote='\"' --id-type=string --multiline-fields=true";

fn type_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Str => "string",
        Kind::Int => "int",
        Kind::Float => "double",
        Kind::List => "string[]",
    }
}

/// A quoted CSV field (RFC 4180: quotes doubled).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn field(v: Option<Val>) -> String {
    match v {
        None => String::new(),
        Some(Val::Str(s)) => quoted(&s),
        Some(Val::Int(i)) => i.to_string(),
        Some(Val::Float(x)) if x.is_finite() => float_text(x),
        Some(Val::Float(_)) => String::new(),
        Some(Val::List(items)) if items.is_empty() => String::new(),
        Some(Val::List(items)) => {
            let items: Vec<String> = items
                .iter()
                .map(|s| s.replace(ARRAY_DELIMITER, ""))
                .collect();
            quoted(&items.join(&ARRAY_DELIMITER.to_string()))
        }
    }
}

fn header(fixed: &[&str], attrs: &[(&str, Kind)]) -> String {
    let mut cols: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    cols.extend(attrs.iter().map(|(n, k)| format!("{n}:{}", type_name(*k))));
    cols.join(",")
}

/// Node file header.
pub fn nodes_header() -> String {
    header(&["id:ID", ":LABEL"], NODE_ATTRS)
}

/// Relationship file header (`relation` is the `:TYPE`, not a property).
pub fn relationships_header() -> String {
    let attrs: Vec<(&str, Kind)> = EDGE_ATTRS
        .iter()
        .copied()
        .filter(|(n, _)| *n != "relation")
        .collect();
    header(&[":START_ID", ":END_ID", ":TYPE"], &attrs)
}

/// The Neo4j labels of a node, separated by the array delimiter.
pub fn labels(kind: &str) -> String {
    let base = neo4j_base_label(kind);
    let own = neo4j_label(kind);
    if own == base {
        base.to_string()
    } else {
        format!("{base}{ARRAY_DELIMITER}{own}")
    }
}

/// The three files.
pub fn render(graph: &Graph) -> Files {
    let mut nodes = nodes_header();
    nodes.push('\n');
    for node in graph.nodes.values() {
        let mut row = vec![quoted(&node.id), quoted(&labels(node.kind.as_str()))];
        row.extend(node_values(node).into_iter().map(field));
        let _ = writeln!(nodes, "{}", row.join(","));
    }
    let mut relationships = relationships_header();
    relationships.push('\n');
    for edge in graph.edges.values() {
        let mut row = vec![
            quoted(&edge.source),
            quoted(&edge.target),
            quoted(&neo4j_type(&edge.relation)),
        ];
        row.extend(
            EDGE_ATTRS
                .iter()
                .zip(edge_values(edge))
                .filter(|((n, _), _)| *n != "relation")
                .map(|(_, v)| field(v)),
        );
        let _ = writeln!(relationships, "{}", row.join(","));
    }
    let import_sh = format!(
        "#!/bin/sh\n\
# Loads nodes.csv and relationships.csv into a new, empty Neo4j database with the offline\n\
# bulk importer (Neo4j 5 or later). Stop the database first; neo4j-admin must be on PATH\n\
# (or set NEO4J_ADMIN to its path). Usage: sh import.sh [DATABASE]   (default: neo4j)\n\
# Then start Neo4j; a database other than the default one must also be created\n\
# (CREATE DATABASE <name>, Enterprise Edition).\n\
# Fields are RFC 4180 quoted; array elements and labels are separated by U+001F (the\n\
# unit separator, which no element holds, so ';' and ',' inside names and ids stay);\n\
# sentences may span lines, hence --multiline-fields=true.\n\
set -eu\n\
cd \"$(dirname \"$0\")\"\n\
\"${{NEO4J_ADMIN:-neo4j-admin}}\"{} \"${{1:-neo4j}}\"\n",
        IMPORT_COMMAND.trim_start_matches("neo4j-admin")
    );
    Files {
        nodes,
        relationships,
        import_sh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_follow_the_documented_grammar() {
        assert_eq!(
            nodes_header(),
            "id:ID,:LABEL,label:string,type:string,aliases:string[],mentions:int,documents:int,\
docs:string[],country:string,value:double,unit:string,qualifier:string,about:string"
        );
        assert_eq!(
            relationships_header(),
            ":START_ID,:END_ID,:TYPE,modality:string,weight:int,sentence:string,\
docs:string[],rules:string[],dates:string[]"
        );
    }

    #[test]
    fn fields_are_rfc4180_quoted() {
        assert_eq!(
            field(Some(Val::Str("a \"b\", c\nd".into()))),
            "\"a \"\"b\"\", c\nd\""
        );
        assert_eq!(field(Some(Val::Str(String::new()))), "\"\"");
        assert_eq!(field(None), "");
        assert_eq!(
            field(Some(Val::List(vec![
                "Smith; Jones LLP".into(),
                "z\u{1f}".into()
            ]))),
            "\"Smith; Jones LLP\u{1f}z\""
        );
        assert_eq!(field(Some(Val::Float(137.0))), "137.0");
        assert_eq!(labels("person"), "Entity\u{1f}Person");
        assert_eq!(labels("claim"), "Claim");
    }
}

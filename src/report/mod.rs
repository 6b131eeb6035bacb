//! The HTML report: one self-contained page with the graph drawn, each document's text with its mentions highlighted, and every edge's evidence.

// The page is `report.html` with `report.css`, `report.js` and the data inlined. The
// documents and evidence lists are written here as HTML (so that they read without
// script); the graph, filters and side panel are drawn by `report.js` from the JSON in
// `<script type="application/json" id="data">`. Every text is escaped: HTML text and
// attributes by `esc`, the JSON by `script_json`, so that no input can close a tag.

mod collect;

pub use collect::ReportSink;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::{json, Map, Value};

use crate::graph::{Edge, Evidence, Graph, Node, NodeKind, RelationKinds};
use crate::pipeline::MentionRecord;

mod arcs;
mod html;
mod page;

use html::fill;
pub use html::{esc, script_json};
use page::Page;

const TEMPLATE: &str = include_str!("report.html");
const CSS: &str = include_str!("report.css");
const JS: &str = include_str!("report.js");

/// Nodes drawn by default: the most mentioned.
pub const DEFAULT_MAX_NODES: usize = 250;
/// Evidence sentences listed by default when the report has no documents.
pub const DEFAULT_MAX_LISTED_EVIDENCE: usize = 2000;
/// Evidence sentences kept per edge in the side panel's data.
const EVIDENCE_PER_EDGE: usize = 20;
/// Document ids kept per node in the side panel's data.
const DOCS_PER_NODE: usize = 40;
/// Aliases kept per node in the side panel's data.
const ALIASES_PER_NODE: usize = 60;

/// One document as the report shows it: its text with the mentions found in it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReportDocument {
    pub id: String,
    pub text: String,
    pub date: Option<String>,
    /// Character offsets into `text`, as in mentions.jsonl.
    pub mentions: Vec<MentionRecord>,
}

/// What a report is made of. With no documents (a report of a graph.json) the page
/// shows the graph and each edge's evidence sentences, and says why.
pub struct Report<'a> {
    pub graph: &'a Graph,
    /// graph.json's `graph` object (model and such), shown in the header.
    pub meta: &'a BTreeMap<String, Value>,
    /// How each relation is drawn (direction, colour): from the rules that made the graph.
    pub kinds: &'a RelationKinds,
    pub documents: &'a [ReportDocument],
    /// Documents processed but not included in `documents` (the page says how many).
    pub documents_left_out: usize,
}

/// The stylesheet's colours, from the one palette (`graph::kinds`): a custom property
/// `--c` (and `--bg` for node types) per class `t-TYPE` and `r-RELATION`, which the graph,
/// the legend and the highlights use. Relations: those the rules declare and those in
/// the graph.
fn palette_css(report: &Report) -> String {
    let mut css =
        String::from("/* Colours: graph::kinds (node types) and the rules (relations). */\n");
    let other = crate::graph::kinds::OTHER_NODE_COLOURS;
    let _ = writeln!(
        css,
        ".t-other {{ --c: {}; --bg: {}; }}",
        other.line, other.fill
    );
    for kind in [
        NodeKind::Person,
        NodeKind::State,
        NodeKind::Organisation,
        NodeKind::Claim,
    ] {
        let c = crate::graph::kinds::node_colours(kind);
        let _ = writeln!(
            css,
            ".t-{} {{ --c: {}; --bg: {}; }}",
            html::class_part(kind.as_str()),
            c.line,
            c.fill
        );
    }
    let _ = writeln!(
        css,
        ".r-other {{ --c: {}; }}",
        crate::graph::kinds::OTHER_RELATION_COLOUR
    );
    let names: BTreeSet<&str> = report
        .kinds
        .iter()
        .map(|(name, _)| name.as_str())
        .chain(report.graph.edges.values().map(|e| e.relation.as_str()))
        .collect();
    for name in names {
        let _ = writeln!(
            css,
            ".r-{} {{ --c: {}; }}",
            html::class_part(name),
            report.kinds.get(name).colour
        );
    }
    css
}

/// Limits that keep a large report usable.
#[derive(Clone, Debug)]
pub struct Options {
    /// Nodes drawn: the most mentioned (ties by id); the page says how many are left out.
    pub max_nodes: usize,
    /// Evidence sentences listed when the report has no documents.
    pub max_listed_evidence: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_nodes: DEFAULT_MAX_NODES,
            max_listed_evidence: DEFAULT_MAX_LISTED_EVIDENCE,
        }
    }
}

/// The whole HTML page, with the default [`Options`].
pub fn render(report: &Report) -> String {
    render_with(report, &Options::default())
}

/// Writes the page to `path`, with the default [`Options`].
pub fn write(report: &Report, path: &Path) -> std::io::Result<()> {
    std::fs::write(path, render(report))
}

/// Writes the page to `path`.
pub fn write_with(report: &Report, options: &Options, path: &Path) -> std::io::Result<()> {
    std::fs::write(path, render_with(report, options))
}

/// The whole HTML page. The same report gives byte-identical output.
pub fn render_with(report: &Report, options: &Options) -> String {
    let page = Page::new(report, options);
    let mut body = String::new();
    page.header(&mut body);
    page.graph_section(&mut body);
    if report.documents.is_empty() {
        page.evidence_section(&mut body);
    } else {
        page.documents_section(&mut body);
    }
    body.push_str(
        "<footer><div id=\"report-status\" data-state=\"loading\">\
         The graph needs JavaScript.</div></footer>\n",
    );
    let data = script_json(&page.data());
    let title = match report.documents {
        [one] => format!("newsgraph report: {}", one.id),
        _ => "newsgraph report".to_string(),
    };
    fill(TEMPLATE, |name| match name {
        "title" => Some(esc(&title)),
        "version" => Some(esc(env!("CARGO_PKG_VERSION"))),
        "css" => Some(format!("{}{CSS}", palette_css(report))),
        "body" => Some(body.clone()),
        "data" => Some(data.clone()),
        "js" => Some(JS.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests;

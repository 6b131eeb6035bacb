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

use crate::graph::{Edge, Evidence, Graph, Node, NodeKind};
use crate::pipeline::MentionRecord;

mod arcs;

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
    pub documents: &'a [ReportDocument],
    /// Documents processed but not included in `documents` (the page says how many).
    pub documents_left_out: usize,
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
        "css" => Some(CSS.to_string()),
        "body" => Some(body.clone()),
        "data" => Some(data.clone()),
        "js" => Some(JS.to_string()),
        _ => None,
    })
}

/// Replaces each `{{name}}` of the template in one pass, so that no filled-in text is
/// read as a placeholder.
fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after
            .find("}}")
            .and_then(|end| Some((end, value(&after[..end])?)))
        {
            Some((end, v)) => {
                out.push_str(&v);
                rest = &after[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text for HTML text or a quoted attribute.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON that can sit inside a `<script>` element: `<`, `>`, `&`, U+2028 and U+2029
/// (which occur only inside strings) written as escapes, so no text can close the tag.
pub fn script_json(value: &Value) -> String {
    let s = serde_json::to_string(value).expect("JSON values serialise");
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A CSS class part for a node type or relation: lower-case letters, digits and `-`.
fn class_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// `t-other t-<type>`: the stylesheet colours known types and falls back to `t-other`.
fn type_class(kind: &str) -> String {
    format!("t-other t-{}", class_part(kind))
}

fn relation_class(relation: &str) -> String {
    format!("r-other r-{}", class_part(relation))
}

/// A node's name as drawn: a claim's figure with what it counts.
fn display_label(node: &Node) -> String {
    match (&node.about, node.kind) {
        (Some(about), NodeKind::Claim) => format!("{} ({})", node.label, about),
        _ => node.label.clone(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Byte offset of each character of a text, and of its end.
fn char_starts(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// An evidence sentence cut around the evidence span, when the document's text shows
/// where the sentence is: (before, span, after); else (sentence, "", "").
fn split_sentence<'s>(
    ev: &'s Evidence,
    doc: Option<&(&str, Vec<usize>)>,
) -> (&'s str, &'s str, &'s str) {
    let whole = (ev.sentence.as_str(), "", "");
    let Some((text, starts)) = doc else {
        return whole;
    };
    let (Some(&sb), Some(&eb)) = (starts.get(ev.start), starts.get(ev.end)) else {
        return whole;
    };
    let sentence = ev.sentence.as_str();
    if sentence.is_empty() || eb < sb {
        return whole;
    }
    let mut lo = sb.saturating_sub(sentence.len());
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = (eb + sentence.len()).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    let found = text[lo..hi]
        .match_indices(sentence)
        .map(|(i, _)| lo + i)
        .find(|&at| at <= sb && at + sentence.len() >= eb);
    match found {
        Some(at) => {
            let (a, b) = (sb - at, eb - at);
            (&sentence[..a], &sentence[a..b], &sentence[b..])
        }
        None => whole,
    }
}

/// For evidence a syntax rule found: the rule, its matched path, a legend, and the
/// sentence's dependency arcs in a box that scrolls sideways, so that a long sentence
/// does not widen the page. Nothing for other evidence, or a parse that does not fit
/// its sentence.
fn parse_drawing(ev: &Evidence, out: &mut String) {
    let Some(svg) = ev.parse.as_ref().and_then(|p| arcs::svg(&ev.sentence, p)) else {
        return;
    };
    let _ = write!(
        out,
        "<div class=\"parse\"><p class=\"parse-caption\">Parse matched by \
         <span class=\"rule\">{}</span>",
        esc(&ev.rule)
    );
    if let Some(path) = &ev.path {
        let _ = write!(out, " <code class=\"path\">{}</code>", esc(path));
    }
    out.push_str(
        " <span class=\"legend\"><span class=\"key trigger\">trigger</span> \
         <span class=\"key arg\">argument</span></span></p>\
         <div class=\"parse-scroll\">",
    );
    out.push_str(&svg);
    out.push_str("</div></div>");
}

struct Page<'a> {
    report: &'a Report<'a>,
    options: &'a Options,
    /// Drawn node ids, most mentioned first.
    drawn: Vec<&'a str>,
    /// Nodes in the data: drawn first, then those the page's lists name, by id.
    embedded: Vec<&'a Node>,
    index: BTreeMap<&'a str, usize>,
    /// Document id to its section's anchor.
    anchors: BTreeMap<&'a str, String>,
    /// Document id to (text, character starts), for the documents in the page.
    texts: BTreeMap<&'a str, (&'a str, Vec<usize>)>,
    /// Evidence by document id: (edge, evidence), in text order.
    by_doc: BTreeMap<&'a str, Vec<(&'a Edge, &'a Evidence)>>,
    /// Evidence listed when there are no documents, and how much was left out.
    listed: usize,
    listed_left_out: usize,
}

impl<'a> Page<'a> {
    fn new(report: &'a Report<'a>, options: &'a Options) -> Self {
        let graph = report.graph;
        let mut ranked: Vec<&Node> = graph.nodes.values().collect();
        ranked.sort_by(|a, b| b.mentions.cmp(&a.mentions).then(a.id.cmp(&b.id)));
        let drawn: Vec<&str> = ranked
            .iter()
            .take(options.max_nodes)
            .map(|n| n.id.as_str())
            .collect();

        let mut anchors = BTreeMap::new();
        let mut texts = BTreeMap::new();
        for (i, d) in report.documents.iter().enumerate() {
            anchors
                .entry(d.id.as_str())
                .or_insert_with(|| format!("doc-{}", i + 1));
            texts
                .entry(d.id.as_str())
                .or_insert_with(|| (d.text.as_str(), char_starts(&d.text)));
        }

        let mut by_doc: BTreeMap<&str, Vec<(&Edge, &Evidence)>> = BTreeMap::new();
        for edge in graph.edges.values() {
            for ev in &edge.evidence {
                if report.documents.is_empty() || anchors.contains_key(ev.doc.as_str()) {
                    by_doc.entry(ev.doc.as_str()).or_default().push((edge, ev));
                }
            }
        }
        for list in by_doc.values_mut() {
            list.sort_by(|a, b| {
                (a.1.start, a.1.end, &a.0.relation, &a.0.source, &a.0.target).cmp(&(
                    b.1.start,
                    b.1.end,
                    &b.0.relation,
                    &b.0.source,
                    &b.0.target,
                ))
            });
        }
        let (mut listed, mut listed_left_out) = (0, 0);
        if report.documents.is_empty() {
            for list in by_doc.values_mut() {
                let keep = list.len().min(options.max_listed_evidence - listed);
                listed_left_out += list.len() - keep;
                list.truncate(keep);
                listed += keep;
            }
            by_doc.retain(|_, l| !l.is_empty());
        }

        // Nodes the page's lists name, beyond those drawn: mentions' entities and
        // the ends of listed edges, so that clicking them shows their panel.
        let drawn_set: BTreeSet<&str> = drawn.iter().copied().collect();
        let mut named: BTreeSet<&str> = BTreeSet::new();
        for d in report.documents {
            for m in &d.mentions {
                if let Some(e) = &m.entity {
                    named.insert(e.as_str());
                }
            }
        }
        for list in by_doc.values() {
            for (edge, _) in list {
                named.insert(edge.source.as_str());
                named.insert(edge.target.as_str());
            }
        }
        let mut embedded: Vec<&Node> = drawn.iter().map(|id| &graph.nodes[*id]).collect();
        embedded.extend(
            named
                .iter()
                .filter(|id| !drawn_set.contains(*id))
                .filter_map(|id| graph.nodes.get(*id)),
        );
        let index = embedded
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        Page {
            report,
            options,
            drawn,
            embedded,
            index,
            anchors,
            texts,
            by_doc,
            listed,
            listed_left_out,
        }
    }

    fn node_label(&self, id: &str) -> String {
        self.report
            .graph
            .nodes
            .get(id)
            .map(display_label)
            .unwrap_or_else(|| id.to_string())
    }

    fn header(&self, out: &mut String) {
        let graph = self.report.graph;
        let mut types: BTreeMap<&str, usize> = BTreeMap::new();
        for n in graph.nodes.values() {
            *types.entry(n.kind.as_str()).or_default() += 1;
        }
        let mut relations: BTreeMap<&str, usize> = BTreeMap::new();
        for e in graph.edges.values() {
            *relations.entry(e.relation.as_str()).or_default() += 1;
        }
        let counts = |m: &BTreeMap<&str, usize>| {
            m.iter()
                .map(|(k, n)| format!("{n} {}", esc(k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str("<header>\n<h1>newsgraph report</h1>\n<p class=\"summary\">");
        let _ = write!(
            out,
            "{} · {} ({}) · {} ({})",
            plural(graph.documents, "document", "documents"),
            plural(graph.nodes.len(), "node", "nodes"),
            counts(&types),
            plural(graph.edges.len(), "edge", "edges"),
            counts(&relations),
        );
        out.push_str("</p>\n");
        let meta: Vec<String> = self
            .report
            .meta
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "name" | "documents"))
            .map(|(k, v)| {
                let v = match v {
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                };
                format!("<span><b>{}</b> {}</span>", esc(k), esc(&v))
            })
            .collect();
        if !meta.is_empty() {
            let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" "));
        }
        out.push_str("</header>\n");
    }

    fn graph_section(&self, out: &mut String) {
        let total = self.report.graph.nodes.len();
        out.push_str(
            "<section id=\"graph-section\">\n\
             <div id=\"controls\"></div>\n\
             <div id=\"graph-wrap\">\n\
             <svg id=\"graph\" role=\"img\" aria-label=\"The graph\"></svg>\n\
             <aside id=\"panel\"><p class=\"hint\">Click a node to see its aliases, \
             documents and edges. Drag nodes; wheel or pinch to zoom; drag the \
             background to pan.</p></aside>\n</div>\n<p id=\"graph-note\" class=\"note\">",
        );
        if self.drawn.len() < total {
            let _ = write!(
                out,
                "Drawn: the {} most mentioned of {} nodes, and the edges between them \
                 (the report's limit is {}).",
                self.drawn.len(),
                total,
                self.options.max_nodes
            );
        } else {
            let _ = write!(out, "Drawn: all {}.", plural(total, "node", "nodes"));
        }
        out.push_str("</p>\n</section>\n");
    }

    fn documents_section(&self, out: &mut String) {
        let docs = self.report.documents;
        out.push_str("<section id=\"documents\">\n<h2>Documents</h2>\n");
        if self.report.documents_left_out > 0 {
            let _ = writeln!(
                out,
                "<p class=\"note\">{} shown; {} more not shown (the report keeps the first {}).</p>",
                plural(docs.len(), "document", "documents"),
                self.report.documents_left_out,
                docs.len()
            );
        }
        if docs.len() > 1 {
            out.push_str("<nav class=\"doc-index\"><ol>");
            for d in docs {
                let _ = write!(
                    out,
                    "<li><a href=\"#{}\">{}</a></li>",
                    self.anchors[d.id.as_str()],
                    esc(&d.id)
                );
            }
            out.push_str("</ol></nav>\n");
        }
        for (i, d) in docs.iter().enumerate() {
            let anchor = format!("doc-{}", i + 1);
            let _ = write!(
                out,
                "<article class=\"doc\" id=\"{anchor}\" data-doc=\"{}\">\n<h3>{}</h3>\n",
                esc(&d.id),
                esc(&d.id)
            );
            let linked = d.mentions.iter().filter(|m| m.entity.is_some()).count();
            let mut facts = vec![
                plural(d.text.chars().count(), "character", "characters"),
                format!(
                    "{} ({linked} naming a node)",
                    plural(d.mentions.len(), "mention", "mentions")
                ),
            ];
            if let Some(date) = &d.date {
                facts.insert(0, esc(date));
            }
            let _ = writeln!(out, "<p class=\"doc-meta\">{}</p>", facts.join(" · "));
            out.push_str("<div class=\"text\">");
            self.highlighted(d, out);
            out.push_str("</div>\n");
            let list = self.by_doc.get(d.id.as_str()).map(Vec::as_slice);
            let _ = writeln!(
                out,
                "<h4>Edges found in this document: {}</h4>",
                list.map_or(0, <[_]>::len)
            );
            if let Some(list) = list {
                self.evidence_list(list, out);
            }
            out.push_str("</article>\n");
        }
        out.push_str("</section>\n");
    }

    fn evidence_section(&self, out: &mut String) {
        out.push_str(
            "<section id=\"evidence\">\n<h2>Evidence</h2>\n<p class=\"note\">This report has \
             no document texts (it was made from a graph, which keeps only each edge's \
             evidence sentences), so it lists the evidence of every edge, by document.",
        );
        if self.listed_left_out > 0 {
            let _ = write!(
                out,
                " {} listed; {} more not listed (the limit is {}).",
                plural(self.listed, "sentence", "sentences"),
                self.listed_left_out,
                self.options.max_listed_evidence
            );
        }
        out.push_str("</p>\n");
        for (i, (doc, list)) in self.by_doc.iter().enumerate() {
            let _ = writeln!(
                out,
                "<article class=\"doc\" id=\"ev-{}\" data-doc=\"{}\">\n<h3>{}</h3>",
                i + 1,
                esc(doc),
                esc(doc)
            );
            self.evidence_list(list, out);
            out.push_str("</article>\n");
        }
        out.push_str("</section>\n");
    }

    fn node_ref(&self, id: &str, out: &mut String) {
        let kind = self
            .report
            .graph
            .nodes
            .get(id)
            .map_or("", |n| n.kind.as_str());
        let _ = write!(
            out,
            "<a class=\"node-ref {}\" href=\"#graph-section\" data-node=\"{}\">{}</a>",
            type_class(kind),
            esc(id),
            esc(&self.node_label(id))
        );
    }

    fn evidence_list(&self, list: &[(&Edge, &Evidence)], out: &mut String) {
        out.push_str("<ul class=\"edges\">\n");
        for (edge, ev) in list {
            let _ = write!(
                out,
                "<li class=\"edge-ev {}\"><span class=\"rel\">{}</span> ",
                relation_class(&edge.relation),
                esc(&edge.relation)
            );
            self.node_ref(&edge.source, out);
            out.push_str(" → ");
            self.node_ref(&edge.target, out);
            let _ = write!(
                out,
                " <span class=\"modality m-{}\">{}</span> <span class=\"rule\">{}</span>",
                class_part(edge.modality.as_str()),
                esc(edge.modality.as_str()),
                esc(&ev.rule)
            );
            if let Some(date) = &ev.date {
                let _ = write!(out, " <span class=\"date\">{}</span>", esc(date));
            }
            let (pre, hit, post) = split_sentence(ev, self.texts.get(ev.doc.as_str()));
            if hit.is_empty() {
                let _ = write!(out, "<blockquote>{}</blockquote>", esc(pre));
            } else {
                let _ = write!(
                    out,
                    "<blockquote>{}<mark class=\"hit\">{}</mark>{}</blockquote>",
                    esc(pre),
                    esc(hit),
                    esc(post)
                );
            }
            parse_drawing(ev, out);
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }

    /// The document's text with each mention in a `<mark>`: coloured by its node's type
    /// and naming the node, or by its NER label when it names none.
    fn highlighted(&self, d: &ReportDocument, out: &mut String) {
        let starts = &self.texts[d.id.as_str()].1;
        let mut mentions: Vec<&MentionRecord> = d
            .mentions
            .iter()
            .filter(|m| m.start < m.end && m.end < starts.len())
            .collect();
        mentions.sort_by_key(|m| (m.start, m.end));
        let mut at = 0usize; // characters written so far
        for m in mentions {
            if m.start < at {
                continue; // overlaps the previous mention
            }
            out.push_str(&esc(&d.text[starts[at]..starts[m.start]]));
            let span = esc(&d.text[starts[m.start]..starts[m.end]]);
            match m
                .entity
                .as_deref()
                .map(|e| (e, self.report.graph.nodes.get(e)))
            {
                Some((id, node)) => {
                    let (kind, label) = node.map_or(("", id.to_string()), |n| {
                        (n.kind.as_str(), display_label(n))
                    });
                    let _ = write!(
                        out,
                        "<mark class=\"m {}\" data-node=\"{}\" title=\"{} ({}, {} {:.2})\">{span}</mark>",
                        type_class(kind),
                        esc(id),
                        esc(&label),
                        esc(kind),
                        esc(m.label.as_str()),
                        m.score
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<mark class=\"m unlinked l-{}\" title=\"{} {:.2}, no graph node\">{span}</mark>",
                        class_part(m.label.as_str()),
                        esc(m.label.as_str()),
                        m.score
                    );
                }
            }
            at = m.end;
        }
        out.push_str(&esc(&d.text[starts[at]..]));
    }

    /// The data `report.js` draws from.
    fn data(&self) -> Value {
        let graph = self.report.graph;
        let page_docs: Vec<&str> = self
            .report
            .documents
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        let nodes: Vec<Value> = self
            .embedded
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut docs: Vec<&str> = page_docs
                    .iter()
                    .copied()
                    .filter(|d| n.docs.contains(*d))
                    .collect();
                let in_page: BTreeSet<&str> = docs.iter().copied().collect();
                docs.extend(
                    n.docs
                        .iter()
                        .map(String::as_str)
                        .filter(|d| !in_page.contains(d)),
                );
                docs.truncate(DOCS_PER_NODE);
                let mut v = Map::new();
                v.insert("id".into(), json!(n.id));
                v.insert("label".into(), json!(display_label(n)));
                v.insert("type".into(), json!(n.kind));
                v.insert("mentions".into(), json!(n.mentions));
                v.insert(
                    "aliases".into(),
                    json!(n.aliases.iter().take(ALIASES_PER_NODE).collect::<Vec<_>>()),
                );
                v.insert("aliases_total".into(), json!(n.aliases.len()));
                v.insert("docs".into(), json!(docs));
                v.insert("docs_total".into(), json!(n.documents));
                v.insert("drawn".into(), json!(i < self.drawn.len()));
                if let Some(c) = &n.country {
                    v.insert("country".into(), json!(c));
                }
                if let Some(x) = n.value {
                    v.insert("value".into(), json!(x));
                }
                for (k, x) in [
                    ("unit", &n.unit),
                    ("qualifier", &n.qualifier),
                    ("about", &n.about),
                ] {
                    if let Some(x) = x {
                        v.insert(k.into(), json!(x));
                    }
                }
                Value::Object(v)
            })
            .collect();
        let edges: Vec<Value> = graph
            .edges
            .values()
            .filter_map(|e| {
                let s = *self.index.get(e.source.as_str())?;
                let t = *self.index.get(e.target.as_str())?;
                let evidence: Vec<Value> = e
                    .evidence
                    .iter()
                    .take(EVIDENCE_PER_EDGE)
                    .map(|ev| {
                        let (pre, hit, post) = split_sentence(ev, self.texts.get(ev.doc.as_str()));
                        let mut v = Map::new();
                        v.insert("doc".into(), json!(ev.doc));
                        v.insert("sentence".into(), json!([pre, hit, post]));
                        v.insert("rule".into(), json!(ev.rule));
                        if let Some(d) = &ev.date {
                            v.insert("date".into(), json!(d));
                        }
                        Value::Object(v)
                    })
                    .collect();
                Some(json!({
                    "source": s,
                    "target": t,
                    "relation": e.relation,
                    "modality": e.modality,
                    "evidence": evidence,
                    "evidence_total": e.evidence_count,
                }))
            })
            .collect();
        let anchors: Map<String, Value> = self
            .anchors
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        json!({
            "drawn": self.drawn.len(),
            "nodes_total": graph.nodes.len(),
            "edges_total": graph.edges.len(),
            "max_nodes": self.options.max_nodes,
            "documents": anchors,
            "nodes": nodes,
            "edges": edges,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str =
        "</script><script>alert(1)</script> \"&<>' <b>bold</b> {{js}}\nZürich \u{2028} 東京 🙂 Putin.";

    fn node(id: &str, kind: &str, label: &str, mentions: usize, doc: &str) -> Node {
        Node {
            id: id.into(),
            label: label.into(),
            kind: kind.parse().unwrap(),
            aliases: BTreeSet::from([label.to_string(), format!("{label} </script>")]),
            mentions,
            docs: BTreeSet::from([doc.to_string()]),
            country: None,
            value: None,
            unit: None,
            qualifier: None,
            about: None,
            names: BTreeMap::new(),
            documents: 1,
        }
    }

    fn hostile_report_parts() -> (Graph, Vec<ReportDocument>) {
        let doc = "d</script>1";
        let mut g = Graph {
            documents: 1,
            ..Graph::default()
        };
        g.add_node(node("person:putin", "person", "Putin </script>", 2, doc));
        // A node type is a NodeKind now: hostile text can no longer reach the page as one.
        g.add_node(node("state:RU", "state", "Russia", 1, doc));
        let start = HOSTILE.chars().count() - "Putin.".chars().count();
        g.add_edge(Edge {
            source: "person:putin".into(),
            target: "state:RU".into(),
            relation: "meets<script>".into(),
            modality: crate::relations::Modality::Asserted,
            evidence_count: 1,
            evidence: vec![Evidence {
                doc: doc.into(),
                start,
                end: start + 5,
                sentence: HOSTILE.into(),
                rule: "r</script>".into(),
                date: Some("2022-02-25<".into()),
                path: None,
                parse: None,
            }],
        });
        let docs = vec![ReportDocument {
            id: doc.into(),
            text: HOSTILE.into(),
            date: None,
            mentions: vec![MentionRecord {
                start,
                end: start + 5,
                text: "Putin".into(),
                label: "PER".into(),
                score: 0.99,
                entity: Some("person:putin".into()),
            }],
        }];
        (g, docs)
    }

    #[test]
    fn hostile_text_cannot_break_out() {
        let (g, docs) = hostile_report_parts();
        let meta = BTreeMap::from([("model".to_string(), json!("m</script><b>"))]);
        for docs in [&docs[..], &[]] {
            let html = render(&Report {
                graph: &g,
                meta: &meta,
                documents: docs,
                documents_left_out: 0,
            });
            // Only the page's own two scripts open and close.
            assert_eq!(html.matches("<script").count(), 2, "{html}");
            assert_eq!(html.matches("</script>").count(), 2);
            assert!(!html.contains("<b>bold"));
            assert!(!html.contains("<x>"));
            assert!(!data_of(&html).contains('\u{2028}'));
            assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)"));
            assert!(html.contains("&quot;&amp;&lt;&gt;&#39;"));
            assert!(html.contains("Zürich"));
            // The embedded data reads back to the original strings.
            let data: Value = serde_json::from_str(data_of(&html)).unwrap();
            let labels: Vec<&str> = data["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["label"].as_str().unwrap())
                .collect();
            assert!(labels.contains(&"Putin </script>"));
            let sentence = &data["edges"][0]["evidence"][0]["sentence"];
            let joined: String = sentence
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap())
                .collect();
            assert_eq!(joined, HOSTILE);
        }
    }

    #[test]
    fn mentions_and_evidence_spans_are_marked() {
        let (g, docs) = hostile_report_parts();
        let meta = BTreeMap::new();
        let html = render(&Report {
            graph: &g,
            meta: &meta,
            documents: &docs,
            documents_left_out: 3,
        });
        assert!(html.contains("data-node=\"person:putin\" title=\"Putin &lt;/script&gt; (person, PER 0.99)\">Putin</mark>."));
        assert!(html.contains("<mark class=\"hit\">Putin</mark>."), "{html}");
        assert!(html.contains("3 more not shown"));
        assert!(html.contains("\n東京 🙂") || html.contains(" 東京 🙂"));
    }

    #[test]
    fn output_is_deterministic() {
        let (g, docs) = hostile_report_parts();
        let meta = BTreeMap::new();
        let r = Report {
            graph: &g,
            meta: &meta,
            documents: &docs,
            documents_left_out: 0,
        };
        assert_eq!(render(&r), render(&r));
    }

    #[test]
    fn drawing_is_capped_at_the_most_mentioned() {
        let mut g = Graph::default();
        for i in 0..10 {
            g.add_node(node(
                &format!("person:p{i}"),
                "person",
                &format!("P{i}"),
                i,
                "d",
            ));
        }
        let meta = BTreeMap::new();
        let r = Report {
            graph: &g,
            meta: &meta,
            documents: &[],
            documents_left_out: 0,
        };
        let html = render_with(
            &r,
            &Options {
                max_nodes: 3,
                ..Options::default()
            },
        );
        let data: Value = serde_json::from_str(data_of(&html)).unwrap();
        let ids: Vec<&str> = data["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["person:p9", "person:p8", "person:p7"]);
        assert!(html.contains("the 3 most mentioned of 10 nodes"));
    }

    /// The hostile report with a parse of "Putin." (the evidence span) on its evidence.
    fn with_parse(g: &mut Graph, start: usize, end: usize) {
        let ev = &mut g.edges.values_mut().next().unwrap().evidence[0];
        ev.path = Some("met >nsubj <b>Putin</b> & \"x\"".into());
        ev.parse = Some(crate::graph::SentenceParse {
            tokens: vec![
                crate::graph::ParsedToken {
                    start,
                    end,
                    upos: "PROPN".into(),
                    head: Some(1),
                    deprel: "nsubj<b>".into(),
                },
                crate::graph::ParsedToken {
                    start: end,
                    end: end + 1,
                    upos: "PUNCT".into(),
                    head: None,
                    deprel: "root".into(),
                },
            ],
            trigger: 1,
            arguments: vec![0],
        });
    }

    #[test]
    fn evidence_with_a_parse_shows_its_arcs_rule_and_path() {
        let (mut g, docs) = hostile_report_parts();
        let meta = BTreeMap::new();
        let plain = |g: &Graph, docs: &[ReportDocument]| {
            render(&Report {
                graph: g,
                meta: &meta,
                documents: docs,
                documents_left_out: 0,
            })
        };
        let before = plain(&g, &docs);
        assert!(before.contains("</blockquote></li>\n"));
        assert!(!before.contains("class=\"parse\""));
        let start = HOSTILE.chars().count() - "Putin.".chars().count();
        with_parse(&mut g, start, start + 5);
        for docs in [&docs[..], &[]] {
            let html = plain(&g, docs);
            assert_eq!(html.matches("<svg class=\"arcs\"").count(), 1, "{html}");
            assert_eq!(html.matches("<g class=\"arc\"").count(), 1);
            assert!(html.contains(">nsubj&lt;b&gt;</text>"));
            assert!(html.contains("<g class=\"tok arg\" data-i=\"0\">"));
            assert!(html.contains("<g class=\"tok trigger\" data-i=\"1\">"));
            assert!(html.contains(
                "Parse matched by <span class=\"rule\">r&lt;/script&gt;</span> \
                 <code class=\"path\">met &gt;nsubj &lt;b&gt;Putin&lt;/b&gt; &amp; &quot;x&quot;</code>"
            ));
            assert!(!html.contains("<b>Putin"));
            assert_eq!(html, plain(&g, docs));
        }
        // A parse whose offsets fall outside its sentence is left out, not drawn wrong.
        with_parse(&mut g, start, HOSTILE.len() + 1);
        let html = plain(&g, &docs);
        assert!(!html.contains("class=\"parse\""));
        assert_eq!(html, before);
    }

    #[test]
    fn only_listed_evidence_is_drawn() {
        let (mut g, _) = hostile_report_parts();
        let start = HOSTILE.chars().count() - "Putin.".chars().count();
        with_parse(&mut g, start, start + 5);
        let edge = g.edges.values_mut().next().unwrap();
        let first = edge.evidence[0].clone();
        edge.evidence = (0..3)
            .map(|i| Evidence {
                doc: format!("doc-{i}"),
                ..first.clone()
            })
            .collect();
        let meta = BTreeMap::new();
        let html = render_with(
            &Report {
                graph: &g,
                meta: &meta,
                documents: &[],
                documents_left_out: 0,
            },
            &Options {
                max_listed_evidence: 2,
                ..Options::default()
            },
        );
        assert_eq!(html.matches("<li class=\"edge-ev ").count(), 2);
        assert_eq!(html.matches("<svg class=\"arcs\"").count(), 2);
        assert!(html.contains("1 more not listed"));
    }

    #[test]
    fn placeholders_fill_in_one_pass() {
        let out = fill("a{{x}}b{{y}}c{{", |n| match n {
            "x" => Some("{{y}}".into()),
            "y" => Some("Y".into()),
            _ => None,
        });
        assert_eq!(out, "a{{y}}bYc{{");
    }

    fn data_of(html: &str) -> &str {
        let start = html.find("id=\"data\">").unwrap() + "id=\"data\">".len();
        &html[start..start + html[start..].find("</script>").unwrap()]
    }
}

//! The page: header, graph section, documents with their mentions highlighted, and
//! evidence lists, written as HTML.

use super::html::*;
use super::*;

mod data;

pub(super) struct Page<'a> {
    pub(super) report: &'a Report<'a>,
    pub(super) options: &'a Options,
    /// Drawn node ids, most mentioned first.
    pub(super) drawn: Vec<&'a str>,
    /// Nodes in the data: drawn first, then those the page's lists name, by id.
    pub(super) embedded: Vec<&'a Node>,
    pub(super) index: BTreeMap<&'a str, usize>,
    /// Document id to its section's anchor.
    pub(super) anchors: BTreeMap<&'a str, String>,
    /// Document id to (text, character starts), for the documents in the page.
    pub(super) texts: BTreeMap<&'a str, (&'a str, Vec<usize>)>,
    /// Evidence by document id: (edge, evidence), in text order.
    pub(super) by_doc: BTreeMap<&'a str, Vec<(&'a Edge, &'a Evidence)>>,
    /// Evidence listed when there are no documents, and how much was left out.
    pub(super) listed: usize,
    pub(super) listed_left_out: usize,
}

impl<'a> Page<'a> {
    pub(super) fn new(report: &'a Report<'a>, options: &'a Options) -> Self {
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
                    named.insert(joined(graph, e));
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

    pub(super) fn node_label(&self, id: &str) -> String {
        self.report
            .graph
            .nodes
            .get(id)
            .map(display_label)
            .unwrap_or_else(|| id.to_string())
    }

    pub(super) fn header(&self, out: &mut String) {
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

    pub(super) fn graph_section(&self, out: &mut String) {
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

    pub(super) fn documents_section(&self, out: &mut String) {
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

    pub(super) fn evidence_section(&self, out: &mut String) {
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

    pub(super) fn node_ref(&self, id: &str, out: &mut String) {
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

    pub(super) fn evidence_list(&self, list: &[(&Edge, &Evidence)], out: &mut String) {
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
    pub(super) fn highlighted(&self, d: &ReportDocument, out: &mut String) {
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
                .map(|e| joined(self.report.graph, e))
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
}

/// The node a mention's id names in the graph: a document keeps its own id for an acronym
/// the run joined to its long form (`Graph::acronyms_joined`).
fn joined<'g>(graph: &'g Graph, id: &'g str) -> &'g str {
    graph.acronyms_joined.get(id).map_or(id, String::as_str)
}

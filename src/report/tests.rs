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
            kinds: &crate::graph::RelationKinds::builtin(),
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
        kinds: &crate::graph::RelationKinds::builtin(),
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
        kinds: &crate::graph::RelationKinds::builtin(),
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
        kinds: &crate::graph::RelationKinds::builtin(),
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
            kinds: &crate::graph::RelationKinds::builtin(),
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
            kinds: &crate::graph::RelationKinds::builtin(),
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

/// Issue 24: the report's relation colours and arrowheads came from names written in
/// report.css and report.js; now from the rules that made the graph, through one palette.
/// A relation name from the graph reaches the stylesheet only as letters, digits and `-`.
#[test]
fn relations_are_coloured_and_directed_as_the_rules_declare() {
    let (mut g, docs) = hostile_report_parts();
    let mut meets = g.edges.values().next().unwrap().clone();
    meets.relation = "meets".into();
    g.add_edge(meets);
    let meta = BTreeMap::new();
    let page = |kinds: &crate::graph::RelationKinds| {
        render(&Report {
            graph: &g,
            meta: &meta,
            kinds,
            documents: &docs,
            documents_left_out: 0,
        })
    };
    let html = page(&crate::graph::RelationKinds::builtin());
    assert!(html.contains(".r-meets { --c: #1f9e89; }"), "{html}");
    assert!(html.contains(".r-sanctions { --c: #e15759; }"), "{html}");
    assert!(
        html.contains(".r-meets-script- { --c: #777777; }"),
        "{html}"
    );
    assert!(
        html.contains(".t-person { --c: #4e79a7; --bg: #dbe6f2; }"),
        "{html}"
    );
    assert!(html.contains(r#""undirected":["meets"]"#), "{html}");

    let rules = crate::relations::RuleSet::parse(
        "[relation.meets]\ndirected = true\ncolour = \"#123456\"\n\n[[rule]]\nid = \"m\"\n\
         relation = \"meets\"\npattern = \"{source} met {target}\"\n",
    )
    .unwrap();
    let html = page(&crate::graph::RelationKinds::from_rules(&rules));
    assert!(html.contains(".r-meets { --c: #123456; }"), "{html}");
    assert!(html.contains(r#""undirected":[]"#), "{html}");
    assert!(!html.contains(".r-sanctions"), "{html}");
}

#[test]
fn a_mention_of_a_joined_acronym_marks_its_long_form() {
    let long = "organisation:energy-information-administration";
    let mut g = Graph {
        documents: 1,
        ..Graph::default()
    };
    g.add_node(node(
        long,
        "organisation",
        "Energy Information Administration",
        1,
        "d",
    ));
    g.acronyms_joined
        .insert("organisation:eia".into(), long.into());
    let docs = vec![ReportDocument {
        id: "d".into(),
        text: "The EIA said so.".into(),
        date: None,
        mentions: vec![MentionRecord {
            start: 4,
            end: 7,
            text: "EIA".into(),
            label: "ORG".into(),
            score: 0.99,
            entity: Some("organisation:eia".into()),
        }],
    }];
    let meta = BTreeMap::new();
    let html = render(&Report {
        graph: &g,
        meta: &meta,
        kinds: &crate::graph::RelationKinds::builtin(),
        documents: &docs,
        documents_left_out: 0,
    });
    let mark = format!("data-node=\"{long}\" title=\"Energy Information Administration (organisation, ORG 0.99)\">EIA</mark>");
    assert!(html.contains(&mark), "{html}");
}

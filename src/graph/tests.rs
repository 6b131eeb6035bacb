use super::*;

#[test]
fn a_parsed_token_holds_no_strings_and_tags_order_by_their_label() {
    // Kept evidence carries a parse per sentence: its tokens are most of a large
    // graph's memory, so a token holds numbers only.
    assert!(std::mem::size_of::<ParsedToken>() <= 40);
    let (zz, aa) = (Tag::from("zz-first-seen"), Tag::from("aa-seen-later"));
    assert!(aa < zz, "ordered by label, not by when first seen");
    assert_eq!(Tag::from("aa-seen-later".to_string()), aa);
    assert_eq!(aa.as_str(), "aa-seen-later");
    assert_eq!(zz.to_string(), "zz-first-seen");
}

#[test]
fn a_sentence_parse_round_trips_as_one_compact_string() {
    let parse = SentenceParse {
        tokens: vec![
            ParsedToken {
                start: 0,
                end: 5,
                upos: "PROPN".into(),
                head: Some(1),
                deprel: "nsubj:pass".into(),
            },
            ParsedToken {
                start: 6,
                end: 9,
                upos: "VERB".into(),
                head: None,
                deprel: "root".into(),
            },
        ],
        trigger: 1,
        arguments: vec![0],
    };
    let json = serde_json::to_value(&parse).unwrap();
    assert_eq!(json["tokens"], "0:5:PROPN:2:nsubj:pass 6:9:VERB:0:root");
    let back: SentenceParse = serde_json::from_value(json).unwrap();
    assert_eq!(back, parse);
    let bad = serde_json::json!({"tokens": "0:5:PROPN", "trigger": 0, "arguments": []});
    assert!(serde_json::from_value::<SentenceParse>(bad).is_err());
}

fn person(id: &str, name: &str, doc: &str, mentions: usize, country: Option<&str>) -> Node {
    Node {
        id: id.into(),
        label: name.into(),
        kind: NodeKind::Person,
        aliases: BTreeSet::from([name.to_string()]),
        mentions,
        docs: BTreeSet::from([doc.to_string()]),
        country: country.map(str::to_string),
        value: None,
        unit: None,
        qualifier: None,
        about: None,
        names: BTreeMap::from([(name.to_string(), mentions)]),
        documents: 1,
    }
}

fn edge(source: &str, target: &str, doc: &str, date: Option<&str>) -> Edge {
    Edge {
        source: source.into(),
        target: target.into(),
        relation: "meets".into(),
        modality: Modality::Asserted,
        evidence_count: 1,
        evidence: vec![Evidence {
            doc: doc.into(),
            start: 0,
            end: 5,
            sentence: "A \"quoted\" <sentence> & more\nnext line, Zürich".into(),
            rule: "meets.verb".into(),
            date: date.map(str::to_string),
            path: None,
            parse: None,
        }],
    }
}

fn shard(doc: &str, name: &str, mentions: usize, country: Option<&str>) -> Graph {
    let mut g = Graph {
        documents: 1,
        ..Graph::default()
    };
    g.add_node(person("person:putin", name, doc, mentions, country));
    g.add_node(person("person:xi", "Xi Jinping", doc, 1, None));
    g.add_edge(edge("person:putin", "person:xi", doc, Some("1987-02-26")));
    g
}

fn json(g: &Graph) -> String {
    serde_json::to_string(&g.to_node_link(&BTreeMap::new())).unwrap()
}

#[test]
fn merging_does_not_depend_on_order() {
    let parts = [
        shard("a", "Putin", 3, Some("RU")),
        shard("b", "Vladimir Putin", 2, None),
        shard("c", "Vladimir Putin", 2, Some("BY")),
    ];
    let mut forward = Graph::default();
    for p in parts.iter().cloned() {
        forward.merge(p);
    }
    let mut backward = Graph::default();
    for p in parts.iter().rev().cloned() {
        backward.merge(p);
    }
    assert_eq!(json(&forward), json(&backward));
    let putin = &forward.nodes["person:putin"];
    assert_eq!(putin.label, "Vladimir Putin");
    assert_eq!(putin.mentions, 7);
    assert_eq!(putin.country.as_deref(), Some("BY"));
    assert_eq!(forward.documents, 3);
    assert_eq!(forward.edges.values().next().unwrap().evidence.len(), 3);
}

#[test]
fn node_link_reads_back_to_the_same_graph() {
    let mut g = shard("a", "Putin", 3, Some("RU"));
    g.merge(shard("b", "Vladimir Putin", 2, None));
    let value = g.to_node_link(&BTreeMap::new());
    let back = Graph::from_node_link(&value).unwrap();
    assert_eq!(json(&g), json(&back));
}

#[test]
fn node_link_without_a_node_for_a_link_is_rejected() {
    let g = shard("a", "Putin", 3, None);
    let mut value = g.to_node_link(&BTreeMap::new());
    value["links"][0]["target"] = "person:nobody".into();
    let err = Graph::from_node_link(&value).unwrap_err().to_string();
    assert!(err.contains("person:nobody"), "{err}");
}

fn piece(doc: &str, start: usize) -> Evidence {
    Evidence {
        doc: doc.into(),
        start,
        end: start + 5,
        sentence: format!("Sentence of {doc}."),
        rule: "meets.verb".into(),
        date: None,
        path: None,
        parse: None,
    }
}

/// The graph of one document `d<i>`: Putin (always) and Xi (odd documents), and a
/// meeting between them with two pieces of evidence.
fn document(i: usize, limits: Limits) -> Graph {
    let doc = format!("d{i:02}");
    let mut g = Graph::with_limits(limits);
    g.documents = 1;
    g.add_node(person("person:putin", "Putin", &doc, 1, None));
    if i % 2 == 1 {
        g.add_node(person("person:xi", "Xi Jinping", &doc, 1, None));
    }
    g.add_edge(Edge::new(
        "person:putin".into(),
        "person:xi".into(),
        "meets".into(),
        Modality::Asserted,
        vec![piece(&doc, 0), piece(&doc, 9), piece(&doc, 0)],
    ));
    g
}

const SMALL: Limits = Limits {
    docs_per_node: 3,
    evidence_per_edge: 4,
};

#[test]
fn a_node_in_more_documents_than_kept_keeps_the_first_ids_and_counts_them_all() {
    let mut g = Graph::with_limits(SMALL);
    for i in [7, 2, 9, 0, 5, 3, 8, 1] {
        g.merge(document(i, SMALL));
    }
    let putin = &g.nodes["person:putin"];
    assert_eq!(putin.documents, 8);
    assert_eq!(
        putin.docs,
        BTreeSet::from(["d00", "d01", "d02"].map(String::from))
    );
    let edge = g.edges.values().next().unwrap();
    assert_eq!(edge.evidence_count, 16, "two distinct pieces per document");
    let kept: Vec<_> = edge
        .evidence
        .iter()
        .map(|e| (e.doc.as_str(), e.start))
        .collect();
    assert_eq!(kept, [("d00", 0), ("d00", 9), ("d01", 0), ("d01", 9)]);
}

#[test]
fn capped_graphs_merged_in_any_grouping_equal_one_graph() {
    let one = {
        let mut g = Graph::with_limits(SMALL);
        for i in 0..12 {
            g.merge(document(i, SMALL));
        }
        json(&g)
    };
    // Shards by residue, merged in reverse; and batches of five, through node-link.
    let mut shards: Vec<Graph> = (0..3).map(|_| Graph::with_limits(SMALL)).collect();
    for i in 0..12 {
        shards[i % 3].merge(document(i, SMALL));
    }
    let mut merged = Graph::with_limits(SMALL);
    for shard in shards.into_iter().rev() {
        merged.merge(shard);
    }
    assert_eq!(json(&merged), one);
    let mut replayed = Graph::with_limits(SMALL);
    for batch in (0..12).collect::<Vec<_>>().chunks(5).rev() {
        let mut b = Graph::with_limits(SMALL);
        for &i in batch {
            b.merge(document(i, SMALL));
        }
        let line = serde_json::to_string(&b.to_node_link(&BTreeMap::new())).unwrap();
        replayed.merge(Graph::from_node_link(&serde_json::from_str(&line).unwrap()).unwrap());
    }
    assert_eq!(json(&replayed), one);
}

#[test]
fn counts_and_limits_survive_node_link() {
    let mut g = Graph::with_limits(SMALL);
    for i in 0..9 {
        g.merge(document(i, SMALL));
    }
    let value = g.to_node_link(&BTreeMap::new());
    assert_eq!(value["nodes"][0]["documents"], 9);
    assert_eq!(value["links"][0]["evidence_count"], 18);
    assert_eq!(value["graph"]["evidence_per_edge"], 4);
    let back = Graph::from_node_link(&value).unwrap();
    assert_eq!(back.limits, SMALL);
    assert_eq!(json(&back), json(&g));
    // A graph.json from before the counts: the lists' lengths are the counts.
    let mut old = value.clone();
    old["links"][0]
        .as_object_mut()
        .unwrap()
        .remove("evidence_count");
    let back = Graph::from_node_link(&old).unwrap();
    assert_eq!(back.edges.values().next().unwrap().evidence_count, 4);
}

#[test]
fn graph_json_is_written_streaming_with_the_bytes_of_the_whole_value() {
    let meta = BTreeMap::from([("model".to_string(), json!({"name": "m", "n": [1, 2]}))]);
    let mut full = Graph::with_limits(SMALL);
    for i in 0..5 {
        full.merge(document(i, SMALL));
    }
    for g in [Graph::default(), shard("a", "Putin", 3, Some("RU")), full] {
        let mut streamed = Vec::new();
        g.write_node_link(&meta, &mut streamed).unwrap();
        let whole = serde_json::to_string_pretty(&g.to_node_link(&meta)).unwrap() + "\n";
        assert_eq!(String::from_utf8(streamed).unwrap(), whole);
    }
}

fn organisation(id: &str, name: &str, docs: &[&str], mentions: usize) -> Node {
    Node {
        id: id.into(),
        label: name.into(),
        kind: NodeKind::Organisation,
        aliases: BTreeSet::new(),
        mentions,
        docs: docs.iter().map(|d| d.to_string()).collect(),
        country: None,
        value: None,
        unit: None,
        qualifier: None,
        about: None,
        names: BTreeMap::from([(name.to_string(), mentions)]),
        documents: docs.len(),
    }
}

const EIA: &str = "organisation:eia";
const LONG: &str = "organisation:energy-information-administration";

#[test]
fn a_joined_node_counts_a_document_naming_both_once() {
    let mut g = Graph::default();
    g.add_node(organisation(
        LONG,
        "Energy Information Administration",
        &["a", "b"],
        2,
    ));
    // "b" names the long form and, without defining it, the acronym alone.
    g.add_node(organisation(EIA, "EIA", &["b", "c"], 2));
    g.add_acronyms(&BTreeMap::from([(EIA.to_string(), LONG.to_string())]));
    let joins = g.join_acronyms();
    assert_eq!(joins.joined, 1);
    assert!(!g.nodes.contains_key(EIA));
    let joined = &g.nodes[LONG];
    assert_eq!(joined.documents, 3, "{joined:?}");
    assert_eq!(
        joined.docs,
        BTreeSet::from(["a", "b", "c"].map(String::from))
    );
    assert_eq!(joined.mentions, 4);
    // Read back from graph.json, the count stays.
    let back = Graph::from_node_link(&g.to_node_link(&BTreeMap::new())).unwrap();
    assert_eq!(back.nodes[LONG].documents, 3);
}

#[test]
fn a_joined_node_over_its_kept_documents_keeps_the_unions_first() {
    let limits = Limits {
        docs_per_node: 2,
        evidence_per_edge: 20,
    };
    let mut g = Graph::with_limits(limits);
    let mut long = organisation(LONG, "Energy Information Administration", &["b", "d"], 3);
    long.documents = 3; // "b", "d" and one past the kept two
    g.add_node(long);
    g.add_node(organisation(EIA, "EIA", &["a", "b"], 2));
    g.add_acronyms(&BTreeMap::from([(EIA.to_string(), LONG.to_string())]));
    g.join_acronyms();
    let joined = &g.nodes[LONG];
    assert_eq!(joined.docs, BTreeSet::from(["a", "b"].map(String::from)));
    // "b" is known shared; nothing else is.
    assert_eq!(joined.documents, 4);
}

#[test]
fn two_acronyms_joining_one_long_form_both_count() {
    // A chain: "EIA" is defined as "EIAD", itself defined as the long form.
    let eiad = "organisation:eiad";
    let mut g = Graph::default();
    g.add_node(organisation(
        LONG,
        "Energy Information Administration",
        &["a"],
        1,
    ));
    g.add_node(organisation(EIA, "EIA", &["b"], 2));
    g.add_node(organisation(eiad, "EIAD", &["c"], 3));
    g.add_acronyms(&BTreeMap::from([
        (EIA.to_string(), eiad.to_string()),
        (eiad.to_string(), LONG.to_string()),
    ]));
    assert_eq!(g.join_acronyms().joined, 2);
    let joined = &g.nodes[LONG];
    assert_eq!(joined.mentions, 6, "{joined:?}");
    assert_eq!(joined.documents, 3);
    assert_eq!(g.nodes.len(), 1);
}

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;
use crate::graph::{Edge, Evidence, Graph, Node};
use crate::resolve::{Entity, EntityType, Resolved};
use crate::text::Span;

/// A small deterministic generator (xorshift64*), so that no test depends on a crate.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// One document's inputs, owned.
struct Doc {
    id: String,
    text: String,
    meta: BTreeMap<String, String>,
    mentions: Vec<MentionRecord>,
    graph: Graph,
}

impl Doc {
    fn stored(&self) -> StoredDocument<'_> {
        StoredDocument {
            id: &self.id,
            text: &self.text,
            meta: &self.meta,
            mentions: &self.mentions,
            graph: &self.graph,
        }
    }
}

const PEOPLE: [(&str, &[&str]); 3] = [
    (
        "person:vladimir-putin",
        &["Putin", "Vladimir Putin", "President Putin"],
    ),
    ("person:xi-jinping", &["Xi", "Xi Jinping"]),
    (
        "person:ursula-von-der-leyen",
        &["von der Leyen", "Ursula von der Leyen"],
    ),
];
const STATES: [(&str, &str, &str); 3] = [
    ("state:RU", "Russia", "RU"),
    ("state:CN", "China", "CN"),
    ("state:US", "United States", "US"),
];

fn entity(id: &str, name: &str, kind: EntityType, n: usize, country: Option<&str>) -> Entity {
    Entity {
        id: id.into(),
        name: name.into(),
        kind,
        aliases: BTreeSet::from([name.to_string()]),
        mentions: vec![Span { start: 0, end: 1 }; n],
        tokens: Vec::new(),
        country: country.map(str::to_string),
    }
}

/// A document with random entities, relations and perhaps a claim, built with the public Graph API.
fn random_doc(rng: &mut Rng, i: usize) -> Doc {
    let id = format!("doc-{i:03}");
    let date = (rng.below(3) > 0).then(|| format!("2024-01-{:02}", 1 + rng.below(28)));
    let mut entities = Vec::new();
    for (pid, names) in PEOPLE {
        if rng.below(2) == 0 {
            let name = names[rng.below(names.len())];
            let country = [None, Some("RU"), Some("BY")][rng.below(3)];
            entities.push(entity(
                pid,
                name,
                EntityType::Person,
                1 + rng.below(3),
                country,
            ));
        }
    }
    for (sid, name, code) in STATES {
        if rng.below(2) == 0 {
            entities.push(entity(
                sid,
                name,
                EntityType::State,
                1 + rng.below(4),
                Some(code),
            ));
        }
    }
    let mut graph = Graph::default();
    graph.add_entities(
        &id,
        &Resolved {
            entities: entities.clone(),
            mention_entity: Vec::new(),
            ..Default::default()
        },
    );
    let ids: Vec<String> = entities.iter().map(|e| e.id.clone()).collect();
    let mut targets = ids.clone();
    if !ids.is_empty() && rng.below(2) == 0 {
        let claim = format!("claim:{id}:{}", rng.below(100));
        graph.add_node(Node::claim(
            claim.clone(),
            "at least 137".into(),
            &id,
            137.0,
            Some("people".into()),
            Some("at least".into()),
            None,
        ));
        targets.push(claim);
    }
    for _ in 0..rng.below(4) {
        if ids.is_empty() {
            break;
        }
        let source = ids[rng.below(ids.len())].clone();
        let target = targets[rng.below(targets.len())].clone();
        let relation = if target.starts_with("claim:") {
            "claims"
        } else {
            ["meets", "sanctions"][rng.below(2)]
        };
        let start = rng.below(50);
        graph.add_edge(Edge {
            source,
            target,
            relation: relation.into(),
            modality: ["asserted", "planned"][rng.below(2)].parse().unwrap(),
            evidence_count: 1,
            evidence: vec![Evidence {
                doc: id.clone(),
                start,
                end: start + 5,
                sentence: format!("Sentence {i}: \"quoted\" <b> & Zürich\n"),
                rule: format!("{relation}.verb"),
                date: date.clone(),
                path: None,
                parse: None,
            }],
        });
    }
    let mut meta = BTreeMap::from([("source".to_string(), format!("feed {}", i % 3))]);
    if let Some(d) = &date {
        meta.insert("date".into(), d.clone());
    }
    let mentions = entities
        .iter()
        .enumerate()
        .map(|(k, e)| MentionRecord {
            start: k * 10,
            end: k * 10 + e.name.chars().count(),
            text: e.name.clone(),
            label: "PER".into(),
            score: 0.9876,
            entity: Some(e.id.clone()),
        })
        .collect();
    Doc {
        text: format!("Text of document {i}. Ünïcödé."),
        id,
        meta,
        mentions,
        graph,
    }
}

fn corpus(seed: u64, n: usize) -> Vec<Doc> {
    let mut rng = Rng(seed);
    (0..n).map(|i| random_doc(&mut rng, i)).collect()
}

fn merged<'a>(docs: impl IntoIterator<Item = &'a Doc>) -> Graph {
    let mut graph = Graph::default();
    for d in docs {
        graph.merge(d.graph.clone());
    }
    graph
}

fn json(g: &Graph) -> String {
    serde_json::to_string_pretty(&g.to_node_link(&BTreeMap::new())).unwrap()
}

fn add(path: &Path, docs: &[&Doc]) -> BatchOutcome {
    let stored: Vec<StoredDocument> = docs.iter().map(|d| d.stored()).collect();
    Store::open(path).unwrap().add_batch(&stored).unwrap()
}

#[test]
fn content_hash_is_sha256_hex() {
    assert_eq!(
        Store::content_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn the_store_graph_equals_the_merge_in_any_batches_runs_and_order() {
    for seed in 1..=4u64 {
        let docs = corpus(seed * 7919, 40);
        let reference = json(&merged(&docs));
        // Random batches, each in a new run (a new open), in order and shuffled.
        let mut rng = Rng(seed);
        let mut order: Vec<&Doc> = docs.iter().collect();
        for shuffled in [false, true] {
            if shuffled {
                for i in (1..order.len()).rev() {
                    order.swap(i, rng.below(i + 1));
                }
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("graph.db");
            let mut rest = &order[..];
            let mut batches = 0;
            while !rest.is_empty() {
                let n = (1 + rng.below(12)).min(rest.len());
                let outcome = add(&path, &rest[..n]);
                assert_eq!(outcome.added.len(), n);
                batches += 1;
                assert_eq!(outcome.batch, Some(batches));
                rest = &rest[n..];
            }
            let store = Store::open_read_only(&path).unwrap();
            assert_eq!(
                json(&store.graph().unwrap()),
                reference,
                "seed {seed}, shuffled {shuffled}"
            );
            let stats = store.stats().unwrap();
            let graph = merged(&docs);
            assert_eq!(stats.documents, 40);
            assert_eq!(stats.batches, batches);
            assert_eq!(stats.nodes as usize, graph.nodes.len());
            assert_eq!(stats.edges as usize, graph.edges.len());
            let evidence: usize = graph.edges.values().map(|e| e.evidence.len()).sum();
            assert_eq!(stats.evidence as usize, evidence);
        }
    }
}

#[test]
fn labels_counts_and_countries_merge_as_the_graph_does() {
    let docs = corpus(42, 60);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    for chunk in docs.chunks(7) {
        add(&path, &chunk.iter().collect::<Vec<_>>());
    }
    let graph = Store::open(&path).unwrap().graph().unwrap();
    let putin = &graph.nodes["person:vladimir-putin"];
    let reference = &merged(&docs).nodes["person:vladimir-putin"];
    assert_eq!(putin, reference);
    assert!(putin.names.len() > 1, "several names were used");
    assert_eq!(putin.country.as_deref(), Some("BY"), "the smallest code");
}

#[test]
fn first_come_fields_follow_the_order_documents_were_added() {
    // Nodes without names keep the first label, as Graph::merge does.
    let doc = |i: usize, label: &str| {
        let mut graph = Graph {
            documents: 1,
            ..Graph::default()
        };
        let id = format!("d{i}");
        graph.add_node(Node::claim(
            "claim:shared".into(),
            label.into(),
            &id,
            i as f64,
            None,
            None,
            Some("troops".into()),
        ));
        Doc {
            text: format!("text {i}"),
            id,
            meta: BTreeMap::new(),
            mentions: Vec::new(),
            graph,
        }
    };
    let docs = [doc(1, "first"), doc(2, "second"), doc(3, "third")];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    add(&path, &[&docs[1]]);
    add(&path, &[&docs[0], &docs[2]]);
    let graph = Store::open(&path).unwrap().graph().unwrap();
    assert_eq!(json(&graph), json(&merged([&docs[1], &docs[0], &docs[2]])));
    assert_eq!(graph.nodes["claim:shared"].label, "second");
    assert_eq!(graph.nodes["claim:shared"].value, Some(2.0));
}

#[test]
fn evidence_is_a_set_also_without_dates() {
    let doc = |i: usize| {
        let mut graph = Graph::default();
        for date in [None, Some("2024-02-02".to_string())] {
            graph.add_edge(Edge {
                source: "a".into(),
                target: "b".into(),
                relation: "meets".into(),
                modality: "asserted".parse().unwrap(),
                evidence_count: 1,
                evidence: vec![Evidence {
                    doc: "shared".into(),
                    start: 1,
                    end: 2,
                    sentence: "s".into(),
                    rule: "r".into(),
                    date,
                    path: None,
                    parse: None,
                }],
            });
        }
        Doc {
            id: format!("d{i}"),
            text: format!("text {i}"),
            meta: BTreeMap::new(),
            mentions: Vec::new(),
            graph,
        }
    };
    let docs = [doc(1), doc(2)];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    add(&path, &[&docs[0], &docs[1]]);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.stats().unwrap().evidence, 2);
    // Merged graphs count their evidence as distinct (they hold different documents);
    // the store keeps a set, so both documents' identical pieces are one document's.
    let mut reference = merged(&docs[..1]);
    reference.documents = 2;
    assert_eq!(json(&store.graph().unwrap()), json(&reference));
}

#[test]
fn repeated_texts_are_skipped_with_a_reason() {
    let docs = corpus(5, 6);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    add(&path, &[&docs[0], &docs[1], &docs[2]]);
    let mut store = Store::open(&path).unwrap();
    let before = store.stats().unwrap();
    let graph_before = json(&store.graph().unwrap());
    assert!(store.contains(&Store::content_hash(&docs[0].text)).unwrap());
    assert!(!store.contains(&Store::content_hash(&docs[3].text)).unwrap());

    // The same documents again: nothing added, no batch counted.
    let stored: Vec<_> = docs[..3].iter().map(Doc::stored).collect();
    let outcome = store.add_batch(&stored).unwrap();
    assert_eq!(outcome.batch, None);
    assert!(outcome.added.is_empty());
    assert_eq!(outcome.skipped.len(), 3);
    assert_eq!(
        outcome.skipped[0].reason.to_string(),
        "already in the store as doc-000"
    );
    assert_eq!(store.stats().unwrap(), before);
    assert_eq!(json(&store.graph().unwrap()), graph_before);

    // The same text under another id; another text under a stored id; a repeat inside a batch.
    let renamed = StoredDocument {
        id: "renamed",
        ..docs[1].stored()
    };
    let retexted = StoredDocument {
        text: "edited text",
        ..docs[2].stored()
    };
    let outcome = store
        .add_batch(&[renamed, retexted, docs[3].stored(), docs[3].stored()])
        .unwrap();
    assert_eq!(outcome.added, vec!["doc-003".to_string()]);
    assert_eq!(outcome.batch, Some(2));
    assert_eq!(
        outcome.skipped,
        vec![
            Skipped {
                id: "renamed".into(),
                reason: SkipReason::Duplicate {
                    stored_id: "doc-001".into()
                }
            },
            Skipped {
                id: "doc-002".into(),
                reason: SkipReason::IdTaken {
                    stored_hash: Store::content_hash(&docs[2].text)
                }
            },
            Skipped {
                id: "doc-003".into(),
                reason: SkipReason::Duplicate {
                    stored_id: "doc-003".into()
                }
            },
        ]
    );
    assert_eq!(store.stats().unwrap().documents, 4);
    assert_eq!(json(&store.graph().unwrap()), json(&merged(&docs[..4])));
}

#[test]
fn documents_read_back_with_metadata_and_mentions() {
    let docs = corpus(9, 5);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    add(&path, &[&docs[3], &docs[1]]);
    add(&path, &[&docs[4]]);
    let store = Store::open(&path).unwrap();
    let rows = store.documents().unwrap();
    let expected = [(&docs[3], 1), (&docs[1], 1), (&docs[4], 2)];
    assert_eq!(rows.len(), 3);
    for (row, (doc, batch)) in rows.iter().zip(expected) {
        assert_eq!(row.info.id, doc.id);
        assert_eq!(row.info.hash, Store::content_hash(&doc.text));
        assert_eq!(row.info.batch, batch);
        assert_eq!(row.info.meta, doc.meta);
        assert_eq!(row.text, doc.text);
        assert_eq!(row.mentions, doc.mentions);
    }
    let list = store.document_list().unwrap();
    assert_eq!(
        list,
        rows.iter().map(|r| r.info.clone()).collect::<Vec<_>>()
    );
    assert_eq!(store.document("doc-001").unwrap().as_ref(), Some(&rows[1]));
    assert_eq!(store.document("doc-000").unwrap(), None);
}

#[test]
fn a_document_that_fails_leaves_nothing_and_the_batch_goes_on() {
    let docs = corpus(11, 3);
    let mut bad = docs[1].mentions.clone();
    bad.push(MentionRecord {
        start: 0,
        end: 1,
        text: "x".into(),
        label: "PER".into(),
        score: f64::NAN, // SQLite stores NaN as NULL: the NOT NULL constraint fails
        entity: None,
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    let mut store = Store::open(&path).unwrap();
    let mut batch = store.begin().unwrap();
    assert_eq!(batch.add(&docs[0].stored()).unwrap(), Added::Added);
    let failing = StoredDocument {
        mentions: &bad,
        ..docs[1].stored()
    };
    let err = batch.add(&failing).unwrap_err();
    assert!(matches!(err, StoreError::Sqlite { .. }), "{err}");
    assert_eq!(batch.add(&docs[2].stored()).unwrap(), Added::Added);
    let outcome = batch.commit().unwrap();
    assert_eq!(outcome.added, vec!["doc-000", "doc-002"]);
    assert_eq!(
        json(&store.graph().unwrap()),
        json(&merged([&docs[0], &docs[2]]))
    );
}

#[test]
fn a_dropped_batch_is_rolled_back() {
    let docs = corpus(13, 3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    add(&path, &[&docs[0]]);
    let mut store = Store::open(&path).unwrap();
    {
        let mut batch = store.begin().unwrap();
        batch.add(&docs[1].stored()).unwrap();
        assert_eq!(batch.outcome().added, vec!["doc-001"]);
    }
    assert_eq!(store.stats().unwrap().documents, 1);
    let outcome = store.add_batch(&[docs[1].stored()]).unwrap();
    assert_eq!(outcome.batch, Some(2));
    assert_eq!(json(&store.graph().unwrap()), json(&merged(&docs[..2])));
}

fn assert_refused(path: &Path, expect: &str) {
    let before = std::fs::read(path).unwrap();
    for err in [
        Store::open(path).unwrap_err(),
        Store::open_read_only(path).unwrap_err(),
    ] {
        let message = err.to_string();
        assert!(message.contains(expect), "{message}");
        assert!(message.contains(&path.display().to_string()), "{message}");
    }
    assert_eq!(
        std::fs::read(path).unwrap(),
        before,
        "the file is unchanged"
    );
}

#[test]
fn files_that_are_not_stores_are_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();

    let text = dir.path().join("notes.txt");
    std::fs::write(
        &text,
        "These are notes, not a database, but long enough to have a header.\n".repeat(4),
    )
    .unwrap();
    assert_refused(&text, "not an SQLite database");

    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    assert_refused(&other, "another program");

    let newer = dir.path().join("newer.db");
    drop(Store::open(&newer).unwrap());
    Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    assert_refused(
        &newer,
        "schema version 99; this newsgraph reads version 3 only",
    );

    // A store of schema 2 has no acronym definitions, which only its inputs give again.
    let older = dir.path().join("older.db");
    drop(Store::open(&older).unwrap());
    Connection::open(&older)
        .unwrap()
        .execute_batch("DROP TABLE acronyms; PRAGMA user_version = 2")
        .unwrap();
    assert_refused(
        &older,
        "version 2; this newsgraph reads version 3 only (an older",
    );
    assert_refused(&older, "build it again from the inputs");

    let missing = dir.path().join("missing.db");
    let err = Store::open_read_only(&missing).unwrap_err();
    assert!(matches!(err, StoreError::Missing { .. }), "{err}");
    assert!(!missing.exists());
}

#[test]
fn an_empty_file_becomes_a_store_and_read_only_stores_refuse_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").unwrap();
    drop(Store::open(&path).unwrap());
    let mut store = Store::open_read_only(&path).unwrap();
    assert_eq!(store.stats().unwrap(), StoreStats::default());
    assert_eq!(store.graph().unwrap().nodes.len(), 0);
    let err = store.add_batch(&[]).unwrap_err();
    assert!(matches!(err, StoreError::ReadOnly { .. }), "{err}");
}

#[test]
fn a_store_graph_kept_to_limits_counts_everything_and_keeps_what_one_graph_keeps() {
    let limits = crate::graph::Limits {
        docs_per_node: 2,
        evidence_per_edge: 2,
    };
    let docs = corpus(11, 60);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("limits.db");
    for chunk in docs.chunks(7) {
        add(&path, &chunk.iter().collect::<Vec<_>>());
    }
    let mut one = Graph::with_limits(limits);
    for d in &docs {
        one.merge(d.graph.clone());
    }
    let stored = Store::open(&path).unwrap().graph_with(limits).unwrap();
    assert_eq!(json(&stored), json(&one));
    assert!(stored.nodes.values().any(|n| n.documents > n.docs.len()));
    assert!(stored
        .edges
        .values()
        .any(|e| e.evidence_count > e.evidence.len()));
}

#[test]
fn acronym_definitions_are_stored_per_document_and_joined_as_the_run_joins_them() {
    let mut docs = corpus(7, 6);
    let eia = "organisation:eia";
    let long = "organisation:energy-information-administration";
    let org = |id: &str, name: &str, doc: &str| Node {
        id: id.into(),
        label: name.into(),
        kind: crate::graph::NodeKind::Organisation,
        aliases: BTreeSet::new(),
        mentions: 1,
        docs: BTreeSet::from([doc.to_string()]),
        country: None,
        value: None,
        unit: None,
        qualifier: None,
        about: None,
        names: BTreeMap::from([(name.to_string(), 1)]),
        documents: 1,
    };
    // Document 0 defines EIA, 1 names both apart, 2 and 3 use it alone; 4 defines ADB
    // one way and 5 another.
    let defines = BTreeMap::from([(eia.to_string(), long.to_string())]);
    for (k, nodes) in [
        (0, vec![long]),
        (1, vec![long, eia]),
        (2, vec![eia]),
        (3, vec![eia]),
    ] {
        let id = docs[k].id.clone();
        for node in nodes {
            let name = if node == eia {
                "EIA"
            } else {
                "Energy Information Administration"
            };
            docs[k].graph.add_node(org(node, name, &id));
        }
    }
    docs[0].graph.add_acronyms(&defines);
    for (k, adb) in [(4, "asian"), (5, "african")] {
        let defined = format!("organisation:{adb}-development-bank");
        docs[k]
            .graph
            .add_acronyms(&BTreeMap::from([("organisation:adb".to_string(), defined)]));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("graph.db");
    add(&path, &[&docs[2], &docs[4]]);
    add(&path, &[&docs[0], &docs[1], &docs[3], &docs[5]]);
    let store = Store::open_read_only(&path).unwrap();
    let mut reference = merged(&docs);
    assert_eq!(store.graph().unwrap().acronyms, reference.acronyms);
    assert_eq!(json(&store.graph().unwrap()), json(&reference));
    let reference_joins = reference.join_acronyms();
    let (joined, joins) = store.final_graph().unwrap();
    assert_eq!(joins, reference_joins);
    assert_eq!(joins.joined, 1);
    assert_eq!(joins.conflicting, 1);
    assert_eq!(json(&joined), json(&reference));
    assert_eq!(joined.nodes[long].documents, 4, "{:?}", joined.nodes[long]);
}

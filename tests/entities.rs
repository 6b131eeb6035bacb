//! Entities end to end: the real binary on the fixtures in tests/fixtures/entities, with
//! the shipped model (or the one NEWSGRAPH_TEST_MODEL names); and nodes merged across
//! documents, which needs no model.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use newsgraph::graph::Graph;
use newsgraph::ner::Mention;
use newsgraph::resolve::{Gazetteer, Resolver};
use newsgraph::text::Span;

/// Overall entity F1 on tests/fixtures/entities must stay above this. Measured: 1.00 (40 of
/// 40 entities) with the shipped model and with an early checkpoint of it; the margin
/// absorbs retraining.
const F1_FLOOR: f64 = 0.90;
/// Each node type's F1 must stay above this.
const TYPE_F1_FLOOR: f64 = 0.80;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/entities")
}

/// `--model DIR` when NEWSGRAPH_TEST_MODEL is set, nothing for the shipped model; None
/// (skip) when neither is there.
fn model_args() -> Option<Vec<String>> {
    if let Ok(dir) = std::env::var("NEWSGRAPH_TEST_MODEL") {
        return Some(vec!["--model".into(), dir]);
    }
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/newsgraph-minilm");
    if shipped.is_dir() {
        Some(Vec::new())
    } else {
        eprintln!(
            "skipped: no shipped model at {} (set NEWSGRAPH_TEST_MODEL=DIR to use another)",
            shipped.display()
        );
        None
    }
}

fn newsgraph(args: &[&str], model: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .args(args)
        .args(model)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "newsgraph {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The graph `extract` writes for `inputs`, nodes by id.
fn extract(inputs: &[PathBuf], model: &[String]) -> BTreeMap<String, Value> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut args: Vec<&str> = vec!["extract"];
    args.extend(inputs.iter().map(|p| p.to_str().expect("utf-8 path")));
    let out = dir.path().to_str().expect("utf-8 path");
    args.extend(["-o", out]);
    newsgraph(&args, model);
    let graph: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("graph.json")).expect("graph.json"),
    )
    .expect("graph.json parses");
    graph["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| (n["id"].as_str().expect("id").to_string(), n.clone()))
        .collect()
}

fn aliases(node: &Value) -> Vec<&str> {
    node["aliases"]
        .as_array()
        .expect("aliases")
        .iter()
        .map(|a| a.as_str().expect("alias"))
        .collect()
}

fn has_alias(nodes: &BTreeMap<String, Value>, alias: &str) -> Vec<String> {
    nodes
        .values()
        .filter(|n| aliases(n).contains(&alias))
        .map(|n| n["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn entity_f1_on_own_fixtures_stays_above_the_floor() {
    let Some(model) = model_args() else { return };
    let dir = fixtures();
    let out = newsgraph(
        &["eval", "fixtures", dir.to_str().unwrap(), "--json", "-"],
        &model,
    );
    let scores: Value = serde_json::from_str(&out).expect("JSON scores");
    let overall = scores["entities"]["overall"]["f1"].as_f64().expect("f1");
    assert!(
        overall >= F1_FLOOR,
        "entity F1 {overall} < {F1_FLOOR}: {}",
        scores["entities"]
    );
    for kind in ["person", "state", "organisation"] {
        let f1 = scores["entities"]["types"][kind]["f1"]
            .as_f64()
            .expect("f1");
        assert!(f1 >= TYPE_F1_FLOOR, "{kind} F1 {f1} < {TYPE_F1_FLOOR}");
    }
}

#[test]
fn people_sharing_a_surname_stay_two_nodes() {
    let Some(model) = model_args() else { return };
    let nodes = extract(&[fixtures().join("shared-surnames.txt")], &model);
    let joe = &nodes["person:joe-biden"];
    let hunter = &nodes["person:hunter-biden"];
    // "Biden told reporters" follows Joe Biden; "Biden, 53" follows Hunter Biden.
    assert_eq!(joe["mentions"], 2, "{joe}");
    assert_eq!(hunter["mentions"], 3, "{hunter}");
    assert!(!nodes.contains_key("person:biden"), "{:?}", nodes.keys());
}

#[test]
fn titles_and_possessives_are_no_part_of_names() {
    let Some(model) = model_args() else { return };
    let nodes = extract(&[fixtures().join("titles-and-surnames.txt")], &model);
    for id in [
        "person:joe-biden",
        "person:vladimir-putin",
        "person:sergey-lavrov",
        "person:pope-francis",
    ] {
        assert!(nodes.contains_key(id), "no {id} in {:?}", nodes.keys());
    }
    for (id, node) in &nodes {
        let label = node["label"].as_str().unwrap_or_default();
        assert!(
            !label.contains("President") && !label.contains("Minister") && !label.contains("'s"),
            "{id}: {label}"
        );
    }
    assert_eq!(nodes["person:vladimir-putin"]["mentions"], 2);
}

#[test]
fn cities_as_places_and_demonyms_make_no_node() {
    let Some(model) = model_args() else { return };
    let nodes = extract(&[fixtures().join("places.txt")], &model);
    let kinds: Vec<&str> = nodes
        .values()
        .map(|n| n["type"].as_str().unwrap_or_default())
        .collect();
    assert!(kinds.iter().all(|k| *k == "person"), "{:?}", nodes.keys());
    for word in ["Kyiv", "Moscow", "Russian", "Ukrainian", "Ukrainians"] {
        assert!(has_alias(&nodes, word).is_empty(), "{word} made a node");
    }
}

#[test]
fn capitals_are_states_only_where_the_government_acts() {
    let Some(model) = model_args() else { return };
    let nodes = extract(&[fixtures().join("capitals.txt")], &model);
    // Each capital acts once and is a place once: at most one mention each.
    for id in ["state:US", "state:RU", "state:UA"] {
        if let Some(node) = nodes.get(id) {
            assert_eq!(node["mentions"], 1, "{node}");
        }
    }
    assert!(has_alias(&nodes, "Russian").is_empty());
    let ministry = &nodes["organisation:russian-foreign-ministry"];
    assert_eq!(ministry["country"], "RU");
    assert_eq!(ministry["type"], "organisation");
}

#[test]
fn acronyms_join_their_full_names() {
    let Some(model) = model_args() else { return };
    let nodes = extract(&[fixtures().join("acronyms.txt")], &model);
    for (alias, id) in [
        ("LCBO", "organisation:liquor-control-board-of-ontario"),
        ("EU", "organisation:european-union"),
        ("U.S.", "state:US"),
        ("United States", "state:US"),
    ] {
        assert_eq!(has_alias(&nodes, alias), vec![id.to_string()], "{alias}");
    }
}

#[test]
fn short_forms_join_the_organisation_they_stand_for() {
    let Some(model) = model_args() else { return };
    let nodes = extract(&[fixtures().join("short-forms.txt")], &model);
    for (alias, id) in [
        ("Fund", "organisation:imf"),
        ("Alliance", "organisation:nato"),
        ("Abdullah", "person:king-abdullah"),
        ("Apple", "organisation:apple"),
        ("Google", "organisation:google"),
    ] {
        let found = has_alias(&nodes, alias);
        assert!(
            found.is_empty() || found == [id.to_string()],
            "{alias} in {found:?}"
        );
    }
    assert!(!nodes.contains_key("organisation:apple-and-google"));
    assert_eq!(nodes["organisation:imf"]["country"], Value::Null);
}

#[test]
fn nodes_merge_across_documents_by_canonical_name() {
    let resolver = Resolver::new(Gazetteer::builtin());
    let mention = |text: &str, needle: &str, label: &str| {
        let start = text.find(needle).expect("needle in text");
        Mention {
            span: Span::new(start, start + needle.len()),
            label: label.into(),
            score: 0.9,
        }
    };
    let first = "Russian President Vladimir Putin met NATO in the U.S.";
    let second = "Putin and Vladimir Putin: the United States and Nato.";
    let mut graph = Graph::default();
    for (doc, text, mentions) in [
        (
            "a",
            first,
            vec![
                mention(first, "Russian President Vladimir Putin", "PER"),
                mention(first, "NATO", "ORG"),
                mention(first, "U.S.", "LOC"),
            ],
        ),
        (
            "b",
            second,
            vec![
                mention(second, "Putin", "PER"),
                mention(second, "Vladimir Putin", "PER"),
                mention(second, "United States", "LOC"),
                mention(second, "Nato", "ORG"),
            ],
        ),
    ] {
        let analysis = newsgraph::analysis::analyse(text, &mentions, None).unwrap();
        let resolved = resolver.resolve(text, &analysis, &mentions);
        graph.add_entities(doc, &resolved);
    }
    let ids: Vec<&str> = graph.nodes.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        vec!["organisation:nato", "person:vladimir-putin", "state:US"]
    );
    let putin = &graph.nodes["person:vladimir-putin"];
    assert_eq!(putin.mentions, 3);
    assert_eq!(putin.docs.len(), 2);
    let json = graph.to_node_link(&BTreeMap::new());
    let putin = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "person:vladimir-putin")
        .unwrap();
    assert_eq!(putin["documents"], json!(2));
    assert_eq!(putin["mentions"], json!(3));
    assert_eq!(
        graph.nodes["state:US"].aliases.iter().collect::<Vec<_>>(),
        ["U.S.", "United States"]
    );
}

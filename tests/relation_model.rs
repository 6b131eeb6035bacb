//! The learned relation model beside the rules (issue 22): `--relations rules|model|both`,
//! every edge naming what produced it (`model@SCORE` or a rule id), a threshold the analyst
//! moves, clear errors for a missing or broken model, and training that gives the same file
//! twice.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{bin, read_json, repo, run_ok};
use serde_json::Value;

/// The fixture texts of tests/fixtures/relations, which the shipped model has never
/// trained on (they are not in the labelled corpus).
fn input() -> String {
    repo()
        .join("tests/fixtures/relations")
        .to_str()
        .unwrap()
        .to_string()
}

fn extract(out: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["extract", &*Box::leak(input().into_boxed_str()), "-o"];
    args.push(out.to_str().unwrap());
    args.extend_from_slice(extra);
    run_ok(&args, Some(2));
    read_json(&out.join("graph.json"))
}

/// (source, relation, target) of every edge, and the rule names of their evidence.
fn edges(graph: &Value) -> (BTreeSet<(String, String, String)>, BTreeSet<String>) {
    let mut keys = BTreeSet::new();
    let mut rules = BTreeSet::new();
    for e in graph["links"].as_array().unwrap() {
        keys.insert((
            e["source"].as_str().unwrap().to_string(),
            e["relation"].as_str().unwrap().to_string(),
            e["target"].as_str().unwrap().to_string(),
        ));
        for ev in e["evidence"].as_array().unwrap() {
            rules.insert(ev["rule"].as_str().unwrap().to_string());
        }
    }
    (keys, rules)
}

fn by_model(rule: &str) -> bool {
    rule.strip_prefix("model@")
        .and_then(|s| s.parse::<f64>().ok())
        .is_some_and(|s| (0.0..=1.0).contains(&s))
}

#[test]
fn each_edge_names_the_rules_or_the_model_with_its_score() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = extract(&tmp.path().join("rules"), &["--relations", "rules"]);
    let model = extract(&tmp.path().join("model"), &["--relations", "model"]);
    let both = extract(&tmp.path().join("both"), &[]);
    let (rule_edges, rule_names) = edges(&rules);
    let (model_edges, model_names) = edges(&model);
    let (both_edges, both_names) = edges(&both);
    assert!(!rule_edges.is_empty() && !model_edges.is_empty());
    assert!(
        rule_names.iter().all(|r| !r.starts_with("model")),
        "{rule_names:?}"
    );
    assert!(model_names.iter().all(|r| by_model(r)), "{model_names:?}");
    // `both` is the default: every rule edge, and every model edge.
    assert!(rule_edges.is_subset(&both_edges));
    assert!(model_edges.is_subset(&both_edges));
    assert_eq!(
        both_edges,
        rule_edges
            .union(&model_edges)
            .cloned()
            .collect::<BTreeSet<_>>()
    );
    assert!(both_names.iter().any(|r| by_model(r)));
    assert!(both_names.iter().any(|r| !r.starts_with("model")));
}

#[test]
fn a_higher_threshold_keeps_fewer_model_edges_and_one_above_all_keeps_none() {
    let tmp = tempfile::tempdir().unwrap();
    let low = edges(&extract(
        &tmp.path().join("low"),
        &["--relations", "model", "--relation-threshold", "0.2"],
    ))
    .0;
    let high = edges(&extract(
        &tmp.path().join("high"),
        &["--relations", "model", "--relation-threshold", "0.9"],
    ))
    .0;
    let none = edges(&extract(
        &tmp.path().join("none"),
        &["--relations", "model", "--relation-threshold", "1"],
    ))
    .0;
    assert!(high.is_subset(&low), "{high:?} {low:?}");
    assert!(high.len() < low.len(), "{} {}", high.len(), low.len());
    assert!(none.is_empty(), "{none:?}");
    let out = bin()
        .args(["extract", &input(), "-o"])
        .arg(tmp.path().join("bad"))
        .args(["--relation-threshold", "1.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_missing_or_broken_model_says_which_file_and_how_to_run_without_it() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    std::fs::write(broken.join("model.json"), "{\"format\": \"something else\"").unwrap();
    for dir in [tmp.path().join("absent"), broken.clone()] {
        let out = bin()
            .args(["extract", &input(), "-o"])
            .arg(tmp.path().join("out"))
            .arg("--relation-model")
            .arg(&dir)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(dir.to_str().unwrap()), "{err}");
        assert!(err.contains("--relations rules"), "{err}");
        assert!(!tmp.path().join("out/graph.json").exists());
    }
    // The rules alone never read it.
    run_ok(
        &[
            "extract",
            &input(),
            "-o",
            tmp.path().join("rules").to_str().unwrap(),
            "--relations",
            "rules",
            "--relation-model",
            tmp.path().join("absent").to_str().unwrap(),
        ],
        Some(2),
    );
}

#[test]
fn eval_fixtures_scores_each_of_the_three() {
    let mut f1 = Vec::new();
    for mode in ["rules", "model", "both"] {
        let out = run_ok(
            &[
                "eval",
                "fixtures",
                &input(),
                "--relations",
                mode,
                "--json",
                "-",
            ],
            Some(2),
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let overall = &v["relations"]["overall"];
        assert!(overall["gold"].as_u64() > Some(0), "{v}");
        f1.push(overall["predicted"].as_u64().unwrap());
    }
    // Both predicts at least what each alone predicts (edges are the union).
    assert!(f1[2] >= f1[0] && f1[2] >= f1[1], "{f1:?}");
}

#[test]
fn training_twice_on_the_same_labels_writes_the_same_model() {
    let tmp = tempfile::tempdir().unwrap();
    let labelled = tmp.path().join("labelled");
    for part in ["train", "dev"] {
        let dir = labelled.join(part);
        std::fs::create_dir_all(&dir).unwrap();
        for e in std::fs::read_dir(repo().join("tests/fixtures/relations")).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    let mut texts = Vec::new();
    for i in 0..2 {
        let out = tmp.path().join(format!("model{i}"));
        run_ok(
            &[
                "train-relations",
                labelled.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--epochs",
                "4",
                "--l2",
                "0.01",
            ],
            Some(2),
        );
        texts.push(std::fs::read(out.join("model.json")).unwrap());
    }
    assert_eq!(texts[0], texts[1], "training is not deterministic");
    let model: Value = serde_json::from_slice(&texts[0]).unwrap();
    assert_eq!(model["format"], "newsgraph-relation-model/1");
    assert!(!model["pair"]["weights"].as_object().unwrap().is_empty());
    // The new model runs.
    let graph = extract(
        &tmp.path().join("run"),
        &[
            "--relation-model",
            tmp.path().join("model0").to_str().unwrap(),
        ],
    );
    assert!(!graph["links"].as_array().unwrap().is_empty());
}

//! The relation layer through the real binary: scores on our own fixtures, a relation type
//! added by a rules file alone, rejected rules files, deterministic output.
//!
//! Tests that run the model use `models/newsgraph-minilm`, or the model directory in
//! NEWSGRAPH_TEST_MODEL; without either they print why and return.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn newsgraph(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsgraph"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the newsgraph binary runs")
}

/// `--model DIR` arguments, or None (with the reason printed) when no model is available.
fn model_args(test: &str) -> Option<Vec<String>> {
    if let Ok(dir) = std::env::var("NEWSGRAPH_TEST_MODEL") {
        return Some(vec!["--model".into(), dir]);
    }
    let default = root().join("models").join("newsgraph-minilm");
    if default.is_dir() {
        Some(vec!["--model".into(), default.display().to_string()])
    } else {
        eprintln!(
            "{test}: skipped: no model at {} and NEWSGRAPH_TEST_MODEL is not set",
            default.display()
        );
        None
    }
}

fn run_json(args: &[&str]) -> Value {
    let out = newsgraph(args);
    assert!(
        out.status.success(),
        "newsgraph {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn f1(scores: &Value, kind: &str) -> f64 {
    let table = &scores["relations"];
    let entry = if kind == "overall" {
        &table["overall"]
    } else {
        &table["types"][kind]
    };
    entry["f1"]
        .as_f64()
        .unwrap_or_else(|| panic!("no F1 for {kind}: {table}"))
}

#[test]
fn relation_scores_on_our_fixtures_stay_above_the_floor() {
    let Some(model) = model_args("relation_scores_on_our_fixtures_stay_above_the_floor") else {
        return;
    };
    let mut args = vec![
        "eval",
        "fixtures",
        "tests/fixtures/relations",
        "--json",
        "-",
    ];
    args.extend(model.iter().map(String::as_str));
    let scores = run_json(&args);
    // Measured with the early checkpoint (CoNLL labels): overall 0.91, claims 1.00,
    // meets 0.92, sanctions 0.82. Entity errors of the model cost the rest.
    for (kind, floor) in [
        ("overall", 0.80),
        ("claims", 0.85),
        ("meets", 0.75),
        ("sanctions", 0.70),
    ] {
        let got = f1(&scores, kind);
        assert!(got >= floor, "{kind} F1 {got} is below {floor}: {scores}");
    }
}

/// Per-type floors on the held-out story and the shared NBC fixture, with the model's
/// entities (measured at the end of issue 12: every type 1.00 on both).
#[test]
fn relation_scores_per_type_on_the_heldout_story_and_the_news_fixture() {
    let Some(model) =
        model_args("relation_scores_per_type_on_the_heldout_story_and_the_news_fixture")
    else {
        return;
    };
    let news = root()
        .join("..")
        .join("shared")
        .join("fixtures")
        .join("news");
    let mut sets = vec![("tests/fixtures/heldout".to_string(), 0.80)];
    if news.is_dir() {
        sets.push((news.display().to_string(), 0.85));
    } else {
        eprintln!("news fixture skipped: {} is absent", news.display());
    }
    for (dir, floor) in sets {
        let mut args = vec!["eval", "fixtures", dir.as_str(), "--json", "-"];
        args.extend(model.iter().map(String::as_str));
        let scores = run_json(&args);
        for kind in ["overall", "claims", "meets", "sanctions"] {
            let got = f1(&scores, kind);
            assert!(
                got >= floor,
                "{dir}: {kind} F1 {got} is below {floor}: {scores}"
            );
        }
    }
}

#[test]
fn relation_rules_alone_score_on_gold_entities() {
    let scores = run_json(&[
        "eval",
        "fixtures",
        "tests/fixtures/relations",
        "--gold-entities",
        "--json",
        "-",
    ]);
    assert_eq!(scores["entities_from"], "fixtures");
    // Measured: 1.00 for every type.
    for kind in ["overall", "claims", "meets", "sanctions"] {
        let got = f1(&scores, kind);
        assert!(got >= 0.95, "{kind} F1 {got}: {scores}");
    }
}

#[test]
fn relation_rules_on_the_shared_news_fixture_with_gold_entities() {
    let dir = root()
        .join("..")
        .join("shared")
        .join("fixtures")
        .join("news");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let dir = dir.display().to_string();
    let scores = run_json(&["eval", "fixtures", &dir, "--gold-entities", "--json", "-"]);
    // Measured: 1.00 overall and per type.
    let got = f1(&scores, "overall");
    assert!(got >= 0.90, "overall F1 {got}: {scores}");
}

#[test]
fn a_rules_file_alone_adds_a_relation_type() {
    let rules = "tests/rules/visits.toml";
    let scores = run_json(&[
        "eval",
        "fixtures",
        "tests/fixtures/relations-custom",
        "--rules",
        rules,
        "--gold-entities",
        "--json",
        "-",
    ]);
    assert_eq!(f1(&scores, "visits"), 1.0, "{scores}");
    // The built-in relations are replaced, not added to.
    assert_eq!(scores["relations"]["types"]["meets"]["predicted"], 0);

    let Some(model) = model_args("a_rules_file_alone_adds_a_relation_type") else {
        return;
    };
    let out_dir = tempfile::tempdir().unwrap();
    let out_path = out_dir.path().display().to_string();
    let mut args = vec![
        "extract",
        "tests/fixtures/relations-custom/visits.txt",
        "--rules",
        rules,
        "-o",
        &out_path,
    ];
    args.extend(model.iter().map(String::as_str));
    let out = newsgraph(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let graph: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.path().join("graph.json")).unwrap())
            .unwrap();
    let visits: Vec<&Value> = graph["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["relation"] == "visits")
        .collect();
    assert!(!visits.is_empty(), "no visits edge: {graph}");
    for link in &visits {
        let ev = &link["evidence"][0];
        assert_eq!(ev["rule"], "visits.verb");
        assert_eq!(ev["doc"], "visits");
        assert!(
            ev["sentence"].as_str().unwrap().contains("visit")
                || ev["sentence"].as_str().unwrap().contains("travelled")
        );
        assert!(ev["end"].as_u64() > ev["start"].as_u64());
    }
    let negated = visits.iter().any(|l| {
        l["evidence"][0]["sentence"]
            .as_str()
            .unwrap()
            .contains("did not")
    });
    assert!(!negated, "a negated visit became an edge: {visits:?}");
}

#[test]
fn a_malformed_rules_file_is_rejected_with_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "[relation.visits]\n\n[[rule]]\nid = \"v\"\nrelation = \"visits\"\npattern = \"{source} @visit {target}\"\n",
            "line 6",
            "unknown lexicon `visit`",
        ),
        (
            "[relation.visits]\ndirected = maybe\n",
            "line 2",
            "",
        ),
    ];
    for (i, (text, line, reason)) in cases.iter().enumerate() {
        let path: PathBuf = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let path = path.display().to_string();
        let out_path = dir.path().join("out").display().to_string();
        // The rules are read before the model, so no model is needed to see the error.
        let out = newsgraph(&[
            "extract",
            "tests/fixtures/relations-custom/visits.txt",
            "--rules",
            &path,
            "-o",
            &out_path,
        ]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "accepted {text}");
        assert!(stderr.contains(&path), "{stderr}");
        assert!(stderr.contains(line), "{stderr} lacks {line}");
        assert!(stderr.contains(reason), "{stderr} lacks {reason}");
    }
}

#[test]
fn extraction_with_relations_is_deterministic() {
    let Some(model) = model_args("extraction_with_relations_is_deterministic") else {
        return;
    };
    let graphs: Vec<String> = (0..2)
        .map(|run| {
            let dir = tempfile::tempdir().unwrap();
            let out_path = dir.path().display().to_string();
            let threads = if run == 0 { "1" } else { "2" };
            let mut args = vec![
                "extract",
                "tests/fixtures/relations",
                "-o",
                &out_path,
                "--threads",
                threads,
            ];
            args.extend(model.iter().map(String::as_str));
            let out = newsgraph(&args);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::fs::read_to_string(dir.path().join("graph.json")).unwrap()
        })
        .collect();
    assert_eq!(graphs[0], graphs[1]);
    let graph: Value = serde_json::from_str(&graphs[0]).unwrap();
    let claims = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["type"] == "claim")
        .count();
    assert!(claims > 0, "no claim nodes");
    for link in graph["links"].as_array().unwrap() {
        let modality = link["modality"].as_str().unwrap();
        assert!(modality == "asserted" || modality == "planned");
        assert!(!link["evidence"][0]["rule"].as_str().unwrap().is_empty());
    }
}

//! `eval fixtures --explain` through the real binary on the shared news fixture: the missed
//! and false items it lists are exactly those the score tables count, in text and in JSON,
//! and a gold relation added to (or removed from) a copy of the fixture shows up as missed
//! (or false) with its evidence, sentence and rule.

mod common;

use std::path::Path;

use serde_json::Value;

/// `eval fixtures DIR --explain` with `extra` arguments, JSON from stdout.
fn explain_json(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["eval", "fixtures", dir.to_str().unwrap(), "--explain"];
    args.extend(extra);
    args.extend(["--json", "-"]);
    let out = common::run_ok(&args, None);
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// `eval fixtures DIR --explain` with `extra` arguments, the text it prints.
fn explain_text(dir: &Path, extra: &[&str]) -> String {
    let mut args = vec!["eval", "fixtures", dir.to_str().unwrap(), "--explain"];
    args.extend(extra);
    String::from_utf8(common::run_ok(&args, None).stdout).expect("UTF-8")
}

fn count(v: &Value, key: &str) -> usize {
    v[key].as_u64().unwrap_or_else(|| panic!("no {key} in {v}")) as usize
}

/// Per document, the explanation's missed / false / correct items against the counts of
/// the score table: gold - tp, predicted - tp, tp. Returns the missed and false relations.
fn check_against_scores(scores: &Value) -> (usize, usize) {
    let docs = scores["explain"].as_array().expect("an explain list");
    assert_eq!(docs.len(), count(scores, "fixtures"), "{scores}");
    let (mut missed_total, mut false_total) = (0, 0);
    for doc in docs {
        let id = doc["doc"].as_str().expect("doc id");
        for (part, key) in [("entities", "entities"), ("relations", "relations")] {
            let overall = &scores["per_fixture"][id][key]["overall"];
            let (tp, pred, gold) = (
                count(overall, "tp"),
                count(overall, "predicted"),
                count(overall, "gold"),
            );
            let items = doc[part].as_array().expect("items");
            let with = |verdict: &str| items.iter().filter(|i| i["verdict"] == verdict).count();
            assert_eq!(with("missed"), gold - tp, "{id} {part} missed: {doc}");
            assert_eq!(with("false"), pred - tp, "{id} {part} false: {doc}");
            if part == "relations" {
                assert_eq!(with("correct"), tp, "{id} correct: {doc}");
                missed_total += with("missed");
                false_total += with("false");
                // Every predicted item says which rule found it.
                for i in items.iter().filter(|i| i["verdict"] != "missed") {
                    let found = i["found"].as_array().expect("found");
                    assert!(
                        !found.is_empty() && found.iter().all(|f| f["rule"].as_str().is_some()),
                        "{i}"
                    );
                }
            }
        }
    }
    (missed_total, false_total)
}

/// The text output lists as many missed and false relations as the scores imply.
fn check_text(text: &str, scores: &Value) {
    let overall = &scores["relations"]["overall"];
    let (tp, pred, gold) = (
        count(overall, "tp"),
        count(overall, "predicted"),
        count(overall, "gold"),
    );
    let lines = |head: &str| text.lines().filter(|l| l.starts_with(head)).count();
    assert_eq!(lines("relation missed "), gold - tp, "{text}");
    assert_eq!(lines("relation false "), pred - tp, "{text}");
    assert_eq!(lines("relation correct "), tp, "{text}");
    // The score tables still follow, unchanged.
    assert!(
        text.contains("\nrelations              precision"),
        "{text}"
    );
}

#[test]
fn explain_lists_what_the_scores_count_on_the_shared_news_fixture() {
    let Some(dir) = common::shared("fixtures/news") else {
        return;
    };
    let mut runs: Vec<Vec<&str>> = vec![vec!["--gold-entities"]];
    let model = common::model_dir();
    let model_arg = model.display().to_string();
    if model.is_dir() {
        runs.push(vec!["--model", &model_arg]);
    } else {
        eprintln!(
            "model run skipped: no model at {} (set NEWSGRAPH_TEST_MODEL)",
            model.display()
        );
    }
    for extra in runs {
        let scores = explain_json(&dir, &extra);
        check_against_scores(&scores);
        check_text(&explain_text(&dir, &extra), &scores);
    }
}

#[test]
fn a_relation_added_to_the_fixture_is_missed_and_one_removed_is_false() {
    let Some(news) = common::shared("fixtures/news") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let name = "nbc-live-2022-02-25";
    let mut fixture = common::read_json(&news.join(format!("{name}.json")));
    let relations = fixture["relations"].as_array_mut().unwrap();
    // Removed: the EU's sanctions on Putin, which the rules find (so it turns false).
    let before = relations.len();
    relations.retain(|r| {
        !(r["type"] == "sanctions"
            && r["source"] == "european-union"
            && r["target"] == "vladimir-putin")
    });
    assert_eq!(
        relations.len(),
        before - 1,
        "the fixture changed: {fixture}"
    );
    // Added: a meeting nobody reports, quoting a real sentence.
    let evidence = "The Biden administration has been ratcheting up sanctions against Moscow";
    fixture["relations"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "type": "meets", "source": "pope-francis", "target": "gazprom", "evidence": evidence
        }));
    std::fs::write(
        tmp.path().join(format!("{name}.json")),
        serde_json::to_string(&fixture).unwrap(),
    )
    .unwrap();
    std::fs::copy(
        news.join(format!("{name}.txt")),
        tmp.path().join(format!("{name}.txt")),
    )
    .unwrap();

    let scores = explain_json(tmp.path(), &["--gold-entities"]);
    let (missed, wrong) = check_against_scores(&scores);
    assert!(missed >= 1 && wrong >= 1, "{scores}");
    let items = scores["explain"][0]["relations"].as_array().unwrap();
    let meets = items
        .iter()
        .find(|i| i["verdict"] == "missed" && i["type"] == "meets" && i["source"] == "Pope Francis")
        .unwrap_or_else(|| panic!("the added meeting is not listed as missed: {items:?}"));
    assert_eq!(meets["target"], "Gazprom");
    assert_eq!(meets["evidence"], evidence);
    let sentence = meets["sentence"].as_str().expect("its sentence is found");
    assert!(
        sentence
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(evidence),
        "{sentence}"
    );
    let sanction = items
        .iter()
        .find(|i| {
            i["verdict"] == "false"
                && i["type"] == "sanctions"
                && i["source_ids"][0]
                    .as_str()
                    .is_some_and(|s| s.contains("european-union"))
        })
        .unwrap_or_else(|| panic!("the removed sanction is not listed as false: {items:?}"));
    assert!(
        sanction["found"][0]["rule"].as_str().is_some(),
        "{sanction}"
    );
    assert!(
        sanction["found"][0]["sentence"].as_str().is_some(),
        "{sanction}"
    );

    let text = explain_text(tmp.path(), &["--gold-entities"]);
    check_text(&text, &scores);
    assert!(
        text.contains(&format!(
            "relation missed  meets Pope Francis -- Gazprom\n    evidence: \"{evidence}\"\n"
        )),
        "{text}"
    );
}

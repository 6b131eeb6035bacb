//! The spine end to end: the real binary, the shipped model, real files.

mod common;

use common::{read_json, repo, run_ok};
use serde_json::Value;

fn mentions_of(out_dir: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(out_dir.join("mentions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn known_entities_come_out_with_character_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let input = repo().join("tests/data/crlf-curly.txt");
    run_ok(
        &[
            "extract",
            input.to_str().unwrap(),
            "-o",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    let text = std::fs::read_to_string(&input).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let docs = mentions_of(dir.path());
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["doc"], "crlf-curly");
    let mentions = docs[0]["mentions"].as_array().unwrap();
    for m in mentions {
        let (start, end) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        let slice: String = chars[start..end].iter().collect();
        assert_eq!(
            slice,
            m["text"].as_str().unwrap(),
            "offsets are character offsets"
        );
        let score = m["score"].as_f64().unwrap();
        assert!(score > 0.0 && score <= 1.0);
    }
    let found = |needle: &str, label: &str| {
        let start = text.find(needle).unwrap();
        let char_start = text[..start].chars().count();
        mentions.iter().any(|m| {
            m["text"] == needle
                && m["label"] == label
                && m["start"].as_u64() == Some(char_start as u64)
        })
    };
    assert!(found("Zelenskyy", "PER"), "{mentions:?}");
    assert!(found("Macron", "PER"), "{mentions:?}");
    assert!(found("European Union", "ORG"), "{mentions:?}");
    assert!(found("Łukasz Kowalski", "PER"), "{mentions:?}");

    let graph = read_json(&dir.path().join("graph.json"));
    assert_eq!(graph["directed"], true);
    assert_eq!(graph["multigraph"], true);
    let nodes = graph["nodes"].as_array().unwrap();
    assert!(nodes
        .iter()
        .any(|n| n["id"] == "organisation:european-union" && n["type"] == "organisation"));
    assert!(nodes
        .iter()
        .any(|n| n["type"] == "person" && n["label"] == "Łukasz Kowalski"));
    let summary = read_json(&dir.path().join("summary.json"));
    assert_eq!(summary["documents_processed"], 1);
}

#[test]
fn output_is_byte_identical_at_one_and_two_threads() {
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    for (dir, threads) in [(&one, 1), (&two, 2)] {
        run_ok(
            &[
                "extract",
                "examples",
                "tests/data",
                "-o",
                dir.path().to_str().unwrap(),
            ],
            Some(threads),
        );
    }
    for file in ["mentions.jsonl", "graph.json", "summary.json"] {
        let a = std::fs::read(one.path().join(file)).unwrap();
        let b = std::fs::read(two.path().join(file)).unwrap();
        assert!(!a.is_empty());
        assert!(a == b, "{file} differs between 1 and 2 threads");
    }
}

#[test]
fn a_sentence_longer_than_the_window_is_not_truncated_and_names_come_out_once() {
    // One "sentence" of several hundred tokens: chunks must overlap, and a name
    // near a chunk boundary must come out exactly once.
    let mut text = String::new();
    for i in 0..60 {
        text.push_str(&format!(
            "and then Vladimir Putin spoke to officials about item {i} "
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("long.txt");
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("out");
    run_ok(
        &[
            "extract",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    let docs = mentions_of(&out);
    let mentions = docs[0]["mentions"].as_array().unwrap();
    let putins: Vec<u64> = mentions
        .iter()
        .filter(|m| m["text"] == "Vladimir Putin")
        .map(|m| m["start"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = text
        .match_indices("Vladimir Putin")
        .map(|(i, _)| i as u64)
        .collect();
    let mut unique = putins.clone();
    unique.dedup();
    assert_eq!(unique.len(), putins.len(), "no mention comes out twice");
    let last = *expected.last().unwrap();
    assert!(
        putins.contains(&last),
        "the end of a long sentence is not truncated"
    );
    assert!(
        putins.len() * 10 >= expected.len() * 9,
        "{} of {} found",
        putins.len(),
        expected.len()
    );
}

#[test]
fn bad_documents_are_reported_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::write(
        inputs.join("good.txt"),
        "Joe Biden met Olaf Scholz in Berlin.",
    )
    .unwrap();
    std::fs::write(inputs.join("broken.txt"), b"Putin \xff\xfe said").unwrap();
    std::fs::write(inputs.join("empty.txt"), "").unwrap();
    let out = dir.path().join("out");
    let run = |out: &std::path::Path| {
        common::bin()
            .args(["extract", inputs.to_str().unwrap(), "-o"])
            .arg(out)
            .output()
            .unwrap()
    };
    // The batch goes on, every output is written, and the lost document makes the
    // exit status 3.
    let result = run(&out);
    assert_eq!(
        result.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let summary = read_json(&out.join("summary.json"));
    // empty.txt is read and skipped ("empty document"): not processed, not a failure.
    assert_eq!(summary["documents_read"], 3);
    assert_eq!(summary["documents_processed"], 1);
    assert_eq!(summary["documents_failed"], 1);
    assert_eq!(summary["documents_skipped"], 1);
    let problems = std::fs::read_to_string(out.join("problems.jsonl")).unwrap();
    let failed: Vec<Value> = problems
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|p| p["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0]["reason"].as_str().unwrap().contains("UTF-8"));
    assert!(failed[0]["source"]
        .as_str()
        .unwrap()
        .ends_with("broken.txt"));
    assert_eq!(mentions_of(&out).len(), 1);
    // A skip loses nothing: without the broken file the run exits 0.
    std::fs::remove_file(inputs.join("broken.txt")).unwrap();
    let result = run(&dir.path().join("out-2"));
    assert_eq!(
        result.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn a_broken_model_directory_names_the_missing_piece() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model");
    std::fs::create_dir_all(&model).unwrap();
    let input = repo().join("tests/data/crlf-curly.txt");
    let run = |expect: &str| {
        let out = common::bin()
            .args(["extract", input.to_str().unwrap(), "-o"])
            .arg(dir.path().join("out"))
            .arg("--model")
            .arg(&model)
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "expected {expect:?} in {err}");
    };
    run("config.json");
    std::fs::write(model.join("config.json"), r#"{"model_type": "bert"}"#).unwrap();
    run("id2label");
    std::fs::write(
        model.join("config.json"),
        r#"{"id2label": {"0": "O", "1": "B-PER"}}"#,
    )
    .unwrap();
    run("tokenizer.json");
    let shipped = common::model_dir();
    std::fs::copy(shipped.join("tokenizer.json"), model.join("tokenizer.json")).unwrap();
    run("no ONNX weights");
    std::fs::write(model.join("model.onnx"), b"not a model").unwrap();
    run("model.onnx");
}

#[test]
fn reuters_company_markup_is_not_part_of_the_name() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("markup.txt");
    std::fs::write(
        &input,
        "Shares of <Sedio N.V.> rose after <General Motors Corp> said it would buy a stake.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    run_ok(
        &[
            "extract",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    let docs = mentions_of(&out);
    let texts: Vec<&str> = docs[0]["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"General Motors Corp"), "{texts:?}");
    assert!(texts.iter().all(|t| !t.contains(['<', '>'])), "{texts:?}");
}

#[test]
fn a_headline_name_and_the_next_paragraph_stay_apart() {
    // Reuters-21578 NEWID 9256: "ZHAO\n\nChina" once came out as one mention
    // running past its sentence, and the relation stage panicked on it.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("headline.txt");
    std::fs::write(
        &input,
        "CHINA MUST CUT DEMAND, CONTINUE REFORMS: ZHAO\n\nChina must cut excess demand and \
         capital\ninvestment in the face of budget and foreign exchange deficits\nbut will \
         press ahead with wide-ranging economic reforms in\n1987, Premier Zhao Ziyang told \
         parliament.",
    )
    .unwrap();
    let out = dir.path().join("out");
    run_ok(
        &[
            "extract",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["documents_processed"], 1);
    assert_eq!(summary["documents_failed"], 0);
    let docs = mentions_of(&out);
    for m in docs[0]["mentions"].as_array().unwrap() {
        assert!(!m["text"].as_str().unwrap().contains("\n\n"), "{m}");
    }
}

//! The rust-bert backend (cargo feature `rust-bert`) against the default ONNX one, through
//! the real binary: on the shared news fixture, `extract --backend rust-bert` labels at
//! least 99% of the words as the default does, and the graph differences are listed.
//! Needs the model folder's rust_model.ot (training/convert_rust_bert.py); skips with the
//! reason when it or ../shared is absent. scripts/test-rust-bert.sh sets everything up.
#![cfg(feature = "rust-bert")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{model_dir, read_json, run_ok, shared};
use serde_json::Value;

/// The converted weights, or None with a printed reason.
fn rust_model() -> Option<std::path::PathBuf> {
    let path = model_dir().join("rust_model.ot");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "skipped: {} is absent (write it with `python training/convert_rust_bert.py`, \
             or run scripts/test-rust-bert.sh)",
            path.display()
        );
        None
    }
}

/// `extract` of `input` into `out` with the given backend.
fn extract(input: &Path, out: &Path, backend: &str) {
    run_ok(
        &[
            "extract",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--backend",
            backend,
        ],
        None,
    );
}

/// Per document, each whitespace-separated word of its text with its BIO label, from the
/// mentions (character offsets) that overlap the word: the token labels both backends
/// produce, on the same words whatever the tokenisation.
fn word_labels(
    out: &Path,
    texts: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<(String, String)>> {
    let mut labels = BTreeMap::new();
    for line in std::fs::read_to_string(out.join("mentions.jsonl"))
        .expect("mentions.jsonl")
        .lines()
    {
        let row: Value = serde_json::from_str(line).expect("a JSON line");
        let doc = row["doc"].as_str().expect("doc id").to_string();
        let text = texts
            .get(&doc)
            .unwrap_or_else(|| panic!("no text for document {doc}"));
        let chars: Vec<char> = text.chars().collect();
        let mut words: Vec<(usize, usize)> = Vec::new();
        let mut start = None;
        for (i, c) in chars.iter().chain([' '].iter()).enumerate() {
            match (start, c.is_whitespace()) {
                (None, false) => start = Some(i),
                (Some(s), true) => {
                    words.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        let mut tags = vec!["O".to_string(); words.len()];
        for m in row["mentions"].as_array().expect("mentions") {
            let (s, e) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            let label = m["label"].as_str().expect("label");
            let mut first = true;
            for (w, &(ws, we)) in words.iter().enumerate() {
                if ws < e && s < we {
                    tags[w] = format!("{}-{label}", if first { "B" } else { "I" });
                    first = false;
                }
            }
        }
        let words = words.iter().map(|&(s, e)| chars[s..e].iter().collect());
        labels.insert(doc, words.zip(tags).collect());
    }
    labels
}

/// Node ids and (source, relation, target) links of a graph.json.
fn graph_items(out: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let graph = read_json(&out.join("graph.json"));
    let nodes = graph["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| n["id"].as_str().expect("node id").to_string())
        .collect();
    let links = graph["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            format!(
                "{} -{}-> {}",
                l["source"].as_str().unwrap(),
                l["relation"].as_str().unwrap(),
                l["target"].as_str().unwrap()
            )
        })
        .collect();
    (nodes, links)
}

#[test]
fn news_fixture_labels_agree_with_the_onnx_backend() {
    let Some(news) = shared("fixtures/news") else {
        return;
    };
    if rust_model().is_none() {
        return;
    }
    let mut texts = BTreeMap::new();
    for entry in std::fs::read_dir(&news).expect("fixture folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            let id = path.file_stem().unwrap().to_string_lossy().into_owned();
            texts.insert(id, std::fs::read_to_string(&path).expect("text"));
        }
    }
    let input = tempfile::tempdir().unwrap();
    for (id, text) in &texts {
        std::fs::write(input.path().join(format!("{id}.txt")), text).unwrap();
    }
    let onnx = tempfile::tempdir().unwrap();
    let torch = tempfile::tempdir().unwrap();
    extract(input.path(), onnx.path(), "onnx");
    extract(input.path(), torch.path(), "rust-bert");

    let (a, b) = (
        word_labels(onnx.path(), &texts),
        word_labels(torch.path(), &texts),
    );
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same documents"
    );
    let (mut same, mut total) = (0usize, 0usize);
    let mut differing = Vec::new();
    for (doc, tags) in &a {
        let other = &b[doc];
        assert_eq!(tags.len(), other.len(), "{doc}: the same words");
        for (w, ((word, x), (_, y))) in tags.iter().zip(other).enumerate() {
            total += 1;
            if x == y {
                same += 1;
            } else {
                differing.push(format!("{doc} word {w} {word:?}: onnx {x}, rust-bert {y}"));
            }
        }
    }
    let agreement = same as f64 / total as f64;
    println!(
        "word labels: {same} of {total} agree ({:.2}%)",
        100.0 * agreement
    );
    for d in &differing {
        println!("  {d}");
    }
    let (onnx_nodes, onnx_links) = graph_items(onnx.path());
    let (torch_nodes, torch_links) = graph_items(torch.path());
    println!(
        "graph: onnx {} nodes, {} links; rust-bert {} nodes, {} links",
        onnx_nodes.len(),
        onnx_links.len(),
        torch_nodes.len(),
        torch_links.len()
    );
    for (what, x, y) in [
        ("node", &onnx_nodes, &torch_nodes),
        ("link", &onnx_links, &torch_links),
    ] {
        for only in x.difference(y) {
            println!("  {what} only with onnx: {only}");
        }
        for only in y.difference(x) {
            println!("  {what} only with rust-bert: {only}");
        }
    }
    assert!(
        agreement >= 0.99,
        "only {:.2}% of word labels agree; differences above",
        100.0 * agreement
    );
}

#[test]
fn a_model_folder_without_rust_model_ot_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    for f in ["config.json", "tokenizer.json"] {
        std::fs::copy(model_dir().join(f), dir.path().join(f)).unwrap();
    }
    let input = tempfile::tempdir().unwrap();
    std::fs::write(
        input.path().join("a.txt"),
        "Olaf Scholz met Emmanuel Macron.",
    )
    .unwrap();
    let out = common::bin()
        .args([
            "extract",
            input.path().to_str().unwrap(),
            "-o",
            dir.path().join("out").to_str().unwrap(),
            "--backend",
            "rust-bert",
            "--model",
            dir.path().to_str().unwrap(),
            "--parse",
            "none",
        ])
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("rust_model.ot") && stderr.contains("convert_rust_bert.py"),
        "{stderr}"
    );
}

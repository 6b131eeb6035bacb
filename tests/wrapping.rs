//! Line wrapping changes nothing: the same texts with and without hard line breaks give
//! the same graph (nodes, edges, evidence counts), and mentions point into each original
//! text. Runs the real binary with the shipped model; the data lives in ../shared.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use newsgraph::input::{self, Item, ReadOptions};

/// How many Reuters-21578 articles the test reads.
const ARTICLES: usize = 50;

/// A graph reduced to what wrapping must not change: node ids with their type, and each
/// edge (source, relation, target, modality) with its number of pieces of evidence.
#[derive(Debug, PartialEq)]
struct Shape {
    nodes: BTreeMap<String, String>,
    edges: BTreeMap<String, usize>,
}

fn shape(graph: &Value) -> Shape {
    let nodes = graph["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            let id = n["id"].as_str().expect("id").to_string();
            (id, n["type"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    let edges = graph["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|e| {
            let key = format!(
                "{} -{}/{}-> {}",
                e["source"].as_str().expect("source"),
                e["relation"].as_str().expect("relation"),
                e["modality"].as_str().expect("modality"),
                e["target"].as_str().expect("target"),
            );
            (key, e["evidence"].as_array().map_or(0, Vec::len))
        })
        .collect();
    Shape { nodes, edges }
}

/// Fails with the nodes and edges that only one of two shapes has.
fn assert_same(a: &Shape, b: &Shape, what: &str) {
    let only = |x: &BTreeMap<String, String>, y: &BTreeMap<String, String>| -> Vec<String> {
        x.iter()
            .filter(|(k, v)| y.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect()
    };
    let strings = |m: &BTreeMap<String, usize>| -> BTreeMap<String, String> {
        m.iter().map(|(k, v)| (k.clone(), v.to_string())).collect()
    };
    let (ea, eb) = (strings(&a.edges), strings(&b.edges));
    assert!(
        a == b,
        "{what}: nodes only in the first {:?}, only in the second {:?}; edges only in the first {:?}, only in the second {:?}",
        only(&a.nodes, &b.nodes),
        only(&b.nodes, &a.nodes),
        only(&ea, &eb),
        only(&eb, &ea),
    );
}

/// Extracts `input` into `out`; returns the graph's shape.
/// The graph of `input` by the rules alone: the rules read a few words around a trigger, and
/// those are the same however the text is wrapped. The relation model reads its whole
/// sentence, and a hard wrap can join a headline to the paragraph after it (docs/RELATIONS.md).
fn extract(input: &Path, out: &Path) -> Shape {
    common::run_ok(
        &[
            "extract",
            input.to_str().expect("utf-8 path"),
            "-o",
            out.to_str().expect("utf-8 path"),
            "--relations",
            "rules",
        ],
        None,
    );
    shape(&common::read_json(&out.join("graph.json")))
}

/// Every mention's character offsets select its text in the document `texts` names.
fn assert_mentions_point_into(out: &Path, texts: &BTreeMap<String, String>) {
    let lines = std::fs::read_to_string(out.join("mentions.jsonl")).expect("mentions.jsonl");
    let mut checked = 0;
    for line in lines.lines() {
        let record: Value = serde_json::from_str(line).expect("a JSON line");
        let id = record["doc"].as_str().expect("document id");
        let chars: Vec<char> = texts[id].chars().collect();
        for m in record["mentions"].as_array().expect("mentions") {
            let (start, end) = (m["start"].as_u64().unwrap(), m["end"].as_u64().unwrap());
            let found: String = chars[start as usize..end as usize].iter().collect();
            assert_eq!(found, m["text"].as_str().unwrap(), "{id} {start}..{end}");
            checked += 1;
        }
    }
    assert!(checked > 0, "no mentions in {}", out.display());
}

/// Line breaks inside a paragraph become spaces: a break followed by an indented line
/// (a Reuters paragraph) or by another break stays.
fn unwrap_paragraphs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let next = chars.get(i + 1).copied();
            let prev = i.checked_sub(1).map(|p| chars[p]);
            let inside = c == '\n'
                && prev.is_some_and(|p| p != '\n')
                && next.is_some_and(|n| !n.is_whitespace());
            if inside {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Each line longer than `width` characters broken at spaces into lines of at most `width`.
fn rewrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        let mut column = 0;
        for (k, word) in body.split(' ').enumerate() {
            let len = word.chars().count();
            if k > 0 {
                if column + 1 + len > width {
                    out.push('\n');
                    column = 0;
                } else {
                    out.push(' ');
                    column += 1;
                }
            }
            out.push_str(word);
            column += len;
        }
        out.push_str(end);
    }
    out
}

fn write_jsonl(path: &Path, docs: &[(String, String)]) {
    let lines: Vec<String> = docs
        .iter()
        .map(|(id, text)| json!({"id": id, "text": text}).to_string())
        .collect();
    std::fs::write(path, lines.join("\n") + "\n").expect("JSONL written");
}

// A Reuters body's first line is short (its dateline is not part of the text); the splitter
// reads the width of a paragraph's later lines only, so "... said L.K.\nEvans has been
// elected" and "CCX Network Inc said it was offering\n1,500,000 shares" stay whole.
#[test]
fn reuters_articles_give_the_same_graph_wrapped_and_unwrapped() {
    let Some(sgm) = common::shared("data/reuters21578/reut2-000.sgm") else {
        return;
    };
    let wrapped: Vec<(String, String)> = input::read(&[sgm], &ReadOptions::default())
        .filter_map(|item| match item {
            Item::Document(d) => Some((d.id, d.text)),
            _ => None,
        })
        .take(ARTICLES)
        .collect();
    assert_eq!(wrapped.len(), ARTICLES);
    let unwrapped: Vec<(String, String)> = wrapped
        .iter()
        .map(|(id, text)| (id.clone(), unwrap_paragraphs(text)))
        .collect();
    assert!(wrapped
        .iter()
        .zip(&unwrapped)
        .any(|(a, b)| a.1.lines().count() > b.1.lines().count()));

    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut shapes = Vec::new();
    for (name, docs) in [("wrapped", &wrapped), ("unwrapped", &unwrapped)] {
        let input = dir.path().join(format!("{name}.jsonl"));
        write_jsonl(&input, docs);
        let out = dir.path().join(name);
        shapes.push(extract(&input, &out));
        let texts: BTreeMap<String, String> = docs.iter().cloned().collect();
        assert_mentions_point_into(&out, &texts);
    }
    assert!(!shapes[0].nodes.is_empty() && !shapes[0].edges.is_empty());
    assert_same(&shapes[0], &shapes[1], "Reuters");
}

#[test]
fn news_fixtures_give_the_same_graph_rewrapped_at_72_columns() {
    let Some(news) = common::shared("fixtures/news") else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&news)
        .expect("fixtures/news lists")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let dir = tempfile::tempdir().expect("a temporary directory");
    for file in files {
        let stem = file.file_stem().unwrap().to_str().unwrap().to_string();
        let given = std::fs::read_to_string(&file).expect("the fixture text");
        let wrapped = rewrap(&given, 72);
        assert!(wrapped
            .lines()
            .all(|l| l.chars().count() <= 72 || !l.contains(' ')));
        let mut shapes = Vec::new();
        for (name, text) in [("given", &given), ("wrapped", &wrapped)] {
            let input = dir.path().join(name).join(format!("{stem}.txt"));
            std::fs::create_dir_all(input.parent().unwrap()).unwrap();
            std::fs::write(&input, text).unwrap();
            let out = dir.path().join(format!("{name}-out"));
            shapes.push(extract(&input, &out));
            assert_mentions_point_into(&out, &BTreeMap::from([(stem.clone(), text.clone())]));
        }
        assert!(!shapes[0].edges.is_empty(), "{stem}: no edges");
        assert_same(&shapes[0], &shapes[1], &stem);
    }
}

#[test]
fn a_meeting_across_a_line_break_is_found() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let input = dir.path().join("meeting.txt");
    std::fs::write(&input, "Joe Biden met\nOlaf Scholz in Berlin on Monday.\n").unwrap();
    let out = dir.path().join("out");
    let shape = extract(&input, &out);
    assert_eq!(
        shape.edges,
        BTreeMap::from([(
            "person:joe-biden -meets/asserted-> person:olaf-scholz".to_string(),
            1
        )])
    );
}

#[test]
fn unwrapping_and_rewrapping_keep_the_words() {
    let text = "TITLE\n\n    First line\nwraps here.\n    Next paragraph.\n";
    assert_eq!(
        unwrap_paragraphs(text),
        "TITLE\n\n    First line wraps here.\n    Next paragraph.\n"
    );
    assert_eq!(rewrap("aa bb cc dd\nee\n", 5), "aa bb\ncc dd\nee\n");
}

//! The cross-document identity pairs (`tests/fixtures/identity/`, README.md there): each
//! pair is well formed, in the part its id's hash gives, labelled by the guidelines' four
//! labels, and (with `../shared`) each mention's offsets give its text in the document the
//! corpus rules rebuild, so the pairs score the texts `newsgraph extract` reads.

mod common;
#[path = "common/labelled.rs"]
mod labelled;

use std::collections::{BTreeMap, BTreeSet};

use labelled::{fnv1a, rebuild_cached, Corpora, Source, CONLL_RULE, REUTERS_RULE};
use serde_json::Value;

fn pairs() -> Vec<Value> {
    let path = common::repo().join("tests/fixtures/identity/pairs.jsonl");
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The corpus document an id names: `reuters-N` (NEWID N, 1,000 to a file) or
/// `conll-<part>-<index>`.
fn source(doc: &str) -> Source {
    if let Some(newid) = doc.strip_prefix("reuters-") {
        let newid: u32 = newid.parse().unwrap();
        Source {
            file: format!("reuters21578/reut2-{:03}.sgm", (newid - 1) / 1000),
            document: newid,
            rebuild: REUTERS_RULE.into(),
        }
    } else {
        let rest = doc.strip_prefix("conll-").unwrap();
        let (part, index) = rest.split_once('-').unwrap();
        Source {
            file: format!("conll2003/{part}.txt"),
            document: index.parse().unwrap(),
            rebuild: CONLL_RULE.into(),
        }
    }
}

#[test]
fn pairs_are_well_formed_and_split_by_their_rule() {
    let pairs = pairs();
    let mut ids = BTreeSet::new();
    let mut decisions: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &pairs {
        let id = p["id"].as_str().unwrap();
        assert!(ids.insert(id), "{id} twice");
        let part = ["unseen", "dev", "train"]
            [(fnv1a(format!("newsgraph-identity-split:{id}").as_bytes()) % 3) as usize];
        assert_eq!(p["part"], part, "{id}");
        let label = p["label"].as_str().unwrap();
        assert!(
            ["same", "different", "not-entity", "unclear"].contains(&label),
            "{id}: {label}"
        );
        assert!(
            ["same-looking", "acronym", "variant"].contains(&p["kind"].as_str().unwrap()),
            "{id}"
        );
        assert_ne!(p["a"]["doc"], p["b"]["doc"], "{id}: one document");
        for field in ["a_refers", "b_refers", "reason"] {
            assert!(p[field].is_string(), "{id}: no {field}");
        }
        if matches!(label, "same" | "different") {
            *decisions.entry(part).or_default() += 1;
        }
    }
    // Issue 25: at least 300 decisions, a third of them unseen.
    assert!(decisions.values().sum::<usize>() >= 300, "{decisions:?}");
    assert!(decisions["unseen"] >= 100, "{decisions:?}");
    // The second labeller's pairs are pairs of the set.
    let second =
        std::fs::read_to_string(common::repo().join("tests/fixtures/identity/agreement-b.jsonl"))
            .unwrap();
    let second: Vec<Value> = second
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(second.len() >= 60);
    for s in &second {
        assert!(ids.contains(s["id"].as_str().unwrap()));
    }
}

#[test]
fn mentions_are_the_text_at_their_offsets() {
    let Some(data) = common::shared("data") else {
        return;
    };
    let mut corpora = Corpora::default();
    let mut texts: BTreeMap<String, Vec<char>> = BTreeMap::new();
    for p in pairs() {
        for side in ["a", "b"] {
            let m = &p[side];
            let doc = m["doc"].as_str().unwrap();
            let chars = texts.entry(doc.to_string()).or_insert_with(|| {
                rebuild_cached(&data, &source(doc), &mut corpora)
                    .unwrap()
                    .chars()
                    .collect()
            });
            let (start, end) = (
                m["start"].as_u64().unwrap() as usize,
                m["end"].as_u64().unwrap() as usize,
            );
            let found: String = chars[start..end].iter().collect();
            assert_eq!(found, m["text"].as_str().unwrap(), "{} {side}", p["id"]);
        }
    }
}

//! The labelled news corpus (`tests/fixtures/labelled/`, README.md there): its fixtures are
//! well formed, chosen by `training/corpus/select.py` (selection.tsv) and split by their
//! rule into train, dev and unseen; their texts rebuild from `../shared` with every evidence
//! string verbatim and every alias present; the corpus holds what issue 21 asks for; and the
//! current tool's scores on the dev part stay above floors set a little below what was
//! measured. The unseen part was opened once, when the relation model of issue 22 was
//! final (tests/fixtures/labelled/README.md, "Unseen"); its floors keep what was measured
//! then, and nothing is tuned on it.

mod common;
#[path = "common/labelled.rs"]
mod labelled;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use labelled::{part_of, rebuild_dir, CONLL_RULE, REUTERS_RULE};
use serde_json::Value;

const PARTS: [&str; 3] = ["train", "dev", "unseen"];

/// A relation item counts as required when it is not marked optional.
fn required(item: &Value) -> bool {
    !item["optional"].as_bool().unwrap_or(false)
}

/// The rows of selection.tsv: id -> (part, file, document, rebuild).
fn selection() -> std::collections::BTreeMap<String, (String, String, u64, String)> {
    let raw = std::fs::read_to_string(common::repo().join("tests/fixtures/labelled/selection.tsv"))
        .unwrap();
    let mut lines = raw.lines();
    let head: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (id, part, file, doc, rule) = (
        col("id"),
        col("part"),
        col("file"),
        col("document"),
        col("rebuild"),
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (
                f[id].to_string(),
                (
                    f[part].to_string(),
                    f[file].to_string(),
                    f[doc].parse().unwrap(),
                    f[rule].to_string(),
                ),
            )
        })
        .collect()
}

fn part_dir(part: &str) -> PathBuf {
    common::repo()
        .join("tests")
        .join("fixtures")
        .join("labelled")
        .join(part)
}

/// Case-insensitive, whitespace runs made one space.
fn normalise(s: &str) -> String {
    s.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `needle` occurs in `haystack` (both normalised) as whole words.
fn has_words(haystack: &str, needle: &str) -> bool {
    let (h, n) = (normalise(haystack), normalise(needle));
    h.match_indices(&n).any(|(at, _)| {
        let before = h[..at].chars().next_back();
        let after = h[at + n.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

#[test]
fn conll_rule_joins_tokens_as_documented() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["Lebed", "'s", "plan", ",", "he", "said", "."],
            "Lebed's plan, he said.",
        ),
        (
            &[
                "\"", "We", "do", "n't", "know", ",", "\"", "Davies", "said", ".",
            ],
            "\"We don't know,\" Davies said.",
        ),
        (
            &["a", "$", "250,000", "prize", "(", "about", "5", "%", ")"],
            "a $250,000 prize (about 5%)",
        ),
        (
            &[
                "the",
                "hijackers",
                "'",
                "surrender",
                "--",
                "police",
                "/",
                "army",
            ],
            "the hijackers' surrender -- police / army",
        ),
        // An unpaired quote at the end of a sentence closes; elsewhere it opens.
        (&["of", "his", "sons", ".", "\""], "of his sons.\""),
        (&["\"", "It", "is", "over"], "\"It is over"),
    ];
    for (tokens, want) in cases {
        assert_eq!(labelled::detok_sentence(tokens), *want, "{tokens:?}");
    }
    let file = "-DOCSTART- -X- O O\n\nA DT O O\n. . O O\n\nB NNP O O\n\n\
                -DOCSTART- -X- O O\n\nC NNP O O\n( ( O O\nD NNP O O\n) ) O O\n";
    assert_eq!(labelled::conll_text(file, 0).unwrap(), "A.\nB\n");
    assert_eq!(labelled::conll_text(file, 1).unwrap(), "C (D)\n");
    assert_eq!(labelled::conll_text(file, 2), None);
}

#[test]
fn reuters_rule_builds_title_and_body() {
    let sgm = b"<!DOCTYPE lewis SYSTEM \"lewis.dtd\">\n\
<REUTERS TOPICS=\"YES\" OLDID=\"7\" NEWID=\"1\">\n<TEXT>&#2;\n<TITLE>A  &amp; B\n</TITLE>\n\
<BODY>  Shares of &lt;ACME&gt; rose.\n Reuter\n&#3;</BODY></TEXT>\n</REUTERS>\n\
<REUTERS TOPICS=\"NO\" OLDID=\"8\" NEWID=\"12\">\n<TEXT><BODY>Only a body.</BODY></TEXT>\n</REUTERS>\n\
<REUTERS TOPICS=\"NO\" OLDID=\"9\" NEWID=\"13\">\n<TEXT><TITLE>NO BODY</TITLE></TEXT>\n</REUTERS>\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reut2-000.sgm");
    std::fs::write(&path, sgm).unwrap();
    let sgm = path.as_path();
    assert_eq!(
        labelled::reuters_text(sgm, 1).unwrap(),
        "A & B\n\nShares of <ACME> rose.\n Reuter"
    );
    assert_eq!(labelled::reuters_text(sgm, 12).unwrap(), "Only a body.");
    assert_eq!(labelled::reuters_text(sgm, 13), None);
    assert_eq!(labelled::reuters_text(sgm, 2), None);
}

/// Every fixture of a part, parsed.
fn fixtures(part: &str) -> Vec<(String, Value)> {
    labelled::fixture_paths(&part_dir(part))
        .unwrap()
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let json = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, json)
        })
        .collect()
}

fn ids(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().map(|x| x.as_str().expect("an id")).collect(),
        _ => panic!("not an id or a list of ids: {v}"),
    }
}

#[test]
fn labelled_fixtures_are_well_formed_and_split_by_their_rule() {
    let mut sources = BTreeSet::new();
    let mut total = 0;
    for part in PARTS {
        let all = fixtures(part);
        assert!(!all.is_empty(), "{part} has no fixtures");
        total += all.len();
        for (name, f) in &all {
            let id = f["id"].as_str().expect("id");
            assert_eq!(*name, format!("{id}.json"));
            assert_eq!(f["text_file"], format!("{id}.txt"), "{name}");
            assert_eq!(part_of(id), part, "{name} is in the wrong part");
            let source = labelled::source_of(f).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                [CONLL_RULE, REUTERS_RULE].contains(&source.rebuild.as_str()),
                "{name}: {source:?}"
            );
            assert!(
                sources.insert((source.file.clone(), source.document)),
                "{name}: repeated source"
            );
            let mut entity_ids = BTreeSet::new();
            for e in f["entities"].as_array().expect("entities") {
                let eid = e["id"].as_str().expect("entity id");
                assert!(entity_ids.insert(eid), "{name}: entity {eid} twice");
                assert!(
                    ["person", "state", "organisation"].contains(&e["type"].as_str().unwrap()),
                    "{name}: {e}"
                );
                assert!(
                    e["name"].is_string() && !e["aliases"].as_array().unwrap().is_empty(),
                    "{name}: {e}"
                );
            }
            for r in f["relations"].as_array().expect("relations") {
                let modality = r["modality"].as_str().unwrap_or("asserted");
                assert!(
                    ["asserted", "planned"].contains(&modality),
                    "{name}: modality {modality}"
                );
                for id in ids(&r["source"]) {
                    assert!(entity_ids.contains(id), "{name}: unknown source {id}");
                }
                match r["type"].as_str().unwrap() {
                    "sanctions" | "meets" => {
                        for id in ids(&r["target"]) {
                            assert!(entity_ids.contains(id), "{name}: unknown target {id}");
                        }
                    }
                    "claims" => assert!(r["figure"].is_number(), "{name}: {r}"),
                    other => panic!("{name}: relation type {other}"),
                }
                assert!(
                    !r["evidence"].as_str().unwrap_or("").is_empty(),
                    "{name}: {r}"
                );
            }
            for r in f["non_relations"].as_array().into_iter().flatten() {
                assert!(
                    TRAP_REASONS.contains(&r["reason"].as_str().unwrap_or("")),
                    "{name}: {r}"
                );
                assert!(
                    !r["evidence"].as_str().unwrap_or("").is_empty(),
                    "{name}: {r}"
                );
                for key in ["source", "target"] {
                    if !r[key].is_null() {
                        for id in ids(&r[key]) {
                            assert!(entity_ids.contains(id), "{name}: unknown {key} {id}");
                        }
                    }
                }
            }
        }
    }
    assert!(total >= 350, "{total} fixtures");
}

/// The reasons a `non_relations` item (a trap: what looks like a relation but is none) gives.
const TRAP_REASONS: [&str; 11] = [
    "negated",
    "hypothetical",
    "demanded",
    "refused",
    "threatened",
    "planned-only",
    "unnamed-source",
    "lifted",
    "other-sense",
    "same-side",
    "not-a-figure",
];

#[test]
fn every_fixture_is_a_selected_or_first_set_document_with_its_selected_source() {
    let sel = selection();
    let legacy = labelled::legacy_ids();
    let mut seen = BTreeSet::new();
    for part in PARTS {
        for (name, f) in fixtures(part) {
            let id = f["id"].as_str().unwrap().to_string();
            seen.insert(id.clone());
            if legacy.contains(id.as_str()) {
                assert!(
                    !sel.contains_key(&id),
                    "{name}: a first-set document was selected again"
                );
                continue;
            }
            let (want_part, file, doc, rule) = sel
                .get(&id)
                .unwrap_or_else(|| panic!("{name} is not in selection.tsv"));
            assert_eq!(
                want_part, part,
                "{name}: selection.tsv puts it in {want_part}"
            );
            let source = labelled::source_of(&f).unwrap();
            assert_eq!(
                (&source.file, u64::from(source.document), &source.rebuild),
                (file, *doc, rule),
                "{name}"
            );
        }
    }
    let unlabelled: Vec<_> = sel.keys().filter(|id| !seen.contains(*id)).collect();
    assert!(
        unlabelled.is_empty(),
        "selected but not labelled: {unlabelled:?}"
    );
    assert_eq!(legacy.iter().filter(|id| seen.contains(**id)).count(), 59);
}

#[test]
fn the_corpus_holds_the_documents_and_relations_issue_21_asks_for() {
    // (documents, required relations of each type) per part.
    let mut docs = std::collections::BTreeMap::new();
    let mut req = std::collections::BTreeMap::new();
    for part in PARTS {
        for (_, f) in fixtures(part) {
            *docs.entry(part).or_insert(0) += 1;
            for r in f["relations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| required(r))
            {
                *req.entry((part, r["type"].as_str().unwrap().to_string()))
                    .or_insert(0) += 1;
            }
        }
    }
    let total_docs: usize = docs.values().sum();
    let of = |part: &str| -> usize {
        req.iter()
            .filter(|((p, _), _)| *p == part)
            .map(|(_, n)| n)
            .sum()
    };
    eprintln!("labelled corpus: {docs:?}; required relations {req:?}");
    assert!(total_docs >= 350, "{total_docs} documents");
    assert!(docs["unseen"] >= 80, "{} unseen documents", docs["unseen"]);
    assert!(
        of("unseen") >= 150,
        "{} required relations in unseen",
        of("unseen")
    );
}

#[test]
fn the_second_annotators_labels_are_well_formed_and_of_labelled_documents() {
    let dir = common::repo().join("tests/fixtures/labelled/agreement-b");
    let paths = labelled::fixture_paths(&dir).unwrap();
    assert_eq!(paths.len(), 30, "30 documents were labelled twice");
    let labelled_ids: BTreeSet<String> = PARTS
        .iter()
        .flat_map(|p| fixtures(p))
        .map(|(_, f)| f["id"].as_str().unwrap().to_string())
        .collect();
    for p in paths {
        let f: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        let id = f["id"].as_str().unwrap();
        assert!(labelled_ids.contains(id), "{id}");
        assert_ne!(
            part_of(id),
            "unseen",
            "{id}: agreement documents are not unseen"
        );
    }
}

/// `../shared/data`, or None with a printed reason.
fn shared_data() -> Option<PathBuf> {
    common::shared("data")
}

#[test]
fn labelled_texts_rebuild_with_verbatim_evidence_and_aliases() {
    let Some(data) = shared_data() else {
        return;
    };
    for part in PARTS {
        let rebuilt = rebuild_dir(&data, &part_dir(part), None).unwrap();
        let again = rebuild_dir(&data, &part_dir(part), None).unwrap();
        for (r, a) in rebuilt.iter().zip(&again) {
            assert_eq!(
                r.text, a.text,
                "{}: the rebuild is not deterministic",
                r.file_name
            );
        }
        for r in &rebuilt {
            let name = &r.file_name;
            assert!(r.text.len() > 100, "{name}: text too short");
            for rel in r.json["relations"].as_array().unwrap() {
                let evidence = rel["evidence"].as_str().unwrap();
                assert!(
                    r.text.contains(evidence),
                    "{name}: evidence is not verbatim in the rebuilt text: {evidence:?}"
                );
            }
            for e in r.json["entities"].as_array().unwrap() {
                for alias in e["aliases"].as_array().unwrap() {
                    let alias = alias.as_str().unwrap();
                    assert!(
                        has_words(&r.text, alias),
                        "{name}: alias {alias:?} is not in the text"
                    );
                }
            }
        }
    }
}

/// Overall F1 of an `eval fixtures --json` table.
fn f1(table: &Value, kind: Option<&str>) -> f64 {
    let entry = match kind {
        None => &table["overall"],
        Some(k) => &table["types"][k],
    };
    entry["f1"]
        .as_f64()
        .unwrap_or_else(|| panic!("no F1 for {kind:?}: {table}"))
}

fn eval_dev(dir: &Path) -> Value {
    let out = common::run_ok(
        &["eval", "fixtures", dir.to_str().unwrap(), "--json", "-"],
        None,
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Scores one part with the model's entities and checks each floor.
fn part_scores_stay_above(part: &str, floors: &[(&str, Option<&str>, f64)]) {
    let Some(data) = shared_data() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    rebuild_dir(&data, &part_dir(part), Some(dir.path())).unwrap();
    let scores = eval_dev(dir.path());
    let (entities, relations) = (&scores["entities"], &scores["relations"]);
    eprintln!(
        "labelled {part}: entity F1 {:.3}, relation F1 {:.3}",
        f1(entities, None),
        f1(relations, None)
    );
    for (table, kind, floor) in floors {
        let table = if *table == "entities" {
            entities
        } else {
            relations
        };
        let got = f1(table, *kind);
        assert!(
            got >= *floor,
            "{part}: {kind:?} F1 {got:.3} < floor {floor}: {table}"
        );
    }
}

#[test]
fn dev_part_scores_stay_above_their_floors() {
    part_scores_stay_above("dev", DEV_FLOORS);
}

#[test]
fn unseen_part_scores_stay_above_their_floors() {
    part_scores_stay_above("unseen", UNSEEN_FLOORS);
}

/// (table, type or None for overall, F1 floor), on the unseen part, opened once with the
/// relation model final (rules and model together, the default), then measured again when
/// the hand-judged Reuters-21578 sample set its least threshold to 0.75 (decided without
/// looking at this part): entities 0.827; relations 0.541 (claims 0.613, meets 0.387,
/// sanctions 0.133: 2 of 28); the rules alone gave 0.535. With speakers named by a
/// description (issue 22, item 3, chosen on dev and train): relations 0.568 (claims 0.644).
/// With "it said", numbers in names no figures, meets and sanctions kept out of capitals
/// headlines (issue 22, item 4) and the run-wide acronym table (issue 25), measured once
/// after all were merged: entities 0.896; relations 0.612 (claims 0.698, meets 0.409,
/// sanctions 0.133); the rules alone 0.607. Again after a range gave its first number only
/// (chosen on dev and train): relations 0.616 (claims 0.704); the rules alone 0.611.
/// With firm names joined (issue 25), tariffs and demonyms for sanctions, more held-talks
/// forms, and statements, newspapers and cents for claims (issue 22; all chosen on dev and
/// train), measured once after all were merged: entities 0.909; relations 0.652 (claims
/// 0.738, meets 0.432, sanctions 0.343); the rules alone 0.647.
const UNSEEN_FLOORS: &[(&str, Option<&str>, f64)] = &[
    ("entities", None, 0.90),
    ("relations", None, 0.64),
    ("relations", Some("claims"), 0.72),
    ("relations", Some("meets"), 0.42),
    ("relations", Some("sanctions"), 0.30),
];

/// (table, type or None for overall, F1 floor), on the dev part of the corpus of issue 21.
/// When the corpus was assembled (README.md there, "Baseline"), with the rules alone:
/// entities 0.840 (organisation 0.769, person 0.820, state 0.957); relations 0.492 (claims
/// 0.603, meets 0.352, sanctions 0.160: 2 of 22). With the relation model beside the rules
/// (issue 22, thresholds chosen on this part, none below 0.75): relations 0.503 (claims
/// 0.603, meets 0.396, sanctions 0.160). With speakers named by a description and "quoted
/// as saying" (issue 22, item 3): relations 0.552 (claims 0.670, meets 0.404, sanctions
/// 0.160). With "it said" crediting the organisation or state it stands for, and numbers
/// in names and durations no figures (issue 22): relations 0.560 (claims 0.683). With
/// meets and sanctions kept out of capitals headlines and the other senses of their
/// triggers (issue 22, item 4): relations 0.551 (claims 0.683, meets 0.387, sanctions 0.083).
/// With a range giving its first number only: relations 0.563 (claims 0.705). With firm
/// names joined, tariffs and demonyms, more held-talks forms, statements, newspapers and
/// cents: entities 0.919 (organisation 0.859); relations 0.690 (claims 0.798, meets 0.500,
/// sanctions 0.563).
const DEV_FLOORS: &[(&str, Option<&str>, f64)] = &[
    ("entities", None, 0.90),
    ("entities", Some("organisation"), 0.84),
    ("entities", Some("person"), 0.79),
    ("entities", Some("state"), 0.93),
    ("relations", None, 0.68),
    ("relations", Some("claims"), 0.78),
    ("relations", Some("meets"), 0.48),
    ("relations", Some("sanctions"), 0.54),
];

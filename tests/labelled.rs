//! The labelled development set (`tests/fixtures/labelled/`, README.md there): its
//! fixtures are well formed and split by their rule, their texts rebuild from `../shared`
//! with every evidence string verbatim and every alias present, and the current tool's
//! scores on both parts stay above floors set a little below what was measured: the dev part
//! after the rules were tuned on it, the unseen part once, when the rule work of issue 12
//! was done (README.md, "Fixtures"). No rule was changed after the unseen part was scored.

mod common;
#[path = "common/labelled.rs"]
mod labelled;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use labelled::{part_of, rebuild_dir, CONLL_RULE, REUTERS_RULE};
use serde_json::Value;

const PARTS: [&str; 2] = ["dev", "unseen"];

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
        }
    }
    assert!(total >= 40, "{total} fixtures");
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

/// (table, type or None for overall, F1 floor). Measured at the end of issue 12 (README.md):
/// entities 0.914 overall (organisation 0.854, person 0.898, state 0.989); relations 0.593
/// (claims 0.698, meets 0.640, sanctions 0.154). Before the round's rule work the relations
/// scored 0.324 here, and 0.129 when the set was labelled.
const DEV_FLOORS: &[(&str, Option<&str>, f64)] = &[
    ("entities", None, 0.88),
    ("entities", Some("organisation"), 0.82),
    ("entities", Some("person"), 0.86),
    ("entities", Some("state"), 0.96),
    ("relations", None, 0.55),
    ("relations", Some("claims"), 0.65),
    ("relations", Some("meets"), 0.58),
    ("relations", Some("sanctions"), 0.12),
];

/// The unseen part, scored once when the rules were done: entities 0.910 (organisation
/// 0.841, person 0.911, state 0.977); relations 0.552 (claims 0.444, meets 0.769,
/// sanctions 0.286). The rules file of the round before scores 0.333 on it.
const UNSEEN_FLOORS: &[(&str, Option<&str>, f64)] = &[
    ("entities", None, 0.88),
    ("entities", Some("organisation"), 0.80),
    ("entities", Some("person"), 0.88),
    ("entities", Some("state"), 0.95),
    ("relations", None, 0.50),
    ("relations", Some("claims"), 0.40),
    ("relations", Some("meets"), 0.70),
    ("relations", Some("sanctions"), 0.25),
];

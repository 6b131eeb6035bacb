//! `eval conll` on the shipped model reaches the test F1 its MODEL_CARD.md reports, minus 0.2.

mod common;

use common::{model_dir, run_ok, shared};

#[test]
fn shipped_model_reaches_its_model_card_f1_on_conll_test() {
    let Some(test) = shared("data/conll2003/test.txt") else {
        return;
    };
    let card_path = model_dir().join("MODEL_CARD.md");
    let card = std::fs::read_to_string(&card_path).expect("the shipped model has a MODEL_CARD.md");
    let reported: f64 = card
        .lines()
        .find_map(|l| l.strip_prefix("Overall CoNLL-2003 test F1 (newsgraph eval conll): "))
        .and_then(|v| v.trim().trim_matches('*').parse().ok())
        .expect("MODEL_CARD.md states the overall test F1");
    let out = run_ok(&["eval", "conll", test.to_str().unwrap(), "--json"], None);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f1 = 100.0 * value["scores"]["overall"]["f1"].as_f64().unwrap();
    eprintln!("eval conll test F1 {f1:.2}, model card {reported:.2}");
    assert!(
        f1 >= reported - 0.2,
        "F1 {f1:.2} is below the model card's {reported:.2} - 0.2"
    );
    for kind in ["LOC", "MISC", "ORG", "PER"] {
        assert!(
            value["scores"]["types"][kind]["f1"].as_f64().unwrap() > 0.5,
            "{kind}"
        );
    }
}

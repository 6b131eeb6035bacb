//! The syntax layer against UD English (EWT, GUM) test sets: sentence boundaries, UD
//! tokenisation, lemmas. Needs ../shared/data/ud; skips with a reason without it.

use std::path::PathBuf;

use newsgraph::analysis::{lemma, tokenize};
use newsgraph::eval::conllu::{self, UdSentence};
use newsgraph::eval::{sentences, Counts};
use newsgraph::text::Span;

fn ud_file(name: &str) -> Option<Vec<UdSentence>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/ud")
        .join(name);
    if !path.exists() {
        eprintln!("skipped: {} is absent", path.display());
        return None;
    }
    Some(conllu::read(&path).expect("a readable CoNLL-U file"))
}

#[test]
fn sentence_boundaries_on_ewt_and_gum_test_as_given_and_wrapped() {
    for (file, floor) in [
        ("en_ewt-ud-test.conllu", 0.88),
        ("en_gum-ud-test.conllu", 0.96),
    ] {
        let Some(gold) = ud_file(file) else { return };
        for wrap in [None, Some(72)] {
            let scores = sentences::evaluate(&gold, wrap);
            println!(
                "{file} wrap {wrap:?}: P {:.4} R {:.4} F1 {:.4}; inside paragraphs F1 {:.4}",
                scores.all.precision, scores.all.recall, scores.all.f1, scores.inside_paragraphs.f1
            );
            assert!(scores.all.f1 >= floor, "{file} wrap {wrap:?}: {scores:?}");
            assert!(
                scores.all.precision >= 0.97,
                "{file} wrap {wrap:?}: {scores:?}"
            );
        }
    }
}

#[test]
fn tokenizer_agrees_with_ewt_test_words() {
    let Some(gold) = ud_file("en_ewt-ud-test.conllu") else {
        return;
    };
    let mut counts = Counts::default();
    let mut unaligned = 0;
    for sentence in &gold {
        let Some(gold_spans) = sentence.word_spans() else {
            unaligned += 1;
            continue;
        };
        let predicted = tokenize(&sentence.text, Span::new(0, sentence.text.len()));
        counts.add(Counts {
            tp: predicted.iter().filter(|s| gold_spans.contains(s)).count(),
            predicted: predicted.len(),
            gold: gold_spans.len(),
        });
    }
    println!(
        "EWT test tokens: P {:.4} R {:.4} F1 {:.4} ({} sentences, {unaligned} not aligned)",
        counts.precision(),
        counts.recall(),
        counts.f1(),
        gold.len()
    );
    assert!(
        unaligned * 100 < gold.len(),
        "{unaligned} sentences not aligned"
    );
    assert!(counts.f1() >= 0.97, "{counts:?}");
}

#[test]
fn lemmas_agree_with_ewt_test_given_gold_upos() {
    let Some(gold) = ud_file("en_ewt-ud-test.conllu") else {
        return;
    };
    let (mut right, mut total) = (0, 0);
    for word in gold.iter().flat_map(|s| &s.words) {
        let predicted = lemma(&lemma::lower(&word.form), &word.upos);
        total += 1;
        // Lemmas are lower case here; EWT keeps the case of proper nouns and "I".
        if predicted == lemma::lower(&word.lemma) {
            right += 1;
        }
    }
    let accuracy = right as f64 / total as f64;
    println!("EWT test lemmas with gold UPOS: {accuracy:.4} ({right} of {total})");
    assert!(accuracy >= 0.95, "{accuracy}");
}

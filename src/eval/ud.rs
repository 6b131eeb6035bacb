//! Parser scoring on a treebank with gold tokenisation: UPOS accuracy, UAS and LAS with
//! the conventions of the CoNLL 2018 shared task (every syntactic word counts,
//! punctuation included; LAS compares the universal part of the relation, `nmod:poss`
//! as `nmod`). LAS over full labels is reported beside it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::conllu::UdSentence;
use crate::analysis::{ParseError, ParsedSentence, SentenceParser};

/// Scores in percent, with the counts behind them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct UdScores {
    pub sentences: usize,
    pub words: usize,
    pub upos: f64,
    pub uas: f64,
    pub las: f64,
    pub las_full_labels: f64,
    /// LAS recall per gold universal relation: (correct, gold).
    pub per_relation: BTreeMap<String, (usize, usize)>,
}

fn universal(rel: &str) -> &str {
    rel.split(':').next().unwrap_or(rel)
}

/// Scores parsed sentences against gold ones (same words, same order).
pub fn score(gold: &[UdSentence], parsed: &[ParsedSentence]) -> UdScores {
    let (mut words, mut upos, mut uas, mut las, mut full) = (0usize, 0, 0, 0, 0);
    let mut per_relation: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (g, p) in gold.iter().zip(parsed) {
        for (i, w) in g.words.iter().enumerate() {
            words += 1;
            let entry = per_relation
                .entry(universal(&w.deprel).to_string())
                .or_default();
            entry.1 += 1;
            if p.upos.get(i).is_some_and(|&u| u == w.upos) {
                upos += 1;
            }
            if p.heads.get(i) == Some(&w.head) {
                uas += 1;
                let rel = p.deprels.get(i).map(String::as_str).unwrap_or("");
                if universal(rel) == universal(&w.deprel) {
                    las += 1;
                    entry.0 += 1;
                }
                if rel == w.deprel {
                    full += 1;
                }
            }
        }
    }
    let pct = |x: usize| {
        if words == 0 {
            0.0
        } else {
            (10_000.0 * x as f64 / words as f64).round() / 100.0
        }
    };
    UdScores {
        sentences: gold.len(),
        words,
        upos: pct(upos),
        uas: pct(uas),
        las: pct(las),
        las_full_labels: pct(full),
        per_relation,
    }
}

/// Parses every gold sentence (in parallel, each alone: in its `# text` where the words are
/// found there, else as words) and scores it.
pub fn evaluate(
    parser: &dyn SentenceParser,
    gold: &[UdSentence],
) -> Result<(UdScores, Vec<ParsedSentence>), ParseError> {
    use rayon::prelude::*;
    let parsed: Vec<ParsedSentence> = gold
        .par_iter()
        .map(|s| match s.word_spans().filter(|_| !s.text.is_empty()) {
            // The sentence's own text where its words can be found in it: a parser that
            // reads text (a parse head) then sees what `extract` would.
            Some(spans) => parser.parse_in_text(&s.text, &spans),
            None => {
                let words: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
                parser
                    .parse(std::slice::from_ref(&words))
                    .map(|mut v| v.pop().expect("one sentence in, one out"))
            }
        })
        .collect::<Result<_, _>>()?;
    Ok((score(gold, &parsed), parsed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::conllu::UdWord;

    fn gold() -> Vec<UdSentence> {
        let w = |form: &str, upos: &str, head, deprel: &str| UdWord {
            form: form.into(),
            upos: upos.into(),
            head,
            deprel: deprel.into(),
            ..Default::default()
        };
        vec![UdSentence {
            sent_id: "s".into(),
            text: "Her dog barks .".into(),
            words: vec![
                w("Her", "PRON", 2, "nmod:poss"),
                w("dog", "NOUN", 3, "nsubj"),
                w("barks", "VERB", 0, "root"),
                w(".", "PUNCT", 3, "punct"),
            ],
            ..Default::default()
        }]
    }

    #[test]
    fn las_ignores_subtypes_and_counts_punctuation() {
        let parsed = vec![ParsedSentence {
            upos: vec!["PRON", "NOUN", "VERB", "PUNCT"],
            heads: vec![2, 3, 0, 2],
            deprels: vec!["nmod".into(), "nsubj".into(), "root".into(), "punct".into()],
        }];
        let s = score(&gold(), &parsed);
        assert_eq!(s.words, 4);
        assert_eq!(s.upos, 100.0);
        assert_eq!(s.uas, 75.0);
        assert_eq!(s.las, 75.0);
        assert_eq!(s.las_full_labels, 50.0);
        assert_eq!(s.per_relation["nmod"], (1, 1));
        assert_eq!(s.per_relation["punct"], (0, 1));
    }

    #[test]
    fn a_wrong_label_on_a_right_head_counts_for_uas_only() {
        let parsed = vec![ParsedSentence {
            upos: vec!["DET", "NOUN", "VERB", "PUNCT"],
            heads: vec![2, 3, 0, 3],
            deprels: vec!["det".into(), "nsubj".into(), "root".into(), "punct".into()],
        }];
        let s = score(&gold(), &parsed);
        assert_eq!(s.upos, 75.0);
        assert_eq!(s.uas, 100.0);
        assert_eq!(s.las, 75.0);
    }
}

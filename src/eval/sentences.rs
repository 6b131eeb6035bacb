//! Sentence-boundary scoring: documents rebuilt from CoNLL-U `# text`, split by `text::sentences`.

use serde::Serialize;

use super::{Counts, Score, Table};
use crate::analysis::conllu::UdSentence;
use crate::text;

/// A document's text as rebuilt from its gold sentences, with the gold boundaries.
#[derive(Clone, Debug, PartialEq)]
pub struct RebuiltDoc {
    pub text: String,
    /// Byte offset where each gold sentence ends.
    pub sentence_ends: Vec<usize>,
    /// Byte offset where each paragraph ends (a subset of `sentence_ends`).
    pub paragraph_ends: Vec<usize>,
}

/// Sentence-boundary scores: every boundary, and those inside paragraphs only (a blank
/// line gives a paragraph's end away, so those measure the splitter itself).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SentenceScores {
    pub documents: usize,
    pub wrap: Option<usize>,
    pub all: Score,
    pub inside_paragraphs: Score,
}

impl SentenceScores {
    pub fn table(&self) -> Table {
        Table {
            types: [
                ("all boundaries".to_string(), self.all),
                ("inside paragraphs".to_string(), self.inside_paragraphs),
            ]
            .into(),
            overall: None,
        }
    }
}

/// Rebuilds documents (`# newdoc`): sentences of a paragraph joined by a space,
/// paragraphs (`# newpar`) by a blank line; each paragraph re-wrapped at `wrap` columns.
pub fn rebuild(sentences: &[UdSentence], wrap: Option<usize>) -> Vec<RebuiltDoc> {
    let mut docs: Vec<Vec<Vec<&str>>> = Vec::new();
    for s in sentences {
        if s.newdoc.is_some() || docs.is_empty() {
            docs.push(Vec::new());
        }
        let doc = docs.last_mut().expect("pushed above");
        if s.newpar || doc.is_empty() {
            doc.push(Vec::new());
        }
        doc.last_mut().expect("pushed above").push(s.text.as_str());
    }
    docs.iter()
        .map(|paragraphs| {
            let mut out = RebuiltDoc {
                text: String::new(),
                sentence_ends: Vec::new(),
                paragraph_ends: Vec::new(),
            };
            for (p, paragraph) in paragraphs.iter().enumerate() {
                if p > 0 {
                    out.text.push_str("\n\n");
                }
                let start = out.text.len();
                for (i, sentence) in paragraph.iter().enumerate() {
                    if i > 0 {
                        out.text.push(' ');
                    }
                    out.text.push_str(sentence);
                    out.sentence_ends.push(out.text.len());
                }
                out.paragraph_ends.push(out.text.len());
                if let Some(columns) = wrap {
                    let wrapped = wrap_paragraph(&out.text[start..], columns);
                    out.text.replace_range(start.., &wrapped);
                }
            }
            out
        })
        .collect()
}

/// Greedy wrapping at `columns` characters: spaces become line breaks, so every byte
/// offset stays where it was. A word longer than the line gets a line of its own.
pub fn wrap_paragraph(paragraph: &str, columns: usize) -> String {
    let mut out = String::with_capacity(paragraph.len());
    let mut line_chars = 0;
    for (i, word) in paragraph.split(' ').enumerate() {
        let word_chars = word.chars().count();
        if i > 0 {
            if line_chars > 0 && line_chars + 1 + word_chars > columns {
                out.push('\n');
                line_chars = 0;
            } else {
                out.push(' ');
                line_chars += 1;
            }
        }
        out.push_str(word);
        line_chars += word_chars;
    }
    out
}

/// Boundaries found among `gold` (sorted), counting only those `keep` accepts.
fn count(gold: &[usize], predicted: &[usize], keep: impl Fn(usize) -> bool) -> Counts {
    let gold: Vec<usize> = gold.iter().copied().filter(|&e| keep(e)).collect();
    let predicted: Vec<usize> = predicted.iter().copied().filter(|&e| keep(e)).collect();
    Counts {
        tp: predicted
            .iter()
            .filter(|e| gold.binary_search(e).is_ok())
            .count(),
        predicted: predicted.len(),
        gold: gold.len(),
    }
}

/// Scores `text::sentences` on the rebuilt documents.
pub fn evaluate(sentences: &[UdSentence], wrap: Option<usize>) -> SentenceScores {
    let docs = rebuild(sentences, wrap);
    let (mut all, mut inside) = (Counts::default(), Counts::default());
    for doc in &docs {
        let predicted: Vec<usize> = text::sentences(&doc.text).iter().map(|s| s.end).collect();
        all.add(count(&doc.sentence_ends, &predicted, |_| true));
        let inside_paragraph = |e: usize| doc.paragraph_ends.binary_search(&e).is_err();
        inside.add(count(&doc.sentence_ends, &predicted, inside_paragraph));
    }
    SentenceScores {
        documents: docs.len(),
        wrap,
        all: all.score(),
        inside_paragraphs: inside.score(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(text: &str, newdoc: bool, newpar: bool) -> UdSentence {
        UdSentence {
            text: text.to_string(),
            newdoc: newdoc.then(String::new),
            newpar,
            ..UdSentence::default()
        }
    }

    #[test]
    fn rebuilds_paragraphs_and_wraps_in_place() {
        let gold = [
            sentence("Hello there.", true, true),
            sentence("A second sentence follows here.", false, false),
            sentence("New paragraph", false, true),
            sentence("Next document.", true, true),
        ];
        let docs = rebuild(&gold, Some(20));
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].text,
            "Hello there. A\nsecond sentence\nfollows here.\n\nNew paragraph"
        );
        assert_eq!(docs[0].sentence_ends, vec![12, 44, 59]);
        assert_eq!(docs[0].paragraph_ends, vec![44, 59]);
        let scores = evaluate(&gold, Some(20));
        assert_eq!((scores.all.tp, scores.all.gold), (4, 4));
        assert_eq!(scores.inside_paragraphs.gold, 1);
    }

    #[test]
    fn a_missed_boundary_costs_recall() {
        let gold = [
            sentence("no stop here", true, true),
            sentence("and on it goes.", false, false),
        ];
        let scores = evaluate(&gold, None);
        assert_eq!(scores.all.tp, 1);
        assert_eq!(scores.all.predicted, 1);
        assert_eq!(scores.all.gold, 2);
        assert_eq!(scores.inside_paragraphs.recall, 0.0);
    }
}

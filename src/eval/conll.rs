//! CoNLL evaluation: run the extract inference path on CoNLL documents, score spans like conlleval.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::eval::{Counts, Table};
use crate::ner::{Ner, NerError};
use crate::text::Span;

/// A CoNLL document rebuilt as text: words joined by spaces, sentences by newlines.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConllDoc {
    pub text: String,
    pub words: Vec<Span>,
    /// Gold tags per word, as in the file (IOB1 or IOB2).
    pub tags: Vec<String>,
    /// Index of the first word of each sentence.
    pub sentence_starts: Vec<usize>,
}

/// Why a CoNLL file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConllError {
    #[error("{}: {error}", path.display())]
    Read {
        path: std::path::PathBuf,
        error: std::io::Error,
    },
    /// A parse error in the file at `path`.
    #[error("{}: {error}", path.display())]
    In {
        path: std::path::PathBuf,
        error: Box<ConllError>,
    },
    #[error("line {0}: expected a token and a tag")]
    NoTag(usize),
    #[error("line {line}: {tag:?} is not an IOB tag")]
    NotIob { line: usize, tag: String },
}

/// Reads a CoNLL file (token first column, NER tag last column, `-DOCSTART-`
/// lines between documents, blank lines between sentences).
pub fn read(path: &Path) -> Result<Vec<ConllDoc>, ConllError> {
    let text = std::fs::read_to_string(path).map_err(|error| ConllError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    parse(&text).map_err(|error| ConllError::In {
        path: path.to_path_buf(),
        error: Box::new(error),
    })
}

pub fn parse(text: &str) -> Result<Vec<ConllDoc>, ConllError> {
    let mut docs = Vec::new();
    let mut doc = ConllDoc::default();
    let mut in_sentence = false;
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            in_sentence = false;
            continue;
        }
        if cols[0] == "-DOCSTART-" {
            if !doc.words.is_empty() {
                docs.push(std::mem::take(&mut doc));
            }
            in_sentence = false;
            continue;
        }
        if cols.len() < 2 {
            return Err(ConllError::NoTag(i + 1));
        }
        let tag = cols[cols.len() - 1];
        if !(tag == "O" || tag.len() > 2 && matches!(&tag[..2], "B-" | "I-" | "E-" | "S-")) {
            return Err(ConllError::NotIob {
                line: i + 1,
                tag: tag.to_string(),
            });
        }
        if !in_sentence {
            if !doc.text.is_empty() {
                doc.text.push('\n');
            }
            doc.sentence_starts.push(doc.words.len());
            in_sentence = true;
        } else {
            doc.text.push(' ');
        }
        let start = doc.text.len();
        doc.text.push_str(cols[0]);
        doc.words.push(Span::new(start, doc.text.len()));
        doc.tags.push(tag.to_string());
    }
    if !doc.words.is_empty() {
        docs.push(doc);
    }
    Ok(docs)
}

/// Entity chunks (first word, end word exclusive, type) with conlleval's rules:
/// a chunk starts at B-X, S-X, or I-X/E-X after O or another type.
pub fn chunks(tags: &[String], sentence_starts: &[usize]) -> BTreeSet<(usize, usize, String)> {
    let starts: BTreeSet<usize> = sentence_starts.iter().copied().collect();
    let mut out = BTreeSet::new();
    let mut open: Option<(usize, String)> = None;
    for (i, tag) in tags.iter().enumerate() {
        let (prefix, kind) = match tag.split_once('-') {
            Some((p, k)) => (p, k),
            None => ("O", ""),
        };
        let continues = matches!(prefix, "I" | "E")
            && !starts.contains(&i)
            && open.as_ref().is_some_and(|(_, k)| k == kind);
        if !continues {
            if let Some((s, k)) = open.take() {
                out.insert((s, i, k));
            }
            if prefix != "O" {
                open = Some((i, kind.to_string()));
            }
        }
        if matches!(prefix, "E" | "S") {
            if let Some((s, k)) = open.take() {
                out.insert((s, i + 1, k));
            }
        }
    }
    if let Some((s, k)) = open {
        out.insert((s, tags.len(), k));
    }
    out
}

/// Predicted IOB2 tags per word from mention spans (a word overlapping a mention takes its type).
pub fn tags_from_mentions(doc: &ConllDoc, mentions: &[(Span, String)]) -> Vec<String> {
    let mut tags = vec!["O".to_string(); doc.words.len()];
    for (span, label) in mentions {
        let first = doc.words.partition_point(|w| w.end <= span.start);
        let mut inside = false;
        for (word, tag) in doc.words[first..].iter().zip(&mut tags[first..]) {
            if word.start >= span.end {
                break;
            }
            if tag == "O" {
                *tag = format!("{}-{label}", if inside { "I" } else { "B" });
            }
            inside = true;
        }
    }
    tags
}

/// Scores one document's predicted tags against its gold tags.
pub fn count(doc: &ConllDoc, predicted: &[String], counts: &mut BTreeMap<String, Counts>) {
    let gold = chunks(&doc.tags, &doc.sentence_starts);
    let pred = chunks(predicted, &doc.sentence_starts);
    for chunk in &gold {
        counts.entry(chunk.2.clone()).or_default().gold += 1;
    }
    for chunk in &pred {
        let c = counts.entry(chunk.2.clone()).or_default();
        c.predicted += 1;
        if gold.contains(chunk) {
            c.tp += 1;
        }
    }
}

/// Runs the model over every document (the same `Ner::recognise` path as
/// `extract`) and scores strict spans per type and overall.
pub fn evaluate(ner: &Ner, docs: &[ConllDoc]) -> Result<Table, NerError> {
    let mut counts = BTreeMap::new();
    for kind in ner.model.labels.entity_types() {
        counts.insert(kind, Counts::default());
    }
    for batch in docs.chunks(64) {
        let texts: Vec<&str> = batch.iter().map(|d| d.text.as_str()).collect();
        let (mentions, _) = ner.recognise(&texts)?;
        for (doc, mentions) in batch.iter().zip(mentions) {
            let spans: Vec<(Span, String)> = mentions
                .into_iter()
                .map(|m| (m.span, m.label.to_string()))
                .collect();
            let predicted = tags_from_mentions(doc, &spans);
            count(doc, &predicted, &mut counts);
        }
    }
    Ok(Table::from_counts(&counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\nGerman JJ I-NP I-MISC\ncall NN I-NP O\n\nPeter NNP I-NP I-PER\nBlackburn NNP I-NP I-PER\nJohn NNP I-NP B-PER\n\n-DOCSTART- -X- -X- O\n\nin IN I-PP O\nLondon NNP I-NP I-LOC\n";

    fn strings(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parse_rebuilds_text_and_spans() {
        let docs = parse(SAMPLE).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].text, "EU rejects German call\nPeter Blackburn John");
        assert_eq!(docs[0].sentence_starts, vec![0, 4]);
        assert_eq!(docs[0].words[5], Span::new(29, 38));
        assert_eq!(docs[1].text, "in London");
    }

    #[test]
    fn iob1_and_iob2_gold_give_the_same_chunks() {
        let iob1 = strings(&["I-ORG", "O", "I-MISC", "O", "I-PER", "I-PER", "B-PER"]);
        let iob2 = strings(&["B-ORG", "O", "B-MISC", "O", "B-PER", "I-PER", "B-PER"]);
        let expected: BTreeSet<_> = [
            (0, 1, "ORG".to_string()),
            (2, 3, "MISC".to_string()),
            (4, 6, "PER".to_string()),
            (6, 7, "PER".to_string()),
        ]
        .into_iter()
        .collect();
        assert_eq!(chunks(&iob1, &[0, 4]), expected);
        assert_eq!(chunks(&iob2, &[0, 4]), expected);
    }

    #[test]
    fn chunks_do_not_cross_sentences() {
        let tags = strings(&["I-PER", "I-PER"]);
        assert_eq!(chunks(&tags, &[0, 1]).len(), 2);
    }

    #[test]
    fn strict_matching_counts_partial_spans_as_errors() {
        let docs = parse(SAMPLE).unwrap();
        let doc = &docs[0];
        // "Peter" alone is wrong, "Blackburn John" merged is wrong, EU right.
        let pred = tags_from_mentions(
            doc,
            &[
                (doc.words[0], "ORG".into()),
                (doc.words[4], "PER".into()),
                (
                    Span::new(doc.words[5].start, doc.words[6].end),
                    "PER".into(),
                ),
            ],
        );
        let mut counts = BTreeMap::new();
        count(doc, &pred, &mut counts);
        let table = Table::from_counts(&counts);
        assert_eq!(
            counts["ORG"],
            Counts {
                tp: 1,
                predicted: 1,
                gold: 1
            }
        );
        assert_eq!(
            counts["PER"],
            Counts {
                tp: 0,
                predicted: 2,
                gold: 2
            }
        );
        assert_eq!(
            counts["MISC"],
            Counts {
                tp: 0,
                predicted: 0,
                gold: 1
            }
        );
        let overall = table.overall.unwrap();
        assert!((overall.precision - 1.0 / 3.0).abs() < 1e-3);
        assert!((overall.recall - 0.25).abs() < 1e-3);
    }
}

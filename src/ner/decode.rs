//! Label decoding: label sets (IOB1, IOB2, BIOES), subword aggregation, entity spans.

use serde::Serialize;

use super::Label;
use crate::text::Span;

/// How the labels of a word's subword tokens become one label for the word,
/// as the Hugging Face pipeline's `aggregation_strategy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregation {
    /// The first subword's label.
    #[default]
    First,
    /// Probabilities averaged over the word's subwords.
    Average,
    /// The subword with the most confident label.
    Max,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prefix {
    Outside,
    Begin,
    Inside,
    End,
    Single,
}

/// Why a label of config.json's `id2label` is not one a label set takes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelSetError {
    #[error("label {0:?} is neither O nor PREFIX-TYPE")]
    NoPrefix(String),
    #[error("label {label:?} has an unknown prefix {prefix:?}")]
    UnknownPrefix { label: String, prefix: String },
}

/// A model's label set, parsed from config.json's `id2label`.
#[derive(Clone, Debug)]
pub struct LabelSet {
    prefixes: Vec<Prefix>,
    kinds: Vec<Label>,
    bioes: bool,
}

impl LabelSet {
    /// Parses labels such as `O`, `B-PER`, `I-ORG`, `E-LOC`, `S-MISC` (also `L-`/`U-`).
    pub fn parse(labels: &[String]) -> Result<Self, LabelSetError> {
        let mut prefixes = Vec::with_capacity(labels.len());
        let mut kinds = Vec::with_capacity(labels.len());
        for label in labels {
            if label == "O" {
                prefixes.push(Prefix::Outside);
                kinds.push(Label::Other(String::new()));
                continue;
            }
            let (prefix, kind) = label
                .split_once(['-', '_'])
                .ok_or_else(|| LabelSetError::NoPrefix(label.clone()))?;
            let prefix = match prefix {
                "B" => Prefix::Begin,
                "I" => Prefix::Inside,
                "E" | "L" => Prefix::End,
                "S" | "U" => Prefix::Single,
                _ => {
                    return Err(LabelSetError::UnknownPrefix {
                        label: label.clone(),
                        prefix: prefix.to_string(),
                    })
                }
            };
            prefixes.push(prefix);
            kinds.push(Label::from(kind));
        }
        let bioes = prefixes
            .iter()
            .any(|p| matches!(p, Prefix::End | Prefix::Single));
        Ok(Self {
            prefixes,
            kinds,
            bioes,
        })
    }

    pub fn len(&self) -> usize {
        self.prefixes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }

    /// "BIOES" or "IOB" (IOB1 and IOB2 decode alike, with conlleval's rules).
    pub fn scheme(&self) -> &'static str {
        if self.bioes {
            "BIOES"
        } else {
            "IOB"
        }
    }

    /// Entity types, sorted.
    pub fn entity_types(&self) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .kinds
            .iter()
            .filter(|k| !k.as_str().is_empty())
            .map(Label::to_string)
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }
}

/// One token of a document: its byte span and whether it starts a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenSpan {
    pub span: Span,
    pub word_start: bool,
}

/// A decoded entity: byte span into the document, type and confidence.
#[derive(Clone, Debug, PartialEq)]
pub struct RawMention {
    pub span: Span,
    pub label: Label,
    pub score: f32,
}

/// Decodes per-token label probabilities (`probs[t * labels + l]`) of one
/// document into entity mentions.
pub fn decode(
    text: &str,
    tokens: &[TokenSpan],
    probs: &[f32],
    labels: &LabelSet,
    aggregation: Aggregation,
) -> Vec<RawMention> {
    let n = labels.len();
    debug_assert_eq!(probs.len(), tokens.len() * n);
    let mut words: Vec<(Span, usize, f32)> = Vec::new();
    let mut t = 0;
    while t < tokens.len() {
        let mut end = t + 1;
        while end < tokens.len() && !tokens[end].word_start {
            end += 1;
        }
        let (label, score) = word_label(&probs[t * n..end * n], n, aggregation);
        words.push((
            Span::new(tokens[t].span.start, tokens[end - 1].span.end),
            label,
            score,
        ));
        t = end;
    }
    let mut out = Vec::new();
    let mut current: Option<(usize, usize, f32, usize)> = None; // first word, last word, score sum, kind label
    let flush = |current: &mut Option<(usize, usize, f32, usize)>, out: &mut Vec<RawMention>| {
        if let Some((first, last, sum, label)) = current.take() {
            if let Some(span) = trim_span(text, words[first].0, words[last].0) {
                out.push(RawMention {
                    span,
                    label: labels.kinds[label].clone(),
                    score: sum / (last - first + 1) as f32,
                });
            }
        }
    };
    for (i, &(_, label, score)) in words.iter().enumerate() {
        let prefix = labels.prefixes[label];
        // A blank line ends any entity: a headline's last word and the body's
        // first are two names, not one ("ZHAO\n\nChina").
        let same_kind = current.as_ref().is_some_and(|c| {
            labels.kinds[c.3] == labels.kinds[label]
                && !paragraph_break(&text[words[c.1].0.end..words[i].0.start])
        });
        match prefix {
            Prefix::Outside => flush(&mut current, &mut out),
            Prefix::Begin | Prefix::Single => {
                flush(&mut current, &mut out);
                current = Some((i, i, score, label));
                if prefix == Prefix::Single {
                    flush(&mut current, &mut out);
                }
            }
            Prefix::Inside | Prefix::End => {
                if same_kind {
                    let c = current.as_mut().expect("same_kind implies an open entity");
                    c.1 = i;
                    c.2 += score;
                } else {
                    flush(&mut current, &mut out);
                    current = Some((i, i, score, label));
                }
                if prefix == Prefix::End && labels.bioes {
                    flush(&mut current, &mut out);
                }
            }
        }
    }
    flush(&mut current, &mut out);
    out
}

/// Whether the text between two words holds a blank line.
fn paragraph_break(between: &str) -> bool {
    between
        .split('\n')
        .skip(1)
        .take(between.matches('\n').count().saturating_sub(1))
        .any(|line| line.trim().is_empty())
}

fn word_label(probs: &[f32], n: usize, aggregation: Aggregation) -> (usize, f32) {
    match aggregation {
        Aggregation::First => argmax(&probs[..n]),
        Aggregation::Average => {
            let tokens = probs.len() / n;
            let mean: Vec<f32> = (0..n)
                .map(|l| (0..tokens).map(|t| probs[t * n + l]).sum::<f32>() / tokens as f32)
                .collect();
            argmax(&mean)
        }
        Aggregation::Max => probs
            .chunks_exact(n)
            .map(argmax)
            .fold(
                (0, f32::MIN),
                |best, cur| if cur.1 > best.1 { cur } else { best },
            ),
    }
}

fn argmax(row: &[f32]) -> (usize, f32) {
    row.iter().copied().enumerate().fold(
        (0, f32::MIN),
        |best, (i, p)| if p > best.1 { (i, p) } else { best },
    )
}

/// Words are whitespace-delimited, so a mention's first and last words can
/// carry punctuation and a possessive that the model labels with the word
/// ("LCBO),", "Russia's"). Only such glued characters are trimmed: a word
/// that is all punctuation ("Lord 's", "Proleter ( Z )") stays whole.
fn trim_span(text: &str, first_word: Span, last_word: Span) -> Option<Span> {
    const LEADING: &[char] = &[
        '"', '\'', '(', '[', '{', '“', '‘', '«', '‹', '<', '-', '—', '–', '*', '#', '@',
    ];
    const TRAILING: &[char] = &[
        '"', '\'', ')', ']', '}', '”', '’', '»', '›', '>', ',', ';', ':', '!', '?', '-', '—', '–',
        '*',
    ];
    let first = &text[first_word.start..first_word.end];
    let lead = first.len() - first.trim_start_matches(LEADING).len();
    let start = if lead < first.len() {
        first_word.start + lead
    } else {
        first_word.start
    };
    let last_start = last_word.start.max(start);
    let whole = &text[last_start..last_word.end];
    let mut last = whole;
    loop {
        let before = last.len();
        last = last.trim_end_matches(TRAILING);
        for possessive in ["'s", "’s", "'S", "’S"] {
            if let Some(stripped) = last.strip_suffix(possessive) {
                last = stripped;
            }
        }
        if last.ends_with('.') && !last[..last.len() - 1].contains('.') {
            last = &last[..last.len() - 1];
        }
        if last.len() == before {
            break;
        }
    }
    if last.is_empty() {
        last = whole;
    }
    let end = last_start + last.len();
    text[start..end]
        .chars()
        .any(char::is_alphanumeric)
        .then(|| Span::new(start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(names: &[&str]) -> LabelSet {
        LabelSet::parse(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    /// Tokens at whitespace-separated words of `text`; `pieces` splits words into subwords.
    fn tokens(text: &str, pieces: &[&str]) -> Vec<TokenSpan> {
        let mut out = Vec::new();
        let mut pos = 0;
        let mut prev_end = 0;
        for piece in pieces {
            let start = pos + text[pos..].find(piece).unwrap();
            let word_start = out.is_empty() || text[prev_end..start].contains(char::is_whitespace);
            out.push(TokenSpan {
                span: Span::new(start, start + piece.len()),
                word_start,
            });
            pos = start + piece.len();
            prev_end = pos;
        }
        out
    }

    fn one_hot(ids: &[usize], n: usize) -> Vec<f32> {
        ids.iter()
            .flat_map(|&i| (0..n).map(move |l| if l == i { 0.9 } else { 0.1 / (n - 1) as f32 }))
            .collect()
    }

    fn texts(text: &str, mentions: &[RawMention]) -> Vec<(String, String)> {
        mentions
            .iter()
            .map(|m| {
                (
                    text[m.span.start..m.span.end].to_string(),
                    m.label.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn iob2_spans_and_first_subword() {
        let set = labels(&["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]);
        let text = "Vladimir Putin visited New York.";
        let toks = tokens(
            text,
            &["Vlad", "imir", "Putin", "visited", "New", "York", "."],
        );
        // "imir" says O, but aggregation "first" follows "Vlad".
        let probs = one_hot(&[1, 0, 2, 0, 3, 4, 4], 5);
        let m = decode(text, &toks, &probs, &set, Aggregation::First);
        assert_eq!(
            texts(text, &m),
            vec![
                ("Vladimir Putin".into(), "PER".into()),
                ("New York".into(), "LOC".into())
            ]
        );
        assert_eq!(m[0].span, Span::new(0, 14));
    }

    #[test]
    fn iob1_inside_after_outside_starts_an_entity_and_b_splits() {
        let set = labels(&["O", "I-PER", "B-PER", "I-LOC"]);
        let text = "met Biden Putin in Kyiv";
        let toks = tokens(text, &["met", "Biden", "Putin", "in", "Kyiv"]);
        let probs = one_hot(&[0, 1, 2, 0, 3], 4);
        let m = decode(text, &toks, &probs, &set, Aggregation::First);
        assert_eq!(
            texts(text, &m),
            vec![
                ("Biden".into(), "PER".into()),
                ("Putin".into(), "PER".into()),
                ("Kyiv".into(), "LOC".into())
            ]
        );
    }

    #[test]
    fn bioes_spans() {
        let set = labels(&["O", "B-ORG", "I-ORG", "E-ORG", "S-LOC"]);
        let text = "the European Central Bank in Frankfurt";
        let toks = tokens(
            text,
            &["the", "European", "Central", "Bank", "in", "Frankfurt"],
        );
        let probs = one_hot(&[0, 1, 2, 3, 0, 4], 5);
        let m = decode(text, &toks, &probs, &set, Aggregation::First);
        assert_eq!(
            texts(text, &m),
            vec![
                ("European Central Bank".into(), "ORG".into()),
                ("Frankfurt".into(), "LOC".into())
            ]
        );
        assert_eq!(set.scheme(), "BIOES");
    }

    #[test]
    fn average_and_max_aggregation() {
        let set = labels(&["O", "B-PER"]);
        let text = "Zelenskyy";
        let toks = tokens(text, &["Zel", "ens", "kyy"]);
        // First subword says O weakly, the others say PER.
        let probs = vec![0.6, 0.4, 0.1, 0.9, 0.2, 0.8];
        assert!(decode(text, &toks, &probs, &set, Aggregation::First).is_empty());
        let avg = decode(text, &toks, &probs, &set, Aggregation::Average);
        assert_eq!(avg.len(), 1);
        assert!((avg[0].score - 0.7).abs() < 1e-5);
        let max = decode(text, &toks, &probs, &set, Aggregation::Max);
        assert!((max[0].score - 0.9).abs() < 1e-5);
    }

    #[test]
    fn punctuation_and_possessives_are_trimmed() {
        let set = labels(&["O", "B-LOC", "B-ORG", "I-ORG"]);
        let text = "“Russia’s” forces, (LCBO), U.S. Inc.";
        let toks = tokens(text, &["“Russia’s”", "forces,", "(LCBO),", "U.S.", "Inc."]);
        let probs = one_hot(&[1, 0, 2, 1, 2], 4);
        let m = decode(text, &toks, &probs, &set, Aggregation::First);
        assert_eq!(
            texts(text, &m),
            vec![
                ("Russia".into(), "LOC".into()),
                ("LCBO".into(), "ORG".into()),
                ("U.S.".into(), "LOC".into()),
                ("Inc".into(), "ORG".into())
            ]
        );
    }

    #[test]
    fn whole_punctuation_words_are_kept() {
        let set = labels(&["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]);
        let text = "at Lord 's and Proleter ( Z )";
        let toks = tokens(
            text,
            &["at", "Lord", "'", "s", "and", "Proleter", "(", "Z", ")"],
        );
        let probs = one_hot(&[0, 1, 2, 2, 0, 3, 4, 4, 4], 5);
        let m = decode(text, &toks, &probs, &set, Aggregation::First);
        assert_eq!(
            texts(text, &m),
            vec![
                ("Lord 's".into(), "LOC".into()),
                ("Proleter ( Z )".into(), "ORG".into())
            ]
        );
    }

    #[test]
    fn a_blank_line_ends_an_entity() {
        assert!(paragraph_break("\n\n"));
        assert!(paragraph_break(" \r\n \r\n"));
        assert!(!paragraph_break("\n"));
        assert!(!paragraph_break(" "));
        let text = "REFORMS: ZHAO\n\nChina must";
        let toks = tokens(text, &["REFORMS", ":", "ZHAO", "China", "must"]);
        let set = labels(&["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]);
        let probs = one_hot(&[0, 0, 1, 2, 0], 5);
        let found = texts(text, &decode(text, &toks, &probs, &set, Aggregation::First));
        assert_eq!(
            found,
            vec![
                ("ZHAO".to_string(), "PER".to_string()),
                ("China".to_string(), "PER".to_string())
            ]
        );
    }

    #[test]
    fn unknown_prefix_is_an_error() {
        let err = LabelSet::parse(&["O".into(), "X-PER".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("X-PER"));
    }
}

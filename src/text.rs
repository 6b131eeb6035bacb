//! Sentence boundaries and model-sized chunks of a document, with byte spans.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A byte range into a document's text.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start, end }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

fn abbreviations() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("../data/abbreviations.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Sentence spans of `text`, whitespace trimmed. Line breaks (LF, CRLF, CR)
/// always end a sentence; inside a line a sentence ends at `.`, `!` or `?`
/// (and closing quotes) before whitespace and a capital, digit or opening
/// quote, unless the period ends an abbreviation or an initial.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' || c == '\r' {
            split_line(text, line_start, i, &mut out);
            line_start = i + 1;
        }
    }
    split_line(text, line_start, text.len(), &mut out);
    out
}

fn split_line(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let line = &text[start..end];
    let mut sentence_start = 0;
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            // Closing quotes and brackets belong to the sentence they close.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | ']') {
                j += 1;
            }
            let boundary = chars.get(j).map_or(line.len(), |&(p, _)| p);
            let next_word = chars[j..]
                .iter()
                .skip_while(|(_, ch)| ch.is_whitespace())
                .map(|&(_, ch)| ch)
                .next();
            let spaced = chars.get(j).is_some_and(|&(_, ch)| ch.is_whitespace());
            let starts_sentence = next_word.is_some_and(|ch| {
                ch.is_uppercase() || ch.is_numeric() || matches!(ch, '"' | '“' | '‘' | '\'' | '(')
            });
            if spaced && starts_sentence && !(c == '.' && ends_abbreviation(&line[..pos])) {
                push_trimmed(text, start + sentence_start, start + boundary, out);
                sentence_start = boundary;
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
        let _ = pos;
    }
    push_trimmed(text, start + sentence_start, end, out);
}

/// Whether the word before a period is an abbreviation, an initial ("J."),
/// or a dotted abbreviation ("U.S", "U.N").
fn ends_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '“'))
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    let mut chars = word.chars();
    let single_initial = chars.next().is_some_and(char::is_uppercase) && chars.next().is_none();
    single_initial || word.contains('.') || abbreviations().contains(word)
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let piece = &text[start..end];
    let trimmed_start = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        let s = start + trimmed_start;
        out.push(Span::new(s, s + trimmed.len()));
    }
}

/// A run of tokens that fits the model window. `owned` is the part of
/// `tokens` whose predictions this chunk supplies; the rest is context that
/// a neighbouring chunk owns (only sentences longer than the window overlap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkPlan {
    pub tokens: Range<usize>,
    pub owned: Range<usize>,
}

/// Packs whole sentences (given as ranges of a document's token indices)
/// greedily into chunks of at most `budget` tokens. A sentence longer than
/// `budget` is cut into windows that overlap by `overlap` tokens, each window
/// owning the middle of its overlaps, so every token is owned exactly once.
pub fn pack(sentences: &[Range<usize>], budget: usize, overlap: usize) -> Vec<ChunkPlan> {
    assert!(
        budget > 0 && overlap < budget,
        "chunk budget must exceed the overlap"
    );
    let mut out = Vec::new();
    let mut current: Option<Range<usize>> = None;
    for sentence in sentences.iter().filter(|s| !s.is_empty()) {
        if sentence.len() > budget {
            if let Some(c) = current.take() {
                out.push(ChunkPlan {
                    tokens: c.clone(),
                    owned: c,
                });
            }
            split_long(sentence.clone(), budget, overlap, &mut out);
            continue;
        }
        match current.as_mut() {
            Some(c) if sentence.end - c.start <= budget && c.end == sentence.start => {
                c.end = sentence.end
            }
            Some(_) => {
                let c = current.replace(sentence.clone()).expect("checked above");
                out.push(ChunkPlan {
                    tokens: c.clone(),
                    owned: c,
                });
            }
            None => current = Some(sentence.clone()),
        }
    }
    if let Some(c) = current {
        out.push(ChunkPlan {
            tokens: c.clone(),
            owned: c,
        });
    }
    out
}

fn split_long(sentence: Range<usize>, budget: usize, overlap: usize, out: &mut Vec<ChunkPlan>) {
    let step = budget - overlap;
    let mut start = sentence.start;
    loop {
        let end = (start + budget).min(sentence.end);
        let owned_start = if start == sentence.start {
            start
        } else {
            start + overlap / 2
        };
        let owned_end = if end == sentence.end {
            end
        } else {
            end - (overlap - overlap / 2)
        };
        out.push(ChunkPlan {
            tokens: start..end,
            owned: owned_start..owned_end,
        });
        if end == sentence.end {
            break;
        }
        start += step;
    }
}

/// Converts sorted byte offsets of `text` to character offsets in one pass.
pub struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharOffsets<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// Character offset of byte offset `at`; cheapest when called with
    /// non-decreasing offsets, correct in any order.
    pub fn get(&mut self, at: usize) -> usize {
        if at < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..at].chars().count();
        self.byte = at;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, spans: &[Span]) -> Vec<&'a str> {
        spans.iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn sentences_split_on_punctuation_and_lines() {
        let text = "Putin met Mr. Biden. The U.S. said no! \"Really?\" he asked.\r\nNew line here\nJ. R. Smith left.";
        assert_eq!(
            texts(text, &sentences(text)),
            vec![
                "Putin met Mr. Biden.",
                "The U.S. said no!",
                "\"Really?\" he asked.",
                "New line here",
                "J. R. Smith left."
            ]
        );
    }

    #[test]
    fn sentences_keep_byte_spans_with_non_ascii_and_curly_quotes() {
        let text = "  Zelenskyy said “137 people” died. Łukasz Kowalski agreed.  ";
        let spans = sentences(text);
        assert_eq!(
            texts(text, &spans),
            vec![
                "Zelenskyy said “137 people” died.",
                "Łukasz Kowalski agreed."
            ]
        );
        assert_eq!(spans[0].start, 2);
    }

    #[test]
    fn empty_and_blank_text_has_no_sentences() {
        assert!(sentences("").is_empty());
        assert!(sentences(" \r\n\n\t ").is_empty());
    }

    #[test]
    fn pack_fills_chunks_with_whole_sentences() {
        let plan = pack(&[0..3, 3..8, 8..10, 10..12], 8, 2);
        assert_eq!(
            plan,
            vec![
                ChunkPlan {
                    tokens: 0..8,
                    owned: 0..8
                },
                ChunkPlan {
                    tokens: 8..12,
                    owned: 8..12
                },
            ]
        );
    }

    #[test]
    fn long_sentences_overlap_and_every_token_is_owned_once() {
        let plan = pack(&[0..2, 2..25, 25..27], 10, 4);
        let mut owned = vec![0; 27];
        for chunk in &plan {
            assert!(chunk.tokens.len() <= 10);
            assert!(chunk.tokens.start <= chunk.owned.start && chunk.owned.end <= chunk.tokens.end);
            for t in chunk.owned.clone() {
                owned[t] += 1;
            }
        }
        assert!(owned.iter().all(|&n| n == 1), "{owned:?}");
        assert_eq!(plan[0].tokens, 0..2);
        assert_eq!(plan[1].tokens, 2..12);
        assert_eq!(plan[2].tokens, 8..18);
    }

    #[test]
    fn char_offsets_count_characters_not_bytes() {
        let text = "Łódź – “Kyiv”";
        let mut conv = CharOffsets::new(text);
        let kyiv = text.find("Kyiv").unwrap();
        assert_eq!(conv.get(0), 0);
        assert_eq!(conv.get(kyiv), 8);
        assert_eq!(conv.get(text.len()), 13);
        assert_eq!(conv.get(2), 1);
    }
}

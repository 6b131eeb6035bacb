//! Word tokens of a document, with byte spans, lowercase forms and the entity each belongs to.

use std::ops::Range;

use crate::resolve::Resolved;
use crate::text::{sentences, Span};

/// One word, number or punctuation mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    /// Lowercase, with curly apostrophes made straight.
    pub lower: String,
    /// Starts with an uppercase letter.
    pub capitalised: bool,
    /// Starts with a letter or digit (not punctuation).
    pub word: bool,
}

/// Splits `text` into tokens: words (with inner `.`, `-`, `'`, `&`: "U.S", "Russia-Ukraine"),
/// numbers (with inner `,`, `.`, `:`: "50,000", "1.5", "12:32"), the possessive "'s" and
/// "n't" as tokens of their own, and every other non-space character alone.
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let end_of = |i: usize| chars.get(i).map_or(text.len(), |&(p, _)| p);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            push(text, start, end_of(i + 1), &mut out);
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let ch = chars[j].1;
            let next_alnum = chars.get(j + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
            let next_digit = chars.get(j + 1).is_some_and(|&(_, n)| n.is_ascii_digit());
            let prev_digit = chars[j - 1].1.is_ascii_digit();
            if ch.is_alphanumeric()
                || (matches!(ch, '.' | '-' | '\'' | '’' | '&') && next_alnum)
                || (matches!(ch, ',' | ':') && prev_digit && next_digit)
            {
                j += 1;
            } else {
                break;
            }
        }
        let word_end = end_of(j);
        let word = &text[start..word_end];
        let split = split_clitic(word);
        if split < word.len() {
            push(text, start, start + split, &mut out);
            push(text, start + split, word_end, &mut out);
        } else {
            push(text, start, word_end, &mut out);
        }
        i = j;
    }
    out
}

/// Where a clitic ("'s", "n't", "'ll", ...) starts in `word`, or its length.
fn split_clitic(word: &str) -> usize {
    let lower = word.to_lowercase().replace('’', "'");
    for clitic in ["'s", "n't", "'ll", "'re", "'ve"] {
        if lower.len() > clitic.len() + 1 && lower.ends_with(clitic) {
            // Byte offsets agree: only ASCII apostrophes differ in width.
            let from_end: usize = word
                .chars()
                .rev()
                .take(clitic.chars().count())
                .map(char::len_utf8)
                .sum();
            return word.len() - from_end;
        }
    }
    word.len()
}

fn push(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    let raw = &text[start..end];
    let first = raw.chars().next().unwrap_or(' ');
    out.push(Token {
        span: Span::new(start, end),
        lower: raw.to_lowercase().replace('’', "'"),
        capitalised: first.is_uppercase(),
        word: first.is_alphanumeric(),
    });
}

/// The lowercase token forms of a lexicon entry or pattern literal, tokenised as
/// documents are ("gen." is "gen" and "."), except that a piece starting with an
/// apostrophe stays whole ("'s", "'ll").
pub fn words_of(phrase: &str) -> Vec<String> {
    phrase
        .split_whitespace()
        .flat_map(|piece| {
            if piece.starts_with(['\'', '’']) && piece.chars().count() > 1 {
                vec![piece.to_lowercase().replace('’', "'")]
            } else {
                tokenize(piece).into_iter().map(|t| t.lower).collect()
            }
        })
        .collect()
}

/// An entity mention as a run of tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentionTokens {
    pub entity: usize,
    pub tokens: Range<usize>,
}

/// A document prepared for matching.
#[derive(Clone, Debug)]
pub struct Doc<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
    /// Per token, the mention (index into `mentions`) it belongs to.
    pub mention_at: Vec<Option<usize>>,
    pub mentions: Vec<MentionTokens>,
    /// Sentences as token ranges.
    pub sentences: Vec<Range<usize>>,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, resolved: &Resolved) -> Self {
        let tokens = tokenize(text);
        let mut spans: Vec<(Span, usize)> = resolved
            .entities
            .iter()
            .enumerate()
            .flat_map(|(e, entity)| entity.mentions.iter().map(move |&s| (s, e)))
            .collect();
        spans.sort();
        let sentence_spans = sentences(text);
        // A name never crosses a sentence boundary; a mention that does is a tagging slip.
        let within_sentence = |s: Span| {
            let i = sentence_spans.partition_point(|x| x.end <= s.start);
            sentence_spans.get(i).is_some_and(|x| x.contains(s))
        };
        let mut mention_at = vec![None; tokens.len()];
        let mut mentions = Vec::new();
        for (span, entity) in spans {
            if !within_sentence(span) {
                continue;
            }
            let first = tokens.partition_point(|t| t.span.end <= span.start);
            let mut last = first;
            while last < tokens.len() && tokens[last].span.start < span.end {
                last += 1;
            }
            if first == last || mention_at[first..last].iter().any(Option::is_some) {
                continue; // empty, or overlapping a mention already placed
            }
            for slot in &mut mention_at[first..last] {
                *slot = Some(mentions.len());
            }
            mentions.push(MentionTokens {
                entity,
                tokens: first..last,
            });
        }
        let sentences = sentence_spans
            .into_iter()
            .map(|s| {
                let a = tokens.partition_point(|t| t.span.end <= s.start);
                let b = tokens.partition_point(|t| t.span.start < s.end);
                a..b
            })
            .filter(|r| !r.is_empty())
            .collect();
        Self {
            text,
            tokens,
            mention_at,
            mentions,
            sentences,
        }
    }

    /// The mention that starts at token `i`.
    pub fn mention_starting(&self, i: usize) -> Option<&MentionTokens> {
        let m = &self.mentions[(*self.mention_at.get(i)?)?];
        (m.tokens.start == i).then_some(m)
    }

    /// Byte span of tokens `range` (non-empty).
    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(
            self.tokens[range.start].span.start,
            self.tokens[range.end - 1].span.end,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowers(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.lower).collect()
    }

    #[test]
    fn words_numbers_clitics_and_punctuation() {
        assert_eq!(
            lowers("The U.S. froze Russia’s $600m; 50,000 fled at 12:32 p.m. Don't."),
            vec![
                "the", "u.s", ".", "froze", "russia", "'s", "$", "600m", ";", "50,000", "fled",
                "at", "12:32", "p.m", ".", "do", "n't", "."
            ]
        );
        assert_eq!(
            lowers("“Thousands,” she said"),
            vec!["“", "thousands", ",", "”", "she", "said"]
        );
        assert_eq!(
            lowers("1.5 million, 70%"),
            vec!["1.5", "million", ",", "70", "%"]
        );
    }

    #[test]
    fn mentions_across_sentences_are_ignored() {
        use crate::resolve::{Entity, EntityType};
        let text = "Sanction Putin\nWASHINGTON said. Biden agreed.";
        let entity = |id: &str, spans: Vec<Span>| Entity {
            id: id.into(),
            name: id.into(),
            kind: EntityType::Person,
            aliases: Default::default(),
            mentions: spans,
            country: None,
        };
        let resolved = Resolved {
            entities: vec![
                entity("putin", vec![Span::new(9, 25)]),
                entity("biden", vec![Span::new(32, 37)]),
            ],
            mention_entity: vec![],
        };
        let doc = Doc::new(text, &resolved);
        assert_eq!(doc.mentions.len(), 1);
        assert_eq!(doc.mentions[0].entity, 1);
        assert_eq!(doc.sentences.len(), 3);
    }

    #[test]
    fn spans_are_byte_spans() {
        let text = "Łódź – Kyiv’s";
        let toks = tokenize(text);
        let texts: Vec<&str> = toks
            .iter()
            .map(|t| &text[t.span.start..t.span.end])
            .collect();
        assert_eq!(texts, vec!["Łódź", "–", "Kyiv", "’s"]);
        assert!(toks[0].capitalised && toks[0].word && !toks[1].word);
    }
}

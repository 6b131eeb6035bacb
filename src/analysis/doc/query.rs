//! Lookups on an analysed [`Doc`]: the tokens of a byte span, a token's neighbours within its sentence.

use std::ops::Range;

use super::{Doc, Token};
use crate::text::Span;

impl Token {
    /// Starts with a letter or digit: a word or number, not punctuation or a clitic ("'s").
    pub fn is_word(&self) -> bool {
        self.text.starts_with(char::is_alphanumeric)
    }

    /// Starts with an upper-case letter.
    pub fn is_capitalised(&self) -> bool {
        self.text.starts_with(char::is_uppercase)
    }
}

impl Doc {
    /// The tokens that overlap `span`, in order; an empty range where none does.
    pub fn tokens_in(&self, span: Span) -> Range<usize> {
        let first = self.tokens.partition_point(|t| t.span.end <= span.start);
        let last = self.tokens.partition_point(|t| t.span.start < span.end);
        first..last.max(first)
    }

    /// The byte span from the first to the last token of a non-empty range.
    pub fn span_of(&self, tokens: Range<usize>) -> Span {
        Span::new(
            self.tokens[tokens.start].span.start,
            self.tokens[tokens.end - 1].span.end,
        )
    }

    /// The token right before token `i` in the same sentence.
    pub fn prev_in_sentence(&self, i: usize) -> Option<usize> {
        let prev = i.checked_sub(1)?;
        (self.tokens.get(prev)?.sentence == self.tokens.get(i)?.sentence).then_some(prev)
    }

    /// The token right after token `i` in the same sentence.
    pub fn next_in_sentence(&self, i: usize) -> Option<usize> {
        (self.tokens.get(i + 1)?.sentence == self.tokens.get(i)?.sentence).then_some(i + 1)
    }

    /// Whether tokens `i` and `i + 1` touch (no space between), like "Russia" and "'s".
    pub fn touching(&self, i: usize) -> bool {
        match (self.tokens.get(i), self.tokens.get(i + 1)) {
            (Some(a), Some(b)) => a.span.end == b.span.start,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::analyse;
    use crate::ner::Mention;
    use crate::text::Span;

    #[test]
    fn spans_map_to_tokens_and_neighbours_stay_in_the_sentence() {
        let text = "Russia's army left. Kyiv said so.";
        let start = text.find("army").unwrap();
        let mention = Mention {
            span: Span::new(0, 6),
            label: "LOC".into(),
            score: 1.0,
        };
        let doc = analyse(text, &[mention], None).unwrap();
        let army = doc.tokens_in(Span::new(start, start + 4));
        assert_eq!(army.len(), 1);
        assert_eq!(doc.tokens[army.start].text, "army");
        assert_eq!(doc.span_of(0..3), Span::new(0, start + 4));
        assert!(doc.touching(0) && !doc.touching(1));
        assert!(doc.tokens[0].is_word() && doc.tokens[0].is_capitalised());
        assert!(!doc.tokens[1].is_word());
        let dot = doc.tokens.iter().position(|t| t.text == ".").unwrap();
        assert_eq!(doc.next_in_sentence(dot), None);
        assert_eq!(doc.prev_in_sentence(dot + 1), None);
        assert_eq!(doc.prev_in_sentence(dot), Some(dot - 1));
        assert!(doc.tokens_in(Span::new(text.len(), text.len())).is_empty());
    }
}

//! What the parse scope (`--parse relevant`, decided in `relations::scope` from the loaded
//! rules) asks of a sentence before any parse: its length, and whether it holds a number
//! (digits, or a word of `data/analysis/numbers.txt`).

use std::collections::HashSet;
use std::sync::OnceLock;

use super::{Doc, Sentence, Token};
use crate::text;

fn number_words() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| text::word_list(include_str!("../../data/analysis/numbers.txt")))
}

/// Sentences longer than this (in tokens) are not parsed under `--parse relevant`: in news
/// archives they are mostly tables and lists run together, whose parse costs the most
/// (attention and arc scores grow with the square of the length) and holds no clause a
/// relation rule could read. `--parse all` parses them.
pub const MAX_RELEVANT_TOKENS: usize = 60;

/// Whether `sentence` holds a number: a token starting with a digit, or a number word
/// (on its lower-case form or its lemma).
pub fn has_number(doc: &Doc, sentence: &Sentence) -> bool {
    let listed = |t: &Token| {
        number_words().contains(t.lower.as_str()) || number_words().contains(t.lemma.as_str())
    };
    doc.tokens[sentence.tokens.clone()]
        .iter()
        .any(|t| t.text.starts_with(|c: char| c.is_ascii_digit()) || listed(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse;

    #[test]
    fn numbers_are_digits_or_number_words() {
        let text = "It rained.\n\nTwelve died.\n\n12 died.\n\nA dozen left.";
        let doc = analyse(text, &[], None).unwrap();
        let found: Vec<bool> = doc.sentences.iter().map(|s| has_number(&doc, s)).collect();
        assert_eq!(found, [false, true, true, true]);
    }
}

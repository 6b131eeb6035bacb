//! Which sentences can hold a relation: the default parse scope of `extract`
//! (`--parse relevant`), with its word lists in `data/analysis/` (`parse_triggers.txt`,
//! `parse_attribution.txt`, `numbers.txt`).

use std::collections::HashSet;
use std::sync::OnceLock;

use super::{Doc, Sentence, Token};
use crate::text;

fn triggers() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| text::word_list(include_str!("../../data/analysis/parse_triggers.txt")))
}

fn attribution() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| text::word_list(include_str!("../../data/analysis/parse_attribution.txt")))
}

fn number_words() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| text::word_list(include_str!("../../data/analysis/numbers.txt")))
}

fn listed(set: &HashSet<&str>, token: &Token) -> bool {
    set.contains(token.lower.as_str()) || set.contains(token.lemma.as_str())
}

/// Sentences longer than this (in tokens) are not parsed under `--parse relevant`: in news
/// archives they are mostly tables and lists run together, whose parse costs the most
/// (attention and arc scores grow with the square of the length) and holds no clause a
/// relation rule could read. `--parse all` parses them.
pub const MAX_RELEVANT_TOKENS: usize = 60;

/// Whether `sentence` can hold a relation, so is worth parsing: it names an entity, and it
/// holds a sanctions or meetings trigger word, or a word of attribution and a number
/// (words match on their lower-case form or their lemma); and it is at most
/// [`MAX_RELEVANT_TOKENS`] long.
pub fn can_hold_relation(doc: &Doc, sentence: &Sentence) -> bool {
    if sentence.tokens.len() > MAX_RELEVANT_TOKENS {
        return false;
    }
    let tokens = &doc.tokens[sentence.tokens.clone()];
    let number =
        |t: &Token| t.text.starts_with(|c: char| c.is_ascii_digit()) || listed(number_words(), t);
    tokens.iter().any(|t| t.mention.is_some())
        && (tokens.iter().any(|t| listed(triggers(), t))
            || (tokens.iter().any(|t| listed(attribution(), t)) && tokens.iter().any(number)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse;
    use crate::ner::Mention;
    use crate::text::Span;

    fn mention(text: &str, name: &str) -> Mention {
        let start = text.find(name).unwrap();
        Mention {
            span: Span::new(start, start + name.len()),
            label: "PER".into(),
            score: 1.0,
        }
    }

    #[test]
    fn a_sentence_needs_an_entity_and_a_trigger_word() {
        let text = "Scholz met Biden.\n\nIt rained all day.\n\nScholz rested.\n\n\
                    The talks went on.\n\nScholz said so.\n\nScholz said 12 died.";
        let mut mentions = vec![mention(text, "Biden")];
        for (at, _) in text.match_indices("Scholz") {
            mentions.push(Mention {
                span: Span::new(at, at + 6),
                label: "PER".into(),
                score: 1.0,
            });
        }
        let doc = analyse(text, &mentions, None).unwrap();
        let chosen: Vec<bool> = doc
            .sentences
            .iter()
            .map(|s| can_hold_relation(&doc, s))
            .collect();
        // entity + "met"; no entity; entity, no trigger; trigger, no entity;
        // attribution without a number; attribution with one.
        assert_eq!(chosen, [true, false, false, false, false, true]);
    }
}

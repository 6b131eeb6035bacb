//! Which sentences can hold a relation: the default parse scope of `extract`
//! (`--parse relevant`), with its trigger words in `data/analysis/parse_triggers.txt`.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::{Doc, Sentence};
use crate::text;

fn triggers() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| text::word_list(include_str!("../../data/analysis/parse_triggers.txt")))
}

/// Whether `sentence` names an entity and holds a trigger word (its lower-case form or its
/// lemma is listed): the sentences a relation rule can match, so the ones worth parsing.
pub fn can_hold_relation(doc: &Doc, sentence: &Sentence) -> bool {
    let tokens = &doc.tokens[sentence.tokens.clone()];
    tokens.iter().any(|t| t.mention.is_some())
        && tokens
            .iter()
            .any(|t| triggers().contains(t.lower.as_str()) || triggers().contains(t.lemma.as_str()))
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
        let text =
            "Scholz met Biden.\n\nIt rained all day.\n\nScholz rested.\n\nThe talks went on.";
        let mentions = [mention(text, "Scholz"), mention(text, "Biden")];
        let mut second = mentions.to_vec();
        second.push(Mention {
            span: Span::new(
                text.rfind("Scholz").unwrap(),
                text.rfind("Scholz").unwrap() + 6,
            ),
            label: "PER".into(),
            score: 1.0,
        });
        let doc = analyse(text, &second, None).unwrap();
        let chosen: Vec<bool> = doc
            .sentences
            .iter()
            .map(|s| can_hold_relation(&doc, s))
            .collect();
        // entity + "met"; no entity; entity, no trigger; trigger, no entity.
        assert_eq!(chosen, [true, false, false, false]);
    }
}

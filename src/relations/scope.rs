//! Which sentences are worth parsing (`--parse relevant`): those where a syntax rule of the loaded rules can fire, read from the rules themselves, not from a word list beside them.

use crate::analysis::relevant::{has_number, MAX_RELEVANT_TOKENS};
use crate::analysis::{lemma, Doc, Sentence, Token};

use super::rules::{RuleKind, RuleSet};
use super::syntax::{Constraint, Field, Value};

/// Whether `sentence` is worth parsing under `rules`: it names an entity (or describes one,
/// `settings.descriptions`: "the ministry said", or quotes a text of one,
/// `settings.statements`: "the statement said"), it is at most
/// [`MAX_RELEVANT_TOKENS`] long, and one of its tokens could be the trigger of a syntax
/// rule, with a number in the sentence when the rule's relation credits figures. Before the
/// parse only a trigger's words can be checked (its `lemma` and `lower` constraints; a
/// word's lemma is not known yet either, so its verb and noun lemmas both count); its part
/// of speech, dependents and case wait for the parse, which is what the scope is for.
pub fn worth_parsing(rules: &RuleSet, doc: &Doc, sentence: &Sentence) -> bool {
    if sentence.tokens.len() > MAX_RELEVANT_TOKENS {
        return false;
    }
    let tokens = &doc.tokens[sentence.tokens.clone()];
    // A description names one too: "the ministry said" (`settings.descriptions`), and so
    // does a published text its author: "the statement said" (`settings.statements`).
    let described = |t: &Token| {
        [rules.settings.descriptions, rules.settings.statements]
            .into_iter()
            .flatten()
            .any(|l| {
                let l = &rules.lexicons[l];
                l.contains_word(&t.lower) || l.contains_word(&lemma::lemma(&t.lower, "NOUN"))
            })
    };
    if !tokens.iter().any(|t| t.mention.is_some() || described(t)) {
        return false;
    }
    // A token's possible lemmas before the parse, found once for every rule.
    let lemmas: Vec<[String; 3]> = tokens
        .iter()
        .map(|t| {
            [
                t.lemma.clone(),
                lemma::lemma(&t.lower, "VERB"),
                lemma::lemma(&t.lower, "NOUN"),
            ]
        })
        .collect();
    let mut number: Option<bool> = None;
    for rule in &rules.rules {
        let RuleKind::Syntax(syntax) = &rule.kind else {
            continue;
        };
        let lexical: Vec<&Constraint> = syntax
            .trigger
            .constraints
            .iter()
            .filter(|c| matches!(c.field, Field::Lemma | Field::Lower))
            .collect();
        if !tokens
            .iter()
            .zip(&lemmas)
            .any(|(t, l)| could_be(rules, &lexical, t, l))
        {
            continue;
        }
        let figure = rules
            .relations
            .get(&rule.relation)
            .is_some_and(|r| r.figure);
        if !figure || *number.get_or_insert_with(|| has_number(doc, sentence)) {
            return true;
        }
    }
    false
}

/// Whether token `t` (with its possible `lemmas`) passes the word constraints `lexical`
/// of a trigger.
fn could_be(rules: &RuleSet, lexical: &[&Constraint], t: &Token, lemmas: &[String; 3]) -> bool {
    lexical.iter().all(|c| {
        let is = |word: &str| {
            c.values.iter().any(|v| match v {
                Value::Word(w) => w == word,
                Value::Lexicon(l) => rules.lexicons[*l].contains_word(word),
            })
        };
        let passes = match c.field {
            Field::Lemma => is(&t.lower) || lemmas.iter().any(|l| is(l)),
            _ => is(&t.lower),
        };
        passes != c.negated
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse;
    use crate::ner::Mention;
    use crate::text::Span;

    /// The built-in rules choose as the word lists did: an entity and a meeting or
    /// sanctions trigger, or an entity, a word of attribution and a number. A rules file
    /// with a new relation brings its own triggers: no list to keep beside it.
    #[test]
    fn the_scope_comes_from_the_rules_triggers() {
        let text = "Scholz met Biden.\n\nIt rained all day.\n\nScholz rested.\n\n\
                    The talks went on.\n\nScholz said so.\n\nScholz said 12 died.\n\n\
                    Scholz visited Biden.\n\nScholz discussed trade.";
        let mut mentions = Vec::new();
        for name in ["Scholz", "Biden"] {
            for (at, _) in text.match_indices(name) {
                mentions.push(Mention {
                    span: Span::new(at, at + name.len()),
                    label: "PER".into(),
                    score: 1.0,
                });
            }
        }
        mentions.sort_by_key(|m| m.span.start);
        let doc = analyse(text, &mentions, None).unwrap();
        let chosen = |rules: &RuleSet| -> Vec<bool> {
            doc.sentences
                .iter()
                .map(|s| worth_parsing(rules, &doc, s))
                .collect()
        };
        // entity + "met"; no entity; entity, no trigger; trigger, no entity; attribution
        // without a number; attribution with one; a verb no rule knows; "discussed" (a
        // word of a trigger's own list, inflected).
        assert_eq!(
            chosen(&RuleSet::builtin()),
            [true, false, false, false, false, true, false, true]
        );
        // A description names an organisation too: "The ministry said 12 died."
        let described = analyse("The ministry said 12 died.", &[], None).unwrap();
        assert!(worth_parsing(
            &RuleSet::builtin(),
            &described,
            &described.sentences[0]
        ));
        let visits = RuleSet::parse(
            "[relation.visits]\n\n[[rule]]\nid = \"v\"\nrelation = \"visits\"\nkind = \"syntax\"\n\
             trigger = \"{lemma:visit upos:VERB}\"\nsource = \">nsubj\"\ntarget = \">obj\"\n",
        )
        .unwrap();
        assert_eq!(
            chosen(&visits),
            [false, false, false, false, false, false, true, false]
        );
    }
}

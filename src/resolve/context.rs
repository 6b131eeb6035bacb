//! Rules that read the words around a mention: a capital used for its government
//! ("Moscow denied", "sanctions against Moscow"), an actor ("Eurovision banned"), a
//! descriptor that makes a name an organisation ("the airline Aeroflot").

use std::ops::Range;

use super::word_lists::{fold, WordLists};
use super::words::words_before;
use crate::analysis::Doc;

/// At most this many auxiliaries and adverbs between a subject and its verb.
const MAX_AUXILIARIES: usize = 4;

/// Whether the name on `tokens` is the subject of a verb of saying, deciding or acting:
/// "Moscow denied", "Washington will also impose", "Kyiv has been urging".
pub fn acts(doc: &Doc, tokens: Range<usize>, lex: &WordLists) -> bool {
    let mut at = tokens.end - 1;
    for _ in 0..=MAX_AUXILIARIES {
        let Some(next) = doc.next_in_sentence(at) else {
            return false;
        };
        let token = &doc.tokens[next];
        let folded = fold(&token.text);
        if lex.auxiliaries.contains(folded.as_ref()) {
            at = next;
            continue;
        }
        return token.text.starts_with(char::is_lowercase)
            && lex.government_verbs.contains(folded.as_ref());
    }
    false
}

/// Whether a capital on `tokens` stands for its government: it acts ([`acts`]), it owns a
/// government noun ("Moscow's decision"), or a preceding phrase makes it the government
/// ("sanctions against Moscow"). As a place ("blasts in Kyiv", "in Moscow") it does not.
pub fn capital_governs(doc: &Doc, tokens: Range<usize>, lex: &WordLists) -> bool {
    let last = tokens.end - 1;
    if let Some(clitic) = doc.next_in_sentence(last).filter(|_| doc.touching(last)) {
        if doc.tokens[clitic].lower == "'s" {
            return doc.next_in_sentence(clitic).is_some_and(|t| {
                lex.government_nouns
                    .contains(fold(&doc.tokens[t].text).as_ref())
            });
        }
    }
    if acts(doc, tokens.clone(), lex) {
        return true;
    }
    let before: Vec<String> = words_before(doc, tokens.start, 3)
        .into_iter()
        .map(|w| w.text)
        .collect();
    !before.is_empty() && lex.government_preceders.longest_suffix(&before).is_some()
}

/// Whether `tokens` are on a headline: a sentence without closing punctuation, where
/// common words are capitalised ("Allies weigh new measures").
pub fn in_headline(doc: &Doc, tokens: Range<usize>) -> bool {
    let sentence = &doc.sentences[doc.tokens[tokens.start].sentence];
    let last = &doc.tokens[sentence.tokens.end - 1];
    !last
        .text
        .ends_with(['.', '!', '?', '"', '”', '\'', '’', ':', ';', ')'])
}

/// Whether the word right before `tokens` is an organisation descriptor ("club", "airline").
pub fn described_as_organisation(doc: &Doc, tokens: Range<usize>, lex: &WordLists) -> bool {
    doc.prev_in_sentence(tokens.start)
        .is_some_and(|t| lex.organisation_descriptors.contains(&doc.tokens[t].text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse;

    fn at(doc: &Doc, word: &str) -> Range<usize> {
        let i = doc.tokens.iter().position(|t| t.text == word).unwrap();
        i..i + 1
    }

    fn nth(doc: &Doc, word: &str, n: usize) -> Range<usize> {
        let i = doc
            .tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.text == word)
            .nth(n)
            .unwrap()
            .0;
        i..i + 1
    }

    #[test]
    fn capitals_govern_when_they_act() {
        let lex = WordLists::builtin();
        for (text, capital) in [
            ("Washington plans sanctions on Putin.", "Washington"),
            ("Moscow denied the report.", "Moscow"),
            ("Kyiv proposed talks on Monday.", "Kyiv"),
            ("Moscow has repeatedly denied it.", "Moscow"),
            ("Moscow on Friday said no.", "Moscow"),
            ("Moscow's decision came late.", "Moscow"),
            ("The EU imposed sanctions against Moscow over it.", "Moscow"),
            ("Biden held talks with Kyiv.", "Kyiv"),
            ("Kyiv\nhas been urging talks.", "Kyiv"),
        ] {
            let doc = analyse(text, &[], None).unwrap();
            assert!(capital_governs(&doc, at(&doc, capital), &lex), "{text}");
        }
    }

    #[test]
    fn capitals_as_places_do_not_govern() {
        let lex = WordLists::builtin();
        for (text, capital) in [
            ("Blasts were heard in Kyiv on Friday.", "Kyiv"),
            ("He lives in Moscow.", "Moscow"),
            ("Kyiv was rocked by explosions.", "Kyiv"),
            ("The capital city, Kyiv, could soon fall.", "Kyiv"),
            ("Kyiv's mayor spoke.", "Kyiv"),
            ("Moscow State University opened.", "Moscow"),
            ("the Moscow-born star", "Moscow"),
            ("WASHINGTON — The Biden administration said", "WASHINGTON"),
        ] {
            let doc = analyse(text, &[], None).unwrap();
            assert!(!capital_governs(&doc, at(&doc, capital), &lex), "{text}");
        }
    }

    #[test]
    fn descriptors_make_organisations() {
        let lex = WordLists::builtin();
        let doc = analyse("the German soccer club Schalke and Club Brugge", &[], None).unwrap();
        assert!(described_as_organisation(&doc, at(&doc, "Schalke"), &lex));
        assert!(!described_as_organisation(&doc, at(&doc, "Brugge"), &lex));
        let doc = analyse(
            "Eurovision banned Russia. Eurovision fans cheered.",
            &[],
            None,
        )
        .unwrap();
        assert!(acts(&doc, nth(&doc, "Eurovision", 0), &lex));
        assert!(!acts(&doc, nth(&doc, "Eurovision", 1), &lex));
        let doc = analyse("Allies weigh new measures\n\nAllies agreed.", &[], None).unwrap();
        assert!(in_headline(&doc, nth(&doc, "Allies", 0)));
        assert!(!in_headline(&doc, nth(&doc, "Allies", 1)));
    }
}

//! Rules that read the words around a mention: a capital used for its government
//! ("Moscow denied", "sanctions against Moscow"), an actor ("Eurovision banned"), a
//! descriptor that makes a name an organisation ("the airline Aeroflot").

use super::lexicon::{fold_word, Lexicon};
use super::words::{next_token, prev_token, words_before};
use crate::text::Span;

/// At most this many auxiliaries and adverbs between a subject and its verb.
const MAX_AUXILIARIES: usize = 4;

fn word_at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

/// Whether the name at `span` is the subject of a verb of saying, deciding or acting:
/// "Moscow denied", "Washington will also impose", "Kyiv has been urging".
pub fn acts(text: &str, span: Span, lex: &Lexicon) -> bool {
    let mut at = span.end;
    for _ in 0..=MAX_AUXILIARIES {
        let Some(token) = next_token(text, at) else {
            return false;
        };
        let word = word_at(text, token);
        let folded = fold_word(word);
        if lex.auxiliaries.contains(&folded) {
            at = token.end;
            continue;
        }
        return word.starts_with(char::is_lowercase) && lex.government_verbs.contains(&folded);
    }
    false
}

/// Whether a capital at `span` stands for its government: it acts ([`acts`]), it owns a
/// government noun ("Moscow's decision"), or a preceding phrase makes it the government
/// ("sanctions against Moscow"). As a place ("blasts in Kyiv", "in Moscow") it does not.
pub fn capital_governs(text: &str, span: Span, lex: &Lexicon) -> bool {
    let rest = &text[span.end..];
    for possessive in ["'s", "’s"] {
        if let Some(after) = rest.strip_prefix(possessive) {
            if after.starts_with(char::is_alphanumeric) {
                return false;
            }
            return next_token(text, span.end + possessive.len())
                .is_some_and(|t| lex.government_nouns.contains(&fold_word(word_at(text, t))));
        }
    }
    if acts(text, span, lex) {
        return true;
    }
    let before: Vec<&str> = words_before(text, span.start, 3)
        .into_iter()
        .map(|s| word_at(text, s))
        .collect();
    !before.is_empty() && lex.government_preceders.longest_suffix(&before).is_some()
}

/// Whether `span` is on a headline: a line without closing punctuation, where common
/// words are capitalised ("Allies weigh new measures").
pub fn in_headline(text: &str, span: Span) -> bool {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    !text[start..end]
        .trim_end()
        .ends_with(['.', '!', '?', '"', '”', '\'', '’', ':', ';', ')'])
}

/// Whether the word right before `span` is an organisation descriptor ("club", "airline").
pub fn described_as_organisation(text: &str, span: Span, lex: &Lexicon) -> bool {
    prev_token(text, span.start)
        .is_some_and(|t| lex.organisation_descriptors.contains(word_at(text, t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap();
        Span::new(start, start + needle.len())
    }

    #[test]
    fn capitals_govern_when_they_act() {
        let lex = Lexicon::builtin();
        for (text, capital) in [
            ("Washington plans sanctions on Putin.", "Washington"),
            ("Moscow denied the report.", "Moscow"),
            ("Kyiv proposed talks on Monday.", "Kyiv"),
            ("Moscow has repeatedly denied it.", "Moscow"),
            ("Moscow on Friday said no.", "Moscow"),
            ("Moscow's decision came late.", "Moscow"),
            ("The EU imposed sanctions against Moscow over it.", "Moscow"),
            ("Biden held talks with Kyiv.", "Kyiv"),
        ] {
            assert!(capital_governs(text, at(text, capital), &lex), "{text}");
        }
    }

    #[test]
    fn capitals_as_places_do_not_govern() {
        let lex = Lexicon::builtin();
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
            assert!(!capital_governs(text, at(text, capital), &lex), "{text}");
        }
    }

    #[test]
    fn descriptors_make_organisations() {
        let lex = Lexicon::builtin();
        let text = "the German soccer club Schalke and Club Brugge";
        assert!(described_as_organisation(text, at(text, "Schalke"), &lex));
        assert!(!described_as_organisation(text, at(text, "Brugge"), &lex));
        let text = "Eurovision banned Russia. Eurovision fans cheered.";
        assert!(acts(text, Span::new(0, 10), &lex));
        assert!(!acts(text, Span::new(26, 36), &lex));
        let text = "Allies weigh new measures\nAllies agreed.";
        assert!(in_headline(text, Span::new(0, 6)));
        assert!(!in_headline(text, Span::new(26, 32)));
    }
}

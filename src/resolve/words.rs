//! Word helpers: the words around a name in the analysed document's tokens, a name's
//! surface form, acronyms.

use crate::analysis::Doc;
use crate::text::Span;

/// A word of the text: one token, or a word with its possessive clitic ("Russia's").
#[derive(Clone, Debug, PartialEq)]
pub struct Word {
    pub span: Span,
    /// Its tokens in the analysed document.
    pub tokens: std::ops::Range<usize>,
    pub text: String,
}

fn is_possessive_clitic(lower: &str) -> bool {
    lower == "'s"
}

/// Up to `n` words right before token `i` in its sentence, nearest last; stops at
/// punctuation. A possessive clitic stays on its word ("Russia's"), as names are written.
pub fn words_before(doc: &Doc, i: usize, n: usize) -> Vec<Word> {
    let mut out = Vec::new();
    let mut at = i;
    while out.len() < n {
        let Some(p) = doc.prev_in_sentence(at) else {
            break;
        };
        let token = &doc.tokens[p];
        if token.is_word() {
            out.push(Word {
                span: token.span,
                tokens: p..p + 1,
                text: token.text.clone(),
            });
            at = p;
            continue;
        }
        let owner = doc.prev_in_sentence(p).filter(|&o| doc.touching(o));
        match owner {
            Some(o) if is_possessive_clitic(&token.lower) && doc.tokens[o].is_word() => {
                let owner = &doc.tokens[o];
                out.push(Word {
                    span: Span::new(owner.span.start, token.span.end),
                    tokens: o..p + 1,
                    text: format!("{}{}", owner.text, token.text),
                });
                at = o;
            }
            _ => break,
        }
    }
    out.reverse();
    out
}

/// Whether token `i` starts a word: no letter or digit of the token before touches it.
pub fn starts_word(doc: &Doc, i: usize) -> bool {
    i == 0
        || !doc.touching(i - 1)
        || !doc.tokens[i - 1].text.ends_with(char::is_alphanumeric)
        || !doc.tokens[i].text.starts_with(char::is_alphanumeric)
}

/// Whether token `i` ends a word: no letter or digit of the token after touches it.
pub fn ends_word(doc: &Doc, i: usize) -> bool {
    !doc.touching(i)
        || !doc.tokens[i].text.ends_with(char::is_alphanumeric)
        || !doc.tokens[i + 1].text.starts_with(char::is_alphanumeric)
}

/// The text of `span` with each run of whitespace as one space: a name wrapped across
/// lines reads as it does unwrapped.
pub fn surface(text: &str, span: Span) -> String {
    let raw = &text[span.start..span.end];
    if !raw.contains(|c: char| c.is_whitespace() && c != ' ') && !raw.contains("  ") {
        return raw.to_string();
    }
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn has_upper(s: &str) -> bool {
    s.chars().any(char::is_uppercase)
}

/// "U.S." -> "US", "E.U." -> "EU": an acronym with its periods dropped.
pub fn undotted(s: &str) -> String {
    s.chars().filter(|&c| c != '.').collect()
}

/// Two to ten letters, all upper case once periods are dropped ("NATO", "U.N.", "LCBO").
pub fn is_acronym(s: &str) -> bool {
    let letters = undotted(s);
    let n = letters.chars().count();
    (2..=10).contains(&n)
        && letters
            .chars()
            .all(|c| c.is_uppercase() || c == '&' || c.is_ascii_digit())
        && letters.chars().filter(|c| c.is_uppercase()).count() >= 2
}

/// A Reuters instrument code ("KLM.AS", "CAWL.L", "MATR.PA"): a ticker and an exchange,
/// which names a security, not an organisation in the text.
/// A code of one letter is left alone: "U.S" and "U.N" are names.
pub fn is_ticker(s: &str) -> bool {
    let Some((code, exchange)) = s.split_once('.') else {
        return false;
    };
    (2..=6).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && (1..=2).contains(&exchange.len())
        && exchange.chars().all(|c| c.is_ascii_uppercase())
}

/// A bare stock code: one to five capitals or digits, a capital first ("ROK", "T", "GM").
pub fn is_code(s: &str) -> bool {
    (1..=5).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// A word written in capitals, such as a dateline ("WASHINGTON") or a shouted headline.
pub fn is_shouted(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !s.chars().any(char::is_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse;

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    #[test]
    fn words_before_stop_at_punctuation_and_keep_possessives() {
        let text = "Earlier, the German soccer club Schalke met Russia's Foreign Minister Lavrov";
        let doc = analyse(text, &[], None).unwrap();
        let at = |w: &str| doc.tokens.iter().position(|t| t.text == w).unwrap();
        assert_eq!(
            texts(&words_before(&doc, at("Schalke"), 5)),
            vec!["the", "German", "soccer", "club"]
        );
        let before = words_before(&doc, at("Lavrov"), 6);
        assert_eq!(
            texts(&before),
            vec!["club", "Schalke", "met", "Russia's", "Foreign", "Minister"]
        );
        let russia = &before[3];
        assert_eq!(&text[russia.span.start..russia.span.end], "Russia's");
    }

    #[test]
    fn word_starts_and_ends() {
        // The mention splits "Gazpromneft": "Gazprom" is a token but no word.
        let text = "Gazpromneft and Gazprom's";
        let mention = crate::ner::Mention {
            span: Span::new(0, 7),
            label: "ORG".into(),
            score: 1.0,
        };
        let doc = analyse(text, &[mention], None).unwrap();
        assert_eq!(doc.tokens[0].text, "Gazprom");
        assert!(starts_word(&doc, 0) && !ends_word(&doc, 0));
        assert!(!starts_word(&doc, 1));
        assert!(starts_word(&doc, 3) && ends_word(&doc, 3));
    }

    #[test]
    fn acronyms_and_surfaces() {
        assert!(is_acronym("U.N."));
        assert!(is_acronym("LCBO"));
        assert!(!is_acronym("Nato"));
        assert!(!is_acronym("A"));
        let text = "Olaf\n  Scholz";
        assert_eq!(surface(text, Span::new(0, text.len())), "Olaf Scholz");
    }
}

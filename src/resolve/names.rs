//! Names cleaned of what is not the name: surrounding punctuation, a leading "the",
//! possessives, and for people titles and roles ("Russian President Vladimir Putin").

use std::ops::Range;

use super::gazetteer::Gazetteer;
use super::word_lists::WordLists;
use super::words::{has_upper, words_before};
use crate::analysis::Doc;

fn is_possessive(lower: &str) -> bool {
    lower == "'s"
}

/// Trims quotes and punctuation around a name, a trailing possessive ("Russia's",
/// "Reuters'") and a leading "the", in whole tokens. None when nothing is left.
pub fn trim_name(doc: &Doc, tokens: Range<usize>) -> Option<Range<usize>> {
    let (mut start, mut end) = (tokens.start, tokens.end);
    while start < end {
        let first = &doc.tokens[start];
        let last = &doc.tokens[end - 1];
        if !first.is_word() {
            start += 1;
        } else if !(last.is_word() || last.text == "." && abbreviation_period(doc, end - 1)) {
            end -= 1;
        } else if first.lower == "the" && end - start > 1 {
            start += 1;
        } else {
            break;
        }
    }
    (start < end).then_some(start..end)
}

/// Whether a period token belongs to the name before it: "U.S" + ".", "Jr" + ".", not "Kyiv" + ".".
fn abbreviation_period(doc: &Doc, period: usize) -> bool {
    let Some(word) = period.checked_sub(1).filter(|&w| doc.touching(w)) else {
        return false;
    };
    let word = &doc.tokens[word].text;
    word.contains('.') || (word.chars().count() <= 2 && word.starts_with(char::is_uppercase))
}

/// A person mention cleaned to the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName {
    pub tokens: Range<usize>,
    /// The name is one word that is also a title ("Major", "President"): a name only if
    /// it is part of a full name in the document ("John Major").
    pub title_only: bool,
}

/// Strips titles, roles and possessive owners from a person mention: "President Joe
/// Biden" -> "Joe Biden", "Russia's Putin" -> "Putin", "White House press secretary Jen
/// Psaki" -> "Jen Psaki". Kept titles stay ("Pope Francis", "British King Charles" ->
/// "King Charles", but "Martin Luther King Jr." is left whole). None when only titles remain.
pub fn clean_person(
    doc: &Doc,
    tokens: Range<usize>,
    lex: &WordLists,
    gazetteer: &Gazetteer,
) -> Option<PersonName> {
    let tokens = trim_name(doc, tokens)?;
    let all = &doc.tokens[tokens.clone()];
    let words: Vec<&str> = all.iter().map(|t| t.text.as_str()).collect();
    let n = words.len();
    let mut cut = 0;
    let mut j = 0;
    while j < n {
        if let Some(len) = lex.kept_titles.longest_prefix(&words[j..]) {
            let owners_only = all[cut..j].iter().all(|t| {
                !t.is_capitalised()
                    || gazetteer.country_by_demonym(&t.text).is_some()
                    || gazetteer.country(&t.text).is_some()
            });
            if j + len < n && owners_only {
                cut = j;
            }
            break;
        }
        if let Some(len) = lex.titles.longest_prefix(&words[j..]) {
            if j + len < n {
                cut = j + len;
                j += len;
                continue;
            }
            break;
        }
        if is_possessive(&all[j].lower) && j + 1 < n {
            cut = j + 1;
        }
        j += 1;
    }
    let rest = &words[cut..];
    let only_titles = lex.titles.longest_prefix(rest) == Some(rest.len());
    if rest.is_empty() || (only_titles && rest.len() > 1) || !rest.iter().any(|w| has_upper(w)) {
        return None;
    }
    let name_start = tokens.start + cut;
    let mut name = name_start..tokens.end;
    // "King" + "Abdullah": a kept title the model left out is part of the name.
    let before = words_before(doc, name.start, 2);
    let before_words: Vec<&str> = before.iter().map(|w| w.text.as_str()).collect();
    if let Some(len) = lex.kept_titles.longest_suffix(&before_words) {
        let first = &before[before.len() - len];
        if first.text.starts_with(char::is_uppercase) {
            name.start = first.tokens.start;
        }
    }
    Some(PersonName {
        title_only: only_titles && name.start == name_start,
        tokens: name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse;

    fn whole(s: &str) -> (Doc, Range<usize>) {
        let doc = analyse(s, &[], None).unwrap();
        let n = doc.tokens.len();
        (doc, 0..n)
    }

    fn text_of(s: &str, doc: &Doc, tokens: Range<usize>) -> String {
        let span = doc.span_of(tokens);
        s[span.start..span.end].to_string()
    }

    fn person(s: &str) -> Option<String> {
        let lex = WordLists::builtin();
        let g = Gazetteer::builtin();
        let (doc, all) = whole(s);
        clean_person(&doc, all, &lex, &g).map(|p| text_of(s, &doc, p.tokens))
    }

    fn trimmed(s: &str) -> Option<String> {
        let (doc, all) = whole(s);
        trim_name(&doc, all).map(|t| text_of(s, &doc, t))
    }

    #[test]
    fn titles_and_roles_are_stripped() {
        assert_eq!(person("President Joe Biden").unwrap(), "Joe Biden");
        assert_eq!(
            person("Russian President Vladimir Putin").unwrap(),
            "Vladimir Putin"
        );
        assert_eq!(
            person("Foreign Minister Sergey Lavrov").unwrap(),
            "Sergey Lavrov"
        );
        assert_eq!(person("Gen. Tod Wolters").unwrap(), "Tod Wolters");
        assert_eq!(
            person("White House press secretary Jen Psaki").unwrap(),
            "Jen Psaki"
        );
        assert_eq!(
            person("former Secretary of State Hillary Clinton").unwrap(),
            "Hillary Clinton"
        );
        assert_eq!(
            person("Vice-President Kamala Harris").unwrap(),
            "Kamala Harris"
        );
        assert_eq!(person("John Major").unwrap(), "John Major");
    }

    #[test]
    fn kept_titles_stay() {
        assert_eq!(person("Pope Francis").unwrap(), "Pope Francis");
        assert_eq!(person("the Pope").unwrap(), "Pope");
        assert_eq!(person("British King Charles").unwrap(), "King Charles");
        assert_eq!(
            person("Martin Luther King Jr.").unwrap(),
            "Martin Luther King Jr."
        );
    }

    #[test]
    fn possessives_and_the_are_dropped() {
        assert_eq!(person("Russia's Putin").unwrap(), "Putin");
        assert_eq!(
            person("Russia’s Vladimir Putin's").unwrap(),
            "Vladimir Putin"
        );
        assert_eq!(trimmed("the European Union").unwrap(), "European Union");
        assert_eq!(trimmed("\"Reuters'").unwrap(), "Reuters");
        assert_eq!(trimmed("U.S.").unwrap(), "U.S.");
        assert_eq!(trimmed("Kyiv.").unwrap(), "Kyiv");
        assert_eq!(trimmed("(LCBO)").unwrap(), "LCBO");
    }

    #[test]
    fn titles_alone_are_no_name() {
        assert_eq!(person("the foreign minister"), None);
        assert_eq!(person("Prime Minister"), None);
        let lex = WordLists::builtin();
        let g = Gazetteer::builtin();
        let (doc, all) = whole("Major");
        let major = clean_person(&doc, all, &lex, &g).unwrap();
        assert!(major.title_only);
    }

    #[test]
    fn kept_titles_left_out_by_the_model_are_taken_in() {
        let lex = WordLists::builtin();
        let g = Gazetteer::builtin();
        let text = "Jordan's King Abdullah spoke";
        let doc = analyse(text, &[], None).unwrap();
        let abdullah = doc
            .tokens
            .iter()
            .position(|t| t.text == "Abdullah")
            .unwrap();
        let name = clean_person(&doc, abdullah..abdullah + 1, &lex, &g).unwrap();
        assert_eq!(text_of(text, &doc, name.tokens), "King Abdullah");
        assert!(!name.title_only);
    }
}

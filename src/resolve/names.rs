//! Names cleaned of what is not the name: surrounding punctuation, a leading "the",
//! possessives, and for people titles and roles ("Russian President Vladimir Putin").

use super::gazetteer::Gazetteer;
use super::lexicon::Lexicon;
use super::words::ws_tokens;
use crate::text::Span;

fn is_possessive(token: &str) -> bool {
    token.ends_with("'s") || token.ends_with("’s")
}

/// Trims quotes and punctuation around a name, a trailing possessive ("Russia's",
/// "Reuters'") and a leading "the". None when nothing is left.
pub fn trim_name(text: &str, span: Span) -> Option<Span> {
    let (mut start, mut end) = (span.start, span.end);
    loop {
        let before = (start, end);
        let s = &text[start..end];
        if let Some(c) = s.chars().next().filter(|c| !c.is_alphanumeric()) {
            start += c.len_utf8();
            continue;
        }
        if let Some(c) = s.chars().next_back().filter(|c| !c.is_alphanumeric()) {
            let keep_period = c == '.' && abbreviation_period(s);
            if !keep_period {
                end -= c.len_utf8();
                continue;
            }
        }
        for suffix in ["'s", "’s", "'S", "’S"] {
            if s.len() > suffix.len() && s.ends_with(suffix) {
                end -= suffix.len();
                break;
            }
        }
        let s = &text[start..end];
        let lower = s.get(..4).map(str::to_ascii_lowercase);
        if lower.as_deref() == Some("the ") && s.len() > 4 {
            start += 4;
        }
        if (start, end) == before || start >= end {
            break;
        }
    }
    (start < end).then(|| Span::new(start, end))
}

/// Whether a final period belongs to the name: "U.S.", "Jr.", not "Kyiv.".
fn abbreviation_period(s: &str) -> bool {
    let last = s.split_whitespace().next_back().unwrap_or("");
    let word = &last[..last.len() - 1];
    word.contains('.') || (word.chars().count() <= 2 && word.starts_with(char::is_uppercase))
}

/// A person mention cleaned to the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersonName {
    pub span: Span,
    /// The name is one word that is also a title ("Major", "President"): a name only if
    /// it is part of a full name in the document ("John Major").
    pub title_only: bool,
}

/// Strips titles, roles and possessive owners from a person mention: "President Joe
/// Biden" -> "Joe Biden", "Russia's Putin" -> "Putin", "White House press secretary Jen
/// Psaki" -> "Jen Psaki". Kept titles stay ("Pope Francis", "British King Charles" ->
/// "King Charles", but "Martin Luther King Jr." is left whole). None when only titles remain.
pub fn clean_person(
    text: &str,
    span: Span,
    lex: &Lexicon,
    gazetteer: &Gazetteer,
) -> Option<PersonName> {
    let span = trim_name(text, span)?;
    let s = &text[span.start..span.end];
    let tokens = ws_tokens(s);
    let words: Vec<&str> = tokens.iter().map(|&(a, b)| &s[a..b]).collect();
    let n = words.len();
    let mut cut = 0;
    let mut j = 0;
    while j < n {
        if let Some(len) = lex.kept_titles.longest_prefix(&words[j..]) {
            let owners_only = words[cut..j].iter().all(|w| {
                !w.starts_with(char::is_uppercase)
                    || is_possessive(w)
                    || gazetteer.country_by_demonym(w).is_some()
                    || gazetteer.country(w).is_some()
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
        if is_possessive(words[j]) && j + 1 < n {
            cut = j + 1;
        }
        j += 1;
    }
    let rest = &words[cut..];
    let only_titles = lex.titles.longest_prefix(rest) == Some(rest.len());
    if rest.is_empty()
        || (only_titles && rest.len() > 1)
        || !rest.iter().any(|w| super::words::has_upper(w))
    {
        return None;
    }
    let name_start = span.start + tokens[cut].0;
    let mut name = Span::new(name_start, span.end);
    // "King" + "Abdullah": a kept title the model left out is part of the name.
    let before = super::words::words_before(text, name.start, 2);
    let before_words: Vec<&str> = before.iter().map(|s| &text[s.start..s.end]).collect();
    if let Some(len) = lex.kept_titles.longest_suffix(&before_words) {
        let first = before[before.len() - len];
        if text[first.start..first.end].starts_with(char::is_uppercase) {
            name.start = first.start;
        }
    }
    Some(PersonName {
        span: name,
        title_only: only_titles && name.start == name_start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(s: &str) -> Option<String> {
        let lex = Lexicon::builtin();
        let g = Gazetteer::builtin();
        clean_person(s, Span::new(0, s.len()), &lex, &g).map(|p| s[p.span.start..p.span.end].into())
    }

    fn trimmed(s: &str) -> Option<String> {
        trim_name(s, Span::new(0, s.len())).map(|p| s[p.start..p.end].into())
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
        let lex = Lexicon::builtin();
        let g = Gazetteer::builtin();
        let major = clean_person("Major", Span::new(0, 5), &lex, &g).unwrap();
        assert!(major.title_only);
    }

    #[test]
    fn kept_titles_left_out_by_the_model_are_taken_in() {
        let lex = Lexicon::builtin();
        let g = Gazetteer::builtin();
        let text = "Jordan's King Abdullah spoke";
        let start = text.find("Abdullah").unwrap();
        let name = clean_person(text, Span::new(start, start + 8), &lex, &g).unwrap();
        assert_eq!(&text[name.span.start..name.span.end], "King Abdullah");
        assert!(!name.title_only);
    }
}

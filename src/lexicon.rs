//! One phrase-list type ([`Lexicon`]) and one word-folding rule ([`fold`]), shared by the resolve and relations stages.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use crate::analysis::{tokenize, Token};
use crate::lists::is_apostrophe;
use crate::text::Span;

/// Why a word-list file was rejected: the file's name, the line (1-based) and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}: {message}")]
pub struct ListError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The one folding rule for list entries and the words they are matched against: lower
/// case, curly apostrophes and quotes straightened, and a trailing period dropped from a
/// word ("Gen." is "gen", "U.S." is "u.s"), so an entry written with or without the
/// abbreviation's period matches both spellings in text. A lone "." stays itself.
pub fn fold(word: &str) -> Cow<'_, str> {
    let plain = |c: char| !c.is_uppercase() && !is_apostrophe(c) && !matches!(c, '“' | '”');
    let dotted = word.len() > 1 && word.ends_with('.');
    if !dotted && word.chars().all(plain) {
        return Cow::Borrowed(word);
    }
    let mut out: String = word
        .chars()
        .map(|c| match c {
            c if is_apostrophe(c) => '\'',
            '“' | '”' => '"',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect();
    if out.len() > 1
        && out.ends_with('.')
        && out[..out.len() - 1].chars().any(char::is_alphanumeric)
    {
        out.pop();
    }
    Cow::Owned(out)
}

/// The words of a phrase as the analysis tokenizer splits text ("vice-president" is
/// "vice" "-" "president", "prosecutor's office" "prosecutor" "'s" "office"), not folded.
pub fn phrase_tokens(phrase: &str) -> Vec<String> {
    tokenize(phrase, Span::new(0, phrase.len()))
        .into_iter()
        .map(|t| phrase[t.start..t.end].to_string())
        .collect()
}

/// The token forms (`Token::lower`) of a lexicon entry or pattern literal, split by the
/// analysis tokenizer that splits documents, so a rule word always matches the token it
/// names ("u.s." is one token, "russia's" two, "pro-western" two or three as the text's).
pub fn words_of(phrase: &str) -> Vec<String> {
    tokenize(phrase, Span::new(0, phrase.len()))
        .into_iter()
        .map(|t| crate::analysis::lemma::lower(&phrase[t.start..t.end]))
        .collect()
}

/// The folded words of a list entry: the tokenizer's words, each [`fold`]ed. A period the
/// tokenizer split from a lower-case abbreviation ("gen." is "gen" ".") is dropped, as
/// [`fold`] drops it from a word.
pub fn phrase_words(phrase: &str) -> Vec<String> {
    let mut words: Vec<String> = phrase_tokens(phrase)
        .iter()
        .map(|w| fold(w).into_owned())
        .collect();
    if words.len() > 1
        && words.last().is_some_and(|w| w == ".")
        && phrase.trim_end().len() > 1
        && !phrase.trim_end().ends_with(" .")
    {
        words.pop();
    }
    words
}

/// The entries of a plain list file (one phrase a line, `#` comments, blank lines skipped)
/// with their line numbers. A tab is an error: a plain list has one column.
pub fn list_entries<'a>(file: &str, text: &'a str) -> Result<Vec<(usize, &'a str)>, ListError> {
    let mut out = Vec::new();
    for (n, line) in crate::lists::data_lines(text) {
        let entry = line.trim();
        if entry.contains('\t') {
            return Err(ListError {
                file: file.to_string(),
                line: n,
                message: format!("`{entry}`: a list entry is one phrase, without tabs"),
            });
        }
        out.push((n, entry));
    }
    Ok(out)
}

/// A named list of words and phrases, matched word by word on folded forms.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    pub name: String,
    /// Entries as folded words, longest first.
    entries: Vec<Vec<String>>,
    by_first: HashMap<String, Vec<usize>>,
}

impl Lexicon {
    /// A lexicon of entries given as words (each folded here, so callers may pass any case).
    pub fn new(name: &str, phrases: impl IntoIterator<Item = Vec<String>>) -> Self {
        let set: BTreeSet<Vec<String>> = phrases
            .into_iter()
            .map(|p| p.iter().map(|w| fold(w).into_owned()).collect::<Vec<_>>())
            .filter(|p| !p.is_empty())
            .collect();
        let mut entries: Vec<Vec<String>> = set.into_iter().collect();
        entries.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_first.entry(e[0].clone()).or_default().push(i);
        }
        Self {
            name: name.to_string(),
            entries,
            by_first,
        }
    }

    /// A lexicon of phrases written as text ("vice president", "Gen.").
    pub fn from_phrases<'a>(name: &str, phrases: impl IntoIterator<Item = &'a str>) -> Self {
        Self::new(name, phrases.into_iter().map(phrase_words))
    }

    /// A lexicon read from the text of a plain list file (see [`list_entries`]).
    pub fn from_list(name: &str, file: &str, text: &str) -> Result<Self, ListError> {
        let mut phrases = Vec::new();
        for (line, entry) in list_entries(file, text)? {
            let words = phrase_words(entry);
            if words.is_empty() {
                return Err(ListError {
                    file: file.to_string(),
                    line,
                    message: format!("`{entry}` has no words"),
                });
            }
            phrases.push(words);
        }
        Ok(Self::new(name, phrases))
    }

    /// The entries as folded words, longest first.
    pub fn entries(&self) -> impl Iterator<Item = &[String]> {
        self.entries.iter().map(Vec::as_slice)
    }

    /// Lengths of the entries that match `tokens` at `pos` without passing `end`, longest first.
    pub fn lengths_at(&self, tokens: &[Token], pos: usize, end: usize) -> Vec<usize> {
        let Some(first) = tokens.get(pos).filter(|_| pos < end) else {
            return Vec::new();
        };
        let Some(candidates) = self.by_first.get(fold(&first.lower).as_ref()) else {
            return Vec::new();
        };
        candidates
            .iter()
            .map(|&i| &self.entries[i])
            .filter(|e| {
                pos + e.len() <= end
                    && e.iter()
                        .zip(&tokens[pos..pos + e.len()])
                        .all(|(w, t)| *w == fold(&t.lower))
            })
            .map(Vec::len)
            .collect()
    }

    /// Whether `word` alone is an entry.
    pub fn contains_word(&self, word: &str) -> bool {
        self.by_first
            .get(fold(word).as_ref())
            .is_some_and(|c| c.iter().any(|&i| self.entries[i].len() == 1))
    }

    /// The longest entry matching at `pos`.
    pub fn longest_at(&self, tokens: &[Token], pos: usize, end: usize) -> Option<usize> {
        self.lengths_at(tokens, pos, end).first().copied()
    }

    /// Whether an entry ends right before `pos` and starts at or after `start`.
    pub fn ends_at(&self, tokens: &[Token], start: usize, pos: usize) -> bool {
        self.entries.iter().any(|e| {
            e.len() <= pos - start
                && e.iter()
                    .zip(&tokens[pos - e.len()..pos])
                    .all(|(w, t)| *w == fold(&t.lower))
        })
    }

    /// The length in words of the longest entry that `words` starts with.
    pub fn longest_prefix<S: AsRef<str>>(&self, words: &[S]) -> Option<usize> {
        let first = fold(words.first()?.as_ref());
        let candidates = self.by_first.get(first.as_ref())?;
        candidates
            .iter()
            .map(|&i| &self.entries[i])
            .find(|e| {
                e.len() <= words.len() && e.iter().zip(words).all(|(a, b)| *a == fold(b.as_ref()))
            })
            .map(Vec::len)
    }

    /// The length in words of the longest entry that `words` ends with.
    pub fn longest_suffix<S: AsRef<str>>(&self, words: &[S]) -> Option<usize> {
        self.entries
            .iter()
            .find(|e| {
                e.len() <= words.len()
                    && e.iter()
                        .zip(&words[words.len() - e.len()..])
                        .all(|(a, b)| *a == fold(b.as_ref()))
            })
            .map(Vec::len)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_is_case_quote_and_period_blind() {
        assert_eq!(fold("Gen."), "gen");
        assert_eq!(fold("U.S."), "u.s");
        assert_eq!(fold("Russia’s"), "russia's");
        assert_eq!(fold("‘s"), "'s");
        assert_eq!(fold("."), ".");
        assert_eq!(fold("..."), "...");
        assert!(matches!(fold("minister"), Cow::Borrowed(_)));
    }

    #[test]
    fn entries_match_tokens_and_words_alike() {
        let lex = Lexicon::from_phrases("t", ["Gen.", "u.s. envoy", "vice-president", "Russia's"]);
        let toks = crate::analysis::analyse(
            "The U.S. Envoy met Gen. Tod and Russia’s Vice-President",
            &[],
            None,
        )
        .unwrap()
        .tokens;
        let at = |w: &str| toks.iter().position(|t| t.text == w).unwrap();
        assert_eq!(lex.longest_at(&toks, at("U.S."), toks.len()), Some(2));
        assert_eq!(lex.longest_at(&toks, at("Gen."), toks.len()), Some(1));
        assert_eq!(lex.longest_at(&toks, at("Russia"), toks.len()), Some(2));
        assert_eq!(lex.longest_at(&toks, at("Vice"), toks.len()), Some(3));
        assert!(lex.contains_word("GEN"));
        assert!(lex.contains_word("gen."));
        assert_eq!(lex.longest_prefix(&["Gen", "Tod"]), Some(1));
        assert_eq!(lex.longest_prefix(&["U.S.", "envoy", "X"]), Some(2));
        assert_eq!(lex.longest_suffix(&["Russia’s"]), None);
        assert_eq!(lex.longest_suffix(&["Russia", "’s"]), Some(2));
    }

    #[test]
    fn list_files_reject_bad_entries_with_their_line() {
        let err =
            Lexicon::from_list("t", "titles.txt", "# c\npresident\n\nminister\tx\n").unwrap_err();
        assert_eq!(err.line, 4);
        assert!(err.to_string().starts_with("titles.txt line 4:"), "{err}");
        let lex = Lexicon::from_list("t", "titles.txt", "# c\nPresident\n\nGen.\n").unwrap();
        assert_eq!(lex.len(), 2);
    }
}

//! The word lists of the resolve stage (`data/resolve/*.txt`), as the shared [`crate::lexicon::Lexicon`] type: see data/resolve/README.md.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use crate::lexicon::{fold, phrase_tokens};
use crate::lexicon::{Lexicon, ListError};

/// A noun phrase that names a state's organisation, with its canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgNoun {
    /// Lower case, as written in text.
    pub phrase: String,
    /// The phrase's tokens ([`phrase_tokens`]), as `Token::lower` writes them.
    pub words: Vec<String>,
    /// Lower case; spelling variants share one.
    pub canonical: String,
}

impl OrgNoun {
    /// The phrases of `nouns` (phrase -> canonical) as nouns, longest first, so that
    /// "foreign intelligence service" wins over "intelligence service".
    pub fn longest_first(nouns: BTreeMap<String, String>) -> Vec<OrgNoun> {
        let mut out: Vec<OrgNoun> = nouns
            .into_iter()
            .map(|(phrase, canonical)| OrgNoun {
                words: phrase_tokens(&phrase)
                    .iter()
                    .map(|w| crate::analysis::lemma::lower(w))
                    .collect(),
                phrase,
                canonical,
            })
            .collect();
        out.sort_by(|a, b| {
            b.phrase
                .len()
                .cmp(&a.phrase.len())
                .then(a.phrase.cmp(&b.phrase))
        });
        out
    }
}

/// Every word list the resolver uses.
#[derive(Clone, Debug, Default)]
pub struct WordLists {
    pub titles: Lexicon,
    pub kept_titles: Lexicon,
    pub government_verbs: BTreeSet<String>,
    pub auxiliaries: BTreeSet<String>,
    pub government_nouns: BTreeSet<String>,
    pub government_preceders: Lexicon,
    pub organisation_nouns: Vec<OrgNoun>,
    /// Case-sensitive lower-case words.
    pub organisation_descriptors: BTreeSet<String>,
    pub connectors: BTreeSet<String>,
    /// Case-sensitive gazetteer names.
    pub scan_stoplist: BTreeSet<String>,
    pub name_stopwords: BTreeSet<String>,
    /// Case-sensitive short name -> gazetteer organisation ids.
    pub short_names: BTreeMap<String, Vec<String>>,
    pub eponym_nouns: BTreeSet<String>,
    /// Generic government bodies ("ministry of finance"), folded and lower case, to the
    /// canonical name as the file writes it ("Finance Ministry").
    pub generic_bodies: BTreeMap<String, String>,
    /// Agency sign-offs alone on a document's last line ("Reuter"), folded.
    pub sign_offs: BTreeSet<String>,
    /// Legal forms ending a company's name ("Corp", "Ltd"), folded.
    pub legal_suffixes: BTreeSet<String>,
    /// Last words that make a name an organisation ("Institute", "Group"), folded.
    pub organisation_words: BTreeSet<String>,
    /// Second halves of hyphenated modifiers before a name ("-based", "-led"), folded.
    pub attributive_words: BTreeSet<String>,
    /// Nouns after a demonym that name the state itself ("the Japanese government"), lower case.
    pub state_nouns: BTreeSet<String>,
    /// Titles of an office a portfolio names ("Minister", "Commissioner"), folded.
    pub portfolio_titles: BTreeSet<String>,
}

/// How many list files there are.
pub const LIST_FILES: usize = 20;

/// The list files, in the order [`WordLists::parse`] takes their texts.
pub const FILES: [&str; LIST_FILES] = [
    "titles.txt",
    "kept_titles.txt",
    "government_verbs.txt",
    "auxiliaries.txt",
    "government_nouns.txt",
    "government_preceders.txt",
    "organisation_nouns.txt",
    "organisation_descriptors.txt",
    "connectors.txt",
    "scan_stoplist.txt",
    "name_stopwords.txt",
    "short_names.tsv",
    "eponym_nouns.txt",
    "generic_bodies.txt",
    "sign_offs.txt",
    "legal_suffixes.txt",
    "organisation_words.txt",
    "attributive_words.txt",
    "state_nouns.txt",
    "portfolio_titles.txt",
];

const BUILTIN: [&str; LIST_FILES] = [
    include_str!("../../data/resolve/titles.txt"),
    include_str!("../../data/resolve/kept_titles.txt"),
    include_str!("../../data/resolve/government_verbs.txt"),
    include_str!("../../data/resolve/auxiliaries.txt"),
    include_str!("../../data/resolve/government_nouns.txt"),
    include_str!("../../data/resolve/government_preceders.txt"),
    include_str!("../../data/resolve/organisation_nouns.txt"),
    include_str!("../../data/resolve/organisation_descriptors.txt"),
    include_str!("../../data/resolve/connectors.txt"),
    include_str!("../../data/resolve/scan_stoplist.txt"),
    include_str!("../../data/resolve/name_stopwords.txt"),
    include_str!("../../data/resolve/short_names.tsv"),
    include_str!("../../data/resolve/eponym_nouns.txt"),
    include_str!("../../data/resolve/generic_bodies.txt"),
    include_str!("../../data/resolve/sign_offs.txt"),
    include_str!("../../data/resolve/legal_suffixes.txt"),
    include_str!("../../data/resolve/organisation_words.txt"),
    include_str!("../../data/resolve/attributive_words.txt"),
    include_str!("../../data/resolve/state_nouns.txt"),
    include_str!("../../data/resolve/portfolio_titles.txt"),
];

/// Entries of a list file: comments and blank lines skipped, whitespace trimmed.
fn entries(text: &str) -> impl Iterator<Item = &str> {
    crate::lists::data_lines(text).map(|(_, l)| l.trim())
}

fn folded_set(text: &str) -> BTreeSet<String> {
    entries(text).map(|e| fold(e).into_owned()).collect()
}

/// A name as the generic bodies list is keyed: words folded ([`fold`]), single spaces,
/// a leading "the" dropped ("the  FINANCE Ministry" -> "finance ministry").
pub fn fold_name(name: &str) -> String {
    let words: Vec<String> = name
        .split_whitespace()
        .map(|w| fold(w).into_owned())
        .collect();
    let skip = usize::from(words.first().is_some_and(|w| w == "the"));
    words[skip..].join(" ")
}

/// The titles list (`titles.txt`), which the built-in rules' `[lexicon.title]` also reads.
pub const TITLES: &str = BUILTIN[0];

/// A built-in list by its name without extension ("titles"), for rules files that read one.
pub fn builtin_list(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .position(|f| f.strip_suffix(".txt") == Some(name))
        .map(|i| BUILTIN[i])
}

/// The names [`builtin_list`] knows.
pub fn builtin_list_names() -> Vec<&'static str> {
    FILES
        .iter()
        .filter_map(|f| f.strip_suffix(".txt"))
        .collect()
}

fn phrase_set(i: usize, text: &str) -> Result<Lexicon, ListError> {
    let name = FILES[i].trim_end_matches(".txt");
    Lexicon::from_list(name, FILES[i], text)
}

/// Why the word lists could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum WordListsError {
    // The I/O error in the message and not as a source, so that a chain says it once.
    #[error("cannot read {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error(transparent)]
    Entry(#[from] ListError),
    #[error("{0} must not be empty")]
    Empty(&'static str),
}

fn bad_line(file: &str, line: usize, message: &str) -> WordListsError {
    WordListsError::Entry(ListError {
        file: file.to_string(),
        line,
        message: message.to_string(),
    })
}

impl WordLists {
    /// The lists shipped in the binary.
    pub fn builtin() -> Self {
        Self::parse(&BUILTIN.map(String::from)).expect("the built-in word lists parse")
    }

    /// Reads the list files (names as in data/resolve/) from `dir`.
    pub fn from_dir(dir: &Path) -> Result<Self, WordListsError> {
        let mut texts: Vec<String> = Vec::new();
        for name in FILES {
            let path = dir.join(name);
            texts.push(
                std::fs::read_to_string(&path).map_err(|error| WordListsError::Read {
                    path: path.display().to_string(),
                    error,
                })?,
            );
        }
        let texts: [String; LIST_FILES] = texts.try_into().expect("one text per file");
        Self::parse(&texts)
    }

    /// Parses the texts of the list files, in the order of [`FILES`].
    pub fn parse(texts: &[String; LIST_FILES]) -> Result<Self, WordListsError> {
        let mut organisation_nouns: BTreeMap<String, String> = BTreeMap::new();
        for (n, line) in crate::lists::data_lines(&texts[6]) {
            let line = line.trim_end();
            let mut fields = line.split('\t');
            let phrase = fields.next().unwrap_or_default().trim().to_lowercase();
            let canonical = fields
                .next()
                .map(|c| c.trim().to_lowercase())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| phrase.clone());
            if fields.next().is_some() || phrase.is_empty() {
                return Err(bad_line(
                    "organisation_nouns.txt",
                    n,
                    "expected a phrase and an optional canonical form",
                ));
            }
            organisation_nouns.insert(phrase, canonical);
        }
        let organisation_nouns = OrgNoun::longest_first(organisation_nouns);
        let mut short_names: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (n, line) in crate::lists::data_lines(&texts[11]) {
            let Some((name, ids)) = line.split_once('\t') else {
                return Err(bad_line(
                    "short_names.tsv",
                    n,
                    "expected a short name, a tab and organisation ids",
                ));
            };
            let ids: Vec<String> = ids
                .split('|')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_string)
                .collect();
            if name.trim().is_empty() || ids.is_empty() {
                return Err(bad_line(
                    "short_names.tsv",
                    n,
                    "expected a short name and organisation ids",
                ));
            }
            short_names.insert(name.trim().to_string(), ids);
        }
        let mut generic_bodies: BTreeMap<String, String> = BTreeMap::new();
        for (n, line) in crate::lists::data_lines(&texts[13]) {
            let mut fields = line.trim_end().split('\t').map(str::trim);
            let name = fields.next().unwrap_or_default();
            let canonical = fields.next().filter(|c| !c.is_empty()).unwrap_or(name);
            if fields.next().is_some() || name.is_empty() {
                return Err(bad_line(
                    "generic_bodies.txt",
                    n,
                    "expected a name and an optional canonical name",
                ));
            }
            generic_bodies.insert(fold_name(name), canonical.to_string());
        }
        let lexicon = WordLists {
            titles: phrase_set(0, &texts[0])?,
            kept_titles: phrase_set(1, &texts[1])?,
            government_verbs: folded_set(&texts[2]),
            auxiliaries: folded_set(&texts[3]),
            government_nouns: folded_set(&texts[4]),
            government_preceders: phrase_set(5, &texts[5])?,
            organisation_nouns,
            organisation_descriptors: entries(&texts[7]).map(str::to_string).collect(),
            connectors: entries(&texts[8]).map(str::to_string).collect(),
            scan_stoplist: entries(&texts[9]).map(str::to_string).collect(),
            name_stopwords: folded_set(&texts[10]),
            short_names,
            eponym_nouns: folded_set(&texts[12]),
            generic_bodies,
            sign_offs: folded_set(&texts[14]),
            legal_suffixes: folded_set(&texts[15]),
            organisation_words: folded_set(&texts[16]),
            attributive_words: folded_set(&texts[17]),
            state_nouns: entries(&texts[18]).map(str::to_lowercase).collect(),
            portfolio_titles: folded_set(&texts[19]),
        };
        if lexicon.titles.is_empty() || lexicon.government_verbs.is_empty() {
            return Err(WordListsError::Empty("titles.txt and government_verbs.txt"));
        }
        Ok(lexicon)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lists_load() {
        let lex = WordLists::builtin();
        assert_eq!(
            lex.titles
                .longest_prefix(&["Foreign", "Minister", "Sergey"]),
            Some(2)
        );
        assert_eq!(lex.titles.longest_prefix(&["Gen.", "Tod"]), Some(1));
        assert!(lex.kept_titles.contains_word("Pope"));
        assert!(lex.government_verbs.contains("denied"));
        assert!(lex.organisation_descriptors.contains("club"));
        assert!(lex.scan_stoplist.contains("Shell"));
        let defense = lex
            .organisation_nouns
            .iter()
            .find(|n| n.phrase == "defense ministry")
            .unwrap();
        assert_eq!(defense.canonical, "defence ministry");
        assert_eq!(defense.words, ["defense", "ministry"]);
        assert_eq!(
            lex.titles
                .longest_prefix(&["Vice", "-", "President", "Harris"]),
            Some(3)
        );
        assert_eq!(
            lex.government_preceders
                .longest_suffix(&["new", "sanctions", "against"]),
            Some(2)
        );
        assert_eq!(lex.short_names["Alliance"], ["nato"]);
        assert!(lex.eponym_nouns.contains("administration"));
        assert_eq!(
            lex.generic_bodies[&fold_name("the Ministry of  Finance")],
            "Finance Ministry"
        );
        assert_eq!(lex.generic_bodies["congress"], "Congress");
    }

    #[test]
    fn short_names_name_gazetteer_organisations() {
        let lex = WordLists::builtin();
        let g = super::super::Gazetteer::builtin();
        for (name, ids) in &lex.short_names {
            for id in ids {
                assert!(
                    g.organisations.iter().any(|o| &o.id == id),
                    "short_names.tsv: {name}: no organisation {id}"
                );
            }
        }
    }

    #[test]
    fn malformed_organisation_nouns_are_rejected_with_their_line() {
        let mut texts = BUILTIN.map(String::from);
        texts[6] = "# comment\nforeign ministry\ta\tb\n".into();
        let err = WordLists::parse(&texts).unwrap_err();
        assert!(
            err.to_string().contains("organisation_nouns.txt line 2"),
            "{err}"
        );
        texts[6] = BUILTIN[6].to_string();
        texts[0] = "president\n# c\nminister\tx\n".into();
        let err = WordLists::parse(&texts).unwrap_err();
        assert!(err.to_string().starts_with("titles.txt line 3:"), "{err}");
    }
}

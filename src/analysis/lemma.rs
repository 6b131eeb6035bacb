//! Lemmas from a word's lower-case form and part of speech: irregular forms, then suffix rules.
//!
//! Both are data: `data/analysis/lemmas.tsv` (irregular forms) and
//! `data/analysis/lemma_rules.tsv` (suffix rules per UPOS, first match wins).

use std::collections::HashMap;
use std::sync::OnceLock;

/// A suffix rule: strip `suffix`, append `replacement`, if at least `min_stem` characters remain.
struct SuffixRule {
    suffix: &'static str,
    replacement: &'static str,
    min_stem: usize,
}

struct Lemmatizer {
    /// (form, UPOS or "*") to lemma.
    irregular: HashMap<(&'static str, &'static str), &'static str>,
    /// UPOS to its rules, in file order.
    rules: HashMap<&'static str, Vec<SuffixRule>>,
}

fn lemmatizer() -> &'static Lemmatizer {
    static LEMMATIZER: OnceLock<Lemmatizer> = OnceLock::new();
    LEMMATIZER.get_or_init(|| {
        let mut irregular = HashMap::new();
        for line in data_lines(include_str!("../../data/analysis/lemmas.tsv")) {
            if let [form, upos, lemma] = line[..] {
                irregular.entry((form, upos)).or_insert(lemma);
            }
        }
        let mut rules: HashMap<&str, Vec<SuffixRule>> = HashMap::new();
        for line in data_lines(include_str!("../../data/analysis/lemma_rules.tsv")) {
            if let [upos, suffix, replacement, min_stem] = line[..] {
                rules.entry(upos).or_default().push(SuffixRule {
                    suffix,
                    replacement,
                    min_stem: min_stem.parse().unwrap_or(1),
                });
            }
        }
        Lemmatizer { irregular, rules }
    })
}

/// The tab-separated fields of each entry of a data file, in file order.
fn data_lines(data: &'static str) -> Vec<Vec<&'static str>> {
    crate::lists::data_lines(data)
        .map(|(_, l)| l.split('\t').collect())
        .collect()
}

/// Lower case with curly apostrophes and quotes folded to straight ones (`Token::lower`).
pub fn lower(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            c if crate::lists::is_apostrophe(c) => '\'',
            '“' | '”' => '"',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The lemma (lower case) of a word given its lower-case form and UPOS. An unknown UPOS
/// ("X", or none yet) gets the form's irregular `*` entry or the form itself.
pub fn lemma(lower: &str, upos: &str) -> String {
    let lemmatizer = lemmatizer();
    if let Some(lemma) = lemmatizer
        .irregular
        .get(&(lower, upos))
        .or_else(|| lemmatizer.irregular.get(&(lower, "*")))
    {
        return lemma.to_string();
    }
    if upos == "NUM"
        && lower.contains(',')
        && lower
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
    {
        return lower.replace(',', ""); // "50,000" is the number 50000
    }
    let Some(rules) = lemmatizer.rules.get(upos) else {
        return lower.to_string();
    };
    // Only words take suffix rules: "3s" and "'s" are no plurals.
    if !lower.chars().all(|c| c.is_alphabetic() || c == '-') {
        return lower.to_string();
    }
    for rule in rules {
        if let Some(stem) = lower.strip_suffix(rule.suffix) {
            if stem.chars().count() >= rule.min_stem {
                return format!("{stem}{}", rule.replacement);
            }
        }
    }
    lower.to_string()
}

/// Regular inflections of a word: sanction -> sanctions, sanctioned, sanctioning;
/// ban -> bans, banned, banning; freeze -> freezes, freezed, freezing; apply -> applies, applied.
pub fn inflections(word: &str) -> Vec<String> {
    let mut out = vec![word.to_string()];
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n < 2 || !chars.iter().all(|c| c.is_alphabetic()) {
        return out;
    }
    let vowel = |c: char| "aeiou".contains(c);
    let last = chars[n - 1];
    let stem_y = last == 'y' && !vowel(chars[n - 2]);
    let base = &word[..word.len() - last.len_utf8()];
    if stem_y {
        out.push(format!("{base}ies"));
        out.push(format!("{base}ied"));
    } else if word.ends_with(['s', 'x', 'z']) || word.ends_with("ch") || word.ends_with("sh") {
        out.push(format!("{word}es"));
    } else {
        out.push(format!("{word}s"));
    }
    if last == 'e' {
        if !stem_y {
            out.push(format!("{word}d"));
        }
        out.push(format!("{base}ing"));
    } else {
        if !stem_y {
            out.push(format!("{word}ed"));
        }
        out.push(format!("{word}ing"));
        // Consonant-vowel-consonant: ban -> banned, plan -> planning (and ratchet -> ratchetted,
        // harmless since no one writes it).
        let cvc = n >= 3
            && !vowel(last)
            && !"wxy".contains(last)
            && vowel(chars[n - 2])
            && !vowel(chars[n - 3]);
        if cvc {
            out.push(format!("{word}{last}ed"));
            out.push(format!("{word}{last}ing"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn irregular_forms_win_over_rules() {
        assert_eq!(lemma("was", "AUX"), "be");
        assert_eq!(lemma("went", "VERB"), "go");
        assert_eq!(lemma("children", "NOUN"), "child");
        assert_eq!(lemma("better", "ADJ"), "good");
        assert_eq!(lemma("n't", "PART"), "not");
        assert_eq!(lemma("ca", "AUX"), "can");
        assert_eq!(lemma("me", "PRON"), "i");
    }

    #[test]
    fn suffix_rules_by_part_of_speech() {
        for (form, upos, expected) in [
            ("sanctions", "NOUN", "sanction"),
            ("countries", "NOUN", "country"),
            ("crisis", "NOUN", "crisis"),
            ("churches", "NOUN", "church"),
            ("met", "VERB", "meet"),
            ("stopped", "VERB", "stop"),
            ("created", "VERB", "create"),
            ("asked", "VERB", "ask"),
            ("making", "VERB", "make"),
            ("running", "VERB", "run"),
            ("walking", "VERB", "walk"),
            ("says", "VERB", "say"),
            ("bigger", "ADJ", "big"),
            ("50,000", "NUM", "50000"),
            ("sanctions", "X", "sanctions"),
            ("russia", "PROPN", "russia"),
        ] {
            assert_eq!(lemma(form, upos), expected, "{form} {upos}");
        }
    }

    #[test]
    fn lower_folds_case_and_curly_marks() {
        assert_eq!(lower("Russia’s"), "russia's");
        assert_eq!(lower("“Ok”"), "\"ok\"");
    }
}

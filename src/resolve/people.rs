//! People within one document: a surname or other short form joins the full name it is
//! part of ("Putin" -> "Vladimir Putin"); when two people share it ("Joe Biden", "Hunter
//! Biden"), the bare form goes to the nearest full name before it (else the nearest after).

use super::slug;

/// One person mention: its name as words, and where it starts in the text.
#[derive(Clone, Debug)]
pub struct PersonMention {
    pub words: Vec<String>,
    pub start: usize,
}

/// Name words compared without case, accents, periods or apostrophes.
pub fn name_key(name: &str) -> Vec<String> {
    name.split_whitespace()
        .map(slug)
        .filter(|w| !w.is_empty())
        .collect()
}

fn contains_run(long: &[String], short: &[String]) -> bool {
    short.len() < long.len() && long.windows(short.len()).any(|w| w == short)
}

/// For each mention, the index of the mention whose name is its cluster's full name
/// (itself for full names and for short forms that join nobody).
pub fn cluster(mentions: &[PersonMention]) -> Vec<usize> {
    // Distinct names; a full name is one of two words or more that is no part of a longer name.
    let mut names: Vec<&[String]> = mentions.iter().map(|m| m.words.as_slice()).collect();
    names.sort();
    names.dedup();
    let is_full = |w: &[String]| w.len() >= 2 && !names.iter().any(|n| contains_run(n, w));
    let full: Vec<bool> = mentions.iter().map(|m| is_full(&m.words)).collect();
    // The first mention of each full name represents it.
    let representative = |words: &[String]| -> usize {
        mentions
            .iter()
            .position(|m| m.words == words)
            .expect("a name comes from a mention")
    };
    mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            if full[i] {
                return representative(&m.words);
            }
            // Full names this one is part of, with the mentions that use them.
            let holders: Vec<usize> = mentions
                .iter()
                .enumerate()
                .filter(|(j, other)| full[*j] && contains_run(&other.words, &m.words))
                .map(|(j, _)| j)
                .collect();
            let mut names: Vec<&[String]> = holders
                .iter()
                .map(|&j| mentions[j].words.as_slice())
                .collect();
            names.sort();
            names.dedup();
            match names.len() {
                0 => representative(&m.words),
                1 => representative(names[0]),
                _ => {
                    let before = holders
                        .iter()
                        .filter(|&&j| mentions[j].start < m.start)
                        .max_by_key(|&&j| mentions[j].start);
                    let after = holders
                        .iter()
                        .filter(|&&j| mentions[j].start > m.start)
                        .min_by_key(|&&j| mentions[j].start);
                    let nearest = before.or(after).copied().expect("holders is not empty");
                    representative(&mentions[nearest].words)
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mentions(names: &[&str]) -> Vec<PersonMention> {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| PersonMention {
                words: name_key(n),
                start: i * 10,
            })
            .collect()
    }

    #[test]
    fn surnames_join_the_full_name() {
        let ms = mentions(&[
            "Putin",
            "Vladimir Putin",
            "von der Leyen",
            "Ursula von der Leyen",
            "Putin",
        ]);
        assert_eq!(cluster(&ms), vec![1, 1, 3, 3, 1]);
    }

    #[test]
    fn titles_kept_in_names_join_too() {
        let ms = mentions(&["Pope", "Pope Francis", "Francis"]);
        assert_eq!(cluster(&ms), vec![1, 1, 1]);
    }

    #[test]
    fn shared_surnames_stay_apart_and_go_to_the_nearest_preceding() {
        let ms = mentions(&[
            "Biden",
            "Joe Biden",
            "Biden",
            "Hunter Biden",
            "Biden",
            "Joe Biden",
            "Biden",
        ]);
        assert_eq!(cluster(&ms), vec![1, 1, 1, 3, 3, 1, 1]);
    }

    #[test]
    fn unknown_short_forms_stand_alone() {
        let ms = mentions(&["Markarova", "Zelenskyy", "Markarova"]);
        assert_eq!(cluster(&ms), vec![0, 1, 0]);
    }
}

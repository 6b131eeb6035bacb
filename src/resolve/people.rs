//! People within one document: a surname or other short form joins the full name it is
//! part of ("Putin" -> "Vladimir Putin"); when two people share it ("Joe Biden", "Hunter
//! Biden"), the bare form goes to the nearest full name before it (else the nearest after).

use std::collections::{BTreeSet, HashMap, HashSet};

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

/// For each mention, the index of the mention whose name is its cluster's full name
/// (itself for full names and for short forms that join nobody).
pub fn cluster(mentions: &[PersonMention]) -> Vec<usize> {
    cluster_counting(mentions, &mut 0)
}

/// [`cluster`], adding to `total` the names it looks up (what its time grows with): a few
/// per mention, so that a name-dense document takes time in proportion to its length.
fn cluster_counting(mentions: &[PersonMention], total: &mut usize) -> Vec<usize> {
    let mut work = 0;
    // The first mention of each name represents it.
    let mut first: HashMap<&[String], usize> = HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        work += 1;
        first.entry(m.words.as_slice()).or_insert(i);
    }
    // A full name is one of two words or more that is no part of a longer name: every
    // shorter run of words inside a name is looked up instead of comparing name pairs.
    let mut inside: HashSet<&[String]> = HashSet::new();
    for name in first.keys() {
        for len in 1..name.len() {
            for run in name.windows(len) {
                work += 1;
                inside.insert(run);
            }
        }
    }
    let full: Vec<bool> = mentions
        .iter()
        .map(|m| m.words.len() >= 2 && !inside.contains(m.words.as_slice()))
        .collect();
    // For each run of words inside a full name: the full names holding it, and their
    // mentions by position (start, index).
    type Holders<'a> = (BTreeSet<&'a [String]>, Vec<(usize, usize)>);
    let mut holders: HashMap<&[String], Holders> = HashMap::new();
    for (j, m) in mentions.iter().enumerate().filter(|&(j, _)| full[j]) {
        let name = m.words.as_slice();
        for len in 1..name.len() {
            for run in name.windows(len) {
                work += 1;
                let h = holders.entry(run).or_default();
                h.0.insert(name);
                h.1.push((m.start, j));
            }
        }
    }
    for (_, at) in holders.values_mut() {
        at.sort_unstable();
        at.dedup();
    }
    let result = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| {
            work += 1;
            let words = m.words.as_slice();
            if full[i] {
                return first[words];
            }
            match holders.get(words) {
                None => first[words],
                Some((names, _)) if names.len() == 1 => first[names.first().expect("one name")],
                Some((_, at)) => {
                    // The nearest full name before, else the nearest after.
                    let before = at.partition_point(|&(start, _)| start < m.start);
                    let after = at.partition_point(|&(start, _)| start <= m.start);
                    let nearest = match before {
                        0 => at.get(after).unwrap_or(&at[0]).1,
                        k => at[k - 1].1,
                    };
                    first[mentions[nearest].words.as_slice()]
                }
            }
        })
        .collect();
    *total += work;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name-dense document's people: `n` mentions of 200 people, full names and surnames.
    fn many_people(n: usize) -> Vec<PersonMention> {
        (0..n)
            .map(|i| {
                let person = (i * 7919) % 200;
                let name = if i % 3 == 0 {
                    format!("Anna Surname{person}")
                } else {
                    format!("Surname{person}")
                };
                PersonMention {
                    words: name_key(&name),
                    start: i * 20,
                }
            })
            .collect()
    }

    #[test]
    fn clustering_work_grows_linearly_with_the_mentions() {
        let work = |n| {
            let mut work = 0;
            cluster_counting(&many_people(n), &mut work);
            work
        };
        let (small, large) = (work(2_000), work(8_000));
        // Linear: four times the mentions, about four times the work (quadratic: sixteen).
        assert!(large <= small * 5, "{small} -> {large}");
    }

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

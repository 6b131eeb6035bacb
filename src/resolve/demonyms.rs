//! Nationality adjectives that name a state the document has as a node ("Japanese goods" -> Japan), for relations to follow.

use super::*;

impl Resolver {
    /// [`demonym_links`] with this resolver's gazetteer.
    pub(super) fn demonym_links(
        &self,
        doc: &Doc,
        resolved: &Resolved,
    ) -> Vec<(Range<usize>, usize)> {
        demonym_links(&self.gazetteer, doc, resolved)
    }
}

/// The demonyms written outside any mention ("tariffs on Japanese goods") whose state is a
/// node of the document, as token runs with that state's entity: a demonym makes no node of
/// its own, but a relation may reach the state through it. Capitalised words only
/// ("Japanese", "South African"), the two-word form first. A state is known by its country
/// code, or (entities given from outside, such as a fixture's) by its name.
pub fn demonym_links(
    gazetteer: &Gazetteer,
    doc: &Doc,
    resolved: &Resolved,
) -> Vec<(Range<usize>, usize)> {
    let mut in_mention = vec![false; doc.tokens.len()];
    for e in &resolved.entities {
        for r in &e.tokens {
            for slot in in_mention.get_mut(r.clone()).into_iter().flatten() {
                *slot = true;
            }
        }
    }
    let state = |code: &str| {
        resolved.entities.iter().position(|e| {
            e.kind == EntityType::State
                && (e.country.as_deref() == Some(code)
                    || gazetteer.country(&e.name).is_some_and(|c| c.code == code))
        })
    };
    let free = |r: &Range<usize>| {
        r.end <= doc.tokens.len()
            && !in_mention[r.clone()].iter().any(|&m| m)
            && doc.tokens[r.start].sentence == doc.tokens[r.end - 1].sentence
            && doc.tokens[r.clone()]
                .iter()
                .all(|t| t.text.chars().next().is_some_and(char::is_uppercase))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < doc.tokens.len() {
        let found = [2, 1].into_iter().find_map(|n| {
            let r = i..i + n;
            if !free(&r) {
                return None;
            }
            let words: Vec<&str> = doc.tokens[r.clone()]
                .iter()
                .map(|t| t.text.as_str())
                .collect();
            let country = gazetteer.country_by_demonym(&words.join(" "))?;
            state(&country.code).map(|e| (r, e))
        });
        match found {
            Some((r, e)) => {
                i = r.end;
                out.push((r, e));
            }
            None => i += 1,
        }
    }
    out
}

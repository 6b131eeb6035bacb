//! Step 7: people's short forms join the full name, and a person's state comes from the
//! words before the name.

use super::*;

impl Resolver {
    /// Groups person candidates into people (see `people`). A lone one-word name that
    /// joins nobody and is a gazetteer organisation, a country or an acting capital
    /// becomes that instead ("Gazprom" tagged PER).
    pub(super) fn people(&self, text: &str, doc: &Doc, candidates: &mut [Candidate]) {
        let indices: Vec<usize> = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.target == Some(Target::Person))
            .map(|(i, _)| i)
            .collect();
        let mentions: Vec<people::PersonMention> = indices
            .iter()
            .map(|&i| {
                let c = &candidates[i];
                people::PersonMention {
                    words: people::name_key(&words::surface(text, c.span)),
                    start: c.span.start,
                }
            })
            .collect();
        let clusters = people::cluster(&mentions);
        for (k, &i) in indices.iter().enumerate() {
            let rep = clusters[k];
            let tokens = candidates[i].tokens.clone();
            let c = &candidates[indices[rep]];
            let name = words::surface(text, c.span);
            if c.title_only {
                // The cluster's name is a title alone ("President"): no person.
                candidates[i].target = Some(Target::Nothing);
                continue;
            }
            if mentions[rep].words.len() == 1 {
                if let Some(target) = self.lone_word(doc, tokens.clone(), &name) {
                    candidates[i].target = Some(target);
                    continue;
                }
            }
            let country = self.person_country(doc, tokens);
            candidates[i].target = Some(Target::Node(NodeRef {
                id: format!("person:{}", slug(&name)),
                name,
                kind: EntityType::Person,
                country,
            }));
        }
    }

    /// The state a person serves, from the words before the name: a demonym or a
    /// country's possessive before a title ("Ukrainian President Volodymyr Zelenskyy",
    /// "Russia's Foreign Minister Sergey Lavrov"), or a country's possessive before the
    /// name ("Germany's Olaf Scholz").
    pub(super) fn person_country(&self, doc: &Doc, tokens: Range<usize>) -> Option<String> {
        let words = words::words_before(doc, tokens.start, 6);
        let before: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        let mut end = before.len();
        while let Some(len) = self.lexicon.titles.longest_suffix(&before[..end]) {
            end -= len;
        }
        if end == 0 {
            return None;
        }
        let owner = before[end - 1];
        let possessive = owner.ends_with("'s") || owner.ends_with("’s");
        if end == before.len() && !possessive {
            return None;
        }
        let owner = owner
            .strip_suffix("'s")
            .or_else(|| owner.strip_suffix("’s"))
            .unwrap_or(owner);
        if !owner.starts_with(char::is_uppercase) {
            return None;
        }
        let g = &self.gazetteer;
        g.country_by_demonym(owner)
            .or_else(|| self.country(owner))
            .map(|c| c.code.clone())
    }
}

//! Step 2: candidates the model missed, by rule: gazetteer organisations found in the
//! text, and a state's organisations ("the Russian foreign ministry").

use super::*;

impl Resolver {
    pub(super) fn organisation_node(&self, index: usize) -> NodeRef {
        let org = &self.gazetteer.organisations[index];
        NodeRef {
            id: format!("organisation:{}", org.id),
            name: org.name.clone(),
            kind: EntityType::Organisation,
            country: org.country.clone(),
        }
    }

    pub(super) fn gazetteer_organisation(&self, name: &str) -> Option<NodeRef> {
        let g = &self.gazetteer;
        let org = g.organisation(name).or_else(|| {
            name.contains('.')
                .then(|| g.organisation(&words::undotted(name)))?
        })?;
        Some(self.organisation_node(self.organisation_index[&org.id]))
    }

    pub(super) fn country(&self, name: &str) -> Option<&Country> {
        let g = &self.gazetteer;
        g.country(name).or_else(|| {
            name.contains('.')
                .then(|| g.country(&words::undotted(name)))?
        })
    }

    /// Gazetteer organisations anywhere in the document, case-sensitive, as whole words;
    /// acronyms not inside capitalised headlines.
    pub(super) fn scan_organisations(&self, doc: &Doc) -> Vec<Candidate> {
        let straight_form = |t: &Token| straight(&t.text);
        let mut out = Vec::new();
        for (i, token) in doc.tokens.iter().enumerate() {
            if !words::starts_word(doc, i) {
                continue;
            }
            // A token split off by a mention boundary may begin a longer name's first word.
            let first = straight(&token.text);
            let keys: Vec<&Vec<usize>> = if doc.touching(i) {
                self.scan_index
                    .range(first.clone()..)
                    .take_while(|(k, _)| k.starts_with(first.as_str()))
                    .map(|(_, v)| v)
                    .collect()
            } else {
                self.scan_index.get(&first).into_iter().collect()
            };
            for &p in keys.into_iter().flatten() {
                let pattern = &self.patterns[p];
                let Some(end) = match_words(doc, i, &pattern.words, straight_form) else {
                    continue;
                };
                if !words::ends_word(doc, end - 1)
                    || (pattern.acronym && self.in_shouted_line(doc, i..end))
                {
                    continue;
                }
                out.push(Candidate::rule(
                    doc,
                    i..end,
                    self.organisation_node(pattern.organisation),
                ));
            }
        }
        out
    }

    /// Whether the word before or after `tokens` is a shouted one (a capitalised headline).
    pub(super) fn in_shouted_line(&self, doc: &Doc, tokens: Range<usize>) -> bool {
        let shouted = |t: Option<usize>| {
            t.is_some_and(|t| {
                let w = &doc.tokens[t].text;
                w.chars().filter(|c| c.is_alphabetic()).count() >= 4 && words::is_shouted(w)
            })
        };
        shouted(doc.prev_in_sentence(tokens.start)) || shouted(doc.next_in_sentence(tokens.end - 1))
    }

    /// A state's organisations: a demonym, a country name or a country's possessive before
    /// an organisation noun ("the Russian foreign ministry", "Ukraine's defense ministry").
    pub(super) fn scan_state_organisations(&self, text: &str, doc: &Doc) -> Vec<Candidate> {
        let lower_form = |t: &Token| t.lower.clone();
        // The bytes of the names found so far (made at the first one).
        let mut taken: Option<CoveredBytes> = None;
        let mut out = Vec::new();
        for noun in &self.state_nouns {
            for i in 0..doc.tokens.len() {
                if noun.words.first() != Some(&doc.tokens[i].lower) || !words::starts_word(doc, i) {
                    continue;
                }
                let Some(end) = match_words(doc, i, &noun.words, lower_form) else {
                    continue;
                };
                let span = doc.span_of(i..end);
                if !words::ends_word(doc, end - 1)
                    || taken.as_ref().is_some_and(|t| t.overlaps(span))
                {
                    continue;
                }
                let Some((owner, country)) = self.owner_before(text, doc, i) else {
                    continue;
                };
                let whole = owner.start..end;
                let span = doc.span_of(whole.clone());
                taken
                    .get_or_insert_with(|| CoveredBytes::new(text.len()))
                    .insert(span);
                let node = self.state_organisation(text, span, country, &noun.canonical);
                out.push(Candidate::rule(doc, whole, node));
            }
        }
        out
    }

    /// The demonym, country name or country's possessive right before token `i`, if any,
    /// with its tokens.
    pub(super) fn owner_before(
        &self,
        text: &str,
        doc: &Doc,
        i: usize,
    ) -> Option<(Range<usize>, &Country)> {
        let g = &self.gazetteer;
        let before = words::words_before(doc, i, 3);
        if let Some(word) = before.last() {
            for suffix in ["'s", "’s"] {
                if let Some(owner) = word.text.strip_suffix(suffix) {
                    if owner.starts_with(char::is_uppercase) {
                        return self
                            .country(owner)
                            .or_else(|| g.country_by_capital(owner))
                            .map(|c| (word.tokens.clone(), c));
                    }
                }
            }
        }
        for k in (1..=before.len()).rev() {
            let span = Span::new(
                before[before.len() - k].span.start,
                before[before.len() - 1].span.end,
            );
            let owner = words::surface(text, span);
            let first = owner.split_whitespace().next().unwrap_or_default();
            if !owner.starts_with(char::is_uppercase) || first.eq_ignore_ascii_case("the") {
                continue;
            }
            if let Some(c) = g
                .country_by_demonym(&owner)
                .or_else(|| self.country(&owner))
            {
                let tokens =
                    before[before.len() - k].tokens.start..before[before.len() - 1].tokens.end;
                return Some((tokens, c));
            }
        }
        None
    }

    pub(super) fn state_organisation(
        &self,
        text: &str,
        span: Span,
        country: &Country,
        canonical: &str,
    ) -> NodeRef {
        // "the Japanese government" is Japan acting.
        if self.lexicon.state_nouns.contains(canonical) {
            return state_node(country);
        }
        let adjective = country.demonyms.first().unwrap_or(&country.name);
        let mut tries = vec![words::surface(text, span)];
        for d in &country.demonyms {
            tries.push(format!("{d} {canonical}"));
        }
        tries.push(format!("{} {canonical}", country.name));
        if let Some(node) = tries.iter().find_map(|t| self.gazetteer_organisation(t)) {
            return node;
        }
        if let Some(body) = self
            .lexicon
            .generic_bodies
            .get(&word_lists::fold_name(canonical))
        {
            return state_body(country, body);
        }
        let name = format!("{adjective} {canonical}");
        NodeRef {
            id: format!("organisation:{}", slug(&name)),
            name,
            kind: EntityType::Organisation,
            country: Some(country.code.clone()),
        }
    }
}

/// A generic body of a state: "Finance Ministry" of Japan is `organisation:jp/finance-ministry`,
/// "Finance Ministry (Japan)", one node however the text spells the body.
pub(super) fn state_body(country: &Country, body: &str) -> NodeRef {
    NodeRef {
        id: format!(
            "organisation:{}/{}",
            country.code.to_ascii_lowercase(),
            slug(body)
        ),
        name: format!("{body} ({})", country.name),
        kind: EntityType::Organisation,
        country: Some(country.code.clone()),
    }
}

pub(super) fn state_node(country: &Country) -> NodeRef {
    NodeRef {
        id: format!("state:{}", country.code),
        name: country.name.clone(),
        kind: EntityType::State,
        country: Some(country.code.clone()),
    }
}

//! Steps 4 and 6: each candidate typed (the gazetteers, the model's label, the words
//! around it), and a surname the model typed as something else made the person.

use super::*;

impl Resolver {
    /// What a candidate the rules did not decide becomes.
    pub(super) fn classify(&self, text: &str, doc: &Doc, c: &Candidate) -> Target {
        let surface = &words::surface(text, c.span);
        let lex = &self.lexicon;
        let tokens = doc.tokens_in(c.span);
        let described = context::described_as_organisation(doc, tokens.clone(), lex);
        if c.label == Label::Per {
            if described {
                return Target::Node(self.named_organisation(surface));
            }
            if surface.contains(' ') {
                if let Some(node) = self.gazetteer_organisation(surface) {
                    return Target::Node(node);
                }
            }
            return Target::Person;
        }
        if let Some(node) = self.gazetteer_organisation(surface) {
            return Target::Node(node);
        }
        if let Some(country) = self.country(surface) {
            return Target::Node(state_node(country));
        }
        if let Some(country) = self.gazetteer.country_by_capital(surface) {
            return if context::capital_governs(doc, tokens.clone(), lex) {
                Target::Node(state_node(country))
            } else {
                Target::Nothing
            };
        }
        let demonym = self.gazetteer.country_by_demonym(surface).is_some();
        // An actor the model called MISC ("Eurovision banned Russia"); not a group of
        // people ("Christians say"), nor a capitalised word on a headline.
        let plural = surface.ends_with('s') && !words::is_acronym(surface);
        let acting = c.label == Label::Misc
            && !demonym
            && !plural
            && !context::in_headline(doc, tokens.clone())
            && context::acts(doc, tokens, lex);
        if c.label == Label::Org || (described && !demonym) || acting {
            return Target::Node(self.named_organisation(surface));
        }
        Target::Nothing
    }

    pub(super) fn named_organisation(&self, name: &str) -> NodeRef {
        NodeRef {
            id: format!("organisation:{}", slug(name)),
            name: name.to_string(),
            kind: EntityType::Organisation,
            country: None,
        }
    }

    /// A one-word person name that joins nobody but is a gazetteer organisation, a country
    /// or a capital ("Gazprom", "WASHINGTON" in a dateline) is that instead.
    pub(super) fn lone_word(&self, doc: &Doc, span: Span, name: &str) -> Option<Target> {
        if let Some(node) = self.gazetteer_organisation(name) {
            return Some(Target::Node(node));
        }
        if let Some(country) = self.country(name) {
            return Some(Target::Node(state_node(country)));
        }
        let country = self.gazetteer.country_by_capital(name)?;
        Some(
            if context::capital_governs(doc, doc.tokens_in(span), &self.lexicon) {
                Target::Node(state_node(country))
            } else {
                Target::Nothing
            },
        )
    }

    /// A one-word mention the model typed as something else that is a word of a person's
    /// full name in the document is that person ("Biden held talks" tagged ORG); followed
    /// by an eponym noun, it (with the noun) is an organisation ("the Biden administration",
    /// whether or not the person is named). Not when it names a place, a nationality or a
    /// known organisation.
    pub(super) fn surnames_typed_otherwise(
        &self,
        text: &str,
        doc: &Doc,
        candidates: &mut [Candidate],
    ) {
        let full_names: BTreeSet<String> = candidates
            .iter()
            .filter(|c| c.target == Some(Target::Person))
            .map(|c| people::name_key(&words::surface(text, c.span)))
            .filter(|words| words.len() >= 2)
            .flatten()
            .collect();
        for c in candidates.iter_mut() {
            let surface = &words::surface(text, c.span);
            let open = match &c.target {
                Some(Target::Nothing) => true,
                Some(Target::Node(n)) => n.id == self.named_organisation(surface).id,
                _ => false,
            };
            if !open
                || c.rule
                || c.label == Label::Per
                || surface.contains(char::is_whitespace)
                || !surface.starts_with(char::is_uppercase)
                || words::is_acronym(surface)
                || self.gazetteer_organisation(surface).is_some()
                || self.country(surface).is_some()
                || self.gazetteer.country_by_capital(surface).is_some()
                || self.gazetteer.country_by_demonym(surface).is_some()
            {
                continue;
            }
            let eponym = doc
                .next_in_sentence(doc.tokens_in(c.span).end - 1)
                .map(|t| &doc.tokens[t])
                .filter(|t| {
                    t.text.starts_with(char::is_lowercase)
                        && self
                            .lexicon
                            .eponym_nouns
                            .contains(word_lists::fold(&t.text).as_ref())
                });
            let key = people::name_key(surface);
            if let Some(noun) = eponym {
                c.span = Span::new(c.span.start, noun.span.end);
                let name = &words::surface(text, c.span);
                c.target = Some(Target::Node(self.named_organisation(name)));
            } else if key.len() == 1 && full_names.contains(&key[0]) {
                c.target = Some(Target::Person);
            }
        }
    }
}

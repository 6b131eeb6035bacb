//! Steps 4 and 6: each candidate typed (the gazetteers, the model's label, the words
//! around it), and a surname the model typed as something else made the person.

use super::*;

impl Resolver {
    /// What a candidate the rules did not decide becomes.
    pub(super) fn classify(&self, text: &str, doc: &Doc, c: &Candidate) -> Target {
        let surface = &words::surface(text, c.span);
        if words::is_ticker(surface) {
            return Target::Nothing;
        }
        let lex = &self.lexicon;
        let tokens = c.tokens.clone();
        let described = context::described_as_organisation(doc, tokens.clone(), lex);
        if c.label == Label::Per {
            if described || self.ends_like_organisation(surface) {
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

    /// An organisation named so: its id leaves out a trailing legal form ("General Motors
    /// Corp" and "GENERAL MOTORS" are `organisation:general-motors` in every document);
    /// the name stays as written.
    pub(super) fn named_organisation(&self, name: &str) -> NodeRef {
        NodeRef {
            id: format!("organisation:{}", slug(self.without_legal_suffix(name))),
            name: name.to_string(),
            kind: EntityType::Organisation,
            country: None,
        }
    }

    /// `name` without its trailing legal forms (`legal_suffixes.txt`): "Shell Canada Ltd"
    /// -> "Shell Canada", "Sorg Inc." -> "Sorg"; a name that is only a legal form, or that
    /// ends in "&" or "and" once it is cut ("Smith and Co"), stays whole.
    pub(super) fn without_legal_suffix<'n>(&self, name: &'n str) -> &'n str {
        let mut kept = name.trim_end();
        loop {
            let cut = kept.trim_end_matches([',', ' ']);
            let Some((head, last)) = cut.rsplit_once([' ', '\n']) else {
                break;
            };
            let head = head.trim_end_matches([',', ' ']);
            let dangling = head.ends_with('&')
                || head
                    .rsplit(' ')
                    .next()
                    .is_some_and(|w| w.eq_ignore_ascii_case("and"));
            if head.is_empty()
                || dangling
                || !self
                    .lexicon
                    .legal_suffixes
                    .contains(word_lists::fold(last).as_ref())
            {
                break;
            }
            kept = head;
        }
        kept
    }

    /// Whether a name's last word makes it an organisation whatever the model read
    /// ("Wako Research Institute", "PaineWebber Group", "Gould Inc"): an organisation word
    /// or a legal form. One-word names are left to the model.
    pub(super) fn ends_like_organisation(&self, name: &str) -> bool {
        let Some((_, last)) = name.trim_end().rsplit_once(' ') else {
            return false;
        };
        let last = word_lists::fold(last);
        self.lexicon.organisation_words.contains(last.as_ref())
            || self.lexicon.legal_suffixes.contains(last.as_ref())
    }

    /// A ticker in brackets right after an organisation's name ("KLM Royal Dutch Airlines
    /// <KLM.AS>") is that organisation; elsewhere it names none (`classify`). In angle
    /// brackets, Reuters' mark for a ticker, a bare code is one too ("ROCKWELL <ROK>",
    /// not South Korea's code; ANNOTATION-NOTES.md: tickers are their company's aliases).
    pub(super) fn tickers(&self, text: &str, candidates: &mut [Candidate]) {
        for i in 1..candidates.len() {
            let (before, rest) = candidates.split_at_mut(i);
            let (prev, c) = (&before[i - 1], &mut rest[0]);
            let between = &text[prev.span.end.min(c.span.start)..c.span.start];
            let after = &text[c.span.end..];
            let angled = between.trim() == "<" && after.starts_with('>');
            let bracketed = angled || (between.trim() == "(" && after.starts_with(')'));
            let organisation =
                matches!(&prev.target, Some(Target::Node(n)) if n.kind == EntityType::Organisation);
            let surface = words::surface(text, c.span);
            let ticker = words::is_ticker(&surface) || (angled && words::is_code(&surface));
            if bracketed && organisation && ticker {
                c.target = prev.target.clone();
            }
        }
    }

    /// Capitals on a document's upper-case title line that the body never writes ("CGCT
    /// SALE", "WORLD BANK FARM"): a headline is cut into runs of capitals that are mostly not
    /// names, so such a run is a name only where the body names it too (as "CGCT" is named
    /// in "CGCT said"), or the gazetteers know it.
    pub(super) fn headline_fragments(&self, text: &str, doc: &Doc, candidates: &mut [Candidate]) {
        let mut lower: Option<String> = None;
        for c in candidates.iter_mut() {
            let surface = words::surface(text, c.span);
            let open = matches!(&c.target, Some(Target::Node(n)) if n.kind == EntityType::Organisation && n.country.is_none());
            if !open
                || c.rule
                || text[..c.span.start].contains('\n')
                || !words::is_shouted(&surface)
                || words::is_acronym(&surface)
                || !context::in_headline(doc, c.tokens.clone())
                || self.gazetteer_organisation(&surface).is_some()
            {
                continue;
            }
            // ASCII case only, so that offsets in `lower` are offsets in `text`.
            let lower = lower.get_or_insert_with(|| text.to_ascii_lowercase());
            let sentence = &doc.sentences[doc.tokens[c.tokens.clone().start].sentence];
            let own = Span::new(
                doc.tokens[sentence.tokens.start].span.start,
                doc.tokens[sentence.tokens.end - 1].span.end,
            );
            let needle = surface.to_ascii_lowercase();
            let named_elsewhere = lower.match_indices(&needle).any(|(at, _)| {
                let end = at + needle.len();
                let bounded = !lower[..at].ends_with(char::is_alphanumeric)
                    && !lower[end..].starts_with(char::is_alphanumeric);
                bounded && (end <= own.start || at >= own.end)
            });
            if !named_elsewhere {
                c.target = Some(Target::Nothing);
            }
        }
    }

    /// Whether `span` is an agency's sign-off (`sign_offs.txt`): alone on the document's
    /// last line ("Reuter" under a Reuters-21578 article), so it signs the copy and names
    /// nobody in it.
    pub(super) fn signs_off(&self, text: &str, span: Span) -> bool {
        if !self
            .lexicon
            .sign_offs
            .contains(word_lists::fold(&text[span.start..span.end]).as_ref())
        {
            return false;
        }
        let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[span.end..]
            .find('\n')
            .map_or(text.len(), |i| span.end + i);
        text[line_start..span.start].trim().is_empty()
            && text[span.end..line_end]
                .trim_matches(|c: char| c.is_whitespace() || c == '.')
                .is_empty()
            && text[line_end..].trim().is_empty()
    }

    /// A one-word person name that joins nobody but is a gazetteer organisation, a country
    /// or a capital ("Gazprom", "WASHINGTON" in a dateline) is that instead.
    pub(super) fn lone_word(&self, doc: &Doc, tokens: Range<usize>, name: &str) -> Option<Target> {
        if let Some(node) = self.gazetteer_organisation(name) {
            return Some(Target::Node(node));
        }
        if let Some(country) = self.country(name) {
            return Some(Target::Node(state_node(country)));
        }
        let country = self.gazetteer.country_by_capital(name)?;
        Some(if context::capital_governs(doc, tokens, &self.lexicon) {
            Target::Node(state_node(country))
        } else {
            Target::Nothing
        })
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
            let eponym = doc.next_in_sentence(c.tokens.end - 1).filter(|&t| {
                let t = &doc.tokens[t];
                t.text.starts_with(char::is_lowercase)
                    && self
                        .lexicon
                        .eponym_nouns
                        .contains(word_lists::fold(&t.text).as_ref())
            });
            let key = people::name_key(surface);
            if let Some(noun) = eponym {
                c.place(doc, c.tokens.start..noun + 1);
                let name = &words::surface(text, c.span);
                c.target = Some(Target::Node(self.named_organisation(name)));
            } else if key.len() == 1 && full_names.contains(&key[0]) {
                c.target = Some(Target::Person);
            }
        }
    }
}

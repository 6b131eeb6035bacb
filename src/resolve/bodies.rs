//! Step 8: generic bodies ("the Finance Ministry", `generic_bodies.txt`) given the state the document means, or left out.
//!
//! Across an archive every state's "Finance Ministry" would otherwise be one node. A
//! body's state is, in order:
//! 1. the one its own words give: "Japan's Finance Ministry", "the West German Finance
//!    Ministry" (both found by the state-organisation rule, or named so by the model),
//!    "the Finance Ministry of Brazil";
//! 2. the single state the document gives the same body elsewhere ("Japan's Finance
//!    Ministry ... the Finance Ministry said");
//! 3. the dateline's place, when it is a state or a state's capital ("TOKYO, March 3");
//! 4. the state the document mentions most, when it has at least twice the mentions of
//!    the next one (a document naming one state has it).
//!
//! Otherwise the body is left out and counted. A gazetteer organisation named by the generic
//! name alone ("Congress", the US Congress; "the Senate") is the gazetteer's unless the
//! document names the same body of another state (1), or never names the gazetteer's state
//! and its dateline or dominant state (3, 4) is another: "Congress" in a Brazilian story
//! is Brazil's.

use super::*;
use scan::state_body;
use word_lists::{fold_name, OrgNoun};

/// The nouns `scan_state_organisations` looks for: the organisation nouns, the state nouns
/// and the generic bodies, each phrase once, longest first (so "foreign trade ministry" wins over "trade
/// ministry").
pub(super) fn state_nouns(lexicon: &WordLists) -> Vec<OrgNoun> {
    let mut nouns: BTreeMap<String, String> = lexicon
        .organisation_nouns
        .iter()
        .map(|n| (n.phrase.clone(), n.canonical.clone()))
        .collect();
    for noun in &lexicon.state_nouns {
        nouns.insert(noun.clone(), noun.clone());
    }
    for (phrase, canonical) in &lexicon.generic_bodies {
        nouns
            .entry(phrase.clone())
            .or_insert_with(|| canonical.to_lowercase());
    }
    OrgNoun::longest_first(nouns)
}

impl Resolver {
    /// Gives each generic body its state (see the module); returns how many bodies were
    /// left out for want of one.
    pub(super) fn generic_bodies(
        &self,
        text: &str,
        doc: &Doc,
        dateline: Option<&str>,
        candidates: &mut [Candidate],
    ) -> usize {
        // Bodies without a state in their own words: candidate -> canonical name, and the
        // gazetteer's node where the gazetteer names the body so ("Congress").
        let mut bare: BTreeMap<usize, (String, Option<NodeRef>)> = BTreeMap::new();
        for (i, c) in candidates.iter_mut().enumerate() {
            let Some(Target::Node(node)) = &c.target else {
                continue;
            };
            if node.kind != EntityType::Organisation || node.id.contains('/') {
                continue;
            }
            let gazetteer = node.country.is_some()
                || node
                    .id
                    .strip_prefix("organisation:")
                    .is_some_and(|id| self.organisation_index.contains_key(id));
            // A gazetteer body named by the generic name alone ("Congress", "the Senate")
            // is decided like a generic body, with the gazetteer's reading as the default.
            let named_bare = gazetteer
                .then(|| self.body_of(&words::surface(text, c.span)))
                .flatten()
                .filter(|(_, owner)| owner.is_none());
            let Some((body, owner)) = named_bare.clone().or_else(|| self.body_of(&node.name))
            else {
                continue;
            };
            let owner = owner.or_else(|| self.owner_after(doc, c.tokens.clone()));
            match owner {
                // "U.S. Congress" is the gazetteer's Congress.
                Some(country) if gazetteer && node.country.as_deref() == Some(&country.code) => {}
                Some(country) => c.target = Some(Target::Node(self.body_node(country, &body))),
                None if gazetteer && named_bare.is_none() => {}
                None => {
                    let known = named_bare.is_some().then(|| node.clone());
                    bare.insert(i, (body, known));
                }
            }
        }
        if bare.is_empty() {
            return 0;
        }
        // The states the document gives each body, by the body's slug.
        let mut stated: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut states: BTreeMap<String, usize> = BTreeMap::new();
        for (i, c) in candidates.iter().enumerate() {
            let Some(Target::Node(node)) = &c.target else {
                continue;
            };
            let Some(code) = &node.country else {
                continue;
            };
            if node.kind == EntityType::State {
                *states.entry(code.clone()).or_default() += 1;
                continue;
            }
            if bare.contains_key(&i) {
                continue;
            }
            // A state's body: made here or by the state-organisation rule, or a gazetteer
            // organisation named so ("Russian Foreign Ministry", "U.S. Congress").
            let body = match node.id.split_once('/') {
                Some((_, body)) => Some(body.to_string()),
                None => self
                    .body_of(&words::surface(text, c.span))
                    .or_else(|| self.body_of(&node.name))
                    .filter(|(_, owner)| owner.is_some())
                    .map(|(body, _)| slug(&body)),
            };
            if let Some(body) = body {
                stated.entry(body).or_default().insert(code.clone());
            }
        }
        let from_dateline = dateline.and_then(|d| self.dateline_state(d));
        let dominant = dominant_state(&states).and_then(|c| self.gazetteer.country_by_code(c));
        // One decision per body, so every bare mention of it is the same node.
        let mut decided: BTreeMap<&str, Option<NodeRef>> = BTreeMap::new();
        for (body, known) in bare.values() {
            if decided.contains_key(body.as_str()) {
                continue;
            }
            let elsewhere = stated
                .get(&slug(body))
                .filter(|codes| codes.len() == 1)
                .and_then(|codes| codes.first())
                .and_then(|code| self.gazetteer.country_by_code(code));
            let decision = match known {
                // The gazetteer's body ("Congress" is the US Congress) unless the document
                // names the body of another state, or is about another state and never
                // names the gazetteer's.
                Some(node) => {
                    let own_state_named = node
                        .country
                        .as_ref()
                        .is_some_and(|code| states.contains_key(code));
                    match elsewhere {
                        Some(c) => Some(self.body_node(c, body)),
                        None if own_state_named => Some(node.clone()),
                        None => Some(
                            from_dateline
                                .or(dominant)
                                .map_or_else(|| node.clone(), |c| self.body_node(c, body)),
                        ),
                    }
                }
                None => elsewhere
                    .or(from_dateline)
                    .or(dominant)
                    .map(|c| self.body_node(c, body)),
            };
            decided.insert(body, decision);
        }
        for (&i, (body, _)) in &bare {
            candidates[i].target = Some(match &decided[body.as_str()] {
                Some(node) => Target::Node(node.clone()),
                None => Target::Nothing,
            });
        }
        decided.values().filter(|d| d.is_none()).count()
    }

    /// A state's generic body: the gazetteer's organisation where it has one ("Russian
    /// Foreign Ministry", "US Treasury"), else the state-qualified node.
    fn body_node(&self, country: &Country, body: &str) -> NodeRef {
        let mut names: Vec<String> = country
            .demonyms
            .iter()
            .map(|d| format!("{d} {body}"))
            .collect();
        names.push(format!("{} {body}", country.name));
        names.extend(country.aliases.iter().map(|a| format!("{a} {body}")));
        names
            .iter()
            .find_map(|name| self.gazetteer_organisation(name))
            .unwrap_or_else(|| state_body(country, body))
    }

    /// The generic body a name is (its canonical name), and the state the name itself
    /// gives it: "Finance Ministry", "Japanese Finance Ministry", "Japan's Finance Ministry",
    /// "Finance Ministry of Japan". A name whose other words are no state is no generic
    /// body ("Senate Finance Committee").
    pub(super) fn body_of(&self, name: &str) -> Option<(String, Option<&Country>)> {
        let bodies = &self.lexicon.generic_bodies;
        let words: Vec<&str> = name.split_whitespace().collect();
        let skip = usize::from(words.first().is_some_and(|w| w.eq_ignore_ascii_case("the")));
        let words = &words[skip..];
        for start in 0..words.len() {
            let Some(body) = bodies.get(&fold_name(&words[start..].join(" "))) else {
                continue;
            };
            if start == 0 {
                return Some((body.clone(), None));
            }
            let owner = self.owner_named(&words[..start].join(" "))?;
            return Some((body.clone(), Some(owner)));
        }
        let of = words.iter().rposition(|w| *w == "of")?;
        let body = bodies.get(&fold_name(&words[..of].join(" ")))?;
        let owner = self.owner_named(&words[of + 1..].join(" "))?;
        Some((body.clone(), Some(owner)))
    }

    /// The state words name: a country, a country's or capital's possessive ("Japan's"), a
    /// demonym, the last words of one ("West German" is German).
    fn owner_named(&self, owner: &str) -> Option<&Country> {
        let g = &self.gazetteer;
        let words: Vec<&str> = owner.split_whitespace().collect();
        (0..words.len()).find_map(|k| {
            let owner = words[k..].join(" ");
            let possessive = ["'s", "’s"].iter().find_map(|s| owner.strip_suffix(s));
            match possessive {
                Some(owner) => self.country(owner).or_else(|| g.country_by_capital(owner)),
                None => g
                    .country_by_demonym(&owner)
                    .or_else(|| self.country(&owner)),
            }
        })
    }

    /// "of" and a state right after a name: "the Finance Ministry of Brazil".
    fn owner_after(&self, doc: &Doc, tokens: Range<usize>) -> Option<&Country> {
        let of = doc.next_in_sentence(tokens.end.checked_sub(1)?)?;
        if doc.tokens[of].lower != "of" {
            return None;
        }
        let mut words: Vec<&str> = Vec::new();
        let mut at = of;
        while words.len() < 3 {
            let Some(next) = doc.next_in_sentence(at) else {
                break;
            };
            let token = &doc.tokens[next];
            if !token.is_word() || !token.text.starts_with(char::is_uppercase) {
                break;
            }
            words.push(&token.text);
            at = next;
        }
        (1..=words.len())
            .rev()
            .find_map(|k| self.country(&words[..k].join(" ")))
    }

    /// The state of a dateline's place ("TOKYO, March 3"): a state or its capital.
    fn dateline_state(&self, dateline: &str) -> Option<&Country> {
        let place = dateline.split(',').next()?.trim();
        self.country(place)
            .or_else(|| self.gazetteer.country_by_capital(place))
    }
}

/// The state mentioned most, when it has at least twice the mentions of the next one; ties
/// and close seconds give none.
fn dominant_state(states: &BTreeMap<String, usize>) -> Option<&str> {
    let mut counts: Vec<(&String, &usize)> = states.iter().collect();
    counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let (code, &top) = counts.first()?;
    let next = counts.get(1).map_or(0, |(_, &n)| n);
    (top >= 2 * next).then_some(code.as_str())
}

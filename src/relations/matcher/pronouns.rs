//! Pronouns: who a pronoun source stands for: "he"/"she" a person (a speaker earlier in the
//! sentence, else the latest antecedent within reach, never one of the other gender), "it"
//! an organisation or state (the one that spoke or led the sentences just before, never when
//! two compete); and the entity in subject position.

use crate::resolve::{EntityType, Resolved};

use super::figures::Attribution;
use super::{Ctx, Gender};
use crate::relations::mentions::{EntityTokens, MentionTokens};
use crate::relations::rules::RuleSet;

/// Per entity, the gender that the titles right before (or opening) its mentions give it:
/// "Pope Francis" and "Mr Baker" are men, "Mrs Thatcher" a woman. Conflicting or no titles
/// leave it unknown. One pass over the mentions, once per document.
pub(in crate::relations) fn genders(
    rules: &RuleSet,
    doc: &EntityTokens,
    resolved: &Resolved,
) -> Vec<Gender> {
    let s = &rules.settings;
    let mut out = vec![Gender::Unknown; resolved.entities.len()];
    let mut conflict = vec![false; resolved.entities.len()];
    let is_title = |lexicon: Option<usize>, pos: usize| {
        lexicon.is_some_and(|i| rules.lexicons[i].longest_at(doc.tokens, pos, pos + 1) == Some(1))
    };
    for m in &doc.mentions {
        let start = m.tokens.start;
        let mut said = Gender::Unknown;
        for pos in start.checked_sub(1).into_iter().chain([start]) {
            if is_title(s.male_titles, pos) {
                said = Gender::Male;
            } else if is_title(s.female_titles, pos) {
                said = Gender::Female;
            }
        }
        if said == Gender::Unknown || resolved.entities[m.entity].kind != EntityType::Person {
            continue;
        }
        let known = &mut out[m.entity];
        if *known == Gender::Unknown && !conflict[m.entity] {
            *known = said;
        } else if *known != said {
            *known = Gender::Unknown;
            conflict[m.entity] = true;
        }
    }
    out
}

/// Who pronouns in later sentences may stand for, as (sentence index, entity), most recent
/// last: the persons and the organisations or states that spoke or opened a sentence.
#[derive(Debug, Default)]
pub(in crate::relations) struct Antecedents {
    pub(in crate::relations) persons: Vec<(usize, usize)>,
    pub(in crate::relations) organisations: Vec<(usize, usize)>,
}

impl Antecedents {
    /// Records that sentence `si` gives `entity` as a speaker or subject, in the list its
    /// type belongs to.
    pub(in crate::relations) fn push(&mut self, si: usize, entity: usize, kind: EntityType) {
        let list = if organisation_like(kind) {
            &mut self.organisations
        } else {
            &mut self.persons
        };
        list.push((si, entity));
    }
}

/// Whether an entity of this type can be what "it" stands for.
pub(in crate::relations) fn organisation_like(kind: EntityType) -> bool {
    matches!(kind, EntityType::Organisation | EntityType::State)
}

impl Ctx<'_> {
    /// The organisation or state that "it" at token `at` stands for, by a conservative
    /// policy (a wrong speaker costs more than a missed one):
    /// - when the sentence names organisations or states before the pronoun, only
    ///   `speaker_before` ("Acme said it expects ..."), and only when it is the one named;
    ///   any other name there competes ("Siemens and Ericsson have 90 pct, it added": none);
    /// - else the organisations or states that spoke or opened the latest sentence within
    ///   `settings.organisation_pronoun_reach` that has any, when that is exactly one ("the
    ///   EIA said. ... , it said"; a resolved "it" speaks too, so chains of "It said" hold).
    pub(in crate::relations) fn organisation_pronoun(
        &self,
        at: usize,
        speaker_before: Option<usize>,
        si: usize,
        antecedents: &Antecedents,
    ) -> Option<usize> {
        let mut named: Vec<usize> = (self.sent.start..at)
            .filter_map(|i| (*self.doc.mention_at.get(i)?).map(|m| self.doc.mentions[m].entity))
            .filter(|&e| organisation_like(self.resolved.entities[e].kind))
            .collect();
        named.sort_unstable();
        named.dedup();
        if !named.is_empty() {
            return speaker_before.filter(|s| named == [*s]);
        }
        let reach = self.rules.settings.organisation_pronoun_reach;
        let &(latest, _) = antecedents
            .organisations
            .iter()
            .rev()
            .find(|&&(s, _)| s < si && si - s <= reach)?;
        let mut candidates = antecedents
            .organisations
            .iter()
            .filter(|&&(s, _)| s == latest)
            .map(|&(_, e)| e);
        let first = candidates.next()?;
        candidates.all(|e| e == first).then_some(first)
    }

    /// The gender a pronoun at token `pos` names, if the rules say.
    pub(in crate::relations) fn pronoun_gender(&self, pos: usize) -> Gender {
        let s = &self.rules.settings;
        if self.lex_len(s.male_pronouns, pos) == Some(1) {
            Gender::Male
        } else if self.lex_len(s.female_pronouns, pos) == Some(1) {
            Gender::Female
        } else {
            Gender::Unknown
        }
    }

    /// Whether entity `e` may be what a pronoun of `gender` stands for.
    pub(in crate::relations) fn agrees(&self, e: usize, gender: Gender) -> bool {
        let known = self.genders.get(e).copied().unwrap_or(Gender::Unknown);
        gender == Gender::Unknown || known == Gender::Unknown || known == gender
    }

    /// Pronoun sources become who they stand for: "he"/"she" a person speaker earlier in the
    /// sentence, else the latest antecedent within reach; "it" an organisation or state
    /// ([`Ctx::organisation_pronoun`]); unresolved ones are dropped.
    pub(in crate::relations) fn resolve_pronouns(
        &self,
        si: usize,
        attributions: &mut Vec<Attribution>,
        antecedents: &Antecedents,
    ) {
        let is_person = |e: &usize| self.resolved.entities[*e].kind == EntityType::Person;
        let named: Vec<(usize, Vec<usize>)> = attributions
            .iter()
            .filter(|a| a.pronoun_at.is_none())
            .map(|a| (a.end, a.sources.clone()))
            .collect();
        let reach = self.rules.settings.pronoun_reach;
        for a in attributions.iter_mut() {
            let Some(at) = a.pronoun_at else { continue };
            if self.lex_len(self.rules.settings.organisation_pronouns, at) == Some(1) {
                // The one organisation or state of the latest named attribution before it.
                let speaker_before = named.iter().rfind(|(end, _)| *end <= at).and_then(
                    |(_, sources)| match sources.as_slice() {
                        [s] if organisation_like(self.resolved.entities[*s].kind) => Some(*s),
                        _ => None,
                    },
                );
                a.sources = self
                    .organisation_pronoun(at, speaker_before, si, antecedents)
                    .into_iter()
                    .collect();
                continue;
            }
            let gender = self.pronoun_gender(at);
            let same_sentence = named
                .iter()
                .map(|(end, persons)| {
                    let agreeing: Vec<usize> = persons
                        .iter()
                        .copied()
                        .filter(|e| is_person(e) && self.agrees(*e, gender))
                        .collect();
                    (*end, agreeing)
                })
                .rfind(|(end, persons)| *end <= at && !persons.is_empty())
                .map(|(_, p)| p);
            let earlier = || {
                antecedents
                    .persons
                    .iter()
                    .rev()
                    .find(|&&(s, e)| s < si && si - s <= reach && self.agrees(e, gender))
                    .map(|&(_, e)| vec![e])
            };
            a.sources = same_sentence.or_else(earlier).unwrap_or_default();
        }
        attributions.retain(|a| !a.sources.is_empty());
    }

    /// The mention in subject position: the first name of the sentence with only
    /// capitalised words, determiners and punctuation before it.
    pub(in crate::relations) fn subject_mention(&self) -> Option<&MentionTokens> {
        let tokens = &self.doc.tokens;
        let mut p = self.sent.start;
        while p < self.sent.end {
            if let Some(m) = self.doc.mention_starting(p) {
                return Some(m);
            }
            let t = &tokens[p];
            let skippable = !t.is_word()
                || t.is_capitalised()
                || self.lex_len(self.rules.settings.determiners, p).is_some();
            if !skippable {
                return None;
            }
            p += 1;
        }
        None
    }
}

//! Pronouns: who a pronoun source stands for (a speaker earlier in the sentence, else the
//! latest antecedent within reach, never one of the other gender), and the person in
//! subject position.

use crate::resolve::{EntityType, Resolved};

use super::figures::Attribution;
use super::{Ctx, Gender};
use crate::relations::mentions::EntityTokens;
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

impl Ctx<'_> {
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

    /// Pronoun sources become the person they stand for: a person speaker earlier in the
    /// sentence, else the latest antecedent within reach; unresolved ones are dropped.
    pub(in crate::relations) fn resolve_pronouns(
        &self,
        si: usize,
        attributions: &mut Vec<Attribution>,
        antecedents: &[(usize, usize)],
    ) {
        let is_person = |e: &usize| self.resolved.entities[*e].kind == EntityType::Person;
        let named: Vec<(usize, Vec<usize>)> = attributions
            .iter()
            .filter(|a| a.pronoun_at.is_none())
            .map(|a| (a.end, a.sources.iter().copied().filter(is_person).collect()))
            .collect();
        let reach = self.rules.settings.pronoun_reach;
        for a in attributions.iter_mut() {
            let Some(at) = a.pronoun_at else { continue };
            let gender = self.pronoun_gender(at);
            let same_sentence = named
                .iter()
                .map(|(end, persons)| {
                    let agreeing: Vec<usize> = persons
                        .iter()
                        .copied()
                        .filter(|&e| self.agrees(e, gender))
                        .collect();
                    (*end, agreeing)
                })
                .rfind(|(end, persons)| *end <= at && !persons.is_empty())
                .map(|(_, p)| p);
            let earlier = || {
                antecedents
                    .iter()
                    .rev()
                    .find(|&&(s, e)| s < si && si - s <= reach && self.agrees(e, gender))
                    .map(|&(_, e)| vec![e])
            };
            a.sources = same_sentence.or_else(earlier).unwrap_or_default();
        }
        attributions.retain(|a| !a.sources.is_empty());
    }

    /// The person in subject position: the first name of the sentence with only
    /// capitalised words, determiners and punctuation before it.
    pub(in crate::relations) fn subject_person(&self) -> Option<usize> {
        let tokens = &self.doc.tokens;
        let mut p = self.sent.start;
        while p < self.sent.end {
            if let Some(m) = self.doc.mention_starting(p) {
                let e = m.entity;
                return (self.resolved.entities[e].kind == EntityType::Person).then_some(e);
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

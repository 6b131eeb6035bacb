//! Pronouns: who a pronoun source stands for (a speaker earlier in the sentence, else the
//! latest antecedent within reach), and the person in subject position.

use crate::resolve::EntityType;

use super::context::Ctx;
use super::figures::Attribution;

impl Ctx<'_> {
    /// Pronoun sources become the person they stand for: a person speaker earlier in the
    /// sentence, else the latest antecedent within reach; unresolved ones are dropped.
    pub(super) fn resolve_pronouns(
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
            let same_sentence = named
                .iter()
                .rfind(|(end, persons)| *end <= at && !persons.is_empty())
                .map(|(_, p)| p.clone());
            let earlier = || {
                antecedents
                    .iter()
                    .rev()
                    .find(|(s, _)| *s < si && si - *s <= reach)
                    .map(|&(_, e)| vec![e])
            };
            a.sources = same_sentence.or_else(earlier).unwrap_or_default();
        }
        attributions.retain(|a| !a.sources.is_empty());
    }

    /// The person in subject position: the first name of the sentence with only
    /// capitalised words, determiners and punctuation before it.
    pub(super) fn subject_person(&self) -> Option<usize> {
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

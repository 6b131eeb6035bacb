//! The analysed document's tokens with the entity mention each belongs to.

use std::ops::Range;

use crate::analysis::{Doc, Token};
use crate::resolve::Resolved;
use crate::text::Span;

/// An entity mention as a run of tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MentionTokens {
    pub entity: usize,
    pub tokens: Range<usize>,
}

/// A document prepared for matching: the analysis's tokens and sentences, and the
/// resolved entities' mentions placed on them.
#[derive(Clone, Debug)]
pub struct EntityTokens<'a> {
    pub text: &'a str,
    pub tokens: &'a [Token],
    /// Per token, the mention (index into `mentions`) it belongs to.
    pub mention_at: Vec<Option<usize>>,
    pub mentions: Vec<MentionTokens>,
    /// Sentences as token ranges.
    pub sentences: Vec<Range<usize>>,
    /// Per sentence of `sentences`, whether the parser analysed it.
    pub parsed: Vec<bool>,
    /// Per token, its dependents in the parse, in text order.
    pub children: Vec<Vec<usize>>,
    /// Per token, the state a nationality adjective there names (`Resolved::demonyms`).
    pub demonym_at: Vec<Option<usize>>,
}

impl<'a> EntityTokens<'a> {
    /// Places each entity mention on the tokens resolve gave it (`Entity::tokens`); only
    /// an entity made without them (by a library user) has its byte spans mapped here.
    pub fn new(text: &'a str, doc: &'a Doc, resolved: &Resolved) -> Self {
        let mut spans: Vec<(Span, usize, Range<usize>)> = resolved
            .entities
            .iter()
            .enumerate()
            .flat_map(|(e, entity)| {
                let placed = entity.tokens.len() == entity.mentions.len();
                entity.mentions.iter().enumerate().map(move |(m, &s)| {
                    let tokens = if placed {
                        entity.tokens[m].clone()
                    } else {
                        doc.tokens_in(s)
                    };
                    (s, e, tokens)
                })
            })
            .collect();
        spans.sort_by_key(|(span, entity, _)| (*span, *entity));
        let mut mention_at = vec![None; doc.tokens.len()];
        let mut mentions = Vec::new();
        for (_, entity, tokens) in spans {
            if tokens.is_empty() || mention_at[tokens.clone()].iter().any(Option::is_some) {
                continue; // empty, or overlapping a mention already placed
            }
            // A name never crosses a sentence boundary; a mention that does is a tagging slip.
            if doc.tokens[tokens.start].sentence != doc.tokens[tokens.end - 1].sentence {
                continue;
            }
            for slot in &mut mention_at[tokens.clone()] {
                *slot = Some(mentions.len());
            }
            mentions.push(MentionTokens { entity, tokens });
        }
        let mut children = vec![Vec::new(); doc.tokens.len()];
        for (i, t) in doc.tokens.iter().enumerate() {
            if let Some(h) = t.head {
                children[h].push(i);
            }
        }
        let mut demonym_at = vec![None; doc.tokens.len()];
        for (tokens, entity) in &resolved.demonyms {
            for slot in demonym_at.get_mut(tokens.clone()).into_iter().flatten() {
                *slot = Some(*entity);
            }
        }
        let kept = doc.sentences.iter().filter(|s| !s.tokens.is_empty());
        Self {
            text,
            tokens: &doc.tokens,
            mention_at,
            mentions,
            sentences: kept.clone().map(|s| s.tokens.clone()).collect(),
            parsed: kept.map(|s| s.parsed).collect(),
            children,
            demonym_at,
        }
    }

    /// The mention that starts at token `i`.
    pub fn mention_starting(&self, i: usize) -> Option<&MentionTokens> {
        let m = &self.mentions[(*self.mention_at.get(i)?)?];
        (m.tokens.start == i).then_some(m)
    }

    /// Byte span of tokens `range` (non-empty).
    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(
            self.tokens[range.start].span.start,
            self.tokens[range.end - 1].span.end,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyse;
    use crate::ner::Mention;
    use crate::resolve::{Entity, EntityType};

    #[test]
    fn mentions_across_sentences_are_ignored() {
        let text = "Sanction Putin.\n\nWASHINGTON said. Biden agreed.";
        let entity = |id: &str, spans: Vec<Span>| Entity {
            id: id.into(),
            name: id.into(),
            kind: EntityType::Person,
            aliases: Default::default(),
            mentions: spans,
            tokens: Vec::new(),
            country: None,
        };
        let resolved = Resolved {
            entities: vec![
                entity("putin", vec![Span::new(9, 27)]),
                entity("biden", vec![Span::new(34, 39)]),
            ],
            mention_entity: vec![],
            ..Default::default()
        };
        let doc = analyse(text, &[], None).unwrap();
        let prepared = EntityTokens::new(text, &doc, &resolved);
        assert_eq!(prepared.mentions.len(), 1);
        assert_eq!(prepared.mentions[0].entity, 1);
        assert_eq!(prepared.sentences.len(), 3);
        assert_eq!(
            prepared.tokens[prepared.mentions[0].tokens.start].text,
            "Biden"
        );
    }

    #[test]
    fn mentions_take_the_tokens_the_analysis_split_for_them() {
        let text = "the pro-Russian side";
        let span = Span::new(8, 15);
        let ner = Mention {
            span,
            label: "MISC".into(),
            score: 1.0,
        };
        let doc = analyse(text, &[ner], None).unwrap();
        let resolved = Resolved {
            entities: vec![Entity {
                id: "state:RU".into(),
                name: "Russia".into(),
                kind: EntityType::State,
                aliases: Default::default(),
                mentions: vec![span],
                tokens: Vec::new(),
                country: None,
            }],
            mention_entity: vec![Some(0)],
            ..Default::default()
        };
        let prepared = EntityTokens::new(text, &doc, &resolved);
        let m = &prepared.mentions[0];
        assert_eq!(prepared.span(m.tokens.clone()), span);
        assert_eq!(prepared.mention_starting(m.tokens.start), Some(m));
    }

    /// An entity's mentions sit on the tokens resolve gave them; its byte spans are not
    /// mapped again.
    #[test]
    fn mentions_sit_on_the_tokens_resolve_gave() {
        let text = "Sanction Putin and Lavrov now.";
        let doc = analyse(text, &[], None).unwrap();
        let at = |w: &str| doc.tokens.iter().position(|t| t.text == w).unwrap();
        let lavrov = at("Lavrov")..at("Lavrov") + 1;
        let resolved = Resolved {
            entities: vec![Entity {
                id: "person:vladimir-putin".into(),
                name: "Putin".into(),
                kind: EntityType::Person,
                aliases: Default::default(),
                // The span says "Putin", the tokens "Lavrov": the tokens are read.
                mentions: vec![Span::new(9, 14)],
                tokens: Vec::from([lavrov.clone()]),
                country: None,
            }],
            mention_entity: vec![],
            ..Default::default()
        };
        let prepared = EntityTokens::new(text, &doc, &resolved);
        assert_eq!(prepared.mentions[0].tokens, lavrov);
    }
}

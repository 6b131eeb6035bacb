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
}

impl<'a> EntityTokens<'a> {
    pub fn new(text: &'a str, doc: &'a Doc, resolved: &Resolved) -> Self {
        let mut spans: Vec<(Span, usize)> = resolved
            .entities
            .iter()
            .enumerate()
            .flat_map(|(e, entity)| entity.mentions.iter().map(move |&s| (s, e)))
            .collect();
        spans.sort();
        let mut mention_at = vec![None; doc.tokens.len()];
        let mut mentions = Vec::new();
        for (span, entity) in spans {
            let tokens = doc.tokens_in(span);
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
        let kept = doc.sentences.iter().filter(|s| !s.tokens.is_empty());
        Self {
            text,
            tokens: &doc.tokens,
            mention_at,
            mentions,
            sentences: kept.clone().map(|s| s.tokens.clone()).collect(),
            parsed: kept.map(|s| s.parsed).collect(),
            children,
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
}

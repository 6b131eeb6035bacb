//! The matcher's context in one sentence (`Ctx`: the rules, the document's tokens and entities, the sentence; `Found`: what a match found), with its parts as child modules.
//!
//! Every method on `Ctx` lives here or in a child: `surface` (patterns), `arguments` (what a
//! slot takes), `figures` (numbers read as figures, attributions) and `pronouns`.

use std::cell::Cell;
use std::ops::Range;

use crate::resolve::Resolved;
use crate::text::Span;

use super::mentions::EntityTokens;
use super::rules::{Lexicon, RuleSet};
use super::{Figure, Modality};

pub(super) mod arguments;
pub(super) mod descriptions;
pub(super) mod figures;
pub(super) mod pronouns;
pub(super) mod surface;

/// One relation instance found in one sentence.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Found {
    pub relation: String,
    pub rule: String,
    pub source: usize,
    pub target: FoundTarget,
    pub modality: Modality,
    pub span: Span,
    pub sentence: Span,
    pub matched: Option<super::Matched>,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum FoundTarget {
    Entity(usize),
    Figure(Figure),
}

pub(super) struct Ctx<'a> {
    pub(super) rules: &'a RuleSet,
    pub(super) doc: &'a EntityTokens<'a>,
    pub(super) resolved: &'a Resolved,
    pub(super) sent: Range<usize>,
    pub(super) steps: Cell<usize>,
    /// Per entity, the gender the document's titles give it ([`super::pronouns::genders`]).
    pub(super) genders: &'a [Gender],
}

/// What the document says of a person's gender.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Gender {
    Unknown,
    Male,
    Female,
}

impl<'a> Ctx<'a> {
    /// The context of one sentence (a token range of `doc`).
    pub(super) fn new(
        rules: &'a RuleSet,
        doc: &'a EntityTokens<'a>,
        resolved: &'a Resolved,
        sent: Range<usize>,
        genders: &'a [Gender],
    ) -> Self {
        Ctx {
            rules,
            doc,
            resolved,
            sent,
            steps: Cell::new(0),
            genders,
        }
    }

    pub(super) fn lexicon(&self, index: Option<usize>) -> Option<&'a Lexicon> {
        index.map(|i| &self.rules.lexicons[i])
    }

    /// Length of the longest entry of lexicon `index` at `pos`, within the sentence.
    pub(super) fn lex_len(&self, index: Option<usize>, pos: usize) -> Option<usize> {
        self.lexicon(index)?
            .longest_at(self.doc.tokens, pos, self.sent.end)
    }

    pub(super) fn lower(&self, pos: usize) -> &str {
        self.doc
            .tokens
            .get(pos)
            .filter(|_| pos < self.sent.end)
            .map_or("", |t| t.lower.as_str())
    }

    pub(super) fn in_mention(&self, pos: usize) -> bool {
        self.doc.mention_at.get(pos).is_some_and(Option::is_some)
    }

    /// Whether token `p` is an age after a name: "Biden, 79, said".
    pub(super) fn is_age(&self, p: usize) -> bool {
        let t = self.lower(p);
        p >= self.sent.start + 2
            && (1..=3).contains(&t.len())
            && t.chars().all(|c| c.is_ascii_digit())
            && self.lower(p - 1) == ","
            && self.in_mention(p - 2)
            && self.lower(p + 1) == ","
    }
}

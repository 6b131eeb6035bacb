//! Surface rules: patterns matched over a sentence's tokens by backtracking, and the cues
//! around a match that set its modality.

use std::ops::Range;

use super::Ctx;
use crate::relations::numbers::Reading;
use crate::relations::pattern::{Alt, Atom, Element, Pattern, Quant, Role, Slot};
use crate::relations::rules::{cue_applies, Effect, Rule};
use crate::relations::Modality;

/// Backtracking steps allowed per rule and start position; patterns in practice need far fewer.
const STEP_BUDGET: usize = 20_000;

#[derive(Clone, Debug)]
pub(in crate::relations) struct Capture {
    pub(in crate::relations) role: Role,
    /// Entities (indices into `Resolved::entities`), in order of mention.
    pub(in crate::relations) members: Vec<usize>,
    pub(in crate::relations) tokens: Range<usize>,
    pub(in crate::relations) figure: Option<Reading>,
    /// A pronoun standing for the source.
    pub(in crate::relations) pronoun: bool,
}

#[derive(Clone, Debug)]
pub(in crate::relations) struct Match {
    pub(in crate::relations) start: usize,
    pub(in crate::relations) end: usize,
    pub(in crate::relations) caps: Vec<Capture>,
}

pub(in crate::relations) fn members(m: &Match, role: Role) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    for c in m.caps.iter().filter(|c| c.role == role) {
        for &e in &c.members {
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    out
}

impl Ctx<'_> {
    /// The first match of `rule` at each start position of the sentence, less those inside
    /// an earlier match ("the US and the EU sanction" also matches from "the EU").
    pub(in crate::relations) fn matches(&self, rule: &Rule, pattern: &Pattern) -> Vec<Match> {
        let mut out: Vec<Match> = Vec::new();
        let starts_with_slot = pattern
            .elements
            .first()
            .is_some_and(|e| matches!(e.atom, Atom::Slot(_)));
        let not_after = self.lexicon(self.rules.settings.subject_not_after);
        for start in self.sent.clone() {
            if starts_with_slot
                && not_after.is_some_and(|l| l.ends_at(self.doc.tokens, self.sent.start, start))
            {
                continue;
            }
            self.steps.set(0);
            let mut caps = Vec::new();
            if let Some(end) = self.go(rule, &pattern.elements, start, &mut caps) {
                let inside = out.iter().any(|m| m.start <= start && end <= m.end);
                if end > start && !inside {
                    out.push(Match { start, end, caps });
                }
            }
        }
        out
    }

    pub(in crate::relations) fn go(
        &self,
        rule: &Rule,
        elements: &[Element],
        pos: usize,
        caps: &mut Vec<Capture>,
    ) -> Option<usize> {
        let Some(element) = elements.first() else {
            return Some(pos);
        };
        self.steps.set(self.steps.get() + 1);
        if self.steps.get() > STEP_BUDGET {
            return None;
        }
        let options = self.options(rule, &element.atom, pos);
        for (end, cap) in options {
            if element.quant == Quant::Many && end == pos {
                continue;
            }
            let pushed = cap.is_some();
            if let Some(c) = cap {
                caps.push(c);
            }
            let rest = if element.quant == Quant::Many {
                elements
            } else {
                &elements[1..]
            };
            if let Some(done) = self.go(rule, rest, end, caps) {
                return Some(done);
            }
            if pushed {
                caps.pop();
            }
        }
        if element.quant != Quant::One {
            return self.go(rule, &elements[1..], pos, caps);
        }
        None
    }

    /// Ways `atom` matches at `pos`: end positions (preferred first) and what it captured.
    pub(in crate::relations) fn options(
        &self,
        rule: &Rule,
        atom: &Atom,
        pos: usize,
    ) -> Vec<(usize, Option<Capture>)> {
        let end = self.sent.end;
        let tokens = &self.doc.tokens;
        // A mention that runs past its sentence can carry a match out of it: no match there.
        if pos > end || pos < self.sent.start {
            return vec![];
        }
        match atom {
            Atom::Start => {
                if tokens[self.sent.start..pos].iter().all(|t| !t.is_word()) {
                    vec![(pos, None)]
                } else {
                    vec![]
                }
            }
            Atom::End => {
                if tokens[pos..end].iter().all(|t| !t.is_word()) {
                    vec![(pos, None)]
                } else {
                    vec![]
                }
            }
            Atom::Gap(n) => {
                let mut out = vec![(pos, None)];
                let mut p = pos;
                while p < end && p - pos < *n {
                    let t = &tokens[p];
                    if !t.is_word()
                        || self.in_mention(p)
                        || self.lex_len(self.rules.settings.gap_stops, p).is_some()
                    {
                        break;
                    }
                    p += 1;
                    out.push((p, None));
                }
                out
            }
            Atom::Not(alts) => {
                if self.alt_ends(alts, pos).is_empty() {
                    vec![(pos, None)]
                } else {
                    vec![]
                }
            }
            Atom::Alts(alts) => self
                .alt_ends(alts, pos)
                .into_iter()
                .map(|e| (e, None))
                .collect(),
            Atom::Slot(slot) => self
                .slot_options(rule, slot, pos)
                .into_iter()
                .map(|(e, c)| (e, Some(c)))
                .collect(),
        }
    }

    /// Where the alternatives matching at `pos` end, longest first.
    pub(in crate::relations) fn alt_ends(&self, alts: &[Alt], pos: usize) -> Vec<usize> {
        let end = self.sent.end;
        let tokens = &self.doc.tokens;
        let mut ends: Vec<usize> = Vec::new();
        for alt in alts {
            match alt {
                Alt::Words(words) => {
                    let n = words.len();
                    let fits = pos + n <= end
                        && words
                            .iter()
                            .zip(&tokens[pos..pos + n])
                            .all(|(w, t)| *w == t.lower);
                    if fits {
                        ends.push(pos + n);
                    }
                }
                Alt::Lexicon(i) => {
                    for n in self.rules.lexicons[*i].lengths_at(tokens, pos, end) {
                        ends.push(pos + n);
                    }
                }
            }
        }
        ends.sort_by(|a, b| b.cmp(a));
        ends.dedup();
        ends
    }

    pub(in crate::relations) fn slot_options(
        &self,
        rule: &Rule,
        slot: &Slot,
        pos: usize,
    ) -> Vec<(usize, Capture)> {
        if pos >= self.sent.end {
            return vec![];
        }
        let capture = |end: usize, members: Vec<usize>| Capture {
            role: slot.role,
            members,
            tokens: pos..end,
            figure: None,
            pronoun: false,
        };
        if slot.role == Role::Figure {
            return self
                .reading(pos)
                .map(|r| {
                    let end = r.end;
                    let mut c = capture(end, vec![]);
                    c.figure = Some(r);
                    vec![(end, c)]
                })
                .unwrap_or_default();
        }
        let s = &self.rules.settings;
        if slot.role == Role::Source
            && rule.pronouns
            && !self.in_mention(pos)
            && [s.pronouns, s.organisation_pronouns]
                .into_iter()
                .any(|lexicon| self.lex_len(lexicon, pos) == Some(1))
        {
            let mut c = capture(pos + 1, vec![]);
            c.pronoun = true;
            return vec![(pos + 1, c)];
        }
        let min_members = if slot.role == Role::Group { 2 } else { 1 };
        self.groups(pos, slot.kinds.as_deref())
            .into_iter()
            .filter(|(_, m)| m.len() >= min_members)
            .map(|(end, m)| (end, capture(end, m)))
            .collect()
    }

    /// What the cues around a match make of it: None when a drop cue fires.
    pub(in crate::relations) fn modality(&self, rule: &Rule, m: &Match) -> Option<Modality> {
        let tokens = &self.doc.tokens;
        let in_slot = |p: usize| {
            m.caps
                .iter()
                .any(|c| c.role != Role::Figure && c.tokens.contains(&p))
        };
        let fired = self
            .rules
            .cues
            .iter()
            .filter(|cue| cue_applies(&cue.relations, &rule.relation))
            .filter(|cue| {
                let from = m.start.saturating_sub(cue.before).max(self.sent.start);
                let lexicon = &self.rules.lexicons[cue.lexicon];
                (from..m.end).any(|p| {
                    !in_slot(p) && !lexicon.lengths_at(tokens, p, self.sent.end).is_empty()
                })
            })
            .map(|cue| cue.effect);
        Effect::modality(fired)
    }
}
